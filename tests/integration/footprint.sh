#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# footprint.sh - the default configuration (a NAT with a hostfwd rule and
# one vhost-user port), sandboxed, stays under 64 MB of resident memory
# after start and after a dpdk-testpmd virtio-user guest connected and
# sent frames and a namespace guest behind a tap port moved 100 MB each
# way through the NAT (outbound to a host service and inbound through the
# hostfwd rule); the pools grew with that traffic and came back
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
source "$(dirname "$0")/../lib/footprint.sh"
tmpdir_make
LIMIT_KB=$((64 * 1024))
TAPIF=vfp$$
FWD=$(free_port) SVC=$(free_port)
[ "$(id -u)" = 0 ] || fail "run as root: the sandbox is on by default as root"

fp_service "$SVC"
# The embedded default's two ports, with paths of this test, and the tap
# of the guest namespace.
start_switch --netdev "user,id=nat,hostfwd=tcp:127.0.0.1:$FWD-:$FP_GPORT" \
	--netdev "vhost-user,id=vm1,path=$TMP/vm1.sock" \
	--netdev "tap,id=g,ifname=$TAPIF,mtu=1500" --log-level debug
[ "$(awk '/^Seccomp:/ { print $2 }' "/proc/$SWITCH_PID/status")" = 2 ] ||
	fail "the switch runs without its seccomp filter"
sleep 0.5
rss=$(fp_rss "$SWITCH_PID")
[ "$rss" -lt "$LIMIT_KB" ] ||
	fail "RSS after start: $(fp_mb "$rss") MB ($(fp_rss_parts "$SWITCH_PID")), limit 64 MB"
pass "RSS after start: $(fp_mb "$rss") MB ($(fp_rss_parts "$SWITCH_PID"))"

ns_empty guest
ip link set "$TAPIF" netns "$(ns_name guest)"
gw=$(fp_dhcp guest "$TAPIF")
mac=$(ns_exec guest cat "/sys/class/net/$TAPIF/address")
fp_vhost_guest vm "$TMP/vm1.sock" "$mac" 10.0.2.15
vioctl_j port list | python3 -c '
import json, sys
ports = json.load(sys.stdin)
sys.exit(not any(p["id"] == "vm1" and p.get("connected") for p in ports))' ||
	fail "vm1: the testpmd guest is not connected"
fp_move guest "$gw" "$SVC" "$FWD"
pass "guest: vhost-user guest sent $FP_SENT frames; $FP_MB MB each way to the host service and through hostfwd"

sleep 0.5
rss=$(fp_rss "$SWITCH_PID")
[ "$rss" -lt "$LIMIT_KB" ] ||
	fail "RSS after traffic: $(fp_mb "$rss") MB ($(fp_rss_parts "$SWITCH_PID")), limit 64 MB"
pass "RSS after traffic: $(fp_mb "$rss") MB ($(fp_rss_parts "$SWITCH_PID"))"

stop_switch || fail "vioswitch exit status $?"
# made: what the pools grew to; grown only with use, all back at exit
grep -q 'memory at exit: .* 64 KB mbufs [0-9]* of 2048' "$TMP/switch.log" ||
	fail "no memory summary at exit"
pass "$(grep -o 'memory at exit: .*' "$TMP/switch.log")"
