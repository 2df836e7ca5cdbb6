// SPDX-License-Identifier: BSD-3-Clause
/* eal.c - start DPDK's EAL and create the mbuf pool
 *
 * The switch needs no EAL arguments from the user. Lcore 0 is the control
 * (main) thread, allowed on every CPU we may use; lcores 1..n are the PMD
 * threads, each pinned to one CPU of --pmd-cpus. Without hugepages EAL runs
 * with --no-huge --no-shconf and a memory size derived from the ports; with
 * hugepages, --in-memory (no files in hugetlbfs, no shared config). Each
 * process gets its own --file-prefix so several switches and DPDK test
 * tools can run side by side. EAL's telemetry socket is there only with
 * --telemetry on (ctl/telemetry.c).
 */
#include "eal.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "log.h"
#include "mbuf_pool.h"
#include "port.h"
#include "telemetry.h"

#define EAL_MAX_ARGS	    32
#define POOL_MBUFS_BASE	    16384
#define POOL_MBUFS_PER_PORT 2048
/* EAL memory without hugepages, in MB: see eal_memory_mb() */
#define EAL_MEM_BASE_MB	    64
#define EAL_MEM_PORT_MB	    2
#define EAL_MEM_SPARE_PORTS 8

static char runtime_dir[PATH_MAX];

/**
 * hugepages_free() - are hugepages reserved and free on this host?
 *
 * Return: true if at least 512 are free (1 GiB of 2 MiB pages)
 */
static bool hugepages_free(void)
{
	char line[128];
	long n = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "HugePages_Free: %ld", &n) == 1)
			break;
	}
	fclose(f);
	return n >= 512;
}

/**
 * service_cpus() - the CPUs for the control thread and every thread it
 * starts (rte_vhost's, the NAT's, pcap workers): the CPUs we may use
 * minus the PMD CPUs, or all of them when nothing would be left
 * @o:		options (PMD CPUs)
 * @set:	result
 */
static void service_cpus(const struct options *o, cpu_set_t *set)
{
	cpu_set_t rest;

	if (sched_getaffinity(0, sizeof(*set), set))
		CPU_ZERO(set);
	rest = *set;
	for (unsigned int i = 0; i < o->n_pmd_cpus; i++)
		CPU_CLR(o->pmd_cpus[i], &rest);
	if (CPU_COUNT(&rest))
		*set = rest;
}

/**
 * lcores_arg() - build EAL's --lcores value
 * @o:		options (PMD CPUs)
 * @buf:	output
 * @len:	its size
 *
 * Lcore 0 - the control thread, whose CPU set the threads it creates
 * inherit - stays off the PMD CPUs when the host has others: a NAT thread
 * woken on a busy-polling PMD's CPU waited for it to go idle (measured:
 * +150 us on a quarter of hostfwd round trips).
 */
static void lcores_arg(const struct options *o, char *buf, size_t len)
{
	size_t off = (size_t)snprintf(buf, len, "--lcores=0@(");
	cpu_set_t set;
	bool first = true;

	service_cpus(o, &set);
	for (int c = 0; c < CPU_SETSIZE && off < len; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%d",
					first ? "" : ",", c);
		first = false;
	}
	if (first)
		off += (size_t)snprintf(buf + off, len - off, "0");
	off += (size_t)snprintf(buf + off, len - off, ")");
	for (unsigned int i = 0; i < o->n_pmd_cpus && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, ",%u@%d", i + 1,
					o->pmd_cpus[i]);
}

/**
 * eal_memory_mb() - EAL's memory (-m) without hugepages, from the ports
 * @o:		options (the ports given at start)
 *
 * Without hugepages EAL maps all of -m at start and cannot grow it later
 * (its dynamic memory mode needs hugetlbfs), but only what is touched is
 * resident: a 4 KB page of its heap when something is allocated there,
 * and a 48-byte descriptor (struct rte_memseg) for every 4 KB page of -m,
 * written at start: 6.8 MB for the 552 MB this used to ask for. The heap
 * holds no packet buffers (switch/mbuf_pool.c maps those), only pool
 * headers with their per-lcore caches (about 1 MB a pool), rings, hash
 * tables and rte_vhost's queue state: some 4 MB for the default
 * configuration, tens of KB for each port more. So: a base with room for
 * the pools a feature creates at run time, a share per port given at
 * start, and spare shares for ports added at run time.
 *
 * Return: megabytes
 */
static unsigned int eal_memory_mb(const struct options *o)
{
	return EAL_MEM_BASE_MB +
	       EAL_MEM_PORT_MB * (o->n_netdevs + EAL_MEM_SPARE_PORTS);
}

/**
 * eal_start() - initialise EAL for the switch
 * @prog:	argv[0]
 * @o:		options
 * @lcores:	EAL lcore of each PMD CPU, filled
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message in @err
 */
int eal_start(const char *prog, const struct options *o, unsigned int *lcores,
	      char *err, size_t errlen)
{
	char lc[1024], prefix[64], mem[32], loglvl[64];
	char *argv[EAL_MAX_ARGS];
	int argc = 0;

	bool use_hugepages =
		o->hugepages == HUGEPAGES_ON ||
		(o->hugepages == HUGEPAGES_AUTO && hugepages_free());
	lcores_arg(o, lc, sizeof(lc));
	snprintf(prefix, sizeof(prefix), "--file-prefix=vioswitch-%d",
		 (int)getpid());
	snprintf(mem, sizeof(mem), "%u", eal_memory_mb(o));
	snprintf(loglvl, sizeof(loglvl), "--log-level=%s",
		 o->log_level >= LOG_LVL_DEBUG ? "info" : "error");
	argv[argc++] = (char *)prog;
	argv[argc++] = lc;
	argv[argc++] = prefix;
	argv[argc++] = loglvl;
	argv[argc++] = "--no-pci";
	if (!telemetry_enabled())
		argv[argc++] = "--no-telemetry";
	if (use_hugepages) {
		argv[argc++] = "--in-memory";
	} else {
		argv[argc++] = "--no-huge";
		argv[argc++] = "--no-shconf";
		argv[argc++] = "-m";
		argv[argc++] = mem;
	}
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		snprintf(err, errlen, "cannot start DPDK EAL: %s%s",
			 rte_strerror(rte_errno),
			 o->hugepages == HUGEPAGES_ON
				 ? " (--hugepages on: are hugepages reserved?)"
				 : "");
		return -rte_errno;
	}
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		 rte_eal_get_runtime_dir());
	/* Without shared config EAL keeps nothing there: remove it now,
	 * while we may (a --user switch loses the right to). */
	if (!rmdir(runtime_dir))
		runtime_dir[0] = '\0';
	for (unsigned int i = 0; i < o->n_pmd_cpus; i++)
		lcores[i] = i + 1;
	log_debug("EAL started: %s, %u PMD thread(s)",
		  use_hugepages ? "hugepages" : "no hugepages", o->n_pmd_cpus);
	return 0;
}

/**
 * eal_stop() - release EAL and remove its runtime directory, and the
 * telemetry socket in it
 */
void eal_stop(void)
{
	char sock[PATH_MAX + 32];

	rte_eal_cleanup();
	/* EAL leaves the telemetry socket (--telemetry on) behind. */
	snprintf(sock, sizeof(sock), "%s/dpdk_telemetry.v2", runtime_dir);
	if (runtime_dir[0] && telemetry_enabled())
		unlink(sock);
	if (runtime_dir[0] && rmdir(runtime_dir) && errno != ENOENT)
		log_warn("cannot remove %s: %s%s", runtime_dir, strerror(errno),
			 telemetry_enabled() && errno == EACCES
				 ? " (its telemetry socket: --telemetry on "
				   "with --user; remove it as root)"
				 : "");
}

/**
 * eal_memory_log() - log, at debug level, what EAL's heap and the mbuf
 * pools hold
 * @when:	moment, for the message
 */
void eal_memory_log(const char *when)
{
	const struct rte_mempool *mp = port_mbuf_pool,
				 *jp = port_jumbo_mbuf_pool;
	struct rte_malloc_socket_stats st = { 0 };

	if (log_threshold < LOG_LVL_DEBUG)
		return;
	rte_malloc_get_socket_stats(0, &st);
	log_debug("memory %s: EAL heap %zu of %zu KB allocated; mbufs %u of %u"
		  " made, 64 KB mbufs %u of %u",
		  when, st.heap_allocsz_bytes >> 10,
		  st.heap_totalsz_bytes >> 10, mp ? mbuf_pool_populated(mp) : 0,
		  mp ? mp->size : 0, jp ? mbuf_pool_populated(jp) : 0,
		  jp ? jp->size : 0);
}

/**
 * eal_pool_create() - create the switch's mbuf pool
 * @n_ports:	ports given at start, to size it
 *
 * Return: pool, or NULL
 */
struct rte_mempool *eal_pool_create(unsigned int n_ports)
{
	unsigned int n = POOL_MBUFS_BASE + POOL_MBUFS_PER_PORT * n_ports;

	return mbuf_pool_create("vioswitch_mbufs", n, 256, 0,
				RTE_MBUF_DEFAULT_BUF_SIZE);
}
