#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# ctl.sh - option errors, the control socket under bad requests, runtime
# port add/remove and a clean shutdown
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
tmpdir_make

# expect_exit2 NEEDLE ARGS... - vioswitch ARGS must exit 2 and say NEEDLE
expect_exit2() {
	local needle=$1 status=0 out
	shift
	out=$(timeout 20 "$BUILD/vioswitch" --ctl "$TMP/never.sock" "$@" 2>&1) ||
		status=$?
	[ "$status" = 2 ] || fail "vioswitch $*: exit $status, expected 2: $out"
	grep -qF -- "$needle" <<<"$out" ||
		fail "vioswitch $*: message '$out' does not name '$needle'"
	[ "$(wc -l <<<"$out")" = 1 ] || fail "vioswitch $*: more than one line: $out"
}

expect_exit2 "'bogus': unknown netdev type" --netdev bogus,id=x
expect_exit2 "'colour=red': unknown key for pcap" --netdev pcap,id=a,colour=red
expect_exit2 "duplicate id 'a'" --netdev pcap,id=a --netdev pcap,id=a
expect_exit2 "vlan=5000" --netdev pcap,id=a,vlan=5000
expect_exit2 "id= is required" --netdev pcap,tx=x.pcap
expect_exit2 "--pmd-cpus x" --pmd-cpus x --netdev pcap,id=a
expect_exit2 "--hugepages maybe" --hugepages maybe --netdev pcap,id=a
expect_exit2 "--frobnicate" --frobnicate
expect_exit2 "rx=/nonexistent.pcap" --netdev pcap,id=a,rx=/nonexistent.pcap
expect_exit2 "--capture a: missing w=FILE" --capture a --netdev pcap,id=a
expect_exit2 "--capture b,w=x.pcapng: no --netdev with id=b" --capture b,w=x.pcapng --netdev pcap,id=a
expect_exit2 "filter 'tcp port': can't parse filter expression: syntax error" --netdev pcap,id=a --capture "a,w=$TMP/x.pcapng,filter=tcp port"
printf 'netdev pcap,id=a\nfrobnicate 1\n' >"$TMP/bad.conf"
expect_exit2 "bad.conf:2: unknown option 'frobnicate'" --config "$TMP/bad.conf"
pass "bad options exit 2 with one line naming the offending text"

printf '# two ports\nnetdev pcap,id=p0,tx=%s\n--netdev=pcap,id=p1\n' \
	"$TMP/p0.pcap" >"$TMP/good.conf"
start_switch --config "$TMP/good.conf"
[ "$(stat -c %a "$TMP/ctl.sock")" = 600 ] || fail "control socket not 0600"
[ "$(vioctl_j port list | json_get 1.id)" = p1 ] || fail "config ports missing"
pass "config file read, control socket is mode 0600"

# raw SOCKET DATA - send DATA, print the first reply line (or EOF)
raw() {
	python3 - "$TMP/ctl.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode())
buf = b""
while not buf.endswith(b"\n"):
    try:
        chunk = s.recv(65536)
    except ConnectionResetError:
        break
    if not chunk:
        break
    buf += chunk
print(buf.decode().strip() or "EOF")
PY
}

expect_error() {
	local reply
	reply=$(raw "$1")
	[ "$(json_get ok <<<"$reply")" = false ] || fail "'${1:0:40}': not an error: $reply"
	grep -qF -- "$2" <<<"$reply" || fail "'${1:0:40}': '$reply' lacks '$2'"
}
expect_error $'this is not json\n' "bad JSON"
expect_error $'[1,2]\n' "not a JSON object"
expect_error $'{"cmd":"explode"}\n' "unknown command 'explode'"
expect_error $'{"nocmd":1}\n' "no \\\"cmd\\\""
expect_error $'{"cmd":"port-add","netdev":"pcap,id=x,bad=1"}\n' "'bad=1': unknown key"
expect_error $'{"cmd":"port-del","id":"ghost"}\n' "no port with id ghost"
expect_error $'{"cmd":"fdb-add","mac":"01:00:5e:00:00:01","port":"p0"}\n' "unicast MAC"
expect_error "$(head -c 70000 /dev/zero | tr '\0' 'x')" "longer than 65536"
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" version >/dev/null || fail "daemon died"
pass "bad, unknown and oversized requests get error replies; daemon alive"

status=0
"$BUILD/vioctl" --ctl "$TMP/nope.sock" version 2>/dev/null || status=$?
[ "$status" = 3 ] || fail "vioctl on a missing socket: exit $status, expected 3"
status=0
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" frob 2>/dev/null || status=$?
[ "$status" = 2 ] || fail "vioctl frob: exit $status, expected 2"
status=0
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" stats ghost 2>"$TMP/err" || status=$?
[ "$status" = 1 ] && grep -q "no port with id ghost" "$TMP/err" ||
	fail "vioctl stats ghost: exit $status: $(cat "$TMP/err")"
pass "vioctl exit codes: 3 no switch, 2 usage, 1 error reply"

vioctl_j port add "pcap,id=p9,tx=$TMP/p9.pcap" >/dev/null
[ "$(vioctl_j port list | json_get 2.id)" = p9 ] || fail "p9 not listed"
vioctl_j port del p9 >/dev/null
[ "$(vioctl_j port list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ] ||
	fail "p9 still listed after port del"
pass "runtime port add and del"

stop_switch || fail "vioswitch exited with status $? on SIGTERM"
[ ! -e "$TMP/ctl.sock" ] || fail "control socket left behind"
pass "SIGTERM: exit 0, control socket removed"
