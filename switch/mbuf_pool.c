// SPDX-License-Identifier: BSD-3-Clause
/* mbuf_pool.c - mbuf pools on 2 MB pages, with or without hugetlbfs
 *
 * Theory of operation
 * -------------------
 * With hugepages reserved, EAL's memory is made of them and pools come from
 * rte_pktmbuf_pool_create(). Without (--no-huge, the default on hosts that
 * reserve none), EAL's memory is a memfd of 4 KB pages: every mbuf is on a
 * page of its own in the TLB, and a burst of 32 frames costs some 100 TLB
 * entries between mbufs and guest buffers. So there a pool is populated
 * from anonymous memory the kernel backs with transparent huge pages
 * (madvise(MADV_HUGEPAGE), honoured when THP is "always" or "madvise"),
 * which needs no reservation. Such memory has no IOVA: the switch's ports
 * (rte_vhost, taps, the NAT, pcap) address mbufs only by virtual address,
 * and DPDK's IOVA-as-VA mode gives them that. Objects are packed
 * (RTE_MEMPOOL_F_NO_IOVA_CONTIG): a pool EAL populates on 4 KB pages keeps
 * each 2.3 KB mbuf inside one page, one per page.
 */
#include "mbuf_pool.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>

#include "log.h"

#define POOL_PAGE (2u << 20)

/**
 * chunk_unmap() - free callback of the pool's memory chunk
 * @chunk:	the chunk: the whole mapping, from its start
 * @opaque:	mapping length
 */
static void chunk_unmap(struct rte_mempool_memhdr *chunk, void *opaque)
{
	munmap(chunk->addr, (size_t)(uintptr_t)opaque);
}

/**
 * map_aligned() - map anonymous memory starting on a 2 MB boundary
 * @len:	length, a multiple of POOL_PAGE
 *
 * Return: the mapping, exactly @len long, or NULL with errno set
 */
static char *map_aligned(size_t len)
{
	char *addr, *start;
	size_t head;

	addr = mmap(NULL, len + POOL_PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (addr == MAP_FAILED)
		return NULL;
	/* Keep only the aligned part, so every page can be a huge one. */
	start = RTE_PTR_ALIGN_CEIL(addr, POOL_PAGE);
	head = (size_t)(start - addr);
	if (head)
		munmap(addr, head);
	munmap(start + len, POOL_PAGE - head);
	return start;
}

/**
 * populate_thp() - give @mp its objects' memory from transparent huge
 * pages; the pool owns it from then on (rte_mempool_free() unmaps it)
 * @mp:		empty pool
 *
 * Return: 0, or -errno
 */
static int populate_thp(struct rte_mempool *mp)
{
	size_t obj = mp->header_size + mp->elt_size + mp->trailer_size;
	size_t per_page = POOL_PAGE / obj, len;
	struct rte_mempool_memhdr *chunk;
	char *start;
	int rc;

	/* Objects are packed; round up to whole huge pages. */
	len = (mp->size + per_page - 1) / per_page * POOL_PAGE;
	start = map_aligned(len);
	if (!start)
		return -errno;
	if (madvise(start, len, MADV_HUGEPAGE))
		log_debug("mbuf pool %s: no transparent huge pages: %s",
			  mp->name, strerror(errno));
	/* No free callback yet: on failure the memory is still ours. */
	rc = rte_mempool_populate_virt(mp, start, len, POOL_PAGE, NULL, NULL);
	chunk = STAILQ_FIRST(&mp->mem_list);
	if (rc <= 0 || !chunk) {
		munmap(start, len);
		return rc < 0 ? rc : -ENOMEM;
	}
	/* The first chunk starts the mapping: its callback unmaps it all. */
	chunk->free_cb = chunk_unmap;
	chunk->opaque = (void *)(uintptr_t)len;
	return mp->populated_size < mp->size ? -ENOMEM : 0;
}

/**
 * mbuf_pool_create() - create a pool of packet mbufs
 * @name:	pool name
 * @n:		mbufs
 * @cache:	per-lcore cache size
 * @priv_size:	private area after each mbuf header (RTE_MBUF_PRIV_ALIGN)
 * @data_room:	data room of each mbuf, headroom included
 *
 * Return: pool, or NULL with rte_errno set
 */
struct rte_mempool *mbuf_pool_create(const char *name, unsigned int n,
				     unsigned int cache, uint16_t priv_size,
				     uint16_t data_room)
{
	struct rte_pktmbuf_pool_private priv = {
		.mbuf_data_room_size = data_room,
		.mbuf_priv_size = priv_size,
	};
	struct rte_mempool *mp;
	int rc;

	if (rte_eal_has_hugepages())
		return rte_pktmbuf_pool_create(name, n, cache, priv_size,
					       data_room, SOCKET_ID_ANY);
	mp = rte_mempool_create_empty(
		name, n, sizeof(struct rte_mbuf) + priv_size + data_room, cache,
		sizeof(priv), SOCKET_ID_ANY, RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	if (!mp)
		return NULL;
	rc = rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(), NULL);
	if (rc)
		goto err;
	rte_pktmbuf_pool_init(mp, &priv);
	rc = populate_thp(mp);
	if (rc)
		goto err;
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
err:
	rte_mempool_free(mp);
	rte_errno = -rc;
	return NULL;
}
