#!/usr/bin/env python3
"""Virtual time follows the instruction count by default and the host clock
under -rtc clock=host.

Usage: clock.py GLASSBOX

SeaBIOS with no boot device prints "No bootable device.  Retrying in 60
seconds." and waits 60 s on its timer tick (IRQ 0, sleeping in HLT) before
"Rebooting.". With the default clock the 60 s are virtual: a HLT skips to the
next timer event, so the reboot comes within a few host seconds. With
-rtc clock=host they are host seconds: after 6 s there must be no reboot yet.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time


def run(glassbox, extra, seconds, d, name):
    # A log file of its own per run: a slow start (a sanitizer build on a
    # busy machine) must not let this run read the previous run's
    # "Rebooting." before glassbox has truncated the file.
    log = os.path.join(d, name)
    cmd = os.environ.get('GB_EXE_WRAPPER', '').split() + [
        glassbox, '-display', 'none', '--vga-bios', 'none', '-debugcon', 'file:' + log] + extra
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.monotonic()
    text = ''
    while time.monotonic() - start < seconds and proc.poll() is None:
        time.sleep(0.2)
        try:
            with open(log, 'rb') as f:
                text = f.read().decode('latin-1')
        except FileNotFoundError:
            pass
        if 'Rebooting.' in text:
            break
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    with open(log, 'rb') as f:
        return f.read().decode('latin-1'), time.monotonic() - start


def main(argv):
    if len(argv) != 2:
        print(f'usage: {argv[0]} GLASSBOX')
        return 2
    if not os.path.exists('/usr/share/seabios/bios-256k.bin'):
        print('SKIP: SeaBIOS (Debian seabios) is not installed')
        return 1 if os.environ.get('CI') else 77
    ok = True
    with tempfile.TemporaryDirectory(prefix='glassbox-clock-') as d:
        text, t = run(argv[1], [], 120, d, 'fw-vm.txt')
        vm_ok = 'Retrying in 60 seconds' in text and 'Rebooting.' in text
        print(('ok  ' if vm_ok else 'FAIL') + f' virtual clock: 60 guest seconds of waiting passed in {t:.1f} host s')
        ok &= vm_ok
        text, t = run(argv[1], ['-rtc', 'clock=host'], 6, d, 'fw-host.txt')
        host_ok = 'Retrying in 60 seconds' in text and 'Rebooting.' not in text
        print(('ok  ' if host_ok else 'FAIL') + f' host clock: still waiting after {t:.1f} host s')
        ok &= host_ok
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
