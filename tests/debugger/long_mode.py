#!/usr/bin/env python3
"""The debugger and the gdbstub in IA-32e mode, on long_debug.asm (64-bit
code and data at linear FFFF_FFFF_8000_0000h, above 4 GiB) as the BIOS of a
core2duo machine.

Usage: long_mode.py GLASSBOX LONG_DEBUG_ROM

1. --debugger-commands: `break on mode lma` stops after the MOV CR0 that
   activates IA-32e mode (compatibility mode: `regs` shows the 64-bit
   view); a breakpoint at the 64-bit address set before 64-bit mode is hit
   once the guest runs there; `regs` shows RAX..R15 and RIP in 64-bit
   mode; `disasm` decodes 64-bit code (RIP-relative MOV, R15) with 64-bit
   addresses; a watchpoint on a 64-bit address stops after the store with
   the old and new quadwords; `info tss` shows the 64-bit TSS and `info
   idt` the 16-byte gates; the guest then runs to its PASS.
2. gdb (skipped without gdb unless CI is set): the stub offers the
   i386:x86-64 description from reset (RIP FFF0h zero-extended); a
   breakpoint at the 64-bit address, x/i in 64-bit code, stepi, RAX and
   R15, a hardware watchpoint (Z2) on a 64-bit address with the old and new
   values, kill.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from in_order import expect_in_order  # noqa: E402

DEVICES = ['-cpu', 'core2duo', '-display', 'none', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']

COMMANDS = """\
break on mode lma
continue
regs
break 0xffffffff80000000
continue
regs
disasm
watch 0xffffffff80000028 8
continue
regs
info tss
info idt
delete
continue
"""

EXPECT = [
    (r'will stop after the instruction that changes EFER.LMA', 'break on mode lma'),
    (r'stopped: EFER.LMA 0 -> 1 by the instruction at 0008:', 'the stop after MOV CR0 activated IA-32e mode'),
    (r'rip=00000000[0-9a-f]{8} .*\ncs:rip=0008:00000000[0-9a-f]{8} \(linear 00000000000f[0-9a-f]{4}\), compatibility mode, 32-bit code',
     'regs: compatibility mode, the 64-bit view'),
    (r'breakpoint 1 at linear ffffffff80000000', 'a breakpoint at a 64-bit address, set before 64-bit mode'),
    (r'stopped: breakpoint 1\n>\* ffffffff80000000 0038:ffffffff80000000  488b0519000000 +mov rax, qword ptr \[rip \+ 0x19\]',
     'the stop there, disassembled as 64-bit code'),
    (r'r12=0000000000000000 r13=0000000000000000 r14=0000000000000000 r15=0000000000000000\n'
     r'rip=ffffffff80000000 rflags=[0-9a-f]{16} \[.*\]\ncs:rip=0038:ffffffff80000000 \(linear ffffffff80000000\), 64-bit mode, CPL 0',
     'regs: R8-R15, RIP, 64-bit mode'),
    (r'ffffffff80000007 0038:ffffffff80000007  4989c7 +mov r15, rax\n', 'disasm: MOV R15, RAX (REX.WB)'),
    (r'watchpoint 2: write of linear ffffffff80000028 length 8', 'a watchpoint at a 64-bit address'),
    (r'stopped: watchpoint 2: write of 8 bytes at linear ffffffff80000028 by the instruction at 0038:ffffffff8000000a: '
     r'0000000000000000 -> 1122334455667788', 'the watchpoint stops after the store, old and new values'),
    (r'r15=1122334455667788', 'R15 loaded RIP-relatively'),
    (r'TR 0060: 64-bit TSS at linear 0000000000003000, limit [0-9a-f]{8}\n  rsp0=0000000000070000', 'info tss: the 64-bit TSS'),
    (r'IDT at linear 0000000000002000, limit 0fff \(256 entries, IA-32e mode\)\n'
     r'  vector   0  [0-9a-f]{16} [0-9a-f]{16}  64-bit interrupt gate -> 0038:00000000000f[0-9a-f]{4}, IST 0',
     'info idt: 16-byte gates'),
    (r'deleted every breakpoint', 'delete'),
]


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def batch(glassbox, rom, wrapper):
    with tempfile.TemporaryDirectory(prefix='glassbox-dbg64-') as d:
        cmds = os.path.join(d, 'commands.txt')
        con = os.path.join(d, 'debugcon.txt')
        with open(cmds, 'w') as f:
            f.write(COMMANDS)
        p = subprocess.run(wrapper + [glassbox, '-bios', rom, '-debugcon', f'file:{con}', '--debugger-commands', cmds] + DEVICES,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=240)
        with open(con) as f:
            console = f.read()
    out = p.stdout
    problems = expect_in_order(out, EXPECT)
    # isa-debug-exit: the guest wrote 0, the exit status is (0 << 1) | 1.
    if p.returncode != 1 or not console.rstrip().endswith('PASS'):
        problems.append(f'the guest did not run to its PASS: exit {p.returncode}, console {console[-200:]!r}')
    else:
        print('ok the guest ran on to its PASS')
    if problems:
        problems.append('debugger output:\n' + out + p.stderr)
    return problems


def gdb_case(glassbox, rom, wrapper):
    port = free_port()
    gb = subprocess.Popen(wrapper + [glassbox, '-bios', rom, '-debugcon', 'none', '-gdb', f'tcp::{port}', '-S'] + DEVICES,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    listening = gb.stderr.readline()  # the stub listens before gdb connects
    if 'listening' not in listening:
        gb.kill()
        return [f'glassbox did not listen: {listening!r}']
    cmds = ['set confirm off', f'target remote 127.0.0.1:{port}', 'show architecture', 'info registers rip cs',
            'hbreak *0xffffffff80000000', 'continue', 'x/2i $pc', 'stepi', 'info registers rip rax', 'delete',
            'watch *(long *)0xffffffff80000028', 'continue', 'info registers r15', 'kill']
    try:
        g = subprocess.run(['gdb', '-batch', '-nx'] + sum((['-ex', c] for c in cmds), []), capture_output=True,
                           text=True, timeout=120)
        out = g.stdout + g.stderr
    finally:
        try:
            gb.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            gb.kill()
            gb.communicate()
    expect = [
        (r'currently "i386:x86-64"', 'the i386:x86-64 description'),
        (r'rip\s+0xfff0\s', 'RIP FFF0h at reset, zero-extended'),
        (r'cs\s+0xf000', 'CS F000h'),
        (r'Hardware assisted breakpoint 1 at 0xffffffff80000000', 'a breakpoint at a 64-bit address'),
        (r'Breakpoint 1, 0xffffffff80000000', 'continue stops there'),
        (r'=> 0xffffffff80000000:\s+mov\s+0x19\(%rip\),%rax.*\n\s+0xffffffff80000007:\s+mov\s+%rax,%r15',
         'x/2i: 64-bit code'),
        (r'rip\s+0xffffffff80000007\s', 'stepi: RIP'),
        (r'rax\s+0x1122334455667788\s', 'RAX loaded'),
        (r'Hardware watchpoint 2: \*\(long \*\)0xffffffff80000028', 'a watchpoint (Z2) at a 64-bit address'),
        (r'Old value = 0\s+New value = 1234605616436508552', 'the watchpoint stops after the store'),
        (r'r15\s+0x1122334455667788\s', 'R15'),
    ]
    problems = expect_in_order(out, expect, 'gdb: ')
    if problems:
        problems.append('gdb output:\n' + out)
    return problems


def main():
    glassbox, rom = sys.argv[1:3]
    wrapper = os.environ.get('GB_EXE_WRAPPER', '').split()
    problems = batch(glassbox, rom, wrapper)
    if shutil.which('gdb'):
        problems += gdb_case(glassbox, rom, wrapper)
    elif os.environ.get('CI'):
        problems.append('gdb is not installed')
    else:
        print('SKIP the gdb part: gdb is not installed')
    for p in problems:
        print('FAIL ' + p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
