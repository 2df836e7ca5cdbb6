#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# install.sh - make install/uninstall into a DESTDIR: the files README.md
# lists, man pages that render without warnings and document every option,
# port key and command the programs print, a unit systemd-analyze accepts,
# and bash completion of commands and of a running switch's port ids
set -euo pipefail
BUILD=${1:-${BUILD:-build}}
. "$(dirname "$0")/../lib/common.sh"

PREFIX=/usr/local
unset VIOSWITCH_CTL
tmpdir_make TMP
DEST=$TMP/root

# ---- make install: exactly the files README.md lists --------------------

# readme_files() - the installed files README.md's "Installing" lists, with
# the default PREFIX
readme_files()
{
	awk '/^## Installing/ { on = 1; next } on && /^## / { on = 0 }
	     on && /^\| `[\/$]/ { split($0, f, "`"); print f[2] }' \
		"$REPO/README.md" | sed "s|\$PREFIX|$PREFIX|" | sort
}

make -s -C "$REPO" BUILD="$BUILD" DESTDIR="$DEST" install >"$TMP/install.log" ||
	fail "make install failed: $(cat "$TMP/install.log")"
expected=$(readme_files)
[ "$(echo "$expected" | wc -l)" -ge 8 ] ||
	fail "README.md's Installing section lists too few files: $expected"
actual=$(cd "$DEST" && find . -type f -o -type l | sed 's|^\.||' | sort)
[ "$expected" = "$actual" ] ||
	fail "DESTDIR install differs from README.md's list:" \
		"$(diff <(echo "$expected") <(echo "$actual") || true)"
[ -x "$DEST$PREFIX/sbin/vioswitch" ] && [ -x "$DEST$PREFIX/bin/vioctl" ] ||
	fail "the installed programs are not executable"
"$DEST$PREFIX/sbin/vioswitch" --version | grep -q '^vioswitch ' ||
	fail "the installed vioswitch does not run"
pass "DESTDIR install holds the $(echo "$actual" | wc -l) files README.md lists"

# ---- man pages ----------------------------------------------------------

MAN8=$DEST$PREFIX/share/man/man8/vioswitch.8
MAN1=$DEST$PREFIX/share/man/man1/vioctl.1
for page in "$MAN8" "$MAN1"; do
	warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >"$TMP/page.txt")
	[ -z "$warn" ] || fail "man --warnings $(basename "$page"): $warn"
	[ "$(wc -l <"$TMP/page.txt")" -gt 100 ] ||
		fail "$(basename "$page") renders to almost nothing"
	wide=$(MANWIDTH=80 man --warnings=w -l "$page" 2>&1 >/dev/null)
	[ -z "$wide" ] || fail "groff -ww $(basename "$page"): $wide"
done
pass "vioswitch(8) and vioctl(1) render at 80 columns without warnings"

# man_text() - a page as plain text, unhyphenated, on long lines
# @$1:	page
man_text()
{
	MANWIDTH=250 man --nh --nj -l "$1" 2>/dev/null |
		sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g'
}

# missing_in() - print each word of stdin that page $1 does not contain,
# as a whole word ("--fdb" is not in "--fdb-age")
# @$1:	page
missing_in()
{
	local text w end

	text=$(man_text "$1")
	while IFS= read -r w; do
		[ -n "$w" ] || continue
		end='(?![a-z0-9_-])'
		[[ $w == *= ]] && end=""
		grep -qP -- "(?<![a-z0-9_-])\\Q$w\\E$end" <<<"$text" ||
			echo "$w"
	done
}

help8=$("$DEST$PREFIX/sbin/vioswitch" --help)
opts8=$(grep -oE -- '--[a-z][a-z-]*' <<<"$help8" | sort -u)
# Port types and keys: "  TYPE,id=ID[,KEY=..]", and the common keys.
types=$(grep -oE '^ +[a-z-]+,id=ID' <<<"$help8" | sed 's/^ *//; s/,id=ID//')
keys=$(grep -oE '\[,[a-z0-9_-]+=' <<<"$help8" | sed 's/^\[,//' | sort -u)
common="id= vlan= trunk= learn_limit= ip= storm="
[ "$(wc -w <<<"$opts8")" -ge 20 ] && [ "$(wc -w <<<"$types")" -ge 4 ] &&
	[ "$(wc -w <<<"$keys")" -ge 40 ] ||
	fail "vioswitch --help: could not find its options, types and keys"
miss=$(printf '%s\n' $opts8 $types $keys $common | missing_in "$MAN8")
[ -z "$miss" ] || fail "vioswitch(8) lacks what --help prints:" $miss

help1=$("$DEST$PREFIX/bin/vioctl" --help)
opts1=$(awk '/^Options:/ { on = 1; next } /^Commands:/ { on = 0 }
	     on' <<<"$help1" | grep -oE -- '(^| )--?[a-z][a-z-]*' | tr -d ' ')
# A command is its group and its subcommand, when it has one.
cmds=$(awk '/^Commands:/ { on = 1; next } on && /^[^ ]/ { on = 0 }
	    on && $1 ~ /^[a-z-]+$/ {
		if ($2 ~ /^[a-z-]+$/) print $1 " " $2; else print $1 }' \
	<<<"$help1")
[ "$(wc -l <<<"$cmds")" -ge 20 ] && [ "$(wc -w <<<"$opts1")" -ge 4 ] ||
	fail "vioctl --help: could not find its options and commands"
miss=$(printf '%s\n' $opts1 "$cmds" | missing_in "$MAN1")
[ -z "$miss" ] || fail "vioctl(1) lacks what --help prints:" $miss
# exit_statuses() - the statuses the EXIT STATUS section of page $1 lists
exit_statuses()
{
	man_text "$1" | awk '/^EXIT STATUS/ { on = 1; next } /^[A-Z]/ { on = 0 }
			     on && $1 ~ /^[0-9]+$/ { print $1 }' | xargs
}
[ "$(exit_statuses "$MAN1")" = "0 1 2 3" ] ||
	fail "vioctl(1) explains exit statuses '$(exit_statuses "$MAN1")'"
[ "$(exit_statuses "$MAN8")" = "0 1 2" ] ||
	fail "vioswitch(8) explains exit statuses '$(exit_statuses "$MAN8")'"

# (grep -q on a pipe would end man early: pipefail)
text8=$(man_text "$MAN8")
text1=$(man_text "$MAN1")
for sec in "EXIT STATUS" FILES ENVIRONMENT; do
	grep -q "^$sec" <<<"$text8" && grep -q "^$sec" <<<"$text1" ||
		fail "a man page has no $sec section"
done
pass "the man pages cover $(wc -w <<<"$opts8") options, $(wc -w <<<"$keys")" \
	"port keys, $(wc -l <<<"$cmds") vioctl commands and the exit statuses"

# ---- the systemd unit ---------------------------------------------------

UNIT=$DEST$PREFIX/lib/systemd/system/vioswitch.service
for want in 'Type=notify' 'NotifyAccess=main' 'WatchdogSec=' \
	    'RuntimeDirectory=vioswitch' 'StateDirectory=vioswitch' \
	    'Restart=on-failure' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
	    "ExecStart=$PREFIX/sbin/vioswitch --config /etc/vioswitch/vioswitch.conf"; do
	grep -qx -- "$want.*" "$UNIT" || fail "the unit has no '$want'"
done
# Verify the installed unit with its program resolvable: the same text, the
# program's path prefixed with DESTDIR; its man pages from DESTDIR.
mkdir "$TMP/verify"
sed "s|^ExecStart=$PREFIX/|ExecStart=$DEST$PREFIX/|" "$UNIT" \
	>"$TMP/verify/vioswitch.service"
out=$(MANPATH=$DEST$PREFIX/share/man systemd-analyze verify \
	"$TMP/verify/vioswitch.service" 2>&1) ||
	fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
pass "systemd-analyze verify accepts vioswitch.service"

# ---- bash completion ----------------------------------------------------

COMPL=$DEST$PREFIX/share/bash-completion/completions/vioctl
VIOCTL=$DEST$PREFIX/bin/vioctl
hf=$(free_port)
start_switch --netdev "user,id=nat,hostfwd=tcp:127.0.0.1:$hf-:22" \
	--netdev "vhost-user,id=vm1,path=$TMP/vm1.sock" \
	--netdev "pcap,id=rec,tx=$TMP/rec.pcap"

# complete_line() - print COMPREPLY, sorted, for a command line typed up to
# its end, split into COMP_WORDS as bash splits it (at blanks, and ':' and
# '=' as words of their own)
# @$1:	the line
complete_line()
{
	bash --norc --noprofile -c '
		. "$1"
		COMP_LINE=$2; COMP_POINT=${#2}; COMP_WORDS=()
		read -ra toks <<<"$2"
		for t in "${toks[@]}"; do
			while [[ $t =~ ^([^:=]+|[:=]+)(.*)$ ]]; do
				COMP_WORDS+=("${BASH_REMATCH[1]}")
				t=${BASH_REMATCH[2]}
			done
		done
		[[ $2 == *[[:blank:]] ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_vioctl
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		complete "$COMPL" "$1"
}

# expect_completion() - fail unless the completion of a line is $1
# @$1:	expected words, sorted, each followed by a blank
# @$2:	the line
expect_completion()
{
	local got

	got=$(complete_line "$2")
	[ "$got" = "$1" ] || fail "completing '$2': got '$got', expected '$1'"
}

V=$VIOCTL
CTL=$TMP/ctl.sock
groups=$(awk '{ print $1 }' <<<"$cmds" | sort -u | tr '\n' ' ')
expect_completion "$groups" "$V "
expect_completion "capture config " "$V c"
expect_completion "add del list " "$V port "
expect_completion "add del flush show " "$V --json fdb "
expect_completion "--ctl --help --json --timeout " "$V --"
expect_completion "nat rec vm1 " "$V --ctl $CTL port del "
expect_completion "vm1 " "$V --ctl $CTL stats v"
expect_completion "nat " "$V --ctl=$CTL hostfwd list "
expect_completion "nat " "$V --timeout 3 --ctl $CTL --json nat leases "
expect_completion "vm1 " "$V --ctl $CTL fdb add 52:54:00:12:34:56 v"
expect_completion "tcp:127.0.0.1:$hf-:22 " "$V --ctl=$CTL hostfwd del nat "
# bash replaces only what follows the last ':' of the word
expect_completion "127.0.0.1:$hf-:22 " "$V --ctl=$CTL hostfwd del nat tcp:1"
expect_completion "vm1,nat vm1,rec vm1,vm1 " "$V --ctl $CTL capture start vm1,"
expect_completion "all nat rec vm1 " "$V --ctl $CTL capture start "
expect_completion "both rx tx " "$V --ctl $CTL capture start vm1 --dir "
expect_completion "to " "$V --ctl $CTL mirror add vm1 "
expect_completion "nat rec vm1 " "$V --ctl $CTL mirror add vm1 to "
vioctl_j capture start vm1 -w "$TMP/vm1.pcapng" >/dev/null
expect_completion "1 " "$V --ctl $CTL capture stop "
# Without --ctl: $VIOSWITCH_CTL, as vioctl itself.
got=$(VIOSWITCH_CTL=$CTL complete_line "$V port del ")
[ "$got" = "nat rec vm1 " ] || fail "completion with \$VIOSWITCH_CTL: '$got'"
got=$(VIOSWITCH_CTL=$TMP/none.sock complete_line "$V port del ")
[ -z "${got// /}" ] || fail "port ids from a socket nobody listens on: $got"
pass "bash completion: commands, subcommands, options, and the port ids," \
	"rules and captures of the running switch (--ctl, --ctl=," \
	"\$VIOSWITCH_CTL; words with ':')"
stop_switch

# ---- make uninstall -----------------------------------------------------

make -s -C "$REPO" BUILD="$BUILD" DESTDIR="$DEST" uninstall \
	>"$TMP/uninstall.log" 2>&1 ||
	fail "make uninstall failed: $(cat "$TMP/uninstall.log")"
left=$(cd "$DEST" && find . -type f -o -type l)
[ -z "$left" ] || fail "make uninstall left: $left"
# An edited configuration survives both.
make -s -C "$REPO" BUILD="$BUILD" DESTDIR="$DEST" install >/dev/null
echo "pmd-cpus 1" >>"$DEST/etc/vioswitch/vioswitch.conf"
make -s -C "$REPO" BUILD="$BUILD" DESTDIR="$DEST" install >"$TMP/install.log"
grep -q "kept the edited" "$TMP/install.log" &&
	tail -n 1 "$DEST/etc/vioswitch/vioswitch.conf" | grep -qx "pmd-cpus 1" ||
	fail "make install overwrote an edited configuration"
make -s -C "$REPO" BUILD="$BUILD" DESTDIR="$DEST" uninstall >/dev/null 2>&1
left=$(cd "$DEST" && find . -type f -o -type l)
[ "$left" = ./etc/vioswitch/vioswitch.conf ] ||
	fail "make uninstall with an edited configuration left: $left"
pass "make uninstall removes every installed file, an edited configuration" \
	"excepted"
