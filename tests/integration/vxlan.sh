#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vxlan.sh - a vxlan port interoperates with Linux's kernel VTEP: a guest
# behind a kernel vxlan device and a Linux bridge reaches a host behind
# the switch's tap (ARP, ping, 8 MiB each way intact, TSO frames of the
# tap segmented to the tunnel's MTU); the guest's MAC is learned with its
# VTEP; counters add up against the kernel's; bad datagrams are counted
# by reason. Then the same over an IPv6 underlay with learning=off and a
# static FDB entry naming the remote. Every address lives on veths and
# namespaces made here.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/vxlan.sh"
tmpdir_make

V() { vioctl_j "$@"; }
# vx EXPR - EXPR of the vxlan port's object p in `port list --json`
vx() { V port list | python3 -c '
import json, sys
p = [p for p in json.load(sys.stdin) if p["id"] == "vx"][0]
print(eval(sys.argv[1]))' "$1"; }

# attach_vm TAP - move the switch's tap into vm, as 10.77.0.1
attach_vm() {
	ip -n "$sw" link set "$1" netns "$vm"
	ip -n "$vm" addr add 10.77.0.1/24 dev "$1"
	ip -n "$vm" link set "$1" up
}

# transfer FROM_NS TO_NS TO_ADDR - 8 MiB over TCP; checks the sha256
transfer() {
	head -c 8M /dev/urandom >"$TMP/data"
	ip netns exec "$2" socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$TMP/got",creat,trunc &
	cleanup_add "kill $! 2>/dev/null"
	wait_until 5 sh -c "ip netns exec $2 ss -ltn | grep -q ':5001 '" ||
		fail "no listener in $2"
	ip netns exec "$1" socat -u OPEN:"$TMP/data" TCP:"$3":5001
	wait_until 10 sh -c "[ \$(stat -c %s '$TMP/got' 2>/dev/null || echo 0) = 8388608 ]" ||
		fail "8 MiB to $3: got $(stat -c %s "$TMP/got" 2>/dev/null) bytes"
	[ "$(sha256sum <"$TMP/data")" = "$(sha256sum <"$TMP/got")" ] ||
		fail "8 MiB to $3: sha256 differs"
	rm -f "$TMP/got"
}

# reach LABEL - ping both ways, ARP resolved, 8 MiB each way, TSO frames
# of the tap segmented for vx
reach() {
	ip netns exec "$vm" ping -c 3 -i 0.2 -W 2 10.77.0.2 >/dev/null ||
		fail "$1: ping to the guest behind the kernel VTEP failed"
	ip netns exec "$g" ping -c 2 -i 0.2 -W 2 10.77.0.1 >/dev/null ||
		fail "$1: ping from the guest behind the kernel VTEP failed"
	ip -n "$vm" neigh show 10.77.0.2 | grep -qi "$GMAC" ||
		fail "$1: ARP did not resolve the guest's MAC $GMAC"
	transfer "$vm" "$g" 10.77.0.2
	transfer "$g" "$vm" 10.77.0.1
	SEG=$(V stats vx | json_get 0.offload.segmented)
	[ "$SEG" -gt 0 ] || fail "$1: no TSO super-frame of the tap was segmented for vx"
	TRAINS=$(vx 'p["udp_segment_trains"], p["udp_segment_datagrams"]')
	[ "$(vx 'p["udp_segment"] == p["udpcsum"] and (p["udp_segment_trains"] > 0) == p["udpcsum"]')" = True ] ||
		fail "$1: UDP_SEGMENT trains (trains, datagrams) $TRAINS with udpcsum=$(vx 'p["udpcsum"]'); drops: $(V stats vx | json_get 0.drops | tr -d ' \n')"
	[ "$(V stats vx | json_get 0.drops.tx_error)" = 0 ] || fail "$1: tx errors on vx"
}

# vx_wait EXPR WANT - wait up to 5 s for vx's EXPR to print WANT
vx_wait() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(vx "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# fdb_remote MAC - the remotes `fdb show` lists for MAC on vx
fdb_remote() {
	V fdb show | python3 -c '
import json, sys
print(" ".join(e.get("remote", "-") for e in json.load(sys.stdin)
               if e["mac"] == sys.argv[1] and e["port"] == "vx"))' "$1"
}

# send SRC BYTES - one datagram to the switch's VTEP ($DST, in brackets
# for IPv6) from the kernel VTEP's namespace, from address SRC (the same
# way) (printf escapes in BYTES)
send() {
	# shellcheck disable=SC2059 # BYTES holds the escapes
	printf "$2" | ip netns exec "$kv" socat -u - "UDP:$DST:4789,bind=$1"
}

# --- case 1: IPv4 underlay, learning -------------------------------------
setup 4 10.231.0.1 10.231.0.2 24 1450
SWITCH_WRAP="ip netns exec $sw"
start_switch --netdev "tap,id=t1,ifname=vxa$$,mtu=1450" \
	--netdev "vxlan,id=vx,vni=42,local=10.231.0.1,remote=10.231.0.2"
attach_vm "vxa$$"
cap=$(V capture start vx --filter 'arp or icmp' -w "$TMP/vx.pcapng" | json_get id)
reach "IPv4"
V capture stop "$cap" >/dev/null
# comment: per frame, as tshark shows it
tshark -r "$TMP/vx.pcapng" -T fields -e frame.p2p_dir -e frame.comment \
	>"$TMP/vx.txt" 2>/dev/null || fail "tshark cannot read the capture of vx"
for want in "0	vioswitch: to vxlan remote 10.231.0.2" \
	"1	vioswitch: from vxlan remote 10.231.0.2" \
	"0	vioswitch: flooded to every vxlan remote of the port (head-end replication)"; do
	grep -qxF "$want" "$TMP/vx.txt" ||
		fail "no frame of the capture says '$want': $(sort "$TMP/vx.txt" | uniq -c | tr '\t\n' ' ;')"
done
[ "$(fdb_remote "$GMAC")" = 10.231.0.2 ] ||
	fail "the guest's MAC is not learned on vx behind 10.231.0.2: $(V fdb show | tr -d ' \n')"
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" fdb show | grep -i "$GMAC" | grep -q 10.231.0.2 ||
	fail "vioctl fdb show does not show the remote VTEP"
pass "IPv4 underlay: ARP, ping and 8 MiB each way cross a kernel VTEP ($SEG TSO frames segmented); the guest's MAC is learned with its VTEP; the capture's comments name the remote VTEP ($(grep -c remote "$TMP/vx.txt") frames)"

# Counters: the kernel counts a GSO frame it sends as one, so its tx is
# not compared; every frame the switch decapsulates leaves by the tap or
# is dropped and counted (e.g. `filtered`: to a MAC behind vx itself).
# Read once nothing moves any more (a late ACK or ARP may still cross).
snap() {
	k_rx=$(ip netns exec "$kv" cat /sys/class/net/vx0/statistics/rx_packets)
	s_tx=$(V stats vx | json_get 0.tx_packets) s_rx=$(V stats vx | json_get 0.rx_packets)
	# the tap's frames, frames vx dropped (by reason) and frames t1
	# could not send (its other drops are of frames it received)
	t_tx=$(V stats | python3 -c '
import json, sys
d = {p["id"]: p for p in json.load(sys.stdin)}
out = ("too_big", "tx_full", "tx_error", "link_down")
print(d["t1"]["tx_packets"] + sum(d["t1"]["drops"][r] for r in out) +
      sum(d["vx"]["drops"].values()))')
	r_tx=$(vx 'p["remotes"][0]["tx_packets"]') r_rx=$(vx 'p["remotes"][0]["rx_packets"]')
	echo "$k_rx $s_tx $s_rx $t_tx $r_tx $r_rx"
}
prev=$(snap)
for _ in 1 2 3 4 5 6 7 8 9 10; do
	sleep 0.3
	cur=$(snap)
	[ "$cur" = "$prev" ] && break
	prev=$cur
done
read -r k_rx s_tx s_rx t_tx r_tx r_rx <<<"$cur"
drops=$(vx 'sum(p["decap_drops"].values())')
echo "  vx: tx $s_tx (to the remote: $r_tx), rx $s_rx (from it: $r_rx), decap drops $drops; tap tx + drops $t_tx; kernel vx0 rx $k_rx"
[ "$s_tx" = "$r_tx" ] && [ "$s_rx" = "$r_rx" ] ||
	fail "per-remote counters do not add up to the port's"
[ "$drops" = 0 ] || fail "decapsulation drops: $(vx 'p["decap_drops"]')"
[ "$k_rx" = "$s_tx" ] || fail "the kernel VTEP received $k_rx frames, the switch sent $s_tx"
[ "$t_tx" = "$s_rx" ] || fail "vx received $s_rx frames, the tap sent or the ports dropped $t_tx: $(V stats | tr -d ' \n')"
pass "counters add up: per remote, against the tap and against the kernel VTEP"

DST=10.231.0.1
eth='\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00'
send 10.231.0.2 '\x08\x00\x00\x00\x00\x00\x2b\x00'"$eth" # VNI 43
send 10.231.0.2 '\x08\x00\x00\x00\x00\x00\x2a'           # 7 bytes
send 10.231.0.2 '\x0c\x00\x00\x00\x00\x00\x2a\x00'"$eth" # unknown flag
wait_until 5 sh -c "[ \"\$(\"$BUILD/vioctl\" --ctl '$TMP/ctl.sock' --json port list | grep -o '\"bad_vni\": *[0-9]*' | grep -o '[0-9]*$')\" = 1 ]" ||
	fail "a datagram with a wrong VNI was not counted: $(vx 'p["decap_drops"]')"
[ "$(vx 'p["decap_drops"]["short"]')" = 1 ] && [ "$(vx 'p["decap_drops"]["bad_flags"]')" = 1 ] ||
	fail "short or bad-flags datagrams not counted: $(vx 'p["decap_drops"]')"
ip netns exec "$vm" ping -c 1 -W 2 10.77.0.2 >/dev/null || fail "ping after bad datagrams failed"
pass "wrong VNI, short and bad-flags datagrams are dropped and counted by reason"

# More remotes than a scan serves (vxlan_remote.c): 12 more senders are
# learned as remotes, each found again by the hash when it sends again.
ok='\x08\x00\x00\x00\x00\x00\x2a\x00'"$eth"
for i in $(seq 10 21); do
	ip -n "$kv" addr add "10.231.0.$i/24" dev u1
	send "10.231.0.$i" "$ok"
done
vx_wait 'len(p["remotes"])' 13 ||
	fail "12 new senders: remotes $(vx '[r["remote"] for r in p["remotes"]]')"
for i in $(seq 10 21); do
	send "10.231.0.$i" "$ok"
done
vx_wait '[r["rx_packets"] for r in p["remotes"]][1:]' "$(python3 -c 'print([2] * 12)')" ||
	fail "12 senders sent twice: remotes $(vx '[(r["remote"], r["rx_packets"]) for r in p["remotes"]]')"
[ "$(vx '[r["remote"] for r in p["remotes"]][1:]')" = "$(python3 -c 'print(["10.231.0.%d" % i for i in range(10, 22)])')" ] ||
	fail "the new remotes are not listed in order: $(vx '[r["remote"] for r in p["remotes"]]')"
ip netns exec "$vm" ping -c 1 -W 2 10.77.0.2 >/dev/null || fail "ping with 13 remotes failed"
pass "12 new senders are learned as remotes (13 in all, past the scan), found again by the hash: 2 datagrams each"
stop_switch || fail "switch exit status $?"

# --- case 2: IPv6 underlay, learning=off, a static entry ------------------
setup 6 fd00:231::1 fd00:231::2 64 1430
ip -n "$kv" addr add fd00:231::3/64 dev u1 nodad
SWITCH_WRAP="ip netns exec $sw"
start_switch --netdev "tap,id=t1,ifname=vxb$$,mtu=1430" \
	--netdev "vxlan,id=vx,vni=42,local=fd00:231::1,remote=fd00:231::2,learning=off"
attach_vm "vxb$$"
[ "$(vx 'p["udpcsum"], p["mtu"]')" = "(True, 1430)" ] ||
	fail "IPv6 defaults: udpcsum and mtu are $(vx 'p["udpcsum"], p["mtu"]')"
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" fdb add "$GMAC" vx remote fd00:231::2 >/dev/null ||
	fail "fdb add ... remote refused"
reach "IPv6, learning=off"
[ "$(fdb_remote "$GMAC")" = fd00:231::2 ] ||
	fail "the static entry lost its remote: $(V fdb show | tr -d ' \n')"
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" config show | grep -qi "^fdb $GMAC,vx,remote=fd00:231::2$" ||
	fail "config show lacks the static entry's remote: $("$BUILD/vioctl" --ctl "$TMP/ctl.sock" config show | grep fdb)"
[ "$(V port list | python3 -c 'import json,sys; print([p["learned"] for p in json.load(sys.stdin) if p["id"] == "vx"][0])')" = 0 ] ||
	fail "learning=off learned MACs"
DST="[fd00:231::1]"
send "[fd00:231::3]" '\x08\x00\x00\x00\x00\x00\x2a\x00'"$eth"
wait_until 5 sh -c "\"$BUILD/vioctl\" --ctl '$TMP/ctl.sock' --json port list | grep -q '\"unknown_remote\": *1'" ||
	fail "a datagram from an unknown remote was not counted: $(vx 'p["decap_drops"]')"
[ "$(vx 'len(p["remotes"])')" = 1 ] || fail "learning=off learned a remote: $(vx 'p["remotes"]')"
pass "IPv6 underlay with learning=off: a static entry names the remote; ping and 8 MiB each way ($SEG TSO frames segmented, sent as (trains, datagrams) $TRAINS with UDP_SEGMENT); an unknown sender is dropped and counted"
stop_switch || fail "switch exit status $?"
