#!/usr/bin/env python3
"""-display sdl under Xvfb: the window shows the guest and takes its keys.

Usage: sdl_window.py GLASSBOX

Starts a private Xvfb, boots SeaBIOS with no disks in a Glassbox window and:
  - captures the X screen (xwd) until the window shows the VGA BIOS banner
    line, and checks those window pixels against Glassbox's own rendering
    (--screenshot at the end: the same pixels, at integer scale 1x);
  - checks the title (state, mouse-grab hot key);
  - presses Escape through XTEST (xdotool) during SeaBIOS's "Press ESC for
    boot menu" and checks the boot menu appeared (keyboard: SDL scancode ->
    set 2 -> the 8042 -> SeaBIOS);
  - Ctrl+Alt+S writes a numbered PNG; Ctrl+Alt+Q quits with exit status 0.
Also: -display sdl without any display falls back to none with one notice.
Exit 77 (skip) when this build has no SDL2 (cross builds).
"""
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from images import crop, read_png, read_xwd  # noqa: E402
from xserver import (fail, find_window, quit_by_hotkey, require_tools_and_sdl, start_xvfb,  # noqa: E402
                     window_env, window_geometry, x)

TIMEOUT_S = 90


def fallback_case(glassbox):
    env = {k: v for k, v in os.environ.items() if k not in ('DISPLAY', 'WAYLAND_DISPLAY')}
    env['SDL_VIDEODRIVER'] = 'x11'
    p = subprocess.run([glassbox, '-display', 'sdl', '-m', '16', '--insn-limit', '1000'], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
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
            gb = subprocess.Popen([glassbox, '-display', 'sdl', '-m', '32', '--dump-text', text, '--screenshot', png,
                                   '--screenshot-prefix', os.path.join(d, 'shot-')],
                                  env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                run_window(env, gb, d, text, png)
            finally:
                if gb.poll() is None:
                    gb.kill()
                    gb.wait()
            aspect_case(glassbox, env)
    finally:
        xvfb.terminate()
        xvfb.wait()


def aspect_case(glassbox, env):
    """-scale aspect: a VGA text mode opens a 4:3 window (640x480)."""
    err = tempfile.NamedTemporaryFile(prefix='glassbox-aspect-', suffix='.err', delete=False)
    gb = subprocess.Popen([glassbox, '-display', 'sdl', '-scale', 'aspect', '-m', '32'], env=env,
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + TIMEOUT_S
        wid = find_window(env, deadline, gb, err.name)
        size = None
        while time.monotonic() < deadline:
            size = window_geometry(env, wid)[2:]
            if size == (640, 480):
                break
            time.sleep(0.2)
        if size != (640, 480):
            fail(f'-scale aspect: window {size}, expected 640x480 for 720x400 text')
        print('ok -scale aspect: 720x400 text in a 640x480 window')
    finally:
        gb.terminate()
        gb.wait(timeout=30)
        err.close()
        os.unlink(err.name)


def run_window(env, gb, d, text, png):
    deadline = time.monotonic() + TIMEOUT_S
    wid = find_window(env, deadline)
    # Escape, pressed from the start and for 20 s: SeaBIOS's "Press ESC for
    # boot menu" comes soon after the banner and waits only 2.5 s, and the
    # screen captures below are slow on a loaded machine.
    x(env, 'xdotool', 'windowfocus', '--sync', wid)

    def press_escape():
        for _ in range(100):
            x(env, 'xdotool', 'key', 'Escape')
            time.sleep(0.2)
    presser = threading.Thread(target=press_escape)
    presser.start()
    # The banner row (16 scan lines of 9x16 glyphs) once it has ink and two
    # captures agree.
    banner, previous = None, None
    while time.monotonic() < deadline:
        gx, gy, gw, gh = window_geometry(env, wid)
        dump = x(env, 'xwd', '-root', '-silent')
        if len(dump) < 100:  # the server was busy; try again
            time.sleep(0.2)
            continue
        screen = read_xwd(dump)
        row = crop(screen, gx, gy, gw, 16)
        if len(set(row[i:i + 3] for i in range(0, len(row), 3))) > 1 and row == previous:
            banner = row
            break
        previous = row
        time.sleep(0.2)
    if banner is None:
        fail('the window never showed a stable first text row')
    print(f'ok window {wid}: {gw}x{gh} at {gx},{gy}, banner row captured')
    title = x(env, 'xdotool', 'getwindowname', wid).decode()
    if 'running' not in title or 'Ctrl+Alt+G' not in title:
        fail(f'window title {title!r}: expected the state and the grab hot key')
    print(f'ok title {title.strip()!r}')
    presser.join()
    x(env, 'xdotool', 'key', 'ctrl+alt+s')
    shot = os.path.join(d, 'shot-0001.png')
    for _ in range(50):
        if os.path.exists(shot):
            break
        time.sleep(0.1)
    time.sleep(0.5)
    out, err = quit_by_hotkey(env, gb)
    if err is None:
        fail('Ctrl+Alt+Q did not quit')
    err = err.decode(errors='replace')
    if gb.returncode != 0 or 'quit after' not in err:
        fail(f'quit: exit {gb.returncode}, stderr {err!r}')
    print(f'ok Ctrl+Alt+Q: {err.strip().splitlines()[-1]}')
    screen_text = open(text, errors='replace').read()
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
