/* SPDX-License-Identifier: BSD-3-Clause */
/* metrics.h - the switch's counters in the Prometheus text format */
#ifndef VIOSWITCH_CTL_METRICS_H
#define VIOSWITCH_CTL_METRICS_H

#include <stddef.h>

/* Content type of the text metrics_prometheus() returns. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

char *metrics_prometheus(size_t *len);

#endif /* VIOSWITCH_CTL_METRICS_H */
