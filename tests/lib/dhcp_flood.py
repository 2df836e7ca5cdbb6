#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""dhcp_flood.py - a guest that asks a DHCP server for many addresses

  dhcp_flood.py IFACE COUNT [SECONDS]

Sends COUNT DHCPDISCOVERs out of IFACE (AF_PACKET), each from a new random
locally administered MAC (Ethernet source and chaddr alike), answers every
OFFER it gets with a DHCPREQUEST as a real client would, and listens for
SECONDS (default 3) after the last one. Prints one JSON object: discovers
sent, offers and acks received, and the distinct addresses acked.
"""
import json
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003


def csum(data):
    """Internet checksum of DATA."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(mac, xid, msg, req=None, server=None):
    """A broadcast DHCP message from MAC: DISCOVER (1) or REQUEST (3)."""
    opts = bytes([53, 1, msg])
    if req:
        opts += bytes([50, 4]) + socket.inet_aton(req)
    if server:
        opts += bytes([54, 4]) + socket.inet_aton(server)
    opts += bytes([55, 3, 1, 3, 6, 255])
    bootp = struct.pack("!BBBBIHHIIII", 1, 1, 6, 0, xid, 0, 0x8000, 0, 0,
                        0, 0)
    bootp += mac + b"\0" * 10 + b"\0" * 192
    bootp += struct.pack("!I", 0x63825363) + opts
    bootp += b"\0" * max(0, 300 - len(bootp))
    udp = struct.pack("!HHHH", 68, 67, 8 + len(bootp), 0) + bootp
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17,
                     0, b"\0" * 4, b"\xff" * 4)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\xff" * 6 + mac + b"\x08\x00" + ip + udp


def parse_reply(f):
    """(xid, message type, yiaddr, server id) of a DHCP reply, or None."""
    if len(f) < 14 + 20 + 8 + 240 or f[12:14] != b"\x08\x00" or f[23] != 17:
        return None
    ihl = (f[14] & 0xF) * 4
    udp = 14 + ihl
    if struct.unpack("!H", f[udp + 2:udp + 4])[0] != 68:
        return None
    bp = udp + 8
    if f[bp] != 2:
        return None
    xid = struct.unpack("!I", f[bp + 4:bp + 8])[0]
    yiaddr = socket.inet_ntoa(f[bp + 16:bp + 20])
    o, mtype, server = bp + 240, 0, None
    while o + 1 < len(f) and f[o] != 255:
        if f[o] == 0:
            o += 1
            continue
        if f[o] == 53:
            mtype = f[o + 2]
        elif f[o] == 54:
            server = socket.inet_ntoa(f[o + 2:o + 6])
        o += 2 + f[o + 1]
    return xid, mtype, yiaddr, server


def main():
    iface, count = sys.argv[1], int(sys.argv[2])
    linger = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    clients = {}  # xid -> mac
    stats = {"discovers": 0, "offers": 0, "requests": 0, "acks": 0,
             "naks": 0, "acked": []}
    for _ in range(count):
        mac = bytes([0x02] + [random.randrange(256) for _ in range(5)])
        xid = random.getrandbits(32)
        clients[xid] = mac
        s.send(frame(mac, xid, 1))
        stats["discovers"] += 1
    deadline = time.time() + linger
    while time.time() < deadline:
        r, _, _ = select.select([s], [], [], 0.1)
        if not r:
            continue
        got = parse_reply(s.recv(2048))
        if not got or got[0] not in clients:
            continue
        xid, mtype, yiaddr, server = got
        if mtype == 2:
            stats["offers"] += 1
            s.send(frame(clients[xid], xid, 3, yiaddr, server))
            stats["requests"] += 1
        elif mtype == 5:
            stats["acks"] += 1
            stats["acked"].append(yiaddr)
        elif mtype == 6:
            stats["naks"] += 1
    stats["acked"] = sorted(set(stats["acked"]))
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
