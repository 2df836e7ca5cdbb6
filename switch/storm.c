// SPDX-License-Identifier: BSD-3-Clause
/* storm.c - storm control: turn a port's storm= rate into bucket terms */
#include "storm.h"

#include <rte_cycles.h>

/**
 * storm_setup() - set the per-bucket cost and depth of @port's limit
 * (control thread; PMD threads may be flooding from @port meanwhile)
 * @port:	port with @storm_pps set
 * @shares:	PMD threads serving its receive queues, each with a bucket
 *		(0 counts as 1)
 */
void storm_setup(struct port *port, unsigned int shares)
{
	uint64_t hz = rte_get_tsc_hz(), cost = 0, depth = 0;

	if (port->storm_pps) {
		cost = hz * (shares ? shares : 1) / port->storm_pps;
		cost = cost ? cost : 1;
		depth = RTE_MAX(hz * STORM_DEPTH_MS / 1000, cost);
	}
	/* Depth first: a reader never sees a cost without a depth. */
	__atomic_store_n(&port->storm_depth, depth, __ATOMIC_RELAXED);
	__atomic_store_n(&port->storm_cost, cost, __ATOMIC_RELEASE);
}
