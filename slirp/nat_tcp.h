/* SPDX-License-Identifier: BSD-3-Clause */
/* nat_tcp.h - the NAT's own TCP: hostfwd to IPv4 guests and guests' IPv4
 * connections, without libslirp's stack
 */
#ifndef VIOSWITCH_NAT_TCP_H
#define VIOSWITCH_NAT_TCP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <jansson.h>
#include <rte_mbuf.h>

struct slirp_port;
struct nat_tcp;

struct nat_tcp *nat_tcp_new(struct slirp_port *sp);
void nat_tcp_free(struct nat_tcp *ht);
int nat_tcp_listen(struct nat_tcp *ht, const struct sockaddr *host,
		   socklen_t host_len, const struct sockaddr_in *guest);
int nat_tcp_unlisten(struct nat_tcp *ht, const struct sockaddr *host,
		     socklen_t host_len);
void nat_tcp_pollfds(struct nat_tcp *ht, uint32_t *timeout_ms);
unsigned int nat_tcp_poll(struct nat_tcp *ht);
bool nat_tcp_input(struct nat_tcp *ht, const struct rte_mbuf *m);
json_t *nat_tcp_stats(const struct nat_tcp *ht);

#endif /* VIOSWITCH_NAT_TCP_H */
