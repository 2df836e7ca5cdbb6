/* SPDX-License-Identifier: BSD-3-Clause */
/* slirp_port.h - the user-mode NAT port: state shared by its files */
#ifndef VIOSWITCH_SLIRP_PORT_H
#define VIOSWITCH_SLIRP_PORT_H

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <libslirp.h>
#include <rte_ether.h>
#include <rte_ring.h>

#include "hostfwd.h"
#include "nat_tcp.h"
#include "nat_limits.h"
#include "nat_reass.h"
#include "nat_udp.h"
#include "port.h"
#include "slirp_census.h"
#include "slirp_inq.h"

#define SLIRP_MAX_RULES	    64
#define SLIRP_MAX_TIMERS    16
#define SLIRP_MTU	    65520
#define SLIRP_MAX_DNSSEARCH 8

struct netdev;
struct nat_bind;
struct nat_dhcp_lease;
struct slirp_nat;

/**
 * struct slirp_timer - a libslirp timer, run by the NAT thread
 * @used:	slot taken
 * @armed:	waiting to fire
 * @id:		libslirp's timer id
 * @cb_opaque:	libslirp's argument
 * @expire_ms:	when it fires, clock_get_ns() / 1e6
 */
struct slirp_timer {
	bool used;
	bool armed;
	SlirpTimerId id;
	void *cb_opaque;
	int64_t expire_ms;
};

/**
 * struct slirp_call - a function the control thread runs on the NAT thread
 * @fn:		function; NULL when no call is pending
 * @arg:	its argument
 * @rc:		its result
 * @lock:	guards the call
 * @done:	signalled when @fn returned
 */
struct slirp_call {
	int (*fn)(void *sp, void *arg);
	void *arg;
	int rc;
	pthread_mutex_t lock;
	pthread_cond_t done;
};

/**
 * struct slirp_port - one user-mode NAT
 * @port:	generic port, first
 * @cfg:	libslirp configuration
 * @dnssearch:	search domains, NULL-terminated (cfg.vdnssearch)
 * @strings:	copies of the option texts cfg points into
 * @rules:	hostfwd rules in force
 * @n_rules:	how many
 * @slirp:	the libslirp instance (used by the NAT thread only, once
 *		started)
 * @thread:	the NAT thread
 * @running:	@thread started
 * @inq:	frames from the switch, a lane per ingress port (PMD threads
 *		produce)
 * @from_slirp:	frames to the switch (NAT thread produces)
 * @in_efd:	wakes the NAT thread: frames on @inq
 * @nat_sleeping: the NAT thread may be in poll(): producers write @in_efd
 * @out_efd:	wakes a PMD thread: frames on @from_slirp
 * @pmd_armed:	the PMD thread may be asleep in epoll: the NAT thread writes
 *		@out_efd (otherwise the PMD finds the frames by polling)
 * @stop_efd:	stops the NAT thread
 * @call_efd:	wakes the NAT thread for a @call
 * @call:	pending cross-thread call
 * @pfds:	poll set of the current iteration
 * @n_pfds:	entries used
 * @timers:	libslirp's timers
 * @buf:	linear copy of a frame for slirp_input()
 * @mss4:	segment size for TCP/IPv4 super-frames sent to guests
 * @mss6:	segment size for TCP/IPv6 super-frames sent to guests
 * @nat:	who is who behind the NAT: bindings and the DHCP server
 *		(slirp_nat.c)
 * @bind:	its binding table, which steers frames toward the guests
 *		(slirp_output.c)
 * @tcp:	the NAT's own TCP: hostfwd and guests' connections (NAT
 *		thread, once started)
 * @caps:	caps on flows and connections, as parsed
 * @lim:	their accounting (NAT thread, once started)
 * @udp:	guests' IPv4 UDP on the NAT's own sockets (NAT thread)
 * @census:	caps on libslirp's own sockets (NAT thread)
 * @reass:	guests' IPv4 fragments being reassembled (NAT thread)
 */
struct slirp_port {
	struct port port;
	SlirpConfig cfg;
	const char *dnssearch[SLIRP_MAX_DNSSEARCH + 1];
	char *strings[SLIRP_MAX_DNSSEARCH + 2];
	struct hostfwd_rule rules[SLIRP_MAX_RULES];
	unsigned int n_rules;
	Slirp *slirp;
	pthread_t thread;
	bool running;
	struct slirp_inq inq;
	struct rte_ring *from_slirp;
	int in_efd;
	bool nat_sleeping;
	int out_efd;
	bool pmd_armed;
	int stop_efd;
	int call_efd;
	struct slirp_call call;
	struct pollfd pfds[2048];
	unsigned int n_pfds;
	struct slirp_timer timers[SLIRP_MAX_TIMERS];
	uint16_t mss4;
	uint16_t mss6;
	struct slirp_nat *nat;
	struct nat_bind *bind;
	struct nat_tcp *tcp;
	struct nat_caps caps;
	struct nat_limits *lim;
	struct nat_udp *udp;
	struct slirp_census *census;
	struct nat_reass *reass;
	uint8_t buf[SLIRP_MTU + 64];
};

extern const struct port_kind port_kind_user;

int slirp_thread_start(struct slirp_port *sp);
void slirp_thread_stop(struct slirp_port *sp);
int slirp_call(struct slirp_port *sp, int (*fn)(void *, void *), void *arg);
void slirp_call_run(struct slirp_port *sp);
Slirp *slirp_instance_new(struct slirp_port *sp);
uint32_t slirp_loop_fill(struct slirp_port *sp);
bool slirp_loop_serve(struct slirp_port *sp, int rc);

void slirp_frame_in(struct slirp_port *sp, struct rte_mbuf *m);
ssize_t slirp_frame_out(const void *buf, size_t len, void *opaque);
void slirp_frame_queue(struct slirp_port *sp, struct rte_mbuf *m);
void slirp_frame_lost(struct slirp_port *sp);

int slirp_rule_apply(struct slirp_port *sp, const struct hostfwd_rule *r,
		     bool add, char *err, size_t errlen);
int slirp_hostfwd_add(struct port *port, const char *text, char *warn,
		      char *err, size_t errlen);
int slirp_hostfwd_del(struct port *port, const char *text, char *err,
		      size_t errlen);
json_t *slirp_hostfwd_list(struct port *port);
void slirp_hostfwd_tick(struct port *port);

int slirp_nat_open(struct slirp_port *sp, const struct netdev *nd, char *err,
		   size_t errlen);
void slirp_nat_close(struct slirp_port *sp);
bool slirp_nat_input(struct slirp_port *sp, struct rte_mbuf *m,
		     const uint8_t *f, uint32_t len);
bool slirp_nat_mac(const struct slirp_port *sp, uint32_t ip,
		   struct rte_ether_addr *mac, uint16_t *to);
uint16_t slirp_nat_to_port(const struct rte_mbuf *m);
uint32_t slirp_nat_port_addr(struct slirp_port *sp, uint16_t port_index);
void slirp_nat_tick(struct slirp_port *sp);
json_t *slirp_nat_leases(struct port *port);
unsigned int slirp_nat_lease_list(struct port *port, struct nat_dhcp_lease *out,
				  unsigned int max);
int slirp_nat_lease_restore(struct port *port, const struct nat_dhcp_lease *l,
			    char *err, size_t errlen);
json_t *slirp_nat_stats(struct slirp_port *sp);
void slirp_nat_describe(struct slirp_port *sp, uint32_t ip, char *buf,
			size_t len);

#endif /* VIOSWITCH_SLIRP_PORT_H */
