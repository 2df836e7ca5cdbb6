// SPDX-License-Identifier: BSD-3-Clause
/* nat_limits.c - caps on the NAT's flows and connections, per guest and in
 * total, and a counter per cap that refused something
 *
 * Theory of operation
 * -------------------
 * Every flow a guest opens through the NAT costs the switch a descriptor:
 * a UDP socket (on the NAT's own UDP path, or libslirp's for DNS, ICMP and
 * IPv6), a TCP socket (the NAT's own for guests' IPv4 connections,
 * libslirp's for the rest). A guest is its IPv4 source address and the
 * switch port its frames came in on (the mbuf's port field, set by the
 * PMD thread); a guest's flows count against its own cap and against the
 * NAT's total, and whatever refuses a flow is counted by reason. hostfwd
 * connections come from host users, not guests: they count against their
 * rule's cap and a total of their own, so neither a guest nor a local
 * user can take the descriptors the other needs.
 *
 * Own-path flows are counted exactly, when they open and close. libslirp
 * has no API to list or close its sockets, so its share is learned from
 * slirp_connection_info() by slirp_census.c, once a second and when a cap
 * is reached: nat_census_begin() forgets the old counts, nat_census_add()
 * adds each socket of the census, and flows let through between two
 * censuses are added by nat_charge() as they go, so the count never falls
 * below what libslirp holds.
 *
 * The defaults fit a 1024-descriptor limit: 256 UDP flows and 256 guest
 * TCP connections in total (96 each per guest), 256 hostfwd connections
 * (128 per rule) leave some 250 descriptors to the rest of the switch.
 * One NAT thread writes all of this; the control thread reads it for
 * `vioctl port list` without a lock (counters may be a moment old).
 */
#include "nat_limits.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netdev.h"

#define X_NAME(e, name, doc) [NAT_LIMIT_##e] = name,
const char *const nat_limit_reason_names[NAT_LIMIT__MAX] = { NAT_LIMIT_REASONS(
	X_NAME) };
#undef X_NAME

static const char *const res_names[NAT_RES__MAX] = { "udp", "tcp" };

/**
 * struct cap_key - a netdev key that sets one cap
 * @key:	the key
 * @min:	smallest value
 * @max:	largest value
 * @off:	offset of the uint32_t it sets in struct nat_caps
 */
struct cap_key {
	const char *key;
	uint32_t min;
	uint32_t max;
	size_t off;
};

static const struct cap_key cap_keys[] = {
	{ "udp_flows", 1, 1u << 20, offsetof(struct nat_caps, total) },
	{ "udp_flows_guest", 1, 1u << 20, offsetof(struct nat_caps, guest) },
	{ "tcp_conns", 1, 1u << 20,
	  offsetof(struct nat_caps, total) + sizeof(uint32_t) },
	{ "tcp_conns_guest", 1, 1u << 20,
	  offsetof(struct nat_caps, guest) + sizeof(uint32_t) },
	{ "hostfwd_conns", 1, 1u << 20, offsetof(struct nat_caps, hostfwd) },
	{ "hostfwd_conns_rule", 1, 1u << 20,
	  offsetof(struct nat_caps, hostfwd_rule) },
	{ "udp_timeout", 1, 3600, offsetof(struct nat_caps, udp_timeout_s) },
	{ "udp_timeout_replied", 1, 3600,
	  offsetof(struct nat_caps, udp_timeout_replied_s) },
};

/**
 * nat_caps_parse() - the caps of a `user` netdev, defaults filled in
 * @caps:	result
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message naming the key
 */
int nat_caps_parse(struct nat_caps *caps, const struct netdev *nd, char *err,
		   size_t errlen)
{
	*caps = (struct nat_caps){
		.total = { [NAT_RES_UDP] = 256, [NAT_RES_TCP] = 256 },
		.guest = { [NAT_RES_UDP] = 96, [NAT_RES_TCP] = 96 },
		.hostfwd = 256,
		.hostfwd_rule = 128,
		.udp_timeout_s = 30,
		.udp_timeout_replied_s = 180,
	};
	for (size_t i = 0; i < sizeof(cap_keys) / sizeof(cap_keys[0]); i++) {
		const struct cap_key *k = &cap_keys[i];

		if (netdev_get_u32(nd, k->key, k->min, k->max,
				   (uint32_t *)((char *)caps + k->off), err,
				   errlen))
			return -EINVAL;
	}
	return 0;
}

/**
 * nat_limits_init() - empty accounting under @caps
 * @nl:		accounting
 * @caps:	caps
 */
void nat_limits_init(struct nat_limits *nl, const struct nat_caps *caps)
{
	memset(nl, 0, sizeof(*nl));
	nl->caps = *caps;
}

/**
 * guest_idle() - whether a guest holds nothing
 * @g:		guest
 *
 * Return: true when its entry may be reused
 */
static bool guest_idle(const struct nat_guest *g)
{
	for (unsigned int r = 0; r < NAT_RES__MAX; r++) {
		if (g->own[r] || g->slirp[r])
			return false;
	}
	return true;
}

/**
 * guest_new() - an entry for a guest not seen yet: a new one, or the idle
 * one seen longest ago
 * @nl:		accounting
 * @ip:		its address
 * @port:	its port
 * @now_ms:	the time
 *
 * Return: the entry, or NULL when every entry holds flows
 */
static struct nat_guest *guest_new(struct nat_limits *nl, uint32_t ip,
				   uint16_t port, int64_t now_ms)
{
	struct nat_guest *g = NULL;

	if (nl->n_guests < NAT_GUESTS_MAX) {
		g = &nl->guests[nl->n_guests++];
	} else {
		for (unsigned int i = 0; i < nl->n_guests; i++) {
			struct nat_guest *e = &nl->guests[i];

			if (guest_idle(e) && (!g || e->seen_ms < g->seen_ms))
				g = e;
		}
	}
	if (!g)
		return NULL;
	*g = (struct nat_guest){ .ip = ip, .port = port, .seen_ms = now_ms };
	return g;
}

/**
 * nat_guest_get() - the entry of a guest, made when it is new
 * @nl:		accounting
 * @ip:		its IPv4 source address (network order), 0 for IPv6
 * @port:	the switch port its frame came in on
 * @now_ms:	the time, for recycling
 *
 * Return: the entry, or NULL when no entry is free (counted)
 */
struct nat_guest *nat_guest_get(struct nat_limits *nl, uint32_t ip,
				uint16_t port, int64_t now_ms)
{
	struct nat_guest *g = NULL;

	for (unsigned int i = 0; i < nl->n_guests && !g; i++) {
		struct nat_guest *e = &nl->guests[i];

		if (e->ip == ip && e->port == port)
			g = e;
		else if (e->ip == ip && e->port == NAT_PORT_ANY)
			g = e; /* seen in a census first: it is this one */
	}
	if (!g)
		g = guest_new(nl, ip, port, now_ms);
	if (!g) {
		nl->hits[NAT_LIMIT_GUESTS]++;
		return NULL;
	}
	g->port = port;
	g->seen_ms = now_ms;
	return g;
}

/**
 * nat_room() - whether a guest may open one more flow of a kind
 * @nl:		accounting
 * @g:		guest
 * @r:		kind of flow
 *
 * Return: true when neither its cap nor the total is reached
 */
bool nat_room(const struct nat_limits *nl, const struct nat_guest *g,
	      enum nat_res r)
{
	return g->own[r] + g->slirp[r] < nl->caps.guest[r] &&
	       nl->own[r] + nl->slirp[r] < nl->caps.total[r];
}

/**
 * nat_over_share() - the guest that holds the most own-path flows of a
 * kind, when it holds more than an equal share of the total among the
 * guests that hold any (@g, asking for its first, counts as one of them)
 * @nl:		accounting
 * @g:		the guest asking for a flow
 * @r:		kind of flow
 *
 * A full table then makes room for @g at that guest's expense, as
 * conntrack's early drop does, so that guests flooding the NAT cannot
 * keep a quiet one out: each keeps at least an equal share.
 *
 * Return: that guest, or NULL when none holds more than its share or @g
 *	   itself is at its share
 */
struct nat_guest *nat_over_share(const struct nat_limits *nl,
				 const struct nat_guest *g, enum nat_res r)
{
	struct nat_guest *hog = NULL;
	uint32_t holders = 0, share;

	for (unsigned int i = 0; i < nl->n_guests; i++) {
		const struct nat_guest *e = &nl->guests[i];

		if (e->own[r] + e->slirp[r] || e == g)
			holders++;
		if (!hog || e->own[r] > hog->own[r])
			hog = (struct nat_guest *)e;
	}
	share = holders ? nl->caps.total[r] / holders : nl->caps.total[r];
	if (!hog || hog == g || g->own[r] + g->slirp[r] >= share ||
	    hog->own[r] + hog->slirp[r] <= share || !hog->own[r])
		return NULL;
	return hog;
}

/**
 * nat_charge() - let a guest open one more flow, if its cap and the
 * total allow
 * @nl:		accounting
 * @g:		guest
 * @r:		kind of flow
 * @slirp:	the flow goes to libslirp (else the NAT's own path)
 *
 * Return: true when charged; false when a cap refused it (counted)
 */
bool nat_charge(struct nat_limits *nl, struct nat_guest *g, enum nat_res r,
		bool slirp)
{
	static const enum nat_limit_reason guest_why[NAT_RES__MAX] = {
		NAT_LIMIT_UDP_GUEST, NAT_LIMIT_TCP_GUEST
	};
	static const enum nat_limit_reason total_why[NAT_RES__MAX] = {
		NAT_LIMIT_UDP_TOTAL, NAT_LIMIT_TCP_TOTAL
	};

	if (g->own[r] + g->slirp[r] >= nl->caps.guest[r]) {
		nl->hits[guest_why[r]]++;
		return false;
	}
	if (nl->own[r] + nl->slirp[r] >= nl->caps.total[r]) {
		nl->hits[total_why[r]]++;
		return false;
	}
	if (slirp) {
		g->slirp[r]++;
		nl->slirp[r]++;
	} else {
		g->own[r]++;
		nl->own[r]++;
	}
	return true;
}

/**
 * nat_uncharge() - an own-path flow of a guest ended
 * @nl:		accounting
 * @g:		guest
 * @r:		kind of flow
 */
void nat_uncharge(struct nat_limits *nl, struct nat_guest *g, enum nat_res r)
{
	if (g->own[r])
		g->own[r]--;
	if (nl->own[r])
		nl->own[r]--;
}

/**
 * nat_hostfwd_charge() - let one more host client in through a rule
 * @nl:		accounting
 * @rule_conns:	the rule's connection count
 *
 * Return: true when charged; false when a cap refused it (counted)
 */
bool nat_hostfwd_charge(struct nat_limits *nl, uint32_t *rule_conns)
{
	if (*rule_conns >= nl->caps.hostfwd_rule) {
		nl->hits[NAT_LIMIT_HOSTFWD_RULE]++;
		return false;
	}
	if (nl->hostfwd >= nl->caps.hostfwd) {
		nl->hits[NAT_LIMIT_HOSTFWD_TOTAL]++;
		return false;
	}
	(*rule_conns)++;
	nl->hostfwd++;
	return true;
}

/**
 * nat_hostfwd_uncharge() - a hostfwd connection ended
 * @nl:		accounting
 * @rule_conns:	its rule's connection count, NULL when the rule is gone
 */
void nat_hostfwd_uncharge(struct nat_limits *nl, uint32_t *rule_conns)
{
	if (rule_conns && *rule_conns)
		(*rule_conns)--;
	if (nl->hostfwd)
		nl->hostfwd--;
}

/**
 * nat_limits_hit() - count a refusal that no charge function saw
 * @nl:		accounting
 * @why:	reason
 */
void nat_limits_hit(struct nat_limits *nl, enum nat_limit_reason why)
{
	nl->hits[why]++;
}

/**
 * nat_census_begin() - forget libslirp's share before a new census
 * @nl:		accounting
 */
void nat_census_begin(struct nat_limits *nl)
{
	for (unsigned int i = 0; i < nl->n_guests; i++)
		memset(nl->guests[i].slirp, 0, sizeof(nl->guests[i].slirp));
	memset(nl->slirp, 0, sizeof(nl->slirp));
}

/**
 * nat_census_add() - one socket libslirp holds for the guest using @ip
 * @nl:		accounting
 * @ip:		the guest's address (network order) as libslirp shows it
 * @r:		kind of socket
 *
 * A socket of an address no entry has, and no room for, still counts in
 * the total.
 */
void nat_census_add(struct nat_limits *nl, uint32_t ip, enum nat_res r)
{
	struct nat_guest *g = NULL;

	for (unsigned int i = 0; i < nl->n_guests; i++) {
		struct nat_guest *e = &nl->guests[i];

		if (e->ip == ip && (!g || e->seen_ms > g->seen_ms))
			g = e;
	}
	if (!g)
		g = guest_new(nl, ip, NAT_PORT_ANY, 0);
	if (g)
		g->slirp[r]++;
	nl->slirp[r]++;
}

/**
 * guest_json() - one guest's usage
 * @g:		guest
 *
 * Return: JSON object
 */
static json_t *guest_json(const struct nat_guest *g)
{
	char ip[INET_ADDRSTRLEN];
	json_t *o;

	inet_ntop(AF_INET, &g->ip, ip, sizeof(ip));
	o = json_pack("{s:s}", "ip", g->ip ? ip : "(IPv6)");
	if (g->port != NAT_PORT_ANY)
		json_object_set_new(o, "port_index", json_integer(g->port));
	for (unsigned int r = 0; r < NAT_RES__MAX; r++)
		json_object_set_new(o, res_names[r],
				    json_integer(g->own[r] + g->slirp[r]));
	return o;
}

/**
 * nat_limits_json() - caps, usage and refusals for `vioctl port list`
 * @nl:		accounting
 *
 * Return: JSON object {"caps", "used", "refused", "guests"}
 */
json_t *nat_limits_json(const struct nat_limits *nl)
{
	const struct nat_caps *c = &nl->caps;
	json_t *refused = json_object(), *guests = json_array();

	for (unsigned int i = 0; i < NAT_LIMIT__MAX; i++)
		json_object_set_new(refused, nat_limit_reason_names[i],
				    json_integer((json_int_t)nl->hits[i]));
	for (unsigned int i = 0; i < nl->n_guests; i++) {
		if (!guest_idle(&nl->guests[i]))
			json_array_append_new(guests,
					      guest_json(&nl->guests[i]));
	}
	return json_pack(
		"{s:{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i},"
		"s:{s:i,s:i,s:i,s:i,s:i,s:i},s:o,s:o}",
		"caps", "udp_flows", c->total[NAT_RES_UDP], "udp_flows_guest",
		c->guest[NAT_RES_UDP], "tcp_conns", c->total[NAT_RES_TCP],
		"tcp_conns_guest", c->guest[NAT_RES_TCP], "hostfwd_conns",
		c->hostfwd, "hostfwd_conns_rule", c->hostfwd_rule,
		"udp_timeout", c->udp_timeout_s, "udp_timeout_replied",
		c->udp_timeout_replied_s, "used", "udp_flows",
		nl->own[NAT_RES_UDP] + nl->slirp[NAT_RES_UDP], "udp_own",
		nl->own[NAT_RES_UDP], "udp_slirp", nl->slirp[NAT_RES_UDP],
		"tcp_conns", nl->own[NAT_RES_TCP] + nl->slirp[NAT_RES_TCP],
		"tcp_slirp", nl->slirp[NAT_RES_TCP], "hostfwd_conns",
		nl->hostfwd, "refused", refused, "guests", guests);
}
