/* SPDX-License-Identifier: BSD-3-Clause */
/* fd_budget.h - the process's file descriptor budget: raise it, read it */
#ifndef VIOSWITCH_FD_BUDGET_H
#define VIOSWITCH_FD_BUDGET_H

#include <stdint.h>

uint64_t fd_budget_raise(void);
uint64_t fd_budget(void);
void fd_budget_log(void);

#endif /* VIOSWITCH_FD_BUDGET_H */
