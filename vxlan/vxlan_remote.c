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
 */
#include <string.h>

#include "vxlan.h"

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

	for (uint32_t i = 0; i < n; i++) {
		if (vxlan_addr_same_ip(&vp->remotes[i].addr, addr))
			return (int)i;
	}
	return -1;
}

/**
 * vxlan_remote_add() - find or add the remote with @addr's IP
 * @vp:		port
 * @addr:	address (its port is replaced by dstport=)
 * @flood:	a remote= of the port
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
	__atomic_store_n(&vp->n_remotes, vp->n_remotes + 1, __ATOMIC_RELEASE);
out:
	rte_spinlock_unlock(&vp->lock);
	return i;
}
