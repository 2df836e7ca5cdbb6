#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make-corpus.py - seed corpus for tests/fuzz/fuzz_offload.c

Each file: a 10-byte virtio_net_hdr, one byte choosing the output port's
capabilities (bits 0-1: none / multiseg / +csum / +TSO; bit 2: 1514-byte
limit), then an Ethernet frame. Seeds: every frame of pcap-samples/ with an
empty header (the vnet-*.pcap samples with their own virtio headers), valid TSO and checksum-offload frames over IPv4 and IPv6, and
the hostile headers the switch must refuse (described in README.md).
Run from the repository root; writes tests/fuzz/corpus/.
"""
import glob
import os
import struct

OUT = 'tests/fuzz/corpus'
NEEDS_CSUM = 1
GSO_NONE, GSO_TCPV4, GSO_UDP, GSO_TCPV6 = 0, 1, 3, 4
LINKTYPE_USER0 = 147  # pcap-samples/vnet-*.pcap: virtio_net_hdr + frame


def vnet(flags=0, gso=GSO_NONE, hdr_len=0, gso_size=0, start=0, off=0):
    """A struct virtio_net_hdr, little endian as on x86."""
    return struct.pack('<BBHHHH', flags, gso, hdr_len, gso_size, start, off)


def csum(data):
    """Internet checksum."""
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(ethertype):
    """An Ethernet header between two locally administered MACs."""
    return bytes.fromhex('020000000002020000000001') + struct.pack('!H', ethertype)


def tcp4(payload, partial=True):
    """A TCP/IPv4 frame; checksum partial (pseudo-header only) or full."""
    tcp = struct.pack('!HHIIBBHHH', 40000, 5201, 1000, 0, 5 << 4, 0x18,
                      65535, 0, 0)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp) + len(payload),
                     7, 0x4000, 64, 6, 0, bytes([10, 0, 0, 1]),
                     bytes([10, 0, 0, 2]))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    phdr = ip[12:20] + struct.pack('!BBH', 0, 6, len(tcp) + len(payload))
    if partial:
        ck = ~csum(phdr) & 0xffff
    else:
        ck = csum(phdr + tcp + payload)
    tcp = tcp[:16] + struct.pack('!H', ck) + tcp[18:]
    return eth(0x0800) + ip + tcp + payload


def tcp6(payload):
    """A TCP/IPv6 frame with a partial checksum."""
    tcp = struct.pack('!HHIIBBHHH', 40000, 5201, 1000, 0, 5 << 4, 0x18,
                      65535, 0, 0)
    src = bytes.fromhex('fd000000000000000000000000000001')
    dst = bytes.fromhex('fd000000000000000000000000000002')
    ip = struct.pack('!IHBB', 6 << 28, len(tcp) + len(payload), 6, 64) + src + dst
    phdr = src + dst + struct.pack('!IxxxB', len(tcp) + len(payload), 6)
    tcp = tcp[:16] + struct.pack('!H', ~csum(phdr) & 0xffff) + tcp[18:]
    return eth(0x86dd) + ip + tcp + payload


def udp4(payload):
    """A UDP/IPv4 frame with a zero checksum."""
    udp = struct.pack('!HHHH', 5353, 53, 8 + len(payload), 0)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 28 + len(payload), 9, 0, 64,
                     17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return eth(0x0800) + ip + udp + payload


def pcap_linktype(path):
    """The link type of a classic pcap file."""
    with open(path, 'rb') as f:
        return struct.unpack('<I', f.read(24)[20:24])[0]


def pcap_frames(path):
    """The records of a classic pcap file."""
    with open(path, 'rb') as f:
        data = f.read()
    off, frames = 24, []
    while off + 16 <= len(data):
        caplen = struct.unpack('<I', data[off + 8:off + 12])[0]
        frames.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return frames


def main():
    """Write the seed corpus."""
    os.makedirs(OUT, exist_ok=True)
    seeds = {}
    for path in sorted(glob.glob('pcap-samples/*.pcap')):
        name = os.path.basename(path)[:-5]
        if pcap_linktype(path) == LINKTYPE_USER0:
            # virtio_net_hdr + frame: hostile headers, for every port kind
            for i, rec in enumerate(pcap_frames(path)[:2]):
                for caps in (1, 3):
                    seeds['sample-%s-%d-caps%d' % (name, i, caps)] = \
                        rec[:10] + bytes([caps]) + rec[10:]
            continue
        for i, fr in enumerate(pcap_frames(path)[:8]):
            seeds['sample-%s-%d' % (name, i)] = vnet() + b'\x01' + fr
    big = bytes(range(256)) * 40                     # 10240 bytes
    hdr4, hdr6 = 14 + 20 + 20, 14 + 40 + 20
    for caps in range(4):
        c = bytes([caps])
        seeds['tso4-caps%d' % caps] = vnet(NEEDS_CSUM, GSO_TCPV4, hdr4, 1448, 34, 16) + c + tcp4(big)
        seeds['tso6-caps%d' % caps] = vnet(NEEDS_CSUM, GSO_TCPV6, hdr6, 1428, 54, 16) + c + tcp6(big)
        seeds['csum4-caps%d' % caps] = vnet(NEEDS_CSUM, 0, 0, 0, 34, 16) + c + tcp4(big[:1000])
        seeds['ufo-caps%d' % caps] = vnet(NEEDS_CSUM, GSO_UDP, 42, 1400, 34, 6) + c + udp4(big[:4000])
    # Hostile headers (see README.md): each must be refused or handled.
    seeds['bad-gso-size-0'] = vnet(NEEDS_CSUM, GSO_TCPV4, hdr4, 0, 34, 16) + b'\x00' + tcp4(big)
    seeds['bad-csum-outside'] = vnet(NEEDS_CSUM, 0, 0, 0, 60000, 16) + b'\x00' + tcp4(big[:100])
    seeds['bad-csum-offset'] = vnet(NEEDS_CSUM, 0, 0, 0, 34, 65000) + b'\x00' + tcp4(big[:100])
    seeds['bad-gso-on-udp'] = vnet(NEEDS_CSUM, GSO_TCPV4, hdr4, 1448, 34, 16) + b'\x00' + udp4(big[:3000])
    seeds['bad-tcpv6-on-v4'] = vnet(NEEDS_CSUM, GSO_TCPV6, hdr4, 1448, 34, 16) + b'\x00' + tcp4(big)
    seeds['bad-hdr-len'] = vnet(NEEDS_CSUM, GSO_TCPV4, 65535, 1448, 34, 16) + b'\x00' + tcp4(big)
    seeds['bad-tiny-mss'] = vnet(NEEDS_CSUM, GSO_TCPV4, hdr4, 1, 34, 16) + b'\x00' + tcp4(big)
    seeds['bad-truncated-tcp'] = vnet(NEEDS_CSUM, GSO_TCPV4, hdr4, 1448, 34, 16) + b'\x00' + tcp4(big)[:40]
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(data)
    print('%d seeds in %s' % (len(seeds), OUT))


if __name__ == '__main__':
    main()
