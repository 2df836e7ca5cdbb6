// SPDX-License-Identifier: BSD-3-Clause
/* slirp_output.c - frames from the NAT toward the guests, onto the ring
 * to the switch
 *
 * Theory of operation
 * -------------------
 * Everything the NAT sends a guest leaves here: libslirp's frames
 * (slirp_frame_out, its send_packet callback), those of the NAT's own TCP
 * and UDP paths and its DHCP replies (slirp_frame_queue). Frames are
 * padded to the Ethernet minimum; a TCP or UDP frame longer than the
 * guest's MTU becomes a GSO super-frame (TX_TCP_SEG/TX_UDP_SEG, checksum
 * left partial as a NIC would hand it over), which guests that negotiated
 * TSO take whole and which the switch segments in software for the
 * others. A frame toward an address the NAT has bound goes to the bound
 * MAC and names the bound port in its mbuf's port field, so the switch
 * sends it there only. A full ring toward the switch drops the frame
 * (counted); TCP retransmits.
 */
#include <string.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_net.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "mbuf_copy.h"
#include "nat_bind.h"
#include "slirp_port.h"

#define ETH_MIN_LEN 60

/**
 * mark_gso() - describe a long TCP/UDP frame from slirp as a super-frame
 * @sp:		port
 * @m:		frame, linear in its first segment for the headers
 */
static void mark_gso(struct slirp_port *sp, struct rte_mbuf *m)
{
	struct rte_net_hdr_lens hl;
	uint32_t ptype = rte_net_get_ptype(m, &hl, RTE_PTYPE_ALL_MASK);
	uint32_t l4 = ptype & RTE_PTYPE_L4_MASK;
	bool v4 = RTE_ETH_IS_IPV4_HDR(ptype);
	void *l3;

	if ((l4 != RTE_PTYPE_L4_TCP && l4 != RTE_PTYPE_L4_UDP) ||
	    hl.l2_len + hl.l3_len + hl.l4_len > rte_pktmbuf_data_len(m))
		return;
	m->l2_len = hl.l2_len;
	m->l3_len = hl.l3_len;
	m->l4_len = hl.l4_len;
	m->tso_segsz = v4 ? sp->mss4 : sp->mss6;
	m->ol_flags |= v4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6;
	l3 = rte_pktmbuf_mtod_offset(m, void *, hl.l2_len);
	if (l4 == RTE_PTYPE_L4_TCP) {
		struct rte_tcp_hdr *t = rte_pktmbuf_mtod_offset(
			m, struct rte_tcp_hdr *, hl.l2_len + hl.l3_len);

		/*
		 * The seed includes the TCP length, as Linux's own TSO frames
		 * do: a kernel that gets the super-frame whole (tap, guest)
		 * and segments it later adjusts the seed by that length.
		 * DPDK's convention (no length, RTE_MBUF_F_TX_TCP_SEG) would
		 * give every one of its segments a wrong checksum.
		 */
		t->cksum = v4 ? rte_ipv4_phdr_cksum(l3, 0)
			      : rte_ipv6_phdr_cksum(l3, 0);
		m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM;
	} else {
		m->tso_segsz = (m->tso_segsz + hl.l4_len) & ~7u;
		m->ol_flags |= RTE_MBUF_F_TX_UDP_SEG;
	}
}

/**
 * steer() - send a frame of libslirp's toward a bound address to the bound
 * MAC on the bound port only (nat_bind.c, port.h's steering)
 * @sp:		port
 * @m:		frame toward the guests, linear headers; its destination MAC
 *		is rewritten when libslirp's ARP table holds another
 */
static void steer(const struct slirp_port *sp, struct rte_mbuf *m)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ether_addr mac;
	uint16_t port;
	uint32_t ip;

	if (!sp->bind || rte_pktmbuf_data_len(m) < 34 || f[12] != 0x08 ||
	    f[13] != 0x00)
		return;
	memcpy(&ip, f + 30, 4);
	if (!nat_bind_mac(sp->bind, ip, &mac, &port))
		return;
	memcpy(f, &mac, 6);
	m->port = nat_bind_to_port(port);
}

/**
 * slirp_frame_lost() - count a frame toward the guests that could not be
 * built (NAT thread)
 * @sp:		port
 */
void slirp_frame_lost(struct slirp_port *sp)
{
	port_counters(&sp->port)->rx_packets++;
	port_count_drop(&sp->port, DROP_NOMEM, 1);
}

/**
 * slirp_frame_queue() - queue a frame toward the guests and wake the PMD
 * thread (NAT thread)
 * @sp:		port
 * @m:		frame, consumed (a full ring drops and counts it)
 */
void slirp_frame_queue(struct slirp_port *sp, struct rte_mbuf *m)
{
	uint64_t one = 1;

	/* Frames that reach the ring are counted by the PMD thread. */
	if (rte_ring_sp_enqueue(sp->from_slirp, m)) {
		port_counters(&sp->port)->rx_packets++;
		port_drop(&sp->port, DROP_RX_FULL, &m, 1);
		return;
	}
	/* A syscall only when the PMD thread may sleep (user_rx_arm); the
	 * fence orders our enqueue before reading its flag. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sp->pmd_armed, __ATOMIC_RELAXED) &&
	    write(sp->out_efd, &one, sizeof(one)) < 0)
		one = 0;
}

/**
 * slirp_frame_out() - libslirp's send_packet: a frame toward the guests
 * @buf:	frame
 * @len:	its length
 * @opaque:	struct slirp_port
 *
 * Return: @len (a frame that cannot be queued is dropped and counted)
 */
ssize_t slirp_frame_out(const void *buf, size_t len, void *opaque)
{
	struct slirp_port *sp = opaque;
	struct rte_mbuf *m =
		mbuf_from_bytes(port_mbuf_pool, buf, len, ETH_MIN_LEN);

	if (!m) {
		slirp_frame_lost(sp);
		return (ssize_t)len;
	}
	steer(sp, m);
	if (len > (size_t)sp->mss4 + 54)
		mark_gso(sp, m);
	slirp_frame_queue(sp, m);
	return (ssize_t)len;
}
