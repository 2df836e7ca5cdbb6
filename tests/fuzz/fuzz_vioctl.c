// SPDX-License-Identifier: BSD-3-Clause
/* fuzz_vioctl.c - libFuzzer target: vioctl's reply printers
 * (vioctl/vioctl_print.c, vioctl_table.c, vioctl_nat.c, the capture
 * feature's capture_cli.c)
 *
 * Input: a command name (the protocol's "cmd"), a newline, then the JSON
 * of a reply's "result". The printer vioctl would use for that command
 * gets it, as after a successful exchange, with its output going to
 * memory. The oracle, besides sanitizers: what vioctl.h promises - a
 * printer either prints, or fails with a message and prints nothing ("a
 * malformed reply never leaves half a table on stdout").
 *
 * vioctl.c holds main() and the command table, so the harness lists the
 * core commands' printers itself and collects the features' commands
 * through its own vioctl_cmds_register().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vioctl.h"

/**
 * struct printer - a command and the printer of its result
 * @name:	protocol "cmd"
 * @print:	printer
 */
struct printer {
	const char *name;
	int (*print)(struct vioctl_reply *r);
};

static const struct printer core[] = {
	{ "port-list", vioctl_print_ports },
	{ "port-add", vioctl_print_port_added },
	{ "port-del", vioctl_print_port_removed },
	{ "fdb-show", vioctl_print_fdb },
	{ "fdb-flush", vioctl_print_flushed },
	{ "fdb-add", vioctl_print_ok },
	{ "fdb-del", vioctl_print_ok },
	{ "hostfwd-list", vioctl_print_hostfwd },
	{ "hostfwd-add", vioctl_print_ok },
	{ "hostfwd-del", vioctl_print_ok },
	{ "nat-leases", vioctl_print_nat_leases },
	{ "stats", vioctl_print_stats },
	{ "pmd-stats", vioctl_print_pmds },
	{ "version", vioctl_print_version },
};

static struct vioctl_cmd_group *groups;

/**
 * vioctl_cmds_register() - what vioctl.c does for a feature's commands:
 * here, keep them for find()
 * @g:		commands
 */
void vioctl_cmds_register(struct vioctl_cmd_group *g)
{
	g->next = groups;
	groups = g;
}

/**
 * vioctl_usage_error() - vioctl.c's: a printer never calls it
 * @fmt:	message
 */
void vioctl_usage_error(const char *fmt, ...)
{
	fprintf(stderr, "fuzz_vioctl: a printer reported a usage error: %s\n",
		fmt);
	abort();
}

/**
 * find() - the printer of command @name
 * @name:	protocol "cmd"
 *
 * Return: printer, or NULL
 */
static int (*find(const char *name))(struct vioctl_reply *)
{
	for (size_t i = 0; i < sizeof(core) / sizeof(*core); i++)
		if (!strcmp(core[i].name, name))
			return core[i].print;
	for (struct vioctl_cmd_group *g = groups; g; g = g->next)
		for (size_t i = 0; i < g->n; i++)
			if (!strcmp(g->cmds[i].name, name) && g->cmds[i].print)
				return g->cmds[i].print;
	return NULL;
}

/**
 * LLVMFuzzerTestOneInput() - print one result, check the promise
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	int (*print)(struct vioctl_reply *);
	struct vioctl_reply r = { 0 };
	FILE *saved = stdout;
	char name[32], *out = NULL;
	size_t n = nl ? (size_t)(nl - (const char *)data) : 0, out_len = 0;
	int rc;

	if (!nl || n >= sizeof(name))
		return 0;
	memcpy(name, data, n);
	name[n] = '\0';
	print = find(name);
	r.result = json_loadb((const char *)nl + 1, size - n - 1,
			      JSON_DECODE_ANY, NULL);
	if (!print || !r.result) {
		json_decref(r.result);
		return 0;
	}
	r.req = json_pack("{s:s,s:s,s:s,s:s,s:s}", "cmd", name, "id", "p0",
			  "rule", "tcp::2222-:22", "mac", "02:00:00:00:00:01",
			  "port", "p0");
	stdout = open_memstream(&out, &out_len);
	if (!stdout)
		abort();
	rc = print(&r);
	fclose(stdout);
	stdout = saved;
	if (rc && out_len) {
		fprintf(stderr,
			"fuzz_vioctl: %s failed (%s) after printing:\n%s\n",
			name, r.err, out);
		abort();
	}
	if (rc && !r.err[0]) {
		fprintf(stderr, "fuzz_vioctl: %s failed without a message\n",
			name);
		abort();
	}
	free(out);
	json_decref(r.req);
	json_decref(r.result);
	return 0;
}
