#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# nat.sh - the user-mode NAT with a namespace as the guest behind a tap:
# DHCP, DNS through the NAT, TCP to a host service and through a hostfwd
# rule (8 MiB each way, sha256 checked), runtime rules and bad rules
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
tmpdir_make
TAPIF=vn$$
base=$((20000 + $$ % 20000))
FWD=$base SVC=$((base + 1)) RT=$((base + 2)) BUSY=$((base + 3))

# The switch sees a resolv.conf naming our test resolver on loopback.
echo "nameserver 127.0.0.1" >"$TMP/resolv.conf"
python3 "$REPO/tests/lib/dns_responder.py" 127.0.0.1 53 120 &
cleanup_add "kill $! 2>/dev/null"
SWITCH_WRAP="unshare -m $REPO/tests/lib/with-resolv.sh $TMP/resolv.conf"
start_switch --netdev "tap,id=g,ifname=$TAPIF" \
	--netdev "user,id=nat,hostfwd=tcp::$FWD-:22"

# Guest: a namespace that takes its address from the NAT's DHCP server.
ns=$(ns_name guest)
ip netns add "$ns"
cleanup_add "ip netns pids $ns 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $ns 2>/dev/null"
ip link set "$TAPIF" netns "$ns"
ns_exec guest ip link set lo up
ns_exec guest ip link set "$TAPIF" up
cat >"$TMP/udhcpc.sh" <<EOS
#!/bin/sh
[ "\$1" = bound ] || exit 0
ip addr add "\$ip/\${mask:-24}" dev "\$interface"
ip route add default via "\${router%% *}" dev "\$interface"
echo "\$ip \${router%% *} \${dns%% *}" >"$TMP/lease"
EOS
chmod +x "$TMP/udhcpc.sh"
ns_exec guest busybox udhcpc -i "$TAPIF" -q -n -t 5 -T 1 -s "$TMP/udhcpc.sh" >/dev/null 2>&1 ||
	fail "no DHCP lease from the NAT"
read -r ip router dns <"$TMP/lease"
[ "$ip/$router/$dns" = 10.0.2.15/10.0.2.2/10.0.2.3 ] ||
	fail "lease: address $ip, router $router, DNS $dns"
pass "DHCP: 10.0.2.15, router 10.0.2.2, DNS 10.0.2.3"

ns_exec guest busybox nslookup probe.vioswitch.test 10.0.2.3 2>&1 | grep -q 192.0.2.7 ||
	fail "DNS through the NAT: $(ns_exec guest busybox nslookup probe.vioswitch.test 10.0.2.3 2>&1 | tr '\n' ' ')"
pass "DNS query to 10.0.2.3 answered by the host's resolver"

head -c 8M /dev/urandom >"$TMP/data"
want=$(sha256sum <"$TMP/data")

# got_file PATH - wait until PATH holds 8 MiB; check its sha256
got_file() {
	wait_until 20 sh -c "[ \$(stat -c %s '$1' 2>/dev/null || echo 0) = 8388608 ]" ||
		fail "$2: got $(stat -c %s "$1" 2>/dev/null || echo 0) of 8388608 bytes"
	[ "$(sha256sum <"$1")" = "$want" ] || fail "$2: sha256 differs"
}

socat -u TCP-LISTEN:$SVC,bind=127.0.0.1,reuseaddr OPEN:"$TMP/out",creat,trunc &
cleanup_add "kill $! 2>/dev/null"
sleep 0.3
t0=$(now_us)
ns_exec guest socat -u OPEN:"$TMP/data" TCP:10.0.2.2:$SVC
got_file "$TMP/out" "guest -> host 127.0.0.1:$SVC"
pass "guest -> host service through 10.0.2.2: 8 MiB intact ($((($(now_us) - t0) / 1000)) ms)"

ns_exec guest socat -u TCP-LISTEN:22,reuseaddr OPEN:"$TMP/in",creat,trunc &
cleanup_add "kill $! 2>/dev/null"
sleep 0.3
t0=$(now_us)
socat -u OPEN:"$TMP/data" TCP:127.0.0.1:$FWD
got_file "$TMP/in" "hostfwd 127.0.0.1:$FWD -> guest:22"
pass "host -> guest through hostfwd tcp::$FWD-:22: 8 MiB intact ($((($(now_us) - t0) / 1000)) ms)"

# Runtime rules.
vioctl_j hostfwd add nat "tcp::$RT-:7" >/dev/null
vioctl_j hostfwd list | grep -q "127.0.0.1:$RT" || fail "added rule not listed"
ns_exec guest socat TCP-LISTEN:7,reuseaddr EXEC:cat &
cleanup_add "kill $! 2>/dev/null"
sleep 0.3
[ "$(echo hello | socat -t 2 - TCP:127.0.0.1:$RT)" = hello ] || fail "runtime rule does not forward"
vioctl_j hostfwd del nat "tcp::$RT-:7" >/dev/null
if echo hi | socat -t 1 - TCP:127.0.0.1:$RT 2>/dev/null; then
	fail "deleted rule still forwards"
fi
pass "hostfwd add/list/del at run time"

# Bad rules: one line naming what is wrong; the rule list is unchanged.
socat TCP-LISTEN:$BUSY,bind=127.0.0.1,reuseaddr - </dev/null >/dev/null &
cleanup_add "kill $! 2>/dev/null"
sleep 0.3
before=$(vioctl_j hostfwd list)
expect_bad() {
	local out status=0
	out=$(timeout 10 "$BUILD/vioctl" --ctl "$TMP/ctl.sock" hostfwd add nat "$1" 2>&1) || status=$?
	[ "$status" = 1 ] || fail "bad rule $1: exit $status ($out)"
	grep -qF -- "$2" <<<"$out" || fail "bad rule $1: '$out' lacks '$2'"
	echo "  $1 -> $out"
}
expect_bad "tcp:foo:22-:22" "host address 'foo'"
expect_bad "tcp::99999-:22" "host port '99999'"
expect_bad "sctp::1-:2" "protocol 'sctp'"
expect_bad "tcp::$BUSY-:22" "Address already in use"
[ "$(vioctl_j hostfwd list)" = "$before" ] || fail "a bad rule changed the list"
pass "bad rules rejected with the reason; rules unchanged"

drops=$(vioctl_j stats | python3 -c 'import json,sys; print(sum(sum(p["drops"].values()) for p in json.load(sys.stdin)))')
echo "  drops over the whole run: $drops"
stop_switch || fail "exit status $?"
pass "clean exit"
