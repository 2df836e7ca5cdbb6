/* SPDX-License-Identifier: BSD-3-Clause */
/* protocol.h - the control protocol's constants, and where the switch's
 * sockets live by default: shared by the daemon and vioctl
 * (doc/control-protocol.md)
 */
#ifndef VIOSWITCH_CTL_PROTOCOL_H
#define VIOSWITCH_CTL_PROTOCOL_H

#include <stddef.h>

#define CTL_RUN_DIR_ROOT "/run/vioswitch" /* root's sockets */
#define CTL_RUN_DIR_NAME "vioswitch" /* a user's, in $XDG_RUNTIME_DIR */
#define CTL_SOCK_NAME	 "ctl.sock" /* the control socket, in either */
#define CTL_PATH_DEFAULT CTL_RUN_DIR_ROOT "/" CTL_SOCK_NAME /* root's */
#define CTL_PATH_USER	 "$XDG_RUNTIME_DIR/" CTL_RUN_DIR_NAME "/" CTL_SOCK_NAME
#define CTL_PATH_ENV	 "VIOSWITCH_CTL" /* names another socket */
#define CTL_REQUEST_MAX	 65536 /* bytes of a request, without newline */
#define CTL_REPLY_MAX	 (16u << 20) /* bytes of a reply, without newline */

int ctl_run_dir(char *buf, size_t len, char *err, size_t errlen);
int ctl_run_path(const char *name, char *buf, size_t len, char *err,
		 size_t errlen);
int ctl_run_dir_make(const char *dir, char *err, size_t errlen);

#endif /* VIOSWITCH_CTL_PROTOCOL_H */
