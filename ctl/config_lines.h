/* SPDX-License-Identifier: BSD-3-Clause */
/* config_lines.h - the running configuration as config lines: the values
 * of the runtime options, and the difference between two configurations
 */
#ifndef VIOSWITCH_CONFIG_LINES_H
#define VIOSWITCH_CONFIG_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>

#include "port.h"

#define CFG_MAX_ITEMS 65536 /* items in one configuration */

/**
 * struct cfg_fdb - a `--fdb MAC,PORT[,remote=IP][,vlan=N]` or
 * `--fdb-del MAC[,vlan=N]` value
 * @mac:	unicast MAC
 * @port:	port id ("" in a fdb-del value)
 * @remote:	the remote VTEP behind a vxlan port, "" when not given
 * @vlan:	VLAN, 0 when not given
 */
struct cfg_fdb {
	struct rte_ether_addr mac;
	char port[PORT_ID_MAX];
	char remote[48];
	uint16_t vlan;
};

/**
 * struct cfg_lease - a `--nat-lease NAT,MAC,PORT,IP,EXPIRES` value: a DHCP
 * lease of a NAT, kept in the state file
 * @nat:	the NAT port's id
 * @mac:	the client's MAC
 * @port:	the id of the port it asked on
 * @ip:		its address (network order)
 * @expires:	end of the lease, seconds since the epoch (wall clock, so
 *		the time the switch was down counts)
 */
struct cfg_lease {
	char nat[PORT_ID_MAX];
	struct rte_ether_addr mac;
	char port[PORT_ID_MAX];
	uint32_t ip;
	int64_t expires;
};

int cfg_fdb_parse(const char *text, bool with_port, struct cfg_fdb *f,
		  char *err, size_t errlen);
void cfg_fdb_text(const struct cfg_fdb *f, bool with_port, char *buf,
		  size_t len);
int cfg_pair_parse(const char *text, char *id, const char **rest, char *err,
		   size_t errlen);
int cfg_lease_parse(const char *text, struct cfg_lease *l, char *err,
		    size_t errlen);
void cfg_lease_text(const struct cfg_lease *l, char *buf, size_t len);
int cfg_spec_strip(const char *spec, const char *key, char *out, size_t len);

/**
 * struct cfg_item - one thing of the running configuration
 * @opt:	the option that sets it: "netdev", "hostfwd", "fdb", a
 *		feature's option
 * @key:	what identifies it among the option's values (a port id;
 *		a NAT id and listen address; a MAC and VLAN)
 * @value:	the option's value that sets it
 * @del:	the "OPT-del" value that removes it
 * @dep:	the port it lives on and ends with, or ""
 */
struct cfg_item {
	char opt[32];
	char *key;
	char *value;
	char *del;
	char dep[PORT_ID_MAX];
};

/**
 * struct cfg_model - a configuration: items in the order they apply
 * @items:	the items
 * @n:		how many
 * @cap:	room
 */
struct cfg_model {
	struct cfg_item *items;
	unsigned int n;
	unsigned int cap;
};

int cfg_model_add(struct cfg_model *m, const char *opt, const char *key,
		  const char *value, const char *del, const char *dep);
void cfg_model_free(struct cfg_model *m);
void cfg_model_show(const struct cfg_model *m, FILE *out);
void cfg_model_diff(const struct cfg_model *base, const struct cfg_model *cur,
		    FILE *out);

struct ctl_feature;
const struct ctl_feature *cfg_feature_opt(const char *name, bool *del);
int cfg_value_check(const char *name, const char *value, char *err,
		    size_t errlen);

#endif /* VIOSWITCH_CONFIG_LINES_H */
