// SPDX-License-Identifier: BSD-3-Clause
/* egress.c - per-output-port batches: adapt to the port, then send
 *
 * Theory of operation
 * -------------------
 * forward.c queues frames per output port. A batch is sent when it is full
 * and at the end of every polling round (or, with a flush interval, once its
 * oldest frame waited that long). Sending adapts each frame to the output
 * port first: length check, 802.1Q tag (vlan.c), then captures see the
 * frames as the switch holds them (super-frames whole, capture_hook.h), then
 * offloads the port lacks (offload.c: checksum, segmentation, linearising),
 * so port kinds never re-implement fallbacks. The port's tx_burst then
 * consumes the frames.
 */
#include "egress.h"

#include "capture_hook.h"
#include "offload.h"
#include "vlan.h"

#define EGRESS_OUT_MAX 512

/**
 * tx() - hand @n adapted frames to @port
 * @port:	output port
 * @txq:	caller's tx queue number
 * @pkts:	frames, consumed
 * @n:		count
 * @sent:	incremented by the frames the port accepted
 */
static void tx(struct port *port, uint16_t txq, struct rte_mbuf **pkts,
	       uint16_t n, uint64_t *sent)
{
	uint16_t q = txq % port->n_txq;
	uint16_t done = 0;

	while (done < n) {
		uint16_t chunk = RTE_MIN(n - done, PORT_BURST);

		if (port->tx_shared) {
			rte_spinlock_lock(&port->txq_lock[q]);
			*sent += port->ops->tx_burst(port, q, pkts + done,
						     chunk);
			rte_spinlock_unlock(&port->txq_lock[q]);
		} else {
			*sent += port->ops->tx_burst(port, q, pkts + done,
						     chunk);
		}
		done += chunk;
	}
}

/**
 * egress_send() - adapt frames to @port and send them
 * @ctx:	forwarding state (tx queue, sent count)
 * @port:	output port
 * @pkts:	frames, consumed (sent, or dropped and counted on @port)
 * @n:		count
 */
void egress_send(struct fwd_ctx *ctx, struct port *port, struct rte_mbuf **pkts,
		 uint16_t n)
{
	struct rte_mbuf *out[EGRESS_OUT_MAX];
	uint16_t n_out = 0, kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (m->pkt_len > port->max_frame &&
		    !(m->ol_flags & OFFLOAD_SEG_FLAGS)) {
			port_drop(port, DROP_TOO_BIG, &m, 1);
			continue;
		}
		if (vlan_egress(port, &m)) {
			port_drop(port, DROP_NOMEM, &m, 1);
			continue;
		}
		pkts[kept++] = m;
	}
	cap_hook_tap(ctx, port, CAP_DIR_TX, pkts, kept);
	for (uint16_t i = 0; i < kept; i++) {
		if (EGRESS_OUT_MAX - n_out < OFFLOAD_MAX_SEGS) {
			tx(port, ctx->txq, out, n_out, &ctx->tx_sent);
			n_out = 0;
		}
		n_out += offload_adapt(port, pkts[i], out + n_out,
				       EGRESS_OUT_MAX - n_out);
	}
	if (n_out)
		tx(port, ctx->txq, out, n_out, &ctx->tx_sent);
}

/**
 * egress_flush_port() - send the batch of one port now
 * @ctx:	forwarding state
 * @index:	port index
 */
void egress_flush_port(struct fwd_ctx *ctx, uint16_t index)
{
	struct fwd_batch *b = &ctx->batch[index];
	uint16_t n = b->n;

	if (!n)
		return;
	b->n = 0;
	egress_send(ctx, b->port, b->pkts, n);
}

/**
 * egress_flush() - send batches at the end of a round
 * @ctx:	forwarding state
 * @all:	send every batch; otherwise only those older than the flush
 *		interval
 */
void egress_flush(struct fwd_ctx *ctx, bool all)
{
	uint16_t kept = 0;

	for (uint16_t i = 0; i < ctx->n_dirty; i++) {
		uint16_t idx = ctx->dirty[i];
		struct fwd_batch *b = &ctx->batch[idx];

		if (b->n && !all && ctx->tsc - b->since < ctx->flush_cycles) {
			ctx->dirty[kept++] = idx;
			continue;
		}
		egress_flush_port(ctx, idx);
		b->listed = false;
	}
	ctx->n_dirty = kept;
}
