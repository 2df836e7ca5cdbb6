// SPDX-License-Identifier: BSD-3-Clause
/* vxlan_port.c - VXLAN tunnel ports: options, sockets, lifecycle, status
 *
 * Theory of operation
 * -------------------
 * `--netdev vxlan,id=ID,vni=N,local=IP[,remote=IP]...[,dstport=4789]
 * [,srcport=MIN-MAX][,ttl=N][,tos=N][,df=on|off][,udpcsum=on|off]
 * [,learning=on|off][,mtu=N]` makes the switch a VTEP (RFC 7348) on the
 * segment VNI N, over an IPv4 or IPv6 underlay that is the host's own UDP
 * stack: routing, neighbours and the NIC stay the kernel's.
 *
 * Sockets: one bound to local:dstport receives every VTEP's datagrams. A
 * kernel UDP socket always sends from the port it is bound to, so the
 * outer source port - the inner flow's hash, for the underlay's ECMP and
 * RSS (vxlan_hash.c) - comes from one send socket per port of the
 * srcport= range (16 by default), bound to local:that port. A send socket
 * carries a filter that drops everything addressed to it, so it never
 * queues a stray datagram. All sockets are non-blocking and used only by
 * PMD threads (vxlan_rx.c, vxlan_tx.c); the receive socket is the port's
 * wake-up fd.
 *
 * Outer headers follow Linux's vxlan device: the UDP checksum off over
 * IPv4 and on over IPv6 unless udpcsum= says otherwise (the kernel fills
 * it and checks it on receive), the kernel's TTL unless ttl=, TOS tos=.
 * df=on (default) sets DF and makes the kernel refuse, rather than
 * fragment, a datagram longer than the path MTU: it is counted as
 * too_big. UDP_SEGMENT trains (vxlan_tx.c) need the outer checksum: the
 * kernel refuses them on a socket without, so they are sent only with
 * udpcsum=on (the IPv6 default). mtu= is the inner MTU the port carries, by default the
 * underlay's 1500 less 50 (IPv4) or 70 (IPv6) bytes of headers; the port
 * accepts no TSO, so the core segments super-frames to it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_ether.h>

#include "log.h"
#include "netdev.h"
#include "vxlan.h"

#ifndef UDP_NO_CHECK6_TX
#define UDP_NO_CHECK6_TX 101
#define UDP_NO_CHECK6_RX 102
#endif
#define VXLAN_SRCPORT_DEFAULT  49152 /* first of 16 by default */
#define VXLAN_SRCPORTS_DEFAULT 16
#define VXLAN_SOCKBUF	       (4u << 20)
#define VXLAN_MTU_MAX	       9000

#define X_NAME(e, name, doc) name,
const char *const vxlan_drop_names[VXLAN_DROP__MAX] = { VXLAN_DROPS(X_NAME) };
#undef X_NAME

static const char *const vxlan_keys[] = {
	"vni", "local", "remote",  "dstport",  "srcport", "ttl",
	"tos", "df",	"udpcsum", "learning", "mtu",	  NULL,
};

extern const struct port_kind port_kind_vxlan;

/**
 * addr_parse() - parse an IPv4 or IPv6 address
 * @key:	option name, for the message
 * @text:	address text
 * @addr:	result, port 0
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int addr_parse(const char *key, const char *text, union vxlan_addr *addr,
		      char *err, size_t errlen)
{
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, text, &addr->v4.sin_addr) == 1) {
		addr->v4.sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &addr->v6.sin6_addr) == 1) {
		addr->v6.sin6_family = AF_INET6;
		return 0;
	}
	snprintf(err, errlen, "%s=%s: expected an IPv4 or IPv6 address", key,
		 text);
	return -EINVAL;
}

/**
 * addr_text() - an address as text, without its port
 * @addr:	address
 * @buf:	result
 * @len:	its size
 */
static void addr_text(const union vxlan_addr *addr, char *buf, size_t len)
{
	const void *ip = addr->sa.sa_family == AF_INET
				 ? (const void *)&addr->v4.sin_addr
				 : (const void *)&addr->v6.sin6_addr;

	if (!inet_ntop(addr->sa.sa_family, ip, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/**
 * addr_set_port() - set the UDP port of an address
 * @addr:	address
 * @port:	port, host order
 */
static void addr_set_port(union vxlan_addr *addr, uint16_t port)
{
	if (addr->sa.sa_family == AF_INET)
		addr->v4.sin_port = htons(port);
	else
		addr->v6.sin6_port = htons(port);
}

/**
 * addr_usable() - whether an address can be a VTEP's
 * @addr:	address
 *
 * Return: false for unspecified and multicast addresses
 */
static bool addr_usable(const union vxlan_addr *addr)
{
	if (addr->sa.sa_family == AF_INET) {
		uint32_t a = ntohl(addr->v4.sin_addr.s_addr);

		return a && !IN_MULTICAST(a) && a != INADDR_BROADCAST;
	}
	return !IN6_IS_ADDR_UNSPECIFIED(&addr->v6.sin6_addr) &&
	       !IN6_IS_ADDR_MULTICAST(&addr->v6.sin6_addr);
}

/**
 * parse_local() - local=, the underlay address
 * @vp:		port
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int parse_local(struct vxlan_port *vp, const struct netdev *nd,
		       char *err, size_t errlen)
{
	const char *local = netdev_get(nd, "local");

	if (!local) {
		snprintf(err, errlen,
			 "local=IP is required: the underlay address to send "
			 "from and listen on");
		return -EINVAL;
	}
	if (addr_parse("local", local, &vp->local, err, errlen))
		return -EINVAL;
	if (!addr_usable(&vp->local)) {
		snprintf(err, errlen, "local=%s: expected a unicast address",
			 local);
		return -EINVAL;
	}
	vp->family = vp->local.sa.sa_family;
	return 0;
}

/**
 * parse_remotes() - every remote=, the flood list
 * @vp:		port, @family and @dstport set
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int parse_remotes(struct vxlan_port *vp, const struct netdev *nd,
			 char *err, size_t errlen)
{
	for (unsigned int i = 0; i < nd->n_kv; i++) {
		union vxlan_addr r;

		if (strcmp(nd->kv[i].key, "remote"))
			continue;
		if (addr_parse("remote", nd->kv[i].value, &r, err, errlen))
			return -EINVAL;
		if (r.sa.sa_family != vp->family || !addr_usable(&r)) {
			snprintf(err, errlen,
				 "remote=%s: expected a unicast %s address, "
				 "as local= is",
				 nd->kv[i].value,
				 vp->family == AF_INET ? "IPv4" : "IPv6");
			return -EINVAL;
		}
		if (vxlan_remote_find(vp, &r) >= 0) {
			snprintf(err, errlen, "remote=%s: given twice",
				 nd->kv[i].value);
			return -EINVAL;
		}
		if (vxlan_remote_add(vp, &r, true) < 0) {
			snprintf(err, errlen, "remote=: at most %d remotes",
				 VXLAN_REMOTES_MAX);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * parse_srcport() - srcport=MIN-MAX, the outer UDP source port range
 * @vp:		port, @dstport set
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int parse_srcport(struct vxlan_port *vp, const struct netdev *nd,
			 char *err, size_t errlen)
{
	const char *v = netdev_get(nd, "srcport");
	unsigned int lo, hi;
	int end = 0;

	vp->srcport_min = VXLAN_SRCPORT_DEFAULT;
	vp->n_socks = VXLAN_SRCPORTS_DEFAULT;
	if (!v)
		return 0;
	if (sscanf(v, "%5u-%5u%n", &lo, &hi, &end) != 2 || v[end] || !lo ||
	    hi > 65535 || lo > hi || hi - lo >= VXLAN_SRCPORTS_MAX) {
		snprintf(err, errlen,
			 "srcport=%s: expected MIN-MAX, 1 to 65535, at most "
			 "%d ports",
			 v, VXLAN_SRCPORTS_MAX);
		return -EINVAL;
	}
	if (lo <= vp->dstport && vp->dstport <= hi) {
		snprintf(err, errlen, "srcport=%s: must not hold dstport=%u", v,
			 vp->dstport);
		return -EINVAL;
	}
	vp->srcport_min = (uint16_t)lo;
	vp->n_socks = (uint16_t)(hi - lo + 1);
	return 0;
}

/**
 * parse_options() - every option but the addresses
 * @vp:		port, @family set
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with a message
 */
static int parse_options(struct vxlan_port *vp, const struct netdev *nd,
			 char *err, size_t errlen)
{
	uint32_t overhead =
		vp->family == AF_INET ? VXLAN_OVERHEAD4 : VXLAN_OVERHEAD6;
	uint32_t dstport = VXLAN_PORT_IANA;

	if (!netdev_get(nd, "vni")) {
		snprintf(err, errlen, "vni=N is required (0 to 16777215)");
		return -EINVAL;
	}
	vp->mtu = 1500 - overhead;
	vp->df = true;
	vp->udpcsum = vp->family == AF_INET6;
	vp->learning = true;
	if (netdev_get_u32(nd, "vni", 0, 0xffffff, &vp->vni, err, errlen) ||
	    netdev_get_u32(nd, "dstport", 1, 65535, &dstport, err, errlen) ||
	    netdev_get_u32(nd, "ttl", 1, 255, &vp->ttl, err, errlen) ||
	    netdev_get_u32(nd, "tos", 0, 255, &vp->tos, err, errlen) ||
	    netdev_get_u32(nd, "mtu", 68, VXLAN_MTU_MAX, &vp->mtu, err,
			   errlen) ||
	    netdev_get_bool(nd, "df", &vp->df, err, errlen) ||
	    netdev_get_bool(nd, "udpcsum", &vp->udpcsum, err, errlen) ||
	    netdev_get_bool(nd, "learning", &vp->learning, err, errlen))
		return -EINVAL;
	vp->dstport = (uint16_t)dstport;
	/* The kernel refuses UDP_SEGMENT on a socket without checksums. */
	vp->gso = vp->udpcsum;
	return parse_srcport(vp, nd, err, errlen);
}

/**
 * sock_opt() - set an int socket option, with a message on failure
 * @fd:		socket
 * @level:	SOL_*
 * @name:	option
 * @val:	value
 * @what:	its name, for the message
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int sock_opt(int fd, int level, int name, int val, const char *what,
		    char *err, size_t errlen)
{
	if (!setsockopt(fd, level, name, &val, sizeof(val)))
		return 0;
	snprintf(err, errlen, "%s: %s", what, strerror(errno));
	return -errno;
}

/**
 * sock_buf() - make a socket buffer large, beyond the sysctl limit where
 * the switch may (CAP_NET_ADMIN); best effort
 * @fd:		socket
 * @force:	SO_SNDBUFFORCE or SO_RCVBUFFORCE
 * @plain:	SO_SNDBUF or SO_RCVBUF
 */
static void sock_buf(int fd, int force, int plain)
{
	int v = VXLAN_SOCKBUF;

	if (setsockopt(fd, SOL_SOCKET, force, &v, sizeof(v)))
		setsockopt(fd, SOL_SOCKET, plain, &v, sizeof(v));
}

/**
 * sock_bind() - a non-blocking UDP socket bound to local:@port
 * @vp:		port
 * @port:	UDP port, host order
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: fd, or -errno with a message
 */
static int sock_bind(struct vxlan_port *vp, uint16_t port, char *err,
		     size_t errlen)
{
	union vxlan_addr a = vp->local;
	char ip[INET6_ADDRSTRLEN];
	int fd = socket(vp->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	int e;

	addr_text(&vp->local, ip, sizeof(ip));
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -errno;
	}
	if (vp->family == AF_INET6 && sock_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1,
					       "IPV6_V6ONLY", err, errlen))
		goto err;
	addr_set_port(&a, port);
	if (!bind(fd, &a.sa,
		  vp->family == AF_INET ? sizeof(a.v4) : sizeof(a.v6)))
		return fd;
	e = errno;
	if (e == EADDRNOTAVAIL)
		snprintf(err, errlen,
			 "local=%s: not an address of this host (or its "
			 "namespace)",
			 ip);
	else if (e == EADDRINUSE)
		snprintf(err, errlen,
			 "local=%s port %u: in use (another VTEP, or a "
			 "kernel vxlan device with that dstport?)",
			 ip, port);
	else
		snprintf(err, errlen, "local=%s port %u: bind: %s", ip, port,
			 strerror(e));
	close(fd);
	return -e;
err:
	e = errno;
	close(fd);
	return -e;
}

/**
 * tx_sock_setup() - outer header options of a send socket, and a filter
 * that drops whatever reaches it
 * @vp:		port
 * @fd:		send socket
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int tx_sock_setup(struct vxlan_port *vp, int fd, char *err,
			 size_t errlen)
{
	static struct sock_filter drop_all[] = {
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { 1, drop_all };
	bool v4 = vp->family == AF_INET;
	int rc = 0;

	sock_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF);
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		return sock_opt(fd, SOL_SOCKET, SO_ATTACH_FILTER, 0,
				"SO_ATTACH_FILTER", err, errlen);
	if (vp->ttl)
		rc = v4 ? sock_opt(fd, IPPROTO_IP, IP_TTL, (int)vp->ttl,
				   "ttl=", err, errlen)
			: sock_opt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS,
				   (int)vp->ttl, "ttl=", err, errlen);
	if (!rc && vp->tos)
		rc = v4 ? sock_opt(fd, IPPROTO_IP, IP_TOS, (int)vp->tos,
				   "tos=", err, errlen)
			: sock_opt(fd, IPPROTO_IPV6, IPV6_TCLASS, (int)vp->tos,
				   "tos=", err, errlen);
	if (!rc)
		rc = v4 ? sock_opt(fd, IPPROTO_IP, IP_MTU_DISCOVER,
				   vp->df ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT,
				   "df=", err, errlen)
			: sock_opt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER,
				   vp->df ? IPV6_PMTUDISC_DO
					  : IPV6_PMTUDISC_DONT,
				   "df=", err, errlen);
	if (!rc)
		rc = v4 ? sock_opt(fd, SOL_SOCKET, SO_NO_CHECK, !vp->udpcsum,
				   "udpcsum=", err, errlen)
			: sock_opt(fd, IPPROTO_UDP, UDP_NO_CHECK6_TX,
				   !vp->udpcsum, "udpcsum=", err, errlen);
	return rc;
}

/**
 * gro_setup() - let the receive socket hand over UDP_GRO trains where the
 * kernel can, and the jumbo buffers they need exist; else datagrams come
 * one by one
 * @vp:		port, its receive socket open
 */
static void gro_setup(struct vxlan_port *vp)
{
	int on = 1;

	vp->gro = port_jumbo_pool_create() &&
		  !setsockopt(vp->rx_fd, IPPROTO_UDP, UDP_GRO, &on, sizeof(on));
}

/**
 * open_sockets() - the receive socket and one send socket per source port
 * @vp:		port
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int open_sockets(struct vxlan_port *vp, char *err, size_t errlen)
{
	int fd = sock_bind(vp, vp->dstport, err, errlen);

	if (fd < 0)
		return fd;
	vp->rx_fd = fd;
	sock_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF);
	if (vp->family == AF_INET6 && !vp->udpcsum &&
	    sock_opt(fd, IPPROTO_UDP, UDP_NO_CHECK6_RX, 1, "udpcsum=off", err,
		     errlen))
		return -errno;
	gro_setup(vp);
	for (uint16_t i = 0; i < vp->n_socks; i++) {
		fd = sock_bind(vp, (uint16_t)(vp->srcport_min + i), err,
			       errlen);
		if (fd < 0)
			return fd;
		vp->tx_fd[i] = fd;
		if (tx_sock_setup(vp, fd, err, errlen))
			return -EINVAL;
	}
	return 0;
}

/**
 * vxlan_rx_fd() - the receive socket is readable when datagrams wait
 */
static int vxlan_rx_fd(struct port *port, uint16_t q)
{
	(void)q;
	return vxlan_of(port)->rx_fd;
}

/**
 * vxlan_close() - close the sockets and free the port
 */
static void vxlan_close(struct port *port)
{
	struct vxlan_port *vp = vxlan_of(port);

	if (vp->rx_fd >= 0)
		close(vp->rx_fd);
	for (unsigned int i = 0; i < VXLAN_SRCPORTS_MAX; i++) {
		if (vp->tx_fd[i] >= 0)
			close(vp->tx_fd[i]);
	}
	vxlan_rx_free(vp);
	port_free(port);
}

/**
 * remote_json() - one remote's status and counters
 * @vp:		port
 * @r:		remote
 *
 * Return: JSON object
 */
static json_t *remote_json(struct vxlan_port *vp, const struct vxlan_remote *r)
{
	char ip[INET6_ADDRSTRLEN];
	uint64_t pk = 0, by = 0;

	(void)vp;
	for (unsigned int q = 0; q < PORT_MAX_QUEUES; q++) {
		pk += r->tx[q].packets;
		by += r->tx[q].bytes;
	}
	addr_text(&r->addr, ip, sizeof(ip));
	return json_pack("{s:s,s:b,s:I,s:I,s:I,s:I}", "remote", ip, "flood",
			 r->flood, "rx_packets", (json_int_t)r->rx_packets,
			 "rx_bytes", (json_int_t)r->rx_bytes, "tx_packets",
			 (json_int_t)pk, "tx_bytes", (json_int_t)by);
}

/**
 * vxlan_info() - kind-specific fields for `vioctl port list`
 */
static void vxlan_info(struct port *port, json_t *obj)
{
	struct vxlan_port *vp = vxlan_of(port);
	uint32_t n = __atomic_load_n(&vp->n_remotes, __ATOMIC_ACQUIRE);
	json_t *remotes = json_array(), *drops = json_object();
	char ip[INET6_ADDRSTRLEN], range[16];
	uint64_t trains = 0, segs = 0;

	addr_text(&vp->local, ip, sizeof(ip));
	snprintf(range, sizeof(range), "%u-%u", vp->srcport_min,
		 vp->srcport_min + vp->n_socks - 1);
	json_object_set_new(obj, "vni", json_integer(vp->vni));
	json_object_set_new(obj, "local", json_string(ip));
	json_object_set_new(obj, "dstport", json_integer(vp->dstport));
	json_object_set_new(obj, "srcport", json_string(range));
	json_object_set_new(obj, "mtu", json_integer(vp->mtu));
	json_object_set_new(obj, "ttl", json_integer(vp->ttl));
	json_object_set_new(obj, "tos", json_integer(vp->tos));
	json_object_set_new(obj, "df", json_boolean(vp->df));
	json_object_set_new(obj, "udpcsum", json_boolean(vp->udpcsum));
	json_object_set_new(obj, "learning", json_boolean(vp->learning));
	json_object_set_new(
		obj, "udp_segment",
		json_boolean(__atomic_load_n(&vp->gso, __ATOMIC_RELAXED)));
	for (unsigned int q = 0; q < PORT_MAX_QUEUES; q++) {
		trains += __atomic_load_n(&vp->txq[q].trains, __ATOMIC_RELAXED);
		segs += __atomic_load_n(&vp->txq[q].train_segs,
					__ATOMIC_RELAXED);
	}
	json_object_set_new(obj, "udp_gro", json_boolean(vp->gro));
	json_object_set_new(obj, "udp_gro_buffers",
			    json_integer((json_int_t)__atomic_load_n(
				    &vp->rxq.gro_buffers, __ATOMIC_RELAXED)));
	json_object_set_new(obj, "udp_gro_datagrams",
			    json_integer((json_int_t)__atomic_load_n(
				    &vp->rxq.gro_datagrams, __ATOMIC_RELAXED)));
	json_object_set_new(obj, "lro_frames",
			    json_integer((json_int_t)__atomic_load_n(
				    &vp->rxq.lro.merged, __ATOMIC_RELAXED)));
	json_object_set_new(
		obj, "lro_segments",
		json_integer((json_int_t)__atomic_load_n(
			&vp->rxq.lro.merged_segs, __ATOMIC_RELAXED)));
	json_object_set_new(obj, "udp_segment_trains",
			    json_integer((json_int_t)trains));
	json_object_set_new(obj, "udp_segment_datagrams",
			    json_integer((json_int_t)segs));
	for (uint32_t i = 0; i < n; i++)
		json_array_append_new(remotes,
				      remote_json(vp, &vp->remotes[i]));
	json_object_set_new(obj, "remotes", remotes);
	for (unsigned int d = 0; d < VXLAN_DROP__MAX; d++)
		json_object_set_new(drops, vxlan_drop_names[d],
				    json_integer((json_int_t)__atomic_load_n(
					    &vp->drops[d], __ATOMIC_RELAXED)));
	json_object_set_new(obj, "decap_drops", drops);
}

/**
 * vxlan_hint() - what a peer VTEP needs
 */
static void vxlan_hint(struct port *port, FILE *out)
{
	struct vxlan_port *vp = vxlan_of(port);
	char ip[INET6_ADDRSTRLEN];

	addr_text(&vp->local, ip, sizeof(ip));
	fprintf(out,
		"    a Linux peer: ip link add vx0 type vxlan id %u dstport "
		"%u local PEER_IP remote %s\n",
		vp->vni, vp->dstport, ip);
}

/**
 * vxlan_hop_parse() - the remote a static FDB entry names ("IP"); added
 * to the port's remotes (not to its flood list) when new
 */
static int vxlan_hop_parse(struct port *port, const char *text, uint32_t *hop,
			   char *err, size_t errlen)
{
	struct vxlan_port *vp = vxlan_of(port);
	union vxlan_addr a;
	int r;

	if (addr_parse("remote", text, &a, err, errlen))
		return -EINVAL;
	if (a.sa.sa_family != vp->family || !addr_usable(&a)) {
		snprintf(err, errlen,
			 "remote %s: expected a unicast %s address", text,
			 vp->family == AF_INET ? "IPv4" : "IPv6");
		return -EINVAL;
	}
	r = vxlan_remote_add(vp, &a, false);
	if (r < 0) {
		snprintf(err, errlen, "port %s: at most %d remotes", port->id,
			 VXLAN_REMOTES_MAX);
		return -ENOSPC;
	}
	*hop = (uint32_t)r + 1;
	return 0;
}

/**
 * vxlan_hop_name() - the remote's address, for `vioctl fdb show`
 */
static void vxlan_hop_name(struct port *port, uint32_t hop, char *buf,
			   size_t len)
{
	struct vxlan_port *vp = vxlan_of(port);

	if (hop && hop <= __atomic_load_n(&vp->n_remotes, __ATOMIC_ACQUIRE))
		addr_text(&vp->remotes[hop - 1].addr, buf, len);
	else
		snprintf(buf, len, "-");
}

static const struct port_ops vxlan_ops = {
	.rx_burst = vxlan_rx_burst,
	.tx_burst = vxlan_tx_burst,
	.rx_fd = vxlan_rx_fd,
	.close = vxlan_close,
	.info = vxlan_info,
	.hint = vxlan_hint,
	.hop_parse = vxlan_hop_parse,
	.hop_name = vxlan_hop_name,
};

/**
 * vxlan_setup() - parse the specification into @vp and open its sockets
 * @vp:		port, fresh
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int vxlan_setup(struct vxlan_port *vp, const struct netdev *nd,
		       char *err, size_t errlen)
{
	uint16_t room = (uint16_t)(rte_pktmbuf_data_room_size(port_mbuf_pool) -
				   RTE_PKTMBUF_HEADROOM);

	if (parse_local(vp, nd, err, errlen) ||
	    parse_options(vp, nd, err, errlen) ||
	    parse_remotes(vp, nd, err, errlen))
		return -EINVAL;
	vp->port.max_frame = vp->mtu + RTE_ETHER_HDR_LEN;
	if (vp->port.max_frame > room && !port_jumbo_pool_create()) {
		snprintf(err, errlen, "mtu=%u: no memory for receive buffers",
			 vp->mtu);
		return -ENOMEM;
	}
	vp->hdr[0] = VXLAN_FLAG_I;
	vp->hdr[4] = (uint8_t)(vp->vni >> 16);
	vp->hdr[5] = (uint8_t)(vp->vni >> 8);
	vp->hdr[6] = (uint8_t)vp->vni;
	if (!vp->learning)
		vp->port.learn_limit = 0;
	return open_sockets(vp, err, errlen);
}

/**
 * vxlan_open() - create a VXLAN port from its specification
 * @nd:		parsed specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: port, or NULL with a message in @err
 */
static struct port *vxlan_open(const struct netdev *nd, char *err,
			       size_t errlen)
{
	struct vxlan_port *vp;
	char ip[INET6_ADDRSTRLEN];

	if (port_hops_enable()) {
		snprintf(err, errlen,
			 "cannot register the mbuf next-hop field");
		return NULL;
	}
	vp = (struct vxlan_port *)port_alloc(&port_kind_vxlan, &vxlan_ops, nd,
					     sizeof(*vp));
	if (!vp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	vp->rx_fd = -1;
	for (unsigned int i = 0; i < VXLAN_SRCPORTS_MAX; i++)
		vp->tx_fd[i] = -1;
	rte_spinlock_init(&vp->lock);
	vxlan_remotes_init(vp);
	vp->port.hops = true;
	/* TCP super-frames and partial checksums: vxlan_tso.c */
	vp->port.caps = PORT_CAP_MULTISEG | PORT_CAP_L4_CKSUM | PORT_CAP_TSO4 |
			PORT_CAP_TSO6;
	vp->port.n_rxq = 1;
	vp->port.n_txq = PORT_MAX_QUEUES;
	if (vxlan_setup(vp, nd, err, errlen)) {
		vxlan_close(&vp->port);
		return NULL;
	}
	addr_text(&vp->local, ip, sizeof(ip));
	log_info("port %s: vxlan vni %u on %s port %u, %u remotes, mtu %u",
		 vp->port.id, vp->vni, ip, vp->dstport, vp->n_remotes, vp->mtu);
	return &vp->port;
}

const struct port_kind port_kind_vxlan = {
	.name = "vxlan",
	.keys = vxlan_keys,
	.storm_default = 0,
	.open = vxlan_open,
};

/**
 * port_kind_vxlan_register() - make the kind known to `--netdev` when the
 * program loads
 */
RTE_INIT(port_kind_vxlan_register)
{
	port_kind_register(&port_kind_vxlan);
}
