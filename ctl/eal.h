/* SPDX-License-Identifier: BSD-3-Clause */
/* eal.h - start DPDK's EAL and create the mbuf pool */
#ifndef VIOSWITCH_EAL_H
#define VIOSWITCH_EAL_H

#include "options.h"

int eal_start(const char *prog, const struct options *o, unsigned int *lcores,
	      char *err, size_t errlen);
struct rte_mempool *eal_pool_create(unsigned int n_ports);
void eal_stop(void);
void eal_memory_log(const char *when);

#endif /* VIOSWITCH_EAL_H */
