// SPDX-License-Identifier: BSD-3-Clause
/* run_dir.c - where the switch's sockets live by default: one rule for
 * vioswitch and vioctl
 *
 * Theory of operation
 * -------------------
 * Root's switch keeps its control socket and the vhost-user sockets of the
 * embedded default in /run/vioswitch, as a system service does (systemd's
 * RuntimeDirectory=). Anyone else's lives in $XDG_RUNTIME_DIR/vioswitch,
 * created mode 0700, as rootless podman and pasta keep theirs in the
 * user's runtime directory: private to the user, on a tmpfs, removed at
 * logout. The XDG Base Directory specification asks to ignore a relative
 * $XDG_RUNTIME_DIR.
 *
 * Without $XDG_RUNTIME_DIR (su, sudo -u, a cron job), the directory
 * pam_systemd would have named is used when it exists and is the user's
 * own: /run/user/UID, as podman falls back to it. Past that the rule
 * fails with a message saying what to set. It does not fall back to /tmp
 * as podman's last resort does: there another user can create the
 * predictable directory first, and a vhost-user socket there would reach
 * a VM's memory. --ctl and path= still name any socket explicitly.
 *
 * vioctl uses the same rule (as its own user), so `vioctl port list`
 * finds the switch its user started without --ctl.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "protocol.h"

/**
 * own_dir() - is @path a directory (not a symlink) owned by our user?
 * @path:	path
 *
 * Return: true if so
 */
static bool own_dir(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && S_ISDIR(st.st_mode) &&
	       st.st_uid == geteuid();
}

/**
 * ctl_run_dir() - the directory of the default sockets (see the top of
 * this file): /run/vioswitch for root, $XDG_RUNTIME_DIR/vioswitch or
 * /run/user/UID/vioswitch for anyone else
 * @buf:	result
 * @len:	its size
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -ENOENT / -ENAMETOOLONG with a message saying what to set
 */
int ctl_run_dir(char *buf, size_t len, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char user_dir[64];
	int n;

	if (!geteuid()) {
		n = snprintf(buf, len, "%s", CTL_RUN_DIR_ROOT);
	} else if (xdg && xdg[0] == '/') {
		n = snprintf(buf, len, "%s/%s", xdg, CTL_RUN_DIR_NAME);
	} else {
		snprintf(user_dir, sizeof(user_dir), "/run/user/%u",
			 (unsigned int)geteuid());
		if (!own_dir(user_dir)) {
			snprintf(err, errlen,
				 "XDG_RUNTIME_DIR is %s and %s is not a "
				 "directory of yours: set XDG_RUNTIME_DIR to "
				 "a private directory (mode 0700), or name "
				 "the sockets (--ctl PATH, path=)",
				 xdg ? "not absolute" : "not set", user_dir);
			return -ENOENT;
		}
		n = snprintf(buf, len, "%s/%s", user_dir, CTL_RUN_DIR_NAME);
	}
	if (n < 0 || (size_t)n >= len) {
		snprintf(err, errlen, "XDG_RUNTIME_DIR is too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

/**
 * ctl_run_path() - the default path of socket @name: ctl_run_dir()/@name
 * @name:	file name, e.g. CTL_SOCK_NAME
 * @buf:	result
 * @len:	its size
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
int ctl_run_path(const char *name, char *buf, size_t len, char *err,
		 size_t errlen)
{
	size_t n;
	int rc = ctl_run_dir(buf, len, err, errlen);

	if (rc)
		return rc;
	n = strlen(buf);
	if ((size_t)snprintf(buf + n, len - n, "/%s", name) >= len - n) {
		snprintf(err, errlen, "%s/%s: path too long", buf, name);
		return -ENAMETOOLONG;
	}
	return 0;
}

/**
 * ctl_run_dir_make() - create the directory of the default sockets if
 * missing: 0700 for a user, 0755 for root (a VM's QEMU, another user,
 * reaches root's vhost-user sockets through it; each socket has its own
 * mode). A user's existing one must be its own directory, not a symlink;
 * root's may belong to the --user it hands the sockets to
 * (`install -d -o NAME /run/vioswitch`)
 * @dir:	ctl_run_dir()'s result
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
int ctl_run_dir_make(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	bool ok;

	if (mkdir(dir, geteuid() ? 0700 : 0755) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir,
			 strerror(errno));
		return -errno;
	}
	if (geteuid())
		ok = own_dir(dir);
	else
		ok = !stat(dir, &st) && S_ISDIR(st.st_mode);
	if (!ok) {
		snprintf(err, errlen, "%s is not a directory%s", dir,
			 geteuid() ? " of yours" : "");
		return -ENOTDIR;
	}
	return 0;
}
