/* SPDX-License-Identifier: BSD-3-Clause */
/* pmd.h - poll-mode datapath threads */
#ifndef VIOSWITCH_PMD_H
#define VIOSWITCH_PMD_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_cycles.h>
#include <rte_rcu_qsbr.h>

#include "forward.h"
#include "port.h"
#include "port_table.h"

/**
 * struct pmd_env - what a PMD thread reads of the switch it serves
 * @fdb:	forwarding database
 * @qsbr:	RCU state, in which the thread reports its quiescent states
 * @table:	where the current port table is published (RCU)
 * @flush_us:	longest a partial output batch waits, microseconds
 * @idle_us:	empty polling before the thread sleeps, microseconds
 */
struct pmd_env {
	struct fdb *fdb;
	struct rte_rcu_qsbr *qsbr;
	struct port_table *const *table;
	uint32_t flush_us;
	uint32_t idle_us;
};

/**
 * struct pmd_rxqs - the receive queues one PMD thread polls (immutable,
 * published under RCU)
 * @n:		queues
 * @q:		(port, queue) pairs
 */
struct pmd_rxqs {
	unsigned int n;
	struct {
		struct port *port;
		uint16_t queue;
	} q[];
};

/**
 * struct pmd_stats - written by the PMD thread only
 * @rx_packets:	frames received
 * @tx_packets:	frames accepted by output ports
 * @iterations:	polling rounds; also the thread's heartbeat, which
 *		the control thread reads (pmd_heartbeat())
 * @busy_cycles: TSC cycles of queue polls that received frames, with the
 *		switching and sending of those frames (as testpmd's
 *		--record-core-cycles counts)
 * @idle_cycles: TSC cycles of queue polls that received nothing, and the
 *		rest of the loop
 * @sleeps:	times the thread slept waiting for a wake-up
 */
struct pmd_stats {
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t iterations;
	uint64_t busy_cycles;
	uint64_t idle_cycles;
	uint64_t sleeps;
};

/**
 * struct pmd - one poll-mode thread
 * @index:	0..n-1, also its RCU thread id, counter slot and tx queue
 * @lcore:	EAL lcore it runs on
 * @cpu:	CPU it is pinned to
 * @epfd:	epoll set of its queues' wake-up fds and @wakefd
 * @wakefd:	eventfd the control thread writes to wake it
 * @rxqs:	queues it polls (RCU-published)
 * @stop:	set by the control thread to end the loop
 * @spin_cycles: empty polling before it starts yielding, TSC cycles
 * @idle_cycles: empty polling before it sleeps at least (--pmd-idle-us),
 *		TSC cycles
 * @idle_max_cycles: how far that grows while sleeps end soon, TSC cycles
 * @idle_now:	empty polling before it sleeps now, TSC cycles: between
 *		the two (pmd.c, "Idle")
 * @sleep_ms:	longest sleep, milliseconds: a sleeping thread still runs
 *		a round (a heartbeat) this often (pmd_set_sleep_max())
 * @ctx:	forwarding state
 * @qsbr:	RCU state of the switch (struct pmd_env)
 * @table:	where the switch publishes its port table (struct pmd_env)
 * @st:		statistics
 */
struct pmd {
	unsigned int index;
	unsigned int lcore;
	int cpu;
	int epfd;
	int wakefd;
	struct pmd_rxqs *rxqs;
	bool stop;
	uint64_t spin_cycles;
	uint64_t idle_cycles;
	uint64_t idle_max_cycles;
	uint64_t idle_now;
	int sleep_ms;
	struct fwd_ctx *ctx;
	struct rte_rcu_qsbr *qsbr;
	struct port_table *const *table;
	struct pmd_stats st __rte_cache_aligned;
};

struct pmd *pmd_create(unsigned int index, unsigned int lcore, int cpu,
		       const struct pmd_env *env);
void pmd_destroy(struct pmd *pmd);
int pmd_launch(struct pmd *pmd);
void pmd_stop(struct pmd *pmd);
void pmd_wake(struct pmd *pmd);
struct pmd_rxqs *pmd_set_rxqs(struct pmd *pmd, struct pmd_rxqs *rxqs);
void pmd_set_sleep_max(struct pmd *pmd, unsigned int ms);

/**
 * pmd_heartbeat() - the thread's heartbeat: a count that grows with every
 * round of its loop, a round after each sleep included, so it stands
 * still only while the thread is stuck (any thread may read it)
 * @pmd:	thread
 *
 * Return: rounds run so far
 */
static inline uint64_t pmd_heartbeat(const struct pmd *pmd)
{
	return __atomic_load_n(&pmd->st.iterations, __ATOMIC_RELAXED);
}

/**
 * pmd_idle_poll_us() - how long the thread now polls empty before it
 * sleeps (any thread may read it)
 * @pmd:	thread
 *
 * Return: microseconds
 */
static inline uint64_t pmd_idle_poll_us(const struct pmd *pmd)
{
	return __atomic_load_n(&pmd->idle_now, __ATOMIC_RELAXED) /
	       (rte_get_tsc_hz() / 1000000);
}

#endif /* VIOSWITCH_PMD_H */
