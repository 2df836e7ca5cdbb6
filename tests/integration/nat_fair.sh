#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# nat_fair.sh - one guest filling the NAT's whole UDP table does not keep
# another out: with a table of 64 flows that one guest may fill alone, a
# quiet guest's new flows still get answers, the flooding guest's least
# recently used flows making room (conntrack's early drop)
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
tmpdir_make
FLOOD="/usr/bin/python3 $REPO/tests/lib/nat_flood.py"
T1=vf$$ T2=vq$$
SINK=$(free_port) ECHO=$(free_port)

# nat EXPR - a Python expression over the NAT's port-list entry p
nat() {
	vioctl_j port list | /usr/bin/python3 -c "
import json, sys
p = [p for p in json.load(sys.stdin) if p['id'] == 'nat'][0]
print($1)"
}

start_switch --netdev "tap,id=g1,ifname=$T1" --netdev "tap,id=g2,ifname=$T2" \
	--netdev "user,id=nat,udp_flows=64,udp_flows_guest=64"
ns_host g1 "$T1" 10.0.2.15/24
ns_host g2 "$T2" 10.0.2.16/24
ns_exec g1 ip route add default via 10.0.2.2
ns_exec g2 ip route add default via 10.0.2.2
$FLOOD udp-sink "$SINK" &
cleanup_add "kill $! 2>/dev/null"
$FLOOD udp-sink "$ECHO" echo &
cleanup_add "kill $! 2>/dev/null"
sleep 0.5

# Guest 1 takes the whole table: 500 flows to a sink that never answers.
ns_exec g1 $FLOOD udp-flood 10.0.2.2 "$SINK" 500 >/dev/null
sleep 1
read -r open total <<<"$(nat 'p["nat_udp"]["open"], p["limits"]["refused"]["udp_total"]')"
echo "  guest 1 sent from 500 source ports: $open flows open (table of 64), refused udp_total $total"
[ "$open" -eq 64 ] || fail "guest 1 did not fill the table: $open flows open"

# Guest 2 opens 8 flows, each answered by the host's echo service.
for sport in 5001 5002 5003 5004 5005 5006 5007 5008; do
	ns_exec g2 socat -t 1 - UDP:10.0.2.2:$ECHO,sourceport=$sport <<<"quiet $sport" |
		grep -q "quiet $sport" || fail "guest 2's flow from port $sport got no answer with the table full"
done
read -r open evicted <<<"$(nat 'p["nat_udp"]["open"], p["nat_udp"]["evicted"]')"
echo "  guest 2's 8 flows answered; $open flows open, $evicted of guest 1's evicted"
[ "$evicted" -ge 8 ] && [ "$open" -le 64 ] ||
	fail "no room was made for guest 2: $evicted evicted, $open open"

# Guest 1 cannot take them back: it is over its share, guest 2 is not.
ns_exec g1 $FLOOD udp-flood 10.0.2.2 "$SINK" 200 >/dev/null
sleep 1
for sport in 5001 5008; do
	ns_exec g2 socat -t 1 - UDP:10.0.2.2:$ECHO,sourceport=$sport <<<"again $sport" |
		grep -q "again $sport" || fail "guest 2's flow from $sport lost to guest 1's second flood"
done
pass "a guest filling the UDP table alone: a quiet guest's 8 new flows answered ($evicted LRU flows of the flooder ended), and kept through a second flood"

stop_switch || fail "exit status $?"
pass "clean exit"
