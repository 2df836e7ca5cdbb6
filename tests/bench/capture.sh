#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# capture.sh - vhost <-> vhost forwarding while a capture watches one port,
# against the same switch without a capture, in the same invocation
#
# Three runs of the closed loop of vhost_fwd.sh at 64-byte frames (the
# worst case per frame): no capture (the baseline), a capture on port a
# whose filter matches nothing ("tcp port 22": the traffic is UDP), and one
# that matches everything, written to /dev/null so the disk does not decide
# the figure (captured copies the writer cannot take are dropped and
# counted, never forwarded traffic). Rates on this VM swing between runs
# (up to 2x, whatever runs): the three runs are interleaved over
# BENCH_ROUNDS rounds (default 3), in rotating order, and each figure is
# the median.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
source "$(dirname "$0")/vhost_gen.sh"
source "$(dirname "$0")/lib.sh"
tmpdir_make

# run LABEL CAPTURE_ARGS... - one run; sets MPPS and CPP
run() {
	local label=$1
	shift
	start_switch --netdev "vhost-user,id=a,path=$TMP/s0.sock" \
		--netdev "vhost-user,id=b,path=$TMP/s1.sock"
	if [ $# -gt 0 ]; then
		vioctl_j capture start a "$@" -w /dev/null >/dev/null
	fi
	ON_START=ours_start ON_END=ours_end generate 64
	CPP=$(awk -v b=$((OB1 - OB0)) -v p=$((OP1 - OP0)) 'BEGIN { printf "%.0f", p ? b / p : 0 }')
	[ $# -gt 0 ] && echo "  $label: $(vioctl_j capture list | python3 -c 'import json,sys; c=json.load(sys.stdin)[0]; print(c["matched"], "matched,", c["written"], "written,", c["dropped"], "dropped")')" >&2
	stop_switch || true
}

# one SCENARIO - run scenario 0 (no capture), 1 (no match) or 2 (all)
one() {
	case $1 in
	0) run "no capture"; none+=("$MPPS") none_cpp+=("$CPP") ;;
	1) run "filter matching nothing" --filter "tcp port 22"
	   miss+=("$MPPS") miss_cpp+=("$CPP") ;;
	2) run "capture of everything" --snaplen 128
	   all+=("$MPPS") all_cpp+=("$CPP") ;;
	esac
}

# Round r starts with scenario r mod 3, so each takes every place in turn
# (what ran before a run measurably moves its figure here).
none=() none_cpp=() miss=() miss_cpp=() all=() all_cpp=()
for r in $(seq 0 $((${BENCH_ROUNDS:-3} - 1))); do
	for k in 0 1 2; do
		one $(((r + k) % 3))
	done
done
echo "  Mpps by round: none ${none[*]}; no match ${miss[*]}; all ${all[*]}" >&2
bench_result "capture, filter matches none" "$(median "${miss[@]}")" "$(median "${none[@]}")" Mpps "same switch, no capture"
bench_result "  cycles/pkt" "$(median "${miss_cpp[@]}")" "$(median "${none_cpp[@]}")" cyc "same switch, no capture" lower
bench_result "capture of every frame" "$(median "${all[@]}")" "$(median "${none[@]}")" Mpps "same switch, no capture"
bench_result "  cycles/pkt" "$(median "${all_cpp[@]}")" "$(median "${none_cpp[@]}")" cyc "same switch, no capture" lower
