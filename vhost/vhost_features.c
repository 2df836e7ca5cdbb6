// SPDX-License-Identifier: BSD-3-Clause
/* vhost_features.c - virtio-net feature bits: names, and what they let the
 * switch send to the guest
 */
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>

#include "log.h"
#include "vhost_port.h"

#ifndef VIRTIO_RING_F_EVENT_IDX
#define VIRTIO_RING_F_EVENT_IDX 29
#endif
#ifndef VIRTIO_RING_F_INDIRECT_DESC
#define VIRTIO_RING_F_INDIRECT_DESC 28
#endif

static const struct {
	unsigned int bit;
	const char *name;
} feature_names[] = {
	{ VIRTIO_F_VERSION_1, "VERSION_1" },
	{ VIRTIO_NET_F_MRG_RXBUF, "MRG_RXBUF" },
	{ VIRTIO_NET_F_CSUM, "CSUM" },
	{ VIRTIO_NET_F_GUEST_CSUM, "GUEST_CSUM" },
	{ VIRTIO_NET_F_HOST_TSO4, "HOST_TSO4" },
	{ VIRTIO_NET_F_HOST_TSO6, "HOST_TSO6" },
	{ VIRTIO_NET_F_GUEST_TSO4, "GUEST_TSO4" },
	{ VIRTIO_NET_F_GUEST_TSO6, "GUEST_TSO6" },
	{ VIRTIO_NET_F_HOST_UFO, "HOST_UFO" },
	{ VIRTIO_NET_F_GUEST_UFO, "GUEST_UFO" },
	{ VIRTIO_NET_F_GUEST_ECN, "GUEST_ECN" },
	{ VIRTIO_NET_F_HOST_ECN, "HOST_ECN" },
	{ VIRTIO_NET_F_MQ, "MQ" },
	{ VIRTIO_NET_F_CTRL_VQ, "CTRL_VQ" },
	{ VIRTIO_NET_F_CTRL_RX, "CTRL_RX" },
	{ VIRTIO_NET_F_GUEST_ANNOUNCE, "GUEST_ANNOUNCE" },
	{ VIRTIO_NET_F_STATUS, "STATUS" },
	{ VIRTIO_NET_F_MTU, "MTU" },
	{ VIRTIO_RING_F_EVENT_IDX, "EVENT_IDX" },
	{ VIRTIO_RING_F_INDIRECT_DESC, "INDIRECT_DESC" },
	{ VIRTIO_F_RING_PACKED, "RING_PACKED" },
	{ VIRTIO_F_ANY_LAYOUT, "ANY_LAYOUT" },
	{ VIRTIO_F_IN_ORDER, "IN_ORDER" },
	{ VIRTIO_F_ACCESS_PLATFORM, "IOMMU_PLATFORM" },
};

/**
 * vhost_features_json() - append the names of the set feature bits
 * @features:	virtio feature bits
 * @list:	JSON array
 */
void vhost_features_json(uint64_t features, json_t *list)
{
	for (size_t i = 0; i < RTE_DIM(feature_names); i++) {
		if (features & (1ULL << feature_names[i].bit))
			json_array_append_new(
				list, json_string(feature_names[i].name));
	}
}

/**
 * vhost_features_log() - log a port's negotiated features in words, once
 * @vp:		port with a guest attached
 */
void vhost_features_log(const struct vhost_port *vp)
{
	char buf[512];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < RTE_DIM(feature_names); i++) {
		if (!(vp->features & (1ULL << feature_names[i].bit)))
			continue;
		off += (size_t)snprintf(
			buf + off, off < sizeof(buf) ? sizeof(buf) - off : 0,
			" %s", feature_names[i].name);
	}
	log_info("port %s: guest attached on %s, features:%s", vp->port.id,
		 vp->path, buf);
}

/**
 * vhost_features_caps() - what the switch may send to a guest with these
 * features
 * @features:	negotiated virtio feature bits
 * @max_frame:	longest plain frame the guest takes, set
 *
 * Return: PORT_CAP_* bits
 */
uint32_t vhost_features_caps(uint64_t features, uint32_t *max_frame)
{
	uint32_t caps = PORT_CAP_MULTISEG;

	if (features & (1ULL << VIRTIO_NET_F_GUEST_CSUM)) {
		caps |= PORT_CAP_L4_CKSUM;
		if (features & (1ULL << VIRTIO_NET_F_GUEST_TSO4))
			caps |= PORT_CAP_TSO4;
		if (features & (1ULL << VIRTIO_NET_F_GUEST_TSO6))
			caps |= PORT_CAP_TSO6;
		if (features & (1ULL << VIRTIO_NET_F_GUEST_UFO))
			caps |= PORT_CAP_UFO;
	}
	*max_frame = (features & (1ULL << VIRTIO_NET_F_MRG_RXBUF))
			     ? UINT16_MAX
			     : RTE_ETHER_MAX_LEN;
	return caps;
}
