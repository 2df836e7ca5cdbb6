/* SPDX-License-Identifier: BSD-3-Clause */
/* fdb.h - forwarding database: (MAC, VLAN) -> port, learned and aged */
#ifndef VIOSWITCH_FDB_H
#define VIOSWITCH_FDB_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "counters.h"
#include "port.h"

#define FDB_PORT_NONE UINT16_MAX

/**
 * struct fdb_key - what the FDB is keyed by
 * @mac:	Ethernet address
 * @vlan:	VLAN id, 0 for untagged
 */
struct fdb_key {
	struct rte_ether_addr mac;
	uint16_t vlan;
};
_Static_assert(sizeof(struct fdb_key) == 8, "fdb_key has no padding");

/* What fdb_learn() did, to count: FDB_EV__MAX means nothing to count. */
typedef enum fdb_event fdb_result;

/**
 * struct fdb_entry_info - one entry, as fdb_walk() reports it
 * @key:	MAC and VLAN
 * @port:	port index
 * @hop:	next hop behind the port (port.h @hops), 0 for none
 * @is_static:	added by the user, never aged or moved
 * @age:	seconds since a frame from it was last seen
 */
struct fdb_entry_info {
	struct fdb_key key;
	uint16_t port;
	uint32_t hop;
	bool is_static;
	uint32_t age;
};

struct fdb;

/**
 * typedef fdb_sync_fn - wait until no reader still uses removed entries
 * @arg:	the argument given to fdb_create()
 */
typedef void (*fdb_sync_fn)(void *arg);

struct fdb *fdb_create(const char *name, uint32_t capacity, fdb_sync_fn sync,
		       void *sync_arg);
void fdb_destroy(struct fdb *fdb);
void fdb_port_setup(struct fdb *fdb, uint16_t port, uint32_t learn_limit);
uint32_t fdb_port_learned(const struct fdb *fdb, uint16_t port);
void fdb_lookup_bulk(const struct fdb *fdb, const struct fdb_key **keys,
		     unsigned int n, int32_t *pos);
uint16_t fdb_entry_port(const struct fdb *fdb, int32_t pos);
uint32_t fdb_entry_hop(const struct fdb *fdb, int32_t pos);
fdb_result fdb_learn(struct fdb *fdb, const struct fdb_key *key, int32_t pos,
		     uint16_t port, uint32_t hop, uint32_t now);
uint16_t fdb_lookup(const struct fdb *fdb, const struct fdb_key *key);
int fdb_add_static(struct fdb *fdb, const struct fdb_key *key, uint16_t port,
		   uint32_t hop);
int fdb_del(struct fdb *fdb, const struct fdb_key *key);
unsigned int fdb_age(struct fdb *fdb, uint32_t now, uint32_t max_age);
unsigned int fdb_flush(struct fdb *fdb, uint16_t port, bool with_static);
unsigned int fdb_count(const struct fdb *fdb);
void fdb_walk(const struct fdb *fdb, uint32_t now,
	      void (*fn)(const struct fdb_entry_info *e, void *arg), void *arg);
uint32_t fdb_clock(void);

#endif /* VIOSWITCH_FDB_H */
