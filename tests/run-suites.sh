#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# run-suites.sh - run test suites and print one summary line
#
# Usage: tests/run-suites.sh BUILD_DIR SUITE...
#   layout       tests/layout.py: the folder include graph keeps the
#                architecture (README.md, Layout)
#   unit         every cmocka binary BUILD_DIR/tests/test_*
#   replay       tests/replay/run.sh: pcap-samples through pcap ports
#   fuzz         replay each libFuzzer target's seed corpus (tests/fuzz/run.sh;
#                ctl and nat inside tests/fuzz/sandbox.sh, so as root)
#   ctl          tests/integration/ctl.sh: control socket and options
#   integration  every other tests/integration/*.sh
set -u
FUZZ_TARGETS="offload ctl nat vioctl"
BUILD=${1:?usage: run-suites.sh BUILD_DIR SUITE...}
shift
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
failures=()

# run_one NAME CMD... - run one test program, count it
run_one() {
	local name=$1
	shift
	echo "=== $name"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$name")
	fi
}

for suite in "$@"; do
	case $suite in
	layout)
		run_one "layout" /usr/bin/python3 tests/layout.py --graph
		;;
	unit)
		for t in "$BUILD"/tests/test_*; do
			[ -x "$t" ] && run_one "unit $(basename "$t")" "$t"
		done
		;;
	replay)
		run_one "replay" tests/replay/run.sh "$BUILD"
		;;
	fuzz)
		for t in $FUZZ_TARGETS; do
			run_one "fuzz $t corpus" tests/fuzz/run.sh replay "$t"
		done
		;;
	ctl)
		run_one "ctl" tests/integration/ctl.sh "$BUILD"
		;;
	integration)
		for t in tests/integration/*.sh; do
			[ "$(basename "$t")" = ctl.sh ] && continue
			run_one "integration $(basename "$t" .sh)" "$t" "$BUILD"
		done
		;;
	*)
		echo "run-suites.sh: unknown suite '$suite'" >&2
		exit 2
		;;
	esac
done
echo
for f in "${failures[@]+"${failures[@]}"}"; do
	echo "FAILED: $f"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
