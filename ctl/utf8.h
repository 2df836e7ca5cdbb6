/* SPDX-License-Identifier: BSD-3-Clause */
/* utf8.h - error text that is always valid UTF-8, cut on character
 * boundaries
 */
#ifndef VIOSWITCH_UTF8_H
#define VIOSWITCH_UTF8_H

#include <stddef.h>

size_t utf8_cut(const char *s, size_t max);
size_t utf8_fix(char *s);
int utf8_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* VIOSWITCH_UTF8_H */
