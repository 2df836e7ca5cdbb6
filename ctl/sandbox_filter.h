/* SPDX-License-Identifier: BSD-3-Clause */
/* sandbox_filter.h - the seccomp allow-lists of the sandbox */
#ifndef VIOSWITCH_SANDBOX_FILTER_H
#define VIOSWITCH_SANDBOX_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include <seccomp.h>

/**
 * enum sandbox_filter_kind - which allow-list
 * @SANDBOX_FILTER_PROCESS:	every thread of the process
 * @SANDBOX_FILTER_NAT:		stacked on it in each NAT thread
 * @SANDBOX_FILTER_PMD:		stacked on it in each PMD thread
 */
enum sandbox_filter_kind {
	SANDBOX_FILTER_PROCESS,
	SANDBOX_FILTER_NAT,
	SANDBOX_FILTER_PMD,
};

scmp_filter_ctx sandbox_filter_build(enum sandbox_filter_kind kind,
				     uint32_t def_action, char *err,
				     size_t errlen);

#endif /* VIOSWITCH_SANDBOX_FILTER_H */
