// SPDX-License-Identifier: BSD-3-Clause
/* test_vxlan.c - VXLAN decapsulation checks and the outer source port's
 * inner flow hash, on real mbufs; the remote VTEP table
 */
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "eal_fixture.h"
#include "vxlan.h"

#define PORT_A 40000
#define PORT_B 5001

/**
 * new_port() - a VXLAN port's state as the decapsulation checks see it
 * @vni:	its VNI
 *
 * Return: port, to free()
 */
static struct vxlan_port *new_port(uint32_t vni)
{
	struct vxlan_port *vp = calloc(1, sizeof(*vp));

	assert_non_null(vp);
	vp->vni = vni;
	vp->hdr[0] = VXLAN_FLAG_I;
	vp->hdr[4] = (uint8_t)(vni >> 16);
	vp->hdr[5] = (uint8_t)(vni >> 8);
	vp->hdr[6] = (uint8_t)vni;
	return vp;
}

/**
 * test_decap_check() - good header, short datagram, each flag and reserved
 * byte, wrong VNI: each refused for its own reason
 */
static void test_decap_check(void **state)
{
	struct vxlan_port *vp = new_port(0x012a42);
	uint8_t d[VXLAN_HDR_LEN + RTE_ETHER_HDR_LEN] = {
		0x08, 0, 0, 0, 0x01, 0x2a, 0x42, 0,
	};
	size_t len = sizeof(d);

	(void)state;
	assert_int_equal(vxlan_decap_check(vp, d, len), VXLAN_DROP__MAX);
	assert_int_equal(vxlan_decap_check(vp, d, len - 1), VXLAN_DROP_SHORT);
	for (unsigned int i = 0; i < VXLAN_HDR_LEN; i++) {
		if (i >= 4 && i <= 6)
			continue;
		d[i] ^= i ? 0x01 : 0x04;
		assert_int_equal(vxlan_decap_check(vp, d, len),
				 VXLAN_DROP_BAD_FLAGS);
		d[i] ^= i ? 0x01 : 0x04;
	}
	d[6] = 0x43;
	assert_int_equal(vxlan_decap_check(vp, d, len), VXLAN_DROP_BAD_VNI);
	free(vp);
}

/**
 * udp_frame() - an Ethernet/IPv4/UDP frame between two fixed hosts
 * @sport:	UDP source port
 * @dport:	UDP destination port
 * @frag:	the fragment offset field (network order)
 *
 * Return: frame
 */
static struct rte_mbuf *udp_frame(uint16_t sport, uint16_t dport, uint16_t frag)
{
	uint8_t b[RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + 8] = { 0 };
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)b;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	uint16_t *ports = (uint16_t *)(ip + 1);

	eh->dst_addr = fixture_mac(1);
	eh->src_addr = fixture_mac(2);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->next_proto_id = IPPROTO_UDP;
	ip->fragment_offset = frag;
	ip->src_addr = RTE_BE32(0x0a4d0001);
	ip->dst_addr = RTE_BE32(0x0a4d0002);
	ports[0] = rte_cpu_to_be_16(sport);
	ports[1] = rte_cpu_to_be_16(dport);
	return fixture_mbuf(b, sizeof(b));
}

/**
 * hash_of() - vxlan_flow_hash() of a frame, which is freed
 * @m:		frame
 *
 * Return: hash
 */
static uint32_t hash_of(struct rte_mbuf *m)
{
	uint32_t h = vxlan_flow_hash(m);

	rte_pktmbuf_free(m);
	return h;
}

/**
 * test_flow_hash() - one flow, one hash; another port, another hash; a
 * fragment hashes without ports; a non-IP frame by its addresses
 */
static void test_flow_hash(void **state)
{
	uint32_t h = hash_of(udp_frame(PORT_A, PORT_B, 0));
	uint32_t frag = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);

	(void)state;
	assert_int_equal(hash_of(udp_frame(PORT_A, PORT_B, 0)), h);
	assert_int_not_equal(hash_of(udp_frame(PORT_A + 1, PORT_B, 0)), h);
	assert_int_equal(hash_of(udp_frame(PORT_A, PORT_B, (uint16_t)frag)),
			 hash_of(udp_frame(PORT_A + 7, 9, (uint16_t)frag)));
	assert_int_equal(
		hash_of(fixture_frame(&(struct rte_ether_addr){ { 2 } },
				      &(struct rte_ether_addr){ { 4 } }, 64)),
		hash_of(fixture_frame(&(struct rte_ether_addr){ { 2 } },
				      &(struct rte_ether_addr){ { 4 } }, 128)));
}

/**
 * test_flow_hash_unaligned() - a frame at an odd address (a datagram of a
 * UDP_GRO train) hashes as the same frame aligned
 */
static void test_flow_hash_unaligned(void **state)
{
	struct rte_mbuf *a = udp_frame(PORT_A, PORT_B, 0);
	struct rte_mbuf *b = rte_pktmbuf_alloc(a->pool);

	(void)state;
	assert_non_null(b);
	b->data_off += 1;
	memcpy(rte_pktmbuf_mtod(b, void *), rte_pktmbuf_mtod(a, void *),
	       a->data_len);
	b->data_len = a->data_len;
	b->pkt_len = a->pkt_len;
	assert_int_equal(hash_of(b), hash_of(a));
}

/**
 * v4() - an IPv4 socket address
 * @ip:		address, host order
 *
 * Return: address
 */
static union vxlan_addr v4(uint32_t ip)
{
	union vxlan_addr a = { .v4 = { .sin_family = AF_INET } };

	a.v4.sin_addr.s_addr = rte_cpu_to_be_32(ip);
	a.v4.sin_port = rte_cpu_to_be_16(PORT_A); /* a sender's: ignored */
	return a;
}

/**
 * v6() - an IPv6 socket address: fd00:: with @i in bytes 2-3 and 14-15
 * @i:		its number
 *
 * Return: address
 */
static union vxlan_addr v6(uint16_t i)
{
	union vxlan_addr a = { .v6 = { .sin6_family = AF_INET6 } };

	a.v6.sin6_addr.s6_addr[0] = 0xfd;
	a.v6.sin6_addr.s6_addr[2] = (uint8_t)(i >> 8);
	a.v6.sin6_addr.s6_addr[3] = (uint8_t)i;
	a.v6.sin6_addr.s6_addr[14] = (uint8_t)(i >> 8);
	a.v6.sin6_addr.s6_addr[15] = (uint8_t)i;
	return a;
}

/**
 * remotes_port() - a port with an empty remote table
 *
 * Return: port, to free()
 */
static struct vxlan_port *remotes_port(void)
{
	struct vxlan_port *vp = new_port(42);

	vp->dstport = VXLAN_PORT_IANA;
	rte_spinlock_init(&vp->lock);
	vxlan_remotes_init(vp);
	return vp;
}

/**
 * test_remotes_many() - a full table of IPv4 remotes: remote= first and
 * flooded to, each remote found at the index it was added at (through
 * the scan while there are few, the hash after), adding one again finds
 * it, a sender's port is replaced by dstport=, and one too many is refused
 */
static void test_remotes_many(void **state)
{
	struct vxlan_port *vp = remotes_port();
	const uint32_t base = 0x0a000000; /* 10.0.0.0: 10.0.0.1 is first */
	union vxlan_addr a;

	(void)state;
	for (uint32_t i = 0; i < 2; i++) {
		a = v4(base + 1 + i);
		assert_int_equal(vxlan_remote_add(vp, &a, true), i);
	}
	for (uint32_t i = 2; i < VXLAN_REMOTES_MAX; i++) {
		a = v4(base + 1 + i * 257); /* strides over bytes */
		assert_int_equal(vxlan_remote_find(vp, &a), -1);
		assert_int_equal(vxlan_remote_add(vp, &a, false), i);
		assert_int_equal(vxlan_remote_find(vp, &a), i);
		if (i <= 2 * VXLAN_REMOTES_SCAN) {
			/* every earlier one, across scan and hash */
			for (uint32_t j = 2; j <= i; j++) {
				a = v4(base + 1 + j * 257);
				assert_int_equal(vxlan_remote_find(vp, &a), j);
			}
		}
	}
	assert_int_equal(vp->n_remotes, VXLAN_REMOTES_MAX);
	assert_int_equal(vp->flood_end, 2);
	assert_true(vp->remotes[1].flood);
	assert_false(vp->remotes[2].flood);
	for (uint32_t i = 0; i < VXLAN_REMOTES_MAX; i++) {
		a = v4(base + 1 + (i < 2 ? i : i * 257));
		assert_int_equal(vxlan_remote_find(vp, &a), i);
		assert_int_equal(vxlan_remote_add(vp, &a, false), i);
		assert_int_equal(
			rte_be_to_cpu_16(vp->remotes[i].addr.v4.sin_port),
			VXLAN_PORT_IANA);
	}
	a = v4(base + 3 * 257 + 1 + 1);
	assert_int_equal(vxlan_remote_find(vp, &a), -1);
	assert_int_equal(vxlan_remote_add(vp, &a, false), -1);
	assert_int_equal(vp->n_remotes, VXLAN_REMOTES_MAX);
	free(vp);
}

/**
 * test_remotes_v6() - IPv6 remotes that differ in one or two bytes are
 * told apart; an IPv4 address is never an IPv6 remote
 */
static void test_remotes_v6(void **state)
{
	struct vxlan_port *vp = remotes_port();
	const uint16_t n = 1000;
	union vxlan_addr a;

	(void)state;
	for (uint16_t i = 0; i < n; i++) {
		a = v6(i);
		assert_int_equal(vxlan_remote_add(vp, &a, i == 0), i);
	}
	for (uint16_t i = 0; i < n; i++) {
		a = v6(i);
		assert_int_equal(vxlan_remote_find(vp, &a), i);
		a.v6.sin6_addr.s6_addr[14] ^= 0x80; /* one byte of two */
		assert_int_equal(vxlan_remote_find(vp, &a), -1);
	}
	a = v4(0xfd000000);
	assert_int_equal(vxlan_remote_find(vp, &a), -1);
	assert_int_equal(vp->flood_end, 1);
	free(vp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_decap_check),
		FIXTURE_TEST(test_flow_hash),
		FIXTURE_TEST(test_flow_hash_unaligned),
		FIXTURE_TEST(test_remotes_many),
		FIXTURE_TEST(test_remotes_v6),
	};

	return cmocka_run_group_tests_name("vxlan", tests, fixture_eal_setup,
					   fixture_eal_teardown);
}
