/* SPDX-License-Identifier: BSD-3-Clause */
/* hostfwd_tcp.h - the NAT's own TCP: hostfwd to IPv4 guests and guests' IPv4
 * connections, without libslirp's stack
 */
#ifndef VIOSWITCH_HOSTFWD_TCP_H
#define VIOSWITCH_HOSTFWD_TCP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <jansson.h>
#include <rte_mbuf.h>

struct slirp_port;
struct hostfwd_tcp;

struct hostfwd_tcp *hostfwd_tcp_new(struct slirp_port *sp);
void hostfwd_tcp_free(struct hostfwd_tcp *ht);
int hostfwd_tcp_listen(struct hostfwd_tcp *ht, const struct sockaddr *host,
		       socklen_t host_len, const struct sockaddr_in *guest);
int hostfwd_tcp_unlisten(struct hostfwd_tcp *ht, const struct sockaddr *host,
			 socklen_t host_len);
void hostfwd_tcp_pollfds(struct hostfwd_tcp *ht, uint32_t *timeout_ms);
unsigned int hostfwd_tcp_poll(struct hostfwd_tcp *ht);
bool hostfwd_tcp_input(struct hostfwd_tcp *ht, const struct rte_mbuf *m);
json_t *hostfwd_tcp_stats(const struct hostfwd_tcp *ht);

#endif /* VIOSWITCH_HOSTFWD_TCP_H */
