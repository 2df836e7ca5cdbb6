/* SPDX-License-Identifier: BSD-3-Clause */
/* control.h - the control thread: socket, signals, periodic work */
#ifndef VIOSWITCH_CONTROL_H
#define VIOSWITCH_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include <jansson.h>

#include "ctl_fds.h"
#include "protocol.h"

#define CTL_ERR_MAX 512 /* bytes of a handler's error message */

/**
 * struct ctl_request - what the control loop knows of a request besides
 * its text; handlers reach it through ctl_take_fd() and ctl_peer_cred()
 * @fds:	descriptors passed with it (SCM_RIGHTS)
 * @has_cred:	@cred holds the client's credentials
 * @cred:	the client's pid, uid and gid when it connected (SO_PEERCRED)
 */
struct ctl_request {
	struct ctl_fds fds;
	bool has_cred;
	struct ucred cred;
};

extern unsigned int ctl_idle_timeout;

void control_block_signals(void);
int control_open(const char *path, char *err, size_t errlen);
int control_run(void);
void control_close(void);
json_t *ctl_handle(const char *line, size_t len, struct ctl_request *rq);
int ctl_take_fd(void);
json_t *ctl_query(const char *cmd);
void ctl_stats_format_register(const char *name, char *(*render)(size_t *len));
int ctl_peer_cred(struct ucred *cred);

#endif /* VIOSWITCH_CONTROL_H */
