# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# testpmd.sh - drive dpdk-testpmd as a virtio-user front-end from tests
#
# Source after common.sh. Each testpmd runs interactive (-i) with its
# commands written to a FIFO and its output in $TMP/NAME.log; it is quit
# (then killed) when the script exits. EAL runs with --no-huge --no-shconf,
# so virtio-user's memory is a memfd the switch can map.

declare -A _TP_PID _TP_FD

# A testpmd that died must not kill the script (and its cleanups) with
# SIGPIPE when we write to its FIFO.
trap '' PIPE

# testpmd_start() - start a testpmd in the background
# @$1:	name (for the log and FIFO)
# @$2:	CPU its two lcores run on
# @$3...: EAL --vdev options, then optionally "--" and testpmd options
testpmd_start()
{
	local name=$1 cpu=$2 fd
	shift 2
	mkfifo "$TMP/$name.fifo"
	stdbuf -oL dpdk-testpmd --lcores "0@$cpu,1@$cpu" --no-huge --no-shconf -m "${TESTPMD_MEM:-1024}" \
		--file-prefix "vt-$name-$$" --no-pci --log-level=error "$@" \
		<"$TMP/$name.fifo" >"$TMP/$name.log" 2>&1 &
	_TP_PID[$name]=$!
	exec {fd}>"$TMP/$name.fifo"
	_TP_FD[$name]=$fd
	cleanup_add testpmd_stop "$name"
}

# testpmd_ready() - wait until testpmd shows its prompt
# @$1:	name
# @$2:	timeout in seconds
testpmd_ready()
{
	wait_until "$2" grep -q "testpmd>" "$TMP/$1.log" ||
		fail "testpmd $1 not ready after $2 s: $(tail -5 "$TMP/$1.log")"
}

# testpmd_cmd() - send one command line
# @$1:	name
# @$2:	command
testpmd_cmd()
{
	echo "$2" >&"${_TP_FD[$1]}"
}

# testpmd_port_stat() - one counter of `show port stats PORT`
# @$1:	name
# @$2:	port number
# @$3:	RX-packets, TX-packets, RX-errors, ...
testpmd_port_stat()
{
	local log=$TMP/$1.log before
	before=$(grep -c "NIC statistics for port $2" "$log" || true)
	testpmd_cmd "$1" "show port stats $2"
	wait_until 5 sh -c "[ \$(grep -c 'NIC statistics for port $2' '$log') -gt $before ]" ||
		fail "testpmd $1: no stats for port $2"
	sleep 0.1
	grep -A4 "NIC statistics for port $2" "$log" | grep -o "$3: *[0-9]*" |
		tail -1 | grep -o '[0-9]*$'
}

# testpmd_stop() - quit testpmd (5 s grace, then SIGKILL)
# @$1:	name
testpmd_stop()
{
	local name=$1 pid=${_TP_PID[$1]:-} i
	[ -n "$pid" ] || return 0
	_TP_PID[$name]=""
	{ echo quit >&"${_TP_FD[$name]}"; } 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		_pid_alive "$pid" || break
		sleep 0.1
	done
	_pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	exec {_TP_FD[$name]}>&-
	rm -f "$TMP/$name.fifo"
	rm -rf "/var/run/dpdk/vt-$name-$$"
	return 0
}
