// SPDX-License-Identifier: BSD-3-Clause
/* capture.c - capture and mirror sessions on the control thread
 *
 * Theory of operation
 * -------------------
 * The control thread owns the session list. Starting a session checks its
 * ports, compiles its filter (capture_filter.c), opens its output and
 * starts its writer (capture_writer.c) or resolves its mirror output, then
 * republishes the hooks: for every port in the table, the list of running
 * sessions that watch it (struct cap_hooks), stored with one atomic pointer
 * per port; old lists are freed after vswitch_sync(). Ports added or
 * removed later get their hooks recomputed the same way, by port id, so a
 * capture of `all` covers new ports and a capture of vm1 follows a vm1
 * that is removed and added again.
 *
 * Mirrors follow Open vSwitch: the output port of a mirror leaves normal
 * switching (its received frames are dropped, counted as `mirror_out`;
 * floods skip it, its learned MACs are flushed), so mirrored copies cannot
 * loop back, and a port cannot be both a mirror's source and an output.
 *
 * Ending a session (stop, or its writer reaching its count, duration or a
 * write error, signalled through an eventfd the control loop watches):
 * unhook it, synchronize, let the writer drain its ring and close the file.
 * Ended sessions stay listed with their final counts until stopped, or until
 * a new session needs their slot.
 */
#include "capture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_errno.h>

#include "capture_session.h"
#include "log.h"
#include "mbuf_pool.h"
#include "utf8.h"
#include "vswitch.h"

struct rte_mempool *cap_pool;

static struct {
	struct cap_session *s[CAP_MAX_SESSIONS];
	unsigned int next_id;
	int evfd;
} caps = { .evfd = -1 };

/**
 * cap_event_fd() - the fd writers signal when a capture ends by itself
 *
 * Return: eventfd, created on first use, or -1
 */
int cap_event_fd(void)
{
	if (caps.evfd < 0)
		caps.evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return caps.evfd;
}

/**
 * names_port() - does @s name the port @id?
 * @s:		session
 * @id:		port id
 *
 * Return: true if @id is among the session's ports
 */
static bool names_port(const struct cap_session *s, const char *id)
{
	for (unsigned int i = 0; i < s->spec.n_ports; i++)
		if (!strcmp(s->spec.ports[i], id))
			return true;
	return false;
}

/**
 * running() - is @s a running session of @kind?
 * @s:		session, may be NULL
 * @kind:	kind
 *
 * Return: true if so
 */
static bool running(const struct cap_session *s, enum cap_kind kind)
{
	return s && !s->ended && s->spec.kind == kind;
}

/**
 * mirror_output() - the running mirror whose output is @id
 * @id:		port id
 *
 * Return: the mirror, or NULL
 */
static struct cap_session *mirror_output(const char *id)
{
	for (unsigned int i = 0; i < CAP_MAX_SESSIONS; i++)
		if (running(caps.s[i], CAP_KIND_MIRROR) &&
		    !strcmp(caps.s[i]->spec.dst, id))
			return caps.s[i];
	return NULL;
}

/**
 * mirror_source() - a running mirror that names @id as a source
 * @id:		port id
 *
 * Return: the mirror, or NULL
 */
static struct cap_session *mirror_source(const char *id)
{
	for (unsigned int i = 0; i < CAP_MAX_SESSIONS; i++)
		if (running(caps.s[i], CAP_KIND_MIRROR) &&
		    names_port(caps.s[i], id))
			return caps.s[i];
	return NULL;
}

/**
 * watches() - does session @s watch @port, and in which directions?
 * @s:		session
 * @p:		port
 *
 * Return: CAP_DIR_* bits, 0 for none
 */
static uint8_t watches(const struct cap_session *s, const struct port *p)
{
	if (s->ended)
		return 0;
	if (s->spec.kind == CAP_KIND_MIRROR && mirror_output(p->id))
		return 0; /* a mirror output is never mirrored */
	if (s->spec.all_ports || names_port(s, p->id))
		return s->spec.dir;
	return 0;
}

/**
 * hooks_for() - build the hook list of one port
 * @p:		port
 *
 * Return: list, or NULL when no session watches the port (or no memory)
 */
static struct cap_hooks *hooks_for(const struct port *p)
{
	struct cap_hooks *h;
	unsigned int n = 0;

	for (unsigned int i = 0; i < CAP_MAX_SESSIONS; i++)
		if (caps.s[i] && watches(caps.s[i], p))
			n++;
	if (!n)
		return NULL;
	h = calloc(1, sizeof(*h) + n * sizeof(h->h[0]));
	if (!h) {
		log_warn("capture: no memory for the hooks of port %s", p->id);
		return NULL;
	}
	for (unsigned int i = 0; i < CAP_MAX_SESSIONS; i++) {
		uint8_t dir = caps.s[i] ? watches(caps.s[i], p) : 0;

		if (!dir)
			continue;
		h->h[h->n].s = caps.s[i];
		h->h[h->n++].dir = dir;
		h->dirs |= dir;
	}
	return h;
}

/**
 * hooks_publish() - recompute every port's hooks and mirror outputs
 */
static void hooks_publish(void)
{
	const struct port_table *t = vsw.table;
	struct cap_hooks *old[PORT_TABLE_MAX];
	bool newly_out[PORT_TABLE_MAX] = { false };
	unsigned int n_old = 0;

	for (unsigned int i = 0; i < CAP_MAX_SESSIONS; i++) {
		struct cap_session *s = caps.s[i];
		const struct port *dst;

		if (!s || s->spec.kind != CAP_KIND_MIRROR)
			continue;
		dst = s->ended ? NULL : vswitch_port_find(s->spec.dst);
		__atomic_store_n(&s->dst_index,
				 dst ? dst->index : CAP_INDEX_NONE,
				 __ATOMIC_RELAXED);
	}
	for (unsigned int i = 0; t && i < t->n; i++) {
		struct port *p = t->list[i];
		bool out = mirror_output(p->id) != NULL;

		newly_out[i] = out && !p->mirror_out;
		__atomic_store_n(&p->mirror_out, out, __ATOMIC_RELAXED);
		old[n_old++] = p->cap;
		__atomic_store_n(&p->cap, hooks_for(p), __ATOMIC_RELEASE);
	}
	vswitch_sync();
	for (unsigned int i = 0; i < n_old; i++)
		free(old[i]);
	for (unsigned int i = 0; t && i < t->n; i++)
		if (newly_out[i])
			fdb_flush(vsw.fdb, t->list[i]->index, false);
}

/**
 * ports_changed() - a port was added or removed: recompute the hooks
 */
static void ports_changed(void)
{
	hooks_publish();
}

/**
 * port_removed() - free the hooks of a port no PMD thread can reach
 * @port:	port, already unpublished and synchronized
 */
static void port_removed(struct port *port)
{
	free(port->cap);
	port->cap = NULL;
	port->mirror_out = false;
}

static const struct cap_hook_ops hook_ops = {
	.tap_burst = cap_tap_burst,
	.ports_changed = ports_changed,
	.port_removed = port_removed,
};

/**
 * cap_hook_init() - hand the core our hooks when the program loads
 */
RTE_INIT(cap_hook_init)
{
	cap_hook_register(&hook_ops);
}

/**
 * pool_ready() - create the buffer pool for captured copies on first use
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -ENOMEM
 */
static int pool_ready(char *err, size_t errlen)
{
	if (cap_pool)
		return 0;
	cap_pool = mbuf_pool_create(
		"vioswitch_capture", CAP_POOL_MBUFS, 256,
		RTE_ALIGN(sizeof(struct cap_meta), RTE_MBUF_PRIV_ALIGN),
		RTE_MBUF_DEFAULT_BUF_SIZE);
	if (!cap_pool) {
		snprintf(err, errlen, "no memory for capture buffers: %s",
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

/**
 * check_ports() - check that the session's ports exist and may be used
 * @spec:	request
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -errno
 */
static int check_ports(const struct cap_spec *spec, char *err, size_t errlen)
{
	const struct cap_session *m;

	for (unsigned int i = 0; i < spec->n_ports; i++) {
		const char *id = spec->ports[i];

		if (!spec->ports_later && !vswitch_port_find(id)) {
			snprintf(err, errlen, "no port with id %s", id);
			return -ENOENT;
		}
		if (spec->kind != CAP_KIND_MIRROR)
			continue;
		if (!strcmp(id, spec->dst)) {
			snprintf(err, errlen,
				 "port %s cannot be both source and output "
				 "of a mirror",
				 id);
			return -EINVAL;
		}
		if ((m = mirror_output(id))) {
			snprintf(err, errlen,
				 "port %s is the output of mirror %u; a mirror "
				 "output is not mirrored",
				 id, m->id);
			return -EBUSY;
		}
	}
	if (spec->kind != CAP_KIND_MIRROR)
		return 0;
	if (!spec->ports_later && !vswitch_port_find(spec->dst)) {
		snprintf(err, errlen, "no port with id %s", spec->dst);
		return -ENOENT;
	}
	if ((m = mirror_source(spec->dst))) {
		snprintf(err, errlen,
			 "port %s is a source of mirror %u; it cannot be a "
			 "mirror output",
			 spec->dst, m->id);
		return -EBUSY;
	}
	return 0;
}

/**
 * session_free() - free an ended session; accepts NULL
 * @s:		session no thread uses
 */
static void session_free(struct cap_session *s)
{
	if (!s)
		return;
	cap_writer_free(s);
	if (s->ring) {
		struct rte_mbuf *m;

		while (!rte_ring_sc_dequeue(s->ring, (void **)&m))
			rte_pktmbuf_free(m);
		rte_ring_free(s->ring);
	}
	cap_filter_free(s->filter);
	if (s->spec.fd >= 0)
		close(s->spec.fd);
	free(s->stats);
	free(s);
}

/**
 * free_slot() - a free session slot, evicting the oldest ended session if
 * every slot is taken
 *
 * Return: slot number, or -1
 */
static int free_slot(void)
{
	int oldest = -1;

	for (int i = 0; i < CAP_MAX_SESSIONS; i++) {
		if (!caps.s[i])
			return i;
		if (caps.s[i]->ended &&
		    (oldest < 0 || caps.s[i]->id < caps.s[oldest]->id))
			oldest = i;
	}
	if (oldest >= 0) {
		session_free(caps.s[oldest]);
		caps.s[oldest] = NULL;
	}
	return oldest;
}

/**
 * session_open() - build a session from @spec: filter, ring, output
 * @spec:	request; its fd is moved into the session
 * @id:		session number
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: session (not yet hooked), or NULL
 */
static struct cap_session *session_open(struct cap_spec *spec, unsigned int id,
					char *err, size_t errlen)
{
	struct cap_session *s = calloc(1, sizeof(*s));
	char name[RTE_RING_NAMESIZE];

	if (!s || !(s->stats = calloc(COUNTER_SLOTS, sizeof(*s->stats)))) {
		snprintf(err, errlen, "out of memory");
		goto err;
	}
	s->id = id;
	s->spec = *spec;
	spec->fd = -1;
	s->dst_index = CAP_INDEX_NONE;
	s->started_ns = clock_wall_ns();
	s->filter =
		cap_filter_compile(spec->filter, spec->snaplen, err, errlen);
	if (!s->filter && err[0])
		goto err;
	if (pool_ready(err, errlen))
		goto err;
	if (spec->kind == CAP_KIND_MIRROR)
		return s;
	snprintf(name, sizeof(name), "vio_cap%u", id);
	s->ring = rte_ring_create(name, CAP_RING_SIZE, SOCKET_ID_ANY,
				  RING_F_SC_DEQ);
	if (!s->ring) {
		snprintf(err, errlen, "no memory for the capture ring: %s",
			 rte_strerror(rte_errno));
		goto err;
	}
	if (cap_writer_open(s, cap_event_fd(), err, errlen) ||
	    cap_writer_start(s, err, errlen))
		goto err;
	return s;
err:
	if (s && s->writer)
		cap_writer_stop(s, false);
	session_free(s);
	return NULL;
}

/**
 * cap_start() - start a capture or a mirror
 * @spec:	request, checked by cap_spec_*(); its fd is consumed
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: the session id, or -errno with a message in @err
 */
int cap_start(struct cap_spec *spec, char *err, size_t errlen)
{
	struct cap_session *s;
	int slot, rc;

	rc = check_ports(spec, err, errlen);
	if (rc)
		goto out;
	slot = free_slot();
	if (slot < 0) {
		snprintf(err, errlen,
			 "%d captures and mirrors are running; stop one first",
			 CAP_MAX_SESSIONS);
		rc = -ENOSPC;
		goto out;
	}
	s = session_open(spec, caps.next_id + 1, err, errlen);
	if (!s) {
		rc = -EINVAL;
		goto out;
	}
	caps.next_id++;
	caps.s[slot] = s;
	hooks_publish();
	log_info("%s %u started",
		 spec->kind == CAP_KIND_MIRROR ? "mirror" : "capture", s->id);
	return (int)s->id;
out:
	if (spec->fd >= 0)
		close(spec->fd);
	spec->fd = -1;
	return rc;
}

/**
 * session_end() - unhook a session and close its output; counts are final
 * @s:		running session
 * @reason:	why it ended
 * @shutdown:	the switch is stopping (cap_writer_stop())
 */
static void session_end(struct cap_session *s, const char *reason,
			bool shutdown)
{
	if (s->ended)
		return;
	s->ended = true;
	utf8_snprintf(s->reason, sizeof(s->reason), "%s", reason);
	hooks_publish();
	cap_writer_stop(s, shutdown);
	log_info("%s %u ended: %s",
		 s->spec.kind == CAP_KIND_MIRROR ? "mirror" : "capture", s->id,
		 reason);
}

/**
 * cap_reap() - end the captures whose writer finished by itself
 */
void cap_reap(void)
{
	char reason[CAP_REASON_MAX];
	uint64_t v;

	if (caps.evfd >= 0 && read(caps.evfd, &v, sizeof(v)) < 0 &&
	    errno != EAGAIN)
		log_debug("capture: event fd: %s", strerror(errno));
	for (unsigned int i = 0; i < CAP_MAX_SESSIONS; i++) {
		struct cap_session *s = caps.s[i];

		if (s && !s->ended &&
		    cap_writer_done(s, reason, sizeof(reason)))
			session_end(s, reason, false);
	}
}

/**
 * dir_name() - the text of a direction set
 * @dir:	CAP_DIR_* bits
 *
 * Return: "rx", "tx" or "both"
 */
static const char *dir_name(uint8_t dir)
{
	return dir == CAP_DIR_RX ? "rx" : dir == CAP_DIR_TX ? "tx" : "both";
}

/**
 * session_json() - describe a session for `vioctl capture|mirror list`
 * @s:		session
 *
 * Return: object, or NULL without memory
 */
static json_t *session_json(const struct cap_session *s)
{
	json_t *o = json_object(), *ports = json_array();
	struct cap_stats sum;

	if (!o || !ports) {
		json_decref(o);
		json_decref(ports);
		return NULL;
	}
	for (unsigned int i = 0; i < s->spec.n_ports; i++)
		json_array_append_new(ports, json_string(s->spec.ports[i]));
	if (s->spec.all_ports)
		json_array_append_new(ports, json_string("all"));
	cap_session_sum(s, -1, &sum);
	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "ports", ports);
	json_object_set_new(o, "dir", json_string(dir_name(s->spec.dir)));
	json_object_set_new(o, "filter", json_string(s->spec.filter));
	json_object_set_new(o, "state",
			    json_string(s->ended ? "ended" : "running"));
	json_object_set_new(o, "reason", json_string(s->reason));
	json_object_set_new(o, "seen", json_integer((json_int_t)sum.seen));
	json_object_set_new(o, "matched",
			    json_integer((json_int_t)sum.matched));
	json_object_set_new(o, "dropped",
			    json_integer((json_int_t)sum.dropped));
	if (s->spec.kind == CAP_KIND_MIRROR) {
		json_object_set_new(o, "to", json_string(s->spec.dst));
		json_object_set_new(
			o, "mirrored",
			json_integer((json_int_t)(sum.matched - sum.dropped)));
		return o;
	}
	json_object_set_new(o, "format",
			    json_string(s->spec.format == CAP_FMT_PCAP
						? "pcap"
						: "pcapng"));
	json_object_set_new(o, "snaplen", json_integer(s->spec.snaplen));
	cap_writer_json(s, o);
	return o;
}

/**
 * find() - the session @id of @kind
 * @id:		session number
 * @kind:	kind
 *
 * Return: slot, or -1
 */
static int find(unsigned int id, enum cap_kind kind)
{
	for (int i = 0; i < CAP_MAX_SESSIONS; i++)
		if (caps.s[i] && caps.s[i]->id == id &&
		    caps.s[i]->spec.kind == kind)
			return i;
	return -1;
}

/**
 * cap_stop() - stop and forget a session
 * @id:		session number
 * @kind:	capture or mirror
 * @final:	set to its description with final counts (may be NULL)
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -ENOENT
 */
int cap_stop(unsigned int id, enum cap_kind kind, json_t **final, char *err,
	     size_t errlen)
{
	int slot = find(id, kind);

	if (slot < 0) {
		snprintf(err, errlen, "no %s with id %u",
			 kind == CAP_KIND_MIRROR ? "mirror" : "capture", id);
		return -ENOENT;
	}
	session_end(caps.s[slot], "stopped", false);
	if (final)
		*final = session_json(caps.s[slot]);
	session_free(caps.s[slot]);
	caps.s[slot] = NULL;
	return 0;
}

/**
 * cap_list_json() - describe every session of @kind, oldest first
 * @kind:	capture or mirror
 *
 * Return: array, or NULL without memory
 */
json_t *cap_list_json(enum cap_kind kind)
{
	const struct cap_session *order[CAP_MAX_SESSIONS];
	json_t *a = json_array();
	unsigned int n = 0;

	for (unsigned int i = 0; i < CAP_MAX_SESSIONS; i++)
		if (caps.s[i] && caps.s[i]->spec.kind == kind)
			order[n++] = caps.s[i];
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int k = i;
		     k > 0 && order[k - 1]->id > order[k]->id; k--) {
			const struct cap_session *t = order[k];

			order[k] = order[k - 1];
			order[k - 1] = t;
		}
	for (unsigned int i = 0; a && i < n; i++)
		json_array_append_new(a, session_json(order[i]));
	return a;
}

/**
 * cap_fini() - stop every session and free the capture buffers
 */
void cap_fini(void)
{
	for (unsigned int i = 0; i < CAP_MAX_SESSIONS; i++) {
		if (!caps.s[i])
			continue;
		session_end(caps.s[i], "the switch is shutting down", true);
		session_free(caps.s[i]);
		caps.s[i] = NULL;
	}
	rte_mempool_free(cap_pool);
	cap_pool = NULL;
	if (caps.evfd >= 0)
		close(caps.evfd);
	caps.evfd = -1;
}
