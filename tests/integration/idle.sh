#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# idle.sh - an idle switch sleeps: under 1 % of a core over 10 s, with
# pcap ports, a vhost-user port nobody attached and the NAT (its thread
# spins briefly after work, then sleeps)
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
tmpdir_make

# cpu_ticks PID - utime + stime of a process, in clock ticks
cpu_ticks() {
	local stat
	stat=$(cat "/proc/$1/stat")
	stat=${stat##*) }
	awk '{ print $12 + $13 }' <<<"$stat"
}

start_switch --netdev "pcap,id=p0,tx=$TMP/p0.pcap" \
	--netdev "pcap,id=p1,rx=$REPO/pcap-samples/arp.pcap,tx=$TMP/p1.pcap" \
	--netdev "vhost-user,id=vm,path=$TMP/vm.sock" --netdev "user,id=nat"
wait_until 10 sh -c "'$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json port list | grep -q '\"rx_done\": true'" ||
	fail "replay did not finish"
sleep 1
t0=$(cpu_ticks "$SWITCH_PID")
s0=$(vioctl_j pmd stats | json_get 0.sleeps)
sleep 10
t1=$(cpu_ticks "$SWITCH_PID")
s1=$(vioctl_j pmd stats | json_get 0.sleeps)
hz=$(getconf CLK_TCK)
pct=$(awk -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN { printf "%.2f", 100 * d / hz / 10 }')
echo "idle CPU over 10 s: $pct % of a core ($((t1 - t0)) ticks at $hz/s), PMD slept $((s1 - s0)) times"
awk -v p="$pct" 'BEGIN { exit !(p < 1.0) }' || fail "idle switch used $pct % of a core"
pass "idle switch uses $pct % of a core"
