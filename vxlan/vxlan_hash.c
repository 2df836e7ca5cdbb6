// SPDX-License-Identifier: BSD-3-Clause
/* vxlan_hash.c - the inner flow hash that picks the outer UDP source port
 *
 * As Linux (udp_flow_src_port()), Open vSwitch and VPP do, the outer
 * source port carries a hash of the inner flow, so that the underlay's ECMP
 * and the receiver's RSS spread tunnelled flows while every frame of one
 * flow keeps one path (no reordering). The hash covers the inner IPv4 or
 * IPv6 addresses, the protocol and, for TCP, UDP and SCTP packets that are
 * not fragments, the ports; any other frame hashes its Ethernet addresses
 * and type. One 802.1Q tag is looked through.
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_jhash.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "vxlan.h"

/**
 * struct flow_key - what the hash covers
 * @src:	source address (IPv4 in the first 4 bytes)
 * @dst:	destination address
 * @ports:	L4 source and destination ports, 0 when none
 * @proto:	IP protocol
 */
struct flow_key {
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t ports;
	uint32_t proto;
};

/**
 * has_ports() - whether an IP protocol's header starts with two ports
 * @proto:	IPPROTO_*
 *
 * Return: true for TCP, UDP, UDP-Lite and SCTP
 */
static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP;
}

/**
 * read_hdr() - copy @len bytes at @off of a frame into @buf, so that
 * fields are read aligned wherever the frame sits
 * @m:		frame
 * @off:	offset
 * @len:	bytes
 * @buf:	result
 *
 * Return: false when the frame is shorter
 */
static bool read_hdr(const struct rte_mbuf *m, uint32_t off, uint32_t len,
		     void *buf)
{
	const void *p = rte_pktmbuf_read(m, off, len, buf);

	if (!p)
		return false;
	if (p != buf)
		memcpy(buf, p, len);
	return true;
}

/**
 * read_ports() - the L4 ports at @off, or 0 when the frame is too short
 * @m:		frame
 * @off:	offset of the L4 header
 *
 * Return: ports as they are on the wire
 */
static uint32_t read_ports(const struct rte_mbuf *m, uint32_t off)
{
	uint32_t v;

	return read_hdr(m, off, sizeof(v), &v) ? v : 0;
}

/**
 * key_ipv4() - fill @k from an IPv4 header at @off
 * @m:		frame
 * @off:	offset of the IPv4 header
 * @k:		key, zeroed
 *
 * Return: true when the header was there
 */
static bool key_ipv4(const struct rte_mbuf *m, uint32_t off, struct flow_key *k)
{
	struct rte_ipv4_hdr buf;
	const struct rte_ipv4_hdr *ip = &buf;

	if (!read_hdr(m, off, sizeof(buf), &buf))
		return false;
	memcpy(k->src, &ip->src_addr, 4);
	memcpy(k->dst, &ip->dst_addr, 4);
	k->proto = ip->next_proto_id;
	if (has_ports(ip->next_proto_id) &&
	    !(ip->fragment_offset &
	      RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		k->ports = read_ports(m, off + rte_ipv4_hdr_len(ip));
	return true;
}

/**
 * key_ipv6() - fill @k from an IPv6 header at @off (extension headers are
 * not walked: such packets hash by addresses alone)
 * @m:		frame
 * @off:	offset of the IPv6 header
 * @k:		key, zeroed
 *
 * Return: true when the header was there
 */
static bool key_ipv6(const struct rte_mbuf *m, uint32_t off, struct flow_key *k)
{
	struct rte_ipv6_hdr buf;
	const struct rte_ipv6_hdr *ip = &buf;

	if (!read_hdr(m, off, sizeof(buf), &buf))
		return false;
	memcpy(k->src, ip->src_addr, 16);
	memcpy(k->dst, ip->dst_addr, 16);
	k->proto = ip->proto;
	if (has_ports(ip->proto))
		k->ports = read_ports(m, off + sizeof(*ip));
	return true;
}

/**
 * vxlan_flow_hash() - hash of the inner flow of a frame
 * @m:		frame (not modified)
 *
 * Return: 32-bit hash
 */
uint32_t vxlan_flow_hash(const struct rte_mbuf *m)
{
	struct rte_ether_hdr ebuf;
	const struct rte_ether_hdr *eh = &ebuf;
	uint32_t off = sizeof(*eh);
	struct flow_key k = { 0 };
	uint16_t type, tag[2];

	if (!read_hdr(m, 0, sizeof(ebuf), &ebuf))
		return 0;
	type = eh->ether_type;
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN) &&
	    read_hdr(m, off, sizeof(tag), tag)) {
		type = tag[1];
		off += sizeof(tag);
	}
	if ((type == RTE_BE16(RTE_ETHER_TYPE_IPV4) && key_ipv4(m, off, &k)) ||
	    (type == RTE_BE16(RTE_ETHER_TYPE_IPV6) && key_ipv6(m, off, &k)))
		return rte_jhash(&k, sizeof(k), 0);
	memcpy(k.src, &eh->src_addr, RTE_ETHER_ADDR_LEN);
	memcpy(k.dst, &eh->dst_addr, RTE_ETHER_ADDR_LEN);
	k.proto = type;
	return rte_jhash(&k, sizeof(k), 0);
}
