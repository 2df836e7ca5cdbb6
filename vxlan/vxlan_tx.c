// SPDX-License-Identifier: BSD-3-Clause
/* vxlan_tx.c - VXLAN transmit: encapsulation, head-end replication,
 * sendmmsg batches
 *
 * Theory of operation
 * -------------------
 * The core has already adapted each frame to the port (port.h): a UDP
 * super-frame fragmented, a chain sent as it is of at most VXLAN_IOV - 1
 * segments. TCP super-frames and frames whose TCP/UDP checksum is left
 * partial come as they are: they are cut and checksummed here while their
 * datagrams are gathered, without a copy of their payload (vxlan_tso.c).
 * A frame - or a super-frame's segment - longer than the port's MTU
 * allows is dropped and counted (too_big): fragmentation is never silent. Every other frame becomes one
 * datagram per destination: the remote its next hop names (a destination
 * the FDB learned behind that remote), or - for floods and unknown
 * destinations - every remote= of the port (head-end replication). A
 * datagram is gathered, never copied, from the port's constant VXLAN
 * header and the frame's segments; replicas share them.
 *
 * The outer UDP source port is the inner flow's hash mapped onto the
 * srcport= range (vxlan_hash.c); each port of the range has its own
 * socket, so the messages of a run of frames with the same source port
 * go to the kernel in one sendmmsg(). A TSO super-frame becomes a run of
 * equal datagrams with one flow, so one socket and one remote: such a run
 * becomes one message, a train of datagrams the kernel cuts at a segment size (UDP_SEGMENT, up
 * to 64 datagrams and 64 KB), which the underlay's NIC - or a veth, whole
 * - carries as one GSO packet. The frames are freed once every message
 * that points into them was handed over.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ip.h>

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
 * tx_count() - account messages @from..@to-1 of a batch as sent
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
		uint64_t bytes = tq->len[i] - tq->segs[i] * VXLAN_HDR_LEN;

		t->packets += tq->segs[i];
		t->bytes += bytes;
		if (tq->segs[i] > 1) {
			tq->trains++;
			tq->train_segs += tq->segs[i];
		}
		c->tx_packets += tq->segs[i];
		c->tx_bytes += bytes;
	}
}

/**
 * tx_fail() - count message @i as dropped for @err; a train the kernel
 * refuses for its segmentation turns UDP_SEGMENT off for the port
 * @vp:		port
 * @q:		queue
 * @i:		message
 * @err:	errno of sendmmsg()
 */
static void tx_fail(struct vxlan_port *vp, uint16_t q, unsigned int i, int err)
{
	struct vxlan_txq *tq = &vp->txq[q];

	if (tq->segs[i] > 1 &&
	    (err == EINVAL || err == EIO || err == ENOPROTOOPT))
		__atomic_store_n(&vp->gso, false, __ATOMIC_RELAXED);
	port_count_drop(&vp->port, tx_drop_reason(err), tq->segs[i]);
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
			for (; from < to; from++)
				tx_fail(vp, q, from, errno);
			return;
		}
		tx_fail(vp, q, from++, errno);
	}
}

/**
 * tx_seal() - give a train of several datagrams its segment size
 * @tq:		queue
 * @i:		message
 */
static void tx_seal(struct vxlan_txq *tq, unsigned int i)
{
	struct msghdr *h = &tq->msgs[i].msg_hdr;
	struct cmsghdr *cm;

	if (tq->segs[i] < 2)
		return;
	h->msg_control = tq->cmsg[i].buf;
	h->msg_controllen = sizeof(tq->cmsg[i].buf);
	cm = CMSG_FIRSTHDR(h);
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	memcpy(CMSG_DATA(cm), &tq->seg_len[i], sizeof(uint16_t));
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

	for (unsigned int i = 0; i < tq->n; i++)
		tx_seal(tq, i);
	for (unsigned int i = 1; i <= tq->n; i++) {
		if (i == tq->n || tq->sock[i] != tq->sock[start]) {
			tx_run(vp, q, start, i);
			start = i;
		}
	}
	tq->n = 0;
	tq->n_iov = 0;
	tq->n_hdrs = 0;
}

/**
 * tx_joins() - whether a datagram of @len bytes to remote @r through
 * socket @sock may join the batch's last message as one more segment
 * @vp:		port
 * @tq:		queue
 * @r:		remote index
 * @sock:	source port socket index
 * @len:	datagram bytes
 *
 * Return: true when the last message is an open train of the same
 *	   socket and remote, with room, whose segments are not shorter
 */
static bool tx_joins(const struct vxlan_port *vp, const struct vxlan_txq *tq,
		     unsigned int r, uint16_t sock, uint32_t len)
{
	unsigned int i = tq->n - 1;

	if (!tq->n || !__atomic_load_n(&vp->gso, __ATOMIC_RELAXED))
		return false;
	return tq->open[i] && tq->remote[i] == r && tq->sock[i] == sock &&
	       len <= tq->seg_len[i] && tq->segs[i] < VXLAN_GSO_SEGS &&
	       tq->len[i] + len <= VXLAN_GSO_BYTES;
}

/**
 * tx_room() - make room for one more datagram of up to VXLAN_IOV vectors
 * and a header copy, sending the batch when it is full
 * @vp:		port
 * @q:		queue
 *
 * Return: where the datagram's vectors go, the VXLAN header's filled in
 */
static struct iovec *tx_room(struct vxlan_port *vp, uint16_t q)
{
	struct vxlan_txq *tq = &vp->txq[q];
	struct iovec *iov;

	if (tq->n == VXLAN_MSGS || VXLAN_IOVS - tq->n_iov < VXLAN_IOV ||
	    tq->n_hdrs == VXLAN_TSO_HDRS)
		tx_flush(vp, q);
	iov = &tq->iov[tq->n_iov];
	iov[0] = (struct iovec){ vp->hdr, VXLAN_HDR_LEN };
	return iov;
}

/**
 * tx_commit() - add the datagram tx_room() gave vectors to: one more
 * segment of the last message's train when it may join, else a new
 * message
 * @vp:		port
 * @q:		queue
 * @nv:		its vectors, the VXLAN header's included
 * @len:	its bytes
 * @r:		remote index
 * @sock:	source port socket index
 */
static void tx_commit(struct vxlan_port *vp, uint16_t q, unsigned int nv,
		      uint32_t len, unsigned int r, uint16_t sock)
{
	struct vxlan_txq *tq = &vp->txq[q];
	unsigned int i;

	if (tx_joins(vp, tq, r, sock, len)) {
		i = tq->n - 1;
		tq->msgs[i].msg_hdr.msg_iovlen += nv;
		tq->open[i] = len == tq->seg_len[i];
		tq->segs[i]++;
		tq->len[i] += len;
	} else {
		i = tq->n++;
		tq->msgs[i].msg_hdr = (struct msghdr){
			.msg_name = &vp->remotes[r].addr,
			.msg_namelen = vp->family == AF_INET
					       ? sizeof(struct sockaddr_in)
					       : sizeof(struct sockaddr_in6),
			.msg_iov = &tq->iov[tq->n_iov],
			.msg_iovlen = nv,
		};
		tq->remote[i] = (uint16_t)r;
		tq->sock[i] = sock;
		tq->segs[i] = 1;
		tq->seg_len[i] = (uint16_t)len;
		tq->len[i] = len;
		tq->open[i] = true;
	}
	tq->n_iov += nv;
}

/**
 * tx_add() - add a datagram carrying @m as it is to remote @r
 * @vp:		port
 * @q:		queue
 * @m:		frame; the message points into it
 * @r:		remote index
 * @sock:	source port socket index
 */
static void tx_add(struct vxlan_port *vp, uint16_t q, struct rte_mbuf *m,
		   unsigned int r, uint16_t sock)
{
	struct iovec *iov = tx_room(vp, q);

	for (struct rte_mbuf *s = m; s; s = s->next)
		*++iov = (struct iovec){ rte_pktmbuf_mtod(s, void *),
					 s->data_len };
	tx_commit(vp, q, m->nb_segs + 1u, VXLAN_HDR_LEN + m->pkt_len, r, sock);
}

/**
 * tx_add_built() - add the datagrams of @m cut or checksummed here
 * (vxlan_tso.c) to remote @r
 * @vp:		port
 * @q:		queue
 * @m:		super-frame or frame with a partial checksum; the messages
 *		point into it
 * @segs:	datagrams it becomes
 * @r:		remote index
 * @sock:	source port socket index
 */
static void tx_add_built(struct vxlan_port *vp, uint16_t q, struct rte_mbuf *m,
			 uint32_t segs, unsigned int r, uint16_t sock)
{
	struct vxlan_txq *tq = &vp->txq[q];

	for (uint32_t i = 0; i < segs; i++) {
		struct iovec *iov = tx_room(vp, q);
		uint32_t len;
		unsigned int nv = vxlan_tso_build(m, i, tq->hdrs[tq->n_hdrs],
						  iov + 1, VXLAN_IOV - 1, &len);

		if (!nv) {
			port_count_drop(&vp->port, DROP_OFFLOAD, segs - i);
			return;
		}
		tq->n_hdrs++;
		tx_commit(vp, q, nv + 1, VXLAN_HDR_LEN + len, r, sock);
	}
}

/**
 * tx_dest() - queue the datagrams of one frame for remote @r
 * @vp:		port
 * @q:		queue
 * @m:		frame
 * @segs:	datagrams it becomes, 0 for a frame sent as it is
 * @r:		remote index
 * @sock:	source port socket index
 */
static void tx_dest(struct vxlan_port *vp, uint16_t q, struct rte_mbuf *m,
		    uint32_t segs, unsigned int r, uint16_t sock)
{
	if (segs)
		tx_add_built(vp, q, m, segs, r, sock);
	else
		tx_add(vp, q, m, r, sock);
}

/**
 * tx_fragment() - whether @m is an IPv4 fragment (a checksum of a UDP
 * super-frame's first fragment cannot be completed from it)
 * @m:		frame with transmit intent (l2_len, TX_IPV4)
 *
 * Return: true for a fragment
 */
static bool tx_fragment(const struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip;

	if (!(m->ol_flags & RTE_MBUF_F_TX_IPV4) ||
	    m->l2_len + sizeof(*ip) > m->data_len)
		return false;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);
	return ip->fragment_offset &
	       RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK);
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
	uint32_t end = RTE_MIN(
		n_remotes, __atomic_load_n(&vp->flood_end, __ATOMIC_RELAXED));
	bool built = (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ||
		     ((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) && !tx_fragment(m));
	uint32_t segs = built ? vxlan_tso_segs(m) : 0;
	uint32_t longest = segs > 1 ? (uint32_t)m->l2_len + m->l3_len +
					      m->l4_len + m->tso_segsz
				    : m->pkt_len;
	struct port_counters *c = port_counters(&vp->port);
	unsigned int copies = 0;

	if (longest > vp->port.max_frame) {
		port_count_drop(&vp->port, DROP_TOO_BIG, RTE_MAX(segs, 1u));
		return;
	}
	if (!built && m->nb_segs >= VXLAN_IOV) {
		port_count_drop(&vp->port, DROP_OFFLOAD, 1);
		return;
	}
	if (segs > 1) {
		c->offload[OFFLOAD_SEG]++;
		c->offload[OFFLOAD_SEGS] += segs;
	} else if (built) {
		c->offload[OFFLOAD_CSUM]++;
	}
	if (hop && hop <= n_remotes) {
		tx_dest(vp, q, m, segs, hop - 1, sock);
		return;
	}
	for (uint32_t r = 0; r < end; r++) {
		if (!vp->remotes[r].flood)
			continue;
		tx_dest(vp, q, m, segs, r, sock);
		copies++;
	}
	if (!copies) /* no remote= and no learned destination */
		port_count_drop(&vp->port, DROP_FILTERED, RTE_MAX(segs, 1u));
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
