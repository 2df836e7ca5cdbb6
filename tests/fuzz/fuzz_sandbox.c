// SPDX-License-Identifier: BSD-3-Clause
/* fuzz_sandbox.c - fuzz targets refuse to run outside tests/fuzz/sandbox.sh
 *
 * Theory of operation
 * -------------------
 * Fuzzed guest frames make the NAT open host sockets, connect and send
 * datagrams; fuzzed control requests add ports, bind hostfwd rules and
 * write capture files wherever their paths say. So the targets run only
 * where none of that can reach anything that matters, and check it before
 * they start rather than trust that they were started right:
 * - the network namespace has no interface but loopback (if_nameindex(),
 *   which asks the kernel about the caller's own namespace; /sys/class/net
 *   would show the namespace sysfs was mounted in);
 * - for a target that may write files, every mount the process can reach
 *   is read-only, except the tmpfs mounts sandbox.sh makes (source
 *   "vioswitch-fuzz", private to its mount namespace) and the directories
 *   it was told to leave writable ($VIOSWITCH_FUZZ_RW, for libFuzzer's
 *   output). Of several mounts on one mount point only the last listed,
 *   the one on top, is reachable.
 * Either check failing ends the process with a message saying how to run
 * the target. The file also holds what the targets share besides: the
 * clock skew of fuzz builds, their start (sandbox check, $FUZZ_VERBOSE
 * and $FUZZ_LOG, EAL without hugepages under a file prefix of their own)
 * and the removal of EAL's runtime directory at exit (a target run by
 * hand outside sandbox.sh leaves none behind).
 */
#include "fuzz_sandbox.h"

#include <ftw.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include "log.h"

/* What the targets add to the monotonic clock (switch/clock.h). */
int64_t clock_fuzz_skew_ns;

#define MOUNTS_MAX 1024
#define PATH_LEN   4096

/**
 * struct mnt - what matters of one line of /proc/self/mountinfo
 * @point:	mount point, unescaped
 * @ro:		mounted read-only
 * @ours:	a tmpfs sandbox.sh mounted
 */
struct mnt {
	char point[PATH_LEN];
	bool ro;
	bool ours;
};

static struct mnt mounts[MOUNTS_MAX];

/**
 * only_loopback() - does the network namespace have only loopback?
 * @why:	the first other interface, when not
 * @len:	size of @why
 *
 * Return: true if every interface is "lo"
 */
static bool only_loopback(char *why, size_t len)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	bool ok = ifs != NULL;

	snprintf(why, len, "cannot list the network interfaces");
	for (i = ifs; ok && i->if_index; i++) {
		if (strcmp(i->if_name, "lo")) {
			snprintf(why, len, "interface %s is not loopback",
				 i->if_name);
			ok = false;
		}
	}
	if (ifs)
		if_freenameindex(ifs);
	return ok;
}

/**
 * unescape() - undo mountinfo's octal escapes (\040 for a space) in place
 * @s:		text
 */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] &&
		    s[3]) {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/**
 * has_word() - is @word one of the comma-separated options of @list?
 * @list:	options
 * @word:	option
 *
 * Return: true if so
 */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, word, n) && (p[n] == ',' || !p[n]))
			return true;
	}
	return false;
}

/**
 * parse_line() - one line of mountinfo into @m
 * @line:	"ID PARENT MAJ:MIN ROOT POINT OPTS [TAGS] - TYPE SOURCE SUPER"
 * @m:		filled
 *
 * Return: 0, or -1 for a line that does not parse
 */
static int parse_line(char *line, struct mnt *m)
{
	char point[PATH_LEN], opts[256], type[64], source[256];
	const char *dash = strstr(line, " - ");

	if (!dash ||
	    sscanf(line, "%*s %*s %*s %*s %4095s %255s", point, opts) != 2 ||
	    sscanf(dash + 3, "%63s %255s", type, source) != 2)
		return -1;
	unescape(point);
	snprintf(m->point, sizeof(m->point), "%s", point);
	m->ro = has_word(opts, "ro");
	m->ours = !strcmp(type, "tmpfs") && !strcmp(source, "vioswitch-fuzz");
	return 0;
}

/**
 * allowed_rw() - is @point one of the directories sandbox.sh left
 * writable ($VIOSWITCH_FUZZ_RW, colon-separated)?
 * @point:	mount point
 *
 * Return: true if so
 */
static bool allowed_rw(const char *point)
{
	const char *env = getenv("VIOSWITCH_FUZZ_RW");
	size_t n = strlen(point);

	for (const char *p = env; p && *p; p = strchr(p, ':')) {
		if (*p == ':')
			p++;
		if (!strncmp(p, point, n) && (p[n] == ':' || !p[n]))
			return true;
	}
	return false;
}

/**
 * only_private_writes() - can the process write only where sandbox.sh
 * allows?
 * @why:	the first writable mount that is not allowed, when not
 * @len:	size of @why
 *
 * Return: true if so
 */
static bool only_private_writes(char *why, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[2 * PATH_LEN];
	unsigned int n = 0;

	snprintf(why, len, "cannot read /proc/self/mountinfo");
	if (!f)
		return false;
	while (n < MOUNTS_MAX && fgets(line, sizeof(line), f)) {
		struct mnt m;

		if (parse_line(line, &m)) {
			fclose(f);
			return false;
		}
		/* A later mount on the same point hides the earlier. */
		for (unsigned int i = 0; i < n; i++)
			if (!strcmp(mounts[i].point, m.point))
				mounts[i].point[0] = '\0';
		mounts[n++] = m;
	}
	fclose(f);
	for (unsigned int i = 0; i < n; i++) {
		const struct mnt *m = &mounts[i];

		if (!m->point[0] || m->ro || m->ours || allowed_rw(m->point))
			continue;
		snprintf(why, len, "%s is mounted writable", m->point);
		return false;
	}
	return n < MOUNTS_MAX;
}

/**
 * fuzz_sandbox_require() - exit unless the process runs where fuzzed
 * input can reach neither the network nor the machine's files
 * @target:	target name ("ctl", "nat"), for the message
 * @files:	the target may write files: check the mounts too
 */
void fuzz_sandbox_require(const char *target, bool files)
{
	char why[PATH_LEN + 64];

	if (only_loopback(why, sizeof(why)) &&
	    (!files || only_private_writes(why, sizeof(why))))
		return;
	fprintf(stderr,
		"fuzz_%s: not in the fuzzing sandbox (%s).\n"
		"Fuzzed input opens sockets%s: run it as\n"
		"  make fuzz FUZZ_TARGET=%s  (or make fuzz-replay), or\n"
		"  tests/fuzz/sandbox.sh [-w OUTDIR] -- build/fuzz/fuzz_%s ...\n",
		target, why, files ? " and writes files" : "", target, target);
	exit(1);
}

static char runtime_dir[PATH_LEN];

/**
 * rm_entry() - nftw() callback: remove one file or empty directory
 */
static int rm_entry(const char *path, const struct stat *sb, int type,
		    struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/**
 * remove_runtime_dir() - atexit(): remove EAL's runtime directory
 */
static void remove_runtime_dir(void)
{
	nftw(runtime_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/**
 * fuzz_remove_at_exit() - remove EAL's runtime directory when the target
 * exits
 * @dir:	rte_eal_get_runtime_dir()
 */
void fuzz_remove_at_exit(const char *dir)
{
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", dir);
	atexit(remove_runtime_dir);
}

/**
 * fuzz_start() - what every switch-running target does first: refuse to
 * run outside the sandbox, take $FUZZ_VERBOSE and $FUZZ_LOG, start EAL
 * (no hugepages, no shared config, no PCI, no telemetry, a file prefix of
 * its own, its runtime directory removed at exit)
 * @target:	the target's name ("ctl", "nat")
 * @files:	whether its input may write files (fuzz_sandbox_require())
 * @lcores:	EAL's --lcores value
 *
 * Ends the process with a message when EAL does not start.
 *
 * Return: whether $FUZZ_VERBOSE asks for every step to be printed
 */
bool fuzz_start(const char *target, bool files, const char *lcores)
{
	char name[32], prefix[64], cores[64];
	char *eal[] = { name,
			"--no-huge",
			"--no-shconf",
			"-m",
			"1024",
			"--no-pci",
			"--no-telemetry",
			"--log-level=error",
			prefix,
			cores,
			NULL };

	fuzz_sandbox_require(target, files);
	log_threshold = LOG_LVL_ERR;
	if (getenv("FUZZ_LOG"))
		log_level_parse(getenv("FUZZ_LOG"), &log_threshold);
	snprintf(name, sizeof(name), "fuzz_%s", target);
	snprintf(prefix, sizeof(prefix), "--file-prefix=fuzz-%s-%d", target,
		 (int)getpid());
	snprintf(cores, sizeof(cores), "--lcores=%s", lcores);
	if (rte_eal_init((int)(sizeof(eal) / sizeof(*eal)) - 1, eal) < 0) {
		fprintf(stderr, "fuzz_%s: cannot start EAL\n", target);
		abort();
	}
	fuzz_remove_at_exit(rte_eal_get_runtime_dir());
	return getenv("FUZZ_VERBOSE") != NULL;
}
