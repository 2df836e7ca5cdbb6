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
 *
 * With UDP_GRO (where the kernel has it) one message may hold a train of
 * datagrams of one size, as a peer's UDP_SEGMENT or the NIC's GRO made
 * it: each message is then read whole into a 64 KB mbuf and split into
 * its datagrams, each checked as above. The frames of a train are mbufs
 * attached to that buffer (no copy; it returns to its pool with the last
 * of them); a lone datagram is copied into a regular mbuf, so a small
 * frame never holds 64 KB, and the buffer stays for the next message.
 * Splitting stops when the caller's burst is full and goes on at the
 * next call, before the socket is read again. The in-order TCP segments
 * of a train leave merged into super-frames (vxlan_lro.c).
 */
#include <errno.h>
#include <netinet/udp.h>
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
 * gro_refill() - give every message a whole jumbo mbuf and room for the
 * UDP_GRO control message
 * @vp:		port
 *
 * Return: messages ready
 */
static unsigned int gro_refill(struct vxlan_port *vp)
{
	struct vxlan_rxq *rq = &vp->rxq;
	unsigned int i;

	for (i = 0; i < PORT_BURST; i++) {
		struct rte_mbuf *m = rq->head[i];

		if (!m)
			m = rq->head[i] =
				rte_pktmbuf_alloc(port_jumbo_mbuf_pool);
		if (!m)
			break;
		m->data_off = 0;
		rq->iov[i][0] = (struct iovec){ m->buf_addr, m->buf_len };
		rq->msgs[i].msg_hdr = (struct msghdr){
			.msg_name = &rq->from[i],
			.msg_namelen = sizeof(rq->from[i]),
			.msg_iov = rq->iov[i],
			.msg_iovlen = 1,
			.msg_control = rq->cmsg[i].buf,
			.msg_controllen = sizeof(rq->cmsg[i].buf),
		};
	}
	return i;
}

/**
 * gro_size() - the datagram size of a message's train
 * @h:		received message
 * @len:	its length
 *
 * Return: the UDP_GRO segment size, or @len for a lone datagram
 */
static uint32_t gro_size(struct msghdr *h, uint32_t len)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
		int size;

		if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO)
			continue;
		memcpy(&size, CMSG_DATA(c), sizeof(size));
		return size > 0 && (uint32_t)size < len ? (uint32_t)size : len;
	}
	return len;
}

/**
 * gro_frame() - the frame of one datagram of a jumbo buffer
 * @buf:	the buffer, still the receive queue's
 * @off:	offset of the frame
 * @len:	its length
 * @attach:	attach to @buf (a train) rather than copy
 *
 * Return: frame, or NULL when no mbuf is left
 */
static struct rte_mbuf *gro_frame(struct rte_mbuf *buf, uint32_t off,
				  uint32_t len, bool attach)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_mbuf_pool);

	if (!m)
		return NULL;
	if (!attach && len <= rte_pktmbuf_tailroom(m)) {
		memcpy(rte_pktmbuf_mtod(m, void *),
		       (const uint8_t *)buf->buf_addr + off, len);
	} else {
		rte_pktmbuf_attach(m, buf);
		m->data_off = (uint16_t)off;
	}
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	return m;
}

/**
 * gro_take() - turn the datagram at @off of message @i into a frame, or
 * count why not
 * @vp:		port
 * @i:		message
 * @off:	offset of the datagram in the message's buffer
 * @len:	its length
 * @train:	the message holds several datagrams
 * @out:	the frame
 *
 * Return: true for a frame
 */
static bool gro_take(struct vxlan_port *vp, unsigned int i, uint32_t off,
		     uint32_t len, bool train, struct rte_mbuf **out)
{
	struct vxlan_rxq *rq = &vp->rxq;
	const uint8_t *hdr = (const uint8_t *)rq->head[i]->buf_addr + off;
	enum vxlan_drop why = (enum vxlan_drop)vxlan_decap_check(vp, hdr, len);
	struct rte_mbuf *m;
	int r;

	if (len - VXLAN_HDR_LEN > vp->port.max_frame && why == VXLAN_DROP__MAX)
		why = VXLAN_DROP_TOO_LONG;
	r = why == VXLAN_DROP__MAX ? rx_remote(vp, &rq->from[i], &why) : -1;
	if (r < 0) {
		vp->drops[why]++;
		return false;
	}
	len -= VXLAN_HDR_LEN;
	m = gro_frame(rq->head[i], off + VXLAN_HDR_LEN, len, train);
	if (!m) {
		vp->drops[VXLAN_DROP_NOMEM]++;
		return false;
	}
	port_hop_set(m, (uint32_t)r + 1);
	vp->remotes[r].rx_packets++;
	vp->remotes[r].rx_bytes += len;
	*out = m;
	return true;
}

/**
 * gro_split() - split received messages into frames until @max
 * @vp:		port
 * @pkts:	frames
 * @max:	most frames
 *
 * Return: frames
 */
static uint16_t gro_split(struct vxlan_port *vp, struct rte_mbuf **pkts,
			  uint16_t max)
{
	struct vxlan_rxq *rq = &vp->rxq;
	uint16_t n = 0;

	while (n < max && rq->msg < rq->n_msgs) {
		unsigned int i = rq->msg;
		struct msghdr *h = &rq->msgs[i].msg_hdr;
		uint32_t len = rq->msgs[i].msg_len, size = gro_size(h, len);

		if (!rq->off && size < len) {
			rq->gro_buffers++;
			rq->gro_datagrams += (len + size - 1) / size;
		}
		if (h->msg_flags & MSG_TRUNC) {
			vp->drops[VXLAN_DROP_TOO_LONG]++;
			rq->off = len;
		}
		while (n < max && rq->off < len) {
			uint32_t d = RTE_MIN(size, len - rq->off);

			if (gro_take(vp, i, rq->off, d, size < len, &pkts[n]) &&
			    !vxlan_lro_join(&rq->lro, pkts[n])) {
				vxlan_lro_end(&rq->lro);
				if (size < len)
					vxlan_lro_start(&rq->lro, pkts[n]);
				n++;
			}
			rq->off += d;
		}
		vxlan_lro_end(&rq->lro);
		if (rq->off < len)
			break;
		/* Frames attached to the buffer own it now. */
		if (rte_mbuf_refcnt_read(rq->head[i]) > 1) {
			rte_pktmbuf_free(rq->head[i]);
			rq->head[i] = NULL;
		}
		rq->msg++;
		rq->off = 0;
	}
	return n;
}

/**
 * gro_rx_burst() - vxlan_rx_burst() with UDP_GRO: split what the last
 * read left, else read a batch of messages and split them
 * @vp:		port
 * @pkts:	frames, the caller's
 * @max:	most frames
 *
 * Return: frames
 */
static uint16_t gro_rx_burst(struct vxlan_port *vp, struct rte_mbuf **pkts,
			     uint16_t max)
{
	struct vxlan_rxq *rq = &vp->rxq;
	unsigned int ready;
	int got;

	if (rq->msg < rq->n_msgs)
		return gro_split(vp, pkts, max);
	ready = gro_refill(vp);
	if (!ready) {
		vp->drops[VXLAN_DROP_NOMEM]++;
		return 0;
	}
	got = recvmmsg(vp->rx_fd, rq->msgs, ready, MSG_DONTWAIT, NULL);
	if (got < 0) {
		if (errno != EAGAIN && errno != EINTR)
			vp->drops[VXLAN_DROP_RX_ERROR]++;
		return 0;
	}
	rq->n_msgs = (unsigned int)got;
	rq->msg = 0;
	rq->off = 0;
	return gro_split(vp, pkts, max);
}

/**
 * vxlan_rx_burst() - receive and decapsulate up to @max frames
 * @port:	VXLAN port
 * @q:		queue (0)
 * @pkts:	filled with decapsulated frames, which the caller then owns
 *		(datagrams dropped here are freed and counted by reason)
 * @max:	most frames
 *
 * Return: frames
 */
uint16_t vxlan_rx_burst(struct port *port, uint16_t q, struct rte_mbuf **pkts,
			uint16_t max)
{
	struct vxlan_port *vp = vxlan_of(port);
	unsigned int ready;
	uint16_t n = 0;
	int got;

	(void)q;
	if (vp->gro)
		return gro_rx_burst(vp, pkts, max);
	ready = rx_refill(vp, RTE_MIN(max, PORT_BURST));
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
	vp->rxq.n_msgs = vp->rxq.msg = 0;
}
