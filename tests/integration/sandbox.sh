#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# sandbox.sh - least privilege (ctl/sandbox.c): per-thread capabilities,
# NoNewPrivs and seccomp in /proc; run-time tap and vhost-user ports still
# work; --user nobody; a forbidden system call is named and kills
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
tmpdir_make
T1=vs$$a T2=vs$$b
FWD=$(free_port) FWD2=$(free_port) SVC=5001
KEPT=0000008000001000 # cap_net_admin (12), cap_bpf (39)
command -v capsh >/dev/null || fail "capsh missing (make deps: libcap2-bin)"
command -v gdb >/dev/null || fail "gdb missing (make deps)"

# status_of PID TID KEY - one field of /proc/PID/task/TID/status
status_of() { awk -v k="$3:" '$1 == k { print $2 }' "/proc/$1/task/$2/status"; }

# decode HEX - capability names of a mask (capsh --decode)
decode() { capsh --decode="$1" | sed 's/^[^=]*=//'; }

# threads PID - print every thread's restrictions; check them: the
# control thread keeps $KEPT, every other holds nothing, all have
# NoNewPrivs and the filter, NAT and PMD threads one filter more
threads() {
	local pid=$1 tid comm eff prm nnp sc nf base bad=0 nat=0 pmd=0
	base=$(status_of "$pid" "$pid" Seccomp_filters)
	for tid in "/proc/$pid/task"/*; do
		tid=${tid##*/}
		comm=$(cat "/proc/$pid/task/$tid/comm")
		eff=$(status_of "$pid" "$tid" CapEff)
		prm=$(status_of "$pid" "$tid" CapPrm)
		nnp=$(status_of "$pid" "$tid" NoNewPrivs)
		sc=$(status_of "$pid" "$tid" Seccomp)
		nf=$(status_of "$pid" "$tid" Seccomp_filters)
		printf '  %-16s tid %-7s CapEff %s (%s) NoNewPrivs %s Seccomp %s filters %s\n' \
			"$comm" "$tid" "$eff" "$(decode "$eff")" "$nnp" "$sc" "$nf"
		[ "$nnp" = 1 ] && [ "$sc" = 2 ] || bad=1
		if [ "$tid" = "$pid" ]; then
			[ "$eff" = "$KEPT" ] && [ "$prm" = "$KEPT" ] || bad=1
			continue
		fi
		[ "$eff" = 0000000000000000 ] && [ "$prm" = 0000000000000000 ] ||
			bad=1
		case $comm in
		vio-nat) nat=1; [ "$nf" = $((base + 1)) ] || bad=1 ;;
		rte-worker-*) pmd=1; [ "$nf" = $((base + 1)) ] || bad=1 ;;
		esac
	done
	[ "$bad" = 0 ] || fail "a thread is not restricted as it should be"
	[ "$nat" = 1 ] && [ "$pmd" = 1 ] || fail "no NAT or no PMD thread seen"
}

# guest_ns NAME TAP - namespace NAME behind TAP as the NAT's 10.0.2.15,
# serving $SVC with a reply
guest_ns() {
	ns_host "$1" "$2" 10.0.2.15/24
	ns_exec "$1" ip route add default via 10.0.2.2
	ns_exec "$1" socat TCP-LISTEN:$SVC,fork,reuseaddr "SYSTEM:echo hello-from-$1" &
	cleanup_add "kill $! 2>/dev/null"
	sleep 0.3
}

# via_hostfwd PORT - what the guest's service says through hostfwd PORT
via_hostfwd() { timeout 10 socat -t 5 -T 5 - TCP:127.0.0.1:"$1" </dev/null 2>&1; }

# ---- as root: the default sandbox ------------------------------------

start_switch --log-level info \
	--netdev "user,id=nat,hostfwd=tcp::$FWD-10.0.2.15:$SVC" \
	--netdev "pcap,id=pc,tx=$TMP/pc.pcap"
grep -q "sandbox on: control thread keeps cap_net_admin,cap_bpf" \
	"$TMP/switch.log" || fail "no sandbox line in the log"
grep 'sandbox on:' "$TMP/switch.log" | sed 's/^/  /'
echo "  /proc/$SWITCH_PID/status:"
grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp|Seccomp_filters):' \
	"/proc/$SWITCH_PID/status" | sed 's/^/    /'
echo "    CapEff decoded: $(decode "$(status_of "$SWITCH_PID" "$SWITCH_PID" CapEff)")"
threads "$SWITCH_PID"
pass "root: control thread keeps cap_net_admin,cap_bpf, every other thread none; NoNewPrivs 1, Seccomp 2 everywhere, NAT and PMD threads one filter more"

# A tap added at run time (TUNSETIFF, link set-up, steering BPF) carries
# a namespace's traffic to the NAT and back.
vioctl_j port add "tap,id=t1,ifname=$T1,queues=2" >/dev/null ||
	fail "run-time port add tap failed"
[ "$(vioctl_j port list | python3 -c '
import json, sys
print([p for p in json.load(sys.stdin) if p["id"] == "t1"][0]["steering"])')" = ebpf ] ||
	fail "run-time tap without its steering program"
guest_ns g1 "$T1"
ns_exec g1 ping -c 3 -i 0.2 -W 2 10.0.2.2 >/dev/null || fail "no ping reply from the NAT through the run-time tap"
[ "$(via_hostfwd "$FWD")" = hello-from-g1 ] ||
	fail "hostfwd to the namespace behind the run-time tap: '$(via_hostfwd "$FWD")'"
pass "run-time port add tap (2 queues, steering BPF): ping to the NAT and TCP through hostfwd from a namespace"

# vhost-user ports added at run time: rte_vhost starts its thread now,
# and the sandbox takes that thread's capabilities too.
vioctl_j port add "vhost-user,id=vm1,path=$TMP/vm1.sock" >/dev/null &&
	vioctl_j port add "vhost-user,id=vm2,path=$TMP/vm2.sock" >/dev/null ||
	fail "run-time port add vhost-user failed"
TESTPMD_MEM=256 testpmd_start tp 0 \
	--vdev "net_virtio_user0,path=$TMP/vm1.sock,mac=02:00:00:00:5b:01" \
	--vdev "net_virtio_user1,path=$TMP/vm2.sock,mac=02:00:00:00:5b:02" \
	-- -i --forward-mode=io --total-num-mbufs=4096 \
	--eth-peer=0,02:00:00:00:5b:02 --eth-peer=1,02:00:00:00:5b:01
testpmd_ready tp 30
testpmd_cmd tp "start tx_first 4"
sleep 1
testpmd_cmd tp stop
sleep 0.5
rx=$(testpmd_port_stat tp 1 RX-packets)
[ "$rx" -gt 1000 ] || fail "only $rx frames crossed the run-time vhost-user ports"
testpmd_stop tp
threads "$SWITCH_PID"
pass "run-time port add vhost-user: $rx frames between two virtio-user ports; rte_vhost's thread holds no capability"
stop_switch || fail "exit status $? on SIGTERM"

# ---- --user nobody: NAT, vhost-user, pcap, hostfwd above 1023 ----------

tmpdir_make UTMP
chown nobody:nogroup "$UTMP"
chmod 755 "$UTMP"
ROOT_TMP=$TMP TMP=$UTMP
start_switch --user nobody \
	--netdev "user,id=nat,hostfwd=tcp::$FWD2-10.0.2.15:$SVC" \
	--netdev "vhost-user,id=vm1,path=$TMP/vm1.sock" \
	--netdev "pcap,id=pc,tx=$TMP/pc.pcap"
grep -E '^(Uid|Gid|Groups|CapEff|NoNewPrivs|Seccomp):' "/proc/$SWITCH_PID/status" |
	sed 's/^/    /'
[ "$(status_of "$SWITCH_PID" "$SWITCH_PID" Uid)" = 65534 ] ||
	fail "not running as nobody"
threads "$SWITCH_PID"
for f in ctl.sock vm1.sock; do
	[ "$(stat -c %U "$TMP/$f")" = nobody ] || fail "$f owned by $(stat -c %U "$TMP/$f")"
done
vioctl_j port add "tap,id=t2,ifname=$T2" >/dev/null ||
	fail "run-time port add tap as nobody failed"
guest_ns g2 "$T2"
[ "$(via_hostfwd "$FWD2")" = hello-from-g2 ] ||
	fail "hostfwd as nobody: '$(via_hostfwd "$FWD2")'"
vioctl_j capture start nat -w "$TMP/nat.pcapng" --count 1 >/dev/null ||
	fail "capture as nobody"
err=$(vioctl_j hostfwd add nat tcp::80-:22 2>&1) &&
	fail "a hostfwd rule on port 80 was bound as nobody"
echo "  hostfwd on port 80 refused: ${err#*: }"
stop_switch || fail "exit status $? on SIGTERM as nobody"
[ ! -e "$TMP/ctl.sock" ] && [ ! -e "$TMP/vm1.sock" ] ||
	fail "sockets left behind as nobody"
# The capture is the requesting client's (root's vioctl opened it), not
# the switch's user's.
[ "$(stat -c '%U %a' "$TMP/nat.pcapng")" = "root 600" ] ||
	fail "capture file: $(stat -c '%U %a' "$TMP/nat.pcapng"), want the client's (root 600)"
pass "--user nobody: NAT + vhost-user + pcap, sockets given to it, run-time tap, hostfwd on $FWD2, capture owned by the client (root), clean exit"
TMP=$ROOT_TMP

# ---- a forbidden system call is named and kills ------------------------
# gdb attaches and makes the switch itself issue the call, in the thread
# chosen, as an exploited thread would: the real filter and handler run.

# gone PID - has the switch PID ended (a zombie counts)?
gone() { ! _pid_alive "$1"; }

# forbidden THREAD CALL - issue CALL (a gdb expression) in the thread
# named THREAD; the switch must die: its exit status goes to STATUS
forbidden() {
	STATUS=0
	# (stderr away: bash would report the aborted job there)
	{
		timeout 60 gdb -q -batch -nx -iex 'set auto-solib-add off' \
			-p "$SWITCH_PID" -ex 'sharedlibrary libc\.so' \
			-ex 'handle SIGSYS nostop noprint pass' \
			-ex 'handle SIGABRT nostop noprint pass' \
			-ex "python [t.switch() for t in gdb.selected_inferior().threads() if t.name == '$1']" \
			-ex "call $2" >"$TMP/gdb.log" 2>&1 || true
		wait_until 10 gone "$SWITCH_PID"
	} 2>/dev/null ||
		fail "the switch survived $2 in $1: $(tail -3 "$TMP/gdb.log")"
	wait "$SWITCH_PID" 2>/dev/null || STATUS=$?
	SWITCH_PID=""
}

# The NAT thread may not open a unix socket, though the process may.
start_switch --netdev "user,id=nat"
forbidden vio-nat '(int)socket(1, 1, 0)'
line=$(grep 'seccomp: forbidden' "$TMP/switch.log") || fail "no log line"
echo "  $line (exit status $STATUS)"
[[ $line == *"forbidden system call socket (41) in thread vio-nat"* ]] &&
	[ "$STATUS" = 134 ] || fail "unexpected: $line, status $STATUS"
pass "socket(AF_UNIX) in the NAT thread: named in the log, SIGABRT"

# A PMD thread may not open a file.
: >"$TMP/switch.log"
start_switch --netdev "user,id=nat"
forbidden rte-worker-1 '(int)open("/etc/hostname", 0)'
line=$(grep 'seccomp: forbidden' "$TMP/switch.log") || fail "no log line"
echo "  $line (exit status $STATUS)"
[[ $line == *"forbidden system call openat (257) in thread rte-worker-1"* ]] &&
	[ "$STATUS" = 134 ] || fail "unexpected: $line, status $STATUS"
pass "open() in a PMD thread: named in the log, SIGABRT"

# No thread may execute a program.
: >"$TMP/switch.log"
start_switch --netdev "user,id=nat"
forbidden vioswitch '(int)execve("/bin/sh", 0, 0)'
line=$(grep 'seccomp: forbidden' "$TMP/switch.log") || fail "no log line"
echo "  $line (exit status $STATUS)"
[[ $line == *"forbidden system call execve (59) in thread vioswitch"* ]] &&
	[ "$STATUS" = 134 ] || fail "unexpected: $line, status $STATUS"
pass "execve in the control thread: named in the log, SIGABRT"

# --sandbox log: the same call goes through and the kernel logs it.
: >"$TMP/switch.log"
start_switch --sandbox log --netdev "user,id=nat"
gdb -q -batch -nx -iex 'set auto-solib-add off' -p "$SWITCH_PID" \
	-ex 'sharedlibrary libc\.so' \
	-ex "python [t.switch() for t in gdb.selected_inferior().threads() if t.name == 'vio-nat']" \
	-ex 'call (int)close((int)socket(1, 1, 0))' >"$TMP/gdb.log" 2>&1 ||
	fail "gdb: $(tail -3 "$TMP/gdb.log")"
vioctl_j version >/dev/null || fail "--sandbox log: the switch died"
if dmesg >/dev/null 2>&1; then
	wait_until 5 sh -c "dmesg | grep -q 'type=1326.* pid=$SWITCH_PID .*syscall=41 '" ||
		fail "--sandbox log: no audit line for socket in the kernel log"
	echo "  $(dmesg | grep "type=1326.* pid=$SWITCH_PID .*syscall=41 " | tail -1)"
fi
stop_switch || fail "exit status $? on SIGTERM"
pass "--sandbox log: the call is allowed, logged by the kernel, the switch goes on"
