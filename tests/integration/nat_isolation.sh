#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# nat_isolation.sh - guests sharing the NAT cannot take each other's
# address or hostfwd connections, nor exhaust its DHCP pool (issue 17):
# an attacker namespace uses the victim's address before and after the
# victim leases it; both kinds of hostfwd rule (by address, by port) still
# reach the victim and the NAT counts ip_spoof; the same once the attacker
# also takes the victim's MAC (the NAT steers to the bound port). A guest
# with ip= on its port keeps its address. Then one guest sends 64
# DISCOVERs from random MACs and a new guest still gets a lease.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/nat.sh"
tmpdir_make
TA=va$$ TV=vv$$ TF=vf$$ TN=vn$$
BYADDR=$(free_port) BYPORT=$(free_port)
VICTIM_IP=10.0.2.15

start_switch --netdev "tap,id=att,ifname=$TA" --netdev "tap,id=vic,ifname=$TV" \
	--netdev "user,id=nat,hostfwd=tcp::$BYADDR-$VICTIM_IP:7,hostfwd=tcp::$BYPORT-vic:7"

# guest NAME TAP - a namespace behind a tap of the switch, no address yet
guest() { nat_ns "$@"; }
# lease NAME TAP - take an address from the NAT's DHCP server, written to
# $TMP/lease.TAP
lease() {
	local l
	l=$(nat_lease "$(ns_name "$1")" "$2") || return 1
	echo "${l%% *}" >"$TMP/lease.$2"
}
# serve NAME - answer NAME on TCP port 7 inside the namespace
serve() {
	ns_exec "$1" socat TCP-LISTEN:7,reuseaddr,fork SYSTEM:"echo $1" &
	cleanup_add "kill $! 2>/dev/null"
}
# answer PORT - who answers behind hostfwd 127.0.0.1:PORT
answer() { socat -t 2 - TCP:127.0.0.1:$1 </dev/null 2>/dev/null || true; }
# counter PATH - a value of the NAT's port list entry ("nat.ip_spoof")
counter() {
	vioctl_j port list | python3 -c '
import json, sys
v = [p for p in json.load(sys.stdin) if p["id"] == "nat"][0]
for k in sys.argv[1].split("."):
    v = v.get(k, 0) if isinstance(v, dict) else 0
print(v)' "$1"
}
# spoof_drops - the ip_spoof drop counter of the NAT port
spoof_drops() {
	vioctl_j stats nat | python3 -c '
import json, sys
print(sum(p["drops"].get("ip_spoof", 0) for p in json.load(sys.stdin)))' ||
		echo 0
}
# claim - the attacker sends IPv4 and ARP from the victim's address
claim() {
	ns_exec attacker ping -c 2 -i 0.2 -W 1 10.0.2.2 >/dev/null 2>&1 || true
	ns_exec attacker busybox arping -U -c 2 -I "$TA" "$VICTIM_IP" >/dev/null 2>&1 || true
}
# leases - `vioctl nat leases` as a table, indented
leases() { "$BUILD/vioctl" --ctl "$TMP/ctl.sock" nat leases 2>&1 | sed 's/^/    /' || true; }

guest attacker "$TA"
guest victim "$TV"
serve attacker
serve victim

# 1. The attacker uses the address the victim will lease, before it does.
ns_exec attacker ip addr add "$VICTIM_IP/24" dev "$TA"
ns_exec attacker ip neigh replace 10.0.2.2 lladdr 52:55:0a:00:02:02 dev "$TA"
claim
echo "  attacker claimed $VICTIM_IP first:"
leases
lease victim "$TV" || fail "victim: no DHCP lease"
[ "$(cat "$TMP/lease.$TV")" = "$VICTIM_IP" ] ||
	fail "victim leased $(cat "$TMP/lease.$TV"), not $VICTIM_IP"
spoof0=$(spoof_drops)
# 2. ... and keeps using it once the victim holds it.
claim
spoof1=$(spoof_drops)
echo "  victim leased $VICTIM_IP; the attacker claimed it again:"
leases
wait_until 5 sh -c "[ \"\$(socat -t 2 - TCP:127.0.0.1:$BYPORT </dev/null 2>/dev/null)\" = victim ]" ||
	fail "tcp::$BYPORT-vic:7 does not reach the victim: '$(answer "$BYPORT")'"
for i in 1 2 3; do
	a=$(answer "$BYADDR") p=$(answer "$BYPORT")
	[ "$a" = victim ] || fail "tcp::$BYADDR-$VICTIM_IP:7 answered '$a', not victim (try $i)"
	[ "$p" = victim ] || fail "tcp::$BYPORT-vic:7 answered '$p', not victim (try $i)"
done
[ "$spoof1" -gt "$spoof0" ] ||
	fail "ip_spoof did not count the attacker's frames ($spoof0 -> $spoof1)"
claim
[ "$(answer "$BYADDR")/$(answer "$BYPORT")" = victim/victim ] ||
	fail "after a third claim the rules reach '$(answer "$BYADDR")/$(answer "$BYPORT")'"
vioctl_j nat leases nat | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["ip"] == sys.argv[1]]
assert len(rows) == 1 and rows[0]["source"] == "dhcp" and rows[0]["port"] == "vic", rows
' "$VICTIM_IP" || fail "nat leases: $VICTIM_IP is not the victim's lease"
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" hostfwd list | sed 's/^/    /'
pass "attacker on port att used $VICTIM_IP before and after the victim leased it: hostfwd by address and by port (vic) reach the victim 4 times of 4, ip_spoof $spoof0 -> $(spoof_drops)"

# 3. The attacker takes the victim's MAC too and keeps sending with it, so
# the switch's FDB keeps moving that MAC to the attacker's port: the NAT
# still sends the victim's connections to the victim's port only.
vmac=$(ns_exec victim cat "/sys/class/net/$TV/address")
ns_exec attacker ip link set "$TA" down
ns_exec attacker ip link set "$TA" address "$vmac"
ns_exec attacker ip link set "$TA" up
ns_exec attacker /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
mac = bytes.fromhex(sys.argv[2].replace(":", ""))
try:
    while True:
        s.send(b"\xff" * 6 + mac + b"\x88\xb5" + b"\0" * 46)
        time.sleep(0.02)
except OSError:
    pass' "$TA" "$vmac" &
cleanup_add "kill $! 2>/dev/null"
sleep 0.5
moved=$("$BUILD/vioctl" --ctl "$TMP/ctl.sock" fdb show | grep -ic "$vmac.*att" || true)
spoof2=$(spoof_drops)
for i in 1 2 3 4; do
	a=$(answer "$BYADDR") p=$(answer "$BYPORT")
	[ "$a/$p" = victim/victim ] ||
		fail "with the victim's MAC stolen, the rules reached '$a/$p' (try $i)"
done
echo "  attacker sends as $vmac every 20 ms (FDB put it on port att: $moved)"
pass "attacker with the victim's address and MAC: hostfwd by address and by port reach the victim 4 times of 4 (steered to port vic), ip_spoof $spoof2 -> $(spoof_drops)"

# 4. A guest configured by hand with ip= on its port: nobody else may use
# its address, even before it sends anything; rules reach it.
TS=vs$$ BYSTATIC=$(free_port)
vioctl_j port add "tap,id=st,ifname=$TS,ip=10.0.2.40" >/dev/null
guest static "$TS"
serve static
vioctl_j hostfwd add nat "tcp::$BYSTATIC-10.0.2.40:7" >/dev/null
sleep 1.5 # the NAT learns ip= on its next tick
ns_exec attacker ip addr add 10.0.2.40/24 dev "$TA"
spoof3=$(spoof_drops)
ns_exec attacker busybox arping -U -c 2 -I "$TA" 10.0.2.40 >/dev/null 2>&1 || true
spoof4=$(spoof_drops)
[ "$spoof4" -gt "$spoof3" ] || fail "the attacker's claim of ip=10.0.2.40 was not dropped"
ns_exec static ip addr add 10.0.2.40/24 dev "$TS"
ns_exec static ping -c 1 -W 2 10.0.2.2 >/dev/null || fail "static guest 10.0.2.40 cannot reach 10.0.2.2"
wait_until 5 sh -c "[ \"\$(socat -t 2 - TCP:127.0.0.1:$BYSTATIC </dev/null 2>/dev/null)\" = static ]" ||
	fail "tcp::$BYSTATIC-10.0.2.40:7 does not reach the static guest: '$(answer "$BYSTATIC")'"
vioctl_j nat leases nat | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["ip"] == "10.0.2.40"]
assert len(rows) == 1 and rows[0]["source"] == "static" and rows[0]["port"] == "st", rows
' || fail "nat leases: 10.0.2.40 is not port st's static binding"
pass "ip=10.0.2.40 on port st: the attacker's claim dropped (ip_spoof $spoof3 -> $spoof4), the static guest reaches 10.0.2.2 and hostfwd reaches it"

# 5. DHCP pool exhaustion: 64 DISCOVERs from random MACs on one port.
vioctl_j port add "tap,id=flood,ifname=$TF" >/dev/null
vioctl_j port add "tap,id=newvm,ifname=$TN" >/dev/null
guest flooder "$TF"
guest newvm "$TN"
capped0=$(counter nat.dhcp_refused.port_cap)
flood=$(ns_exec flooder /usr/bin/python3 "$REPO/tests/lib/dhcp_flood.py" "$TF" 64 3) ||
	fail "dhcp_flood.py failed"
echo "  flooder: $flood"
capped=$(counter nat.dhcp_refused.port_cap)
acked=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["acked"]))' "$flood")
[ "$acked" -le 4 ] || fail "the flooding port got $acked addresses, more than its 4"
[ "$capped" -gt "$capped0" ] || fail "no refusal counted under port_cap ($capped0 -> $capped)"
lease newvm "$TN" || fail "a new guest got no lease after the flood"
new_ip=$(cat "$TMP/lease.$TN")
ns_exec newvm ping -c 1 -W 2 10.0.2.2 >/dev/null || fail "new guest $new_ip cannot reach 10.0.2.2"
echo "  refusals: $(counter nat.dhcp_refused | tr -d ' \n')"
leases
pass "64 DISCOVERs from random MACs on one port: $acked leases, $capped refused (port_cap); a new guest still leased $new_ip and reaches 10.0.2.2"

stop_switch || fail "exit status $?"
pass "clean exit"
