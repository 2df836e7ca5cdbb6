// SPDX-License-Identifier: BSD-3-Clause
/* test_nat_bind.c - unit tests of the NAT's binding table (slirp/nat_bind.c)
 *
 * Pure logic: the table is driven with addresses, MACs, ports and a clock
 * the test chooses.
 */
#include "eal_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nat_bind.h"

#define S 1000000000LL

static struct nat_bind b;

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
 * mac() - a test MAC
 * @n:		its number
 *
 * Return: MAC
 */
static struct rte_ether_addr mac(uint32_t n)
{
	return fixture_mac(n);
}

/**
 * check() - nat_bind_check() with a MAC by number
 * @ip:		source address
 * @m:		MAC number
 * @port:	port index
 * @now:	clock
 *
 * Return: verdict
 */
static enum nat_bind_verdict check(const char *ip, uint32_t m, uint16_t port,
				   int64_t now)
{
	struct rte_ether_addr a = mac(m);

	return nat_bind_check(&b, ip4(ip), &a, port, now);
}

/**
 * setup() - a table for 10.0.2.0/24, host .2, DNS .3
 * @state:	unused
 *
 * Return: 0
 */
static int setup(void **state)
{
	(void)state;
	nat_bind_init(&b, ip4("10.0.2.0"), ip4("255.255.255.0"),
		      ip4("10.0.2.2"), ip4("10.0.2.3"));
	return 0;
}

/**
 * teardown() - free the table
 * @state:	unused
 *
 * Return: 0
 */
static int teardown(void **state)
{
	(void)state;
	nat_bind_fini(&b);
	return 0;
}

/**
 * test_first_user_holds_until_idle() - a learned address stays with its
 * first user; other MACs or ports are spoofs and move nothing; it expires
 * after the idle time without frames, not while it is used
 * @state:	unused
 */
static void test_first_user_holds_until_idle(void **state)
{
	struct rte_ether_addr m, first;
	uint16_t port;

	(void)state;
	assert_int_equal(check("10.0.2.16", 1, 1, S), NAT_BIND_OK);
	assert_int_equal(check("10.0.2.16", 2, 1, 2 * S), NAT_BIND_SPOOF);
	assert_int_equal(check("10.0.2.16", 1, 2, 2 * S), NAT_BIND_SPOOF);
	assert_int_equal(check("10.0.2.16", 2, 2, 2 * S), NAT_BIND_SPOOF);
	assert_true(nat_bind_mac(&b, ip4("10.0.2.16"), &m, &port));
	first = mac(1);
	assert_memory_equal(&m, &first, 6);
	assert_int_equal(port, 1);
	assert_int_equal(b.spoofed, 3);
	/* Used every 200 s: still the first user's at 600 s. */
	for (int64_t t = 200; t <= 600; t += 200)
		assert_int_equal(check("10.0.2.16", 1, 1, t * S), NAT_BIND_OK);
	assert_int_equal(check("10.0.2.16", 2, 2, 800 * S), NAT_BIND_SPOOF);
	/* Idle for NAT_BIND_LEARN_IDLE_S: the next user takes it. */
	assert_int_equal(
		check("10.0.2.16", 2, 2, (600 + NAT_BIND_LEARN_IDLE_S + 1) * S),
		NAT_BIND_OK);
	assert_true(nat_bind_mac(&b, ip4("10.0.2.16"), &m, &port));
	assert_int_equal(port, 2);
}

/**
 * test_lease_beats_learned() - a DHCP lease of an address someone used
 * first ends that learned binding: the first user is now the spoofer
 * @state:	unused
 */
static void test_lease_beats_learned(void **state)
{
	struct rte_ether_addr victim = mac(7), m;
	uint16_t port;

	(void)state;
	assert_int_equal(check("10.0.2.15", 1, 1, S), NAT_BIND_OK);
	assert_int_equal(nat_bind_set(&b, NAT_BIND_DHCP, ip4("10.0.2.15"),
				      &victim, 3, 1000 * S),
			 0);
	assert_int_equal(check("10.0.2.15", 1, 1, 2 * S), NAT_BIND_SPOOF);
	assert_int_equal(check("10.0.2.15", 7, 3, 2 * S), NAT_BIND_OK);
	assert_true(nat_bind_mac(&b, ip4("10.0.2.15"), &m, &port));
	assert_memory_equal(&m, &victim, 6);
	assert_int_equal(port, 3);
	assert_int_equal(b.learned[1], 0);
	/* The lease ends: the address is free again. */
	assert_int_equal(check("10.0.2.15", 1, 1, 1001 * S), NAT_BIND_OK);
	assert_int_equal(b.learned[1], 1);
}

/**
 * test_static_port() - ip= binds an address to a port: any MAC there may
 * use it (the last one is where hostfwd goes), no other port, and no
 * lease may take it
 * @state:	unused
 */
static void test_static_port(void **state)
{
	struct rte_ether_addr m5 = mac(5), m;
	uint16_t port = 0;

	(void)state;
	assert_int_equal(
		nat_bind_set(&b, NAT_BIND_STATIC, ip4("10.0.2.9"), NULL, 4, 0),
		0);
	assert_false(nat_bind_mac(&b, ip4("10.0.2.9"), &m, NULL));
	assert_true(nat_bind_is_static(&b, ip4("10.0.2.9"), &port));
	assert_int_equal(port, 4);
	assert_int_equal(check("10.0.2.9", 1, 5, S), NAT_BIND_SPOOF);
	assert_int_equal(check("10.0.2.9", 5, 4, S), NAT_BIND_OK);
	assert_true(nat_bind_mac(&b, ip4("10.0.2.9"), &m, NULL));
	assert_memory_equal(&m, &m5, 6);
	assert_int_equal(check("10.0.2.9", 6, 4, S), NAT_BIND_OK);
	assert_int_equal(nat_bind_set(&b, NAT_BIND_DHCP, ip4("10.0.2.9"), &m5,
				      5, 100 * S),
			 -EEXIST);
	assert_int_equal(
		nat_bind_set(&b, NAT_BIND_STATIC, ip4("10.0.2.9"), NULL, 6, 0),
		-EEXIST);
	/* Static never expires. */
	assert_int_equal(check("10.0.2.9", 1, 5, 100000 * S), NAT_BIND_SPOOF);
	assert_int_equal(
		nat_bind_del(&b, NAT_BIND_STATIC, ip4("10.0.2.9"), NULL, 4), 0);
	assert_int_equal(check("10.0.2.9", 1, 5, 100001 * S), NAT_BIND_OK);
}

/**
 * test_reserved_and_foreign() - the NAT's own addresses are never a
 * guest's; 0.0.0.0 and addresses outside the network are not policed
 * @state:	unused
 */
static void test_reserved_and_foreign(void **state)
{
	struct rte_ether_addr m1 = mac(1);

	(void)state;
	assert_int_equal(check("10.0.2.2", 1, 1, S), NAT_BIND_SPOOF);
	assert_int_equal(check("10.0.2.3", 1, 1, S), NAT_BIND_SPOOF);
	assert_int_equal(check("10.0.2.0", 1, 1, S), NAT_BIND_SPOOF);
	assert_int_equal(check("10.0.2.255", 1, 1, S), NAT_BIND_SPOOF);
	assert_int_equal(check("0.0.0.0", 1, 1, S), NAT_BIND_PASS);
	assert_int_equal(check("192.168.1.4", 1, 1, S), NAT_BIND_PASS);
	assert_int_equal(b.n, 0);
	assert_int_equal(
		nat_bind_set(&b, NAT_BIND_DHCP, ip4("10.0.2.2"), &m1, 1, S),
		-EINVAL);
	assert_int_equal(
		nat_bind_set(&b, NAT_BIND_DHCP, ip4("10.0.3.20"), &m1, 1, S),
		-EINVAL);
}

/**
 * test_learn_quota() - a port learns at most NAT_BIND_LEARN_PER_PORT
 * addresses; others can still learn theirs
 * @state:	unused
 */
static void test_learn_quota(void **state)
{
	char a[32];

	(void)state;
	for (int i = 0; i < NAT_BIND_LEARN_PER_PORT + 4; i++) {
		snprintf(a, sizeof(a), "10.0.2.%d", 100 + i);
		assert_int_equal(check(a, 1, 1, S), NAT_BIND_OK);
	}
	assert_int_equal(b.n, NAT_BIND_LEARN_PER_PORT);
	assert_int_equal(b.learn_refused, 4);
	/* Unbound, so another port may take one of those addresses. */
	snprintf(a, sizeof(a), "10.0.2.%d", 100 + NAT_BIND_LEARN_PER_PORT);
	assert_int_equal(check(a, 2, 2, S), NAT_BIND_OK);
	assert_int_equal(check(a, 1, 1, S), NAT_BIND_SPOOF);
	nat_bind_flush_port(&b, 1);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.learned[1], 0);
}

/**
 * test_port_addr_follows_use() - the address of a port is the binding that
 * carried its last frame
 * @state:	unused
 */
static void test_port_addr_follows_use(void **state)
{
	struct rte_ether_addr m1 = mac(1);

	(void)state;
	assert_int_equal(nat_bind_port_addr(&b, 1), 0);
	assert_int_equal(nat_bind_set(&b, NAT_BIND_DHCP, ip4("10.0.2.15"), &m1,
				      1, 1000 * S),
			 0);
	assert_int_equal(nat_bind_port_addr(&b, 1), ip4("10.0.2.15"));
	assert_int_equal(check("10.0.2.77", 1, 1, 5 * S), NAT_BIND_OK);
	assert_int_equal(nat_bind_port_addr(&b, 1), ip4("10.0.2.77"));
	assert_int_equal(check("10.0.2.15", 1, 1, 6 * S), NAT_BIND_OK);
	assert_int_equal(nat_bind_port_addr(&b, 1), ip4("10.0.2.15"));
	assert_int_equal(nat_bind_port_addr(&b, 2), 0);
}

/**
 * test_addr_of_mac() - the IPv4 address a MAC holds on a port (what its
 * IPv6 connections are charged to): the binding of that MAC and port that
 * carried its last frame; none for another MAC, another port, or a MAC
 * without a binding
 * @state:	unused
 */
static void test_addr_of_mac(void **state)
{
	struct rte_ether_addr m1 = mac(1), m2 = mac(2), m3 = mac(3);

	(void)state;
	assert_int_equal(nat_bind_addr_of(&b, &m1, 1), 0);
	assert_int_equal(nat_bind_set(&b, NAT_BIND_DHCP, ip4("10.0.2.15"), &m1,
				      1, 1000 * S),
			 0);
	assert_int_equal(nat_bind_set(&b, NAT_BIND_DHCP, ip4("10.0.2.16"), &m2,
				      1, 1000 * S),
			 0);
	assert_int_equal(nat_bind_addr_of(&b, &m1, 1), ip4("10.0.2.15"));
	assert_int_equal(nat_bind_addr_of(&b, &m2, 1), ip4("10.0.2.16"));
	assert_int_equal(nat_bind_addr_of(&b, &m1, 2), 0);
	assert_int_equal(nat_bind_addr_of(&b, &m3, 1), 0);
	/* m1 moves to a learned address, then back to its lease */
	assert_int_equal(check("10.0.2.77", 1, 1, 5 * S), NAT_BIND_OK);
	assert_int_equal(nat_bind_addr_of(&b, &m1, 1), ip4("10.0.2.77"));
	assert_int_equal(check("10.0.2.15", 1, 1, 6 * S), NAT_BIND_OK);
	assert_int_equal(nat_bind_addr_of(&b, &m1, 1), ip4("10.0.2.15"));
	assert_int_equal(nat_bind_addr_of(&b, &m2, 1), ip4("10.0.2.16"));
}

/**
 * test_table_bounded() - a full table gives up its least recently used
 * learned binding for a lease, and refuses once only leases are left
 * @state:	unused
 */
static void test_table_bounded(void **state)
{
	struct rte_ether_addr m1 = mac(1);
	struct nat_bind_entry *snap;
	unsigned int ports = NAT_BIND_MAX / NAT_BIND_LEARN_PER_PORT;
	uint32_t base;
	int rc = 0;

	(void)state;
	nat_bind_fini(&b);
	nat_bind_init(&b, ip4("10.0.0.0"), ip4("255.255.0.0"), ip4("10.0.0.2"),
		      ip4("10.0.0.3"));
	base = ntohl(ip4("10.0.1.0"));
	for (unsigned int p = 0; p < ports; p++) {
		for (unsigned int k = 0; k < NAT_BIND_LEARN_PER_PORT; k++) {
			uint32_t a = htonl(base + p * 16 + k);
			struct rte_ether_addr m = mac(p);

			assert_int_equal(nat_bind_check(&b, a, &m, (uint16_t)p,
							(int64_t)(1 + p) * S),
					 NAT_BIND_OK);
		}
	}
	assert_int_equal(b.n, NAT_BIND_MAX);
	/* Port 0's bindings are the oldest: the lease takes one's slot. */
	assert_int_equal(nat_bind_set(&b, NAT_BIND_DHCP, ip4("10.0.200.1"), &m1,
				      300, 10000 * S),
			 0);
	assert_int_equal(b.learned[0], NAT_BIND_LEARN_PER_PORT - 1);
	for (uint32_t i = 2; i < 4000 && !rc; i++)
		rc = nat_bind_set(&b, NAT_BIND_DHCP, htonl(base + 0x8000 + i),
				  &m1, 300, 10000 * S);
	assert_int_equal(rc, -ENOSPC);
	assert_int_equal(b.n, NAT_BIND_MAX);
	snap = calloc(NAT_BIND_MAX, sizeof(*snap));
	assert_int_equal(nat_bind_snapshot(&b, snap, NAT_BIND_MAX),
			 NAT_BIND_MAX);
	for (unsigned int i = 0; i < NAT_BIND_MAX; i++)
		assert_int_equal(snap[i].source, NAT_BIND_DHCP);
	free(snap);
}

/**
 * main() - run the binding table tests
 *
 * Return: number of failed tests
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_first_user_holds_until_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_beats_learned, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_static_port, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reserved_and_foreign,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_learn_quota, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_port_addr_follows_use,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr_of_mac, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_table_bounded, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("nat_bind", tests, NULL, NULL);
}
