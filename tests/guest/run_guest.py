#!/usr/bin/env python3
"""Run one guest test ROM on an emulator and judge the result.

Usage: run_guest.py EMULATOR ROM [--stdin=TEXT] [--expect=TEXT] [ARG...]

Runs
    EMULATOR -bios ROM -display none -debugcon stdio
             -device isa-debug-exit,iobase=0xf4,iosize=0x04
             -no-reboot -m 16 --insn-limit 50000000
with a 60 s timeout and prints the guest's debug-console output.  The test
passes (exit 0) only if the last output line is "PASS" and the emulator's
exit status is 1 (the guest wrote 0 to the isa-debug-exit port 0xF4, which
exits with (0 << 1) | 1).  Anything else prints the reason and exits 1.

Further ARGs go to the emulator after those (e.g. -hda ROM -snapshot, or
--device-timing datasheet).  --stdin=TEXT feeds TEXT (with \n escapes) on the
emulator's standard input, all of it there before the emulator starts (for
-serial stdio); --expect=TEXT (same escapes) also requires TEXT somewhere in
the output (e.g. what the guest sent on COM1 with -serial stdio).

If EMULATOR's file name starts with "qemu" (e.g. qemu-system-i386, used as
the reference implementation), --insn-limit is left out because QEMU has no
such option.

A ROM whose name (without .bin) is in expected_failures.txt (next to this
script) must fail on Glassbox: its failure passes the test, and its passing
fails it, so the list only shrinks. QEMU runs ignore the list.
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
import expected_failures  # noqa: E402

TIMEOUT_S = 240  # generous: cross builds run under qemu-user


def main(argv):
    rc = run(argv)
    if len(argv) < 3 or os.path.basename(argv[1]).startswith('qemu'):
        return rc
    name = os.path.basename(argv[2])
    if name.endswith('.bin'):
        name = name[:-len('.bin')]
    return expected_failures.judge(name, rc, expected_failures.read(os.path.dirname(os.path.abspath(__file__))))


def run(argv):
    if len(argv) < 3:
        print(f"usage: {argv[0]} EMULATOR ROM [--stdin=TEXT] [--expect=TEXT] [ARG...]", file=sys.stderr)
        return 1
    emulator, rom = argv[1], argv[2]
    stdin_text, expect, extra = None, None, []
    for a in argv[3:]:
        if a.startswith('--stdin='):
            stdin_text = a[len('--stdin='):].replace('\\n', '\n')
        elif a.startswith('--expect='):
            expect = a[len('--expect='):].replace('\\n', '\n')
        else:
            extra.append(a)
    # GB_EXE_WRAPPER: qemu-user (and its options) for a cross-built binary.
    wrapper = os.environ.get('GB_EXE_WRAPPER', '').split()
    cmd = wrapper + [emulator, '-bios', rom, '-display', 'none', '-debugcon', 'stdio',
           '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
           '-no-reboot', '-m', '16']
    if not os.path.basename(emulator).startswith('qemu'):
        cmd += ['--insn-limit', '50000000']
    cmd += extra
    print('running:', ' '.join(cmd), flush=True)

    # Standard input from a file, so that all of it is readable at once.
    stdin = subprocess.DEVNULL
    if stdin_text is not None:
        stdin = tempfile.TemporaryFile()
        stdin.write(stdin_text.encode())
        stdin.seek(0)
    try:
        proc = subprocess.run(cmd, stdin=stdin,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'').decode('utf-8', errors='replace')
        err = (e.stderr or b'').decode('utf-8', errors='replace')
        sys.stdout.write(out)
        if err:
            sys.stdout.write('--- stderr ---\n' + err)
        print(f'\nFAILED: timed out after {TIMEOUT_S} s')
        return 1
    except OSError as e:
        print(f'FAILED: cannot run {emulator}: {e}')
        return 1

    out = proc.stdout.decode('utf-8', errors='replace')
    err = proc.stderr.decode('utf-8', errors='replace')
    sys.stdout.write(out)
    if out and not out.endswith('\n'):
        sys.stdout.write('\n')
    if err:
        sys.stdout.write('--- stderr ---\n' + err)
        if not err.endswith('\n'):
            sys.stdout.write('\n')

    lines = out.replace('\r', '').rstrip('\n').split('\n')
    last = lines[-1].strip() if lines else ''
    status = proc.returncode

    reasons = []
    if expect is not None and expect not in out.replace('\r', ''):
        reasons.append(f'the output lacks {expect!r}')
    if last != 'PASS':
        reasons.append(f'last output line is {last!r}, not \'PASS\'')
    if status != 1:
        if status == 3:
            what = 'guest reported failure (wrote 1 to port 0xf4)'
        elif status < 0:
            what = f'killed by signal {-status}'
        elif status & 1:
            what = f'guest wrote {status >> 1} to port 0xf4'
        else:
            what = 'emulator did not exit through isa-debug-exit'
        reasons.append(f'exit status {status}, expected 1 ({what})')
    if reasons:
        print('FAILED: ' + '; '.join(reasons))
        return 1
    print('guest test passed')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
