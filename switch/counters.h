/* SPDX-License-Identifier: BSD-3-Clause */
/* counters.h - per-port counters: traffic, drops by reason, FDB events
 *
 * Every drop reason and event is named once, in the X-macro lists below, so
 * the enum, the names in `vioctl stats` and the JSON keys never drift.
 * Counters live in one block per writer thread (a "slot": one per PMD thread,
 * one for the control thread, one for a port's own worker thread), so each
 * block has a single writer and needs no atomics; readers sum the slots.
 */
#ifndef VIOSWITCH_COUNTERS_H
#define VIOSWITCH_COUNTERS_H

#include <stdint.h>

#include <rte_common.h>

/* X(ENUM, "name", "what it means") */
#define DROP_REASONS(X)                                                        \
	X(RUNT, "runt", "frame shorter than an Ethernet header")               \
	X(TRUNCATED, "truncated", "frame cut short by the capture snaplen")    \
	X(VLAN, "vlan", "VLAN tag not allowed on this port")                   \
	X(BAD_SRC, "bad_src", "source MAC is multicast or zero")               \
	X(FILTERED, "filtered", "no other port to send to")                    \
	X(TOO_BIG, "too_big", "frame longer than the output port's limit")     \
	X(TX_FULL, "tx_full", "output queue or ring full")                     \
	X(TX_ERROR, "tx_error", "output port failed to send")                  \
	X(NOMEM, "nomem", "no mbuf for a copy, segment or received frame")     \
	X(OFFLOAD, "offload", "offload metadata invalid or not adaptable")     \
	X(LINK_DOWN, "link_down", "output port not connected")                 \
	X(RX_ERROR, "rx_error", "port failed to receive")                      \
	X(RX_FULL, "rx_full", "ring toward the switch full")                   \
	X(MIRROR_OUT, "mirror_out", "received on a mirror output port")        \
	X(NAT_LIMIT, "nat_limit",                                              \
	  "NAT flow refused: a cap on flows or connections was reached")       \
	X(IP_SPOOF, "ip_spoof",                                                \
	  "source IPv4 address bound to another guest or port (NAT)")          \
	X(STORM, "storm", "flooded frame over the port's storm= limit")        \
	X(NAT_BUSY, "nat_busy", "port's share of the NAT's input queue full")  \
	X(OVER_MTU, "over_mtu",                                                \
	  "frame from a guest longer than its port's mtu=")

#define FDB_EVENTS(X)                                                          \
	X(LEARNED, "learned", "new MAC learned on this port")                  \
	X(MOVED, "moved", "MAC moved to this port from another")               \
	X(LEARN_LIMIT, "learn_limit", "MAC not learned: port's limit reached") \
	X(FDB_FULL, "fdb_full", "MAC not learned: FDB full")

/* Which path frames took through offload adaptation (output port). */
#define OFFLOAD_PATHS(X)                                                       \
	X(PASS, "offload_pass", "sent with offload requests the port takes")   \
	X(CSUM, "csum_sw", "checksum filled in software")                      \
	X(SEG, "segmented", "super-frame segmented in software")               \
	X(SEGS, "segments", "frames made by software segmentation")            \
	X(LINEAR, "linearized", "chained frame copied into one buffer")

#define X_ENUM(e, name, doc) OFFLOAD_##e,
enum offload_path {
	OFFLOAD_PATHS(X_ENUM) OFFLOAD__MAX
};
#undef X_ENUM
#define X_ENUM(e, name, doc) DROP_##e,
enum drop_reason {
	DROP_REASONS(X_ENUM) DROP__MAX
};
#undef X_ENUM
#define X_ENUM(e, name, doc) FDB_EV_##e,
enum fdb_event {
	FDB_EVENTS(X_ENUM) FDB_EV__MAX
};
#undef X_ENUM

extern const char *const drop_reason_names[DROP__MAX];
extern const char *const fdb_event_names[FDB_EV__MAX];
extern const char *const offload_path_names[OFFLOAD__MAX];

/* Counter slots: PMD threads use 0..MAX_PMDS-1. */
#define MAX_PMDS      32
#define SLOT_CONTROL  MAX_PMDS
#define SLOT_WORKER   (MAX_PMDS + 1)
#define COUNTER_SLOTS (MAX_PMDS + 2)

/**
 * struct port_counters - one writer's counters for one port
 * @rx_packets:	frames received (before any drop)
 * @rx_bytes:	their bytes
 * @tx_packets:	frames handed to the port's peer
 * @tx_bytes:	their bytes
 * @forwarded:	received frames sent to one known port
 * @flooded:	received frames sent to every other port of their VLAN
 * @drops:	frames dropped, by reason (charged to the port that dropped)
 * @fdb_events:	learning events of sources seen on this port
 * @offload:	frames sent on this port, by offload path
 *
 * Received frames add up: rx_packets = forwarded + flooded + the drops
 * counted at ingress (runt, truncated, vlan, bad_src, filtered, mirror_out,
 * storm, over_mtu). nat_busy is charged to the ingress port too, but later:
 * a frame it counts was already counted as forwarded or flooded.
 */
struct port_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t forwarded;
	uint64_t flooded;
	uint64_t drops[DROP__MAX];
	uint64_t fdb_events[FDB_EV__MAX];
	uint64_t offload[OFFLOAD__MAX];
} __rte_cache_aligned;

/* The calling thread's slot; PMD threads set it to their index. */
extern __thread unsigned int counter_slot;

#endif /* VIOSWITCH_COUNTERS_H */
