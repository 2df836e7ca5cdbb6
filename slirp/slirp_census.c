// SPDX-License-Identifier: BSD-3-Clause
/* slirp_census.c - caps on the sockets libslirp opens for guests, from a
 * census of its connections
 *
 * Theory of operation
 * -------------------
 * What still goes through libslirp - TCP to other hosts, DNS to 10.0.2.3,
 * ICMP echo, UDP to broadcast addresses, IPv6 - makes it open a host
 * socket per new flow: per guest source address and port for UDP, per
 * four-tuple for TCP, per echo request for ICMP. libslirp 4.7 has no API
 * to count or close them, only slirp_connection_info(), a text table of
 * every socket it holds. So, before a guest frame reaches libslirp
 * (slirp_frame_in), slirp_census_admit() asks whether it opens a new
 * socket: a UDP datagram from a source no socket has, a TCP SYN of a
 * four-tuple no socket has, an ICMP echo request to a host beyond the NAT.
 * Such a frame is charged to its guest (nat_limits.c) and its key noted;
 * one over a cap is dropped. Once a second (and at most every 100 ms when
 * a cap refused something) the census reads libslirp's table: the counts
 * and the noted keys are replaced by what libslirp really holds, so
 * sockets it closed (expired UDP, TCP past TIME_WAIT) free their share.
 * Between two censuses the count only grows, so it never falls below
 * what libslirp holds. A restricted NAT opens no socket for guests and is
 * not checked.
 *
 * libslirp's table shows IPv4 addresses only: an IPv6 socket counts in the
 * totals, under an address made of its first four bytes; its key is
 * forgotten at each census, so its next frame is charged again
 * (conservative). IPv6 flows are charged per ingress port.
 */
#include "slirp_census.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "clock.h"
#include "nat_limits.h"
#include "slirp_port.h"

#define SC_SLOTS     8192 /* keys noted between censuses, a power of 2 */
#define SC_PERIOD_MS 1000
#define SC_RETRY_MS  100

/**
 * struct sc_key - what libslirp finds a socket by
 * @proto:	IPPROTO_UDP or IPPROTO_TCP
 * @v6:		IPv6 addresses
 * @sport:	guest port (network order)
 * @dport:	destination port, TCP only (network order)
 * @src:	guest address (IPv4 in the first four bytes)
 * @dst:	destination address, TCP only
 */
struct sc_key {
	uint8_t proto;
	uint8_t v6;
	uint16_t sport;
	uint16_t dport;
	uint8_t src[16];
	uint8_t dst[16];
};

/**
 * struct sc_slot - a noted key
 * @gen:	census generation it belongs to (older ones are free)
 * @key:	the key
 */
struct sc_slot {
	uint32_t gen;
	struct sc_key key;
};

/**
 * struct slirp_census - the census of one NAT port (NAT thread)
 * @sp:		NAT port
 * @gen:	current generation, bumped by each census
 * @n:		keys noted in this generation
 * @last_ms:	when the last census ran
 * @slots:	noted keys, open addressing
 */
struct slirp_census {
	struct slirp_port *sp;
	uint32_t gen;
	unsigned int n;
	int64_t last_ms;
	struct sc_slot slots[SC_SLOTS];
};

/**
 * slirp_census_new() - census state of a NAT port
 * @sp:		NAT port
 *
 * Return: state, or NULL when out of memory
 */
struct slirp_census *slirp_census_new(struct slirp_port *sp)
{
	struct slirp_census *sc = calloc(1, sizeof(*sc));

	if (sc) {
		sc->sp = sp;
		sc->gen = 1;
	}
	return sc;
}

/**
 * slirp_census_free() - free census state; accepts NULL
 * @sc:		state
 */
void slirp_census_free(struct slirp_census *sc)
{
	free(sc);
}

/**
 * key_hash() - slot where the search for a key starts
 * @k:		key
 *
 * Return: index into the slots
 */
static unsigned int key_hash(const struct sc_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ b[i]) * 16777619u;
	return h & (SC_SLOTS - 1);
}

/**
 * key_find() - whether a key is noted in this generation
 * @sc:		state
 * @k:		key
 * @insert:	note it when absent (when there is room)
 *
 * Return: true when it was noted before
 */
static bool key_find(struct slirp_census *sc, const struct sc_key *k,
		     bool insert)
{
	unsigned int i = key_hash(k);

	for (unsigned int n = 0; n < SC_SLOTS;
	     n++, i = (i + 1) & (SC_SLOTS - 1)) {
		struct sc_slot *s = &sc->slots[i];

		if (s->gen != sc->gen) {
			/* Free: past the end of this key's run. Three
			 * quarters full is full (a search stays short). */
			if (insert && sc->n < SC_SLOTS / 4 * 3) {
				s->gen = sc->gen;
				s->key = *k;
				sc->n++;
			}
			return false;
		}
		if (!memcmp(&s->key, k, sizeof(*k)))
			return true;
	}
	return false;
}

/**
 * in_net() - whether an IPv4 address is inside the NAT's network
 * @sp:		NAT port
 * @a:		address (network order)
 *
 * Return: true when it is
 */
static bool in_net(const struct slirp_port *sp, uint32_t a)
{
	return (a & sp->cfg.vnetmask.s_addr) == sp->cfg.vnetwork.s_addr;
}

/**
 * census_line() - take one line of libslirp's connection table
 * @sc:		state
 * @line:	the line, NUL-terminated
 */
static void census_line(struct slirp_census *sc, const char *line)
{
	struct nat_limits *nl = sc->sp->lim;
	char proto[8] = "", state[24] = "", src[16], dst[16];
	struct in_addr s = { 0 }, d = { 0 };
	int fd, sport = 0, dport = 0;
	struct sc_key k = { 0 };
	const char *rest;

	if (sscanf(line, " %7[A-Z][%23[^]]]", proto, state) != 2)
		return;
	rest = strchr(line, ']') + 1;
	if (!strcmp(proto, "ICMP")) {
		if (sscanf(rest, "%d %15s - %15s", &fd, src, dst) == 3 &&
		    fd >= 0) {
			inet_pton(AF_INET, src, &s);
			nat_census_add(nl, s.s_addr, NAT_RES_UDP);
		}
		return;
	}
	if (sscanf(rest, "%d %15s %d %15s %d", &fd, src, &sport, dst, &dport) !=
		    5 ||
	    fd < 0)
		return;
	inet_pton(AF_INET, src, &s); /* "*" leaves 0 */
	inet_pton(AF_INET, dst, &d);
	k.sport = htons((uint16_t)sport);
	if (!strcmp(proto, "UDP")) {
		k.proto = IPPROTO_UDP;
		if (!strcmp(state, "HOST_FORWARD")) {
			/* A rule's socket: the guest endpoint is "dst". */
			k.sport = htons((uint16_t)dport);
			memcpy(k.src, &d, 4);
		} else {
			memcpy(k.src, &s, 4);
			nat_census_add(nl, s.s_addr, NAT_RES_UDP);
		}
		key_find(sc, &k, true);
	} else if (!strcmp(proto, "TCP") && strcmp(state, "HOST_FORWARD") &&
		   !(in_net(sc->sp, d.s_addr) && !in_net(sc->sp, s.s_addr))) {
		/* Not a rule's listener, not a connection a rule took in. */
		k.proto = IPPROTO_TCP;
		k.dport = htons((uint16_t)dport);
		memcpy(k.src, &s, 4);
		memcpy(k.dst, &d, 4);
		nat_census_add(nl, s.s_addr, NAT_RES_TCP);
		key_find(sc, &k, true);
	}
}

/**
 * census_run() - replace the counts and keys by libslirp's own table
 * @sc:		state
 */
static void census_run(struct slirp_census *sc)
{
	char *table = slirp_connection_info(sc->sp->slirp);
	char *line, *save = NULL;

	sc->last_ms = clock_mono_ns() / 1000000;
	if (!table)
		return;
	sc->gen++;
	sc->n = 0;
	nat_census_begin(sc->sp->lim);
	for (line = strtok_r(table, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		census_line(sc, line);
	free(table); /* g_malloc is the system malloc since GLib 2.46 */
}

/**
 * slirp_census_tick() - run a census when one is due: a second after the
 * last, while libslirp holds anything of the guests (NAT thread)
 * @sc:		state
 */
void slirp_census_tick(struct slirp_census *sc)
{
	const struct nat_limits *nl = sc->sp->lim;

	if (clock_mono_ns() / 1000000 - sc->last_ms < SC_PERIOD_MS ||
	    !(nl->slirp[NAT_RES_UDP] || nl->slirp[NAT_RES_TCP] || sc->n))
		return;
	census_run(sc);
}

/**
 * is_bootp() - whether an IPv4 datagram is for libslirp's DHCP or TFTP
 * server (served inside libslirp, no socket)
 * @sp:		NAT port
 * @k:		key with the addresses filled
 * @udp:	UDP header
 *
 * Return: true when it is
 */
static bool is_bootp(const struct slirp_port *sp, const struct sc_key *k,
		     const uint8_t *udp)
{
	uint32_t dst;
	uint16_t dport = (uint16_t)(udp[2] << 8 | udp[3]);

	memcpy(&dst, k->dst, 4);
	return (dport == 67 &&
		(dst == sp->cfg.vhost.s_addr || dst == 0xffffffffu)) ||
	       (dport == 69 && dst == sp->cfg.vhost.s_addr);
}

/**
 * classify() - the key of a frame that would make libslirp open a socket
 * @sp:		NAT port
 * @m:		guest frame, untagged
 * @k:		filled
 * @res:	kind of socket
 * @keyed:	libslirp reuses a socket of the same key (else every such
 *		frame opens one: ICMP echo)
 *
 * Return: true when the frame may open a socket
 */
static bool classify(const struct slirp_port *sp, const struct rte_mbuf *m,
		     struct sc_key *k, enum nat_res *res, bool *keyed)
{
	uint8_t hb[RTE_ETHER_HDR_LEN + 40 + 20];
	uint32_t len = RTE_MIN(m->pkt_len, (uint32_t)sizeof(hb)), l4, proto;
	const uint8_t *f = rte_pktmbuf_read(m, 0, len, hb), *p;

	memset(k, 0, sizeof(*k));
	*keyed = true;
	if (len < RTE_ETHER_HDR_LEN + 20 + 8)
		return false;
	if (f[12] == 0x08 && f[13] == 0x00) {
		const struct rte_ipv4_hdr *ip = (const void *)(f + 14);

		l4 = RTE_ETHER_HDR_LEN + (ip->version_ihl & 0xf) * 4u;
		if (rte_be_to_cpu_16(ip->fragment_offset) &
		    RTE_IPV4_HDR_OFFSET_MASK)
			return false; /* no header: no socket by itself */
		proto = ip->next_proto_id;
		memcpy(k->src, &ip->src_addr, 4);
		memcpy(k->dst, &ip->dst_addr, 4);
		if (proto == IPPROTO_ICMP) {
			if (ip->dst_addr == sp->cfg.vhost.s_addr ||
			    ip->dst_addr == sp->cfg.vnameserver.s_addr)
				return false; /* answered by libslirp */
		}
	} else if (f[12] == 0x86 && f[13] == 0xdd) {
		const struct rte_ipv6_hdr *ip6 = (const void *)(f + 14);

		l4 = RTE_ETHER_HDR_LEN + 40;
		proto = ip6->proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP
						     : ip6->proto;
		k->v6 = 1;
		memcpy(k->src, ip6->src_addr, 16);
		memcpy(k->dst, ip6->dst_addr, 16);
	} else {
		return false;
	}
	if (l4 + 8 > len)
		return false;
	p = f + l4;
	switch (proto) {
	case IPPROTO_UDP:
		if (!k->v6 && is_bootp(sp, k, p))
			return false;
		k->proto = IPPROTO_UDP;
		memcpy(&k->sport, p, 2);
		memset(k->dst, 0, sizeof(k->dst)); /* keyed on the guest's */
		*res = NAT_RES_UDP;
		return true;
	case IPPROTO_TCP:
		if (l4 + 14 > len ||
		    (p[13] & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG |
			      RTE_TCP_RST_FLAG)) != RTE_TCP_SYN_FLAG)
			return false;
		k->proto = IPPROTO_TCP;
		memcpy(&k->sport, p, 2);
		memcpy(&k->dport, p + 2, 2);
		*res = NAT_RES_TCP;
		return true;
	case IPPROTO_ICMP:
		*keyed = false;
		*res = NAT_RES_UDP;
		return p[0] == (k->v6 ? 128 : RTE_IP_ICMP_ECHO_REQUEST);
	}
	return false;
}

/**
 * guest_of() - the guest a frame's new socket is charged to
 * @sc:		state
 * @m:		frame
 * @k:		its key
 *
 * Return: guest, or NULL (counted)
 */
static struct nat_guest *guest_of(struct slirp_census *sc,
				  const struct rte_mbuf *m,
				  const struct sc_key *k)
{
	uint32_t ip = 0;

	if (!k->v6)
		memcpy(&ip, k->src, 4);
	return nat_guest_get(sc->sp->lim, ip, m->port,
			     clock_mono_ns() / 1000000);
}

/**
 * slirp_census_admit() - whether a guest frame may go to libslirp: it
 * opens no socket, or one within its guest's cap and the NAT's (NAT
 * thread)
 * @sc:		state
 * @m:		guest frame, untagged, still the caller's
 *
 * Return: true to hand it to libslirp, false to drop it (a cap refused
 *	   it, counted)
 */
bool slirp_census_admit(struct slirp_census *sc, const struct rte_mbuf *m)
{
	struct nat_guest *g;
	struct sc_key k;
	enum nat_res res;
	bool keyed;

	if (sc->sp->cfg.restricted || !classify(sc->sp, m, &k, &res, &keyed))
		return true;
	if (keyed && key_find(sc, &k, false))
		return true;
	g = guest_of(sc, m, &k);
	if (g && !nat_room(sc->sp->lim, g, res) &&
	    clock_mono_ns() / 1000000 - sc->last_ms >= SC_RETRY_MS) {
		/* libslirp may have closed some since the last look. */
		census_run(sc);
		if (keyed && key_find(sc, &k, false))
			return true;
		g = guest_of(sc, m, &k);
	}
	if (!g || !nat_charge(sc->sp->lim, g, res, true))
		return false;
	if (keyed)
		key_find(sc, &k, true);
	return true;
}
