#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make-corpus-vioctl.py - seed corpus for tests/fuzz/fuzz_vioctl.c

A seed is a command name (the protocol's "cmd"), a newline and the JSON of
a reply's "result". The results are real: those the switch gave the
requests of the ctl seeds, read from fuzz_ctl's verbose replay on stdin:

    FUZZ_VERBOSE=1 tests/fuzz/run.sh replay ctl 2>&1 |
        /usr/bin/python3 tests/fuzz/make-corpus-vioctl.py

Per command it keeps the two longest distinct results, and adds broken
variants of each: a member of the wrong type, a list where an object
goes, an empty list, and null.
Run from the repository root; writes tests/fuzz/corpus-vioctl/.
"""
import json
import os
import sys

OUT = 'tests/fuzz/corpus-vioctl'


def results(lines):
    """cmd -> distinct results of ok replies, longest first."""
    out = {}
    for req_line, rep_line in zip(lines, lines[1:]):
        if not req_line.startswith('> ') or not rep_line.startswith('< '):
            continue
        try:
            req = json.loads(req_line[2:])
            rep = json.loads(rep_line[2:])
        except ValueError:
            continue
        if not isinstance(req, dict) or not rep.get('ok'):
            continue
        text = json.dumps(rep['result'], separators=(',', ':'),
                          ensure_ascii=False)
        out.setdefault(req.get('cmd'), set()).add(text)
    return {k: sorted(v, key=len, reverse=True) for k, v in out.items()}


def broken(result):
    """Variants of a result a printer must refuse whole."""
    v = json.loads(result)
    item = v[0] if isinstance(v, list) and v else v
    out = ['null', '[]', '{}', '"x"']
    if isinstance(item, dict) and item:
        key = sorted(item)[len(item) // 2]
        for bad in ('"x"', '-1', '{}', 'null', '1e300'):
            w = dict(item)
            w[key] = json.loads(bad)
            out.append(json.dumps([item, w] if isinstance(v, list) else w))
    return out


def main():
    """Write the seeds."""
    lines = sys.stdin.buffer.read().decode('utf-8', 'replace').split('\n')
    os.makedirs(OUT, exist_ok=True)
    n = 0
    for cmd, texts in sorted(results(lines).items()):
        for i, text in enumerate(texts[:2]):
            with open(os.path.join(OUT, '%s-%d' % (cmd, i)), 'w',
                      encoding='utf-8') as f:
                f.write(cmd + '\n' + text)
            n += 1
        for i, text in enumerate(broken(texts[0])):
            with open(os.path.join(OUT, '%s-bad-%d' % (cmd, i)), 'w',
                      encoding='utf-8') as f:
                f.write(cmd + '\n' + text)
            n += 1
    print('%d seeds in %s' % (n, OUT))


if __name__ == '__main__':
    main()
