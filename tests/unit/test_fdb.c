// SPDX-License-Identifier: BSD-3-Clause
/* test_fdb.c - unit tests of the forwarding database (switch/fdb.c) */
#include "eal_fixture.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fdb.h"

#define WALK_MAX 64

static unsigned int sync_calls;

/**
 * count_sync() - the FDB's wait-for-readers callback: one thread, no
 * readers, so it only counts its calls
 * @arg:	unused
 */
static void count_sync(void *arg)
{
	(void)arg;
	sync_calls++;
}

/**
 * new_fdb() - a fresh FDB with a unique hash name
 * @capacity:	entries
 *
 * Return: the FDB; fails the test if it cannot be created
 */
static struct fdb *new_fdb(uint32_t capacity)
{
	static unsigned int seq;
	char name[32];
	struct fdb *fdb;

	snprintf(name, sizeof(name), "tfdb%u", seq++);
	fdb = fdb_create(name, capacity, count_sync, NULL);
	assert_non_null(fdb);
	sync_calls = 0;
	return fdb;
}

/**
 * key() - the FDB key of MAC number @n in @vlan
 * @n:		fixture_mac() number
 * @vlan:	VLAN id
 *
 * Return: key
 */
static struct fdb_key key(uint32_t n, uint16_t vlan)
{
	struct fdb_key k = { .mac = fixture_mac(n), .vlan = vlan };

	return k;
}

/**
 * learn() - learn @k on @port the way forward_burst() does: bulk lookup
 * first, then fdb_learn() with the position found
 * @fdb:	FDB
 * @k:		source key
 * @port:	ingress port index
 * @now:	FDB time
 *
 * Return: what fdb_learn() returned
 */
static fdb_result learn(struct fdb *fdb, struct fdb_key k, uint16_t port,
			uint32_t now)
{
	const struct fdb_key *keys[1] = { &k };
	int32_t pos;

	fdb_lookup_bulk(fdb, keys, 1, &pos);
	return fdb_learn(fdb, &k, pos, port, 0, now);
}

/**
 * struct walk - what fdb_walk() reported
 * @n:		entries
 * @e:		the entries
 */
struct walk {
	unsigned int n;
	struct fdb_entry_info e[WALK_MAX];
};

/**
 * walk_collect() - fdb_walk() callback appending to a struct walk
 * @e:		entry
 * @arg:	struct walk
 */
static void walk_collect(const struct fdb_entry_info *e, void *arg)
{
	struct walk *w = arg;

	assert_true(w->n < WALK_MAX);
	w->e[w->n++] = *e;
}

/**
 * walk_find() - the reported entry for MAC number @n in @vlan
 * @w:		walk result
 * @n:		fixture_mac() number
 * @vlan:	VLAN id
 *
 * Return: the entry; fails the test if missing
 */
static const struct fdb_entry_info *walk_find(const struct walk *w, uint32_t n,
					      uint16_t vlan)
{
	struct fdb_key k = key(n, vlan);

	for (unsigned int i = 0; i < w->n; i++) {
		if (!memcmp(&w->e[i].key, &k, sizeof(k)))
			return &w->e[i];
	}
	fail_msg("MAC %u VLAN %u not reported by fdb_walk()", n, vlan);
	return NULL;
}

/**
 * test_learn_then_lookup_finds_port() - a learned source is found
 * @state:	unused
 */
static void test_learn_then_lookup_finds_port(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0), b = key(2, 0);

	(void)state;
	assert_int_equal(fdb_lookup(fdb, &a), FDB_PORT_NONE);
	assert_int_equal(learn(fdb, a, 3, 100), FDB_EV_LEARNED);
	assert_int_equal(fdb_lookup(fdb, &a), 3);
	assert_int_equal(fdb_lookup(fdb, &b), FDB_PORT_NONE);
	assert_int_equal(fdb_count(fdb), 1);
	assert_int_equal(fdb_port_learned(fdb, 3), 1);
	fdb_destroy(fdb);
}

/**
 * test_relearn_same_port_counts_nothing() - a known source on its own port
 * is no event
 * @state:	unused
 */
static void test_relearn_same_port_counts_nothing(void **state)
{
	struct fdb *fdb = new_fdb(1024);

	(void)state;
	assert_int_equal(learn(fdb, key(1, 0), 3, 100), FDB_EV_LEARNED);
	assert_int_equal(learn(fdb, key(1, 0), 3, 101), FDB_EV__MAX);
	assert_int_equal(fdb_port_learned(fdb, 3), 1);
	assert_int_equal(fdb_count(fdb), 1);
	fdb_destroy(fdb);
}

/**
 * test_vlans_are_separate_entries() - one MAC in two VLANs, two ports
 * @state:	unused
 */
static void test_vlans_are_separate_entries(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a10 = key(1, 10), a20 = key(1, 20);

	(void)state;
	assert_int_equal(learn(fdb, a10, 1, 100), FDB_EV_LEARNED);
	assert_int_equal(learn(fdb, a20, 2, 100), FDB_EV_LEARNED);
	assert_int_equal(fdb_lookup(fdb, &a10), 1);
	assert_int_equal(fdb_lookup(fdb, &a20), 2);
	assert_int_equal(fdb_count(fdb), 2);
	fdb_destroy(fdb);
}

/**
 * test_lookup_bulk_reports_hits_and_misses() - bulk positions map to ports
 * @state:	unused
 */
static void test_lookup_bulk_reports_hits_and_misses(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0), b = key(2, 0), c = key(3, 0);
	const struct fdb_key *keys[3] = { &a, &b, &c };
	int32_t pos[3];

	(void)state;
	learn(fdb, a, 1, 100);
	learn(fdb, c, 2, 100);
	fdb_lookup_bulk(fdb, keys, 3, pos);
	assert_int_equal(fdb_entry_port(fdb, pos[0]), 1);
	assert_true(pos[1] < 0);
	assert_int_equal(fdb_entry_port(fdb, pos[1]), FDB_PORT_NONE);
	assert_int_equal(fdb_entry_port(fdb, pos[2]), 2);
	fdb_destroy(fdb);
}

/**
 * test_mac_move_changes_port_and_counts() - a source seen on another port
 * moves there, and each port's learned count follows
 * @state:	unused
 */
static void test_mac_move_changes_port_and_counts(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0);

	(void)state;
	assert_int_equal(learn(fdb, a, 1, 100), FDB_EV_LEARNED);
	assert_int_equal(learn(fdb, a, 2, 101), FDB_EV_MOVED);
	assert_int_equal(fdb_lookup(fdb, &a), 2);
	assert_int_equal(fdb_port_learned(fdb, 1), 0);
	assert_int_equal(fdb_port_learned(fdb, 2), 1);
	assert_int_equal(fdb_count(fdb), 1);
	fdb_destroy(fdb);
}

/**
 * test_static_entry_not_moved_by_learning() - learning never moves a
 * static entry, nor counts it
 * @state:	unused
 */
static void test_static_entry_not_moved_by_learning(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0);

	(void)state;
	assert_int_equal(fdb_add_static(fdb, &a, 1, 0), 0);
	assert_int_equal(learn(fdb, a, 2, 100), FDB_EV__MAX);
	assert_int_equal(fdb_lookup(fdb, &a), 1);
	assert_int_equal(fdb_port_learned(fdb, 1), 0);
	assert_int_equal(fdb_port_learned(fdb, 2), 0);
	fdb_destroy(fdb);
}

/**
 * test_static_entry_not_aged() - aging leaves static entries alone
 * @state:	unused
 */
static void test_static_entry_not_aged(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0);

	(void)state;
	assert_int_equal(fdb_add_static(fdb, &a, 1, 0), 0);
	assert_int_equal(fdb_age(fdb, 1000000, 1), 0);
	assert_int_equal(fdb_lookup(fdb, &a), 1);
	assert_int_equal(sync_calls, 0);
	fdb_destroy(fdb);
}

/**
 * test_static_replaces_learned_entry() - a static entry takes over a
 * learned one and the old port's learned count drops
 * @state:	unused
 */
static void test_static_replaces_learned_entry(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0);

	(void)state;
	learn(fdb, a, 1, 100);
	assert_int_equal(fdb_add_static(fdb, &a, 2, 0), 0);
	assert_int_equal(fdb_lookup(fdb, &a), 2);
	assert_int_equal(fdb_port_learned(fdb, 1), 0);
	assert_int_equal(fdb_port_learned(fdb, 2), 0);
	assert_int_equal(fdb_count(fdb), 1);
	fdb_destroy(fdb);
}

/**
 * test_static_readd_keeps_learned_counts() - adding a static entry again
 * (same or other port) must not touch any port's learned count: static
 * entries are never counted
 * @state:	unused
 */
static void test_static_readd_keeps_learned_counts(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0);

	(void)state;
	learn(fdb, key(2, 0), 1, 100);
	assert_int_equal(fdb_add_static(fdb, &a, 1, 0), 0);
	assert_int_equal(fdb_add_static(fdb, &a, 1, 0), 0);
	assert_int_equal(fdb_port_learned(fdb, 1), 1);
	assert_int_equal(fdb_add_static(fdb, &a, 3, 0), 0);
	assert_int_equal(fdb_port_learned(fdb, 1), 1);
	assert_int_equal(fdb_port_learned(fdb, 3), 0);
	assert_int_equal(fdb_lookup(fdb, &a), 3);
	fdb_destroy(fdb);
}

/**
 * test_age_removes_only_older_than_max_age() - entries exactly max_age old
 * stay, older ones go; one reader sync for the batch
 * @state:	unused
 */
static void test_age_removes_only_older_than_max_age(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0), b = key(2, 0), c = key(3, 0);

	(void)state;
	learn(fdb, a, 1, 100); /* 100 s old at 200 */
	learn(fdb, b, 1, 140); /* exactly 60 s old */
	learn(fdb, c, 2, 150); /* 50 s old */
	assert_int_equal(fdb_age(fdb, 200, 60), 1);
	assert_int_equal(sync_calls, 1);
	assert_int_equal(fdb_lookup(fdb, &a), FDB_PORT_NONE);
	assert_int_equal(fdb_lookup(fdb, &b), 1);
	assert_int_equal(fdb_lookup(fdb, &c), 2);
	assert_int_equal(fdb_port_learned(fdb, 1), 1);
	assert_int_equal(fdb_count(fdb), 2);
	fdb_destroy(fdb);
}

/**
 * test_age_refreshed_by_traffic() - a source seen again is not aged
 * @state:	unused
 */
static void test_age_refreshed_by_traffic(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0);

	(void)state;
	learn(fdb, a, 1, 100);
	learn(fdb, a, 1, 190);
	assert_int_equal(fdb_age(fdb, 200, 60), 0);
	assert_int_equal(fdb_lookup(fdb, &a), 1);
	assert_int_equal(sync_calls, 0);
	fdb_destroy(fdb);
}

/**
 * test_age_keeps_entries_seen_after_now() - a PMD thread may refresh an
 * entry with a clock one second ahead of the control thread's aging pass;
 * such an entry is fresh, not 2^32 - 1 seconds old
 * @state:	unused
 */
static void test_age_keeps_entries_seen_after_now(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0);

	(void)state;
	learn(fdb, a, 1, 101);
	assert_int_equal(fdb_age(fdb, 100, 60), 0);
	assert_int_equal(fdb_lookup(fdb, &a), 1);
	fdb_destroy(fdb);
}

/**
 * test_aged_source_is_learned_again() - after aging, the same source is
 * a new entry again
 * @state:	unused
 */
static void test_aged_source_is_learned_again(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0);

	(void)state;
	learn(fdb, a, 1, 100);
	assert_int_equal(fdb_age(fdb, 500, 60), 1);
	assert_int_equal(learn(fdb, a, 2, 500), FDB_EV_LEARNED);
	assert_int_equal(fdb_lookup(fdb, &a), 2);
	assert_int_equal(fdb_port_learned(fdb, 1), 0);
	assert_int_equal(fdb_port_learned(fdb, 2), 1);
	fdb_destroy(fdb);
}

/**
 * fill_two_ports() - learn MACs 1-3 on port 1, 4-5 on port 2, static MAC 6
 * on port 1 and static MAC 7 on port 2
 * @fdb:	empty FDB
 */
static void fill_two_ports(struct fdb *fdb)
{
	struct fdb_key s6 = key(6, 0), s7 = key(7, 0);

	for (uint32_t n = 1; n <= 5; n++)
		assert_int_equal(learn(fdb, key(n, 0), n <= 3 ? 1 : 2, 100),
				 FDB_EV_LEARNED);
	assert_int_equal(fdb_add_static(fdb, &s6, 1, 0), 0);
	assert_int_equal(fdb_add_static(fdb, &s7, 2, 0), 0);
	assert_int_equal(fdb_count(fdb), 7);
}

/**
 * test_flush_port_keeps_static_and_other_ports() - flushing one port
 * removes only its learned entries
 * @state:	unused
 */
static void test_flush_port_keeps_static_and_other_ports(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key s6 = key(6, 0), m4 = key(4, 0), m1 = key(1, 0);

	(void)state;
	fill_two_ports(fdb);
	assert_int_equal(fdb_flush(fdb, 1, false), 3);
	assert_int_equal(sync_calls, 1);
	assert_int_equal(fdb_lookup(fdb, &m1), FDB_PORT_NONE);
	assert_int_equal(fdb_lookup(fdb, &s6), 1);
	assert_int_equal(fdb_lookup(fdb, &m4), 2);
	assert_int_equal(fdb_port_learned(fdb, 1), 0);
	assert_int_equal(fdb_port_learned(fdb, 2), 2);
	assert_int_equal(fdb_count(fdb), 4);
	fdb_destroy(fdb);
}

/**
 * test_flush_port_with_static() - with_static removes the port's static
 * entries too, and nothing of other ports
 * @state:	unused
 */
static void test_flush_port_with_static(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key s6 = key(6, 0), s7 = key(7, 0);

	(void)state;
	fill_two_ports(fdb);
	assert_int_equal(fdb_flush(fdb, 1, true), 4);
	assert_int_equal(fdb_lookup(fdb, &s6), FDB_PORT_NONE);
	assert_int_equal(fdb_lookup(fdb, &s7), 2);
	assert_int_equal(fdb_count(fdb), 3);
	fdb_destroy(fdb);
}

/**
 * test_flush_all_without_static() - flushing every port keeps static ones
 * @state:	unused
 */
static void test_flush_all_without_static(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key s6 = key(6, 0), s7 = key(7, 0);

	(void)state;
	fill_two_ports(fdb);
	assert_int_equal(fdb_flush(fdb, FDB_PORT_NONE, false), 5);
	assert_int_equal(fdb_lookup(fdb, &s6), 1);
	assert_int_equal(fdb_lookup(fdb, &s7), 2);
	assert_int_equal(fdb_port_learned(fdb, 1), 0);
	assert_int_equal(fdb_port_learned(fdb, 2), 0);
	assert_int_equal(fdb_count(fdb), 2);
	fdb_destroy(fdb);
}

/**
 * test_flush_all_with_static() - flushing everything empties the table
 * @state:	unused
 */
static void test_flush_all_with_static(void **state)
{
	struct fdb *fdb = new_fdb(1024);

	(void)state;
	fill_two_ports(fdb);
	assert_int_equal(fdb_flush(fdb, FDB_PORT_NONE, true), 7);
	assert_int_equal(fdb_count(fdb), 0);
	assert_int_equal(sync_calls, 1);
	fdb_destroy(fdb);
}

/**
 * test_flush_of_nothing_skips_sync() - no removal, no reader wait
 * @state:	unused
 */
static void test_flush_of_nothing_skips_sync(void **state)
{
	struct fdb *fdb = new_fdb(1024);

	(void)state;
	assert_int_equal(fdb_flush(fdb, FDB_PORT_NONE, true), 0);
	assert_int_equal(sync_calls, 0);
	fdb_destroy(fdb);
}

/**
 * test_learn_limit_stops_at_limit() - limit 4, 10 sources: 4 learned, the
 * other 6 reported as LEARN_LIMIT and not in the table
 * @state:	unused
 */
static void test_learn_limit_stops_at_limit(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	unsigned int ev[FDB_EV__MAX + 1] = { 0 };

	(void)state;
	fdb_port_setup(fdb, 1, 4);
	for (uint32_t n = 1; n <= 10; n++)
		ev[learn(fdb, key(n, 0), 1, 100)]++;
	assert_int_equal(ev[FDB_EV_LEARNED], 4);
	assert_int_equal(ev[FDB_EV_LEARN_LIMIT], 6);
	assert_int_equal(fdb_port_learned(fdb, 1), 4);
	assert_int_equal(fdb_count(fdb), 4);
	for (uint32_t n = 5; n <= 10; n++) {
		struct fdb_key k = key(n, 0);

		assert_int_equal(fdb_lookup(fdb, &k), FDB_PORT_NONE);
	}
	fdb_destroy(fdb);
}

/**
 * test_learn_limit_frees_room_on_delete() - removing an entry lets the
 * port learn again; other ports are not limited
 * @state:	unused
 */
static void test_learn_limit_frees_room_on_delete(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0);

	(void)state;
	fdb_port_setup(fdb, 1, 1);
	assert_int_equal(learn(fdb, a, 1, 100), FDB_EV_LEARNED);
	assert_int_equal(learn(fdb, key(2, 0), 1, 100), FDB_EV_LEARN_LIMIT);
	assert_int_equal(learn(fdb, key(2, 0), 2, 100), FDB_EV_LEARNED);
	assert_int_equal(fdb_del(fdb, &a), 0);
	assert_int_equal(learn(fdb, key(3, 0), 1, 100), FDB_EV_LEARNED);
	fdb_destroy(fdb);
}

/**
 * test_learn_limit_zero_learns_nothing() - limit 0 disables learning
 * @state:	unused
 */
static void test_learn_limit_zero_learns_nothing(void **state)
{
	struct fdb *fdb = new_fdb(1024);

	(void)state;
	fdb_port_setup(fdb, 1, 0);
	assert_int_equal(learn(fdb, key(1, 0), 1, 100), FDB_EV_LEARN_LIMIT);
	assert_int_equal(fdb_count(fdb), 0);
	fdb_destroy(fdb);
}

/**
 * test_small_fdb_fills_up() - a 64-entry FDB given 1000 sources reports
 * FDB_FULL, keeps every entry it did learn, and learns again after a flush
 * @state:	unused
 */
static void test_small_fdb_fills_up(void **state)
{
	struct fdb *fdb = new_fdb(64);
	unsigned int ev[FDB_EV__MAX + 1] = { 0 };

	(void)state;
	for (uint32_t n = 1; n <= 1000; n++)
		ev[learn(fdb, key(n, 0), 1, 100)]++;
	assert_true(ev[FDB_EV_FDB_FULL] > 0);
	assert_int_equal(ev[FDB_EV_LEARNED] + ev[FDB_EV_FDB_FULL], 1000);
	assert_true(ev[FDB_EV_LEARNED] >= 32);
	assert_int_equal(fdb_count(fdb), ev[FDB_EV_LEARNED]);
	assert_int_equal(fdb_port_learned(fdb, 1), ev[FDB_EV_LEARNED]);
	assert_int_equal(fdb_flush(fdb, FDB_PORT_NONE, true),
			 ev[FDB_EV_LEARNED]);
	assert_int_equal(learn(fdb, key(5000, 0), 2, 100), FDB_EV_LEARNED);
	fdb_destroy(fdb);
}

/**
 * test_walk_reports_entries_with_ages() - every entry once, with its port,
 * static flag and age at the given time
 * @state:	unused
 */
static void test_walk_reports_entries_with_ages(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key c = key(3, 7);
	const struct fdb_entry_info *e;
	struct walk w = { 0 };

	(void)state;
	learn(fdb, key(1, 0), 1, 100);
	learn(fdb, key(2, 0), 2, 130);
	assert_int_equal(fdb_add_static(fdb, &c, 4, 0), 0);
	fdb_walk(fdb, 150, walk_collect, &w);
	assert_int_equal(w.n, 3);
	e = walk_find(&w, 1, 0);
	assert_int_equal(e->port, 1);
	assert_false(e->is_static);
	assert_int_equal(e->age, 50);
	e = walk_find(&w, 2, 0);
	assert_int_equal(e->port, 2);
	assert_int_equal(e->age, 20);
	e = walk_find(&w, 3, 7);
	assert_int_equal(e->port, 4);
	assert_true(e->is_static);
	assert_int_equal(e->age, 0);
	fdb_destroy(fdb);
}

/**
 * test_walk_skips_removed_entries() - deleted entries are not reported
 * @state:	unused
 */
static void test_walk_skips_removed_entries(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0);
	struct walk w = { 0 };

	(void)state;
	learn(fdb, a, 1, 100);
	learn(fdb, key(2, 0), 1, 100);
	assert_int_equal(fdb_del(fdb, &a), 0);
	fdb_walk(fdb, 100, walk_collect, &w);
	assert_int_equal(w.n, 1);
	walk_find(&w, 2, 0);
	fdb_destroy(fdb);
}

/**
 * test_del_removes_learned_and_static() - fdb_del removes either kind and
 * fixes the learned count
 * @state:	unused
 */
static void test_del_removes_learned_and_static(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0), s = key(2, 0);

	(void)state;
	learn(fdb, a, 1, 100);
	assert_int_equal(fdb_add_static(fdb, &s, 1, 0), 0);
	assert_int_equal(fdb_del(fdb, &a), 0);
	assert_int_equal(fdb_port_learned(fdb, 1), 0);
	assert_int_equal(fdb_del(fdb, &s), 0);
	assert_int_equal(fdb_lookup(fdb, &a), FDB_PORT_NONE);
	assert_int_equal(fdb_lookup(fdb, &s), FDB_PORT_NONE);
	assert_int_equal(fdb_count(fdb), 0);
	assert_int_equal(sync_calls, 2);
	fdb_destroy(fdb);
}

/**
 * test_del_missing_returns_enoent() - deleting an unknown key fails cleanly
 * @state:	unused
 */
static void test_del_missing_returns_enoent(void **state)
{
	struct fdb *fdb = new_fdb(1024);
	struct fdb_key a = key(1, 0), a5 = key(1, 5);

	(void)state;
	learn(fdb, a, 1, 100);
	assert_int_equal(fdb_del(fdb, &a5), -ENOENT);
	assert_int_equal(fdb_lookup(fdb, &a), 1);
	assert_int_equal(sync_calls, 0);
	fdb_destroy(fdb);
}

/**
 * test_destroy_accepts_null() - fdb_destroy(NULL) is a no-op
 * @state:	unused
 */
static void test_destroy_accepts_null(void **state)
{
	(void)state;
	fdb_destroy(NULL);
}

/**
 * main() - run the fdb tests
 *
 * Return: 0 when all passed, else the number of failures
 */
/**
 * learn_hop() - learn() through next hop @hop behind @port
 * @fdb:	FDB
 * @k:		source key
 * @port:	ingress port index
 * @hop:	next hop behind @port
 * @now:	FDB time
 *
 * Return: what fdb_learn() returned
 */
static fdb_result learn_hop(struct fdb *fdb, struct fdb_key k, uint16_t port,
			    uint32_t hop, uint32_t now)
{
	const struct fdb_key *keys[1] = { &k };
	int32_t pos;

	fdb_lookup_bulk(fdb, keys, 1, &pos);
	return fdb_learn(fdb, &k, pos, port, hop, now);
}

/**
 * hop_of() - the next hop the FDB holds for @k
 * @fdb:	FDB
 * @k:		key
 *
 * Return: hop, 0 for none or a miss
 */
static uint32_t hop_of(struct fdb *fdb, struct fdb_key k)
{
	const struct fdb_key *keys[1] = { &k };
	int32_t pos;

	fdb_lookup_bulk(fdb, keys, 1, &pos);
	return fdb_entry_hop(fdb, pos);
}

/**
 * test_hop_learned_and_moved() - a source seen through another hop of the
 * same port moves there; the same hop again counts nothing
 */
static void test_hop_learned_and_moved(void **state)
{
	struct fdb *fdb = new_fdb(64);
	struct fdb_key a = key(1, 0);
	struct walk w = { 0 };

	(void)state;
	assert_int_equal(learn_hop(fdb, a, 2, 1, 10), FDB_EV_LEARNED);
	assert_int_equal(hop_of(fdb, a), 1);
	assert_int_equal(learn_hop(fdb, a, 2, 1, 11), FDB_EV__MAX);
	assert_int_equal(learn_hop(fdb, a, 2, 3, 12), FDB_EV_MOVED);
	assert_int_equal(fdb_lookup(fdb, &a), 2);
	assert_int_equal(hop_of(fdb, a), 3);
	assert_int_equal(fdb_port_learned(fdb, 2), 1);
	assert_int_equal(learn_hop(fdb, a, 4, 0, 13), FDB_EV_MOVED);
	assert_int_equal(hop_of(fdb, a), 0);
	fdb_walk(fdb, 13, walk_collect, &w);
	assert_int_equal(walk_find(&w, 1, 0)->hop, 0);
	fdb_destroy(fdb);
}

/**
 * test_static_hop_kept() - a static entry's hop is reported and never
 * moved by learning through another hop
 */
static void test_static_hop_kept(void **state)
{
	struct fdb *fdb = new_fdb(64);
	struct fdb_key a = key(2, 0);
	struct walk w = { 0 };

	(void)state;
	assert_int_equal(fdb_add_static(fdb, &a, 1, 5), 0);
	assert_int_equal(learn_hop(fdb, a, 1, 6, 10), FDB_EV__MAX);
	assert_int_equal(hop_of(fdb, a), 5);
	fdb_walk(fdb, 10, walk_collect, &w);
	assert_int_equal(walk_find(&w, 2, 0)->hop, 5);
	assert_true(walk_find(&w, 2, 0)->is_static);
	fdb_destroy(fdb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_learn_then_lookup_finds_port),
		FIXTURE_TEST(test_relearn_same_port_counts_nothing),
		FIXTURE_TEST(test_vlans_are_separate_entries),
		FIXTURE_TEST(test_lookup_bulk_reports_hits_and_misses),
		FIXTURE_TEST(test_mac_move_changes_port_and_counts),
		FIXTURE_TEST(test_static_entry_not_moved_by_learning),
		FIXTURE_TEST(test_static_entry_not_aged),
		FIXTURE_TEST(test_static_replaces_learned_entry),
		FIXTURE_TEST(test_static_readd_keeps_learned_counts),
		FIXTURE_TEST(test_age_removes_only_older_than_max_age),
		FIXTURE_TEST(test_age_refreshed_by_traffic),
		FIXTURE_TEST(test_age_keeps_entries_seen_after_now),
		FIXTURE_TEST(test_aged_source_is_learned_again),
		FIXTURE_TEST(test_flush_port_keeps_static_and_other_ports),
		FIXTURE_TEST(test_flush_port_with_static),
		FIXTURE_TEST(test_flush_all_without_static),
		FIXTURE_TEST(test_flush_all_with_static),
		FIXTURE_TEST(test_flush_of_nothing_skips_sync),
		FIXTURE_TEST(test_learn_limit_stops_at_limit),
		FIXTURE_TEST(test_learn_limit_frees_room_on_delete),
		FIXTURE_TEST(test_learn_limit_zero_learns_nothing),
		FIXTURE_TEST(test_small_fdb_fills_up),
		FIXTURE_TEST(test_walk_reports_entries_with_ages),
		FIXTURE_TEST(test_walk_skips_removed_entries),
		FIXTURE_TEST(test_del_removes_learned_and_static),
		FIXTURE_TEST(test_del_missing_returns_enoent),
		FIXTURE_TEST(test_destroy_accepts_null),
		FIXTURE_TEST(test_hop_learned_and_moved),
		FIXTURE_TEST(test_static_hop_kept),
	};

	return cmocka_run_group_tests_name("fdb", tests, fixture_eal_setup,
					   fixture_eal_teardown);
}
