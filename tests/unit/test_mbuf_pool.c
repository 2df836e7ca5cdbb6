// SPDX-License-Identifier: BSD-3-Clause
/* test_mbuf_pool.c - unit tests of mbuf pools on 2 MB pages
 * (switch/mbuf_pool.c), under EAL without hugepages as the switch runs here
 */
#include "eal_fixture.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_mempool.h>

#include "mbuf_pool.h"

#define N_MBUFS 3000
#define PRIV	64
#define ROOM	RTE_MBUF_DEFAULT_BUF_SIZE

/**
 * mapping_of() - the /proc/self/smaps block of the mapping holding @addr
 * @addr:	address
 * @buf:	filled with the block (header line and fields)
 * @len:	its size
 *
 * Return: true when found
 */
static bool mapping_of(const void *addr, char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	uintptr_t a = (uintptr_t)addr;
	bool in = false, found = false;
	char line[512];
	size_t off = 0;

	if (!f)
		return false;
	buf[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			if (in)
				break;
			in = a >= lo && a < hi;
		}
		if (in && off < len) {
			off += (size_t)snprintf(buf + off, len - off, "%s",
						line);
			found = true;
		}
	}
	fclose(f);
	return found;
}

/**
 * thp_mode() - the kernel's transparent huge page policy
 *
 * Return: "always", "madvise", "never", or "" when unknown
 */
static const char *thp_mode(void)
{
	static char mode[16];
	char line[128];
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char *l, *r;

	mode[0] = '\0';
	if (!f)
		return mode;
	if (fgets(line, sizeof(line), f) && (l = strchr(line, '[')) &&
	    (r = strchr(l, ']'))) {
		*r = '\0';
		snprintf(mode, sizeof(mode), "%s", l + 1);
	}
	fclose(f);
	return mode;
}

/* Every mbuf can be taken at once, holds a full data room and private area
 * of its own (no two overlap), and all go back. */
static void test_every_mbuf_usable(void **state)
{
	static struct rte_mbuf *m[N_MBUFS];
	struct rte_mempool *mp;

	(void)state;
	mp = mbuf_pool_create("t_usable", N_MBUFS, 32, PRIV, ROOM);
	assert_non_null(mp);
	assert_int_equal(rte_pktmbuf_data_room_size(mp), ROOM);
	assert_int_equal(rte_pktmbuf_priv_size(mp), PRIV);
	assert_int_equal(rte_pktmbuf_alloc_bulk(mp, m, N_MBUFS), 0);
	assert_null(rte_pktmbuf_alloc(mp));
	for (unsigned int i = 0; i < N_MBUFS; i++) {
		assert_int_equal(m[i]->buf_len, ROOM);
		assert_int_equal(rte_pktmbuf_headroom(m[i]),
				 RTE_PKTMBUF_HEADROOM);
		assert_ptr_equal(m[i]->pool, mp);
		memset(rte_mbuf_to_priv(m[i]), (int)(i & 0xff), PRIV);
		memset(m[i]->buf_addr, (int)(i & 0xff), m[i]->buf_len);
		assert_non_null(rte_pktmbuf_append(m[i], 100));
	}
	for (unsigned int i = 0; i < N_MBUFS; i++) {
		const uint8_t *b = m[i]->buf_addr;
		const uint8_t *p = rte_mbuf_to_priv(m[i]);

		assert_int_equal(b[0], i & 0xff);
		assert_int_equal(b[ROOM - 1], i & 0xff);
		assert_int_equal(p[0], i & 0xff);
		assert_int_equal(p[PRIV - 1], i & 0xff);
		assert_int_equal(m[i]->data_len, 100);
	}
	rte_pktmbuf_free_bulk(m, N_MBUFS);
	assert_int_equal(rte_mempool_avail_count(mp), N_MBUFS);
	rte_mempool_free(mp);
}

/* The objects are packed on 2 MB-aligned memory the kernel may back with
 * huge pages, not one mbuf per 4 KB page as EAL's --no-huge memory keeps
 * them. */
static void test_packed_on_huge_page_memory(void **state)
{
	static struct rte_mbuf *m[N_MBUFS];
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	struct rte_mempool *mp;
	char smaps[4096], *thp;
	size_t obj;

	(void)state;
	mp = mbuf_pool_create("t_packed", N_MBUFS, 0, 0, ROOM);
	assert_non_null(mp);
	obj = mp->header_size + mp->elt_size + mp->trailer_size;
	assert_int_equal(rte_pktmbuf_alloc_bulk(mp, m, N_MBUFS), 0);
	for (unsigned int i = 0; i < N_MBUFS; i++) {
		lo = RTE_MIN(lo, (uintptr_t)m[i]);
		hi = RTE_MAX(hi, (uintptr_t)m[i]);
	}
	/* At most one object lost at the end of each 2 MB page. */
	assert_true(hi - lo <
		    N_MBUFS * obj + (N_MBUFS * obj >> 21) * obj + obj);
	/* The first object starts a 2 MB page. */
	assert_int_equal((lo - mp->header_size) & ((2u << 20) - 1), 0);
	assert_true(mapping_of(m[0], smaps, sizeof(smaps)));
	thp = strstr(smaps, "THPeligible:");
	assert_non_null(thp);
	if (strcmp(thp_mode(), "never") && strcmp(thp_mode(), ""))
		assert_int_equal(atoi(thp + strlen("THPeligible:")), 1);
	else
		print_message("transparent huge pages are off here\n");
	rte_pktmbuf_free_bulk(m, N_MBUFS);
	rte_mempool_free(mp);
}

/* Freeing the pool returns its memory to the kernel. */
static void test_free_unmaps(void **state)
{
	struct rte_mempool *mp;
	struct rte_mbuf *m;
	char smaps[4096];

	(void)state;
	mp = mbuf_pool_create("t_unmap", N_MBUFS, 0, 0, ROOM);
	assert_non_null(mp);
	m = rte_pktmbuf_alloc(mp);
	assert_non_null(m);
	assert_true(mapping_of(m, smaps, sizeof(smaps)));
	rte_pktmbuf_free(m);
	rte_mempool_free(mp);
	assert_false(mapping_of(m, smaps, sizeof(smaps)));
}

/**
 * rss_kb() - resident KB of the mapping holding @addr
 * @addr:	address
 *
 * Return: its Rss field, or -1
 */
static long rss_kb(const void *addr)
{
	char smaps[4096], *rss;

	if (!mapping_of(addr, smaps, sizeof(smaps)))
		return -1;
	rss = strstr(smaps, "\nRss:");
	return rss ? atol(rss + strlen("\nRss:")) : -1;
}

/* A pool starts with one 2 MB chunk of mbufs, only that much of it
 * resident, grows when more are wanted at once, and fails only when all
 * it may hold are out; freed, they all come back. */
static void test_starts_small_grows(void **state)
{
	static struct rte_mbuf *m[N_MBUFS];
	struct rte_mempool *mp;
	unsigned int first;

	(void)state;
	mp = mbuf_pool_create("t_grow", N_MBUFS, 0, 0, ROOM);
	assert_non_null(mp);
	first = mbuf_pool_populated(mp);
	assert_true(first > 0 && first < N_MBUFS);
	assert_int_equal(mbuf_pool_in_use(mp), 0);
	m[0] = rte_pktmbuf_alloc(mp);
	assert_non_null(m[0]);
	/* 3000 mbufs would be 7 MB; only the first chunk is there */
	assert_true(rss_kb(m[0]) <= 2048 + 4);
	rte_pktmbuf_free(m[0]);
	assert_int_equal(rte_pktmbuf_alloc_bulk(mp, m, first), 0);
	assert_int_equal(mbuf_pool_populated(mp), first);
	assert_non_null(m[first] = rte_pktmbuf_alloc(mp));
	assert_true(mbuf_pool_populated(mp) > first);
	assert_int_equal(mbuf_pool_in_use(mp), first + 1);
	assert_int_equal(
		rte_pktmbuf_alloc_bulk(mp, m + first + 1, N_MBUFS - first - 1),
		0);
	assert_int_equal(mbuf_pool_populated(mp), N_MBUFS);
	assert_null(rte_pktmbuf_alloc(mp));
	rte_pktmbuf_free_bulk(m, N_MBUFS);
	assert_int_equal(mbuf_pool_in_use(mp), 0);
	assert_int_equal(rte_mempool_avail_count(mp), N_MBUFS);
	rte_mempool_free(mp);
}

#define GROW_THREADS 4
#define GROW_HOLD    400 /* each thread holds up to this many */
#define GROW_ROUNDS  200

/**
 * grow_worker() - take and give back mbufs of a growing pool, checking
 * each is an initialised mbuf of its own
 * @arg:	the pool
 *
 * Return: NULL when every mbuf was sound, else the pool
 */
static void *grow_worker(void *arg)
{
	struct rte_mempool *mp = arg;
	struct rte_mbuf *m[GROW_HOLD];
	void *bad = NULL;

	for (unsigned int r = 0; r < GROW_ROUNDS && !bad; r++) {
		unsigned int n = 1 + (r * 37) % GROW_HOLD, got = 0;

		while (got < n && (m[got] = rte_pktmbuf_alloc(mp)))
			got++;
		for (unsigned int i = 0; i < got; i++) {
			if (m[i]->pool != mp || m[i]->buf_len != ROOM ||
			    rte_mbuf_refcnt_read(m[i]) != 1 ||
			    m[i]->nb_segs != 1 || m[i]->next ||
			    rte_pktmbuf_headroom(m[i]) != RTE_PKTMBUF_HEADROOM)
				bad = mp;
			/* ours alone: a second owner would see another mark */
			*rte_pktmbuf_mtod(m[i], uint32_t *) = (uint32_t)i;
		}
		for (unsigned int i = 0; i < got; i++)
			if (*rte_pktmbuf_mtod(m[i], uint32_t *) != i)
				bad = mp;
		rte_pktmbuf_free_bulk(m, got);
	}
	return bad;
}

/* Threads allocating while others make the pool grow only ever get
 * initialised mbufs, each owned once, and the pool grows no further than
 * what they held at once asks for. */
static void test_grows_under_threads(void **state)
{
	pthread_t t[GROW_THREADS];
	struct rte_mempool *mp;
	void *bad;

	(void)state;
	mp = mbuf_pool_create("t_grow_mt", N_MBUFS, 0, 0, ROOM);
	assert_non_null(mp);
	for (unsigned int i = 0; i < GROW_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, grow_worker, mp),
				 0);
	for (unsigned int i = 0; i < GROW_THREADS; i++) {
		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_null(bad);
	}
	assert_int_equal(mbuf_pool_in_use(mp), 0);
	assert_true(mbuf_pool_populated(mp) <= N_MBUFS);
	rte_mempool_free(mp);
}

/* A name already taken is refused with EEXIST, nothing leaks. */
static void test_duplicate_name_refused(void **state)
{
	struct rte_mempool *a, *b;

	(void)state;
	a = mbuf_pool_create("t_dup", 64, 0, 0, ROOM);
	assert_non_null(a);
	b = mbuf_pool_create("t_dup", 64, 0, 0, ROOM);
	assert_null(b);
	assert_int_equal(rte_errno, EEXIST);
	rte_mempool_free(a);
}

/**
 * main() - run the mbuf pool tests
 *
 * Return: number of failed tests
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_every_mbuf_usable),
		FIXTURE_TEST(test_packed_on_huge_page_memory),
		FIXTURE_TEST(test_free_unmaps),
		FIXTURE_TEST(test_duplicate_name_refused),
		FIXTURE_TEST(test_starts_small_grows),
		FIXTURE_TEST(test_grows_under_threads),
	};

	return cmocka_run_group_tests_name(
		"mbuf_pool", tests, fixture_eal_setup, fixture_eal_teardown);
}
