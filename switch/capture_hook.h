/* SPDX-License-Identifier: BSD-3-Clause */
/* capture_hook.h - where the datapath lets a capture or mirror see frames
 *
 * Theory of operation
 * -------------------
 * The core knows that a port's frames can be watched, at receive and at
 * transmit, but not who watches them or what they do with the frames. The
 * feature that watches (capture/) registers one struct cap_hook_ops at
 * start-up and publishes, per port, the list of what watches it (struct
 * cap_hooks) in port->cap under RCU. The datapath calls cap_hook_tap() at
 * receive (pmd.c) and at transmit (egress.c): a port nobody watches costs
 * one load and a branch. The switch instance (vswitch.c) tells the feature
 * when the port table changes, so that it can recompute its hooks, and
 * when a removed port can no longer be reached by a PMD thread, so that
 * its hooks can be freed.
 */
#ifndef VIOSWITCH_CAPTURE_HOOK_H
#define VIOSWITCH_CAPTURE_HOOK_H

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>

#include "port.h"

#define CAP_DIR_RX   1u /* frames the port received from its peer */
#define CAP_DIR_TX   2u /* frames the switch sent to the port's peer */
#define CAP_DIR_BOTH (CAP_DIR_RX | CAP_DIR_TX)

struct cap_session;
struct fwd_ctx;

/**
 * struct cap_hooks - what watches one port (RCU-published in port->cap)
 * @dirs:	union of the hooks' directions
 * @n:		number of hooks
 * @h:		sessions, opaque to the core, each with the directions it
 *		watches on this port
 */
struct cap_hooks {
	uint8_t dirs;
	uint16_t n;
	struct cap_hook {
		struct cap_session *s;
		uint8_t dir;
	} h[];
};

/**
 * struct cap_hook_ops - what the watching feature provides to the core
 * @tap_burst:	let the sessions in @hooks see a burst on @port (PMD
 *		thread). @pkts stay the caller's and are not modified
 * @ports_changed: the port table changed (control thread)
 * @port_removed: no PMD thread can reach @port any more; free its hooks
 *		(control thread)
 */
struct cap_hook_ops {
	void (*tap_burst)(struct fwd_ctx *ctx, struct port *port,
			  const struct cap_hooks *hooks, uint8_t dir,
			  struct rte_mbuf **pkts, uint16_t n);
	void (*ports_changed)(void);
	void (*port_removed)(struct port *port);
};

extern const struct cap_hook_ops *cap_hook_ops;

void cap_hook_register(const struct cap_hook_ops *ops);

/**
 * cap_hook_tap() - let what watches @port see a burst
 * @ctx:	forwarding state of the calling PMD thread
 * @port:	port the burst was received on or is sent to
 * @dir:	CAP_DIR_RX or CAP_DIR_TX
 * @pkts:	frames, still owned by the caller and not modified
 * @n:		count
 *
 * port->cap is only ever set by the feature that registered cap_hook_ops.
 */
static inline void cap_hook_tap(struct fwd_ctx *ctx, struct port *port,
				uint8_t dir, struct rte_mbuf **pkts, uint16_t n)
{
	const struct cap_hooks *h =
		__atomic_load_n(&port->cap, __ATOMIC_ACQUIRE);

	if (unlikely(h != NULL) && (h->dirs & dir) && n)
		cap_hook_ops->tap_burst(ctx, port, h, dir, pkts, n);
}

#endif /* VIOSWITCH_CAPTURE_HOOK_H */
