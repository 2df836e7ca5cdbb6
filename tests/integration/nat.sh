#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# nat.sh - the user-mode NAT with a namespace as the guest behind a tap:
# DHCP, DNS through the NAT, TCP to a host service and through a hostfwd
# rule (8 MiB each way, sha256 checked), runtime rules and bad rules
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/nat.sh"
tmpdir_make
TAPIF=vn$$
FWD=$(free_port) SVC=$(free_port) RT=$(free_port) BUSY=$(free_port)

# The switch sees a resolv.conf naming our test resolver on loopback.
echo "nameserver 127.0.0.1" >"$TMP/resolv.conf"
python3 "$REPO/tests/lib/dns_responder.py" 127.0.0.1 53 120 &
cleanup_add "kill $! 2>/dev/null"
SWITCH_WRAP="unshare -m $REPO/tests/lib/with-resolv.sh $TMP/resolv.conf"
start_switch --netdev "tap,id=g,ifname=$TAPIF" \
	--netdev "user,id=nat,hostfwd=tcp::$FWD-:22"

# Guest: a namespace that takes its address from the NAT's DHCP server.
nat_ns guest "$TAPIF"
ns=$(ns_name guest)
lease=$(nat_lease "$ns" "$TAPIF") || fail "no DHCP lease from the NAT"
read -r ip router dns <<<"$lease"
[ "$ip/$router/$dns" = 10.0.2.15/10.0.2.2/10.0.2.3 ] ||
	fail "lease: address $ip, router $router, DNS $dns"
pass "DHCP: 10.0.2.15, router 10.0.2.2, DNS 10.0.2.3"

ns_exec guest busybox nslookup probe.vioswitch.test 10.0.2.3 2>&1 | grep -q 192.0.2.7 ||
	fail "DNS through the NAT: $(ns_exec guest busybox nslookup probe.vioswitch.test 10.0.2.3 2>&1 | tr '\n' ' ')"
pass "DNS query to 10.0.2.3 answered by the host's resolver"

head -c 8M /dev/urandom >"$TMP/data"

socat -u TCP-LISTEN:$SVC,bind=127.0.0.1,reuseaddr OPEN:"$TMP/out",creat,trunc &
cleanup_add "kill $! 2>/dev/null"
sleep 0.3
t0=$(now_us)
ns_exec guest socat -u OPEN:"$TMP/data" TCP:10.0.2.2:$SVC
data_arrived "$TMP/out" "guest -> host 127.0.0.1:$SVC"
pass "guest -> host service through 10.0.2.2: 8 MiB intact ($((($(now_us) - t0) / 1000)) ms)"

ns_exec guest socat -u TCP-LISTEN:22,reuseaddr OPEN:"$TMP/in",creat,trunc &
cleanup_add "kill $! 2>/dev/null"
sleep 0.3
t0=$(now_us)
socat -u OPEN:"$TMP/data" TCP:127.0.0.1:$FWD
data_arrived "$TMP/in" "hostfwd 127.0.0.1:$FWD -> guest:22"
pass "host -> guest through hostfwd tcp::$FWD-:22: 8 MiB intact ($((($(now_us) - t0) / 1000)) ms)"

# The other way over a hostfwd connection: the guest's server sends.
ns_exec guest socat -u OPEN:"$TMP/data" TCP-LISTEN:22,reuseaddr &
cleanup_add "kill $! 2>/dev/null"
sleep 0.3
t0=$(now_us)
socat -u TCP:127.0.0.1:$FWD OPEN:"$TMP/back",creat,trunc
data_arrived "$TMP/back" "guest:22 -> host over hostfwd 127.0.0.1:$FWD"
pass "guest -> host over a hostfwd connection: 8 MiB intact ($((($(now_us) - t0) / 1000)) ms)"

# A guest that reads late: its window closes, the NAT probes it, nothing
# is lost.
ns_exec guest socat -u TCP-LISTEN:22,reuseaddr SYSTEM:"sleep 1; cat >'$TMP/slow'" &
cleanup_add "kill $! 2>/dev/null"
sleep 0.3
socat -u OPEN:"$TMP/data" TCP:127.0.0.1:$FWD
wait_until 10 sh -c "[ \$(stat -c %s '$TMP/slow' 2>/dev/null || echo 0) -ge 8388608 ]" || true
data_arrived "$TMP/slow" "hostfwd to a guest reading 1 s late"
# These connections did not go through libslirp's TCP.
spliced=$(vioctl_j port list | python3 -c '
import json, sys
h = [p for p in json.load(sys.stdin) if p["id"] == "nat"][0]["nat_tcp"]
print(h["accepted"], h["reset"], h["open"])')
read -r acc rst open <<<"$spliced"
[ "$acc" -ge 3 ] && [ "$rst" = 0 ] ||
	fail "hostfwd TCP not spliced as expected: accepted $acc, reset $rst"
pass "a guest reading 1 s late gets all 8 MiB; $acc hostfwd connections spliced past libslirp, $rst reset, $open open"

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

# Rules naming a port follow the address that port's VM holds.
TAP2=vm$$
vioctl_j port add "tap,id=g2,ifname=$TAP2" >/dev/null
nat_ns guest2 "$TAP2"
ns2=$(ns_name guest2)
lease=$(nat_lease "$ns2" "$TAP2") || fail "second guest: no DHCP lease"
read -r ip2 _ _ <<<"$lease"
NAMED1=$(free_port) NAMED2=$(free_port)
vioctl_j hostfwd add nat "tcp::$NAMED1-g:7" >/dev/null
vioctl_j hostfwd add nat "tcp::$NAMED2-g2:7" >/dev/null
ns_exec guest socat TCP-LISTEN:7,reuseaddr,fork SYSTEM:"echo guest1" &
cleanup_add "kill $! 2>/dev/null"
ns_exec guest2 socat TCP-LISTEN:7,reuseaddr,fork SYSTEM:"echo guest2" &
cleanup_add "kill $! 2>/dev/null"
# answer PORT - what the guest behind 127.0.0.1:PORT says
answer() { socat -t 2 - TCP:127.0.0.1:$1 </dev/null 2>/dev/null || true; }
wait_until 5 sh -c "[ \"\$(socat -t 2 - TCP:127.0.0.1:$NAMED2 </dev/null 2>/dev/null)\" = guest2 ]" ||
	fail "tcp::$NAMED2-g2:7 does not reach the second guest: $(vioctl_j hostfwd list | tr -d ' \n')"
[ "$(answer $NAMED1)" = guest1 ] || fail "tcp::$NAMED1-g:7 does not reach the first guest"
echo "  second guest leased $ip2; $(vioctl_j hostfwd list | grep -c '(g2)') rule follows port g2"
# The second VM changes its address: the rule follows.
ns_exec guest2 ip addr flush dev "$TAP2"
ns_exec guest2 ip addr add 10.0.2.77/24 dev "$TAP2"
ns_exec guest2 ping -c 1 -W 1 10.0.2.2 >/dev/null || true
wait_until 5 sh -c "'$BUILD/vioctl' --ctl '$TMP/ctl.sock' hostfwd list | grep -q '10.0.2.77:7 (g2)'" ||
	fail "rule did not follow g2 to 10.0.2.77: $(vioctl_j hostfwd list | tr -d ' \n')"
wait_until 5 sh -c "[ \"\$(socat -t 2 - TCP:127.0.0.1:$NAMED2 </dev/null 2>/dev/null)\" = guest2 ]" ||
	fail "after the move tcp::$NAMED2-g2:7 does not reach the second guest"
pass "rules naming ports g and g2 reach each VM, and follow g2 to its new address"

# hostfwd bookkeeping: one listen address per rule, del by meaning (and
# QEMU's hostfwd_remove form), each rule's state.
# vio CMD... - vioctl's output (both streams) and exit status
vio() { timeout 10 "$BUILD/vioctl" --ctl "$TMP/ctl.sock" "$@" 2>&1; }
# state_of PORT - the state `hostfwd list` shows for the rule on host PORT
state_of() {
	vioctl_j hostfwd list | python3 -c "
import json, sys
print([r['state'] for r in json.load(sys.stdin) if r['listen'].endswith(':$1')][0])"
}
out=$(vio hostfwd add nat "tcp:0.0.0.0:$FWD-:23") && fail "a second rule on port $FWD was accepted: $out"
grep -qF "rule 'tcp::$FWD-:22' of nat already listens on tcp 127.0.0.1:$FWD" <<<"$out" || fail "duplicate listen address: '$out'"
echo "  tcp:0.0.0.0:$FWD-:23 -> $out"
D1=$(free_port) D2=$(free_port)
vioctl_j hostfwd add nat "tcp:127.0.0.1:$D1-:7" >/dev/null
vioctl_j hostfwd add nat "udp::$D2-:53" >/dev/null
vio hostfwd del nat "tcp::$D1-:7" >/dev/null || fail "del by meaning: tcp::$D1-:7 did not remove tcp:127.0.0.1:$D1-:7"
vio hostfwd del nat "udp::$D2" >/dev/null || fail "QEMU's form udp::$D2 did not remove udp::$D2-:53"
out=$(vio hostfwd del nat "tcp::$D1") && fail "deleting a removed rule succeeded"
grep -qF "its rules: 'tcp::$FWD-:22'" <<<"$out" || fail "a miss does not list the rules: '$out'"
echo "  hostfwd del nat tcp::$D1 -> $out"
W=$(free_port)
out=$(vio hostfwd add nat "tcp::$W-vm9:22") || fail "a rule naming a missing port was refused: $out"
grep -qF "warning: hostfwd=tcp::$W-vm9:22: the switch has no port vm9" <<<"$out" || fail "no warning: '$out'"
[ "$(state_of "$W")" = "waiting for port vm9" ] || fail "state of tcp::$W-vm9:22: $(state_of "$W")"
[ "$(state_of "$FWD")" = listening ] || fail "state of the default rule: $(state_of "$FWD")"
vioctl_j hostfwd add nat "tcp::$BUSY-g:7" >/dev/null
sleep 3
[ "$(state_of "$BUSY")" = "bind failed: Address already in use" ] || fail "state of a rule on a busy port: $(state_of "$BUSY")"
n=$(grep -c "tcp::$BUSY-g:7: cannot listen" "$TMP/switch.log" || true)
[ "$n" = 1 ] || fail "a rule failing to bind every second was logged $n times in 3 s"
vioctl_j port del g2 >/dev/null
# is_state PORT STATE - the rule on host PORT is in STATE
is_state() { [ "$(state_of "$1")" = "$2" ]; }
wait_until 3 is_state "$NAMED2" "port gone" || fail "rule of a removed port: $(state_of "$NAMED2")"
[ -z "$(answer $NAMED2)" ] || fail "tcp::$NAMED2-g2:7 still reaches someone after port g2 was removed"
echo "  states: $(vioctl_j hostfwd list | python3 -c 'import json,sys; print("; ".join(r["rule"] + ": " + r["state"] for r in json.load(sys.stdin)))')"
pass "hostfwd: one rule per listen address, del by meaning and QEMU's form, a miss lists the rules, each rule's state, a failing bind logged once"

drops=$(vioctl_j stats | python3 -c 'import json,sys; print(sum(sum(p["drops"].values()) for p in json.load(sys.stdin)))')
echo "  drops over the whole run: $drops"
stop_switch || fail "exit status $?"
pass "clean exit"
