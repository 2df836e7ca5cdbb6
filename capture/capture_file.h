/* SPDX-License-Identifier: BSD-3-Clause */
/* capture_file.h - pcapng and pcap record encoders for captures */
#ifndef VIOSWITCH_CAPTURE_FILE_H
#define VIOSWITCH_CAPTURE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

/* epb_flags direction bits (pcapng, section 4.3.1) */
#define CAPFILE_INBOUND	 1u
#define CAPFILE_OUTBOUND 2u

/**
 * struct capfile_buf - an output buffer records are appended to
 * @data:	bytes
 * @len:	bytes used
 * @cap:	bytes allocated
 */
struct capfile_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

/**
 * struct capfile_ifstats - one interface's statistics for an ISB
 * @start_ns:	capture start, ns since the epoch
 * @recv:	frames the filter saw on the interface
 * @drop:	matching frames lost (ring or buffer full)
 * @accept:	frames the filter accepted
 * @deliv:	frames written
 */
struct capfile_ifstats {
	uint64_t start_ns;
	uint64_t recv;
	uint64_t drop;
	uint64_t accept;
	uint64_t deliv;
};

int capfile_shb(struct capfile_buf *b, const char *appl);
int capfile_idb(struct capfile_buf *b, const char *name, const char *descr,
		const char *filter, uint32_t snaplen);
int capfile_epb(struct capfile_buf *b, uint32_t ifid, uint64_t ts_ns,
		const struct rte_mbuf *m, uint32_t orig_len, uint32_t flags,
		const char *comment);
int capfile_isb(struct capfile_buf *b, uint32_t ifid, uint64_t ts_ns,
		const struct capfile_ifstats *st);
int capfile_pcap_header(struct capfile_buf *b, uint32_t snaplen);
int capfile_pcap_record(struct capfile_buf *b, uint64_t ts_ns,
			const struct rte_mbuf *m, uint32_t orig_len);

#endif /* VIOSWITCH_CAPTURE_FILE_H */
