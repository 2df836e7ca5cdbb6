#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# footprint.sh - resident memory (RSS) of the switch in its default
# configuration (a NAT with a hostfwd rule and one vhost-user port) plus
# the tap port of a guest namespace, after start and after the guest moved
# 100 MB each way through the NAT (outbound to a host loopback service via
# the gateway, and inbound through the hostfwd rule) while a dpdk-testpmd
# virtio-user guest is connected to the vhost-user port and sent frames
# for a second; next to slirp4netns (--mtu=65520) and pasta (-m 65520)
# serving the same kind of namespace with the same traffic.
#
# The ratio is baseline / ours, as for every "lower is better" line of
# make bench: above 1 we use less. RSS counts the shared
# library pages each process touched (RssFile) and, for us, the guest
# memory the vhost port touched (RssShmem); stderr shows the split.
#
# Environment: FP_MB (default 100) MB each way on each path.
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/testpmd.sh"
source "$(dirname "$0")/../lib/footprint.sh"
source "$(dirname "$0")/lib.sh"
tmpdir_make
base=$((20000 + ($$ % 1000) * 8))
SVC=$base
fp_service "$SVC"
declare -A START AFTER SKIP

# ---- ours -----------------------------------------------------------------
TAPIF=vfp$$
FWD=$((base + 1))
start_switch --netdev "user,id=nat,hostfwd=tcp:127.0.0.1:$FWD-:$FP_GPORT" \
	--netdev "vhost-user,id=vm1,path=$TMP/vm1.sock" \
	--netdev "tap,id=g,ifname=$TAPIF,mtu=1500" --log-level debug
sleep 1
START[ours]=$(fp_rss "$SWITCH_PID")
ns_empty ours
ip link set "$TAPIF" netns "$(ns_name ours)"
gw=$(fp_dhcp ours "$TAPIF")
mac=$(ns_exec ours cat "/sys/class/net/$TAPIF/address")
fp_vhost_guest guest "$TMP/vm1.sock" "$mac" 10.0.2.15
fp_move ours "$gw" "$SVC" "$FWD"
sleep 1
AFTER[ours]=$(fp_rss "$SWITCH_PID")
echo "footprint: vioswitch after traffic: $(fp_rss_parts "$SWITCH_PID"); vhost guest sent $FP_SENT frames" >&2

# ---- slirp4netns ----------------------------------------------------------
FWD=$((base + 2))
if ! command -v slirp4netns >/dev/null; then
	SKIP[s4n]="slirp4netns not installed"
else
	bench_slirp4netns s4n 65520 "$FWD" "$FP_GPORT" ||
		fail "slirp4netns did not start or took no rule: $(tail -n 1 "$TMP/s4n.log")"
	pid=$BENCH_PID
	sleep 1
	START[s4n]=$(fp_rss "$pid")
	fp_move s4n 10.0.2.2 "$SVC" "$FWD"
	sleep 1
	AFTER[s4n]=$(fp_rss "$pid")
	echo "footprint: slirp4netns after traffic: $(fp_rss_parts "$pid")" >&2
fi

# ---- pasta ----------------------------------------------------------------
FWD=$((base + 3))
if ! command -v pasta >/dev/null; then
	SKIP[pasta]="pasta not installed (Debian package passt)"
else
	bench_pasta pasta "$FWD" "$FP_GPORT" ||
		fail "pasta did not start: $(tail -n 1 "$TMP/pasta.log")"
	pid=$BENCH_PID
	sleep 1
	START[pasta]=$(fp_rss "$pid")
	fp_move pasta 10.0.2.2 "$SVC" "$FWD"
	sleep 1
	AFTER[pasta]=$(fp_rss "$pid")
	echo "footprint: pasta after traffic: $(fp_rss_parts "$pid")" >&2
fi
stop_switch || fail "vioswitch exit status $?"
grep -o 'memory at .*' "$TMP/switch.log" | sed 's/^/footprint: vioswitch /' >&2

# ---- report ---------------------------------------------------------------
declare -A WHAT=([s4n]="slirp4netns --mtu=65520" [pasta]="pasta -m 65520")
for b in s4n pasta; do
	if [ -n "${SKIP[$b]:-}" ]; then
		printf '%-34s %s: not measured: %s\n' "footprint (all)" "${WHAT[$b]}" "${SKIP[$b]}"
		continue
	fi
	for when in start after; do
		declare -n V=${when^^}
		ours=$(fp_mb "${V[ours]}")
		theirs=$(fp_mb "${V[$b]}")
		label="footprint RSS at start"
		[ "$when" = start ] || label="footprint RSS after ${FP_MB} MB each way"
		bench_result "$label" "$ours" "$theirs" MB "${WHAT[$b]}" lower
		unset -n V
	done
done
