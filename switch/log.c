// SPDX-License-Identifier: BSD-3-Clause
/* log.c - leveled logging to stderr, with a rate limit for the datapath
 *
 * Two styles (enum log_style): a time-stamped line for a terminal or a
 * file, and, when stderr is a journald stream (the daemon decides, see
 * ctl/journal.c), a line that starts with its syslog priority in angle
 * brackets and carries no time stamp: journald stores the priority and
 * its own time, so `journalctl -p warning` and colours work. Each line
 * is formatted whole and written with one call, so lines of different
 * threads never mix.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

enum log_level log_threshold = LOG_LVL_INFO;

static enum log_style log_style = LOG_STYLE_TIME;

/* The last error log_line() printed (control thread only) */
static char last_error[1024];

static const char *const log_names[] = {
	[LOG_LVL_ERR] = "error",
	[LOG_LVL_WARN] = "warning",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

/**
 * log_level_parse() - parse a level name
 * @name:	"error", "warning", "info" or "debug"
 * @out:	parsed level
 *
 * Return: 0, or -EINVAL for an unknown name
 */
int log_level_parse(const char *name, enum log_level *out)
{
	for (unsigned int i = 0; i < sizeof(log_names) / sizeof(*log_names);
	     i++) {
		if (!strcmp(name, log_names[i])) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * log_set_style() - choose how lines look from now on; call before any
 * thread but the caller logs
 * @style:	LOG_STYLE_TIME (the default) or LOG_STYLE_JOURNAL
 */
void log_set_style(enum log_style style)
{
	log_style = style;
}

/**
 * log_get_style() - how lines look
 *
 * Return: the style log_set_style() chose
 */
enum log_style log_get_style(void)
{
	return log_style;
}

/**
 * log_syslog_priority() - the syslog priority of a level
 * @lvl:	severity
 *
 * Return: LOG_ERR, LOG_WARNING, LOG_INFO or LOG_DEBUG
 */
int log_syslog_priority(enum log_level lvl)
{
	static const int prio[] = {
		[LOG_LVL_ERR] = LOG_ERR,
		[LOG_LVL_WARN] = LOG_WARNING,
		[LOG_LVL_INFO] = LOG_INFO,
		[LOG_LVL_DEBUG] = LOG_DEBUG,
	};

	return prio[lvl];
}

/**
 * log_prefix() - what starts a line of level @lvl that is not time-stamped
 * (log_line(), a message written from a signal handler)
 * @lvl:	severity
 *
 * Return: "<N>" in the journal style, "" otherwise; a static string, safe
 * to use in a signal handler
 */
const char *log_prefix(enum log_level lvl)
{
	static const char *const prefix[] = {
		[LOG_LVL_ERR] = "<3>",
		[LOG_LVL_WARN] = "<4>",
		[LOG_LVL_INFO] = "<6>",
		[LOG_LVL_DEBUG] = "<7>",
	};

	return log_style == LOG_STYLE_JOURNAL ? prefix[lvl] : "";
}

/**
 * log_msg() - print one line to stderr if @lvl passes the threshold
 * @lvl:	severity
 * @fmt:	printf format, without trailing newline
 */
void log_msg(enum log_level lvl, const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char line[1024];
	va_list ap;

	if (lvl > log_threshold)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_style == LOG_STYLE_JOURNAL) {
		fprintf(stderr, "%s%s\n", log_prefix(lvl), line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld vioswitch %s: %s\n", tm.tm_hour,
		tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_names[lvl],
		line);
}

/**
 * log_line() - print one line to stderr as it is, whatever the threshold:
 * the daemon's start-up and option errors ("vioswitch: --netdev ...: ..."),
 * with the priority prefix of @lvl in the journal style; control thread
 * only. An error is also kept for log_last_error()
 * @lvl:	severity
 * @fmt:	printf format, without trailing newline
 */
void log_line(enum log_level lvl, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s%s\n", log_prefix(lvl), line);
	if (lvl == LOG_LVL_ERR)
		snprintf(last_error, sizeof(last_error), "%s", line);
}

/**
 * log_last_error() - the last error log_line() printed, e.g. for a
 * service manager's status line after a failed start (control thread)
 *
 * Return: the line without its newline, "" when there was none
 */
const char *log_last_error(void)
{
	return last_error;
}

/**
 * log_ratelimit_ok() - may the caller print now? At most 10 lines per 5 s
 * @rl:		state, one per message site
 *
 * Return: true if the message may be printed
 */
bool log_ratelimit_ok(struct log_ratelimit *rl)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	if ((uint64_t)ts.tv_sec >= rl->next) {
		if (rl->missed)
			log_warn("(%u similar messages suppressed)",
				 rl->missed);
		rl->next = (uint64_t)ts.tv_sec + 5;
		rl->count = 0;
		rl->missed = 0;
	}
	if (rl->count++ < 10)
		return true;
	rl->missed++;
	return false;
}
