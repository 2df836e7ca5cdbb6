// SPDX-License-Identifier: BSD-3-Clause
/* nat_tcp_conn.c - one spliced TCP connection of the NAT: its TCP toward
 * the guest, its socket toward the host
 *
 * Theory of operation
 * -------------------
 * A connection accepted on the host first learns the guest's MAC (the one
 * the NAT's binding table holds for its address, nat_bind.c, else ARP,
 * whose answer passes that table too), then sends the guest a SYN offering
 * window scaling, and once the SYN-ACK arrives moves bytes both ways
 * (nat_tcp.c explains the flow). Sequence numbers
 * toward the guest start from a clock, as Linux's do, so a guest that
 * still holds an old connection of the same ports in TIME_WAIT takes the
 * new SYN. Timers: ARP every 100 ms (10 tries), SYN from 250 ms doubling
 * (5 tries), retransmission from 100 ms doubling to 3.2 s; ten
 * retransmissions without progress reset the connection. A window of 0 is
 * probed with one byte at each timeout; the guest answering keeps the
 * connection alive. A guest's segment from before the window, as its
 * keepalive probes are, gets an ACK of what we expect next.
 *
 * A connection the guest opens starts with the host's non-blocking
 * connect(): to the host's loopback, or to the remote address. Only its
 * success answers the guest's SYN (repeated SYNs wait); its failure shows
 * the guest what the host saw, as libslirp does: a RST for a refused port
 * (and for any failure toward the loopback, or its 10 s timer), an ICMP
 * destination unreachable from the NAT host for no route, an unreachable
 * host or net or a firewall's reject, nothing for a timeout (the kernel's
 * own, or ours at 135 s, past Linux's 127 s of SYN retries), so the guest
 * times out as behind a silent network.
 */
#include "nat_tcp_conn.h"

#include <errno.h>
#include <netinet/ip_icmp.h>
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

#define RTO_MIN_MS	  100
#define RTO_MAX_MS	  3200
#define RETRIES_MAX	  10
#define SYN_MS		  250
#define SYN_TRIES	  5
#define ARP_MS		  100
#define ARP_TRIES	  10
#define MS		  1000000LL
#define CONNECT_LOCAL_MS  10000 /* the host's loopback answers at once */
#define CONNECT_REMOTE_MS 135000 /* past Linux's own SYN retries (127 s) */

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
 * nat_tcp_close_reset() - close a host socket so its peer sees a reset
 * @fd:		socket
 */
void nat_tcp_close_reset(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

/**
 * send_syn() - send (again) our SYN, or our SYN-ACK in NAT_TCP_SYN_RCVD; the
 * timer backs off with the retries
 * @c:		connection in NAT_TCP_SYN_SENT or NAT_TCP_SYN_RCVD
 */
static void send_syn(struct nat_tcp_conn *c)
{
	uint8_t flags = RTE_TCP_SYN_FLAG;

	if (c->state == NAT_TCP_SYN_RCVD)
		flags |= RTE_TCP_ACK_FLAG;
	nat_tcp_send(c, flags, c->iss);
	c->snd_nxt = c->iss + 1;
	c->timer_ns = clock_mono_ns() + ((int64_t)SYN_MS << c->retries) * MS;
}

/**
 * start_syn() - the guest's MAC is known: send the SYN
 * @c:		connection
 */
static void start_syn(struct nat_tcp_conn *c)
{
	c->state = NAT_TCP_SYN_SENT;
	c->retries = 0;
	send_syn(c);
}

/**
 * take_syn() - what the guest's SYN or SYN-ACK says: its sequence number,
 * MSS (536 when absent; clamped to 64..65495), window scale and window
 * @c:		connection
 * @s:		the SYN or SYN-ACK
 */
static void take_syn(struct nat_tcp_conn *c, const struct nat_tcp_segment *s)
{
	c->rcv_nxt = s->seq + 1;
	c->mss = s->mss ? RTE_MIN(s->mss, (uint16_t)65495) : 536;
	c->mss = RTE_MAX(c->mss, (uint16_t)64);
	c->ws_ok = s->wscale >= 0;
	c->snd_ws = c->ws_ok ? (uint8_t)s->wscale : 0;
	c->snd_wnd = s->wnd; /* never scaled in a SYN */
}

/**
 * conn_alloc() - a connection with its rx ring, all else zero
 * @env:	shared state
 *
 * Return: connection, or NULL
 */
static struct nat_tcp_conn *conn_alloc(struct nat_tcp_env *env)
{
	struct nat_tcp_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->rx = malloc(NAT_TCP_RX_BUF);
	if (!c->rx) {
		free(c);
		return NULL;
	}
	c->env = env;
	c->to_port = RTE_MBUF_PORT_INVALID;
	c->fd = -1;
	c->pidx = -1;
	c->rto_ms = RTO_MIN_MS;
	c->iss = (uint32_t)(clock_mono_ns() >> 6);
	c->snd_una = c->snd_nxt = c->iss;
	return c;
}

/**
 * take_socket() - make @fd the connection's host socket: no Nagle delay;
 * bytes toward the guest stay in it until the guest has them, read at an
 * offset where the kernel can
 * @c:		connection
 * @fd:		socket
 */
static void take_socket(struct nat_tcp_conn *c, int fd)
{
	int one = 1, zero = 0;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	c->peek_off = -1;
	if (!c->env->no_peek_off &&
	    !setsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero)))
		c->peek_off = 0;
}

/**
 * nat_tcp_conn_new() - a connection for a socket just accepted
 * @env:	shared state
 * @fd:		accepted socket, owned by the connection from now on (also
 *		on failure: NULL means the caller still closes it)
 * @guest:	guest address and port
 * @nport:	NAT-side port
 *
 * Return: connection, or NULL (out of memory; @fd is still the caller's)
 */
struct nat_tcp_conn *nat_tcp_conn_new(struct nat_tcp_env *env, int fd,
				      const struct sockaddr_in *guest,
				      uint16_t nport)
{
	struct nat_tcp_conn *c = conn_alloc(env);

	if (!c)
		return NULL;
	take_socket(c, fd);
	c->gip = guest->sin_addr.s_addr;
	c->rip = env->sp->cfg.vhost.s_addr;
	c->gport = ntohs(guest->sin_port);
	c->nport = nport;
	c->mss = 536;
	if (slirp_nat_mac(env->sp, c->gip, &c->gmac, &c->to_port)) {
		start_syn(c);
	} else {
		c->state = NAT_TCP_ARP;
		nat_tcp_send_arp(c);
		c->timer_ns = clock_mono_ns() + ARP_MS * MS;
	}
	return c;
}

/**
 * send_syn_ack() - accept the guest's connection: the host service took it
 * @c:		connection in NAT_TCP_CONNECTING or NAT_TCP_SYN_RCVD
 */
static void send_syn_ack(struct nat_tcp_conn *c)
{
	c->state = NAT_TCP_SYN_RCVD;
	send_syn(c);
}

/**
 * refuse() - the host service refused (or could not be reached): reset
 * the guest's connection attempt
 * @c:		connection in NAT_TCP_CONNECTING
 */
static void refuse(struct nat_tcp_conn *c)
{
	nat_tcp_send(c, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0);
	c->env->st.refused++;
	nat_tcp_conn_abort(c, false);
}

/**
 * unreach_code() - the ICMP destination unreachable code that tells a
 * guest what a failed connect() saw
 * @err:	its errno
 *
 * Return: code, as libslirp and Linux's own forwarding map them
 */
static uint8_t unreach_code(int err)
{
	switch (err) {
	case EHOSTUNREACH:
	case EHOSTDOWN:
		return ICMP_HOST_UNREACH;
	case EACCES:
	case EPERM:
		return ICMP_PKT_FILTERED;
	default:
		return ICMP_NET_UNREACH;
	}
}

/**
 * connect_failed() - the host's connect() for a guest failed: the guest
 * sees what a router would have shown it, as libslirp does
 * @c:		connection in NAT_TCP_CONNECTING
 * @err:	errno of the connect()
 *
 * Refused (and any failure toward the host's loopback): a RST. Timed out:
 * nothing, the guest's own SYN retries run out as behind a silent network.
 * Anything else (no route, host unreachable, a firewall's reject): an ICMP
 * destination unreachable.
 */
static void connect_failed(struct nat_tcp_conn *c, int err)
{
	if (err == ECONNREFUSED || !c->remote) {
		refuse(c);
		return;
	}
	if (err == ETIMEDOUT) {
		c->env->st.timeout++;
	} else {
		nat_tcp_send_unreach(c, unreach_code(err));
		c->env->st.icmp++;
	}
	nat_tcp_conn_abort(c, false);
}

/**
 * at_once6() - what an IPv6 connect() that failed at once saw
 * @c:		connection
 * @err:	its errno
 *
 * An IPv6 route of type unreachable fails connect() at once with
 * EHOSTUNREACH, where a router answers with "no route" (ICMPv6 code 0); a
 * neighbour that never answers fails it later, as "address unreachable".
 *
 * Return: ENETUNREACH for the first, else @err
 */
static int at_once6(const struct nat_tcp_conn *c, int err)
{
	return c->v6 && err == EHOSTUNREACH ? ENETUNREACH : err;
}

/**
 * dest6() - where an IPv6 guest's SYN makes the NAT connect, and whom our
 * frames come from
 * @c:		connection, its addresses set
 * @syn:	the guest's SYN
 * @remote:	to the SYN's own destination, else the host's loopback (::1,
 *		as libslirp maps the NAT host's IPv6 address)
 *
 * Return: the address
 */
static struct sockaddr_in6 dest6(struct nat_tcp_conn *c,
				 const struct nat_tcp_segment *syn, bool remote)
{
	struct sockaddr_in6 a = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(syn->dport),
		.sin6_addr = in6addr_loopback,
	};

	c->v6 = true;
	memcpy(c->gip6, syn->saddr6, 16);
	memcpy(c->rip6, syn->daddr6, 16);
	if (remote)
		memcpy(&a.sin6_addr, syn->daddr6, 16);
	return a;
}

/**
 * nat_tcp_conn_open() - a guest's SYN: connect to where it goes, the host's
 * loopback for the NAT host's address, else the address itself (IPv4 or
 * IPv6, as the SYN)
 * @env:	shared state
 * @syn:	the guest's SYN
 * @remote:	to the SYN's own destination, not the host's loopback
 *
 * The guest hears nothing until the connect() completes: then our SYN-ACK,
 * or what the host saw (connect_failed()).
 *
 * Return: connection (perhaps already refused: done set), or NULL when out
 *	   of memory or sockets (the guest's SYN is then dropped)
 */
struct nat_tcp_conn *nat_tcp_conn_open(struct nat_tcp_env *env,
				       const struct nat_tcp_segment *syn,
				       bool remote)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(syn->dport),
		.sin_addr.s_addr = remote ? syn->daddr : htonl(INADDR_LOOPBACK)
	};
	struct nat_tcp_conn *c = conn_alloc(env);
	const struct sockaddr *to = (const struct sockaddr *)&a;
	socklen_t to_len = sizeof(a);
	struct sockaddr_in6 a6;
	int fd;

	if (!c)
		return NULL;
	if (syn->v6) {
		a6 = dest6(c, syn, remote);
		to = (const struct sockaddr *)&a6;
		to_len = sizeof(a6);
	}
	fd = socket(to->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		nat_tcp_conn_free(c);
		return NULL;
	}
	take_socket(c, fd);
	c->outbound = true;
	c->remote = remote;
	c->gip = syn->saddr;
	c->rip = syn->daddr;
	c->gport = syn->sport;
	c->nport = syn->dport;
	take_syn(c, syn);
	c->gmac = syn->smac;
	c->to_port = slirp_nat_to_port(syn->m);
	c->state = NAT_TCP_CONNECTING;
	c->timer_ns = clock_mono_ns() +
		      (remote ? CONNECT_REMOTE_MS : CONNECT_LOCAL_MS) * MS;
	if (!connect(c->fd, to, to_len))
		send_syn_ack(c);
	else if (errno != EINPROGRESS)
		connect_failed(c, at_once6(c, errno));
	return c;
}

/**
 * nat_tcp_conn_free() - close and free an ended (or abandoned) connection;
 * accepts NULL
 * @c:		connection
 */
void nat_tcp_conn_free(struct nat_tcp_conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->rx);
	free(c);
}

/**
 * nat_tcp_conn_abort() - end a connection with a reset toward the host, and
 * toward the guest when asked and it is established
 * @c:		connection
 * @tell_guest:	send the guest a RST too
 */
void nat_tcp_conn_abort(struct nat_tcp_conn *c, bool tell_guest)
{
	if (tell_guest && c->state == NAT_TCP_OPEN)
		nat_tcp_send(c, RTE_TCP_RST_FLAG, c->snd_nxt);
	if (c->fd >= 0)
		nat_tcp_close_reset(c->fd);
	c->fd = -1;
	c->done = true;
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
		c->timer_ns = clock_mono_ns() + c->rto_ms * MS;
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
	int err = 0;
	socklen_t len = sizeof(err);

	if (c->state == NAT_TCP_CONNECTING) {
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err || (re & (POLLERR | POLLHUP)))
			connect_failed(c, err ? err : ECONNREFUSED);
		else
			send_syn_ack(c);
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
	int64_t now = clock_mono_ns();

	c->timer_ns = 0;
	switch (c->state) {
	case NAT_TCP_ARP:
		if (slirp_nat_mac(c->env->sp, c->gip, &c->gmac, &c->to_port)) {
			start_syn(c);
		} else if (++c->retries > ARP_TRIES) {
			c->env->st.unreachable++;
			nat_tcp_conn_abort(c, false);
		} else {
			nat_tcp_send_arp(c);
			c->timer_ns = now + ARP_MS * MS;
		}
		break;
	case NAT_TCP_SYN_SENT:
	case NAT_TCP_SYN_RCVD:
		if (++c->retries > SYN_TRIES) {
			c->env->st.unreachable++;
			nat_tcp_conn_abort(c, false);
			break;
		}
		send_syn(c);
		break;
	case NAT_TCP_CONNECTING:
		/* The host never answered: the host's loopback refuses, a
		 * remote host stays silent as it was. */
		connect_failed(c, ETIMEDOUT);
		break;
	default:
		timer_open(c);
		break;
	}
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
	c->rto_ms = RTO_MIN_MS;
}

/**
 * syn_ack() - the guest accepted: the connection is established
 * @c:		connection in NAT_TCP_SYN_SENT
 * @s:		the guest's SYN-ACK
 */
static void syn_ack(struct nat_tcp_conn *c, const struct nat_tcp_segment *s)
{
	take_syn(c, s);
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
		c->rto_ms = RTO_MIN_MS;
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
 * take_data() - pass the guest's in-order payload to the host: straight
 * to the socket when nothing waits before it, the rest into the rx ring
 * @c:		established connection
 * @s:		segment
 */
static void take_data(struct nat_tcp_conn *c, const struct nat_tcp_segment *s)
{
	uint32_t len = s->len, seq = s->seq, skip = 0, take;
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
	n = payload_iov(s, skip, RTE_MIN(len, NAT_TCP_RX_BUF - c->rx_len), iov,
			64);
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
			send_syn_ack(c); /* ours got lost */
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
