#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""model.py - a reference model of the switch that writes the replay cases

Theory of operation
-------------------
Each case names its ports (netdev specs without rx=/tx=) and the sample
capture each port replays. The model merges the frames of every input on
their timestamps (the shared timeline) and switches them one at a time, the
way vioswitch does when frames arrive 20 ms apart:

  ingress:  rx_packets += 1; length < 14 -> drop `runt`; caplen < original
            length -> drop `truncated`; VLAN classification (Open vSwitch
            port modes, below); source MAC multicast or zero -> `bad_src`.
  learn:    (src MAC, VLAN) -> ingress port. A new entry only while the
            port holds fewer than its learn_limit entries (else event
            `learn_limit`); an entry on another port moves (event `moved`).
  forward:  broadcast/multicast or unknown (dst, VLAN): flood to every other
            port of the VLAN, in port order (none: drop `filtered`); known on
            the ingress port: drop `filtered`; else send to that port.
  egress:   frames are held untagged (tag stripped, PCP/DEI bits kept). An
            untagged length above the port's limit (mtu + 14; mtu defaults
            to 65521) is dropped on the output port as `too_big`. An access
            port, or a trunk whose native VLAN is the frame's, gets it
            untagged; any other trunk gets an 802.1Q tag with the frame's
            VLAN and its PCP/DEI bits (0 when it arrived untagged).

VLAN port modes: no vlan= -> trunk of all VLANs, native VLAN 0; vlan=N ->
access port of VLAN N, tagged frames dropped as `vlan`; vlan=N,trunk=on ->
trunk with native VLAN N. On a trunk, VID 0 (priority tag) is the native
VLAN. Trunks are members of every VLAN, access ports of their own.

For every case it writes, under tests/replay/cases/NAME/: `ports` (one spec
per line), `PORT.in` (the sample's path relative to the repository root,
for ports that replay one), `PORT.expected.pcap` (what the port must write)
and `checks` (`PORT KEY VALUE` lines for vioctl stats and port list). The
output is deterministic: running it twice gives identical files.

Usage: tests/replay/model.py [--check]
  --check: do not write, exit 1 if any generated file would change
"""

import os
import struct
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CASES_DIR = os.path.join(REPO, 'tests', 'replay', 'cases')

ETH_HLEN = 14
ETH_P_8021Q = 0x8100
DEFAULT_LEARN_LIMIT = 1024
DEFAULT_MTU = 65535 - ETH_HLEN

# The switch's counter names, in counters.h order.
DROP_REASONS = ['runt', 'truncated', 'vlan', 'bad_src', 'filtered',
                'too_big', 'tx_full', 'tx_error', 'nomem',
                'offload', 'link_down', 'rx_error']
INGRESS_DROPS = ['runt', 'truncated', 'vlan', 'bad_src', 'filtered']
FDB_EVENTS = ['learned', 'moved', 'learn_limit', 'fdb_full']

# name: (what it shows, [(netdev spec, input sample or None), ...])
CASES = {
    'learning': ('learning, unknown unicast, a MAC move, filtering', [
        ('pcap,id=p0', 'pcap-samples/learn-p0.pcap'),
        ('pcap,id=p1', 'pcap-samples/learn-p1.pcap'),
        ('pcap,id=p2', 'pcap-samples/learn-p2.pcap'),
    ]),
    'arp': ('ARP request flooded, reply unicast (c0 sees only the request)', [
        ('pcap,id=a0', 'pcap-samples/arp-request.pcap'),
        ('pcap,id=b0', 'pcap-samples/arp-reply.pcap'),
        ('pcap,id=c0', None),
    ]),
    'flood': ('broadcast, IPv4 and IPv6 multicast reach every other port', [
        ('pcap,id=p0', 'pcap-samples/bcast-mcast.pcap'),
        ('pcap,id=p1', None),
        ('pcap,id=p2', None),
    ]),
    'vlan': ('access, trunk and native-VLAN ports; tag on an access port', [
        ('pcap,id=a10,vlan=10', 'pcap-samples/vlan-a10.pcap'),
        ('pcap,id=b10,vlan=10', 'pcap-samples/vlan-b10.pcap'),
        ('pcap,id=a20,vlan=20', 'pcap-samples/vlan-a20.pcap'),
        ('pcap,id=t', 'pcap-samples/vlan-t.pcap'),
        ('pcap,id=n,vlan=10,trunk=on', 'pcap-samples/vlan-n.pcap'),
    ]),
    'jumbo': ('a 9014-byte frame passes the default limit, not mtu=1500', [
        ('pcap,id=p0', 'pcap-samples/jumbo.pcap'),
        ('pcap,id=p1', None),
        ('pcap,id=p2,mtu=1500', None),
    ]),
    'mtu-edge': ('1514 bytes fit mtu=1500 (tag added after the check), '
                 '1515 do not', [
                     ('pcap,id=p0,vlan=10', 'pcap-samples/mtu-edge.pcap'),
                     ('pcap,id=p1,mtu=1500', None),
                     ('pcap,id=p2,vlan=10,mtu=1500', None),
                 ]),
    'runt': ('10-byte and empty records dropped as runt', [
        ('pcap,id=p0', 'pcap-samples/runt.pcap'),
        ('pcap,id=p1', None),
    ]),
    'truncated': ('a record cut by the snaplen dropped as truncated', [
        ('pcap,id=p0', 'pcap-samples/truncated.pcap'),
        ('pcap,id=p1', None),
    ]),
    'bad-src': ('multicast and zero source MACs dropped as bad_src', [
        ('pcap,id=p0', 'pcap-samples/bad-src.pcap'),
        ('pcap,id=p1', None),
    ]),
    'macflood': ('2000 source MACs on a port limited to 1024', [
        ('pcap,id=p0,learn_limit=1024', 'pcap-samples/macflood.pcap'),
        ('pcap,id=p1', 'pcap-samples/macflood-probe.pcap'),
        ('pcap,id=p2', None),
    ]),
}


class ModelError(Exception):
    """ModelError - a case or sample breaks an assumption of the model"""


def pcap_read(path):
    """pcap_read() - records of a classic pcap file

    Return: list of (timestamp in ns, data, original length)
    """
    with open(path, 'rb') as f:
        buf = f.read()
    if len(buf) < 24:
        raise ModelError('%s: not a pcap file' % path)
    for endian in '<>':
        magic = struct.unpack(endian + 'I', buf[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            break
    else:
        raise ModelError('%s: not a classic pcap file' % path)
    scale = 1000 if magic == 0xa1b2c3d4 else 1
    linktype = struct.unpack(endian + 'I', buf[20:24])[0]
    if linktype != 1:
        raise ModelError('%s: link type %d, not Ethernet' % (path, linktype))
    recs, off = [], 24
    while off < len(buf):
        sec, frac, caplen, origlen = struct.unpack(endian + 'IIII',
                                                   buf[off:off + 16])
        data = buf[off + 16:off + 16 + caplen]
        if len(data) != caplen:
            raise ModelError('%s: record %d cut short' % (path, len(recs)))
        recs.append((sec * 1000000000 + frac * scale, data, origlen))
        off += 16 + caplen
    return recs


def pcap_bytes(records):
    """pcap_bytes() - a microsecond pcap file of (ns timestamp, data) records

    Return: the file's bytes
    """
    out = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
    for ts, data in records:
        us = ts // 1000
        out.append(struct.pack('<IIII', us // 1000000, us % 1000000,
                               len(data), len(data)))
        out.append(data)
    return b''.join(out)


class Port:
    """Port - one pcap port of the model: options, counters, output"""

    def __init__(self, index, spec, sample):
        self.index = index
        self.spec = spec
        self.sample = sample
        opts = self.parse(spec)
        self.id = opts['id']
        self.vlan = int(opts.get('vlan', '0'))
        trunk = opts.get('trunk', 'off') in ('', 'on', 'yes', 'true', '1')
        self.trunk = trunk or self.vlan == 0
        self.learn_limit = int(opts.get('learn_limit', DEFAULT_LEARN_LIMIT))
        self.max_frame = int(opts.get('mtu', DEFAULT_MTU)) + ETH_HLEN
        self.stats = {'rx_packets': 0, 'tx_packets': 0, 'forwarded': 0,
                      'flooded': 0}
        self.drops = dict.fromkeys(DROP_REASONS, 0)
        self.fdb = dict.fromkeys(FDB_EVENTS, 0)
        self.learned = 0
        self.out = []

    @staticmethod
    def parse(spec):
        """parse() - the key=value options of a netdev spec"""
        kind, *kvs = spec.split(',')
        if kind != 'pcap':
            raise ModelError('%s: the model knows only pcap ports' % spec)
        opts = {}
        for kv in kvs:
            key, _, value = kv.partition('=')
            if key not in ('id', 'vlan', 'trunk', 'learn_limit', 'mtu'):
                raise ModelError('%s: key %s not modelled' % (spec, key))
            opts[key] = value
        if 'id' not in opts:
            raise ModelError('%s: no id=' % spec)
        return opts

    def member(self, vid):
        """member() - does the port carry VLAN @vid?"""
        return self.trunk or self.vlan == vid


class Switch:
    """Switch - the FDB and the forwarding decision, one frame at a time"""

    def __init__(self, ports):
        self.ports = ports
        self.fdb = {}  # (mac bytes, vid) -> Port

    def ingress(self, port, data, origlen):
        """ingress() - checks and VLAN classification

        Return: (untagged frame, VLAN, PCP/DEI bits) or None when dropped
        """
        port.stats['rx_packets'] += 1
        if len(data) < ETH_HLEN:
            return self.drop(port, 'runt')
        if len(data) < origlen:
            return self.drop(port, 'truncated')
        ethertype = struct.unpack('!H', data[12:14])[0]
        if ethertype == ETH_P_8021Q:
            if not port.trunk or len(data) < ETH_HLEN + 4:
                return self.drop(port, 'vlan')
            tci = struct.unpack('!H', data[14:16])[0]
            vid, prio = tci & 0xfff, tci & 0xf000
            if vid == 0:
                vid = port.vlan
            data = data[:12] + data[16:]
        else:
            vid, prio = port.vlan, 0
        src = data[6:12]
        if src[0] & 1 or src == bytes(6):
            return self.drop(port, 'bad_src')
        return data, vid, prio

    def drop(self, port, reason):
        """drop() - count a drop on @port; Return: None"""
        port.drops[reason] += 1
        return None

    def learn(self, port, src, vid):
        """learn() - learn that (@src, @vid) sent on @port"""
        old = self.fdb.get((src, vid))
        if old is port:
            return
        if old is not None:
            old.learned -= 1
            port.learned += 1
            self.fdb[(src, vid)] = port
            port.fdb['moved'] += 1
        elif port.learned < port.learn_limit:
            port.learned += 1
            self.fdb[(src, vid)] = port
            port.fdb['learned'] += 1
        else:
            port.fdb['learn_limit'] += 1

    def egress(self, port, ts, data, vid, prio):
        """egress() - length check and tagging for one output port"""
        if len(data) > port.max_frame:
            self.drop(port, 'too_big')
            return
        if port.trunk and vid != port.vlan and vid != 0:
            data = data[:12] + struct.pack('!HH', ETH_P_8021Q,
                                           prio | vid) + data[12:]
        port.out.append((ts, data))
        port.stats['tx_packets'] += 1

    def frame(self, port, ts, data, origlen):
        """frame() - switch one received frame"""
        got = self.ingress(port, data, origlen)
        if got is None:
            return
        data, vid, prio = got
        dst, src = data[0:6], data[6:12]
        self.learn(port, src, vid)
        out = None if dst[0] & 1 else self.fdb.get((dst, vid))
        if out is port:
            self.drop(port, 'filtered')
        elif out is not None:
            port.stats['forwarded'] += 1
            self.egress(out, ts, data, vid, prio)
        else:
            members = [p for p in self.ports
                       if p is not port and p.member(vid)]
            if not members:
                self.drop(port, 'filtered')
                return
            port.stats['flooded'] += 1
            for p in members:
                self.egress(p, ts, data, vid, prio)


def timeline(ports):
    """timeline() - every input record of every port, in timestamp order

    Two ports sending at the same instant would make the order up to the
    switch, so that is refused.
    """
    events = []
    for port in ports:
        if not port.sample:
            continue
        recs = pcap_read(os.path.join(REPO, port.sample))
        for i, (ts, data, origlen) in enumerate(recs):
            if i and ts < recs[i - 1][0]:
                raise ModelError('%s: record %d goes back in time'
                                 % (port.sample, i))
            events.append((ts, port.index, i, data, origlen))
    events.sort(key=lambda e: e[:3])
    for a, b in zip(events, events[1:]):
        if a[0] == b[0] and a[1] != b[1]:
            raise ModelError('ports %s and %s both send at %d ns'
                             % (ports[a[1]].id, ports[b[1]].id, a[0]))
    return events


def check_lines(port):
    """check_lines() - the `checks` lines of one port, after the run"""
    rx = port.stats['rx_packets']
    accounted = port.stats['forwarded'] + port.stats['flooded'] + \
        sum(port.drops[r] for r in INGRESS_DROPS)
    if rx != accounted:
        raise ModelError('%s: rx_packets %d != forwarded + flooded + '
                         'ingress drops %d' % (port.id, rx, accounted))
    lines = ['%s %s %d' % (port.id, k, port.stats[k])
             for k in ('rx_packets', 'tx_packets', 'forwarded', 'flooded')]
    lines += ['%s drops.%s %d' % (port.id, r, n)
              for r, n in port.drops.items() if n]
    lines += ['%s fdb.%s %d' % (port.id, e, n)
              for e, n in port.fdb.items() if n]
    lines.append('%s learned %d' % (port.id, port.learned))
    return lines


def run_case(name):
    """run_case() - model one case

    Return: {file name: bytes} of everything the case directory holds
    """
    what, specs = CASES[name]
    ports = [Port(i, spec, sample) for i, (spec, sample) in enumerate(specs)]
    if len({p.id for p in ports}) != len(ports):
        raise ModelError('%s: duplicate port id' % name)
    switch = Switch(ports)
    for ts, index, _, data, origlen in timeline(ports):
        switch.frame(ports[index], ts, data, origlen)
    if sum(p.learned for p in ports) != len(switch.fdb):
        raise ModelError('%s: learned counts disagree with the FDB' % name)
    files = {'ports': ''.join(p.spec + '\n' for p in ports)}
    checks = ['# %s: %s' % (name, what),
              '# generated by tests/replay/model.py - do not edit']
    for p in ports:
        if p.sample:
            files['%s.in' % p.id] = p.sample + '\n'
        files['%s.expected.pcap' % p.id] = pcap_bytes(p.out)
        checks += check_lines(p)
    files['checks'] = '\n'.join(checks) + '\n'
    return files


def sync_case(name, files, check_only):
    """sync_case() - make cases/NAME hold exactly @files

    Return: names of files that changed (or would change)
    """
    d = os.path.join(CASES_DIR, name)
    changed = []
    old = set(os.listdir(d)) if os.path.isdir(d) else set()
    for stale in sorted(old - set(files)):
        changed.append(stale + ' (removed)')
        if not check_only:
            os.unlink(os.path.join(d, stale))
    for fname in sorted(files):
        data = files[fname]
        if isinstance(data, str):
            data = data.encode()
        path = os.path.join(d, fname)
        try:
            with open(path, 'rb') as f:
                same = f.read() == data
        except FileNotFoundError:
            same = False
        if same:
            continue
        changed.append(fname)
        if not check_only:
            os.makedirs(d, exist_ok=True)
            with open(path, 'wb') as f:
                f.write(data)
    return changed


def main():
    """main() - model every case and write (or check) its directory"""
    check_only = sys.argv[1:] == ['--check']
    if sys.argv[1:] and not check_only:
        sys.exit('usage: %s [--check]' % sys.argv[0])
    dirty = False
    for name in sorted(CASES):
        try:
            files = run_case(name)
        except (ModelError, OSError) as e:
            sys.exit('model.py: case %s: %s' % (name, e))
        changed = sync_case(name, files, check_only)
        dirty |= bool(changed)
        for fname in changed:
            print('%s %s/%s' % ('differs:' if check_only else 'wrote',
                                name, fname))
    if check_only and dirty:
        sys.exit(1)


if __name__ == '__main__':
    main()
