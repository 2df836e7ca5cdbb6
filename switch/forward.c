// SPDX-License-Identifier: BSD-3-Clause
/* forward.c - the switching decision for a burst, into per-port batches
 *
 * Theory of operation
 * -------------------
 * For one received burst: check every frame (runt, source MAC), classify it
 * into its VLAN (vlan.c), look up sources and destinations in the FDB in one
 * bulk call, learn the sources, then queue each frame on its output port's
 * batch: the port its destination was learned on, or - for broadcast,
 * multicast and unknown unicast - every other port of the frame's VLAN.
 * A flooded frame is not copied: its refcount is raised once per extra
 * output port, and whoever must write into it copies first (egress).
 * Batches are sent by egress.c when full and at the end of the round.
 */
#include "forward.h"

#include <stdlib.h>

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
 * classify() - check frames and build their FDB keys; drops bad ones
 * @in:		ingress port
 * @pkts:	frames; dropped ones are removed, order kept
 * @n:		count
 * @src:	source keys, filled
 * @dst:	destination keys, filled
 *
 * Return: frames kept
 */
static uint16_t classify(struct port *in, struct rte_mbuf **pkts, uint16_t n,
			 struct fdb_key *src, struct fdb_key *dst)
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
		src[kept].mac = eh->src_addr;
		src[kept].vlan = vid;
		dst[kept].mac = eh->dst_addr;
		dst[kept].vlan = vid;
		pkts[kept++] = m;
	}
	return kept;
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
	const struct fdb_key *keys[2 * PORT_BURST];
	struct port_counters *c = port_counters(in);
	int32_t pos[2 * PORT_BURST];

	n = classify(in, pkts, n, src, dst);
	if (!n)
		return;
	for (uint16_t i = 0; i < n; i++) {
		keys[i] = &src[i];
		keys[n + i] = &dst[i];
	}
	fdb_lookup_bulk(ctx->fdb, keys, 2u * n, pos);
	for (uint16_t i = 0; i < n; i++) {
		fdb_result ev = fdb_learn(ctx->fdb, &src[i], pos[i], in->index,
					  ctx->now);

		if (ev != FDB_EV__MAX)
			c->fdb_events[ev]++;
	}
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint16_t to = FDB_PORT_NONE;
		struct port *out = NULL;

		if (!rte_is_multicast_ether_addr(&dst[i].mac))
			to = fdb_entry_port(ctx->fdb, pos[n + i]);
		if (to != FDB_PORT_NONE)
			out = ctx->table->by_index[to];
		if (out && (out->mirror_out || !vlan_member(out, dst[i].vlan)))
			out = NULL; /* static entry: port outside the VLAN or
				     * a mirror output */
		if (!out) {
			flood(ctx, in, m, dst[i].vlan);
		} else if (out == in) {
			port_drop(in, DROP_FILTERED, &m, 1);
		} else {
			c->forwarded++;
			egress_enqueue(ctx, out, m);
		}
	}
}
