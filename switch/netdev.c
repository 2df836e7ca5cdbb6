// SPDX-License-Identifier: BSD-3-Clause
/* netdev.c - parse `--netdev KIND,id=ID,key=value,...` port specifications
 *
 * The syntax is QEMU's -netdev: the kind first, then comma-separated
 * key=value pairs. Keys common to every kind (id, vlan, trunk, learn_limit,
 * ip, storm) are parsed here; every other pair is kept as text, in order, for
 * the port layer (port.c) to check against the kind's key list and for the
 * kind's open() to interpret. This file knows no port kind. Every error
 * names the offending text.
 */
#include "netdev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t netdev_default_learn_limit = 1024;

enum common_key {
	KEY_ID,
	KEY_VLAN,
	KEY_TRUNK,
	KEY_LEARN_LIMIT,
	KEY_IP,
	KEY_STORM,
	KEY__COMMON
};

static const char *const common_keys[] = {
	[KEY_ID] = "id",       [KEY_VLAN] = "vlan",
	[KEY_TRUNK] = "trunk", [KEY_LEARN_LIMIT] = "learn_limit",
	[KEY_IP] = "ip",       [KEY_STORM] = "storm",
};

/**
 * netdev_parse_u32() - parse a decimal number in [@min, @max]
 * @key:	key name, for the message
 * @text:	value text
 * @min:	smallest accepted
 * @max:	largest accepted
 * @out:	result
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message in @err
 */
int netdev_parse_u32(const char *key, const char *text, uint32_t min,
		     uint32_t max, uint32_t *out, char *err, size_t errlen)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*text < '0' || *text > '9')
		goto bad;
	v = strtoull(text, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	snprintf(err, errlen,
		 "%s=%s: expected a number from %" PRIu32 " to %" PRIu32, key,
		 text, min, max);
	return -EINVAL;
}

/**
 * netdev_parse_bool() - parse on/off (also yes/no, true/false, 1/0)
 * @key:	key name, for the message
 * @text:	value text; "" (key without value) means on
 * @out:	result
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message in @err
 */
int netdev_parse_bool(const char *key, const char *text, bool *out, char *err,
		      size_t errlen)
{
	static const char *const on[] = { "", "on", "yes", "true", "1" };
	static const char *const off[] = { "off", "no", "false", "0" };

	for (size_t i = 0; i < sizeof(on) / sizeof(*on); i++) {
		if (!strcmp(text, on[i])) {
			*out = true;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(off) / sizeof(*off); i++) {
		if (!strcmp(text, off[i])) {
			*out = false;
			return 0;
		}
	}
	snprintf(err, errlen, "%s=%s: expected on or off", key, text);
	return -EINVAL;
}

/**
 * id_valid() - is @id usable as a port id? Letters, digits, '-', '_', '.'
 * @id:		text
 *
 * Return: true if valid
 */
static bool id_valid(const char *id)
{
	if (!*id || strlen(id) >= NETDEV_ID_MAX)
		return false;
	for (const char *c = id; *c; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
		      *c == '.'))
			return false;
	}
	return true;
}

/**
 * parse_common() - interpret one of the keys every kind accepts
 * @nd:		specification being filled
 * @key:	enum common_key
 * @value:	value text
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message in @err
 */
static int parse_common(struct netdev *nd, int key, const char *value,
			char *err, size_t errlen)
{
	uint32_t v;

	switch (key) {
	case KEY_ID:
		if (!id_valid(value)) {
			snprintf(err, errlen,
				 "id=%s: expected 1 to %d letters, digits, "
				 "'-', '_' or '.'",
				 value, NETDEV_ID_MAX - 1);
			return -EINVAL;
		}
		snprintf(nd->id, sizeof(nd->id), "%s", value);
		return 0;
	case KEY_VLAN:
		if (netdev_parse_u32("vlan", value, 1, 4094, &v, err, errlen))
			return -EINVAL;
		nd->vlan = (uint16_t)v;
		return 0;
	case KEY_TRUNK:
		return netdev_parse_bool("trunk", value, &nd->trunk, err,
					 errlen);
	case KEY_LEARN_LIMIT:
		if (netdev_parse_u32("learn_limit", value, 0, 1u << 20, &v, err,
				     errlen))
			return -EINVAL;
		nd->learn_limit = v;
		return 0;
	case KEY_IP:
		if (inet_pton(AF_INET, value, &nd->ip4) != 1 || !nd->ip4) {
			snprintf(err, errlen,
				 "ip=%s: expected the guest's IPv4 address",
				 value);
			return -EINVAL;
		}
		return 0;
	case KEY_STORM:
		if (!strcmp(value, "off")) {
			nd->storm = 0;
			return 0;
		}
		if (netdev_parse_u32("storm", value, 0, NETDEV_STORM_MAX, &v,
				     err, errlen)) {
			snprintf(err, errlen,
				 "storm=%s: expected off or frames per second "
				 "from 0 (off) to %u",
				 value, NETDEV_STORM_MAX);
			return -EINVAL;
		}
		nd->storm = v;
		return 0;
	}
	return -EINVAL;
}

/**
 * netdev_parse() - parse a port specification
 * @spec:	"KIND,id=ID,key=value,..."
 * @nd:		result: the kind's name, the common keys, the other pairs;
 *		@nd->id is empty when id= was not given
 * @err:	message buffer, names the offending text on error
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message in @err
 */
int netdev_parse(const char *spec, struct netdev *nd, char *err, size_t errlen)
{
	char *tokens[KEY__COMMON + 1];
	char *opts, *kind, *value;

	memset(nd, 0, sizeof(*nd));
	nd->learn_limit = netdev_default_learn_limit;
	nd->storm = NETDEV_STORM_UNSET;
	if (strlen(spec) >= sizeof(nd->buf)) {
		snprintf(err, errlen,
			 "netdev specification longer than %zu "
			 "bytes",
			 sizeof(nd->buf) - 1);
		return -EINVAL;
	}
	strcpy(nd->buf, spec);
	opts = nd->buf;
	kind = strsep(&opts, ",");
	if (strlen(kind) >= sizeof(nd->kind)) {
		snprintf(err, errlen, "'%s': unknown netdev type", kind);
		return -EINVAL;
	}
	snprintf(nd->kind, sizeof(nd->kind), "%s", kind);
	for (unsigned int i = 0; i < KEY__COMMON; i++)
		tokens[i] = (char *)common_keys[i];
	tokens[KEY__COMMON] = NULL;
	while (opts && *opts) {
		int k = getsubopt(&opts, tokens, &value);

		if (k >= 0) {
			if (parse_common(nd, k, value ? value : "", err,
					 errlen))
				return -EINVAL;
			continue;
		}
		if (nd->n_kv == NETDEV_MAX_KV) {
			snprintf(err, errlen, "more than %d keys",
				 NETDEV_MAX_KV);
			return -EINVAL;
		}
		/* Not a common key: getsubopt() left "key[=value]". */
		nd->kv[nd->n_kv].key = value;
		nd->kv[nd->n_kv].value = "";
		nd->kv[nd->n_kv].has_value = false;
		if ((value = strchr(value, '='))) {
			*value++ = '\0';
			nd->kv[nd->n_kv].value = value;
			nd->kv[nd->n_kv].has_value = true;
		}
		nd->n_kv++;
	}
	return 0;
}

/**
 * netdev_get() - the last value given for @key
 * @nd:		parsed specification
 * @key:	kind-specific key
 *
 * Return: value text, or NULL if absent
 */
const char *netdev_get(const struct netdev *nd, const char *key)
{
	const char *v = NULL;

	for (unsigned int i = 0; i < nd->n_kv; i++) {
		if (!strcmp(nd->kv[i].key, key))
			v = nd->kv[i].value;
	}
	return v;
}

/**
 * netdev_get_u32() - numeric value of @key, if given
 * @nd:		parsed specification
 * @key:	key
 * @min:	smallest accepted
 * @max:	largest accepted
 * @out:	result, untouched when absent
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message in @err
 */
int netdev_get_u32(const struct netdev *nd, const char *key, uint32_t min,
		   uint32_t max, uint32_t *out, char *err, size_t errlen)
{
	const char *v = netdev_get(nd, key);

	if (!v)
		return 0;
	return netdev_parse_u32(key, v, min, max, out, err, errlen);
}

/**
 * netdev_get_bool() - on/off value of @key, if given
 * @nd:		parsed specification
 * @key:	key
 * @out:	result, untouched when absent
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message in @err
 */
int netdev_get_bool(const struct netdev *nd, const char *key, bool *out,
		    char *err, size_t errlen)
{
	const char *v = netdev_get(nd, key);

	if (!v)
		return 0;
	return netdev_parse_bool(key, v, out, err, errlen);
}
