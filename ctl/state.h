/* SPDX-License-Identifier: BSD-3-Clause */
/* state.h - the state file: what changed at run time survives a restart */
#ifndef VIOSWITCH_STATE_H
#define VIOSWITCH_STATE_H

#include <stddef.h>

struct options;

int state_start(const struct options *o);

#endif /* VIOSWITCH_STATE_H */
