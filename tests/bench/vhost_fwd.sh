#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vhost_fwd.sh - vhost <-> vhost forwarding on one PMD core, against
# dpdk-testpmd io-forward between two net_vhost ports on the same core
#
# The generator is one dpdk-testpmd with two virtio-user ports on CPU 0 in
# a closed loop (start tx_first, then io-forward), so frames entering the
# switch on port A always carry source A and destination B. The switch (or
# the baseline) runs on CPU 1. Reported: Mpps the generator receives, and
# the forwarder's cycles per packet (our `pmd stats`, testpmd's
# --record-core-cycles). Ratios are ours over the baseline (cycles:
# baseline over ours, so higher is better in both). Each figure is the
# median of BENCH_ROUNDS alternating rounds, each ratio the median of the
# rounds' ratios; SIZES (default "64 1518") picks the frame sizes.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
source "$(dirname "$0")/vhost_gen.sh"
source "$(dirname "$0")/lib.sh"
tmpdir_make

# Baseline: testpmd io-forward between two net_vhost ports, one lcore on CPU 1.
base_start_fwd() {
	testpmd_start base 1 --vdev "net_vhost0,iface=$TMP/s0.sock,queues=1" \
		--vdev "net_vhost1,iface=$TMP/s1.sock,queues=1" \
		-- -i --forward-mode=io --record-core-cycles --txd=1024 --rxd=1024
	testpmd_ready base 30
	testpmd_cmd base start
}
base_cycles() {
	local before
	before=$(grep -c "CPU cycles/packet" "$TMP/base.log" || true)
	testpmd_cmd base stop
	wait_until 5 sh -c "[ \$(grep -c 'CPU cycles/packet' '$TMP/base.log') -gt $before ]" || true
	grep -o "CPU cycles/packet=[0-9.]*" "$TMP/base.log" | tail -1 | cut -d= -f2
}

# ours SIZE - one run of the switch; appends to ours_mpps and ours_cpp
ours() {
	start_switch --netdev "vhost-user,id=a,path=$TMP/s0.sock" \
		--netdev "vhost-user,id=b,path=$TMP/s1.sock"
	ON_START=ours_start ON_END=ours_end generate "$1"
	ours_mpps+=("$MPPS")
	ours_cpp+=("$(awk -v b=$((OB1 - OB0)) -v p=$((OP1 - OP0)) 'BEGIN { printf "%.0f", p ? b / p : 0 }')")
	stop_switch || true
}

# base SIZE - one run of the baseline; appends to base_mpps and base_cpp
base() {
	local cpp

	base_start_fwd
	ON_START="" ON_END="" generate "$1"
	base_mpps+=("$MPPS")
	cpp=$(base_cycles)
	base_cpp+=("$(printf '%.0f' "${cpp:-0}")")
	testpmd_stop base
}

# Rates on this VM swing between runs (up to 3x within minutes): switch and
# baseline alternate over BENCH_ROUNDS rounds (default 5), each round
# starting with the other one. Each figure is the median; each ratio is the
# median of the rounds' own ratios, so a drift cancels out.
for size in ${SIZES:-64 1518}; do
	ours_mpps=() ours_cpp=() base_mpps=() base_cpp=()
	for r in $(seq 0 $((${BENCH_ROUNDS:-5} - 1))); do
		if ((r % 2)); then
			base "$size"
			ours "$size"
		else
			ours "$size"
			base "$size"
		fi
	done
	echo "  ${size} B by round: ours ${ours_mpps[*]} Mpps, ${ours_cpp[*]} cyc;" \
		"testpmd ${base_mpps[*]} Mpps, ${base_cpp[*]} cyc" >&2
	bench_result "vhost-vhost ${size} B" "$(median "${ours_mpps[@]}")" \
		"$(median "${base_mpps[@]}")" Mpps "testpmd io-fwd net_vhost, 1 core" \
		higher "$(paired_ratio higher "${ours_mpps[*]}" "${base_mpps[*]}")"
	bench_result "vhost-vhost ${size} B cycles/pkt" "$(median "${ours_cpp[@]}")" \
		"$(median "${base_cpp[@]}")" cyc "testpmd --record-core-cycles" lower \
		"$(paired_ratio lower "${ours_cpp[*]}" "${base_cpp[*]}")"
done
