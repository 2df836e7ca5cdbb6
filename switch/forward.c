// SPDX-License-Identifier: BSD-3-Clause
/* forward.c - the switching decision for a burst, into per-port batches
 *
 * Theory of operation
 * -------------------
 * For one received burst: check every frame (runt, source MAC), classify it
 * into its VLAN (vlan.c), look up sources and destinations in the FDB in one
 * bulk call (a run of frames with the same source or destination, as a
 * flow's burst is, costs one lookup), learn the sources, then queue each
 * frame on its output port's batch: the port its destination was learned
 * on, or - for broadcast, multicast and unknown unicast - every other port
 * of the frame's VLAN. A port with a storm= limit floods only as many
 * frames as its bucket allows (storm.h); the rest are dropped and counted
 * as `storm`. Known unicast never looks at the bucket.
 * A port that steers (the NAT) may name the one output port of a frame it
 * sends, in the mbuf's port field: the frame goes there or nowhere. Every
 * kept frame then carries its ingress port index in that field, for the
 * output port (the NAT shares its input fairly and keys its guests on it).
 * A port with next hops (port.h) names the hop of each frame it receives;
 * the hop is learned with the source, and every frame leaves with the hop
 * of its destination's entry when it goes to a learned destination on a
 * port with hops, 0 otherwise.
 * A flooded frame is not copied: its refcount is raised once per extra
 * output port, and whoever must write into it copies first (egress).
 * Batches are sent by egress.c when full and at the end of the round.
 */
#include "forward.h"

#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_malloc.h>

#include "egress.h"
#include "fdb.h"
#include "vlan.h"

/**
 * fwd_ctx_create() - allocate a thread's forwarding state
 * @fdb:	forwarding database
 * @txq:	tx queue the thread uses on every port
 *
 * Return: state, or NULL
 */
struct fwd_ctx *fwd_ctx_create(struct fdb *fdb, uint16_t txq)
{
	struct fwd_ctx *ctx =
		rte_zmalloc("fwd_ctx", sizeof(*ctx), RTE_CACHE_LINE_SIZE);

	if (!ctx)
		return NULL;
	ctx->fdb = fdb;
	ctx->txq = txq;
	return ctx;
}

/**
 * fwd_ctx_destroy() - free a thread's forwarding state; accepts NULL
 * @ctx:	state with no frames queued
 */
void fwd_ctx_destroy(struct fwd_ctx *ctx)
{
	rte_free(ctx);
}

/**
 * flood() - send @m to every port of its VLAN but @in
 * @ctx:	forwarding state
 * @in:		ingress port
 * @m:		frame, consumed
 * @vid:	its VLAN
 */
static void flood(struct fwd_ctx *ctx, struct port *in, struct rte_mbuf *m,
		  uint16_t vid)
{
	const struct port_table *t = ctx->table;
	struct port *out[PORT_TABLE_MAX];
	unsigned int n = 0;

	for (unsigned int i = 0; i < t->n; i++) {
		struct port *p = t->list[i];

		if (p != in && !p->mirror_out && vlan_member(p, vid))
			out[n++] = p;
	}
	if (!n) {
		port_drop(in, DROP_FILTERED, &m, 1);
		return;
	}
	port_counters(in)->flooded++;
	if (n > 1)
		rte_pktmbuf_refcnt_update(m, (int16_t)(n - 1)); /* all segs */
	for (unsigned int i = 0; i < n; i++)
		egress_enqueue(ctx, out[i], m);
}

/**
 * steer() - send a frame to the one port its ingress port named
 * @ctx:	forwarding state
 * @in:		ingress port
 * @m:		frame, consumed
 * @to:		output port index
 * @vid:	its VLAN
 */
static void steer(struct fwd_ctx *ctx, struct port *in, struct rte_mbuf *m,
		  uint16_t to, uint16_t vid)
{
	struct port *out =
		to < PORT_TABLE_MAX ? ctx->table->by_index[to] : NULL;

	if (!out || out == in || out->mirror_out || !vlan_member(out, vid)) {
		port_drop(in, DROP_FILTERED, &m, 1);
		return;
	}
	port_counters(in)->forwarded++;
	egress_enqueue(ctx, out, m);
}

/**
 * classify() - check frames and build their FDB keys; drops bad ones
 * @in:		ingress port
 * @pkts:	frames; dropped ones are removed, order kept
 * @n:		count
 * @src:	source keys, filled
 * @dst:	destination keys, filled
 * @to:		the output port a steering @in named, or
 *		RTE_MBUF_PORT_INVALID, filled
 * @hop:	the next hop behind @in each frame came through, filled;
 *		the frames' own hop fields are cleared
 *
 * Return: frames kept
 */
static uint16_t classify(struct port *in, struct rte_mbuf **pkts, uint16_t n,
			 struct fdb_key *src, struct fdb_key *dst, uint16_t *to,
			 uint32_t *hop)
{
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ether_hdr *eh;
		uint16_t vid;

		if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN) {
			port_drop(in, DROP_RUNT, &m, 1);
			continue;
		}
		vid = vlan_ingress(in, m);
		if (vid == VLAN_NONE) {
			port_drop(in, DROP_VLAN, &m, 1);
			continue;
		}
		eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		if (!rte_is_valid_assigned_ether_addr(&eh->src_addr)) {
			port_drop(in, DROP_BAD_SRC, &m, 1);
			continue;
		}
		to[kept] = in->steers ? m->port : RTE_MBUF_PORT_INVALID;
		m->port = in->index; /* where it entered, for the NAT */
		hop[kept] = 0;
		if (port_hop_offset >= 0) {
			hop[kept] = in->hops ? port_hop(m) : 0;
			port_hop_set(m, 0);
		}
		src[kept].mac = eh->src_addr;
		src[kept].vlan = vid;
		dst[kept].mac = eh->dst_addr;
		dst[kept].vlan = vid;
		pkts[kept++] = m;
	}
	return kept;
}

/**
 * same_key() - whether two FDB keys are equal
 * @a:		key
 * @b:		key
 *
 * Return: true when MAC and VLAN match
 */
static inline bool same_key(const struct fdb_key *a, const struct fdb_key *b)
{
	uint64_t x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return x == y;
}

/**
 * struct burst_keys - the distinct keys of a burst, looked up once each
 * @n:		keys in @keys
 * @src:	per frame, the index of its source key
 * @dst:	per frame, the index of its destination key
 * @keys:	the keys
 * @pos:	their positions from fdb_lookup_bulk()
 */
struct burst_keys {
	unsigned int n;
	uint8_t src[PORT_BURST];
	uint8_t dst[PORT_BURST];
	const struct fdb_key *keys[2 * PORT_BURST];
	int32_t pos[2 * PORT_BURST];
};

/**
 * collect_keys() - index the keys of a burst, one lookup per run of equal
 * keys, and look them up
 * @fdb:	FDB
 * @src:	source keys of the frames
 * @dst:	destination keys of the frames
 * @n:		frames
 * @bk:		filled
 *
 * A bulk of frames of one flow (the common case under load) costs two hash
 * lookups instead of two per frame.
 */
static void collect_keys(const struct fdb *fdb, const struct fdb_key *src,
			 const struct fdb_key *dst, uint16_t n,
			 struct burst_keys *bk)
{
	bk->n = 0;
	for (uint16_t i = 0; i < n; i++) {
		if (i && same_key(&src[i], &src[i - 1])) {
			bk->src[i] = bk->src[i - 1];
		} else {
			bk->src[i] = (uint8_t)bk->n;
			bk->keys[bk->n++] = &src[i];
		}
		if (i && same_key(&dst[i], &dst[i - 1])) {
			bk->dst[i] = bk->dst[i - 1];
		} else {
			bk->dst[i] = (uint8_t)bk->n;
			bk->keys[bk->n++] = &dst[i];
		}
	}
	fdb_lookup_bulk(fdb, bk->keys, bk->n, bk->pos);
}

/**
 * output_of() - the port a frame for @dst goes to
 * @ctx:	forwarding state
 * @dst:	destination key
 * @pos:	its FDB position
 *
 * Return: the port (the ingress port for a frame to filter), or NULL to
 *	   flood
 */
static struct port *output_of(const struct fwd_ctx *ctx,
			      const struct fdb_key *dst, int32_t pos)
{
	struct port *out;
	uint16_t to;

	if (rte_is_multicast_ether_addr(&dst->mac))
		return NULL;
	to = fdb_entry_port(ctx->fdb, pos);
	if (to == FDB_PORT_NONE)
		return NULL;
	out = ctx->table->by_index[to];
	if (out && (out->mirror_out || !vlan_member(out, dst->vlan)))
		return NULL; /* static entry: port outside the VLAN or a
			      * mirror output */
	return out;
}

/**
 * forward_burst() - switch a received burst into the output batches
 * @ctx:	forwarding state, @ctx->table and clocks set for this round
 * @in:		ingress port
 * @pkts:	frames, consumed (queued or dropped and counted)
 * @n:		count, at most PORT_BURST
 */
void forward_burst(struct fwd_ctx *ctx, struct port *in, struct rte_mbuf **pkts,
		   uint16_t n)
{
	struct fdb_key src[PORT_BURST], dst[PORT_BURST];
	uint16_t to[PORT_BURST];
	uint32_t hop[PORT_BURST];
	struct port_counters *c = port_counters(in);
	struct rte_mbuf *over[PORT_BURST];
	struct port *out = NULL;
	struct burst_keys bk;
	uint16_t n_over = 0;

	n = classify(in, pkts, n, src, dst, to, hop);
	if (!n)
		return;
	collect_keys(ctx->fdb, src, dst, n, &bk);
	for (uint16_t i = 0; i < n; i++) {
		fdb_result ev;

		if (i && bk.src[i] == bk.src[i - 1] && hop[i] == hop[i - 1])
			continue;
		ev = fdb_learn(ctx->fdb, &src[i], bk.pos[bk.src[i]], in->index,
			       hop[i], ctx->now);
		if (ev != FDB_EV__MAX)
			c->fdb_events[ev]++;
	}
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (!i || bk.dst[i] != bk.dst[i - 1])
			out = output_of(ctx, &dst[i], bk.pos[bk.dst[i]]);
		if (unlikely(to[i] != RTE_MBUF_PORT_INVALID)) {
			steer(ctx, in, m, to[i], dst[i].vlan);
		} else if (!out) {
			if (storm_limited(in) &&
			    !storm_admit(&ctx->storm[in->index], in, ctx->tsc))
				over[n_over++] = m;
			else
				flood(ctx, in, m, dst[i].vlan);
		} else if (out == in) {
			port_drop(in, DROP_FILTERED, &m, 1);
		} else {
			if (out->hops)
				port_hop_set(m,
					     fdb_entry_hop(ctx->fdb,
							   bk.pos[bk.dst[i]]));
			c->forwarded++;
			egress_enqueue(ctx, out, m);
		}
	}
	port_drop(in, DROP_STORM, over, n_over);
}
