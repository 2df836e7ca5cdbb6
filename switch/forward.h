/* SPDX-License-Identifier: BSD-3-Clause */
/* forward.h - the switching decision for a burst, into per-port batches */
#ifndef VIOSWITCH_FORWARD_H
#define VIOSWITCH_FORWARD_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "port.h"
#include "port_table.h"
#include "storm.h"

struct fdb;

/**
 * struct fwd_batch - frames waiting for one output port
 * @port:	output port (valid until the owning thread's next quiescent
 *		state)
 * @n:		frames queued
 * @listed:	in the owner's dirty list
 * @since:	TSC when the first frame was queued
 * @pkts:	frames, owned by the batch
 */
struct fwd_batch {
	struct port *port;
	uint16_t n;
	bool listed;
	uint64_t since;
	struct rte_mbuf *pkts[PORT_BURST];
};

/**
 * struct fwd_ctx - one thread's forwarding state
 * @fdb:	forwarding database
 * @table:	port table for this iteration
 * @now:	fdb_clock() for this iteration
 * @tsc:	TSC for this iteration
 * @flush_cycles: how long a partial batch may wait (0: flush every round)
 * @txq:	tx queue this thread uses on every port (its PMD index)
 * @tx_sent:	frames the ports accepted (for PMD statistics)
 * @n_dirty:	batches holding frames
 * @dirty:	their port indexes
 * @batch:	batches by port index
 * @storm:	storm control buckets by ingress port index (storm.h)
 */
struct fwd_ctx {
	struct fdb *fdb;
	const struct port_table *table;
	uint32_t now;
	uint64_t tsc;
	uint64_t flush_cycles;
	uint16_t txq;
	uint64_t tx_sent;
	uint16_t n_dirty;
	uint16_t dirty[PORT_TABLE_MAX];
	struct fwd_batch batch[PORT_TABLE_MAX];
	struct storm_bucket storm[PORT_TABLE_MAX];
};

struct fwd_ctx *fwd_ctx_create(struct fdb *fdb, uint16_t txq);
void fwd_ctx_destroy(struct fwd_ctx *ctx);
void forward_burst(struct fwd_ctx *ctx, struct port *in, struct rte_mbuf **pkts,
		   uint16_t n);

#endif /* VIOSWITCH_FORWARD_H */
