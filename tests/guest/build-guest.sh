#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# build-guest.sh - a small Linux guest for tests: Debian's kernel, its
# virtio-net modules, busybox and dropbear in an initramfs, with
# tests/guest/init
#
# Usage: tests/guest/build-guest.sh [OUTDIR]     (default: REPO/build/guest)
#
# Writes OUTDIR/vmlinuz and OUTDIR/initrd.img (and OUTDIR/VERSION: kernel
# and busybox package versions). Nothing is installed on the host: the
# kernel package that linux-image-amd64 depends on and busybox-static are
# fetched with `apt-get download` and unpacked with `dpkg-deb -x` in a
# scratch directory. The modules virtio-net needs over PCI are found by
# following the `depends=` field of each module from virtio_pci and
# virtio_net, skipping what the kernel has built in; compressed modules
# (.ko.xz/.ko.zst/.ko.gz) are decompressed because busybox insmod may not
# read them. Their load order goes to /lib/modules/load-order for /init.
#
# The SSH server is the host's dropbear (package dropbear-bin, which must
# be installed): dropbear and dropbearkey are copied with the libraries
# `ldd` lists, dynamic loader included, at the same paths, with an
# /etc/passwd holding root (home /root, shell /bin/sh). The image holds no
# key: a test appends root's authorized_keys as a second cpio archive to
# the initrd (tests/lib/qemu.sh: initrd_append), and /init makes the host
# key at boot.
#
# Cached: when both outputs exist and are newer than this script, the init
# script and the host's dropbear binaries, nothing is done. Remove OUTDIR
# (or touch tests/guest/init) to rebuild. Needs apt-get, apt-cache,
# dpkg-deb, gzip and ldd; if the package lists are missing or stale (404)
# and we run as root, `apt-get update` is run once and the download
# retried.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${1:-$REPO/build/guest}
# Host binaries copied into the guest, with their libraries.
SSH_BINARIES=(/usr/sbin/dropbear /usr/bin/dropbearkey)
# A host binary missing here does not make the cached guest stale.
INPUTS=("$HERE/build-guest.sh" "$HERE/init" "${SSH_BINARIES[@]}")
# Modules the guest needs; their dependencies are added.
ROOT_MODULES=(virtio_pci virtio_net)

# die() - print an error naming this script and exit 1
die()
{
	echo "build-guest.sh: error: $*" >&2
	exit 1
}

# up_to_date() - do both outputs exist and are newer than every input?
up_to_date()
{
	local f

	[ -s "$OUT/vmlinuz" ] && [ -s "$OUT/initrd.img" ] || return 1
	for f in "${INPUTS[@]}"; do
		[ "$OUT/vmlinuz" -nt "$f" ] && [ "$OUT/initrd.img" -nt "$f" ] ||
			return 1
	done
}

# kernel_package() - the versioned kernel package linux-image-amd64
# depends on (linux-image-6.1.0-NN-amd64)
kernel_package()
{
	apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
		sed -n 's/^Depends: *//p' | sed 's/[,|]/\n/g' |
		sed 's/^ *//; s/ .*//' | grep -m1 '^linux-image-.*-amd64$'
}

# apt_update_once() - refresh the package lists once, as root only
# Return: 0 if refreshed now, 1 if not possible or already done
APT_UPDATED=""
apt_update_once()
{
	[ -z "$APT_UPDATED" ] && [ "$(id -u)" = 0 ] || return 1
	APT_UPDATED=1
	echo "build-guest.sh: refreshing the package lists (apt-get update)" >&2
	apt-get update -q >&2 || die "apt-get update failed"
}

# download() - apt-get download packages into the current directory
# @$@:	package names
download()
{
	# APT::Sandbox::User=root: the _apt user may not write here.
	apt-get download -q -o APT::Sandbox::User=root "$@" >&2
}

# fetch_debs() - download the kernel and busybox-static packages into $1
fetch_debs()
{
	local dir=$1 kpkg tool

	for tool in apt-get apt-cache dpkg-deb gzip; do
		command -v "$tool" >/dev/null ||
			die "$tool not found: a Debian host with apt is needed"
	done
	kpkg=$(kernel_package) || true
	if [ -z "$kpkg" ] && apt_update_once; then
		kpkg=$(kernel_package) || true
	fi
	[ -n "$kpkg" ] || die "cannot tell which kernel package" \
		"linux-image-amd64 depends on (apt-cache show" \
		"linux-image-amd64 failed: run apt-get update)"
	if ! (cd "$dir" && download "$kpkg" busybox-static); then
		apt_update_once || die "apt-get download $kpkg busybox-static" \
			"failed (stale package lists? run apt-get update)"
		kpkg=$(kernel_package) || die "no kernel package after update"
		(cd "$dir" && download "$kpkg" busybox-static) ||
			die "apt-get download $kpkg busybox-static failed"
	fi
	echo "$kpkg"
}

# module_file() - path of a module in an unpacked kernel tree, any
# compression; empty if there is none
# @$1:	module directory (lib/modules/VERSION)
# @$2:	module name (either - or _)
module_file()
{
	local base=${2//-/_} alt=${2//_/-}

	find "$1/kernel" -type f \( -name "$base.ko*" -o -name "$alt.ko*" \) |
		grep -E "/($base|$alt)\.ko(\.xz|\.zst|\.gz)?$" | head -1
}

# module_builtin() - is the module built into the kernel?
# @$1:	module directory
# @$2:	module name
module_builtin()
{
	local base=${2//-/_} alt=${2//_/-}

	[ -f "$1/modules.builtin" ] &&
		grep -qE "/($base|$alt)\.ko$" "$1/modules.builtin"
}

# decompress() - copy a module, decompressed, to a .ko file
# @$1:	module file (.ko, .ko.xz, .ko.zst, .ko.gz)
# @$2:	destination .ko
decompress()
{
	case $1 in
	*.ko) cp "$1" "$2" ;;
	*.ko.xz) xz -dc "$1" >"$2" || die "xz -d $1 failed (install xz-utils)" ;;
	*.ko.zst) zstd -qdc "$1" >"$2" || die "zstd -d $1 failed (install zstd)" ;;
	*.ko.gz) gzip -dc "$1" >"$2" ;;
	*) die "unknown module file $1" ;;
	esac
}

# module_depends() - the modules a .ko depends on, one per line
# @$1:	decompressed .ko
module_depends()
{
	tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | head -1 | tr ',' '\n' |
		sed '/^$/d'
}

# add_module() - copy a module and, first, its dependencies into the
# initramfs; append each to the load order once
# @$1:	module directory
# @$2:	module name
# @$3:	initramfs module directory
add_module()
{
	local mdir=$1 name=${2//-/_} dest=$3 file dep

	grep -qx "$name" "$dest/load-order" 2>/dev/null && return 0
	if module_builtin "$mdir" "$name"; then
		echo "  $name: built in"
		return 0
	fi
	file=$(module_file "$mdir" "$name")
	[ -n "$file" ] || die "module $name is neither built in nor in the" \
		"kernel package"
	decompress "$file" "$dest/$name.ko"
	for dep in $(module_depends "$dest/$name.ko"); do
		add_module "$mdir" "$dep" "$dest"
	done
	echo "$name" >>"$dest/load-order"
	echo "  $name: module (${file#"$mdir"/})"
}

# add_binary() - copy a dynamically linked host binary and every library
# `ldd` lists for it (the loader too) into the initramfs, at the same paths
# @$1:	binary
# @$2:	initramfs root
add_binary()
{
	local bin=$1 root=$2 libs lib

	[ -x "$bin" ] || die "$bin not found: install dropbear-bin" \
		"(apt-get install dropbear-bin)"
	command -v ldd >/dev/null || die "ldd not found (libc-bin)"
	libs=$(ldd "$bin") || die "ldd $bin failed"
	if grep -q 'not found' <<<"$libs"; then
		die "ldd $bin: $(grep 'not found' <<<"$libs" | xargs)"
	fi
	install -D -m 0755 "$bin" "$root$bin"
	# "libz.so.1 => /lib/.../libz.so.1 (0x...)", "/lib64/ld-linux... (0x...)";
	# linux-vdso.so.1 has no file.
	for lib in $(awk '$2 == "=>" && $3 ~ /^\// { print $3 }
			  $1 ~ /^\// { print $1 }' <<<"$libs"); do
		# install copies what a symlink points to, under the link's name.
		[ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib" ||
			die "cannot copy $lib"
	done
	echo "  $bin: $(awk '$2 == "=>" { print $1 }' <<<"$libs" | xargs)"
}

# add_ssh() - dropbear, dropbearkey and what they need to run: users,
# root's home, directories for the host key and the pid file
# @$1:	initramfs root
add_ssh()
{
	local root=$1 b

	echo "SSH server:"
	for b in "${SSH_BINARIES[@]}"; do
		add_binary "$b" "$root"
	done
	mkdir -p "$root/etc/dropbear" "$root/var/run" "$root/var/log"
	install -d -m 0700 "$root/root"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	echo '/bin/sh' >"$root/etc/shells"
	printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' \
		>"$root/etc/nsswitch.conf"
	chmod 0644 "$root"/etc/{passwd,group,shells,nsswitch.conf}
}

# make_initramfs() - lay out the initramfs tree and pack it
# @$1:	scratch directory holding the unpacked packages in kernel/, bb/
# @$2:	output initrd file
make_initramfs()
{
	local tmp=$1 out=$2 root=$1/root mdir bb

	mdir=$(find "$tmp/kernel/lib/modules" -mindepth 1 -maxdepth 1 -type d |
		head -1)
	[ -n "$mdir" ] || die "no lib/modules/VERSION in the kernel package"
	bb=$tmp/bb/bin/busybox
	[ -x "$bb" ] || die "no bin/busybox in busybox-static"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc} \
		"$root/lib/modules"
	cp "$bb" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	cp "$HERE/init" "$root/init"
	# The server's per-connection handler is /init under another name.
	ln -s ../init "$root/bin/vio-receive"
	# So is udhcpc's script.
	ln -s ../init "$root/bin/vio-dhcp"
	chmod 0755 "$root/init" "$root/bin/busybox"
	: >"$root/lib/modules/load-order"
	echo "modules for ${mdir##*/}:"
	for m in "${ROOT_MODULES[@]}"; do
		add_module "$mdir" "$m" "$root/lib/modules"
	done
	add_ssh "$root"
	# busybox's own cpio writes the newc archive: no host cpio needed.
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		"$bb" cpio -o -H newc -R 0:0 2>/dev/null) | gzip -9n >"$out" ||
		die "packing the initramfs failed"
}

TMPD=""
main()
{
	local tmp kpkg kver bbver dbver

	if up_to_date; then
		echo "guest in $OUT is up to date"
		return 0
	fi
	mkdir -p "$OUT" || die "cannot create $OUT"
	tmp=$(mktemp -d /tmp/vioswitch-guest.XXXXXX)
	TMPD=$tmp
	trap 'rm -rf -- "$TMPD"' EXIT
	kpkg=$(fetch_debs "$tmp")
	dpkg-deb -x "$tmp/${kpkg}"_*.deb "$tmp/kernel" ||
		die "cannot unpack $kpkg"
	dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/bb" ||
		die "cannot unpack busybox-static"
	kver=$(dpkg-deb -f "$tmp/${kpkg}"_*.deb Version)
	bbver=$(dpkg-deb -f "$tmp"/busybox-static_*.deb Version)
	make_initramfs "$tmp" "$OUT/initrd.img.new"
	set -- "$tmp"/kernel/boot/vmlinuz-*
	[ -f "$1" ] || die "no boot/vmlinuz-* in $kpkg"
	cp "$1" "$OUT/vmlinuz.new"
	mv "$OUT/vmlinuz.new" "$OUT/vmlinuz"
	mv "$OUT/initrd.img.new" "$OUT/initrd.img"
	dbver=$(dpkg-query -W -f='${Version}' dropbear-bin 2>/dev/null) ||
		dbver="(not from a package)"
	printf '%s %s\nbusybox-static %s\ndropbear-bin %s\n' "$kpkg" "$kver" \
		"$bbver" "$dbver" >"$OUT/VERSION"
	echo "guest built in $OUT: $kpkg $kver, busybox-static $bbver," \
		"dropbear-bin $dbver, initrd $(stat -c %s "$OUT/initrd.img") bytes"
}

main
