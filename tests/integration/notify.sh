#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# notify.sh - the switch under systemd (ctl/notify.c, ctl/journal.c), with
# the test in systemd's place: a listener on NOTIFY_SOCKET (a path, then
# an abstract name) sees READY=1 once the control socket answers, STATUS=
# following port add/del and a guest's link, WATCHDOG=1 every half
# WATCHDOG_USEC, no more of it while a PMD thread is stopped (ptrace), and
# STOPPING=1 on SIGTERM; with JOURNAL_STREAM naming stderr, every log line
# starts with its syslog priority and carries no time stamp. Sandbox on.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
tmpdir_make
PY=/usr/bin/python3
WD_USEC=1000000 # watchdog: 1 s, so a ping every 0.5 s
A=02:00:00:00:0a:01

# msgs KEY - values of KEY in the notifications received so far, in order
msgs() {
	$PY -c '
import json, sys
for line in open(sys.argv[1]):
    v = json.loads(line)["msg"].get(sys.argv[2])
    if v is not None:
        print(v)
' "$NLOG" "$1"
}

# count KEY - how many notifications carried KEY
count() { msgs "$1" | wc -l; }

# status_is TEXT - the last STATUS= is TEXT
status_is() { [ "$(msgs STATUS | tail -1)" = "$1" ]; }

# want_status TEXT WHAT - wait (5 s) for STATUS=TEXT, after WHAT
want_status() {
	wait_until 5 status_is "$1" ||
		fail "after $2: STATUS is '$(msgs STATUS | tail -1)', not '$1'"
	echo "  $2: STATUS=$1"
}

# listen ADDRESS - start the NOTIFY_SOCKET listener on ADDRESS, log $NLOG
listen() {
	: >"$NLOG"
	$PY "$REPO/tests/lib/notify_listen.py" "$1" "$NLOG" "$TMP/ctl.sock" \
		>"$TMP/listen.out" 2>&1 &
	cleanup_add "kill $! 2>/dev/null; wait $! 2>/dev/null"
	wait_until 5 grep -q listening "$TMP/listen.out" ||
		fail "listener on $1 did not start: $(cat "$TMP/listen.out")"
}

# check_ready N - READY=1 came first and once, from the switch's pid, and
# the control socket answered port-list with N ports at that moment
check_ready() {
	wait_until 5 grep -q '"READY": "1"' "$NLOG" || fail "no READY=1"
	$PY - "$NLOG" "$SWITCH_PID" "$1" <<'EOF' || fail "READY=1 is wrong"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
pid, n = int(sys.argv[2]), int(sys.argv[3])
first = recs[0]
assert first["msg"].get("READY") == "1", f"first message {first}"
assert sum(r["msg"].get("READY") == "1" for r in recs) == 1, "READY twice"
assert first["pid"] == pid, f"sent by pid {first['pid']}, switch is {pid}"
assert first["msg"]["MAINPID"] == str(pid), first
ctl = first["ctl"]
assert ctl.get("ok") is True, f"control socket at READY: {ctl}"
ids = [p["id"] for p in ctl["result"]]
assert len(ids) == n, f"{len(ids)} ports at READY: {ids}"
print(f"  READY=1 from pid {pid} (MAINPID {pid}); the control socket "
      f"answered port-list at once: {', '.join(ids)}")
EOF
}

# watchdog_cadence - WATCHDOG=1 arrives every WD_USEC/2, never a gap of
# WD_USEC
watchdog_cadence() {
	$PY - "$NLOG" "$WD_USEC" <<'EOF' || fail "WATCHDOG=1 cadence is wrong"
import json, statistics, sys
t = [r["t"] for r in map(json.loads, open(sys.argv[1]))
     if r["msg"].get("WATCHDOG") == "1"]
half = int(sys.argv[2]) / 2e6
gaps = [b - a for a, b in zip(t, t[1:])]
assert len(gaps) >= 4, f"only {len(t)} WATCHDOG=1"
med = statistics.median(gaps)
print(f"  {len(t)} WATCHDOG=1, intervals median {med:.3f} s, "
      f"min {min(gaps):.3f}, max {max(gaps):.3f} (expected {half:.3f})")
assert abs(med - half) < 0.1 * half, "median interval off"
assert max(gaps) < 2 * half, "a gap as long as the watchdog interval"
EOF
}

# pmd_tid - thread id of the (one) PMD thread
pmd_tid() { grep -l '^rte-worker-' /proc/"$SWITCH_PID"/task/*/comm | head -1 | cut -d/ -f5; }

# ---- 1: path socket, watchdog, as root ---------------------------------
NLOG=$TMP/notify1.jsonl
listen "$TMP/notify.sock"
# JOURNAL_STREAM naming some other file: the time-stamped format stays.
SWITCH_WRAP="env NOTIFY_SOCKET=$TMP/notify.sock WATCHDOG_USEC=$WD_USEC JOURNAL_STREAM=1:1" \
	start_switch --log-level info --netdev "user,id=nat" \
	--netdev "vhost-user,id=vm1,path=$TMP/vm1.sock"
check_ready 2
grep -q "sandbox on:" "$TMP/switch.log" || fail "the sandbox is not on"
want_status "2 ports: 1 user, 1 vhost-user (0 connected); 0 MACs learned" start

"$BUILD/vioctl" --ctl "$TMP/ctl.sock" port add \
	"vhost-user,id=vm2,path=$TMP/vm2.sock" >/dev/null
want_status "3 ports: 1 user, 2 vhost-user (0 connected); 0 MACs learned" \
	"port add vm2"
testpmd_start tp 0 --vdev "net_virtio_user0,path=$TMP/vm1.sock,mac=$A" -- -i
testpmd_ready tp 30
want_status "3 ports: 1 user, 2 vhost-user (1 connected); 0 MACs learned" \
	"a front-end connects to vm1"
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" fdb add 02:00:00:00:0a:99 vm2 >/dev/null
testpmd_cmd tp "start tx_first"
want_status "3 ports: 1 user, 2 vhost-user (1 connected); 1 MAC learned" \
	"it sends from $A (a static FDB entry is not learned)"
testpmd_cmd tp "stop"
testpmd_stop tp
want_status "3 ports: 1 user, 2 vhost-user (0 connected); 1 MAC learned" \
	"it quits"
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" port del vm2 >/dev/null
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" fdb flush >/dev/null
want_status "2 ports: 1 user, 1 vhost-user (0 connected); 0 MACs learned" \
	"port del vm2, fdb flush"
pass "READY=1 once the control socket answers; STATUS= on port add, link up and down, MAC learned, port del"

wait_until 5 sh -c "[ \$($PY -c 'import sys; print(sum(1 for l in open(sys.argv[1]) if \"WATCHDOG\" in l))' '$NLOG') -ge 6 ]" ||
	fail "fewer than 6 WATCHDOG=1 in 5 s"
watchdog_cadence
grep -q "notify: watchdog every 0.500 s" "$TMP/switch.log" ||
	fail "no watchdog line in the log"
pass "WATCHDOG=1 every half WATCHDOG_USEC"

# A PMD thread stopped, and only it: ptrace stops that one thread.
tid=$(pmd_tid)
[ -n "$tid" ] || fail "no PMD thread found"
$PY "$REPO/tests/lib/ptrace_stop.py" "$tid" >"$TMP/ptrace.out" 2>&1 &
STOPPER=$!
cleanup_add "kill $STOPPER 2>/dev/null; wait $STOPPER 2>/dev/null"
wait_until 5 grep -q stopped "$TMP/ptrace.out" ||
	fail "cannot stop the PMD thread: $(cat "$TMP/ptrace.out")"
echo "  PMD thread $tid: $(grep State "/proc/$SWITCH_PID/task/$tid/status")"
wait_until 3 grep -q "watchdog: PMD 0 (lcore 1, cpu 1) has not run a round" \
	"$TMP/switch.log" || fail "the stopped PMD thread was not noticed"
n=$(count WATCHDOG)
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" version >/dev/null ||
	fail "the control socket does not answer while the PMD is stopped"
sleep 2 # four watchdog periods
[ "$(count WATCHDOG)" = "$n" ] ||
	fail "WATCHDOG=1 sent while the PMD thread is stopped"
status_is "2 ports: 1 user, 1 vhost-user (0 connected); 0 MACs learned; PMD 0 (lcore 1) stalled" ||
	fail "STATUS does not name the stalled PMD: $(msgs STATUS | tail -1)"
[ "$(grep -c 'has not run a round' "$TMP/switch.log")" = 1 ] ||
	fail "the stall is not logged exactly once"
grep 'has not run a round' "$TMP/switch.log" | sed 's/^/  log: /'
echo "  no WATCHDOG=1 for 2 s while the control thread answers; STATUS=$(msgs STATUS | tail -1)"
kill "$STOPPER"
wait "$STOPPER" 2>/dev/null || true
wait_until 3 sh -c "[ \$($PY -c 'import sys; print(sum(1 for l in open(sys.argv[1]) if \"WATCHDOG\" in l))' '$NLOG') -gt $n ]" ||
	fail "WATCHDOG=1 did not resume once the PMD thread ran again"
grep -q "watchdog: PMD 0 (lcore 1) runs again" "$TMP/switch.log" ||
	fail "no log line when the PMD ran again"
want_status "2 ports: 1 user, 1 vhost-user (0 connected); 0 MACs learned" \
	"PMD released"
pass "a stopped PMD thread stops WATCHDOG=1 (logged once, named in STATUS); it resumes when the thread runs"

grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} vioswitch info: notify: READY=1 sent' \
	"$TMP/switch.log" ||
	fail "JOURNAL_STREAM of another file changed the log format"
stop_switch || fail "exit status $? on SIGTERM"
[ "$(tail -1 "$NLOG" | $PY -c 'import json,sys; print(json.load(sys.stdin)["msg"].get("STOPPING"))')" = 1 ] ||
	fail "the last notification is not STOPPING=1: $(tail -1 "$NLOG")"
pass "STOPPING=1 on SIGTERM, clean exit; time-stamped log when JOURNAL_STREAM names another file"

# A start that fails once the control socket exists says why, not READY.
: >"$NLOG"
status=0
env NOTIFY_SOCKET="$TMP/notify.sock" timeout 30 "$BUILD/vioswitch" \
	--ctl "$TMP/ctl.sock" --pmd-cpus 1 \
	--netdev "pcap,id=bad,rx=$TMP/missing.pcap" >"$TMP/fail.log" 2>&1 ||
	status=$?
[ "$status" = 2 ] || fail "a port that cannot open: exit status $status, not 2"
wait_until 3 grep -q STOPPING "$NLOG" || fail "no STOPPING=1 after a failed start"
[ "$(count READY)" = 0 ] || fail "READY=1 from a start that failed"
msgs STATUS | grep -q "^Start failed: vioswitch: --netdev pcap,id=bad,rx=$TMP/missing.pcap: " ||
	fail "STATUS does not say why the start failed: $(msgs STATUS)"
echo "  STATUS=$(msgs STATUS | tail -1)"
pass "a failed start: STOPPING=1 and STATUS= with the error, no READY=1"

# ---- 2: abstract socket, --user nobody, journald log format ------------
mv "$TMP/switch.log" "$TMP/switch1.log"
tmpdir_make UTMP
chown nobody:nogroup "$UTMP"
chmod 755 "$UTMP"
ROOT_TMP=$TMP TMP=$UTMP
NLOG=$ROOT_TMP/notify2.jsonl
ABSTRACT=@vioswitch-test-notify-$$
listen "$ABSTRACT"
: >"$TMP/switch.log"
jstream=$(stat -c %d:%i "$TMP/switch.log")
SWITCH_WRAP="env -u WATCHDOG_USEC NOTIFY_SOCKET=$ABSTRACT JOURNAL_STREAM=$jstream" \
	start_switch --user nobody --log-level debug --netdev "user,id=nat"
check_ready 1
[ "$(awk '$1 == "Uid:" { print $2 }' "/proc/$SWITCH_PID/status")" = 65534 ] ||
	fail "not running as nobody"
want_status "1 port: 1 user; 0 MACs learned" start
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" port add "pcap,id=pc,tx=$TMP/pc.pcap" \
	>/dev/null
want_status "2 ports: 1 user, 1 pcap; 0 MACs learned" \
	"port add pc, as nobody"
stop_switch || fail "exit status $? on SIGTERM"
msgs STOPPING | grep -qx 1 || fail "no STOPPING=1 on the abstract socket"
[ "$(count WATCHDOG)" = 0 ] || fail "WATCHDOG=1 without WATCHDOG_USEC"
pass "abstract NOTIFY_SOCKET after --user nobody and the sandbox: READY, STATUS, STOPPING; no watchdog unless asked"

log=$TMP/switch.log
sed -n '1,3p;/notify: READY/p' "$log" | sed 's/^/  /'
bad=$(grep -cv '^<[0-7]>' "$log" || true)
[ "$bad" = 0 ] || fail "$bad log lines without a <N> priority: $(grep -v '^<[0-7]>' "$log" | head -3)"
! grep -Eq '^<[0-7]>[0-9]{2}:[0-9]{2}:[0-9]{2}' "$log" ||
	fail "time stamps in the journal format"
grep -q '^<6>EAL: ' "$log" || fail "DPDK's lines are not in the journal format"
grep -q '^<6>notify: READY=1 sent' "$log" || fail "no <6> info line"
grep -q '^<7>' "$log" || fail "no <7> debug line"
grep -q '^<6>vioswitch 0.1.0 running' "$log" || fail "banner (stdout) not prefixed"
# A start-up error is an error, for journald too.
status=0
env JOURNAL_STREAM="$jstream" "$BUILD/vioswitch" --netdev "nosuchkind,id=x" \
	>>"$log" 2>&1 || status=$?
[ "$status" = 2 ] || fail "bad --netdev: exit status $status, not 2"
tail -1 "$log" | grep -q '^<3>vioswitch: --netdev nosuchkind,id=x: ' ||
	fail "option error not at priority 3: $(tail -1 "$log")"
pass "JOURNAL_STREAM = stderr: every line (ours, DPDK's, the banner, option errors) starts with <N>, no time stamps"
