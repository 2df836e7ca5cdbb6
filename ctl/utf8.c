// SPDX-License-Identifier: BSD-3-Clause
/* utf8.c - error text that is always valid UTF-8, cut on character
 * boundaries
 *
 * jansson refuses to encode a string that is not valid UTF-8, so an error
 * message cut in the middle of a multibyte character (snprintf() into a
 * fixed buffer, "%.64s" of a user's text) would leave the client without
 * any answer. Every piece of error text goes through here:
 * - utf8_cut() gives the longest prefix of at most @max bytes that ends on
 *   a character boundary, for "%.*s";
 * - utf8_fix() makes a finished string valid: a sequence cut at the end is
 *   dropped, any other invalid byte becomes '?';
 * - utf8_snprintf() is snprintf() followed by utf8_fix().
 * Validity is jansson's (RFC 3629): no overlong forms, no surrogates,
 * nothing above U+10FFFF. No library offers this without a locale
 * (mbrtowc() depends on LC_CTYPE), so it is written out here.
 */
#include "utf8.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/**
 * seq_need() - length of the sequence a lead byte starts
 * @c:		lead byte
 *
 * Return: 1 to 4, or 0 when @c cannot start a character
 */
static unsigned int seq_need(uint8_t c)
{
	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0; /* continuation byte, or overlong 2-byte lead */
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	if (c < 0xf5)
		return 4;
	return 0;
}

/**
 * second_ok() - is @c allowed right after lead byte @lead?
 * @lead:	lead byte of a 3- or 4-byte sequence (any for others)
 * @c:		the byte after it
 *
 * The ranges that rule out overlong forms, surrogates and code points
 * above U+10FFFF (RFC 3629, section 4).
 *
 * Return: true if it is
 */
static bool second_ok(uint8_t lead, uint8_t c)
{
	if (lead == 0xe0)
		return c >= 0xa0 && c <= 0xbf;
	if (lead == 0xed)
		return c >= 0x80 && c <= 0x9f;
	if (lead == 0xf0)
		return c >= 0x90 && c <= 0xbf;
	if (lead == 0xf4)
		return c >= 0x80 && c <= 0x8f;
	return c >= 0x80 && c <= 0xbf;
}

/**
 * seq_scan() - look at the character starting at @s
 * @s:		NUL-terminated text
 * @have:	set to the bytes that belong to it so far (at least 1)
 *
 * Return: its length when it is a valid character, 0 otherwise
 */
static unsigned int seq_scan(const char *s, unsigned int *have)
{
	const uint8_t *u = (const uint8_t *)s;
	unsigned int need = seq_need(u[0]);

	*have = 1;
	if (need <= 1)
		return need;
	if (!second_ok(u[0], u[1]))
		return 0;
	for (*have = 2; *have < need; (*have)++) {
		if (u[*have] < 0x80 || u[*have] > 0xbf)
			return 0;
	}
	return need;
}

/**
 * utf8_cut() - where to cut @s so that at most @max bytes remain, on a
 * character boundary
 * @s:		NUL-terminated text
 * @max:	most bytes to keep
 *
 * An invalid byte counts as a character of its own (utf8_fix() replaces
 * it).
 *
 * Return: bytes to keep, at most @max and at most strlen(@s)
 */
size_t utf8_cut(const char *s, size_t max)
{
	size_t i = 0;

	while (i < max && s[i]) {
		unsigned int have, n = seq_scan(s + i, &have);

		if (!n)
			n = 1;
		if (n > max - i)
			break;
		i += n;
	}
	return i;
}

/**
 * utf8_fix() - make @s valid UTF-8 in place: drop a character cut at the
 * end, replace every other invalid byte with '?'
 * @s:		NUL-terminated text
 *
 * Return: its length afterwards
 */
size_t utf8_fix(char *s)
{
	size_t i = 0;

	while (s[i]) {
		unsigned int have, n = seq_scan(s + i, &have);

		if (n) {
			i += n;
			continue;
		}
		if (have > 1 && !s[i + have]) {
			s[i] = '\0'; /* a character cut by truncation */
			break;
		}
		if (have == 1 && seq_need((uint8_t)s[i]) > 1 && !s[i + 1]) {
			s[i] = '\0'; /* a lone lead byte at the end */
			break;
		}
		s[i++] = '?';
	}
	return i;
}

/**
 * utf8_snprintf() - snprintf() whose result is valid UTF-8, truncated on a
 * character boundary
 * @buf:	output
 * @size:	its size
 * @fmt:	format
 *
 * Return: length of the text in @buf
 */
int utf8_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!size)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (int)utf8_fix(buf);
}
