#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# nat_remote6.sh - IPv6 guests' TCP beyond the NAT on the NAT's own TCP
# path (issue 21): a "remote" namespace with an IPv6 address the host
# routes to over a veth; 8 MiB each way (sha256) at guest MTU 1500 and
# 65520, a refused port, unreachable, blackholed and prohibited prefixes
# (routes this test adds for a ULA prefix it makes up, so nothing leaves
# the machine) and an address without a neighbour answered with the right
# ICMPv6 error,
# half-close both ways, the NAT host's address (fec0::2) reaching the
# host's ::1, one per-guest budget over IPv4 and IPv6, a source outside
# the NAT's prefix dropped as spoofed, and restrict=on blocking IPv6 too
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/nat.sh"
tmpdir_make
PEER="/usr/bin/python3 $REPO/tests/lib/nat_tcp_peer.py"
T1=v6a$$ T2=v6b$$ T3=v6c$$ VH=v6h$$ VR=v6r$$
N=$(($$ % 200 + 20))
P=fd56:696f # a ULA prefix of this test's own
REMOTE=$P:$N::2 REMOTE4=10.234.$N.2
UNREACH=$P:1$N::1 BLACKHOLE=$P:2$N::1 PROHIBIT=$P:3$N::1 OUTSIDE=$P:9$N::5
NONEIGH=$P:$N::99 # on the remote's link, no one answers its neighbour solicitations
CAP=12 # tcp_conns_guest

# spoofed - the NAT port's ip_spoof drops
spoofed() {
	vioctl_j stats nat >"$TMP/stats.json"
	/usr/bin/python3 -c "
import json
print(sum(p['drops'].get('ip_spoof', 0) for p in json.load(open('$TMP/stats.json'))))"
}

# The remote host: a namespace the host routes to over a veth, IPv6 (and
# IPv4, for the shared budget).
rns=$(ns_name remote)
ip netns add "$rns"
cleanup_add "ip netns pids $rns 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $rns 2>/dev/null"
ip link add "$VH" type veth peer name "$VR"
cleanup_add "ip link del $VH 2>/dev/null"
ip link set "$VR" netns "$rns"
ip addr add "$P:$N::1/64" dev "$VH" nodad
ip addr add "10.234.$N.1/24" dev "$VH"
ip link set "$VH" up
ns_exec remote ip link set lo up
ns_exec remote ip addr add "$REMOTE/64" dev "$VR" nodad
ns_exec remote ip addr add "$REMOTE4/24" dev "$VR"
ns_exec remote ip link set "$VR" up
for r in "unreachable $P:1$N::/64" "blackhole $P:2$N::/64" "prohibit $P:3$N::/64"; do
	ip -6 route add $r
	cleanup_add "ip -6 route del $r 2>/dev/null"
done
(cd "$TMP" && ns_exec remote $PEER serve 5001) &
cleanup_add "kill $! 2>/dev/null"
head -c 8M /dev/urandom >"$TMP/data"
ns_exec remote socat -u TCP6-LISTEN:5002,reuseaddr OPEN:"$TMP/up",creat,trunc &
cleanup_add "kill $! 2>/dev/null"
ns_exec remote socat -U TCP6-LISTEN:5003,reuseaddr,fork OPEN:"$TMP/data" &
cleanup_add "kill $! 2>/dev/null"
ns_exec remote socat -u TCP6-LISTEN:5005,reuseaddr OPEN:"$TMP/up3",creat,trunc &
cleanup_add "kill $! 2>/dev/null"
wait_until 5 socat -u /dev/null "TCP6:[$REMOTE]:5001" || fail "the host cannot reach $REMOTE"

# The second guest runs at MTU 65520: IPv6 frames of its MSS (65460) do
# not fit a 64 KB buffer, so each carries what fits.
start_switch --netdev "tap,id=g,ifname=$T1" --netdev "tap,id=g3,ifname=$T3,mtu=65520" \
	--netdev "user,id=nat,tcp_conns_guest=$CAP"
nat_guest guest "$T1"
nat_guest guest3 "$T3"
gip6=$(nat_guest6 guest "$T1")
nat_guest6 guest3 "$T3" >/dev/null
case $gip6 in fec0::*) ;; *) fail "guest address $gip6, not in fec0::/64" ;; esac

# 1. 8 MiB each way, past libslirp.
t0=$(now_us)
ns_exec guest socat -u OPEN:"$TMP/data" "TCP6:[$REMOTE]:5002"
data_arrived "$TMP/up" "guest -> [$REMOTE]:5002"
up_ms=$((($(now_us) - t0) / 1000))
t0=$(now_us)
ns_exec guest socat -u "TCP6:[$REMOTE]:5003" OPEN:"$TMP/down",creat,trunc
data_arrived "$TMP/down" "[$REMOTE]:5003 -> guest"
down_ms=$((($(now_us) - t0) / 1000))
[ "$(nat_tcp 'h["ipv6"]')" -ge 2 ] && [ "$(nat_tcp 'h["remote"]')" -ge 2 ] ||
	fail "not on the own path: $(nat_tcp h)"
pass "guest $gip6 -> $REMOTE 8 MiB intact ($up_ms ms), back 8 MiB intact ($down_ms ms), on the NAT's own TCP path: $(nat_tcp h)"
t0=$(now_us)
ns_exec guest3 socat -u "TCP6:[$REMOTE]:5003" OPEN:"$TMP/down3",creat,trunc
data_arrived "$TMP/down3" "[$REMOTE]:5003 -> guest at MTU 65520"
ns_exec guest3 socat -u OPEN:"$TMP/data" "TCP6:[$REMOTE]:5005"
data_arrived "$TMP/up3" "guest at MTU 65520 -> [$REMOTE]:5005"
[ "$(nat_tcp 'h["ipv6"]')" -ge 4 ] || fail "MTU 65520 guest not on the own path: $(nat_tcp h)"
pass "guest at MTU 65520: 8 MiB each way intact ($((($(now_us) - t0) / 1000)) ms for both), on the own path"

# 2. A refused port: the guest sees a reset at once.
read -r ms out <<<"$(took_ms ns_exec guest socat -u /dev/null "TCP6:[$REMOTE]:5999,connect-timeout=5")"
grep -q "Connection refused" <<<"$out" || fail "refused port: '$out'"
[ "$ms" -lt 1000 ] || fail "refused port: the guest waited $ms ms"
pass "refused port: '${out##*: }' after $ms ms"

# 3. Unreachable, blackholed and prohibited prefixes, and an address on
# the remote's link that no neighbour answers for: an ICMPv6 destination
# unreachable (no route, no route, administratively prohibited, address
# unreachable) ends the guest's connect at once, or once the host's
# neighbour discovery gave up (3 s); nothing stays open.
icmp0=$(nat_tcp 'h["icmp_unreachable"]') seen=
for t in "$UNREACH:Network is unreachable:2000" "$BLACKHOLE:Network is unreachable:2000" \
	"$PROHIBIT:Permission denied:2000" "$NONEIGH:No route to host:6000"; do
	dst=${t%%:[A-Z]*} t=${t#"$dst":} want_err=${t%:*} max=${t##*:}
	read -r ms out <<<"$(took_ms ns_exec guest socat -u /dev/null "TCP6:[$dst]:80,connect-timeout=8")"
	grep -q "$want_err" <<<"$out" || fail "[$dst]:80: '$out', want '$want_err'"
	[ "$ms" -lt "$max" ] || fail "[$dst]:80: the guest waited $ms ms"
	seen="$seen [$dst]: '${out##*: }' after $ms ms;"
done
# The guest's SYN retransmitted as neighbour discovery gave up may have
# started one more attempt, ending the same way.
wait_until 6 nat_no_open || fail "connections left open: $(nat_tcp h)"
[ "$(nat_tcp 'h["icmp_unreachable"]')" -ge $((icmp0 + 4)) ] || fail "icmp_unreachable: $(nat_tcp h)"
pass "ICMPv6 unreachable:$seen nothing left open"

# 4. Half-close both ways.
ns_exec guest $PEER sink "$REMOTE" 5001 1048576 || fail "guest half-close: the remote's answer did not come back"
ns_exec guest $PEER push "$REMOTE" 5001 1048576 || fail "remote half-close: the guest did not get 1 MiB then EOF"
wait_until 3 grep -q ok "$TMP/5001.log" || fail "remote half-close: the guest's answer did not reach the remote"
pass "half-close over IPv6: the guest shut down its side and got the remote's answer, and the other way round"

# 5. The NAT host's IPv6 address is the host's ::1, as with libslirp.
SVC=$(free_port)
socat -u "TCP6-LISTEN:$SVC,bind=[::1],reuseaddr" OPEN:"$TMP/local",creat &
cleanup_add "kill $! 2>/dev/null"
wait_until 5 sh -c "ss -Hltn 'sport = :$SVC' | grep -q ." || fail "no listener on [::1]:$SVC"
remote0=$(nat_tcp 'h["remote"]') opened0=$(nat_tcp 'h["opened"]')
echo hello6 | ns_exec guest socat -u - "TCP6:[fec0::2]:$SVC"
wait_until 5 grep -q hello6 "$TMP/local" || fail "[fec0::2]:$SVC did not reach [::1]:$SVC"
[ "$(nat_tcp 'h["opened"]')" = $((opened0 + 1)) ] && [ "$(nat_tcp 'h["remote"]')" = "$remote0" ] ||
	fail "fec0::2 not on the own path to the loopback: $(nat_tcp h)"
pass "[fec0::2]:$SVC reached the host's [::1]:$SVC on the own path"

# 6. One budget per guest over both families: IPv4 connections held, the
# IPv6 ones get only the rest of the cap.
wait_until 5 nat_no_open || fail "connections still open: $(nat_tcp h)"
ns_exec guest $PEER hold "$REMOTE4" 5001 $((CAP / 2)) 8 >"$TMP/held4" &
hold=$!
cleanup_add "kill $hold 2>/dev/null"
wait_until 8 test -s "$TMP/held4" || fail "hold over IPv4: no count"
ns_exec guest $PEER hold "$REMOTE" 5001 "$CAP" 0 >"$TMP/held6"
[ "$(cat "$TMP/held4") $(cat "$TMP/held6")" = "$((CAP / 2)) $((CAP - CAP / 2))" ] ||
	fail "held $(cat "$TMP/held4") over IPv4 and $(cat "$TMP/held6") over IPv6, cap $CAP in all"
pass "cap $CAP per guest: $(cat "$TMP/held4") IPv4 connections held, then $(cat "$TMP/held6") of $CAP over IPv6"
wait $hold || fail "hold: exit status $?"

# 7. A source outside the NAT's prefix: dropped as spoofed, nothing leaves.
spoof0=$(spoofed) opened0=$(nat_tcp 'h["opened"]')
ns_exec guest ip addr add "$OUTSIDE/128" dev "$T1" nodad
if ns_exec guest socat -u /dev/null "TCP6:[$REMOTE]:5001,bind=[$OUTSIDE],connect-timeout=2" 2>"$TMP/spoof.err"; then
	fail "a connection from $OUTSIDE went through"
fi
[ "$(spoofed)" -gt "$spoof0" ] && [ "$(nat_tcp 'h["opened"]')" = "$opened0" ] ||
	fail "source $OUTSIDE ($(cat "$TMP/spoof.err")): ip_spoof $spoof0 -> $(spoofed), $(nat_tcp h)"
pass "source $OUTSIDE (outside fec0::/64): SYNs dropped, ip_spoof $spoof0 -> $(spoofed)"
[ "$(nat_tcp 'h["reset"]')" = 0 ] || fail "connections reset: $(nat_tcp h)"
stop_switch || fail "exit status $?"

# 8. restrict=on: no IPv6 connection leaves, to the remote or the host.
ns_exec remote socat -u TCP6-LISTEN:5004,reuseaddr OPEN:"$TMP/leak",creat &
cleanup_add "kill $! 2>/dev/null"
socat -u "TCP6-LISTEN:$SVC,bind=[::1],reuseaddr" OPEN:"$TMP/leak2",creat &
cleanup_add "kill $! 2>/dev/null"
start_switch --netdev "tap,id=g2,ifname=$T2" --netdev "user,id=nat,restrict=on"
nat_guest guest2 "$T2"
nat_guest6 guest2 "$T2" >/dev/null
for dst in "[$REMOTE]:5004" "[fec0::2]:$SVC"; do
	if ns_exec guest2 socat -u /dev/null "TCP6:$dst,connect-timeout=2" 2>/dev/null; then
		fail "restrict=on: the guest connected to $dst"
	fi
done
[ ! -e "$TMP/leak" ] && [ ! -e "$TMP/leak2" ] || fail "restrict=on: a connection reached a server"
[ "$(nat_tcp 'h["opened"]')" = 0 ] || fail "restrict=on: $(nat_tcp h)"
pass "restrict=on: [$REMOTE]:5004 and [fec0::2]:$SVC both fail; no server saw one"
stop_switch || fail "exit status $?"
pass "clean exit"
