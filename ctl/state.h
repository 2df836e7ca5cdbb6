/* SPDX-License-Identifier: BSD-3-Clause */
/* state.h - the state file: what changed at run time survives a restart */
#ifndef VIOSWITCH_STATE_H
#define VIOSWITCH_STATE_H

#include <stddef.h>

struct options;

void state_default_path(char *path, size_t len);
int state_value_check(const char *name, const char *value, char *err,
		      size_t errlen);
int state_start(const struct options *o);
void state_note_port(const char *id, const char *spec);
void state_changed(void);
int state_config_text(char **text, size_t *len);

#endif /* VIOSWITCH_STATE_H */
