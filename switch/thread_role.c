// SPDX-License-Identifier: BSD-3-Clause
/* thread_role.c - thread roles and the hook a new thread runs first */
#include "thread_role.h"

#include <stddef.h>

__thread enum thread_role thread_role = THREAD_OTHER;

static thread_role_hook_fn role_hook;

/**
 * thread_role_hook_set() - register the hook every thread runs as it
 * enters its role from now on (NULL: none)
 * @fn:		hook
 *
 * Threads that entered their role before are not called back: whoever
 * registers the hook deals with them.
 */
void thread_role_hook_set(thread_role_hook_fn fn)
{
	__atomic_store_n(&role_hook, fn, __ATOMIC_RELEASE);
}

/**
 * thread_role_enter() - record the calling thread's role and run the hook;
 * call it first thing in every thread the switch starts
 * @role:	what the thread is for
 */
void thread_role_enter(enum thread_role role)
{
	thread_role_hook_fn fn;

	/* The role before the hook is read: a sandbox signal that arrives
	 * in between (ctl/sandbox.c) must see it. */
	__atomic_store_n(&thread_role, role, __ATOMIC_SEQ_CST);
	fn = __atomic_load_n(&role_hook, __ATOMIC_ACQUIRE);
	if (fn)
		fn(role);
}

/**
 * thread_role_name() - a role's name, for messages
 * @role:	role
 *
 * Return: static string
 */
const char *thread_role_name(enum thread_role role)
{
	switch (role) {
	case THREAD_PMD:
		return "pmd";
	case THREAD_NAT:
		return "nat";
	case THREAD_WORKER:
		return "worker";
	default:
		return "other";
	}
}
