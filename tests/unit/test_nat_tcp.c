// SPDX-License-Identifier: BSD-3-Clause
/* test_nat_tcp.c - unit tests of the NAT's own TCP, spliced past libslirp
 * (slirp/nat_tcp*.c)
 *
 * A real NAT port (libslirp instance, rings, a listening hostfwd socket)
 * whose NAT thread is not started: the test runs its loop steps itself and
 * plays the guest, frame by frame, while a real TCP client on loopback
 * plays the host.
 */
#include "eal_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "nat_tcp.h"
#include "nat_tcp_conn.h"
#include "mbuf_copy.h"
#include "port.h"
#include "slirp_port.h"

#define GUEST_IP  "10.0.2.15"
#define NAT_IP	  "10.0.2.2"
#define GUEST_IP6 "fec0::5054:ff:fe12:3456"
#define NAT_IP6	  "fec0::2"
#define GUEST_ISN 1000000u
#define BIG	  200000

static struct {
	struct slirp_port *sp;
	uint16_t port;
	int client;
	struct rte_ether_addr gmac;
	struct rte_ether_addr nmac;
	uint32_t iss;
	uint16_t nport;
	uint32_t g_nxt; /* guest's next sequence number */
	uint16_t gport; /* the guest's port: 22, or its own for connections
			 * it opens */
	bool v6; /* the guest sends over IPv6 (GUEST_IP6 -> NAT_IP6) */
} t;

/**
 * struct seg - a frame the NAT sent the guest, parsed
 */
struct seg {
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win, sport, dport;
	uint32_t len;
	uint8_t opts[40];
	uint32_t opts_len;
	uint64_t ol_flags;
	uint16_t tso_segsz;
	bool v6;
	bool cksum_ok; /* IPv6 without payload: its TCP checksum is right */
	uint8_t data[65536];
};

static struct seg got;

/**
 * free_tcp_port() - a loopback TCP port nobody listens on
 *
 * Return: port
 */
static uint16_t free_tcp_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/**
 * step() - one NAT-thread iteration of the splice: poll its sockets (up to
 * @ms), serve them and its timers
 * @ms:		poll timeout
 */
static void step(int ms)
{
	uint32_t timeout = (uint32_t)ms;

	t.sp->n_pfds = 0;
	nat_tcp_pollfds(t.sp->tcp, &timeout);
	poll(t.sp->pfds, t.sp->n_pfds, (int)RTE_MIN(timeout, (uint32_t)ms));
	nat_tcp_poll(t.sp->tcp);
}

/**
 * take() - the next frame the NAT sent toward the guests, parsed into @got
 * (stepping up to 1 s for it)
 *
 * Return: true when one came
 */
static bool take(void)
{
	struct rte_mbuf *m = NULL;
	const struct rte_tcp_hdr *th;
	uint8_t hdr[120];
	const uint8_t *h, *d;
	uint32_t ihl, doff, tot;

	for (int i = 0;
	     i < 100 && rte_ring_dequeue(t.sp->from_slirp, (void **)&m); i++)
		step(10);
	if (!m)
		return false;
	h = rte_pktmbuf_read(m, 0, RTE_MIN(m->pkt_len, sizeof(hdr)), hdr);
	memset(&got, 0, sizeof(got));
	if (h[12] == 0x08 && h[13] == 0x00 && h[23] == IPPROTO_TCP) {
		ihl = (h[14] & 0xf) * 4u;
		tot = (uint32_t)(h[16] << 8 | h[17]);
		doff = (h[14 + ihl + 12] >> 4) * 4u;
		th = (const void *)(h + 14 + ihl);

		got.seq = ntohl(th->sent_seq);
		got.ack = ntohl(th->recv_ack);
		got.flags = th->tcp_flags;
		got.win = ntohs(th->rx_win);
		got.sport = ntohs(th->src_port);
		got.dport = ntohs(th->dst_port);
		got.opts_len = doff - 20;
		memcpy(got.opts, th + 1, got.opts_len);
		got.len = tot - ihl - doff;
		assert_true(got.len <= sizeof(got.data));
		d = rte_pktmbuf_read(m, 14 + ihl + doff, got.len, got.data);
		assert_non_null(d);
		if (d != got.data)
			memcpy(got.data, d, got.len);
		got.ol_flags = m->ol_flags;
		got.tso_segsz = m->tso_segsz;
		memcpy(&t.nmac, h + 6, 6);
	} else if (h[12] == 0x86 && h[13] == 0xdd && h[20] == IPPROTO_TCP) {
		th = (const void *)(h + 54);
		doff = (h[54 + 12] >> 4) * 4u;
		got.v6 = true;
		got.seq = ntohl(th->sent_seq);
		got.ack = ntohl(th->recv_ack);
		got.flags = th->tcp_flags;
		got.win = ntohs(th->rx_win);
		got.sport = ntohs(th->src_port);
		got.dport = ntohs(th->dst_port);
		got.opts_len = doff - 20;
		memcpy(got.opts, th + 1, got.opts_len);
		got.len = (uint32_t)(h[18] << 8 | h[19]) - doff;
		assert_int_equal(m->pkt_len, 54 + doff + got.len);
		d = rte_pktmbuf_read(m, 54 + doff, got.len, got.data);
		assert_non_null(d);
		if (d != got.data)
			memcpy(got.data, d, got.len);
		if (!got.len)
			got.cksum_ok = !rte_ipv6_udptcp_cksum_verify(
				(const void *)(h + 14), th);
		got.ol_flags = m->ol_flags;
		got.tso_segsz = m->tso_segsz;
	} else {
		got.flags = 0xff; /* not TCP: ARP and the like */
		got.len = (uint32_t)(h[12] << 8 | h[13]);
	}
	rte_pktmbuf_free(m);
	return true;
}

/**
 * drain_ring() - drop whatever the NAT queued toward the guests
 */
static void drain_ring(void)
{
	void *m;

	while (!rte_ring_dequeue(t.sp->from_slirp, &m))
		rte_pktmbuf_free(m);
}

/**
 * guest_send6() - guest_send() over IPv6, from GUEST_IP6 to NAT_IP6
 * @flags:	TCP flags
 * @seq:	sequence number
 * @ack:	acknowledgement number
 * @win:	window field
 * @opts:	options (a multiple of 4 bytes), or NULL
 * @opts_len:	their length
 * @data:	payload, or NULL
 * @len:	its length
 */
static void guest_send6(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
			const uint8_t *opts, uint32_t opts_len,
			const uint8_t *data, uint32_t len)
{
	static uint8_t f[70000];
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + 14);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint32_t l4 = 20 + opts_len + len;

	memset(f, 0, 14 + 40 + 20 + opts_len);
	memcpy(f, &t.nmac, 6);
	memcpy(f + 6, &t.gmac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip->vtc_flow = htonl(6u << 28);
	ip->payload_len = htons((uint16_t)l4);
	ip->proto = IPPROTO_TCP;
	ip->hop_limits = 64;
	inet_pton(AF_INET6, GUEST_IP6, ip->src_addr);
	inet_pton(AF_INET6, NAT_IP6, ip->dst_addr);
	th->src_port = htons(t.gport);
	th->dst_port = htons(t.nport);
	th->sent_seq = htonl(seq);
	th->recv_ack = htonl(ack);
	th->data_off = (uint8_t)(((20 + opts_len) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = htons(win);
	if (opts_len)
		memcpy(th + 1, opts, opts_len);
	if (len)
		memcpy((uint8_t *)(th + 1) + opts_len, data, len);
	th->cksum = rte_ipv6_udptcp_cksum(ip, th);
	slirp_frame_in(t.sp,
		       mbuf_from_bytes(port_mbuf_pool, f, 14 + 40 + l4, 60));
}

/**
 * guest_send() - the guest sends a TCP segment to the NAT host
 * @flags:	TCP flags
 * @seq:	sequence number
 * @ack:	acknowledgement number
 * @win:	window field
 * @opts:	options (a multiple of 4 bytes), or NULL
 * @opts_len:	their length
 * @data:	payload, or NULL
 * @len:	its length
 */
static void guest_send(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
		       const uint8_t *opts, uint32_t opts_len,
		       const uint8_t *data, uint32_t len)
{
	static uint8_t f[70000];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint32_t l4 = 20 + opts_len + len;

	if (t.v6) {
		guest_send6(flags, seq, ack, win, opts, opts_len, data, len);
		return;
	}
	memset(f, 0, 14 + 20 + 20 + opts_len);
	memcpy(f, &t.nmac, 6);
	memcpy(f + 6, &t.gmac, 6);
	f[12] = 0x08;
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = htons((uint16_t)(20 + l4));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	inet_pton(AF_INET, GUEST_IP, &ip->src_addr);
	inet_pton(AF_INET, NAT_IP, &ip->dst_addr);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->src_port = htons(t.gport);
	th->dst_port = htons(t.nport);
	th->sent_seq = htonl(seq);
	th->recv_ack = htonl(ack);
	th->data_off = (uint8_t)(((20 + opts_len) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = htons(win);
	if (opts_len)
		memcpy(th + 1, opts, opts_len);
	if (len)
		memcpy((uint8_t *)(th + 1) + opts_len, data, len);
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	slirp_frame_in(t.sp,
		       mbuf_from_bytes(port_mbuf_pool, f, 14 + 20 + l4, 60));
}

/**
 * guest_ack() - the guest acknowledges up to @ack with window field @win
 * @ack:	acknowledgement number
 * @win:	window field (scaled by 7)
 */
static void guest_ack(uint32_t ack, uint16_t win)
{
	guest_send(RTE_TCP_ACK_FLAG, t.g_nxt, ack, win, NULL, 0, NULL, 0);
}

/**
 * pattern() - byte @i of the test stream
 * @i:		offset
 *
 * Return: the byte
 */
static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 7 + (i >> 8));
}

/**
 * host_write() - the host client sends @n bytes of the pattern from @from
 * @from:	first offset
 * @n:		bytes
 */
static void host_write(uint32_t from, uint32_t n)
{
	static uint8_t buf[BIG];

	for (uint32_t i = 0; i < n; i++)
		buf[i] = pattern(from + i);
	assert_int_equal(send(t.client, buf, n, 0), (ssize_t)n);
}

/**
 * client_connect() - a host client connected to the NAT's rule (t.port)
 * @rcvbuf:	its SO_RCVBUF, 0 for the default
 *
 * Return: socket
 */
static int client_connect(int rcvbuf)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(t.port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/**
 * nat_open_opts() - a NAT port with one rule toward GUEST_IP:22; a guest
 * MAC known to it unless @unknown
 * @unknown:	leave the guest's MAC unknown (the NAT must ARP)
 * @extra:	more options (",restrict=on"), or ""
 */
static void nat_open_opts(bool unknown, const char *extra)
{
	char spec[160], err[256] = "";
	uint8_t arp[42] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memset(&t, 0, sizeof(t));
	t.gport = 22;
	t.port = free_tcp_port();
	t.gmac = fixture_mac(1);
	snprintf(spec, sizeof(spec),
		 "user,id=nat%s,hostfwd=tcp:127.0.0.1:%u-" GUEST_IP ":22",
		 extra, t.port);
	t.sp = (struct slirp_port *)port_open(spec, err, sizeof(err));
	if (!t.sp)
		fail_msg("port_open: %s", err);
	t.nmac = (struct rte_ether_addr){ { 0x52, 0x55, 10, 0, 2, 2 } };
	if (!unknown) {
		/* An ARP request from the guest: the NAT learns its MAC. */
		memcpy(arp + 6, &t.gmac, 6);
		memcpy(arp + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01",
		       10);
		memcpy(arp + 22, &t.gmac, 6);
		inet_pton(AF_INET, GUEST_IP, arp + 28);
		inet_pton(AF_INET, NAT_IP, arp + 38);
		slirp_frame_in(t.sp, mbuf_from_bytes(port_mbuf_pool, arp,
						     sizeof(arp), 60));
		drain_ring();
	}
	t.client = client_connect(0);
}

/**
 * nat_open() - nat_open_opts() with the NAT's defaults
 * @unknown:	leave the guest's MAC unknown (the NAT must ARP)
 */
static void nat_open(bool unknown)
{
	nat_open_opts(unknown, "");
}

/**
 * nat_close() - close client and port, drop queued frames
 */
static void nat_close(void)
{
	if (t.client >= 0)
		close(t.client);
	drain_ring();
	t.sp->port.ops->close(&t.sp->port);
}

/**
 * counter() - one nat_tcp counter of the port
 * @name:	its name
 *
 * Return: value
 */
static json_int_t counter(const char *name)
{
	json_t *o = nat_tcp_stats(t.sp->tcp);
	json_int_t v = json_integer_value(json_object_get(o, name));

	json_decref(o);
	return v;
}

/**
 * establish() - accept, SYN, SYN-ACK (MSS 1460, window scale 7), ACK
 */
static void establish(void)
{
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };

	assert_true(take());
	assert_int_equal(got.flags, RTE_TCP_SYN_FLAG);
	assert_int_equal(got.dport, 22);
	assert_true(got.sport >= NAT_TCP_PORT_BASE);
	/* MSS, NOP, window scale 7 */
	assert_int_equal(got.opts_len, 8);
	assert_int_equal(got.opts[0], 2);
	assert_int_equal(got.opts[5], 3);
	assert_int_equal(got.opts[7], NAT_TCP_WSCALE);
	t.iss = got.seq;
	t.nport = got.sport;
	t.g_nxt = GUEST_ISN + 1;
	guest_send(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, GUEST_ISN, t.iss + 1,
		   65535, opts, sizeof(opts), NULL, 0);
	assert_true(take());
	assert_int_equal(got.flags, RTE_TCP_ACK_FLAG);
	assert_int_equal(got.ack, GUEST_ISN + 1);
	assert_int_equal(got.seq, t.iss + 1);
}

/**
 * receive() - the guest takes the host's bytes [from, from + n), acking
 * each frame with a 1 MB window, and checks them
 * @from:	stream offset expected first
 * @n:		bytes
 */
static void receive(uint32_t from, uint32_t n)
{
	uint32_t at = from, base = t.iss + 1;

	while (at < from + n) {
		if (!take())
			fail_msg("stalled at byte %u of %u", at - from, n);
		if (got.flags & RTE_TCP_SYN_FLAG || !got.len)
			continue;
		assert_int_equal(got.seq, base + at);
		for (uint32_t i = 0; i < got.len; i++) {
			if (got.data[i] != pattern(at + i))
				fail_msg("byte %u differs", at + i);
		}
		if (got.len > 1460) {
			assert_true(got.ol_flags & RTE_MBUF_F_TX_TCP_SEG);
			assert_int_equal(got.tso_segsz, 1460);
		}
		at += got.len;
		guest_ack(base + at, 8192); /* << 7 = 1 MB */
	}
}

/**
 * test_bytes_cross_both_ways() - host -> guest as super-frames within the
 * window, guest -> host in order, FINs both ways close the connection
 * @state:	unused
 */
static void test_bytes_cross_both_ways(void **state)
{
	static uint8_t data[5000], buf[8000];
	uint32_t base;
	ssize_t n;

	(void)state;
	nat_open(false);
	step(50);
	establish();
	base = t.iss + 1;
	host_write(0, BIG);
	receive(0, BIG);
	/* guest -> host */
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	guest_send(RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, t.g_nxt, base + BIG,
		   8192, NULL, 0, data, sizeof(data));
	assert_true(take());
	assert_int_equal(got.ack, t.g_nxt + sizeof(data));
	t.g_nxt += sizeof(data);
	n = recv(t.client, buf, sizeof(buf), 0);
	assert_int_equal(n, (ssize_t)sizeof(data));
	assert_memory_equal(buf, data, sizeof(data));
	/* host FIN -> FIN to the guest; guest FIN -> EOF at the host */
	shutdown(t.client, SHUT_WR);
	assert_true(take());
	assert_true(got.flags & RTE_TCP_FIN_FLAG);
	assert_int_equal(got.seq, base + BIG);
	guest_send(RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG, t.g_nxt, base + BIG + 1,
		   8192, NULL, 0, NULL, 0);
	step(10);
	assert_int_equal(recv(t.client, buf, sizeof(buf), 0), 0);
	assert_int_equal(counter("open"), 0);
	assert_int_equal(counter("accepted"), 1);
	assert_int_equal(counter("reset"), 0);
	nat_close();
}

/**
 * take_of() - the next frame toward the guest of the connection from NAT
 * port @nport, those of others skipped
 * @nport:	the connection's port on the NAT side
 *
 * Return: true when one came
 */
static bool take_of(uint16_t nport)
{
	for (int i = 0; i < 100; i++) {
		if (!take())
			return false;
		if (got.sport == nport)
			return true;
	}
	return false;
}

/**
 * push_guest_bytes() - the guest sends 60000-byte segments on connection
 * t until @done says enough, the first from stream offset @from, each
 * next from the first byte not acknowledged
 * @from:	stream offset of the first segment
 * @done:	the condition, checked after each segment
 *
 * Return: bytes acknowledged
 */
static uint32_t push_guest_bytes(uint32_t from, bool (*done)(void))
{
	static uint8_t data[60000];
	uint32_t acked = from;

	for (int i = 0; i < 1000; i++) {
		for (uint32_t k = 0; k < sizeof(data); k++)
			data[k] = pattern(acked + k);
		guest_send(RTE_TCP_ACK_FLAG, GUEST_ISN + 1 + acked, t.iss + 1,
			   8192, NULL, 0, data, sizeof(data));
		if (!take_of(t.nport))
			fail_msg("no ACK for the guest's bytes");
		acked = got.ack - (GUEST_ISN + 1);
		if (done())
			return acked;
	}
	fail_msg("1000 segments and still not done");
	return acked;
}

/**
 * window_closed() - the NAT's last ACK offered a window of 0
 *
 * Return: true when it did
 */
static bool window_closed(void)
{
	return got.win == 0;
}

/**
 * test_guest_bytes_wait_for_host() - a host client that does not read:
 * the guest's bytes past what its socket takes wait in the rx ring, every
 * byte acknowledged is one the NAT holds, the window closes when the ring
 * is full (1 MB), and once the client reads, every byte arrives in order
 * @state:	unused
 */
static void test_guest_bytes_wait_for_host(void **state)
{
	static uint8_t buf[65536];
	uint32_t acked;
	size_t have = 0;

	(void)state;
	nat_open(false);
	step(50);
	establish();
	acked = push_guest_bytes(0, window_closed);
	/* More than the socket took: the ring holds the rest. */
	assert_true(acked > NAT_TCP_RX_BUF);
	/* Bytes past the closed window: not taken, and no ring was denied
	 * (the connection has one; it is full). */
	assert_int_equal(push_guest_bytes(acked, window_closed), acked);
	assert_int_equal(counter("ring_denied"), 0);
	/* The client reads: every acknowledged byte arrives, in order. */
	while (have < acked) {
		ssize_t n = recv(t.client, buf, sizeof(buf), MSG_DONTWAIT);

		step(n <= 0 ? 5 : 0);
		if (n <= 0)
			continue;
		for (ssize_t k = 0; k < n; k++) {
			if (buf[k] != pattern((uint32_t)have + (uint32_t)k))
				fail_msg("byte %zu differs", have + (size_t)k);
		}
		have += (size_t)n;
	}
	assert_int_equal(have, acked);
	nat_close();
}

/* rx rings rings_reached() waits for */
static json_int_t rings_wanted;

/**
 * rings_reached() - the NAT holds rings_wanted rx rings
 *
 * Return: true when it does
 */
static bool rings_reached(void)
{
	return counter("rx_rings") == rings_wanted;
}

/* ring_denied before the segments ring_was_denied() waits for */
static json_int_t denied_before;

/**
 * ring_was_denied() - ring_denied grew past denied_before
 *
 * Return: true when it did
 */
static bool ring_was_denied(void)
{
	return counter("ring_denied") > denied_before;
}

/**
 * test_ring_budget() - the NAT's connections hold NAT_TCP_RX_RINGS rx rings
 * at most: one more connection whose host socket is full finds none, so
 * the bytes its socket did not take stay unacknowledged (ring_denied), and
 * it gets one once another connection ends
 * @state:	unused
 */
static void test_ring_budget(void **state)
{
	enum { N = NAT_TCP_RX_RINGS + 1 };
	static int client[N];
	static uint16_t nport[N];
	static uint32_t iss[N];
	uint32_t acked, last, first_acked = 0;

	(void)state;
	nat_open(false);
	for (int i = 0; i < N; i++) {
		/* Clients that read nothing, with a small buffer: a segment
		 * or two overflow the host socket. */
		if (i)
			t.client = client_connect(4096);
		step(50);
		establish();
		client[i] = t.client;
		nport[i] = t.nport;
		iss[i] = t.iss;
		if (i < N - 1) {
			rings_wanted = i + 1;
			acked = push_guest_bytes(0, rings_reached);
			if (!i)
				first_acked = acked;
		}
	}
	assert_int_equal(counter("ring_denied"), 0);
	/* The last one: its bytes past what the socket took find no ring. */
	acked = push_guest_bytes(0, ring_was_denied);
	assert_int_equal(counter("rx_rings"), NAT_TCP_RX_RINGS);
	/* Sent again: no more is taken, and each try is counted. */
	last = acked;
	denied_before = counter("ring_denied");
	acked = push_guest_bytes(last, ring_was_denied);
	assert_int_equal(acked, last);
	/* The first connection ends (the guest resets it), freeing its ring:
	 * the last connection's next segment gets it. */
	t.nport = nport[0];
	t.iss = iss[0];
	guest_send(RTE_TCP_RST_FLAG, GUEST_ISN + 1 + first_acked, 0, 0, NULL,
		   0, NULL, 0);
	step(10);
	assert_int_equal(counter("rx_rings"), NAT_TCP_RX_RINGS - 1);
	t.nport = nport[N - 1];
	t.iss = iss[N - 1];
	rings_wanted = NAT_TCP_RX_RINGS;
	acked = push_guest_bytes(last, rings_reached);
	assert_true(acked > last);
	for (int i = 0; i < N; i++)
		close(client[i]);
	t.client = -1;
	nat_close();
}

/**
 * test_loss_recovered() - three duplicate ACKs resend from the first byte
 * not acknowledged; an old ACK changes nothing; out-of-order guest data
 * gets a duplicate ACK and nothing reaches the host
 * @state:	unused
 */
static void test_loss_recovered(void **state)
{
	static const uint8_t later[100] = { 1 };
	uint32_t base;
	uint8_t buf[16];

	(void)state;
	nat_open(false);
	step(50);
	establish();
	base = t.iss + 1;
	host_write(0, 3000);
	assert_true(take());
	assert_int_equal(got.seq, base);
	assert_int_equal(got.len, 3000);
	/* "lost": a window update, then three duplicate ACKs of the start */
	for (int i = 0; i < 4; i++)
		guest_ack(base, 8192);
	assert_true(take());
	assert_int_equal(got.seq, base);
	assert_int_equal(got.len, 3000);
	assert_int_equal(counter("retransmits"), 1);
	guest_ack(base + 1000, 8192);
	/* An old ACK (below what was acknowledged) must not drop data: the
	 * next retransmission still holds bytes 1000..2999. */
	guest_ack(base + 10, 8192);
	for (int i = 0; i < 3; i++)
		guest_ack(base + 1000, 8192);
	assert_true(take());
	assert_int_equal(got.seq, base + 1000);
	assert_int_equal(got.len, 2000);
	for (uint32_t i = 0; i < got.len; i++)
		assert_int_equal(got.data[i], pattern(1000 + i));
	guest_ack(base + 3000, 8192);
	host_write(3000, 100);
	receive(3000, 100);
	/* guest data out of order: duplicate ACK, the host gets nothing */
	guest_send(RTE_TCP_ACK_FLAG, t.g_nxt + 50, base + 3100, 8192, NULL, 0,
		   later, sizeof(later));
	assert_true(take());
	assert_int_equal(got.ack, t.g_nxt);
	assert_int_equal(recv(t.client, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	nat_close();
}

/**
 * test_closed_window_probed() - data behind a window of 0 waits; a 1-byte
 * probe goes at the timeout, and the rest once the window opens
 * @state:	unused
 */
static void test_closed_window_probed(void **state)
{
	uint32_t base;

	(void)state;
	nat_open(false);
	step(50);
	establish();
	base = t.iss + 1;
	host_write(0, 3000);
	assert_true(take());
	assert_int_equal(got.len, 3000);
	guest_ack(base + 3000, 0);
	host_write(3000, 500);
	assert_true(take());
	assert_int_equal(got.seq, base + 3000);
	assert_int_equal(got.len, 1);
	assert_int_equal(got.data[0], pattern(3000));
	guest_ack(base + 3001, 8192);
	receive(3001, 499);
	nat_close();
}

/**
 * test_kernel_without_peek_offset() - as on kernels before 6.9 (no
 * SO_PEEK_OFF for TCP): bytes cross, loss is recovered, probes go
 * @state:	unused
 */
static void test_kernel_without_peek_offset(void **state)
{
	setenv("VIOSWITCH_NO_PEEK_OFF", "1", 1);
	test_bytes_cross_both_ways(state);
	test_loss_recovered(state);
	test_closed_window_probed(state);
	unsetenv("VIOSWITCH_NO_PEEK_OFF");
}

/**
 * test_guest_port_closed() - the guest answers the SYN with RST: the host
 * client sees its connection reset
 * @state:	unused
 */
static void test_guest_port_closed(void **state)
{
	char buf[4];

	(void)state;
	nat_open(false);
	step(50);
	assert_true(take());
	assert_int_equal(got.flags, RTE_TCP_SYN_FLAG);
	t.nport = got.sport;
	guest_send(RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0, got.seq + 1, 0, NULL,
		   0, NULL, 0);
	assert_int_equal(recv(t.client, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, ECONNRESET);
	assert_int_equal(counter("open"), 0);
	assert_int_equal(counter("reset"), 1);
	nat_close();
}

/**
 * test_unknown_guest_is_arped() - with the guest's MAC unknown the NAT asks
 * ARP first, and sends the SYN once the guest answered
 * @state:	unused
 */
static void test_unknown_guest_is_arped(void **state)
{
	uint8_t rep[42];

	(void)state;
	nat_open(true);
	step(50);
	assert_true(take());
	assert_int_equal(got.flags, 0xff);
	assert_int_equal(got.len, RTE_ETHER_TYPE_ARP);
	memcpy(rep, &t.nmac, 6);
	memcpy(rep + 6, &t.gmac, 6);
	memcpy(rep + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x02", 10);
	memcpy(rep + 22, &t.gmac, 6);
	inet_pton(AF_INET, GUEST_IP, rep + 28);
	memcpy(rep + 32, &t.nmac, 6);
	inet_pton(AF_INET, NAT_IP, rep + 38);
	slirp_frame_in(t.sp,
		       mbuf_from_bytes(port_mbuf_pool, rep, sizeof(rep), 60));
	establish();
	assert_int_equal(counter("unreachable"), 0);
	nat_close();
}

/**
 * test_hostile_segments_ignored() - malformed frames, a RST outside the
 * window and an ACK of bytes never sent change nothing; the connection
 * still carries data
 * @state:	unused
 */
static void test_hostile_segments_ignored(void **state)
{
	static uint8_t bad[80];
	uint32_t base;

	(void)state;
	nat_open(false);
	step(50);
	establish();
	base = t.iss + 1;
	guest_send(RTE_TCP_RST_FLAG, t.g_nxt + 5000000, 0, 0, NULL, 0, NULL, 0);
	guest_ack(base + 999999, 8192);
	/* truncated TCP header; IHL past the frame; data offset past it */
	memcpy(bad, &t.nmac, 6);
	memcpy(bad + 6, &t.gmac, 6);
	memcpy(bad + 12, "\x08\x00\x45\x00\x00\x28", 6);
	bad[23] = IPPROTO_TCP;
	inet_pton(AF_INET, GUEST_IP, bad + 26);
	inet_pton(AF_INET, NAT_IP, bad + 30);
	slirp_frame_in(t.sp, mbuf_from_bytes(port_mbuf_pool, bad, 40, 40));
	bad[14] = 0x4f;
	slirp_frame_in(t.sp, mbuf_from_bytes(port_mbuf_pool, bad, 60, 60));
	bad[14] = 0x45;
	bad[34 + 12] = 0xf0;
	bad[34 + 2] = (uint8_t)(t.nport >> 8);
	bad[34 + 3] = (uint8_t)t.nport;
	slirp_frame_in(t.sp, mbuf_from_bytes(port_mbuf_pool, bad, 60, 60));
	drain_ring();
	host_write(0, 20000);
	receive(0, 20000);
	assert_int_equal(counter("reset"), 0);
	assert_int_equal(counter("open"), 1);
	nat_close();
}

/**
 * listen_loopback() - a host service on loopback
 * @port:	set to its port
 *
 * Return: listening socket
 */
static int listen_loopback(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/**
 * test_guest_opens_to_host_service() - a guest's SYN to 10.0.2.2:PORT
 * reaches the host's 127.0.0.1:PORT; SYN-ACK, then bytes both ways
 * @state:	unused
 */
static void test_guest_opens_to_host_service(void **state)
{
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };
	static const uint8_t hello[] = "hello from the guest";
	uint16_t svc;
	int ls, srv;
	char buf[64];

	(void)state;
	nat_open(false);
	close(t.client); /* the hostfwd client is not part of this test */
	t.client = -1;
	step(20);
	drain_ring();
	ls = listen_loopback(&svc);
	t.gport = 40000;
	t.nport = svc;
	guest_send(RTE_TCP_SYN_FLAG, GUEST_ISN, 0, 65535, opts, sizeof(opts),
		   NULL, 0);
	do {
		assert_true(take());
	} while (got.flags & RTE_TCP_RST_FLAG); /* the hostfwd client's end */
	assert_int_equal(got.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	assert_int_equal(got.ack, GUEST_ISN + 1);
	assert_int_equal(got.sport, svc);
	assert_int_equal(got.dport, 40000);
	assert_int_equal(got.opts[7], NAT_TCP_WSCALE);
	t.iss = got.seq;
	t.g_nxt = GUEST_ISN + 1;
	srv = accept(ls, NULL, NULL);
	assert_true(srv >= 0);
	guest_send(RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, t.g_nxt, t.iss + 1,
		   8192, NULL, 0, hello, sizeof(hello));
	t.g_nxt += sizeof(hello);
	assert_int_equal(recv(srv, buf, sizeof(buf), 0),
			 (ssize_t)sizeof(hello));
	assert_memory_equal(buf, hello, sizeof(hello));
	t.client = srv; /* host_write() writes the service's answer */
	host_write(0, 30000);
	receive(0, 30000);
	assert_int_equal(counter("opened"), 1);
	close(ls);
	nat_close();
}

/**
 * test_guest_opens_to_closed_port() - nothing listens on the host: the
 * guest's SYN is answered with RST
 * @state:	unused
 */
static void test_guest_opens_to_closed_port(void **state)
{
	json_int_t before;

	(void)state;
	nat_open(false);
	close(t.client);
	t.client = -1;
	step(20);
	drain_ring();
	t.gport = 40001;
	t.nport = free_tcp_port();
	before = counter("open"); /* the hostfwd client's, still in SYN */
	guest_send(RTE_TCP_SYN_FLAG, GUEST_ISN, 0, 65535, NULL, 0, NULL, 0);
	do {
		assert_true(take());
	} while (got.dport != 40001);
	assert_int_equal(got.flags, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG);
	assert_int_equal(got.ack, GUEST_ISN + 1);
	assert_int_equal(counter("refused"), 1);
	assert_int_equal(counter("open"), before);
	nat_close();
}

/**
 * test_restricted_nat_opens_nothing() - with restrict=on a guest's SYN to
 * the host is left to libslirp, which drops it
 * @state:	unused
 */
static void test_restricted_nat_opens_nothing(void **state)
{
	uint16_t svc;
	int ls, fd;

	(void)state;
	nat_open_opts(false, ",restrict=on");
	ls = listen_loopback(&svc);
	fcntl(ls, F_SETFL, O_NONBLOCK);
	t.gport = 40002;
	t.nport = svc;
	guest_send(RTE_TCP_SYN_FLAG, GUEST_ISN, 0, 65535, NULL, 0, NULL, 0);
	step(20);
	fd = accept(ls, NULL, NULL);
	assert_int_equal(fd, -1);
	assert_int_equal(counter("opened"), 0);
	close(ls);
	nat_close();
}

/**
 * test_keepalive_probe_answered() - a guest's keepalive probes (an empty
 * segment, or one old byte, just before the window) get an ACK of the
 * next byte expected, and the connection stays
 * @state:	unused
 */
static void test_keepalive_probe_answered(void **state)
{
	static const uint8_t old = 0;

	(void)state;
	nat_open(false);
	step(50);
	establish();
	for (int i = 0; i < 3; i++) {
		guest_send(RTE_TCP_ACK_FLAG, t.g_nxt - 1, t.iss + 1, 8192, NULL,
			   0, i == 2 ? &old : NULL, i == 2);
		assert_true(take());
		assert_int_equal(got.flags, RTE_TCP_ACK_FLAG);
		assert_int_equal(got.ack, t.g_nxt);
		assert_int_equal(got.seq, t.iss + 1);
	}
	/* An ACK in the window needs no answer. */
	guest_ack(t.iss + 1, 8192);
	step(20);
	assert_int_equal(rte_ring_count(t.sp->from_slirp), 0);
	assert_int_equal(counter("keepalive_acks"), 2);
	assert_int_equal(counter("open"), 1);
	host_write(0, 1000);
	receive(0, 1000);
	nat_close();
}

/**
 * listen_loopback6() - a host service on ::1
 * @port:	set to its port
 *
 * Return: listening socket
 */
static int listen_loopback6(uint16_t *port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin6_port);
	return fd;
}

/**
 * test_v6_guest_opens_to_host_service() - an IPv6 guest's SYN to
 * [fec0::2]:PORT reaches the host's [::1]:PORT on the own path: an IPv6
 * SYN-ACK (checksum complete, MSS 65535 - 60), bytes both ways, the
 * host's as IPv6 super-frames
 * @state:	unused
 */
static void test_v6_guest_opens_to_host_service(void **state)
{
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };
	static const uint8_t hello[] = "hello from the IPv6 guest";
	uint16_t svc;
	int ls, srv;
	char buf[64];

	(void)state;
	nat_open(false);
	close(t.client);
	t.client = -1;
	step(20);
	drain_ring();
	ls = listen_loopback6(&svc);
	t.v6 = true;
	t.gport = 40003;
	t.nport = svc;
	guest_send(RTE_TCP_SYN_FLAG, GUEST_ISN, 0, 65535, opts, sizeof(opts),
		   NULL, 0);
	do {
		assert_true(take());
	} while (!got.v6);
	assert_int_equal(got.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	assert_true(got.cksum_ok);
	assert_int_equal(got.ack, GUEST_ISN + 1);
	assert_int_equal(got.sport, svc);
	assert_int_equal(got.dport, 40003);
	assert_int_equal(got.opts[0], 2);
	assert_int_equal(got.opts[2] << 8 | got.opts[3], 65535 - 60);
	assert_int_equal(got.opts[7], NAT_TCP_WSCALE);
	t.iss = got.seq;
	t.g_nxt = GUEST_ISN + 1;
	srv = accept(ls, NULL, NULL);
	assert_true(srv >= 0);
	guest_send(RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, t.g_nxt, t.iss + 1,
		   8192, NULL, 0, hello, sizeof(hello));
	t.g_nxt += sizeof(hello);
	assert_int_equal(recv(srv, buf, sizeof(buf), 0),
			 (ssize_t)sizeof(hello));
	assert_memory_equal(buf, hello, sizeof(hello));
	t.client = srv;
	host_write(0, 30000);
	receive(0, 30000);
	assert_true(got.v6);
	assert_true(got.ol_flags & RTE_MBUF_F_TX_IPV6);
	assert_false(got.ol_flags & RTE_MBUF_F_TX_IPV4);
	assert_int_equal(counter("opened"), 1);
	assert_int_equal(counter("ipv6"), 1);
	assert_int_equal(counter("remote"), 0);
	close(ls);
	nat_close();
}

/**
 * test_v6_guest_opens_to_closed_port() - nothing listens on [::1]: the
 * IPv6 guest's SYN is answered with an IPv6 RST
 * @state:	unused
 */
static void test_v6_guest_opens_to_closed_port(void **state)
{
	(void)state;
	nat_open(false);
	close(t.client);
	t.client = -1;
	step(20);
	drain_ring();
	t.v6 = true;
	t.gport = 40004;
	t.nport = free_tcp_port();
	guest_send(RTE_TCP_SYN_FLAG, GUEST_ISN, 0, 65535, NULL, 0, NULL, 0);
	do {
		assert_true(take());
	} while (got.dport != 40004);
	assert_true(got.v6);
	assert_true(got.cksum_ok);
	assert_int_equal(got.flags, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG);
	assert_int_equal(got.ack, GUEST_ISN + 1);
	assert_int_equal(counter("refused"), 1);
	nat_close();
}

/**
 * test_v6_off_or_restricted_opens_nothing() - with ipv6=off, or with
 * restrict=on, an IPv6 guest's SYN to [fec0::2]:PORT is left to libslirp
 * and no connection reaches the host's [::1]:PORT
 * @state:	unused
 */
static void test_v6_off_or_restricted_opens_nothing(void **state)
{
	static const char *const opts[] = { ",ipv6=off", ",restrict=on" };
	uint16_t svc;
	int ls;

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(opts); i++) {
		nat_open_opts(false, opts[i]);
		ls = listen_loopback6(&svc);
		fcntl(ls, F_SETFL, O_NONBLOCK);
		t.v6 = true;
		t.gport = 40005;
		t.nport = svc;
		guest_send(RTE_TCP_SYN_FLAG, GUEST_ISN, 0, 65535, NULL, 0, NULL,
			   0);
		step(20);
		assert_int_equal(accept(ls, NULL, NULL), -1);
		assert_int_equal(counter("opened"), 0);
		assert_int_equal(counter("ipv6"), 0);
		close(ls);
		nat_close();
	}
}

/**
 * v6_frame() - an IPv6 TCP frame with extension headers: Ethernet, IPv6,
 * @ext (its first header's type @nh), a TCP header and 4 payload bytes
 * @f:		filled, 200 bytes at least
 * @nh:		the IPv6 header's next header
 * @ext:	extension headers, their next header fields set, the last
 *		one's IPPROTO_TCP; NULL when @ext_len is 0
 * @ext_len:	their bytes
 *
 * Return: the frame's length
 */
static uint32_t v6_frame(uint8_t *f, uint8_t nh, const uint8_t *ext,
			 uint32_t ext_len)
{
	uint8_t *th = f + 54 + ext_len;

	memset(f, 0, 54 + ext_len + 24);
	memcpy(f + 6, &t.gmac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[18] = (uint8_t)((ext_len + 24) >> 8);
	f[19] = (uint8_t)(ext_len + 24);
	f[20] = nh;
	f[21] = 64;
	inet_pton(AF_INET6, GUEST_IP6, f + 22);
	inet_pton(AF_INET6, "fd00::1", f + 38);
	if (ext_len)
		memcpy(f + 54, ext, ext_len);
	th[0] = 0x9c; /* 40000 */
	th[1] = 0x40;
	th[3] = 80;
	th[12] = 5 << 4;
	th[13] = RTE_TCP_SYN_FLAG;
	memcpy(th + 20, "abcd", 4);
	return 54 + ext_len + 24;
}

/**
 * parse6() - nat_tcp_parse() of a frame, as a chain of 60-byte segments
 * @f:		frame
 * @len:	its length
 * @s:		filled when it parses
 *
 * Return: nat_tcp_parse()'s result
 */
static int parse6(const uint8_t *f, uint32_t len, struct nat_tcp_segment *s)
{
	struct rte_mbuf *m = mbuf_from_bytes(port_mbuf_pool, f, len, 60);
	int r;

	assert_non_null(m);
	r = nat_tcp_parse(m, s);
	if (!r) {
		assert_true(s->off >= 74);
		assert_true(s->off + s->len <= len);
	}
	rte_pktmbuf_free(m);
	return r;
}

/**
 * test_v6_malformed_frames_refused() - the IPv6 parser takes a segment
 * behind hop-by-hop (first), destination options and finished routing
 * headers, and refuses fragments, unfinished routing, misplaced
 * hop-by-hop, too many headers, jumbograms, lengths past the frame and
 * random garbage, never reading past the frame
 * @state:	unused
 */
static void test_v6_malformed_frames_refused(void **state)
{
	static uint8_t f[400], ext[64];
	struct nat_tcp_segment s;
	uint32_t len, seed = 12345;

	(void)state;
	t.gmac = fixture_mac(1);
	len = v6_frame(f, IPPROTO_TCP, NULL, 0);
	assert_int_equal(parse6(f, len, &s), 0);
	assert_true(s.v6);
	assert_int_equal(s.sport, 40000);
	assert_int_equal(s.dport, 80);
	assert_int_equal(s.off, 74);
	assert_int_equal(s.len, 4);
	/* hop-by-hop, destination options, routing with 0 segments left */
	memset(ext, 0, sizeof(ext));
	ext[0] = IPPROTO_DSTOPTS;
	ext[8] = IPPROTO_ROUTING;
	ext[9] = 1; /* 16 bytes */
	ext[24] = IPPROTO_TCP;
	len = v6_frame(f, IPPROTO_HOPOPTS, ext, 32);
	assert_int_equal(parse6(f, len, &s), 0);
	assert_int_equal(s.off, 74 + 32);
	assert_int_equal(s.len, 4);
	/* routing header with segments left */
	ext[24 + 3] = 1;
	len = v6_frame(f, IPPROTO_HOPOPTS, ext, 32);
	assert_int_equal(parse6(f, len, &s), -1);
	ext[24 + 3] = 0;
	/* hop-by-hop not first */
	ext[8] = IPPROTO_HOPOPTS;
	len = v6_frame(f, IPPROTO_HOPOPTS, ext, 32);
	assert_int_equal(parse6(f, len, &s), -1);
	/* a fragment header */
	memset(ext, 0, sizeof(ext));
	ext[0] = IPPROTO_TCP;
	len = v6_frame(f, IPPROTO_FRAGMENT, ext, 8);
	assert_int_equal(parse6(f, len, &s), -1);
	/* four destination options headers pass, five do not */
	for (int i = 0; i < 5; i++)
		ext[i * 8] = i == 3 ? IPPROTO_TCP : IPPROTO_DSTOPTS;
	len = v6_frame(f, IPPROTO_DSTOPTS, ext, 32);
	assert_int_equal(parse6(f, len, &s), 0);
	ext[24] = IPPROTO_DSTOPTS;
	ext[32] = IPPROTO_TCP;
	len = v6_frame(f, IPPROTO_DSTOPTS, ext, 40);
	assert_int_equal(parse6(f, len, &s), -1);
	/* an extension header longer than the payload */
	memset(ext, 0, sizeof(ext));
	ext[0] = IPPROTO_TCP;
	ext[1] = 200;
	len = v6_frame(f, IPPROTO_DSTOPTS, ext, 8);
	assert_int_equal(parse6(f, len, &s), -1);
	/* payload length past the frame; 0 (a jumbogram) */
	len = v6_frame(f, IPPROTO_TCP, NULL, 0);
	f[19] += 1;
	assert_int_equal(parse6(f, len, &s), -1);
	f[18] = f[19] = 0;
	assert_int_equal(parse6(f, len, &s), -1);
	/* data offset under 20, past the payload; TCP header cut short */
	len = v6_frame(f, IPPROTO_TCP, NULL, 0);
	f[54 + 12] = 4 << 4;
	assert_int_equal(parse6(f, len, &s), -1);
	f[54 + 12] = 15 << 4;
	assert_int_equal(parse6(f, len, &s), -1);
	f[54 + 12] = 5 << 4;
	f[18] = 0;
	f[19] = 12;
	assert_int_equal(parse6(f, len, &s), -1);
	/* not version 6; not TCP */
	len = v6_frame(f, IPPROTO_TCP, NULL, 0);
	f[14] = 0x40;
	assert_int_equal(parse6(f, len, &s), -1);
	len = v6_frame(f, IPPROTO_UDP, NULL, 0);
	assert_int_equal(parse6(f, len, &s), -1);
	/* garbage: random bytes over valid frames, cut anywhere */
	for (int i = 0; i < 20000; i++) {
		memset(ext, 0, sizeof(ext));
		ext[0] = IPPROTO_DSTOPTS;
		ext[8] = IPPROTO_TCP;
		len = v6_frame(f, IPPROTO_HOPOPTS, ext, 16);
		for (int k = 0; k < 1 + i % 6; k++) {
			seed = seed * 1103515245u + 12345u;
			f[12 + (seed >> 8) % (len - 12)] =
				(uint8_t)(seed >> 20);
		}
		seed = seed * 1103515245u + 12345u;
		if (seed & 0x10000)
			len = 14 + (seed >> 17) % (len - 14);
		parse6(f, len, &s);
	}
}

/**
 * main() - run the spliced hostfwd TCP tests
 *
 * Return: number of failed tests
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_bytes_cross_both_ways),
		FIXTURE_TEST(test_loss_recovered),
		FIXTURE_TEST(test_guest_bytes_wait_for_host),
		FIXTURE_TEST(test_ring_budget),
		FIXTURE_TEST(test_guest_port_closed),
		FIXTURE_TEST(test_unknown_guest_is_arped),
		FIXTURE_TEST(test_hostile_segments_ignored),
		FIXTURE_TEST(test_guest_opens_to_host_service),
		FIXTURE_TEST(test_guest_opens_to_closed_port),
		FIXTURE_TEST(test_restricted_nat_opens_nothing),
		FIXTURE_TEST(test_closed_window_probed),
		FIXTURE_TEST(test_kernel_without_peek_offset),
		FIXTURE_TEST(test_keepalive_probe_answered),
		FIXTURE_TEST(test_v6_guest_opens_to_host_service),
		FIXTURE_TEST(test_v6_guest_opens_to_closed_port),
		FIXTURE_TEST(test_v6_off_or_restricted_opens_nothing),
		FIXTURE_TEST(test_v6_malformed_frames_refused),
	};

	return cmocka_run_group_tests_name("nat_tcp", tests, fixture_eal_setup,
					   fixture_eal_teardown);
}
