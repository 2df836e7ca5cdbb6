// SPDX-License-Identifier: BSD-3-Clause
/* capture_filter.c - tcpdump expressions compiled to JIT-ed eBPF
 *
 * A capture or mirror filter is a tcpdump expression. libpcap compiles it
 * to classic BPF for Ethernet frames (pcap_open_dead + pcap_compile, so an
 * invalid expression is rejected with libpcap's own message), DPDK's
 * rte_bpf_convert() turns that into eBPF over an mbuf, rte_bpf_load()
 * verifies it and rte_bpf_get_jit() gives native code. The datapath calls
 * the native code directly (about 5 ns per frame here); without a JIT it
 * falls back to rte_bpf_exec(). Frames in chained mbufs are read through
 * rte_bpf's packet-load helpers, so filters see whole super-frames.
 *
 * Two bugs of DPDK 22.11 are repaired before loading (the unit test checks
 * the verdicts of JIT-ed filters against libpcap's own):
 * - rte_bpf_convert() gives a 4-byte indirect load (`ld [x + k]`, e.g.
 *   "udp[8:4] = ...") the A register as index instead of X: every
 *   BPF_LD|BPF_IND load gets X (r7) back, as classic BPF defines it.
 * - the x86 JIT encodes `jset reg, #imm` with a one-byte immediate when imm
 *   fits in a signed byte, but TEST has no such form: the code after it is
 *   decoded wrongly (garbage results, SIGILL). tcpdump uses exactly that
 *   for "ether multicast" and flag tests. Every `jset r, #imm` becomes
 *   `mov r9, #imm; jset r, r9` (converted classic BPF never uses r9; if it
 *   does, the filter runs interpreted), with jump offsets moved to match.
 */
#include "capture_filter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include <rte_bpf.h>
#include <rte_errno.h>
#include <rte_malloc.h>

/**
 * compile_cbpf() - compile @expr to classic BPF for Ethernet frames
 * @expr:	tcpdump expression
 * @snaplen:	snapshot length the program returns on a match
 * @prog:	compiled program, for pcap_freecode()
 * @err:	libpcap's message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int compile_cbpf(const char *expr, uint32_t snaplen,
			struct bpf_program *prog, char *err, size_t errlen)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB,
				   (int)RTE_MIN(snaplen, (uint32_t)INT32_MAX));
	int rc = 0;

	if (!p) {
		snprintf(err, errlen, "cannot start libpcap");
		return -ENOMEM;
	}
	if (pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "filter '%s': %s", expr, pcap_geterr(p));
		rc = -EINVAL;
	}
	pcap_close(p);
	return rc;
}

#define JIT_SCRATCH_REG 9
#define CBPF_REG_X	7 /* classic BPF's X in converted programs */

/**
 * is_jset_imm() - is @ins a `jset reg, #imm` jump?
 * @ins:	instruction
 *
 * Return: true if so
 */
static bool is_jset_imm(const struct ebpf_insn *ins)
{
	return ins->code == (BPF_JMP | BPF_JSET | BPF_K);
}

/**
 * is_jump() - does @ins jump by its offset?
 * @ins:	instruction
 *
 * Return: true for conditional jumps and ja, false for call and exit
 */
static bool is_jump(const struct ebpf_insn *ins)
{
	return BPF_CLASS(ins->code) == BPF_JMP &&
	       BPF_OP(ins->code) != EBPF_CALL && BPF_OP(ins->code) != EBPF_EXIT;
}

/**
 * repair() - fix a converted program for DPDK 22.11 (see the top)
 * @in:		converted program
 * @n:		its instructions
 * @out:	set to the repaired program (malloc), NULL without memory
 * @n_out:	its instructions
 *
 * Return: true if the repaired program is safe to JIT
 */
static bool repair(const struct ebpf_insn *in, uint32_t n,
		   struct ebpf_insn **out, uint32_t *n_out)
{
	uint32_t *pos = malloc((n + 1) * sizeof(*pos));
	bool scratch_free = true;
	uint32_t added = 0;

	*out = NULL;
	if (!pos)
		return false;
	for (uint32_t i = 0; i < n; i++)
		scratch_free &= in[i].dst_reg != JIT_SCRATCH_REG &&
				in[i].src_reg != JIT_SCRATCH_REG;
	for (uint32_t i = 0; i < n; i++) {
		pos[i] = i + added;
		added += scratch_free && is_jset_imm(&in[i]);
	}
	pos[n] = n + added;
	*n_out = n + added;
	*out = calloc(*n_out, sizeof(**out));
	for (uint32_t i = 0; *out && i < n; i++) {
		struct ebpf_insn *o = &(*out)[pos[i]];

		if (scratch_free && is_jset_imm(&in[i])) {
			o->code = EBPF_ALU64 | EBPF_MOV | BPF_K;
			o->dst_reg = JIT_SCRATCH_REG;
			o->imm = in[i].imm;
			o++;
			*o = in[i];
			o->code = BPF_JMP | BPF_JSET | BPF_X;
			o->src_reg = JIT_SCRATCH_REG;
			o->imm = 0;
		} else {
			*o = in[i];
		}
		if (BPF_CLASS(o->code) == BPF_LD &&
		    BPF_MODE(o->code) == BPF_IND)
			o->src_reg = CBPF_REG_X;
		if (is_jump(&in[i])) {
			int64_t to = (int64_t)i + 1 + in[i].off;

			if (to < 0 || to > n) {
				free(*out);
				*out = NULL;
				break;
			}
			o->off = (int16_t)((int64_t)pos[to] -
					   (int64_t)(o - *out) - 1);
		}
	}
	free(pos);
	return *out && scratch_free;
}

/**
 * load() - verify and load a converted program, JIT-safe when possible
 * @prm:	converted program (rte_bpf_convert)
 * @f:		filter to fill: bpf, and jit when the JIT can be trusted
 *
 * Return: 0, or -1 with rte_errno set
 */
static int load(struct rte_bpf_prm *prm, struct cap_filter *f)
{
	struct rte_bpf_jit jit = { 0 };
	struct ebpf_insn *fixed = NULL;
	uint32_t n_fixed = 0;
	bool safe = repair(prm->ins, prm->nb_ins, &fixed, &n_fixed);

	if (!fixed) {
		rte_errno = ENOMEM;
		return -1;
	}
	prm->ins = fixed;
	prm->nb_ins = n_fixed;
	f->bpf = rte_bpf_load(prm);
	free(fixed);
	if (!f->bpf)
		return -1;
	if (safe && !rte_bpf_get_jit(f->bpf, &jit))
		f->jit = jit.func;
	return 0;
}

/**
 * cap_filter_compile() - compile a tcpdump expression for the datapath
 * @expr:	expression; NULL or empty for "every frame"
 * @snaplen:	snapshot length of the capture
 * @err:	message on failure (libpcap's for a bad expression)
 * @errlen:	its size
 *
 * Return: the filter, NULL for "every frame" (with @err empty), or NULL
 * with a message in @err
 */
struct cap_filter *cap_filter_compile(const char *expr, uint32_t snaplen,
				      char *err, size_t errlen)
{
	struct rte_bpf_prm *prm = NULL;
	struct bpf_program prog;
	struct cap_filter *f;

	err[0] = '\0';
	if (!expr || !*expr)
		return NULL;
	if (compile_cbpf(expr, snaplen, &prog, err, errlen))
		return NULL;
	f = calloc(1, sizeof(*f));
	if (f)
		prm = rte_bpf_convert(&prog);
	pcap_freecode(&prog);
	if (!f || !prm) {
		snprintf(err, errlen, "filter '%s': cannot convert to eBPF: %s",
			 expr, f ? rte_strerror(rte_errno) : "out of memory");
		goto err;
	}
	if (load(prm, f)) {
		snprintf(err, errlen, "filter '%s': eBPF verifier: %s", expr,
			 rte_strerror(rte_errno));
		rte_free(prm);
		goto err;
	}
	rte_free(prm);
	return f;
err:
	free(f);
	return NULL;
}

/**
 * cap_filter_free() - free a compiled filter; accepts NULL
 * @f:		filter no thread uses any more
 */
void cap_filter_free(struct cap_filter *f)
{
	if (!f)
		return;
	rte_bpf_destroy(f->bpf);
	free(f);
}

/**
 * cap_filter_exec() - run @f in rte_bpf's interpreter
 * @f:		filter
 * @m:		frame
 *
 * Return: the program's result: 0 for no match
 */
uint64_t cap_filter_exec(const struct cap_filter *f, struct rte_mbuf *m)
{
	return rte_bpf_exec(f->bpf, m);
}
