#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""unit_seccomp.py - a systemd unit's seccomp settings, without systemd

Usage: unit_seccomp.py [--deny 'NAME|@GROUP ...'] [--errno NAME]
                       [--families 'AF_X ...'] [--restrict-namespaces]
                       [--restrict-realtime] [--lock-personality]
                       -- COMMAND [ARG]...

Loads a seccomp filter that does what systemd 252 does for
SystemCallFilter=~... (with SystemCallErrorNumber=), RestrictAddressFamilies=,
RestrictNamespaces=yes, RestrictRealtime=yes, LockPersonality=yes and
SystemCallArchitectures=native, then execs COMMAND. Groups (@clock, ...) are
expanded by `systemd-analyze syscall-filter`, so they are systemd's own
lists. tests/lib/unit_exec.sh calls it; the caller sets NoNewPrivs (or
keeps CAP_SYS_ADMIN).
"""
import errno
import os
import socket
import subprocess
import sys

import seccomp

CLONE_NEW = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000,
             0x20000000, 0x40000000)  # NEWNS, NEWCGROUP ... NEWNET
SCHED_RT = (1, 2, 6)  # SCHED_FIFO, SCHED_RR, SCHED_DEADLINE
RESET_ON_FORK = 0x40000000


def expand(names):
    """The system calls of NAME and @GROUP words, as systemd lists them."""
    calls = set()
    for name in names:
        if not name.startswith("@"):
            calls.add(name)
            continue
        out = subprocess.run(["systemd-analyze", "syscall-filter", name],
                             check=True, capture_output=True, text=True)
        for line in out.stdout.splitlines()[1:]:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@"):
                calls |= expand([line])
            else:
                calls.add(line)
    return calls


def add(filt, action, call, *args):
    """Add a rule, skipping calls this kernel and libseccomp do not know."""
    try:
        filt.add_rule(action, call, *args)
    except (RuntimeError, ValueError, OSError):
        pass


def main(argv):
    """Parse the options, load the filter, exec the command."""
    deny, err, families = [], errno.EPERM, None
    ns = rt = pers = False
    i = 0
    while argv[i] != "--":
        opt = argv[i]
        if opt == "--deny":
            deny += argv[i + 1].split()
            i += 1
        elif opt == "--errno":
            err = getattr(errno, argv[i + 1])
            i += 1
        elif opt == "--families":
            families = {getattr(socket, f) for f in argv[i + 1].split()}
            i += 1
        elif opt == "--restrict-namespaces":
            ns = True
        elif opt == "--restrict-realtime":
            rt = True
        elif opt == "--lock-personality":
            pers = True
        else:
            sys.exit("unit_seccomp.py: unknown option " + opt)
        i += 1
    cmd = argv[i + 1:]

    filt = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for call in sorted(expand(deny)):
        add(filt, seccomp.ERRNO(err), call)
    if families is not None:
        # socket() of any other family: EAFNOSUPPORT
        for fam in range(0, 64):
            if fam not in families:
                add(filt, seccomp.ERRNO(errno.EAFNOSUPPORT), "socket",
                    seccomp.Arg(0, seccomp.EQ, fam))
        add(filt, seccomp.ERRNO(errno.EAFNOSUPPORT), "socket",
            seccomp.Arg(0, seccomp.GE, 64))
    if ns:
        for call in ("unshare", "setns"):
            add(filt, seccomp.ERRNO(errno.EPERM), call)
        for flag in CLONE_NEW:
            add(filt, seccomp.ERRNO(errno.EPERM), "clone",
                seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
        # its flags are behind a pointer: glibc falls back to clone()
        add(filt, seccomp.ERRNO(errno.ENOSYS), "clone3")
    if rt:
        for pol in SCHED_RT:
            for flags in (0, RESET_ON_FORK):
                add(filt, seccomp.ERRNO(errno.EPERM), "sched_setscheduler",
                    seccomp.Arg(1, seccomp.EQ, pol | flags))
    if pers:
        # only the current persona, PER_LINUX, as systemd allows
        add(filt, seccomp.ERRNO(errno.EPERM), "personality",
            seccomp.Arg(0, seccomp.NE, 0))
    filt.load()
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
