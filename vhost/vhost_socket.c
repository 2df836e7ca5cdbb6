// SPDX-License-Identifier: BSD-3-Clause
/* vhost_socket.c - who may connect to a vhost-user port's socket
 *
 * Theory of operation
 * -------------------
 * A VM connects to the socket a server port creates, as the user its QEMU
 * runs as: libvirt runs QEMU as libvirt-qemu (groups kvm and
 * libvirt-qemu on Debian), a user's own QEMU runs as that user. The socket
 * is made by rte_vhost with the switch's umask; once it exists it gets
 * mode= (default 0660), and owner= and group= when given. When the switch
 * runs as root and no group= is given, the group is kvm where that group
 * exists: Debian's libvirt-qemu belongs to it, and a user who runs QEMU
 * with /dev/kvm is normally in it too, so both can connect, and nobody
 * else. The socket's owner and group are set without following a symlink.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "vhost_port.h"

/**
 * parse_id() - a user or group, by name or number
 * @key:	"owner" or "group", for the message
 * @text:	name or decimal id
 * @group:	look up a group (else a user)
 * @out:	the id
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int parse_id(const char *key, const char *text, bool group,
		    unsigned int *out, char *err, size_t errlen)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (*text && !*end && !errno && v < (unsigned long)(unsigned int)-1) {
		*out = (unsigned int)v;
		return 0;
	}
	if (group) {
		struct group *g = getgrnam(text);

		if (g) {
			*out = g->gr_gid;
			return 0;
		}
	} else {
		struct passwd *p = getpwnam(text);

		if (p) {
			*out = p->pw_uid;
			return 0;
		}
	}
	snprintf(err, errlen, "%s=%s: no such %s", key, text,
		 group ? "group" : "user");
	return -EINVAL;
}

/**
 * vhost_socket_parse() - the owner=, group= and mode= of a server port's
 * socket, and the default group (see the top of this file)
 * @vp:		port
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message naming the key
 */
int vhost_socket_parse(struct vhost_port *vp, const struct netdev *nd,
		       char *err, size_t errlen)
{
	const char *owner = netdev_get(nd, "owner");
	const char *group = netdev_get(nd, "group");
	const char *mode = netdev_get(nd, "mode");
	struct group *g;
	unsigned int id;
	char *end;

	vp->sock_uid = vp->sock_gid = -1;
	vp->sock_mode = 0660;
	if (mode) {
		unsigned long m = strtoul(mode, &end, 8);

		if (!*mode || *end || m > 0777) {
			snprintf(err, errlen,
				 "mode=%s: expected an octal mode such as "
				 "0660",
				 mode);
			return -EINVAL;
		}
		vp->sock_mode = (unsigned int)m;
	}
	if (owner) {
		if (parse_id("owner", owner, false, &id, err, errlen))
			return -EINVAL;
		vp->sock_uid = (int)id;
	}
	if (group) {
		if (parse_id("group", group, true, &id, err, errlen))
			return -EINVAL;
		vp->sock_gid = (int)id;
	} else if (!geteuid() && (g = getgrnam(VHOST_DEFAULT_GROUP))) {
		vp->sock_gid = (int)g->gr_gid;
	}
	return 0;
}

/**
 * vhost_socket_own() - give the socket a server port made its owner, group
 * and mode; a failure is logged, and the port keeps working for whoever
 * may connect
 * @vp:		port, its socket created
 */
void vhost_socket_own(const struct vhost_port *vp)
{
	if (!vp->server)
		return;
	if ((vp->sock_uid >= 0 || vp->sock_gid >= 0) &&
	    lchown(vp->path, (uid_t)vp->sock_uid, (gid_t)vp->sock_gid))
		log_warn("port %s: cannot give %s to %d:%d: %s", vp->port.id,
			 vp->path, vp->sock_uid, vp->sock_gid, strerror(errno));
	if (chmod(vp->path, vp->sock_mode))
		log_warn("port %s: chmod %s %04o: %s", vp->port.id, vp->path,
			 vp->sock_mode, strerror(errno));
}
