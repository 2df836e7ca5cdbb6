// SPDX-License-Identifier: BSD-3-Clause
/* vxlan_lro.c - merge the TCP segments of a UDP_GRO train into
 * super-frames
 *
 * Theory of operation
 * -------------------
 * A UDP_GRO train (vxlan_rx.c) mostly carries one TCP flow cut by the
 * remote's segmentation: in-order segments with equal headers. Handed on
 * one by one, each costs its receiver a whole pass through its stack (a
 * tap's kernel runs the guest's TCP for each write, in the PMD's thread)
 * and draws its own ACK back through the tunnel. So, as a NIC's LRO or the
 * kernel's GRO does, consecutive segments are merged here into one
 * super-frame that leaves with the switch's offload intent (TX_TCP_SEG,
 * tso_segsz, checksum partial): a port that takes super-frames (a tap with
 * vnet_hdr, a vhost guest with TSO) gets it whole; for any other, the core
 * cuts it again (offload.c).
 *
 * A segment joins the super-frame before it when, as tcp_gro_receive()
 * asks: both are TCP over IPv4 (no options, not a fragment) or IPv6 (no
 * extension header) in an untagged frame with no padding; Ethernet
 * addresses, IP addresses, TOS/traffic class, TTL/hop limit, DF, ports,
 * ACK number and TCP options are equal; its sequence number follows on;
 * it carries payload, no more than the first segment's (the MSS), and no
 * flag but ACK and PSH; the super-frame's segments so far were all full;
 * and the result stays within 64 KB of IP and VXLAN_LRO_SEGS segments.
 * Checksums are checked before merging (the IPv4 header's, and TCP's with
 * its pseudo-header; vxlan_csum.c), since the merged frame leaves with its checksum
 * partial and nobody would check them after: a bad segment stays a frame
 * of its own for its receiver to drop. A segment with PSH ends the
 * super-frame, which then carries PSH.
 *
 * The frames are those gro_frame() attached to the train's buffer: a
 * merged segment's mbuf is trimmed to its payload and chained to the
 * super-frame, so no byte is copied.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "vxlan.h"

#define TCP_MERGE_FLAGS (RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG)

/**
 * lro_parse() - read a frame's headers if it is a TCP segment that may
 * take part in a merge, and check its checksums
 * @m:		frame, one segment
 * @s:		filled: where its headers are and what they say
 *
 * Return: true for a mergeable segment with good checksums
 */
static bool lro_parse(const struct rte_mbuf *m, struct vxlan_lro_seg *s)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = m->data_len, l4 = RTE_ETHER_HDR_LEN;
	const struct rte_ether_hdr *eth = (const void *)f;
	const struct rte_tcp_hdr *tcp;
	uint64_t sum;

	if (m->nb_segs != 1 || len < RTE_ETHER_HDR_LEN + 40)
		return false;
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const void *)(f + l4);

		if (ip->version_ihl != 0x45 ||
		    ip->next_proto_id != IPPROTO_TCP ||
		    (ip->fragment_offset & ~RTE_BE16(RTE_IPV4_HDR_DF_FLAG)) ||
		    rte_be_to_cpu_16(ip->total_length) != len - l4 ||
		    vxlan_csum_fold(vxlan_csum_add((const uint8_t *)ip,
						   sizeof(*ip), 0)) != 0xffff)
			return false;
		sum = rte_ipv4_phdr_cksum(ip, 0);
		s->v4 = true;
		l4 += sizeof(*ip);
	} else if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip = (const void *)(f + l4);

		if (len < l4 + sizeof(*ip) + sizeof(*tcp) ||
		    ip->proto != IPPROTO_TCP ||
		    rte_be_to_cpu_16(ip->payload_len) != len - l4 - sizeof(*ip))
			return false;
		sum = rte_ipv6_phdr_cksum(ip, 0);
		s->v4 = false;
		l4 += sizeof(*ip);
	} else {
		return false;
	}
	tcp = (const void *)(f + l4);
	s->hdr_len = (uint16_t)(l4 + (tcp->data_off >> 4) * 4u);
	if ((tcp->data_off >> 4) < 5 || s->hdr_len >= len ||
	    (tcp->tcp_flags & ~TCP_MERGE_FLAGS) ||
	    !(tcp->tcp_flags & RTE_TCP_ACK_FLAG))
		return false;
	if (vxlan_csum_fold(vxlan_csum_add((const uint8_t *)tcp, len - l4,
					   sum)) != 0xffff)
		return false;
	s->l3_len = (uint16_t)(l4 - RTE_ETHER_HDR_LEN);
	s->payload = (uint16_t)(len - s->hdr_len);
	s->seq = rte_be_to_cpu_32(tcp->sent_seq);
	s->psh = tcp->tcp_flags & RTE_TCP_PSH_FLAG;
	return true;
}

/**
 * lro_same_flow() - whether two parsed segments' headers allow a merge
 * @a:		first frame
 * @b:		second frame
 * @s:		@a's parsed headers (@b's have the same lengths)
 *
 * Return: true when everything but lengths, IP id, checksums, sequence
 *	   number, window and PSH is equal
 */
static bool lro_same_flow(const struct rte_mbuf *a, const struct rte_mbuf *b,
			  const struct vxlan_lro_seg *s)
{
	const uint8_t *x = rte_pktmbuf_mtod(a, const uint8_t *);
	const uint8_t *y = rte_pktmbuf_mtod(b, const uint8_t *);
	uint32_t l4 = RTE_ETHER_HDR_LEN + s->l3_len;
	const struct rte_tcp_hdr *ta = (const void *)(x + l4);
	const struct rte_tcp_hdr *tb = (const void *)(y + l4);

	if (memcmp(x, y, RTE_ETHER_HDR_LEN))
		return false;
	if (s->v4) {
		const struct rte_ipv4_hdr *ia = (const void *)(x + 14);
		const struct rte_ipv4_hdr *ib = (const void *)(y + 14);

		if (ia->type_of_service != ib->type_of_service ||
		    ia->time_to_live != ib->time_to_live ||
		    ia->fragment_offset != ib->fragment_offset ||
		    ia->src_addr != ib->src_addr ||
		    ia->dst_addr != ib->dst_addr)
			return false;
	} else {
		const struct rte_ipv6_hdr *ia = (const void *)(x + 14);
		const struct rte_ipv6_hdr *ib = (const void *)(y + 14);

		/* version, traffic class and flow label; then, after the
		 * payload length, next header, hop limit and addresses */
		if (ia->vtc_flow != ib->vtc_flow ||
		    memcmp(&ia->proto, &ib->proto, 2 + 32))
			return false;
	}
	return ta->src_port == tb->src_port && ta->dst_port == tb->dst_port &&
	       ta->recv_ack == tb->recv_ack &&
	       !memcmp(ta + 1, tb + 1,
		       s->hdr_len - l4 - sizeof(struct rte_tcp_hdr));
}

/**
 * vxlan_lro_start() - make @m the frame the next ones may join
 * @l:		merge state
 * @m:		frame just decapsulated from a train, attached to its buffer
 */
void vxlan_lro_start(struct vxlan_lro *l, struct rte_mbuf *m)
{
	l->head = m;
	l->tail = m;
	l->segs = 1;
	l->parsed = false;
	l->open = true;
}

/**
 * vxlan_lro_join() - merge @m into the super-frame being built, if it may
 * @l:		merge state
 * @m:		next frame of the same train, attached to its buffer
 *
 * Return: true when @m is now a segment of the super-frame (no longer a
 *	   frame of its own), false when the caller keeps it
 */
bool vxlan_lro_join(struct vxlan_lro *l, struct rte_mbuf *m)
{
	struct vxlan_lro_seg s;

	if (!l->head || !l->open)
		return false;
	if (!l->parsed) {
		if (!lro_parse(l->head, &l->first)) {
			l->open = false;
			return false;
		}
		l->parsed = true;
		l->next_seq = l->first.seq + l->first.payload;
		l->full = true;
	}
	if (!l->full || l->segs >= VXLAN_LRO_SEGS || !lro_parse(m, &s) ||
	    s.v4 != l->first.v4 || s.hdr_len != l->first.hdr_len ||
	    s.payload > l->first.payload || s.seq != l->next_seq ||
	    l->head->pkt_len - RTE_ETHER_HDR_LEN + s.payload > UINT16_MAX ||
	    !lro_same_flow(l->head, m, &l->first))
		return false;
	rte_pktmbuf_adj(m, s.hdr_len);
	l->tail->next = m;
	l->tail = m;
	l->head->nb_segs++;
	l->head->pkt_len += s.payload;
	l->segs++;
	l->next_seq += s.payload;
	l->full = s.payload == l->first.payload;
	if (s.psh) {
		l->first.psh = true;
		l->open = false;
	}
	return true;
}

/**
 * vxlan_lro_end() - finish the super-frame being built: its headers say
 * its whole length, its checksum is left partial and it asks to be cut at
 * the first segment's payload size
 * @l:		merge state; empty afterwards
 */
void vxlan_lro_end(struct vxlan_lro *l)
{
	struct rte_mbuf *m = l->head;
	uint8_t *f;
	struct rte_tcp_hdr *tcp;
	uint32_t l4;

	l->head = NULL;
	if (!m || l->segs < 2)
		return;
	f = rte_pktmbuf_mtod(m, uint8_t *);
	l4 = RTE_ETHER_HDR_LEN + l->first.l3_len;
	tcp = (struct rte_tcp_hdr *)(f + l4);
	if (l->first.psh)
		tcp->tcp_flags |= RTE_TCP_PSH_FLAG;
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = l->first.l3_len;
	m->l4_len = l->first.hdr_len - l4;
	m->tso_segsz = l->first.payload;
	m->ol_flags |= RTE_MBUF_F_TX_TCP_CKSUM | RTE_MBUF_F_TX_TCP_SEG;
	if (l->first.v4) {
		struct rte_ipv4_hdr *ip = (void *)(f + RTE_ETHER_HDR_LEN);

		ip->total_length = rte_cpu_to_be_16(
			(uint16_t)(m->pkt_len - l4 + l->first.l3_len));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		tcp->cksum = rte_ipv4_phdr_cksum(ip, 0);
		m->ol_flags |= RTE_MBUF_F_TX_IPV4;
	} else {
		struct rte_ipv6_hdr *ip = (void *)(f + RTE_ETHER_HDR_LEN);

		ip->payload_len = rte_cpu_to_be_16((uint16_t)(m->pkt_len - l4));
		tcp->cksum = rte_ipv6_phdr_cksum(ip, 0);
		m->ol_flags |= RTE_MBUF_F_TX_IPV6;
	}
	l->merged++;
	l->merged_segs += l->segs;
}
