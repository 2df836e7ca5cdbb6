# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# vhost_gen.sh - the vhost-user traffic generator of the benchmarks
#
# Source after common.sh and testpmd.sh. A generator is a dpdk-testpmd
# with two virtio-user ports on CPU 0 in a closed loop (start tx_first,
# then io-forward), so frames entering the forwarder on port A always
# carry source A and destination B. Between windows it is stopped and
# takes no CPU.
#
# This VM's speed swings up to 10x within seconds, so benchmarks compare
# short alternating windows (BENCH_SECS seconds, default 1) rather than
# whole runs.
SECS=${BENCH_SECS:-1}
A=02:00:00:00:00:a0
B=02:00:00:00:00:a1

# gen_start NAME SOCK0 SOCK1 SIZE - start a generator of SIZE-byte frames
# for the forwarder listening on SOCK0 and SOCK1, stopped
gen_start() {
	testpmd_start "$1" 0 --vdev "net_virtio_user0,path=$2,mac=$A" \
		--vdev "net_virtio_user1,path=$3,mac=$B" \
		-- -i --forward-mode=io --eth-peer=0,$B --eth-peer=1,$A \
		--txd=1024 --rxd=1024
	testpmd_ready "$1" 30
	testpmd_cmd "$1" "set txpkts $4"
}

# window GEN - run generator GEN for SECS s after a warm-up; sets MPPS.
# Its start drops what its receive queues hold and injects fresh bursts,
# so every window circulates the same number of frames. ON_START and
# ON_END, when set, run at the edges of the measured part.
window() {
	local r0 r1 t0 t1

	testpmd_cmd "$1" "start tx_first 16"
	sleep 0.5
	r0=$(testpmd_port_stat "$1" 1 RX-packets)
	t0=$(now_us)
	[ -n "${ON_START:-}" ] && $ON_START
	sleep "$SECS"
	r1=$(testpmd_port_stat "$1" 1 RX-packets)
	t1=$(now_us)
	[ -n "${ON_END:-}" ] && $ON_END
	testpmd_cmd "$1" stop
	[ "$r1" -gt "$r0" ] || fail "$1: no frames came back in $SECS s"
	# both directions cross the forwarder: twice one port's receive rate
	MPPS=$(awk -v n=$((r1 - r0)) -v us=$((t1 - t0)) 'BEGIN { printf "%.2f", 2 * n / us }')
}

# The snapshots of the switch taken inside a window are vioctl's raw
# output, parsed after it: a python3 start costs about 0.5 s of CPU on
# this machine, taken from the generator or the switch (it cut the
# measured rate by a quarter).
ours_start() { vioctl_j pmd stats >"$TMP/pmd0.json"; }
ours_end() { vioctl_j pmd stats >"$TMP/pmd1.json"; }

# ours_cycles - the switch's busy cycles per received frame between
# ours_start and ours_end
ours_cycles() {
	python3 - "$TMP/pmd0.json" "$TMP/pmd1.json" <<'EOF'
import json, sys
a, b = (json.load(open(f))[0] for f in sys.argv[1:3])
p = b["rx_packets"] - a["rx_packets"]
print("%.0f" % ((b["busy_cycles"] - a["busy_cycles"]) / p if p else 0))
EOF
}

# ours_window GEN - one window through the switch; sets MPPS and CPP
ours_window() {
	ON_START=ours_start ON_END=ours_end window "$1"
	CPP=$(ours_cycles)
}
