// SPDX-License-Identifier: BSD-3-Clause
/* tap_relay.c - the floor of any userspace switch between two taps
 *
 * Usage: tap_relay IFNAME_A IFNAME_B
 *
 * Opens two taps the way the switch does (IFF_VNET_HDR, checksum and TSO
 * offloads, so 64 KB super-frames cross whole) and copies every frame read
 * on one to the other: one read() and one write() per frame, no learning,
 * no mbufs, nothing else. Whatever it reaches is the most a userspace
 * switch on tap devices can reach on this machine, because the bytes are
 * copied twice in here (tun to user, user to tun) on top of the two copies
 * of the sending and receiving sockets. Prints "ready" once both taps
 * exist; runs until killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/**
 * tap_open() - create tap @name with a virtio-net header and offloads
 * @name:	interface name
 *
 * Return: the non-blocking tap fd; exits with a message on failure
 */
static int tap_open(const char *name)
{
	unsigned int offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	int hdrsz = 12;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) ||
	    ioctl(fd, TUNSETVNETHDRSZ, &hdrsz) ||
	    ioctl(fd, TUNSETOFFLOAD, offloads)) {
		fprintf(stderr, "tap_relay: tap %s: %s\n", name,
			strerror(errno));
		exit(1);
	}
	return fd;
}

/**
 * relay() - copy up to 64 waiting frames from @from to @to
 * @from:	tap fd to read
 * @to:		tap fd to write
 * @buf:	frame buffer, 64 KB plus the header
 * @size:	its size
 */
static void relay(int from, int to, char *buf, size_t size)
{
	for (int n = 0; n < 64; n++) {
		ssize_t len = read(from, buf, size);

		if (len <= 0 || write(to, buf, len) < 0)
			return;
	}
}

int main(int argc, char **argv)
{
	static char buf[65536 + 64];
	int a, b;

	if (argc != 3) {
		fprintf(stderr, "usage: tap_relay IFNAME_A IFNAME_B\n");
		return 2;
	}
	a = tap_open(argv[1]);
	b = tap_open(argv[2]);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = { { .fd = a, .events = POLLIN },
				       { .fd = b, .events = POLLIN } };

		if (poll(p, 2, -1) < 0)
			return 1;
		relay(a, b, buf, sizeof(buf));
		relay(b, a, buf, sizeof(buf));
	}
}
