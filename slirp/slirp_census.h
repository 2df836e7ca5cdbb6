/* SPDX-License-Identifier: BSD-3-Clause */
/* slirp_census.h - caps on the sockets libslirp opens for guests, from a
 * census of its connections
 */
#ifndef VIOSWITCH_SLIRP_CENSUS_H
#define VIOSWITCH_SLIRP_CENSUS_H

#include <stdbool.h>

#include <rte_mbuf.h>

struct slirp_port;
struct slirp_census;

struct slirp_census *slirp_census_new(struct slirp_port *sp);
void slirp_census_free(struct slirp_census *sc);
bool slirp_census_admit(struct slirp_census *sc, const struct rte_mbuf *m);
void slirp_census_tick(struct slirp_census *sc);

#endif /* VIOSWITCH_SLIRP_CENSUS_H */
