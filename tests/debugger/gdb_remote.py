#!/usr/bin/env python3
"""The gdbstub, driven by Debian's gdb in batch mode, and by hand with
malformed packets.

Usage: gdb_remote.py GLASSBOX DEMO_DISK_IMAGE

1. glassbox -S -gdb tcp::PORT with the demo disk on the default model
   (Intel 64: gdb takes the i386:x86-64 description); gdb -batch connects,
   reads registers (RIP FFF0h, CS F000h at reset), sets a breakpoint at
   7C00h, continues to it, steps one instruction (RIP 7C01h), reads the boot
   sector's first bytes (FA 31 C0 8E: cli; xor ax, ax; mov ds, ...), reads
   CR0 (an extra register of the target description), sets a hardware
   watchpoint on the first PDE (Z2; continue stops after the store that
   changes it, with the old and new values) and detaches; the
   guest then runs to its end (the demo halts: exit status 0).
2. A raw socket sends a packet with a wrong checksum (NAK '-'), an overlong
   packet (NAK), a truncated one followed by a good '?' (the '?' is still
   answered), an unknown packet (the empty reply), a bad memory read (E01),
   watchpoint packets good and bad; then 'k' ends the run.
3. -gdb without -S on SeaBIOS (no disks), -cpu pentium-pro (the i386
   description): gdb attaches to the running
   guest, steps, detaches, and the guest runs on.
4. -cpu nehalem: the sse feature of the target description (GDB's vec128
   union and MXCSR flags) carries the real registers both ways: gdb writes
   XMM1 and MXCSR (P packets), steps, and reads them back (g packet); a
   reserved MXCSR bit is refused.
5. -smp 4 without -S on SeaBIOS (no disks), which starts the APs and
   halts them: gdb attaches and lists four threads, one per CPU
   (qfThreadInfo; qThreadExtraInfo "CPU#N [state]", as QEMU), reads an
   AP's registers after `thread 3` (Hg), steps the BSP and detaches.
Skips (77) without gdb unless CI is set.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from in_order import expect_in_order  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def start(glassbox, image, port):
    """Starts glassbox -S and waits for its "listening" line (a probe
    connection would be a client: its disconnect lets the guest run). On
    the Pentium Pro: the raw packets below are the i386 layout."""
    p = subprocess.Popen([glassbox, '-cpu', 'pentium-pro', '-display', 'none', '-hda', image, '-snapshot', '-gdb', f'tcp::{port}', '-S'],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stderr.readline()
    if 'listening' not in line:
        raise SystemExit(f'FAIL glassbox did not listen: {line!r}')
    return p


def frame(payload):
    return f'${payload}#{sum(payload.encode()) % 256:02x}'.encode()


def gdb_case(glassbox, image):
    port = free_port()
    gb = subprocess.Popen([glassbox, '-display', 'none', '-hda', image, '-snapshot', '-gdb', f'tcp::{port}', '-S'],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    listening = gb.stderr.readline()  # the stub listens before gdb connects: no guess at how soon
    if 'listening' not in listening:
        gb.kill()
        return [f'glassbox did not listen: {listening!r}']
    cmds = ['set confirm off', f'target remote 127.0.0.1:{port}', 'show architecture', 'info registers rip cs', 'break *0x7c00', 'continue',
            'info registers rip', 'stepi', 'info registers rip', 'x/4xb 0x7c00', 'info registers cr0',
            'delete', 'watch *(int*)0x10000', 'continue', 'info registers rip', 'delete', 'detach']
    out = run_gdb(cmds)
    try:
        _, err = gb.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        gb.kill()
        return [f'glassbox did not run to its end after detach; gdb said:\n{out}']
    problems = []
    expect = [
        (r'i386:x86-64', 'the default model (Intel 64): the x86-64 description'),
        (r'rip\s+0xfff0', 'RIP at the reset vector (zero-extended EIP)'),
        (r'cs\s+0xf000', 'CS F000h'),
        (r'Breakpoint 1 at 0x7c00', 'the breakpoint'),
        (r'Breakpoint 1, 0x0*7c00', 'continue stops at it'),
        (r'rip\s+0x7c00\s', 'RIP 7C00h at the breakpoint'),
        (r'rip\s+0x7c01\s', 'stepi: RIP 7C01h'),
        (r'0x7c00:\s+0xfa\s+0x31\s+0xc0\s+0x8e', 'memory: the boot sector'),
        (r'cr0\s+0x[0-9a-f]+', 'CR0 as an extra register'),
        (r'Hardware watchpoint 2: \*\(int\*\)0x10000', 'a hardware watchpoint (Z2) on the page directory'),
        # The REP STOSD zeroing the directory writes 0 over 0: gdb continues
        # by itself; the PDE store changes it.
        (r'Old value = 0\s+New value = 69635', 'the watchpoint stops at the first PDE store (11003h)'),
        (r'detached', 'detach'),
    ]
    problems += expect_in_order(out, expect, 'gdb: ')
    if gb.returncode != 0 or 'CPU halted at 0008:' not in err:
        problems.append(f'after detach: exit {gb.returncode}, stderr {err!r}')
    else:
        print('ok after detach the demo ran to its end')
    if problems:
        problems.append('gdb output:\n' + out)
    return problems


def run_gdb(cmds):
    """gdb -batch with each of CMDS as an -ex; what it printed."""
    g = subprocess.run(['gdb', '-batch', '-nx'] + sum((['-ex', c] for c in cmds), []), capture_output=True, text=True,
                       timeout=120)
    return g.stdout + g.stderr


def checked(out, expect, label):
    """The problems of expect_in_order(OUT, EXPECT, LABEL), with gdb's output
    after them when there are any."""
    problems = expect_in_order(out, expect, label)
    return problems + ['gdb output:\n' + out] if problems else []


def recv_until(sock, pred, timeout=10):
    sock.settimeout(timeout)
    data = b''
    end = time.monotonic() + timeout
    while not pred(data) and time.monotonic() < end:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data


def malformed_case(glassbox, image):
    port = free_port()
    gb = start(glassbox, image, port)
    problems = []
    try:
        s = socket.create_connection(('127.0.0.1', port), timeout=5)
        s.sendall(b'$?#00')  # wrong checksum
        if recv_until(s, lambda d: b'-' in d) != b'-':
            problems.append('wrong checksum: no NAK')
        else:
            print('ok wrong checksum: NAK')
        s.sendall(frame('m' + '0' * 40000))  # overlong
        if b'-' not in recv_until(s, lambda d: b'-' in d):
            problems.append('overlong packet: no NAK')
        else:
            print('ok overlong packet: NAK')
        s.sendall(b'$qSupp' + frame('?'))  # truncated, then a good one
        d = recv_until(s, lambda d: b'T05' in d)
        if b'T05' not in d:
            problems.append(f'after a truncated packet, ? got {d!r}')
        else:
            print('ok truncated packet: the next one is answered')
        s.sendall(frame('vMustReplyEmpty'))
        d = recv_until(s, lambda d: b'$#00' in d)
        if b'$#00' not in d:
            problems.append(f'unknown packet: {d!r}')
        else:
            print('ok unknown packet: empty reply')
        s.sendall(frame('mzz,4'))
        d = recv_until(s, lambda d: b'E01' in d)
        if b'E01' not in d:
            problems.append(f'bad m packet: {d!r}')
        else:
            print('ok malformed m packet: E01')
        # Watchpoint packets: read (Z3) added and removed once; a second
        # removal and a zero length are errors.
        for payload, reply in (('Z3,7c00,2', b'$OK#'), ('z3,7c00,2', b'$OK#'), ('z3,7c00,2', b'$E01#'),
                               ('Z2,7c00,0', b'$E01#'), ('Z4,7c00', b'$E01#')):
            s.sendall(frame(payload))
            d = recv_until(s, lambda d: b'#' in d)
            if reply not in d:
                problems.append(f'{payload}: {d!r}, expected {reply!r}')
                break
        else:
            print('ok watchpoint packets: Z3/z3 OK, a second z3, a zero length and no length give E01')
        s.sendall(frame('g'))
        d = recv_until(s, lambda d: re.search(rb'\$[0-9a-f]*#[0-9a-f]{2}', d) is not None)
        m = re.search(rb'\$([0-9a-f]*)#', d)
        # 46 registers: 16 of 4 bytes, 8 x87 of 10, 8 of 4, 8 XMM of 16,
        # MXCSR, CR0/2/3/4 of 4, EFER of 8; EIP (FFF0h) at byte 32.
        if not m or len(m.group(1)) != 2 * (16 * 4 + 8 * 10 + 8 * 4 + 8 * 16 + 4 + 4 * 4 + 8) or m.group(1)[64:72] != b'f0ff0000':
            problems.append(f'g after the bad packets: {d[:120]!r}')
        else:
            print('ok registers still read after the bad packets (EIP FFF0h: still stopped at reset)')
        s.sendall(frame('k'))
        s.close()
        gb.wait(timeout=30)
        if gb.returncode != 0:
            problems.append(f'k: exit status {gb.returncode}')
        else:
            print('ok k ended the run')
    finally:
        if gb.poll() is None:
            gb.kill()
            gb.wait()
    return problems


def attach_case(glassbox):
    """-gdb without -S: the guest (SeaBIOS, no disks, idling) runs with the
    hooks detached; gdb attaching stops it, and it runs on after detach."""
    port = free_port()
    # On the Pentium Pro: gdb takes the i386 description (EIP).
    gb = subprocess.Popen([glassbox, '-cpu', 'pentium-pro', '-display', 'none', '-m', '32', '-gdb', f'tcp::{port}'],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    problems = []
    try:
        if 'listening' not in gb.stderr.readline():
            return ['-gdb without -S did not listen']
        time.sleep(1.0)  # SeaBIOS is running
        cmds = ['set confirm off', f'target remote 127.0.0.1:{port}', 'info registers eip cs', 'stepi', 'detach']
        out = run_gdb(cmds)
        if not re.search(r'eip\s+0x[0-9a-f]+', out) or 'detached' not in out:
            problems.append(f'attach to a running guest: gdb said:\n{out}')
        else:
            print('ok gdb attached to a running guest (the hooks attach with it), stepped and detached')
        time.sleep(0.5)
        if gb.poll() is not None:
            problems.append(f'the guest stopped after detach: exit {gb.returncode}')
        else:
            print('ok the guest runs on after detach')
    finally:
        gb.terminate()
        gb.wait(timeout=30)
    return problems


def sse_case(glassbox, image):
    port = free_port()
    gb = subprocess.Popen([glassbox, '-cpu', 'nehalem', '-display', 'none', '-hda', image, '-snapshot',
                           '-gdb', f'tcp::{port}', '-S'],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    problems = []
    try:
        if 'listening' not in gb.stderr.readline():
            return ['-cpu nehalem: glassbox did not listen']
        cmds = ['set confirm off', f'target remote 127.0.0.1:{port}', 'info registers xmm0 mxcsr',
                'set var $xmm1.v2_int64[0] = 0x0011223344556677', 'set var $xmm1.v2_int64[1] = 0x0123456789abcdef',
                'set $mxcsr = 0x1fa1', 'stepi', 'p/x $xmm1.uint128', 'p $xmm1.v4_int32', 'info registers mxcsr',
                'set $mxcsr = 0x10000', 'kill']
        out = run_gdb(cmds)
        expect = [
            (r'xmm0\s+\{v4_float = \{0x0, 0x0, 0x0, 0x0\}, v2_double', 'xmm0 as GDB\'s vec128 union'),
            (r'mxcsr\s+0x1f80\s+\[ IM DM ZM OM UM PM \]', 'MXCSR at reset, by flag'),
            (r'= 0x123456789abcdef0011223344556677', 'XMM1 written (P) and read back (g)'),
            (r'= \{1146447479, 1122867, -1985229329, 19088743\}', 'XMM1 as four int32 lanes'),
            (r'mxcsr\s+0x1fa1\s+\[ IE PE IM DM ZM OM UM PM \]', 'MXCSR written and read back'),
            (r'Could not write register "mxcsr"', 'a reserved MXCSR bit is refused (E01)'),
        ]
        problems += checked(out, expect, 'gdb sse: ')
    finally:
        gb.kill()
        gb.wait(timeout=30)
    return problems


def smp_case(glassbox):
    port = free_port()
    gb = subprocess.Popen([glassbox, '-smp', '4', '-display', 'none', '-m', '32', '-gdb', f'tcp::{port}'],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    problems = []
    try:
        if 'listening' not in gb.stderr.readline():
            return ['-smp 4: glassbox did not listen']
        # What is checked holds whenever gdb attaches (before or after SeaBIOS
        # starts the APs); a second of running lets SeaBIOS get on.
        time.sleep(1.0)
        # The step is the BSP's: an AP SeaBIOS halted with interrupts
        # disabled would never execute it (as on QEMU).
        cmds = ['set confirm off', f'target remote 127.0.0.1:{port}', 'info threads', 'thread 3', 'info registers rip cs',
                'thread 1', 'stepi', 'info threads', 'detach']
        out = run_gdb(cmds)
        expect = [
            (r'Thread 1 \(CPU#0 \[[a-zA-Z-]+\]\)[^\n]*\n[^\n]*Thread 2 \(CPU#1 \[[a-zA-Z-]+\]\)[^\n]*\n'
             r'[^\n]*Thread 3 \(CPU#2 \[[a-zA-Z-]+\]\)[^\n]*\n[^\n]*Thread 4 \(CPU#3 \[[a-zA-Z-]+\]\)',
             'info threads: four threads, one per CPU'),
            (r'Switching to thread 3', 'thread 3 (Hg3)'),
            (r'rip\s+0x[0-9a-f]+', "an AP's registers"),
            (r'Switching to thread 1', 'thread 1 (Hg1)'),
            (r'\* 1 +Thread 1 \(CPU#0 ', 'stepi (vCont;s:1) stops thread 1'),
            (r'detached', 'detach'),
        ]
        problems += checked(out, expect, 'gdb -smp 4: ')
    finally:
        gb.terminate()
        gb.wait(timeout=30)
    return problems


def main():
    glassbox, image = sys.argv[1:3]
    if not shutil.which('gdb'):
        print('SKIP: gdb not installed (Debian gdb)')
        return 1 if os.environ.get('CI') else 77
    problems = (gdb_case(glassbox, image) + malformed_case(glassbox, image) + attach_case(glassbox) +
                sse_case(glassbox, image) + smp_case(glassbox))
    for p in problems:
        print(f'FAIL {p}')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
