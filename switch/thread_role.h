/* SPDX-License-Identifier: BSD-3-Clause */
/* thread_role.h - what each thread the switch starts is for, and the hook
 * it runs before it does any work
 *
 * Every thread the switch or a port kind starts calls thread_role_enter()
 * first thing: PMD threads, the NAT threads, the pcap port and capture
 * writer threads. The call records the thread's role and runs the hook the
 * daemon registered, if any; the daemon's sandbox (ctl/sandbox.c) uses it
 * to take a new thread's capabilities away and to narrow the NAT thread's
 * system calls before it sees a guest frame. The core never knows what the
 * hook does.
 */
#ifndef VIOSWITCH_THREAD_ROLE_H
#define VIOSWITCH_THREAD_ROLE_H

/**
 * enum thread_role - what a thread is for
 * @THREAD_OTHER:	the control thread, or a thread some library started
 * @THREAD_PMD:		a poll-mode datapath thread
 * @THREAD_NAT:		a NAT's thread: libslirp, parsing guest traffic
 * @THREAD_WORKER:	an I/O helper: pcap port replay, capture writer
 */
enum thread_role {
	THREAD_OTHER = 0,
	THREAD_PMD,
	THREAD_NAT,
	THREAD_WORKER,
};

/* The calling thread's role; THREAD_OTHER until it called enter. */
extern __thread enum thread_role thread_role;

/**
 * typedef thread_role_hook_fn - run by each thread as it enters its role
 * @role:	the role, already stored in thread_role
 */
typedef void (*thread_role_hook_fn)(enum thread_role role);

void thread_role_hook_set(thread_role_hook_fn fn);
void thread_role_enter(enum thread_role role);
const char *thread_role_name(enum thread_role role);

#endif /* VIOSWITCH_THREAD_ROLE_H */
