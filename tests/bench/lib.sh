# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# lib.sh - helpers for benchmark scenarios (source after common.sh)

# bench_result() - print one result line
# @$1:	scenario name
# @$2:	our value
# @$3:	baseline value
# @$4:	unit
# @$5:	what the baseline is
# @$6:	"lower" when a lower value is better (cycles), else higher
# @$7:	the ratio to print, when the caller computed it (paired_ratio)
bench_result()
{
	local ratio=${7:-}
	[ -n "$ratio" ] || ratio=$(awk -v a="$2" -v b="$3" -v l="${6:-higher}" 'BEGIN {
		if (b == 0 || a == 0) { print "n/a"; exit }
		printf "%.2f", l == "lower" ? b / a : a / b }')
	printf '%-34s %14s %14s %8s  %s\n' "$1" "$2 $4" "$3 $4" "${ratio}x" "$5"
}

# median() - print the median of the arguments
median()
{
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# paired_ratio() - the median of per-round ratios, ours over the baseline
# (baseline over ours when lower is better): each round runs both back to
# back, so drifts of the machine's speed over minutes cancel out
# @$1:	"lower" or "higher"
# @$2:	our values, space-separated
# @$3:	the baseline's, same order
paired_ratio()
{
	local -a a b r=()
	local i
	read -ra a <<<"$2"
	read -ra b <<<"$3"
	for i in "${!a[@]}"; do
		r+=("$(awk -v x="${a[$i]}" -v y="${b[$i]:-0}" -v l="$1" 'BEGIN {
			if (x == 0 || y == 0) print 0
			else printf "%.4f", l == "lower" ? y / x : x / y }')")
	done
	printf '%.2f' "$(median "${r[@]}")"
}

# bench_paired() - print one result line of paired rounds: each side's
# median, and the median of the rounds' own ratios (paired_ratio)
# @$1:	scenario name
# @$2:	unit
# @$3:	what the baseline is
# @$4:	"lower" when a lower value is better (cycles), else "higher"
# @$5:	our values, space-separated
# @$6:	the baseline's, same order
bench_paired()
{
	local -a a b
	read -ra a <<<"$5"
	read -ra b <<<"$6"
	bench_result "$1" "$(median "${a[@]}")" "$(median "${b[@]}")" "$2" \
		"$3" "$4" "$(paired_ratio "$4" "$5" "$6")"
}

# iperf3_gbps() - Gbit/s received, from `iperf3 -J` output on stdin; "fail"
# when there is none. It reads all of it before python3 starts: a python3
# started beside iperf3 takes about 0.5 s of CPU on this machine from the
# run it measures.
iperf3_gbps()
{
	local out
	out=$(cat)
	python3 -c '
import json, sys
try:
    print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception:
    print("fail")' <<<"$out"
}

# ---- the user-mode NAT baselines (nat.sh, footprint.sh) -------------------
# (these need tests/lib/common.sh and tests/lib/netns.sh sourced)

# bench_slirp4netns() - slirp4netns serving a new namespace (tap0,
# 10.0.2.100, gateway 10.0.2.2 for the host's loopback) with a hostfwd
# rule 127.0.0.1:FWD to the guest's port GPORT; sets BENCH_PID to its pid,
# $TMP/HOST.log holds its output
# @$1:	host name
# @$2:	MTU
# @$3:	host port FWD
# @$4:	guest port GPORT
# Return: 0, or 1 when it did not start or refused the rule
bench_slirp4netns()
{
	local ns api=$TMP/$1.api
	ns=$(ns_name "$1")
	ns_empty "$1"
	slirp4netns --configure --mtu="$2" --netns-type=path --api-socket "$api" \
		"/run/netns/$ns" tap0 >"$TMP/$1.log" 2>&1 &
	BENCH_PID=$!
	cleanup_add "kill $BENCH_PID 2>/dev/null; wait $BENCH_PID 2>/dev/null"
	wait_until 10 test -S "$api" &&
		wait_until 10 sh -c "ip -n $ns -4 addr show tap0 | grep -q 10.0.2.100" ||
		return 1
	printf '{"execute": "add_hostfwd", "arguments": {"proto": "tcp", "host_addr": "127.0.0.1", "host_port": %d, "guest_port": %d}}' \
		"$3" "$4" | socat -t 2 - "UNIX-CONNECT:$api" >"$TMP/$1.fwd" &&
		grep -q '"return"' "$TMP/$1.fwd"
}

# bench_pasta() - pasta serving a new namespace at 10.0.2.15/24 on pst0,
# gateway (mapped to the host's loopback) 10.0.2.2, MTU 65520, IPv4 only,
# with the TCP rule 127.0.0.1:FWD to the guest's port GPORT; sets BENCH_PID
# to its pid, $TMP/HOST.log holds its output. pasta refuses to start with
# SIGPIPE ignored (tests/lib/testpmd.sh ignores it), so it gets the default.
# @$1:	host name
# @$2:	host port FWD
# @$3:	guest port GPORT
# Return: 0, or 1 when it did not start
bench_pasta()
{
	local ns
	ns=$(ns_name "$1")
	ns_empty "$1"
	cleanup_add "kill \$(cat '$TMP/$1.pid' 2>/dev/null) 2>/dev/null"
	env --default-signal=PIPE pasta --runas 0 --netns "$ns" --config-net \
		-I pst0 -4 -q -a 10.0.2.15 -n 24 -g 10.0.2.2 -m 65520 \
		-t "127.0.0.1/$2:$3" -u none -T none -U none \
		-P "$TMP/$1.pid" >"$TMP/$1.log" 2>&1 || return 1
	BENCH_PID=$(cat "$TMP/$1.pid")
	wait_until 10 sh -c "ip -n $ns -4 addr show pst0 | grep -q 10.0.2.15"
}
