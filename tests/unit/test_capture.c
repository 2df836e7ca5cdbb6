// SPDX-License-Identifier: BSD-3-Clause
/* test_capture.c - unit tests of capture filters, file encoders and options
 * (capture/capture_filter.c, capture_file.c, capture_spec.c)
 *
 * Filters are checked against libpcap itself: every frame of several
 * samples, whole and split over two chained mbufs, must get the same verdict
 * from the JIT-ed eBPF program as from pcap_offline_filter(). Files written
 * by the encoders are read back with libpcap (which reads pcapng), so the
 * bytes, lengths and nanosecond timestamps are checked by an independent
 * reader.
 */
#include "eal_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "capture_file.h"
#include "capture_filter.h"
#include "mbuf_copy.h"

#define SAMPLES "pcap-samples/"

static const char *const samples[] = {
	SAMPLES "learn-p0.pcap",    SAMPLES "vlan.pcap",  SAMPLES "arp.pcap",
	SAMPLES "bcast-mcast.pcap", SAMPLES "jumbo.pcap", SAMPLES "runt.pcap",
};

static const char *const exprs[] = {
	"arp",
	"ip",
	"ip6",
	"udp",
	"udp port 9",
	"vlan 10",
	"vlan and udp",
	"ether src 02:00:00:00:00:0a",
	"ether broadcast",
	"ether multicast and not ether broadcast",
	"greater 1000",
	"less 61",
	"ip[2:2] > 100",
	"udp[8:4] = 0x73746570", /* "step" */
	"ether[9000:4] != 0",
	"host 10.0.0.2",
	"src net 10.0.0.0/24 and not dst host 10.0.0.3",
	"ip proto 17 and ip[6:2] & 0x1fff = 0",
	"vlan 10 and ip",
	"ether[12:2] = 0x0806",
	"ip[0] & 0xf = 5 and len >= 60",
	"udp[0:2] = 9 or udp[2:2] = 9",
	"not arp and not ip",
};

/**
 * bytes_mbuf() - @len bytes in an mbuf chain of 2 KB segments
 * @d:		bytes
 * @len:	count
 *
 * Return: the chain
 */
static struct rte_mbuf *bytes_mbuf(const uint8_t *d, uint32_t len)
{
	struct rte_mbuf *m = mbuf_from_bytes(port_mbuf_pool, d, len, 0);

	assert_non_null(m);
	return m;
}

/**
 * split() - the frame @d as two chains, the first holding @at bytes
 * @d:		bytes
 * @len:	count
 * @at:		bytes in the first part
 *
 * Return: the chain
 */
static struct rte_mbuf *split(const uint8_t *d, uint32_t len, uint32_t at)
{
	struct rte_mbuf *a = bytes_mbuf(d, at);
	struct rte_mbuf *b = bytes_mbuf(d + at, len - at);

	assert_int_equal(rte_pktmbuf_chain(a, b), 0);
	return a;
}

/**
 * check_sample() - compare JIT and libpcap verdicts over one capture
 * @path:	sample file
 * @expr:	filter
 * @matched:	incremented by the frames libpcap accepted
 */
static void check_sample(const char *path, const char *expr, int *matched)
{
	char ebuf[PCAP_ERRBUF_SIZE], err[256];
	struct cap_filter *f =
		cap_filter_compile(expr, 262144, err, sizeof(err));
	pcap_t *p = pcap_open_offline(path, ebuf);
	struct bpf_program prog;
	struct pcap_pkthdr *h;
	const u_char *data;

	assert_non_null(p);
	assert_non_null(f);
	assert_non_null(f->jit);
	assert_int_equal(pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN),
			 0);
	while (pcap_next_ex(p, &h, &data) == 1) {
		struct pcap_pkthdr whole = *h;
		bool want, got, got_split = false;
		struct rte_mbuf *m;

		if (!h->caplen)
			continue;
		whole.len = h->caplen;
		want = pcap_offline_filter(&prog, &whole, data) != 0;
		m = bytes_mbuf(data, h->caplen);
		got = cap_filter_match(f, m);
		if (h->caplen > 20) {
			struct rte_mbuf *c =
				split(data, h->caplen, h->caplen / 3);

			got_split = cap_filter_match(f, c);
			rte_pktmbuf_free(c);
		} else {
			got_split = got;
		}
		rte_pktmbuf_free(m);
		if (want != got || want != got_split)
			fail_msg("%s, '%s': libpcap %d, JIT %d, JIT on a chain "
				 "%d (frame of %u bytes)",
				 path, expr, want, got, got_split, h->caplen);
		*matched += want;
	}
	pcap_freecode(&prog);
	pcap_close(p);
	cap_filter_free(f);
}

/**
 * test_filters_agree_with_libpcap() - same verdicts as libpcap's filter
 * @state:	unused
 */
static void test_filters_agree_with_libpcap(void **state)
{
	(void)state;
	for (size_t e = 0; e < sizeof(exprs) / sizeof(*exprs); e++) {
		int matched = 0;

		for (size_t s = 0; s < sizeof(samples) / sizeof(*samples); s++)
			check_sample(samples[s], exprs[e], &matched);
		/* every expression but one selects something */
		if (strcmp(exprs[e], "ip6") &&
		    strcmp(exprs[e], "not arp and not ip") && !matched)
			fail_msg("'%s' matched nothing in the samples",
				 exprs[e]);
	}
}

/**
 * test_bad_filter_has_libpcap_message() - a syntax error is reported
 * @state:	unused
 */
static void test_bad_filter_has_libpcap_message(void **state)
{
	char err[256];

	(void)state;
	assert_null(cap_filter_compile("tcp port", 65535, err, sizeof(err)));
	assert_non_null(strstr(err, "filter 'tcp port': "));
	assert_non_null(strstr(err, "syntax error"));
	assert_null(
		cap_filter_compile("udp port 70000", 65535, err, sizeof(err)));
	assert_non_null(strstr(err, "70000"));
	assert_null(cap_filter_compile("", 65535, err, sizeof(err)));
	assert_string_equal(err, "");
}

/**
 * write_buf() - write an encoded buffer to a new file
 * @b:		buffer
 * @path:	file
 */
static void write_buf(const struct capfile_buf *b, const char *path)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

/**
 * read_back() - read a file with libpcap and check its one frame
 * @path:	file
 * @bytes:	expected bytes
 * @caplen:	expected captured length
 * @len:	expected original length
 * @ts:		expected timestamp, ns
 * @frames:	expected frame count
 */
static void read_back(const char *path, const uint8_t *bytes, uint32_t caplen,
		      uint32_t len, uint64_t ts, int frames)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	int n = 0;

	if (!p)
		fail_msg("libpcap cannot read %s: %s", path, ebuf);
	while (pcap_next_ex(p, &h, &data) == 1) {
		assert_int_equal(h->caplen, caplen);
		assert_int_equal(h->len, len);
		assert_memory_equal(data, bytes, caplen);
		assert_int_equal((uint64_t)h->ts.tv_sec * 1000000000u +
					 (uint64_t)h->ts.tv_usec,
				 ts);
		n++;
	}
	assert_int_equal(n, frames);
	pcap_close(p);
}

/**
 * test_pcapng_read_back() - SHB, IDB, EPBs (chained mbuf) and ISB that
 * libpcap reads back byte for byte
 * @state:	unused
 */
static void test_pcapng_read_back(void **state)
{
	static uint8_t data[1500];
	struct capfile_ifstats st = { 1, 10, 2, 5, 3 };
	struct capfile_buf b = { malloc(1 << 16), 0, 1 << 16 };
	uint64_t ts = 1764000000123456789ull;
	char dir[256], path[300];
	struct rte_mbuf *m;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	m = split(data, sizeof(data), 333);
	assert_int_equal(capfile_shb(&b, "test"), 0);
	assert_int_equal(capfile_idb(&b, "vm1", "port", "udp", 262144), 0);
	assert_int_equal(capfile_epb(&b, 0, ts, m, 9000, CAPFILE_INBOUND,
				     "a comment of odd length"),
			 0);
	assert_int_equal(
		capfile_epb(&b, 0, ts, m, 9000, CAPFILE_OUTBOUND, NULL), 0);
	assert_int_equal(capfile_isb(&b, 0, ts + 1, &st), 0);
	assert_int_equal(b.len % 4, 0);
	fixture_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/t.pcapng", dir);
	write_buf(&b, path);
	read_back(path, data, sizeof(data), 9000, ts, 2);
	/* a full buffer refuses a block whole */
	b.cap = b.len + 100;
	assert_int_equal(capfile_epb(&b, 0, ts, m, 1500, 0, NULL), -ENOSPC);
	assert_int_equal(b.len, b.cap - 100);
	b.len = 0;
	b.cap = 1 << 16;
	assert_int_equal(capfile_pcap_header(&b, 262144), 0);
	assert_int_equal(capfile_pcap_record(&b, ts, m, 1500), 0);
	snprintf(path, sizeof(path), "%s/t.pcap", dir);
	write_buf(&b, path);
	read_back(path, data, sizeof(data), 1500, ts, 1);
	rte_pktmbuf_free(m);
	free(b.data);
	fixture_rmtree(dir);
}

/**
 * test_spec_parse() - the --capture option and its messages
 * @state:	unused
 */
static void test_spec_parse(void **state)
{
	struct cap_spec s;
	char err[256];

	(void)state;
	assert_int_equal(cap_spec_parse(&s,
					"vm1,w=/tmp/x.pcapng,dir=rx,filter=tcp "
					"port 22,format=pcap,snaplen=128,"
					"count=10,duration=5,rotate=2:3",
					err, sizeof(err)),
			 0);
	assert_int_equal(s.n_ports, 1);
	assert_string_equal(s.ports[0], "vm1");
	assert_int_equal(s.dir, CAP_DIR_RX);
	assert_string_equal(s.filter, "tcp port 22");
	assert_int_equal(s.format, CAP_FMT_PCAP);
	assert_int_equal(s.snaplen, 128);
	assert_int_equal(s.count, 10);
	assert_int_equal(s.duration, 5);
	assert_int_equal(s.rotate_mb, 2);
	assert_int_equal(s.rotate_files, 3);
	assert_int_equal(s.fd, -1);
	assert_int_equal(cap_spec_parse(&s, "all,w=x", err, sizeof(err)), 0);
	assert_true(s.all_ports);
	assert_int_equal(s.dir, CAP_DIR_BOTH);
	assert_int_equal(s.format, CAP_FMT_PCAPNG);
	assert_int_not_equal(cap_spec_parse(&s, "vm1", err, sizeof(err)), 0);
	assert_string_equal(err, "missing w=FILE");
	assert_int_not_equal(
		cap_spec_parse(&s, "vm1,w=x,dir=up", err, sizeof(err)), 0);
	assert_string_equal(err, "dir 'up': expected rx, tx or both");
	assert_int_not_equal(
		cap_spec_parse(&s, "vm1,w=x,snaplen=0", err, sizeof(err)), 0);
	assert_string_equal(err,
			    "snaplen '0': expected a number from 14 to 262144");
	assert_int_not_equal(
		cap_spec_parse(&s, "vm1,w=x,colour=red", err, sizeof(err)), 0);
	assert_string_equal(err, "unknown option 'colour'");
	assert_int_not_equal(
		cap_spec_parse(&s, "vm1,w=x,rotate=5", err, sizeof(err)), 0);
	assert_string_equal(err, "rotate '5': expected SIZE_MB,FILES");
	assert_int_equal(cap_spec_ports(&s, "a,b,c", err, sizeof(err)), 0);
	assert_int_equal(s.n_ports, 3);
	assert_string_equal(s.ports[2], "c");
	assert_int_not_equal(cap_spec_ports(&s, "a,,c", err, sizeof(err)), 0);
	assert_string_equal(err, "'a,,c': empty port id");
}

/**
 * main() - run the capture tests
 *
 * Return: number of failures
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_filters_agree_with_libpcap),
		FIXTURE_TEST(test_bad_filter_has_libpcap_message),
		FIXTURE_TEST(test_pcapng_read_back),
		FIXTURE_TEST(test_spec_parse),
	};

	return cmocka_run_group_tests_name("capture", tests, fixture_eal_setup,
					   fixture_eal_teardown);
}
