# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# vhost_gen.sh - the vhost-user traffic generator of the benchmarks
#
# Source after common.sh and testpmd.sh. One dpdk-testpmd with two
# virtio-user ports (sockets $TMP/s0.sock and $TMP/s1.sock) on CPU 0 in a
# closed loop: start tx_first, then io-forward, so frames entering the
# switch on port A always carry source A and destination B.
SECS=${BENCH_SECS:-3}
A=02:00:00:00:00:a0
B=02:00:00:00:00:a1

# generate SIZE - run the closed loop; sets MPPS
generate() {
	local r0 r1 t0 t1
	testpmd_start gen 0 --vdev "net_virtio_user0,path=$TMP/s0.sock,mac=$A" \
		--vdev "net_virtio_user1,path=$TMP/s1.sock,mac=$B" \
		-- -i --forward-mode=io --eth-peer=0,$B --eth-peer=1,$A \
		--txd=1024 --rxd=1024
	testpmd_ready gen 30
	testpmd_cmd gen "set txpkts $1"
	testpmd_cmd gen "start tx_first 16"
	sleep 1
	r0=$(testpmd_port_stat gen 1 RX-packets)
	t0=$(now_us)
	[ -n "${ON_START:-}" ] && $ON_START
	sleep "$SECS"
	r1=$(testpmd_port_stat gen 1 RX-packets)
	t1=$(now_us)
	[ -n "${ON_END:-}" ] && $ON_END
	testpmd_cmd gen stop
	testpmd_stop gen
	# both directions cross the switch: twice one port's receive rate
	MPPS=$(awk -v n=$((r1 - r0)) -v us=$((t1 - t0)) 'BEGIN { printf "%.2f", 2 * n / us }')
}

# Ours: vioswitch with two vhost-user server ports, PMD on CPU 1.
pmd_snap() { vioctl_j pmd stats | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; print(d["busy_cycles"], d["rx_packets"])'; }
ours_start() { read -r OB0 OP0 < <(pmd_snap); }
ours_end() { read -r OB1 OP1 < <(pmd_snap); }

