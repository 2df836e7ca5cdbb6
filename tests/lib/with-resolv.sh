#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# with-resolv.sh - run a command with FILE bind-mounted on /etc/resolv.conf
# (call it inside a private mount namespace: unshare -m with-resolv.sh ...)
# Usage: with-resolv.sh FILE COMMAND [ARG]...
file=$1
shift
mount --bind "$file" /etc/resolv.conf || exit 1
exec "$@"
