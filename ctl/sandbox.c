// SPDX-License-Identifier: BSD-3-Clause
/* sandbox.c - least privilege once the ports exist: capabilities, --user,
 * NoNewPrivs and seccomp, in every thread
 *
 * Theory of operation
 * -------------------
 * The switch starts with what it was given (as root: everything), starts
 * EAL and the PMD threads, opens the control socket and the ports of the
 * command line, and then calls sandbox_apply(), which leaves each thread
 * only what it needs from then on:
 * - The control thread keeps CAP_NET_ADMIN (tap ports added at run time:
 *   TUNSETIFF and the link set-up ioctls) and CAP_BPF (their steering and
 *   filter programs), where it had them, in its effective, permitted and
 *   bounding sets. Every other thread keeps none. README.md says why.
 * - --user switches uid, gid and supplementary groups with libcap-ng's
 *   capng_change_id(), which keeps the control thread's set across the
 *   switch (PR_SET_KEEPCAPS); the control socket and the vhost-user
 *   sockets made at start are given to the user first.
 * - NoNewPrivs, and a seccomp allow-list for the whole process
 *   (sandbox_filter.c). The threads that parse guest traffic stack a
 *   narrower one on it: each NAT thread (libslirp) and each PMD thread
 *   (virtio rings and headers, frames).
 *
 * Capabilities are per thread on Linux, and the threads started before
 * this point (EAL's interrupt thread, the PMD lcores, rte_vhost's threads,
 * the NAT and pcap threads of start-up ports, capture writers) keep theirs
 * unless each drops them itself: glibc makes every thread follow set*id(),
 * but not capset(). So the control thread does what glibc does for
 * set*id(): it signals each other thread with SANDBOX_SIG (tgkill) and
 * waits for its acknowledgement; the handler makes only raw system calls
 * (prctl, capset, seccomp) on data prepared beforehand. In this order:
 *   1. every other thread sets NoNewPrivs and empties its bounding set,
 *      while it still has CAP_SETPCAP;
 *   2. the control thread reduces its own sets and, with --user, switches
 *      the ids (glibc switches every thread; the others lose their
 *      capabilities then, as they do not keep them across it);
 *   3. the process-wide filter is loaded with TSYNC: every thread has it
 *      at once;
 *   4. every other thread clears its capability sets, and a NAT or PMD
 *      thread stacks the filter of its role.
 * Threads the switch starts afterwards inherit the control thread's
 * capabilities and the process filter; each calls thread_role_enter()
 * first thing (switch/thread_role.h), whose hook (registered before step
 * 4, so that no thread slips between the two) clears them and, in a NAT
 * thread, stacks the NAT filter before libslirp sees a frame. Threads
 * a library starts later - rte_vhost's, when the first vhost-user port is
 * added at run time - get the signal from sandbox_sweep(), which runs
 * after each run-time `port add` and once a second and signals every
 * thread but the control thread that still holds a capability.
 *
 * A system call outside the lists raises SIGSYS (SCMP_ACT_TRAP). Its
 * handler writes "vioswitch: seccomp: forbidden system call NAME (NR) in
 * thread T (tid N, ROLE)" to stderr with write(2) - names are resolved into a
 * table beforehand - and aborts. --sandbox log has the kernel log and
 * allow such calls instead (SCMP_ACT_LOG: "audit: type=1326" lines in the
 * kernel log), to find missing entries; --sandbox off skips it all.
 */
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cap-ng.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <rte_common.h>

#include "feature.h"
#include "log.h"
#include "sandbox_filter.h"
#include "thread_role.h"
#include "vhost_port.h"

#define SANDBOX_SIG  (SIGRTMIN + 5) /* a real-time signal no one else uses */
#define SYS_NAMES    512 /* system call numbers with a name */
#define SYS_NAME_LEN 24
#define ACK_WAIT_US  2000000 /* a thread acknowledges within this */

/* Capabilities the control thread keeps where it has them (README.md). */
static const unsigned int kept_caps[] = { CAP_NET_ADMIN, CAP_BPF };

/**
 * enum step - what SANDBOX_SIG asks a thread to do
 * @STEP_BOUND:	set NoNewPrivs, empty the bounding set
 * @STEP_CLEAR:	clear the capability sets; a NAT or PMD thread stacks the
 *		filter of its role
 */
enum step {
	STEP_BOUND,
	STEP_CLEAR,
};

/**
 * struct sandbox - the sandbox's state
 * @active:	applied: the hook and the sweep work
 * @pid:	our pid
 * @control_tid: the control thread, which keeps capabilities
 * @arch:	the native seccomp architecture (an AUDIT_ARCH_ value)
 * @last_cap:	the kernel's highest capability number
 * @can_bound:	we may change bounding sets (CAP_SETPCAP)
 * @prog:	the filter of each role that has one (NAT, PMD) as a BPF
 *		program, for seccomp(2); .filter NULL for the others
 * @step:	what the signalled thread does
 * @ack:	tid of the last thread that did it
 * @ack_err:	its result, 0 or an errno
 */
static struct sandbox {
	bool active;
	pid_t pid;
	pid_t control_tid;
	uint32_t arch;
	int last_cap;
	bool can_bound;
	struct sock_fprog prog[THREAD_WORKER + 1];
	enum step step;
	pid_t ack;
	int ack_err;
} sb;

static char sys_names[SYS_NAMES][SYS_NAME_LEN];

/* This thread stacked the filter of its role already. */
static __thread bool role_filtered;

/**
 * sandbox_mode_parse() - parse --sandbox's value
 * @text:	on, off or log
 * @mode:	result
 *
 * Return: 0, or -EINVAL
 */
int sandbox_mode_parse(const char *text, enum sandbox_mode *mode)
{
	if (!strcmp(text, "on"))
		*mode = SANDBOX_ON;
	else if (!strcmp(text, "off"))
		*mode = SANDBOX_OFF;
	else if (!strcmp(text, "log"))
		*mode = SANDBOX_LOG;
	else
		return -EINVAL;
	return 0;
}

/**
 * sandbox_user_parse() - parse --user NAME[:GROUP] into ids
 * @text:	a user name, then optionally ":" and a group name
 * @so:		filled: user, uid, gid
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
int sandbox_user_parse(const char *text, struct sandbox_opts *so, char *err,
		       size_t errlen)
{
	char name[SANDBOX_USER_MAX], *group;
	struct passwd *pw;
	struct group *gr;

	if (strlen(text) >= sizeof(name) || !*text) {
		snprintf(err, errlen, "expected NAME[:GROUP]");
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%s", text);
	group = strchr(name, ':');
	if (group)
		*group++ = '\0';
	pw = getpwnam(name);
	if (!pw) {
		snprintf(err, errlen, "no user '%s'", name);
		return -ENOENT;
	}
	so->uid = pw->pw_uid;
	so->gid = pw->pw_gid;
	if (group) {
		gr = getgrnam(group);
		if (!gr) {
			snprintf(err, errlen, "no group '%s'", group);
			return -ENOENT;
		}
		so->gid = gr->gr_gid;
	}
	if (geteuid() != 0) {
		snprintf(err, errlen, "only root can switch to another user");
		return -EPERM;
	}
	snprintf(so->user, sizeof(so->user), "%s", text);
	return 0;
}

/**
 * msg_add() - append a string to a message (async-signal-safe)
 * @buf:	message
 * @off:	its length so far
 * @len:	its size
 * @s:		string
 *
 * Return: the new length
 */
static size_t msg_add(char *buf, size_t off, size_t len, const char *s)
{
	while (*s && off + 1 < len)
		buf[off++] = *s++;
	buf[off] = '\0';
	return off;
}

/**
 * msg_num() - append a decimal number to a message (async-signal-safe)
 * @buf:	message
 * @off:	its length so far
 * @len:	its size
 * @v:		number
 *
 * Return: the new length
 */
static size_t msg_num(char *buf, size_t off, size_t len, long v)
{
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	char digits[24];
	int n = 0;

	if (v < 0)
		off = msg_add(buf, off, len, "-");
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (n && off + 1 < len)
		buf[off++] = digits[--n];
	buf[off] = '\0';
	return off;
}

/**
 * on_sigsys() - a system call outside the allow-lists: name it, abort
 * @sig:	SIGSYS
 * @si:		which call, from which architecture
 * @uc:		context, unused
 *
 * Only async-signal-safe calls: the name comes from sys_names[].
 */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[256], comm[17] = "?";
	int nr = si->si_syscall;
	const char *name = "unknown";
	size_t off;
	ssize_t w;

	(void)sig;
	(void)uc;
	if (si->si_arch == sb.arch && nr >= 0 && nr < SYS_NAMES &&
	    sys_names[nr][0])
		name = sys_names[nr];
	else if (si->si_arch != sb.arch)
		name = "of another architecture";
	if (prctl(PR_GET_NAME, comm, 0, 0, 0))
		comm[0] = '?', comm[1] = '\0';
	comm[16] = '\0';
	off = msg_add(msg, 0, sizeof(msg), log_prefix(LOG_LVL_ERR));
	off = msg_add(msg, off, sizeof(msg),
		      "vioswitch: seccomp: forbidden system call ");
	off = msg_add(msg, off, sizeof(msg), name);
	off = msg_add(msg, off, sizeof(msg), " (");
	off = msg_num(msg, off, sizeof(msg), nr);
	off = msg_add(msg, off, sizeof(msg), ") in thread ");
	off = msg_add(msg, off, sizeof(msg), comm);
	off = msg_add(msg, off, sizeof(msg), " (tid ");
	off = msg_num(msg, off, sizeof(msg), (long)syscall(SYS_gettid));
	off = msg_add(msg, off, sizeof(msg), ", ");
	off = msg_add(msg, off, sizeof(msg),
		      syscall(SYS_gettid) == sb.control_tid
			      ? "control"
			      : thread_role_name(thread_role));
	off = msg_add(msg, off, sizeof(msg), ")\n");
	w = write(STDERR_FILENO, msg, off);
	(void)w;
	abort();
}

/**
 * thread_bound() - this thread: set NoNewPrivs, empty the bounding set
 *
 * Return: 0, or an errno
 */
static int thread_bound(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return errno;
	for (int c = 0; sb.can_bound && c <= sb.last_cap; c++) {
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL)
			return errno;
	}
	return 0;
}

/**
 * thread_clear() - this thread: clear the capability sets; in a NAT or PMD
 * thread also stack the filter of its role (once). Raw system calls only:
 * it runs in the
 * SANDBOX_SIG handler too.
 *
 * Return: 0, or an errno
 */
static int thread_clear(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data))
		return errno;
	if (sb.prog[thread_role].filter && !role_filtered) {
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
			    &sb.prog[thread_role]))
			return errno;
		role_filtered = true;
	}
	return 0;
}

/**
 * on_sandbox_sig() - SANDBOX_SIG: do sb.step in this thread, acknowledge
 * @sig:	SANDBOX_SIG
 * @si:		sender, which must be this process
 * @uc:		context, unused
 */
static void on_sandbox_sig(int sig, siginfo_t *si, void *uc)
{
	int saved = errno, rc;

	(void)sig;
	(void)uc;
	if (si->si_code != SI_TKILL || si->si_pid != sb.pid)
		return;
	if (__atomic_load_n(&sb.step, __ATOMIC_ACQUIRE) == STEP_BOUND)
		rc = thread_bound();
	else
		rc = thread_clear();
	sb.ack_err = rc;
	__atomic_store_n(&sb.ack, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	errno = saved;
}

/**
 * role_hook() - thread_role_enter()'s hook: a thread started after the
 * sandbox clears its capabilities and stacks the filter of its role
 * @role:	its role
 *
 * A thread that cannot is a hole in the sandbox: the process aborts.
 */
static void role_hook(enum thread_role role)
{
	sigset_t set, old;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SANDBOX_SIG);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = thread_clear();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		log_err("sandbox: cannot restrict a new %s thread: %s",
			thread_role_name(role), strerror(rc));
		abort();
	}
}

/**
 * task_caps() - a thread's permitted set and number of seccomp filters,
 * from /proc/self/task/TID/status
 * @tid:	thread
 * @prm:	CapPrm
 * @filters:	Seccomp_filters
 *
 * Return: 0, or -errno (the thread is gone)
 */
static int task_caps(pid_t tid, uint64_t *prm, unsigned int *filters)
{
	char path[64], line[128];
	unsigned long long v;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	*prm = 0;
	*filters = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "CapPrm: %llx", &v) == 1)
			*prm = v;
		else if (sscanf(line, "Seccomp_filters: %llu", &v) == 1)
			*filters = (unsigned int)v;
	}
	fclose(f);
	return 0;
}

/**
 * thread_signal() - have thread @tid do @step and wait for it
 * @tid:	thread
 * @step:	what to do
 *
 * Return: 0 (done, or the thread is gone), or -errno
 */
static int thread_signal(pid_t tid, enum step step)
{
	struct timespec tick = { 0, 100000 };

	__atomic_store_n(&sb.ack, 0, __ATOMIC_RELAXED);
	sb.ack_err = 0;
	__atomic_store_n(&sb.step, step, __ATOMIC_RELEASE);
	if (syscall(SYS_tgkill, sb.pid, tid, SANDBOX_SIG))
		return errno == ESRCH ? 0 : -errno;
	for (long us = 0; us < ACK_WAIT_US; us += 100) {
		if (__atomic_load_n(&sb.ack, __ATOMIC_ACQUIRE) == tid)
			return -sb.ack_err;
		nanosleep(&tick, NULL);
	}
	if (syscall(SYS_tgkill, sb.pid, tid, 0) && errno == ESRCH)
		return 0;
	return -ETIMEDOUT;
}

/**
 * threads_signal() - have every thread but the control thread do @step
 * @step:	what to do
 * @privileged_only: only the threads that still hold a capability
 * @n:		threads signalled, added to
 *
 * Return: 0, -errno of the first that failed (logged), or -EMFILE and
 * the like when /proc/self/task cannot be read (not logged)
 */
static int threads_signal(enum step step, bool privileged_only, unsigned int *n)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int rc = 0;

	if (!d)
		return -errno;
	while (!rc && (de = readdir(d))) {
		pid_t tid = (pid_t)atoi(de->d_name);
		unsigned int filters;
		uint64_t prm;

		if (tid <= 0 || tid == sb.control_tid)
			continue;
		if (privileged_only && (task_caps(tid, &prm, &filters) || !prm))
			continue;
		rc = thread_signal(tid, step);
		if (rc)
			log_err("sandbox: thread %d: %s", (int)tid,
				strerror(-rc));
		(*n)++;
	}
	closedir(d);
	return rc;
}

/**
 * names_init() - resolve every system call number to its name now, for
 * on_sigsys() (libseccomp's resolver allocates)
 */
static void names_init(void)
{
	for (int nr = 0; nr < SYS_NAMES; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(sb.arch, nr);

		if (name)
			snprintf(sys_names[nr], SYS_NAME_LEN, "%s", name);
		free(name);
	}
}

/**
 * last_cap() - the kernel's highest capability number
 *
 * Return: /proc/sys/kernel/cap_last_cap, or CAP_LAST_CAP
 */
static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int v = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = CAP_LAST_CAP;
		fclose(f);
	}
	return v;
}

/**
 * role_prog_build() - build the filter of @role as a BPF program in
 * sb.prog[@role], ready for seccomp(2) from a signal handler
 * @role:	THREAD_NAT or THREAD_PMD
 * @kind:	its allow-list
 * @def:	action for system calls outside the list
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int role_prog_build(enum thread_role role, enum sandbox_filter_kind kind,
			   uint32_t def, char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	struct stat st;
	void *buf = NULL;
	int fd, rc;

	ctx = sandbox_filter_build(kind, def, err, errlen);
	if (!ctx)
		return -EINVAL;
	fd = memfd_create("vioswitch-filter", MFD_CLOEXEC);
	rc = fd < 0 ? -errno : seccomp_export_bpf(ctx, fd);
	if (!rc && fstat(fd, &st))
		rc = -errno;
	if (!rc && !(buf = malloc((size_t)st.st_size)))
		rc = -ENOMEM;
	if (!rc && pread(fd, buf, (size_t)st.st_size, 0) != st.st_size)
		rc = -EIO;
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	if (rc) {
		free(buf);
		snprintf(err, errlen, "cannot build the %s filter: %s",
			 thread_role_name(role), strerror(-rc));
		return rc;
	}
	sb.prog[role].len = (unsigned short)((size_t)st.st_size /
					     sizeof(struct sock_filter));
	sb.prog[role].filter = buf;
	return 0;
}

/**
 * chown_paths() - give the sockets made at start to the --user
 * @so:		options
 * @paths:	socket paths
 * @n:		how many
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int chown_paths(const struct sandbox_opts *so, const char *const *paths,
		       unsigned int n, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < n; i++) {
		if (!fchownat(AT_FDCWD, paths[i], so->uid, so->gid,
			      AT_SYMLINK_NOFOLLOW) ||
		    errno == ENOENT)
			continue;
		snprintf(err, errlen, "--user %s: cannot give %s to it: %s",
			 so->user, paths[i], strerror(errno));
		return -errno;
	}
	return 0;
}

/**
 * join_socket_group() - as root, join the group vhost-user sockets get by
 * default (kvm), so that the sockets of ports added at run time still get
 * it once CAP_CHOWN is gone: an owner may give its file to a group it
 * belongs to. Without that group, or when joining fails, such sockets
 * stay root's group and the port says so.
 */
static void join_socket_group(void)
{
	struct group *g = geteuid() ? NULL : getgrnam(VHOST_DEFAULT_GROUP);
	gid_t groups[256];
	int n;

	if (!g)
		return;
	n = getgroups(RTE_DIM(groups) - 1, groups);
	for (int i = 0; i < n; i++) {
		if (groups[i] == g->gr_gid)
			return;
	}
	if (n < 0)
		return;
	groups[n++] = g->gr_gid;
	if (setgroups((size_t)n, groups))
		log_warn("sandbox: cannot join group %s (%s): sockets of "
			 "vhost-user ports added later keep group root",
			 VHOST_DEFAULT_GROUP, strerror(errno));
}

/**
 * control_caps() - reduce the control thread to kept_caps (those it has)
 * and, with --user, switch the user, keeping them
 * @so:		options
 * @kept:	names of the capabilities kept, for the log
 * @keptlen:	its size
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EPERM with a message
 */
static int control_caps(const struct sandbox_opts *so, char *kept,
			size_t keptlen, char *err, size_t errlen)
{
	if (!so->user[0])
		join_socket_group();
	bool keep[RTE_DIM(kept_caps)];
	size_t off = 0;
	int rc;

	snprintf(kept, keptlen, "none");
	if (capng_get_caps_process()) {
		snprintf(err, errlen, "cannot read our capabilities");
		return -EPERM;
	}
	if (capng_have_permitted_capabilities() == CAPNG_NONE && !so->user[0])
		return 0;
	for (size_t i = 0; i < RTE_DIM(kept_caps); i++)
		keep[i] = capng_have_capability(CAPNG_PERMITTED, kept_caps[i]);
	capng_clear(CAPNG_SELECT_BOTH);
	for (size_t i = 0; i < RTE_DIM(kept_caps); i++) {
		if (!keep[i])
			continue;
		capng_update(CAPNG_ADD,
			     CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				     CAPNG_BOUNDING_SET,
			     kept_caps[i]);
		off += (size_t)snprintf(kept + off, keptlen - off, "%s%s",
					off ? ",cap_" : "cap_",
					capng_capability_to_name(kept_caps[i]));
	}
	if (sb.can_bound && (rc = capng_apply(CAPNG_SELECT_BOUNDS))) {
		snprintf(err, errlen, "cannot reduce the bounding set (%d)",
			 rc);
		return -EPERM;
	}
	if (so->user[0])
		rc = capng_change_id((int)so->uid, (int)so->gid,
				     CAPNG_INIT_SUPP_GRP);
	else
		rc = capng_apply(CAPNG_SELECT_CAPS);
	if (rc) {
		snprintf(err, errlen, "cannot %s (libcap-ng: %d)",
			 so->user[0] ? "switch the user" : "drop capabilities",
			 rc);
		return -EPERM;
	}
	return 0;
}

/**
 * process_filter_load() - install the process-wide filter in every thread
 * @def:	action for system calls outside the list
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int process_filter_load(uint32_t def, char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	int rc;

	ctx = sandbox_filter_build(SANDBOX_FILTER_PROCESS, def, err, errlen);
	if (!ctx)
		return -EINVAL;
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc) {
		snprintf(err, errlen, "cannot load the seccomp filter: %s",
			 strerror(rc < 0 ? -rc : EINVAL));
		return rc < 0 ? rc : -EINVAL;
	}
	return 0;
}

/**
 * handlers_install() - SIGSYS and SANDBOX_SIG handlers
 *
 * Return: 0, or -errno
 */
static int handlers_install(void)
{
	struct sigaction sys = { .sa_sigaction = on_sigsys,
				 .sa_flags = SA_SIGINFO };
	struct sigaction own = { .sa_sigaction = on_sandbox_sig,
				 .sa_flags = SA_SIGINFO | SA_RESTART };

	sigemptyset(&sys.sa_mask);
	sigfillset(&own.sa_mask);
	if (sigaction(SIGSYS, &sys, NULL) || sigaction(SANDBOX_SIG, &own, NULL))
		return -errno;
	return 0;
}

/**
 * threads_check() - check every thread: the others hold no capability,
 * all have the filters; count them
 * @n:		threads other than the control thread
 * @n_narrow:	of which have a narrower filter stacked (NAT, PMD)
 *
 * Return: 0, or -EPERM (logged) when one is not restricted
 */
static int threads_check(unsigned int *n, unsigned int *n_narrow)
{
	unsigned int filters, base = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	uint64_t prm;
	int rc = 0;

	*n = *n_narrow = 0;
	if (!d || task_caps(sb.control_tid, &prm, &base) || !base) {
		if (d)
			closedir(d);
		log_err("sandbox: the control thread has no filter");
		return -EPERM;
	}
	while ((de = readdir(d))) {
		pid_t tid = (pid_t)atoi(de->d_name);

		if (tid <= 0 || tid == sb.control_tid ||
		    task_caps(tid, &prm, &filters))
			continue;
		(*n)++;
		if (filters > base)
			(*n_narrow)++;
		if (prm || filters < base) {
			log_err("sandbox: thread %d is not restricted "
				"(CapPrm %llx, %u filters)",
				(int)tid, (unsigned long long)prm, filters);
			rc = -EPERM;
		}
	}
	closedir(d);
	return rc;
}

/**
 * sandbox_init() - the state the handlers need, computed beforehand
 * @def:	action for system calls outside the lists
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message
 */
static int sandbox_init(uint32_t def, char *err, size_t errlen)
{
	int rc;

	sb.pid = getpid();
	sb.control_tid = (pid_t)syscall(SYS_gettid);
	sb.arch = seccomp_arch_native();
	sb.last_cap = last_cap();
	capng_get_caps_process();
	sb.can_bound = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	names_init();
	rc = role_prog_build(THREAD_NAT, SANDBOX_FILTER_NAT, def, err, errlen);
	if (!rc)
		rc = role_prog_build(THREAD_PMD, SANDBOX_FILTER_PMD, def, err,
				     errlen);
	if (rc)
		return rc;
	rc = handlers_install();
	if (rc)
		snprintf(err, errlen, "cannot install signal handlers: %s",
			 strerror(-rc));
	return rc;
}

/**
 * sandbox_apply() - restrict every thread, as the theory above says; call
 * once the ports of the command line and the control socket exist, on
 * the control thread
 * @so:		options
 * @paths:	sockets made at start, given to --user
 * @n_paths:	how many
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message (the process must not go on)
 */
int sandbox_apply(const struct sandbox_opts *so, const char *const *paths,
		  unsigned int n_paths, char *err, size_t errlen)
{
	uint32_t def = so->mode == SANDBOX_LOG ? SCMP_ACT_LOG : SCMP_ACT_TRAP;
	unsigned int n = 0, n_narrow = 0;
	char kept[128];
	int rc;

	if (so->user[0] && (rc = chown_paths(so, paths, n_paths, err, errlen)))
		return rc;
	if (so->mode == SANDBOX_OFF && !so->user[0]) {
		log_warn("sandbox off: every thread keeps its capabilities, "
			 "no NoNewPrivs, no seccomp filter");
		return 0;
	}
	if (so->mode == SANDBOX_OFF) {
		rc = control_caps(so, kept, sizeof(kept), err, errlen);
		if (!rc)
			log_warn(
				"sandbox off: user %s, the control thread keeps "
				"%s, no NoNewPrivs, no seccomp filter",
				so->user, kept);
		return rc;
	}
	if ((rc = sandbox_init(def, err, errlen)))
		return rc;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    threads_signal(STEP_BOUND, false, &n)) {
		snprintf(err, errlen, "cannot restrict the other threads");
		return -EPERM;
	}
	if ((rc = control_caps(so, kept, sizeof(kept), err, errlen)) ||
	    (rc = process_filter_load(def, err, errlen)))
		return rc;
	sb.active = true;
	thread_role_hook_set(role_hook);
	if (threads_signal(STEP_CLEAR, false, &n) ||
	    threads_check(&n, &n_narrow)) {
		snprintf(err, errlen, "cannot restrict the other threads");
		return -EPERM;
	}
	log_info("sandbox %s: control thread keeps %s; %u other thread(s) "
		 "hold none; NoNewPrivs; seccomp allow-list in every thread, "
		 "narrower in %u NAT and PMD thread(s)%s%s",
		 so->mode == SANDBOX_LOG ? "log" : "on", kept, n, n_narrow,
		 so->user[0] ? "; user " : "", so->user);
	if (so->mode == SANDBOX_LOG)
		log_warn("sandbox log: system calls outside the allow-lists "
			 "are allowed and logged by the kernel");
	return 0;
}

/**
 * sandbox_sweep() - signal every thread but the control thread that holds
 * a capability to drop it: threads a library started since (rte_vhost's
 * when the first vhost-user port came at run time). After each run-time
 * `port add`, and once a second.
 */
void sandbox_sweep(void)
{
	static struct log_ratelimit rl;
	unsigned int n = 0;
	int rc;

	if (!sb.active)
		return;
	rc = threads_signal(STEP_CLEAR, true, &n);
	if (rc && n && log_ratelimit_ok(&rl))
		log_err("sandbox: a thread started since keeps capabilities");
	else if (rc && log_ratelimit_ok(&rl))
		log_debug("sandbox: cannot look at the threads: %s",
			  strerror(-rc));
	else if (n)
		log_debug("sandbox: %u thread(s) started since restricted", n);
}

static struct ctl_feature sandbox_feature = {
	.name = "sandbox",
	.event = sandbox_sweep,
};

/**
 * sandbox_feature_init() - have the control loop call sandbox_sweep()
 * once a second
 */
RTE_INIT(sandbox_feature_init)
{
	ctl_feature_register(&sandbox_feature);
}
