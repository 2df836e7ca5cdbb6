/* SPDX-License-Identifier: BSD-3-Clause */
/* nat_limits.h - caps on the NAT's flows and connections, per guest and in
 * total, and a counter per cap that refused something
 */
#ifndef VIOSWITCH_NAT_LIMITS_H
#define VIOSWITCH_NAT_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct netdev;

/* X(ENUM, "name", "what it means"): one counter per refusal reason */
#define NAT_LIMIT_REASONS(X)                                                   \
	X(UDP_GUEST, "udp_guest", "a guest's UDP flows were at its cap")       \
	X(UDP_TOTAL, "udp_total", "the NAT's UDP flows were at their cap")     \
	X(TCP_GUEST, "tcp_guest", "a guest's TCP connections were at its cap") \
	X(TCP_TOTAL, "tcp_total",                                              \
	  "the NAT's guest TCP connections were at their cap")                 \
	X(HOSTFWD_RULE, "hostfwd_rule",                                        \
	  "a hostfwd rule's connections were at its cap")                      \
	X(HOSTFWD_TOTAL, "hostfwd_total",                                      \
	  "the NAT's hostfwd connections were at their cap")                   \
	X(GUESTS, "guests", "no room to account for one more guest")           \
	X(NO_FDS, "no_fds", "the process was out of file descriptors")

#define X_ENUM(e, name, doc) NAT_LIMIT_##e,
enum nat_limit_reason {
	NAT_LIMIT_REASONS(X_ENUM) NAT_LIMIT__MAX
};
#undef X_ENUM

/* What a guest's flows hold on the host: a UDP (or ICMP) socket, a TCP
 * connection. */
enum nat_res {
	NAT_RES_UDP,
	NAT_RES_TCP,
	NAT_RES__MAX,
};

#define NAT_PORT_ANY 0xffff /* a guest seen only in libslirp's census */

/**
 * struct nat_caps - the caps of one NAT, from the `user` netdev keys
 * @total:	most flows of each kind, all guests together (udp_flows=,
 *		tcp_conns=)
 * @guest:	most flows of each kind per guest (udp_flows_guest=,
 *		tcp_conns_guest=)
 * @hostfwd:	most hostfwd connections, all rules together (hostfwd_conns=)
 * @hostfwd_rule: most hostfwd connections per rule (hostfwd_conns_rule=)
 * @udp_timeout_s: an idle UDP flow the host never answered ends after this
 *		(udp_timeout=)
 * @udp_timeout_replied_s: an idle answered UDP flow ends after this
 *		(udp_timeout_replied=)
 */
struct nat_caps {
	uint32_t total[NAT_RES__MAX];
	uint32_t guest[NAT_RES__MAX];
	uint32_t hostfwd;
	uint32_t hostfwd_rule;
	uint32_t udp_timeout_s;
	uint32_t udp_timeout_replied_s;
};

/**
 * struct nat_guest - what one guest holds
 * @ip:		its IPv4 source address (network order), 0 for IPv6 frames
 * @port:	the switch port its frames came in on, or NAT_PORT_ANY
 * @own:	flows on the NAT's own paths, by kind (exact)
 * @slirp:	sockets libslirp holds for it, by kind: its last census plus
 *		what was let through since
 * @seen_ms:	when it last asked for a flow (recycling the entry)
 */
struct nat_guest {
	uint32_t ip;
	uint16_t port;
	uint32_t own[NAT_RES__MAX];
	uint32_t slirp[NAT_RES__MAX];
	int64_t seen_ms;
};

#define NAT_GUESTS_MAX 1024

/**
 * struct nat_limits - the accounting of one NAT (NAT thread; the control
 * thread only reads it for `vioctl port list`)
 * @caps:	caps
 * @guests:	guests seen, @n_guests of them
 * @n_guests:	entries used
 * @own:	own-path flows of all guests, by kind
 * @slirp:	libslirp's sockets of all guests, by kind
 * @hostfwd:	hostfwd connections open
 * @hits:	refusals, by reason
 */
struct nat_limits {
	struct nat_caps caps;
	struct nat_guest guests[NAT_GUESTS_MAX];
	unsigned int n_guests;
	uint32_t own[NAT_RES__MAX];
	uint32_t slirp[NAT_RES__MAX];
	uint32_t hostfwd;
	uint64_t hits[NAT_LIMIT__MAX];
};

extern const char *const nat_limit_reason_names[NAT_LIMIT__MAX];

int nat_caps_parse(struct nat_caps *caps, const struct netdev *nd, char *err,
		   size_t errlen);
void nat_limits_init(struct nat_limits *nl, const struct nat_caps *caps);
struct nat_guest *nat_guest_get(struct nat_limits *nl, uint32_t ip,
				uint16_t port, int64_t now_ms);
bool nat_room(const struct nat_limits *nl, const struct nat_guest *g,
	      enum nat_res r);
bool nat_charge(struct nat_limits *nl, struct nat_guest *g, enum nat_res r,
		bool slirp);
struct nat_guest *nat_over_share(const struct nat_limits *nl,
				 const struct nat_guest *g, enum nat_res r);
void nat_uncharge(struct nat_limits *nl, struct nat_guest *g, enum nat_res r);
bool nat_hostfwd_charge(struct nat_limits *nl, uint32_t *rule_conns);
void nat_hostfwd_uncharge(struct nat_limits *nl, uint32_t *rule_conns);
void nat_limits_hit(struct nat_limits *nl, enum nat_limit_reason why);
void nat_census_begin(struct nat_limits *nl);
void nat_census_add(struct nat_limits *nl, uint32_t ip, enum nat_res r);
json_t *nat_limits_json(const struct nat_limits *nl);

#endif /* VIOSWITCH_NAT_LIMITS_H */
