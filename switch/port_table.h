/* SPDX-License-Identifier: BSD-3-Clause */
/* port_table.h - the set of ports the datapath sees, published under RCU */
#ifndef VIOSWITCH_PORT_TABLE_H
#define VIOSWITCH_PORT_TABLE_H

#include <stdint.h>

#include "port.h"

/**
 * struct port_table - an immutable snapshot of the switch's ports
 * @n:		ports in @list
 * @list:	ports in order of addition (for flooding)
 * @by_index:	ports by index, NULL for a free index
 *
 * The control thread builds a new snapshot for every change and publishes
 * it; readers load it once per iteration. A snapshot is freed only after
 * every PMD thread passed a quiescent state.
 */
struct port_table {
	uint16_t n;
	struct port *list[PORT_TABLE_MAX];
	struct port *by_index[PORT_TABLE_MAX];
};

struct port_table *port_table_with(const struct port_table *old,
				   struct port *port);
struct port_table *port_table_without(const struct port_table *old,
				      const struct port *port);
int port_table_free_index(const struct port_table *t);
struct port *port_table_find(const struct port_table *t, const char *id);

#endif /* VIOSWITCH_PORT_TABLE_H */
