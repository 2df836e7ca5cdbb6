// SPDX-License-Identifier: BSD-3-Clause
/* tap_bpf.c - load and attach the tap ports' BPF programs
 *
 * The programs (tap_steer.bpf.c, tap_filter.bpf.c) are compiled with
 * clang -target bpf and wrapped into libbpf skeletons by bpftool at build
 * time. Each tap port loads its own copy - the filter's allowed MAC is
 * written into the program's read-only data before loading - and attaches
 * it to the tap with TUNSETSTEERINGEBPF / TUNSETFILTEREBPF. Loading needs
 * CAP_BPF (or root) and a kernel with these ioctls; when it fails, the
 * caller carries on without the program and says so once (a load refused
 * with EPERM names CAP_BPF).
 */
#include "tap_bpf.h"

#include <errno.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <bpf/libbpf.h>

#include "tap_filter.skel.h"
#include "tap_steer.skel.h"

/**
 * struct tap_bpf - a loaded program of one tap port
 * @steer:	the steering skeleton, or NULL
 * @filter:	the filter skeleton, or NULL
 */
struct tap_bpf {
	struct tap_steer *steer;
	struct tap_filter *filter;
};

/**
 * quiet() - libbpf's print callback: keep libbpf quiet, callers report
 */
static int quiet(enum libbpf_print_level level, const char *fmt,
		 va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

/**
 * cap_hint() - what a load refused with @err lacked
 * @err:	errno of the load
 *
 * Return: " (needs CAP_BPF)" for EPERM, else ""
 */
static const char *cap_hint(int err)
{
	return err == EPERM ? " (needs CAP_BPF)" : "";
}

/**
 * attach() - attach a loaded program to a tap with @request
 * @tapfd:	one of the tap's queue fds
 * @request:	TUNSETSTEERINGEBPF or TUNSETFILTEREBPF
 * @prog_fd:	program fd
 * @why:	message buffer
 * @len:	its size
 *
 * Return: 0, or -errno with a message
 */
static int attach(int tapfd, unsigned long request, int prog_fd, char *why,
		  size_t len)
{
	if (!ioctl(tapfd, request, &prog_fd))
		return 0;
	snprintf(why, len, "%s: %s",
		 request == TUNSETSTEERINGEBPF ? "TUNSETSTEERINGEBPF" :
						 "TUNSETFILTEREBPF",
		 strerror(errno));
	return -errno;
}

/**
 * tap_bpf_steer() - load the flow-steering program and attach it
 * @tapfd:	one of the tap's queue fds
 * @out:	the loaded program, to free with tap_bpf_free()
 * @why:	message buffer
 * @len:	its size
 *
 * Return: 0, or -errno with a message
 */
int tap_bpf_steer(int tapfd, struct tap_bpf **out, char *why, size_t len)
{
	struct tap_bpf *b = calloc(1, sizeof(*b));
	int rc;

	libbpf_set_print(quiet);
	if (!b)
		return -ENOMEM;
	b->steer = tap_steer__open_and_load();
	if (!b->steer) {
		rc = -errno;
		snprintf(why, len, "cannot load the steering program: %s%s",
			 strerror(errno), cap_hint(errno));
		goto err;
	}
	rc = attach(tapfd, TUNSETSTEERINGEBPF,
		    bpf_program__fd(b->steer->progs.tap_steer), why, len);
	if (rc)
		goto err;
	*out = b;
	return 0;
err:
	tap_bpf_free(b);
	return rc;
}

/**
 * tap_bpf_filter() - load the anti-spoofing filter for @mac and attach it
 * @tapfd:	one of the tap's queue fds
 * @mac:	the only source MAC the host side may send
 * @out:	the loaded program, to free with tap_bpf_free()
 * @why:	message buffer
 * @len:	its size
 *
 * Return: 0, or -errno with a message
 */
int tap_bpf_filter(int tapfd, const uint8_t mac[6], struct tap_bpf **out,
		   char *why, size_t len)
{
	struct tap_bpf *b = calloc(1, sizeof(*b));
	int rc;

	libbpf_set_print(quiet);
	if (!b)
		return -ENOMEM;
	b->filter = tap_filter__open();
	if (!b->filter) {
		rc = -errno;
		snprintf(why, len, "cannot open the filter program: %s",
			 strerror(errno));
		goto err;
	}
	memcpy((void *)b->filter->rodata->allowed_mac, mac, 6);
	rc = tap_filter__load(b->filter);
	if (rc) {
		snprintf(why, len, "cannot load the filter program: %s%s",
			 strerror(-rc), cap_hint(-rc));
		goto err;
	}
	rc = attach(tapfd, TUNSETFILTEREBPF,
		    bpf_program__fd(b->filter->progs.tap_filter), why, len);
	if (rc)
		goto err;
	*out = b;
	return 0;
err:
	tap_bpf_free(b);
	return rc;
}

/**
 * tap_bpf_free() - unload a program; accepts NULL (the tap keeps no
 * reference once its fds are closed)
 * @b:		program
 */
void tap_bpf_free(struct tap_bpf *b)
{
	if (!b)
		return;
	tap_steer__destroy(b->steer);
	tap_filter__destroy(b->filter);
	free(b);
}
