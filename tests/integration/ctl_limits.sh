#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# ctl_limits.sh - no control client can wedge the switch (issue 18)
#
# Against a running switch, with hostile clients from tests/lib/ctl_client.py:
# - 200 idle connections: all stay connected, `vioctl version` answers
#   within 1 s;
# - 200 requests passing 3 descriptors each, 20 passing 20 (more than the
#   switch reads: MSG_CTRUNC) and a stream capture passing 2: every
#   reply arrives and the switch's descriptor count is what it was;
# - error messages cut inside a 2-, 3- and 4-byte UTF-8 character still
#   arrive as valid JSON;
# - a client reading a 2 MB reply slowly: another client's requests are
#   answered within 1 s meanwhile, and the slow one is not dropped; a
#   client that reads nothing is dropped after 5 s; SIGTERM ends the
#   switch within 1 s while the slow reader reads;
# - with a small descriptor budget (256: 64 clients), 200 idle connections:
#   the oldest are dropped, the newest stay, `vioctl version` answers
#   within 1 s; with --ctl-idle-timeout 5 every idle client is gone
#   within 7 s.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
tmpdir_make
CLIENT=(/usr/bin/python3 "$REPO/tests/lib/ctl_client.py")

# fd_count - descriptors the switch holds
fd_count() { ls "/proc/$SWITCH_PID/fd" | wc -l; }

# fd_count_is N - does the switch hold exactly N descriptors?
fd_count_is() { [ "$(fd_count)" -eq "$1" ]; }

# fd_count_ge N - does the switch hold at least N descriptors?
fd_count_ge() { [ "$(fd_count)" -ge "$1" ]; }

# timed_ms CMD... - run CMD, print how long it took in ms (fail if it fails)
timed_ms() {
	local t0
	t0=$(now_us)
	"$@" >/dev/null || fail "$* failed"
	echo $((($(now_us) - t0) / 1000))
}

# idle_start N - hold N idle connections in the background, wait until all
# are connected
idle_start() {
	rm -f "$TMP/idle" "$TMP/idle.state"
	"${CLIENT[@]}" "$TMP/ctl.sock" idle "$1" "$TMP/idle" &
	IDLE_PID=$!
	cleanup_add "kill $IDLE_PID 2>/dev/null; wait $IDLE_PID 2>/dev/null"
	wait_until 20 test -s "$TMP/idle.state" ||
		fail "$1 idle clients did not all connect"
}

# idle_stop - end the idle connections
idle_stop() {
	kill "$IDLE_PID" 2>/dev/null || true
	wait "$IDLE_PID" 2>/dev/null || true
}

# idle_state - "o" per open idle connection, "x" per closed one, oldest
# first, as of the last second
idle_state() { cat "$TMP/idle.state"; }

start_switch --netdev "pcap,id=p0,tx=$TMP/p0.pcap" --netdev pcap,id=p1
base=$(fd_count)

# 1. 200 idle clients.
idle_start 200
wait_until 5 fd_count_ge $((base + 200)) ||
	fail "the switch holds $(fd_count) fds, want $base + 200 idle clients"
ms=$(timed_ms "$BUILD/vioctl" --ctl "$TMP/ctl.sock" version)
[ "$ms" -lt 1000 ] || fail "vioctl version took $ms ms with 200 idle clients"
sleep 1.2
state=$(idle_state)
[ "${state//o/}" = "" ] || fail "idle clients dropped below the limit: $state"
held=$(fd_count)
idle_stop
pass "200 idle clients all connected (switch fds $base -> $held), vioctl version answered in $ms ms"

# 2. Descriptors passed with requests.
wait_until 5 fd_count_is "$base" ||
	fail "fds $(fd_count) after the idle clients left, want $base"
n=$("${CLIENT[@]}" "$TMP/ctl.sock" passfds 200 3) || fail "passfds 200 x 3 failed"
[ "$n" = 200 ] || fail "passfds answered $n of 200"
"${CLIENT[@]}" "$TMP/ctl.sock" passfds 20 20 >/dev/null ||
	fail "requests with 20 descriptors (truncated) got no answer"
reply=$("${CLIENT[@]}" "$TMP/ctl.sock" passfds-stream 2)
grep -qF 'needs exactly one descriptor' <<<"$reply" ||
	fail "a stream capture with 2 descriptors: $reply"
wait_until 2 fd_count_is "$base" ||
	fail "fd count $base before, $(fd_count) after 221 requests passing 1020 fds"
after=$(fd_count)
[ "$(vioctl_j capture list)" = "[]" ] || fail "a capture started: $(vioctl_j capture list)"
pass "200 requests x 3 fds, 20 x 20 fds (truncated), a stream capture with 2 fds refused: switch fds $base before, $after after"

# 3. Error text cut inside multibyte characters.
# raw_error JSON CHAR N [TEXT] - the reply is valid JSON, an error holding
# CHAR exactly N times (and TEXT)
raw_error() {
	local reply
	reply=$("${CLIENT[@]}" "$TMP/ctl.sock" raw "$1") ||
		fail "no valid JSON reply to ${1:0:60}..."
	/usr/bin/python3 - "$reply" "$2" "$3" "${4:-}" <<'EOF' || fail "reply: $reply"
import json, sys
r = json.loads(sys.argv[1])
assert r["ok"] is False, r
assert r["error"].count(sys.argv[2]) == int(sys.argv[3]), r["error"].count(sys.argv[2])
assert sys.argv[4] in r["error"], sys.argv[4]
EOF
}
e2=$(printf 'é%.0s' {1..300}) e3=$(printf '€%.0s' {1..200}) e4=$(printf '😀%.0s' {1..150})
# "no port with id " (16 bytes) + 600 bytes, cut at 511 bytes: inside the
# 248th é; after "x", inside the 165th €; after "xy", inside the 124th 😀.
raw_error "{\"cmd\":\"stats\",\"id\":\"$e2\"}" é 247 "no port with id é"
raw_error "{\"cmd\":\"stats\",\"id\":\"x$e3\"}" € 164 "no port with id x€"
raw_error "{\"cmd\":\"stats\",\"id\":\"xy$e4\"}" 😀 123 "no port with id xy😀"
# "%.64s" of the command: 21 whole euro signs, not 21 and a third.
raw_error "{\"cmd\":\"$e3\"}" € 21 "€'"
vioctl_j version >/dev/null || fail "switch died"
pass "errors cut inside 2-, 3- and 4-byte UTF-8 characters arrive as valid JSON"

# 4. A slow reader of a big reply, a reader that never reads, SIGTERM.
"${CLIENT[@]}" "$TMP/ctl.sock" fill 30000 >/dev/null || fail "cannot add 30000 FDB entries"
size=$(vioctl_j fdb show | wc -c)
[ "$size" -gt 2000000 ] || fail "fdb show is only $size bytes"
"${CLIENT[@]}" "$TMP/ctl.sock" stuck fdb-show 8 >"$TMP/stuck" &
stuck=$!
cleanup_add "kill $stuck 2>/dev/null"
"${CLIENT[@]}" "$TMP/ctl.sock" slow fdb-show 16384 0.5 >"$TMP/slow" 2>&1 &
slow=$!
cleanup_add "kill $slow 2>/dev/null"
sleep 1
worst=0
for i in 1 2 3 4 5; do
	for cmd in version stats "port list"; do
		# shellcheck disable=SC2086 # two words for "port list"
		ms=$(timed_ms "$BUILD/vioctl" --ctl "$TMP/ctl.sock" $cmd)
		[ "$ms" -lt 1000 ] || fail "vioctl $cmd took $ms ms beside a slow reader"
		[ "$ms" -le "$worst" ] || worst=$ms
	done
	sleep 0.5
done
wait "$stuck" || fail "the stuck client failed"
[ "$(cat "$TMP/stuck")" = closed ] || fail "a client that reads nothing was not dropped in 8 s"
kill -0 "$slow" 2>/dev/null || fail "the slow reader ended early: $(cat "$TMP/slow")"
pass "beside a slow reader of a $size-byte reply: 15 requests answered, the slowest in $worst ms; a client reading nothing dropped within 8 s; the slow reader still served"

t0=$(now_us)
kill -TERM "$SWITCH_PID"
wait_until 3 sh -c "! kill -0 $SWITCH_PID 2>/dev/null" || fail "the switch still runs 3 s after SIGTERM"
ms=$((($(now_us) - t0) / 1000))
status=0
wait "$SWITCH_PID" || status=$?
SWITCH_PID=""
[ "$status" = 0 ] || fail "exit status $status after SIGTERM"
[ "$ms" -lt 1000 ] || fail "SIGTERM took $ms ms with a slow reader connected"
pass "SIGTERM with a slow reader mid-reply: the switch exited 0 in $ms ms"
wait "$slow" 2>/dev/null || true

# 5. A small descriptor budget: 64 clients at most, the oldest idle go.
rm -f "$TMP/ctl.sock"
SWITCH_WRAP="prlimit --nofile=256:256" start_switch --ctl-idle-timeout 5 \
	--netdev "pcap,id=p0,tx=$TMP/p0.pcap"
idle_start 200
ms=$(timed_ms "$BUILD/vioctl" --ctl "$TMP/ctl.sock" version)
[ "$ms" -lt 1000 ] || fail "the 201st client waited $ms ms"
sleep 1.2
state=$(idle_state)
/usr/bin/python3 - "$state" <<'EOF' || fail "idle connections, oldest first: $state"
import sys
s = sys.argv[1]
assert len(s) == 200, len(s)
# the newest 63 stay (vioctl took the 64th slot), every older one is gone
assert s == "x" * 137 + "o" * 63, s
EOF
wait_until 7 sh -c "[ \"\$(cat '$TMP/idle.state')\" = $(printf 'x%.0s' {1..200}) ]" ||
	fail "idle clients still connected after --ctl-idle-timeout 5: $(idle_state)"
idle_stop
vioctl_j version >/dev/null || fail "switch died"
pass "fd budget 256 (64 clients): 200 idle clients, the 137 oldest dropped, the 201st answered in $ms ms; --ctl-idle-timeout 5 dropped the rest"

stop_switch || fail "exit status $? on SIGTERM"
