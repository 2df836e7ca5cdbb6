/* SPDX-License-Identifier: BSD-3-Clause */
/* storm.h - storm control: a token bucket on the frames a port floods
 *
 * Theory of operation
 * -------------------
 * `storm=PPS` limits the broadcast, multicast and unknown-unicast frames
 * a port may send into the switch, as a hardware switch's storm control
 * does: one guest's flood must not take the other ports' CPU, tap writes
 * and NAT input. Known unicast is never limited and never pays for it:
 * forward.c asks only on its flood path.
 *
 * Each PMD thread keeps one bucket per ingress port in its forwarding
 * state, so a bucket has a single writer: no atomics, no shared cache
 * lines. The credit is TSC time: a frame costs storm_cost cycles (one
 * second over the rate), the credit grows by the cycles elapsed since the
 * bucket was last used and is capped at storm_depth (STORM_DEPTH_MS, or
 * one frame if that is longer), so a port may send a burst of 100 ms worth
 * of frames, then at the rate. A port whose receive queues are served by
 * several PMD threads has its rate split between their buckets, so the
 * port as a whole never passes its limit.
 */
#ifndef VIOSWITCH_STORM_H
#define VIOSWITCH_STORM_H

#include <stdbool.h>
#include <stdint.h>

#include "port.h"

#define STORM_DEPTH_MS 100 /* burst a full bucket allows, ms of the rate */
#define STORM_PPS_MAX  NETDEV_STORM_MAX /* largest storm= */

/**
 * struct storm_bucket - one PMD thread's credit for one ingress port
 * @credit:	TSC cycles of credit
 * @last:	TSC when it was last topped up
 */
struct storm_bucket {
	uint64_t credit;
	uint64_t last;
};

/**
 * storm_limited() - whether @port has a storm= limit
 * @port:	ingress port
 *
 * Return: true if its flooded frames go through a bucket
 */
static inline bool storm_limited(const struct port *port)
{
	return __atomic_load_n(&port->storm_cost, __ATOMIC_RELAXED) != 0;
}

/**
 * storm_admit() - take one frame's credit from @b, topping it up first
 * @b:		the calling thread's bucket for @port
 * @port:	ingress port with a limit (storm_cost != 0)
 * @tsc:	TSC of this polling round; calls within a round top up once
 *
 * Return: true if the frame may be flooded, false to drop it
 */
static inline bool storm_admit(struct storm_bucket *b, const struct port *port,
			       uint64_t tsc)
{
	uint64_t cost = __atomic_load_n(&port->storm_cost, __ATOMIC_RELAXED);
	uint64_t depth = __atomic_load_n(&port->storm_depth, __ATOMIC_RELAXED);
	uint64_t elapsed = tsc - b->last;

	b->last = tsc;
	if (elapsed >= depth || b->credit >= depth - elapsed)
		b->credit = depth;
	else
		b->credit += elapsed;
	if (b->credit < cost)
		return false;
	b->credit -= cost;
	return true;
}

void storm_setup(struct port *port, unsigned int shares);

#endif /* VIOSWITCH_STORM_H */
