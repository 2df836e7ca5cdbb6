/* SPDX-License-Identifier: BSD-3-Clause */
/* feature.h - features that plug into the daemon: an option, control
 * commands, an event fd, start and stop
 *
 * Theory of operation
 * -------------------
 * A feature folder (capture/) keeps its datapath, control and CLI pieces
 * together and registers one struct ctl_feature when the program loads
 * (RTE_INIT), so the daemon never names it:
 * - options.c accepts its long option (`--capture SPEC`, repeatable) and
 *   checks each value as it is parsed, then once more against the ids of
 *   every --netdev;
 * - main.c starts each value before the ports open (so a capture sees a
 *   port's first frames), checks it again once they are open, tells every
 *   feature once that the switch serves (the ports of the command line
 *   are open, the sandbox is applied, the control socket listens and the
 *   control loop is about to run), and stops the feature at shutdown (or
 *   when the start failed after the control socket was made);
 * - the control loop watches its event fd and calls its event handler
 *   when the fd is readable and once a second;
 * - ctl_cmds.c dispatches its control commands as it does its own;
 * - a feature whose option is part of the running configuration (a
 *   mirror, not a capture) gives @config_add, @config_del and
 *   @config_show: its option is then applied after the ports open, in
 *   order with the other runtime options (`--fdb`, `--hostfwd`), shown by
 *   `vioctl config show` and kept in the state file (ctl/state.c), whose
 *   "OPTION-del VALUE" lines undo a value given on the command line.
 * Every hook is optional.
 */
#ifndef VIOSWITCH_CTL_FEATURE_H
#define VIOSWITCH_CTL_FEATURE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/**
 * struct ctl_cmd - one control command (doc/control-protocol.md)
 * @name:	the request's "cmd"
 * @fn:		handler, on the control thread: returns the reply's
 *		"result", or NULL with at most CTL_ERR_MAX bytes in @err
 * @changes:	it may change the running configuration: the state file
 *		is brought up to date once it succeeded (ctl/state.c)
 */
struct ctl_cmd {
	const char *name;
	json_t *(*fn)(json_t *req, char *err);
	bool changes;
};

/**
 * typedef ctl_config_emit_fn - receive one line of the running
 * configuration
 * @ctx:	the caller's context
 * @value:	the option's value; the option is the feature's @option
 */
typedef void ctl_config_emit_fn(void *ctx, const char *value);

/**
 * struct ctl_feature - what a feature adds to the daemon
 * @name:	feature name, for messages
 * @option:	long option it takes (without dashes), or NULL
 * @option_help: lines for --help, each starting with two spaces
 * @option_check: check one value of @option. @ids, the ids of every
 *		--netdev (@n_ids), is NULL while options are still being
 *		parsed. Return: 0, or -errno with a message in @err
 * @start:	act on one value of @option, before the ports open
 * @ports_ready: check one value of @option once the ports are open
 * @running:	the switch serves: called once, with or without @option,
 *		right before the control loop runs
 * @stop:	stop everything the feature runs (shutdown, or a start that
 *		failed once the control socket existed)
 * @event_fd:	fd the control loop watches, or -1 with errno
 * @event:	@event_fd is readable, or a second passed
 * @changed:	a command that changes the running configuration (its
 *		ctl_cmd's @changes) succeeded: @req asked, @result answered
 * @cmds:	control commands, ending with an entry whose @name is NULL
 * @config_add:	apply one value of @option at run time (after the ports
 *		open). Return: 0, or -errno with a message in @err
 * @config_del:	undo what a value of @option set up (the same value as
 *		@config_show gives). Return: 0, or -errno with a message
 * @config_show: emit, in canonical form, one value of @option for each
 *		thing of the running configuration the feature holds
 * @metrics:	the feature's counters, for ctl/metrics.c: a list of
 *		families {"name": without the vioswitch_ prefix, "type":
 *		"counter" or "gauge", "help", "samples": [{"labels": {name:
 *		string}, "value": number}]}, a new reference, or NULL
 * @next:	next feature (feature.c)
 */
struct ctl_feature {
	const char *name;
	const char *option;
	const char *option_help;
	int (*option_check)(const char *arg, const char *const *ids,
			    unsigned int n_ids, char *err, size_t errlen);
	int (*start)(const char *arg, char *err, size_t errlen);
	int (*ports_ready)(const char *arg, char *err, size_t errlen);
	void (*running)(void);
	void (*stop)(void);
	int (*event_fd)(void);
	void (*event)(void);
	void (*changed)(const struct ctl_cmd *cmd, json_t *req, json_t *result);
	const struct ctl_cmd *cmds;
	int (*config_add)(const char *arg, char *err, size_t errlen);
	int (*config_del)(const char *arg, char *err, size_t errlen);
	void (*config_show)(ctl_config_emit_fn *emit, void *ctx);
	json_t *(*metrics)(void);
	struct ctl_feature *next;
};

void ctl_feature_register(struct ctl_feature *f);
struct ctl_feature *ctl_features(void);
const struct ctl_cmd *ctl_feature_cmd(const char *name);

/* Iterate over the registered features in registration order. */
#define CTL_FEATURE_FOREACH(f)                                                 \
	for (struct ctl_feature *f = ctl_features(); f; f = f->next)

#endif /* VIOSWITCH_CTL_FEATURE_H */
