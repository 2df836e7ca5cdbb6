// SPDX-License-Identifier: BSD-3-Clause
/* vlan.c - 802.1Q access and trunk ports
 *
 * Theory of operation
 * -------------------
 * Semantics follow Open vSwitch's port VLAN modes:
 * - no vlan= and no trunk=: a trunk of every VLAN, untagged frames are
 *   VLAN 0 (the switch passes tags through unchanged);
 * - vlan=N: an access port; untagged frames belong to VLAN N, tagged frames
 *   are dropped (counted as "vlan"); frames leave untagged;
 * - vlan=N,trunk=on: a trunk whose untagged (native) VLAN is N.
 *
 * Inside the switch a frame is always untagged: ingress strips the 802.1Q
 * tag into mbuf->vlan_tci (keeping the priority bits) and egress puts a tag
 * back only for a trunk port when the VLAN is neither the port's native one
 * nor VLAN 0 (untagged traffic stays untagged, as in Open vSwitch).
 * A frame with a priority tag (VID 0) belongs to the port's native VLAN.
 * Frames stay untagged on the common path, so flooding needs no copies.
 */
#include "vlan.h"

#include <errno.h>

#include <rte_ether.h>

/**
 * vlan_ingress_tagged() - vlan_ingress() for a frame that carries a tag
 * @port:	ingress port
 * @m:		frame, owned by the caller, unshared, at least 14 bytes, its
 *		EtherType 802.1Q
 *
 * Return: VLAN id (also in m->vlan_tci's low 12 bits), or VLAN_NONE when the
 *	   port does not accept the frame's tag
 */
uint16_t vlan_ingress_tagged(const struct port *port, struct rte_mbuf *m)
{
	uint16_t vid;

	if (!port->trunk || rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + 4)
		return VLAN_NONE;
	if (rte_vlan_strip(m))
		return VLAN_NONE;
	vid = m->vlan_tci & RTE_VLAN_ID_MASK;
	if (!vid) {
		vid = port->vlan;
		m->vlan_tci |= vid;
	}
	if (m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_L4_MASK |
			   RTE_MBUF_F_TX_UDP_SEG))
		m->l2_len -= RTE_VLAN_HLEN;
	return vid;
}

/**
 * vlan_egress_trunk() - vlan_egress() for a trunk port
 * @port:	output port, a trunk
 * @m:		frame; replaced by a private copy when it is shared
 *
 * Return: 0, or -ENOMEM (the frame is untouched and still the caller's)
 */
int vlan_egress_trunk(const struct port *port, struct rte_mbuf **m)
{
	uint16_t vid = (*m)->vlan_tci & RTE_VLAN_ID_MASK;
	struct rte_mbuf *copy;

	if (!port->trunk || vid == port->vlan || !vid)
		return 0;
	if (rte_mbuf_refcnt_read(*m) > 1 || !RTE_MBUF_DIRECT(*m) ||
	    rte_pktmbuf_headroom(*m) < RTE_VLAN_HLEN) {
		copy = rte_pktmbuf_copy(*m, (*m)->pool, 0, UINT32_MAX);
		if (!copy)
			return -ENOMEM;
		rte_pktmbuf_free(*m);
		*m = copy;
	}
	if (rte_vlan_insert(m))
		return -ENOMEM;
	/* rte_vlan_insert() grew l2_len by the tag already. */
	(*m)->ol_flags &= ~(RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED);
	return 0;
}
