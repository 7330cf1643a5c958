#!/usr/bin/env python3
"""--screenshot writes the display as PNG when the run ends.

Usage: screenshot.py GLASSBOX TEXT_BOOT_SECTOR MODE13H_BOOT_SECTOR

Boots each sector (tests/boot/screen_text.asm, screen_13h.asm) from a floppy
through SeaBIOS and its VGA BIOS; the guest draws a fixed screen and halts,
and the run ends with the screenshot. The PNG is decoded here (zlib; Glassbox
writes no row filters) and checked: size, pixels with known colours (the
VGA's default palette: colour 1 is 0000AA, 15 is FFFFFF), and the SHA-256 of
the RGB pixels against the stored reference. An unwritable screenshot path
is one line on stderr and exit status 1.
"""
import hashlib
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from images import read_png  # noqa: E402

# SHA-256 of the decoded RGB rows (3 bytes per pixel, no filter bytes).
REFERENCE = {
    'text': '1b5909e9f41063c04b98cf38378e2ceeb9924f8461cf04026dd70bed712a5022',
    '13h': '9a2bc49366cf8840961e1da0146c34a8b75e4c308c1b225cfd819a9bbb19843e',
}


def pixel(w, pixels, x, y):
    i = 3 * (y * w + x)
    return pixels[i] << 16 | pixels[i + 1] << 8 | pixels[i + 2]


def shoot(glassbox, sector, d, name):
    img = os.path.join(d, name + '.img')
    boot = open(sector, 'rb').read()
    with open(img, 'wb') as f:
        f.write(boot + bytes(1474560 - len(boot)))
    png = os.path.join(d, name + '.png')
    log = os.path.join(d, name + '.log')
    p = subprocess.run([glassbox, '-fda', img, '-boot', 'a', '-m', '32', '-display', 'none',
                        '-debugcon', f'file:{log}', '--insn-limit', '200000000', '--screenshot', png],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0 or 'SCREEN ready' not in open(log, errors='replace').read():
        raise SystemExit(f'{name}: run failed (exit {p.returncode}): {p.stderr[-400:]}')
    return read_png(png)


def main():
    glassbox, text_sector, m13_sector = sys.argv[1:4]
    failures = []
    with tempfile.TemporaryDirectory(prefix='glassbox-screenshot-') as d:
        results = {'text': shoot(glassbox, text_sector, d, 'text'), '13h': shoot(glassbox, m13_sector, d, '13h')}
        w, h, px = results['text']
        if (w, h) != (720, 400):
            failures.append(f'text: {w}x{h}, expected 720x400 (80x25 cells of 9x16)')
        else:
            # Row 2 (colour 0 on blue): the blue background at the row's start.
            if pixel(w, px, 4 * 9 + 1, 2 * 16 + 1) != 0x0000AA:
                failures.append(f'text: background {pixel(w, px, 37, 33):06X}, expected 0000AA')
            # Row 17 (colour 15 on blue): the solid block character (DB) is white.
            if pixel(w, px, (4 + 20) * 9 + 3, 17 * 16 + 8) != 0xFFFFFF:
                failures.append(f'text: block {pixel(w, px, 219, 280):06X}, expected FFFFFF')
            # Outside the drawn rows: black.
            if pixel(w, px, 700, 390) != 0:
                failures.append('text: the corner is not black')
        w, h, px = results['13h']
        if (w, h) != (320, 200):
            failures.append(f'13h: {w}x{h}, expected 320x200')
        else:
            checks = {(1, 0): 0x0000AA, (0, 0): 0x000000, (20, 20): 0xFFFFFF, (15, 0): 0xFFFFFF, (4, 0): 0xAA0000}
            for (x, y), want in checks.items():
                if pixel(w, px, x, y) != want:
                    failures.append(f'13h: pixel ({x},{y}) is {pixel(w, px, x, y):06X}, expected {want:06X}')
        for name, (w, h, px) in results.items():
            digest = hashlib.sha256(px).hexdigest()
            if REFERENCE[name] is None:
                print(f'{name}: sha256 {digest} (no reference stored)')
                failures.append(f'{name}: no reference hash')
            elif digest != REFERENCE[name]:
                failures.append(f'{name}: pixels hash {digest}, reference {REFERENCE[name]}')
        # Bad input: an unwritable path.
        p = subprocess.run([glassbox, '-m', '32', '-display', 'none', '--insn-limit', '1000',
                            '--screenshot', os.path.join(d, 'missing-dir', 'x.png')],
                           capture_output=True, text=True, timeout=60)
        lines = [ln for ln in p.stderr.splitlines() if ln.startswith('glassbox: cannot')]
        if p.returncode != 1 or len(lines) != 1 or 'missing-dir' not in lines[0]:
            failures.append(f'unwritable path: exit {p.returncode}, stderr {p.stderr!r}')
    for f in failures:
        print('FAIL', f)
    if not failures:
        print('screenshots: text and mode 13h match their references')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
