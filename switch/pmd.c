// SPDX-License-Identifier: BSD-3-Clause
/* pmd.c - poll-mode datapath threads
 *
 * Theory of operation
 * -------------------
 * Each PMD thread runs on its own EAL lcore and owns a set of receive
 * queues. One round: load the port table and the queue list (RCU
 * snapshots), receive a burst from every queue and switch it (forward.c),
 * send the output batches (egress.c), then report a quiescent state so the
 * control thread may free what it unpublished. With a flush interval
 * (--tx-flush-us) a batch may outlive its round; every round sends the
 * batches that became due, and the thread reports a quiescent state only
 * once none is left, since a batch holds its output port.
 *
 * Idle: a round that receives nothing starts the idle clock. For the
 * first PMD_SPIN_US the thread polls flat out, as a bare forwarder does:
 * in a loaded loop the next frame is a microsecond away, and a syscall per
 * empty round cost 10% of the 1518 B forwarding rate. Then each empty
 * round yields the CPU first, to a guest's vCPU or an application that
 * waits for it. After idle_now of empty rounds the thread arms every
 * queue's wake-up (rx_arm) and polls once more, to close the race with a
 * frame that arrived meanwhile; if that round is empty too, it goes
 * RCU-offline and sleeps in epoll_wait on its queues' fds and its own wake
 * eventfd. On wake-up it disarms the queues and polls again. So an idle
 * switch sleeps, and a loaded one never makes a syscall for notifications.
 *
 * idle_now adapts as KVM's halt polling does: it starts at cfg.idle_us;
 * a sleep that something ended within PMD_IDLE_MAX_US doubles it (up to
 * that), a longer one sets it back. A wake-up costs the waker a syscall
 * and the stream a scheduling delay, up to milliseconds when the CPU runs
 * another task: a NAT stream toward a tap guest, whose gaps outlast 200
 * us while the guest or the host side runs, went from 4.6 to 8.2 Gbit/s
 * (medians of 10 interleaved rounds). Traffic that stops costs one window
 * of polling, at most PMD_IDLE_MAX_US, before the thread sleeps.
 *
 * Heartbeat: every round counts itself in st.iterations, the one store
 * the loop makes anyway, and a sleep ends after sleep_ms at the latest
 * (PMD_SLEEP_MS; the daemon shortens it under a service watchdog), so a
 * healthy thread's count moves at least that often, asleep or not. The
 * control thread reads it (pmd_heartbeat()) to tell a stuck datapath from
 * an idle one.
 *
 * Statistics follow dpdk-testpmd's --record-core-cycles: cycles of rounds
 * that received frames are busy cycles; busy cycles over received frames is
 * the cost per packet.
 */
#include "pmd.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_malloc.h>

#include "capture_hook.h"
#include "egress.h"
#include "fdb.h"
#include "log.h"
#include "thread_role.h"

/* Empty polling before a PMD thread starts to yield, microseconds */
#define PMD_SPIN_US 20
/* How far empty polling before a sleep grows, microseconds */
#define PMD_IDLE_MAX_US 2000
/* Longest sleep, milliseconds, unless pmd_set_sleep_max() says less */
#define PMD_SLEEP_MS 1000

/**
 * pmd_create() - allocate a PMD thread's state (not yet running)
 * @index:	PMD number
 * @lcore:	EAL lcore to run on
 * @cpu:	CPU of that lcore, for display
 *
 * Return: state, or NULL
 */
struct pmd *pmd_create(unsigned int index, unsigned int lcore, int cpu,
		       const struct pmd_env *env)
{
	struct pmd *pmd = rte_zmalloc("pmd", sizeof(*pmd), RTE_CACHE_LINE_SIZE);
	struct epoll_event ev = { .events = EPOLLIN };

	if (!pmd)
		return NULL;
	pmd->epfd = -1;
	pmd->wakefd = -1;
	pmd->index = index;
	pmd->lcore = lcore;
	pmd->cpu = cpu;
	pmd->sleep_ms = PMD_SLEEP_MS;
	pmd->qsbr = env->qsbr;
	pmd->table = env->table;
	pmd->epfd = epoll_create1(EPOLL_CLOEXEC);
	pmd->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pmd->ctx = fwd_ctx_create(env->fdb, (uint16_t)index);
	if (pmd->epfd < 0 || pmd->wakefd < 0 || !pmd->ctx)
		goto err;
	if (epoll_ctl(pmd->epfd, EPOLL_CTL_ADD, pmd->wakefd, &ev))
		goto err;
	pmd->ctx->flush_cycles = rte_get_tsc_hz() / 1000000 * env->flush_us;
	pmd->idle_cycles = rte_get_tsc_hz() / 1000000 * env->idle_us;
	pmd->spin_cycles = RTE_MIN(rte_get_tsc_hz() / 1000000 * PMD_SPIN_US,
				   pmd->idle_cycles);
	pmd->idle_max_cycles =
		env->idle_us ? RTE_MAX(pmd->idle_cycles,
				       rte_get_tsc_hz() / 1000000 *
					       PMD_IDLE_MAX_US)
			     : 0;
	pmd->idle_now = pmd->idle_cycles;
	return pmd;
err:
	pmd_destroy(pmd);
	return NULL;
}

/**
 * pmd_destroy() - free a stopped PMD thread's state; accepts NULL
 * @pmd:	state
 */
void pmd_destroy(struct pmd *pmd)
{
	if (!pmd)
		return;
	if (pmd->epfd >= 0)
		close(pmd->epfd);
	if (pmd->wakefd >= 0)
		close(pmd->wakefd);
	fwd_ctx_destroy(pmd->ctx);
	free(pmd->rxqs);
	rte_free(pmd);
}

/**
 * pmd_wake() - make a sleeping PMD thread run a round
 * @pmd:	thread
 */
void pmd_wake(struct pmd *pmd)
{
	uint64_t one = 1;

	if (write(pmd->wakefd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("pmd %u: wake-up failed: %s", pmd->index,
			 strerror(errno));
}

/**
 * set_armed() - arm or disarm the wake-up of every queue in @rxqs
 * @rxqs:	queues
 * @arm:	true to arm
 */
static void set_armed(const struct pmd_rxqs *rxqs, bool arm)
{
	for (unsigned int i = 0; rxqs && i < rxqs->n; i++) {
		struct port *p = rxqs->q[i].port;

		if (arm && p->ops->rx_arm)
			p->ops->rx_arm(p, rxqs->q[i].queue);
		else if (!arm && p->ops->rx_disarm)
			p->ops->rx_disarm(p, rxqs->q[i].queue);
	}
}

/**
 * poll_round() - receive from every queue once and switch what came in
 * @pmd:	thread; its busy_cycles grow by the polls that received
 * @rxqs:	its queues
 *
 * Return: frames received
 */
static uint32_t poll_round(struct pmd *pmd, const struct pmd_rxqs *rxqs)
{
	struct rte_mbuf *pkts[PORT_BURST];
	struct fwd_ctx *ctx = pmd->ctx;
	uint32_t got = 0;

	ctx->table = __atomic_load_n(pmd->table, __ATOMIC_ACQUIRE);
	for (unsigned int i = 0; rxqs && i < rxqs->n; i++) {
		struct port *p = rxqs->q[i].port;
		uint64_t t0 = rte_rdtsc();
		struct port_counters *c;
		uint16_t n;

		n = p->ops->rx_burst(p, rxqs->q[i].queue, pkts, PORT_BURST);
		if (!n)
			continue;
		c = port_counters(p);
		c->rx_packets += n;
		p->rxq_packets[rxqs->q[i].queue] += n;
		for (uint16_t k = 0; k < n; k++)
			c->rx_bytes += pkts[k]->pkt_len;
		got += n;
		cap_hook_tap(ctx, p, CAP_DIR_RX, pkts, n);
		if (unlikely(p->mirror_out))
			port_drop(p, DROP_MIRROR_OUT, pkts, n);
		else
			forward_burst(ctx, p, pkts, n);
		/* Send while the frames are still in cache. */
		egress_flush(ctx, false);
		/* A poll that received, with what followed it: busy. */
		pmd->st.busy_cycles += rte_rdtsc() - t0;
	}
	return got;
}

/**
 * pmd_sleep() - wait in epoll until a queue or the control thread wakes us
 * @pmd:	thread, RCU-online, with every queue armed
 *
 * Return: true when something woke it, false when the sleep ran to its
 *	   bound (sleep_ms)
 */
static bool pmd_sleep(struct pmd *pmd)
{
	struct epoll_event ev[16];
	uint64_t v;
	int n;

	rte_rcu_qsbr_thread_offline(pmd->qsbr, pmd->index);
	n = epoll_wait(pmd->epfd, ev, 16,
		       __atomic_load_n(&pmd->sleep_ms, __ATOMIC_RELAXED));
	if (n < 0 && errno != EINTR)
		log_warn("pmd %u: epoll_wait: %s", pmd->index, strerror(errno));
	if (read(pmd->wakefd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_warn("pmd %u: wake fd: %s", pmd->index, strerror(errno));
	rte_rcu_qsbr_thread_online(pmd->qsbr, pmd->index);
	pmd->st.sleeps++;
	return n != 0;
}

/**
 * idle_adapt() - after a sleep, how long to poll empty before the next
 * @pmd:	thread
 * @woken:	something woke it (pmd_sleep())
 * @slept:	how long it slept, TSC cycles
 *
 * A sleep woken within idle_max_cycles would have been saved by polling
 * that long: the window doubles, up to that. A longer sleep, or one that
 * ran to its bound, means the traffic did stop: back to the configured
 * window.
 */
static void idle_adapt(struct pmd *pmd, bool woken, uint64_t slept)
{
	uint64_t w = pmd->idle_cycles;

	if (woken && slept < pmd->idle_max_cycles)
		w = RTE_MIN(pmd->idle_now * 2, pmd->idle_max_cycles);
	__atomic_store_n(&pmd->idle_now, w, __ATOMIC_RELAXED);
}

/* The queue list of a thread that has none: armed like any other, so the
 * thread sleeps. */
static const struct pmd_rxqs no_rxqs;

/**
 * rxqs_now() - the thread's current queue list (RCU: valid until its next
 * quiescent state)
 * @pmd:	thread
 *
 * Return: list, &no_rxqs when it has none
 */
static const struct pmd_rxqs *rxqs_now(struct pmd *pmd)
{
	const struct pmd_rxqs *r =
		__atomic_load_n(&pmd->rxqs, __ATOMIC_ACQUIRE);

	return r ? r : &no_rxqs;
}

/**
 * pmd_main() - the PMD thread's loop
 * @arg:	struct pmd
 *
 * Return: 0
 */
static int pmd_main(void *arg)
{
	struct pmd *pmd = arg;
	struct fwd_ctx *ctx = pmd->ctx;
	const struct pmd_rxqs *armed = NULL;
	uint64_t last_busy = rte_rdtsc();

	thread_role_enter(THREAD_PMD);
	counter_slot = pmd->index;
	rte_rcu_qsbr_thread_register(pmd->qsbr, pmd->index);
	rte_rcu_qsbr_thread_online(pmd->qsbr, pmd->index);
	while (!__atomic_load_n(&pmd->stop, __ATOMIC_ACQUIRE)) {
		const struct pmd_rxqs *rxqs = rxqs_now(pmd);
		uint64_t t0 = rte_rdtsc(), t1, busy = pmd->st.busy_cycles;
		uint32_t got;
		bool woken;

		if (armed && armed != rxqs) {
			set_armed(armed, false);
			armed = NULL;
		}
		ctx->tsc = t0;
		ctx->now = fdb_clock();
		got = poll_round(pmd, rxqs);
		t1 = rte_rdtsc();
		pmd->st.idle_cycles += t1 - t0 - (pmd->st.busy_cycles - busy);
		pmd->st.iterations++;
		pmd->st.rx_packets += got;
		pmd->st.tx_packets = ctx->tx_sent;
		if (got) {
			last_busy = t1;
			if (armed) {
				set_armed(armed, false);
				armed = NULL;
			}
		}
		/* Batches the flush interval kept wait for no more frames:
		 * send them once they are due, then we hold no port. */
		if (ctx->n_dirty)
			egress_flush(ctx, false);
		if (ctx->n_dirty)
			continue;
		rte_rcu_qsbr_quiescent(pmd->qsbr, pmd->index);
		if (got)
			continue;
		if (t1 - last_busy < pmd->spin_cycles)
			continue;
		if (t1 - last_busy < pmd->idle_now) {
			/* Idle polling: let a task waiting for this CPU (a
			 * guest's vCPU, an application) run first. */
			sched_yield();
			continue;
		}
		if (!armed) {
			/* Not @rxqs: since the quiescent state above the
			 * control thread may have replaced and freed it. */
			armed = rxqs_now(pmd);
			set_armed(armed, true);
			continue;
		}
		woken = pmd_sleep(pmd);
		idle_adapt(pmd, woken, rte_rdtsc() - t1);
		/* While offline the list may have been replaced and freed. */
		set_armed(__atomic_load_n(&pmd->rxqs, __ATOMIC_ACQUIRE), false);
		armed = NULL;
		last_busy = rte_rdtsc();
	}
	egress_flush(ctx, true);
	if (armed)
		set_armed(armed, false);
	rte_rcu_qsbr_thread_offline(pmd->qsbr, pmd->index);
	rte_rcu_qsbr_thread_unregister(pmd->qsbr, pmd->index);
	return 0;
}

/**
 * pmd_launch() - start the thread on its lcore
 * @pmd:	state
 *
 * Return: 0, or -errno
 */
int pmd_launch(struct pmd *pmd)
{
	return rte_eal_remote_launch(pmd_main, pmd, pmd->lcore);
}

/**
 * pmd_stop() - end the thread's loop and wait for it
 * @pmd:	state
 */
void pmd_stop(struct pmd *pmd)
{
	__atomic_store_n(&pmd->stop, true, __ATOMIC_RELEASE);
	pmd_wake(pmd);
	rte_eal_wait_lcore(pmd->lcore);
}

/**
 * epoll_update() - make the thread's epoll set match a new queue list
 * @pmd:	thread
 * @old:	queues it had, may be NULL
 * @new:	queues it gets, may be NULL
 */
static void epoll_update(struct pmd *pmd, const struct pmd_rxqs *old,
			 const struct pmd_rxqs *new)
{
	for (unsigned int i = 0; old && i < old->n; i++) {
		int fd = old->q[i].port->ops->rx_fd
				 ? old->q[i].port->ops->rx_fd(old->q[i].port,
							      old->q[i].queue)
				 : -1;

		if (fd >= 0)
			epoll_ctl(pmd->epfd, EPOLL_CTL_DEL, fd, NULL);
	}
	for (unsigned int i = 0; new &&i < new->n; i++) {
		struct epoll_event ev = { .events = EPOLLIN };
		int fd = new->q[i].port->ops->rx_fd
				 ? new->q[i].port->ops->rx_fd(new->q[i].port,
							      new->q[i].queue)
				 : -1;

		if (fd >= 0 && epoll_ctl(pmd->epfd, EPOLL_CTL_ADD, fd, &ev) &&
		    errno != EEXIST)
			log_warn("pmd %u: cannot watch fd of port %s: %s",
				 pmd->index, new->q[i].port->id,
				 strerror(errno));
	}
}

/**
 * pmd_set_rxqs() - publish a new queue list for the thread (control thread)
 * @pmd:	thread
 * @rxqs:	new list, owned by the thread from now on; may be NULL
 *
 * Return: the old list, to free after vswitch_sync()
 */
struct pmd_rxqs *pmd_set_rxqs(struct pmd *pmd, struct pmd_rxqs *rxqs)
{
	struct pmd_rxqs *old = pmd->rxqs;

	epoll_update(pmd, old, rxqs);
	__atomic_store_n(&pmd->rxqs, rxqs, __ATOMIC_RELEASE);
	pmd_wake(pmd);
	return old;
}

/**
 * pmd_set_sleep_max() - bound the thread's sleeps, so that its heartbeat
 * moves at least every @ms (control thread)
 * @pmd:	thread
 * @ms:		longest sleep, milliseconds; 0 restores the default
 *		(PMD_SLEEP_MS), larger values are cut to it
 */
void pmd_set_sleep_max(struct pmd *pmd, unsigned int ms)
{
	if (!ms || ms > PMD_SLEEP_MS)
		ms = PMD_SLEEP_MS;
	__atomic_store_n(&pmd->sleep_ms, (int)ms, __ATOMIC_RELAXED);
	pmd_wake(pmd); /* a sleep already begun ends now */
}
