// SPDX-License-Identifier: BSD-3-Clause
/* port_table.c - build port table snapshots (control thread only) */
#include "port_table.h"

#include <stdlib.h>
#include <string.h>

/**
 * port_table_free_index() - lowest unused port index
 * @t:		snapshot, may be NULL
 *
 * Return: index, or -1 when the table is full
 */
int port_table_free_index(const struct port_table *t)
{
	for (int i = 0; i < PORT_TABLE_MAX; i++) {
		if (!t || !t->by_index[i])
			return i;
	}
	return -1;
}

/**
 * port_table_find() - find a port by id
 * @t:		snapshot, may be NULL
 * @id:		port id
 *
 * Return: the port, or NULL
 */
struct port *port_table_find(const struct port_table *t, const char *id)
{
	for (unsigned int i = 0; t && i < t->n; i++) {
		if (!strcmp(t->list[i]->id, id))
			return t->list[i];
	}
	return NULL;
}

/**
 * port_table_with() - a new snapshot: @old plus @port at @port->index
 * @old:	current snapshot, may be NULL
 * @port:	port to add, its index free in @old
 *
 * Return: new snapshot, or NULL when out of memory
 */
struct port_table *port_table_with(const struct port_table *old,
				   struct port *port)
{
	struct port_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (old)
		*t = *old;
	t->list[t->n++] = port;
	t->by_index[port->index] = port;
	return t;
}

/**
 * port_table_without() - a new snapshot: @old less @port
 * @old:	current snapshot
 * @port:	port to leave out
 *
 * Return: new snapshot, or NULL when out of memory
 */
struct port_table *port_table_without(const struct port_table *old,
				      const struct port *port)
{
	struct port_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	for (unsigned int i = 0; i < old->n; i++) {
		if (old->list[i] != port)
			t->list[t->n++] = old->list[i];
	}
	memcpy(t->by_index, old->by_index, sizeof(t->by_index));
	t->by_index[port->index] = NULL;
	return t;
}
