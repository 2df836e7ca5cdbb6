/* SPDX-License-Identifier: BSD-3-Clause */
/* offload.h - adapt a frame's offload requests to an output port */
#ifndef VIOSWITCH_OFFLOAD_H
#define VIOSWITCH_OFFLOAD_H

#include <rte_mbuf.h>
#include <rte_net.h>

#include "port.h"

/* Most frames one super-frame becomes: 64 KB at the smallest useful MSS. */
#define OFFLOAD_MAX_SEGS 128

#define OFFLOAD_SEG_FLAGS (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)

uint16_t offload_adapt(struct port *port, struct rte_mbuf *m,
		       struct rte_mbuf **out, uint16_t room);
int offload_rx_to_tx(struct rte_mbuf *m);
int offload_csum_raw(struct rte_mbuf *m, uint16_t start, uint16_t offset);
int offload_intent(struct rte_mbuf *m, uint32_t ptype,
		   const struct rte_net_hdr_lens *hl, uint16_t seg_size);
int offload_init(struct rte_mempool *pool);

#endif /* VIOSWITCH_OFFLOAD_H */
