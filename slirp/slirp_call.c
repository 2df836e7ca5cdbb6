// SPDX-License-Identifier: BSD-3-Clause
/* slirp_call.c - the control thread runs a function on the NAT thread
 *
 * The NAT thread owns the libslirp instance and the NAT's tables. The
 * control thread posts one function at a time (struct slirp_call), wakes
 * the thread with call_efd and waits up to 5 s for the result; the NAT
 * thread runs it between two iterations of its loop (slirp_thread.c).
 */
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "slirp_port.h"

/**
 * slirp_call_run() - run a pending control-thread call (NAT thread, once
 * per iteration of its loop)
 * @sp:		port
 */
void slirp_call_run(struct slirp_port *sp)
{
	pthread_mutex_lock(&sp->call.lock);
	if (sp->call.fn) {
		sp->call.rc = sp->call.fn(sp, sp->call.arg);
		sp->call.fn = NULL;
		pthread_cond_broadcast(&sp->call.done);
	}
	pthread_mutex_unlock(&sp->call.lock);
}

/**
 * slirp_call() - run @fn(sp, arg) where libslirp may be used: on the NAT
 * thread when it runs, else right here (control thread)
 * @sp:		port
 * @fn:		function
 * @arg:	its argument
 *
 * Return: what @fn returned, or -ETIMEDOUT
 */
int slirp_call(struct slirp_port *sp, int (*fn)(void *, void *), void *arg)
{
	struct timespec until;
	uint64_t one = 1;
	int rc = 0;

	if (!sp->running)
		return fn(sp, arg);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&sp->call.lock);
	sp->call.fn = fn;
	sp->call.arg = arg;
	if (write(sp->call_efd, &one, sizeof(one)) < 0)
		rc = -errno;
	while (!rc && sp->call.fn)
		rc = -pthread_cond_timedwait(&sp->call.done, &sp->call.lock,
					     &until);
	if (!rc)
		rc = sp->call.rc;
	sp->call.fn = NULL;
	pthread_mutex_unlock(&sp->call.lock);
	return rc;
}
