// SPDX-License-Identifier: BSD-3-Clause
/* test_netdev.c - unit tests of `--netdev` specification parsing
 * (switch/netdev.c, checked against the kinds by port_parse() in port.c)
 */
#include "eal_fixture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netdev.h"
#include "port.h"

#define ERR_LEN 512

/**
 * parse_ok() - parse @spec, failing the test (with the message) on error
 * @spec:	specification
 *
 * Return: the parsed specification, freed by the caller
 */
static struct netdev *parse_ok(const char *spec)
{
	struct netdev *nd = malloc(sizeof(*nd));
	char err[ERR_LEN] = "";

	assert_non_null(nd);
	if (!port_parse(spec, nd, err, sizeof(err)))
		fail_msg("'%s' rejected: %s", spec, err);
	return nd;
}

/**
 * assert_parse_error() - @spec is rejected with a message holding @needle
 * @spec:	specification
 * @needle:	text the message must contain (the offending text)
 */
static void assert_parse_error(const char *spec, const char *needle)
{
	struct netdev *nd = malloc(sizeof(*nd));
	char err[ERR_LEN] = "";
	int rc;

	assert_non_null(nd);
	rc = port_parse(spec, nd, err, sizeof(err)) ? 0 : -EINVAL;
	free(nd);
	if (rc != -EINVAL)
		fail_msg("'%s' accepted (rc %d)", spec, rc);
	if (!strstr(err, needle))
		fail_msg("'%s': message \"%s\" does not name '%s'", spec, err,
			 needle);
}

/**
 * test_pcap_keys_parsed_in_order() - every pcap key is kept, in order
 * @state:	unused
 */
static void test_pcap_keys_parsed_in_order(void **state)
{
	struct netdev *nd = parse_ok("pcap,id=p0,rx=in.pcap,tx=out.pcap,"
				     "loop=3,pps=max,mtu=9000");
	static const char *const want[][2] = {
		{ "rx", "in.pcap" }, { "tx", "out.pcap" }, { "loop", "3" },
		{ "pps", "max" },    { "mtu", "9000" },
	};

	(void)state;
	assert_string_equal(nd->kind, "pcap");
	assert_string_equal(nd->id, "p0");
	assert_int_equal(nd->n_kv, 5);
	for (unsigned int i = 0; i < 5; i++) {
		assert_string_equal(nd->kv[i].key, want[i][0]);
		assert_string_equal(nd->kv[i].value, want[i][1]);
	}
	assert_string_equal(netdev_get(nd, "mtu"), "9000");
	assert_null(netdev_get(nd, "nosuchkey"));
	free(nd);
}

/**
 * test_common_keys_parsed() - id, vlan, trunk and learn_limit go to their
 * fields, not to the kind's pairs
 * @state:	unused
 */
static void test_common_keys_parsed(void **state)
{
	struct netdev *nd = parse_ok("pcap,id=vm-1_a.b,vlan=4094,trunk=on,"
				     "learn_limit=7");

	(void)state;
	assert_string_equal(nd->id, "vm-1_a.b");
	assert_int_equal(nd->vlan, 4094);
	assert_true(nd->trunk);
	assert_int_equal(nd->learn_limit, 7);
	assert_int_equal(nd->n_kv, 0);
	free(nd);
}

/**
 * test_defaults_when_common_keys_absent() - no vlan, no trunk, the
 * switch's default learn limit
 * @state:	unused
 */
static void test_defaults_when_common_keys_absent(void **state)
{
	struct netdev *nd = parse_ok("pcap,id=a");

	(void)state;
	assert_int_equal(nd->vlan, 0);
	assert_false(nd->trunk);
	assert_int_equal(nd->learn_limit, netdev_default_learn_limit);
	assert_int_equal(nd->n_kv, 0);
	free(nd);
}

/**
 * test_key_without_value() - "trunk" alone means on; a kind key alone has
 * the empty value
 * @state:	unused
 */
static void test_key_without_value(void **state)
{
	struct netdev *nd = parse_ok("pcap,trunk,id=a,rx");

	(void)state;
	assert_true(nd->trunk);
	assert_int_equal(nd->n_kv, 1);
	assert_string_equal(nd->kv[0].value, "");
	free(nd);
}

/**
 * test_repeated_keys_kept_in_order() - every occurrence is kept;
 * netdev_get() returns the last
 * @state:	unused
 */
static void test_repeated_keys_kept_in_order(void **state)
{
	struct netdev *nd = parse_ok("pcap,id=a,rx=1.pcap,tx=o.pcap,rx=2.pcap");

	(void)state;
	assert_int_equal(nd->n_kv, 3);
	assert_string_equal(nd->kv[0].value, "1.pcap");
	assert_string_equal(nd->kv[2].key, "rx");
	assert_string_equal(nd->kv[2].value, "2.pcap");
	assert_string_equal(netdev_get(nd, "rx"), "2.pcap");
	free(nd);
}

/**
 * test_value_may_contain_equals() - only the first '=' splits key and value
 * @state:	unused
 */
static void test_value_may_contain_equals(void **state)
{
	struct netdev *nd = parse_ok("pcap,id=a,rx=/tmp/a=b.pcap");

	(void)state;
	assert_string_equal(netdev_get(nd, "rx"), "/tmp/a=b.pcap");
	free(nd);
}

/**
 * test_parse_does_not_keep_pointers_to_spec() - values live in the
 * netdev's own buffer
 * @state:	unused
 */
static void test_parse_does_not_keep_pointers_to_spec(void **state)
{
	char spec[] = "pcap,id=a,rx=in.pcap";
	struct netdev *nd = parse_ok(spec);

	(void)state;
	memset(spec, 'x', sizeof(spec) - 1);
	assert_string_equal(netdev_get(nd, "rx"), "in.pcap");
	free(nd);
}

/**
 * test_unknown_kind_lists_known_kinds() - the message names the kind given
 * and the kinds that exist
 * @state:	unused
 */
static void test_unknown_kind_lists_known_kinds(void **state)
{
	(void)state;
	assert_parse_error("bogus,id=a", "'bogus'");
	assert_parse_error("bogus,id=a", "pcap");
	assert_parse_error("", "unknown netdev type");
}

/**
 * test_unknown_key_named() - a key the kind does not have is named
 * @state:	unused
 */
static void test_unknown_key_named(void **state)
{
	(void)state;
	assert_parse_error("pcap,id=a,colour=red", "colour=red");
	assert_parse_error("pcap,id=a,path=/x", "path=/x");
}

/**
 * test_missing_id_rejected() - id= is required
 * @state:	unused
 */
static void test_missing_id_rejected(void **state)
{
	(void)state;
	assert_parse_error("pcap", "id= is required");
	assert_parse_error("pcap,rx=in.pcap", "id= is required");
}

/**
 * test_bad_id_rejected() - ids hold letters, digits, '-', '_', '.' and fit
 * in PORT_ID_MAX - 1 bytes
 * @state:	unused
 */
static void test_bad_id_rejected(void **state)
{
	char spec[128];

	(void)state;
	assert_parse_error("pcap,id=a/b", "id=a/b");
	assert_parse_error("pcap,id=a b", "id=a b");
	assert_parse_error("pcap,id=", "id=");
	snprintf(spec, sizeof(spec), "pcap,id=%0*d", PORT_ID_MAX, 0);
	assert_parse_error(spec, spec + 5);
	snprintf(spec, sizeof(spec), "pcap,id=%0*d", PORT_ID_MAX - 1, 0);
	free(parse_ok(spec));
}

/**
 * test_bad_vlan_rejected() - VLANs are 1 to 4094
 * @state:	unused
 */
static void test_bad_vlan_rejected(void **state)
{
	(void)state;
	assert_parse_error("pcap,id=a,vlan=0", "vlan=0");
	assert_parse_error("pcap,id=a,vlan=4095", "vlan=4095");
	assert_parse_error("pcap,id=a,vlan=abc", "vlan=abc");
	assert_parse_error("pcap,id=a,vlan=", "vlan=");
	assert_parse_error("pcap,id=a,vlan=-1", "vlan=-1");
	free(parse_ok("pcap,id=a,vlan=1"));
}

/**
 * test_learn_limit_too_big_rejected() - learn_limit is at most 2^20
 * @state:	unused
 */
static void test_learn_limit_too_big_rejected(void **state)
{
	(void)state;
	assert_parse_error("pcap,id=a,learn_limit=2000000",
			   "learn_limit=2000000");
	free(parse_ok("pcap,id=a,learn_limit=1048576"));
	free(parse_ok("pcap,id=a,learn_limit=0"));
}

/**
 * test_storm_key() - storm=PPS on any kind; off and 0 mean no limit;
 * without it, guest-facing kinds (vhost-user, tap) get a default limit,
 * pcap and the NAT none
 * @state:	unused
 */
static void test_storm_key(void **state)
{
	static const char *const specs[][2] = {
		{ "pcap,id=a", "0" },
		{ "user,id=a", "0" },
		{ "tap,id=a", "guest" },
		{ "vhost-user,id=a,path=/x", "guest" },
		{ "tap,id=a,storm=off", "0" },
		{ "vhost-user,id=a,path=/x,storm=0", "0" },
		{ "pcap,id=a,storm=5000", "5000" },
		{ "user,id=a,storm=100000000", "100000000" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(*specs); i++) {
		struct netdev *nd = parse_ok(specs[i][0]);
		uint32_t want = strcmp(specs[i][1], "guest")
					? (uint32_t)atol(specs[i][1])
					: PORT_STORM_GUEST;
		uint32_t got = port_storm_pps(port_kind_find(nd->kind), nd);

		if (got != want)
			fail_msg("%s: storm %u, want %u", specs[i][0], got,
				 want);
		assert_int_equal(nd->n_kv, specs[i][0][0] == 'v');
		free(nd);
	}
	assert_parse_error("tap,id=a,storm=on", "storm=on");
	assert_parse_error("tap,id=a,storm=-1", "storm=-1");
	assert_parse_error("tap,id=a,storm=100000001", "storm=100000001");
	assert_parse_error("tap,id=a,storm=1k", "storm=1k");
}

/**
 * test_bad_trunk_rejected() - trunk takes on/off words only
 * @state:	unused
 */
static void test_bad_trunk_rejected(void **state)
{
	(void)state;
	assert_parse_error("pcap,id=a,trunk=maybe", "trunk=maybe");
}

/**
 * test_spec_too_long_rejected() - a spec of NETDEV_SPEC_MAX bytes is
 * refused; one byte less is accepted
 * @state:	unused
 */
static void test_spec_too_long_rejected(void **state)
{
	static char spec[NETDEV_SPEC_MAX + 1];
	int head = snprintf(spec, sizeof(spec), "pcap,id=a,rx=");

	(void)state;
	memset(spec + head, 'x', NETDEV_SPEC_MAX - head);
	spec[NETDEV_SPEC_MAX] = '\0';
	assert_parse_error(spec, "longer than");
	spec[NETDEV_SPEC_MAX - 1] = '\0';
	free(parse_ok(spec));
}

/**
 * test_too_many_keys_rejected() - more than NETDEV_MAX_KV pairs
 * @state:	unused
 */
static void test_too_many_keys_rejected(void **state)
{
	char spec[NETDEV_SPEC_MAX];
	size_t off = (size_t)snprintf(spec, sizeof(spec), "pcap,id=a");

	(void)state;
	for (int i = 0; i <= NETDEV_MAX_KV; i++)
		off += (size_t)snprintf(spec + off, sizeof(spec) - off,
					",loop=%d", i);
	assert_parse_error(spec, "more than");
}

/**
 * test_parse_bool_words() - on/yes/true/1/"" and off/no/false/0
 * @state:	unused
 */
static void test_parse_bool_words(void **state)
{
	static const char *const on[] = { "", "on", "yes", "true", "1" };
	static const char *const off[] = { "off", "no", "false", "0" };
	char err[ERR_LEN];
	bool v;

	(void)state;
	for (unsigned int i = 0; i < 5; i++) {
		v = false;
		assert_int_equal(
			netdev_parse_bool("k", on[i], &v, err, sizeof(err)), 0);
		assert_true(v);
	}
	for (unsigned int i = 0; i < 4; i++) {
		v = true;
		assert_int_equal(
			netdev_parse_bool("k", off[i], &v, err, sizeof(err)),
			0);
		assert_false(v);
	}
}

/**
 * test_parse_bool_rejects_others() - anything else names key and value
 * @state:	unused
 */
static void test_parse_bool_rejects_others(void **state)
{
	static const char *const bad[] = { "2", "ON", "enabled", " on" };
	char err[ERR_LEN], want[64];
	bool v = false;

	(void)state;
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(
			netdev_parse_bool("k", bad[i], &v, err, sizeof(err)),
			-EINVAL);
		snprintf(want, sizeof(want), "k=%s", bad[i]);
		assert_non_null(strstr(err, want));
	}
}

/**
 * test_parse_u32_bounds() - min and max are inclusive, the full u32 range
 * works
 * @state:	unused
 */
static void test_parse_u32_bounds(void **state)
{
	char err[ERR_LEN];
	uint32_t v = 0;

	(void)state;
	assert_int_equal(netdev_parse_u32("k", "5", 5, 9, &v, err, sizeof(err)),
			 0);
	assert_int_equal(v, 5);
	assert_int_equal(netdev_parse_u32("k", "9", 5, 9, &v, err, sizeof(err)),
			 0);
	assert_int_equal(v, 9);
	assert_int_equal(netdev_parse_u32("k", "4294967295", 0, UINT32_MAX, &v,
					  err, sizeof(err)),
			 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(netdev_parse_u32("k", "0", 0, 1, &v, err, sizeof(err)),
			 0);
	assert_int_equal(v, 0);
}

/**
 * test_parse_u32_rejects_bad_text() - out of range, overflow, signs,
 * spaces, junk and the empty string are refused and named
 * @state:	unused
 */
static void test_parse_u32_rejects_bad_text(void **state)
{
	static const struct {
		const char *text;
		uint32_t min, max;
	} bad[] = {
		{ "4", 5, 9 },
		{ "10", 5, 9 },
		{ "4294967296", 0, UINT32_MAX },
		{ "99999999999999999999999", 0, UINT32_MAX },
		{ "-1", 0, 9 },
		{ "+5", 0, 9 },
		{ " 5", 0, 9 },
		{ "5 ", 0, 9 },
		{ "5x", 0, 9 },
		{ "", 0, 9 },
		{ "0x5", 0, 9 },
	};
	char err[ERR_LEN], want[64];
	uint32_t v = 77;

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (!netdev_parse_u32("k", bad[i].text, bad[i].min, bad[i].max,
				      &v, err, sizeof(err)))
			fail_msg("'%s' accepted as %u", bad[i].text, v);
		snprintf(want, sizeof(want), "k=%s:", bad[i].text);
		assert_non_null(strstr(err, want));
	}
	assert_int_equal(v, 77);
}

/**
 * test_get_helpers_leave_absent_untouched() - netdev_get_u32/bool change
 * nothing for a key not given, and check a key that is
 * @state:	unused
 */
static void test_get_helpers_leave_absent_untouched(void **state)
{
	struct netdev *nd = parse_ok("pcap,id=a,loop=70000");
	char err[ERR_LEN] = "";
	uint32_t v = 42;
	bool b = true;

	(void)state;
	assert_int_equal(
		netdev_get_u32(nd, "mtu", 68, 9000, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 42);
	assert_int_equal(netdev_get_bool(nd, "rx", &b, err, sizeof(err)), 0);
	assert_true(b);
	assert_int_equal(
		netdev_get_u32(nd, "loop", 0, 65535, &v, err, sizeof(err)),
		-EINVAL);
	assert_non_null(strstr(err, "loop=70000"));
	free(nd);
}

/**
 * main() - run the netdev tests
 *
 * Return: 0 when all passed, else the number of failures
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcap_keys_parsed_in_order),
		cmocka_unit_test(test_common_keys_parsed),
		cmocka_unit_test(test_defaults_when_common_keys_absent),
		cmocka_unit_test(test_key_without_value),
		cmocka_unit_test(test_repeated_keys_kept_in_order),
		cmocka_unit_test(test_value_may_contain_equals),
		cmocka_unit_test(test_parse_does_not_keep_pointers_to_spec),
		cmocka_unit_test(test_unknown_kind_lists_known_kinds),
		cmocka_unit_test(test_unknown_key_named),
		cmocka_unit_test(test_missing_id_rejected),
		cmocka_unit_test(test_bad_id_rejected),
		cmocka_unit_test(test_bad_vlan_rejected),
		cmocka_unit_test(test_learn_limit_too_big_rejected),
		cmocka_unit_test(test_storm_key),
		cmocka_unit_test(test_bad_trunk_rejected),
		cmocka_unit_test(test_spec_too_long_rejected),
		cmocka_unit_test(test_too_many_keys_rejected),
		cmocka_unit_test(test_parse_bool_words),
		cmocka_unit_test(test_parse_bool_rejects_others),
		cmocka_unit_test(test_parse_u32_bounds),
		cmocka_unit_test(test_parse_u32_rejects_bad_text),
		cmocka_unit_test(test_get_helpers_leave_absent_untouched),
	};

	/* Parsing needs no EAL and no mbufs: no group fixture. */
	return cmocka_run_group_tests_name("netdev", tests, NULL, NULL);
}
