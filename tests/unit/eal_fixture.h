/* SPDX-License-Identifier: BSD-3-Clause */
/* eal_fixture.h - shared unit-test fixture: EAL, mbuf pool, frames, temp dirs
 *
 * Every unit test binary links eal_fixture.c. Tests that need DPDK start EAL
 * once per binary through the cmocka group setup/teardown below (no
 * hugepages, no shared config, a private --file-prefix, nothing left in
 * /var/run/dpdk afterwards) and build their frames into real mbufs from
 * port_mbuf_pool. FIXTURE_TEST() wraps a test so that it fails when it
 * leaves mbufs allocated.
 */
#ifndef VIOSWITCH_TEST_EAL_FIXTURE_H
#define VIOSWITCH_TEST_EAL_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

/* IEEE 802 local experimental EtherType: nothing in the switch parses it. */
#define FIXTURE_ETHERTYPE 0x88b5
#define FIXTURE_FRAME_MAX 2048

/**
 * struct fixture_frame - what fixture_frame_bytes() builds
 * @dst:	destination MAC
 * @src:	source MAC
 * @type:	EtherType after the header (and tag), host order; 0 means
 *		FIXTURE_ETHERTYPE
 * @tagged:	insert an 802.1Q tag
 * @tci:	the tag's PCP/DEI/VID, host order
 * @payload:	bytes after the header(s), filled with a counting pattern
 */
struct fixture_frame {
	struct rte_ether_addr dst;
	struct rte_ether_addr src;
	uint16_t type;
	bool tagged;
	uint16_t tci;
	uint16_t payload;
};

/* Wrap a test so it fails when it leaks (or double-frees) mbufs. */
#define FIXTURE_TEST(fn)                                                       \
	cmocka_unit_test_setup_teardown(fn, fixture_mbuf_mark,                 \
					fixture_mbuf_check)

extern const char *fixture_lcores;

int fixture_eal_setup(void **state);
int fixture_eal_teardown(void **state);
int fixture_mbuf_mark(void **state);
int fixture_mbuf_check(void **state);
unsigned int fixture_mbufs_in_use(void);

struct rte_ether_addr fixture_mac(uint32_t n);
size_t fixture_frame_bytes(const struct fixture_frame *f, uint8_t *buf,
			   size_t room);
struct rte_mbuf *fixture_mbuf(const void *bytes, size_t len);
struct rte_mbuf *fixture_frame_mbuf(const struct fixture_frame *f);
struct rte_mbuf *fixture_frame(const struct rte_ether_addr *dst,
			       const struct rte_ether_addr *src,
			       uint16_t payload);
void fixture_assert_mbuf_bytes(const struct rte_mbuf *m, const void *bytes,
			       size_t len);

void fixture_tmpdir(char *buf, size_t len);
void fixture_write_file(const char *path, const char *text);
void fixture_rmtree(const char *dir);

#endif /* VIOSWITCH_TEST_EAL_FIXTURE_H */
