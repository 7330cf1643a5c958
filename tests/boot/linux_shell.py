#!/usr/bin/env python3
"""Linux's shells, typed at: the serial console, and the VGA console in the
SDL window.

Usage: linux_shell.py GLASSBOX GUESTS_DIR

Boots Debian's Linux 686 by -kernel with the busybox initramfs and no
guest=poweroff, so /init ends in an interactive shell on ttyS0 and one on
tty1 (the VGA text console), in a Glassbox window (-display sdl) on a
private Xvfb. Through -serial stdio (a pipe) it types `uname -m` (the answer
must be i686) and a command whose output is not its echo (`echo
GUEST-TYPED-$((6*7))` prints GUEST-TYPED-42), then reads /proc/interrupts:
ttyS0's IRQ 4 counted through the IO-APIC and local APIC timer interrupts
(LOC) counted. It captures the window (xwd) and has Glassbox write the frame
it rendered (Ctrl+Alt+S). Then SIGTERM ends the run; the VGA text screen
(--dump-text) must show the tty1 shell's prompt after GUEST-SHELL-READY, and
the window's row with BusyBox's banner must be the rendered frame's row,
pixel for pixel. Missing images or X tools skip (77) unless CI is set; a
build without SDL2 (cross builds) checks the text screen only.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from images import crop, read_png, read_xwd  # noqa: E402
from xserver import find_window, start_xvfb, wait_until, window_env, window_geometry, x  # noqa: E402

TIMEOUT_S = 900


def main():
    glassbox, guests = sys.argv[1:3]
    kernel = os.path.join(guests, 'linux', 'vmlinuz-686')
    initrd = os.path.join(guests, 'linux', 'initrd-i386.cpio.gz')
    for f in (kernel, initrd):
        if not os.path.exists(f):
            print(f'SKIP: {f} does not exist (scripts/guests makes it)')
            return 1 if os.environ.get('CI') else 77
    window = has_sdl(glassbox)
    xvfb, env = None, dict(os.environ)
    if window:
        missing = [t for t in ('Xvfb', 'xwd', 'xwininfo', 'xdotool') if not shutil.which(t)]
        if missing:
            print(f'SKIP: {", ".join(missing)} not installed (Debian xvfb, x11-apps, x11-utils, xdotool)')
            return 1 if os.environ.get('CI') else 77
        xvfb, display = start_xvfb()
        env = window_env(display)
    else:
        print('note: this build has no SDL2: the text screen only')
    try:
        with tempfile.TemporaryDirectory(prefix='glassbox-linux-shell-') as d:
            return run(glassbox, kernel, initrd, d, env if window else None)
    finally:
        if xvfb:
            xvfb.terminate()
            xvfb.wait()


def has_sdl(glassbox):
    probe = subprocess.run([glassbox, '-display', 'sdl', '--insn-limit', '1', '-m', '1'], env={'PATH': os.environ['PATH']},
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    return 'this build has no SDL2' not in probe.stderr


def run(glassbox, kernel, initrd, d, env):
    """One boot; `env` is the X environment for the window, or None."""
    screen = os.path.join(d, 'screen.txt')
    display = ['-display', 'sdl', '--screenshot-prefix', os.path.join(d, 'shot-')] if env else ['-display', 'none']
    p = subprocess.Popen([glassbox, *display, '-m', '256', '-kernel', kernel, '-initrd', initrd,
                          '-append', 'console=tty0 console=ttyS0,115200', '-serial', 'stdio', '-no-reboot',
                          '--dump-text', screen],
                         env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = bytearray()

    def reader():
        while True:
            b = p.stdout.read1(4096)
            if not b:
                return
            out.extend(b)
    t = threading.Thread(target=reader, daemon=True)
    t.start()

    def wait_for(pattern, what, after=0):
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline and p.poll() is None:
            m = re.compile(pattern).search(out.decode('latin-1'), after)
            if m:
                return m.end()
            time.sleep(0.2)
        p.kill()
        tail = out.decode('latin-1')[-3000:]
        sys.exit(f'FAIL {what}: /{pattern}/ never came on the serial console; last output:\n{tail}')

    problems = []
    try:
        at = wait_for(r'GUEST-SHELL-READY', 'the init script')
        at = wait_for(r'# ', 'the serial shell prompt', at)
        print('ok the serial shell prompt after GUEST-SHELL-READY')
        p.stdin.write(b'uname -m\n')
        p.stdin.flush()
        at = wait_for(r'uname -m\r?\n(\S+)\r?\n', 'uname -m', at)
        answer = re.compile(r'uname -m\r?\n(\S+)').search(out.decode('latin-1')).group(1)
        if answer != 'i686':
            problems.append(f'uname -m answered {answer!r}, expected i686')
        else:
            print('ok uname -m: i686')
        p.stdin.write(b'echo GUEST-TYPED-$((6*7))\n')
        p.stdin.flush()
        at = wait_for(r'\nGUEST-TYPED-42', 'the typed command\'s output', at)
        print('ok a typed command ran: GUEST-TYPED-42')
        # The APICs at work: the serial port's IRQ 4 through the I/O
        # APIC, and the local APIC timer's interrupts counted.
        p.stdin.write(b'cat /proc/interrupts; echo GUEST-IRQS-END\n')
        p.stdin.flush()
        end = wait_for(r'\nGUEST-IRQS-END', '/proc/interrupts', at)
        table = out.decode('latin-1')[at:end]
        serial_irq = re.search(r'(?m)^\s*4:\s+(\d+)\s+IO-APIC\s+4-edge\s+ttyS0', table)
        local_timer = re.search(r'(?m)^\s*LOC:\s+(\d+)\s+Local timer interrupts', table)
        if not serial_irq or int(serial_irq.group(1)) == 0:
            problems.append(f'/proc/interrupts shows no ttyS0 interrupts through the IO-APIC:\n{table}')
        elif not local_timer or int(local_timer.group(1)) == 0:
            problems.append(f'/proc/interrupts shows no local APIC timer interrupts:\n{table}')
        else:
            print(f'ok /proc/interrupts: ttyS0 {serial_irq.group(1)} through the IO-APIC, '
                  f'{local_timer.group(1)} local timer interrupts')
        # The tty1 shell's prompt on the VGA console, read back through the
        # console's screen device (/dev/vcs1: 80x25 characters, no newlines).
        p.stdin.write(b"[ -e /dev/vcs1 ] || mknod /dev/vcs1 c 7 1; "
                      b"until grep -q 'GUEST-SHELL-READY.*#' /dev/vcs1; do sleep 0.2; done; echo TTY1-PROMPT-SHOWN\n")
        p.stdin.flush()
        at = wait_for(r'\nTTY1-PROMPT-SHOWN', 'the tty1 prompt on the VGA console', at)
        print('ok the tty1 shell prompt is on the VGA console (/dev/vcs1)')
        if env:
            captured = capture_window(env, p, d)
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            _, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
    if p.returncode != 130:
        problems.append(f'after SIGTERM: exit {p.returncode}, stderr {err.decode(errors="replace")[-500:]!r}')
    text = open(screen, errors='replace').read() if os.path.exists(screen) else ''
    shown = text.find('GUEST-SHELL-READY')
    # The prompt ("guest# "; the text dump drops trailing blanks), maybe
    # with kernel messages after it on its line.
    if shown < 0 or not re.search(r'(?m)^[\w~/-]*#( |$)', text[shown:]):
        problems.append(f'the VGA console does not show the tty1 shell prompt after GUEST-SHELL-READY:\n{text}')
    else:
        print('ok the VGA console shows GUEST-SHELL-READY and the tty1 shell prompt')
    if env:
        problems += compare_window(text, *captured)
    for pr in problems:
        print('FAIL', pr)
    return 1 if problems else 0


def capture_window(env, p, d):
    """The window's pixels (two equal xwd captures, or the last of ten: the
    text cursor blinks) and the frame Glassbox rendered meanwhile
    (Ctrl+Alt+S, pressed until the PNG is there: a loaded machine may drop an
    XTEST event)."""
    wid = find_window(env, p)
    x(env, 'xdotool', 'windowfocus', '--sync', wid)
    geometry, screen, previous = None, None, None
    for _ in range(10):
        geometry = window_geometry(env, wid)
        dump = x(env, 'xwd', '-root', '-silent')
        if len(dump) > 100:
            screen = (geometry[2], geometry[3], crop(read_xwd(dump), *geometry))
            if screen == previous:
                break
            previous = screen
        time.sleep(0.5)
    shot = os.path.join(d, 'shot-0001.png')

    def written():
        try:
            return read_png(shot)  # whole once glassbox has closed it
        except (Exception, SystemExit):  # not there yet, or still being written
            x(env, 'xdotool', 'key', 'ctrl+alt+s')
            return None
    return geometry, screen, wait_until(written, 'Ctrl+Alt+S wrote no screenshot', p, interval=2)


def compare_window(text, geometry, window, shot):
    """Problems with the window against the rendered frame: its size, and
    the 16 scan lines of the text row holding BusyBox's banner (no cursor
    there, so both show it alike)."""
    if window is None or shot is None:
        return ['no stable window capture' if window is None else 'Ctrl+Alt+S wrote no screenshot']
    gw, gh = geometry[2:]
    if shot[:2] != (gw, gh):
        return [f'the window is {gw}x{gh}, the rendered frame {shot[0]}x{shot[1]}']
    rows = text.split('\n')
    banner = next((i for i, r in enumerate(rows) if r.startswith('BusyBox v')), None)
    if banner is None:
        return ['the text screen has no BusyBox banner row']
    width = gw  # 720x400 text at scale 1: 16 scan lines per row
    if crop(window, 0, banner * 16, width, 16) != crop(shot, 0, banner * 16, width, 16):
        return [f'the window row {banner} (BusyBox banner) differs from the frame Glassbox rendered']
    print(f'ok the SDL window shows the VGA console: row {banner} (BusyBox banner) pixel-exact, {gw}x{gh}')
    return []


if __name__ == '__main__':
    sys.exit(main())
