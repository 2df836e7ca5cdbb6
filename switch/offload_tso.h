/* SPDX-License-Identifier: BSD-3-Clause */
/* offload_tso.h - software TCP segmentation for IPv4 and IPv6 */
#ifndef VIOSWITCH_OFFLOAD_TSO_H
#define VIOSWITCH_OFFLOAD_TSO_H

#include <rte_mbuf.h>

int tso_segment(const struct rte_mbuf *m, struct rte_mempool *pool,
		struct rte_mbuf **out, uint16_t room);

#endif /* VIOSWITCH_OFFLOAD_TSO_H */
