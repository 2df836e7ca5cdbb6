#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# run.sh - run the libFuzzer targets: fuzz one, or replay seed corpora
#
# Usage: tests/fuzz/run.sh fuzz TARGET SECONDS
#        tests/fuzz/run.sh replay TARGET...
#
# TARGET is offload, ctl, nat or vioctl (binaries build/fuzz/fuzz_TARGET, seeds
# tests/fuzz/corpus-TARGET, offload's tests/fuzz/corpus). `fuzz` runs one
# job for SECONDS and keeps new inputs in build/fuzz/TARGET/corpus and
# crashes in build/fuzz/TARGET/; `replay` runs every seed once. ctl and nat
# run inside sandbox.sh (only loopback, a read-only filesystem but a
# throwaway tmpfs), so fuzzed frames and requests reach nothing outside.
set -eu
cd "$(dirname "$0")/../.."

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# Leaks are looked for (libFuzzer checks an input whose mallocs outnumber
# its frees), but for libslirp's own (lsan.supp); offload's target keeps
# DPDK memory to its end and does without.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=tests/fuzz/lsan.supp:print_suppressions=0}

# asan TARGET - ASAN_OPTIONS for TARGET, unless the caller set them
asan() {
	if [ -n "${ASAN_OPTIONS:-}" ]; then
		echo "$ASAN_OPTIONS"
	elif [ "$1" = offload ]; then
		echo detect_leaks=0:abort_on_error=1
	else
		echo detect_leaks=1:abort_on_error=1
	fi
}

# seeds TARGET - the seed corpus of TARGET
seeds() {
	if [ "$1" = offload ]; then
		echo tests/fuzz/corpus
	else
		echo "tests/fuzz/corpus-$1"
	fi
}

# wrap TARGET [-w DIR] - the command prefix TARGET runs under
wrap() {
	local t=$1
	shift
	case $t in
	offload | vioctl) ;;
	ctl | nat) echo tests/fuzz/sandbox.sh "$@" -- ;;
	*)
		echo "run.sh: unknown target '$t' (offload, ctl, nat, vioctl)" >&2
		return 2
		;;
	esac
}

# options TARGET - libFuzzer options of TARGET
options() {
	case $1 in
	offload) echo -timeout=20 ;;
	ctl) echo -timeout=60 -max_len=4096 -dict=tests/fuzz/ctl.dict \
		-rss_limit_mb=6144 ;;
	nat) echo -timeout=60 -max_len=20000 -rss_limit_mb=6144 ;;
	vioctl) echo -timeout=10 -max_len=8192 ;;
	esac
}

mode=${1:?usage: run.sh fuzz TARGET SECONDS | run.sh replay TARGET...}
shift
case $mode in
fuzz)
	t=${1:?target}
	secs=${2:-60}
	out=build/fuzz/$t
	mkdir -p "$out/corpus"
	pre=$(wrap "$t" -w "$out")
	ASAN_OPTIONS=$(asan "$t")
	export ASAN_OPTIONS
	# shellcheck disable=SC2046,SC2086
	exec $pre build/fuzz/fuzz_$t $(options "$t") -max_total_time="$secs" \
		-print_final_stats=1 -artifact_prefix="$out/" \
		"$out/corpus" "$(seeds "$t")" </dev/null
	;;
replay)
	rc=0
	for t in "$@"; do
		pre=$(wrap "$t")
		echo "--- replay $t: $(seeds "$t")"
		# shellcheck disable=SC2046,SC2086
		ASAN_OPTIONS=$(asan "$t") $pre build/fuzz/fuzz_$t \
			$(options "$t") -runs=0 "$(seeds "$t")" </dev/null ||
			rc=1
	done
	exit $rc
	;;
*)
	echo "run.sh: unknown mode '$mode' (fuzz, replay)" >&2
	exit 2
	;;
esac
