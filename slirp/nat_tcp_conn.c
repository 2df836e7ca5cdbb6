// SPDX-License-Identifier: BSD-3-Clause
/* nat_tcp_conn.c - one spliced TCP connection of the NAT, once open: its
 * bytes both ways, its timer, the guest's segments
 *
 * Theory of operation
 * -------------------
 * nat_tcp_open.c opens the connection; from then on it moves bytes both
 * ways (nat_tcp.c explains the flow). Retransmission from 100 ms doubling
 * to 3.2 s; ten retransmissions without progress reset the connection. A
 * window of 0 is probed with one byte at each timeout; the guest answering
 * keeps the connection alive. A guest's segment from before the window, as
 * its keepalive probes are, gets an ACK of what we expect next.
 */
#include "nat_tcp_conn.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rte_tcp.h>

#include "clock.h"
#include "slirp_port.h"

#define RTO_MAX_MS  3200
#define RETRIES_MAX 10

/**
 * seq_lt() - whether sequence number @a comes before @b
 * @a:		sequence number
 * @b:		sequence number
 *
 * Return: true when @a < @b modulo 2^32
 */
static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/**
 * seg_max() - the largest payload of one frame: 64 KB of IP that fits one
 * 64 KB buffer with its headers, in whole segments of the guest's MSS (one
 * shorter segment when the guest's MSS is larger still, as at MTU 65520)
 * @c:		connection
 *
 * Return: bytes
 */
static uint32_t seg_max(const struct nat_tcp_conn *c)
{
	uint32_t n =
		RTE_MIN(65535u - 40u, (uint32_t)NAT_TCP_FRAME_DATA_MAX -
					      (c->v6 ? NAT_TCP_IP6_EXTRA : 0));

	return n >= c->mss ? n / c->mss * c->mss : n;
}

/**
 * fail() - a socket error or a retry limit ends the connection
 * @c:		connection
 * @tell_guest:	reset the guest's end too
 */
static void fail(struct nat_tcp_conn *c, bool tell_guest)
{
	c->env->st.reset++;
	nat_tcp_conn_abort(c, tell_guest);
}

/**
 * nat_tcp_conn_events() - what to poll the host socket for
 * @c:		connection
 *
 * Return: POLLIN (and POLLRDHUP) until bytes are known to wait in the
 *	   socket, POLLOUT while bytes wait for the host; 0 before the guest
 *	   answered
 */
short nat_tcp_conn_events(const struct nat_tcp_conn *c)
{
	short ev = 0;

	if (c->state == NAT_TCP_CONNECTING && c->fd >= 0)
		return POLLOUT;
	if (c->state != NAT_TCP_OPEN || c->fd < 0)
		return 0;
	if (!c->host_eof && !c->host_data)
		ev |= POLLIN | POLLRDHUP;
	if (c->rx_len)
		ev |= POLLOUT;
	return ev;
}

/**
 * arm() - start the retransmission timer unless it runs
 * @c:		connection
 */
static void arm(struct nat_tcp_conn *c)
{
	if (!c->timer_ns)
		c->timer_ns = clock_mono_ns() + c->rto_ms * NAT_TCP_MS;
}

/**
 * peek() - read host bytes into a frame, leaving them in the socket
 * @c:		established connection
 * @m:		frame from nat_tcp_frame_alloc() for @len bytes
 * @off:	from this many bytes past @snd_una, at most @tx_len
 * @len:	bytes wanted
 *
 * Fewer bytes than wanted past @tx_len mean the socket holds no more:
 * @host_data is cleared, and @host_eof set when the host's FIN came.
 *
 * Return: bytes read, -1 when the socket failed (the connection is reset)
 */
static ssize_t peek(struct nat_tcp_conn *c, struct rte_mbuf *m, uint32_t off,
		    uint32_t len)
{
	struct iovec iov[65];
	struct msghdr mh = { .msg_iov = iov };
	ssize_t skip = 0, n;

	if (c->peek_off < 0) {
		/* No peek offset: the bytes before @off go to waste. */
		skip = off;
		iov[0] = (struct iovec){ .iov_base = c->env->skip,
					 .iov_len = off };
		mh.msg_iovlen = 1;
	} else if ((uint32_t)c->peek_off != off) {
		setsockopt(c->fd, SOL_SOCKET, SO_PEEK_OFF, &off, sizeof(off));
		c->peek_off = (int32_t)off;
	}
	mh.msg_iovlen +=
		(size_t)nat_tcp_frame_payload(m, len, iov + mh.msg_iovlen, 64);
	n = recvmsg(c->fd, &mh, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0 && len)
		c->host_fin = true; /* nothing more, and no error: the FIN */
	else if (n < 0 && (errno == EAGAIN || errno == EINTR))
		n = skip;
	if (n < skip) {
		fail(c, true);
		return -1;
	}
	n -= skip;
	if (c->peek_off >= 0)
		c->peek_off += (int32_t)n;
	if ((uint32_t)n < len && off + (uint32_t)n >= c->tx_len) {
		c->host_data = false;
		c->host_eof = c->host_fin;
	}
	c->tx_len = RTE_MAX(c->tx_len, off + (uint32_t)n);
	return n;
}

/**
 * send_data() - send the guest host bytes from @off past @snd_una on
 * @c:		established connection
 * @off:	at most @tx_len
 * @len:	bytes wanted, at most one frame's worth
 *
 * Return: bytes sent (0 when the host had none, or no frame was to be
 *	   had: the retransmission timer is armed to try again), -1 when the
 *	   connection failed
 */
static ssize_t send_data(struct nat_tcp_conn *c, uint32_t off, uint32_t len)
{
	struct rte_mbuf *m = nat_tcp_frame_alloc(c, len);
	ssize_t n;

	if (!m) {
		arm(c);
		return 0;
	}
	n = peek(c, m, off, len);
	if (n <= 0) {
		rte_pktmbuf_free(m);
		return n;
	}
	nat_tcp_frame_send(c, m, (uint32_t)n < len ? RTE_TCP_PSH_FLAG : 0,
			   c->snd_una + off, (uint32_t)n);
	return n;
}

/**
 * discard() - drop bytes the guest acknowledged from the host socket
 * @c:		established connection
 * @n:		bytes, at most @tx_len
 */
static void discard(struct nat_tcp_conn *c, uint32_t n)
{
	if (!n)
		return;
	if (recv(c->fd, NULL, n, MSG_TRUNC | MSG_DONTWAIT) != (ssize_t)n) {
		fail(c, true);
		return;
	}
	c->tx_len -= n;
	if (c->peek_off >= 0)
		c->peek_off = RTE_MAX(c->peek_off - (int32_t)n, 0);
}

/**
 * push() - send what the guest's window allows: data, then our FIN
 * @c:		established connection
 */
static void push(struct nat_tcp_conn *c)
{
	uint32_t cap = c->peek_off < 0 ? NAT_TCP_TX_MAX / 4 : NAT_TCP_TX_MAX;

	while (!c->done) {
		uint32_t off = c->snd_nxt - c->snd_una;
		uint32_t n = c->snd_wnd > off ? c->snd_wnd - off : 0;
		ssize_t got;

		n = RTE_MIN(n, seg_max(c));
		/* New bytes in whole frames while under the cap (it is
		 * passed by one frame at most): a frame cut to the cap
		 * would cost as much as a whole one. */
		if (off < c->tx_len)
			n = RTE_MIN(n, c->tx_len - off);
		else if (!c->host_data || off >= cap)
			n = 0;
		if (!n)
			break;
		got = send_data(c, off, n);
		if (got <= 0)
			break;
		c->snd_nxt += (uint32_t)got;
		arm(c);
	}
	if (c->done)
		return;
	if (c->host_eof && c->snd_nxt - c->snd_una == c->tx_len &&
	    !c->fin_acked) {
		nat_tcp_send(c, RTE_TCP_FIN_FLAG, c->snd_nxt);
		c->snd_nxt++;
		arm(c);
	}
	/* Data waits behind a closed window: probe it at the timeout. */
	if (c->snd_wnd == 0 &&
	    (c->snd_nxt - c->snd_una < c->tx_len || c->host_data))
		arm(c);
}

/**
 * flush_rx() - write the rx ring to the host socket; after the guest's FIN,
 * pass it on once everything is written
 * @c:		established connection
 *
 * Return: true when the window we offer grew enough to tell the guest
 */
static bool flush_rx(struct nat_tcp_conn *c)
{
	while (c->rx_len && !c->done) {
		uint32_t first =
			RTE_MIN(c->rx_len, NAT_TCP_RX_BUF - c->rx_head);
		struct iovec iov[2] = {
			{ .iov_base = c->rx + c->rx_head, .iov_len = first },
			{ .iov_base = c->rx, .iov_len = c->rx_len - first },
		};
		struct msghdr mh = { .msg_iov = iov,
				     .msg_iovlen = c->rx_len > first ? 2 : 1 };
		ssize_t n = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			c->rx_head =
				(c->rx_head + (uint32_t)n) % NAT_TCP_RX_BUF;
			c->rx_len -= (uint32_t)n;
		} else {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				fail(c, true);
			break;
		}
	}
	if (c->done)
		return false;
	if (c->guest_fin && !c->rx_len && !c->host_shut) {
		shutdown(c->fd, SHUT_WR);
		c->host_shut = true;
	}
	return c->adv_wnd < NAT_TCP_RX_BUF / 2 &&
	       NAT_TCP_RX_BUF - c->rx_len >= NAT_TCP_RX_BUF / 2;
}

/**
 * maybe_finish() - end the connection once both FINs went through
 * @c:		connection
 */
static void maybe_finish(struct nat_tcp_conn *c)
{
	if (!c->done && c->guest_fin && c->host_shut && c->fin_acked) {
		close(c->fd);
		c->fd = -1;
		c->done = true;
	}
}

/**
 * nat_tcp_conn_ready() - the host socket is ready
 * @c:		established connection
 * @re:		poll() revents
 */
void nat_tcp_conn_ready(struct nat_tcp_conn *c, short re)
{
	bool update = false;

	if (c->state == NAT_TCP_CONNECTING) {
		nat_tcp_conn_connected(c, re);
		return;
	}
	if (c->state != NAT_TCP_OPEN)
		return;

	if (c->rx_len && (re & (POLLOUT | POLLERR | POLLHUP)))
		update = flush_rx(c);
	if (re & (POLLIN | POLLRDHUP | POLLERR | POLLHUP))
		c->host_data = true;
	if (re & POLLRDHUP)
		c->host_fin = true; /* whatever the socket holds is all */
	if (c->done)
		return;
	c->ack_due = update;
	push(c);
	if (!c->done && c->ack_due)
		nat_tcp_send(c, 0, c->snd_nxt);
	maybe_finish(c);
}

/**
 * timer_open() - the retransmission timer of an established connection
 * @c:		connection
 */
static void timer_open(struct nat_tcp_conn *c)
{
	/* With nothing in flight it fires for bytes that wait: behind a
	 * closed window, or for a frame that was not to be had. */
	if (c->snd_nxt == c->snd_una && !c->tx_len && !c->host_data)
		return;
	if (++c->retries > RETRIES_MAX) {
		fail(c, true);
		return;
	}
	c->rto_ms = RTE_MIN(c->rto_ms * 2, (uint32_t)RTO_MAX_MS);
	c->snd_nxt = c->snd_una;
	c->dupacks = 0;
	if (c->snd_wnd == 0 && (c->tx_len || c->host_data)) {
		/* Probe the closed window with the next byte. */
		if (send_data(c, 0, 1) > 0)
			c->snd_nxt++;
		arm(c);
		return;
	}
	c->env->st.retransmits++;
	push(c);
}

/**
 * nat_tcp_conn_timer() - the connection's timer fired
 * @c:		connection
 */
void nat_tcp_conn_timer(struct nat_tcp_conn *c)
{
	c->timer_ns = 0;
	if (c->state == NAT_TCP_OPEN)
		timer_open(c);
	else
		nat_tcp_handshake_timer(c);
}

/**
 * established() - the three-way handshake is complete
 * @c:		connection
 */
static void established(struct nat_tcp_conn *c)
{
	c->snd_una = c->snd_nxt = c->iss + 1;
	c->state = NAT_TCP_OPEN;
	c->timer_ns = 0;
	c->retries = 0;
	c->rto_ms = NAT_TCP_RTO_MIN_MS;
}

/**
 * syn_ack() - the guest accepted: the connection is established
 * @c:		connection in NAT_TCP_SYN_SENT
 * @s:		the guest's SYN-ACK
 */
static void syn_ack(struct nat_tcp_conn *c, const struct nat_tcp_segment *s)
{
	nat_tcp_take_syn(c, s);
	established(c);
	c->ack_due = true;
	c->host_data = true; /* try: the host may have written already */
	push(c);
	if (!c->done && c->ack_due)
		nat_tcp_send(c, 0, c->snd_nxt);
}

/**
 * take_ack() - what the guest's ACK says about our data and its window
 * @c:		established connection
 * @s:		segment with ACK set
 */
static void take_ack(struct nat_tcp_conn *c, const struct nat_tcp_segment *s)
{
	uint32_t acked = s->ack - c->snd_una;
	uint32_t wnd = c->ws_ok ? (uint32_t)s->wnd << c->snd_ws : s->wnd;

	if (seq_lt(s->ack, c->snd_una) || seq_lt(c->snd_nxt, s->ack))
		return; /* old, or acknowledges what we never sent */
	if (acked) {
		uint32_t data = RTE_MIN(acked, c->tx_len);

		discard(c, data);
		if (c->done)
			return;
		c->snd_una = s->ack;
		if (acked > data)
			c->fin_acked = true;
		c->dupacks = 0;
		c->retries = 0;
		c->rto_ms = NAT_TCP_RTO_MIN_MS;
		c->timer_ns = 0;
		if (c->snd_nxt != c->snd_una)
			arm(c);
	} else if (!s->len && !(s->flags & RTE_TCP_FIN_FLAG) &&
		   wnd == c->snd_wnd && c->snd_nxt != c->snd_una &&
		   ++c->dupacks == 3) {
		c->snd_nxt = c->snd_una;
		c->env->st.retransmits++;
	}
	if (!wnd)
		c->retries = 0; /* the guest answers our probes */
	c->snd_wnd = wnd;
}

/**
 * payload_iov() - iovecs over payload bytes of a segment, where the frame
 * holds them
 * @s:		segment
 * @skip:	payload bytes to skip
 * @len:	bytes to cover
 * @iov:	filled
 * @max:	its size
 *
 * Return: iovecs used
 */
static int payload_iov(const struct nat_tcp_segment *s, uint32_t skip,
		       uint32_t len, struct iovec *iov, int max)
{
	const struct rte_mbuf *m = s->m;
	uint32_t off = s->off + skip;
	int n = 0;

	while (m && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	for (; m && len && n < max; m = m->next, off = 0) {
		uint32_t k = RTE_MIN(len, (uint32_t)m->data_len - off);

		iov[n].iov_base = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
		iov[n++].iov_len = k;
		len -= k;
	}
	return n;
}

/**
 * rx_put() - append bytes to the rx ring
 * @c:		connection, with room for them
 * @src:	bytes
 * @n:		count
 */
static void rx_put(struct nat_tcp_conn *c, const uint8_t *src, uint32_t n)
{
	uint32_t tail = (c->rx_head + c->rx_len) % NAT_TCP_RX_BUF;
	uint32_t first = RTE_MIN(n, NAT_TCP_RX_BUF - tail);

	memcpy(c->rx + tail, src, first);
	memcpy(c->rx, src + first, n - first);
	c->rx_len += n;
}

/**
 * rx_room() - how many bytes the rx ring takes now; a connection without
 * one gets one unless the NAT's connections hold NAT_TCP_RX_RINGS (or
 * memory is out: either is counted as ring_denied)
 * @c:		connection with bytes for the ring
 *
 * Return: bytes, 0 when the ring is full or there is none to be had
 */
static uint32_t rx_room(struct nat_tcp_conn *c)
{
	if (!c->rx) {
		if (c->env->rx_rings < NAT_TCP_RX_RINGS)
			c->rx = malloc(NAT_TCP_RX_BUF);
		if (!c->rx) {
			c->env->st.ring_denied++;
			return 0;
		}
		c->env->rx_rings++;
	}
	return NAT_TCP_RX_BUF - c->rx_len;
}

/**
 * take_data() - pass the guest's in-order payload to the host: straight
 * to the socket when nothing waits before it, the rest into the rx ring
 * @c:		established connection
 * @s:		segment
 */
static void take_data(struct nat_tcp_conn *c, const struct nat_tcp_segment *s)
{
	uint32_t len = s->len, seq = s->seq, skip = 0, take, room;
	bool fin = s->flags & RTE_TCP_FIN_FLAG;
	struct iovec iov[64];
	int n;

	if (!len && !fin) {
		/* A segment before the window, as a keepalive probe is:
		 * the ACK is its answer (RFC 9293 3.10.7.4). */
		if (seq_lt(seq, c->rcv_nxt)) {
			c->ack_due = true;
			c->env->st.keepalive++;
		}
		return;
	}
	c->ack_due = true;
	if (c->guest_fin)
		return;
	if (seq_lt(seq, c->rcv_nxt)) {
		skip = c->rcv_nxt - seq;
		if (skip > len)
			return; /* all of it seen before */
		len -= skip;
		seq = c->rcv_nxt;
	}
	if (seq != c->rcv_nxt)
		return; /* out of order: the ACK says what we miss */
	if (!c->rx_len && len) {
		struct msghdr mh = { .msg_iov = iov };
		ssize_t sent;

		mh.msg_iovlen = (size_t)payload_iov(s, skip, len, iov, 64);
		sent = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (sent < 0 && errno != EAGAIN && errno != EINTR) {
			fail(c, true);
			return;
		}
		sent = sent < 0 ? 0 : sent;
		skip += (uint32_t)sent;
		len -= (uint32_t)sent;
		c->rcv_nxt += (uint32_t)sent;
	}
	room = len ? rx_room(c) : 0;
	n = payload_iov(s, skip, RTE_MIN(len, room), iov, 64);
	take = 0;
	for (int i = 0; i < n; i++) {
		rx_put(c, iov[i].iov_base, (uint32_t)iov[i].iov_len);
		take += (uint32_t)iov[i].iov_len;
	}
	c->rcv_nxt += take;
	if (fin && take == len) {
		c->rcv_nxt++;
		c->guest_fin = true;
	}
	flush_rx(c);
}

/**
 * take_rst() - the guest reset the connection
 * @c:		connection
 * @s:		segment with RST set
 */
static void take_rst(struct nat_tcp_conn *c, const struct nat_tcp_segment *s)
{
	if (c->state == NAT_TCP_CONNECTING || c->state == NAT_TCP_SYN_RCVD) {
		if (s->seq == c->rcv_nxt) {
			c->env->st.reset++;
			nat_tcp_conn_abort(c, false);
		}
		return;
	}
	if (c->state == NAT_TCP_SYN_SENT) {
		/* The guest's port is closed: the host sees a reset. */
		if ((s->flags & RTE_TCP_ACK_FLAG) && s->ack == c->iss + 1) {
			c->env->st.reset++;
			nat_tcp_conn_abort(c, false);
		}
		return;
	}
	if (c->state == NAT_TCP_OPEN &&
	    (s->seq - c->rcv_nxt) < RTE_MAX(c->adv_wnd, 1u)) {
		c->env->st.reset++;
		nat_tcp_conn_abort(c, false);
	}
}

/**
 * nat_tcp_conn_input() - a segment from the guest
 * @c:		connection
 * @s:		segment
 */
void nat_tcp_conn_input(struct nat_tcp_conn *c, const struct nat_tcp_segment *s)
{
	if (s->flags & RTE_TCP_RST_FLAG) {
		take_rst(c, s);
		return;
	}
	if (c->state == NAT_TCP_SYN_SENT) {
		if ((s->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) ==
			    (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG) &&
		    s->ack == c->iss + 1)
			syn_ack(c, s);
		return;
	}
	if (c->state == NAT_TCP_CONNECTING)
		return; /* a repeated SYN: the host service has not answered */
	if (c->state == NAT_TCP_SYN_RCVD) {
		if (s->flags & RTE_TCP_SYN_FLAG) {
			nat_tcp_send_syn_ack(c); /* ours got lost */
			return;
		}
		if (!(s->flags & RTE_TCP_ACK_FLAG) || s->ack != c->iss + 1)
			return;
		established(c);
		c->snd_wnd = c->ws_ok ? (uint32_t)s->wnd << c->snd_ws : s->wnd;
	}
	if (c->state != NAT_TCP_OPEN || !(s->flags & RTE_TCP_ACK_FLAG))
		return;
	c->ack_due = (s->flags & RTE_TCP_SYN_FLAG) != 0; /* our ACK got lost */
	take_ack(c, s);
	if (!c->done)
		take_data(c, s);
	if (c->done)
		return;
	push(c);
	if (!c->done && c->ack_due)
		nat_tcp_send(c, 0, c->snd_nxt);
	maybe_finish(c);
}
