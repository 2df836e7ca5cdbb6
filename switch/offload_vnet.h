/* SPDX-License-Identifier: BSD-3-Clause */
/* offload_vnet.h - virtio_net_hdr <-> mbuf offload flags, with validation */
#ifndef VIOSWITCH_OFFLOAD_VNET_H
#define VIOSWITCH_OFFLOAD_VNET_H

#include <linux/virtio_net.h>

#include <rte_mbuf.h>

int offload_from_vnet(struct rte_mbuf *m, const struct virtio_net_hdr *h);
void offload_to_vnet(const struct rte_mbuf *m, struct virtio_net_hdr *h);

#endif /* VIOSWITCH_OFFLOAD_VNET_H */
