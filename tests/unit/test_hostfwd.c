// SPDX-License-Identifier: BSD-3-Clause
/* test_hostfwd.c - unit tests of hostfwd rule parsing (slirp/hostfwd.c) */
#include "eal_fixture.h"

#include <arpa/inet.h>
#include <string.h>

#include "hostfwd.h"

#define ERR_LEN 256

/**
 * parse_ok() - parse @text, failing the test with the message on error
 * @text:	rule
 * @r:		result
 */
static void parse_ok(const char *text, struct hostfwd_rule *r)
{
	char err[ERR_LEN] = "";

	if (hostfwd_parse(text, r, err, sizeof(err)))
		fail_msg("'%s' rejected: %s", text, err);
}

/**
 * assert_bad() - @text is rejected with a message holding @needle
 * @text:	rule
 * @needle:	the part that is wrong
 */
static void assert_bad(const char *text, const char *needle)
{
	struct hostfwd_rule r;
	char err[ERR_LEN] = "";

	assert_int_not_equal(hostfwd_parse(text, &r, err, sizeof(err)), 0);
	if (!strstr(err, needle))
		fail_msg("'%s': message '%s' lacks '%s'", text, err, needle);
}

/**
 * in4() - the IPv4 sockaddr inside a sockaddr_storage
 * @ss:		storage
 *
 * Return: pointer
 */
static const struct sockaddr_in *in4(const struct sockaddr_storage *ss)
{
	return (const struct sockaddr_in *)ss;
}

/**
 * test_empty_host_means_loopback() - ::2222-:22 listens on 127.0.0.1
 */
static void test_empty_host_means_loopback(void **state)
{
	struct hostfwd_rule r;
	char buf[64];

	(void)state;
	parse_ok("tcp::2222-:22", &r);
	assert_false(r.udp);
	assert_int_equal(r.host.ss_family, AF_INET);
	assert_int_equal(in4(&r.host)->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(ntohs(in4(&r.host)->sin_port), 2222);
	assert_int_equal(in4(&r.guest)->sin_addr.s_addr, 0);
	assert_int_equal(ntohs(in4(&r.guest)->sin_port), 22);
	hostfwd_host_str(&r, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1:2222");
}

/**
 * test_protocol_optional_and_udp() - "" means tcp; udp parsed
 */
static void test_protocol_optional_and_udp(void **state)
{
	struct hostfwd_rule r;

	(void)state;
	parse_ok("::8080-10.0.2.20:80", &r);
	assert_false(r.udp);
	assert_int_equal(in4(&r.guest)->sin_addr.s_addr,
			 inet_addr("10.0.2.20"));
	parse_ok("udp:0.0.0.0:5353-:53", &r);
	assert_true(r.udp);
	assert_int_equal(in4(&r.host)->sin_addr.s_addr, 0);
}

/**
 * test_ipv6_in_brackets() - [::1]:2222-[fec0::15]:22
 */
static void test_ipv6_in_brackets(void **state)
{
	struct hostfwd_rule r;
	char buf[64];

	(void)state;
	parse_ok("tcp:[::1]:2222-[fec0::15]:22", &r);
	assert_int_equal(r.host.ss_family, AF_INET6);
	assert_int_equal(r.guest.ss_family, AF_INET6);
	hostfwd_host_str(&r, buf, sizeof(buf));
	assert_string_equal(buf, "[::1]:2222");
}

/**
 * test_guest_named_by_port() - tcp::2223-vm2:22 keeps the port id
 */
static void test_guest_named_by_port(void **state)
{
	struct hostfwd_rule r;

	(void)state;
	parse_ok("tcp::2223-vm2:22", &r);
	assert_string_equal(r.guest_port_id, "vm2");
	assert_int_equal(ntohs(in4(&r.guest)->sin_port), 22);
}

/**
 * test_bad_rules_named() - each error names the wrong part
 */
static void test_bad_rules_named(void **state)
{
	(void)state;
	assert_bad("tcp:foo:22-:22", "host address 'foo'");
	assert_bad("tcp::99999-:22", "host port '99999'");
	assert_bad("tcp::0-:22", "host port '0'");
	assert_bad("sctp::1-:2", "protocol 'sctp'");
	assert_bad("tcp::22-:abc", "guest port 'abc'");
	assert_bad("tcp::22-1.2.3:22", "guest address '1.2.3'");
	assert_bad("tcp::22", "expected [tcp|udp]");
	assert_bad("tcp:[::1:22-:22", "host part");
	assert_bad("", "expected [tcp|udp]");
}

/**
 * test_rule_too_long() - an over-long rule is refused, not truncated
 */
static void test_rule_too_long(void **state)
{
	char text[HOSTFWD_TEXT_MAX + 8];

	(void)state;
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_bad(text, "longer than");
}

/**
 * test_listen_forms_compared() - a rule, its shorter spelling and QEMU's
 * hostfwd_remove form name the same listen address; a wildcard overlaps
 * every address of its port and family; TCP and UDP are apart
 * @state:	unused
 */
static void test_listen_forms_compared(void **state)
{
	struct hostfwd_rule a, b;
	char err[ERR_LEN] = "";

	(void)state;
	parse_ok("tcp:127.0.0.1:2222-:22", &a);
	static const char *const same[] = { "tcp::2222-:22", "tcp::2222",
					    "::2222", "tcp:0.0.0.0:2222",
					    "tcp:127.0.0.1:2222-10.0.2.9:80" };
	for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++) {
		if (hostfwd_parse_listen(same[i], &b, err, sizeof(err)))
			fail_msg("'%s' rejected: %s", same[i], err);
		if (!hostfwd_same_listen(&a, &b))
			fail_msg("'%s' does not match tcp:127.0.0.1:2222",
				 same[i]);
	}
	static const char *const other[] = { "udp::2222", "tcp::2223",
					     "tcp:127.0.0.2:2222",
					     "tcp:[::1]:2222" };
	for (size_t i = 0; i < sizeof(other) / sizeof(*other); i++) {
		assert_int_equal(
			hostfwd_parse_listen(other[i], &b, err, sizeof(err)),
			0);
		if (hostfwd_same_listen(&a, &b))
			fail_msg("'%s' matches tcp:127.0.0.1:2222", other[i]);
	}
	assert_int_not_equal(hostfwd_parse_listen("2222", &b, err, sizeof(err)),
			     0);
	assert_non_null(strstr(err, "[tcp|udp]:[hostaddr]:hostport"));
}

/**
 * main() - run the hostfwd tests
 *
 * Return: number of failed tests
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_host_means_loopback),
		cmocka_unit_test(test_protocol_optional_and_udp),
		cmocka_unit_test(test_ipv6_in_brackets),
		cmocka_unit_test(test_guest_named_by_port),
		cmocka_unit_test(test_bad_rules_named),
		cmocka_unit_test(test_rule_too_long),
		cmocka_unit_test(test_listen_forms_compared),
	};

	/* Parsing needs no EAL: no group fixture. */
	return cmocka_run_group_tests_name("hostfwd", tests, NULL, NULL);
}
