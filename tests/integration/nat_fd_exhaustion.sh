#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# nat_fd_exhaustion.sh - caps set past the fd budget on purpose: a guest's
# 3000 UDP flows take every descriptor of a 1024-fd switch. The control
# thread neither spins nor stops answering (a reserve descriptor turns
# clients away with a reason), hostfwd listeners rest instead of spinning,
# and everything serves again once the flows expire
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
tmpdir_make
FLOOD="/usr/bin/python3 $REPO/tests/lib/nat_flood.py"
T1=vx$$ T2=vy$$
FB=$(free_port) SINK=$(free_port)
UDP_TIMEOUT=5

# cpu_ms - CPU time the switch used so far, milliseconds
cpu_ms() {
	awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' \
		"/proc/$SWITCH_PID/stat"
}

SWITCH_WRAP="prlimit --nofile=1024:1024 --"
start_switch --netdev "tap,id=g1,ifname=$T1" --netdev "tap,id=g2,ifname=$T2" \
	--netdev "user,id=nat,udp_flows=5000,udp_flows_guest=5000,udp_timeout=$UDP_TIMEOUT,hostfwd=tcp::$FB-10.0.2.16:7"
ns_host g1 "$T1" 10.0.2.15/24
ns_host g2 "$T2" 10.0.2.16/24
ns_exec g1 ip route add default via 10.0.2.2
ns_exec g2 ip route add default via 10.0.2.2
$FLOOD udp-sink "$SINK" &
cleanup_add "kill $! 2>/dev/null"
ns_exec g2 socat TCP-LISTEN:7,reuseaddr,fork EXEC:cat &
cleanup_add "kill $! 2>/dev/null"
sleep 0.5
echo_b() { [ "$(echo "ping $1" | socat -t 3 - TCP:127.0.0.1:$FB 2>/dev/null)" = "ping $1" ]; }
wait_until 5 echo_b warm-up || fail "hostfwd rule does not reach the second guest"

ns_exec g1 $FLOOD udp-flood 10.0.2.2 "$SINK" 3000 >/dev/null
fds=$(ls "/proc/$SWITCH_PID/fd" | wc -l)
echo "  after 3000 flows: the switch holds $fds descriptors of 1024"
[ "$fds" -ge 1000 ] || fail "the flood did not exhaust the descriptors ($fds): the test proves nothing"

# The control socket answers at once, with a result or a reason.
c0=$(cpu_ms)
for i in 1 2 3; do
	t0=$(now_us)
	out=$(timeout 2 "$BUILD/vioctl" --ctl "$TMP/ctl.sock" version 2>&1) || true
	ms=$((($(now_us) - t0) / 1000))
	echo "  vioctl version ($ms ms): $out"
	[ "$ms" -lt 1000 ] || fail "vioctl took $ms ms with the descriptors exhausted"
	[ -n "$out" ] || fail "vioctl got no answer"
done
# A hostfwd client waits in the listener's backlog meanwhile.
echo "ping held" | socat -t 20 - TCP:127.0.0.1:$FB >"$TMP/held" 2>&1 &
held=$!
cleanup_add "kill $held 2>/dev/null"
sleep 2
c1=$(cpu_ms)
echo "  switch CPU over ~2 s of exhaustion: $((c1 - c0)) ms (the PMD thread sleeps when idle)"
[ $((c1 - c0)) -lt 1000 ] || fail "the switch spins: $((c1 - c0)) ms CPU in ~2 s"
pass "out of descriptors: vioctl answers within 1 s, no thread spins"

# The flows expire; the held hostfwd client and new ones get through.
wait_until $((UDP_TIMEOUT + 10)) sh -c "[ \$(ls /proc/$SWITCH_PID/fd | wc -l) -lt 200 ]" ||
	fail "descriptors not freed: $(ls /proc/$SWITCH_PID/fd | wc -l)"
wait "$held" || true
grep -q "ping held" "$TMP/held" || fail "the hostfwd client that waited was not served: $(cat "$TMP/held")"
echo_b after || fail "hostfwd echo broken after the flows expired"
VIOCTL_TIMEOUT=1 vioctl_j version >/dev/null || fail "vioctl does not answer after the flows expired"
no_fds=$(vioctl_j port list | /usr/bin/python3 -c 'import json,sys
print([p for p in json.load(sys.stdin) if p["id"] == "nat"][0]["limits"]["refused"]["no_fds"])')
echo "  flows refused for want of descriptors (limits.refused.no_fds): $no_fds"
[ "$no_fds" -gt 0 ] || fail "no refusal counted as no_fds"
pass "flows expired: descriptors back to $(ls /proc/$SWITCH_PID/fd | wc -l), the waiting hostfwd client was served, vioctl answers"
stop_switch || fail "exit status $?"
pass "clean exit"
