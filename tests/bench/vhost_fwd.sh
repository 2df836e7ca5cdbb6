#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vhost_fwd.sh - vhost <-> vhost forwarding on one PMD core, against
# dpdk-testpmd io-forward between two net_vhost ports on the same core
#
# Both forwarders run side by side on CPU 1, the switch and a testpmd with
# two net_vhost ports, each fed by its own generator (vhost_gen.sh). Only
# one pair runs at a time; the other sleeps (the switch's PMD sleeps when
# idle, a stopped testpmd waits). Windows alternate: BENCH_ROUNDS pairs
# (default 9), each pair starting with the other forwarder.
# Reported per frame size (SIZES, default "64 1518"): Mpps the generator
# receives and the forwarder's cycles per packet (our `pmd stats`,
# testpmd's --record-core-cycles), each the median of its windows; each
# ratio is the median of the pairs' own ratios (cycles: baseline over
# ours, so higher is better in both).
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
source "$(dirname "$0")/vhost_gen.sh"
source "$(dirname "$0")/lib.sh"
tmpdir_make

# ours - one window through the switch; appends to ours_mpps and ours_cpp
ours() {
	ours_window gen_ours
	ours_mpps+=("$MPPS")
	ours_cpp+=("$CPP")
}

# base - one window through testpmd; appends to base_mpps and base_cpp.
# Its cycles per packet cover the window and its warm-up (what it
# printed at stop).
base() {
	local before cpp started

	before=$(grep -c "CPU cycles/packet" "$TMP/base.log" || true)
	started=$(grep -c "packets/burst=" "$TMP/base.log" || true)
	testpmd_cmd base start
	# Its start empties its receive queues: the generator's bursts must
	# come after that.
	wait_until 5 sh -c "[ \$(grep -c 'packets/burst=' '$TMP/base.log') -gt $started ]" ||
		fail "testpmd base did not start forwarding"
	ON_START="" ON_END="" window gen_base
	testpmd_cmd base stop
	wait_until 5 sh -c "[ \$(grep -c 'CPU cycles/packet' '$TMP/base.log') -gt $before ]" ||
		fail "testpmd base printed no cycles per packet"
	cpp=$(grep -o "CPU cycles/packet=[0-9.]*" "$TMP/base.log" | tail -1 | cut -d= -f2)
	base_mpps+=("$MPPS")
	base_cpp+=("$(printf '%.0f' "$cpp")")
}

start_switch --netdev "vhost-user,id=a,path=$TMP/s0.sock" \
	--netdev "vhost-user,id=b,path=$TMP/s1.sock"
testpmd_start base 1 --vdev "net_vhost0,iface=$TMP/b0.sock,queues=1" \
	--vdev "net_vhost1,iface=$TMP/b1.sock,queues=1" \
	-- -i --forward-mode=io --record-core-cycles --txd=1024 --rxd=1024
testpmd_ready base 30

for size in ${SIZES:-64 1518}; do
	gen_start gen_ours "$TMP/s0.sock" "$TMP/s1.sock" "$size"
	gen_start gen_base "$TMP/b0.sock" "$TMP/b1.sock" "$size"
	ours_mpps=() ours_cpp=() base_mpps=() base_cpp=()
	for r in $(seq 0 $((${BENCH_ROUNDS:-9} - 1))); do
		if ((r % 2)); then
			base
			ours
		else
			ours
			base
		fi
	done
	testpmd_stop gen_ours
	testpmd_stop gen_base
	echo "  ${size} B by window: ours ${ours_mpps[*]} Mpps, ${ours_cpp[*]} cyc;" \
		"testpmd ${base_mpps[*]} Mpps, ${base_cpp[*]} cyc" >&2
	bench_paired "vhost-vhost ${size} B" Mpps "testpmd io-fwd net_vhost, 1 core" \
		higher "${ours_mpps[*]}" "${base_mpps[*]}"
	bench_paired "vhost-vhost ${size} B cycles/pkt" cyc \
		"testpmd --record-core-cycles" lower "${ours_cpp[*]}" "${base_cpp[*]}"
done
testpmd_stop base
stop_switch || fail "vioswitch exit status $?"
