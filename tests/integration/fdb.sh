#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# fdb.sh - `vioctl fdb show` after a learning replay, aging, static entries,
# and ports removed and added while traffic runs
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
tmpdir_make
S=$REPO/pcap-samples

# fdb_port MAC - the port `fdb show` lists MAC on, or "none"
fdb_port() {
	vioctl_j fdb show | python3 -c '
import json, sys
e = [x["port"] for x in json.load(sys.stdin) if x["mac"] == sys.argv[1]]
print(e[0] if e else "none")' "$1"
}

start_switch --fdb-age 2 \
	--netdev "pcap,id=p0,rx=$S/learn-p0.pcap,tx=$TMP/p0.pcap" \
	--netdev "pcap,id=p1,rx=$S/learn-p1.pcap,tx=$TMP/p1.pcap" \
	--netdev "pcap,id=p2,rx=$S/learn-p2.pcap,tx=$TMP/p2.pcap"
wait_until 10 sh -c "[ \$('$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json port list | grep -c '\"rx_done\": true') = 3 ]" ||
	fail "replay did not finish"
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" fdb show
a=$(fdb_port 02:00:00:00:00:0a) b=$(fdb_port 02:00:00:00:00:0b)
c=$(fdb_port 02:00:00:00:00:0c)
[ "$a/$b/$c" = p2/p1/p2 ] || fail "fdb show: A on $a, B on $b, C on $c; expected p2/p1/p2 (A moved)"
[ "$(vioctl_j stats p2 | json_get 0.fdb.moved)" = 1 ] || fail "move not counted"
pass "fdb show lists A, B, C on the ports they were last seen on"

vioctl_j fdb add 02:00:00:00:00:99 p1 vlan 7 >/dev/null
wait_until 8 sh -c "[ \$('$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json fdb show | grep -c '\"static\": false') = 0 ]" ||
	fail "learned entries did not age out with --fdb-age 2"
[ "$(fdb_port 02:00:00:00:00:99)" = p1 ] || fail "static entry aged out"
vioctl_j fdb del 02:00:00:00:00:99 vlan 7 >/dev/null
[ "$(fdb_port 02:00:00:00:00:99)" = none ] || fail "fdb del left the entry"
pass "learned entries age out, static ones stay until deleted"

# Traffic keeps flowing while ports come and go: p3 floods broadcasts.
vioctl_j port add "pcap,id=p3,rx=$S/bcast-mcast.pcap,loop=0,pps=5000" >/dev/null
for i in 1 2 3 4 5; do
	vioctl_j port del p1 >/dev/null
	vioctl_j port add "pcap,id=p1,tx=$TMP/p1-$i.pcap" >/dev/null
	sleep 0.2
done
before=$(vioctl_j stats p0 | json_get 0.tx_packets)
sleep 0.5
after=$(vioctl_j stats p0 | json_get 0.tx_packets)
[ "$after" -gt "$before" ] || fail "p0 stopped receiving while p1 was re-added"
[ "$(vioctl_j stats p1 | json_get 0.tx_packets)" -gt 0 ] || fail "re-added p1 gets nothing"
vioctl_j port del p3 >/dev/null
stop_switch || fail "exit status $? after port churn"
pass "5 port removals and additions under 5000 frames/s: traffic continues, clean exit"
