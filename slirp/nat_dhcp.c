// SPDX-License-Identifier: BSD-3-Clause
/* nat_dhcp.c - the NAT's DHCPv4 server: bounded pool, leases per port
 *
 * Theory of operation
 * -------------------
 * libslirp's DHCP server keeps 16 leases by MAC alone, so 16 DISCOVERs
 * with made-up MACs leave every later VM without an address. The NAT
 * answers DHCP itself instead: the guest's DHCP frames (UDP to port 67,
 * broadcast or to the NAT host) are taken out in slirp_nat.c before
 * libslirp sees them, and answered here.
 *
 * A lease belongs to a client MAC on a switch port: (MAC, port). The
 * client's MAC must be the frame's source (a guest asks for itself only).
 * Addresses come from a pool, dhcpstart= to dhcpend= (default: the end of
 * the network); the table holds NAT_DHCP_MAX_LEASES, offers included. A
 * port holds at most `dhcp-leases-per-port=` of them (default 4): a guest
 * inventing MACs fills its own quota, never the pool. An address reserved
 * by ip= on some port is never given. A request for an address that is
 * not the client's to take gets a NAK; a DISCOVER that cannot be served
 * gets no OFFER. Each refusal is counted by reason.
 *
 * Messages, as RFC 2131 has them: DISCOVER -> OFFER (the client's lease or
 * offer again, else the address it asks for when free, else the lowest
 * free one; an offer lasts NAT_DHCP_OFFER_S); REQUEST (selecting, renewing,
 * rebinding, INIT-REBOOT alike) -> ACK when the address is the client's
 * or free, else NAK; a REQUEST naming another server withdraws our offer;
 * RELEASE and DECLINE end the lease. A REQUEST for a free address is
 * granted even without an offer, as libslirp does, so a guest that kept
 * its address across a restart of the switch keeps it. Old BOOTP clients
 * (no message type) are answered as a REQUEST, also as libslirp does.
 * An ACK makes the lease a binding in the NAT's binding table (nat_bind.c),
 * which replaces a learned binding of the address; a lease's end ends it.
 *
 * Replies carry what libslirp's carry, so guests see the same network:
 * server id and router (unless restrict=on) = the NAT host, netmask, DNS
 * (unless restrict=on), lease time (86400 s by default), host name (12,
 * hostname=), domain name (15, domainname=), domain search (119,
 * dnssearch=). They go to the client's MAC, to 255.255.255.255 as
 * libslirp's do (to the broadcast MAC when the client asked for it), from
 * the NAT host's address and MAC, padded to the 300 bytes old clients
 * expect.
 *
 * Threads: the NAT thread is the only writer; it holds @lock while it
 * changes the table, and other threads (vioctl) hold it while they read
 * (nat_dhcp_list). nat_dhcp_list() and nat_dhcp_restore() are what a state
 * file would need to keep leases across restarts.
 */
#include "nat_dhcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>

#define X_NAME(e, name, doc) [NAT_DHCP_REFUSE_##e] = name,
const char *const nat_dhcp_refusal_names[NAT_DHCP_REFUSE__MAX] = {
	NAT_DHCP_REFUSALS(X_NAME)
};
#undef X_NAME
#define X_NAME(e, name, doc) [NAT_DHCP_EV_##e] = name,
const char *const nat_dhcp_event_names[NAT_DHCP_EV__MAX] = { NAT_DHCP_EVENTS(
	X_NAME) };
#undef X_NAME

#define NAT_NS_PER_S 1000000000LL

/* Offsets in a frame: Ethernet 14, IPv4 (its own length), UDP 8, BOOTP. */
#define ETH_LEN		     14
#define UDP_LEN		     8
#define BOOTP_FIXED	     236 /* op .. file */
#define BOOTP_COOKIE	     0x63825363u
#define BOOTP_MIN	     300 /* the BOOTP length old clients insist on */
#define BOOTP_SERVER	     67
#define BOOTP_CLIENT	     68
#define BOOTP_REQUEST	     1
#define BOOTP_REPLY	     2
#define BOOTP_FLAG_BROADCAST 0x8000

enum dhcp_msg {
	DHCP_NONE = 0,
	DHCP_DISCOVER = 1,
	DHCP_OFFER = 2,
	DHCP_REQUEST = 3,
	DHCP_DECLINE = 4,
	DHCP_ACK = 5,
	DHCP_NAK = 6,
	DHCP_RELEASE = 7,
};

enum dhcp_opt {
	OPT_PAD = 0,
	OPT_NETMASK = 1,
	OPT_ROUTER = 3,
	OPT_DNS = 6,
	OPT_HOSTNAME = 12,
	OPT_DOMAINNAME = 15,
	OPT_REQ_ADDR = 50,
	OPT_LEASE_TIME = 51,
	OPT_OVERLOAD = 52,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_MESSAGE = 56,
	OPT_DNSSEARCH = 119,
	OPT_END = 255,
};

/**
 * struct bootp - the fixed part of a BOOTP message (RFC 951, 2131)
 */
struct bootp {
	uint8_t op;
	uint8_t htype;
	uint8_t hlen;
	uint8_t hops;
	uint32_t xid;
	uint16_t secs;
	uint16_t flags;
	uint32_t ciaddr;
	uint32_t yiaddr;
	uint32_t siaddr;
	uint32_t giaddr;
	uint8_t chaddr[16];
	uint8_t sname[64];
	uint8_t file[128];
	uint32_t cookie;
} __attribute__((packed));

/**
 * struct dhcp_req - what a client's message says
 * @bp:		its fixed part
 * @mac:	client MAC (chaddr)
 * @type:	enum dhcp_msg, DHCP_NONE for BOOTP
 * @req_addr:	option 50, else 0
 * @server_id:	option 54, else 0
 * @port:	switch port it came from
 */
struct dhcp_req {
	const struct bootp *bp;
	struct rte_ether_addr mac;
	uint8_t type;
	uint32_t req_addr;
	uint32_t server_id;
	uint16_t port;
};

/**
 * encode_name() - one domain name in DNS wire format, uncompressed
 * @name:	"example.com"
 * @out:	where it goes
 * @room:	bytes left there
 *
 * Return: bytes written, or 0 when the name is malformed or does not fit
 */
static uint32_t encode_name(const char *name, uint8_t *out, uint32_t room)
{
	uint32_t n = 0;

	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		if (!l || l > 63 || n + 1 + l + 1 > room || n + 1 + l > 254)
			return 0;
		out[n++] = (uint8_t)l;
		memcpy(out + n, name, l);
		n += (uint32_t)l;
		name += l + (dot ? 1 : 0);
	}
	if (!n || n + 1 > room)
		return 0;
	out[n++] = 0;
	return n;
}

/**
 * build_opt119() - encode the domain search list (RFC 3397) as option 119
 * instances of at most 255 bytes each (RFC 3396 concatenates them)
 * @d:		server, @cfg.dnssearch read, @opt119 filled
 */
static void build_opt119(struct nat_dhcp *d)
{
	uint8_t names[NAT_DHCP_DNSSEARCH_MAX];
	uint32_t len = 0, off = 0;

	for (unsigned int i = 0; d->cfg.dnssearch && d->cfg.dnssearch[i]; i++)
		len += encode_name(d->cfg.dnssearch[i], names + len,
				   (uint32_t)sizeof(names) / 2 - len);
	while (off < len) {
		uint32_t chunk = len - off > 255 ? 255 : len - off;

		d->opt119[d->opt119_len++] = OPT_DNSSEARCH;
		d->opt119[d->opt119_len++] = (uint8_t)chunk;
		memcpy(d->opt119 + d->opt119_len, names + off, chunk);
		d->opt119_len += chunk;
		off += chunk;
	}
}

/**
 * nat_dhcp_new() - a DHCP server for one NAT
 * @cfg:	what it hands out; strings must outlive the server
 * @bind:	the NAT's binding table
 *
 * Return: server, or NULL when out of memory
 */
struct nat_dhcp *nat_dhcp_new(const struct nat_dhcp_cfg *cfg,
			      struct nat_bind *bind)
{
	struct nat_dhcp *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->cfg = *cfg;
	d->bind = bind;
	pthread_mutex_init(&d->lock, NULL);
	build_opt119(d);
	return d;
}

/**
 * nat_dhcp_free() - free a server; accepts NULL
 * @d:		server
 */
void nat_dhcp_free(struct nat_dhcp *d)
{
	if (!d)
		return;
	pthread_mutex_destroy(&d->lock);
	free(d);
}

/**
 * nat_dhcp_is_request() - whether a frame is a guest's DHCP message to
 * this server: unfragmented IPv4 UDP to port 67, to the broadcast or the
 * host address
 * @f:		the frame's first bytes, at least the headers when it is one
 * @len:	how many
 * @host:	the NAT host's address, network order
 *
 * Return: true for DHCP to us (nat_dhcp_input() takes it whole)
 */
bool nat_dhcp_is_request(const uint8_t *f, uint32_t len, uint32_t host)
{
	const struct rte_ipv4_hdr *ip = (const void *)(f + ETH_LEN);
	uint32_t ihl;
	uint16_t dport;

	if (len < ETH_LEN + 20 + UDP_LEN || f[12] != 0x08 || f[13] != 0x00 ||
	    (ip->version_ihl >> 4) != 4 || ip->next_proto_id != IPPROTO_UDP)
		return false;
	/* A fragment is no message: it is reassembled first (nat_reass.c). */
	if (ip->fragment_offset &
	    rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return false;
	ihl = (ip->version_ihl & 0xf) * 4u;
	if (ihl < 20 || ETH_LEN + ihl + UDP_LEN > len)
		return false;
	memcpy(&dport, f + ETH_LEN + ihl + 2, 2);
	return ntohs(dport) == BOOTP_SERVER &&
	       (ip->dst_addr == 0xffffffffu || ip->dst_addr == host);
}

/**
 * parse_options() - read message type, requested address and server id
 * @o:		first option byte (after the cookie)
 * @end:	end of the message
 * @r:		filled
 *
 * Return: 0, or -1 when an option runs past the end
 */
static int parse_options(const uint8_t *o, const uint8_t *end,
			 struct dhcp_req *r)
{
	while (o < end && *o != OPT_END) {
		if (*o == OPT_PAD) {
			o++;
			continue;
		}
		if (o + 2 > end || o + 2 + o[1] > end)
			return -1;
		if (o[0] == OPT_MSG_TYPE && o[1] >= 1)
			r->type = o[2];
		else if (o[0] == OPT_REQ_ADDR && o[1] == 4)
			memcpy(&r->req_addr, o + 2, 4);
		else if (o[0] == OPT_SERVER_ID && o[1] == 4)
			memcpy(&r->server_id, o + 2, 4);
		o += 2 + o[1];
	}
	return 0;
}

/**
 * parse() - validate a guest's DHCP frame and read it
 * @d:		server (counts refusals)
 * @f:		frame, linear
 * @len:	its length
 * @r:		filled
 *
 * Return: 0, or -1 (counted) when the frame is malformed or the client
 *	   asks for another MAC than its own
 */
static int parse(struct nat_dhcp *d, const uint8_t *f, uint32_t len,
		 struct dhcp_req *r)
{
	const struct rte_ipv4_hdr *ip = (const void *)(f + ETH_LEN);
	uint32_t ihl = (ip->version_ihl & 0xf) * 4u, tot, off;
	uint16_t ulen;

	tot = rte_be_to_cpu_16(ip->total_length);
	off = ETH_LEN + ihl + UDP_LEN;
	memcpy(&ulen, f + ETH_LEN + ihl + 4, 2);
	ulen = ntohs(ulen);
	if (ETH_LEN + tot > len || tot < ihl + UDP_LEN + BOOTP_FIXED + 4 ||
	    ulen < UDP_LEN + BOOTP_FIXED + 4 || ihl + ulen > tot ||
	    (rte_be_to_cpu_16(ip->fragment_offset) &
	     (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		goto malformed;
	r->bp = (const struct bootp *)(f + off);
	if (r->bp->op != BOOTP_REQUEST || r->bp->htype != 1 ||
	    r->bp->hlen != 6 || ntohl(r->bp->cookie) != BOOTP_COOKIE ||
	    parse_options(f + off + BOOTP_FIXED + 4, f + ETH_LEN + ihl + ulen,
			  r))
		goto malformed;
	memcpy(&r->mac, r->bp->chaddr, 6);
	if (!rte_is_valid_assigned_ether_addr(&r->mac) ||
	    memcmp(&r->mac, f + 6, 6)) {
		d->refused[NAT_DHCP_REFUSE_CHADDR]++;
		return -1;
	}
	return 0;
malformed:
	d->refused[NAT_DHCP_REFUSE_MALFORMED]++;
	return -1;
}

/**
 * live() - whether a lease slot holds a lease or an offer now
 * @l:		slot
 * @now:	clock_mono_ns()
 *
 * Return: true when in use and not expired
 */
static bool live(const struct nat_dhcp_lease *l, int64_t now)
{
	return l->state != NAT_DHCP_FREE && l->expire_ns > now;
}

/**
 * client_lease() - the lease (or offer) of a client
 * @d:		server
 * @r:		the client's message
 * @now:	clock_mono_ns()
 *
 * Return: its slot, or NULL
 */
static struct nat_dhcp_lease *
client_lease(struct nat_dhcp *d, const struct dhcp_req *r, int64_t now)
{
	for (unsigned int i = 0; i < NAT_DHCP_MAX_LEASES; i++) {
		struct nat_dhcp_lease *l = &d->leases[i];

		if (live(l, now) && l->port == r->port &&
		    rte_is_same_ether_addr(&l->mac, &r->mac))
			return l;
	}
	return NULL;
}

/**
 * port_leases() - leases and offers a port holds
 * @d:		server
 * @port:	port index
 * @now:	clock_mono_ns()
 *
 * Return: count
 */
static unsigned int port_leases(const struct nat_dhcp *d, uint16_t port,
				int64_t now)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < NAT_DHCP_MAX_LEASES; i++)
		n += live(&d->leases[i], now) && d->leases[i].port == port;
	return n;
}

/**
 * in_pool() - whether an address is one the server gives
 * @d:		server
 * @ip:		address, network order
 *
 * Return: true inside dhcpstart..dhcpend
 */
static bool in_pool(const struct nat_dhcp *d, uint32_t ip)
{
	uint32_t h = ntohl(ip);

	return h >= ntohl(d->cfg.start) && h <= ntohl(d->cfg.end);
}

/**
 * addr_free() - whether nobody else holds an address of the pool
 * @d:		server
 * @ip:		address
 * @self:	the asking client's slot, NULL for none
 * @now:	clock_mono_ns()
 *
 * Return: true when no other lease or offer has it and ip= reserves it
 *	   for no port
 */
static bool addr_free(const struct nat_dhcp *d, uint32_t ip,
		      const struct nat_dhcp_lease *self, int64_t now)
{
	if (!in_pool(d, ip) || nat_bind_is_static(d->bind, ip, NULL))
		return false;
	for (unsigned int i = 0; i < NAT_DHCP_MAX_LEASES; i++) {
		const struct nat_dhcp_lease *l = &d->leases[i];

		if (l != self && live(l, now) && l->ip == ip)
			return false;
	}
	return true;
}

/**
 * lowest_free() - the lowest address of the pool nobody holds
 * @d:		server
 * @now:	clock_mono_ns()
 *
 * Return: address (network order), or 0 when the pool is empty
 */
static uint32_t lowest_free(const struct nat_dhcp *d, int64_t now)
{
	uint8_t used[(NAT_DHCP_MAX_LEASES + 7) / 8];
	uint32_t first = ntohl(d->cfg.start), last = ntohl(d->cfg.end);

	/* One pass over the leases, then the pool: O(leases + pool). Only
	 * the first NAT_DHCP_MAX_LEASES addresses can ever be leased. */
	memset(used, 0, sizeof(used));
	for (unsigned int i = 0; i < NAT_DHCP_MAX_LEASES; i++) {
		const struct nat_dhcp_lease *l = &d->leases[i];
		uint32_t k = ntohl(l->ip) - first;

		if (live(l, now) && in_pool(d, l->ip) &&
		    k < NAT_DHCP_MAX_LEASES)
			used[k / 8] |= (uint8_t)(1u << (k % 8));
	}
	for (uint32_t h = first; h <= last && h - first < NAT_DHCP_MAX_LEASES;
	     h++) {
		uint32_t k = h - first;

		if (!(used[k / 8] & (1u << (k % 8))) &&
		    !nat_bind_is_static(d->bind, htonl(h), NULL))
			return htonl(h);
	}
	return 0;
}

/**
 * free_slot() - a slot for a new lease (expired ones are reused)
 * @d:		server
 * @now:	clock_mono_ns()
 *
 * Return: slot, or NULL when the table is full
 */
static struct nat_dhcp_lease *free_slot(struct nat_dhcp *d, int64_t now)
{
	for (unsigned int i = 0; i < NAT_DHCP_MAX_LEASES; i++) {
		if (!live(&d->leases[i], now))
			return &d->leases[i];
	}
	return NULL;
}

/**
 * drop_lease() - end a lease and its binding (@lock held)
 * @d:		server
 * @l:		slot
 */
static void drop_lease(struct nat_dhcp *d, struct nat_dhcp_lease *l)
{
	if (l->state == NAT_DHCP_BOUND)
		nat_bind_del(d->bind, NAT_BIND_DHCP, l->ip, &l->mac, l->port);
	memset(l, 0, sizeof(*l));
}

/**
 * grant() - give a client an address: offer it, or bind it (@lock held)
 * @d:		server
 * @r:		the client's message
 * @l:		its slot (a new one, or its lease)
 * @ip:		address
 * @bound:	an ACK (else an offer)
 * @now:	clock_mono_ns()
 *
 * Return: 0, or -1 when the binding table refused the address
 */
static int grant(struct nat_dhcp *d, const struct dhcp_req *r,
		 struct nat_dhcp_lease *l, uint32_t ip, bool bound, int64_t now)
{
	int64_t end =
		now + (bound ? (int64_t)d->cfg.lease_s : NAT_DHCP_OFFER_S) *
			      NAT_NS_PER_S;

	if (!live(l, now))
		memset(l, 0, sizeof(*l)); /* an old lease's binding ended */
	else if (l->state == NAT_DHCP_BOUND && l->ip != ip)
		drop_lease(d, l);
	if (bound &&
	    nat_bind_set(d->bind, NAT_BIND_DHCP, ip, &r->mac, r->port, end))
		return -1;
	l->mac = r->mac;
	l->port = r->port;
	l->ip = ip;
	l->expire_ns = end;
	if (bound || l->state != NAT_DHCP_BOUND)
		l->state = bound ? NAT_DHCP_BOUND : NAT_DHCP_OFFERED;
	return 0;
}

/**
 * choose() - the address for a client that has no lease yet, or 0 (the
 * refusal counted)
 * @d:		server
 * @r:		the client's message
 * @want:	the address it asks for, 0 for any
 * @now:	clock_mono_ns()
 *
 * Return: address, or 0
 */
static uint32_t choose(struct nat_dhcp *d, const struct dhcp_req *r,
		       uint32_t want, int64_t now)
{
	uint32_t ip;

	if (port_leases(d, r->port, now) >= d->cfg.per_port) {
		d->refused[NAT_DHCP_REFUSE_PORT_CAP]++;
		return 0;
	}
	ip = want && addr_free(d, want, NULL, now) ? want : lowest_free(d, now);
	if (!ip || !free_slot(d, now)) {
		d->refused[NAT_DHCP_REFUSE_POOL_EMPTY]++;
		return 0;
	}
	return ip;
}

/**
 * put_opt() - append one option
 * @q:		write position, advanced
 * @code:	option code
 * @len:	value length
 * @val:	value
 */
static void put_opt(uint8_t **q, uint8_t code, uint8_t len, const void *val)
{
	*(*q)++ = code;
	*(*q)++ = len;
	memcpy(*q, val, len);
	*q += len;
}

/**
 * put_string() - append a text option if set and short enough
 * @q:		write position, advanced
 * @code:	option code
 * @s:		text, or NULL
 */
static void put_string(uint8_t **q, uint8_t code, const char *s)
{
	size_t l = s ? strlen(s) : 0;

	if (l && l <= 255)
		put_opt(q, code, (uint8_t)l, s);
}

/**
 * put_options() - the options of an OFFER, ACK or NAK
 * @d:		server
 * @type:	DHCP_OFFER, DHCP_ACK or DHCP_NAK
 * @q:		first option byte (after the cookie)
 *
 * Return: the byte after OPT_END
 */
static uint8_t *put_options(const struct nat_dhcp *d, uint8_t type, uint8_t *q)
{
	static const char nak_msg[] = "requested address not available";
	uint32_t lease = htonl(d->cfg.lease_s);

	put_opt(&q, OPT_MSG_TYPE, 1, &type);
	put_opt(&q, OPT_SERVER_ID, 4, &d->cfg.host);
	if (type == DHCP_NAK) {
		put_opt(&q, OPT_MESSAGE, sizeof(nak_msg) - 1, nak_msg);
		*q++ = OPT_END;
		return q;
	}
	put_opt(&q, OPT_NETMASK, 4, &d->cfg.mask);
	if (!d->cfg.restricted) {
		put_opt(&q, OPT_ROUTER, 4, &d->cfg.host);
		put_opt(&q, OPT_DNS, 4, &d->cfg.dns);
	}
	put_opt(&q, OPT_LEASE_TIME, 4, &lease);
	put_string(&q, OPT_HOSTNAME, d->cfg.hostname);
	put_string(&q, OPT_DOMAINNAME, d->cfg.domainname);
	memcpy(q, d->opt119, d->opt119_len);
	q += d->opt119_len;
	*q++ = OPT_END;
	return q;
}

/**
 * build_reply() - the reply frame to a client
 * @d:		server
 * @r:		the client's message
 * @type:	DHCP_OFFER, DHCP_ACK or DHCP_NAK
 * @yiaddr:	the address given (0 for a NAK)
 * @out:	NAT_DHCP_REPLY_MAX bytes
 *
 * Return: frame length
 */
static uint32_t build_reply(const struct nat_dhcp *d, const struct dhcp_req *r,
			    uint8_t type, uint32_t yiaddr, uint8_t *out)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(out + ETH_LEN);
	uint8_t *udp = out + ETH_LEN + 20;
	struct bootp *bp = (struct bootp *)(udp + UDP_LEN);
	uint8_t *end;
	uint32_t blen;
	uint16_t v;

	memset(out, 0, NAT_DHCP_REPLY_MAX);
	if (type == DHCP_NAK || (ntohs(r->bp->flags) & BOOTP_FLAG_BROADCAST))
		memset(out, 0xff, 6);
	else
		memcpy(out, &r->mac, 6);
	memcpy(out + 6, &d->cfg.mac, 6);
	out[12] = 0x08;
	bp->op = BOOTP_REPLY;
	bp->htype = 1;
	bp->hlen = 6;
	bp->xid = r->bp->xid;
	bp->flags = r->bp->flags;
	bp->yiaddr = yiaddr;
	bp->siaddr = type == DHCP_NAK ? 0 : d->cfg.host;
	bp->giaddr = r->bp->giaddr;
	memcpy(bp->chaddr, r->bp->chaddr, sizeof(bp->chaddr));
	bp->cookie = htonl(BOOTP_COOKIE);
	end = put_options(d, type, (uint8_t *)(bp + 1));
	blen = (uint32_t)(end - (uint8_t *)bp);
	blen = blen < BOOTP_MIN ? BOOTP_MIN : blen;
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = RTE_IPV4_VHL_DEF,
		.type_of_service = 0x10, /* low delay, as libslirp */
		.total_length = htons((uint16_t)(20 + UDP_LEN + blen)),
		.time_to_live = 64,
		.next_proto_id = IPPROTO_UDP,
		.src_addr = d->cfg.host,
		.dst_addr = 0xffffffffu,
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	v = htons(BOOTP_SERVER);
	memcpy(udp, &v, 2);
	v = htons(BOOTP_CLIENT);
	memcpy(udp + 2, &v, 2);
	v = htons((uint16_t)(UDP_LEN + blen));
	memcpy(udp + 4, &v, 2);
	v = rte_ipv4_udptcp_cksum(ip, udp);
	memcpy(udp + 6, &v, 2);
	return ETH_LEN + 20 + UDP_LEN + blen;
}

/**
 * on_discover() - a DISCOVER: offer the client's address, or refuse
 * (@lock held)
 * @d:		server
 * @r:		the message
 * @now:	clock_mono_ns()
 *
 * Return: DHCP_OFFER, or DHCP_NONE for no reply; @ip set
 */
static uint8_t on_discover(struct nat_dhcp *d, const struct dhcp_req *r,
			   int64_t now, uint32_t *ip)
{
	struct nat_dhcp_lease *l = client_lease(d, r, now);

	*ip = l ? l->ip : choose(d, r, r->req_addr, now);
	if (!*ip)
		return DHCP_NONE;
	if (grant(d, r, l ? l : free_slot(d, now), *ip, false, now))
		return DHCP_NONE;
	return DHCP_OFFER;
}

/**
 * on_request() - a REQUEST: ACK the client's or a free address, NAK the
 * others, withdraw our offer when it chose another server (@lock held)
 * @d:		server
 * @r:		the message
 * @now:	clock_mono_ns()
 * @ip:		set to the address given
 *
 * Return: DHCP_ACK, DHCP_NAK, or DHCP_NONE for no reply
 */
static uint8_t on_request(struct nat_dhcp *d, const struct dhcp_req *r,
			  int64_t now, uint32_t *ip)
{
	struct nat_dhcp_lease *l = client_lease(d, r, now);
	uint32_t want = r->req_addr ? r->req_addr : r->bp->ciaddr;

	if (r->server_id && r->server_id != d->cfg.host) {
		if (l && l->state == NAT_DHCP_OFFERED)
			memset(l, 0, sizeof(*l));
		return DHCP_NONE;
	}
	if (!want) { /* BOOTP, or a REQUEST naming nothing: as libslirp */
		want = l ? l->ip : choose(d, r, 0, now);
		if (!want)
			return DHCP_NONE;
	} else if (!(l && l->ip == want) && !addr_free(d, want, l, now))
		want = 0;
	else if (!l && !choose(d, r, want, now))
		return DHCP_NONE; /* over its quota, or the table is full */
	if (!want) {
		d->refused[NAT_DHCP_REFUSE_NAK]++;
		return DHCP_NAK;
	}
	if (grant(d, r, l ? l : free_slot(d, now), want, true, now)) {
		d->refused[NAT_DHCP_REFUSE_NAK]++;
		return DHCP_NAK;
	}
	*ip = want;
	return DHCP_ACK;
}

/**
 * on_release() - a RELEASE (ciaddr) or DECLINE (option 50): the lease
 * ends (@lock held)
 * @d:		server
 * @r:		the message
 * @now:	clock_mono_ns()
 */
static void on_release(struct nat_dhcp *d, const struct dhcp_req *r,
		       int64_t now)
{
	struct nat_dhcp_lease *l = client_lease(d, r, now);
	uint32_t ip = r->type == DHCP_RELEASE ? r->bp->ciaddr : r->req_addr;

	if (l && l->ip == ip)
		drop_lease(d, l);
}

/**
 * nat_dhcp_input() - serve a guest's DHCP message (NAT thread)
 * @d:		server
 * @f:		frame, linear, nat_dhcp_is_request() true
 * @len:	its length
 * @port:	switch port it came from (nat_bind_port_of())
 * @now:	clock_mono_ns()
 * @reply:	NAT_DHCP_REPLY_MAX bytes for the reply frame
 * @reply_len:	set to its length, 0 when there is none
 *
 * Return: true (the frame was DHCP to us: the caller drops it)
 */
bool nat_dhcp_input(struct nat_dhcp *d, const uint8_t *f, uint32_t len,
		    uint16_t port, int64_t now, uint8_t *reply,
		    uint32_t *reply_len)
{
	struct dhcp_req r = { .port = port };
	uint32_t ip = 0;
	uint8_t type = DHCP_NONE;

	*reply_len = 0;
	if (parse(d, f, len, &r))
		return true;
	pthread_mutex_lock(&d->lock);
	switch (r.type) {
	case DHCP_DISCOVER:
		d->events[NAT_DHCP_EV_DISCOVER]++;
		type = on_discover(d, &r, now, &ip);
		break;
	case DHCP_NONE:
	case DHCP_REQUEST:
		d->events[NAT_DHCP_EV_REQUEST]++;
		type = on_request(d, &r, now, &ip);
		break;
	case DHCP_RELEASE:
	case DHCP_DECLINE:
		d->events[r.type == DHCP_RELEASE ? NAT_DHCP_EV_RELEASE
						 : NAT_DHCP_EV_DECLINE]++;
		on_release(d, &r, now);
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&d->lock);
	if (type == DHCP_NONE)
		return true;
	if (type != DHCP_NAK)
		d->events[type == DHCP_OFFER ? NAT_DHCP_EV_OFFER
					     : NAT_DHCP_EV_ACK]++;
	*reply_len = build_reply(d, &r, type, ip, reply);
	return true;
}

/**
 * nat_dhcp_list() - the leases and offers in force (any thread)
 * @d:		server
 * @out:	copies
 * @max:	room in @out
 * @now:	clock_mono_ns()
 *
 * Return: entries copied
 */
unsigned int nat_dhcp_list(struct nat_dhcp *d, struct nat_dhcp_lease *out,
			   unsigned int max, int64_t now)
{
	unsigned int n = 0;

	pthread_mutex_lock(&d->lock);
	for (unsigned int i = 0; i < NAT_DHCP_MAX_LEASES && n < max; i++) {
		if (live(&d->leases[i], now))
			out[n++] = d->leases[i];
	}
	pthread_mutex_unlock(&d->lock);
	return n;
}

/**
 * nat_dhcp_restore() - take back a lease from nat_dhcp_list(), e.g. read
 * from a state file (NAT thread)
 * @d:		server
 * @l:		the lease; only bound leases still running are taken
 * @now:	clock_mono_ns() (the caller rebases @l->expire_ns on it)
 *
 * Return: 0, -EINVAL (not a running lease, or outside the pool), -EEXIST
 *	   (the address is someone else's now), -ENOSPC (table full)
 */
int nat_dhcp_restore(struct nat_dhcp *d, const struct nat_dhcp_lease *l,
		     int64_t now)
{
	struct dhcp_req r = { .mac = l->mac, .port = l->port };
	struct nat_dhcp_lease *slot;
	int rc = 0;

	if (l->state != NAT_DHCP_BOUND || l->expire_ns <= now ||
	    !in_pool(d, l->ip))
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	if (!addr_free(d, l->ip, client_lease(d, &r, now), now))
		rc = -EEXIST;
	else if (!(slot = client_lease(d, &r, now) ?: free_slot(d, now)))
		rc = -ENOSPC;
	else if (nat_bind_set(d->bind, NAT_BIND_DHCP, l->ip, &l->mac, l->port,
			      l->expire_ns))
		rc = -EEXIST;
	else
		*slot = *l;
	pthread_mutex_unlock(&d->lock);
	return rc;
}

/**
 * nat_dhcp_flush_port() - forget the leases of a port that went away (NAT
 * thread; its bindings go with nat_bind_flush_port())
 * @d:		server
 * @port:	port index
 */
void nat_dhcp_flush_port(struct nat_dhcp *d, uint16_t port)
{
	pthread_mutex_lock(&d->lock);
	for (unsigned int i = 0; i < NAT_DHCP_MAX_LEASES; i++) {
		if (d->leases[i].state != NAT_DHCP_FREE &&
		    d->leases[i].port == port)
			memset(&d->leases[i], 0, sizeof(d->leases[i]));
	}
	pthread_mutex_unlock(&d->lock);
}
