#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vxlan_hosts.sh - two switches as two hosts, and a kernel VTEP as a third,
# on one underlay LAN (a bridge in a namespace): the switches' guests reach
# each other through the tunnel (ping, 8 MiB intact), a guest behind the
# kernel VTEP is learned behind that VTEP, and when it moves to the second
# switch's host the first switch moves its MAC to the new VTEP (fdb show,
# the `moved` counter) and reaches it there. Every address lives on veths
# and namespaces made here.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
tmpdir_make
BASE=$TMP
MMAC=02:00:00:78:00:09
declare -A PID

ul=$(ns_name ul) swa=$(ns_name swa) swb=$(ns_name swb) kv=$(ns_name kv)
ga=$(ns_name ga) gb=$(ns_name gb) m=$(ns_name m) m2=$(ns_name m2)
for ns in "$ul" "$swa" "$swb" "$kv" "$ga" "$gb" "$m" "$m2"; do
	ns_new "$ns"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
done

# --- the underlay LAN: a bridge, one veth to each host --------------------
ip -n "$ul" link add ub type bridge
ip -n "$ul" link set ub up
n=1
for ns in "$swa" "$swb" "$kv"; do
	ip -n "$ul" link add "p$n" type veth peer name u0 netns "$ns"
	ip -n "$ul" link set "p$n" master ub
	ip -n "$ul" link set "p$n" up
	ip -n "$ns" addr add "10.232.0.$n/24" dev u0
	ip -n "$ns" link set u0 up
	n=$((n + 1))
done
# inner checksums filled before the veth (see vxlan.sh)
ip netns exec "$kv" ethtool -K u0 tx off >/dev/null

# --- host C: a kernel VTEP replicating to both switches, guest M ----------
ip -n "$kv" link add vx0 type vxlan id 42 dstport 4789 local 10.232.0.3
for r in 10.232.0.1 10.232.0.2; do
	ip netns exec "$kv" bridge fdb append 00:00:00:00:00:00 dev vx0 dst "$r"
done
ip -n "$kv" link add br0 type bridge
ip -n "$kv" link add mk type veth peer name mg netns "$m"
for l in vx0 mk; do
	ip -n "$kv" link set "$l" master br0
	ip -n "$kv" link set "$l" up
done
ip -n "$kv" link set mk mtu 1450
ip -n "$kv" link set br0 up
ip -n "$m" link set mg address "$MMAC" mtu 1450
ip -n "$m" addr add 10.78.0.9/24 dev mg
ip -n "$m" link set mg up

# --- hosts A and B: a switch each, a guest behind its tap -----------------
# host NAME NS N GUEST_NS - start switch NAME in NS (underlay 10.232.0.N),
# its guest in GUEST_NS as 10.78.0.N; the pid goes to PID[NAME]. The
# outer checksum on, so TSO frames leave in UDP_SEGMENT trains.
host() {
	local others
	others=$(for r in 1 2 3; do [ "$r" = "$3" ] || printf ',remote=10.232.0.%s' "$r"; done)
	mkdir -p "$BASE/$1"
	TMP=$BASE/$1 SWITCH_WRAP="ip netns exec $2"
	start_switch --netdev "tap,id=t,ifname=vh$1$$,mtu=1450" \
		--netdev "vxlan,id=vx,vni=42,local=10.232.0.$3$others,udpcsum=on"
	PID[$1]=$SWITCH_PID
	cleanup_add "kill $SWITCH_PID 2>/dev/null"
	SWITCH_PID=""
	ip -n "$2" link set "vh$1$$" netns "$4"
	ip -n "$4" addr add "10.78.0.$3/24" dev "vh$1$$"
	ip -n "$4" link set "vh$1$$" up
	TMP=$BASE
}
host a "$swa" 1 "$ga"
host b "$swb" 2 "$gb"
# on SWITCH: vioctl of switch a or b
on() {
	local w=$1
	shift
	TMP=$BASE/$w vioctl_j "$@"
}
# fdb_remote SWITCH MAC - the remote switch SWITCH shows for MAC on vx
fdb_remote() {
	on "$1" fdb show | python3 -c '
import json, sys
print(" ".join(e.get("remote", "-") for e in json.load(sys.stdin)
               if e["mac"] == sys.argv[1] and e["port"] == "vx"))' "$2"
}

# --- the switches' guests reach each other -------------------------------
ip netns exec "$ga" ping -c 3 -i 0.2 -W 2 10.78.0.2 >/dev/null ||
	fail "guest A cannot ping guest B through the two switches"
head -c 8M /dev/urandom >"$BASE/data"
ip netns exec "$gb" socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$BASE/got",creat,trunc &
cleanup_add "kill $! 2>/dev/null"
wait_until 5 sh -c "ip netns exec $gb ss -ltn | grep -q ':5001 '" || fail "no listener"
ip netns exec "$ga" socat -u OPEN:"$BASE/data" TCP:10.78.0.2:5001
wait_until 10 sh -c "[ \$(stat -c %s '$BASE/got' 2>/dev/null || echo 0) = 8388608 ]" ||
	fail "8 MiB A to B: got $(stat -c %s "$BASE/got" 2>/dev/null) bytes"
[ "$(sha256sum <"$BASE/data")" = "$(sha256sum <"$BASE/got")" ] ||
	fail "8 MiB A to B: sha256 differs"
GBMAC=$(ip netns exec "$gb" cat "/sys/class/net/vhb$$/address")
[ "$(fdb_remote a "$GBMAC")" = 10.232.0.2 ] ||
	fail "switch A does not show guest B behind 10.232.0.2: $(on a fdb show | tr -d ' \n')"
TRAINS=$(on a port list | python3 -c 'import json,sys; p=[p for p in json.load(sys.stdin) if p["id"] == "vx"][0]; print(p["udp_segment_trains"], p["udp_segment_datagrams"])')
[ "${TRAINS%% *}" -gt 0 ] || fail "switch A sent no UDP_SEGMENT train"
GRO=$(on b port list | python3 -c 'import json,sys; p=[p for p in json.load(sys.stdin) if p["id"] == "vx"][0]; print(p["udp_gro"], p["udp_gro_buffers"], p["udp_gro_datagrams"])')
[ "${GRO%% *}" = True ] && [ "$(echo "$GRO" | cut -d" " -f2)" -gt 0 ] ||
	fail "switch B received no UDP_GRO buffer (udp_gro, buffers, datagrams: $GRO)"
pass "two switches (udpcsum=on): their guests ping and 8 MiB crosses intact (A sent $TRAINS trains, datagrams with UDP_SEGMENT; B split ${GRO#* } UDP_GRO buffers, datagrams); A learned B's guest behind B's VTEP"

# --- a guest behind the kernel VTEP, then on host B -----------------------
ip netns exec "$ga" ping -c 2 -i 0.2 -W 2 10.78.0.9 >/dev/null ||
	fail "guest A cannot ping guest M behind the kernel VTEP"
[ "$(fdb_remote a "$MMAC")" = 10.232.0.3 ] ||
	fail "switch A does not show M behind 10.232.0.3: $(on a fdb show | tr -d ' \n')"
moved0=$(on a stats vx | json_get 0.fdb.moved)

ip -n "$kv" link del mk
TMP=$BASE/b vioctl_j port add "tap,id=m,ifname=vm$$,mtu=1450" >/dev/null ||
	fail "port add on switch B failed"
ip -n "$swb" link set "vm$$" netns "$m2"
ip -n "$m2" link set "vm$$" address "$MMAC"
ip -n "$m2" addr add 10.78.0.9/24 dev "vm$$"
ip -n "$m2" link set "vm$$" up
# The moved guest speaks first, as a migrated VM announces itself.
ip netns exec "$m2" ping -c 2 -i 0.2 -W 2 10.78.0.1 >/dev/null ||
	fail "M, now on host B, cannot ping guest A"
[ "$(fdb_remote a "$MMAC")" = 10.232.0.2 ] ||
	fail "switch A did not move M to 10.232.0.2: $(on a fdb show | tr -d ' \n')"
moved1=$(on a stats vx | json_get 0.fdb.moved)
[ "$moved1" -gt "$moved0" ] || fail "switch A counted no move ($moved0 -> $moved1)"
[ "$(on b fdb show | python3 -c 'import json,sys; print([e["port"] for e in json.load(sys.stdin) if e["mac"] == sys.argv[1]])' "$MMAC")" = "['m']" ] ||
	fail "switch B does not have M on its new port"
ip netns exec "$ga" ping -c 2 -i 0.2 -W 2 10.78.0.9 >/dev/null ||
	fail "guest A cannot reach M on host B"
pass "a guest moving from the kernel VTEP's host to switch B's: A moves its MAC to B's VTEP ($moved0 -> $moved1 moves) and reaches it there"

SWITCH_PID=${PID[b]}
TMP=$BASE/b stop_switch || fail "switch B exit status $?"
SWITCH_PID=${PID[a]}
TMP=$BASE/a stop_switch || fail "switch A exit status $?"
