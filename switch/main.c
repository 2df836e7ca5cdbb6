// SPDX-License-Identifier: BSD-3-Clause
/* main.c - vioswitch: start EAL, open ports, serve, shut down cleanly */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "capture.h"
#include "control.h"
#include "eal.h"
#include "fd_budget.h"
#include "log.h"
#include "offload.h"
#include "options.h"
#include "port.h"
#include "vswitch.h"

/**
 * open_ports() - open and add every port of the command line
 * @o:		options
 *
 * All ports are opened before the first one starts, so that start-up
 * ports can share state decided at open time (the pcap timeline).
 *
 * Return: 0, or -1 after printing the error
 */
static int open_ports(const struct options *o)
{
	struct port *ports[OPTIONS_MAX_NETDEVS] = { NULL };
	char err[512];
	unsigned int i;

	for (i = 0; i < o->n_netdevs; i++) {
		ports[i] = port_open(o->netdevs[i], err, sizeof(err));
		if (!ports[i]) {
			fprintf(stderr, "vioswitch: --netdev %s: %s\n",
				o->netdevs[i], err);
			goto err;
		}
	}
	for (i = 0; i < o->n_netdevs; i++) {
		struct port *p = ports[i];

		ports[i] = NULL;
		if (vswitch_port_add(p, err, sizeof(err))) {
			fprintf(stderr, "vioswitch: --netdev %s: %s\n",
				o->netdevs[i], err);
			goto err;
		}
	}
	return 0;
err:
	for (i = 0; i < o->n_netdevs; i++) {
		if (ports[i])
			ports[i]->ops->close(ports[i]);
	}
	return -1;
}

/**
 * print_banner() - say what is running and how to reach it
 * @o:		options
 */
static void print_banner(const struct options *o)
{
	printf("vioswitch %s running: %u port(s), %u PMD thread(s), "
	       "control socket %s\n",
	       VIOSWITCH_VERSION, vsw.table->n, vsw.n_pmds, o->ctl_path);
	if (o->used_default)
		printf("No --netdev given: using the embedded default.\n");
	for (unsigned int i = 0; i < vsw.table->n; i++) {
		struct port *p = vsw.table->list[i];

		printf("  port %s (%s)\n", p->id, p->kind->name);
		if (p->ops->hint)
			p->ops->hint(p, stdout);
	}
	printf("Inspect it with: build/vioctl --ctl %s port list\n"
	       "Stop it with Ctrl-C.\n",
	       o->ctl_path);
	fflush(stdout);
}

/**
 * start_captures() - start the captures of the command line, before the
 * ports exist, so they see the ports' first frames
 * @o:		options
 *
 * Return: 0, or -1 after printing what failed
 */
static int start_captures(const struct options *o)
{
	struct cap_spec spec;
	char err[512];
	unsigned int i;

	for (i = 0; i < o->n_captures; i++) {
		if (cap_spec_parse(&spec, o->captures[i], err, sizeof(err)) ||
		    cap_spec_check(&spec, err, sizeof(err)))
			goto err;
		spec.ports_later = true;
		if (cap_start(&spec, err, sizeof(err)) < 0)
			goto err;
	}
	return 0;
err:
	fprintf(stderr, "vioswitch: --capture %s: %s\n", o->captures[i], err);
	return -1;
}

/**
 * check_captures() - check that every port a --capture names now exists
 * @o:		options
 *
 * Return: 0, or -1 after printing what is missing
 */
static int check_captures(const struct options *o)
{
	struct cap_spec spec;
	char err[512];

	for (unsigned int i = 0; i < o->n_captures; i++) {
		if (cap_spec_parse(&spec, o->captures[i], err, sizeof(err)))
			return -1;
		for (unsigned int k = 0; k < spec.n_ports; k++) {
			if (vswitch_port_find(spec.ports[k]))
				continue;
			fprintf(stderr,
				"vioswitch: --capture %s: no port with id %s\n",
				o->captures[i], spec.ports[k]);
			return -1;
		}
	}
	return 0;
}

/**
 * main() - the daemon
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: 0 on a clean shutdown, 1 on a runtime failure, 2 on bad options
 */
int main(int argc, char **argv)
{
	unsigned int lcores[MAX_PMDS];
	struct options o;
	char err[512];
	int rc = 1, sig;

	options_parse(argc, argv, &o);
	log_threshold = o.log_level;
	fd_budget_raise();
	control_block_signals();
	if (eal_start(argv[0], &o, lcores, err, sizeof(err))) {
		fprintf(stderr, "vioswitch: %s\n", err);
		return 1;
	}
	port_mbuf_pool = eal_pool_create(o.n_netdevs);
	if (!port_mbuf_pool) {
		fprintf(stderr, "vioswitch: cannot create the mbuf pool: %s\n",
			rte_strerror(rte_errno));
		goto out_eal;
	}
	offload_init(port_mbuf_pool);
	if (vswitch_init(&o.cfg, lcores, o.pmd_cpus, o.n_pmd_cpus) ||
	    vswitch_start()) {
		fprintf(stderr, "vioswitch: cannot start the datapath\n");
		goto out_switch;
	}
	if (control_open(o.ctl_path, err, sizeof(err))) {
		fprintf(stderr, "vioswitch: %s\n", err);
		goto out_switch;
	}
	if (start_captures(&o) || open_ports(&o) || check_captures(&o)) {
		rc = 2;
		goto out_control;
	}
	print_banner(&o);
	sig = control_run();
	log_info("%s: shutting down", strsignal(sig));
	rc = 0;
out_control:
	cap_fini();
	control_close();
out_switch:
	vswitch_fini();
out_eal:
	options_free(&o);
	eal_stop();
	return rc;
}
