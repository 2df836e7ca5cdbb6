/* SPDX-License-Identifier: BSD-3-Clause */
/* capture_output.h - a capture writer's state and where it puts its bytes */
#ifndef VIOSWITCH_CAPTURE_OUTPUT_H
#define VIOSWITCH_CAPTURE_OUTPUT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "capture_file.h"
#include "capture_session.h"

#define WRITER_BUF	  (512u << 10)
#define BLOCK_MAX(caplen) ((size_t)(caplen) + 4096) /* with all options */
#define ISB_MAX		  128 /* an interface statistics block */
#define STOP_GRACE_NS	  1000000000LL /* a stuck stream, when stopped */
#define SHUTDOWN_GRACE_NS 200000000LL /* ... when the switch stops */

/**
 * struct cap_iface - an interface of the pcapng section
 * @port:	port index
 * @name:	port id
 */
struct cap_iface {
	uint16_t port;
	char name[PORT_ID_MAX];
};

/**
 * struct cap_writer - state of a writer thread
 * @fd:		output
 * @stream:	@fd came from the user (no rotation, never reopened)
 * @evfd:	the control thread's event fd, written when done
 * @wakefd:	eventfd the control thread writes to end the writer's sleep
 * @buf:	encoded records not yet written
 * @file_bytes:	bytes of the current file, buffered ones included
 * @file_no:	number of the current file when rotating
 * @files:	files opened
 * @n_if:	interfaces in the current section
 * @ifs:	those interfaces, in id order
 * @deadline_ns: end of the capture by --duration (monotonic), 0 for none
 * @stop:	set by the control thread: drain and close
 * @stop_ns:	when @stop was seen (monotonic), for the stream grace
 * @grace_ns:	how long a stream's reader may then take the rest
 * @done:	the capture ended itself; later records are discarded
 * @reason:	why (valid once @done is set)
 * @written:	frames written
 * @not_taken:	frames that reached the writer after the capture had ended
 *		itself (count or duration reached, reader gone, write error)
 *		or that could not be encoded: neither written nor dropped
 * @bytes:	bytes written to files
 * @port_written: frames written, per port index
 * @path:	current file, or "-" for a stream
 */
struct cap_writer {
	int fd;
	bool stream;
	int evfd;
	int wakefd;
	struct capfile_buf buf;
	uint64_t file_bytes;
	uint32_t file_no;
	uint32_t files;
	uint32_t n_if;
	struct cap_iface ifs[PORT_TABLE_MAX];
	int64_t deadline_ns;
	int stop;
	int64_t stop_ns;
	int64_t grace_ns;
	int done;
	char reason[CAP_REASON_MAX];
	uint64_t written;
	uint64_t not_taken;
	uint64_t bytes;
	uint64_t port_written[PORT_TABLE_MAX];
	char path[PATH_MAX];
};

void cap_out_end(struct cap_writer *w, const char *reason);
int cap_out_flush(struct cap_writer *w);
int cap_out_room(struct cap_writer *w, size_t need);
int cap_out_added(struct cap_writer *w, size_t before, int rc);
void cap_out_close(struct cap_session *s);
int cap_out_iface(struct cap_session *s, const char *name);
int cap_out_section(struct cap_session *s);
int cap_out_open(struct cap_session *s, uint32_t no, char *err, size_t errlen);
int cap_out_rotate(struct cap_session *s);

#endif /* VIOSWITCH_CAPTURE_OUTPUT_H */
