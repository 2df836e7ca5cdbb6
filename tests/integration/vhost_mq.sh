#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vhost_mq.sh - multiqueue: two queue pairs per vhost-user port, served by
# two PMD threads; traffic on every queue, each queue on one PMD thread
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
tmpdir_make
A=02:00:00:00:00:b0
B=02:00:00:00:00:b1

# start_switch pins one PMD thread; this test wants two.
"$BUILD/vioswitch" --ctl "$TMP/ctl.sock" --pmd-cpus 0-1 --log-level warning \
	--netdev "vhost-user,id=vm1,path=$TMP/vm1.sock,queues=2" \
	--netdev "vhost-user,id=vm2,path=$TMP/vm2.sock,queues=2" \
	>>"$TMP/switch.log" 2>&1 &
SWITCH_PID=$!
cleanup_add _switch_kill
wait_until 20 "$BUILD/vioctl" --ctl "$TMP/ctl.sock" version >/dev/null 2>&1 ||
	fail "switch did not start"

testpmd_start mq 0 --vdev "net_virtio_user0,path=$TMP/vm1.sock,mac=$A,queues=2" \
	--vdev "net_virtio_user1,path=$TMP/vm2.sock,mac=$B,queues=2" \
	-- -i --forward-mode=io --rxq=2 --txq=2 --eth-peer=0,$B --eth-peer=1,$A
testpmd_ready mq 30
vioctl_j port list | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    assert p["queues_enabled"] == 2, (p["id"], p["queues_enabled"])
    assert "MQ" in p["features"], p["features"]' || fail "queue pairs not both enabled"
testpmd_cmd mq "start tx_first 4"
sleep 1
testpmd_cmd mq stop
sleep 0.5

vioctl_j pmd stats | python3 -c '
import json, sys
pmds = json.load(sys.stdin)
queues = {}
for p in pmds:
    print("  pmd %d (cpu %d): %s, %d frames" % (p["pmd"], p["cpu"],
          " ".join("%s/%d" % (q["port"], q["queue"]) for q in p["rxqs"]),
          p["rx_packets"]))
    assert p["rx_packets"] > 1000, "pmd %d idle" % p["pmd"]
    for q in p["rxqs"]:
        key = (q["port"], q["queue"])
        assert key not in queues, "queue %s on two PMDs" % (key,)
        queues[key] = p["pmd"]
assert len(queues) == 4, queues' || fail "queues not spread over the PMD threads"
for p in vm1 vm2; do
	vioctl_j stats "$p" | python3 -c '
import json, sys
s = json.load(sys.stdin)[0]
q = s["rx_queue_packets"]
print("  %s: per-queue rx %s, total %d" % (s["id"], q, s["rx_packets"]))
assert len(q) == 2 and min(q) > 0, "a queue carried nothing"
assert sum(q) == s["rx_packets"], "per-queue counts do not add up"
assert sum(s["drops"].values()) == 0, s["drops"]' || fail "$p: per-queue counters"
done
pass "2 queue pairs per port on 2 PMD threads: every queue carries traffic, counters add up"
