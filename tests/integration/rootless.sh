#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# rootless.sh - the switch as an ordinary user with no capability at all:
# the embedded default configuration, its sockets in the user's
# $XDG_RUNTIME_DIR/vioswitch, vioctl finding them by the same rule; a
# namespace behind a tap the user owns reaching the NAT (DHCP, TCP to a
# loopback service through 10.0.2.2, the default hostfwd above 1023, bytes
# checked); a pcap port and a capture; a hostfwd below 1024 and a tap of
# another user refused naming the capability, the rest serving on; a
# virtio-user front-end on the default vhost-user socket.
#
# The "host" is a namespace of its own (the switch's loopback, port 2222 of
# the default hostfwd free whatever else runs here); the user is a
# throwaway one, removed at exit.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/nat.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
tmpdir_make
U=vrl$$
TAPU=vru$$ TAPR=vrr$$
SVC=5001 FWD=2222 # the embedded default: hostfwd=tcp:127.0.0.1:2222-:22
HOST=$(ns_name host) GUEST=$(ns_name guest)
[ -x "$BUILD/vioswitch" ] || fail "$BUILD/vioswitch not built (make)"
command -v setpriv >/dev/null || fail "setpriv missing (util-linux)"

useradd --system --no-create-home --home-dir /nonexistent \
	--shell /usr/sbin/nologin --user-group "$U"
cleanup_add "userdel $U 2>/dev/null; groupdel $U 2>/dev/null; true"

# The user reaches copies of the binaries (the tree may not be theirs to
# read) and its runtime directory, private to it as pam_systemd makes it.
chmod 711 "$TMP"
mkdir -m 755 "$TMP/bin"
cp "$BUILD/vioswitch" "$BUILD/vioctl" "$TMP/bin/"
RUN=$TMP/run
mkdir -m 700 "$RUN"
chown "$U:$U" "$RUN"

# as_user CMD... - run CMD as $U with no capability (none kept, none
# inheritable, an empty bounding set), in the host namespace, with only
# the environment a login would give it
as_user() {
	ip netns exec "$HOST" setpriv --reuid="$U" --regid="$U" --init-groups \
		--inh-caps=-all --bounding-set=-all \
		env -i PATH=/usr/bin:/bin HOME=/nonexistent \
		XDG_RUNTIME_DIR="$RUN" "$@"
}
vioctl_u() { as_user timeout 10 "$TMP/bin/vioctl" --json "$@"; }

ip netns add "$HOST"
cleanup_add "ip netns pids $HOST 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $HOST 2>/dev/null"
ip -n "$HOST" link set lo up
ip netns add "$GUEST"
cleanup_add "ip netns pids $GUEST 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $GUEST 2>/dev/null"
ip -n "$GUEST" link set lo up
# Root's part, done once beforehand: a tap the user owns, and one of root.
ip -n "$HOST" tuntap add mode tap user "$U" vnet_hdr name "$TAPU"
ip -n "$HOST" tuntap add mode tap user root vnet_hdr name "$TAPR"

# ---- the embedded default, as the user ---------------------------------
cd "$TMP"
ip netns exec "$HOST" setpriv --reuid="$U" --regid="$U" --init-groups \
	--inh-caps=-all --bounding-set=-all \
	env -i PATH=/usr/bin:/bin HOME=/nonexistent XDG_RUNTIME_DIR="$RUN" \
	"$TMP/bin/vioswitch" --pmd-cpus 1 --log-level info \
	>>"$TMP/switch.log" 2>&1 &
SWITCH_PID=$!
cleanup_add _switch_kill
wait_until 20 sh -c "grep -q 'running:' '$TMP/switch.log'" ||
	_die "the switch did not start as $U" all
[ "$(cat "/proc/$SWITCH_PID/comm")" = vioswitch ] ||
	fail "pid $SWITCH_PID is $(cat "/proc/$SWITCH_PID/comm")"
grep -E '^(Uid|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' \
	"/proc/$SWITCH_PID/status" | sed 's/^/    /'
st() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SWITCH_PID/status"; }
[ "$(st Uid)" = "$(id -u "$U")" ] || fail "the switch runs as uid $(st Uid)"
for c in CapPrm CapEff CapBnd CapAmb; do
	[ "$(st $c)" = 0000000000000000 ] || fail "$c is $(st $c)"
done
[ "$(st NoNewPrivs)" = 1 ] && [ "$(st Seccomp)" = 2 ] ||
	fail "NoNewPrivs $(st NoNewPrivs), Seccomp $(st Seccomp)"
grep -q "sandbox on:" "$TMP/switch.log" || fail "no sandbox line in the log"
pass "embedded default as $U: CapPrm/CapEff/CapBnd 0, NoNewPrivs 1, Seccomp 2 (sandbox on)"

D=$RUN/vioswitch
[ "$(stat -c '%U %a' "$D")" = "$U 700" ] ||
	fail "$D: $(stat -c '%U %a' "$D"), want $U 700"
for f in ctl.sock vm1.sock; do
	[ -S "$D/$f" ] && [ "$(stat -c %U "$D/$f")" = "$U" ] ||
		fail "$D/$f: not a socket of $U ($(ls -la "$D"))"
done
grep -q "control socket $D/ctl.sock" "$TMP/switch.log" &&
	grep -q "path=$D/vm1.sock" "$TMP/switch.log" ||
	fail "the banner does not show the sockets in $D"
[ "$(vioctl_u port list | json_get 1.socket)" = "$D/vm1.sock" ] ||
	fail "vioctl (default socket) port list: $(vioctl_u port list)"
pass "sockets in \$XDG_RUNTIME_DIR/vioswitch (0700): ctl.sock, vm1.sock; the QEMU line shows them; vioctl finds ctl.sock by the same rule"

# ---- a tap the user owns, added at run time -----------------------------
vioctl_u port add "tap,id=g,ifname=$TAPU" >/dev/null ||
	fail "port add of the user's tap $TAPU refused"
grep -q "port g: tap $TAPU left down: bringing it up needs CAP_NET_ADMIN" \
	"$TMP/switch.log" || fail "no line saying the tap was left down"
# A pcap port and a capture, files of the user in its runtime directory.
vioctl_u port add "pcap,id=pc,tx=$RUN/pc.pcap" >/dev/null ||
	fail "port add pcap as $U refused"
vioctl_u capture start g --count 4 -w "$RUN/g.pcapng" >/dev/null ||
	fail "capture start as $U refused"
ip -n "$HOST" link set "$TAPU" netns "$GUEST"
ip -n "$GUEST" link set "$TAPU" up
lease=$(nat_lease "$GUEST" "$TAPU") || fail "no DHCP lease from the NAT"
read -r ip router _ <<<"$lease"
[ "$ip/$router" = 10.0.2.15/10.0.2.2 ] || fail "lease: $ip, router $router"
pass "tap $TAPU owned by $U: attached with no capability; DHCP lease 10.0.2.15, router 10.0.2.2"
# frames FILE - how many frames a capture file holds
frames() { tcpdump -r "$1" 2>/dev/null | wc -l; }
wait_until 10 sh -c "[ \$(tcpdump -r '$RUN/g.pcapng' 2>/dev/null | wc -l) -ge 4 ]" ||
	fail "capture of g: $(frames "$RUN/g.pcapng") frames, want the 4 of DHCP"
[ "$(stat -c '%U %a' "$RUN/g.pcapng")" = "$U 600" ] ||
	fail "capture file: $(stat -c '%U %a' "$RUN/g.pcapng")"
pass "capture of g as $U: the 4 DHCP frames in $RUN/g.pcapng ($U, 0600)"

head -c 4M /dev/urandom >"$TMP/data"

ip netns exec "$HOST" socat -u TCP-LISTEN:$SVC,bind=127.0.0.1,reuseaddr \
	OPEN:"$TMP/out",creat,trunc &
cleanup_add "kill $! 2>/dev/null"
ip netns exec "$GUEST" socat -u TCP-LISTEN:22,reuseaddr \
	OPEN:"$TMP/in",creat,trunc &
cleanup_add "kill $! 2>/dev/null"
sleep 0.3
ip netns exec "$GUEST" socat -u OPEN:"$TMP/data" TCP:10.0.2.2:$SVC
data_arrived "$TMP/out" "guest -> host 127.0.0.1:$SVC"
pass "guest -> host loopback service through 10.0.2.2:$SVC: 4 MiB intact"

# ---- what needs a capability is refused, naming it ---------------------
err=$(vioctl_u hostfwd add nat tcp::80-:22 2>&1) &&
	fail "a hostfwd on port 80 was bound with no capability"
echo "    $err"
grep -q CAP_NET_BIND_SERVICE <<<"$err" || fail "hostfwd on 80: '$err'"
err=$(vioctl_u port add "tap,id=r,ifname=$TAPR" 2>&1) &&
	fail "root's tap $TAPR was attached by $U"
echo "    $err"
grep -q "attaching to a tap of another user needs CAP_NET_ADMIN" <<<"$err" ||
	fail "port add of root's tap: '$err'"
[ "$(grep -c 'CAP_NET_ADMIN' "$TMP/switch.log")" = 1 ] ||
	fail "CAP_NET_ADMIN said $(grep -c CAP_NET_ADMIN "$TMP/switch.log") times in the log"
ids=$(vioctl_u port list | python3 -c 'import json, sys
print(" ".join(p["id"] for p in json.load(sys.stdin)))')
[ "$ids" = "nat vm1 g pc" ] || fail "ports after the refusals: $ids"
pass "hostfwd on port 80 and root's tap refused naming CAP_NET_BIND_SERVICE / CAP_NET_ADMIN; ports still nat vm1 g pc"

ip netns exec "$HOST" socat -u OPEN:"$TMP/data" TCP:127.0.0.1:$FWD
data_arrived "$TMP/in" "hostfwd 127.0.0.1:$FWD -> guest:22"
pass "hostfwd tcp:127.0.0.1:$FWD-:22 (the default, above 1023) into the namespace: 4 MiB intact, after the refusals"

# ---- a virtio-user front-end on the default vhost-user socket ----------
TESTPMD_MEM=256 testpmd_start tp 0 \
	--vdev "net_virtio_user0,path=$D/vm1.sock,mac=02:00:00:00:7a:01" \
	-- -i --total-num-mbufs=2048
testpmd_ready tp 30
# vm1_connected - has the front-end connected to vm1 (as vioctl says)?
vm1_connected() {
	[ "$(vioctl_u port list | python3 -c 'import json, sys
print([p for p in json.load(sys.stdin) if p["id"] == "vm1"][0]["connected"])')" = True ]
}
wait_until 10 vm1_connected ||
	fail "vm1 not connected: $(vioctl_u port list)"
testpmd_stop tp
pass "virtio-user front-end connected to $D/vm1.sock"

_switch_kill
[ ! -e "$D/ctl.sock" ] && [ ! -e "$D/vm1.sock" ] ||
	fail "sockets left behind in $D: $(ls "$D")"
pass "clean exit as $U: no socket left behind"
n=$(frames "$RUN/pc.pcap")
[ "$n" -ge 1 ] && [ "$(stat -c %U "$RUN/pc.pcap")" = "$U" ] ||
	fail "pcap port: $n frames in $RUN/pc.pcap ($(stat -c %U "$RUN/pc.pcap"))"
pass "pcap port as $U: $n flooded frames in $RUN/pc.pcap"
