#!/usr/bin/env python3
"""Glassbox on a terminal, inside tmux: -display curses, -serial stdio, and
the headless status line.

Usage: terminal_tmux.py GLASSBOX TEXT_BOOT_SECTOR MODE13H_BOOT_SECTOR SERIAL_ECHO_BOOT_SECTOR

In a private tmux server (80x26 panes; capture-pane reads what a person
would see):
  - SeaBIOS with no disks: the banner appears; Escape typed during "Press ESC
    for boot menu" opens the boot menu (terminal byte -> set 2 -> 8042);
    the status line below the screen shows the state; Ctrl-A x quits, exit 0.
  - tests/boot/screen_text.asm: CP437 block glyphs DBh B2h B1h B0h appear as
    Unicode U+2588 U+2593 U+2592 U+2591; the CPU halts and the status line
    says so; Ctrl-A x quits.
  - tests/boot/screen_13h.asm (mode 13h): the one-line graphics notice.
  - -display none -serial stdio with tests/display/serial_echo.asm: typed
    text reaches COM1's receiver and the guest's echo (upper-cased) comes
    back; the terminal does not echo it itself; Ctrl-A x quits.
  - -display none on a terminal: the status line on stderr (instructions,
    MIPS, virtual time); with stderr not a terminal, no status line.
Exit 77 (skip) when this build has no ncursesw (cross builds).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

# A hang guard for each wait, never the expected path: every wait ends on
# what it waits for (text in the pane, a file written).
TIMEOUT_S = 240


def fail(msg, pane=''):
    print(f'FAIL {msg}')
    if pane:
        print('pane:\n' + pane)
    sys.exit(1)


class Tmux:
    made = 0

    def __init__(self, d):
        # A socket of its own per session: a server just killed on a reused
        # socket may still be exiting when the next one starts (seen under
        # sanitizer builds as "server exited unexpectedly").
        Tmux.made += 1
        self.sock = os.path.join(d, f'tmux-{Tmux.made}.sock')
        self.env = dict(os.environ, LANG='C.UTF-8', LC_ALL='C.UTF-8', TERM='xterm')

    def run(self, *args):
        return subprocess.run(['tmux', '-u', '-S', self.sock] + list(args), env=self.env,
                              capture_output=True, text=True, timeout=TIMEOUT_S)

    def start(self, command):
        r = self.run('new-session', '-d', '-x', '80', '-y', '26', command)
        if r.returncode != 0:
            fail(f'tmux new-session: {r.stderr}')

    def pane(self):
        return self.run('capture-pane', '-p').stdout

    def wait_for(self, text, what):
        deadline = time.monotonic() + TIMEOUT_S
        pane = ''
        while time.monotonic() < deadline:
            pane = self.pane()
            if text in pane:
                return pane
            time.sleep(0.2)
        fail(f'{what}: {text!r} never appeared', pane)

    def keys(self, *keys):
        self.run('send-keys', *keys)

    def kill(self):
        self.run('kill-server')


def exit_status(path):
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if os.path.exists(path) and open(path).read().strip():
            return int(open(path).read().strip())
        time.sleep(0.1)
    fail('glassbox did not exit')


def floppy(sector, path):
    boot = open(sector, 'rb').read()
    with open(path, 'wb') as f:
        f.write(boot + bytes(1474560 - len(boot)))


def main():
    glassbox, text_sector, m13_sector, echo_sector = [os.path.abspath(a) for a in sys.argv[1:5]]
    if not shutil.which('tmux'):
        print('SKIP: tmux not installed')
        sys.exit(1 if os.environ.get('CI') else 77)
    with tempfile.TemporaryDirectory(prefix='glassbox-curses-') as d:
        probe = subprocess.run(['tmux', '-S', os.path.join(d, 'probe.sock'), 'new-session', '-d', '-x', '80', '-y', '26',
                                f'{glassbox} -display curses -m 1 --insn-limit 1 2> {d}/probe.err; '
                                f'touch {d}/probe.done'],
                               capture_output=True, text=True, timeout=TIMEOUT_S)
        deadline = time.monotonic() + TIMEOUT_S
        while probe.returncode == 0 and not os.path.exists(f'{d}/probe.done') and time.monotonic() < deadline:
            time.sleep(0.1)
        subprocess.run(['tmux', '-S', os.path.join(d, 'probe.sock'), 'kill-server'], capture_output=True)
        if probe.returncode == 0 and 'this build has no ncursesw' in open(f'{d}/probe.err').read():
            print('SKIP: this build has no ncursesw')
            sys.exit(77)

        # SeaBIOS: banner, boot menu by Escape, status line, Ctrl-A x.
        t = Tmux(d)
        status = os.path.join(d, 'status')
        t.start(f'{glassbox} -display curses -m 32 2> {d}/err; echo $? > {status}; sleep 60')
        try:
            pane = t.wait_for('SeaBIOS (version', 'SeaBIOS banner')
            print('ok banner: ' + pane.splitlines()[0].strip())
            t.wait_for('Press ESC for boot menu', 'boot menu prompt')
            # Escape until the menu shows: the offer lasts 2.5 s, and a missed
            # one comes back when SeaBIOS retries the boot.
            deadline = time.monotonic() + TIMEOUT_S
            pane = t.pane()
            while 'Select boot device' not in pane and time.monotonic() < deadline:
                t.keys('Escape')
                time.sleep(0.2)
                pane = t.pane()
            pane = t.wait_for('Select boot device', 'boot menu after Escape')
            print('ok keyboard: Escape opened the boot menu')
            if '-- Glassbox: running' not in pane:
                fail('no status line under the guest screen', pane)
            print('ok status line')
            t.keys('C-a', 'x')
            if exit_status(status) != 0:
                fail(f'Ctrl-A x: exit status {open(status).read().strip()}, stderr {open(f"{d}/err").read()!r}')
            print('ok Ctrl-A x quit: ' + open(f'{d}/err').read().strip())
        finally:
            t.kill()

        # CP437 glyphs, and a halted CPU.
        img = os.path.join(d, 'text.img')
        floppy(text_sector, img)
        os.remove(status)
        t = Tmux(d)
        t.start(f'{glassbox} -display curses -m 32 -fda {img} -boot a 2> {d}/err; echo $? > {status}; sleep 60')
        try:
            pane = t.wait_for('Glassbox text mode:', 'the text test screen')
            if 'Glassbox text mode: \u2588\u2593\u2592\u2591 the quick brown fox' not in pane:
                fail('CP437 DBh B2h B1h B0h not shown as U+2588 U+2593 U+2592 U+2591', pane)
            print('ok CP437: ' + next(l for l in pane.splitlines() if 'text mode' in l).strip())
            t.wait_for('-- Glassbox: halted', 'the halted status')
            print('ok halted status')
            t.keys('C-a', 'x')
            if exit_status(status) != 0:
                fail('Ctrl-A x on a halted machine did not exit 0')
        finally:
            t.kill()

        # Mode 13h: the graphics notice.
        img = os.path.join(d, '13h.img')
        floppy(m13_sector, img)
        os.remove(status)
        t = Tmux(d)
        t.start(f'{glassbox} -display curses -m 32 -fda {img} -boot a 2> {d}/err; echo $? > {status}; sleep 60')
        try:
            pane = t.wait_for('graphics mode', 'the graphics-mode notice')
            print('ok graphics notice: ' + pane.splitlines()[0].strip())
            t.keys('C-a', 'x')
            exit_status(status)
        finally:
            t.kill()

        # -serial stdio: the terminal is COM1.
        img = os.path.join(d, 'echo.img')
        floppy(echo_sector, img)
        os.remove(status)
        t = Tmux(d)
        t.start(f'{glassbox} -display none -serial stdio -m 32 -fda {img} -boot a 2> {d}/err; echo $? > {status}; sleep 60')
        try:
            t.wait_for('ECHO READY', 'the serial guest banner')
            t.keys('-l', 'hello serial')
            pane = t.wait_for('HELLO SERIAL', 'the guest echo')
            if 'hello serial' in pane:
                fail('the terminal echoed the input itself (it should be raw)', pane)
            print('ok -serial stdio: typed "hello serial", the guest echoed "HELLO SERIAL"')
            t.keys('C-a', 'x')
            if exit_status(status) != 0:
                fail(f'Ctrl-A x on -serial stdio: exit {open(status).read().strip()}')
            print('ok Ctrl-A x on the serial console quit')
        finally:
            t.kill()

        # The headless status line: on a terminal's stderr, and only there.
        os.remove(status)
        t = Tmux(d)
        t.start(f'{glassbox} -display none -m 32; echo $? > {status}; sleep 60')
        try:
            pane = t.wait_for('MIPS, virtual time', 'the status line')
            print('ok status line: ' + next(l for l in pane.splitlines() if 'MIPS' in l).strip())
        finally:
            t.kill()
        # 2.5 s of a headless run with stderr a pipe, then SIGTERM: only the
        # final line.
        p = subprocess.Popen([glassbox, '-display', 'none', '-m', '32'], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2.5)
        p.terminate()
        _, err = p.communicate(timeout=60)
        if 'MIPS' in err or len(err.splitlines()) != 1 or 'stopped by a signal' not in err:
            fail(f'status line with stderr not a terminal: {err!r}')
        print('ok no status line when stderr is not a terminal')


if __name__ == '__main__':
    main()
