#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# unit_exec.sh - run a command as a systemd unit's [Service] would, without
# systemd (CI has no systemd as PID 1)
#
# Usage: unit_exec.sh UNIT [--dropin FILE]... RWDIR... -- COMMAND [ARG]...
#
# Drop-ins are read after the unit, as systemd reads them: a later value
# replaces an earlier one, but CapabilityBoundingSet=, AmbientCapabilities=
# and ExecStartPre= add to the earlier ones.
#
# Runs the unit's ExecStartPre=+ commands (full privileges, no sandbox, as
# systemd does), then reads these settings of UNIT, applies them and
# execs COMMAND:
#   CapabilityBoundingSet=, AmbientCapabilities=, NoNewPrivileges=
#                     setpriv(1), as systemd sets them for a root service
#                     (inheritable set cleared but for the ambient one)
#   ProtectSystem=strict
#                     every mount read-only in a private mount namespace,
#                     but /proc (ProtectKernelTunables= keeps /proc/sys
#                     read-only) and /dev; RWDIR... (standing for the
#                     unit's RuntimeDirectory= and StateDirectory=) and
#                     ReadWritePaths= writable
#   ProtectHome=yes   /home, /root and /run/user empty and inaccessible
#   PrivateTmp=yes    a fresh /tmp and /var/tmp
#   DevicePolicy=closed, DeviceAllow=
#                     a /dev holding only the devices "closed" allows and
#                     those DeviceAllow= names (and a fresh /dev/shm)
#   SystemCallFilter=~..., SystemCallErrorNumber=, RestrictAddressFamilies=,
#   RestrictNamespaces=yes, RestrictRealtime=yes, LockPersonality=yes,
#   SystemCallArchitectures=native
#                     a seccomp filter as systemd's (tests/lib/unit_seccomp.py)
# Runs as root.
set -euo pipefail

if [ "${_UNIT_EXEC_NS:-}" != 1 ]; then
	_UNIT_EXEC_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
unset _UNIT_EXEC_NS

unit=${1:?usage: unit_exec.sh UNIT [--dropin FILE]... RWDIR... -- COMMAND...}
shift
dropins=()
while [ "${1:-}" = --dropin ]; do
	dropins+=("$2")
	shift 2
done
rw=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	rw+=("$1")
	shift
done
[ "${1:-}" = -- ] || { echo "unit_exec.sh: missing --" >&2; exit 2; }
shift
# Read now: PrivateTmp= may hide them, and this repository too when it is
# a clone under /tmp.
unit_text=$(cat "$unit" "${dropins[@]}")
seccomp_py=$(cat "$(dirname "$0")/unit_seccomp.py")

# unit_get() - print the last value of KEY in the [Service] section
# @$1:	key
unit_get()
{
	awk -v key="$1" '
		/^\[/ { service = ($0 == "[Service]") }
		service && index($0, key "=") == 1 {
			v = substr($0, length(key) + 2)
		}
		END { print v }' <<<"$unit_text"
}

# unit_get_all() - print every value of KEY in the [Service] sections,
# joined by blanks (the keys whose values add up)
# @$1:	key
unit_get_all()
{
	awk -v key="$1" '
		/^\[/ { service = ($0 == "[Service]") }
		service && index($0, key "=") == 1 {
			# an empty assignment resets the list
			x = substr($0, length(key) + 2)
			v = x == "" ? "" : v " " x
		}
		END { print v }' <<<"$unit_text"
}

# caps_list() - turn "CAP_A CAP_B" into setpriv's "+a,+b"
# @$1:	capability names
caps_list()
{
	local c out=""

	for c in $1; do
		c=${c,,}
		out+=",+${c#cap_}"
	done
	printf '%s' "${out#,}"
}

# dev_node() - recreate device node $1 of the host under the new /dev
# @$1:	path, e.g. /dev/net/tun
# @$2:	root of the new /dev
dev_node()
{
	local major minor type

	[ -e "$1" ] || return 0
	read -r major minor type < <(stat -L -c '%t %T %F' "$1")
	mkdir -p "$(dirname "$2/${1#/dev/}")"
	case $type in
	"character special file") type=c ;;
	*) type=b ;;
	esac
	mknod -m "$(stat -L -c %a "$1")" "$2/${1#/dev/}" "$type" \
		$((16#$major)) $((16#$minor))
}

# ExecStartPre=+CMD: run before the sandbox, with full privileges
while read -r pre; do
	[ -n "$pre" ] && eval "${pre#+}"
done < <(awk '/^\[/ { s = ($0 == "[Service]") }
	      s && /^ExecStartPre=\+/ { print substr($0, 14) }' \
	      <<<"$unit_text")

if [ "$(unit_get DevicePolicy)" = closed ]; then
	newdev=$(mktemp -d /run/unit-exec-dev.XXXXXX)
	mount -t tmpfs -o mode=755,nosuid tmpfs "$newdev"
	for d in /dev/null /dev/zero /dev/full /dev/random /dev/urandom \
		 /dev/tty /dev/ptmx; do
		dev_node "$d" "$newdev"
	done
	# DeviceAllow=PATH [rwm] lines, each
	while read -r d _; do
		[ -n "$d" ] && dev_node "$d" "$newdev"
	done < <(awk '/^\[/ { s = ($0 == "[Service]") }
		      s && /^DeviceAllow=/ { print substr($0, 13) }' \
		      <<<"$unit_text")
	ln -s /proc/self/fd "$newdev/fd"
	mkdir "$newdev/shm"
	mount --move "$newdev" /dev
	rmdir "$newdev"
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
fi
if [ "$(unit_get ProtectSystem)" = strict ]; then
	# Each mount on its own: a recursive read-only remount needs more
	# than util-linux offers here.
	findmnt -rn -o TARGET | sort -u | while read -r t; do
		case $t in
		/proc | /proc/* | /dev | /dev/*) continue ;;
		esac
		mount -o remount,bind,ro "$t" 2>/dev/null || true
	done
	if [ "$(unit_get ProtectKernelTunables)" = yes ]; then
		mount --bind /proc/sys /proc/sys
		mount -o remount,bind,ro /proc/sys
	fi
fi
if [ "$(unit_get ProtectHome)" = yes ]; then
	for d in /home /root /run/user; do
		[ -d "$d" ] && mount -t tmpfs -o ro,mode=000 tmpfs "$d"
	done
fi
if [ "$(unit_get PrivateTmp)" = yes ]; then
	for d in /tmp /var/tmp; do
		mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$d"
	done
fi
for d in $(unit_get ReadWritePaths); do
	d=${d#-}
	[ -e "$d" ] && rw+=("$d")
done
for d in "${rw[@]}"; do
	mount --bind "$d" "$d"
	mount -o remount,bind,rw "$d"
done

bset=$(caps_list "$(unit_get_all CapabilityBoundingSet)")
args=(--bounding-set "-all${bset:+,}$bset")
ambient=$(caps_list "$(unit_get_all AmbientCapabilities)")
if [ -n "$ambient" ]; then
	args+=(--inh-caps "-all,$ambient" --ambient-caps "-all,$ambient")
else
	args+=(--inh-caps -all)
fi
if [ "$(unit_get NoNewPrivileges)" = yes ]; then
	args+=(--no-new-privs)
fi

# The seccomp settings, by unit_seccomp.py, between setpriv and COMMAND.
sc=()
filter=$(unit_get_all SystemCallFilter)
filter=${filter# }
if [ -n "$filter" ]; then
	[[ $filter == "~"* ]] || {
		echo "unit_exec.sh: only a deny-list SystemCallFilter=~ is" \
			"emulated" >&2
		exit 2
	}
	sc+=(--deny "${filter#"~"}")
fi
[ -n "$(unit_get SystemCallErrorNumber)" ] &&
	sc+=(--errno "$(unit_get SystemCallErrorNumber)")
[ -n "$(unit_get RestrictAddressFamilies)" ] &&
	sc+=(--families "$(unit_get RestrictAddressFamilies)")
[ "$(unit_get RestrictNamespaces)" = yes ] && sc+=(--restrict-namespaces)
[ "$(unit_get RestrictRealtime)" = yes ] && sc+=(--restrict-realtime)
[ "$(unit_get LockPersonality)" = yes ] && sc+=(--lock-personality)
if ((${#sc[@]})); then
	exec setpriv "${args[@]}" -- /usr/bin/python3 -c "$seccomp_py" \
		"${sc[@]}" -- "$@"
fi
exec setpriv "${args[@]}" -- "$@"
