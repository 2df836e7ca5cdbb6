// SPDX-License-Identifier: BSD-3-Clause
/* mbuf_copy.c - mbuf chains of a given length, cut to one, and frames copied
 * into them */
#include "mbuf_copy.h"

#include <string.h>

/**
 * mbuf_alloc_len() - an mbuf (chained when needed) of exactly @len bytes,
 * contents undefined
 * @pool:	pool to allocate from
 * @len:	length (0 is allowed)
 *
 * Segments are taken in bulk and linked in order.
 *
 * Return: mbuf with pkt_len @len, or NULL when the pool ran out
 */
struct rte_mbuf *mbuf_alloc_len(struct rte_mempool *pool, uint32_t len)
{
	uint32_t room = rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM;
	uint32_t n = len ? (len + room - 1) / room : 1, left = len;
	struct rte_mbuf *segs[64], *head = NULL, *tail = NULL;
	uint16_t nb = 0;

	if (n > UINT16_MAX)
		return NULL;
	while (n) {
		unsigned int k = RTE_MIN(n, (uint32_t)RTE_DIM(segs));

		if (rte_pktmbuf_alloc_bulk(pool, segs, k)) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		for (unsigned int i = 0; i < k; i++) {
			segs[i]->data_len = (uint16_t)RTE_MIN(left, room);
			left -= segs[i]->data_len;
			if (tail)
				tail->next = segs[i];
			else
				head = segs[i];
			tail = segs[i];
		}
		nb = (uint16_t)(nb + k);
		n -= k;
	}
	head->nb_segs = nb;
	head->pkt_len = len;
	return head;
}

/**
 * mbuf_cut() - shorten a (chained) mbuf to @len bytes, freeing the
 * segments past them
 * @m:		mbuf
 * @len:	new length, at most its pkt_len and more than 0
 */
void mbuf_cut(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *s = m;
	uint32_t left = len;
	uint16_t nb = 1;

	while (s->data_len < left && s->next) {
		left -= s->data_len;
		s = s->next;
		nb++;
	}
	s->data_len = (uint16_t)left;
	rte_pktmbuf_free(s->next);
	s->next = NULL;
	m->nb_segs = nb;
	m->pkt_len = len;
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
