// SPDX-License-Identifier: BSD-3-Clause
/* fuzz_offload.c - libFuzzer target: virtio-net header validation and
 * offload adaptation (switch/offload_vnet.c, offload.c, offload_tso.c)
 *
 * Input: a struct virtio_net_hdr (10 bytes), one byte choosing the output
 * port's capabilities, then an Ethernet frame. The frame is copied into
 * real mbufs (chained past 2 KB), its header is validated as a tap port
 * would, and a frame that passes is adapted to the chosen port as egress
 * would. The oracle: no crash or sanitizer report, no mbuf leaked, no
 * chained frame to a port that takes only linear ones, and when the
 * switch had to fill a TCP/IPv4 checksum itself (the frame asked for
 * checksum offload and the port does not take it), the checksum verifies.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_net.h>

#include "mbuf_copy.h"
#include "offload.h"
#include "offload_vnet.h"
#include "port.h"

#define OUT_MAX 512

/* What port.c would define; the harness links only the offload code. */
__thread unsigned int counter_slot = SLOT_CONTROL;
struct rte_mempool *port_mbuf_pool;

static struct port *port;

static char runtime_dir[512];

/**
 * cleanup() - at exit: release EAL and remove its runtime directory, so
 * runs leave nothing in /var/run/dpdk
 */
static void cleanup(void)
{
	rte_eal_cleanup();
	if (runtime_dir[0])
		rmdir(runtime_dir);
}

/**
 * LLVMFuzzerInitialize() - start EAL once, make the pool and a port
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char prefix[64];
	char *eal[] = { "fuzz",
			"--no-huge",
			"--no-shconf",
			"-m",
			"512",
			"--no-pci",
			"--no-telemetry",
			"--log-level=error",
			prefix,
			"-l",
			"0",
			NULL };

	(void)argc;
	(void)argv;
	snprintf(prefix, sizeof(prefix), "--file-prefix=fuzz-%d", getpid());
	if (rte_eal_init(11, eal) < 0)
		abort();
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		 rte_eal_get_runtime_dir());
	atexit(cleanup);
	port_mbuf_pool = rte_pktmbuf_pool_create(
		"fuzz", 8192, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (!port_mbuf_pool)
		abort();
	offload_init(port_mbuf_pool);
	port = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*port));
	if (!port)
		abort();
	memset(port, 0, sizeof(*port));
	port->n_txq = 1;
	return 0;
}

/**
 * check_csum() - a software-filled TCP/UDP checksum must verify
 * @m:		frame that leaves
 */
static void check_csum(struct rte_mbuf *m)
{
	struct rte_net_hdr_lens hl;
	uint32_t ptype, l4;
	uint8_t buf[65536];
	const void *d;

	if (m->pkt_len > sizeof(buf))
		return;
	ptype = rte_net_get_ptype(m, &hl, RTE_PTYPE_ALL_MASK);
	l4 = ptype & RTE_PTYPE_L4_MASK;
	if (l4 != RTE_PTYPE_L4_TCP || (ptype & RTE_PTYPE_L3_MASK) == 0)
		return;
	d = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	if (RTE_ETH_IS_IPV4_HDR(ptype)) {
		const struct rte_ipv4_hdr *ip =
			(const void *)((const uint8_t *)d + hl.l2_len);

		if (hl.l2_len + rte_be_to_cpu_16(ip->total_length) !=
		    m->pkt_len)
			return; /* padded or odd frame: not ours to judge */
		if (rte_ipv4_udptcp_cksum_verify(ip, (const uint8_t *)ip +
							     hl.l3_len))
			abort();
	}
}

/**
 * LLVMFuzzerTestOneInput() - validate and adapt one frame
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t caps[] = {
		0,
		PORT_CAP_MULTISEG,
		PORT_CAP_MULTISEG | PORT_CAP_L4_CKSUM,
		PORT_CAP_MULTISEG | PORT_CAP_L4_CKSUM | PORT_CAP_TSO4 |
			PORT_CAP_TSO6 | PORT_CAP_UFO,
	};
	struct rte_mbuf *out[OUT_MAX], *m;
	struct virtio_net_hdr h;
	bool filled;
	uint16_t n;

	if (size < sizeof(h) + 1 || size > sizeof(h) + 1 + 70000)
		return 0;
	memcpy(&h, data, sizeof(h));
	port->caps = caps[data[sizeof(h)] & 3];
	port->max_frame = (data[sizeof(h)] & 4) ? 1514 : 65535;
	m = mbuf_from_bytes(port_mbuf_pool, data + sizeof(h) + 1,
			    size - sizeof(h) - 1, 0);
	if (!m)
		return 0;
	if (offload_from_vnet(m, &h)) {
		rte_pktmbuf_free(m);
		return 0;
	}
	filled = (m->ol_flags & RTE_MBUF_F_TX_TCP_CKSUM) ==
			 RTE_MBUF_F_TX_TCP_CKSUM &&
		 !(port->caps & PORT_CAP_L4_CKSUM);
	n = offload_adapt(port, m, out, OUT_MAX);
	for (uint16_t i = 0; i < n; i++) {
		if (!(port->caps & PORT_CAP_MULTISEG) && out[i]->nb_segs > 1)
			abort();
		if (filled)
			check_csum(out[i]);
	}
	rte_pktmbuf_free_bulk(out, n);
	if (rte_mempool_in_use_count(port_mbuf_pool))
		abort(); /* leaked */
	return 0;
}
