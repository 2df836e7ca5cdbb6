# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# qemu.sh - real Linux guests (tests/guest) under QEMU on vhost-user ports
#
# Source after common.sh and tmpdir_make. Each guest has a short NAME: its
# serial console goes to $TMP/NAME.serial, QEMU's own messages to
# $TMP/NAME.qemu.log, and its QEMU gets SIGTERM (then SIGKILL) when the
# script exits, however it exits. tests/guest/init reports on the console
# in lines "VIO-RESULT WORD ..." (see there); results() reads them back.
#
# Under TCG virtio-net-pci gets vectors=0, as QEMU 7.2 crashes with
# vhost-user and MSI-X there. TCG is the default because KVM does not work
# on these machines although /dev/kvm opens and KVM_CREATE_VM succeeds:
# QEMU 7.2 with -accel kvm prints nothing on the serial console for a
# minute, and with -cpu host it aborts ("failed to set MSR 0x10a").
#
# Environment: VIOSWITCH_GUEST_DIR (default REPO/build/guest),
# VIOSWITCH_GUEST_ACCEL=tcg|kvm (default tcg).
#
# Variables it uses or sets:
#   GUEST        the guest directory (vmlinuz, initrd.img, VERSION)
#   ACCEL        QEMU accelerator
#   QEMU_PID     NAME -> pid of that guest's QEMU ("" once stopped)
#   QEMU_GUESTS  guest names in the order they were started
#   T0           now_us when the first guest started (elapsed() counts
#                from it)
#   DEADLINE     now_us after which wait_result fails; TIMEOUT its length
#                in seconds, for the message (deadline_in sets both)

if [ -n "${_VIOSWITCH_QEMU_SH:-}" ]; then
	return 0
fi
_VIOSWITCH_QEMU_SH=1

GUEST=${VIOSWITCH_GUEST_DIR:-$REPO/build/guest}
ACCEL=${VIOSWITCH_GUEST_ACCEL:-tcg}
declare -gA QEMU_PID=()
QEMU_GUESTS=()
T0=""

# guest_build() - build (or reuse) the guest in $GUEST; fail with the end
# of the builder's log
guest_build()
{
	command -v qemu-system-x86_64 >/dev/null ||
		fail "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
	bg_wait "$REPO/tests/guest/build-guest.sh" "$GUEST" \
		>"$TMP/guest-build.log" 2>&1 ||
		fail "building the guest failed: $(tail -n 5 "$TMP/guest-build.log")"
	echo "  guest: $(head -1 "$GUEST/VERSION"), accel $ACCEL"
}

# guest_kernel_release() - the `uname -r` of the guest's kernel, from
# $GUEST/VERSION (linux-image-6.1.0-NN-amd64 -> 6.1.0-NN-amd64)
guest_kernel_release()
{
	local pkg

	read -r pkg _ <"$GUEST/VERSION"
	echo "${pkg#linux-image-}"
}

# initrd_append() - the guest's initrd with a directory tree appended as a
# second cpio archive (gzip, owned by root, modes kept): the kernel unpacks
# both, the second over the first
# @$1:	directory whose contents go to the guest's /
# @$2:	output initrd
initrd_append()
{
	command -v busybox >/dev/null ||
		fail "busybox not found (apt-get install busybox-static)"
	cp "$GUEST/initrd.img" "$2"
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		busybox cpio -o -H newc -R 0:0 2>/dev/null) | gzip -9n >>"$2" ||
		fail "appending $1 to the guest's initrd failed"
}

# deadline_in() - set DEADLINE (and TIMEOUT) to SECONDS from now
# @$1:	seconds
deadline_in()
{
	TIMEOUT=$1
	DEADLINE=$(($(now_us) + TIMEOUT * 1000000))
}

# elapsed() - seconds since the first guest was started, one decimal
elapsed()
{
	awk -v d=$(($(now_us) - ${T0:-$(now_us)})) \
		'BEGIN { printf "%.1f", d / 1e6 }'
}

# serial() - a guest's serial log without carriage returns
# @$1:	guest name
serial()
{
	tr -d '\r' 2>/dev/null <"$TMP/$1.serial" || true
}

# results() - the fields after "VIO-RESULT WORD" in a guest's log
# @$1:	guest name
# @$2:	word
results()
{
	serial "$1" | sed -n "s/.*VIO-RESULT $2 *//p"
}

# guest_fail() - fail, showing the end of every guest's serial log and
# QEMU's own messages
# @$*:	message
guest_fail()
{
	local g

	for g in "${QEMU_GUESTS[@]}"; do
		echo "--- last 25 lines of guest $g's serial console ---" >&2
		serial "$g" | tail -n 25 >&2
		if [ -s "$TMP/$g.qemu.log" ]; then
			echo "--- QEMU of guest $g ---" >&2
			tail -n 10 "$TMP/$g.qemu.log" >&2
		fi
	done
	fail "$*"
}

# qemu_stop() - SIGTERM a guest's QEMU, 5 s grace, then SIGKILL
# @$1:	guest name
qemu_stop()
{
	local pid=${QEMU_PID[$1]:-} i

	[ -n "$pid" ] || return 0
	QEMU_PID[$1]=""
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		_pid_alive "$pid" || break
		sleep 0.1
	done
	if _pid_alive "$pid"; then
		echo "QEMU of guest $1 (pid $pid) ignored SIGTERM: killed" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# qemu_start() - boot a guest on a vhost-user socket
# @$1:	guest name
# @$2:	MAC address
# @$3:	vhost-user socket (the switch's, server=on)
# @$4:	the vio.* keys of its kernel command line
# @$5:	initrd (default $GUEST/initrd.img)
# @$6:	more -chardev options (",reconnect=1"; ",server=on,wait=off" for a
#	server=off port), default none
# @$7:	more virtio-net-pci options (",host_mtu=1450"), default none
qemu_start()
{
	local name=$1 mac=$2 sock=$3 initrd=${5:-$GUEST/initrd.img}
	local chardev_opts=${6:-} dev_opts=${7:-}
	local vectors=",vectors=0" wrap=()

	[ "$ACCEL" = tcg ] || vectors=""
	# Should this script be killed outright, QEMU gets SIGTERM.
	command -v setpriv >/dev/null && wrap=(setpriv --pdeathsig TERM)
	[ -n "$T0" ] || T0=$(now_us)
	"${wrap[@]}" qemu-system-x86_64 -accel "$ACCEL" -smp 1 -m 256M \
		-object memory-backend-memfd,id=mem0,size=256M,share=on \
		-numa node,memdev=mem0 \
		-no-user-config -nodefaults -display none \
		-serial "file:$TMP/$name.serial" \
		-chardev "socket,id=c0,path=$sock$chardev_opts" \
		-netdev vhost-user,id=n0,chardev=c0 \
		-device "virtio-net-pci,netdev=n0,mac=$mac$vectors$dev_opts" \
		-kernel "$GUEST/vmlinuz" -initrd "$initrd" \
		-append "console=ttyS0 quiet ipv6.disable=1 $4" \
		</dev/null >"$TMP/$name.qemu.log" 2>&1 &
	QEMU_PID[$name]=$!
	QEMU_GUESTS+=("$name")
	cleanup_add qemu_stop "$name"
}

# wait_result() - wait until a guest has printed COUNT "VIO-RESULT WORD"
# lines; fail on a guest error, a QEMU that exited or DEADLINE
# @$1:	guest name
# @$2:	word
# @$3:	count
# @$4:	what is awaited, for the message
wait_result()
{
	local g

	while [ "$(results "$1" "$2" | wc -l)" -lt "$3" ]; do
		for g in "${QEMU_GUESTS[@]}"; do
			if serial "$g" | grep -q 'VIO-RESULT error'; then
				guest_fail "guest $g: $(results "$g" error | head -1)"
			fi
			[ -z "${QEMU_PID[$g]}" ] || _pid_alive "${QEMU_PID[$g]}" ||
				guest_fail "QEMU of guest $g exited waiting for $4"
		done
		[ "$(now_us)" -lt "$DEADLINE" ] ||
			guest_fail "timeout ($TIMEOUT s) waiting for $4"
		sleep 0.2
	done
}

# vhost_counters() - "ID connected=B connects=N disconnects=N" for every
# vhost-user port of the switch (vioctl --json port list), joined by "; "
vhost_counters()
{
	vioctl_j port list | python3 -c '
import json, sys
doc = json.load(sys.stdin)
if isinstance(doc, dict) and "result" in doc:
    doc = doc["result"]
print("; ".join("%s connected=%s connects=%s disconnects=%s" % (
    p["id"], str(p.get("connected")).lower(), p.get("connects"),
    p.get("disconnects")) for p in doc if "connects" in p))'
}
