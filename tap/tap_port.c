// SPDX-License-Identifier: BSD-3-Clause
/* tap_port.c - tap ports: the host's network stack and network namespaces
 *
 * Theory of operation
 * -------------------
 * `--netdev tap,id=t0[,ifname=NAME][,queues=N][,vnet_hdr=on|off]
 * [,up=on|off][,mtu=N][,txqueuelen=N]`. The switch creates the tap (or
 * attaches to an existing persistent one, which it then leaves in place);
 * a tap it created disappears when the switch closes its fds.
 *
 * With vnet_hdr=on (default) every frame carries a virtio_net_hdr
 * (IFF_VNET_HDR) and TUNSETOFFLOAD lets the kernel hand over checksum-less
 * and 64 KB GSO frames; offload_vnet.c translates and validates the header.
 * Receive reads each frame into two buffers at once (readv): a regular mbuf
 * for the head, and a 64 KB spare from a jumbo pool that is chained on
 * only when the frame is longer, so small frames cost one mbuf and super-
 * frames need no copy. Transmit writes the header and the mbuf's segments
 * with one writev. All fds are non-blocking; a queue's fd is its wake-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "log.h"
#include "tap_bpf.h"
#include "netdev.h"
#include "offload_vnet.h"
#include "port.h"

#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20 /* Linux 6.2: UDP segmentation offload, IPv4 */
#define TUN_F_USO6 0x40 /* ... and IPv6; offered only together */
#endif
#define TAP_IOV_MAX 64

static const char *const tap_keys[] = {
	"ifname",     "queues",	  "vnet_hdr", "up", "mtu",
	"txqueuelen", "steering", "filter",   NULL,
};

/**
 * struct tap_queue - one queue's fd and receive spares
 * @fd:		tap fd of this queue
 * @head:	spare mbuf for the next frame's head
 * @tail:	spare jumbo mbuf for the rest of a long frame
 */
struct tap_queue {
	int fd;
	struct rte_mbuf *head;
	struct rte_mbuf *tail;
};

/**
 * struct tap_port - one tap port
 * @port:	generic port, first
 * @ifname:	interface name
 * @vnet_hdr:	frames carry a virtio_net_hdr
 * @created:	the switch created the interface
 * @left_down:	the link is down and bringing it up needs CAP_NET_ADMIN
 * @queues:	queues (fds)
 * @steer:	flow-steering program, or NULL
 * @filter:	anti-spoofing filter, or NULL
 * @bpf_note:	why a program asked for is not there, or ""
 * @q:		per queue state
 */
struct tap_port {
	struct port port;
	char ifname[IFNAMSIZ];
	bool vnet_hdr;
	bool created;
	bool left_down;
	uint16_t queues;
	struct tap_bpf *steer;
	struct tap_bpf *filter;
	char bpf_note[256];
	struct tap_queue q[PORT_MAX_QUEUES];
};

extern const struct port_kind port_kind_tap;

/**
 * tap_of() - the tap port containing @port
 * @port:	generic port
 *
 * Return: tap port
 */
static struct tap_port *tap_of(struct port *port)
{
	return (struct tap_port *)port;
}

/**
 * refill() - make sure a queue has both receive spares
 * @tq:		queue
 *
 * Return: 0, or -ENOMEM
 */
static int refill(struct tap_queue *tq)
{
	if (!tq->head)
		tq->head = rte_pktmbuf_alloc(port_mbuf_pool);
	if (!tq->tail)
		tq->tail = rte_pktmbuf_alloc(port_jumbo_mbuf_pool);
	return tq->head && tq->tail ? 0 : -ENOMEM;
}

/**
 * read_frame() - read one frame into the queue's spares
 * @tp:		port
 * @tq:		queue
 * @out:	the frame, on success
 *
 * Return: 1 for a frame, 0 when the fd has nothing, -1 for a frame dropped
 */
static int read_frame(struct tap_port *tp, struct tap_queue *tq,
		      struct rte_mbuf **out)
{
	struct virtio_net_hdr h;
	struct rte_mbuf *m, *t;
	struct iovec iov[3];
	uint16_t room;
	ssize_t n;
	int i = 0;

	if (refill(tq)) {
		port_count_drop(&tp->port, DROP_NOMEM, 1);
		return 0;
	}
	m = tq->head;
	t = tq->tail;
	room = rte_pktmbuf_tailroom(m);
	if (tp->vnet_hdr)
		iov[i++] = (struct iovec){ &h, sizeof(h) };
	iov[i++] = (struct iovec){ rte_pktmbuf_mtod(m, void *), room };
	iov[i++] = (struct iovec){ rte_pktmbuf_mtod(t, void *),
				   rte_pktmbuf_tailroom(t) };
	n = readv(tq->fd, iov, i);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			port_count_drop(&tp->port, DROP_RX_ERROR, 1);
		return 0;
	}
	n -= tp->vnet_hdr ? (ssize_t)sizeof(h) : 0;
	if (n <= 0)
		return 0;
	tq->head = NULL;
	m->data_len = (uint16_t)RTE_MIN((size_t)n, room);
	m->pkt_len = (uint32_t)n;
	if ((size_t)n > room) {
		tq->tail = NULL;
		t->data_len = (uint16_t)(n - room);
		rte_pktmbuf_chain(m, t);
	}
	if (tp->vnet_hdr && offload_from_vnet(m, &h)) {
		port_counters(&tp->port)->rx_packets++;
		port_drop(&tp->port, DROP_OFFLOAD, &m, 1);
		return -1;
	}
	*out = m;
	return 1;
}

/**
 * tap_rx_burst() - read up to @max frames from queue @q
 */
static uint16_t tap_rx_burst(struct port *port, uint16_t q,
			     struct rte_mbuf **pkts, uint16_t max)
{
	struct tap_port *tp = tap_of(port);
	uint16_t n = 0;

	while (n < max) {
		int rc = read_frame(tp, &tp->q[q], &pkts[n]);

		if (!rc)
			break;
		n += rc > 0;
	}
	return n;
}

/**
 * write_frame() - write one frame, with its virtio header
 * @tp:		port
 * @fd:		queue fd
 * @m:		frame, still the caller's
 *
 * Return: 0, or -errno
 */
static int write_frame(struct tap_port *tp, int fd, struct rte_mbuf *m)
{
	struct iovec iov[TAP_IOV_MAX + 1];
	struct virtio_net_hdr h;
	int i = 0;

	if (tp->vnet_hdr) {
		offload_to_vnet(m, &h);
		iov[i++] = (struct iovec){ &h, sizeof(h) };
	}
	for (struct rte_mbuf *s = m; s; s = s->next) {
		if (i == TAP_IOV_MAX + 1)
			return -EMSGSIZE;
		iov[i++] = (struct iovec){ rte_pktmbuf_mtod(s, void *),
					   s->data_len };
	}
	return writev(fd, iov, i) < 0 ? -errno : 0;
}

/**
 * tx_drop_reason() - the drop counter for a failed write
 * @rc:		-errno of writev()
 *
 * Return: DROP_*
 */
static enum drop_reason tx_drop_reason(int rc)
{
	switch (rc) {
	case -EAGAIN:
	case -ENOBUFS:
		return DROP_TX_FULL;
	case -EIO: /* the interface is down */
		return DROP_LINK_DOWN;
	}
	return DROP_TX_ERROR;
}

/**
 * tap_tx_burst() - write frames to queue @q; consumes all @n
 */
static uint16_t tap_tx_burst(struct port *port, uint16_t q,
			     struct rte_mbuf **pkts, uint16_t n)
{
	struct tap_port *tp = tap_of(port);
	uint16_t sent = 0;

	for (uint16_t i = 0; i < n; i++) {
		int rc = write_frame(tp, tp->q[q].fd, pkts[i]);

		if (!rc) {
			port_count_tx(port, &pkts[i], 1);
			sent++;
		} else {
			port_count_drop(port, tx_drop_reason(rc), 1);
		}
	}
	rte_pktmbuf_free_bulk(pkts, n);
	return sent;
}

/**
 * tap_rx_fd() - a queue's fd is readable when frames wait
 */
static int tap_rx_fd(struct port *port, uint16_t q)
{
	return tap_of(port)->q[q].fd;
}

/**
 * tap_close() - close the fds (a tap the switch created goes away) and
 * free the port
 */
static void tap_close(struct port *port)
{
	struct tap_port *tp = tap_of(port);

	for (uint16_t q = 0; q < PORT_MAX_QUEUES; q++) {
		if (tp->q[q].fd >= 0)
			close(tp->q[q].fd);
		rte_pktmbuf_free(tp->q[q].head);
		rte_pktmbuf_free(tp->q[q].tail);
	}
	tap_bpf_free(tp->steer);
	tap_bpf_free(tp->filter);
	if (tp->created)
		log_info("port %s: tap %s removed", port->id, tp->ifname);
	port_free(port);
}

/**
 * tap_info() - kind-specific fields for `vioctl port list`
 */
static void tap_info(struct port *port, json_t *obj)
{
	struct tap_port *tp = tap_of(port);

	json_object_set_new(obj, "ifname", json_string(tp->ifname));
	json_object_set_new(obj, "vnet_hdr", json_boolean(tp->vnet_hdr));
	json_object_set_new(obj, "created", json_boolean(tp->created));
	json_object_set_new(obj, "steering",
			    json_string(tp->steer ? "ebpf" : "kernel"));
	json_object_set_new(obj, "filter",
			    json_string(tp->filter ? "antispoof" : "none"));
	if (tp->bpf_note[0])
		json_object_set_new(obj, "bpf", json_string(tp->bpf_note));
}

/**
 * tap_hint() - how to reach the tap
 */
static void tap_hint(struct port *port, FILE *out)
{
	fprintf(out,
		"    host interface %s (move it into a namespace with "
		"`ip link set %s netns NS`)\n",
		tap_of(port)->ifname, tap_of(port)->ifname);
}

static const struct port_ops tap_ops = {
	.rx_burst = tap_rx_burst,
	.tx_burst = tap_tx_burst,
	.rx_fd = tap_rx_fd,
	.close = tap_close,
	.info = tap_info,
	.hint = tap_hint,
};

/**
 * open_queue() - open one tap fd for @tp->ifname
 * @tp:		port (ifname may hold a %d pattern before the first queue)
 * @q:		queue number
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int open_queue(struct tap_port *tp, uint16_t q, char *err, size_t errlen)
{
	unsigned int offloads =
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
	struct ifreq ifr = { 0 };
	int hdrsz = sizeof(struct virtio_net_hdr);
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "/dev/net/tun: %s", strerror(errno));
		return -errno;
	}
	tp->q[q].fd = fd;
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI |
			(tp->vnet_hdr ? IFF_VNET_HDR : 0) |
			(tp->queues > 1 ? IFF_MULTI_QUEUE : 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", tp->ifname);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		int e = errno;

		if (e == EPERM)
			snprintf(err, errlen,
				 "ifname=%s: %s needs CAP_NET_ADMIN (root "
				 "can make one yours: ip tuntap add mode tap "
				 "user USER name %s)",
				 tp->ifname,
				 tp->created ? "creating a tap"
					     : "attaching to a tap of "
					       "another user",
				 tp->created && strchr(tp->ifname, '%')
					 ? "NAME"
					 : tp->ifname);
		else
			snprintf(err, errlen,
				 "ifname=%s: cannot create or attach: %s",
				 tp->ifname, strerror(e));
		return -e;
	}
	snprintf(tp->ifname, sizeof(tp->ifname), "%s", ifr.ifr_name);
	if (!tp->vnet_hdr)
		return 0;
	/* USO4+USO6 where the kernel knows them (6.2+), else without. */
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdrsz) ||
	    (ioctl(fd, TUNSETOFFLOAD, offloads | TUN_F_USO4 | TUN_F_USO6) &&
	     ioctl(fd, TUNSETOFFLOAD, offloads))) {
		snprintf(err, errlen, "ifname=%s: offloads: %s", tp->ifname,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

/**
 * link_set() - set one link attribute with @req unless it already has
 * the value; refused for want of CAP_NET_ADMIN, say so
 * @s:		socket for the ioctls
 * @ifr:	interface name, and the value read by the caller's get request
 * @req:	SIOCSIFMTU, SIOCSIFTXQLEN or SIOCSIFFLAGS
 * @what:	"mtu=1500", "txqueuelen=1000" or "up=on", for the message
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int link_set(int s, struct ifreq *ifr, unsigned long req,
		    const char *what, char *err, size_t errlen)
{
	if (!ioctl(s, req, ifr))
		return 0;
	if (errno == EPERM)
		snprintf(err, errlen, "ifname=%s: %s needs CAP_NET_ADMIN",
			 ifr->ifr_name, what);
	else
		snprintf(err, errlen, "ifname=%s: %s: %s", ifr->ifr_name, what,
			 strerror(errno));
	return -errno;
}

/**
 * link_setup() - set MTU, txqueuelen and the up flag as asked, each only
 * when the link does not have it yet: a tap the user owns needs no
 * capability unless something must change. A mtu= or txqueuelen= or
 * up=on that needs CAP_NET_ADMIN refuses the port; bringing the link up
 * by default does not: without the capability the tap stays down, as
 * its owner or a namespace it is moved to sets it (@tp->left_down: the
 * log says so once the port is accepted).
 * @tp:		port, its queues open
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int link_setup(struct tap_port *tp, const struct netdev *nd, char *err,
		      size_t errlen)
{
	uint32_t mtu = 0, qlen = 0;
	bool up = true;
	struct ifreq ifr = { 0 };
	char what[32];
	int s, rc = 0;

	if (netdev_get_u32(nd, "mtu", 68, 65521, &mtu, err, errlen) ||
	    netdev_get_u32(nd, "txqueuelen", 1, 1000000, &qlen, err, errlen) ||
	    netdev_get_bool(nd, "up", &up, err, errlen))
		return -EINVAL;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		snprintf(err, errlen, "ifname=%s: socket: %s", tp->ifname,
			 strerror(errno));
		return -errno;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", tp->ifname);
	snprintf(what, sizeof(what), "mtu=%u", mtu);
	if (mtu && (ioctl(s, SIOCGIFMTU, &ifr) || ifr.ifr_mtu != (int)mtu))
		rc = (ifr.ifr_mtu = (int)mtu,
		      link_set(s, &ifr, SIOCSIFMTU, what, err, errlen));
	snprintf(what, sizeof(what), "txqueuelen=%u", qlen);
	if (!rc && qlen &&
	    (ioctl(s, SIOCGIFTXQLEN, &ifr) || ifr.ifr_qlen != (int)qlen))
		rc = (ifr.ifr_qlen = (int)qlen,
		      link_set(s, &ifr, SIOCSIFTXQLEN, what, err, errlen));
	if (!rc && up && !ioctl(s, SIOCGIFFLAGS, &ifr) &&
	    !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		rc = link_set(s, &ifr, SIOCSIFFLAGS, "up=on", err, errlen);
		tp->left_down = rc == -EPERM && !netdev_get(nd, "up");
		if (tp->left_down)
			rc = 0;
	}
	if (!rc && !ioctl(s, SIOCGIFMTU, &ifr))
		mtu = (uint32_t)ifr.ifr_mtu;
	close(s);
	if (rc)
		return rc;
	tp->port.max_frame = mtu + RTE_ETHER_HDR_LEN;
	return 0;
}

/**
 * tap_mac() - the tap interface's MAC address
 * @tp:		port
 * @mac:	result
 *
 * Return: 0, or -errno
 */
static int tap_mac(const struct tap_port *tp, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", tp->ifname);
	if (s < 0 || ioctl(s, SIOCGIFHWADDR, &ifr))
		rc = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (s >= 0)
		close(s);
	return rc;
}

/**
 * bpf_setup() - attach the steering and filter programs asked for; where
 * BPF cannot load the port works without them and says so once (naming
 * CAP_BPF when that is what it lacked)
 * @tp:		port, its queues open
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL for a bad option value
 */
static int bpf_setup(struct tap_port *tp, const struct netdev *nd, char *err,
		     size_t errlen)
{
	const char *filter = netdev_get(nd, "filter");
	bool steering = tp->queues > 1, anti = false;
	uint8_t mac[6];
	char why[128] = "";

	if (netdev_get_bool(nd, "steering", &steering, err, errlen))
		return -EINVAL;
	if (filter && strcmp(filter, "antispoof") && strcmp(filter, "off")) {
		snprintf(err, errlen, "filter=%s: expected antispoof or off",
			 filter);
		return -EINVAL;
	}
	anti = filter && !strcmp(filter, "antispoof");
	if (steering &&
	    tap_bpf_steer(tp->q[0].fd, &tp->steer, why, sizeof(why)))
		snprintf(tp->bpf_note, sizeof(tp->bpf_note),
			 "steering without BPF (%s)", why);
	if (anti &&
	    (tap_mac(tp, mac) ||
	     tap_bpf_filter(tp->q[0].fd, mac, &tp->filter, why, sizeof(why)))) {
		size_t off = strlen(tp->bpf_note);

		snprintf(tp->bpf_note + off, sizeof(tp->bpf_note) - off,
			 "%sno anti-spoofing filter (%s)", off ? "; " : "",
			 why);
	}
	if (tp->bpf_note[0])
		log_warn("port %s: %s", tp->port.id, tp->bpf_note);
	return 0;
}

/**
 * tap_open() - create (or attach to) a tap from its specification
 * @nd:		parsed specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: port, or NULL with a message in @err
 */
static struct port *tap_open(const struct netdev *nd, char *err, size_t errlen)
{
	const char *ifname = netdev_get(nd, "ifname");
	uint32_t queues = 1;
	struct tap_port *tp;

	if (netdev_get_u32(nd, "queues", 1, PORT_MAX_QUEUES, &queues, err,
			   errlen))
		return NULL;
	if (ifname && (!*ifname || strlen(ifname) >= IFNAMSIZ)) {
		snprintf(err, errlen, "ifname=%s: expected 1 to %d characters",
			 ifname, IFNAMSIZ - 1);
		return NULL;
	}
	if (!port_jumbo_pool_create()) {
		snprintf(err, errlen, "no memory for tap receive buffers");
		return NULL;
	}
	tp = (struct tap_port *)port_alloc(&port_kind_tap, &tap_ops, nd,
					   sizeof(*tp));
	if (!tp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (uint16_t q = 0; q < PORT_MAX_QUEUES; q++)
		tp->q[q].fd = -1;
	tp->queues = (uint16_t)queues;
	tp->port.n_rxq = tp->port.n_txq = tp->queues;
	tp->vnet_hdr = true;
	snprintf(tp->ifname, sizeof(tp->ifname), "%s",
		 ifname ? ifname : "vio%d");
	if (netdev_get_bool(nd, "vnet_hdr", &tp->vnet_hdr, err, errlen))
		goto err;
	tp->created = !ifname || !if_nametoindex(ifname);
	for (uint16_t q = 0; q < tp->queues; q++) {
		if (open_queue(tp, q, err, errlen))
			goto err;
	}
	if (link_setup(tp, nd, err, errlen) || bpf_setup(tp, nd, err, errlen))
		goto err;
	if (tp->left_down)
		log_warn("port %s: tap %s left down: bringing it up needs "
			 "CAP_NET_ADMIN (its owner may: ip link set %s up)",
			 tp->port.id, tp->ifname, tp->ifname);
	tp->port.caps = PORT_CAP_MULTISEG |
			(tp->vnet_hdr ? PORT_CAP_L4_CKSUM | PORT_CAP_TSO4 |
						PORT_CAP_TSO6
				      : 0);
	log_info("port %s: tap %s %s", tp->port.id, tp->ifname,
		 tp->created ? "created" : "attached");
	return &tp->port;
err:
	tap_close(&tp->port);
	return NULL;
}

const struct port_kind port_kind_tap = {
	.name = "tap",
	.keys = tap_keys,
	.storm_default = PORT_STORM_GUEST,
	.open = tap_open,
};

/**
 * port_kind_tap_register() - make the kind known to `--netdev` when the
 * program loads
 */
RTE_INIT(port_kind_tap_register)
{
	port_kind_register(&port_kind_tap);
}
