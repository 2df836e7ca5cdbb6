# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# offload.sh - helpers of the offload tests: per-phase counter deltas,
# flow checks, sniffers in namespaces, a virtio-user receiver
#
# Source after common.sh, netns.sh and testpmd.sh. OF is the frame tool
# (tests/lib/offload_frames.py): it makes flows with known payload and
# checks what a receiver got, checksums as that receiver sees them.

OF="$REPO/tests/lib/offload_frames.py"

# snap NAME - save `vioctl stats` as $TMP/stats-NAME.json
snap() {
	vioctl_j stats >"$TMP/stats-$1.json" || fail "vioctl stats failed"
}

# delta FROM TO PORT KEY - how much an offload path counter (offload_pass,
# csum_sw, segmented, segments, linearized), drop reason or traffic
# counter of PORT grew between two snapshots
delta() {
	python3 - "$TMP/stats-$1.json" "$TMP/stats-$2.json" "$3" "$4" <<'EOF'
import json, sys
def get(path):
    for p in json.load(open(path)):
        if p["id"] == sys.argv[3]:
            for part in (p.get("drops", {}), p.get("offload", {}), p):
                if sys.argv[4] in part:
                    return part[sys.argv[4]]
    raise SystemExit("no counter %s on port %s" % (sys.argv[4], sys.argv[3]))
print(get(sys.argv[2]) - get(sys.argv[1]))
EOF
}

# paths FROM TO PORT - the offload path counters PORT added, one line
paths() {
	local k out=""
	for k in offload_pass csum_sw segmented segments linearized; do
		out+="$k +$(delta "$1" "$2" "$3" "$k") "
	done
	echo "${out% }"
}

# expect_paths FROM TO PORT KEY=N... - PORT's counters grew by exactly N
# (N may be ">0" for "grew")
expect_paths() {
	local from=$1 to=$2 port=$3 kv key want got
	shift 3
	for kv in "$@"; do
		key=${kv%%=*} want=${kv#*=}
		got=$(delta "$from" "$to" "$port" "$key")
		if [ "$want" = ">0" ]; then
			[ "$got" -gt 0 ] || fail "port $port: $key did not grow" \
				"($(paths "$from" "$to" "$port"))"
		else
			[ "$got" = "$want" ] || fail "port $port: $key +$got," \
				"expected +$want ($(paths "$from" "$to" "$port"))"
		fi
	done
}

# expect_flows LABEL CAPTURE [--partial-ok] [--dpdk-seed] FLOW... - every
# flow arrived whole and intact in CAPTURE, checksums valid as the
# receiver sees them; prints one summary line per flow
expect_flows() {
	local label=$1 out status=0
	shift
	out=$(python3 "$OF" check "$@") || status=$?
	python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print("  %-7s %-5s %s: %d/%d bytes in %d frames (largest %d B, %d GSO, %d partial)%s" % (
        sys.argv[1], r["flow"], "ok" if r["ok"] else "FAILED", r["bytes"],
        r["expected"], r["frames"], r["max_frame"], r["gso"], r["partial"],
        "" if r["ok"] else " " + "; ".join(r["notes"])))' "$label" <<<"$out"
	[ "$status" = 0 ] || fail "$label: a flow did not arrive intact"
}

# expect_csums LABEL CAPTURE [--partial-ok] - every TCP/UDP frame in
# CAPTURE has a valid checksum, or a correct seed where it is partial
expect_csums() {
	local label=$1 out
	shift
	out=$(python3 "$OF" csums "$@") ||
		fail "$label: bad checksums: $out"
	echo "  $label: every TCP/UDP frame's checksum valid: $out"
}

# sniff_start HOST IFACE - capture what HOST's IFACE receives, with the
# virtio header, into $TMP/HOST.pcap (sniff_stop writes it)
sniff_start() {
	ns_exec "$1" python3 "$OF" sniff "$2" "$TMP/$1.pcap" &
	cleanup_add "touch '$TMP/$1.pcap.stop'"
	wait_until 5 test -e "$TMP/$1.pcap.ready" ||
		fail "sniffer on $1 did not start"
}

# sniff_stop HOST - stop the capture and wait until it is written
sniff_stop() {
	touch "$TMP/$1.pcap.stop"
	wait_until 10 test -e "$TMP/$1.pcap.done" ||
		fail "sniffer on $1 did not write its capture"
}

# tp_wait_tx NAME PORT N SECONDS - wait until testpmd NAME sent N frames
# on PORT
tp_wait_tx() {
	local got i
	for ((i = 0; i < $4 * 2; i++)); do
		got=$(testpmd_port_stat "$1" "$2" TX-packets)
		[ "$got" -ge "$3" ] && return 0
		sleep 0.5
	done
	fail "testpmd $1 port $2 sent $got of $3 frames in $4 s"
}
