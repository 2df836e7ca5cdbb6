// SPDX-License-Identifier: BSD-3-Clause
/* ctl_clients.c - the control socket's clients: each with a budget it
 * cannot exceed
 *
 * Theory of operation
 * -------------------
 * Requests are JSON objects, one per line (doc/control-protocol.md); each
 * gets one reply line from ctl_handle(). Nothing here blocks on a client,
 * so no client can stall another, the control loop (control.c) or
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
 * - connections: up to the limit control.c sets (CTL_CLIENTS_MAX, fewer
 *   when the descriptor budget is small). The slot table grows as clients
 *   come. When it is full, the client that has been idle longest is
 *   dropped to make room, so a new client always gets its answer.
 *
 * A client may pass a file descriptor (SCM_RIGHTS) with a request, e.g. the
 * stream a capture writes to: the handler takes it with ctl_take_fd();
 * every other descriptor received is closed (ctl_fds.c). A handler learns
 * who asked with ctl_peer_cred() (SO_PEERCRED, read when the client
 * connected), e.g. to give a capture file to that user.
 */
#include "ctl_clients.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/sockios.h>

#include "clock.h"
#include "control.h"
#include "log.h"

#define CTL_CLIENTS_MIN 16 /* first size of the slot table */
#define CTL_STALL_SEC	5 /* a pending reply without progress */
#define CTL_IDLE_SEC	60 /* default of ctl_idle_timeout */
#define NS_PER_SEC	1000000000LL

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
	int epfd;
	struct ctl_client **clients;
	unsigned int n_slots;
	unsigned int n_clients;
	unsigned int max_clients;
	uint32_t generation;
} cl = { .epfd = -1 };

/**
 * watch_events() - add a client's socket to the loop's epoll set, or
 * change its events
 * @op:		EPOLL_CTL_ADD or EPOLL_CTL_MOD
 * @fd:		socket
 * @events:	EPOLLIN and/or EPOLLOUT
 * @tag:	the client's tag
 *
 * Return: 0, or -errno
 */
static int watch_events(int op, int fd, uint32_t events, int64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = (uint64_t)tag };

	return epoll_ctl(cl.epfd, op, fd, &ev) ? -errno : 0;
}

/**
 * ctl_clients_init() - where clients are watched, and how many may be
 * connected at once
 * @epfd:	the control loop's epoll set
 * @max:	connections at most
 *
 * Return: 0
 */
int ctl_clients_init(int epfd, unsigned int max)
{
	cl.epfd = epfd;
	cl.max_clients = max;
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
	cl.generation = (cl.generation + 1) & 0x7fffffff;
	return (int64_t)((uint64_t)cl.generation << 32 | slot);
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
	return *slot < cl.n_slots && cl.clients[*slot] &&
	       cl.clients[*slot]->tag == tag;
}

/**
 * client_close() - drop a client; accepts a free slot
 * @i:		slot
 */
static void client_close(unsigned int i)
{
	struct ctl_client *c = cl.clients[i];

	if (!c)
		return;
	close(c->fd); /* also leaves the epoll set */
	ctl_fds_clear(&c->rq.fds);
	free(c->out);
	free(c);
	cl.clients[i] = NULL;
	cl.n_clients--;
}

/**
 * client_evict() - make room for a new client: drop the one idle longest,
 * or, when every client waits for its reply, the one waiting longest
 */
static void client_evict(void)
{
	static struct log_ratelimit rl;
	int victim = -1, busy = -1;

	for (unsigned int i = 0; i < cl.n_slots; i++) {
		const struct ctl_client *c = cl.clients[i];
		int *pick = c && c->out ? &busy : &victim;

		if (c &&
		    (*pick < 0 || c->active_ns < cl.clients[*pick]->active_ns))
			*pick = (int)i;
	}
	if (victim < 0)
		victim = busy;
	if (victim < 0)
		return;
	if (log_ratelimit_ok(&rl))
		log_warn("control: %u clients connected, the most: dropping "
			 "the one idle longest",
			 cl.n_clients);
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

	for (i = 0; i < cl.n_slots; i++) {
		if (!cl.clients[i])
			return (int)i;
	}
	n = cl.n_slots ? 2 * cl.n_slots : CTL_CLIENTS_MIN;
	if (n > cl.max_clients)
		n = cl.max_clients;
	if (n <= cl.n_slots)
		return -1;
	t = realloc(cl.clients, n * sizeof(*t));
	if (!t)
		return -1;
	memset(t + cl.n_slots, 0, (n - cl.n_slots) * sizeof(*t));
	cl.clients = t;
	i = cl.n_slots;
	cl.n_slots = n;
	return (int)i;
}

/**
 * ctl_clients_add() - give an accepted connection a client slot, dropping
 * the client idle longest when every slot is taken
 * @fd:		connected non-blocking socket, owned from now on
 */
void ctl_clients_add(int fd)
{
	socklen_t len = sizeof(struct ucred);
	struct ctl_client *c;
	int i;

	if (cl.n_clients >= cl.max_clients)
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
	cl.clients[i] = c;
	cl.n_clients++;
	if (watch_events(EPOLL_CTL_ADD, fd, EPOLLIN, c->tag))
		client_close((unsigned int)i);
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
	struct ctl_client *c = cl.clients[i];
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
	struct ctl_client *c = cl.clients[i];
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
	struct ctl_client *c = cl.clients[i];
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
	struct ctl_client *c = cl.clients[i];
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
	struct ctl_client *c = cl.clients[i];

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
	struct ctl_client *c = cl.clients[i];
	int queued;

	if (!ioctl(c->fd, SIOCOUTQ, &queued) && queued < c->outq)
		c->active_ns = now;
	client_write(i); /* sends what fits already */
	if (!cl.clients[i])
		return false;
	if (!ioctl(c->fd, SIOCOUTQ, &queued))
		c->outq = queued;
	return true;
}

/**
 * ctl_clients_sweep() - once a second: drop the clients past their time
 * budget (a reply that makes no progress for CTL_STALL_SEC, or idle past
 * ctl_idle_timeout)
 */
void ctl_clients_sweep(void)
{
	int64_t now = clock_mono_ns();
	static struct log_ratelimit rl;

	for (unsigned int i = 0; i < cl.n_slots; i++) {
		const struct ctl_client *c = cl.clients[i];
		int64_t quiet;

		if (!c || (c->out && !client_reading(i, now)))
			continue;
		c = cl.clients[i];
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
 * ctl_clients_event() - epoll reported something with a client's tag
 * @tag:	the event's tag
 * @events:	what
 */
void ctl_clients_event(int64_t tag, uint32_t events)
{
	unsigned int slot;

	if (client_of(tag, &slot))
		client_event(slot, events);
}

/**
 * ctl_clients_close() - drop every client (shutdown)
 */
void ctl_clients_close(void)
{
	for (unsigned int i = 0; i < cl.n_slots; i++)
		client_close(i);
	free(cl.clients);
	cl.clients = NULL;
	cl.n_slots = 0;
}
