#!/usr/bin/env python3
"""Guest-MIPS benchmark on the workload of ../shared/bench.

Builds the benchmark guest (stage2 + the C kernel, with Debian's i686 cross
compiler) and a loader ROM per (MODE, ITERS) that stands in for the image's
boot sector (scripts/bench/loader.asm), then runs each engine on the same
ROMs, interleaved round by round so machine noise hits all alike:

  guest MIPS = ITERS x per-iteration count / (t(ITERS) - t(0)), median of rounds

and checks that every run printed the reference checksum. Engines: glassbox
and, when installed, QEMU TCG (qemu-system-i386 runs the same ROM with -bios).
Modes: 0 real mode, 1 protected mode flat, 2 protected mode with paging.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

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
        f'{out}/stage2.bin', f'{out}/kernel.bin'], stdout=subprocess.DEVNULL)
    payload = os.path.join(out, 'payload.bin')
    with open(payload, 'wb') as f:
        for part in ('stage2.bin', 'kernel.bin'):
            with open(os.path.join(out, part), 'rb') as p:
                f.write(p.read())
    return payload


def build_rom(root, out, payload, mode, iters):
    rom = os.path.join(out, f'loader-m{mode}-i{iters}.bin')
    sh(['nasm', '-f', 'bin', f'-DITERS={iters}', f'-DMODE={mode}', f'-DPAYLOAD="{payload}"',
        '-o', rom, os.path.join(root, 'scripts', 'bench', 'loader.asm')])
    return rom


def engine_cmd(engine, glassbox, rom, log):
    if engine == 'glassbox':
        return [glassbox, '-bios', rom, '-display', 'none', '-debugcon', f'file:{log}',
                '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-m', '32']
    # QEMU's PIT keeps ticking: the guest runs with interrupts off, as in glassbox.
    return ['qemu-system-i386', '-bios', rom, '-display', 'none', '-debugcon', f'file:{log}',
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-m', '32', '-no-reboot']


def run_once(engine, glassbox, rom, log):
    if os.path.exists(log):
        os.remove(log)
    t0 = time.perf_counter()
    p = subprocess.run(engine_cmd(engine, glassbox, rom, log), stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=3600)
    dt = time.perf_counter() - t0
    text = open(log, errors='replace').read() if os.path.exists(log) else ''
    if p.returncode != 33 or 'DONE' not in text:
        sys.exit(f'bench: {engine} on {rom} failed (exit {p.returncode}): {p.stderr.decode()[-300:]} {text[-300:]}')
    sums = [ln.split('sum=')[1].split()[0] for ln in text.splitlines() if ln.startswith('RESULT')]
    return dt, int(sums[0], 16)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--modes', default='0,1,2', help='comma-separated modes (default 0,1,2)')
    ap.add_argument('--iters', type=int, default=0, help='ITERS (default: 200 real mode, 500 protected mode, which have reference checksums)')
    ap.add_argument('--rounds', type=int, default=5, help='rounds (median of; default 5)')
    ap.add_argument('--engines', default='glassbox,qemu', help='engines to run (default glassbox,qemu)')
    ap.add_argument('--build-dir', default='build', help='the glassbox release build directory')
    args = ap.parse_args()
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    glassbox = os.path.join(root, args.build_dir, 'glassbox')
    engines = [e for e in args.engines.split(',') if e]
    if 'qemu' in engines and not shutil.which('qemu-system-i386'):
        print('bench: qemu-system-i386 not found; running glassbox only')
        engines.remove('qemu')
    work = tempfile.mkdtemp(prefix='glassbox-bench-')
    payload = build_guest(root, work)
    print(f'{"mode":12} {"engine":9} {"MIPS (median)":>14} {"min":>8} {"max":>8}  checksum')
    summary = {}
    for mode in [int(m) for m in args.modes.split(',')]:
        iters = args.iters or (200 if mode == 0 else 500)
        roms = {n: build_rom(root, work, payload, mode, n) for n in (0, iters)}
        mips = {e: [] for e in engines}
        sums = {}
        for _ in range(args.rounds):
            for e in engines:  # interleaved: each round runs every engine
                t0, s0 = run_once(e, glassbox, roms[0], os.path.join(work, 'log0'))
                tn, sn = run_once(e, glassbox, roms[iters], os.path.join(work, 'logn'))
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
            print(f'{MODE_NAMES[mode]:12} {e:9} {med:14.1f} {min(mips[e]):8.1f} {max(mips[e]):8.1f}  '
                  f'{next(iter(all_sums)):08X}{" (reference)" if ref is not None else ""}')
    if ('qemu' in engines):
        for mode in [int(m) for m in args.modes.split(',')]:
            print(f'{MODE_NAMES[mode]:12} glassbox/qemu = {summary[(mode, "glassbox")] / summary[(mode, "qemu")]:.3f}')
    if (1, 'glassbox') in summary and (2, 'glassbox') in summary:
        cost = 1 - summary[(2, 'glassbox')] / summary[(1, 'glassbox')]
        print(f'paging cost (glassbox, mode 2 vs mode 1): {100 * cost:+.1f} %')
    shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
