// SPDX-License-Identifier: BSD-3-Clause
/* fuzz_ctl.c - libFuzzer target: control requests on a live switch
 * (ctl/ctl_cmds.c, the capture feature's commands, the port kinds' open)
 *
 * Theory of operation
 * -------------------
 * One switch for the whole run, as the daemon has: EAL without hugepages,
 * the mbuf pool, one PMD thread (with a 50 us --tx-flush-us, so output
 * batches outlive a round), and the base ports - three pcap ports
 * without files (one an access port, one a trunk with ip=) and a NAT
 * (`user`, its thread running) with TCP and UDP hostfwd rules on loopback,
 * one naming a port. Each input is split at newlines into at most
 * MAX_LINES request lines; each goes to ctl_handle() exactly as the
 * control socket hands it a line, with a descriptor passed along (to
 * /dev/null, which a "stream" capture takes). Then the control thread's
 * second tick runs (feature events, FDB aging, port ticks) and the state
 * is put back: captures and mirrors stopped, the base NAT's hostfwd
 * rules restored, the FDB flushed, files written under /tmp removed, and
 * after an input that added or removed a port every port deleted and the
 * base ports added again.
 *
 * The oracle, besides sanitizers: every reply is an object with a boolean
 * "ok" and, when false, a non-empty "error", and encodes as the socket
 * would send it (json_dumps()); and after the reset the process holds no
 * more descriptors, DPDK heap memory or memzones than before the input.
 * Such a resource that grew is looked at again after the same input runs
 * a second time, so what a first use creates once (the capture pool, its
 * event fd) is not taken for a leak, while a leak per request is caught
 * on the input that leaks.
 *
 * Fuzzed requests add ports, bind sockets and write files wherever their
 * paths say, so the target runs only inside tests/fuzz/sandbox.sh: only
 * loopback, every mount read-only but the sandbox's tmpfs (fuzz_sandbox.c
 * checks at start and exits otherwise).
 */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#include "control.h"
#include "feature.h"
#include "fdb.h"
#include "fuzz_sandbox.h"
#include "log.h"
#include "mbuf_pool.h"
#include "offload.h"
#include "port.h"
#include "vswitch.h"

#define MAX_LINES 16
#define REQ_MAX	  1024

/* The base ports, added once and put back after every input. */
static const char *const base_specs[] = {
	"pcap,id=p0",
	"pcap,id=p1,vlan=10",
	"pcap,id=p2,vlan=5,trunk=on,ip=10.0.2.20",
	("user,id=nat,hostfwd=tcp:127.0.0.1:2222-:22,"
	 "hostfwd=udp:127.0.0.1:5353-:53,hostfwd=tcp::2223-p0:22"),
};
#define N_BASE (sizeof(base_specs) / sizeof(*base_specs))

/* The base NAT's rules, as hostfwd-list shows them. */
static const char *const base_rules[] = {
	"tcp:127.0.0.1:2222-:22",
	"udp:127.0.0.1:5353-:53",
	"tcp::2223-p0:22",
};
#define N_RULES (sizeof(base_rules) / sizeof(*base_rules))

/* $FUZZ_VERBOSE: print every request and its reply. */
static bool verbose;

/* The request line being answered, for messages. */
static const char *cur_line;
static size_t cur_len;

/**
 * struct usage - what the process holds that an input must give back
 * @fds:	open descriptors
 * @heap:	DPDK heap bytes allocated
 * @zones:	memzones reserved
 */
struct usage {
	unsigned int fds;
	uint64_t heap;
	unsigned int zones;
};

/**
 * fail() - report a broken invariant and abort, so libFuzzer keeps the
 * input
 * @fmt:	message
 */
static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fuzz_ctl: ");
	vfprintf(stderr, fmt, ap);
	if (cur_line)
		fprintf(stderr, " (request: %.*s)", (int)RTE_MIN(cur_len, 300u),
			cur_line);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

/**
 * request() - send one request the harness built; its result
 * @fmt:	request, printf-style
 *
 * Return: the result (owned by the caller), or NULL for an error reply
 */
static json_t *__attribute__((format(printf, 1, 2)))
request(const char *fmt, ...)
{
	char req[REQ_MAX];
	json_t *reply, *result;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(req, sizeof(req), fmt, ap);
	va_end(ap);
	if (len < 0 || len >= REQ_MAX)
		fail("harness request too long");
	reply = ctl_handle(req, (size_t)len, NULL);
	result = json_incref(json_object_get(reply, "result"));
	json_decref(reply);
	return result;
}

/**
 * count_zone() - rte_memzone_walk() callback: count one
 */
static void count_zone(const struct rte_memzone *mz, void *arg)
{
	(void)mz;
	(*(unsigned int *)arg)++;
}

/**
 * usage_now() - what the process holds now
 * @u:		filled
 */
static void usage_now(struct usage *u)
{
	struct rte_malloc_socket_stats st;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	memset(u, 0, sizeof(*u));
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			u->fds++;
	if (d)
		closedir(d);
	for (int s = 0; s < RTE_MAX_NUMA_NODES; s++)
		if (!rte_malloc_get_socket_stats(s, &st))
			u->heap += st.heap_allocsz_bytes;
	rte_memzone_walk(count_zone, &u->zones);
}

/**
 * changes_ports() - is @line a port-add or port-del request?
 * @line:	request text
 * @len:	its length
 *
 * Return: true if so
 */
static bool changes_ports(const char *line, size_t len)
{
	json_t *req = json_loadb(line, len, 0, NULL);
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	bool yes =
		cmd && (!strcmp(cmd, "port-add") || !strcmp(cmd, "port-del"));

	json_decref(req);
	return yes;
}

/**
 * check_reply() - a reply has the protocol's shape and can be sent
 * @reply:	reply, consumed
 *
 * Return: the reply said ok
 */
static bool check_reply(json_t *reply)
{
	json_t *ok = json_object_get(reply, "ok");
	const char *err = json_string_value(json_object_get(reply, "error"));
	char *text;

	if (!reply)
		fail("no reply");
	if (!json_is_boolean(ok))
		fail("reply without a boolean \"ok\"");
	if (json_is_false(ok) && (!err || !*err))
		fail("error reply without a message");
	if (json_is_true(ok) && !json_object_get(reply, "result"))
		fail("ok reply without a result");
	text = json_dumps(reply, JSON_COMPACT);
	if (!text)
		fail("reply cannot be encoded");
	if (verbose)
		fprintf(stderr, "> %.*s\n< %s\n", (int)cur_len, cur_line, text);
	free(text);
	json_decref(reply);
	return json_is_true(ok);
}

/**
 * run_lines() - answer each request line of @data as the socket would
 * @data:	input
 * @size:	its length
 *
 * Return: true when a request added or removed a port
 */
static bool run_lines(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	bool ports = false;

	for (unsigned int n = 0; n < MAX_LINES && p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		/* As the socket would: one descriptor passed (a stream
		 * capture takes it), the client root. */
		struct ctl_request rq = { .has_cred = true };

		ctl_fds_init(&rq.fds);
		rq.fds.fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		rq.fds.n = rq.fds.fd >= 0;
		cur_line = p;
		cur_len = len;
		if (len <= CTL_REQUEST_MAX &&
		    check_reply(ctl_handle(p, len, &rq)))
			ports |= changes_ports(p, len);
		cur_line = NULL;
		ctl_fds_clear(&rq.fds);
		p += len + 1;
	}
	return ports;
}

/**
 * tick() - what the control loop does once a second
 */
static void tick(void)
{
	CTL_FEATURE_FOREACH(f)
	{
		if (f->event)
			f->event();
	}
	fdb_age(vsw.fdb, fdb_clock(), vsw.cfg.fdb_age);
	for (unsigned int i = 0; i < vsw.table->n; i++) {
		struct port *p = vsw.table->list[i];

		if (p->ops->tick)
			p->ops->tick(p);
	}
}

/**
 * stop_sessions() - stop every capture or mirror
 * @list:	"capture-list" or "mirror-list"
 * @stop:	"capture-stop" or "mirror-del"
 */
static void stop_sessions(const char *list, const char *stop)
{
	json_t *l = request("{\"cmd\":\"%s\"}", list), *s;
	size_t i;

	json_array_foreach(l, i, s)
	{
		json_decref(request(
			"{\"cmd\":\"%s\",\"id\":%" JSON_INTEGER_FORMAT "}",
			stop, json_integer_value(json_object_get(s, "id"))));
	}
	json_decref(l);
}

/**
 * add_base() - add the base ports
 */
static void add_base(void)
{
	char err[CTL_ERR_MAX];

	for (unsigned int i = 0; i < N_BASE; i++) {
		struct port *p = port_open(base_specs[i], err, sizeof(err));

		if (!p)
			fail("base port %s: %s", base_specs[i], err);
		if (vswitch_port_add(p, err, sizeof(err)))
			fail("base port %s: %s", base_specs[i], err);
	}
}

/**
 * reset_ports() - delete every port, add the base ports again (after an
 * input that added or removed one: a port a request replaced may sit
 * where the base port was, so the table alone cannot tell)
 */
static void reset_ports(void)
{
	char err[CTL_ERR_MAX], id[PORT_ID_MAX];

	while (vsw.table->n) {
		snprintf(id, sizeof(id), "%s", vsw.table->list[0]->id);
		if (vswitch_port_del(id, err, sizeof(err)))
			fail("port-del %s: %s", id, err);
	}
	add_base();
}

/**
 * reset_rules() - give the base NAT exactly its base rules again
 */
static void reset_rules(void)
{
	json_t *l = request("{\"cmd\":\"hostfwd-list\",\"id\":\"nat\"}"), *r;
	bool have[N_RULES] = { false };
	size_t k;

	json_array_foreach(l, k, r)
	{
		const char *text =
			json_string_value(json_object_get(r, "rule"));
		bool known = false;

		for (unsigned int i = 0; text && i < N_RULES; i++) {
			if (!strcmp(text, base_rules[i]) && !have[i]) {
				have[i] = known = true;
				break;
			}
		}
		if (!known && text) {
			json_t *req =
				json_pack("{s:s,s:s,s:s}", "cmd", "hostfwd-del",
					  "id", "nat", "rule", text);
			char *line = json_dumps(req, JSON_COMPACT);

			json_decref(ctl_handle(line, strlen(line), NULL));
			free(line);
			json_decref(req);
		}
	}
	json_decref(l);
	for (unsigned int i = 0; i < N_RULES; i++) {
		if (have[i])
			continue;
		r = request("{\"cmd\":\"hostfwd-add\",\"id\":\"nat\","
			    "\"rule\":\"%s\"}",
			    base_rules[i]);
		if (!r)
			fail("cannot restore hostfwd=%s", base_rules[i]);
		json_decref(r);
	}
}

/**
 * rm_entry() - nftw() callback: remove one entry
 */
static int rm_entry(const char *path, const struct stat *sb, int type,
		    struct FTW *ftw)
{
	(void)sb;
	(void)type;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

/**
 * reset() - put the switch back as the input found it
 * @ports:	a request added or removed a port
 */
static void reset(bool ports)
{
	stop_sessions("capture-list", "capture-stop");
	stop_sessions("mirror-list", "mirror-del");
	if (ports)
		reset_ports();
	reset_rules();
	fdb_flush(vsw.fdb, FDB_PORT_NONE, true);
	nftw("/tmp", rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/**
 * start_switch() - the pool, the switch with one PMD thread, the
 * base ports
 */
static void start_switch(void)
{
	const struct vswitch_config cfg = {
		.fdb_age = 300,
		.fdb_size = 4096,
		.idle_us = 200,
		.flush_us = 50,
	};
	unsigned int lcore;
	int cpu = -1;

	port_mbuf_pool = mbuf_pool_create("fuzz_ctl", 8191, 256, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE);
	if (!port_mbuf_pool)
		fail("cannot create the mbuf pool");
	offload_init(port_mbuf_pool);
	lcore = rte_get_next_lcore(-1, 1, 0);
	if (vswitch_init(&cfg, &lcore, &cpu, 1) || vswitch_start())
		fail("cannot start the switch");
	add_base();
}

/**
 * LLVMFuzzerInitialize() - check the sandbox, start the switch
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	verbose = fuzz_start("ctl", true, "0@(0-1),1@(0-1)");
	start_switch();
	return 0;
}

/**
 * grew() - did the input keep something it should have given back?
 * @a:		before
 * @b:		after
 * @what:	the first resource that grew, filled
 *
 * Return: true if so
 */
static bool grew(const struct usage *a, const struct usage *b,
		 const char **what)
{
	*what = b->fds > a->fds	      ? "descriptors"
		: b->heap > a->heap   ? "DPDK heap memory"
		: b->zones > a->zones ? "memzones"
				      : NULL;
	return *what != NULL;
}

/**
 * LLVMFuzzerTestOneInput() - run one input's requests, then reset
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct usage before, after, again;
	const char *what;
	bool ports;

	usage_now(&before);
	ports = run_lines(data, size);
	tick();
	reset(ports);
	usage_now(&after);
	if (!grew(&before, &after, &what))
		return 0;
	if (verbose)
		fprintf(stderr,
			"%s grew (%u -> %u fds, %" PRIu64 " -> %" PRIu64
			" heap bytes, %u -> %u memzones): once more\n",
			what, before.fds, after.fds, before.heap, after.heap,
			before.zones, after.zones);
	/* Once more: a first use may create what stays for good. */
	ports = run_lines(data, size);
	tick();
	reset(ports);
	usage_now(&again);
	if (grew(&after, &again, &what))
		fail("%s grew: %u -> %u -> %u fds, %" PRIu64 " -> %" PRIu64
		     " -> %" PRIu64 " heap bytes, %u -> %u -> %u memzones",
		     what, before.fds, after.fds, again.fds, before.heap,
		     after.heap, again.heap, before.zones, after.zones,
		     again.zones);
	return 0;
}
