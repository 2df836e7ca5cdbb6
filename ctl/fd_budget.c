// SPDX-License-Identifier: BSD-3-Clause
/* fd_budget.c - the process's file descriptor budget: raise it, read it
 *
 * Every peer of the switch (a guest's NAT flows, a hostfwd client, a
 * control client) costs descriptors, and each has a cap of its own; the
 * caps only hold if the process may open what they add up to. At start the
 * soft RLIMIT_NOFILE is raised to the hard one (what an unprivileged
 * process may do by itself); once the switch runs, the budget is logged
 * once, so a cap that does not fit can be told apart from a limit nobody
 * raised. (Not before: a start that fails prints one line, the reason.)
 */
#include "fd_budget.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "log.h"

/* The limits as fd_budget_raise() found them, for fd_budget_log(). */
static struct rlimit found;

/**
 * fd_budget() - descriptors the process may hold now
 *
 * Return: the soft RLIMIT_NOFILE, or 1024 when it cannot be read
 */
uint64_t fd_budget(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 1024;
	return rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : rl.rlim_cur;
}

/**
 * fd_budget_raise() - raise the soft RLIMIT_NOFILE to the hard one
 *
 * Return: the budget now
 */
uint64_t fd_budget_raise(void)
{
	struct rlimit rl;
	rlim_t was;

	if (getrlimit(RLIMIT_NOFILE, &rl)) {
		log_warn("fd budget: cannot read RLIMIT_NOFILE: %s",
			 strerror(errno));
		return fd_budget();
	}
	was = rl.rlim_cur;
	found = rl;
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			log_warn("fd budget: cannot raise RLIMIT_NOFILE "
				 "from %llu to %llu: %s",
				 (unsigned long long)was,
				 (unsigned long long)rl.rlim_max,
				 strerror(errno));
	}
	return fd_budget();
}

/**
 * fd_budget_log() - say once what the budget is and where it came from
 */
void fd_budget_log(void)
{
	log_info("fd budget: %llu descriptors (soft limit was %llu, hard "
		 "limit %llu)",
		 (unsigned long long)fd_budget(),
		 (unsigned long long)found.rlim_cur,
		 (unsigned long long)found.rlim_max);
}
