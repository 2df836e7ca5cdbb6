/* SPDX-License-Identifier: BSD-3-Clause */
/* mbuf_copy.h - copy a frame held in plain memory into mbufs */
#ifndef VIOSWITCH_MBUF_COPY_H
#define VIOSWITCH_MBUF_COPY_H

#include <stddef.h>

#include <rte_mbuf.h>

struct rte_mbuf *mbuf_from_bytes(struct rte_mempool *pool, const void *data,
				 size_t len, size_t min_len);

#endif /* VIOSWITCH_MBUF_COPY_H */
