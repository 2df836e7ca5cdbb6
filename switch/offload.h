/* SPDX-License-Identifier: BSD-3-Clause */
/* offload.h - adapt a frame's offload requests to an output port */
#ifndef VIOSWITCH_OFFLOAD_H
#define VIOSWITCH_OFFLOAD_H

#include <errno.h>
#include <stdbool.h>

#include <rte_mbuf.h>
#include <rte_net.h>

#include "port.h"

/* Most frames one super-frame becomes: 64 KB at the smallest useful MSS. */
#define OFFLOAD_MAX_SEGS 128

#define OFFLOAD_SEG_FLAGS (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)

/* Transmit requests offload_adapt() may have to do in software. */
#define OFFLOAD_TX_FLAGS                                                       \
	(RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_IP_CKSUM | OFFLOAD_SEG_FLAGS)

/* Receive-side flags offload_rx_to_tx() turns into transmit intent. */
#define OFFLOAD_RX_FLAGS                                                       \
	(RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_MASK |                     \
	 RTE_MBUF_F_RX_IP_CKSUM_MASK)

/* Longest frame a virtio header may describe: 64 KB of IP, Ethernet, tag */
#define OFFLOAD_MAX_FRAME (65535 + 14 + 4)

uint16_t offload_adapt_work(struct port *port, struct rte_mbuf *m,
			    struct rte_mbuf **out, uint16_t room);
int offload_rx_intent(struct rte_mbuf *m);

/**
 * offload_adapt() - make @m acceptable to @port
 * @port:	output port
 * @m:		frame, consumed
 * @out:	the frames to send instead (one, or the segments)
 * @room:	space in @out, at least OFFLOAD_MAX_SEGS
 *
 * A frame without offload requests, in one segment or for a port that
 * takes chains, passes here, inline (the common case); the rest is
 * offload_adapt_work()'s.
 *
 * Return: frames put in @out; 0 when @m was dropped (counted on @port)
 */
static inline uint16_t offload_adapt(struct port *port, struct rte_mbuf *m,
				     struct rte_mbuf **out, uint16_t room)
{
	if (likely(!(m->ol_flags & OFFLOAD_TX_FLAGS) &&
		   (m->nb_segs == 1 || (port->caps & PORT_CAP_MULTISEG)))) {
		*out = m;
		return 1;
	}
	return offload_adapt_work(port, m, out, room);
}

/**
 * offload_rx_to_tx() - turn receive-side offload flags into transmit intent
 * @m:		frame just received, owned by the caller
 *
 * A frame without receive-side offload flags is checked here, inline; the
 * rest is offload_rx_intent()'s.
 *
 * Return: 0, or -EINVAL when the flags do not match the frame or it is too
 *	   long (drop it)
 */
static inline int offload_rx_to_tx(struct rte_mbuf *m)
{
	if (likely(!(m->ol_flags & OFFLOAD_RX_FLAGS)))
		return m->pkt_len > OFFLOAD_MAX_FRAME ? -EINVAL : 0;
	return offload_rx_intent(m);
}
int offload_csum_raw(struct rte_mbuf *m, uint16_t start, uint16_t offset);
int offload_intent(struct rte_mbuf *m, uint32_t ptype,
		   const struct rte_net_hdr_lens *hl, uint16_t seg_size);
int offload_init(struct rte_mempool *pool);

#endif /* VIOSWITCH_OFFLOAD_H */
