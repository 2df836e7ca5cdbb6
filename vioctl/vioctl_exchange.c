// SPDX-License-Identifier: BSD-3-Clause
/* vioctl_exchange.c - vioctl: one request and its reply over the control
 * socket
 *
 * Connect to the control socket, send the request as one line (with our
 * stdout passed along by SCM_RIGHTS when the request streams a capture),
 * read one reply line, and take the result out of it. The --timeout budget
 * covers the whole exchange: connect() waits at most that long (SO_SNDTIMEO
 * bounds a unix connect to a full backlog), and the send and receive loops
 * poll against the same deadline.
 */
#include "vioctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define VIOCTL_REPLY_MAX (16u << 20) /* bytes, without the newline */

int vioctl_pass_fd = -1;

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
	/* A user's default is in their runtime directory (protocol.h);
	 * root's switch listens elsewhere. */
	if (err == -ENOENT && geteuid() && strcmp(o->ctl, CTL_PATH_DEFAULT) &&
	    !access(CTL_PATH_DEFAULT, F_OK))
		hint = " (root's switch listens on " CTL_PATH_DEFAULT
		       ": --ctl " CTL_PATH_DEFAULT ")";
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
		      vioctl_pass_fd >= 0 ? vioctl_pass_fd
		      : json_is_true(json_object_get(req, "stream"))
			      ? STDOUT_FILENO
			      : -1,
		      &deadline);
	/* A switch that turned us away (out of descriptors) wrote why
	 * before it closed: read it even when our request found it gone. */
	if (!rc || rc == -EPIPE || rc == -ECONNRESET)
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
