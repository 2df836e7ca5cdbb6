// SPDX-License-Identifier: BSD-3-Clause
/* nat_tcp.c - the NAT's own TCP: hostfwd to IPv4 guests and every
 * connection guests open, IPv4 or IPv6, without libslirp's stack
 *
 * Theory of operation
 * -------------------
 * libslirp terminates a hostfwd connection in its own TCP stack, whose
 * 64 KB window without scaling makes every flow round-trip bound. Here, as
 * in passt, the NAT owns the listening socket of a TCP rule toward an IPv4
 * guest and translates between the accepted host socket and the guest's
 * TCP directly; the guest sees a connection from the NAT's host address
 * (10.0.2.2) and a port of its own range, exactly as with libslirp.
 *
 * Per connection, on the NAT thread:
 * - host -> guest: bytes stay in the host socket until the guest
 *   acknowledges them (then they are dropped from it with MSG_TRUNC).
 *   They are read with MSG_PEEK straight into the frames that carry them,
 *   at an offset (SO_PEEK_OFF; kernels before 6.9 lack it for TCP, and
 *   there the bytes before the offset are read again into a scratch
 *   buffer): frames of up to 64 KB, GSO super-frames cut at the guest's
 *   MSS, as far as the guest's (scaled) window allows, up to 1 MB in
 *   flight. A retransmission timer, or three duplicate ACKs, reads again
 *   from the oldest unacknowledged byte. So each byte is copied once.
 * - guest -> host: in-order payload goes to the socket straight from the
 *   guest's frame; what the socket does not take is copied into a ring
 *   (rx, 1 MB, allocated the first time it is needed) and written as it
 *   takes it. Payload is ACKed at once; the window offered is the ring's
 *   free space, so the guest never sends more than fits. The window must
 *   cover the guest's round trip through the switch: 256 KB held a guest
 *   at MTU 65520 to 7.5 Gbit/s toward a remote host, 1 MB gave 8.3 in the
 *   same run, 2 MB no more. One NAT's connections hold at most
 *   NAT_TCP_RX_RINGS rings (64 MB); past that, bytes the socket does not
 *   take are not acknowledged (counted as ring_denied) and the guest sends
 *   them again. Segments out of order get a duplicate ACK and are
 *   dropped.
 * - FIN either way: the host's EOF becomes a FIN after the last byte; the
 *   guest's FIN becomes shutdown(SHUT_WR) once the ring is written. RST
 *   either way resets the other side. Both FINs done: the socket closes.
 * Frames toward the guest carry complete checksums, or a partial one for
 * super-frames (the switch segments them for guests without TSO). The
 * guest's frames reach nat_tcp_input() from slirp_frame_in() - the
 * NAT's one demultiplexing point - before libslirp sees them; frames of
 * no connection here go on to libslirp.
 *
 * Every IPv4 TCP connection a guest opens is spliced the same way unless
 * the NAT is restricted: the guest's SYN to the NAT host's address
 * (10.0.2.2: the host's loopback, as libslirp maps it) makes the NAT
 * connect to 127.0.0.1 at the same port; a SYN to any unicast address
 * beyond the NAT's network makes it connect to that address itself, and
 * our frames then come from it. The guest hears nothing until the
 * non-blocking connect() completes: then our SYN-ACK; on failure what the
 * host saw (a RST for a refused port, an ICMP unreachable for no route or
 * an unreachable host, nothing for a timeout: nat_tcp_open.c). The
 * NAT's other addresses (DNS on 10.0.2.3 and the like) stay with libslirp,
 * as does everything of a restricted NAT, which refuses it. These
 * connections are found by a hash of the guest's address and port and
 * the destination's; hostfwd connections by their NAT-side port.
 *
 * IPv6 guests' connections take the same path (nat_tcp_frames6.c builds
 * their frames): a SYN to the NAT's IPv6 host address (fec0::2) connects
 * to ::1, one to a unicast address outside the NAT's prefix to that
 * address; the DNS address and the rest of the prefix stay with libslirp.
 * The hash takes the addresses folded to 32 bits and compares them whole.
 * IPv6 addresses are not bound to a guest as IPv4 ones are (nat_bind.c):
 * a SYN from outside the NAT's prefix is dropped as spoofed, and a
 * connection takes segments only from the MAC and port that opened it.
 * They count to the guest whose MAC holds an IPv4 address on that port.
 *
 * Bounds (nat_limits.c): a host client over its rule's cap, or over the
 * cap of all hostfwd connections, is accepted and reset at once; a guest's
 * SYN over its TCP cap or the NAT's is dropped and counted (the guest's
 * retransmission tries again). When accept() fails for want of
 * descriptors the listener is left out of the poll set for
 * NAT_TCP_PAUSE_MS, so the thread never spins on a listener it cannot serve.
 */
#include "nat_tcp.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "clock.h"
#include "nat_tcp_conn.h"
#include "log.h"
#include "mbuf_copy.h"
#include "nat_bind.h"
#include "nat_limits.h"
#include "slirp_port.h"

#define NAT_TCP_BUCKETS	 4096 /* hash of guest-opened connections */
#define NAT_TCP_PAUSE_MS 250 /* a listener rests this long when out of fds */

/**
 * struct nat_tcp_listener - the listening socket of one rule
 * @fd:		socket, -1 for a free slot
 * @pidx:	its entry in the poll set of this iteration, or -1
 * @host:	address it is bound to
 * @host_len:	its length
 * @guest:	where its connections go
 * @conns:	connections it accepted that are still open
 * @gen:	bumped when the slot is freed, so connections of an old rule
 *		do not count against a new one
 * @paused_ns:	left out of the poll set until then (out of fds), or 0
 */
struct nat_tcp_listener {
	int fd;
	int pidx;
	struct sockaddr_storage host;
	socklen_t host_len;
	struct sockaddr_in guest;
	uint32_t conns;
	uint32_t gen;
	int64_t paused_ns;
};

/**
 * struct nat_tcp - the spliced hostfwd TCP of one NAT port
 * @sp:		NAT port
 * @ls:		listeners
 * @by_port:	connections by NAT-side port - NAT_TCP_PORT_BASE
 * @next_port:	where the search for a free NAT-side port starts
 * @conns:	connections open, @n_conns of them
 * @by_tuple:	guest-opened connections by hash of guest address and port
 *		and service port
 * @env:	what the connections share: MAC (libslirp's for the NAT
 *		host: 52:55 and its IPv4 address), IP ids, counters
 */
struct nat_tcp {
	struct slirp_port *sp;
	struct nat_tcp_listener ls[SLIRP_MAX_RULES];
	struct nat_tcp_conn *by_port[NAT_TCP_PORTS];
	uint16_t next_port;
	struct nat_tcp_conn *conns[NAT_TCP_MAX_CONNS];
	unsigned int n_conns;
	struct nat_tcp_conn *by_tuple[NAT_TCP_BUCKETS];
	struct nat_tcp_env env;
};

/**
 * nat_tcp_new() - the spliced hostfwd TCP state of a NAT port
 * @sp:		NAT port, its configuration parsed
 *
 * Return: state, or NULL
 */
struct nat_tcp *nat_tcp_new(struct slirp_port *sp)
{
	struct nat_tcp *ht = calloc(1, sizeof(*ht));

	if (!ht)
		return NULL;
	ht->sp = sp;
	ht->env.sp = sp;
	ht->env.jumbo = port_jumbo_pool_create();
	ht->env.no_peek_off = getenv("VIOSWITCH_NO_PEEK_OFF") != NULL;
	ht->env.skip = malloc(NAT_TCP_TX_MAX);
	if (!ht->env.skip) {
		free(ht);
		return NULL;
	}
	for (unsigned int i = 0; i < SLIRP_MAX_RULES; i++)
		ht->ls[i].fd = -1;
	ht->env.mac.addr_bytes[0] = 0x52;
	ht->env.mac.addr_bytes[1] = 0x55;
	memcpy(&ht->env.mac.addr_bytes[2], &sp->cfg.vhost, 4);
	return ht;
}

/**
 * nat_tcp_free() - close every listener and connection; accepts NULL
 * @ht:		state, no longer polled
 */
void nat_tcp_free(struct nat_tcp *ht)
{
	if (!ht)
		return;
	for (unsigned int i = 0; i < SLIRP_MAX_RULES; i++) {
		if (ht->ls[i].fd >= 0)
			close(ht->ls[i].fd);
	}
	for (unsigned int i = 0; i < ht->n_conns; i++) {
		nat_tcp_conn_abort(ht->conns[i], false);
		nat_tcp_conn_free(ht->conns[i]);
	}
	free(ht->env.skip);
	free(ht);
}

/**
 * same_host() - whether two socket addresses are the same
 * @a:		address
 * @alen:	its length
 * @b:		address
 * @blen:	its length
 *
 * Return: true when equal
 */
static bool same_host(const struct sockaddr_storage *a, socklen_t alen,
		      const struct sockaddr *b, socklen_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

/**
 * nat_tcp_listen() - listen for a rule
 * @ht:		state
 * @host:	address to bind
 * @host_len:	its length
 * @guest:	IPv4 guest address and port its connections go to
 *
 * Return: 0, or -1 with errno set (EADDRINUSE, EADDRNOTAVAIL, ENOSPC...)
 */
int nat_tcp_listen(struct nat_tcp *ht, const struct sockaddr *host,
		   socklen_t host_len, const struct sockaddr_in *guest)
{
	struct nat_tcp_listener *l = NULL;
	int one = 1, fd, e;

	for (unsigned int i = 0; i < SLIRP_MAX_RULES && !l; i++) {
		if (ht->ls[i].fd < 0)
			l = &ht->ls[i];
	}
	if (!l) {
		errno = ENOSPC;
		return -1;
	}
	fd = socket(host->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -1;
	if (host->sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, host, host_len) || listen(fd, 1024)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	l->fd = fd;
	l->conns = 0;
	l->paused_ns = 0;
	memcpy(&l->host, host, host_len);
	l->host_len = host_len;
	l->guest = *guest;
	return 0;
}

/**
 * nat_tcp_unlisten() - stop listening on @host; its connections stay
 * @ht:		state
 * @host:	address the rule was bound to
 * @host_len:	its length
 *
 * Return: 0, or -1 when nothing listens there
 */
int nat_tcp_unlisten(struct nat_tcp *ht, const struct sockaddr *host,
		     socklen_t host_len)
{
	for (unsigned int i = 0; i < SLIRP_MAX_RULES; i++) {
		struct nat_tcp_listener *l = &ht->ls[i];

		if (l->fd < 0 ||
		    !same_host(&l->host, l->host_len, host, host_len))
			continue;
		close(l->fd);
		l->fd = -1;
		l->gen++;
		return 0;
	}
	return -1;
}

/**
 * add_pfd() - add @fd to the NAT thread's poll set
 * @sp:		NAT port
 * @fd:		descriptor
 * @events:	POLLIN/POLLOUT
 *
 * Return: its index, or -1 when the set is full
 */
static int add_pfd(struct slirp_port *sp, int fd, short events)
{
	if (sp->n_pfds == RTE_DIM(sp->pfds))
		return -1;
	sp->pfds[sp->n_pfds] = (struct pollfd){ .fd = fd, .events = events };
	return (int)sp->n_pfds++;
}

/**
 * lower_timeout() - lower a poll timeout to @ns from now
 * @timeout_ms:	timeout, milliseconds
 * @ns:		nanoseconds until something is due (may be negative)
 */
static void lower_timeout(uint32_t *timeout_ms, int64_t ns)
{
	int64_t ms = (ns + 999999) / 1000000;

	ms = ms < 0 ? 0 : ms;
	if ((uint64_t)ms < *timeout_ms)
		*timeout_ms = (uint32_t)ms;
}

/**
 * nat_tcp_pollfds() - add listeners and connections to the poll set
 * @ht:		state
 * @timeout_ms:	lowered to the next connection timer
 */
void nat_tcp_pollfds(struct nat_tcp *ht, uint32_t *timeout_ms)
{
	int64_t now = clock_mono_ns();

	for (unsigned int i = 0; i < SLIRP_MAX_RULES; i++) {
		struct nat_tcp_listener *l = &ht->ls[i];

		l->pidx = -1;
		if (l->fd < 0)
			continue;
		if (l->paused_ns > now) {
			lower_timeout(timeout_ms, l->paused_ns - now);
			continue;
		}
		l->pidx = add_pfd(ht->sp, l->fd, POLLIN);
	}
	for (unsigned int i = 0; i < ht->n_conns; i++) {
		struct nat_tcp_conn *c = ht->conns[i];
		short ev = nat_tcp_conn_events(c);

		c->pidx = ev ? add_pfd(ht->sp, c->fd, ev) : -1;
		if (c->timer_ns)
			lower_timeout(timeout_ms, c->timer_ns - now);
	}
}

/**
 * free_port() - a free NAT-side port index
 * @ht:		state
 *
 * Return: index into @ht->conns, or -1 when all are taken
 */
static int free_port(struct nat_tcp *ht)
{
	for (unsigned int n = 0; n < NAT_TCP_PORTS; n++) {
		unsigned int i = (ht->next_port + n) % NAT_TCP_PORTS;

		if (!ht->by_port[i]) {
			ht->next_port = (uint16_t)((i + 1) % NAT_TCP_PORTS);
			return (int)i;
		}
	}
	return -1;
}

/**
 * out_of_fds() - whether accept() or socket() failed for want of
 * descriptors (or kernel memory)
 * @err:	errno
 *
 * Return: true for EMFILE, ENFILE, ENOBUFS, ENOMEM
 */
static bool out_of_fds(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOBUFS ||
	       err == ENOMEM;
}

/**
 * take_client() - make a connection of a host client just accepted,
 * within its rule's cap and the NAT's
 * @ht:		state
 * @l:		listener
 * @fd:		accepted socket, consumed
 */
static void take_client(struct nat_tcp *ht, struct nat_tcp_listener *l, int fd)
{
	struct nat_limits *nl = ht->sp->lim;
	struct nat_tcp_conn *c = NULL;
	int idx = -1;

	if (!nat_hostfwd_charge(nl, &l->conns)) {
		nat_tcp_close_reset(fd);
		ht->env.st.refused++;
		return;
	}
	idx = ht->n_conns < NAT_TCP_MAX_CONNS ? free_port(ht) : -1;
	if (idx >= 0)
		c = nat_tcp_conn_new(&ht->env, fd, &l->guest,
				     (uint16_t)(NAT_TCP_PORT_BASE + idx));
	if (!c) {
		nat_hostfwd_uncharge(nl, &l->conns);
		nat_tcp_close_reset(fd);
		ht->env.st.refused++;
		return;
	}
	c->rule = (unsigned int)(l - ht->ls);
	c->rule_gen = l->gen;
	ht->by_port[idx] = c;
	c->slot = ht->n_conns;
	ht->conns[ht->n_conns++] = c;
	ht->env.st.accepted++;
}

/**
 * accept_all() - take the connections waiting on a listener
 * @ht:		state
 * @l:		listener
 *
 * Return: connections taken
 */
static unsigned int accept_all(struct nat_tcp *ht, struct nat_tcp_listener *l)
{
	unsigned int n = 0;

	while (n < 64) {
		int fd = accept4(l->fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (out_of_fds(errno)) {
				/* Readable still: rest instead of spinning. */
				nat_limits_hit(ht->sp->lim, NAT_LIMIT_NO_FDS);
				l->paused_ns = clock_mono_ns() +
					       NAT_TCP_PAUSE_MS * 1000000LL;
			}
			break;
		}
		n++;
		take_client(ht, l, fd);
	}
	return n;
}

/**
 * tuple_hash() - bucket of a guest-opened connection
 * @gip:	guest address
 * @gport:	guest port
 * @dip:	destination address
 * @sport:	service port
 *
 * Return: index into by_tuple
 */
static unsigned int tuple_hash(uint32_t gip, uint16_t gport, uint32_t dip,
			       uint16_t sport)
{
	uint32_t h = gip ^ ((uint32_t)gport << 16 | sport);

	h ^= h >> 15;
	h *= 0x2c1b3c6dU;
	h ^= dip;
	h ^= h >> 13;
	h *= 0x297a2d39U;
	h ^= h >> 12;
	return h % NAT_TCP_BUCKETS;
}

/**
 * fold6() - an IPv6 address folded to 32 bits for tuple_hash()
 * @a:		address
 *
 * Return: the xor of its four words
 */
static uint32_t fold6(const uint8_t *a)
{
	uint32_t w[4];

	memcpy(w, a, sizeof(w));
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

/**
 * seg_bucket() - the bucket of the connection a segment belongs to
 * @s:		segment
 *
 * Return: index into by_tuple
 */
static unsigned int seg_bucket(const struct nat_tcp_segment *s)
{
	if (s->v6)
		return tuple_hash(fold6(s->saddr6), s->sport, fold6(s->daddr6),
				  s->dport);
	return tuple_hash(s->saddr, s->sport, s->daddr, s->dport);
}

/**
 * conn_bucket() - the bucket of a guest-opened connection
 * @c:		connection
 *
 * Return: index into by_tuple
 */
static unsigned int conn_bucket(const struct nat_tcp_conn *c)
{
	if (c->v6)
		return tuple_hash(fold6(c->gip6), c->gport, fold6(c->rip6),
				  c->nport);
	return tuple_hash(c->gip, c->gport, c->rip, c->nport);
}

/**
 * same_tuple() - whether a segment belongs to a guest-opened connection
 * @c:		connection
 * @s:		segment
 *
 * Return: true when family, addresses and ports match
 */
static bool same_tuple(const struct nat_tcp_conn *c,
		       const struct nat_tcp_segment *s)
{
	if (c->v6 != s->v6 || c->gport != s->sport || c->nport != s->dport)
		return false;
	if (s->v6)
		return !memcmp(c->gip6, s->saddr6, 16) &&
		       !memcmp(c->rip6, s->daddr6, 16);
	return c->gip == s->saddr && c->rip == s->daddr;
}

/**
 * find_opened() - the guest-opened connection a segment belongs to
 * @ht:		state
 * @s:		segment
 *
 * Return: connection, or NULL
 */
static struct nat_tcp_conn *find_opened(struct nat_tcp *ht,
					const struct nat_tcp_segment *s)
{
	struct nat_tcp_conn *c = ht->by_tuple[seg_bucket(s)];

	while (c && !same_tuple(c, s))
		c = c->hnext;
	return c;
}

/**
 * reap() - forget a connection that ended and free it
 * @ht:		state
 * @c:		connection
 */
static void reap(struct nat_tcp *ht, struct nat_tcp_conn *c)
{
	struct nat_tcp_conn *last = ht->conns[--ht->n_conns];

	if (c->outbound) {
		struct nat_tcp_conn **pp = &ht->by_tuple[conn_bucket(c)];

		while (*pp != c)
			pp = &(*pp)->hnext;
		*pp = c->hnext;
		nat_uncharge(ht->sp->lim, c->guest, NAT_RES_TCP);
	} else {
		struct nat_tcp_listener *l = &ht->ls[c->rule];

		ht->by_port[c->nport - NAT_TCP_PORT_BASE] = NULL;
		nat_hostfwd_uncharge(ht->sp->lim,
				     l->gen == c->rule_gen ? &l->conns : NULL);
	}
	ht->conns[c->slot] = last;
	last->slot = c->slot;
	nat_tcp_conn_free(c);
}

/**
 * guest_of() - the guest a SYN is charged to (nat_limits.c)
 * @ht:		state
 * @s:		the SYN
 *
 * A guest is its IPv4 address on its port. Its IPv6 connections count to
 * the IPv4 address its MAC holds on that port (nat_bind.c), so that one
 * guest has one budget over both; a guest with no IPv4 binding shares the
 * IPv6 entry of its port, as libslirp's IPv6 sockets do (slirp_census.c).
 *
 * Return: guest, or NULL when no entry is free (counted)
 */
static struct nat_guest *guest_of(struct nat_tcp *ht,
				  const struct nat_tcp_segment *s)
{
	uint32_t ip = s->saddr;

	if (s->v6)
		ip = nat_bind_addr_of(ht->sp->bind, &s->smac,
				      nat_bind_port_of(s->m->port));
	return nat_guest_get(ht->sp->lim, ip, s->m->port,
			     clock_mono_ns() / 1000000);
}

/**
 * open_conn() - a guest's SYN: connect for it (to the host's loopback for
 * the NAT host's address, else to its destination), within the guest's
 * TCP cap and the NAT's
 * @ht:		state
 * @s:		the SYN
 * @remote:	to its destination, not the host's loopback
 *
 * Return: true when taken (libslirp never sees the connection: a SYN over
 *	   a cap is dropped and counted), false to leave it to libslirp (out
 *	   of memory here)
 */
static bool open_conn(struct nat_tcp *ht, const struct nat_tcp_segment *s,
		      bool remote)
{
	struct nat_limits *nl = ht->sp->lim;
	struct nat_guest *g;
	struct nat_tcp_conn *c;
	unsigned int b;

	g = guest_of(ht, s);
	if (!g || !nat_charge(nl, g, NAT_RES_TCP, false) ||
	    ht->n_conns == NAT_TCP_MAX_CONNS) {
		if (g && ht->n_conns == NAT_TCP_MAX_CONNS) {
			nat_uncharge(nl, g, NAT_RES_TCP);
			nat_limits_hit(nl, NAT_LIMIT_TCP_TOTAL);
		}
		port_count_drop(&ht->sp->port, DROP_NAT_LIMIT, 1);
		return true;
	}
	c = nat_tcp_conn_open(&ht->env, s, remote);
	if (!c) {
		nat_uncharge(nl, g, NAT_RES_TCP);
		if (out_of_fds(errno)) {
			nat_limits_hit(nl, NAT_LIMIT_NO_FDS);
			port_count_drop(&ht->sp->port, DROP_NAT_LIMIT, 1);
			return true;
		}
		return false;
	}
	c->guest = g;
	b = seg_bucket(s);
	c->hnext = ht->by_tuple[b];
	ht->by_tuple[b] = c;
	c->slot = ht->n_conns;
	ht->conns[ht->n_conns++] = c;
	ht->env.st.opened++;
	ht->env.st.remote += remote;
	ht->env.st.ipv6 += s->v6;
	if (c->done)
		reap(ht, c);
	return true;
}

/**
 * nat_tcp_poll() - serve ready sockets and due timers
 * @ht:		state, after poll() filled the revents
 *
 * Return: events handled (0: nothing happened)
 */
unsigned int nat_tcp_poll(struct nat_tcp *ht)
{
	struct slirp_port *sp = ht->sp;
	int64_t now = clock_mono_ns();
	unsigned int work = 0;

	for (unsigned int i = 0; i < SLIRP_MAX_RULES; i++) {
		struct nat_tcp_listener *l = &ht->ls[i];

		if (l->fd >= 0 && l->pidx >= 0 && sp->pfds[l->pidx].revents)
			work += accept_all(ht, l);
	}
	/* Backwards: reap() moves the last connection, already served,
	 * into the slot it frees. */
	for (unsigned int i = ht->n_conns; i-- > 0;) {
		struct nat_tcp_conn *c = ht->conns[i];
		short re = 0;

		if (c->pidx >= 0 && (unsigned int)c->pidx < sp->n_pfds &&
		    sp->pfds[c->pidx].fd == c->fd)
			re = sp->pfds[c->pidx].revents;
		c->pidx = -1;
		if (re) {
			nat_tcp_conn_ready(c, re);
			work++;
		}
		if (!c->done && c->timer_ns && c->timer_ns <= now) {
			nat_tcp_conn_timer(c);
			work++;
		}
		if (c->done)
			reap(ht, c);
	}
	return work;
}

/**
 * beyond() - whether a guest's SYN to @daddr leaves the NAT's network for
 * a unicast address the host can connect to
 * @ht:		state
 * @daddr:	destination (network order)
 *
 * Return: false for the NAT's own network (its host, DNS and other
 *	   addresses), 0/8, the loopback net, multicast and broadcast
 */
static bool beyond(const struct nat_tcp *ht, uint32_t daddr)
{
	const SlirpConfig *cfg = &ht->sp->cfg;
	uint32_t d = ntohl(daddr);

	return (daddr & cfg->vnetmask.s_addr) != cfg->vnetwork.s_addr &&
	       (d >> 24) != 0 && (d >> 24) != 127 && d < 0xe0000000u;
}

/**
 * in_prefix6() - whether an IPv6 address is inside the NAT's prefix
 * @cfg:	libslirp configuration (ipv6-net=)
 * @a:		address
 *
 * Return: true when its first vprefix_len bits are the prefix's
 */
static bool in_prefix6(const SlirpConfig *cfg, const uint8_t *a)
{
	const uint8_t *p = cfg->vprefix_addr6.s6_addr;
	unsigned int bytes = cfg->vprefix_len / 8u,
		     bits = cfg->vprefix_len % 8u;

	if (memcmp(a, p, bytes))
		return false;
	return !bits || !((a[bytes] ^ p[bytes]) & (0xff00u >> bits));
}

/**
 * beyond6() - whether a guest's IPv6 SYN to @d leaves the NAT's prefix for
 * a unicast address the host can connect to
 * @cfg:	libslirp configuration
 * @d:		destination
 *
 * Return: false for the NAT's prefix (its host, DNS and other addresses),
 *	   ::/8 (unspecified, loopback, IPv4-mapped and -compatible), link-local
 *	   and multicast addresses
 */
static bool beyond6(const SlirpConfig *cfg, const uint8_t *d)
{
	return !in_prefix6(cfg, d) && d[0] != 0 && d[0] != 0xff &&
	       !(d[0] == 0xfe && (d[1] & 0xc0) == 0x80);
}

/**
 * guest_source6() - whether an IPv6 source address is one the NAT gives
 * its guests: inside its prefix (router advertisements), neither the NAT's
 * own addresses nor the prefix's subnet-router anycast
 * @cfg:	libslirp configuration
 * @a:		source address
 *
 * Return: true when a guest may use it
 */
static bool guest_source6(const SlirpConfig *cfg, const uint8_t *a)
{
	static const uint8_t zero[8];

	return in_prefix6(cfg, a) && memcmp(a, &cfg->vhost6, 16) &&
	       memcmp(a, &cfg->vnameserver6, 16) && memcmp(a + 8, zero, 8);
}

/**
 * new_conn6() - an IPv6 SYN of no connection here: take it when it opens
 * one on the own path, as new_conn() does for IPv4
 * @ht:		state, not restricted
 * @s:		the SYN
 *
 * A SYN the own path would take from a source the NAT never gave (outside
 * its prefix, or one of its own addresses) is dropped and counted as
 * ip_spoof, as slirp_nat.c drops IPv4 frames from an address not the
 * sender's.
 *
 * Return: true when taken or dropped, false to hand it to libslirp (IPv6
 *	   off, DNS and the NAT's other addresses)
 */
static bool new_conn6(struct nat_tcp *ht, const struct nat_tcp_segment *s)
{
	const SlirpConfig *cfg = &ht->sp->cfg;
	bool host = !memcmp(s->daddr6, &cfg->vhost6, 16);

	if (!cfg->in6_enabled || (!host && !beyond6(cfg, s->daddr6)))
		return false;
	if (!guest_source6(cfg, s->saddr6)) {
		port_count_drop(&ht->sp->port, DROP_IP_SPOOF, 1);
		return true;
	}
	return open_conn(ht, s, !host);
}

/**
 * new_conn() - a segment of no connection here: take it when it is a SYN
 * that opens one on the own path
 * @ht:		state
 * @s:		segment
 *
 * Return: true when taken (see open_conn()), false to hand it to libslirp:
 *	   a restricted NAT, a segment other than a plain SYN, or a
 *	   destination libslirp serves (DNS, the NAT's other addresses)
 */
static bool new_conn(struct nat_tcp *ht, const struct nat_tcp_segment *s)
{
	if ((s->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG |
			 RTE_TCP_RST_FLAG)) != RTE_TCP_SYN_FLAG ||
	    ht->sp->cfg.restricted)
		return false;
	if (s->v6)
		return new_conn6(ht, s);
	if (s->daddr == ht->sp->cfg.vhost.s_addr)
		return open_conn(ht, s, false);
	if (beyond(ht, s->daddr))
		return open_conn(ht, s, true);
	return false;
}

/**
 * same_sender() - whether an IPv6 segment comes from the guest that opened
 * its connection: the same MAC on the same port (IPv6 addresses are not
 * bound as IPv4 ones are, so another guest using the address is caught
 * here)
 * @c:		IPv6 connection
 * @s:		segment
 *
 * Return: true when it does
 */
static bool same_sender(const struct nat_tcp_conn *c,
			const struct nat_tcp_segment *s)
{
	return rte_is_same_ether_addr(&c->gmac, &s->smac) &&
	       c->to_port == slirp_nat_to_port(s->m);
}

/**
 * nat_tcp_input() - take a guest's frame if it belongs to a connection
 * here, or opens one (NAT thread)
 * @ht:		state
 * @m:		frame, untagged, still the caller's
 *
 * Return: true when the frame was ours (the caller frees it), false to
 *	   hand it to libslirp
 */
bool nat_tcp_input(struct nat_tcp *ht, const struct rte_mbuf *m)
{
	struct nat_tcp_segment seg;
	struct nat_tcp_conn *c = NULL;
	unsigned int idx;

	if (nat_tcp_parse(m, &seg))
		return false;
	idx = (unsigned int)(seg.dport - NAT_TCP_PORT_BASE);
	if (!seg.v6 && seg.daddr == ht->sp->cfg.vhost.s_addr &&
	    seg.dport >= NAT_TCP_PORT_BASE && idx < NAT_TCP_PORTS)
		c = ht->by_port[idx];
	if (!c || c->gip != seg.saddr || c->gport != seg.sport)
		c = find_opened(ht, &seg);
	if (!c)
		return new_conn(ht, &seg);
	if (c->v6 && !same_sender(c, &seg)) {
		port_count_drop(&ht->sp->port, DROP_IP_SPOOF, 1);
		return true;
	}
	nat_tcp_conn_input(c, &seg);
	if (c->done)
		reap(ht, c);
	return true;
}

/**
 * nat_tcp_stats() - counters for `vioctl port list`
 * @ht:		state
 *
 * Return: JSON object
 */
json_t *nat_tcp_stats(const struct nat_tcp *ht)
{
	const struct nat_tcp_stats *st = &ht->env.st;

	return json_pack(
		"{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
		"open",
		(json_int_t)ht->n_conns, "opened", (json_int_t)st->opened,
		"remote", (json_int_t)st->remote, "ipv6", (json_int_t)st->ipv6,
		"accepted", (json_int_t)st->accepted, "refused",
		(json_int_t)st->refused, "icmp_unreachable",
		(json_int_t)st->icmp, "connect_timeout",
		(json_int_t)st->timeout, "reset", (json_int_t)st->reset,
		"unreachable", (json_int_t)st->unreachable, "retransmits",
		(json_int_t)st->retransmits, "keepalive_acks",
		(json_int_t)st->keepalive, "rx_rings",
		(json_int_t)ht->env.rx_rings, "ring_denied",
		(json_int_t)st->ring_denied);
}
