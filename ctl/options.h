/* SPDX-License-Identifier: BSD-3-Clause */
/* options.h - daemon command line and config file */
#ifndef VIOSWITCH_OPTIONS_H
#define VIOSWITCH_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"
#include "protocol.h"
#include "sandbox.h"
#include "vswitch.h"

#define OPTIONS_MAX_NETDEVS	 PORT_TABLE_MAX
#define OPTIONS_MAX_FEATURES	 16 /* features with an option */
#define OPTIONS_MAX_FEATURE_ARGS 16 /* values of those options, in all */
#define OPTIONS_MAX_RUNTIME	 4096 /* values of the runtime options */
#define OPTIONS_STATE_NONE	 "none" /* --state none: no state file */

struct ctl_feature;

enum hugepages_mode {
	HUGEPAGES_AUTO,
	HUGEPAGES_ON,
	HUGEPAGES_OFF
};

/**
 * struct options - everything the daemon was told
 * @ctl_path:	control socket path
 * @pmd_cpus:	CPUs of the PMD threads
 * @n_pmd_cpus:	how many
 * @hugepages:	whether EAL uses hugepages
 * @log_level:	threshold of our own log
 * @cfg:	switch tunables
 * @netdevs:	port specifications, in order
 * @n_netdevs:	how many
 * @feature_args: values of the features' options (feature.h), in order
 * @n_feature_args: how many
 * @used_default: no port was given: the embedded default was used
 * @run_dir:	directory of the default sockets (protocol.h) when the
 *		control socket or the embedded default uses it, else ""
 * @state_path:	state file (ctl/state.c), "" for none
 * @runtime:	values of the runtime options (--hostfwd, --fdb, --mirror,
 *		their -del forms, --nat-lease), in order: applied once the
 *		ports are open, as the state file's lines are
 * @n_runtime:	how many
 * @sandbox:	--sandbox and --user
 */
struct options {
	char ctl_path[108];
	int pmd_cpus[MAX_PMDS];
	unsigned int n_pmd_cpus;
	enum hugepages_mode hugepages;
	enum log_level log_level;
	struct vswitch_config cfg;
	char *netdevs[OPTIONS_MAX_NETDEVS];
	unsigned int n_netdevs;
	struct options_feature_arg {
		struct ctl_feature *feature;
		char *arg;
	} feature_args[OPTIONS_MAX_FEATURE_ARGS];
	unsigned int n_feature_args;
	bool used_default;
	char run_dir[96];
	char state_path[4096];
	struct options_runtime {
		char *name;
		char *arg;
	} * runtime;
	unsigned int n_runtime;
	struct sandbox_opts sandbox;
};

void options_parse(int argc, char **argv, struct options *o);
void options_free(struct options *o);
int options_split_line(char *line, char **name, char **value);
int options_parse_cpus(const char *text, int *cpus, unsigned int max,
		       unsigned int *n);

#endif /* VIOSWITCH_OPTIONS_H */
