// SPDX-License-Identifier: BSD-3-Clause
/* vhost_port.c - vhost-user-net ports: VMs attach as QEMU expects
 *
 * Theory of operation
 * -------------------
 * `--netdev vhost-user,id=vm1,path=SOCK[,server=on|off][,queues=N]
 * [,tso=on|off][,csum=on|off][,mrg_rxbuf=on|off][,packed=on|off]
 * [,owner=USER][,group=GROUP][,mode=OCTAL][,mtu=N]`.
 * With server=on (default) the switch creates SOCK (mode 0660, group kvm
 * when run as root: vhost_socket.c; parent directory created) and a VM may
 * attach, detach and reattach at will - the printed QEMU line has
 * reconnect=1, so a VM comes back by itself after a switch restart; with
 * server=off the switch connects to a socket QEMU listens on and reconnects
 * by itself whenever that VM restarts.
 *
 * Datapath: queue pair q is vrings 2q (guest receive) and 2q+1 (guest
 * transmit). rx_burst dequeues from 2q+1 - rte_vhost allocates chained
 * mbufs, so 64 KB TSO frames arrive whole - and turns the virtio header's
 * offload requests, which rte_vhost reports as receive flags
 * (RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS), into transmit intent. tx_burst
 * enqueues to an enabled guest-receive vring; rte_vhost copies, so the port
 * frees the whole burst afterwards. rte_vhost also writes a pseudo-header
 * checksum into frames with offload requests, so a frame a flood shares
 * with other ports is copied first (unshare_offloaded()). What the guest accepts (GUEST_CSUM,
 * GUEST_TSO4/6, MRG_RXBUF) sets the port's capabilities when it attaches,
 * so the core segments or checksums in software only for guests that need
 * it. mtu= tells the guest its MTU and drops frames over it (vhost_mtu.c).
 *
 * Idle: each rx queue has an epoll set holding the guest's kick fd; it is
 * the queue's wake-up fd. While a PMD thread polls, guest notifications are
 * off; rx_arm() clears the kick fd and turns them on before it sleeps. A
 * new device starts with them on, so a sleeping PMD wakes for its first
 * frame, and the first poll turns them off (@kicks). The guest-receive
 * vrings never notify: nothing here waits for receive buffers, and each
 * kick costs the guest a syscall (a VM exit under QEMU) - left on, they
 * halved the 64 B forwarding rate of virtio-user front-ends.
 * With VIRTIO_RING_F_EVENT_IDX, "on" means "kick when you pass the index I
 * consumed up to now", so the receive round after rx_arm() sets that index
 * again: rte_vhost may consume descriptors without returning frames (a
 * frame it cannot allocate mbufs for is dropped inside), and an index left
 * behind would let the guest add frames without ever kicking. If frames
 * are already waiting then, the port kicks itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_vhost.h>

#include "log.h"
#include "netdev.h"
#include "offload.h"
#include "vhost_port.h"

static const char *const vhost_keys[] = { "path",   "server", "queues",
					  "tso",    "csum",   "mrg_rxbuf",
					  "packed", "owner",  "group",
					  "mode",   "mtu",    NULL };

#define F(bit) (1ULL << (bit))
#define TSO_FEATURES                                                           \
	(F(VIRTIO_NET_F_HOST_TSO4) | F(VIRTIO_NET_F_HOST_TSO6) |               \
	 F(VIRTIO_NET_F_GUEST_TSO4) | F(VIRTIO_NET_F_GUEST_TSO6) |             \
	 F(VIRTIO_NET_F_HOST_UFO) | F(VIRTIO_NET_F_GUEST_UFO) |                \
	 F(VIRTIO_NET_F_HOST_ECN) | F(VIRTIO_NET_F_GUEST_ECN))
#define CSUM_FEATURES                                                          \
	(F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_GUEST_CSUM) | TSO_FEATURES)

/**
 * vhost_of() - the vhost port containing @port
 * @port:	generic port
 *
 * Return: vhost port
 */
static struct vhost_port *vhost_of(struct port *port)
{
	return (struct vhost_port *)port;
}

/**
 * rearm() - ask for kicks from the guest's current position on, and kick
 * ourselves if frames already wait
 * @vp:		port
 * @vid:	device id
 * @q:		rx queue, armed
 */
static void rearm(struct vhost_port *vp, int vid, uint16_t q)
{
	uint64_t one = 1;
	int fd;

	rte_vhost_enable_guest_notification(vid, 2 * q + 1, 1);
	vp->kicks[q] = true;
	/* The guest must see the index before we look at its ring again. */
	rte_smp_mb();
	fd = __atomic_load_n(&vp->kickfd[q], __ATOMIC_RELAXED);
	if (rte_vhost_rx_queue_count(vid, 2 * q + 1) && fd >= 0 &&
	    write(fd, &one, sizeof(one)) < 0)
		log_debug("port %s: self-kick: %s", vp->port.id,
			  strerror(errno));
}

/**
 * vhost_rx_burst() - take frames the guest sent on queue @q
 */
static uint16_t vhost_rx_burst(struct port *port, uint16_t q,
			       struct rte_mbuf **pkts, uint16_t max)
{
	struct vhost_port *vp = vhost_of(port);
	int vid = __atomic_load_n(&vp->vid, __ATOMIC_ACQUIRE);
	uint16_t n, kept = 0;

	if (vid < 0)
		return 0;
	n = rte_vhost_dequeue_burst(vid, 2 * q + 1, port_mbuf_pool, pkts, max);
	if (unlikely(vp->armed[q])) {
		rearm(vp, vid, q);
	} else if (unlikely(vp->kicks[q])) {
		/* A new device, polled: a kick per burst would cost the
		 * guest a syscall. */
		rte_vhost_enable_guest_notification(vid, 2 * q + 1, 0);
		vp->kicks[q] = false;
	}
	for (uint16_t i = 0; i < n; i++) {
		if (offload_rx_to_tx(pkts[i])) {
			port_counters(port)->rx_packets++;
			port_drop(port, DROP_OFFLOAD, &pkts[i], 1);
			continue;
		}
		pkts[kept++] = pkts[i];
	}
	if (vp->mtu)
		kept = vhost_mtu_police(vp, pkts, kept);
	return kept;
}

/**
 * tx_vring() - the guest-receive vring tx queue @q sends on
 * @vp:		port
 * @q:		tx queue
 *
 * Return: vring index, or -1 when the guest enabled none
 */
static int tx_vring(struct vhost_port *vp, uint16_t q)
{
	uint64_t en = __atomic_load_n(&vp->vring_enabled, __ATOMIC_ACQUIRE);

	if (en & (1ULL << (2 * q)))
		return 2 * q;
	for (uint16_t i = 0; i < vp->queues; i++) {
		if (en & (1ULL << (2 * i)))
			return 2 * i;
	}
	return -1;
}

/**
 * unshare_offloaded() - give rte_vhost private copies of the frames it
 * would write into while other ports still hold them
 * @port:	port, charged for a frame that cannot be copied
 * @pkts:	frames; a shared one with offload requests is replaced by a
 *		copy
 * @n:		count
 *
 * rte_vhost_enqueue_burst() writes a pseudo-header checksum (and an IPv4
 * header checksum) into every frame that asks for checksum or segmentation
 * offload (rte_net_intel_cksum_prepare()). A frame shared by a flood, or
 * an indirect one, would then change under the other ports it is queued
 * for: the tap after us would hand its kernel a TSO frame whose checksum
 * seed lacks the length Linux's GSO expects.
 *
 * Return: frames left in @pkts (in order)
 */
static uint16_t unshare_offloaded(struct port *port, struct rte_mbuf **pkts,
				  uint16_t n)
{
	const uint64_t writes = RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG |
				RTE_MBUF_F_TX_UDP_SEG | RTE_MBUF_F_TX_IP_CKSUM;
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i], *copy;

		if ((m->ol_flags & writes) &&
		    (!RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) > 1)) {
			copy = rte_pktmbuf_copy(m, port_mbuf_pool, 0,
						UINT32_MAX);
			rte_pktmbuf_free(m);
			if (!copy) {
				port_count_drop(port, DROP_NOMEM, 1);
				continue;
			}
			m = copy;
		}
		pkts[kept++] = m;
	}
	return kept;
}

/**
 * vhost_tx_burst() - copy frames into the guest; consumes all @n
 */
static uint16_t vhost_tx_burst(struct port *port, uint16_t q,
			       struct rte_mbuf **pkts, uint16_t n)
{
	struct vhost_port *vp = vhost_of(port);
	int vid = __atomic_load_n(&vp->vid, __ATOMIC_ACQUIRE);
	int vring = vid < 0 ? -1 : tx_vring(vp, q);
	uint16_t sent;

	if (vring < 0) {
		port_drop(port, DROP_LINK_DOWN, pkts, n);
		return 0;
	}
	n = unshare_offloaded(port, pkts, n);
	sent = rte_vhost_enqueue_burst(vid, (uint16_t)vring, pkts, n);
	port_count_tx(port, pkts, sent);
	port_count_drop(port, DROP_TX_FULL, n - sent);
	rte_pktmbuf_free_bulk(pkts, n);
	return sent;
}

/**
 * vhost_rx_fd() - the epoll set holding queue @q's kick fd
 */
static int vhost_rx_fd(struct port *port, uint16_t q)
{
	return vhost_of(port)->qep[q];
}

/**
 * drain_kick() - clear a kick eventfd without blocking
 * @fd:		eventfd, or -1
 */
static void drain_kick(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (fd >= 0 && poll(&p, 1, 0) == 1 && read(fd, &v, sizeof(v)) < 0)
		v = 0;
}

/**
 * vhost_rx_arm() - ask the guest to kick on new frames before sleeping
 */
static void vhost_rx_arm(struct port *port, uint16_t q)
{
	struct vhost_port *vp = vhost_of(port);
	int vid = __atomic_load_n(&vp->vid, __ATOMIC_ACQUIRE);

	vp->armed[q] = true;
	if (vid < 0)
		return;
	drain_kick(vp->kickfd[q]);
	rte_vhost_enable_guest_notification(vid, 2 * q + 1, 1);
	vp->kicks[q] = true;
	/* The guest must see the flag before we look at its ring again. */
	rte_smp_mb();
}

/**
 * vhost_rx_disarm() - no kicks while polling
 */
static void vhost_rx_disarm(struct port *port, uint16_t q)
{
	struct vhost_port *vp = vhost_of(port);
	int vid = __atomic_load_n(&vp->vid, __ATOMIC_ACQUIRE);

	vp->armed[q] = false;
	if (vid >= 0) {
		rte_vhost_enable_guest_notification(vid, 2 * q + 1, 0);
		vp->kicks[q] = false;
	}
}

/**
 * vhost_start() - listen on, or connect to, the socket
 */
static int vhost_start(struct port *port)
{
	struct vhost_port *vp = vhost_of(port);
	int rc = vhost_events_register(vp);

	if (rc)
		return rc;
	vhost_socket_own(vp);
	log_info("port %s: vhost-user %s on %s", port->id,
		 vp->server ? "listening" : "connecting", vp->path);
	return 0;
}

/**
 * vhost_stop() - detach the guest and close the socket
 */
static void vhost_stop(struct port *port)
{
	vhost_events_unregister(vhost_of(port));
}

/**
 * vhost_close() - free the port; accepts a port never started
 */
static void vhost_close(struct port *port)
{
	struct vhost_port *vp = vhost_of(port);

	if (vp->registered)
		vhost_events_unregister(vp);
	for (uint16_t q = 0; q < PORT_MAX_QUEUES; q++) {
		if (vp->qep[q] >= 0)
			close(vp->qep[q]);
	}
	port_free(port);
}

/**
 * vhost_info() - kind-specific fields for `vioctl port list`
 */
static void vhost_info(struct port *port, json_t *obj)
{
	struct vhost_port *vp = vhost_of(port);
	int vid = __atomic_load_n(&vp->vid, __ATOMIC_ACQUIRE);
	uint64_t en = __atomic_load_n(&vp->vring_enabled, __ATOMIC_ACQUIRE);
	json_t *features = json_array();
	unsigned int pairs = 0;

	for (uint16_t q = 0; q < vp->queues; q++)
		pairs += (en & (3ULL << (2 * q))) == (3ULL << (2 * q));
	if (vid >= 0)
		vhost_features_json(vp->features, features);
	json_object_set_new(obj, "socket", json_string(vp->path));
	json_object_set_new(obj, "mode",
			    json_string(vp->server ? "server" : "client"));
	json_object_set_new(obj, "connected", json_boolean(vid >= 0));
	json_object_set_new(obj, "features", features);
	json_object_set_new(obj, "queues_enabled", json_integer(pairs));
	json_object_set_new(obj, "connects",
			    json_integer((json_int_t)vp->connects));
	json_object_set_new(obj, "disconnects",
			    json_integer((json_int_t)vp->disconnects));
	if (vp->mtu)
		json_object_set_new(obj, "mtu", json_integer(vp->mtu));
	if (vid >= 0 && vp->guest_mtu)
		json_object_set_new(obj, "guest_mtu",
				    json_integer(vp->guest_mtu));
}

/**
 * kvm_usable() - can QEMU use KVM here? The CPU must offer VMX or SVM and
 * /dev/kvm must make a VM (a device node alone is not enough: seen on
 * nested machines where QEMU then hangs)
 *
 * Return: true if so
 */
static bool kvm_usable(void)
{
	char line[4096];
	bool virt = false;
	int fd, vm = -1;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && !virt && fgets(line, sizeof(line), f))
		virt = !strncmp(line, "flags", 5) &&
		       (strstr(line, " vmx") || strstr(line, " svm"));
	if (f)
		fclose(f);
	if (!virt)
		return false;
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		vm = ioctl(fd, KVM_CREATE_VM, 0);
	if (vm >= 0)
		close(vm);
	if (fd >= 0)
		close(fd);
	return vm >= 0;
}

/**
 * vhost_hint() - print the QEMU arguments that attach a VM to this port
 */
static void vhost_hint(struct port *port, FILE *out)
{
	struct vhost_port *vp = vhost_of(port);
	bool kvm = kvm_usable();
	char mq[32] = "", dev_opts[48] = "";
	int off = 0;

	if (vp->queues > 1) {
		snprintf(mq, sizeof(mq), ",queues=%u", vp->queues);
		off = snprintf(dev_opts, sizeof(dev_opts), ",mq=on");
	}
	if (vp->mtu)
		snprintf(dev_opts + off, sizeof(dev_opts) - (size_t)off,
			 ",host_mtu=%u", vp->mtu);
	fprintf(out,
		"    attach a VM with QEMU (guest memory must be shared):\n"
		"      qemu-system-x86_64 %s -m 1G \\\n"
		"        -object memory-backend-memfd,id=mem0,size=1G,share=on "
		"-numa node,memdev=mem0 \\\n"
		"        -chardev socket,id=%s,path=%s%s \\\n"
		"        -netdev vhost-user,id=%s,chardev=%s%s \\\n"
		"        -device virtio-net-pci,netdev=%s%s%s ...\n",
		kvm ? "-accel kvm" : "-accel tcg", port->id, vp->path,
		vp->server ? ",reconnect=1" : ",server=on,wait=off", port->id,
		port->id, mq, port->id, dev_opts, kvm ? "" : ",vectors=0");
	if (!kvm)
		fprintf(out,
			"      (no usable /dev/kvm: vectors=0 keeps QEMU's "
			"TCG from crashing with vhost-user and MSI-X)\n");
}

static const struct port_ops vhost_ops = {
	.rx_burst = vhost_rx_burst,
	.tx_burst = vhost_tx_burst,
	.rx_fd = vhost_rx_fd,
	.rx_arm = vhost_rx_arm,
	.rx_disarm = vhost_rx_disarm,
	.start = vhost_start,
	.stop = vhost_stop,
	.close = vhost_close,
	.info = vhost_info,
	.hint = vhost_hint,
};

/**
 * parse_switches() - the on/off keys, as virtio features to turn off
 * @vp:		port
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int parse_switches(struct vhost_port *vp, const struct netdev *nd,
			  char *err, size_t errlen)
{
	bool tso = true, csum = true, mrg = true, packed = true;

	vp->server = true;
	if (netdev_get_bool(nd, "server", &vp->server, err, errlen) ||
	    netdev_get_bool(nd, "tso", &tso, err, errlen) ||
	    netdev_get_bool(nd, "csum", &csum, err, errlen) ||
	    netdev_get_bool(nd, "mrg_rxbuf", &mrg, err, errlen) ||
	    netdev_get_bool(nd, "packed", &packed, err, errlen))
		return -EINVAL;
	vp->off_features = (tso ? 0 : TSO_FEATURES) |
			   (csum ? 0 : CSUM_FEATURES) |
			   (mrg ? 0 : F(VIRTIO_NET_F_MRG_RXBUF)) |
			   (packed ? 0 : F(VIRTIO_F_RING_PACKED)) |
			   (vp->queues > 1 ? 0 : F(VIRTIO_NET_F_MQ));
	return 0;
}

/**
 * check_path() - make the socket path usable: parent directory for a
 * server, no live socket in the way
 * @vp:		port
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int check_path(struct vhost_port *vp, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[VHOST_PATH_MAX], *slash;
	struct stat st;
	int fd, live;

	if (!vp->server)
		return 0;
	snprintf(dir, sizeof(dir), "%s", vp->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			snprintf(err, errlen, "path=%s: cannot create %s: %s",
				 vp->path, dir, strerror(errno));
			return -errno;
		}
	}
	if (stat(vp->path, &st))
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "path=%s: exists and is not a socket",
			 vp->path);
		return -EEXIST;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", vp->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	live = fd >= 0 && !connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (fd >= 0)
		close(fd);
	if (live) {
		snprintf(err, errlen, "path=%s: a process is listening there",
			 vp->path);
		return -EADDRINUSE;
	}
	unlink(vp->path);
	return 0;
}

/**
 * driver_register() - create the rte_vhost socket with our features
 * @vp:		port
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EIO with a message
 */
static int driver_register(struct vhost_port *vp, char *err, size_t errlen)
{
	uint64_t flags = RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS |
			 (vp->server ? 0 : RTE_VHOST_USER_CLIENT);

	if (rte_vhost_driver_register(vp->path, flags)) {
		snprintf(err, errlen, "path=%s: rte_vhost cannot register it",
			 vp->path);
		return -EIO;
	}
	vp->registered = true;
	if (rte_vhost_driver_disable_features(vp->path, vp->off_features)) {
		snprintf(err, errlen, "path=%s: cannot set features", vp->path);
		return -EIO;
	}
	return 0;
}

/**
 * vhost_open() - create a vhost-user port from its specification
 * @nd:		parsed specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: port, or NULL with a message in @err
 */
static struct port *vhost_open(const struct netdev *nd, char *err,
			       size_t errlen)
{
	const char *path = netdev_get(nd, "path");
	uint32_t queues = 1;
	struct vhost_port *vp;

	if (!path || !*path) {
		snprintf(err, errlen, "path=SOCKET is required");
		return NULL;
	}
	if (strlen(path) >= VHOST_PATH_MAX) {
		snprintf(err, errlen,
			 "path=%s: %zu bytes, longer than a unix socket path "
			 "may be (%d bytes)",
			 path, strlen(path), VHOST_PATH_MAX - 1);
		return NULL;
	}
	if (netdev_get_u32(nd, "queues", 1, PORT_MAX_QUEUES, &queues, err,
			   errlen))
		return NULL;
	vp = (struct vhost_port *)port_alloc(&port_kind_vhost, &vhost_ops, nd,
					     sizeof(*vp));
	if (!vp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	vp->vid = -1;
	vp->queues = (uint16_t)queues;
	vp->port.n_rxq = vp->port.n_txq = vp->queues;
	vp->port.caps = PORT_CAP_MULTISEG;
	snprintf(vp->path, sizeof(vp->path), "%s", path);
	for (uint16_t q = 0; q < PORT_MAX_QUEUES; q++) {
		vp->kickfd[q] = -1;
		vp->qep[q] = q < vp->queues ? epoll_create1(EPOLL_CLOEXEC) : -1;
		if (q < vp->queues && vp->qep[q] < 0) {
			snprintf(err, errlen, "epoll: %s", strerror(errno));
			goto err;
		}
	}
	if (parse_switches(vp, nd, err, errlen) ||
	    vhost_mtu_parse(vp, nd, err, errlen) ||
	    vhost_socket_parse(vp, nd, err, errlen) ||
	    check_path(vp, err, errlen) || driver_register(vp, err, errlen) ||
	    vhost_mtu_offer(vp, err, errlen))
		goto err;
	return &vp->port;
err:
	vhost_close(&vp->port);
	return NULL;
}

const struct port_kind port_kind_vhost = {
	.name = "vhost-user",
	.keys = vhost_keys,
	.storm_default = PORT_STORM_GUEST,
	.open = vhost_open,
};

/**
 * port_kind_vhost_register() - make the kind known to `--netdev` when the
 * program loads
 */
RTE_INIT(port_kind_vhost_register)
{
	port_kind_register(&port_kind_vhost);
}
