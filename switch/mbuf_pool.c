// SPDX-License-Identifier: BSD-3-Clause
/* mbuf_pool.c - mbuf pools on 2 MB pages, with or without hugetlbfs, that
 * grow with use
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
 *
 * Such a pool grows with use instead of being paid up front. Its @n
 * objects get address space at creation (MAP_NORESERVE, nothing
 * resident), but only its first 2 MB chunk is populated. The pool's
 * mempool ops are the default ring's, except two:
 *  - dequeue: when the ring cannot give what is asked (a per-lcore cache
 *    refill, or a bulk get), the next 2 MB chunk of the reservation is
 *    populated and the dequeue retried, until it succeeds or all @n
 *    objects exist; only then does an allocation fail (and its caller
 *    drops and counts). A chunk costs one page fault of a huge page and
 *    the init of its mbufs, some 100 us, once in the pool's life;
 *  - populate: each mbuf is initialised before it is enqueued, so a
 *    thread allocating while another grows the pool never sees a raw one.
 * Growth is serialised by a lock in the pool's private area (after
 * rte_pktmbuf_pool_private, which DPDK reads); DPDK lets a pool be
 * populated until it holds its size, and only the control path reads the
 * lists populate extends. A grown pool keeps its memory (the ring cycles
 * through every object): resident memory is the pool's high-water mark
 * of mbufs in use or cached, not its size.
 */
#include "mbuf_pool.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_spinlock.h>

#include "log.h"

#define POOL_PAGE     (2u << 20)
#define GROW_OPS_NAME "vioswitch_grow"

/**
 * struct pool_grow - private area of a growing pool
 * @pkt:	what DPDK's mbuf library keeps there (must come first)
 * @lock:	serialises growth
 * @base:	the pool's reservation, 2 MB aligned
 * @chunks:	its length, in 2 MB chunks
 * @next:	chunks populated so far
 * @warned:	a failure to grow was logged (once per pool)
 */
struct pool_grow {
	struct rte_pktmbuf_pool_private pkt;
	rte_spinlock_t lock;
	char *base;
	unsigned int chunks;
	unsigned int next;
	bool warned;
};

/**
 * struct init_add - populate callback chained after the mbuf init
 * @add:	DPDK's own callback (records and enqueues the object)
 * @arg:	its argument
 */
struct init_add {
	rte_mempool_populate_obj_cb_t *add;
	void *arg;
};

static struct rte_mempool_ops base_ops; /* the ring ops growing pools use */
static int grow_ops_index = -1;

/**
 * grow_of() - the growth state of a pool created here without hugepages
 * @mp:		pool using the grow ops
 *
 * Return: its private area
 */
static struct pool_grow *grow_of(struct rte_mempool *mp)
{
	return rte_mempool_get_priv(mp);
}

/**
 * chunk_unmap() - free callback of the pool's first memory chunk
 * @chunk:	the chunk: it starts the whole reservation
 * @opaque:	reservation length
 */
static void chunk_unmap(struct rte_mempool_memhdr *chunk, void *opaque)
{
	munmap(chunk->addr, (size_t)(uintptr_t)opaque);
}

/**
 * map_aligned() - reserve anonymous memory starting on a 2 MB boundary;
 * nothing is resident until touched
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
 * obj_init_add() - initialise one new mbuf, then hand it to the pool
 * @mp:		pool
 * @opaque:	struct init_add
 * @obj:	the object (the mbuf)
 * @iova:	its IOVA
 */
static void obj_init_add(struct rte_mempool *mp, void *opaque, void *obj,
			 rte_iova_t iova)
{
	struct rte_mempool_objhdr *hdr = RTE_PTR_SUB(obj, sizeof(*hdr));
	const struct init_add *c = opaque;

	hdr->iova = iova; /* rte_pktmbuf_init() reads it */
	rte_pktmbuf_init(mp, NULL, obj, 0);
	c->add(mp, c->arg, obj, iova);
}

/**
 * grow_populate() - the populate op: lay objects out packed, each mbuf
 * initialised before it becomes available
 * @mp:		pool
 * @max_objs:	objects the pool may still take
 * @vaddr:	chunk
 * @iova:	its IOVA
 * @len:	its length
 * @obj_cb:	DPDK's callback for each object
 * @obj_cb_arg:	its argument
 *
 * Return: objects added
 */
static int grow_populate(struct rte_mempool *mp, unsigned int max_objs,
			 void *vaddr, rte_iova_t iova, size_t len,
			 rte_mempool_populate_obj_cb_t *obj_cb,
			 void *obj_cb_arg)
{
	struct init_add c = { .add = obj_cb, .arg = obj_cb_arg };

	return rte_mempool_op_populate_helper(mp, 0, max_objs, vaddr, iova, len,
					      obj_init_add, &c);
}

/**
 * chunk_populate() - populate the pool's next 2 MB chunk; caller holds
 * the growth lock (or owns the pool alone)
 * @mp:		pool
 * @g:		its growth state
 *
 * Return: objects added, 0 when the pool is complete, or -errno
 */
static int chunk_populate(struct rte_mempool *mp, struct pool_grow *g)
{
	char *chunk = g->base + (size_t)g->next * POOL_PAGE;
	int rc;

	if (g->next >= g->chunks || mp->populated_size >= mp->size)
		return 0;
	rc = rte_mempool_populate_virt(mp, chunk, POOL_PAGE, POOL_PAGE, NULL,
				       NULL);
	if (rc > 0)
		g->next++;
	return rc;
}

/**
 * pool_grow() - add a chunk to @mp unless another thread just did and
 * the ring now holds @n objects
 * @mp:		pool
 * @n:		objects the caller wants
 *
 * Return: true when a retry may succeed
 */
static bool pool_grow(struct rte_mempool *mp, unsigned int n)
{
	struct pool_grow *g = grow_of(mp);
	bool more = true;
	int rc;

	rte_spinlock_lock(&g->lock);
	if (base_ops.get_count(mp) < n) {
		rc = chunk_populate(mp, g);
		more = rc > 0;
		if (rc < 0 && !g->warned) {
			g->warned = true;
			log_warn("mbuf pool %s cannot grow: %s", mp->name,
				 rte_strerror(-rc));
		}
	}
	rte_spinlock_unlock(&g->lock);
	return more;
}

/**
 * grow_dequeue() - the dequeue op: the ring's, growing the pool while
 * the ring cannot give @n objects and the pool may grow
 * @mp:		pool
 * @objs:	filled
 * @n:		objects wanted, all or none
 *
 * Return: 0, or -ENOBUFS when the pool is complete and dry
 */
static int grow_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	int rc;

	while ((rc = base_ops.dequeue(mp, objs, n)) < 0 && pool_grow(mp, n))
		;
	return rc;
}

/**
 * grow_ops_register() - register the grow ops once, the default mbuf
 * ops with dequeue and populate replaced
 *
 * Return: 0, or -errno
 */
static int grow_ops_register(void)
{
	const char *name = rte_mbuf_best_mempool_ops();
	struct rte_mempool_ops ops;
	unsigned int i;

	if (grow_ops_index >= 0)
		return 0;
	for (i = 0; i < rte_mempool_ops_table.num_ops; i++)
		if (!strcmp(rte_mempool_ops_table.ops[i].name, name))
			break;
	if (i == rte_mempool_ops_table.num_ops)
		return -ENOENT;
	base_ops = rte_mempool_ops_table.ops[i];
	ops = base_ops;
	snprintf(ops.name, sizeof(ops.name), "%s", GROW_OPS_NAME);
	ops.dequeue = grow_dequeue;
	ops.populate = grow_populate;
	ops.calc_mem_size = NULL;
	grow_ops_index = rte_mempool_register_ops(&ops);
	return grow_ops_index < 0 ? grow_ops_index : 0;
}

/**
 * reserve_and_populate() - give @mp its reservation and its first chunk;
 * the pool owns the reservation from then on (rte_mempool_free() unmaps
 * it)
 * @mp:		empty pool using the grow ops
 *
 * Return: 0, or -errno
 */
static int reserve_and_populate(struct rte_mempool *mp)
{
	size_t obj = mp->header_size + mp->elt_size + mp->trailer_size;
	size_t per_page = POOL_PAGE / obj, len;
	struct pool_grow *g = grow_of(mp);
	struct rte_mempool_memhdr *chunk;
	int rc;

	if (!per_page)
		return -EINVAL;
	/* Objects are packed; round up to whole huge pages. */
	g->chunks = (unsigned int)((mp->size + per_page - 1) / per_page);
	len = (size_t)g->chunks * POOL_PAGE;
	g->base = map_aligned(len);
	if (!g->base)
		return -errno;
	if (madvise(g->base, len, MADV_HUGEPAGE))
		log_debug("mbuf pool %s: no transparent huge pages: %s",
			  mp->name, strerror(errno));
	rte_spinlock_init(&g->lock);
	/* No free callback yet: on failure the memory is still ours. */
	rc = chunk_populate(mp, g);
	chunk = STAILQ_FIRST(&mp->mem_list);
	if (rc <= 0 || !chunk) {
		munmap(g->base, len);
		return rc < 0 ? rc : -ENOMEM;
	}
	/* The first chunk starts the mapping: its callback unmaps it all. */
	chunk->free_cb = chunk_unmap;
	chunk->opaque = (void *)(uintptr_t)len;
	return 0;
}

/**
 * mbuf_pool_create() - create a pool of packet mbufs, holding up to @n;
 * without hugepages it starts with 2 MB of them and grows with use
 * @name:	pool name
 * @n:		mbufs at most
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
	rc = grow_ops_register();
	if (rc) {
		rte_errno = -rc;
		return NULL;
	}
	mp = rte_mempool_create_empty(
		name, n, sizeof(struct rte_mbuf) + priv_size + data_room, cache,
		sizeof(struct pool_grow), SOCKET_ID_ANY,
		RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	if (!mp)
		return NULL;
	rc = rte_mempool_set_ops_byname(mp, GROW_OPS_NAME, NULL);
	if (rc)
		goto err;
	rte_pktmbuf_pool_init(mp, &priv);
	rc = reserve_and_populate(mp);
	if (rc)
		goto err;
	return mp;
err:
	rte_mempool_free(mp);
	rte_errno = -rc;
	return NULL;
}

/**
 * mbuf_pool_in_use() - mbufs of @mp allocated (or held in lcore caches)
 * @mp:		pool
 *
 * Unlike rte_mempool_in_use_count() it does not count the objects a
 * growing pool has not made yet.
 *
 * Return: count
 */
unsigned int mbuf_pool_in_use(const struct rte_mempool *mp)
{
	unsigned int avail = rte_mempool_avail_count(mp);

	return mp->populated_size > avail ? mp->populated_size - avail : 0;
}

/**
 * mbuf_pool_populated() - mbufs @mp has made so far (its resident part)
 * @mp:		pool
 *
 * Return: count
 */
unsigned int mbuf_pool_populated(const struct rte_mempool *mp)
{
	return mp->populated_size;
}
