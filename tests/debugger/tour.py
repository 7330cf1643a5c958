#!/usr/bin/env python3
"""docs/tour.md stays true: its ```gb blocks are run, in order, as one
debugger batch on the demo disk, and every line of its ```text blocks must
appear in the output (in order; a line may be an excerpt of an output line).
No command may answer with an error.

Usage: tour.py GLASSBOX DEMO_DISK_IMAGE TOUR_MD
"""
import os
import re
import subprocess
import sys
import tempfile


def blocks(md, lang):
    return re.findall(r'```' + lang + r'\n(.*?)```', md, re.S)


def main():
    glassbox, image, tour = sys.argv[1:4]
    md = open(tour).read()
    commands = [l for b in blocks(md, 'gb') for l in b.splitlines() if l.strip()]
    expected = [l.strip() for b in blocks(md, 'text') for l in b.splitlines() if l.strip()]
    wrapper = os.environ.get('GB_EXE_WRAPPER', '').split()
    with tempfile.TemporaryDirectory(prefix='glassbox-tour-') as d:
        cmds = os.path.join(d, 'tour.txt')
        with open(cmds, 'w') as f:
            f.write('\n'.join(commands) + '\n')
        p = subprocess.run(wrapper + [glassbox, '-display', 'none', '-hda', image, '-snapshot', '--debugger-commands', cmds],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=240)
    out = p.stdout
    problems = []
    if 'error:' in out:
        problems.append('a command failed: ' + next(l for l in out.splitlines() if 'error:' in l))
    pos = 0
    for line in expected:
        at = out.find(line, pos)
        if at < 0:
            problems.append(f'not in the output (after the previous line): {line!r}')
        else:
            pos = at + len(line)
    if p.returncode != 0:
        problems.append(f'exit status {p.returncode}: {p.stderr.strip()}')
    for pr in problems:
        print(f'FAIL {pr}')
    if problems:
        print('output:\n' + out)
        return 1
    print(f'ok the tour: {len(commands)} commands, {len(expected)} output lines as the tour shows them')
    return 0


if __name__ == '__main__':
    sys.exit(main())
