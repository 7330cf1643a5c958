#!/usr/bin/env python3
"""The default guest (roms/demo_disk.asm, what scripts/run boots) narrates
each step on the VGA console and the debug console, and halts.

Usage: demo_guest.py GLASSBOX DEMO_DISK_IMAGE

Boots the disk headless through SeaBIOS with -snapshot, and checks: the run
ends with the CPU halted in 32-bit code (CS 0008h), every narration line is
on the text screen in order (the last ones written through the paged alias
C0000000h of the text buffer), the debug console has the same lines, and
the image is unchanged.
"""
import hashlib
import os
import subprocess
import sys
import tempfile

LINES = [
    ' Glassbox demo: real mode -> protected mode -> paging',
    '[real mode] The BIOS loaded this sector at 0000:7C00 from drive 80h.',
    '[A20] Port 92h bit 1 set',
    '[GDT] Loaded: 08h = flat 32-bit code, 10h = flat data',
    '[CR0.PE] Set; the far jump to 0008h:pm_entry loads CS from the GDT.',
    '[protected mode] 32-bit code at CPL 0; DS=ES=SS=10h.',
    '[protected mode] ESP = 00007C00h',
    '[paging] Page directory at 00010000h',
    '[CR0.PG] Set. This line is written through linear C0000000h.',
    'Done: the CPU halts here (CLI; HLT).',
]


def main():
    glassbox, image = sys.argv[1:3]
    before = hashlib.sha256(open(image, 'rb').read()).hexdigest()
    wrapper = os.environ.get('GB_EXE_WRAPPER', '').split()
    with tempfile.TemporaryDirectory(prefix='glassbox-demo-') as d:
        text, log = os.path.join(d, 'screen.txt'), os.path.join(d, 'debugcon.log')
        p = subprocess.run(wrapper + [glassbox, '-hda', image, '-snapshot', '-boot', 'c', '-display', 'none',
                                      '-debugcon', f'file:{log}', '--dump-text', text, '--insn-limit', '500000000'],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=240)
        screen = open(text, errors='replace').read()
        console = open(log, errors='replace').read()
    problems = []
    if p.returncode != 0 or 'CPU halted at 0008:' not in p.stderr:
        problems.append(f'exit {p.returncode}, stderr {p.stderr.strip()!r}: expected a halt in 32-bit code')
    pos = 0
    for line in LINES:
        at = screen.find(line, pos)
        if at < 0:
            problems.append(f'text screen lacks (in order) {line!r}')
        else:
            pos = at + len(line)
        if line.strip() not in console:
            problems.append(f'debug console lacks {line!r}')
    if hashlib.sha256(open(image, 'rb').read()).hexdigest() != before:
        problems.append('-snapshot: the image changed')
    for pr in problems:
        print(f'FAIL {pr}')
    if problems:
        print('screen:\n' + screen)
        return 1
    print(f'ok the demo narrated {len(LINES)} steps and halted: {p.stderr.strip()}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
