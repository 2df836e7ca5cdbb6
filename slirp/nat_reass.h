/* SPDX-License-Identifier: BSD-3-Clause */
/* nat_reass.h - the NAT reassembles guests' IPv4 fragments itself */
#ifndef VIOSWITCH_NAT_REASS_H
#define VIOSWITCH_NAT_REASS_H

#include <stdint.h>

#include <jansson.h>
#include <rte_mbuf.h>

#define NAT_REASS_MAX 16 /* datagrams being reassembled at once */
#define NAT_REASS_MS  15000 /* time a datagram has to complete */

struct nat_reass;

struct nat_reass *nat_reass_new(uint32_t max_len);
void nat_reass_free(struct nat_reass *r);
struct rte_mbuf *nat_reass_input(struct nat_reass *r, struct rte_mbuf *m,
				 int64_t now);
json_t *nat_reass_stats(const struct nat_reass *r);

#endif /* VIOSWITCH_NAT_REASS_H */
