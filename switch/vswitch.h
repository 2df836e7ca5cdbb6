/* SPDX-License-Identifier: BSD-3-Clause */
/* vswitch.h - the switch instance: ports, FDB, PMD threads, RCU */
#ifndef VIOSWITCH_VSWITCH_H
#define VIOSWITCH_VSWITCH_H

#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "fdb.h"
#include "pmd.h"
#include "port_table.h"

#define VIOSWITCH_VERSION "0.1.0"

/**
 * struct vswitch_config - tunables from the command line
 * @fdb_age:	seconds before an unused learned MAC is forgotten
 * @fdb_size:	FDB capacity
 * @idle_us:	empty polling before a PMD thread sleeps, microseconds
 * @flush_us:	longest a partial output batch waits, microseconds
 */
struct vswitch_config {
	uint32_t fdb_age;
	uint32_t fdb_size;
	uint32_t idle_us;
	uint32_t flush_us;
};

/**
 * struct vswitch - the one switch of the process
 * @cfg:	tunables
 * @fdb:	forwarding database
 * @table:	current port table (RCU-published, control thread writes)
 * @qsbr:	RCU state of the PMD threads
 * @pmds:	PMD threads
 * @n_pmds:	how many
 */
struct vswitch {
	struct vswitch_config cfg;
	struct fdb *fdb;
	struct port_table *table;
	struct rte_rcu_qsbr *qsbr;
	struct pmd *pmds[MAX_PMDS];
	unsigned int n_pmds;
};

extern struct vswitch vsw;

int vswitch_init(const struct vswitch_config *cfg, const unsigned int *lcores,
		 const int *cpus, unsigned int n_pmds);
int vswitch_start(void);
void vswitch_fini(void);
void vswitch_sync(void);
int vswitch_port_add(struct port *port, char *err, size_t errlen);
int vswitch_port_del(const char *id, char *err, size_t errlen);
struct port *vswitch_port_find(const char *id);

/**
 * vswitch_table() - the current port table, for a reader
 *
 * Return: snapshot valid until the caller's next quiescent state
 */
static inline const struct port_table *vswitch_table(void)
{
	return __atomic_load_n(&vsw.table, __ATOMIC_ACQUIRE);
}

#endif /* VIOSWITCH_VSWITCH_H */
