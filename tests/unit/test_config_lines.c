// SPDX-License-Identifier: BSD-3-Clause
/* test_config_lines.c - unit tests of the runtime options' values and of
 * the configuration models the state file is computed from
 * (ctl/config_lines.c), and of the `--mirror` value (capture_spec.c)
 */
#include "eal_fixture.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "config_lines.h"

/**
 * test_fdb_values() - MAC,PORT[,vlan=N] and MAC[,vlan=N]: parsed,
 * printed back the same, bad ones refused with the text
 * @state:	unused
 */
static void test_fdb_values(void **state)
{
	char buf[128], err[256];
	struct cfg_fdb f;

	(void)state;
	assert_int_equal(cfg_fdb_parse("02:00:00:00:00:0A,vm1,vlan=7", true, &f,
				       err, sizeof(err)),
			 0);
	assert_string_equal(f.port, "vm1");
	assert_int_equal(f.vlan, 7);
	cfg_fdb_text(&f, true, buf, sizeof(buf));
	assert_string_equal(buf, "02:00:00:00:00:0a,vm1,vlan=7");
	cfg_fdb_text(&f, false, buf, sizeof(buf));
	assert_string_equal(buf, "02:00:00:00:00:0a,vlan=7");
	assert_int_equal(
		cfg_fdb_parse("02:00:00:00:00:0a", false, &f, err, sizeof(err)),
		0);
	assert_int_equal(f.vlan, 0);
	cfg_fdb_text(&f, false, buf, sizeof(buf));
	assert_string_equal(buf, "02:00:00:00:00:0a");

	assert_int_not_equal(
		cfg_fdb_parse("02:00:00:00:00:0a", true, &f, err, sizeof(err)),
		0);
	assert_non_null(strstr(err, "MAC,PORT"));
	assert_int_not_equal(cfg_fdb_parse("01:00:5e:00:00:01,vm1", true, &f,
					   err, sizeof(err)),
			     0);
	assert_non_null(strstr(err, "unicast"));
	assert_int_not_equal(cfg_fdb_parse("02:00:00:00:00:0a,vm1,vlan=4095",
					   true, &f, err, sizeof(err)),
			     0);
	assert_int_not_equal(cfg_fdb_parse("02:00:00:00:00:0a,vm1,vid=3", true,
					   &f, err, sizeof(err)),
			     0);
	assert_int_not_equal(cfg_fdb_parse("02:00:00:00:00:0a,vm1,vlan=3,x",
					   true, &f, err, sizeof(err)),
			     0);
}

/**
 * test_fdb_remote_values() - MAC,PORT,remote=IP[,vlan=N]: the remote VTEP
 * of a vxlan port, printed back in one canonical order, kept out of the
 * key; refused twice and in a fdb-del value
 * @state:	unused
 */
static void test_fdb_remote_values(void **state)
{
	char buf[128], err[256];
	struct cfg_fdb f;

	(void)state;
	assert_int_equal(
		cfg_fdb_parse("02:00:00:00:00:0a,vx,vlan=7,remote=fd00::2",
			      true, &f, err, sizeof(err)),
		0);
	assert_string_equal(f.remote, "fd00::2");
	cfg_fdb_text(&f, true, buf, sizeof(buf));
	assert_string_equal(buf, "02:00:00:00:00:0a,vx,remote=fd00::2,vlan=7");
	cfg_fdb_text(&f, false, buf, sizeof(buf));
	assert_string_equal(buf, "02:00:00:00:00:0a,vlan=7");
	assert_int_equal(cfg_fdb_parse("02:00:00:00:00:0a,vx,remote=10.0.0.2",
				       true, &f, err, sizeof(err)),
			 0);
	assert_int_equal(f.vlan, 0);
	assert_int_not_equal(
		cfg_fdb_parse(
			"02:00:00:00:00:0a,vx,remote=10.0.0.2,remote=10.0.0.3",
			true, &f, err, sizeof(err)),
		0);
	assert_int_not_equal(cfg_fdb_parse("02:00:00:00:00:0a,remote=10.0.0.2",
					   false, &f, err, sizeof(err)),
			     0);
	assert_int_not_equal(cfg_fdb_parse("02:00:00:00:00:0a,vx,remote=", true,
					   &f, err, sizeof(err)),
			     0);
}

/**
 * test_lease_values() - NAT,MAC,PORT,IP,EXPIRES round trip and refusals
 * @state:	unused
 */
static void test_lease_values(void **state)
{
	const char *text = "nat,52:54:00:12:34:56,vm1,10.0.2.15,1800000000";
	char buf[256], err[256];
	struct cfg_lease l;

	(void)state;
	assert_int_equal(cfg_lease_parse(text, &l, err, sizeof(err)), 0);
	assert_string_equal(l.nat, "nat");
	assert_string_equal(l.port, "vm1");
	assert_int_equal(l.ip, inet_addr("10.0.2.15"));
	assert_int_equal(l.expires, 1800000000LL);
	cfg_lease_text(&l, buf, sizeof(buf));
	assert_string_equal(buf, text);
	assert_int_not_equal(cfg_lease_parse("nat,52:54:00:12:34:56,vm1,"
					     "10.0.2.15",
					     &l, err, sizeof(err)),
			     0);
	assert_int_not_equal(cfg_lease_parse("nat,52:54:00:12:34:56,vm1,"
					     "10.0.2.300,5",
					     &l, err, sizeof(err)),
			     0);
	assert_int_not_equal(cfg_lease_parse("nat,52:54:00:12:34:56,vm1,"
					     "10.0.2.15,soon",
					     &l, err, sizeof(err)),
			     0);
	assert_int_not_equal(cfg_lease_parse("nat,52:54:00:12:34:56,vm1,"
					     "10.0.2.15,5,extra",
					     &l, err, sizeof(err)),
			     0);
}

/**
 * test_pair_and_strip() - "NAT,RULE" splits at the first comma; a spec
 * loses only its hostfwd= pairs
 * @state:	unused
 */
static void test_pair_and_strip(void **state)
{
	char id[PORT_ID_MAX], out[256], err[256];
	const char *rest;

	(void)state;
	assert_int_equal(cfg_pair_parse("nat,tcp::2222-:22", id, &rest, err,
					sizeof(err)),
			 0);
	assert_string_equal(id, "nat");
	assert_string_equal(rest, "tcp::2222-:22");
	assert_int_not_equal(cfg_pair_parse("nat", id, &rest, err, sizeof(err)),
			     0);
	assert_int_not_equal(
		cfg_pair_parse(",tcp::1-:2", id, &rest, err, sizeof(err)), 0);

	assert_int_equal(cfg_spec_strip("user,id=nat,hostfwd=tcp::1-:2,"
					"net=10.0.3.0/24,hostfwd=udp::3-:4",
					"hostfwd", out, sizeof(out)),
			 0);
	assert_string_equal(out, "user,id=nat,net=10.0.3.0/24");
	assert_int_equal(cfg_spec_strip("user,id=nat,hostfwdx=1", "hostfwd",
					out, sizeof(out)),
			 0);
	assert_string_equal(out, "user,id=nat,hostfwdx=1");
	assert_int_equal(cfg_spec_strip("tap,id=t", "hostfwd", out, 4),
			 -ENOSPC);
}

/**
 * model_of() - a model of the running switch used by the diff tests: a NAT
 * with one rule, two taps, a static entry on t1, a mirror
 * @m:		result
 * @nat_spec:	the NAT's spec
 * @rule:	its rule ("" for none)
 * @t2:		whether tap t2 exists
 */
static void model_of(struct cfg_model *m, const char *nat_spec,
		     const char *rule, bool t2)
{
	char key[128], value[128];

	memset(m, 0, sizeof(*m));
	assert_int_equal(
		cfg_model_add(m, "netdev", "t1", "tap,id=t1", "t1", NULL), 0);
	assert_int_equal(
		cfg_model_add(m, "netdev", "nat", nat_spec, "nat", NULL), 0);
	if (rule[0]) {
		snprintf(key, sizeof(key), "nat,tcp:127.0.0.1:2222");
		snprintf(value, sizeof(value), "nat,%s", rule);
		assert_int_equal(
			cfg_model_add(m, "hostfwd", key, value, key, "nat"), 0);
	}
	if (t2)
		assert_int_equal(cfg_model_add(m, "netdev", "t2", "tap,id=t2",
					       "t2", NULL),
				 0);
	assert_int_equal(cfg_model_add(m, "fdb", "02:00:00:00:00:01",
				       "02:00:00:00:00:01,t1",
				       "02:00:00:00:00:01", "t1"),
			 0);
	assert_int_equal(cfg_model_add(m, "mirror", "t1,to=t2,dir=both",
				       "t1,to=t2,dir=both", "t1,to=t2,dir=both",
				       NULL),
			 0);
}

/**
 * text_of() - what a printer writes, as a string
 * @base:	model before (for the diff), or NULL to show @cur
 * @cur:	model
 * @buf:	output
 * @len:	its size
 */
static void text_of(const struct cfg_model *base, const struct cfg_model *cur,
		    char *buf, size_t len)
{
	FILE *f;

	memset(buf, 0, len); /* nothing written leaves the buffer alone */
	f = fmemopen(buf, len, "w");
	assert_non_null(f);
	if (base)
		cfg_model_diff(base, cur, f);
	else
		cfg_model_show(cur, f);
	fclose(f);
}

/**
 * test_show_folds_rules() - config show: every port on its netdev line,
 * a NAT's rules folded into it, then the other items by option
 * @state:	unused
 */
static void test_show_folds_rules(void **state)
{
	struct cfg_model m;
	char buf[1024];

	(void)state;
	model_of(&m, "user,id=nat", "tcp::2222-t1:22", true);
	text_of(NULL, &m, buf, sizeof(buf));
	assert_string_equal(buf, "netdev tap,id=t1\n"
				 "netdev user,id=nat,hostfwd=tcp::2222-t1:22\n"
				 "netdev tap,id=t2\n"
				 "fdb 02:00:00:00:00:01,t1\n"
				 "mirror t1,to=t2,dir=both\n");
	cfg_model_free(&m);
}

/**
 * test_diff_empty_when_equal() - the same configuration needs no line
 * @state:	unused
 */
static void test_diff_empty_when_equal(void **state)
{
	struct cfg_model a, b;
	char buf[1024];

	(void)state;
	model_of(&a, "user,id=nat", "tcp::2222-:22", true);
	model_of(&b, "user,id=nat", "tcp::2222-:22", true);
	text_of(&a, &b, buf, sizeof(buf));
	assert_string_equal(buf, "");
	cfg_model_free(&a);
	cfg_model_free(&b);
}

/**
 * test_diff_runtime_changes() - a port removed, a rule changed on the same
 * listen address: removals before additions, option by option
 * @state:	unused
 */
static void test_diff_runtime_changes(void **state)
{
	struct cfg_model base, cur;
	char buf[1024];

	(void)state;
	model_of(&base, "user,id=nat", "tcp::2222-:22", true);
	model_of(&cur, "user,id=nat", "tcp::2222-t1:22", false);
	assert_int_equal(cfg_model_add(&cur, "fdb", "02:00:00:00:00:02,vlan=3",
				       "02:00:00:00:00:02,t1,vlan=3",
				       "02:00:00:00:00:02,vlan=3", "t1"),
			 0);
	text_of(&base, &cur, buf, sizeof(buf));
	assert_string_equal(buf, "netdev-del t2\n"
				 "fdb 02:00:00:00:00:02,t1,vlan=3\n"
				 "hostfwd-del nat,tcp:127.0.0.1:2222\n"
				 "hostfwd nat,tcp::2222-t1:22\n");
	cfg_model_free(&base);
	cfg_model_free(&cur);
}

/**
 * test_diff_renewed_port() - a port whose spec changed is removed and
 * added again; what lived on it before is not removed a second time
 * @state:	unused
 */
static void test_diff_renewed_port(void **state)
{
	struct cfg_model base, cur;
	char buf[1024];

	(void)state;
	model_of(&base, "user,id=nat", "tcp::2222-:22", true);
	model_of(&cur, "user,id=nat,net=10.0.3.0/24", "", true);
	text_of(&base, &cur, buf, sizeof(buf));
	assert_string_equal(buf, "netdev-del nat\n"
				 "netdev user,id=nat,net=10.0.3.0/24\n");
	/* The other way: the renewed port's rule is added back. */
	text_of(&cur, &base, buf, sizeof(buf));
	assert_string_equal(buf, "netdev-del nat\n"
				 "netdev user,id=nat\n"
				 "hostfwd nat,tcp::2222-:22\n");
	cfg_model_free(&base);
	cfg_model_free(&cur);
}

/**
 * test_mirror_values() - a --mirror value parsed and printed back in
 * canonical form; filter= takes the rest, commas included
 * @state:	unused
 */
static void test_mirror_values(void **state)
{
	char buf[512], err[256];
	struct cap_spec s;

	(void)state;
	assert_int_equal(cap_spec_parse_mirror(&s,
					       "vm1+vm2,to=t0,dir=rx,"
					       "filter=tcp[13] & 2 != 0, x",
					       err, sizeof(err)),
			 0);
	assert_int_equal(s.n_ports, 2);
	assert_string_equal(s.ports[1], "vm2");
	assert_string_equal(s.dst, "t0");
	assert_string_equal(s.filter, "tcp[13] & 2 != 0, x");
	assert_int_equal(cap_spec_mirror_text(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vm1+vm2,to=t0,dir=rx,"
				 "filter=tcp[13] & 2 != 0, x");
	assert_int_equal(
		cap_spec_parse_mirror(&s, "all,to=t0", err, sizeof(err)), 0);
	assert_true(s.all_ports);
	assert_int_equal(cap_spec_mirror_text(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "all,to=t0,dir=both");
	assert_int_not_equal(
		cap_spec_parse_mirror(&s, "vm1,dir=rx", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "to=PORT"));
	assert_int_not_equal(
		cap_spec_parse_mirror(&s, "vm1,to=t0,w=x", err, sizeof(err)),
		0);
	assert_int_not_equal(
		cap_spec_parse_mirror(&s, "to=t0", err, sizeof(err)), 0);
}

/**
 * main() - run the tests
 *
 * Return: 0 when all pass
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fdb_values),
		cmocka_unit_test(test_fdb_remote_values),
		cmocka_unit_test(test_lease_values),
		cmocka_unit_test(test_pair_and_strip),
		cmocka_unit_test(test_show_folds_rules),
		cmocka_unit_test(test_diff_empty_when_equal),
		cmocka_unit_test(test_diff_runtime_changes),
		cmocka_unit_test(test_diff_renewed_port),
		cmocka_unit_test(test_mirror_values),
	};

	return cmocka_run_group_tests_name("config_lines", tests, NULL, NULL);
}
