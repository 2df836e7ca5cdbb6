#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make-corpus-nat.py - seed corpus for tests/fuzz/fuzz_nat.c

An input is one byte choosing the NAT's configuration (0: 10.0.2.0/24 with
hostfwd tcp 2222 -> :22, tcp 2223 -> vm2:80, udp 5555 -> :53 and small
caps; 1: restrict=on, ipv6=off; 2: 192.168.76.0/28 with a 3-address DHCP
pool), then operations, each an opcode byte and an argument byte, some
followed by a 16-bit big-endian length and that many bytes:
  0 FRAME  arg: ingress port (bits 0-1: vm1, vm2, vm3, unknown), chained
           (bit 2), checksum offload (bit 3), TSO (bit 4); then a frame
  1 STEP   one NAT loop iteration, no waiting
  2 WAIT   one iteration waiting up to arg % 16 ms
  3 CONNECT a host client to hostfwd 2222 (arg bit 0: 2223), slot arg >> 1
  4 SEND   client arg sends the bytes that follow
  5 CLOSE  client arg % 8: close, shutdown (bits 3-4 = 1), reset (= 2)
  6 UDP    a host datagram to the UDP rule (127.0.0.1:5555)
  7 REPLY  the guest answers the NAT's last TCP segment with flags arg
           and the bytes that follow as payload (arg 0xff: answers the last
           ARP request instead)
  8 TICK   the control thread's tick
  9 SERVE  the host services (TCP 127.0.0.1:80, UDP echo 127.0.0.1:7)
 10 ADVANCE move the NAT's clock forward by (arg % 64 + 1) units of 1 ms,
           10 ms, 100 ms or 1 s (arg >> 6), then one iteration
Seeds: DHCP (discover, request, release, decline, inform, refusals), ARP,
TCP to the host service at 10.0.2.2:80 (and [fec0::2]:80) through a
handshake, data and FIN, refused and outside connections (IPv4 and IPv6,
with extension headers), hostfwd connections both ways, UDP to
10.0.2.2 (echo), 10.0.2.3 (DNS) and beyond, broadcast, ICMP, IPv6 (NDP,
ICMPv6, TCP, UDP), fragments, VLAN tags, offloaded and super-frames,
spoofed sources and truncated frames.
Run from the repository root; writes tests/fuzz/corpus-nat/.
"""
import os
import struct

OUT = 'tests/fuzz/corpus-nat'
(FRAME, STEP, WAIT, CONNECT, SEND, CLOSE, UDP, REPLY, TICK, SERVE,
 ADVANCE) = range(11)
SYN, FIN, RST, PSH, ACK = 0x02, 0x01, 0x04, 0x08, 0x10

NAT_MAC = bytes.fromhex('525500000202')  # 52:55 + the NAT host's address
BCAST = b'\xff' * 6


def mac(n):
    """A guest MAC numbered n."""
    return bytes.fromhex('5254001234') + bytes([n])


def ip4(text):
    """Dotted quad to bytes."""
    return bytes(int(x) for x in text.split('.'))


def ip6(text):
    """A few IPv6 addresses the seeds use."""
    known = {
        'fec0::15': 'fec00000000000000000000000000015',
        'fec0::2': 'fec00000000000000000000000000002',
        'fec0::3': 'fec00000000000000000000000000003',
        'fe80::15': 'fe800000000000000000000000000015',
        'ff02::2': 'ff020000000000000000000000000002',
        'ff02::1:ff00:2': 'ff0200000000000000000001ff000002',
        'fd00::1': 'fd000000000000000000000000000001',
        'fd00::9': 'fd000000000000000000000000000009',
    }
    return bytes.fromhex(known[text])


def csum(data):
    """Internet checksum."""
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(dst, src, ethertype, payload):
    """An Ethernet frame."""
    return dst + src + struct.pack('!H', ethertype) + payload


def ipv4(src, dst, proto, payload, ident=1, frag=0x4000, ihl_words=5,
         total=None):
    """An IPv4 packet; total overrides the length field."""
    opts = b'\x01' * (4 * (ihl_words - 5))
    tot = total if total is not None else 20 + len(opts) + len(payload)
    hdr = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl_words, 0, tot, ident, frag,
                      64, proto, 0, ip4(src), ip4(dst)) + opts
    hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
    return hdr + payload


def l4_sum4(src, dst, proto, seg):
    """TCP/UDP checksum over IPv4."""
    return csum(ip4(src) + ip4(dst) + struct.pack('!BBH', 0, proto, len(seg))
                + seg)


def tcp_seg(sport, dport, seq, ack, flags, data=b'', opts=b'', win=65535):
    """A TCP header and payload, checksum zero."""
    off = (20 + len(opts)) // 4
    return struct.pack('!HHIIBBHHH', sport, dport, seq, ack, off << 4, flags,
                       win, 0, 0) + opts + data


def tcp4(src, dst, sport, dport, seq, ack, flags, data=b'', opts=b'',
         smac=None, dmac=NAT_MAC):
    """A TCP/IPv4 frame."""
    seg = tcp_seg(sport, dport, seq, ack, flags, data, opts)
    seg = seg[:16] + struct.pack('!H', l4_sum4(src, dst, 6, seg)) + seg[18:]
    return eth(dmac, smac or mac(1), 0x0800, ipv4(src, dst, 6, seg))


def udp4(src, dst, sport, dport, data, smac=None, dmac=NAT_MAC):
    """A UDP/IPv4 frame."""
    seg = struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data
    seg = seg[:6] + struct.pack('!H', l4_sum4(src, dst, 17, seg)) + seg[8:]
    return eth(dmac, smac or mac(1), 0x0800, ipv4(src, dst, 17, seg))


def icmp4(src, dst, data=b'ping', typ=8, smac=None):
    """An ICMP echo request."""
    msg = struct.pack('!BBHHH', typ, 0, 0, 0x1234, 1) + data
    msg = msg[:2] + struct.pack('!H', csum(msg)) + msg[4:]
    return eth(NAT_MAC, smac or mac(1), 0x0800, ipv4(src, dst, 1, msg))


def arp(op, smac, sip, tip, tmac=b'\0' * 6, dst=BCAST):
    """An ARP request (1) or reply (2)."""
    body = struct.pack('!HHBBH', 1, 0x0800, 6, 4, op) + smac + ip4(sip) + \
        tmac + ip4(tip)
    return eth(dst, smac, 0x0806, body)


def dhcp(msgtype, m, xid=0x1234, req=None, server=None, ciaddr='0.0.0.0',
         chaddr=None, extra=b'', src='0.0.0.0', dst='255.255.255.255'):
    """A DHCP message from a guest."""
    bootp = struct.pack('!BBBBIHH4s4s4s4s', 1, 1, 6, 0, xid, 0, 0x8000,
                        ip4(ciaddr), b'\0' * 4, b'\0' * 4, b'\0' * 4)
    bootp += (chaddr or m) + b'\0' * 10 + b'\0' * 192
    opts = b'\x63\x82\x53\x63' + bytes([53, 1, msgtype])
    if req:
        opts += bytes([50, 4]) + ip4(req)
    if server:
        opts += bytes([54, 4]) + ip4(server)
    opts += bytes([61, 7, 1]) + m + bytes([12, 4]) + b'fuzz'
    opts += bytes([55, 5, 1, 3, 6, 15, 119]) + extra + b'\xff'
    return udp4(src, dst, 68, 67, bootp + opts, smac=m, dmac=BCAST)


def ipv6(src, dst, nh, payload, hop=255):
    """An IPv6 packet."""
    return struct.pack('!IHBB', 6 << 28, len(payload), nh, hop) + ip6(src) + \
        ip6(dst) + payload


def l4_sum6(src, dst, nh, seg):
    """TCP/UDP/ICMPv6 checksum over IPv6."""
    return csum(ip6(src) + ip6(dst) + struct.pack('!IxxxB', len(seg), nh) +
                seg)


def icmp6(src, dst, typ, body, dmac):
    """An ICMPv6 message."""
    msg = struct.pack('!BBH', typ, 0, 0) + body
    msg = msg[:2] + struct.pack('!H', l4_sum6(src, dst, 58, msg)) + msg[4:]
    return eth(dmac, mac(1), 0x86dd, ipv6(src, dst, 58, msg))


def tcp6(src, dst, sport, dport, seq, flags, data=b''):
    """A TCP/IPv6 frame."""
    seg = tcp_seg(sport, dport, seq, 0, flags, data)
    seg = seg[:16] + struct.pack('!H', l4_sum6(src, dst, 6, seg)) + seg[18:]
    return eth(NAT_MAC, mac(1), 0x86dd, ipv6(src, dst, 6, seg, 64))


def tcp6x(src, dst, dport, ext_nh, ext, opts=b''):
    """A TCP/IPv6 SYN behind extension headers ext (the first of type
    ext_nh, the last naming TCP)."""
    seg = tcp_seg(40020, dport, 1, 0, SYN, b'', opts)
    seg = seg[:16] + struct.pack('!H', l4_sum6(src, dst, 6, seg)) + seg[18:]
    return eth(NAT_MAC, mac(1), 0x86dd, ipv6(src, dst, ext_nh, ext + seg, 64))


def udp6(src, dst, sport, dport, data):
    """A UDP/IPv6 frame."""
    seg = struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data
    seg = seg[:6] + struct.pack('!H', l4_sum6(src, dst, 17, seg)) + seg[8:]
    return eth(NAT_MAC, mac(1), 0x86dd, ipv6(src, dst, 17, seg, 64))


def dns_query(name):
    """A DNS query for an A record."""
    q = b''.join(bytes([len(p)]) + p.encode() for p in name.split('.'))
    return struct.pack('!HHHHHH', 0x4242, 0x0100, 1, 0, 0, 0) + q + \
        b'\0\0\x01\0\x01'


def op(code, arg=0, data=None):
    """One operation."""
    out = bytes([code, arg])
    if data is not None:
        out += struct.pack('!H', len(data)) + data
    return out


def adv(ms):
    """Move the NAT's clock forward by about ms (at most 64 s)."""
    for unit, bits in ((1, 0), (10, 1), (100, 2), (1000, 3)):
        if ms <= 64 * unit:
            return op(ADVANCE, bits << 6 | (max(ms // unit, 1) - 1))
    return op(ADVANCE, 0xff)


def frame(f, port=0):
    """A guest frame from switch port index `port` (flags above)."""
    return op(FRAME, port, f)


def reply(flags, data=b''):
    """The guest answers the NAT's last TCP segment."""
    return op(REPLY, flags, data)


G = '10.0.2.15'
MSS = bytes([2, 4, 0x05, 0xb4, 1, 3, 3, 7])     # MSS 1460, window scale 7
LEASE = [frame(dhcp(1, mac(1))), op(STEP),
         frame(dhcp(3, mac(1), req=G, server='10.0.2.2')), op(STEP)]
KNOWN = [frame(arp(1, mac(1), G, '10.0.2.2')), op(STEP)]


def seeds():
    """name -> input bytes."""
    s = {}

    def put(name, ops, spec=0):
        s[name] = bytes([spec]) + b''.join(ops)

    # DHCP
    put('dhcp-lease', LEASE + [op(TICK),
                               frame(dhcp(7, mac(1), ciaddr=G, src=G,
                                          dst='10.0.2.2',
                                          server='10.0.2.2')), op(STEP)])
    put('dhcp-decline', LEASE + [frame(dhcp(4, mac(1), req=G,
                                            server='10.0.2.2')), op(STEP)])
    put('dhcp-inform', KNOWN + [frame(dhcp(8, mac(1), ciaddr=G, src=G)),
                                op(STEP)])
    put('dhcp-request-not-offered',
        [frame(dhcp(3, mac(2), req='10.0.2.99', server='10.0.2.2'), 1),
         op(STEP), frame(dhcp(3, mac(2), req='10.0.2.99'), 1), op(STEP)])
    put('dhcp-chaddr-mismatch', [frame(dhcp(1, mac(3), chaddr=mac(4)), 2),
                                 op(STEP)])
    put('dhcp-port-cap', [frame(dhcp(1, mac(10 + i))) for i in range(5)] +
        [op(STEP)])
    put('dhcp-pool-empty', [frame(dhcp(1, mac(20 + i), xid=i), i % 3)
                            for i in range(6)] + [op(STEP)], spec=2)
    put('dhcp-unknown-port', [frame(dhcp(1, mac(5)), 3), op(STEP)])
    put('dhcp-bad-options',
        [frame(dhcp(1, mac(1), extra=bytes([50, 3, 1, 2, 3]))),
         frame(dhcp(1, mac(1), extra=bytes([12, 200]) + b'x')),
         frame(dhcp(9, mac(1))), op(STEP)])
    put('dhcp-to-host', [frame(dhcp(1, mac(1), dst='10.0.2.2')), op(STEP)])
    # ARP and binding
    put('arp-host', [frame(arp(1, mac(1), G, '10.0.2.2')),
                     frame(arp(1, mac(1), G, '10.0.2.3')), op(STEP)])
    put('arp-gratuitous', [frame(arp(1, mac(1), G, G)),
                           frame(arp(2, mac(1), G, G)), op(STEP)])
    put('arp-spoof-static', [frame(arp(1, mac(9), '10.0.2.30', '10.0.2.2')),
                             frame(icmp4('10.0.2.30', '10.0.2.2',
                                         smac=mac(9))), op(STEP)])
    put('spoof-after-lease', LEASE + [frame(icmp4(G, '10.0.2.2',
                                                  smac=mac(7)), 1),
                                      frame(arp(2, mac(7), '10.0.2.2', G),
                                            1), op(STEP)])
    put('spoof-nat-address', [frame(arp(1, mac(1), '10.0.2.2', G)),
                              frame(icmp4('10.0.2.3', '10.0.2.2')),
                              op(STEP)])
    # TCP to the host service (spliced), refused, beyond
    put('tcp-service', KNOWN + [
        frame(tcp4(G, '10.0.2.2', 40000, 80, 1000, 0, SYN, opts=MSS)),
        op(WAIT, 5), op(SERVE), op(WAIT, 2), reply(ACK),
        reply(PSH | ACK, b'GET / HTTP/1.0\r\n\r\n'), op(WAIT, 5),
        op(SERVE), op(WAIT, 5), reply(ACK), reply(FIN | ACK), op(WAIT, 5),
        reply(ACK), op(WAIT, 2)])
    put('tcp-service-rst', KNOWN + [
        frame(tcp4(G, '10.0.2.2', 40001, 80, 5, 0, SYN)), op(WAIT, 5),
        reply(ACK), reply(RST)])
    put('tcp-refused', KNOWN + [
        frame(tcp4(G, '10.0.2.2', 40002, 81, 7, 0, SYN, opts=MSS)),
        op(WAIT, 5), op(STEP)])
    put('tcp-outside', KNOWN + [
        frame(tcp4(G, '203.0.113.5', 40003, 80, 9, 0, SYN, opts=MSS)),
        op(WAIT, 5), op(STEP)])
    put('tcp-dns-server', KNOWN + [
        frame(tcp4(G, '10.0.2.3', 40004, 53, 9, 0, SYN, opts=MSS)),
        op(WAIT, 5), reply(ACK), op(STEP)])
    put('tcp-restricted', KNOWN + [
        frame(tcp4(G, '10.0.2.2', 40005, 80, 1, 0, SYN, opts=MSS)),
        op(WAIT, 5), reply(ACK), reply(PSH | ACK, b'x' * 100), op(WAIT, 5)],
        spec=1)
    put('tcp-stray', KNOWN + [
        frame(tcp4(G, '10.0.2.2', 40006, 80, 1, 77, ACK, b'data')),
        frame(tcp4(G, '10.0.2.2', 40006, 80, 1, 77, RST)),
        frame(tcp4(G, '10.0.2.2', 40006, 80, 1, 77, FIN | ACK)),
        op(STEP)])
    put('tcp-offloaded', KNOWN + [
        frame(tcp4(G, '10.0.2.2', 40007, 80, 1000, 0, SYN, opts=MSS), 8),
        op(WAIT, 5), op(SERVE), reply(ACK),
        reply(PSH | ACK, bytes(range(256)) * 4), op(WAIT, 5)])
    # hostfwd from the host
    put('hostfwd-conn', LEASE + [
        op(CONNECT, 0), op(WAIT, 5), reply(SYN | ACK), op(WAIT, 2),
        op(SEND, 0, b'SSH-2.0-fuzz\r\n'), op(WAIT, 5), reply(ACK),
        reply(PSH | ACK, b'SSH-2.0-guest\r\n'), op(WAIT, 2), op(SERVE),
        op(CLOSE, 0), op(WAIT, 5), reply(FIN | ACK), op(WAIT, 5),
        reply(ACK)])
    put('hostfwd-big', KNOWN + [
        op(CONNECT, 0), op(WAIT, 5), reply(SYN | ACK),
        op(SEND, 0, bytes(range(256)) * 60), op(WAIT, 5), reply(ACK),
        op(WAIT, 5), reply(ACK), op(CLOSE, 1 << 3), op(WAIT, 5),
        reply(FIN | ACK)])
    put('hostfwd-arp', [op(CONNECT, 0), op(WAIT, 5), op(REPLY, 0xff, b'\1'),
                        adv(110), reply(SYN | ACK), op(WAIT, 2)])
    put('hostfwd-arp-unanswered', [op(CONNECT, 0), op(WAIT, 5)] +
        [adv(110)] * 6 + [op(STEP)])
    put('hostfwd-syn-retransmit', KNOWN + [op(CONNECT, 0), op(WAIT, 5)] +
        [adv(260), adv(600), adv(1100), adv(2100), adv(4100), adv(8200),
         adv(16500)] + [op(STEP)])
    put('hostfwd-data-retransmit', KNOWN + [
        op(CONNECT, 0), op(WAIT, 5), reply(SYN | ACK), op(WAIT, 2),
        op(SEND, 0, b'x' * 3000), op(WAIT, 5), adv(300), adv(600),
        adv(1200), reply(ACK), reply(ACK), reply(ACK), adv(2500)])
    put('hostfwd-guest-rst', KNOWN + [op(CONNECT, 0), op(WAIT, 5),
                                      reply(RST | ACK), op(WAIT, 2)])
    put('hostfwd-host-reset', KNOWN + [
        op(CONNECT, 0), op(WAIT, 5), reply(SYN | ACK), op(WAIT, 2),
        op(CLOSE, 2 << 3), op(WAIT, 5), op(STEP)])
    put('hostfwd-named-port', [op(CONNECT, 1), op(WAIT, 5),
                               op(REPLY, 0xff, b'\2'), adv(110),
                               reply(SYN | ACK), op(SEND, 0, b'GET /'),
                               op(WAIT, 5), reply(ACK)])
    put('hostfwd-over-cap', KNOWN + [op(CONNECT, 2 * i) for i in range(8)] +
        [op(WAIT, 5), op(STEP)])
    put('hostfwd-small-net', [
        frame(dhcp(1, mac(1)), 2), op(STEP),
        frame(dhcp(3, mac(1), req='192.168.76.9', server='192.168.76.2'), 2),
        op(CONNECT, 0), op(CONNECT, 3), op(WAIT, 5),
        reply(SYN | ACK), op(WAIT, 5)], spec=2)
    put('tcp-service-retransmit', KNOWN + [
        frame(tcp4(G, '10.0.2.2', 40020, 80, 1000, 0, SYN, opts=MSS)),
        op(WAIT, 5), adv(300), adv(700), adv(1500), op(SERVE), reply(ACK),
        adv(20000), adv(40000)])
    # time passing
    put('dhcp-lease-expiry', [
        frame(dhcp(1, mac(1)), 2), op(STEP),
        frame(dhcp(3, mac(1), req='192.168.76.9', server='192.168.76.2'), 2),
        op(STEP), adv(30000), op(TICK), adv(40000), op(TICK),
        frame(dhcp(1, mac(2)), 2), op(STEP),
        frame(dhcp(3, mac(1), req='192.168.76.9', server='192.168.76.2'), 2),
        op(STEP)], spec=2)
    put('dhcp-offer-expiry', [frame(dhcp(1, mac(1))), op(STEP), adv(64000),
                              frame(dhcp(3, mac(1), req=G,
                                         server='10.0.2.2')), op(STEP)])
    put('binding-expiry', KNOWN + [adv(64000)] * 5 + [
        frame(arp(1, mac(8), G, '10.0.2.2'), 1), op(STEP), op(TICK)])
    put('udp-flow-expiry', KNOWN + [
        frame(udp4(G, '10.0.2.2', 4030, 7, b'e')), op(STEP), op(SERVE),
        op(WAIT, 2), adv(31000), adv(64000), adv(64000), adv(64000),
        frame(udp4(G, '10.0.2.2', 4030, 7, b'e')), op(STEP)])
    # UDP
    put('udp-echo', KNOWN + [frame(udp4(G, '10.0.2.2', 4000, 7, b'echo')),
                             op(STEP), op(SERVE), op(WAIT, 5), op(STEP)])
    put('udp-dns', KNOWN + [frame(udp4(G, '10.0.2.3', 4001, 53,
                                       dns_query('example.org'))),
                            op(WAIT, 5)])
    put('udp-outside', KNOWN + [frame(udp4(G, '198.51.100.1', 4002, 9,
                                           b'out')), op(WAIT, 2)])
    put('udp-broadcast', KNOWN + [frame(udp4(G, '10.0.2.255', 4003, 9, b'b',
                                             dmac=BCAST)),
                                  frame(udp4(G, '255.255.255.255', 4003,
                                             9, b'b', dmac=BCAST)),
                                  op(STEP)])
    put('udp-flows-over-cap', KNOWN +
        [frame(udp4(G, '10.0.2.2', 5000 + i, 7, b'f')) for i in range(16)] +
        [op(STEP), op(SERVE), op(WAIT, 5)])
    put('udp-hostfwd', LEASE + [op(UDP, 0, dns_query('x.example')),
                                op(WAIT, 5), op(STEP)])
    put('udp-tftp', KNOWN + [frame(udp4(G, '10.0.2.2', 4004, 69,
                                        b'\0\1file\0octet\0')), op(STEP)])
    put('udp-timeout', KNOWN + [frame(udp4(G, '192.168.76.2', 4005, 7,
                                           b't'), 2), op(WAIT, 15),
                                op(TICK)], spec=2)
    # ICMP
    put('icmp', KNOWN + [frame(icmp4(G, '10.0.2.2')),
                         frame(icmp4(G, '203.0.113.9')),
                         frame(icmp4(G, '10.0.2.2', b'x' * 3000)),
                         op(WAIT, 5)])
    # IPv6
    put('ipv6-ndp', [frame(icmp6('fe80::15', 'ff02::2', 133, b'\0' * 4,
                                 bytes.fromhex('333300000002'))),
                     frame(icmp6('fec0::15', 'ff02::1:ff00:2', 135,
                                 b'\0' * 4 + ip6('fec0::2') +
                                 b'\1\1' + mac(1),
                                 bytes.fromhex('3333ff000002'))),
                     op(STEP)])
    put('ipv6-ping', [frame(icmp6('fec0::15', 'fec0::2', 128,
                                  b'\x12\x34\0\1ping', NAT_MAC)),
                      op(WAIT, 2)])
    put('ipv6-tcp', [frame(tcp6('fec0::15', 'fec0::2', 40010, 80, 1, SYN)),
                     op(WAIT, 5), reply(ACK), op(STEP)])
    # IPv6 TCP on the NAT's own path: no route beyond (the fuzz target's
    # namespace has loopback alone), extension headers, a fragment, a
    # source outside the prefix
    put('ipv6-tcp-outside', [frame(tcp6x('fec0::15', 'fd00::1', 80, 6, b'',
                                         MSS)), op(WAIT, 5), op(STEP)])
    put('ipv6-tcp-ext', [frame(tcp6x('fec0::15', 'fec0::2', 80, 0,
                                     bytes([60, 0, 1, 4, 0, 0, 0, 0]) +
                                     bytes([6, 0, 1, 4, 0, 0, 0, 0]),
                                     MSS)), op(WAIT, 5), reply(ACK),
                         op(STEP)])
    put('ipv6-tcp-service', [
        frame(tcp6x('fec0::15', 'fec0::2', 80, 6, b'', MSS)),
        op(WAIT, 5), op(SERVE), op(WAIT, 2), reply(ACK),
        reply(PSH | ACK, b'GET / HTTP/1.0\r\n\r\n'), op(WAIT, 5),
        op(SERVE), op(WAIT, 5), reply(ACK), reply(FIN | ACK), op(WAIT, 5),
        reply(ACK), op(WAIT, 2)])
    put('ipv6-tcp-fragment', [frame(tcp6x('fec0::15', 'fd00::1', 80, 44,
                                          bytes([6, 0, 0, 0, 0, 0, 0, 7]))),
                              op(STEP)])
    put('ipv6-tcp-spoof', [frame(tcp6x('fd00::9', 'fd00::1', 80, 6, b'')),
                           op(STEP)])
    put('ipv6-udp-dns', [frame(udp6('fec0::15', 'fec0::3', 4010, 53,
                                    dns_query('example.org'))),
                         op(WAIT, 2)])
    # odd frames
    put('fragments', KNOWN + [
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 17, struct.pack('!HHHH', 1, 7, 40, 0) +
                       b'a' * 16, ident=9, frag=0x2000, total=44))),
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 17, b'b' * 16, ident=9, frag=3))),
        op(STEP)])
    udp = struct.pack('!HHHH', 4040, 7, 8 + 2992, 0) + bytes(range(256)) * 11 + bytes(176)
    ping = struct.pack('!BBHHH', 8, 0, 0, 0x4321, 1) + b'p' * 2992
    ping = ping[:2] + struct.pack('!H', csum(ping)) + ping[4:]
    put('fragments-udp-echo', KNOWN + [
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 17, udp[1480:2960], ident=11,
                       frag=0x2000 | 185))),
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 17, udp[:1480], ident=11,
                       frag=0x2000))),
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 17, udp[2960:], ident=11, frag=370))),
        op(STEP), op(SERVE), op(WAIT, 2), op(STEP)])
    put('fragments-ping', KNOWN + [
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 1, ping[:1480], ident=12,
                       frag=0x2000))),
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 1, ping[1480:], ident=12,
                       frag=185))), op(WAIT, 2)])
    put('fragments-overlap', KNOWN + [
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 1, ping[:1480], ident=13,
                       frag=0x2000))),
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 1, ping[8:1488], ident=13,
                       frag=0x2001))), op(STEP)])
    put('fragments-flood', [
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 17, b'f' * 8, ident=i,
                       frag=0x2000)), i % 4) for i in range(40)] +
        [adv(16000), op(STEP)])
    # regressions (README.md): a lone last fragment killed libslirp 4.7.0
    put('regress-lone-last-fragment', [
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 17, b'b' * 16, ident=9, frag=3))),
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 1, b'b' * 16, ident=9, frag=3))),
        op(STEP)])
    put('vlan-tagged', [frame(b''.join([NAT_MAC, mac(1), b'\x81\x00\x00\x0a',
                                        arp(1, mac(1), G, '10.0.2.2')[12:]])),
                        op(STEP)])
    put('ip-options', KNOWN + [frame(eth(NAT_MAC, mac(1), 0x0800,
                                         ipv4(G, '10.0.2.2', 1,
                                              b'\x08\0\xf7\xff\0\0\0\0',
                                              ihl_words=7))), op(STEP)])
    put('tso-superframe', KNOWN + [
        frame(tcp4(G, '10.0.2.2', 40011, 80, 1000, 0, SYN, opts=MSS)),
        op(WAIT, 5), op(SERVE), reply(ACK),
        reply(PSH | ACK, bytes(range(256)) * 5), op(WAIT, 2),
        frame(tcp4(G, '203.0.113.5', 40012, 80, 1, 1, ACK,
                   bytes(range(256)) * 32), 8 | 16)])
    put('chained', KNOWN + [frame(udp4(G, '10.0.2.2', 4020, 7, b'c' * 900),
                                  4), op(STEP)])
    tcp = tcp4(G, '10.0.2.2', 40013, 80, 1, 0, SYN)
    dh = dhcp(1, mac(1))
    put('truncated', [frame(b'\x52'), frame(tcp[:13]), frame(tcp[:14]),
                      frame(tcp[:20]), frame(tcp[:34]), frame(tcp[:40]),
                      frame(dh[:45]), frame(dh[:250]), frame(dh[:-3]),
                      frame(arp(1, mac(1), G, '10.0.2.2')[:30]), op(STEP)])
    put('bad-lengths', [
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 6, tcp[34:], total=2000))),
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 6, tcp[34:], total=10))),
        frame(eth(NAT_MAC, mac(1), 0x0800,
                  ipv4(G, '10.0.2.2', 17, b'\0\1\0\7\xff\xff\0\0',
                       ihl_words=15))),
        frame(tcp[:46] + b'\xf0' + tcp[47:]), op(STEP)])
    put('unknown-port', [frame(arp(1, mac(6), '10.0.2.16', '10.0.2.2'), 3),
                         frame(tcp4('10.0.2.16', '10.0.2.2', 1, 80, 1, 0,
                                    SYN, smac=mac(6)), 3), op(WAIT, 5)])
    return s


def main():
    """Write the seeds."""
    os.makedirs(OUT, exist_ok=True)
    all_seeds = seeds()
    for name, data in all_seeds.items():
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(data)
    print('%d seeds in %s' % (len(all_seeds), OUT))


if __name__ == '__main__':
    main()
