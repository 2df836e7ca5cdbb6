#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vhost.sh - two virtio-user front-ends (dpdk-testpmd) exchange frames
# through vhost-user ports, with the switch as server and as client
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
tmpdir_make
A=02:00:00:00:00:a0
B=02:00:00:00:00:a1

# pstat PORT PATH - one counter of `vioctl stats PORT`
pstat() { vioctl_j stats "$1" | json_get "0.$2"; }

# check_port PORT PEER_TX PEER_RX - counters of PORT add up against the
# front-end's: it received what the front-end sent, it sent at least what
# the front-end received (at most 2 bursts x 4 x 32 still in flight)
check_port() {
	local p=$1 rx fwd fl drops tx
	rx=$(pstat "$p" rx_packets)
	fwd=$(pstat "$p" forwarded)
	fl=$(pstat "$p" flooded)
	drops=$(vioctl_j stats "$p" | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)[0]["drops"].values()))')
	tx=$(pstat "$p" tx_packets)
	[ "$rx" = "$2" ] || fail "$p received $rx, front-end sent $2"
	[ "$rx" = $((fwd + fl + drops)) ] || fail "$p: rx $rx != forwarded $fwd + flooded $fl + drops $drops"
	[ "$drops" = 0 ] || fail "$p dropped $drops frames"
	[ "$tx" -ge "$3" ] && [ $((tx - $3)) -le 256 ] ||
		fail "$p sent $tx, front-end received $3"
	echo "  $p: rx $rx = forwarded $fwd + flooded $fl, tx $tx (peer got $3)"
}

# fdb_port MAC - the port `fdb show` lists MAC on
fdb_port() {
	vioctl_j fdb show | python3 -c '
import json, sys
e = [x["port"] for x in json.load(sys.stdin) if x["mac"] == sys.argv[1]]
print(e[0] if e else "none")' "$1"
}

# writes PID - write syscalls PID made so far
writes() { awk '/^syscw/ { print $2 }' "/proc/$1/io"; }

# exchange NAME P0 P1 - closed loop through ports P0 (MAC A) and P1 (MAC B)
exchange() {
	local tp=$1 tx0 tx1 rx0 rx1 w0 w1
	testpmd_cmd "$tp" "start tx_first 4"
	w0=$(writes "${_TP_PID[$tp]}")
	sleep 1
	w1=$(writes "${_TP_PID[$tp]}")
	testpmd_cmd "$tp" stop
	sleep 0.5
	tx0=$(testpmd_port_stat "$tp" 0 TX-packets)
	tx1=$(testpmd_port_stat "$tp" 1 TX-packets)
	rx0=$(testpmd_port_stat "$tp" 0 RX-packets)
	rx1=$(testpmd_port_stat "$tp" 1 RX-packets)
	[ "$rx1" -gt 1000 ] || fail "$tp: only $rx1 frames crossed the switch"
	echo "  $tp: port 0 sent $tx0 received $rx0, port 1 sent $tx1 received $rx1;" \
		"$((w1 - w0)) write syscalls (kicks) while forwarding"
	# A polling switch turns the guest's notifications off: a kick is a
	# syscall (a VM exit in QEMU) per burst.
	[ $((w1 - w0)) -lt $((rx1 / 100)) ] ||
		fail "$tp kicked the switch $((w1 - w0)) times for $rx1 frames"
	check_port "$2" "$tx0" "$rx0"
	check_port "$3" "$tx1" "$rx1"
	[ "$(fdb_port $A)" = "$2" ] && [ "$(fdb_port $B)" = "$3" ] ||
		fail "fdb: $A on $(fdb_port $A), $B on $(fdb_port $B)"
}

VDEV=(--vdev "net_virtio_user0,path=$TMP/vm1.sock,mac=$A"
      --vdev "net_virtio_user1,path=$TMP/vm2.sock,mac=$B"
      -- -i --forward-mode=io --eth-peer=0,$B --eth-peer=1,$A)
start_switch --netdev "vhost-user,id=vm1,path=$TMP/vm1.sock" \
	--netdev "vhost-user,id=vm2,path=$TMP/vm2.sock"
[ "$(stat -c %a "$TMP/vm1.sock")" = 660 ] || fail "vm1.sock is not mode 0660"
testpmd_start tp 0 "${VDEV[@]}"
testpmd_ready tp 30
wait_until 5 sh -c "'$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json port list | grep -c '\"connected\": true' | grep -qx 2" ||
	fail "front-ends not connected"
vioctl_j port list | grep -q '"MRG_RXBUF"' || fail "MRG_RXBUF not negotiated"
exchange tp vm1 vm2
testpmd_stop tp
wait_until 5 sh -c "! '$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json port list | grep -q '\"connected\": true'" ||
	fail "ports still connected after the front-end quit"
pass "server mode: frames cross both ways, counters add up, MACs learned"

# Client mode: testpmd listens (server=1), the switch connects.
vioctl_j fdb flush >/dev/null
testpmd_start tpc 0 --vdev "net_virtio_user0,path=$TMP/c1.sock,server=1,mac=$A" \
	--vdev "net_virtio_user1,path=$TMP/c2.sock,server=1,mac=$B" \
	-- -i --forward-mode=io --eth-peer=0,$B --eth-peer=1,$A
vioctl_j port add "vhost-user,id=c1,path=$TMP/c1.sock,server=off" >/dev/null
vioctl_j port add "vhost-user,id=c2,path=$TMP/c2.sock,server=off" >/dev/null
testpmd_ready tpc 30
exchange tpc c1 c2
pass "client mode: the switch connects to the front-ends' sockets"
stop_switch || fail "exit status $? on SIGTERM"
[ ! -e "$TMP/vm1.sock" ] || fail "vm1.sock left behind"
pass "clean exit removes the vhost-user sockets"
