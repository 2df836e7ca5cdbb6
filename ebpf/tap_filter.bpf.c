// SPDX-License-Identifier: BSD-3-Clause
/* tap_filter.bpf.c - in-kernel anti-spoofing filter for a tap port
 *
 * Attached with TUNSETFILTEREBPF. The kernel runs it on every frame the
 * host side sends into the tap, before the switch reads it: a frame whose
 * source MAC is not the tap interface's own is dropped there (the kernel
 * counts it in the interface's TX dropped). The loader writes the allowed
 * MAC into allowed_mac before loading.
 */
#include <linux/bpf.h>

#include <bpf/bpf_helpers.h>

const volatile unsigned char allowed_mac[6] = { 0 };

/**
 * tap_filter() - the filter program
 * @skb:	frame the host sends into the tap
 *
 * Return: its length to pass it, 0 to drop it
 */
SEC("socket")
int tap_filter(struct __sk_buff *skb)
{
	unsigned char src[6];

	if (bpf_skb_load_bytes(skb, 6, src, sizeof(src)))
		return 0;
	for (int i = 0; i < 6; i++) {
		if (src[i] != allowed_mac[i])
			return 0;
	}
	return (int)skb->len;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
