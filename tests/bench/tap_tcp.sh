#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# tap_tcp.sh - namespace-to-namespace TCP through two tap ports of the
# switch, each way, against the Linux bridge between two namespaces (veth)
# in the same invocation, and against tap_relay.c, a bare userspace relay
# between two taps (the floor of any userspace switch on taps: it copies
# each byte twice more than the bridge); the three alternate over
# BENCH_ROUNDS rounds (5) and each figure is the median
#
# The switch's PMD thread busy-polls its CPU (CPU 1, start_switch) while
# traffic flows, so, as in any poll-mode deployment, applications run on
# the other CPUs: our iperf3 processes are pinned off the PMD CPU (without
# this, the scheduler sometimes puts one on it and both halve: 10 instead
# of 15-16 Gbit/s). The relay gets the same placement. The bridge runs
# unpinned, free to use every CPU.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/lib.sh"
tmpdir_make
SECS=${BENCH_SECS:-2}

# gbps FROM TO_ADDR - iperf3 for SECS seconds; prints Gbit/s received
gbps() {
	ns_exec "$1" ${PIN:-} iperf3 -c "$2" -t "$SECS" -J | iperf3_gbps
}

# servers A B - iperf3 servers in hosts A and B
servers() {
	ns_exec "$2" ${PIN:-} iperf3 -s -D -I "$TMP/$2.pid"
	ns_exec "$1" ${PIN:-} iperf3 -s -D -I "$TMP/$1.pid"
	cleanup_add "kill \$(cat '$TMP/$1.pid' '$TMP/$2.pid' 2>/dev/null) 2>/dev/null"
}

# ours - one run each way through the switch (iperf3 off the PMD CPU)
ours() {
	ours_fwd+=("$(PIN="taskset -c $app_cpus" gbps sa 10.66.0.2)")
	ours_rev+=("$(PIN="taskset -c $app_cpus" gbps sb 10.66.0.1)")
}

# relay - one run each way through tap_relay (iperf3 off its CPU)
relay() {
	rl_fwd+=("$(PIN="taskset -c $app_cpus" gbps ra 10.66.0.2)")
	rl_rev+=("$(PIN="taskset -c $app_cpus" gbps rb 10.66.0.1)")
}

# bridge - one run each way through the Linux bridge
bridge() {
	br_fwd+=("$(gbps ba 10.66.0.2)")
	br_rev+=("$(gbps bb 10.66.0.1)")
}

start_switch --netdev "tap,id=t1,ifname=vb$$a" --netdev "tap,id=t2,ifname=vb$$b"
ns_host sa "vb$$a" 10.66.0.1/24
ns_host sb "vb$$b" 10.66.0.2/24
app_cpus=$(python3 -c 'import os; print(",".join(str(c) for c in sorted(os.sched_getaffinity(0)) if c != 1) or "1")')
PIN="taskset -c $app_cpus" servers sa sb

cc -O2 -Wall -o "$TMP/tap_relay" "$(dirname "$0")/tap_relay.c"
coproc RELAY { exec taskset -c 1 "$TMP/tap_relay" "vr$$a" "vr$$b"; }
cleanup_add "kill $RELAY_PID 2>/dev/null"
read -r ready <&"${RELAY[0]}"
[ "$ready" = ready ] || fail "tap_relay did not start"
ns_host ra "vr$$a" 10.66.0.1/24
ns_host rb "vr$$b" 10.66.0.2/24
PIN="taskset -c $app_cpus" servers ra rb

br=vbr$$
ip link add "$br" type bridge
cleanup_add "ip link del $br 2>/dev/null"
for h in ba bb; do
	ip link add "v$$$h" type veth peer name "p$$$h"
	ip link set "p$$$h" master "$br" up
done
ip link set "$br" up
ns_host ba "v$$ba" 10.66.0.1/24
ns_host bb "v$$bb" 10.66.0.2/24
servers ba bb
sleep 0.3

# All three setups stay up (the idle switch and relay sleep); rounds
# rotate which goes first, and each figure is the median.
ours_fwd=() ours_rev=() br_fwd=() br_rev=() rl_fwd=() rl_rev=()
for r in $(seq 0 $((${BENCH_ROUNDS:-5} - 1))); do
	case $((r % 3)) in
	0) ours; bridge; relay ;;
	1) bridge; relay; ours ;;
	2) relay; ours; bridge ;;
	esac
done
echo "  Gbit/s by round: switch a->b ${ours_fwd[*]}, b->a ${ours_rev[*]};" \
	"bridge a->b ${br_fwd[*]}, b->a ${br_rev[*]};" \
	"relay a->b ${rl_fwd[*]}, b->a ${rl_rev[*]}" >&2
bench_result "tap-tap TCP a->b" "$(median "${ours_fwd[@]}")" "$(median "${br_fwd[@]}")" Gbit/s "Linux bridge, veth"
bench_result "tap-tap TCP b->a" "$(median "${ours_rev[@]}")" "$(median "${br_rev[@]}")" Gbit/s "Linux bridge, veth"
bench_result "tap-tap TCP a->b" "$(median "${ours_fwd[@]}")" "$(median "${rl_fwd[@]}")" Gbit/s "tap_relay.c, bare copy loop"
bench_result "tap-tap TCP b->a" "$(median "${ours_rev[@]}")" "$(median "${rl_rev[@]}")" Gbit/s "tap_relay.c, bare copy loop"
