/* SPDX-License-Identifier: BSD-3-Clause */
/* clock.h - the monotonic and wall clocks in nanoseconds
 *
 * The datapath measures with the TSC; threads that sleep, time out or
 * stamp records read these instead: monotonic for intervals and
 * deadlines, wall clock for timestamps a user reads.
 */
#ifndef VIOSWITCH_CLOCK_H
#define VIOSWITCH_CLOCK_H

#include <stdint.h>
#include <time.h>

#ifdef VIOSWITCH_FUZZ_CLOCK
/* Fuzz builds only (tests/fuzz/fuzz_nat.c): moved forward by the target,
 * added to the monotonic clock, so timers come due without waiting. */
extern int64_t clock_fuzz_skew_ns;
#define CLOCK_SKEW_NS clock_fuzz_skew_ns
#else
#define CLOCK_SKEW_NS 0
#endif

/**
 * clock_mono_ns() - CLOCK_MONOTONIC in nanoseconds
 *
 * Return: time
 */
static inline int64_t clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec + CLOCK_SKEW_NS;
}

/**
 * clock_wall_ns() - the wall clock in nanoseconds since the epoch
 *
 * Return: time
 */
static inline uint64_t clock_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif /* VIOSWITCH_CLOCK_H */
