/* SPDX-License-Identifier: BSD-3-Clause */
/* nat_tcp_conn.h - one spliced TCP connection of the NAT (hostfwd or
 * guest-opened): state, frames
 */
#ifndef VIOSWITCH_NAT_TCP_CONN_H
#define VIOSWITCH_NAT_TCP_CONN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>

struct nat_guest;
struct slirp_port;

#define NAT_TCP_PORT_BASE  49152 /* NAT-side ports the guest sees */
#define NAT_TCP_PORTS	   16384
#define NAT_TCP_MAX_CONNS  4096 /* backstop: nat_limits.c caps them lower */
#define NAT_TCP_TX_MAX	   (1024 * 1024) /* host -> guest in flight */
#define NAT_TCP_RX_BUF	   (1024 * 1024) /* guest -> host, until written */
#define NAT_TCP_RX_RINGS   64 /* rx rings of one NAT at once (64 MB) */
#define NAT_TCP_WSCALE	   7 /* the window scale we offer */
#define NAT_TCP_RTO_MIN_MS 100 /* first retransmission timeout */
#define NAT_TCP_MS	   1000000LL /* nanoseconds in a millisecond */
#define NAT_TCP_SYN_OPTS   8 /* our SYN options: MSS (4), NOP, window scale (3) */
/* Payload of a frame in one 64 KB buffer: headers and SYN options less */
#define NAT_TCP_FRAME_DATA_MAX (UINT16_MAX - RTE_PKTMBUF_HEADROOM - 14 - 40 - 8)
#define NAT_TCP_IP6_EXTRA      20 /* an IPv6 header's bytes beyond IPv4's */

/**
 * struct nat_tcp_stats - counters of one NAT port's spliced connections
 * @accepted:	host connections taken (hostfwd)
 * @opened:	connections guests opened to the NAT host
 * @refused:	connections refused: no room for a host client, or the host
 *		service refused a guest
 * @reset:	connections reset by either side or by a failure
 * @unreachable: guests that did not answer ARP or SYN
 * @retransmits: times data toward a guest was sent again
 * @remote:	connections guests opened to addresses beyond the NAT
 * @icmp:	guests' connections that failed as unreachable: the guest got
 *		an ICMP destination unreachable
 * @timeout:	guests' connections whose host connect() timed out: the
 *		guest got nothing, as from a silent network
 * @keepalive:	guests' keepalive probes answered
 * @ipv6:	connections guests opened over IPv6
 * @ring_denied: guests' segments whose bytes the host socket could not take
 *		at once and that found no rx ring (NAT_TCP_RX_RINGS of them are
 *		in use, or no memory): not acknowledged, so the guest sends
 *		them again
 */
struct nat_tcp_stats {
	uint64_t accepted;
	uint64_t opened;
	uint64_t refused;
	uint64_t reset;
	uint64_t unreachable;
	uint64_t retransmits;
	uint64_t remote;
	uint64_t icmp;
	uint64_t timeout;
	uint64_t keepalive;
	uint64_t ipv6;
	uint64_t ring_denied;
};

/**
 * struct nat_tcp_env - what every connection of a NAT port shares
 * @sp:		NAT port (frames go out on its ring)
 * @jumbo:	64 KB buffers for super-frames, NULL when there are none
 * @mac:	the NAT host's MAC
 * @ip_id:	IPv4 identification of the next frame
 * @no_peek_off: read sent bytes again on every peek, as on kernels without
 *		SO_PEEK_OFF for TCP (before 6.9); for tests, from the
 *		environment variable VIOSWITCH_NO_PEEK_OFF
 * @skip:	where those bytes go, NAT_TCP_TX_MAX of them
 * @rx_rings:	rx rings its connections hold
 * @st:		counters
 */
struct nat_tcp_env {
	struct slirp_port *sp;
	struct rte_mempool *jumbo;
	struct rte_ether_addr mac;
	uint16_t ip_id;
	bool no_peek_off;
	uint8_t *skip;
	unsigned int rx_rings;
	struct nat_tcp_stats st;
};

/**
 * struct nat_tcp_segment - a guest's TCP segment, parsed
 * @smac:	guest MAC
 * @v6:		IPv6: the addresses are @saddr6 and @daddr6, @saddr and
 *		@daddr are 0
 * @saddr:	guest address (network order)
 * @daddr:	destination address (network order)
 * @saddr6:	IPv6 guest address
 * @daddr6:	IPv6 destination address
 * @sport:	guest port (host order)
 * @dport:	NAT-side port (host order)
 * @seq:	sequence number
 * @ack:	acknowledgement number
 * @flags:	TCP flags
 * @wnd:	window field, unscaled
 * @mss:	MSS option, 0 when absent
 * @wscale:	window scale option, -1 when absent
 * @m:		the frame
 * @off:	where the payload starts in it
 * @len:	payload bytes
 */
struct nat_tcp_segment {
	struct rte_ether_addr smac;
	bool v6;
	uint32_t saddr;
	uint32_t daddr;
	uint8_t saddr6[16];
	uint8_t daddr6[16];
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;
	uint16_t wnd;
	uint16_t mss;
	int8_t wscale;
	const struct rte_mbuf *m;
	uint32_t off;
	uint32_t len;
};

enum nat_tcp_state {
	NAT_TCP_ARP, /* asking for the guest's MAC */
	NAT_TCP_SYN_SENT, /* waiting for the guest's SYN-ACK */
	NAT_TCP_CONNECTING, /* the guest's SYN: connecting to the host service */
	NAT_TCP_SYN_RCVD, /* our SYN-ACK sent, waiting for the guest's ACK */
	NAT_TCP_OPEN, /* established, closing included */
};

/**
 * struct nat_tcp_conn - one host socket spliced to a guest's TCP
 * @env:	shared state
 * @hnext:	next in the owner's hash chain (guest-opened connections)
 * @outbound:	opened by the guest (to the NAT host's address or to any
 *		address beyond the NAT), else by a host client through a
 *		hostfwd rule
 * @remote:	guest-opened to an address beyond the NAT (not the host's
 *		loopback)
 * @slot:	its index in the owner's list of connections
 * @rule:	hostfwd: index of the listener that accepted it
 * @rule_gen:	that listener's generation then (a rule removed and another
 *		added in its slot do not share a count)
 * @guest:	guest-opened: the guest it is charged to
 * @fd:		host socket
 * @pidx:	its entry in this iteration's poll set, or -1
 * @state:	enum nat_tcp_state
 * @done:	ended: to be freed by the owner
 * @host_eof:	the host sent FIN: ours follows the last byte it sent
 * @host_data:	the host socket may hold bytes not read yet
 * @host_fin:	the host's FIN is in the socket, behind all its bytes
 * @guest_fin:	the guest's FIN arrived (counted in @rcv_nxt)
 * @host_shut:	shutdown(SHUT_WR) done on the host socket
 * @fin_acked:	the guest acknowledged our FIN
 * @ack_due:	the guest's segment wants an ACK (any frame we send is one)
 * @ws_ok:	both sides scale windows
 * @snd_ws:	the guest's window scale
 * @gmac:	guest MAC
 * @to_port:	the switch port @gmac is bound to: frames toward the guest
 *		go there only (RTE_MBUF_PORT_INVALID: switched by MAC)
 * @v6:		IPv6 (guest-opened only): the addresses are @gip6 and
 *		@rip6, @gip and @rip are 0
 * @gip:	guest address (network order)
 * @rip:	the address the guest talks to (network order): the NAT
 *		host's for hostfwd and the host's loopback, else the remote
 *		host's; our frames come from it
 * @gip6:	IPv6 guest address
 * @rip6:	IPv6 address the guest talks to
 * @gport:	guest port (host order)
 * @nport:	NAT-side port (host order): ours for hostfwd, the service's
 *		for a guest-opened connection
 * @mss:	the guest's MSS
 * @iss:	our initial sequence number
 * @snd_una:	oldest sequence number not acknowledged
 * @snd_nxt:	next sequence number to send
 * @snd_wnd:	bytes the guest accepts from @snd_una on
 * @rcv_nxt:	next sequence number expected from the guest
 * @adv_wnd:	the window (bytes) our last segment offered
 * @dupacks:	duplicate ACKs in a row
 * @retries:	retransmissions without progress
 * @rto_ms:	current retransmission timeout
 * @timer_ns:	when the ARP/SYN/retransmission timer fires, 0 for never
 * @peek_off:	the host socket's SO_PEEK_OFF, -1 when it has none
 * @tx_len:	bytes read from the host socket (and still in it) from
 *		@snd_una on
 * @rx:		guest -> host ring, NAT_TCP_RX_BUF bytes; NULL until the host
 *		socket first leaves bytes to it
 * @rx_head:	ring position of the oldest byte not yet written
 * @rx_len:	bytes in @rx
 */
struct nat_tcp_conn {
	struct nat_tcp_env *env;
	struct nat_tcp_conn *hnext;
	bool outbound;
	bool remote;
	unsigned int slot;
	unsigned int rule;
	uint32_t rule_gen;
	struct nat_guest *guest;
	int fd;
	int pidx;
	uint8_t state;
	bool done;
	bool host_eof;
	bool host_data;
	bool host_fin;
	bool guest_fin;
	bool host_shut;
	bool fin_acked;
	bool ack_due;
	bool ws_ok;
	uint8_t snd_ws;
	struct rte_ether_addr gmac;
	uint16_t to_port;
	bool v6;
	uint32_t gip;
	uint32_t rip;
	uint8_t gip6[16];
	uint8_t rip6[16];
	uint16_t gport;
	uint16_t nport;
	uint16_t mss;
	uint32_t iss;
	uint32_t snd_una;
	uint32_t snd_nxt;
	uint32_t snd_wnd;
	uint32_t rcv_nxt;
	uint32_t adv_wnd;
	uint8_t dupacks;
	uint8_t retries;
	uint32_t rto_ms;
	int64_t timer_ns;
	int32_t peek_off;
	uint32_t tx_len;
	uint8_t *rx;
	uint32_t rx_head;
	uint32_t rx_len;
};

struct nat_tcp_conn *nat_tcp_conn_new(struct nat_tcp_env *env, int fd,
				      const struct sockaddr_in *guest,
				      uint16_t nport);
struct nat_tcp_conn *nat_tcp_conn_open(struct nat_tcp_env *env,
				       const struct nat_tcp_segment *syn,
				       bool remote);
void nat_tcp_conn_free(struct nat_tcp_conn *c);
void nat_tcp_conn_abort(struct nat_tcp_conn *c, bool tell_guest);
void nat_tcp_close_reset(int fd);
short nat_tcp_conn_events(const struct nat_tcp_conn *c);
void nat_tcp_conn_ready(struct nat_tcp_conn *c, short revents);
void nat_tcp_conn_timer(struct nat_tcp_conn *c);
/* nat_tcp_open.c: the handshake, for nat_tcp_conn.c */
void nat_tcp_take_syn(struct nat_tcp_conn *c, const struct nat_tcp_segment *s);
void nat_tcp_send_syn_ack(struct nat_tcp_conn *c);
void nat_tcp_conn_connected(struct nat_tcp_conn *c, short re);
void nat_tcp_handshake_timer(struct nat_tcp_conn *c);
void nat_tcp_conn_input(struct nat_tcp_conn *c,
			const struct nat_tcp_segment *s);

int nat_tcp_parse(const struct rte_mbuf *m, struct nat_tcp_segment *s);
struct rte_mbuf *nat_tcp_frame_alloc(struct nat_tcp_conn *c, uint32_t len);
int nat_tcp_frame_payload(struct rte_mbuf *m, uint32_t len, struct iovec *iov,
			  int max);
void nat_tcp_frame_send(struct nat_tcp_conn *c, struct rte_mbuf *m,
			uint8_t flags, uint32_t seq, uint32_t len);
void nat_tcp_send(struct nat_tcp_conn *c, uint8_t flags, uint32_t seq);
void nat_tcp_send_arp(struct nat_tcp_conn *c);
void nat_tcp_send_unreach(struct nat_tcp_conn *c, uint8_t code);

void nat_tcp_parse_options(const uint8_t *opt, const uint8_t *end,
			   struct nat_tcp_segment *s);
void nat_tcp_fill_tcp(struct nat_tcp_conn *c, struct rte_tcp_hdr *th,
		      uint8_t flags, uint32_t seq, uint32_t opts, uint16_t mss);
int nat_tcp_parse6(const struct rte_mbuf *m, struct nat_tcp_segment *s);
void nat_tcp_frame_send6(struct nat_tcp_conn *c, struct rte_mbuf *m,
			 uint8_t flags, uint32_t seq, uint32_t len);
void nat_tcp_send_unreach6(struct nat_tcp_conn *c, uint8_t code);

#endif /* VIOSWITCH_NAT_TCP_CONN_H */
