// SPDX-License-Identifier: BSD-3-Clause
/* capture_cli.c - vioctl: capture and mirror commands
 *
 * `capture start` turns tcpdump-like options into a capture-start request.
 * A file name is made absolute here (the switch opens it); `-w -` asks the
 * switch to write to our stdout: vioctl.c passes that descriptor with the
 * request, prints everything else on stderr, and capture_follow() stays
 * until the capture ends (count, duration, the reader of the pipe
 * going away) or until Ctrl-C, then stops it and prints the final counts.
 * So `vioctl capture start vm1 -w - | tshark -r -` behaves like tcpdump.
 */
#include "vioctl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FOLLOW_POLL_MS 200

static volatile sig_atomic_t follow_stop;

/**
 * arg_value() - the value of option @name at @args[*i]
 * @args:	arguments
 * @n:		count
 * @i:		index of the option, advanced past its value
 * @name:	option name, e.g. "--filter"
 *
 * Return: the value, or NULL when @args[*i] is not @name; exits when the
 * value is missing
 */
static const char *arg_value(char **args, int n, int *i, const char *name)
{
	size_t len = strlen(name);

	if (!strncmp(args[*i], name, len) && args[*i][len] == '=')
		return args[*i] + len + 1;
	if (strcmp(args[*i], name))
		return NULL;
	if (*i + 1 >= n)
		vioctl_usage_error("option '%s' needs an argument", name);
	return args[++*i];
}

/**
 * set_number() - add a non-negative integer member from text
 * @req:	request
 * @key:	member
 * @text:	number
 */
static void set_number(json_t *req, const char *key, const char *text)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (!*text || *end || errno || *text == '-' || v > INT64_MAX)
		vioctl_usage_error("--%s '%s': expected a number", key, text);
	json_object_set_new(req, key, json_integer((json_int_t)v));
}

/**
 * set_file() - add the capture file, made absolute, or ask for a stream
 * @req:	request
 * @file:	file name, or "-" for stdout
 */
static void set_file(json_t *req, const char *file)
{
	char cwd[PATH_MAX], path[PATH_MAX];

	if (!strcmp(file, "-")) {
		if (isatty(STDOUT_FILENO))
			vioctl_usage_error("-w -: stdout is a terminal; pipe "
					   "it to a reader (e.g. | tshark -r -)"
					   " or give a file");
		json_object_set_new(req, "stream", json_true());
		return;
	}
	if (file[0] == '/') {
		json_object_set_new(req, "file", json_string(file));
		return;
	}
	if (!getcwd(cwd, sizeof(cwd)) ||
	    snprintf(path, sizeof(path), "%s/%s", cwd, file) >=
		    (int)sizeof(path))
		vioctl_usage_error("-w %s: cannot make the path absolute",
				   file);
	json_object_set_new(req, "file", json_string(path));
}

/**
 * refuse_file() - say why vioctl does not write @path, and exit
 * @path:	capture file
 * @why:	the reason
 */
static void __attribute__((noreturn))
refuse_file(const char *path, const char *why)
{
	fprintf(stderr, "vioctl: refusing to write %s: %s\n", path, why);
	exit(VIOCTL_EXIT_SWITCH);
}

/**
 * open_own_file() - open the capture file as the user running vioctl and
 * pass it with the request, so that the file is that user's, mode 0600,
 * whatever user the switch runs as and whatever rights it kept: a new file
 * is created, an existing one is reused only when it is a regular file of
 * this user with no other link; a symlink is never followed; a character
 * device (/dev/null) is opened as this user may. A FIFO is left for the
 * switch to open (it refuses one nobody reads).
 * @req:	request with "file"
 */
static void open_own_file(json_t *req)
{
	const char *path = json_string_value(json_object_get(req, "file"));
	struct stat st;
	int fd;

	if (!lstat(path, &st) && S_ISCHR(st.st_mode)) {
		/* e.g. /dev/null: whatever this user may open for writing */
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			refuse_file(path, strerror(errno));
		json_object_set_new(req, "file_opened", json_true());
		vioctl_pass_fd = fd;
		return;
	}
	if (!lstat(path, &st) && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ELOOP)
		refuse_file(path, "it is a symbolic link (captures never "
				  "follow one; give the real path)");
	if (fd < 0 && errno == EACCES && !lstat(path, &st) &&
	    st.st_uid != getuid())
		refuse_file(path, "it belongs to another user; remove it or "
				  "choose another name");
	if (fd < 0)
		refuse_file(path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		refuse_file(path, "it is not a regular file");
	if (st.st_uid != getuid())
		refuse_file(path, "it belongs to another user; remove it or "
				  "choose another name");
	if (st.st_nlink != 1)
		refuse_file(path, "it has other hard links");
	if (ftruncate(fd, 0) || fchmod(fd, 0600))
		refuse_file(path, strerror(errno));
	json_object_set_new(req, "file_opened", json_true());
	vioctl_pass_fd = fd;
}

/**
 * common_option() - handle --dir and --filter
 * @req:	request
 * @args:	arguments
 * @n:		count
 * @i:		index, advanced past a value
 *
 * Return: true if @args[*i] was one of them
 */
static bool common_option(json_t *req, char **args, int n, int *i)
{
	const char *v;

	if ((v = arg_value(args, n, i, "--dir"))) {
		json_object_set_new(req, "dir", json_string(v));
		return true;
	}
	if ((v = arg_value(args, n, i, "--filter"))) {
		json_object_set_new(req, "filter", json_string(v));
		return true;
	}
	return false;
}

/**
 * build_capture_start() - fill a capture-start request
 * @cmd:	command, for the usage message
 * @req:	request
 * @args:	PORT|all, then options
 * @n:		number of @args
 */
static void build_capture_start(const struct vioctl_cmd *cmd, json_t *req,
				char **args, int n)
{
	static const char *const numbers[] = { "snaplen", "count", "duration" };
	char file[PATH_MAX];
	bool have_file = false;

	json_object_set_new(req, "port", json_string(args[0]));
	for (int i = 1; i < n; i++) {
		const char *v;
		bool done = common_option(req, args, n, &i);

		if (!done && (v = arg_value(args, n, &i, "-w"))) {
			set_file(req, v);
			have_file = done = true;
		}
		if (!done && (v = arg_value(args, n, &i, "--format"))) {
			json_object_set_new(req, "format", json_string(v));
			done = true;
		}
		if (!done && (v = arg_value(args, n, &i, "--rotate"))) {
			json_object_set_new(req, "rotate", json_string(v));
			done = true;
		}
		for (size_t k = 0; !done && k < 3; k++) {
			char name[16];

			snprintf(name, sizeof(name), "--%s", numbers[k]);
			if ((v = arg_value(args, n, &i, name))) {
				set_number(req, numbers[k], v);
				done = true;
			}
		}
		if (!done)
			vioctl_usage_error("capture start: unknown option "
					   "'%s'\nusage: vioctl %s",
					   args[i], cmd->usage);
	}
	if (!have_file) {
		snprintf(file, sizeof(file), "%s.pcapng", args[0]);
		for (char *c = file; *c; c++)
			if (*c == ',' || *c == '/')
				*c = '+';
		set_file(req, file);
	}
	if (json_object_get(req, "file") && !json_object_get(req, "rotate"))
		open_own_file(req);
}

/**
 * build_mirror_add() - fill a mirror-add request
 * @cmd:	command, for the usage message
 * @req:	request
 * @args:	SRC[,SRC...]|all, "to", PORT, then options
 * @n:		number of @args
 */
static void build_mirror_add(const struct vioctl_cmd *cmd, json_t *req,
			     char **args, int n)
{
	if (strcmp(args[1], "to"))
		vioctl_usage_error("usage: vioctl %s", cmd->usage);
	json_object_set_new(req, "src", json_string(args[0]));
	json_object_set_new(req, "to", json_string(args[2]));
	for (int i = 3; i < n; i++)
		if (!common_option(req, args, n, &i))
			vioctl_usage_error("mirror add: unknown option '%s'\n"
					   "usage: vioctl %s",
					   args[i], cmd->usage);
}

/**
 * build_session_id() - add the ID of capture stop / mirror del
 * @cmd:	command, for the usage message
 * @req:	request
 * @args:	ID
 * @n:		one
 */
static void build_session_id(const struct vioctl_cmd *cmd, json_t *req,
			     char **args, int n)
{
	char *end;
	unsigned long id;

	(void)n;
	errno = 0;
	id = strtoul(args[0], &end, 10);
	if (!*args[0] || *end || errno || !id || id > UINT32_MAX)
		vioctl_usage_error("'%s': expected a numeric ID\nusage: "
				   "vioctl %s",
				   args[0], cmd->usage);
	json_object_set_new(req, "id", json_integer((json_int_t)id));
}

/**
 * struct session_row - the members of a capture or mirror description
 */
struct session_row {
	json_int_t id, seen, matched, dropped, written, not_taken, bytes;
	const char *dir, *filter, *state, *reason, *file, *format, *to;
	json_t *ports;
};

/**
 * session_unpack() - check and read one description
 * @item:	description
 * @out:	struct session_row
 * @jerr:	what is wrong
 *
 * Return: 0, or -1
 */
static int session_unpack(json_t *item, void *out, json_error_t *jerr)
{
	struct session_row *s = out;

	memset(s, 0, sizeof(*s));
	s->file = s->format = s->to = "";
	return json_unpack_ex(item, jerr, 0,
			      "{s:I,s:o,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s?I,s?I,"
			      "s?I,s?s,s?s,s?s}",
			      "id", &s->id, "ports", &s->ports, "dir", &s->dir,
			      "filter", &s->filter, "state", &s->state,
			      "reason", &s->reason, "seen", &s->seen, "matched",
			      &s->matched, "dropped", &s->dropped, "written",
			      &s->written, "not_taken", &s->not_taken, "bytes",
			      &s->bytes, "file", &s->file, "format", &s->format,
			      "to", &s->to);
}

/**
 * ports_text() - a description's ports joined by commas
 * @s:		description
 * @buf:	text
 * @len:	its size
 *
 * Return: @buf
 */
static const char *ports_text(const struct session_row *s, char *buf,
			      size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < json_array_size(s->ports); i++) {
		const char *p = json_string_value(json_array_get(s->ports, i));

		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? "," : "", p ? p : "?");
		if (used >= len)
			break;
	}
	return buf;
}

/**
 * out_of() - where a printer writes: stderr while stdout is the stream
 * @r:		reply
 *
 * Return: stream
 */
static FILE *out_of(const struct vioctl_reply *r)
{
	return json_is_true(json_object_get(r->req, "stream")) ? stderr
							       : stdout;
}

/**
 * print_capture() - print "capture N started: ..."
 * @r:		reply to capture-start
 *
 * Return: 0 or -EBADMSG
 */
static int print_capture(struct vioctl_reply *r)
{
	struct session_row s;
	json_error_t jerr;
	char ports[256];

	if (session_unpack(r->result, &s, &jerr))
		return vioctl_bad(r, "%s", jerr.text);
	fprintf(out_of(r),
		"capture %" JSON_INTEGER_FORMAT
		" started: %s (%s) -> %s, %s%s%s%s\n",
		s.id, ports_text(&s, ports, sizeof(ports)), s.dir,
		!strcmp(s.file, "-") ? "stdout" : s.file, s.format,
		*s.filter ? ", filter '" : "", s.filter, *s.filter ? "'" : "");
	return 0;
}

/**
 * state_text() - "running", or "ended: REASON"
 * @s:		description
 * @buf:	text
 * @len:	its size
 *
 * Return: @buf
 */
static const char *state_text(const struct session_row *s, char *buf,
			      size_t len)
{
	if (*s->reason)
		snprintf(buf, len, "%s: %s", s->state, s->reason);
	else
		snprintf(buf, len, "%s", s->state);
	return buf;
}

/**
 * list_print() - print captures or mirrors as a table
 * @r:		reply to capture-list or mirror-list
 * @mirror:	true for mirrors
 *
 * Return: 0, -EBADMSG or -ENOMEM
 */
static int list_print(struct vioctl_reply *r, bool mirror)
{
	static const char *const chead[] = { "ID",	  "PORTS",   "DIR",
					     "STATE",	  "MATCHED", "WRITTEN",
					     "NOT TAKEN", "DROPPED", "FILE",
					     "FILTER" };
	static const char *const mhead[] = { "ID",	"SOURCES", "DIR",
					     "STATE",	"MATCHED", "TO",
					     "DROPPED", "FILTER" };
	struct vioctl_table t;
	struct session_row s;
	int rc = vioctl_items_check(r, session_unpack, &s);

	if (rc)
		return rc;
	rc = mirror ? vioctl_table_init(&t, 8, mhead)
		    : vioctl_table_init(&t, 10, chead);
	for (size_t i = 0; !rc && i < json_array_size(r->result); i++) {
		char id[24], ports[256], state[200], m[24], w[24], d[24],
			nt[24];
		json_error_t jerr;

		session_unpack(json_array_get(r->result, i), &s, &jerr);
		snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, s.id);
		snprintf(m, sizeof(m), "%" JSON_INTEGER_FORMAT, s.matched);
		snprintf(w, sizeof(w), "%" JSON_INTEGER_FORMAT, s.written);
		snprintf(d, sizeof(d), "%" JSON_INTEGER_FORMAT, s.dropped);
		snprintf(nt, sizeof(nt), "%" JSON_INTEGER_FORMAT, s.not_taken);
		ports_text(&s, ports, sizeof(ports));
		state_text(&s, state, sizeof(state));
		if (mirror) {
			const char *row[] = { id, ports, s.dir, state,
					      m,  s.to,	 d,	s.filter };

			rc = vioctl_table_row(&t, row);
		} else {
			const char *row[] = {
				id, ports, s.dir, state,  m,
				w,  nt,	   d,	  s.file, s.filter
			};

			rc = vioctl_table_row(&t, row);
		}
	}
	if (!rc)
		vioctl_table_print(&t);
	vioctl_table_free(&t);
	return rc;
}

/**
 * print_captures() - print the capture table
 * @r:		reply to capture-list
 *
 * Return: 0, -EBADMSG or -ENOMEM
 */
static int print_captures(struct vioctl_reply *r)
{
	return list_print(r, false);
}

/**
 * print_mirrors() - print the mirror table
 * @r:		reply to mirror-list
 *
 * Return: 0, -EBADMSG or -ENOMEM
 */
static int print_mirrors(struct vioctl_reply *r)
{
	return list_print(r, true);
}

/**
 * capture_summary() - print a capture's final counts: matched = written +
 * not taken + dropped
 * @f:		where
 * @s:		final description
 */
static void capture_summary(FILE *f, const struct session_row *s)
{
	fprintf(f,
		"capture %" JSON_INTEGER_FORMAT ": %" JSON_INTEGER_FORMAT
		" frames matched, %" JSON_INTEGER_FORMAT
		" written (%" JSON_INTEGER_FORMAT
		" bytes to %s), %" JSON_INTEGER_FORMAT
		" not taken, %" JSON_INTEGER_FORMAT " dropped; %s\n",
		s->id, s->matched, s->written, s->bytes,
		!strcmp(s->file, "-") ? "stdout" : s->file, s->not_taken,
		s->dropped, *s->reason ? s->reason : s->state);
}

/**
 * print_capture_stopped() - print a stopped capture's counts
 * @r:		reply to capture-stop
 *
 * Return: 0 or -EBADMSG
 */
static int print_capture_stopped(struct vioctl_reply *r)
{
	struct session_row s;
	json_error_t jerr;

	if (session_unpack(r->result, &s, &jerr))
		return vioctl_bad(r, "%s", jerr.text);
	capture_summary(stdout, &s);
	return 0;
}

/**
 * print_mirror() - print "mirror N: SOURCES (DIR) -> PORT"
 * @r:		reply to mirror-add
 *
 * Return: 0 or -EBADMSG
 */
static int print_mirror(struct vioctl_reply *r)
{
	struct session_row s;
	json_error_t jerr;
	char ports[256];

	if (session_unpack(r->result, &s, &jerr))
		return vioctl_bad(r, "%s", jerr.text);
	printf("mirror %" JSON_INTEGER_FORMAT ": %s (%s) -> %s%s%s%s\n", s.id,
	       ports_text(&s, ports, sizeof(ports)), s.dir, s.to,
	       *s.filter ? ", filter '" : "", s.filter, *s.filter ? "'" : "");
	return 0;
}

/**
 * print_mirror_removed() - print a removed mirror's counts
 * @r:		reply to mirror-del
 *
 * Return: 0 or -EBADMSG
 */
static int print_mirror_removed(struct vioctl_reply *r)
{
	struct session_row s;
	json_error_t jerr;

	if (session_unpack(r->result, &s, &jerr))
		return vioctl_bad(r, "%s", jerr.text);
	printf("mirror %" JSON_INTEGER_FORMAT " removed: %" JSON_INTEGER_FORMAT
	       " frames mirrored, %" JSON_INTEGER_FORMAT " dropped\n",
	       s.id, s.matched - s.dropped, s.dropped);
	return 0;
}

/**
 * on_signal() - ask the follow loop to stop the capture
 * @sig:	signal
 */
static void on_signal(int sig)
{
	(void)sig;
	follow_stop = 1;
}

/**
 * capture_ended() - has capture @id ended by itself?
 * @o:		options
 * @id:		capture
 * @gone:	set when the capture was stopped by someone else
 * @rc:		set to an exit status when asking failed
 *
 * Return: true if it ended (or cannot be asked about)
 */
static bool capture_ended(const struct vioctl_opts *o, json_int_t id,
			  bool *gone, int *rc)
{
	json_t *req = json_pack("{s:s}", "cmd", "capture-list"), *list = NULL;
	bool ended = true;

	*rc = req ? vioctl_request(o, req, &list) : VIOCTL_EXIT_NO_REPLY;
	json_decref(req);
	for (size_t i = 0; !*rc && i < json_array_size(list); i++) {
		json_t *c = json_array_get(list, i);

		const char *state =
			json_string_value(json_object_get(c, "state"));

		if (json_integer_value(json_object_get(c, "id")) == id) {
			ended = !state || strcmp(state, "running");
			*gone = false;
		}
	}
	json_decref(list);
	return ended;
}

/**
 * capture_follow() - with -w -, wait for the streaming capture to end,
 * stop it and print its final counts on stderr
 * @o:		options
 * @r:		capture-start request and its result
 *
 * Return: exit status
 */
static int capture_follow(const struct vioctl_opts *o, struct vioctl_reply *r)
{
	json_int_t id = json_integer_value(json_object_get(r->result, "id"));
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec tick = { 0, FOLLOW_POLL_MS * 1000000L };
	json_t *req, *final = NULL;
	struct session_row s;
	json_error_t jerr;
	bool gone = true;
	int rc = 0;

	if (!json_is_true(json_object_get(r->req, "stream")))
		return VIOCTL_EXIT_OK;
	/* stdout belongs to the switch now; close ours so the reader sees
	 * the end of the stream when the switch closes its copy. */
	close(STDOUT_FILENO);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	while (!follow_stop && !capture_ended(o, id, &gone, &rc)) {
		gone = true;
		nanosleep(&tick, NULL);
	}
	if (rc || (gone && !follow_stop)) {
		if (!rc)
			fprintf(stderr,
				"capture %" JSON_INTEGER_FORMAT
				" was stopped\n",
				id);
		return rc;
	}
	req = json_pack("{s:s,s:I}", "cmd", "capture-stop", "id", id);
	rc = req ? vioctl_request(o, req, &final) : VIOCTL_EXIT_NO_REPLY;
	json_decref(req);
	if (!rc && !session_unpack(final, &s, &jerr))
		capture_summary(stderr, &s);
	else if (!rc)
		fprintf(stderr,
			"capture %" JSON_INTEGER_FORMAT
			": malformed final counts: %s\n",
			id, jerr.text);
	json_decref(final);
	return rc;
}

/* The commands, in the order "vioctl help" lists them. */
static const struct vioctl_cmd capture_cmds[] = {
	{ "capture", "start", "capture-start", 1, 40, build_capture_start,
	  print_capture,
	  "capture start PORT[,PORT...]|all [--dir rx|tx|both] "
	  "[--filter EXPR]\n"
	  "                [-w FILE|-] [--format pcapng|pcap] [--snaplen N] "
	  "[--count N]\n"
	  "                [--duration SEC] [--rotate SIZE_MB,FILES]",
	  capture_follow },
	{ "capture", "stop", "capture-stop", 1, 1, build_session_id,
	  print_capture_stopped, "capture stop ID", NULL },
	{ "capture", "list", "capture-list", 0, 0, NULL, print_captures,
	  "capture list", NULL },
	{ "mirror", "add", "mirror-add", 3, 40, build_mirror_add, print_mirror,
	  "mirror add SRC[,SRC...]|all to PORT [--dir rx|tx|both] "
	  "[--filter EXPR]",
	  NULL },
	{ "mirror", "del", "mirror-del", 1, 1, build_session_id,
	  print_mirror_removed, "mirror del ID", NULL },
	{ "mirror", "list", "mirror-list", 0, 0, NULL, print_mirrors,
	  "mirror list", NULL },
};

static struct vioctl_cmd_group capture_group = {
	.cmds = capture_cmds,
	.n = sizeof(capture_cmds) / sizeof(capture_cmds[0]),
};

/**
 * capture_cli_register() - add the capture and mirror commands to vioctl
 * when the program loads
 */
static void __attribute__((constructor)) capture_cli_register(void)
{
	vioctl_cmds_register(&capture_group);
}
