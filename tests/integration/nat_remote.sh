#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# nat_remote.sh - guests' TCP to a host beyond the NAT on the NAT's own TCP
# path (issue 21): a "remote" namespace routed from the host over a veth;
# 8 MiB each way (sha256), a refused port, unreachable and blackholed
# prefixes (routes this test adds, so nothing leaves the machine),
# half-close both ways, keepalive probes, 2000 connections without fd
# growth, the per-guest cap, two guests (MTU 1500 and 65520) downloading at
# once, and restrict=on blocking everything
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/nat.sh"
tmpdir_make
PEER="/usr/bin/python3 $REPO/tests/lib/nat_tcp_peer.py"
T1=vr$$ T2=vs$$ T3=vt$$ VH=vh$$ VR=vq$$
N=$(($$ % 200 + 20))
REMOTE=10.231.$N.2 UNREACH=10.232.$N.1 BLACKHOLE=10.233.$N.1
CAP=24 # tcp_conns_guest

# The remote host: a namespace the host routes to over a veth.
rns=$(ns_name remote)
ip netns add "$rns"
cleanup_add "ip netns pids $rns 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $rns 2>/dev/null"
ip link add "$VH" type veth peer name "$VR"
cleanup_add "ip link del $VH 2>/dev/null"
ip link set "$VR" netns "$rns"
ip addr add "10.231.$N.1/24" dev "$VH"
ip link set "$VH" up
ns_exec remote ip link set lo up
ns_exec remote ip addr add "$REMOTE/24" dev "$VR"
ns_exec remote ip link set "$VR" up
ip route add unreachable "10.232.$N.0/24"
cleanup_add "ip route del unreachable 10.232.$N.0/24 2>/dev/null"
ip route add blackhole "10.233.$N.0/24"
cleanup_add "ip route del blackhole 10.233.$N.0/24 2>/dev/null"
(cd "$TMP" && ns_exec remote $PEER serve 5001) &
cleanup_add "kill $! 2>/dev/null"
head -c 8M /dev/urandom >"$TMP/data"
ns_exec remote socat -u TCP-LISTEN:5002,reuseaddr OPEN:"$TMP/up",creat,trunc &
cleanup_add "kill $! 2>/dev/null"
ns_exec remote socat -U TCP-LISTEN:5003,reuseaddr,fork OPEN:"$TMP/data" &
cleanup_add "kill $! 2>/dev/null"
wait_until 5 socat -u /dev/null TCP:$REMOTE:5001 || fail "the host cannot reach $REMOTE"

# The second guest runs at MTU 65520: frames of its MSS (65480) fill a
# 64 KB buffer.
start_switch --netdev "tap,id=g,ifname=$T1" --netdev "tap,id=g2,ifname=$T2,mtu=65520" \
	--netdev "user,id=nat,tcp_conns_guest=$CAP"
nat_guest guest "$T1"
nat_guest guest2 "$T2"

# 1. 8 MiB each way, past libslirp.
t0=$(now_us)
ns_exec guest socat -u OPEN:"$TMP/data" TCP:$REMOTE:5002
data_arrived "$TMP/up" "guest -> $REMOTE:5002"
up_ms=$((($(now_us) - t0) / 1000))
t0=$(now_us)
ns_exec guest socat -u TCP:$REMOTE:5003 OPEN:"$TMP/down",creat,trunc
data_arrived "$TMP/down" "$REMOTE:5003 -> guest"
down_ms=$((($(now_us) - t0) / 1000))
[ "$(nat_tcp 'h["remote"]')" -ge 2 ] || fail "not on the own path: $(nat_tcp h)"
pass "guest -> $REMOTE 8 MiB intact ($up_ms ms), $REMOTE -> guest 8 MiB intact ($down_ms ms), on the NAT's own TCP path: $(nat_tcp h)"

# 2. A refused port: the guest sees a reset at once.
read -r ms out <<<"$(took_ms ns_exec guest socat -u /dev/null TCP:$REMOTE:5999,connect-timeout=5)"
grep -q "Connection refused" <<<"$out" || fail "refused port: '$out'"
[ "$ms" -lt 1000 ] || fail "refused port: the guest waited $ms ms"
pass "refused port: '${out##*: }' after $ms ms"

# 3. Unreachable and blackholed prefixes: the guest's connect fails well
# within its timeout; nothing stays open in the switch.
icmp0=$(nat_tcp 'h["icmp_unreachable"]')
read -r ms out <<<"$(took_ms ns_exec guest socat -u /dev/null TCP:$UNREACH:80,connect-timeout=8)"
grep -q "No route to host" <<<"$out" || fail "unreachable route: '$out'"
[ "$ms" -lt 2000 ] || fail "unreachable route: the guest waited $ms ms"
read -r ms2 out2 <<<"$(took_ms ns_exec guest socat -u /dev/null TCP:$BLACKHOLE:80,connect-timeout=8)"
grep -q "unreachable" <<<"$out2" || fail "blackhole route: '$out2'"
[ "$ms2" -lt 2000 ] || fail "blackhole route: the guest waited $ms2 ms"
wait_until 3 nat_no_open || fail "connections left open: $(nat_tcp h)"
[ "$(nat_tcp 'h["icmp_unreachable"]')" = $((icmp0 + 2)) ] || fail "icmp_unreachable: $(nat_tcp h)"
pass "unreachable: '${out##*: }' after $ms ms; blackhole: '${out2##*: }' after $ms2 ms; nothing left open"

# 4. Half-close both ways.
ns_exec guest $PEER sink $REMOTE 5001 1048576 || fail "guest half-close: the remote's answer did not come back"
ns_exec guest $PEER push $REMOTE 5001 1048576 || fail "remote half-close: the guest did not get 1 MiB then EOF"
wait_until 3 grep -q ok "$TMP/5001.log" || fail "remote half-close: the guest's answer did not reach the remote ($(cat "$TMP/5001.log" 2>/dev/null))"
pass "half-close: guest shut down its side and got the remote's answer; remote shut down its side and got the guest's"

# 5. Keepalive: probes every second, two unanswered would end it.
ns_exec guest $PEER keepalive $REMOTE 5001 5 || fail "a connection with keepalive probes did not survive 5 s idle"
ka=$(nat_tcp 'h["keepalive_acks"]')
[ "$ka" -ge 3 ] || fail "keepalive probes answered: $ka"
pass "SO_KEEPALIVE from the guest: 5 s idle, $ka probes answered, the connection still echoes"

# 6. 2000 connections one after another: no descriptor growth.
wait_until 5 nat_no_open ||
	fail "connections still open before the churn: $(nat_tcp h)"
fd0=$(switch_fds) opened0=$(nat_tcp 'h["opened"]')
t0=$(now_us)
ns_exec guest $PEER churn $REMOTE 5001 2000 || fail "churn: a connection failed"
churn_ms=$((($(now_us) - t0) / 1000))
wait_until 5 nat_no_open ||
	fail "connections left open after the churn: $(nat_tcp h)"
fd1=$(switch_fds)
[ $(($(nat_tcp 'h["opened"]') - opened0)) = 2000 ] || fail "churn: $(nat_tcp h)"
[ "$fd1" -le "$fd0" ] || fail "descriptors grew from $fd0 to $fd1 over 2000 connections"
pass "2000 connections opened and closed in $churn_ms ms; switch descriptors $fd0 -> $fd1"

# 7. The per-guest cap, while another guest works.
ns_exec guest $PEER hold $REMOTE 5001 $((CAP + 6)) 6 >"$TMP/held" &
hold=$!
cleanup_add "kill $hold 2>/dev/null"
wait_until 8 test -s "$TMP/held" || fail "hold: no count"
[ "$(cat "$TMP/held")" = "$CAP" ] || fail "guest held $(cat "$TMP/held") connections, cap $CAP"
hits=$(nat_tcp 'l["refused"]["tcp_guest"]')
[ "$hits" -ge 6 ] || fail "tcp_guest refusals: $hits ($(nat_tcp l))"
rm -f "$TMP/down2"
ns_exec guest2 socat -u TCP:$REMOTE:5003 OPEN:"$TMP/down2",creat,trunc
data_arrived "$TMP/down2" "second guest (MTU 65520) while the first is at its cap"
pass "guest held $CAP of $((CAP + 6)) connections (cap $CAP, $hits refusals counted as tcp_guest); the second guest (MTU 65520) downloaded 8 MiB meanwhile"
wait $hold || fail "hold: exit status $?"

# 8. Two guests downloading at once.
rm -f "$TMP/down" "$TMP/down2"
t0=$(now_us)
ns_exec guest socat -u TCP:$REMOTE:5003 OPEN:"$TMP/down",creat,trunc &
p1=$!
ns_exec guest2 socat -u TCP:$REMOTE:5003 OPEN:"$TMP/down2",creat,trunc &
p2=$!
wait $p1 || fail "first guest's download failed"
wait $p2 || fail "second guest's download failed"
data_arrived "$TMP/down" "first of two guests at once"
data_arrived "$TMP/down2" "second of two guests at once"
pass "two guests (MTU 1500 and 65520) downloaded 8 MiB each at once, both intact ($((($(now_us) - t0) / 1000)) ms)"
[ "$(nat_tcp 'h["reset"]')" = 0 ] || fail "connections reset: $(nat_tcp h)"
stop_switch || fail "exit status $?"

# 9. restrict=on: no connection leaves, to the remote or the host.
ns_exec remote socat -u TCP-LISTEN:5004,reuseaddr OPEN:"$TMP/leak",creat &
cleanup_add "kill $! 2>/dev/null"
SVC=$(free_port)
socat -u TCP-LISTEN:$SVC,bind=127.0.0.1,reuseaddr OPEN:"$TMP/leak2",creat &
cleanup_add "kill $! 2>/dev/null"
start_switch --netdev "tap,id=g3,ifname=$T3" --netdev "user,id=nat,restrict=on"
nat_guest guest3 "$T3"
for dst in $REMOTE:5004 $REMOTE:5999 10.0.2.2:$SVC; do
	if ns_exec guest3 socat -u /dev/null TCP:$dst,connect-timeout=2 2>/dev/null; then
		fail "restrict=on: the guest connected to $dst"
	fi
done
[ ! -e "$TMP/leak" ] && [ ! -e "$TMP/leak2" ] || fail "restrict=on: a connection reached a server"
[ "$(nat_tcp 'h["opened"]')" = 0 ] || fail "restrict=on: $(nat_tcp h)"
pass "restrict=on: connections to $REMOTE:5004, $REMOTE:5999 and the host's 10.0.2.2:$SVC all fail; no server saw one"
stop_switch || fail "exit status $?"
pass "clean exit"
