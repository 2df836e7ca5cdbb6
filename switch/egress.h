/* SPDX-License-Identifier: BSD-3-Clause */
/* egress.h - per-output-port batches: adapt to the port, then send */
#ifndef VIOSWITCH_EGRESS_H
#define VIOSWITCH_EGRESS_H

#include <stdbool.h>

#include "forward.h"

void egress_enqueue(struct fwd_ctx *ctx, struct port *port, struct rte_mbuf *m);
void egress_flush_port(struct fwd_ctx *ctx, uint16_t index);
void egress_flush(struct fwd_ctx *ctx, bool all);
void egress_send(struct fwd_ctx *ctx, struct port *port, struct rte_mbuf **pkts,
		 uint16_t n);

#endif /* VIOSWITCH_EGRESS_H */
