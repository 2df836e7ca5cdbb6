// SPDX-License-Identifier: BSD-3-Clause
/* control.c - the control thread: socket, signals, periodic work
 *
 * Theory of operation
 * -------------------
 * The main thread runs one epoll loop over: the listening unix socket, its
 * clients, a signalfd for SIGINT/SIGTERM and a one-second timerfd for FDB
 * aging. Requests are JSON objects, one per line (doc/control-protocol.md);
 * each gets one reply line from ctl_handle(). The loop never blocks on a
 * client, so no client can stall another, the datapath's housekeeping or
 * shutdown; every client has a budget it cannot exceed:
 * - input: a request of at most CTL_REQUEST_MAX bytes; a longer one gets
 *   an error reply and the connection is closed after it;
 * - output: sockets are non-blocking. A reply is encoded whole (at most
 *   CTL_REPLY_MAX bytes; a larger one is replaced by an error reply), sent
 *   as far as the socket takes it, and the rest when the socket is writable
 *   again (EPOLLOUT). While a reply is pending the client's further
 *   requests are not read, so a client holds at most one reply;
 * - time: a client whose pending reply makes no progress for
 *   CTL_STALL_SEC seconds is dropped, and so is one that sends no request
 *   for ctl_idle_timeout seconds (--ctl-idle-timeout, default 60; 0: never);
 * - connections: up to CTL_CLIENTS_MAX (fewer when the descriptor budget is
 *   small: a quarter of it). The slot table grows as clients come. When it
 *   is full, the client that has been idle longest is dropped to make room,
 *   so a new client always gets its answer.
 * SIGINT/SIGTERM end the loop at once, whatever the clients do.
 *
 * A client may pass a file descriptor (SCM_RIGHTS) with a request, e.g. the
 * stream a capture writes to: the handler takes it with ctl_take_fd();
 * every other descriptor received is closed (ctl_fds.c). A handler learns
 * who asked with ctl_peer_cred() (SO_PEERCRED, read when the client
 * connected), e.g. to give a capture file to that user.
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
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/sockios.h>

#include "clock.h"
#include "fd_budget.h"
#include "fdb.h"
#include "feature.h"
#include "log.h"
#include "vswitch.h"

#define CTL_CLIENTS_MAX	   1024 /* connections at most */
#define CTL_CLIENTS_MIN	   16 /* even with a tiny descriptor budget */
#define CTL_STALL_SEC	   5 /* a pending reply without progress */
#define CTL_IDLE_SEC	   60 /* default of ctl_idle_timeout */
#define CTL_LISTEN_BACKLOG 128
#define NS_PER_SEC	   1000000000LL

/* Seconds a client may stay connected without a request; 0: forever. */
unsigned int ctl_idle_timeout = CTL_IDLE_SEC;

/**
 * struct ctl_client - one connection
 * @fd:		socket
 * @tag:	its epoll tag: slot and generation (client_tag())
 * @rq:		descriptors passed with the pending request, credentials
 * @active_ns:	last request byte received, reply byte sent or reply byte
 *		the client read (monotonic)
 * @outq:	reply bytes sent and not yet read by the client, at the last
 *		look (SIOCOUTQ)
 * @out:	reply being sent, or NULL
 * @out_len:	its length
 * @out_off:	bytes of it sent
 * @closing:	close once @out is sent
 * @len:	bytes buffered
 * @buf:	partial request
 */
struct ctl_client {
	int fd;
	int64_t tag;
	struct ctl_request rq;
	int64_t active_ns;
	int outq;
	char *out;
	size_t out_len;
	size_t out_off;
	bool closing;
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
	struct ctl_client **clients;
	unsigned int n_slots;
	unsigned int n_clients;
	unsigned int max_clients;
	uint32_t generation;
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
	ctl.max_clients = clients_max();
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
 * client_tag() - a new client's epoll tag
 * @slot:	its slot
 *
 * Slot in the low 32 bits, a generation in the next 31: an event still
 * queued for a client dropped in the same epoll round never reaches the
 * client that took its slot.
 *
 * Return: tag, never negative (negative tags are the loop's own fds)
 */
static int64_t client_tag(unsigned int slot)
{
	ctl.generation = (ctl.generation + 1) & 0x7fffffff;
	return (int64_t)((uint64_t)ctl.generation << 32 | slot);
}

/**
 * client_of() - the client an epoll tag names, if it is still there
 * @tag:	tag from the event
 * @slot:	set to its slot
 *
 * Return: true if the client is there
 */
static bool client_of(int64_t tag, unsigned int *slot)
{
	*slot = (uint32_t)tag;
	return *slot < ctl.n_slots && ctl.clients[*slot] &&
	       ctl.clients[*slot]->tag == tag;
}

/**
 * client_close() - drop a client; accepts a free slot
 * @i:		slot
 */
static void client_close(unsigned int i)
{
	struct ctl_client *c = ctl.clients[i];

	if (!c)
		return;
	close(c->fd); /* also leaves the epoll set */
	ctl_fds_clear(&c->rq.fds);
	free(c->out);
	free(c);
	ctl.clients[i] = NULL;
	ctl.n_clients--;
}

/**
 * client_evict() - make room for a new client: drop the one idle longest,
 * or, when every client waits for its reply, the one waiting longest
 */
static void client_evict(void)
{
	static struct log_ratelimit rl;
	int victim = -1, busy = -1;

	for (unsigned int i = 0; i < ctl.n_slots; i++) {
		const struct ctl_client *c = ctl.clients[i];
		int *pick = c && c->out ? &busy : &victim;

		if (c &&
		    (*pick < 0 || c->active_ns < ctl.clients[*pick]->active_ns))
			*pick = (int)i;
	}
	if (victim < 0)
		victim = busy;
	if (victim < 0)
		return;
	if (log_ratelimit_ok(&rl))
		log_warn("control: %u clients connected, the most: dropping "
			 "the one idle longest",
			 ctl.n_clients);
	client_close((unsigned int)victim);
}

/**
 * free_slot() - a free client slot, growing the table if need be
 *
 * Return: slot, or -1 without memory
 */
static int free_slot(void)
{
	struct ctl_client **t;
	unsigned int i, n;

	for (i = 0; i < ctl.n_slots; i++) {
		if (!ctl.clients[i])
			return (int)i;
	}
	n = ctl.n_slots ? 2 * ctl.n_slots : CTL_CLIENTS_MIN;
	if (n > ctl.max_clients)
		n = ctl.max_clients;
	if (n <= ctl.n_slots)
		return -1;
	t = realloc(ctl.clients, n * sizeof(*t));
	if (!t)
		return -1;
	memset(t + ctl.n_slots, 0, (n - ctl.n_slots) * sizeof(*t));
	ctl.clients = t;
	i = ctl.n_slots;
	ctl.n_slots = n;
	return (int)i;
}

/**
 * client_add() - give an accepted connection a client slot, dropping the
 * client idle longest when every slot is taken
 * @fd:		connected non-blocking socket, owned from now on
 */
static void client_add(int fd)
{
	socklen_t len = sizeof(struct ucred);
	struct ctl_client *c;
	int i;

	if (ctl.n_clients >= ctl.max_clients)
		client_evict();
	i = free_slot();
	c = i >= 0 ? malloc(sizeof(*c)) : NULL;
	if (!c) {
		log_warn("control: no memory for a client");
		close(fd);
		return;
	}
	c->fd = fd;
	c->tag = client_tag((unsigned int)i);
	ctl_fds_init(&c->rq.fds);
	c->rq.has_cred =
		!getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->rq.cred, &len);
	c->active_ns = clock_mono_ns();
	c->outq = 0;
	c->out = NULL;
	c->out_len = c->out_off = 0;
	c->closing = false;
	c->len = 0;
	ctl.clients[i] = c;
	ctl.n_clients++;
	if (watch(fd, c->tag))
		client_close((unsigned int)i);
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
		client_add(fd);
	else if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		 errno == ENOMEM)
		refuse_out_of_fds();
}

/**
 * struct reply_buf - a reply being encoded
 * @text:	bytes so far
 * @len:	their count
 * @cap:	room in @text
 * @too_big:	the reply passed CTL_REPLY_MAX
 */
struct reply_buf {
	char *text;
	size_t len;
	size_t cap;
	bool too_big;
};

/**
 * reply_chunk() - json_dump_callback() sink: append, within CTL_REPLY_MAX
 * @chunk:	bytes
 * @size:	their count
 * @data:	struct reply_buf
 *
 * Return: 0, or -1 to stop the encoding
 */
static int reply_chunk(const char *chunk, size_t size, void *data)
{
	struct reply_buf *b = data;

	if (size > CTL_REPLY_MAX - b->len) {
		b->too_big = true;
		return -1;
	}
	if (b->len + size + 1 > b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4096;
		char *t;

		while (cap < b->len + size + 1)
			cap *= 2;
		t = realloc(b->text, cap);
		if (!t)
			return -1;
		b->text = t;
		b->cap = cap;
	}
	memcpy(b->text + b->len, chunk, size);
	b->len += size;
	return 0;
}

/**
 * error_reply() - build {"ok": false, "error": @msg}
 * @msg:	message, valid UTF-8
 *
 * Return: reply object, or NULL without memory
 */
static json_t *error_reply(const char *msg)
{
	return json_pack("{s:b,s:s}", "ok", 0, "error", msg);
}

/**
 * reply_encode() - one reply line, at most CTL_REPLY_MAX bytes and the
 * newline; a reply that cannot be sent becomes an error reply
 * @reply:	reply object, consumed; NULL when building it failed
 * @len:	set to the line's length
 *
 * Return: the line (malloc'ed), or NULL without memory
 */
static char *reply_encode(json_t *reply, size_t *len)
{
	static const char oom[] = "{\"ok\":false,\"error\":\"the switch is "
				  "out of memory\"}";
	struct reply_buf b = { 0 };
	int rc =
		reply ? json_dump_callback(reply, reply_chunk, &b, JSON_COMPACT)
		      : -1;
	char msg[128];

	json_decref(reply);
	if (rc) {
		if (b.too_big)
			snprintf(msg, sizeof(msg),
				 "the reply is larger than %u MiB, the most "
				 "a client is sent; ask for less",
				 CTL_REPLY_MAX >> 20);
		else
			snprintf(msg, sizeof(msg),
				 "the reply could not be encoded");
		free(b.text);
		b = (struct reply_buf){ 0 };
		reply = error_reply(msg);
		if (!reply ||
		    json_dump_callback(reply, reply_chunk, &b, JSON_COMPACT)) {
			free(b.text);
			b = (struct reply_buf){ 0 };
			reply_chunk(oom, sizeof(oom) - 1, &b);
		}
		json_decref(reply);
	}
	if (!b.text)
		return NULL;
	b.text[b.len++] = '\n'; /* reply_chunk() kept room for it */
	*len = b.len;
	return b.text;
}

/**
 * client_flush() - send as much of the pending reply as the socket takes
 * @c:		client
 *
 * Return: 0 when all is sent, 1 when some is left, -1 when the client
 * must be dropped
 */
static int client_flush(struct ctl_client *c)
{
	while (c->out && c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (w <= 0)
			return -1;
		c->out_off += (size_t)w;
		c->active_ns = clock_mono_ns();
	}
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	c->outq = 0;
	return 0;
}

/**
 * client_reply() - queue one reply line and send what the socket takes
 * @i:		slot
 * @reply:	reply object, consumed
 *
 * Return: 0 when sent, 1 when the rest waits for EPOLLOUT (the client's
 * requests are no longer read until then), -1 when the client was dropped
 */
static int client_reply(unsigned int i, json_t *reply)
{
	struct ctl_client *c = ctl.clients[i];
	int rc;

	c->out = reply_encode(reply, &c->out_len);
	c->out_off = 0;
	if (!c->out) {
		client_close(i);
		return -1;
	}
	rc = client_flush(c);
	if (rc == 1 && watch_events(EPOLL_CTL_MOD, c->fd, EPOLLOUT, c->tag))
		rc = -1;
	if (rc < 0)
		client_close(i);
	return rc;
}

/**
 * client_recv() - read bytes, and the descriptors that come along
 * @c:		client
 *
 * Return: bytes read, 0 at end of stream, or -1 with errno
 */
static ssize_t client_recv(struct ctl_client *c)
{
	union ctl_fds_cbuf cbuf;
	struct iovec iov = { .iov_base = c->buf + c->len,
			     .iov_len = CTL_REQUEST_MAX + 1 - c->len };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = cbuf.buf,
			      .msg_controllen = sizeof(cbuf.buf) };
	ssize_t r;

	r = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (r >= 0)
		ctl_fds_recv(&c->rq.fds, &msg);
	return r;
}

/**
 * client_serve() - answer the complete requests buffered, one at a time,
 * as long as each reply goes out at once
 * @i:		slot
 */
static void client_serve(unsigned int i)
{
	struct ctl_client *c = ctl.clients[i];
	char *nl;

	while (!c->out && (nl = memchr(c->buf, '\n', c->len))) {
		size_t line = (size_t)(nl - c->buf);
		json_t *reply = ctl_handle(c->buf, line, &c->rq);
		int rc;

		ctl_fds_clear(&c->rq.fds);
		memmove(c->buf, nl + 1, c->len - line - 1);
		c->len -= line + 1;
		rc = client_reply(i, reply);
		if (rc)
			return;
	}
	if (!c->out && c->len > CTL_REQUEST_MAX) {
		char msg[64];

		snprintf(msg, sizeof(msg), "request longer than %d bytes",
			 CTL_REQUEST_MAX);
		c->closing = true;
		c->len = 0;
		if (!client_reply(i, error_reply(msg)))
			client_close(i);
	}
}

/**
 * client_read() - read from a client and answer every complete request
 * @i:		slot
 */
static void client_read(unsigned int i)
{
	struct ctl_client *c = ctl.clients[i];
	ssize_t r;

	r = client_recv(c);
	if (r <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			client_close(i);
		return;
	}
	c->len += (size_t)r;
	c->active_ns = clock_mono_ns();
	client_serve(i);
}

/**
 * client_write() - the socket takes more of a pending reply
 * @i:		slot
 */
static void client_write(unsigned int i)
{
	struct ctl_client *c = ctl.clients[i];
	int rc = client_flush(c);

	if (rc == 1)
		return;
	if (rc < 0 || c->closing ||
	    watch_events(EPOLL_CTL_MOD, c->fd, EPOLLIN, c->tag)) {
		client_close(i);
		return;
	}
	client_serve(i); /* requests that came with the last one */
}

/**
 * client_event() - epoll reported something on a client's socket
 * @i:		slot
 * @events:	what
 */
static void client_event(unsigned int i, uint32_t events)
{
	struct ctl_client *c = ctl.clients[i];

	if (events & EPOLLERR) {
		client_close(i);
		return;
	}
	if (c->out) {
		if (events & (EPOLLOUT | EPOLLHUP))
			client_write(i); /* a hangup makes send() fail */
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP))
		client_read(i);
}

/**
 * client_reading() - is a client with a pending reply reading it? It may
 * read for a while before its socket is writable again: a unix socket
 * wakes its writer only once three quarters of the queued bytes are read
 * @i:		slot
 * @now:	monotonic time, ns
 *
 * Return: true while the client is still there
 */
static bool client_reading(unsigned int i, int64_t now)
{
	struct ctl_client *c = ctl.clients[i];
	int queued;

	if (!ioctl(c->fd, SIOCOUTQ, &queued) && queued < c->outq)
		c->active_ns = now;
	client_write(i); /* sends what fits already */
	if (!ctl.clients[i])
		return false;
	if (!ioctl(c->fd, SIOCOUTQ, &queued))
		c->outq = queued;
	return true;
}

/**
 * clients_sweep() - once a second: drop the clients past their time
 * budget (a reply that makes no progress for CTL_STALL_SEC, or idle past
 * ctl_idle_timeout)
 */
static void clients_sweep(void)
{
	int64_t now = clock_mono_ns();
	static struct log_ratelimit rl;

	for (unsigned int i = 0; i < ctl.n_slots; i++) {
		const struct ctl_client *c = ctl.clients[i];
		int64_t quiet;

		if (!c || (c->out && !client_reading(i, now)))
			continue;
		c = ctl.clients[i];
		quiet = now - c->active_ns;
		if (c->out && quiet > CTL_STALL_SEC * NS_PER_SEC) {
			if (log_ratelimit_ok(&rl))
				log_warn("control: a client took no byte of "
					 "its reply for %d s: dropped",
					 CTL_STALL_SEC);
			client_close(i);
		} else if (!c->out && ctl_idle_timeout &&
			   quiet > (int64_t)ctl_idle_timeout * NS_PER_SEC) {
			log_debug("control: a client idle for %u s: dropped",
				  ctl_idle_timeout);
			client_close(i);
		}
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
	clients_sweep();
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
			unsigned int slot;

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
			} else if (client_of(tag, &slot)) {
				client_event(slot, ev[k].events);
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
	for (unsigned int i = 0; i < ctl.n_slots; i++)
		client_close(i);
	free(ctl.clients);
	ctl.clients = NULL;
	ctl.n_slots = 0;
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
