// SPDX-License-Identifier: BSD-3-Clause
/* test_vlan.c - unit tests of 802.1Q access and trunk ports (switch/vlan.c) */
#include "eal_fixture.h"

#include <string.h>

#include "vlan.h"

#define PCP(p) ((uint16_t)((p) << 13))

/**
 * port_of() - a port carrying only the VLAN settings vlan.c reads
 * @vlan:	access VLAN, or native VLAN of a trunk
 * @trunk:	trunk port
 *
 * Return: the port, by value
 */
static struct port port_of(uint16_t vlan, bool trunk)
{
	struct port p;

	memset(&p, 0, sizeof(p));
	p.vlan = vlan;
	p.trunk = trunk;
	return p;
}

/**
 * frame_of() - the test's frame, tagged with @tci or not
 * @tagged:	insert an 802.1Q tag
 * @tci:	its PCP/DEI/VID
 *
 * Return: frame description (60 bytes untagged, 64 tagged)
 */
static struct fixture_frame frame_of(bool tagged, uint16_t tci)
{
	struct fixture_frame f = {
		.dst = fixture_mac(2),
		.src = fixture_mac(1),
		.type = 0x0800,
		.tagged = tagged,
		.tci = tci,
		.payload = 46,
	};

	return f;
}

/**
 * assert_frame() - fail unless @m holds exactly the bytes of @f
 * @m:		mbuf
 * @f:		expected frame
 */
static void assert_frame(const struct rte_mbuf *m, struct fixture_frame f)
{
	uint8_t buf[FIXTURE_FRAME_MAX];
	size_t len = fixture_frame_bytes(&f, buf, sizeof(buf));

	fixture_assert_mbuf_bytes(m, buf, len);
}

/**
 * test_trunk_ingress_strips_tag() - the bytes after stripping are the
 * untagged frame; the VID is returned and vlan_tci keeps the PCP
 * @state:	unused
 */
static void test_trunk_ingress_strips_tag(void **state)
{
	struct port trunk = port_of(0, true);
	struct rte_mbuf *m = fixture_frame_mbuf(
		&(struct fixture_frame){ .dst = fixture_mac(2),
					 .src = fixture_mac(1),
					 .type = 0x0800,
					 .tagged = true,
					 .tci = PCP(5) | 100,
					 .payload = 46 });

	(void)state;
	assert_int_equal(vlan_ingress(&trunk, m), 100);
	assert_int_equal(m->vlan_tci, PCP(5) | 100);
	assert_frame(m, frame_of(false, 0));
	rte_pktmbuf_free(m);
}

/**
 * test_trunk_ingress_untagged_is_native() - an untagged frame on a trunk
 * belongs to its native VLAN and is left as it is
 * @state:	unused
 */
static void test_trunk_ingress_untagged_is_native(void **state)
{
	struct port trunk = port_of(10, true);
	struct rte_mbuf *m = fixture_frame_mbuf(
		&(struct fixture_frame){ .dst = fixture_mac(2),
					 .src = fixture_mac(1),
					 .type = 0x0800,
					 .payload = 46 });

	(void)state;
	assert_int_equal(vlan_ingress(&trunk, m), 10);
	assert_int_equal(m->vlan_tci & RTE_VLAN_ID_MASK, 10);
	assert_frame(m, frame_of(false, 0));
	rte_pktmbuf_free(m);
}

/**
 * test_priority_tag_maps_to_native_vlan() - VID 0 (priority tag) on a
 * trunk means the native VLAN; the PCP stays
 * @state:	unused
 */
static void test_priority_tag_maps_to_native_vlan(void **state)
{
	struct port trunk = port_of(10, true);
	struct fixture_frame f = frame_of(true, PCP(3));
	struct rte_mbuf *m = fixture_frame_mbuf(&f);

	(void)state;
	assert_int_equal(vlan_ingress(&trunk, m), 10);
	assert_int_equal(m->vlan_tci, PCP(3) | 10);
	assert_frame(m, frame_of(false, 0));
	rte_pktmbuf_free(m);
}

/**
 * test_access_rejects_tagged() - an access port does not accept tags;
 * the frame is left untouched
 * @state:	unused
 */
static void test_access_rejects_tagged(void **state)
{
	struct port access = port_of(10, false);
	struct fixture_frame f = frame_of(true, 10);
	struct rte_mbuf *m = fixture_frame_mbuf(&f);

	(void)state;
	assert_int_equal(vlan_ingress(&access, m), VLAN_NONE);
	assert_frame(m, f);
	rte_pktmbuf_free(m);
}

/**
 * test_access_classifies_untagged() - untagged frames on an access port
 * belong to its VLAN
 * @state:	unused
 */
static void test_access_classifies_untagged(void **state)
{
	struct port access = port_of(20, false);
	struct fixture_frame f = frame_of(false, 0);
	struct rte_mbuf *m = fixture_frame_mbuf(&f);

	(void)state;
	assert_int_equal(vlan_ingress(&access, m), 20);
	assert_int_equal(m->vlan_tci, 20);
	assert_frame(m, f);
	rte_pktmbuf_free(m);
}

/**
 * test_truncated_tag_rejected() - a frame cut inside its tag is refused
 * @state:	unused
 */
static void test_truncated_tag_rejected(void **state)
{
	struct port trunk = port_of(0, true);
	struct fixture_frame f = frame_of(true, 100);
	uint8_t buf[FIXTURE_FRAME_MAX];
	struct rte_mbuf *m;

	(void)state;
	fixture_frame_bytes(&f, buf, sizeof(buf));
	m = fixture_mbuf(buf, RTE_ETHER_HDR_LEN + 2);
	assert_int_equal(vlan_ingress(&trunk, m), VLAN_NONE);
	rte_pktmbuf_free(m);
}

/**
 * test_ingress_offload_frame_l2_len_shrinks() - stripping the tag of a
 * frame with checksum offload makes l2_len describe the untagged header
 * @state:	unused
 */
static void test_ingress_offload_frame_l2_len_shrinks(void **state)
{
	struct port trunk = port_of(0, true);
	struct fixture_frame f = frame_of(true, 100);
	struct rte_mbuf *m = fixture_frame_mbuf(&f);

	(void)state;
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
	m->l2_len = RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
	m->l3_len = 20;
	assert_int_equal(vlan_ingress(&trunk, m), 100);
	assert_int_equal(m->l2_len, RTE_ETHER_HDR_LEN);
	rte_pktmbuf_free(m);
}

/**
 * test_egress_tags_non_native_on_trunk() - a trunk gets the frame's VLAN
 * as an 802.1Q tag, PCP included
 * @state:	unused
 */
static void test_egress_tags_non_native_on_trunk(void **state)
{
	struct port trunk = port_of(10, true);
	struct rte_mbuf *m = fixture_frame_mbuf(
		&(struct fixture_frame){ .dst = fixture_mac(2),
					 .src = fixture_mac(1),
					 .type = 0x0800,
					 .payload = 46 });

	(void)state;
	m->vlan_tci = PCP(2) | 30;
	assert_int_equal(vlan_egress(&trunk, &m), 0);
	assert_frame(m, frame_of(true, PCP(2) | 30));
	rte_pktmbuf_free(m);
}

/**
 * test_egress_native_vlan_untagged() - the trunk's native VLAN leaves
 * untagged, the mbuf unchanged
 * @state:	unused
 */
static void test_egress_native_vlan_untagged(void **state)
{
	struct port trunk = port_of(10, true);
	struct fixture_frame f = frame_of(false, 0);
	struct rte_mbuf *m = fixture_frame_mbuf(&f), *orig = m;

	(void)state;
	m->vlan_tci = PCP(2) | 10;
	assert_int_equal(vlan_egress(&trunk, &m), 0);
	assert_ptr_equal(m, orig);
	assert_frame(m, f);
	rte_pktmbuf_free(m);
}

/**
 * test_egress_access_untagged() - an access port never gets a tag
 * @state:	unused
 */
static void test_egress_access_untagged(void **state)
{
	struct port access = port_of(10, false);
	struct fixture_frame f = frame_of(false, 0);
	struct rte_mbuf *m = fixture_frame_mbuf(&f), *orig = m;

	(void)state;
	m->vlan_tci = 10;
	assert_int_equal(vlan_egress(&access, &m), 0);
	assert_ptr_equal(m, orig);
	assert_frame(m, f);
	rte_pktmbuf_free(m);
}

/**
 * test_egress_shared_mbuf_copied() - tagging a shared (flooded) mbuf
 * tags a private copy; the original bytes stay as they were
 * @state:	unused
 */
static void test_egress_shared_mbuf_copied(void **state)
{
	struct port trunk = port_of(0, true);
	struct fixture_frame f = frame_of(false, 0);
	struct rte_mbuf *orig = fixture_frame_mbuf(&f), *m = orig;

	(void)state;
	orig->vlan_tci = 30;
	rte_mbuf_refcnt_update(orig, 1); /* a flood's second reference */
	assert_int_equal(vlan_egress(&trunk, &m), 0);
	assert_ptr_not_equal(m, orig);
	assert_frame(m, frame_of(true, 30));
	assert_int_equal(rte_mbuf_refcnt_read(orig), 1);
	assert_frame(orig, f);
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(orig);
}

/**
 * test_egress_offload_frame_l2_len_grows_by_tag() - tagging a frame with
 * checksum offload makes l2_len exactly one tag (4 bytes) longer, so the
 * checksum is computed at the right offset
 * @state:	unused
 */
static void test_egress_offload_frame_l2_len_grows_by_tag(void **state)
{
	struct port trunk = port_of(0, true);
	struct fixture_frame f = frame_of(false, 0);
	struct rte_mbuf *m = fixture_frame_mbuf(&f);
	uint16_t l2_len;

	(void)state;
	m->vlan_tci = 30;
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = 20;
	assert_int_equal(vlan_egress(&trunk, &m), 0);
	l2_len = m->l2_len;
	rte_pktmbuf_free(m);
	assert_int_equal(l2_len, RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN);
}

/**
 * test_ingress_then_egress_round_trip() - a tagged frame stripped on one
 * trunk and tagged again for another comes out byte for byte the same
 * @state:	unused
 */
static void test_ingress_then_egress_round_trip(void **state)
{
	struct port in = port_of(0, true), out = port_of(1, true);
	struct fixture_frame f = frame_of(true, PCP(6) | 42);
	struct rte_mbuf *m = fixture_frame_mbuf(&f);

	(void)state;
	assert_int_equal(vlan_ingress(&in, m), 42);
	assert_int_equal(vlan_egress(&out, &m), 0);
	assert_frame(m, f);
	rte_pktmbuf_free(m);
}

/**
 * main() - run the vlan tests
 *
 * Return: 0 when all passed, else the number of failures
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_trunk_ingress_strips_tag),
		FIXTURE_TEST(test_trunk_ingress_untagged_is_native),
		FIXTURE_TEST(test_priority_tag_maps_to_native_vlan),
		FIXTURE_TEST(test_access_rejects_tagged),
		FIXTURE_TEST(test_access_classifies_untagged),
		FIXTURE_TEST(test_truncated_tag_rejected),
		FIXTURE_TEST(test_ingress_offload_frame_l2_len_shrinks),
		FIXTURE_TEST(test_egress_tags_non_native_on_trunk),
		FIXTURE_TEST(test_egress_native_vlan_untagged),
		FIXTURE_TEST(test_egress_access_untagged),
		FIXTURE_TEST(test_egress_shared_mbuf_copied),
		FIXTURE_TEST(test_egress_offload_frame_l2_len_grows_by_tag),
		FIXTURE_TEST(test_ingress_then_egress_round_trip),
	};

	return cmocka_run_group_tests_name("vlan", tests, fixture_eal_setup,
					   fixture_eal_teardown);
}
