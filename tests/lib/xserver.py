"""A private Xvfb and the X11 tools the window tests drive it with (Debian
xvfb, x11-apps, x11-utils, xdotool)."""
import os
import shutil
import subprocess
import sys
import time

TOOLS = ('Xvfb', 'xwd', 'xwininfo', 'xdotool')


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
    xvfb = subprocess.Popen(['Xvfb', '-displayfd', str(w), '-screen', '0', f'{size}x24', '-nolisten', 'tcp'],
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
    p = subprocess.run(list(args), env=env, capture_output=True, timeout=30)
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


def find_window(env, deadline, proc=None, stderr_path=None):
    """The id of the Glassbox window once it appears. With `proc`, fails at
    once (with its exit status and stderr) if glassbox exits first."""
    while time.monotonic() < deadline:
        wid = x(env, 'xdotool', 'search', '--name', '^Glassbox').split(b'\n')[0].strip()
        if wid:
            return wid.decode()
        if proc is not None and proc.poll() is not None:
            err = open(stderr_path, errors='replace').read() if stderr_path else ''
            fail(f'glassbox exited ({proc.returncode}) before its window appeared: {err!r}')
        time.sleep(0.1)
    alive = '' if proc is None else f' (glassbox {"still running" if proc.poll() is None else "exited"})'
    fail('no Glassbox window appeared' + alive)


def quit_by_hotkey(env, proc):
    """Presses Ctrl+Alt+Q until glassbox exits (a loaded machine may drop an
    XTEST event), at most 5 times 6 s; returns (stdout, stderr) as given by
    communicate(), or (None, None) if it never exited."""
    for _ in range(5):
        x(env, 'xdotool', 'key', 'ctrl+alt+q')
        try:
            return proc.communicate(timeout=6)
        except subprocess.TimeoutExpired:
            pass
    return None, None
