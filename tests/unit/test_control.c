// SPDX-License-Identifier: BSD-3-Clause
/* test_control.c - unit tests of the control commands (ctl/ctl_cmds.c)
 * on a real switch instance without PMD threads, of the descriptors passed
 * with requests (ctl/ctl_fds.c) and of UTF-8-safe error text (ctl/utf8.c)
 *
 * Requests go through ctl_handle(), exactly as a line read from the control
 * socket would; ports are real pcap ports writing into a temporary
 * directory. Descriptors travel over a real socketpair.
 */
#include "eal_fixture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_version.h>

#include "control.h"
#include "log.h"
#include "utf8.h"
#include "vswitch.h"

#define REQ_MAX 1024

static char tmpdir[64];

/**
 * ctl() - send one request, printf-style, and return the reply
 * @fmt:	request format
 *
 * Return: reply object, owned by the caller
 */
static json_t *__attribute__((format(printf, 1, 2))) ctl(const char *fmt, ...)
{
	char req[REQ_MAX];
	json_t *reply;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(req, sizeof(req), fmt, ap);
	va_end(ap);
	assert_true(len >= 0 && len < REQ_MAX);
	reply = ctl_handle(req, (size_t)len, NULL);
	assert_non_null(reply);
	return reply;
}

/**
 * expect_ok() - the reply says ok; keep its result
 * @reply:	reply, consumed
 *
 * Return: the "result" member, owned by the caller
 */
static json_t *expect_ok(json_t *reply)
{
	json_t *result = json_object_get(reply, "result");

	if (!json_is_true(json_object_get(reply, "ok")))
		fail_msg("error reply: %s",
			 json_string_value(json_object_get(reply, "error")));
	assert_non_null(result);
	json_incref(result);
	json_decref(reply);
	return result;
}

/**
 * expect_error() - the reply is an error whose message holds @needle
 * @reply:	reply, consumed
 * @needle:	text the message must contain
 */
static void expect_error(json_t *reply, const char *needle)
{
	const char *err = json_string_value(json_object_get(reply, "error"));
	bool ok = json_is_true(json_object_get(reply, "ok"));
	char msg[512];

	snprintf(msg, sizeof(msg), "%s", err ? err : "(none)");
	json_decref(reply);
	assert_false(ok);
	if (!strstr(msg, needle))
		fail_msg("error \"%s\" does not say '%s'", msg, needle);
}

/**
 * add_port() - port-add a pcap port writing to TMPDIR/ID.pcap
 * @id:		port id
 */
static void add_port(const char *id)
{
	json_t *r = expect_ok(ctl("{\"cmd\":\"port-add\",\"netdev\":"
				  "\"pcap,id=%s,tx=%s/%s.pcap\"}",
				  id, tmpdir, id));

	assert_string_equal(json_string_value(json_object_get(r, "id")), id);
	json_decref(r);
}

/**
 * del_port() - port-del, which must succeed
 * @id:		port id
 */
static void del_port(const char *id)
{
	json_decref(expect_ok(ctl("{\"cmd\":\"port-del\",\"id\":\"%s\"}", id)));
}

/**
 * list_size() - how many elements the result of @cmd has
 * @cmd:	a command returning a list
 *
 * Return: count
 */
static size_t list_size(const char *cmd)
{
	json_t *r = expect_ok(ctl("{\"cmd\":\"%s\"}", cmd));
	size_t n;

	assert_true(json_is_array(r));
	n = json_array_size(r);
	json_decref(r);
	return n;
}

/**
 * group_setup() - EAL, a quiet log, a temp dir and a switch with no PMDs
 * @state:	unused
 *
 * Return: 0, or -1
 */
static int group_setup(void **state)
{
	const struct vswitch_config cfg = {
		.fdb_age = 300,
		.fdb_size = 1024,
		.idle_us = 200,
	};

	if (fixture_eal_setup(state))
		return -1;
	log_threshold = LOG_LVL_ERR;
	fixture_tmpdir(tmpdir, sizeof(tmpdir));
	return vswitch_init(&cfg, NULL, NULL, 0) ? -1 : 0;
}

/**
 * group_teardown() - remove every port, free the switch, EAL, temp dir
 * @state:	unused
 *
 * Return: what fixture_eal_teardown() returns
 */
static int group_teardown(void **state)
{
	vswitch_fini();
	fixture_rmtree(tmpdir);
	return fixture_eal_teardown(state);
}

/**
 * remove_ports() - per-test teardown: delete the ports a failed test left,
 * then check no mbuf leaked
 * @state:	unused
 *
 * Return: what fixture_mbuf_check() returns
 */
static int remove_ports(void **state)
{
	char err[256];

	while (vsw.table->n &&
	       !vswitch_port_del(vsw.table->list[0]->id, err, sizeof(err)))
		;
	return fixture_mbuf_check(state);
}

/**
 * ctl_test() - a cmocka test that starts and ends with no port
 */
#define ctl_test(fn)                                                           \
	cmocka_unit_test_setup_teardown(fn, fixture_mbuf_mark, remove_ports)

/**
 * test_bad_json() - not JSON at all
 * @state:	unused
 */
static void test_bad_json(void **state)
{
	(void)state;
	expect_error(ctl("{not json"), "bad JSON");
	expect_error(ctl("%s", ""), "bad JSON");
}

/**
 * test_json_array_refused() - valid JSON, but not an object
 * @state:	unused
 */
static void test_json_array_refused(void **state)
{
	(void)state;
	expect_error(ctl("[1,2]"), "not a JSON object");
	expect_error(ctl("[{\"cmd\":\"version\"}]"), "not a JSON object");
}

/**
 * test_missing_cmd() - an object without a "cmd" string
 * @state:	unused
 */
static void test_missing_cmd(void **state)
{
	(void)state;
	expect_error(ctl("{\"x\":1}"), "cmd");
	expect_error(ctl("{\"cmd\":5}"), "cmd");
}

/**
 * test_unknown_cmd_named() - the message names the command
 * @state:	unused
 */
static void test_unknown_cmd_named(void **state)
{
	(void)state;
	expect_error(ctl("{\"cmd\":\"frobnicate\"}"), "frobnicate");
}

/**
 * test_error_cut_in_character() - an error message cut inside a multibyte
 * character (at its 512 bytes, or at 64 for an unknown command) still
 * makes a reply that encodes (found by tests/fuzz/fuzz_ctl.c)
 * @state:	unused
 */
static void test_error_cut_in_character(void **state)
{
	static const char *const fmts[] = {
		"{\"cmd\":\"port-del\",\"id\":\"%s\"}",
		"{\"cmd\":\"%s\"}",
	};
	char text[2 + 2 * 300] = "a";

	(void)state;
	for (unsigned int i = 0; i < 300; i++)
		strcat(text, "\xc3\xa9"); /* U+00E9, two bytes */
	/* Both alignments: one of them cuts inside a character. */
	for (unsigned int f = 0; f < 2; f++) {
		for (unsigned int skew = 0; skew < 2; skew++) {
			json_t *r = ctl(fmts[f], text + skew);
			char *out = json_dumps(r, JSON_COMPACT);

			assert_false(json_is_true(json_object_get(r, "ok")));
			assert_non_null(json_object_get(r, "error"));
			assert_non_null(out);
			free(out);
			json_decref(r);
		}
	}
}

/**
 * test_version() - our version and DPDK's
 * @state:	unused
 */
static void test_version(void **state)
{
	json_t *r = expect_ok(ctl("{\"cmd\":\"version\"}"));

	(void)state;
	assert_string_equal(json_string_value(json_object_get(r, "version")),
			    VIOSWITCH_VERSION);
	assert_string_equal(json_string_value(json_object_get(r, "dpdk")),
			    rte_version());
	json_decref(r);
}

/**
 * test_port_add_list_del() - an added port is listed with its settings and
 * its capture file exists; deleting it empties the list
 * @state:	unused
 */
static void test_port_add_list_del(void **state)
{
	char path[PATH_MAX];
	json_t *list, *p;

	(void)state;
	add_port("p0");
	snprintf(path, sizeof(path), "%s/p0.pcap", tmpdir);
	assert_int_equal(access(path, F_OK), 0);
	list = expect_ok(ctl("{\"cmd\":\"port-list\"}"));
	assert_int_equal(json_array_size(list), 1);
	p = json_array_get(list, 0);
	assert_string_equal(json_string_value(json_object_get(p, "id")), "p0");
	assert_string_equal(json_string_value(json_object_get(p, "type")),
			    "pcap");
	assert_string_equal(json_string_value(json_object_get(p, "tx")), path);
	assert_int_equal(json_integer_value(json_object_get(p, "learned")), 0);
	json_decref(list);
	del_port("p0");
	assert_int_equal(list_size("port-list"), 0);
}

/**
 * test_port_del_twice_fails() - the second delete names the id
 * @state:	unused
 */
static void test_port_del_twice_fails(void **state)
{
	(void)state;
	add_port("p0");
	del_port("p0");
	expect_error(ctl("{\"cmd\":\"port-del\",\"id\":\"p0\"}"), "p0");
	expect_error(ctl("{\"cmd\":\"port-del\"}"), "'id'");
}

/**
 * test_stats_lists_every_drop_reason() - a new port's stats show every
 * drop reason and FDB event, all zero
 * @state:	unused
 */
static void test_stats_lists_every_drop_reason(void **state)
{
	json_t *list, *s, *drops, *fdb;

	(void)state;
	add_port("p0");
	list = expect_ok(ctl("{\"cmd\":\"stats\"}"));
	assert_int_equal(json_array_size(list), 1);
	s = json_array_get(list, 0);
	assert_string_equal(json_string_value(json_object_get(s, "id")), "p0");
	assert_int_equal(json_integer_value(json_object_get(s, "rx_packets")),
			 0);
	drops = json_object_get(s, "drops");
	assert_int_equal(json_object_size(drops), DROP__MAX);
	for (unsigned int d = 0; d < DROP__MAX; d++) {
		json_t *v = json_object_get(drops, drop_reason_names[d]);

		assert_true(json_is_integer(v));
		assert_int_equal(json_integer_value(v), 0);
	}
	fdb = json_object_get(s, "fdb");
	for (unsigned int e = 0; e < FDB_EV__MAX; e++)
		assert_int_equal(json_integer_value(json_object_get(
					 fdb, fdb_event_names[e])),
				 0);
	json_decref(list);
	del_port("p0");
}

/**
 * test_stats_of_one_port() - "id" selects a port; an unknown one errors
 * @state:	unused
 */
static void test_stats_of_one_port(void **state)
{
	json_t *list;

	(void)state;
	add_port("p0");
	add_port("p1");
	list = expect_ok(ctl("{\"cmd\":\"stats\",\"id\":\"p1\"}"));
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(list, 0), "id")),
			    "p1");
	json_decref(list);
	expect_error(ctl("{\"cmd\":\"stats\",\"id\":\"nope\"}"), "nope");
	del_port("p1");
	del_port("p0");
}

/**
 * test_stats_prometheus() - "format": "prometheus" renders every port's
 * counters, each family once, every drop reason labelled; other formats
 * and an "id" are refused
 * @state:	unused
 */
static void test_stats_prometheus(void **state)
{
	const char *text, *line;
	char want[256];
	json_t *r;

	(void)state;
	add_port("p0");
	add_port("p1");
	r = expect_ok(ctl("{\"cmd\":\"stats\",\"format\":\"prometheus\"}"));
	text = json_string_value(json_object_get(r, "text"));
	assert_non_null(text);
	assert_non_null(strstr(text, "# TYPE vioswitch_port_rx_packets_total "
				     "counter\n"));
	assert_non_null(strstr(text, "\nvioswitch_port_rx_packets_total{port="
				     "\"p1\",type=\"pcap\"} 0\n"));
	for (unsigned int d = 0; d < DROP__MAX; d++) {
		snprintf(want, sizeof(want),
			 "\nvioswitch_port_drops_total{port=\"p0\",type="
			 "\"pcap\",reason=\"%s\"} 0\n",
			 drop_reason_names[d]);
		assert_non_null(strstr(text, want));
	}
	/* Each family's TYPE line once, before its samples. */
	for (line = text; (line = strstr(line, "# TYPE ")); line++) {
		const char *name = line + 7;
		size_t n = strcspn(name, " ");

		snprintf(want, sizeof(want), "# TYPE %.*s ", (int)n, name);
		assert_ptr_equal(strstr(text, want), line);
		snprintf(want, sizeof(want), "\n%.*s", (int)n, name);
		assert_true(!strstr(text, want) || strstr(text, want) > line);
	}
	json_decref(r);
	expect_error(ctl("{\"cmd\":\"stats\",\"format\":\"xml\"}"), "expected");
	expect_error(ctl("{\"cmd\":\"stats\",\"format\":\"prometheus\","
			 "\"id\":\"p0\"}"),
		     "every port");
	del_port("p1");
	del_port("p0");
}

/**
 * test_port_add_bad_spec_named() - errors name the offending text
 * @state:	unused
 */
static void test_port_add_bad_spec_named(void **state)
{
	(void)state;
	expect_error(ctl("{\"cmd\":\"port-add\",\"netdev\":"
			 "\"pcap,id=p1,colour=red\"}"),
		     "colour=red");
	expect_error(ctl("{\"cmd\":\"port-add\",\"netdev\":"
			 "\"pcap,id=p1,rx=%s/missing.pcap\"}",
			 tmpdir),
		     "missing.pcap");
	expect_error(ctl("{\"cmd\":\"port-add\",\"netdev\":\"bogus,id=p1\"}"),
		     "'bogus'");
	expect_error(ctl("{\"cmd\":\"port-add\"}"), "'netdev'");
	assert_int_equal(list_size("port-list"), 0);
}

/**
 * test_port_add_duplicate_id_refused() - the first port stays
 * @state:	unused
 */
static void test_port_add_duplicate_id_refused(void **state)
{
	(void)state;
	add_port("p0");
	expect_error(ctl("{\"cmd\":\"port-add\",\"netdev\":\"pcap,id=p0\"}"),
		     "id=p0");
	assert_int_equal(list_size("port-list"), 1);
	del_port("p0");
}

/**
 * test_fdb_add_bad_mac_refused() - malformed and multicast MACs, a bad
 * VLAN and an unknown port are named
 * @state:	unused
 */
static void test_fdb_add_bad_mac_refused(void **state)
{
	(void)state;
	add_port("p0");
	expect_error(ctl("{\"cmd\":\"fdb-add\",\"port\":\"p0\","
			 "\"mac\":\"zz:zz\"}"),
		     "zz:zz");
	expect_error(ctl("{\"cmd\":\"fdb-add\",\"port\":\"p0\","
			 "\"mac\":\"01:00:5e:00:00:01\"}"),
		     "01:00:5e:00:00:01");
	expect_error(ctl("{\"cmd\":\"fdb-add\",\"port\":\"p0\","
			 "\"mac\":\"02:00:00:00:00:01\",\"vlan\":5000}"),
		     "'vlan'");
	expect_error(ctl("{\"cmd\":\"fdb-add\",\"port\":\"nope\","
			 "\"mac\":\"02:00:00:00:00:01\"}"),
		     "nope");
	expect_error(ctl("{\"cmd\":\"fdb-add\",\"port\":\"p0\"}"), "'mac'");
	assert_int_equal(list_size("fdb-show"), 0);
	del_port("p0");
}

/**
 * test_fdb_add_show_del() - a static entry is shown with a lowercase MAC,
 * its port and static true, and can be deleted once
 * @state:	unused
 */
static void test_fdb_add_show_del(void **state)
{
	json_t *list, *e;

	(void)state;
	add_port("p0");
	json_decref(expect_ok(ctl("{\"cmd\":\"fdb-add\",\"port\":\"p0\","
				  "\"mac\":\"02:AA:BB:CC:DD:EE\","
				  "\"vlan\":0}")));
	list = expect_ok(ctl("{\"cmd\":\"fdb-show\"}"));
	assert_int_equal(json_array_size(list), 1);
	e = json_array_get(list, 0);
	assert_string_equal(json_string_value(json_object_get(e, "mac")),
			    "02:aa:bb:cc:dd:ee");
	assert_string_equal(json_string_value(json_object_get(e, "port")),
			    "p0");
	assert_int_equal(json_integer_value(json_object_get(e, "vlan")), 0);
	assert_true(json_is_true(json_object_get(e, "static")));
	json_decref(list);
	json_decref(expect_ok(ctl("{\"cmd\":\"fdb-del\","
				  "\"mac\":\"02:aa:bb:cc:dd:ee\"}")));
	assert_int_equal(list_size("fdb-show"), 0);
	expect_error(ctl("{\"cmd\":\"fdb-del\","
			 "\"mac\":\"02:aa:bb:cc:dd:ee\"}"),
		     "no FDB entry");
	del_port("p0");
}

/**
 * port_learned() - the "learned" count port-list shows for @id
 * @id:		port id
 *
 * Return: count
 */
static json_int_t port_learned(const char *id)
{
	json_t *list = expect_ok(ctl("{\"cmd\":\"port-list\"}"));
	json_int_t n = -1;

	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *p = json_array_get(list, i);

		if (!strcmp(json_string_value(json_object_get(p, "id")), id))
			n = json_integer_value(json_object_get(p, "learned"));
	}
	json_decref(list);
	return n;
}

/**
 * test_fdb_add_twice_keeps_learned_count() - adding the same static entry
 * again (e.g. a script run twice) leaves the port's learned count at 0
 * @state:	unused
 */
static void test_fdb_add_twice_keeps_learned_count(void **state)
{
	(void)state;
	add_port("p0");
	for (int i = 0; i < 2; i++)
		json_decref(expect_ok(ctl("{\"cmd\":\"fdb-add\","
					  "\"port\":\"p0\","
					  "\"mac\":\"02:00:00:00:00:01\"}")));
	assert_int_equal(list_size("fdb-show"), 1);
	assert_int_equal(port_learned("p0"), 0);
	del_port("p0");
}

/**
 * test_port_del_removes_its_fdb_entries() - static entries of a removed
 * port go with it
 * @state:	unused
 */
static void test_port_del_removes_its_fdb_entries(void **state)
{
	(void)state;
	add_port("p0");
	json_decref(expect_ok(ctl("{\"cmd\":\"fdb-add\",\"port\":\"p0\","
				  "\"mac\":\"02:00:00:00:00:01\"}")));
	assert_int_equal(list_size("fdb-show"), 1);
	del_port("p0");
	assert_int_equal(list_size("fdb-show"), 0);
}

/**
 * test_fdb_flush() - an unknown port is named; flushing keeps static
 * entries
 * @state:	unused
 */
static void test_fdb_flush(void **state)
{
	json_t *r;

	(void)state;
	add_port("p0");
	expect_error(ctl("{\"cmd\":\"fdb-flush\",\"port\":\"nope\"}"), "nope");
	json_decref(expect_ok(ctl("{\"cmd\":\"fdb-add\",\"port\":\"p0\","
				  "\"mac\":\"02:00:00:00:00:01\"}")));
	r = expect_ok(ctl("{\"cmd\":\"fdb-flush\",\"port\":\"p0\"}"));
	assert_int_equal(json_integer_value(json_object_get(r, "flushed")), 0);
	json_decref(r);
	r = expect_ok(ctl("{\"cmd\":\"fdb-flush\"}"));
	assert_int_equal(json_integer_value(json_object_get(r, "flushed")), 0);
	json_decref(r);
	assert_int_equal(list_size("fdb-show"), 1);
	del_port("p0");
}

/**
 * test_pmd_stats_empty() - no PMD threads, an empty list
 * @state:	unused
 */
static void test_pmd_stats_empty(void **state)
{
	(void)state;
	assert_int_equal(list_size("pmd-stats"), 0);
}

/**
 * main() - run the control tests
 *
 * Return: 0 when all passed, else the number of failures
 */
/**
 * fix() - utf8_fix() of a copy of @in
 * @in:		text
 * @out:	result
 * @len:	its size
 *
 * Return: @out
 */
static const char *fix(const char *in, char *out, size_t len)
{
	snprintf(out, len, "%s", in);
	utf8_fix(out);
	return out;
}

/**
 * test_utf8_cut_on_boundaries() - utf8_cut() never ends inside a
 * character, and keeps every whole one that fits
 * @state:	unused
 */
static void test_utf8_cut_on_boundaries(void **state)
{
	const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z"; /* aé€😀z */
	static const size_t want[] = { 0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11 };

	(void)state;
	for (size_t max = 0; max < sizeof(want) / sizeof(*want); max++)
		assert_int_equal(utf8_cut(s, max), want[max]);
	assert_int_equal(utf8_cut(s, 100), strlen(s));
	assert_int_equal(utf8_cut("", 5), 0);
}

/**
 * test_utf8_fix_drops_cut_character() - a character cut at the end is
 * dropped, whole
 * @state:	unused
 */
static void test_utf8_fix_drops_cut_character(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(fix("ab\xc3", buf, sizeof(buf)), "ab");
	assert_string_equal(fix("ab\xe2\x82", buf, sizeof(buf)), "ab");
	assert_string_equal(fix("ab\xf0\x9f\x98", buf, sizeof(buf)), "ab");
	assert_string_equal(fix("ab\xf0", buf, sizeof(buf)), "ab");
	assert_string_equal(fix("\xc3\xa9\xc3", buf, sizeof(buf)), "\xc3\xa9");
}

/**
 * test_utf8_fix_replaces_invalid() - invalid bytes inside the text become
 * '?', one each; valid text is left alone
 * @state:	unused
 */
static void test_utf8_fix_replaces_invalid(void **state)
{
	const char *valid = "x \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
			    "\xf4\x8f\xbf\xbf \xed\x9f\xbf";
	char buf[64];

	(void)state;
	assert_string_equal(fix(valid, buf, sizeof(buf)), valid);
	assert_string_equal(fix("a\xff"
				"b",
				buf, sizeof(buf)),
			    "a?b");
	assert_string_equal(fix("a\x80"
				"b",
				buf, sizeof(buf)),
			    "a?b");
	/* overlong '/', surrogate U+D800, U+110000 */
	assert_string_equal(fix("\xc0\xaf.", buf, sizeof(buf)), "??.");
	assert_string_equal(fix("\xe0\x80\xaf.", buf, sizeof(buf)), "???.");
	assert_string_equal(fix("\xed\xa0\x80.", buf, sizeof(buf)), "???.");
	assert_string_equal(fix("\xf4\x90\x80\x80.", buf, sizeof(buf)),
			    "????.");
	/* a character cut in the middle of the text, not at its end */
	assert_string_equal(fix("\xe2\x82'", buf, sizeof(buf)), "?\?'");
}

/**
 * test_utf8_fix_satisfies_jansson() - whatever the bytes, jansson
 * accepts the fixed text, and leaves valid text (which it accepts) alone
 * @state:	unused
 */
static void test_utf8_fix_satisfies_jansson(void **state)
{
	static const uint8_t pick[] = { 'a',  0x7f, 0x80, 0xbf, 0xc0, 0xc2,
					0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4,
					0xf5, 0xff, 0x9f, 0xa0, 0x8f, 0x90 };
	char buf[16], orig[16];

	(void)state;
	srandom(18);
	for (int round = 0; round < 200000; round++) {
		size_t n = (size_t)random() % (sizeof(buf) - 1);
		json_t *str;

		for (size_t i = 0; i < n; i++)
			buf[i] = (char)pick[(size_t)random() % sizeof(pick)];
		buf[n] = '\0';
		memcpy(orig, buf, sizeof(buf));
		str = json_string(buf);
		utf8_fix(buf);
		if (str)
			assert_string_equal(buf, orig);
		json_decref(str);
		str = json_string(buf);
		if (!str)
			fail_msg("jansson refuses fixed text of round %d",
				 round);
		json_decref(str);
		assert_true(utf8_cut(orig, n / 2) <= n / 2);
	}
}

/**
 * test_error_cut_in_character_still_encodes() - an error message that
 * snprintf() cuts inside a multibyte character is still sent, ending on
 * the last whole character
 * @state:	unused
 */
static void test_error_cut_in_character_still_encodes(void **state)
{
	char req[2048] = "{\"cmd\":\"stats\",\"id\":\"";
	const char *err;
	json_t *reply;
	char *text;

	(void)state;
	for (int i = 0; i < 300; i++)
		strcat(req, "\xc3\xa9"); /* é */
	strcat(req, "\"}");
	reply = ctl_handle(req, strlen(req), NULL);
	assert_non_null(reply);
	text = json_dumps(reply, JSON_COMPACT);
	assert_non_null(text);
	free(text);
	err = json_string_value(json_object_get(reply, "error"));
	assert_non_null(err);
	assert_int_equal(strlen(err), 16 + 247 * 2); /* "no port with id " */
	json_decref(reply);
}

/**
 * fd_count() - descriptors this process holds
 *
 * Return: count
 */
static int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/**
 * pass_fds() - send one byte with @n copies of /dev/null over @sv[0] and
 * read it from @sv[1] as the control loop does
 * @sv:		socketpair
 * @n:		descriptors to pass
 * @f:		descriptors received, as ctl_fds_recv() counts them
 */
static void pass_fds(int sv[2], unsigned int n, struct ctl_fds *f)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 64)];
		struct cmsghdr align;
	} out = { 0 };
	union ctl_fds_cbuf in;
	char byte = 'x';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = out.buf,
			      .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	int fds[64];

	assert_true(n > 0 && n <= 64);
	for (unsigned int i = 0; i < n; i++)
		assert_true((fds[i] = open("/dev/null", O_RDONLY)) >= 0);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	assert_int_equal(sendmsg(sv[0], &msg, 0), 1);
	for (unsigned int i = 0; i < n; i++)
		close(fds[i]);
	msg = (struct msghdr){ .msg_iov = &iov,
			       .msg_iovlen = 1,
			       .msg_control = in.buf,
			       .msg_controllen = sizeof(in.buf) };
	assert_int_equal(recvmsg(sv[1], &msg, MSG_CMSG_CLOEXEC), 1);
	ctl_fds_recv(f, &msg);
}

/**
 * test_fds_one_is_offered() - exactly one descriptor: the handler may take
 * it, once; one not taken is closed by ctl_fds_clear()
 * @state:	unused
 */
static void test_fds_one_is_offered(void **state)
{
	struct ctl_fds f;
	int sv[2], before, fd;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	before = fd_count();
	ctl_fds_init(&f);
	assert_int_equal(ctl_fds_take(&f), -ENOENT);
	pass_fds(sv, 1, &f);
	fd = ctl_fds_take(&f);
	assert_true(fd >= 0);
	assert_int_equal(ctl_fds_take(&f), -ENOENT);
	close(fd);
	ctl_fds_clear(&f);
	pass_fds(sv, 1, &f);
	assert_int_equal(fd_count(), before + 1);
	ctl_fds_clear(&f);
	assert_int_equal(fd_count(), before);
	close(sv[0]);
	close(sv[1]);
}

/**
 * test_fds_several_are_closed() - two, eight, or more than the control
 * buffer holds (MSG_CTRUNC): none is offered and none stays open; two
 * messages of one each count as two
 * @state:	unused
 */
static void test_fds_several_are_closed(void **state)
{
	static const unsigned int counts[] = { 2, 3, CTL_FDS_MAX, 20, 64 };
	struct ctl_fds f;
	int sv[2], before;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	before = fd_count();
	for (size_t k = 0; k < sizeof(counts) / sizeof(*counts); k++) {
		ctl_fds_init(&f);
		pass_fds(sv, counts[k], &f);
		assert_true(f.n >= 2);
		assert_int_equal(ctl_fds_take(&f), -E2BIG);
		assert_int_equal(fd_count(), before);
		ctl_fds_clear(&f);
	}
	ctl_fds_init(&f);
	pass_fds(sv, 1, &f);
	pass_fds(sv, 1, &f);
	assert_int_equal(ctl_fds_take(&f), -E2BIG);
	assert_int_equal(fd_count(), before);
	close(sv[0]);
	close(sv[1]);
}

/**
 * test_stream_capture_wants_exactly_one_fd() - a stream capture sent with
 * two descriptors is refused with a message saying so, and none is kept
 * @state:	unused
 */
static void test_stream_capture_wants_exactly_one_fd(void **state)
{
	static const char req[] =
		"{\"cmd\":\"capture-start\",\"port\":\"p0\",\"stream\":true}";
	struct ctl_request rq = { .has_cred = false };
	struct ucred cred;
	int sv[2], before;

	(void)state;
	assert_int_equal(ctl_peer_cred(&cred), -ENOENT);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	before = fd_count();
	ctl_fds_init(&rq.fds);
	pass_fds(sv, 2, &rq.fds);
	expect_error(ctl_handle(req, sizeof(req) - 1, &rq), "exactly one");
	ctl_fds_clear(&rq.fds);
	assert_int_equal(fd_count(), before);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ctl_test(test_bad_json),
		ctl_test(test_json_array_refused),
		ctl_test(test_missing_cmd),
		ctl_test(test_unknown_cmd_named),
		ctl_test(test_error_cut_in_character),
		ctl_test(test_version),
		ctl_test(test_port_add_list_del),
		ctl_test(test_port_del_twice_fails),
		ctl_test(test_stats_lists_every_drop_reason),
		ctl_test(test_stats_of_one_port),
		ctl_test(test_stats_prometheus),
		ctl_test(test_port_add_bad_spec_named),
		ctl_test(test_port_add_duplicate_id_refused),
		ctl_test(test_fdb_add_bad_mac_refused),
		ctl_test(test_fdb_add_show_del),
		ctl_test(test_fdb_add_twice_keeps_learned_count),
		ctl_test(test_port_del_removes_its_fdb_entries),
		ctl_test(test_fdb_flush),
		ctl_test(test_pmd_stats_empty),
		cmocka_unit_test(test_utf8_cut_on_boundaries),
		cmocka_unit_test(test_utf8_fix_drops_cut_character),
		cmocka_unit_test(test_utf8_fix_replaces_invalid),
		cmocka_unit_test(test_utf8_fix_satisfies_jansson),
		ctl_test(test_error_cut_in_character_still_encodes),
		cmocka_unit_test(test_fds_one_is_offered),
		cmocka_unit_test(test_fds_several_are_closed),
		ctl_test(test_stream_capture_wants_exactly_one_fd),
	};

	return cmocka_run_group_tests_name("control", tests, group_setup,
					   group_teardown);
}
