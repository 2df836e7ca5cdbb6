#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vhost_socket.sh - who may connect to a vhost-user socket: mode 0660 and
# group kvm by default when the switch runs as root (so libvirt's QEMU,
# user libvirt-qemu in group kvm, can connect), group= and mode= set
# them, a user outside the group is refused; a peer that leaves before its
# device is ready is logged with the likely reasons; a socket path longer
# than sun_path is refused naming its length and the limit
set -euo pipefail
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
tmpdir_make
chmod 711 "$TMP" # user nobody below must reach the sockets in it

if ! getent group kvm >/dev/null; then
	groupadd -r kvm # Debian's udev or QEMU normally made it
	cleanup_add "groupdel kvm"
fi
kvm_gid=$(getent group kvm | cut -d: -f3)

start_switch --netdev "vhost-user,id=vm1,path=$TMP/vm1.sock" \
	--netdev "vhost-user,id=vm2,path=$TMP/vm2.sock,group=nogroup,mode=0600" \
	--netdev "vhost-user,id=vm3,path=$TMP/vm3.sock,owner=nobody,group=$kvm_gid,mode=0666"
got1=$(stat -c '%a %U:%G' "$TMP/vm1.sock")
got2=$(stat -c '%a %U:%G' "$TMP/vm2.sock")
got3=$(stat -c '%a %U:%G' "$TMP/vm3.sock")
echo "  vm1.sock $got1 (default), vm2.sock $got2 (group=nogroup,mode=0600), vm3.sock $got3"
[ "$got1" = "660 root:kvm" ] || fail "default socket: $got1, want 660 root:kvm"
[ "$got2" = "600 root:nogroup" ] || fail "group=nogroup,mode=0600: $got2"
[ "$got3" = "666 nobody:kvm" ] || fail "owner=nobody,group=$kvm_gid,mode=0666: $got3"

# connect_as GID SOCK - connect as user nobody with only group GID
connect_as() {
	setpriv --reuid=65534 --regid="$1" --clear-groups \
		socat -u /dev/null "UNIX-CONNECT:$2" 2>/dev/null
}
connect_as "$kvm_gid" "$TMP/vm1.sock" || fail "a member of group kvm cannot connect to vm1.sock"
connect_as 65534 "$TMP/vm1.sock" && fail "a user outside group kvm connected to vm1.sock"
pass "sockets: 0660 root:kvm by default (a kvm member connects, others are refused), group=, owner= and mode= applied"

# The member's connection above left at once: the log says why it may have.
wait_until 5 grep -q "port vm1: a peer on $TMP/vm1.sock left before its virtio-net device was ready; likely: guest memory not shared" "$TMP/switch.log" ||
	fail "no log line for a peer that left before its device was ready"
pass "a peer leaving before its device is ready is logged with the likely reasons"

long="$TMP/$(printf 'x%.0s' $(seq 120)).sock"
out=$("$BUILD/vioctl" --ctl "$TMP/ctl.sock" port add "vhost-user,id=vl,path=$long" 2>&1) &&
	fail "a socket path of ${#long} bytes was accepted"
grep -qF "path=$long: ${#long} bytes, longer than a unix socket path may be (107 bytes)" <<<"$out" ||
	fail "long path: '$out'"
pass "a ${#long}-byte socket path is refused naming its length and the limit (107)"

stop_switch || fail "exit status $?"
pass "clean exit"
