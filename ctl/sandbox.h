/* SPDX-License-Identifier: BSD-3-Clause */
/* sandbox.h - least privilege: capabilities, --user, NoNewPrivs, seccomp */
#ifndef VIOSWITCH_SANDBOX_H
#define VIOSWITCH_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * enum sandbox_mode - what --sandbox asked for
 * @SANDBOX_ON:		drop capabilities, NoNewPrivs, seccomp allow-lists
 *			whose violation kills the process (default)
 * @SANDBOX_OFF:	none of it (--user still switches the user)
 * @SANDBOX_LOG:	as on, but a system call outside the lists is allowed
 *			and logged by the kernel (finding missing entries)
 */
enum sandbox_mode {
	SANDBOX_ON,
	SANDBOX_OFF,
	SANDBOX_LOG,
};

#define SANDBOX_USER_MAX 64 /* bytes of a --user value, including NUL */

/**
 * struct sandbox_opts - the sandbox's options
 * @mode:	--sandbox
 * @user:	--user NAME[:GROUP] as given, "" for none
 * @uid:	the user's uid
 * @gid:	GROUP's gid, else the user's primary group
 */
struct sandbox_opts {
	enum sandbox_mode mode;
	char user[SANDBOX_USER_MAX];
	uid_t uid;
	gid_t gid;
};

int sandbox_mode_parse(const char *text, enum sandbox_mode *mode);
int sandbox_user_parse(const char *text, struct sandbox_opts *so, char *err,
		       size_t errlen);
int sandbox_apply(const struct sandbox_opts *so, const char *const *paths,
		  unsigned int n_paths, char *err, size_t errlen);
void sandbox_sweep(void);

#endif /* VIOSWITCH_SANDBOX_H */
