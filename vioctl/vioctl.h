/* SPDX-License-Identifier: BSD-3-Clause */
/* vioctl.h - vioctl: the printers that turn a control reply into text
 *
 * vioctl.c speaks the control protocol (doc/control-protocol.md) and hands
 * each successful reply to the printer of its command, in vioctl_print.c.
 * A printer checks the shape of the result before it prints anything, so a
 * malformed reply never leaves half a table on stdout.
 */
#ifndef VIOSWITCH_VIOCTL_H
#define VIOSWITCH_VIOCTL_H

#include <stdbool.h>

#include <jansson.h>

#include "protocol.h"

#define VIOCTL_ERR_MAX 256

enum vioctl_exit {
	VIOCTL_EXIT_OK = 0,
	VIOCTL_EXIT_SWITCH = 1,
	VIOCTL_EXIT_USAGE = 2,
	VIOCTL_EXIT_NO_REPLY = 3,
};

/**
 * struct vioctl_opts - parsed global options
 * @ctl:	control socket path
 * @json:	print the result as JSON
 * @timeout:	seconds allowed for the whole exchange
 */
struct vioctl_opts {
	const char *ctl;
	bool json;
	double timeout;
};

/**
 * struct vioctl_cmd - one command of the command line
 * @group:	first word ("port", "fdb", "stats", ...)
 * @sub:	second word, or NULL for one-word commands
 * @name:	protocol "cmd"
 * @min_args:	fewest arguments after the command words
 * @max_args:	most arguments after the command words
 * @build:	add the arguments to the request, exiting on a usage error;
 *		NULL for commands without arguments
 * @print:	print the result for humans
 * @usage:	synopsis, for help and usage errors
 * @follow:	after a successful reply was printed, go on with it (e.g.
 *		stream a capture); NULL for most commands. Return: exit status
 */
struct vioctl_reply;
struct vioctl_cmd {
	const char *group;
	const char *sub;
	const char *name;
	int min_args;
	int max_args;
	void (*build)(const struct vioctl_cmd *cmd, json_t *req, char **args,
		      int n);
	int (*print)(struct vioctl_reply *r);
	const char *usage;
	int (*follow)(const struct vioctl_opts *o, struct vioctl_reply *r);
};

/**
 * struct vioctl_cmd_group - commands a feature adds to vioctl
 * @cmds:	the commands, in the order "vioctl help" lists them
 * @n:		how many
 * @next:	next group (vioctl.c)
 */
struct vioctl_cmd_group {
	const struct vioctl_cmd *cmds;
	size_t n;
	struct vioctl_cmd_group *next;
};

/**
 * struct vioctl_reply - a successful reply, with the request it answers
 * @req:	the request that was sent
 * @result:	the reply's "result" member
 * @err:	a printer that cannot read @result says why here
 */
struct vioctl_reply {
	json_t *req;
	json_t *result;
	char err[VIOCTL_ERR_MAX];
};

#define VIOCTL_TABLE_MAX_COLS 10

/**
 * struct vioctl_table - rows of text cells, the first row being the header
 * @cols:	cells per row
 * @rows:	rows filled
 * @cap:	rows allocated
 * @cells:	@rows * @cols copies of the cell texts
 */
struct vioctl_table {
	unsigned int cols;
	size_t rows;
	size_t cap;
	char **cells;
};

void vioctl_usage_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
int vioctl_request(const struct vioctl_opts *o, const json_t *req,
		   json_t **result);
void vioctl_cmds_register(struct vioctl_cmd_group *g);

/* A descriptor to pass with the request (SCM_RIGHTS), or -1: a command's
 * build step sets it (capture start's own file); "stream": true passes
 * stdout instead. */
extern int vioctl_pass_fd;

int vioctl_bad(struct vioctl_reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vioctl_items_check(struct vioctl_reply *r,
		       int (*unpack)(json_t *item, void *out,
				     json_error_t *jerr),
		       void *scratch);
int vioctl_table_init(struct vioctl_table *t, unsigned int cols,
		      const char *const *head);
int vioctl_table_row(struct vioctl_table *t, const char *const *cells);
void vioctl_table_print(const struct vioctl_table *t);
void vioctl_table_free(struct vioctl_table *t);
void vioctl_field_label(const char *label);
void vioctl_field(const char *label, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Every printer returns 0, -EBADMSG if @r->result is not shaped as the
 * protocol says (@r->err tells how), or -ENOMEM.
 */
int vioctl_print_version(struct vioctl_reply *r);
int vioctl_print_config(struct vioctl_reply *r);
int vioctl_print_ports(struct vioctl_reply *r);
int vioctl_print_port_added(struct vioctl_reply *r);
int vioctl_print_port_removed(struct vioctl_reply *r);
int vioctl_print_fdb(struct vioctl_reply *r);
int vioctl_print_flushed(struct vioctl_reply *r);
int vioctl_print_ok(struct vioctl_reply *r);
int vioctl_print_hostfwd(struct vioctl_reply *r);
int vioctl_print_stats(struct vioctl_reply *r);
int vioctl_print_pmds(struct vioctl_reply *r);
int vioctl_print_nat_leases(struct vioctl_reply *r);
int vioctl_print_top(struct vioctl_reply *r);
void vioctl_top_build(const struct vioctl_cmd *cmd, json_t *req, char **args,
		      int n);
int vioctl_top(const struct vioctl_opts *o, struct vioctl_reply *r);
int vioctl_print_nat_leases(struct vioctl_reply *r);

#endif /* VIOSWITCH_VIOCTL_H */
