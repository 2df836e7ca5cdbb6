// SPDX-License-Identifier: BSD-3-Clause
/* capture_metrics.c - the captures' and mirrors' counts as metric families
 *
 * The capture feature's @metrics hook (ctl/feature.h): ctl/metrics.c
 * renders what this returns with the switch's own counters, for
 * `vioctl stats --format prometheus` and --metrics. One sample per
 * capture or mirror, running or ended (as `capture list` and `mirror
 * list` show them), labelled by its kind, id and ports; the numbers are
 * those of cap_list_json(), under the same names.
 */
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "capture.h"

/**
 * struct cap_metric - one family
 * @key:	member of a capture or mirror object
 * @name:	family name, without the vioswitch_ prefix
 * @help:	HELP text
 */
struct cap_metric {
	const char *key;
	const char *name;
	const char *help;
};

static const struct cap_metric cap_metrics[] = {
	{ "seen", "capture_seen_total",
	  "Frames a capture's or mirror's filter saw." },
	{ "matched", "capture_matched_total", "Frames the filter accepted." },
	{ "dropped", "capture_dropped_total",
	  "Accepted frames lost: no buffer, ring full, output gone." },
	{ "written", "capture_written_total", "Frames a capture wrote." },
	{ "bytes", "capture_bytes_total", "Bytes a capture wrote." },
	{ "mirrored", "capture_mirrored_total", "Frames a mirror sent." },
};

/**
 * ports_label() - a session's ports, joined by '+' (its "ports" list)
 * @o:		capture or mirror object
 * @buf:	output
 * @len:	its size
 *
 * Return: @buf
 */
static const char *ports_label(json_t *o, char *buf, size_t len)
{
	size_t off = 0, i;
	json_t *p;

	buf[0] = '\0';
	json_array_foreach(json_object_get(o, "ports"), i, p)
	{
		int n = snprintf(buf + off, len - off, "%s%s", i ? "+" : "",
				 json_string_value(p) ?: "");

		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	return buf;
}

/**
 * samples_add() - one sample of family @m for every session of @kind
 * @samples:	list to append to
 * @m:		family
 * @kind:	captures or mirrors
 */
static void samples_add(json_t *samples, const struct cap_metric *m,
			enum cap_kind kind)
{
	json_t *list = cap_list_json(kind), *o;
	char id[24], ports[256];
	size_t i;

	json_array_foreach(list, i, o)
	{
		json_t *v = json_object_get(o, m->key);

		if (!json_is_integer(v))
			continue;
		snprintf(id, sizeof(id), "%lld",
			 (long long)json_integer_value(
				 json_object_get(o, "id")));
		json_array_append_new(
			samples,
			json_pack("{s:{s:s,s:s,s:s},s:O}", "labels", "kind",
				  kind == CAP_KIND_CAPTURE ? "capture"
							   : "mirror",
				  "id", id, "ports",
				  ports_label(o, ports, sizeof(ports)), "value",
				  v));
	}
	json_decref(list);
}

/**
 * cap_metrics_json() - the feature's metric families (feature.h, @metrics)
 *
 * Return: list of families, or NULL
 */
json_t *cap_metrics_json(void)
{
	json_t *fams = json_array();

	for (size_t i = 0; fams && i < RTE_DIM(cap_metrics); i++) {
		json_t *samples = json_array();

		samples_add(samples, &cap_metrics[i], CAP_KIND_CAPTURE);
		samples_add(samples, &cap_metrics[i], CAP_KIND_MIRROR);
		json_array_append_new(
			fams, json_pack("{s:s,s:s,s:s,s:o}", "name",
					cap_metrics[i].name, "type", "counter",
					"help", cap_metrics[i].help, "samples",
					samples));
	}
	return fams;
}
