/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_fds.h - the descriptors a control client passes with a request */
#ifndef VIOSWITCH_CTL_FDS_H
#define VIOSWITCH_CTL_FDS_H

#include <sys/socket.h>

#define CTL_FDS_MAX 8 /* descriptors read per message; the kernel closes more */

/**
 * struct ctl_fds - the descriptors passed with one request
 * @fd:		the descriptor when exactly one came, else -1
 * @n:		how many came (one more when the kernel had to drop some)
 */
struct ctl_fds {
	int fd;
	unsigned int n;
};

/**
 * union ctl_fds_cbuf - control buffer for recvmsg(), aligned for cmsghdr
 * @buf:	room for one SCM_RIGHTS message of CTL_FDS_MAX descriptors
 *		and one more header
 * @align:	alignment
 */
union ctl_fds_cbuf {
	char buf[CMSG_SPACE(sizeof(int) * CTL_FDS_MAX) +
		 CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

void ctl_fds_init(struct ctl_fds *f);
void ctl_fds_recv(struct ctl_fds *f, struct msghdr *msg);
int ctl_fds_take(struct ctl_fds *f);
void ctl_fds_clear(struct ctl_fds *f);

#endif /* VIOSWITCH_CTL_FDS_H */
