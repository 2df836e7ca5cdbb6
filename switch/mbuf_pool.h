/* SPDX-License-Identifier: BSD-3-Clause */
/* mbuf_pool.h - mbuf pools on 2 MB pages, with or without hugetlbfs, that
 * grow with use */
#ifndef VIOSWITCH_MBUF_POOL_H
#define VIOSWITCH_MBUF_POOL_H

#include <stdint.h>

#include <rte_mempool.h>

struct rte_mempool *mbuf_pool_create(const char *name, unsigned int n,
				     unsigned int cache, uint16_t priv_size,
				     uint16_t data_room);
unsigned int mbuf_pool_in_use(const struct rte_mempool *mp);
unsigned int mbuf_pool_populated(const struct rte_mempool *mp);

#endif /* VIOSWITCH_MBUF_POOL_H */
