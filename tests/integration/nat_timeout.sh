#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# nat_timeout.sh - a guest's TCP connect that times out beyond the NAT
# (issue 21): the remote namespace drops the SYNs silently, so the NAT's
# own connect() times out. The guest must see what it sees behind a router
# (nothing: its own connect times out), the NAT must count it
# (connect_timeout) and keep nothing open. The switch runs in a network
# namespace of its own with net.ipv4.tcp_syn_retries=1, so its kernel
# gives up after 3 s rather than 127 s.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/nat.sh"
tmpdir_make
T1=ta$$ VH=th$$ VR=tr$$
N=$(($$ % 200 + 20))
REMOTE=10.236.$N.2

# The switch's namespace, and a remote one behind a veth from it that
# drops SYNs to port 5010 (an iptables rule of its own) and listens on
# 5011.
sns=$(ns_name switch) rns=$(ns_name remote)
for ns in "$sns" "$rns"; do
	ip netns add "$ns"
	cleanup_add "ip netns pids $ns 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $ns 2>/dev/null"
	ip -n "$ns" link set lo up
done
ip netns exec "$sns" sysctl -qw net.ipv4.tcp_syn_retries=1
ip -n "$sns" link add "$VH" type veth peer name "$VR" netns "$rns"
ip -n "$sns" addr add "10.236.$N.1/24" dev "$VH"
ip -n "$sns" link set "$VH" up
ip -n "$rns" addr add "$REMOTE/24" dev "$VR"
ip -n "$rns" link set "$VR" up
ns_exec remote iptables -A INPUT -p tcp --dport 5010 --syn -j DROP
ns_exec remote socat -u TCP-LISTEN:5011,reuseaddr,fork /dev/null &
cleanup_add "kill $! 2>/dev/null"
wait_until 5 ip netns exec "$sns" socat -u /dev/null "TCP:$REMOTE:5011" 2>/dev/null ||
	fail "the switch's namespace cannot reach $REMOTE:5011"

SWITCH_WRAP="ip netns exec $sns" start_switch --netdev "tap,id=g,ifname=$T1" \
	--netdev "user,id=nat"
nat_guest guest "$T1" "$sns"
ns_exec guest socat -u /dev/null "TCP:$REMOTE:5011,connect-timeout=5" ||
	fail "the guest cannot reach $REMOTE:5011"
wait_until 5 nat_no_open || fail "connections left open: $(nat_tcp h)"
fd0=$(switch_fds) before=$(nat_tcp 'h["icmp_unreachable"] + h["refused"]')

# The guest's connect runs out of time on its own (6 s), having heard
# nothing; the NAT's connect timed out meanwhile (3 s) and the guest's
# later SYNs tried again.
t0=$(now_us)
if ns_exec guest socat -u /dev/null "TCP:$REMOTE:5010,connect-timeout=6" 2>"$TMP/err"; then
	fail "connected to $REMOTE:5010 through a DROP rule"
fi
ms=$((($(now_us) - t0) / 1000))
grep -q "timed out" "$TMP/err" || fail "the guest's connect: '$(cat "$TMP/err")', want a timeout"
[ "$ms" -ge 5500 ] || fail "the guest's connect ended after $ms ms: it was answered"
[ "$(nat_tcp 'h["icmp_unreachable"] + h["refused"]')" = "$before" ] ||
	fail "the guest was answered: $(nat_tcp h)"
[ "$(nat_tcp 'h["connect_timeout"]')" -ge 1 ] || fail "no connect_timeout counted: $(nat_tcp h)"
wait_until 8 nat_no_open || fail "connections left open: $(nat_tcp h)"
wait_until 5 test "$(switch_fds)" -le "$fd0" || fail "switch descriptors $fd0 -> $(switch_fds)"
pass "SYNs dropped by the remote: the guest's connect timed out by itself after $ms ms ('$(sed 's/.*: //' "$TMP/err")'), unanswered; connect_timeout $(nat_tcp 'h["connect_timeout"]'), nothing open, descriptors $fd0 -> $(switch_fds)"
stop_switch || fail "exit status $?"
pass "clean exit"
