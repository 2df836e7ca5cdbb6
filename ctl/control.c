// SPDX-License-Identifier: BSD-3-Clause
/* control.c - the control thread: socket, signals, periodic work
 *
 * Theory of operation
 * -------------------
 * The main thread runs one epoll loop over: the listening unix socket, its
 * clients, a signalfd for SIGINT/SIGTERM and a one-second timerfd for FDB
 * aging. Requests are JSON objects, one per line (doc/control-protocol.md);
 * each gets one reply line from ctl_handle(). A client that sends more than
 * CTL_REQUEST_MAX bytes without a newline gets an error reply and is
 * disconnected; a client that stops reading its replies is dropped after a
 * send timeout, so no client can stall the switch. A client may pass one
 * file descriptor (SCM_RIGHTS) with a request, e.g. the stream a capture
 * writes to; one the request does not take is closed after it.
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

#include "fdb.h"
#include "feature.h"
#include "log.h"
#include "vswitch.h"

#define MAX_CLIENTS 64

/**
 * struct ctl_client - one connection
 * @fd:		socket, -1 when the slot is free
 * @passed:	descriptor received with the pending request, or -1
 * @len:	bytes buffered
 * @buf:	partial request
 */
struct ctl_client {
	int fd;
	int passed;
	size_t len;
	char buf[CTL_REQUEST_MAX + 1];
};

static struct {
	int listen_fd;
	int reserve_fd;
	bool listen_paused;
	int epfd;
	int sigfd;
	int timerfd;
	char path[108];
	struct ctl_client *clients[MAX_CLIENTS];
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
	if (rc || listen(fd, 16))
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
 * watch() - add @fd to the loop's epoll set
 * @fd:		descriptor
 * @tag:	value returned in the event (index or negative marker)
 *
 * Return: 0, or -errno
 */
static int watch(int fd, int64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.u64 = (uint64_t)tag };

	return epoll_ctl(ctl.epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
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
	    timerfd_settime(ctl.timerfd, 0, &its, NULL)) {
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
 * client_close() - drop a client; accepts a free slot
 * @i:		slot
 */
static void client_close(int i)
{
	struct ctl_client *c = ctl.clients[i];

	if (!c)
		return;
	close(c->fd);
	if (c->passed >= 0)
		close(c->passed);
	free(c);
	ctl.clients[i] = NULL;
}

/**
 * client_add() - give an accepted connection a client slot
 * @fd:		connected socket, owned from now on
 */
static void client_add(int fd)
{
	struct timeval tv = { .tv_sec = 2 };

	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (ctl.clients[i])
			continue;
		ctl.clients[i] = malloc(sizeof(*ctl.clients[i]));
		if (!ctl.clients[i])
			break;
		ctl.clients[i]->fd = fd;
		ctl.clients[i]->passed = -1;
		ctl.clients[i]->len = 0;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (watch(fd, i))
			client_close(i);
		return;
	}
	close(fd);
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
	int fd = accept4(ctl.listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd >= 0)
		client_add(fd);
	else if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		 errno == ENOMEM)
		refuse_out_of_fds();
}

/**
 * client_reply() - send one reply line
 * @c:		client
 * @reply:	reply object, consumed
 *
 * Return: 0, or -1 when the client must be dropped
 */
static int client_reply(struct ctl_client *c, json_t *reply)
{
	char *text = json_dumps(reply, JSON_COMPACT);
	size_t len, off = 0;
	int rc = 0;

	json_decref(reply);
	if (!text)
		return -1;
	len = strlen(text);
	text[len++] = '\n'; /* replaces the NUL; length is explicit */
	while (off < len) {
		ssize_t w = send(c->fd, text + off, len - off, MSG_NOSIGNAL);

		if (w <= 0) {
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	free(text);
	return rc;
}

/**
 * error_reply() - build {"ok": false, "error": @msg}
 * @msg:	message
 *
 * Return: reply object
 */
static json_t *error_reply(const char *msg)
{
	return json_pack("{s:b,s:s}", "ok", 0, "error", msg);
}

/**
 * client_recv() - read bytes, and a passed descriptor if one comes along
 * @c:		client
 *
 * Return: bytes read, 0 at end of stream, or -1 with errno
 */
static ssize_t client_recv(struct ctl_client *c)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = c->buf + c->len,
			     .iov_len = CTL_REQUEST_MAX + 1 - c->len };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = cbuf.buf,
			      .msg_controllen = sizeof(cbuf.buf) };
	struct cmsghdr *cm;
	ssize_t r;

	r = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	for (cm = CMSG_FIRSTHDR(&msg); r >= 0 && cm;
	     cm = CMSG_NXTHDR(&msg, cm)) {
		int fd;

		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS ||
		    cm->cmsg_len != CMSG_LEN(sizeof(int)))
			continue;
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
		if (c->passed >= 0)
			close(c->passed);
		c->passed = fd;
	}
	return r;
}

/**
 * client_read() - read from a client and answer every complete request
 * @i:		slot
 */
static void client_read(int i)
{
	struct ctl_client *c = ctl.clients[i];
	char *nl;
	ssize_t r;

	r = client_recv(c);
	if (r <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			client_close(i);
		return;
	}
	c->len += (size_t)r;
	while ((nl = memchr(c->buf, '\n', c->len))) {
		size_t line = (size_t)(nl - c->buf);
		json_t *reply = ctl_handle(c->buf, line, &c->passed);

		if (c->passed >= 0)
			close(c->passed);
		c->passed = -1;
		if (client_reply(c, reply)) {
			client_close(i);
			return;
		}
		memmove(c->buf, nl + 1, c->len - line - 1);
		c->len -= line + 1;
	}
	if (c->len > CTL_REQUEST_MAX) {
		client_reply(c, error_reply("request longer than 65536 bytes"));
		client_close(i);
	}
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
			} else if (ctl.clients[tag]) {
				client_read((int)tag);
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
	for (int i = 0; i < MAX_CLIENTS; i++)
		client_close(i);
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
