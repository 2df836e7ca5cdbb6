#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""offload_frames.py - make, send, capture and check the offload tests' frames

The offload tests send TCP and UDP flows whose payload is known (byte k of
flow F is pattern(F)[k % 65521]), so whatever reaches a receiver - whole
super-frames, segments, IPv4 fragments - can be reassembled and compared
byte for byte, and every checksum checked as that receiver sees it.

  gen OUT.pcap FLOW...       frames of the flows, prints how many
                             (Ethernet pcap, or with
                             --vnet a LINKTYPE_USER0 pcap whose records are
                             a 10-byte virtio_net_hdr and the frame)
  sniff IFACE OUT.pcap       capture frames IFACE receives, with the virtio
                             header the kernel keeps for them (AF_PACKET,
                             PACKET_VNET_HDR), until SIGTERM or until
                             OUT.pcap.stop exists; USER0 pcap, then
                             OUT.pcap.done
  inject IFACE IN.pcap       send every record of IN (Ethernet or USER0)
                             through AF_PACKET with its virtio header, so
                             the kernel builds GSO/partial-checksum skbs
  check IN.pcap FLOW...      reassemble the flows from IN and print one
                             JSON object per flow; exit 1 on a problem
  csums IN.pcap              check the checksums of every TCP/UDP frame
                             of IN (any flow); one JSON object
  udp-send ADDR PORT FLOW    send a UDP flow's payload through a socket
  udp-recv ADDR PORT FLOW READY  receive it on a socket (touch READY
                             once bound) and check it, as `check` does

FLOW is comma-separated key=value: name, proto (tcp|udp), af (4|6), smac,
dmac, src, dst, sport, dport, bytes (payload total), chunk (payload per
frame: a super-frame when above the MTU), mss (TCP gso_size for --vnet),
csum (full|partial: checksum complete, or only the pseudo-header sum),
seq (TCP initial sequence number); sport=0 matches any source port.
proto=arp makes one ARP request from smac/src for dst.

Checksums, as a receiver sees them: the IPv4 header checksum must verify;
a TCP/UDP checksum must verify, unless the frame was handed over as
"checksum partial" (the virtio header says NEEDS_CSUM; in a plain pcap,
--partial-ok allows it) - then the field must hold the pseudo-header sum
including the L4 length, which is what Linux's GSO and a NIC complete.
--dpdk-seed also accepts DPDK's seed without the length, which rte_vhost
writes into the TSO frames it hands a guest.
"""

import json
import os
import signal
import socket
import struct
import sys

LINKTYPE_ETHERNET = 1
LINKTYPE_USER0 = 147
PATTERN_LEN = 65521  # prime: a misplaced segment never matches by chance
NEEDS_CSUM = 1
GSO = {'none': 0, 'tcpv4': 1, 'udp': 3, 'tcpv6': 4}
SOL_PACKET = 263
PACKET_VNET_HDR = 15
ETH_P_ALL = 3
PACKET_OUTGOING = 4


def pattern(name):
    """pattern() - the payload bytes of flow @name, PATTERN_LEN long"""
    seed = sum(name.encode()) * 2654435761 & 0xffffffff
    out = bytearray(PATTERN_LEN)
    x = seed or 1
    for i in range(PATTERN_LEN):
        x ^= (x << 13) & 0xffffffff
        x ^= x >> 17
        x ^= (x << 5) & 0xffffffff
        out[i] = x & 0xff
    return bytes(out)


def payload(name, off, length, cache={}):
    """payload() - @length bytes of flow @name from stream offset @off"""
    if name not in cache:
        cache[name] = pattern(name) * 2
    p = cache[name]
    out = bytearray()
    while length:
        start = off % PATTERN_LEN
        n = min(length, PATTERN_LEN)
        out += p[start:start + n]
        off += n
        length -= n
    return bytes(out)


def fold(s):
    """fold() - fold a 32-bit one's-complement sum to 16 bits"""
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def csum_sum(data):
    """csum_sum() - the one's-complement sum of @data (not inverted)"""
    if len(data) % 2:
        data += b'\0'
    return fold(sum(memoryview(data).cast('H')))


def be_sum(data):
    """be_sum() - the one's-complement sum of @data as a big-endian value"""
    return socket.ntohs(csum_sum(data)) if sys.byteorder == 'little' \
        else csum_sum(data)


def csum(data):
    """csum() - the Internet checksum of @data (store it big-endian)"""
    return ~be_sum(data) & 0xffff


def mac(text):
    """mac() - bytes of a colon-separated MAC address"""
    return bytes(int(x, 16) for x in text.split(':'))


def pseudo(af, src, dst, proto, length):
    """pseudo() - the pseudo-header bytes"""
    if af == 4:
        return src + dst + struct.pack('!BBH', 0, proto, length)
    return src + dst + struct.pack('!IxxxB', length, proto)


def parse_flow(text):
    """parse_flow() - a FLOW argument as a dict with defaults"""
    f = {'proto': 'tcp', 'af': '4', 'sport': '40000', 'dport': '5001',
         'bytes': '60000', 'chunk': '60000', 'mss': '1448', 'csum': 'full',
         'seq': '1000', 'smac': '02:00:00:00:0f:01',
         'dmac': 'ff:ff:ff:ff:ff:ff'}
    for kv in text.split(','):
        k, _, v = kv.partition('=')
        f[k] = v
    for k in ('af', 'sport', 'dport', 'bytes', 'chunk', 'mss', 'seq'):
        f[k] = int(f[k])
    fam = socket.AF_INET if f['af'] == 4 else socket.AF_INET6
    any_addr = '0.0.0.0' if f['af'] == 4 else '::'
    f['src_b'] = socket.inet_pton(fam, f.get('src', any_addr))
    f['dst_b'] = socket.inet_pton(fam, f.get('dst', any_addr))
    f['proto_n'] = {'tcp': 6, 'udp': 17}.get(f['proto'], 0)
    return f


def l4_packet(f, off, data, last):
    """l4_packet() - TCP segment or UDP datagram carrying @data at @off

    Return: (l4 bytes, offset of its checksum field)
    """
    if f['proto'] == 'tcp':
        flags = 0x18 if last else 0x10  # PSH on the last, ACK always
        hdr = struct.pack('!HHIIBBHHH', f['sport'], f['dport'],
                          (f['seq'] + off) & 0xffffffff, 1, 5 << 4, flags,
                          65535, 0, 0)
        return hdr + data, 16
    hdr = struct.pack('!HHHH', f['sport'], f['dport'], 8 + len(data), 0)
    return hdr + data, 6


def frame(f, off, data, last, ident):
    """frame() - one Ethernet frame of flow @f, checksums as f['csum']

    Return: (frame, l3 offset, l4 offset, checksum field offset)
    """
    l4, ck = l4_packet(f, off, data, last)
    ph = pseudo(f['af'], f['src_b'], f['dst_b'], f['proto_n'], len(l4))
    if f['csum'] == 'partial':
        value = struct.pack('!H', be_sum(ph))
    else:
        c = csum(ph + l4)
        if f['proto'] == 'udp' and c == 0:
            c = 0xffff
        value = struct.pack('!H', c)
    l4 = l4[:ck] + value + l4[ck + 2:]
    if f['af'] == 4:
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), ident,
                         0x4000, 64, f['proto_n'], 0, f['src_b'],
                         f['dst_b'])
        ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
        et = 0x0800
    else:
        ip = struct.pack('!IHBB', 6 << 28, len(l4), f['proto_n'], 64) + \
            f['src_b'] + f['dst_b']
        et = 0x86dd
    eth = mac(f['dmac']) + mac(f['smac']) + struct.pack('!H', et)
    l4_off = 14 + len(ip)
    return eth + ip + l4, 14, l4_off, l4_off + ck


def vnet_for(f, fr, l4_off, ck_off):
    """vnet_for() - the virtio_net_hdr a guest would send with @fr"""
    flags = NEEDS_CSUM if f['csum'] == 'partial' else 0
    gso, size, hdr_len = 0, 0, 0
    pay = len(fr) - l4_off - (20 if f['proto'] == 'tcp' else 8)
    if f['proto'] == 'tcp' and pay > f['mss']:
        gso = GSO['tcpv4'] if f['af'] == 4 else GSO['tcpv6']
        size, hdr_len = f['mss'], l4_off + 20
    return struct.pack('<BBHHHH', flags, gso, hdr_len, size,
                       l4_off if flags else 0, ck_off - l4_off if flags else 0)


def arp_request(f):
    """arp_request() - f['smac'] at f['src'] asks who has f['dst']"""
    body = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + mac(f['smac']) + \
        f['src_b'] + bytes(6) + f['dst_b']
    fr = mac('ff:ff:ff:ff:ff:ff') + mac(f['smac']) + b'\x08\x06' + body
    return fr + bytes(60 - len(fr))


def flow_frames(f):
    """flow_frames() - (vnet header, frame) of every frame of flow @f"""
    if f['proto'] == 'arp':
        return [(bytes(10), arp_request(f))]
    out, off, ident = [], 0, 1
    while off < f['bytes']:
        n = min(f['chunk'], f['bytes'] - off)
        fr, _, l4_off, ck_off = frame(f, off, payload(f['name'], off, n),
                                      off + n >= f['bytes'], ident)
        out.append((vnet_for(f, fr, l4_off, ck_off), fr))
        off += n
        ident += 1
    return out


def write_pcap(path, records, linktype):
    """write_pcap() - records (bytes) to a classic pcap, 1 ms apart"""
    with open(path, 'wb') as out:
        out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144,
                              linktype))
        for i, data in enumerate(records):
            out.write(struct.pack('<IIII', 1700000000, i * 1000, len(data),
                                  len(data)))
            out.write(data)


def read_pcap(path):
    """read_pcap() - (linktype, [(wire length, data)]) of a classic pcap"""
    with open(path, 'rb') as fh:
        data = fh.read()
    if len(data) < 24:
        return LINKTYPE_ETHERNET, []
    magic = struct.unpack('<I', data[:4])[0]
    end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    linktype = struct.unpack(end + 'I', data[20:24])[0]
    off, recs = 24, []
    while off + 16 <= len(data):
        caplen, wire = struct.unpack(end + 'II', data[off + 8:off + 16])
        recs.append((wire, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return linktype, recs


def cmd_gen(args):
    """cmd_gen() - write the frames of the flows"""
    vnet = '--vnet' in args
    args = [a for a in args if a != '--vnet']
    recs = []
    for spec in args[1:]:
        for v, fr in flow_frames(parse_flow(spec)):
            recs.append(v + fr if vnet else fr)
    write_pcap(args[0], recs, LINKTYPE_USER0 if vnet else LINKTYPE_ETHERNET)
    print(len(recs))
    return 0


def cmd_sniff(args):
    """cmd_sniff() - capture received frames with their virtio header"""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
    s.bind((args[0], ETH_P_ALL))
    recs, stop = [], []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    s.settimeout(0.2)
    open(args[1] + '.ready', 'w').close()
    while not stop and not os.path.exists(args[1] + '.stop'):
        try:
            data, addr = s.recvfrom(262144)
        except (socket.timeout, InterruptedError):
            continue
        except OSError:  # ENETDOWN while the link flaps: keep listening
            continue
        if addr[2] != PACKET_OUTGOING:
            recs.append(data)
    write_pcap(args[1], recs, LINKTYPE_USER0)
    open(args[1] + '.done', 'w').close()
    return 0


def cmd_inject(args):
    """cmd_inject() - send the records of a pcap with their virtio header"""
    linktype, recs = read_pcap(args[1])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 << 20)
    s.bind((args[0], 0))
    sent = failed = 0
    for _, data in recs:
        if linktype != LINKTYPE_USER0:
            data = bytes(10) + data
        try:
            s.send(data)
            sent += 1
        except OSError as e:
            failed += 1
            print('inject: %s' % e, file=sys.stderr)
    print(json.dumps({'sent': sent, 'refused': failed}))
    return 0


class Flow:
    """Reassembly state of one flow in a capture."""

    def __init__(self, spec):
        self.f = parse_flow(spec)
        self.frames = self.gso = self.partial = self.max_frame = 0
        self.bad_csum = self.bad_data = 0
        self.got = {}  # stream offset -> length, of verified payload
        self.frags = {}  # IPv4 id -> {offset: bytes}
        self.notes = []

    def note(self, text):
        """note() - remember the first few problems"""
        if len(self.notes) < 5:
            self.notes.append(text)

    def data(self, off, data):
        """data() - payload @data at stream offset @off: compare"""
        if data != payload(self.f['name'], off, len(data)):
            self.bad_data += 1
            self.note('payload differs at offset %d (%d bytes)' %
                      (off, len(data)))
            return
        self.got[off] = max(self.got.get(off, 0), len(data))

    def l4(self, l4, ph_af, src, dst, partial):
        """l4() - check a whole TCP segment or UDP datagram"""
        f = self.f
        verdict = l4_csum(l4, ph_af, src, dst, f['proto_n'], partial)
        if verdict == 'partial':
            self.partial += 1
        elif verdict != 'ok':
            self.bad_csum += 1
            self.note('%s (%s, %d bytes)' %
                      (verdict, 'partial' if partial else 'complete',
                       len(l4)))
            return
        if f['proto'] == 'tcp':
            seq = struct.unpack('!I', l4[4:8])[0]
            hl = (l4[12] >> 4) * 4
            if len(l4) > hl:
                self.data((seq - f['seq']) & 0xffffffff, l4[hl:])
        else:
            self.udp_payload(l4[8:])

    def udp_payload(self, data):
        """udp_payload() - a datagram: its offset is in the first 4 bytes?
        No: datagrams are chunk-sized, so find it by content"""
        f = self.f
        for k in range(0, max(f['bytes'], 1), f['chunk']):
            n = min(f['chunk'], f['bytes'] - k)
            if n == len(data) and data == payload(f['name'], k, n):
                self.got[k] = n
                return
        self.bad_data += 1
        self.note('UDP datagram of %d bytes matches no chunk' % len(data))

    def done(self):
        """done() - the summary of this flow"""
        covered, pos = 0, 0
        for off in sorted(self.got):
            end = off + self.got[off]
            if end > pos:
                covered += end - max(off, pos)
                pos = end
        ok = covered == self.f['bytes'] and not self.bad_csum and \
            not self.bad_data
        return {'flow': self.f['name'], 'ok': ok, 'frames': self.frames,
                'max_frame': self.max_frame, 'gso': self.gso,
                'partial': self.partial, 'bytes': covered,
                'expected': self.f['bytes'], 'bad_csum': self.bad_csum,
                'bad_data': self.bad_data, 'notes': self.notes}


DPDK_SEED = []


def l4_csum(l4, af, src, dst, proto, partial):
    """l4_csum() - 'ok', 'partial' (a correct seed), or what is wrong"""
    ck = 16 if proto == 6 else 6
    if len(l4) < ck + 2:
        return 'short %s header' % ('TCP' if proto == 6 else 'UDP')
    ph = pseudo(af, src, dst, proto, len(l4))
    field = struct.unpack('!H', l4[ck:ck + 2])[0]
    if csum_sum(ph + l4) == 0xffff or (proto == 17 and field == 0 and
                                       af == 4):
        return 'ok'
    if partial and (field == be_sum(ph) or
                    (DPDK_SEED and field == be_sum(pseudo(af, src, dst,
                                                          proto, 0)))):
        return 'partial'
    return 'bad %s checksum 0x%04x' % ('TCP' if proto == 6 else 'UDP', field)


def match(flows, af, proto, src, dst, l4):
    """match() - the flow a packet belongs to, or None"""
    for fl in flows:
        f = fl.f
        if f['af'] != af or f['proto_n'] != proto or f['src_b'] != src or \
                f['dst_b'] != dst:
            continue
        if l4 is None:
            return fl
        sport, dport = struct.unpack('!HH', l4[:4])
        if f['sport'] in (0, sport) and dport == f['dport']:
            return fl
    return None


def check_frame(flows, fr, vnet, partial_ok):
    """check_frame() - account one captured frame to its flow"""
    et = struct.unpack('!H', fr[12:14])[0]
    partial = partial_ok if vnet is None else bool(vnet[0] & NEEDS_CSUM)
    gso = vnet is not None and vnet[1] != 0
    if et == 0x0800 and len(fr) >= 34:
        ihl = (fr[14] & 15) * 4
        tot, ident, fragoff, proto = struct.unpack('!xxHHHxB', fr[14:24])
        src, dst = fr[26:30], fr[30:34]
        fl = match(flows, 4, proto, src, dst,
                   fr[14 + ihl:18 + ihl] if not fragoff & 0x1fff else None)
        if fl is None:
            return
        fl.frames += 1
        fl.gso += gso
        fl.max_frame = max(fl.max_frame, len(fr))
        if csum_sum(fr[14:14 + ihl]) != 0xffff:
            fl.bad_csum += 1
            fl.note('bad IPv4 header checksum')
            return
        body = fr[14 + ihl:14 + tot]
        if fragoff & 0x3fff & ~0x4000:
            parts = fl.frags.setdefault(ident, {})
            parts[(fragoff & 0x1fff) * 8] = (body, not fragoff & 0x2000)
            whole = reassemble(parts)
            if whole is None:
                return
            del fl.frags[ident]
            body = whole
        fl.l4(body, 4, src, dst, partial)
    elif et == 0x86dd and len(fr) >= 54:
        plen, nh = struct.unpack('!HB', fr[18:21])
        src, dst = fr[22:38], fr[38:54]
        fl = match(flows, 6, nh, src, dst, fr[54:58])
        if fl is None:
            return
        fl.frames += 1
        fl.gso += gso
        fl.max_frame = max(fl.max_frame, len(fr))
        fl.l4(fr[54:54 + plen], 6, src, dst, partial)


def reassemble(parts):
    """reassemble() - an IPv4 datagram from its fragments, or None"""
    out, pos, last = b'', 0, False
    for off in sorted(parts):
        if off != pos:
            return None
        body, is_last = parts[off]
        out += body
        pos += len(body)
        last = is_last
    return out if last else None


def options(args):
    """options() - (--partial-ok given, other arguments); sets DPDK_SEED"""
    if '--dpdk-seed' in args:
        DPDK_SEED.append(1)
    return '--partial-ok' in args, [a for a in args if not
                                    a.startswith('--')]


def cmd_csums(args):
    """cmd_csums() - check the checksums of every TCP/UDP frame"""
    partial_ok, args = options(args)
    linktype, recs = read_pcap(args[0])
    res = {'frames': 0, 'gso': 0, 'partial': 0, 'bad': 0, 'max_frame': 0,
           'notes': []}
    for wire, fr in recs:
        vnet = None
        if linktype == LINKTYPE_USER0:
            vnet, fr = fr[:10], fr[10:]
        et = struct.unpack('!H', fr[12:14])[0] if len(fr) >= 14 else 0
        if et == 0x0800 and len(fr) >= 34:
            ihl = (fr[14] & 15) * 4
            tot, fragoff, proto = struct.unpack('!xxHxxHxB', fr[14:24])
            if fragoff & 0x3fff & ~0x4000 or proto not in (6, 17) or \
                    14 + tot > len(fr):
                continue  # fragments, other protocols, cut-off frames
            args4 = (fr[14 + ihl:14 + tot], 4, fr[26:30], fr[30:34], proto)
        elif et == 0x86dd and len(fr) >= 54 and fr[20] in (6, 17) and \
                54 + struct.unpack('!H', fr[18:20])[0] <= len(fr):
            plen = struct.unpack('!H', fr[18:20])[0]
            args4 = (fr[54:54 + plen], 6, fr[22:38], fr[38:54], fr[20])
        else:
            continue
        partial = partial_ok if vnet is None else bool(vnet[0] & NEEDS_CSUM)
        res['frames'] += 1
        res['gso'] += vnet is not None and vnet[1] != 0
        res['max_frame'] = max(res['max_frame'], len(fr))
        verdict = l4_csum(*args4, partial)
        if verdict == 'partial':
            res['partial'] += 1
        elif verdict != 'ok':
            res['bad'] += 1
            if len(res['notes']) < 5:
                res['notes'].append('%s (%d-byte frame)' % (verdict,
                                                            len(fr)))
    print(json.dumps(res))
    return 1 if res['bad'] else 0


def cmd_check(args):
    """cmd_check() - reassemble and verify the flows in a capture"""
    partial_ok, args = options(args)
    linktype, recs = read_pcap(args[0])
    flows = [Flow(s) for s in args[1:]]
    for wire, data in recs:
        vnet = None
        if linktype == LINKTYPE_USER0:
            vnet, data = data[:10], data[10:]
        if wire > len(data) + (10 if vnet else 0):
            continue  # truncated record: not what the receiver got
        check_frame(flows, data, vnet, partial_ok)
    bad = 0
    for fl in flows:
        res = fl.done()
        bad += not res['ok']
        print(json.dumps(res))
    return 1 if bad else 0


def cmd_udp_send(args):
    """cmd_udp_send() - send a UDP flow's datagrams through a socket"""
    f = parse_flow(args[2])
    fam = socket.AF_INET6 if ':' in args[0] else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    for k in range(0, f['bytes'], f['chunk']):
        s.sendto(payload(f['name'], k, min(f['chunk'], f['bytes'] - k)),
                 (args[0], int(args[1])))
    return 0


def cmd_udp_recv(args):
    """cmd_udp_recv() - receive a UDP flow on a socket until it is whole,
    nothing came for 30 s, or 3 s after the last datagram; prints the
    check's JSON"""
    fam = socket.AF_INET6 if ':' in args[0] else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((args[0], int(args[1])))
    s.settimeout(30)
    fl = Flow(args[2])
    open(args[3], 'w').close()
    while fl.done()['bytes'] < fl.f['bytes']:
        try:
            data = s.recv(65536)
        except socket.timeout:
            break
        s.settimeout(3)
        fl.frames += 1
        fl.udp_payload(data)
    res = fl.done()
    print(json.dumps(res))
    return 0 if res['ok'] else 1


def main():
    """main() - dispatch a subcommand"""
    cmds = {'gen': cmd_gen, 'sniff': cmd_sniff, 'inject': cmd_inject,
            'check': cmd_check, 'csums': cmd_csums,
            'udp-send': cmd_udp_send, 'udp-recv': cmd_udp_recv}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == '__main__':
    sys.exit(main())
