/* SPDX-License-Identifier: BSD-3-Clause */
/* vxlan.h - VXLAN tunnel ports (RFC 7348): state shared by their files */
#ifndef VIOSWITCH_VXLAN_H
#define VIOSWITCH_VXLAN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <rte_mbuf.h>
#include <rte_spinlock.h>

#include "port.h"

#define VXLAN_PORT_IANA	   4789
#define VXLAN_HDR_LEN	   8
#define VXLAN_FLAG_I	   0x08 /* the VNI is valid: the only flag we know */
#define VXLAN_OVERHEAD4	   50 /* Ethernet + IPv4 + UDP + VXLAN headers */
#define VXLAN_OVERHEAD6	   70 /* Ethernet + IPv6 + UDP + VXLAN headers */
#define VXLAN_REMOTES_MAX  4096 /* configured, learned and static remotes */
#define VXLAN_REMOTE_SLOTS (2 * VXLAN_REMOTES_MAX) /* their hash table */
#define VXLAN_REMOTES_SCAN 8 /* up to this many, a scan beats the hash */
#define VXLAN_SRCPORTS_MAX 256 /* sockets of the srcport= range */
#define VXLAN_MSGS	   128 /* messages per sendmmsg() batch */
#define VXLAN_IOV	   17 /* VXLAN header and up to 16 mbuf segments */
#define VXLAN_IOVS	   2048 /* vectors of one batch's messages */
#define VXLAN_GSO_SEGS	   64 /* datagrams in one UDP_SEGMENT train */
#define VXLAN_GSO_BYTES	   65000 /* bytes in one UDP_SEGMENT train */
#define VXLAN_LRO_SEGS	   48 /* TCP segments merged into one super-frame */
#define VXLAN_TSO_HDR_MAX  128 /* headers of a frame cut or checksummed */
#define VXLAN_TSO_HDRS	   512 /* header copies of one batch */

/* X(ENUM, "name", "what it means"): datagrams dropped before they became
 * frames of the switch (decapsulation), so not in the port's rx_packets.
 */
#define VXLAN_DROPS(X)                                                         \
	X(SHORT, "short", "shorter than a VXLAN and an Ethernet header")       \
	X(BAD_FLAGS, "bad_flags",                                              \
	  "VXLAN flags other than I, or reserved bits set")                    \
	X(BAD_VNI, "bad_vni", "VNI not the port's vni=")                       \
	X(UNKNOWN_REMOTE, "unknown_remote",                                    \
	  "sender not a known remote and learning=off")                        \
	X(REMOTES_FULL, "remotes_full",                                        \
	  "new sender, but the port knows as many remotes as it may")          \
	X(TOO_LONG, "too_long", "longer than the port's receive buffers")      \
	X(RX_ERROR, "rx_error", "the socket reported an error")                \
	X(NOMEM, "nomem", "no mbuf to receive into")

#define X_ENUM(e, name, doc) VXLAN_DROP_##e,
enum vxlan_drop {
	VXLAN_DROPS(X_ENUM) VXLAN_DROP__MAX
};
#undef X_ENUM

extern const char *const vxlan_drop_names[VXLAN_DROP__MAX];

/**
 * union vxlan_addr - an IPv4 or IPv6 socket address
 * @sa:		generic view
 * @v4:		IPv4
 * @v6:		IPv6
 */
union vxlan_addr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/**
 * struct vxlan_remote_tx - what one tx queue sent to one remote
 * @packets:	frames
 * @bytes:	their bytes (inner frames)
 */
struct vxlan_remote_tx {
	uint64_t packets;
	uint64_t bytes;
};

/**
 * struct vxlan_remote - one remote VTEP
 * @addr:	its address, port dstport=
 * @flood:	a remote= of the port: gets every flooded frame
 * @rx_packets:	frames received from it (written by the rx queue's thread)
 * @rx_bytes:	their bytes
 * @tx:		frames sent to it, per tx queue
 */
struct vxlan_remote {
	union vxlan_addr addr;
	bool flood;
	uint64_t rx_packets;
	uint64_t rx_bytes;
	struct vxlan_remote_tx tx[PORT_MAX_QUEUES];
};

/**
 * union vxlan_cmsg - room for one UDP_SEGMENT control message
 * @buf:	the bytes
 * @align:	alignment
 */
union vxlan_cmsg {
	char buf[CMSG_SPACE(sizeof(uint16_t))];
	struct cmsghdr align;
};

/**
 * struct vxlan_txq - one tx queue's message batch; a message is one
 * datagram or a UDP_SEGMENT train of datagrams of one size
 * @n:		messages built
 * @n_iov:	vectors used
 * @sock:	per message, the index of the source port socket
 * @remote:	per message, the remote index
 * @segs:	per message, datagrams
 * @seg_len:	per message, the size of each datagram but the last
 * @len:	per message, bytes of all its datagrams
 * @open:	per message, a train that may take another datagram
 * @trains:	UDP_SEGMENT trains sent
 * @train_segs:	datagrams in them
 * @msgs:	messages
 * @cmsg:	their UDP_SEGMENT control messages
 * @iov:	their vectors: per datagram, the VXLAN header and the
 *		frame's segments (or a header copy and payload pieces)
 * @n_hdrs:	header copies used
 * @hdrs:	header copies of segments cut or checksummed here
 *		(vxlan_tso.c)
 */
struct vxlan_txq {
	unsigned int n;
	unsigned int n_iov;
	uint16_t sock[VXLAN_MSGS];
	uint16_t remote[VXLAN_MSGS];
	uint16_t segs[VXLAN_MSGS];
	uint16_t seg_len[VXLAN_MSGS];
	uint32_t len[VXLAN_MSGS];
	bool open[VXLAN_MSGS];
	uint64_t trains;
	uint64_t train_segs;
	struct mmsghdr msgs[VXLAN_MSGS];
	union vxlan_cmsg cmsg[VXLAN_MSGS];
	struct iovec iov[VXLAN_IOVS];
	unsigned int n_hdrs;
	uint8_t hdrs[VXLAN_TSO_HDRS][VXLAN_TSO_HDR_MAX];
};

/**
 * union vxlan_gro_cmsg - room for one UDP_GRO control message
 * @buf:	the bytes
 * @align:	alignment
 */
union vxlan_gro_cmsg {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

/**
 * struct vxlan_lro_seg - a TCP segment's headers, as vxlan_lro.c reads them
 * @hdr_len:	Ethernet, IP and TCP headers
 * @l3_len:	IP header
 * @payload:	TCP payload bytes
 * @seq:	sequence number
 * @v4:		IPv4, else IPv6
 * @psh:	PSH set
 */
struct vxlan_lro_seg {
	uint16_t hdr_len;
	uint16_t l3_len;
	uint16_t payload;
	uint32_t seq;
	bool v4;
	bool psh;
};

/**
 * struct vxlan_lro - the super-frame being merged from a train's segments
 * @head:	its first frame, NULL when none
 * @tail:	its last mbuf
 * @first:	@head's headers, once @parsed
 * @next_seq:	the sequence number a segment must have to join
 * @segs:	segments merged
 * @parsed:	@first is filled (done when a second frame comes)
 * @open:	more segments may join
 * @full:	every segment so far carried @first's payload size
 * @merged:	super-frames made
 * @merged_segs: segments in them
 */
struct vxlan_lro {
	struct rte_mbuf *head;
	struct rte_mbuf *tail;
	struct vxlan_lro_seg first;
	uint32_t next_seq;
	uint16_t segs;
	bool parsed;
	bool open;
	bool full;
	uint64_t merged;
	uint64_t merged_segs;
};

/**
 * struct vxlan_rxq - receive buffers
 * @head:	spare mbuf per message (with UDP_GRO: a jumbo one, whole)
 * @tail:	spare jumbo mbuf per message, for frames longer than @head
 *		holds (only without UDP_GRO, when the port's MTU needs them)
 * @hdr:	VXLAN header per message (without UDP_GRO)
 * @from:	sender per message
 * @cmsg:	UDP_GRO control message per message
 * @msgs:	messages
 * @iov:	their vectors
 * @n_msgs:	with UDP_GRO: messages of the last recvmmsg()
 * @msg:	the first of them not split into frames yet
 * @off:	where its next datagram starts
 * @gro_buffers: buffers that held several datagrams
 * @gro_datagrams: datagrams in them
 * @lro:	TCP segments of a train being merged (vxlan_lro.c)
 */
struct vxlan_rxq {
	struct rte_mbuf *head[PORT_BURST];
	struct rte_mbuf *tail[PORT_BURST];
	uint8_t hdr[PORT_BURST][VXLAN_HDR_LEN];
	union vxlan_addr from[PORT_BURST];
	union vxlan_gro_cmsg cmsg[PORT_BURST];
	struct mmsghdr msgs[PORT_BURST];
	struct iovec iov[PORT_BURST][3];
	unsigned int n_msgs;
	unsigned int msg;
	uint32_t off;
	uint64_t gro_buffers;
	uint64_t gro_datagrams;
	struct vxlan_lro lro;
};

/**
 * struct vxlan_port - one VXLAN port
 * @port:	generic port, first
 * @vni:	VXLAN network identifier
 * @hdr:	the VXLAN header every frame is sent with
 * @family:	AF_INET or AF_INET6: the underlay
 * @local:	local address and dstport=: the receive socket's
 * @dstport:	UDP port of every VTEP, host order
 * @srcport_min: lowest outer UDP source port
 * @n_socks:	source port sockets (srcport= range)
 * @mtu:	inner MTU: longest frame is this plus an Ethernet header
 * @ttl:	outer TTL or hop limit, 0: the kernel's default
 * @tos:	outer TOS or traffic class
 * @df:		outer packets may not be fragmented
 * @udpcsum:	outer UDP checksum on transmit
 * @learning:	learn remotes and MACs from received frames
 * @gso:	send trains with UDP_SEGMENT (cleared if the kernel refuses)
 * @gro:	the receive socket hands over UDP_GRO buffers
 * @rx_fd:	receive socket, bound to @local
 * @tx_fd:	transmit sockets, one per source port
 * @lock:	serializes adding remotes (rx thread, control thread)
 * @n_remotes:	remotes in @remotes (published with release)
 * @flood_end:	one past the last remote= in @remotes
 * @remote_seed: seed of the remotes' hash, random per port
 * @remote_slot: hash table of @remotes by IP address, open addressing:
 *		index + 1 per slot, 0 for an empty one (vxlan_remote.c)
 * @drops:	decapsulation drops (written by the rx queue's thread)
 * @remotes:	remote VTEPs: the remote= list first, then learned ones
 * @rxq:	receive state
 * @txq:	transmit state per queue
 */
struct vxlan_port {
	struct port port;
	uint32_t vni;
	uint8_t hdr[VXLAN_HDR_LEN];
	int family;
	union vxlan_addr local;
	uint16_t dstport;
	uint16_t srcport_min;
	uint16_t n_socks;
	uint32_t mtu;
	uint32_t ttl;
	uint32_t tos;
	bool df;
	bool udpcsum;
	bool learning;
	bool gso;
	bool gro;
	int rx_fd;
	int tx_fd[VXLAN_SRCPORTS_MAX];
	rte_spinlock_t lock;
	uint32_t n_remotes;
	uint32_t flood_end;
	uint32_t remote_seed;
	uint16_t remote_slot[VXLAN_REMOTE_SLOTS];
	uint64_t drops[VXLAN_DROP__MAX];
	struct vxlan_remote remotes[VXLAN_REMOTES_MAX];
	struct vxlan_rxq rxq;
	struct vxlan_txq txq[PORT_MAX_QUEUES];
};

/**
 * vxlan_of() - the VXLAN port containing @port
 * @port:	generic port
 *
 * Return: VXLAN port
 */
static inline struct vxlan_port *vxlan_of(struct port *port)
{
	return (struct vxlan_port *)port;
}

uint16_t vxlan_rx_burst(struct port *port, uint16_t q, struct rte_mbuf **pkts,
			uint16_t max);
uint16_t vxlan_tx_burst(struct port *port, uint16_t q, struct rte_mbuf **pkts,
			uint16_t n);
void vxlan_rx_free(struct vxlan_port *vp);

void vxlan_remotes_init(struct vxlan_port *vp);

uint64_t vxlan_csum_add(const void *p, size_t len, uint64_t sum);
uint16_t vxlan_csum_fold(uint64_t sum);

uint32_t vxlan_tso_segs(const struct rte_mbuf *m);
unsigned int vxlan_tso_build(const struct rte_mbuf *m, uint32_t i, uint8_t *hdr,
			     struct iovec *iov, unsigned int max,
			     uint32_t *len);

void vxlan_lro_start(struct vxlan_lro *l, struct rte_mbuf *m);
bool vxlan_lro_join(struct vxlan_lro *l, struct rte_mbuf *m);
void vxlan_lro_end(struct vxlan_lro *l);

int vxlan_remote_find(const struct vxlan_port *vp,
		      const union vxlan_addr *addr);
int vxlan_remote_add(struct vxlan_port *vp, const union vxlan_addr *addr,
		     bool flood);
bool vxlan_addr_same_ip(const union vxlan_addr *a, const union vxlan_addr *b);

uint32_t vxlan_flow_hash(const struct rte_mbuf *m);
int vxlan_decap_check(const struct vxlan_port *vp, const uint8_t *hdr,
		      size_t len);

#endif /* VIOSWITCH_VXLAN_H */
