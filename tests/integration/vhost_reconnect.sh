#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vhost_reconnect.sh - a front-end detaches and reattaches 20 times while
# another port keeps receiving; traffic resumes each time, and the switch's
# open fds and RSS do not grow
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
tmpdir_make
export TESTPMD_MEM=256
ROUNDS=20

fds() { ls "/proc/$SWITCH_PID/fd" | wc -l; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$SWITCH_PID/status"; }
pstat() { vioctl_j port list | python3 -c '
import json, sys
p = [x for x in json.load(sys.stdin) if x["id"] == sys.argv[1]][0]
print(p[sys.argv[2]])' "$1" "$2"; }

# Broadcasts at 2000 frames/s reach both vhost ports.
start_switch --netdev "pcap,id=src,rx=$REPO/pcap-samples/bcast-mcast.pcap,loop=0,pps=2000" \
	--netdev "vhost-user,id=vm1,path=$TMP/vm1.sock" \
	--netdev "vhost-user,id=vm2,path=$TMP/vm2.sock"
testpmd_start keep 0 --vdev "net_virtio_user0,path=$TMP/vm1.sock" -- -i --forward-mode=rxonly --total-num-mbufs=4096
testpmd_ready keep 30
testpmd_cmd keep start

# bounce ROUND [TX_BEFORE] - attach a front-end to vm2, see traffic reach
# it, detach; sets GOT to what the front-end received
bounce() {
	testpmd_start "b$1" 0 --vdev "net_virtio_user0,path=$TMP/vm2.sock" -- -i --forward-mode=rxonly --total-num-mbufs=4096
	testpmd_ready "b$1" 30
	testpmd_cmd "b$1" start
	wait_until 5 sh -c "[ \$('$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json stats vm2 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"tx_packets\"])') -gt ${2:-0} ]" ||
		fail "round $1: no traffic to vm2 after reattach"
	GOT=$(testpmd_port_stat "b$1" 0 RX-packets)
	testpmd_stop "b$1"
}

bounce 0
wait_until 5 sh -c "'$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json port list | grep -q '\"connected\": false'" ||
	fail "vm2 still connected"
fd0=$(fds) rss0=$(rss_kb)
keep0=$(testpmd_port_stat keep 0 RX-packets)
for ((r = 1; r <= ROUNDS; r++)); do
	before=$(vioctl_j stats vm2 | json_get 0.tx_packets)
	bounce "$r" "$before"
	[ "$GOT" -gt 0 ] || fail "round $r: the front-end received nothing"
done
wait_until 5 sh -c "'$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json port list | grep -q '\"connected\": false'" ||
	fail "vm2 still connected"
fd1=$(fds) rss1=$(rss_kb)
keep1=$(testpmd_port_stat keep 0 RX-packets)
[ "$(pstat vm2 connects)" = $((ROUNDS + 1)) ] || fail "vm2 connects: $(pstat vm2 connects)"
[ "$(pstat vm2 disconnects)" = $((ROUNDS + 1)) ] || fail "vm2 disconnects: $(pstat vm2 disconnects)"
echo "  open fds $fd0 -> $fd1, RSS $rss0 kB -> $rss1 kB, vm1's front-end received $keep0 -> $keep1"
[ "$fd1" = "$fd0" ] || fail "open fds grew from $fd0 to $fd1"
# ASan holds freed memory in quarantine: RSS says nothing in that build.
if [[ $BUILD != */san ]]; then
	[ $((rss1 - rss0)) -lt 2048 ] || fail "RSS grew by $((rss1 - rss0)) kB"
fi
[ "$keep1" -gt "$keep0" ] || fail "vm1 stopped receiving during the reconnects"
pass "$ROUNDS detach/reattach rounds: traffic resumes each time, fds and RSS flat, vm1 unaffected"
