/* SPDX-License-Identifier: BSD-3-Clause */
/* capture_ctl.h - control commands for captures and mirrors */
#ifndef VIOSWITCH_CAPTURE_CTL_H
#define VIOSWITCH_CAPTURE_CTL_H

#include <jansson.h>

/* Handlers as in ctl_cmds.c: result, or NULL with CTL_ERR_MAX bytes in @err */
json_t *ctl_capture_start(json_t *req, char *err);
json_t *ctl_capture_stop(json_t *req, char *err);
json_t *ctl_capture_list(json_t *req, char *err);
json_t *ctl_mirror_add(json_t *req, char *err);
json_t *ctl_mirror_del(json_t *req, char *err);
json_t *ctl_mirror_list(json_t *req, char *err);

#endif /* VIOSWITCH_CAPTURE_CTL_H */
