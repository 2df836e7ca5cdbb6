#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# ptrace_stop.py - stop one thread of a process, and only that one, until
# this helper is killed: a wedged thread, made from outside the program
#
# Usage: ptrace_stop.py TID
#
# PTRACE_SEIZE attaches to the thread TID alone (ptrace works on threads,
# not processes), PTRACE_INTERRUPT stops it, and the other threads of its
# process keep running. The helper prints "stopped" once the thread is
# in its ptrace stop, then waits; on SIGTERM or SIGINT it detaches, and
# the thread resumes where it was (an interrupted system call restarts).
# Were the helper killed with SIGKILL, the kernel would detach it too.
import ctypes
import os
import signal
import sys

PTRACE_DETACH = 17
PTRACE_SEIZE = 0x4206
PTRACE_INTERRUPT = 0x4207
WALL = 0x40000000  # __WALL: wait for a thread that is not a leader

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p,
                        ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long


def ptrace(req, tid):
    """Run one ptrace request on @tid; raise OSError when it fails."""
    if libc.ptrace(req, tid, None, None) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def main():
    tid = int(sys.argv[1])
    ends = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, ends)
    ptrace(PTRACE_SEIZE, tid)
    ptrace(PTRACE_INTERRUPT, tid)
    os.waitpid(tid, WALL)
    print("stopped", flush=True)
    signal.sigwait(ends)
    ptrace(PTRACE_DETACH, tid)


if __name__ == "__main__":
    main()
