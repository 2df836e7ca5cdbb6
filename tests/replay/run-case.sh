#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run-case.sh - run one replay case: replay its inputs through vioswitch,
# assert its checks and compare every port's output with its expected pcap
#
# Usage: tests/replay/run-case.sh BUILD_DIR NAME
# Exit 0 when the case passes; otherwise 1, with the reason as the first
# "not ok - " line on stderr (and in $FAIL_FILE when set). tests/replay/run.sh
# runs every case this way; README.md describes a case's files.
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR NAME" >&2
	exit 1
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "$1" && pwd)
NAME=$2
# shellcheck source=SCRIPTDIR/../lib/common.sh
. "$HERE/../lib/common.sh"

CASE_DIR=$HERE/cases/$NAME
[ -f "$CASE_DIR/ports" ] || fail "replay $NAME: no $CASE_DIR/ports"
[ -f "$CASE_DIR/checks" ] || fail "replay $NAME: no $CASE_DIR/checks"
tmpdir_make TMP

# port_id() - the id= value of a netdev spec
port_id()
{
	local kv

	IFS=, read -ra kv <<<"$1"
	for kv in "${kv[@]}"; do
		case $kv in
		id=*) echo "${kv#id=}" ;;
		esac
	done
}

ids=()
args=()
while IFS= read -r spec || [ -n "$spec" ]; do
	case $spec in
	'' | '#'*) continue ;;
	esac
	id=$(port_id "$spec")
	[ -n "$id" ] || fail "$NAME/ports: no id= in '$spec'"
	if [ -f "$CASE_DIR/$id.in" ]; then
		read -r sample <"$CASE_DIR/$id.in"
		[ -f "$REPO/$sample" ] || fail "$NAME/$id.in: no $REPO/$sample"
		spec+=",rx=$REPO/$sample"
	fi
	[ -f "$CASE_DIR/$id.expected.pcap" ] ||
		fail "$NAME: no $id.expected.pcap (run tests/replay/model.py)"
	ids+=("$id")
	args+=(--netdev "$spec,tx=$TMP/$id.out.pcap")
done <"$CASE_DIR/ports"
[ ${#ids[@]} -gt 0 ] || fail "$NAME/ports: no ports"

start_switch "${args[@]}"

if ! bg_wait python3 "$HERE/replay.py" settle --pid "$SWITCH_PID" \
	--timeout 20 --stable 0.3 -- \
	"$BUILD/vioctl" --ctl "$TMP/ctl.sock" --json >"$TMP/settle.out" 2>&1; then
	cat "$TMP/settle.out" >&2
	fail "$(head -n 1 "$TMP/settle.out")"
fi

vioctl_j stats >"$TMP/stats.json" || fail "vioctl stats failed"
vioctl_j port list >"$TMP/port-list.json" || fail "vioctl port list failed"
if ! out=$(python3 "$HERE/replay.py" check "$CASE_DIR/checks" \
	"$TMP/stats.json" "$TMP/port-list.json" 2>&1); then
	printf '%s\n' "$out" >&2
	echo "--- stats ---" >&2
	cat "$TMP/stats.json" >&2
	fail "${out%%$'\n'*}"
fi

status=0
stop_switch || status=$?
[ "$status" -eq 0 ] || fail "vioswitch exited with status $status on SIGTERM"

for id in "${ids[@]}"; do
	[ -f "$TMP/$id.out.pcap" ] || fail "port $id wrote no $id.out.pcap"
	if ! out=$(python3 "$REPO/tests/lib/pcapdiff.py" "$TMP/$id.out.pcap" \
		"$CASE_DIR/$id.expected.pcap" 2>&1); then
		printf '%s\n' "$out" >&2
		fail "port $id output differs from $id.expected.pcap:" \
			"${out%%$'\n'*}"
	fi
done
