#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# install_unit.sh - the installed switch, run as vioswitch.service would run
# it (its capability sets, NoNewPrivileges, read-only file system, private
# /tmp, closed /dev: tests/lib/unit_exec.sh), loads the example
# configuration and carries TCP through its NAT and a tap added at run time;
# with the configuration's `user` and the drop-in README.md gives for it,
# it runs as that user and restores its state across a restart
set -euo pipefail
BUILD=${1:-${BUILD:-build}}
. "$(dirname "$0")/../lib/common.sh"
. "$REPO/tests/lib/netns.sh"

PREFIX=/usr/local
unset VIOSWITCH_CTL
# Not under /tmp: the unit's PrivateTmp= hides it from the switch. TMP
# (where start_switch puts the control socket) stands for the unit's
# RuntimeDirectory=, OUT holds the rest: the DESTDIR and, standing for
# StateDirectory=, the state directory.
TMP=$(mktemp -d /run/vioswitch-test.XXXXXX)
cleanup_add rm -rf -- "$TMP"
chmod 0755 "$TMP"
OUT=$(mktemp -d /run/vioswitch-test.XXXXXX)
cleanup_add rm -rf -- "$OUT"
chmod 0755 "$OUT"
DEST=$OUT/root
RUNDIR=$TMP
STATEDIR=$OUT/state
mkdir -m 0700 "$STATEDIR"

make -s -C "$REPO" BUILD="$BUILD" DESTDIR="$DEST" install >"$OUT/install.log" ||
	fail "make install failed: $(cat "$OUT/install.log")"
UNIT=$DEST$PREFIX/lib/systemd/system/vioswitch.service
CONF=$DEST/etc/vioswitch/vioswitch.conf

# The example configuration, its paths moved to this test's directories
# and its hostfwd port to a free one; nothing else changed.
hf=$(free_port)
sed -i -e "s|/run/vioswitch/|$RUNDIR/|g" \
	-e "s|hostfwd=tcp:127.0.0.1:2222-:22|hostfwd=tcp:127.0.0.1:$hf-:22|" \
	"$CONF"
grep -q "^netdev user,id=nat,hostfwd=tcp:127.0.0.1:$hf-:22\$" "$CONF" &&
	grep -q "^netdev vhost-user,id=vm1,path=$RUNDIR/vm1.sock\$" "$CONF" ||
	fail "the example configuration no longer has the NAT and vm1 lines"

# ---- each emulated setting bites: a probe in the unit's sandbox -----------

export RUNDIR
probe=$("$REPO/tests/lib/unit_exec.sh" "$UNIT" "$RUNDIR" "$STATEDIR" -- \
	/usr/bin/python3 -c '
import ctypes, errno, os, socket, time
libc = ctypes.CDLL(None, use_errno=True)
def err(f):
    try:
        f()
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
def call(rc):
    if rc == -1:
        raise OSError(ctypes.get_errno(), "")
out = {
  "netlink": err(lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)),
  "packet": err(lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW)),
  "inet": err(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
  "unshare": err(lambda: call(libc.unshare(0x40000000))),
  "clock": err(lambda: time.clock_settime(time.CLOCK_REALTIME, time.time())),
  "personality": err(lambda: call(libc.personality(0x0008))),
  "usr": err(lambda: open("/usr/vioswitch-probe", "w")),
  "rundir": err(lambda: os.unlink(open(os.environ["RUNDIR"] + "/p", "w").name)),
  "tmp": "empty" if not os.listdir("/tmp") else "not-empty",
  "tun": "yes" if os.path.exists("/dev/net/tun") else "no",
  "kvm": "yes" if os.path.exists("/dev/kvm") else "no",
  "home": err(lambda: os.listdir("/root")),
}
for line in open("/proc/self/status"):
    if line.startswith(("CapBnd", "NoNewPrivs")):
        k, v = line.split()
        out[k.rstrip(":")] = v
print(" ".join("%s=%s" % kv for kv in sorted(out.items())))')
want="CapBnd=00000080000011c1 NoNewPrivs=1 clock=EPERM home=EACCES inet=ok kvm=no netlink=EAFNOSUPPORT packet=EAFNOSUPPORT personality=EPERM rundir=ok tmp=empty tun=yes unshare=EPERM usr=EROFS"
[ "$probe" = "$want" ] ||
	fail "the unit's sandbox, probed: got '$probe', expected '$want'"
pass "the unit's settings bite: $want"

# The unit's ExecStart=, with DESTDIR in front of its paths.
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
[ "$exec_start" = "$PREFIX/sbin/vioswitch --config /etc/vioswitch/vioswitch.conf" ] ||
	fail "unexpected ExecStart=$exec_start"
# start_switch runs $BUILD/vioswitch and $BUILD/vioctl: the installed ones.
mkdir "$OUT/bin"
ln -s "$DEST$PREFIX/sbin/vioswitch" "$OUT/bin/vioswitch"
ln -s "$DEST$PREFIX/bin/vioctl" "$OUT/bin/vioctl"
BUILD=$OUT/bin
export STATE_DIRECTORY=$STATEDIR
# shellcheck disable=SC2034 # start_switch reads it
SWITCH_WRAP="$REPO/tests/lib/unit_exec.sh $UNIT $RUNDIR $STATEDIR --"
start_switch --config "$CONF"
unset STATE_DIRECTORY
pid=$SWITCH_PID
wait_until 10 grep -q '^Seccomp:[[:space:]]*2' "/proc/$pid/status" ||
	fail "the switch did not apply its sandbox"

# What the unit gives it holds in the running switch.
status=$(cat "/proc/$pid/status")
grep -q '^NoNewPrivs:[[:space:]]*1' <<<"$status" || fail "NoNewPrivs not set"
# the unit's filter and the switch's own
nfilt=$(awk '/^Seccomp_filters:/ { print $2 }' <<<"$status")
[ "$nfilt" -ge 2 ] || fail "$nfilt seccomp filters: the unit's is missing"
bnd=$(awk '/^CapBnd:/ { print $2 }' <<<"$status")
# CAP_NET_ADMIN (12) and CAP_BPF (39): all the switch keeps.
[ "$((16#$bnd))" -eq $(((1 << 12) | (1 << 39))) ] ||
	fail "bounding set $bnd, expected CAP_NET_ADMIN and CAP_BPF alone"
findmnt -N "$pid" -no OPTIONS -T /usr | grep -qE '(^|,)ro(,|$)' ||
	fail "the switch's /usr is writable: ProtectSystem=strict not applied"
findmnt -N "$pid" -no OPTIONS -T "$DEST" | grep -qE '(^|,)ro(,|$)' &&
	findmnt -N "$pid" -no OPTIONS -T "$RUNDIR" | grep -qE '(^|,)rw(,|$)' ||
	fail "the switch's view of the file system is not the unit's"
[ -z "$(ls -A "/proc/$pid/root/tmp")" ] || fail "the switch's /tmp is not private"
[ -e "/proc/$pid/root/dev/net/tun" ] && [ ! -e "/proc/$pid/root/dev/kvm" ] &&
	[ ! -e "/proc/$pid/root/dev/sda" ] ||
	fail "the switch's /dev is not the unit's closed one"
[ -S "$RUNDIR/vm1.sock" ] || fail "no vhost-user socket in the runtime directory"
# CAP_CHOWN, kept until the sandbox: the socket is QEMU's group's (kvm)
if getent group kvm >/dev/null; then
	[ "$(stat -c %G:%a "$RUNDIR/vm1.sock")" = kvm:660 ] ||
		fail "vm1.sock is $(stat -c %U:%G:%a "$RUNDIR/vm1.sock"), not kvm 0660"
fi
# EAL makes its runtime directory in /run/dpdk even with --no-shconf: the
# unit's ReadWritePaths= and ExecStartPre= keep it from failing.
! grep -i "read-only file system\|permission denied" "$TMP/switch.log" ||
	fail "the switch met the unit's read-only file system"
pass "the example configuration runs under the unit's capabilities" \
	"(CapBnd $bnd after its own drop), NoNewPrivileges and file system"

# A tap added at run time (CAP_NET_ADMIN is what the switch kept for it),
# in a namespace behind the NAT.
tap=viu$$
vioctl_j port add "tap,id=t0,ifname=$tap" >/dev/null ||
	fail "port add tap under the unit's capabilities failed"
ns_host guest "$tap" 10.0.2.15/24
ns_exec guest ip route add default via 10.0.2.2
# guest -> host: the NAT's host address reaches the host's loopback.
hp=$(free_port)
python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); s.settimeout(20)
c, _ = s.accept(); c.sendall(b"host-says-hello\n"); c.close()' "$hp" &
srv=$!
cleanup_add "kill $srv 2>/dev/null; wait $srv 2>/dev/null"
sleep 0.3
got=$(ns_exec guest timeout 15 python3 -c '
import socket, sys
s = socket.create_connection(("10.0.2.2", int(sys.argv[1])), timeout=10)
print(s.makefile().readline().strip())' "$hp") ||
	fail "guest behind the tap could not reach the host through the NAT"
[ "$got" = host-says-hello ] || fail "guest -> host read '$got'"
# host -> guest: the example's hostfwd rule (port 22 in the guest).
ns_exec guest python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 22)); s.listen(1); s.settimeout(20)
c, _ = s.accept(); c.sendall(b"guest-says-hello\n"); c.close()' &
gsrv=$!
cleanup_add "kill $gsrv 2>/dev/null; wait $gsrv 2>/dev/null"
sleep 0.3
got=$(timeout 15 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
print(s.makefile().readline().strip())' "$hf") ||
	fail "hostfwd 127.0.0.1:$hf -> guest:22 failed"
[ "$got" = guest-says-hello ] || fail "host -> guest read '$got'"
pass "under the unit's settings: a tap added at run time, and TCP both ways" \
	"through the example's NAT (guest -> 10.0.2.2, hostfwd :$hf -> guest:22)"

# The state file goes to StateDirectory=.
wait_until 5 test -s "$STATEDIR/state" ||
	fail "no state file in the StateDirectory after a run-time port add"
grep -q "^netdev tap,id=t0" "$STATEDIR/state" ||
	fail "the state file lacks the run-time tap: $(cat "$STATEDIR/state")"
stop_switch || fail "the switch exited with status $? on SIGTERM"
[ -z "$(find "$RUNDIR" -type s)" ] ||
	fail "sockets left in the runtime directory: $(ls "$RUNDIR")"
pass "state kept in the StateDirectory; clean stop, runtime directory empty"

# ---- the configuration's `user`, with README.md's drop-in ----------------

user=viot$$
useradd --system --no-create-home --shell /usr/sbin/nologin "$user" ||
	fail "cannot create user $user"
cleanup_add userdel "$user"
STATEDIR=$OUT/state-user
mkdir -m 0700 "$STATEDIR"
# README.md's drop-in, with this test's directories for the unit's.
printf '%s\n' "[Service]" "CapabilityBoundingSet=CAP_DAC_OVERRIDE" \
	"ExecStartPre=+/bin/chown $user $RUNDIR $STATEDIR" >"$OUT/user.conf"
sed -i "s/^#user vioswitch\$/user $user/" "$CONF"
grep -qx "user $user" "$CONF" || fail "the example has no '#user vioswitch' line"
# shellcheck disable=SC2034 # start_switch reads it
SWITCH_WRAP="$REPO/tests/lib/unit_exec.sh $UNIT --dropin $OUT/user.conf $RUNDIR $STATEDIR --"
for run in 1 2; do
	export STATE_DIRECTORY=$STATEDIR
	start_switch --config "$CONF"
	unset STATE_DIRECTORY
	pid=$SWITCH_PID
	wait_until 10 grep -q '^Seccomp:[[:space:]]*2' "/proc/$pid/status" ||
		fail "run $run: the switch did not apply its sandbox"
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = "$(id -u "$user")" ] ||
		fail "run $run: the switch does not run as $user"
	bnd=$(awk '/^CapBnd:/ { print $2 }' "/proc/$pid/status")
	[ "$((16#$bnd))" -eq $(((1 << 12) | (1 << 39))) ] ||
		fail "run $run: bounding set $bnd as $user"
	if [ "$run" = 1 ]; then
		vioctl_j port add "tap,id=t1,ifname=viv$$" >/dev/null ||
			fail "port add tap as $user failed"
		wait_until 5 grep -q "^netdev tap,id=t1" "$STATEDIR/state" ||
			fail "$user did not write the state file"
	else
		ports=$(vioctl_j port list)
		grep -q '"id": "t1"' <<<"$ports" ||
			fail "the tap added in the first run was not restored"
	fi
	stop_switch || fail "run $run: exit status $? on SIGTERM"
done
! grep -i "permission denied\|not restored" "$TMP/switch.log" ||
	fail "the switch met a permission problem as $user"
pass "with 'user $user' and the drop-in: runs as $user with CAP_NET_ADMIN" \
	"and CAP_BPF, adds a tap, and restores it from its state after a restart"
