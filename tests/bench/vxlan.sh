#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vxlan.sh - namespace-to-remote-namespace TCP over VXLAN through the
# switch's tap and vxlan ports, each way, against the kernel doing the
# same job in the same invocation (veth, Linux bridge, kernel vxlan
# device); also the switch's PMD cycles per encapsulated and per
# decapsulated frame
#
# Two local hosts share one remote host:
#
#   ours:   ls --tap-- [switch in hs] --u0/u1 veth underlay-- rm
#   kernel: lk --veth-- [bridge, vxlan device in hk] --u0/u1 veth-- rm
#
# rm (the remote host) holds one kernel VTEP per path: a vxlan device
# under a bridge with a veth to that path's remote guest (gs, gk). Both
# paths run the same inner MTU (1450: a 1500 underlay less 50), the outer
# UDP checksum on everywhere (udpcsum=on on the switch, `udpcsum` on every
# kernel device: the kernel cuts a UDP_SEGMENT train only when it fills
# the outer checksum), dstport 4789, GSO on, and both underlays are alike:
# the local end keeps its veth's offloads and GRO is on (as on a NIC), the
# remote end sends with checksums filled (`tx off`: a veth otherwise hands
# the far end inner TCP checksums still left to offload, which a NIC would
# fill on the wire but a socket reader gets unfilled).
#
# Each round measures both paths over two kinds of underlay, switched by
# ethtool on the local veth ends between runs:
#   veth GSO   the veths carry 64 KB packets; the kernel's VTEP sends one
#              tunnel packet of 64 KB that the remote decapsulates whole,
#              never cut, while a UDP_SEGMENT train of the switch reaches
#              the remote's vxlan socket as one UDP packet that it must cut
#              into its ~44 datagrams (a vxlan socket takes no UDP GSO) and
#              decapsulate one by one, inside the switch's send;
#   wire-sized the local veth ends cut both kinds into datagrams of the
#              underlay MTU (tx-udp-segmentation, tx-udp_tnl-segmentation
#              off), as a real link carries them, and the remote's GRO
#              takes them in: both paths send the same packets.
#
# The switch's PMD thread busy-polls CPU 1 (start_switch), so our iperf3
# processes, clients and servers, run off it, as tap_tcp.sh does; the
# kernel path runs unpinned. All setups stay up and rounds rotate which goes first
# (BENCH_ROUNDS, default 5; BENCH_SECS seconds each way, default 3); each
# figure is the median of its rounds. Cycles per frame: the PMD's busy
# cycles (`vioctl pmd stats`) over a run divided by the datagrams the
# vxlan port sent to its remote (encapsulated, a->b) or received from it
# (decapsulated, b->a), each an MTU-sized frame however the switch merged
# or cut them on the way; the run's ACKs the other way are in the cycles,
# not in the frames. The switch's own work is only part of those cycles:
# its syscalls also run, in its thread, the kernel's work behind them
# (the remote's decapsulation and TCP receive behind a send, the guest's
# TCP receive behind a tap write).
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/lib.sh"
tmpdir_make
SECS=${BENCH_SECS:-3}
MTU=1450

# guest NS IF ADDR - address and bring up IF in a guest namespace
guest() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$1" link set "$2" mtu "$MTU"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" link set "$2" up
}

# underlay HOST N - veth u0 in HOST (10.232.N.1) to uN in rm (10.232.N.2)
underlay() {
	ip -n "$1" link add u0 type veth peer name "u$2" netns "$rm"
	ip -n "$1" addr add "10.232.$2.1/24" dev u0
	ip -n "$rm" addr add "10.232.$2.2/24" dev "u$2"
	ip netns exec "$1" ethtool -K u0 gro on >/dev/null
	ip netns exec "$rm" ethtool -K "u$2" tx off gro on >/dev/null
	ip -n "$1" link set u0 up
	ip -n "$rm" link set "u$2" up
}

# vtep NS NAME VNI LOCAL REMOTE GUESTNS - a kernel vxlan device under a
# bridge in NS, with a veth to GUESTNS (its end named g, 10.78.0.ADDR)
vtep() {
	ip -n "$1" link add "$2" type vxlan id "$3" dstport 4789 local "$4" \
		remote "$5" udpcsum
	ip -n "$1" link add "b$2" type bridge
	ip -n "$1" link add "p$2" type veth peer name g netns "$6"
	for l in "$2" "p$2"; do
		ip -n "$1" link set "$l" master "b$2"
		ip -n "$1" link set "$l" mtu "$MTU"
		ip -n "$1" link set "$l" up
	done
	ip -n "$1" link set "b$2" up
}

hs=$(ns_name vxbhs) hk=$(ns_name vxbhk) rm=$(ns_name vxbrm)
ls=$(ns_name vxbls) lk=$(ns_name vxblk) gs=$(ns_name vxbgs) gk=$(ns_name vxbgk)
for ns in "$hs" "$hk" "$rm" "$ls" "$lk" "$gs" "$gk"; do
	ns_new "$ns"
done
underlay "$hs" 0
underlay "$hk" 1
vtep "$rm" vxs 42 10.232.0.2 10.232.0.1 "$gs"
vtep "$rm" vxk 43 10.232.1.2 10.232.1.1 "$gk"
vtep "$hk" vxl 43 10.232.1.1 10.232.1.2 "$lk"
guest "$gs" g 10.78.0.2/24
guest "$gk" g 10.78.0.2/24
guest "$lk" g 10.78.0.1/24

SWITCH_WRAP="ip netns exec $hs"
start_switch --netdev "tap,id=t,ifname=vxbt$$,mtu=$MTU" \
	--netdev "vxlan,id=vx,vni=42,local=10.232.0.1,remote=10.232.0.2,udpcsum=on"
ip -n "$hs" link set "vxbt$$" netns "$ls"
guest "$ls" "vxbt$$" 10.78.0.1/24

app_cpus=$(python3 -c 'import os; print(",".join(str(c) for c in sorted(os.sched_getaffinity(0)) if c != 1) or "1")')
for ns in "$ls" "$gs" "$lk" "$gk"; do
	pin=""
	[ "$ns" = "$lk" ] || [ "$ns" = "$gk" ] || pin="taskset -c $app_cpus"
	ip netns exec "$ns" $pin iperf3 -s -D -I "$TMP/$ns.pid"
	cleanup_add "kill \$(cat '$TMP/$ns.pid' 2>/dev/null) 2>/dev/null"
done
ip netns exec "$ls" ping -c 3 -i 0.2 -W 2 10.78.0.2 >/dev/null ||
	fail "no ping through the switch's vxlan port"
ip netns exec "$lk" ping -c 3 -i 0.2 -W 2 10.78.0.2 >/dev/null ||
	fail "no ping through the kernel's vxlan device"

# gbps NS TO_ADDR - iperf3 for SECS seconds; prints Gbit/s received
gbps() {
	ip netns exec "$1" ${PIN:-} iperf3 -c "$2" -t "$SECS" -J | iperf3_gbps
}

# ours_run NS TO_ADDR KEY - one iperf3 run through the switch; prints
# Gbit/s, then the PMD's busy cycles per datagram the vxlan port's
# remotes counted under KEY (tx_packets or rx_packets) during the run
ours_run() {
	vioctl_j pmd stats >"$TMP/pmd0.json"
	vioctl_j port list >"$TMP/vx0.json"
	PIN="taskset -c $app_cpus" gbps "$1" "$2"
	vioctl_j pmd stats >"$TMP/pmd1.json"
	vioctl_j port list >"$TMP/vx1.json"
	python3 - "$TMP" "$3" <<'EOF'
import json, sys
d, key = sys.argv[1:3]
a, b = (json.load(open(f"{d}/pmd{i}.json"))[0] for i in (0, 1))
x, y = (sum(r[key] for p in json.load(open(f"{d}/vx{i}.json"))
            if p["id"] == "vx" for r in p["remotes"]) for i in (0, 1))
frames = y - x
print("%.0f" % ((b["busy_cycles"] - a["busy_cycles"]) / frames if frames else 0))
EOF
}

# ours M - one run each way through the switch, underlay mode M (gso, wire)
ours() {
	local -n of=ours_fwd_$1 or=ours_rev_$1 en=enc_$1 de=dec_$1
	local out
	out=$(ours_run "$ls" 10.78.0.2 tx_packets)
	of+=("${out%%$'\n'*}")
	en+=("${out##*$'\n'}")
	out=$(ours_run "$gs" 10.78.0.1 rx_packets)
	or+=("${out%%$'\n'*}")
	de+=("${out##*$'\n'}")
}

# kernel M - one run each way through the kernel's VTEP, underlay mode M
kernel() {
	local -n kf=k_fwd_$1 kr=k_rev_$1
	kf+=("$(gbps "$lk" 10.78.0.2)")
	kr+=("$(gbps "$gk" 10.78.0.1)")
}

# underlay_mode M - gso: the local veth ends keep 64 KB UDP and tunnel
# packets whole; wire: they cut them to the underlay MTU
underlay_mode() {
	local on=on
	[ "$1" = wire ] && on=off
	for ns in "$hs" "$hk"; do
		ip netns exec "$ns" ethtool -K u0 tx-udp-segmentation $on \
			tx-udp_tnl-segmentation $on \
			tx-udp_tnl-csum-segmentation $on >/dev/null
	done
}

ours_fwd_gso=() ours_rev_gso=() k_fwd_gso=() k_rev_gso=() enc_gso=() dec_gso=()
ours_fwd_wire=() ours_rev_wire=() k_fwd_wire=() k_rev_wire=() enc_wire=()
dec_wire=()
for r in $(seq 0 $((${BENCH_ROUNDS:-5} - 1))); do
	for m in gso wire; do
		underlay_mode $m
		if ((r % 2)); then
			kernel $m
			ours $m
		else
			ours $m
			kernel $m
		fi
	done
done
# report M LABEL BASELINE - the lines of underlay mode M
report() {
	local -n of=ours_fwd_$1 or=ours_rev_$1 kf=k_fwd_$1 kr=k_rev_$1 \
		en=enc_$1 de=dec_$1
	echo "  underlay $1, Gbit/s by round: switch a->b ${of[*]}, b->a ${or[*]};" \
		"kernel a->b ${kf[*]}, b->a ${kr[*]}; switch cycles/frame" \
		"encap ${en[*]}, decap ${de[*]}" >&2
	bench_paired "vxlan TCP a->b (encap)$2" Gbit/s "$3" higher "${of[*]}" "${kf[*]}"
	bench_paired "vxlan TCP b->a (decap)$2" Gbit/s "$3" higher "${or[*]}" "${kr[*]}"
	printf '%-34s %14s %14s %8s  %s\n' "  cycles/encapsulated frame" \
		"$(median "${en[@]}") cyc" - - "switch PMD busy cycles / datagrams sent"
	printf '%-34s %14s %14s %8s  %s\n' "  cycles/decapsulated frame" \
		"$(median "${de[@]}") cyc" - - "switch PMD busy cycles / datagrams received"
}
report gso "" "kernel vxlan+bridge+veth, udpcsum, veth GSO"
report wire ", wire" "the same, underlay cut to MTU 1500"
stop_switch || fail "vioswitch exit status $?"
