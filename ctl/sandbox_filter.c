// SPDX-License-Identifier: BSD-3-Clause
/* sandbox_filter.c - the seccomp allow-lists: the process's, and the
 * narrower ones the NAT and PMD threads stack on it
 *
 * The lists hold what the switch calls once it runs (the calls of start-up
 * - EAL, loading shared objects, creating the ports of the command line -
 * are over when the filter is loaded), found with `strace -f` over the
 * integration, replay and guest suites and kept complete with
 * `--sandbox log` (README.md, "Least privilege"). The calls libraries
 * make come from: glibc (threads, malloc, stdio, time), DPDK's EAL and
 * rte_vhost (memory, vhost-user messages, interrupt and control threads),
 * libslirp, libpcap, libbpf and jansson.
 *
 * Every thread: memory, descriptors it has, time, waiting, signals, its
 * own exit (rules_common). The process adds what the control, vhost,
 * pcap and capture threads need: files, sockets, taps (a list of ioctl
 * requests), BPF, new threads (clone with CLONE_THREAD; clone3 fails with
 * ENOSYS so that glibc falls back to clone, whose flags a filter can see)
 * and the sandbox's own calls. The threads that parse guest traffic stack
 * a list of their own, so what they may do is the intersection:
 * - a NAT thread (libslirp, the NAT's TCP and UDP paths): inet sockets,
 *   read-only opens, FIONREAD; no executable mappings, no new threads, no
 *   capability, BPF, tap or seccomp calls;
 * - a PMD thread (virtio rings and headers, frames): only the descriptors
 *   it was given (taps, eventfds, its epoll set, a VXLAN port's UDP
 *   sockets: recvmmsg, sendmmsg); no new sockets, no opens, no
 *   executable mappings, no new threads.
 *
 * Hot paths stay rules without argument checks (read, write, readv,
 * writev, epoll_wait, poll, sched_yield, futex): the kernel's seccomp
 * action cache then allows them without running the filter at all.
 */
#include "sandbox_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/seccomp.h>

/**
 * struct rule - one allow-list entry
 * @nr:		system call (SCMP_SYS)
 * @action:	0: allow; else the libseccomp action
 * @n_args:	argument checks, all of which must hold
 * @arg:	the checks
 */
struct rule {
	int nr;
	uint32_t action;
	unsigned int n_args;
	struct scmp_arg_cmp arg[2];
};

#define ALLOW(call)                                                            \
	{                                                                      \
		.nr = SCMP_SYS(call)                                           \
	}
#define ALLOW_IF(call, i, cmp, a, b)                                           \
	{                                                                      \
		.nr = SCMP_SYS(call), .n_args = 1,                             \
		.arg = { { .arg = (i),                                         \
			   .op = (cmp),                                        \
			   .datum_a = (a),                                     \
			   .datum_b = (b) } }                                  \
	}
/* Argument @i equals @v (in its low 32 bits: ints and ioctl requests). */
#define ALLOW_EQ(call, i, v)                                                   \
	ALLOW_IF(call, i, SCMP_CMP_MASKED_EQ, 0xffffffffu, v)
/* Arguments @i and @j equal @v and @w (low 32 bits). */
#define ALLOW_EQ2(call, i, v, j, w)                                            \
	{                                                                      \
		.nr = SCMP_SYS(call), .n_args = 2,                             \
		.arg = { { .arg = (i),                                         \
			   .op = SCMP_CMP_MASKED_EQ,                           \
			   .datum_a = 0xffffffffu,                             \
			   .datum_b = (v) },                                   \
			 { .arg = (j),                                         \
			   .op = SCMP_CMP_MASKED_EQ,                           \
			   .datum_a = 0xffffffffu,                             \
			   .datum_b = (w) } }                                  \
	}
/* Argument @i is NULL. */
#define ALLOW_NULL(call, i) ALLOW_IF(call, i, SCMP_CMP_EQ, 0, 0)
/* Argument @i has none of the bits of @m set. */
#define ALLOW_NONE(call, i, m) ALLOW_IF(call, i, SCMP_CMP_MASKED_EQ, m, 0)
/* Argument @i has every bit of @m set. */
#define ALLOW_ALL(call, i, m) ALLOW_IF(call, i, SCMP_CMP_MASKED_EQ, m, m)

/* Every thread, those that parse guest traffic included. */
static const struct rule rules_common[] = {
	/* memory (mmap and mprotect: each list) */
	ALLOW(brk),
	ALLOW(munmap),
	ALLOW(mremap),
	ALLOW(madvise),
	/* the descriptors a thread has */
	ALLOW(read),
	ALLOW(write),
	ALLOW(readv),
	ALLOW(writev),
	ALLOW(close),
	ALLOW(lseek),
	ALLOW(fstat),
	ALLOW(newfstatat),
	ALLOW(statx),
	ALLOW_EQ(fcntl, 1, F_GETFL),
	ALLOW_EQ(fcntl, 1, F_SETFL),
	ALLOW_EQ(fcntl, 1, F_GETFD),
	ALLOW_EQ(fcntl, 1, F_SETFD),
	/* waiting and time */
	ALLOW(poll),
	ALLOW(ppoll),
	ALLOW(epoll_wait),
	ALLOW(epoll_pwait),
	ALLOW(epoll_ctl),
	ALLOW(futex),
	ALLOW(sched_yield),
	ALLOW(nanosleep),
	ALLOW(clock_nanosleep),
	ALLOW(clock_gettime),
	ALLOW(clock_getres),
	ALLOW(gettimeofday),
	ALLOW(getrandom),
	/* threads and signals: abort() and the sandbox's handlers */
	ALLOW(getpid),
	ALLOW(gettid),
	ALLOW(rt_sigreturn),
	ALLOW(rt_sigprocmask),
	ALLOW(rt_sigaction),
	ALLOW(restart_syscall),
	ALLOW(set_robust_list),
	ALLOW(rseq),
	ALLOW(sigaltstack),
	ALLOW(exit),
	ALLOW(exit_group),
	ALLOW_EQ(prctl, 0, PR_GET_NAME),
};

/* The NAT's and the control thread's sockets. */
static const struct rule rules_sockets[] = {
	ALLOW(connect),	   ALLOW(accept),      ALLOW(accept4),
	ALLOW(bind),	   ALLOW(listen),      ALLOW(shutdown),
	ALLOW(sendto),	   ALLOW(recvfrom),    ALLOW(sendmsg),
	ALLOW(recvmsg),	   ALLOW(getsockname), ALLOW(getpeername),
	ALLOW(getsockopt), ALLOW(setsockopt),  ALLOW_EQ(ioctl, 1, FIONREAD),
	ALLOW(recvmmsg),   ALLOW(sendmmsg),
};

/* The rest of the process: control, vhost, pcap, capture threads. */
static const struct rule rules_process[] = {
	/* memory: executable too (rte_bpf JITs capture filters) */
	ALLOW(mmap),
	ALLOW(mprotect),
	/* files: captures, pcap ports, vhost-user sockets, /proc */
	ALLOW(openat),
	ALLOW(unlink),
	ALLOW(unlinkat),
	ALLOW(mkdir),
	ALLOW(rmdir),
	ALLOW(chmod),
	ALLOW(fchmod),
	ALLOW(fchown),
	ALLOW(access),
	ALLOW(faccessat),
	ALLOW(faccessat2),
	ALLOW(readlink),
	ALLOW(getdents64),
	ALLOW(ftruncate),
	ALLOW(fsync),
	ALLOW(fdatasync),
	ALLOW(umask),
	ALLOW(pread64),
	ALLOW(pwrite64),
	ALLOW(dup),
	ALLOW(dup3),
	ALLOW(pipe),
	ALLOW(pipe2),
	ALLOW_EQ(fcntl, 1, F_DUPFD_CLOEXEC),
	/* descriptors to wait on */
	ALLOW(epoll_create1),
	ALLOW(eventfd2),
	ALLOW(timerfd_create),
	ALLOW(timerfd_settime),
	ALLOW(timerfd_gettime),
	/* sockets: unix (control, vhost-user), inet (tap set-up, NAT) */
	ALLOW_EQ(socket, 0, AF_UNIX),
	ALLOW_EQ(socket, 0, AF_INET),
	ALLOW_EQ(socket, 0, AF_INET6),
	ALLOW_EQ(socketpair, 0, AF_UNIX),
	/* taps: create, offloads, link set-up, BPF (tap/tap_port.c) */
	ALLOW_EQ(ioctl, 1, TUNSETIFF),
	ALLOW_EQ(ioctl, 1, TUNGETIFF),
	ALLOW_EQ(ioctl, 1, TUNSETVNETHDRSZ),
	ALLOW_EQ(ioctl, 1, TUNSETOFFLOAD),
	ALLOW_EQ(ioctl, 1, TUNSETQUEUE),
	ALLOW_EQ(ioctl, 1, TUNSETSTEERINGEBPF),
	ALLOW_EQ(ioctl, 1, TUNSETFILTEREBPF),
	ALLOW_EQ(ioctl, 1, SIOCGIFFLAGS),
	ALLOW_EQ(ioctl, 1, SIOCSIFFLAGS),
	ALLOW_EQ(ioctl, 1, SIOCGIFMTU),
	ALLOW_EQ(ioctl, 1, SIOCSIFMTU),
	ALLOW_EQ(ioctl, 1, SIOCGIFTXQLEN),
	ALLOW_EQ(ioctl, 1, SIOCSIFTXQLEN),
	ALLOW_EQ(ioctl, 1, SIOCGIFHWADDR),
	ALLOW_EQ(ioctl, 1, SIOCGIFINDEX),
	ALLOW_EQ(ioctl, 1, FIONBIO),
	ALLOW_EQ(ioctl, 1, TCGETS),
	ALLOW_EQ(ioctl, 1, SIOCOUTQ), /* a control client reading its reply */
	ALLOW(rename),
	ALLOW(renameat),
	ALLOW(renameat2), /* the state file */
	ALLOW(lchown),
	ALLOW(fchownat), /* vhost-user sockets' group */
	/* the tap ports' BPF programs (libbpf) */
	ALLOW(bpf),
	ALLOW(uname),
	/* threads: new ones (never a process), their CPUs and memory */
	ALLOW_ALL(clone, 0, CLONE_THREAD),
	{ .nr = SCMP_SYS(clone3), .action = SCMP_ACT_ERRNO(ENOSYS) },
	ALLOW(sched_setaffinity),
	ALLOW(sched_getaffinity),
	ALLOW(getcpu),
	ALLOW(get_mempolicy),
	ALLOW(set_mempolicy),
	ALLOW(mbind),
	ALLOW(getuid),
	ALLOW(geteuid),
	ALLOW(getgid),
	ALLOW(getegid),
	/* the sandbox: a new thread drops its capabilities and stacks the
	 * filter of its role, for itself only */
	ALLOW(capset),
	ALLOW(capget),
	ALLOW_EQ2(seccomp, 0, SECCOMP_SET_MODE_FILTER, 1, 0),
	ALLOW_EQ(prctl, 0, PR_SET_NAME),
	ALLOW_EQ(prctl, 0, PR_CAPBSET_READ),
	/* the fd budget reads its limit, never sets it */
	ALLOW_NULL(prlimit64, 2),
	ALLOW(getrlimit),
};

/* Only in a NAT thread: rules_common, rules_sockets and these. */
static const struct rule rules_nat[] = {
	/* memory, never executable */
	ALLOW_NONE(mmap, 2, PROT_EXEC),
	ALLOW_NONE(mprotect, 2, PROT_EXEC),
	/* its sockets: inet only (ICMP through SOCK_DGRAM, never raw) */
	ALLOW_EQ(socket, 0, AF_INET),
	ALLOW_EQ(socket, 0, AF_INET6),
	/* /etc/resolv.conf, /etc/localtime: read-only */
	ALLOW_NONE(openat, 2, O_ACCMODE | O_CREAT | O_TRUNC),
};

/* Only in a PMD thread: rules_common and these. */
static const struct rule rules_pmd[] = {
	/* memory, never executable */
	ALLOW_NONE(mmap, 2, PROT_EXEC),
	ALLOW_NONE(mprotect, 2, PROT_EXEC),
	/* VXLAN ports' UDP sockets (vxlan/vxlan_rx.c, vxlan_tx.c) */
	ALLOW(recvmmsg),
	ALLOW(sendmmsg),
};

/**
 * rules_add() - add a list of rules to a filter
 * @ctx:	filter
 * @rules:	list
 * @n:		its length
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int rules_add(scmp_filter_ctx ctx, const struct rule *rules, size_t n,
		     char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = &rules[i];
		uint32_t action = r->action ? r->action : SCMP_ACT_ALLOW;
		int rc;

		if (r->nr < 0)
			continue; /* not a call of this architecture */
		rc = seccomp_rule_add_array(ctx, action, r->nr, r->n_args,
					    r->arg);
		if (rc) {
			char *name = seccomp_syscall_resolve_num_arch(
				SCMP_ARCH_NATIVE, r->nr);

			snprintf(err, errlen, "seccomp rule for %s: %s",
				 name ? name : "?", strerror(-rc));
			free(name);
			return rc;
		}
	}
	return 0;
}

#define RULES_ADD(ctx, list, err, errlen)                                      \
	rules_add(ctx, list, sizeof(list) / sizeof(list[0]), err, errlen)

/**
 * sandbox_filter_build() - build one of the allow-lists
 * @kind:	the process's, or the one NAT or PMD threads stack
 * @def_action:	action for calls outside it (SCMP_ACT_TRAP or SCMP_ACT_LOG)
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: filter, to load or export and release; NULL with a message
 */
scmp_filter_ctx sandbox_filter_build(enum sandbox_filter_kind kind,
				     uint32_t def_action, char *err,
				     size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(def_action);
	int rc;

	if (!ctx) {
		snprintf(err, errlen, "cannot create a seccomp filter");
		return NULL;
	}
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, def_action);
	if (!rc)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc)
		snprintf(err, errlen, "seccomp attributes: %s", strerror(-rc));
	if (!rc)
		rc = RULES_ADD(ctx, rules_common, err, errlen);
	if (!rc && kind != SANDBOX_FILTER_PMD)
		rc = RULES_ADD(ctx, rules_sockets, err, errlen);
	if (!rc && kind == SANDBOX_FILTER_PROCESS)
		rc = RULES_ADD(ctx, rules_process, err, errlen);
	if (!rc && kind == SANDBOX_FILTER_NAT)
		rc = RULES_ADD(ctx, rules_nat, err, errlen);
	if (!rc && kind == SANDBOX_FILTER_PMD)
		rc = RULES_ADD(ctx, rules_pmd, err, errlen);
	/* Signals only to our own threads (abort(), the sandbox's own). */
	if (!rc) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				      SCMP_A0(SCMP_CMP_EQ, (uint64_t)getpid()));
		if (rc)
			snprintf(err, errlen, "seccomp rule for tgkill: %s",
				 strerror(-rc));
	}
	if (rc) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}
