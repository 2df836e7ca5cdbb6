// SPDX-License-Identifier: BSD-3-Clause
/* pcap_port.c - a port that replays a capture and records what it is sent
 *
 * Theory of operation
 * -------------------
 * `--netdev pcap,id=ID[,rx=IN.pcap][,tx=OUT.pcap][,loop=N][,pps=N|max]
 * [,mtu=N]`. File I/O never runs on a PMD thread: each port has one worker
 * thread that reads @rx into mbufs and puts them on an rx ring (waking the
 * PMD thread through an eventfd), and takes mbufs off a tx ring and writes
 * them to @tx. The PMD side only moves mbufs through the rings.
 *
 * Timing: with pps=N frames are sent at N per second; with pps=max as fast
 * as the switch takes them; by default at the capture's own pace. Ports
 * given at start-up share one timeline: a frame is due at the common start
 * plus its timestamp's offset from the earliest first timestamp among
 * those ports, so captures split by ingress port replay in their original
 * interleaving (the replay tests rely on this). A port added at run time
 * starts its own timeline.
 *
 * Offloads: TCP/UDP super-frames are written whole; checksums left to
 * offload are completed before (no PORT_CAP_L4_CKSUM), so the file holds
 * valid ones.
 *
 * Replay never drops: a full rx ring makes the worker wait. A full tx ring
 * drops (counted as tx_full); a record shorter on disk than on the wire
 * (caplen < len) is dropped as truncated.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <rte_ether.h>
#include <rte_ring.h>

#include "clock.h"
#include "log.h"
#include "mbuf_copy.h"
#include "netdev.h"
#include "port.h"
#include "thread_role.h"

#define PCAP_RING_SIZE 1024
#define PCAP_SNAPLEN   65535
#define PCAP_MTU_MAX   (PCAP_SNAPLEN - 14)

extern const struct port_kind port_kind_pcap;

static const char *const pcap_keys[] = {
	"rx", "tx", "loop", "pps", "mtu", NULL
};

/**
 * struct pcap_port - state of one pcap port
 * @port:	generic port, first
 * @rx_path:	capture to replay, or NULL
 * @tx_path:	capture to write, or NULL
 * @loops:	times to replay @rx_path (0: forever)
 * @pps:	frames per second, 0 for capture timing, -1 for as fast as
 *		possible
 * @rx:		open capture being replayed
 * @tx:		output capture handle (pcap_open_dead)
 * @dump:	output capture writer
 * @rx_ring:	worker to PMD
 * @tx_ring:	PMD to worker
 * @rx_efd:	readable when @rx_ring has frames (PMD wake-up)
 * @tx_efd:	written by PMDs when @tx_ring has frames (worker wake-up)
 * @stop_efd:	written by stop()
 * @thread:	worker
 * @running:	worker started
 * @replayed:	frames put on @rx_ring
 * @written:	frames written to @tx_path
 * @rx_done:	replay finished
 * @first_ts:	timestamp of @rx_path's first frame, ns
 * @shared:	replays on the start-up ports' common timeline
 * @buf:	linear copy of a chained mbuf for writing
 */
struct pcap_port {
	struct port port;
	char *rx_path;
	char *tx_path;
	uint32_t loops;
	int64_t pps;
	pcap_t *rx;
	pcap_t *tx;
	pcap_dumper_t *dump;
	struct rte_ring *rx_ring;
	struct rte_ring *tx_ring;
	int rx_efd;
	int tx_efd;
	int stop_efd;
	pthread_t thread;
	bool running;
	uint64_t replayed;
	uint64_t written;
	bool rx_done;
	int64_t first_ts;
	bool shared;
	uint8_t buf[PCAP_SNAPLEN];
};

/* Timeline shared by the ports given at start-up. */
static struct {
	bool closed; /* a port started: later ones get their own */
	bool have_origin;
	int64_t origin; /* earliest first timestamp, ns */
	int64_t start; /* CLOCK_MONOTONIC ns of the first start */
} timeline;

/**
 * pcap_of() - the pcap port containing @port
 * @port:	generic port
 *
 * Return: pcap port
 */
static struct pcap_port *pcap_of(struct port *port)
{
	return (struct pcap_port *)port;
}

/**
 * ts_ns() - a capture record's timestamp in nanoseconds
 * @h:		record header
 * @nano:	the capture has nanosecond resolution
 *
 * Return: time
 */
static int64_t ts_ns(const struct pcap_pkthdr *h, bool nano)
{
	return h->ts.tv_sec * 1000000000LL +
	       h->ts.tv_usec * (nano ? 1LL : 1000LL);
}

/**
 * rx_open() - open the capture to replay and note its first timestamp
 * @pp:		port
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int rx_open(struct pcap_port *pp, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;

	pp->rx = pcap_open_offline_with_tstamp_precision(
		pp->rx_path, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!pp->rx) {
		snprintf(err, errlen, "rx=%s: %s", pp->rx_path, perr);
		return -EINVAL;
	}
	if (pcap_datalink(pp->rx) != DLT_EN10MB) {
		snprintf(err, errlen, "rx=%s: not an Ethernet capture (%s)",
			 pp->rx_path,
			 pcap_datalink_val_to_name(pcap_datalink(pp->rx)));
		return -EINVAL;
	}
	if (pcap_next_ex(pp->rx, &h, &data) == 1) {
		pp->first_ts = ts_ns(h, true);
		pp->shared = !timeline.closed;
		if (!timeline.closed &&
		    (!timeline.have_origin || pp->first_ts < timeline.origin)) {
			timeline.origin = pp->first_ts;
			timeline.have_origin = true;
		}
	}
	pcap_close(pp->rx);
	pp->rx = pcap_open_offline_with_tstamp_precision(
		pp->rx_path, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!pp->rx) {
		snprintf(err, errlen, "rx=%s: %s", pp->rx_path, perr);
		return -EINVAL;
	}
	return 0;
}

/**
 * tx_open() - create the output capture
 * @pp:		port
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int tx_open(struct pcap_port *pp, char *err, size_t errlen)
{
	pp->tx = pcap_open_dead_with_tstamp_precision(
		DLT_EN10MB, PCAP_SNAPLEN, PCAP_TSTAMP_PRECISION_MICRO);
	if (!pp->tx) {
		snprintf(err, errlen, "tx=%s: out of memory", pp->tx_path);
		return -ENOMEM;
	}
	pp->dump = pcap_dump_open(pp->tx, pp->tx_path);
	if (!pp->dump) {
		snprintf(err, errlen, "tx=%s: %s", pp->tx_path,
			 pcap_geterr(pp->tx));
		return -EINVAL;
	}
	return 0;
}

/**
 * write_frames() - write everything on the tx ring to the output capture
 * @pp:		port
 *
 * Return: frames written
 */
static unsigned int write_frames(struct pcap_port *pp)
{
	struct rte_mbuf *pkts[PORT_BURST];
	unsigned int n, total = 0;

	while ((n = rte_ring_sc_dequeue_burst(pp->tx_ring, (void **)pkts,
					      PORT_BURST, NULL))) {
		for (unsigned int i = 0; i < n; i++) {
			struct pcap_pkthdr h = { 0 };
			struct timespec ts;
			const void *d;

			clock_gettime(CLOCK_REALTIME, &ts);
			h.ts.tv_sec = ts.tv_sec;
			h.ts.tv_usec = ts.tv_nsec / 1000;
			h.len = pkts[i]->pkt_len;
			h.caplen = RTE_MIN(h.len, (uint32_t)PCAP_SNAPLEN);
			d = rte_pktmbuf_read(pkts[i], 0, h.caplen, pp->buf);
			if (pp->dump)
				pcap_dump((u_char *)pp->dump, &h, d);
		}
		rte_pktmbuf_free_bulk(pkts, n);
		total += n;
		__atomic_fetch_add(&pp->written, n, __ATOMIC_RELAXED);
	}
	if (total && pp->dump)
		pcap_dump_flush(pp->dump);
	return total;
}

/**
 * wait_events() - sleep until @deadline, a tx wake-up or stop
 * @pp:		port
 * @deadline:	clock_mono_ns() to wake up at, or -1 for no deadline
 *
 * Return: true if stop was requested
 */
static bool wait_events(struct pcap_port *pp, int64_t deadline)
{
	struct pollfd pfd[2] = {
		{ .fd = pp->stop_efd, .events = POLLIN },
		{ .fd = pp->tx_efd, .events = POLLIN },
	};
	int timeout = -1;
	uint64_t v;

	if (deadline >= 0) {
		int64_t left = deadline - clock_mono_ns();

		if (left <= 0)
			return false;
		timeout = (int)((left + 999999) / 1000000);
	}
	if (poll(pfd, 2, timeout) > 0 && (pfd[1].revents & POLLIN) &&
	    read(pp->tx_efd, &v, sizeof(v)) < 0)
		v = 0;
	return pfd[0].revents & POLLIN;
}

/**
 * due_time() - when a record must be sent
 * @pp:		port
 * @ts:		record timestamp, ns
 * @seq:	frames sent so far in this run (at pps=N: in every run)
 * @start:	clock_mono_ns() of the start of this port's timeline
 * @origin:	timestamp that maps to @start
 *
 * Return: clock_mono_ns() deadline, or 0 for now
 */
static int64_t due_time(const struct pcap_port *pp, int64_t ts, uint64_t seq,
			int64_t start, int64_t origin)
{
	if (pp->pps < 0)
		return 0;
	if (pp->pps > 0)
		return start +
		       (int64_t)(seq * 1000000000ULL / (uint64_t)pp->pps);
	return start + (ts > origin ? ts - origin : 0);
}

/**
 * send_record() - put one captured frame on the rx ring, waiting for room
 * @pp:		port
 * @h:		record header
 * @data:	frame
 *
 * Return: true if stop was requested meanwhile
 */
static bool send_record(struct pcap_port *pp, const struct pcap_pkthdr *h,
			const u_char *data)
{
	uint64_t one = 1;
	struct rte_mbuf *m;

	if (h->caplen < h->len) {
		port_count_drop(&pp->port, DROP_TRUNCATED, 1);
		port_counters(&pp->port)->rx_packets++;
		port_counters(&pp->port)->rx_bytes += h->caplen;
		return false;
	}
	while (!(m = mbuf_from_bytes(port_mbuf_pool, data, h->caplen, 0))) {
		if (wait_events(pp, clock_mono_ns() + 1000000))
			return true;
		write_frames(pp);
	}
	while (rte_ring_sp_enqueue(pp->rx_ring, m)) {
		if (wait_events(pp, clock_mono_ns() + 200000)) {
			rte_pktmbuf_free(m);
			return true;
		}
		write_frames(pp);
	}
	pp->replayed++;
	if (write(pp->rx_efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("port %s: wake-up failed", pp->port.id);
	return false;
}

/**
 * replay() - replay the capture @loops times, writing output meanwhile
 * @pp:		port
 * @start:	timeline start, mono ns
 * @origin:	timestamp mapped to @start
 *
 * Return: true if stop was requested
 */
static bool replay(struct pcap_port *pp, int64_t start, int64_t origin)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	const int64_t t0 = start; /* the pps=N timeline */
	uint64_t seq = 0;

	for (uint32_t run = 0; pp->loops == 0 || run < pp->loops; run++) {
		int64_t loop_start = pp->pps > 0 ? t0 : start;

		if (run && !pp->rx) {
			pp->rx = pcap_open_offline_with_tstamp_precision(
				pp->rx_path, PCAP_TSTAMP_PRECISION_NANO, perr);
			if (!pp->rx)
				return false;
			origin = pp->first_ts;
			/* At pps=N the timeline goes on across runs, so
			 * time lost reopening the file (a loaded host) is
			 * caught up and N holds on average; capture timing
			 * starts each run afresh. */
			if (pp->pps <= 0) {
				loop_start = clock_mono_ns();
				seq = 0;
			}
		}
		while (pcap_next_ex(pp->rx, &h, &data) == 1) {
			int64_t due = due_time(pp, ts_ns(h, true), seq++,
					       loop_start, origin);

			while (due && clock_mono_ns() < due) {
				if (wait_events(pp, due))
					return true;
				write_frames(pp);
			}
			if (send_record(pp, h, data))
				return true;
		}
		pcap_close(pp->rx);
		pp->rx = NULL;
		start = clock_mono_ns();
	}
	return false;
}

/**
 * worker() - the port's thread: replay, then keep writing output
 * @arg:	struct pcap_port
 *
 * Return: NULL
 */
static void *worker(void *arg)
{
	struct pcap_port *pp = arg;
	int64_t start = clock_mono_ns(), origin = pp->first_ts;

	thread_role_enter(THREAD_WORKER);
	counter_slot = SLOT_WORKER;
	if (pp->shared) {
		start = timeline.start;
		origin = timeline.origin;
	}
	if (pp->rx && replay(pp, start, origin))
		goto out;
	__atomic_store_n(&pp->rx_done, true, __ATOMIC_RELEASE);
	while (!wait_events(pp, -1))
		write_frames(pp);
out:
	write_frames(pp);
	return NULL;
}

/**
 * pcap_rx_burst() - take replayed frames off the rx ring
 */
static uint16_t pcap_rx_burst(struct port *port, uint16_t q,
			      struct rte_mbuf **pkts, uint16_t max)
{
	(void)q;
	return (uint16_t)rte_ring_sc_dequeue_burst(pcap_of(port)->rx_ring,
						   (void **)pkts, max, NULL);
}

/**
 * pcap_tx_burst() - queue frames for writing; consumes all @n
 */
static uint16_t pcap_tx_burst(struct port *port, uint16_t q,
			      struct rte_mbuf **pkts, uint16_t n)
{
	struct pcap_port *pp = pcap_of(port);
	unsigned int sent;
	uint64_t one = 1;

	(void)q;
	sent = rte_ring_mp_enqueue_burst(pp->tx_ring, (void **)pkts, n, NULL);
	port_count_tx(port, pkts, sent);
	port_drop(port, DROP_TX_FULL, pkts + sent, n - sent);
	if (sent && write(pp->tx_efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		port_count_drop(port, DROP_TX_ERROR, 0);
	return (uint16_t)sent;
}

/**
 * pcap_rx_fd() - the eventfd the worker writes after queueing frames
 */
static int pcap_rx_fd(struct port *port, uint16_t q)
{
	(void)q;
	return pcap_of(port)->rx_efd;
}

/**
 * pcap_rx_arm() - clear the eventfd; the PMD thread polls once more after
 */
static void pcap_rx_arm(struct port *port, uint16_t q)
{
	uint64_t v;

	(void)q;
	if (read(pcap_of(port)->rx_efd, &v, sizeof(v)) < 0)
		v = 0;
}

/**
 * pcap_start() - start the worker thread
 */
static int pcap_start(struct port *port)
{
	struct pcap_port *pp = pcap_of(port);
	int rc;

	if (!timeline.closed) {
		timeline.closed = true;
		timeline.start =
			clock_mono_ns() + 50000000; /* let all ports start */
	}
	rc = pthread_create(&pp->thread, NULL, worker, pp);
	if (rc)
		return -rc;
	pp->running = true;
	return 0;
}

/**
 * pcap_stop() - stop the worker after it wrote everything queued
 */
static void pcap_stop(struct port *port)
{
	struct pcap_port *pp = pcap_of(port);
	uint64_t one = 1;

	if (!pp->running)
		return;
	if (write(pp->stop_efd, &one, sizeof(one)) < 0)
		log_warn("port %s: cannot signal worker", port->id);
	pthread_join(pp->thread, NULL);
	pp->running = false;
}

/**
 * drain_ring() - free every mbuf left on a ring; accepts NULL
 * @r:		ring
 */
static void drain_ring(struct rte_ring *r)
{
	void *m;

	while (r && !rte_ring_dequeue(r, &m))
		rte_pktmbuf_free(m);
}

/**
 * close_fd() - close an fd if it is open
 * @fd:		descriptor, or -1
 */
static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

/**
 * pcap_close_port() - close files and free the port
 */
static void pcap_close_port(struct port *port)
{
	struct pcap_port *pp = pcap_of(port);

	if (!pp)
		return;
	drain_ring(pp->rx_ring);
	drain_ring(pp->tx_ring);
	rte_ring_free(pp->rx_ring);
	rte_ring_free(pp->tx_ring);
	if (pp->rx)
		pcap_close(pp->rx);
	if (pp->dump)
		pcap_dump_close(pp->dump);
	if (pp->tx)
		pcap_close(pp->tx);
	close_fd(pp->rx_efd);
	close_fd(pp->tx_efd);
	close_fd(pp->stop_efd);
	free(pp->rx_path);
	free(pp->tx_path);
	port_free(port);
}

/**
 * pcap_info() - kind-specific fields for `vioctl port list`
 */
static void pcap_info(struct port *port, json_t *obj)
{
	struct pcap_port *pp = pcap_of(port);

	json_object_set_new(obj, "rx",
			    pp->rx_path ? json_string(pp->rx_path)
					: json_null());
	json_object_set_new(obj, "tx",
			    pp->tx_path ? json_string(pp->tx_path)
					: json_null());
	json_object_set_new(obj, "loop", json_integer(pp->loops));
	json_object_set_new(obj, "pps", json_integer(pp->pps));
	json_object_set_new(obj, "replayed",
			    json_integer((json_int_t)__atomic_load_n(
				    &pp->replayed, __ATOMIC_RELAXED)));
	json_object_set_new(
		obj, "rx_done",
		json_boolean(__atomic_load_n(&pp->rx_done, __ATOMIC_ACQUIRE)));
	json_object_set_new(obj, "written",
			    json_integer((json_int_t)__atomic_load_n(
				    &pp->written, __ATOMIC_RELAXED)));
}

static const struct port_ops pcap_ops = {
	.rx_burst = pcap_rx_burst,
	.tx_burst = pcap_tx_burst,
	.rx_fd = pcap_rx_fd,
	.rx_arm = pcap_rx_arm,
	.start = pcap_start,
	.stop = pcap_stop,
	.close = pcap_close_port,
	.info = pcap_info,
};

/**
 * parse_keys() - interpret the pcap port's own keys
 * @pp:		port
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int parse_keys(struct pcap_port *pp, const struct netdev *nd, char *err,
		      size_t errlen)
{
	const char *rx = netdev_get(nd, "rx"), *tx = netdev_get(nd, "tx");
	const char *pps = netdev_get(nd, "pps");
	uint32_t mtu = PCAP_MTU_MAX, v;

	pp->loops = 1;
	if (netdev_get_u32(nd, "loop", 0, UINT32_MAX, &pp->loops, err,
			   errlen) ||
	    netdev_get_u32(nd, "mtu", 68, PCAP_MTU_MAX, &mtu, err, errlen))
		return -EINVAL;
	if (pps && !strcmp(pps, "max"))
		pp->pps = -1;
	else if (pps &&
		 netdev_parse_u32("pps", pps, 1, 100000000, &v, err, errlen))
		return -EINVAL;
	else if (pps)
		pp->pps = v;
	if ((rx && !*rx) || (tx && !*tx)) {
		snprintf(err, errlen, "%s: a file name is required",
			 rx && !*rx ? "rx=" : "tx=");
		return -EINVAL;
	}
	pp->rx_path = rx ? strdup(rx) : NULL;
	pp->tx_path = tx ? strdup(tx) : NULL;
	pp->port.max_frame = mtu + RTE_ETHER_HDR_LEN;
	return 0;
}

/**
 * pcapport_open() - create a pcap port from its specification
 * @nd:		parsed specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: port, or NULL with a message in @err
 */
static struct port *pcapport_open(const struct netdev *nd, char *err,
				  size_t errlen)
{
	struct pcap_port *pp;
	char name[RTE_RING_NAMESIZE];
	static unsigned int seq;

	pp = (struct pcap_port *)port_alloc(&port_kind_pcap, &pcap_ops, nd,
					    sizeof(*pp));
	if (!pp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pp->rx_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pp->tx_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pp->stop_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	/*
	 * Super-frames are recorded whole, as a capture on an offloading
	 * host shows them, but with their checksums completed: whoever
	 * reads or replays the file sees valid ones.
	 */
	pp->port.caps = PORT_CAP_MULTISEG | PORT_CAP_TSO4 | PORT_CAP_TSO6 |
			PORT_CAP_UFO;
	if (parse_keys(pp, nd, err, errlen))
		goto err;
	snprintf(name, sizeof(name), "pcap_rx%u", seq);
	pp->rx_ring = rte_ring_create(name, PCAP_RING_SIZE, SOCKET_ID_ANY,
				      RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "pcap_tx%u", seq++);
	pp->tx_ring = rte_ring_create(name, PCAP_RING_SIZE, SOCKET_ID_ANY,
				      RING_F_SC_DEQ);
	if (!pp->rx_ring || !pp->tx_ring || pp->rx_efd < 0 || pp->tx_efd < 0 ||
	    pp->stop_efd < 0) {
		snprintf(err, errlen, "out of memory");
		goto err;
	}
	if ((pp->rx_path && rx_open(pp, err, errlen)) ||
	    (pp->tx_path && tx_open(pp, err, errlen)))
		goto err;
	return &pp->port;
err:
	pcap_close_port(&pp->port);
	return NULL;
}

const struct port_kind port_kind_pcap = {
	.name = "pcap",
	.keys = pcap_keys,
	.open = pcapport_open,
};

/**
 * port_kind_pcap_register() - make the kind known to `--netdev` when the
 * program loads
 */
RTE_INIT(port_kind_pcap_register)
{
	port_kind_register(&port_kind_pcap);
}
