// SPDX-License-Identifier: BSD-3-Clause
/* test_nat_reass.c - unit tests of the NAT's IPv4 reassembly
 * (slirp/nat_reass.c) on real mbufs
 */
#include "eal_fixture.h"

#include <string.h>

#include <rte_ip.h>

#include "nat_reass.h"

#define MAX_LEN 65520
#define SEC	1000000000LL
#define PAYLOAD 3000

static uint8_t payload[PAYLOAD];

/**
 * frag() - an IPv4 fragment of a UDP datagram from 10.0.2.15 to 10.0.2.2
 * @id:		identification
 * @off:	offset into the datagram's payload, bytes
 * @len:	bytes of payload[] from @off
 * @mf:		more fragments follow
 * @port:	switch port it comes from
 *
 * Return: frame, owned by the caller
 */
static struct rte_mbuf *frag(uint16_t id, uint32_t off, uint32_t len, bool mf,
			     uint16_t port)
{
	uint8_t f[RTE_ETHER_HDR_LEN + 20 + PAYLOAD];
	struct rte_ipv4_hdr *ip = (void *)(f + RTE_ETHER_HDR_LEN);
	struct rte_mbuf *m;

	memset(f, 0, RTE_ETHER_HDR_LEN + 20);
	memcpy(f, "\x52\x55\x0a\x00\x02\x02\x52\x54\x00\x12\x34\x56", 12);
	f[12] = 0x08;
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + len));
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->fragment_offset = rte_cpu_to_be_16(
		(uint16_t)(off / 8 | (mf ? RTE_IPV4_HDR_MF_FLAG : 0)));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = RTE_IPV4(15, 2, 0, 10);
	ip->dst_addr = RTE_IPV4(2, 2, 0, 10);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memcpy(f + RTE_ETHER_HDR_LEN + 20, payload + off, len);
	m = fixture_mbuf(f, RTE_ETHER_HDR_LEN + 20 + len);
	m->port = port;
	return m;
}

/**
 * check_whole() - @m is the unfragmented datagram of the first @len bytes
 * of payload[], and is freed
 * @m:		frame
 * @len:	payload length
 */
static void check_whole(struct rte_mbuf *m, uint32_t len)
{
	uint8_t buf[RTE_ETHER_HDR_LEN + 20 + PAYLOAD];
	const uint8_t *f;
	const struct rte_ipv4_hdr *ip;
	struct rte_ipv4_hdr copy;

	assert_non_null(m);
	assert_int_equal(m->pkt_len, RTE_ETHER_HDR_LEN + 20 + len);
	f = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	ip = (const void *)(f + RTE_ETHER_HDR_LEN);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), 20 + len);
	assert_int_equal(ip->fragment_offset, 0);
	memcpy(&copy, ip, sizeof(copy));
	copy.hdr_checksum = 0;
	assert_int_equal(rte_ipv4_cksum(&copy), ip->hdr_checksum);
	assert_memory_equal(f + RTE_ETHER_HDR_LEN + 20, payload, len);
	rte_pktmbuf_free(m);
}

/**
 * test_not_a_fragment_passes() - an unfragmented frame comes back as is
 */
static void test_not_a_fragment_passes(void **state)
{
	struct nat_reass *r = nat_reass_new(MAX_LEN);
	struct rte_mbuf *m = frag(1, 0, 100, false, 0);

	(void)state;
	assert_ptr_equal(nat_reass_input(r, m, 0), m);
	rte_pktmbuf_free(m);
	nat_reass_free(r);
}

/**
 * test_in_order_and_reversed() - fragments in either order make the
 * datagram; the last one alone (what crashed libslirp) is only kept
 */
static void test_in_order_and_reversed(void **state)
{
	struct nat_reass *r = nat_reass_new(MAX_LEN);

	(void)state;
	assert_null(nat_reass_input(r, frag(1, 0, 1480, true, 0), 0));
	assert_null(nat_reass_input(r, frag(1, 1480, 1480, true, 0), 0));
	check_whole(nat_reass_input(r, frag(1, 2960, 40, false, 0), 0), 3000);
	assert_null(nat_reass_input(r, frag(2, 2960, 40, false, 0), 0));
	assert_null(nat_reass_input(r, frag(2, 1480, 1480, true, 0), 0));
	check_whole(nat_reass_input(r, frag(2, 0, 1480, true, 0), 0), 3000);
	nat_reass_free(r);
}

/**
 * test_overlap_drops() - a fragment over bytes already received drops the
 * datagram; one past the announced end too
 */
static void test_overlap_drops(void **state)
{
	struct nat_reass *r = nat_reass_new(MAX_LEN);

	(void)state;
	assert_null(nat_reass_input(r, frag(3, 0, 1480, true, 0), 0));
	assert_null(nat_reass_input(r, frag(3, 1472, 8, true, 0), 0));
	/* dropped: the rest no longer completes anything */
	assert_null(nat_reass_input(r, frag(3, 1480, 1520, false, 0), 0));
	assert_null(nat_reass_input(r, frag(4, 1480, 40, false, 0), 0));
	assert_null(nat_reass_input(r, frag(4, 1520, 8, true, 0), 0));
	assert_null(nat_reass_input(r, frag(4, 0, 1480, true, 0), 0));
	nat_reass_free(r);
}

/**
 * test_bad_fragments_dropped() - a middle fragment not a multiple of 8,
 * and one that would end past the largest datagram
 */
static void test_bad_fragments_dropped(void **state)
{
	struct nat_reass *r = nat_reass_new(1500);

	(void)state;
	assert_null(nat_reass_input(r, frag(5, 0, 1001, true, 0), 0));
	assert_null(nat_reass_input(r, frag(6, 1480, 8, false, 0), 0));
	assert_null(nat_reass_input(r, frag(6, 0, 1480, true, 0), 0));
	nat_reass_free(r);
}

/**
 * test_expiry_and_port_share() - an old datagram expires; a port holds at
 * most a quarter of the table, its oldest giving way, others untouched
 */
static void test_expiry_and_port_share(void **state)
{
	struct nat_reass *r = nat_reass_new(MAX_LEN);
	json_t *st;

	(void)state;
	assert_null(nat_reass_input(r, frag(7, 0, 8, true, 1), 0));
	for (uint16_t id = 100; id < 100 + NAT_REASS_MAX; id++)
		assert_null(nat_reass_input(r, frag(id, 0, 8, true, 2), id));
	/* port 1's datagram survived port 2's flood */
	check_whole(nat_reass_input(r, frag(7, 8, 8, false, 1), 500), 16);
	assert_null(nat_reass_input(r, frag(8, 0, 8, true, 1), 600));
	assert_null(nat_reass_input(r, frag(8, 8, 8, false, 1),
				    600 + NAT_REASS_MS * 1000000LL + 1));
	st = nat_reass_stats(r);
	assert_int_equal(json_integer_value(json_object_get(st, "evicted")),
			 NAT_REASS_MAX - NAT_REASS_MAX / 4);
	/* port 1's second datagram, and what port 2 still held */
	assert_int_equal(json_integer_value(json_object_get(st, "expired")),
			 1 + NAT_REASS_MAX / 4);
	assert_int_equal(json_integer_value(json_object_get(st, "completed")),
			 1);
	json_decref(st);
	nat_reass_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_not_a_fragment_passes),
		FIXTURE_TEST(test_in_order_and_reversed),
		FIXTURE_TEST(test_overlap_drops),
		FIXTURE_TEST(test_bad_fragments_dropped),
		FIXTURE_TEST(test_expiry_and_port_share),
	};

	for (unsigned int i = 0; i < PAYLOAD; i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	return cmocka_run_group_tests(tests, fixture_eal_setup,
				      fixture_eal_teardown);
}
