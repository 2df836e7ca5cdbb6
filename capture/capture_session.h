/* SPDX-License-Identifier: BSD-3-Clause */
/* capture_session.h - one capture or mirror session (capture*.c only) */
#ifndef VIOSWITCH_CAPTURE_SESSION_H
#define VIOSWITCH_CAPTURE_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ring.h>

#include "capture.h"
#include "capture_filter.h"
#include "clock.h"
#include "counters.h"

#define CAP_RING_SIZE  4096 /* records between the datapath and writer */
#define CAP_POOL_MBUFS 8192 /* buffers for captured and mirrored copies */
#define CAP_INDEX_NONE UINT16_MAX
#define CAP_REASON_MAX 160
#define CAP_HOP_MAX    48 /* a next hop's text: an IPv6 address fits */

/**
 * struct cap_meta - what the datapath records with each captured copy, in
 * the copy's mbuf private area
 * @ts_ns:	wall-clock time, ns since the epoch
 * @ol_flags:	offload flags of the original frame
 * @orig_len:	length of the original frame
 * @tso_segsz:	its segment size, for super-frames
 * @l2_len:	its header lengths, for super-frames
 * @l3_len:	...
 * @l4_len:	...
 * @port:	index of the port it was seen on
 * @dir:	CAP_DIR_RX or CAP_DIR_TX
 * @port_id:	that port's id, for the interface block
 * @hop_kind:	for a port with next hops (port.h): its kind's name, else
 *		NULL
 * @hop:	the next hop the frame came through or goes to, as the port
 *		names it; "" for a flood (every hop of the port's flood list)
 */
struct cap_meta {
	uint64_t ts_ns;
	uint64_t ol_flags;
	uint32_t orig_len;
	uint16_t tso_segsz;
	uint16_t l2_len;
	uint16_t l3_len;
	uint16_t l4_len;
	uint16_t port;
	uint8_t dir;
	char port_id[PORT_ID_MAX];
	const char *hop_kind;
	char hop[CAP_HOP_MAX];
};

/**
 * struct cap_stats - one writer thread's counts for one port of a session
 * @seen:	frames offered to the filter
 * @matched:	frames the filter accepted
 * @dropped:	accepted frames lost: no buffer, ring full, output gone
 */
struct cap_stats {
	uint64_t seen;
	uint64_t matched;
	uint64_t dropped;
};

/**
 * struct cap_session - a running or ended capture or mirror
 * @id:		number shown to users
 * @spec:	what was asked (spec.fd moved to the writer)
 * @filter:	compiled filter, NULL for every frame
 * @ring:	captured copies toward the writer (captures)
 * @dst_index:	mirror output port index, CAP_INDEX_NONE while it is absent
 * @stats:	counts per writer slot, per port index
 * @started_ns:	wall-clock start
 * @writer:	the writer thread's state (captures)
 * @thread:	the writer thread
 * @has_thread:	@thread was started and not yet joined
 * @ended:	hooks removed and writer joined: counts are final
 * @reason:	why it ended ("stopped", "count reached", a write error)
 */
struct cap_session {
	unsigned int id;
	struct cap_spec spec;
	struct cap_filter *filter;
	struct rte_ring *ring;
	uint16_t dst_index;
	struct cap_stats (*stats)[PORT_TABLE_MAX];
	uint64_t started_ns;
	struct cap_writer *writer;
	pthread_t thread;
	bool has_thread;
	bool ended;
	char reason[CAP_REASON_MAX];
};

extern struct rte_mempool *cap_pool;

void cap_session_sum(const struct cap_session *s, int port,
		     struct cap_stats *sum);

int cap_writer_open(struct cap_session *s, int evfd, char *err, size_t errlen);
int cap_writer_start(struct cap_session *s, char *err, size_t errlen);
void cap_writer_stop(struct cap_session *s, bool shutdown);
bool cap_writer_done(const struct cap_session *s, char *reason, size_t len);
void cap_writer_json(const struct cap_session *s, json_t *obj);
void cap_writer_free(struct cap_session *s);

#endif /* VIOSWITCH_CAPTURE_SESSION_H */
