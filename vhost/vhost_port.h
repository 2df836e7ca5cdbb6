/* SPDX-License-Identifier: BSD-3-Clause */
/* vhost_port.h - vhost-user-net ports: state shared by the port and its
 * rte_vhost callbacks
 */
#ifndef VIOSWITCH_VHOST_PORT_H
#define VIOSWITCH_VHOST_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include "port.h"

#define VHOST_PATH_MAX 108
/* The group of a server port's socket when root gives none (vhost_socket.c) */
#define VHOST_DEFAULT_GROUP "kvm"

/**
 * struct vhost_port - one vhost-user-net port
 * @port:	generic port, first
 * @path:	unix socket path
 * @server:	the switch listens on @path (else it connects to QEMU)
 * @queues:	queue pairs offered
 * @off_features: virtio features turned off by options
 * @vid:	rte_vhost device id while a guest is attached, else -1
 *		(PMD threads read it; callbacks write it)
 * @features:	negotiated virtio features
 * @vring_enabled: bit per vring the guest enabled
 * @qep:	per rx queue: epoll set holding the guest's kick fd, the PMD
 *		thread's wake-up fd for that queue
 * @kickfd:	per rx queue: guest's kick eventfd, -1 when detached
 * @registered:	rte_vhost_driver_register() succeeded
 * @armed:	rx queue q's PMD wants guest notifications (it may sleep)
 * @kicks:	rx queue q's vring has guest notifications on; a new device
 *		starts with them on, its first poll turns them off
 * @connects:	guests attached so far
 * @disconnects: guests detached so far
 * @sock_uid:	owner given to a server's socket, or -1 (vhost_socket.c)
 * @sock_gid:	its group, or -1
 * @sock_mode:	its mode
 * @peer_waiting: a peer connected and its device is not ready yet (the
 *		vhost thread logs why such a peer may leave)
 * @mtu:	mtu= the guest is told (VIRTIO_NET_F_MTU) and held to, 0 for
 *		none (vhost_mtu.c)
 * @guest_mtu:	the MTU QEMU told the attached guest (VHOST_USER_NET_SET_MTU),
 *		0 when the guest was told none
 */
struct vhost_port {
	struct port port;
	char path[VHOST_PATH_MAX];
	bool server;
	uint16_t queues;
	uint64_t off_features;
	int vid;
	uint64_t features;
	uint64_t vring_enabled;
	int qep[PORT_MAX_QUEUES];
	int kickfd[PORT_MAX_QUEUES];
	bool armed[PORT_MAX_QUEUES];
	bool kicks[PORT_MAX_QUEUES];
	bool registered;
	uint64_t connects;
	uint64_t disconnects;
	int sock_uid;
	int sock_gid;
	unsigned int sock_mode;
	bool peer_waiting;
	uint16_t mtu;
	uint16_t guest_mtu;
};

struct vhost_port *vhost_port_by_path(const char *path);
int vhost_events_register(struct vhost_port *vp);
void vhost_events_unregister(struct vhost_port *vp);
void vhost_features_json(uint64_t features, json_t *list);
uint32_t vhost_features_caps(uint64_t features, uint32_t *max_frame);
void vhost_features_log(const struct vhost_port *vp);
int vhost_socket_parse(struct vhost_port *vp, const struct netdev *nd,
		       char *err, size_t errlen);
void vhost_socket_own(const struct vhost_port *vp);
int vhost_mtu_parse(struct vhost_port *vp, const struct netdev *nd, char *err,
		    size_t errlen);
int vhost_mtu_offer(const struct vhost_port *vp, char *err, size_t errlen);
void vhost_mtu_attach(struct vhost_port *vp, int vid);
uint16_t vhost_mtu_police(struct vhost_port *vp, struct rte_mbuf **pkts,
			  uint16_t n);

extern const struct port_kind port_kind_vhost;

#endif /* VIOSWITCH_VHOST_PORT_H */
