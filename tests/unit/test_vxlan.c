// SPDX-License-Identifier: BSD-3-Clause
/* test_vxlan.c - VXLAN decapsulation checks, the outer source port's
 * inner flow hash, the merging of a train's TCP segments, the cutting
 * of super-frames into datagrams, on real mbufs; the remote VTEP table
 */
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>

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

#define MSS  1000
#define SEQ0 0x7ffffe00u

/**
 * tcp_seg() - an Ethernet/IPv4/TCP segment with a timestamp option and
 * good checksums, its payload bytes numbered from its sequence number
 * @sport:	TCP source port
 * @seq:	sequence number
 * @len:	payload bytes
 * @flags:	TCP flags
 *
 * Return: frame
 */
static struct rte_mbuf *tcp_seg(uint16_t sport, uint32_t seq, uint16_t len,
				uint8_t flags)
{
	uint8_t b[RTE_ETHER_HDR_LEN + 20 + 32 + MSS] = { 0 };
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)b;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)(ip + 1);
	uint8_t *opt = (uint8_t *)(tcp + 1), *pay = opt + 12;

	eh->dst_addr = fixture_mac(1);
	eh->src_addr = fixture_mac(2);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 32 + len));
	ip->packet_id = rte_cpu_to_be_16((uint16_t)seq);
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = RTE_BE32(0x0a4d0001);
	ip->dst_addr = RTE_BE32(0x0a4d0002);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	tcp->src_port = rte_cpu_to_be_16(sport);
	tcp->dst_port = RTE_BE16(PORT_B);
	tcp->sent_seq = rte_cpu_to_be_32(seq);
	tcp->recv_ack = RTE_BE32(12345);
	tcp->data_off = 8 << 4;
	tcp->tcp_flags = flags;
	tcp->rx_win = RTE_BE16(500);
	memcpy(opt, "\x01\x01\x08\x0a\x00\x00\x00\x07\x00\x00\x00\x09", 12);
	for (uint16_t i = 0; i < len; i++)
		pay[i] = (uint8_t)(seq + i);
	tcp->cksum = rte_ipv4_udptcp_cksum(ip, tcp);
	return fixture_mbuf(b, RTE_ETHER_HDR_LEN + 20 + 32 + len);
}

/**
 * lro_feed() - run frames through the merge as gro_split() does
 * @f:		frames of one train, in order; replaced by what leaves
 * @n:		their count
 *
 * Return: frames that leave
 */
static unsigned int lro_feed(struct rte_mbuf **f, unsigned int n)
{
	struct vxlan_lro l = { 0 };
	unsigned int out = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (vxlan_lro_join(&l, f[i]))
			continue;
		vxlan_lro_end(&l);
		vxlan_lro_start(&l, f[i]);
		f[out++] = f[i];
	}
	vxlan_lro_end(&l);
	return out;
}

/**
 * test_lro_merge() - full segments and a short last one with PSH become
 * one super-frame: whole length in the IP header (its checksum good),
 * the pseudo-header sum in TCP's, cut at the MSS, payload in order
 */
static void test_lro_merge(void **state)
{
	struct rte_mbuf *f[5];
	const uint32_t hdr = RTE_ETHER_HDR_LEN + 20 + 32;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *tcp;
	uint32_t off = 0;

	(void)state;
	for (unsigned int i = 0; i < 4; i++)
		f[i] = tcp_seg(PORT_A, SEQ0 + i * MSS, MSS, RTE_TCP_ACK_FLAG);
	f[4] = tcp_seg(PORT_A, SEQ0 + 4 * MSS, 300,
		       RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG);
	assert_int_equal(lro_feed(f, 5), 1);
	assert_int_equal(f[0]->nb_segs, 5);
	assert_int_equal(f[0]->pkt_len, hdr + 4 * MSS + 300);
	assert_true(f[0]->ol_flags & RTE_MBUF_F_TX_TCP_SEG);
	assert_true(f[0]->ol_flags & RTE_MBUF_F_TX_IPV4);
	assert_int_equal(f[0]->tso_segsz, MSS);
	assert_int_equal(f[0]->l2_len + f[0]->l3_len + f[0]->l4_len, hdr);
	ip = rte_pktmbuf_mtod_offset(f[0], struct rte_ipv4_hdr *,
				     RTE_ETHER_HDR_LEN);
	tcp = (struct rte_tcp_hdr *)(ip + 1);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length),
			 f[0]->pkt_len - RTE_ETHER_HDR_LEN);
	assert_int_equal(rte_ipv4_cksum(ip), 0);
	assert_int_equal(tcp->cksum, rte_ipv4_phdr_cksum(ip, 0));
	assert_true(tcp->tcp_flags & RTE_TCP_PSH_FLAG);
	for (struct rte_mbuf *s = f[0]; s; s = s->next) {
		const uint8_t *p = rte_pktmbuf_mtod(s, const uint8_t *);
		uint32_t skip = s == f[0] ? hdr : 0;

		for (uint32_t i = skip; i < s->data_len; i++, off++)
			assert_int_equal(p[i], (uint8_t)(SEQ0 + off));
	}
	assert_int_equal(off, 4 * MSS + 300);
	rte_pktmbuf_free(f[0]);
}

/**
 * test_lro_refuse() - a gap in the sequence, another flow, a bad TCP
 * checksum, a segment longer than the first (its MSS) and a FIN each end
 * the super-frame and leave as frames of their own, untouched; short
 * segments of one size merge at that size
 */
static void test_lro_refuse(void **state)
{
	struct rte_mbuf *f[9];
	struct rte_tcp_hdr *tcp;
	unsigned int n;

	(void)state;
	f[0] = tcp_seg(PORT_A, SEQ0, MSS, RTE_TCP_ACK_FLAG);
	f[1] = tcp_seg(PORT_A, SEQ0 + MSS, MSS, RTE_TCP_ACK_FLAG);
	f[2] = tcp_seg(PORT_A, SEQ0 + 3 * MSS, MSS, RTE_TCP_ACK_FLAG);
	f[3] = tcp_seg(PORT_A + 1, SEQ0 + 4 * MSS, MSS, RTE_TCP_ACK_FLAG);
	f[4] = tcp_seg(PORT_A + 1, SEQ0 + 5 * MSS, MSS, RTE_TCP_ACK_FLAG);
	tcp = rte_pktmbuf_mtod_offset(f[4], struct rte_tcp_hdr *,
				      RTE_ETHER_HDR_LEN + 20);
	tcp->cksum ^= 1;
	f[5] = tcp_seg(PORT_A, SEQ0, 10, RTE_TCP_ACK_FLAG);
	f[6] = tcp_seg(PORT_A, SEQ0 + 10, 10, RTE_TCP_ACK_FLAG);
	f[7] = tcp_seg(PORT_A, SEQ0 + 20, MSS, RTE_TCP_ACK_FLAG);
	f[8] = tcp_seg(PORT_A, SEQ0 + 20 + MSS, MSS,
		       RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG);
	n = lro_feed(f, 9);
	/* f0+f1 | f2 | f3 | f4 | f5+f6 | f7 | f8 */
	assert_int_equal(n, 7);
	assert_int_equal(f[0]->nb_segs, 2);
	assert_true(f[0]->ol_flags & RTE_MBUF_F_TX_TCP_SEG);
	for (unsigned int i = 1; i < n; i++) {
		if (i == 4) {
			assert_int_equal(f[i]->nb_segs, 2);
			assert_int_equal(f[i]->tso_segsz, 10);
		} else {
			assert_int_equal(f[i]->nb_segs, 1);
			assert_int_equal(f[i]->ol_flags, 0);
		}
	}
	tcp = rte_pktmbuf_mtod_offset(f[3], struct rte_tcp_hdr *,
				      RTE_ETHER_HDR_LEN + 20);
	assert_int_equal(tcp->sent_seq, rte_cpu_to_be_32(SEQ0 + 5 * MSS));
	rte_pktmbuf_free_bulk(f, n);
}

/**
 * tso_check() - assemble the datagrams vxlan_tso_build() describes for
 * @m and check each: lengths, IP id, sequence number, flags, payload,
 * and checksums as a receiver checks them
 * @m:		super-frame from tcp_seg() with transmit intent set
 * @segs:	datagrams expected
 * @last_len:	payload of the last one
 */
static void tso_check(const struct rte_mbuf *m, uint32_t segs,
		      uint32_t last_len)
{
	static uint8_t hdr[VXLAN_TSO_HDR_MAX];
	const uint32_t hl = RTE_ETHER_HDR_LEN + 20 + 32;

	assert_int_equal(vxlan_tso_segs(m), segs);
	for (uint32_t i = 0; i < segs; i++) {
		uint8_t f[RTE_ETHER_HDR_LEN + 20 + 32 + MSS];
		struct iovec iov[8];
		uint32_t len, at = 0;
		unsigned int n = vxlan_tso_build(m, i, hdr, iov, 8, &len);
		struct rte_ipv4_hdr *ip = (void *)(f + RTE_ETHER_HDR_LEN);
		struct rte_tcp_hdr *tcp = (void *)(ip + 1);

		assert_true(n >= 2);
		for (unsigned int k = 0; k < n; k++) {
			memcpy(f + at, iov[k].iov_base, iov[k].iov_len);
			at += (uint32_t)iov[k].iov_len;
		}
		assert_int_equal(at, len);
		assert_int_equal(len - hl, i + 1 == segs ? last_len : MSS);
		assert_int_equal(rte_be_to_cpu_16(ip->total_length),
				 len - RTE_ETHER_HDR_LEN);
		assert_int_equal(rte_ipv4_cksum(ip), 0);
		assert_int_equal(rte_be_to_cpu_16(ip->packet_id),
				 (uint16_t)(SEQ0 + i));
		assert_int_equal(rte_be_to_cpu_32(tcp->sent_seq),
				 SEQ0 + i * MSS);
		assert_int_equal(rte_ipv4_udptcp_cksum_verify(ip, tcp), 0);
		assert_int_equal(!!(tcp->tcp_flags & RTE_TCP_PSH_FLAG),
				 i + 1 == segs);
		for (uint32_t b = hl; b < len; b++)
			assert_int_equal(f[b],
					 (uint8_t)(SEQ0 + i * MSS + b - hl));
	}
}

/**
 * test_tso_build() - a super-frame merged from segments (payload in a
 * chain of mbufs, one piece at an odd offset) is cut back into the same
 * segments, checksums right, without copying its payload; a frame with
 * its checksum left partial gets it completed
 */
static void test_tso_build(void **state)
{
	struct rte_mbuf *f[4];
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *tcp;

	(void)state;
	f[0] = tcp_seg(PORT_A, SEQ0, MSS, RTE_TCP_ACK_FLAG);
	f[1] = tcp_seg(PORT_A, SEQ0 + MSS, 333, RTE_TCP_ACK_FLAG);
	f[2] = tcp_seg(PORT_A, SEQ0 + MSS + 333, 667, RTE_TCP_ACK_FLAG);
	f[3] = tcp_seg(PORT_A, SEQ0 + 2 * MSS, 501,
		       RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG);
	/* join the 333 and 667 byte pieces by hand: lro_feed() would not */
	assert_int_equal(lro_feed(f, 1), 1);
	for (unsigned int i = 1; i < 4; i++) {
		rte_pktmbuf_adj(f[i], RTE_ETHER_HDR_LEN + 20 + 32);
		assert_int_equal(rte_pktmbuf_chain(f[0], f[i]), 0);
	}
	f[0]->l2_len = RTE_ETHER_HDR_LEN;
	f[0]->l3_len = 20;
	f[0]->l4_len = 32;
	f[0]->tso_segsz = MSS;
	f[0]->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM |
			 RTE_MBUF_F_TX_TCP_SEG;
	ip = rte_pktmbuf_mtod_offset(f[0], struct rte_ipv4_hdr *,
				     RTE_ETHER_HDR_LEN);
	ip->packet_id = rte_cpu_to_be_16((uint16_t)SEQ0);
	tcp = (struct rte_tcp_hdr *)(ip + 1);
	tcp->tcp_flags |= RTE_TCP_PSH_FLAG;
	tcp->cksum = 0x1234; /* whatever was there: not read */
	tso_check(f[0], 3, 501);
	rte_pktmbuf_free(f[0]);

	f[0] = tcp_seg(PORT_A, SEQ0, 777, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG);
	f[0]->l2_len = RTE_ETHER_HDR_LEN;
	f[0]->l3_len = 20;
	f[0]->l4_len = 32;
	f[0]->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
	tcp = rte_pktmbuf_mtod_offset(f[0], struct rte_tcp_hdr *,
				      RTE_ETHER_HDR_LEN + 20);
	tcp->cksum = 0;
	tso_check(f[0], 1, 777);
	rte_pktmbuf_free(f[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_decap_check),
		FIXTURE_TEST(test_flow_hash),
		FIXTURE_TEST(test_flow_hash_unaligned),
		FIXTURE_TEST(test_remotes_many),
		FIXTURE_TEST(test_remotes_v6),
		FIXTURE_TEST(test_lro_merge),
		FIXTURE_TEST(test_lro_refuse),
		FIXTURE_TEST(test_tso_build),
	};

	return cmocka_run_group_tests_name("vxlan", tests, fixture_eal_setup,
					   fixture_eal_teardown);
}
