#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# libvirt.sh - libvirt domains on the switch, both pairings, with a real
# libvirtd: each guest takes its address by DHCP from the switch's NAT and
# the host logs in with ssh through a hostfwd rule naming its port
#
# A private libvirtd and virtlogd (tests/lib/libvirt.sh: this script's own
# processes, in a mount namespace over libvirt's directories), QEMU as
# libvirt-qemu under TCG (domain type='qemu'), the README's XML:
#
# 1. The switch as server (vhost-user port lv1, socket 0660 root:kvm by
#    default), the domain <source mode='client'> with <reconnect
#    enabled='yes' timeout='1'/>: `virsh start` returns at once. The port
#    has mtu=1450 and the domain the README's <qemu:property> host_mtu
#    1450 (libvirt 9.0 refuses <mtu> on a vhostuser interface): the
#    guest's eth0 has MTU 1450 and the switch read the same value back
#    from QEMU (guest_mtu), without a warning.
# 2. The domain <source mode='server'> (QEMU, as libvirt-qemu, creates the
#    socket in a directory it may write: $TMP/qemu, libvirt-qemu:kvm 0750)
#    and a server=off port lv2 on the switch: `virsh start` waits until
#    the switch connects. The port is added only once `virsh start` has
#    waited 3 s, and the script checks it is still waiting then. The port
#    has mtu=1450 but the domain host_mtu 1500: the switch warns that
#    QEMU told the guest another MTU.
#
# One guest at a time (TCG boots take tens of seconds). Each runs
# vio.role=dhcp-ssh; `ssh -p P` through tcp::P-lvN:22 must answer with its
# hostname. Both domains use the <qemu:override> that gives virtio-net-pci
# vectors=0, checked on QEMU's command line in libvirt's log.
#
# Environment: VIOSWITCH_GUEST_DIR (tests/lib/qemu.sh),
# VIOSWITCH_GUEST_TIMEOUT seconds for a guest to boot, lease and start
# dropbear (default 150).
set -euo pipefail
# shellcheck disable=SC2034 # BUILD is read by common.sh
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/qemu.sh"
source "$(dirname "$0")/../lib/guest_ssh.sh"
source "$(dirname "$0")/../lib/libvirt.sh"
tmpdir_make
chmod 711 "$TMP" # libvirt-qemu reaches the sockets and files in it
BOOT_TIMEOUT=${VIOSWITCH_GUEST_TIMEOUT:-150}

[ "$ACCEL" = tcg ] || fail "libvirt.sh runs TCG guests only (type='qemu')"
guest_build
guest_ssh_setup
cp "$GUEST/vmlinuz" "$TMP/vmlinuz" # libvirt relabels them: our copies
read -r P1 P2 < <(free_ports 2)
# setgid: QEMU's socket gets group kvm, which the switch (root without
# CAP_DAC_OVERRIDE under its sandbox) belongs to and may connect with.
install -d -o libvirt-qemu -g kvm -m 2750 "$TMP/qemu"
libvirt_start

start_switch --netdev "vhost-user,id=lv1,path=$TMP/lv1.sock,mtu=1450" \
	--netdev "user,id=nat,hostfwd=tcp::$P1-lv1:22,hostfwd=tcp::$P2-lv2:22"
echo "  lv1.sock: $(stat -c '%a %U:%G' "$TMP/lv1.sock")"

# boot_check NAME PORT - wait for a started domain's lease and dropbear,
# then ssh through 127.0.0.1:PORT must land on it
boot_check() {
	local lease rest
	lv_qemu_pid "$1"
	grep -q '"vectors":0' "$TMP/$1.qemu.log" ||
		guest_fail "QEMU of $1 runs without vectors=0: $(grep -o \
			'driver":"virtio-net-pci[^}]*' "$TMP/$1.qemu.log")"
	deadline_in "$BOOT_TIMEOUT"
	wait_result "$1" sshd 1 "domain $1 to take a DHCP lease and start dropbear"
	read -r lease rest < <(results "$1" dhcp | tail -1)
	pass "domain $1 leased ${lease#ip=} from the NAT ($rest), dropbear" \
		"up $(elapsed) s after its start"
	ssh_ok "$2" 'hostname; cat /proc/cmdline' "domain $1"
	[ "$(head -1 "$TMP/ssh.out")" = "$1" ] ||
		guest_fail "ssh -p $2 reached $(head -1 "$TMP/ssh.out"), not $1"
	grep -q "vio.name=$1" "$TMP/ssh.out" ||
		guest_fail "ssh -p $2: /proc/cmdline is $(tail -1 "$TMP/ssh.out")"
	pass "ssh -p $2 root@127.0.0.1 through tcp::$2-$1:22: hostname" \
		"$(head -1 "$TMP/ssh.out") (attempts: $TRIES)"
}

# ---- 1. switch as server, libvirt mode='client' with reconnect -----------

lv_domain_xml lv1 52:54:00:12:35:01 \
	"<source type='unix' path='$TMP/lv1.sock' mode='client'>
        <reconnect enabled='yes' timeout='1'/>
      </source>" "$TMP/vmlinuz" "$TMP/initrd.img" \
	"<qemu:property name='host_mtu' type='unsigned' value='1450'/>" \
	>"$TMP/lv1.xml"
lv_define lv1 "$TMP/lv1.xml"
T0=$(now_us) # elapsed() counts from here (qemu.sh)
lvirsh start lv1 >"$TMP/lv1.start" 2>&1 ||
	fail "virsh start lv1: $(cat "$TMP/lv1.start")"
pass "pairing 1 (mode='client' + reconnect): virsh start lv1 returned 0" \
	"in $(elapsed) s, domain $(lvirsh domstate lv1)"
grep -o 'charua-net0,path=[^ ]*' "$TMP/lv1.qemu.log" | sed 's/^/  -chardev socket,id=/'
boot_check lv1 "$P1"
grep -q '"host_mtu":1450' "$TMP/lv1.qemu.log" ||
	guest_fail "QEMU of lv1 runs without host_mtu=1450: $(grep -o \
		'driver":"virtio-net-pci[^}]*' "$TMP/lv1.qemu.log")"
ssh_ok "$P1" 'cat /sys/class/net/eth0/mtu' "domain lv1"
[ "$(cat "$TMP/ssh.out")" = 1450 ] ||
	guest_fail "lv1's eth0 has MTU $(cat "$TMP/ssh.out"), not 1450"
vioctl_j port list >"$TMP/ports.json"
[ "$(json_get "0.guest_mtu" <"$TMP/ports.json")" = 1450 ] ||
	fail "port lv1: QEMU told the switch guest_mtu $(json_get "0.guest_mtu" <"$TMP/ports.json")"
! grep -q "port lv1:.*MTU" "$TMP/switch.log" ||
	fail "the switch warned about lv1's MTU: $(grep 'port lv1:.*MTU' "$TMP/switch.log")"
pass "host_mtu=1450 through <qemu:override>: lv1's eth0 has MTU 1450," \
	"the switch read 1450 back and did not warn"
lv_destroy lv1
wait_until 10 sh -c "'$BUILD/vioctl' --ctl '$TMP/ctl.sock' port list |
	grep -q 'connected=false'" || fail "lv1 still connected after virsh destroy"

# ---- 2. libvirt mode='server', a server=off port -----------------------

lv_domain_xml lv2 52:54:00:12:35:02 \
	"<source type='unix' path='$TMP/qemu/lv2.sock' mode='server'/>" \
	"$TMP/vmlinuz" "$TMP/initrd.img" \
	"<qemu:property name='host_mtu' type='unsigned' value='1500'/>" \
	>"$TMP/lv2.xml"
lv_define lv2 "$TMP/lv2.xml"
T0=$(now_us) # elapsed() counts from here (qemu.sh)
lvirsh start lv2 >"$TMP/lv2.start" 2>&1 &
start_pid=$!
cleanup_add "kill $start_pid 2>/dev/null; wait $start_pid 2>/dev/null"
sleep 3
_pid_alive "$start_pid" ||
	fail "virsh start lv2 returned before the switch connected: $(cat "$TMP/lv2.start")"
echo "  after 3 s virsh start lv2 still waits; QEMU's socket:" \
	"$(stat -c '%a %U:%G' "$TMP/qemu/lv2.sock")"
vioctl_j port add "vhost-user,id=lv2,path=$TMP/qemu/lv2.sock,server=off,mtu=1450" >/dev/null ||
	fail "vioctl port add lv2 failed"
t_add=$(now_us)
wait "$start_pid" || fail "virsh start lv2: $(cat "$TMP/lv2.start")"
pass "pairing 2 (mode='server', server=off port): virsh start lv2 returned 0" \
	"$(awk -v d=$(($(now_us) - t_add)) \
	'BEGIN { printf "%.1f", d / 1e6 }') s after the port was added," \
	"$(elapsed) s after it began, domain $(lvirsh domstate lv2)"
boot_check lv2 "$P2"
grep -q "port lv2: QEMU told the guest MTU 1500 but the port has mtu=1450: give QEMU's virtio-net-pci host_mtu=1450" \
	"$TMP/switch.log" ||
	fail "no warning that lv2's guest was told MTU 1500: $(grep 'port lv2:' "$TMP/switch.log")"
vioctl_j port list >"$TMP/ports.json"
[ "$(json_get "2.guest_mtu" <"$TMP/ports.json")" = 1500 ] ||
	fail "port lv2: guest_mtu $(json_get "2.guest_mtu" <"$TMP/ports.json")"
pass "host_mtu=1500 on a port with mtu=1450: the switch warns, naming host_mtu=1450"

echo "  vhost-user ports: $(vhost_counters)"
lv_destroy lv2
stop_switch || fail "the switch exited with status $? at the end"
pass "domains destroyed, the switch exited cleanly"
