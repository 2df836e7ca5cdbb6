/* SPDX-License-Identifier: BSD-3-Clause */
/* netdev.h - parse `--netdev KIND,id=ID,key=value,...` port specifications */
#ifndef VIOSWITCH_NETDEV_H
#define VIOSWITCH_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"

#define NETDEV_MAX_KV	   64
#define NETDEV_SPEC_MAX	   4096
#define NETDEV_STORM_UNSET UINT32_MAX /* storm= not given */

/**
 * struct netdev_kv - one kind-specific key=value pair, in the given order
 * @key:	key, one of the kind's keys
 * @value:	value text, "" when the key was given without '='
 */
struct netdev_kv {
	const char *key;
	const char *value;
};

/**
 * struct netdev - a parsed port specification
 * @kind:	port kind
 * @id:		id= value
 * @vlan:	vlan= value, 0 when absent
 * @trunk:	trunk=on
 * @learn_limit: learn_limit= value, or the switch default
 * @storm:	storm= value in frames per second (0: off), or
 *		NETDEV_STORM_UNSET for the kind's default (port_alloc())
 * @kv:		kind-specific pairs (repeated keys kept, in order)
 * @n_kv:	pairs used
 * @buf:	private copy of the text that @kv points into
 */
struct netdev {
	const struct port_kind *kind;
	char id[PORT_ID_MAX];
	uint16_t vlan;
	bool trunk;
	uint32_t learn_limit;
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
