// SPDX-License-Identifier: BSD-3-Clause
/* nat_bind.c - who is who behind the NAT: guest IPv4 <-> MAC <-> port
 *
 * Theory of operation
 * -------------------
 * One NAT serves every VM on the switch, so it must know which guest holds
 * which address before it delivers a hostfwd connection or believes a
 * frame's source address. A binding says: address A belongs to MAC M on
 * switch port P. Bindings come from authority, strongest first:
 * - static: `ip=A` on port P (any port kind), for guests configured by
 *   hand. Any MAC on P may use A; the binding remembers the last one seen.
 * - dhcp: a lease of the NAT's own DHCP server (nat_dhcp.c), for (M, P),
 *   until the lease ends or is released.
 * - learned: a guest configured by hand without ip= uses a free address:
 *   the first (M, P) to use it holds it while it keeps using it; after
 *   NAT_BIND_LEARN_IDLE_S without a frame the binding expires. A port holds
 *   at most NAT_BIND_LEARN_PER_PORT of them, so nobody squats the network.
 * A stronger binding replaces a weaker one: a lease given to the VM whose
 * address an attacker used first ends the attacker's learned binding.
 *
 * Every IPv4 or ARP frame a guest sends the NAT is checked here
 * (nat_bind_check) before anything else sees it: a source address bound to
 * another MAC or port, or one of the NAT's own (network, host, DNS,
 * broadcast), is a spoof, and the caller drops the frame. A frame never
 * moves a binding. Frames from 0.0.0.0 (DHCP, ARP probes) and from outside
 * the NAT's network are not policed here.
 *
 * Threads: the NAT thread is the only writer (frames, DHCP, expiry, and
 * the control thread's changes run there through slirp_call). It
 * holds @lock while it changes the table; any other thread holds @lock
 * while it reads, so it sees a consistent table. The time of the last
 * frame (@seen_ns) is written without the lock, atomically.
 *
 * Storage: NAT_BIND_MAX entries, chained in NAT_BIND_BUCKETS hash buckets
 * by address; nothing is allocated after init. Expired entries are swept
 * once a second by nat_bind_check(), and on demand when the table is full
 * (then the least recently used learned binding gives way to a lease).
 */
#include "nat_bind.h"

#include <errno.h>
#include <string.h>

#define X_NAME(e, name, doc) [NAT_BIND_##e] = name,
const char *const nat_bind_source_names[NAT_BIND__MAX] = { NAT_BIND_SOURCES(
	X_NAME) };
#undef X_NAME

#define NAT_NS_PER_S 1000000000LL

/**
 * bucket() - the hash bucket of an address
 * @ip:		address, network order
 *
 * Return: index into @head
 */
static unsigned int bucket(uint32_t ip)
{
	uint32_t h = ip * 2654435761u;

	return (h ^ (h >> 16)) & (NAT_BIND_BUCKETS - 1);
}

/**
 * nat_bind_port_of() - the table's port number for a frame's port
 * @port_index:	the mbuf's port (the switch port it entered on), perhaps
 *		RTE_MBUF_PORT_INVALID
 *
 * Return: @port_index, or NAT_BIND_PORT_UNKNOWN when out of range
 */
uint16_t nat_bind_port_of(uint16_t port_index)
{
	return port_index < PORT_TABLE_MAX ? port_index : NAT_BIND_PORT_UNKNOWN;
}

/**
 * nat_bind_init() - an empty table for one NAT
 * @b:		table
 * @net:	the NAT's network (network order)
 * @mask:	its netmask
 * @host:	the NAT host's address
 * @dns:	the NAT's DNS address
 */
void nat_bind_init(struct nat_bind *b, uint32_t net, uint32_t mask,
		   uint32_t host, uint32_t dns)
{
	memset(b, 0, sizeof(*b));
	b->net = net & mask;
	b->mask = mask;
	b->host = host;
	b->dns = dns;
	b->idle_ns = NAT_BIND_LEARN_IDLE_S * NAT_NS_PER_S;
	pthread_mutex_init(&b->lock, NULL);
	for (unsigned int i = 0; i < NAT_BIND_BUCKETS; i++)
		b->head[i] = -1;
	for (unsigned int i = 0; i < NAT_BIND_MAX; i++)
		b->e[i].next = i + 1 < NAT_BIND_MAX ? (int16_t)(i + 1) : -1;
	b->free = 0;
}

/**
 * nat_bind_fini() - release what nat_bind_init() set up
 * @b:		table
 */
void nat_bind_fini(struct nat_bind *b)
{
	pthread_mutex_destroy(&b->lock);
}

/**
 * find_idx() - the entry of an address
 * @b:		table
 * @ip:		address
 *
 * Return: index, or -1
 */
static int find_idx(const struct nat_bind *b, uint32_t ip)
{
	int i = b->head[bucket(ip)];

	while (i >= 0 && b->e[i].ip != ip)
		i = b->e[i].next;
	return i;
}

/**
 * nat_bind_find() - the binding of an address (NAT thread, or under @lock)
 * @b:		table
 * @ip:		address, network order
 *
 * Return: entry, or NULL
 */
const struct nat_bind_entry *nat_bind_find(const struct nat_bind *b,
					   uint32_t ip)
{
	int i = find_idx(b, ip);

	return i < 0 ? NULL : &b->e[i];
}

/**
 * unlink_idx() - remove entry @i from the table (@lock held)
 * @b:		table
 * @i:		entry index
 */
static void unlink_idx(struct nat_bind *b, int i)
{
	int16_t *pp = &b->head[bucket(b->e[i].ip)];

	while (*pp != i)
		pp = &b->e[*pp].next;
	*pp = b->e[i].next;
	if (b->e[i].source == NAT_BIND_LEARNED && b->learned[b->e[i].port])
		b->learned[b->e[i].port]--;
	memset(&b->e[i], 0, sizeof(b->e[i]));
	b->e[i].next = b->free;
	b->free = (int16_t)i;
	b->n--;
}

/**
 * expired() - whether an entry has ended
 * @e:		entry
 * @now:	clock_mono_ns()
 *
 * Return: true when its time is up
 */
static bool expired(const struct nat_bind_entry *e, int64_t now)
{
	int64_t end = e->expire_ns;

	if (e->source == NAT_BIND_LEARNED)
		end = __atomic_load_n(&e->seen_ns, __ATOMIC_RELAXED) +
		      e->expire_ns;
	return e->source != NAT_BIND_STATIC && end <= now;
}

/**
 * sweep() - remove every expired entry (@lock held)
 * @b:		table
 * @now:	clock_mono_ns()
 */
static void sweep(struct nat_bind *b, int64_t now)
{
	for (int i = 0; i < NAT_BIND_MAX; i++) {
		if (b->e[i].ip && b->e[i].expire_ns && expired(&b->e[i], now))
			unlink_idx(b, i);
	}
}

/**
 * nat_bind_age() - forget expired bindings now (NAT thread)
 * @b:		table
 * @now:	clock_mono_ns()
 */
void nat_bind_age(struct nat_bind *b, int64_t now)
{
	pthread_mutex_lock(&b->lock);
	sweep(b, now);
	pthread_mutex_unlock(&b->lock);
	b->next_age_ns = now + NAT_NS_PER_S;
}

/**
 * evict_learned() - free the least recently used learned entry (@lock
 * held)
 * @b:		table
 *
 * Return: true when one was freed
 */
static bool evict_learned(struct nat_bind *b)
{
	int64_t oldest = INT64_MAX;
	int victim = -1;

	for (int i = 0; i < NAT_BIND_MAX; i++) {
		if (b->e[i].expire_ns && b->e[i].source == NAT_BIND_LEARNED &&
		    b->e[i].seen_ns < oldest) {
			oldest = b->e[i].seen_ns;
			victim = i;
		}
	}
	if (victim >= 0)
		unlink_idx(b, victim);
	return victim >= 0;
}

/**
 * insert() - a new entry for @ip, linked (@lock held)
 * @b:		table
 * @ip:		address, not in the table
 *
 * Return: the entry, or NULL when the table is full
 */
static struct nat_bind_entry *insert(struct nat_bind *b, uint32_t ip)
{
	unsigned int h = bucket(ip);
	int i = b->free;

	if (i < 0)
		return NULL;
	b->free = b->e[i].next;
	memset(&b->e[i], 0, sizeof(b->e[i]));
	b->e[i].ip = ip;
	b->e[i].next = b->head[h];
	b->head[h] = (int16_t)i;
	b->n++;
	return &b->e[i];
}

/**
 * is_reserved() - an address of the NAT itself, never a guest's
 * @b:		table
 * @ip:		address inside the network
 *
 * Return: true for the network, broadcast, host and DNS addresses
 */
static bool is_reserved(const struct nat_bind *b, uint32_t ip)
{
	return ip == b->net || ip == (b->net | ~b->mask) || ip == b->host ||
	       ip == b->dns;
}

/**
 * learn() - bind a free address to its first user (NAT thread)
 * @b:		table
 * @ip:		address
 * @mac:	sender
 * @port:	its port
 * @now:	clock_mono_ns()
 */
static void learn(struct nat_bind *b, uint32_t ip,
		  const struct rte_ether_addr *mac, uint16_t port, int64_t now)
{
	struct nat_bind_entry *e;

	if (b->learned[port] >= NAT_BIND_LEARN_PER_PORT) {
		b->learn_refused++;
		return;
	}
	pthread_mutex_lock(&b->lock);
	if (b->free < 0)
		sweep(b, now);
	e = insert(b, ip);
	if (e) {
		e->mac = *mac;
		e->mac_known = true;
		e->port = port;
		e->source = NAT_BIND_LEARNED;
		e->seen_ns = now;
		e->expire_ns = b->idle_ns; /* relative to seen_ns */
		b->learned[port]++;
	} else {
		b->learn_refused++;
	}
	pthread_mutex_unlock(&b->lock);
}

/**
 * nat_bind_check() - may this sender use this source address? (NAT
 * thread, for every IPv4 and ARP frame a guest sends the NAT)
 * @b:		table
 * @ip:		source address (ARP: sender address), network order
 * @mac:	source MAC of the frame
 * @port:	switch port it came from (nat_bind_port_of())
 * @now:	clock_mono_ns()
 *
 * A free address inside the network is learned for the sender; a frame
 * never moves a binding.
 *
 * Return: enum nat_bind_verdict
 */
enum nat_bind_verdict nat_bind_check(struct nat_bind *b, uint32_t ip,
				     const struct rte_ether_addr *mac,
				     uint16_t port, int64_t now)
{
	struct nat_bind_entry *e;
	int i;

	if (!ip || (ip & b->mask) != b->net)
		return NAT_BIND_PASS;
	if (is_reserved(b, ip))
		goto spoof;
	if (now >= b->next_age_ns)
		nat_bind_age(b, now);
	i = find_idx(b, ip);
	if (i >= 0 && b->e[i].expire_ns && expired(&b->e[i], now)) {
		pthread_mutex_lock(&b->lock);
		unlink_idx(b, i);
		pthread_mutex_unlock(&b->lock);
		i = -1;
	}
	if (i < 0) {
		learn(b, ip, mac, port, now);
		return NAT_BIND_OK;
	}
	e = &b->e[i];
	if (e->port != port)
		goto spoof;
	if (e->source == NAT_BIND_STATIC &&
	    (!e->mac_known || !rte_is_same_ether_addr(&e->mac, mac))) {
		pthread_mutex_lock(&b->lock);
		e->mac = *mac;
		e->mac_known = true;
		pthread_mutex_unlock(&b->lock);
	} else if (!rte_is_same_ether_addr(&e->mac, mac)) {
		goto spoof;
	}
	__atomic_store_n(&e->seen_ns, now, __ATOMIC_RELAXED);
	return NAT_BIND_OK;
spoof:
	b->spoofed++;
	return NAT_BIND_SPOOF;
}

/**
 * nat_bind_set() - bind an address on authority: a lease or ip= (NAT
 * thread)
 * @b:		table
 * @source:	NAT_BIND_STATIC or NAT_BIND_DHCP
 * @ip:		address inside the network, network order
 * @mac:	guest MAC (NULL for a static binding: the first MAC seen)
 * @port:	its port index
 * @expire_ns:	end of the lease (clock_mono_ns()), 0 for static
 *
 * Replaces a weaker binding of @ip, and a binding of the same strength
 * (a lease passing to another client, which the DHCP server decided).
 *
 * Return: 0; -EINVAL for an address outside the network or the NAT's own;
 *	   -EEXIST when a stronger binding (static, of another port) holds
 *	   @ip; -ENOSPC when the table is full of leases and static bindings
 */
int nat_bind_set(struct nat_bind *b, enum nat_bind_source source, uint32_t ip,
		 const struct rte_ether_addr *mac, uint16_t port,
		 int64_t expire_ns)
{
	struct nat_bind_entry *e;
	int i, rc = 0;

	if ((ip & b->mask) != b->net || is_reserved(b, ip) ||
	    source == NAT_BIND_LEARNED || source >= NAT_BIND__MAX)
		return -EINVAL;
	pthread_mutex_lock(&b->lock);
	i = find_idx(b, ip);
	if (i >= 0 && b->e[i].source == NAT_BIND_STATIC &&
	    (source != NAT_BIND_STATIC || b->e[i].port != port)) {
		rc = -EEXIST;
		goto out;
	}
	if (i >= 0 && b->e[i].source == NAT_BIND_STATIC)
		goto out; /* already there */
	if (i >= 0)
		unlink_idx(b, i);
	if (b->free < 0 && !evict_learned(b)) {
		rc = -ENOSPC;
		goto out;
	}
	e = insert(b, ip);
	e->source = (uint8_t)source;
	e->port = port;
	e->expire_ns = expire_ns;
	if (mac) {
		e->mac = *mac;
		e->mac_known = true;
	}
out:
	pthread_mutex_unlock(&b->lock);
	return rc;
}

/**
 * nat_bind_del() - end a binding of one source (NAT thread)
 * @b:		table
 * @source:	the source it must have
 * @ip:		address
 * @mac:	the MAC it must be bound to, NULL for any
 * @port:	the port it must be bound to
 *
 * Return: 0, or -ENOENT when @ip has no such binding
 */
int nat_bind_del(struct nat_bind *b, enum nat_bind_source source, uint32_t ip,
		 const struct rte_ether_addr *mac, uint16_t port)
{
	int i, rc = -ENOENT;

	pthread_mutex_lock(&b->lock);
	i = find_idx(b, ip);
	if (i >= 0 && b->e[i].source == source && b->e[i].port == port &&
	    (!mac || rte_is_same_ether_addr(&b->e[i].mac, mac))) {
		unlink_idx(b, i);
		rc = 0;
	}
	pthread_mutex_unlock(&b->lock);
	return rc;
}

/**
 * nat_bind_flush_port() - forget every binding of a port that went away
 * (NAT thread)
 * @b:		table
 * @port:	port index
 */
void nat_bind_flush_port(struct nat_bind *b, uint16_t port)
{
	pthread_mutex_lock(&b->lock);
	for (int i = 0; i < NAT_BIND_MAX; i++) {
		if (b->e[i].ip && b->e[i].port == port)
			unlink_idx(b, i);
	}
	b->learned[port] = 0;
	pthread_mutex_unlock(&b->lock);
}

/**
 * nat_bind_mac() - where frames for @ip go: the bound MAC and port (NAT
 * thread)
 * @b:		table
 * @ip:		address, network order
 * @mac:	set when found
 * @port:	set when found, may be NULL
 *
 * Return: true when @ip is bound and its MAC known
 */
bool nat_bind_mac(const struct nat_bind *b, uint32_t ip,
		  struct rte_ether_addr *mac, uint16_t *port)
{
	const struct nat_bind_entry *e = nat_bind_find(b, ip);

	if (!e || !e->mac_known)
		return false;
	*mac = e->mac;
	if (port)
		*port = e->port;
	return true;
}

/**
 * nat_bind_addr_of() - the IPv4 address of the guest that sends from @mac
 * on @port (NAT thread): how its IPv6 flows are charged to the same guest
 * as its IPv4 ones
 * @b:		table
 * @mac:	the guest's MAC
 * @port:	the table's port number of its frame (nat_bind_port_of())
 *
 * Of the bindings on @port whose MAC is @mac, the one that carried a frame
 * last; a static binding whose MAC is not known yet counts as @mac's.
 *
 * Return: address (network order), or 0 when the guest has none
 */
uint32_t nat_bind_addr_of(const struct nat_bind *b,
			  const struct rte_ether_addr *mac, uint16_t port)
{
	int64_t best_seen = -1;
	uint32_t ip = 0;

	for (int i = 0; i < NAT_BIND_MAX; i++) {
		const struct nat_bind_entry *e = &b->e[i];

		if (!e->ip || e->port != port ||
		    (e->mac_known && !rte_is_same_ether_addr(&e->mac, mac)))
			continue;
		if (e->seen_ns > best_seen) {
			best_seen = e->seen_ns;
			ip = e->ip;
		}
	}
	return ip;
}

/**
 * nat_bind_get() - a copy of the binding of an address (any thread)
 * @b:		table
 * @ip:		address, network order
 * @out:	the copy, when bound
 *
 * Return: true when @ip is bound
 */
bool nat_bind_get(struct nat_bind *b, uint32_t ip, struct nat_bind_entry *out)
{
	const struct nat_bind_entry *e;

	pthread_mutex_lock(&b->lock);
	e = nat_bind_find(b, ip);
	if (e)
		*out = *e;
	pthread_mutex_unlock(&b->lock);
	return e != NULL;
}

/**
 * nat_bind_is_static() - whether @ip is reserved by ip= on a port
 * @b:		table
 * @ip:		address
 * @port:	set to that port when it is, may be NULL
 *
 * Return: true when a static binding holds @ip
 */
bool nat_bind_is_static(const struct nat_bind *b, uint32_t ip, uint16_t *port)
{
	const struct nat_bind_entry *e = nat_bind_find(b, ip);

	if (!e || e->source != NAT_BIND_STATIC)
		return false;
	if (port)
		*port = e->port;
	return true;
}

/**
 * nat_bind_port_addr() - the address the guest on a port uses (any
 * thread): of its bindings, the one that carried a frame last, a static or
 * DHCP one before a learned one when none did
 * @b:		table
 * @port:	port index
 *
 * Return: address (network order), or 0 when the port has none
 */
uint32_t nat_bind_port_addr(struct nat_bind *b, uint16_t port)
{
	int64_t best_seen = -1;
	int best_rank = NAT_BIND__MAX;
	uint32_t ip = 0;

	pthread_mutex_lock(&b->lock);
	for (int i = 0; i < NAT_BIND_MAX; i++) {
		const struct nat_bind_entry *e = &b->e[i];
		int64_t seen = __atomic_load_n(&e->seen_ns, __ATOMIC_RELAXED);

		if (!e->ip || e->port != port)
			continue;
		if (seen > best_seen ||
		    (seen == best_seen && e->source < best_rank)) {
			best_seen = seen;
			best_rank = e->source;
			ip = e->ip;
		}
	}
	pthread_mutex_unlock(&b->lock);
	return ip;
}

/**
 * nat_bind_snapshot() - copy the bindings, consistently (any thread)
 * @b:		table
 * @out:	copies, in table order
 * @max:	room in @out
 *
 * Return: entries copied
 */
unsigned int nat_bind_snapshot(struct nat_bind *b, struct nat_bind_entry *out,
			       unsigned int max)
{
	unsigned int n = 0;

	pthread_mutex_lock(&b->lock);
	for (int i = 0; i < NAT_BIND_MAX && n < max; i++) {
		if (!b->e[i].ip)
			continue;
		out[n] = b->e[i];
		out[n].seen_ns =
			__atomic_load_n(&b->e[i].seen_ns, __ATOMIC_RELAXED);
		if (out[n].source == NAT_BIND_LEARNED)
			out[n].expire_ns += out[n].seen_ns;
		n++;
	}
	pthread_mutex_unlock(&b->lock);
	return n;
}
