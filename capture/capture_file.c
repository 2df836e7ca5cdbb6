// SPDX-License-Identifier: BSD-3-Clause
/* capture_file.c - pcapng and pcap record encoders for captures
 *
 * Theory of operation
 * -------------------
 * Each function appends one whole block (pcapng) or record (pcap) to a
 * buffer, or nothing and -ENOSPC when it does not fit, so the writer can
 * flush and retry. Blocks are written in host byte order with the byte-order
 * magic in the section header, as every pcapng writer does. Timestamps are
 * nanoseconds since the epoch: the interface blocks say so (if_tsresol 9),
 * the pcap header uses the nanosecond magic 0xa1b23c4d.
 *
 * Formats: pcapng as in draft-ietf-opsawg-pcapng (section header, interface
 * description, enhanced packet and interface statistics blocks); pcap as
 * libpcap writes it, with nanosecond resolution.
 */
#include "capture_file.h"

#include <errno.h>
#include <string.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_ISB 0x00000005u
#define BT_EPB 0x00000006u

#define OPT_END	    0
#define OPT_COMMENT 1
/* SHB */
#define OPT_SHB_USERAPPL 4
/* IDB */
#define OPT_IF_NAME    2
#define OPT_IF_DESCR   3
#define OPT_IF_TSRESOL 9
#define OPT_IF_FILTER  11
/* EPB */
#define OPT_EPB_FLAGS 2
/* ISB */
#define OPT_ISB_START	 2
#define OPT_ISB_END	 3
#define OPT_ISB_IFRECV	 4
#define OPT_ISB_IFDROP	 5
#define OPT_ISB_ACCEPT	 6
#define OPT_ISB_USRDELIV 8

#define LINKTYPE_ETHERNET 1
#define OPT_TEXT_MAX	  1024 /* longest text option we write */

/**
 * pad4() - @n rounded up to a multiple of four
 * @n:		length
 *
 * Return: padded length
 */
static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/**
 * put() - append bytes; the caller checked the room
 * @p:		write position, advanced
 * @src:	bytes
 * @len:	count
 */
static void put(uint8_t **p, const void *src, size_t len)
{
	memcpy(*p, src, len);
	*p += len;
}

/**
 * put32() - append a 32-bit value in host order
 * @p:		write position, advanced
 * @v:		value
 */
static void put32(uint8_t **p, uint32_t v)
{
	put(p, &v, 4);
}

/**
 * opt_len() - bytes an option with a @len-byte value takes
 * @len:	value length
 *
 * Return: bytes, padding included
 */
static size_t opt_len(size_t len)
{
	return 4 + pad4(len);
}

/**
 * put_opt() - append an option, padded to four bytes
 * @p:		write position, advanced
 * @code:	option code
 * @val:	value
 * @len:	its length
 */
static void put_opt(uint8_t **p, uint16_t code, const void *val, size_t len)
{
	uint16_t hdr[2] = { code, (uint16_t)len };

	put(p, hdr, 4);
	put(p, val, len);
	memset(*p, 0, pad4(len) - len);
	*p += pad4(len) - len;
}

/**
 * put_ts() - append a timestamp as two 32-bit halves, high first
 * @p:		write position, advanced
 * @ns:		nanoseconds
 */
static void put_ts(uint8_t **p, uint64_t ns)
{
	put32(p, (uint32_t)(ns >> 32));
	put32(p, (uint32_t)ns);
}

/**
 * text_len() - length of an optional text option value, bounded
 * @s:		text, may be NULL
 *
 * Return: bytes to write, 0 for no option
 */
static size_t text_len(const char *s)
{
	return s ? strnlen(s, OPT_TEXT_MAX) : 0;
}

/**
 * block_begin() - reserve a block of @len bytes and write its header
 * @b:		buffer
 * @type:	block type
 * @len:	total block length, a multiple of four
 *
 * Return: write position after the header, or NULL if it does not fit
 */
static uint8_t *block_begin(struct capfile_buf *b, uint32_t type, size_t len)
{
	uint8_t *p;

	if (len > UINT32_MAX || b->cap - b->len < len)
		return NULL;
	p = b->data + b->len;
	put32(&p, type);
	put32(&p, (uint32_t)len);
	return p;
}

/**
 * block_end() - write the trailing length and commit the block
 * @b:		buffer
 * @p:		write position: at the trailing length
 * @len:	total block length
 *
 * Return: 0
 */
static int block_end(struct capfile_buf *b, uint8_t *p, size_t len)
{
	put32(&p, (uint32_t)len);
	b->len += len;
	return 0;
}

/**
 * capfile_shb() - append a pcapng section header block
 * @b:		buffer
 * @appl:	writing application, for shb_userappl
 *
 * Return: 0, or -ENOSPC
 */
int capfile_shb(struct capfile_buf *b, const char *appl)
{
	size_t al = text_len(appl);
	/* header 24, options, end of options 4, trailing length 4 */
	size_t len = 24 + (al ? opt_len(al) : 0) + 8;
	int64_t section_len = -1;
	uint16_t ver[2] = { 1, 0 };
	uint32_t end = OPT_END;
	uint8_t *p = block_begin(b, BT_SHB, len);

	if (!p)
		return -ENOSPC;
	put32(&p, 0x1A2B3C4Du);
	put(&p, ver, 4);
	put(&p, &section_len, 8);
	if (al)
		put_opt(&p, OPT_SHB_USERAPPL, appl, al);
	put32(&p, end);
	return block_end(b, p, len);
}

/**
 * capfile_idb() - append a pcapng interface description block
 * @b:		buffer
 * @name:	interface name (the port id)
 * @descr:	description, may be NULL
 * @filter:	capture filter text, may be NULL
 * @snaplen:	longest captured part of a frame
 *
 * Return: 0, or -ENOSPC
 */
int capfile_idb(struct capfile_buf *b, const char *name, const char *descr,
		const char *filter, uint32_t snaplen)
{
	size_t nl = text_len(name), dl = text_len(descr), fl = text_len(filter);
	/* header 16, if_tsresol, end of options 4, trailing length 4 */
	size_t len = 16 + opt_len(1) + 8;
	uint16_t lt[2] = { LINKTYPE_ETHERNET, 0 };
	uint8_t tsresol = 9, fbuf[OPT_TEXT_MAX + 1];
	uint8_t *p;

	len += (nl ? opt_len(nl) : 0) + (dl ? opt_len(dl) : 0) +
	       (fl ? opt_len(fl + 1) : 0);
	p = block_begin(b, BT_IDB, len);
	if (!p)
		return -ENOSPC;
	put(&p, lt, 4);
	put32(&p, snaplen);
	if (nl)
		put_opt(&p, OPT_IF_NAME, name, nl);
	if (dl)
		put_opt(&p, OPT_IF_DESCR, descr, dl);
	put_opt(&p, OPT_IF_TSRESOL, &tsresol, 1);
	if (fl) {
		fbuf[0] = 0; /* libpcap filter string */
		memcpy(fbuf + 1, filter, fl);
		put_opt(&p, OPT_IF_FILTER, fbuf, fl + 1);
	}
	put32(&p, OPT_END);
	return block_end(b, p, len);
}

/**
 * put_data() - append @caplen bytes of @m, then padding to four bytes
 * @p:		write position, advanced
 * @m:		frame
 * @caplen:	bytes to copy, at most @m->pkt_len
 */
static void put_data(uint8_t **p, const struct rte_mbuf *m, uint32_t caplen)
{
	uint32_t left = caplen;

	for (; m && left; m = m->next) {
		uint32_t n = RTE_MIN(left, (uint32_t)m->data_len);

		put(p, rte_pktmbuf_mtod(m, const void *), n);
		left -= n;
	}
	memset(*p, 0, pad4(caplen) - caplen);
	*p += pad4(caplen) - caplen;
}

/**
 * capfile_epb() - append a pcapng enhanced packet block
 * @b:		buffer
 * @ifid:	interface id (order of its IDB in the section)
 * @ts_ns:	timestamp, ns since the epoch
 * @m:		captured bytes (possibly shorter than the frame)
 * @orig_len:	length of the frame on the wire
 * @flags:	epb_flags (CAPFILE_INBOUND/OUTBOUND), 0 for none
 * @comment:	opt_comment text, may be NULL
 *
 * Return: 0, or -ENOSPC
 */
int capfile_epb(struct capfile_buf *b, uint32_t ifid, uint64_t ts_ns,
		const struct rte_mbuf *m, uint32_t orig_len, uint32_t flags,
		const char *comment)
{
	uint32_t caplen = m->pkt_len;
	size_t cl = text_len(comment);
	/* header 28, data, options, end of options 4, trailing length 4 */
	size_t len = 28 + pad4(caplen) + (flags ? opt_len(4) : 0) +
		     (cl ? opt_len(cl) : 0) + 8;
	uint8_t *p = block_begin(b, BT_EPB, len);

	if (!p)
		return -ENOSPC;
	put32(&p, ifid);
	put_ts(&p, ts_ns);
	put32(&p, caplen);
	put32(&p, orig_len);
	put_data(&p, m, caplen);
	if (cl)
		put_opt(&p, OPT_COMMENT, comment, cl);
	if (flags)
		put_opt(&p, OPT_EPB_FLAGS, &flags, 4);
	put32(&p, OPT_END);
	return block_end(b, p, len);
}

/**
 * capfile_isb() - append a pcapng interface statistics block
 * @b:		buffer
 * @ifid:	interface id
 * @ts_ns:	when the statistics were taken, ns since the epoch
 * @st:		statistics
 *
 * Return: 0, or -ENOSPC
 */
int capfile_isb(struct capfile_buf *b, uint32_t ifid, uint64_t ts_ns,
		const struct capfile_ifstats *st)
{
	/* header 20, six 8-byte options, end of options 4, trailing 4 */
	size_t len = 20 + 6 * opt_len(8) + 8;
	uint32_t ts[2];
	uint8_t *p = block_begin(b, BT_ISB, len);

	if (!p)
		return -ENOSPC;
	put32(&p, ifid);
	put_ts(&p, ts_ns);
	ts[0] = (uint32_t)(st->start_ns >> 32);
	ts[1] = (uint32_t)st->start_ns;
	put_opt(&p, OPT_ISB_START, ts, 8);
	ts[0] = (uint32_t)(ts_ns >> 32);
	ts[1] = (uint32_t)ts_ns;
	put_opt(&p, OPT_ISB_END, ts, 8);
	put_opt(&p, OPT_ISB_IFRECV, &st->recv, 8);
	put_opt(&p, OPT_ISB_IFDROP, &st->drop, 8);
	put_opt(&p, OPT_ISB_ACCEPT, &st->accept, 8);
	put_opt(&p, OPT_ISB_USRDELIV, &st->deliv, 8);
	put32(&p, OPT_END);
	return block_end(b, p, len);
}

/**
 * capfile_pcap_header() - append a pcap file header, nanosecond resolution
 * @b:		buffer
 * @snaplen:	longest captured part of a frame
 *
 * Return: 0, or -ENOSPC
 */
int capfile_pcap_header(struct capfile_buf *b, uint32_t snaplen)
{
	uint16_t ver[2] = { 2, 4 };
	uint8_t *p;

	if (b->cap - b->len < 24)
		return -ENOSPC;
	p = b->data + b->len;
	put32(&p, 0xA1B23C4Du);
	put(&p, ver, 4);
	put32(&p, 0); /* thiszone */
	put32(&p, 0); /* sigfigs */
	put32(&p, snaplen);
	put32(&p, LINKTYPE_ETHERNET);
	b->len += 24;
	return 0;
}

/**
 * capfile_pcap_record() - append a pcap record
 * @b:		buffer
 * @ts_ns:	timestamp, ns since the epoch
 * @m:		captured bytes
 * @orig_len:	length of the frame on the wire
 *
 * Return: 0, or -ENOSPC
 */
int capfile_pcap_record(struct capfile_buf *b, uint64_t ts_ns,
			const struct rte_mbuf *m, uint32_t orig_len)
{
	uint32_t caplen = m->pkt_len;
	uint8_t *p;

	if (b->cap - b->len < 16 + (size_t)caplen)
		return -ENOSPC;
	p = b->data + b->len;
	put32(&p, (uint32_t)(ts_ns / 1000000000u));
	put32(&p, (uint32_t)(ts_ns % 1000000000u));
	put32(&p, caplen);
	put32(&p, orig_len);
	for (const struct rte_mbuf *s = m; s; s = s->next)
		put(&p, rte_pktmbuf_mtod(s, const void *), s->data_len);
	b->len += 16 + caplen;
	return 0;
}
