// SPDX-License-Identifier: BSD-3-Clause
/* capture_session.c - what every part of a session reads: its counters
 *
 * The datapath counts per writer slot and per port (struct cap_stats in
 * capture_session.h), so no counter is shared between threads; readers add
 * the slots up here.
 */
#include "capture_session.h"

#include <string.h>

/**
 * cap_session_sum() - sum a session's counters over the writer slots
 * @s:		session
 * @port:	port index, or -1 for every port
 * @sum:	result
 */
void cap_session_sum(const struct cap_session *s, int port,
		     struct cap_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int slot = 0; slot < COUNTER_SLOTS; slot++) {
		for (int p = port < 0 ? 0 : port;
		     p < (port < 0 ? PORT_TABLE_MAX : port + 1); p++) {
			const struct cap_stats *st = &s->stats[slot][p];

			sum->seen += st->seen;
			sum->matched += st->matched;
			sum->dropped += st->dropped;
		}
	}
}
