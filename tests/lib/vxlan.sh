# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# vxlan.sh - a Linux kernel VTEP with a guest behind it, for the vxlan
# tests: namespaces, an underlay veth, a kernel vxlan device and a bridge
#
# Source after common.sh and netns.sh. Every namespace it makes is
# removed at exit (cleanup_add), with the processes left in it.
#
# Variables it sets (setup): sw (the switch's namespace), kv (the kernel
# VTEP's), g (the guest's behind it, 10.77.0.2/24 on gg), vm (a spare
# namespace for a host behind the switch), GMAC (gg's MAC).

if [ -n "${_VIOSWITCH_VXLAN_SH:-}" ]; then
	return 0
fi
_VIOSWITCH_VXLAN_SH=1

# setup CASE LOCAL PEER PREFIX MTU - namespaces sw (the switch's), kv (a
# kernel VTEP: vx0 and a veth to the guest under a bridge), g (the guest,
# 10.77.0.2) and vm (behind the switch's tap later), an underlay veth
# u0 (sw, LOCAL) - u1 (kv, PEER)
setup() {
	sw=$(ns_name "sw$1") kv=$(ns_name "kv$1") g=$(ns_name "g$1") vm=$(ns_name "vm$1")
	for ns in "$sw" "$kv" "$g" "$vm"; do
		ns_new "$ns"
	done
	for ns in "$g" "$vm"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$sw" link add u0 type veth peer name u1 netns "$kv"
	local nodad=
	case $2 in *:*) nodad=nodad ;; esac
	ip -n "$sw" addr add "$2/$4" dev u0 $nodad
	ip -n "$kv" addr add "$3/$4" dev u1 $nodad
	ip -n "$sw" link set u0 up
	ip -n "$kv" link set u1 up
	# A veth hands the far end inner TCP checksums still left to
	# offload; a socket reader (any userspace VTEP) gets them unfilled.
	# A NIC fills them on the wire: so does the kernel when u1 offers no
	# checksumming.
	ip netns exec "$kv" ethtool -K u1 tx off >/dev/null
	ip -n "$kv" link add vx0 type vxlan id 42 dstport 4789 local "$3" \
		remote "$2"
	ip -n "$kv" link add br0 type bridge
	ip -n "$kv" link add gk type veth peer name gg netns "$g"
	for l in vx0 gk; do
		ip -n "$kv" link set "$l" master br0
		ip -n "$kv" link set "$l" up
	done
	ip -n "$kv" link set gk mtu "$5"
	ip -n "$kv" link set br0 up
	ip -n "$g" link set gg mtu "$5"
	ip -n "$g" addr add 10.77.0.2/24 dev gg
	ip -n "$g" link set gg up
	GMAC=$(ip netns exec "$g" cat /sys/class/net/gg/address)
}
