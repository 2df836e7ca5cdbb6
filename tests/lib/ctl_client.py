#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ctl_client.py - hostile and awkward clients of the control socket

Usage: ctl_client.py SOCK COMMAND [ARGS]

  idle N READY          open N connections that never send a request; write
                        "N" to the file READY once all are connected, then
                        wait for SIGTERM. Every second, write to READY.state
                        one character per connection, oldest first: "o" still
                        open, "x" closed by the switch.
  passfds N K           N requests, each {"cmd":"version"} sent with K
                        descriptors (socket.send_fds) on its own connection;
                        every reply must arrive and be ok; print the count
  passfds-stream K      one capture-start "stream" request with K
                        descriptors; print the reply line
  fill N                add N static FDB entries 02:00:xx:xx:xx:xx on port
                        p0 over one connection (pipelined in batches)
  slow CMD BYTES SEC    send {"cmd": CMD}, then read BYTES bytes every SEC
                        seconds until the reply line is complete; print its
                        length and the seconds it took
  stuck CMD SEC         send {"cmd": CMD}, read nothing for SEC seconds,
                        then drain: print "closed" if the switch closed the
                        connection, "open" otherwise
  raw JSON              send one line (JSON text, UTF-8), print the reply
                        line as received, after checking it is valid UTF-8
                        JSON (exit 1 otherwise)

Uses only the standard library; socket.send_fds needs Python 3.9.
"""
import json
import os
import signal
import socket
import sys
import time


def connect(path):
    """A connected unix stream socket."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)  # blocking: waits while the listen backlog is full
    s.settimeout(10)
    return s


def read_line(s):
    """Read one reply line; raise on EOF before the newline."""
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(1 << 20)
        if not chunk:
            raise EOFError("connection closed after %d bytes" % len(buf))
        buf += chunk
    return buf


def is_closed(s):
    """Has the peer closed @s? Drains what is buffered."""
    s.setblocking(False)
    try:
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                return True
    except BlockingIOError:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True
    finally:
        s.setblocking(True)


def cmd_idle(path, n, ready):
    """Hold n idle connections, report their state every second."""
    socks = [connect(path) for _ in range(int(n))]
    with open(ready + ".tmp", "w") as f:
        f.write(n)
    os.rename(ready + ".tmp", ready)
    done = []
    signal.signal(signal.SIGTERM, lambda *a: done.append(1))
    while not done:
        state = "".join("x" if is_closed(s) else "o" for s in socks)
        with open(ready + ".state.tmp", "w") as f:
            f.write(state)
        os.rename(ready + ".state.tmp", ready + ".state")
        time.sleep(1)


def cmd_passfds(path, n, k):
    """n requests with k descriptors each, every reply checked."""
    fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(int(k))]
    for _ in range(int(n)):
        s = connect(path)
        socket.send_fds(s, [b'{"cmd":"version"}\n'], fds)
        reply = json.loads(read_line(s))
        assert reply["ok"], reply
        s.close()
    print(n)


def cmd_passfds_stream(path, k):
    """A stream capture request with k descriptors."""
    fds = [os.open("/dev/null", os.O_WRONLY) for _ in range(int(k))]
    s = connect(path)
    req = {"cmd": "capture-start", "port": "p0", "stream": True}
    socket.send_fds(s, [(json.dumps(req) + "\n").encode()], fds)
    print(read_line(s).decode().strip())


def cmd_fill(path, n):
    """n static FDB entries, pipelined 1000 at a time."""
    s = connect(path)
    n = int(n)
    for base in range(0, n, 1000):
        batch = range(base, min(n, base + 1000))
        lines = "".join(
            '{"cmd":"fdb-add","port":"p0","mac":"02:00:%02x:%02x:%02x:%02x"}\n'
            % ((i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255)
            for i in batch)
        s.sendall(lines.encode())
        buf = b""
        while buf.count(b"\n") < len(batch):
            chunk = s.recv(1 << 20)
            if not chunk:
                raise EOFError("closed")
            buf += chunk
        for line in buf.splitlines():
            assert json.loads(line)["ok"], line
    print(n)


def cmd_slow(path, cmd, nbytes, sec):
    """Read a reply slowly: nbytes every sec seconds."""
    s = connect(path)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    t0 = time.monotonic()
    s.sendall((json.dumps({"cmd": cmd}) + "\n").encode())
    buf = b""
    while not buf.endswith(b"\n"):
        time.sleep(float(sec))
        chunk = s.recv(int(nbytes))
        if not chunk:
            raise EOFError("closed after %d bytes" % len(buf))
        buf += chunk
    assert json.loads(buf)["ok"]
    print(len(buf), "%.1f" % (time.monotonic() - t0))


def cmd_stuck(path, cmd, sec):
    """Ask, never read; then see whether the switch dropped us."""
    s = connect(path)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall((json.dumps({"cmd": cmd}) + "\n").encode())
    time.sleep(float(sec))
    print("closed" if is_closed(s) else "open")


def cmd_raw(path, text):
    """One line, the reply checked as strict UTF-8 JSON."""
    s = connect(path)
    s.sendall(text.encode() + b"\n")
    line = read_line(s)
    reply = json.loads(line.decode("utf-8", errors="strict"))
    print(json.dumps(reply, ensure_ascii=False))


def main():
    path, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    table = {"idle": cmd_idle, "passfds": cmd_passfds,
             "passfds-stream": cmd_passfds_stream, "fill": cmd_fill,
             "slow": cmd_slow, "stuck": cmd_stuck, "raw": cmd_raw}
    table[cmd](path, *args)


if __name__ == "__main__":
    main()
