// SPDX-License-Identifier: BSD-3-Clause
/* ctl_cmds.c - the control commands: one handler per request "cmd"
 *
 * Every handler runs on the control thread, gets the request object and
 * returns the reply's "result", or NULL with a message for the error reply.
 * See doc/control-protocol.md for the requests and what they return.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_version.h>

#include "control.h"
#include "fdb.h"
#include "feature.h"
#include "port.h"
#include "sandbox.h"
#include "slirp_port.h"
#include "utf8.h"
#include "vlan.h"
#include "vswitch.h"

#define ERR_MAX CTL_ERR_MAX

/* What the control loop knows of the request being handled, or NULL. */
static struct ctl_request *request;

/**
 * req_string() - a string member of the request
 * @req:	request
 * @key:	member
 * @err:	message buffer (ERR_MAX) when missing
 *
 * Return: value, or NULL
 */
static const char *req_string(json_t *req, const char *key, char *err)
{
	const char *v = json_string_value(json_object_get(req, key));

	if (!v)
		snprintf(err, ERR_MAX, "'%s' (a string) is required", key);
	return v;
}

/**
 * req_key() - the FDB key named by the request's "mac" and "vlan"
 * @req:	request
 * @key:	result
 * @err:	message buffer
 *
 * Return: 0, or -EINVAL with a message
 */
static int req_key(json_t *req, struct fdb_key *key, char *err)
{
	const char *mac = req_string(req, "mac", err);
	json_t *vlan = json_object_get(req, "vlan");

	if (!mac)
		return -EINVAL;
	if (rte_ether_unformat_addr(mac, &key->mac) ||
	    rte_is_multicast_ether_addr(&key->mac)) {
		snprintf(err, ERR_MAX,
			 "'%s': expected a unicast MAC such as "
			 "02:00:00:00:00:01",
			 mac);
		return -EINVAL;
	}
	key->vlan = 0;
	if (vlan && (!json_is_integer(vlan) || json_integer_value(vlan) < 0 ||
		     json_integer_value(vlan) > 4094)) {
		snprintf(err, ERR_MAX, "'vlan': expected 0 to 4094");
		return -EINVAL;
	}
	if (vlan)
		key->vlan = (uint16_t)json_integer_value(vlan);
	return 0;
}

/**
 * cmd_version() - "version"
 */
static json_t *cmd_version(json_t *req, char *err)
{
	(void)req;
	(void)err;
	return json_pack("{s:s,s:s}", "version", VIOSWITCH_VERSION, "dpdk",
			 rte_version());
}

/**
 * cmd_port_list() - "port-list"
 */
static json_t *cmd_port_list(json_t *req, char *err)
{
	json_t *list = json_array();

	(void)req;
	(void)err;
	for (unsigned int i = 0; i < vsw.table->n; i++) {
		struct port *p = vsw.table->list[i];
		json_t *o = json_object();

		port_info_json(p, o);
		json_object_set_new(
			o, "learned",
			json_integer(fdb_port_learned(vsw.fdb, p->index)));
		json_array_append_new(list, o);
	}
	return list;
}

/**
 * cmd_port_add() - "port-add"
 */
static json_t *cmd_port_add(json_t *req, char *err)
{
	const char *spec = req_string(req, "netdev", err);
	struct port *port;
	char id[PORT_ID_MAX];

	if (!spec)
		return NULL;
	port = port_open(spec, err, ERR_MAX);
	if (!port)
		return NULL;
	snprintf(id, sizeof(id), "%s", port->id);
	if (vswitch_port_add(port, err, ERR_MAX))
		return NULL;
	sandbox_sweep(); /* threads a library started for the port */
	return json_pack("{s:s}", "id", id);
}

/**
 * cmd_port_del() - "port-del"
 */
static json_t *cmd_port_del(json_t *req, char *err)
{
	const char *id = req_string(req, "id", err);

	if (!id || vswitch_port_del(id, err, ERR_MAX))
		return NULL;
	return json_object();
}

/**
 * fdb_entry_json() - append one FDB entry to the list in @arg
 */
static void fdb_entry_json(const struct fdb_entry_info *e, void *arg)
{
	struct port *p = vsw.table->by_index[e->port];
	const uint8_t *b = e->key.mac.addr_bytes;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	char hop[64];
	json_t *o;

	if (!p)
		return;
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5]);
	o = json_pack("{s:s,s:i,s:s,s:i,s:b}", "mac", mac, "vlan", e->key.vlan,
		      "port", p->id, "age", (int)e->age, "static",
		      e->is_static);
	if (o && e->hop && p->hops && p->ops->hop_name) {
		p->ops->hop_name(p, e->hop, hop, sizeof(hop));
		json_object_set_new(o, "remote", json_string(hop));
	}
	json_array_append_new(arg, o);
}

/**
 * req_hop() - the next hop behind @p that the request's "remote" names
 * @req:	request
 * @p:		port
 * @hop:	result, 0 without "remote"
 * @err:	message buffer (ERR_MAX)
 *
 * Return: 0, or -1 with a message
 */
static int req_hop(json_t *req, struct port *p, uint32_t *hop, char *err)
{
	json_t *remote = json_object_get(req, "remote");

	*hop = 0;
	if (!remote)
		return 0;
	if (!json_is_string(remote)) {
		snprintf(err, ERR_MAX, "remote: expected a string");
		return -1;
	}
	if (!p->hops || !p->ops->hop_parse) {
		snprintf(err, ERR_MAX, "port %s has no remotes", p->id);
		return -1;
	}
	return p->ops->hop_parse(p, json_string_value(remote), hop, err,
				 ERR_MAX)
		       ? -1
		       : 0;
}

/**
 * cmd_fdb_show() - "fdb-show"
 */
static json_t *cmd_fdb_show(json_t *req, char *err)
{
	json_t *list = json_array();

	(void)req;
	(void)err;
	fdb_walk(vsw.fdb, fdb_clock(), fdb_entry_json, list);
	return list;
}

/**
 * cmd_fdb_flush() - "fdb-flush"
 */
static json_t *cmd_fdb_flush(json_t *req, char *err)
{
	json_t *port = json_object_get(req, "port");
	uint16_t index = FDB_PORT_NONE;

	if (port) {
		const char *id = json_string_value(port);
		struct port *p = id ? vswitch_port_find(id) : NULL;

		if (!p) {
			snprintf(err, ERR_MAX, "no port with id %s",
				 id ? id : "(not a string)");
			return NULL;
		}
		index = p->index;
	}
	return json_pack("{s:i}", "flushed",
			 (int)fdb_flush(vsw.fdb, index, false));
}

/**
 * cmd_fdb_add() - "fdb-add": a static entry
 */
static json_t *cmd_fdb_add(json_t *req, char *err)
{
	const char *id = req_string(req, "port", err);
	struct fdb_key key;
	struct port *p;
	uint32_t hop;

	if (!id || req_key(req, &key, err))
		return NULL;
	p = vswitch_port_find(id);
	if (!p) {
		snprintf(err, ERR_MAX, "no port with id %s", id);
		return NULL;
	}
	if (!vlan_member(p, key.vlan)) {
		snprintf(err, ERR_MAX, "port %s does not carry VLAN %u", id,
			 key.vlan);
		return NULL;
	}
	if (req_hop(req, p, &hop, err))
		return NULL;
	if (fdb_add_static(vsw.fdb, &key, p->index, hop)) {
		snprintf(err, ERR_MAX, "FDB full");
		return NULL;
	}
	return json_object();
}

/**
 * cmd_fdb_del() - "fdb-del"
 */
static json_t *cmd_fdb_del(json_t *req, char *err)
{
	struct fdb_key key;

	if (req_key(req, &key, err))
		return NULL;
	if (fdb_del(vsw.fdb, &key)) {
		snprintf(err, ERR_MAX, "no FDB entry for that MAC and VLAN");
		return NULL;
	}
	return json_object();
}

/**
 * port_stats_json() - a port's counters as the "stats" reply shows them
 * @p:		port
 *
 * Return: object
 */
static json_t *port_stats_json(const struct port *p)
{
	struct port_counters c;
	json_t *drops = json_object(), *fdb = json_object(),
	       *rxq = json_array(), *ofl = json_object();

	port_counters_sum(p, &c);
	for (uint16_t q = 0; q < p->n_rxq; q++)
		json_array_append_new(
			rxq, json_integer((json_int_t)p->rxq_packets[q]));
	for (unsigned int d = 0; d < DROP__MAX; d++)
		json_object_set_new(drops, drop_reason_names[d],
				    json_integer((json_int_t)c.drops[d]));
	for (unsigned int o = 0; o < OFFLOAD__MAX; o++)
		json_object_set_new(ofl, offload_path_names[o],
				    json_integer((json_int_t)c.offload[o]));
	for (unsigned int e = 0; e < FDB_EV__MAX; e++)
		json_object_set_new(fdb, fdb_event_names[e],
				    json_integer((json_int_t)c.fdb_events[e]));
	return json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:o}", "id",
			 p->id, "rx_packets", (json_int_t)c.rx_packets,
			 "rx_bytes", (json_int_t)c.rx_bytes, "tx_packets",
			 (json_int_t)c.tx_packets, "tx_bytes",
			 (json_int_t)c.tx_bytes, "forwarded",
			 (json_int_t)c.forwarded, "flooded",
			 (json_int_t)c.flooded, "drops", drops, "fdb", fdb,
			 "rx_queue_packets", rxq, "offload", ofl);
}

/* The text format of "stats" besides JSON, and what renders it: registered
 * by its file (ctl/metrics.c: "prometheus"), so this one names none. */
static const char *stats_format_name;
static char *(*stats_format_render)(size_t *len);

/**
 * ctl_stats_format_register() - offer a text rendering of the whole
 * switch's counters as "stats" with "format": @name (at program load)
 * @name:	the format's name
 * @render:	returns the text (free() it) and its length, or NULL with
 *		errno set; runs on the control thread
 */
void ctl_stats_format_register(const char *name, char *(*render)(size_t *len))
{
	stats_format_name = name;
	stats_format_render = render;
}

/**
 * stats_formatted() - "stats" with a "format" other than "json": the
 * counters of the whole switch as text (ctl_stats_format_register())
 * @req:	request
 * @format:	its "format"
 * @err:	message buffer
 *
 * Return: {"format": F, "text": T}, or NULL with a message
 */
static json_t *stats_formatted(json_t *req, json_t *format, char *err)
{
	json_t *result;
	size_t len;
	char *text;

	if (!stats_format_render || !json_is_string(format) ||
	    strcmp(json_string_value(format), stats_format_name)) {
		snprintf(err, ERR_MAX, "'format': expected \"json\"%s%s%s",
			 stats_format_render ? " or \"" : "",
			 stats_format_render ? stats_format_name : "",
			 stats_format_render ? "\"" : "");
		return NULL;
	}
	if (json_object_get(req, "id")) {
		snprintf(err, ERR_MAX,
			 "'format' \"%s\" covers every port: give no 'id'",
			 stats_format_name);
		return NULL;
	}
	text = stats_format_render(&len);
	if (!text) {
		snprintf(err, ERR_MAX, "%s: %s", stats_format_name,
			 strerror(errno));
		return NULL;
	}
	result = json_pack("{s:s,s:s%}", "format", stats_format_name, "text",
			   text, len);
	free(text);
	return result;
}

/**
 * cmd_stats() - "stats"
 */
static json_t *cmd_stats(json_t *req, char *err)
{
	json_t *id = json_object_get(req, "id");
	json_t *format = json_object_get(req, "format");
	json_t *list;

	if (format && !(json_is_string(format) &&
			!strcmp(json_string_value(format), "json")))
		return stats_formatted(req, format, err);
	list = json_array();
	if (id) {
		struct port *p =
			json_string_value(id)
				? vswitch_port_find(json_string_value(id))
				: NULL;

		if (!p) {
			json_decref(list);
			snprintf(err, ERR_MAX, "no port with id %s",
				 json_string_value(id) ?: "(not a string)");
			return NULL;
		}
		json_array_append_new(list, port_stats_json(p));
		return list;
	}
	for (unsigned int i = 0; i < vsw.table->n; i++)
		json_array_append_new(list,
				      port_stats_json(vsw.table->list[i]));
	return list;
}

/**
 * pmd_json() - one PMD thread's statistics
 * @pmd:	thread
 *
 * Return: object
 */
static json_t *pmd_json(const struct pmd *pmd)
{
	const struct pmd_stats *s = &pmd->st;
	const struct pmd_rxqs *r = pmd->rxqs;
	json_t *rxqs = json_array();
	uint64_t rx = s->rx_packets, busy = s->busy_cycles;

	for (unsigned int i = 0; r && i < r->n; i++)
		json_array_append_new(rxqs, json_pack("{s:s,s:i}", "port",
						      r->q[i].port->id, "queue",
						      r->q[i].queue));
	return json_pack(
		"{s:i,s:i,s:i,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:I}", "pmd",
		pmd->index, "lcore", (int)pmd->lcore, "cpu", pmd->cpu, "rxqs",
		rxqs, "rx_packets", (json_int_t)rx, "tx_packets",
		(json_int_t)s->tx_packets, "iterations",
		(json_int_t)s->iterations, "busy_cycles", (json_int_t)busy,
		"idle_cycles", (json_int_t)s->idle_cycles, "sleeps",
		(json_int_t)s->sleeps, "idle_poll_us",
		(json_int_t)pmd_idle_poll_us(pmd), "cycles_per_packet",
		rx ? (double)busy / (double)rx : 0.0, "tsc_hz",
		(json_int_t)rte_get_tsc_hz());
}

/**
 * cmd_pmd_stats() - "pmd-stats"
 */
static json_t *cmd_pmd_stats(json_t *req, char *err)
{
	json_t *list = json_array();

	(void)req;
	(void)err;
	for (unsigned int i = 0; i < vsw.n_pmds; i++)
		json_array_append_new(list, pmd_json(vsw.pmds[i]));
	return list;
}

/**
 * nat_port() - the NAT port a request names in "id"
 * @req:	request
 * @err:	message buffer
 *
 * Return: port, or NULL with a message
 */
static struct port *nat_port(json_t *req, char *err)
{
	const char *id = req_string(req, "id", err);
	struct port *p = id ? vswitch_port_find(id) : NULL;

	if (id && !p)
		snprintf(err, ERR_MAX, "no port with id %s", id);
	if (p && strcmp(p->kind->name, "user")) {
		snprintf(err, ERR_MAX, "port %s is not a user (NAT) port", id);
		p = NULL;
	}
	return p;
}

/**
 * nat_rows() - the rows of every NAT port, or of the one "id" names, each
 * with the port's id added under @key
 * @req:	request, with an optional "id"
 * @rows_of:	one NAT port's rows (a JSON array, a new reference)
 * @key:	member that names the NAT port in each row
 * @err:	message buffer
 *
 * Return: list, or NULL with a message ("id" names no NAT port)
 */
static json_t *nat_rows(json_t *req, json_t *(*rows_of)(struct port *),
			const char *key, char *err)
{
	struct port *only = NULL;
	json_t *list;

	if (json_object_get(req, "id") && !(only = nat_port(req, err)))
		return NULL;
	list = json_array();
	for (unsigned int i = 0; i < vsw.table->n; i++) {
		struct port *p = vsw.table->list[i];
		json_t *rows, *r;
		size_t k;

		if (strcmp(p->kind->name, "user") || (only && p != only))
			continue;
		rows = rows_of(p);
		json_array_foreach(rows, k, r)
		{
			json_object_set_new(r, key, json_string(p->id));
			json_array_append(list, r);
		}
		json_decref(rows);
	}
	return list;
}

/**
 * cmd_hostfwd_list() - "hostfwd-list": rules of one NAT port, or of all
 */
static json_t *cmd_hostfwd_list(json_t *req, char *err)
{
	return nat_rows(req, slirp_hostfwd_list, "port", err);
}

/**
 * cmd_hostfwd_add() - "hostfwd-add": bind a rule on a NAT port; the
 * result carries a "warning" when the rule names a port that does not
 * exist yet
 */
static json_t *cmd_hostfwd_add(json_t *req, char *err)
{
	struct port *p = nat_port(req, err);
	const char *rule = p ? req_string(req, "rule", err) : NULL;
	char warn[ERR_MAX];

	if (!rule || slirp_hostfwd_add(p, rule, warn, err, ERR_MAX))
		return NULL;
	if (warn[0])
		return json_pack("{s:s}", "warning", warn);
	return json_object();
}

/**
 * cmd_hostfwd_del() - "hostfwd-del": remove a rule of a NAT port
 */
static json_t *cmd_hostfwd_del(json_t *req, char *err)
{
	struct port *p = nat_port(req, err);
	const char *rule = p ? req_string(req, "rule", err) : NULL;

	if (!rule || slirp_hostfwd_del(p, rule, err, ERR_MAX))
		return NULL;
	return json_object();
}

/**
 * cmd_nat_leases() - "nat-leases": who holds which address behind one NAT
 * port, or behind all (slirp_nat_leases() builds each port's rows)
 */
static json_t *cmd_nat_leases(json_t *req, char *err)
{
	return nat_rows(req, slirp_nat_leases, "nat", err);
}

static const struct ctl_cmd commands[] = {
	{ "version", cmd_version, false },
	{ "port-list", cmd_port_list, false },
	{ "port-add", cmd_port_add, true },
	{ "port-del", cmd_port_del, true },
	{ "fdb-show", cmd_fdb_show, false },
	{ "fdb-flush", cmd_fdb_flush, false },
	{ "fdb-add", cmd_fdb_add, true },
	{ "fdb-del", cmd_fdb_del, true },
	{ "stats", cmd_stats, false },
	{ "pmd-stats", cmd_pmd_stats, false },
	{ "hostfwd-list", cmd_hostfwd_list, false },
	{ "hostfwd-add", cmd_hostfwd_add, true },
	{ "hostfwd-del", cmd_hostfwd_del, true },
	{ "nat-leases", cmd_nat_leases, false },
};

/**
 * dispatch() - run the handler a request names: one of ours, or one a
 * feature registered (feature.h)
 * @req:	request object
 * @err:	message buffer
 *
 * Return: result, or NULL with a message
 */
static json_t *dispatch(json_t *req, char *err)
{
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	const struct ctl_cmd *c = NULL;
	json_t *result;

	if (!cmd) {
		snprintf(err, ERR_MAX, "request has no \"cmd\" string");
		return NULL;
	}
	for (size_t i = 0; !c && i < sizeof(commands) / sizeof(*commands);
	     i++) {
		if (!strcmp(commands[i].name, cmd))
			c = &commands[i];
	}
	if (!c)
		c = ctl_feature_cmd(cmd);
	if (!c) {
		snprintf(err, ERR_MAX, "unknown command '%.*s'",
			 (int)utf8_cut(cmd, 64), cmd);
		return NULL;
	}
	result = c->fn(req, err);
	if (result && c->changes) {
		CTL_FEATURE_FOREACH(f)
		{
			if (f->changed)
				f->changed(c, req, result);
		}
	}
	return result;
}

/**
 * ctl_take_fd() - take the descriptor passed with the current request
 *
 * A descriptor is offered only when exactly one came with the request;
 * any others were closed (ctl_fds.c).
 *
 * Return: the descriptor, now owned by the caller; -ENOENT when none came,
 * -E2BIG when several came
 */
int ctl_take_fd(void)
{
	return request ? ctl_fds_take(&request->fds) : -ENOENT;
}

/**
 * ctl_peer_cred() - who sent the current request
 * @cred:	set to the client's pid, uid and gid (SO_PEERCRED, as of its
 *		connect())
 *
 * Return: 0, or -ENOENT outside a client's request (start-up, tests)
 */
int ctl_peer_cred(struct ucred *cred)
{
	if (!request || !request->has_cred)
		return -ENOENT;
	*cred = request->cred;
	return 0;
}

/**
 * error_json() - {"ok": false, "error": @err}, @err made valid UTF-8
 * first (cut on a character boundary, invalid bytes replaced), so that the
 * reply can always be encoded
 * @err:	message, modified
 *
 * Return: reply object, or NULL without memory
 */
static json_t *error_json(char *err)
{
	utf8_fix(err);
	return json_pack("{s:b,s:s}", "ok", 0, "error",
			 err[0] ? err : "failed");
}

/**
 * ctl_query() - run a control command that takes no argument, as a
 * client's request would (ctl/metrics.c reads the counters this way)
 * @cmd:	the command's name, e.g. "stats"
 *
 * Return: its result (a new reference), or NULL
 */
json_t *ctl_query(const char *cmd)
{
	json_t *req = json_pack("{s:s}", "cmd", cmd);
	char err[ERR_MAX];
	json_t *result;

	if (!req)
		return NULL;
	result = dispatch(req, err);
	json_decref(req);
	return result;
}

/**
 * ctl_handle() - answer one request line
 * @line:	request text (not NUL-terminated)
 * @len:	its length
 * @rq:		descriptors passed with the request and who sent it, or NULL;
 *		a handler that takes the descriptor leaves none in @rq, the
 *		caller closes the rest
 *
 * Return: reply object (NULL only without memory)
 */
json_t *ctl_handle(const char *line, size_t len, struct ctl_request *rq)
{
	char err[ERR_MAX] = "";
	json_error_t jerr;
	json_t *req, *result;

	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req || !json_is_object(req)) {
		if (req)
			snprintf(err, ERR_MAX, "request is not a JSON object");
		else
			snprintf(err, ERR_MAX, "bad JSON at column %d: %s",
				 jerr.column, jerr.text);
		json_decref(req);
		return error_json(err);
	}
	request = rq;
	result = dispatch(req, err);
	request = NULL;
	json_decref(req);
	if (!result)
		return error_json(err);
	return json_pack("{s:b,s:o}", "ok", 1, "result", result);
}
