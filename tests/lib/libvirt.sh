# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# libvirt.sh - a private libvirtd for tests: guests from tests/guest as
# libvirt domains on vhost-user interfaces
#
# Source after common.sh, qemu.sh and tmpdir_make. libvirt_start runs
# virtlogd and libvirtd (`-d`, no systemd needed) as this script's own
# processes, in a mount namespace where libvirt's fixed paths are this
# script's directories:
#
#   /etc/libvirt        $LV/etc   (a copy of the host's: its qemu.conf)
#   /run/libvirt        $LV/run   (sockets, domain pid files)
#   /var/lib/libvirt    $LV/lib   (domain state)
#   /var/cache/libvirt  $LV/cache (QEMU capabilities)
#   /var/log/libvirt    $LV/log   (qemu/NAME.log: QEMU's command line and
#                                  messages, through virtlogd)
#
# so a test neither sees nor changes the host's domains, networks or
# configuration, and two tests never meet. virsh reaches it with
# qemu:///system?socket=$LV/run/libvirt-sock (lvirsh). QEMU runs as
# libvirt's default user, libvirt-qemu (groups kvm and libvirt-qemu), as
# on any Debian host. The one trace outside $TMP is the empty mount point
# /run/libvirt, made when missing and removed at exit.
#
# Every domain lv_define defines is destroyed and undefined at exit, then
# libvirtd and virtlogd get SIGTERM (SIGKILL after 5 s), however the script
# exits.
#
# Variables it sets: LV (the private tree), LV_URI (virsh's URI),
# LV_PIDS (daemon name -> pid).

if [ -n "${_VIOSWITCH_LIBVIRT_SH:-}" ]; then
	return 0
fi
_VIOSWITCH_LIBVIRT_SH=1
# shellcheck disable=SC2034 # QEMU_PID, QEMU_GUESTS, T0 are qemu.sh's

declare -gA LV_PIDS=()
LV=""
LV_URI=""

# lvirsh() - virsh against the private libvirtd (30 s at most)
# @$@:	virsh command and arguments
lvirsh()
{
	timeout 30 virsh -q -c "$LV_URI" "$@"
}

# _lv_daemon_stop() - SIGTERM a daemon of libvirt_start, 5 s, SIGKILL
# @$1:	name (libvirtd, virtlogd)
_lv_daemon_stop()
{
	local pid=${LV_PIDS[$1]:-} i

	[ -n "$pid" ] || return 0
	LV_PIDS[$1]=""
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		_pid_alive "$pid" || return 0
		sleep 0.1
	done
	echo "$1 (pid $pid) ignored SIGTERM: killed" >&2
	kill -KILL "$pid" 2>/dev/null
	return 0
}

# _lv_pidfile() - wait (10 s) for a daemon's pid file, store its pid
# @$1:	name
_lv_pidfile()
{
	local i pid=""

	for ((i = 0; i < 100; i++)); do
		pid=$(cat "$LV/$1.pid" 2>/dev/null) || true
		[ -n "$pid" ] && break
		sleep 0.1
	done
	[ -n "$pid" ] || fail "$1 wrote no pid file ($LV/$1.pid)"
	LV_PIDS[$1]=$pid
}

# _lv_tree() - the private copies of libvirt's directories, kept with
# their owners and modes (libvirt-qemu owns /var/lib/libvirt/qemu)
_lv_tree()
{
	mkdir -p "$LV"
	cp -a /etc/libvirt "$LV/etc"
	cp -a /var/lib/libvirt "$LV/lib"
	cp -a /var/cache/libvirt "$LV/cache"
	cp -a /var/log/libvirt "$LV/log"
	mkdir -m 0755 "$LV/run"
	# No autostarted network or domain of the host's comes along.
	rm -rf "$LV/etc/qemu/autostart" "$LV/etc/qemu/networks/autostart"
}

# libvirt_start() - start the private virtlogd and libvirtd and wait until
# libvirtd answers (60 s: it probes QEMU's capabilities first)
libvirt_start()
{
	local d deadline

	for d in virsh libvirtd virtlogd unshare; do
		command -v "$d" >/dev/null ||
			fail "$d not found (make deps: libvirt-daemon-system, libvirt-clients)"
	done
	getent passwd libvirt-qemu >/dev/null ||
		fail "no user libvirt-qemu (make deps: libvirt-daemon-system)"
	LV=$TMP/libvirt
	LV_URI="qemu:///system?socket=$LV/run/libvirt-sock"
	_lv_tree
	if [ ! -d /run/libvirt ]; then
		mkdir /run/libvirt
		cleanup_add "rmdir /run/libvirt 2>/dev/null"
	fi
	cleanup_add _lv_daemon_stop virtlogd
	cleanup_add _lv_daemon_stop libvirtd
	# The daemons fork away: the namespace lives as long as they do.
	unshare -m --propagation private sh -e -c '
		mount --bind "$1/etc" /etc/libvirt
		mount --bind "$1/run" /run/libvirt
		mount --bind "$1/lib" /var/lib/libvirt
		mount --bind "$1/cache" /var/cache/libvirt
		mount --bind "$1/log" /var/log/libvirt
		virtlogd -d -p "$1/virtlogd.pid"
		libvirtd -d -p "$1/libvirtd.pid"' sh "$LV" \
		>"$TMP/libvirt-start.log" 2>&1 ||
		fail "starting libvirt: $(tail -n 5 "$TMP/libvirt-start.log")"
	_lv_pidfile virtlogd
	_lv_pidfile libvirtd
	deadline=$(($(now_us) + 60000000))
	until lvirsh version >"$TMP/libvirt-version.txt" 2>&1; do
		_pid_alive "${LV_PIDS[libvirtd]}" || fail "libvirtd exited"
		[ "$(now_us)" -lt "$deadline" ] ||
			fail "libvirtd does not answer: $(tail -n 2 "$TMP/libvirt-version.txt")"
		sleep 0.5
	done
	echo "  private libvirtd (pid ${LV_PIDS[libvirtd]}) and virtlogd (pid" \
		"${LV_PIDS[virtlogd]}): $(grep -h 'Running hypervisor' \
		"$TMP/libvirt-version.txt"), $(grep -h 'Using library' \
		"$TMP/libvirt-version.txt")"
}

# _lv_undefine() - destroy and undefine a domain (cleanup of lv_define)
# @$1:	domain name
_lv_undefine()
{
	lvirsh destroy "$1" >/dev/null 2>&1
	lvirsh undefine "$1" >/dev/null 2>&1
	return 0
}

# lv_domain_xml() - a tests/guest domain on one vhost-user interface:
# TCG (type='qemu'), 256 MiB of shared memfd memory, the serial console to
# $TMP/NAME.serial, vectors=0 through <qemu:override> on the interface's
# alias (under TCG QEMU 7.2 crashes with vhost-user and MSI-X; libvirt has
# no attribute for it)
# @$1:	name (also the hostname, vio.name=)
# @$2:	MAC address
# @$3:	the <source> element of the interface
# @$4:	kernel, @$5: initrd (files libvirt-qemu can reach)
# @$6:	more <qemu:property> elements of the interface's device (default
#	none)
lv_domain_xml()
{
	cat <<EOF
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <memoryBacking>
    <source type='memfd'/>
    <access mode='shared'/>
  </memoryBacking>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$4</kernel>
    <initrd>$5</initrd>
    <cmdline>console=ttyS0 quiet ipv6.disable=1 vio.role=dhcp-ssh vio.name=$1</cmdline>
  </os>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <interface type='vhostuser'>
      <mac address='$2'/>
      $3
      <model type='virtio'/>
      <alias name='ua-net0'/>
    </interface>
    <serial type='file'>
      <source path='$TMP/$1.serial'/>
      <target port='0'/>
    </serial>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
  <qemu:override>
    <qemu:device alias='ua-net0'>
      <qemu:frontend>
        <qemu:property name='vectors' type='unsigned' value='0'/>
        ${6:-}
      </qemu:frontend>
    </qemu:device>
  </qemu:override>
</domain>
EOF
}

# lv_define() - define a domain from an XML file, undefined at exit; its
# QEMU log appears as $TMP/NAME.qemu.log and its console as a guest of
# qemu.sh (results, wait_result, guest_fail)
# @$1:	name
# @$2:	XML file
lv_define()
{
	cleanup_add _lv_undefine "$1"
	lvirsh define "$2" >"$TMP/$1.define.log" 2>&1 ||
		fail "virsh define $2: $(cat "$TMP/$1.define.log")"
	ln -sf "$LV/log/qemu/$1.log" "$TMP/$1.qemu.log"
	QEMU_GUESTS+=("$1")
	QEMU_PID[$1]=""
	[ -n "$T0" ] || T0=$(now_us)
}

# lv_destroy() - `virsh destroy` a running domain (its QEMU is gone after)
# @$1:	name
lv_destroy()
{
	QEMU_PID[$1]=""
	lvirsh destroy "$1" >/dev/null || fail "virsh destroy $1 failed"
}

# lv_qemu_pid() - after `virsh start`, let wait_result watch the domain's
# QEMU (libvirt's pid file)
# @$1:	name
lv_qemu_pid()
{
	QEMU_PID[$1]=$(cat "$LV/run/qemu/$1.pid" 2>/dev/null) || true
}
