// SPDX-License-Identifier: BSD-3-Clause
/* capture_spec.c - what a capture or mirror request says, parsed and checked
 *
 * Both ways of asking, `vioctl capture start` (JSON, capture_ctl.c) and
 * `vioswitch --capture PORT,key=value,...`, fill one struct cap_spec
 * through these helpers, so limits and messages are the same for both.
 */
#include "capture.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/**
 * cap_spec_init() - defaults: both directions, every frame, pcapng, full
 * frames, no limits
 * @spec:	request to reset
 * @kind:	capture or mirror
 */
void cap_spec_init(struct cap_spec *spec, enum cap_kind kind)
{
	memset(spec, 0, sizeof(*spec));
	spec->kind = kind;
	spec->dir = CAP_DIR_BOTH;
	spec->fd = -1;
	spec->format = CAP_FMT_PCAPNG;
	spec->snaplen = CAP_SNAPLEN_MAX;
}

/**
 * cap_spec_ports() - set the watched ports from "all" or "ID[,ID...]"
 * @spec:	request
 * @list:	port list
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int cap_spec_ports(struct cap_spec *spec, const char *list, char *err,
		   size_t errlen)
{
	const char *p = list;

	spec->all_ports = !strcmp(list, "all");
	spec->n_ports = 0;
	if (spec->all_ports)
		return 0;
	for (;;) {
		size_t len = strcspn(p, ",");

		if (!len || len >= PORT_ID_MAX) {
			snprintf(err, errlen, "'%s': %s", list,
				 len ? "port id too long" : "empty port id");
			return -EINVAL;
		}
		if (spec->n_ports == CAP_MAX_PORTS) {
			snprintf(err, errlen, "'%s': more than %d ports", list,
				 CAP_MAX_PORTS);
			return -EINVAL;
		}
		memcpy(spec->ports[spec->n_ports], p, len);
		spec->ports[spec->n_ports++][len] = '\0';
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/**
 * cap_spec_dir() - set the direction from "rx", "tx" or "both"
 * @spec:	request
 * @text:	direction
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int cap_spec_dir(struct cap_spec *spec, const char *text, char *err,
		 size_t errlen)
{
	if (!strcmp(text, "rx"))
		spec->dir = CAP_DIR_RX;
	else if (!strcmp(text, "tx"))
		spec->dir = CAP_DIR_TX;
	else if (!strcmp(text, "both"))
		spec->dir = CAP_DIR_BOTH;
	else {
		snprintf(err, errlen, "dir '%s': expected rx, tx or both",
			 text);
		return -EINVAL;
	}
	return 0;
}

/**
 * cap_spec_format() - set the file format from "pcapng" or "pcap"
 * @spec:	request
 * @text:	format
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int cap_spec_format(struct cap_spec *spec, const char *text, char *err,
		    size_t errlen)
{
	if (!strcmp(text, "pcapng"))
		spec->format = CAP_FMT_PCAPNG;
	else if (!strcmp(text, "pcap"))
		spec->format = CAP_FMT_PCAP;
	else {
		snprintf(err, errlen, "format '%s': expected pcapng or pcap",
			 text);
		return -EINVAL;
	}
	return 0;
}

/**
 * parse_u64() - parse a decimal number in [@min, @max]
 * @key:	option name, for the message
 * @text:	number
 * @min:	smallest allowed
 * @max:	largest allowed
 * @out:	value
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_u64(const char *key, const char *text, uint64_t min,
		     uint64_t max, uint64_t *out, char *err, size_t errlen)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (!*text || *end || errno || *text == '-' || v < min || v > max) {
		snprintf(err, errlen,
			 "%s '%s': expected a number from %" PRIu64
			 " to %" PRIu64,
			 key, text, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/**
 * cap_spec_number() - set a numeric field by its option name
 * @spec:	request
 * @key:	"snaplen", "count" or "duration"
 * @text:	value
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int cap_spec_number(struct cap_spec *spec, const char *key, const char *text,
		    char *err, size_t errlen)
{
	uint64_t v;

	if (!strcmp(key, "snaplen")) {
		if (parse_u64(key, text, 14, CAP_SNAPLEN_MAX, &v, err, errlen))
			return -EINVAL;
		spec->snaplen = (uint32_t)v;
	} else if (!strcmp(key, "count")) {
		if (parse_u64(key, text, 1, UINT64_MAX, &v, err, errlen))
			return -EINVAL;
		spec->count = v;
	} else if (!strcmp(key, "duration")) {
		if (parse_u64(key, text, 1, 365 * 86400, &v, err, errlen))
			return -EINVAL;
		spec->duration = (uint32_t)v;
	} else {
		snprintf(err, errlen, "unknown option '%s'", key);
		return -EINVAL;
	}
	return 0;
}

/**
 * cap_spec_rotate() - set rotation from "SIZE_MB,FILES" (or ':' between)
 * @spec:	request
 * @text:	rotation
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int cap_spec_rotate(struct cap_spec *spec, const char *text, char *err,
		    size_t errlen)
{
	char mb[32], files[32];
	size_t len = strcspn(text, ",:");
	uint64_t v;

	if (!text[len] || len >= sizeof(mb) ||
	    strlen(text + len + 1) >= sizeof(files)) {
		snprintf(err, errlen, "rotate '%s': expected SIZE_MB,FILES",
			 text);
		return -EINVAL;
	}
	memcpy(mb, text, len);
	mb[len] = '\0';
	snprintf(files, sizeof(files), "%s", text + len + 1);
	if (parse_u64("rotate size (MB)", mb, 1, 1u << 20, &v, err, errlen))
		return -EINVAL;
	spec->rotate_mb = (uint32_t)v;
	if (parse_u64("rotate files", files, 0, CAP_ROTATE_FILES_MAX, &v, err,
		      errlen))
		return -EINVAL;
	spec->rotate_files = (uint32_t)v;
	return 0;
}

/**
 * cap_spec_check() - check a complete request for conflicts
 * @spec:	request
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int cap_spec_check(const struct cap_spec *spec, char *err, size_t errlen)
{
	if (!spec->all_ports && !spec->n_ports) {
		snprintf(err, errlen, "no port to watch");
		return -EINVAL;
	}
	if (spec->kind == CAP_KIND_MIRROR) {
		if (!spec->dst[0]) {
			snprintf(err, errlen, "a mirror needs an output port");
			return -EINVAL;
		}
		return 0;
	}
	if (spec->fd < 0 && !spec->path[0]) {
		snprintf(err, errlen, "a capture needs a file or a stream");
		return -EINVAL;
	}
	if (spec->fd >= 0 && spec->rotate_mb) {
		snprintf(err, errlen, "rotation needs a file, not a stream");
		return -EINVAL;
	}
	return 0;
}

/**
 * parse_kv() - apply one key=value of a --capture option
 * @spec:	request
 * @key:	key
 * @val:	value
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_kv(struct cap_spec *spec, const char *key, const char *val,
		    char *err, size_t errlen)
{
	if (!strcmp(key, "dir"))
		return cap_spec_dir(spec, val, err, errlen);
	if (!strcmp(key, "format"))
		return cap_spec_format(spec, val, err, errlen);
	if (!strcmp(key, "rotate"))
		return cap_spec_rotate(spec, val, err, errlen);
	if (!strcmp(key, "filter")) {
		if (strlen(val) >= sizeof(spec->filter)) {
			snprintf(err, errlen, "filter longer than %d bytes",
				 CAP_FILTER_MAX - 1);
			return -EINVAL;
		}
		snprintf(spec->filter, sizeof(spec->filter), "%s", val);
		return 0;
	}
	if (!strcmp(key, "w")) {
		if (!*val || strlen(val) >= sizeof(spec->path)) {
			snprintf(err, errlen, "w='%s': expected a file name",
				 val);
			return -EINVAL;
		}
		snprintf(spec->path, sizeof(spec->path), "%s", val);
		return 0;
	}
	return cap_spec_number(spec, key, val, err, errlen);
}

/**
 * cap_spec_parse() - parse `--capture PORT[,key=value...]`
 * @spec:	request, initialised here
 * @text:	option text; keys: dir, filter, w, format, snaplen, count,
 *		duration, rotate=SIZE_MB:FILES. The filter cannot contain a
 *		comma here (use vioctl for such filters).
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int cap_spec_parse(struct cap_spec *spec, const char *text, char *err,
		   size_t errlen)
{
	char *copy = strdup(text), *save = NULL, *tok, *eq;
	int rc = 0;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	cap_spec_init(spec, CAP_KIND_CAPTURE);
	tok = strtok_r(copy, ",", &save);
	if (!tok || strchr(tok, '=')) {
		snprintf(err, errlen, "expected PORT[,key=value...]");
		rc = -EINVAL;
	} else {
		rc = cap_spec_ports(spec, tok, err, errlen);
	}
	while (!rc && (tok = strtok_r(NULL, ",", &save))) {
		eq = strchr(tok, '=');
		if (!eq) {
			snprintf(err, errlen, "'%s': expected key=value", tok);
			rc = -EINVAL;
			break;
		}
		*eq = '\0';
		rc = parse_kv(spec, tok, eq + 1, err, errlen);
	}
	if (!rc && !spec->path[0]) {
		snprintf(err, errlen, "missing w=FILE");
		rc = -EINVAL;
	}
	free(copy);
	return rc;
}

/**
 * mirror_kv() - apply one key of a `--mirror` value
 * @spec:	mirror being built
 * @key:	"to", "dir" or "filter"
 * @val:	its value
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int mirror_kv(struct cap_spec *spec, const char *key, const char *val,
		     char *err, size_t errlen)
{
	if (!strcmp(key, "dir"))
		return cap_spec_dir(spec, val, err, errlen);
	if (!strcmp(key, "filter")) {
		snprintf(spec->filter, sizeof(spec->filter), "%s", val);
		return 0;
	}
	if (!strcmp(key, "to") && *val && strlen(val) < sizeof(spec->dst)) {
		snprintf(spec->dst, sizeof(spec->dst), "%s", val);
		return 0;
	}
	snprintf(err, errlen, "'%s=%s': expected to=PORT, dir= or filter=", key,
		 val);
	return -EINVAL;
}

/**
 * cap_spec_parse_mirror() - parse a `--mirror` value (a state or config
 * file line): SRC[+SRC...]|all,to=PORT[,dir=rx|tx|both][,filter=EXPR]
 * @spec:	result, a mirror
 * @text:	the value; filter= takes the rest of it, commas included
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
int cap_spec_parse_mirror(struct cap_spec *spec, const char *text, char *err,
			  size_t errlen)
{
	char ports[CAP_MAX_PORTS * PORT_ID_MAX], val[CAP_FILTER_MAX];
	const char *p = text;
	size_t n = strcspn(p, ",");

	cap_spec_init(spec, CAP_KIND_MIRROR);
	if (!n || n >= sizeof(ports) || memchr(p, '=', n)) {
		snprintf(err, errlen, "expected SRC[+SRC...]|all,to=PORT");
		return -EINVAL;
	}
	memcpy(ports, p, n);
	ports[n] = '\0';
	for (char *c = ports; *c; c++)
		*c = *c == '+' ? ',' : *c;
	if (cap_spec_ports(spec, ports, err, errlen))
		return -EINVAL;
	for (p += n; *p == ','; p += n) {
		const char *key = ++p;

		n = strncmp(key, "filter=", 7) ? strcspn(p, ",") : strlen(p);
		if (n >= sizeof(val) || !memchr(key, '=', n)) {
			snprintf(err, errlen, "'%.*s': expected key=value",
				 (int)RTE_MIN(n, (size_t)64), key);
			return -EINVAL;
		}
		snprintf(val, sizeof(val), "%.*s", (int)n, key);
		*strchr(val, '=') = '\0';
		if (mirror_kv(spec, val, val + strlen(val) + 1, err, errlen))
			return -EINVAL;
	}
	if (!spec->dst[0]) {
		snprintf(err, errlen, "missing to=PORT");
		return -EINVAL;
	}
	return 0;
}

/**
 * cap_spec_mirror_text() - a mirror in the canonical form
 * cap_spec_parse_mirror() reads back: sources joined by '+', to=, dir=,
 * then filter= (last, as it may hold commas) when there is one
 * @spec:	the mirror
 * @buf:	output
 * @len:	its size
 *
 * Return: 0, or -ENOSPC when @buf is too small
 */
int cap_spec_mirror_text(const struct cap_spec *spec, char *buf, size_t len)
{
	static const char *const dirs[] = { "", "rx", "tx", "both" };
	size_t off = 0;

	if (spec->all_ports)
		off = (size_t)snprintf(buf, len, "all");
	for (unsigned int i = 0; !spec->all_ports && i < spec->n_ports; i++)
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0,
					"%s%s", i ? "+" : "", spec->ports[i]);
	off += (size_t)snprintf(buf + off, off < len ? len - off : 0,
				",to=%s,dir=%s", spec->dst,
				dirs[spec->dir & CAP_DIR_BOTH]);
	if (spec->filter[0])
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0,
					",filter=%s", spec->filter);
	return off < len ? 0 : -ENOSPC;
}
