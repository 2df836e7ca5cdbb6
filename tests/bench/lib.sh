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
bench_result()
{
	local ratio
	ratio=$(awk -v a="$2" -v b="$3" -v l="${6:-higher}" 'BEGIN {
		if (b == 0 || a == 0) { print "n/a"; exit }
		printf "%.2f", l == "lower" ? b / a : a / b }')
	printf '%-34s %14s %14s %8s  %s\n' "$1" "$2 $4" "$3 $4" "${ratio}x" "$5"
}

# median() - print the median of the arguments
median()
{
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
