#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# without-bpf.sh - run a command without the capabilities BPF loading needs
# Usage: without-bpf.sh COMMAND [ARG]...
exec capsh --drop=cap_bpf,cap_sys_admin,cap_perfmon -- -c 'exec "$0" "$@"' "$@"
