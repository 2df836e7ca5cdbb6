// SPDX-License-Identifier: BSD-3-Clause
/* log.c - leveled logging to stderr, with a rate limit for the datapath */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum log_level log_threshold = LOG_LVL_INFO;

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
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%02d:%02d:%02d.%03ld vioswitch %s: %s\n", tm.tm_hour,
		tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_names[lvl],
		line);
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
