/* SPDX-License-Identifier: BSD-3-Clause */
/* egress.h - per-output-port batches: adapt to the port, then send */
#ifndef VIOSWITCH_EGRESS_H
#define VIOSWITCH_EGRESS_H

#include <stdbool.h>

#include "forward.h"

void egress_flush_port(struct fwd_ctx *ctx, uint16_t index);
void egress_flush(struct fwd_ctx *ctx, bool all);
void egress_send(struct fwd_ctx *ctx, struct port *port, struct rte_mbuf **pkts,
		 uint16_t n);

/**
 * egress_enqueue() - queue one frame for @port; sends the batch when full
 * @ctx:	forwarding state
 * @port:	output port
 * @m:		frame (one reference), consumed
 */
static inline void egress_enqueue(struct fwd_ctx *ctx, struct port *port,
				  struct rte_mbuf *m)
{
	struct fwd_batch *b = &ctx->batch[port->index];

	if (!b->n) {
		b->port = port;
		b->since = ctx->tsc;
		if (!b->listed) {
			b->listed = true;
			ctx->dirty[ctx->n_dirty++] = port->index;
		}
	}
	b->pkts[b->n++] = m;
	if (b->n == PORT_BURST)
		egress_flush_port(ctx, port->index);
}

#endif /* VIOSWITCH_EGRESS_H */
