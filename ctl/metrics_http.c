// SPDX-License-Identifier: BSD-3-Clause
/* metrics_http.c - --metrics ADDR:PORT: the counters over HTTP at /metrics
 *
 * Theory of operation
 * -------------------
 * libmicrohttpd serves GET /metrics with the text metrics.c renders. It
 * runs in its external mode with epoll (MHD_USE_EPOLL, no thread of its
 * own): each listener's epoll fd sits in one epoll set of ours, which
 * the control loop watches as this feature's event fd (feature.h); the
 * loop calls metrics_http_event() when it is readable and once a second,
 * and that calls MHD_run() on each listener. So the text is built on the
 * control thread, the only thread that may walk the port table (ports are
 * freed there), with no lock, no thread to start, sandbox or stop, and a
 * scrape costs the datapath nothing. The price - a slow scrape delays
 * the control socket by as long - is small: rendering takes microseconds
 * per port, and MHD never blocks (non-blocking sockets).
 *
 * Every client is bounded: METRICS_CONNS connections at once (more are
 * refused at accept), METRICS_TIMEOUT seconds of silence before MHD
 * closes a connection (checked at least once a second), METRICS_MEM bytes
 * of request buffer. Only GET (and HEAD) of /metrics is answered; another
 * path gets 404, another method 405. The listening socket is made here,
 * from a numeric address (no name lookup): `PORT` is 127.0.0.1:PORT,
 * `ADDR:PORT` an IPv4 address, `[ADDR]:PORT` an IPv6 one; up to
 * METRICS_LISTENERS --metrics options are served.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>
#include <rte_common.h>

#include "feature.h"
#include "log.h"
#include "metrics.h"

#define METRICS_LISTENERS 4
#define METRICS_CONNS	  16
#define METRICS_TIMEOUT	  10 /* seconds */
#define METRICS_MEM	  (32u << 10)
#define METRICS_BACKLOG	  16

static struct {
	int epfd;
	unsigned int n;
	unsigned int n_args;
	struct MHD_Daemon *d[METRICS_LISTENERS];
} http = { .epfd = -1 };

/**
 * addr_parse() - parse a --metrics value into a socket address
 * @arg:	PORT, IPV4:PORT or [IPV6]:PORT
 * @ss:		result
 * @len:	its length, set
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int addr_parse(const char *arg, struct sockaddr_storage *ss,
		      socklen_t *len, char *err, size_t errlen)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	const char *host = "127.0.0.1", *port = arg, *colon;
	char buf[INET6_ADDRSTRLEN + 2];
	unsigned long p;
	char *end;

	colon = strrchr(arg, ':');
	if (colon) {
		size_t n = (size_t)(colon - arg);

		if (n >= sizeof(buf))
			goto bad;
		memcpy(buf, arg, n);
		buf[n] = '\0';
		host = buf;
		port = colon + 1;
		if (buf[0] == '[') {
			if (n < 2 || buf[n - 1] != ']')
				goto bad;
			buf[n - 1] = '\0';
			host = buf + 1;
		}
	}
	errno = 0;
	p = strtoul(port, &end, 10);
	if (*port < '0' || *port > '9' || *end || errno || !p || p > 65535)
		goto bad;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1 &&
	    (!colon || arg[0] != '[')) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		*len = sizeof(*s4);
		return 0;
	}
	if (colon && arg[0] == '[' &&
	    inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*s6);
		return 0;
	}
bad:
	snprintf(err, errlen,
		 "expected PORT, IPV4:PORT or [IPV6]:PORT with a numeric "
		 "address, e.g. 9100, 127.0.0.1:9100 or [::1]:9100");
	return -EINVAL;
}

/**
 * url_of() - the URL a listener serves
 * @ss:		its address
 * @buf:	output
 * @len:	its size
 */
static void url_of(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "http://[%s]:%u/metrics", a,
			 ntohs(s6->sin6_port));
	} else {
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "http://%s:%u/metrics", a,
			 ntohs(s4->sin_port));
	}
}

/**
 * listen_on() - make the listening socket of a --metrics value
 * @arg:	its value
 * @ss:		its address, set
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: fd, or -errno with a message
 */
static int listen_on(const char *arg, struct sockaddr_storage *ss, char *err,
		     size_t errlen)
{
	socklen_t len;
	int fd, one = 1, rc;

	rc = addr_parse(arg, ss, &len, err, errlen);
	if (rc)
		return rc;
	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
	if (fd < 0)
		goto fail;
	if (ss->ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)ss, len) || listen(fd, METRICS_BACKLOG))
		goto fail;
	return fd;
fail:
	rc = -errno;
	snprintf(err, errlen, "%s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/**
 * respond() - queue a response made of a static text
 * @c:		connection
 * @status:	HTTP status
 * @text:	body
 *
 * Return: MHD_YES, or MHD_NO to close the connection
 */
static enum MHD_Result respond(struct MHD_Connection *c, unsigned int status,
			       const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ok;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

/**
 * respond_metrics() - queue the response to GET /metrics
 * @c:		connection
 *
 * Return: MHD_YES, or MHD_NO to close the connection
 */
static enum MHD_Result respond_metrics(struct MHD_Connection *c)
{
	struct MHD_Response *r;
	enum MHD_Result ok;
	size_t len;
	char *text = metrics_prometheus(&len);

	if (!text)
		return respond(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
			       "cannot render the metrics\n");
	r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				METRICS_CONTENT_TYPE);
	ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

/**
 * on_request() - MHD's access handler: answer one request
 * @cls:	unused
 * @c:		connection
 * @url:	path, without the query string
 * @method:	HTTP method
 * @version:	unused
 * @data:	request body, ignored
 * @data_size:	its size, consumed
 * @con_cls:	per-request state: NULL on the first call
 *
 * The first call only marks the request as seen; the response is queued
 * once the request (and any body, discarded) is read.
 *
 * Return: MHD_YES, or MHD_NO to close the connection
 */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *data,
				  size_t *data_size, void **con_cls)
{
	static int seen;

	(void)cls;
	(void)version;
	(void)data;
	if (!*con_cls) {
		*con_cls = &seen;
		return MHD_YES;
	}
	if (*data_size) {
		*data_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return respond(c, MHD_HTTP_METHOD_NOT_ALLOWED,
			       "only GET /metrics\n");
	if (strcmp(url, "/metrics"))
		return respond(c, MHD_HTTP_NOT_FOUND,
			       "not found: the metrics are at /metrics\n");
	return respond_metrics(c);
}

/**
 * on_mhd_log() - MHD's error messages, into our log
 * @cls:	unused
 * @fmt:	printf format
 * @ap:		arguments
 */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	log_debug("metrics: %s", msg);
}

/**
 * metrics_http_check() - check a --metrics value while options are parsed
 * @arg:	value
 * @ids:	ids of every --netdev, or NULL while still parsing
 * @n_ids:	unused
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int metrics_http_check(const char *arg, const char *const *ids,
			      unsigned int n_ids, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;

	(void)n_ids;
	if (!ids && ++http.n_args > METRICS_LISTENERS) {
		snprintf(err, errlen, "at most %d --metrics listeners",
			 METRICS_LISTENERS);
		return -EINVAL;
	}
	return addr_parse(arg, &ss, &len, err, errlen);
}

/**
 * metrics_http_start() - serve one --metrics value
 * @arg:	value
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int metrics_http_start(const char *arg, char *err, size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN };
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	char url[INET6_ADDRSTRLEN + 32];
	int fd;

	if (http.epfd < 0 || http.n >= METRICS_LISTENERS) {
		snprintf(err, errlen, "no room for another listener");
		return -ENOSPC;
	}
	fd = listen_on(arg, &ss, err, errlen);
	if (fd < 0)
		return fd;
	d = MHD_start_daemon(
		MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			(ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
		0, NULL, NULL, on_request, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)METRICS_CONNS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)METRICS_TIMEOUT,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_MEM,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_END);
	info = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
	ev.data.ptr = d;
	if (!info || epoll_ctl(http.epfd, EPOLL_CTL_ADD, info->epoll_fd, &ev)) {
		snprintf(err, errlen, "cannot start the HTTP server");
		if (d)
			MHD_stop_daemon(d);
		else
			close(fd);
		return -EIO;
	}
	http.d[http.n++] = d;
	url_of(&ss, url, sizeof(url));
	log_info("metrics: serving %s", url);
	return 0;
}

/**
 * metrics_http_event_fd() - the epoll set of every listener
 *
 * Return: fd, or -1 with errno
 */
static int metrics_http_event_fd(void)
{
	if (http.epfd < 0)
		http.epfd = epoll_create1(EPOLL_CLOEXEC);
	return http.epfd;
}

/**
 * metrics_http_event() - a listener has work, or a second passed: let MHD
 * accept, read, answer and time out connections
 */
static void metrics_http_event(void)
{
	struct epoll_event ev[METRICS_LISTENERS];
	int n;

	if (!http.n)
		return;
	/* Drain the readiness of our set; MHD_run() does the work. */
	n = epoll_wait(http.epfd, ev, METRICS_LISTENERS, 0);
	(void)n;
	for (unsigned int i = 0; i < http.n; i++)
		MHD_run(http.d[i]);
}

/**
 * metrics_http_stop() - close every listener and connection
 */
static void metrics_http_stop(void)
{
	for (unsigned int i = 0; i < http.n; i++)
		MHD_stop_daemon(http.d[i]);
	http.n = 0;
	if (http.epfd >= 0)
		close(http.epfd);
	http.epfd = -1;
}

static struct ctl_feature metrics_http_feature = {
	.name = "metrics",
	.option = "metrics",
	.option_help =
		"  --metrics [ADDR:]PORT\n"
		"                      serve the counters at http://ADDR:PORT"
		"/metrics\n"
		"                      (Prometheus text; ADDR 127.0.0.1 by "
		"default,\n"
		"                      [::1]:PORT for IPv6; repeatable)\n",
	.option_check = metrics_http_check,
	.start = metrics_http_start,
	.stop = metrics_http_stop,
	.event_fd = metrics_http_event_fd,
	.event = metrics_http_event,
};

RTE_INIT(metrics_http_register)
{
	ctl_feature_register(&metrics_http_feature);
}
