#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# capture.sh - captures and mirrors at runtime, read by tshark and tcpdump
#
# Two namespaces behind tap ports t1 and t2 exchange UDP datagrams with
# known payloads and TCP transfers (kernel offloads on, so GSO super-frames
# cross the switch). Checked, as a user would:
# - a filtered capture selects exactly the datagrams the filter names, with
#   the bytes the sender sent, interface names = port ids, direction flags,
#   timestamps within a second of the wall clock, per-interface statistics
# - every port in both directions into classic pcap (nanoseconds)
# - `-w -` piped into tshark, ended by --count
# - --rotate produces the stated files, each readable; super-frames are
#   captured whole with a comment saying so
# - a reader that stops reading fills the ring: drops are counted, the
#   transfer still arrives intact
# - a bad filter gets libpcap's message and starts nothing
# - a mirror to a third tap: tcpdump on that tap sees the mirrored frames
#   and nothing else
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
tmpdir_make
T1=vc$$a T2=vc$$b T3=vc$$c
VIOCTL=("$BUILD/vioctl" --ctl "$TMP/ctl.sock")

# tshark_q ARGS - tshark without its root warning
tshark_q() { tshark "$@" 2>/dev/null; }

# capture_field ID FIELD - a field of capture ID in `capture list`
capture_field() {
	vioctl_j capture list | python3 -c '
import json, sys
c = [x for x in json.load(sys.stdin) if x["id"] == int(sys.argv[1])]
print(c[0][sys.argv[2]] if c else "none")' "$1" "$2"
}

# start_capture ARGS - start a capture, print its id
start_capture() { vioctl_j capture start "$@" | json_get id; }

# send_udp N TAG - N datagrams "TAG k" from h1 to h2:7777
send_udp() {
	ns_exec h1 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for k in range(int(sys.argv[1])):
    s.sendto(("%s %d" % (sys.argv[2], k)).encode(), ("10.78.0.2", 7777))' "$1" "$2"
}

# transfer MIB - MIB MiB over TCP from h1 to h2, checked by sha256
transfer() {
	head -c "$1M" /dev/urandom >"$TMP/data"
	ns_exec h2 socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$TMP/got",creat,trunc &
	cleanup_add "kill $! 2>/dev/null"
	sleep 0.3
	ns_exec h1 socat -u OPEN:"$TMP/data" TCP:10.78.0.2:5001
	wait_until 10 sh -c "[ \$(stat -c %s '$TMP/got' 2>/dev/null || echo 0) = $(($1 << 20)) ]" ||
		fail "$1 MiB h1 -> h2: got $(stat -c %s "$TMP/got" 2>/dev/null) bytes"
	[ "$(sha256sum <"$TMP/data")" = "$(sha256sum <"$TMP/got")" ] ||
		fail "$1 MiB h1 -> h2: sha256 differs"
	rm -f "$TMP/got"
}

start_switch --netdev "tap,id=t1,ifname=$T1" --netdev "tap,id=t2,ifname=$T2" \
	--netdev "tap,id=t3,ifname=$T3" --capture "t1,w=$TMP/boot.pcapng,dir=rx,filter=arp,count=1"
ns_host h1 "$T1" 10.78.0.1/24
ns_host h2 "$T2" 10.78.0.2/24
ns_host h3 "$T3" 10.78.0.3/24
ns_exec h1 ping -c 2 -i 0.2 -W 2 10.78.0.2 >/dev/null || fail "ping h1 -> h2 failed"

# 0. --capture at start: h1's first ARP request, then it ended itself.
wait_until 5 sh -c "[ \"\$('${BUILD}/vioctl' --ctl '$TMP/ctl.sock' --json capture list | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"reason\"])')\" = 'count reached' ]" ||
	fail "--capture with count=1 did not end: $(vioctl_j capture list)"
[ "$(tshark_q -r "$TMP/boot.pcapng" -T fields -e frame.interface_name -e arp.src.proto_ipv4)" = "$(printf 't1\t10.78.0.1')" ] ||
	fail "--capture did not record h1's first ARP request"
vioctl_j capture stop 1 >/dev/null
pass "--capture at start: h1's first ARP request recorded, then the capture ended at count=1"

# 1. A filtered capture while traffic runs.
t0=$(date +%s.%N)
id=$(start_capture t1 --dir rx --filter 'udp dst port 7777' -w "$TMP/udp.pcapng")
send_udp 5 "hello capture"
ns_exec h1 ping -c 3 -i 0.1 -W 2 10.78.0.2 >/dev/null
sleep 0.3
matched=$(capture_field "$id" matched)
"${VIOCTL[@]}" capture stop "$id" >"$TMP/stop.txt"
t1=$(date +%s.%N)
[ "$matched" = 5 ] || fail "filter matched $matched frames, 5 datagrams were sent"
grep -q "5 frames matched, 5 written" "$TMP/stop.txt" ||
	fail "capture stop said: $(cat "$TMP/stop.txt")"
tshark_q -r "$TMP/udp.pcapng" -T fields -e frame.interface_name \
	-e frame.time_epoch -e frame.p2p_dir -e udp.payload >"$TMP/udp.txt" ||
	fail "tshark cannot read the capture"
python3 - "$TMP/udp.txt" "$t0" "$t1" <<'EOF' || fail "capture content wrong: $(cat "$TMP/udp.txt")"
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
t0, t1 = float(sys.argv[2]), float(sys.argv[3])
assert len(rows) == 5, "%d frames" % len(rows)
for k, (ifname, ts, direction, payload) in enumerate(rows):
    assert ifname == "t1", ifname
    assert t0 - 1 <= float(ts) <= t1 + 1, "timestamp %s not in [%s, %s]" % (ts, t0, t1)
    assert direction == "1", "direction %r, want 1 (inbound)" % direction
    want = ("hello capture %d" % k).encode().hex()
    assert payload.replace(":", "") == want, "payload %s, want %s" % (payload, want)
EOF
capinfos "$TMP/udp.pcapng" >"$TMP/capinfos.txt"
grep -q "Name = t1" "$TMP/capinfos.txt" && grep -q "Filter string = udp dst port 7777" "$TMP/capinfos.txt" ||
	fail "interface block wrong: $(cat "$TMP/capinfos.txt")"
pass "filtered capture: 5 of 5 datagrams, bytes as sent, interface t1, inbound, stamped within 1 s of the wall clock"

# 2. Every port, both directions, classic pcap with nanoseconds.
id=$(start_capture all --filter 'udp dst port 7777' --format pcap -w "$TMP/all.pcap")
send_udp 3 "all ports"
sleep 0.3
"${VIOCTL[@]}" capture stop "$id" >/dev/null
n=$(tshark_q -r "$TMP/all.pcap" | wc -l)
# rx on t1, tx on t2 (h2 knows h1's MAC: unicast, no flood)
[ "$n" = 6 ] || fail "all ports, both directions: $n frames, want 6"
capinfos -t "$TMP/all.pcap" | grep -q "nanosecond pcap" || fail "not a nanosecond pcap"
pass "capture of all ports into pcap: each datagram seen at rx of t1 and tx of t2"

# 2b. --duration ends a capture by itself.
id=$(start_capture t2 --duration 1 -w "$TMP/dur.pcapng")
wait_until 4 sh -c "[ \"\$('${BUILD}/vioctl' --ctl '$TMP/ctl.sock' --json capture list | python3 -c 'import json,sys; print([c[\"reason\"] for c in json.load(sys.stdin) if c[\"id\"] == $id][0])')\" = 'duration reached' ]" ||
	fail "--duration 1 did not end the capture: $(vioctl_j capture list)"
capinfos "$TMP/dur.pcapng" >/dev/null 2>&1 || fail "the file of a capture ended by --duration is unreadable"
"${VIOCTL[@]}" capture stop "$id" >/dev/null
pass "--duration 1: the capture ended itself, its file readable"

# 3. Streaming into tshark, ended by --count.
("${VIOCTL[@]}" capture start t2 --dir tx --filter 'udp dst port 7777' --count 4 -w - \
	2>"$TMP/stream.err" | tshark_q -r - -T fields -e udp.payload >"$TMP/stream.txt") &
reader=$!
sleep 1
send_udp 6 "stream"
wait_until 10 sh -c "! kill -0 $reader 2>/dev/null" || fail "streaming capture did not end after --count 4"
[ "$(wc -l <"$TMP/stream.txt")" = 4 ] || fail "tshark read $(wc -l <"$TMP/stream.txt") frames from the stream, want 4"
grep -q "4 written" "$TMP/stream.err" || fail "vioctl summary: $(cat "$TMP/stream.err")"
pass "vioctl capture start -w - | tshark -r -: 4 frames, then the capture ended itself"

# 4. Rotation; super-frames captured whole.
id=$(start_capture t1 --rotate 1,3 -w "$TMP/rot.pcapng")
transfer 8
sleep 0.3
"${VIOCTL[@]}" capture stop "$id" >/dev/null
ls "$TMP"/rot-*.pcapng >"$TMP/rot.txt"
[ "$(wc -l <"$TMP/rot.txt")" = 3 ] || fail "rotation left $(cat "$TMP/rot.txt" | tr '\n' ' '), want rot-0..2"
big=0
for f in "$TMP"/rot-{0,1,2}.pcapng; do
	size=$(stat -c %s "$f")
	[ "$size" -le $((1 << 20)) ] || fail "$f has $size bytes, over 1 MB"
	capinfos "$f" >/dev/null 2>&1 || fail "$f unreadable"
	big=$((big + $(tshark_q -r "$f" -Y 'frame.len > 1514 && frame.comment contains "super-frame"' | wc -l)))
done
[ "$big" -gt 0 ] || fail "no super-frame captured whole with its comment"
pass "rotation 1 MB x 3 files: 3 readable files of at most 1 MB; $big GSO super-frames captured whole, commented"

# 5. A reader that stops reading: the ring fills, forwarding goes on, and
# the drops are in the file's interface statistics.
mkfifo "$TMP/fifo"
(sleep 3; cat) <"$TMP/fifo" >"$TMP/stall.pcapng" &
slow=$!
"${VIOCTL[@]}" capture start t1 -w - 2>"$TMP/stall.err" >"$TMP/fifo" &
follower=$!
sleep 0.5
transfer 32
id=$(vioctl_j capture list | python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin) if c["file"] == "-"][0])')
dropped=$(capture_field "$id" dropped)
[ "$dropped" -gt 0 ] || fail "a stalled reader caused no drops"
wait_until 10 sh -c "[ -s '$TMP/stall.pcapng' ]" || fail "the slow reader never got data"
kill -INT "$follower"
wait "$follower" || fail "vioctl following the stream exited with $?"
wait "$slow"
# Frames still arriving after the reading above may add drops: the
# summary's count is final, at least what was read, and what the file says.
final=$(sed -n 's/.*, \([0-9]*\) dropped; .*/\1/p' "$TMP/stall.err")
[ -n "$final" ] && [ "$final" -ge "$dropped" ] ||
	fail "vioctl summary: $(cat "$TMP/stall.err")"
dropped=$final
isb_drop=$(python3 - "$TMP/stall.pcapng" <<'EOF'
import struct, sys
data, off, drop = open(sys.argv[1], "rb").read(), 0, None
while off + 12 <= len(data):
    btype, blen = struct.unpack_from("<II", data, off)
    if btype == 5:  # interface statistics block: options after 20 bytes
        o = off + 20
        while o + 4 <= off + blen - 4:
            code, olen = struct.unpack_from("<HH", data, o)
            if code == 0:
                break
            if code == 5:  # isb_ifdrop
                drop = struct.unpack_from("<Q", data, o + 4)[0]
            o += 4 + (olen + 3) // 4 * 4
    off += blen
print(drop)
EOF
)
[ "$isb_drop" = "$dropped" ] || fail "file statistics say $isb_drop dropped, capture list $dropped"
pass "stalled reader: $dropped captured copies dropped, counted and in the file's statistics; 32 MiB still intact"

# 5b. A reader that goes away ends its capture, with no frame to write:
# the idle writer watches the stream, however long it sleeps.
timeout 10 "${VIOCTL[@]}" capture start t1 --filter 'udp port 9' -w - \
	2>"$TMP/gone.err" | head -c 1 >/dev/null ||
	fail "vioctl did not end with its reader: $(cat "$TMP/gone.err")"
grep -q "the reader went away" "$TMP/gone.err" ||
	fail "capture ended with: $(cat "$TMP/gone.err")"
[ "$(vioctl_j capture list)" = "[]" ] ||
	fail "capture still listed: $(vioctl_j capture list)"
pass "a stream's reader went away: the capture ended without a frame to write, and says why"

# 6. A bad filter.
if "${VIOCTL[@]}" capture start t1 --filter 'tcp port' -w "$TMP/bad.pcapng" 2>"$TMP/bad.err"; then
	fail "a bad filter was accepted"
fi
grep -q "filter 'tcp port': can't parse filter expression: syntax error" "$TMP/bad.err" ||
	fail "bad filter message: $(cat "$TMP/bad.err")"
[ "$(vioctl_j capture list | python3 -c 'import json,sys; print(sum(c["state"] == "running" for c in json.load(sys.stdin)))')" = 0 ] ||
	fail "a capture runs after the bad filter"
mkfifo "$TMP/nobody"
if timeout 5 "${VIOCTL[@]}" capture start t1 -w "$TMP/nobody" 2>"$TMP/fifo.err"; then
	fail "a capture into a FIFO nobody reads started"
fi
grep -q "cannot open $TMP/nobody: a FIFO nobody reads" "$TMP/fifo.err" ||
	fail "FIFO without reader: $(cat "$TMP/fifo.err")"
pass "bad filter: libpcap's message, nothing started; a FIFO nobody reads is refused at once"

# 7. A mirror to a tap: tcpdump there sees the mirrored frames only.
vioctl_j mirror add t1 to t3 --filter 'udp dst port 7777' >/dev/null
# IPv4 only: h3's own IPv6 neighbour discovery may go out on t3 meanwhile.
ns_exec h3 tcpdump -i "$T3" -nn -c 4 -w "$TMP/mirror.pcap" ip 2>/dev/null &
dump=$!
cleanup_add "kill $dump 2>/dev/null"
sleep 1
ns_exec h1 ping -c 2 -i 0.1 -W 2 10.78.0.2 >/dev/null || fail "ping with a mirror failed"
send_udp 4 "mirrored"
wait_until 10 sh -c "! kill -0 $dump 2>/dev/null" || fail "tcpdump on the mirror tap saw fewer than 4 frames"
tshark_q -r "$TMP/mirror.pcap" -T fields -e frame.protocols -e udp.payload >"$TMP/mirror.txt"
for k in 0 1 2 3; do
	grep -q "$(printf 'mirrored %d' "$k" | xxd -p)" "$TMP/mirror.txt" ||
		fail "mirror tap lacks datagram $k: $(cat "$TMP/mirror.txt")"
done
ns_exec h3 ping -c 1 -W 1 10.78.0.1 >/dev/null 2>&1 && fail "a mirror output still switches frames"
mid=$(vioctl_j mirror list | json_get 0.id)
[ "$(vioctl_j mirror list | json_get 0.matched)" = 4 ] || fail "mirror matched $(vioctl_j mirror list | json_get 0.matched), want 4"
vioctl_j mirror del "$mid" >/dev/null
# h3's resolution of 10.78.0.1 from the refused ping above may still be
# probing, or have failed: a packet queued on it would be dropped with it.
ns_exec h3 ip neigh flush dev "$T3"
ns_exec h3 ping -c 1 -W 2 10.78.0.1 >/dev/null || fail "t3 does not switch again after mirror del"
pass "mirror t1 -> t3: tcpdump on t3 saw the 4 datagrams and no ping; t3 switches again after mirror del"

stop_switch || fail "exit status $?"
