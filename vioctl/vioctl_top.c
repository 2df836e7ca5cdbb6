// SPDX-License-Identifier: BSD-3-Clause
/* vioctl_top.c - `vioctl top`: a live view of the switch, once a second
 *
 * Theory of operation
 * -------------------
 * Each round asks the switch for "stats", "port-list" and "pmd-stats"
 * (three exchanges, as three vioctl runs would), and prints the
 * difference with the round before, divided by the time between them:
 * per port, frames and bits a second each way, drops a second (every
 * reason) and the MACs learned on it now; per PMD thread, the share of
 * its polling time that found work (busy cycles over busy and idle
 * cycles) and the share of wall time it polled rather than slept. The
 * first frame comes one second after the start, so every frame shows
 * rates; a port added since the last round shows none yet.
 *
 * On a terminal the frame is redrawn in place (cursor home, clear), fits
 * its width and height (80 columns at least is readable: names are cut,
 * numbers scaled with k, M, G), and q or Ctrl-C quits; the terminal's
 * mode and cursor are restored however top ends. Otherwise - a pipe, a
 * file - frames follow one another, separated by a blank line, each
 * starting with its "vioctl top - " title and listing every port.
 * --count N (-n N) stops after N frames, for scripts.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "vioctl.h"

#define TOP_PORTS_MAX 1024 /* ports remembered between rounds */
#define TOP_ID_COLS   12
#define TOP_MIN_COLS  80

/**
 * struct top_port - what top keeps of a port between rounds
 * @id:		port id
 * @rx_packets:	counters at the last round
 * @rx_bytes:	...
 * @tx_packets:	...
 * @tx_bytes:	...
 * @drops:	sum of every drop reason
 */
struct top_port {
	char id[64];
	double rx_packets, rx_bytes, tx_packets, tx_bytes, drops;
};

/**
 * struct top_pmd - what top keeps of a PMD thread between rounds
 * @busy:	busy cycles at the last round
 * @idle:	idle cycles
 * @rx:		frames received
 * @tx:		frames sent
 */
struct top_pmd {
	double busy, idle, rx, tx;
};

/**
 * struct top_sample - one round's answers and the time they were taken
 * @t:		CLOCK_MONOTONIC seconds
 * @stats:	"stats" result
 * @ports:	"port-list" result
 * @pmds:	"pmd-stats" result
 */
struct top_sample {
	double t;
	json_t *stats;
	json_t *ports;
	json_t *pmds;
};

static struct {
	long count; /* frames to print, 0 for no end */
	bool tty; /* stdout is a terminal: redraw in place */
	bool raw; /* stdin's mode was changed: restore it */
	struct termios saved;
	volatile sig_atomic_t stop;
} top;

/**
 * vioctl_top_build() - parse the arguments of `top`
 * @cmd:	command, for the usage message
 * @req:	request (unchanged: the first round is asked by the follow-up)
 * @args:	[-n N|--count N]
 * @n:		number of @args
 */
void vioctl_top_build(const struct vioctl_cmd *cmd, json_t *req, char **args,
		      int n)
{
	char *end;

	(void)req;
	if (!n)
		return;
	if (n != 2 || (strcmp(args[0], "-n") && strcmp(args[0], "--count")))
		vioctl_usage_error("usage: vioctl %s", cmd->usage);
	errno = 0;
	top.count = strtol(args[1], &end, 10);
	if (errno || *end || end == args[1] || top.count < 1)
		vioctl_usage_error("invalid count '%s': expected a number "
				   "of frames, 1 or more",
				   args[1]);
}

/**
 * vioctl_print_top() - the printer of the first exchange: nothing (the
 * follow-up prints the frames)
 * @r:		reply
 *
 * Return: 0
 */
int vioctl_print_top(struct vioctl_reply *r)
{
	(void)r;
	return 0;
}

/**
 * now() - CLOCK_MONOTONIC in seconds
 *
 * Return: seconds
 */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/**
 * num() - a number member of an object, 0 when missing
 * @o:		object
 * @key:	member
 *
 * Return: value
 */
static double num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/**
 * scaled() - a rate in at most 6 characters: 999, 1.2k, 12.3M, 1.0G
 * @buf:	output, 16 bytes
 * @v:		value
 *
 * Return: @buf
 */
static const char *scaled(char *buf, double v)
{
	static const char units[] = " kMGTP";
	unsigned int u = 0;

	if (!isfinite(v) || v < 0)
		v = 0;
	while (v >= 999.95 && u < sizeof(units) - 2) {
		v /= 1000;
		u++;
	}
	if (!u)
		snprintf(buf, 16, "%.0f", v);
	else
		snprintf(buf, 16, "%.*f%c", v < 99.95 ? 1 : 0, v, units[u]);
	return buf;
}

/**
 * cut() - a name in at most @w columns: longer ones end in '+'
 * @buf:	output, at least @w + 1 bytes
 * @s:		name
 * @w:		columns
 *
 * Return: @buf
 */
static const char *cut(char *buf, const char *s, size_t w)
{
	size_t n = strlen(s);

	if (n <= w)
		return strcpy(buf, s);
	memcpy(buf, s, w - 1);
	buf[w - 1] = '+';
	buf[w] = '\0';
	return buf;
}

/**
 * sample_take() - ask the switch for one round's counters
 * @o:		options
 * @s:		result; release with sample_free()
 *
 * Return: exit status (errors reported)
 */
static int sample_take(const struct vioctl_opts *o, struct top_sample *s)
{
	static const char *const cmds[] = { "stats", "port-list", "pmd-stats" };
	json_t **out[] = { &s->stats, &s->ports, &s->pmds };
	int rc = VIOCTL_EXIT_OK;

	for (unsigned int i = 0; i < 3 && rc == VIOCTL_EXIT_OK; i++) {
		json_t *req = json_pack("{s:s}", "cmd", cmds[i]);

		rc = req ? vioctl_request(o, req, out[i])
			 : VIOCTL_EXIT_NO_REPLY;
		json_decref(req);
		if (rc == VIOCTL_EXIT_OK && !json_is_array(*out[i])) {
			fprintf(stderr,
				"vioctl: malformed reply from %s: "
				"%s: not a list\n",
				o->ctl, cmds[i]);
			rc = VIOCTL_EXIT_NO_REPLY;
		}
	}
	s->t = now();
	return rc;
}

/**
 * sample_free() - release one round's answers
 * @s:		sample
 */
static void sample_free(struct top_sample *s)
{
	json_decref(s->stats);
	json_decref(s->ports);
	json_decref(s->pmds);
	s->stats = s->ports = s->pmds = NULL;
}

/**
 * find() - the entry whose "id" (or "pmd") matches, in a result list
 * @list:	list of objects
 * @key:	"id" or "pmd"
 * @match:	the entry to match
 *
 * Return: entry, or NULL
 */
static json_t *find(json_t *list, const char *key, json_t *match)
{
	json_t *v = json_object_get(match, key), *e;
	size_t i;

	json_array_foreach(list, i, e)
	{
		if (json_equal(json_object_get(e, key), v))
			return e;
	}
	return NULL;
}

/**
 * drops_sum() - every drop of a port stats object
 * @st:		port stats object
 *
 * Return: sum
 */
static double drops_sum(json_t *st)
{
	json_t *drops = json_object_get(st, "drops"), *v;
	const char *k;
	double sum = 0;

	json_object_foreach(drops, k, v) sum += json_number_value(v);
	return sum;
}

/**
 * delta() - per-second rate of a counter between two rounds
 * @a:		earlier value
 * @b:		later value
 * @dt:		seconds between
 *
 * Return: rate; 0 when the counter went back (a port re-added)
 */
static double delta(double a, double b, double dt)
{
	return b >= a && dt > 0 ? (b - a) / dt : 0;
}

/**
 * port_line() - print one port's line
 * @f:		output
 * @st:		its stats object now
 * @was:	its stats object at the last round, or NULL
 * @info:	its port-list object, or NULL
 * @dt:		seconds since the last round
 */
static void port_line(FILE *f, json_t *st, json_t *was, json_t *info, double dt)
{
	char id[TOP_ID_COLS + 1], type[11], a[16], b[16], c[16], d[16], e[16];
	const char *name = json_string_value(json_object_get(st, "id"));
	const char *kind = json_string_value(json_object_get(info, "type"));

	cut(id, name ?: "?", TOP_ID_COLS);
	cut(type, kind ?: "-", 10);
	if (!was) {
		fprintf(f, "%-12s %-10s %8s %8s %8s %8s %7s %6.0f\n", id, type,
			"-", "-", "-", "-", "-", num(info, "learned"));
		return;
	}
	fprintf(f, "%-12s %-10s %8s %8s %8s %8s %7s %6.0f\n", id, type,
		scaled(a, delta(num(was, "rx_packets"), num(st, "rx_packets"),
				dt)),
		scaled(b, 8 * delta(num(was, "rx_bytes"), num(st, "rx_bytes"),
				    dt)),
		scaled(c, delta(num(was, "tx_packets"), num(st, "tx_packets"),
				dt)),
		scaled(d, 8 * delta(num(was, "tx_bytes"), num(st, "tx_bytes"),
				    dt)),
		scaled(e, delta(drops_sum(was), drops_sum(st), dt)),
		num(info, "learned"));
}

/**
 * pmd_line() - print one PMD thread's line
 * @f:		output
 * @p:		its pmd-stats object now
 * @was:	its object at the last round, or NULL
 * @dt:		seconds since the last round
 */
static void pmd_line(FILE *f, json_t *p, json_t *was, double dt)
{
	double busy = 0, idle = 0, poll = 0, hz = num(p, "tsc_hz");
	char a[16], b[16];

	if (was) {
		busy = delta(num(was, "busy_cycles"), num(p, "busy_cycles"), 1);
		idle = delta(num(was, "idle_cycles"), num(p, "idle_cycles"), 1);
	}
	if (hz > 0 && dt > 0)
		poll = 100 * (busy + idle) / (hz * dt);
	fprintf(f, "%-5.0f %5.0f %4.0f %6.1f %6.1f %8s %8s %5zu\n",
		num(p, "pmd"), num(p, "lcore"), num(p, "cpu"),
		busy + idle > 0 ? 100 * busy / (busy + idle) : 0.0,
		poll > 100 ? 100.0 : poll,
		scaled(a, was ? delta(num(was, "rx_packets"),
				      num(p, "rx_packets"), dt)
			      : 0),
		scaled(b, was ? delta(num(was, "tx_packets"),
				      num(p, "tx_packets"), dt)
			      : 0),
		json_array_size(json_object_get(p, "rxqs")));
}

/**
 * frame_print() - print one frame
 * @f:		output
 * @ctl:	control socket, for the title
 * @cur:	this round
 * @prev:	the round before
 * @rows:	lines available, 0 for no limit
 */
static void frame_print(FILE *f, const char *ctl, struct top_sample *cur,
			struct top_sample *prev, unsigned int rows)
{
	size_t n_ports = json_array_size(cur->stats);
	size_t n_pmds = json_array_size(cur->pmds);
	double dt = cur->t - prev->t;
	size_t shown = n_ports, i;
	char clock[16], path[41];
	time_t t = time(NULL);
	json_t *st, *p;

	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&t));
	fprintf(f, "vioctl top - %s  %s  %zu port(s), %zu PMD(s)\n", clock,
		cut(path, ctl, sizeof(path) - 1), n_ports, n_pmds);
	/* Title, two headings, blank line, PMD lines, the "more" line. */
	if (rows && rows < n_pmds + 6 + n_ports)
		shown = rows > n_pmds + 6 ? rows - n_pmds - 6 : 0;
	fprintf(f, "%-12s %-10s %8s %8s %8s %8s %7s %6s\n", "PORT", "TYPE",
		"RX pk/s", "RX b/s", "TX pk/s", "TX b/s", "DROP/s", "MACS");
	json_array_foreach(cur->stats, i, st)
	{
		if (i >= shown)
			break;
		port_line(f, st, find(prev->stats, "id", st),
			  find(cur->ports, "id", st), dt);
	}
	if (shown < n_ports)
		fprintf(f, "(%zu more port(s): enlarge the terminal)\n",
			n_ports - shown);
	fprintf(f, "\n%-5s %5s %4s %6s %6s %8s %8s %5s\n", "PMD", "LCORE",
		"CPU", "BUSY%", "POLL%", "RX pk/s", "TX pk/s", "RXQS");
	json_array_foreach(cur->pmds, i, p)
		pmd_line(f, p, find(prev->pmds, "pmd", p), dt);
}

/**
 * on_signal() - SIGINT, SIGTERM, SIGHUP: end the loop
 * @sig:	signal
 */
static void on_signal(int sig)
{
	(void)sig;
	top.stop = 1;
}

/**
 * term_restore() - give the terminal back as it was (at exit too)
 */
static void term_restore(void)
{
	if (top.raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &top.saved);
	top.raw = false;
	if (top.tty)
		fputs("\033[?25h", stdout); /* cursor back */
	top.tty = false;
	fflush(stdout);
}

/**
 * term_setup() - on a terminal: read keys one by one without echo, hide
 * the cursor; catch the signals that end top
 */
static void term_setup(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct termios raw;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	top.tty = isatty(STDOUT_FILENO);
	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &top.saved)) {
		raw = top.saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		top.raw = !tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	atexit(term_restore);
	if (top.tty)
		fputs("\033[?25l", stdout); /* hide the cursor */
}

/**
 * wait_round() - wait until @deadline; a 'q' typed ends top
 * @deadline:	CLOCK_MONOTONIC seconds
 *
 * Return: true to go on, false to quit
 */
static bool wait_round(double deadline)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	double left;
	char c;

	while (!top.stop && (left = deadline - now()) > 0) {
		int n = poll(&pfd, top.raw ? 1 : 0, (int)(left * 1000) + 1);

		if (n > 0 && read(STDIN_FILENO, &c, 1) == 1 &&
		    (c == 'q' || c == 'Q' || c == 3))
			return false;
		if (n > 0 && (pfd.revents & (POLLHUP | POLLERR)))
			pfd.fd = -1; /* stdin gone: only time */
	}
	return !top.stop;
}

/**
 * term_rows() - lines of the terminal, 0 when not a terminal
 *
 * Return: rows
 */
static unsigned int term_rows(void)
{
	struct winsize ws;

	if (!top.tty || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || !ws.ws_row)
		return 0;
	return ws.ws_row - 1;
}

/**
 * vioctl_top() - the follow-up of `top`: one frame a second until q,
 * Ctrl-C or --count frames
 * @o:		options
 * @r:		the first exchange (unused)
 *
 * Return: exit status
 */
int vioctl_top(const struct vioctl_opts *o, struct vioctl_reply *r)
{
	struct top_sample prev = { 0 }, cur = { 0 };
	int rc;
	long frames = 0;

	(void)r;
	term_setup();
	rc = sample_take(o, &prev);
	while (rc == VIOCTL_EXIT_OK && wait_round(prev.t + 1.0)) {
		rc = sample_take(o, &cur);
		if (rc != VIOCTL_EXIT_OK)
			break;
		if (top.tty)
			fputs("\033[H\033[2J", stdout);
		else if (frames)
			putchar('\n');
		frame_print(stdout, o->ctl, &cur, &prev, term_rows());
		fflush(stdout);
		sample_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		if (top.count && ++frames >= top.count)
			break;
	}
	sample_free(&prev);
	sample_free(&cur);
	term_restore();
	return rc;
}
