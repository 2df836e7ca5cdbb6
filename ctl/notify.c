// SPDX-License-Identifier: BSD-3-Clause
/* notify.c - tell systemd (sd_notify) that the switch is ready, what it
 * serves, that its datapath is alive, and that it stops
 *
 * Theory of operation
 * -------------------
 * Under a Type=notify unit systemd names a datagram socket in
 * NOTIFY_SOCKET; libsystemd's sd_notify() sends it "KEY=value" lines (and
 * does nothing when the variable is unset, so this feature costs nothing
 * outside systemd). It opens a socket for each message, so it works the
 * same after the sandbox: the calls it makes (an AF_UNIX socket,
 * setsockopt, connect, sendmsg) are in the allow-list, and a --user
 * switch leaves systemd's socket reachable (it is mode 0777, or
 * abstract). The feature has no option; it registers its hooks with the
 * daemon (feature.h):
 * - running: READY=1, once the ports of the command line are open and
 *   the control socket listens, with MAINPID= and the first STATUS=;
 * - changed (a control command changed the configuration) and event
 *   (once a second): STATUS=, a one-line summary of the ports, their
 *   links and the learned MACs, sent only when its text changed - port
 *   added or removed, a guest connected or gone - never per packet;
 * - event_fd: a timer at half of WATCHDOG_USEC when systemd asked for a
 *   watchdog (sd_watchdog_enabled()). Each expiry reads every PMD
 *   thread's heartbeat (pmd_heartbeat(), a count that moves every round
 *   of its loop) and sends WATCHDOG=1 only if each one moved within the
 *   last WATCHDOG_USEC. PMD threads sleep at most a quarter of that
 *   (pmd_set_sleep_max()), so an idle thread still beats; a thread that
 *   did not beat for longer is stuck, the pings stop (logged once, naming
 *   the thread and its lcore) and systemd restarts the switch. The pings
 *   come from the control thread, so a stuck control loop stops them too;
 * - stop: STOPPING=1 at shutdown; after a start that failed once the
 *   control socket existed (a port that cannot open, say), a STATUS= with
 *   the error that ended it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include <rte_common.h>

#include "clock.h"
#include "feature.h"
#include "log.h"
#include "port.h"
#include "vswitch.h"

#define NOTIFY_STATUS_MAX 512 /* bytes of a STATUS= line */
#define NOTIFY_KINDS_MAX  8 /* port kinds a summary names */

/**
 * struct notify_beat - what the watchdog knows of one PMD thread
 * @count:	its heartbeat when last read
 * @moved_ns:	when it was last seen moving (monotonic)
 * @stalled:	it did not move for longer than the watchdog interval
 */
struct notify_beat {
	uint64_t count;
	uint64_t moved_ns;
	bool stalled;
};

/**
 * struct notify - the feature's state (control thread only)
 * @timerfd:	watchdog timer, disarmed without a watchdog; -1 until made
 * @wd_usec:	WATCHDOG_USEC, 0 when systemd wants no watchdog
 * @ready:	READY=1 was sent
 * @pings:	WATCHDOG=1 messages sent
 * @beat:	each PMD thread's heartbeat
 * @status:	the last STATUS= text sent
 * @rl:		rate limit of the warnings about failed messages
 */
static struct notify {
	int timerfd;
	uint64_t wd_usec;
	bool ready;
	uint64_t pings;
	struct notify_beat beat[MAX_PMDS];
	char status[NOTIFY_STATUS_MAX];
	struct log_ratelimit rl;
} nt = { .timerfd = -1 };

/**
 * send_msg() - send one notification; warn (rate-limited) if it fails
 * @msg:	"KEY=value" lines
 */
static void send_msg(const char *msg)
{
	int rc = sd_notify(0, msg);

	if (rc < 0 && log_ratelimit_ok(&nt.rl))
		log_warn("notify: cannot reach NOTIFY_SOCKET: %s",
			 strerror(-rc));
}

/**
 * struct kind_count - ports of one kind, for the summary
 * @name:	kind name ("vhost-user", "tap", "user", "pcap")
 * @ports:	ports of that kind
 * @links:	ports whose info says whether a peer is connected
 * @up:		of those, connected
 */
struct kind_count {
	const char *name;
	unsigned int ports;
	unsigned int links;
	unsigned int up;
};

/**
 * count_port() - add one port to the counts of its kind
 * @kinds:	counts so far, in order of first appearance
 * @n:		how many kinds they hold, updated
 * @p:		port
 */
static void count_port(struct kind_count *kinds, unsigned int *n,
		       struct port *p)
{
	json_t *info = json_object(), *link;
	unsigned int k;

	for (k = 0; k < *n && strcmp(kinds[k].name, p->kind->name); k++)
		;
	if (k == *n) {
		if (*n == NOTIFY_KINDS_MAX)
			k = *n - 1; /* more kinds than any build has */
		else
			kinds[(*n)++] =
				(struct kind_count){ .name = p->kind->name };
	}
	kinds[k].ports++;
	if (!info)
		return;
	port_info_json(p, info);
	link = json_object_get(info, "connected");
	if (json_is_boolean(link)) {
		kinds[k].links++;
		kinds[k].up += json_is_true(link);
	}
	json_decref(info);
}

/**
 * summary() - the one-line STATUS= text: ports by kind with their links,
 * learned MACs (static FDB entries are not learned), and any PMD thread
 * the watchdog found stuck, e.g.
 * "4 ports: 2 vhost-user (1 connected), 1 tap, 1 user; 3 MACs learned"
 * @buf:	output
 * @len:	its size
 */
static void summary(char *buf, size_t len)
{
	struct kind_count kinds[NOTIFY_KINDS_MAX];
	unsigned int n = 0, macs = 0;
	size_t off;

	for (unsigned int i = 0; i < vsw.table->n; i++) {
		count_port(kinds, &n, vsw.table->list[i]);
		macs += fdb_port_learned(vsw.fdb, vsw.table->list[i]->index);
	}
	off = (size_t)snprintf(buf, len, "%u port%s", vsw.table->n,
			       vsw.table->n == 1 ? "" : "s");
	for (unsigned int k = 0; k < n && off < len; k++) {
		off += (size_t)snprintf(buf + off, len - off, "%s%u %s",
					k ? ", " : ": ", kinds[k].ports,
					kinds[k].name);
		if (kinds[k].links && off < len)
			off += (size_t)snprintf(buf + off, len - off,
						" (%u connected)", kinds[k].up);
	}
	if (off < len)
		off += (size_t)snprintf(buf + off, len - off,
					"; %u MAC%s learned", macs,
					macs == 1 ? "" : "s");
	for (unsigned int i = 0; i < vsw.n_pmds && off < len; i++) {
		if (nt.beat[i].stalled)
			off += (size_t)snprintf(buf + off, len - off,
						"; PMD %u (lcore %u) stalled",
						i, vsw.pmds[i]->lcore);
	}
}

/**
 * status_update() - send STATUS= if the summary changed since the last one
 */
static void status_update(void)
{
	char text[NOTIFY_STATUS_MAX], msg[NOTIFY_STATUS_MAX + 8];

	summary(text, sizeof(text));
	if (!strcmp(text, nt.status))
		return;
	snprintf(nt.status, sizeof(nt.status), "%s", text);
	snprintf(msg, sizeof(msg), "STATUS=%s", text);
	send_msg(msg);
	log_debug("notify: %s", msg);
}

/**
 * beat_check() - has PMD thread @i beaten within the watchdog interval?
 * Logs once when it stops, and once when it beats again
 * @i:		PMD number
 * @now:	monotonic time, nanoseconds
 *
 * Return: true if it did
 */
static bool beat_check(unsigned int i, uint64_t now)
{
	struct notify_beat *b = &nt.beat[i];
	const struct pmd *pmd = vsw.pmds[i];
	uint64_t count = pmd_heartbeat(pmd);

	if (count != b->count || !b->moved_ns) {
		if (b->stalled)
			log_warn("watchdog: PMD %u (lcore %u) runs again; "
				 "WATCHDOG=1 resumes if all do",
				 i, pmd->lcore);
		b->count = count;
		b->moved_ns = now;
		b->stalled = false;
		return true;
	}
	if (now - b->moved_ns <= nt.wd_usec * 1000)
		return true;
	if (!b->stalled)
		log_err("watchdog: PMD %u (lcore %u, cpu %d) has not run a "
			"round for %.1f s (watchdog %.1f s): no more "
			"WATCHDOG=1, systemd will restart the switch",
			i, pmd->lcore, pmd->cpu, (now - b->moved_ns) / 1e9,
			nt.wd_usec / 1e6);
	b->stalled = true;
	return false;
}

/**
 * watchdog_tick() - half a watchdog interval passed: ping systemd if
 * every PMD thread beat within the interval
 */
static void watchdog_tick(void)
{
	uint64_t now = (uint64_t)clock_mono_ns();
	bool healthy = true;

	for (unsigned int i = 0; i < vsw.n_pmds; i++)
		healthy &= beat_check(i, now);
	if (healthy) {
		send_msg("WATCHDOG=1");
		nt.pings++;
	}
	if (nt.ready)
		status_update(); /* names a stuck thread, or no longer */
}

/**
 * watchdog_setup() - arm the timer at half of WATCHDOG_USEC and bound the
 * PMD threads' sleeps to a quarter of it, if systemd asked for a watchdog
 */
static void watchdog_setup(void)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	uint64_t usec = 0;
	int rc;

	if (!getenv("NOTIFY_SOCKET"))
		return;
	rc = sd_watchdog_enabled(0, &usec);
	if (rc < 0)
		log_warn("notify: WATCHDOG_USEC: %s", strerror(-rc));
	if (rc <= 0 || !usec)
		return;
	nt.wd_usec = usec;
	its.it_interval.tv_sec = (time_t)(usec / 2 / 1000000);
	its.it_interval.tv_nsec = (long)(usec / 2 % 1000000 * 1000);
	its.it_value = its.it_interval;
	if (timerfd_settime(nt.timerfd, 0, &its, NULL)) {
		log_err("notify: watchdog timer: %s", strerror(errno));
		nt.wd_usec = 0;
		return;
	}
	for (unsigned int i = 0; i < vsw.n_pmds; i++)
		pmd_set_sleep_max(
			vsw.pmds[i],
			(unsigned int)RTE_MAX(usec / 4000, (uint64_t)1));
	log_info("notify: watchdog every %.3f s (WATCHDOG_USEC %llu)",
		 usec / 2 / 1e6, (unsigned long long)usec);
}

/**
 * notify_event_fd() - the watchdog timer, made (and armed if systemd asked
 * for a watchdog) when the control loop starts watching it
 *
 * Return: timerfd, or -1 with errno
 */
static int notify_event_fd(void)
{
	if (nt.timerfd >= 0)
		return nt.timerfd;
	nt.timerfd =
		timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (nt.timerfd < 0)
		return -1;
	watchdog_setup();
	return nt.timerfd;
}

/**
 * notify_event() - the watchdog timer expired, or a second passed
 */
static void notify_event(void)
{
	uint64_t expired;

	if (nt.timerfd >= 0 &&
	    read(nt.timerfd, &expired, sizeof(expired)) == sizeof(expired) &&
	    nt.wd_usec)
		watchdog_tick();
	else if (nt.ready)
		status_update();
}

/**
 * notify_running() - the switch serves: READY=1 with the first summary
 */
static void notify_running(void)
{
	char msg[NOTIFY_STATUS_MAX + 64];

	summary(nt.status, sizeof(nt.status));
	snprintf(msg, sizeof(msg), "READY=1\nMAINPID=%ld\nSTATUS=%s",
		 (long)getpid(), nt.status);
	send_msg(msg);
	nt.ready = true;
	if (getenv("NOTIFY_SOCKET"))
		log_info("notify: READY=1 sent; STATUS=%s", nt.status);
}

/**
 * notify_changed() - a control command changed the configuration: say
 * what the switch now serves, if that changed
 * @cmd:	the command
 * @req:	its request
 * @result:	its result
 */
static void notify_changed(const struct ctl_cmd *cmd, json_t *req,
			   json_t *result)
{
	(void)cmd;
	(void)req;
	(void)result;
	if (nt.ready)
		status_update();
}

/**
 * notify_stop() - STOPPING=1 at shutdown; after a failed start, a STATUS=
 * that says why, for `systemctl status` (systemd sees the exit status too)
 */
static void notify_stop(void)
{
	char msg[NOTIFY_STATUS_MAX + 64];
	const char *why = log_last_error();

	if (nt.ready)
		snprintf(msg, sizeof(msg), "STOPPING=1\nSTATUS=Stopping");
	else
		snprintf(msg, sizeof(msg),
			 "STOPPING=1\nSTATUS=Start failed: %s",
			 why[0] ? why : "see the log");
	send_msg(msg);
	if (nt.timerfd >= 0)
		close(nt.timerfd);
	nt.timerfd = -1;
	nt.ready = false;
}

static struct ctl_feature notify_feature = {
	.name = "notify",
	.running = notify_running,
	.stop = notify_stop,
	.event_fd = notify_event_fd,
	.event = notify_event,
	.changed = notify_changed,
};

RTE_INIT(notify_feature_init)
{
	ctl_feature_register(&notify_feature);
}
