// SPDX-License-Identifier: BSD-3-Clause
/* fuzz_nat.c - libFuzzer target: guest frames into the NAT (slirp/)
 *
 * Theory of operation
 * -------------------
 * Each input gets a fresh NAT port (`user`, opened with port_open() as the
 * daemon does, but its thread never started): the first byte picks one of
 * a few configurations, the rest is a list of operations the fuzzing
 * thread carries out in order, playing at once the guests, the host side
 * and the NAT thread:
 * - a guest frame into slirp_frame_in(), the NAT's one entry point (the
 *   binding checks and DHCP server of slirp_nat.c and nat_dhcp.c, the
 *   spliced TCP of nat_tcp*.c, the UDP flows of nat_udp.c, the census
 *   and libslirp), from one of the switch ports vm1..vm3 or an unknown
 *   one, linear or chained, with or without checksum or TSO offload flags;
 * - one iteration of the NAT thread's loop (slirp_loop_fill(), poll(),
 *   slirp_loop_serve()), without waiting or waiting a few milliseconds for
 *   the host's sockets (WAIT_BUDGET_MS in all per input, so inputs stay
 *   fast), or after moving the NAT's clock forward by up to
 *   a minute (switch/clock.h's fuzz-build skew), so its timers, leases,
 *   bindings and flow timeouts come due; and the control thread's
 *   once-a-second tick;
 * - host clients connecting to the hostfwd rules, sending, closing or
 *   resetting, and datagrams to the UDP rule; a host TCP service on
 *   127.0.0.1:80 and [::1]:80 and a UDP echo on 127.0.0.1:7, which guests
 *   reach through 10.0.2.2 (and fec0::2);
 * - a guest's answer to the last TCP segment (or ARP request) the NAT sent
 *   it, with the sequence numbers that segment asks for, so handshakes,
 *   data and FINs of both spliced and libslirp connections get through
 *   whatever initial sequence numbers the NAT chose.
 * Every frame the NAT sends toward the guests is adapted, as egress would,
 * to a guest port without offloads: offload_adapt() must never refuse one.
 * At the end the NAT is closed, and the process must hold exactly the
 * mbufs and descriptors it held before the input; sanitizers catch the
 * rest.
 *
 * The NAT opens sockets, connects and sends for fuzzed guests, so the
 * target runs only in a network namespace with loopback alone
 * (tests/fuzz/sandbox.sh; fuzz_sandbox.c checks at start and exits
 * otherwise): nothing a fuzzed frame asks for can leave the machine.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_net.h>
#include <rte_tcp.h>

#include "clock.h"
#include "fuzz_sandbox.h"
#include "log.h"
#include "mbuf_copy.h"
#include "mbuf_pool.h"
#include "offload.h"
#include "port.h"
#include "slirp_port.h"
#include "vswitch.h"

#define MAX_OPS	       64
#define MAX_CLIENTS    8
#define MAX_SERVED     8
#define SERVICE	       80 /* host TCP service guests reach at 10.0.2.2 */
#define ECHO	       7 /* host UDP echo guests reach at 10.0.2.2 */
#define UDP_RULE       5555
#define GUEST_MTU      1500
#define OUT_MAX	       512
#define WAIT_BUDGET_MS 12 /* real waiting per input: the rest is speed */

/* The NAT configurations the first byte picks from. */
static const char *const nat_specs[] = {
	"user,id=nat,hostfwd=tcp:127.0.0.1:2222-:22,"
	"hostfwd=tcp:127.0.0.1:2223-vm2:80,hostfwd=udp:127.0.0.1:5555-:53,"
	"hostname=fuzz,domainname=example.org,dnssearch=example.org,"
	"udp_flows=12,udp_flows_guest=6,tcp_conns=12,tcp_conns_guest=6,"
	"hostfwd_conns=6,hostfwd_conns_rule=4,dhcp-leases-per-port=2",
	"user,id=nat,restrict=on,ipv6=off,hostfwd=tcp:127.0.0.1:2222-:22,"
	"hostfwd=udp:127.0.0.1:5555-:53",
	"user,id=nat,net=192.168.76.0/28,dhcpstart=192.168.76.9,"
	"dhcpend=192.168.76.11,dhcp-lease-time=60,ipv6-net=fd00:76::/64,"
	"hostfwd=tcp:127.0.0.1:2222-192.168.76.9:22,"
	"hostfwd=tcp:127.0.0.1:2223-vm3:22,udp_timeout=1,"
	"udp_timeout_replied=2",
};
#define N_SPECS (sizeof(nat_specs) / sizeof(*nat_specs))

/* The switch ports guests send from (indexes 0, 1, 2). */
static const char *const vm_specs[] = {
	"pcap,id=vm1",
	"pcap,id=vm2,ip=10.0.2.30",
	"pcap,id=vm3,ip=192.168.76.10",
};
#define N_VMS	     (sizeof(vm_specs) / sizeof(*vm_specs))
#define UNKNOWN_PORT 200

enum op {
	OP_FRAME,
	OP_STEP,
	OP_WAIT,
	OP_CONNECT,
	OP_SEND,
	OP_CLOSE,
	OP_UDP,
	OP_REPLY,
	OP_TICK,
	OP_SERVE,
	OP_ADVANCE,
	OP__MAX,
};

/**
 * struct input - the part of the input not consumed yet
 * @d:		next byte
 * @n:		bytes left
 */
struct input {
	const uint8_t *d;
	size_t n;
};

/**
 * struct last_tcp - the last TCP segment the NAT sent a guest
 * @valid:	one was seen
 * @v6:		over IPv6
 * @hdr:	its Ethernet, IP (IPv4 or IPv6) and TCP headers (without
 *		options)
 * @len:	its payload length
 * @to_port:	the port the NAT steered it to
 */
struct last_tcp {
	bool valid;
	bool v6;
	uint8_t hdr[RTE_ETHER_HDR_LEN + 40 + 20];
	uint32_t len;
	uint16_t to_port;
};

/* $FUZZ_VERBOSE: print the operations and the frames toward the guests. */
static bool verbose;

static struct {
	struct slirp_port *sp;
	struct port *guest; /* offload_adapt()'s idea of a guest port */
	int listen_fd; /* 127.0.0.1:SERVICE */
	int listen6_fd; /* [::1]:SERVICE */
	int echo_fd; /* 127.0.0.1:ECHO, UDP */
	int udp_fd; /* the host's socket toward the UDP rule */
	int clients[MAX_CLIENTS];
	int served[MAX_SERVED];
	struct last_tcp tcp;
	uint8_t arp[42]; /* last ARP request toward the guests */
	bool arp_valid;
	int wait_left_ms; /* of WAIT_BUDGET_MS, for this input */
} fz;

/**
 * fail() - report a broken invariant and abort, so libFuzzer keeps the
 * input
 * @fmt:	message
 */
static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fuzz_nat: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

/**
 * get_u8() - the next byte of the input, 0 past its end
 * @in:		input
 *
 * Return: byte
 */
static uint8_t get_u8(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->d++;
}

/**
 * get_bytes() - the next bytes: a 16-bit big-endian length, then that many
 * (fewer at the end of the input)
 * @in:		input
 * @len:	how many there are
 *
 * Return: pointer into the input
 */
static const uint8_t *get_bytes(struct input *in, size_t *len)
{
	size_t want = (size_t)get_u8(in) << 8;
	const uint8_t *p;

	want |= get_u8(in);
	*len = RTE_MIN(want, in->n);
	p = in->d;
	in->d += *len;
	in->n -= *len;
	return p;
}

/**
 * count_fds() - descriptors the process holds
 *
 * Return: count
 */
static unsigned int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned int n = 0;
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n ? n - 1 : 0; /* not the one opendir() holds */
}

/**
 * in_use() - mbufs of @mp allocated
 * @mp:		pool, may be NULL
 *
 * Return: count
 */
static unsigned int in_use(const struct rte_mempool *mp)
{
	return mp ? mbuf_pool_in_use(mp) : 0;
}

/**
 * host_socket() - a loopback socket bound to @port (0: any)
 * @type:	SOCK_STREAM or SOCK_DGRAM
 * @port:	port
 *
 * Return: descriptor, or -1
 */
static int host_socket(int type, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (port && bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * host_socket6() - a TCP socket of the host side bound to [::1]:@port
 * @port:	port
 *
 * Return: descriptor, or -1
 */
static int host_socket6(uint16_t port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_port = htons(port),
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int fd =
		socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * close_slot() - close a descriptor slot if open
 * @fd:		slot, set to -1
 */
static void close_slot(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/**
 * note_tcp6() - remember an IPv6 TCP segment the NAT sent toward the
 * guests (the NAT's own carry no extension headers)
 * @m:		frame
 * @f:		its first bytes, linear
 * @len:	how many
 */
static void note_tcp6(const struct rte_mbuf *m, const uint8_t *f, uint32_t len)
{
	uint32_t plen, doff;

	if (len < RTE_ETHER_HDR_LEN + 40 + 20 || f[20] != IPPROTO_TCP)
		return;
	plen = (uint32_t)f[18] << 8 | f[19];
	doff = (f[54 + 12] >> 4) * 4u;
	if (plen < doff)
		return;
	memcpy(fz.tcp.hdr, f, RTE_ETHER_HDR_LEN + 40 + 20);
	fz.tcp.len = plen - doff;
	fz.tcp.to_port = m->port;
	fz.tcp.v6 = true;
	fz.tcp.valid = true;
}

/**
 * note_frame() - remember what a guest would answer in a frame the NAT
 * sent toward the guests
 * @m:		frame
 */
static void note_frame(const struct rte_mbuf *m)
{
	uint8_t buf[RTE_ETHER_HDR_LEN + 60 + 60];
	uint32_t len = RTE_MIN(m->pkt_len, (uint32_t)sizeof(buf));
	const uint8_t *f = rte_pktmbuf_read(m, 0, len, buf);
	uint32_t ihl, tot;

	if (verbose && f && len >= 14)
		fprintf(stderr, "  nat> %u bytes type %02x%02x to port %u%s\n",
			m->pkt_len, f[12], f[13], m->port,
			m->ol_flags & RTE_MBUF_F_TX_TCP_SEG ? " (TSO)" : "");
	if (verbose && f && len >= 54 && f[12] == 0x08 && f[13] == 0 &&
	    f[23] == IPPROTO_TCP)
		fprintf(stderr, "  nat> tcp %u -> %u flags %02x\n",
			(unsigned int)(f[34] << 8 | f[35]),
			(unsigned int)(f[36] << 8 | f[37]), f[47]);
	if (!f || len < 42)
		return;
	if (f[12] == 0x08 && f[13] == 0x06 && f[21] == 1) {
		memcpy(fz.arp, f, sizeof(fz.arp));
		fz.arp_valid = true;
		return;
	}
	if (f[12] == 0x86 && f[13] == 0xdd) {
		note_tcp6(m, f, len);
		return;
	}
	if (f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4 ||
	    f[23] != IPPROTO_TCP)
		return;
	ihl = (f[14] & 0xfu) * 4;
	tot = (uint32_t)f[16] << 8 | f[17];
	if (ihl < 20 || RTE_ETHER_HDR_LEN + ihl + 20 > len ||
	    tot < ihl + (f[14 + ihl + 12] >> 4) * 4u)
		return;
	memcpy(fz.tcp.hdr, f, RTE_ETHER_HDR_LEN + 20);
	memcpy(fz.tcp.hdr + RTE_ETHER_HDR_LEN + 20, f + RTE_ETHER_HDR_LEN + ihl,
	       20);
	fz.tcp.len = tot - ihl - (f[14 + ihl + 12] >> 4) * 4u;
	fz.tcp.to_port = m->port;
	fz.tcp.v6 = false;
	fz.tcp.valid = true;
}

/**
 * drain() - take the frames the NAT queued toward the guests: remember
 * what to answer, adapt each to a guest port without offloads as egress
 * would, free the result
 */
static void drain(void)
{
	struct rte_mbuf *m, *out[OUT_MAX];
	uint64_t before;
	uint16_t n;

	while (!rte_ring_dequeue(fz.sp->from_slirp, (void **)&m)) {
		note_frame(m);
		before = port_counters(fz.guest)->drops[DROP_OFFLOAD];
		n = offload_adapt(fz.guest, m, out, OUT_MAX);
		if (port_counters(fz.guest)->drops[DROP_OFFLOAD] != before)
			fail("the NAT sent a frame offload_adapt() refuses");
		rte_pktmbuf_free_bulk(out, n);
	}
}

/**
 * serve_host() - the host side: accept and answer the TCP service, echo
 * the UDP one, read what hostfwd sent the clients
 */
static void serve_host(void)
{
	uint8_t buf[4096];
	ssize_t r;
	int fd;

	while ((fd = accept4(fz.listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0 ||
	       (fd = accept4(fz.listen6_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		static unsigned int next;
		int *slot = &fz.served[next++ % MAX_SERVED];

		close_slot(slot);
		*slot = fd;
		if (send(fd, "hello\r\n", 7, MSG_NOSIGNAL) < 0)
			close_slot(slot);
	}
	for (unsigned int i = 0; i < MAX_SERVED; i++) {
		if (fz.served[i] < 0)
			continue;
		r = recv(fz.served[i], buf, sizeof(buf), MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN))
			close_slot(&fz.served[i]);
		else if (r > 0 &&
			 send(fz.served[i], buf, (size_t)r,
			      MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
			 errno != EAGAIN)
			close_slot(&fz.served[i]);
	}
	for (unsigned int i = 0; i < 8; i++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);

		r = recvfrom(fz.echo_fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
		if (r < 0)
			break;
		sendto(fz.echo_fd, buf, (size_t)r, MSG_DONTWAIT,
		       (struct sockaddr *)&from, fl);
	}
	for (unsigned int i = 0; i < MAX_CLIENTS; i++) {
		if (fz.clients[i] < 0)
			continue;
		r = recv(fz.clients[i], buf, sizeof(buf), MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN))
			close_slot(&fz.clients[i]);
	}
	if (fz.udp_fd >= 0)
		while (recv(fz.udp_fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
}

/**
 * step() - one iteration of the NAT thread's loop, then the host side
 * @ms:		longest poll() may wait; all the waits of an input together
 *		take at most WAIT_BUDGET_MS
 */
static void step(int ms)
{
	int64_t t0 = clock_mono_ns();
	uint32_t timeout;
	int rc;

	ms = RTE_MIN(ms, fz.wait_left_ms);
	fz.sp->n_pfds = 0;
	timeout = slirp_loop_fill(fz.sp);
	rc = poll(fz.sp->pfds, fz.sp->n_pfds,
		  (int)RTE_MIN(timeout, (uint32_t)ms));
	if (ms)
		fz.wait_left_ms -=
			RTE_MIN((int)((clock_mono_ns() - t0) / 1000000) + 1,
				fz.wait_left_ms);
	slirp_loop_serve(fz.sp, rc);
	drain();
	serve_host();
}

/**
 * frame_in() - a guest frame into the NAT
 * @how:	bits 0-1: ingress port (vm1..vm3, or one the switch does not
 *		have); bit 2: chained in two segments; bit 3: checksums left
 *		to offload; bit 4: TSO requested
 * @f:		frame
 * @len:	its length
 */
static void frame_in(uint8_t how, const uint8_t *f, size_t len)
{
	struct rte_net_hdr_lens hl;
	struct rte_mbuf *m;
	uint32_t ptype;

	if (!len)
		return;
	m = mbuf_from_bytes(port_mbuf_pool, f, len, 0);
	if (!m)
		return;
	if ((how & 4) && m->nb_segs == 1 && len > 1) {
		struct rte_mbuf *tail = rte_pktmbuf_alloc(port_mbuf_pool);
		uint16_t cut = (uint16_t)(len / 2);

		if (tail) {
			memcpy(rte_pktmbuf_append(tail, (uint16_t)(len - cut)),
			       f + cut, len - cut);
			rte_pktmbuf_trim(m, (uint16_t)(len - cut));
			if (rte_pktmbuf_chain(m, tail))
				rte_pktmbuf_free(tail);
		}
	}
	m->port = (how & 3) < N_VMS ? (how & 3) : UNKNOWN_PORT;
	ptype = rte_net_get_ptype(m, &hl, RTE_PTYPE_ALL_MASK);
	m->l2_len = hl.l2_len;
	m->l3_len = hl.l3_len;
	m->l4_len = hl.l4_len;
	if (how & 8) {
		m->ol_flags |= RTE_ETH_IS_IPV4_HDR(ptype) ? RTE_MBUF_F_TX_IPV4
							  : RTE_MBUF_F_TX_IPV6;
		m->ol_flags |= (ptype & RTE_PTYPE_L4_MASK) == RTE_PTYPE_L4_UDP
				       ? RTE_MBUF_F_TX_UDP_CKSUM
				       : RTE_MBUF_F_TX_TCP_CKSUM;
	}
	if (how & 16) {
		m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
		m->tso_segsz = 1448;
	}
	slirp_frame_in(fz.sp, m);
}

/**
 * reply_arp() - a guest answers the NAT's last ARP request
 * @mac:	last byte of the MAC it answers with
 */
static void reply_arp(uint8_t mac)
{
	uint8_t f[42];

	memcpy(f, fz.arp + 6, 6); /* to the asker */
	f[6] = 0x52;
	f[7] = 0x54;
	f[8] = 0;
	f[9] = 0x12;
	f[10] = 0x34;
	f[11] = mac;
	memcpy(f + 12, fz.arp + 12, 10); /* type, htype, ptype, lens */
	f[20] = 0;
	f[21] = 2; /* reply */
	memcpy(f + 22, f + 6, 6); /* sender MAC */
	memcpy(f + 28, fz.arp + 38, 4); /* sender IP: the one asked for */
	memcpy(f + 32, fz.arp + 22, 10); /* target: the asker */
	frame_in(mac & 3, f, sizeof(f));
}

/**
 * reply_tcp6() - reply_tcp() to an IPv6 segment
 * @flags:	TCP flags of the answer
 * @data:	payload
 * @len:	its length, at most 1500
 */
static void reply_tcp6(uint8_t flags, const uint8_t *data, size_t len)
{
	static uint8_t f[RTE_ETHER_HDR_LEN + 40 + 20 + 8 + 1500];
	const uint8_t *h = fz.tcp.hdr;
	const struct rte_ipv6_hdr *nip = (const void *)(h + RTE_ETHER_HDR_LEN);
	const struct rte_tcp_hdr *nth = (const void *)(nip + 1);
	struct rte_ipv6_hdr *ip = (void *)(f + RTE_ETHER_HDR_LEN);
	struct rte_tcp_hdr *th = (void *)(ip + 1);
	uint32_t opt = (flags & RTE_TCP_SYN_FLAG) ? 8 : 0;
	uint32_t seq_len = fz.tcp.len + !!(nth->tcp_flags & RTE_TCP_SYN_FLAG) +
			   !!(nth->tcp_flags & RTE_TCP_FIN_FLAG);

	memcpy(f, h + 6, 6);
	memcpy(f + 6, h, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	memset(ip, 0, sizeof(*ip) + sizeof(*th));
	ip->vtc_flow = htonl(6u << 28);
	ip->payload_len = htons((uint16_t)(20 + opt + len));
	ip->proto = IPPROTO_TCP;
	ip->hop_limits = 64;
	memcpy(ip->src_addr, nip->dst_addr, 16);
	memcpy(ip->dst_addr, nip->src_addr, 16);
	th->src_port = nth->dst_port;
	th->dst_port = nth->src_port;
	th->sent_seq = nth->recv_ack;
	th->recv_ack = htonl(ntohl(nth->sent_seq) + seq_len);
	th->data_off = (uint8_t)(((20 + opt) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = htons(65535);
	if (opt) {
		static const uint8_t o[8] = { 2, 4, 0x05, 0xa0, 1, 3, 3, 7 };

		memcpy(th + 1, o, sizeof(o)); /* MSS 1440, window scale 7 */
	}
	memcpy((uint8_t *)(th + 1) + opt, data, len);
	th->cksum = rte_ipv6_udptcp_cksum(ip, th);
	frame_in(fz.tcp.to_port < N_VMS ? (uint8_t)fz.tcp.to_port : 0, f,
		 RTE_ETHER_HDR_LEN + 60 + opt + len);
}

/**
 * reply_tcp() - a guest answers the NAT's last TCP segment
 * @flags:	TCP flags of the answer
 * @data:	payload
 * @len:	its length
 */
static void reply_tcp(uint8_t flags, const uint8_t *data, size_t len)
{
	static uint8_t f[RTE_ETHER_HDR_LEN + 20 + 20 + 8 + 1500];
	const uint8_t *h = fz.tcp.hdr;
	const struct rte_ipv4_hdr *nip = (const void *)(h + RTE_ETHER_HDR_LEN);
	const struct rte_tcp_hdr *nth = (const void *)(nip + 1);
	struct rte_ipv4_hdr *ip = (void *)(f + RTE_ETHER_HDR_LEN);
	struct rte_tcp_hdr *th = (void *)(ip + 1);
	uint32_t opt = (flags & RTE_TCP_SYN_FLAG) ? 8 : 0;
	uint32_t seq_len = fz.tcp.len + !!(nth->tcp_flags & RTE_TCP_SYN_FLAG) +
			   !!(nth->tcp_flags & RTE_TCP_FIN_FLAG);

	len = RTE_MIN(len, (size_t)1500);
	if (fz.tcp.v6) {
		reply_tcp6(flags, data, len);
		return;
	}
	memcpy(f, h + 6, 6);
	memcpy(f + 6, h, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(ip, 0, sizeof(*ip) + sizeof(*th));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = htons((uint16_t)(20 + 20 + opt + len));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = nip->dst_addr;
	ip->dst_addr = nip->src_addr;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->src_port = nth->dst_port;
	th->dst_port = nth->src_port;
	th->sent_seq = nth->recv_ack;
	th->recv_ack = htonl(ntohl(nth->sent_seq) + seq_len);
	th->data_off = (uint8_t)(((20 + opt) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = htons(65535);
	if (opt) {
		static const uint8_t o[8] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };

		memcpy(th + 1, o, sizeof(o)); /* MSS 1460, window scale 7 */
	}
	memcpy((uint8_t *)(th + 1) + opt, data, len);
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	frame_in(fz.tcp.to_port < N_VMS ? (uint8_t)fz.tcp.to_port : 0, f,
		 RTE_ETHER_HDR_LEN + 40 + opt + len);
}

/**
 * connect_client() - a host client connects to a hostfwd TCP rule
 * @which:	bit 0: the second rule
 */
static void connect_client(uint8_t which)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(which & 1 ? 2223 : 2222),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int *slot = &fz.clients[(which >> 1) % MAX_CLIENTS];

	close_slot(slot);
	*slot = host_socket(SOCK_STREAM, 0);
	if (*slot >= 0 && connect(*slot, (struct sockaddr *)&a, sizeof(a)) &&
	    errno != EINPROGRESS)
		close_slot(slot);
}

/**
 * close_client() - a host client goes away
 * @how:	bits 0-2: client; bits 3-4: close, shut its sending side,
 *		or reset (SO_LINGER 0)
 */
static void close_client(uint8_t how)
{
	int *slot = &fz.clients[how % MAX_CLIENTS];
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (*slot < 0)
		return;
	switch ((how >> 3) & 3) {
	case 1:
		shutdown(*slot, SHUT_WR);
		return;
	case 2:
		setsockopt(*slot, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		break;
	default:
		break;
	}
	close_slot(slot);
}

/**
 * advance() - move the NAT's clock forward (switch/clock.h), then run an
 * iteration, so its timers, the guests' leases and bindings, flows and
 * connections come due without waiting
 * @arg:	bits 0-5: 1 to 64 units; bits 6-7: of 1 ms, 10 ms, 100 ms or
 *		1 s
 */
static void advance(uint8_t arg)
{
	static const int64_t unit_ms[] = { 1, 10, 100, 1000 };

	clock_fuzz_skew_ns += ((arg & 63) + 1) * unit_ms[arg >> 6] * 1000000;
	step(0);
}

/**
 * run_op() - carry out the next operation of the input
 * @in:		input
 */
static void run_op(struct input *in)
{
	uint8_t op = get_u8(in), arg = get_u8(in);
	const uint8_t *d;
	size_t len;

	if (verbose)
		fprintf(stderr, "op %u arg %u\n", op % OP__MAX, arg);

	switch (op % OP__MAX) {
	case OP_FRAME:
		d = get_bytes(in, &len);
		frame_in(arg, d, len);
		break;
	case OP_STEP:
		step(0);
		break;
	case OP_WAIT:
		step(arg % 16);
		break;
	case OP_CONNECT:
		connect_client(arg);
		break;
	case OP_SEND:
		d = get_bytes(in, &len);
		if (fz.clients[arg % MAX_CLIENTS] >= 0)
			send(fz.clients[arg % MAX_CLIENTS], d, len,
			     MSG_NOSIGNAL | MSG_DONTWAIT);
		break;
	case OP_CLOSE:
		close_client(arg);
		break;
	case OP_UDP: {
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons(UDP_RULE),
					 .sin_addr.s_addr =
						 htonl(INADDR_LOOPBACK) };

		d = get_bytes(in, &len);
		if (fz.udp_fd < 0)
			fz.udp_fd = host_socket(SOCK_DGRAM, 0);
		if (fz.udp_fd >= 0)
			sendto(fz.udp_fd, d, len, MSG_DONTWAIT,
			       (struct sockaddr *)&a, sizeof(a));
		break;
	}
	case OP_REPLY:
		d = get_bytes(in, &len);
		if (arg == 0xff && fz.arp_valid)
			reply_arp((uint8_t)len);
		else if (fz.tcp.valid)
			reply_tcp(arg, d, len);
		break;
	case OP_TICK:
		fz.sp->port.ops->tick(&fz.sp->port);
		break;
	case OP_SERVE:
		serve_host();
		break;
	case OP_ADVANCE:
		advance(arg);
		break;
	}
}

/**
 * nat_open() - a fresh NAT port, its thread not started
 * @spec:	its --netdev text
 */
static void nat_open(const char *spec)
{
	char err[256];

	fz.sp = (struct slirp_port *)port_open(spec, err, sizeof(err));
	if (!fz.sp)
		fail("cannot open %s: %s", spec, err);
	/* The first tick binds ip= of vm2, vm3 and the rules naming them. */
	fz.sp->port.ops->tick(&fz.sp->port);
	fz.tcp.valid = false;
	fz.arp_valid = false;
	fz.wait_left_ms = WAIT_BUDGET_MS;
}

/**
 * nat_close() - close the NAT and the host side's connections
 */
static void nat_close(void)
{
	drain();
	fz.sp->port.ops->close(&fz.sp->port);
	fz.sp = NULL;
	for (unsigned int i = 0; i < MAX_CLIENTS; i++)
		close_slot(&fz.clients[i]);
	for (unsigned int i = 0; i < MAX_SERVED; i++)
		close_slot(&fz.served[i]);
	close_slot(&fz.udp_fd);
}

/**
 * start_switch() - the pools, a switch without PMD threads holding
 * the guests' ports, the host services, a guest port for offload_adapt()
 */
static void start_switch(void)
{
	const struct vswitch_config cfg = { .fdb_age = 300, .fdb_size = 1024 };
	char err[256];

	port_mbuf_pool = mbuf_pool_create("fuzz_nat", 8191, 0, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE);
	if (!port_mbuf_pool || !port_jumbo_pool_create())
		fail("cannot create the mbuf pools");
	offload_init(port_mbuf_pool);
	if (vswitch_init(&cfg, NULL, NULL, 0))
		fail("cannot make the switch");
	for (unsigned int i = 0; i < N_VMS; i++) {
		struct port *p = port_open(vm_specs[i], err, sizeof(err));

		if (!p || vswitch_port_add(p, err, sizeof(err)))
			fail("%s: %s", vm_specs[i], err);
	}
	fz.listen_fd = host_socket(SOCK_STREAM, SERVICE);
	fz.listen6_fd = host_socket6(SERVICE);
	fz.echo_fd = host_socket(SOCK_DGRAM, ECHO);
	if (fz.listen_fd < 0 || fz.listen6_fd < 0 || fz.echo_fd < 0 ||
	    listen(fz.listen_fd, 16) || listen(fz.listen6_fd, 16))
		fail("cannot open the host services: %s", strerror(errno));
	fz.udp_fd = -1;
	for (unsigned int i = 0; i < MAX_CLIENTS; i++)
		fz.clients[i] = -1;
	for (unsigned int i = 0; i < MAX_SERVED; i++)
		fz.served[i] = -1;
	fz.guest = aligned_alloc(
		RTE_CACHE_LINE_SIZE,
		RTE_ALIGN_CEIL(sizeof(*fz.guest), RTE_CACHE_LINE_SIZE));
	if (!fz.guest)
		fail("out of memory");
	memset(fz.guest, 0, sizeof(*fz.guest));
	fz.guest->n_txq = 1;
	fz.guest->max_frame = GUEST_MTU + RTE_ETHER_HDR_LEN;
}

/**
 * LLVMFuzzerInitialize() - check the sandbox, start EAL and the switch,
 * open and close a NAT once so what a first NAT creates for good exists
 * before the first input is measured
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	verbose = fuzz_start("nat", false, "0");
	start_switch();
	for (unsigned int i = 0; i < N_SPECS; i++) {
		nat_open(nat_specs[i]);
		step(0);
		nat_close();
	}
	return 0;
}

/**
 * LLVMFuzzerTestOneInput() - one NAT, the input's operations, then no
 * mbuf and no descriptor may be left
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { .d = data, .n = size };
	unsigned int mbufs = in_use(port_mbuf_pool);
	unsigned int jumbos = in_use(port_jumbo_mbuf_pool);
	unsigned int fds = count_fds();

	if (!size)
		return 0;
	nat_open(nat_specs[get_u8(&in) % N_SPECS]);
	for (unsigned int i = 0; i < MAX_OPS && in.n; i++)
		run_op(&in);
	step(0);
	nat_close();
	if (in_use(port_mbuf_pool) != mbufs ||
	    in_use(port_jumbo_mbuf_pool) != jumbos)
		fail("mbufs leaked: %u -> %u (jumbo %u -> %u)", mbufs,
		     in_use(port_mbuf_pool), jumbos,
		     in_use(port_jumbo_mbuf_pool));
	if (count_fds() != fds)
		fail("descriptors leaked: %u -> %u", fds, count_fds());
	return 0;
}
