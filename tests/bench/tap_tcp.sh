#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# tap_tcp.sh - namespace-to-namespace TCP through two tap ports of the
# switch, each way, against the Linux bridge between two namespaces (veth)
# in the same invocation; each figure is the median of RUNS runs (5)
#
# The switch's PMD thread busy-polls its CPU (CPU 1, start_switch) while
# traffic flows, so, as in any poll-mode deployment, applications run on
# the other CPUs: our iperf3 processes are pinned off the PMD CPU (without
# this, the scheduler sometimes puts one on it and both halve: 10 instead
# of 15-16 Gbit/s). The bridge runs unpinned, free to use every CPU.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/lib.sh"
tmpdir_make
SECS=${BENCH_SECS:-2}

# gbps FROM TO_ADDR - iperf3 for SECS seconds; prints Gbit/s received
gbps() {
	ns_exec "$1" ${PIN:-} iperf3 -c "$2" -t "$SECS" -J | python3 -c '
import json, sys
print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))'
}

# median VALUES... - the middle value
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# runs FROM TO_ADDR - RUNS measurements
runs() {
	for _ in $(seq "${RUNS:-5}"); do
		gbps "$1" "$2"
	done
}

# measure A B - both directions between hosts A (.1) and B (.2), the
# median of RUNS runs each (this 2-core VM is noisy); sets FWD and REV
measure() {
	ns_exec "$2" ${PIN:-} iperf3 -s -D -I "$TMP/$2.pid"
	ns_exec "$1" ${PIN:-} iperf3 -s -D -I "$TMP/$1.pid"
	cleanup_add "kill \$(cat '$TMP/$1.pid' '$TMP/$2.pid' 2>/dev/null) 2>/dev/null"
	sleep 0.3
	FWD=$(median $(runs "$1" 10.66.0.2))
	REV=$(median $(runs "$2" 10.66.0.1))
}

start_switch --netdev "tap,id=t1,ifname=vb$$a" --netdev "tap,id=t2,ifname=vb$$b"
ns_host sa "vb$$a" 10.66.0.1/24
ns_host sb "vb$$b" 10.66.0.2/24
app_cpus=$(python3 -c 'import os; print(",".join(str(c) for c in sorted(os.sched_getaffinity(0)) if c != 1) or "1")')
PIN="taskset -c $app_cpus" measure sa sb
ours_fwd=$FWD ours_rev=$REV
stop_switch || true

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
measure ba bb

bench_result "tap-tap TCP a->b" "$ours_fwd" "$FWD" Gbit/s "Linux bridge, veth"
bench_result "tap-tap TCP b->a" "$ours_rev" "$REV" Gbit/s "Linux bridge, veth"
