// SPDX-License-Identifier: BSD-3-Clause
/* nat_reass.c - the NAT reassembles guests' IPv4 fragments itself
 *
 * Theory of operation
 * -------------------
 * libslirp 4.7.0 as GCC 12 builds it (Debian 12's) miscompiles its IPv4
 * reassembly: ip_reass() uses a struct ipq through a struct ipasfrag
 * pointer against strict aliasing, and a fragment that starts a datagram
 * can leave the queue linked through garbage. One guest frame - a last
 * fragment alone - then kills the process (found by tests/fuzz/fuzz_nat.c;
 * fixed upstream in 4.8.0, "ip: Enforce strict aliasing"). So no IPv4
 * fragment reaches libslirp, nor the NAT's own TCP and UDP paths:
 * slirp_frame_in() hands every guest frame here first, and a fragment
 * comes back only as part of a whole datagram, one unfragmented frame,
 * which then goes wherever an unfragmented one goes.
 *
 * A datagram is known by its source, destination, identification,
 * protocol and the switch port its fragments come from. Fragments are
 * copied into a buffer at their offsets; a bitmap of 8-byte blocks spots
 * overlaps, which drop the datagram (RFC 5722 asks this of IPv6). The
 * datagram is complete when its last fragment gave its length and every
 * byte up to it arrived. Budget, whatever the guests send: NAT_REASS_MAX
 * datagrams at once, of which a switch port holds at most a quarter (its
 * new datagram takes the place of its oldest, so a guest that floods
 * fragments loses only its own), each at most @max_len bytes of IP and
 * NAT_REASS_MS to complete; a buffer exists only while its datagram
 * does. Everything runs on the NAT thread.
 */
#include "nat_reass.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "mbuf_copy.h"
#include "port.h"

#define BLOCKS	    (65536 / 8) /* 8-byte blocks of the largest datagram */
#define HDR_MAX	    (RTE_ETHER_HDR_LEN + 60)
#define NS_PER_MS   1000000LL
#define PER_PORT    (NAT_REASS_MAX / 4) /* datagrams one port may hold */
#define FRAG_OFFSET RTE_IPV4_HDR_OFFSET_MASK

/**
 * struct reass_dgram - a datagram being reassembled
 * @used:	slot taken
 * @src:	source address (network order)
 * @dst:	destination address (network order)
 * @id:		identification (network order)
 * @proto:	protocol
 * @port:	switch port of its fragments (mbuf port field)
 * @start_ns:	when its first fragment came
 * @total:	payload length, once the last fragment came; else 0
 * @got:	payload bytes received
 * @max_end:	where the furthest fragment received ends
 * @hdr_len:	bytes of @hdr (Ethernet and IPv4 header), 0 until the
 *		fragment at offset 0 came
 * @hdr:	headers of the fragment at offset 0
 * @seen:	8-byte blocks received
 * @data:	payload, @max_len bytes
 */
struct reass_dgram {
	bool used;
	uint32_t src;
	uint32_t dst;
	uint16_t id;
	uint8_t proto;
	uint16_t port;
	int64_t start_ns;
	uint32_t total;
	uint32_t got;
	uint32_t max_end;
	uint32_t hdr_len;
	uint8_t hdr[HDR_MAX];
	uint64_t seen[BLOCKS / 64];
	uint8_t *data;
};

/**
 * struct nat_reass - the reassembly of one NAT
 * @max_len:	largest datagram, IP header included
 * @d:		datagrams in progress
 * @st:		counters: fragments taken, datagrams completed, datagrams
 *		dropped (overlap, too long, inconsistent), expired, evicted
 */
struct nat_reass {
	uint32_t max_len;
	struct reass_dgram d[NAT_REASS_MAX];
	struct {
		uint64_t fragments;
		uint64_t completed;
		uint64_t dropped;
		uint64_t expired;
		uint64_t evicted;
	} st;
};

/**
 * nat_reass_new() - the reassembly state of a NAT
 * @max_len:	largest datagram it builds, IP header included
 *
 * Return: state, or NULL
 */
struct nat_reass *nat_reass_new(uint32_t max_len)
{
	struct nat_reass *r = calloc(1, sizeof(*r));

	if (r)
		r->max_len = RTE_MIN(max_len, (uint32_t)UINT16_MAX);
	return r;
}

/**
 * dgram_end() - forget a datagram, free its buffer
 * @d:		datagram
 */
static void dgram_end(struct reass_dgram *d)
{
	free(d->data);
	memset(d, 0, sizeof(*d));
}

/**
 * nat_reass_free() - free the state and every datagram; accepts NULL
 * @r:		state
 */
void nat_reass_free(struct nat_reass *r)
{
	if (!r)
		return;
	for (unsigned int i = 0; i < NAT_REASS_MAX; i++)
		dgram_end(&r->d[i]);
	free(r);
}

/**
 * dgram_find() - the datagram a fragment belongs to, a new one if none;
 * expired datagrams end on the way
 * @r:		state
 * @ip:		the fragment's IPv4 header
 * @port:	its switch port
 * @now:	clock_mono_ns()
 *
 * Return: datagram, or NULL when out of memory
 */
static struct reass_dgram *dgram_find(struct nat_reass *r,
				      const struct rte_ipv4_hdr *ip,
				      uint16_t port, int64_t now)
{
	struct reass_dgram *d, *free_slot = NULL, *oldest = NULL,
			       *oldest_here = NULL;
	unsigned int here = 0;

	for (unsigned int i = 0; i < NAT_REASS_MAX; i++) {
		d = &r->d[i];
		if (d->used && now - d->start_ns > NAT_REASS_MS * NS_PER_MS) {
			dgram_end(d);
			r->st.expired++;
		}
		if (!d->used) {
			free_slot = free_slot ? free_slot : d;
			continue;
		}
		if (d->src == ip->src_addr && d->dst == ip->dst_addr &&
		    d->id == ip->packet_id && d->proto == ip->next_proto_id &&
		    d->port == port)
			return d;
		if (!oldest || d->start_ns < oldest->start_ns)
			oldest = d;
		if (d->port != port)
			continue;
		here++;
		if (!oldest_here || d->start_ns < oldest_here->start_ns)
			oldest_here = d;
	}
	d = here >= PER_PORT ? oldest_here : free_slot ? free_slot : oldest;
	if (d->used) {
		dgram_end(d);
		r->st.evicted++;
	}
	d->data = malloc(r->max_len);
	if (!d->data)
		return NULL;
	d->used = true;
	d->src = ip->src_addr;
	d->dst = ip->dst_addr;
	d->id = ip->packet_id;
	d->proto = ip->next_proto_id;
	d->port = port;
	d->start_ns = now;
	return d;
}

/**
 * mark() - record blocks [@first, @last] as received
 * @d:		datagram
 * @first:	first block
 * @last:	last block
 *
 * Return: 0, or -1 when one of them was received already (overlap)
 */
static int mark(struct reass_dgram *d, uint32_t first, uint32_t last)
{
	for (uint32_t b = first; b <= last; b++)
		if (d->seen[b / 64] & (1ull << (b % 64)))
			return -1;
	for (uint32_t b = first; b <= last; b++)
		d->seen[b / 64] |= 1ull << (b % 64);
	return 0;
}

/**
 * add() - copy one fragment into its datagram
 * @r:		state
 * @d:		datagram
 * @m:		the fragment's frame
 * @ihl:	its IPv4 header length
 * @off:	its offset, bytes
 * @len:	its payload length
 * @last:	it is the last fragment (no MF)
 *
 * Return: 0, or -1 when the datagram must be dropped
 */
static int add(struct nat_reass *r, struct reass_dgram *d,
	       const struct rte_mbuf *m, uint32_t ihl, uint32_t off,
	       uint32_t len, bool last)
{
	uint32_t end = off + len, hdr = RTE_ETHER_HDR_LEN + ihl;
	const void *p;

	if ((!last && (len % 8 || !len)) || ihl + end > r->max_len ||
	    (d->total && end > d->total) || (last && d->total) ||
	    (last && end < d->max_end) ||
	    (len && mark(d, off / 8, (end - 1) / 8)))
		return -1;
	if (last)
		d->total = end;
	d->max_end = RTE_MAX(d->max_end, end);
	if (!off) {
		p = rte_pktmbuf_read(m, 0, hdr, d->hdr);
		if (p != d->hdr)
			memcpy(d->hdr, p, hdr);
		d->hdr_len = hdr;
	}
	p = rte_pktmbuf_read(m, hdr, len, d->data + off);
	if (len && p != d->data + off)
		memcpy(d->data + off, p, len);
	d->got += len;
	return 0;
}

/**
 * build() - the whole datagram as one unfragmented frame
 * @d:		complete datagram
 * @pool:	pool for the frame
 *
 * Return: frame, or NULL when out of mbufs
 */
static struct rte_mbuf *build(const struct reass_dgram *d,
			      struct rte_mempool *pool)
{
	struct rte_mbuf *m = mbuf_alloc_len(pool, d->hdr_len + d->total);
	uint8_t hdr[HDR_MAX];
	struct rte_ipv4_hdr *ip = (void *)(hdr + RTE_ETHER_HDR_LEN);
	uint32_t done = 0, ihl = d->hdr_len - RTE_ETHER_HDR_LEN;

	if (!m)
		return NULL;
	memcpy(hdr, d->hdr, d->hdr_len);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(ihl + d->total));
	ip->fragment_offset &= rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	for (struct rte_mbuf *s = m; s; s = s->next) {
		uint8_t *dst = rte_pktmbuf_mtod(s, uint8_t *);
		uint32_t n = s->data_len, h = 0;

		if (done < d->hdr_len) {
			h = RTE_MIN(n, d->hdr_len - done);
			memcpy(dst, hdr + done, h);
		}
		memcpy(dst + h, d->data + done + h - d->hdr_len, n - h);
		done += n;
	}
	m->port = d->port;
	return m;
}

/**
 * nat_reass_input() - take a guest's frame: a fragment joins its datagram
 * (NAT thread)
 * @r:		state
 * @m:		frame, untagged; consumed unless returned
 * @now:	clock_mono_ns()
 *
 * Return: @m itself when it is no IPv4 fragment; a new frame holding the
 *	   whole datagram when @m completed one (@m freed); NULL when @m was
 *	   kept for a datagram still incomplete, or dropped (freed, counted)
 */
struct rte_mbuf *nat_reass_input(struct nat_reass *r, struct rte_mbuf *m,
				 int64_t now)
{
	uint8_t buf[RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr)];
	const struct rte_ipv4_hdr *ip;
	struct reass_dgram *d;
	const uint8_t *f;
	uint32_t ihl, tot;
	uint16_t frag;

	if (m->pkt_len < sizeof(buf))
		return m;
	f = rte_pktmbuf_read(m, 0, sizeof(buf), buf);
	ip = (const void *)(f + RTE_ETHER_HDR_LEN);
	frag = rte_be_to_cpu_16(ip->fragment_offset);
	if (f[12] != 0x08 || f[13] != 0x00 || (ip->version_ihl >> 4) != 4 ||
	    !(frag & (RTE_IPV4_HDR_MF_FLAG | FRAG_OFFSET)))
		return m;
	r->st.fragments++;
	ihl = (ip->version_ihl & 0xf) * 4u;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (ihl < sizeof(*ip) || tot < ihl ||
	    RTE_ETHER_HDR_LEN + tot > m->pkt_len) {
		r->st.dropped++;
		rte_pktmbuf_free(m);
		return NULL;
	}
	d = dgram_find(r, ip, m->port, now);
	if (!d || add(r, d, m, ihl, (frag & FRAG_OFFSET) * 8u, tot - ihl,
		      !(frag & RTE_IPV4_HDR_MF_FLAG))) {
		if (d)
			dgram_end(d);
		r->st.dropped++;
		rte_pktmbuf_free(m);
		return NULL;
	}
	rte_pktmbuf_free(m);
	if (!d->total || !d->hdr_len || d->got != d->total)
		return NULL;
	/* Its first fragment's header may be longer than the others'. */
	m = d->hdr_len - RTE_ETHER_HDR_LEN + d->total <= r->max_len
		    ? build(d, port_mbuf_pool)
		    : NULL;
	dgram_end(d);
	if (!m) {
		r->st.dropped++;
		return NULL;
	}
	r->st.completed++;
	return m;
}

/**
 * nat_reass_stats() - counters for `vioctl --json port list`
 * @r:		state
 *
 * Return: {"fragments", "completed", "dropped", "expired", "evicted"}
 */
json_t *nat_reass_stats(const struct nat_reass *r)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I}", "fragments",
			 (json_int_t)r->st.fragments, "completed",
			 (json_int_t)r->st.completed, "dropped",
			 (json_int_t)r->st.dropped, "expired",
			 (json_int_t)r->st.expired, "evicted",
			 (json_int_t)r->st.evicted);
}
