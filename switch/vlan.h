/* SPDX-License-Identifier: BSD-3-Clause */
/* vlan.h - 802.1Q access and trunk ports */
#ifndef VIOSWITCH_VLAN_H
#define VIOSWITCH_VLAN_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "port.h"

#define VLAN_NONE UINT16_MAX

/**
 * vlan_member() - does @port carry frames of VLAN @vid?
 * @port:	port
 * @vid:	VLAN id (0: untagged)
 *
 * Return: true for a trunk, or an access port of that VLAN
 */
static inline bool vlan_member(const struct port *port, uint16_t vid)
{
	return port->trunk || port->vlan == vid;
}

uint16_t vlan_ingress_tagged(const struct port *port, struct rte_mbuf *m);
int vlan_egress_trunk(const struct port *port, struct rte_mbuf **m);

/**
 * vlan_ingress() - classify a received frame into its VLAN, stripping a tag
 * @port:	ingress port
 * @m:		frame, owned by the caller, unshared, at least 14 bytes
 *
 * An untagged frame is decided here, inline; a tagged one in
 * vlan_ingress_tagged().
 *
 * Return: VLAN id (also in m->vlan_tci's low 12 bits), or VLAN_NONE when the
 *	   port does not accept the frame's tag
 */
static inline uint16_t vlan_ingress(const struct port *port, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	if (likely(eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))) {
		m->vlan_tci = port->vlan;
		return port->vlan;
	}
	return vlan_ingress_tagged(port, m);
}

/**
 * vlan_egress() - tag a frame for @port if it is a trunk and the frame's
 * VLAN is neither the port's native one nor 0
 * @port:	output port
 * @m:		frame; replaced by a private copy when it is shared
 *
 * Return: 0, or -ENOMEM (the frame is still the caller's)
 */
static inline int vlan_egress(const struct port *port, struct rte_mbuf **m)
{
	uint16_t vid = (*m)->vlan_tci & RTE_VLAN_ID_MASK;

	if (likely(!port->trunk || !vid || vid == port->vlan))
		return 0;
	return vlan_egress_trunk(port, m);
}

#endif /* VIOSWITCH_VLAN_H */
