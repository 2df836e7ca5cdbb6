// SPDX-License-Identifier: BSD-3-Clause
/* control.c - the control thread: socket, signals, periodic work
 *
 * Theory of operation
 * -------------------
 * The main thread runs one epoll loop over: the listening unix socket, its
 * clients (ctl_clients.c: each with a budget of input, output, time and
 * connections it cannot exceed, so no client stalls another, the
 * datapath's housekeeping or shutdown), a signalfd for SIGINT/SIGTERM and
 * a one-second timerfd for FDB aging, ports' and features' housekeeping
 * and the clients' time budgets. SIGINT/SIGTERM end the loop at once,
 * whatever the clients do.
 *
 * The loop also watches the event fd of every feature (feature.h), e.g. to
 * end captures whose writer finished by itself (count, duration, reader
 * gone), and calls the features' event handlers once a second.
 *
 * Out of descriptors (EMFILE/ENFILE), accept() fails and the listener stays
 * readable: retrying it would spin. The loop keeps one reserve descriptor
 * (/dev/null) for this: it closes it, accepts the client, tells it the
 * switch is out of descriptors, closes it and takes the reserve back. When
 * even that fails, the listener leaves the epoll set until the next
 * one-second tick, so the loop never spins and clients connected before
 * keep their answers.
 */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_clients.h"
#include "fd_budget.h"
#include "fdb.h"
#include "feature.h"
#include "log.h"
#include "vswitch.h"

#define CTL_CLIENTS_MAX	   1024 /* connections at most */
#define CTL_CLIENTS_MIN	   16 /* even with a tiny descriptor budget */
#define CTL_LISTEN_BACKLOG 128

static struct {
	int listen_fd;
	int reserve_fd;
	bool listen_paused;
	int epfd;
	int sigfd;
	int timerfd;
	char path[108];
} ctl = { .listen_fd = -1,
	  .reserve_fd = -1,
	  .epfd = -1,
	  .sigfd = -1,
	  .timerfd = -1 };

/**
 * socket_in_use() - does a live server answer on @path?
 * @path:	socket path
 *
 * Return: true if a connect succeeds
 */
static bool socket_in_use(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool used;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	used = fd >= 0 && !connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (fd >= 0)
		close(fd);
	return used;
}

/**
 * make_parent_dir() - create the directory of @path if missing (mode 0755)
 * @path:	socket path
 */
static void make_parent_dir(const char *path)
{
	char dir[108];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) && errno != EEXIST)
		log_warn("cannot create %s: %s", dir, strerror(errno));
}

/**
 * listen_socket() - create the listening socket at @path, mode 0600
 * @path:	socket path
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: fd, or -errno with a message
 */
static int listen_socket(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "--ctl %s: path too long", path);
		return -ENAMETOOLONG;
	}
	make_parent_dir(path);
	if (socket_in_use(path)) {
		snprintf(err, errlen,
			 "--ctl %s: another vioswitch is "
			 "listening there",
			 path);
		return -EADDRINUSE;
	}
	unlink(path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc || listen(fd, CTL_LISTEN_BACKLOG))
		goto fail;
	return fd;
fail:
	rc = -errno;
	snprintf(err, errlen, "--ctl %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/**
 * watch_events() - add @fd to the loop's epoll set, or change its events
 * @op:		EPOLL_CTL_ADD or EPOLL_CTL_MOD
 * @fd:		descriptor
 * @events:	EPOLLIN and/or EPOLLOUT
 * @tag:	value returned in the event (index or negative marker)
 *
 * Return: 0, or -errno
 */
static int watch_events(int op, int fd, uint32_t events, int64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = (uint64_t)tag };

	return epoll_ctl(ctl.epfd, op, fd, &ev) ? -errno : 0;
}

/**
 * watch() - add @fd to the loop's epoll set, for reading
 * @fd:		descriptor
 * @tag:	value returned in the event (index or negative marker)
 *
 * Return: 0, or -errno
 */
static int watch(int fd, int64_t tag)
{
	return watch_events(EPOLL_CTL_ADD, fd, EPOLLIN, tag);
}

enum {
	TAG_LISTEN = -1,
	TAG_SIGNAL = -2,
	TAG_TIMER = -3,
	TAG_FEATURE = -16 /* feature k: TAG_FEATURE - k */
};

/**
 * control_block_signals() - block SIGINT/SIGTERM in this and every thread it
 * creates later, so they reach the control loop's signalfd; ignore SIGPIPE
 *
 * Call before any thread starts.
 */
void control_block_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/**
 * watch_features() - watch the event fd of every feature that has one
 *
 * Return: 0, or -errno
 */
static int watch_features(void)
{
	int k = 0, rc = 0;

	CTL_FEATURE_FOREACH(f)
	{
		int fd = f->event_fd ? f->event_fd() : -1;

		if (f->event_fd && fd < 0)
			return -errno;
		if (fd >= 0 && (rc = watch(fd, TAG_FEATURE - k)))
			return rc;
		k++;
	}
	return 0;
}

/**
 * feature_event() - call the event handler of feature @k
 * @k:		position in registration order
 */
static void feature_event(int k)
{
	CTL_FEATURE_FOREACH(f)
	{
		if (!k--) {
			if (f->event)
				f->event();
			return;
		}
	}
}

/**
 * clients_max() - how many clients may be connected at once
 *
 * A quarter of the descriptor budget, so that clients never take the
 * descriptors that ports and NAT flows need; CTL_CLIENTS_MAX at most.
 *
 * Return: the limit
 */
static unsigned int clients_max(void)
{
	uint64_t quarter = fd_budget() / 4;

	if (quarter < CTL_CLIENTS_MIN)
		return CTL_CLIENTS_MIN;
	return quarter > CTL_CLIENTS_MAX ? CTL_CLIENTS_MAX
					 : (unsigned int)quarter;
}

/**
 * control_open() - create the control socket, signal and timer fds
 * @path:	socket path
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
int control_open(const char *path, char *err, size_t errlen)
{
	struct itimerspec its = { { 1, 0 }, { 1, 0 } };
	sigset_t mask;
	int rc;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	ctl.listen_fd = listen_socket(path, err, errlen);
	if (ctl.listen_fd < 0)
		return ctl.listen_fd;
	snprintf(ctl.path, sizeof(ctl.path), "%s", path);
	ctl.reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ctl.epfd = epoll_create1(EPOLL_CLOEXEC);
	ctl.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	ctl.timerfd =
		timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (ctl.epfd < 0 || ctl.sigfd < 0 || ctl.timerfd < 0 ||
	    timerfd_settime(ctl.timerfd, 0, &its, NULL) ||
	    ctl_clients_init(ctl.epfd, clients_max())) {
		rc = -errno;
		snprintf(err, errlen, "control loop: %s", strerror(errno));
		return rc;
	}
	if ((rc = watch(ctl.listen_fd, TAG_LISTEN)) ||
	    (rc = watch(ctl.sigfd, TAG_SIGNAL)) ||
	    (rc = watch(ctl.timerfd, TAG_TIMER)) || (rc = watch_features())) {
		snprintf(err, errlen, "control loop: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

/**
 * listen_pause() - take the listener out of the epoll set (or back in)
 * @pause:	true to stop watching it
 */
static void listen_pause(bool pause)
{
	struct epoll_event ev = { .events = pause ? 0 : EPOLLIN,
				  .data.u64 = (uint64_t)(int64_t)TAG_LISTEN };

	if (pause == ctl.listen_paused || ctl.listen_fd < 0)
		return;
	if (!epoll_ctl(ctl.epfd, EPOLL_CTL_MOD, ctl.listen_fd, &ev))
		ctl.listen_paused = pause;
}

/**
 * refuse_out_of_fds() - accept() failed for want of descriptors: use the
 * reserve one to accept the client and tell it why it is turned away;
 * pause the listener when that fails too
 */
static void refuse_out_of_fds(void)
{
	static const char msg[] = "{\"ok\":false,\"error\":\"the switch is "
				  "out of file descriptors\"}\n";
	static struct log_ratelimit rl;
	int fd = -1;

	if (log_ratelimit_ok(&rl))
		log_warn("control: out of file descriptors, refusing clients");
	if (ctl.reserve_fd >= 0) {
		close(ctl.reserve_fd);
		fd = accept4(ctl.listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0) {
			/* A client already gone gets nothing: no error. */
			ssize_t w = send(fd, msg, sizeof(msg) - 1,
					 MSG_DONTWAIT | MSG_NOSIGNAL);

			(void)w;
			close(fd);
		}
		ctl.reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0 || ctl.reserve_fd < 0)
		listen_pause(true); /* back at the next tick */
}

/**
 * client_accept() - take a new connection
 */
static void client_accept(void)
{
	int fd = accept4(ctl.listen_fd, NULL, NULL,
			 SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd >= 0)
		ctl_clients_add(fd);
	else if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		 errno == ENOMEM)
		refuse_out_of_fds();
}

/**
 * on_timer() - once a second: age the FDB, let ports do housekeeping
 */
static void on_timer(void)
{
	uint64_t ticks;
	unsigned int n;

	if (read(ctl.timerfd, &ticks, sizeof(ticks)) < 0)
		return;
	if (ctl.reserve_fd < 0)
		ctl.reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	listen_pause(false);
	ctl_clients_sweep();
	CTL_FEATURE_FOREACH(f)
	{
		if (f->event)
			f->event();
	}
	n = fdb_age(vsw.fdb, fdb_clock(), vsw.cfg.fdb_age);
	if (n)
		log_debug("fdb: %u entries aged out", n);
	for (unsigned int i = 0; i < vsw.table->n; i++) {
		struct port *p = vsw.table->list[i];

		if (p->ops->tick)
			p->ops->tick(p);
	}
}

/**
 * control_run() - serve until SIGINT or SIGTERM
 *
 * Return: the signal number that ended the loop
 */
int control_run(void)
{
	struct epoll_event ev[32];

	for (;;) {
		int n = epoll_wait(ctl.epfd, ev, 32, -1);

		for (int k = 0; k < n; k++) {
			int64_t tag = (int64_t)ev[k].data.u64;
			struct signalfd_siginfo si;

			if (tag == TAG_LISTEN) {
				client_accept();
			} else if (tag == TAG_TIMER) {
				on_timer();
			} else if (tag <= TAG_FEATURE) {
				feature_event((int)(TAG_FEATURE - tag));
			} else if (tag == TAG_SIGNAL) {
				if (read(ctl.sigfd, &si, sizeof(si)) ==
				    sizeof(si))
					return (int)si.ssi_signo;
			} else {
				ctl_clients_event(tag, ev[k].events);
			}
		}
	}
}

/**
 * close_fd() - close an fd if open and mark it closed
 * @fd:		descriptor, -1 when closed
 */
static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/**
 * control_close() - close every client and remove the socket
 */
void control_close(void)
{
	ctl_clients_close();
	if (ctl.listen_fd >= 0) {
		close(ctl.listen_fd);
		unlink(ctl.path);
	}
	close_fd(&ctl.reserve_fd);
	close_fd(&ctl.epfd);
	close_fd(&ctl.sigfd);
	close_fd(&ctl.timerfd);
	ctl.listen_fd = -1;
}
