#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# nat_limits.sh - the NAT's caps against hostile peers, under a 1024-fd
# limit with the default caps: a guest opening 3000 UDP flows to the host,
# a local user holding 1500 connections to one hostfwd rule; meanwhile the
# switch's descriptors stay bounded, vioctl answers within a second and a
# second guest's hostfwd connection works; idle UDP flows expire
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
tmpdir_make
FLOOD="/usr/bin/python3 $REPO/tests/lib/nat_flood.py"
T1=va$$ T2=vb$$
FA=$(free_port) FB=$(free_port) SINK=$(free_port) ECHO=$(free_port)
UDP_TIMEOUT=4 # the default is 30 s; 4 keeps the test short

# fds - descriptors the switch holds now
fds() { ls "/proc/$SWITCH_PID/fd" | wc -l; }
# limits EXPR - a Python expression over the NAT's port-list entry p
nat() {
	vioctl_j port list | /usr/bin/python3 -c "
import json, sys
p = [p for p in json.load(sys.stdin) if p['id'] == 'nat'][0]
l = p['limits']
print($1)"
}
# answers_fast - vioctl answers within a second
answers_fast() {
	local t0 ms
	t0=$(now_us)
	VIOCTL_TIMEOUT=1 vioctl_j version >/dev/null || fail "vioctl did not answer within 1 s"
	ms=$((($(now_us) - t0) / 1000))
	echo "$ms"
}

# libslirp's resolver for 10.0.2.3: a sink on the host's loopback that
# never answers (libslirp keeps such a socket 240 s).
echo "nameserver 127.0.0.1" >"$TMP/resolv.conf"
$FLOOD udp-sink 53 &
cleanup_add "kill $! 2>/dev/null"
SWITCH_WRAP="prlimit --nofile=1024:1024 -- unshare -m $REPO/tests/lib/with-resolv.sh $TMP/resolv.conf"
start_switch --netdev "tap,id=g1,ifname=$T1" --netdev "tap,id=g2,ifname=$T2" \
	--netdev "user,id=nat,udp_timeout=$UDP_TIMEOUT,hostfwd=tcp::$FA-10.0.2.15:22,hostfwd=tcp::$FB-10.0.2.16:7"
grep -q "Max open files *1024 *1024" "/proc/$SWITCH_PID/limits" ||
	fail "the switch does not run under a 1024-fd limit: $(grep 'open files' /proc/$SWITCH_PID/limits)"
ns_host g1 "$T1" 10.0.2.15/24
ns_host g2 "$T2" 10.0.2.16/24
ns_exec g1 ip route add default via 10.0.2.2
ns_exec g2 ip route add default via 10.0.2.2

# Host peers: a UDP sink that never answers, a UDP echo; guest services.
$FLOOD udp-sink "$SINK" &
cleanup_add "kill $! 2>/dev/null"
$FLOOD udp-sink "$ECHO" echo &
cleanup_add "kill $! 2>/dev/null"
ns_exec g2 socat TCP-LISTEN:7,reuseaddr,fork EXEC:cat &
cleanup_add "kill $! 2>/dev/null"
ns_exec g1 $FLOOD tcp-accept 22 &
cleanup_add "kill $! 2>/dev/null"
sleep 0.5
# echo_b - the second guest's echo through hostfwd rule B
echo_b() { [ "$(echo "ping $1" | socat -t 3 - TCP:127.0.0.1:$FB 2>/dev/null)" = "ping $1" ]; }
wait_until 5 echo_b warm-up || fail "hostfwd rule B does not reach the second guest"

# A replied flow, before the flood: it must outlive the unreplied ones.
ns_exec g2 socat -t 1 - UDP:10.0.2.2:$ECHO,sourceport=4444 <<<"hello" | grep -q hello ||
	fail "UDP through the NAT to a host echo service gets no answer"
pass "UDP to the host's loopback through 10.0.2.2 answered, on the NAT's own path ($(nat 'p["nat_udp"]["open"]') flow open)"

before=$(fds)
echo "  switch descriptors before the flood: $before (limit 1024)"
sent=$(ns_exec g1 $FLOOD udp-flood 10.0.2.2 "$SINK" 3000)
sleep 1
after=$(fds)
read -r used guest_hits drops <<<"$(nat 'l["used"]["udp_flows"], l["refused"]["udp_guest"], 0')"
drops=$(vioctl_j stats nat | json_get 0.drops.nat_limit)
echo "  guest 1 sent $sent datagrams from 3000 source ports"
echo "  switch descriptors after: $after; UDP flows $used of cap $(nat 'l["caps"]["udp_flows_guest"]') per guest;" \
	"refused udp_guest $guest_hits; stats drops nat_limit $drops"
# A loaded machine may lose a few datagrams on the way in: most of the
# 3000 reach the NAT, and all but the guest's 96 of those are refused.
min=$((sent * 9 / 10 - 96))
[ "$used" -le 256 ] && [ "$guest_hits" -ge "$min" ] && [ "$drops" -ge "$min" ] ||
	fail "UDP flows not capped: used $used, refused $guest_hits, dropped $drops"
[ $((after - before)) -le 120 ] || fail "descriptors grew from $before to $after"
ms=$(answers_fast)
echo_b after-udp-flood || fail "second guest's hostfwd echo broken after the UDP flood"
pass "3000 UDP source ports: descriptors $before -> $after, vioctl answered in $ms ms, guest 2's hostfwd echo works"

# Idle flows expire: the unreplied ones after udp_timeout, the replied one
# lives on (udp_timeout_replied, 180 s by default).
wait_until $((UDP_TIMEOUT + 4)) sh -c "[ \$($BUILD/vioctl --ctl $TMP/ctl.sock --json port list |
	/usr/bin/python3 -c 'import json,sys; print([p for p in json.load(sys.stdin) if p[\"id\"] == \"nat\"][0][\"nat_udp\"][\"open\"])') -le 1 ]" ||
	fail "unreplied UDP flows did not expire: $(nat 'p["nat_udp"]')"
read -r open expired <<<"$(nat 'p["nat_udp"]["open"], p["nat_udp"]["expired"]')"
[ "$open" = 1 ] || fail "the replied flow expired with the unreplied ones ($open open)"
echo "  after ${UDP_TIMEOUT}+ s idle: $open flow open (the replied one), $expired expired; descriptors $(fds)"
pass "unreplied UDP flows end after udp_timeout=$UDP_TIMEOUT s (default 30 s), a replied one stays"

# DNS stays with libslirp: its sockets are capped from libslirp's census.
before=$(fds)
ns_exec g1 $FLOOD udp-flood 10.0.2.3 53 3000 >/dev/null
sleep 1
after=$(fds)
read -r slirp_udp guest_hits <<<"$(nat 'l["used"]["udp_slirp"], l["refused"]["udp_guest"]')"
echo "  3000 DNS queries from 3000 ports to 10.0.2.3 (resolver never answers):" \
	"libslirp holds $slirp_udp UDP sockets; refused udp_guest now $guest_hits; descriptors $before -> $after"
[ "$slirp_udp" -le 96 ] && [ $((after - before)) -le 120 ] ||
	fail "libslirp's DNS sockets not capped: $slirp_udp held, descriptors $before -> $after"
ms=$(answers_fast)
echo_b after-dns-flood || fail "second guest's hostfwd echo broken after the DNS flood"
pass "3000 DNS source ports through libslirp: descriptors $before -> $after, vioctl answered in $ms ms"

# A local user holds 1500 connections to rule A.
before=$(fds)
$FLOOD tcp-hold "$FA" 1500 "$TMP/hold" &
cleanup_add "kill $! 2>/dev/null"
wait_until 20 test -s "$TMP/hold" || fail "the connection flood did not start"
sleep 3
read -r alive reset <"$TMP/hold"
read -r rule_hits hf <<<"$(nat 'l["refused"]["hostfwd_rule"], l["used"]["hostfwd_conns"]')"
after=$(fds)
echo "  1500 connections to rule A: $alive held, $reset reset; hostfwd_conns $hf," \
	"refused hostfwd_rule $rule_hits; descriptors $before -> $after"
[ "$alive" -le 128 ] && [ "$rule_hits" -ge 1000 ] || fail "rule A not capped: $alive held, $rule_hits refused"
ms=$(answers_fast)
echo_b during-tcp-flood || fail "rule B does not serve while rule A is flooded"
pass "1500 connections to one rule: $alive held (cap 128), rule B serves, vioctl answered in $ms ms"

stop_switch || fail "exit status $?"
pass "clean exit"
