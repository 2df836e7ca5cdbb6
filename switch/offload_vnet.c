// SPDX-License-Identifier: BSD-3-Clause
/* offload_vnet.c - virtio_net_hdr <-> mbuf offload flags, with validation
 *
 * Theory of operation
 * -------------------
 * Peers that speak the virtio-net header directly (the kernel's tap with
 * IFF_VNET_HDR) describe checksum and segmentation offloads in it. On
 * receive, offload_from_vnet() checks the header against the frame, as the
 * kernel's virtio_net_hdr_to_skb() does, and turns it into DPDK's transmit
 * intent (ol_flags, l2/l3/l4_len, tso_segsz); on transmit,
 * offload_to_vnet() writes the header from that intent. Anything that does
 * not match the frame is refused, to be dropped and counted as "offload":
 * - a GSO type with gso_size 0, or whose protocol is not the frame's;
 * - csum_start/csum_offset outside the frame;
 * - a frame longer than 64 KB of IP;
 * - a super-frame that would make more than OFFLOAD_MAX_SEGS segments
 *   (offload_intent());
 * - a GSO frame that needs no segmentation is passed as a plain frame.
 * A checksum request on a protocol the switch cannot describe (neither
 * TCP nor UDP right after IP) is completed here in software, as the kernel
 * would, so the frame stays valid. Turning the checked header into mbuf
 * flags is offload_intent()'s job (offload.c), shared with rte_vhost's
 * receive flags.
 */
#include "offload_vnet.h"

#include <errno.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_net.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "offload.h"

/**
 * gso_matches() - does the GSO type fit the parsed packet?
 * @type:	gso_type without the ECN bit
 * @ptype:	rte_net_get_ptype() result
 *
 * Return: true if so
 */
static bool gso_matches(uint8_t type, uint32_t ptype)
{
	uint32_t l4 = ptype & RTE_PTYPE_L4_MASK;

	switch (type) {
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return RTE_ETH_IS_IPV4_HDR(ptype) && l4 == RTE_PTYPE_L4_TCP;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return RTE_ETH_IS_IPV6_HDR(ptype) && l4 == RTE_PTYPE_L4_TCP;
	case VIRTIO_NET_HDR_GSO_UDP:
		return l4 == RTE_PTYPE_L4_UDP;
	}
	return false;
}

/**
 * offload_from_vnet() - check a received virtio header and set @m's intent
 * @m:		frame, owned and unshared; its data follows the header
 * @h:		the header that came with it
 *
 * Return: 0, or -EINVAL when the header does not match the frame
 */
int offload_from_vnet(struct rte_mbuf *m, const struct virtio_net_hdr *h)
{
	uint8_t gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	bool csum = h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
	struct rte_net_hdr_lens hl;
	uint32_t ptype, l4, hdr;

	if (m->pkt_len > OFFLOAD_MAX_FRAME)
		return -EINVAL;
	if (!csum && gso == VIRTIO_NET_HDR_GSO_NONE)
		return 0;
	ptype = rte_net_get_ptype(m, &hl, RTE_PTYPE_ALL_MASK);
	l4 = ptype & RTE_PTYPE_L4_MASK;
	hdr = hl.l2_len + hl.l3_len + hl.l4_len;
	if (gso != VIRTIO_NET_HDR_GSO_NONE &&
	    (!h->gso_size || !gso_matches(gso, ptype) ||
	     hdr > rte_pktmbuf_data_len(m)))
		return -EINVAL;
	if (csum && (h->csum_start != hl.l2_len + hl.l3_len ||
		     (l4 != RTE_PTYPE_L4_TCP && l4 != RTE_PTYPE_L4_UDP) ||
		     hdr > rte_pktmbuf_data_len(m))) {
		if (gso != VIRTIO_NET_HDR_GSO_NONE)
			return -EINVAL;
		return offload_csum_raw(m, h->csum_start, h->csum_offset);
	}
	return offload_intent(m, ptype, &hl,
			      gso == VIRTIO_NET_HDR_GSO_NONE ? 0 : h->gso_size);
}

/**
 * offload_to_vnet() - the virtio header describing @m's offload intent
 * @m:		frame about to be sent
 * @h:		header to fill
 */
void offload_to_vnet(const struct rte_mbuf *m, struct virtio_net_hdr *h)
{
	uint64_t fl = m->ol_flags;
	uint64_t l4 = fl & RTE_MBUF_F_TX_L4_MASK;

	*h = (struct virtio_net_hdr){ 0 };
	if (l4 == RTE_MBUF_F_TX_TCP_CKSUM || (fl & RTE_MBUF_F_TX_TCP_SEG)) {
		h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h->csum_start = m->l2_len + m->l3_len;
		h->csum_offset = offsetof(struct rte_tcp_hdr, cksum);
	} else if (l4 == RTE_MBUF_F_TX_UDP_CKSUM) {
		h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h->csum_start = m->l2_len + m->l3_len;
		h->csum_offset = offsetof(struct rte_udp_hdr, dgram_cksum);
	}
	if (fl & RTE_MBUF_F_TX_TCP_SEG) {
		h->gso_type = (fl & RTE_MBUF_F_TX_IPV6)
				      ? VIRTIO_NET_HDR_GSO_TCPV6
				      : VIRTIO_NET_HDR_GSO_TCPV4;
	} else if (fl & RTE_MBUF_F_TX_UDP_SEG) {
		h->gso_type = VIRTIO_NET_HDR_GSO_UDP;
	} else {
		return;
	}
	h->gso_size = m->tso_segsz;
	h->hdr_len = m->l2_len + m->l3_len + m->l4_len;
}
