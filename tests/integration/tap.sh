#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# tap.sh - two network namespaces, each behind a tap port: ping, TCP both
# ways with kernel offloads (GSO frames cross whole), and again with
# vnet_hdr=off on one side (the switch segments and checksums in software)
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
tmpdir_make
T1=vt$$a T2=vt$$b

pstat() { vioctl_j stats "$1" | json_get "0.$2"; }

# transfer FROM TO_ADDR TO - 8 MiB over TCP from host FROM to host TO, whose
# address is TO_ADDR (IPv4, or IPv6 in brackets); checks the sha256
transfer() {
	head -c 8M /dev/urandom >"$TMP/data"
	ns_exec "$3" socat -u TCP6-LISTEN:5001,reuseaddr,ipv6only=0 OPEN:"$TMP/got",creat,trunc &
	cleanup_add "kill $! 2>/dev/null"
	sleep 0.3
	ns_exec "$1" socat -u OPEN:"$TMP/data" TCP:"$2":5001
	wait_until 10 sh -c "[ \$(stat -c %s '$TMP/got' 2>/dev/null || echo 0) = 8388608 ]" ||
		fail "8 MiB from $1 to $3: got $(stat -c %s "$TMP/got" 2>/dev/null) bytes"
	[ "$(sha256sum <"$TMP/data")" = "$(sha256sum <"$TMP/got")" ] ||
		fail "8 MiB from $1 to $3: sha256 differs"
	rm -f "$TMP/got"
}

# iperf FROM TO_ADDR - 2 s of TCP; prints Gbit/s
iperf() {
	ns_exec "$1" iperf3 -c "$2" -t 2 -J | python3 -c '
import json, sys
print("%.1f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))'
}

# run_case LABEL T2_OPTS - the whole check with tap 2 given T2_OPTS, on
# hosts a$CASE and b$CASE
run_case() {
	local label=$1 avg1 avg2 g12 g21 rx bytes h1 h2
	CASE=$((${CASE:-0} + 1))
	h1=a$CASE h2=b$CASE
	start_switch --netdev "tap,id=t1,ifname=$T1" --netdev "tap,id=t2,ifname=$T2$2"
	ns_host "$h1" "$T1" 10.77.0.1/24
	ns_host "$h2" "$T2" 10.77.0.2/24
	ns_exec "$h1" ping -c 3 -i 0.2 -W 2 10.77.0.2 >/dev/null || fail "$label: ping failed"
	ns_exec "$h2" iperf3 -s -D -I "$TMP/iperf$CASE.pid"
	cleanup_add "kill \$(cat '$TMP/iperf$CASE.pid' 2>/dev/null) 2>/dev/null"
	sleep 0.3
	g12=$(iperf "$h1" 10.77.0.2)
	ns_exec "$h1" iperf3 -s -D -I "$TMP/iperf$CASE-1.pid"
	cleanup_add "kill \$(cat '$TMP/iperf$CASE-1.pid' 2>/dev/null) 2>/dev/null"
	sleep 0.3
	g21=$(iperf "$h2" 10.77.0.1)
	transfer "$h1" 10.77.0.2 "$h2"
	transfer "$h2" 10.77.0.1 "$h1"
	ns_exec "$h1" ip addr add fd00:77::1/64 dev "$T1" nodad
	ns_exec "$h2" ip addr add fd00:77::2/64 dev "$T2" nodad
	transfer "$h1" "[fd00:77::2]" "$h2"
	transfer "$h2" "[fd00:77::1]" "$h1"
	rx=$(pstat t1 rx_packets) bytes=$(pstat t1 rx_bytes)
	avg1=$((bytes / rx))
	rx=$(pstat t2 rx_packets) bytes=$(pstat t2 rx_bytes)
	avg2=$((bytes / rx))
	[ "$(vioctl_j stats t1 | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]["drops"]; print(sum(v for k, v in d.items() if k not in ("filtered", "link_down")))')" = 0 ] ||
		fail "$label: t1 dropped frames: $(vioctl_j stats t1 | tr -d " \n")"
	echo "  $label: h1->h2 $g12 Gbit/s, h2->h1 $g21 Gbit/s; average frame from t1 $avg1 B, from t2 $avg2 B"
	[ "$avg1" -gt 1514 ] || fail "$label: no GSO frames from t1 (average $avg1 B)"
	SEGINFO=$(vioctl_j stats t2 | python3 -c 'import json,sys; o=json.load(sys.stdin)[0]["offload"]; print(o["segmented"], "super-frames segmented into", o["segments"], "frames;", o["csum_sw"], "checksums filled")')
	stop_switch || fail "$label: exit status $?"
	ip link show "$T1" >/dev/null 2>&1 && fail "$label: tap $T1 left behind"
	AVG2=$avg2
}

run_case "offloads on both taps" ""
[ "$AVG2" -gt 1514 ] || fail "no GSO frames from t2 (average $AVG2 B)"
pass "ping, TCP both ways and 8 MiB each way over IPv4 and IPv6 intact; GSO frames cross whole"
run_case "vnet_hdr=off on t2" ",vnet_hdr=off"
[ "$AVG2" -le 1514 ] || fail "t2 without vnet_hdr sent $AVG2-byte frames"
echo "  offload paths on t2: $SEGINFO"
[ "${SEGINFO%% *}" -gt 0 ] || fail "no super-frame was segmented for t2"
pass "with vnet_hdr=off on one side the switch segments (IPv4 and IPv6) and checksums: data intact"
