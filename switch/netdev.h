/* SPDX-License-Identifier: BSD-3-Clause */
/* netdev.h - parse `--netdev KIND,id=ID,key=value,...` port specifications */
#ifndef VIOSWITCH_NETDEV_H
#define VIOSWITCH_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETDEV_MAX_KV	   64
#define NETDEV_SPEC_MAX	   4096
#define NETDEV_KIND_MAX	   32 /* bytes of a kind name, including NUL */
#define NETDEV_ID_MAX	   32 /* bytes of an id, including NUL */
#define NETDEV_STORM_UNSET UINT32_MAX /* storm= not given */
#define NETDEV_STORM_MAX   100000000u /* largest storm= */

/**
 * struct netdev_kv - one kind-specific key=value pair, in the given order
 * @key:	key, as given (port.c checks it against the kind's keys)
 * @value:	value text, "" when the key was given without '='
 * @has_value:	the key was given with '='
 */
struct netdev_kv {
	const char *key;
	const char *value;
	bool has_value;
};

/**
 * struct netdev - a parsed port specification
 * @kind:	port kind's name, as given
 * @id:		id= value
 * @vlan:	vlan= value, 0 when absent
 * @trunk:	trunk=on
 * @learn_limit: learn_limit= value, or the switch default
 * @ip4:	ip= value: the guest's static IPv4 address (network order),
 *		0 when absent
 * @storm:	storm= value in frames per second (0: off), or
 *		NETDEV_STORM_UNSET for the kind's default (port_alloc())
 * @kv:		kind-specific pairs (repeated keys kept, in order)
 * @n_kv:	pairs used
 * @buf:	private copy of the text that @kv points into
 */
struct netdev {
	char kind[NETDEV_KIND_MAX];
	char id[NETDEV_ID_MAX];
	uint16_t vlan;
	bool trunk;
	uint32_t learn_limit;
	uint32_t ip4;
	uint32_t storm;
	struct netdev_kv kv[NETDEV_MAX_KV];
	unsigned int n_kv;
	char buf[NETDEV_SPEC_MAX];
};

extern uint32_t netdev_default_learn_limit;

int netdev_parse(const char *spec, struct netdev *nd, char *err, size_t errlen);
const char *netdev_get(const struct netdev *nd, const char *key);
int netdev_get_u32(const struct netdev *nd, const char *key, uint32_t min,
		   uint32_t max, uint32_t *out, char *err, size_t errlen);
int netdev_get_bool(const struct netdev *nd, const char *key, bool *out,
		    char *err, size_t errlen);
int netdev_parse_u32(const char *key, const char *text, uint32_t min,
		     uint32_t max, uint32_t *out, char *err, size_t errlen);
int netdev_parse_bool(const char *key, const char *text, bool *out, char *err,
		      size_t errlen);

#endif /* VIOSWITCH_NETDEV_H */
