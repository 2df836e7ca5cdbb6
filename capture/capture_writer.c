// SPDX-License-Identifier: BSD-3-Clause
/* capture_writer.c - a capture's writer thread: ring to pcapng/pcap file
 *
 * Theory of operation
 * -------------------
 * Each capture has one writer thread (a plain pthread, not a PMD lcore). It
 * takes bursts of stamped copies off the session's ring, encodes them
 * (capture_file.c) into a 512 KB buffer and writes the buffer when it is
 * full or when the ring runs dry. With nothing to do it sleeps, 10 ms at
 * first and twice as long each idle round up to 250 ms: wakeups cost the
 * PMD threads here (every 10 ms, up to a fifth of 64 B forwarding while
 * the filter matched nothing; now a few percent), and a capture of rare
 * frames writes them a quarter second late at worst. The sleep is a poll()
 * that also ends on a stop request (a wake eventfd) and, for a stream, on
 * its reader going away.
 *
 * pcapng: a section header, then one interface description block per
 * watched port, named after the port (ports that appear later get theirs
 * before their first packet), enhanced packet blocks with the direction in
 * epb_flags and, for offloaded super-frames and checksum-offload frames, a
 * comment saying so; at the close of every file, one statistics block per
 * interface (frames seen, accepted by the filter, dropped, written).
 *
 * It ends itself (and tells the control thread through the session event
 * fd) when the frame count or the duration is reached, when the reader of a
 * stream goes away or on a write error; the control thread then unhooks the
 * session and calls cap_writer_stop(), which drains the ring and closes the
 * file. Frames the datapath matched and queued until it was unhooked are
 * taken off the ring but not written, and counted as not taken: every
 * matched frame is written, dropped by the datapath (no buffer, ring full)
 * or not taken. Buffer, files, streams and rotation are in
 * capture_output.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "capture_output.h"
#include "log.h"
#include "offload.h"
#include "thread_role.h"
#include "vswitch.h"

#define WRITER_BURST	   64
#define WRITER_IDLE_MIN_MS 10
#define WRITER_IDLE_MAX_MS 250

/**
 * iface_of() - the interface id of a record's port, adding it if new
 * @s:		session
 * @meta:	record
 *
 * Return: interface id, or -errno
 */
static int iface_of(struct cap_session *s, const struct cap_meta *meta)
{
	struct cap_writer *w = s->writer;
	struct cap_iface *f;

	for (uint32_t i = w->n_if; i-- > 0;)
		if (w->ifs[i].port == meta->port &&
		    !strncmp(w->ifs[i].name, meta->port_id, PORT_ID_MAX))
			return (int)i;
	if (w->n_if == PORT_TABLE_MAX)
		return -ENOSPC;
	f = &w->ifs[w->n_if];
	f->port = meta->port;
	memcpy(f->name, meta->port_id, PORT_ID_MAX);
	f->name[PORT_ID_MAX - 1] = '\0';
	if (cap_out_iface(s, f->name))
		return -EIO;
	return (int)w->n_if++;
}

/**
 * hop_comment() - name the next hop a record's frame came through or goes
 * to, on a port with next hops (a VXLAN port's remote VTEP)
 * @meta:	record
 * @buf:	text
 * @len:	its size
 *
 * Return: bytes written (0 for a port without next hops)
 */
static size_t hop_comment(const struct cap_meta *meta, char *buf, size_t len)
{
	int n;

	if (!meta->hop_kind || (meta->dir == CAP_DIR_RX && !meta->hop[0]))
		return 0;
	if (meta->hop[0])
		n = snprintf(buf, len, "vioswitch: %s %s remote %s",
			     meta->dir == CAP_DIR_RX ? "from" : "to",
			     meta->hop_kind, meta->hop);
	else
		n = snprintf(buf, len,
			     "vioswitch: flooded to every %s remote of the "
			     "port (head-end replication)",
			     meta->hop_kind);
	return n < 0 ? 0 : RTE_MIN((size_t)n, len - 1);
}

/**
 * offload_comment() - describe a record's offload metadata, if any
 * @meta:	record
 * @buf:	text
 * @len:	its size
 *
 * Return: bytes written (0 for a frame without offload requests)
 */
static size_t offload_comment(const struct cap_meta *meta, char *buf,
			      size_t len)
{
	const char *what = NULL;
	int n = 0;

	if (meta->ol_flags & RTE_MBUF_F_TX_TCP_SEG)
		what = "TCP";
	else if (meta->ol_flags & RTE_MBUF_F_TX_UDP_SEG)
		what = "UDP";
	if (what)
		n = snprintf(buf, len,
			     "vioswitch: %s super-frame (GSO), %u-byte "
			     "segments, headers %u+%u+%u bytes",
			     what, meta->tso_segsz, meta->l2_len, meta->l3_len,
			     meta->l4_len);
	else if (meta->ol_flags & RTE_MBUF_F_TX_L4_MASK)
		n = snprintf(buf, len,
			     "vioswitch: checksum offload, L4 checksum partial "
			     "(left to the receiver)");
	return n < 0 ? 0 : RTE_MIN((size_t)n, len - 1);
}

/**
 * record_comment() - the comment of a record: its next hop and its
 * offload metadata, each if any, joined by "; "
 * @meta:	record
 * @buf:	text
 * @len:	its size
 *
 * Return: @buf, or NULL when there is nothing to say
 */
static const char *record_comment(const struct cap_meta *meta, char *buf,
				  size_t len)
{
	size_t off = hop_comment(meta, buf, len);

	if (off && off + 2 < len) {
		memcpy(buf + off, "; ", 3);
		if (offload_comment(meta, buf + off + 2, len - off - 2))
			return buf;
		buf[off] = '\0';
		return buf;
	}
	if (off)
		return buf;
	return offload_comment(meta, buf, len) ? buf : NULL;
}

/**
 * encode() - append one record to the buffer
 * @s:		session
 * @m:		stamped copy
 *
 * Return: 0, or -errno
 */
static int encode(struct cap_session *s, struct rte_mbuf *m)
{
	const struct cap_meta *meta = rte_mbuf_to_priv(m);
	struct cap_writer *w = s->writer;
	char comment[CAP_HOP_MAX + 240];
	uint32_t flags;
	int ifid;

	size_t before;

	if (s->spec.format == CAP_FMT_PCAP) {
		if (cap_out_room(w, BLOCK_MAX(m->pkt_len)))
			return -EIO;
		before = w->buf.len;
		return cap_out_added(w, before,
				     capfile_pcap_record(&w->buf, meta->ts_ns,
							 m, meta->orig_len));
	}
	ifid = iface_of(s, meta);
	if (ifid < 0)
		return ifid;
	flags = meta->dir == CAP_DIR_RX ? CAPFILE_INBOUND : CAPFILE_OUTBOUND;
	if (cap_out_room(w, BLOCK_MAX(m->pkt_len)))
		return -EIO;
	before = w->buf.len;
	return cap_out_added(
		w, before,
		capfile_epb(&w->buf, (uint32_t)ifid, meta->ts_ns, m,
			    meta->orig_len, flags,
			    record_comment(meta, comment, sizeof(comment))));
}

/**
 * write_one() - write one record, rotating first if it would not fit
 * @s:		session
 * @m:		stamped copy, not consumed
 *
 * Return: true if it was written
 */
static bool write_one(struct cap_session *s, struct rte_mbuf *m)
{
	struct cap_writer *w = s->writer;
	uint64_t limit = (uint64_t)s->spec.rotate_mb << 20;

	/* Room for this record with its options, one more interface block
	 * and the statistics blocks that close the file. */
	if (limit && w->written &&
	    w->file_bytes + BLOCK_MAX(m->pkt_len) + ISB_MAX * (w->n_if + 2) >
		    limit &&
	    cap_out_rotate(s))
		return false;
	if (encode(s, m)) {
		if (!__atomic_load_n(&w->done, __ATOMIC_RELAXED))
			cap_out_end(w, "cannot encode a record");
		return false;
	}
	__atomic_store_n(&w->written, w->written + 1, __ATOMIC_RELAXED);
	w->port_written[((const struct cap_meta *)rte_mbuf_to_priv(m))->port]++;
	if (s->spec.count && w->written >= s->spec.count) {
		cap_out_flush(w);
		cap_out_end(w, "count reached");
	}
	return true;
}

/**
 * write_burst() - write (or, once done, discard) a burst of records
 * @s:		session
 * @recs:	stamped copies, consumed
 * @n:		count
 *
 * Every record is counted once: written, or not taken (the capture had
 * ended itself, or the record could not be written), so that matched =
 * written + dropped + not taken.
 */
static void write_burst(struct cap_session *s, struct rte_mbuf **recs,
			unsigned int n)
{
	struct cap_writer *w = s->writer;
	uint64_t not_taken = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (__atomic_load_n(&w->done, __ATOMIC_RELAXED) ||
		    !write_one(s, recs[i]))
			not_taken++;
		rte_pktmbuf_free(recs[i]);
	}
	if (not_taken)
		__atomic_store_n(&w->not_taken, w->not_taken + not_taken,
				 __ATOMIC_RELAXED);
}

/**
 * writer_idle() - work for a round without records: flush, check limits,
 * then sleep
 * @s:		session
 * @ms:		how long to sleep at most
 */
static void writer_idle(struct cap_session *s, int ms)
{
	struct cap_writer *w = s->writer;
	/* Events 0 on the stream: poll() reports only errors and hangups. */
	struct pollfd p[2] = { { .fd = w->wakefd, .events = POLLIN },
			       { .fd = -1 } };

	if (!__atomic_load_n(&w->done, __ATOMIC_RELAXED)) {
		if (w->buf.len)
			cap_out_flush(w);
		if (w->deadline_ns) {
			int64_t left = w->deadline_ns - clock_mono_ns();

			if (left <= 0)
				cap_out_end(w, "duration reached");
			else
				ms = (int)RTE_MIN((int64_t)ms,
						  left / 1000000 + 1);
		}
	}
	if (!__atomic_load_n(&w->done, __ATOMIC_RELAXED) && w->stream)
		p[1].fd = w->fd;
	if (poll(p, 2, ms) > 0 && (p[1].revents & (POLLERR | POLLHUP)))
		cap_out_end(w, "the reader went away");
}

/**
 * writer_main() - the writer thread
 * @arg:	session
 *
 * Return: NULL
 */
static void *writer_main(void *arg)
{
	struct cap_session *s = arg;
	struct cap_writer *w = s->writer;
	struct rte_mbuf *recs[WRITER_BURST];
	int idle_ms = WRITER_IDLE_MIN_MS;
	unsigned int n;

	thread_role_enter(THREAD_WORKER);
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		n = rte_ring_sc_dequeue_burst(s->ring, (void **)recs,
					      WRITER_BURST, NULL);
		if (n) {
			write_burst(s, recs, n);
			idle_ms = WRITER_IDLE_MIN_MS;
		} else {
			writer_idle(s, idle_ms);
			idle_ms = RTE_MIN(2 * idle_ms, WRITER_IDLE_MAX_MS);
		}
	}
	/* Unhooked: nothing more will be queued. */
	while ((n = rte_ring_sc_dequeue_burst(s->ring, (void **)recs,
					      WRITER_BURST, NULL)))
		write_burst(s, recs, n);
	cap_out_close(s);
	return NULL;
}

/**
 * cap_writer_open() - set up a capture's output: open the file or take
 * the stream, write the header and the watched ports' interface blocks
 * @s:		session, spec complete, spec.fd moved in (-1 for a file)
 * @evfd:	eventfd the writer signals when the capture ends by itself
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -errno
 */
int cap_writer_open(struct cap_session *s, int evfd, char *err, size_t errlen)
{
	struct cap_writer *w = calloc(1, sizeof(*w));
	const struct port_table *t = vsw.table;

	if (!w || !(w->buf.data = malloc(WRITER_BUF))) {
		free(w);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->writer = w;
	w->buf.cap = WRITER_BUF;
	w->evfd = evfd;
	w->grace_ns = STOP_GRACE_NS;
	w->fd = -1;
	w->wakefd = -1;
	for (unsigned int i = 0; t && i < t->n; i++) {
		const struct port *p = t->list[i];
		bool named = s->spec.all_ports;

		for (unsigned int k = 0; !named && k < s->spec.n_ports; k++)
			named = !strcmp(s->spec.ports[k], p->id);
		if (!named)
			continue;
		w->ifs[w->n_if].port = p->index;
		memcpy(w->ifs[w->n_if++].name, p->id, PORT_ID_MAX);
	}
	if (s->spec.duration)
		w->deadline_ns = clock_mono_ns() +
				 (int64_t)s->spec.duration * 1000000000LL;
	if (s->spec.fd < 0)
		return cap_out_open(s, 0, err, errlen);
	w->fd = s->spec.fd;
	s->spec.fd = -1;
	w->stream = true; /* never reopened, never rotated */
	w->files = 1;
	/* With a path, the descriptor is that file, opened by the client. */
	snprintf(w->path, sizeof(w->path), "%s",
		 s->spec.path[0] ? s->spec.path : "-");
	fcntl(w->fd, F_SETFL, fcntl(w->fd, F_GETFL) | O_NONBLOCK);
	/* The header goes out from the writer thread, which may wait for a
	 * slow reader; the control thread never does. */
	if (cap_out_section(s)) {
		snprintf(err, errlen, "cannot encode the stream header");
		return -EIO;
	}
	return 0;
}

/**
 * cap_writer_start() - start the writer thread
 * @s:		session with its output open
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -errno
 */
int cap_writer_start(struct cap_session *s, char *err, size_t errlen)
{
	int rc;

	s->writer->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->writer->wakefd < 0) {
		rc = errno;
		snprintf(err, errlen, "cannot create the writer's wake fd: %s",
			 strerror(rc));
		return -rc;
	}
	rc = pthread_create(&s->thread, NULL, writer_main, s);
	if (rc) {
		snprintf(err, errlen, "cannot start the writer thread: %s",
			 strerror(rc));
		return -rc;
	}
	pthread_setname_np(s->thread, "vio-capture");
	s->has_thread = true;
	return 0;
}

/**
 * cap_writer_stop() - drain the ring, close the output, join the thread
 * @s:		session no PMD thread can reach any more
 * @shutdown:	the switch is stopping: give a stuck stream reader
 *		SHUTDOWN_GRACE_NS instead of STOP_GRACE_NS
 */
void cap_writer_stop(struct cap_session *s, bool shutdown)
{
	uint64_t one = 1;

	if (shutdown && s->writer)
		s->writer->grace_ns = SHUTDOWN_GRACE_NS; /* before @stop */

	if (!s->has_thread) {
		if (s->writer)
			cap_out_close(s);
		return;
	}
	__atomic_store_n(&s->writer->stop, 1, __ATOMIC_RELEASE);
	/* Without the wake it still sees the flag within WRITER_IDLE_MAX_MS. */
	if (write(s->writer->wakefd, &one, sizeof(one)) < 0)
		log_warn("capture: cannot wake the writer: %s",
			 strerror(errno));
	pthread_join(s->thread, NULL);
	s->has_thread = false;
}

/**
 * cap_writer_done() - has the writer ended the capture by itself?
 * @s:		session
 * @reason:	set to why, when it has
 * @len:	size of @reason
 *
 * Return: true if it has
 */
bool cap_writer_done(const struct cap_session *s, char *reason, size_t len)
{
	const struct cap_writer *w = s->writer;

	if (!w || !__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
		return false;
	snprintf(reason, len, "%s", w->reason);
	return true;
}

/**
 * cap_writer_json() - add the writer's figures to a session's description
 * @s:		session
 * @obj:	object to fill
 */
void cap_writer_json(const struct cap_session *s, json_t *obj)
{
	const struct cap_writer *w = s->writer;

	if (!w)
		return;
	json_object_set_new(obj, "file", json_string(w->path));
	json_object_set_new(obj, "files", json_integer((json_int_t)w->files));
	json_object_set_new(obj, "written",
			    json_integer((json_int_t)__atomic_load_n(
				    &w->written, __ATOMIC_RELAXED)));
	json_object_set_new(obj, "not_taken",
			    json_integer((json_int_t)__atomic_load_n(
				    &w->not_taken, __ATOMIC_RELAXED)));
	json_object_set_new(obj, "bytes",
			    json_integer((json_int_t)__atomic_load_n(
				    &w->bytes, __ATOMIC_RELAXED)));
}

/**
 * cap_writer_free() - free a stopped writer's state; accepts none
 * @s:		session
 */
void cap_writer_free(struct cap_session *s)
{
	struct cap_writer *w = s->writer;

	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (w->wakefd >= 0)
		close(w->wakefd);
	free(w->buf.data);
	free(w);
	s->writer = NULL;
}
