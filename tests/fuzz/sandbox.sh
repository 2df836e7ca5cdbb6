#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# sandbox.sh - run a fuzz target where fuzzed input cannot reach the
# network or write the machine's files
#
# Usage: tests/fuzz/sandbox.sh [-w DIR]... [--] CMD [ARG]...
#
# CMD runs as root in new network and mount namespaces:
# - the network namespace has only loopback (up), so no connection or
#   datagram a fuzzed frame or request opens can leave the machine;
# - every mount is read-only, except fresh tmpfs over /tmp, /run, /var/tmp
#   and /dev/shm (source "vioswitch-fuzz", gone when CMD ends: EAL's
#   runtime directory, captures and sockets fuzzed requests make) and each
#   DIR given with -w (libFuzzer's output corpus and crash files; not under
#   those four). A repository below one of the four stays visible there,
#   read-only.
# The targets check both at start (tests/fuzz/fuzz_sandbox.c) and refuse
# to run outside, so a direct run cannot slip past this script.
set -eu

if [ "${VIOSWITCH_FUZZ_SANDBOX:-}" != inner ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "sandbox.sh: needs root (unshare of network and mount" \
			"namespaces)" >&2
		exit 2
	fi
	exec env VIOSWITCH_FUZZ_SANDBOX=inner \
		unshare --net --mount --propagation private -- "$0" "$@"
fi
unset VIOSWITCH_FUZZ_SANDBOX

rw=()
while [ $# -gt 0 ]; do
	case $1 in
	-w)
		mkdir -p "$2"
		d=$(realpath "$2")
		case $d/ in
		/tmp/* | /run/* | /var/tmp/* | /dev/shm/*)
			echo "sandbox.sh: -w $2: under a tmpfs the sandbox" \
				"mounts over it" >&2
			exit 2
			;;
		esac
		rw+=("$d")
		shift 2
		;;
	--)
		shift
		break
		;;
	*)
		break
		;;
	esac
done
[ $# -gt 0 ] || {
	echo "usage: sandbox.sh [-w DIR]... [--] CMD [ARG]..." >&2
	exit 2
}

ip link set lo up

# Every mount read-only (mount points are octal-escaped in mountinfo). A
# mount hidden below another one is out of reach and may stay as it is.
while read -r mp; do
	mp=$(printf '%b' "$mp")
	if ! mount -o remount,bind,ro "$mp" 2>/dev/null &&
		mountpoint -q "$mp"; then
		echo "sandbox.sh: cannot make $mp read-only" >&2
		exit 1
	fi
done < <(awk '{ print $5 }' /proc/self/mountinfo)

# The repository (the target, its seeds) may itself live below one of
# those four (a clone in /tmp): keep it visible at its path, read-only,
# through a descriptor opened before the tmpfs covers it.
repo=$(cd "$(dirname "$0")/../.." && pwd -P)
exec 9<"$repo"
for d in /tmp /run /var/tmp /dev/shm; do
	[ -d "$d" ] && [ ! -L "$d" ] || continue
	mount -t tmpfs -o mode=1777,size=1g vioswitch-fuzz "$d"
	case $repo/ in
	"$(realpath "$d")"/*)
		mkdir -p "$repo"
		mount --no-canonicalize --bind /proc/self/fd/9 "$repo"
		mount -o remount,bind,ro "$repo"
		;;
	esac
done
exec 9<&-
for d in "${rw[@]+"${rw[@]}"}"; do
	mount --bind "$d" "$d"
	mount -o remount,bind,rw "$d"
done
VIOSWITCH_FUZZ_RW=$(
	IFS=:
	echo "${rw[*]+"${rw[*]}"}"
)
export VIOSWITCH_FUZZ_RW
exec "$@"
