/* SPDX-License-Identifier: BSD-3-Clause */
/* tap_bpf.h - load and attach the tap ports' BPF programs */
#ifndef VIOSWITCH_TAP_BPF_H
#define VIOSWITCH_TAP_BPF_H

#include <stddef.h>
#include <stdint.h>

struct tap_bpf;

int tap_bpf_steer(int tapfd, struct tap_bpf **out, char *why, size_t len);
int tap_bpf_filter(int tapfd, const uint8_t mac[6], struct tap_bpf **out,
		   char *why, size_t len);
void tap_bpf_free(struct tap_bpf *b);

#endif /* VIOSWITCH_TAP_BPF_H */
