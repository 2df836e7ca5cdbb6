# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# netns.sh - test hosts: network namespaces behind the switch's tap ports
#
# Source after common.sh. Namespaces are named vt-<pid>-NAME and deleted
# (with everything in them) when the script exits.

# ns_name() - the full namespace name of host NAME
ns_name() { echo "vt-$$-$1"; }

# ns_exec() - run a command in host NAME's namespace
# @$1:	host name
# @$2...: command
ns_exec()
{
	local ns
	ns=$(ns_name "$1")
	shift
	ip netns exec "$ns" "$@"
}

# ns_new() - make an empty namespace with lo up, deleted at exit with
# the processes left in it
# @$1:	full namespace name
ns_new()
{
	ip netns add "$1"
	cleanup_add "ip netns pids $1 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $1 2>/dev/null"
	ip -n "$1" link set lo up
}

# ns_empty() - make an empty namespace with lo up, deleted at exit
# @$1:	host name
ns_empty()
{
	ns_new "$(ns_name "$1")"
}

# ns_host() - make a namespace, move tap IFNAME into it, address it
# @$1:	host name
# @$2:	tap interface the switch created
# @$3:	address/prefix, e.g. 10.9.0.1/24
ns_host()
{
	local ns
	ns=$(ns_name "$1")
	ns_empty "$1"
	ip link set "$2" netns "$ns"
	ip -n "$ns" addr add "$3" dev "$2"
	ip -n "$ns" link set "$2" up
}
