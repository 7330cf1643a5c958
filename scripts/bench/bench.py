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

--boot instead times each real guest of scripts/guests to its marker (the
boot-loader menus; memtest86+; Linux 686 and amd64 to the shell) on
glassbox, QEMU and, where it boots the same disk, Bochs.
"""
import argparse
import os
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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--modes', default='0,1,2', help='comma-separated modes (default 0,1,2)')
    ap.add_argument('--iters', type=int, default=0, help='ITERS (default: 1000 real mode, 500 protected mode; '
                    'the reference checksums cover 200 real mode and 500 protected mode, and every engine must agree)')
    ap.add_argument('--rounds', type=int, default=5, help='rounds (median of; default 5)')
    ap.add_argument('--engines', default='glassbox,bochs,qemu', help='engines to run (default glassbox,bochs,qemu)')
    ap.add_argument('--boot', action='store_true', help='time real guests to their markers instead')
    ap.add_argument('--only', default='', help='with --boot: only the guests whose name contains this text')
    ap.add_argument('--build-dir', default='build', help='the glassbox release build directory')
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
    if args.boot:
        return boot_times(root, glassbox['glassbox'], [e for e in engines if e in ('glassbox', 'qemu', 'bochs')], args.rounds,
                          args.only)
    work = tempfile.mkdtemp(prefix='glassbox-bench-')
    src = build_guest(root, work)
    print(f'{"mode":12} {"engine":15} {"MIPS (median)":>14} {"min":>8} {"max":>8}  checksum')
    summary = {}
    for mode in [int(m) for m in args.modes.split(',')]:
        iters = args.iters or (1000 if mode == 0 else 500)
        roms = {n: build_image(src, work, mode, n) for n in (0, iters)}
        mips = {e: [] for e in engines}
        sums = {}
        for _ in range(args.rounds):
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
            for mode in [int(m) for m in args.modes.split(',')]:
                print(f'{MODE_NAMES[mode]:12} glassbox/{other} = {summary[(mode, "glassbox")] / summary[(mode, other)]:.3f}')
    if (1, 'glassbox') in summary and (2, 'glassbox') in summary:
        cost = 1 - summary[(2, 'glassbox')] / summary[(1, 'glassbox')]
        print(f'paging cost (glassbox, mode 2 vs mode 1): {100 * cost:+.1f} %')
    shutil.rmtree(work, ignore_errors=True)


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


def boot_times(root, glassbox, engines, rounds, only=''):
    guests = os.environ.get('GB_GUESTS_DIR', os.path.join(root, 'build-guests'))
    if not os.path.isdir(guests):
        sys.exit(f'bench: {guests} not found; run scripts/guests')
    print(f'{"guest":30} {"engine":9} {"seconds to marker (median)":>28}')
    work = tempfile.mkdtemp(prefix='glassbox-boot-')
    for name, g in BOOT_GUESTS.items():
        if only not in name:
            continue
        args = [os.path.join(guests, a) if '/' in a else a for a in g.args]
        bochs_disk = os.path.join(guests, g.bochs_disk) if g.bochs_disk else None
        if g.syslinux_default:
            image = with_syslinux_default(os.path.join(guests, g.bochs_disk), g.syslinux_default, work)
            args = [image if a == bochs_disk else a for a in args]
            bochs_disk = image
        qemu = 'qemu-system-x86_64' if g.x86_64 else 'qemu-system-i386'
        for e in engines:
            if e == 'bochs' and not bochs_disk:
                continue
            times = []
            for _ in range(rounds):
                log = os.path.join(work, 'serial.txt')
                if os.path.exists(log):
                    os.remove(log)
                if e == 'bochs':
                    # Bochs writes to its disk image: a copy. It leaves a
                    # .lock beside it when stopped, which would refuse the
                    # next run.
                    disk = os.path.join(work, 'disk.img')
                    if os.path.exists(disk + '.lock'):
                        os.remove(disk + '.lock')
                    shutil.copyfile(bochs_disk, disk)
                    rc, cont = os.path.join(work, 'bochsrc'), os.path.join(work, 'bochs-continue')
                    with open(rc, 'w') as f:
                        f.write(BOCHSRC_HDD.format(img=disk, log=log) + (BOCHS_CPU_X86_64 if g.x86_64 else ''))
                    with open(cont, 'w') as f:
                        f.write('c\n')
                    cmd = ['bochs', '-q', '-f', rc, '-rc', cont]
                else:
                    exe = [glassbox, '-snapshot'] if e == 'glassbox' else [qemu, '-accel', 'tcg', '-snapshot']
                    cmd = exe + args + ['-display', 'none', '-no-reboot', '-serial', f'file:{log}']
                t0 = time.perf_counter()
                p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                t = None
                while time.perf_counter() - t0 < 1800:
                    done = p.poll() is not None  # a guest may power off right after its marker
                    if os.path.exists(log) and g.marker in open(log, errors='replace').read():
                        t = time.perf_counter() - t0
                        break
                    if done:
                        break
                    time.sleep(0.05)
                p.terminate()
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
                if t is None:
                    break
                times.append(t)
            shown = f'{statistics.median(times):28.2f}' if times else f'{"not reached":>28}'
            print(f'{name:30} {e:9} {shown}', flush=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
