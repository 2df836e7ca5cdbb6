// SPDX-License-Identifier: BSD-3-Clause
/* config_lines.c - the running configuration as config lines: the values
 * of the runtime options, and the difference between two configurations
 *
 * Theory of operation
 * -------------------
 * The daemon describes what it runs as a struct cfg_model: one item per
 * port, hostfwd rule, static FDB entry and mirror, each with the option
 * value that sets it up ("netdev user,id=nat,...", "hostfwd nat,RULE",
 * "fdb MAC,PORT", "mirror ...") and the "OPT-del" value that removes it.
 * cfg_model_show() prints a model as a config file (`vioctl config show`:
 * hostfwd rules folded into their port's netdev line). cfg_model_diff()
 * prints what turns one model into another as config lines: first the
 * ports (a port whose spec changed is removed and added again, and what
 * lived on it goes with it), then for every other option its removals and
 * its additions. Applied after the command line, those lines give the
 * running switch again: that is the state file (state.c).
 */
#include "config_lines.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "feature.h"
#include "hostfwd.h"

/**
 * parse_mac() - a unicast MAC
 * @text:	"02:00:00:00:00:01"
 * @mac:	result
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int parse_mac(const char *text, struct rte_ether_addr *mac, char *err,
		     size_t errlen)
{
	if (rte_ether_unformat_addr(text, mac) ||
	    rte_is_multicast_ether_addr(mac) || rte_is_zero_ether_addr(mac)) {
		snprintf(err, errlen,
			 "'%s': expected a unicast MAC such as "
			 "02:00:00:00:00:01",
			 text);
		return -EINVAL;
	}
	return 0;
}

/**
 * format_mac() - a MAC as lowercase text
 * @mac:	MAC
 * @buf:	output, RTE_ETHER_ADDR_FMT_SIZE bytes
 */
static void format_mac(const struct rte_ether_addr *mac, char *buf)
{
	const uint8_t *b = mac->addr_bytes;

	snprintf(buf, RTE_ETHER_ADDR_FMT_SIZE, "%02x:%02x:%02x:%02x:%02x:%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5]);
}

/**
 * next_field() - copy the next comma-separated field of @p
 * @p:		cursor, moved past the field and its comma
 * @buf:	output
 * @len:	its size
 *
 * Return: 0, or -EINVAL when there is none or it does not fit
 */
static int next_field(const char **p, char *buf, size_t len)
{
	size_t n = strcspn(*p, ",");

	if (!**p || !n || n >= len)
		return -EINVAL;
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p += n + ((*p)[n] == ',');
	return 0;
}

/**
 * fdb_option() - parse one "vlan=N" or (with a port) "remote=IP" field
 * @text:	the whole value, for messages
 * @field:	the field
 * @with_port:	a `--fdb` value (remote= allowed)
 * @f:		result
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int fdb_option(const char *text, const char *field, bool with_port,
		      struct cfg_fdb *f, char *err, size_t errlen)
{
	char *end;
	long v;

	if (with_port && !strncmp(field, "remote=", 7) && field[7] &&
	    !f->remote[0] && strlen(field + 7) < sizeof(f->remote)) {
		snprintf(f->remote, sizeof(f->remote), "%s", field + 7);
		return 0;
	}
	if (strncmp(field, "vlan=", 5)) {
		snprintf(err, errlen, "'%s': expected %svlan=N after the %s",
			 text, with_port ? "remote=IP or " : "",
			 with_port ? "port" : "MAC");
		return -EINVAL;
	}
	v = strtol(field + 5, &end, 10);
	if (end == field + 5 || *end || v < 0 || v > 4094) {
		snprintf(err, errlen, "'%s': vlan= expects 0 to 4094", text);
		return -EINVAL;
	}
	f->vlan = (uint16_t)v;
	return 0;
}

/**
 * cfg_fdb_parse() - parse "MAC,PORT[,remote=IP][,vlan=N]" (or
 * "MAC[,vlan=N]")
 * @text:	the value
 * @with_port:	a PORT field comes after the MAC (`--fdb`, not `--fdb-del`)
 * @f:		result
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
int cfg_fdb_parse(const char *text, bool with_port, struct cfg_fdb *f,
		  char *err, size_t errlen)
{
	const char *p = text;
	char mac[32], field[64];
	unsigned int n = 0;

	memset(f, 0, sizeof(*f));
	if (next_field(&p, mac, sizeof(mac)) ||
	    (with_port && next_field(&p, f->port, sizeof(f->port)))) {
		snprintf(err, errlen, "'%s': expected MAC%s[,vlan=N]", text,
			 with_port ? ",PORT[,remote=IP]" : "");
		return -EINVAL;
	}
	if (parse_mac(mac, &f->mac, err, errlen))
		return -EINVAL;
	while (*p) {
		if (++n > (with_port ? 2u : 1u) ||
		    next_field(&p, field, sizeof(field))) {
			snprintf(err, errlen, "'%s': too many fields", text);
			return -EINVAL;
		}
		if (fdb_option(text, field, with_port, f, err, errlen))
			return -EINVAL;
	}
	return 0;
}

/**
 * cfg_fdb_text() - the canonical text cfg_fdb_parse() reads back
 * @f:		entry
 * @with_port:	include the port and remote (a `--fdb` value)
 * @buf:	output
 * @len:	its size
 */
void cfg_fdb_text(const struct cfg_fdb *f, bool with_port, char *buf,
		  size_t len)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE], vlan[16] = "", remote[64] = "";

	format_mac(&f->mac, mac);
	if (f->vlan)
		snprintf(vlan, sizeof(vlan), ",vlan=%u", f->vlan);
	if (with_port && f->remote[0])
		snprintf(remote, sizeof(remote), ",remote=%s", f->remote);
	snprintf(buf, len, "%s%s%s%s%s", mac, with_port ? "," : "",
		 with_port ? f->port : "", remote, vlan);
}

/**
 * cfg_pair_parse() - split "ID,REST" (`--hostfwd NAT,RULE`)
 * @text:	the value
 * @id:		the port id, PORT_ID_MAX bytes
 * @rest:	set to what follows the comma
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
int cfg_pair_parse(const char *text, char *id, const char **rest, char *err,
		   size_t errlen)
{
	const char *p = text;

	if (next_field(&p, id, PORT_ID_MAX) || !*p) {
		snprintf(err, errlen, "'%s': expected PORT,VALUE", text);
		return -EINVAL;
	}
	*rest = p;
	return 0;
}

/**
 * cfg_lease_parse() - parse "NAT,MAC,PORT,IP,EXPIRES"
 * @text:	the value
 * @l:		result
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
int cfg_lease_parse(const char *text, struct cfg_lease *l, char *err,
		    size_t errlen)
{
	char mac[32], ip[INET_ADDRSTRLEN], exp[24], *end;
	const char *p = text;

	memset(l, 0, sizeof(*l));
	if (next_field(&p, l->nat, sizeof(l->nat)) ||
	    next_field(&p, mac, sizeof(mac)) ||
	    next_field(&p, l->port, sizeof(l->port)) ||
	    next_field(&p, ip, sizeof(ip)) ||
	    next_field(&p, exp, sizeof(exp)) || *p) {
		snprintf(err, errlen, "'%s': expected NAT,MAC,PORT,IP,EXPIRES",
			 text);
		return -EINVAL;
	}
	if (parse_mac(mac, &l->mac, err, errlen))
		return -EINVAL;
	if (inet_pton(AF_INET, ip, &l->ip) != 1 || !l->ip) {
		snprintf(err, errlen, "'%s': not an IPv4 address", ip);
		return -EINVAL;
	}
	errno = 0;
	l->expires = strtoll(exp, &end, 10);
	if (errno || end == exp || *end || l->expires <= 0) {
		snprintf(err, errlen,
			 "'%s': expected the lease's end in seconds since "
			 "the epoch",
			 exp);
		return -EINVAL;
	}
	return 0;
}

/**
 * cfg_lease_text() - the text cfg_lease_parse() reads back
 * @l:		lease
 * @buf:	output
 * @len:	its size
 */
void cfg_lease_text(const struct cfg_lease *l, char *buf, size_t len)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE], ip[INET_ADDRSTRLEN];

	format_mac(&l->mac, mac);
	inet_ntop(AF_INET, &l->ip, ip, sizeof(ip));
	snprintf(buf, len, "%s,%s,%s,%s,%" PRId64, l->nat, mac, l->port, ip,
		 l->expires);
}

/**
 * cfg_spec_strip() - a port spec without its @key= pairs (the hostfwd
 * rules of a NAT, which the configuration holds as items of their own)
 * @spec:	"TYPE,id=ID,..."
 * @key:	key to leave out
 * @out:	result
 * @len:	its size
 *
 * Return: 0, or -ENOSPC
 */
int cfg_spec_strip(const char *spec, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key), off = 0;
	const char *p = spec;

	if (!len)
		return -ENOSPC;
	out[0] = '\0';
	while (*p) {
		size_t n = strcspn(p, ",");

		if (!(n > klen && !strncmp(p, key, klen) && p[klen] == '=')) {
			if (off + (off ? 1 : 0) + n >= len)
				return -ENOSPC;
			off += (size_t)snprintf(out + off, len - off, "%s%.*s",
						off ? "," : "", (int)n, p);
		}
		p += n + (p[n] == ',');
	}
	return 0;
}

/**
 * cfg_model_add() - append an item
 * @m:		model
 * @opt:	option
 * @key:	identity among the option's values
 * @value:	the option's value
 * @del:	the OPT-del value that removes it
 * @dep:	port it lives on, or NULL
 *
 * Return: 0, or -ENOMEM / -ENOSPC
 */
int cfg_model_add(struct cfg_model *m, const char *opt, const char *key,
		  const char *value, const char *del, const char *dep)
{
	struct cfg_item *it;

	if (m->n == CFG_MAX_ITEMS)
		return -ENOSPC;
	if (m->n == m->cap) {
		unsigned int cap = m->cap ? m->cap * 2 : 32;
		struct cfg_item *n = realloc(m->items, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		m->items = n;
		m->cap = cap;
	}
	it = &m->items[m->n];
	memset(it, 0, sizeof(*it));
	snprintf(it->opt, sizeof(it->opt), "%s", opt);
	snprintf(it->dep, sizeof(it->dep), "%s", dep ? dep : "");
	it->key = strdup(key);
	it->value = strdup(value);
	it->del = strdup(del);
	if (!it->key || !it->value || !it->del) {
		free(it->key);
		free(it->value);
		free(it->del);
		return -ENOMEM;
	}
	m->n++;
	return 0;
}

/**
 * cfg_model_free() - free a model's items; the model may be reused
 * @m:		model
 */
void cfg_model_free(struct cfg_model *m)
{
	for (unsigned int i = 0; i < m->n; i++) {
		free(m->items[i].key);
		free(m->items[i].value);
		free(m->items[i].del);
	}
	free(m->items);
	memset(m, 0, sizeof(*m));
}

/**
 * by_opt_key() - qsort order of item pointers: option, then key
 * @a:		struct cfg_item **
 * @b:		struct cfg_item **
 *
 * Return: <0, 0, >0
 */
static int by_opt_key(const void *a, const void *b)
{
	const struct cfg_item *x = *(const struct cfg_item *const *)a;
	const struct cfg_item *y = *(const struct cfg_item *const *)b;
	int c = strcmp(x->opt, y->opt);

	return c ? c : strcmp(x->key, y->key);
}

/**
 * sorted() - the items of @m whose option is (or is not) "netdev", in
 * option and key order, so that a listing does not depend on hash or
 * table order
 * @m:		model
 * @n:		set to how many
 *
 * Return: array of pointers (free it), or NULL when empty or out of memory
 */
static const struct cfg_item **sorted(const struct cfg_model *m,
				      unsigned int *n)
{
	const struct cfg_item **v = calloc(m->n + 1, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (unsigned int i = 0; i < m->n; i++) {
		if (strcmp(m->items[i].opt, "netdev"))
			v[(*n)++] = &m->items[i];
	}
	qsort(v, *n, sizeof(*v), by_opt_key);
	return v;
}

/**
 * cfg_model_show() - print a model as a config file: every port as its
 * netdev line with its hostfwd rules, then the other items by option
 * @m:		model
 * @out:	stream
 */
void cfg_model_show(const struct cfg_model *m, FILE *out)
{
	unsigned int n;
	const struct cfg_item **v = sorted(m, &n);

	for (unsigned int i = 0; i < m->n; i++) {
		const struct cfg_item *it = &m->items[i];

		if (strcmp(it->opt, "netdev"))
			continue;
		fprintf(out, "netdev %s", it->value);
		for (unsigned int k = 0; v && k < n; k++) {
			const char *rule = strchr(v[k]->value, ',');

			if (!strcmp(v[k]->opt, "hostfwd") && rule &&
			    !strcmp(v[k]->dep, it->key))
				fprintf(out, ",hostfwd=%s", rule + 1);
		}
		fputc('\n', out);
	}
	for (unsigned int k = 0; v && k < n; k++) {
		if (strcmp(v[k]->opt, "hostfwd") || !v[k]->dep[0])
			fprintf(out, "%s %s\n", v[k]->opt, v[k]->value);
	}
	free(v);
}

/**
 * find() - the item of @m with @opt and @key
 * @m:		model
 * @opt:	option
 * @key:	key
 *
 * Return: item, or NULL
 */
static const struct cfg_item *find(const struct cfg_model *m, const char *opt,
				   const char *key)
{
	for (unsigned int i = 0; i < m->n; i++) {
		if (!strcmp(m->items[i].opt, opt) &&
		    !strcmp(m->items[i].key, key))
			return &m->items[i];
	}
	return NULL;
}

/**
 * port_renewed() - whether the diff removes port @id (and adds it again,
 * perhaps): what lived on it in @base is gone with it
 * @base:	model before
 * @cur:	model after
 * @id:		port id, "" for none
 *
 * Return: true when the port is removed
 */
static bool port_renewed(const struct cfg_model *base,
			 const struct cfg_model *cur, const char *id)
{
	const struct cfg_item *b, *c;

	if (!id[0] || !(b = find(base, "netdev", id)))
		return false;
	c = find(cur, "netdev", id);
	return !c || strcmp(b->value, c->value);
}

/**
 * same_in() - whether @m holds @it unchanged, on a port that stays
 * @m:		model
 * @it:		item
 * @base:	model before
 * @cur:	model after
 * @is_base:	@m is @base: its items on a removed port do not count
 *
 * Return: true when found
 */
static bool same_in(const struct cfg_model *m, const struct cfg_item *it,
		    const struct cfg_model *base, const struct cfg_model *cur,
		    bool is_base)
{
	const struct cfg_item *o = find(m, it->opt, it->key);

	if (!o || strcmp(o->value, it->value))
		return false;
	return !(is_base && port_renewed(base, cur, o->dep));
}

/**
 * cfg_model_diff() - print the config lines that turn @base into @cur
 * @base:	model before (the command line and config files)
 * @cur:	model after (the running switch)
 * @out:	stream
 */
void cfg_model_diff(const struct cfg_model *base, const struct cfg_model *cur,
		    FILE *out)
{
	unsigned int nb, nc;
	const struct cfg_item **b = sorted(base, &nb), **c = sorted(cur, &nc);

	for (unsigned int i = 0; i < base->n; i++) {
		const struct cfg_item *it = &base->items[i];

		if (!strcmp(it->opt, "netdev") &&
		    port_renewed(base, cur, it->key))
			fprintf(out, "netdev-del %s\n", it->del);
	}
	for (unsigned int i = 0; i < cur->n; i++) {
		const struct cfg_item *it = &cur->items[i];
		const struct cfg_item *was = find(base, "netdev", it->key);

		if (!strcmp(it->opt, "netdev") &&
		    (!was || strcmp(was->value, it->value)))
			fprintf(out, "netdev %s\n", it->value);
	}
	/* Both lists are sorted by option: removals of an option, then its
	 * additions, option by option. */
	for (unsigned int i = 0, k = 0; i < nb || k < nc;) {
		const char *opt =
			i < nb && (k == nc || strcmp(b[i]->opt, c[k]->opt) <= 0)
				? b[i]->opt
				: c[k]->opt;

		for (; i < nb && !strcmp(b[i]->opt, opt); i++) {
			if (!port_renewed(base, cur, b[i]->dep) &&
			    !same_in(cur, b[i], base, cur, false))
				fprintf(out, "%s-del %s\n", opt, b[i]->del);
		}
		for (; k < nc && !strcmp(c[k]->opt, opt); k++) {
			if (!same_in(base, c[k], base, cur, true))
				fprintf(out, "%s %s\n", opt, c[k]->value);
		}
	}
	free(b);
	free(c);
}

/**
 * cfg_feature_opt() - the feature whose option (or its -del form) is
 * @name
 * @name:	option
 * @del:	set when @name is the -del form
 *
 * Return: the feature, or NULL
 */
const struct ctl_feature *cfg_feature_opt(const char *name, bool *del)
{
	size_t n = strlen(name);

	CTL_FEATURE_FOREACH(f)
	{
		size_t k = f->option ? strlen(f->option) : 0;

		if (!f->config_add || strncmp(name, f->option, k))
			continue;
		*del = n == k + 4 && !strcmp(name + k, "-del");
		if (n == k || *del)
			return f;
	}
	return NULL;
}

/**
 * cfg_value_check() - check the syntax of a runtime option's value, as
 * the command line is parsed
 * @name:	option, without dashes
 * @value:	its value
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
int cfg_value_check(const char *name, const char *value, char *err,
		    size_t errlen)
{
	const struct ctl_feature *f;
	struct hostfwd_rule r;
	char nat[PORT_ID_MAX];
	struct cfg_lease l;
	struct cfg_fdb fdb;
	const char *rule;
	bool del;

	if (!strcmp(name, "nat-lease"))
		return cfg_lease_parse(value, &l, err, errlen);
	if (!strcmp(name, "fdb") || !strcmp(name, "fdb-del"))
		return cfg_fdb_parse(value, !name[3], &fdb, err, errlen);
	if ((f = cfg_feature_opt(name, &del)))
		return f->option_check
			       ? f->option_check(value, NULL, 0, err, errlen)
			       : 0;
	if (strcmp(name, "hostfwd") && strcmp(name, "hostfwd-del")) {
		snprintf(err, errlen, "not a runtime option");
		return -EINVAL;
	}
	if (cfg_pair_parse(value, nat, &rule, err, errlen))
		return -EINVAL;
	return name[7] ? hostfwd_parse_listen(rule, &r, err, errlen)
		       : hostfwd_parse(rule, &r, err, errlen);
}
