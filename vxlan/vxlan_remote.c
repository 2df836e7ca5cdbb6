// SPDX-License-Identifier: BSD-3-Clause
/* vxlan_remote.c - a VXLAN port's remote VTEPs and what came from them
 *
 * Theory of operation
 * -------------------
 * A port's remotes live in one array that only grows: the remote= list
 * first (the flood list: head-end replication sends every flooded frame
 * to each of them), then the senders the port learned (learning=on) and
 * the remotes static FDB entries name. An index never changes meaning, so
 * the FDB keeps index + 1 as the next hop of a MAC (port.h "Next hops")
 * and the transmit path reads an entry without a lock: a writer fills the
 * next slot and then publishes the count with a release store. Writers
 * (the receiving PMD thread, the control thread) take the port's lock.
 * Remotes are compared by IP address alone: a peer's source port varies
 * with its flows, and every VTEP listens on dstport=.
 *
 * Lookup: every received datagram looks its sender up, so a port with
 * many remotes (up to VXLAN_REMOTES_MAX: a large fabric, learned) finds
 * them through a hash table, open addressing with linear probing over
 * twice as many slots as remotes, so that a probe always ends at an
 * empty slot. A slot holds index + 1 and, like the array, is only ever
 * filled: the writer fills the remote, then its slot, then the count,
 * each with a release store, and readers take no lock. The hash is
 * rte_jhash of the IP address with a seed random per port, as senders
 * choose their addresses when the port learns. Up to VXLAN_REMOTES_SCAN
 * remotes (the common case: a few hosts) the array is scanned instead,
 * which costs less than hashing.
 */
#include <string.h>

#include <rte_jhash.h>
#include <rte_random.h>

#include "vxlan.h"

#define SLOT_MASK (VXLAN_REMOTE_SLOTS - 1)
_Static_assert((VXLAN_REMOTE_SLOTS & SLOT_MASK) == 0,
	       "the remotes' hash table is a power of two");
_Static_assert(VXLAN_REMOTES_MAX < VXLAN_REMOTE_SLOTS &&
		       VXLAN_REMOTES_MAX < UINT16_MAX,
	       "a probe ends at an empty slot; slots hold index + 1");

/**
 * vxlan_remotes_init() - an empty remote table, before the port's first
 * remote
 * @vp:		port, zeroed
 */
void vxlan_remotes_init(struct vxlan_port *vp)
{
	vp->remote_seed = (uint32_t)rte_rand();
}

/**
 * remote_hash() - the hash table slot to start a probe for @addr at
 * @vp:		port
 * @addr:	address
 *
 * Return: slot
 */
static uint32_t remote_hash(const struct vxlan_port *vp,
			    const union vxlan_addr *addr)
{
	uint32_t w[4];

	if (addr->sa.sa_family == AF_INET)
		return rte_jhash_1word(addr->v4.sin_addr.s_addr,
				       vp->remote_seed) &
		       SLOT_MASK;
	memcpy(w, &addr->v6.sin6_addr, sizeof(w));
	return rte_jhash_32b(w, 4, vp->remote_seed) & SLOT_MASK;
}

/**
 * vxlan_addr_same_ip() - whether two addresses have the same IP
 * @a:		address
 * @b:		address
 *
 * Return: true when family and IP address match (ports are ignored)
 */
bool vxlan_addr_same_ip(const union vxlan_addr *a, const union vxlan_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->v4.sin_addr.s_addr == b->v4.sin_addr.s_addr;
	return !memcmp(&a->v6.sin6_addr, &b->v6.sin6_addr,
		       sizeof(a->v6.sin6_addr));
}

/**
 * vxlan_remote_find() - the index of the remote with @addr's IP
 * @vp:		port
 * @addr:	address
 *
 * Return: index, or -1
 */
int vxlan_remote_find(const struct vxlan_port *vp, const union vxlan_addr *addr)
{
	uint32_t n = __atomic_load_n(&vp->n_remotes, __ATOMIC_ACQUIRE);

	if (n <= VXLAN_REMOTES_SCAN) {
		for (uint32_t i = 0; i < n; i++) {
			if (vxlan_addr_same_ip(&vp->remotes[i].addr, addr))
				return (int)i;
		}
		return -1;
	}
	for (uint32_t h = remote_hash(vp, addr);; h = (h + 1) & SLOT_MASK) {
		uint16_t s =
			__atomic_load_n(&vp->remote_slot[h], __ATOMIC_ACQUIRE);

		if (!s)
			return -1;
		if (vxlan_addr_same_ip(&vp->remotes[s - 1].addr, addr))
			return s - 1;
	}
}

/**
 * slot_fill() - enter remote @i in the hash table (under the port's lock)
 * @vp:		port
 * @i:		index of a remote not in the table, filled in
 */
static void slot_fill(struct vxlan_port *vp, uint32_t i)
{
	uint32_t h = remote_hash(vp, &vp->remotes[i].addr);

	while (vp->remote_slot[h])
		h = (h + 1) & SLOT_MASK;
	__atomic_store_n(&vp->remote_slot[h], (uint16_t)(i + 1),
			 __ATOMIC_RELEASE);
}

/**
 * vxlan_remote_add() - find or add the remote with @addr's IP
 * @vp:		port
 * @addr:	address (its port is replaced by dstport=)
 * @flood:	a remote= of the port
 *
 * A remote= (@flood) is added when the port opens, before any other: the
 * flood list is the start of the array, up to @vp->flood_end.
 *
 * Return: index, or -1 when the port has VXLAN_REMOTES_MAX remotes
 */
int vxlan_remote_add(struct vxlan_port *vp, const union vxlan_addr *addr,
		     bool flood)
{
	struct vxlan_remote *r;
	int i;

	rte_spinlock_lock(&vp->lock);
	i = vxlan_remote_find(vp, addr);
	if (i >= 0 || vp->n_remotes == VXLAN_REMOTES_MAX)
		goto out;
	r = &vp->remotes[vp->n_remotes];
	memset(r, 0, sizeof(*r));
	r->addr = *addr;
	if (addr->sa.sa_family == AF_INET)
		r->addr.v4.sin_port = htons(vp->dstport);
	else
		r->addr.v6.sin6_port = htons(vp->dstport);
	r->flood = flood;
	i = (int)vp->n_remotes;
	slot_fill(vp, (uint32_t)i);
	if (flood)
		__atomic_store_n(&vp->flood_end, (uint32_t)i + 1,
				 __ATOMIC_RELAXED);
	__atomic_store_n(&vp->n_remotes, vp->n_remotes + 1, __ATOMIC_RELEASE);
out:
	rte_spinlock_unlock(&vp->lock);
	return i;
}
