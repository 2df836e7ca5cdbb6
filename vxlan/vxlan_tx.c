// SPDX-License-Identifier: BSD-3-Clause
/* vxlan_tx.c - VXLAN transmit: encapsulation, head-end replication,
 * sendmmsg batches
 *
 * Theory of operation
 * -------------------
 * The core has already adapted each frame to the port (port.h): checksums
 * complete, super-frames segmented, at most VXLAN_IOV - 1 segments. A
 * frame longer than the port's MTU allows is dropped and counted
 * (too_big): fragmentation is never silent. Every other frame becomes one
 * datagram per destination: the remote its next hop names (a destination
 * the FDB learned behind that remote), or - for floods and unknown
 * destinations - every remote= of the port (head-end replication). A
 * datagram is gathered, never copied, from the port's constant VXLAN
 * header and the frame's segments; replicas share them.
 *
 * The outer UDP source port is the inner flow's hash mapped onto the
 * srcport= range (vxlan_hash.c); each port of the range has its own
 * socket, so the datagrams of a run of frames with the same source port
 * go to the kernel in one sendmmsg(). The frames are freed once every
 * datagram that points into them was handed over.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "vxlan.h"

/**
 * tx_drop_reason() - the drop counter for a failed send
 * @err:	errno of sendmmsg()
 *
 * Return: DROP_*
 */
static enum drop_reason tx_drop_reason(int err)
{
	switch (err) {
	case EAGAIN:
	case ENOBUFS:
		return DROP_TX_FULL;
	case EMSGSIZE: /* longer than the underlay's path MTU, df=on */
		return DROP_TOO_BIG;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ENETDOWN:
		return DROP_LINK_DOWN;
	}
	return DROP_TX_ERROR;
}

/**
 * tx_count() - account the datagrams @from..@to-1 of a batch as sent
 * @vp:		port
 * @q:		queue
 * @from:	first message
 * @to:		after the last
 */
static void tx_count(struct vxlan_port *vp, uint16_t q, unsigned int from,
		     unsigned int to)
{
	struct vxlan_txq *tq = &vp->txq[q];
	struct port_counters *c = port_counters(&vp->port);

	for (unsigned int i = from; i < to; i++) {
		struct vxlan_remote_tx *t = &vp->remotes[tq->remote[i]].tx[q];
		const struct msghdr *h = &tq->msgs[i].msg_hdr;
		uint64_t len = 0;

		for (size_t k = 1; k < h->msg_iovlen; k++)
			len += h->msg_iov[k].iov_len;
		t->packets++;
		t->bytes += len;
		c->tx_packets++;
		c->tx_bytes += len;
	}
}

/**
 * tx_run() - send messages @from..@to-1, which share one socket
 * @vp:		port
 * @q:		queue
 * @from:	first message
 * @to:		after the last
 */
static void tx_run(struct vxlan_port *vp, uint16_t q, unsigned int from,
		   unsigned int to)
{
	struct vxlan_txq *tq = &vp->txq[q];
	int fd = vp->tx_fd[tq->sock[from]];

	while (from < to) {
		int sent =
			sendmmsg(fd, &tq->msgs[from], to - from, MSG_DONTWAIT);

		if (sent > 0) {
			tx_count(vp, q, from, from + (unsigned int)sent);
			from += (unsigned int)sent;
			continue;
		}
		if (errno == EAGAIN || errno == ENOBUFS) {
			port_count_drop(&vp->port, DROP_TX_FULL, to - from);
			return;
		}
		port_count_drop(&vp->port, tx_drop_reason(errno), 1);
		from++;
	}
}

/**
 * tx_flush() - send every message built, one sendmmsg() per run of
 * messages with the same source port
 * @vp:		port
 * @q:		queue
 */
static void tx_flush(struct vxlan_port *vp, uint16_t q)
{
	struct vxlan_txq *tq = &vp->txq[q];
	unsigned int start = 0;

	for (unsigned int i = 1; i <= tq->n; i++) {
		if (i == tq->n || tq->sock[i] != tq->sock[start]) {
			tx_run(vp, q, start, i);
			start = i;
		}
	}
	tq->n = 0;
}

/**
 * tx_add() - add a datagram carrying @m to remote @r
 * @vp:		port
 * @q:		queue, with room for one more message
 * @m:		frame; the message points into it
 * @r:		remote index
 * @sock:	source port socket index
 */
static void tx_add(struct vxlan_port *vp, uint16_t q, struct rte_mbuf *m,
		   unsigned int r, uint16_t sock)
{
	struct vxlan_txq *tq = &vp->txq[q];
	unsigned int i = tq->n++;
	struct iovec *iov = tq->iov[i];
	size_t k = 0;

	iov[k++] = (struct iovec){ vp->hdr, VXLAN_HDR_LEN };
	for (struct rte_mbuf *s = m; s; s = s->next)
		iov[k++] = (struct iovec){ rte_pktmbuf_mtod(s, void *),
					   s->data_len };
	tq->msgs[i].msg_hdr = (struct msghdr){
		.msg_name = &vp->remotes[r].addr,
		.msg_namelen = vp->family == AF_INET
				       ? sizeof(struct sockaddr_in)
				       : sizeof(struct sockaddr_in6),
		.msg_iov = iov,
		.msg_iovlen = k,
	};
	tq->remote[i] = (uint8_t)r;
	tq->sock[i] = sock;
}

/**
 * tx_frame() - queue the datagrams of one frame
 * @vp:		port
 * @q:		queue
 * @m:		frame, still the caller's
 * @n_remotes:	remotes published when the burst started
 */
static void tx_frame(struct vxlan_port *vp, uint16_t q, struct rte_mbuf *m,
		     uint32_t n_remotes)
{
	uint32_t hop = port_hop(m);
	uint16_t sock =
		(uint16_t)(((uint64_t)vxlan_flow_hash(m) * vp->n_socks) >> 32);
	unsigned int copies = 0;

	if (m->pkt_len > vp->port.max_frame) {
		port_count_drop(&vp->port, DROP_TOO_BIG, 1);
		return;
	}
	if (m->nb_segs >= VXLAN_IOV) {
		port_count_drop(&vp->port, DROP_OFFLOAD, 1);
		return;
	}
	if (hop && hop <= n_remotes) {
		if (vp->txq[q].n == VXLAN_MSGS)
			tx_flush(vp, q);
		tx_add(vp, q, m, hop - 1, sock);
		return;
	}
	for (uint32_t r = 0; r < n_remotes; r++) {
		if (!vp->remotes[r].flood)
			continue;
		if (vp->txq[q].n == VXLAN_MSGS)
			tx_flush(vp, q);
		tx_add(vp, q, m, r, sock);
		copies++;
	}
	if (!copies) /* no remote= and no learned destination */
		port_count_drop(&vp->port, DROP_FILTERED, 1);
}

/**
 * vxlan_tx_burst() - encapsulate and send frames on queue @q
 * @port:	VXLAN port
 * @q:		queue
 * @pkts:	frames, consumed
 * @n:		count
 *
 * Return: frames handed to the kernel whole (to every destination)
 */
uint16_t vxlan_tx_burst(struct port *port, uint16_t q, struct rte_mbuf **pkts,
			uint16_t n)
{
	struct vxlan_port *vp = vxlan_of(port);
	uint32_t n_remotes = __atomic_load_n(&vp->n_remotes, __ATOMIC_ACQUIRE);
	struct port_counters *c = port_counters(port);
	uint64_t before = c->tx_packets;

	for (uint16_t i = 0; i < n; i++)
		tx_frame(vp, q, pkts[i], n_remotes);
	tx_flush(vp, q);
	rte_pktmbuf_free_bulk(pkts, n);
	return (uint16_t)RTE_MIN(c->tx_packets - before, (uint64_t)n);
}
