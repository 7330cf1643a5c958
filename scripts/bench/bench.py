#!/usr/bin/env python3
"""Guest-MIPS benchmark on the workload of ../shared/bench.

Builds the benchmark guest (boot sector, stage2 and the C kernel, with
Debian's i686 cross compiler) and its 1.44 MB floppy images for ITERS = 0 and
ITERS = N (../shared/bench/guest/mkimage.sh), then boots each engine from the
same images through its BIOS, interleaved round by round so machine noise
hits all alike:

  guest MIPS = N x per-iteration count / (t(N) - t(0)), median of the rounds

(the firmware's POST and the boot cancel out in the difference), checks that
every run printed the reference checksum, and prints the same-run ratios.
Engines: glassbox (SeaBIOS), bochs (Debian's package: Bochs BIOS, its
debugger compiled in and told to continue) and QEMU TCG (SeaBIOS).
Modes: 0 real mode, 1 protected mode flat, 2 protected mode with paging.

--linux adds the Linux workload: Debian's 686 and amd64 kernels of
scripts/guests with the busybox initramfs, booted by -kernel to
GUEST-SHELL-READY on glassbox and QEMU (qemu-system-i386 / -x86_64), and
through syslinux from the hard disk on glassbox and Bochs (which has no
-kernel; the ratio to Bochs comes from that row). The command line carries
guest=poweroff, so init powers off right after the marker and glassbox
reports its instruction count: guest MIPS = that count / seconds to exit.

--host-insns counts host instructions per guest instruction instead, with
callgrind (I refs; perf stat has no hardware counters on the project's VM,
and instruction counts are what no machine load disturbs):

  benchmark guest: (Ir(ITERS=N) - Ir(ITERS=0)) / (N x per-iteration count)
  Linux (with --linux): (Ir(--insn-limit B) - Ir(--insn-limit A)) / (B - A)

so startup cancels, and prints the top entries of the same difference of
the two profiles (exclusive, per function, shortened names). The default
Linux window, 300M-600M, lies in the kernel's xz decompressor, whose stage
runs the first 2.3-2.5e9 (686) and 4.0-4.5e9 (amd64) of the boot's 7.5e9 and
7.0e9 instructions.

--boot instead times each real guest of scripts/guests to its marker (the
boot-loader menus; memtest86+; Linux 686 and amd64 to the shell) on
glassbox, QEMU and, where it boots the same disk, Bochs. The guests'
directory is $GB_GUESTS_DIR, else the build's guests_dir option, else
build-guests.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import NamedTuple

PER_ITER = {0: 274_848, 1: 1_141_903, 2: 1_141_903}
# Reference checksums (../shared/bench/README.md).
REFERENCE = {(0, 0): 0x0, (0, 3): 0x7BA3, (0, 200): 0x7BAB,
             (1, 0): 0x0, (1, 3): 0xB44D182F, (1, 200): 0x0D382023, (1, 500): 0x8796A02F}
MODE_NAMES = {0: 'real mode', 1: 'PM flat', 2: 'PM + paging'}


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def build_guest(root, out):
    src = os.path.join(root, '..', 'shared', 'bench', 'guest')
    if not os.path.isdir(src):
        sys.exit(f'bench: {src} not found (the benchmark guest lives in ../shared/bench)')
    sh(['make', '-s', '-C', src, f'O={out}', 'CC=i686-linux-gnu-gcc',
        f'{out}/boot.bin', f'{out}/stage2.bin', f'{out}/kernel.bin'], stdout=subprocess.DEVNULL)
    return src


def build_image(src, out, mode, iters):
    img = os.path.join(out, f'bench-m{mode}-i{iters}.img')
    sh(['bash', os.path.join(src, 'mkimage.sh'), str(iters), str(mode), img], env=dict(os.environ, BUILD=out))
    return img


# What both Bochs configurations share: no display, no log, no sound, COM1
# to a file.
BOCHSRC_COMMON = """display_library: rfb, options="timeout=0"
log: /dev/null
panic: action=fatal
error: action=ignore
info: action=ignore
debug: action=ignore
clock: sync=none, time0=local
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
com1: enabled=1, mode=file, dev={log}
"""

BOCHSRC = """megs: 32
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
floppya: 1_44={img}, status=inserted
boot: floppy
port_e9_hack: enabled=1
""" + BOCHSRC_COMMON


def engine_cmd(engine, glassbox, img, log, work):
    if engine.startswith('glassbox'):
        return [glassbox[engine], '-fda', img, '-boot', 'a', '-display', 'none', '-serial', f'file:{log}',
                '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-m', '32']
    if engine == 'bochs':
        rc = os.path.join(work, 'bochsrc')
        with open(rc, 'w') as f:
            f.write(BOCHSRC.format(img=img, log=log))
        cont = os.path.join(work, 'bochs-continue')
        with open(cont, 'w') as f:
            f.write('c\n')
        return ['bochs', '-q', '-f', rc, '-rc', cont]
    return ['qemu-system-i386', '-accel', 'tcg', '-fda', img, '-boot', 'a', '-display', 'none',
            '-serial', f'file:{log}', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-m', '32', '-no-reboot']


def run_once(engine, glassbox, img, log, work):
    if os.path.exists(log):
        os.remove(log)
    t0 = time.perf_counter()
    p = subprocess.run(engine_cmd(engine, glassbox, img, log, work), stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=3600)
    dt = time.perf_counter() - t0
    text = open(log, errors='replace').read() if os.path.exists(log) else ''
    # glassbox and QEMU leave through isa-debug-exit (status 33); Bochs
    # through its shutdown port (status 1, "shutdown requested").
    if 'DONE' not in text or (engine != 'bochs' and p.returncode != 33):
        sys.exit(f'bench: {engine} on {img} failed (exit {p.returncode}): {p.stderr.decode()[-300:]} {text[-300:]}')
    sums = [ln.split('sum=')[1].split()[0] for ln in text.splitlines() if ln.startswith('RESULT')]
    return dt, int(sums[0], 16)


def bench_times(root, glassbox, engines, modes, iters_arg, rounds):
    """Times the benchmark guest's `modes` on `engines`, interleaved, and
    prints guest MIPS and the same-run ratios."""
    work = tempfile.mkdtemp(prefix='glassbox-bench-')
    src = build_guest(root, work)
    print(f'{"mode":12} {"engine":15} {"MIPS (median)":>14} {"min":>8} {"max":>8}  checksum')
    summary = {}
    for mode in modes:
        iters = iters_arg or (1000 if mode == 0 else 500)
        roms = {n: build_image(src, work, mode, n) for n in (0, iters)}
        mips = {e: [] for e in engines}
        sums = {}
        for _ in range(rounds):
            for e in engines:  # interleaved: each round runs every engine
                t0, s0 = run_once(e, glassbox, roms[0], os.path.join(work, 'log0'), work)
                tn, sn = run_once(e, glassbox, roms[iters], os.path.join(work, 'logn'), work)
                sums.setdefault(e, set()).add(sn)
                if tn - t0 < 0.5:
                    print(f'bench: warning: {e} mode {mode} ran {tn - t0:.3f} s beyond startup: too short '
                          'to time well; raise --iters')
                mips[e].append(iters * PER_ITER[mode] / max(tn - t0, 1e-9) / 1e6)
        ref = REFERENCE.get((min(mode, 1), iters))
        all_sums = set().union(*sums.values())
        if len(all_sums) != 1 or (ref is not None and ref not in all_sums):
            sys.exit(f'bench: checksum mismatch in mode {mode}: {sums} (reference {ref})')
        for e in engines:
            med = statistics.median(mips[e])
            summary[(mode, e)] = med
            print(f'{MODE_NAMES[mode]:12} {e:15} {med:14.1f} {min(mips[e]):8.1f} {max(mips[e]):8.1f}  '
                  f'{next(iter(all_sums)):08X}{" (reference)" if ref is not None else ""}')
    for other in ('glassbox-nohook', 'bochs', 'qemu'):
        if other in engines and 'glassbox' in engines:
            for mode in modes:
                print(f'{MODE_NAMES[mode]:12} glassbox/{other} = {summary[(mode, "glassbox")] / summary[(mode, other)]:.3f}')
    if (1, 'glassbox') in summary and (2, 'glassbox') in summary:
        cost = 1 - summary[(2, 'glassbox')] / summary[(1, 'glassbox')]
        print(f'paging cost (glassbox, mode 2 vs mode 1): {100 * cost:+.1f} %')
    shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--modes', default='0,1,2', help='comma-separated modes (default 0,1,2; none for none)')
    ap.add_argument('--iters', type=int, default=0, help='ITERS (default: 1000 real mode, 500 protected mode; '
                    'the reference checksums cover 200 real mode and 500 protected mode, and every engine must agree)')
    ap.add_argument('--rounds', type=int, default=5, help='rounds (median of; default 5)')
    ap.add_argument('--engines', default='glassbox,bochs,qemu', help='engines to run (default glassbox,bochs,qemu)')
    ap.add_argument('--boot', action='store_true', help='time real guests to their markers instead')
    ap.add_argument('--only', default='', help='with --boot: only the guests whose name contains this text')
    ap.add_argument('--build-dir', default='build', help='the glassbox release build directory')
    ap.add_argument('--linux', action='store_true',
                    help='also time the Linux workload (after the modes; --modes none for it alone)')
    ap.add_argument('--host-insns', action='store_true',
                    help='instead of timing, count host instructions per guest instruction with callgrind '
                    '(with --linux also for the Linux workloads) and print the profile\'s top entries')
    ap.add_argument('--cg-iters', type=int, default=100,
                    help='with --host-insns: the benchmark guest\'s ITERS (against ITERS=0; default 100)')
    ap.add_argument('--window', default='300M,600M',
                    help='with --host-insns --linux: the two --insn-limit values whose difference is measured '
                    '(default 300M,600M: inside the kernel\'s decompressor)')
    ap.add_argument('--top', type=int, default=10, help='with --host-insns: profile entries shown (default 10)')
    ap.add_argument('--hook-check', action='store_true',
                    help='also run a build without the observer hook (-Dobserver=false, set up in build-nohook '
                    'when missing) as engine glassbox-nohook, to show the detached hook costs nothing')
    args = ap.parse_args()
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    glassbox = {'glassbox': os.path.join(root, args.build_dir, 'glassbox')}
    engines = [e for e in args.engines.split(',') if e]
    if args.hook_check:
        nohook = os.path.join(root, 'build-nohook')
        if not os.path.isdir(nohook):
            sh(['meson', 'setup', nohook, '-Dobserver=false'], cwd=root, stdout=subprocess.DEVNULL)
        sh(['ninja', '-C', nohook, 'glassbox'], stdout=subprocess.DEVNULL)
        glassbox['glassbox-nohook'] = os.path.join(nohook, 'glassbox')
        engines.insert(engines.index('glassbox') + 1 if 'glassbox' in engines else 0, 'glassbox-nohook')
    for e, exe in (('qemu', 'qemu-system-i386'), ('bochs', 'bochs')):
        if e in engines and not shutil.which(exe):
            print(f'bench: {exe} not found; leaving {e} out')
            engines.remove(e)
    modes = [int(m) for m in args.modes.split(',') if m not in ('', 'none')]
    if args.boot:
        return boot_times(root, glassbox['glassbox'], [e for e in engines if e in ('glassbox', 'qemu', 'bochs')],
                          args.rounds, guests_dir(root, args.build_dir), args.only)
    if args.host_insns:
        return host_insns(root, glassbox['glassbox'], modes, args.cg_iters, args.linux,
                          [count(c) for c in args.window.split(',')], guests_dir(root, args.build_dir), args.top)
    if modes:
        bench_times(root, glassbox, engines, modes, args.iters, args.rounds)
    if args.linux:
        linux_times(glassbox['glassbox'], [e for e in engines if e in ('glassbox', 'qemu', 'bochs')], args.rounds,
                    guests_dir(root, args.build_dir))


class BootGuest(NamedTuple):
    args: list          # arguments shared by glassbox and QEMU (paths relative to the guests directory)
    marker: str         # the serial line that ends the timing
    bochs_disk: str = None  # the hard disk image Bochs boots instead, or None where it has no equivalent
    x86_64: bool = False    # QEMU as qemu-system-x86_64, Bochs with an Intel 64 CPU model
    syslinux_default: str = None  # boot this syslinux.cfg label instead of the image's DEFAULT


HDD_686 = 'syslinux/syslinux-hdd.img'
BOOT_GUESTS = {
    'syslinux-floppy menu': BootGuest(['-fda', 'syslinux/syslinux-floppy.img', '-boot', 'a'], 'GUEST-SYSLINUX-MENU'),
    'syslinux-hdd menu': BootGuest(['-hda', HDD_686, '-m', '256'], 'GUEST-SYSLINUX-MENU'),
    'isolinux-cd menu': BootGuest(['-cdrom', 'isolinux/isolinux.iso', '-boot', 'd', '-m', '256'], 'GUEST-SYSLINUX-MENU'),
    'grub-cd menu': BootGuest(['-cdrom', 'grub/grub.iso', '-boot', 'd', '-m', '256'], 'GUEST-GRUB-MENU'),
    'syslinux-floppy memtest86+': BootGuest(['-fda', 'syslinux/syslinux-floppy.img', '-boot', 'a'],
                                            'Memtest86+ v6.10'),
    # Linux 686 and amd64 with the busybox initramfs to the shell: by
    # -kernel (not in Bochs), and through syslinux from the hard disk (all
    # three engines; amd64 is the same image with its linux64 label made
    # the default).
    'linux-686 -kernel shell': BootGuest(['-kernel', 'linux/vmlinuz-686', '-initrd', 'linux/initrd-i386.cpio.gz',
                                          '-append', 'console=tty0 console=ttyS0,115200', '-m', '256'],
                                         'GUEST-SHELL-READY'),
    'linux-686 syslinux-hdd shell': BootGuest(['-hda', HDD_686, '-m', '256'], 'GUEST-SHELL-READY', HDD_686),
    'linux-amd64 -kernel shell': BootGuest(['-kernel', 'linux/vmlinuz-amd64', '-initrd', 'linux/initrd-amd64.cpio.gz',
                                            '-append', 'console=tty0 console=ttyS0,115200', '-m', '256'],
                                           'GUEST-SHELL-READY', x86_64=True),
    # The same with four processors (issue 22): what interleaving costs.
    'linux-686 -kernel -smp 4 shell': BootGuest(['-smp', '4', '-kernel', 'linux/vmlinuz-686', '-initrd',
                                                 'linux/initrd-i386.cpio.gz', '-append',
                                                 'console=tty0 console=ttyS0,115200', '-m', '256'],
                                                'GUEST-SHELL-READY'),
    'linux-amd64 -kernel -smp 4 shell': BootGuest(['-smp', '4', '-kernel', 'linux/vmlinuz-amd64', '-initrd',
                                                   'linux/initrd-amd64.cpio.gz', '-append',
                                                   'console=tty0 console=ttyS0,115200', '-m', '256'],
                                                  'GUEST-SHELL-READY', x86_64=True),
    'linux-amd64 syslinux-hdd shell': BootGuest(['-hda', HDD_686, '-m', '256'], 'GUEST-SHELL-READY', HDD_686,
                                                x86_64=True, syslinux_default='linux64'),
}

# Bochs's CPU for the amd64 guests: an Intel 64 part with SSE4.2 (Debian's
# bochs is built with x86-64; its default bx_generic has no long mode).
BOCHS_CPU_X86_64 = 'cpu: model=corei7_sandy_bridge_2600k\n'

BOCHSRC_HDD = """megs: 256
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=disk, path={img}, mode=flat
boot: disk
""" + BOCHSRC_COMMON

# The FAT partition of scripts/guests' syslinux hard disk starts at 1 MiB.
SYSLINUX_HDD_FAT = 2048 * 512


def with_syslinux_default(image, label, work):
    """A copy of the syslinux hard disk `image` in `work` whose
    syslinux.cfg boots `label` by default (mtools, as scripts/guests
    builds it)."""
    copy = os.path.join(work, f'{label}.img')
    shutil.copyfile(image, copy)
    fat = f'{copy}@@{SYSLINUX_HDD_FAT}'
    cfg = sh(['mtype', '-i', fat, '::/syslinux.cfg'], stdout=subprocess.PIPE).stdout.decode()
    lines = [f'DEFAULT {label}' if ln.startswith('DEFAULT ') else ln for ln in cfg.splitlines()]
    if f'LABEL {label}' not in lines:
        sys.exit(f'bench: {image} has no syslinux label {label}')
    new = os.path.join(work, 'syslinux.cfg')
    with open(new, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    sh(['mcopy', '-o', '-i', fat, new, '::/syslinux.cfg'])
    return copy


def guests_dir(root, build_dir):
    """scripts/guests' images: $GB_GUESTS_DIR, else the build's guests_dir
    option, else build-guests in the source tree."""
    if os.environ.get('GB_GUESTS_DIR'):
        return os.environ['GB_GUESTS_DIR']
    try:
        opts = json.loads(subprocess.run(['meson', 'introspect', '--buildoptions', os.path.join(root, build_dir)],
                                         check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout)
        value = next((o['value'] for o in opts if o['name'] == 'guests_dir'), '')
        if value:
            return value
    except (OSError, subprocess.CalledProcessError, ValueError):
        pass
    return os.path.join(root, 'build-guests')


class BootRun(NamedTuple):
    marker_s: float     # seconds from process start to the marker, or None when not reached
    exit_s: float       # seconds from process start to the process's exit (None when stopped at the marker)
    insns: int          # guest instructions glassbox reported at power-off, else None


POWERED_OFF = re.compile(r'powered off by the guest after (\d+) instructions')


def run_to_marker(cmd, log, marker, wait_exit=False, limit_s=1800, grace_s=15):
    """Runs `cmd` until `marker` appears in the serial file `log` (then
    stops it), or with `wait_exit` until it exits by itself (a guest that
    powers off after its marker) or `grace_s` seconds after the marker."""
    if os.path.exists(log):
        os.remove(log)
    err = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    t = t_exit = None
    while time.perf_counter() - t0 < limit_s:
        done = p.poll() is not None  # a guest may power off right after its marker
        if t is None and os.path.exists(log) and marker in open(log, errors='replace').read():
            t = time.perf_counter() - t0
            if not wait_exit:
                break
        if t is not None and time.perf_counter() - t0 > t + grace_s:
            break
        if done:
            if t is not None:
                t_exit = time.perf_counter() - t0
            break
        time.sleep(0.02)
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    err.seek(0)
    m = POWERED_OFF.search(err.read().decode(errors='replace'))
    return BootRun(t, t_exit, int(m.group(1)) if m and t_exit is not None else None)


def boot_cmd(e, g, glassbox, guests, work):
    """The command line booting BootGuest `g` on engine `e` ('glassbox',
    'qemu' or 'bochs'; None where Bochs has no equivalent) with COM1 to
    work/serial.txt, and that path."""
    log = os.path.join(work, 'serial.txt')
    args = [os.path.join(guests, a) if '/' in a else a for a in g.args]
    bochs_disk = os.path.join(guests, g.bochs_disk) if g.bochs_disk else None
    if g.syslinux_default:
        image = os.path.join(work, f'{g.syslinux_default}.img')
        if not os.path.exists(image):
            image = with_syslinux_default(bochs_disk, g.syslinux_default, work)
        args = [image if a == bochs_disk else a for a in args]
        bochs_disk = image
    if e == 'bochs':
        if not bochs_disk:
            return None, log
        # Bochs writes to its disk image: a copy. It leaves a .lock beside
        # it when stopped, which would refuse the next run.
        disk = os.path.join(work, 'disk.img')
        if os.path.exists(disk + '.lock'):
            os.remove(disk + '.lock')
        shutil.copyfile(bochs_disk, disk)
        rc, cont = os.path.join(work, 'bochsrc'), os.path.join(work, 'bochs-continue')
        with open(rc, 'w') as f:
            f.write(BOCHSRC_HDD.format(img=disk, log=log) + (BOCHS_CPU_X86_64 if g.x86_64 else ''))
        with open(cont, 'w') as f:
            f.write('c\n')
        return ['bochs', '-q', '-f', rc, '-rc', cont], log
    qemu = 'qemu-system-x86_64' if g.x86_64 else 'qemu-system-i386'
    exe = [glassbox, '-snapshot'] if e == 'glassbox' else [qemu, '-accel', 'tcg', '-snapshot']
    return exe + args + ['-display', 'none', '-no-reboot', '-serial', f'file:{log}'], log


def boot_times(root, glassbox, engines, rounds, guests, only=''):
    print(f'{"guest":30} {"engine":9} {"seconds to marker (median)":>28}')
    work = tempfile.mkdtemp(prefix='glassbox-boot-')
    for name, g in BOOT_GUESTS.items():
        if only not in name:
            continue
        for e in engines:
            times = []
            for _ in range(rounds):
                cmd, log = boot_cmd(e, g, glassbox, guests, work)
                if cmd is None:
                    break
                r = run_to_marker(cmd, log, g.marker)
                if r.marker_s is None:
                    break
                times.append(r.marker_s)
            if cmd is None:
                continue
            shown = f'{statistics.median(times):28.2f}' if times else f'{"not reached":>28}'
            print(f'{name:30} {e:9} {shown}', flush=True)
    shutil.rmtree(work, ignore_errors=True)


# The Linux workload: each kernel to the shell by -kernel (glassbox and
# QEMU, with guest=poweroff so that glassbox reports its instruction count),
# and through syslinux from the hard disk, which Bochs boots too (its only
# way: it has no -kernel), for the ratio to Bochs.
LINUX = {'linux-686': ('linux-686 -kernel shell', 'linux-686 syslinux-hdd shell'),
         'linux-amd64': ('linux-amd64 -kernel shell', 'linux-amd64 syslinux-hdd shell')}


def with_poweroff(g):
    """BootGuest `g` with guest=poweroff added to its -append."""
    args = list(g.args)
    i = args.index('-append') + 1
    args[i] += ' guest=poweroff'
    return g._replace(args=args)


def linux_guest(row):
    g = BOOT_GUESTS[row]
    return with_poweroff(g) if '-append' in g.args else g


def linux_times(glassbox, engines, rounds, guests):
    """Times the Linux workload, interleaved round by round, and prints
    seconds to GUEST-SHELL-READY, glassbox's guest MIPS (the instructions it
    reports at the power-off that follows the marker / seconds to its exit)
    and the same-run ratios."""
    work = tempfile.mkdtemp(prefix='glassbox-linux-')
    runs = {}  # (row, engine) -> [BootRun]
    plan = []
    for kernel_row, hdd_row in LINUX.values():
        plan += [(kernel_row, e) for e in engines if e in ('glassbox', 'qemu')]
        if 'bochs' in engines:
            plan += [(hdd_row, 'glassbox'), (hdd_row, 'bochs')]
    for _ in range(rounds):
        for row, e in plan:  # interleaved: each round runs every row and engine
            g = linux_guest(row)
            cmd, log = boot_cmd(e, g, glassbox, guests, work)
            r = run_to_marker(cmd, log, g.marker, wait_exit=e == 'glassbox')
            if r.marker_s is None:
                sys.exit(f'bench: {e} did not reach {g.marker} on {row}')
            runs.setdefault((row, e), []).append(r)
    shutil.rmtree(work, ignore_errors=True)
    print(f'{"guest":30} {"engine":9} {"s to shell (median)":>19} {"min":>7} {"max":>7} {"guest MIPS":>11} {"insns":>14}')
    med = {}
    for (row, e), rs in runs.items():
        t = [r.marker_s for r in rs]
        med[(row, e)] = statistics.median(t)
        mips = [r.insns / r.exit_s / 1e6 for r in rs if r.insns]
        shown = f'{statistics.median(mips):11.1f} {rs[0].insns:14,}' if mips else ''
        print(f'{row:30} {e:9} {med[(row, e)]:19.2f} {min(t):7.2f} {max(t):7.2f} {shown}', flush=True)
    for name, (kernel_row, hdd_row) in LINUX.items():
        if (kernel_row, 'qemu') in med and (kernel_row, 'glassbox') in med:
            print(f'{name}: glassbox time / QEMU time (-kernel) = '
                  f'{med[(kernel_row, "glassbox")] / med[(kernel_row, "qemu")]:.2f}')
        if (hdd_row, 'bochs') in med:
            print(f'{name}: Bochs time / glassbox time (syslinux-hdd) = '
                  f'{med[(hdd_row, "bochs")] / med[(hdd_row, "glassbox")]:.2f}')


# Host instructions per guest instruction: callgrind's instruction count
# (I refs), which machine load does not disturb.
CG_LINE = re.compile(r'^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$')


def callgrind(cmd, out):
    """Runs `cmd` under callgrind to the file `out`; returns its stderr
    and the total I refs."""
    p = subprocess.run(['valgrind', '--tool=callgrind', f'--callgrind-out-file={out}'] + cmd,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    total = None
    with open(out) as f:
        for ln in f:
            if ln.startswith(('totals:', 'summary:')):
                total = int(ln.split()[1])
    return p.stderr.decode(errors='replace'), total


def profile(out):
    """Exclusive I refs per function in callgrind file `out`."""
    text = subprocess.run(['callgrind_annotate', '--inclusive=no', '--threshold=100', out], check=True,
                          stdout=subprocess.PIPE).stdout.decode(errors='replace')
    funcs = {}
    for ln in text.splitlines():
        m = CG_LINE.match(ln)
        if m and 'PROGRAM TOTALS' not in m.group(2):
            funcs[m.group(2)] = funcs.get(m.group(2), 0) + int(m.group(1).replace(',', ''))
    return funcs


TYPE_NAMES = [('unsigned char', 'u8'), ('unsigned short', 'u16'), ('unsigned int', 'u32'),
              ('unsigned long', 'u64'), ('signed char', 's8'), ('std::__cxx11::', 'std::')]


# Enumerators that template arguments show as numbers (cpu/decode/insn.hpp
# Form, cpu/ops/alu.hpp Alu); others stay "Enum N".
ENUMS = {'Form': ('Any', 'Reg', 'Mem', 'MemB'), 'Alu': ('Add', 'Or', 'Adc', 'Sbb', 'And', 'Sub', 'Xor', 'Cmp')}


def enumerator(m):
    names = ENUMS.get(m.group(1), ())
    i = int(m.group(2))
    return names[i] if i < len(names) else f'{m.group(1)} {i}'


def short_name(entry):
    """A callgrind_annotate function entry ("file:signature [binary]")
    shortened to its qualified name with template arguments, without the
    file, binary, return type, parameters and the gb:: namespace."""
    sig = re.sub(r' \[/[^]]*\]$', '', entry)
    sig = re.sub(r'^[^ :]*:(?!:)', '', sig)
    sig = re.sub(r' \[clone [^]]*\]', '', sig)
    sig = re.sub(r' const$', '', sig)
    if sig.endswith(')'):  # drop the parameters: back to the matching '('
        depth = 0
        for i in range(len(sig) - 1, -1, -1):
            depth += {')': 1, '(': -1}.get(sig[i], 0)
            if depth == 0:
                sig = sig[:i]
                break
    depth, name = 0, sig  # drop the return type: up to the last space outside <> and ()
    for i, c in enumerate(sig):
        depth += {'<': 1, '(': 1, '>': -1, ')': -1}.get(c, 0)
        if c == ' ' and depth == 0:
            name = sig[i + 1:]
    for long, short in TYPE_NAMES:
        name = name.replace(long, short)
    name = re.sub(r'\(gb::(?:\w+::)*(\w+)\)(\d+)', enumerator, name)  # (gb::Form)2 -> Mem
    name = re.sub(r'\(u8\)(\d+)', r'\1', name)
    return name.replace('gb::', '')


def top_entries(hi, lo, guest_insns, n):
    """The `n` functions with the most exclusive I refs in profile `hi`
    minus profile `lo`, as (short name, I refs per guest instruction,
    share)."""
    diff = {}  # by short name: clones and overloads of one function together
    for f, ir in hi.items():
        diff[short_name(f)] = diff.get(short_name(f), 0) + ir - lo.get(f, 0)
    total = sum(diff.values())
    top = sorted(diff.items(), key=lambda kv: -kv[1])[:n]
    return [(f, ir / guest_insns, ir / total) for f, ir in top]


def host_insns(root, glassbox, modes, cg_iters, linux, window, guests, top):
    """Prints host instructions per guest instruction and the top
    entries of the profile, for the benchmark guest's modes and, with
    `linux`, the Linux workloads over the guest instruction window."""
    work = tempfile.mkdtemp(prefix='glassbox-cg-')
    results = []  # (workload, host insns per guest insn, Ir low, Ir high, top entries)
    if modes:
        src = build_guest(root, work)
    for mode in modes:
        outs = []
        for n in (0, cg_iters):
            img = build_image(src, work, mode, n)
            log, out = os.path.join(work, 'log'), os.path.join(work, f'cg-m{mode}-i{n}.out')
            if os.path.exists(log):
                os.remove(log)
            err, ir = callgrind(engine_cmd('glassbox', {'glassbox': glassbox}, img, log, work), out)
            if 'DONE' not in (open(log, errors='replace').read() if os.path.exists(log) else ''):
                sys.exit(f'bench: glassbox under callgrind did not finish {img}: {err[-300:]}')
            outs.append((out, ir))
        guest_insns = cg_iters * PER_ITER[mode]
        results.append((f'bench {MODE_NAMES[mode]}', (outs[1][1] - outs[0][1]) / guest_insns, outs[0][1], outs[1][1],
                        top_entries(profile(outs[1][0]), profile(outs[0][0]), guest_insns, top)))
    for name, (kernel_row, _) in (LINUX.items() if linux else ()):
        g = linux_guest(kernel_row)
        outs = []
        for limit in window:
            cmd, _ = boot_cmd('glassbox', g, glassbox, guests, work)
            out = os.path.join(work, f'cg-{name}-{limit}.out')
            err, ir = callgrind(cmd + ['--insn-limit', str(limit)], out)
            if f'stopped after {limit} instructions' not in err:
                sys.exit(f'bench: {name} under callgrind did not stop at {limit}: {err[-300:]}')
            outs.append((out, ir))
        guest_insns = window[1] - window[0]
        results.append((f'{name} -kernel', (outs[1][1] - outs[0][1]) / guest_insns, outs[0][1], outs[1][1],
                        top_entries(profile(outs[1][0]), profile(outs[0][0]), guest_insns, top)))
    print(f'{"workload":22} {"host insns / guest insn":>24} {"Ir (low)":>16} {"Ir (high)":>16}')
    for name, per, lo, hi, _ in results:
        print(f'{name:22} {per:24.2f} {lo:16,} {hi:16,}')
    for name, per, _, _, entries in results:
        print(f'\n{name}: top entries (exclusive host insns per guest insn, share)')
        for fn, ir, share in entries:
            print(f'  {ir:6.2f} {100 * share:5.1f} %  {fn}')
    shutil.rmtree(work, ignore_errors=True)


def count(text):
    """A count such as 300M, 1.5G or 600000000."""
    scale = {'k': 10**3, 'm': 10**6, 'g': 10**9}.get(text[-1:].lower(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


if __name__ == '__main__':
    main()
