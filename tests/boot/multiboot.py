#!/usr/bin/env python3
"""Boots tests/boot/multiboot_kernel.asm, in both its forms, by -kernel.

Usage: multiboot.py EMULATOR KERNEL.elf KERNEL.bin

In a fresh directory it writes two modules, mod1.bin (5000 bytes, byte i
being (7 i + 1) mod 256) and "mod,2.bin" ("second"), copies the kernels in as
mbk.elf and mbk.bin, and runs from there (the kernel checks its command
line, which starts with the -kernel argument as given):
    EMULATOR -kernel mbk.elf -initrd 'mod1.bin first arg,mod,,2.bin'
             -append 'mb-test x=1 y="two words"' -m 32 ...
    EMULATOR -kernel mbk.bin -initrd (the same) -m 32 ...   (no -append)
Each run passes if the kernel printed no "FAIL" line, its last line is
"PASS" and the exit status is 1 (isa-debug-exit with 0).  EMULATOR may be
qemu-system-i386, the reference the kernel was checked against (then
--insn-limit is left out).
"""

import os
import shutil
import subprocess
import sys
import tempfile

TIMEOUT_S = 300
MODULES = 'mod1.bin first arg,mod,,2.bin'


def run(emulator, directory, kernel, append):
    wrapper = os.environ.get('GB_EXE_WRAPPER', '').split()
    cmd = wrapper + [emulator, '-kernel', kernel, '-initrd', MODULES, '-m', '32', '-display', 'none',
                     '-debugcon', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-no-reboot']
    if append is not None:
        cmd += ['-append', append]
    if not os.path.basename(emulator).startswith('qemu'):
        cmd += ['--insn-limit', '1000000000']
    print('running:', ' '.join(cmd), flush=True)
    try:
        p = subprocess.run(cmd, cwd=directory, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        print(f'FAILED: timed out after {TIMEOUT_S} s')
        return False
    out = p.stdout.decode('utf-8', 'replace').replace('\r', '')
    err = p.stderr.decode('utf-8', 'replace')
    # Only the kernel's own lines: the firmware logs to the same port first.
    start = out.find('Multiboot kernel running')
    mine = out[start:].rstrip('\n').split('\n') if start >= 0 else []
    print('\n'.join(mine) if mine else out)
    if err:
        print('--- stderr ---\n' + err)
    reasons = []
    if not mine:
        reasons.append('the kernel never ran')
    if any(line.startswith('FAIL') for line in mine):
        reasons.append('a check failed')
    if not mine or mine[-1] != 'PASS':
        reasons.append('the last line is not PASS')
    if p.returncode != 1:
        reasons.append(f'exit status {p.returncode}, expected 1')
    for r in reasons:
        print('FAILED:', r)
    return not reasons


def main(argv):
    if len(argv) != 4:
        print(f'usage: {argv[0]} EMULATOR KERNEL.elf KERNEL.bin', file=sys.stderr)
        return 1
    emulator, elf, flat = argv[1:]
    if os.sep in emulator:  # it runs from another directory
        emulator = os.path.abspath(emulator)
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, 'mod1.bin'), 'wb') as f:
            f.write(bytes((7 * i + 1) & 0xFF for i in range(5000)))
        with open(os.path.join(d, 'mod,2.bin'), 'wb') as f:
            f.write(b'second')
        shutil.copy(elf, os.path.join(d, 'mbk.elf'))
        shutil.copy(flat, os.path.join(d, 'mbk.bin'))
        ok = run(emulator, d, 'mbk.elf', 'mb-test x=1 y="two words"')
        ok = run(emulator, d, 'mbk.bin', None) and ok
    print('PASS' if ok else 'FAILED')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
