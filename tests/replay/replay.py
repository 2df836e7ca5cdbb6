#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""replay.py - the JSON side of the replay harness: settle and check

  replay.py settle [--pid PID] [--timeout S] [--stable S] -- VIOCTL...
      Poll `VIOCTL port list` and `VIOCTL stats` (VIOCTL: the vioctl
      command with --ctl and --json) every 0.1 s until every port with an
      rx file reports rx_done, the sum of `written` over all ports equals
      the sum of `tx_packets`, and neither sum nor any rx_packets changed
      for --stable seconds (default 0.3). Exit 1 after --timeout seconds
      (default 20), or as soon as process PID is gone.

  replay.py check CHECKS STATS_JSON PORT_LIST_JSON
      Assert a case's `checks` file against saved `vioctl --json stats` and
      `vioctl --json port list` output; see tests/replay/README.md. Prints
      every mismatch, the first one first; exit 1 if any.
"""

import json
import subprocess
import sys
import time

INGRESS_DROPS = ['runt', 'truncated', 'vlan', 'bad_src', 'filtered']
IMPLICIT_ZERO = ('drops', 'fdb')


class CheckError(Exception):
    """CheckError - the switch's output cannot be used"""


def unwrap(doc, what):
    """unwrap() - the result list of a vioctl reply (bare or wrapped)"""
    if isinstance(doc, dict) and 'ok' in doc:
        if not doc['ok']:
            raise CheckError('%s: error reply: %s'
                             % (what, doc.get('error')))
        doc = doc.get('result')
    if not isinstance(doc, list):
        raise CheckError('%s: expected a list of port objects' % what)
    return {obj['id']: obj for obj in doc}


def vioctl(cmd, args):
    """vioctl() - run one vioctl command; Return: {port id: object}"""
    what = ' '.join(args)
    try:
        out = subprocess.run(cmd + args, capture_output=True, text=True,
                             timeout=5, check=True).stdout
    except subprocess.CalledProcessError as e:
        raise CheckError('vioctl %s: status %d: %s'
                         % (what, e.returncode, e.stderr.strip()))
    except subprocess.TimeoutExpired:
        raise CheckError('vioctl %s: no answer in 5 s' % what)
    try:
        return unwrap(json.loads(out), 'vioctl ' + what)
    except ValueError as e:
        raise CheckError('vioctl %s: bad JSON: %s' % (what, e))


def pid_alive(pid):
    """pid_alive() - is process @pid running and not a zombie?"""
    try:
        with open('/proc/%d/stat' % pid) as f:
            stat = f.read()
    except OSError:
        return False
    return stat.rsplit(')', 1)[1].split()[0] != 'Z'


def replay_state(cmd):
    """replay_state() - (pending rx ports, written sum, tx sum, rx sums)"""
    ports = vioctl(cmd, ['port', 'list'])
    stats = vioctl(cmd, ['stats'])
    pending = sorted(i for i, p in ports.items()
                     if p.get('rx') and not p.get('rx_done'))
    written = sum(p.get('written', 0) for p in ports.values())
    tx = sum(s.get('tx_packets', 0) for s in stats.values())
    rx = tuple(sorted((i, s.get('rx_packets', 0))
                      for i, s in stats.items()))
    return pending, written, tx, rx


def settle(argv):
    """settle() - wait until the replay is over; Return: exit status"""
    opts = {'--pid': None, '--timeout': '20', '--stable': '0.3'}
    while argv and argv[0] != '--':
        if argv[0] not in opts or len(argv) < 2:
            sys.exit('replay.py settle: bad option %s' % argv[0])
        opts[argv[0]] = argv[1]
        argv = argv[2:]
    cmd = argv[1:]
    if not cmd:
        sys.exit('replay.py settle: no vioctl command after --')
    pid = int(opts['--pid']) if opts['--pid'] else None
    deadline = time.monotonic() + float(opts['--timeout'])
    stable = float(opts['--stable'])
    last, since, why = None, 0.0, 'no answer yet'
    while True:
        if pid is not None and not pid_alive(pid):
            print('vioswitch exited while replaying (%s)' % why)
            return 1
        try:
            pending, written, tx, rx = replay_state(cmd)
        except CheckError as e:
            pending, written, tx, rx, why = None, 0, 0, (), str(e)
        now = time.monotonic()
        if pending == [] and written == tx:
            state = (written, tx, rx)
            if state != last:
                last, since = state, now
            elif now - since >= stable:
                return 0
        else:
            last = None
            if pending is not None:
                why = ('rx not done on %s; ' % ', '.join(pending)
                       if pending else '') + \
                    'written %d, tx_packets %d' % (written, tx)
        if now >= deadline:
            print('replay did not settle in %s s: %s'
                  % (opts['--timeout'], why))
            return 1
        time.sleep(0.1)


def lookup(obj, path):
    """lookup() - the value at a dotted @path in @obj, or KeyError"""
    for key in path.split('.'):
        if not isinstance(obj, dict) or key not in obj:
            raise KeyError(path)
        obj = obj[key]
    return obj


def same(actual, expected):
    """same() - does JSON value @actual match the checks text @expected?"""
    if isinstance(actual, bool):
        return expected == ('true' if actual else 'false')
    if isinstance(actual, (int, float)):
        try:
            return actual == int(expected)
        except ValueError:
            return False
    if actual is None:
        return expected == 'null'
    return str(actual) == expected


def parse_checks(path):
    """parse_checks() - (line number, port, key, value) of a checks file"""
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            words = line.split()
            if len(words) != 3:
                raise CheckError('%s:%d: expected PORT KEY VALUE'
                                 % (path, n))
            out.append((n, *words))
    return out


def check(argv):
    """check() - assert a checks file; Return: exit status"""
    if len(argv) != 3:
        sys.exit('usage: replay.py check CHECKS STATS_JSON PORT_LIST_JSON')
    try:
        checks = parse_checks(argv[0])
        with open(argv[1]) as f:
            stats = unwrap(json.load(f), 'stats')
        with open(argv[2]) as f:
            ports = unwrap(json.load(f), 'port list')
    except (OSError, ValueError, CheckError) as e:
        print('checks: %s' % e)
        return 1
    errors, listed = [], set()
    for n, port, key, value in checks:
        listed.add((port, key))
        if port not in stats or port not in ports:
            errors.append('line %d: no port %s in the switch' % (n, port))
            continue
        try:
            actual = lookup(stats[port], key)
        except KeyError:
            try:
                actual = lookup(ports[port], key)
            except KeyError:
                errors.append('%s %s: missing (expected %s)'
                              % (port, key, value))
                continue
        if not same(actual, value):
            errors.append('%s %s is %s, expected %s'
                          % (port, key, json.dumps(actual), value))
    for port in sorted({c[1] for c in checks} & set(stats)):
        s = stats[port]
        for group in IMPLICIT_ZERO:
            for name, count in sorted(s.get(group, {}).items()):
                key = '%s.%s' % (group, name)
                if (port, key) not in listed and count:
                    errors.append('%s %s is %s, expected 0'
                                  % (port, key, count))
        try:
            parts = s['forwarded'] + s['flooded'] + \
                sum(s['drops'][r] for r in INGRESS_DROPS)
            if s['rx_packets'] != parts:
                errors.append('%s rx_packets %d != forwarded + flooded + '
                              'ingress drops (%d)'
                              % (port, s['rx_packets'], parts))
        except (KeyError, TypeError) as e:
            errors.append('%s: stats object lacks %s' % (port, e))
    for e in errors:
        print('checks: %s' % e)
    return 1 if errors else 0


def main():
    """main() - dispatch the subcommand"""
    if len(sys.argv) < 2 or sys.argv[1] not in ('settle', 'check'):
        sys.exit(__doc__)
    if sys.argv[1] == 'settle':
        return settle(sys.argv[2:])
    return check(sys.argv[2:])


if __name__ == '__main__':
    sys.exit(main())
