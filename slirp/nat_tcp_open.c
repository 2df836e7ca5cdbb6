// SPDX-License-Identifier: BSD-3-Clause
/* nat_tcp_open.c - how a spliced TCP connection of the NAT begins and
 * ends: the handshake with the guest, the host's connect(), the close
 *
 * Theory of operation
 * -------------------
 * A connection accepted on the host first learns the guest's MAC (the one
 * the NAT's binding table holds for its address, nat_bind.c, else ARP,
 * whose answer passes that table too), then sends the guest a SYN offering
 * window scaling; once the SYN-ACK arrives it is open (nat_tcp_conn.c).
 * Sequence numbers toward the guest start from a clock, as Linux's do, so
 * a guest that still holds an old connection of the same ports in
 * TIME_WAIT takes the new SYN. Timers: ARP every 100 ms (10 tries), SYN
 * from 250 ms doubling (5 tries).
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
#include <unistd.h>

#include <rte_tcp.h>

#include "clock.h"
#include "slirp_port.h"

#define SYN_MS		  250
#define SYN_TRIES	  5
#define ARP_MS		  100
#define ARP_TRIES	  10
#define CONNECT_LOCAL_MS  10000 /* the host's loopback answers at once */
#define CONNECT_REMOTE_MS 135000 /* past Linux's own SYN retries (127 s) */

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
	c->timer_ns =
		clock_mono_ns() + ((int64_t)SYN_MS << c->retries) * NAT_TCP_MS;
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
 * nat_tcp_take_syn() - what the guest's SYN or SYN-ACK says: its sequence number,
 * MSS (536 when absent; clamped to 64..65495), window scale and window
 * @c:		connection
 * @s:		the SYN or SYN-ACK
 */
void nat_tcp_take_syn(struct nat_tcp_conn *c, const struct nat_tcp_segment *s)
{
	c->rcv_nxt = s->seq + 1;
	c->mss = s->mss ? RTE_MIN(s->mss, (uint16_t)65495) : 536;
	c->mss = RTE_MAX(c->mss, (uint16_t)64);
	c->ws_ok = s->wscale >= 0;
	c->snd_ws = c->ws_ok ? (uint8_t)s->wscale : 0;
	c->snd_wnd = s->wnd; /* never scaled in a SYN */
}

/**
 * conn_alloc() - a connection, all else zero (its rx ring comes when
 * needed: nat_tcp_conn.c)
 * @env:	shared state
 *
 * Return: connection, or NULL
 */
static struct nat_tcp_conn *conn_alloc(struct nat_tcp_env *env)
{
	struct nat_tcp_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->env = env;
	c->to_port = RTE_MBUF_PORT_INVALID;
	c->fd = -1;
	c->pidx = -1;
	c->rto_ms = NAT_TCP_RTO_MIN_MS;
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
		c->timer_ns = clock_mono_ns() + ARP_MS * NAT_TCP_MS;
	}
	return c;
}

/**
 * nat_tcp_send_syn_ack() - accept the guest's connection: the host service took it
 * @c:		connection in NAT_TCP_CONNECTING or NAT_TCP_SYN_RCVD
 */
void nat_tcp_send_syn_ack(struct nat_tcp_conn *c)
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
	nat_tcp_take_syn(c, syn);
	c->gmac = syn->smac;
	c->to_port = slirp_nat_to_port(syn->m);
	c->state = NAT_TCP_CONNECTING;
	c->timer_ns =
		clock_mono_ns() +
		(remote ? CONNECT_REMOTE_MS : CONNECT_LOCAL_MS) * NAT_TCP_MS;
	if (!connect(c->fd, to, to_len))
		nat_tcp_send_syn_ack(c);
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
	if (c->rx) {
		free(c->rx);
		c->env->rx_rings--;
	}
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
 * nat_tcp_conn_connected() - the host socket of a connection in
 * NAT_TCP_CONNECTING is ready: the connect() completed, or failed
 * @c:		connection
 * @re:		poll() revents
 */
void nat_tcp_conn_connected(struct nat_tcp_conn *c, short re)
{
	int err = 0;
	socklen_t len = sizeof(err);

	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err || (re & (POLLERR | POLLHUP)))
		connect_failed(c, err ? err : ECONNREFUSED);
	else
		nat_tcp_send_syn_ack(c);
}

/**
 * nat_tcp_handshake_timer() - the timer of a connection not yet open
 * fired: ask again for the guest's MAC, send our SYN or SYN-ACK again, or
 * give up a connect() the host never answered
 * @c:		connection before NAT_TCP_OPEN, its timer cleared
 */
void nat_tcp_handshake_timer(struct nat_tcp_conn *c)
{
	switch (c->state) {
	case NAT_TCP_ARP:
		if (slirp_nat_mac(c->env->sp, c->gip, &c->gmac, &c->to_port)) {
			start_syn(c);
		} else if (++c->retries > ARP_TRIES) {
			c->env->st.unreachable++;
			nat_tcp_conn_abort(c, false);
		} else {
			nat_tcp_send_arp(c);
			c->timer_ns = clock_mono_ns() + ARP_MS * NAT_TCP_MS;
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
		break;
	}
}
