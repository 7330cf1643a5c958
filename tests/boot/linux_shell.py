#!/usr/bin/env python3
"""Linux's shells, typed at: the serial console and the VGA console.

Usage: linux_shell.py GLASSBOX GUESTS_DIR

Boots Debian's Linux 686 by -kernel with the busybox initramfs and no
guest=poweroff, so /init ends in an interactive shell on ttyS0 and one on
tty1 (the VGA text console). Through -serial stdio (a pipe) it types
`uname -m` (the answer must be i686) and a command whose output is not its
echo (`echo GUEST-TYPED-$((6*7))` prints GUEST-TYPED-42), then reads
/proc/interrupts: ttyS0's IRQ 4 counted through the IO-APIC and local APIC
timer interrupts (LOC) counted. Then SIGTERM ends
the run, and the VGA text screen (--dump-text) must show the tty1 shell's
prompt after GUEST-SHELL-READY. Missing images skip (77) unless CI is set.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT_S = 900


def main():
    glassbox, guests = sys.argv[1:3]
    kernel = os.path.join(guests, 'linux', 'vmlinuz-686')
    initrd = os.path.join(guests, 'linux', 'initrd-i386.cpio.gz')
    for f in (kernel, initrd):
        if not os.path.exists(f):
            print(f'SKIP: {f} does not exist (scripts/guests makes it)')
            return 1 if os.environ.get('CI') else 77
    with tempfile.TemporaryDirectory(prefix='glassbox-linux-shell-') as d:
        screen = os.path.join(d, 'screen.txt')
        p = subprocess.Popen([glassbox, '-display', 'none', '-m', '256', '-kernel', kernel, '-initrd', initrd,
                              '-append', 'console=tty0 console=ttyS0,115200', '-serial', 'stdio', '-no-reboot',
                              '--dump-text', screen],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
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
            time.sleep(2)  # the tty1 shell's prompt reaches the screen
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
        for pr in problems:
            print('FAIL', pr)
        return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
