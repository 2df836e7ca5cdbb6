/* SPDX-License-Identifier: BSD-3-Clause */
/* hostfwd.h - QEMU-style hostfwd rules: parse, describe */
#ifndef VIOSWITCH_HOSTFWD_H
#define VIOSWITCH_HOSTFWD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "port.h"

#define HOSTFWD_TEXT_MAX 160

/**
 * struct hostfwd_rule - one forwarding rule
 * @text:	the rule as given, for listing and deleting
 * @udp:	UDP (else TCP)
 * @host:	address and port to listen on (127.0.0.1 when not given)
 * @host_len:	length of @host
 * @guest:	guest address and port; address 0 / :: means the NAT's
 *		first DHCP address
 * @guest_len:	length of @guest
 * @guest_port_id: the guest was named by a switch port id (resolved to
 *		that port's address later), else ""
 * @bound:	listening (a rule naming a port waits for its address)
 * @bound_guest: the IPv4 address a port-named rule forwards to now
 * @port_seen:	a port-named rule's port existed at some point
 * @err:	errno of the last bind that failed, 0 once one succeeds
 * @warned_s:	when a failed bind was last logged (rate limit), seconds
 */
struct hostfwd_rule {
	char text[HOSTFWD_TEXT_MAX];
	bool udp;
	struct sockaddr_storage host;
	socklen_t host_len;
	struct sockaddr_storage guest;
	socklen_t guest_len;
	char guest_port_id[PORT_ID_MAX];
	bool bound;
	struct in_addr bound_guest;
	bool port_seen;
	int err;
	int64_t warned_s;
};

int hostfwd_parse(const char *text, struct hostfwd_rule *rule, char *err,
		  size_t errlen);
void hostfwd_host_str(const struct hostfwd_rule *rule, char *buf, size_t len);
int hostfwd_parse_listen(const char *text, struct hostfwd_rule *rule, char *err,
			 size_t errlen);
bool hostfwd_same_listen(const struct hostfwd_rule *a,
			 const struct hostfwd_rule *b);

#endif /* VIOSWITCH_HOSTFWD_H */
