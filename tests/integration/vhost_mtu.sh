#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vhost_mtu.sh - mtu= of vhost-user ports without QEMU: the keys' limits,
# the QEMU line the switch prints, the warning for a front-end told no MTU
# (dpdk-testpmd's virtio-user does not negotiate VIRTIO_NET_F_MTU), and
# frames over the MTU dropped and counted as over_mtu while frames at it
# cross. tests/integration/vxlan_guest.sh shows a QEMU guest told its MTU.
set -euo pipefail
# shellcheck disable=SC2034 # BUILD is read by common.sh
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
tmpdir_make
A=02:00:00:00:00:b0
B=02:00:00:00:00:b1

# pstat PORT PATH - one counter of `vioctl stats PORT`
pstat() { vioctl_j stats "$1" | json_get "0.$2"; }
# pinfo PORT KEY - KEY of PORT's object in `port list --json` (None if
# absent)
pinfo() { vioctl_j port list | python3 -c '
import json, sys
p = [p for p in json.load(sys.stdin) if p["id"] == sys.argv[1]][0]
print(p.get(sys.argv[2]))' "$1" "$2"; }

# burst LEN - port 0 of tp sends LEN-byte frames for a moment; prints how
# many it sent
burst() {
	local before
	before=$(testpmd_port_stat tp 0 TX-packets)
	testpmd_cmd tp "set txpkts $1"
	testpmd_cmd tp start
	sleep 0.1
	testpmd_cmd tp stop
	sleep 0.5
	echo $(($(testpmd_port_stat tp 0 TX-packets) - before))
}

start_switch --netdev "vhost-user,id=m1,path=$TMP/m1.sock,mtu=1400" \
	--netdev "vhost-user,id=m2,path=$TMP/m2.sock"

# 1. The keys.
for spec in mtu=67 mtu=65536 mtu=9000,mrg_rxbuf=off mtu=x; do
	if vioctl_j port add "vhost-user,id=bad,path=$TMP/bad.sock,$spec" \
		>"$TMP/add.out" 2>&1; then
		fail "port add with $spec succeeded"
	fi
	case $spec in
	*mrg_rxbuf=off) grep -q "mrg_rxbuf=on" "$TMP/add.out" ||
		fail "port add with $spec: $(cat "$TMP/add.out")" ;;
	esac
done
vioctl_j port add "vhost-user,id=big,path=$TMP/big.sock,mtu=9000" \
	>"$TMP/add.out" 2>&1 || fail "port add with mtu=9000: $(cat "$TMP/add.out")"
[ "$(pinfo big mtu)" = 9000 ] || fail "port big: mtu is $(pinfo big mtu)"
vioctl_j port del big >/dev/null
pass "mtu= takes 68 to 65535 (above 1500 with mergeable buffers only)"

# 2. The QEMU line.
# hint ID - the lines the switch printed for port ID at start
hint() { awk -v id="$1" '/^  port /{ p = ($2 == id) } p' "$TMP/switch.log"; }
hint m1 >"$TMP/hint1"
hint m2 >"$TMP/hint2"
grep -q -- "-device virtio-net-pci,netdev=m1,host_mtu=1400" "$TMP/hint1" ||
	fail "m1's QEMU line lacks host_mtu=1400: $(cat "$TMP/hint1")"
! grep -q host_mtu "$TMP/hint2" ||
	fail "m2 (no mtu=) has host_mtu in its QEMU line: $(cat "$TMP/hint2")"
pass "the QEMU line of a port with mtu=1400 carries host_mtu=1400, and only that port's"

# 3. A front-end told no MTU.
testpmd_start tp 0 --vdev "net_virtio_user0,path=$TMP/m1.sock,mac=$A" \
	--vdev "net_virtio_user1,path=$TMP/m2.sock,mac=$B" \
	-- -i --forward-mode=txonly --eth-peer=0,$B --eth-peer=1,$A
testpmd_ready tp 30
wait_until 5 grep -q "port m1: the guest was told no MTU" "$TMP/switch.log" ||
	fail "no warning that m1's front-end was told no MTU: $(grep 'port m' "$TMP/switch.log")"
! grep -q "port m2: .*MTU" "$TMP/switch.log" ||
	fail "a warning about MTU on m2, which has no mtu=: $(grep 'port m2:' "$TMP/switch.log")"
[ "$(pinfo m1 mtu) $(pinfo m1 guest_mtu)" = "1400 None" ] ||
	fail "m1: mtu $(pinfo m1 mtu), guest_mtu $(pinfo m1 guest_mtu)"
pass "a front-end that was told no MTU is named in a warning with the host_mtu= to give QEMU"

# 4. Frames at the MTU cross, frames over it are counted as over_mtu.
d0=$(pstat m1 drops.over_mtu)
rx0=$(pstat m1 rx_packets)
out0=$(($(pstat m1 forwarded) + $(pstat m1 flooded)))
n=$(burst 1414)
[ "$n" -gt 0 ] || fail "testpmd sent no 1414-byte frames"
[ "$(pstat m1 drops.over_mtu)" = "$d0" ] ||
	fail "1414-byte frames (payload 1400) counted as over_mtu"
[ $(($(pstat m1 rx_packets) - rx0)) = "$n" ] ||
	fail "m1 received $(($(pstat m1 rx_packets) - rx0)) of $n frames"
out=$(($(pstat m1 forwarded) + $(pstat m1 flooded) - out0))
[ "$out" = "$n" ] || fail "m1 switched $out of $n frames"
n2=$(burst 1415)
drops=$(($(pstat m1 drops.over_mtu) - d0))
[ "$n2" -gt 0 ] && [ "$drops" = "$n2" ] ||
	fail "$n2 frames of 1415 bytes sent, $drops counted as over_mtu"
[ $(($(pstat m1 rx_packets) - rx0)) = $((n + n2)) ] ||
	fail "m1's rx_packets do not count the dropped frames"
pass "$n frames with 1400 bytes of payload crossed, $n2 with 1401 were counted as over_mtu and received"
testpmd_stop tp
stop_switch || fail "exit status $? on SIGTERM"
