/* SPDX-License-Identifier: BSD-3-Clause */
/* vioctl.h - vioctl: the printers that turn a control reply into text
 *
 * vioctl.c speaks the control protocol (doc/control-protocol.md) and hands
 * each successful reply to the printer of its command, in vioctl_print.c.
 * A printer checks the shape of the result before it prints anything, so a
 * malformed reply never leaves half a table on stdout.
 */
#ifndef VIOSWITCH_VIOCTL_H
#define VIOSWITCH_VIOCTL_H

#include <jansson.h>

#define VIOCTL_ERR_MAX 256

/**
 * struct vioctl_reply - a successful reply, with the request it answers
 * @req:	the request that was sent
 * @result:	the reply's "result" member
 * @err:	a printer that cannot read @result says why here
 */
struct vioctl_reply {
	json_t *req;
	json_t *result;
	char err[VIOCTL_ERR_MAX];
};

/*
 * Every printer returns 0, -EBADMSG if @r->result is not shaped as the
 * protocol says (@r->err tells how), or -ENOMEM.
 */
int vioctl_print_version(struct vioctl_reply *r);
int vioctl_print_ports(struct vioctl_reply *r);
int vioctl_print_port_added(struct vioctl_reply *r);
int vioctl_print_port_removed(struct vioctl_reply *r);
int vioctl_print_fdb(struct vioctl_reply *r);
int vioctl_print_flushed(struct vioctl_reply *r);
int vioctl_print_ok(struct vioctl_reply *r);
int vioctl_print_hostfwd(struct vioctl_reply *r);
int vioctl_print_stats(struct vioctl_reply *r);
int vioctl_print_pmds(struct vioctl_reply *r);

#endif /* VIOSWITCH_VIOCTL_H */
