// SPDX-License-Identifier: BSD-3-Clause
/* test_forward.c - unit tests of the switching decision (switch/forward.c,
 * with fdb.c, vlan.c and egress.c underneath)
 *
 * Each test builds a small switch from real pcap ports without files
 * (port_open("pcap,id=..."), not started), a real FDB and forwarding
 * context, passes bursts of real mbufs to forward_burst() and looks at the
 * per-port output batches and counters. Fewer than PORT_BURST frames go to
 * any port, so batches are not sent, except in the one test that checks
 * sending.
 */
#include "eal_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "egress.h"
#include "fdb.h"
#include "forward.h"
#include "port.h"
#include "port_table.h"
#include "storm.h"

#define RIG_PORTS 8
#define NOW	  1000

/**
 * struct rig - the switch under test
 * @ports:	ports, index = position
 * @n:		ports used
 * @table:	port table holding them
 * @fdb:	forwarding database
 * @ctx:	forwarding state of this (the only) thread
 */
static struct rig {
	struct port *ports[RIG_PORTS];
	unsigned int n;
	struct port_table *table;
	struct fdb *fdb;
	struct fwd_ctx *ctx;
} rig;

static const struct rte_ether_addr bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff,
					       0xff } };

/**
 * rig_setup() - per-test: empty switch, mbuf count remembered
 * @state:	unused
 *
 * Return: 0, or -1
 */
static int rig_setup(void **state)
{
	static unsigned int seq;
	char name[32];

	fixture_mbuf_mark(state);
	memset(&rig, 0, sizeof(rig));
	snprintf(name, sizeof(name), "tfwd%u", seq++);
	rig.fdb = fdb_create(name, 1024, NULL, NULL);
	rig.ctx = rig.fdb ? fwd_ctx_create(rig.fdb, 0) : NULL;
	if (!rig.ctx)
		return -1;
	rig.ctx->now = NOW;
	rig.ctx->tsc = 1;
	return 0;
}

/**
 * drain() - free every frame waiting in the output batches and empty them
 */
static void drain(void)
{
	for (unsigned int i = 0; i < PORT_TABLE_MAX; i++) {
		struct fwd_batch *b = &rig.ctx->batch[i];

		rte_pktmbuf_free_bulk(b->pkts, b->n);
		b->n = 0;
		b->listed = false;
	}
	rig.ctx->n_dirty = 0;
}

/**
 * rig_teardown() - per-test: free batches, close ports, free everything,
 * then check no mbuf leaked
 * @state:	unused
 *
 * Return: 0, or -1 on an mbuf leak
 */
static int rig_teardown(void **state)
{
	drain();
	for (unsigned int i = 0; i < rig.n; i++)
		rig.ports[i]->ops->close(rig.ports[i]);
	free(rig.table);
	fwd_ctx_destroy(rig.ctx);
	fdb_destroy(rig.fdb);
	memset(&rig, 0, sizeof(rig));
	return fixture_mbuf_check(state);
}

/**
 * add_port() - open a pcap port from @spec and connect it to the rig
 * @spec:	"pcap,id=...", without files
 *
 * Return: the port
 */
static struct port *add_port(const char *spec)
{
	struct port_table *old = rig.table;
	char err[256] = "";
	struct port *p;

	assert_true(rig.n < RIG_PORTS);
	p = port_open(spec, err, sizeof(err));
	if (!p)
		fail_msg("port_open(%s): %s", spec, err);
	p->index = (uint16_t)rig.n;
	rig.ports[rig.n++] = p;
	fdb_port_setup(rig.fdb, p->index, p->learn_limit);
	storm_setup(p, 1);
	rig.table = port_table_with(old, p);
	assert_non_null(rig.table);
	free(old);
	rig.ctx->table = rig.table;
	return p;
}

/**
 * frame() - an untagged frame between numbered MACs (0: broadcast dst)
 * @dst:	fixture_mac() number of the destination, 0 for broadcast
 * @src:	fixture_mac() number of the source
 *
 * Return: mbuf, owned by the caller
 */
static struct rte_mbuf *frame(uint32_t dst, uint32_t src)
{
	struct rte_ether_addr d = dst ? fixture_mac(dst) : bcast;
	struct rte_ether_addr s = fixture_mac(src);

	return fixture_frame(&d, &s, 46);
}

/**
 * tagged() - a frame tagged with VLAN @vid
 * @dst:	fixture_mac() number of the destination, 0 for broadcast
 * @src:	fixture_mac() number of the source
 * @vid:	VLAN id
 *
 * Return: mbuf, owned by the caller
 */
static struct rte_mbuf *tagged(uint32_t dst, uint32_t src, uint16_t vid)
{
	struct fixture_frame f = {
		.dst = dst ? fixture_mac(dst) : bcast,
		.src = fixture_mac(src),
		.tagged = true,
		.tci = vid,
		.payload = 46,
	};

	return fixture_frame_mbuf(&f);
}

/**
 * send1() - pass one frame received on @in to forward_burst()
 * @in:		ingress port
 * @m:		frame, consumed
 */
static void send1(struct port *in, struct rte_mbuf *m)
{
	forward_burst(rig.ctx, in, &m, 1);
}

/**
 * queued() - frames waiting in @p's output batch
 * @p:		port
 *
 * Return: count
 */
static uint16_t queued(const struct port *p)
{
	return rig.ctx->batch[p->index].n;
}

/**
 * head() - the first frame waiting for @p
 * @p:		port
 *
 * Return: mbuf, still owned by the batch
 */
static struct rte_mbuf *head(const struct port *p)
{
	assert_true(queued(p) > 0);
	return rig.ctx->batch[p->index].pkts[0];
}

/**
 * cnt() - the summed counters of @p
 * @p:		port
 *
 * Return: a copy
 */
static struct port_counters cnt(const struct port *p)
{
	struct port_counters c;

	port_counters_sum(p, &c);
	return c;
}

/**
 * ingress_drops() - frames dropped at ingress on @p, all reasons
 * @c:		counters
 *
 * Return: runt + truncated + vlan + bad_src + filtered + storm
 */
static uint64_t ingress_drops(const struct port_counters *c)
{
	return c->drops[DROP_RUNT] + c->drops[DROP_TRUNCATED] +
	       c->drops[DROP_VLAN] + c->drops[DROP_BAD_SRC] +
	       c->drops[DROP_FILTERED] + c->drops[DROP_STORM];
}

/**
 * test_unknown_unicast_floods() - to every other port, one shared mbuf
 * @state:	unused
 */
static void test_unknown_unicast_floods(void **state)
{
	struct port *p0 = add_port("pcap,id=p0"), *p1 = add_port("pcap,id=p1");
	struct port *p2 = add_port("pcap,id=p2");
	struct rte_mbuf *m = frame(2, 1);
	struct fdb_key a = { .mac = fixture_mac(1) };

	(void)state;
	send1(p0, m);
	assert_int_equal(queued(p0), 0);
	assert_int_equal(queued(p1), 1);
	assert_int_equal(queued(p2), 1);
	assert_ptr_equal(head(p1), m);
	assert_ptr_equal(head(p2), m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 2);
	assert_int_equal(cnt(p0).flooded, 1);
	assert_int_equal(cnt(p0).forwarded, 0);
	assert_int_equal(cnt(p0).fdb_events[FDB_EV_LEARNED], 1);
	assert_int_equal(fdb_lookup(rig.fdb, &a), p0->index);
}

/**
 * test_broadcast_floods() - a broadcast reaches all other ports even when
 * its "destination" would be known
 * @state:	unused
 */
static void test_broadcast_floods(void **state)
{
	struct port *p[4];
	struct rte_mbuf *m;

	(void)state;
	p[0] = add_port("pcap,id=p0");
	p[1] = add_port("pcap,id=p1");
	p[2] = add_port("pcap,id=p2");
	p[3] = add_port("pcap,id=p3");
	m = frame(0, 1);
	send1(p[0], m);
	for (int i = 1; i < 4; i++)
		assert_ptr_equal(head(p[i]), m);
	assert_int_equal(queued(p[0]), 0);
	assert_int_equal(rte_mbuf_refcnt_read(m), 3);
	assert_int_equal(cnt(p[0]).flooded, 1);
}

/**
 * test_multicast_floods() - a multicast destination is never looked up
 * @state:	unused
 */
static void test_multicast_floods(void **state)
{
	struct port *p0 = add_port("pcap,id=p0"), *p1 = add_port("pcap,id=p1");
	struct port *p2 = add_port("pcap,id=p2");
	struct rte_ether_addr mc = { { 0x01, 0x00, 0x5e, 0, 0, 1 } };
	struct rte_ether_addr src = fixture_mac(1);

	(void)state;
	send1(p0, fixture_frame(&mc, &src, 46));
	assert_int_equal(queued(p1), 1);
	assert_int_equal(queued(p2), 1);
	assert_int_equal(cnt(p0).flooded, 1);
}

/**
 * test_learned_unicast_to_one_port() - after B spoke on p1, A's frame to B
 * goes to p1 only, unshared
 * @state:	unused
 */
static void test_learned_unicast_to_one_port(void **state)
{
	struct port *p0 = add_port("pcap,id=p0"), *p1 = add_port("pcap,id=p1");
	struct port *p2 = add_port("pcap,id=p2");
	struct rte_mbuf *m;

	(void)state;
	send1(p1, frame(0, 2));
	drain();
	m = frame(2, 1);
	send1(p0, m);
	assert_int_equal(queued(p1), 1);
	assert_ptr_equal(head(p1), m);
	assert_int_equal(queued(p2), 0);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	assert_int_equal(cnt(p0).forwarded, 1);
	assert_int_equal(cnt(p0).flooded, 0);
}

/**
 * test_steering_port_names_the_output() - a frame from a port that steers
 * goes to the port it names, not where the FDB has its destination, nor
 * everywhere when broadcast; every frame leaves with its ingress port in
 * m->port
 * @state:	unused
 */
static void test_steering_port_names_the_output(void **state)
{
	struct port *p0 = add_port("pcap,id=p0"), *p1 = add_port("pcap,id=p1");
	struct port *p2 = add_port("pcap,id=p2");
	struct rte_mbuf *m;

	(void)state;
	p0->steers = true;
	send1(p1, frame(0, 2)); /* the FDB has MAC 2 on p1 */
	drain();
	m = frame(2, 1);
	m->port = p2->index;
	send1(p0, m);
	assert_int_equal(queued(p1), 0);
	assert_int_equal(queued(p2), 1);
	assert_int_equal(head(p2)->port, p0->index);
	m = frame(0, 1);
	m->port = p1->index;
	send1(p0, m);
	assert_int_equal(queued(p1), 1);
	assert_int_equal(queued(p2), 1);
	/* Not named, or named where it may not go: as usual / filtered. */
	send1(p0, frame(2, 1));
	assert_int_equal(queued(p1), 2);
	m = frame(2, 1);
	m->port = p0->index;
	send1(p0, m);
	assert_int_equal(cnt(p0).drops[DROP_FILTERED], 1);
	assert_int_equal(cnt(p0).forwarded, 3);
	/* A port that does not steer: m->port is not read. */
	m = frame(0, 3);
	m->port = p2->index;
	send1(p1, m);
	assert_int_equal(queued(p0), 1);
	assert_int_equal(queued(p2), 2);
}

/**
 * test_destination_on_ingress_port_filtered() - a frame whose destination
 * lives on the port it came from goes nowhere
 * @state:	unused
 */
static void test_destination_on_ingress_port_filtered(void **state)
{
	struct port *p0 = add_port("pcap,id=p0"), *p1 = add_port("pcap,id=p1");

	(void)state;
	send1(p0, frame(0, 2));
	drain();
	send1(p0, frame(2, 1));
	assert_int_equal(queued(p1), 0);
	assert_int_equal(cnt(p0).drops[DROP_FILTERED], 1);
	assert_int_equal(cnt(p0).forwarded, 0);
}

/**
 * test_flood_with_no_other_port_filtered() - a lone port floods to nobody
 * @state:	unused
 */
static void test_flood_with_no_other_port_filtered(void **state)
{
	struct port *p0 = add_port("pcap,id=p0");

	(void)state;
	send1(p0, frame(0, 1));
	assert_int_equal(cnt(p0).drops[DROP_FILTERED], 1);
	assert_int_equal(cnt(p0).flooded, 0);
}

/**
 * test_runt_dropped() - shorter than an Ethernet header
 * @state:	unused
 */
static void test_runt_dropped(void **state)
{
	struct port *p0 = add_port("pcap,id=p0"), *p1 = add_port("pcap,id=p1");
	struct fixture_frame f = { .dst = bcast, .src = fixture_mac(1) };
	uint8_t buf[FIXTURE_FRAME_MAX];

	(void)state;
	fixture_frame_bytes(&f, buf, sizeof(buf));
	send1(p0, fixture_mbuf(buf, RTE_ETHER_HDR_LEN - 1));
	assert_int_equal(cnt(p0).drops[DROP_RUNT], 1);
	assert_int_equal(queued(p1), 0);
	assert_int_equal(fdb_count(rig.fdb), 0);
}

/**
 * test_bad_source_dropped() - multicast and all-zero sources are dropped
 * and never learned
 * @state:	unused
 */
static void test_bad_source_dropped(void **state)
{
	struct port *p0 = add_port("pcap,id=p0"), *p1 = add_port("pcap,id=p1");
	struct rte_ether_addr dst = fixture_mac(2), zero = { { 0 } };
	struct rte_ether_addr mc = { { 0x01, 0, 0, 0, 0, 1 } };
	struct rte_mbuf *pkts[3] = { fixture_frame(&dst, &mc, 46),
				     fixture_frame(&dst, &zero, 46),
				     fixture_frame(&dst, &bcast, 46) };

	(void)state;
	forward_burst(rig.ctx, p0, pkts, 3);
	assert_int_equal(cnt(p0).drops[DROP_BAD_SRC], 3);
	assert_int_equal(queued(p1), 0);
	assert_int_equal(fdb_count(rig.fdb), 0);
}

/**
 * test_tagged_frame_on_access_port_dropped() - access ports take no tags
 * @state:	unused
 */
static void test_tagged_frame_on_access_port_dropped(void **state)
{
	struct port *a = add_port("pcap,id=a,vlan=10");
	struct port *t = add_port("pcap,id=t");

	(void)state;
	send1(a, tagged(0, 1, 10));
	assert_int_equal(cnt(a).drops[DROP_VLAN], 1);
	assert_int_equal(queued(t), 0);
	assert_int_equal(fdb_count(rig.fdb), 0);
}

/**
 * vlan_rig() - access ports a1, a2 (VLAN 10), b (VLAN 20), trunk t
 * @p:		the four ports, in that order
 */
static void vlan_rig(struct port **p)
{
	p[0] = add_port("pcap,id=a1,vlan=10");
	p[1] = add_port("pcap,id=a2,vlan=10");
	p[2] = add_port("pcap,id=b,vlan=20");
	p[3] = add_port("pcap,id=t");
}

/**
 * test_access_vlans_isolated() - VLAN 10 floods reach the other VLAN 10
 * port and the trunk, never the VLAN 20 port, and the reverse
 * @state:	unused
 */
static void test_access_vlans_isolated(void **state)
{
	struct port *p[4];

	(void)state;
	vlan_rig(p);
	send1(p[0], frame(0, 1));
	assert_int_equal(queued(p[1]), 1);
	assert_int_equal(queued(p[2]), 0);
	assert_int_equal(queued(p[3]), 1);
	assert_int_equal(head(p[3])->vlan_tci & RTE_VLAN_ID_MASK, 10);
	drain();
	send1(p[2], frame(0, 3));
	assert_int_equal(queued(p[0]), 0);
	assert_int_equal(queued(p[1]), 0);
	assert_int_equal(queued(p[3]), 1);
	assert_int_equal(head(p[3])->vlan_tci & RTE_VLAN_ID_MASK, 20);
}

/**
 * test_unicast_to_other_vlan_never_crosses() - a MAC learned in VLAN 20 is
 * unknown in VLAN 10: the frame floods VLAN 10 only
 * @state:	unused
 */
static void test_unicast_to_other_vlan_never_crosses(void **state)
{
	struct port *p[4];

	(void)state;
	vlan_rig(p);
	send1(p[2], frame(0, 3));
	drain();
	send1(p[0], frame(3, 1));
	assert_int_equal(queued(p[2]), 0);
	assert_int_equal(queued(p[1]), 1);
	assert_int_equal(queued(p[3]), 1);
	assert_int_equal(cnt(p[0]).flooded, 1);
}

/**
 * test_trunk_tagged_frame_reaches_its_vlan() - a tagged frame from the
 * trunk reaches only its VLAN's access ports, untagged inside the switch
 * @state:	unused
 */
static void test_trunk_tagged_frame_reaches_its_vlan(void **state)
{
	struct port *p[4];
	struct fixture_frame plain = { .dst = bcast,
				       .src = fixture_mac(9),
				       .payload = 46 };
	uint8_t want[FIXTURE_FRAME_MAX];
	size_t len = fixture_frame_bytes(&plain, want, sizeof(want));

	(void)state;
	vlan_rig(p);
	send1(p[3], tagged(0, 9, 20));
	assert_int_equal(queued(p[0]), 0);
	assert_int_equal(queued(p[1]), 0);
	assert_int_equal(queued(p[2]), 1);
	assert_int_equal(head(p[2])->vlan_tci, 20);
	fixture_assert_mbuf_bytes(head(p[2]), want, len);
}

/**
 * test_static_entry_never_crosses_vlans() - a static entry pointing a
 * VLAN 10 MAC at the VLAN 20 access port must not carry VLAN 10 frames
 * out of that port
 * @state:	unused
 */
static void test_static_entry_never_crosses_vlans(void **state)
{
	struct fdb_key k = { .mac = fixture_mac(5), .vlan = 10 };
	struct port *p[4];

	(void)state;
	vlan_rig(p);
	assert_int_equal(fdb_add_static(rig.fdb, &k, p[2]->index, 0), 0);
	send1(p[0], frame(5, 1));
	assert_int_equal(queued(p[2]), 0);
}

/**
 * test_flood_into_empty_vlan_filtered() - nobody else in the VLAN
 * @state:	unused
 */
static void test_flood_into_empty_vlan_filtered(void **state)
{
	struct port *a = add_port("pcap,id=a,vlan=30");
	struct port *b = add_port("pcap,id=b,vlan=40");

	(void)state;
	send1(a, frame(0, 1));
	assert_int_equal(queued(b), 0);
	assert_int_equal(cnt(a).drops[DROP_FILTERED], 1);
}

/**
 * test_learn_limit_counted() - learn_limit=2 and 5 sources: 2 learned,
 * 3 counted as learn_limit, every frame still flooded
 * @state:	unused
 */
static void test_learn_limit_counted(void **state)
{
	struct port *p0 = add_port("pcap,id=p0,learn_limit=2");
	struct port *p1 = add_port("pcap,id=p1");
	struct rte_mbuf *pkts[5];

	(void)state;
	for (uint32_t i = 0; i < 5; i++)
		pkts[i] = frame(0, 10 + i);
	forward_burst(rig.ctx, p0, pkts, 5);
	assert_int_equal(cnt(p0).fdb_events[FDB_EV_LEARNED], 2);
	assert_int_equal(cnt(p0).fdb_events[FDB_EV_LEARN_LIMIT], 3);
	assert_int_equal(fdb_port_learned(rig.fdb, p0->index), 2);
	assert_int_equal(cnt(p0).flooded, 5);
	assert_int_equal(queued(p1), 5);
}

/**
 * test_mac_move_counted() - a source moving from p0 to p1 is counted on
 * p1 and frames to it follow
 * @state:	unused
 */
static void test_mac_move_counted(void **state)
{
	struct port *p0 = add_port("pcap,id=p0"), *p1 = add_port("pcap,id=p1");
	struct port *p2 = add_port("pcap,id=p2");

	(void)state;
	send1(p0, frame(0, 1));
	send1(p1, frame(0, 1));
	drain();
	assert_int_equal(cnt(p1).fdb_events[FDB_EV_MOVED], 1);
	assert_int_equal(cnt(p0).fdb_events[FDB_EV_MOVED], 0);
	send1(p2, frame(1, 3));
	assert_int_equal(queued(p1), 1);
	assert_int_equal(queued(p0), 0);
	assert_int_equal(cnt(p2).forwarded, 1);
}

/**
 * test_counters_add_up() - on a mixed burst, every frame received is
 * forwarded, flooded or dropped at ingress, each exactly once
 * @state:	unused
 */
static void test_counters_add_up(void **state)
{
	struct port *a = add_port("pcap,id=a,vlan=5");
	struct port *b = add_port("pcap,id=b,vlan=5");
	struct rte_ether_addr dst = fixture_mac(2), mc = { { 0x03 } };
	static const uint8_t runt[6] = { 0xff };
	struct rte_mbuf *pkts[10];
	struct port_counters c;

	(void)state;
	add_port("pcap,id=t");
	send1(a, frame(0, 7)); /* 7 lives on a */
	send1(b, frame(0, 2)); /* 2 lives on b */
	drain();
	pkts[0] = fixture_mbuf(runt, sizeof(runt)); /* runt */
	pkts[1] = fixture_frame(&dst, &mc, 46); /* bad_src */
	pkts[2] = tagged(2, 1, 5); /* vlan */
	pkts[3] = frame(7, 1); /* filtered */
	pkts[4] = frame(2, 1); /* forwarded */
	pkts[5] = frame(2, 8); /* forwarded */
	pkts[6] = frame(0, 1); /* flooded */
	pkts[7] = frame(99, 1); /* flooded */
	pkts[8] = fixture_mbuf(runt, 1); /* runt */
	pkts[9] = frame(98, 8); /* flooded */
	forward_burst(rig.ctx, a, pkts, 10);
	c = cnt(a);
	assert_int_equal(c.forwarded, 2);
	assert_int_equal(c.flooded, 1 + 3);
	assert_int_equal(c.drops[DROP_RUNT], 2);
	assert_int_equal(c.drops[DROP_BAD_SRC], 1);
	assert_int_equal(c.drops[DROP_VLAN], 1);
	assert_int_equal(c.drops[DROP_FILTERED], 1);
	assert_int_equal(c.forwarded + c.flooded + ingress_drops(&c), 1 + 10);
}

/**
 * test_runs_of_one_flow_decided_alike() - a burst whose frames share
 * sources and destinations in runs (looked up once per run) is switched
 * frame by frame as if each were looked up alone, in order
 * @state:	unused
 */
static void test_runs_of_one_flow_decided_alike(void **state)
{
	struct port *p0 = add_port("pcap,id=p0"), *p1 = add_port("pcap,id=p1");
	struct port *p2 = add_port("pcap,id=p2");
	static const uint8_t runt[6] = { 0xff };
	struct fdb_key c_key = { .mac = fixture_mac(3) };
	struct rte_mbuf *pkts[8], *from3, *to4;
	struct port_counters c;

	(void)state;
	send1(p1, frame(0, 2)); /* 2 lives on p1 */
	send1(p2, frame(0, 4)); /* 4 lives on p2 */
	drain();
	pkts[0] = frame(2, 1);
	pkts[1] = frame(2, 1);
	pkts[2] = fixture_mbuf(runt, sizeof(runt)); /* inside a run */
	pkts[3] = frame(2, 1);
	pkts[4] = frame(4, 1); /* same source, other destination */
	pkts[5] = frame(2, 3); /* new source, first destination again */
	pkts[6] = frame(9, 3); /* unknown: flooded */
	pkts[7] = frame(2, 3);
	from3 = pkts[5];
	to4 = pkts[4];
	forward_burst(rig.ctx, p0, pkts, 8); /* compacts pkts */
	assert_int_equal(queued(p1), 6); /* 0, 1, 3, 5, 7 and the flood */
	assert_int_equal(queued(p2), 2); /* 4 and the flood */
	assert_ptr_equal(rig.ctx->batch[p1->index].pkts[3], from3);
	assert_ptr_equal(rig.ctx->batch[p2->index].pkts[0], to4);
	c = cnt(p0);
	assert_int_equal(c.forwarded, 6);
	assert_int_equal(c.flooded, 1);
	assert_int_equal(c.drops[DROP_RUNT], 1);
	/* sources 1 and 3 learned once each, not once per frame */
	assert_int_equal(c.fdb_events[FDB_EV_LEARNED], 2);
	assert_int_equal(fdb_lookup(rig.fdb, &c_key), p0->index);
}

/**
 * test_flush_sends_partial_batches() - the end-of-round flush hands every
 * waiting frame to its port
 * @state:	unused
 */
static void test_flush_sends_partial_batches(void **state)
{
	struct port *p0 = add_port("pcap,id=p0"), *p1 = add_port("pcap,id=p1");
	struct port *p2 = add_port("pcap,id=p2");

	(void)state;
	send1(p0, frame(0, 1));
	egress_flush(rig.ctx, true);
	assert_int_equal(queued(p1), 0);
	assert_int_equal(queued(p2), 0);
	assert_int_equal(cnt(p1).tx_packets, 1);
	assert_int_equal(cnt(p2).tx_packets, 1);
	assert_int_equal(rig.ctx->tx_sent, 2);
}

/**
 * test_egress_tags_for_trunk_only() - a VLAN 10 flood leaves the access
 * port untagged (60 bytes) and the trunk tagged (64 bytes)
 * @state:	unused
 */
static void test_egress_tags_for_trunk_only(void **state)
{
	struct port *a1 = add_port("pcap,id=a1,vlan=10");
	struct port *a2 = add_port("pcap,id=a2,vlan=10");
	struct port *t = add_port("pcap,id=t");

	(void)state;
	send1(a1, frame(0, 1));
	egress_flush(rig.ctx, true);
	assert_int_equal(cnt(a2).tx_packets, 1);
	assert_int_equal(cnt(a2).tx_bytes, 60);
	assert_int_equal(cnt(t).tx_packets, 1);
	assert_int_equal(cnt(t).tx_bytes, 64);
}

/**
 * test_egress_drops_too_big() - a frame longer than the output port's MTU
 * allows is dropped there and counted as too_big
 * @state:	unused
 */
static void test_egress_drops_too_big(void **state)
{
	struct port *p0 = add_port("pcap,id=p0");
	struct port *p1 = add_port("pcap,id=p1,mtu=100");
	struct rte_ether_addr d = fixture_mac(2), s = fixture_mac(1);
	struct rte_mbuf *pkts[2];

	(void)state;
	send1(p1, frame(0, 2));
	drain();
	pkts[0] = fixture_frame(&d, &s, 100);
	pkts[1] = fixture_frame(&d, &s, 101);
	forward_burst(rig.ctx, p0, pkts, 2);
	egress_flush(rig.ctx, true);
	assert_int_equal(cnt(p1).tx_packets, 1);
	assert_int_equal(cnt(p1).drops[DROP_TOO_BIG], 1);
}

/**
 * test_full_batch_is_sent() - more than PORT_BURST frames for one port:
 * the full batch goes to the pcap port's tx_burst right away, the rest at
 * the end-of-round flush; the port counts them all as sent
 * @state:	unused
 */
static void test_full_batch_is_sent(void **state)
{
	struct port *p0 = add_port("pcap,id=p0"), *p1 = add_port("pcap,id=p1");
	struct rte_mbuf *pkts[20];
	uint64_t bytes = 0;

	(void)state;
	send1(p1, frame(0, 2));
	drain();
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 20; i++) {
			pkts[i] = frame(2, 1);
			bytes += pkts[i]->pkt_len;
		}
		forward_burst(rig.ctx, p0, pkts, 20);
	}
	assert_int_equal(cnt(p1).tx_packets, PORT_BURST);
	assert_int_equal(queued(p1), 40 - PORT_BURST);
	egress_flush(rig.ctx, true);
	assert_int_equal(queued(p1), 0);
	assert_int_equal(rig.ctx->n_dirty, 0);
	assert_int_equal(cnt(p1).tx_packets, 40);
	assert_int_equal(cnt(p1).tx_bytes, bytes);
	assert_int_equal(rig.ctx->tx_sent, 40);
	assert_int_equal(cnt(p0).forwarded, 40);
	assert_int_equal(cnt(p1).drops[DROP_TX_FULL], 0);
}

/**
 * send_many() - pass @n frames from @mk(@dst, @src) received on @in, in
 * bursts of PORT_BURST, then empty the output batches
 * @in:		ingress port
 * @dst:	destination MAC number (0: broadcast)
 * @src:	source MAC number
 * @n:		frames
 */
static void send_many(struct port *in, uint32_t dst, uint32_t src,
		      unsigned int n)
{
	struct rte_mbuf *pkts[PORT_BURST];

	while (n) {
		uint16_t k = (uint16_t)RTE_MIN(n, (unsigned int)PORT_BURST);

		for (uint16_t i = 0; i < k; i++)
			pkts[i] = frame(dst, src);
		forward_burst(rig.ctx, in, pkts, k);
		drain();
		n -= k;
	}
}

/**
 * test_storm_limits_flooding() - storm=1000: a burst of broadcasts floods
 * a full bucket's worth (100 ms: 100 frames), the rest is dropped as
 * storm; 10 ms later 10 more pass; every frame is counted once
 * @state:	unused
 */
static void test_storm_limits_flooding(void **state)
{
	struct port *p0 = add_port("pcap,id=p0,storm=1000");
	uint64_t hz = rte_get_tsc_hz();
	struct port_counters c;

	(void)state;
	add_port("pcap,id=p1");
	assert_int_equal(p0->storm_pps, 1000);
	rig.ctx->tsc = 1000 * hz;
	send_many(p0, 0, 1, 128);
	c = cnt(p0);
	assert_int_equal(c.flooded, 100);
	assert_int_equal(c.drops[DROP_STORM], 28);
	rig.ctx->tsc += hz / 100;
	send_many(p0, 0, 1, 64);
	c = cnt(p0);
	assert_int_equal(c.flooded, 110);
	assert_int_equal(c.drops[DROP_STORM], 28 + 54);
	assert_int_equal(c.forwarded + c.flooded + ingress_drops(&c), 192);
}

/**
 * test_storm_counts_every_flood_kind() - multicast and unknown unicast take
 * from the bucket as broadcasts do; known unicast in the same bursts passes
 * whatever the bucket holds
 * @state:	unused
 */
static void test_storm_counts_every_flood_kind(void **state)
{
	struct port *p0 = add_port("pcap,id=p0,storm=100");
	struct port *p1 = add_port("pcap,id=p1");
	struct rte_ether_addr mc = { { 0x01, 0x00, 0x5e, 0, 0, 1 } };
	struct rte_ether_addr s = fixture_mac(1);
	struct rte_mbuf *pkts[20];
	struct port_counters c;

	(void)state;
	rig.ctx->tsc = 1000 * rte_get_tsc_hz();
	send1(p1, frame(0, 2)); /* 2 lives on p1 */
	drain();
	for (unsigned int i = 0; i < 20; i += 5) {
		pkts[i] = frame(0, 1);
		pkts[i + 1] = fixture_frame(&mc, &s, 46);
		pkts[i + 2] = frame(99, 1);
		pkts[i + 3] = frame(2, 1);
		pkts[i + 4] = frame(2, 1);
	}
	forward_burst(rig.ctx, p0, pkts, 20);
	c = cnt(p0);
	assert_int_equal(c.forwarded, 8);
	assert_int_equal(c.flooded, 10); /* 100 ms at 100/s */
	assert_int_equal(c.drops[DROP_STORM], 2);
	assert_int_equal(queued(p1), 18);
	/* Known unicast only, bucket empty: all of it passes. */
	send_many(p0, 2, 1, 96);
	c = cnt(p0);
	assert_int_equal(c.forwarded, 8 + 96);
	assert_int_equal(c.drops[DROP_STORM], 2);
}

/**
 * test_storm_off_floods_all() - pcap ports have no limit by default, and
 * storm=off or storm=0 lifts one: every broadcast floods
 * @state:	unused
 */
static void test_storm_off_floods_all(void **state)
{
	struct port *p0 = add_port("pcap,id=p0");
	struct port *p1 = add_port("pcap,id=p1,storm=off");
	struct port *p2 = add_port("pcap,id=p2,storm=0");

	(void)state;
	rig.ctx->tsc = 1000 * rte_get_tsc_hz();
	send_many(p0, 0, 1, 500);
	send_many(p1, 0, 2, 500);
	send_many(p2, 0, 3, 500);
	for (unsigned int i = 0; i < 3; i++) {
		struct port_counters c = cnt(rig.ports[i]);

		assert_int_equal(rig.ports[i]->storm_pps, 0);
		assert_int_equal(c.flooded, 500);
		assert_int_equal(c.drops[DROP_STORM], 0);
	}
}

/**
 * test_frames_carry_their_ingress_port() - a switched frame's mbuf port
 * field holds the ingress port's index (the NAT shares its input by it)
 * @state:	unused
 */
static void test_frames_carry_their_ingress_port(void **state)
{
	struct port *p0 = add_port("pcap,id=p0"), *p1 = add_port("pcap,id=p1");
	struct port *p2 = add_port("pcap,id=p2");

	(void)state;
	send1(p2, frame(0, 3));
	assert_int_equal(head(p0)->port, p2->index);
	drain();
	send1(p1, frame(3, 2));
	assert_int_equal(head(p2)->port, p1->index);
}

/**
 * rig_test() - a cmocka test with the rig's setup and teardown
 */
#define rig_test(fn)                                                           \
	cmocka_unit_test_setup_teardown(fn, rig_setup, rig_teardown)

/**
 * main() - run the forward tests
 *
 * Return: 0 when all passed, else the number of failures
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		rig_test(test_unknown_unicast_floods),
		rig_test(test_broadcast_floods),
		rig_test(test_multicast_floods),
		rig_test(test_learned_unicast_to_one_port),
		rig_test(test_steering_port_names_the_output),
		rig_test(test_destination_on_ingress_port_filtered),
		rig_test(test_flood_with_no_other_port_filtered),
		rig_test(test_runt_dropped),
		rig_test(test_bad_source_dropped),
		rig_test(test_tagged_frame_on_access_port_dropped),
		rig_test(test_access_vlans_isolated),
		rig_test(test_unicast_to_other_vlan_never_crosses),
		rig_test(test_trunk_tagged_frame_reaches_its_vlan),
		rig_test(test_static_entry_never_crosses_vlans),
		rig_test(test_flood_into_empty_vlan_filtered),
		rig_test(test_learn_limit_counted),
		rig_test(test_mac_move_counted),
		rig_test(test_counters_add_up),
		rig_test(test_runs_of_one_flow_decided_alike),
		rig_test(test_flush_sends_partial_batches),
		rig_test(test_egress_tags_for_trunk_only),
		rig_test(test_egress_drops_too_big),
		rig_test(test_full_batch_is_sent),
		rig_test(test_storm_limits_flooding),
		rig_test(test_storm_counts_every_flood_kind),
		rig_test(test_storm_off_floods_all),
		rig_test(test_frames_carry_their_ingress_port),
	};

	return cmocka_run_group_tests_name("forward", tests, fixture_eal_setup,
					   fixture_eal_teardown);
}
