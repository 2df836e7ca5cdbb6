// SPDX-License-Identifier: BSD-3-Clause
/* vxlan_rx.c - VXLAN receive: recvmmsg batches, decapsulation, learning
 *
 * Theory of operation
 * -------------------
 * One recvmmsg() reads a burst of datagrams from the socket bound to
 * local:dstport. Each datagram is scattered so that no byte is copied
 * again: its 8-byte VXLAN header into a small array, the inner frame
 * straight into a spare mbuf (and, when the port's MTU is larger than an
 * mbuf holds, into a spare 64 KB mbuf chained behind it). Spares that a
 * dropped datagram did not use stay for the next call.
 *
 * A datagram becomes a frame only when its header is one this port takes
 * (flags exactly I, reserved bits zero, the port's VNI), it holds at least
 * an Ethernet header, and its sender is a known remote or - learning=on -
 * can be added as one. Everything else is dropped and counted by reason
 * (VXLAN_DROPS); such datagrams never count as frames received. A frame
 * leaves with its sender's remote index + 1 as next hop (port.h), which
 * the FDB learns with its source MAC. The kernel has checked the outer
 * UDP checksum when there was one.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#include "vxlan.h"

/**
 * vxlan_decap_check() - why a VXLAN header is refused, if it is
 * @vp:		port
 * @hdr:	the datagram's first bytes
 * @len:	datagram length
 *
 * Return: VXLAN_DROP_*, or VXLAN_DROP__MAX when the header is good
 */
int vxlan_decap_check(const struct vxlan_port *vp, const uint8_t *hdr,
		      size_t len)
{
	if (len < VXLAN_HDR_LEN + RTE_ETHER_HDR_LEN)
		return VXLAN_DROP_SHORT;
	if (hdr[0] != VXLAN_FLAG_I || hdr[1] || hdr[2] || hdr[3] || hdr[7])
		return VXLAN_DROP_BAD_FLAGS;
	if (memcmp(&hdr[4], &vp->hdr[4], 3))
		return VXLAN_DROP_BAD_VNI;
	return VXLAN_DROP__MAX;
}

/**
 * rx_refill() - give every message of the batch its buffers
 * @vp:		port
 * @max:	messages wanted
 *
 * Return: messages ready, at most @max
 */
static unsigned int rx_refill(struct vxlan_port *vp, unsigned int max)
{
	struct vxlan_rxq *rq = &vp->rxq;
	bool tails = vp->port.max_frame >
		     (uint32_t)rte_pktmbuf_data_room_size(port_mbuf_pool) -
			     RTE_PKTMBUF_HEADROOM;
	unsigned int i;

	for (i = 0; i < max; i++) {
		struct msghdr *h = &rq->msgs[i].msg_hdr;
		struct iovec *iov = rq->iov[i];

		if (!rq->head[i])
			rq->head[i] = rte_pktmbuf_alloc(port_mbuf_pool);
		if (tails && !rq->tail[i])
			rq->tail[i] = rte_pktmbuf_alloc(port_jumbo_mbuf_pool);
		if (!rq->head[i] || (tails && !rq->tail[i]))
			break;
		iov[0] = (struct iovec){ rq->hdr[i], VXLAN_HDR_LEN };
		iov[1] = (struct iovec){ rte_pktmbuf_mtod(rq->head[i], void *),
					 rte_pktmbuf_tailroom(rq->head[i]) };
		if (tails)
			iov[2] = (struct iovec){
				rte_pktmbuf_mtod(rq->tail[i], void *),
				rte_pktmbuf_tailroom(rq->tail[i])
			};
		*h = (struct msghdr){
			.msg_name = &rq->from[i],
			.msg_namelen = sizeof(rq->from[i]),
			.msg_iov = iov,
			.msg_iovlen = tails ? 3 : 2,
		};
	}
	return i;
}

/**
 * rx_remote() - the remote a datagram came from, learned if it is new and
 * the port learns
 * @vp:		port
 * @from:	sender
 * @why:	the drop reason, when there is no remote
 *
 * Return: remote index, or -1
 */
static int rx_remote(struct vxlan_port *vp, const union vxlan_addr *from,
		     enum vxlan_drop *why)
{
	int r = vxlan_remote_find(vp, from);

	if (r >= 0)
		return r;
	if (!vp->learning) {
		*why = VXLAN_DROP_UNKNOWN_REMOTE;
		return -1;
	}
	r = vxlan_remote_add(vp, from, false);
	if (r < 0)
		*why = VXLAN_DROP_REMOTES_FULL;
	return r;
}

/**
 * rx_take() - turn message @i into a frame, or count why not
 * @vp:		port
 * @i:		message index
 * @out:	the frame, its buffers taken from the spares
 *
 * Return: true for a frame
 */
static bool rx_take(struct vxlan_port *vp, unsigned int i,
		    struct rte_mbuf **out)
{
	struct vxlan_rxq *rq = &vp->rxq;
	size_t len = rq->msgs[i].msg_len;
	enum vxlan_drop why =
		(enum vxlan_drop)vxlan_decap_check(vp, rq->hdr[i], len);
	struct rte_mbuf *m = rq->head[i];
	uint16_t room = rte_pktmbuf_tailroom(m);
	int r;

	if (rq->msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
		why = VXLAN_DROP_TOO_LONG;
	r = why == VXLAN_DROP__MAX ? rx_remote(vp, &rq->from[i], &why) : -1;
	if (r < 0) {
		vp->drops[why]++;
		return false;
	}
	len -= VXLAN_HDR_LEN;
	rq->head[i] = NULL;
	m->data_len = (uint16_t)RTE_MIN(len, room);
	m->pkt_len = (uint32_t)len;
	if (len > room) {
		rq->tail[i]->data_len = (uint16_t)(len - room);
		rte_pktmbuf_chain(m, rq->tail[i]);
		rq->tail[i] = NULL;
	}
	port_hop_set(m, (uint32_t)r + 1);
	vp->remotes[r].rx_packets++;
	vp->remotes[r].rx_bytes += len;
	*out = m;
	return true;
}

/**
 * vxlan_rx_burst() - receive and decapsulate up to @max frames
 * @port:	VXLAN port
 * @q:		queue (0)
 * @pkts:	frames, the caller's
 * @max:	most frames
 *
 * Return: frames
 */
uint16_t vxlan_rx_burst(struct port *port, uint16_t q, struct rte_mbuf **pkts,
			uint16_t max)
{
	struct vxlan_port *vp = vxlan_of(port);
	unsigned int ready = rx_refill(vp, RTE_MIN(max, PORT_BURST));
	uint16_t n = 0;
	int got;

	(void)q;
	if (!ready) {
		vp->drops[VXLAN_DROP_NOMEM]++;
		return 0;
	}
	got = recvmmsg(vp->rx_fd, vp->rxq.msgs, ready, MSG_DONTWAIT, NULL);
	if (got < 0) {
		if (errno != EAGAIN && errno != EINTR)
			vp->drops[VXLAN_DROP_RX_ERROR]++;
		return 0;
	}
	for (int i = 0; i < got; i++)
		n += rx_take(vp, (unsigned int)i, &pkts[n]);
	return n;
}

/**
 * vxlan_rx_free() - free the receive spares
 * @vp:		port no thread polls any more
 */
void vxlan_rx_free(struct vxlan_port *vp)
{
	for (unsigned int i = 0; i < PORT_BURST; i++) {
		rte_pktmbuf_free(vp->rxq.head[i]);
		rte_pktmbuf_free(vp->rxq.tail[i]);
		vp->rxq.head[i] = vp->rxq.tail[i] = NULL;
	}
}
