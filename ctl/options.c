// SPDX-License-Identifier: BSD-3-Clause
/* options.c - daemon command line and config file
 *
 * The command line and the config file share one parser: a config file
 * line is an option and its value, exactly as on the command line
 * ("--netdev pcap,id=p0,rx=in.pcap"; the leading dashes may be left out;
 * '#' starts a comment). Every error names the offending text and exits
 * with status 2, before anything is started.
 */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "feature.h"
#include "netdev.h"
#include "config_lines.h"

enum opt_id {
	OPT_CTL = 256,
	OPT_CONFIG,
	OPT_PMD_CPUS,
	OPT_HUGEPAGES,
	OPT_LOG_LEVEL,
	OPT_NETDEV,
	OPT_FDB_AGE,
	OPT_FDB_SIZE,
	OPT_LEARN_LIMIT,
	OPT_IDLE_US,
	OPT_FLUSH_US,
	OPT_CTL_IDLE,
	OPT_SANDBOX,
	OPT_USER,
	OPT_HELP,
	OPT_VERSION,
	OPT_STATE,
	OPT_NETDEV_DEL,
	/* the runtime options: kept in order, applied once ports are open */
	OPT_HOSTFWD,
	OPT_HOSTFWD_DEL,
	OPT_FDB,
	OPT_FDB_DEL,
	OPT_NAT_LEASE,
	OPT_FEATURE = 1024, /* feature k's option: OPT_FEATURE + k */
	OPT_FEATURE_DEL = 2048, /* its -del form: OPT_FEATURE_DEL + k */
};

static const struct option base_opts[] = {
	{ "ctl", required_argument, NULL, OPT_CTL },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "pmd-cpus", required_argument, NULL, OPT_PMD_CPUS },
	{ "hugepages", required_argument, NULL, OPT_HUGEPAGES },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "netdev", required_argument, NULL, OPT_NETDEV },
	{ "fdb-age", required_argument, NULL, OPT_FDB_AGE },
	{ "fdb-size", required_argument, NULL, OPT_FDB_SIZE },
	{ "learn-limit", required_argument, NULL, OPT_LEARN_LIMIT },
	{ "pmd-idle-us", required_argument, NULL, OPT_IDLE_US },
	{ "tx-flush-us", required_argument, NULL, OPT_FLUSH_US },
	{ "ctl-idle-timeout", required_argument, NULL, OPT_CTL_IDLE },
	{ "sandbox", required_argument, NULL, OPT_SANDBOX },
	{ "user", required_argument, NULL, OPT_USER },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "netdev-del", required_argument, NULL, OPT_NETDEV_DEL },
	{ "hostfwd", required_argument, NULL, OPT_HOSTFWD },
	{ "hostfwd-del", required_argument, NULL, OPT_HOSTFWD_DEL },
	{ "fdb", required_argument, NULL, OPT_FDB },
	{ "fdb-del", required_argument, NULL, OPT_FDB_DEL },
	{ "nat-lease", required_argument, NULL, OPT_NAT_LEASE },
};

#define N_BASE_OPTS (sizeof(base_opts) / sizeof(base_opts[0]))

/* base_opts, the features' options and their -del forms, and the
 * terminating entry. */
static struct option long_opts[N_BASE_OPTS + 2 * OPTIONS_MAX_FEATURES + 1];
static char del_names[OPTIONS_MAX_FEATURES][48];

/* The embedded default of `vioswitch` without ports: see README.md. A
 * "%s" is the directory of the default sockets (protocol.h). */
static const char *const default_netdevs[] = {
	"user,id=nat,hostfwd=tcp:127.0.0.1:2222-:22",
	"vhost-user,id=vm1,path=%s/vm1.sock",
	NULL,
};

/* --help: usage_head, each feature's option_help, usage_tail. */
static const char usage_head[] =
	"Usage: vioswitch [OPTION]... --netdev TYPE,id=ID[,KEY=VALUE]...\n"
	"A userspace switch for virtio-net VMs, taps and a user-mode NAT.\n"
	"\n"
	"  --netdev TYPE,id=ID[,KEY=VALUE]...\n"
	"                      add a port (repeatable), QEMU -netdev syntax;\n"
	"                      keys of every type: vlan=N (access port),\n"
	"                        trunk=on, learn_limit=N, ip=A (the guest's\n"
	"                        static IPv4 address, for the NAT),\n"
	"                        storm=PPS|off (default 2000 for vhost-user\n"
	"                        and tap, off for user and pcap);\n"
	"                      the types and their own keys (README.md says\n"
	"                      what each does):\n";
static const char usage_tail[] =
	"  --config FILE       read options from FILE, one per line\n"
	"  --ctl PATH          control socket (default $VIOSWITCH_CTL, else\n"
	"                        " CTL_PATH_DEFAULT " as root,\n"
	"                        " CTL_PATH_USER "\n"
	"                        otherwise)\n"
	"  --ctl-idle-timeout SEC  drop control clients that send no\n"
	"                        request for SEC seconds (60; 0: never)\n"
	"  --pmd-cpus LIST     CPUs of the datapath threads, e.g. 1 or 0-1\n"
	"                        (default: the last CPU we may run on)\n"
	"  --hugepages MODE    auto (default), on or off\n"
	"  --log-level LEVEL   error, warning, info (default) or debug\n"
	"  --fdb-age SEC       forget MACs unused for SEC seconds (300)\n"
	"  --fdb-size N        FDB capacity (65536)\n"
	"  --learn-limit N     default MACs learned per port (1024)\n"
	"  --pmd-idle-us N     empty polling before a PMD sleeps, grown\n"
	"                      up to 2000 while sleeps end soon (200)\n"
	"  --tx-flush-us N     longest a partial output batch waits (0)\n"
	"  --hostfwd NAT,RULE  add a hostfwd rule to NAT port NAT (repeatable)\n"
	"  --fdb MAC,PORT[,remote=IP][,vlan=N]\n"
	"                      a static FDB entry (repeatable)\n"
	"  --netdev-del ID, --hostfwd-del NAT,[tcp|udp]:[ADDR]:PORT,\n"
	"  --fdb-del MAC[,vlan=N], --mirror-del MIRROR\n"
	"                      undo an earlier option (the state file says\n"
	"                        so of what was removed at run time)\n"
	"  --state FILE|none   keep what changes at run time in FILE, and\n"
	"                        restore it at start (default\n"
	"                        $STATE_DIRECTORY/state under systemd's\n"
	"                        StateDirectory=, else none)\n"
	"  --sandbox MODE      on (default): once the ports are open, drop\n"
	"                        every capability but those run-time tap\n"
	"                        ports need, set NoNewPrivs and a seccomp\n"
	"                        allow-list; log: allow and log calls\n"
	"                        outside it; off: none of it\n"
	"  --user NAME[:GROUP] run as this user (and group) once the ports\n"
	"                        are open, keeping those capabilities\n"
	"  --help, --version\n";

/**
 * die() - print an option error and exit with status 2
 * @fmt:	message format
 */
static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line(LOG_LVL_ERR, "vioswitch: %s", msg);
	exit(2);
}

/**
 * options_parse_cpus() - parse a CPU list such as "1", "0-1" or "0,2-3"
 * @text:	list
 * @cpus:	result
 * @max:	room in @cpus
 * @n:		CPUs parsed
 *
 * Return: 0, or -EINVAL
 */
int options_parse_cpus(const char *text, int *cpus, unsigned int max,
		       unsigned int *n)
{
	const char *p = text;

	*n = 0;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b;

		if (end == p || a < 0 || a >= CPU_SETSIZE)
			return -EINVAL;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a || b >= CPU_SETSIZE)
				return -EINVAL;
		}
		for (long c = a; c <= b; c++) {
			if (*n == max)
				return -EINVAL;
			cpus[(*n)++] = (int)c;
		}
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		p = end;
	}
	return *n ? 0 : -EINVAL;
}

/**
 * parse_u32() - parse a numeric option or die
 * @opt:	option name
 * @text:	value
 * @min:	smallest accepted
 * @max:	largest accepted
 *
 * Return: value
 */
static uint32_t parse_u32(const char *opt, const char *text, uint32_t min,
			  uint32_t max)
{
	char err[256];
	uint32_t v;

	if (netdev_parse_u32(opt, text, min, max, &v, err, sizeof(err)))
		die("--%s", err);
	return v;
}

/**
 * add_netdev() - check a port specification and keep it
 * @o:		options
 * @spec:	"TYPE,id=ID,..."
 */
static void add_netdev(struct options *o, const char *spec)
{
	struct netdev *nd = malloc(sizeof(*nd));
	char err[512];

	if (!nd)
		die("out of memory");
	if (!port_parse(spec, nd, err, sizeof(err)))
		die("--netdev %s: %s", spec, err);
	for (unsigned int i = 0; i < o->n_netdevs; i++) {
		struct netdev *other = malloc(sizeof(*other));

		if (!other ||
		    netdev_parse(o->netdevs[i], other, err, sizeof(err)))
			die("out of memory");
		if (!strcmp(other->id, nd->id))
			die("--netdev %s: duplicate id '%s'", spec, nd->id);
		free(other);
	}
	free(nd);
	if (o->n_netdevs == OPTIONS_MAX_NETDEVS)
		die("more than %d --netdev options", OPTIONS_MAX_NETDEVS);
	o->netdevs[o->n_netdevs++] = strdup(spec);
}

/**
 * feature_of() - the feature whose option has id @id
 * @id:		OPT_FEATURE + k
 *
 * Return: feature k
 */
static struct ctl_feature *feature_of(int id)
{
	int k = id - (id >= OPT_FEATURE_DEL ? OPT_FEATURE_DEL : OPT_FEATURE);

	CTL_FEATURE_FOREACH(f)
	{
		if (f->option && !k--)
			return f;
	}
	die("internal error: no feature for option %d", id);
}

/**
 * base_opt_name() - the name of one of our options
 * @id:		enum opt_id
 *
 * Return: name
 */
static const char *base_opt_name(int id)
{
	for (unsigned int i = 0; i < N_BASE_OPTS; i++) {
		if (base_opts[i].val == id)
			return base_opts[i].name;
	}
	return "?";
}

/**
 * add_runtime() - check the value of a runtime option and keep it, in
 * order, to be applied once the ports are open (state.c)
 * @o:		options
 * @name:	option, without dashes
 * @arg:	its value
 */
static void add_runtime(struct options *o, const char *name, const char *arg)
{
	struct options_runtime *r;
	char err[512];

	if (cfg_value_check(name, arg, err, sizeof(err)))
		die("--%s %s: %s", name, arg, err);
	if (o->n_runtime == OPTIONS_MAX_RUNTIME)
		die("more than %d runtime options (--hostfwd, --fdb, ...)",
		    OPTIONS_MAX_RUNTIME);
	if (!(o->n_runtime & (o->n_runtime - 1))) {
		r = realloc(o->runtime,
			    (o->n_runtime ? 2 * o->n_runtime : 1) * sizeof(*r));
		if (!r)
			die("out of memory");
		o->runtime = r;
	}
	r = &o->runtime[o->n_runtime];
	r->name = strdup(name);
	r->arg = strdup(arg);
	if (!r->name || !r->arg)
		die("out of memory");
	o->n_runtime++;
}

/**
 * del_netdev() - forget an earlier --netdev (`--netdev-del ID`)
 * @o:		options
 * @id:		its id
 */
static void del_netdev(struct options *o, const char *id)
{
	struct netdev *nd = malloc(sizeof(*nd));
	char err[512];

	if (!nd)
		die("out of memory");
	for (unsigned int i = 0; i < o->n_netdevs; i++) {
		if (netdev_parse(o->netdevs[i], nd, err, sizeof(err)) ||
		    strcmp(nd->id, id))
			continue;
		free(o->netdevs[i]);
		memmove(&o->netdevs[i], &o->netdevs[i + 1],
			(o->n_netdevs - i - 1) * sizeof(o->netdevs[0]));
		o->n_netdevs--;
		free(nd);
		return;
	}
	die("--netdev-del %s: no earlier --netdev with id=%s", id, id);
}

/**
 * add_feature_arg() - check a feature's option and keep it
 * @o:		options
 * @id:		OPT_FEATURE + k
 * @arg:	its value
 */
static void add_feature_arg(struct options *o, int id, const char *arg)
{
	struct ctl_feature *f = feature_of(id);
	char err[256];

	if (id >= OPT_FEATURE_DEL) {
		snprintf(err, sizeof(err), "%s-del", f->option);
		add_runtime(o, err, arg);
		return;
	}
	if (f->config_add) {
		add_runtime(o, f->option, arg);
		return;
	}
	if (f->option_check && f->option_check(arg, NULL, 0, err, sizeof(err)))
		die("--%s %s: %s", f->option, arg, err);
	if (o->n_feature_args == OPTIONS_MAX_FEATURE_ARGS)
		die("more than %d --%s options", OPTIONS_MAX_FEATURE_ARGS,
		    f->option);
	o->feature_args[o->n_feature_args].feature = f;
	o->feature_args[o->n_feature_args++].arg = strdup(arg);
}

/**
 * check_feature_args() - check the features' options against the ports:
 * e.g. every port a --capture names is a --netdev
 * @o:		options, complete
 */
static void check_feature_args(const struct options *o)
{
	char(*ids)[PORT_ID_MAX] = calloc(o->n_netdevs + 1, sizeof(*ids));
	const char **idp = calloc(o->n_netdevs + 1, sizeof(*idp));
	struct netdev *nd = malloc(sizeof(*nd));
	char err[512];

	if (!ids || !idp || !nd)
		die("out of memory");
	for (unsigned int i = 0; i < o->n_netdevs; i++) {
		if (!netdev_parse(o->netdevs[i], nd, err, sizeof(err)))
			snprintf(ids[i], sizeof(ids[i]), "%s", nd->id);
		idp[i] = ids[i];
	}
	for (unsigned int i = 0; i < o->n_feature_args; i++) {
		const struct options_feature_arg *fa = &o->feature_args[i];

		if (fa->feature->option_check &&
		    fa->feature->option_check(fa->arg, idp, o->n_netdevs, err,
					      sizeof(err)))
			die("--%s %s: %s", fa->feature->option, fa->arg, err);
	}
	free(nd);
	free(idp);
	free(ids);
}

/**
 * long_opts_init() - the long options: ours, then the features'
 */
static void long_opts_init(void)
{
	unsigned int n = N_BASE_OPTS, k = 0;

	memcpy(long_opts, base_opts, sizeof(base_opts));
	CTL_FEATURE_FOREACH(f)
	{
		if (!f->option)
			continue;
		if (n == N_BASE_OPTS + OPTIONS_MAX_FEATURES)
			die("internal error: too many feature options");
		long_opts[n++] = (struct option){ f->option, required_argument,
						  NULL, OPT_FEATURE + (int)k };
		if (f->config_del) {
			snprintf(del_names[k], sizeof(del_names[k]), "%s-del",
				 f->option);
			long_opts[n++] =
				(struct option){ del_names[k],
						 required_argument, NULL,
						 OPT_FEATURE_DEL + (int)k };
		}
		k++;
	}
	long_opts[n] = (struct option){ NULL, 0, NULL, 0 };
}

/**
 * usage() - print --help
 */
static void usage(void)
{
	const char *dir = geteuid() ? "$XDG_RUNTIME_DIR/" CTL_RUN_DIR_NAME
				    : CTL_RUN_DIR_ROOT;

	fputs(usage_head, stdout);
	port_kinds_usage(stdout, 24, 79);
	printf("                      without --netdev, the embedded default:\n");
	for (unsigned int i = 0; default_netdevs[i]; i++) {
		printf("                        --netdev ");
		printf(default_netdevs[i], dir);
		putchar('\n');
	}
	CTL_FEATURE_FOREACH(f)
	{
		if (f->option_help)
			fputs(f->option_help, stdout);
	}
	fputs(usage_tail, stdout);
}

static void parse_config(struct options *o, const char *path, int depth);

/**
 * apply() - apply one option
 * @o:		options
 * @id:		enum opt_id
 * @arg:	its value, or NULL
 * @depth:	config file nesting, to refuse loops
 */
static void apply(struct options *o, int id, const char *arg, int depth)
{
	char err[256];

	switch (id) {
	case OPT_CTL:
		if (strlen(arg) >= sizeof(o->ctl_path))
			die("--ctl %s: path longer than %zu bytes", arg,
			    sizeof(o->ctl_path) - 1);
		snprintf(o->ctl_path, sizeof(o->ctl_path), "%s", arg);
		break;
	case OPT_CONFIG:
		parse_config(o, arg, depth + 1);
		break;
	case OPT_PMD_CPUS:
		if (options_parse_cpus(arg, o->pmd_cpus, MAX_PMDS,
				       &o->n_pmd_cpus))
			die("--pmd-cpus %s: expected a CPU list such as 1 or "
			    "0-1 (at most %d CPUs)",
			    arg, MAX_PMDS);
		break;
	case OPT_HUGEPAGES:
		if (!strcmp(arg, "auto"))
			o->hugepages = HUGEPAGES_AUTO;
		else if (!strcmp(arg, "on"))
			o->hugepages = HUGEPAGES_ON;
		else if (!strcmp(arg, "off"))
			o->hugepages = HUGEPAGES_OFF;
		else
			die("--hugepages %s: expected auto, on or off", arg);
		break;
	case OPT_LOG_LEVEL:
		if (log_level_parse(arg, &o->log_level))
			die("--log-level %s: expected error, warning, info or "
			    "debug",
			    arg);
		break;
	case OPT_NETDEV:
		add_netdev(o, arg);
		break;
	case OPT_FDB_AGE:
		o->cfg.fdb_age = parse_u32("fdb-age", arg, 1, 1000000);
		break;
	case OPT_FDB_SIZE:
		o->cfg.fdb_size = parse_u32("fdb-size", arg, 64, 1u << 24);
		break;
	case OPT_LEARN_LIMIT:
		netdev_default_learn_limit =
			parse_u32("learn-limit", arg, 0, 1u << 20);
		break;
	case OPT_IDLE_US:
		o->cfg.idle_us = parse_u32("pmd-idle-us", arg, 0, 10000000);
		break;
	case OPT_FLUSH_US:
		o->cfg.flush_us = parse_u32("tx-flush-us", arg, 0, 1000000);
		break;
	case OPT_CTL_IDLE:
		ctl_idle_timeout =
			parse_u32("ctl-idle-timeout", arg, 0, 86400 * 365);
		break;
	case OPT_SANDBOX:
		if (sandbox_mode_parse(arg, &o->sandbox.mode))
			die("--sandbox %s: expected on, off or log", arg);
		break;
	case OPT_USER:
		if (sandbox_user_parse(arg, &o->sandbox, err, sizeof(err)))
			die("--user %s: %s", arg, err);
		break;
	case OPT_HELP:
		usage();
		exit(0);
	case OPT_VERSION:
		printf("vioswitch %s\n", VIOSWITCH_VERSION);
		exit(0);
	case OPT_STATE:
		if (strlen(arg) >= sizeof(o->state_path))
			die("--state %s: path too long", arg);
		snprintf(o->state_path, sizeof(o->state_path), "%s", arg);
		break;
	case OPT_NETDEV_DEL:
		del_netdev(o, arg);
		break;
	case OPT_HOSTFWD:
	case OPT_HOSTFWD_DEL:
	case OPT_FDB:
	case OPT_FDB_DEL:
	case OPT_NAT_LEASE:
		add_runtime(o, base_opt_name(id), arg);
		break;
	default:
		add_feature_arg(o, id, arg);
		break;
	}
}

/**
 * find_long() - look up a long option by name
 * @name:	name without dashes
 *
 * Return: the option, or NULL
 */
static const struct option *find_long(const char *name)
{
	for (const struct option *lo = long_opts; lo->name; lo++) {
		if (!strcmp(lo->name, name))
			return lo;
	}
	return NULL;
}

/**
 * options_split_line() - split a config file line into option and value
 * @line:	the line, modified: a comment or newline cut off
 * @name:	set to the option, leading dashes skipped ("" for a blank line)
 * @value:	set to its value, blanks trimmed ("" when none)
 *
 * Return: 0, or -ENOENT for a blank or comment line
 */
int options_split_line(char *line, char **name, char **value)
{
	char *end;

	line[strcspn(line, "#\n")] = '\0';
	*name = line + strspn(line, " \t");
	if (!**name)
		return -ENOENT;
	while (**name == '-')
		(*name)++;
	*value = *name + strcspn(*name, " \t=");
	if (**value)
		*(*value)++ = '\0';
	*value += strspn(*value, " \t=");
	end = *value + strlen(*value);
	while (end > *value && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return 0;
}

/**
 * config_line() - apply one line of a config file
 * @o:		options
 * @path:	file, for messages
 * @lineno:	line number, for messages
 * @line:	the line, modified
 * @depth:	config file nesting
 */
static void config_line(struct options *o, const char *path, int lineno,
			char *line, int depth)
{
	const struct option *lo;
	char *name, *value;

	if (options_split_line(line, &name, &value))
		return;
	lo = find_long(name);
	if (!lo || lo->val == OPT_HELP || lo->val == OPT_VERSION)
		die("%s:%d: unknown option '%s'", path, lineno, name);
	if (lo->has_arg == required_argument && !*value)
		die("%s:%d: option '%s' needs a value", path, lineno, name);
	apply(o, lo->val, value, depth);
}

/**
 * parse_config() - apply every line of a config file
 * @o:		options
 * @path:	file
 * @depth:	nesting, at most 4
 */
static void parse_config(struct options *o, const char *path, int depth)
{
	char line[NETDEV_SPEC_MAX + 64];
	int lineno = 0;
	FILE *f;

	if (depth > 4)
		die("--config %s: config files nested too deep", path);
	f = fopen(path, "r");
	if (!f)
		die("--config %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f))
		config_line(o, path, ++lineno, line, depth);
	fclose(f);
}

/**
 * default_pmd_cpu() - the last CPU this process may run on
 *
 * Return: CPU number
 */
static int default_pmd_cpu(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (int c = CPU_SETSIZE - 1; c >= 0; c--) {
		if (CPU_ISSET(c, &set))
			return c;
	}
	return 0;
}

/**
 * state_default_path() - the state file when --state did not name one:
 * $STATE_DIRECTORY/state when systemd's StateDirectory= set it (its first
 * directory), else none; `--state none` means none
 * @path:	--state's value or "", replaced
 * @len:	its size
 */
static void state_default_path(char *path, size_t len)
{
	const char *dir = getenv("STATE_DIRECTORY");

	if (!strcmp(path, OPTIONS_STATE_NONE)) {
		path[0] = '\0';
		return;
	}
	if (path[0] || !dir || dir[0] != '/')
		return;
	snprintf(path, len, "%.*s/state", (int)strcspn(dir, ":"), dir);
}

/**
 * run_dir() - the directory of the default sockets, kept in @o->run_dir
 * for main() to create; exit 2 when the rule finds none (protocol.h)
 * @o:		options
 *
 * Return: @o->run_dir
 */
static const char *run_dir(struct options *o)
{
	char err[512];

	if (!o->run_dir[0] &&
	    ctl_run_dir(o->run_dir, sizeof(o->run_dir), err, sizeof(err)))
		die("no directory for the default sockets: %s", err);
	return o->run_dir;
}

/**
 * add_default_netdevs() - the embedded default, its sockets in run_dir()
 * @o:		options, without --netdev
 */
static void add_default_netdevs(struct options *o)
{
	char spec[NETDEV_SPEC_MAX];

	for (unsigned int i = 0; default_netdevs[i]; i++) {
		if ((size_t)snprintf(spec, sizeof(spec), default_netdevs[i],
				     run_dir(o)) >= sizeof(spec))
			die("%s: path too long", run_dir(o));
		add_netdev(o, spec);
	}
	o->used_default = true;
}

/**
 * ctl_default() - the control socket when --ctl did not name one:
 * $VIOSWITCH_CTL, else CTL_SOCK_NAME in run_dir()
 * @o:		options
 */
static void ctl_default(struct options *o)
{
	const char *env = getenv(CTL_PATH_ENV);

	if (o->ctl_path[0])
		return;
	if (env && *env) {
		if (strlen(env) >= sizeof(o->ctl_path))
			die("%s=%s: path longer than %zu bytes", CTL_PATH_ENV,
			    env, sizeof(o->ctl_path) - 1);
		snprintf(o->ctl_path, sizeof(o->ctl_path), "%s", env);
		return;
	}
	if ((size_t)snprintf(o->ctl_path, sizeof(o->ctl_path), "%s/%s",
			     run_dir(o), CTL_SOCK_NAME) >= sizeof(o->ctl_path))
		die("%s/%s: path too long", run_dir(o), CTL_SOCK_NAME);
}

/**
 * options_parse() - parse the command line (and config files) or exit 2
 * @argc:	argument count
 * @argv:	arguments
 * @o:		result
 */
void options_parse(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->log_level = LOG_LVL_INFO;
	o->cfg = (struct vswitch_config){
		.fdb_age = 300,
		.fdb_size = 65536,
		.idle_us = 200,
		.flush_us = 0,
	};
	long_opts_init();
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", long_opts, NULL)) != -1) {
		if (c == '?' || c == ':')
			die("%s: %s (see --help)", argv[optind - 1],
			    c == ':' ? "missing value" : "unknown option");
		apply(o, c, optarg, 0);
	}
	if (optind < argc)
		die("%s: unexpected argument (see --help)", argv[optind]);
	state_default_path(o->state_path, sizeof(o->state_path));
	if (!o->n_pmd_cpus) {
		o->pmd_cpus[0] = default_pmd_cpu();
		o->n_pmd_cpus = 1;
	}
	if (!o->n_netdevs)
		add_default_netdevs(o);
	ctl_default(o);
	check_feature_args(o);
}

/**
 * options_free() - free what options_parse() allocated
 * @o:		options
 */
void options_free(struct options *o)
{
	for (unsigned int i = 0; i < o->n_netdevs; i++)
		free(o->netdevs[i]);
	o->n_netdevs = 0;
	for (unsigned int i = 0; i < o->n_feature_args; i++)
		free(o->feature_args[i].arg);
	o->n_feature_args = 0;
	for (unsigned int i = 0; i < o->n_runtime; i++) {
		free(o->runtime[i].name);
		free(o->runtime[i].arg);
	}
	free(o->runtime);
	o->runtime = NULL;
	o->n_runtime = 0;
}
