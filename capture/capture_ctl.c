// SPDX-License-Identifier: BSD-3-Clause
/* capture_ctl.c - the capture feature in the daemon: `--capture` and the
 * control commands for captures and mirrors
 *
 * capture-start, capture-stop, capture-list, mirror-add, mirror-del and
 * mirror-list (doc/control-protocol.md). Requests are turned into a
 * struct cap_spec with the helpers of capture_spec.c, so they are checked
 * exactly like `vioswitch --capture`. A capture to a stream uses the
 * descriptor the client passed with the request (vioctl passes its stdout
 * for `-w -`). All of it reaches the daemon through one struct ctl_feature
 * registered when the program loads (ctl/feature.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>

#include "capture.h"
#include "control.h"
#include "feature.h"
#include "utf8.h"
#include "vswitch.h"

/**
 * opt_text() - apply an optional string member with @fn
 * @req:	request
 * @key:	member
 * @spec:	request being built
 * @fn:		setter from capture_spec.c
 * @err:	message on failure
 *
 * Return: 0, or -EINVAL
 */
static int opt_text(json_t *req, const char *key, struct cap_spec *spec,
		    int (*fn)(struct cap_spec *, const char *, char *, size_t),
		    char *err)
{
	json_t *v = json_object_get(req, key);

	if (!v)
		return 0;
	if (!json_is_string(v)) {
		snprintf(err, CTL_ERR_MAX, "\"%s\" must be a string", key);
		return -EINVAL;
	}
	return fn(spec, json_string_value(v), err, CTL_ERR_MAX);
}

/**
 * opt_number() - apply an optional integer member (snaplen, count, ...)
 * @req:	request
 * @key:	member, also the option name
 * @spec:	request being built
 * @err:	message on failure
 *
 * Return: 0, or -EINVAL
 */
static int opt_number(json_t *req, const char *key, struct cap_spec *spec,
		      char *err)
{
	json_t *v = json_object_get(req, key);
	char text[32];

	if (!v)
		return 0;
	if (!json_is_integer(v)) {
		snprintf(err, CTL_ERR_MAX, "\"%s\" must be an integer", key);
		return -EINVAL;
	}
	snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT,
		 json_integer_value(v));
	return cap_spec_number(spec, key, text, err, CTL_ERR_MAX);
}

/**
 * opt_copy() - copy an optional string member into a fixed buffer
 * @req:	request
 * @key:	member
 * @out:	buffer
 * @len:	its size
 * @err:	message on failure
 *
 * Return: 0, or -EINVAL
 */
static int opt_copy(json_t *req, const char *key, char *out, size_t len,
		    char *err)
{
	json_t *v = json_object_get(req, key);

	if (!v)
		return 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) >= len) {
		snprintf(err, CTL_ERR_MAX,
			 "\"%s\" must be a string shorter than %zu bytes", key,
			 len);
		return -EINVAL;
	}
	snprintf(out, len, "%s", json_string_value(v));
	return 0;
}

/**
 * req_ports() - set the watched ports from the member @key
 * @req:	request
 * @key:	"port" or "src"
 * @spec:	request being built
 * @err:	message on failure
 *
 * Return: 0, or -EINVAL
 */
static int req_ports(json_t *req, const char *key, struct cap_spec *spec,
		     char *err)
{
	const char *v = json_string_value(json_object_get(req, key));

	if (!v) {
		snprintf(err, CTL_ERR_MAX, "missing \"%s\" (port ids or all)",
			 key);
		return -EINVAL;
	}
	return cap_spec_ports(spec, v, err, CTL_ERR_MAX);
}

/**
 * req_id() - the "id" member
 * @req:	request
 * @id:		value
 * @err:	message on failure
 *
 * Return: 0, or -EINVAL
 */
static int req_id(json_t *req, unsigned int *id, char *err)
{
	json_t *v = json_object_get(req, "id");

	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > UINT32_MAX) {
		snprintf(err, CTL_ERR_MAX, "missing or bad \"id\"");
		return -EINVAL;
	}
	*id = (unsigned int)json_integer_value(v);
	return 0;
}

/**
 * started() - start @spec and describe the new session
 * @spec:	checked request (its fd is consumed)
 * @kind:	capture or mirror
 * @err:	message on failure
 *
 * Return: the session's description, or NULL
 */
static json_t *started(struct cap_spec *spec, enum cap_kind kind, char *err)
{
	json_t *list, *res = NULL;
	int id;

	if (cap_spec_check(spec, err, CTL_ERR_MAX)) {
		if (spec->fd >= 0)
			close(spec->fd);
		return NULL;
	}
	id = cap_start(spec, err, CTL_ERR_MAX);
	if (id < 0)
		return NULL;
	list = cap_list_json(kind);
	for (size_t i = 0; list && i < json_array_size(list); i++) {
		json_t *o = json_array_get(list, i);

		if (json_integer_value(json_object_get(o, "id")) == id)
			res = json_incref(o);
	}
	json_decref(list);
	if (!res)
		snprintf(err, CTL_ERR_MAX, "out of memory");
	return res;
}

/**
 * cmd_capture_start() - "capture-start": start a capture
 * @req:	{port, dir?, filter?, file? | stream?, format?, snaplen?,
 *		count?, duration?, rotate?}
 * @err:	message on failure
 *
 * Return: the new capture's description, or NULL
 */
static json_t *cmd_capture_start(json_t *req, char *err)
{
	struct cap_spec spec;
	struct ucred cred;

	cap_spec_init(&spec, CAP_KIND_CAPTURE);
	if (!ctl_peer_cred(&cred)) {
		/* Files are given to the client (capture_output.c). */
		spec.has_owner = true;
		spec.uid = cred.uid;
		spec.gid = cred.gid;
	}
	if (req_ports(req, "port", &spec, err) ||
	    opt_text(req, "dir", &spec, cap_spec_dir, err) ||
	    opt_text(req, "format", &spec, cap_spec_format, err) ||
	    opt_text(req, "rotate", &spec, cap_spec_rotate, err) ||
	    opt_copy(req, "filter", spec.filter, sizeof(spec.filter), err) ||
	    opt_copy(req, "file", spec.path, sizeof(spec.path), err) ||
	    opt_number(req, "snaplen", &spec, err) ||
	    opt_number(req, "count", &spec, err) ||
	    opt_number(req, "duration", &spec, err))
		return NULL;
	if (json_is_true(json_object_get(req, "stream"))) {
		if (spec.path[0]) {
			snprintf(err, CTL_ERR_MAX,
				 "give \"file\" or \"stream\", not both");
			return NULL;
		}
		spec.fd = ctl_take_fd();
		if (spec.fd < 0) {
			snprintf(err, CTL_ERR_MAX,
				 "\"stream\" needs %s descriptor passed with "
				 "the request (SCM_RIGHTS)",
				 spec.fd == -E2BIG ? "exactly one" : "a");
			return NULL;
		}
	} else if (spec.path[0] && spec.path[0] != '/') {
		snprintf(err, CTL_ERR_MAX, "file '%.*s': give an absolute path",
			 (int)utf8_cut(spec.path, 200), spec.path);
		return NULL;
	} else if (json_is_true(json_object_get(req, "file_opened"))) {
		/* The client opened "file" itself, as its own user: the
		 * switch writes to it and never opens another (no rotation),
		 * so it needs no right to give files away. */
		spec.fd = ctl_take_fd();
		if (spec.fd < 0 || spec.rotate_mb) {
			if (spec.fd >= 0)
				close(spec.fd);
			snprintf(err, CTL_ERR_MAX,
				 spec.rotate_mb
					 ? "\"file_opened\" cannot rotate"
					 : "\"file_opened\" needs the file's "
					   "descriptor passed with the "
					   "request (SCM_RIGHTS)");
			return NULL;
		}
	}
	return started(&spec, CAP_KIND_CAPTURE, err);
}

/**
 * stopped() - stop session "id" of @kind and return its final figures
 * @req:	{id}
 * @kind:	capture or mirror
 * @err:	message on failure
 *
 * Return: description with final counts, or NULL
 */
static json_t *stopped(json_t *req, enum cap_kind kind, char *err)
{
	json_t *final = NULL;
	unsigned int id;

	if (req_id(req, &id, err) ||
	    cap_stop(id, kind, &final, err, CTL_ERR_MAX))
		return NULL;
	if (!final)
		snprintf(err, CTL_ERR_MAX, "out of memory");
	return final;
}

/**
 * listed() - every session of @kind
 * @kind:	capture or mirror
 * @err:	message on failure
 *
 * Return: array, or NULL
 */
static json_t *listed(enum cap_kind kind, char *err)
{
	json_t *a = cap_list_json(kind);

	if (!a)
		snprintf(err, CTL_ERR_MAX, "out of memory");
	return a;
}

/**
 * cmd_capture_stop() - "capture-stop": stop a capture, close its file
 * @req:	{id}
 * @err:	message on failure
 *
 * Return: the capture's final description, or NULL
 */
static json_t *cmd_capture_stop(json_t *req, char *err)
{
	return stopped(req, CAP_KIND_CAPTURE, err);
}

/**
 * cmd_capture_list() - "capture-list": running and ended captures
 * @req:	request (unused)
 * @err:	message on failure
 *
 * Return: array, or NULL
 */
static json_t *cmd_capture_list(json_t *req, char *err)
{
	(void)req;
	return listed(CAP_KIND_CAPTURE, err);
}

/**
 * cmd_mirror_add() - "mirror-add": copy frames of ports to another port
 * @req:	{src, to, dir?, filter?}
 * @err:	message on failure
 *
 * Return: the new mirror's description, or NULL
 */
static json_t *cmd_mirror_add(json_t *req, char *err)
{
	struct cap_spec spec;

	cap_spec_init(&spec, CAP_KIND_MIRROR);
	if (req_ports(req, "src", &spec, err) ||
	    opt_copy(req, "to", spec.dst, sizeof(spec.dst), err) ||
	    opt_text(req, "dir", &spec, cap_spec_dir, err) ||
	    opt_copy(req, "filter", spec.filter, sizeof(spec.filter), err))
		return NULL;
	return started(&spec, CAP_KIND_MIRROR, err);
}

/**
 * cmd_mirror_del() - "mirror-del": remove a mirror
 * @req:	{id}
 * @err:	message on failure
 *
 * Return: the mirror's final description, or NULL
 */
static json_t *cmd_mirror_del(json_t *req, char *err)
{
	return stopped(req, CAP_KIND_MIRROR, err);
}

/**
 * cmd_mirror_list() - "mirror-list": every mirror
 * @req:	request (unused)
 * @err:	message on failure
 *
 * Return: array, or NULL
 */
static json_t *cmd_mirror_list(json_t *req, char *err)
{
	(void)req;
	return listed(CAP_KIND_MIRROR, err);
}

/**
 * option_check() - check one --capture value
 * @arg:	PORT|all,w=FILE[,KEY=VALUE]...
 * @ids:	ids of every --netdev, or NULL while options are parsed
 * @n_ids:	how many
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int option_check(const char *arg, const char *const *ids,
			unsigned int n_ids, char *err, size_t errlen)
{
	struct cap_spec spec;
	int rc = cap_spec_parse(&spec, arg, err, errlen);

	for (unsigned int k = 0; !rc && ids && k < spec.n_ports; k++) {
		unsigned int i = 0;

		while (i < n_ids && strcmp(ids[i], spec.ports[k]))
			i++;
		if (i == n_ids) {
			snprintf(err, errlen, "no --netdev with id=%s",
				 spec.ports[k]);
			rc = -EINVAL;
		}
	}
	return rc;
}

/**
 * option_start() - start a --capture before the ports exist, so that it
 * sees their first frames
 * @arg:	the option's value
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int option_start(const char *arg, char *err, size_t errlen)
{
	struct cap_spec spec;
	int rc;

	rc = cap_spec_parse(&spec, arg, err, errlen);
	if (!rc)
		rc = cap_spec_check(&spec, err, errlen);
	if (rc)
		return rc;
	spec.ports_later = true;
	rc = cap_start(&spec, err, errlen);
	return rc < 0 ? rc : 0;
}

/**
 * option_ports_ready() - check that every port a --capture names exists
 * @arg:	the option's value
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -ENOENT with a message
 */
static int option_ports_ready(const char *arg, char *err, size_t errlen)
{
	struct cap_spec spec;
	int rc = cap_spec_parse(&spec, arg, err, errlen);

	for (unsigned int k = 0; !rc && k < spec.n_ports; k++) {
		if (vswitch_port_find(spec.ports[k]))
			continue;
		snprintf(err, errlen, "no port with id %s", spec.ports[k]);
		rc = -ENOENT;
	}
	return rc;
}

/**
 * mirror_of_json() - a running mirror's spec, from its `mirror list` entry
 * @o:		the entry
 * @spec:	result
 *
 * Return: true for a running mirror
 */
static bool mirror_of_json(json_t *o, struct cap_spec *spec)
{
	const char *to = json_string_value(json_object_get(o, "to"));
	const char *dir = json_string_value(json_object_get(o, "dir"));
	const char *filter = json_string_value(json_object_get(o, "filter"));
	const char *state = json_string_value(json_object_get(o, "state"));
	json_t *ports = json_object_get(o, "ports"), *v;
	char err[128];
	size_t i;

	cap_spec_init(spec, CAP_KIND_MIRROR);
	if (!to || !state || strcmp(state, "running"))
		return false;
	snprintf(spec->dst, sizeof(spec->dst), "%s", to);
	snprintf(spec->filter, sizeof(spec->filter), "%s", filter ?: "");
	if (dir)
		cap_spec_dir(spec, dir, err, sizeof(err));
	json_array_foreach(ports, i, v)
	{
		const char *id = json_string_value(v);

		if (!id)
			continue;
		if (!strcmp(id, "all"))
			spec->all_ports = true;
		else if (spec->n_ports < CAP_MAX_PORTS)
			snprintf(spec->ports[spec->n_ports++], PORT_ID_MAX,
				 "%s", id);
	}
	return true;
}

/**
 * mirror_config_show() - emit every running mirror as a `--mirror` value
 * @emit:	receiver of each value
 * @ctx:	its context
 */
static void mirror_config_show(ctl_config_emit_fn *emit, void *ctx)
{
	json_t *list = cap_list_json(CAP_KIND_MIRROR), *o;
	char text[CAP_FILTER_MAX + CAP_MAX_PORTS * PORT_ID_MAX + 64];
	struct cap_spec spec;
	size_t i;

	json_array_foreach(list, i, o)
	{
		if (mirror_of_json(o, &spec) &&
		    !cap_spec_mirror_text(&spec, text, sizeof(text)))
			emit(ctx, text);
	}
	json_decref(list);
}

/**
 * mirror_config_add() - start a mirror from a `--mirror` value
 * @arg:	SRC[+SRC...]|all,to=PORT[,dir=..][,filter=..]
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int mirror_config_add(const char *arg, char *err, size_t errlen)
{
	struct cap_spec spec;
	int rc = cap_spec_parse_mirror(&spec, arg, err, errlen);

	if (!rc)
		rc = cap_spec_check(&spec, err, errlen);
	if (!rc)
		rc = cap_start(&spec, err, errlen);
	return rc < 0 ? rc : 0;
}

/**
 * mirror_config_del() - stop the running mirror a `--mirror` value names
 * @arg:	the value, compared in canonical form
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -ENOENT / -EINVAL with a message
 */
static int mirror_config_del(const char *arg, char *err, size_t errlen)
{
	char want[CAP_FILTER_MAX + CAP_MAX_PORTS * PORT_ID_MAX + 64];
	char have[sizeof(want)];
	json_t *list, *o, *final = NULL;
	struct cap_spec spec;
	int rc = -ENOENT;
	size_t i;

	if (cap_spec_parse_mirror(&spec, arg, err, errlen) ||
	    cap_spec_mirror_text(&spec, want, sizeof(want)))
		return -EINVAL;
	list = cap_list_json(CAP_KIND_MIRROR);
	json_array_foreach(list, i, o)
	{
		if (rc != -ENOENT || !mirror_of_json(o, &spec) ||
		    cap_spec_mirror_text(&spec, have, sizeof(have)) ||
		    strcmp(want, have))
			continue;
		rc = cap_stop((unsigned int)json_integer_value(
				      json_object_get(o, "id")),
			      CAP_KIND_MIRROR, &final, err, errlen);
		json_decref(final);
	}
	json_decref(list);
	if (rc == -ENOENT)
		snprintf(err, errlen, "no running mirror %s", want);
	return rc;
}

/**
 * mirror_option_check() - check one --mirror value
 * @arg:	the value
 * @ids:	ids of every --netdev, or NULL (unused: mirrors start after
 *		the ports, and are checked against them then)
 * @n_ids:	how many
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int mirror_option_check(const char *arg, const char *const *ids,
			       unsigned int n_ids, char *err, size_t errlen)
{
	struct cap_spec spec;

	(void)ids;
	(void)n_ids;
	return cap_spec_parse_mirror(&spec, arg, err, errlen);
}

static const struct ctl_cmd capture_cmds[] = {
	{ "capture-start", cmd_capture_start, false },
	{ "capture-stop", cmd_capture_stop, false },
	{ "capture-list", cmd_capture_list, false },
	{ "mirror-add", cmd_mirror_add, true },
	{ "mirror-del", cmd_mirror_del, true },
	{ "mirror-list", cmd_mirror_list, false },
	{ NULL, NULL, false },
};

static struct ctl_feature capture_feature = {
	.name = "capture",
	.option = "capture",
	.option_help =
		"  --capture PORT|all,w=FILE[,dir=rx|tx|both][,filter=EXPR]\n"
		"              [,format=pcapng|pcap][,snaplen=N][,count=N]"
		"[,duration=S]\n"
		"              [,rotate=SIZE_MB:FILES]\n"
		"                      capture a port from the start "
		"(repeatable)\n",
	.option_check = option_check,
	.start = option_start,
	.ports_ready = option_ports_ready,
	.stop = cap_fini,
	.event_fd = cap_event_fd,
	.event = cap_reap,
	.cmds = capture_cmds,
	.metrics = cap_metrics_json,
};

/* Mirrors are part of the running configuration: `--mirror`, `vioctl
 * config show` and the state file (ctl/state.c). */
static struct ctl_feature mirror_feature = {
	.name = "mirror",
	.option = "mirror",
	.option_help =
		"  --mirror SRC[+SRC...]|all,to=PORT[,dir=rx|tx|both]"
		"[,filter=EXPR]\n"
		"                      copy the frames of ports to PORT "
		"(repeatable;\n"
		"                        filter= last, it takes the rest)\n",
	.option_check = mirror_option_check,
	.config_add = mirror_config_add,
	.config_del = mirror_config_del,
	.config_show = mirror_config_show,
};

/**
 * capture_feature_init() - register the features when the program loads
 */
RTE_INIT(capture_feature_init)
{
	ctl_feature_register(&capture_feature);
	ctl_feature_register(&mirror_feature);
}
