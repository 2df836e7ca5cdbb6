// SPDX-License-Identifier: BSD-3-Clause
/* fdb.c - forwarding database: (MAC, VLAN) -> port, learned and aged
 *
 * Theory of operation
 * -------------------
 * Keys live in a DPDK rte_hash built for lock-free readers and several
 * writers (RW_CONCURRENCY_LF | MULTI_WRITER_ADD): PMD threads look up
 * destinations without locks and learn sources themselves. The hash gives
 * each key a position; our own entry array, indexed by position, holds the
 * port, flags, last-seen time and next hop.
 *
 * A port may have several next hops behind it (a VXLAN port: its remote
 * VTEPs, port.h @hops). An entry then also holds the hop its source was
 * seen through, a number only that port's kind interprets; a source that
 * comes back through another hop of the same port has moved as if it had
 * changed ports. Ports without hops always learn hop 0.
 *
 * Learning policy (after VPP's l2_learn):
 * - a frame from a unicast source MAC refreshes its entry's last-seen time
 *   (written only when the second changes, to keep the cache line quiet);
 * - a source seen on another port moves there (MAC move), unless the entry
 *   is static;
 * - a new source is learned only while its port holds fewer entries than
 *   its learn limit, and while the table has room; otherwise nothing is
 *   learned, the frame is still forwarded and the event is counted.
 *
 * Removal (aging, flush, port removal) runs on the control thread: it claims
 * each entry by swapping its port to FDB_PORT_DYING (so a concurrent move
 * cannot race with it), deletes the key, waits for every reader to pass a
 * quiescent state (the sync callback: RCU), then clears the entry and frees
 * its position. A reader that finds DYING or NONE treats it as a miss.
 */
#include "fdb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#define FDB_PORT_DYING (UINT16_MAX - 1)
#define FDB_F_USED     1u
#define FDB_F_STATIC   2u

/**
 * struct fdb_entry - state of one position of the hash
 * @key:	copy of the key, for walking and aging
 * @port:	port index, FDB_PORT_NONE (being set up) or FDB_PORT_DYING
 * @flags:	FDB_F_*
 * @seen:	fdb_clock() when a frame from this source was last seen
 * @hop:	next hop behind @port (port.h @hops), 0 for none
 *
 * Aligned to 8 bytes: the hash reads @key (removal, rte_hash_del_key()) as
 * one 64-bit word.
 */
struct fdb_entry {
	struct fdb_key key;
	uint16_t port;
	uint16_t flags;
	uint32_t seen;
	uint32_t hop;
} __rte_aligned(8);

/**
 * struct fdb - the table
 * @hash:	keys
 * @entries:	state by hash position
 * @n_entries:	size of @entries
 * @limit:	learn limit by port index
 * @learned:	dynamic entries by port index
 * @sync:	waits for readers (RCU synchronize)
 * @sync_arg:	its argument
 */
struct fdb {
	struct rte_hash *hash;
	struct fdb_entry *entries;
	uint32_t n_entries;
	uint32_t limit[PORT_TABLE_MAX];
	uint32_t learned[PORT_TABLE_MAX];
	fdb_sync_fn sync;
	void *sync_arg;
};

/**
 * fdb_clock() - the FDB's time: seconds since an arbitrary start
 *
 * Return: seconds
 */
uint32_t fdb_clock(void)
{
	return (uint32_t)(rte_get_timer_cycles() / rte_get_timer_hz());
}

/**
 * fdb_create() - create an empty FDB
 * @name:	unique name for the hash
 * @capacity:	entries
 * @sync:	waits until readers no longer see removed entries
 * @sync_arg:	its argument
 *
 * Return: the FDB, or NULL with errno set
 */
struct fdb *fdb_create(const char *name, uint32_t capacity, fdb_sync_fn sync,
		       void *sync_arg)
{
	struct rte_hash_parameters p = {
		.name = name,
		.entries = capacity,
		.key_len = sizeof(struct fdb_key),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD,
	};
	struct fdb *fdb = calloc(1, sizeof(*fdb));

	if (!fdb)
		goto err;
	fdb->hash = rte_hash_create(&p);
	if (!fdb->hash)
		goto err_free;
	fdb->n_entries = rte_hash_max_key_id(fdb->hash) + 1;
	fdb->entries = calloc(fdb->n_entries, sizeof(*fdb->entries));
	if (!fdb->entries)
		goto err_hash;
	for (uint32_t i = 0; i < fdb->n_entries; i++)
		fdb->entries[i].port = FDB_PORT_NONE;
	for (unsigned int i = 0; i < PORT_TABLE_MAX; i++)
		fdb->limit[i] = UINT32_MAX;
	fdb->sync = sync;
	fdb->sync_arg = sync_arg;
	return fdb;
err_hash:
	rte_hash_free(fdb->hash);
err_free:
	free(fdb);
err:
	errno = ENOMEM;
	return NULL;
}

/**
 * fdb_destroy() - free an FDB; accepts NULL
 * @fdb:	FDB no reader uses any more
 */
void fdb_destroy(struct fdb *fdb)
{
	if (!fdb)
		return;
	rte_hash_free(fdb->hash);
	free(fdb->entries);
	free(fdb);
}

/**
 * fdb_port_setup() - set a port's learn limit (0: learn nothing)
 * @fdb:	FDB
 * @port:	port index
 * @learn_limit: most dynamic entries for the port
 */
void fdb_port_setup(struct fdb *fdb, uint16_t port, uint32_t learn_limit)
{
	__atomic_store_n(&fdb->limit[port], learn_limit, __ATOMIC_RELAXED);
}

/**
 * fdb_port_learned() - dynamic entries a port holds
 * @fdb:	FDB
 * @port:	port index
 *
 * Return: count
 */
uint32_t fdb_port_learned(const struct fdb *fdb, uint16_t port)
{
	return __atomic_load_n(&fdb->learned[port], __ATOMIC_RELAXED);
}

/**
 * fdb_lookup_bulk() - find the positions of up to 64 keys
 * @fdb:	FDB
 * @keys:	keys
 * @n:		count, at most RTE_HASH_LOOKUP_BULK_MAX
 * @pos:	positions, negative for a miss
 */
void fdb_lookup_bulk(const struct fdb *fdb, const struct fdb_key **keys,
		     unsigned int n, int32_t *pos)
{
	rte_hash_lookup_bulk(fdb->hash, (const void **)keys, n, pos);
}

/**
 * fdb_entry_port() - the port of the entry at a looked-up position
 * @fdb:	FDB
 * @pos:	position from fdb_lookup_bulk(), may be negative
 *
 * Return: port index, or FDB_PORT_NONE for a miss
 */
uint16_t fdb_entry_port(const struct fdb *fdb, int32_t pos)
{
	uint16_t port;

	if (pos < 0)
		return FDB_PORT_NONE;
	port = __atomic_load_n(&fdb->entries[pos].port, __ATOMIC_RELAXED);
	return port < PORT_TABLE_MAX ? port : FDB_PORT_NONE;
}

/**
 * fdb_entry_hop() - the next hop of the entry at a looked-up position
 * @fdb:	FDB
 * @pos:	position from fdb_lookup_bulk(), may be negative
 *
 * Return: hop behind the entry's port, 0 for none or a miss
 */
uint32_t fdb_entry_hop(const struct fdb *fdb, int32_t pos)
{
	if (pos < 0)
		return 0;
	return __atomic_load_n(&fdb->entries[pos].hop, __ATOMIC_RELAXED);
}

/**
 * fdb_lookup() - the port a key is on
 * @fdb:	FDB
 * @key:	MAC and VLAN
 *
 * Return: port index, or FDB_PORT_NONE
 */
uint16_t fdb_lookup(const struct fdb *fdb, const struct fdb_key *key)
{
	return fdb_entry_port(fdb, rte_hash_lookup(fdb->hash, key));
}

/**
 * learn_new() - add a source not in the table
 * @fdb:	FDB
 * @key:	MAC and VLAN
 * @port:	port it was seen on
 * @hop:	next hop behind @port it came through
 * @now:	fdb_clock()
 *
 * Return: FDB_EV_LEARNED, _LEARN_LIMIT, _FDB_FULL or FDB_EV__MAX (raced)
 */
static fdb_result learn_new(struct fdb *fdb, const struct fdb_key *key,
			    uint16_t port, uint32_t hop, uint32_t now)
{
	uint16_t none = FDB_PORT_NONE;
	struct fdb_entry *e;
	int32_t pos;

	if (__atomic_load_n(&fdb->learned[port], __ATOMIC_RELAXED) >=
	    __atomic_load_n(&fdb->limit[port], __ATOMIC_RELAXED))
		return FDB_EV_LEARN_LIMIT;
	pos = rte_hash_add_key(fdb->hash, key);
	if (pos < 0)
		return FDB_EV_FDB_FULL;
	e = &fdb->entries[pos];
	e->key = *key;
	e->seen = now;
	__atomic_store_n(&e->hop, hop, __ATOMIC_RELAXED);
	if (!__atomic_compare_exchange_n(&e->port, &none, port, false,
					 __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return FDB_EV__MAX;
	__atomic_store_n(&e->flags, FDB_F_USED, __ATOMIC_RELEASE);
	__atomic_fetch_add(&fdb->learned[port], 1, __ATOMIC_RELAXED);
	return FDB_EV_LEARNED;
}

/**
 * fdb_learn() - learn that @key sent a frame on @port
 * @fdb:	FDB
 * @key:	source MAC (unicast) and VLAN
 * @pos:	its position from fdb_lookup_bulk(), negative for a miss
 * @port:	ingress port index
 * @hop:	next hop behind @port the frame came through (0: none)
 * @now:	fdb_clock()
 *
 * Return: the event to count, or FDB_EV__MAX when nothing changed
 */
fdb_result fdb_learn(struct fdb *fdb, const struct fdb_key *key, int32_t pos,
		     uint16_t port, uint32_t hop, uint32_t now)
{
	struct fdb_entry *e;
	uint16_t old;

	if (pos < 0)
		return learn_new(fdb, key, port, hop, now);
	e = &fdb->entries[pos];
	old = __atomic_load_n(&e->port, __ATOMIC_RELAXED);
	if (old == port && __atomic_load_n(&e->hop, __ATOMIC_RELAXED) == hop) {
		if (e->seen != now)
			__atomic_store_n(&e->seen, now, __ATOMIC_RELAXED);
		return FDB_EV__MAX;
	}
	if (old >= PORT_TABLE_MAX ||
	    (__atomic_load_n(&e->flags, __ATOMIC_ACQUIRE) & FDB_F_STATIC))
		return FDB_EV__MAX;
	__atomic_store_n(&e->hop, hop, __ATOMIC_RELAXED);
	if (old == port) { /* same port, another hop behind it */
		__atomic_store_n(&e->seen, now, __ATOMIC_RELAXED);
		return FDB_EV_MOVED;
	}
	if (!__atomic_compare_exchange_n(&e->port, &old, port, false,
					 __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return FDB_EV__MAX;
	__atomic_store_n(&e->seen, now, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&fdb->learned[old], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&fdb->learned[port], 1, __ATOMIC_RELAXED);
	return FDB_EV_MOVED;
}

/**
 * fdb_add_static() - pin @key to @port (and @hop behind it); replaces a
 * learned entry
 * @fdb:	FDB
 * @key:	MAC and VLAN
 * @port:	port index
 * @hop:	next hop behind @port (port.h @hops), 0 for none
 *
 * Return: 0, or -ENOSPC when the table is full
 */
int fdb_add_static(struct fdb *fdb, const struct fdb_key *key, uint16_t port,
		   uint32_t hop)
{
	uint16_t old, old_flags;
	struct fdb_entry *e;
	int32_t pos;

	pos = rte_hash_add_key(fdb->hash, key);
	if (pos < 0)
		return -ENOSPC;
	e = &fdb->entries[pos];
	e->key = *key;
	__atomic_store_n(&e->hop, hop, __ATOMIC_RELAXED);
	old_flags = __atomic_exchange_n(&e->flags, FDB_F_USED | FDB_F_STATIC,
					__ATOMIC_ACQ_REL);
	old = __atomic_exchange_n(&e->port, port, __ATOMIC_ACQ_REL);
	if (old < PORT_TABLE_MAX && !(old_flags & FDB_F_STATIC))
		__atomic_fetch_sub(&fdb->learned[old], 1, __ATOMIC_RELAXED);
	return 0;
}

typedef bool (*fdb_pred)(const struct fdb_entry *e, uint32_t now,
			 uintptr_t arg);

/**
 * fdb_remove_if() - remove every entry @pred selects (control thread)
 * @fdb:	FDB
 * @pred:	selects entries
 * @now:	fdb_clock(), for @pred
 * @arg:	for @pred
 *
 * Return: entries removed
 */
static unsigned int fdb_remove_if(struct fdb *fdb, fdb_pred pred, uint32_t now,
				  uintptr_t arg)
{
	unsigned int n = 0, cap = 256;
	int32_t *gone = malloc(cap * sizeof(*gone));

	for (uint32_t i = 0; gone && i < fdb->n_entries; i++) {
		struct fdb_entry *e = &fdb->entries[i];
		uint16_t port = __atomic_load_n(&e->port, __ATOMIC_ACQUIRE);
		bool dynamic;

		if (port >= PORT_TABLE_MAX || !(e->flags & FDB_F_USED) ||
		    !pred(e, now, arg))
			continue;
		dynamic = !(e->flags & FDB_F_STATIC);
		if (!__atomic_compare_exchange_n(
			    &e->port, &port, FDB_PORT_DYING, false,
			    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			continue;
		rte_hash_del_key(fdb->hash, &e->key);
		if (dynamic)
			__atomic_fetch_sub(&fdb->learned[port], 1,
					   __ATOMIC_RELAXED);
		gone[n++] = (int32_t)i;
		if (n == cap) {
			int32_t *more = realloc(gone, 2 * cap * sizeof(*gone));

			if (!more)
				break; /* free what we have; the rest next time */
			gone = more;
			cap *= 2;
		}
	}
	if (!n) {
		free(gone);
		return 0;
	}
	if (fdb->sync)
		fdb->sync(fdb->sync_arg);
	for (unsigned int k = 0; k < n; k++) {
		struct fdb_entry *e = &fdb->entries[gone[k]];

		e->flags = 0;
		e->hop = 0;
		__atomic_store_n(&e->port, FDB_PORT_NONE, __ATOMIC_RELEASE);
		rte_hash_free_key_with_position(fdb->hash, gone[k]);
	}
	free(gone);
	return n;
}

/**
 * pred_key() - select the entry whose key is *(struct fdb_key *)@arg
 */
static bool pred_key(const struct fdb_entry *e, uint32_t now, uintptr_t arg)
{
	(void)now;
	return !memcmp(&e->key, (const void *)arg, sizeof(e->key));
}

/**
 * pred_aged() - select dynamic entries not seen for more than @arg seconds
 */
static bool pred_aged(const struct fdb_entry *e, uint32_t now, uintptr_t arg)
{
	/* Signed: a PMD thread may have stamped it after @now was read. */
	return !(e->flags & FDB_F_STATIC) &&
	       (int32_t)(now - __atomic_load_n(&e->seen, __ATOMIC_RELAXED)) >
		       (int32_t)arg;
}

/**
 * pred_port() - select the entries of port (@arg & 0xffff); static ones too
 * when bit 16 of @arg is set; any port when the port is FDB_PORT_NONE
 */
static bool pred_port(const struct fdb_entry *e, uint32_t now, uintptr_t arg)
{
	uint16_t port = (uint16_t)(arg & 0xffff);

	(void)now;
	if ((e->flags & FDB_F_STATIC) && !(arg & 0x10000))
		return false;
	return port == FDB_PORT_NONE || e->port == port;
}

/**
 * fdb_del() - remove one entry, static or learned
 * @fdb:	FDB
 * @key:	MAC and VLAN
 *
 * Return: 0, or -ENOENT
 */
int fdb_del(struct fdb *fdb, const struct fdb_key *key)
{
	return fdb_remove_if(fdb, pred_key, 0, (uintptr_t)key) ? 0 : -ENOENT;
}

/**
 * fdb_age() - remove learned entries not seen for more than @max_age seconds
 * @fdb:	FDB
 * @now:	fdb_clock()
 * @max_age:	seconds
 *
 * Return: entries removed
 */
unsigned int fdb_age(struct fdb *fdb, uint32_t now, uint32_t max_age)
{
	return fdb_remove_if(fdb, pred_aged, now, max_age);
}

/**
 * fdb_flush() - remove the entries of a port, or of all ports
 * @fdb:	FDB
 * @port:	port index, or FDB_PORT_NONE for all
 * @with_static: remove static entries too
 *
 * Return: entries removed
 */
unsigned int fdb_flush(struct fdb *fdb, uint16_t port, bool with_static)
{
	return fdb_remove_if(fdb, pred_port, 0,
			     port | (with_static ? 0x10000u : 0));
}

/**
 * fdb_count() - entries in the table
 * @fdb:	FDB
 *
 * Return: count
 */
unsigned int fdb_count(const struct fdb *fdb)
{
	return (unsigned int)rte_hash_count(fdb->hash);
}

/**
 * fdb_walk() - call @fn for every entry
 * @fdb:	FDB
 * @now:	fdb_clock(), to compute ages
 * @fn:		callback
 * @arg:	its argument
 */
void fdb_walk(const struct fdb *fdb, uint32_t now,
	      void (*fn)(const struct fdb_entry_info *e, void *arg), void *arg)
{
	for (uint32_t i = 0; i < fdb->n_entries; i++) {
		const struct fdb_entry *e = &fdb->entries[i];
		struct fdb_entry_info info;

		info.port = __atomic_load_n(&e->port, __ATOMIC_ACQUIRE);
		if (info.port >= PORT_TABLE_MAX || !(e->flags & FDB_F_USED))
			continue;
		info.key = e->key;
		info.hop = __atomic_load_n(&e->hop, __ATOMIC_RELAXED);
		info.is_static = e->flags & FDB_F_STATIC;
		info.age = info.is_static || (int32_t)(now - e->seen) < 0
				   ? 0
				   : now - e->seen;
		fn(&info, arg);
	}
}
