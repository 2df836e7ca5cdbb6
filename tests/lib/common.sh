# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# common.sh - helpers sourced by every integration and replay test script
#
# Source it after `set -euo pipefail`, with BUILD set to the build directory
# (default: REPO/build). Everything a script creates is registered with
# cleanup_add and undone, in reverse order, when the script exits - on
# success, on failure (set -e, fail) and on SIGINT/SIGTERM.
#
# Variables it uses or sets:
#   REPO        repository root (set here)
#   BUILD       build directory holding vioswitch and vioctl (absolute)
#   TMP         scratch directory of this script (tmpdir_make sets it)
#   SWITCH_PID  pid of the switch start_switch started, "" when none
#   SWITCH_WRAP words put before the vioswitch command (a prefix that
#               ends by exec-ing it, e.g. to run it in a mount namespace)
#   FAIL_FILE   if set, fail() also writes its message there (for runners)
#   VIOSWITCH_TEST_KEEP=1  keep the scratch directories, for debugging
#
# Call the helpers that register cleanups (cleanup_add, tmpdir_make,
# start_switch) directly, not inside $(...) or a pipeline: a subshell's
# registrations would be lost, so they refuse to run there.

if [ -n "${_VIOSWITCH_COMMON_SH:-}" ]; then
	return 0
fi
_VIOSWITCH_COMMON_SH=1

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
if [ -d "$BUILD" ]; then
	BUILD=$(cd "$BUILD" && pwd)
fi
SWITCH_PID=""
_CLEANUP_CMDS=()
_CLEANUP_PID=$BASHPID
_SWITCH_KILL_ADDED=""
_BG_PID=""
_BG_KILL_ADDED=""

# ---- cleanup registry ---------------------------------------------------

# cleanup_add() - run a command when the script exits, before earlier ones
# @$1:	shell code (one argument, evaluated), or a command and its arguments
#	(several arguments, quoted as given)
cleanup_add()
{
	if [ "$BASHPID" != "$_CLEANUP_PID" ]; then
		echo "cleanup_add: called in a subshell, '$*' would never" \
			"run" >&2
		return 1
	fi
	if [ $# -eq 1 ]; then
		_CLEANUP_CMDS+=("$1")
	else
		_CLEANUP_CMDS+=("$(printf '%q ' "$@")")
	fi
}

# _cleanup_run() - run and forget every registered cleanup, newest first
_cleanup_run()
{
	local i

	set +e
	for ((i = ${#_CLEANUP_CMDS[@]} - 1; i >= 0; i--)); do
		eval "${_CLEANUP_CMDS[i]}"
	done
	_CLEANUP_CMDS=()
}

# shellcheck disable=SC2154 # _rc is set by the trap itself
trap '_rc=$?; trap - EXIT; _cleanup_run; exit $_rc' EXIT
trap 'trap - INT; _cleanup_run; exit 130' INT
trap 'trap - TERM; _cleanup_run; exit 143' TERM

# ---- messages -----------------------------------------------------------

# _log_tail() - print the end of the switch log to stderr
# @$1:	lines to show, or "all"
_log_tail()
{
	local log="${TMP:-}/switch.log"

	[ -n "${TMP:-}" ] && [ -s "$log" ] || return 0
	if [ "$1" = all ]; then
		echo "--- $log ---" >&2
		cat "$log" >&2
	else
		echo "--- last $1 lines of $log ---" >&2
		tail -n "$1" "$log" >&2
	fi
	echo "---" >&2
}

# _die() - report a failure and exit 1 (cleanups run)
# @$1:	message
# @$2:	switch log lines to show, or "all"
_die()
{
	echo "not ok - $1" >&2
	if [ -n "${FAIL_FILE:-}" ]; then
		printf '%s\n' "$1" >"$FAIL_FILE"
	fi
	_log_tail "$2"
	exit 1
}

# fail() - print MSG and the last 30 lines of the switch log, exit 1
fail()
{
	_die "$*" 30
}

# pass() - print MSG as a passed test
pass()
{
	echo "ok - $*"
}

# ---- ports --------------------------------------------------------------

# free_port() - print a TCP port on 127.0.0.1 that nothing listens on now
free_port()
{
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- time ---------------------------------------------------------------

# now_us() - microseconds since the epoch
now_us()
{
	local t=${EPOCHREALTIME/./}

	echo "$((10#$t))"
}

# wait_until() - poll a command every 0.1 s until it succeeds
# @$1:		timeout in seconds (may be fractional: 0.5)
# @$2...:	command and arguments
# Return: 0 once the command succeeded, 1 on timeout
wait_until()
{
	local timeout_us deadline

	timeout_us=$(awk -v s="$1" 'BEGIN { printf "%d", s * 1000000 }')
	shift
	deadline=$(($(now_us) + timeout_us))
	while true; do
		if "$@"; then
			return 0
		fi
		if [ "$(now_us)" -ge "$deadline" ]; then
			return 1
		fi
		sleep 0.1
	done
}

# took_ms() - run a command expected to fail; print the milliseconds it
# took and its output as "MS OUTPUT" (fail when it succeeds)
# @$1...:	command and arguments
took_ms()
{
	local t0 out

	t0=$(now_us)
	out=$("$@" 2>&1) && fail "$* succeeded"
	echo "$((($(now_us) - t0) / 1000)) $out"
}

# ---- transfers ------------------------------------------------------------

# data_arrived() - wait until a file holds as many bytes as $TMP/data
# (what the test sent), then check that its sha256 is the same
# @$1:	file the receiver writes
# @$2:	what the transfer was, for the failure message
data_arrived()
{
	local size

	size=$(stat -c %s "$TMP/data")
	wait_until 20 sh -c "[ \$(stat -c %s '$1' 2>/dev/null || echo 0) = $size ]" ||
		fail "$2: got $(stat -c %s "$1" 2>/dev/null || echo 0) of $size bytes"
	[ "$(sha256sum <"$1")" = "$(sha256sum <"$TMP/data")" ] ||
		fail "$2: sha256 differs"
}

# ---- background commands ----------------------------------------------

# _bg_kill() - the cleanup of bg_wait: SIGTERM the command it waits for
_bg_kill()
{
	local pid=$_BG_PID

	[ -n "$pid" ] || return 0
	_BG_PID=""
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# bg_wait() - run a command in the background and wait for it, so that a
# SIGINT/SIGTERM to the script runs the cleanups at once instead of after
# the command (bash defers traps while a foreground command runs); the
# command gets SIGTERM if the script exits first
# @$@:	command and arguments
# Return: the command's exit status
bg_wait()
{
	local status=0

	if [ -z "$_BG_KILL_ADDED" ]; then
		cleanup_add _bg_kill || return 1
		_BG_KILL_ADDED=1
	fi
	"$@" &
	_BG_PID=$!
	wait "$_BG_PID" || status=$?
	_BG_PID=""
	return "$status"
}

# ---- scratch directory --------------------------------------------------

# tmpdir_make() - create a scratch directory under /tmp, removed at exit
# @$1:	variable to store its path in (default: TMP)
tmpdir_make()
{
	local var="${1:-TMP}" dir

	if [ "$BASHPID" != "$_CLEANUP_PID" ]; then
		echo "tmpdir_make: called in a subshell; call it directly," \
			"it sets \$$var" >&2
		return 1
	fi
	dir=$(mktemp -d /tmp/vioswitch-test.XXXXXX)
	if [ "${VIOSWITCH_TEST_KEEP:-0}" = 1 ]; then
		cleanup_add "echo 'kept $dir' >&2"
	else
		cleanup_add rm -rf -- "$dir"
	fi
	printf -v "$var" '%s' "$dir"
}

# ---- the switch ---------------------------------------------------------

# _pid_alive() - is process $1 running (not gone, not a zombie)?
_pid_alive()
{
	local stat

	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# _switch_kill() - the cleanup of start_switch: TERM, 5 s grace, KILL
_switch_kill()
{
	local pid=$SWITCH_PID i

	[ -n "$pid" ] || return 0
	SWITCH_PID=""
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		_pid_alive "$pid" || break
		sleep 0.1
	done
	if _pid_alive "$pid"; then
		echo "vioswitch (pid $pid) ignored SIGTERM for 5 s: killed" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# start_switch() - start vioswitch in the background and wait until its
# control socket answers (20 s); on failure print its log and fail
# @$@:	more vioswitch arguments (--netdev ...)
start_switch()
{
	local deadline status=0

	if [ -n "$SWITCH_PID" ]; then
		fail "start_switch: a switch is already running (pid" \
			"$SWITCH_PID)"
	fi
	if [ -z "${TMP:-}" ]; then
		tmpdir_make TMP
	fi
	[ -x "$BUILD/vioswitch" ] || fail "$BUILD/vioswitch not built (make)"
	[ -x "$BUILD/vioctl" ] || fail "$BUILD/vioctl not built (make)"
	if [ -z "$_SWITCH_KILL_ADDED" ]; then
		cleanup_add _switch_kill
		_SWITCH_KILL_ADDED=1
	fi
	# shellcheck disable=SC2086 # SWITCH_WRAP is a command prefix
	${SWITCH_WRAP:-} "$BUILD/vioswitch" --ctl "$TMP/ctl.sock" --pmd-cpus 1 \
		--log-level warning "$@" >>"$TMP/switch.log" 2>&1 &
	SWITCH_PID=$!
	deadline=$(($(now_us) + 20000000))
	until timeout 5 "$BUILD/vioctl" --ctl "$TMP/ctl.sock" version \
		>/dev/null 2>&1; do
		if ! _pid_alive "$SWITCH_PID"; then
			wait "$SWITCH_PID" || status=$?
			SWITCH_PID=""
			_die "vioswitch exited with status $status while starting" all
		fi
		if [ "$(now_us)" -ge "$deadline" ]; then
			_die "vioswitch did not answer on $TMP/ctl.sock within 20 s" all
		fi
		sleep 0.1
	done
}

# vioctl_j() - run vioctl against the switch of this script, JSON output
# @$@:	vioctl command and arguments
vioctl_j()
{
	timeout "${VIOCTL_TIMEOUT:-10}" "$BUILD/vioctl" --ctl "$TMP/ctl.sock" \
		--json "$@"
}

# switch_fds() - the number of descriptors the switch holds now
switch_fds()
{
	ls "/proc/$SWITCH_PID/fd" | wc -l
}

# stop_switch() - SIGTERM the switch and wait for it (10 s, then SIGKILL)
# Return: its exit status (128 + signal if it was killed)
stop_switch()
{
	local pid=$SWITCH_PID status=0 i

	[ -n "$pid" ] || fail "stop_switch: no switch running"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		_pid_alive "$pid" || break
		sleep 0.1
	done
	if _pid_alive "$pid"; then
		echo "vioswitch (pid $pid) still running 10 s after SIGTERM:" \
			"killed" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" || status=$?
	SWITCH_PID=""
	return "$status"
}

# json_get() - print one value of a JSON document read from stdin
# @$1:	path: keys and list indexes separated by dots (result.0.id); a
#	top-level {"ok": ..., "result": ...} reply is unwrapped first
json_get()
{
	python3 -c '
import json, sys
doc = json.load(sys.stdin)
if isinstance(doc, dict) and "result" in doc and "ok" in doc:
    doc = doc["result"]
for key in filter(None, sys.argv[1].split(".")):
    doc = doc[int(key)] if isinstance(doc, list) else doc[key]
print(json.dumps(doc) if isinstance(doc, (dict, list, bool)) or doc is None
      else doc)
' "$1"
}
