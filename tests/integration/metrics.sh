#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# metrics.sh - the counters as Prometheus text (vioctl stats --format
# prometheus, --metrics over HTTP), as DPDK telemetry commands, and in
# vioctl top: parsed by prometheus_client's parser and DPDK's telemetry
# protocol, equal to `vioctl --json stats`, moving with traffic; the HTTP
# endpoint refuses other paths and methods and outlives a silent client.
# The switch runs with its sandbox on (the default as root).
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
tmpdir_make
S=$REPO/pcap-samples
PY=/usr/bin/python3 # Debian's, with python3-prometheus-client
$PY -c 'import prometheus_client' 2>/dev/null ||
	fail "python3-prometheus-client missing (make deps)"

HTTP=$(free_port)
HTTP6=$(free_port)
# p0 replays 4 frames once (its counters then stay still), gen-1 loops
# broadcasts at 2000 frames/s, nat is a NAT port (its own counters).
start_switch --metrics "$HTTP" --metrics "[::1]:$HTTP6" --telemetry on \
	--netdev "pcap,id=p0,rx=$S/learn-p0.pcap,tx=$TMP/p0.pcap" \
	--netdev "pcap,id=gen-1,rx=$S/bcast-mcast.pcap,loop=0,pps=2000" \
	--netdev "user,id=nat" --capture "gen-1,w=$TMP/gen.pcapng,count=50"
wait_until 10 sh -c "'$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json port list | grep -q '\"rx_done\": true'" ||
	fail "p0's replay did not finish"

# check_scrape FILE JSON_BEFORE JSON_AFTER - parse FILE with
# prometheus_client; every port counter lies between the two `vioctl
# --json stats` taken around the scrape, p0's receive counters equal both
check_scrape() {
	$PY - "$@" <<'EOF'
import json, sys
from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1]).read()
before = {p["id"]: p for p in json.load(open(sys.argv[2]))}
after = {p["id"]: p for p in json.load(open(sys.argv[3]))}
fams = {f.name: f for f in text_string_to_metric_families(text)}
samples = {}
for f in fams.values():
    for s in f.samples:
        samples[(s.name, tuple(sorted(s.labels.items())))] = s.value

def check(name, labels, key, sub=None):
    got = samples.get((name, tuple(sorted(labels.items()))))
    if got is None:
        sys.exit(f"no sample {name}{labels}")
    port = labels["port"]
    lo, hi = before[port][key], after[port][key]
    if sub is not None:
        lo, hi = lo[sub], hi[sub]
    if not lo <= got <= hi:
        sys.exit(f"{name}{labels} = {got}, vioctl --json stats said "
                 f"{lo} then {hi}")
    if port == "p0" and key in STILL and got != lo:
        sys.exit(f"{name}{labels} = {got} for the still port p0, not {lo}")

# What p0 receives stays still once its replay ended (it is still sent to).
STILL = ("rx_packets", "rx_bytes", "forwarded", "flooded", "fdb")
types = {"p0": "pcap", "gen-1": "pcap", "nat": "user"}
n = 0
for port, kind in types.items():
    lab = {"port": port, "type": kind}
    for key in ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
                "forwarded", "flooded"):
        check(f"vioswitch_port_{key}_total", lab, key)
        n += 1
    for reason in before[port]["drops"]:
        check("vioswitch_port_drops_total", dict(lab, reason=reason),
              "drops", reason)
        n += 1
    for event in before[port]["fdb"]:
        check("vioswitch_port_fdb_events_total", dict(lab, event=event),
              "fdb", event)
        n += 1
for f, kind in (("vioswitch_port_rx_packets", "counter"),
                ("vioswitch_pmd_busy_cycles", "counter"),
                ("vioswitch_pmd_idle_cycles", "counter"),
                ("vioswitch_pmd_idle_poll_microseconds", "gauge"),
                ("vioswitch_port_learned_macs", "gauge"),
                ("vioswitch_fdb_entries", "gauge"),
                ("vioswitch_nat_udp_flows", "gauge"),
                ("vioswitch_nat_limit_hits", "counter"),
                ("vioswitch_nat_dhcp_messages", "counter")):
    if f not in fams or fams[f].type != kind:
        sys.exit(f"family {f} missing or not a {kind}")
pmd = [s for s in fams["vioswitch_pmd_busy_cycles"].samples]
if not pmd or set(pmd[0].labels) != {"pmd", "lcore", "cpu"}:
    sys.exit(f"PMD samples without pmd, lcore, cpu labels: {pmd}")
print(f"{len(fams)} families, {sum(len(f.samples) for f in fams.values())}"
      f" samples; {n} port counters checked against vioctl --json stats")
EOF
}

# stats_json FILE - vioctl --json stats into FILE
stats_json() {
	vioctl_j stats >"$1"
}

# -- vioctl stats --format prometheus --------------------------------------
stats_json "$TMP/s1.json"
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" stats --format prometheus >"$TMP/p.txt"
stats_json "$TMP/s2.json"
check_scrape "$TMP/p.txt" "$TMP/s1.json" "$TMP/s2.json" ||
	fail "vioctl stats --format prometheus disagrees with vioctl --json stats"
pass "vioctl stats --format prometheus parses and equals vioctl --json stats"

# The capture feature's counts, through its metrics hook
wait_until 10 sh -c "'$BUILD/vioctl' --ctl '$TMP/ctl.sock' --json capture list | grep -q '\"state\": \"ended\"'" ||
	fail "capture of 50 frames did not end"
# (Into a file first: grep -q would stop reading at the match, and the
# writer's SIGPIPE fail the pipeline.)
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" stats --format prometheus >"$TMP/c.txt"
grep -qx 'vioswitch_capture_written_total{kind="capture",id="1",ports="gen-1"} 50' "$TMP/c.txt" ||
	fail "no vioswitch_capture_written_total of 50 for capture 1"
pass "capture counts: vioswitch_capture_written_total{kind=\"capture\",id=\"1\",ports=\"gen-1\"} 50"

# -- GET /metrics, IPv4 and IPv6 ------------------------------------------
stats_json "$TMP/s1.json"
curl -sf "http://127.0.0.1:$HTTP/metrics" -o "$TMP/h.txt" ||
	fail "GET http://127.0.0.1:$HTTP/metrics failed"
stats_json "$TMP/s2.json"
check_scrape "$TMP/h.txt" "$TMP/s1.json" "$TMP/s2.json" ||
	fail "GET /metrics disagrees with vioctl --json stats"
ctype=$(curl -sf -o /dev/null -w '%{content_type}' "http://127.0.0.1:$HTTP/metrics")
case $ctype in
"text/plain; version=0.0.4"*) ;;
*) fail "GET /metrics: Content-Type '$ctype'" ;;
esac
curl -sfg "http://[::1]:$HTTP6/metrics" -o "$TMP/h6.txt" ||
	fail "GET http://[::1]:$HTTP6/metrics failed"
grep -q '^vioswitch_port_rx_packets_total{port="gen-1"' "$TMP/h6.txt" ||
	fail "GET http://[::1]:$HTTP6/metrics has no gen-1 counter"
pass "GET /metrics on 127.0.0.1 and [::1]: parses, equals vioctl --json stats"

# rx of gen-1 over two scrapes one second apart
rx_of() {
	$PY -c '
import sys
from prometheus_client.parser import text_string_to_metric_families
for f in text_string_to_metric_families(sys.stdin.read()):
    for s in f.samples:
        if s.name == "vioswitch_port_rx_packets_total" and s.labels["port"] == "gen-1":
            print(int(s.value))'
}
a=$(curl -sf "http://127.0.0.1:$HTTP/metrics" | rx_of)
sleep 1
b=$(curl -sf "http://127.0.0.1:$HTTP/metrics" | rx_of)
[ "$((b - a))" -ge 1000 ] || fail "gen-1 rx_packets_total moved from $a to $b in 1 s at 2000 frames/s"
pass "counters move with traffic: gen-1 received $((b - a)) frames in 1 s"

# -- other paths, methods, a silent client -------------------------------
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/")
[ "$code" = 404 ] || fail "GET / answered $code, not 404"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/metricsx")
[ "$code" = 404 ] || fail "GET /metricsx answered $code, not 404"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "http://127.0.0.1:$HTTP/metrics")
[ "$code" = 405 ] || fail "POST /metrics answered $code, not 405"
# A client that connects and sends nothing: scrapes go on, and the switch
# closes it after its 10 s timeout.
$PY - "$HTTP" >"$TMP/silent.out" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(20)
t = time.monotonic()
print("closed" if s.recv(1) == b"" else "data", round(time.monotonic() - t))
EOF
silent=$!
cleanup_add "kill $silent 2>/dev/null || true"
sleep 0.3
curl -sf -m 3 "http://127.0.0.1:$HTTP/metrics" -o /dev/null ||
	fail "GET /metrics failed while a silent client was connected"
wait "$silent" || fail "silent client: $(cat "$TMP/silent.out")"
read -r how secs <"$TMP/silent.out"
[ "$how" = closed ] && [ "$secs" -le 12 ] ||
	fail "silent client: '$how' after ${secs}s, expected closed after about 10 s"
pass "404 for other paths, 405 for POST; a silent client is closed after ${secs} s, scrapes go on"

# -- DPDK telemetry -------------------------------------------------------
sock=/var/run/dpdk/vioswitch-$SWITCH_PID/dpdk_telemetry.v2
[ -S "$sock" ] || fail "no telemetry socket $sock"
stats_json "$TMP/s1.json"
$PY - "$sock" "$TMP/s1.json" <<'EOF' || fail "telemetry: the commands disagree with vioctl --json stats"
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
info = json.loads(s.recv(16384))
def ask(cmd):
    s.send(cmd.encode())
    return json.loads(s.recv(65536))[cmd.split(",")[0]]
ports = ask("/vioswitch/ports")
stats = {p["id"]: p for p in json.load(open(sys.argv[2]))}
if ports["p0"]["rx_packets"] != stats["p0"]["rx_packets"]:
    sys.exit(f"p0: telemetry {ports['p0']}, vioctl {stats['p0']}")
if ports["port1"]["id"] != "gen-1" or ports["nat"]["type"] != "user":
    sys.exit(f"ports: {ports}")
one = ask("/vioswitch/ports,p0")
if one["drop_runt"] != stats["p0"]["drops"]["runt"] or one["id"] != "p0":
    sys.exit(f"ports,p0: {one}")
pmds = ask("/vioswitch/pmds")
if pmds["0"]["busy_cycles"] + pmds["0"]["idle_cycles"] <= 0:
    sys.exit(f"pmds: {pmds}")
print("telemetry", info["version"], "ports", sorted(ports), "pmd0",
      pmds["0"]["rx_packets"], "frames")
EOF
echo /vioswitch/pmds | dpdk-telemetry.py -f "vioswitch-$SWITCH_PID" | grep -q '"busy_cycles"' ||
	fail "dpdk-telemetry.py -f vioswitch-$SWITCH_PID: no /vioswitch/pmds"
pass "telemetry: /vioswitch/ports, /vioswitch/ports,p0 and /vioswitch/pmds over the socket and dpdk-telemetry.py"

# -- vioctl top ----------------------------------------------------------
"$BUILD/vioctl" --ctl "$TMP/ctl.sock" top -n 2 >"$TMP/top.txt"
[ "$(grep -c '^vioctl top - ' "$TMP/top.txt")" = 2 ] || fail "top -n 2: not 2 frames: $(cat "$TMP/top.txt")"
wide=$(awk 'length($0) > 80' "$TMP/top.txt")
[ -z "$wide" ] || fail "top: lines over 80 columns: $wide"
grep -q '^PORT  *TYPE  *RX pk/s  *RX b/s  *TX pk/s  *TX b/s  *DROP/s  *MACS$' "$TMP/top.txt" ||
	fail "top: no port heading: $(cat "$TMP/top.txt")"
grep -q '^PMD  *LCORE  *CPU  *BUSY%  *POLL%  *RX pk/s  *TX pk/s  *RXQS$' "$TMP/top.txt" ||
	fail "top: no PMD heading"
rate=$(awk '$1 == "gen-1" { r = $3 } END { print r }' "$TMP/top.txt")
case $rate in
1.*k | 2.*k) ;;
*) fail "top: gen-1 receives '$rate' frames/s, expected about 2.0k" ;;
esac
for p in p0 nat; do
	grep -q "^$p " "$TMP/top.txt" || fail "top: no line for port $p"
done
pass "vioctl top -n 2: two frames, every port, gen-1 at $rate frames/s, 80 columns"
cat "$TMP/top.txt"

! grep -q seccomp "$TMP/switch.log" || fail "sandbox: $(grep seccomp "$TMP/switch.log")"
rundir=/var/run/dpdk/vioswitch-$SWITCH_PID
stop_switch || fail "exit status $? at shutdown"
[ ! -e "$rundir" ] || fail "$rundir left behind at shutdown"
pass "clean shutdown with --metrics and --telemetry on under the sandbox"
