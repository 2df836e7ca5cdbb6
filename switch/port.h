/* SPDX-License-Identifier: BSD-3-Clause */
/* port.h - the port contract: what every port kind provides to the switch
 *
 * Theory of operation
 * -------------------
 * A port is one attachment to the switch: a VM (vhost-user), a kernel tap,
 * the user-mode NAT, a pcap file. The core only sees this contract.
 *
 * Packet ownership:
 * - rx_burst() hands the returned mbufs to the caller. Offload intent is in
 *   DPDK's standard ol_flags (RTE_MBUF_F_TX_TCP_SEG, ..._TX_TCP_CKSUM,
 *   l2_len/l3_len/l4_len, tso_segsz); no raw virtio header passes the port.
 *   Forwarding (forward.c) then sets each mbuf's port field to the ingress
 *   port's index, so the port that receives the frame (the NAT) knows
 *   where it came from; before that, a port that steers may use the field
 *   to name the frame's one output port (@steers).
 * - tx_burst() always consumes all @n mbufs: sent, or dropped and counted by
 *   reason. Mbufs may be shared by a flood (refcount > 1): a port never
 *   writes into a shared mbuf. Before tx the core has already adapted every
 *   mbuf to the port's @caps (checksums, segmentation, linear data, tags).
 *
 * Threads: rx_burst/tx_burst/rx_arm/rx_disarm run on PMD threads, at most one
 * thread per rx queue; a tx queue is used by one PMD thread unless
 * @tx_shared, in which case the core takes @txq_lock around tx_burst.
 * open/start/stop/close/info run on the control thread.
 *
 * Next hops: a port may reach several places (a VXLAN port: its remote
 * VTEPs). Such a port sets @hops and names, per received frame, the hop
 * it came through (port_hop_set(), a number only the port interprets,
 * 0 for none); the FDB learns it with the frame's source. A frame the
 * core sends to a learned destination on that port carries the learned
 * hop (port_hop()), every other frame (flood, unknown unicast) carries 0.
 *
 * Idle wake-up: rx_fd(q) is a pollable fd that becomes readable when queue q
 * has packets, once rx_arm(q) was called. A PMD thread arms its queues, polls
 * once more, then sleeps in epoll; rx_disarm(q) after it wakes up.
 */
#ifndef VIOSWITCH_PORT_H
#define VIOSWITCH_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_spinlock.h>

#include "counters.h"
#include "netdev.h"

#define PORT_ID_MAX	 NETDEV_ID_MAX /* bytes, including NUL */
#define PORT_KINDS_MAX	 16
#define PORT_MAX_QUEUES	 16
#define PORT_BURST	 32
#define PORT_JUMBO_MBUFS 2048 /* 64 KB buffers, at most (port.c) */
#define PORT_TABLE_MAX	 256 /* ports in one switch */
#define PORT_STORM_GUEST 2000 /* storm= default of guest-facing kinds, pps */

/* Capabilities: what a port accepts on transmit. */
#define PORT_CAP_MULTISEG (1u << 0) /* chained mbufs */
#define PORT_CAP_L4_CKSUM (1u << 1) /* TCP/UDP checksum left to it */
#define PORT_CAP_TSO4	  (1u << 2) /* TCP/IPv4 super-frames */
#define PORT_CAP_TSO6	  (1u << 3) /* TCP/IPv6 super-frames */
#define PORT_CAP_UFO	  (1u << 4) /* UDP super-frames */

struct cap_hooks;
struct port;

/**
 * struct port_ops - operations of one port kind
 * @rx_burst:	receive up to @max mbufs from queue @q. Return: count; the
 *		caller owns them
 * @tx_burst:	send @n mbufs on queue @q. Consumes all @n. Return: sent count
 * @rx_fd:	fd readable when queue @q has work after rx_arm(), or -1
 * @rx_arm:	enable wake-ups of queue @q before the PMD thread sleeps
 * @rx_disarm:	disable wake-ups of queue @q while the PMD thread polls
 * @start:	start traffic (control thread). Return: 0 or -errno
 * @stop:	stop traffic; afterwards no thread touches the port's queues
 * @close:	free everything the port holds, including @port itself
 * @info:	add kind-specific fields to @obj for `vioctl port list`
 * @hint:	print how to attach to the port (e.g. a QEMU command line)
 * @tick:	once a second on the control thread, for housekeeping
 * @hop_parse:	for a port with @hops: the hop a user's text names (a
 *		static FDB entry). Return: 0, or -errno with a message in @err
 * @hop_name:	for a port with @hops: write @hop's text into @buf
 */
struct port_ops {
	uint16_t (*rx_burst)(struct port *port, uint16_t q,
			     struct rte_mbuf **pkts, uint16_t max);
	uint16_t (*tx_burst)(struct port *port, uint16_t q,
			     struct rte_mbuf **pkts, uint16_t n);
	int (*rx_fd)(struct port *port, uint16_t q);
	void (*rx_arm)(struct port *port, uint16_t q);
	void (*rx_disarm)(struct port *port, uint16_t q);
	int (*start)(struct port *port);
	void (*stop)(struct port *port);
	void (*close)(struct port *port);
	void (*info)(struct port *port, json_t *obj);
	void (*hint)(struct port *port, FILE *out);
	void (*tick)(struct port *port);
	int (*hop_parse)(struct port *port, const char *text, uint32_t *hop,
			 char *err, size_t errlen);
	void (*hop_name)(struct port *port, uint32_t hop, char *buf,
			 size_t len);
};

/**
 * struct port_kind - a kind of port, as named in `--netdev KIND,...`; each
 * kind registers itself when the program loads (port_kind_register())
 * @name:	"pcap", "vhost-user", "tap", "user"
 * @keys:	NULL-terminated option keys this kind accepts besides the common
 * @storm_default: storm= when not given, flooded frames per second (0: no
 *		limit)
 * @open:	create a port from parsed options; on error return NULL and
 *		write a message naming the offending text into @err
 */
struct port_kind {
	const char *name;
	const char *const *keys;
	uint32_t storm_default;
	struct port *(*open)(const struct netdev *nd, char *err, size_t errlen);
};

/**
 * struct port - one port of the switch
 * @index:	slot in the port table, also the FDB's port number
 * @id:		the user's id= text
 * @kind:	port kind
 * @ops:	operations
 * @caps:	PORT_CAP_* accepted on transmit
 * @max_frame:	longest frame (without offload) the port accepts, bytes
 * @n_rxq:	receive queues
 * @n_txq:	transmit queues
 * @tx_shared:	set by the core when PMD threads must share tx queues
 * @vlan:	access VLAN, or native VLAN of a trunk (0: untagged)
 * @trunk:	tagged frames of any VLAN pass; untagged ones belong to @vlan
 * @learn_limit: most MACs the FDB learns on this port
 * @ip4:	the guest's static IPv4 address (ip=, network order), 0 for
 *		none: a NAT binds it to this port
 * @storm_pps:	storm= limit: broadcast, multicast and unknown unicast frames
 *		received per second (0: no limit)
 * @storm_cost:	TSC cycles of credit one such frame takes from a PMD
 *		thread's bucket (0: no limit; storm.h)
 * @storm_depth: most credit a bucket holds, TSC cycles
 * @txq_lock:	taken around tx_burst when @tx_shared
 * @rxq_packets: frames received per queue (written by the queue's PMD)
 * @cap:	captures and mirrors watching the port (RCU, capture_hook.h)
 * @mirror_out:	the port is a mirror's output: it leaves normal switching
 * @steers:	set by the port kind: a frame it receives may name, in its
 *		mbuf's port field, the one port it may leave by (the NAT
 *		sends a guest's frames to the port the guest is bound to);
 *		RTE_MBUF_PORT_INVALID there means switched as usual
 * @hops:	set by the port kind: frames name a next hop behind the port
 *		(see "Next hops" above; port_hops_enable() first)
 * @cnt:	counters, one block per writer slot
 */
struct port {
	uint16_t index;
	char id[PORT_ID_MAX];
	const struct port_kind *kind;
	const struct port_ops *ops;
	uint32_t caps;
	uint32_t max_frame;
	uint16_t n_rxq;
	uint16_t n_txq;
	bool tx_shared;
	uint16_t vlan;
	bool trunk;
	uint32_t learn_limit;
	uint32_t ip4;
	uint32_t storm_pps;
	uint64_t storm_cost;
	uint64_t storm_depth;
	rte_spinlock_t txq_lock[PORT_MAX_QUEUES];
	uint64_t rxq_packets[PORT_MAX_QUEUES];
	struct cap_hooks *cap;
	bool mirror_out;
	bool steers;
	bool hops;
	struct port_counters cnt[COUNTER_SLOTS];
};

/**
 * port_counters() - the calling thread's counter block of @port
 * @port:	port
 *
 * Return: counters only this thread writes
 */
static inline struct port_counters *port_counters(struct port *port)
{
	return &port->cnt[counter_slot];
}

/**
 * port_count_drop() - count @n frames dropped for @reason on @port
 * @port:	port
 * @reason:	DROP_*
 * @n:		frames
 */
static inline void port_count_drop(struct port *port, enum drop_reason reason,
				   uint64_t n)
{
	port_counters(port)->drops[reason] += n;
}

/**
 * port_drop() - free @n mbufs and count them as dropped for @reason
 * @port:	port to charge
 * @reason:	DROP_*
 * @pkts:	mbufs, consumed
 * @n:		count
 */
static inline void port_drop(struct port *port, enum drop_reason reason,
			     struct rte_mbuf **pkts, unsigned int n)
{
	if (!n)
		return;
	port_count_drop(port, reason, n);
	rte_pktmbuf_free_bulk(pkts, n);
}

/**
 * port_count_tx() - account @n mbufs about to be sent on @port
 * @port:	port
 * @pkts:	mbufs, still owned by the caller
 * @n:		count
 */
static inline void port_count_tx(struct port *port, struct rte_mbuf **pkts,
				 unsigned int n)
{
	struct port_counters *c = port_counters(port);
	uint64_t bytes = 0;

	for (unsigned int i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	c->tx_packets += n;
	c->tx_bytes += bytes;
}

extern int port_hop_offset;

/**
 * port_hop() - the next hop a frame names (port.h "Next hops")
 * @m:		frame
 *
 * Return: hop, 0 for none
 */
static inline uint32_t port_hop(const struct rte_mbuf *m)
{
	return *RTE_MBUF_DYNFIELD(m, port_hop_offset, const uint32_t *);
}

/**
 * port_hop_set() - name the next hop of a frame
 * @m:		frame, not shared
 * @hop:	hop, 0 for none
 */
static inline void port_hop_set(struct rte_mbuf *m, uint32_t hop)
{
	*RTE_MBUF_DYNFIELD(m, port_hop_offset, uint32_t *) = hop;
}

int port_hops_enable(void);
struct port *port_alloc(const struct port_kind *kind,
			const struct port_ops *ops, const struct netdev *nd,
			size_t size);
void port_free(struct port *port);
uint32_t port_storm_pps(const struct port_kind *kind, const struct netdev *nd);
void port_counters_sum(const struct port *port, struct port_counters *sum);
void port_kind_register(const struct port_kind *kind);
const struct port_kind *port_kind_find(const char *name);
const char *port_kind_names(char *buf, size_t len);
void port_kinds_usage(FILE *out, unsigned int indent, unsigned int width);
const struct port_kind *port_parse(const char *spec, struct netdev *nd,
				   char *err, size_t errlen);
struct port *port_open(const char *spec, char *err, size_t errlen);
void port_info_json(struct port *port, json_t *obj);

struct rte_mempool *port_jumbo_pool_create(void);

extern struct rte_mempool *port_mbuf_pool;
extern struct rte_mempool *port_jumbo_mbuf_pool;

#endif /* VIOSWITCH_PORT_H */
