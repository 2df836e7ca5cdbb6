/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_sandbox.h - fuzz targets refuse to run outside tests/fuzz/sandbox.sh,
 * and what else they share
 */
#ifndef VIOSWITCH_FUZZ_SANDBOX_H
#define VIOSWITCH_FUZZ_SANDBOX_H

#include <stdbool.h>

void fuzz_sandbox_require(const char *target, bool files);
void fuzz_remove_at_exit(const char *dir);
bool fuzz_start(const char *target, bool files, const char *lcores);

#endif /* VIOSWITCH_FUZZ_SANDBOX_H */
