#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""nat_tcp_peer.py - the two ends of guest TCP through the NAT (nat_remote.sh)

Servers (in the "remote" namespace, IPv4 and IPv6; accept until killed, one
thread each):
  serve PORT                  per connection, by its first line:
                              "echo"   echo until EOF
                              "sink"   read until EOF, answer the sha256 of
                                       what came, close (half-close, guest
                                       side)
                              "push N" send N random bytes, shut down the
                                       sending side, read the client's sha256
                                       of them until EOF; append "ok"/"bad"
                                       to PORT.log (half-close, remote side)
                              "close"  close at once
Clients (in a guest namespace; exit status 0 when all went as expected):
  sink HOST PORT N            send N random bytes, shutdown(SHUT_WR), expect
                              their sha256 back, then EOF
  push HOST PORT N            take N bytes until EOF, then send their sha256
                              and close
  keepalive HOST PORT IDLE    echo once, idle IDLE s with keepalive probes
                              every second (2 unanswered end it), echo again
  churn HOST PORT N           N connections one after another: "close", EOF
  hold HOST PORT N SECS       open N connections (0.5 s connect timeout each),
                              print how many opened, keep them SECS s
"""
import hashlib
import os
import socket
import sys
import threading
import time


def read_all(s):
    """Read until EOF; return the bytes."""
    parts = []
    while True:
        b = s.recv(1 << 16)
        if not b:
            return b"".join(parts)
        parts.append(b)


def read_line(s):
    """Read one line, byte by byte (what follows stays in the socket)."""
    line = b""
    while not line.endswith(b"\n"):
        b = s.recv(1)
        if not b:
            break
        line += b
    return line.decode().strip()


def serve_one(c, port):
    """Serve one connection by its first line."""
    with c:
        cmd = read_line(c).split()
        if not cmd or cmd[0] == "close":
            return
        if cmd[0] == "echo":
            while True:
                b = c.recv(1 << 16)
                if not b:
                    return
                c.sendall(b)
        elif cmd[0] == "sink":
            c.sendall(hashlib.sha256(read_all(c)).hexdigest().encode())
        elif cmd[0] == "push":
            data = os.urandom(int(cmd[1]))
            c.sendall(data)
            c.shutdown(socket.SHUT_WR)
            got = read_all(c).decode()
            ok = got == hashlib.sha256(data).hexdigest()
            with open("%d.log" % port, "a") as f:
                f.write("ok\n" if ok else "bad\n")


def serve(port):
    """Accept connections on PORT until killed."""
    ls = socket.socket(socket.AF_INET6)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.bind(("::", port))
    ls.listen(1024)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve_one, args=(c, port), daemon=True).start()


def connect(host, port, line, timeout=10):
    """A connection to host:port that said its first line."""
    s = socket.create_connection((host, port), timeout=timeout)
    s.settimeout(30)
    s.sendall(line.encode() + b"\n")
    return s


def sink(host, port, n):
    """Half-close from the guest: send, shut down, get the sha256 back."""
    data = os.urandom(n)
    s = connect(host, port, "sink")
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    got = read_all(s).decode()
    return got == hashlib.sha256(data).hexdigest()


def push(host, port, n):
    """Half-close from the remote: take until EOF, answer, close."""
    s = connect(host, port, "push %d" % n)
    data = read_all(s)
    s.sendall(hashlib.sha256(data).hexdigest().encode())
    s.close()
    return len(data) == n


def keepalive(host, port, idle):
    """Survive IDLE seconds of keepalive probes."""
    s = connect(host, port, "echo")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 2)
    s.sendall(b"one")
    if s.recv(16) != b"one":
        return False
    time.sleep(idle)
    s.sendall(b"two")
    return s.recv(16) == b"two"


def churn(host, port, n):
    """Open and close N connections in turn."""
    for _ in range(n):
        s = connect(host, port, "close")
        if s.recv(16) != b"":
            return False
        s.close()
    return True


def hold(host, port, n, secs):
    """Open up to N connections and keep them SECS seconds."""
    held = []
    for _ in range(n):
        try:
            held.append(connect(host, port, "echo", timeout=0.5))
        except OSError:
            pass
    print(len(held), flush=True)
    time.sleep(secs)
    return True


def main():
    """Run the mode named on the command line."""
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "serve":
        serve(int(args[0]))
        return 0
    host, port = args[0], int(args[1])
    modes = {"sink": sink, "push": push, "keepalive": keepalive,
             "churn": churn, "hold": hold}
    return 0 if modes[cmd](host, port, *map(int, args[2:])) else 1


if __name__ == "__main__":
    sys.exit(main())
