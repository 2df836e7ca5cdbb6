#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# notify_listen.py - stand in for systemd's NOTIFY_SOCKET in tests
#
# Usage: notify_listen.py ADDRESS LOG CTL_SOCKET
#   ADDRESS     a socket path, or @NAME for an abstract socket (as
#               NOTIFY_SOCKET spells it)
#   LOG         one JSON object per datagram received:
#               {"t": monotonic seconds, "pid": sender's pid (SCM_CREDENTIALS),
#                "msg": {KEY: value, ...}}
#               and, for a datagram with READY=1, "ctl": what the control
#               socket answered to {"cmd":"port-list"} at once, or the error
#   CTL_SOCKET  the switch's control socket, asked as soon as READY=1 comes
#
# It prints "listening" on stdout once bound, and runs until killed.
import json
import os
import socket
import struct
import sys
import time


def ask_ctl(path):
    """Send port-list on the control socket; return the reply or an error."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(path)
            s.sendall(b'{"cmd":"port-list"}\n')
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        return json.loads(buf)
    except (OSError, ValueError) as e:
        return {"error": str(e)}


def main():
    addr, log_path, ctl_path = sys.argv[1:4]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    if addr.startswith("@"):
        s.bind("\0" + addr[1:])
    else:
        s.bind(addr)
        os.chmod(addr, 0o777)  # as systemd's, for a --user switch
    print("listening", flush=True)
    cred_size = struct.calcsize("3i")
    with open(log_path, "a", buffering=1) as log:
        while True:
            data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(cred_size))
            now = time.monotonic()
            pid = None
            for level, kind, val in anc:
                if level == socket.SOL_SOCKET and \
                        kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("3i", val[:cred_size])[0]
            msg = {}
            for line in data.decode("utf-8", "replace").split("\n"):
                if "=" in line:
                    k, v = line.split("=", 1)
                    msg[k] = v
            rec = {"t": now, "pid": pid, "msg": msg}
            if msg.get("READY") == "1":
                rec["ctl"] = ask_ctl(ctl_path)
            log.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
