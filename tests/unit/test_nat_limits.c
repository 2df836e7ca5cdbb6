// SPDX-License-Identifier: BSD-3-Clause
/* test_nat_limits.c - unit tests of the NAT's caps (slirp/nat_limits.c) */
#include "eal_fixture.h"

#include <string.h>

#include "nat_limits.h"
#include "netdev.h"

#define ERR_LEN 256

/**
 * caps_of() - parse the caps of a `user` netdev specification
 * @spec:	"user,id=nat,..."
 * @caps:	result
 * @err:	message buffer, ERR_LEN bytes
 *
 * Return: what nat_caps_parse() returned (-EINVAL for a bad spec too)
 */
static int caps_of(const char *spec, struct nat_caps *caps, char *err)
{
	static struct netdev nd;

	if (netdev_parse(spec, &nd, err, ERR_LEN))
		return -EINVAL;
	return nat_caps_parse(caps, &nd, err, ERR_LEN);
}

/**
 * test_defaults_fit_1024() - the default caps leave room under 1024 fds
 */
static void test_defaults_fit_1024(void **state)
{
	struct nat_caps c;
	char err[ERR_LEN] = "";

	(void)state;
	assert_int_equal(caps_of("user,id=nat", &c, err), 0);
	assert_true(c.total[NAT_RES_UDP] + c.total[NAT_RES_TCP] + c.hostfwd <=
		    800);
	assert_true(c.guest[NAT_RES_UDP] < c.total[NAT_RES_UDP]);
	assert_true(c.hostfwd_rule < c.hostfwd);
	assert_int_equal(c.udp_timeout_s, 30);
	assert_int_equal(c.udp_timeout_replied_s, 180);
}

/**
 * test_keys_parsed_and_checked() - every key sets its cap; 0 is refused
 */
static void test_keys_parsed_and_checked(void **state)
{
	struct nat_caps c;
	char err[ERR_LEN] = "";

	(void)state;
	assert_int_equal(caps_of("user,id=nat,udp_flows=10,udp_flows_guest=2,"
				 "tcp_conns=11,tcp_conns_guest=3,"
				 "hostfwd_conns=12,hostfwd_conns_rule=4,"
				 "udp_timeout=5,udp_timeout_replied=6",
				 &c, err),
			 0);
	assert_int_equal(c.total[NAT_RES_UDP], 10);
	assert_int_equal(c.guest[NAT_RES_UDP], 2);
	assert_int_equal(c.total[NAT_RES_TCP], 11);
	assert_int_equal(c.guest[NAT_RES_TCP], 3);
	assert_int_equal(c.hostfwd, 12);
	assert_int_equal(c.hostfwd_rule, 4);
	assert_int_equal(c.udp_timeout_s, 5);
	assert_int_equal(c.udp_timeout_replied_s, 6);
	assert_int_not_equal(caps_of("user,id=nat,udp_flows=0", &c, err), 0);
	assert_non_null(strstr(err, "udp_flows"));
}

/**
 * test_guest_and_total_caps() - a guest stops at its cap, others go on
 * until the total; each refusal counted by reason
 */
static void test_guest_and_total_caps(void **state)
{
	static struct nat_limits nl;
	struct nat_caps c = { .total = { 5, 5 }, .guest = { 3, 3 } };
	struct nat_guest *a, *b, *b2;

	(void)state;
	nat_limits_init(&nl, &c);
	a = nat_guest_get(&nl, 0x0f02000a, 1, 0);
	b = nat_guest_get(&nl, 0x1002000a, 2, 0);
	for (int i = 0; i < 3; i++)
		assert_true(nat_charge(&nl, a, NAT_RES_UDP, false));
	assert_false(nat_charge(&nl, a, NAT_RES_UDP, false));
	assert_int_equal(nl.hits[NAT_LIMIT_UDP_GUEST], 1);
	assert_true(nat_charge(&nl, a, NAT_RES_TCP, false));
	assert_true(nat_charge(&nl, b, NAT_RES_UDP, true));
	assert_true(nat_charge(&nl, b, NAT_RES_UDP, false));
	assert_false(nat_charge(&nl, b, NAT_RES_UDP, false));
	assert_int_equal(nl.hits[NAT_LIMIT_UDP_TOTAL], 1);
	nat_uncharge(&nl, a, NAT_RES_UDP);
	assert_true(nat_charge(&nl, b, NAT_RES_UDP, false));
	/* The same address on another port is another guest. */
	b2 = nat_guest_get(&nl, 0x1002000a, 3, 0);
	assert_ptr_not_equal(b, b2);
	assert_ptr_equal(nat_guest_get(&nl, 0x1002000a, 2, 0), b);
}

/**
 * test_census_replaces_slirp_share() - a census forgets what libslirp
 * closed, keeps own-path flows, and attributes sockets by address
 */
static void test_census_replaces_slirp_share(void **state)
{
	static struct nat_limits nl;
	struct nat_caps c = { .total = { 4, 4 }, .guest = { 4, 4 } };
	struct nat_guest *a;

	(void)state;
	nat_limits_init(&nl, &c);
	a = nat_guest_get(&nl, 0x0f02000a, 1, 0);
	assert_true(nat_charge(&nl, a, NAT_RES_UDP, false));
	for (int i = 0; i < 3; i++)
		assert_true(nat_charge(&nl, a, NAT_RES_UDP, true));
	assert_false(nat_room(&nl, a, NAT_RES_UDP));
	nat_census_begin(&nl);
	nat_census_add(&nl, 0x0f02000a, NAT_RES_UDP);
	assert_int_equal(a->own[NAT_RES_UDP], 1);
	assert_int_equal(a->slirp[NAT_RES_UDP], 1);
	assert_int_equal(nl.slirp[NAT_RES_UDP], 1);
	assert_true(nat_room(&nl, a, NAT_RES_UDP));
	/* A socket of an address no guest entry has still counts. */
	nat_census_add(&nl, 0x4d02000a, NAT_RES_TCP);
	assert_int_equal(nl.slirp[NAT_RES_TCP], 1);
}

/**
 * test_hostfwd_rule_and_total() - per-rule and total hostfwd caps
 */
static void test_hostfwd_rule_and_total(void **state)
{
	static struct nat_limits nl;
	struct nat_caps c = { .hostfwd = 3, .hostfwd_rule = 2 };
	uint32_t ra = 0, rb = 0;

	(void)state;
	nat_limits_init(&nl, &c);
	assert_true(nat_hostfwd_charge(&nl, &ra));
	assert_true(nat_hostfwd_charge(&nl, &ra));
	assert_false(nat_hostfwd_charge(&nl, &ra));
	assert_int_equal(nl.hits[NAT_LIMIT_HOSTFWD_RULE], 1);
	assert_true(nat_hostfwd_charge(&nl, &rb));
	assert_false(nat_hostfwd_charge(&nl, &rb));
	assert_int_equal(nl.hits[NAT_LIMIT_HOSTFWD_TOTAL], 1);
	nat_hostfwd_uncharge(&nl, NULL); /* its rule was removed */
	assert_true(nat_hostfwd_charge(&nl, &rb));
	assert_int_equal(rb, 2);
}

/**
 * test_guest_table_full() - with every entry holding flows a new guest is
 * refused and counted; an idle entry is reused
 */
static void test_guest_table_full(void **state)
{
	static struct nat_limits nl;
	struct nat_caps c = { .total = { 1u << 20, 1u << 20 },
			      .guest = { 1, 1 } };
	struct nat_guest *g;

	(void)state;
	nat_limits_init(&nl, &c);
	for (uint32_t i = 0; i < NAT_GUESTS_MAX; i++) {
		g = nat_guest_get(&nl, i + 1, 0, i);
		assert_non_null(g);
		assert_true(nat_charge(&nl, g, NAT_RES_UDP, false));
	}
	assert_null(nat_guest_get(&nl, 0xffff, 0, 5000));
	assert_int_equal(nl.hits[NAT_LIMIT_GUESTS], 1);
	nat_uncharge(&nl, &nl.guests[7], NAT_RES_UDP);
	g = nat_guest_get(&nl, 0xffff, 0, 5000);
	assert_ptr_equal(g, &nl.guests[7]);
	assert_int_equal(g->ip, 0xffff);
}

/**
 * test_over_share() - with the table full, the guest holding the most
 * own-path flows is named only while it holds more than an equal share
 * and the asking guest less
 * @state:	unused
 */
static void test_over_share(void **state)
{
	static struct nat_limits nl;
	struct nat_caps c = { .total = { 8, 8 }, .guest = { 8, 8 } };
	struct nat_guest *hog, *quiet, *third;

	(void)state;
	nat_limits_init(&nl, &c);
	hog = nat_guest_get(&nl, 1, 0, 0);
	quiet = nat_guest_get(&nl, 2, 1, 0);
	for (int i = 0; i < 8; i++)
		assert_true(nat_charge(&nl, hog, NAT_RES_UDP, false));
	assert_false(nat_room(&nl, quiet, NAT_RES_UDP));
	assert_ptr_equal(nat_over_share(&nl, quiet, NAT_RES_UDP), hog);
	assert_null(nat_over_share(&nl, hog, NAT_RES_UDP));
	/* Make room four times: then both hold an equal share (4 of 8). */
	for (int i = 0; i < 4; i++) {
		nat_uncharge(&nl, hog, NAT_RES_UDP);
		assert_true(nat_charge(&nl, quiet, NAT_RES_UDP, false));
	}
	assert_null(nat_over_share(&nl, quiet, NAT_RES_UDP));
	/* A third guest's share is 8 / 3 = 2: the two hold more. */
	third = nat_guest_get(&nl, 3, 2, 0);
	assert_non_null(nat_over_share(&nl, third, NAT_RES_UDP));
}

/**
 * main() - run the NAT caps tests
 *
 * Return: number of failed tests
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_fit_1024),
		cmocka_unit_test(test_keys_parsed_and_checked),
		cmocka_unit_test(test_guest_and_total_caps),
		cmocka_unit_test(test_census_replaces_slirp_share),
		cmocka_unit_test(test_hostfwd_rule_and_total),
		cmocka_unit_test(test_guest_table_full),
		cmocka_unit_test(test_over_share),
	};

	/* Accounting needs no EAL: no group fixture. */
	return cmocka_run_group_tests_name("nat_limits", tests, NULL, NULL);
}
