#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# tap_bpf.sh - multiqueue taps with eBPF flow steering, and the in-kernel
# anti-spoofing filter
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
tmpdir_make
T1=vq$$a T2=vq$$b

start_switch --netdev "tap,id=t1,ifname=$T1,queues=4,filter=antispoof" \
	--netdev "tap,id=t2,ifname=$T2"
vioctl_j port list | python3 -c '
import json, sys
t1 = [p for p in json.load(sys.stdin) if p["id"] == "t1"][0]
assert t1["steering"] == "ebpf" and t1["filter"] == "antispoof", t1' ||
	fail "BPF programs not attached: $(vioctl_j port list | tr -d ' \n')"
pass "steering and anti-spoofing programs attached (libbpf skeletons)"
ns_host a "$T1" 10.78.0.1/24
ns_host b "$T2" 10.78.0.2/24
ns_exec a ping -c 2 -i 0.2 -W 2 10.78.0.2 >/dev/null || fail "ping failed"
ns_exec b iperf3 -s -D -I "$TMP/iperf.pid"
cleanup_add "kill \$(cat '$TMP/iperf.pid' 2>/dev/null) 2>/dev/null"
sleep 0.3

qstats() { vioctl_j stats t1 | json_get 0.rx_queue_packets; }

# spread P - run P parallel flows a->b; prints per-queue frame deltas
spread() {
	local before after
	before=$(qstats)
	ns_exec a iperf3 -c 10.78.0.2 -t 1 -P "$1" >/dev/null
	after=$(qstats)
	python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print(" ".join(str(y - x) for x, y in zip(a, b)))' "$before" "$after"
}
one=$(spread 1)
eight=$(spread 8)
echo "  frames per queue: 1 flow: $one; 8 flows: $eight"
python3 - "$one" "$eight" <<'PY' || fail "steering: 1 flow $one, 8 flows $eight"
import sys
one = [int(x) for x in sys.argv[1].split()]
eight = [int(x) for x in sys.argv[2].split()]
assert max(one) >= 0.95 * sum(one), "one flow spread over queues"
assert sum(1 for x in eight if x > 0.05 * sum(eight)) >= 2, "8 flows on one queue"
PY
pass "one flow stays on one queue; 8 flows spread over the queues"

# send_frames SRC_MAC N - N raw frames from namespace a through its tap
send_frames() {
	ns_exec a python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
src = bytes.fromhex(sys.argv[2].replace(":", ""))
for _ in range(int(sys.argv[3])):
    s.send(b"\xff" * 6 + src + b"\x88\xb5" + b"spoof-test" * 5)' "$T1" "$1" "$2"
}
dropped() { ns_exec a ip -s -j link show "$T1" | json_get 0.stats64.tx.dropped; }
own=$(ns_exec a cat "/sys/class/net/$T1/address")
rx0=$(vioctl_j stats t1 | json_get 0.rx_packets) d0=$(dropped)
send_frames 02:de:ad:be:ef:01 10
sleep 0.3
rx1=$(vioctl_j stats t1 | json_get 0.rx_packets) d1=$(dropped)
send_frames "$own" 10
sleep 0.3
rx2=$(vioctl_j stats t1 | json_get 0.rx_packets)
echo "  forged: kernel dropped $((d1 - d0)), switch received $((rx1 - rx0)); own MAC: switch received $((rx2 - rx1))"
[ $((d1 - d0)) -ge 10 ] && [ $((rx1 - rx0)) -lt 10 ] || fail "forged frames not dropped in the kernel"
[ $((rx2 - rx1)) -ge 10 ] || fail "frames with the tap's own MAC did not pass"
pass "anti-spoofing filter: forged source MACs dropped in the kernel, the rest passes"
stop_switch || fail "exit status $?"

# Without CAP_BPF (and CAP_SYS_ADMIN) the programs cannot load: the port
# works without them and says why, once.
SWITCH_WRAP="$REPO/tests/lib/without-bpf.sh"
start_switch --netdev "tap,id=t1,ifname=${T1}n,queues=2,filter=antispoof" \
	--netdev "tap,id=t2,ifname=${T2}n"
note=$(vioctl_j port list | json_get 0.bpf)
[ "$(vioctl_j port list | json_get 0.steering)" = kernel ] || fail "steering claims BPF"
[ "$(grep -c 'without BPF\|no anti-spoofing' "$TMP/switch.log")" = 1 ] ||
	fail "expected one warning: $(cat "$TMP/switch.log")"
ns_host c "${T1}n" 10.79.0.1/24
ns_host d "${T2}n" 10.79.0.2/24
ns_exec c ping -c 2 -i 0.2 -W 2 10.79.0.2 >/dev/null || fail "no traffic without BPF"
echo "  without CAP_BPF: $note"
pass "without CAP_BPF the tap works without its programs and says so once"
