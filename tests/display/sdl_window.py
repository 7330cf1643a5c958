#!/usr/bin/env python3
"""-display sdl under Xvfb: the window shows the guest and takes its keys.

Usage: sdl_window.py GLASSBOX

Starts a private Xvfb, boots SeaBIOS with no disks in a Glassbox window and:
  - captures the X screen (xwd) until the window shows the VGA BIOS banner
    line, and checks those window pixels against Glassbox's own rendering
    (--screenshot at the end: the same pixels, at integer scale 1x);
  - checks the title (state, mouse-grab hot key);
  - presses Escape through XTEST (xdotool) once SeaBIOS says "Press ESC for
    boot menu", until the boot menu appears (keyboard: SDL scancode -> set 2
    -> the 8042 -> SeaBIOS); both are seen in SeaBIOS's log (-d firmware:
    its screen text, on stderr);
  - Ctrl+Alt+S writes a numbered PNG; Ctrl+Alt+Q quits with exit status 0.
Also: -display sdl without any display falls back to none with one notice.
Every step waits on its event (the window mapped, a stable frame, a log
line); xserver.HANG_GUARD_S only stops a hang.
Exit 77 (skip) when this build has no SDL2 (cross builds).
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from images import crop, read_png  # noqa: E402
from xserver import (HANG_GUARD_S, capture_screen, fail, find_window, quit_by_hotkey,  # noqa: E402
                     require_tools_and_sdl, start_xvfb, wait_until, window_env, window_geometry, x)


def fallback_case(glassbox):
    env = {k: v for k, v in os.environ.items() if k not in ('DISPLAY', 'WAYLAND_DISPLAY')}
    env['SDL_VIDEODRIVER'] = 'x11'
    p = subprocess.run([glassbox, '-display', 'sdl', '-m', '16', '--insn-limit', '1000'], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=HANG_GUARD_S)
    lines = p.stderr.splitlines()
    if p.returncode != 0 or len(lines) != 2 or 'no display available' not in lines[0] or 'using none' not in lines[0]:
        fail(f'fallback without a display: exit {p.returncode}, stderr {p.stderr!r}')
    print(f'ok fallback: {lines[0]}')


def main():
    glassbox = sys.argv[1]
    require_tools_and_sdl(glassbox)
    fallback_case(glassbox)

    xvfb, display = start_xvfb()
    env = window_env(display)
    try:
        with tempfile.TemporaryDirectory(prefix='glassbox-sdl-') as d:
            text, png = os.path.join(d, 'screen.txt'), os.path.join(d, 'screen.png')
            log = os.path.join(d, 'stderr.txt')
            with open(log, 'wb') as err:
                gb = subprocess.Popen([glassbox, '-display', 'sdl', '-m', '32', '-d', 'firmware', '--dump-text', text,
                                       '--screenshot', png, '--screenshot-prefix', os.path.join(d, 'shot-')],
                                      env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
            try:
                run_window(env, gb, d, text, png, log)
            finally:
                if gb.poll() is None:
                    gb.kill()
                    gb.wait()
            aspect_case(glassbox, env, d)
    finally:
        xvfb.terminate()
        xvfb.wait()


def aspect_case(glassbox, env, d):
    """-scale aspect: a VGA text mode opens a 4:3 window (640x480)."""
    log = os.path.join(d, 'aspect.err')
    with open(log, 'wb') as err:
        gb = subprocess.Popen([glassbox, '-display', 'sdl', '-scale', 'aspect', '-m', '32'], env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    try:
        wid = find_window(env, gb, log)
        sizes = []

        def four_by_three():
            sizes.append(window_geometry(env, wid)[2:])
            return sizes[-1] == (640, 480)
        wait_until(four_by_three, f'-scale aspect: the window never became 640x480 for 720x400 text (last {sizes[-1:]})',
                   gb, log, interval=0.2)
        print('ok -scale aspect: 720x400 text in a 640x480 window')
    finally:
        gb.terminate()
        gb.wait(timeout=HANG_GUARD_S)


def read(path):
    return open(path, errors='replace').read() if os.path.exists(path) else ''


def run_window(env, gb, d, text, png, log):
    wid = find_window(env, gb, log)
    x(env, 'xdotool', 'windowfocus', '--sync', wid)

    # Escape once SeaBIOS offers the boot menu, pressed again until the menu
    # is shown: the offer lasts 2.5 s, and a loaded machine may drop an XTEST
    # event; a missed offer comes back when SeaBIOS retries the boot.
    def menu_open():
        seen = read(log)
        if 'Select boot device' in seen:
            return True
        if 'Press ESC for boot menu' in seen:
            x(env, 'xdotool', 'key', 'Escape')
        return False
    wait_until(menu_open, 'Escape never opened the SeaBIOS boot menu', gb, log, interval=0.2)
    print('ok SeaBIOS log: Escape opened the boot menu')

    # The banner row (16 scan lines of 9x16 glyphs) once it has ink and two
    # captures agree.
    previous = [None]

    def stable_banner():
        gx, gy, gw, gh = window_geometry(env, wid)
        row = crop(capture_screen(env), gx, gy, gw, 16)
        if len(set(row[i:i + 3] for i in range(0, len(row), 3))) > 1 and row == previous[0]:
            return (gx, gy, gw, gh), row
        previous[0] = row
        return None
    (gx, gy, gw, gh), banner = wait_until(stable_banner, 'the window never showed a stable first text row', gb, log,
                                          interval=0.2)
    print(f'ok window {wid}: {gw}x{gh} at {gx},{gy}, banner row captured')
    title = x(env, 'xdotool', 'getwindowname', wid).decode()
    if 'running' not in title or 'Ctrl+Alt+G' not in title:
        fail(f'window title {title!r}: expected the state and the grab hot key')
    print(f'ok title {title.strip()!r}')

    # Ctrl+Alt+S, pressed until glassbox says the PNG is written.
    def shot_written():
        if 'screenshot written to' in read(log):
            return True
        x(env, 'xdotool', 'key', 'ctrl+alt+s')
        return False
    wait_until(shot_written, 'Ctrl+Alt+S wrote no screenshot', gb, log, interval=2)
    shot = os.path.join(d, 'shot-0001.png')
    if quit_by_hotkey(env, gb) is None:
        fail('Ctrl+Alt+Q did not quit')
    err = read(log)
    if gb.returncode != 0 or 'quit after' not in err:
        fail(f'quit: exit {gb.returncode}, stderr {err[-2000:]!r}')
    print(f'ok Ctrl+Alt+Q: {err.strip().splitlines()[-1]}')
    screen_text = read(text)
    if not screen_text.startswith('SeaBIOS (version'):
        fail(f'text screen does not start with the SeaBIOS banner: {screen_text[:200]!r}')
    if 'Select boot device' not in screen_text:
        fail(f'Escape did not open the boot menu; screen:\n{screen_text}')
    print('ok keyboard: Escape opened the SeaBIOS boot menu')
    image = read_png(png)
    if image[0] != gw or image[1] != gh:
        fail(f'--screenshot is {image[0]}x{image[1]}, window {gw}x{gh}')
    if crop(image, 0, 0, gw, 16) != banner:
        fail('the window banner row differs from the rendered frame')
    print('ok the window shows the frame Glassbox rendered (banner row pixel-exact)')
    if not os.path.exists(shot) or read_png(shot)[:2] != (gw, gh):
        fail('Ctrl+Alt+S wrote no numbered screenshot of the screen size')
    print(f'ok Ctrl+Alt+S wrote {os.path.basename(shot)}')


if __name__ == '__main__':
    main()
