// SPDX-License-Identifier: BSD-3-Clause
/* ctl_fds.c - the descriptors a control client passes with a request
 *
 * A request may carry descriptors (SCM_RIGHTS), e.g. the stream a capture
 * writes to. Every descriptor the kernel installs in the switch is the
 * switch's to close, whatever the message looks like: all control messages
 * are walked, every descriptor in each is counted, and a handler is offered
 * one only when exactly one came with the request (ctl_take_fd()). Two or
 * more, or a message the kernel truncated (MSG_CTRUNC: it closed what did
 * not fit), and none is offered: they are closed at once. What a handler
 * does not take is closed once the request is answered (ctl_fds_clear()).
 */
#include "ctl_fds.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/**
 * ctl_fds_init() - no descriptor yet
 * @f:		state
 */
void ctl_fds_init(struct ctl_fds *f)
{
	f->fd = -1;
	f->n = 0;
}

/**
 * fds_add() - count one more descriptor of the request
 * @f:		state
 * @fd:		descriptor now owned by @f, or -1 for one the kernel dropped
 */
static void fds_add(struct ctl_fds *f, int fd)
{
	if (++f->n == 1) {
		f->fd = fd;
		return;
	}
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (fd >= 0)
		close(fd);
}

/**
 * ctl_fds_recv() - take every descriptor a received message carries
 * @f:		state of the request the message belongs to
 * @msg:	what recvmsg() returned
 */
void ctl_fds_recv(struct ctl_fds *f, struct msghdr *msg)
{
	const uint8_t *end =
		(const uint8_t *)msg->msg_control + msg->msg_controllen;
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		const uint8_t *data = CMSG_DATA(cm);
		size_t n;

		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len < CMSG_LEN(0))
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (data + n * sizeof(int) > end)
			n = (size_t)(end - data) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, data + i * sizeof(int), sizeof(fd));
			fds_add(f, fd);
		}
	}
	if (msg->msg_flags & MSG_CTRUNC)
		fds_add(f, -1);
}

/**
 * ctl_fds_take() - hand over the request's descriptor
 * @f:		state
 *
 * Return: the descriptor, now the caller's; -ENOENT when none came,
 * -E2BIG when more than one came (all closed already)
 */
int ctl_fds_take(struct ctl_fds *f)
{
	int fd = f->fd;

	if (f->n > 1)
		return -E2BIG;
	if (fd < 0)
		return -ENOENT;
	f->fd = -1;
	return fd;
}

/**
 * ctl_fds_clear() - close what the request's handler did not take
 * @f:		state
 */
void ctl_fds_clear(struct ctl_fds *f)
{
	if (f->fd >= 0)
		close(f->fd);
	ctl_fds_init(f);
}
