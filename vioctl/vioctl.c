// SPDX-License-Identifier: BSD-3-Clause
/* vioctl.c - vioctl: command-line client of the vioswitch control socket
 *
 * Theory of operation
 * -------------------
 * One run is one exchange (doc/control-protocol.md): parse the command line
 * into a request object, send it and read the reply (vioctl_exchange.c),
 * then print the reply's result, as JSON with --json or as text through
 * the command's printer (vioctl_print.c). Features add their commands with
 * vioctl_cmds_register() when the program loads (capture/capture_cli.c).
 *
 * Exit status: 0 success, 1 the switch answered with an error, 2 usage
 * error, 3 no usable reply (cannot connect, timeout, malformed reply).
 */
#include "vioctl.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIOCTL_DEFAULT_TIMEOUT 5.0 /* seconds */
#define VIOCTL_VLAN_MAX	       4094

/**
 * vioctl_usage_error() - report a command-line mistake and exit with status 2
 * @fmt:	message, printf-style, without "vioctl: " or a newline
 */
void vioctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vioctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'vioctl help' for more information.\n", stderr);
	exit(VIOCTL_EXIT_USAGE);
}

/**
 * cmd_usage_error() - report wrong arguments to @cmd, and exit
 * @cmd:	command
 */
static void __attribute__((noreturn))
cmd_usage_error(const struct vioctl_cmd *cmd)
{
	vioctl_usage_error("usage: vioctl %s", cmd->usage);
}

/**
 * build_port_add() - add the port specification to a port-add request
 * @cmd:	command (unused)
 * @req:	request
 * @args:	SPEC
 * @n:		number of @args, one
 */
static void build_port_add(const struct vioctl_cmd *cmd, json_t *req,
			   char **args, int n)
{
	(void)cmd;
	(void)n;
	json_object_set_new(req, "netdev", json_string(args[0]));
}

/**
 * build_port_id() - add the optional port ID of port-del or stats
 * @cmd:	command (unused)
 * @req:	request
 * @args:	[ID]
 * @n:		number of @args
 */
static void build_port_id(const struct vioctl_cmd *cmd, json_t *req,
			  char **args, int n)
{
	(void)cmd;
	if (n)
		json_object_set_new(req, "id", json_string(args[0]));
}

/**
 * build_stats() - add the optional port ID and --format to a stats request
 * @cmd:	command, for the usage message
 * @req:	request
 * @args:	[--format json|prometheus] [ID], in any order
 * @n:		number of @args
 */
static void build_stats(const struct vioctl_cmd *cmd, json_t *req, char **args,
			int n)
{
	for (int i = 0; i < n; i++) {
		if (!strcmp(args[i], "--format") && i + 1 < n) {
			if (strcmp(args[i + 1], "json") &&
			    strcmp(args[i + 1], "prometheus"))
				vioctl_usage_error("unknown format '%s': "
						   "expected json or "
						   "prometheus",
						   args[i + 1]);
			json_object_set_new(req, "format",
					    json_string(args[++i]));
		} else if (args[i][0] != '-' && !json_object_get(req, "id")) {
			json_object_set_new(req, "id", json_string(args[i]));
		} else {
			cmd_usage_error(cmd);
		}
	}
	if (json_object_get(req, "id") &&
	    json_is_string(json_object_get(req, "format")) &&
	    !strcmp(json_string_value(json_object_get(req, "format")),
		    "prometheus"))
		vioctl_usage_error("--format prometheus covers every port: "
				   "give no ID");
}

/**
 * build_fdb_flush() - add the optional port to a fdb-flush request
 * @cmd:	command (unused)
 * @req:	request
 * @args:	[PORT]
 * @n:		number of @args
 */
static void build_fdb_flush(const struct vioctl_cmd *cmd, json_t *req,
			    char **args, int n)
{
	(void)cmd;
	if (n)
		json_object_set_new(req, "port", json_string(args[0]));
}

/**
 * parse_vlan() - parse a VLAN ID from the command line
 * @arg:	decimal VLAN ID, 0 to 4094
 *
 * Return: the VLAN ID; exits with a usage error on a bad value
 */
static unsigned int parse_vlan(const char *arg)
{
	unsigned long vlan;
	char *end;

	if (*arg < '0' || *arg > '9')
		goto bad;
	errno = 0;
	vlan = strtoul(arg, &end, 10);
	if (errno || *end || vlan > VIOCTL_VLAN_MAX)
		goto bad;
	return vlan;
bad:
	vioctl_usage_error("invalid VLAN '%s': expected a number from 0 to %d",
			   arg, VIOCTL_VLAN_MAX);
}

/**
 * build_vlan() - add an optional trailing "vlan N" to a request
 * @cmd:	command, for the usage message
 * @req:	request
 * @args:	the optional words: none, or "vlan" and N
 * @n:		number of @args
 */
static void build_vlan(const struct vioctl_cmd *cmd, json_t *req, char **args,
		       int n)
{
	if (!n)
		return;
	if (n != 2 || strcmp(args[0], "vlan"))
		cmd_usage_error(cmd);
	json_object_set_new(req, "vlan", json_integer(parse_vlan(args[1])));
}

/**
 * build_fdb_add() - add MAC, port, optional remote VTEP and optional VLAN
 * to a fdb-add request
 * @cmd:	command
 * @req:	request
 * @args:	MAC PORT [remote IP] [vlan N]
 * @n:		number of @args
 */
static void build_fdb_add(const struct vioctl_cmd *cmd, json_t *req,
			  char **args, int n)
{
	json_object_set_new(req, "mac", json_string(args[0]));
	json_object_set_new(req, "port", json_string(args[1]));
	args += 2;
	n -= 2;
	if (n >= 2 && !strcmp(args[0], "remote")) {
		json_object_set_new(req, "remote", json_string(args[1]));
		args += 2;
		n -= 2;
	}
	build_vlan(cmd, req, args, n);
}

/**
 * build_fdb_del() - add MAC and optional VLAN to a fdb-del request
 * @cmd:	command
 * @req:	request
 * @args:	MAC [vlan N]
 * @n:		number of @args
 */
static void build_fdb_del(const struct vioctl_cmd *cmd, json_t *req,
			  char **args, int n)
{
	json_object_set_new(req, "mac", json_string(args[0]));
	build_vlan(cmd, req, args + 1, n - 1);
}

/**
 * build_hostfwd() - add the NAT port id and a rule to a hostfwd request
 * @cmd:	command (unused)
 * @req:	request
 * @args:	ID RULE
 * @n:		number of @args
 */
static void build_hostfwd(const struct vioctl_cmd *cmd, json_t *req,
			  char **args, int n)
{
	(void)cmd;
	(void)n;
	json_object_set_new(req, "id", json_string(args[0]));
	json_object_set_new(req, "rule", json_string(args[1]));
}

/* The commands, in the order "vioctl help" lists them. */
static const struct vioctl_cmd vioctl_cmds[] = {
	{ "port", "list", "port-list", 0, 0, NULL, vioctl_print_ports,
	  "port list", NULL },
	{ "port", "add", "port-add", 1, 1, build_port_add,
	  vioctl_print_port_added, "port add SPEC", NULL },
	{ "port", "del", "port-del", 1, 1, build_port_id,
	  vioctl_print_port_removed, "port del ID", NULL },
	{ "fdb", "show", "fdb-show", 0, 0, NULL, vioctl_print_fdb, "fdb show",
	  NULL },
	{ "fdb", "flush", "fdb-flush", 0, 1, build_fdb_flush,
	  vioctl_print_flushed, "fdb flush [PORT]", NULL },
	{ "fdb", "add", "fdb-add", 2, 6, build_fdb_add, vioctl_print_ok,
	  "fdb add MAC PORT [remote IP] [vlan N]", NULL },
	{ "fdb", "del", "fdb-del", 1, 3, build_fdb_del, vioctl_print_ok,
	  "fdb del MAC [vlan N]", NULL },
	{ "hostfwd", "list", "hostfwd-list", 0, 1, build_port_id,
	  vioctl_print_hostfwd, "hostfwd list [ID]", NULL },
	{ "hostfwd", "add", "hostfwd-add", 2, 2, build_hostfwd, vioctl_print_ok,
	  "hostfwd add ID RULE", NULL },
	{ "hostfwd", "del", "hostfwd-del", 2, 2, build_hostfwd, vioctl_print_ok,
	  "hostfwd del ID RULE", NULL },
	{ "nat", "leases", "nat-leases", 0, 1, build_port_id,
	  vioctl_print_nat_leases, "nat leases [ID]", NULL },
	{ "stats", NULL, "stats", 0, 3, build_stats, vioctl_print_stats,
	  "stats [ID] [--format json|prometheus]", NULL },
	{ "pmd", "stats", "pmd-stats", 0, 0, NULL, vioctl_print_pmds,
	  "pmd stats", NULL },
	{ "top", NULL, "pmd-stats", 0, 2, vioctl_top_build, vioctl_print_top,
	  "top [-n N|--count N]", vioctl_top },
	{ "config", "show", "config-show", 0, 0, NULL, vioctl_print_config,
	  "config show", NULL },
	{ "version", NULL, "version", 0, 0, NULL, vioctl_print_version,
	  "version", NULL },
};

static struct vioctl_cmd_group builtin_cmds = {
	.cmds = vioctl_cmds,
	.n = sizeof(vioctl_cmds) / sizeof(vioctl_cmds[0]),
};

/* Every command: the built-in ones, then those features registered. */
static struct vioctl_cmd_group *cmd_groups = &builtin_cmds;

/**
 * vioctl_cmds_register() - add a feature's commands (called when the
 * program loads, before main())
 * @g:		the commands; they keep their order and come after the
 *		built-in ones and those registered earlier
 */
void vioctl_cmds_register(struct vioctl_cmd_group *g)
{
	struct vioctl_cmd_group **tail = &cmd_groups;

	while (*tail)
		tail = &(*tail)->next;
	g->next = NULL;
	*tail = g;
}

/* Iterate over every command: CMD_FOREACH(g, i) ... g->cmds[i] */
#define CMD_FOREACH(g, i)                                                      \
	for (const struct vioctl_cmd_group *g = cmd_groups; g; g = g->next)    \
		for (size_t i = 0; i < g->n; i++)

/**
 * usage() - print the help text to stdout
 */
static void usage(void)
{
	printf("Usage: vioctl [--ctl PATH] [--json] [--timeout SEC] "
	       "COMMAND...\n\n"
	       "Options:\n"
	       "  --ctl PATH     control socket (default: $VIOSWITCH_CTL, "
	       "else\n"
	       "                 %s as root,\n"
	       "                 %s otherwise)\n"
	       "  --json         print the result as JSON\n"
	       "  --timeout SEC  give up after SEC seconds (default: %g)\n"
	       "  -h, --help     print this help\n\n"
	       "Commands:\n",
	       CTL_PATH_DEFAULT, CTL_PATH_USER, VIOCTL_DEFAULT_TIMEOUT);
	CMD_FOREACH(g, i)
	printf("  %s\n", g->cmds[i].usage);
	printf("  help\n\n"
	       "Exit status: 0 success, 1 the switch reported an error, "
	       "2 usage error,\n"
	       "3 no usable reply (cannot connect, timeout, malformed "
	       "reply).\n");
}

/**
 * opt_timeout() - parse the argument of --timeout
 * @arg:	seconds, a positive decimal number
 *
 * Return: the timeout in seconds; exits on a bad value
 */
static double opt_timeout(const char *arg)
{
	char *end;
	double sec;

	errno = 0;
	sec = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(sec) || sec <= 0 ||
	    sec > INT_MAX / 1000)
		vioctl_usage_error("invalid timeout '%s': expected seconds, "
				   "e.g. 5 or 0.5",
				   arg);
	return sec;
}

/**
 * opt_ctl_default() - the socket path when --ctl is not given
 *
 * Return: $VIOSWITCH_CTL if set and not empty, else the switch's own rule
 * (protocol.h: /run/vioswitch/ctl.sock for root, else in the user's
 * runtime directory); exits with status 2 when that rule finds none
 */
static const char *opt_ctl_default(void)
{
	static char path[108];
	const char *env = getenv(CTL_PATH_ENV);
	char err[256];

	if (env && *env)
		return env;
	if (ctl_run_path(CTL_SOCK_NAME, path, sizeof(path), err, sizeof(err)))
		vioctl_usage_error("no default control socket: %s", err);
	return path;
}

/**
 * opt_bad() - report an option getopt_long() rejected, and exit
 * @c:		what getopt_long() returned: '?' or ':'
 * @argv:	command line
 */
static void __attribute__((noreturn)) opt_bad(int c, char **argv)
{
	if (c == ':')
		vioctl_usage_error("option '%s' needs an argument",
				   argv[optind - 1]);
	if (optopt)
		vioctl_usage_error("unknown option '-%c'", optopt);
	vioctl_usage_error("unknown option '%s'", argv[optind - 1]);
}

/**
 * opts_parse() - parse the global options, up to the command
 * @argc:	argument count
 * @argv:	arguments
 * @o:		parsed options
 *
 * Return: index in @argv of the first command word; exits on a usage error
 */
static int opts_parse(int argc, char **argv, struct vioctl_opts *o)
{
	static const struct option longopts[] = {
		{ "ctl", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->ctl = NULL;
	o->json = false;
	o->timeout = VIOCTL_DEFAULT_TIMEOUT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!*optarg)
				vioctl_usage_error("--ctl needs a socket path");
			o->ctl = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 't':
			o->timeout = opt_timeout(optarg);
			break;
		case 'h':
			usage();
			exit(VIOCTL_EXIT_OK);
		default:
			opt_bad(c, argv);
		}
	}
	if (!o->ctl)
		o->ctl = opt_ctl_default();
	return optind;
}

/**
 * cmd_group_known() - tell whether a word starts some command
 * @word:	first command word
 *
 * Return: true if a command starts with @word
 */
static bool cmd_group_known(const char *word)
{
	CMD_FOREACH(g, i)
	if (!strcmp(g->cmds[i].group, word))
		return true;
	return false;
}

/**
 * cmd_find() - look up the command named by the first words of @words
 * @words:	command words and arguments
 * @n:		number of @words, at least one
 *
 * Return: the command; exits with a usage error if none matches
 */
static const struct vioctl_cmd *cmd_find(char **words, int n)
{
	CMD_FOREACH(g, i)
	{
		const struct vioctl_cmd *cmd = &g->cmds[i];

		if (strcmp(cmd->group, words[0]))
			continue;
		if (!cmd->sub || (n > 1 && !strcmp(cmd->sub, words[1])))
			return cmd;
	}
	if (!cmd_group_known(words[0]))
		vioctl_usage_error("unknown command '%s'", words[0]);
	if (n == 1)
		vioctl_usage_error("'%s' needs a subcommand", words[0]);
	vioctl_usage_error("unknown command '%s %s'", words[0], words[1]);
}

/**
 * cmd_parse() - turn the command words into a request
 * @words:	command words and arguments
 * @n:		number of @words
 * @cmdp:	the command found
 *
 * Return: the request; exits on a usage error, or after "help"
 */
static json_t *cmd_parse(char **words, int n, const struct vioctl_cmd **cmdp)
{
	const struct vioctl_cmd *cmd;
	int skip, nargs;
	json_t *req;

	if (!n)
		vioctl_usage_error("missing command");
	if (!strcmp(words[0], "help")) {
		if (n > 1)
			vioctl_usage_error("usage: vioctl help");
		usage();
		exit(VIOCTL_EXIT_OK);
	}
	cmd = cmd_find(words, n);
	skip = cmd->sub ? 2 : 1;
	nargs = n - skip;
	if (nargs < cmd->min_args || nargs > cmd->max_args)
		cmd_usage_error(cmd);
	req = json_pack("{s:s}", "cmd", cmd->name);
	if (!req) {
		fputs("vioctl: out of memory\n", stderr);
		exit(VIOCTL_EXIT_NO_REPLY);
	}
	if (cmd->build)
		cmd->build(cmd, req, words + skip, nargs);
	*cmdp = cmd;
	return req;
}

/**
 * result_print() - print the result of a successful command
 * @o:		options
 * @cmd:	command
 * @r:		request and result
 *
 * Return: exit status
 */
static int result_print(const struct vioctl_opts *o,
			const struct vioctl_cmd *cmd, struct vioctl_reply *r)
{
	char *text;
	int rc;

	if (o->json) {
		/* With -w -, stdout carries the capture. */
		FILE *f = json_is_true(json_object_get(r->req, "stream"))
				  ? stderr
				  : stdout;

		text = json_dumps(r->result, JSON_INDENT(2) | JSON_ENCODE_ANY);
		rc = text ? 0 : -ENOMEM;
		if (text)
			fprintf(f, "%s\n", text);
		free(text);
	} else {
		r->err[0] = '\0';
		rc = cmd->print(r);
	}
	if (rc == -ENOMEM)
		fputs("vioctl: out of memory\n", stderr);
	else if (rc)
		fprintf(stderr, "vioctl: malformed reply from %s: %s: %s\n",
			o->ctl, cmd->name, r->err);
	return rc ? VIOCTL_EXIT_NO_REPLY : VIOCTL_EXIT_OK;
}

/**
 * main() - parse the command line, run one exchange, print the result
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status, see the top of this file
 */
int main(int argc, char **argv)
{
	struct vioctl_reply r = { 0 };
	const struct vioctl_cmd *cmd;
	struct vioctl_opts o;
	int first, rc;

	first = opts_parse(argc, argv, &o);
	r.req = cmd_parse(argv + first, argc - first, &cmd);
	/* A live view has no JSON form. */
	if (o.json && cmd->follow == vioctl_top)
		vioctl_usage_error("'%s' has no --json form: use "
				   "'vioctl --json stats' or 'vioctl stats "
				   "--format prometheus'",
				   cmd->group);
	rc = vioctl_request(&o, r.req, &r.result);
	if (rc == VIOCTL_EXIT_OK)
		rc = result_print(&o, cmd, &r);
	if (rc == VIOCTL_EXIT_OK && cmd->follow)
		rc = cmd->follow(&o, &r);
	json_decref(r.result);
	json_decref(r.req);
	return rc;
}
