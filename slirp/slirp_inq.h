/* SPDX-License-Identifier: BSD-3-Clause */
/* slirp_inq.h - the NAT's input queue: one lane per sending port, served
 * in turn, so one guest's flood cannot take another's share */
#ifndef VIOSWITCH_SLIRP_INQ_H
#define VIOSWITCH_SLIRP_INQ_H

#include <stdbool.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#define SLIRP_INQ_LANES	  16u /* ports whose index differs by this share */
#define SLIRP_INQ_LANE	  512u /* frames one lane holds */
#define SLIRP_INQ_QUANTUM 16u /* frames taken from a lane per turn */

/**
 * struct slirp_inq - frames from the switch toward one NAT
 * @lane:	rings by ingress port index modulo SLIRP_INQ_LANES; PMD
 *		threads produce, the NAT thread consumes
 * @next:	lane the NAT thread serves next
 */
struct slirp_inq {
	struct rte_ring *lane[SLIRP_INQ_LANES];
	unsigned int next;
};

/**
 * slirp_inq_lane() - the lane of a frame: by the ingress port the switch
 * stamped into its mbuf (forward.c)
 * @m:		frame
 *
 * Return: lane index
 */
static inline unsigned int slirp_inq_lane(const struct rte_mbuf *m)
{
	return m->port % SLIRP_INQ_LANES;
}

int slirp_inq_init(struct slirp_inq *q, const char *name);
void slirp_inq_fini(struct slirp_inq *q);
unsigned int slirp_inq_enqueue(struct slirp_inq *q, struct rte_mbuf **pkts,
			       unsigned int n);
unsigned int slirp_inq_dequeue(struct slirp_inq *q, struct rte_mbuf **pkts,
			       unsigned int max);
bool slirp_inq_empty(const struct slirp_inq *q);

#endif /* VIOSWITCH_SLIRP_INQ_H */
