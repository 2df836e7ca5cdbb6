// SPDX-License-Identifier: BSD-3-Clause
/* nat_tcp_frames.c - frames of the NAT's own TCP: parse the guest's,
 * build ours (and the ICMP unreachable of a failed connect)
 *
 * Frames toward the guest come from the NAT host's MAC (the one libslirp
 * answers ARP with: the guest's router) and the address the guest talks
 * to (the NAT host's, or the remote host's), IPv4 without options, TCP
 * options only on the SYN (MSS, window scale). Frames without payload
 * carry complete checksums. Frames with payload leave the TCP checksum
 * partial (the pseudo-header sum with the length, as Linux's own frames
 * do), so a guest taking checksum offload never has its payload summed;
 * more than one MSS of it makes a GSO super-frame, which guests that
 * negotiated TSO take whole and the switch segments for the others
 * (slirp_output.c marks libslirp's large frames the same way).
 */
#include <netinet/ip_icmp.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "nat_tcp_conn.h"
#include "mbuf_copy.h"
#include "slirp_port.h"

#define HDR_LEN	    (RTE_ETHER_HDR_LEN + 20 + 20)
#define UNREACH_LEN (RTE_ETHER_HDR_LEN + 20 + 8 + 20 + 8)
#define ETH_MIN_LEN 60u

/**
 * nat_tcp_parse() - parse a guest's IPv4 TCP segment (IPv6 ones go to
 * nat_tcp_parse6())
 * @m:		frame, untagged, maybe chained (headers are copied out when
 *		they span segments; the payload stays where it is)
 * @s:		filled
 *
 * Return: 0, or -1 when the frame is not an unfragmented, well-formed IPv4
 *	   TCP segment
 */
int nat_tcp_parse(const struct rte_mbuf *m, struct nat_tcp_segment *s)
{
	uint8_t buf[RTE_ETHER_HDR_LEN + 60 + 60];
	uint32_t len = m->pkt_len, ihl, tot, doff;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	const uint8_t *f;

	if (len < HDR_LEN)
		return -1;
	f = rte_pktmbuf_read(m, 0, RTE_MIN(len, (uint32_t)sizeof(buf)), buf);
	if (f[12] == 0x86 && f[13] == 0xdd)
		return nat_tcp_parse6(m, s);
	ip = (const void *)(f + RTE_ETHER_HDR_LEN);
	if (f[12] != 0x08 || f[13] != 0x00 || (ip->version_ihl >> 4) != 4 ||
	    ip->next_proto_id != IPPROTO_TCP ||
	    (rte_be_to_cpu_16(ip->fragment_offset) &
	     (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		return -1;
	ihl = (ip->version_ihl & 0xf) * 4u;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (ihl < 20 || tot < ihl + 20 || RTE_ETHER_HDR_LEN + tot > len ||
	    RTE_ETHER_HDR_LEN + ihl + 20 > RTE_MIN(len, (uint32_t)sizeof(buf)))
		return -1;
	th = (const void *)((const uint8_t *)ip + ihl);
	doff = (th->data_off >> 4) * 4u;
	if (doff < 20 || ihl + doff > tot ||
	    RTE_ETHER_HDR_LEN + ihl + doff >
		    RTE_MIN(len, (uint32_t)sizeof(buf)))
		return -1;
	*s = (struct nat_tcp_segment){
		.saddr = ip->src_addr,
		.daddr = ip->dst_addr,
		.sport = rte_be_to_cpu_16(th->src_port),
		.dport = rte_be_to_cpu_16(th->dst_port),
		.seq = rte_be_to_cpu_32(th->sent_seq),
		.ack = rte_be_to_cpu_32(th->recv_ack),
		.flags = th->tcp_flags,
		.wnd = rte_be_to_cpu_16(th->rx_win),
		.wscale = -1,
		.m = m,
		.off = RTE_ETHER_HDR_LEN + ihl + doff,
		.len = tot - ihl - doff,
	};
	memcpy(&s->smac, f + RTE_ETHER_ADDR_LEN, RTE_ETHER_ADDR_LEN);
	if (th->tcp_flags & RTE_TCP_SYN_FLAG)
		nat_tcp_parse_options((const uint8_t *)(th + 1),
				      (const uint8_t *)th + doff, s);
	return 0;
}

/**
 * fill_headers() - write Ethernet, IPv4 and TCP headers into @m
 * @c:		connection
 * @m:		frame, headers in its first segment
 * @flags:	TCP flags
 * @seq:	sequence number
 * @opts:	TCP option bytes (0 or NAT_TCP_SYN_OPTS)
 * @plen:	payload bytes
 *
 * Return: the TCP header
 */
static struct rte_tcp_hdr *fill_headers(struct nat_tcp_conn *c,
					struct rte_mbuf *m, uint8_t flags,
					uint32_t seq, uint32_t opts,
					uint32_t plen)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

	eh->dst_addr = c->gmac;
	m->port = c->to_port;
	eh->src_addr = c->env->mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = RTE_IPV4_VHL_DEF,
		.total_length =
			rte_cpu_to_be_16((uint16_t)(20 + 20 + opts + plen)),
		.packet_id = rte_cpu_to_be_16(c->env->ip_id++),
		.fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG),
		.time_to_live = 64,
		.next_proto_id = IPPROTO_TCP,
		.src_addr = c->rip,
		.dst_addr = c->gip,
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	nat_tcp_fill_tcp(c, th, flags, seq, opts, 65495);
	return th;
}

/**
 * nat_tcp_frame_alloc() - a frame toward the guest with room for @len payload
 * bytes: one 64 KB buffer for a super-frame when there is one to spare,
 * else a chain of small ones
 * @c:		connection
 * @len:	payload bytes, at most 64 KB less headers
 *
 * Return: frame, or NULL (counted as lost on the port)
 */
struct rte_mbuf *nat_tcp_frame_alloc(struct nat_tcp_conn *c, uint32_t len)
{
	uint32_t l3 = c->v6 ? 40 : 20;
	uint32_t need = HDR_LEN + NAT_TCP_SYN_OPTS + len + l3 - 20,
		 small = (uint32_t)rte_pktmbuf_data_room_size(port_mbuf_pool) -
			 RTE_PKTMBUF_HEADROOM;
	struct rte_mbuf *m;

	m = need > small && c->env->jumbo ? mbuf_alloc_len(c->env->jumbo, need)
					  : NULL;
	if (!m)
		m = mbuf_alloc_len(port_mbuf_pool, RTE_MAX(need, ETH_MIN_LEN));
	if (!m ||
	    rte_pktmbuf_data_len(m) < HDR_LEN + NAT_TCP_SYN_OPTS + l3 - 20) {
		rte_pktmbuf_free(m);
		slirp_frame_lost(c->env->sp);
		return NULL;
	}
	m->l2_len = RTE_ETHER_HDR_LEN; /* where the payload goes */
	m->l3_len = l3;
	return m;
}

/**
 * nat_tcp_frame_payload() - iovecs over where a data frame's payload goes
 * @m:		frame from nat_tcp_frame_alloc()
 * @len:	payload bytes, as many as it was allocated for at most
 * @iov:	filled
 * @max:	its size
 *
 * Return: iovecs used
 */
int nat_tcp_frame_payload(struct rte_mbuf *m, uint32_t len, struct iovec *iov,
			  int max)
{
	uint32_t skip = (uint32_t)m->l2_len + m->l3_len + 20;
	int n = 0;

	for (; m && len && n < max; m = m->next, skip = 0) {
		uint32_t k = RTE_MIN(len, (uint32_t)m->data_len - skip);

		iov[n].iov_base = rte_pktmbuf_mtod_offset(m, uint8_t *, skip);
		iov[n++].iov_len = k;
		len -= k;
	}
	return n;
}

/**
 * nat_tcp_frame_send() - complete a frame and queue it toward the guest
 * @c:		connection
 * @m:		frame from nat_tcp_frame_alloc(), payload (if any) in place
 * @flags:	TCP flags (RTE_TCP_ACK_FLAG is added once established)
 * @seq:	its sequence number
 * @len:	payload bytes
 *
 * The frame is cut to its length (at least the Ethernet minimum, padded
 * with zeros). A frame the port's ring cannot take is dropped and counted;
 * the retransmission timer covers it.
 */
void nat_tcp_frame_send(struct nat_tcp_conn *c, struct rte_mbuf *m,
			uint8_t flags, uint32_t seq, uint32_t len)
{
	uint32_t opts = (flags & RTE_TCP_SYN_FLAG) ? NAT_TCP_SYN_OPTS : 0;
	uint32_t hdr = HDR_LEN + opts;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;

	if (c->v6) {
		nat_tcp_frame_send6(c, m, flags, seq, len);
		return;
	}
	if (c->state == NAT_TCP_OPEN) {
		flags |= RTE_TCP_ACK_FLAG;
		c->ack_due = false;
	}
	mbuf_cut(m, RTE_MAX(hdr + len, ETH_MIN_LEN));
	if (hdr + len < ETH_MIN_LEN)
		memset(rte_pktmbuf_mtod_offset(m, uint8_t *, hdr + len), 0,
		       ETH_MIN_LEN - hdr - len);
	th = fill_headers(c, m, flags, seq, opts, len);
	ip = (struct rte_ipv4_hdr *)((uint8_t *)th - 20);
	if (len) {
		/* Left partial: a guest that takes checksum offload (tap with
		 * vnet header, virtio with CSUM) never has its payload
		 * summed; the switch sums it for the others. */
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = 20;
		m->l4_len = (uint16_t)(20 + opts);
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
		if (len > c->mss) {
			m->tso_segsz = c->mss;
			m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
		}
		th->cksum = rte_ipv4_phdr_cksum(ip, 0);
	} else {
		th->cksum = rte_ipv4_udptcp_cksum_mbuf(m, ip,
						       RTE_ETHER_HDR_LEN + 20);
	}
	slirp_frame_queue(c->env->sp, m);
}

/**
 * nat_tcp_send() - send a segment without payload
 * @c:		connection
 * @flags:	TCP flags (RTE_TCP_ACK_FLAG is added once established)
 * @seq:	its sequence number
 */
void nat_tcp_send(struct nat_tcp_conn *c, uint8_t flags, uint32_t seq)
{
	struct rte_mbuf *m = nat_tcp_frame_alloc(c, 0);

	if (m)
		nat_tcp_frame_send(c, m, flags, seq, 0);
}

/**
 * nat_tcp_send_arp() - ask who has the guest's address
 * @c:		connection
 */
void nat_tcp_send_arp(struct nat_tcp_conn *c)
{
	struct slirp_port *sp = c->env->sp;
	struct rte_mbuf *m = mbuf_alloc_len(port_mbuf_pool, ETH_MIN_LEN);
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *a;

	if (!m) {
		slirp_frame_lost(sp);
		return;
	}
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	memset(eh, 0, ETH_MIN_LEN);
	memset(&eh->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	eh->src_addr = c->env->mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	a = (struct rte_arp_hdr *)(eh + 1);
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	a->arp_data.arp_sha = c->env->mac;
	a->arp_data.arp_sip = sp->cfg.vhost.s_addr;
	a->arp_data.arp_tip = c->gip;
	slirp_frame_queue(sp, m);
}

/**
 * nat_tcp_send_unreach() - tell the guest its connection attempt cannot reach
 * its destination: an ICMP destination unreachable from the NAT host (the
 * guest's router), quoting the IPv4 header and first 8 bytes of its SYN,
 * as libslirp and routers answer
 * @c:		guest-opened connection still in NAT_TCP_CONNECTING
 * @code:	ICMP code (0 net, 1 host, 13 administratively prohibited)
 */
void nat_tcp_send_unreach(struct nat_tcp_conn *c, uint8_t code)
{
	struct slirp_port *sp = c->env->sp;
	struct rte_mbuf *m = mbuf_alloc_len(port_mbuf_pool, UNREACH_LEN);
	struct rte_ipv4_hdr *ip, *q;
	struct rte_icmp_hdr *ic;
	struct rte_ether_hdr *eh;
	rte_be16_t sport, dport;
	rte_be32_t seq;
	uint8_t *l4;

	if (c->v6) {
		rte_pktmbuf_free(m);
		nat_tcp_send_unreach6(c, code);
		return;
	}
	if (!m) {
		slirp_frame_lost(sp);
		return;
	}
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	memset(eh, 0, UNREACH_LEN);
	eh->dst_addr = c->gmac;
	eh->src_addr = c->env->mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	m->port = c->to_port;
	ip = (struct rte_ipv4_hdr *)(eh + 1);
	ic = (struct rte_icmp_hdr *)(ip + 1);
	q = (struct rte_ipv4_hdr *)(ic + 1);
	*q = (struct rte_ipv4_hdr){
		.version_ihl = RTE_IPV4_VHL_DEF,
		.total_length = rte_cpu_to_be_16(20 + 20),
		.fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG),
		.time_to_live = 64,
		.next_proto_id = IPPROTO_TCP,
		.src_addr = c->gip,
		.dst_addr = c->rip,
	};
	q->hdr_checksum = rte_ipv4_cksum(q);
	/* The quoted TCP header's ports and sequence number; the frame puts
	 * it at 2 modulo 4, so no aligned stores. */
	l4 = (uint8_t *)(q + 1);
	sport = rte_cpu_to_be_16(c->gport);
	dport = rte_cpu_to_be_16(c->nport);
	seq = rte_cpu_to_be_32(c->rcv_nxt - 1);
	memcpy(l4, &sport, 2);
	memcpy(l4 + 2, &dport, 2);
	memcpy(l4 + 4, &seq, 4);
	ic->icmp_type = ICMP_DEST_UNREACH;
	ic->icmp_code = code;
	ic->icmp_cksum = ~rte_raw_cksum(ic, 8 + 20 + 8);
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = RTE_IPV4_VHL_DEF,
		.total_length = rte_cpu_to_be_16(20 + 8 + 20 + 8),
		.packet_id = rte_cpu_to_be_16(c->env->ip_id++),
		.time_to_live = 64,
		.next_proto_id = IPPROTO_ICMP,
		.src_addr = sp->cfg.vhost.s_addr,
		.dst_addr = c->gip,
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	slirp_frame_queue(sp, m);
}
