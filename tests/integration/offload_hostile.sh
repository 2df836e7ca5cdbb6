#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# offload_hostile.sh - frames with bad offload metadata from real peers are
# dropped and counted as "offload" on the port they came in on, nothing
# malformed reaches anyone, and the port keeps forwarding good traffic
#
# Peers:
#   th  tap (vnet_hdr on) in namespace h: pcap-samples/vnet-*.pcap are
#       injected with their virtio_net_hdr through AF_PACKET with
#       PACKET_VNET_HDR; the kernel builds the skb from that header and the
#       tap driver writes a header for it to the switch. What the kernel
#       itself refuses (csum_start/csum_offset outside the frame, hdr_len
#       past its end) never reaches the switch: that is checked too.
#   vh  vhost-user: dpdk-testpmd's virtio-user, txonly engine with `set
#       txpkts 65000,65000` (130 KB frames, over 64 KB), then good UDP
#       through the csum engine
#   tr  tap (vnet_hdr=off) in namespace r: the receiver; anything passed
#       on would arrive there segmented and checksummed by the switch
# Not reachable with real peers, and why:
# - testpmd 22.11 does not send gso_size 1 (`tso set 1` still cut at its
#   default); the tap sample vnet-tiny-mss.pcap covers it.
# - virtio-user refuses to send a frame whose TCP header runs past its end
#   (pcap-samples/offload-truncated-tcp.pcap: tx_prepare fails with
#   ENOTSUP), and the kernel refuses (EINVAL at send) gso_size 0, TCPV6 on
#   IPv4, csum_start/csum_offset outside the frame and hdr_len past it; it
#   drops GSO TCPV4 on UDP itself and segments the truncated and the
#   over-64 KB GSO frames into valid plain ones. Each sample's fate is
#   asserted below.
# - rte_vhost ignores a GSO type that does not match the packet and a
#   gso_size of 0 (no RX_LRO flag reaches the switch) and completes
#   checksums whose csum_start is not the L4 header itself.
# The fuzz corpus (tests/fuzz) runs all of these headers through
# offload_from_vnet() directly.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
source "$(dirname "$0")/../lib/offload.sh"
tmpdir_make
T0=$(now_us)
TH=vhh$$ TR=vhr$$ VH=02:00:00:00:0d:01
SAMPLES="$REPO/pcap-samples"

start_switch --netdev "tap,id=th,ifname=$TH" \
	--netdev "tap,id=tr,ifname=$TR,vnet_hdr=off" \
	--netdev "vhost-user,id=vh,path=$TMP/vh.sock"
ns_host h "$TH" 10.0.0.1/24
ns_host r "$TR" 10.0.0.2/24
for n in h r; do # no IPv6 chatter in the counters
	ns_exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ns_exec h ping -c 1 -W 2 10.0.0.2 >/dev/null || fail "h cannot ping r"
RM=$(ns_exec r cat /sys/class/net/"$TR"/address)
# The samples are from A (10.0.0.1) to B = 02:00:00:00:00:0b: let B be r.
ns_exec r ip link set "$TR" address 02:00:00:00:00:0b
ns_exec h ip neigh replace 10.0.0.2 lladdr 02:00:00:00:00:0b dev "$TH"
ns_exec r ping -c 1 -W 2 10.0.0.1 >/dev/null || fail "r cannot ping h"
sniff_start r "$TR"

# good LABEL NAME SMAC N - 3 UDP datagrams from 10.0.0.N to r (FLOW spec)
good() {
	echo "name=$2,proto=udp,smac=$3,dmac=02:00:00:00:00:0b,src=10.0.0.$4,dst=10.0.0.2,sport=0,dport=9,bytes=3000,chunk=1000"
}

# ---- tap: the kernel delivers the samples' headers ---------------------
echo "  tap th, sample by sample (reached: the kernel passed it to the switch):"
declare -A OUTCOME
declare -A EXPECT=(
	[gso-size-0]=refused [tcpv6-on-v4]=refused [csum-outside]=refused
	[csum-offset]=refused [hdr-len]=refused [gso-on-udp]=dropped
	[tiny-mss]=reached [over-64k]=segmented [truncated-tcp]=segmented)
for f in "$SAMPLES"/vnet-*.pcap; do
	n=$(basename "$f" .pcap)
	n=${n#vnet-}
	snap a
	res=$(ns_exec h python3 "$OF" inject "$TH" "$f")
	sleep 0.3
	snap b
	rx=$(delta a b th rx_packets) drop=$(delta a b th offload)
	tx=$(delta a b tr tx_packets)

	case $res/$rx/$drop in
	*'"sent": 0'*) OUTCOME[$n]="refused by the kernel (send: EINVAL)" ;;
	*/0/0) OUTCOME[$n]="dropped by the kernel before the tap" ;;
	*/1/1) OUTCOME[$n]="reached th, dropped as offload" ;;
	*/0) OUTCOME[$n]="segmented by the kernel into $rx plain frames (checked at r)" ;;
	*) fail "$n: reached th but was not dropped as offload (inject $res, rx +$rx, offload +$drop, to r +$tx)" ;;
	esac
	[ -n "${DISCOVER:-}" ] || [ "${EXPECT[$n]:-}" = "${OUTCOME[$n]%% *}" ] ||
		fail "$n: ${OUTCOME[$n]}, expected ${EXPECT[$n]:-no expectation}"
	echo "    $n: ${OUTCOME[$n]} (th rx +$rx, offload +$drop)"
done
GH=$(good x gh "$(ns_exec h cat /sys/class/net/"$TH"/address)" 1)
python3 "$OF" gen "$TMP/gh.pcap" "$GH" >/dev/null
ns_exec h python3 "$OF" inject "$TH" "$TMP/gh.pcap" >/dev/null
pass "tap: every hostile header the kernel passes on is dropped and counted as offload on th"

# ---- vhost-user: virtio-user writes the headers ------------------------
python3 "$OF" gen "$TMP/vh.pcap" >/dev/null
testpmd_start tph 0 --vdev "net_pcap0,rx_pcap=$TMP/vh.pcap,tx_pcap=$TMP/vh-back.pcap" \
	--vdev "net_virtio_user1,path=$TMP/vh.sock,mac=$VH" \
	-- -i --forward-mode=csum --no-flush-rx --mbuf-size=65535 \
	--total-num-mbufs=2048 --eth-peer=1,02:00:00:00:00:0b
testpmd_ready tph 30
for c in "port stop all" "csum set tcp hw 1" "csum set udp hw 1" \
	"tso set 1448 1" "port start all"; do
	testpmd_cmd tph "$c"
done
wait_until 10 sh -c "'$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json port list | grep -q HOST_TSO4" ||
	fail "vh did not negotiate HOST_TSO4"

# vh_round LABEL FILE [TSO] - replay FILE through the csum engine (the
# replayed file is rewritten and reopened: port restart); SENT is what
# port 1 sent so far
vh_round() {
	cp "$2" "$TMP/vh.pcap"
	SENT=$((SENT + $(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import offload_frames as o; print(len(o.read_pcap(sys.argv[2])[1]))' "$REPO/tests/lib" "$2")))
	for c in "tso set ${3:-1448} 1" "port stop 0" "port start 0" start; do
		testpmd_cmd tph "$c"
	done
	tp_wait_tx tph 1 "$SENT" 10
	testpmd_cmd tph stop
	sleep 0.3
}
snap e
for c in "set fwd txonly" "set txpkts 65000,65000" start; do
	testpmd_cmd tph "$c"
done
sleep 0.3
testpmd_cmd tph stop
sleep 1 # the switch drains what is still in the ring
snap f
rx=$(delta e f vh rx_packets) drop=$(delta e f vh offload)
tx=$(delta e f tr tx_packets)
echo "    vh, 130000-byte frames: rx +$rx, dropped as offload +$drop, sent to r +$tx"
if [ "$rx" -lt 1 ] || [ "$drop" != "$rx" ] || [ "$tx" != 0 ]; then
	fail "vh, 130000-byte frames: not all dropped as offload"
fi
GV=$(good x gv "$VH" 3)
python3 "$OF" gen "$TMP/gv.pcap" "$GV" >/dev/null
for c in "set txpkts 64" "set fwd csum"; do
	testpmd_cmd tph "$c"
done
SENT=$(testpmd_port_stat tph 1 TX-packets)
vh_round good "$TMP/gv.pcap"
snap g
testpmd_stop tph
pass "vhost-user: frames over 64 KB are dropped and counted as offload on vh"

sniff_stop r
expect_flows "h->r" "$TMP/r.pcap" "$GH"
expect_flows "vh->r" "$TMP/r.pcap" "$GV"
expect_csums "r (everything it received)" "$TMP/r.pcap"
stop_switch || fail "switch exit status $?"
pass "afterwards both ports still forward good traffic; nothing malformed reached r"
echo "  offload_hostile: $((($(now_us) - T0) / 1000)) ms (r's own MAC was $RM)"
