#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# capture_files.sh - capture files are written for the user who asked
# (issue 18), and a --count capture accounts for every matched frame
#
# A pcap port replays macflood.pcap as fast as it can, forever, so
# captures always have frames. Checked:
# - --capture at start-up: the file is the switch's user's, mode 0600;
# - a path whose last component is a symlink (to an existing file, or
#   dangling) is refused with a message saying so; the target is untouched
#   or not created; a hard link to another file is refused too;
# - a capture requested by an unprivileged user (setpriv, uid/gid 65534)
#   creates a 0600 file owned by 65534:65534; that user cannot make the
#   switch overwrite root's file; root's own 0644 file is reused, 0600;
# - rotation never follows a symlink: a link planted as the second file
#   ends the capture with the reason, its target untouched;
# - --count 50: matched = written + dropped + not_taken, written = 50,
#   and vioctl's summary says so;
# - SIGTERM ends the switch within 1 s while a capture streams into a
#   reader that reads nothing.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
tmpdir_make
VIOCTL=("$BUILD/vioctl" --ctl "$TMP/ctl.sock")
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# owner_mode FILE - "UID:GID MODE" of FILE
owner_mode() { stat -c '%u:%g %a' "$1"; }

# capture_json ID - capture ID's description from `capture list`
capture_json() {
	vioctl_j capture list | /usr/bin/python3 -c '
import json, sys
c = [x for x in json.load(sys.stdin) if x["id"] == int(sys.argv[1])]
print(json.dumps(c[0]) if c else "{}")' "$1"
}

# refused WHY ARGS... - `vioctl capture start ARGS` fails saying WHY
refused() {
	local why=$1
	shift
	if "${VIOCTL[@]}" capture start "$@" 2>"$TMP/err"; then
		fail "capture start $* was accepted"
	fi
	grep -qF -- "$why" "$TMP/err" || fail "capture start $*: $(cat "$TMP/err")"
}

start_switch --netdev "pcap,id=p0,rx=$REPO/pcap-samples/macflood.pcap,loop=0,pps=max" \
	--netdev pcap,id=p1 --capture "p0,w=$TMP/boot.pcapng,count=10"

# 1. --capture at start-up: the switch's own user, 0600.
wait_until 5 test -s "$TMP/boot.pcapng" || fail "--capture wrote nothing"
[ "$(owner_mode "$TMP/boot.pcapng")" = "$(id -u):$(id -g) 600" ] ||
	fail "--capture file: $(owner_mode "$TMP/boot.pcapng")"
pass "--capture at start-up: $(owner_mode "$TMP/boot.pcapng") (the switch's user)"

# 2. Symlinks and hard links are refused; their targets stay as they were.
echo precious >"$TMP/target"
chmod 0644 "$TMP/target"
before=$(sha256sum <"$TMP/target")
ln -s "$TMP/target" "$TMP/link.pcapng"
ln -s "$TMP/nonexistent" "$TMP/dangling.pcapng"
ln "$TMP/target" "$TMP/hard.pcapng"
refused "it is a symbolic link" p0 -w "$TMP/link.pcapng"
msg=$(cat "$TMP/err")
refused "it is a symbolic link" p0 -w "$TMP/dangling.pcapng"
refused "it has other hard links" p0 -w "$TMP/hard.pcapng"
[ "$(sha256sum <"$TMP/target")" = "$before" ] || fail "the symlink's target changed"
[ "$(owner_mode "$TMP/target")" = "0:0 644" ] || fail "target: $(owner_mode "$TMP/target")"
[ ! -e "$TMP/nonexistent" ] || fail "the dangling symlink's target was created"
[ "$(vioctl_j capture list | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] ||
	fail "a refused capture is listed: $(vioctl_j capture list)"
pass "symlinked, dangling and hard-linked paths refused ('${msg#vioctl: }'), target untouched"

# 3. A capture asked for by an unprivileged user is that user's, 0600.
chmod 0666 "$TMP/ctl.sock" # only for this test: let uid 65534 in
mkdir "$TMP/u"
chown 65534:65534 "$TMP/u"
chmod 0711 "$TMP"
"${NOBODY[@]}" "${VIOCTL[@]}" capture start p0 --count 5 -w "$TMP/u/mine.pcapng" >/dev/null ||
	fail "uid 65534 cannot start a capture"
wait_until 5 test -s "$TMP/u/mine.pcapng" || fail "the capture of uid 65534 is empty"
[ "$(owner_mode "$TMP/u/mine.pcapng")" = "65534:65534 600" ] ||
	fail "uid 65534's capture: $(owner_mode "$TMP/u/mine.pcapng")"
"${NOBODY[@]}" capinfos "$TMP/u/mine.pcapng" >/dev/null 2>&1 ||
	fail "uid 65534 cannot read its own capture"
echo "root's" >"$TMP/u/roots.pcapng"
chmod 0600 "$TMP/u/roots.pcapng"
if "${NOBODY[@]}" "${VIOCTL[@]}" capture start p0 -w "$TMP/u/roots.pcapng" 2>"$TMP/err"; then
	fail "uid 65534 made the switch overwrite root's file"
fi
grep -qF "it belongs to another user" "$TMP/err" || fail "message: $(cat "$TMP/err")"
[ "$(cat "$TMP/u/roots.pcapng")" = "root's" ] || fail "root's file was changed"
echo old >"$TMP/mine-root.pcapng"
chmod 0644 "$TMP/mine-root.pcapng"
"${VIOCTL[@]}" capture start p0 --count 5 -w "$TMP/mine-root.pcapng" >/dev/null ||
	fail "root cannot reuse its own file"
wait_until 5 sh -c "capinfos '$TMP/mine-root.pcapng' >/dev/null 2>&1" ||
	fail "root's reused file is not a capture"
[ "$(owner_mode "$TMP/mine-root.pcapng")" = "0:0 600" ] ||
	fail "root's reused file: $(owner_mode "$TMP/mine-root.pcapng")"
pass "uid 65534's capture is 65534:65534 mode 600 and readable by it; it cannot overwrite root's file; root's own 0644 file reused as 0600"

# 4. Rotation never follows a symlink.
ln -s "$TMP/target" "$TMP/rot-1.pcapng"
id=$("${VIOCTL[@]}" --json capture start p0 --rotate 1,3 -w "$TMP/rot.pcapng" | json_get id)
wait_until 10 sh -c "'${VIOCTL[0]}' --ctl '$TMP/ctl.sock' --json capture list | grep -q 'symbolic link'" ||
	fail "rotation onto a symlink did not end the capture: $(capture_json "$id")"
reason=$(capture_json "$id" | json_get reason)
[ "$(sha256sum <"$TMP/target")" = "$before" ] || fail "rotation wrote through the symlink"
[ -L "$TMP/rot-1.pcapng" ] || fail "the planted symlink was replaced"
[ "$(owner_mode "$TMP/rot-0.pcapng")" = "0:0 600" ] || fail "rot-0: $(owner_mode "$TMP/rot-0.pcapng")"
"${VIOCTL[@]}" capture stop "$id" >/dev/null
pass "rotation onto a planted symlink: capture ended ('$reason'), target untouched"

# 5. --count: every matched frame is written, dropped or not taken.
id=$("${VIOCTL[@]}" --json capture start p0 --count 50 -w "$TMP/count.pcapng" | json_get id)
wait_until 5 sh -c "'${VIOCTL[0]}' --ctl '$TMP/ctl.sock' --json capture list | grep -q 'count reached'" ||
	fail "--count 50 did not end: $(capture_json "$id")"
sleep 0.5
"${VIOCTL[@]}" capture stop "$id" >"$TMP/stop.txt"
read -r matched written dropped not_taken <<<"$(sed -n \
	's/.*: \([0-9]*\) frames matched, \([0-9]*\) written (.*), \([0-9]*\) not taken, \([0-9]*\) dropped; count reached$/\1 \2 \4 \3/p' \
	"$TMP/stop.txt")"
[ -n "${matched:-}" ] || fail "capture stop said: $(cat "$TMP/stop.txt")"
[ "$written" = 50 ] || fail "--count 50 wrote $written frames"
[ "$matched" = $((written + dropped + not_taken)) ] ||
	fail "matched $matched != written $written + dropped $dropped + not taken $not_taken"
[ "$not_taken" -gt 0 ] || fail "no frame matched after the count: the check proves nothing"
[ "$(tshark -r "$TMP/count.pcapng" 2>/dev/null | wc -l)" = 50 ] || fail "the file does not hold 50 frames"
pass "--count 50: matched $matched = written $written + dropped $dropped + not taken $not_taken"

# 6. SIGTERM while a capture streams to a reader that reads nothing.
mkfifo "$TMP/fifo"
sleep 60 <"$TMP/fifo" &
stuck=$!
cleanup_add "kill $stuck 2>/dev/null"
"${VIOCTL[@]}" capture start p0 -w - >"$TMP/fifo" 2>"$TMP/stream.err" &
follower=$!
cleanup_add "kill $follower 2>/dev/null"
wait_until 5 sh -c "'${VIOCTL[0]}' --ctl '$TMP/ctl.sock' --json capture list | grep -q '\"file\": \"-\"'" ||
	fail "the stream capture did not start: $(cat "$TMP/stream.err")"
sleep 1
t0=$(now_us)
status=0
stop_switch || status=$?
ms=$((($(now_us) - t0) / 1000))
[ "$status" = 0 ] || fail "exit status $status"
[ "$ms" -lt 1000 ] || fail "SIGTERM took $ms ms with a stream reader that reads nothing"
pass "SIGTERM with a capture stream nobody reads: the switch exited 0 in $ms ms"
