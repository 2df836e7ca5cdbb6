// SPDX-License-Identifier: BSD-3-Clause
/* vswitch.c - the switch instance: ports, FDB, PMD threads, RCU
 *
 * Theory of operation
 * -------------------
 * The control thread is the only writer of shared state. PMD threads read
 * the port table, their queue lists and the FDB without locks; every
 * removal is: unpublish (store a new snapshot), vswitch_sync() (wait until
 * every online PMD thread passed a quiescent state, rte_rcu_qsbr), free.
 * A sleeping PMD thread is RCU-offline and does not delay a sync.
 *
 * Adding a port: give it a free index, start it, publish a table that holds
 * it, then spread its receive queues over the PMD threads (fewest queues
 * first). Removing one: take its queues off the PMD threads, publish a
 * table without it, flush its FDB entries, sync, flush again (a PMD thread
 * may have learned on it during the grace period), drop its capture hooks,
 * then stop and close it. Captures and mirrors re-resolve their ports by id
 * after every change, through the hook ops they registered
 * (capture_hook.h).
 */
#include "vswitch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "capture_hook.h"
#include "log.h"
#include "storm.h"

struct vswitch vsw;
const struct cap_hook_ops *cap_hook_ops;

/**
 * cap_hook_register() - let a feature watch ports (capture_hook.h)
 * @ops:	its operations; the last registration wins
 */
void cap_hook_register(const struct cap_hook_ops *ops)
{
	cap_hook_ops = ops;
}

/**
 * ports_changed() - tell the watching feature that the port table changed
 */
static void ports_changed(void)
{
	if (cap_hook_ops)
		cap_hook_ops->ports_changed();
}

/**
 * fdb_sync() - the FDB's wait-for-readers callback
 * @arg:	unused
 */
static void fdb_sync(void *arg)
{
	(void)arg;
	vswitch_sync();
}

/**
 * vswitch_sync() - wait until no PMD thread uses anything unpublished
 * before this call
 */
void vswitch_sync(void)
{
	if (vsw.qsbr)
		rte_rcu_qsbr_synchronize(vsw.qsbr, RTE_QSBR_THRID_INVALID);
}

/**
 * vswitch_init() - create the FDB, RCU state and PMD threads (not started)
 * @cfg:	tunables
 * @lcores:	EAL lcore of each PMD thread
 * @cpus:	CPU of each PMD thread
 * @n_pmds:	how many PMD threads
 *
 * Return: 0, or -errno
 */
int vswitch_init(const struct vswitch_config *cfg, const unsigned int *lcores,
		 const int *cpus, unsigned int n_pmds)
{
	size_t sz = rte_rcu_qsbr_get_memsize(MAX_PMDS);
	struct pmd_env env;

	vsw.cfg = *cfg;
	vsw.qsbr = rte_zmalloc("qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (!vsw.qsbr || rte_rcu_qsbr_init(vsw.qsbr, MAX_PMDS))
		return -ENOMEM;
	vsw.fdb = fdb_create("fdb", cfg->fdb_size, fdb_sync, NULL);
	if (!vsw.fdb)
		return -ENOMEM;
	vsw.table = calloc(1, sizeof(*vsw.table));
	if (!vsw.table)
		return -ENOMEM;
	env = (struct pmd_env){
		.fdb = vsw.fdb,
		.qsbr = vsw.qsbr,
		.table = &vsw.table,
		.flush_us = cfg->flush_us,
		.idle_us = cfg->idle_us,
	};
	for (unsigned int i = 0; i < n_pmds; i++) {
		vsw.pmds[i] = pmd_create(i, lcores[i], cpus[i], &env);
		if (!vsw.pmds[i])
			return -ENOMEM;
		vsw.n_pmds++;
	}
	return 0;
}

/**
 * vswitch_start() - launch the PMD threads
 *
 * Return: 0, or -errno
 */
int vswitch_start(void)
{
	for (unsigned int i = 0; i < vsw.n_pmds; i++) {
		int rc = pmd_launch(vsw.pmds[i]);

		if (rc)
			return rc;
	}
	return 0;
}

/**
 * vswitch_fini() - remove every port, stop the PMD threads, free all
 */
void vswitch_fini(void)
{
	char err[256];

	while (vsw.table && vsw.table->n) {
		const char *id = vsw.table->list[vsw.table->n - 1]->id;

		if (vswitch_port_del(id, err, sizeof(err)))
			break;
	}
	for (unsigned int i = 0; i < vsw.n_pmds; i++) {
		pmd_stop(vsw.pmds[i]);
		pmd_destroy(vsw.pmds[i]);
		vsw.pmds[i] = NULL;
	}
	vsw.n_pmds = 0;
	fdb_destroy(vsw.fdb);
	vsw.fdb = NULL;
	free(vsw.table);
	vsw.table = NULL;
	rte_free(vsw.qsbr);
	vsw.qsbr = NULL;
}

/**
 * vswitch_port_find() - find a port by id (control thread)
 * @id:		port id
 *
 * Return: the port, or NULL
 */
struct port *vswitch_port_find(const char *id)
{
	return port_table_find(vsw.table, id);
}

/**
 * publish_table() - make @t the current table and free the old one
 * @t:		new snapshot
 */
static void publish_table(struct port_table *t)
{
	struct port_table *old = vsw.table;

	__atomic_store_n(&vsw.table, t, __ATOMIC_RELEASE);
	vswitch_sync();
	free(old);
}

/**
 * rxqs_with() - a copy of @old with one more queue
 * @old:	list, may be NULL
 * @port:	port
 * @queue:	its queue
 *
 * Return: new list, or NULL
 */
static struct pmd_rxqs *rxqs_with(const struct pmd_rxqs *old, struct port *port,
				  uint16_t queue)
{
	unsigned int n = old ? old->n : 0;
	struct pmd_rxqs *r = malloc(sizeof(*r) + (n + 1) * sizeof(r->q[0]));

	if (!r)
		return NULL;
	if (old)
		memcpy(r->q, old->q, n * sizeof(r->q[0]));
	r->q[n].port = port;
	r->q[n].queue = queue;
	r->n = n + 1;
	return r;
}

/**
 * rxqs_without() - a copy of @old without the queues of @port
 * @old:	list
 * @port:	port
 *
 * Return: new list (NULL when empty or out of memory)
 */
static struct pmd_rxqs *rxqs_without(const struct pmd_rxqs *old,
				     const struct port *port)
{
	struct pmd_rxqs *r = malloc(sizeof(*r) + old->n * sizeof(r->q[0]));

	if (!r)
		return NULL;
	r->n = 0;
	for (unsigned int i = 0; i < old->n; i++) {
		if (old->q[i].port != port)
			r->q[r->n++] = old->q[i];
	}
	if (!r->n) {
		free(r);
		return NULL;
	}
	return r;
}

/**
 * least_loaded() - the PMD thread polling the fewest queues
 *
 * Return: PMD thread
 */
static struct pmd *least_loaded(void)
{
	struct pmd *best = vsw.pmds[0];

	for (unsigned int i = 1; i < vsw.n_pmds; i++) {
		unsigned int a = best->rxqs ? best->rxqs->n : 0;
		unsigned int b = vsw.pmds[i]->rxqs ? vsw.pmds[i]->rxqs->n : 0;

		if (b < a)
			best = vsw.pmds[i];
	}
	return best;
}

/**
 * assign_queues() - give each receive queue of @port to a PMD thread
 * @port:	port in the published table
 *
 * Return: 0, or -ENOMEM
 */
static int assign_queues(struct port *port)
{
	if (!vsw.n_pmds)
		return 0;
	for (uint16_t q = 0; q < port->n_rxq; q++) {
		struct pmd *pmd = least_loaded();
		struct pmd_rxqs *r = rxqs_with(pmd->rxqs, port, q);

		if (!r)
			return -ENOMEM;
		r = pmd_set_rxqs(pmd, r);
		vswitch_sync();
		free(r);
	}
	return 0;
}

/**
 * pmds_serving() - PMD threads that poll a receive queue of @port
 * @port:	port
 *
 * Return: count
 */
static unsigned int pmds_serving(const struct port *port)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < vsw.n_pmds; i++) {
		const struct pmd_rxqs *r = vsw.pmds[i]->rxqs;

		for (unsigned int k = 0; r && k < r->n; k++) {
			if (r->q[k].port == port) {
				n++;
				break;
			}
		}
	}
	return n;
}

/**
 * unassign_queues() - take every receive queue of @port off the PMD threads
 * @port:	port
 */
static void unassign_queues(struct port *port)
{
	for (unsigned int i = 0; i < vsw.n_pmds; i++) {
		struct pmd *pmd = vsw.pmds[i];
		struct pmd_rxqs *r;

		if (!pmd->rxqs)
			continue;
		r = pmd_set_rxqs(pmd, rxqs_without(pmd->rxqs, port));
		vswitch_sync();
		free(r);
	}
}

/**
 * vswitch_port_add() - start a port and connect it to the switch
 * @port:	opened port, owned by the switch from now on (closed on error)
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message in @err
 */
int vswitch_port_add(struct port *port, char *err, size_t errlen)
{
	struct port_table *t;
	int idx, rc;

	if (vswitch_port_find(port->id)) {
		snprintf(err, errlen, "id=%s: a port with this id exists",
			 port->id);
		rc = -EEXIST;
		goto err_close;
	}
	idx = port_table_free_index(vsw.table);
	if (idx < 0) {
		snprintf(err, errlen, "id=%s: switch already has %d ports",
			 port->id, PORT_TABLE_MAX);
		rc = -ENOSPC;
		goto err_close;
	}
	port->index = (uint16_t)idx;
	port->tx_shared = port->n_txq < vsw.n_pmds;
	rc = port->ops->start ? port->ops->start(port) : 0;
	if (rc) {
		snprintf(err, errlen, "id=%s: cannot start: %s", port->id,
			 strerror(-rc));
		goto err_close;
	}
	fdb_port_setup(vsw.fdb, port->index, port->learn_limit);
	t = port_table_with(vsw.table, port);
	if (!t) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto err_stop;
	}
	publish_table(t);
	/* Limit from the start, split once the serving threads are known. */
	storm_setup(port, 1);
	rc = assign_queues(port);
	if (rc) {
		snprintf(err, errlen, "out of memory");
		vswitch_port_del(port->id, err, errlen);
		return rc;
	}
	storm_setup(port, pmds_serving(port));
	ports_changed();
	log_info("port %s (%s) added", port->id, port->kind->name);
	return 0;
err_stop:
	if (port->ops->stop)
		port->ops->stop(port);
err_close:
	port->ops->close(port);
	return rc;
}

/**
 * vswitch_port_del() - disconnect a port from the switch and close it
 * @id:		port id
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message in @err
 */
int vswitch_port_del(const char *id, char *err, size_t errlen)
{
	struct port *port = vswitch_port_find(id);
	struct port_table *t;

	if (!port) {
		snprintf(err, errlen, "no port with id %s", id);
		return -ENOENT;
	}
	t = port_table_without(vsw.table, port);
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	unassign_queues(port);
	fdb_flush(vsw.fdb, port->index, true);
	publish_table(t);
	fdb_flush(vsw.fdb, port->index, true);
	if (cap_hook_ops)
		cap_hook_ops->port_removed(port);
	ports_changed();
	if (port->ops->stop)
		port->ops->stop(port);
	log_info("port %s (%s) removed", port->id, port->kind->name);
	port->ops->close(port);
	return 0;
}
