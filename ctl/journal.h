/* SPDX-License-Identifier: BSD-3-Clause */
/* journal.h - log in the form journald keeps when stderr is its stream */
#ifndef VIOSWITCH_CTL_JOURNAL_H
#define VIOSWITCH_CTL_JOURNAL_H

#include <stdbool.h>

bool journal_stream_is_stderr(void);
void journal_setup(void);
void journal_close(void);

#endif /* VIOSWITCH_CTL_JOURNAL_H */
