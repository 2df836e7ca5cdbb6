// SPDX-License-Identifier: BSD-3-Clause
/* cksum.c - Internet checksums over a frame's segments
 *
 * DPDK 22.11's rte_raw_cksum_mbuf() (and so rte_ipv4_udptcp_cksum_mbuf()
 * and its IPv6 and _verify variants) gets a chain wrong when a segment
 * starts at an odd byte of the summed range: it cuts that segment's
 * unfolded 32-bit sum to 16 bits before swapping its bytes, losing the
 * carries. A full 64 KB buffer holds an odd number of bytes (65535 less
 * the headroom), so a frame longer than one, as the NAT's 64 KB frames
 * at guest MTU 65520 are, got a wrong TCP checksum wherever the switch
 * summed it in software, and the guest's stack dropped it without a word.
 * These sum each segment, fold it, then swap it when it starts at an odd
 * offset (RFC 1071, byte order independence).
 */
#include "cksum.h"

#include <errno.h>
#include <netinet/in.h>

#include <rte_byteorder.h>

/**
 * cksum_mbuf_raw() - the folded ones' complement sum of bytes of a frame
 * @m:		frame, maybe chained
 * @off:	first byte
 * @len:	bytes
 * @sum:	set to the sum (not complemented)
 *
 * Return: 0, or -EINVAL when the range is outside the frame
 */
int cksum_mbuf_raw(const struct rte_mbuf *m, uint32_t off, uint32_t len,
		   uint16_t *sum)
{
	uint32_t acc = 0, done = 0;

	if ((uint64_t)off + len > m->pkt_len)
		return -EINVAL;
	while (m && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	for (; m && done < len; m = m->next, off = 0) {
		uint32_t n = RTE_MIN(len - done, (uint32_t)m->data_len - off);
		uint32_t s = __rte_raw_cksum(
			rte_pktmbuf_mtod_offset(m, const void *, off), n, 0);

		s = __rte_raw_cksum_reduce(s);
		if (done & 1)
			s = rte_bswap16((uint16_t)s);
		acc += s; /* at most 65535 per segment: no overflow */
		done += n;
	}
	if (done != len)
		return -EINVAL;
	*sum = __rte_raw_cksum_reduce(acc);
	return 0;
}

/**
 * finish() - the checksum field's value from the data's sum and the
 * pseudo-header's
 * @raw:	sum of the L4 header and payload
 * @phdr:	pseudo-header sum
 * @udp:	a zero result is sent as 0xffff (RFC 768)
 *
 * Return: complemented checksum
 */
static uint16_t finish(uint16_t raw, uint16_t phdr, bool udp)
{
	uint32_t s = (uint32_t)raw + phdr;
	uint16_t ck;

	s = (s & 0xffff) + (s >> 16);
	ck = (uint16_t)~s;
	return ck == 0 && udp ? 0xffff : ck;
}

/**
 * cksum_ipv4_l4() - the TCP or UDP checksum of an IPv4 frame, as
 * rte_ipv4_udptcp_cksum_mbuf() means it; the field must be 0 (or hold
 * the value to verify)
 * @m:		frame, maybe chained
 * @ip:		its IPv4 header (contiguous; may be a copy)
 * @l4_off:	where the L4 header starts in @m
 *
 * Return: the checksum to store, or 0 when the IP length does not fit @m
 */
uint16_t cksum_ipv4_l4(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		       uint32_t l4_off)
{
	uint32_t ihl = rte_ipv4_hdr_len(ip);
	uint32_t tot = rte_be_to_cpu_16(ip->total_length);
	uint16_t raw;

	if (tot < ihl || cksum_mbuf_raw(m, l4_off, tot - ihl, &raw))
		return 0;
	return finish(raw, rte_ipv4_phdr_cksum(ip, 0),
		      ip->next_proto_id == IPPROTO_UDP);
}

/**
 * cksum_ipv6_l4() - the TCP or UDP checksum of an IPv6 frame without
 * extension headers, as rte_ipv6_udptcp_cksum_mbuf() means it
 * @m:		frame, maybe chained
 * @ip:		its IPv6 header (contiguous)
 * @l4_off:	where the L4 header starts in @m
 *
 * Return: the checksum to store, or 0 when the payload length does not
 * fit @m
 */
uint16_t cksum_ipv6_l4(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip,
		       uint32_t l4_off)
{
	uint16_t raw;

	if (cksum_mbuf_raw(m, l4_off, rte_be_to_cpu_16(ip->payload_len), &raw))
		return 0;
	return finish(raw, rte_ipv6_phdr_cksum(ip, 0),
		      ip->proto == IPPROTO_UDP);
}

/**
 * cksum_ipv4_l4_ok() - whether an IPv4 frame's TCP or UDP checksum holds
 * @m:		frame, maybe chained
 * @ip:		its IPv4 header (contiguous; may be a copy)
 * @l4_off:	where the L4 header starts in @m
 *
 * Return: true when the data with its checksum sums to all ones
 */
bool cksum_ipv4_l4_ok(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		      uint32_t l4_off)
{
	uint32_t ihl = rte_ipv4_hdr_len(ip);
	uint32_t tot = rte_be_to_cpu_16(ip->total_length);
	uint32_t s;
	uint16_t raw;

	if (tot < ihl || cksum_mbuf_raw(m, l4_off, tot - ihl, &raw))
		return false;
	s = (uint32_t)raw + rte_ipv4_phdr_cksum(ip, 0);
	s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}
