#!/usr/bin/env python3
"""Every way a run ends delivers everything the guest wrote to COM1.

Usage: exit_flush.py GLASSBOX ROM_DIR [EXTRA_ARG...]

ROM_DIR holds exit_flush-N.bin, exit_flush.asm assembled with ENDING=N: the
guest writes "abcdef" to COM1 at 9600 baud without waiting for the
transmitter, writes "ready" to the debug console, then ends the run (see
exit_flush.asm). Each case runs glassbox -serial file:OUT -debugcon stdio
and checks OUT holds exactly "abcdef" once glassbox has exited, and that the
exit status is the documented one for that ending:

  isa-debug-exit          87 (status 2Bh << 1 | 1)
  Bochs shutdown port     0
  --insn-limit            0
  SIGTERM, SIGINT         130; sent once "ready" is on the debug console
  SIGTERM in a long REP   130, with the REP LODSB (4 GiB) not run to its end
  triple fault -no-reboot 0
  CLI; HLT                0
  debugger quit           0 (--magic-break stops at XCHG BX,BX; "quit")
  gdb kill                0 (-S; the client continues to the magic
                          breakpoint, then sends k)
  SIGTERM at a stop       130: at the debugger prompt (stdin a pipe left
                          open), and while a gdb client holds the CPU;
                          sent once the stop is reported

EXTRA_ARG... are added to every run (e.g. a UART timing option).
Prints one line per case; exits 1 if any case fails.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading

# A hang guard only: each case ends on an event well before this.
TIMEOUT_S = 240
EXPECTED = b'abcdef'


def glassbox_cmd(glassbox, rom, out, extra):
    # GB_EXE_WRAPPER: qemu-user (and its options) for a cross-built binary.
    wrapper = os.environ.get('GB_EXE_WRAPPER', '').split()
    return wrapper + [glassbox, '-bios', rom, '-m', '1', '-display', 'none', '-serial', f'file:{out}',
                      '-debugcon', 'stdio'] + extra


def wait_ready(p):
    """Reads the debug console until the guest's "ready" line; False at EOF."""
    seen = b''
    while b'ready\n' not in seen:
        c = p.stdout.read(1)
        if not c:
            return False
        seen += c
    return True


def run_signal(cmd, signum, busy=False):
    """Sends `signum` once the guest is ready. `busy`: the guest is inside a
    REP LODSB over 4 GiB (a minute of host time), which must stop between
    iterations: the debug console shows no "x" (a REP that ran to its end)
    after "ready"."""
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    timer = threading.Timer(TIMEOUT_S, p.kill)
    timer.start()
    try:
        if wait_ready(p):
            p.send_signal(signum)
        out, err = p.communicate()
    finally:
        timer.cancel()
    if busy and b'x' in out:
        err += b'\n(test) the REP LODSB ran to its end before the run stopped'
        return 'REP not interrupted', err
    return p.returncode, err


def frame(payload):
    return f'${payload}#{sum(payload.encode()) % 256:02x}'.encode()


def read_packet(s):
    """The next $...#xx packet's payload (acks skipped)."""
    buf = b''
    while True:
        c = s.recv(1)
        if not c:
            raise ConnectionError('glassbox closed the connection')
        buf += c
        if b'$' in buf and len(buf) >= buf.index(b'$') + 3 and buf[-3:-2] == b'#':
            return buf[buf.index(b'$') + 1:-3].decode()


def run_gdb(cmd, finish):
    """Starts glassbox stopped under its gdbstub, connects, continues to the
    magic breakpoint after the six THR writes, then calls finish(p) (which
    ends the run: gdb's kill packet, or a signal)."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    p = subprocess.Popen(cmd + ['--magic-break', '-gdb', f'tcp:127.0.0.1:{port}', '-S'], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    timer = threading.Timer(TIMEOUT_S, p.kill)
    timer.start()
    try:
        line = p.stderr.readline()  # "glassbox: gdbstub listening on ..."
        if b'listening' not in line:
            out, err = p.communicate()
            return p.returncode, line + err
        with socket.create_connection(('127.0.0.1', port), timeout=TIMEOUT_S) as s:
            s.sendall(frame('?'))
            read_packet(s)  # stopped at the reset vector
            s.sendall(b'+' + frame('c'))
            read_packet(s)  # stopped at XCHG BX,BX, after the six THR writes
            finish(p, s)
            out, err = p.communicate()
    finally:
        timer.cancel()
    return p.returncode, err


def run_gdb_kill(cmd):
    return run_gdb(cmd, lambda p, s: s.sendall(b'+' + frame('k')))


def run_gdb_stopped_sigterm(cmd):
    """SIGTERM while a gdb client holds the stopped CPU (and sends nothing)."""
    return run_gdb(cmd, lambda p, s: p.send_signal(signal.SIGTERM))


def run_prompt_sigterm(cmd):
    """SIGTERM while the debugger's prompt waits for a line (stdin a pipe,
    left open): the run ends, as a signal."""
    p = subprocess.Popen(cmd + ['--debugger', '--magic-break'], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    timer = threading.Timer(TIMEOUT_S, p.kill)
    timer.start()
    try:
        p.stdin.write(b'continue\n')
        p.stdin.flush()
        seen = b''
        while b'magic breakpoint' not in seen:
            c = p.stdout.read(1)
            if not c:
                break
            seen += c
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate()
    finally:
        timer.cancel()
    return p.returncode, err


def run_plain(cmd):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT_S)
    return p.returncode, p.stderr


def main(argv):
    if len(argv) < 3:
        print(f'usage: {argv[0]} GLASSBOX ROM_DIR [EXTRA_ARG...]', file=sys.stderr)
        return 2
    glassbox, rom_dir, extra = argv[1], argv[2], argv[3:]
    rom = lambda n: os.path.join(rom_dir, f'exit_flush-{n}.bin')
    failures = 0
    with tempfile.TemporaryDirectory(prefix='glassbox-exit-') as d:
        quit_cmds = os.path.join(d, 'quit.gdbcmds')
        with open(quit_cmds, 'w') as f:
            f.write('continue\nquit\n')
        exit_dev = ['-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
        cases = [
            # name, ROM ending, extra args, how to run, expected status
            ('isa-debug-exit', 1, exit_dev, run_plain, 87),
            ('Bochs shutdown port', 2, [], run_plain, 0),
            ('--insn-limit', 3, ['--insn-limit', '100000'], run_plain, 0),
            ('SIGTERM', 3, [], lambda c: run_signal(c, signal.SIGTERM), 130),
            ('SIGINT', 3, [], lambda c: run_signal(c, signal.SIGINT), 130),
            ('SIGTERM during a 4 GiB REP LODSB', 6, [], lambda c: run_signal(c, signal.SIGTERM, busy=True), 130),
            ('triple fault, -no-reboot', 4, ['-no-reboot'], run_plain, 0),
            ('CLI; HLT', 5, [], run_plain, 0),
            ('debugger quit', 3, ['--magic-break', '--debugger-commands', quit_cmds], run_plain, 0),
            ('gdb kill', 3, [], run_gdb_kill, 0),
            ('SIGTERM at the debugger prompt', 3, [], run_prompt_sigterm, 130),
            ('SIGTERM while gdb holds the CPU', 3, [], run_gdb_stopped_sigterm, 130),
        ]
        for name, ending, args, how, status in cases:
            out = os.path.join(d, f'serial-{ending}.out')
            problems = []
            try:
                code, err = how(glassbox_cmd(glassbox, rom(ending), out, extra + args))
            except subprocess.TimeoutExpired:
                code, err = None, b''
                problems.append(f'timed out after {TIMEOUT_S} s')
            if code is not None and code != status:
                problems.append(f'exit status {code}, expected {status}')
            try:
                with open(out, 'rb') as f:
                    got = f.read()
            except OSError as e:
                got = None
                problems.append(f'no serial output file: {e}')
            if got is not None and got != EXPECTED:
                problems.append(f'COM1 sink holds {got!r}, expected {EXPECTED!r}')
            print(f'{"ok" if not problems else "FAIL"} {name}: exit {code}, stderr {err.decode("utf-8", "replace").strip()!r}')
            for pr in problems:
                print(f'       - {pr}')
            failures += bool(problems)
    print(f'{len(cases) - failures} of {len(cases)} cases passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
