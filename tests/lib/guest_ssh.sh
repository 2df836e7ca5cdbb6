# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# guest_ssh.sh - ssh into tests/guest guests (vio.role=dhcp-ssh) through
# hostfwd rules
#
# Source after common.sh, qemu.sh and tmpdir_make. guest_ssh_setup makes a
# client key for this run and $TMP/initrd.img: the guest's initrd with the
# key appended as root's authorized_keys (the guest image holds no key).
#
# Variables it sets: SSH_KEY (the private key), TRIES (attempts the last
# ssh_ok took). Output of the last ssh: $TMP/ssh.out, its messages
# $TMP/ssh.err.

if [ -n "${_VIOSWITCH_GUEST_SSH_SH:-}" ]; then
	return 0
fi
_VIOSWITCH_GUEST_SSH_SH=1

SSH_KEY=""
TRIES=0

# guest_ssh_setup() - the client key and $TMP/initrd.img that trusts it
guest_ssh_setup()
{
	local tool

	for tool in ssh ssh-keygen; do
		command -v "$tool" >/dev/null ||
			fail "$tool not found (apt-get install openssh-client)"
	done
	SSH_KEY=$TMP/id_ed25519
	ssh-keygen -q -t ed25519 -N '' -C vioswitch-test -f "$SSH_KEY"
	mkdir -p "$TMP/keys/root/.ssh"
	cp "$SSH_KEY.pub" "$TMP/keys/root/.ssh/authorized_keys"
	chmod 0700 "$TMP/keys/root" "$TMP/keys/root/.ssh"
	chmod 0600 "$TMP/keys/root/.ssh/authorized_keys"
	initrd_append "$TMP/keys" "$TMP/initrd.img"
}

# free_ports() - N TCP ports free on 127.0.0.1 right now
# @$1:	N
free_ports()
{
	python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# ssh_run() - run a command as root on the guest behind 127.0.0.1:PORT,
# key authentication only
# @$1:	port
# @$2:	command
# @$3:	connect timeout in seconds (default 30)
ssh_run()
{
	bg_wait timeout 60 ssh -F /dev/null -p "$1" -i "$SSH_KEY" \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o IdentitiesOnly=yes -o BatchMode=yes \
		-o ConnectTimeout="${3:-30}" -o LogLevel=ERROR root@127.0.0.1 \
		"$2" </dev/null >"$TMP/ssh.out" 2>"$TMP/ssh.err"
}

# ssh_ok() - ssh_run until it succeeds or SECONDS pass (then fail)
# @$1:	port
# @$2:	command
# @$3:	what is reached, for the message
# @$4:	seconds (default 60)
ssh_ok()
{
	local deadline=$(($(now_us) + ${4:-60} * 1000000))

	TRIES=0
	while true; do
		TRIES=$((TRIES + 1))
		ssh_run "$1" "$2" && return 0
		[ "$(now_us)" -lt "$deadline" ] ||
			guest_fail "ssh through 127.0.0.1:$1 to $3 failed $TRIES" \
				"times in ${4:-60} s; last: $(tr '\n' ' ' \
				<"$TMP/ssh.err")"
		sleep 0.5
	done
}
