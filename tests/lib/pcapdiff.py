#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""pcapdiff.py - compare two pcap files packet by packet, bytes only

Timestamps and the original-length field are ignored; the captured bytes
of every packet and the packet count must match. On the first mismatch it
prints which packet differs, both lengths and a hex dump of both around the
first differing byte.

Usage: pcapdiff.py A B
Exit: 0 equal, 1 different or unreadable (the reason is printed)
"""

import struct
import sys

CONTEXT = 16  # bytes shown before the first difference
SHOWN = 48  # bytes shown in all


def read_packets(path):
    """read_packets() - captured bytes of every record of a classic pcap

    Return: list of bytes
    """
    with open(path, 'rb') as f:
        buf = f.read()
    if len(buf) < 24:
        raise ValueError('%s: %d bytes, too short for a pcap header'
                         % (path, len(buf)))
    for endian in '<>':
        if struct.unpack(endian + 'I', buf[:4])[0] in (0xa1b2c3d4,
                                                        0xa1b23c4d):
            break
    else:
        raise ValueError('%s: not a classic pcap file (magic %s)'
                         % (path, buf[:4].hex()))
    pkts, off = [], 24
    while off < len(buf):
        if off + 16 > len(buf):
            raise ValueError('%s: record header %d cut short'
                             % (path, len(pkts)))
        caplen = struct.unpack(endian + 'I', buf[off + 8:off + 12])[0]
        data = buf[off + 16:off + 16 + caplen]
        if len(data) != caplen:
            raise ValueError('%s: record %d cut short' % (path, len(pkts)))
        pkts.append(data)
        off += 16 + caplen
    return pkts


def summary(data):
    """summary() - 'dst < src type' of an Ethernet frame, for messages"""
    if len(data) < 14:
        return '%d-byte runt' % len(data)

    def fmt(b):
        return ':'.join('%02x' % x for x in b)
    text = '%s > %s type 0x%04x' % (fmt(data[6:12]), fmt(data[0:6]),
                                    struct.unpack('!H', data[12:14])[0])
    if data[12:14] == b'\x81\x00' and len(data) >= 18:
        tci = struct.unpack('!H', data[14:16])[0]
        text += ' vlan %d pcp %d' % (tci & 0xfff, tci >> 13)
    return text


def hexdump(data, start, mark):
    """hexdump() - lines of 16 bytes from @start, '*' before byte @mark"""
    lines = []
    for off in range(start, min(len(data), start + SHOWN), 16):
        cells = []
        for i in range(off, min(len(data), off + 16)):
            cells.append(('*' if i == mark else ' ') + '%02x' % data[i])
        lines.append('    %04x:%s' % (off, ''.join(cells)))
    if start >= len(data):
        lines.append('    %04x: (end of packet)' % start)
    return lines


def compare(a_path, b_path, a, b):
    """compare() - print the first difference of two packet lists

    Return: True when equal
    """
    for i, (pa, pb) in enumerate(zip(a, b)):
        if pa == pb:
            continue
        diff = next((k for k in range(min(len(pa), len(pb)))
                     if pa[k] != pb[k]), min(len(pa), len(pb)))
        print('packet %d differs (numbered from 1): %s has %d bytes, '
              '%s has %d; first difference at byte %d (0x%x)'
              % (i + 1, a_path, len(pa), b_path, len(pb), diff, diff))
        start = max(0, diff - CONTEXT) & ~15
        for path, p in ((a_path, pa), (b_path, pb)):
            print('  %s: %s' % (path, summary(p)))
            print('\n'.join(hexdump(p, start, diff)))
        return False
    if len(a) != len(b):
        longer, path = (a, a_path) if len(a) > len(b) else (b, b_path)
        print('%s has %d packets, %s has %d; first extra packet (%d) in '
              '%s: %d bytes, %s' % (a_path, len(a), b_path, len(b),
                                    min(len(a), len(b)) + 1, path,
                                    len(longer[min(len(a), len(b))]),
                                    summary(longer[min(len(a), len(b))])))
        return False
    return True


def main():
    """main() - compare the two files named on the command line"""
    if len(sys.argv) != 3:
        print('usage: %s A B' % sys.argv[0], file=sys.stderr)
        return 1
    try:
        a = read_packets(sys.argv[1])
        b = read_packets(sys.argv[2])
    except (OSError, ValueError) as e:
        print('pcapdiff: %s' % e, file=sys.stderr)
        return 1
    return 0 if compare(sys.argv[1], sys.argv[2], a, b) else 1


if __name__ == '__main__':
    sys.exit(main())
