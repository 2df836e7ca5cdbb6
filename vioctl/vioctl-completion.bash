# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# vioctl-completion.bash - bash completion for vioctl
#
# Installed as bash-completion/completions/vioctl. The commands and
# subcommands come from `vioctl --help` of the vioctl being completed, so
# commands added later complete without a change here. Port, capture and
# mirror ids and hostfwd rules are asked of the running switch (`vioctl
# --json port list`, ...), through the control socket named by --ctl on the
# line being completed (else $VIOSWITCH_CTL, else the default), with a 2 s
# timeout. It needs nothing from the bash-completion package.
#
# Bash splits the line at ':' and '=' too (COMP_WORDBREAKS), so a MAC
# address or a hostfwd rule arrives in pieces: _vioctl_split() puts the
# words back together as the shell will see them, and _vioctl_reply()
# hands back only the part after the last ':' or '=' of the word, which is
# what bash replaces.

# _vioctl_prog() - print the vioctl to run: the one being completed when it
# can be run, else the vioctl on PATH
_vioctl_prog()
{
	local prog=${COMP_WORDS[0]}

	if [[ $prog == */* && -x $prog ]] || type -P "$prog" >/dev/null 2>&1; then
		printf '%s\n' "$prog"
	else
		printf 'vioctl\n'
	fi
}

# _vioctl_commands() - print "GROUP SUB" (or "GROUP") per command, from the
# Commands section of `vioctl --help`
_vioctl_commands()
{
	"$(_vioctl_prog)" --help 2>/dev/null | awk '
		/^Commands:/ { on = 1; next }
		on && /^[^ ]/ { on = 0 }
		on && $1 ~ /^[a-z][a-z-]*$/ {
			if ($2 ~ /^[a-z][a-z-]*$/)
				print $1, $2
			else
				print $1
		}'
}

# _vioctl_ask() - run a vioctl command against the switch, JSON output
# @$1:	control socket, or "" for vioctl's default
# @$2...:	the command
_vioctl_ask()
{
	local ctl=$1 args=(--json --timeout 2)

	shift
	[ -n "$ctl" ] && args+=(--ctl "$ctl")
	"$(_vioctl_prog)" "${args[@]}" "$@" 2>/dev/null
}

# _vioctl_ids() - print the top-level "id" of each item of a list reply
# @$1:	control socket, or "" for vioctl's default
# @$2:	"" for every item, or a "type" value that the items must have
# @$3...:	the command (port list, capture list, mirror list)
_vioctl_ids()
{
	local ctl=$1 type=$2

	shift 2
	_vioctl_ask "$ctl" "$@" | awk -v want="$type" '
		# jansson indents by 2: an item member is 4 spaces in
		/^  [{]/ { id = ""; type = "" }
		/^    "id": / { id = $2; gsub(/[",]/, "", id) }
		/^    "type": / { type = $2; gsub(/[",]/, "", type) }
		/^  [}]/ { if (id != "" && (want == "" || type == want)) print id }'
}

# _vioctl_rules() - print the hostfwd rules of a NAT port
# @$1:	control socket, or ""
# @$2:	NAT port id
_vioctl_rules()
{
	_vioctl_ask "$1" hostfwd list "$2" | awk '
		/^    "rule": "/ { sub(/^    "rule": "/, ""); sub(/",?$/, "")
				print }'
}

# _vioctl_split() - set the caller's line (the words up to the cursor, put
# back together where bash split them at ':' or '=') and cw (the index of
# the word being completed)
_vioctl_split()
{
	local rest=${COMP_LINE:0:COMP_POINT} blank w i

	line=()
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		blank=${rest%%[![:blank:]]*}
		rest=${rest#"$blank"}
		if ((i > 0)) && [ -z "$blank" ]; then
			line[${#line[@]} - 1]+=$w
		else
			line+=("$w")
		fi
		rest=${rest#"$w"}
	done
	cw=$((${#line[@]} - 1))
}

# _vioctl_reply() - set COMPREPLY to the words of $2 that start with $1,
# each cut to what bash replaces: the part after the last ':' or '=' of $1
# @$1:	the word being completed
# @$2:	candidates, separated by blanks or newlines
_vioctl_reply()
{
	local pfx=${1%"${1##*[:=]}"} w

	COMPREPLY=()
	while IFS= read -r w; do
		[[ $w == "$pfx"* ]] && w=${w#"$pfx"}
		COMPREPLY+=("$w")
	done < <(compgen -W "$2" -- "$1")
}

# _vioctl_files() - set COMPREPLY to the file names that start with $1
# @$1:	the word being completed
_vioctl_files()
{
	local f

	COMPREPLY=()
	while IFS= read -r f; do
		COMPREPLY+=("$f")
	done < <(compgen -f -- "$1")
	compopt -o filenames 2>/dev/null
}

# _vioctl_list_reply() - complete one element of a comma-separated list
# of ports, or "all" alone
# @$1:	the word being completed ("vm1,v")
# @$2:	the port ids
_vioctl_list_reply()
{
	local head="" last=$1 words="all $2" w

	if [[ $1 == *,* ]]; then
		head=${1%,*},
		last=${1##*,}
		words=$2
	fi
	COMPREPLY=()
	while IFS= read -r w; do
		COMPREPLY+=("$head$w")
	done < <(compgen -W "$words" -- "$last")
	compopt -o nospace 2>/dev/null
}

# _vioctl_capture_opt() - complete the options of capture start and
# mirror add
# @$1:	the word being completed
# @$2:	the word before it
# Return: 0 if it completed something
_vioctl_capture_opt()
{
	case $2 in
	--dir) _vioctl_reply "$1" "rx tx both" ;;
	--format) _vioctl_reply "$1" "pcapng pcap" ;;
	-w)
		_vioctl_files "$1"
		[[ - == "$1"* ]] && COMPREPLY+=(-)
		;;
	--filter | --snaplen | --count | --duration | --rotate) COMPREPLY=() ;;
	*)
		[[ $1 == -* ]] || return 1
		_vioctl_reply "$1" "--dir --filter -w --format --snaplen --count --duration --rotate"
		;;
	esac
	return 0
}

# _vioctl_args() - complete an argument of a command
# @$1:	control socket, or ""
# @$2:	the word being completed
# @$3:	the word before it
# @$4...:	the command words and the arguments before the current one
_vioctl_args()
{
	local ctl=$1 cur=$2 prev=$3 n

	shift 3
	n=$(($# - 2)) # arguments before the current one
	case "$1 ${2:-}" in
	"port del" | "fdb flush")
		((n == 0)) && _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)"
		;;
	"port add")
		((n == 0)) || return 0
		_vioctl_reply "$cur" "vhost-user,id= tap,id= user,id= pcap,id="
		compopt -o nospace 2>/dev/null
		;;
	"fdb add")
		case $n in
		1) _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)" ;;
		2) _vioctl_reply "$cur" "vlan" ;;
		esac
		;;
	"fdb del")
		((n == 1)) && _vioctl_reply "$cur" "vlan"
		;;
	"hostfwd list" | "hostfwd add" | "nat leases")
		((n == 0)) && _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" user port list)"
		;;
	"hostfwd del")
		case $n in
		0) _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" user port list)" ;;
		1) _vioctl_reply "$cur" "$(_vioctl_rules "$ctl" "$3")" ;;
		esac
		;;
	"capture start")
		_vioctl_capture_opt "$cur" "$prev" && return 0
		((n == 0)) && _vioctl_list_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)"
		;;
	"capture stop")
		((n == 0)) && _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" capture list)"
		;;
	"mirror add")
		_vioctl_capture_opt "$cur" "$prev" && return 0
		case $n in
		0) _vioctl_list_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)" ;;
		1) _vioctl_reply "$cur" "to" ;;
		2) _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)" ;;
		esac
		;;
	"mirror del")
		((n == 0)) && _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" mirror list)"
		;;
	esac
	return 0
}

# _vioctl() - the completion function of vioctl
_vioctl()
{
	local line cw cur prev="" ctl=${VIOSWITCH_CTL:-} words=() i w subs

	_vioctl_split
	cur=${line[cw]}
	((cw > 0)) && prev=${line[cw - 1]}
	# The options before the command, and the command words so far.
	for ((i = 1; i < cw; i++)); do
		w=${line[i]}
		if ((${#words[@]})); then
			words+=("$w")
			continue
		fi
		case $w in
		--ctl | --timeout)
			i=$((i + 1))
			[ "$w" = --ctl ] && ctl=${line[i]}
			;;
		--ctl=*) ctl=${w#--ctl=} ;;
		-*) ;;
		*) words+=("$w") ;;
		esac
	done
	# ~ in --ctl ~/x.sock: expand it as the shell will
	# shellcheck disable=SC2088 # a literal ~ is what is matched
	[[ $ctl == "~/"* ]] && ctl=$HOME/${ctl#"~/"}

	if ((${#words[@]} == 0)); then
		case $prev:$cur in
		--ctl:*) _vioctl_files "$cur" ;;
		*:--ctl=*) _vioctl_files "${cur#--ctl=}" ;;
		--timeout:* | *:--timeout=*) COMPREPLY=() ;;
		*:-*) _vioctl_reply "$cur" "--ctl --json --timeout --help" ;;
		*)
			_vioctl_reply "$cur" \
				"$(_vioctl_commands | awk '{ print $1 }' | sort -u)"
			;;
		esac
		return 0
	fi
	# The subcommand, where the group has some.
	if ((${#words[@]} == 1)); then
		subs=$(_vioctl_commands |
			awk -v g="${words[0]}" '$1 == g && NF == 2 { print $2 }')
		if [ -n "$subs" ]; then
			_vioctl_reply "$cur" "$subs"
			return 0
		fi
		# a command without subcommand: stats [ID]
		[ "${words[0]}" = stats ] &&
			_vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)"
		return 0
	fi
	_vioctl_args "$ctl" "$cur" "$prev" "${words[@]}"
}

complete -F _vioctl vioctl
