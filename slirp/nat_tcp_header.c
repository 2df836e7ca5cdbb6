// SPDX-License-Identifier: BSD-3-Clause
/* nat_tcp_header.c - the TCP header of the NAT's own path, whatever the IP
 * family: the options read from a guest's SYN and the header our frames
 * carry (nat_tcp_frames.c for IPv4, nat_tcp_frames6.c for IPv6)
 *
 * Our window is the room left in the connection's receive buffer, scaled
 * by NAT_TCP_WSCALE once both SYNs offered scaling. A SYN carries the MSS
 * (what the guest's MTU then limits) and the window scale option; a
 * SYN-ACK offers scaling only when the guest's SYN did, as RFC 7323 asks.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_tcp.h>

#include "nat_tcp_conn.h"

/**
 * nat_tcp_parse_options() - read MSS and window scale from a SYN's options
 * @opt:	first option byte
 * @end:	end of the TCP header
 * @s:		segment, @mss and @wscale filled
 */
void nat_tcp_parse_options(const uint8_t *opt, const uint8_t *end,
			   struct nat_tcp_segment *s)
{
	while (opt < end && *opt != 0) {
		if (*opt == 1) {
			opt++;
			continue;
		}
		if (opt + 1 >= end || opt[1] < 2 || opt + opt[1] > end)
			return;
		if (opt[0] == 2 && opt[1] == 4)
			s->mss = (uint16_t)(opt[2] << 8 | opt[3]);
		else if (opt[0] == 3 && opt[1] == 3)
			s->wscale = (int8_t)(opt[2] > 14 ? 14 : opt[2]);
		opt += opt[1];
	}
}

/**
 * our_window() - the window field our next segment offers
 * @c:		connection
 * @syn:	for a SYN (never scaled)
 *
 * Return: the field's value; @c->adv_wnd is set to the bytes it offers
 */
static uint16_t our_window(struct nat_tcp_conn *c, bool syn)
{
	uint32_t room = NAT_TCP_RX_BUF - c->rx_len;
	uint32_t field;

	if (syn || !c->ws_ok)
		field = RTE_MIN(room, 65535u);
	else
		field = RTE_MIN(room >> NAT_TCP_WSCALE, 65535u);
	c->adv_wnd = (syn || !c->ws_ok) ? field : field << NAT_TCP_WSCALE;
	return (uint16_t)field;
}

/**
 * nat_tcp_fill_tcp() - write the TCP header (and a SYN's options) of a
 * frame toward the guest; the checksum is left for the caller
 * @c:		connection
 * @th:		where the header goes, NAT_TCP_SYN_OPTS bytes of room after
 *		it when @opts says so
 * @flags:	TCP flags
 * @seq:	sequence number
 * @opts:	TCP option bytes (0 or NAT_TCP_SYN_OPTS)
 * @mss:	the MSS a SYN offers
 */
void nat_tcp_fill_tcp(struct nat_tcp_conn *c, struct rte_tcp_hdr *th,
		      uint8_t flags, uint32_t seq, uint32_t opts, uint16_t mss)
{
	*th = (struct rte_tcp_hdr){
		.src_port = rte_cpu_to_be_16(c->nport),
		.dst_port = rte_cpu_to_be_16(c->gport),
		.sent_seq = rte_cpu_to_be_32(seq),
		.recv_ack = rte_cpu_to_be_32(c->rcv_nxt),
		.data_off = (uint8_t)(((20 + opts) / 4) << 4),
		.tcp_flags = flags,
		.rx_win = rte_cpu_to_be_16(
			our_window(c, flags & RTE_TCP_SYN_FLAG)),
	};
	if (opts) {
		uint8_t *o = (uint8_t *)(th + 1);

		o[0] = 2; /* MSS: anything; the guest's MTU limits it */
		o[1] = 4;
		o[2] = (uint8_t)(mss >> 8);
		o[3] = (uint8_t)mss;
		o[4] = 1;
		o[5] = 3; /* window scale */
		o[6] = 3;
		o[7] = NAT_TCP_WSCALE;
		/* A SYN-ACK offers it only when the guest's SYN did. */
		if ((flags & RTE_TCP_ACK_FLAG) && !c->ws_ok)
			memset(o + 4, 1, 4);
	}
}
