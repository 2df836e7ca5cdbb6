// SPDX-License-Identifier: BSD-3-Clause
/* vioctl.c - vioctl: command-line client of the vioswitch control socket
 *
 * Theory of operation
 * -------------------
 * One run is one exchange (doc/control-protocol.md): parse the command line
 * into a request object, connect to the control socket, send the request as
 * one line, read one reply line, then print the reply's result, as JSON with
 * --json or as text through the command's printer (vioctl_print.c).
 *
 * The --timeout budget covers the whole exchange: connect() waits at most
 * that long (SO_SNDTIMEO bounds a unix connect to a full backlog), and the
 * send and receive loops poll against the same deadline.
 *
 * Exit status: 0 success, 1 the switch answered with an error, 2 usage
 * error, 3 no usable reply (cannot connect, timeout, malformed reply).
 */
#include "vioctl.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define VIOCTL_DEFAULT_CTL     "/run/vioswitch/ctl.sock"
#define VIOCTL_DEFAULT_TIMEOUT 5.0 /* seconds */
#define VIOCTL_REPLY_MAX       (16u << 20) /* bytes, without the newline */
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
 * build_fdb_add() - add MAC, port and optional VLAN to a fdb-add request
 * @cmd:	command
 * @req:	request
 * @args:	MAC PORT [vlan N]
 * @n:		number of @args
 */
static void build_fdb_add(const struct vioctl_cmd *cmd, json_t *req,
			  char **args, int n)
{
	json_object_set_new(req, "mac", json_string(args[0]));
	json_object_set_new(req, "port", json_string(args[1]));
	build_vlan(cmd, req, args + 2, n - 2);
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
	  "port list" },
	{ "port", "add", "port-add", 1, 1, build_port_add,
	  vioctl_print_port_added, "port add SPEC" },
	{ "port", "del", "port-del", 1, 1, build_port_id,
	  vioctl_print_port_removed, "port del ID" },
	{ "fdb", "show", "fdb-show", 0, 0, NULL, vioctl_print_fdb, "fdb show" },
	{ "fdb", "flush", "fdb-flush", 0, 1, build_fdb_flush,
	  vioctl_print_flushed, "fdb flush [PORT]" },
	{ "fdb", "add", "fdb-add", 2, 4, build_fdb_add, vioctl_print_ok,
	  "fdb add MAC PORT [vlan N]" },
	{ "fdb", "del", "fdb-del", 1, 3, build_fdb_del, vioctl_print_ok,
	  "fdb del MAC [vlan N]" },
	{ "hostfwd", "list", "hostfwd-list", 0, 1, build_port_id,
	  vioctl_print_hostfwd, "hostfwd list [ID]" },
	{ "hostfwd", "add", "hostfwd-add", 2, 2, build_hostfwd, vioctl_print_ok,
	  "hostfwd add ID RULE" },
	{ "hostfwd", "del", "hostfwd-del", 2, 2, build_hostfwd, vioctl_print_ok,
	  "hostfwd del ID RULE" },
	{ "nat", "leases", "nat-leases", 0, 1, build_port_id,
	  vioctl_print_nat_leases, "nat leases [ID]" },
	{ "capture", "start", "capture-start", 1, 40,
	  vioctl_build_capture_start, vioctl_print_capture,
	  "capture start PORT[,PORT...]|all [--dir rx|tx|both] "
	  "[--filter EXPR]\n"
	  "                [-w FILE|-] [--format pcapng|pcap] [--snaplen N] "
	  "[--count N]\n"
	  "                [--duration SEC] [--rotate SIZE_MB,FILES]" },
	{ "capture", "stop", "capture-stop", 1, 1, vioctl_build_session_id,
	  vioctl_print_capture_stopped, "capture stop ID" },
	{ "capture", "list", "capture-list", 0, 0, NULL, vioctl_print_captures,
	  "capture list" },
	{ "mirror", "add", "mirror-add", 3, 40, vioctl_build_mirror_add,
	  vioctl_print_mirror,
	  "mirror add SRC[,SRC...]|all to PORT [--dir rx|tx|both] "
	  "[--filter EXPR]" },
	{ "mirror", "del", "mirror-del", 1, 1, vioctl_build_session_id,
	  vioctl_print_mirror_removed, "mirror del ID" },
	{ "mirror", "list", "mirror-list", 0, 0, NULL, vioctl_print_mirrors,
	  "mirror list" },
	{ "stats", NULL, "stats", 0, 1, build_port_id, vioctl_print_stats,
	  "stats [ID]" },
	{ "pmd", "stats", "pmd-stats", 0, 0, NULL, vioctl_print_pmds,
	  "pmd stats" },
	{ "version", NULL, "version", 0, 0, NULL, vioctl_print_version,
	  "version" },
};

#define VIOCTL_N_CMDS (sizeof(vioctl_cmds) / sizeof(vioctl_cmds[0]))

/**
 * usage() - print the help text to stdout
 */
static void usage(void)
{
	printf("Usage: vioctl [--ctl PATH] [--json] [--timeout SEC] "
	       "COMMAND...\n\n"
	       "Options:\n"
	       "  --ctl PATH     control socket (default: $VIOSWITCH_CTL, or\n"
	       "                 %s)\n"
	       "  --json         print the result as JSON\n"
	       "  --timeout SEC  give up after SEC seconds (default: %g)\n"
	       "  -h, --help     print this help\n\n"
	       "Commands:\n",
	       VIOCTL_DEFAULT_CTL, VIOCTL_DEFAULT_TIMEOUT);
	for (size_t i = 0; i < VIOCTL_N_CMDS; i++)
		printf("  %s\n", vioctl_cmds[i].usage);
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
 * Return: $VIOSWITCH_CTL if set and not empty, else the default path
 */
static const char *opt_ctl_default(void)
{
	const char *env = getenv("VIOSWITCH_CTL");

	return env && *env ? env : VIOCTL_DEFAULT_CTL;
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
	for (size_t i = 0; i < VIOCTL_N_CMDS; i++)
		if (!strcmp(vioctl_cmds[i].group, word))
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
	for (size_t i = 0; i < VIOCTL_N_CMDS; i++) {
		const struct vioctl_cmd *cmd = &vioctl_cmds[i];

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
 * deadline_set() - compute the end of the exchange
 * @deadline:	set to now plus @sec, on the monotonic clock
 * @sec:	seconds from now
 */
static void deadline_set(struct timespec *deadline, double sec)
{
	clock_gettime(CLOCK_MONOTONIC, deadline);
	deadline->tv_sec += (time_t)sec;
	deadline->tv_nsec += (long)((sec - (time_t)sec) * 1e9);
	if (deadline->tv_nsec >= 1000000000L) {
		deadline->tv_sec++;
		deadline->tv_nsec -= 1000000000L;
	}
}

/**
 * deadline_ms() - time left until @deadline
 * @deadline:	end of the exchange
 *
 * Return: milliseconds left, rounded up, or 0 if passed
 */
static int deadline_ms(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000LL +
	     (deadline->tv_nsec - now.tv_nsec + 999999L) / 1000000L;
	if (ms < 0)
		return 0;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/**
 * ctl_wait() - wait until @fd is ready for @events, or the deadline
 * @fd:		socket
 * @events:	POLLIN or POLLOUT
 * @deadline:	end of the exchange
 *
 * Return: 0 when ready, -ETIMEDOUT, or another negative errno
 */
static int ctl_wait(int fd, short events, const struct timespec *deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	do {
		rc = poll(&pfd, 1, deadline_ms(deadline));
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	return rc ? 0 : -ETIMEDOUT;
}

/**
 * ctl_connect() - connect to the control socket
 * @path:	socket path
 * @sec:	seconds connect() may wait for room in the listen backlog
 *
 * Return: a non-blocking socket, or negative errno
 */
static int ctl_connect(const char *path, double sec)
{
	struct timeval tv = { .tv_sec = (time_t)sec,
			      .tv_usec = (long)((sec - (time_t)sec) * 1e6) };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    fcntl(fd, F_SETFL, O_NONBLOCK))
		goto fail;
	return fd;
fail:
	err = errno == EAGAIN || errno == EINPROGRESS ? ETIMEDOUT : errno;
	close(fd);
	return -err;
}

/**
 * send_with_fd() - send bytes with a descriptor attached
 * @fd:		socket
 * @buf:	data
 * @len:	bytes
 * @pass:	descriptor to pass
 *
 * Return: bytes sent, or -1 with errno
 */
static ssize_t send_with_fd(int fd, const char *buf, size_t len, int pass)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = cbuf.buf,
			      .msg_controllen = sizeof(cbuf.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	memset(&cbuf, 0, sizeof(cbuf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &pass, sizeof(pass));
	return sendmsg(fd, &msg, MSG_NOSIGNAL);
}

/**
 * ctl_send() - send a whole buffer before the deadline
 * @fd:		connected non-blocking socket
 * @buf:	data
 * @len:	bytes in @buf
 * @pass:	descriptor to pass with the first bytes (SCM_RIGHTS), or -1
 * @deadline:	end of the exchange
 *
 * Return: 0, -ETIMEDOUT, or another negative errno
 */
static int ctl_send(int fd, const char *buf, size_t len, int pass,
		    const struct timespec *deadline)
{
	while (len) {
		ssize_t n = pass < 0 ? send(fd, buf, len, MSG_NOSIGNAL)
				     : send_with_fd(fd, buf, len, pass);
		int rc;

		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (n < 0) {
			rc = ctl_wait(fd, POLLOUT, deadline);
			if (rc)
				return rc;
			continue;
		}
		pass = -1; /* it went with the first bytes */
		buf += n;
		len -= n;
	}
	return 0;
}

/**
 * buf_grow() - make room for more of the reply
 * @buf:	buffer, reallocated
 * @cap:	its size, updated
 *
 * Return: 0, -EMSGSIZE past VIOCTL_REPLY_MAX, or -ENOMEM
 */
static int buf_grow(char **buf, size_t *cap)
{
	size_t size = *cap ? *cap * 2 : 4096;
	char *p;

	if (*cap > VIOCTL_REPLY_MAX)
		return -EMSGSIZE;
	if (size > VIOCTL_REPLY_MAX + 1)
		size = VIOCTL_REPLY_MAX + 1;
	p = realloc(*buf, size);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = size;
	return 0;
}

/**
 * ctl_recv_line() - read one reply line before the deadline
 * @fd:		connected non-blocking socket
 * @deadline:	end of the exchange
 * @line:	set to the line, without its newline, for the caller to free
 * @len:	set to the length of @line
 *
 * Return: 0, -ETIMEDOUT, -ENODATA if the switch closed the connection
 * first, -EMSGSIZE for a line over VIOCTL_REPLY_MAX, or negative errno
 */
static int ctl_recv_line(int fd, const struct timespec *deadline, char **line,
			 size_t *len)
{
	size_t got = 0, cap = 0;
	char *buf = NULL, *nl = NULL;
	ssize_t n;
	int rc;

	while (!nl) {
		if (got == cap && (rc = buf_grow(&buf, &cap)))
			goto fail;
		rc = ctl_wait(fd, POLLIN, deadline);
		if (rc)
			goto fail;
		n = recv(fd, buf + got, cap - got, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		rc = n < 0 ? -errno : -ENODATA;
		if (n <= 0)
			goto fail;
		nl = memchr(buf + got, '\n', n);
		got += n;
	}
	*line = buf;
	*len = nl - buf;
	return 0;
fail:
	free(buf);
	return rc;
}

/**
 * ctl_connect_error() - explain why connecting to the switch failed
 * @o:		options, for the socket path
 * @err:	negative errno
 */
static void ctl_connect_error(const struct vioctl_opts *o, int err)
{
	const char *hint = "";

	if (err == -ENOENT || err == -ECONNREFUSED)
		hint = " (is vioswitch running?)";
	fprintf(stderr, "vioctl: cannot connect to %s: %s%s\n", o->ctl,
		strerror(-err), hint);
}

/**
 * ctl_reply_error() - explain why no reply came from the switch
 * @o:		options, for the socket path and timeout
 * @err:	negative errno from sending or receiving
 */
static void ctl_reply_error(const struct vioctl_opts *o, int err)
{
	const char *why = strerror(-err);

	if (err == -EMSGSIZE) {
		fprintf(stderr, "vioctl: reply from %s is over %u bytes\n",
			o->ctl, VIOCTL_REPLY_MAX);
		return;
	}
	if (err == -ENODATA)
		why = "connection closed by the switch";
	fprintf(stderr, "vioctl: no reply from %s: %s", o->ctl, why);
	if (err == -ETIMEDOUT)
		fprintf(stderr, " (after %g s)", o->timeout);
	fputc('\n', stderr);
}

/**
 * ctl_request_line() - serialize a request as one line
 * @req:	request
 *
 * Return: the line, with its newline, for the caller to free, or NULL
 */
static char *ctl_request_line(const json_t *req)
{
	char *body = json_dumps(req, JSON_COMPACT);
	char *line;

	if (!body)
		return NULL;
	if (asprintf(&line, "%s\n", body) < 0)
		line = NULL;
	free(body);
	return line;
}

/**
 * ctl_exchange() - send @req and read the reply line
 * @o:		options
 * @req:	request; with "stream": true, our stdout goes along with it
 * @line:	set to the reply line, for the caller to free
 * @len:	set to its length
 *
 * Return: 0, or negative errno after telling the user what failed
 */
static int ctl_exchange(const struct vioctl_opts *o, const json_t *req,
			char **line, size_t *len)
{
	char *out = ctl_request_line(req);
	struct timespec deadline;
	int fd, rc;

	if (!out) {
		fputs("vioctl: out of memory\n", stderr);
		return -ENOMEM;
	}
	deadline_set(&deadline, o->timeout);
	fd = ctl_connect(o->ctl, o->timeout);
	if (fd < 0) {
		ctl_connect_error(o, fd);
		free(out);
		return fd;
	}
	rc = ctl_send(fd, out, strlen(out),
		      json_is_true(json_object_get(req, "stream"))
			      ? STDOUT_FILENO
			      : -1,
		      &deadline);
	if (!rc)
		rc = ctl_recv_line(fd, &deadline, line, len);
	if (rc)
		ctl_reply_error(o, rc);
	close(fd);
	free(out);
	return rc;
}

/**
 * reply_parse() - check a reply line and take out its result
 * @o:		options, for the socket path in messages
 * @line:	reply line, without its newline
 * @len:	its length
 * @result:	set to a new reference to the result on success
 *
 * Return: exit status: VIOCTL_EXIT_OK, VIOCTL_EXIT_SWITCH for an error
 * reply, VIOCTL_EXIT_NO_REPLY for a malformed one
 */
static int reply_parse(const struct vioctl_opts *o, const char *line,
		       size_t len, json_t **result)
{
	const char *error = NULL;
	json_t *reply, *res = NULL;
	json_error_t jerr;
	int ok, rc = VIOCTL_EXIT_NO_REPLY;

	reply = json_loadb(line, len, 0, &jerr);
	if (!reply)
		goto bad;
	if (json_unpack_ex(reply, &jerr, 0, "{s:b, s?s, s?o}", "ok", &ok,
			   "error", &error, "result", &res))
		goto bad;
	if (ok && res) {
		*result = json_incref(res);
		rc = VIOCTL_EXIT_OK;
	} else if (!ok && error) {
		fprintf(stderr, "vioctl: %s\n", error);
		rc = VIOCTL_EXIT_SWITCH;
	} else {
		snprintf(jerr.text, sizeof(jerr.text), "no \"%s\" member",
			 ok ? "result" : "error");
		goto bad;
	}
	json_decref(reply);
	return rc;
bad:
	fprintf(stderr, "vioctl: malformed reply from %s: %s\n", o->ctl,
		jerr.text);
	json_decref(reply);
	return rc;
}

/**
 * vioctl_request() - one exchange whose result the caller uses
 * @o:		options
 * @req:	request
 * @result:	set to the result on success, for the caller to release
 *
 * Return: exit status; errors are already reported
 */
int vioctl_request(const struct vioctl_opts *o, const json_t *req,
		   json_t **result)
{
	char *line = NULL;
	size_t len = 0;
	int rc;

	if (ctl_exchange(o, req, &line, &len))
		return VIOCTL_EXIT_NO_REPLY;
	rc = reply_parse(o, line, len, result);
	free(line);
	return rc;
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
	char *line = NULL;
	size_t len = 0;
	int first, rc;

	first = opts_parse(argc, argv, &o);
	r.req = cmd_parse(argv + first, argc - first, &cmd);
	if (ctl_exchange(&o, r.req, &line, &len)) {
		json_decref(r.req);
		return VIOCTL_EXIT_NO_REPLY;
	}
	rc = reply_parse(&o, line, len, &r.result);
	free(line);
	if (rc == VIOCTL_EXIT_OK)
		rc = result_print(&o, cmd, &r);
	if (rc == VIOCTL_EXIT_OK &&
	    json_is_true(json_object_get(r.req, "stream")))
		rc = vioctl_capture_follow(&o, r.result);
	json_decref(r.result);
	json_decref(r.req);
	return rc;
}
