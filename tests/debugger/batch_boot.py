#!/usr/bin/env python3
"""The debugger in batch mode on a real boot: SeaBIOS, then the benchmark
guest's boot sector from the hard disk, into protected mode and paging.

Usage: batch_boot.py GLASSBOX GUEST_IMAGE_DIR

With --debugger-commands: break at 0000:7C00 (where SeaBIOS jumps to the
boot sector), check `regs` (CS:IP = 0000:7C00, DL = 80h, the boot drive),
`disasm` against the sector's first instructions (benchmark guest
boot.asm), `break on mode pe` and `step` across the far jump into 32-bit
code, `break on mode pg`, then `translate` of a paged address (each walk
step) and of an unmapped one (the #PF it would raise). Every command is
echoed before its output.

Then the same boot with four processors (-smp 4): a breakpoint at linear
10000h, where SeaBIOS's STARTUP IPIs (vector 10h) start each application
processor, stops CPU 1 ("CPU 1: breakpoint 1") and makes it current; `info
cpus` lists the four CPUs (CPU 1 running at 1000:0000, the others still
waiting for SIPI); the boot sector's breakpoint then stops the BSP, with
`info cpus` listing four CPUs after the boot (the APs halted in SeaBIOS's
32-bit AP code once counted), and `cpu 2` shows that AP's registers.
Skips (77) without the image unless CI is set.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from in_order import expect_in_order  # noqa: E402

COMMANDS = """\
break 0000:7c00
continue
regs
disasm cs:eip 7
break on mode pe
continue
step 3
regs
break on mode pg
continue
translate eip
translate 0xf0000000
info tab
delete
quit
"""

# (pattern, what it shows); searched in order through the output.
EXPECT = [
    (r'\(gb\) break 0000:7c00\nbreakpoint 1 at 0000:00007c00', 'the breakpoint is set and echoed'),
    (r'stopped: breakpoint 1\n>\* 00007c00 0000:7c00  fa +cli', 'the stop at the boot sector'),
    (r'edx=000000(80)', 'DL = 80h, the boot drive'),
    (r'cs:eip=0000:00007c00 \(linear 00007c00\), real mode', 'CS:IP = 0000:7C00 in real mode'),
    (r'00007c01 0000:7c01  31c0 +xor ax, ax\n.*8ed8 +mov ds, ax\n.*8ed0 +mov ss, ax\n.*bc007c +mov sp, 0x7c00\n'
     r'.*fc +cld\n.*ea107c0000 +ljmp 0:0x7c10', 'disasm: the first instructions of boot.asm'),
    (r'stopped: CR0.PE 0 -> 1 by the instruction at 0000:', 'the break after MOV CR0 set PE'),
    (r'ljmp 8:0x', 'the far jump into the 32-bit code segment'),
    (r'cs:eip=0008:[0-9a-f]{8} \(linear [0-9a-f]{8}\), protected mode, 32-bit code', 'stepped into 32-bit code'),
    (r'stopped: CR0.PG 0 -> 1 by the instruction at 0008:', 'the break after paging is enabled'),
    (r'32-bit paging, CR3 = [0-9a-f]{8}\n  PDE   at [0-9a-f]{8} = [0-9a-f]{8}  \[P RW S[^\]]*\]\n'
     r'  PTE   at [0-9a-f]{8} = [0-9a-f]{8}  \[P RW S[^\]]*\]\n  physical [0-9a-f]{8} \(4 KiB page', 'translate: PDE, PTE, physical'),
    (r'linear f0000000\n  32-bit paging.*\n  PDE   at [0-9a-f]{8} = 00000000  \[not present\]\n  -> #PF, error code 0x0',
     'translate: the not-present PDE and the #PF'),
    (r'32-bit paging, CR3 = [0-9a-f]{8}: \d+ mapped range', 'info tab'),
    (r'deleted every breakpoint', 'delete'),
]

SMP_COMMANDS = """\
break 0x10000
continue
info cpus
delete
break 0000:7c00
continue
info cpus
cpu 2
regs
quit
"""

SMP_EXPECT = [
    (r'stopped: CPU 1: breakpoint 1\n>\* 00010000 1000:0000 ', 'the first AP stops where the STARTUP IPI sent it'),
    (r'\(gb\) info cpus\n  CPU  APIC ID  state +mode +CS:RIP\n'
     r'    0        0  (running|halted) .*\n'
     r'\*   1        1  running        real mode +1000:00000000\n'
     r'    2        2  wait-for-SIPI .*\n'
     r'    3        3  wait-for-SIPI .*\n', 'info cpus at the first AP: CPU 1 current, 2 and 3 not started yet'),
    (r'stopped: CPU 0: breakpoint 2\n>\* 00007c00 0000:7c00  fa +cli', 'the BSP stops at the boot sector'),
    (r'\(gb\) info cpus\n  CPU  APIC ID  state +mode +CS:RIP\n'
     r'\*   0        0  running        real mode +0000:00007c00\n'
     r'    1        1  halted +protected mode, 32-bit code +0008:[0-9a-f]{8}\n'
     r'    2        2  halted +protected mode, 32-bit code +0008:[0-9a-f]{8}\n'
     r'    3        3  halted +protected mode, 32-bit code +0008:[0-9a-f]{8}\n',
     'info cpus after the boot: four CPUs, the APs halted in SeaBIOS\'s 32-bit AP code'),
    (r'\(gb\) cpu 2\nCPU 2 \(halted\):\n>  [0-9a-f]{8} 0008:', 'cpu 2 selects the AP'),
    (r'cs:eip=0008:[0-9a-f]{8} \(linear [0-9a-f]{8}\), protected mode, 32-bit code, CPL 0, halted', 'regs of CPU 2: halted'),
]


def run(glassbox, args, commands, expect):
    """Runs glassbox with `commands` and checks the output; the number of failures."""
    wrapper = os.environ.get('GB_EXE_WRAPPER', '').split()
    with tempfile.TemporaryDirectory(prefix='glassbox-dbg-') as d:
        cmds = os.path.join(d, 'commands.txt')
        with open(cmds, 'w') as f:
            f.write(commands)
        p = subprocess.run(wrapper + [glassbox, '-display', 'none'] + args + ['--debugger-commands', cmds],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=240)
    out = p.stdout
    missing = expect_in_order(out, expect)
    for line in missing:
        print(f'FAIL {line}')
    failures = len(missing)
    echoed = [l for l in commands.splitlines() if f'(gb) {l}' not in out]
    if echoed:
        print(f'FAIL commands not echoed: {echoed}')
        failures += 1
    if p.returncode != 0 or 'quit after' not in p.stderr:
        print(f'FAIL exit {p.returncode}, stderr {p.stderr!r}')
        failures += 1
    if failures:
        print('output:\n' + out)
    return failures


def main():
    glassbox, images = sys.argv[1:3]
    image = os.path.join(images, 'bench', 'bench-2-200.img')
    if not os.path.exists(image):
        print(f'SKIP: {image} missing (scripts/guests builds it from ../shared)')
        return 1 if os.environ.get('CI') else 77
    disk = ['-hda', image, '-boot', 'c', '-snapshot']
    failures = run(glassbox, disk, COMMANDS, EXPECT)
    failures += run(glassbox, ['-smp', '4'] + disk, SMP_COMMANDS, SMP_EXPECT)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
