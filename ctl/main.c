// SPDX-License-Identifier: BSD-3-Clause
/* main.c - vioswitch: start EAL, open ports, serve, shut down cleanly */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "control.h"
#include "eal.h"
#include "fd_budget.h"
#include "feature.h"
#include "journal.h"
#include "log.h"
#include "netdev.h"
#include "offload.h"
#include "options.h"
#include "port.h"
#include "sandbox.h"
#include "state.h"
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
			log_line(LOG_LVL_ERR, "vioswitch: --netdev %s: %s",
				 o->netdevs[i], err);
			goto err;
		}
	}
	for (i = 0; i < o->n_netdevs; i++) {
		struct port *p = ports[i];

		ports[i] = NULL;
		if (vswitch_port_add(p, err, sizeof(err))) {
			log_line(LOG_LVL_ERR, "vioswitch: --netdev %s: %s",
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
 * features_apply() - run one hook of every feature on each value of its
 * option: start (before the ports exist, so that e.g. the captures of the
 * command line see the ports' first frames) or ports_ready (once they
 * are open, e.g. every port a --capture names exists)
 * @o:		options
 * @ready:	run ports_ready (else start)
 *
 * Return: 0, or -1 after printing what failed
 */
static int features_apply(const struct options *o, bool ready)
{
	char err[512];

	for (unsigned int i = 0; i < o->n_feature_args; i++) {
		const struct options_feature_arg *fa = &o->feature_args[i];
		int (*hook)(const char *, char *, size_t) =
			ready ? fa->feature->ports_ready : fa->feature->start;

		if (hook && hook(fa->arg, err, sizeof(err))) {
			log_line(LOG_LVL_ERR, "vioswitch: --%s %s: %s",
				 fa->feature->option, fa->arg, err);
			return -1;
		}
	}
	return 0;
}

/**
 * features_running() - tell every feature that the switch serves
 */
static void features_running(void)
{
	CTL_FEATURE_FOREACH(f)
	{
		if (f->running)
			f->running();
	}
}

/**
 * features_stop() - stop what every feature runs
 */
static void features_stop(void)
{
	CTL_FEATURE_FOREACH(f)
	{
		if (f->stop)
			f->stop();
	}
}

/**
 * sandbox_start() - restrict the process now that the ports are open
 * (ctl/sandbox.c), giving --user the control socket and the sockets of
 * the vhost-user ports the switch listens on
 * @o:		options
 *
 * Return: 0, or -1 after printing the error
 */
static int sandbox_start(const struct options *o)
{
	char *paths[OPTIONS_MAX_NETDEVS + 1] = { NULL };
	struct netdev *nd = malloc(sizeof(*nd));
	unsigned int n = 0;
	char err[512];
	bool oom;
	int rc;

	paths[n++] = strdup(o->ctl_path);
	oom = !nd || !paths[0];
	for (unsigned int i = 0; !oom && i < o->n_netdevs; i++) {
		bool server = true;

		if (netdev_parse(o->netdevs[i], nd, err, sizeof(err)) ||
		    strcmp(nd->kind, "vhost-user") || !netdev_get(nd, "path") ||
		    netdev_get_bool(nd, "server", &server, err, sizeof(err)) ||
		    !server)
			continue;
		paths[n] = strdup(netdev_get(nd, "path"));
		oom = !paths[n++];
	}
	if (oom) {
		snprintf(err, sizeof(err), "out of memory");
		rc = -ENOMEM;
	} else {
		rc = sandbox_apply(&o->sandbox, (const char *const *)paths, n,
				   err, sizeof(err));
	}
	for (unsigned int i = 0; i < n; i++)
		free(paths[i]);
	free(nd);
	if (rc)
		log_line(LOG_LVL_ERR, "vioswitch: sandbox: %s", err);
	return rc ? -1 : 0;
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

	journal_setup();
	options_parse(argc, argv, &o);
	log_threshold = o.log_level;
	fd_budget_raise();
	control_block_signals();
	if (eal_start(argv[0], &o, lcores, err, sizeof(err))) {
		log_line(LOG_LVL_ERR, "vioswitch: %s", err);
		return 1;
	}
	port_mbuf_pool = eal_pool_create(o.n_netdevs);
	if (!port_mbuf_pool) {
		log_line(LOG_LVL_ERR,
			 "vioswitch: cannot create the mbuf pool: %s",
			 rte_strerror(rte_errno));
		goto out_eal;
	}
	offload_init(port_mbuf_pool);
	if (vswitch_init(&o.cfg, lcores, o.pmd_cpus, o.n_pmd_cpus) ||
	    vswitch_start()) {
		log_line(LOG_LVL_ERR, "vioswitch: cannot start the datapath");
		goto out_switch;
	}
	if ((o.run_dir[0] && ctl_run_dir_make(o.run_dir, err, sizeof(err))) ||
	    control_open(o.ctl_path, err, sizeof(err))) {
		log_line(LOG_LVL_ERR, "vioswitch: %s", err);
		goto out_switch;
	}
	if (features_apply(&o, false) || open_ports(&o) ||
	    features_apply(&o, true) || state_start(&o)) {
		rc = 2;
		goto out_control;
	}
	if (sandbox_start(&o))
		goto out_control;
	print_banner(&o);
	fd_budget_log();
	eal_memory_log("at start");
	features_running();
	sig = control_run();
	log_info("%s: shutting down", strsignal(sig));
	eal_memory_log("at exit");
	rc = 0;
out_control:
	features_stop();
	control_close();
out_switch:
	vswitch_fini();
out_eal:
	options_free(&o);
	eal_stop();
	journal_close();
	return rc;
}
