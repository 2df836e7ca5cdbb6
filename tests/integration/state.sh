#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# state.sh - the state file: a port added and a port removed at run time, a
# port-named hostfwd rule, a static FDB entry and a mirror come back after a
# SIGTERM restart and after a kill -9 restart (`vioctl config show`
# identical); the file is 0600 and always whole while it is rewritten; a
# symlink in its place is replaced, not followed; and a silent guest that
# leased its address before the restart is reached again through the
# port-named rule within 5 s.
#
# The switch runs in its own namespace ("sw") so that its tap survives it:
# the tap is persistent (ip tuntap add), in a bridge with a veth whose peer
# is the guest's namespace. The guest takes a DHCP lease with busybox udhcpc,
# then only answers: an echo service on port 22, no IPv6.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/nat.sh"
tmpdir_make
TAP=vst$$ GONE=vsg$$ EXTRA=vsx$$
FWD=$(free_port) PN=$(free_port)
STATE=$TMP/state
MAC=02:00:00:5e:00:09

# --- namespaces: the switch's, and a guest behind its persistent tap -----
sw=$(ns_name sw) g=$(ns_name guest)
ip netns add "$sw"
cleanup_add "ip netns pids $sw 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $sw 2>/dev/null"
ip netns add "$g"
cleanup_add "ip netns pids $g 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $g 2>/dev/null"
ip -n "$sw" link set lo up
ip -n "$sw" tuntap add mode tap name "$TAP"
ip -n "$sw" link add br0 type bridge
ip -n "$sw" link add vh type veth peer name vg netns "$g"
for l in "$TAP" vh; do
	ip -n "$sw" link set "$l" master br0
	ip -n "$sw" link set "$l" up
done
ip -n "$sw" link set br0 up
ip netns exec "$g" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1
ip -n "$g" link set lo up
ip -n "$g" link set vg up

SWITCH_WRAP="ip netns exec $sw"
ARGS=(--log-level info --state "$STATE" --netdev "tap,id=g1,ifname=$TAP"
	--netdev "tap,id=gone,ifname=$GONE"
	--netdev "user,id=nat,hostfwd=tcp::$FWD-:22")
V() { timeout 10 "$BUILD/vioctl" --ctl "$TMP/ctl.sock" "$@"; }

# reach - print what the port-named rule's service answers, "" for nothing
reach() {
	ip netns exec "$sw" socat -T 1 - \
		"TCP:127.0.0.1:$PN,connect-timeout=0.5" </dev/null 2>/dev/null || true
}

# state_ok - the state file is whole: the header, known options, a final
# newline
state_ok() {
	/usr/bin/python3 - "$1" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
ok = t.startswith("# vioswitch state") and t.endswith("\n") and all(
    re.match(r"(#|(netdev|hostfwd|fdb|mirror)(-del)? \S|nat-lease \S)", l)
    for l in t.splitlines())
sys.exit(0 if ok else 1)
EOF
}

start_switch "${ARGS[@]}"

# --- the guest takes a lease, then stays silent ----------------------------
lease=$(nat_lease "$g" vg) || fail "no DHCP lease from the NAT"
gip=${lease%% *}
ip netns exec "$g" socat TCP-LISTEN:22,fork,reuseaddr \
	SYSTEM:"echo guest-one" >/dev/null 2>&1 &
cleanup_add "kill $! 2>/dev/null"
pass "guest leased $gip (udhcpc -q: it quits and stays silent)"

# --- runtime changes -------------------------------------------------------
V port add "tap,id=extra,ifname=$EXTRA" >/dev/null
V port del gone >/dev/null
V hostfwd add nat "tcp::$PN-g1:22" >/dev/null
V fdb add "$MAC" extra >/dev/null
V mirror add g1 to extra --dir rx >/dev/null
wait_until 5 sh -c "[ \"\$(ip netns exec $sw socat -T 1 - TCP:127.0.0.1:$PN </dev/null 2>/dev/null)\" = guest-one ]" ||
	fail "the port-named rule tcp::$PN-g1:22 does not reach the guest"
V config show >"$TMP/before"
sed 's/^/  /' "$TMP/before"
pass "runtime changes made: port extra added, port gone removed, hostfwd tcp::$PN-g1:22, fdb $MAC, mirror g1 -> extra"
wait_until 3 grep -q "^nat-lease nat,.*,g1,$gip," "$STATE" ||
	fail "the lease of $gip is not in the state file: $(cat "$STATE")"
mode=$(stat -c %a "$STATE")
[ "$mode" = 600 ] || fail "state file mode $mode, expected 600"
pass "state file $STATE mode 0600:"
sed 's/^/  /' "$STATE"

# restart_check HOW - restart the switch (HOW: term or kill), then check
# the configuration and time the port-named rule
restart_check() {
	local tx0 tx1 t0 ms out="" dt

	tx0=$(ip netns exec "$g" cat /sys/class/net/vg/statistics/tx_packets)
	ip netns exec "$g" tcpdump -l -n -i vg arp >"$TMP/arp-$1" 2>/dev/null &
	dump=$!
	cleanup_add "kill $dump 2>/dev/null"
	sleep 0.5
	if [ "$1" = term ]; then
		stop_switch
	else
		kill -KILL "$SWITCH_PID"
		wait "$SWITCH_PID" 2>/dev/null || true
		SWITCH_PID=""
	fi
	state_ok "$STATE" || fail "state file not whole after $1: $(cat "$STATE")"
	t0=$(now_us)
	start_switch "${ARGS[@]}"
	wait_until 5 sh -c "'$BUILD/vioctl' --ctl '$TMP/ctl.sock' hostfwd list nat | grep -q ':$PN .*$gip.*g1 (dhcp).*listening'" ||
		fail "after $1: the rule does not reach $gip on g1: $(V hostfwd list nat)"
	ms=$((($(now_us) - t0) / 1000))
	pass "after $1 restart: the restored lease bound tcp::$PN-g1:22 to $gip $ms ms after the start, from the restored lease, not from guest traffic"
	while [ $(($(now_us) - t0)) -lt 10000000 ]; do
		out=$(reach)
		[ "$out" = guest-one ] && break
		sleep 0.1
	done
	ms=$((($(now_us) - t0) / 1000))
	tx1=$(ip netns exec "$g" cat /sys/class/net/vg/statistics/tx_packets)
	[ "$out" = guest-one ] || fail "after $1: tcp::$PN-g1:22 gives '$out' 10 s after the restart"
	[ "$ms" -le 5000 ] || fail "after $1: the guest answered only after $ms ms"
	pass "after $1 restart: 127.0.0.1:$PN -> g1 answered 'guest-one' $ms ms after the switch was started (guest frames sent meanwhile: $((tx1 - tx0)), answers to the NAT's ARP and to the connection)"
	sleep 1
	kill "$dump" 2>/dev/null || true
	grep -q "Request who-has $gip tell 10.0.2.2" "$TMP/arp-$1" ||
		fail "after $1: the NAT did not ask for $gip: $(cat "$TMP/arp-$1")"
	pass "after $1 restart: the NAT asked (ARP) and the guest answered: $(grep -c "who-has $gip tell 10.0.2.2" "$TMP/arp-$1") request(s), $(grep -c "Reply $gip is-at" "$TMP/arp-$1") reply(ies)"
	V config show >"$TMP/after-$1"
	dt=$(diff "$TMP/before" "$TMP/after-$1") ||
		fail "after $1: config show differs: $dt"
	pass "after $1 restart: vioctl config show is identical ($(wc -l <"$TMP/before") lines)"
	grep "state .*: restored" "$TMP/switch.log" | tail -1 | grep -q "skipped 0" ||
		fail "after $1: the switch did not restore every line: $(grep state "$TMP/switch.log")"
}

restart_check term
restart_check kill

# --- atomic writes: readers never see a partial file, even at kill -9 ---
cat >"$TMP/reader.sh" <<EOS
#!/bin/bash
n=0 bad=0
while [ ! -e "$TMP/stop" ]; do
	/usr/bin/python3 -c 'import sys; t = open(sys.argv[1]).read(); sys.exit(0 if t.startswith("# vioswitch state") and t.endswith("\n") else 1)' "$STATE" || bad=\$((bad + 1))
	n=\$((n + 1))
done
echo "\$n \$bad" >"$TMP/reads"
EOS
chmod +x "$TMP/reader.sh"
"$TMP/reader.sh" &
reader=$!
cleanup_add "touch $TMP/stop; kill $reader 2>/dev/null"
for i in $(seq 1 60); do
	V hostfwd add nat "udp::$((FWD + 1))-:$((1000 + i))" >/dev/null
	V hostfwd del nat "udp::$((FWD + 1))" >/dev/null
done
V hostfwd add nat "udp::$((FWD + 1))-:7" >/dev/null &
sleep 0.05
kill -KILL "$SWITCH_PID"
wait "$SWITCH_PID" 2>/dev/null || true
SWITCH_PID=""
touch "$TMP/stop"
wait "$reader" || true
read -r reads bad <"$TMP/reads"
[ "$bad" = 0 ] || fail "$bad of $reads reads saw a partial state file"
state_ok "$STATE" || fail "state file not whole after kill -9 mid-write"
for f in "$TMP"/.state.tmp; do
	if [ -e "$f" ]; then
		echo "  ($f was left by the kill; the next write replaces it)"
	fi
done
pass "120 rewrites while a reader parsed the file $reads times: never partial; whole after kill -9 mid-write"

# --- the file is replaced, never followed, when it is a symlink ----------
echo "not the state" >"$TMP/target"
mv "$STATE" "$TMP/state.real"
ln -s "$TMP/target" "$STATE"
start_switch "${ARGS[@]}"
V fdb add 02:00:00:5e:00:0a g1 >/dev/null
[ "$(cat "$TMP/target")" = "not the state" ] || fail "the symlink's target was written"
if [ ! -f "$STATE" ] || [ -L "$STATE" ]; then
	fail "the symlink was not replaced by a file"
fi
grep -q "not restored" "$TMP/switch.log" || fail "no message about the symlink"
stop_switch
pass "a symlink at the state path is neither read nor followed: replaced by a file 0$(stat -c %a "$STATE")"
