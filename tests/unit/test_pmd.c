// SPDX-License-Identifier: BSD-3-Clause
/* test_pmd.c - unit tests of the PMD thread's loop (switch/pmd.c) on a
 * real switch instance with one PMD thread on lcore 1
 *
 * Ports are real pcap ports: one replays a capture from pcap-samples/,
 * another records what the switch sends it into a temporary directory.
 */
#include "eal_fixture.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "log.h"
#include "port.h"
#include "vswitch.h"

static char tmpdir[64];

/**
 * sleep_ms() - wait
 * @ms:		milliseconds
 */
static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/**
 * start() - a switch with one PMD thread
 * @flush_us:	--tx-flush-us
 */
static void start(uint32_t flush_us)
{
	const struct vswitch_config cfg = {
		.fdb_age = 300,
		.fdb_size = 1024,
		.idle_us = 200,
		.flush_us = flush_us,
	};
	unsigned int lcore = rte_get_next_lcore(-1, 1, 0);
	int cpu = -1;

	assert_true(lcore < RTE_MAX_LCORE);
	assert_int_equal(vswitch_init(&cfg, &lcore, &cpu, 1), 0);
	assert_int_equal(vswitch_start(), 0);
}

/**
 * add() - add a port
 * @spec:	its --netdev text
 *
 * Return: the port
 */
static struct port *add(const char *spec)
{
	char err[256], id[PORT_ID_MAX];
	struct port *p = port_open(spec, err, sizeof(err));

	if (!p)
		fail_msg("%s: %s", spec, err);
	snprintf(id, sizeof(id), "%s", p->id);
	if (vswitch_port_add(p, err, sizeof(err)))
		fail_msg("%s: %s", spec, err);
	return vswitch_port_find(id);
}

/**
 * info_int() - an integer member of a port's `port list` object
 * @p:		port
 * @key:	member
 *
 * Return: value
 */
static json_int_t info_int(struct port *p, const char *key)
{
	json_t *o = json_object();
	json_int_t v;

	port_info_json(p, o);
	v = json_integer_value(json_object_get(o, key));
	json_decref(o);
	return v;
}

/**
 * test_pmd_without_queues_sleeps() - a PMD thread that serves no queue
 * sleeps like an idle one (it used to spin a CPU: nothing to arm looked
 * like not armed yet)
 * @state:	unused
 */
static void test_pmd_without_queues_sleeps(void **state)
{
	uint64_t a, b;

	(void)state;
	start(0);
	sleep_ms(100);
	a = __atomic_load_n(&vsw.pmds[0]->st.iterations, __ATOMIC_RELAXED);
	sleep_ms(300);
	b = __atomic_load_n(&vsw.pmds[0]->st.iterations, __ATOMIC_RELAXED);
	vswitch_fini();
	if (b - a > 1000)
		fail_msg("%llu rounds in 300 ms without a queue",
			 (unsigned long long)(b - a));
}

/**
 * test_sleeping_pmd_beats() - an idle PMD thread, asleep, still moves its
 * heartbeat: once per sleep bound, which pmd_set_sleep_max() shortens
 * (the service watchdog relies on it) and 0 restores
 * @state:	unused
 */
static void test_sleeping_pmd_beats(void **state)
{
	uint64_t beat[3], sleeps[3];
	struct pmd *pmd;

	(void)state;
	start(0);
	pmd = vsw.pmds[0];
	pmd_set_sleep_max(pmd, 20);
	assert_int_equal(pmd->sleep_ms, 20);
	sleep_ms(100); /* asleep by now */
	for (int i = 0; i < 3; i++) {
		if (i)
			sleep_ms(100);
		beat[i] = pmd_heartbeat(pmd);
		sleeps[i] = __atomic_load_n(&pmd->st.sleeps, __ATOMIC_RELAXED);
	}
	/* Five sleeps of 20 ms per 100 ms (a loaded machine may run
	 * fewer), each ended by a round: the heartbeat never stands. */
	for (int i = 1; i < 3; i++) {
		if (beat[i] == beat[i - 1] || sleeps[i] - sleeps[i - 1] < 2 ||
		    sleeps[i] - sleeps[i - 1] > 6) {
			vswitch_fini();
			fail_msg("100 ms with 20 ms sleeps: %llu rounds, "
				 "%llu sleeps",
				 (unsigned long long)(beat[i] - beat[i - 1]),
				 (unsigned long long)(sleeps[i] -
						      sleeps[i - 1]));
		}
	}
	pmd_set_sleep_max(pmd, 0);
	assert_int_equal(pmd->sleep_ms, 1000);
	pmd_set_sleep_max(pmd, 5000);
	assert_int_equal(pmd->sleep_ms, 1000);
	vswitch_fini();
}

/**
 * wait_idle_poll() - wait until the thread's idle window reads @us
 * @pmd:	thread
 * @us:		microseconds
 *
 * Return: true when it did within 2 s
 */
static bool wait_idle_poll(struct pmd *pmd, uint64_t us)
{
	for (int i = 0; i < 400 && pmd_idle_poll_us(pmd) != us; i++)
		sleep_ms(5);
	return pmd_idle_poll_us(pmd) == us;
}

/**
 * test_idle_poll_adapts() - a thread woken soon after each sleep polls
 * longer before the next, doubling from --pmd-idle-us up to 2 ms; once
 * nothing wakes it (a sleep runs to its bound) it is back to
 * --pmd-idle-us, so an idle switch still sleeps
 * @state:	unused
 */
static void test_idle_poll_adapts(void **state)
{
	struct pmd *pmd;
	uint64_t a, b;
	bool grew, fell;

	(void)state;
	start(0);
	pmd = vsw.pmds[0];
	pmd_set_sleep_max(pmd, 20);
	grew = wait_idle_poll(pmd, 200);
	/* Woken every half millisecond: every sleep ends soon. */
	for (int i = 0; grew && i < 2000 && pmd_idle_poll_us(pmd) < 2000;
	     i++) {
		pmd_wake(pmd);
		usleep(500);
	}
	grew = grew && pmd_idle_poll_us(pmd) == 2000;
	/* Left alone: it polls 2 ms, sleeps 20 ms untouched, falls back. */
	fell = wait_idle_poll(pmd, 200);
	pmd_set_sleep_max(pmd, 0);
	sleep_ms(50); /* past the last 20 ms sleep and one window */
	a = __atomic_load_n(&pmd->st.iterations, __ATOMIC_RELAXED);
	sleep_ms(200);
	b = __atomic_load_n(&pmd->st.iterations, __ATOMIC_RELAXED);
	vswitch_fini();
	if (!grew)
		fail_msg("woken every 0.5 ms, the idle window stayed below "
			 "2000 us");
	if (!fell)
		fail_msg("left alone, the idle window did not fall back to "
			 "200 us");
	/* Asleep for 1 s at a time now: not 200 ms of polling. */
	if (b - a > 1000)
		fail_msg("%llu rounds in 200 ms left alone",
			 (unsigned long long)(b - a));
}

/**
 * test_flush_interval_sends_last_batch() - with --tx-flush-us, the last
 * partial batch of a replay still leaves once due, with no frame after it
 * (it used to wait for the next frame, and the thread never reported a
 * quiescent state meanwhile, so port-del hung)
 * @state:	unused
 */
static void test_flush_interval_sends_last_batch(void **state)
{
	char spec[160];
	struct port *in, *out;
	json_int_t replayed = 0;

	(void)state;
	alarm(30); /* the bug made vswitch_fini() hang: fail instead */
	start(1000);
	snprintf(spec, sizeof(spec), "pcap,id=out,tx=%s/out.pcap", tmpdir);
	out = add(spec);
	in = add("pcap,id=in,rx=pcap-samples/bcast-mcast.pcap,pps=max");
	for (int i = 0; i < 100 && !info_int(in, "rx_done"); i++)
		sleep_ms(10);
	replayed = info_int(in, "replayed");
	assert_true(replayed > 0);
	sleep_ms(50); /* far beyond the 1 ms flush interval */
	assert_int_equal(info_int(out, "written"), replayed);
	vswitch_fini();
	alarm(0);
}

/**
 * group_setup() - EAL with lcores 0 and 1, a quiet log, a temp dir
 * @state:	unused
 *
 * Return: 0, or -1
 */
static int group_setup(void **state)
{
	fixture_lcores = "--lcores=0@(0-1),1@(0-1)";
	if (fixture_eal_setup(state))
		return -1;
	log_threshold = LOG_LVL_ERR;
	fixture_tmpdir(tmpdir, sizeof(tmpdir));
	return 0;
}

/**
 * group_teardown() - temp dir, EAL
 * @state:	unused
 *
 * Return: what fixture_eal_teardown() returns
 */
static int group_teardown(void **state)
{
	fixture_rmtree(tmpdir);
	return fixture_eal_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pmd_without_queues_sleeps),
		cmocka_unit_test(test_sleeping_pmd_beats),
		cmocka_unit_test(test_idle_poll_adapts),
		cmocka_unit_test(test_flush_interval_sends_last_batch),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
