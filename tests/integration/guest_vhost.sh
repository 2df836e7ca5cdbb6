#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# guest_vhost.sh - two real Linux guests (QEMU, tests/guest) on vhost-user
# ports: they ping each other, one sends a 4 MiB file to the other over TCP,
# reboots and sends another; the sha256 sums match, TSO super-frames cross
# the switch whole, the features and reconnect counters are right
#
# Guest A (port vm1, 10.0.0.1) serves; guest B (port vm2, 10.0.0.2) is the
# client, which reboots itself once (tests/guest/init tells how). QEMU runs
# under TCG by default (tests/lib/qemu.sh says why).
#
# Environment: VIOSWITCH_GUEST_DIR (default REPO/build/guest),
# VIOSWITCH_GUEST_ACCEL=tcg|kvm (default tcg),
# VIOSWITCH_GUEST_TIMEOUT seconds for the whole exchange (default 150).
set -euo pipefail
# shellcheck disable=SC2034 # BUILD is read by common.sh
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/qemu.sh"
tmpdir_make
MIB=4

# port_field PORT KEY - one field of PORT in `vioctl port list`
port_field() {
	vioctl_j port list | python3 -c '
import json, sys
p = [x for x in json.load(sys.stdin) if x["id"] == sys.argv[1]][0]
v = p[sys.argv[2]]
print(" ".join(v) if isinstance(v, list) else json.dumps(v))' "$1" "$2"
}

# stat_field PORT KEY - one counter of `vioctl stats PORT`
stat_field() { vioctl_j stats "$1" | json_get "0.$2"; }

guest_build

start_switch --netdev "vhost-user,id=vm1,path=$TMP/vm1.sock" \
	--netdev "vhost-user,id=vm2,path=$TMP/vm2.sock"
deadline_in "${VIOSWITCH_GUEST_TIMEOUT:-150}"
qemu_start a 52:54:00:00:00:01 "$TMP/vm1.sock" "vio.role=server vio.ip=10.0.0.1/24"
qemu_start b 52:54:00:00:00:02 "$TMP/vm2.sock" \
	"vio.role=client vio.ip=10.0.0.2/24 vio.peer=10.0.0.1 vio.mib=$MIB vio.rounds=2"

wait_result a features 1 "guest A to boot"
wait_result b features 1 "guest B to boot"
pass "both guests booted $(elapsed) s after QEMU started; features A: $(results a features | cut -d' ' -f2-)"

wait_result b "done" 1 "guest B to send two files (with a reboot between)"
pass "two transfers and a reboot done $(elapsed) s after QEMU started"

# B pinged A 3 times on each of its boots.
while read -r verdict counts rtt; do
	[ "$verdict" = ok ] || guest_fail "ping from B to A: $verdict $counts"
	pass "ping from B to A: $counts replies, $rtt ms"
done < <(results b ping)
[ "$(results b ping | wc -l)" = 2 ] ||
	guest_fail "guest B pinged on $(results b ping | wc -l) boots, not 2"

# The sums each side printed, in order: client before sending, server after
# receiving.
mapfile -t sent < <(results b sha256 | awk '{ print $1 }')
mapfile -t got < <(results a sha256 | awk '{ print $1 }')
[ "${#sent[@]}" = 2 ] || guest_fail "guest B sent ${#sent[@]} files, not 2"
[ "${#got[@]}" = 2 ] || guest_fail "guest A received ${#got[@]} files, not 2"
for i in 0 1; do
	[ "${sent[i]}" = "${got[i]}" ] ||
		guest_fail "transfer $((i + 1)): sent sha256 ${sent[i]}, received ${got[i]}"
done
while read -r bytes secs _; do
	bytes=${bytes#bytes=} secs=${secs#secs=}
	pass "transfer: $bytes bytes in $secs s ($(awk -v b="$bytes" -v s="$secs" \
		'BEGIN { printf "%.0f", (s > 0 ? b * 8 / s / 1e6 : 0) }') Mbit/s), sha256 matches on both sides"
done < <(results b sent)
[ "$(results a sha256 | awk '{ print $2 }' | sort -u)" = "bytes=$((MIB << 20))" ] ||
	guest_fail "guest A received sizes: $(results a sha256 | awk '{ print $2 }' | xargs)"

# Both guests attached, offloads negotiated.
for p in vm1 vm2; do
	[ "$(port_field "$p" connected)" = true ] || fail "$p not connected"
	f=$(port_field "$p" features)
	for want in GUEST_TSO4 MRG_RXBUF; do
		[[ " $f " == *" $want "* ]] || fail "$p: no $want in features: $f"
	done
	pass "$p connected, features: $f"
done

# B's reboot reset its device (QEMU stays connected to the socket): the
# port detached and attached again, once per boot; A's port never did.
boots=$(results b boot | wc -l)
c1=$(port_field vm1 connects) d1=$(port_field vm1 disconnects)
c2=$(port_field vm2 connects) d2=$(port_field vm2 disconnects)
[ "$boots" = 2 ] || guest_fail "guest B booted $boots times, not 2"
[ "$c2" = 2 ] && [ "$d2" = 1 ] ||
	fail "vm2: $c2 connects, $d2 disconnects over guest B's 2 boots (want 2, 1)"
[ "$c1" = 1 ] && [ "$d1" = 0 ] ||
	fail "vm1: $c1 connects, $d1 disconnects (guest A never rebooted)"
pass "guest B's reboot: vm2 connects 1 -> $c2 (disconnects $d2), vm1 connects $c1"

# Kept for debugging (VIOSWITCH_TEST_KEEP=1).
vioctl_j stats >"$TMP/stats.json" || true
vioctl_j port list >"$TMP/ports.json" || true

# B's frames entered the switch as TSO super-frames, not 1514-byte ones.
rxp=$(stat_field vm2 rx_packets) rxb=$(stat_field vm2 rx_bytes)
txp=$(stat_field vm1 tx_packets) txb=$(stat_field vm1 tx_bytes)
[ "$rxp" -gt 0 ] || fail "vm2 received no frames"
avg=$((rxb / rxp))
echo "  vm2 rx: $rxp frames, $rxb bytes, average $avg; vm1 tx: $txp frames, $txb bytes, average $((txb / (txp > 0 ? txp : 1)))"
# Drops are shown, not asserted: a frame B sends before A's device is up
# is dropped as link_down, and a TCG guest slow to refill its receive ring
# can cost a tx_full now and then; TCP recovers from both.
for p in vm1 vm2; do
	echo "  $p drops: $(vioctl_j stats "$p" | python3 -c '
import json, sys
d = {k: v for k, v in json.load(sys.stdin)[0]["drops"].items() if v}
print(", ".join(f"{k} {v}" for k, v in d.items()) or "none")')"
done
[ "$avg" -gt 1514 ] ||
	fail "vm2 received $rxp frames averaging $avg bytes: guest B's TSO super-frames did not enter the switch whole"
[ "$txp" -gt 0 ] && [ $((txb / txp)) -gt 1514 ] ||
	fail "vm1 sent $txp frames, $txb bytes: the switch segmented what guest A could take whole (GUEST_TSO4)"
pass "guest B's frames averaged $avg bytes ($rxb bytes in $rxp frames), vm1 sent guest A $txp frames averaging $((txb / txp)) bytes: TSO super-frames crossed whole"
