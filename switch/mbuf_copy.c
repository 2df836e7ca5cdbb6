// SPDX-License-Identifier: BSD-3-Clause
/* mbuf_copy.c - mbuf chains of a given length, and frames copied into them */
#include "mbuf_copy.h"

#include <string.h>

/**
 * mbuf_alloc_len() - an mbuf (chained when needed) of exactly @len bytes,
 * contents undefined
 * @pool:	pool to allocate from
 * @len:	length (0 is allowed)
 *
 * Return: mbuf with pkt_len @len, or NULL when the pool ran out
 */
struct rte_mbuf *mbuf_alloc_len(struct rte_mempool *pool, uint32_t len)
{
	struct rte_mbuf *head = rte_pktmbuf_alloc(pool), *m = head;
	uint32_t left = len;

	while (m) {
		uint16_t chunk = (uint16_t)RTE_MIN(
			left, (uint32_t)rte_pktmbuf_tailroom(m));

		m->data_len = chunk;
		left -= chunk;
		if (!left) {
			head->pkt_len = len;
			return head;
		}
		m = rte_pktmbuf_alloc(pool);
		if (m && rte_pktmbuf_chain(head, m)) {
			rte_pktmbuf_free(m);
			m = NULL;
		}
	}
	rte_pktmbuf_free(head);
	return NULL;
}

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
	size_t total = RTE_MAX(len, min_len), off = 0;
	struct rte_mbuf *head = mbuf_alloc_len(pool, (uint32_t)total);

	for (struct rte_mbuf *m = head; m; m = m->next) {
		uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
		size_t real =
			off < len ? RTE_MIN((size_t)m->data_len, len - off) : 0;

		memcpy(d, (const uint8_t *)data + off, real);
		memset(d + real, 0, m->data_len - real);
		off += m->data_len;
	}
	return head;
}
