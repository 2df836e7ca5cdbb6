#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make-samples.py - write the deterministic captures in pcap-samples/

Every file is a classic pcap (LINKTYPE_ETHERNET, microsecond timestamps,
snaplen 65535, little-endian) with fixed timestamps and fixed bytes, so
running this twice gives byte-identical files. Standard library only.

Shared timeline: captures that are replayed together, one file per switch
port (learn-p*.pcap, vlan-*.pcap, arp-request/arp-reply.pcap,
macflood.pcap/macflood-probe.pcap), stamp frame k of the whole sequence
BASE + k * STEP no matter which file holds it, so a switch that replays all
its ports on one clock sees the frames in sequence order.

Usage: pcap-samples/make-samples.py [OUTDIR]   (default: this directory)
"""

import os
import struct
import sys

BASE_US = 1700000000 * 1000000  # 2023-11-14 22:13:20 UTC
STEP_US = 50000  # 50 ms between frames of one sequence (robust under load)
SNAPLEN = 65535
LINKTYPE_ETHERNET = 1
MIN_FRAME = 60  # Ethernet minimum without FCS

BCAST = 'ff:ff:ff:ff:ff:ff'

# Hosts: MAC and IPv4 address.
HOSTS = {
    'A': ('02:00:00:00:00:0a', '10.0.0.1'),
    'B': ('02:00:00:00:00:0b', '10.0.0.2'),
    'C': ('02:00:00:00:00:0c', '10.0.0.3'),
    'D': ('02:00:00:00:00:0d', '10.0.0.4'),
    'E': ('02:00:00:00:00:0e', '10.0.0.5'),
    'F': ('02:00:00:00:00:0f', '10.0.0.6'),
    'G': ('02:00:00:00:00:10', '10.0.0.7'),
    'H': ('02:00:00:00:00:11', '10.0.0.8'),
}


def mac(text):
    """mac() - bytes of a colon-separated MAC address"""
    return bytes(int(x, 16) for x in text.split(':'))


def ip4(text):
    """ip4() - bytes of a dotted IPv4 address"""
    return bytes(int(x) for x in text.split('.'))


def csum(data):
    """csum() - the Internet checksum (RFC 1071) of @data"""
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ether(dst, src, ethertype, payload, tag=None):
    """ether() - an Ethernet frame padded to 60 bytes, then tagged

    @tag: None, or (pcp, vid) for an 802.1Q tag inserted after padding, so
    a tagged frame is 64 bytes at least and 60 once the tag is stripped.
    """
    frame = mac(dst) + mac(src) + struct.pack('!H', ethertype) + payload
    frame += b'\0' * max(0, MIN_FRAME - len(frame))
    if tag is not None:
        pcp, vid = tag
        frame = frame[:12] + struct.pack('!HH', 0x8100,
                                         (pcp << 13) | vid) + frame[12:]
    return frame


def ipv4(src, dst, proto, payload, ident=0, ttl=64):
    """ipv4() - an IPv4 header (no options, checksum set) and @payload"""
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident,
                      0, ttl, proto, 0, ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
    return hdr + payload


def udp4(src, dst, sport, dport, data, ident=0):
    """udp4() - an IPv4/UDP packet with correct checksums"""
    length = 8 + len(data)
    pseudo = ip4(src) + ip4(dst) + struct.pack('!BBH', 0, 17, length)
    hdr = struct.pack('!HHHH', sport, dport, length, 0)
    c = csum(pseudo + hdr + data) or 0xffff
    hdr = hdr[:6] + struct.pack('!H', c)
    return ipv4(src, dst, 17, hdr + data, ident=ident)


def udp6(src, dst, sport, dport, data):
    """udp6() - an IPv6/UDP packet (hop limit 1) with the UDP checksum"""
    length = 8 + len(data)
    pseudo = src + dst + struct.pack('!IxxxB', length, 17)
    hdr = struct.pack('!HHHH', sport, dport, length, 0)
    c = csum(pseudo + hdr + data) or 0xffff
    hdr = hdr[:6] + struct.pack('!H', c)
    ip6 = struct.pack('!IHBB', 6 << 28, length, 17, 1) + src + dst
    return ip6 + hdr + data


def arp(op, sha, spa, tha, tpa):
    """arp() - an Ethernet/IPv4 ARP packet (op 1 request, 2 reply)"""
    return struct.pack('!HHBBH', 1, 0x0800, 6, 4, op) + \
        mac(sha) + ip4(spa) + mac(tha) + ip4(tpa)


def udp_frame(src, dst, text, tag=None, dst_mac=None, dst_ip=None,
              sport=1024, dport=9, ident=0):
    """udp_frame() - a small UDP/IPv4 frame between two HOSTS

    @src, @dst:	host names ('A'...); @dst None means broadcast
    @text:	UDP payload, names the step so diffs are readable
    @tag:	(pcp, vid) or None
    @dst_mac, @dst_ip: override the destination addresses
    """
    smac, sip = HOSTS[src]
    if dst is None:
        dmac, dip = BCAST, '10.0.0.255'
    else:
        dmac, dip = HOSTS[dst]
    dmac = dst_mac or dmac
    dip = dst_ip or dip
    return ether(dmac, smac, 0x0800,
                 udp4(sip, dip, sport, dport, text.encode(), ident=ident),
                 tag=tag)


def arp_request(src, dst):
    """arp_request() - @src asks (broadcast) for @dst's IPv4 address"""
    smac, sip = HOSTS[src]
    return ether(BCAST, smac, 0x0806,
                 arp(1, smac, sip, '00:00:00:00:00:00', HOSTS[dst][1]))


def arp_reply(src, dst):
    """arp_reply() - @src tells @dst (unicast) its MAC"""
    smac, sip = HOSTS[src]
    dmac, dip = HOSTS[dst]
    return ether(dmac, smac, 0x0806, arp(2, smac, sip, dmac, dip))


# A record is (timestamp_us, data, orig_len); orig_len None = len(data).
def rec(k, data, orig_len=None, step_us=STEP_US):
    """rec() - record number @k of a timeline"""
    return (BASE_US + k * step_us, data, orig_len)


def write_pcap(path, records, linktype=LINKTYPE_ETHERNET, snaplen=SNAPLEN):
    """write_pcap() - write @records to a classic little-endian pcap file"""
    out = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, snaplen,
                       linktype)]
    for ts, data, orig_len in records:
        assert len(data) <= snaplen
        out.append(struct.pack('<IIII', ts // 1000000, ts % 1000000,
                               len(data),
                               len(data) if orig_len is None else orig_len))
        out.append(data)
    with open(path, 'wb') as f:
        f.write(b''.join(out))


def split(sequence, names):
    """split() - per-port record lists of a (port, data) timeline"""
    files = {n: [] for n in names}
    for k, (port, data) in enumerate(sequence):
        files[port].append(rec(k, data))
    return files


def arp_samples():
    """arp_samples() - A asks for 10.0.0.2, B answers A (unicast)"""
    req = arp_request('A', 'B')
    rep = arp_reply('B', 'A')
    return {
        'arp.pcap': [rec(0, req), rec(1, rep)],
        'arp-request.pcap': [rec(0, req)],
        'arp-reply.pcap': [rec(1, rep)],
    }


def bcast_mcast_samples():
    """bcast_mcast_samples() - broadcast, IPv4 and IPv6 multicast from A"""
    a_mac, a_ip = HOSTS['A']
    ll_a = bytes.fromhex('fe80000000000000' '0000000000ff000a')
    all_nodes = bytes.fromhex('ff020000000000000000000000000001')
    frames = [
        udp_frame('A', None, 'flood 0 A->broadcast', dst_ip='255.255.255.255'),
        udp_frame('A', None, 'flood 1 A->224.0.0.251',
                  dst_mac='01:00:5e:00:00:fb', dst_ip='224.0.0.251',
                  sport=1024, dport=9),
        ether('33:33:00:00:00:01', a_mac, 0x86dd,
              udp6(ll_a, all_nodes, 1024, 9, b'flood 2 A->ff02::1')),
    ]
    return {'bcast-mcast.pcap': [rec(k, f) for k, f in enumerate(frames)]}


def learn_samples():
    """learn_samples() - learning, unknown unicast, a MAC move, filtering

    Steps 0-9 are the sequence of the replay case `learning`; step 10 (A->C
    from p2, where both now live) must be filtered.
    """
    steps = [
        ('p0', 'A', None), ('p1', 'B', 'A'), ('p0', 'A', 'B'),
        ('p2', 'C', 'A'), ('p0', 'A', 'C'), ('p1', 'B', 'C'),
        ('p0', 'A', 'D'), ('p2', 'A', 'B'), ('p1', 'B', 'A'),
        ('p2', 'C', 'B'), ('p2', 'A', 'C'),
    ]
    seq = []
    for k, (port, src, dst) in enumerate(steps):
        if dst is None:
            data = arp_request(src, 'B')
        else:
            data = udp_frame(src, dst, 'step %d %s->%s' % (k, src, dst),
                             ident=k)
        seq.append((port, data))
    files = split(seq, ['p0', 'p1', 'p2'])
    return {'learn-%s.pcap' % p: r for p, r in files.items()}


def vlan_samples():
    """vlan_samples() - access, trunk and native-VLAN ports (case `vlan`)

    Ports: a10 vlan=10, b10 vlan=10, a20 vlan=20, t (trunk, native 0),
    n (vlan=10,trunk=on). A tag is (pcp, vid).
    """
    U = None
    steps = [
        ('a10', 'A', None, U, 'A->bcast untagged, vlan 10'),
        ('t', 'B', 'A', (5, 10), 'B->A vid 10 pcp 5'),
        ('a10', 'A', 'B', U, 'A->B untagged, vlan 10'),
        ('a20', 'C', None, U, 'C->bcast untagged, vlan 20'),
        ('t', 'D', 'C', (3, 20), 'D->C vid 20 pcp 3'),
        ('t', 'E', None, U, 'E->bcast untagged, vlan 0'),
        ('n', 'F', 'A', U, 'F->A untagged, native 10'),
        ('n', 'F', 'C', (0, 20), 'F->C vid 20'),
        ('b10', 'B', 'A', (0, 10), 'B->A tagged on access port'),
        ('n', 'F', 'B', (6, 0), 'F->B priority tag pcp 6'),
        ('a20', 'A', 'B', U, 'A->B untagged, vlan 20'),
        ('t', 'B', 'A', (0, 10), 'B->A vid 10'),
        ('t', 'G', None, (0, 30), 'G->bcast vid 30'),
        ('b10', 'H', 'F', U, 'H->F untagged, vlan 10'),
    ]
    seq = []
    for k, (port, src, dst, tag, what) in enumerate(steps):
        seq.append((port, udp_frame(src, dst, 'vlan %d %s' % (k, what),
                                    tag=tag, ident=k)))
    files = split(seq, ['a10', 'b10', 'a20', 't', 'n'])
    out = {'vlan-%s.pcap' % p: r for p, r in files.items()}
    out['vlan.pcap'] = [rec(k, d) for k, (p, d) in enumerate(seq)]
    return out


def big_frame(src, total, text):
    """big_frame() - a UDP broadcast frame of exactly @total bytes"""
    smac, sip = HOSTS[src]
    head = text.encode()
    fill = total - 14 - 20 - 8 - len(head)
    data = head + bytes((i * 7 + 3) & 0xff for i in range(fill))
    frame = ether(BCAST, smac, 0x0800, udp4(sip, '10.0.0.255', 1024, 9, data))
    assert len(frame) == total
    return frame


def size_samples():
    """size_samples() - a jumbo frame; frames at and past 1514 bytes"""
    return {
        'jumbo.pcap': [rec(0, big_frame('A', 9014, 'jumbo 0 A->bcast '))],
        'mtu-edge.pcap': [
            rec(0, big_frame('A', 1514, 'mtu-edge 0 A->bcast 1514 bytes ')),
            rec(1, big_frame('A', 1515, 'mtu-edge 1 A->bcast 1515 bytes ')),
        ],
    }


def bad_input_samples():
    """bad_input_samples() - runts, a snaplen-cut frame, bad source MACs"""
    good = udp_frame('A', None, 'good frame after bad ones')
    cut = big_frame('A', 1000, 'truncated 0 A->bcast ')
    bad_mcast = ether(BCAST, '01:00:5e:00:00:01', 0x0800,
                      udp4('10.0.0.9', '10.0.0.255', 1024, 9,
                           b'bad-src 0 multicast source'))
    bad_zero = ether(BCAST, '00:00:00:00:00:00', 0x0800,
                     udp4('10.0.0.9', '10.0.0.255', 1024, 9,
                          b'bad-src 1 zero source'))
    return {
        'runt.pcap': [rec(0, good[:10]), rec(1, b''), rec(2, good)],
        'truncated.pcap': [rec(0, cut[:100], orig_len=1000), rec(1, good)],
        'bad-src.pcap': [rec(0, bad_mcast), rec(1, bad_zero), rec(2, good)],
    }


def macflood_samples():
    """macflood_samples() - 2000 broadcasts from distinct MACs, then probes

    macflood.pcap: frame i at BASE + i * 100 us from 02:01:00:00:HH:LL
    (i = 0xHHLL). macflood-probe.pcap, 0.5 s later: B to the first source
    (learned under a learn limit of 1024) and to the last (not learned).
    """
    flood = []
    for i in range(2000):
        smac = '02:01:00:00:%02x:%02x' % (i >> 8, i & 0xff)
        data = ether(BCAST, smac, 0x0800,
                     udp4('10.1.%d.%d' % (i >> 8, i & 0xff), '10.1.255.255',
                          1024, 9, b'macflood %d' % i, ident=i & 0xffff))
        flood.append(rec(i, data, step_us=100))
    probe = [
        rec(25, udp_frame('B', None, 'probe 0 B->first flood MAC',
                          dst_mac='02:01:00:00:00:00', dst_ip='10.1.0.0')),
        rec(26, udp_frame('B', None, 'probe 1 B->last flood MAC',
                          dst_mac='02:01:00:00:07:cf', dst_ip='10.1.7.207')),
    ]
    return {'macflood.pcap': flood, 'macflood-probe.pcap': probe}


# Hostile offload metadata: LINKTYPE_USER0 captures whose records are a
# struct virtio_net_hdr (10 bytes, little-endian) and the frame after it.
LINKTYPE_USER0 = 147
VNET_SNAPLEN = 262144
NEEDS_CSUM = 1
GSO_TCPV4, GSO_UDP, GSO_TCPV6 = 1, 3, 4


def vnet(flags=0, gso=0, hdr_len=0, gso_size=0, start=0, offset=0):
    """vnet() - a struct virtio_net_hdr"""
    return struct.pack('<BBHHHH', flags, gso, hdr_len, gso_size, start,
                       offset)


def tcp4(src, dst, data, doff=5):
    """tcp4() - A->B TCP/IPv4 frame, ACK|PSH, checksums correct"""
    (smac, sip), (dmac, dip) = HOSTS[src], HOSTS[dst]
    hdr = struct.pack('!HHIIBBHHH', 40000, 5001, 1000, 1, doff << 4, 0x18,
                      65535, 0, 0) + bytes((doff - 5) * 4)
    pseudo = ip4(sip) + ip4(dip) + struct.pack('!BBH', 0, 6,
                                               len(hdr) + len(data))
    c = csum(pseudo + hdr + data)
    hdr = hdr[:16] + struct.pack('!H', c) + hdr[18:]
    return ether(dmac, smac, 0x0800, ipv4(sip, dip, 6, hdr + data))


def offload_samples():
    """offload_samples() - frames with virtio headers a switch must refuse

    vnet-*.pcap are injected into a tap with their header (AF_PACKET,
    PACKET_VNET_HDR), offload-*.pcap are plain frames a virtio-user
    front-end sends with a header it derives from them.
    """
    data = bytes((i * 13 + 5) & 0xff for i in range(10000))
    big = tcp4('A', 'B', data)                               # 10054 bytes
    udp = udp_frame('A', 'B', 'x' * 3000)
    tso = vnet(NEEDS_CSUM, GSO_TCPV4, 54, 1448, 34, 16)
    huge = tcp4('A', 'B', bytes(65535 - 40))  # 64 KB of IP, then more
    huge += bytes(66000 - len(huge))
    cut = tcp4('A', 'B', b'', doff=15)[:54]
    cut += bytes(60 - len(cut))
    files = {
        'vnet-gso-size-0.pcap': vnet(NEEDS_CSUM, GSO_TCPV4, 54, 0, 34,
                                     16) + big,
        'vnet-gso-on-udp.pcap': tso + udp,
        'vnet-tcpv6-on-v4.pcap': vnet(NEEDS_CSUM, GSO_TCPV6, 54, 1448, 34,
                                      16) + big,
        'vnet-tiny-mss.pcap': vnet(NEEDS_CSUM, GSO_TCPV4, 54, 1, 34,
                                   16) + big,
        'vnet-csum-outside.pcap': vnet(NEEDS_CSUM, 0, 0, 0, 60000, 16) +
        tcp4('A', 'B', data[:100]),
        'vnet-csum-offset.pcap': vnet(NEEDS_CSUM, 0, 0, 0, 34, 65000) +
        tcp4('A', 'B', data[:100]),
        'vnet-hdr-len.pcap': vnet(NEEDS_CSUM, GSO_TCPV4, 65535, 1448, 34,
                                  16) + big,
        'vnet-over-64k.pcap': tso + huge,
        'vnet-truncated-tcp.pcap': tso + cut,
    }
    out = {n: ([rec(0, d)], LINKTYPE_USER0, VNET_SNAPLEN)
           for n, d in files.items()}
    out['offload-truncated-tcp.pcap'] = ([rec(0, cut)], LINKTYPE_ETHERNET,
                                         SNAPLEN)
    return out


def main():
    """main() - write every sample into OUTDIR"""
    outdir = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.abspath(__file__))
    samples = {}
    for gen in (arp_samples, bcast_mcast_samples, learn_samples,
                vlan_samples, size_samples, bad_input_samples,
                macflood_samples):
        samples.update(gen())
    for name, (recs, linktype, snaplen) in offload_samples().items():
        write_pcap(os.path.join(outdir, name), recs, linktype, snaplen)
        print('wrote %s (%d frames)' % (name, len(recs)))
    for name in sorted(samples):
        write_pcap(os.path.join(outdir, name), samples[name])
        print('wrote %s (%d frames)' % (name, len(samples[name])))


if __name__ == '__main__':
    main()
