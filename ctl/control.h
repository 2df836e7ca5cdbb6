/* SPDX-License-Identifier: BSD-3-Clause */
/* control.h - the control thread: socket, signals, periodic work */
#ifndef VIOSWITCH_CONTROL_H
#define VIOSWITCH_CONTROL_H

#include <stddef.h>

#include <jansson.h>

#include "protocol.h"

#define CTL_ERR_MAX 512 /* bytes of a handler's error message */

void control_block_signals(void);
int control_open(const char *path, char *err, size_t errlen);
int control_run(void);
void control_close(void);
json_t *ctl_handle(const char *line, size_t len, int *fd);
int ctl_take_fd(void);

#endif /* VIOSWITCH_CONTROL_H */
