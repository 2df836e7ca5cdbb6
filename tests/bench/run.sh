#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# run.sh - run benchmark scenarios; each prints its results next to a
# baseline measured in the same invocation, as a ratio
#
# Usage: tests/bench/run.sh BUILD_DIR [SCENARIO...]
#   Scenarios are the scripts tests/bench/*.sh other than this one; each
#   prints lines through bench_result (tests/bench/lib.sh).
set -euo pipefail
BUILD=${1:-build}
shift || true
cd "$(dirname "$0")/../.."
scenarios=("$@")
if [ ${#scenarios[@]} = 0 ]; then
	for s in tests/bench/*.sh; do
		case $(basename "$s") in run.sh | lib.sh | vhost_gen.sh) continue ;; esac
		scenarios+=("$(basename "$s" .sh)")
	done
fi
printf '%-34s %14s %14s %8s  %s\n' SCENARIO RESULT BASELINE RATIO "BASELINE IS"
status=0
for s in "${scenarios[@]}"; do
	tests/bench/"$s".sh "$BUILD" || {
		echo "bench $s: failed" >&2
		status=1
	}
done
exit $status
