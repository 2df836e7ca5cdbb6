// SPDX-License-Identifier: BSD-3-Clause
/* feature.c - the list of features registered with the daemon (feature.h) */
#include "feature.h"

#include <string.h>

static struct ctl_feature *features;

/**
 * ctl_feature_register() - add a feature; called when the program loads
 * @f:		the feature, which stays registered for the process's life
 */
void ctl_feature_register(struct ctl_feature *f)
{
	struct ctl_feature **tail = &features;

	while (*tail)
		tail = &(*tail)->next;
	f->next = NULL;
	*tail = f;
}

/**
 * ctl_features() - the first registered feature
 *
 * Return: feature, or NULL when none is registered
 */
struct ctl_feature *ctl_features(void)
{
	return features;
}

/**
 * ctl_feature_cmd() - look up a control command of some feature
 * @name:	the request's "cmd"
 *
 * Return: the command, or NULL
 */
const struct ctl_cmd *ctl_feature_cmd(const char *name)
{
	CTL_FEATURE_FOREACH(f)
	{
		for (const struct ctl_cmd *c = f->cmds; c && c->name; c++) {
			if (!strcmp(c->name, name))
				return c;
		}
	}
	return NULL;
}
