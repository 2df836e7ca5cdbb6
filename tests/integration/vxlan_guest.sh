#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vxlan_guest.sh - a QEMU guest on a vhost-user port with mtu= reaches,
# through a vxlan port, a guest behind Linux's kernel VTEP
#
# The switch (namespace sw) has a vxlan port toward a kernel VTEP (vx0
# under a bridge in kv, the "guest" namespace g behind it at 10.77.0.2,
# IPv4 underlay) and a vhost-user port vm with mtu=1450, the tunnel's inner
# MTU on a 1500-byte underlay. QEMU boots the test guest (vio.role=ssh,
# 10.77.0.3) with the virtio-net-pci host_mtu=1450 the switch's printed
# QEMU line carries; the host drives it with ssh from g, across the
# tunnel. Shown:
# - the guest negotiated VIRTIO_NET_F_MTU and `ip link` shows mtu 1450;
#   the switch read the same value back from QEMU (guest_mtu) and logged
#   no mismatch;
# - ping both ways and ARP (the guest's neighbour entry holds g's MAC);
# - 8 MiB each way over TCP, sha256 equal; the guest's TSO super-frames
#   (its virtio-net negotiated HOST_TSO4) are segmented for the tunnel
#   (vx's `segmented` counter);
# - a guest that ignores its MTU (a route with mtu 1500) sends 1500-byte
#   packets: each is dropped and counted as over_mtu on vm, while a
#   1450-byte one crosses.
# One boot (TCG: about 20-30 s of it).
#
# Environment: VIOSWITCH_GUEST_DIR, VIOSWITCH_GUEST_ACCEL (tests/lib/qemu.sh),
# VIOSWITCH_GUEST_TIMEOUT seconds for the guest to boot and start dropbear
# (default 120).
set -euo pipefail
# shellcheck disable=SC2034 # BUILD is read by common.sh
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/../lib/vxlan.sh"
tmpdir_make
source "$(dirname "$0")/../lib/qemu.sh"
source "$(dirname "$0")/../lib/guest_ssh.sh"
BOOT_TIMEOUT=${VIOSWITCH_GUEST_TIMEOUT:-120}
GUEST_IP=10.77.0.3
GUEST_MAC=52:54:00:77:00:03

V() { vioctl_j "$@"; }
# port EXPR ID - EXPR of port ID's object p in `port list --json`
port() { V port list | python3 -c '
import json, sys
p = [p for p in json.load(sys.stdin) if p["id"] == sys.argv[2]][0]
print(eval(sys.argv[1]))' "$1" "$2"; }
# stat_of ID PATH - a field of port ID's `stats` object
stat_of() { V stats "$1" | json_get "0.$2"; }

# gssh CMD - run CMD as root on the guest, from g across the tunnel; its
# output goes to $TMP/ssh.out, ssh's messages to $TMP/ssh.err
gssh() {
	bg_wait timeout 60 ip netns exec "$g" ssh -F /dev/null -i "$SSH_KEY" \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=10 \
		-o LogLevel=ERROR "root@$GUEST_IP" "$1" \
		</dev/null >"$TMP/ssh.out" 2>"$TMP/ssh.err"
}

# gssh_ok CMD WHAT - gssh, or fail saying WHAT failed
gssh_ok() {
	gssh "$1" || guest_fail "$2: $(cat "$TMP/ssh.out" "$TMP/ssh.err" | tr '\n' ' ')"
}

guest_build
guest_ssh_setup
setup 4 10.232.0.1 10.232.0.2 24 1450
SWITCH_WRAP="ip netns exec $sw"
start_switch --netdev "vxlan,id=vx,vni=42,local=10.232.0.1,remote=10.232.0.2" \
	--netdev "vhost-user,id=vm,path=$TMP/vm.sock,mtu=1450"
grep -q -- "-device virtio-net-pci,netdev=vm,host_mtu=1450" "$TMP/switch.log" ||
	fail "the QEMU line the switch printed lacks host_mtu=1450: $(grep -A1 'netdev vhost-user' "$TMP/switch.log")"
qemu_start g1 "$GUEST_MAC" "$TMP/vm.sock" \
	"vio.role=ssh vio.ip=$GUEST_IP/24 vio.name=vxg" "$TMP/initrd.img" \
	",reconnect=1" ",host_mtu=1450"
deadline_in "$BOOT_TIMEOUT"
wait_result g1 sshd 1 "the guest's dropbear"
echo "  guest up with dropbear after $(elapsed) s"

# 1. The MTU the guest was told.
results g1 features | grep -qw MTU ||
	guest_fail "the guest did not negotiate VIRTIO_NET_F_MTU: $(results g1 features)"
gssh_ok "cat /sys/class/net/eth0/mtu; ip link show eth0" "ssh to the guest across the tunnel"
[ "$(head -1 "$TMP/ssh.out")" = 1450 ] && grep -q "mtu 1450 " "$TMP/ssh.out" ||
	guest_fail "the guest's eth0 MTU is not 1450: $(cat "$TMP/ssh.out")"
[ "$(port 'p.get("mtu"), p.get("guest_mtu")' vm)" = "(1450, 1450)" ] ||
	fail "port vm: mtu, guest_mtu are $(port 'p.get("mtu"), p.get("guest_mtu")' vm)"
! grep -q "port vm:.*MTU" "$TMP/switch.log" ||
	fail "the switch warned about the guest's MTU: $(grep 'port vm:.*MTU' "$TMP/switch.log")"
pass "the guest negotiated VIRTIO_NET_F_MTU: ip link shows mtu 1450, the switch read 1450 back from QEMU, and QEMU's line from the switch has host_mtu=1450"

# 2. ping and ARP both ways.
gssh_ok "ping -c 3 -W 2 10.77.0.2 && ip neigh show 10.77.0.2" "ping from the guest to g"
grep -qi "$GMAC" "$TMP/ssh.out" ||
	fail "the guest's ARP did not resolve g's MAC $GMAC: $(cat "$TMP/ssh.out")"
ip netns exec "$g" ping -c 3 -i 0.2 -W 2 "$GUEST_IP" >"$TMP/ping.out" 2>&1 ||
	fail "ping from g to the guest failed: $(cat "$TMP/ping.out")"
ip -n "$g" neigh show "$GUEST_IP" | grep -qi "$GUEST_MAC" ||
	fail "g's ARP did not resolve the guest's MAC $GUEST_MAC"
pass "ping and ARP between the QEMU guest and the guest behind the kernel VTEP"

# 3. 8 MiB each way.
head -c 8M /dev/urandom >"$TMP/data"
want=$(sha256sum <"$TMP/data" | cut -d' ' -f1)
seg0=$(stat_of vx offload.segmented) segs0=$(stat_of vx offload.segments)
ip netns exec "$g" socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$TMP/got",creat,trunc &
cleanup_add "kill $! 2>/dev/null"
wait_until 5 sh -c "ip netns exec $g ss -ltn | grep -q ':5001 '" || fail "no listener in g"
gssh_ok "head -c 8388608 /dev/urandom >/tmp/d && sha256sum /tmp/d && nc 10.77.0.2 5001 </tmp/d" \
	"8 MiB from the guest to g"
sent=$(cut -d' ' -f1 "$TMP/ssh.out")
wait_until 10 sh -c "[ \$(stat -c %s '$TMP/got' 2>/dev/null || echo 0) = 8388608 ]" ||
	fail "8 MiB from the guest: g got $(stat -c %s "$TMP/got" 2>/dev/null) bytes"
[ "$(sha256sum <"$TMP/got" | cut -d' ' -f1)" = "$sent" ] ||
	fail "8 MiB from the guest: sha256 differs"
seg=$(($(stat_of vx offload.segmented) - seg0))
segs=$(($(stat_of vx offload.segments) - segs0))
[ "$seg" -gt 0 ] || fail "no TSO super-frame of the guest was segmented for vx"
gssh "nc -l -p 5002 >/tmp/r" &
rx_pid=$!
cleanup_add "kill $rx_pid 2>/dev/null"
wait_until 20 sh -c "ip netns exec $g socat -u OPEN:$TMP/data TCP:$GUEST_IP:5002 2>/dev/null" ||
	fail "cannot send 8 MiB from g to the guest"
wait "$rx_pid" || fail "the guest's nc -l failed: $(cat "$TMP/ssh.err")"
gssh_ok "sha256sum /tmp/r; wc -c </tmp/r" "reading what the guest received"
[ "$(head -1 "$TMP/ssh.out" | cut -d' ' -f1)" = "$want" ] ||
	fail "8 MiB from g: the guest got $(tail -1 "$TMP/ssh.out") bytes, sha256 differs"
pass "8 MiB each way between the QEMU guest and g, sha256 equal; $seg TSO super-frames of the guest segmented for the tunnel into $segs frames"

# 4. A guest that ignores its MTU.
drops0=$(stat_of vm drops.over_mtu)
gssh_ok "ping -c 1 -s 1422 -W 2 10.77.0.2" "a 1450-byte ping"
gssh "ip route add 10.77.0.2/32 dev eth0 mtu 1500 && ping -c 2 -s 1472 -W 1 10.77.0.2; ip route del 10.77.0.2/32" || true
grep -q "2 packets transmitted, 0 packets received" "$TMP/ssh.out" ||
	fail "1500-byte pings: $(cat "$TMP/ssh.out" "$TMP/ssh.err")"
drops=$(($(stat_of vm drops.over_mtu) - drops0))
[ "$drops" = 2 ] || fail "2 pings of 1500 bytes from the guest: $drops counted as over_mtu"
pass "1500-byte packets from a guest told MTU 1450 are dropped and counted as over_mtu ($drops); a 1450-byte one crosses"
stop_switch || fail "switch exit status $?"
