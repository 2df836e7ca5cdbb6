# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# footprint.sh - the footprint scenario: a guest namespace behind a tap
# port of a user-mode NAT moves data both ways, outbound to a host
# loopback service and inbound through a hostfwd rule, and a process's
# resident memory is read before and after
#
# Source after common.sh and netns.sh; tmpdir_make first. FP_MB (default
# 100) megabytes go each way on each path.
source "$(dirname "${BASH_SOURCE[0]}")/nat.sh"
FP_MB=${FP_MB:-100}
FP_GPORT=5201

# fp_rss PID - resident memory of PID in KB (VmRSS)
fp_rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# fp_rss_parts PID - "anon A file F shmem S" in KB, for the record
fp_rss_parts() {
	awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 }
		/^RssShmem:/ { s = $2 }
		END { printf "anon %d file %d shmem %d KB", a, f, s }' \
		"/proc/$1/status"
}

# fp_mb KB - KB as MB with one decimal
fp_mb() {
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

# fp_service PORT - an iperf3 server on 127.0.0.1:PORT, killed at exit
fp_service() {
	iperf3 -s -D -B 127.0.0.1 -p "$1" -I "$TMP/svc$1.pid"
	cleanup_add "kill \$(cat '$TMP/svc$1.pid' 2>/dev/null) 2>/dev/null"
	wait_until 5 test -s "$TMP/svc$1.pid" || fail "iperf3 on port $1 did not start"
}

# fp_dhcp HOST IFNAME - take a lease from the NAT on IFNAME in HOST's
# namespace; prints the router address
fp_dhcp() {
	local l
	ns_exec "$1" ip link set "$2" up
	l=$(nat_lease "$(ns_name "$1")" "$2") || fail "$1: no DHCP lease from the NAT"
	l=${l#* }
	echo "${l%% *}"
}

# fp_move HOST GW SVC FWD - FP_MB MB each way from HOST to the service at
# GW:SVC (the host's 127.0.0.1:SVC) and through the hostfwd rule at
# 127.0.0.1:FWD to HOST's port FP_GPORT; fails when a transfer does
fp_move() {
	local srv=$TMP/$1.iperf.pid dir
	ns_exec "$1" iperf3 -s -D -p "$FP_GPORT" -I "$srv"
	cleanup_add "kill \$(cat '$srv' 2>/dev/null) 2>/dev/null"
	wait_until 5 test -s "$srv" || fail "$1: iperf3 server did not start"
	for dir in "" -R; do
		timeout 60 ip netns exec "$(ns_name "$1")" iperf3 -c "$2" -p "$3" \
			-n "${FP_MB}M" $dir >"$TMP/$1.out$dir.log" 2>&1 ||
			fail "$1: ${FP_MB} MB to $2:$3 ${dir:+(reverse)} failed: $(tail -n 2 "$TMP/$1.out$dir.log")"
		timeout 60 iperf3 -c 127.0.0.1 -p "$4" -n "${FP_MB}M" $dir \
			>"$TMP/$1.fwd$dir.log" 2>&1 ||
			fail "$1: ${FP_MB} MB through hostfwd :$4 ${dir:+(reverse)} failed: $(tail -n 2 "$TMP/$1.fwd$dir.log")"
	done
	kill "$(cat "$srv")" 2>/dev/null || true
}

# fp_vhost_guest NAME SOCK DSTMAC DSTIP - a dpdk-testpmd virtio-user
# guest connected to the vhost-user socket SOCK sends UDP for a second to
# DSTMAC/DSTIP (port 9, discard) and stays connected; source testpmd.sh
# first. Sets FP_SENT to the frames it sent.
fp_vhost_guest() {
	TESTPMD_MEM=${TESTPMD_MEM:-256} testpmd_start "$1" 0 \
		--vdev "net_virtio_user0,path=$2,mac=02:00:00:00:f0:01" \
		-- -i --forward-mode=txonly --eth-peer="0,$3" \
		--tx-ip="10.0.2.99,$4" --txd=256 --rxd=256 \
		--total-num-mbufs=2048
	testpmd_ready "$1" 30
	testpmd_cmd "$1" "set txpkts 1000"
	testpmd_cmd "$1" start
	sleep 1
	testpmd_cmd "$1" stop
	FP_SENT=$(testpmd_port_stat "$1" 0 TX-packets)
	[ "${FP_SENT:-0}" -gt 0 ] || fail "$1: the vhost-user guest sent nothing"
}
