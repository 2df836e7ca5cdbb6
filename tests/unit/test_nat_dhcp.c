// SPDX-License-Identifier: BSD-3-Clause
/* test_nat_dhcp.c - unit tests of the NAT's DHCP server (slirp/nat_dhcp.c)
 * and of a NAT port policing guests (slirp/slirp_nat.c) on real mbufs
 *
 * The server is fed DHCP frames as a guest sends them and its replies are
 * parsed back; the port tests open a real NAT port (its NAT thread not
 * started) and push mbufs through slirp_frame_in(), as the NAT thread
 * does, stamped with the switch port they came from.
 */
#include "eal_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>

#include "mbuf_copy.h"
#include "nat_bind.h"
#include "nat_dhcp.h"
#include "port.h"
#include "slirp_port.h"

#define S 1000000000LL

static struct nat_bind b;
static struct nat_dhcp *d;
static const char *const search[] = { "example.com", "b.org", NULL };

/**
 * struct reply - a reply of the server, parsed
 * @type:	message type (53), 0 for no reply
 * @yiaddr:	address given
 * @dst:	Ethernet destination
 * @opt:	option values by code; @olen their lengths (0: absent)
 * @olen:	lengths
 */
struct reply {
	uint8_t type;
	uint32_t yiaddr;
	uint8_t dst[6];
	uint8_t opt[256][64];
	uint8_t olen[256];
};

static struct reply rep;

/**
 * ip4() - an address in network order
 * @s:		dotted quad
 *
 * Return: address
 */
static uint32_t ip4(const char *s)
{
	uint32_t a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/**
 * dhcp_frame() - a client's DHCP message, broadcast
 * @f:		600 bytes
 * @m:		client MAC number (source and chaddr)
 * @type:	message type, 0 for none (BOOTP)
 * @req:	option 50, or NULL
 * @server:	option 54, or NULL
 * @ciaddr:	ciaddr, or NULL
 *
 * Return: frame length
 */
static uint32_t dhcp_frame(uint8_t *f, uint32_t m, uint8_t type,
			   const char *req, const char *server,
			   const char *ciaddr)
{
	struct rte_ether_addr mac = fixture_mac(m);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	uint8_t *udp = f + 34, *bp = f + 42, *o = bp + 240;
	uint32_t blen = 300, a;

	memset(f, 0, 600);
	memset(f, 0xff, 6);
	memcpy(f + 6, &mac, 6);
	f[12] = 0x08;
	bp[0] = 1;
	bp[1] = 1;
	bp[2] = 6;
	memcpy(bp + 4, &m, 4);
	if (ciaddr) {
		a = ip4(ciaddr);
		memcpy(bp + 12, &a, 4);
	}
	memcpy(bp + 28, &mac, 6);
	memcpy(bp + 236, "\x63\x82\x53\x63", 4);
	if (type) {
		*o++ = 53;
		*o++ = 1;
		*o++ = type;
	}
	if (req) {
		*o++ = 50;
		*o++ = 4;
		a = ip4(req);
		memcpy(o, &a, 4);
		o += 4;
	}
	if (server) {
		*o++ = 54;
		*o++ = 4;
		a = ip4(server);
		memcpy(o, &a, 4);
		o += 4;
	}
	*o = 255;
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = RTE_IPV4_VHL_DEF,
		.total_length = htons((uint16_t)(20 + 8 + blen)),
		.time_to_live = 64,
		.next_proto_id = IPPROTO_UDP,
		.dst_addr = 0xffffffffu,
	};
	udp[1] = 68;
	udp[3] = 67;
	udp[4] = (uint8_t)((8 + blen) >> 8);
	udp[5] = (uint8_t)(8 + blen);
	return 14 + 20 + 8 + blen;
}

/**
 * parse_reply() - read a reply frame into @rep
 * @f:		frame
 * @len:	its length (0: no reply)
 */
static void parse_reply(const uint8_t *f, uint32_t len)
{
	const uint8_t *bp = f + 42, *o = bp + 240;

	memset(&rep, 0, sizeof(rep));
	if (!len)
		return;
	assert_true(len >= 42 + 300);
	assert_int_equal(f[23], IPPROTO_UDP);
	assert_int_equal(bp[0], 2);
	memcpy(&rep.yiaddr, bp + 16, 4);
	memcpy(rep.dst, f, 6);
	while (o < f + len && *o != 255) {
		if (!*o) {
			o++;
			continue;
		}
		assert_true(o + 2 + o[1] <= f + len);
		if (o[1] <= 64) {
			/* option 119 may come in pieces: keep the first */
			if (!rep.olen[o[0]]) {
				memcpy(rep.opt[o[0]], o + 2, o[1]);
				rep.olen[o[0]] = o[1];
			}
		}
		o += 2 + o[1];
	}
	rep.type = rep.opt[53][0];
}

/**
 * ask() - send the server a message and parse its reply
 * @m:		client MAC number
 * @port:	switch port
 * @type:	message type
 * @req:	option 50, or NULL
 * @server:	option 54, or NULL
 * @ciaddr:	ciaddr, or NULL
 * @now:	clock
 *
 * Return: the reply's message type, 0 for none
 */
static uint8_t ask(uint32_t m, uint16_t port, uint8_t type, const char *req,
		   const char *server, const char *ciaddr, int64_t now)
{
	uint8_t f[600], out[NAT_DHCP_REPLY_MAX];
	uint32_t len = dhcp_frame(f, m, type, req, server, ciaddr), rlen;

	assert_true(nat_dhcp_is_request(f, len, ip4("10.0.2.2")));
	assert_true(nat_dhcp_input(d, f, len, port, now, out, &rlen));
	parse_reply(out, rlen);
	return rep.type;
}

/**
 * lease() - DISCOVER, OFFER, REQUEST, ACK for a client
 * @m:		client MAC number
 * @port:	switch port
 * @now:	clock
 *
 * Return: the address acked, 0 when there was none
 */
static uint32_t lease(uint32_t m, uint16_t port, int64_t now)
{
	char a[INET_ADDRSTRLEN];

	if (ask(m, port, 1, NULL, NULL, NULL, now) != 2)
		return 0;
	inet_ntop(AF_INET, &rep.yiaddr, a, sizeof(a));
	if (ask(m, port, 3, a, "10.0.2.2", NULL, now) != 5)
		return 0;
	return rep.yiaddr;
}

/**
 * open_server() - a server for 10.0.2.0/24, pool .15 to @end
 * @end:	last address of the pool
 * @per_port:	leases per port
 */
static void open_server(const char *end, unsigned int per_port)
{
	struct nat_dhcp_cfg c = {
		.net = ip4("10.0.2.0"),
		.mask = ip4("255.255.255.0"),
		.host = ip4("10.0.2.2"),
		.dns = ip4("10.0.2.3"),
		.mac = { { 0x52, 0x55, 10, 0, 2, 2 } },
		.start = ip4("10.0.2.15"),
		.end = ip4(end),
		.per_port = per_port,
		.lease_s = 86400,
		.hostname = "guest1",
		.domainname = "test.lan",
		.dnssearch = search,
	};

	nat_bind_init(&b, c.net, c.mask, c.host, c.dns);
	d = nat_dhcp_new(&c, &b);
	assert_non_null(d);
}

/**
 * setup() - the default server: pool .15-.254, 4 leases per port
 * @state:	unused
 *
 * Return: 0
 */
static int setup(void **state)
{
	(void)state;
	open_server("10.0.2.254", 4);
	return 0;
}

/**
 * teardown() - free the server and its table
 * @state:	unused
 *
 * Return: 0
 */
static int teardown(void **state)
{
	(void)state;
	nat_dhcp_free(d);
	nat_bind_fini(&b);
	return 0;
}

/**
 * test_dora_as_libslirp() - DISCOVER/OFFER/REQUEST/ACK: .15 first, the
 * options libslirp gives, and the lease becomes a binding
 * @state:	unused
 */
static void test_dora_as_libslirp(void **state)
{
	static const uint8_t opt119[] = { 7,   'e', 'x', 'a', 'm', 'p', 'l',
					  'e', 3,   'c', 'o', 'm', 0,	1,
					  'b', 3,   'o', 'r', 'g', 0 };
	struct rte_ether_addr m1 = fixture_mac(1), m;
	uint32_t v;
	uint16_t port;

	(void)state;
	assert_int_equal(ask(1, 5, 1, NULL, NULL, NULL, S), 2);
	assert_int_equal(rep.yiaddr, ip4("10.0.2.15"));
	assert_memory_equal(rep.dst, &m1, 6);
	assert_false(nat_bind_mac(&b, ip4("10.0.2.15"), &m, NULL));
	assert_int_equal(ask(1, 5, 3, "10.0.2.15", "10.0.2.2", NULL, S), 5);
	assert_int_equal(rep.yiaddr, ip4("10.0.2.15"));
	memcpy(&v, rep.opt[1], 4);
	assert_int_equal(v, ip4("255.255.255.0"));
	memcpy(&v, rep.opt[3], 4);
	assert_int_equal(v, ip4("10.0.2.2"));
	memcpy(&v, rep.opt[6], 4);
	assert_int_equal(v, ip4("10.0.2.3"));
	memcpy(&v, rep.opt[54], 4);
	assert_int_equal(v, ip4("10.0.2.2"));
	memcpy(&v, rep.opt[51], 4);
	assert_int_equal(ntohl(v), 86400);
	assert_int_equal(rep.olen[12], 6);
	assert_memory_equal(rep.opt[12], "guest1", 6);
	assert_memory_equal(rep.opt[15], "test.lan", 8);
	assert_int_equal(rep.olen[119], sizeof(opt119));
	assert_memory_equal(rep.opt[119], opt119, sizeof(opt119));
	assert_true(nat_bind_mac(&b, ip4("10.0.2.15"), &m, &port));
	assert_memory_equal(&m, &m1, 6);
	assert_int_equal(port, 5);
	/* A second client gets the next address. */
	assert_int_equal(lease(2, 6, S), ip4("10.0.2.16"));
	assert_int_equal(d->events[NAT_DHCP_EV_ACK], 2);
}

/**
 * test_renew_reboot_release() - renewing (ciaddr), INIT-REBOOT (option
 * 50) of one's own or a free address are ACKed, of another's NAKed;
 * RELEASE frees the address and its binding
 * @state:	unused
 */
static void test_renew_reboot_release(void **state)
{
	struct rte_ether_addr m;

	(void)state;
	assert_int_equal(lease(1, 1, S), ip4("10.0.2.15"));
	assert_int_equal(ask(1, 1, 3, NULL, NULL, "10.0.2.15", 50000 * S), 5);
	assert_int_equal(rep.yiaddr, ip4("10.0.2.15"));
	/* INIT-REBOOT of a free address (the switch restarted, say). */
	assert_int_equal(ask(2, 2, 3, "10.0.2.40", NULL, NULL, 50000 * S), 5);
	assert_int_equal(rep.yiaddr, ip4("10.0.2.40"));
	/* Another's address: NAK, broadcast, counted; nothing moves. */
	assert_int_equal(ask(3, 3, 3, "10.0.2.15", NULL, NULL, 50000 * S), 6);
	assert_memory_equal(rep.dst, "\xff\xff\xff\xff\xff\xff", 6);
	assert_int_equal(d->refused[NAT_DHCP_REFUSE_NAK], 1);
	/* The same MAC on another port is another client. */
	assert_int_equal(ask(1, 9, 3, "10.0.2.15", NULL, NULL, 50000 * S), 6);
	assert_true(nat_bind_mac(&b, ip4("10.0.2.15"), &m, NULL));
	/* Release: the address is free for the next client. */
	ask(1, 1, 7, NULL, NULL, "10.0.2.15", 50001 * S);
	assert_false(nat_bind_mac(&b, ip4("10.0.2.15"), &m, NULL));
	assert_int_equal(lease(3, 3, 50002 * S), ip4("10.0.2.15"));
	/* A lease not renewed ends: its binding with it. */
	assert_int_equal(lease(4, 4, 50003 * S), ip4("10.0.2.16"));
	assert_int_equal(nat_bind_check(&b, ip4("10.0.2.16"),
					&(struct rte_ether_addr){ { 2, 9 } }, 4,
					(50003 + 86401) * S),
			 NAT_BIND_OK); /* free again: learned */
}

/**
 * test_port_quota() - random MACs on one port get its quota of offers and
 * no more, counted; other ports are served as before
 * @state:	unused
 */
static void test_port_quota(void **state)
{
	unsigned int offers = 0;
	struct nat_dhcp_lease *l;

	(void)state;
	for (uint32_t m = 100; m < 164; m++)
		offers += ask(m, 7, 1, NULL, NULL, NULL, S) == 2;
	assert_int_equal(offers, 4);
	assert_int_equal(d->refused[NAT_DHCP_REFUSE_PORT_CAP], 60);
	/* A REQUEST without an offer is refused the same way. */
	assert_int_equal(ask(200, 7, 3, "10.0.2.100", NULL, NULL, S), 0);
	assert_int_equal(d->refused[NAT_DHCP_REFUSE_PORT_CAP], 61);
	assert_int_equal(lease(1, 8, S), ip4("10.0.2.19"));
	/* Offers not taken lapse: the quota comes back. */
	assert_int_equal(
		ask(300, 7, 1, NULL, NULL, NULL, (NAT_DHCP_OFFER_S + 2) * S),
		2);
	l = calloc(NAT_DHCP_MAX_LEASES, sizeof(*l));
	assert_int_equal(nat_dhcp_list(d, l, NAT_DHCP_MAX_LEASES,
				       (NAT_DHCP_OFFER_S + 2) * S),
			 2);
	free(l);
}

/**
 * test_pool_bounds() - a small pool runs out (counted), an address ip=
 * reserves is never given, a REQUEST for another server withdraws our
 * offer, and leases restore from a list
 * @state:	unused
 */
static void test_pool_bounds(void **state)
{
	struct nat_dhcp_lease l[4];
	unsigned int n;

	(void)state;
	teardown(NULL);
	open_server("10.0.2.17", 4);
	assert_int_equal(
		nat_bind_set(&b, NAT_BIND_STATIC, ip4("10.0.2.15"), NULL, 9, 0),
		0);
	assert_int_equal(lease(1, 1, S), ip4("10.0.2.16"));
	assert_int_equal(ask(2, 2, 1, NULL, NULL, NULL, S), 2);
	assert_int_equal(rep.yiaddr, ip4("10.0.2.17"));
	assert_int_equal(ask(3, 3, 1, NULL, NULL, NULL, S), 0);
	assert_int_equal(d->refused[NAT_DHCP_REFUSE_POOL_EMPTY], 1);
	assert_int_equal(ask(3, 3, 3, "10.0.2.15", NULL, NULL, S), 6);
	/* Client 2 took another server's offer: ours is withdrawn. */
	assert_int_equal(ask(2, 2, 3, "192.168.0.9", "192.168.0.1", NULL, S),
			 0);
	assert_int_equal(lease(3, 3, S), ip4("10.0.2.17"));
	/* List, forget, restore. */
	n = nat_dhcp_list(d, l, 4, 2 * S);
	assert_int_equal(n, 2);
	nat_dhcp_flush_port(d, 1);
	nat_dhcp_flush_port(d, 3);
	nat_bind_flush_port(&b, 1);
	nat_bind_flush_port(&b, 3);
	assert_int_equal(nat_dhcp_list(d, l + 2, 2, 2 * S), 0);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(nat_dhcp_restore(d, &l[i], 2 * S), 0);
	assert_int_equal(nat_dhcp_restore(d, &l[0], 2 * S), 0);
	assert_int_equal(nat_dhcp_list(d, l, 4, 2 * S), 2);
	assert_true(nat_bind_find(&b, ip4("10.0.2.16")) != NULL);
}

/**
 * test_hostile_requests() - truncated and malformed frames, and a client
 * asking for another MAC, get nothing and change nothing
 * @state:	unused
 */
static void test_hostile_requests(void **state)
{
	uint8_t f[600], g[600], out[NAT_DHCP_REPLY_MAX];
	uint32_t len = dhcp_frame(f, 1, 1, NULL, NULL, NULL), rlen;

	(void)state;
	for (uint32_t cut = 0; cut < len; cut++) {
		memcpy(g, f, len);
		if (nat_dhcp_is_request(g, cut, ip4("10.0.2.2")))
			nat_dhcp_input(d, g, cut, 1, S, out, &rlen);
	}
	/* An option running past the end. */
	memcpy(g, f, len);
	g[42 + 240 + 1] = 200;
	g[42 + 240 + 3] = 1;
	assert_true(nat_dhcp_input(d, g, len, 1, S, out, &rlen));
	/* chaddr not the frame's source. */
	memcpy(g, f, len);
	g[42 + 28 + 5] ^= 1;
	assert_true(nat_dhcp_input(d, g, len, 1, S, out, &rlen));
	assert_int_equal(rlen, 0);
	assert_int_equal(d->refused[NAT_DHCP_REFUSE_CHADDR], 1);
	assert_true(d->refused[NAT_DHCP_REFUSE_MALFORMED] > 0);
	assert_int_equal(d->events[NAT_DHCP_EV_OFFER], 0);
	assert_int_equal(b.n, 0);
	/* Not DHCP to us: to another server's address, or to port 68. */
	memcpy(g, f, len);
	((struct rte_ipv4_hdr *)(g + 14))->dst_addr = ip4("10.0.2.99");
	assert_false(nat_dhcp_is_request(g, len, ip4("10.0.2.2")));
	memcpy(g, f, len);
	g[34 + 3] = 68;
	assert_false(nat_dhcp_is_request(g, len, ip4("10.0.2.2")));
}

/* ---- through a NAT port, on mbufs ------------------------------------ */

/**
 * port_in() - a guest frame entering the NAT from switch port @port
 * @sp:		NAT port
 * @f:		frame
 * @len:	its length
 * @port:	switch port index
 */
static void port_in(struct slirp_port *sp, const uint8_t *f, uint32_t len,
		    uint16_t port)
{
	struct rte_mbuf *m = mbuf_from_bytes(port_mbuf_pool, f, len, 60);

	assert_non_null(m);
	m->port = port;
	slirp_frame_in(sp, m);
}

/**
 * arp_from() - an ARP request from MAC @m at @ip to the NAT host
 * @f:		42 bytes
 * @m:		MAC number
 * @ip:		sender address
 */
static void arp_from(uint8_t *f, uint32_t m, const char *ip)
{
	struct rte_ether_addr mac = fixture_mac(m);
	uint32_t a = ip4(ip), h = ip4("10.0.2.2");

	memset(f, 0, 42);
	memset(f, 0xff, 6);
	memcpy(f + 6, &mac, 6);
	memcpy(f + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01", 10);
	memcpy(f + 22, &mac, 6);
	memcpy(f + 28, &a, 4);
	memcpy(f + 38, &h, 4);
}

/**
 * drain() - free what the NAT queued toward the guests
 * @sp:		NAT port
 *
 * Return: frames freed
 */
static unsigned int drain(struct slirp_port *sp)
{
	unsigned int n = 0;
	void *m;

	while (!rte_ring_dequeue(sp->from_slirp, &m)) {
		rte_pktmbuf_free(m);
		n++;
	}
	return n;
}

/**
 * test_port_drops_spoof() - a NAT port leases through its own server
 * (replies steered to the asking port), then drops (ip_spoof) and never
 * learns another port's frames from the leased address, while the
 * holder's pass
 * @state:	unused
 */
static void test_port_drops_spoof(void **state)
{
	struct port_counters sum;
	struct slirp_port *sp;
	struct rte_ether_addr m;
	struct rte_mbuf *r;
	uint8_t f[600];
	char err[256];
	uint32_t len;
	uint16_t to;

	(void)state;
	sp = (struct slirp_port *)port_open(
		"user,id=nat,dhcp-leases-per-port=2", err, sizeof(err));
	if (!sp)
		fail_msg("port_open: %s", err);
	len = dhcp_frame(f, 1, 1, NULL, NULL, NULL);
	port_in(sp, f, len, 3);
	len = dhcp_frame(f, 1, 3, "10.0.2.15", "10.0.2.2", NULL);
	port_in(sp, f, len, 3);
	/* OFFER and ACK go to the asking port only (then libslirp's answer
	 * to the ARP that told it the client). */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(rte_ring_dequeue(sp->from_slirp, (void **)&r),
				 0);
		assert_int_equal(r->port, 3);
		rte_pktmbuf_free(r);
	}
	drain(sp);
	arp_from(f, 9, "10.0.2.15");
	port_in(sp, f, 42, 4);
	arp_from(f, 1, "10.0.2.15");
	port_in(sp, f, 42, 4); /* the victim's MAC, on the attacker's port */
	arp_from(f, 1, "10.0.2.15");
	port_in(sp, f, 42, 3);
	drain(sp);
	port_counters_sum(&sp->port, &sum);
	assert_int_equal(sum.drops[DROP_IP_SPOOF], 2);
	assert_true(slirp_nat_mac(sp, ip4("10.0.2.15"), &m, &to));
	assert_int_equal(m.addr_bytes[5], 1);
	assert_int_equal(to, 3);
	assert_int_equal(slirp_nat_port_addr(sp, 3), ip4("10.0.2.15"));
	assert_int_equal(slirp_nat_port_addr(sp, 4), 0);
	sp->port.ops->close(&sp->port);
}

/**
 * main() - run the DHCP server tests
 *
 * Return: number of failed tests
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dora_as_libslirp, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_renew_reboot_release,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_quota, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pool_bounds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hostile_requests, setup,
						teardown),
		FIXTURE_TEST(test_port_drops_spoof),
	};

	return cmocka_run_group_tests_name("nat_dhcp", tests, fixture_eal_setup,
					   fixture_eal_teardown);
}
