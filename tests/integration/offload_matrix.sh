#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# offload_matrix.sh - the offload matrix with real peers: TCP over IPv4 and
# IPv6 and UDP from every kind of source to every kind of destination,
# checked at the receiver (bytes intact, checksums valid as it sees them)
# and in the output port's path counters (a super-frame passes whole where
# the receiver takes it, is segmented exactly once where it does not,
# checksums are filled in software where needed); and one broadcast and one
# multicast TSO super-frame flooded to ports of every capability.
#
# One switch, these ports and peers:
#   vs  vhost-user, TSO+csum source: dpdk-testpmd's virtio-user, csum
#       engine with `csum set tcp/udp hw` and `tso set 1448`, replaying
#       64 KB TCP frames from a pcap (net_pcap): virtio-user writes the
#       GSO/NEEDS_CSUM virtio header
#   vp  vhost-user without offloads (tso=off,csum=off), source: the same
#       testpmd, checksums in software, MTU-sized frames
#   vt  vhost-user, TSO+csum receiver: a second testpmd's virtio-user
#       with rx_offload tcp_lro/tcp_cksum/udp_cksum (GUEST_TSO4/6,
#       GUEST_CSUM), io-forwarding to a pcap file (64 KB mbufs, so a
#       super-frame is written whole)
#   vn  vhost-user without offloads (tso=off,csum=off), receiver: same
#   to  tap, vnet_hdr on: the kernel of namespace "o", offloads on
#   tp  tap, vnet_hdr=off: the kernel of namespace "p", which then gets
#       and sends only plain frames (checksums complete, no GSO)
#   nat libslirp NAT with hostfwd rules to o, p, vt, vn and pc
#   pc  pcap port: records what it is sent (rx: one ARP request so the
#       switch and the NAT learn its address)
#   pr  pcap port added at run time: replays plain frames (a source)
# Receivers are checked where they receive: the pcap files of testpmd and
# of pc, and in o and p an AF_PACKET capture with the virtio header the
# kernel keeps (NEEDS_CSUM frames must carry the pseudo-header sum with
# the L4 length, which Linux's GSO and NICs complete), plus the kernels'
# own checksum error counters and sha256 of TCP transfers between
# sockets.
#
# Cells not built with a real peer, and why:
# - TCP between a vhost peer and a socket (o, p, NAT): dpdk-testpmd has no
#   TCP stack and the only other vhost-user front-end here, QEMU, runs TCG
#   only (guest_vhost.sh/guest_nat.sh boot guests; too slow for a matrix).
#   vhost peers exchange TCP super-frames with o/p/pc as raw frames
#   (checked byte for byte, kernel checksum counters), and reach the NAT
#   with UDP through a hostfwd rule and to a host socket.
# - The kernel in o sends GSO TCP to vhost peers and pc by AF_PACKET with
#   PACKET_VNET_HDR (the kernel builds the GSO skb, the tap driver writes
#   the virtio header), since no TCP peer answers there.
# - UDP super-frames (USO/UFO) from a source: virtio-user cannot send
#   them; the NAT does (64 KB datagrams from a host socket).
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
source "$(dirname "$0")/../lib/offload.sh"
tmpdir_make
T0=$(now_us)
TO=vmo$$ TP=vmp$$
VS=02:00:00:00:0f:01 VP=02:00:00:00:0f:02 PR=02:00:00:00:0f:03
VT=02:00:00:00:0e:01 VN=02:00:00:00:0e:02 PC=02:00:00:00:0e:03
FWO=$(free_port) FWP=$(free_port) SVC=$(free_port)
FWT=$(free_port) FWN=$(free_port) FWC=$(free_port) UHOST=$(free_port)

# Switch-learnable addresses for the peers that cannot answer ARP: each
# announces itself (to the switch and the NAT) with an ARP request.
python3 "$OF" gen "$TMP/vt-hello.pcap" "name=h,proto=arp,smac=$VT,src=10.0.2.17,dst=10.0.2.2" >/dev/null
python3 "$OF" gen "$TMP/vn-hello.pcap" "name=h,proto=arp,smac=$VN,src=10.0.2.18,dst=10.0.2.2" >/dev/null
python3 "$OF" gen "$TMP/pc-hello.pcap" "name=h,proto=arp,smac=$PC,src=10.0.2.19,dst=10.0.2.2" >/dev/null

start_switch --netdev "vhost-user,id=vs,path=$TMP/vs.sock" \
	--netdev "vhost-user,id=vp,path=$TMP/vp.sock,tso=off,csum=off" \
	--netdev "vhost-user,id=vt,path=$TMP/vt.sock" \
	--netdev "vhost-user,id=vn,path=$TMP/vn.sock,tso=off,csum=off" \
	--netdev "tap,id=to,ifname=$TO" \
	--netdev "tap,id=tp,ifname=$TP,vnet_hdr=off" \
	--netdev "user,id=nat,hostfwd=tcp::$FWO-10.0.2.15:5001,hostfwd=tcp::$FWP-10.0.2.16:5001,hostfwd=udp::$FWT-10.0.2.17:7,hostfwd=udp::$FWN-10.0.2.18:7,hostfwd=udp::$FWC-10.0.2.19:7" \
	--netdev "pcap,id=pc,rx=$TMP/pc-hello.pcap,tx=$TMP/pc.pcap"

# The two kernels: each on the switch's segment and behind the NAT.
ns_host o "$TO" 10.60.0.2/24
ns_host p "$TP" 10.60.0.3/24
for h in o:"$TO":2:15 p:"$TP":3:16; do
	IFS=: read -r n ifc a nat <<<"$h"
	ns_exec "$n" ip addr add "10.0.2.$nat/24" dev "$ifc"
	ns_exec "$n" ip addr add "fd60::$a/64" dev "$ifc" nodad
	for peer in "$VT":11 "$VN":12 "$PC":13; do
		ns_exec "$n" ip neigh replace "10.60.0.${peer##*:}" lladdr "${peer%:*}" dev "$ifc"
		ns_exec "$n" ip neigh replace "fd60::${peer##*:}" lladdr "${peer%:*}" dev "$ifc"
	done
done
ns_exec o ethtool -k "$TO" | grep -q 'tcp-segmentation-offload: on' ||
	fail "o's tap does not offer TSO: $(ns_exec o ethtool -k "$TO" | head -20)"
ns_exec p ethtool -k "$TP" | grep -q 'tcp-segmentation-offload: off' ||
	fail "p's tap (vnet_hdr=off) offers TSO"
ns_exec o ping -c 2 -i 0.2 -W 2 10.60.0.3 >/dev/null || fail "o cannot ping p"
ns_exec o ping -6 -c 1 -W 2 fd60::3 >/dev/null || fail "o cannot ping p over IPv6"
OM=$(ns_exec o cat /sys/class/net/"$TO"/address)
PM=$(ns_exec p cat /sys/class/net/"$TP"/address)

# The virtio-user receivers: vt negotiates TSO and checksum offload, vn
# nothing (its switch port offers neither).
testpmd_start tpr 0 --vdev "net_virtio_user0,path=$TMP/vt.sock,mac=$VT" \
	--vdev "net_pcap0,rx_pcap=$TMP/vt-hello.pcap,tx_pcap=$TMP/vt.pcap" \
	--vdev "net_virtio_user1,path=$TMP/vn.sock,mac=$VN" \
	--vdev "net_pcap1,rx_pcap=$TMP/vn-hello.pcap,tx_pcap=$TMP/vn.pcap" \
	-- -i --forward-mode=io --no-flush-rx --mbuf-size=65535 \
	--total-num-mbufs=2048
testpmd_ready tpr 30
for c in "port stop 0" "port config 0 rx_offload tcp_lro on" \
	"port config 0 rx_offload tcp_cksum on" \
	"port config 0 rx_offload udp_cksum on" "port start 0" start; do
	testpmd_cmd tpr "$c"
done
wait_until 10 sh -c "'$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json fdb show | grep -q '$VN'" ||
	fail "the receivers' MACs were not learned: $(vioctl_j fdb show | tr -d ' \n')"
vioctl_j port list | python3 -c '
import json, sys
f = {p["id"]: p.get("features", []) for p in json.load(sys.stdin)}
assert {"GUEST_CSUM", "GUEST_TSO4", "GUEST_TSO6"} <= set(f["vt"]), f["vt"]
assert not {"GUEST_CSUM", "GUEST_TSO4", "CSUM"} & set(f["vn"]), f["vn"]' ||
	fail "vt/vn negotiated unexpected features: $(vioctl_j port list | tr -d ' \n')"
sniff_start o "$TO"
sniff_start p "$TP"
pass "setup: 2 virtio-user receivers (vt with GUEST_TSO4/6+GUEST_CSUM, vn plain), kernels o (offloads) and p (none), NAT, pcap port ($((($(now_us) - T0) / 1000)) ms)"

# ---- source: vhost-user peers ------------------------------------------
# flows_to ID MAC ADDR4 ADDR6 DPORT SRC4 SRC6 - the TSO sender's flows to
# one receiver: TCP/IPv4 and TCP/IPv6 in 60000-byte super-frames (MSS
# 1448), UDP/IPv4 with the checksum left to offload
flows_to() {
	echo "name=$1-t4,smac=$VS,dmac=$2,src=$6,dst=$3,dport=$5,bytes=120000,chunk=60000"
	echo "name=$1-t6,af=6,smac=$VS,dmac=$2,src=$7,dst=$4,dport=$5,bytes=120000,chunk=60000"
	echo "name=$1-u4,proto=udp,smac=$VS,dmac=$2,src=$6,dst=$3,dport=$5,bytes=3000,chunk=1000"
}
# plain_to ID MAC ADDR4 DPORT SMAC SRC4 - a plain source's TCP/IPv4 flow
plain_to() {
	echo "name=$1-p4,smac=$5,dmac=$2,src=$6,dst=$3,dport=$4,bytes=4344,chunk=1448"
}
declare -A DST=([vt]="$VT 10.60.0.11 fd60::11" [vn]="$VN 10.60.0.12 fd60::12"
	[to]="$OM 10.60.0.2 fd60::2" [tp]="$PM 10.60.0.3 fd60::3"
	[pc]="$PC 10.60.0.13 fd60::13")
declare -A VSF VPF PRF OF_
for d in vt vn to tp pc; do
	read -r m a4 a6 <<<"${DST[$d]}"
	mapfile -t f < <(flows_to "vs$d" "$m" "$a4" "$a6" 6000 10.60.0.21 fd60::21)
	VSF[$d]="${f[*]}"
	VPF[$d]=$(plain_to "vp$d" "$m" "$a4" 6001 "$VP" 10.60.0.22)
	PRF[$d]=$(plain_to "pr$d" "$m" "$a4" 6002 "$PR" 10.60.0.23)
	mapfile -t f < <(flows_to "o$d" "$m" "$a4" "$a6" 6003 10.60.0.2 fd60::2)
	OF_[$d]="${f[*]//smac=$VS/smac=$OM}"
	OF_[$d]="${OF_[$d]// /,csum=partial },csum=partial"
done
NATU="name=vsnat,proto=udp,smac=$VS,dmac=52:55:0a:00:02:02,src=10.0.2.21,dst=10.0.2.2,sport=40000,dport=$UHOST,bytes=3000,chunk=1000"
NATU_PR="name=prnat,proto=udp,smac=$PR,dmac=52:55:0a:00:02:02,src=10.0.2.23,dst=10.0.2.2,sport=40001,dport=$UHOST,bytes=3000,chunk=1000"
BC4="name=bc4,smac=$VS,dmac=ff:ff:ff:ff:ff:ff,src=10.60.0.21,dst=10.60.0.255,dport=6009,bytes=60000,chunk=60000"
BC6="name=bc6,af=6,smac=$VS,dmac=33:33:00:00:00:01,src=fd60::21,dst=ff02::1,dport=6009,bytes=60000,chunk=60000"
python3 "$OF" udp-recv 127.0.0.1 "$UHOST" "$NATU" "$TMP/uhost.ready" >"$TMP/uhost.json" &
UPID=$!
cleanup_add "kill $UPID 2>/dev/null"
wait_until 5 test -e "$TMP/uhost.ready" || fail "host UDP receiver not ready"
python3 "$OF" gen "$TMP/vs.pcap" >/dev/null
python3 "$OF" gen "$TMP/vp.pcap" >/dev/null
snap 0
testpmd_start tps 0 --vdev "net_pcap0,rx_pcap=$TMP/vs.pcap,tx_pcap=$TMP/vs-back.pcap" \
	--vdev "net_virtio_user1,path=$TMP/vs.sock,mac=$VS" \
	--vdev "net_pcap1,rx_pcap=$TMP/vp.pcap,tx_pcap=$TMP/vp-back.pcap" \
	--vdev "net_virtio_user2,path=$TMP/vp.sock,mac=$VP" \
	-- -i --forward-mode=csum --no-flush-rx --mbuf-size=65535 \
	--total-num-mbufs=2048
testpmd_ready tps 30
for c in "port stop all" "csum set tcp hw 1" "csum set udp hw 1" \
	"tso set 1448 1" "port start all" "set fwd csum retry" \
	"set burst tx delay 1000 retry 1000"; do
	testpmd_cmd tps "$c"
done
wait_until 10 sh -c "'$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json port list | grep -q HOST_TSO4" ||
	fail "vs did not negotiate HOST_TSO4: $(tail -5 "$TMP/tps.log")"

# vs_round MAC VS_FLOWS VP_FLOWS - the csum engine writes its peer's
# address into every frame it sends: one round per destination MAC, the
# replayed files rewritten and reopened (port restart) each time
SENT1=0 SENT3=0
vs_round() {
	# shellcheck disable=SC2086 # flow lists are space-separated words
	SENT1=$((SENT1 + $(python3 "$OF" gen "$TMP/vs.pcap" $2)))
	# shellcheck disable=SC2086
	SENT3=$((SENT3 + $(python3 "$OF" gen "$TMP/vp.pcap" $3)))
	for c in "set eth-peer 1 $1" "set eth-peer 3 $1" "port stop 0" \
		"port stop 2" "port start 0" "port start 2" start; do
		testpmd_cmd tps "$c"
	done
	tp_wait_tx tps 1 "$SENT1" 10
	tp_wait_tx tps 3 "$SENT3" 10
	testpmd_cmd tps stop
}
for d in vt vn to tp pc; do
	vs_round "${DST[$d]%% *}" "${VSF[$d]}" "${VPF[$d]}"
done
vs_round 52:55:0a:00:02:02 "$NATU" ""
vs_round ff:ff:ff:ff:ff:ff "$BC4" ""
vs_round 33:33:00:00:00:01 "$BC6" ""
testpmd_stop tps
wait "$UPID" || fail "vhost peer -> NAT -> host socket (UDP): $(cat "$TMP/uhost.json")"
snap 1
echo "  counters of the receiving ports:"
for d in vt vn to tp pc nat; do
	echo "    $d: $(paths 0 1 $d)"
done
# Per TSO receiver: 4 super-frames (t4, t6), 3 partial UDP, 2 flooded.
expect_paths 0 1 vt offload_pass=9 segmented=0 csum_sw=0
expect_paths 0 1 to offload_pass=9 segmented=0 csum_sw=0
# pc takes TSO but completes checksums: 6 super-frames + 3 UDP.
expect_paths 0 1 pc offload_pass=6 segmented=0 csum_sw=9
# Per plain receiver: 6 super-frames cut into 42 each, once.
expect_paths 0 1 vn segmented=6 segments=252 csum_sw=255 offload_pass=0
expect_paths 0 1 tp segmented=6 segments=252 csum_sw=255 offload_pass=0
expect_paths 0 1 nat offload_pass=5 segmented=0
echo "  host socket behind the NAT: $(cat "$TMP/uhost.json")"
pass "sources vs (TSO+csum) and vp (plain): counters show each super-frame passed whole or segmented once"

# ---- source: the kernel behind tap o (offloads on) ---------------------
# transfer FROM TO_HOST ADDR PORT BYTES - TCP between sockets, sha256 checked
transfer() {
	head -c "$5" /dev/urandom >"$TMP/data"
	rm -f "$TMP/got"
	ns_exec "$2" socat -u "TCP6-LISTEN:$4,reuseaddr,ipv6only=0" OPEN:"$TMP/got",creat,trunc &
	cleanup_add "kill $! 2>/dev/null"
	wait_until 5 sh -c "ip netns exec $(ns_name "$2") ss -ltn | grep -q ':$4 '" ||
		fail "no listener in $2"
	ns_exec "$1" socat -u OPEN:"$TMP/data" "TCP:$3:$4"
	wait_until 10 sh -c "[ \$(stat -c %s '$TMP/got' 2>/dev/null || echo 0) = $5 ]" ||
		fail "$1 -> $2 ($3): got $(stat -c %s "$TMP/got" 2>/dev/null || echo 0) of $5 bytes"
	cmp -s "$TMP/data" "$TMP/got" || fail "$1 -> $2 ($3): data differs"
}
# shellcheck disable=SC2086
python3 "$OF" gen --vnet "$TMP/o-inject.pcap" ${OF_[vt]} ${OF_[vn]} ${OF_[pc]} >/dev/null
snap 2
transfer o p 10.60.0.3 5101 2097152
transfer o p "[fd60::3]" 5102 2097152
socat -u TCP-LISTEN:"$SVC",bind=127.0.0.1,reuseaddr OPEN:"$TMP/host-got",creat,trunc &
cleanup_add "kill $! 2>/dev/null"
wait_until 5 sh -c "ss -ltn | grep -q '127.0.0.1:$SVC '" || fail "no host listener"
head -c 2097152 /dev/urandom >"$TMP/data"
ns_exec o socat -u OPEN:"$TMP/data" "TCP:10.0.2.2:$SVC"
wait_until 10 cmp -s "$TMP/data" "$TMP/host-got" || fail "o -> NAT -> host: data differs"
ns_exec o python3 "$OF" inject "$TO" "$TMP/o-inject.pcap" >/dev/null
sleep 1
snap 3
echo "  counters of the receiving ports:"
for d in vt vn tp pc nat; do
	echo "    $d: $(paths 2 3 $d)"
done
expect_paths 2 3 tp segmented=">0" segments=">0" csum_sw=">0"
expect_paths 2 3 nat offload_pass=">0" segmented=0
expect_paths 2 3 vt offload_pass=7 segmented=0 csum_sw=0
expect_paths 2 3 vn segmented=4 segments=168 csum_sw=171
expect_paths 2 3 pc offload_pass=4 csum_sw=7 segmented=0
pass "source o (kernel, offloads on): TCP/IPv4+IPv6 to p and through the NAT intact; GSO frames to vt/vn/pc"

# ---- source: the kernel behind tap p (no offloads) ---------------------
snap 4
transfer p o 10.60.0.2 5103 1048576
transfer p o "[fd60::2]" 5104 1048576
ns_exec p sh -c "python3 '$OF' udp-send 10.60.0.11 7 name=pvt,proto=udp,bytes=4000,chunk=1000"
sleep 0.5
snap 5
for d in to vt; do
	echo "    $d: $(paths 4 5 $d)"
done
expect_paths 4 5 to offload_pass=0 csum_sw=0 segmented=0
expect_paths 4 5 vt offload_pass=0 csum_sw=0 segmented=0
pass "source p (kernel, no offloads): plain frames cross as they are, TCP intact"

# ---- source: the NAT ---------------------------------------------------
snap 6
for h in o:$FWO p:$FWP; do
	ns_exec "${h%:*}" socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$TMP/nat-${h%:*}",creat,trunc &
	cleanup_add "kill $! 2>/dev/null"
done
wait_until 5 sh -c "ip netns exec $(ns_name p) ss -ltn | grep -q ':5001 '" || fail "no listener in p"
head -c 2097152 /dev/urandom >"$TMP/data"
socat -u OPEN:"$TMP/data" "TCP:127.0.0.1:$FWO"
socat -u OPEN:"$TMP/data" "TCP:127.0.0.1:$FWP"
for h in o p; do
	wait_until 10 cmp -s "$TMP/data" "$TMP/nat-$h" ||
		fail "hostfwd -> $h: $(stat -c %s "$TMP/nat-$h") of 2097152 bytes, or data differs"
done
NATF=()
for h in vt:$FWT:10.0.2.17 vn:$FWN:10.0.2.18 pc:$FWC:10.0.2.19; do
	IFS=: read -r d fw ip <<<"$h"
	nf="name=nat$d,proto=udp,src=10.0.2.2,dst=$ip,sport=0,dport=7,bytes=24000,chunk=8000"
	python3 "$OF" udp-send 127.0.0.1 "$fw" "$nf"
	NATF+=("$nf")
done
sleep 1
snap 7
for d in to tp vt vn pc; do
	echo "    $d: $(paths 6 7 $d)"
done
expect_paths 6 7 to offload_pass=">0" segmented=0
expect_paths 6 7 tp segmented=">0" segments=">0" offload_pass=0
expect_paths 6 7 vt segmented=3 segments=18
expect_paths 6 7 vn segmented=3 segments=18
expect_paths 6 7 pc offload_pass=3 segmented=0
pass "source NAT: 2 MiB through hostfwd to o (whole super-frames) and p (segmented) intact; 8000-byte UDP to vt/vn fragmented, to pc whole"

# ---- source: a pcap port -----------------------------------------------
# shellcheck disable=SC2086
python3 "$OF" gen "$TMP/pr.pcap" ${PRF[vt]} ${PRF[vn]} ${PRF[to]} ${PRF[tp]} \
	${PRF[pc]} "$NATU_PR" >/dev/null
python3 "$OF" udp-recv 127.0.0.1 "$UHOST" "$NATU_PR" "$TMP/uhost2.ready" >"$TMP/uhost2.json" &
UPID=$!
cleanup_add "kill $UPID 2>/dev/null"
wait_until 5 test -e "$TMP/uhost2.ready" || fail "host UDP receiver not ready"
snap 8
vioctl_j port add "pcap,id=pr,rx=$TMP/pr.pcap,pps=200" >/dev/null
wait "$UPID" || fail "pcap port -> NAT -> host socket (UDP): $(cat "$TMP/uhost2.json")"
sleep 0.3
snap 9
for d in vt vn to tp pc nat; do
	[ "$(paths 8 9 $d)" = "offload_pass +0 csum_sw +0 segmented +0 segments +0 linearized +0" ] ||
		fail "plain frames from pr took an offload path on $d: $(paths 8 9 $d)"
done
pass "source pr (pcap port, plain frames): no offload path taken anywhere"

# ---- what each receiver got --------------------------------------------
testpmd_stop tpr
sniff_stop o
sniff_stop p
stop_switch || fail "switch exit status $?"
echo "  receivers (source -> destination: flow, bytes, frames):"
# shellcheck disable=SC2086
{
	expect_flows "vs->vt" "$TMP/vt.pcap" --partial-ok --dpdk-seed ${VSF[vt]} "$BC4" "$BC6"
	expect_flows "vs->vn" "$TMP/vn.pcap" ${VSF[vn]} "$BC4" "$BC6"
	expect_flows "vs->to" "$TMP/o.pcap" ${VSF[to]} "$BC4" "$BC6"
	expect_flows "vs->tp" "$TMP/p.pcap" ${VSF[tp]} "$BC4" "$BC6"
	expect_flows "vs->pc" "$TMP/pc.pcap" ${VSF[pc]} "$BC4" "$BC6"
	expect_flows "vp->*" "$TMP/vt.pcap" ${VPF[vt]}
	expect_flows "vp->*" "$TMP/vn.pcap" ${VPF[vn]}
	expect_flows "vp->*" "$TMP/o.pcap" ${VPF[to]}
	expect_flows "vp->*" "$TMP/p.pcap" ${VPF[tp]}
	expect_flows "vp->*" "$TMP/pc.pcap" ${VPF[pc]}
	expect_flows "o->vt" "$TMP/vt.pcap" --partial-ok --dpdk-seed ${OF_[vt]}
	expect_flows "o->vn" "$TMP/vn.pcap" ${OF_[vn]}
	expect_flows "o->pc" "$TMP/pc.pcap" ${OF_[pc]}
	expect_flows "p->vt" "$TMP/vt.pcap" "name=pvt,proto=udp,src=10.60.0.3,dst=10.60.0.11,sport=0,dport=7,bytes=4000,chunk=1000"
	expect_flows "nat->vt" "$TMP/vt.pcap" "${NATF[0]}"
	expect_flows "nat->vn" "$TMP/vn.pcap" "${NATF[1]}"
	expect_flows "nat->pc" "$TMP/pc.pcap" "${NATF[2]}"
	expect_flows "pr->*" "$TMP/vt.pcap" ${PRF[vt]}
	expect_flows "pr->*" "$TMP/vn.pcap" ${PRF[vn]}
	expect_flows "pr->*" "$TMP/o.pcap" ${PRF[to]}
	expect_flows "pr->*" "$TMP/p.pcap" ${PRF[tp]}
	expect_flows "pr->*" "$TMP/pc.pcap" ${PRF[pc]}
}
expect_csums "o (kernel, offloads on: TCP from p and the NAT too)" "$TMP/o.pcap"
expect_csums "p (kernel, no offloads)" "$TMP/p.pcap"
expect_csums "pc (pcap file)" "$TMP/pc.pcap"
expect_csums "vn (virtio-user, no offloads)" "$TMP/vn.pcap"
for h in o p; do
	errs=$(ns_exec $h nstat -az TcpInCsumErrors UdpInCsumErrors Udp6InCsumErrors IpExtInCsumErrors |
		awk 'NR > 1 && $2 > 0 { print $1 "=" $2 }')
	[ -z "$errs" ] || fail "kernel of $h counted checksum errors: $errs"
done
pass "every receiver got every flow intact with valid checksums as it sees them; kernels counted no checksum errors"
pass "broadcast and multicast TSO super-frames reached vt and to whole, vn and tp segmented, pc whole with checksums filled"
echo "  offload_matrix: $((($(now_us) - T0) / 1000)) ms"
