/* SPDX-License-Identifier: BSD-3-Clause */
/* nat_dhcp.h - the NAT's DHCPv4 server: bounded pool, leases per port */
#ifndef VIOSWITCH_NAT_DHCP_H
#define VIOSWITCH_NAT_DHCP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "nat_bind.h"

#define NAT_DHCP_MAX_LEASES    512 /* leases and offers in one NAT */
#define NAT_DHCP_PER_PORT      4 /* default leases one port may hold */
#define NAT_DHCP_LEASE_S       86400 /* default lease time, as libslirp's */
#define NAT_DHCP_OFFER_S       30 /* an offer not requested is withdrawn */
#define NAT_DHCP_REPLY_MAX     1024 /* bytes of the longest reply frame */
#define NAT_DHCP_DNSSEARCH_MAX 1024 /* bytes of encoded option 119 */

/* Why a client got no address: X(ENUM, "name", "what it means") */
#define NAT_DHCP_REFUSALS(X)                                                   \
	X(PORT_CAP, "port_cap", "the client's port holds its most leases")     \
	X(POOL_EMPTY, "pool_empty", "no free address in the pool")             \
	X(NAK, "nak", "requested an address that is not the client's")         \
	X(MALFORMED, "malformed", "not a well-formed DHCP request")            \
	X(CHADDR, "chaddr",                                                    \
	  "client hardware address is not the frame's "                        \
	  "source")

/* What the server did: X(ENUM, "name", "what it means") */
#define NAT_DHCP_EVENTS(X)                                                     \
	X(DISCOVER, "discover", "DHCPDISCOVER received")                       \
	X(OFFER, "offer", "DHCPOFFER sent")                                    \
	X(REQUEST, "request", "DHCPREQUEST received")                          \
	X(ACK, "ack", "DHCPACK sent")                                          \
	X(RELEASE, "release", "lease released by its client")                  \
	X(DECLINE, "decline", "address declined by its client")

#define X_ENUM(e, name, doc) NAT_DHCP_REFUSE_##e,
enum nat_dhcp_refusal {
	NAT_DHCP_REFUSALS(X_ENUM) NAT_DHCP_REFUSE__MAX
};
#undef X_ENUM
#define X_ENUM(e, name, doc) NAT_DHCP_EV_##e,
enum nat_dhcp_event {
	NAT_DHCP_EVENTS(X_ENUM) NAT_DHCP_EV__MAX
};
#undef X_ENUM

extern const char *const nat_dhcp_refusal_names[NAT_DHCP_REFUSE__MAX];
extern const char *const nat_dhcp_event_names[NAT_DHCP_EV__MAX];

/**
 * struct nat_dhcp_cfg - what the server hands out (QEMU's -netdev user
 * keys)
 * @net:	network (network order)
 * @mask:	netmask (network order), option 1
 * @host:	the NAT host: server id (54) and router (3)
 * @dns:	DNS server (6)
 * @mac:	the NAT host's MAC, source of replies
 * @start:	first address of the pool (network order), dhcpstart=
 * @end:	last address of the pool (network order), dhcpend=
 * @per_port:	most leases one port may hold (offers included)
 * @lease_s:	lease time (51), seconds
 * @restricted:	restrict=on: no router, no DNS (as libslirp)
 * @hostname:	option 12, or NULL
 * @domainname:	option 15, or NULL
 * @dnssearch:	option 119 domains, NULL-terminated, or NULL
 */
struct nat_dhcp_cfg {
	uint32_t net;
	uint32_t mask;
	uint32_t host;
	uint32_t dns;
	struct rte_ether_addr mac;
	uint32_t start;
	uint32_t end;
	unsigned int per_port;
	uint32_t lease_s;
	bool restricted;
	const char *hostname;
	const char *domainname;
	const char *const *dnssearch;
};

enum nat_dhcp_state {
	NAT_DHCP_FREE,
	NAT_DHCP_OFFERED,
	NAT_DHCP_BOUND,
};

/**
 * struct nat_dhcp_lease - an address given (or offered) to one client
 * @mac:	client MAC
 * @port:	the switch port it asked on
 * @ip:		address (network order)
 * @state:	enum nat_dhcp_state
 * @expire_ns:	end (clock_mono_ns()): of the lease, or of the offer
 */
struct nat_dhcp_lease {
	struct rte_ether_addr mac;
	uint16_t port;
	uint32_t ip;
	uint8_t state;
	int64_t expire_ns;
};

/**
 * struct nat_dhcp - one NAT's DHCP server
 * @cfg:	configuration
 * @bind:	the NAT's binding table: leases become bindings
 * @lock:	held by the writer (NAT thread) while it changes @leases, and
 *		by other threads while they read them
 * @leases:	the table, NAT_DHCP_MAX_LEASES slots
 * @refused:	refusals by reason
 * @events:	messages by kind
 * @opt119:	option 119, encoded (possibly several instances)
 * @opt119_len: its length
 */
struct nat_dhcp {
	struct nat_dhcp_cfg cfg;
	struct nat_bind *bind;
	pthread_mutex_t lock;
	struct nat_dhcp_lease leases[NAT_DHCP_MAX_LEASES];
	uint64_t refused[NAT_DHCP_REFUSE__MAX];
	uint64_t events[NAT_DHCP_EV__MAX];
	uint8_t opt119[NAT_DHCP_DNSSEARCH_MAX];
	uint32_t opt119_len;
};

struct nat_dhcp *nat_dhcp_new(const struct nat_dhcp_cfg *cfg,
			      struct nat_bind *bind);
void nat_dhcp_free(struct nat_dhcp *d);
bool nat_dhcp_is_request(const uint8_t *f, uint32_t len, uint32_t host);
bool nat_dhcp_input(struct nat_dhcp *d, const uint8_t *f, uint32_t len,
		    uint16_t port, int64_t now, uint8_t *reply,
		    uint32_t *reply_len);
unsigned int nat_dhcp_list(struct nat_dhcp *d, struct nat_dhcp_lease *out,
			   unsigned int max, int64_t now);
int nat_dhcp_restore(struct nat_dhcp *d, const struct nat_dhcp_lease *l,
		     int64_t now);
void nat_dhcp_flush_port(struct nat_dhcp *d, uint16_t port);

#endif /* VIOSWITCH_NAT_DHCP_H */
