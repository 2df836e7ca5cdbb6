// SPDX-License-Identifier: BSD-3-Clause
/* offload_tso.c - software TCP segmentation for IPv4 and IPv6
 *
 * Theory of operation
 * -------------------
 * A TCP super-frame (RTE_MBUF_F_TX_TCP_SEG, tso_segsz, l2/l3/l4_len) that
 * its output port cannot take whole is cut here into frames of at most
 * tso_segsz payload bytes, each a fresh mbuf (chained when a segment is
 * longer than one buffer): the headers are copied and patched - IPv4
 * total length and a consecutive IP id, IPv6 payload length, TCP sequence
 * number, FIN and PSH only on the last segment, CWR only on the first -
 * and the payload is copied from the super-frame's segments. Every segment
 * asks for its checksums (TX_TCP_CKSUM, and TX_IP_CKSUM for IPv4) with the
 * pseudo-header sum in place, as a NIC driver would hand it over, so the
 * caller fills them in software or leaves them to a port that offloads
 * checksums. DPDK 22.11's rte_gso has no TCP/IPv6 and makes indirect
 * chains; copying keeps every segment private, writable and linear for
 * the usual MSS.
 */
#include "offload_tso.h"

#include <errno.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "mbuf_copy.h"

#define TSO_HDR_MAX 256

/**
 * copy_in() - copy @len bytes of @src from @src_off into @dst from @dst_off
 * @dst:	destination chain, long enough
 * @dst_off:	offset in @dst
 * @src:	source chain
 * @src_off:	offset in @src
 * @len:	bytes
 */
static void copy_in(struct rte_mbuf *dst, uint32_t dst_off,
		    const struct rte_mbuf *src, uint32_t src_off, uint32_t len)
{
	for (struct rte_mbuf *s = dst; s && len; s = s->next) {
		uint8_t *p;
		const void *from;
		uint32_t chunk;

		if (dst_off >= s->data_len) {
			dst_off -= s->data_len;
			continue;
		}
		chunk = RTE_MIN(len, (uint32_t)s->data_len - dst_off);
		p = rte_pktmbuf_mtod_offset(s, uint8_t *, dst_off);
		from = rte_pktmbuf_read(src, src_off, chunk, p);
		if (from != p)
			memcpy(p, from, chunk);
		src_off += chunk;
		len -= chunk;
		dst_off = 0;
	}
}

/**
 * patch_headers() - fix lengths, id, sequence and flags of segment @i
 * @seg:	segment, headers in its first buffer
 * @m:		the super-frame (for its metadata)
 * @i:		segment number
 * @last:	it is the last segment
 * @len:	its payload length
 * @seq0:	the super-frame's sequence number
 * @id0:	the super-frame's IPv4 id
 */
static void patch_headers(struct rte_mbuf *seg, const struct rte_mbuf *m,
			  uint32_t i, bool last, uint32_t len, uint32_t seq0,
			  uint16_t id0)
{
	void *l3 = rte_pktmbuf_mtod_offset(seg, void *, m->l2_len);
	struct rte_tcp_hdr *tcp = rte_pktmbuf_mtod_offset(
		seg, struct rte_tcp_hdr *, m->l2_len + m->l3_len);
	bool v4 = m->ol_flags & RTE_MBUF_F_TX_IPV4;

	seg->ol_flags =
		(m->ol_flags & (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6)) |
		RTE_MBUF_F_TX_TCP_CKSUM | (v4 ? RTE_MBUF_F_TX_IP_CKSUM : 0);
	seg->tx_offload = m->tx_offload;
	seg->tso_segsz = 0;
	seg->vlan_tci = m->vlan_tci;
	if (v4) {
		struct rte_ipv4_hdr *ip = l3;

		ip->total_length = rte_cpu_to_be_16(
			(uint16_t)(m->l3_len + m->l4_len + len));
		ip->packet_id = rte_cpu_to_be_16((uint16_t)(id0 + i));
	} else {
		struct rte_ipv6_hdr *ip = l3;

		ip->payload_len = rte_cpu_to_be_16(
			(uint16_t)(m->l3_len - sizeof(*ip) + m->l4_len + len));
	}
	tcp->sent_seq = rte_cpu_to_be_32(seq0 + i * m->tso_segsz);
	if (!last)
		tcp->tcp_flags &= ~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
	if (i)
		tcp->tcp_flags &= ~RTE_TCP_CWR_FLAG;
	tcp->cksum = v4 ? rte_ipv4_phdr_cksum(l3, seg->ol_flags)
			: rte_ipv6_phdr_cksum(l3, seg->ol_flags);
}

/**
 * tso_segment() - cut a TCP super-frame into frames of tso_segsz payload
 * @m:		super-frame, not consumed
 * @pool:	pool for the segments
 * @out:	segments
 * @room:	space in @out
 *
 * Return: segments made (0: the frame needs no cutting), or -EINVAL
 *	   (metadata does not match the frame), -ENOSPC (more segments
 *	   than @room), -ENOMEM
 */
int tso_segment(const struct rte_mbuf *m, struct rte_mempool *pool,
		struct rte_mbuf **out, uint16_t room)
{
	uint32_t hdr = m->l2_len + m->l3_len + m->l4_len, payload, n;
	const struct rte_tcp_hdr *tcp;
	uint8_t h[TSO_HDR_MAX];
	uint32_t seq0;
	uint16_t id0 = 0;

	if (!m->tso_segsz || hdr > TSO_HDR_MAX || hdr > m->pkt_len ||
	    m->l4_len < sizeof(*tcp) ||
	    !(m->ol_flags & (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6)))
		return -EINVAL;
	payload = m->pkt_len - hdr;
	if (payload <= m->tso_segsz)
		return 0;
	n = (payload + m->tso_segsz - 1) / m->tso_segsz;
	if (n > room)
		return -ENOSPC;
	if (rte_pktmbuf_read(m, 0, hdr, h) != h)
		memcpy(h, rte_pktmbuf_mtod(m, void *), hdr);
	tcp = (const struct rte_tcp_hdr *)(h + m->l2_len + m->l3_len);
	seq0 = rte_be_to_cpu_32(tcp->sent_seq);
	if (m->ol_flags & RTE_MBUF_F_TX_IPV4)
		id0 = rte_be_to_cpu_16(
			((const struct rte_ipv4_hdr *)(h + m->l2_len))
				->packet_id);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t mss = m->tso_segsz;
		uint32_t len = RTE_MIN(mss, payload - i * mss);
		struct rte_mbuf *seg = mbuf_alloc_len(pool, hdr + len);

		if (!seg || rte_pktmbuf_data_len(seg) < hdr) {
			rte_pktmbuf_free(seg);
			rte_pktmbuf_free_bulk(out, i);
			return -ENOMEM;
		}
		memcpy(rte_pktmbuf_mtod(seg, void *), h, hdr);
		copy_in(seg, hdr, m, hdr + i * m->tso_segsz, len);
		patch_headers(seg, m, i, i == n - 1, len, seq0, id0);
		out[i] = seg;
	}
	return (int)n;
}
