/* SPDX-License-Identifier: BSD-3-Clause */
/* vlan.h - 802.1Q access and trunk ports */
#ifndef VIOSWITCH_VLAN_H
#define VIOSWITCH_VLAN_H

#include <stdbool.h>
#include <stdint.h>

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

uint16_t vlan_ingress(const struct port *port, struct rte_mbuf *m);
int vlan_egress(const struct port *port, struct rte_mbuf **m);

#endif /* VIOSWITCH_VLAN_H */
