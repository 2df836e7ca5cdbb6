// SPDX-License-Identifier: BSD-3-Clause
/* test_storm.c - unit tests of the storm control bucket (switch/storm.h)
 *
 * The bucket runs on TSC time handed in by the caller, so the tests drive
 * it with made-up TSC values: a second is rte_get_tsc_hz() cycles.
 */
#include "eal_fixture.h"

#include <string.h>

#include <rte_cycles.h>

#include "port.h"
#include "storm.h"

/**
 * limited_port() - a port structure with a storm= limit set up
 * @p:		zeroed port to fill
 * @pps:	limit
 * @shares:	PMD threads sharing it
 */
static void limited_port(struct port *p, uint32_t pps, unsigned int shares)
{
	memset(p, 0, sizeof(*p));
	p->storm_pps = pps;
	storm_setup(p, shares);
}

/**
 * admitted() - offer @n frames at one TSC value
 * @b:		bucket
 * @p:		port
 * @tsc:	TSC
 * @n:		frames offered
 *
 * Return: frames admitted
 */
static unsigned int admitted(struct storm_bucket *b, const struct port *p,
			     uint64_t tsc, unsigned int n)
{
	unsigned int ok = 0;

	for (unsigned int i = 0; i < n; i++)
		ok += storm_admit(b, p, tsc);
	return ok;
}

/**
 * test_setup_terms() - storm=0 is no limit; a rate is a per-frame cost of
 * one second over the rate, times the threads sharing it; a full bucket is
 * STORM_DEPTH_MS of time, at least one frame
 * @state:	unused
 */
static void test_setup_terms(void **state)
{
	uint64_t hz = rte_get_tsc_hz();
	struct port p;

	(void)state;
	limited_port(&p, 0, 1);
	assert_false(storm_limited(&p));
	limited_port(&p, 1000, 1);
	assert_true(storm_limited(&p));
	assert_int_equal(p.storm_cost, hz / 1000);
	assert_int_equal(p.storm_depth, hz * STORM_DEPTH_MS / 1000);
	limited_port(&p, 1000, 4);
	assert_int_equal(p.storm_cost, 4 * hz / 1000);
	limited_port(&p, 1000, 0); /* no thread yet: counts as one */
	assert_int_equal(p.storm_cost, hz / 1000);
	limited_port(&p, 2, 1); /* half a second per frame: depth one frame */
	assert_int_equal(p.storm_depth, p.storm_cost);
}

/**
 * test_full_bucket_then_empty() - a fresh bucket allows a burst of 100 ms
 * worth of frames at once, then nothing at the same instant
 * @state:	unused
 */
static void test_full_bucket_then_empty(void **state)
{
	uint64_t t = 1000 * rte_get_tsc_hz();
	struct storm_bucket b = { 0 };
	struct port p;

	(void)state;
	limited_port(&p, 2000, 1);
	assert_int_equal(admitted(&b, &p, t, 1000),
			 2000 * STORM_DEPTH_MS / 1000);
	assert_int_equal(admitted(&b, &p, t, 10), 0);
}

/**
 * test_refills_at_the_rate() - after an empty bucket, 10 ms give 10 frames
 * at 1000 pps; a long pause fills it only to its depth
 * @state:	unused
 */
static void test_refills_at_the_rate(void **state)
{
	uint64_t hz = rte_get_tsc_hz(), t = 1000 * hz;
	struct storm_bucket b = { 0 };
	struct port p;

	(void)state;
	limited_port(&p, 1000, 1);
	admitted(&b, &p, t, 1000);
	assert_int_equal(admitted(&b, &p, t + hz / 100, 1000), 10);
	assert_int_equal(admitted(&b, &p, t + 60 * hz, 100000),
			 1000 * STORM_DEPTH_MS / 1000);
}

/**
 * test_flood_held_to_the_rate() - 100,000 frames/s offered for 2 s in
 * bursts of 32 pass at the limit (plus the first full bucket), whatever
 * the burst size
 * @state:	unused
 */
static void test_flood_held_to_the_rate(void **state)
{
	uint64_t hz = rte_get_tsc_hz(), t0 = 1000 * hz;
	struct storm_bucket b = { 0 };
	unsigned int ok = 0, want;
	struct port p;

	(void)state;
	limited_port(&p, 3000, 1);
	/* 100,000 frames/s in bursts of 32: a burst every 320 us */
	for (uint64_t k = 0; k < 2 * 100000 / 32; k++)
		ok += admitted(&b, &p, t0 + k * hz * 32 / 100000, 32);
	want = 2 * 3000 + 3000 * STORM_DEPTH_MS / 1000;
	assert_in_range(ok, want - 32, want + 1);
}

/**
 * test_shared_threads_split_the_rate() - two PMD threads serving one port
 * each flood at half the rate, so the port as a whole keeps its limit
 * @state:	unused
 */
static void test_shared_threads_split_the_rate(void **state)
{
	uint64_t hz = rte_get_tsc_hz(), t0 = 1000 * hz;
	struct storm_bucket b0 = { 0 }, b1 = { 0 };
	unsigned int ok = 0;
	struct port p;

	(void)state;
	limited_port(&p, 1000, 2);
	admitted(&b0, &p, t0, 1000);
	admitted(&b1, &p, t0, 1000);
	for (uint64_t ms = 1; ms <= 1000; ms++) {
		ok += admitted(&b0, &p, t0 + ms * hz / 1000, 10);
		ok += admitted(&b1, &p, t0 + ms * hz / 1000, 10);
	}
	assert_in_range(ok, 998, 1000);
}

/**
 * main() - run the storm control tests
 *
 * Return: 0 when all passed, else the number of failures
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_terms),
		cmocka_unit_test(test_full_bucket_then_empty),
		cmocka_unit_test(test_refills_at_the_rate),
		cmocka_unit_test(test_flood_held_to_the_rate),
		cmocka_unit_test(test_shared_threads_split_the_rate),
	};

	return cmocka_run_group_tests_name("storm", tests, fixture_eal_setup,
					   fixture_eal_teardown);
}
