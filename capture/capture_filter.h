/* SPDX-License-Identifier: BSD-3-Clause */
/* capture_filter.h - tcpdump expressions compiled to JIT-ed eBPF */
#ifndef VIOSWITCH_CAPTURE_FILTER_H
#define VIOSWITCH_CAPTURE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

/**
 * struct cap_filter - a compiled filter
 * @jit:	native code from rte_bpf's JIT, or NULL to interpret
 * @bpf:	the loaded eBPF program
 */
struct cap_filter {
	uint64_t (*jit)(void *mbuf);
	struct rte_bpf *bpf;
};

struct cap_filter *cap_filter_compile(const char *expr, uint32_t snaplen,
				      char *err, size_t errlen);
void cap_filter_free(struct cap_filter *f);
uint64_t cap_filter_exec(const struct cap_filter *f, struct rte_mbuf *m);

/**
 * cap_filter_match() - does @m pass @f?
 * @f:		filter
 * @m:		frame (read only)
 *
 * Return: true if the filter accepts the frame
 */
static inline bool cap_filter_match(const struct cap_filter *f,
				    struct rte_mbuf *m)
{
	if (f->jit)
		return f->jit(m) != 0;
	return cap_filter_exec(f, m) != 0;
}

#endif /* VIOSWITCH_CAPTURE_FILTER_H */
