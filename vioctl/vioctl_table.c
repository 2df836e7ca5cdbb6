// SPDX-License-Identifier: BSD-3-Clause
/* vioctl_table.c - vioctl: tables, "label: value" blocks, reply checks
 *
 * Shared by the printers (vioctl_print.c, capture_cli.c). Tables are
 * left-aligned, two spaces between columns, no trailing blanks.
 */
#include "vioctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELD_WIDTH 12

/**
 * vioctl_bad() - describe a malformed result
 * @r:		reply, whose @err is set
 * @fmt:	description, printf-style
 *
 * Return: -EBADMSG
 */
int vioctl_bad(struct vioctl_reply *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/**
 * vioctl_items_check() - check that the result is a list of well-formed items
 * @r:		reply
 * @unpack:	unpack one item into @scratch, or fill @jerr and fail
 * @scratch:	storage for @unpack
 *
 * Return: 0, or -EBADMSG naming the first bad item in @r->err
 */
int vioctl_items_check(struct vioctl_reply *r,
		       int (*unpack)(json_t *item, void *out,
				     json_error_t *jerr),
		       void *scratch)
{
	json_error_t jerr;

	if (!json_is_array(r->result))
		return vioctl_bad(r, "result is not a list");
	for (size_t i = 0; i < json_array_size(r->result); i++) {
		if (unpack(json_array_get(r->result, i), scratch, &jerr))
			return vioctl_bad(r, "item %zu: %s", i, jerr.text);
	}
	return 0;
}

/**
 * vioctl_table_row() - append a row
 * @t:		table
 * @cells:	@t->cols cell texts, copied
 *
 * Return: 0 or -ENOMEM
 */
int vioctl_table_row(struct vioctl_table *t, const char *const *cells)
{
	size_t cap = t->cap ? t->cap * 2 : 16;
	char **p, **row;

	if (t->rows == t->cap) {
		p = reallocarray(t->cells, cap * t->cols, sizeof(*p));
		if (!p)
			return -ENOMEM;
		t->cells = p;
		t->cap = cap;
	}
	row = t->cells + t->rows * t->cols;
	for (unsigned int c = 0; c < t->cols; c++) {
		row[c] = strdup(cells[c]);
		if (!row[c]) {
			while (c--)
				free(row[c]);
			return -ENOMEM;
		}
	}
	t->rows++;
	return 0;
}

/**
 * vioctl_table_init() - start a table with its header row
 * @t:		table
 * @cols:	columns, at most VIOCTL_TABLE_MAX_COLS
 * @head:	@cols column titles
 *
 * Return: 0 or -ENOMEM
 */
int vioctl_table_init(struct vioctl_table *t, unsigned int cols,
		      const char *const *head)
{
	t->cols = cols;
	t->rows = 0;
	t->cap = 0;
	t->cells = NULL;
	return vioctl_table_row(t, head);
}

/**
 * vioctl_table_free() - free the cells of a table; accepts an empty table
 * @t:		table
 */
void vioctl_table_free(struct vioctl_table *t)
{
	for (size_t i = 0; i < t->rows * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->rows = t->cap = 0;
}

/**
 * table_print_row() - print one row padded to the column widths
 * @t:		table
 * @row:	cells of the row
 * @width:	width of each column
 */
static void table_print_row(const struct vioctl_table *t, char *const *row,
			    const int *width)
{
	unsigned int last = t->cols - 1;

	while (last && !*row[last])
		last--;
	for (unsigned int c = 0; c < last; c++)
		printf("%-*s  ", width[c], row[c]);
	printf("%s\n", row[last]);
}

/**
 * vioctl_table_print() - print a table, columns as wide as their widest cell
 * @t:		table
 */
void vioctl_table_print(const struct vioctl_table *t)
{
	int width[VIOCTL_TABLE_MAX_COLS] = { 0 };

	for (size_t i = 0; i < t->rows; i++) {
		for (unsigned int c = 0; c < t->cols; c++) {
			int w = (int)strlen(t->cells[i * t->cols + c]);

			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t i = 0; i < t->rows; i++)
		table_print_row(t, t->cells + i * t->cols, width);
}

/**
 * vioctl_field_label() - start an indented "label: " line of a block
 * @label:	label, without colon
 */
void vioctl_field_label(const char *label)
{
	printf("  %s:%*s", label, (int)(FIELD_WIDTH - strlen(label)), "");
}

/**
 * vioctl_field() - print one indented "label: value" line of a block
 * @label:	label, without colon
 * @fmt:	value, printf-style
 */
void vioctl_field(const char *label, const char *fmt, ...)
{
	va_list ap;

	vioctl_field_label(label);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}
