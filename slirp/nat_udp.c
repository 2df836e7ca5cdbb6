// SPDX-License-Identifier: BSD-3-Clause
/* nat_udp.c - guests' IPv4 UDP flows on the NAT's own sockets, past
 * libslirp
 *
 * Theory of operation
 * -------------------
 * libslirp opens a host socket for each new guest UDP source port and
 * keeps it 240 s after the last datagram (10 s after a DNS answer), with no
 * cap and no API to close it: one guest sending from a few thousand ports
 * took the switch out of descriptors. So, as passt does, the NAT carries a
 * guest's IPv4 UDP itself: one connected host socket per flow (guest
 * address and port, destination address and port, as conntrack keys it),
 * the guest's payload sent on it, each datagram that comes back built into
 * a frame from the address the guest wrote to (slirp_frame_out(), as
 * libslirp's own frames: large ones become UDP super-frames). Destinations
 * inside the NAT's network other than the DNS address reach the host's
 * loopback, as libslirp maps them.
 *
 * A flow counts against its guest's UDP cap and the NAT's (nat_limits.c);
 * one over a cap is dropped and counted. With the NAT's table full, a
 * guest below an equal share of it ends the least recently used flow of
 * the guest holding the most (conntrack's early drop), so guests flooding
 * the NAT cannot keep a quiet one out. It ends when idle: udp_timeout
 * (30 s) while the host never answered, udp_timeout_replied (180 s) once
 * it did - conntrack's UDP timeouts in spirit (30 s / 120 s stream).
 *
 * libslirp keeps what it does itself, or what must stay where it is:
 * DHCP and TFTP (handled inside libslirp, no socket), DNS to the NAT's DNS
 * address (libslirp's resolver mapping), broadcast and multicast, replies
 * from a guest address and port that a hostfwd UDP rule forwards to
 * (libslirp's listening socket of the rule is that flow), everything when
 * the NAT is restricted (libslirp then drops guest UDP as it always did),
 * and IPv6. Those sockets are capped by slirp_census.c.
 */
#include "nat_udp.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "cksum.h"
#include "clock.h"
#include "nat_limits.h"
#include "slirp_port.h"

#define NU_BUCKETS   4096
#define NU_MAX_FLOWS 4096 /* backstop: nat_limits.c caps them lower */
#define NU_RX_BUDGET 16 /* datagrams read from one socket per round */
#define NU_HDR	     (RTE_ETHER_HDR_LEN + 20 + 8)
#define NU_MAX_DATA  (65535 - 20 - 8)
#define NS	     1000000000LL

/**
 * struct nu_flow - one guest UDP flow and its host socket
 * @hnext:	next in its hash bucket
 * @slot:	index in the flow list
 * @fd:		connected host socket
 * @pidx:	its entry in this iteration's poll set, or -1
 * @gip:	guest address (network order)
 * @gport:	guest port (network order)
 * @dip:	the address the guest sent to (network order)
 * @dport:	the port it sent to (network order)
 * @gmac:	guest MAC, of its latest datagram
 * @guest:	the guest it is charged to
 * @replied:	the host answered at least once
 * @last_ns:	last datagram either way
 */
struct nu_flow {
	struct nu_flow *hnext;
	unsigned int slot;
	int fd;
	int pidx;
	uint32_t gip;
	uint16_t gport;
	uint32_t dip;
	uint16_t dport;
	struct rte_ether_addr gmac;
	struct nat_guest *guest;
	bool replied;
	int64_t last_ns;
};

/**
 * struct nu_fwd - a guest endpoint a hostfwd UDP rule forwards to
 * @gip:	guest address (network order)
 * @gport:	guest port (network order)
 * @refs:	rules naming it
 */
struct nu_fwd {
	uint32_t gip;
	uint16_t gport;
	unsigned int refs;
};

/**
 * struct nu_stats - counters of the own UDP path
 * @opened:	flows opened
 * @expired:	flows ended idle
 * @evicted:	flows ended early to make room for a guest below its share
 * @to_host:	datagrams sent to the host
 * @to_guest:	datagrams sent to guests
 * @send_errors: datagrams the host socket refused
 * @icmp_errors: errors the host network reported on a flow (ICMP)
 * @malformed:	guest datagrams dropped: lengths that do not add up
 * @bad_csum:	guest datagrams dropped: a wrong UDP checksum
 */
struct nu_stats {
	uint64_t opened;
	uint64_t expired;
	uint64_t evicted;
	uint64_t to_host;
	uint64_t to_guest;
	uint64_t send_errors;
	uint64_t icmp_errors;
	uint64_t malformed;
	uint64_t bad_csum;
};

/**
 * struct nat_udp - the own UDP path of one NAT port (NAT thread)
 * @sp:		NAT port
 * @flows:	open flows, @n of them
 * @n:		flows open
 * @buckets:	flows by hash of their four-tuple
 * @fwd:	guest endpoints of hostfwd UDP rules, @n_fwd of them
 * @n_fwd:	entries used
 * @mac:	the NAT host's MAC (libslirp's for 10.0.2.2)
 * @ip_id:	IPv4 identification of the next frame
 * @st:		counters
 * @buf:	a frame toward a guest, built here
 */
struct nat_udp {
	struct slirp_port *sp;
	struct nu_flow **flows;
	unsigned int n;
	struct nu_flow *buckets[NU_BUCKETS];
	struct nu_fwd fwd[SLIRP_MAX_RULES];
	unsigned int n_fwd;
	struct rte_ether_addr mac;
	uint16_t ip_id;
	struct nu_stats st;
	uint8_t buf[NU_HDR + NU_MAX_DATA];
};

/**
 * nat_udp_new() - the own UDP path of a NAT port
 * @sp:		NAT port, configuration parsed
 *
 * Return: state, or NULL when out of memory
 */
struct nat_udp *nat_udp_new(struct slirp_port *sp)
{
	struct nat_udp *nu = calloc(1, sizeof(*nu));

	if (!nu)
		return NULL;
	nu->flows = calloc(NU_MAX_FLOWS, sizeof(*nu->flows));
	if (!nu->flows) {
		free(nu);
		return NULL;
	}
	nu->sp = sp;
	nu->mac.addr_bytes[0] = 0x52;
	nu->mac.addr_bytes[1] = 0x55;
	memcpy(&nu->mac.addr_bytes[2], &sp->cfg.vhost, 4);
	return nu;
}

/**
 * nat_udp_free() - close every flow; accepts NULL
 * @nu:		state, no longer polled
 */
void nat_udp_free(struct nat_udp *nu)
{
	if (!nu)
		return;
	for (unsigned int i = 0; i < nu->n; i++) {
		close(nu->flows[i]->fd);
		free(nu->flows[i]);
	}
	free(nu->flows);
	free(nu);
}

/**
 * flow_hash() - bucket of a four-tuple
 * @gip:	guest address
 * @gport:	guest port
 * @dip:	destination address
 * @dport:	destination port
 *
 * Return: index into the buckets
 */
static unsigned int flow_hash(uint32_t gip, uint16_t gport, uint32_t dip,
			      uint16_t dport)
{
	uint32_t h = gip * 0x9e3779b1U ^ dip ^ ((uint32_t)gport << 16 | dport);

	h ^= h >> 15;
	h *= 0x2c1b3c6dU;
	h ^= h >> 12;
	return h % NU_BUCKETS;
}

/**
 * flow_find() - the flow of a four-tuple
 * @nu:		state
 * @gip:	guest address
 * @gport:	guest port
 * @dip:	destination address
 * @dport:	destination port
 *
 * Return: flow, or NULL
 */
static struct nu_flow *flow_find(struct nat_udp *nu, uint32_t gip,
				 uint16_t gport, uint32_t dip, uint16_t dport)
{
	struct nu_flow *f = nu->buckets[flow_hash(gip, gport, dip, dport)];

	while (f && (f->gip != gip || f->gport != gport || f->dip != dip ||
		     f->dport != dport))
		f = f->hnext;
	return f;
}

/**
 * flow_close() - end a flow: unhash it, uncharge its guest, close it
 * @nu:		state
 * @f:		flow
 */
static void flow_close(struct nat_udp *nu, struct nu_flow *f)
{
	struct nu_flow **pp =
		&nu->buckets[flow_hash(f->gip, f->gport, f->dip, f->dport)];
	struct nu_flow *last = nu->flows[--nu->n];

	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	nu->flows[f->slot] = last;
	last->slot = f->slot;
	nat_uncharge(nu->sp->lim, f->guest, NAT_RES_UDP);
	close(f->fd);
	free(f);
}

/**
 * evict_for() - with the flow table full, end the least recently used
 * flow of the guest holding more than its share, so that @g, below its
 * share, may open one (nat_over_share())
 * @nu:		state
 * @g:		guest asking for a flow
 *
 * Return: true when a flow was ended
 */
static bool evict_for(struct nat_udp *nu, const struct nat_guest *g)
{
	struct nat_limits *nl = nu->sp->lim;
	struct nat_guest *hog;
	struct nu_flow *lru = NULL;

	if (nl->own[NAT_RES_UDP] + nl->slirp[NAT_RES_UDP] <
	    nl->caps.total[NAT_RES_UDP])
		return false; /* refused by its own cap, not the total */
	hog = nat_over_share(nl, g, NAT_RES_UDP);
	for (unsigned int i = 0; hog && i < nu->n; i++) {
		struct nu_flow *f = nu->flows[i];

		if (f->guest == hog && (!lru || f->last_ns < lru->last_ns))
			lru = f;
	}
	if (!lru)
		return false;
	flow_close(nu, lru);
	nu->st.evicted++;
	return true;
}

/**
 * host_addr() - where a datagram the guest sent to @dip goes on the host:
 * the host's loopback for an address inside the NAT's network (as libslirp
 * maps them), else @dip itself
 * @nu:		state
 * @dip:	destination the guest wrote (network order)
 *
 * Return: address (network order)
 */
static uint32_t host_addr(const struct nat_udp *nu, uint32_t dip)
{
	const SlirpConfig *c = &nu->sp->cfg;

	if ((dip & c->vnetmask.s_addr) == c->vnetwork.s_addr)
		return htonl(INADDR_LOOPBACK);
	return dip;
}

/**
 * flow_socket() - a host socket connected to where the guest sends
 * @nu:		state
 * @dip:	destination the guest wrote (network order)
 * @dport:	its port (network order)
 *
 * Return: socket, or -1 with errno set
 */
static int flow_socket(const struct nat_udp *nu, uint32_t dip, uint16_t dport)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = dport,
				 .sin_addr.s_addr = host_addr(nu, dip) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int e;

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/**
 * flow_open() - open a flow for a guest's first datagram of a four-tuple,
 * within its guest's UDP cap and the NAT's
 * @nu:		state
 * @ip:		the datagram's IPv4 header
 * @uh:		its UDP header
 * @m:		its frame (source MAC, ingress port)
 * @capped:	set when a cap (or the fd budget) refused it
 *
 * Return: flow, or NULL when refused or failed (counted)
 */
static struct nu_flow *flow_open(struct nat_udp *nu,
				 const struct rte_ipv4_hdr *ip,
				 const struct rte_udp_hdr *uh,
				 const struct rte_mbuf *m, bool *capped)
{
	struct nat_limits *nl = nu->sp->lim;
	int64_t now = clock_mono_ns();
	struct nat_guest *g;
	struct nu_flow *f;
	unsigned int b;

	*capped = true;
	g = nat_guest_get(nl, ip->src_addr, m->port, now / 1000000);
	if (!g)
		return NULL;
	if (!nat_room(nl, g, NAT_RES_UDP))
		evict_for(nu, g);
	if (!nat_charge(nl, g, NAT_RES_UDP, false))
		return NULL;
	f = nu->n < NU_MAX_FLOWS ? calloc(1, sizeof(*f)) : NULL;
	if (!f) {
		nat_uncharge(nl, g, NAT_RES_UDP);
		nat_limits_hit(nl, NAT_LIMIT_UDP_TOTAL);
		return NULL;
	}
	f->fd = flow_socket(nu, ip->dst_addr, uh->dst_port);
	if (f->fd < 0) {
		*capped = errno == EMFILE || errno == ENFILE ||
			  errno == ENOBUFS || errno == ENOMEM;
		if (*capped)
			nat_limits_hit(nl, NAT_LIMIT_NO_FDS);
		else
			nu->st.send_errors++;
		nat_uncharge(nl, g, NAT_RES_UDP);
		free(f);
		return NULL;
	}
	f->pidx = -1;
	f->gip = ip->src_addr;
	f->gport = uh->src_port;
	f->dip = ip->dst_addr;
	f->dport = uh->dst_port;
	f->guest = g;
	f->last_ns = now;
	b = flow_hash(f->gip, f->gport, f->dip, f->dport);
	f->hnext = nu->buckets[b];
	nu->buckets[b] = f;
	f->slot = nu->n;
	nu->flows[nu->n++] = f;
	nu->st.opened++;
	return f;
}

/**
 * is_fwd_endpoint() - whether a hostfwd UDP rule forwards to this guest
 * address and port (its replies belong to libslirp's socket of the rule)
 * @nu:		state
 * @gip:	guest address (network order)
 * @gport:	guest port (network order)
 *
 * Return: true when a rule does
 */
static bool is_fwd_endpoint(const struct nat_udp *nu, uint32_t gip,
			    uint16_t gport)
{
	for (unsigned int i = 0; i < nu->n_fwd; i++) {
		if (nu->fwd[i].gip == gip && nu->fwd[i].gport == gport)
			return true;
	}
	return false;
}

/**
 * ours() - whether a guest's UDP datagram takes the own path
 * @nu:		state
 * @ip:		its IPv4 header
 * @uh:		its UDP header
 *
 * Return: true for unicast to the host or beyond that libslirp would give
 *	   a socket of its own; false for what stays with libslirp (see the
 *	   theory of operation)
 */
static bool ours(const struct nat_udp *nu, const struct rte_ipv4_hdr *ip,
		 const struct rte_udp_hdr *uh)
{
	const SlirpConfig *c = &nu->sp->cfg;
	uint32_t dst = ntohl(ip->dst_addr);
	uint16_t dport = ntohs(uh->dst_port);

	if (c->restricted || ip->dst_addr == c->vnameserver.s_addr)
		return false;
	if (dport == 67 || dport == 69 || dst >= 0xe0000000u || dst == 0 ||
	    (ip->dst_addr | c->vnetmask.s_addr) == 0xffffffffu ||
	    (dst >> 24) == 0 || (dst >> 24) == 127)
		return false;
	return !is_fwd_endpoint(nu, ip->src_addr, uh->src_port);
}

/**
 * payload_send() - send a datagram's payload on its flow's socket
 * @nu:		state
 * @f:		flow
 * @m:		frame
 * @off:	where the payload starts in it
 * @len:	payload bytes
 */
static void payload_send(struct nat_udp *nu, struct nu_flow *f,
			 const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	struct iovec iov[64];
	struct msghdr mh = { .msg_iov = iov };
	const struct rte_mbuf *s = m;
	ssize_t n;

	while (s && off >= s->data_len) {
		off -= s->data_len;
		s = s->next;
	}
	for (; s && len && mh.msg_iovlen < 64; s = s->next, off = 0) {
		uint32_t k = RTE_MIN(len, (uint32_t)s->data_len - off);

		iov[mh.msg_iovlen].iov_base =
			rte_pktmbuf_mtod_offset(s, uint8_t *, off);
		iov[mh.msg_iovlen++].iov_len = k;
		len -= k;
	}
	n = sendmsg(f->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && errno == ECONNREFUSED) /* an earlier ICMP error */
		n = sendmsg(f->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0)
		nu->st.send_errors++;
	else
		nu->st.to_host++;
}

/**
 * nat_udp_input() - take a guest's frame if it is IPv4 UDP for the own
 * path (NAT thread)
 * @nu:		state
 * @m:		frame, untagged, still the caller's
 *
 * A malformed datagram or one with a wrong checksum is dropped, as
 * libslirp drops it; one over a cap is dropped and counted.
 *
 * Return: true when the frame was ours (the caller frees it), false to
 *	   hand it to libslirp
 */
bool nat_udp_input(struct nat_udp *nu, const struct rte_mbuf *m)
{
	uint8_t hb[RTE_ETHER_HDR_LEN + 60 + 8];
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *uh;
	uint32_t ihl, tot, ulen;
	bool capped = false;
	const uint8_t *f;
	struct nu_flow *fl;

	if (m->pkt_len < NU_HDR)
		return false;
	f = rte_pktmbuf_read(m, 0, RTE_MIN(m->pkt_len, (uint32_t)sizeof(hb)),
			     hb);
	ip = (const void *)(f + RTE_ETHER_HDR_LEN);
	if (f[12] != 0x08 || f[13] != 0x00 || (ip->version_ihl >> 4) != 4 ||
	    ip->next_proto_id != IPPROTO_UDP ||
	    (rte_be_to_cpu_16(ip->fragment_offset) &
	     (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		return false;
	ihl = (ip->version_ihl & 0xf) * 4u;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (ihl < 20 || RTE_ETHER_HDR_LEN + ihl + 8 > sizeof(hb) ||
	    RTE_ETHER_HDR_LEN + ihl + 8 > m->pkt_len)
		return false;
	uh = (const void *)((const uint8_t *)ip + ihl);
	if (!ours(nu, ip, uh))
		return false;
	ulen = rte_be_to_cpu_16(uh->dgram_len);
	if (tot < ihl + 8 || RTE_ETHER_HDR_LEN + tot > m->pkt_len || ulen < 8 ||
	    ulen > tot - ihl) {
		nu->st.malformed++; /* libslirp would drop it too */
		return true;
	}
	if (uh->dgram_cksum && !(m->ol_flags & RTE_MBUF_F_TX_L4_MASK) &&
	    !(m->ol_flags & RTE_MBUF_F_TX_UDP_SEG) && ulen == tot - ihl &&
	    !cksum_ipv4_l4_ok(m, (const void *)ip, RTE_ETHER_HDR_LEN + ihl)) {
		nu->st.bad_csum++;
		return true;
	}
	fl = flow_find(nu, ip->src_addr, uh->src_port, ip->dst_addr,
		       uh->dst_port);
	if (!fl)
		fl = flow_open(nu, ip, uh, m, &capped);
	if (!fl) {
		if (capped)
			port_count_drop(&nu->sp->port, DROP_NAT_LIMIT, 1);
		return true;
	}
	memcpy(&fl->gmac, f + RTE_ETHER_ADDR_LEN, RTE_ETHER_ADDR_LEN);
	fl->last_ns = clock_mono_ns();
	payload_send(nu, fl, m, RTE_ETHER_HDR_LEN + ihl + 8, ulen - 8);
	return true;
}

/**
 * flow_expiry() - when an idle flow ends
 * @nu:		state
 * @f:		flow
 *
 * Return: monotonic nanoseconds
 */
static int64_t flow_expiry(const struct nat_udp *nu, const struct nu_flow *f)
{
	const struct nat_caps *c = &nu->sp->lim->caps;

	return f->last_ns + (int64_t)(f->replied ? c->udp_timeout_replied_s
						 : c->udp_timeout_s) *
				    NS;
}

/**
 * nat_udp_pollfds() - add the flows' sockets to the poll set
 * @nu:		state
 * @timeout_ms:	lowered to the next expiry
 */
void nat_udp_pollfds(struct nat_udp *nu, uint32_t *timeout_ms)
{
	struct slirp_port *sp = nu->sp;
	int64_t now = clock_mono_ns(), next = INT64_MAX;

	for (unsigned int i = 0; i < nu->n; i++) {
		struct nu_flow *f = nu->flows[i];

		f->pidx = -1;
		if (sp->n_pfds < RTE_DIM(sp->pfds)) {
			sp->pfds[sp->n_pfds] =
				(struct pollfd){ .fd = f->fd,
						 .events = POLLIN };
			f->pidx = (int)sp->n_pfds++;
		}
		next = RTE_MIN(next, flow_expiry(nu, f));
	}
	if (next != INT64_MAX) {
		int64_t ms = (next - now) / 1000000 + 1;

		ms = ms < 0 ? 0 : ms;
		if ((uint64_t)ms < *timeout_ms)
			*timeout_ms = (uint32_t)ms;
	}
}

/**
 * to_guest() - build a frame of a datagram from the host and queue it
 * @nu:		state
 * @f:		flow
 * @len:	payload bytes, at @nu->buf + NU_HDR
 */
static void to_guest(struct nat_udp *nu, struct nu_flow *f, uint32_t len)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)nu->buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(ip + 1);

	eh->dst_addr = f->gmac;
	eh->src_addr = nu->mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = RTE_IPV4_VHL_DEF,
		.total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + len)),
		.packet_id = rte_cpu_to_be_16(nu->ip_id++),
		.time_to_live = 64,
		.next_proto_id = IPPROTO_UDP,
		.src_addr = f->dip,
		.dst_addr = f->gip,
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	*uh = (struct rte_udp_hdr){
		.src_port = f->dport,
		.dst_port = f->gport,
		.dgram_len = rte_cpu_to_be_16((uint16_t)(8 + len)),
	};
	uh->dgram_cksum = rte_ipv4_udptcp_cksum(ip, uh);
	slirp_frame_out(nu->buf, NU_HDR + len, nu->sp);
	nu->st.to_guest++;
}

/**
 * flow_read() - pass what the host sent on a flow to its guest
 * @nu:		state
 * @f:		flow whose socket is readable
 */
static void flow_read(struct nat_udp *nu, struct nu_flow *f)
{
	for (unsigned int i = 0; i < NU_RX_BUDGET; i++) {
		ssize_t n = recv(f->fd, nu->buf + NU_HDR, NU_MAX_DATA,
				 MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			nu->st.icmp_errors++; /* e.g. port unreachable */
			continue;
		}
		f->replied = true;
		f->last_ns = clock_mono_ns();
		to_guest(nu, f, (uint32_t)n);
	}
}

/**
 * nat_udp_poll() - serve readable sockets, end idle flows
 * @nu:		state, after poll() filled the revents
 *
 * Return: sockets served
 */
unsigned int nat_udp_poll(struct nat_udp *nu)
{
	struct slirp_port *sp = nu->sp;
	int64_t now = clock_mono_ns();
	unsigned int work = 0;

	/* Backwards: flow_close() moves the last flow, already served, into
	 * the slot it frees. */
	for (unsigned int i = nu->n; i-- > 0;) {
		struct nu_flow *f = nu->flows[i];

		if (f->pidx >= 0 && (unsigned int)f->pidx < sp->n_pfds &&
		    sp->pfds[f->pidx].fd == f->fd &&
		    sp->pfds[f->pidx].revents) {
			flow_read(nu, f);
			work++;
		}
		f->pidx = -1;
		if (flow_expiry(nu, f) <= now) {
			nu->st.expired++;
			flow_close(nu, f);
		}
	}
	return work;
}

/**
 * nat_udp_fwd_set() - note that a hostfwd UDP rule forwards to (or no
 * longer to) a guest address and port (NAT thread)
 * @nu:		state
 * @gip:	guest address (network order)
 * @gport:	guest port (network order)
 * @add:	a rule was added (else removed)
 */
void nat_udp_fwd_set(struct nat_udp *nu, uint32_t gip, uint16_t gport, bool add)
{
	for (unsigned int i = 0; i < nu->n_fwd; i++) {
		struct nu_fwd *e = &nu->fwd[i];

		if (e->gip != gip || e->gport != gport)
			continue;
		if (add)
			e->refs++;
		else if (!--e->refs)
			*e = nu->fwd[--nu->n_fwd];
		return;
	}
	if (add && nu->n_fwd < SLIRP_MAX_RULES)
		nu->fwd[nu->n_fwd++] = (struct nu_fwd){ gip, gport, 1 };
}

/**
 * nat_udp_stats() - counters for `vioctl port list`
 * @nu:		state
 *
 * Return: JSON object
 */
json_t *nat_udp_stats(const struct nat_udp *nu)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "open",
			 (json_int_t)nu->n, "opened", (json_int_t)nu->st.opened,
			 "expired", (json_int_t)nu->st.expired, "evicted",
			 (json_int_t)nu->st.evicted, "to_host",
			 (json_int_t)nu->st.to_host, "to_guest",
			 (json_int_t)nu->st.to_guest, "send_errors",
			 (json_int_t)nu->st.send_errors, "icmp_errors",
			 (json_int_t)nu->st.icmp_errors, "malformed",
			 (json_int_t)nu->st.malformed, "bad_csum",
			 (json_int_t)nu->st.bad_csum);
}
