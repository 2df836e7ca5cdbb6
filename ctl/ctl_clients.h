/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_clients.h - the control socket's clients (ctl_clients.c), for the
 * control loop (control.c)
 */
#ifndef VIOSWITCH_CTL_CLIENTS_H
#define VIOSWITCH_CTL_CLIENTS_H

#include <stdint.h>

int ctl_clients_init(int epfd, unsigned int max);
void ctl_clients_add(int fd);
void ctl_clients_event(int64_t tag, uint32_t events);
void ctl_clients_sweep(void);
void ctl_clients_close(void);

#endif /* VIOSWITCH_CTL_CLIENTS_H */
