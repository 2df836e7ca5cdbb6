#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# nat.sh - the user-mode NAT serving a guest (a network namespace behind a
# tap port, MTU 1500, address from the NAT's DHCP), against slirp4netns
# (MTU 1500 and 65520) and pasta serving the same kind of namespace, all
# measured in the same invocation:
#   hostfwd TCP host->guest and guest->host (iperf3 to 127.0.0.1:PORT,
#   forwarded to the guest's port 5201), outbound TCP from the guest to a
#   host loopback service through the gateway address, connections per
#   second through hostfwd (connect, 1-byte echo, close; serial) and
#   request/response latency through hostfwd (1-byte ping-pongs on one
#   connection, p50 and p99); TCP from the guest to a "remote host" and
#   back (iperf3 in a namespace the host routes to over a veth, the path
#   VMs use most), also from a second guest at MTU 65520 on the same
#   switch.
#
# pasta relays a connection whose source is a loopback address by
# splice(2) between the host socket and a socket on the namespace's own
# loopback, so its hostfwd numbers bypass its tap and the guest's stack
# below TCP; the "(tap)" rows connect to the same 127.0.0.1:PORT from the
# host's first non-loopback address instead (when the host has one), which
# pasta serves through its tap, as it would a VM. (Debian 12's pasta,
# 2023-03-09, is erratic on that path from the guest to the host: 0.02 to
# 2 Gbit/s with retransmits, whatever the tap's txqueuelen.)
#
# All setups stay up and are measured in BENCH_ROUNDS rounds (default 3),
# in rotating order; each figure is the median of its rounds.
#
# Environment: BENCH_SECS (iperf3 seconds and the conn/s time budget,
# default 3), BENCH_CONNS (default 2000), BENCH_PINGS (default 2000),
# BENCH_ROUNDS (default 3), BENCH_NAT_SANDBOX_OFF=1 (also measure a second
# switch run with --sandbox off, as one more baseline), BENCH_NAT_ONLY=remote
# (only the guest<->remote lines, against slirp4netns --mtu=65520 and
# pasta: about a third of the time).
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/lib.sh"
tmpdir_make
SECS=${BENCH_SECS:-3}
NCONN=${BENCH_CONNS:-2000}
NPING=${BENCH_PINGS:-2000}
ONLY=${BENCH_NAT_ONLY:-all}
case $ONLY in all | remote) ;; *) fail "BENCH_NAT_ONLY=$ONLY: all or remote" ;; esac
GPORT=5201
# Host ports below the ephemeral range; one hostfwd port per setup.
base=$((10000 + ($$ % 1000) * 8))
SVC=$base
# libslirp keeps a closed connection (one fd) for ~10 s
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# ---- measuring tools ------------------------------------------------------

cat >"$TMP/nb.py" <<'EOF'
import socket, sys, time

def nodelay(s):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

def server(port, ready):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1024)
    open(ready, "w").close()
    while True:
        c, _ = ls.accept()
        nodelay(c)
        try:
            while True:
                b = c.recv(4096)
                if not b:
                    break
                c.sendall(b)
        except OSError:
            pass
        c.close()

def echo_once(s):
    s.sendall(b"x")
    if s.recv(16) != b"x":
        raise OSError("bad echo")

def connect(host, port, src):
    s = socket.create_connection((host, port), timeout=5,
                                 source_address=(src, 0) if src else None)
    nodelay(s)
    return s

def conns(host, port, n, budget, src):
    # serial: connect, 1-byte echo, close; until n or the time budget
    done = 0
    t0 = time.perf_counter()
    while done < n and time.perf_counter() - t0 < budget:
        s = connect(host, port, src)
        echo_once(s)
        s.close()
        done += 1
    print("%.0f" % (done / (time.perf_counter() - t0)))

def pingpong(host, port, n, src):
    s = connect(host, port, src)
    for _ in range(100):
        echo_once(s)
    rtt = []
    for _ in range(n):
        t = time.perf_counter_ns()
        echo_once(s)
        rtt.append(time.perf_counter_ns() - t)
    s.close()
    rtt.sort()
    print("%.1f %.1f" % (rtt[len(rtt) // 2] / 1e3,
                         rtt[len(rtt) * 99 // 100] / 1e3))

a = sys.argv
if a[1] == "server":
    server(int(a[2]), a[3])
elif a[1] == "conns":
    conns(a[2], int(a[3]), int(a[4]), float(a[5]), a[6] if len(a) > 6 else "")
elif a[1] == "pingpong":
    pingpong(a[2], int(a[3]), int(a[4]), a[5] if len(a) > 5 else "")
EOF

# gbps CMD... - run an iperf3 client for SECS s; prints Gbit/s received,
# or "fail"
gbps() {
	timeout $((SECS + 20)) "$@" -t "$SECS" -J --connect-timeout 5000 2>/dev/null |
		iperf3_gbps || true
}

# Host-side iperf3 server on loopback for the outbound scenario, shared by
# every setup.
iperf3 -s -D -B 127.0.0.1 -p "$SVC" -I "$TMP/svc.pid"
cleanup_add "kill \$(cat '$TMP/svc.pid' 2>/dev/null) 2>/dev/null"

# The remote host: a namespace routed from the host over a veth, with an
# iperf3 server every setup reaches through its NAT.
RNET=10.234.$(($$ % 200 + 20))
REMOTE=$RNET.2
rns=$(ns_name remote)
ip netns add "$rns"
cleanup_add "ip netns pids $rns 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $rns 2>/dev/null"
ip link add "vbh$$" type veth peer name "vbr$$"
cleanup_add "ip link del vbh$$ 2>/dev/null"
ip link set "vbr$$" netns "$rns"
ip addr add "$RNET.1/24" dev "vbh$$"
ip link set "vbh$$" up
ip -n "$rns" link set lo up
ip -n "$rns" addr add "$REMOTE/24" dev "vbr$$"
ip -n "$rns" link set "vbr$$" up
ns_exec remote iperf3 -s -D -p "$GPORT" -I "$TMP/remote.pid"
wait_until 5 test -s "$TMP/remote.pid" || fail "no iperf3 server in the remote namespace"

declare -A R ARGS ONLY_REMOTE
SETUPS=()

# measure_remote KEY HOST - TCP between guest HOST and the remote host,
# both ways; stores R[KEY.rout] and R[KEY.rin]
measure_remote() {
	R[$1.rout]=$(gbps ip netns exec "$(ns_name "$2")" iperf3 -c "$REMOTE" \
		-p "$GPORT")
	R[$1.rin]=$(gbps ip netns exec "$(ns_name "$2")" iperf3 -c "$REMOTE" \
		-p "$GPORT" -R)
}

# measure KEY HOST FWD GW [SRC] - every scenario against guest HOST whose
# port GPORT is reachable at 127.0.0.1:FWD (connecting from SRC when given,
# then the outbound scenario is left out) and which reaches the host's
# loopback at GW; stores R[KEY.*]
measure() {
	local key=$1 host=$2 fwd=$3 gw=$4 src=${5:-} dst=127.0.0.1 srv ready out pid
	if [ -z "$src" ]; then
		measure_remote "$key" "$host"
	fi
	[ -z "${ONLY_REMOTE[$key]:-}" ] || return 0
	srv=$TMP/$key.iperf.pid
	ns_exec "$host" iperf3 -s -D -p "$GPORT" -I "$srv"
	cleanup_add "kill \$(cat '$srv' 2>/dev/null) 2>/dev/null"
	wait_until 5 test -s "$srv" || true
	sleep 0.2
	R[$key.in]=$(gbps iperf3 -c "$dst" -p "$fwd" ${src:+-B "$src"})
	R[$key.out]=$(gbps iperf3 -c "$dst" -p "$fwd" ${src:+-B "$src"} -R)
	pid=$(cat "$srv" 2>/dev/null) || pid=""
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait_until 5 sh -c "! kill -0 $pid 2>/dev/null" || true
	fi
	if [ -z "$src" ]; then
		R[$key.nat]=$(gbps ip netns exec "$(ns_name "$host")" iperf3 \
			-c "$gw" -p "$SVC")
	fi

	ready=$TMP/$key.echo.ready
	rm -f "$ready"
	ip netns exec "$(ns_name "$host")" python3 "$TMP/nb.py" server "$GPORT" \
		"$ready" &
	pid=$!
	cleanup_add "kill $pid 2>/dev/null"
	wait_until 10 test -e "$ready" || true
	# latency first: closed connections linger in libslirp for ~10 s and
	# every one of them costs its poll loop time
	out=$(timeout 60 python3 "$TMP/nb.py" pingpong "$dst" "$fwd" "$NPING" \
		"$src" 2>/dev/null || echo "fail fail")
	read -r "R[$key.p50]" "R[$key.p99]" <<<"$out"
	R[$key.cps]=$(timeout $((SECS + 30)) python3 "$TMP/nb.py" conns "$dst" \
		"$fwd" "$NCONN" "$SECS" "$src" 2>/dev/null || echo fail)
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# setup KEY HOST FWD GW [SRC] - a setup measure() runs each round
setup() {
	[ "$ONLY" = all ] || ONLY_REMOTE[$1]=1
	ARGS[$1]="$*"
	SETUPS+=("$1")
}

# skip KEY WHY - a baseline that cannot run here
skip() {
	R[$1.skip]=$2
	SETUPS+=("$1")
}

# ---- ours -----------------------------------------------------------------

cat >"$TMP/udhcpc.sh" <<EOS
#!/bin/sh
[ "\$1" = bound ] || exit 0
ip addr add "\$ip/\${mask:-24}" dev "\$interface"
ip route add default via "\${router%% *}" dev "\$interface"
echo "\$ip \${router%% *}" >"\$LEASE"
EOS
chmod +x "$TMP/udhcpc.sh"

# ours_guest KEY TAPIF FWD - move a switch's tap TAPIF into a new namespace
# KEY, take a lease from the NAT there, and add the setup
ours_guest() {
	local gw
	ns_empty "$1"
	ip link set "$2" netns "$(ns_name "$1")"
	ns_exec "$1" ip link set "$2" up
	LEASE=$TMP/$1.lease ns_exec "$1" busybox udhcpc -i "$2" -q -n -t 5 \
		-T 1 -s "$TMP/udhcpc.sh" >/dev/null 2>&1 ||
		fail "$1: no DHCP lease from the NAT"
	read -r _ gw <"$TMP/$1.lease"
	setup "$1" "$1" "$3" "$gw"
}

TAPIF=vnb$$
FWD=$((base + 1))
start_switch --netdev "tap,id=g,ifname=$TAPIF,mtu=1500" \
	--netdev "tap,id=g9,ifname=vnj$$,mtu=65520" \
	--netdev "user,id=nat,hostfwd=tcp::$FWD-:$GPORT"
ours_guest ours "$TAPIF" "$FWD"
# A second guest of the same NAT at MTU 65520: the remote scenario only.
ours_guest ours65520 "vnj$$" -
ns_exec ours65520 ip link set "vnj$$" mtu 65520
ONLY_REMOTE[ours65520]=1

# With BENCH_NAT_SANDBOX_OFF=1 a second switch, the same but for
# --sandbox off, is one more setup: its rows show what the sandbox costs.
if [ "${BENCH_NAT_SANDBOX_OFF:-0}" = 1 ]; then
	FWD=$((base + 5))
	"$BUILD/vioswitch" --ctl "$TMP/off.sock" --pmd-cpus 1 \
		--log-level warning --sandbox off \
		--netdev "tap,id=g,ifname=vnc$$,mtu=1500" \
		--netdev "user,id=nat,hostfwd=tcp::$FWD-:$GPORT" \
		>"$TMP/off.log" 2>&1 &
	off_pid=$!
	cleanup_add "kill $off_pid 2>/dev/null; wait $off_pid 2>/dev/null"
	wait_until 20 "$BUILD/vioctl" --ctl "$TMP/off.sock" version ||
		fail "vioswitch --sandbox off did not start: $(tail -n 3 "$TMP/off.log")"
	ours_guest off "vnc$$" "$FWD"
fi

# ---- slirp4netns ----------------------------------------------------------

mtus="1500 65520"
[ "$ONLY" = all ] || mtus=65520
for mtu in $mtus; do
	FWD=$((FWD + 1))
	if ! command -v slirp4netns >/dev/null; then
		skip "s4n$mtu" "slirp4netns not installed"
	elif ! bench_slirp4netns "s4n$mtu" "$mtu" "$FWD" "$GPORT"; then
		skip "s4n$mtu" "slirp4netns did not start: $(tail -n 1 "$TMP/s4n$mtu.log")"
	else
		setup "s4n$mtu" "s4n$mtu" "$FWD" 10.0.2.2
	fi
done

# ---- pasta ----------------------------------------------------------------

FWD=$((FWD + 1))
if ! command -v pasta >/dev/null; then
	skip pasta "pasta not installed (Debian package passt)"
elif ! bench_pasta pasta "$FWD" "$GPORT"; then
	skip pasta "pasta did not start: $(grep -v syslog "$TMP/pasta.log" | tail -n 1)"
else
	setup pasta pasta "$FWD" 10.0.2.2
	# the host's first global non-loopback IPv4 address, if any
	hostip=$(ip -4 -o addr show scope global | awk '{ sub("/.*", "", $4); print $4; exit }')
	if [ "$ONLY" != all ]; then
		: # its rows are all through hostfwd
	elif [ -n "$hostip" ]; then
		setup pastatap pasta "$FWD" 10.0.2.2 "$hostip"
	else
		skip pastatap "the host has no non-loopback IPv4 address"
	fi
fi

# ---- rounds ---------------------------------------------------------------

# Every setup stays up (an idle switch sleeps); rates on this VM swing
# between runs, so the setups are measured in BENCH_ROUNDS rounds (default
# 3), each round starting one setup later, and each figure is the median.
FIELDS="in out nat cps p50 p99 rout rin"
declare -A V
ran=()
for k in "${SETUPS[@]}"; do
	[ -n "${R[$k.skip]:-}" ] || ran+=("$k")
done
vioctl_j stats >"$TMP/stats0.json"
for r in $(seq 0 $((${BENCH_ROUNDS:-3} - 1))); do
	for i in "${!ran[@]}"; do
		k=${ran[$(((r + i) % ${#ran[@]}))]}
		# shellcheck disable=SC2086 # ARGS holds the words of measure
		measure ${ARGS[$k]}
		for f in $FIELDS; do
			V[$k.$f]+=" ${R[$k.$f]:-}"
		done
	done
done
vioctl_j stats >"$TMP/stats1.json"
stop_switch || fail "vioswitch exit status $?"
for k in "${ran[@]}"; do
	for f in $FIELDS; do
		# shellcheck disable=SC2086 # the values, one word each
		nums=$(printf '%s\n' ${V[$k.$f]} | grep -E '^[0-9.]+$' || true)
		if [ -n "$nums" ]; then
			# shellcheck disable=SC2086
			R[$k.$f]=$(median $nums)
		elif [ -n "${V[$k.$f]// /}" ]; then
			R[$k.$f]=fail
		else
			unset "R[$k.$f]" # not measured for this setup
		fi
	done
	echo "  $k by round: in${V[$k.in]}; out${V[$k.out]}; conn/s${V[$k.cps]}; p99${V[$k.p99]}; remote out${V[$k.rout]}; remote in${V[$k.rin]}" >&2
done

# ---- report ---------------------------------------------------------------

declare -A WHAT=(
	[off]="vioswitch --sandbox off"
	[s4n1500]="slirp4netns --mtu=1500"
	[s4n65520]="slirp4netns --mtu=65520"
	[pasta]="pasta -m 65520 (splice)"
	[pastatap]="pasta -m 65520 (tap)"
)
# row NAME FIELD UNIT [lower] - ours (setup $US, default ours) next to
# every baseline that ran
row() {
	local b shown="" us=${US:-ours} what
	for b in "${SETUPS[@]}"; do
		[ "$b" = ours ] || [ "$b" = ours65520 ] || [ -n "${R[$b.skip]:-}" ] ||
			[ -z "${R[$b.$2]:-}" ] && continue
		shown=1
		what=${WHAT[$b]}
		# pasta splices loopback only: a remote host is reached via its tap
		[ "$b" != pasta ] || [[ $2 != r* ]] || what=${WHAT[pastatap]}
		if [[ ${R[$us.$2]} =~ ^[0-9.]+$ && ${R[$b.$2]} =~ ^[0-9.]+$ ]]; then
			bench_result "$1" "${R[$us.$2]}" "${R[$b.$2]}" "$3" "$what" "${4:-}"
		else
			printf '%-34s %14s %14s %8s  %s (a measurement failed)\n' "$1" \
				"${R[$us.$2]} $3" "${R[$b.$2]} $3" - "$what"
		fi
	done
	[ -n "$shown" ] ||
		printf '%-34s %14s %14s %8s  %s\n' "$1" "${R[$us.$2]} $3" - - "no baseline ran"
}
if [ "$ONLY" = all ]; then
	row "NAT hostfwd TCP host->guest" in Gbit/s
	row "NAT hostfwd TCP guest->host" out Gbit/s
	row "NAT guest->host loopback TCP" nat Gbit/s
	row "NAT hostfwd conn/s" cps conn/s
	row "NAT hostfwd 1B RTT p50" p50 us lower
	row "NAT hostfwd 1B RTT p99" p99 us lower
fi
row "NAT guest->remote TCP MTU 1500" rout Gbit/s
row "NAT remote->guest TCP MTU 1500" rin Gbit/s
US=ours65520 row "NAT guest->remote TCP MTU 65520" rout Gbit/s
US=ours65520 row "NAT remote->guest TCP MTU 65520" rin Gbit/s
for b in "${SETUPS[@]}"; do
	[ -z "${R[$b.skip]:-}" ] ||
		printf '%-34s %s: not measured: %s\n' "NAT (all)" "${WHAT[$b]}" "${R[$b.skip]}"
done

# The switch's drops over its run, by port and reason (stderr).
python3 - "$TMP/stats0.json" "$TMP/stats1.json" <<'EOF' >&2
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
a = {p["id"]: p for p in a}
out = []
for p in b:
    for why, n in p["drops"].items():
        d = n - a.get(p["id"], {}).get("drops", {}).get(why, 0)
        if d:
            out.append("%s %s %d" % (p["id"], why, d))
print("nat: vioswitch drops while measured: %s" % (", ".join(out) or "none"))
EOF
