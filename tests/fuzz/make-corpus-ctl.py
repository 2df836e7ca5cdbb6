#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make-corpus-ctl.py - seed corpus and dictionary for tests/fuzz/fuzz_ctl.c

Each seed is one or more control request lines (doc/control-protocol.md),
sent to a switch with pcap ports p0, p1 (vlan=10), p2 (trunk, vlan=5,
ip=10.0.2.20) and a NAT `nat` with hostfwd rules tcp:127.0.0.1:2222-:22,
udp:127.0.0.1:5353-:53 and tcp::2223-p0:22. Seeds: every command, valid
and refused, every port kind added and removed, captures and mirrors
started and stopped, and requests that are not requests (bad JSON, no
cmd, invalid UTF-8, errors that quote long text). Files go under /tmp,
which the sandbox (sandbox.sh) mounts as a throwaway tmpfs.
Run from the repository root; writes tests/fuzz/corpus-ctl/ and
tests/fuzz/ctl.dict.
"""
import json
import os

OUT = 'tests/fuzz/corpus-ctl'
DICT = 'tests/fuzz/ctl.dict'


def req(cmd, **kw):
    """One request line."""
    o = {'cmd': cmd}
    o.update(kw)
    return json.dumps(o, separators=(',', ':'), ensure_ascii=False)


def add(spec):
    """A port-add request."""
    return req('port-add', netdev=spec)


SEEDS = {
    # every command, as vioctl sends it
    'version': [req('version')],
    'port-list': [req('port-list')],
    'stats': [req('stats'), req('stats', id='p0'), req('stats', id='nope'),
              req('stats', id=3)],
    'pmd-stats': [req('pmd-stats')],
    'stats-prometheus': [req('stats', format='prometheus'),
                         req('stats', format='json'),
                         req('stats', format='prometheus', id='p0'),
                         req('stats', format='xml'), req('stats', format=1),
                         add('pcap,id=x5'),
                         req('stats', format='prometheus'),
                         req('port-del', id='x5')],
    'fdb': [req('fdb-add', mac='02:00:00:00:00:01', port='p0'),
            req('fdb-add', mac='02:00:00:00:00:02', port='p1', vlan=10),
            req('fdb-show'), req('fdb-del', mac='02:00:00:00:00:01'),
            req('fdb-flush', port='p1'), req('fdb-flush')],
    'fdb-bad': [req('fdb-add', mac='01:00:5e:00:00:01', port='p0'),
                req('fdb-add', mac='02:00:00:00:00:03', port='p1', vlan=11),
                req('fdb-add', mac='02:00:00:00:00:03', port='p0',
                    vlan=4095),
                req('fdb-add', mac='zz', port='p0'),
                req('fdb-del', mac='02:00:00:00:00:09', vlan=3),
                req('fdb-flush', port=7)],
    'hostfwd': [req('hostfwd-list'), req('hostfwd-list', id='nat'),
                req('hostfwd-add', id='nat', rule='tcp::3000-:22'),
                req('hostfwd-add', id='nat',
                    rule='udp:127.0.0.1:3001-10.0.2.15:53'),
                req('hostfwd-add', id='nat', rule='tcp:[::1]:3002-:22'),
                req('hostfwd-add', id='nat', rule='tcp::3003-p2:80'),
                req('hostfwd-list'),
                req('hostfwd-del', id='nat', rule='tcp::3000-:22')],
    'hostfwd-bad': [req('hostfwd-add', id='nat', rule='tcp::2222-:22'),
                    req('hostfwd-add', id='p0', rule='tcp::3000-:22'),
                    req('hostfwd-add', id='nat', rule='sctp::1-:2'),
                    req('hostfwd-add', id='nat', rule='tcp::0-:22'),
                    req('hostfwd-add', id='nat', rule='tcp:1.2.3.4:3000-:22'),
                    req('hostfwd-del', id='nat', rule='tcp::9-:9'),
                    req('hostfwd-list', id='p0'),
                    req('hostfwd-list', id=5)],
    'hostfwd-del-base': [req('hostfwd-del', id='nat',
                             rule='tcp:127.0.0.1:2222-:22'),
                         req('hostfwd-del', id='nat', rule='tcp::2223-p0:22'),
                         req('hostfwd-list')],
    'nat-leases': [req('nat-leases'), req('nat-leases', id='nat'),
                   req('nat-leases', id='p0'), req('nat-leases', id='x')],
    # ports of every kind
    'port-pcap': [add('pcap,id=x0,tx=/tmp/x0.pcap,mtu=1500'),
                  req('port-list'), req('stats', id='x0'),
                  req('port-del', id='x0')],
    'port-pcap-replay': [add('pcap,id=x1,rx=pcap-samples/learn-p0.pcap,'
                             'pps=max,loop=2'),
                         add('pcap,id=x2,rx=pcap-samples/vlan-t.pcap,'
                             'pps=1000,trunk=on'),
                         req('fdb-show'), req('stats'), req('port-list')],
    'port-pcap-bad': [add('pcap,id=x3,rx=/nonexistent.pcap'),
                      add('pcap,id=x3,rx=pcap-samples/vnet-tiny-mss.pcap'),
                      add('pcap,id=x3,loop=-1'), add('pcap,id=p0'),
                      add('pcap'), add('pcap,id='), add('bogus,id=y'),
                      add('pcap,id=x3,vlan=4095'), add('pcap,id=x3,ip=300.1.1.1'),
                      add('pcap,id=x3,storm=fast')],
    'port-tap': [add('tap,id=t0,ifname=vfz0,mtu=9000'),
                 add('tap,id=t1,queues=2,vnet_hdr=off,steering=off'),
                 add('tap,id=t2,filter=antispoof,storm=off'),
                 req('port-list'), req('port-del', id='t1')],
    'port-vhost': [add('vhost-user,id=v0,path=/tmp/v0.sock'),
                   add('vhost-user,id=v1,path=/tmp/v/v1.sock,queues=2,'
                       'tso=off,csum=off,mrg_rxbuf=off,packed=on'),
                   req('port-list'), req('port-del', id='v0')],
    'port-vhost-client': [add('vhost-user,id=v2,path=/tmp/none.sock,'
                              'server=off')],
    'port-user': [add('user,id=nat2,net=10.1.0.0/24,dhcpstart=10.1.0.50,'
                      'dhcpend=10.1.0.60,hostfwd=tcp::4000-:22,'
                      'hostname=g,domainname=example.org,dnssearch=a.b,'
                      'dnssearch=c.d,udp_flows=4,tcp_conns=4'),
                  add('user,id=nat3,ipv6=off,restrict=on,'
                      'dhcp-leases-per-port=1,dhcp-lease-time=60'),
                  add('user,id=nat4,ipv6-net=fd00::/64,net=192.168.7.0/'
                      '255.255.255.0,hostfwd=udp::4001-:53'),
                  req('hostfwd-list'), req('nat-leases'), req('port-list')],
    'port-user-bad': [add('user,id=n5,net=10.0.2.0/31'),
                      add('user,id=n5,dhcpstart=10.9.9.9'),
                      add('user,id=n5,hostfwd=tcp::2222-:22'),
                      add('user,id=n5,ipv6-net=zz'),
                      add('user,id=n5,udp_flows=0'),
                      add('user,id=n5,dnssearch=a,dnssearch=b,dnssearch=c,'
                          'dnssearch=d,dnssearch=e,dnssearch=f,dnssearch=g,'
                          'dnssearch=h,dnssearch=i')],
    'port-del-base': [req('port-del', id='p0'), req('port-del', id='nat'),
                      add('pcap,id=p0,vlan=7'), req('port-list'),
                      req('hostfwd-list')],
    'port-del-bad': [req('port-del', id='nope'), req('port-del'),
                     req('port-del', id=1)],
    # captures and mirrors
    'capture': [req('capture-start', port='p0', file='/tmp/c0.pcapng'),
                req('capture-start', port='p1,p2', file='/tmp/c1.pcap',
                    format='pcap', dir='rx', filter='tcp port 22',
                    snaplen=96, count=10, duration=5),
                req('capture-start', port='all', file='/tmp/c2.pcapng',
                    rotate='1,3', dir='both'),
                req('capture-list'), req('capture-stop', id=1),
                req('capture-list')],
    'capture-stream': [req('capture-start', port='nat', stream=True),
                       req('capture-list'), req('capture-stop', id=1)],
    'capture-bad': [req('capture-start', port='p0', file='rel.pcapng'),
                    req('capture-start', port='p0', file='/tmp/a',
                        stream=True),
                    req('capture-start', port='p0', file='/tmp/a',
                        filter='tcp port'),
                    req('capture-start', port='nope', file='/tmp/a'),
                    req('capture-start', port='p0', file='/tmp/a',
                        format='pcapx'),
                    req('capture-start', port='p0', file='/tmp/a',
                        rotate='0,0'),
                    req('capture-start', port='p0', file='/tmp/a',
                        snaplen=-1),
                    req('capture-start', port='p0', file='/tmp/a', count='x'),
                    req('capture-start'), req('capture-stop', id=0),
                    req('capture-stop', id=99), req('capture-stop', id='1')],
    'mirror': [req('mirror-add', src='p0', to='p1'),
               req('mirror-add', src='all', to='p2', dir='tx',
                   filter='arp'),
               req('mirror-list'), req('mirror-del', id=1),
               req('mirror-list')],
    'mirror-bad': [req('mirror-add', src='p0', to='p0'),
                   req('mirror-add', src='p0', to='nope'),
                   req('mirror-add', src='p1'),
                   req('mirror-add', src='p0', to='p1'),
                   req('mirror-add', src='p1', to='p0'),
                   req('mirror-del', id=42)],
    'capture-mirror-port-del': [req('capture-start', port='p0',
                                    file='/tmp/c3.pcapng'),
                                req('mirror-add', src='p1', to='p2'),
                                req('port-del', id='p2'),
                                req('port-del', id='p0'),
                                add('pcap,id=p0'), req('capture-list'),
                                req('mirror-list')],
    # regressions (README.md)
    'regress-flush-stall': [add('pcap,id=x4,rx=pcap-samples/learn-p1.pcap,'
                                'pps=max'),
                            req('port-del', id='x4'), req('fdb-flush')],
    # not requests
    'bad-json': ['{not json', '', '[1,2]', '{"x":1}', '{"cmd":5}',
                 '{"cmd":"frobnicate"}', '{"cmd":"version","cmd":"x"}',
                 '{"cmd":"version"', 'null', '"cmd"'],
    'bad-types': [req('port-add', netdev=5), req('port-del', id=None),
                  req('fdb-add', mac=['02:00:00:00:00:01'], port='p0'),
                  req('stats', id={'a': 1}),
                  req('capture-start', port='p0', file='/tmp/a',
                      snaplen=2 ** 62)],
    'regress-utf8-cut': [req('port-del', id='é' * 300),
                req('é' * 40),
                req('port-add', netdev='pcap,id=' + 'ü' * 200),
                req('hostfwd-add', id='nat', rule='tcp::3000-' + 'ø' * 300),
                req('a' + 'é' * 40),
                req('capture-start', port='p0', file='/tmp/' + '€' * 300)],
}


def main():
    """Write the seeds and the dictionary."""
    os.makedirs(OUT, exist_ok=True)
    for name, lines in SEEDS.items():
        with open(os.path.join(OUT, name), 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines))
    # one byte invalid as UTF-8, inside and outside strings
    with open(os.path.join(OUT, 'bad-utf8'), 'wb') as f:
        f.write(b'{"cmd":"port-del","id":"\xc3"}\n{"cmd":"\xff\xfe"}\n'
                b'{"cmd":"version"}\xc3')
    words = set()
    for lines in SEEDS.values():
        for line in lines:
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if isinstance(o, dict):
                for k, v in o.items():
                    words.add('"%s"' % k)
                    if isinstance(v, str) and len(v) < 40:
                        words.add('"%s"' % v)
    words |= {'"pcap,id=', '"tap,id=', '"vhost-user,id=', '"user,id=',
              ',hostfwd=tcp::', ',hostfwd=udp::', ',vlan=', ',trunk=on',
              ',ip=10.0.2.', ',rx=', ',tx=/tmp/', ',path=/tmp/', ',queues=',
              ',storm=', ',learn_limit=', ',net=', ',restrict=on',
              ',ipv6=off', '"all"', 'true', 'false', 'null'}
    with open(DICT, 'w', encoding='utf-8') as f:
        f.write('# make-corpus-ctl.py: request keys, commands and option '
                'texts\n')
        for w in sorted(words):
            f.write('"%s"\n' % w.replace('\\', '\\\\').replace('"', '\\"'))
    print('%d seeds in %s, %d words in %s' % (len(SEEDS) + 1, OUT,
                                               len(words), DICT))


if __name__ == '__main__':
    main()
