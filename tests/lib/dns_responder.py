#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""dns_responder.py - a tiny DNS server for tests: answers A queries for
names under .vioswitch.test with 192.0.2.7, NXDOMAIN otherwise.

Usage: dns_responder.py ADDR PORT LIFETIME_S
It exits by itself after LIFETIME_S seconds.
"""
import socket
import struct
import sys
import time


def answer(query):
    """Build the reply to one query packet, or None if it is not one."""
    if len(query) < 12:
        return None
    qid, _flags, qdcount = struct.unpack('!HHH', query[:6])
    if qdcount != 1:
        return None
    pos, labels = 12, []
    while pos < len(query) and query[pos]:
        n = query[pos]
        labels.append(query[pos + 1:pos + 1 + n].decode(errors='replace'))
        pos += 1 + n
    question = query[12:pos + 5]
    qtype = struct.unpack('!H', query[pos + 1:pos + 3])[0]
    name = '.'.join(labels).lower()
    ok = name.endswith('vioswitch.test')
    flags = 0x8180 if ok else 0x8183
    ancount = 1 if ok and qtype == 1 else 0
    reply = struct.pack('!HHHHHH', qid, flags, 1, ancount, 0, 0) + question
    if ancount:
        reply += struct.pack('!HHHIH', 0xc00c, 1, 1, 60, 4)
        reply += socket.inet_aton('192.0.2.7')
    return reply


def main():
    """Serve until the lifetime ends."""
    addr, port, life = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    end = time.monotonic() + life
    while time.monotonic() < end:
        s.settimeout(max(0.1, end - time.monotonic()))
        try:
            q, peer = s.recvfrom(2048)
        except socket.timeout:
            continue
        r = answer(q)
        if r:
            s.sendto(r, peer)


if __name__ == '__main__':
    main()
