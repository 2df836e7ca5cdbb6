// SPDX-License-Identifier: BSD-3-Clause
/* vhost_events.c - rte_vhost callbacks of vhost-user ports
 *
 * Theory of operation
 * -------------------
 * rte_vhost runs the vhost-user protocol on its own thread and calls these
 * callbacks there (or on the control thread, when a port is removed). They
 * only publish state the datapath reads - the device id, negotiated
 * features, the capabilities they imply, enabled vrings, the guest's kick
 * fds - and log what changed. A detach unpublishes the device id and waits
 * for an RCU grace period before returning, because rte_vhost unmaps the
 * guest's memory right after destroy_device returns.
 *
 * Ports are found by socket path in a small registry, the one piece of
 * state shared with the control thread; a mutex guards it.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <rte_vhost.h>

#include "log.h"
#include "vhost_port.h"
#include "vswitch.h"

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vhost_port *registry[PORT_TABLE_MAX];

/**
 * vhost_port_by_path() - find the port serving a socket path
 * @path:	socket path
 *
 * Return: port, or NULL
 */
struct vhost_port *vhost_port_by_path(const char *path)
{
	struct vhost_port *vp = NULL;

	pthread_mutex_lock(&registry_lock);
	for (unsigned int i = 0; i < PORT_TABLE_MAX && !vp; i++) {
		if (registry[i] && !strcmp(registry[i]->path, path))
			vp = registry[i];
	}
	pthread_mutex_unlock(&registry_lock);
	return vp;
}

/**
 * port_of_vid() - the port a device id belongs to
 * @vid:	rte_vhost device id
 *
 * Return: port, or NULL
 */
static struct vhost_port *port_of_vid(int vid)
{
	char path[VHOST_PATH_MAX];

	if (rte_vhost_get_ifname(vid, path, sizeof(path)))
		return NULL;
	return vhost_port_by_path(path);
}

/**
 * watch_kicks() - put the guest's kick fds into the queues' epoll sets
 * @vp:		port
 * @vid:	device id
 */
static void watch_kicks(struct vhost_port *vp, int vid)
{
	for (uint16_t q = 0; q < vp->queues; q++) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct rte_vhost_vring vr;

		if (rte_vhost_get_vhost_vring(vid, 2 * q + 1, &vr) ||
		    vr.kickfd < 0)
			continue;
		vp->kickfd[q] = vr.kickfd;
		if (epoll_ctl(vp->qep[q], EPOLL_CTL_ADD, vr.kickfd, &ev))
			log_warn("port %s: cannot watch kicks of queue %u: %s",
				 vp->port.id, q, strerror(errno));
	}
}

/**
 * unwatch_kicks() - take the kick fds out of the queues' epoll sets
 * @vp:		port, its device already unpublished
 */
static void unwatch_kicks(struct vhost_port *vp)
{
	for (uint16_t q = 0; q < vp->queues; q++) {
		if (vp->kickfd[q] >= 0)
			epoll_ctl(vp->qep[q], EPOLL_CTL_DEL, vp->kickfd[q],
				  NULL);
		vp->kickfd[q] = -1;
	}
}

/**
 * on_new_device() - a guest's virtio-net device is ready
 * @vid:	device id
 *
 * Return: 0, or -1 to refuse it
 */
static int on_new_device(int vid)
{
	struct vhost_port *vp = port_of_vid(vid);
	uint32_t max_frame;
	uint64_t features;

	if (!vp || rte_vhost_get_negotiated_features(vid, &features))
		return -1;
	vp->features = features;
	__atomic_store_n(&vp->port.caps,
			 vhost_features_caps(features, &max_frame),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&vp->port.max_frame, max_frame, __ATOMIC_RELAXED);
	watch_kicks(vp, vid);
	for (uint16_t q = 0; q < vp->queues; q++) {
		/* The guest's receive rings: rte_vhost never waits for
		 * buffers, so a kick there is a wasted syscall per refill. */
		rte_vhost_enable_guest_notification(vid, 2 * q, 0);
		/* Its transmit rings keep their kicks until polled, so a
		 * sleeping PMD wakes for the first frame. */
		vp->kicks[q] = true;
	}
	vp->connects++;
	vp->peer_waiting = false;
	vhost_features_log(vp);
	vhost_mtu_attach(vp, vid);
	__atomic_store_n(&vp->vid, vid, __ATOMIC_RELEASE);
	return 0;
}

/**
 * on_destroy_device() - the guest's device goes away
 * @vid:	device id
 */
static void on_destroy_device(int vid)
{
	struct vhost_port *vp = port_of_vid(vid);

	if (!vp || __atomic_load_n(&vp->vid, __ATOMIC_ACQUIRE) != vid)
		return;
	__atomic_store_n(&vp->vid, -1, __ATOMIC_RELEASE);
	vswitch_sync();
	unwatch_kicks(vp);
	__atomic_store_n(&vp->vring_enabled, 0, __ATOMIC_RELEASE);
	vp->disconnects++;
	log_info("port %s: guest detached from %s", vp->port.id, vp->path);
}

/**
 * on_vring_state_changed() - the guest enabled or disabled a vring
 * @vid:	device id
 * @vring:	vring index (2q: guest receive, 2q+1: guest transmit)
 * @enable:	new state
 *
 * Return: 0
 */
static int on_vring_state_changed(int vid, uint16_t vring, int enable)
{
	struct vhost_port *vp = port_of_vid(vid);

	if (!vp || vring >= 64)
		return 0;
	if (enable)
		__atomic_fetch_or(&vp->vring_enabled, 1ULL << vring,
				  __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(&vp->vring_enabled, ~(1ULL << vring),
				   __ATOMIC_RELEASE);
	log_debug("port %s: vring %u %s", vp->port.id, vring,
		  enable ? "enabled" : "disabled");
	return 0;
}

/**
 * on_features_changed() - features changed on a running device (logging
 * for live migration); nothing the switch depends on changes
 * @vid:	device id
 * @features:	new features
 *
 * Return: 0
 */
static int on_features_changed(int vid, uint64_t features)
{
	struct vhost_port *vp = port_of_vid(vid);

	if (vp)
		log_info("port %s: guest features changed to %#llx",
			 vp->port.id, (unsigned long long)features);
	return 0;
}

/**
 * on_new_connection() - a peer connected to the socket (or the switch to
 * QEMU's); its device is not ready until it set up its rings
 * @vid:	device id
 *
 * Return: 0
 */
static int on_new_connection(int vid)
{
	struct vhost_port *vp = port_of_vid(vid);

	if (vp)
		vp->peer_waiting = true;
	return 0;
}

/**
 * on_destroy_connection() - the peer's connection closed; one that closes
 * before its device was ready gets a line with the likely reasons
 * @vid:	device id
 */
static void on_destroy_connection(int vid)
{
	struct vhost_port *vp = port_of_vid(vid);

	if (!vp || !vp->peer_waiting)
		return;
	vp->peer_waiting = false;
	log_warn("port %s: a peer on %s left before its virtio-net device was "
		 "ready; likely: guest memory not shared (QEMU needs a "
		 "memory-backend with share=on), QEMU exited (under TCG give "
		 "virtio-net-pci vectors=0), or QEMU refused a feature (see "
		 "its log)",
		 vp->port.id, vp->path);
}

static const struct rte_vhost_device_ops vhost_ops = {
	.new_device = on_new_device,
	.destroy_device = on_destroy_device,
	.vring_state_changed = on_vring_state_changed,
	.features_changed = on_features_changed,
	.new_connection = on_new_connection,
	.destroy_connection = on_destroy_connection,
};

/**
 * registry_set() - add @vp to the registry, or remove it
 * @vp:		port
 * @add:	true to add
 *
 * Return: 0, or -ENOSPC
 */
static int registry_set(struct vhost_port *vp, bool add)
{
	int rc = add ? -ENOSPC : 0;

	pthread_mutex_lock(&registry_lock);
	for (unsigned int i = 0; i < PORT_TABLE_MAX; i++) {
		if (add && !registry[i]) {
			registry[i] = vp;
			rc = 0;
			break;
		}
		if (!add && registry[i] == vp)
			registry[i] = NULL;
	}
	pthread_mutex_unlock(&registry_lock);
	return rc;
}

/**
 * vhost_events_register() - route @vp's rte_vhost callbacks and start its
 * socket (listening, or connecting to QEMU)
 * @vp:		port registered with rte_vhost_driver_register()
 *
 * Return: 0, or -errno
 */
int vhost_events_register(struct vhost_port *vp)
{
	if (registry_set(vp, true))
		return -ENOSPC;
	if (rte_vhost_driver_callback_register(vp->path, &vhost_ops) ||
	    rte_vhost_driver_start(vp->path)) {
		registry_set(vp, false);
		return -EIO;
	}
	return 0;
}

/**
 * vhost_events_unregister() - stop @vp's socket and detach its guest; no
 * callback runs for it afterwards
 * @vp:		port
 */
void vhost_events_unregister(struct vhost_port *vp)
{
	for (int tries = 0; vp->registered && tries < 200; tries++) {
		if (!rte_vhost_driver_unregister(vp->path)) {
			vp->registered = false;
			break;
		}
		usleep(10000); /* a callback of this port is running */
	}
	if (vp->registered)
		log_warn("port %s: rte_vhost would not release %s", vp->port.id,
			 vp->path);
	registry_set(vp, false);
}
