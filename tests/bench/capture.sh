#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# capture.sh - vhost <-> vhost forwarding while a capture watches one port,
# against the same switch without a capture, in the same invocation
#
# One switch and the closed-loop generator of vhost_gen.sh at 64-byte
# frames (the worst case per frame), in windows of three kinds: no capture
# (the baseline), a capture on port a whose filter matches nothing ("tcp
# port 22": the traffic is UDP), and one that matches everything, written
# to /dev/null so the disk does not decide the figure (captured copies the
# writer cannot take are dropped and counted, never forwarded traffic).
# Captures start and stop at runtime around their window, as a user's
# would. BENCH_ROUNDS rounds (default 5) of the three, in rotating order;
# each figure is the median of its windows, each ratio the median of the
# rounds' own ratios.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
source "$(dirname "$0")/vhost_gen.sh"
source "$(dirname "$0")/lib.sh"
tmpdir_make

# run CAPTURE_ARGS... - one window, with a capture started on port a
# before it and stopped after it when there are CAPTURE_ARGS; sets MPPS,
# CPP and COUNTS (the capture's)
run() {
	local id=""

	if [ $# -gt 0 ]; then
		id=$(vioctl_j capture start a "$@" -w /dev/null | json_get id)
	fi
	ours_window gen
	if [ -n "$id" ]; then
		COUNTS=$(vioctl_j capture list | python3 -c 'import json,sys; c=json.load(sys.stdin)[0]; print(c["matched"], "matched,", c["written"], "written,", c["dropped"], "dropped")')
		vioctl_j capture stop "$id" >/dev/null
	fi
}

# one SCENARIO - a window of scenario 0 (no capture), 1 (no match) or 2
# (all)
one() {
	case $1 in
	0) run; none+=("$MPPS") none_cpp+=("$CPP") ;;
	1) run --filter "tcp port 22"
	   miss+=("$MPPS") miss_cpp+=("$CPP") miss_counts=$COUNTS ;;
	2) run --snaplen 128
	   all+=("$MPPS") all_cpp+=("$CPP") all_counts=$COUNTS ;;
	esac
}

start_switch --netdev "vhost-user,id=a,path=$TMP/s0.sock" \
	--netdev "vhost-user,id=b,path=$TMP/s1.sock"
gen_start gen "$TMP/s0.sock" "$TMP/s1.sock" 64
# Round r starts with scenario r mod 3, so each takes every place in turn.
none=() none_cpp=() miss=() miss_cpp=() all=() all_cpp=()
for r in $(seq 0 $((${BENCH_ROUNDS:-5} - 1))); do
	for k in 0 1 2; do
		one $(((r + k) % 3))
	done
done
testpmd_stop gen
stop_switch || fail "vioswitch exit status $?"
echo "  Mpps by round: none ${none[*]}; no match ${miss[*]}; all ${all[*]}" >&2
echo "  last window's capture: no match: $miss_counts; all: $all_counts" >&2
base="same switch, no capture"
bench_paired "capture, filter matches none" Mpps "$base" higher "${miss[*]}" "${none[*]}"
bench_paired "  cycles/pkt" cyc "$base" lower "${miss_cpp[*]}" "${none_cpp[*]}"
bench_paired "capture of every frame" Mpps "$base" higher "${all[*]}" "${none[*]}"
bench_paired "  cycles/pkt" cyc "$base" lower "${all_cpp[*]}" "${none_cpp[*]}"
