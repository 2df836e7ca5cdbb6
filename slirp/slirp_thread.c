// SPDX-License-Identifier: BSD-3-Clause
/* slirp_thread.c - the NAT thread: libslirp's poll loop, timers, callbacks
 *
 * Theory of operation
 * -------------------
 * libslirp is single-threaded, so each NAT port runs it on a thread of its
 * own. One iteration: collect libslirp's sockets (slirp_pollfds_fill), the
 * sockets of the hostfwd TCP connections spliced past libslirp
 * (nat_tcp.c), those of the guests' UDP flows past libslirp
 * (nat_udp.c) and our eventfds (frames from the switch, a
 * control-thread call, stop), sleep in poll() until one is ready or the
 * next libslirp, TCP or connection timer is due, let libslirp and the
 * spliced connections serve their sockets, then feed the frames the switch
 * queued on the input queue (slirp_inq.c: its lanes in turn, so every
 * sending port gets its share), fire due timers and run a pending call.
 * Frames from libslirp go out through slirp_frame_out() onto the
 * from_slirp ring. The iteration's two halves around poll(),
 * slirp_loop_fill() and slirp_loop_serve(), are all of it but the
 * eventfds, so a test can drive a NAT without its thread
 * (tests/fuzz/fuzz_nat.c).
 *
 * After an iteration that did work (a socket was ready or frames came in)
 * the thread polls without sleeping for NAT_SPIN_US (50 us) before it
 * sleeps again. libslirp's TCP has a 64 KB window, so a flow through it is
 * round-trip bound, and a sleep plus an eventfd wake-up per burst added
 * to every round trip. While it spins it does not say it sleeps, so the
 * PMD thread does not write its eventfd either. Measured here with
 * tests/bench/nat.sh, two runs each, against the same build without the
 * spin: conn/s 3650 and 3661 against 2738 and 3750, 1-byte RTT p50 68.6
 * and 34.6 us against 92.0 and 50.9 us; throughput within the noise, best
 * runs 8.8 against 5.7 Gbit/s into the guest.
 *
 * The control thread never touches the libslirp instance once the thread
 * runs: it asks for work with slirp_call() (slirp_call.c) and waits for
 * the result.
 * libslirp's callbacks are one static table with one small function each.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "slirp_port.h"
#include "thread_role.h"

#define NAT_SPIN_US 50 /* keep polling this long after the last work */

#define FEED_BUDGET 256

/**
 * cb_clock_get_ns() - libslirp's clock
 */
static int64_t cb_clock_get_ns(void *opaque)
{
	(void)opaque;
	return clock_mono_ns();
}

/**
 * cb_guest_error() - a guest misbehaved toward the NAT: log, rate-limited
 */
static void cb_guest_error(const char *msg, void *opaque)
{
	static struct log_ratelimit rl;
	struct slirp_port *sp = opaque;

	if (log_ratelimit_ok(&rl))
		log_warn("port %s: guest error: %s", sp->port.id, msg);
}

/**
 * cb_timer_new_opaque() - libslirp wants a timer
 */
static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct slirp_port *sp = opaque;

	for (unsigned int i = 0; i < SLIRP_MAX_TIMERS; i++) {
		struct slirp_timer *t = &sp->timers[i];

		if (t->used)
			continue;
		*t = (struct slirp_timer){ .used = true,
					   .id = id,
					   .cb_opaque = cb_opaque };
		return t;
	}
	log_err("port %s: out of libslirp timers", sp->port.id);
	return NULL;
}

/**
 * cb_timer_free() - libslirp drops a timer
 */
static void cb_timer_free(void *timer, void *opaque)
{
	(void)opaque;
	if (timer)
		((struct slirp_timer *)timer)->used = false;
}

/**
 * cb_timer_mod() - libslirp (re)arms a timer for @expire_ms
 */
static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct slirp_timer *t = timer;

	(void)opaque;
	if (!t)
		return;
	t->expire_ms = expire_ms;
	t->armed = true;
}

/**
 * cb_poll_fd() - libslirp's fd (un)registration: the loop asks for its fds
 * every iteration, so nothing to do
 */
static void cb_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

/**
 * cb_notify() - libslirp has work: the loop runs again after this call
 */
static void cb_notify(void *opaque)
{
	(void)opaque;
}

static const SlirpCb slirp_callbacks = {
	.send_packet = slirp_frame_out,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_poll_fd,
	.unregister_poll_fd = cb_poll_fd,
	.notify = cb_notify,
	.timer_new_opaque = cb_timer_new_opaque,
};

/**
 * slirp_instance_new() - create the libslirp instance of @sp
 * @sp:		port with @sp->cfg filled
 *
 * Return: instance, or NULL
 */
Slirp *slirp_instance_new(struct slirp_port *sp)
{
	return slirp_new(&sp->cfg, &slirp_callbacks, sp);
}

/**
 * add_poll() - libslirp's add_poll callback: one more fd to poll
 */
static int add_poll(int fd, int events, void *opaque)
{
	struct slirp_port *sp = opaque;
	short ev = 0;

	if (sp->n_pfds == RTE_DIM(sp->pfds))
		return -1;
	ev |= (events & SLIRP_POLL_IN) ? POLLIN : 0;
	ev |= (events & SLIRP_POLL_OUT) ? POLLOUT : 0;
	ev |= (events & SLIRP_POLL_PRI) ? POLLPRI : 0;
	sp->pfds[sp->n_pfds] = (struct pollfd){ .fd = fd, .events = ev };
	return (int)sp->n_pfds++;
}

/**
 * get_revents() - libslirp's get_revents callback
 */
static int get_revents(int idx, void *opaque)
{
	struct slirp_port *sp = opaque;
	short re;
	int ev = 0;

	if (idx < 0 || (unsigned int)idx >= sp->n_pfds)
		return 0;
	re = sp->pfds[idx].revents;
	ev |= (re & POLLIN) ? SLIRP_POLL_IN : 0;
	ev |= (re & POLLOUT) ? SLIRP_POLL_OUT : 0;
	ev |= (re & POLLPRI) ? SLIRP_POLL_PRI : 0;
	ev |= (re & POLLERR) ? SLIRP_POLL_ERR : 0;
	ev |= (re & POLLHUP) ? SLIRP_POLL_HUP : 0;
	return ev;
}

/**
 * timers_due() - fire due timers; the ms until the next one
 * @sp:		port
 *
 * Return: milliseconds until the next armed timer, or UINT32_MAX
 */
static uint32_t timers_due(struct slirp_port *sp)
{
	int64_t now = clock_mono_ns() / 1000000;
	uint32_t next = UINT32_MAX;

	for (unsigned int i = 0; i < SLIRP_MAX_TIMERS; i++) {
		struct slirp_timer *t = &sp->timers[i];

		if (!t->used || !t->armed)
			continue;
		if (t->expire_ms <= now) {
			t->armed = false;
			slirp_handle_timer(sp->slirp, t->id, t->cb_opaque);
		} else if ((uint64_t)(t->expire_ms - now) < next) {
			next = (uint32_t)(t->expire_ms - now);
		}
	}
	return next;
}

/**
 * feed() - give libslirp the frames the switch queued
 * @sp:		port
 */
static unsigned int feed(struct slirp_port *sp)
{
	struct rte_mbuf *pkts[32];
	unsigned int n, total = 0;

	while (total < FEED_BUDGET &&
	       (n = slirp_inq_dequeue(&sp->inq, pkts, RTE_DIM(pkts)))) {
		for (unsigned int i = 0; i < n; i++)
			slirp_frame_in(sp, pkts[i]);
		total += n;
	}
	return total;
}

/**
 * drain() - clear an eventfd
 * @fd:		eventfd (non-blocking)
 */
static void drain(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0)
		v = 0;
}

/**
 * slirp_loop_fill() - the first half of one NAT loop iteration: fire due
 * timers, then add libslirp's sockets, the spliced TCP connections' and
 * the UDP flows' to the poll set, after what the caller put there
 * @sp:		port
 *
 * Return: milliseconds poll() may sleep, or UINT32_MAX for no limit
 */
uint32_t slirp_loop_fill(struct slirp_port *sp)
{
	uint32_t timeout = timers_due(sp);

	slirp_pollfds_fill(sp->slirp, &timeout, add_poll, sp);
	nat_tcp_pollfds(sp->tcp, &timeout);
	nat_udp_pollfds(sp->udp, &timeout);
	return timeout;
}

/**
 * slirp_loop_serve() - the second half, after poll(): libslirp, the
 * spliced TCP and the UDP flows serve their sockets, the queued frames
 * are fed, the census counts, a pending call runs
 * @sp:		port
 * @rc:		what poll() returned
 *
 * Return: true when there was work (a socket ready or frames fed)
 */
bool slirp_loop_serve(struct slirp_port *sp, int rc)
{
	bool work;

	slirp_pollfds_poll(sp->slirp, rc < 0, get_revents, sp);
	work = nat_tcp_poll(sp->tcp) + nat_udp_poll(sp->udp) + feed(sp) ||
	       rc > 0;
	slirp_census_tick(sp->census);
	slirp_call_run(sp);
	return work;
}

/**
 * nat_main() - the NAT thread
 * @arg:	struct slirp_port
 *
 * Return: NULL
 */
static void *nat_main(void *arg)
{
	struct slirp_port *sp = arg;
	int64_t busy_until = 0;

	thread_role_enter(THREAD_NAT);
	counter_slot = SLOT_WORKER;
	for (;;) {
		bool spin = clock_mono_ns() < busy_until;
		uint32_t timeout;
		int rc;

		sp->n_pfds = 0;
		add_poll(sp->stop_efd, SLIRP_POLL_IN, sp);
		add_poll(sp->in_efd, SLIRP_POLL_IN, sp);
		add_poll(sp->call_efd, SLIRP_POLL_IN, sp);
		timeout = slirp_loop_fill(sp);
		/* Say we may sleep, then look: a frame queued after the look
		 * sees the flag and writes in_efd (user_tx_burst). */
		if (!spin)
			__atomic_store_n(&sp->nat_sleeping, true,
					 __ATOMIC_SEQ_CST);
		if (spin || !slirp_inq_empty(&sp->inq))
			timeout = 0;
		rc = poll(sp->pfds, sp->n_pfds,
			  timeout == UINT32_MAX ? -1 : (int)timeout);
		__atomic_store_n(&sp->nat_sleeping, false, __ATOMIC_RELAXED);
		if (sp->pfds[0].revents)
			break;
		if (sp->pfds[1].revents)
			drain(sp->in_efd);
		if (sp->pfds[2].revents)
			drain(sp->call_efd);
		if (slirp_loop_serve(sp, rc))
			busy_until = clock_mono_ns() + NAT_SPIN_US * 1000;
	}
	return NULL;
}

/**
 * slirp_thread_start() - start the NAT thread
 * @sp:		port with its libslirp instance
 *
 * Return: 0, or -errno
 */
int slirp_thread_start(struct slirp_port *sp)
{
	int rc = pthread_create(&sp->thread, NULL, nat_main, sp);

	if (rc)
		return -rc;
	pthread_setname_np(sp->thread, "vio-nat");
	sp->running = true;
	return 0;
}

/**
 * slirp_thread_stop() - stop the NAT thread and wait for it
 * @sp:		port
 */
void slirp_thread_stop(struct slirp_port *sp)
{
	uint64_t one = 1;

	if (!sp->running)
		return;
	if (write(sp->stop_efd, &one, sizeof(one)) < 0)
		log_warn("port %s: cannot stop the NAT thread", sp->port.id);
	pthread_join(sp->thread, NULL);
	sp->running = false;
}
