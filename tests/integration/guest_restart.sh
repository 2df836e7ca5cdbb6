#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# guest_restart.sh - the switch restarts under running guests, once with
# SIGTERM and once with kill -9: the guests reattach by themselves, every
# runtime change is back, a port-named hostfwd rule reaches the same guest
# by ssh within 5 s, and a guest-to-guest TCP stream begun before the
# first restart completes intact
#
# Two guests (QEMU, tests/guest, vio.role=dhcp-ssh), attached both ways:
# - vm1: the switch is the server (command-line port), QEMU's chardev has
#   reconnect=1, as in the line the switch prints;
# - vm2: QEMU is the server (chardev server=on,wait=off) and the switch
#   connects with a server=off port added at run time with vioctl.
# The switch runs with --state FILE. Runtime changes: port vm2, the rule
# tcp::P2-vm2:22 and a static FDB entry on vm1. `vioctl config show` before
# each restart must equal the one after it.
#
# The stream: vm2 listens with busybox nc; vm1 sends 16 MiB of random data
# paced in 256 KiB pieces (about 30 s, so both restarts fall inside it);
# at the end vm2's sha256 must equal the one vm1 computed before sending.
#
# Environment: VIOSWITCH_GUEST_DIR, VIOSWITCH_GUEST_ACCEL (tests/lib/qemu.sh),
# VIOSWITCH_GUEST_TIMEOUT (default 150 s for both guests to boot).
set -euo pipefail
# shellcheck disable=SC2034 # BUILD is read by common.sh
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/qemu.sh"
source "$(dirname "$0")/../lib/guest_ssh.sh"
tmpdir_make
BOOT_TIMEOUT=${VIOSWITCH_GUEST_TIMEOUT:-150}
MIB=16
PIECES=64 # of 256 KiB
PACE=0.4  # seconds between pieces

guest_build
guest_ssh_setup
read -r P1 P2 < <(free_ports 2)
FDB_MAC=02:00:00:00:00:99
SWITCH_ARGS=(--state "$TMP/state"
	--netdev "vhost-user,id=vm1,path=$TMP/vm1.sock"
	--netdev "user,id=nat,hostfwd=tcp::$P1-vm1:22")

start_switch "${SWITCH_ARGS[@]}"
vioctl_j port add "vhost-user,id=vm2,path=$TMP/vm2.sock,server=off" >/dev/null ||
	fail "vioctl port add vm2 failed"
vioctl_j hostfwd add nat "tcp::$P2-vm2:22" >/dev/null ||
	fail "vioctl hostfwd add nat tcp::$P2-vm2:22 failed"
vioctl_j fdb add "$FDB_MAC" vm1 >/dev/null || fail "vioctl fdb add failed"
pass "runtime changes: port vm2 (server=off), hostfwd tcp::$P2-vm2:22," \
	"static fdb $FDB_MAC on vm1"

deadline_in "$BOOT_TIMEOUT"
qemu_start vm1 52:54:00:12:36:01 "$TMP/vm1.sock" \
	"vio.role=dhcp-ssh vio.name=vm1" "$TMP/initrd.img" ",reconnect=1"
qemu_start vm2 52:54:00:12:36:02 "$TMP/vm2.sock" \
	"vio.role=dhcp-ssh vio.name=vm2" "$TMP/initrd.img" ",server=on,wait=off"
wait_result vm1 sshd 1 "guest vm1 to lease and start dropbear"
wait_result vm2 sshd 1 "guest vm2 to lease and start dropbear"
read -r L1 _ < <(results vm1 dhcp | tail -1)
read -r L2 _ < <(results vm2 dhcp | tail -1)
L1=${L1#ip=} L2=${L2#ip=}
pass "guests up $(elapsed) s after QEMU started: vm1 $L1, vm2 $L2"

# hostname_is PORT NAME - ssh through 127.0.0.1:PORT answers hostname NAME
hostname_is() {
	ssh_ok "$1" hostname "guest $2" 60
	[ "$(cat "$TMP/ssh.out")" = "$2" ] ||
		guest_fail "ssh -p $1 reached '$(cat "$TMP/ssh.out")', not $2"
}
hostname_is "$P1" vm1
hostname_is "$P2" vm2
pass "ssh -p $P1 reaches vm1, ssh -p $P2 (the runtime rule) reaches vm2"

# ---- the stream, begun before the restarts ---------------------------

# nc -e: the connection is the receiver's stdin (nc's own stdin, /dev/null,
# would end the connection at once).
ssh_ok "$P2" "printf '#!/bin/sh\\ncat >/tmp/rx\\n' >/tmp/recv && \
	chmod +x /tmp/recv && setsid sh -c 'nc -l -p 5001 -e /tmp/recv; \
	echo \$? >/tmp/rx.rc' </dev/null >/dev/null 2>&1 & sleep 0.5; \
	netstat -ltn | grep -c ':5001 '" "guest vm2"
[ "$(cat "$TMP/ssh.out")" = 1 ] || guest_fail "vm2's nc does not listen on 5001"
ssh_ok "$P1" "dd if=/dev/urandom of=/tmp/tx bs=1048576 count=$MIB \
	iflag=fullblock 2>/dev/null && sha256sum /tmp/tx" "guest vm1"
SUM=$(cut -d' ' -f1 "$TMP/ssh.out")
ssh_ok "$P1" "setsid sh -c 'i=0; while [ \$i -lt $PIECES ]; do \
	dd if=/tmp/tx bs=262144 skip=\$i count=1 2>/dev/null; \
	i=\$((i + 1)); sleep $PACE; done | nc ${L2%/*} 5001; \
	echo \$? >/tmp/tx.rc' </dev/null >/dev/null 2>&1 &" "guest vm1"
T_STREAM=$(now_us)
echo "  stream: vm1 -> ${L2%/*}:5001, $MIB MiB (sha256 $SUM) in $PIECES" \
	"pieces, one every $PACE s"

# rx_bytes - bytes vm2 has received so far
rx_bytes() {
	ssh_ok "$P2" 'wc -c </tmp/rx' "guest vm2" 30
	cat "$TMP/ssh.out"
}

# since US - seconds since now_us US, two decimals
since() {
	awk -v d=$(($(now_us) - $1)) 'BEGIN { printf "%.2f", d / 1e6 }'
}

# vhost_up - are both vhost-user ports connected?
vhost_up() {
	[ "$(vhost_counters | grep -o 'connected=true' | wc -l)" = 2 ]
}

# config_lines - the lines of config.after joined by " | "
config_lines() {
	python3 -c '
import json, sys
doc = json.load(sys.stdin)
doc = doc.get("result", doc)
print(" | ".join(doc["config"].splitlines()))' <"$TMP/config.after"
}

# restart HOW - stop the switch (TERM or KILL), start it with the same
# arguments, check what came back
restart() {
	local t0 secs status=0
	vioctl_j config show >"$TMP/config.before" ||
		fail "vioctl config show failed"
	echo "  before $1: $(vhost_counters); vm2 received $(rx_bytes) bytes"
	t0=$(now_us)
	if [ "$1" = TERM ]; then
		stop_switch || fail "the switch exited with status $? on SIGTERM"
	else
		kill -KILL "$SWITCH_PID"
		wait "$SWITCH_PID" || status=$?
		SWITCH_PID=""
		[ "$status" = 137 ] || fail "kill -9: the switch exited with $status"
	fi
	echo "  switch stopped with SIG$1 ($(since "$t0") s)"
	t0=$(now_us)
	start_switch "${SWITCH_ARGS[@]}"
	echo "  switch answering $(since "$t0") s after its start"
	# A port-named rule reaches the same guest at once: each try gives
	# up after 2 s.
	TRIES=0
	until ssh_run "$P2" hostname 2 && [ "$(cat "$TMP/ssh.out")" = vm2 ]; do
		TRIES=$((TRIES + 1))
		[ "$(since "$t0" | cut -d. -f1)" -lt 30 ] ||
			guest_fail "after SIG$1: no ssh to vm2 through" \
				"tcp::$P2-vm2:22 in 30 s: $(cat "$TMP/ssh.err")"
		sleep 0.2
	done
	secs=$(since "$t0")
	awk -v s="$secs" 'BEGIN { exit !(s <= 5) }' ||
		guest_fail "after SIG$1: ssh through tcp::$P2-vm2:22 reached vm2" \
			"only $secs s after the restart (want 5 s at most)"
	pass "after SIG$1: ssh -p $P2 (tcp::$P2-vm2:22, runtime rule)" \
		"reached vm2 $secs s after the switch started (failed tries:" \
		"$TRIES)"
	ssh_ok "$P1" hostname "guest vm1" 30
	[ "$(cat "$TMP/ssh.out")" = vm1 ] ||
		guest_fail "after SIG$1: ssh -p $P1 reached $(cat "$TMP/ssh.out")"
	pass "after SIG$1: ssh -p $P1 (tcp::$P1-vm1:22) reached vm1" \
		"$(since "$t0") s after the switch started"
	wait_until 30 vhost_up ||
		fail "after SIG$1 the guests did not reattach: $(vhost_counters)"
	echo "  after $1: $(vhost_counters)"
	vioctl_j config show >"$TMP/config.after" ||
		fail "vioctl config show failed"
	diff -u "$TMP/config.before" "$TMP/config.after" >&2 ||
		fail "after SIG$1 vioctl config show differs (above)"
	pass "after SIG$1: both guests reattached with no action, vioctl" \
		"config show identical: $(config_lines)"
}

sleep 2
restart TERM
sleep 2
restart KILL
got=$(rx_bytes)
echo "  stream after both restarts: vm2 received $got bytes," \
	"$(since "$T_STREAM") s after it began"
(( got < MIB * 1048576 )) ||
	echo "  note: the stream ended before the second restart finished"

# ---- the stream's end --------------------------------------------------

# stream_done - has vm2's nc exited?
stream_done() {
	ssh_run "$P2" 'cat /tmp/rx.rc 2>/dev/null' 10 &&
		[ -s "$TMP/ssh.out" ]
}
wait_until 120 stream_done ||
	guest_fail "the stream has not ended 120 s after the restarts" \
		"(vm2 received $(rx_bytes) bytes)"
ssh_ok "$P2" 'cat /tmp/rx.rc; wc -c </tmp/rx; sha256sum /tmp/rx' "guest vm2"
{ read -r rc; read -r bytes; read -r rsum _; } <"$TMP/ssh.out"
ssh_ok "$P1" 'cat /tmp/tx.rc 2>/dev/null' "guest vm1"
echo "  vm2: nc exited $rc, $bytes bytes, sha256 $rsum; vm1's nc exited" \
	"$(cat "$TMP/ssh.out")"
if [ "$bytes" != $((MIB * 1048576)) ] || [ "$rsum" != "$SUM" ]; then
	guest_fail "the stream arrived as $bytes bytes, sha256 $rsum (sent" \
		"$((MIB * 1048576)), $SUM)"
fi
pass "guest-to-guest stream begun before the restarts completed:" \
	"$bytes bytes, sha256 match ($SUM), $(since "$T_STREAM") s"

qemu_stop vm2
qemu_stop vm1
stop_switch || fail "the switch exited with status $? at the end"
pass "guests stopped, the switch exited cleanly"
