// SPDX-License-Identifier: BSD-3-Clause
/* telemetry.c - --telemetry on: the counters as DPDK telemetry commands
 *
 * Theory of operation
 * -------------------
 * With --telemetry on, EAL starts its telemetry thread, which listens on
 * <runtime dir>/dpdk_telemetry.v2 (/var/run/dpdk/vioswitch-PID/ as root,
 * $XDG_RUNTIME_DIR/dpdk/vioswitch-PID/ otherwise), so that
 * `dpdk-telemetry.py -f vioswitch-PID` reaches the switch. It runs in
 * every EAL mode the switch uses (--no-huge --no-shconf, --in-memory):
 * the socket needs only the runtime directory, which EAL makes either way.
 * Two commands are ours:
 *   /vioswitch/ports[,ID]  every port's traffic, drops and learned MACs,
 *                          or every counter of port ID
 *   /vioswitch/pmds[,N]    every PMD thread's counters, or thread N's
 * They hold what `vioctl --json stats`, `port list` and `pmd stats`
 * return (read through ctl_query()), under the same names.
 *
 * DPDK calls a command's callback on a thread of its own (one per
 * client), while only the control thread may walk the port table: ports
 * are freed there. So the callback hands the reply to fill (struct
 * rte_tel_data) to the control thread and waits: it stores it under a
 * mutex, writes this feature's eventfd, which the control loop watches,
 * and sleeps on a condition variable. The control thread fills the reply
 * under the mutex and signals. A callback that waited TEL_WAIT_S seconds
 * withdraws its reply under the mutex, so the control thread never
 * touches it once the callback returned; one request is served at a time.
 * Names in a reply may hold only letters, digits, '_' and '/' (DPDK's
 * rule): a port whose id has other characters is listed as "portN" (its
 * index), with its id in "id".
 */
#include "telemetry.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_telemetry.h>

#include "control.h"
#include "feature.h"
#include "log.h"

#define TEL_WAIT_S    2 /* seconds a callback waits for the control thread */
#define TEL_PARAM_MAX 64

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cv;
	int efd;
	bool enabled;
	bool busy; /* a callback's request is in the slot */
	bool done; /* the control thread answered it */
	bool ports; /* /vioswitch/ports, else /vioswitch/pmds */
	char param[TEL_PARAM_MAX];
	struct rte_tel_data *d;
	int rc;
} tel = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
	.efd = -1,
};

/**
 * telemetry_enabled() - did the options ask for DPDK telemetry?
 *
 * Return: true for --telemetry on (eal.c starts EAL with it then)
 */
bool telemetry_enabled(void)
{
	return tel.enabled;
}

/**
 * name_valid() - may @s name a member of a telemetry reply?
 * @s:		name
 *
 * Return: true if it is made of letters, digits, '_' and '/' only
 */
static bool name_valid(const char *s)
{
	if (!*s || strlen(s) >= RTE_TEL_MAX_STRING_LEN)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '/'))
			return false;
	}
	return true;
}

/**
 * add_u64() - add a JSON number member to a telemetry dict
 * @d:		dict
 * @name:	its name in @d
 * @v:		JSON number (anything else adds 0)
 */
static void add_u64(struct rte_tel_data *d, const char *name, json_t *v)
{
	json_int_t n = json_is_integer(v) ? json_integer_value(v)
					  : (json_int_t)json_number_value(v);

	rte_tel_data_add_dict_u64(d, name, n > 0 ? (uint64_t)n : 0);
}

/**
 * add_members() - add every number of a JSON object (or list) as
 * PREFIX_KEY (or PREFIX_N_SUFFIX)
 * @d:		dict
 * @prefix:	name prefix
 * @suffix:	name suffix for list items, "" for none
 * @o:		object or list
 */
static void add_members(struct rte_tel_data *d, const char *prefix,
			const char *suffix, json_t *o)
{
	char name[RTE_TEL_MAX_STRING_LEN];
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(o, key, v)
	{
		snprintf(name, sizeof(name), "%s_%s", prefix, key);
		add_u64(d, name, v);
	}
	json_array_foreach(o, i, v)
	{
		snprintf(name, sizeof(name), "%s%zu%s", prefix, i, suffix);
		add_u64(d, name, v);
	}
}

/**
 * drops_total() - the sum of a port stats object's drops
 * @st:		port stats object
 *
 * Return: JSON integer (new reference)
 */
static json_t *drops_total(json_t *st)
{
	json_int_t sum = 0;
	const char *key;
	json_t *v;

	json_object_foreach(json_object_get(st, "drops"), key, v) sum +=
		json_integer_value(v);
	return json_integer(sum);
}

/**
 * port_members() - a port's members, into a started dict
 * @c:		dict
 * @st:		its "stats" object
 * @info:	its "port-list" object
 * @full:	every counter (else traffic, drops and learned MACs)
 */
static void port_members(struct rte_tel_data *c, json_t *st, json_t *info,
			 bool full)
{
	static const char *const keys[] = { "rx_packets", "rx_bytes",
					    "tx_packets", "tx_bytes",
					    "forwarded",  "flooded" };
	json_t *drops = drops_total(st);

	rte_tel_data_add_dict_string(
		c, "id", json_string_value(json_object_get(st, "id")) ?: "");
	rte_tel_data_add_dict_string(
		c, "type",
		json_string_value(json_object_get(info, "type")) ?: "");
	for (size_t i = 0; i < RTE_DIM(keys); i++)
		add_u64(c, keys[i], json_object_get(st, keys[i]));
	add_u64(c, "drops", drops);
	add_u64(c, "learned", json_object_get(info, "learned"));
	json_decref(drops);
	if (!full)
		return;
	add_members(c, "drop", "", json_object_get(st, "drops"));
	add_members(c, "fdb", "", json_object_get(st, "fdb"));
	add_members(c, "offload", "", json_object_get(st, "offload"));
	add_members(c, "rxq", "_packets",
		    json_object_get(st, "rx_queue_packets"));
}

/**
 * ports_fill() - /vioswitch/ports[,ID]: a dict of every port's summary,
 * or every counter of port ID
 * @d:		reply
 * @id:		port id, "" for every port
 *
 * Return: 0, or -errno
 */
static int ports_fill(struct rte_tel_data *d, const char *id)
{
	json_t *stats = ctl_query("stats"), *list = ctl_query("port-list");
	int rc = *id ? -ENOENT : 0;
	json_t *st;
	size_t i;

	rte_tel_data_start_dict(d);
	json_array_foreach(stats, i, st)
	{
		const char *pid = json_string_value(json_object_get(st, "id"));
		json_t *info = json_array_get(list, i);
		struct rte_tel_data *c;
		char key[32];

		if (!pid || (*id && strcmp(pid, id)))
			continue;
		if (*id) {
			port_members(d, st, info, true);
			rc = 0;
			break;
		}
		if (i >= RTE_TEL_MAX_DICT_ENTRIES)
			break;
		c = rte_tel_data_alloc();
		if (!c || rte_tel_data_start_dict(c)) {
			rte_tel_data_free(c);
			rc = -ENOMEM;
			break;
		}
		port_members(c, st, info, false);
		snprintf(key, sizeof(key), "port%zu", i);
		rte_tel_data_add_dict_container(d, name_valid(pid) ? pid : key,
						c, 0);
	}
	json_decref(stats);
	json_decref(list);
	return rc;
}

/**
 * pmd_dict() - one PMD thread's dict
 * @p:		its "pmd-stats" object
 *
 * Return: dict, or NULL
 */
static struct rte_tel_data *pmd_dict(json_t *p)
{
	static const char *const keys[] = {
		"pmd",	       "lcore",	     "cpu",    "rx_packets",
		"tx_packets",  "iterations", "sleeps", "busy_cycles",
		"idle_cycles", "idle_poll_us", "tsc_hz",
	};
	struct rte_tel_data *c = rte_tel_data_alloc();
	json_t *n;

	if (!c || rte_tel_data_start_dict(c)) {
		rte_tel_data_free(c);
		return NULL;
	}
	for (size_t i = 0; i < RTE_DIM(keys); i++)
		add_u64(c, keys[i], json_object_get(p, keys[i]));
	n = json_integer(
		(json_int_t)json_array_size(json_object_get(p, "rxqs")));
	add_u64(c, "rx_queues", n);
	json_decref(n);
	return c;
}

/**
 * pmds_fill() - /vioswitch/pmds[,N]
 * @d:		reply
 * @param:	thread index, "" for every thread
 *
 * Return: 0, or -errno
 */
static int pmds_fill(struct rte_tel_data *d, const char *param)
{
	json_t *pmds = ctl_query("pmd-stats"), *p;
	int rc = *param ? -ENOENT : 0;
	size_t i;

	rte_tel_data_start_dict(d);
	json_array_foreach(pmds, i, p)
	{
		struct rte_tel_data *c;
		char key[24];

		snprintf(key, sizeof(key), "%zu", i);
		if (*param && strcmp(param, key))
			continue;
		c = pmd_dict(p);
		if (c)
			rte_tel_data_add_dict_container(d, key, c, 0);
		rc = c ? 0 : -ENOMEM;
	}
	json_decref(pmds);
	return rc;
}

/**
 * on_command() - DPDK's callback for our commands, on a telemetry thread:
 * have the control thread fill @d, and wait for it
 * @cmd:	"/vioswitch/ports" or "/vioswitch/pmds"
 * @params:	what followed the comma, or NULL
 * @d:		reply
 *
 * Return: 0, or -errno (DPDK answers null then)
 */
static int on_command(const char *cmd, const char *params,
		      struct rte_tel_data *d)
{
	static const uint64_t one = 1;
	struct timespec dl;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += TEL_WAIT_S;
	pthread_mutex_lock(&tel.lock);
	while (tel.busy && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&tel.cv, &tel.lock, &dl);
	if (tel.busy || tel.efd < 0) {
		pthread_mutex_unlock(&tel.lock);
		return -EBUSY;
	}
	tel.busy = true;
	tel.done = false;
	tel.d = d;
	tel.ports = !strcmp(cmd, "/vioswitch/ports");
	snprintf(tel.param, sizeof(tel.param), "%s", params ?: "");
	rc = write(tel.efd, &one, sizeof(one)) == sizeof(one) ? 0 : ETIMEDOUT;
	while (!tel.done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&tel.cv, &tel.lock, &dl);
	rc = tel.done ? tel.rc : -ETIMEDOUT;
	tel.d = NULL; /* withdrawn: the control thread leaves it */
	tel.busy = false;
	pthread_cond_broadcast(&tel.cv);
	pthread_mutex_unlock(&tel.lock);
	return rc;
}

/**
 * telemetry_event() - the eventfd was written, or a second passed: fill
 * the reply a callback waits for, if any (control thread)
 */
static void telemetry_event(void)
{
	uint64_t n;

	if (read(tel.efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&tel.lock);
	if (tel.busy && !tel.done && tel.d) {
		tel.rc = tel.ports ? ports_fill(tel.d, tel.param)
				   : pmds_fill(tel.d, tel.param);
		tel.done = true;
		pthread_cond_broadcast(&tel.cv);
	}
	pthread_mutex_unlock(&tel.lock);
}

/**
 * telemetry_event_fd() - the eventfd callbacks write
 *
 * Return: fd, or -1 with errno
 */
static int telemetry_event_fd(void)
{
	if (tel.efd < 0)
		tel.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return tel.efd;
}

/**
 * telemetry_check() - check a --telemetry value as options are parsed;
 * the last one counts
 * @arg:	"on" or "off"
 * @ids:	NULL while parsing, then the --netdev ids (unused)
 * @n_ids:	unused
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int telemetry_check(const char *arg, const char *const *ids,
			   unsigned int n_ids, char *err, size_t errlen)
{
	(void)n_ids;
	if (strcmp(arg, "on") && strcmp(arg, "off")) {
		snprintf(err, errlen, "expected on or off");
		return -EINVAL;
	}
	if (!ids)
		tel.enabled = !strcmp(arg, "on");
	return 0;
}

/**
 * telemetry_start() - say where the telemetry socket is
 * @arg:	"on" or "off"
 * @err:	unused
 * @errlen:	unused
 *
 * Return: 0
 */
static int telemetry_start(const char *arg, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	if (tel.enabled && !strcmp(arg, "on"))
		log_info("telemetry: %s/dpdk_telemetry.v2 "
			 "(dpdk-telemetry.py -f vioswitch-%d)",
			 rte_eal_get_runtime_dir(), (int)getpid());
	return 0;
}

/**
 * telemetry_stop() - answer no more requests (shutdown)
 */
static void telemetry_stop(void)
{
	pthread_mutex_lock(&tel.lock);
	if (tel.busy && !tel.done) {
		tel.rc = -ESHUTDOWN;
		tel.done = true;
		pthread_cond_broadcast(&tel.cv);
	}
	if (tel.efd >= 0)
		close(tel.efd);
	tel.efd = -1;
	pthread_mutex_unlock(&tel.lock);
}

static struct ctl_feature telemetry_feature = {
	.name = "telemetry",
	.option = "telemetry",
	.option_help =
		"  --telemetry on|off  DPDK telemetry socket with the commands\n"
		"                      /vioswitch/ports and /vioswitch/pmds "
		"(default off)\n",
	.option_check = telemetry_check,
	.start = telemetry_start,
	.stop = telemetry_stop,
	.event_fd = telemetry_event_fd,
	.event = telemetry_event,
};

RTE_INIT(telemetry_register)
{
	ctl_feature_register(&telemetry_feature);
	rte_telemetry_register_cmd(
		"/vioswitch/ports", on_command,
		"Every port's traffic, drops and learned MACs. Parameters: "
		"port id (all of its counters)");
	rte_telemetry_register_cmd(
		"/vioswitch/pmds", on_command,
		"Every PMD thread's counters. Parameters: int pmd index");
}
