/* SPDX-License-Identifier: BSD-3-Clause */
/* mbuf_copy.h - mbuf chains of a given length, cut to one, and frames copied into them */
#ifndef VIOSWITCH_MBUF_COPY_H
#define VIOSWITCH_MBUF_COPY_H

#include <stddef.h>

#include <rte_mbuf.h>

struct rte_mbuf *mbuf_alloc_len(struct rte_mempool *pool, uint32_t len);
void mbuf_cut(struct rte_mbuf *m, uint32_t len);
struct rte_mbuf *mbuf_from_bytes(struct rte_mempool *pool, const void *data,
				 size_t len, size_t min_len);

#endif /* VIOSWITCH_MBUF_COPY_H */
