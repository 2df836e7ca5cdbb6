#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# nat.sh - guests of the NAT in tests: a namespace behind a tap port of the
# switch, its IPv4 address leased from the NAT's DHCP server (busybox
# udhcpc), its IPv6 address from libslirp's router advertisements
#
# Needs common.sh (TMP, fail, cleanup_add, wait_until) and, for nat_guest,
# netns.sh (ns_name, ns_exec).

# nat_lease NETNS IFNAME - take a lease from the NAT on IFNAME in the
# namespace NETNS (its full name): the address and the default route via the
# router the lease names; prints "ADDRESS ROUTER DNS"
nat_lease() {
	local out=$TMP/lease.$1.$2

	if [ ! -x "$TMP/udhcpc.sh" ]; then
		cat >"$TMP/udhcpc.sh" <<'EOS'
#!/bin/sh
[ "$1" = bound ] || exit 0
ip addr add "$ip/${mask:-24}" dev "$interface"
ip route add default via "${router%% *}" dev "$interface"
echo "$ip ${router%% *} ${dns%% *}" >"$LEASE"
EOS
		chmod +x "$TMP/udhcpc.sh"
	fi
	rm -f "$out"
	LEASE=$out ip netns exec "$1" busybox udhcpc -i "$2" -q -n -t 5 -T 1 \
		-s "$TMP/udhcpc.sh" >/dev/null 2>&1 || return 1
	cat "$out"
}

# nat_ns NAME TAP [FROM] - a namespace (ns_name NAME), deleted at exit,
# with the switch's tap TAP moved into it and up (no address yet); FROM
# names the namespace the switch made TAP in, when it runs in one of its
# own
nat_ns() {
	local ns
	ns=$(ns_name "$1")
	ip netns add "$ns"
	cleanup_add "ip netns pids $ns 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $ns 2>/dev/null"
	ip ${3:+-n "$3"} link set "$2" netns "$ns"
	ns_exec "$1" ip link set lo up
	ns_exec "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0"
	ns_exec "$1" ip link set "$2" up
}

# nat_guest NAME TAP [FROM] - nat_ns, then a DHCP lease from the NAT
# (nat_lease's line in $TMP/lease.NETNS.TAP)
nat_guest() {
	nat_ns "$@"
	nat_lease "$(ns_name "$1")" "$2" >/dev/null || fail "$1: no DHCP lease from the NAT"
}

# nat_guest6 NAME TAP - wait until the guest NAME (nat_guest) has an IPv6
# address in the NAT's prefix (fec0::/64 unless ipv6-net= says otherwise)
# and a default route from the NAT's router advertisement; prints the
# address
nat_guest6() {
	wait_until 10 sh -c "ip -n $(ns_name "$1") -6 route show default | grep -q via" ||
		fail "$1: no IPv6 default route from the NAT's router advertisement"
	ns_exec "$1" ip -6 -o addr show dev "$2" scope site |
		awk '{ sub("/.*", "", $4); print $4; exit }' >"$TMP/addr6.$1"
	[ -s "$TMP/addr6.$1" ] || ns_exec "$1" ip -6 -o addr show dev "$2" scope global |
		awk '{ sub("/.*", "", $4); print $4; exit }' >"$TMP/addr6.$1"
	[ -s "$TMP/addr6.$1" ] || fail "$1: no IPv6 address from the NAT's prefix"
	cat "$TMP/addr6.$1"
}

# nat_tcp EXPR - a Python expression over the counters of the NAT port
# "nat"'s own TCP path (h: port list's nat_tcp) and its limits (l); prints
# its value
nat_tcp() {
	vioctl_j port list >"$TMP/nat_ports.json"
	/usr/bin/python3 -c "
import json
p = [p for p in json.load(open('$TMP/nat_ports.json')) if p['id'] == 'nat'][0]
h, l = p['nat_tcp'], p['limits']
print($1)"
}

# nat_no_open - whether the NAT holds no connection on its own TCP path
nat_no_open() { [ "$(nat_tcp 'h["open"]')" = 0 ]; }
