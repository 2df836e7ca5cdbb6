// SPDX-License-Identifier: BSD-3-Clause
/* vxlan_tso.c - cut TCP super-frames and complete checksums while
 * gathering datagrams, without copying payload
 *
 * Theory of operation
 * -------------------
 * The port takes TCP super-frames and frames whose TCP/UDP checksum is
 * left partial (PORT_CAP_TSO4/6, PORT_CAP_L4_CKSUM), so the core neither
 * copies a super-frame into fresh segments nor makes a pass over a frame
 * only to checksum it. Each datagram is instead gathered from two kinds of
 * pieces: a copy of the frame's headers in the queue's header arena,
 * patched for its segment (IPv4 total length, consecutive IP id and
 * header checksum, IPv6 payload length, TCP sequence number; FIN and PSH
 * only on the last segment, CWR only on the first - as offload_tso.c does
 * it), and its payload, pointed to where it lies in the frame's mbufs.
 * The one pass left over the payload is the L4 checksum, a 64-bit
 * ones' complement sum (vxlan_csum.c), started from the pseudo-header.
 * The frames stay the caller's until the batch was handed to the kernel.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "vxlan.h"

/**
 * tso_payload() - gather @len bytes of @m from @off into @iov and add
 * them to a checksum
 * @m:		frame
 * @off:	offset in the frame
 * @len:	bytes
 * @iov:	vectors to fill
 * @max:	their count
 * @sum:	the sum so far; the bytes follow an even number of others
 *
 * Return: vectors used, 0 when @max is too few
 */
static unsigned int tso_payload(const struct rte_mbuf *m, uint32_t off,
				uint32_t len, struct iovec *iov,
				unsigned int max, uint64_t *sum)
{
	unsigned int n = 0;
	uint32_t done = 0;

	while (m && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	for (; m && done < len; m = m->next, off = 0) {
		const uint8_t *p =
			rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
		uint32_t k = RTE_MIN(len - done, (uint32_t)m->data_len - off);
		uint16_t s;

		if (n == max)
			return 0;
		iov[n++] = (struct iovec){ (void *)(uintptr_t)p, k };
		s = vxlan_csum_fold(vxlan_csum_add(p, k, 0));
		/* a piece at an odd offset adds its bytes swapped */
		*sum += done & 1 ? rte_bswap16(s) : s;
		done += k;
	}
	return done == len ? n : 0;
}

/**
 * vxlan_tso_segs() - how many datagrams @m becomes
 * @m:		frame
 *
 * Return: segments of a super-frame, 1 for any other frame
 */
uint32_t vxlan_tso_segs(const struct rte_mbuf *m)
{
	uint32_t hdr = m->l2_len + m->l3_len + m->l4_len;

	if (!(m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) || !m->tso_segsz ||
	    m->pkt_len <= hdr)
		return 1;
	return (m->pkt_len - hdr + m->tso_segsz - 1) / m->tso_segsz;
}

/**
 * vxlan_tso_build() - the pieces of datagram @i of @m past the VXLAN
 * header: patched headers in @hdr, then the payload
 * @m:		super-frame (TX_TCP_SEG) or frame with a partial checksum
 *		(TX_TCP_CKSUM, TX_UDP_CKSUM), headers in its first mbuf
 * @i:		segment, 0 for a frame that is not cut
 * @hdr:	room for the headers, VXLAN_TSO_HDR_MAX bytes
 * @iov:	vectors to fill
 * @max:	their count
 * @len:	set to the segment's frame length
 *
 * Return: vectors used, 0 when the frame cannot be described with @max
 *	   vectors or its headers are longer than VXLAN_TSO_HDR_MAX
 */
unsigned int vxlan_tso_build(const struct rte_mbuf *m, uint32_t i, uint8_t *hdr,
			     struct iovec *iov, unsigned int max, uint32_t *len)
{
	bool seg = m->ol_flags & RTE_MBUF_F_TX_TCP_SEG;
	bool tcp = seg || (m->ol_flags & RTE_MBUF_F_TX_L4_MASK) ==
				  RTE_MBUF_F_TX_TCP_CKSUM;
	uint32_t l4 = m->l2_len + m->l3_len, hl = l4 + m->l4_len;
	uint32_t all = m->pkt_len - hl, mss = seg ? m->tso_segsz : all;
	uint32_t plen = RTE_MIN(mss, all - i * mss);
	bool last = (i + 1) * mss >= all;
	uint16_t *ck;
	uint64_t sum;
	unsigned int n;

	if (hl > VXLAN_TSO_HDR_MAX || hl > m->data_len || max < 2)
		return 0;
	memcpy(hdr, rte_pktmbuf_mtod(m, const void *), hl);
	if (m->ol_flags & RTE_MBUF_F_TX_IPV4) {
		struct rte_ipv4_hdr *ip = (void *)(hdr + m->l2_len);

		if (seg) {
			ip->total_length = rte_cpu_to_be_16(
				(uint16_t)(m->l3_len + m->l4_len + plen));
			ip->packet_id = rte_cpu_to_be_16((
				uint16_t)(rte_be_to_cpu_16(ip->packet_id) + i));
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
		sum = rte_ipv4_phdr_cksum(ip, 0);
	} else {
		struct rte_ipv6_hdr *ip = (void *)(hdr + m->l2_len);

		if (seg)
			ip->payload_len = rte_cpu_to_be_16(
				(uint16_t)(m->l3_len - sizeof(*ip) + m->l4_len +
					   plen));
		sum = rte_ipv6_phdr_cksum(ip, 0);
	}
	if (tcp) {
		struct rte_tcp_hdr *th = (void *)(hdr + l4);

		if (seg) {
			th->sent_seq = rte_cpu_to_be_32(
				rte_be_to_cpu_32(th->sent_seq) + i * mss);
			if (!last)
				th->tcp_flags &= (uint8_t) ~(RTE_TCP_FIN_FLAG |
							     RTE_TCP_PSH_FLAG);
			if (i)
				th->tcp_flags &= (uint8_t)~RTE_TCP_CWR_FLAG;
		}
		ck = &th->cksum;
	} else {
		ck = &((struct rte_udp_hdr *)(hdr + l4))->dgram_cksum;
	}
	*ck = 0;
	sum += vxlan_csum_fold(vxlan_csum_add(hdr + l4, m->l4_len, 0));
	iov[0] = (struct iovec){ hdr, hl };
	n = plen ? tso_payload(m, hl + i * mss, plen, iov + 1, max - 1, &sum)
		 : 0;
	if (plen && !n)
		return 0;
	/* the header is even-sized for TCP; for UDP, l4_len is 8 */
	*ck = (uint16_t)~vxlan_csum_fold(sum);
	if (!tcp && !*ck)
		*ck = 0xffff;
	*len = hl + plen;
	return n + 1;
}
