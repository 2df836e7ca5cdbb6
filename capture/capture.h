/* SPDX-License-Identifier: BSD-3-Clause */
/* capture.h - packet capture and port mirroring: sessions and datapath tap
 *
 * A session is a capture (matching frames go to a pcapng/pcap file or
 * stream through a writer thread) or a mirror (matching frames are copied
 * to an output port). The control thread starts and stops sessions and
 * publishes, per port, the list of sessions that watch it (struct
 * cap_hooks, RCU). The datapath reaches cap_tap_burst() through the core's
 * hook (switch/capture_hook.h), which capture.c registers.
 */
#ifndef VIOSWITCH_CAPTURE_H
#define VIOSWITCH_CAPTURE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>
#include <rte_mbuf.h>

#include "capture_hook.h"
#include "forward.h"
#include "port.h"

#define CAP_MAX_PORTS	     16 /* ports named in one session */
#define CAP_MAX_SESSIONS     32 /* captures and mirrors, running or ended */
#define CAP_FILTER_MAX	     1024 /* bytes of a filter expression */
#define CAP_SNAPLEN_MAX	     262144
#define CAP_ROTATE_FILES_MAX 1000

enum cap_kind {
	CAP_KIND_CAPTURE,
	CAP_KIND_MIRROR
};
enum cap_format {
	CAP_FMT_PCAPNG,
	CAP_FMT_PCAP
};

/**
 * struct cap_spec - what a user asked for
 * @kind:	capture or mirror
 * @all_ports:	watch every port (a mirror: every port but its output)
 * @n_ports:	ports named in @ports
 * @ports:	ids of the watched ports
 * @dir:	CAP_DIR_*
 * @filter:	tcpdump expression, empty for every frame
 * @path:	capture file, absolute; empty when writing to @fd
 * @fd:		stream to write to (e.g. vioctl's stdout), or the file
 *		@path as the client opened it (vioctl, so that the file is
 *		the client's own), or -1
 * @format:	pcapng or pcap
 * @snaplen:	longest part of a frame kept
 * @count:	stop after this many frames written, 0: no limit
 * @duration:	stop after this many seconds, 0: no limit
 * @rotate_mb:	start a new file after this many MB, 0: one file
 * @rotate_files: files in the rotation ring, 0: unbounded numbering
 * @dst:	mirror output port
 * @ports_later: the named ports may not exist yet (daemon start: captures
 *		begin before the ports, so they see the first frames)
 * @has_owner:	@uid and @gid are who asked (a control client, SO_PEERCRED):
 *		capture files are given to that user; without, they belong
 *		to the switch's own user
 * @uid:	owner of the capture files
 * @gid:	their group
 */
struct cap_spec {
	enum cap_kind kind;
	bool all_ports;
	unsigned int n_ports;
	char ports[CAP_MAX_PORTS][PORT_ID_MAX];
	uint8_t dir;
	char filter[CAP_FILTER_MAX];
	char path[PATH_MAX];
	int fd;
	enum cap_format format;
	uint32_t snaplen;
	uint64_t count;
	uint32_t duration;
	uint32_t rotate_mb;
	uint32_t rotate_files;
	char dst[PORT_ID_MAX];
	bool ports_later;
	bool has_owner;
	uid_t uid;
	gid_t gid;
};

void cap_spec_init(struct cap_spec *spec, enum cap_kind kind);
int cap_spec_ports(struct cap_spec *spec, const char *list, char *err,
		   size_t errlen);
int cap_spec_dir(struct cap_spec *spec, const char *text, char *err,
		 size_t errlen);
int cap_spec_format(struct cap_spec *spec, const char *text, char *err,
		    size_t errlen);
int cap_spec_number(struct cap_spec *spec, const char *key, const char *text,
		    char *err, size_t errlen);
int cap_spec_rotate(struct cap_spec *spec, const char *text, char *err,
		    size_t errlen);
int cap_spec_check(const struct cap_spec *spec, char *err, size_t errlen);
int cap_spec_parse(struct cap_spec *spec, const char *text, char *err,
		   size_t errlen);
int cap_spec_parse_mirror(struct cap_spec *spec, const char *text, char *err,
			  size_t errlen);
int cap_spec_mirror_text(const struct cap_spec *spec, char *buf, size_t len);

int cap_start(struct cap_spec *spec, char *err, size_t errlen);
int cap_stop(unsigned int id, enum cap_kind kind, json_t **final, char *err,
	     size_t errlen);
json_t *cap_list_json(enum cap_kind kind);
json_t *cap_metrics_json(void);
void cap_reap(void);
int cap_event_fd(void);
void cap_fini(void);

void cap_tap_burst(struct fwd_ctx *ctx, struct port *port,
		   const struct cap_hooks *hooks, uint8_t dir,
		   struct rte_mbuf **pkts, uint16_t n);

#endif /* VIOSWITCH_CAPTURE_H */
