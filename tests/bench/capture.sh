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
# BENCH_ROUNDS rounds (default 3) and each figure is the median.
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

# median VALUES... - the median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

none=() none_cpp=() miss=() miss_cpp=() all=() all_cpp=()
for _ in $(seq "${BENCH_ROUNDS:-3}"); do
	run "no capture"
	none+=("$MPPS") none_cpp+=("$CPP")
	run "filter matching nothing" --filter "tcp port 22"
	miss+=("$MPPS") miss_cpp+=("$CPP")
	run "capture of everything" --snaplen 128
	all+=("$MPPS") all_cpp+=("$CPP")
done
echo "  Mpps by round: none ${none[*]}; no match ${miss[*]}; all ${all[*]}" >&2
bench_result "capture, filter matches none" "$(median "${miss[@]}")" "$(median "${none[@]}")" Mpps "same switch, no capture"
bench_result "  cycles/pkt" "$(median "${miss_cpp[@]}")" "$(median "${none_cpp[@]}")" cyc "same switch, no capture" lower
bench_result "capture of every frame" "$(median "${all[@]}")" "$(median "${none[@]}")" Mpps "same switch, no capture"
bench_result "  cycles/pkt" "$(median "${all_cpp[@]}")" "$(median "${none_cpp[@]}")" cyc "same switch, no capture" lower
