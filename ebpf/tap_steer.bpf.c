// SPDX-License-Identifier: BSD-3-Clause
/* tap_steer.bpf.c - tap queue steering: one queue per flow, both directions
 *
 * Attached with TUNSETSTEERINGEBPF. The kernel calls it for every frame the
 * host side sends into a multiqueue tap and queues the frame on
 * (return value % queues). The hash is symmetric - addresses and ports are
 * combined with XOR - so a flow's two directions land on the same queue,
 * and every frame of a flow on one queue (one PMD thread, no reordering).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/**
 * mix() - spread the bits of a combined value
 * @h:		value
 *
 * Return: hash
 */
static __always_inline __u32 mix(__u32 h)
{
	h ^= h >> 16;
	h *= 0x45d9f3b;
	h ^= h >> 16;
	return h;
}

/**
 * ports() - source XOR destination port of a TCP/UDP header at @off
 * @skb:	frame
 * @off:	offset of the L4 header
 *
 * Return: XOR of the ports, 0 if unreadable
 */
static __always_inline __u32 ports(struct __sk_buff *skb, __u32 off)
{
	__u16 p[2];

	if (bpf_skb_load_bytes(skb, off, p, sizeof(p)))
		return 0;
	return (__u32)(p[0] ^ p[1]);
}

/**
 * hash_ipv4() - symmetric hash of an IPv4 frame
 * @skb:	frame
 *
 * Return: hash
 */
static __always_inline __u32 hash_ipv4(struct __sk_buff *skb)
{
	struct iphdr ip;
	__u32 h;

	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)))
		return 0;
	h = ip.saddr ^ ip.daddr ^ ip.protocol;
	if ((ip.protocol == IPPROTO_TCP || ip.protocol == IPPROTO_UDP) &&
	    !(ip.frag_off & bpf_htons(0x3fff)))
		h ^= ports(skb, ETH_HLEN + ip.ihl * 4);
	return h;
}

/**
 * hash_ipv6() - symmetric hash of an IPv6 frame (no extension headers)
 * @skb:	frame
 *
 * Return: hash
 */
static __always_inline __u32 hash_ipv6(struct __sk_buff *skb)
{
	struct ipv6hdr ip;
	__u32 h = 0;

	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)))
		return 0;
	for (int i = 0; i < 4; i++)
		h ^= ip.saddr.in6_u.u6_addr32[i] ^ ip.daddr.in6_u.u6_addr32[i];
	h ^= ip.nexthdr;
	if (ip.nexthdr == IPPROTO_TCP || ip.nexthdr == IPPROTO_UDP)
		h ^= ports(skb, ETH_HLEN + sizeof(ip));
	return h;
}

/**
 * tap_steer() - the steering program
 * @skb:	frame the host sends into the tap
 *
 * Return: a hash; the kernel takes it modulo the number of queues
 */
SEC("socket")
int tap_steer(struct __sk_buff *skb)
{
	__u16 proto;

	if (bpf_skb_load_bytes(skb, 12, &proto, sizeof(proto)))
		return 0;
	if (proto == bpf_htons(ETH_P_IP))
		return (int)(mix(hash_ipv4(skb)) & 0x7fffffff);
	if (proto == bpf_htons(ETH_P_IPV6))
		return (int)(mix(hash_ipv6(skb)) & 0x7fffffff);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
