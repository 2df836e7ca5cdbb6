/* SPDX-License-Identifier: BSD-3-Clause */
/* cksum.h - Internet checksums over a frame's segments */
#ifndef VIOSWITCH_CKSUM_H
#define VIOSWITCH_CKSUM_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

int cksum_mbuf_raw(const struct rte_mbuf *m, uint32_t off, uint32_t len,
		   uint16_t *sum);
uint16_t cksum_ipv4_l4(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		       uint32_t l4_off);
uint16_t cksum_ipv6_l4(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip,
		       uint32_t l4_off);
bool cksum_ipv4_l4_ok(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
		      uint32_t l4_off);

#endif /* VIOSWITCH_CKSUM_H */
