// SPDX-License-Identifier: BSD-3-Clause
/* test_slirp_inq.c - unit tests of the NAT's input queue (slirp/slirp_inq.c):
 * lanes per ingress port on real rings and mbufs, refusals, the turn order
 */
#include "eal_fixture.h"

#include <string.h>

#include "slirp_inq.h"

static struct slirp_inq inq;

/**
 * inq_setup() - per-test: an empty queue, mbuf count remembered
 * @state:	unused
 *
 * Return: 0, or -1
 */
static int inq_setup(void **state)
{
	static unsigned int seq;
	char name[16];

	fixture_mbuf_mark(state);
	memset(&inq, 0, sizeof(inq));
	snprintf(name, sizeof(name), "tinq%u", seq++);
	return slirp_inq_init(&inq, name) ? -1 : 0;
}

/**
 * inq_teardown() - per-test: free the queue with what it holds, check no
 * mbuf leaked
 * @state:	unused
 *
 * Return: 0, or -1 on an mbuf leak
 */
static int inq_teardown(void **state)
{
	slirp_inq_fini(&inq);
	return fixture_mbuf_check(state);
}

/**
 * from_port() - a frame the switch received on port @index, numbered @seq
 * (in its first payload bytes)
 * @index:	ingress port index
 * @seq:	sequence number
 *
 * Return: mbuf, owned by the caller
 */
static struct rte_mbuf *from_port(uint16_t index, uint32_t seq)
{
	struct rte_ether_addr d = fixture_mac(1), s = fixture_mac(2);
	struct rte_mbuf *m = fixture_frame(&d, &s, 46);

	m->port = index;
	memcpy(rte_pktmbuf_mtod_offset(m, void *, RTE_ETHER_HDR_LEN), &seq,
	       sizeof(seq));
	return m;
}

/**
 * seq_of() - the number from_port() wrote into @m
 * @m:		frame
 *
 * Return: sequence number
 */
static uint32_t seq_of(const struct rte_mbuf *m)
{
	uint32_t seq;

	memcpy(&seq,
	       rte_pktmbuf_mtod_offset(m, const void *, RTE_ETHER_HDR_LEN),
	       sizeof(seq));
	return seq;
}

/**
 * offer() - enqueue @n frames of port @index, numbered from @first, in
 * bursts of 32, freeing the refused ones
 * @index:	ingress port index
 * @first:	first sequence number
 * @n:		frames
 *
 * Return: frames refused
 */
static unsigned int offer(uint16_t index, uint32_t first, unsigned int n)
{
	unsigned int refused = 0;

	for (unsigned int i = 0; i < n; i += 32) {
		struct rte_mbuf *pkts[32];
		unsigned int k = RTE_MIN(32u, n - i), r;

		for (unsigned int j = 0; j < k; j++)
			pkts[j] = from_port(index, first + i + j);
		r = slirp_inq_enqueue(&inq, pkts, k);
		rte_pktmbuf_free_bulk(pkts, r);
		refused += r;
	}
	return refused;
}

/**
 * test_flood_fills_only_its_lane() - a port offering more than a lane
 * holds is refused the excess; another port's frames still all go in
 * @state:	unused
 */
static void test_flood_fills_only_its_lane(void **state)
{
	(void)state;
	assert_int_equal(offer(1, 0, SLIRP_INQ_LANE + 100), 100);
	assert_int_equal(offer(2, 0, 50), 0);
	assert_int_equal(offer(1, 0, 10), 10);
	assert_false(slirp_inq_empty(&inq));
}

/**
 * test_quiet_port_served_within_a_turn() - behind a full lane, a quiet
 * port's frames come out within the first turn, each lane in its order
 * @state:	unused
 */
static void test_quiet_port_served_within_a_turn(void **state)
{
	struct rte_mbuf *pkts[64];
	uint32_t next[3] = { 0 };
	unsigned int got, seen2 = 0;

	(void)state;
	offer(1, 0, SLIRP_INQ_LANE);
	offer(2, 0, 5);
	got = slirp_inq_dequeue(&inq, pkts, 64);
	assert_int_equal(got, 64);
	for (unsigned int i = 0; i < got; i++) {
		uint16_t p = pkts[i]->port;

		assert_true(p == 1 || p == 2);
		assert_int_equal(seq_of(pkts[i]), next[p]++);
		seen2 += p == 2;
		if (p == 1)
			assert_true(next[1] <= SLIRP_INQ_QUANTUM || seen2 == 5);
	}
	assert_int_equal(seen2, 5);
	rte_pktmbuf_free_bulk(pkts, got);
}

/**
 * test_mixed_burst_split_by_lane() - a burst of frames from several ports
 * goes to each one's lane; refused frames come back at the front, in order
 * @state:	unused
 */
static void test_mixed_burst_split_by_lane(void **state)
{
	struct rte_mbuf *pkts[12], *out[32];
	unsigned int r, got, lane1 = 0;

	(void)state;
	offer(0, 0, SLIRP_INQ_LANE - 2); /* lane 0 has room for 2 */
	for (unsigned int i = 0; i < 12; i++)
		pkts[i] = from_port(i % 3 == 0 ? 0 : 1 + SLIRP_INQ_LANES,
				    1000 + i);
	r = slirp_inq_enqueue(&inq, pkts, 12);
	assert_int_equal(r, 2);
	assert_int_equal(seq_of(pkts[0]), 1006);
	assert_int_equal(seq_of(pkts[1]), 1009);
	rte_pktmbuf_free_bulk(pkts, r);
	/* Lane 1 (port 17) got its 8, in order. */
	while ((got = slirp_inq_dequeue(&inq, out, 32))) {
		for (unsigned int i = 0; i < got; i++) {
			if (out[i]->port == 1 + SLIRP_INQ_LANES)
				lane1++;
		}
		rte_pktmbuf_free_bulk(out, got);
	}
	assert_int_equal(lane1, 8);
	assert_true(slirp_inq_empty(&inq));
}

/**
 * test_empty_queue() - a new queue is empty and gives nothing
 * @state:	unused
 */
static void test_empty_queue(void **state)
{
	struct rte_mbuf *pkts[8];

	(void)state;
	assert_true(slirp_inq_empty(&inq));
	assert_int_equal(slirp_inq_dequeue(&inq, pkts, 8), 0);
}

/**
 * inq_test() - a cmocka test with the queue's setup and teardown
 */
#define inq_test(fn)                                                           \
	cmocka_unit_test_setup_teardown(fn, inq_setup, inq_teardown)

/**
 * main() - run the input queue tests
 *
 * Return: 0 when all passed, else the number of failures
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		inq_test(test_flood_fills_only_its_lane),
		inq_test(test_quiet_port_served_within_a_turn),
		inq_test(test_mixed_burst_split_by_lane),
		inq_test(test_empty_queue),
	};

	return cmocka_run_group_tests_name(
		"slirp_inq", tests, fixture_eal_setup, fixture_eal_teardown);
}
