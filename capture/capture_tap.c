// SPDX-License-Identifier: BSD-3-Clause
/* capture_tap.c - the datapath side of captures and mirrors
 *
 * Theory of operation
 * -------------------
 * The core's cap_hook_tap() (switch/capture_hook.h) costs one pointer load
 * per burst while nobody watches a port. When sessions do, it calls
 * cap_tap_burst(): each session runs its filter over the burst (JIT-ed
 * eBPF, capture_filter.c) and handles the matches:
 * - a capture copies up to snaplen bytes of each match into buffers of its
 *   own pool, stamps it (wall clock once per burst, port, direction,
 *   offload metadata) and puts the burst of copies on the session's ring in
 *   one call. On a port with next hops (a VXLAN port's remote VTEPs) the
 *   copy also records the hop's name, which the port's hop_name() writes
 *   here, on the PMD thread, while the port surely exists; the writer
 *   puts it in the record's comment. The writer thread does all I/O. A
 *   copy that finds no buffer or no room in the ring is freed and counted
 *   as dropped: captures lose their own copies under pressure, never
 *   forwarded frames.
 * - a mirror copies the whole frame (offload metadata included, so the
 *   output port adapts it like any frame) into the capture pool, not the
 *   switch's, so mirroring cannot starve forwarding, and queues it on the
 *   output port's batch, as the frame was on the wire: tag included, no
 *   VLAN processing on the way out.
 * The frames themselves are only read. Counters go to the calling thread's
 * slot, per port, so the session sees per-interface statistics.
 */
#include "capture.h"

#include "capture_session.h"
#include "egress.h"

/**
 * struct hop_cache - the last next hop named in a burst
 * @hop:	hop number, UINT32_MAX for none yet
 * @name:	its text
 */
struct hop_cache {
	uint32_t hop;
	char name[CAP_HOP_MAX];
};

/**
 * record_hop() - note in a copy's record the next hop its frame came
 * through or goes to
 * @port:	port with next hops
 * @m:		frame
 * @meta:	record
 * @hc:		names already made in this burst
 */
static void record_hop(struct port *port, const struct rte_mbuf *m,
		       struct cap_meta *meta, struct hop_cache *hc)
{
	uint32_t hop = port_hop(m);

	if (hop != hc->hop) {
		hc->hop = hop;
		hc->name[0] = '\0';
		if (hop && port->ops->hop_name)
			port->ops->hop_name(port, hop, hc->name,
					    sizeof(hc->name));
	}
	meta->hop_kind = port->kind->name;
	memcpy(meta->hop, hc->name, sizeof(meta->hop));
}

/**
 * capture_copy() - copy one matching frame for a capture's writer
 * @s:		capture session
 * @port:	port it was seen on
 * @dir:	direction
 * @m:		frame, read only
 * @ts:		timestamp
 * @hc:		next hop names of this burst (ports with next hops)
 *
 * Return: the stamped copy, or NULL without a buffer
 */
static struct rte_mbuf *capture_copy(const struct cap_session *s,
				     struct port *port, uint8_t dir,
				     const struct rte_mbuf *m, uint64_t ts,
				     struct hop_cache *hc)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, cap_pool, 0, s->spec.snaplen);
	struct cap_meta *meta;

	if (!c)
		return NULL;
	meta = rte_mbuf_to_priv(c);
	meta->ts_ns = ts;
	meta->ol_flags = m->ol_flags;
	meta->orig_len = m->pkt_len;
	meta->tso_segsz = m->tso_segsz;
	meta->l2_len = m->l2_len;
	meta->l3_len = m->l3_len;
	meta->l4_len = m->l4_len;
	meta->port = port->index;
	meta->dir = dir;
	memcpy(meta->port_id, port->id, PORT_ID_MAX);
	meta->hop_kind = NULL;
	if (port->hops)
		record_hop(port, m, meta, hc);
	return c;
}

/**
 * capture_burst() - copy the matching frames to a capture's ring
 * @s:		capture session
 * @port:	port
 * @dir:	direction
 * @match:	matching frames
 * @n:		count
 * @st:		the calling thread's counters for @port
 */
static void capture_burst(struct cap_session *s, struct port *port, uint8_t dir,
			  struct rte_mbuf **match, uint16_t n,
			  struct cap_stats *st)
{
	struct hop_cache hc = { .hop = UINT32_MAX };
	struct rte_mbuf *copies[PORT_BURST];
	uint64_t ts = clock_wall_ns();
	unsigned int k = 0, sent;

	for (uint16_t i = 0; i < n; i++) {
		copies[k] = capture_copy(s, port, dir, match[i], ts, &hc);
		if (copies[k])
			k++;
	}
	sent = k ? rte_ring_mp_enqueue_burst(s->ring, (void **)copies, k, NULL)
		 : 0;
	if (sent < k)
		rte_pktmbuf_free_bulk(copies + sent, k - sent);
	st->dropped += n - sent;
}

/**
 * mirror_burst() - copy the matching frames to a mirror's output port
 * @ctx:	forwarding state
 * @s:		mirror session
 * @match:	matching frames
 * @n:		count
 * @st:		the calling thread's counters for the watched port
 */
static void mirror_burst(struct fwd_ctx *ctx, const struct cap_session *s,
			 struct rte_mbuf **match, uint16_t n,
			 struct cap_stats *st)
{
	uint16_t idx = __atomic_load_n(&s->dst_index, __ATOMIC_RELAXED);
	struct port *dst =
		idx < PORT_TABLE_MAX ? ctx->table->by_index[idx] : NULL;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *c =
			dst ? rte_pktmbuf_copy(match[i], port_mbuf_pool, 0,
					       UINT32_MAX)
			    : NULL;

		if (!c) {
			st->dropped++;
			continue;
		}
		c->vlan_tci = 0; /* as on the wire: no tagging on the way out */
		egress_enqueue(ctx, dst, c);
	}
}

/**
 * tap_chunk() - run every session watching @port over up to PORT_BURST
 * frames
 * @ctx:	forwarding state of the calling PMD thread
 * @port:	port
 * @hooks:	its sessions
 * @dir:	CAP_DIR_RX or CAP_DIR_TX
 * @pkts:	frames, read only, still owned by the caller
 * @n:		count, at most PORT_BURST
 */
static void tap_chunk(struct fwd_ctx *ctx, struct port *port,
		      const struct cap_hooks *hooks, uint8_t dir,
		      struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *match[PORT_BURST];

	for (uint16_t k = 0; k < hooks->n; k++) {
		struct cap_session *s = hooks->h[k].s;
		struct cap_stats *st;
		uint16_t m = 0;

		if (!(hooks->h[k].dir & dir))
			continue;
		st = &s->stats[counter_slot][port->index];
		st->seen += n;
		for (uint16_t i = 0; i < n; i++)
			if (!s->filter || cap_filter_match(s->filter, pkts[i]))
				match[m++] = pkts[i];
		if (!m)
			continue;
		st->matched += m;
		if (s->spec.kind == CAP_KIND_MIRROR)
			mirror_burst(ctx, s, match, m, st);
		else
			capture_burst(s, port, dir, match, m, st);
	}
}

/**
 * cap_tap_burst() - run every session watching @port over a burst
 * @ctx:	forwarding state of the calling PMD thread
 * @port:	port
 * @hooks:	its sessions
 * @dir:	CAP_DIR_RX or CAP_DIR_TX
 * @pkts:	frames, read only, still owned by the caller
 * @n:		count
 */
void cap_tap_burst(struct fwd_ctx *ctx, struct port *port,
		   const struct cap_hooks *hooks, uint8_t dir,
		   struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t done = 0; done < n; done += PORT_BURST)
		tap_chunk(ctx, port, hooks, dir, pkts + done,
			  RTE_MIN(n - done, PORT_BURST));
}
