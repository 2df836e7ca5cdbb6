/* SPDX-License-Identifier: BSD-3-Clause */
/* nat_bind.h - who is who behind the NAT: guest IPv4 <-> MAC <-> port */
#ifndef VIOSWITCH_NAT_BIND_H
#define VIOSWITCH_NAT_BIND_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "port.h"

#define NAT_BIND_MAX		1024 /* bindings in one NAT */
#define NAT_BIND_BUCKETS	1024 /* hash buckets, a power of two */
#define NAT_BIND_LEARN_PER_PORT 8 /* learned bindings one port may hold */
#define NAT_BIND_LEARN_IDLE_S                                                  \
	300 /* a learned binding unused this long
				      * expires */
#define NAT_BIND_PORT_UNKNOWN PORT_TABLE_MAX /* frames of no known port */

/* Where a binding comes from, strongest first. */
#define NAT_BIND_SOURCES(X)                                                    \
	X(STATIC, "static", "ip= on the guest's port")                         \
	X(DHCP, "dhcp", "a lease of the NAT's DHCP server")                    \
	X(LEARNED, "learned", "first use of a free address; expires unused")

#define X_ENUM(e, name, doc) NAT_BIND_##e,
enum nat_bind_source {
	NAT_BIND_SOURCES(X_ENUM) NAT_BIND__MAX
};
#undef X_ENUM

extern const char *const nat_bind_source_names[NAT_BIND__MAX];

/**
 * enum nat_bind_verdict - what nat_bind_check() says of a frame
 * @NAT_BIND_PASS:	source address not ours to police (0.0.0.0, outside
 *			the NAT's network)
 * @NAT_BIND_OK:	the source address is the sender's (perhaps just
 *			learned)
 * @NAT_BIND_SPOOF:	the source address belongs to another MAC or port,
 *			or to the NAT itself: drop
 */
enum nat_bind_verdict {
	NAT_BIND_PASS,
	NAT_BIND_OK,
	NAT_BIND_SPOOF,
};

/**
 * struct nat_bind_entry - one binding
 * @ip:		guest IPv4 address (network order)
 * @mac:	the guest MAC that may use it (static: the last one seen on
 *		its port; unset until then)
 * @port:	switch port index it may come from
 * @source:	enum nat_bind_source
 * @mac_known:	@mac is set
 * @seen_ns:	last frame from it (clock_mono_ns()), 0 for none yet
 * @expire_ns:	when it ends (DHCP: lease end; learned: @seen_ns plus the
 *		idle time), 0 for never (static)
 * @next:	next entry in the hash chain, -1 for none (table private)
 */
struct nat_bind_entry {
	uint32_t ip;
	struct rte_ether_addr mac;
	uint16_t port;
	uint8_t source;
	bool mac_known;
	int64_t seen_ns;
	int64_t expire_ns;
	int16_t next;
};

/**
 * struct nat_bind - the binding table of one NAT
 * @net:	the NAT's network (network order)
 * @mask:	its netmask (network order)
 * @host:	the NAT host's address, never a guest's
 * @dns:	the NAT's DNS address, never a guest's
 * @idle_ns:	how long a learned binding lives unused
 * @lock:	held by the writer (the NAT thread) while it changes the
 *		table, and by any other thread while it reads it
 * @n:		entries in use
 * @free:	first free entry, -1 for none
 * @next_age_ns: when expired entries are swept next
 * @head:	hash chains by address
 * @learned:	learned bindings per port index
 * @spoofed:	frames found spoofing (NAT thread)
 * @learn_refused: addresses not learned: the port's quota or the table
 *		was full
 * @e:		the entries
 */
struct nat_bind {
	uint32_t net;
	uint32_t mask;
	uint32_t host;
	uint32_t dns;
	int64_t idle_ns;
	pthread_mutex_t lock;
	unsigned int n;
	int16_t free;
	int64_t next_age_ns;
	int16_t head[NAT_BIND_BUCKETS];
	uint16_t learned[PORT_TABLE_MAX + 1];
	uint64_t spoofed;
	uint64_t learn_refused;
	struct nat_bind_entry e[NAT_BIND_MAX];
};

void nat_bind_init(struct nat_bind *b, uint32_t net, uint32_t mask,
		   uint32_t host, uint32_t dns);
void nat_bind_fini(struct nat_bind *b);
enum nat_bind_verdict nat_bind_check(struct nat_bind *b, uint32_t ip,
				     const struct rte_ether_addr *mac,
				     uint16_t port, int64_t now);
int nat_bind_set(struct nat_bind *b, enum nat_bind_source source, uint32_t ip,
		 const struct rte_ether_addr *mac, uint16_t port,
		 int64_t expire_ns);
int nat_bind_del(struct nat_bind *b, enum nat_bind_source source, uint32_t ip,
		 const struct rte_ether_addr *mac, uint16_t port);
void nat_bind_flush_port(struct nat_bind *b, uint16_t port);
void nat_bind_age(struct nat_bind *b, int64_t now);
const struct nat_bind_entry *nat_bind_find(const struct nat_bind *b,
					   uint32_t ip);
bool nat_bind_mac(const struct nat_bind *b, uint32_t ip,
		  struct rte_ether_addr *mac, uint16_t *port);
uint32_t nat_bind_port_addr(struct nat_bind *b, uint16_t port);
uint32_t nat_bind_addr_of(const struct nat_bind *b,
			  const struct rte_ether_addr *mac, uint16_t port);
bool nat_bind_get(struct nat_bind *b, uint32_t ip, struct nat_bind_entry *out);
bool nat_bind_is_static(const struct nat_bind *b, uint32_t ip, uint16_t *port);
unsigned int nat_bind_snapshot(struct nat_bind *b, struct nat_bind_entry *out,
			       unsigned int max);
uint16_t nat_bind_port_of(uint16_t port_index);

/**
 * nat_bind_to_port() - the mbuf port field that steers a frame to a
 * binding's port (port.h's steering)
 * @port:	the binding's port
 *
 * Return: @port, or RTE_MBUF_PORT_INVALID (switched by MAC) when unknown
 */
static inline uint16_t nat_bind_to_port(uint16_t port)
{
	return port == NAT_BIND_PORT_UNKNOWN ? RTE_MBUF_PORT_INVALID : port;
}

#endif /* VIOSWITCH_NAT_BIND_H */
