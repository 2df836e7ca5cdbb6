// SPDX-License-Identifier: BSD-3-Clause
/* offload.c - adapt a frame's offload requests to an output port
 *
 * Theory of operation
 * -------------------
 * A frame carries its offload intent in DPDK's standard ol_flags: a TCP or
 * UDP checksum left to be filled (RTE_MBUF_F_TX_TCP_CKSUM / _UDP_CKSUM),
 * an IPv4 header checksum (RTE_MBUF_F_TX_IP_CKSUM), a super-frame to cut at
 * tso_segsz (RTE_MBUF_F_TX_TCP_SEG / _UDP_SEG), with l2_len, l3_len and
 * l4_len describing its headers. Before a frame leaves, offload_adapt()
 * compares that intent with what the output port accepts:
 * - the port accepts it: the frame passes untouched (the common case);
 * - it does not: the switch does the work in software - segmentation
 *   (rte_gso), then checksums, then linearising chained mbufs for ports
 *   that take only one segment.
 * A frame whose headers must be rewritten is copied first when it is shared
 * by a flood. Frames whose metadata cannot be honoured are dropped and
 * counted as "offload": on the input port when a peer's metadata does not
 * match its frame (offload_intent(), offload_vnet.c) or the frame is
 * longer than 64 KB of IP, so no peer ever gets them.
 *
 * Ports whose peers describe offloads as a receiving NIC would (rte_vhost in
 * its compliant mode: RTE_MBUF_F_RX_LRO, RTE_MBUF_F_RX_L4_CKSUM_NONE) turn
 * them into the transmit intent above with offload_rx_to_tx().
 *
 * TCP is segmented by offload_tso.c (IPv4 and IPv6, copying); UDP
 * super-frames become IPv4 fragments through rte_gso. Every frame is
 * counted on its output port by the path it took (OFFLOAD_PATHS).
 */
#include "offload.h"

#include <string.h>

#include <rte_gso.h>
#include <rte_net.h>
#include <rte_ip.h>
#include <rte_ethdev.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "cksum.h"
#include "log.h"
#include "offload_tso.h"
#include "offload_vnet.h"

static struct rte_mempool *offload_pool;

/**
 * offload_init() - set the pool segmentation and copies allocate from
 * @pool:	mbuf pool
 *
 * Return: 0
 */
int offload_init(struct rte_mempool *pool)
{
	offload_pool = pool;
	return 0;
}

/**
 * headers_writable() - make the headers of @m safe to write
 * @m:		frame; replaced by a private copy when shared or indirect
 *
 * Return: 0, or -ENOMEM (@m untouched)
 */
static int headers_writable(struct rte_mbuf **m)
{
	struct rte_mbuf *copy;
	uint32_t hdr = (*m)->l2_len + (*m)->l3_len + (*m)->l4_len;

	if (RTE_MBUF_DIRECT(*m) && rte_mbuf_refcnt_read(*m) == 1 &&
	    rte_pktmbuf_data_len(*m) >= hdr)
		return 0;
	copy = rte_pktmbuf_copy(*m, offload_pool, 0, UINT32_MAX);
	if (!copy)
		return -ENOMEM;
	if (rte_pktmbuf_data_len(copy) < hdr) {
		rte_pktmbuf_free(copy);
		return -ENOMEM;
	}
	rte_pktmbuf_free(*m);
	*m = copy;
	return 0;
}

/**
 * fill_checksums() - compute the checksums @m leaves to offload
 * @m:		frame, headers writable
 * @with_l4:	fill the TCP/UDP checksum too, not only the IPv4 header's
 */
static void fill_checksums(struct rte_mbuf *m, bool with_l4)
{
	uint64_t fl = m->ol_flags;
	uint64_t l4 = with_l4 ? fl & RTE_MBUF_F_TX_L4_MASK : 0;
	uint32_t l4_off = m->l2_len + m->l3_len;
	void *l3 = rte_pktmbuf_mtod_offset(m, void *, m->l2_len);
	uint16_t *ck = NULL;

	if (l4 == RTE_MBUF_F_TX_TCP_CKSUM)
		ck = &rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, l4_off)
			      ->cksum;
	else if (l4 == RTE_MBUF_F_TX_UDP_CKSUM)
		ck = &rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, l4_off)
			      ->dgram_cksum;
	if (fl & RTE_MBUF_F_TX_IPV4) {
		struct rte_ipv4_hdr *ip = l3;

		if (fl & RTE_MBUF_F_TX_IP_CKSUM) {
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
		if (ck) {
			*ck = 0;
			*ck = cksum_ipv4_l4(m, ip, l4_off);
		}
	} else if (ck && (fl & RTE_MBUF_F_TX_IPV6)) {
		*ck = 0;
		*ck = cksum_ipv6_l4(m, l3, l4_off);
	}
	m->ol_flags &= ~(RTE_MBUF_F_TX_IP_CKSUM |
			 (with_l4 ? RTE_MBUF_F_TX_L4_MASK : 0));
}

/**
 * linearize() - make @m one segment
 * @m:		frame; replaced when it must be copied
 *
 * Return: 0, or -ENOMEM / -EMSGSIZE (@m untouched)
 */
static int linearize(struct rte_mbuf **m)
{
	struct rte_mbuf *flat;

	if ((*m)->nb_segs == 1)
		return 0;
	if (RTE_MBUF_DIRECT(*m) && rte_mbuf_refcnt_read(*m) == 1 &&
	    !rte_pktmbuf_linearize(*m))
		return 0;
	if ((*m)->pkt_len > (uint32_t)rte_pktmbuf_data_room_size(offload_pool) -
				    RTE_PKTMBUF_HEADROOM)
		return -EMSGSIZE;
	flat = rte_pktmbuf_alloc(offload_pool);
	if (!flat)
		return -ENOMEM;
	rte_pktmbuf_read(*m, 0, (*m)->pkt_len,
			 rte_pktmbuf_append(flat, (uint16_t)(*m)->pkt_len));
	flat->ol_flags = (*m)->ol_flags;
	flat->tx_offload = (*m)->tx_offload;
	flat->vlan_tci = (*m)->vlan_tci;
	rte_pktmbuf_free(*m);
	*m = flat;
	return 0;
}

/**
 * finish() - fill checksums and linearise as @port requires
 * @port:	output port
 * @m:		one frame (no segmentation left to do); consumed on error
 * @out:	where the frame is put
 *
 * Return: 1, or 0 when dropped (counted on @port)
 */
static uint16_t finish(struct port *port, struct rte_mbuf *m,
		       struct rte_mbuf **out)
{
	struct port_counters *c = port_counters(port);
	bool l4 = (m->ol_flags & RTE_MBUF_F_TX_L4_MASK) &&
		  !(port->caps & PORT_CAP_L4_CKSUM);

	if (l4 || (m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM)) {
		if (headers_writable(&m))
			goto nomem;
		fill_checksums(m, l4);
		c->offload[OFFLOAD_CSUM] += l4;
	}
	if (m->nb_segs > 1 && !(port->caps & PORT_CAP_MULTISEG)) {
		if (linearize(&m))
			goto nomem;
		c->offload[OFFLOAD_LINEAR]++;
	}
	if (m->ol_flags & (RTE_MBUF_F_TX_L4_MASK | OFFLOAD_SEG_FLAGS))
		c->offload[OFFLOAD_PASS]++;
	*out = m;
	return 1;
nomem:
	port_drop(port, DROP_NOMEM, &m, 1);
	return 0;
}

/**
 * segment_tcp() - cut a TCP super-frame in software (IPv4 and IPv6)
 * @port:	output port
 * @m:		super-frame, consumed
 * @out:	segments
 * @room:	space in @out
 *
 * Return: segments put in @out (0: dropped and counted)
 */
static uint16_t segment_tcp(struct port *port, struct rte_mbuf *m,
			    struct rte_mbuf **out, uint16_t room)
{
	struct rte_mbuf *segs[OFFLOAD_MAX_SEGS];
	struct port_counters *c = port_counters(port);
	uint16_t n = 0;
	int got;

	got = tso_segment(m, offload_pool, segs,
			  RTE_MIN(room, OFFLOAD_MAX_SEGS));
	if (got < 0) {
		port_drop(port, got == -ENOMEM ? DROP_NOMEM : DROP_OFFLOAD, &m,
			  1);
		return 0;
	}
	if (!got) { /* no longer than one segment: send it as it is */
		m->ol_flags &= ~RTE_MBUF_F_TX_TCP_SEG;
		return finish(port, m, out);
	}
	rte_pktmbuf_free(m);
	c->offload[OFFLOAD_SEG]++;
	c->offload[OFFLOAD_SEGS] += (uint64_t)got;
	for (int i = 0; i < got; i++)
		n += finish(port, segs[i], out + n);
	return n;
}

/**
 * segment_udp() - fragment a UDP/IPv4 super-frame (rte_gso)
 * @port:	output port
 * @m:		super-frame, consumed
 * @out:	fragments
 * @room:	space in @out
 *
 * Return: frames put in @out (0: dropped and counted)
 */
static uint16_t segment_udp(struct port *port, struct rte_mbuf *m,
			    struct rte_mbuf **out, uint16_t room)
{
	struct rte_mbuf *segs[OFFLOAD_MAX_SEGS];
	struct rte_gso_ctx gso = {
		.direct_pool = offload_pool,
		.indirect_pool = offload_pool,
		.flag = RTE_GSO_FLAG_IPID_FIXED,
		.gso_types = RTE_ETH_TX_OFFLOAD_UDP_TSO,
	};
	uint16_t n = 0;
	int got;

	if (!(m->ol_flags & RTE_MBUF_F_TX_IPV4) || !m->tso_segsz) {
		port_drop(port, DROP_OFFLOAD, &m, 1);
		return 0;
	}
	gso.gso_size = m->l2_len + m->l3_len + m->l4_len + m->tso_segsz;
	got = rte_gso_segment(m, &gso, segs, RTE_MIN(room, OFFLOAD_MAX_SEGS));
	if (got < 0) {
		port_drop(port, DROP_OFFLOAD, &m, 1);
		return 0;
	}
	if (!got)
		return finish(port, m, out);
	rte_pktmbuf_free(m);
	port_counters(port)->offload[OFFLOAD_SEG]++;
	port_counters(port)->offload[OFFLOAD_SEGS] += (uint64_t)got;
	for (int i = 0; i < got; i++) {
		segs[i]->ol_flags |=
			RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_IPV4;
		n += finish(port, segs[i], out + n);
	}
	return n;
}

/**
 * offload_csum_raw() - complete a partial checksum generically: the field
 * holds the pseudo-header sum, add everything from @start to the end
 * @m:		frame
 * @start:	csum_start
 * @offset:	csum_offset
 *
 * Return: 0, or -EINVAL when the positions are outside the frame
 */
int offload_csum_raw(struct rte_mbuf *m, uint16_t start, uint16_t offset)
{
	uint16_t sum = 0;
	uint32_t at = (uint32_t)start + offset;

	if (at + 2 > rte_pktmbuf_data_len(m) || start >= m->pkt_len)
		return -EINVAL;
	if (cksum_mbuf_raw(m, start, m->pkt_len - start, &sum))
		return -EINVAL;
	sum = (uint16_t)~sum;
	if (!sum)
		sum = 0xffff;
	/* csum_offset may be odd: no uint16_t store */
	memcpy(rte_pktmbuf_mtod_offset(m, void *, at), &sum, sizeof(sum));
	return 0;
}

/**
 * offload_intent() - set a received frame's transmit intent from its parsed
 * headers: the one place both receive paths (virtio header, rte_vhost's
 * flags) turn "checksum partial" and "super-frame" into mbuf flags
 * @m:		frame, TCP or UDP, headers in its first segment, checksum
 *		partial (the field holds the pseudo-header sum)
 * @ptype:	rte_net_get_ptype() of @m
 * @hl:		its header lengths
 * @seg_size:	payload bytes per segment of a super-frame, 0 for none
 *
 * A frame that is neither IPv4 nor IPv6 without extension headers gets no
 * flags (DPDK's pseudo-header helpers read the first next-header field):
 * its checksum is completed here and segmentation is refused. So is a
 * super-frame that would make more than OFFLOAD_MAX_SEGS segments.
 *
 * Return: 0, or -EINVAL (drop it)
 */
int offload_intent(struct rte_mbuf *m, uint32_t ptype,
		   const struct rte_net_hdr_lens *hl, uint16_t seg_size)
{
	bool tcp = (ptype & RTE_PTYPE_L4_MASK) == RTE_PTYPE_L4_TCP;
	uint32_t hdr = hl->l2_len + hl->l3_len + hl->l4_len;

	if (!RTE_ETH_IS_IPV4_HDR(ptype) &&
	    !(RTE_ETH_IS_IPV6_HDR(ptype) && hl->l3_len == 40)) {
		if (seg_size)
			return -EINVAL;
		return offload_csum_raw(m, hl->l2_len + hl->l3_len,
					tcp ? 16 : 6);
	}
	m->l2_len = hl->l2_len;
	m->l3_len = hl->l3_len;
	m->l4_len = hl->l4_len;
	m->ol_flags |= RTE_ETH_IS_IPV4_HDR(ptype) ? RTE_MBUF_F_TX_IPV4
						  : RTE_MBUF_F_TX_IPV6;
	m->ol_flags |= tcp ? RTE_MBUF_F_TX_TCP_CKSUM : RTE_MBUF_F_TX_UDP_CKSUM;
	if (!seg_size || m->pkt_len - hdr <= seg_size)
		return 0;
	/* More segments than the switch makes: refuse it here, whichever
	 * port it is for, rather than hand a peer a gso_size of 1. */
	if ((m->pkt_len - hdr + seg_size - 1) / seg_size > OFFLOAD_MAX_SEGS)
		return -EINVAL;
	m->tso_segsz = seg_size;
	m->ol_flags |= tcp ? RTE_MBUF_F_TX_TCP_SEG : RTE_MBUF_F_TX_UDP_SEG;
	return 0;
}

/**
 * offload_rx_intent() - offload_rx_to_tx() for a frame with receive-side
 * offload flags
 * @m:		frame just received, owned by the caller
 *
 * A partial checksum (RX_L4_CKSUM_NONE) becomes TX_TCP_CKSUM/TX_UDP_CKSUM
 * and a super-frame (RX_LRO with tso_segsz) TX_TCP_SEG/TX_UDP_SEG, with
 * l2_len/l3_len/l4_len from the parsed headers. A frame longer than a
 * virtio header may describe (64 KB of IP) is refused, offload or not.
 *
 * Return: 0, or -EINVAL when the flags do not match the frame or it is too
 *	   long (drop it)
 */
int offload_rx_intent(struct rte_mbuf *m)
{
	uint64_t fl = m->ol_flags;
	bool partial = (fl & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
		       RTE_MBUF_F_RX_L4_CKSUM_NONE;
	bool lro = fl & RTE_MBUF_F_RX_LRO;
	struct rte_net_hdr_lens hl;
	uint32_t ptype, l4;

	m->ol_flags &= ~OFFLOAD_RX_FLAGS;
	if (m->pkt_len > OFFLOAD_MAX_FRAME)
		return -EINVAL;
	if (!partial && !lro)
		return 0;
	ptype = rte_net_get_ptype(m, &hl, RTE_PTYPE_ALL_MASK);
	l4 = ptype & RTE_PTYPE_L4_MASK;
	if ((l4 != RTE_PTYPE_L4_TCP && l4 != RTE_PTYPE_L4_UDP) ||
	    (lro && !m->tso_segsz) ||
	    hl.l2_len + hl.l3_len + hl.l4_len > rte_pktmbuf_data_len(m))
		return -EINVAL;
	return offload_intent(m, ptype, &hl, lro ? m->tso_segsz : 0);
}

/**
 * offload_adapt_work() - offload_adapt() for a frame with offload requests
 * or a chain the port does not take
 * @port:	output port
 * @m:		frame, consumed
 * @out:	the frames to send instead (one, or the segments)
 * @room:	space in @out, at least OFFLOAD_MAX_SEGS
 *
 * Return: frames put in @out; 0 when @m was dropped (counted on @port)
 */
uint16_t offload_adapt_work(struct port *port, struct rte_mbuf *m,
			    struct rte_mbuf **out, uint16_t room)
{
	uint64_t fl = m->ol_flags;
	uint32_t tso =
		(fl & RTE_MBUF_F_TX_IPV6) ? PORT_CAP_TSO6 : PORT_CAP_TSO4;

	if ((fl & RTE_MBUF_F_TX_TCP_SEG) && !(port->caps & tso))
		return segment_tcp(port, m, out, room);
	if ((fl & RTE_MBUF_F_TX_UDP_SEG) && !(port->caps & PORT_CAP_UFO))
		return segment_udp(port, m, out, room);
	return finish(port, m, out);
}
