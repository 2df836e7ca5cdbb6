// SPDX-License-Identifier: BSD-3-Clause
/* slirp_input.c - a guest's frame into the NAT: policy, own paths, libslirp
 *
 * Theory of operation
 * -------------------
 * libslirp runs at MTU/MRU 65520, so its TCP can take and send 64 KB
 * segments. Into slirp (slirp_frame_in): the frame is made linear, every
 * checksum left to offload is completed (libslirp drops frames whose L4
 * checksum was left for offload, and a guest's TSO super-frame carries only
 * the pseudo-header sum), and the MSS option of a SYN or SYN-ACK is raised
 * to what slirp's MTU allows, so slirp may send large segments to the
 * guest. Before anything else, slirp_nat.c drops a frame whose source
 * address belongs to another guest and answers DHCP, and IPv4 fragments
 * are reassembled (nat_reass.c): what follows sees whole datagrams only.
 * A guest's IPv4 TCP segment of a connection the NAT splices itself
 * (nat_tcp.c: hostfwd, and every connection a guest opens unless the
 * NAT is restricted), and a guest's IPv4 UDP datagram the NAT carries on
 * its own sockets (nat_udp.c), are taken out here, before libslirp sees
 * them; a frame that would make libslirp open a socket over a cap is
 * dropped (slirp_census.c). Frames back toward the guests leave through
 * slirp_output.c.
 */
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_net.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "clock.h"
#include "nat_tcp.h"
#include "nat_reass.h"
#include "nat_udp.h"
#include "slirp_census.h"
#include "slirp_port.h"

/**
 * raise_mss() - raise the MSS option of a SYN so slirp may send large
 * segments; the checksum is recomputed afterwards by the caller
 * @tcp:	TCP header, in a linear buffer
 * @l4_len:	its length
 * @mss:	new MSS
 *
 * Return: true if the option was changed
 */
static bool raise_mss(struct rte_tcp_hdr *tcp, uint32_t l4_len, uint16_t mss)
{
	uint8_t *opt = (uint8_t *)(tcp + 1);
	uint8_t *end = (uint8_t *)tcp + l4_len;

	if (!(tcp->tcp_flags & RTE_TCP_SYN_FLAG))
		return false;
	while (opt < end && *opt != 0) {
		if (*opt == 1) {
			opt++;
			continue;
		}
		if (opt + 1 >= end || opt[1] < 2 || opt + opt[1] > end)
			return false;
		if (opt[0] == 2 && opt[1] == 4) {
			opt[2] = (uint8_t)(mss >> 8);
			opt[3] = (uint8_t)mss;
			return true;
		}
		opt += opt[1];
	}
	return false;
}

/**
 * fix_l4() - raise a SYN's MSS; complete the IP and L4 checksums when they
 * were left to offload or the MSS changed (a frame that arrived with a
 * wrong checksum keeps it)
 * @buf:	frame, linear
 * @len:	its length
 * @ptype:	rte_net_get_ptype() of the frame
 * @hl:		its header lengths
 * @partial:	checksums were left to offload
 */
static void fix_l4(uint8_t *buf, uint32_t len, uint32_t ptype,
		   const struct rte_net_hdr_lens *hl, bool partial)
{
	uint32_t l4 = ptype & RTE_PTYPE_L4_MASK;
	void *l3 = buf + hl->l2_len, *l4h = buf + hl->l2_len + hl->l3_len;
	uint16_t ck;

	if ((l4 != RTE_PTYPE_L4_TCP && l4 != RTE_PTYPE_L4_UDP) ||
	    (uint32_t)hl->l2_len + hl->l3_len + hl->l4_len > len)
		return;
	if (l4 == RTE_PTYPE_L4_TCP &&
	    raise_mss(l4h, hl->l4_len, SLIRP_MTU - 60))
		partial = true;
	if (!partial)
		return;
	if (l4 == RTE_PTYPE_L4_TCP)
		((struct rte_tcp_hdr *)l4h)->cksum = 0;
	else
		((struct rte_udp_hdr *)l4h)->dgram_cksum = 0;
	if (RTE_ETH_IS_IPV4_HDR(ptype)) {
		struct rte_ipv4_hdr *ip = l3;

		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		ck = rte_ipv4_udptcp_cksum(ip, l4h);
	} else if (RTE_ETH_IS_IPV6_HDR(ptype)) {
		ck = rte_ipv6_udptcp_cksum(l3, l4h);
	} else {
		return;
	}
	if (l4 == RTE_PTYPE_L4_TCP)
		((struct rte_tcp_hdr *)l4h)->cksum = ck;
	else
		((struct rte_udp_hdr *)l4h)->dgram_cksum = ck;
}

/**
 * police() - the binding checks and the DHCP server (slirp_nat.c)
 * @sp:		port
 * @m:		frame; consumed when this returns true
 *
 * Return: true when the frame was taken (spoofed source dropped, or DHCP
 *	   answered)
 */
static bool police(struct slirp_port *sp, struct rte_mbuf *m)
{
	uint32_t n = RTE_MIN(m->pkt_len, 64u);

	return slirp_nat_input(sp, m, rte_pktmbuf_read(m, 0, n, sp->buf), n);
}

/**
 * slirp_frame_in() - hand a frame from the switch to libslirp (NAT thread)
 * @sp:		port
 * @m:		frame, consumed
 */
void slirp_frame_in(struct slirp_port *sp, struct rte_mbuf *m)
{
	uint32_t len = m->pkt_len, ptype;
	struct rte_net_hdr_lens hl;
	struct rte_mbuf *whole;
	const void *d;

	if (len > SLIRP_MTU + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN) {
		port_drop(&sp->port, DROP_TOO_BIG, &m, 1);
		return;
	}
	if (police(sp, m))
		return;
	/* Fragments come back only as whole datagrams: libslirp's own
	 * reassembly crashes (nat_reass.c). */
	whole = nat_reass_input(sp->reass, m, clock_mono_ns());
	if (!whole || (whole != m && police(sp, whole)))
		return;
	m = whole;
	len = m->pkt_len;
	/* The spliced TCP reads the frame where it is; libslirp gets a
	 * linear copy it may write into. */
	if (nat_tcp_input(sp->tcp, m) || nat_udp_input(sp->udp, m)) {
		rte_pktmbuf_free(m);
		return;
	}
	if (!slirp_census_admit(sp->census, m)) {
		port_drop(&sp->port, DROP_NAT_LIMIT, &m, 1);
		return;
	}
	d = rte_pktmbuf_read(m, 0, len, sp->buf);
	if (d != sp->buf)
		memcpy(sp->buf, d, len);
	ptype = rte_net_get_ptype(m, &hl, RTE_PTYPE_ALL_MASK);
	fix_l4(sp->buf, len, ptype, &hl,
	       m->ol_flags & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG |
			      RTE_MBUF_F_TX_UDP_SEG | RTE_MBUF_F_TX_IP_CKSUM));
	rte_pktmbuf_free(m);
	slirp_input(sp->slirp, sp->buf, (int)len);
}
