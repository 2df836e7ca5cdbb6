// SPDX-License-Identifier: BSD-3-Clause
/* eal_fixture.c - shared unit-test fixture: EAL, mbuf pool, frames, temp dirs
 *
 * Theory of operation
 * -------------------
 * fixture_eal_setup() starts DPDK's EAL the way the switch does without
 * hugepages (--no-huge --no-shconf), on lcore 0 only (or the lcores a test
 * sets in fixture_lcores), with a --file-prefix of its own so concurrent
 * test runs never meet, then creates the mbuf pool
 * the switch core allocates from (port_mbuf_pool, offload_init()).
 * fixture_eal_teardown() frees the pool, cleans EAL up and removes EAL's
 * runtime directory. Frames are built byte by byte (so a test can compare
 * what the switch did with what it expects) and copied into real mbufs.
 */
#include "eal_fixture.h"

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mempool.h>

#include "mbuf_pool.h"
#include "offload.h"
#include "port.h"

#define FIXTURE_POOL_MBUFS 8191
#define FIXTURE_POOL_CACHE 256

/* EAL's lcores: lcore 0 only, unless a test binary sets another list
 * before the group setup (test_pmd.c runs a PMD thread on lcore 1). */
const char *fixture_lcores = "--lcores=0";

static bool eal_started;
static unsigned int mbufs_baseline;

/**
 * fixture_eal_setup() - start EAL once and create the mbuf pool
 * @state:	cmocka group state, unused
 *
 * Return: 0, or -1 (every test of the group then fails)
 */
int fixture_eal_setup(void **state)
{
	char prefix[64];
	char *argv[] = {
		"unit-test",
		"--no-huge",
		"--no-shconf",
		"-m",
		"256",
		"--no-pci",
		"--no-telemetry",
		"--log-level=error",
		prefix,
		(char *)fixture_lcores,
		NULL,
	};
	int argc = (int)(sizeof(argv) / sizeof(*argv)) - 1;

	(void)state;
	if (eal_started)
		return 0;
	snprintf(prefix, sizeof(prefix), "--file-prefix=vtest-%d",
		 (int)getpid());
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "fixture: cannot start EAL\n");
		return -1;
	}
	eal_started = true;
	port_mbuf_pool = mbuf_pool_create("vtest_pool", FIXTURE_POOL_MBUFS,
					  FIXTURE_POOL_CACHE, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE);
	if (!port_mbuf_pool) {
		fprintf(stderr, "fixture: cannot create the mbuf pool\n");
		return -1;
	}
	offload_init(port_mbuf_pool);
	return 0;
}

/**
 * fixture_eal_teardown() - free the pool, clean EAL up, remove its run dir
 * @state:	cmocka group state, unused
 *
 * Return: 0, or -1 when EAL's runtime directory could not be removed
 */
int fixture_eal_teardown(void **state)
{
	char dir[PATH_MAX];

	(void)state;
	if (!eal_started)
		return 0;
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_mempool_free(port_mbuf_pool);
	port_mbuf_pool = NULL;
	offload_init(NULL);
	rte_eal_cleanup();
	eal_started = false;
	fixture_rmtree(dir);
	if (!access(dir, F_OK)) {
		fprintf(stderr, "fixture: %s left behind\n", dir);
		return -1;
	}
	return 0;
}

/**
 * fixture_mbufs_in_use() - mbufs of the pool currently allocated
 *
 * Return: count (per-lcore caches count as free)
 */
unsigned int fixture_mbufs_in_use(void)
{
	return port_mbuf_pool ? mbuf_pool_in_use(port_mbuf_pool) : 0;
}

/**
 * fixture_mbuf_mark() - per-test setup: remember how many mbufs are in use
 * @state:	cmocka test state, unused
 *
 * Return: 0
 */
int fixture_mbuf_mark(void **state)
{
	(void)state;
	mbufs_baseline = fixture_mbufs_in_use();
	return 0;
}

/**
 * fixture_mbuf_check() - per-test teardown: no mbuf leaked or over-freed
 * @state:	cmocka test state, unused
 *
 * Return: 0, or -1 (the test fails) when the count changed
 */
int fixture_mbuf_check(void **state)
{
	unsigned int now = fixture_mbufs_in_use();

	(void)state;
	if (now == mbufs_baseline)
		return 0;
	print_error("mbufs in use: %u before the test, %u after\n",
		    mbufs_baseline, now);
	return -1;
}

/**
 * fixture_mac() - a locally administered unicast MAC numbered @n
 * @n:		number, 0 to 2^24 - 1
 *
 * Return: 02:00:00:nn:nn:nn
 */
struct rte_ether_addr fixture_mac(uint32_t n)
{
	struct rte_ether_addr a = { { 0x02, 0, 0, (uint8_t)(n >> 16),
				      (uint8_t)(n >> 8), (uint8_t)n } };

	return a;
}

/**
 * fixture_frame_bytes() - write the bytes of frame @f
 * @f:		what to build
 * @buf:	output
 * @room:	its size
 *
 * Return: frame length; fails the test when @room is too small
 */
size_t fixture_frame_bytes(const struct fixture_frame *f, uint8_t *buf,
			   size_t room)
{
	uint16_t type = f->type ? f->type : FIXTURE_ETHERTYPE;
	size_t off = 2 * RTE_ETHER_ADDR_LEN;
	size_t len = RTE_ETHER_HDR_LEN + (f->tagged ? 4 : 0) + f->payload;

	assert_true(len <= room);
	memcpy(buf, f->dst.addr_bytes, RTE_ETHER_ADDR_LEN);
	memcpy(buf + RTE_ETHER_ADDR_LEN, f->src.addr_bytes, RTE_ETHER_ADDR_LEN);
	if (f->tagged) {
		buf[off++] = RTE_ETHER_TYPE_VLAN >> 8;
		buf[off++] = RTE_ETHER_TYPE_VLAN & 0xff;
		buf[off++] = (uint8_t)(f->tci >> 8);
		buf[off++] = (uint8_t)f->tci;
	}
	buf[off++] = (uint8_t)(type >> 8);
	buf[off++] = (uint8_t)type;
	for (uint16_t i = 0; i < f->payload; i++)
		buf[off++] = (uint8_t)(i * 7 + 1);
	return len;
}

/**
 * fixture_mbuf() - copy bytes into a fresh one-segment mbuf
 * @bytes:	frame
 * @len:	its length, at most the mbuf's data room
 *
 * Return: the mbuf (refcount 1), owned by the caller; fails the test when
 *	   the pool is empty
 */
struct rte_mbuf *fixture_mbuf(const void *bytes, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_mbuf_pool);
	char *data;

	assert_non_null(m);
	data = rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(data);
	memcpy(data, bytes, len);
	return m;
}

/**
 * fixture_frame_mbuf() - build frame @f into a fresh mbuf
 * @f:		what to build
 *
 * Return: the mbuf, owned by the caller
 */
struct rte_mbuf *fixture_frame_mbuf(const struct fixture_frame *f)
{
	uint8_t buf[FIXTURE_FRAME_MAX];
	size_t len = fixture_frame_bytes(f, buf, sizeof(buf));

	return fixture_mbuf(buf, len);
}

/**
 * fixture_frame() - an untagged frame from @src to @dst in a fresh mbuf
 * @dst:	destination MAC
 * @src:	source MAC
 * @payload:	bytes after the Ethernet header
 *
 * Return: the mbuf, owned by the caller
 */
struct rte_mbuf *fixture_frame(const struct rte_ether_addr *dst,
			       const struct rte_ether_addr *src,
			       uint16_t payload)
{
	struct fixture_frame f = { .dst = *dst,
				   .src = *src,
				   .payload = payload };

	return fixture_frame_mbuf(&f);
}

/**
 * fixture_assert_mbuf_bytes() - fail unless @m holds exactly @bytes
 * @m:		frame, any number of segments
 * @bytes:	expected content
 * @len:	its length
 */
void fixture_assert_mbuf_bytes(const struct rte_mbuf *m, const void *bytes,
			       size_t len)
{
	uint8_t buf[FIXTURE_FRAME_MAX];
	const void *data;

	assert_int_equal(rte_pktmbuf_pkt_len(m), len);
	assert_true(len <= sizeof(buf));
	data = rte_pktmbuf_read(m, 0, (uint32_t)len, buf);
	assert_non_null(data);
	assert_memory_equal(data, bytes, len);
}

/**
 * fixture_tmpdir() - create a private temporary directory
 * @buf:	its path, filled
 * @len:	size of @buf
 */
void fixture_tmpdir(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/vtest-XXXXXX");
	assert_non_null(mkdtemp(buf));
}

/**
 * fixture_write_file() - create @path holding @text
 * @path:	file
 * @text:	content
 */
void fixture_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/**
 * rm_entry() - nftw() callback removing one file or empty directory
 * @path:	entry
 * @sb:		unused
 * @type:	unused
 * @ftw:	unused
 *
 * Return: 0, to go on
 */
static int rm_entry(const char *path, const struct stat *sb, int type,
		    struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/**
 * fixture_rmtree() - remove a directory and everything in it; missing is ok
 * @dir:	directory
 */
void fixture_rmtree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
