#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run.sh - the replay test suite: every case under tests/replay/cases
#
# Usage: tests/replay/run.sh BUILD_DIR [CASE...]
# Prints `ok - replay NAME` or `not ok - replay NAME: reason` per case (a
# failed case's log follows, prefixed with '# '), then `N passed, M failed`.
# Exit 1 if any case failed. Each case runs in its own process
# (run-case.sh), so its switch and files are cleaned up even when it fails.
set -euo pipefail

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [CASE...]" >&2
	exit 1
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "$1" && pwd)
shift
# shellcheck source=SCRIPTDIR/../lib/common.sh
. "$HERE/../lib/common.sh"
tmpdir_make TMP

if [ $# -gt 0 ]; then
	cases=("$@")
else
	cases=()
	for d in "$HERE"/cases/*/; do
		cases+=("$(basename "$d")")
	done
fi

passed=0
failed=0
for name in "${cases[@]}"; do
	log=$TMP/$name.log
	reason=$TMP/$name.reason
	status=0
	FAIL_FILE=$reason bg_wait "$HERE/run-case.sh" "$BUILD" "$name" \
		>"$log" 2>&1 || status=$?
	if [ "$status" -eq 0 ]; then
		echo "ok - replay $name"
		passed=$((passed + 1))
		continue
	fi
	if [ -s "$reason" ]; then
		why=$(head -n 1 "$reason")
	else
		why="run-case.sh exited with status $status"
	fi
	echo "not ok - replay $name: $why"
	sed 's/^/# /' "$log"
	failed=$((failed + 1))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
