/* SPDX-License-Identifier: BSD-3-Clause */
/* telemetry.h - --telemetry on: the counters as DPDK telemetry commands */
#ifndef VIOSWITCH_CTL_TELEMETRY_H
#define VIOSWITCH_CTL_TELEMETRY_H

#include <stdbool.h>

bool telemetry_enabled(void);

#endif /* VIOSWITCH_CTL_TELEMETRY_H */
