/* SPDX-License-Identifier: BSD-3-Clause */
/* nat_udp.h - guests' IPv4 UDP flows on the NAT's own sockets, past
 * libslirp
 */
#ifndef VIOSWITCH_NAT_UDP_H
#define VIOSWITCH_NAT_UDP_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_mbuf.h>

struct slirp_port;
struct nat_udp;

struct nat_udp *nat_udp_new(struct slirp_port *sp);
void nat_udp_free(struct nat_udp *nu);
bool nat_udp_input(struct nat_udp *nu, const struct rte_mbuf *m);
void nat_udp_pollfds(struct nat_udp *nu, uint32_t *timeout_ms);
unsigned int nat_udp_poll(struct nat_udp *nu);
void nat_udp_fwd_set(struct nat_udp *nu, uint32_t gip, uint16_t gport,
		     bool add);
json_t *nat_udp_stats(const struct nat_udp *nu);

#endif /* VIOSWITCH_NAT_UDP_H */
