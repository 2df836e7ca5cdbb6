#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""nat_flood.py - hostile and helpful peers for the NAT caps test

  udp-flood ADDR PORT N     send one datagram from each of N new source
                            ports to ADDR:PORT (a guest opening N flows)
  udp-sink PORT [echo]      receive datagrams on 127.0.0.1:PORT, echo them
                            back with "echo"; prints nothing, runs until
                            killed
  tcp-accept PORT           accept connections on PORT and hold them open
  tcp-hold PORT N STATUS    open N connections to 127.0.0.1:PORT, keep them;
                            every second write "open reset" counts to
                            STATUS; runs until killed
"""
import os
import resource
import select
import socket
import sys
import time


def raise_nofile():
    """Raise this process's soft descriptor limit to its hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def udp_flood(addr, port, n):
    """Send one datagram from each of n fresh source ports."""
    sent = 0
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", 0))
        try:
            s.sendto(b"flood %d" % i, (addr, port))
            sent += 1
        except OSError:
            pass
        s.close()
    print(sent)


def udp_sink(port, echo):
    """Receive (and maybe echo) datagrams forever."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    while True:
        data, peer = s.recvfrom(65535)
        if echo:
            s.sendto(data, peer)


def tcp_accept(port):
    """Accept connections and hold them; answer nothing."""
    raise_nofile()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(4096)
    held = []
    while True:
        c, _ = ls.accept()
        held.append(c)


def tcp_hold(port, n, status):
    """Open n connections, keep them, report how many are still open."""
    raise_nofile()
    conns = []
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            continue
        conns.append(s)
    while True:
        time.sleep(1)
        p = select.poll()
        for s in conns:
            p.register(s, select.POLLIN)
        ready = {fd for fd, _ in p.poll(0)}
        alive, reset = 0, 0
        for s in conns:
            if s.fileno() in ready:
                try:
                    if s.recv(1, socket.MSG_PEEK) == b"":
                        reset += 1
                        continue
                except OSError:
                    reset += 1
                    continue
            alive += 1
        with open(status + ".new", "w") as f:
            f.write("%d %d\n" % (alive, reset))
        os.rename(status + ".new", status)


def main():
    cmd = sys.argv[1]
    if cmd == "udp-flood":
        udp_flood(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "udp-sink":
        udp_sink(int(sys.argv[2]), len(sys.argv) > 3)
    elif cmd == "tcp-accept":
        tcp_accept(int(sys.argv[2]))
    elif cmd == "tcp-hold":
        tcp_hold(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
