// SPDX-License-Identifier: BSD-3-Clause
/* metrics.c - the switch's counters in the Prometheus text format
 *
 * Theory of operation
 * -------------------
 * One place turns the counters into the Prometheus text exposition format
 * (version 0.0.4), for every reader: `vioctl stats --format prometheus`
 * (the "stats" request with "format": "prometheus") and the --metrics
 * HTTP endpoint (metrics_http.c). It runs on the control thread, and reads
 * what the control requests "stats", "port-list" and "pmd-stats" return
 * (ctl_query()), so a scrape and `vioctl --json stats` can never disagree
 * on a name or a value: this file only renames and labels.
 *
 * Every family is written whole - one HELP and one TYPE line, then its
 * samples for every port or PMD - as the format requires. Counters end in
 * _total; a drop is labelled by its reason, an FDB event by its name, an
 * offload path by its name, a receive queue by its number. NAT ports
 * (type "user") add the NAT's own counters and gauges from their
 * "port list" entry, named in port_metrics[] below. Features add their
 * own families through their @metrics hook (feature.h): the capture
 * feature its captures' and mirrors' counts. Label values (port ids
 * are the user's) are escaped as the format says: backslash, double quote
 * and newline.
 */
#include "metrics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_version.h>

#include "control.h"
#include "fdb.h"
#include "feature.h"
#include "vswitch.h"

/**
 * struct metrics_src - what one rendering reads, all from ctl_query()
 * @stats:	"stats": one object per port
 * @ports:	"port-list": one object per port, same order
 * @pmds:	"pmd-stats": one object per PMD thread
 */
struct metrics_src {
	json_t *stats;
	json_t *ports;
	json_t *pmds;
};

/**
 * label_escaped() - write a label value, escaped
 * @f:		output
 * @v:		value
 */
static void label_escaped(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

/**
 * family() - start a metric family: its HELP and TYPE lines
 * @f:		output
 * @name:	name without the vioswitch_ prefix
 * @type:	"counter" or "gauge"
 * @help:	one line of help, without backslashes or newlines
 */
static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP vioswitch_%s %s\n# TYPE vioswitch_%s %s\n", name,
		help, name, type);
}

/**
 * sample() - one sample line
 * @f:		output
 * @name:	family name without the vioswitch_ prefix
 * @labels:	NULL-terminated list of label names and values, in pairs
 * @v:		value (a JSON integer or real; anything else prints 0)
 */
static void sample(FILE *f, const char *name, const char *const *labels,
		   const json_t *v)
{
	fprintf(f, "vioswitch_%s", name);
	for (unsigned int i = 0; labels && labels[i]; i += 2) {
		fprintf(f, "%s%s=\"", i ? "," : "{", labels[i]);
		label_escaped(f, labels[i + 1]);
		fputc('"', f);
	}
	if (labels && labels[0])
		fputc('}', f);
	if (json_is_integer(v))
		fprintf(f, " %lld\n", (long long)json_integer_value(v));
	else if (json_is_real(v))
		fprintf(f, " %.17g\n", json_real_value(v));
	else
		fputs(" 0\n", f);
}

/**
 * json_path() - the member of @o at a dotted @path ("nat.dhcp")
 * @o:		object
 * @path:	member names separated by dots
 *
 * Return: the member, or NULL
 */
static json_t *json_path(json_t *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		o = json_object_get(o, key);
		path += n + (path[n] == '.');
	}
	return o;
}

/**
 * port_type() - a port's type, from its "port list" entry
 * @src:	inputs
 * @pos:	the port's position in the list it comes from (both lists
 *		follow the port table: it is the same in the other)
 * @id:		port id
 *
 * Return: the type ("vhost-user", "tap", "user", "pcap"), or ""
 */
static const char *port_type(const struct metrics_src *src, size_t pos,
			     const char *id)
{
	json_t *p = json_array_get(src->ports, pos);
	size_t i;

	if (!strcmp(json_string_value(json_object_get(p, "id")) ?: "", id))
		return json_string_value(json_object_get(p, "type")) ?: "";
	json_array_foreach(src->ports, i, p)
	{
		if (!strcmp(json_string_value(json_object_get(p, "id")) ?: "",
			    id))
			return json_string_value(json_object_get(p, "type"))
				       ?: "";
	}
	return "";
}

/**
 * struct port_metric - a family with one sample per port, or one per
 * member of an object of the port's entry
 * @key:	dotted path in the port's "stats" entry (@from_list false)
 *		or "port list" entry (true)
 * @name:	family name, without the vioswitch_ prefix
 * @counter:	a counter (else a gauge)
 * @label:	when @key is an object or array: the label that names
 *		each member (its key, or its index)
 * @help:	HELP text
 * @from_list:	@key is in the "port list" entry
 * @kind:	only ports of this type, or NULL for all
 */
struct port_metric {
	const char *key;
	const char *name;
	bool counter;
	const char *label;
	const char *help;
	bool from_list;
	const char *kind;
};

#define PM(k, n, l, h)                                                         \
	{                                                                      \
		k, n, true, l, h, false, NULL                                  \
	}
#define PG(k, n, h)                                                            \
	{                                                                      \
		k, n, false, NULL, h, true, NULL                               \
	}
#define NATC(k, n, l, h)                                                       \
	{                                                                      \
		k, n, true, l, h, true, "user"                                 \
	}
#define NATG(k, n, l, h)                                                       \
	{                                                                      \
		k, n, false, l, h, true, "user"                                \
	}

static const struct port_metric port_metrics[] = {
	PM("rx_packets", "port_rx_packets_total", NULL,
	   "Frames received from the port's peer, before any drop."),
	PM("rx_bytes", "port_rx_bytes_total", NULL,
	   "Bytes of the frames received."),
	PM("tx_packets", "port_tx_packets_total", NULL,
	   "Frames handed to the port's peer."),
	PM("tx_bytes", "port_tx_bytes_total", NULL,
	   "Bytes of the frames handed to the peer."),
	PM("forwarded", "port_forwarded_total", NULL,
	   "Received frames sent to one known port."),
	PM("flooded", "port_flooded_total", NULL,
	   "Received frames flooded to every other port of their VLAN."),
	PM("drops", "port_drops_total", "reason",
	   "Frames dropped, by reason, charged to the port that dropped "
	   "them."),
	PM("fdb", "port_fdb_events_total", "event",
	   "Learning events of source MACs seen on the port."),
	PM("offload", "port_offload_total", "path",
	   "Frames sent on the port, by offload adaptation path."),
	PM("rx_queue_packets", "port_rx_queue_packets_total", "queue",
	   "Frames received on each receive queue."),
	PG("learned", "port_learned_macs",
	   "MACs the FDB holds on the port now."),
	PG("rx_queues", "port_rx_queues", "Receive queues of the port."),
	PG("tx_queues", "port_tx_queues", "Transmit queues of the port."),
	NATG("hostfwd_rules", "nat_hostfwd_rules", NULL,
	     "hostfwd rules of the NAT."),
	NATG("nat_tcp.open", "nat_tcp_connections", NULL,
	     "hostfwd TCP connections open now."),
	NATG("nat_tcp.rx_rings", "nat_tcp_rx_rings", NULL,
	     "1 MB rings holding guest bytes their host socket did not take "
	     "yet."),
	NATC("nat_tcp.opened", "nat_tcp_opened_total", NULL,
	     "hostfwd TCP connections opened."),
	NATC("nat_tcp.accepted", "nat_tcp_accepted_total", NULL,
	     "hostfwd TCP connections accepted by the guest."),
	NATC("nat_tcp.refused", "nat_tcp_refused_total", NULL,
	     "hostfwd TCP connections the guest refused."),
	NATC("nat_tcp.reset", "nat_tcp_reset_total", NULL,
	     "hostfwd TCP connections reset."),
	NATC("nat_tcp.unreachable", "nat_tcp_unreachable_total", NULL,
	     "hostfwd TCP connections to an unreachable guest."),
	NATC("nat_tcp.retransmits", "nat_tcp_retransmits_total", NULL,
	     "hostfwd TCP segments retransmitted to the guest."),
	NATG("nat_udp.open", "nat_udp_flows", NULL, "UDP flows open now."),
	NATC("nat_udp.opened", "nat_udp_flows_opened_total", NULL,
	     "UDP flows opened."),
	NATC("nat_udp.expired", "nat_udp_flows_expired_total", NULL,
	     "UDP flows closed after their timeout."),
	NATC("nat_udp.evicted", "nat_udp_flows_evicted_total", NULL,
	     "UDP flows closed to make room for a new one."),
	NATC("nat_udp.to_host", "nat_udp_to_host_total", NULL,
	     "UDP datagrams sent from guests to the host's sockets."),
	NATC("nat_udp.to_guest", "nat_udp_to_guest_total", NULL,
	     "UDP datagrams received for guests."),
	NATC("nat_udp.send_errors", "nat_udp_send_errors_total", NULL,
	     "UDP datagrams the host's socket refused."),
	NATC("nat_udp.icmp_errors", "nat_udp_icmp_errors_total", NULL,
	     "ICMP errors relayed to guests for UDP flows."),
	NATC("nat_udp.malformed", "nat_udp_malformed_total", NULL,
	     "Guest UDP datagrams dropped as malformed."),
	NATC("nat_udp.bad_csum", "nat_udp_bad_csum_total", NULL,
	     "Guest UDP datagrams dropped for a wrong checksum."),
	NATC("nat_reass", "nat_reass_total", "event",
	     "IPv4 reassembly of guest fragments, by event."),
	NATG("limits.caps", "nat_limit", "limit",
	     "The NAT's caps: flows and connections, timeouts in seconds."),
	NATG("limits.used", "nat_used", "resource",
	     "Flows and connections the NAT holds now."),
	NATC("limits.refused", "nat_limit_hits_total", "reason",
	     "Flows or connections refused because a cap was reached."),
	NATG("nat.bindings", "nat_bindings", NULL,
	     "Guest address bindings (DHCP leases and learned addresses)."),
	NATC("nat.dhcp", "nat_dhcp_messages_total", "message",
	     "DHCP messages, by type."),
	NATC("nat.dhcp_refused", "nat_dhcp_refused_total", "reason",
	     "DHCP requests refused, by reason."),
	NATC("nat.ip_spoof", "nat_ip_spoof_total", NULL,
	     "Guest frames dropped: source address bound to another guest."),
	NATC("nat.learn_refused", "nat_learn_refused_total", NULL,
	     "Guest addresses not bound: a cap was reached."),
};

/**
 * port_samples() - the samples of one family for one port
 * @f:		output
 * @m:		family
 * @id:		port id
 * @type:	port type
 * @v:		the value at @m->key in the port's entry
 *
 * Return: samples written
 */
static unsigned int port_samples(FILE *f, const struct port_metric *m,
				 const char *id, const char *type, json_t *v)
{
	const char *labels[7] = { "port", id, "type", type, NULL };
	unsigned int n = 0;
	const char *key;
	char idx[24];
	json_t *e;
	size_t i;

	if (!m->label) {
		if (!json_is_number(v))
			return 0;
		sample(f, m->name, labels, v);
		return 1;
	}
	labels[4] = m->label;
	json_object_foreach(v, key, e)
	{
		if (!json_is_number(e))
			continue;
		labels[5] = key;
		sample(f, m->name, labels, e);
		n++;
	}
	json_array_foreach(v, i, e)
	{
		snprintf(idx, sizeof(idx), "%zu", i);
		labels[5] = idx;
		sample(f, m->name, labels, e);
		n++;
	}
	return n;
}

/**
 * port_family() - one family for every port that has it
 * @f:		output
 * @src:	inputs
 * @m:		family
 */
static void port_family(FILE *f, const struct metrics_src *src,
			const struct port_metric *m)
{
	json_t *list = m->from_list ? src->ports : src->stats;
	bool started = false;
	json_t *p;
	size_t i;

	json_array_foreach(list, i, p)
	{
		const char *id = json_string_value(json_object_get(p, "id"));
		const char *type = port_type(src, i, id ?: "");
		json_t *v = json_path(p, m->key);

		if (!id || !v || (m->kind && strcmp(type, m->kind)))
			continue;
		if (!started)
			family(f, m->name, m->counter ? "counter" : "gauge",
			       m->help);
		started = true;
		port_samples(f, m, id, type, v);
	}
}

/**
 * struct pmd_metric - a family with one sample per PMD thread
 * @key:	member of the thread's "pmd-stats" entry
 * @name:	family name, without the vioswitch_ prefix
 * @counter:	a counter (else a gauge)
 * @help:	HELP text
 */
struct pmd_metric {
	const char *key;
	const char *name;
	bool counter;
	const char *help;
};

static const struct pmd_metric pmd_metrics[] = {
	{ "rx_packets", "pmd_rx_packets_total", true,
	  "Frames the PMD thread received." },
	{ "tx_packets", "pmd_tx_packets_total", true,
	  "Frames output ports accepted from the PMD thread." },
	{ "iterations", "pmd_iterations_total", true, "Polling rounds." },
	{ "busy_cycles", "pmd_busy_cycles_total", true,
	  "TSC cycles of polls that received frames, with their switching "
	  "and sending." },
	{ "idle_cycles", "pmd_idle_cycles_total", true,
	  "TSC cycles of polls that received nothing, and the rest of the "
	  "loop." },
	{ "sleeps", "pmd_sleeps_total", true,
	  "Times the thread slept waiting for a wake-up." },
	{ "idle_poll_us", "pmd_idle_poll_microseconds", false,
	  "Empty polling before the thread's next sleep, in microseconds." },
	{ "rxqs", "pmd_rx_queues", false, "Receive queues the thread polls." },
};

/**
 * pmd_family() - one family for every PMD thread
 * @f:		output
 * @src:	inputs
 * @m:		family
 */
static void pmd_family(FILE *f, const struct metrics_src *src,
		       const struct pmd_metric *m)
{
	char pmd[16], lcore[16], cpu[16];
	const char *labels[] = { "pmd", pmd, "lcore", lcore, "cpu", cpu, NULL };
	json_t *p;
	size_t i;

	json_array_foreach(src->pmds, i, p)
	{
		json_t *v = json_object_get(p, m->key);
		json_t *n =
			json_is_array(v)
				? json_integer((json_int_t)json_array_size(v))
				: json_incref(v);

		if (!i)
			family(f, m->name, m->counter ? "counter" : "gauge",
			       m->help);
		snprintf(pmd, sizeof(pmd), "%lld",
			 (long long)json_integer_value(
				 json_object_get(p, "pmd")));
		snprintf(lcore, sizeof(lcore), "%lld",
			 (long long)json_integer_value(
				 json_object_get(p, "lcore")));
		snprintf(cpu, sizeof(cpu), "%lld",
			 (long long)json_integer_value(
				 json_object_get(p, "cpu")));
		sample(f, m->name, labels, n);
		json_decref(n);
	}
}

/**
 * switch_families() - the families of the switch as a whole
 * @f:		output
 * @src:	inputs
 */
static void switch_families(FILE *f, const struct metrics_src *src)
{
	const char *info[] = { "version", VIOSWITCH_VERSION, "dpdk",
			       rte_version(), NULL };
	json_t *v;

	family(f, "info", "gauge", "Version of the running switch.");
	v = json_integer(1);
	sample(f, "info", info, v);
	json_decref(v);
	family(f, "ports", "gauge", "Ports of the switch.");
	v = json_integer((json_int_t)json_array_size(src->ports));
	sample(f, "ports", NULL, v);
	json_decref(v);
	family(f, "fdb_entries", "gauge",
	       "FDB entries, learned and static, now.");
	v = json_integer((json_int_t)fdb_count(vsw.fdb));
	sample(f, "fdb_entries", NULL, v);
	json_decref(v);
	family(f, "fdb_capacity", "gauge", "FDB size (--fdb-size).");
	v = json_integer((json_int_t)vsw.cfg.fdb_size);
	sample(f, "fdb_capacity", NULL, v);
	json_decref(v);
	if (json_array_size(src->pmds)) {
		family(f, "tsc_hz", "gauge",
		       "TSC frequency: PMD cycles per second.");
		sample(f, "tsc_hz", NULL,
		       json_object_get(json_array_get(src->pmds, 0), "tsc_hz"));
	}
}

/**
 * name_valid() - may @s name a metric family?
 * @s:		name without the vioswitch_ prefix
 *
 * Return: true if it is made of letters, digits and '_'
 */
static bool name_valid(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	}
	return true;
}

/**
 * feature_family() - one family a feature gave (feature.h, @metrics)
 * @f:		output
 * @fam:	{"name", "type", "help", "samples": [{"labels", "value"}]}
 */
static void feature_family(FILE *f, json_t *fam)
{
	const char *name = json_string_value(json_object_get(fam, "name"));
	const char *type = json_string_value(json_object_get(fam, "type"));
	const char *help = json_string_value(json_object_get(fam, "help"));
	json_t *samples = json_object_get(fam, "samples"), *s;
	const char *labels[2 * 8 + 1];
	size_t i;

	if (!name_valid(name) || !type ||
	    (strcmp(type, "counter") && strcmp(type, "gauge")) ||
	    !json_array_size(samples))
		return;
	family(f, name, type, help && !strpbrk(help, "\\\n") ? help : name);
	json_array_foreach(samples, i, s)
	{
		unsigned int n = 0;
		const char *key;
		json_t *v;

		json_object_foreach(json_object_get(s, "labels"), key, v)
		{
			if (n + 2 >= RTE_DIM(labels) || !name_valid(key) ||
			    !json_is_string(v))
				continue;
			labels[n++] = key;
			labels[n++] = json_string_value(v);
		}
		labels[n] = NULL;
		sample(f, name, labels, json_object_get(s, "value"));
	}
}

/**
 * metrics_render() - write every family
 * @f:		output
 * @src:	inputs
 */
static void metrics_render(FILE *f, const struct metrics_src *src)
{
	switch_families(f, src);
	for (size_t i = 0; i < RTE_DIM(port_metrics); i++)
		port_family(f, src, &port_metrics[i]);
	for (size_t i = 0; i < RTE_DIM(pmd_metrics); i++)
		pmd_family(f, src, &pmd_metrics[i]);
	CTL_FEATURE_FOREACH(feat)
	{
		json_t *fams = feat->metrics ? feat->metrics() : NULL, *fam;
		size_t i;

		json_array_foreach(fams, i, fam) feature_family(f, fam);
		json_decref(fams);
	}
}

/**
 * metrics_prometheus() - every counter of the switch in the Prometheus
 * text format; on the control thread
 * @len:	its length, set on success
 *
 * Return: the text (free() it), or NULL with errno set
 */
char *metrics_prometheus(size_t *len)
{
	struct metrics_src src = {
		.stats = ctl_query("stats"),
		.ports = ctl_query("port-list"),
		.pmds = ctl_query("pmd-stats"),
	};
	char *text = NULL;
	int rc = -ENOMEM;
	FILE *f;

	if (!src.stats || !src.ports || !src.pmds)
		goto out;
	f = open_memstream(&text, len);
	if (!f)
		goto out;
	metrics_render(f, &src);
	rc = ferror(f) ? -ENOMEM : 0;
	if (fclose(f))
		rc = -ENOMEM;
out:
	json_decref(src.stats);
	json_decref(src.ports);
	json_decref(src.pmds);
	if (rc) {
		free(text);
		errno = -rc;
		return NULL;
	}
	return text;
}

/**
 * metrics_format_register() - offer this rendering as "stats" with
 * "format": "prometheus" (at program load)
 */
RTE_INIT(metrics_format_register)
{
	ctl_stats_format_register("prometheus", metrics_prometheus);
}
