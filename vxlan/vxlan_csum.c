// SPDX-License-Identifier: BSD-3-Clause
/* vxlan_csum.c - the Internet checksum's ones' complement sum, 64 bits at
 * a time
 *
 * Theory of operation
 * -------------------
 * The receive side checks the checksums of the TCP segments it merges
 * (vxlan_lro.c) and the transmit side computes those of the segments it
 * cuts (vxlan_tso.c): one pass over every payload byte either way, so the
 * pass is made cheap. 32-bit words are added into a 64-bit accumulator,
 * eight per step, which takes a quarter of the additions of
 * rte_raw_cksum()'s 16-bit ones and gives the same sum once folded. Sums
 * are in host byte order, as rte_raw_cksum()'s and the pseudo-header
 * helpers' (rte_ipv4_phdr_cksum()) are, so they add to each other.
 */
#include <string.h>

#include "vxlan.h"

/**
 * vxlan_csum_add() - add @len bytes to a ones' complement sum
 * @p:		bytes, at an even offset of what is summed
 * @len:	their count
 * @sum:	sum so far
 *
 * Return: the sum, not folded
 */
uint64_t vxlan_csum_add(const void *p, size_t len, uint64_t sum)
{
	const uint8_t *b = p;
	uint32_t w[8];
	uint16_t h;

	for (; len >= sizeof(w); b += sizeof(w), len -= sizeof(w)) {
		memcpy(w, b, sizeof(w));
		sum += (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4] + w[5] +
		       w[6] + w[7];
	}
	for (; len >= sizeof(w[0]); b += sizeof(w[0]), len -= sizeof(w[0])) {
		memcpy(w, b, sizeof(w[0]));
		sum += w[0];
	}
	if (len >= sizeof(h)) {
		memcpy(&h, b, sizeof(h));
		sum += h;
		b += sizeof(h);
		len -= sizeof(h);
	}
	if (len) {
		h = 0;
		memcpy(&h, b, 1);
		sum += h;
	}
	return sum;
}

/**
 * vxlan_csum_fold() - fold a vxlan_csum_add() sum to 16 bits
 * @sum:	sum
 *
 * Return: the folded sum (not inverted)
 */
uint16_t vxlan_csum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}
