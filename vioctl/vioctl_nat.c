// SPDX-License-Identifier: BSD-3-Clause
/* vioctl_nat.c - vioctl: who holds which address behind a NAT, as a table */
#include <errno.h>
#include <stdio.h>

#include "vioctl.h"

/**
 * vioctl_print_nat_leases() - the bindings and offers of NAT ports
 * @r:		reply to "nat-leases": [{nat, ip, mac, port, source,
 *		expires_in}]
 *
 * Return: 0, -EBADMSG or -ENOMEM
 */
int vioctl_print_nat_leases(struct vioctl_reply *r)
{
	static const char *const head[] = { "NAT",  "IP",     "MAC",
					    "PORT", "SOURCE", "EXPIRES" };
	struct vioctl_table t;
	int rc = 0;

	if (!json_is_array(r->result))
		return vioctl_bad(r, "result is not a list");
	if (vioctl_table_init(&t, 6, head))
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(r->result) && !rc; i++) {
		const char *cells[6];
		json_t *exp = NULL;
		json_error_t jerr;
		char e[32];

		if (json_unpack_ex(json_array_get(r->result, i), &jerr, 0,
				   "{s:s,s:s,s:s,s:s,s:s,s:o}", "nat",
				   &cells[0], "ip", &cells[1], "mac", &cells[2],
				   "port", &cells[3], "source", &cells[4],
				   "expires_in", &exp)) {
			vioctl_table_free(&t);
			return vioctl_bad(r, "item %zu: %s", i, jerr.text);
		}
		if (json_is_integer(exp))
			snprintf(e, sizeof(e), "%" JSON_INTEGER_FORMAT " s",
				 json_integer_value(exp));
		else
			snprintf(e, sizeof(e), "never");
		cells[2] = *cells[2] ? cells[2] : "-";
		cells[5] = e;
		rc = vioctl_table_row(&t, cells);
	}
	if (!rc)
		vioctl_table_print(&t);
	vioctl_table_free(&t);
	return rc;
}
