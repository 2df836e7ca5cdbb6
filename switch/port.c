// SPDX-License-Identifier: BSD-3-Clause
/* port.c - port kinds registry, allocation, counters and generic info */
#include "port.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_mbuf_dyn.h>

#include "mbuf_pool.h"

#define X_NAME(e, name, doc) name,
const char *const drop_reason_names[DROP__MAX] = { DROP_REASONS(X_NAME) };
const char *const fdb_event_names[FDB_EV__MAX] = { FDB_EVENTS(X_NAME) };
const char *const offload_path_names[OFFLOAD__MAX] = { OFFLOAD_PATHS(X_NAME) };
#undef X_NAME

__thread unsigned int counter_slot = SLOT_CONTROL;

struct rte_mempool *port_mbuf_pool;
struct rte_mempool *port_jumbo_mbuf_pool;

/* The kinds, in the order they registered (the order of linking). */
static const struct port_kind *port_kinds[PORT_KINDS_MAX];
static unsigned int n_port_kinds;

/**
 * port_kind_register() - make a kind known to `--netdev`; each port kind
 * calls it when the program loads, so the core names none of them
 * @kind:	the kind, which stays registered for the process's life
 */
void port_kind_register(const struct port_kind *kind)
{
	if (n_port_kinds < PORT_KINDS_MAX)
		port_kinds[n_port_kinds++] = kind;
}

/**
 * port_kind_find() - look up a port kind by name
 * @name:	kind name as in `--netdev KIND,...`
 *
 * Return: the kind, or NULL
 */
const struct port_kind *port_kind_find(const char *name)
{
	for (unsigned int i = 0; i < n_port_kinds; i++) {
		if (!strcmp(port_kinds[i]->name, name))
			return port_kinds[i];
	}
	return NULL;
}

/**
 * port_kind_names() - the known kind names, comma-separated
 * @buf:	output
 * @len:	its size
 *
 * Return: @buf
 */
const char *port_kind_names(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n_port_kinds; i++)
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0,
					"%s%s", i ? ", " : "",
					port_kinds[i]->name);
	return buf;
}

/**
 * port_storm_pps() - the storm= limit a port of @kind gets from @nd
 * @kind:	kind
 * @nd:		parsed specification
 *
 * Return: frames per second, 0 for no limit
 */
uint32_t port_storm_pps(const struct port_kind *kind, const struct netdev *nd)
{
	return nd->storm == NETDEV_STORM_UNSET ? kind->storm_default
					       : nd->storm;
}

/**
 * port_kinds_usage() - print each kind with its own keys, as --help shows
 * them: "  TYPE,id=ID[,KEY=...]..." wrapped at @width
 * @out:	stream
 * @indent:	columns before each line
 * @width:	last column
 */
void port_kinds_usage(FILE *out, unsigned int indent, unsigned int width)
{
	for (unsigned int i = 0; i < n_port_kinds; i++) {
		const struct port_kind *k = port_kinds[i];
		unsigned int col = indent + (unsigned int)strlen(k->name) + 6;

		fprintf(out, "%*s%s,id=ID", (int)indent, "", k->name);
		for (unsigned int j = 0; k->keys && k->keys[j]; j++) {
			unsigned int len = (unsigned int)strlen(k->keys[j]) + 6;

			if (col + len > width) {
				fprintf(out, "\n%*s", (int)indent + 2, "");
				col = indent + 2;
			}
			fprintf(out, "[,%s=..]", k->keys[j]);
			col += len;
		}
		fputc('\n', out);
	}
}

/* Offset of the next-hop field in every mbuf, -1 until a port has hops. */
int port_hop_offset = -1;

/**
 * port_hops_enable() - register the mbuf field that carries next hops
 * (port.h "Next hops"); a kind whose ports set @hops calls it when it
 * opens one (control thread)
 *
 * Return: 0, or -errno
 */
int port_hops_enable(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "vioswitch_next_hop",
		.size = sizeof(uint32_t),
		.align = __alignof__(uint32_t),
	};
	int off;

	if (port_hop_offset >= 0)
		return 0;
	off = rte_mbuf_dynfield_register(&desc);
	if (off < 0)
		return -rte_errno;
	__atomic_store_n(&port_hop_offset, off, __ATOMIC_RELEASE);
	return 0;
}

/**
 * port_alloc() - allocate a zeroed port of a kind's size, with common fields
 * @kind:	kind
 * @ops:	its operations
 * @nd:		parsed specification (id, vlan, trunk, learn_limit, storm)
 * @size:	size of the kind's structure, which starts with struct port
 *
 * Return: the port, or NULL with errno set
 */
struct port *port_alloc(const struct port_kind *kind,
			const struct port_ops *ops, const struct netdev *nd,
			size_t size)
{
	struct port *port;

	if (posix_memalign((void **)&port, RTE_CACHE_LINE_SIZE, size)) {
		errno = ENOMEM;
		return NULL;
	}
	memset(port, 0, size);
	port->kind = kind;
	port->ops = ops;
	snprintf(port->id, sizeof(port->id), "%s", nd->id);
	port->vlan = nd->vlan;
	port->trunk = nd->trunk || !nd->vlan;
	port->learn_limit = nd->learn_limit;
	port->ip4 = nd->ip4;
	port->storm_pps = port_storm_pps(kind, nd);
	port->max_frame = RTE_ETHER_MAX_LEN;
	port->n_rxq = 1;
	port->n_txq = 1;
	for (unsigned int i = 0; i < PORT_MAX_QUEUES; i++)
		rte_spinlock_init(&port->txq_lock[i]);
	return port;
}

/**
 * port_free() - free memory from port_alloc(); accepts NULL
 * @port:	port
 */
void port_free(struct port *port)
{
	free(port);
}

/**
 * port_counters_sum() - add up every slot's counters
 * @port:	port
 * @sum:	result
 */
void port_counters_sum(const struct port *port, struct port_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int s = 0; s < COUNTER_SLOTS; s++) {
		const struct port_counters *c = &port->cnt[s];

		sum->rx_packets += c->rx_packets;
		sum->rx_bytes += c->rx_bytes;
		sum->tx_packets += c->tx_packets;
		sum->tx_bytes += c->tx_bytes;
		sum->forwarded += c->forwarded;
		sum->flooded += c->flooded;
		for (unsigned int d = 0; d < DROP__MAX; d++)
			sum->drops[d] += c->drops[d];
		for (unsigned int e = 0; e < FDB_EV__MAX; e++)
			sum->fdb_events[e] += c->fdb_events[e];
		for (unsigned int o = 0; o < OFFLOAD__MAX; o++)
			sum->offload[o] += c->offload[o];
	}
}

/**
 * port_parse() - parse a specification and check it against its kind: a
 * known kind first, then netdev_parse()'s common keys, then the kind's own
 * keys, then id=
 * @spec:	"KIND,id=ID,..."
 * @nd:		result
 * @err:	message buffer, names the offending text on error
 * @errlen:	its size
 *
 * Return: the kind, or NULL with a message in @err
 */
const struct port_kind *port_parse(const char *spec, struct netdev *nd,
				   char *err, size_t errlen)
{
	const struct port_kind *kind;
	char names[128], name[NETDEV_KIND_MAX];

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(spec, ","), spec);
	kind = port_kind_find(name);
	if (!kind) {
		snprintf(err, errlen, "'%s': unknown netdev type (known: %s)",
			 name, port_kind_names(names, sizeof(names)));
		return NULL;
	}
	if (netdev_parse(spec, nd, err, errlen))
		return NULL;
	for (unsigned int i = 0; i < nd->n_kv; i++) {
		const struct netdev_kv *kv = &nd->kv[i];
		unsigned int k = 0;

		while (kind->keys && kind->keys[k] &&
		       strcmp(kind->keys[k], kv->key))
			k++;
		if (!kind->keys || !kind->keys[k]) {
			snprintf(err, errlen, "'%s%s%s': unknown key for %s",
				 kv->key, kv->has_value ? "=" : "", kv->value,
				 kind->name);
			return NULL;
		}
	}
	if (!nd->id[0]) {
		snprintf(err, errlen, "'%s': id= is required", spec);
		return NULL;
	}
	return kind;
}

/**
 * port_open() - parse a specification and open the port it names
 * @spec:	"KIND,id=ID,..."
 * @err:	message buffer, names the offending text on error
 * @errlen:	its size
 *
 * Return: the port (not started, not in the table), or NULL
 */
struct port *port_open(const char *spec, char *err, size_t errlen)
{
	struct netdev *nd = malloc(sizeof(*nd));
	const struct port_kind *kind;
	struct port *port = NULL;

	if (!nd) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	kind = port_parse(spec, nd, err, errlen);
	if (kind)
		port = kind->open(nd, err, errlen);
	free(nd);
	return port;
}

/**
 * port_info_json() - fill @obj with what `vioctl port list` shows
 * @port:	port
 * @obj:	JSON object to fill
 */
void port_info_json(struct port *port, json_t *obj)
{
	json_object_set_new(obj, "id", json_string(port->id));
	json_object_set_new(obj, "type", json_string(port->kind->name));
	json_object_set_new(obj, "index", json_integer(port->index));
	json_object_set_new(obj, "rx_queues", json_integer(port->n_rxq));
	json_object_set_new(obj, "tx_queues", json_integer(port->n_txq));
	json_object_set_new(obj, "vlan", json_integer(port->vlan));
	json_object_set_new(obj, "trunk", json_boolean(port->trunk));
	json_object_set_new(obj, "learn_limit",
			    json_integer(port->learn_limit));
	if (port->ip4) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &port->ip4, a, sizeof(a));
		json_object_set_new(obj, "ip", json_string(a));
	}
	json_object_set_new(obj, "storm", json_integer(port->storm_pps));
	if (port->ops->info)
		port->ops->info(port, obj);
}

/**
 * port_jumbo_pool_create() - make the pool of 64 KB buffers on first use
 * (control thread): tap ports read super-frames into them, the NAT builds
 * them there, so a super-frame is one segment. Datapaths use
 * port_jumbo_mbuf_pool, set before their port starts.
 *
 * The pool starts with 2 MB of buffers and grows with the super-frames in
 * flight, up to PORT_JUMBO_MBUFS (switch/mbuf_pool.c). It has no per-lcore
 * cache: a 64 KB frame pays for one ring operation easily, and a cache
 * would keep up to 1.5 times its size of idle 64 KB buffers per lcore.
 *
 * Return: pool, or NULL when there is no memory for it
 */
struct rte_mempool *port_jumbo_pool_create(void)
{
	if (!port_jumbo_mbuf_pool)
		port_jumbo_mbuf_pool = mbuf_pool_create(
			"port_jumbo", PORT_JUMBO_MBUFS, 0, 0, UINT16_MAX);
	return port_jumbo_mbuf_pool;
}
