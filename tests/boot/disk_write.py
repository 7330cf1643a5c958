#!/usr/bin/env python3
"""Guest writes reach the image by the time the emulator ends on SIGTERM
(or SIGINT), and -snapshot leaves the image untouched.

Usage: disk_write.py GLASSBOX BOOT_SECTOR

For the hard disk (-hda) and the floppy (-fda), and for each of SIGTERM and
SIGINT: a fresh image holds BOOT_SECTOR (tests/boot/disk_write.asm), which
writes a tagged sector through INT 13h and then sleeps. Once the guest reports
"WROTE ok" on port 0xE9, the emulator gets the signal; it must exit with
status 130 and the image's second sector must hold the tag. Then the same
with -snapshot: the second sector must still be zeros. Needs SeaBIOS
(Debian's seabios package, the default -bios).
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

TAG = b'GLASSBOX-WROTE-THIS-SECTOR'
TIMEOUT_S = 120


def run_case(glassbox, boot, d, drive, sig, snapshot):
    size = 1474560 if drive == 'fda' else 4 << 20
    img = os.path.join(d, f'{drive}.img')
    with open(img, 'wb') as f:
        f.write(boot)
        f.truncate(size)
    log = os.path.join(d, 'e9.txt')
    if os.path.exists(log):
        os.remove(log)
    cmd = os.environ.get('GB_EXE_WRAPPER', '').split() + [
        glassbox, f'-{drive}', img, '-boot', 'a' if drive == 'fda' else 'c', '-display', 'none',
        '-debugcon', 'file:' + log, '--vga-bios', 'none'] + (['-snapshot'] if snapshot else [])
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    start = time.monotonic()
    seen = ''
    while proc.poll() is None and time.monotonic() - start < TIMEOUT_S:
        try:
            with open(log, 'rb') as f:
                seen = f.read().decode('latin-1')
        except FileNotFoundError:
            pass
        if 'WROTE' in seen:
            break
        time.sleep(0.1)
    time.sleep(0.2)
    proc.send_signal(sig)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    with open(img, 'rb') as f:
        f.seek(512)
        sector = f.read(512)
    problems = []
    if 'WROTE ok' not in seen:
        problems.append(f'guest did not report "WROTE ok" (port 0xE9: {seen!r})')
    if proc.returncode != 130:
        problems.append(f'exit status {proc.returncode}, expected 130; output {out.decode(errors="replace")!r}')
    if snapshot and sector != bytes(512):
        problems.append('-snapshot: the image changed')
    if not snapshot and not sector.startswith(TAG):
        problems.append(f'the written sector is not in the image (starts {sector[:32]!r})')
    name = f'{drive} {signal.Signals(sig).name}{" -snapshot" if snapshot else ""}'
    print(('ok   ' if not problems else 'FAIL ') + name)
    for p in problems:
        print('     -', p)
    return not problems


def main(argv):
    if len(argv) != 3:
        print(f'usage: {argv[0]} GLASSBOX BOOT_SECTOR')
        return 2
    if not os.path.exists('/usr/share/seabios/bios-256k.bin'):
        print('SKIP: SeaBIOS (Debian seabios) is not installed')
        return 1 if os.environ.get('CI') else 77
    with open(argv[2], 'rb') as f:
        boot = f.read()
    ok = True
    with tempfile.TemporaryDirectory(prefix='glassbox-diskwrite-') as d:
        for drive in ('hda', 'fda'):
            for sig in (signal.SIGTERM, signal.SIGINT):
                ok &= run_case(argv[1], boot, d, drive, sig, False)
            ok &= run_case(argv[1], boot, d, drive, signal.SIGTERM, True)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
