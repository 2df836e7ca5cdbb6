// SPDX-License-Identifier: BSD-3-Clause
/* vioctl_print.c - vioctl: print control replies as tables and text
 *
 * One printer per command. Each first checks every item of the result
 * against the members the protocol promises (json_unpack), then prints, so a
 * malformed reply fails whole instead of leaving half a table on stdout.
 * Table and field helpers are in vioctl_table.c.
 */
#include "vioctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/**
 * vioctl_print_version() - print "vioswitch VERSION (DPDK ...)"
 * @r:		reply to "version"
 *
 * Return: 0 or -EBADMSG
 */
int vioctl_print_version(struct vioctl_reply *r)
{
	const char *version, *dpdk;
	json_error_t jerr;

	if (json_unpack_ex(r->result, &jerr, 0, "{s:s, s:s}", "version",
			   &version, "dpdk", &dpdk))
		return vioctl_bad(r, "%s", jerr.text);
	printf("vioswitch %s (%s%s)\n", version,
	       strncmp(dpdk, "DPDK", 4) ? "DPDK " : "", dpdk);
	return 0;
}

/**
 * vioctl_print_config() - print the running configuration, as a config
 * file (`vioctl config show > switch.conf`)
 * @r:		reply to "config-show"
 *
 * Return: 0 or -EBADMSG
 */
int vioctl_print_config(struct vioctl_reply *r)
{
	const char *config;
	json_error_t jerr;

	if (json_unpack_ex(r->result, &jerr, 0, "{s:s}", "config", &config))
		return vioctl_bad(r, "%s", jerr.text);
	fputs(config, stdout);
	return 0;
}

/**
 * struct port_row - the common members of a port object
 * @id:		port ID
 * @type:	port kind
 * @rxq:	receive queues
 * @txq:	transmit queues
 * @vlan:	access VLAN, or native VLAN of a trunk (0: untagged)
 * @trunk:	whether the port carries tagged frames
 * @learned:	MACs now learned on the port
 */
struct port_row {
	const char *id;
	const char *type;
	json_int_t rxq;
	json_int_t txq;
	json_int_t vlan;
	int trunk;
	json_int_t learned;
};

/**
 * port_unpack() - read the common members of a port object
 * @item:	port object
 * @out:	struct port_row to fill
 * @jerr:	filled on failure
 *
 * Return: 0, or -1 if a member is missing or of the wrong type
 */
static int port_unpack(json_t *item, void *out, json_error_t *jerr)
{
	struct port_row *p = out;

	return json_unpack_ex(item, jerr, 0,
			      "{s:s, s:s, s:I, s:I, s:I, s:b, s:I}", "id",
			      &p->id, "type", &p->type, "rx_queues", &p->rxq,
			      "tx_queues", &p->txq, "vlan", &p->vlan, "trunk",
			      &p->trunk, "learned", &p->learned);
}

/**
 * port_key_common() - tell a member every port has from a kind's own
 * @key:	member name
 *
 * Return: true for the members every port object has
 */
static bool port_key_common(const char *key)
{
	static const char *const common[] = {
		"id",	"type",	 "index",	"rx_queues", "tx_queues",
		"vlan", "trunk", "learn_limit", "learned",
	};

	for (size_t i = 0; i < sizeof(common) / sizeof(*common); i++)
		if (!strcmp(key, common[i]))
			return true;
	return false;
}

/**
 * value_print() - print a JSON value as the right side of key=value
 * @f:		output
 * @v:		value: strings bare, null as "none", others as JSON
 */
static void value_print(FILE *f, json_t *v)
{
	if (json_is_string(v))
		fputs(json_string_value(v), f);
	else if (json_is_null(v))
		fputs("none", f);
	else
		json_dumpf(v, f, JSON_COMPACT | JSON_ENCODE_ANY);
}

/**
 * port_details() - format the kind-specific members of a port
 * @port:	port object
 *
 * Return: "key=value ..." for the caller to free, or NULL
 */
static char *port_details(json_t *port)
{
	const char *key, *sep = "";
	unsigned int n_objects = 0;
	char *text = NULL;
	size_t len;
	void *it;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	for (it = json_object_iter(port); it;
	     it = json_object_iter_next(port, it)) {
		key = json_object_iter_key(it);
		if (port_key_common(key))
			continue;
		/* Statistics objects (the NAT's flows, caps, bindings) fill
		 * a screen each: they are for --json and `vioctl stats`. */
		if (json_is_object(json_object_iter_value(it))) {
			n_objects++;
			continue;
		}
		fprintf(f, "%s%s=", sep, key);
		value_print(f, json_object_iter_value(it));
		sep = " ";
	}
	if (n_objects)
		fprintf(f, "%s(+%u more with --json)", sep, n_objects);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/**
 * port_vlan_text() - describe the VLAN setting of a port
 * @p:		port
 * @buf:	"trunk", "trunk(native N)" or "access N"
 * @len:	size of @buf
 */
static void port_vlan_text(const struct port_row *p, char *buf, size_t len)
{
	if (p->trunk && p->vlan)
		snprintf(buf, len, "trunk(native %" JSON_INTEGER_FORMAT ")",
			 p->vlan);
	else if (p->trunk)
		snprintf(buf, len, "trunk");
	else
		snprintf(buf, len, "access %" JSON_INTEGER_FORMAT, p->vlan);
}

/**
 * port_table_row() - add the row of one port to the port table
 * @t:		table
 * @port:	port object, already checked by port_unpack()
 *
 * Return: 0 or -ENOMEM
 */
static int port_table_row(struct vioctl_table *t, json_t *port)
{
	char vlan[32], queues[48], learned[24];
	const char *cells[6];
	struct port_row p;
	json_error_t jerr;
	char *details;
	int rc;

	port_unpack(port, &p, &jerr);
	details = port_details(port);
	if (!details)
		return -ENOMEM;
	port_vlan_text(&p, vlan, sizeof(vlan));
	snprintf(queues, sizeof(queues),
		 "%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT, p.rxq,
		 p.txq);
	snprintf(learned, sizeof(learned), "%" JSON_INTEGER_FORMAT, p.learned);
	cells[0] = p.id;
	cells[1] = p.type;
	cells[2] = vlan;
	cells[3] = queues;
	cells[4] = learned;
	cells[5] = details;
	rc = vioctl_table_row(t, cells);
	free(details);
	return rc;
}

/**
 * vioctl_print_ports() - print the port table
 * @r:		reply to "port-list"
 *
 * QUEUES shows receive/transmit queues; DETAILS the kind's own members.
 *
 * Return: 0, -EBADMSG or -ENOMEM
 */
int vioctl_print_ports(struct vioctl_reply *r)
{
	static const char *const head[] = {
		"ID", "TYPE", "VLAN", "QUEUES", "LEARNED", "DETAILS",
	};
	struct port_row scratch;
	struct vioctl_table t;
	int rc;

	rc = vioctl_items_check(r, port_unpack, &scratch);
	if (rc)
		return rc;
	rc = vioctl_table_init(&t, 6, head);
	for (size_t i = 0; !rc && i < json_array_size(r->result); i++)
		rc = port_table_row(&t, json_array_get(r->result, i));
	if (!rc)
		vioctl_table_print(&t);
	vioctl_table_free(&t);
	return rc;
}

/**
 * vioctl_print_port_added() - print "added port ID"
 * @r:		reply to "port-add"
 *
 * Return: 0 or -EBADMSG
 */
int vioctl_print_port_added(struct vioctl_reply *r)
{
	json_error_t jerr;
	const char *id;

	if (json_unpack_ex(r->result, &jerr, 0, "{s:s}", "id", &id))
		return vioctl_bad(r, "%s", jerr.text);
	printf("added port %s\n", id);
	return 0;
}

/**
 * vioctl_print_port_removed() - print "removed port ID"
 * @r:		reply to "port-del"; the ID is the one requested
 *
 * Return: 0 or -EBADMSG
 */
int vioctl_print_port_removed(struct vioctl_reply *r)
{
	if (!json_is_object(r->result))
		return vioctl_bad(r, "result is not an object");
	printf("removed port %s\n",
	       json_string_value(json_object_get(r->req, "id")));
	return 0;
}

/**
 * struct fdb_row - one FDB entry
 * @mac:	MAC address
 * @port:	port ID
 * @vlan:	VLAN ID
 * @age:	seconds since the MAC was last seen
 * @is_static:	entry added by hand, never aged
 * @remote:	the remote VTEP behind the port (a vxlan port), or NULL
 */
struct fdb_row {
	const char *mac;
	const char *port;
	const char *remote;
	json_int_t vlan;
	json_int_t age;
	int is_static;
};

/**
 * fdb_unpack() - read one FDB entry object
 * @item:	entry object
 * @out:	struct fdb_row to fill
 * @jerr:	filled on failure
 *
 * Return: 0, or -1 if a member is missing or of the wrong type
 */
static int fdb_unpack(json_t *item, void *out, json_error_t *jerr)
{
	struct fdb_row *e = out;

	e->remote = NULL;
	return json_unpack_ex(item, jerr, 0, "{s:s, s:I, s:s, s:I, s:b, s?s}",
			      "mac", &e->mac, "vlan", &e->vlan, "port",
			      &e->port, "age", &e->age, "static", &e->is_static,
			      "remote", &e->remote);
}

/**
 * fdb_cmp() - order FDB entries by port (p2 before p10), MAC, VLAN
 * @a:		struct fdb_row
 * @b:		struct fdb_row
 *
 * Return: negative, 0 or positive, as for qsort()
 */
static int fdb_cmp(const void *a, const void *b)
{
	const struct fdb_row *x = a, *y = b;
	int rc = strverscmp(x->port, y->port);

	if (!rc)
		rc = strcasecmp(x->mac, y->mac);
	if (!rc)
		rc = (x->vlan > y->vlan) - (x->vlan < y->vlan);
	return rc;
}

/**
 * fdb_table_row() - add the row of one entry to the FDB table
 * @t:		table
 * @e:		entry
 *
 * Return: 0 or -ENOMEM
 */
static int fdb_table_row(struct vioctl_table *t, const struct fdb_row *e)
{
	char vlan[24], age[24];
	const char *cells[5] = { e->mac, vlan, e->port, age,
				 e->remote ? e->remote : "-" };

	snprintf(vlan, sizeof(vlan), "%" JSON_INTEGER_FORMAT, e->vlan);
	if (e->is_static)
		snprintf(age, sizeof(age), "static");
	else
		snprintf(age, sizeof(age), "%" JSON_INTEGER_FORMAT, e->age);
	return vioctl_table_row(t, cells);
}

/**
 * fdb_rows_print() - print sorted FDB entries as a table
 * @rows:	entries
 * @n:		number of @rows
 *
 * Return: 0 or -ENOMEM
 */
static int fdb_rows_print(struct fdb_row *rows, size_t n)
{
	static const char *const head[] = { "MAC", "VLAN", "PORT", "AGE",
					    "REMOTE" };
	struct vioctl_table t;
	int rc;

	qsort(rows, n, sizeof(*rows), fdb_cmp);
	rc = vioctl_table_init(&t, 5, head);
	for (size_t i = 0; !rc && i < n; i++)
		rc = fdb_table_row(&t, &rows[i]);
	if (!rc) {
		vioctl_table_print(&t);
		printf("%zu entries\n", n);
	}
	vioctl_table_free(&t);
	return rc;
}

/**
 * vioctl_print_fdb() - print the FDB, by port then MAC, and a count
 * @r:		reply to "fdb-show"
 *
 * Return: 0, -EBADMSG or -ENOMEM
 */
int vioctl_print_fdb(struct vioctl_reply *r)
{
	struct fdb_row scratch, *rows;
	json_error_t jerr;
	size_t n;
	int rc;

	rc = vioctl_items_check(r, fdb_unpack, &scratch);
	if (rc)
		return rc;
	n = json_array_size(r->result);
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		fdb_unpack(json_array_get(r->result, i), &rows[i], &jerr);
	rc = fdb_rows_print(rows, n);
	free(rows);
	return rc;
}

/**
 * vioctl_print_flushed() - print "flushed N entries"
 * @r:		reply to "fdb-flush"
 *
 * Return: 0 or -EBADMSG
 */
int vioctl_print_flushed(struct vioctl_reply *r)
{
	json_error_t jerr;
	json_int_t n;

	if (json_unpack_ex(r->result, &jerr, 0, "{s:I}", "flushed", &n))
		return vioctl_bad(r, "%s", jerr.text);
	printf("flushed %" JSON_INTEGER_FORMAT " entries\n", n);
	return 0;
}

/**
 * vioctl_print_hostfwd() - the hostfwd rules as a table
 * @r:		reply to "hostfwd-list": [{port, rule, listen, guest,
 *		bound_to (optional: the guest bound to the address), state
 *		(optional: listening, waiting, bind failed...)}]
 *
 * Return: 0, -EBADMSG or -ENOMEM
 */
int vioctl_print_hostfwd(struct vioctl_reply *r)
{
	static const char *const head[] = { "PORT",  "RULE",	 "LISTEN",
					    "GUEST", "BOUND TO", "STATE" };
	struct vioctl_table t;
	int rc;

	if (!json_is_array(r->result))
		return vioctl_bad(r, "result is not a list");
	if (vioctl_table_init(&t, 6, head))
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(r->result); i++) {
		const char *cells[6] = { [4] = "-", [5] = "-" };
		json_error_t jerr;

		if (json_unpack_ex(json_array_get(r->result, i), &jerr, 0,
				   "{s:s,s:s,s:s,s:s,s?s,s?s}", "port",
				   &cells[0], "rule", &cells[1], "listen",
				   &cells[2], "guest", &cells[3], "bound_to",
				   &cells[4], "state", &cells[5])) {
			vioctl_table_free(&t);
			return vioctl_bad(r, "item %zu: %s", i, jerr.text);
		}
		rc = vioctl_table_row(&t, cells);
		if (rc) {
			vioctl_table_free(&t);
			return rc;
		}
	}
	vioctl_table_print(&t);
	vioctl_table_free(&t);
	return 0;
}

/**
 * vioctl_print_ok() - print "ok" for commands that return nothing, and
 * a warning the switch gave on stderr
 * @r:		reply to "fdb-add" or "fdb-del"
 *
 * Return: 0 or -EBADMSG
 */
int vioctl_print_ok(struct vioctl_reply *r)
{
	const char *warn;

	if (!json_is_object(r->result))
		return vioctl_bad(r, "result is not an object");
	warn = json_string_value(json_object_get(r->result, "warning"));
	if (warn)
		fprintf(stderr, "vioctl: warning: %s\n", warn);
	puts("ok");
	return 0;
}

/**
 * struct stats_row - the counters of one port
 * @id:		port ID
 * @rx_packets:	frames received
 * @rx_bytes:	their bytes
 * @tx_packets:	frames sent
 * @tx_bytes:	their bytes
 * @forwarded:	received frames sent to one learned port
 * @flooded:	received frames sent to every other port of their VLAN
 * @drops:	object: count by drop reason
 * @fdb:	object: count by FDB event
 */
struct stats_row {
	const char *id;
	json_int_t rx_packets;
	json_int_t rx_bytes;
	json_int_t tx_packets;
	json_int_t tx_bytes;
	json_int_t forwarded;
	json_int_t flooded;
	json_t *drops;
	json_t *fdb;
};

/**
 * counts_check() - check an object of named counts
 * @obj:	object whose every member must be an integer
 * @name:	its member name, for the message
 * @jerr:	filled on failure
 *
 * Return: 0, or -1 if @obj is not an object of integers
 */
static int counts_check(json_t *obj, const char *name, json_error_t *jerr)
{
	void *it;

	if (!json_is_object(obj))
		goto bad;
	for (it = json_object_iter(obj); it;
	     it = json_object_iter_next(obj, it)) {
		if (!json_is_integer(json_object_iter_value(it)))
			goto bad;
	}
	return 0;
bad:
	snprintf(jerr->text, sizeof(jerr->text),
		 "\"%s\" is not an object of counts", name);
	return -1;
}

/**
 * stats_unpack() - read one port stats object
 * @item:	port stats object
 * @out:	struct stats_row to fill
 * @jerr:	filled on failure
 *
 * Return: 0, or -1 if a member is missing or of the wrong type
 */
static int stats_unpack(json_t *item, void *out, json_error_t *jerr)
{
	struct stats_row *s = out;

	if (json_unpack_ex(item, jerr, 0,
			   "{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
			   "id", &s->id, "rx_packets", &s->rx_packets,
			   "rx_bytes", &s->rx_bytes, "tx_packets",
			   &s->tx_packets, "tx_bytes", &s->tx_bytes,
			   "forwarded", &s->forwarded, "flooded", &s->flooded,
			   "drops", &s->drops, "fdb", &s->fdb))
		return -1;
	if (counts_check(s->drops, "drops", jerr) ||
	    counts_check(s->fdb, "fdb", jerr))
		return -1;
	return 0;
}

/**
 * counts_print() - print the nonzero counts of an object, or "none"
 * @label:	line label
 * @obj:	object of integer counts, checked by counts_check()
 */
static void counts_print(const char *label, json_t *obj)
{
	char line[1024] = "none";
	const char *sep = "";
	size_t len = 0;
	json_int_t n;
	void *it;

	for (it = json_object_iter(obj); it;
	     it = json_object_iter_next(obj, it)) {
		n = json_integer_value(json_object_iter_value(it));
		if (!n || len >= sizeof(line))
			continue;
		len += snprintf(line + len, sizeof(line) - len,
				"%s%s %" JSON_INTEGER_FORMAT, sep,
				json_object_iter_key(it), n);
		sep = ", ";
	}
	vioctl_field(label, "%s", line);
}

/**
 * traffic_print() - print a "label: N packets, M bytes" line
 * @label:	"rx" or "tx"
 * @packets:	packet count
 * @bytes:	byte count
 */
static void traffic_print(const char *label, json_int_t packets,
			  json_int_t bytes)
{
	vioctl_field(label,
		     "%" JSON_INTEGER_FORMAT " packets, %" JSON_INTEGER_FORMAT
		     " bytes",
		     packets, bytes);
}

/**
 * stats_block_print() - print the counters of one port
 * @s:		counters
 */
static void stats_block_print(const struct stats_row *s)
{
	printf("port %s\n", s->id);
	traffic_print("rx", s->rx_packets, s->rx_bytes);
	traffic_print("tx", s->tx_packets, s->tx_bytes);
	vioctl_field("forwarded", "%" JSON_INTEGER_FORMAT, s->forwarded);
	vioctl_field("flooded", "%" JSON_INTEGER_FORMAT, s->flooded);
	counts_print("drops", s->drops);
	counts_print("fdb events", s->fdb);
}

/**
 * vioctl_print_stats() - print one block of counters per port
 * @r:		reply to "stats"
 *
 * Drop reasons and FDB events are listed only when nonzero. A result
 * in another format (an object with a "text") is printed as it is.
 *
 * Return: 0 or -EBADMSG
 */
int vioctl_print_stats(struct vioctl_reply *r)
{
	const char *text =
		json_string_value(json_object_get(r->result, "text"));
	struct stats_row s;
	json_error_t jerr;
	int rc;

	if (json_is_object(r->result)) {
		/* --format prometheus: the switch rendered it (ctl/metrics.c) */
		if (!text)
			return vioctl_bad(r, "no \"text\" in the result");
		fputs(text, stdout);
		return 0;
	}
	rc = vioctl_items_check(r, stats_unpack, &s);
	if (rc)
		return rc;
	for (size_t i = 0; i < json_array_size(r->result); i++) {
		stats_unpack(json_array_get(r->result, i), &s, &jerr);
		if (i)
			putchar('\n');
		stats_block_print(&s);
	}
	return 0;
}

/**
 * struct pmd_row - the counters of one PMD thread
 * @pmd:	PMD index
 * @cpu:	CPU it runs on
 * @rxqs:	list of {"port", "queue"} it polls
 * @rx:		packets received
 * @tx:		packets sent
 * @iterations:	polling loop iterations
 * @busy:	TSC cycles of iterations that received packets
 * @idle:	TSC cycles of the other iterations
 * @sleeps:	times it slept waiting for packets
 * @idle_poll_us: empty polling before its next sleep, -1 when not told
 * @cpp:	busy cycles per received packet
 */
struct pmd_row {
	json_int_t pmd;
	json_int_t cpu;
	json_t *rxqs;
	json_int_t rx;
	json_int_t tx;
	json_int_t iterations;
	json_int_t busy;
	json_int_t idle;
	json_int_t sleeps;
	json_int_t idle_poll_us;
	double cpp;
};

/**
 * rxqs_check() - check the list of receive queues of a PMD thread
 * @rxqs:	list of {"port": ID, "queue": N}
 * @jerr:	filled on failure
 *
 * Return: 0, or -1 on a malformed list
 */
static int rxqs_check(json_t *rxqs, json_error_t *jerr)
{
	const char *port;
	json_int_t queue;

	if (!json_is_array(rxqs)) {
		snprintf(jerr->text, sizeof(jerr->text),
			 "\"rxqs\" is not a list");
		return -1;
	}
	for (size_t i = 0; i < json_array_size(rxqs); i++) {
		if (json_unpack_ex(json_array_get(rxqs, i), jerr, 0,
				   "{s:s, s:I}", "port", &port, "queue",
				   &queue))
			return -1;
	}
	return 0;
}

/**
 * pmd_unpack() - read one PMD thread object
 * @item:	PMD thread object
 * @out:	struct pmd_row to fill
 * @jerr:	filled on failure
 *
 * Return: 0, or -1 if a member is missing or of the wrong type
 */
static int pmd_unpack(json_t *item, void *out, json_error_t *jerr)
{
	struct pmd_row *p = out;

	p->idle_poll_us = -1;
	if (json_unpack_ex(item, jerr, 0,
			   "{s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:F, "
			   "s?I}",
			   "pmd", &p->pmd, "cpu", &p->cpu, "rxqs", &p->rxqs,
			   "rx_packets", &p->rx, "tx_packets", &p->tx,
			   "iterations", &p->iterations, "busy_cycles",
			   &p->busy, "idle_cycles", &p->idle, "sleeps",
			   &p->sleeps, "cycles_per_packet", &p->cpp,
			   "idle_poll_us", &p->idle_poll_us))
		return -1;
	return rxqs_check(p->rxqs, jerr);
}

/**
 * rxqs_print() - print the receive queues of a PMD thread as PORT/QUEUE
 * @rxqs:	list checked by rxqs_check()
 */
static void rxqs_print(json_t *rxqs)
{
	json_t *q;

	vioctl_field_label("rx queues");
	if (!json_array_size(rxqs))
		fputs("none", stdout);
	for (size_t i = 0; i < json_array_size(rxqs); i++) {
		q = json_array_get(rxqs, i);
		printf("%s%s/%" JSON_INTEGER_FORMAT, i ? " " : "",
		       json_string_value(json_object_get(q, "port")),
		       json_integer_value(json_object_get(q, "queue")));
	}
	putchar('\n');
}

/**
 * pmd_block_print() - print the counters of one PMD thread
 * @p:		counters
 */
static void pmd_block_print(const struct pmd_row *p)
{
	double total = (double)p->busy + (double)p->idle;

	printf("pmd %" JSON_INTEGER_FORMAT " (cpu %" JSON_INTEGER_FORMAT ")\n",
	       p->pmd, p->cpu);
	rxqs_print(p->rxqs);
	vioctl_field("rx", "%" JSON_INTEGER_FORMAT " packets", p->rx);
	vioctl_field("tx", "%" JSON_INTEGER_FORMAT " packets", p->tx);
	vioctl_field("iterations", "%" JSON_INTEGER_FORMAT, p->iterations);
	vioctl_field("sleeps", "%" JSON_INTEGER_FORMAT, p->sleeps);
	if (p->idle_poll_us >= 0)
		vioctl_field("idle poll", "%" JSON_INTEGER_FORMAT " us",
			     p->idle_poll_us);
	vioctl_field("busy", "%.1f%%",
		     total > 0 ? 100.0 * p->busy / total : 0.0);
	vioctl_field("cycles/pkt", "%.1f", p->cpp);
}

/**
 * vioctl_print_pmds() - print one block of counters per PMD thread
 * @r:		reply to "pmd-stats"
 *
 * Return: 0 or -EBADMSG
 */
int vioctl_print_pmds(struct vioctl_reply *r)
{
	struct pmd_row p;
	json_error_t jerr;
	int rc;

	rc = vioctl_items_check(r, pmd_unpack, &p);
	if (rc)
		return rc;
	for (size_t i = 0; i < json_array_size(r->result); i++) {
		pmd_unpack(json_array_get(r->result, i), &p, &jerr);
		if (i)
			putchar('\n');
		pmd_block_print(&p);
	}
	return 0;
}
