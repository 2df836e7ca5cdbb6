// SPDX-License-Identifier: BSD-3-Clause
/* mbuf_copy.c - copy a frame held in plain memory into mbufs */
#include "mbuf_copy.h"

#include <string.h>

/**
 * mbuf_from_bytes() - copy a frame into a (chained) mbuf, zero-padded
 * @pool:	pool to allocate from
 * @data:	frame
 * @len:	its length (0 is allowed)
 * @min_len:	pad with zeros up to this length (e.g. 60, the Ethernet
 *		minimum), 0 for none
 *
 * Return: mbuf, or NULL when the pool ran out
 */
struct rte_mbuf *mbuf_from_bytes(struct rte_mempool *pool, const void *data,
				 size_t len, size_t min_len)
{
	struct rte_mbuf *head = rte_pktmbuf_alloc(pool), *m = head;
	size_t total = RTE_MAX(len, min_len), off = 0;

	while (m) {
		uint16_t chunk =
			(uint16_t)RTE_MIN(rte_pktmbuf_tailroom(m), total - off);
		uint8_t *d = rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len);
		size_t real = off < len ? RTE_MIN((size_t)chunk, len - off) : 0;

		memcpy(d, (const uint8_t *)data + off, real);
		memset(d + real, 0, chunk - real);
		m->data_len += chunk;
		head->pkt_len += chunk;
		off += chunk;
		if (off == total)
			return head;
		m = rte_pktmbuf_alloc(pool);
		if (m && rte_pktmbuf_chain(head, m)) {
			rte_pktmbuf_free(m);
			m = NULL;
		}
	}
	rte_pktmbuf_free(head);
	return NULL;
}
