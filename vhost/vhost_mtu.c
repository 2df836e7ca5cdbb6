// SPDX-License-Identifier: BSD-3-Clause
/* vhost_mtu.c - mtu= of vhost-user ports: the MTU a guest is told, and
 * held to
 *
 * Theory of operation
 * -------------------
 * virtio-net tells a guest its MTU with VIRTIO_NET_F_MTU and the mtu field
 * of the device's config space. Under vhost-user the config space is
 * QEMU's: `-device virtio-net-pci,host_mtu=N` offers the feature and holds
 * the value, the backend only agrees to the feature, and QEMU then passes
 * N to the backend with VHOST_USER_NET_SET_MTU (protocol feature
 * VHOST_USER_PROTOCOL_F_NET_MTU) before it starts the rings; rte_vhost
 * keeps it for rte_vhost_get_mtu().
 *
 * Without mtu= the port withholds VIRTIO_NET_F_MTU (rte_vhost would offer
 * it), so that no guest is told an MTU the switch never chose. With mtu=N
 * the port offers it, the QEMU line the switch prints carries host_mtu=N,
 * and when a guest attaches the port compares what QEMU told the guest
 * with N and says so when they differ, or when QEMU told it nothing. In
 * every case frames from the guest longer than N bytes of payload after
 * the Ethernet header (and its VLAN tags), or super-frames whose segments
 * would be, are dropped and counted as over_mtu: a guest that ignores
 * what it was told cannot push frames a VXLAN underlay would not carry.
 */
#include <errno.h>
#include <linux/virtio_net.h>
#include <stdio.h>

#include <rte_ether.h>
#include <rte_vhost.h>

#include "log.h"
#include "vhost_port.h"

#define VHOST_MTU_MIN 68 /* IPv4's minimum, and virtio's */

/**
 * vhost_mtu_parse() - read mtu=
 * @vp:		port, its other features already parsed
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Without mergeable receive buffers a guest's receive buffer is one
 * descriptor chain it sized itself, and a Linux guest before 6.1 sizes it
 * for 1518 bytes unless it takes TSO: rte_vhost would drop longer frames
 * to it. So a mtu= above 1500 needs mergeable buffers (mrg_rxbuf=on, the
 * default), with which any guest takes any length.
 *
 * Return: 0, or -EINVAL with a message
 */
int vhost_mtu_parse(struct vhost_port *vp, const struct netdev *nd, char *err,
		    size_t errlen)
{
	uint32_t mtu = 0;

	if (netdev_get_u32(nd, "mtu", VHOST_MTU_MIN, UINT16_MAX, &mtu, err,
			   errlen))
		return -EINVAL;
	if (mtu > RTE_ETHER_MTU &&
	    (vp->off_features & (1ULL << VIRTIO_NET_F_MRG_RXBUF))) {
		snprintf(err, errlen,
			 "mtu=%u: above %u needs mergeable receive buffers "
			 "(mrg_rxbuf=on)",
			 mtu, RTE_ETHER_MTU);
		return -EINVAL;
	}
	vp->mtu = (uint16_t)mtu;
	if (!mtu)
		vp->off_features |= 1ULL << VIRTIO_NET_F_MTU;
	return 0;
}

/**
 * vhost_mtu_offer() - check that rte_vhost offers VIRTIO_NET_F_MTU to a
 * port with mtu=
 * @vp:		port, registered with rte_vhost, its features set
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -ENOTSUP with a message
 */
int vhost_mtu_offer(const struct vhost_port *vp, char *err, size_t errlen)
{
	uint64_t features = 0;

	if (!vp->mtu)
		return 0;
	if (rte_vhost_driver_get_features(vp->path, &features) ||
	    !(features & (1ULL << VIRTIO_NET_F_MTU))) {
		snprintf(
			err, errlen,
			"mtu=%u: this rte_vhost does not offer VIRTIO_NET_F_MTU",
			vp->mtu);
		return -ENOTSUP;
	}
	return 0;
}

/**
 * vhost_mtu_attach() - compare the MTU QEMU told a new guest with mtu=,
 * and say so when they differ (vhost thread)
 * @vp:		port
 * @vid:	the guest's device, ready
 */
void vhost_mtu_attach(struct vhost_port *vp, int vid)
{
	uint16_t told = 0;
	int rc;

	vp->guest_mtu = 0;
	if (!vp->mtu)
		return;
	rc = rte_vhost_get_mtu(vid, &told);
	if (rc == -ENOTSUP || (!rc && !told)) {
		log_warn("port %s: the guest was told no MTU (it did not "
			 "negotiate VIRTIO_NET_F_MTU): give QEMU's "
			 "virtio-net-pci host_mtu=%u; frames above %u bytes "
			 "from it are dropped (over_mtu)",
			 vp->port.id, vp->mtu, vp->mtu);
		return;
	}
	if (rc) {
		log_warn("port %s: cannot read the guest's MTU: %s",
			 vp->port.id, strerror(-rc));
		return;
	}
	vp->guest_mtu = told;
	if (told != vp->mtu)
		log_warn("port %s: QEMU told the guest MTU %u but the port has "
			 "mtu=%u: give QEMU's virtio-net-pci host_mtu=%u; "
			 "frames above %u bytes from it are dropped (over_mtu)",
			 vp->port.id, told, vp->mtu, vp->mtu, vp->mtu);
	else
		log_info("port %s: the guest was told MTU %u", vp->port.id,
			 told);
}

/**
 * l2_header_len() - bytes before the L3 header: Ethernet header and up to
 * two VLAN tags
 * @m:		frame, at least an Ethernet header long
 *
 * Return: length
 */
static uint32_t l2_header_len(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint16_t type = eh->ether_type;
	uint32_t len = sizeof(*eh);

	for (int tags = 0; tags < 2; tags++) {
		const struct rte_vlan_hdr *vh;
		struct rte_vlan_hdr copy;

		if (type != rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN) &&
		    type != rte_cpu_to_be_16(RTE_ETHER_TYPE_QINQ))
			break;
		vh = rte_pktmbuf_read(m, len, sizeof(copy), &copy);
		if (!vh)
			break;
		type = vh->eth_proto;
		len += sizeof(copy);
	}
	return len;
}

/**
 * over_mtu() - is a frame, or each segment of a super-frame, longer than
 * @mtu bytes after its Ethernet header?
 * @m:		frame, offload intent already in its transmit flags
 * @mtu:	MTU
 *
 * Return: true if so
 */
static bool over_mtu(const struct rte_mbuf *m, uint32_t mtu)
{
	if (m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG))
		return (uint32_t)m->l3_len + m->l4_len + m->tso_segsz > mtu;
	if (m->pkt_len <= mtu + RTE_ETHER_HDR_LEN)
		return false;
	return m->pkt_len - l2_header_len(m) > mtu;
}

/**
 * vhost_mtu_police() - drop the frames a guest sent over its port's mtu=
 * @vp:		port with mtu=
 * @pkts:	frames received from the guest; the dropped ones are freed
 * @n:		count
 *
 * Each dropped frame is counted as received and as an over_mtu drop.
 *
 * Return: frames left in @pkts (in order)
 */
uint16_t vhost_mtu_police(struct vhost_port *vp, struct rte_mbuf **pkts,
			  uint16_t n)
{
	struct port_counters *c = port_counters(&vp->port);
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (unlikely(over_mtu(pkts[i], vp->mtu))) {
			c->rx_packets++;
			c->rx_bytes += pkts[i]->pkt_len;
			port_drop(&vp->port, DROP_OVER_MTU, &pkts[i], 1);
			continue;
		}
		pkts[kept++] = pkts[i];
	}
	return kept;
}
