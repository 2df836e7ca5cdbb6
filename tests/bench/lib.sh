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
