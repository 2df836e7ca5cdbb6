// SPDX-License-Identifier: BSD-3-Clause
/* slirp_nat.c - guest isolation on the shared NAT: bindings, DHCP, leases
 *
 * Theory of operation
 * -------------------
 * Every VM on the switch shares one NAT, so the NAT must know who is who
 * (nat_bind.c) and must not let one guest take the addresses of the others
 * (nat_dhcp.c). This file ties both to the NAT port:
 * - slirp_nat_input(), on the NAT thread, sees every frame a guest sends
 *   the NAT before the spliced TCP and libslirp do. An IPv4 or ARP frame
 *   whose source address is bound to another MAC or port is dropped and
 *   counted (ip_spoof on the NAT port); a DHCP message is answered by the
 *   NAT's own server and never reaches libslirp. The port a frame came from
 *   is the mbuf's port field, which the switch sets when it receives the
 *   frame (forward.c). After an ACK libslirp's own ARP table is told the
 *   client's MAC, as libslirp's DHCP server did itself.
 * - slirp_nat_tick(), once a second on the control thread, tells the NAT
 *   thread (slirp_call) which ports carry ip= and which ports went
 *   away (their bindings and leases end), so the NAT thread stays the only
 *   writer of both tables.
 * - slirp_nat_leases() lists bindings and leases for `vioctl nat leases`,
 *   each table read under its lock.
 * - Across a restart of the switch, slirp_nat_lease_list() gives the
 *   leases to the state file and slirp_nat_lease_restore() takes them
 *   back (and their bindings, so a rule naming a port finds its guest at
 *   once). Then, for NAT_PROBE_S seconds, the tick asks every restored
 *   guest not heard from since with an ARP request from the NAT's own
 *   address, sent to the leased MAC on the leased port only: a guest whose
 *   lease is still valid answers, which confirms its binding (nat_bind.c:
 *   a reply from another MAC or port is spoofing and moves nothing) and
 *   fills libslirp's ARP table.
 * hostfwd rules find their guest here: slirp_nat_mac() for the spliced TCP
 * path, slirp_nat_port_addr() for rules that name a port. Frames toward a
 * bound guest - spliced TCP, DHCP replies, libslirp's IPv4 frames
 * (slirp_output.c, through @sp->bind) - go to the bound MAC and name the bound port in
 * their mbuf's port field: the switch sends them there and nowhere else
 * (the NAT port steers, port.h), so a guest that takes another's MAC
 * still gets none of its frames from the NAT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>

#include "clock.h"
#include "log.h"
#include "mbuf_copy.h"
#include "nat_bind.h"
#include "nat_dhcp.h"
#include "netdev.h"
#include "slirp_port.h"
#include "vswitch.h"

#define ETH_MIN_LEN 60
#define NAT_PROBE_S 30 /* restored leases are asked this long */

/**
 * struct slirp_nat - a NAT port's bindings and DHCP server
 * @bind:	the binding table
 * @dhcp:	the DHCP server
 * @ids:	port ids by index at the last tick ("" for none)
 * @statics:	ip= of each port index as the NAT thread knows it
 * @probe_from_ns: when leases were last restored: the guests not heard
 *		from since are asked (ARP) until @probe_until_ns
 * @probe_until_ns: end of the asking, 0 for none
 * @reply:	a DHCP reply being built (NAT thread)
 */
struct slirp_nat {
	struct nat_bind bind;
	struct nat_dhcp *dhcp;
	char ids[PORT_TABLE_MAX][PORT_ID_MAX];
	uint32_t statics[PORT_TABLE_MAX];
	int64_t probe_from_ns;
	int64_t probe_until_ns;
	uint8_t reply[NAT_DHCP_REPLY_MAX];
};

/**
 * struct nat_sync - what the tick asks the NAT thread to change
 * @gone:	ports whose bindings and leases end
 * @old_ip:	ip= the NAT thread knows, per port
 * @new_ip:	ip= now, per port
 */
struct nat_sync {
	bool gone[PORT_TABLE_MAX];
	uint32_t old_ip[PORT_TABLE_MAX];
	uint32_t new_ip[PORT_TABLE_MAX];
};

/**
 * parse_pool() - dhcpend=, dhcp-leases-per-port=, dhcp-lease-time=
 * @sp:		port, its libslirp configuration parsed
 * @nd:		specification
 * @c:		filled
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_pool(const struct slirp_port *sp, const struct netdev *nd,
		      struct nat_dhcp_cfg *c, char *err, size_t errlen)
{
	const char *v = netdev_get(nd, "dhcpend");
	uint32_t mask = sp->cfg.vnetmask.s_addr;

	c->start = sp->cfg.vdhcp_start.s_addr;
	c->end = htonl(ntohl(sp->cfg.vnetwork.s_addr | ~mask) - 1);
	if (v && inet_pton(AF_INET, v, &c->end) != 1) {
		snprintf(err, errlen, "dhcpend=%s: not an IPv4 address", v);
		return -EINVAL;
	}
	if ((c->start & mask) != sp->cfg.vnetwork.s_addr ||
	    (c->end & mask) != sp->cfg.vnetwork.s_addr ||
	    ntohl(c->end) < ntohl(c->start) ||
	    ntohl(c->end) >= ntohl(sp->cfg.vnetwork.s_addr | ~mask)) {
		snprintf(err, errlen,
			 "dhcpstart..dhcpend: expected a range of host "
			 "addresses inside net=");
		return -EINVAL;
	}
	c->per_port = NAT_DHCP_PER_PORT;
	c->lease_s = NAT_DHCP_LEASE_S;
	if (netdev_get_u32(nd, "dhcp-leases-per-port", 1, NAT_DHCP_MAX_LEASES,
			   &c->per_port, err, errlen) ||
	    netdev_get_u32(nd, "dhcp-lease-time", 60, 0x7fffffff, &c->lease_s,
			   err, errlen))
		return -EINVAL;
	return 0;
}

/**
 * slirp_nat_open() - the bindings and DHCP server of a NAT port
 * @sp:		port, its libslirp configuration parsed
 * @nd:		specification (dhcpend=, dhcp-leases-per-port=,
 *		dhcp-lease-time=)
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, -EINVAL or -ENOMEM with a message
 */
int slirp_nat_open(struct slirp_port *sp, const struct netdev *nd, char *err,
		   size_t errlen)
{
	struct nat_dhcp_cfg c = {
		.net = sp->cfg.vnetwork.s_addr,
		.mask = sp->cfg.vnetmask.s_addr,
		.host = sp->cfg.vhost.s_addr,
		.dns = sp->cfg.vnameserver.s_addr,
		.mac = { { 0x52, 0x55 } },
		.restricted = sp->cfg.restricted,
		.hostname = sp->cfg.vhostname,
		.domainname = sp->cfg.vdomainname,
		.dnssearch = sp->cfg.vdnssearch,
	};

	if (parse_pool(sp, nd, &c, err, errlen))
		return -EINVAL;
	memcpy(&c.mac.addr_bytes[2], &sp->cfg.vhost, 4);
	sp->nat = calloc(1, sizeof(*sp->nat));
	if (!sp->nat) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	nat_bind_init(&sp->nat->bind, c.net, c.mask, c.host, c.dns);
	sp->bind = &sp->nat->bind;
	sp->nat->dhcp = nat_dhcp_new(&c, &sp->nat->bind);
	if (!sp->nat->dhcp) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/**
 * slirp_nat_close() - free what slirp_nat_open() made; accepts a port
 * without it
 * @sp:		port, its NAT thread stopped
 */
void slirp_nat_close(struct slirp_port *sp)
{
	if (!sp->nat)
		return;
	nat_dhcp_free(sp->nat->dhcp);
	nat_bind_fini(&sp->nat->bind);
	free(sp->nat);
	sp->nat = NULL;
	sp->bind = NULL;
}

/**
 * seed_arp() - tell libslirp's ARP table the MAC of a client just given an
 * address, with an ARP request from it (libslirp's DHCP server did this
 * itself; libslirp answers it to the guest, which ignores the answer)
 * @sp:		port
 * @reply:	the ACK just sent (client MAC in its chaddr, address in its
 *		yiaddr)
 */
static void seed_arp(struct slirp_port *sp, const uint8_t *reply)
{
	const uint8_t *bp = reply + 14 + 20 + 8;
	uint8_t f[42];
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(f + 14);

	memset(f, 0xff, 6);
	memcpy(f + 6, bp + 28, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	memcpy(&a->arp_data.arp_sha, bp + 28, 6);
	memcpy(&a->arp_data.arp_sip, bp + 16, 4);
	memset(&a->arp_data.arp_tha, 0, 6);
	a->arp_data.arp_tip = sp->cfg.vhost.s_addr;
	slirp_input(sp->slirp, f, sizeof(f));
}

/**
 * serve_dhcp() - answer a guest's DHCP message (NAT thread)
 * @sp:		port
 * @m:		the frame, still the caller's
 * @port:	its switch port
 * @now:	clock_mono_ns()
 */
static void serve_dhcp(struct slirp_port *sp, const struct rte_mbuf *m,
		       uint16_t port, int64_t now)
{
	struct slirp_nat *nat = sp->nat;
	uint64_t acks = nat->dhcp->events[NAT_DHCP_EV_ACK];
	uint32_t len = RTE_MIN(m->pkt_len, (uint32_t)sizeof(sp->buf));
	const uint8_t *f = rte_pktmbuf_read(m, 0, len, sp->buf);
	struct rte_mbuf *r;
	uint32_t rlen;

	nat_dhcp_input(nat->dhcp, f, len, port, now, nat->reply, &rlen);
	if (!rlen)
		return;
	r = mbuf_from_bytes(port_mbuf_pool, nat->reply, rlen, ETH_MIN_LEN);
	if (!r) {
		slirp_frame_lost(sp);
		return;
	}
	r->port = nat_bind_to_port(port); /* the asking port only */
	slirp_frame_queue(sp, r);
	if (nat->dhcp->events[NAT_DHCP_EV_ACK] != acks)
		seed_arp(sp, nat->reply);
}

/**
 * source_of() - the IPv4 source a guest's frame claims
 * @f:		its first bytes, untagged
 * @len:	how many
 *
 * Return: IPv4 source (ARP: sender) address, or 0 for other frames
 */
static uint32_t source_of(const uint8_t *f, uint32_t len)
{
	uint32_t ip = 0;

	if (f[12] == 0x08 && f[13] == 0x06 && len >= 42)
		memcpy(&ip, f + 28, 4);
	else if (f[12] == 0x08 && f[13] == 0x00 && len >= 34)
		memcpy(&ip, f + 26, 4);
	return ip;
}

/**
 * log_spoof() - say who spoofed whom, at most once a second
 * @sp:		port
 * @f:		the frame
 * @ip:		the address it used
 * @port:	where it came from
 */
static void log_spoof(struct slirp_port *sp, const uint8_t *f, uint32_t ip,
		      uint16_t port)
{
	static struct log_ratelimit rl;
	const struct nat_bind_entry *e = nat_bind_find(&sp->nat->bind, ip);
	char a[INET_ADDRSTRLEN];

	if (!log_ratelimit_ok(&rl))
		return;
	inet_ntop(AF_INET, &ip, a, sizeof(a));
	log_warn("port %s: dropped a frame from %02x:%02x:%02x:%02x:%02x:%02x "
		 "(port index %u) using %s, which is %s%s",
		 sp->port.id, f[6], f[7], f[8], f[9], f[10], f[11], port, a,
		 e ? "bound to another guest: " : "the NAT's own",
		 e ? nat_bind_source_names[e->source] : "");
}

/**
 * slirp_nat_input() - police a guest's frame and serve DHCP (NAT thread)
 * @sp:		port
 * @m:		frame from the switch, untagged; consumed when this returns
 *		true
 * @f:		its first bytes, linear
 * @len:	how many (at most 64)
 *
 * Return: true when the frame was taken (spoof dropped and counted, or
 *	   DHCP answered), false to go on to the spliced TCP and libslirp
 */
bool slirp_nat_input(struct slirp_port *sp, struct rte_mbuf *m,
		     const uint8_t *f, uint32_t len)
{
	uint16_t port = nat_bind_port_of(m->port);
	int64_t now = clock_mono_ns();
	uint32_t ip;

	if (len < RTE_ETHER_HDR_LEN)
		return false;
	ip = source_of(f, len);
	if (ip && nat_bind_check(&sp->nat->bind, ip,
				 (const struct rte_ether_addr *)(f + 6), port,
				 now) == NAT_BIND_SPOOF) {
		log_spoof(sp, f, ip, port);
		port_drop(&sp->port, DROP_IP_SPOOF, &m, 1);
		return true;
	}
	if (!nat_dhcp_is_request(f, len, sp->cfg.vhost.s_addr))
		return false;
	serve_dhcp(sp, m, port, now);
	rte_pktmbuf_free(m);
	return true;
}

/**
 * slirp_nat_to_port() - where frames back to a guest frame's sender go
 * @m:		the guest's frame (its port field: where it entered)
 *
 * Return: the port to steer to, or RTE_MBUF_PORT_INVALID
 */
uint16_t slirp_nat_to_port(const struct rte_mbuf *m)
{
	return nat_bind_to_port(nat_bind_port_of(m->port));
}

/**
 * slirp_nat_mac() - where a hostfwd connection to @ip goes: the MAC and
 * port bound to it (NAT thread)
 * @sp:		port
 * @ip:		guest address, network order
 * @mac:	set when bound
 * @to:		set to the port to steer its frames to
 *
 * Return: true when @ip is bound to a known MAC
 */
bool slirp_nat_mac(const struct slirp_port *sp, uint32_t ip,
		   struct rte_ether_addr *mac, uint16_t *to)
{
	uint16_t port;

	if (!nat_bind_mac(&sp->nat->bind, ip, mac, &port))
		return false;
	*to = nat_bind_to_port(port);
	return true;
}

/**
 * slirp_nat_port_addr() - the address the VM on a port uses (any thread)
 * @sp:		NAT port
 * @port_index:	the VM's port
 *
 * Return: address (network order), or 0 when it has none
 */
uint32_t slirp_nat_port_addr(struct slirp_port *sp, uint16_t port_index)
{
	return nat_bind_port_addr(&sp->nat->bind, port_index);
}

/**
 * sync_run() - apply a tick's changes (NAT thread)
 * @arg_sp:	struct slirp_port
 * @arg:	struct nat_sync
 *
 * Return: 0
 */
static int sync_run(void *arg_sp, void *arg)
{
	struct slirp_port *sp = arg_sp;
	struct nat_sync *s = arg;
	char a[INET_ADDRSTRLEN];

	for (uint16_t i = 0; i < PORT_TABLE_MAX; i++) {
		if (s->gone[i]) {
			nat_bind_flush_port(&sp->nat->bind, i);
			nat_dhcp_flush_port(sp->nat->dhcp, i);
		} else if (s->old_ip[i] && s->old_ip[i] != s->new_ip[i]) {
			nat_bind_del(&sp->nat->bind, NAT_BIND_STATIC,
				     s->old_ip[i], NULL, i);
		}
		if (!s->new_ip[i] || s->new_ip[i] == s->old_ip[i])
			continue;
		if (nat_bind_set(&sp->nat->bind, NAT_BIND_STATIC, s->new_ip[i],
				 NULL, i, 0)) {
			inet_ntop(AF_INET, &s->new_ip[i], a, sizeof(a));
			log_warn("port %s: ip=%s of port index %u is outside "
				 "the NAT's network or taken by another ip=",
				 sp->port.id, a, i);
		}
	}
	return 0;
}

/**
 * slirp_nat_lease_list() - the DHCP leases in force, for the state file
 * (any thread)
 * @port:	NAT port
 * @out:	leases (offers left out)
 * @max:	room in @out
 *
 * Return: how many
 */
unsigned int slirp_nat_lease_list(struct port *port, struct nat_dhcp_lease *out,
				  unsigned int max)
{
	struct slirp_port *sp = (struct slirp_port *)port;
	unsigned int n =
		nat_dhcp_list(sp->nat->dhcp, out, max, clock_mono_ns());
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (out[i].state == NAT_DHCP_BOUND)
			out[k++] = out[i];
	}
	return k;
}

/**
 * restore_run() - take back one lease (NAT thread)
 * @arg_sp:	struct slirp_port
 * @arg:	struct nat_dhcp_lease
 *
 * Return: 0, or -errno from nat_dhcp_restore()
 */
static int restore_run(void *arg_sp, void *arg)
{
	struct slirp_port *sp = arg_sp;

	return nat_dhcp_restore(sp->nat->dhcp, arg, clock_mono_ns());
}

/**
 * slirp_nat_lease_restore() - take back a lease the state file kept
 * (control thread); the guest holding it is then asked for a while
 * @port:	NAT port
 * @l:		the lease, its port index that of the same port id now
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
int slirp_nat_lease_restore(struct port *port, const struct nat_dhcp_lease *l,
			    char *err, size_t errlen)
{
	struct slirp_port *sp = (struct slirp_port *)port;
	struct nat_dhcp_lease copy = *l;
	int64_t now = clock_mono_ns();
	int rc = slirp_call(sp, restore_run, &copy);

	if (rc) {
		snprintf(err, errlen, "%s",
			 rc == -EEXIST	 ? "the address is taken"
			 : rc == -ENOSPC ? "the lease table is full"
					 : "expired, or not in the pool");
		return rc;
	}
	if (!sp->nat->probe_until_ns)
		sp->nat->probe_from_ns = now;
	sp->nat->probe_until_ns = now + NAT_PROBE_S * 1000000000LL;
	return 0;
}

/**
 * arp_probe() - ask the holder of a lease whether it is there: an ARP
 * request from the NAT's address to the leased MAC, on its port only
 * (NAT thread)
 * @sp:		port
 * @l:		the lease
 */
static void arp_probe(struct slirp_port *sp, const struct nat_dhcp_lease *l)
{
	uint8_t f[ETH_MIN_LEN] = { 0 };
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(f + 14);
	const struct rte_ether_addr *own = &sp->nat->dhcp->cfg.mac;
	struct rte_mbuf *m;

	memcpy(f, &l->mac, 6);
	memcpy(f + 6, own, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	a->arp_data.arp_sha = *own;
	a->arp_data.arp_sip = sp->cfg.vhost.s_addr;
	a->arp_data.arp_tip = l->ip;
	m = mbuf_from_bytes(port_mbuf_pool, f, sizeof(f), ETH_MIN_LEN);
	if (!m) {
		slirp_frame_lost(sp);
		return;
	}
	m->port = nat_bind_to_port(l->port);
	slirp_frame_queue(sp, m);
}

/**
 * probe_run() - ask every restored guest not heard from since (NAT thread)
 * @arg_sp:	struct slirp_port
 * @arg:	unused
 *
 * Return: 0
 */
static int probe_run(void *arg_sp, void *arg)
{
	struct slirp_port *sp = arg_sp;
	struct nat_dhcp_lease *l = calloc(NAT_DHCP_MAX_LEASES, sizeof(*l));
	unsigned int n;

	(void)arg;
	if (!l)
		return 0;
	n = slirp_nat_lease_list(&sp->port, l, NAT_DHCP_MAX_LEASES);
	for (unsigned int i = 0; i < n; i++) {
		struct nat_bind_entry e;

		if (nat_bind_get(&sp->nat->bind, l[i].ip, &e) &&
		    e.seen_ns >= sp->nat->probe_from_ns)
			continue;
		arp_probe(sp, &l[i]);
	}
	free(l);
	return 0;
}

/**
 * probe_tick() - while restored leases are being confirmed, ask their
 * guests once more (control thread, once a second)
 * @sp:		NAT port
 */
static void probe_tick(struct slirp_port *sp)
{
	if (!sp->nat->probe_until_ns)
		return;
	if (clock_mono_ns() >= sp->nat->probe_until_ns) {
		sp->nat->probe_until_ns = 0;
		return;
	}
	slirp_call(sp, probe_run, NULL);
}

/**
 * slirp_nat_tick() - tell the NAT thread which ports carry ip= and which
 * went away (control thread, once a second)
 * @sp:		NAT port
 */
void slirp_nat_tick(struct slirp_port *sp)
{
	struct slirp_nat *nat = sp->nat;
	const struct port_table *t = vsw.table;
	struct nat_sync *s = NULL;

	probe_tick(sp);
	for (unsigned int i = 0; t && i < PORT_TABLE_MAX; i++) {
		const struct port *p = t->by_index[i];
		const char *id = p ? p->id : "";
		uint32_t ip = p && p != &sp->port ? p->ip4 : 0;
		bool gone = nat->ids[i][0] && strcmp(nat->ids[i], id);

		if (!gone && ip == nat->statics[i])
			continue;
		if (!s && !(s = calloc(1, sizeof(*s))))
			return; /* try again next tick */
		s->gone[i] = gone;
		s->old_ip[i] = gone ? 0 : nat->statics[i];
		s->new_ip[i] = ip;
		nat->statics[i] = ip;
		snprintf(nat->ids[i], sizeof(nat->ids[i]), "%s", id);
	}
	for (unsigned int i = 0; t && i < PORT_TABLE_MAX; i++) {
		const struct port *p = t->by_index[i];

		if (p && !nat->ids[i][0])
			snprintf(nat->ids[i], sizeof(nat->ids[i]), "%s", p->id);
	}
	if (!s)
		return;
	if (slirp_call(sp, sync_run, s))
		log_warn("port %s: the NAT thread did not take the port "
			 "changes",
			 sp->port.id);
	free(s);
}

/**
 * port_name() - the id of a port index, for listings (control thread)
 * @port:	port index
 *
 * Return: id, or "?"
 */
static const char *port_name(uint16_t port)
{
	const struct port *p =
		port < PORT_TABLE_MAX ? vsw.table->by_index[port] : NULL;

	return p ? p->id : "?";
}

/**
 * slirp_nat_describe() - who an address is bound to, for `hostfwd list`
 * (control thread)
 * @sp:		NAT port
 * @ip:		address, network order
 * @buf:	"52:54:00:12:34:56 on vm1 (dhcp)", or "-" when unbound
 * @len:	its size
 */
void slirp_nat_describe(struct slirp_port *sp, uint32_t ip, char *buf,
			size_t len)
{
	char m[RTE_ETHER_ADDR_FMT_SIZE] = "any MAC";
	struct nat_bind_entry e;

	if (!nat_bind_get(&sp->nat->bind, ip, &e)) {
		snprintf(buf, len, "-");
		return;
	}
	if (e.mac_known)
		rte_ether_format_addr(m, sizeof(m), &e.mac);
	snprintf(buf, len, "%s on %s (%s)", m, port_name(e.port),
		 nat_bind_source_names[e.source]);
}

/**
 * lease_of() - the DHCP lease behind a dhcp binding
 * @l:		leases
 * @n:		how many
 * @e:		binding
 *
 * Return: the lease, or NULL
 */
static const struct nat_dhcp_lease *lease_of(const struct nat_dhcp_lease *l,
					     unsigned int n,
					     const struct nat_bind_entry *e)
{
	for (unsigned int i = 0; i < n; i++) {
		if (l[i].ip == e->ip && l[i].port == e->port &&
		    l[i].state == NAT_DHCP_BOUND)
			return &l[i];
	}
	return NULL;
}

/**
 * entry_json() - one row of `nat leases`
 * @ip:		address
 * @mac:	MAC, NULL when not known yet
 * @port:	port index
 * @source:	"dhcp", "static", "learned" or "offer"
 * @expire_ns:	end, 0 for never
 * @now:	clock_mono_ns()
 *
 * Return: {"ip", "mac", "port", "source", "expires_in"}
 */
static json_t *entry_json(uint32_t ip, const struct rte_ether_addr *mac,
			  uint16_t port, const char *source, int64_t expire_ns,
			  int64_t now)
{
	char a[INET_ADDRSTRLEN], m[RTE_ETHER_ADDR_FMT_SIZE] = "";
	json_t *o;

	inet_ntop(AF_INET, &ip, a, sizeof(a));
	if (mac)
		rte_ether_format_addr(m, sizeof(m), mac);
	o = json_pack("{s:s,s:s,s:s,s:s}", "ip", a, "mac", m, "port",
		      port_name(port), "source", source);
	json_object_set_new(
		o, "expires_in",
		expire_ns ? json_integer((expire_ns - now) / 1000000000LL)
			  : json_null());
	return o;
}

/**
 * slirp_nat_leases() - bindings and pending offers of a NAT port, for
 * `vioctl nat leases` (control thread)
 * @port:	NAT port
 *
 * Return: JSON array of {"ip", "mac", "port", "source", "expires_in"}
 *	   (seconds, null for never), or NULL when out of memory
 */
json_t *slirp_nat_leases(struct port *port)
{
	struct slirp_port *sp = (struct slirp_port *)port;
	struct nat_bind_entry *e = calloc(NAT_BIND_MAX, sizeof(*e));
	struct nat_dhcp_lease *l = calloc(NAT_DHCP_MAX_LEASES, sizeof(*l));
	int64_t now = clock_mono_ns();
	unsigned int ne, nl;
	json_t *list = NULL;

	if (!e || !l)
		goto out;
	list = json_array();
	ne = nat_bind_snapshot(&sp->nat->bind, e, NAT_BIND_MAX);
	nl = nat_dhcp_list(sp->nat->dhcp, l, NAT_DHCP_MAX_LEASES, now);
	for (unsigned int i = 0; i < ne; i++) {
		const struct nat_dhcp_lease *d = lease_of(l, nl, &e[i]);

		json_array_append_new(
			list,
			entry_json(e[i].ip, e[i].mac_known ? &e[i].mac : NULL,
				   e[i].port,
				   nat_bind_source_names[e[i].source],
				   d ? d->expire_ns : e[i].expire_ns, now));
	}
	for (unsigned int i = 0; i < nl; i++) {
		if (l[i].state == NAT_DHCP_OFFERED)
			json_array_append_new(
				list, entry_json(l[i].ip, &l[i].mac, l[i].port,
						 "offer", l[i].expire_ns, now));
	}
out:
	free(e);
	free(l);
	return list;
}

/**
 * slirp_nat_stats() - counters for `vioctl port list` and `nat leases
 * --json`: DHCP messages, refusals by reason, bindings refused
 * @sp:		port
 *
 * Return: JSON object
 */
json_t *slirp_nat_stats(struct slirp_port *sp)
{
	const struct nat_dhcp *d = sp->nat->dhcp;
	json_t *o = json_object(), *ev = json_object(), *rf = json_object();

	for (unsigned int i = 0; i < NAT_DHCP_EV__MAX; i++)
		json_object_set_new(ev, nat_dhcp_event_names[i],
				    json_integer((json_int_t)d->events[i]));
	for (unsigned int i = 0; i < NAT_DHCP_REFUSE__MAX; i++)
		json_object_set_new(rf, nat_dhcp_refusal_names[i],
				    json_integer((json_int_t)d->refused[i]));
	json_object_set_new(o, "dhcp", ev);
	json_object_set_new(o, "dhcp_refused", rf);
	json_object_set_new(o, "bindings", json_integer(sp->nat->bind.n));
	json_object_set_new(o, "ip_spoof",
			    json_integer((json_int_t)sp->nat->bind.spoofed));
	json_object_set_new(
		o, "learn_refused",
		json_integer((json_int_t)sp->nat->bind.learn_refused));
	return o;
}
