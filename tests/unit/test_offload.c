// SPDX-License-Identifier: BSD-3-Clause
/* test_offload.c - unit tests of offload adaptation on real mbufs: one
 * flooded TSO super-frame reaching ports of different capabilities
 * (switch/offload.c, offload_tso.c); checksums over chains split at any
 * byte (switch/cksum.c)
 */
#include "eal_fixture.h"

#include <stdio.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "cksum.h"
#include "mbuf_copy.h"
#include "offload.h"
#include "port.h"

#define PAYLOAD 10000
#define MSS	1448
#define OUT_MAX 512

/**
 * build_tso() - a TCP super-frame as a guest would hand it over: checksum
 * partial (pseudo-header sum), TX_TCP_SEG with tso_segsz MSS
 * @v6:		IPv6 (else IPv4)
 * @payload:	filled with the payload bytes
 *
 * Return: mbuf (chained)
 */
static struct rte_mbuf *build_tso(bool v6, uint8_t *payload)
{
	uint8_t f[14 + 40 + 20 + PAYLOAD] = { 0 };
	uint32_t l3 = v6 ? 40 : 20, len = 14 + l3 + 20 + PAYLOAD;
	struct rte_tcp_hdr *tcp = (void *)(f + 14 + l3);
	struct rte_mbuf *m;

	memcpy(f, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
	f[12] = v6 ? 0x86 : 0x08;
	f[13] = v6 ? 0xdd : 0x00;
	if (v6) {
		struct rte_ipv6_hdr *ip = (void *)(f + 14);

		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16(20 + PAYLOAD);
		ip->proto = IPPROTO_TCP;
		ip->hop_limits = 64;
		ip->src_addr[15] = 1;
		ip->dst_addr[15] = 2;
	} else {
		struct rte_ipv4_hdr *ip = (void *)(f + 14);

		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16(20 + 20 + PAYLOAD);
		ip->packet_id = rte_cpu_to_be_16(100);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		ip->src_addr = rte_cpu_to_be_32(0x0a000001);
		ip->dst_addr = rte_cpu_to_be_32(0x0a000002);
	}
	tcp->src_port = rte_cpu_to_be_16(40000);
	tcp->dst_port = rte_cpu_to_be_16(5201);
	tcp->sent_seq = rte_cpu_to_be_32(1000);
	tcp->data_off = 5 << 4;
	tcp->tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG | RTE_TCP_FIN_FLAG;
	tcp->rx_win = 0xffff;
	for (uint32_t i = 0; i < PAYLOAD; i++)
		payload[i] = f[14 + l3 + 20 + i] = (uint8_t)(i * 7 + 3);
	m = mbuf_from_bytes(port_mbuf_pool, f, len, 0);
	assert_non_null(m);
	m->l2_len = 14;
	m->l3_len = l3;
	m->l4_len = 20;
	m->tso_segsz = MSS;
	m->ol_flags = RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM |
		      (v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4);
	tcp = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, 14 + l3);
	tcp->cksum =
		v6 ? rte_ipv6_phdr_cksum(rte_pktmbuf_mtod_offset(m, void *, 14),
					 m->ol_flags)
		   : rte_ipv4_phdr_cksum(rte_pktmbuf_mtod_offset(m, void *, 14),
					 m->ol_flags);
	return m;
}

/**
 * test_port() - a real (unstarted) pcap port with the given capabilities
 * @id:		port id
 * @caps:	PORT_CAP_*
 *
 * Return: port
 */
static struct port *test_port(const char *id, uint32_t caps)
{
	char spec[64], err[256];
	struct port *p;

	snprintf(spec, sizeof(spec), "pcap,id=%s", id);
	p = port_open(spec, err, sizeof(err));
	assert_non_null(p);
	p->caps = caps;
	return p;
}

/**
 * check_segments() - the segments carry the super-frame exactly
 * @out:	segments
 * @n:		count
 * @v6:		IPv6
 * @payload:	the original payload
 * @filled:	checksums must have been filled in software (else partial)
 */
static void check_segments(struct rte_mbuf **out, uint16_t n, bool v6,
			   const uint8_t *payload, bool filled)
{
	uint32_t l3 = v6 ? 40 : 20, off = 0;
	uint8_t buf[2048];

	assert_int_equal(n, (PAYLOAD + MSS - 1) / MSS);
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *d =
			rte_pktmbuf_read(out[i], 0, out[i]->pkt_len, buf);
		const struct rte_tcp_hdr *tcp = (const void *)(d + 14 + l3);
		uint32_t len = out[i]->pkt_len - 14 - l3 - 20;

		assert_true(len <= MSS);
		assert_int_equal(rte_be_to_cpu_32(tcp->sent_seq), 1000 + off);
		assert_memory_equal(d + 14 + l3 + 20, payload + off, len);
		assert_int_equal(!!(tcp->tcp_flags & RTE_TCP_FIN_FLAG),
				 i == n - 1);
		if (!v6) {
			const struct rte_ipv4_hdr *ip = (const void *)(d + 14);

			assert_int_equal(rte_be_to_cpu_16(ip->total_length),
					 40 + len);
			assert_int_equal(rte_ipv4_cksum(ip), 0); /* valid */
			if (filled)
				assert_int_equal(
					rte_ipv4_udptcp_cksum_verify(ip, tcp),
					0);
		} else {
			const struct rte_ipv6_hdr *ip = (const void *)(d + 14);

			assert_int_equal(rte_be_to_cpu_16(ip->payload_len),
					 20 + len);
			if (filled)
				assert_int_equal(
					rte_ipv6_udptcp_cksum_verify(ip, tcp),
					0);
		}
		assert_int_equal(!!(out[i]->ol_flags & RTE_MBUF_F_TX_TCP_CKSUM),
				 !filled);
		off += len;
	}
	assert_int_equal(off, PAYLOAD);
}

/**
 * flood_tso() - one super-frame shared by three ports of different caps
 * @v6:		IPv6 (else IPv4)
 */
static void flood_tso(bool v6)
{
	uint32_t all = PORT_CAP_MULTISEG | PORT_CAP_L4_CKSUM | PORT_CAP_TSO4 |
		       PORT_CAP_TSO6;
	struct port *tso = test_port("tso", all);
	struct port *csum =
		test_port("csum", PORT_CAP_MULTISEG | PORT_CAP_L4_CKSUM);
	struct port *none = test_port("none", 0);
	struct rte_mbuf *out[OUT_MAX], *m;
	uint8_t payload[PAYLOAD], before[14 + 40 + 20];
	uint16_t n;

	m = build_tso(v6, payload);
	memcpy(before, rte_pktmbuf_mtod(m, void *), sizeof(before));
	rte_pktmbuf_refcnt_update(m, 2); /* as flood() does for 3 ports */
	n = offload_adapt(none, m, out, OUT_MAX);
	check_segments(out, n, v6, payload, true);
	for (uint16_t i = 0; i < n; i++)
		assert_int_equal(out[i]->nb_segs, 1);
	rte_pktmbuf_free_bulk(out, n);
	n = offload_adapt(csum, m, out, OUT_MAX);
	check_segments(out, n, v6, payload, false);
	rte_pktmbuf_free_bulk(out, n);
	n = offload_adapt(tso, m, out, OUT_MAX);
	assert_int_equal(n, 1);
	assert_ptr_equal(out[0], m); /* passes whole, untouched */
	assert_memory_equal(rte_pktmbuf_mtod(m, void *), before,
			    sizeof(before));
	rte_pktmbuf_free(out[0]);
	assert_int_equal(port_counters(none)->offload[OFFLOAD_SEG], 1);
	assert_int_equal(port_counters(tso)->offload[OFFLOAD_PASS], 1);
	tso->ops->close(tso);
	csum->ops->close(csum);
	none->ops->close(none);
}

/**
 * test_flood_tso_ipv4() - a TCP/IPv4 super-frame to TSO, checksum-only
 * and plain ports: whole, segmented with partial checksums, segmented with
 * full checksums and linear
 */
static void test_flood_tso_ipv4(void **state)
{
	(void)state;
	flood_tso(false);
}

/**
 * test_flood_tso_ipv6() - the same over IPv6
 */
static void test_flood_tso_ipv6(void **state)
{
	(void)state;
	flood_tso(true);
}

/**
 * test_bad_tso_metadata_dropped() - tso_segsz 0 is dropped as "offload"
 */
static void test_bad_tso_metadata_dropped(void **state)
{
	struct port *none = test_port("bad", 0);
	struct rte_mbuf *out[OUT_MAX], *m;
	uint8_t payload[PAYLOAD];

	(void)state;
	m = build_tso(false, payload);
	m->tso_segsz = 0;
	assert_int_equal(offload_adapt(none, m, out, OUT_MAX), 0);
	assert_int_equal(port_counters(none)->drops[DROP_OFFLOAD], 1);
	none->ops->close(none);
}

/**
 * split_copy() - a frame as a chain of two segments, the first @cut bytes
 * long
 * @f:		frame
 * @len:	its length
 * @cut:	bytes in the first segment, 1..@len - 1
 *
 * Return: mbuf (two segments)
 */
static struct rte_mbuf *split_copy(const uint8_t *f, uint32_t len, uint32_t cut)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_mbuf_pool);
	struct rte_mbuf *t = rte_pktmbuf_alloc(port_mbuf_pool);

	assert_non_null(m);
	assert_non_null(t);
	memcpy(rte_pktmbuf_append(m, (uint16_t)cut), f, cut);
	memcpy(rte_pktmbuf_append(t, (uint16_t)(len - cut)), f + cut,
	       len - cut);
	assert_int_equal(rte_pktmbuf_chain(m, t), 0);
	return m;
}

/**
 * test_cksum_any_split() - the sum over a chain equals the sum over the
 * same bytes in one piece, wherever the chain is cut (DPDK 22.11's
 * rte_raw_cksum_mbuf() is wrong where the second segment starts at an odd
 * offset of the range)
 */
static void test_cksum_any_split(void **state)
{
	uint8_t f[1400];
	uint32_t off = 34, len = sizeof(f) - off;

	(void)state;
	for (uint32_t i = 0; i < sizeof(f); i++)
		f[i] = (uint8_t)(0xf0 + i * 13);
	for (uint32_t cut = 1; cut < sizeof(f); cut++) {
		struct rte_mbuf *m = split_copy(f, sizeof(f), cut);
		uint16_t sum = 0;

		assert_int_equal(cksum_mbuf_raw(m, off, len, &sum), 0);
		assert_int_equal(sum, rte_raw_cksum(f + off, len));
		assert_int_not_equal(cksum_mbuf_raw(m, off, len + 1, &sum), 0);
		rte_pktmbuf_free(m);
	}
}

/**
 * csum_chain() - a TCP frame with its checksum left partial, its first
 * segment ending at an odd byte of the TCP data (as a full 64 KB buffer
 * does), to a port that takes chains but no checksum offload: the switch
 * sums it, and the sum holds
 * @v6:		IPv6 (else IPv4)
 */
static void csum_chain(bool v6)
{
	struct port *seg = test_port("seg", PORT_CAP_MULTISEG);
	uint32_t l3 = v6 ? 40 : 20, len = 14 + l3 + 20 + 1800;
	struct rte_mbuf *out[OUT_MAX], *m, *flat;
	uint8_t payload[PAYLOAD], f[14 + 40 + 20 + 1800], buf[sizeof(f)];
	const uint8_t *d;
	uint16_t n;

	/* the first 1854 bytes of a super-frame, as one frame */
	m = build_tso(v6, payload);
	d = rte_pktmbuf_read(m, 0, len, f);
	memcpy(f, d, len);
	rte_pktmbuf_free(m);
	if (v6)
		((struct rte_ipv6_hdr *)(f + 14))->payload_len =
			rte_cpu_to_be_16(20 + 1800);
	else
		((struct rte_ipv4_hdr *)(f + 14))->total_length =
			rte_cpu_to_be_16(20 + 20 + 1800);
	flat = mbuf_from_bytes(port_mbuf_pool, f, len, 0);
	assert_non_null(flat);
	m = split_copy(f, len, 14 + l3 + 20 + 1001);
	for (struct rte_mbuf *x = flat;; x = m) {
		struct rte_tcp_hdr *tcp;

		x->l2_len = 14;
		x->l3_len = l3;
		x->l4_len = 20;
		x->ol_flags = RTE_MBUF_F_TX_TCP_CKSUM |
			      (v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4);
		tcp = rte_pktmbuf_mtod_offset(x, struct rte_tcp_hdr *, 14 + l3);
		tcp->cksum =
			v6 ? rte_ipv6_phdr_cksum(
				     rte_pktmbuf_mtod_offset(x, void *, 14), 0)
			   : rte_ipv4_phdr_cksum(
				     rte_pktmbuf_mtod_offset(x, void *, 14), 0);
		if (x == m)
			break;
	}
	n = offload_adapt(seg, m, out, OUT_MAX);
	assert_int_equal(n, 1);
	assert_int_equal(out[0]->nb_segs, 2);
	assert_int_equal(out[0]->ol_flags & RTE_MBUF_F_TX_L4_MASK, 0);
	d = rte_pktmbuf_read(out[0], 0, len, buf);
	if (v6)
		assert_int_equal(rte_ipv6_udptcp_cksum_verify(
					 (const void *)(d + 14),
					 (const void *)(d + 14 + l3)),
				 0);
	else
		assert_int_equal(rte_ipv4_udptcp_cksum_verify(
					 (const void *)(d + 14),
					 (const void *)(d + 14 + l3)),
				 0);
	/* the same as summed in one piece */
	n = offload_adapt(seg, flat, out + 1, OUT_MAX - 1);
	assert_int_equal(n, 1);
	assert_memory_equal(rte_pktmbuf_mtod(out[1], void *), d, len);
	rte_pktmbuf_free(out[0]);
	rte_pktmbuf_free(out[1]);
	seg->ops->close(seg);
}

/**
 * test_csum_chain_ipv4() - csum_chain() for TCP/IPv4
 */
static void test_csum_chain_ipv4(void **state)
{
	(void)state;
	csum_chain(false);
}

/**
 * test_csum_chain_ipv6() - csum_chain() for TCP/IPv6
 */
static void test_csum_chain_ipv6(void **state)
{
	(void)state;
	csum_chain(true);
}

/**
 * main() - run the offload tests
 *
 * Return: number of failed tests
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_flood_tso_ipv4),
		FIXTURE_TEST(test_flood_tso_ipv6),
		FIXTURE_TEST(test_bad_tso_metadata_dropped),
		FIXTURE_TEST(test_cksum_any_split),
		FIXTURE_TEST(test_csum_chain_ipv4),
		FIXTURE_TEST(test_csum_chain_ipv6),
	};

	return cmocka_run_group_tests_name("offload", tests, fixture_eal_setup,
					   fixture_eal_teardown);
}
