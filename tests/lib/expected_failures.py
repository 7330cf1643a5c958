"""The expected-failures lists of the guest and boot tests.

A test named in its directory's expected_failures.txt must fail: its
failure passes the test and its passing fails it, so the list only shrinks.
Format: one `NAME REASON...` per line; '#' starts a comment.
"""
import os


def read(directory):
    """NAME -> REASON from DIRECTORY/expected_failures.txt."""
    names = {}
    with open(os.path.join(directory, 'expected_failures.txt')) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                name, _, why = line.partition(' ')
                names[name] = why.strip()
    return names


def judge(name, rc, expected):
    """The exit status of test NAME that exited RC: RC unless NAME is listed
    in EXPECTED, where a pass (0) fails (1) and a failure passes (0)."""
    if name not in expected:
        return rc
    if rc == 0:
        print(f'FAIL: {name} passes but is listed in expected_failures.txt ({expected[name]}): remove it')
        return 1
    print(f'PASS (expected failure): {name}: {expected[name]}')
    return 0
