// SPDX-License-Identifier: BSD-3-Clause
/* hostfwd.c - QEMU-style hostfwd rules: parse, describe
 *
 * Grammar (QEMU's): [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport,
 * IPv6 addresses in brackets. Unlike QEMU, an empty hostaddr means
 * 127.0.0.1, so a guest's sshd does not appear on the LAN by accident;
 * 0.0.0.0 is there for whoever asks. Beyond QEMU, guestaddr may name a
 * switch port (`tcp::2223-vm2:22`): the rule then follows the address the
 * VM on that port holds. Every error names the part that is wrong.
 */
#include "hostfwd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/**
 * parse_port() - a port number 1..65535
 * @what:	"host port" or "guest port", for the message
 * @text:	digits
 * @out:	result
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_port(const char *what, const char *text, uint16_t *out,
		      char *err, size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (!*text || *end || errno || v < 1 || v > 65535) {
		snprintf(err, errlen, "%s '%s' is not a number from 1 to 65535",
			 what, text);
		return -EINVAL;
	}
	*out = (uint16_t)v;
	return 0;
}

/**
 * split_addr_port() - split "[addr]:port" or "addr:port" at the last colon
 * outside brackets
 * @s:		text, modified
 * @addr:	address part (brackets removed)
 * @port:	port part
 *
 * Return: 0, or -EINVAL when there is no colon
 */
static int split_addr_port(char *s, char **addr, char **port)
{
	char *colon;

	if (*s == '[') {
		char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return -EINVAL;
		*close = '\0';
		*addr = s + 1;
		*port = close + 2;
		return 0;
	}
	colon = strrchr(s, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	*addr = s;
	*port = colon + 1;
	return 0;
}

/**
 * set_addr() - fill a sockaddr from an address text and port
 * @text:	IPv4, IPv6 or "" (@dflt4 then)
 * @port:	port
 * @dflt4:	IPv4 address for ""
 * @ss:		result
 * @len:	its length
 *
 * Return: 0, or -EINVAL when @text is no address
 */
static int set_addr(const char *text, uint16_t port, const char *dflt4,
		    struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (!*text)
		text = dflt4;
	if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		*len = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return 0;
	}
	return -EINVAL;
}

/**
 * is_port_id() - could @s name a switch port?
 * @s:		text
 *
 * Return: true for 1..31 letters, digits, '-', '_', '.' with a letter first
 */
static bool is_port_id(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) ||
	    strlen(s) >= PORT_ID_MAX)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789-_.") == strlen(s);
}

/**
 * parse_proto() - the protocol part
 * @proto:	"tcp", "udp" or ""
 * @rule:	rule being filled
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_proto(const char *proto, struct hostfwd_rule *rule, char *err,
		       size_t errlen)
{
	if (!*proto || !strcmp(proto, "tcp"))
		rule->udp = false;
	else if (!strcmp(proto, "udp"))
		rule->udp = true;
	else {
		snprintf(err, errlen, "protocol '%s' is not tcp or udp", proto);
		return -EINVAL;
	}
	return 0;
}

/**
 * parse_guest() - the guest part: [addr|port-id]:port
 * @g:		text, modified
 * @rule:	rule being filled
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_guest(char *g, struct hostfwd_rule *rule, char *err,
		       size_t errlen)
{
	char *addr, *port;
	uint16_t p;

	if (split_addr_port(g, &addr, &port)) {
		snprintf(err, errlen, "guest part '%s' is not [addr]:port", g);
		return -EINVAL;
	}
	if (parse_port("guest port", port, &p, err, errlen))
		return -EINVAL;
	if (!set_addr(addr, p, "0.0.0.0", &rule->guest, &rule->guest_len))
		return 0;
	if (!is_port_id(addr)) {
		snprintf(err, errlen,
			 "guest address '%s' is not an IPv4 "
			 "address, [IPv6] address or port id",
			 addr);
		return -EINVAL;
	}
	snprintf(rule->guest_port_id, sizeof(rule->guest_port_id), "%s", addr);
	return set_addr("", p, "0.0.0.0", &rule->guest, &rule->guest_len);
}

/**
 * parse_listen() - the protocol and host parts of a rule
 * @proto:	"tcp", "udp" or ""
 * @host:	"[hostaddr]:hostport", modified
 * @rule:	rule being filled
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_listen(const char *proto, char *host,
			struct hostfwd_rule *rule, char *err, size_t errlen)
{
	char *addr, *port;
	uint16_t p;

	if (parse_proto(proto, rule, err, errlen))
		return -EINVAL;
	if (split_addr_port(host, &addr, &port)) {
		snprintf(err, errlen, "host part '%s' is not [addr]:port",
			 host);
		return -EINVAL;
	}
	if (parse_port("host port", port, &p, err, errlen))
		return -EINVAL;
	if (set_addr(addr, p, "127.0.0.1", &rule->host, &rule->host_len)) {
		snprintf(err, errlen,
			 "host address '%s' is not an IPv4 "
			 "address or [IPv6] address",
			 addr);
		return -EINVAL;
	}
	return 0;
}

/**
 * hostfwd_parse() - parse one rule
 * @text:	e.g. "tcp::2222-:22" or "udp:[::1]:5353-[fec0::15]:53"
 * @rule:	result
 * @err:	message buffer, names the wrong part
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int hostfwd_parse(const char *text, struct hostfwd_rule *rule, char *err,
		  size_t errlen)
{
	char buf[HOSTFWD_TEXT_MAX], *host, *guest;

	memset(rule, 0, sizeof(*rule));
	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, errlen, "rule longer than %zu bytes",
			 sizeof(buf) - 1);
		return -EINVAL;
	}
	snprintf(rule->text, sizeof(rule->text), "%s", text);
	snprintf(buf, sizeof(buf), "%s", text);
	host = strchr(buf, ':');
	guest = host ? strchr(host, '-') : NULL;
	if (!host || !guest) {
		snprintf(err, errlen,
			 "expected [tcp|udp]:[hostaddr]:hostport-"
			 "[guestaddr]:guestport");
		return -EINVAL;
	}
	*host++ = '\0';
	*guest++ = '\0';
	if (parse_listen(buf, host, rule, err, errlen))
		return -EINVAL;
	return parse_guest(guest, rule, err, errlen);
}

/**
 * hostfwd_parse_listen() - what a rule listens on, from a whole rule or
 * from QEMU's hostfwd_remove form, [tcp|udp]:[hostaddr]:hostport
 * @text:	e.g. "tcp:127.0.0.1:2222-:22", "tcp::2222" or "::2222"
 * @rule:	result: protocol and host address (and the guest part when
 *		@text is a whole rule)
 * @err:	message buffer, names the wrong part
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int hostfwd_parse_listen(const char *text, struct hostfwd_rule *rule, char *err,
			 size_t errlen)
{
	char buf[HOSTFWD_TEXT_MAX], *host;

	if (strchr(text, '-'))
		return hostfwd_parse(text, rule, err, errlen);
	memset(rule, 0, sizeof(*rule));
	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, errlen, "rule longer than %zu bytes",
			 sizeof(buf) - 1);
		return -EINVAL;
	}
	snprintf(rule->text, sizeof(rule->text), "%s", text);
	snprintf(buf, sizeof(buf), "%s", text);
	host = strchr(buf, ':');
	if (!host) {
		snprintf(err, errlen,
			 "expected [tcp|udp]:[hostaddr]:hostport or a whole "
			 "rule");
		return -EINVAL;
	}
	*host++ = '\0';
	return parse_listen(buf, host, rule, err, errlen);
}

/**
 * is_any() - is @ss the wildcard address (0.0.0.0 or ::)?
 * @ss:		address
 *
 * Return: true if so
 */
static bool is_any(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *in = (const void *)ss;
	const struct sockaddr_in6 *in6 = (const void *)ss;

	if (ss->ss_family == AF_INET)
		return in->sin_addr.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr);
}

/**
 * hostfwd_same_listen() - would @a and @b listen on the same socket? Same
 * protocol, family and port, and the same address or either the wildcard
 * @a:		rule
 * @b:		rule
 *
 * Return: true if so
 */
bool hostfwd_same_listen(const struct hostfwd_rule *a,
			 const struct hostfwd_rule *b)
{
	const struct sockaddr_in *a4 = (const void *)&a->host;
	const struct sockaddr_in *b4 = (const void *)&b->host;
	const struct sockaddr_in6 *a6 = (const void *)&a->host;
	const struct sockaddr_in6 *b6 = (const void *)&b->host;

	if (a->udp != b->udp || a->host.ss_family != b->host.ss_family)
		return false;
	if (a->host.ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		       (a4->sin_addr.s_addr == b4->sin_addr.s_addr ||
			is_any(&a->host) || is_any(&b->host));
	return a6->sin6_port == b6->sin6_port &&
	       (!memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) ||
		is_any(&a->host) || is_any(&b->host));
}

/**
 * hostfwd_host_str() - "127.0.0.1:2222" or "[::1]:2222"
 * @rule:	rule
 * @buf:	output
 * @len:	its size
 */
void hostfwd_host_str(const struct hostfwd_rule *rule, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (rule->host.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)&rule->host;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s->sin6_port));
	} else {
		const struct sockaddr_in *s = (const void *)&rule->host;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s->sin_port));
	}
}
