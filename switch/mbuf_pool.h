/* SPDX-License-Identifier: BSD-3-Clause */
/* mbuf_pool.h - mbuf pools on 2 MB pages, with or without hugetlbfs */
#ifndef VIOSWITCH_MBUF_POOL_H
#define VIOSWITCH_MBUF_POOL_H

#include <stdint.h>

#include <rte_mempool.h>

struct rte_mempool *mbuf_pool_create(const char *name, unsigned int n,
				     unsigned int cache, uint16_t priv_size,
				     uint16_t data_room);

#endif /* VIOSWITCH_MBUF_POOL_H */
