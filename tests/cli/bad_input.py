#!/usr/bin/env python3
"""Bad command-line input must give a clean one-line error, never a crash.

Usage: bad_input.py GLASSBOX

For each bad input: the exit status is non-zero, the process was not killed
by a signal, and stderr is exactly one line that starts with "glassbox:" and
names the problem.  A 64 KiB ROM of zeros run with --insn-limit 1000 must
exit 0 and print one stderr line "glassbox: stopped after 1000 instructions
at ...".  Prints one line per case; exits 1 if any case fails.
"""

import os
import struct
import subprocess
import sys
import tempfile

TIMEOUT_S = 30


def run(glassbox, args):
    # GB_EXE_WRAPPER: qemu-user (and its options) for a cross-built binary.
    wrapper = os.environ.get('GB_EXE_WRAPPER', '').split()
    return subprocess.run(wrapper + [glassbox] + args, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=TIMEOUT_S)


def check(name, glassbox, args, expect_ok=False, mentions=(), starts=None):
    """Runs one case; returns a list of problems (empty when it passed)."""
    problems = []
    try:
        p = run(glassbox, args)
    except subprocess.TimeoutExpired:
        return [f'timed out after {TIMEOUT_S} s']
    err = p.stderr.decode('utf-8', 'replace')
    lines = err.splitlines()
    if p.returncode < 0:
        problems.append(f'killed by signal {-p.returncode}')
    elif expect_ok and p.returncode != 0:
        problems.append(f'exit status {p.returncode}, expected 0')
    elif not expect_ok and p.returncode == 0:
        problems.append('exit status 0, expected non-zero')
    if len(lines) != 1 or not err.endswith('\n'):
        problems.append(f'stderr has {len(lines)} lines, expected exactly one')
    first = lines[0] if lines else ''
    if not first.startswith('glassbox:'):
        problems.append(f'stderr does not start with "glassbox:"')
    if starts and not first.startswith(starts):
        problems.append(f'stderr does not start with {starts!r}')
    for m in mentions:
        if m.lower() not in err.lower():
            problems.append(f'stderr does not mention {m!r}')
    status = 'ok' if not problems else 'FAIL'
    print(f'{status} {name}: exit {p.returncode}, stderr {err.strip()!r}')
    for pr in problems:
        print(f'       - {pr}')
    return problems


def main(argv):
    if len(argv) != 2:
        print(f'usage: {argv[0]} GLASSBOX', file=sys.stderr)
        return 2
    glassbox = argv[1]
    failures = 0
    with tempfile.TemporaryDirectory(prefix='glassbox-cli-') as d:
        missing = os.path.join(d, 'no-such-rom.bin')
        empty = os.path.join(d, 'empty.bin')
        short = os.path.join(d, 'short.bin')
        zeros = os.path.join(d, 'zeros.bin')
        with open(empty, 'wb'):
            pass
        with open(short, 'wb') as f:
            f.write(bytes(1000))
        with open(zeros, 'wb') as f:
            f.write(bytes(64 * 1024))
        big = os.path.join(d, 'big.bin')
        with open(big, 'wb') as f:
            f.write(b'\x55\xaa' + bytes(256 * 1024))
        short_fd = os.path.join(d, 'short-floppy.img')
        with open(short_fd, 'wb') as f:
            f.write(bytes(1474560 - 512))

        # Multiboot kernels: a good a.out-kludge one (at 1 MiB), one asking
        # for a feature (flags bit 3) no loader here has, one with a bad
        # checksum, and an ELF64 file.
        def multiboot(name, flags, checksum=None):
            path = os.path.join(d, name)
            magic = 0x1BADB002
            if checksum is None:
                checksum = -(magic + flags) & 0xFFFFFFFF
            with open(path, 'wb') as f:
                f.write(struct.pack('<8I', magic, flags, checksum, 0x100000, 0x100000, 0, 0, 0x100000) + bytes(4096))
            return path
        mb_good = multiboot('mb-good.bin', 0x10003)
        mb_flags = multiboot('mb-flags.bin', 0x10008)
        mb_sum = multiboot('mb-sum.bin', 0x10003, 0)
        elf64 = os.path.join(d, 'k64.elf')
        with open(elf64, 'wb') as f:
            f.write(b'\x7fELF\x02\x01\x01' + bytes(4096))

        bad_type = os.path.join(d, 'bad-type.toml')
        with open(bad_type, 'w') as f:
            f.write('bios = "x"\ninsn-limit = "many"\n')
        bad_key = os.path.join(d, 'bad-key.toml')
        with open(bad_key, 'w') as f:
            f.write('frobnicate = 1\n')
        bad_toml = os.path.join(d, 'bad.toml')
        with open(bad_toml, 'w') as f:
            f.write('[[[\n= = =\n')

        cases = [
            ('missing ROM file', ['-bios', missing], False, [missing], None),
            ('ROM is a directory', ['-bios', d], False, [d, 'directory'], None),
            ('empty ROM file', ['-bios', empty], False, ['0 bytes', '64 KiB'], None),
            ('1000-byte ROM file', ['-bios', short], False, ['1000', '64 KiB'], None),
            ('64 KiB of zeros, --insn-limit 1000', ['-bios', zeros, '--insn-limit', '1000'], True, [],
             'glassbox: stopped after 1000 instructions at '),
            ('empty -bios', ['-bios', ''], False, ['bios'], None),
            ('missing -fda image', ['-bios', zeros, '-fda', missing], False, [missing], None),
            ('-hda is a directory', ['-bios', zeros, '-hda', d], False, [d, 'directory'], None),
            ('empty -hda image', ['-bios', zeros, '-hda', empty], False, [empty, 'empty'], None),
            ('odd-sized -hda image', ['-bios', zeros, '-hda', short], False, [short, '512-byte'], None),
            ('-cdrom not a multiple of 2048', ['-bios', zeros, '-cdrom', short], False, [short, '2048'], None),
            ('empty VGA BIOS', ['-bios', zeros, '--vga-bios', empty], False, [empty, 'empty'], None),
            ('VGA BIOS without a signature', ['-bios', zeros, '--vga-bios', short], False, [short, '55h AAh'], None),
            ('VGA BIOS too big', ['-bios', zeros, '--vga-bios', big], False, [big, '128 KiB'], None),
            ('truncated floppy image', ['-bios', zeros, '-fda', short_fd], False, [short_fd, 'floppy'], None),
            ('missing VGA BIOS', ['-bios', zeros, '--vga-bios', missing], False, [missing, 'VGA BIOS'], None),
            ('-boot z', ['-bios', zeros, '-boot', 'z'], False, ['boot'], None),
            ('unknown option', ['-bios', zeros, '-frobnicate'], False, ['frobnicate'], None),
            ('-m banana', ['-bios', zeros, '-m', 'banana'], False, ['banana'], None),
            ('-cpu z80', ['-bios', zeros, '-cpu', 'z80'], False, ['z80'], None),
            ('-display vnc', ['-bios', zeros, '-display', 'vnc'], False, ['vnc'], None),
            ('-scale 3x', ['-bios', zeros, '-scale', '3x'], False, ['3x'], None),
            ('-m 0', ['-bios', zeros, '-m', '0'], False, ['-m 0'], None),
            ('-m 99999999', ['-bios', zeros, '-m', '99999999'], False, ['99999999'], None),
            ('missing -config file', ['-config', missing], False, [missing], None),
            ('-config type mismatch', ['-config', bad_type], False, ['insn-limit'], None),
            ('-config unknown key', ['-config', bad_key], False, ['frobnicate'], None),
            ('-config malformed', ['-config', bad_toml], False, ['config'], None),
            ('-display curses with -serial stdio', ['-bios', zeros, '-display', 'curses', '-serial', 'stdio'],
             False, ['terminal'], None),
            ('unwritable --screenshot path', ['-bios', zeros, '--insn-limit', '1000', '-display', 'none',
                                              '--screenshot', os.path.join(d, 'x', 'y.png')],
             False, [os.path.join(d, 'x', 'y.png')], None),
            ('-initrd without -kernel', ['-bios', zeros, '-initrd', zeros], False, ['-initrd', '-kernel'], None),
            ('-append without -kernel', ['-bios', zeros, '-append', 'quiet'], False, ['-append', '-kernel'], None),
            ('missing -kernel file', ['-bios', zeros, '-kernel', missing], False, [missing], None),
            ('-kernel on an 8086', ['-bios', zeros, '-cpu', '8086', '-kernel', zeros], False, ['-kernel', '386'], None),
            ('-kernel not a Linux kernel', ['-bios', zeros, '-kernel', zeros], False, [zeros, 'not a Linux kernel'], None),
            ('-kernel a 64-bit ELF', ['-bios', zeros, '-kernel', elf64], False, [elf64, '64-bit ELF', 'long mode'], None),
            ('-kernel Multiboot, bad checksum', ['-bios', zeros, '-kernel', mb_sum], False, [mb_sum, 'bad checksum'], None),
            ('-kernel Multiboot, unsupported flags', ['-bios', zeros, '-kernel', mb_flags], False,
             [mb_flags, 'requires features', '0x8'], None),
            ('-kernel Multiboot, missing module', ['-bios', zeros, '-kernel', mb_good, '-initrd', zeros + ',' + missing + ' arg'],
             False, [missing, 'module'], None),
            ('-kernel Multiboot, empty module name', ['-bios', zeros, '-kernel', mb_good, '-initrd', zeros + ','],
             False, ['no file name'], None),
            ('-kernel Multiboot, too little RAM', ['-bios', zeros, '-m', '2', '-kernel', mb_good], False,
             [mb_good, 'does not fit in RAM'], None),
            ('--debugger-panels without a window', ['-bios', zeros, '-display', 'none', '--debugger-panels'],
             False, ['--debugger-panels', 'sdl'], None),
            ('-device e1000', ['-bios', zeros, '-device', 'e1000'], False, ['e1000'], None),
            ('unwritable -debugcon file', ['-bios', zeros, '-debugcon', 'file:' + os.path.join(d, 'x', 'y')],
             False, [os.path.join(d, 'x', 'y')], None),
            ('unknown -debugcon', ['-bios', zeros, '-debugcon', 'vc'], False, ['vc'], None),
        ]
        for name, args, ok, mentions, starts in cases:
            if check(name, glassbox, args, ok, mentions, starts):
                failures += 1
    print(f'{len(cases) - failures} of {len(cases)} cases passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
