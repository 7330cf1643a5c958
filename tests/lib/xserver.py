"""A private Xvfb and the X11 tools the window tests drive it with (Debian
xvfb, x11-apps, x11-utils, xdotool)."""
import os
import shutil
import subprocess
import sys
import time

from images import read_xwd

TOOLS = ('Xvfb', 'xwd', 'xwininfo', 'xdotool')
# A hang guard for each wait, never the expected path (see wait_until).
HANG_GUARD_S = 240


def fail(msg):
    print(f'FAIL {msg}')
    sys.exit(1)


def require_tools_and_sdl(glassbox):
    """Exits 77 (skip; 1 under CI) without the X tools, 77 when this build
    has no SDL2 (cross builds)."""
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        print(f'SKIP: {", ".join(missing)} not installed (Debian xvfb, x11-apps, x11-utils, xdotool)')
        sys.exit(1 if os.environ.get('CI') else 77)
    probe = subprocess.run([glassbox, '-display', 'sdl', '--insn-limit', '1', '-m', '1'], env={'PATH': os.environ['PATH']},
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    if 'this build has no SDL2' in probe.stderr:
        print('SKIP: this build has no SDL2')
        sys.exit(77)


def start_xvfb(size='1024x768'):
    """Starts Xvfb on a free display; returns (process, ':N')."""
    r, w = os.pipe()
    # -noreset: by default the server resets when its last client leaves
    # (each xdotool or xwd run is a client), and a connection made during
    # the reset fails: glassbox then finds "no display" and runs headless,
    # which is how a busy machine once failed display-sdl.
    xvfb = subprocess.Popen(['Xvfb', '-displayfd', str(w), '-screen', '0', f'{size}x24', '-nolisten', 'tcp', '-noreset'],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r, 'rb') as f:
        number = f.readline().strip()
    if not number:
        xvfb.kill()
        fail('Xvfb did not start')
    return xvfb, ':' + number.decode()


def window_env(display):
    """The environment for glassbox on `display`. Under AddressSanitizer,
    SDL's X11 driver brings in system libraries (libdbus, Xlib modules it
    dlopens and unloads) whose allocations LeakSanitizer reports at exit;
    they are not Glassbox's (the unit tests leak-check the SDL display on
    SDL's dummy driver)."""
    env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER='x11')
    env['ASAN_OPTIONS'] = ':'.join(filter(None, [os.environ.get('ASAN_OPTIONS', ''), 'detect_leaks=0']))
    env.pop('WAYLAND_DISPLAY', None)
    return env


def x(env, *args):
    p = subprocess.run(list(args), env=env, capture_output=True, timeout=HANG_GUARD_S)
    if p.returncode != 0 and args[:2] != ('xdotool', 'search'):
        print(f'note: {" ".join(args)}: exit {p.returncode}: {p.stderr.decode(errors="replace").strip()}')
    return p.stdout


def window_geometry(env, wid):
    """(x, y, width, height) of window `wid` on the screen."""
    info = x(env, 'xwininfo', '-id', wid).decode()
    val = {}
    for line in info.splitlines():
        line = line.strip()
        for key in ('Absolute upper-left X', 'Absolute upper-left Y', 'Width', 'Height'):
            if line.startswith(key + ':'):
                val[key] = int(line.split(':')[1])
    return val['Absolute upper-left X'], val['Absolute upper-left Y'], val['Width'], val['Height']


def wait_until(check, what, proc=None, log=None, interval=0.1):
    """Polls check() until it returns a true value, and returns that value.
    Every wait in the window tests is on an event (a window mapped, a frame
    drawn, a line printed) and ends on it; HANG_GUARD_S only stops a test
    that would otherwise hang. Fails naming `what` (with glassbox's stderr
    from the file `log`) if `proc` exits first or the guard passes."""
    guard = time.monotonic() + HANG_GUARD_S
    while True:
        value = check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            fail(f'{what}: glassbox exited ({proc.returncode}) first{stderr_note(log)}')
        if time.monotonic() > guard:
            alive = '' if proc is None else f' (glassbox {"still running" if proc.poll() is None else "exited"})'
            fail(f'{what}: not within the {HANG_GUARD_S} s hang guard{alive}{stderr_note(log)}')
        time.sleep(interval)


def stderr_note(log):
    if not log or not os.path.exists(log):
        return ''
    return f'; stderr: {open(log, errors="replace").read()[-2000:]!r}'


def find_window(env, proc=None, stderr_path=None):
    """The id of the Glassbox window once it is mapped (shown). With `proc`,
    fails at once (with its exit status and stderr) if glassbox exits
    first."""
    def mapped():
        if stderr_path and 'no display available' in open(stderr_path, errors='replace').read():
            fail(f'glassbox could not open the X display{stderr_note(stderr_path)}')
        return x(env, 'xdotool', 'search', '--onlyvisible', '--name', '^Glassbox').split(b'\n')[0].strip().decode()
    return wait_until(mapped, 'no Glassbox window appeared', proc, stderr_path)


def quit_by_hotkey(env, proc):
    """Presses Ctrl+Alt+Q until glassbox exits (a loaded machine may drop an
    XTEST event): a press, then up to 6 s for the exit, within the hang
    guard. Returns the exit status, or None if it never exited. (Its output
    is the caller's to read: a file, or a reader of its own.)"""
    guard = time.monotonic() + HANG_GUARD_S
    while time.monotonic() < guard:
        x(env, 'xdotool', 'key', 'ctrl+alt+q')
        try:
            return proc.wait(timeout=6)
        except subprocess.TimeoutExpired:
            pass
    return None


def capture_screen(env):
    """The whole X screen (xwd), as read_xwd returns it; retried while the
    server is too busy to answer."""
    def grab():
        dump = x(env, 'xwd', '-root', '-silent')
        return dump if len(dump) > 100 else None
    return read_xwd(wait_until(grab, 'xwd captured nothing'))
