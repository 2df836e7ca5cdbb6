#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# guest_nat.sh - real Linux guests (QEMU, tests/guest) on vhost-user ports
# behind the user-mode NAT: each takes its address by DHCP and runs
# dropbear, and the host logs in with ssh through hostfwd rules - the one
# without a guest address and the ones naming the switch ports, each
# reaching its own guest
#
# One switch: vhost-user ports vm1 and vm2 and a NAT with three rules,
# tcp::P0-:22 (the NAT's first DHCP address), tcp::P1-vm1:22 and
# tcp::P2-vm2:22. Guest vm1 boots alone (vio.role=dhcp-ssh: udhcpc, then
# dropbear with public keys only), leases 10.0.2.15, and `ssh -p P0` runs
# `uname -r; cat /proc/cmdline` on it; a key it does not know is refused.
# Then vm2 boots and leases another address; ssh through P1 and P2 each
# lands on its own guest - its hostname, the vio.name= marker on its kernel
# command line and its host key say which - and P0 still reaches vm1.
#
# The client key is made per run (ssh-keygen in TMP) and reaches the guests
# as root's authorized_keys in a second cpio appended to the initrd: the
# guest image holds no key. The host key is made at each guest's boot.
#
# Environment: VIOSWITCH_GUEST_DIR, VIOSWITCH_GUEST_ACCEL (tests/lib/qemu.sh),
# VIOSWITCH_GUEST_TIMEOUT seconds for a guest to boot, take its lease and
# start dropbear (default 120), VIOSWITCH_SSH_TIMEOUT seconds of ssh
# attempts through one rule (default 60).
set -euo pipefail
# shellcheck disable=SC2034 # BUILD is read by common.sh
BUILD=${1:-build}
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/qemu.sh"
tmpdir_make
BOOT_TIMEOUT=${VIOSWITCH_GUEST_TIMEOUT:-120}
SSH_TIMEOUT=${VIOSWITCH_SSH_TIMEOUT:-60}
declare -A LEASE HOSTKEY

for tool in ssh ssh-keygen ssh-keyscan; do
	command -v "$tool" >/dev/null ||
		fail "$tool not found (apt-get install openssh-client)"
done

# free_ports N - N TCP ports free on 127.0.0.1 right now
free_ports() {
	python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# ssh_run PORT KEY CMD - run CMD as root on the guest behind 127.0.0.1:PORT
# with key authentication only (never a password prompt); its output goes
# to $TMP/ssh.out, ssh's own messages to $TMP/ssh.err
ssh_run() {
	bg_wait timeout 60 ssh -F /dev/null -p "$1" -i "$2" \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=30 \
		-o LogLevel=ERROR root@127.0.0.1 "$3" \
		</dev/null >"$TMP/ssh.out" 2>"$TMP/ssh.err"
}

# ssh_ok PORT CMD WHAT - ssh_run with the authorized key until it succeeds
# (SSH_TIMEOUT); TRIES says how many attempts it took
ssh_ok() {
	local deadline=$(($(now_us) + SSH_TIMEOUT * 1000000))
	TRIES=0
	while true; do
		TRIES=$((TRIES + 1))
		ssh_run "$1" "$TMP/id_ed25519" "$2" && return 0
		[ "$(now_us)" -lt "$deadline" ] ||
			guest_fail "ssh through 127.0.0.1:$1 to $3 failed $TRIES times" \
				"in $SSH_TIMEOUT s; last: $(tr '\n' ' ' <"$TMP/ssh.err" |
					sed 's/ *$//'); rules: $(vioctl_j hostfwd list |
					tr -d ' \n')"
		sleep 1
	done
}

# rule_guest RULE - where `vioctl hostfwd list` says RULE forwards to
rule_guest() {
	vioctl_j hostfwd list | python3 -c '
import json, sys
doc = json.load(sys.stdin)
doc = doc.get("result", doc) if isinstance(doc, dict) else doc
print(next((r["guest"] for r in doc if r["rule"] == sys.argv[1]), "(no rule)"))' "$1"
}

# rules_at WANT0 WANT1 WANT2 - do the three rules forward where said?
rules_at() {
	[ "$(rule_guest "$RULE0")" = "$1" ] &&
		[ "$(rule_guest "$RULE1")" = "$2" ] &&
		[ "$(rule_guest "$RULE2")" = "$3" ]
}

# rules_now - where the three rules forward, for messages
rules_now() {
	echo "$RULE0 -> $(rule_guest "$RULE0"), $RULE1 ->" \
		"$(rule_guest "$RULE1"), $RULE2 -> $(rule_guest "$RULE2")"
}

# logged_in NAME - did guest NAME's dropbear log a login with our key?
logged_in() {
	serial "$1" | grep -q "Pubkey auth succeeded for 'root' with .* key $FPR "
}

# boot_guest NAME MAC - boot a dhcp-ssh guest on port NAME and wait until
# dropbear listens; sets LEASE[NAME] (address/prefix) and HOSTKEY[NAME]
boot_guest() {
	local lease router dns
	deadline_in "$BOOT_TIMEOUT"
	qemu_start "$1" "$2" "$TMP/$1.sock" "vio.role=dhcp-ssh vio.name=$1" \
		"$TMP/initrd.img"
	wait_result "$1" sshd 1 "guest $1 to take a DHCP lease and start dropbear"
	read -r lease router dns < <(results "$1" dhcp | tail -1)
	LEASE[$1]=${lease#ip=}
	HOSTKEY[$1]=$(results "$1" hostkey | tail -1)
	[ "$router $dns" = "router=10.0.2.2 dns=10.0.2.3" ] ||
		guest_fail "guest $1's lease: $lease $router $dns (want router" \
			"10.0.2.2, DNS 10.0.2.3)"
	pass "guest $1 booted, leased ${LEASE[$1]} ($router, $dns) and" \
		"started dropbear $(elapsed) s after the first QEMU started"
}

# guest_says NAME - check the ssh output `hostname; uname -r; cat
# /proc/cmdline` came from guest NAME
guest_says() {
	local host release cmdline
	{ read -r host; read -r release; read -r cmdline; } <"$TMP/ssh.out" || true
	[ "$host" = "$1" ] && [ "$release" = "$KREL" ] &&
		[[ " $cmdline " == *" vio.name=$1 "* ]] || return 1
}

read -r P0 P1 P2 < <(free_ports 3)
RULE0="tcp::$P0-:22" RULE1="tcp::$P1-vm1:22" RULE2="tcp::$P2-vm2:22"

guest_build
KREL=$(guest_kernel_release)

# The client's key, made for this run, and a key no guest knows.
ssh-keygen -q -t ed25519 -N '' -C vioswitch-test -f "$TMP/id_ed25519"
ssh-keygen -q -t ed25519 -N '' -C vioswitch-stranger -f "$TMP/id_stranger"
FPR=$(ssh-keygen -l -f "$TMP/id_ed25519.pub" | awk '{ print $2 }')
mkdir -p "$TMP/keys/root/.ssh"
cp "$TMP/id_ed25519.pub" "$TMP/keys/root/.ssh/authorized_keys"
chmod 0700 "$TMP/keys/root" "$TMP/keys/root/.ssh"
chmod 0600 "$TMP/keys/root/.ssh/authorized_keys"
initrd_append "$TMP/keys" "$TMP/initrd.img"
echo "  client key $FPR appended to the initrd as /root/.ssh/authorized_keys"

start_switch --netdev "vhost-user,id=vm1,path=$TMP/vm1.sock" \
	--netdev "vhost-user,id=vm2,path=$TMP/vm2.sock" \
	--netdev "user,id=nat,hostfwd=$RULE0,hostfwd=$RULE1,hostfwd=$RULE2"
rules_at 10.0.2.15:22 "vm1:22 (no address yet)" "vm2:22 (no address yet)" ||
	fail "rules before any guest: $(rules_now)"
pass "rules before any guest: $(rules_now)"

# ---- one guest, the rule without a guest address ---------------------

boot_guest vm1 52:54:00:12:34:01
[ "${LEASE[vm1]}" = 10.0.2.15/24 ] ||
	guest_fail "guest vm1, alone, leased ${LEASE[vm1]}, not 10.0.2.15/24"
# The rule naming vm1 follows it (checked once a second); vm2's waits.
wait_until 10 rules_at 10.0.2.15:22 "10.0.2.15:22 (vm1)" \
	"vm2:22 (no address yet)" ||
	fail "rules with guest vm1 up: $(rules_now)"
pass "rules with guest vm1 up: $(rules_now)"

t0=$(now_us)
ssh_ok "$P0" 'uname -r; cat /proc/cmdline' "guest vm1"
ms=$((($(now_us) - t0) / 1000))
{ read -r release; read -r cmdline; } <"$TMP/ssh.out" || true
echo "  ssh -p $P0 root@127.0.0.1 'uname -r; cat /proc/cmdline':"
sed 's/^/    | /' "$TMP/ssh.out"
[ "$release" = "$KREL" ] ||
	guest_fail "ssh through $RULE0: uname -r says '$release', not $KREL"
[[ " $cmdline " == *" vio.role=dhcp-ssh "* ]] &&
	[[ " $cmdline " == *" vio.name=vm1 "* ]] ||
	guest_fail "ssh through $RULE0: /proc/cmdline is '$cmdline'"
# dropbear logged the login with the fingerprint of our key.
wait_until 5 logged_in vm1 ||
	guest_fail "guest vm1's dropbear did not log a login with key $FPR"
pass "ssh through $RULE0 to vm1 (${LEASE[vm1]}): uname -r $release," \
	"vio.name=vm1 on its command line, key $FPR accepted (attempts:" \
	"$TRIES, $ms ms)"

if ssh_run "$P0" "$TMP/id_stranger" true; then
	guest_fail "guest vm1 let in a key not in its authorized_keys"
fi
grep -q 'Permission denied (publickey)' "$TMP/ssh.err" ||
	guest_fail "ssh with an unknown key: $(tr '\n' ' ' <"$TMP/ssh.err")" \
		"(want: Permission denied (publickey))"
pass "a key not in authorized_keys is refused: $(tr -d '\n' <"$TMP/ssh.err")"

# ---- two guests, rules naming their ports ----------------------------

boot_guest vm2 52:54:00:12:34:02
[ "${LEASE[vm2]%/*}" != "${LEASE[vm1]%/*}" ] ||
	guest_fail "guests vm1 and vm2 both leased ${LEASE[vm1]}"
[ "${HOSTKEY[vm1]}" != "${HOSTKEY[vm2]}" ] ||
	guest_fail "guests vm1 and vm2 have the same host key"

# The rules naming ports follow each VM's address within a second or two.
want1="${LEASE[vm1]%/*}:22 (vm1)" want2="${LEASE[vm2]%/*}:22 (vm2)"
wait_until 10 rules_at 10.0.2.15:22 "$want1" "$want2" ||
	fail "rules with both guests up: $(rules_now) (want $want1, $want2)"
pass "rules with both guests up: $(rules_now)"

for pair in "$P1 vm1 $RULE1" "$P2 vm2 $RULE2" "$P0 vm1 $RULE0"; do
	read -r port name rule <<<"$pair"
	ssh_ok "$port" 'hostname; uname -r; cat /proc/cmdline' "guest $name"
	guest_says "$name" ||
		guest_fail "ssh through $rule should reach guest $name:" \
			"$(tr '\n' '|' <"$TMP/ssh.out")"
	# The host key the rule leads to is the one that guest made at boot.
	bg_wait timeout 60 ssh-keyscan -T 30 -t ed25519 -p "$port" 127.0.0.1 \
		>"$TMP/keyscan.out" 2>"$TMP/keyscan.err" || true
	key=$(awk '$2 == "ssh-ed25519" { print $2, $3 }' "$TMP/keyscan.out")
	[ "$key" = "${HOSTKEY[$name]}" ] ||
		guest_fail "ssh-keyscan through $rule: host key '$key', guest" \
			"$name's is '${HOSTKEY[$name]}' ($(tr '\n' ' ' <"$TMP/keyscan.err"))"
	fpr=$(ssh-keygen -l -f "$TMP/keyscan.out" | awk '{ print $2 }')
	pass "ssh through $rule reaches $name: $(tr '\n' '|' <"$TMP/ssh.out" |
		sed 's/|$//') (attempts: $TRIES); its host key $fpr is the one" \
		"$name made at boot"
done

# ---- the end -----------------------------------------------------------

# Kept for debugging (VIOSWITCH_TEST_KEEP=1).
vioctl_j stats >"$TMP/stats.json" || true
vioctl_j port list >"$TMP/ports.json" || true
for p in vm1 vm2 nat; do
	echo "  $p: $(vioctl_j stats "$p" | python3 -c '
import json, sys
s = json.load(sys.stdin)[0]
d = {k: v for k, v in s["drops"].items() if v}
print("rx %d tx %d frames, drops" % (s["rx_packets"], s["tx_packets"]),
      ", ".join(f"{k} {v}" for k, v in d.items()) or "none")')"
done
qemu_stop vm2
qemu_stop vm1
stop_switch || fail "the switch exited with status $? after the guests stopped"
pass "guests stopped, the switch exited cleanly"
