// SPDX-License-Identifier: BSD-3-Clause
/* test_options.c - unit tests of the daemon's command line and config file
 * (ctl/options.c)
 *
 * options_parse() exits with status 2 on any error, so every error case,
 * and every good case before it is parsed in this process, runs in a
 * fork()ed child whose stdout and stderr come back through pipes.
 */
#include "eal_fixture.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netdev.h"
#include "options.h"

#define ARGS_MAX 32
#define OUT_MAX	 8192

/**
 * struct run - what a child running options_parse() did
 * @status:	exit status (128 + signal if it was killed)
 * @out:	its stdout
 * @err:	its stderr
 */
struct run {
	int status;
	char out[OUT_MAX];
	char err[OUT_MAX];
};

static char tmpdir[64];

/**
 * read_all() - read a pipe until EOF
 * @fd:		read end, closed here
 * @buf:	output, NUL-terminated
 * @len:	its size
 */
static void read_all(int fd, char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len - 1 && (n = read(fd, buf + off, len - 1 - off)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	close(fd);
}

/**
 * run_child() - run options_parse() on @argv in a child process
 * @argv:	arguments, NULL-terminated, argv[0] included
 * @r:		result
 */
static void run_child(char **argv, struct run *r)
{
	int out[2], err[2], argc = 0, wstatus;
	struct options o;
	pid_t pid;

	while (argv[argc])
		argc++;
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(err), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		close(out[0]);
		close(err[0]);
		options_parse(argc, argv, &o);
		options_free(&o);
		fflush(stdout);
		_exit(0);
	}
	close(out[1]);
	close(err[1]);
	read_all(out[0], r->out, sizeof(r->out));
	read_all(err[0], r->err, sizeof(r->err));
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus)
				       : 128 + WTERMSIG(wstatus);
}

/**
 * argv_of() - build "vioswitch ARGS..." from a NULL-terminated list
 * @argv:	output, ARGS_MAX entries
 * @ap:		arguments
 */
static void argv_of(char **argv, va_list ap)
{
	const char *a;
	int n = 0;

	argv[n++] = "vioswitch";
	while ((a = va_arg(ap, const char *))) {
		assert_true(n < ARGS_MAX - 1);
		argv[n++] = (char *)a;
	}
	argv[n] = NULL;
}

/**
 * assert_exit() - options_parse() on the arguments exits with @status and
 * says @needle on @stream ("err" or "out")
 * @status:	expected exit status
 * @stream:	"err" or "out"
 * @needle:	text the output must contain
 * @...:	arguments after argv[0], NULL-terminated
 */
static void assert_exit(int status, const char *stream, const char *needle, ...)
{
	char *argv[ARGS_MAX];
	struct run r;
	va_list ap;

	va_start(ap, needle);
	argv_of(argv, ap);
	va_end(ap);
	run_child(argv, &r);
	if (r.status != status)
		fail_msg("exit status %d, expected %d; stderr: %s", r.status,
			 status, r.err);
	if (!strstr(strcmp(stream, "out") ? r.err : r.out, needle))
		fail_msg("std%s does not say '%s': %s", stream, needle,
			 strcmp(stream, "out") ? r.err : r.out);
}

#define assert_dies(needle, ...) assert_exit(2, "err", needle, __VA_ARGS__)

/**
 * parse_ok() - parse arguments in this process, after checking in a child
 * that they do not make options_parse() exit
 * @o:		result; options_free() it
 * @...:	arguments after argv[0], NULL-terminated
 */
static void parse_ok(struct options *o, ...)
{
	char *argv[ARGS_MAX];
	struct run r;
	va_list ap;
	int argc = 0;

	va_start(ap, o);
	argv_of(argv, ap);
	va_end(ap);
	run_child(argv, &r);
	if (r.status)
		fail_msg("exit status %d: %s", r.status, r.err);
	while (argv[argc])
		argc++;
	options_parse(argc, argv, o);
}

/**
 * config_path() - a file name in the test's temporary directory
 * @buf:	output, PATH_MAX bytes
 * @name:	file name
 *
 * Return: @buf
 */
static const char *config_path(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", tmpdir, name);
	return buf;
}

/**
 * setup() - per-test: fresh temp dir, no VIOSWITCH_CTL
 * @state:	unused
 *
 * Return: 0
 */
static int setup(void **state)
{
	(void)state;
	unsetenv("VIOSWITCH_CTL");
	fixture_tmpdir(tmpdir, sizeof(tmpdir));
	return 0;
}

/**
 * teardown() - per-test: remove the temp dir, restore the default limit
 * @state:	unused
 *
 * Return: 0
 */
static int teardown(void **state)
{
	(void)state;
	fixture_rmtree(tmpdir);
	netdev_default_learn_limit = 1024;
	return 0;
}

/**
 * test_cpus_single() - "1"
 * @state:	unused
 */
static void test_cpus_single(void **state)
{
	unsigned int n = 99;
	int cpus[4];

	(void)state;
	assert_int_equal(options_parse_cpus("1", cpus, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(cpus[0], 1);
}

/**
 * test_cpus_range() - "0-1"
 * @state:	unused
 */
static void test_cpus_range(void **state)
{
	unsigned int n;
	int cpus[4];

	(void)state;
	assert_int_equal(options_parse_cpus("0-1", cpus, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cpus[0], 0);
	assert_int_equal(cpus[1], 1);
}

/**
 * test_cpus_list_and_range() - "0,2-3"
 * @state:	unused
 */
static void test_cpus_list_and_range(void **state)
{
	unsigned int n;
	int cpus[4];

	(void)state;
	assert_int_equal(options_parse_cpus("0,2-3", cpus, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(cpus[0], 0);
	assert_int_equal(cpus[1], 2);
	assert_int_equal(cpus[2], 3);
}

/**
 * test_cpus_bad_lists_rejected() - empty, junk, reversed, negative, too
 * large, doubled separators, more CPUs than room
 * @state:	unused
 */
static void test_cpus_bad_lists_rejected(void **state)
{
	static const char *const bad[] = { "",	  "a",	  "1-0",    "-1",
					   "1-",  "1,,2", "0-5000", "1 2",
					   "1;2", "0-4",  "2-a" };
	unsigned int n;
	int cpus[4];

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (!options_parse_cpus(bad[i], cpus, 4, &n))
			fail_msg("'%s' accepted (%u CPUs)", bad[i], n);
	}
}

/**
 * test_defaults_without_arguments() - no argument: documented defaults,
 * one PMD CPU, the embedded default port list
 * @state:	unused
 */
static void test_defaults_without_arguments(void **state)
{
	struct options o;

	(void)state;
	parse_ok(&o, NULL);
	assert_string_equal(o.ctl_path, CTL_PATH_DEFAULT);
	assert_int_equal(o.n_pmd_cpus, 1);
	assert_int_equal(o.hugepages, HUGEPAGES_AUTO);
	assert_int_equal(o.log_level, LOG_LVL_INFO);
	assert_int_equal(o.cfg.fdb_age, 300);
	assert_int_equal(o.cfg.fdb_size, 65536);
	assert_int_equal(o.cfg.idle_us, 200);
	assert_int_equal(o.cfg.flush_us, 0);
	assert_true(o.used_default);
	assert_int_equal(o.sandbox.mode, SANDBOX_ON);
	assert_string_equal(o.sandbox.user, "");
	options_free(&o);
}

/**
 * test_full_command_line() - every option lands in its field
 * @state:	unused
 */
static void test_full_command_line(void **state)
{
	struct options o;

	(void)state;
	parse_ok(&o, "--netdev", "pcap,id=a", "--netdev=pcap,id=b,vlan=10",
		 "--pmd-cpus", "0-1", "--hugepages", "off", "--fdb-age", "10",
		 "--fdb-size", "4096", "--ctl", "/tmp/x.sock", "--log-level",
		 "debug", "--pmd-idle-us", "5", "--tx-flush-us", "7",
		 "--learn-limit", "9", NULL);
	assert_int_equal(o.n_netdevs, 2);
	assert_string_equal(o.netdevs[0], "pcap,id=a");
	assert_string_equal(o.netdevs[1], "pcap,id=b,vlan=10");
	assert_false(o.used_default);
	assert_int_equal(o.n_pmd_cpus, 2);
	assert_int_equal(o.pmd_cpus[1], 1);
	assert_int_equal(o.hugepages, HUGEPAGES_OFF);
	assert_int_equal(o.cfg.fdb_age, 10);
	assert_int_equal(o.cfg.fdb_size, 4096);
	assert_string_equal(o.ctl_path, "/tmp/x.sock");
	assert_int_equal(o.log_level, LOG_LVL_DEBUG);
	assert_int_equal(o.cfg.idle_us, 5);
	assert_int_equal(o.cfg.flush_us, 7);
	assert_int_equal(netdev_default_learn_limit, 9);
	options_free(&o);
}

/**
 * test_ctl_path_from_environment() - VIOSWITCH_CTL replaces the default,
 * --ctl still wins
 * @state:	unused
 */
static void test_ctl_path_from_environment(void **state)
{
	struct options o;

	(void)state;
	setenv("VIOSWITCH_CTL", "/tmp/env.sock", 1);
	parse_ok(&o, NULL);
	assert_string_equal(o.ctl_path, "/tmp/env.sock");
	options_free(&o);
	parse_ok(&o, "--ctl", "/tmp/arg.sock", NULL);
	assert_string_equal(o.ctl_path, "/tmp/arg.sock");
	options_free(&o);
}

/**
 * test_reparse_starts_over() - a second options_parse() does not keep
 * anything from the first (it resets optind itself)
 * @state:	unused
 */
static void test_reparse_starts_over(void **state)
{
	struct options o;

	(void)state;
	parse_ok(&o, "--netdev", "pcap,id=a", "--fdb-age", "10", NULL);
	options_free(&o);
	parse_ok(&o, "--netdev", "pcap,id=b", NULL);
	assert_int_equal(o.n_netdevs, 1);
	assert_string_equal(o.netdevs[0], "pcap,id=b");
	assert_int_equal(o.cfg.fdb_age, 300);
	options_free(&o);
}

/**
 * test_config_file_lines() - comments, blank lines, options without
 * dashes, "--opt value", trailing blanks and comments
 * @state:	unused
 */
static void test_config_file_lines(void **state)
{
	char path[PATH_MAX];
	struct options o;

	(void)state;
	fixture_write_file(config_path(path, "a.conf"),
			   "# vioswitch test config\n"
			   "\n"
			   "   \t\n"
			   "netdev pcap,id=x\n"
			   "--netdev pcap,id=y,vlan=10   # second port\n"
			   "  --fdb-age 10\n"
			   "pmd-cpus\t0-1\n");
	parse_ok(&o, "--config", path, NULL);
	assert_int_equal(o.n_netdevs, 2);
	assert_string_equal(o.netdevs[0], "pcap,id=x");
	assert_string_equal(o.netdevs[1], "pcap,id=y,vlan=10");
	assert_int_equal(o.cfg.fdb_age, 10);
	assert_int_equal(o.n_pmd_cpus, 2);
	options_free(&o);
}

/**
 * test_config_file_equals_form() - "opt=value" lines, no final newline
 * @state:	unused
 */
static void test_config_file_equals_form(void **state)
{
	char path[PATH_MAX];
	struct options o;

	(void)state;
	fixture_write_file(config_path(path, "b.conf"),
			   "fdb-age=10\n"
			   "netdev=pcap,id=x,rx=in.pcap\n"
			   "hugepages = on");
	parse_ok(&o, "--config", path, NULL);
	assert_int_equal(o.cfg.fdb_age, 10);
	assert_string_equal(o.netdevs[0], "pcap,id=x,rx=in.pcap");
	assert_int_equal(o.hugepages, HUGEPAGES_ON);
	options_free(&o);
}

/**
 * test_command_line_after_config_wins() - options apply in order
 * @state:	unused
 */
static void test_command_line_after_config_wins(void **state)
{
	char path[PATH_MAX];
	struct options o;

	(void)state;
	fixture_write_file(config_path(path, "c.conf"),
			   "fdb-age 10\nnetdev pcap,id=x\n");
	parse_ok(&o, "--config", path, "--fdb-age", "20", "--netdev",
		 "pcap,id=y", NULL);
	assert_int_equal(o.cfg.fdb_age, 20);
	assert_int_equal(o.n_netdevs, 2);
	assert_string_equal(o.netdevs[1], "pcap,id=y");
	options_free(&o);
}

/**
 * test_help_and_version_exit_zero() - --help prints usage, --version the
 * version, both on stdout with status 0
 * @state:	unused
 */
static void test_help_and_version_exit_zero(void **state)
{
	(void)state;
	assert_exit(0, "out", "Usage: vioswitch", "--help", NULL);
	assert_exit(0, "out", "vioswitch " VIOSWITCH_VERSION, "--version",
		    NULL);
}

/**
 * test_unknown_option_named() - exit 2 naming the option
 * @state:	unused
 */
static void test_unknown_option_named(void **state)
{
	(void)state;
	assert_dies("--bogus: unknown option", "--bogus", NULL);
	assert_dies("--bogus=1: unknown option", "--netdev", "pcap,id=a",
		    "--bogus=1", NULL);
}

/**
 * test_missing_value_named() - an option at the end without its value
 * says so, rather than calling the option unknown
 * @state:	unused
 */
static void test_missing_value_named(void **state)
{
	(void)state;
	assert_dies("--fdb-age: missing value", "--fdb-age", NULL);
}

/**
 * test_stray_argument_named() - a non-option argument is refused
 * @state:	unused
 */
static void test_stray_argument_named(void **state)
{
	(void)state;
	assert_dies("stray: unexpected argument", "--netdev", "pcap,id=a",
		    "stray", NULL);
}

/**
 * test_duplicate_id_named() - two ports with one id
 * @state:	unused
 */
static void test_duplicate_id_named(void **state)
{
	(void)state;
	assert_dies("duplicate id 'a'", "--netdev", "pcap,id=a", "--netdev",
		    "pcap,id=b", "--netdev", "pcap,id=a,vlan=3", NULL);
}

/**
 * test_runtime_options_kept_in_order() - --hostfwd, --fdb, --mirror and
 * the -del forms are kept in order for later; --netdev-del drops an
 * earlier --netdev at once
 * @state:	unused
 */
static void test_runtime_options_kept_in_order(void **state)
{
	char path[PATH_MAX];
	struct options o;

	(void)state;
	fixture_write_file(config_path(path, "rt.conf"),
			   "fdb 02:00:00:00:00:01,a,vlan=2\n"
			   "netdev-del b\n"
			   "mirror a,to=c\n"
			   "mirror-del a,to=c,dir=both\n");
	parse_ok(&o, "--netdev", "pcap,id=a", "--netdev", "pcap,id=b",
		 "--netdev", "user,id=c", "--hostfwd", "c,tcp::2222-a:22",
		 "--config", path, "--hostfwd-del", "c,tcp::2222", NULL);
	assert_int_equal(o.n_netdevs, 2);
	assert_string_equal(o.netdevs[1], "user,id=c");
	assert_int_equal(o.n_runtime, 5);
	assert_string_equal(o.runtime[0].name, "hostfwd");
	assert_string_equal(o.runtime[0].arg, "c,tcp::2222-a:22");
	assert_string_equal(o.runtime[1].name, "fdb");
	assert_string_equal(o.runtime[2].name, "mirror");
	assert_string_equal(o.runtime[3].name, "mirror-del");
	assert_string_equal(o.runtime[4].name, "hostfwd-del");
	options_free(&o);
}

/**
 * test_runtime_option_errors_named() - a bad runtime value names the
 * option, the value and what is wrong
 * @state:	unused
 */
static void test_runtime_option_errors_named(void **state)
{
	(void)state;
	assert_dies("--hostfwd nat: 'nat': expected PORT,VALUE", "--hostfwd",
		    "nat", NULL);
	assert_dies("--hostfwd nat,tcp:2222: ", "--hostfwd", "nat,tcp:2222",
		    NULL);
	assert_dies("--fdb 02:00:00:00:00:01: ", "--fdb", "02:00:00:00:00:01",
		    NULL);
	assert_dies("--mirror a: missing to=PORT", "--mirror", "a", NULL);
	assert_dies("--netdev-del b: no earlier --netdev with id=b", "--netdev",
		    "pcap,id=a", "--netdev-del", "b", NULL);
	assert_dies("--nat-lease x: ", "--nat-lease", "x", NULL);
}

/**
 * test_state_default() - $STATE_DIRECTORY/state by default, --state wins,
 * --state none means none
 * @state:	unused
 */
static void test_state_default(void **state)
{
	struct options o;

	(void)state;
	unsetenv("STATE_DIRECTORY");
	parse_ok(&o, "--netdev", "pcap,id=a", NULL);
	assert_string_equal(o.state_path, "");
	options_free(&o);
	setenv("STATE_DIRECTORY", "/var/lib/vioswitch:/var/lib/other", 1);
	parse_ok(&o, "--netdev", "pcap,id=a", NULL);
	assert_string_equal(o.state_path, "/var/lib/vioswitch/state");
	options_free(&o);
	parse_ok(&o, "--netdev", "pcap,id=a", "--state", "/tmp/s", NULL);
	assert_string_equal(o.state_path, "/tmp/s");
	options_free(&o);
	parse_ok(&o, "--netdev", "pcap,id=a", "--state", "none", NULL);
	assert_string_equal(o.state_path, "");
	options_free(&o);
	unsetenv("STATE_DIRECTORY");
}

/**
 * test_bad_netdev_named() - the spec and the offending key are named
 * @state:	unused
 */
static void test_bad_netdev_named(void **state)
{
	(void)state;
	assert_dies("--netdev pcap,id=a,vlan=0: vlan=0", "--netdev",
		    "pcap,id=a,vlan=0", NULL);
	assert_dies("'bogus'", "--netdev", "bogus,id=a", NULL);
}

/**
 * test_bad_values_named() - every option with a bad value names it
 * @state:	unused
 */
static void test_bad_values_named(void **state)
{
	(void)state;
	assert_dies("--pmd-cpus 1-0", "--pmd-cpus", "1-0", NULL);
	assert_dies("--pmd-cpus x", "--pmd-cpus", "x", NULL);
	assert_dies("--hugepages maybe", "--hugepages", "maybe", NULL);
	assert_dies("--log-level loud", "--log-level", "loud", NULL);
	assert_dies("fdb-age=0", "--fdb-age", "0", NULL);
	assert_dies("fdb-size=10", "--fdb-size", "10", NULL);
	assert_dies("learn-limit=x", "--learn-limit", "x", NULL);
	assert_dies("pmd-idle-us=-5", "--pmd-idle-us", "-5", NULL);
	assert_dies("tx-flush-us=2000000", "--tx-flush-us", "2000000", NULL);
}

/**
 * test_sandbox_options() - --sandbox MODE and --user NAME[:GROUP] land in
 * their fields; bad ones are named
 * @state:	unused
 */
static void test_sandbox_options(void **state)
{
	struct options o;

	(void)state;
	parse_ok(&o, "--sandbox", "off", "--netdev", "pcap,id=a", NULL);
	assert_int_equal(o.sandbox.mode, SANDBOX_OFF);
	options_free(&o);
	parse_ok(&o, "--sandbox", "log", "--netdev", "pcap,id=a", NULL);
	assert_int_equal(o.sandbox.mode, SANDBOX_LOG);
	options_free(&o);
	assert_dies("--sandbox maybe: expected on, off or log", "--sandbox",
		    "maybe", NULL);
	if (geteuid() != 0) {
		assert_dies("only root", "--user", "nobody", NULL);
		return;
	}
	parse_ok(&o, "--user", "nobody", "--netdev", "pcap,id=a", NULL);
	assert_string_equal(o.sandbox.user, "nobody");
	assert_int_equal(o.sandbox.uid, 65534);
	options_free(&o);
	parse_ok(&o, "--user", "nobody:root", "--netdev", "pcap,id=a", NULL);
	assert_int_equal(o.sandbox.uid, 65534);
	assert_int_equal(o.sandbox.gid, 0);
	options_free(&o);
	assert_dies("--user no-such-user-here: no user 'no-such-user-here'",
		    "--user", "no-such-user-here", NULL);
	assert_dies("no group 'no-such-group'", "--user",
		    "nobody:no-such-group", NULL);
}

/**
 * run_dir_as_user() - in a child with effective uid 65534: the default
 * sockets by the rule of protocol.h, for three values of XDG_RUNTIME_DIR
 *
 * Return: 0 if every check held, else the number of the first that failed
 */
static int run_dir_as_user(void)
{
	char buf[128], err[512];
	struct options o;
	const char *argv[] = { "vioswitch", NULL };

	if (seteuid(65534))
		return 1;
	setenv("XDG_RUNTIME_DIR", "/xdg/1000", 1);
	if (ctl_run_dir(buf, sizeof(buf), err, sizeof(err)) ||
	    strcmp(buf, "/xdg/1000/vioswitch"))
		return 2;
	options_parse(1, (char **)argv, &o);
	if (strcmp(o.ctl_path, "/xdg/1000/vioswitch/ctl.sock") ||
	    strcmp(o.run_dir, "/xdg/1000/vioswitch") ||
	    !strstr(o.netdevs[1], "path=/xdg/1000/vioswitch/vm1.sock"))
		return 3;
	setenv("XDG_RUNTIME_DIR", "relative/dir", 1);
	if (ctl_run_dir(buf, sizeof(buf), err, sizeof(err)) != -ENOENT ||
	    !strstr(err, "XDG_RUNTIME_DIR is not absolute"))
		return 4;
	unsetenv("XDG_RUNTIME_DIR");
	if (ctl_run_path(CTL_SOCK_NAME, buf, sizeof(buf), err, sizeof(err)) !=
		    -ENOENT ||
	    !strstr(err, "XDG_RUNTIME_DIR is not set") ||
	    !strstr(err, "--ctl PATH"))
		return 5;
	return 0;
}

/**
 * test_default_sockets_by_user() - root's default sockets are in
 * /run/vioswitch, anyone else's in $XDG_RUNTIME_DIR/vioswitch, and
 * without one the rule says what to set (run as root: the user's half
 * runs in a child that changed its effective uid)
 * @state:	unused
 */
static void test_default_sockets_by_user(void **state)
{
	struct options o;
	int status;
	pid_t pid;

	(void)state;
	if (geteuid() != 0) {
		skip();
		return;
	}
	setenv("XDG_RUNTIME_DIR", "/xdg/0", 1);
	parse_ok(&o, NULL);
	assert_string_equal(o.ctl_path, CTL_RUN_DIR_ROOT "/" CTL_SOCK_NAME);
	assert_string_equal(o.run_dir, CTL_RUN_DIR_ROOT);
	assert_non_null(strstr(o.netdevs[1], "path=/run/vioswitch/vm1.sock"));
	options_free(&o);
	parse_ok(&o, "--ctl", "/elsewhere.sock", "--netdev", "pcap,id=a", NULL);
	assert_string_equal(o.run_dir, "");
	options_free(&o);
	unsetenv("XDG_RUNTIME_DIR");
	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		_exit(run_dir_as_user());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/**
 * test_ctl_path_too_long_named() - a socket path that does not fit
 * @state:	unused
 */
static void test_ctl_path_too_long_named(void **state)
{
	char path[200];

	(void)state;
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_dies("path longer than", "--ctl", path, NULL);
}

/**
 * test_missing_config_named() - a config file that does not exist
 * @state:	unused
 */
static void test_missing_config_named(void **state)
{
	char path[PATH_MAX];

	(void)state;
	config_path(path, "nonexistent.conf");
	assert_dies(path, "--config", path, NULL);
	assert_dies("No such file", "--config", path, NULL);
}

/**
 * test_config_unknown_option_has_file_and_line() - "FILE:LINE: unknown
 * option 'NAME'"
 * @state:	unused
 */
static void test_config_unknown_option_has_file_and_line(void **state)
{
	char path[PATH_MAX], want[PATH_MAX + 64];

	(void)state;
	fixture_write_file(config_path(path, "bad.conf"),
			   "# comment\nfdb-age 10\nbogus 1\n");
	snprintf(want, sizeof(want), "%s:3: unknown option 'bogus'", path);
	assert_dies(want, "--config", path, NULL);
}

/**
 * test_config_value_missing_has_file_and_line() - an option line without
 * its value
 * @state:	unused
 */
static void test_config_value_missing_has_file_and_line(void **state)
{
	char path[PATH_MAX], want[PATH_MAX + 64];

	(void)state;
	fixture_write_file(config_path(path, "novalue.conf"), "fdb-age\n");
	snprintf(want, sizeof(want), "%s:1: option 'fdb-age' needs a value",
		 path);
	assert_dies(want, "--config", path, NULL);
}

/**
 * test_config_bad_value_named() - a bad value in a file is named like on
 * the command line
 * @state:	unused
 */
static void test_config_bad_value_named(void **state)
{
	char path[PATH_MAX];

	(void)state;
	fixture_write_file(config_path(path, "badval.conf"),
			   "netdev pcap,id=a,trunk=maybe\n");
	assert_dies("trunk=maybe", "--config", path, NULL);
}

/**
 * test_config_loop_refused() - a config file including itself
 * @state:	unused
 */
static void test_config_loop_refused(void **state)
{
	char path[PATH_MAX], text[PATH_MAX + 16];

	(void)state;
	config_path(path, "loop.conf");
	snprintf(text, sizeof(text), "config %s\n", path);
	fixture_write_file(path, text);
	assert_dies("nested too deep", "--config", path, NULL);
}

/**
 * main() - run the options tests
 *
 * Return: 0 when all passed, else the number of failures
 */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpus_single),
		cmocka_unit_test(test_cpus_range),
		cmocka_unit_test(test_cpus_list_and_range),
		cmocka_unit_test(test_cpus_bad_lists_rejected),
		cmocka_unit_test_setup_teardown(test_defaults_without_arguments,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_command_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_path_from_environment,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reparse_starts_over, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config_file_lines, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config_file_equals_form,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_command_line_after_config_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_and_version_exit_zero,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_option_named,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_value_named, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stray_argument_named,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_id_named, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_netdev_named, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_values_named, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sandbox_options, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctl_path_too_long_named,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_config_named,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_config_unknown_option_has_file_and_line, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_config_value_missing_has_file_and_line, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_config_bad_value_named,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_loop_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_runtime_options_kept_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_runtime_option_errors_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_default, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_default_sockets_by_user,
						setup, teardown),
	};

	/* Option parsing needs no EAL and no mbufs: no group fixture. */
	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
