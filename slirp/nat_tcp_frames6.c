// SPDX-License-Identifier: BSD-3-Clause
/* nat_tcp_frames6.c - IPv6 frames of the NAT's own TCP: parse the guest's,
 * build ours (and the ICMPv6 unreachable of a failed connect)
 *
 * The IPv6 side of nat_tcp_frames.c, which dispatches here for a frame of
 * type 0x86dd and for a connection opened over IPv6. A guest's segment may
 * carry the extension headers a host sends on its own: hop-by-hop options
 * (first only), destination options and a routing header whose segments
 * are all done, NAT_TCP_EXT6_MAX bytes of them at most; a fragment, a
 * routing header with segments left, a jumbogram or anything cut short is
 * refused, and goes on to libslirp, which drops what it cannot take. Our
 * frames carry a bare IPv6 header (hop limit 64) from the address the
 * guest talks to; payload, checksums and super-frames as in IPv4, with the
 * IPv6 offload flags, so the switch segments them (offload_tso.c) for
 * guests without TSO6. The SYN-ACK's MSS option offers 65535 less 60.
 */
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "mbuf_copy.h"
#include "nat_tcp_conn.h"
#include "slirp_port.h"

#define HDR6_LEN	   (RTE_ETHER_HDR_LEN + 40 + 20)
#define UNREACH6_LEN	   (RTE_ETHER_HDR_LEN + 40 + 8 + 40 + 20)
#define NAT_TCP_EXT6_MAX   256 /* extension header bytes we look past */
#define NAT_TCP_EXT6_COUNT 4 /* and extension headers */
#define MSS6		   (65535 - 60)

/**
 * skip_ext() - look past a segment's extension headers to its TCP header
 * @f:		the frame's first bytes, linear
 * @have:	how many
 * @end:	where the IPv6 payload ends in the frame
 * @nh:		next header of the IPv6 header; set to the last one's
 * @off:	where the first follows the IPv6 header; set past the last
 *
 * Return: 0, or -1 for a fragment, a routing header with segments left, a
 *	   hop-by-hop header not first, too many of them, or one cut short
 */
static int skip_ext(const uint8_t *f, uint32_t have, uint32_t end, uint8_t *nh,
		    uint32_t *off)
{
	uint32_t first = *off;

	for (int i = 0; i <= NAT_TCP_EXT6_COUNT; i++) {
		uint32_t hlen;

		if (*nh != IPPROTO_HOPOPTS && *nh != IPPROTO_ROUTING &&
		    *nh != IPPROTO_DSTOPTS)
			return 0;
		if (i == NAT_TCP_EXT6_COUNT || *off + 8 > have ||
		    *off + 8 > end)
			return -1;
		if ((*nh == IPPROTO_HOPOPTS && *off != first) ||
		    (*nh == IPPROTO_ROUTING && f[*off + 3] != 0))
			return -1;
		hlen = (f[*off + 1] + 1u) * 8u;
		*nh = f[*off];
		*off += hlen;
		if (*off > end || *off - first > NAT_TCP_EXT6_MAX)
			return -1;
	}
	return -1;
}

/**
 * nat_tcp_parse6() - parse a guest's IPv6 TCP segment
 * @m:		frame, untagged, maybe chained (headers are copied out when
 *		they span segments; the payload stays where it is)
 * @s:		filled, @v6 set
 *
 * Return: 0, or -1 when the frame is not a whole, well-formed IPv6 TCP
 *	   segment behind at most the extension headers skip_ext() takes
 */
int nat_tcp_parse6(const struct rte_mbuf *m, struct nat_tcp_segment *s)
{
	uint8_t buf[HDR6_LEN + NAT_TCP_EXT6_MAX + 40];
	uint32_t len = m->pkt_len, have, end, off, doff;
	const struct rte_ipv6_hdr *ip;
	const struct rte_tcp_hdr *th;
	const uint8_t *f;
	uint8_t nh;

	if (len < HDR6_LEN)
		return -1;
	have = RTE_MIN(len, (uint32_t)sizeof(buf));
	f = rte_pktmbuf_read(m, 0, have, buf);
	if (f[12] != 0x86 || f[13] != 0xdd || (f[14] >> 4) != 6)
		return -1;
	ip = (const void *)(f + RTE_ETHER_HDR_LEN);
	end = RTE_ETHER_HDR_LEN + 40 + rte_be_to_cpu_16(ip->payload_len);
	nh = ip->proto;
	off = RTE_ETHER_HDR_LEN + 40;
	if (end > len || skip_ext(f, have, end, &nh, &off) ||
	    nh != IPPROTO_TCP || off + 20 > end || off + 20 > have)
		return -1;
	th = (const void *)(f + off);
	doff = (th->data_off >> 4) * 4u;
	if (doff < 20 || off + doff > end || off + doff > have)
		return -1;
	*s = (struct nat_tcp_segment){
		.v6 = true,
		.sport = rte_be_to_cpu_16(th->src_port),
		.dport = rte_be_to_cpu_16(th->dst_port),
		.seq = rte_be_to_cpu_32(th->sent_seq),
		.ack = rte_be_to_cpu_32(th->recv_ack),
		.flags = th->tcp_flags,
		.wnd = rte_be_to_cpu_16(th->rx_win),
		.wscale = -1,
		.m = m,
		.off = off + doff,
		.len = end - off - doff,
	};
	memcpy(s->saddr6, ip->src_addr, 16);
	memcpy(s->daddr6, ip->dst_addr, 16);
	memcpy(&s->smac, f + RTE_ETHER_ADDR_LEN, RTE_ETHER_ADDR_LEN);
	if (th->tcp_flags & RTE_TCP_SYN_FLAG)
		nat_tcp_parse_options((const uint8_t *)(th + 1),
				      (const uint8_t *)th + doff, s);
	return 0;
}

/**
 * fill_headers6() - write Ethernet, IPv6 and TCP headers into @m
 * @c:		IPv6 connection
 * @m:		frame, headers in its first segment
 * @flags:	TCP flags
 * @seq:	sequence number
 * @opts:	TCP option bytes (0 or NAT_TCP_SYN_OPTS)
 * @plen:	payload bytes
 *
 * Return: the TCP header
 */
static struct rte_tcp_hdr *fill_headers6(struct nat_tcp_conn *c,
					 struct rte_mbuf *m, uint8_t flags,
					 uint32_t seq, uint32_t opts,
					 uint32_t plen)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eh + 1);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

	eh->dst_addr = c->gmac;
	m->port = c->to_port;
	eh->src_addr = c->env->mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	*ip = (struct rte_ipv6_hdr){
		.vtc_flow = rte_cpu_to_be_32(6u << 28),
		.payload_len = rte_cpu_to_be_16((uint16_t)(20 + opts + plen)),
		.proto = IPPROTO_TCP,
		.hop_limits = 64,
	};
	memcpy(ip->src_addr, c->rip6, 16);
	memcpy(ip->dst_addr, c->gip6, 16);
	nat_tcp_fill_tcp(c, th, flags, seq, opts, MSS6);
	return th;
}

/**
 * nat_tcp_frame_send6() - complete an IPv6 frame and queue it toward the
 * guest (nat_tcp_frame_send() for a connection over IPv6)
 * @c:		IPv6 connection
 * @m:		frame from nat_tcp_frame_alloc(), payload (if any) in place
 * @flags:	TCP flags (RTE_TCP_ACK_FLAG is added once established)
 * @seq:	its sequence number
 * @len:	payload bytes
 *
 * A frame the port's ring cannot take is dropped and counted; the
 * retransmission timer covers it.
 */
void nat_tcp_frame_send6(struct nat_tcp_conn *c, struct rte_mbuf *m,
			 uint8_t flags, uint32_t seq, uint32_t len)
{
	uint32_t opts = (flags & RTE_TCP_SYN_FLAG) ? NAT_TCP_SYN_OPTS : 0;
	struct rte_ipv6_hdr *ip;
	struct rte_tcp_hdr *th;

	if (c->state == NAT_TCP_OPEN) {
		flags |= RTE_TCP_ACK_FLAG;
		c->ack_due = false;
	}
	mbuf_cut(m, HDR6_LEN + opts + len);
	th = fill_headers6(c, m, flags, seq, opts, len);
	ip = (struct rte_ipv6_hdr *)((uint8_t *)th - 40);
	m->tx_offload = 0;
	if (len) {
		/* Partial, as for IPv4 (nat_tcp_frame_send()). */
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = 40;
		m->l4_len = (uint16_t)(20 + opts);
		m->ol_flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
		if (len > c->mss) {
			m->tso_segsz = c->mss;
			m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
		}
		th->cksum = rte_ipv6_phdr_cksum(ip, 0);
	} else {
		th->cksum = rte_ipv6_udptcp_cksum_mbuf(m, ip,
						       RTE_ETHER_HDR_LEN + 40);
	}
	slirp_frame_queue(c->env->sp, m);
}

/**
 * unreach6_code() - the ICMPv6 destination unreachable code for the
 * ICMPv4 one connect_failed() chose
 * @code:	ICMP code (0 net, 1 host, 13 administratively prohibited)
 *
 * Return: 0 no route, 1 administratively prohibited, 3 address
 *	   unreachable (RFC 4443 3.1)
 */
static uint8_t unreach6_code(uint8_t code)
{
	switch (code) {
	case ICMP_HOST_UNREACH:
		return ICMP6_DST_UNREACH_ADDR;
	case ICMP_PKT_FILTERED:
		return ICMP6_DST_UNREACH_ADMIN;
	default:
		return ICMP6_DST_UNREACH_NOROUTE;
	}
}

/**
 * quote_syn() - the guest's SYN as an ICMPv6 error quotes it: its IPv6
 * header and TCP header (ports, sequence number, flags, window)
 * @c:		connection in NAT_TCP_CONNECTING
 * @q:		where, 60 bytes at 2 modulo 4 (no aligned stores)
 */
static void quote_syn(const struct nat_tcp_conn *c, uint8_t *q)
{
	struct rte_ipv6_hdr ip = {
		.vtc_flow = rte_cpu_to_be_32(6u << 28),
		.payload_len = rte_cpu_to_be_16(20),
		.proto = IPPROTO_TCP,
		.hop_limits = 64,
	};
	struct rte_tcp_hdr th = {
		.src_port = rte_cpu_to_be_16(c->gport),
		.dst_port = rte_cpu_to_be_16(c->nport),
		.sent_seq = rte_cpu_to_be_32(c->rcv_nxt - 1),
		.data_off = 5 << 4,
		.tcp_flags = RTE_TCP_SYN_FLAG,
		.rx_win =
			rte_cpu_to_be_16((uint16_t)RTE_MIN(c->snd_wnd, 65535u)),
	};

	memcpy(ip.src_addr, c->gip6, 16);
	memcpy(ip.dst_addr, c->rip6, 16);
	memcpy(q, &ip, 40);
	memcpy(q + 40, &th, 20);
}

/**
 * nat_tcp_send_unreach6() - tell the guest its IPv6 connection attempt
 * cannot reach its destination: an ICMPv6 destination unreachable from
 * the NAT host quoting its SYN, as a router answers
 * @c:		IPv6 guest-opened connection still in NAT_TCP_CONNECTING
 * @code:	ICMP (IPv4) code connect_failed() chose, mapped by
 *		unreach6_code()
 */
void nat_tcp_send_unreach6(struct nat_tcp_conn *c, uint8_t code)
{
	struct slirp_port *sp = c->env->sp;
	struct rte_mbuf *m = mbuf_alloc_len(port_mbuf_pool, UNREACH6_LEN);
	struct rte_ether_hdr *eh;
	struct rte_ipv6_hdr *ip;
	uint8_t *ic;
	uint16_t ck;

	if (!m || rte_pktmbuf_data_len(m) < UNREACH6_LEN) {
		rte_pktmbuf_free(m);
		slirp_frame_lost(sp);
		return;
	}
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	memset(eh, 0, UNREACH6_LEN);
	eh->dst_addr = c->gmac;
	eh->src_addr = c->env->mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	m->port = c->to_port;
	ip = (struct rte_ipv6_hdr *)(eh + 1);
	*ip = (struct rte_ipv6_hdr){
		.vtc_flow = rte_cpu_to_be_32(6u << 28),
		.payload_len = rte_cpu_to_be_16(8 + 40 + 20),
		.proto = IPPROTO_ICMPV6,
		.hop_limits = 64,
	};
	memcpy(ip->src_addr, &sp->cfg.vhost6, 16);
	memcpy(ip->dst_addr, c->gip6, 16);
	ic = (uint8_t *)(ip + 1);
	ic[0] = ICMP6_DST_UNREACH;
	ic[1] = unreach6_code(code);
	quote_syn(c, ic + 8);
	ck = rte_ipv6_udptcp_cksum(ip, ic);
	memcpy(ic + 2, &ck, 2);
	slirp_frame_queue(sp, m);
}
