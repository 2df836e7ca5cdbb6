// SPDX-License-Identifier: BSD-3-Clause
/* slirp_port.c - the user-mode NAT port: VMs reach the host and beyond
 *
 * Theory of operation
 * -------------------
 * `--netdev user,id=nat[,net=10.0.2.0/24][,host=10.0.2.2][,dns=10.0.2.3]
 * [,dhcpstart=10.0.2.15][,ipv6=on|off][,ipv6-net=fec0::/64]
 * [,restrict=on|off][,hostname=..][,domainname=..][,dnssearch=..]...
 * [,hostfwd=RULE]...`, with QEMU's defaults. One NAT serves every VM on the
 * switch: each gets its own DHCP lease, and VMs still reach each other
 * directly through the switch.
 *
 * libslirp runs on the port's own thread (slirp_thread.c); frames cross
 * through an input queue with a lane per sending port (slirp_inq.c: PMD
 * threads produce; a full lane is a nat_busy drop counted on the port that
 * sent the frame, so a guest that floods the NAT only loses its own
 * frames) and the from_slirp ring (the NAT thread produces, a full ring is
 * a counted rx_full drop), each with an eventfd to wake the other side,
 * written only when that side said it may sleep, so nobody ever waits for
 * the other and a loaded NAT makes no syscall per frame for it. The NAT
 * is created, and its hostfwd rules bound, when the port is opened, so a
 * rule that cannot bind is reported at once with the reason.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_ether.h>

#include "log.h"
#include "netdev.h"
#include "slirp_port.h"
#include "vswitch.h"

#define RING_SIZE 2048

static const char *const user_keys[] = {
	"net",
	"host",
	"dns",
	"dhcpstart",
	"ipv6",
	"ipv6-net",
	"ipv6-host",
	"ipv6-dns",
	"restrict",
	"hostname",
	"domainname",
	"dnssearch",
	"hostfwd",
	/* caps and timeouts: nat_limits.c */
	"udp_flows",
	"udp_flows_guest",
	"tcp_conns",
	"tcp_conns_guest",
	"hostfwd_conns",
	"hostfwd_conns_rule",
	"udp_timeout",
	"udp_timeout_replied",
	"dhcpend",
	"dhcp-leases-per-port",
	"dhcp-lease-time",
	NULL,
};

/**
 * slirp_of() - the NAT port containing @port
 * @port:	generic port
 *
 * Return: NAT port
 */
static struct slirp_port *slirp_of(struct port *port)
{
	return (struct slirp_port *)port;
}

/**
 * user_rx_burst() - frames from the NAT toward the guests
 */
static uint16_t user_rx_burst(struct port *port, uint16_t q,
			      struct rte_mbuf **pkts, uint16_t max)
{
	(void)q;
	return (uint16_t)rte_ring_sc_dequeue_burst(slirp_of(port)->from_slirp,
						   (void **)pkts, max, NULL);
}

/**
 * drop_refused() - drop frames the input queue refused, each counted as
 * nat_busy on the port it came from (PMD thread)
 * @port:	the NAT port, charged for a frame whose port is gone
 * @pkts:	frames, consumed
 * @n:		count
 */
static void drop_refused(struct port *port, struct rte_mbuf **pkts,
			 unsigned int n)
{
	const struct port_table *t = vswitch_table();
	unsigned int i = 0;

	while (i < n) {
		uint16_t from = pkts[i]->port;
		unsigned int end = i + 1;
		struct port *in = NULL;

		while (end < n && pkts[end]->port == from)
			end++;
		if (t && from < PORT_TABLE_MAX)
			in = t->by_index[from];
		port_drop(in ? in : port, DROP_NAT_BUSY, pkts + i, end - i);
		i = end;
	}
}

/**
 * user_tx_burst() - frames from the guests into the NAT; consumes all @n
 */
static uint16_t user_tx_burst(struct port *port, uint16_t q,
			      struct rte_mbuf **pkts, uint16_t n)
{
	struct port_counters *c = port_counters(port);
	struct slirp_port *sp = slirp_of(port);
	unsigned int refused, sent;
	uint64_t bytes = 0, one = 1;

	(void)q;
	/* Counted before: once queued, a frame is the NAT thread's. */
	for (uint16_t i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	refused = slirp_inq_enqueue(&sp->inq, pkts, n);
	for (unsigned int i = 0; i < refused; i++)
		bytes -= pkts[i]->pkt_len;
	sent = n - refused;
	c->tx_packets += sent;
	c->tx_bytes += bytes;
	drop_refused(port, pkts, refused);
	/* A syscall only when the NAT thread may be asleep in poll(); the
	 * fence orders our enqueue before reading its flag. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (sent && __atomic_load_n(&sp->nat_sleeping, __ATOMIC_RELAXED) &&
	    write(sp->in_efd, &one, sizeof(one)) < 0)
		port_count_drop(port, DROP_TX_ERROR, 0);
	return (uint16_t)sent;
}

/**
 * user_rx_fd() - readable when the NAT queued frames
 */
static int user_rx_fd(struct port *port, uint16_t q)
{
	(void)q;
	return slirp_of(port)->out_efd;
}

/**
 * user_rx_arm() - ask the NAT thread for wake-ups and clear the eventfd;
 * the PMD thread polls once more after (the fence orders our flag before
 * that poll, as the NAT thread's orders its enqueue before reading it)
 */
static void user_rx_arm(struct port *port, uint16_t q)
{
	struct slirp_port *sp = slirp_of(port);
	uint64_t v;

	(void)q;
	__atomic_store_n(&sp->pmd_armed, true, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (read(sp->out_efd, &v, sizeof(v)) < 0)
		v = 0;
}

/**
 * user_rx_disarm() - the PMD thread polls: no wake-ups
 */
static void user_rx_disarm(struct port *port, uint16_t q)
{
	(void)q;
	__atomic_store_n(&slirp_of(port)->pmd_armed, false, __ATOMIC_RELAXED);
}

/**
 * user_start() - start the NAT thread
 */
static int user_start(struct port *port)
{
	return slirp_thread_start(slirp_of(port));
}

/**
 * user_stop() - stop the NAT thread
 */
static void user_stop(struct port *port)
{
	slirp_thread_stop(slirp_of(port));
}

/**
 * free_ring() - free a ring and the mbufs on it; accepts NULL
 * @r:		ring
 */
static void free_ring(struct rte_ring *r)
{
	void *m;

	while (r && !rte_ring_dequeue(r, &m))
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

/**
 * close_fd() - close an fd if it is open
 * @fd:		descriptor, or -1
 */
static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

/**
 * user_close() - close the NAT (its listening sockets too) and free it
 */
static void user_close(struct port *port)
{
	struct slirp_port *sp = slirp_of(port);

	slirp_thread_stop(sp);
	nat_tcp_free(sp->tcp);
	nat_udp_free(sp->udp);
	slirp_census_free(sp->census);
	nat_reass_free(sp->reass);
	free(sp->lim);
	if (sp->slirp)
		slirp_cleanup(sp->slirp);
	slirp_inq_fini(&sp->inq);
	free_ring(sp->from_slirp);
	close_fd(sp->in_efd);
	close_fd(sp->out_efd);
	close_fd(sp->stop_efd);
	close_fd(sp->call_efd);
	slirp_nat_close(sp);
	for (unsigned int i = 0; i < RTE_DIM(sp->strings); i++)
		free(sp->strings[i]);
	pthread_mutex_destroy(&sp->call.lock);
	pthread_cond_destroy(&sp->call.done);
	port_free(port);
}

/**
 * user_info() - kind-specific fields for `vioctl port list`
 */
static void user_info(struct port *port, json_t *obj)
{
	struct slirp_port *sp = slirp_of(port);
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];
	char net[64];

	inet_ntop(AF_INET, &sp->cfg.vnetwork, a, sizeof(a));
	inet_ntop(AF_INET, &sp->cfg.vhost, b, sizeof(b));
	inet_ntop(AF_INET, &sp->cfg.vnameserver, c, sizeof(c));
	snprintf(net, sizeof(net), "%s/%d", a,
		 __builtin_popcount(sp->cfg.vnetmask.s_addr));
	json_object_set_new(obj, "net", json_string(net));
	json_object_set_new(obj, "host", json_string(b));
	json_object_set_new(obj, "dns", json_string(c));
	json_object_set_new(obj, "ipv6", json_boolean(sp->cfg.in6_enabled));
	json_object_set_new(obj, "hostfwd_rules", json_integer(sp->n_rules));
	if (sp->tcp)
		json_object_set_new(obj, "nat_tcp", nat_tcp_stats(sp->tcp));
	if (sp->udp)
		json_object_set_new(obj, "nat_udp", nat_udp_stats(sp->udp));
	if (sp->reass)
		json_object_set_new(obj, "nat_reass",
				    nat_reass_stats(sp->reass));
	if (sp->lim)
		json_object_set_new(obj, "limits", nat_limits_json(sp->lim));
	if (sp->nat)
		json_object_set_new(obj, "nat", slirp_nat_stats(sp));
}

/**
 * user_tick() - once a second (control thread): port changes to the NAT
 * thread, then rules that name a port
 */
static void user_tick(struct port *port)
{
	slirp_nat_tick(slirp_of(port));
	slirp_hostfwd_tick(port);
}

/**
 * user_hint() - how to reach the guests through the NAT
 */
static void user_hint(struct port *port, FILE *out)
{
	struct slirp_port *sp = slirp_of(port);

	for (unsigned int i = 0; i < sp->n_rules; i++) {
		char host[64];

		hostfwd_host_str(&sp->rules[i], host, sizeof(host));
		fprintf(out,
			"    hostfwd %s: connect to %s (e.g. ssh -p %s "
			"root@%.*s)\n",
			sp->rules[i].text, host, strrchr(host, ':') + 1,
			(int)(strrchr(host, ':') - host), host);
	}
}

static const struct port_ops user_ops = {
	.rx_burst = user_rx_burst,
	.tx_burst = user_tx_burst,
	.rx_fd = user_rx_fd,
	.rx_arm = user_rx_arm,
	.rx_disarm = user_rx_disarm,
	.start = user_start,
	.stop = user_stop,
	.close = user_close,
	.info = user_info,
	.hint = user_hint,
	.tick = user_tick,
};

/**
 * parse_in4() - an IPv4 address option
 * @nd:		specification
 * @key:	option key
 * @out:	result, untouched when absent
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_in4(const struct netdev *nd, const char *key,
		     struct in_addr *out, char *err, size_t errlen)
{
	const char *v = netdev_get(nd, key);

	if (v && inet_pton(AF_INET, v, out) != 1) {
		snprintf(err, errlen, "%s=%s: not an IPv4 address", key, v);
		return -EINVAL;
	}
	return 0;
}

/**
 * parse_net4() - net=ADDR[/PREFIX] (also ADDR/MASK), as QEMU takes it
 * @sp:		port
 * @v:		value
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_net4(struct slirp_port *sp, const char *v, char *err,
		      size_t errlen)
{
	char buf[64], *slash;
	long bits = 24;

	snprintf(buf, sizeof(buf), "%s", v);
	slash = strchr(buf, '/');
	if (slash) {
		char *end;

		*slash++ = '\0';
		bits = strtol(slash, &end, 10);
		if (*end && inet_pton(AF_INET, slash, &sp->cfg.vnetmask) == 1)
			bits = -1;
		else if (*end || bits < 8 || bits > 30)
			goto bad;
	}
	if (inet_pton(AF_INET, buf, &sp->cfg.vnetwork) != 1)
		goto bad;
	if (bits >= 0)
		sp->cfg.vnetmask.s_addr = htonl(~0u << (32 - bits));
	sp->cfg.vnetwork.s_addr &= sp->cfg.vnetmask.s_addr;
	/* QEMU's defaults inside the network: .2 host, .3 DNS, .15 DHCP */
	sp->cfg.vhost.s_addr = sp->cfg.vnetwork.s_addr | htonl(2);
	sp->cfg.vnameserver.s_addr = sp->cfg.vnetwork.s_addr | htonl(3);
	sp->cfg.vdhcp_start.s_addr = sp->cfg.vnetwork.s_addr | htonl(15);
	return 0;
bad:
	snprintf(err, errlen,
		 "net=%s: expected an IPv4 network such as "
		 "10.0.2.0/24",
		 v);
	return -EINVAL;
}

/**
 * parse_ipv6() - ipv6=, ipv6-net=, ipv6-host=, ipv6-dns=
 * @sp:		port
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_ipv6(struct slirp_port *sp, const struct netdev *nd, char *err,
		      size_t errlen)
{
	const char *net = netdev_get(nd, "ipv6-net");
	const char *keys[] = { "ipv6-host", "ipv6-dns" };
	struct in6_addr *outs[] = { &sp->cfg.vhost6, &sp->cfg.vnameserver6 };

	if (netdev_get_bool(nd, "ipv6", &sp->cfg.in6_enabled, err, errlen))
		return -EINVAL;
	if (net) {
		char buf[64], *slash;
		long bits = 64;

		snprintf(buf, sizeof(buf), "%s", net);
		slash = strchr(buf, '/');
		if (slash) {
			*slash++ = '\0';
			bits = strtol(slash, NULL, 10);
		}
		if (inet_pton(AF_INET6, buf, &sp->cfg.vprefix_addr6) != 1 ||
		    bits < 8 || bits > 126) {
			snprintf(err, errlen,
				 "ipv6-net=%s: expected an IPv6 "
				 "prefix such as fec0::/64",
				 net);
			return -EINVAL;
		}
		sp->cfg.vprefix_len = (uint8_t)bits;
		sp->cfg.vhost6 = sp->cfg.vprefix_addr6;
		sp->cfg.vhost6.s6_addr[15] |= 2;
		sp->cfg.vnameserver6 = sp->cfg.vprefix_addr6;
		sp->cfg.vnameserver6.s6_addr[15] |= 3;
	}
	for (int i = 0; i < 2; i++) {
		const char *v = netdev_get(nd, keys[i]);

		if (v && inet_pton(AF_INET6, v, outs[i]) != 1) {
			snprintf(err, errlen, "%s=%s: not an IPv6 address",
				 keys[i], v);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * parse_names() - hostname=, domainname=, dnssearch= (repeatable)
 * @sp:		port
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_names(struct slirp_port *sp, const struct netdev *nd,
		       char *err, size_t errlen)
{
	unsigned int n = 0;
	const char *v;

	if ((v = netdev_get(nd, "hostname")))
		sp->cfg.vhostname = sp->strings[SLIRP_MAX_DNSSEARCH] =
			strdup(v);
	if ((v = netdev_get(nd, "domainname")))
		sp->cfg.vdomainname = sp->strings[SLIRP_MAX_DNSSEARCH + 1] =
			strdup(v);
	for (unsigned int i = 0; i < nd->n_kv; i++) {
		if (strcmp(nd->kv[i].key, "dnssearch"))
			continue;
		if (n == SLIRP_MAX_DNSSEARCH) {
			snprintf(err, errlen, "dnssearch: at most %d domains",
				 SLIRP_MAX_DNSSEARCH);
			return -EINVAL;
		}
		sp->dnssearch[n] = sp->strings[n] = strdup(nd->kv[i].value);
		n++;
	}
	if (n)
		sp->cfg.vdnssearch = sp->dnssearch;
	return 0;
}

/**
 * parse_config() - QEMU's -netdev user keys into a libslirp configuration
 * @sp:		port
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_config(struct slirp_port *sp, const struct netdev *nd,
			char *err, size_t errlen)
{
	bool restrict_on = false;

	sp->cfg = (SlirpConfig){
		.version = 4,
		.in_enabled = true,
		.in6_enabled = true,
		.vprefix_len = 64,
		.if_mtu = SLIRP_MTU,
		.if_mru = SLIRP_MTU,
	};
	inet_pton(AF_INET6, "fec0::", &sp->cfg.vprefix_addr6);
	inet_pton(AF_INET6, "fec0::2", &sp->cfg.vhost6);
	inet_pton(AF_INET6, "fec0::3", &sp->cfg.vnameserver6);
	if (parse_net4(sp, netdev_get(nd, "net") ?: "10.0.2.0/24", err,
		       errlen) ||
	    parse_in4(nd, "host", &sp->cfg.vhost, err, errlen) ||
	    parse_in4(nd, "dns", &sp->cfg.vnameserver, err, errlen) ||
	    parse_in4(nd, "dhcpstart", &sp->cfg.vdhcp_start, err, errlen) ||
	    parse_ipv6(sp, nd, err, errlen) ||
	    netdev_get_bool(nd, "restrict", &restrict_on, err, errlen) ||
	    parse_names(sp, nd, err, errlen) ||
	    nat_caps_parse(&sp->caps, nd, err, errlen))
		return -EINVAL;
	sp->cfg.restricted = restrict_on;
	return 0;
}

/**
 * setup_plumbing() - rings and eventfds
 * @sp:		port
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -ENOMEM
 */
static int setup_plumbing(struct slirp_port *sp, char *err, size_t errlen)
{
	static unsigned int seq;
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "nat_in%u", seq);
	if (slirp_inq_init(&sp->inq, name)) {
		snprintf(err, errlen, "out of memory for the NAT's rings");
		return -ENOMEM;
	}
	snprintf(name, sizeof(name), "nat_out%u", seq++);
	sp->from_slirp = rte_ring_create(name, RING_SIZE, SOCKET_ID_ANY,
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
	sp->in_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	sp->out_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	sp->pmd_armed = true; /* until a PMD thread polls the port */
	sp->stop_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	sp->call_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!sp->from_slirp || sp->in_efd < 0 || sp->out_efd < 0 ||
	    sp->stop_efd < 0 || sp->call_efd < 0) {
		snprintf(err, errlen, "out of memory for the NAT's rings");
		return -ENOMEM;
	}
	return 0;
}

/**
 * add_rules() - bind every hostfwd= rule of the specification
 * @sp:		port with its libslirp instance
 * @nd:		specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno naming the rule
 */
static int add_rules(struct slirp_port *sp, const struct netdev *nd, char *err,
		     size_t errlen)
{
	for (unsigned int i = 0; i < nd->n_kv; i++) {
		int rc;

		if (strcmp(nd->kv[i].key, "hostfwd"))
			continue;
		rc = slirp_hostfwd_add(&sp->port, nd->kv[i].value, NULL, err,
				       errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * user_open() - create a NAT port from its specification
 * @nd:		parsed specification
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: port, or NULL with a message in @err
 */
static struct port *user_open(const struct netdev *nd, char *err, size_t errlen)
{
	struct slirp_port *sp;

	sp = (struct slirp_port *)port_alloc(&port_kind_user, &user_ops, nd,
					     sizeof(*sp));
	if (!sp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	sp->in_efd = sp->out_efd = sp->stop_efd = sp->call_efd = -1;
	pthread_mutex_init(&sp->call.lock, NULL);
	pthread_cond_init(&sp->call.done, NULL);
	sp->port.caps = PORT_CAP_MULTISEG | PORT_CAP_L4_CKSUM | PORT_CAP_TSO4 |
			PORT_CAP_TSO6 | PORT_CAP_UFO;
	sp->port.max_frame = SLIRP_MTU + RTE_ETHER_HDR_LEN;
	sp->port.steers = true; /* frames to a bound guest: its port only */
	sp->mss4 = 1460;
	sp->mss6 = 1440;
	if (parse_config(sp, nd, err, errlen) ||
	    setup_plumbing(sp, err, errlen) ||
	    slirp_nat_open(sp, nd, err, errlen))
		goto err;
	sp->slirp = slirp_instance_new(sp);
	if (!sp->slirp) {
		snprintf(err, errlen, "libslirp refused the configuration");
		goto err;
	}
	sp->lim = malloc(sizeof(*sp->lim));
	if (sp->lim)
		nat_limits_init(sp->lim, &sp->caps);
	sp->tcp = sp->lim ? nat_tcp_new(sp) : NULL;
	sp->udp = sp->lim ? nat_udp_new(sp) : NULL;
	sp->census = sp->lim ? slirp_census_new(sp) : NULL;
	sp->reass = nat_reass_new(SLIRP_MTU);
	if (!sp->tcp || !sp->udp || !sp->census || !sp->reass) {
		snprintf(err, errlen, "out of memory");
		goto err;
	}
	if (add_rules(sp, nd, err, errlen))
		goto err;
	return &sp->port;
err:
	user_close(&sp->port);
	return NULL;
}

const struct port_kind port_kind_user = {
	.name = "user",
	.keys = user_keys,
	.open = user_open,
};

/**
 * port_kind_user_register() - make the kind known to `--netdev` when the
 * program loads
 */
RTE_INIT(port_kind_user_register)
{
	port_kind_register(&port_kind_user);
}
