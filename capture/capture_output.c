// SPDX-License-Identifier: BSD-3-Clause
/* capture_output.c - where a capture's writer puts its bytes: the buffer,
 * the file or stream, rotation, and the blocks that open and close a file
 *
 * The writer thread (capture_writer.c) encodes records into a 512 KB
 * buffer through cap_out_room()/cap_out_added(); cap_out_flush() writes it
 * out. A stream is written non-blocking: a reader that stops reading only
 * fills the capture's ring, and once the capture is stopped the writer
 * waits at most a second for it (a fifth of a second when the switch shuts
 * down, so that a stuck reader cannot hold up SIGTERM). A file is closed with one statistics
 * block per interface; rotation closes it and opens the next, NAME.EXT ->
 * NAME-0.EXT, NAME-1.EXT, ..., wrapping after FILES files.
 *
 * Files are written for a user (open_private()): the one who asked over
 * the control socket (SO_PEERCRED), or the switch's own user for
 * --capture. A file is created with O_CREAT | O_EXCL | O_NOFOLLOW, mode
 * 0600, and given to that user with fchown()/fchmod() on the descriptor,
 * never by path. An existing file is opened with O_NOFOLLOW and no O_CREAT
 * and truncated only when fstat() on that descriptor shows a regular file
 * of that user with no other hard link; a FIFO is written as it is. A final
 * component that is a symbolic link is refused, at the start and at every
 * rotation, so a capture never writes through a link someone planted.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture_output.h"
#include "log.h"
#include "utf8.h"
#include "vswitch.h"

#define CAP_FILE_MODE 0600

/**
 * cap_out_end() - end the capture on the writer's side, once
 * @w:		writer
 * @reason:	why, for `vioctl capture list`
 */
void cap_out_end(struct cap_writer *w, const char *reason)
{
	uint64_t one = 1;

	if (__atomic_load_n(&w->done, __ATOMIC_RELAXED))
		return;
	utf8_snprintf(w->reason, sizeof(w->reason), "%s", reason);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	if (w->evfd >= 0 && write(w->evfd, &one, sizeof(one)) < 0)
		log_debug("capture: event fd: %s", strerror(errno));
}

/**
 * wait_writable() - wait until a stream takes more bytes
 * @w:		writer
 *
 * Return: 0 to retry, -ETIMEDOUT when stopping and the reader is stuck,
 * -EPIPE when the reader went away
 */
static int wait_writable(struct cap_writer *w)
{
	struct pollfd p = { .fd = w->fd, .events = POLLOUT };

	if (poll(&p, 1, 100) > 0 && (p.revents & (POLLERR | POLLHUP)))
		return -EPIPE;
	if (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE))
		return 0;
	if (!w->stop_ns)
		w->stop_ns = clock_mono_ns();
	return clock_mono_ns() - w->stop_ns > w->grace_ns ? -ETIMEDOUT : 0;
}

/**
 * cap_out_flush() - write out the buffer
 * @w:		writer
 *
 * Return: 0, or -errno after ending the capture
 */
int cap_out_flush(struct cap_writer *w)
{
	size_t off = 0;
	int rc = 0;

	while (off < w->buf.len && w->fd >= 0) {
		ssize_t n = write(w->fd, w->buf.data + off, w->buf.len - off);

		if (n > 0) {
			off += (size_t)n;
			__atomic_fetch_add(&w->bytes, (uint64_t)n,
					   __ATOMIC_RELAXED);
			continue;
		}
		rc = n < 0 ? -errno : -EIO;
		if (rc == -EINTR)
			continue;
		if (rc == -EAGAIN)
			rc = wait_writable(w);
		if (!rc)
			continue;
		break;
	}
	w->buf.len = 0;
	if (rc == -EPIPE)
		cap_out_end(w, "the reader went away");
	else if (rc == -ETIMEDOUT)
		cap_out_end(w, "stopped; the reader did not take the rest");
	else if (rc) {
		char msg[CAP_REASON_MAX];

		snprintf(msg, sizeof(msg), "write error: %s", strerror(-rc));
		cap_out_end(w, msg);
	}
	return rc;
}

/**
 * port_stats() - sum a session's counters for one port
 * @s:		session
 * @port:	port index
 * @st:		pcapng statistics to fill
 */
static void port_stats(const struct cap_session *s, uint16_t port,
		       struct capfile_ifstats *st)
{
	struct cap_stats sum;

	cap_session_sum(s, port, &sum);
	st->start_ns = s->started_ns;
	st->recv = sum.seen;
	st->accept = sum.matched;
	st->drop = sum.dropped;
	st->deliv = 0;
}

/**
 * cap_out_room() - make sure a block of up to @need bytes fits in the buffer
 * @w:		writer
 * @need:	bytes
 *
 * Return: 0, or -errno when the buffer could not be written out
 */
int cap_out_room(struct cap_writer *w, size_t need)
{
	if (w->buf.cap - w->buf.len >= need)
		return 0;
	return cap_out_flush(w);
}

/**
 * cap_out_added() - account a block just encoded into the current file
 * @w:		writer
 * @before:	buffer length before the block
 * @rc:		the encoder's result
 *
 * Return: @rc
 */
int cap_out_added(struct cap_writer *w, size_t before, int rc)
{
	if (!rc)
		w->file_bytes += w->buf.len - before;
	return rc;
}

/**
 * cap_out_close() - end the current file: statistics blocks, flush, close
 * @s:		session
 */
void cap_out_close(struct cap_session *s)
{
	struct cap_writer *w = s->writer;
	uint64_t now = clock_wall_ns();

	if (w->fd < 0)
		return;
	for (uint32_t i = 0; s->spec.format == CAP_FMT_PCAPNG && i < w->n_if;
	     i++) {
		struct capfile_ifstats st;
		size_t before;

		port_stats(s, w->ifs[i].port, &st);
		st.deliv = w->port_written[w->ifs[i].port];
		if (cap_out_room(w, BLOCK_MAX(0)))
			break;
		before = w->buf.len;
		if (cap_out_added(w, before, capfile_isb(&w->buf, i, now, &st)))
			break;
	}
	cap_out_flush(w);
	close(w->fd); /* a stream's reader sees the end of the capture */
	w->fd = -1;
}

/**
 * file_name() - the name of rotation file @no
 * @s:		session
 * @no:		file number
 * @out:	name
 * @len:	its size
 */
static void file_name(const struct cap_session *s, uint32_t no, char *out,
		      size_t len)
{
	const char *path = s->spec.path;
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');

	if (!s->spec.rotate_mb) {
		snprintf(out, len, "%s", path);
		return;
	}
	if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : path))
		dot = path + strlen(path);
	snprintf(out, len, "%.*s-%u%s", (int)(dot - path), path, no, dot);
}

/**
 * cap_out_iface() - append an interface description block for a port
 * @s:		session
 * @name:	port id
 *
 * Return: 0, or -errno
 */
int cap_out_iface(struct cap_session *s, const char *name)
{
	struct cap_writer *w = s->writer;
	size_t before;

	if (cap_out_room(w, BLOCK_MAX(strlen(s->spec.filter))))
		return -EIO;
	before = w->buf.len;
	return cap_out_added(w, before,
			     capfile_idb(&w->buf, name, "vioswitch port",
					 s->spec.filter, s->spec.snaplen));
}

/**
 * cap_out_section() - write the file header and the known interfaces
 * @s:		session
 *
 * Return: 0, or -errno
 */
int cap_out_section(struct cap_session *s)
{
	struct cap_writer *w = s->writer;
	size_t before;
	int rc;

	w->file_bytes = 0;
	if (cap_out_room(w, BLOCK_MAX(0)))
		return -EIO;
	before = w->buf.len;
	if (s->spec.format == CAP_FMT_PCAP)
		return cap_out_added(
			w, before,
			capfile_pcap_header(&w->buf, s->spec.snaplen));
	rc = cap_out_added(
		w, before,
		capfile_shb(&w->buf, "vioswitch " VIOSWITCH_VERSION));
	for (uint32_t i = 0; !rc && i < w->n_if; i++)
		rc = cap_out_iface(s, w->ifs[i].name);
	return rc;
}

/**
 * file_owner() - who a session's files are for
 * @s:		session
 * @uid:	set to the user
 * @gid:	set to the group
 */
static void file_owner(const struct cap_session *s, uid_t *uid, gid_t *gid)
{
	*uid = s->spec.has_owner ? s->spec.uid : geteuid();
	*gid = s->spec.has_owner ? s->spec.gid : getegid();
}

/**
 * give_file() - make an open regular file private to its user: owner
 * and group, mode 0600
 * @fd:		the file
 * @st:		its fstat()
 * @uid:	user
 * @gid:	group
 *
 * Return: 0, or -errno. Only the owner may not be set when @uid is root
 * (the switch runs as another user): root reads the file all the same.
 */
static int give_file(int fd, const struct stat *st, uid_t uid, gid_t gid)
{
	if ((st->st_uid != uid || st->st_gid != gid) && fchown(fd, uid, gid) &&
	    uid != 0)
		return -errno;
	if ((st->st_mode & 07777) != CAP_FILE_MODE && fchmod(fd, CAP_FILE_MODE))
		return -errno;
	return 0;
}

/**
 * open_existing() - open a file that is there already, without following
 * a symbolic link, and check what it is
 * @path:	file
 * @flags:	open flags (O_NOFOLLOW among them)
 * @uid:	the user it is written for
 * @st:		set to its fstat()
 * @why:	set to what is wrong, when it is a file we must not touch
 *
 * Return: descriptor, or -errno (-EPERM with @why)
 */
static int open_existing(const char *path, int flags, uid_t uid,
			 struct stat *st, const char **why)
{
	int fd = open(path, flags);

	if (fd < 0)
		return -errno;
	if (fstat(fd, st)) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	if (S_ISFIFO(st->st_mode))
		return fd;
	if (!S_ISREG(st->st_mode))
		*why = "it is neither a regular file nor a FIFO";
	else if (st->st_uid != uid)
		*why = "it belongs to another user; remove it or choose "
		       "another name";
	else if (st->st_nlink != 1)
		*why = "it has other hard links";
	else if (ftruncate(fd, 0))
		*why = "it cannot be truncated";
	else
		return fd;
	close(fd);
	return -EPERM;
}

/**
 * open_private() - create or reuse a capture file for its user
 * @s:		session
 * @path:	file
 * @err:	message on failure
 * @errlen:	its size
 *
 * See "Files are written for a user" above. O_NONBLOCK: a FIFO without a
 * reader must not block the control thread (ENXIO instead); writes handle
 * EAGAIN like a stream.
 *
 * Return: descriptor, or -errno with a message
 */
static int open_private(const struct cap_session *s, const char *path,
			char *err, size_t errlen)
{
	const int flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	const char *why = NULL;
	struct stat st;
	uid_t uid;
	gid_t gid;
	bool created = false;
	int fd = -ENOENT, rc;

	file_owner(s, &uid, &gid);
	/* Removed between the two opens: try again, a few times. */
	for (int tries = 0; fd == -ENOENT && tries < 3; tries++) {
		fd = open(path, flags | O_CREAT | O_EXCL, CAP_FILE_MODE);
		created = fd >= 0;
		if (fd < 0)
			fd = errno == EEXIST ? open_existing(path, flags, uid,
							     &st, &why)
					     : -errno;
		else if (fstat(fd, &st)) {
			rc = -errno;
			close(fd);
			fd = rc;
		}
	}
	if (fd >= 0 && S_ISREG(st.st_mode) &&
	    (rc = give_file(fd, &st, uid, gid))) {
		close(fd);
		if (created)
			unlink(path); /* at worst a link planted since */
		utf8_snprintf(err, errlen, "cannot give %s to uid %u: %s", path,
			      (unsigned int)uid, strerror(-rc));
		return rc;
	}
	if (fd >= 0)
		return fd;
	if (why)
		utf8_snprintf(err, errlen, "refusing to write %s: %s", path,
			      why);
	else if (fd == -ELOOP)
		utf8_snprintf(err, errlen,
			      "refusing to write %s: it is a symbolic link "
			      "(captures never follow one; give the real path)",
			      path);
	else
		utf8_snprintf(err, errlen, "cannot open %s: %s", path,
			      fd == -ENXIO ? "a FIFO nobody reads"
					   : strerror(-fd));
	return fd;
}

/**
 * cap_out_open() - open file number @no and start its section
 * @s:		session
 * @no:		file number (rotation)
 * @err:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -errno
 */
int cap_out_open(struct cap_session *s, uint32_t no, char *err, size_t errlen)
{
	struct cap_writer *w = s->writer;

	file_name(s, no, w->path, sizeof(w->path));
	w->fd = open_private(s, w->path, err, errlen);
	if (w->fd < 0)
		return w->fd;
	w->file_no = no;
	w->files++;
	if (cap_out_section(s)) {
		utf8_snprintf(err, errlen, "cannot write %s", w->path);
		return -EIO;
	}
	return 0;
}

/**
 * cap_out_rotate() - close the current file and open the next one
 * @s:		session
 *
 * Return: 0, or -errno after ending the capture
 */
int cap_out_rotate(struct cap_session *s)
{
	struct cap_writer *w = s->writer;
	uint32_t next = w->file_no + 1;
	char err[CAP_REASON_MAX];

	if (s->spec.rotate_files && next >= s->spec.rotate_files)
		next = 0;
	cap_out_close(s);
	if (cap_out_open(s, next, err, sizeof(err))) {
		cap_out_end(w, err);
		return -EIO;
	}
	return 0;
}
