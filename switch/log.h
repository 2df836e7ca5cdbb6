/* SPDX-License-Identifier: BSD-3-Clause */
/* log.h - leveled logging to stderr, with a rate limit for the datapath */
#ifndef VIOSWITCH_LOG_H
#define VIOSWITCH_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level {
	LOG_LVL_ERR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

/**
 * enum log_style - how a line looks on stderr
 * @LOG_STYLE_TIME:	"HH:MM:SS.mmm vioswitch LEVEL: message", for a
 *			terminal or a file
 * @LOG_STYLE_JOURNAL:	"<N>message", N the syslog priority, no time
 *			stamp: stderr is a journald stream, which keeps
 *			its own time and reads the priority prefix
 */
enum log_style {
	LOG_STYLE_TIME,
	LOG_STYLE_JOURNAL,
};

extern enum log_level log_threshold;

int log_level_parse(const char *name, enum log_level *out);
void log_set_style(enum log_style style);
enum log_style log_get_style(void);
int log_syslog_priority(enum log_level lvl);
const char *log_prefix(enum log_level lvl);
void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_line(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *log_last_error(void);

#define log_err(...)  log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)                                                         \
	do {                                                                   \
		if (log_threshold >= LOG_LVL_DEBUG)                            \
			log_msg(LOG_LVL_DEBUG, __VA_ARGS__);                   \
	} while (0)

/**
 * struct log_ratelimit - allow a burst of messages per interval
 * @next:	seconds (monotonic) when the current interval ends
 * @count:	messages printed in the current interval
 * @missed:	messages suppressed in the current interval
 */
struct log_ratelimit {
	uint64_t next;
	unsigned int count;
	unsigned int missed;
};

bool log_ratelimit_ok(struct log_ratelimit *rl);

#endif /* VIOSWITCH_LOG_H */
