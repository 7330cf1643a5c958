"""Patterns expected in order in a test's captured output."""
import re


def expect_in_order(out, expect, label=''):
    """Searches OUT for each (PATTERN, WHAT) of EXPECT, each after the end of
    the previous match; prints 'ok LABELWHAT' for a match and returns one
    problem line per pattern not found."""
    problems = []
    pos = 0
    for pattern, what in expect:
        m = re.compile(pattern).search(out, pos)
        if not m:
            problems.append(f'{label}{what}: /{pattern}/ not found after offset {pos}')
        else:
            print(f'ok {label}{what}')
            pos = m.end()
    return problems
