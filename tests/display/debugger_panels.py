#!/usr/bin/env python3
"""The SDL debugger panels under Xvfb, from a screenshot of the window.

Usage: debugger_panels.py GLASSBOX DEMO_DISK_IMAGE

glassbox -display sdl --debugger-panels boots the demo disk, stopped before
the first instruction. The X screen is captured (xwd) and:
  - the window has grown by the panel column (560 pixels) beside the guest
    screen;
  - the Registers panel (the column's second panel, below Control) has its
    title bar and white value text, and nothing highlighted at the first
    stop;
  - a click on the Step button runs one instruction (stdout echoes
    "(gb) step"); now the Registers panel shows one highlighted row (the
    amber of a changed value): the far jump at the reset vector changed
    EIP and nothing else;
  - a click on Continue runs the demo to its halt, which appears in the
    guest screen beside the panels;
  - Ctrl+Alt+D hides the panels (the window shrinks back to the guest
    screen), Ctrl+Alt+Q quits with exit status 0.
Every step waits on its event (the window's size, a panel's pixels, the
echoed command); xserver.HANG_GUARD_S only stops a hang.
Exit 77 (skip) without the X tools or SDL2 (cross builds).
"""
import os
import queue
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from xserver import (capture_screen, fail, find_window, quit_by_hotkey, require_tools_and_sdl,  # noqa: E402
                     start_xvfb, wait_until, window_env, window_geometry, x)

COLUMN = 560                     # kPanelColumnWidth
REGISTERS_Y = (92, 242)          # the Registers panel: below Control (92 px high), 150 px high
TITLE_H = 19                     # ImGui title bar: 13 px font + 2 x 3 px frame padding
WHITE = (255, 255, 255)          # ImGui's default text colour
AMBER = (255, 209, 64)           # kChanged: 1.0, 0.82, 0.25
TITLE_COLOURS = {(10, 10, 10), (41, 74, 122)}  # ImGui dark style TitleBg / TitleBgActive


def pixels(screen, x0, y0, x1, y1):
    w, _, rgb = screen
    for yy in range(y0, y1):
        row = rgb[3 * (yy * w + x0):3 * (yy * w + x1)]
        for i in range(0, len(row), 3):
            yield x0 + i // 3, yy, (row[i], row[i + 1], row[i + 2])


def wait_geometry(env, wid, pred, what, gb, log):
    seen = []

    def matches():
        seen.append(window_geometry(env, wid))
        return seen[-1] if pred(seen[-1]) else None
    return wait_until(matches, f'{what}: window geometry {seen[-1:]}', gb, log, interval=0.2)


def registers_region(g):
    gx, gy, gw, _ = g
    return gx + gw - COLUMN, gy + REGISTERS_Y[0], gx + gw, gy + REGISTERS_Y[1]


def amber_rows(screen, g):
    return sorted({yy for _, yy, c in pixels(screen, *registers_region(g)) if c == AMBER})


def click(env, gx, gy):
    # --sync: the pointer is there (the X server has moved it) before the
    # button goes down.
    x(env, 'xdotool', 'mousemove', '--sync', str(gx), str(gy))
    x(env, 'xdotool', 'click', '1')


class Lines:
    """glassbox's stdout, read by a thread so a wait can give up."""

    def __init__(self, stream):
        self.q, self.seen = queue.Queue(), []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.q.put(line)

    def wait_for(self, text, gb, log):
        def arrived():
            while not self.q.empty():
                self.seen.append(self.q.get())
                if text in self.seen[-1]:
                    return True
            return False
        wait_until(arrived, f'stdout never showed {text!r}: {"".join(self.seen)[-2000:]!r}', gb, log)


def main():
    glassbox, image = sys.argv[1:3]
    require_tools_and_sdl(glassbox)
    xvfb, display = start_xvfb('1400x1000')
    env = window_env(display)
    with tempfile.TemporaryDirectory(prefix='glassbox-panels-') as d:
        log = os.path.join(d, 'stderr.txt')
        with open(log, 'wb') as err:
            gb = subprocess.Popen([glassbox, '-display', 'sdl', '--debugger-panels', '-hda', image, '-snapshot'],
                                  env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, text=True)
        try:
            run(env, gb, log)
        finally:
            if gb.poll() is None:
                gb.kill()
                gb.wait()
            xvfb.terminate()
            xvfb.wait()


def run(env, gb, log):
    out = Lines(gb.stdout)
    wid = find_window(env, gb, log)
    g = wait_geometry(env, wid, lambda g: g[2] >= COLUMN + 640 and g[3] >= 900,
                      'the panels did not open beside the screen', gb, log)
    print(f'ok window {g[2]}x{g[3]}: the guest screen and the {COLUMN}-pixel panel column')
    # The first frame with the panels drawn: the Registers title bar. The
    # geometry is read again on every poll: opening the panels resizes the
    # window and then centres it (two X requests), so the size can be final
    # while the position is not yet.
    found = {}

    def title_bar():
        gg = window_geometry(env, wid)
        if gg[0] < 0 or gg[1] < 0:
            return None
        rx0, ry0, rx1, _ = registers_region(gg)
        screen = capture_screen(env)
        if rx1 > screen[0] or gg[1] + gg[3] > screen[1]:
            return None  # not yet moved fully onto the screen
        bar = [c for _, _, c in pixels(screen, rx0 + 2, ry0 + TITLE_H // 2, rx1 - 2, ry0 + TITLE_H // 2 + 1)]
        if sum(c in TITLE_COLOURS for c in bar) > 0.9 * len(bar):
            found['g'] = gg
            return screen
        return None
    screen = wait_until(title_bar, 'no Registers panel title bar below the Control panel', gb, log, interval=0.2)
    g = found['g']
    white = sum(c == WHITE for _, _, c in pixels(screen, *registers_region(g)))
    if white < 300:
        fail(f'the Registers panel has only {white} text pixels')
    if amber_rows(screen, g):
        fail('registers highlighted at the first stop (nothing has changed yet)')
    print(f'ok the Registers panel: title bar, {white} text pixels, nothing highlighted at the first stop')

    # Step: ImGui's Step button is the Control panel's first item.
    x0 = g[0] + g[2] - COLUMN
    click(env, x0 + 26, g[1] + 36)
    out.wait_for('(gb) step', gb, log)
    rows = wait_until(lambda: amber_rows(capture_screen(env), g), 'after Step: no register highlighted', gb, log,
                      interval=0.2)
    if rows[-1] - rows[0] > 13:
        fail(f'after Step: highlighted pixel rows {rows[:3]}..{rows[-3:]}: expected one register row (EIP)')
    print(f'ok Step ran one instruction; one register row highlighted (y {rows[0]}-{rows[-1]}: EIP after the far jump)')

    # Continue: the demo runs to its halt; its text appears left of the panels
    # (the window widens to the 720x400 text mode and may move).
    click(env, x0 + 128, g[1] + 36)
    out.wait_for('(gb) continue', gb, log)

    def lit():
        g = window_geometry(env, wid)
        screen = capture_screen(env)
        ink = sum(c != (0, 0, 0) for _, _, c in pixels(screen, g[0], g[1], g[0] + 720, g[1] + 400))
        return ink if ink > 2000 else None
    ink = wait_until(lit, 'after Continue the guest screen stayed black', gb, log, interval=0.3)
    print(f'ok Continue: the demo ran; the guest screen beside the panels has {ink} lit pixels')

    x(env, 'xdotool', 'key', 'ctrl+alt+d')
    g2 = wait_geometry(env, wid, lambda g: g[2] == 720 and g[3] == 400, 'Ctrl+Alt+D did not hide the panels', gb, log)
    print(f'ok Ctrl+Alt+D hid the panels: window {g2[2]}x{g2[3]}')
    status = quit_by_hotkey(env, gb)
    err = open(log, errors='replace').read()
    if status != 0 or 'quit after' not in err:
        fail(f'Ctrl+Alt+Q: exit {status}, stderr {err!r}')
    print('ok Ctrl+Alt+Q quit')


if __name__ == '__main__':
    main()
