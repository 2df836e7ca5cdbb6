// SPDX-License-Identifier: BSD-3-Clause
/* state.c - the state file: what changed at run time survives a restart
 *
 * Theory of operation
 * -------------------
 * The command line and config files say what the switch is; `vioctl`
 * changes it while it runs. The state file holds those changes, as config
 * lines applied after the command line (README.md, "State that survives a
 * restart"), as a libvirt domain's live changes sit on top of its
 * definition:
 * - state_start(), once the ports of the command line are open, applies
 *   the runtime options of the command line (`--hostfwd`, `--fdb`,
 *   `--mirror`, ..., strictly: an error stops the switch), takes the
 *   resulting configuration as the base (a struct cfg_model), then applies
 *   the state file's lines one by one through the same control requests
 *   `vioctl` sends. A line that no longer applies (its port left the
 *   command line) is logged and skipped: the file is rewritten from what
 *   runs right after.
 * - After every request that may change the configuration, and once a
 *   second (DHCP leases change on the NAT thread), state_changed() renders
 *   the difference between the base and the running configuration
 *   (config_lines.c) and the NAT's leases; when the text differs from what
 *   was last written it replaces the file atomically: a new file beside
 *   it, mode 0600, written, fsync()ed, renamed over the old one, the
 *   directory fsync()ed. So the file is always whole and at most a second
 *   behind, even after kill -9, and a symlink in its place is replaced,
 *   never followed.
 * - Leases are kept by NAT, MAC and port id with the wall-clock time they
 *   end, so the time the switch was down counts against them.
 * The running configuration itself is `vioctl config show` (config-show).
 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>

#include "clock.h"
#include "config_lines.h"
#include "control.h"
#include "fdb.h"
#include "feature.h"
#include "log.h"
#include "nat_dhcp.h"
#include "netdev.h"
#include "options.h"
#include "slirp_port.h"
#include "vswitch.h"

#define STATE_LINE_MAX	(NETDEV_SPEC_MAX + 64)
#define STATE_LINES_MAX 65536 /* lines read from a state file */
#define STATE_HEADER                                                           \
	"# vioswitch state: what changed at run time, applied after the\n"     \
	"# command line and config files at start (README.md, \"State that\n"  \
	"# survives a restart\"). Written by vioswitch at every change.\n"

/**
 * struct state - the state file and what it is computed from
 * @path:	the file, "" for none
 * @base:	the configuration of the command line and config files
 * @specs:	the spec each port id was opened with (a port does not keep
 *		it), by table index
 * @written:	the text last written, NULL before the first write
 * @wall_off_ns: wall clock minus monotonic clock at start: lease ends are
 *		written in wall-clock time, the same at every tick
 * @running:	state_start() done, shutdown not begun
 * @restoring:	applying the file: changes are not written back yet
 */
static struct state {
	char path[4096];
	struct cfg_model base;
	struct {
		char id[PORT_ID_MAX];
		char *spec;
	} specs[PORT_TABLE_MAX * 2];
	char *written;
	int64_t wall_off_ns;
	bool running;
	bool restoring;
} st;

/**
 * state_note_port() - remember the spec a port was opened with
 * @id:		its id
 * @spec:	"TYPE,id=ID,..."
 */
static void state_note_port(const char *id, const char *spec)
{
	int free_slot = -1;

	for (int i = 0; i < (int)RTE_DIM(st.specs); i++) {
		if (st.specs[i].spec && !strcmp(st.specs[i].id, id)) {
			free(st.specs[i].spec);
			st.specs[i].spec = strdup(spec);
			return;
		}
		if (free_slot < 0 &&
		    (!st.specs[i].spec || !vswitch_port_find(st.specs[i].id)))
			free_slot = i;
	}
	if (free_slot < 0)
		return;
	free(st.specs[free_slot].spec);
	snprintf(st.specs[free_slot].id, PORT_ID_MAX, "%s", id);
	st.specs[free_slot].spec = strdup(spec);
}

/**
 * spec_of() - the spec port @id was opened with
 * @id:		port id
 *
 * Return: spec, or NULL
 */
static const char *spec_of(const char *id)
{
	for (unsigned int i = 0; i < RTE_DIM(st.specs); i++) {
		if (st.specs[i].spec && !strcmp(st.specs[i].id, id))
			return st.specs[i].spec;
	}
	return NULL;
}

/**
 * is_nat() - whether @p is a user-mode NAT port
 * @p:		port
 *
 * Return: true for a `user` port
 */
static bool is_nat(const struct port *p)
{
	return p && p->kind == &port_kind_user;
}

/**
 * add_rules() - the hostfwd rules of a NAT port as items
 * @m:		model
 * @p:		NAT port
 *
 * Return: 0, or -errno
 */
static int add_rules(struct cfg_model *m, struct port *p)
{
	const struct slirp_port *sp = (const struct slirp_port *)p;
	char key[PORT_ID_MAX + 80], value[PORT_ID_MAX + HOSTFWD_TEXT_MAX];
	char host[64];
	int rc = 0;

	for (unsigned int i = 0; !rc && i < sp->n_rules; i++) {
		const struct hostfwd_rule *r = &sp->rules[i];

		hostfwd_host_str(r, host, sizeof(host));
		snprintf(key, sizeof(key), "%s,%s:%s", p->id,
			 r->udp ? "udp" : "tcp", host);
		snprintf(value, sizeof(value), "%s,%s", p->id, r->text);
		rc = cfg_model_add(m, "hostfwd", key, value, key, p->id);
	}
	return rc;
}

/**
 * fdb_item() - add one static FDB entry to the model in @arg (fdb_walk)
 * @e:		entry
 * @arg:	struct cfg_model
 */
static void fdb_item(const struct fdb_entry_info *e, void *arg)
{
	struct port *p = vsw.table->by_index[e->port];
	char key[64], value[128 + PORT_ID_MAX];
	struct cfg_fdb f = { .mac = e->key.mac, .vlan = e->key.vlan };

	if (!e->is_static || !p)
		return;
	snprintf(f.port, sizeof(f.port), "%s", p->id);
	if (e->hop && p->hops && p->ops->hop_name)
		p->ops->hop_name(p, e->hop, f.remote, sizeof(f.remote));
	cfg_fdb_text(&f, false, key, sizeof(key));
	cfg_fdb_text(&f, true, value, sizeof(value));
	cfg_model_add(arg, "fdb", key, value, key, p->id);
}

/**
 * struct emit_ctx - where a feature's config_show() lines go
 * @m:		model
 * @f:		the feature
 */
struct emit_ctx {
	struct cfg_model *m;
	const struct ctl_feature *f;
};

/**
 * feature_item() - add one of a feature's values (ctl_config_emit_fn)
 * @ctx:	struct emit_ctx
 * @value:	the value
 */
static void feature_item(void *ctx, const char *value)
{
	struct emit_ctx *c = ctx;

	cfg_model_add(c->m, c->f->option, value, value, value, NULL);
}

/**
 * model_build() - the running configuration
 * @m:		result, empty
 *
 * Return: 0, or -errno
 */
static int model_build(struct cfg_model *m)
{
	char spec[NETDEV_SPEC_MAX];
	int rc = 0;

	for (unsigned int i = 0; !rc && i < vsw.table->n; i++) {
		struct port *p = vsw.table->list[i];
		const char *s = spec_of(p->id);

		if (!s || cfg_spec_strip(s, "hostfwd", spec, sizeof(spec)))
			continue;
		rc = cfg_model_add(m, "netdev", p->id, spec, p->id, NULL);
		if (!rc && is_nat(p))
			rc = add_rules(m, p);
	}
	fdb_walk(vsw.fdb, fdb_clock(), fdb_item, m);
	CTL_FEATURE_FOREACH(f)
	{
		struct emit_ctx c = { .m = m, .f = f };

		if (f->option && f->config_show)
			f->config_show(feature_item, &c);
	}
	return rc;
}

/**
 * state_config_text() - the running configuration as a config file
 * (`vioctl config show`)
 * @text:	set to the text (free it)
 * @len:	set to its length
 *
 * Return: 0, or -ENOMEM
 */
static int state_config_text(char **text, size_t *len)
{
	struct cfg_model m = { 0 };
	FILE *out = open_memstream(text, len);
	int rc;

	if (!out)
		return -ENOMEM;
	rc = model_build(&m);
	cfg_model_show(&m, out);
	cfg_model_free(&m);
	if (fclose(out) || rc) {
		free(*text);
		return rc ? rc : -ENOMEM;
	}
	return 0;
}

/**
 * leases_write() - the DHCP leases of every NAT port as nat-lease lines
 * @out:	stream
 */
static void leases_write(FILE *out)
{
	struct nat_dhcp_lease *l = calloc(NAT_DHCP_MAX_LEASES, sizeof(*l));
	char text[256];

	for (unsigned int i = 0; l && i < vsw.table->n; i++) {
		struct port *p = vsw.table->list[i];
		unsigned int n;

		if (!is_nat(p))
			continue;
		n = slirp_nat_lease_list(p, l, NAT_DHCP_MAX_LEASES);
		for (unsigned int k = 0; k < n; k++) {
			const struct port *g =
				l[k].port < PORT_TABLE_MAX
					? vsw.table->by_index[l[k].port]
					: NULL;
			struct cfg_lease c = { .mac = l[k].mac, .ip = l[k].ip };

			if (!g)
				continue;
			snprintf(c.nat, sizeof(c.nat), "%s", p->id);
			snprintf(c.port, sizeof(c.port), "%s", g->id);
			c.expires = (l[k].expire_ns + st.wall_off_ns) /
				    1000000000LL;
			cfg_lease_text(&c, text, sizeof(text));
			fprintf(out, "nat-lease %s\n", text);
		}
	}
	free(l);
}

/**
 * render() - the state file's text
 * @text:	set to it (free it)
 * @len:	set to its length
 *
 * Return: 0, or -errno
 */
static int render(char **text, size_t *len)
{
	struct cfg_model cur = { 0 };
	FILE *out = open_memstream(text, len);
	int rc;

	if (!out)
		return -ENOMEM;
	rc = model_build(&cur);
	fputs(STATE_HEADER, out);
	cfg_model_diff(&st.base, &cur, out);
	leases_write(out);
	cfg_model_free(&cur);
	if (fclose(out) || rc) {
		free(*text);
		return rc ? rc : -ENOMEM;
	}
	return 0;
}

/**
 * write_all() - write a whole buffer
 * @fd:		file
 * @buf:	data
 * @len:	its length
 *
 * Return: 0, or -errno
 */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * write_atomic() - replace the state file with @text: a private new file
 * beside it, fsync, rename over it, fsync the directory
 * @text:	content
 * @len:	its length
 *
 * Return: 0, or -errno
 */
static int write_atomic(const char *text, size_t len)
{
	char dir[sizeof(st.path)], base[sizeof(st.path)], tmp[sizeof(st.path)];
	int dfd, fd, rc;

	snprintf(dir, sizeof(dir), "%s", st.path);
	snprintf(base, sizeof(base), "%s", st.path);
	/* One name: a file left by a kill -9 is replaced by the next write. */
	snprintf(tmp, sizeof(tmp), ".%s.tmp", basename(base));
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	unlinkat(dfd, tmp, 0);
	fd = openat(dfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		goto out_dir;
	}
	rc = fchmod(fd, 0600) ? -errno : write_all(fd, text, len);
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && renameat(dfd, tmp, dfd, basename(base)))
		rc = -errno;
	if (rc)
		unlinkat(dfd, tmp, 0);
	else
		fsync(dfd);
out_dir:
	close(dfd);
	return rc;
}

/**
 * state_changed() - bring the state file up to date with what runs; does
 * nothing when it already is, or when there is no state file
 */
static void state_changed(void)
{
	static struct log_ratelimit rl;
	char *text;
	size_t len;
	int rc;

	if (!st.path[0] || !st.running || st.restoring || render(&text, &len))
		return;
	if (st.written && !strcmp(st.written, text)) {
		free(text);
		return;
	}
	rc = write_atomic(text, len);
	if (rc) {
		if (log_ratelimit_ok(&rl))
			log_warn("state %s: cannot write it: %s", st.path,
				 strerror(-rc));
		free(text);
		return;
	}
	free(st.written);
	st.written = text;
}

/**
 * request() - run a control request as if a client sent it
 * @req:	request object, consumed
 * @warn:	set to the reply's "warning", if any (WARN_MAX bytes)
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with the reply's error
 */
static int request(json_t *req, char *warn, char *err, size_t errlen)
{
	char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
	int rc = -EINVAL;
	json_t *reply;

	json_decref(req);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	reply = ctl_handle(text, strlen(text), NULL);
	free(text);
	if (json_is_true(json_object_get(reply, "ok"))) {
		const char *w = json_string_value(json_object_get(
			json_object_get(reply, "result"), "warning"));

		snprintf(warn, CTL_ERR_MAX, "%s", w ? w : "");
		rc = 0;
	} else {
		snprintf(err, errlen, "%s",
			 json_string_value(json_object_get(reply, "error"))
				 ?: "failed");
	}
	json_decref(reply);
	return rc;
}

/**
 * lease_restore() - take back a `nat-lease` value
 * @value:	NAT,MAC,PORT,IP,EXPIRES
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int lease_restore(const char *value, char *err, size_t errlen)
{
	struct nat_dhcp_lease l = { .state = NAT_DHCP_BOUND };
	struct port *nat, *p;
	struct cfg_lease c;

	if (cfg_lease_parse(value, &c, err, errlen))
		return -EINVAL;
	nat = vswitch_port_find(c.nat);
	p = vswitch_port_find(c.port);
	if (!is_nat(nat) || !p) {
		snprintf(err, errlen, "no %s %s", is_nat(nat) ? "port" : "NAT",
			 is_nat(nat) ? c.port : c.nat);
		return -ENOENT;
	}
	l.mac = c.mac;
	l.port = p->index;
	l.ip = c.ip;
	l.expire_ns = c.expires * 1000000000LL - st.wall_off_ns;
	return slirp_nat_lease_restore(nat, &l, err, errlen);
}

/**
 * fdb_request() - the control request of a `fdb` or `fdb-del` value
 * @value:	MAC,PORT[,remote=IP][,vlan=N] or MAC[,vlan=N]
 * @add:	`fdb` (else `fdb-del`)
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: request, or NULL with a message
 */
static json_t *fdb_request(const char *value, bool add, char *err,
			   size_t errlen)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	struct cfg_fdb f;
	json_t *req;

	if (cfg_fdb_parse(value, add, &f, err, errlen))
		return NULL;
	rte_ether_format_addr(mac, sizeof(mac), &f.mac);
	req = json_pack("{s:s,s:s,s:i}", "cmd", add ? "fdb-add" : "fdb-del",
			"mac", mac, "vlan", f.vlan);
	if (add)
		json_object_set_new(req, "port", json_string(f.port));
	if (add && f.remote[0])
		json_object_set_new(req, "remote", json_string(f.remote));
	return req;
}

/**
 * pair_request() - the control request of a `hostfwd` or `hostfwd-del`
 * value
 * @cmd:	"hostfwd-add" or "hostfwd-del"
 * @value:	NAT,RULE
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: request, or NULL with a message
 */
static json_t *pair_request(const char *cmd, const char *value, char *err,
			    size_t errlen)
{
	char nat[PORT_ID_MAX];
	const char *rule;

	if (cfg_pair_parse(value, nat, &rule, err, errlen))
		return NULL;
	return json_pack("{s:s,s:s,s:s}", "cmd", cmd, "id", nat, "rule", rule);
}

/**
 * apply_value() - apply one runtime option (a state or command line one)
 * @name:	option, without dashes
 * @value:	its value
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int apply_value(const char *name, const char *value, char *err,
		       size_t errlen)
{
	const struct ctl_feature *f;
	char warn[CTL_ERR_MAX];
	json_t *req = NULL;
	bool del = false;
	int rc;

	err[0] = '\0';
	if (!strcmp(name, "nat-lease"))
		return lease_restore(value, err, errlen);
	if ((f = cfg_feature_opt(name, &del)))
		return del ? f->config_del(value, err, errlen)
			   : f->config_add(value, err, errlen);
	if (!strcmp(name, "netdev"))
		req = json_pack("{s:s,s:s}", "cmd", "port-add", "netdev",
				value);
	else if (!strcmp(name, "netdev-del"))
		req = json_pack("{s:s,s:s}", "cmd", "port-del", "id", value);
	else if (!strcmp(name, "hostfwd") || !strcmp(name, "hostfwd-del"))
		req = pair_request(name[7] ? "hostfwd-del" : "hostfwd-add",
				   value, err, errlen);
	else if (!strcmp(name, "fdb") || !strcmp(name, "fdb-del"))
		req = fdb_request(value, !name[3], err, errlen);
	else
		snprintf(err, errlen, "not an option the state file holds");
	if (!req)
		return -EINVAL;
	rc = request(req, warn, err, errlen);
	if (!rc && warn[0])
		log_info("%s %s: %s", name, value, warn);
	return rc;
}

/**
 * read_line() - read and apply one state file line; a line that does not
 * apply is logged and skipped
 * @line:	the line, modified
 * @lineno:	its number, for messages
 *
 * Return: 1 when applied, 0 for a blank line, -1 when skipped
 */
static int read_line(char *line, unsigned int lineno)
{
	char err[CTL_ERR_MAX], *name, *value;

	if (options_split_line(line, &name, &value))
		return 0;
	if (!apply_value(name, value, err, sizeof(err)))
		return 1;
	log_warn("state %s:%u: '%s %.200s' no longer applies: %s", st.path,
		 lineno, name, value, err);
	return -1;
}

/**
 * restore() - apply the state file, if there is one
 */
static void restore(void)
{
	unsigned int lineno = 0, ok = 0, bad = 0;
	char *line = malloc(STATE_LINE_MAX);
	struct stat sb;
	FILE *f = NULL;
	int fd;

	fd = open(st.path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !line) {
		if (fd >= 0 || errno != ENOENT)
			log_warn("state %s: not restored: %s", st.path,
				 line ? strerror(errno) : "out of memory");
		goto out;
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || !(f = fdopen(fd, "r"))) {
		log_warn("state %s: not restored: not a regular file", st.path);
		close(fd);
		goto out;
	}
	st.restoring = true;
	while (lineno < STATE_LINES_MAX && fgets(line, STATE_LINE_MAX, f)) {
		int rc = read_line(line, ++lineno);

		ok += rc > 0;
		bad += rc < 0;
	}
	st.restoring = false;
	fclose(f);
	log_info("state %s: restored %u change(s), skipped %u", st.path, ok,
		 bad);
out:
	free(line);
}

/**
 * state_start() - apply the runtime options of the command line, take the
 * result as the base, restore the state file and write it again
 * @o:		options; its ports are open
 *
 * Return: 0, or -1 after printing which option failed
 */
int state_start(const struct options *o)
{
	char err[CTL_ERR_MAX];
	struct netdev *nd = malloc(sizeof(*nd));

	if (!nd)
		return -1;
	for (unsigned int i = 0; i < o->n_netdevs; i++) {
		if (!netdev_parse(o->netdevs[i], nd, err, sizeof(err)))
			state_note_port(nd->id, o->netdevs[i]);
	}
	free(nd);
	for (unsigned int i = 0; i < o->n_runtime; i++) {
		const struct options_runtime *r = &o->runtime[i];

		if (apply_value(r->name, r->arg, err, sizeof(err))) {
			log_line(LOG_LVL_ERR, "vioswitch: --%s %s: %s", r->name,
				 r->arg, err);
			return -1;
		}
	}
	st.wall_off_ns = (int64_t)clock_wall_ns() - clock_mono_ns();
	snprintf(st.path, sizeof(st.path), "%s", o->state_path);
	if (model_build(&st.base)) {
		log_line(LOG_LVL_ERR, "vioswitch: out of memory");
		return -1;
	}
	st.running = true;
	if (!st.path[0])
		return 0;
	restore();
	state_changed();
	return 0;
}

/**
 * state_stop() - stop writing: at shutdown the ports and mirrors go away,
 * and the file must keep them (feature.h's stop)
 */
static void state_stop(void)
{
	st.running = false;
	cfg_model_free(&st.base);
	free(st.written);
	st.written = NULL;
	for (unsigned int i = 0; i < RTE_DIM(st.specs); i++) {
		free(st.specs[i].spec);
		st.specs[i].spec = NULL;
	}
}

/**
 * cmd_config_show() - "config-show": the running configuration
 * @req:	request (unused)
 * @err:	message on failure
 *
 * Return: {"config": TEXT, "state": PATH or null}, or NULL
 */
static json_t *cmd_config_show(json_t *req, char *err)
{
	char *text;
	size_t len;
	json_t *o;

	(void)req;
	if (state_config_text(&text, &len)) {
		snprintf(err, CTL_ERR_MAX, "out of memory");
		return NULL;
	}
	o = json_pack("{s:s%,s:o}", "config", text, len, "state",
		      st.path[0] ? json_string(st.path) : json_null());
	free(text);
	return o;
}

static const struct ctl_cmd state_cmds[] = {
	{ "config-show", cmd_config_show, false },
	{ NULL, NULL, false },
};

/**
 * on_change() - a command changed the running configuration: note the
 * spec a port was added with, and write the state file
 * @cmd:	the command
 * @req:	its request
 * @result:	its result
 */
static void on_change(const struct ctl_cmd *cmd, json_t *req, json_t *result)
{
	const char *id = json_string_value(json_object_get(result, "id"));
	const char *spec = json_string_value(json_object_get(req, "netdev"));

	if (!strcmp(cmd->name, "port-add") && id && spec)
		state_note_port(id, spec);
	state_changed();
}

static struct ctl_feature state_feature = {
	.name = "state",
	.stop = state_stop,
	.event = state_changed,
	.changed = on_change,
	.cmds = state_cmds,
};

/**
 * state_feature_init() - register config-show and the once-a-second write
 * when the program loads
 */
RTE_INIT(state_feature_init)
{
	ctl_feature_register(&state_feature);
}
