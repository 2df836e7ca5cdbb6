# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# vioctl-completion.bash - bash completion for vioctl
#
# Installed as bash-completion/completions/vioctl. The commands and
# subcommands come from `vioctl --help` of the vioctl being completed, so
# commands added later complete without a change here. Port, capture and
# mirror ids are asked of the running switch (`vioctl --json port list`),
# through the control socket named by --ctl on the line being completed
# (else $VIOSWITCH_CTL, else the default), with a 2 s timeout.
# It needs nothing from the bash-completion package.

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

# _vioctl_ids() - print the top-level "id" of each item of a list reply
# @$1:	control socket, or "" for vioctl's default
# @$2:	"" for every item, or a "type" value that the items must have
# @$3...:	the command (port list, capture list, mirror list)
_vioctl_ids()
{
	local ctl=$1 type=$2 args=(--json --timeout 2)

	shift 2
	[ -n "$ctl" ] && args+=(--ctl "$ctl")
	"$(_vioctl_prog)" "${args[@]}" "$@" 2>/dev/null | awk -v want="$type" '
		# jansson indents by 2: an item member is 4 spaces in
		/^  [{]/ { id = ""; type = "" }
		/^    "id": / { id = $2; gsub(/[",]/, "", id) }
		/^    "type": / { type = $2; gsub(/[",]/, "", type) }
		/^  [}]/ { if (id != "" && (want == "" || type == want)) print id }'
}

# _vioctl_reply() - set COMPREPLY to the words of $2 that start with $1
# @$1:	the word being completed
# @$2:	candidates, separated by blanks or newlines
_vioctl_reply()
{
	local w

	COMPREPLY=()
	while IFS= read -r w; do
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

# _vioctl() - the completion function of vioctl
# @$1:	the command
# @$2:	the word being completed
# @$3:	the word before it
_vioctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev="" ctl=${VIOSWITCH_CTL:-}
	local words=() i w cmds subs

	# The options before the command, and the command words so far.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((${#words[@]})); then
			words+=("$w")
			continue
		fi
		case $w in
		--ctl | --timeout)
			i=$((i + 1))
			# --ctl=PATH: COMP_WORDBREAKS made "=" a word
			[ "${COMP_WORDS[i]}" = "=" ] && i=$((i + 1))
			[ "$w" = --ctl ] && ctl=${COMP_WORDS[i]}
			;;
		--ctl=*) ctl=${w#--ctl=} ;;
		-*) ;;
		*) words+=("$w") ;;
		esac
	done
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	[ "$prev" = "=" ] && ((COMP_CWORD > 1)) &&
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	[ "$cur" = "=" ] && cur=""
	# ~ in --ctl ~/x.sock: expand it as the shell will
	# shellcheck disable=SC2088 # a literal ~ is what is matched
	[[ $ctl == "~/"* ]] && ctl=$HOME/${ctl#"~/"}

	if ((${#words[@]} == 0)); then
		case $prev in
		--ctl)
			_vioctl_files "$cur"
			return 0
			;;
		--timeout)
			COMPREPLY=()
			return 0
			;;
		esac
		if [[ $cur == -* ]]; then
			_vioctl_reply "$cur" "--ctl --json --timeout --help"
		else
			cmds=$(_vioctl_commands)
			_vioctl_reply "$cur" "$(printf '%s\n' "$cmds" | awk '{ print $1 }' | sort -u)"
		fi
		return 0
	fi

	# The subcommand, where the group has some.
	if ((${#words[@]} == 1)); then
		subs=$(_vioctl_commands | awk -v g="${words[0]}" '$1 == g && NF == 2 { print $2 }')
		if [ -n "$subs" ]; then
			_vioctl_reply "$cur" "$subs"
			return 0
		fi
	fi

	# Arguments: n is the argument's position after the command words.
	case "${words[0]} ${words[1]:-}" in
	"port del"*)
		((${#words[@]} == 2)) && _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)"
		;;
	"port add"*)
		((${#words[@]} == 2)) || return 0
		_vioctl_reply "$cur" "vhost-user,id= tap,id= user,id= pcap,id="
		compopt -o nospace 2>/dev/null
		;;
	"fdb flush"*)
		((${#words[@]} == 2)) && _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)"
		;;
	"fdb add"*)
		case ${#words[@]} in
		3) _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)" ;;
		4) _vioctl_reply "$cur" "vlan" ;;
		esac
		;;
	"fdb del"*)
		((${#words[@]} == 3)) && _vioctl_reply "$cur" "vlan"
		;;
	"hostfwd "* | "nat leases"*)
		((${#words[@]} == 2)) && _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" user port list)"
		;;
	"capture start"*)
		_vioctl_capture_opt "$cur" "$prev" && return 0
		((${#words[@]} == 2)) &&
			_vioctl_list_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)"
		;;
	"capture stop"*)
		((${#words[@]} == 2)) && _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" capture list)"
		;;
	"mirror add"*)
		_vioctl_capture_opt "$cur" "$prev" && return 0
		case ${#words[@]} in
		2) _vioctl_list_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)" ;;
		3) _vioctl_reply "$cur" "to" ;;
		4) _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)" ;;
		esac
		;;
	"mirror del"*)
		((${#words[@]} == 2)) && _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" mirror list)"
		;;
	"stats "*)
		((${#words[@]} == 1)) && _vioctl_reply "$cur" "$(_vioctl_ids "$ctl" "" port list)"
		;;
	esac
	return 0
}

complete -F _vioctl vioctl
