#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# storm.sh - storm control and a fair NAT: a guest namespace behind a tap
# floods broadcast frames carrying UDP datagrams for the NAT's gateway
# (tests/lib/storm_sender.py: the NAT sends each to a closed port on the
# host's loopback) while another guest pings the NAT's gateway 10.0.2.2. Run twice: with the attacker's
# limit off (storm=0), to show what a storm does, and with the tap's
# default limit, where the victim must lose nothing and keep a low round
# trip, and the attacker's port must count its excess as `storm` drops.
# Traffic stays between the namespaces and the NAT's own address.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
tmpdir_make
TV=sv$$ TA=sa$$ SINK=$(free_port)
STORM_S=5 PINGS=400

for h in vic atk; do
	ip netns add "$(ns_name $h)"
	cleanup_add "ip netns pids $(ns_name $h) 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $(ns_name $h) 2>/dev/null"
done

# guest HOST TAP ADDR - move TAP into HOST's namespace as ADDR/24, up,
# default route via the NAT
guest() {
	ip link set "$2" netns "$(ns_name "$1")"
	ns_exec "$1" ip link set lo up
	ns_exec "$1" ip addr add "$3/24" dev "$2"
	ns_exec "$1" ip link set "$2" up
}

# ping_summary FILE - "LOSS AVG_MS" from ping -q output (AVG_MS "none"
# when nothing came back)
ping_summary() {
	local loss avg
	loss=$(grep -o '[0-9.]*% packet loss' "$1" | cut -d% -f1)
	avg=$(sed -n 's|^rtt [^=]*= [0-9.]*/\([0-9.]*\)/.*|\1|p' "$1")
	echo "${loss:-100} ${avg:-none}"
}

# drop_count PORT REASON - one drop counter of PORT
drop_count() { vioctl_j stats "$1" | json_get "0.drops.$2"; }

# scenario LABEL ATK_OPTS - a switch whose attacker tap has ATK_OPTS; the
# storm runs for STORM_S seconds while the victim sends PINGS pings, 10 ms
# apart, to 10.0.2.2. Sets LOSS, AVG, STORM (attacker's storm drops),
# RX (frames the switch took from the attacker), SENT (frames it sent),
# BUSY (attacker's nat_busy drops), VBUSY (victim's), BASE (victim's
# average round trip before the storm)
scenario() {
	local pid
	start_switch --netdev "tap,id=vic,ifname=$TV" \
		--netdev "tap,id=atk,ifname=$TA$2" --netdev "user,id=nat"
	guest vic "$TV" 10.0.2.15
	guest atk "$TA" 10.0.2.16
	LIMITS=$(vioctl_j port list | python3 -c '
import json, sys
print(" ".join("%s=%d" % (p["id"], p["storm"]) for p in json.load(sys.stdin)))')
	ns_exec atk ping -q -c 1 -W 2 10.0.2.2 >/dev/null ||
		fail "$1: the attacker does not reach 10.0.2.2 before the storm"
	ns_exec vic ping -q -c 50 -i 0.01 -W 2 10.0.2.2 >"$TMP/base" ||
		fail "$1: the victim does not reach 10.0.2.2 before the storm: $(cat "$TMP/base")"
	read -r _ BASE <<<"$(ping_summary "$TMP/base")"
	ns_exec atk nice -n 19 /usr/bin/python3 "$REPO/tests/lib/storm_sender.py" "$TA" \
		"$STORM_S" 10.0.2.16 10.0.2.2 "$SINK" >"$TMP/sent" &
	pid=$!
	cleanup_add "kill $pid 2>/dev/null"
	sleep 0.5
	ns_exec vic ping -q -c "$PINGS" -i 0.01 -W 1 10.0.2.2 >"$TMP/ping" || true
	wait "$pid" || fail "$1: the storm sender failed"
	read -r SENT _ <"$TMP/sent"
	read -r LOSS AVG <<<"$(ping_summary "$TMP/ping")"
	STORM=$(drop_count atk storm)
	RX=$(vioctl_j stats atk | json_get 0.rx_packets)
	BUSY=$(drop_count atk nat_busy) VBUSY=$(drop_count vic nat_busy)
	echo "  $1: port list storm limits: $LIMITS"
	echo "  $1: attacker sent $SENT broadcasts in ${STORM_S} s, switch took $RX, dropped $STORM as storm," \
		"$BUSY as nat_busy (victim: $VBUSY);" \
		"victim: $LOSS % lost, average round trip $AVG ms (before the storm $BASE ms)"
	stop_switch || fail "$1: exit status $?"
}

scenario "storm=0" ",storm=0"
LOSS0=$LOSS AVG0=$AVG STORM0=$STORM
[ "$STORM0" = 0 ] || fail "storm=0 still dropped $STORM0 frames as storm"
[ "$VBUSY" = 0 ] && awk -v l="$LOSS" 'BEGIN { exit !(l <= 5) }' ||
	fail "without storm control the NAT refused $VBUSY of the victim's frames and it lost $LOSS % (attacker: $BUSY refused)"
pass "without storm control: victim lost $LOSS0 %, average round trip $AVG0 ms; the NAT refused $BUSY of the attacker's frames, none of the victim's"

scenario "default" ""
[ "$LIMITS" = "vic=2000 atk=2000 nat=0" ] ||
	fail "port list shows storm limits $LIMITS, want vic=2000 atk=2000 nat=0"
awk -v l="$LOSS" 'BEGIN { exit !(l <= 1) }' ||
	fail "with storm control the victim lost $LOSS % of its pings (without: $LOSS0 %)"
# Other work shares these 2 cores: 10 ms is far above an idle machine's
# round trip (0.3 ms) yet below what the storm costs without the limit.
[ "$AVG" != none ] && awk -v a="$AVG" 'BEGIN { exit !(a < 10) }' ||
	fail "with storm control the victim's average round trip is $AVG ms (without: $AVG0 ms)"
[ "$STORM" -gt 0 ] || fail "the attacker's port counted no storm drops"
# At 2000/s for about STORM_S s (plus a 100 ms burst) at most this many
# of its frames may have been flooded.
flooded=$((RX - STORM))
[ "$flooded" -le $((2000 * (STORM_S + 2))) ] ||
	fail "the attacker flooded $flooded frames past a 2000/s limit"
pass "with storm control (2000/s): victim lost $LOSS % (without: $LOSS0 %), average round trip $AVG ms (without: $AVG0 ms); $STORM of the attacker's $RX frames dropped as storm"
