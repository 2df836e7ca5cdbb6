// SPDX-License-Identifier: BSD-3-Clause
/* journal.c - log in the form journald keeps when stderr is its stream
 *
 * Theory of operation
 * -------------------
 * systemd connects a service's stderr to journald and says so in
 * JOURNAL_STREAM, "DEVICE:INODE" of that stream (sd-daemon(3),
 * systemd.exec(5)). The variable is inherited by children whose stderr
 * may be something else, so it counts only when it names the stderr we
 * have. Then every line goes out as "<N>message": N is the syslog
 * priority, which journald strips and stores (PRIORITY=), and there is no
 * time stamp, since journald records its own. Our own log (switch/log.c)
 * is switched to that style, and DPDK's (rte_log) is given a stream that
 * writes each of its lines the same way, with the priority of the
 * message being logged. That stream replaces EAL's default one, which
 * would also copy every line to syslog: under systemd, a second copy in
 * the journal. When stdout is the same stream (systemd's default:
 * stderr inherits stdout), stdout is replaced by a stream that marks its
 * lines - the start-up banner - as info.
 */
#include "journal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <rte_log.h>

#include "log.h"

/**
 * struct journal_out - a stream that writes each line it is given to
 * @out with a priority prefix
 * @out:	where the lines go (stderr, or the real stdout)
 * @prio:	priority of its lines; -1: that of the rte_log message being
 *		written
 * @mid_line:	the last write ended inside a line: no prefix before the
 *		next bytes
 * @file:	the stream itself
 */
struct journal_out {
	FILE *out;
	int prio;
	bool mid_line;
	FILE *file;
};

static struct journal_out dpdk_out = { .prio = -1 };
static struct journal_out stdout_out = { .prio = LOG_INFO };
static FILE *real_stdout;

/**
 * is_journal_stream() - is @fd the journald stream JOURNAL_STREAM names?
 * @fd:		descriptor
 *
 * Return: true if JOURNAL_STREAM is "DEV:INO" and @fd has that device and
 * inode
 */
static bool is_journal_stream(int fd)
{
	const char *env = getenv("JOURNAL_STREAM");
	uintmax_t dev, ino;
	struct stat st;
	char tail;

	if (!env ||
	    sscanf(env, "%" SCNuMAX ":%" SCNuMAX "%c", &dev, &ino, &tail) != 2)
		return false;
	if (fstat(fd, &st))
		return false;
	return (uintmax_t)st.st_dev == dev && (uintmax_t)st.st_ino == ino;
}

/**
 * journal_stream_is_stderr() - is stderr the journald stream that
 * JOURNAL_STREAM names (sd-daemon(3))?
 *
 * Return: true if so
 */
bool journal_stream_is_stderr(void)
{
	return is_journal_stream(STDERR_FILENO);
}

/**
 * dpdk_priority() - the syslog priority of the rte_log message being
 * written by this thread
 *
 * Return: 0 (emergency) .. 7 (debug)
 */
static int dpdk_priority(void)
{
	int lvl = rte_log_cur_msg_loglevel(); /* RTE_LOG_EMERG (1) .. */

	if (lvl < (int)RTE_LOG_EMERG)
		return 6;
	return lvl > (int)RTE_LOG_DEBUG ? 7 : lvl - 1;
}

/**
 * out_write() - the write function of a struct journal_out stream: the
 * bytes of @buf to its @out, a priority prefix at the start of each line
 * @cookie:	the struct journal_out
 * @buf:	text (rte_vlog flushes after each message; the streams are
 *		line buffered)
 * @size:	its length
 *
 * Return: @size (a log line that cannot be written is lost, as on a
 * terminal)
 */
static ssize_t out_write(void *cookie, const char *buf, size_t size)
{
	struct journal_out *jo = cookie;
	int prio = jo->prio >= 0 ? jo->prio : dpdk_priority();
	size_t off = 0;

	while (off < size) {
		const char *nl = memchr(buf + off, '\n', size - off);
		size_t len = nl ? (size_t)(nl - (buf + off)) + 1 : size - off;

		if (!jo->mid_line)
			fprintf(jo->out, "<%d>", prio);
		fwrite(buf + off, 1, len, jo->out);
		jo->mid_line = !nl;
		off += len;
	}
	fflush(jo->out);
	return (ssize_t)size;
}

/**
 * out_open() - make a line-buffered stream that writes through out_write()
 * @jo:		its state; @jo->out and @jo->prio set
 *
 * Return: 0, or -errno
 */
static int out_open(struct journal_out *jo)
{
	static const cookie_io_functions_t io = { .write = out_write };

	jo->file = fopencookie(jo, "w", io);
	if (!jo->file)
		return -errno;
	setvbuf(jo->file, NULL, _IOLBF, 0);
	return 0;
}

/**
 * journal_setup() - log in the journal style if stderr is the journal's
 * stream: our log, DPDK's, and stdout (the start-up banner) when it is
 * the same stream; call first thing in main(), before EAL starts
 */
void journal_setup(void)
{
	int rc;

	if (!journal_stream_is_stderr())
		return;
	log_set_style(LOG_STYLE_JOURNAL);
	dpdk_out.out = stderr;
	rc = out_open(&dpdk_out);
	if (rc)
		log_warn("journal: DPDK's log keeps its own format: %s",
			 strerror(-rc));
	else
		rte_openlog_stream(dpdk_out.file);
	if (!is_journal_stream(STDOUT_FILENO))
		return;
	fflush(stdout);
	stdout_out.out = stdout;
	if (out_open(&stdout_out))
		return; /* the banner's lines get journald's default priority */
	real_stdout = stdout;
	stdout = stdout_out.file;
}

/**
 * journal_close() - give DPDK and stdout back their own streams and close
 * ours; call after EAL stopped
 */
void journal_close(void)
{
	if (real_stdout) {
		fflush(stdout);
		fclose(stdout_out.file);
		stdout = real_stdout;
		real_stdout = NULL;
	}
	if (dpdk_out.file) {
		rte_openlog_stream(NULL);
		fclose(dpdk_out.file);
		dpdk_out.file = NULL;
	}
}
