#!/usr/bin/env python3
"""Boot one real guest on Glassbox (or QEMU, as a reference) and wait for
its markers.

Usage: boot_guest.py [--qemu] EMULATOR GUESTS_DIR BENCH_DIR NAME

GUESTS_DIR holds the images of ../shared/guests/make-guests.sh; BENCH_DIR the
benchmark guest images (bench-MODE-ITERS.img, made by scripts/guests). The
guest NAME is one of GUESTS below. Each has the emulator arguments, the
markers expected in order on each channel (serial = COM1, firmware = ports
0x402/0xE9, screen = the VGA text screen at exit), and a time limit.

The emulator runs headless with COM1 and the debug ports in files; they are
polled, and as soon as every marker has appeared (in order per channel) the
emulator is sent SIGTERM, which must end it cleanly (exit 130) with its
outputs flushed. Screen markers need the emulator to exit by itself: those
guests run to an instruction limit instead, then --dump-text is read.

A guest may also name markers that must appear in order on a channel
(`present`, checked at the end, apart from the markers that end the run) and
texts that must not appear (`absent`).

A guest with `fail_fast` markers is stopped, and fails, as soon as one of
them comes on the serial line. A guest with `type` gets COM1 on the emulator's stdin/stdout instead of a
file, and each (marker, keys) pair sends the keys once the marker has come
on the serial line (e.g. to pick a GRUB menu entry).

Missing images: exit 77 (a skipped test), unless CI is set: then a failure.

A guest named in expected_failures.txt (next to this script) must fail: its
failure passes the test, and its passing fails it, so the list only shrinks.
"""

import glob
import gzip
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
import expected_failures  # noqa: E402

# Bench checksums from ../shared/bench/README.md (ITERS 200).
BENCH_SUM = {0: '00007BAB', 1: '0D382023', 2: '0D382023'}


def bench(mode, medium):
    drive = ['-fda'] if medium == 'floppy' else ['-hda']
    boot = 'a' if medium == 'floppy' else 'c'
    return {
        'args': drive + ['{bench}/bench-%d-200.img' % mode, '-boot', boot, '-snapshot',
                         '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04'],
        'serial': ['stage2 mode=%d' % mode, 'RESULT sum=%s' % BENCH_SUM[mode], 'DONE'],
        'timeout': 240,
        'exit': 33,  # out 0xf4, 0x10: (0x10 << 1) | 1
    }


LINUX_APPEND = 'console=tty0 console=ttyS0,115200'

# ACPI (issue 22): SeaBIOS builds its tables for the PIIX4 PM function;
# Linux lists them, enables the interpreter (SCI_EN through SMI_CMD), takes
# the PM timer as a clocksource and the SCI on IRQ 9 (LNKS), and powers off
# through S5.
ACPI_BOOT = ['ACPI: RSDP', 'ACPI: RSDT', 'ACPI: FACP', 'ACPI: DSDT', 'ACPI: FACS', 'ACPI: APIC',
             'ACPI: PM-Timer IO Port: 0xb008', 'ACPI: Interpreter enabled', 'ACPI: PM: (supports S0',
             'Interrupt link LNKS configured for IRQ 9', 'clocksource: acpi_pm:',
             'ACPI: PM: Preparing to enter system sleep state S5', 'reboot: Power down']
# What the kernel's ACPI code prints about tables or hardware it finds wrong.
ACPI_TROUBLE = ['ACPI Error', 'ACPI BIOS Error', 'ACPI Warning', 'ACPI: SCI (IRQ9) allocation failed',
                'Firmware Bug']


def linux_kernel(image):
    return {
        'args': ['-m', '256', '-kernel', '{guests}/linux/' + image, '-initrd', '{guests}/linux/initrd-i386.cpio.gz',
                 '-append', LINUX_APPEND + ' guest=poweroff'],
        # The I/O APIC routes the PIT's IRQ 0 (MP table: ISA IRQ 0 on pin 0).
        'serial': ['Linux version', 'Enabling APIC mode:  Flat.  Using 1 I/O APICs', '..TIMER: vector=0x30 apic1=0 pin1=0',
                   'Run /init as init process', 'GUEST-INIT: Linux', 'GUEST-SELFTEST-PASS',
                   'GUEST-SHELL-READY', 'GUEST-POWEROFF', 'reboot: Power down'],
        'present': {'serial': ACPI_BOOT},
        'absent': {'serial': ACPI_TROUBLE},
        'exit': 0,  # powered off
        'timeout': 900,  # about 60 s in a release build
    }


def linux_noapic(image):
    # `noapic`: no I/O APIC setup; the 8259 reaches the CPU through the local
    # APIC's LINT0 (virtual wire), and the local APIC timer still ticks.
    g = linux_kernel(image)
    g['args'][-1] += ' noapic'
    g['serial'] = ['Linux version', 'Kernel command line: ' + g['args'][-1]] + g['serial'][3:]
    g['absent']['serial'] = g['absent']['serial'] + ['..TIMER: vector=']
    return g


def linux_acpi_off(image):
    # `acpi=off`: the MP table describes the APICs; no ACPI tables are
    # read. Without ACPI (or an APM driver) the kernel's poweroff halts:
    # the run ends as halted, exit status 0.
    g = linux_kernel(image)
    g['args'][-1] += ' acpi=off'
    g['serial'] = ['Linux version', 'found SMP MP-table', 'Kernel command line: ' + g['args'][-1]] + \
        g['serial'][1:-1] + ['reboot: System halted']
    g['present'] = {'serial': ['ACPI: Interpreter disabled']}
    g['absent']['serial'] = g['absent']['serial'] + ['ACPI: RSDP', 'ACPI: Interpreter enabled', 'acpi_pm']
    return g


# What a kernel prints when something went wrong: none of it may appear.
KERNEL_TROUBLE = ['WARNING:', 'unchecked MSR access', 'Oops', 'BUG:', 'invalid opcode', 'Call Trace', 'Kernel panic']


def linux_on(cpu, image, model_name, flags):
    """Linux on a SIMD model (issue 20): /proc/cpuinfo names the real part
    and lists exactly the model's features, and the boot is clean."""
    g = linux_kernel(image)
    g['args'] = ['-cpu', cpu] + g['args']
    g['serial'] = g['serial'][:5] + ['GUEST-CPU: ' + model_name + '\r\n', 'GUEST-CPU-FLAGS: ' + flags + '\r\n'] + g['serial'][5:]
    g['absent']['serial'] = g['absent']['serial'] + KERNEL_TROUBLE
    return g


def linux_simd_users(cpu, image, flavour, model_name, flags, markers):
    """linux_on, with the kernel's own SIMD users loaded from its package
    first (issue 20): xor.ko measures its MMX/SSE xor_blocks templates,
    raid6_pq.ko benchmarks its MMX/SSE/SSE2 syndrome functions and picks an
    SSSE3 or integer recovery, crc32c-intel.ko (SSE4.2 CRC32, where the
    model has it) passes the crypto self-test. `markers`: what they print,
    in order. Nothing may warn, fail a self-test or oops."""
    g = linux_on(cpu, image, model_name, flags)
    g['modules'] = flavour
    g['serial'] = g['serial'][:3] + ['Run /loadmods as init process'] + markers + g['serial'][4:]
    # A failed crypto self-test prints 'alg: self-tests for X (Y) failed (rc=N)' or
    # 'alg: hash: ... test failed'; busybox's insmod names itself on errors.
    g['absent']['serial'] = g['absent']['serial'] + ['failed (rc=', 'test failed', 'insmod: ']
    return g


# The modules linux_simd_users loads (paths below lib/modules/VERSION/kernel/).
SIMD_MODULES = ['crypto/xor.ko', 'lib/raid6/raid6_pq.ko', 'arch/x86/crypto/crc32c-intel.ko']


def newc(entries):
    """A cpio archive in the kernel's initramfs format ("newc", SVR4 without
    CRC) from (name, mode, data) entries, with the trailer."""
    out = bytearray()
    for ino, (name, mode, data) in enumerate(entries + [('TRAILER!!!', 0, b'')], 1):
        nm = name.encode() + b'\0'
        fields = [ino if name != 'TRAILER!!!' else 0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nm), 0]
        out += b'070701' + b''.join(b'%08X' % f for f in fields) + nm
        out += b'\0' * (-len(out) % 4) + data
        out += b'\0' * (-len(out) % 4)
    return bytes(out)


def module_initrd(guests, flavour, base, out):
    """`out` = the guest ladder's initramfs `base` followed by a second
    archive with SIMD_MODULES from the cached linux-image package (the one
    vmlinuz came from) and /loadmods, an rdinit that loads them, reports
    crc32c-intel's self-test and runs /init. Returns an error or None."""
    debs = sorted(glob.glob(os.path.join(guests, '.debs', f'linux-image-*-{flavour}_*_i386.deb')))
    if not debs:
        return f'no linux-image-*-{flavour} package in {guests}/.debs'
    d = os.path.dirname(out)
    tar = subprocess.run(['dpkg-deb', '--fsys-tarfile', debs[-1]], stdout=subprocess.PIPE, check=True).stdout
    subprocess.run(['tar', '-x', '-C', d, '--wildcards'] + ['./lib/modules/*/kernel/' + m for m in SIMD_MODULES],
                   input=tar, check=True)
    entries = [('mods', 0o40755, b'')]
    for m in SIMD_MODULES:
        (path,) = glob.glob(os.path.join(d, 'lib/modules/*/kernel', m))
        with open(path, 'rb') as f:
            entries.append(('mods/' + os.path.basename(m), 0o100644, f.read()))
    script = b"""#!/bin/busybox sh
b=/bin/busybox
$b mount -t proc proc /proc
for m in xor raid6_pq crc32c-intel; do $b grep -qw sse4_2 /proc/cpuinfo || [ $m != crc32c-intel ] && $b insmod /mods/$m.ko; done
$b grep -A6 'driver.*crc32c-intel' /proc/crypto | $b grep selftest | $b tr -s ' ' | $b sed 's/^/GUEST-CRC32C-INTEL: /'
$b umount /proc
exec /init
"""
    entries.append(('loadmods', 0o100755, script))
    with open(base, 'rb') as f, open(out, 'wb') as o:
        o.write(f.read())
        o.write(gzip.compress(newc(entries), mtime=0))
    return None


def probe_initrd(base, script, out):
    """`out` = the initramfs `base` followed by a second archive with
    /probe, an rdinit that runs the shell commands `script` (with /proc
    and /sys mounted; what they print goes to the console) and then /init."""
    probe = (b'#!/bin/busybox sh\nexport PATH=/bin\n/bin/busybox --install -s /bin\n'
             b'mount -t proc proc /proc\nmount -t sysfs sysfs /sys\n' + script.encode() +
             b'\numount /sys\numount /proc\nexec /init\n')
    with open(base, 'rb') as f, open(out, 'wb') as o:
        o.write(f.read())
        o.write(gzip.compress(newc([('probe', 0o100755, probe)]), mtime=0))


# What linux_hpet's probe prints: the clock sources, the clock event device
# of CPU 0's tick, and whether timer interrupts (IRQ 0) keep coming while it
# is busy (over a second: an idle tickless kernel stops its tick).
HPET_PROBE = r"""cs=/sys/devices/system/clocksource/clocksource0
echo "GUEST-CLOCKSOURCES: $(cat $cs/available_clocksource)"
echo "GUEST-CLOCKSOURCE: $(cat $cs/current_clocksource)"
echo "GUEST-CLOCKEVENT: $(grep -A1 '^Per CPU device: 0' /proc/timer_list | sed -n 's/^Clock Event Device: //p')"
irq0() { grep '^ *0:' /proc/interrupts | tr -s ' ' | cut -d' ' -f3; }
a=$(irq0); end=$(($(date +%s) + 2)); while [ $(date +%s) -lt $end ]; do :; done; b=$(irq0)
echo "GUEST-IRQ0: $a then $b"
[ "$b" -gt $((a + 50)) ] && echo GUEST-IRQ0-TICKING"""


def linux_hpet(g):
    """The HPET as Linux's clock source and clock event device (issue 22):
    ACPI's HPET table (SeaBIOS's) finds it, `clocksource=hpet` picks it, and
    with `nolapic_timer` its timer 0 in legacy replacement mode is the tick
    device, ticking on IRQ 0 (HZ=250: over 50 in a busy second). `g`: the
    686 (linux_kernel) or amd64 (linux_amd64) guest to start from."""
    g['args'][-1] += ' clocksource=hpet nolapic_timer'
    g['probe'] = HPET_PROBE
    g['serial'] = ['Linux version', 'ACPI: HPET id: 0x8086a201 base: 0xfed00000', '..TIMER: vector=0x30 apic1=0 pin1=0',
                   'hpet0: at MMIO 0xfed00000', 'hpet0: 3 comparators, 64-bit 100.000000 MHz counter',
                   'clocksource: Switched to clocksource hpet', 'Run /probe as init process',
                   'GUEST-CLOCKSOURCES: ', ' hpet ', 'GUEST-CLOCKSOURCE: hpet', 'GUEST-CLOCKEVENT: hpet',
                   'GUEST-IRQ0-TICKING', 'GUEST-SELFTEST-PASS', 'GUEST-POWEROFF', 'reboot: Power down']
    acpi = g['present']['serial']
    g['present'] = {'serial': acpi[:acpi.index('ACPI: APIC') + 1] + ['ACPI: HPET 0x'] + acpi[acpi.index('ACPI: APIC') + 1:]}
    g['absent'] = {'serial': sorted(set(g['absent']['serial'] + KERNEL_TROUBLE + ['MP-BIOS bug']))}
    return g


def linux_amd64(cpu):
    """Linux amd64 by -kernel (issue 21): the same initramfs markers as the
    686 kernels, x86_64 in GUEST-INIT, the self-test (its awk loop runs on
    SSE2) and power-off through ACPI S5, and a clean boot. The I/O APIC
    lines differ between machines."""
    g = linux_kernel('vmlinuz-amd64')
    g['args'] = ['-cpu', cpu] + [a.replace('initrd-i386', 'initrd-amd64') for a in g['args']]
    g['serial'] = ['Linux version', 'Run /init as init process', 'GUEST-INIT: Linux', 'amd64 x86_64',
                   'GUEST-SELFTEST-PASS', 'GUEST-SHELL-READY', 'GUEST-POWEROFF', 'reboot: Power down']
    g['absent']['serial'] = g['absent']['serial'] + KERNEL_TROUBLE
    # The setup code's verdict on a CPU without long mode (via the BIOS,
    # which SeaBIOS copies to COM1): no need to wait for the time limit.
    g['fail_fast'] = ['This kernel requires an x86-64 CPU']
    return g


def linux_smp(image, cpus):
    """Linux with -smp (issue 22): the kernel brings up every processor,
    /proc/cpuinfo lists them (asked at the serial shell), and the boot is
    clean. The initramfs's own markers come first; the shell then prints the
    processor count and powers off."""
    g = linux_amd64('icelake-server') if image == 'vmlinuz-amd64' else linux_kernel(image)
    g['args'] = ['-smp', str(cpus)] + g['args']
    g['args'][-1] = g['args'][-1].replace(' guest=poweroff', '')
    brought = 'smp: Brought up 1 node, %d CPU' % cpus
    g['serial'] = ['Linux version', brought, 'Run /init as init process', 'GUEST-INIT: Linux',
                   'GUEST-SELFTEST-PASS', 'GUEST-SHELL-READY', 'GUEST-NPROC: %d' % cpus, 'reboot: Power down']
    g['type'] = [('GUEST-SHELL-READY', b'echo GUEST-NPROC: $(grep -c ^processor /proc/cpuinfo); poweroff -f\n')]
    g['absent'] = {'serial': ACPI_TROUBLE + KERNEL_TROUBLE}
    g.pop('fail_fast', None)
    return g


def linux_smp_acpi_off(image, cpus):
    """linux_smp with `acpi=off`: the processors come from SeaBIOS's MP
    table; poweroff then halts every processor (no ACPI, no APM)."""
    g = linux_smp(image, cpus)
    g['args'][-1] += ' acpi=off'
    g['serial'] = g['serial'][:-1] + ['reboot: System halted']
    g['present'] = {'serial': ['found SMP MP-table', 'ACPI: Interpreter disabled']}
    g['absent']['serial'] = g['absent']['serial'] + ['ACPI: RSDP', 'ACPI: Interpreter enabled']
    return g


def grub_menu_entry(entries_down, name):
    """Typing at GRUB's menu on the serial line (its grub.cfg has
    terminal_input serial): once the countdown shows, Ctrl-N (next entry)
    entries_down times and Enter. Returns the keys and the marker of the
    highlighted entry (booting by Enter prints no "Booting `...'" line)."""
    return [('automatically in', b'\x0e' * entries_down + b'\r')], '*' + name


def through_loader(args, loader_marker):
    g = linux_kernel('')
    g['args'] = args + ['-m', '256']
    g['serial'] = [loader_marker] + g['serial']
    return g


def grub_amd64():
    g = linux_amd64('core2duo')
    typing, booting = grub_menu_entry(3, 'Linux amd64')
    g['args'] = ['-cpu', 'core2duo', '-cdrom', '{guests}/grub/grub.iso', '-boot', 'd', '-m', '256']
    g['serial'] = ['GUEST-GRUB-MENU', 'automatically in', booting, 'Linux version',
                   'Command line: BOOT_IMAGE=/boot/vmlinuz-amd64'] + g['serial'][1:]
    g['type'] = typing
    return g


GUESTS = {
    # SeaBIOS with its own VGA BIOS and no boot device: POST completes, the
    # screen shows SeaBIOS's banner through the VGA BIOS's teletype. SeaBIOS
    # then retries after 60 s (idle, so few instructions) by a reset, and
    # POSTs again: the message is on the screen for part of each cycle of
    # some 10 M instructions (REP iterations counted); 30 M is in one.
    'seabios': {
        'args': [], 'insn_limit': 30_000_000,
        'firmware': ['SeaBIOS (version', 'Scan for VGA option rom', 'Booting from'],
        'screen': ['SeaBIOS (version 1.16', 'No bootable device'],
        'timeout': 120,
    },
    # The LGPL VGA BIOS (Debian vgabios) prints its own banner, which
    # SeaBIOS clears about 0.05 M instructions later when it sets mode 3 for
    # its console: the run stops in between (runs are deterministic; the
    # whole banner shows from about 1.94 M to 1.99 M instructions, REP
    # iterations counted, since SeaBIOS keeps time with the PIIX4's PM timer).
    'seabios-lgpl-vgabios': {
        'args': ['--vga-bios', '{guests}/firmware/vgabios/vgabios-stdvga.bin'], 'insn_limit': 1_960_000,
        'firmware': ['Scan for VGA option rom', 'Running option rom at c000:0003'],
        'screen': ['Bochs VGABios (PCI)', 'released under the GNU LGPL', 'Please visit'],
        'timeout': 120,
    },
    'bench-real-floppy': bench(0, 'floppy'),
    'bench-pm-floppy': bench(1, 'floppy'),
    'bench-paging-floppy': bench(2, 'floppy'),
    'bench-real-hdd': bench(0, 'hdd'),
    'bench-pm-hdd': bench(1, 'hdd'),
    'bench-paging-hdd': bench(2, 'hdd'),
    # syslinux floppy: menu, 3 s countdown on the emulated timer, then
    # memtest86+ loaded and started.
    'syslinux-floppy': {
        'args': ['-fda', '{guests}/syslinux/syslinux-floppy.img', '-boot', 'a', '-snapshot'],
        'serial': ['SYSLINUX 6.04', 'GUEST-SYSLINUX-MENU', 'Automatic boot in', 'Loading /memtest.bin... ok'],
        'timeout': 600,
    },
    'syslinux-floppy-memtest': {
        'args': ['-fda', '{guests}/syslinux/syslinux-floppy.img', '-boot', 'a', '-snapshot'],
        'serial': ['GUEST-SYSLINUX-MENU', 'Loading /memtest.bin... ok', 'Memtest86+ v6.10'],
        'timeout': 600,  # about 6 s in a release build, 90 s under the sanitizers
    },
    'syslinux-hdd': {
        'args': ['-hda', '{guests}/syslinux/syslinux-hdd.img', '-snapshot', '-m', '256'],
        'serial': ['SYSLINUX 6.04', 'GUEST-SYSLINUX-MENU', 'Automatic boot in', 'Loading /vmlinuz-686'],
        'timeout': 600,
    },
    'isolinux-cd': {
        'args': ['-cdrom', '{guests}/isolinux/isolinux.iso', '-boot', 'd', '-m', '256'],
        'serial': ['ISOLINUX 6.04', 'GUEST-SYSLINUX-MENU', 'Automatic boot in', 'Loading /vmlinuz-686'],
        'timeout': 600,
    },
    # Direct Linux boot (-kernel): fw_cfg and the Linux boot ROM after POST,
    # then the busybox initramfs's self-test and power-off (ACPI S5).
    'linux-686-kernel': linux_kernel('vmlinuz-686'),
    'linux-686-kernel-acpi-off': linux_acpi_off('vmlinuz-686'),
    'linux-686-pae-kernel': linux_kernel('vmlinuz-686-pae'),
    'linux-686-kernel-noapic': linux_noapic('vmlinuz-686'),
    'linux-686-hpet': linux_hpet(linux_kernel('vmlinuz-686')),
    # Four processors (issue 22): SeaBIOS's MP table lists them; Linux
    # starts the APs by INIT-SIPI-SIPI.
    'linux-686-smp4': linux_smp('vmlinuz-686', 4),
    'linux-686-smp4-acpi-off': linux_smp_acpi_off('vmlinuz-686', 4),
    'linux-amd64-smp4': linux_smp('vmlinuz-amd64', 4),
    # The SIMD models (issue 20). Flags as Linux 6.1 names them: the model's
    # CPUID features plus what the kernel derives (cpuid; constant_tsc from
    # family 6 model 0Eh on; pti on the PAE kernel, for a part without
    # RDCL_NO), less PAT, which it hides below model 0Fh (the Pentium M
    # erratum on PAT WC over an UC MTRR).
    'linux-686-pae-pentium-m': linux_simd_users(
        'pentium-m', 'vmlinuz-686-pae', '686-pae', 'Intel(R) Pentium(R) M processor 2.00GHz',
        'fpu de pse tsc msr pae cx8 apic sep pge cmov clflush mmx fxsr sse sse2 nx cpuid pti',
        ['xor: measuring software checksum speed', 'pIII_sse', 'xor: using function:',
         'raid6: sse2x2   gen()', 'raid6: using algorithm', 'raid6: using intx1 recovery algorithm']),
    # nehalem is an Intel 64 part (issue 21): mtrr, lm and cx16 too.
    'linux-686-nehalem': linux_simd_users(
        'nehalem', 'vmlinuz-686', '686', 'Intel(R) Core(TM) i7 CPU         920  @ 2.67GHz',
        'fpu de pse tsc msr pae cx8 apic sep mtrr pge cmov pat clflush mmx fxsr sse sse2 nx rdtscp lm '
        'constant_tsc cpuid pni monitor ssse3 cx16 sse4_1 sse4_2 popcnt lahf_lm',
        ['xor: measuring software checksum speed', 'pIII_sse', 'xor: using function:',
         'raid6: sse2x2   gen()', 'raid6: using algorithm', 'raid6: using ssse3x1 recovery algorithm',
         'GUEST-CRC32C-INTEL: selftest : passed']),
    # The same kernel through each boot loader's default entry (guest=poweroff).
    'syslinux-hdd-linux': through_loader(['-hda', '{guests}/syslinux/syslinux-hdd.img', '-snapshot'], 'SYSLINUX 6.04'),
    'isolinux-cd-linux': through_loader(['-cdrom', '{guests}/isolinux/isolinux.iso', '-boot', 'd'], 'ISOLINUX 6.04'),
    'grub-cd-linux': through_loader(['-cdrom', '{guests}/grub/grub.iso', '-boot', 'd'], 'GUEST-GRUB-MENU'),
    # memtest86+ by the Linux boot protocol: tests #0 to #3 done (#4 begun),
    # no errors, with PAE (the default Pentium Pro model) and without (a
    # Pentium; memtest then leaves out [PAE]).
    # On the Pentium Pro: memtest86+ shows [PAE] there, [LM] on a part with
    # long mode.
    'memtest-kernel-pae': {
        'args': ['-m', '128', '-cpu', 'pentium-pro', '-kernel', '{guests}/memtest/memtest86+ia32.bin', '-append', 'console=ttyS0,115200'],
        'serial': ['Memtest86+ v6.10', '[PAE]', '#0  [Address test', '#3  [Moving inversions, 1s & 0s',
                   '#4  [Moving inversions, 8 bit', 'Errors: 0'],
        'timeout': 900,
    },
    'memtest-kernel-nopae': {
        'args': ['-m', '128', '-cpu', 'pentium', '-kernel', '{guests}/memtest/memtest86+ia32.bin',
                 '-append', 'console=ttyS0,115200'],
        'serial': ['Memtest86+ v6.10', '#0  [Address test', '#3  [Moving inversions, 1s & 0s',
                   '#4  [Moving inversions, 8 bit', 'Errors: 0'],
        'timeout': 900,
    },
    # Long mode (issue 21), on a 64-bit model. GRUB's fourth entry is Linux
    # amd64 (after 686, 686 shell, 686-pae).
    'linux-amd64-kernel': linux_amd64('core2duo'),
    'linux-amd64-hpet': linux_hpet(linux_amd64('core2duo')),
    'grub-cd-linux-amd64': grub_amd64(),
    # memtest86+ x64 by the Linux boot protocol: tests #0 to #3 done, #4
    # begun, no errors.
    'memtest-kernel-x64': {
        'args': ['-m', '128', '-cpu', 'core2duo', '-kernel', '{guests}/memtest/memtest86+x64.bin',
                 '-append', 'console=ttyS0,115200'],
        'serial': ['Memtest86+ v6.10', '#0  [Address test', '#3  [Moving inversions, 1s & 0s',
                   '#4  [Moving inversions, 8 bit', 'Errors: 0'],
        'timeout': 900,
    },
    'grub-cd': {
        'args': ['-cdrom', '{guests}/grub/grub.iso', '-boot', 'd', '-m', '256'],
        'serial': ['GUEST-GRUB-MENU', 'automatically in 1s', 'automatically in 0s', "Booting `Linux 686"],
        'timeout': 600,
    },
}


def copy_stream(stream, path):
    """Copy `stream` to the file at `path` as it comes (flushed per read)."""
    with open(path, 'wb') as f:
        while True:
            data = stream.read1(4096)
            if not data:
                return
            f.write(data)
            f.flush()


def missing(msg):
    if os.environ.get('CI'):
        print(f'FAIL: {msg} (CI is set, so a missing image is a failure)')
        return 1
    print(f'SKIP: {msg}; run scripts/guests to make the images')
    return 77


def find_in_order(text, markers):
    """How many of `markers` appear in `text` in order."""
    pos = 0
    for i, m in enumerate(markers):
        at = text.find(m, pos)
        if at < 0:
            return i
        pos = at + len(m)
    return len(markers)


def main(argv):
    qemu = '--qemu' in argv
    expected = {} if qemu else expected_failures.read(os.path.dirname(os.path.abspath(__file__)))
    name = argv[-1] if len(argv) > 1 else ''
    rc = run(argv)
    return expected_failures.judge(name, rc, expected) if rc in (0, 1) else rc


def run(argv):
    qemu = '--qemu' in argv
    argv = [a for a in argv if a != '--qemu']
    if len(argv) != 5 or argv[4] not in GUESTS:
        print(f'usage: {argv[0]} [--qemu] EMULATOR GUESTS_DIR BENCH_DIR NAME; NAME in {", ".join(GUESTS)}')
        return 2
    emulator, guests, bench_dir, name = argv[1:]
    g = GUESTS[name]
    args = [a.format(guests=guests, bench=bench_dir) for a in g['args']]
    for a in args:
        if (a.startswith(guests) or a.startswith(bench_dir)) and not os.path.exists(a):
            return missing(f'{a} does not exist')
    wrapper = os.environ.get('GB_EXE_WRAPPER', '').split()
    with tempfile.TemporaryDirectory(prefix=f'glassbox-boot-{name}-') as d:
        if 'modules' in g:
            i = args.index('-initrd') + 1
            initrd = os.path.join(d, 'initrd-modules.cpio.gz')
            err = module_initrd(guests, g['modules'], args[i], initrd)
            if err:
                return missing(err)
            args[i] = initrd
            args[-1] += ' rdinit=/loadmods'
        if 'probe' in g:
            i = args.index('-initrd') + 1
            initrd = os.path.join(d, 'initrd-probe.cpio.gz')
            probe_initrd(args[i], g['probe'], initrd)
            args[i] = initrd
            args[-1] += ' rdinit=/probe'
        files = {ch: os.path.join(d, ch + '.txt') for ch in ('serial', 'firmware', 'screen')}
        typing = list(g.get('type', []))
        serial = 'stdio' if typing else 'file:' + files['serial']
        cmd = wrapper + [emulator] + args + ['-display', 'none', '-no-reboot', '-serial', serial]
        if qemu:
            cmd += ['-accel', 'tcg', '-chardev', f'file,id=fw,path={files["firmware"]}',
                    '-device', 'isa-debugcon,iobase=0x402,chardev=fw']
        else:
            cmd += ['-debugcon', 'file:' + files['firmware']]
            if 'insn_limit' in g:
                cmd += ['--insn-limit', str(g['insn_limit']), '--dump-text', files['screen']]
        print('running:', ' '.join(cmd), flush=True)
        start = time.monotonic()
        if typing:
            # COM1 on the emulator's stdin/stdout: a thread copies what the
            # guest sends to the serial file; the keys go in on a marker.
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            copier = threading.Thread(target=copy_stream, args=(proc.stdout, files['serial']), daemon=True)
            errors = []
            drainer = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)
            copier.start()
            drainer.start()
        else:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        channels = [ch for ch in ('serial', 'firmware') if ch in g]

        def read(ch):
            try:
                with open(files[ch], 'rb') as f:
                    return f.read().decode('latin-1')
            except FileNotFoundError:
                return ''

        def all_found():
            return all(find_in_order(read(ch), g[ch]) == len(g[ch]) for ch in channels)

        found_at = None
        typed_at = 0
        while proc.poll() is None:
            if time.monotonic() - start > g['timeout']:
                break
            if typing:
                at = read('serial').find(typing[0][0], typed_at)
                if at >= 0:
                    typed_at = at + len(typing[0][0])
                    proc.stdin.write(typing.pop(0)[1])
                    proc.stdin.flush()
            if any(m in read('serial') for m in g.get('fail_fast', [])):
                proc.send_signal(signal.SIGTERM)
                break
            if 'insn_limit' not in g and 'exit' not in g and all_found():
                found_at = time.monotonic() - start
                proc.send_signal(signal.SIGTERM)
                break
            time.sleep(0.2)
        if g.get('type'):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            copier.join(timeout=10)
            drainer.join(timeout=10)
            out = b''.join(errors)
        else:
            try:
                out, _ = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
        elapsed = time.monotonic() - start
        problems = []
        if proc.returncode is None or elapsed > g['timeout'] + 30:
            problems.append(f'did not finish within {g["timeout"]} s')
        for ch in channels + (['screen'] if 'screen' in g and not qemu else []):
            n = find_in_order(read(ch), g[ch])
            if n < len(g[ch]):
                problems.append(f'{ch}: marker {g[ch][n]!r} not seen' + (f' (after {g[ch][n - 1]!r})' if n else ''))
        for m in g.get('fail_fast', []):
            if m in read('serial'):
                problems.append(f'serial: {m!r} seen: the run was stopped')
        for ch, markers in g.get('present', {}).items():
            n = find_in_order(read(ch), markers)
            if n < len(markers):
                problems.append(f'{ch}: marker {markers[n]!r} not seen' + (f' (after {markers[n - 1]!r})' if n else ''))
        for ch, texts in g.get('absent', {}).items():
            for text in [texts] if isinstance(texts, str) else texts:
                if text in read(ch):
                    problems.append(f'{ch}: {text!r} seen, which this configuration must not print')
        if found_at is not None and not qemu and proc.returncode != 130:
            problems.append(f'after SIGTERM the exit status is {proc.returncode}, expected 130')
        if 'exit' in g and not qemu and proc.returncode != g['exit']:
            problems.append(f'exit status {proc.returncode}, expected {g["exit"]}')
        for ch in ('serial', 'firmware', 'screen'):
            text = read(ch)
            if text:
                tail = text[-3000:]
                print(f'--- {ch} (last {len(tail)} of {len(text)} chars) ---\n{tail}')
        print('--- emulator output ---\n' + out.decode('utf-8', 'replace')[-2000:])
        if problems:
            for p in problems:
                print('FAIL:', p)
            return 1
        print(f'PASS: {name} in {elapsed:.1f} s' + (f' (markers after {found_at:.1f} s)' if found_at else ''))
        return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
