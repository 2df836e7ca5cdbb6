// SPDX-License-Identifier: BSD-3-Clause
/* slirp_hostfwd.c - hostfwd rules of a NAT port: add, remove, list
 *
 * Rules are bound on the thread that owns the libslirp instance
 * (slirp_call): TCP rules toward an IPv4 guest by the NAT itself
 * (nat_tcp.c, past libslirp's TCP), the others with libslirp's
 * hostxfwd calls. A rule that cannot bind says
 * why - port in use, address not on this host, a port below 1024 without
 * CAP_NET_BIND_SERVICE - and changes nothing else.
 * A guest address of 0.0.0.0 (not given) means the NAT's first DHCP
 * address, as in QEMU.
 *
 * A rule may name its guest by switch port (`tcp::2223-vm2:22`). Once a
 * second the control thread looks up the address bound to that port in the
 * NAT's binding table (its DHCP lease, its ip=, or the address it uses,
 * nat_bind.c), and binds the rule to it - or re-binds it when the VM's
 * address changed. Until the port's VM has an address the rule waits,
 * unbound. A connection goes to the MAC bound to the address, never to
 * another guest that claims it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "slirp_port.h"
#include "vswitch.h"

#define WARN_EVERY_S 60 /* a rule that keeps failing to bind: log this often */

/**
 * struct rule_op - arguments of a rule change run on the NAT thread
 * @rule:	rule
 * @add:	bind (else unbind)
 * @err:	errno of a failed bind
 */
struct rule_op {
	const struct hostfwd_rule *rule;
	bool add;
	int err;
};

/**
 * guest_addr() - the rule's guest address, the default filled in
 * @sp:		port
 * @r:		rule
 * @out:	result
 */
static void guest_addr(const struct slirp_port *sp,
		       const struct hostfwd_rule *r,
		       struct sockaddr_storage *out)
{
	struct sockaddr_in *in = (struct sockaddr_in *)out;

	*out = r->guest;
	if (r->guest_port_id[0])
		in->sin_addr = r->bound_guest;
	else if (out->ss_family == AF_INET && !in->sin_addr.s_addr)
		in->sin_addr = sp->cfg.vdhcp_start;
}

/**
 * fwd_note() - tell the own UDP path about a UDP rule toward an IPv4 guest:
 * that guest endpoint's datagrams stay with libslirp's socket of the rule
 * @sp:		port
 * @r:		rule
 * @g:		its guest address, default filled in
 * @rc:		what libslirp said: 0 when the rule was (un)bound
 * @add:	bound (else unbound)
 */
static void fwd_note(struct slirp_port *sp, const struct hostfwd_rule *r,
		     const struct sockaddr_storage *g, int rc, bool add)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)g;

	if (r->udp && !rc && g->ss_family == AF_INET)
		nat_udp_fwd_set(sp->udp, in->sin_addr.s_addr, in->sin_port,
				add);
}

/**
 * rule_op_run() - bind or unbind on the NAT thread
 * @arg_sp:	struct slirp_port
 * @arg:	struct rule_op
 *
 * Return: 0, or -1 (@op->err says why)
 */
static int rule_op_run(void *arg_sp, void *arg)
{
	struct slirp_port *sp = arg_sp;
	struct rule_op *op = arg;
	const struct hostfwd_rule *r = op->rule;
	struct sockaddr_storage g;
	int flags = r->udp ? SLIRP_HOSTFWD_UDP : 0, rc;

	guest_addr(sp, r, &g);
	if (!r->udp && g.ss_family == AF_INET) {
		/* TCP to an IPv4 guest: spliced past libslirp */
		errno = 0;
		rc = op->add ? nat_tcp_listen(sp->tcp,
					      (const struct sockaddr *)&r->host,
					      r->host_len,
					      (const struct sockaddr_in *)&g)
			     : nat_tcp_unlisten(
				       sp->tcp,
				       (const struct sockaddr *)&r->host,
				       r->host_len);
		op->err = errno ? errno : EINVAL;
		return rc;
	}
	if (!op->add) {
		rc = slirp_remove_hostxfwd(sp->slirp,
					   (const struct sockaddr *)&r->host,
					   r->host_len, flags);
		fwd_note(sp, r, &g, rc, false);
		return rc;
	}
	errno = 0;
	rc = slirp_add_hostxfwd(sp->slirp, (const struct sockaddr *)&r->host,
				r->host_len, (const struct sockaddr *)&g,
				r->guest_len, flags);
	op->err = errno ? errno : EINVAL;
	fwd_note(sp, r, &g, rc, true);
	return rc;
}

/**
 * slirp_rule_apply() - bind or unbind one rule
 * @sp:		port
 * @r:		rule
 * @add:	bind (else unbind)
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message naming the rule
 */
int slirp_rule_apply(struct slirp_port *sp, const struct hostfwd_rule *r,
		     bool add, char *err, size_t errlen)
{
	struct rule_op op = { .rule = r, .add = add };
	char host[64];
	int rc = slirp_call(sp, rule_op_run, &op);

	if (!rc)
		return 0;
	hostfwd_host_str(r, host, sizeof(host));
	if (add)
		snprintf(err, errlen, "hostfwd=%s: cannot listen on %s: %s%s",
			 r->text, host, strerror(op.err),
			 op.err == EACCES ? " (a port below 1024 needs "
					    "CAP_NET_BIND_SERVICE, or a lower "
					    "net.ipv4.ip_unprivileged_port_"
					    "start)"
					  : "");
	else
		snprintf(err, errlen, "hostfwd=%s: cannot remove it", r->text);
	return add ? -op.err : -ENOENT;
}

/**
 * find_listen() - the rule of @sp that listens where @r would
 * @sp:		port
 * @r:		rule (only its protocol and host address are read)
 *
 * Return: index, or -1
 */
static int find_listen(const struct slirp_port *sp,
		       const struct hostfwd_rule *r)
{
	for (unsigned int i = 0; i < sp->n_rules; i++) {
		if (hostfwd_same_listen(&sp->rules[i], r))
			return (int)i;
	}
	return -1;
}

/**
 * rules_text() - the rules of @sp, for a message: "'R1', 'R2'" or "none"
 * @sp:		port
 * @buf:	output
 * @len:	its size
 *
 * Return: @buf
 */
static const char *rules_text(const struct slirp_port *sp, char *buf,
			      size_t len)
{
	size_t off = 0;

	snprintf(buf, len, "none");
	for (unsigned int i = 0; i < sp->n_rules && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s'%s'",
					i ? ", " : "", sp->rules[i].text);
	return buf;
}

/**
 * slirp_hostfwd_add() - parse, bind and keep one rule (control thread)
 * @port:	NAT port
 * @text:	rule in QEMU's grammar
 * @warn:	set to a warning for the user (a rule naming a port the
 *		switch does not have yet: it waits for it), or "" ; NULL
 *		while the switch starts and its ports are not added yet
 * @err:	message buffer (also @warn's size)
 * @errlen:	its size
 *
 * Return: 0, or -errno with a message naming the rule
 */
int slirp_hostfwd_add(struct port *port, const char *text, char *warn,
		      char *err, size_t errlen)
{
	struct slirp_port *sp = (struct slirp_port *)port;
	struct hostfwd_rule r;
	char why[256], host[64];
	int rc, i;

	if (warn)
		warn[0] = '\0';
	if (hostfwd_parse(text, &r, why, sizeof(why))) {
		snprintf(err, errlen, "hostfwd=%s: %s", text, why);
		return -EINVAL;
	}
	i = find_listen(sp, &r);
	if (i >= 0) {
		hostfwd_host_str(&sp->rules[i], host, sizeof(host));
		snprintf(err, errlen,
			 "hostfwd=%s: rule '%s' of %s already listens on %s %s",
			 text, sp->rules[i].text, port->id,
			 r.udp ? "udp" : "tcp", host);
		return -EEXIST;
	}
	if (sp->n_rules == SLIRP_MAX_RULES) {
		snprintf(err, errlen, "hostfwd=%s: at most %d rules", text,
			 SLIRP_MAX_RULES);
		return -ENOSPC;
	}
	if (r.guest_port_id[0]) {
		/* Bound by slirp_hostfwd_tick() once the VM has an address. */
		if (warn && !vswitch_port_find(r.guest_port_id))
			snprintf(warn, errlen,
				 "hostfwd=%s: the switch has no port %s (yet): "
				 "the rule waits for it",
				 text, r.guest_port_id);
		sp->rules[sp->n_rules++] = r;
		slirp_hostfwd_tick(port);
		return 0;
	}
	rc = slirp_rule_apply(sp, &r, true, err, errlen);
	r.bound = !rc;
	if (!rc)
		sp->rules[sp->n_rules++] = r;
	return rc;
}

/**
 * slirp_hostfwd_del() - unbind and forget one rule (control thread),
 * found by what it listens on, as QEMU's hostfwd_remove finds it
 * @port:	NAT port
 * @text:	a rule ("tcp::2222-:22" finds "tcp:127.0.0.1:2222-:22") or
 *		QEMU's [tcp|udp]:[hostaddr]:hostport
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL / -ENOENT with a message (a miss lists the rules)
 */
int slirp_hostfwd_del(struct port *port, const char *text, char *err,
		      size_t errlen)
{
	struct slirp_port *sp = (struct slirp_port *)port;
	char why[256], host[64], list[512];
	struct hostfwd_rule r;
	int i;

	if (hostfwd_parse_listen(text, &r, why, sizeof(why))) {
		snprintf(err, errlen, "hostfwd %s: %s", text, why);
		return -EINVAL;
	}
	i = find_listen(sp, &r);
	if (i < 0) {
		hostfwd_host_str(&r, host, sizeof(host));
		snprintf(err, errlen,
			 "hostfwd %s: no rule of %s listens on %s %s; its "
			 "rules: %s",
			 text, port->id, r.udp ? "udp" : "tcp", host,
			 rules_text(sp, list, sizeof(list)));
		return -ENOENT;
	}
	if (sp->rules[i].bound)
		slirp_rule_apply(sp, &sp->rules[i], false, err, errlen);
	sp->rules[i] = sp->rules[--sp->n_rules];
	return 0;
}

/**
 * bound_to() - who the rule's connections reach: the guest bound to its
 * address
 * @sp:		port
 * @r:		rule
 * @g:		its guest address now (guest_addr())
 * @buf:	"MAC on PORT (SOURCE)", or "-" (IPv6, unbound, waiting)
 * @len:	its size
 */
static void bound_to(struct slirp_port *sp, const struct hostfwd_rule *r,
		     const struct sockaddr_storage *g, char *buf, size_t len)
{
	const struct sockaddr_in *s = (const void *)g;

	if (g->ss_family != AF_INET || (r->guest_port_id[0] && !r->bound))
		snprintf(buf, len, "-");
	else
		slirp_nat_describe(sp, s->sin_addr.s_addr, buf, len);
}

/**
 * rule_state() - what a rule does now, for `hostfwd list`: "listening",
 * "waiting for an address" (its port's VM has none yet), "waiting for port
 * ID" (no such port yet), "port gone" (its port was removed) or "bind
 * failed: REASON"
 * @r:		rule
 * @buf:	output
 * @len:	its size
 */
static void rule_state(const struct hostfwd_rule *r, char *buf, size_t len)
{
	if (r->bound)
		snprintf(buf, len, "listening");
	else if (r->err)
		snprintf(buf, len, "bind failed: %s", strerror(r->err));
	else if (r->guest_port_id[0] && !vswitch_port_find(r->guest_port_id))
		snprintf(buf, len,
			 r->port_seen ? "port gone" : "waiting for port %s",
			 r->guest_port_id);
	else if (r->guest_port_id[0])
		snprintf(buf, len, "waiting for an address");
	else
		snprintf(buf, len, "not listening");
}

/**
 * slirp_hostfwd_list() - the rules, for `vioctl hostfwd list` (control
 * thread)
 * @port:	NAT port
 *
 * Return: JSON array of {"rule", "proto", "listen", "guest", "bound_to",
 *	   "state"}
 */
json_t *slirp_hostfwd_list(struct port *port)
{
	struct slirp_port *sp = (struct slirp_port *)port;
	json_t *list = json_array();

	for (unsigned int i = 0; i < sp->n_rules; i++) {
		const struct hostfwd_rule *r = &sp->rules[i];
		char host[64], gbuf[INET6_ADDRSTRLEN], guest[80], bound[96];
		char state[96];
		struct sockaddr_storage g;

		hostfwd_host_str(r, host, sizeof(host));
		guest_addr(sp, r, &g);
		if (g.ss_family == AF_INET6) {
			const struct sockaddr_in6 *s = (const void *)&g;

			inet_ntop(AF_INET6, &s->sin6_addr, gbuf, sizeof(gbuf));
			snprintf(guest, sizeof(guest), "[%s]:%u", gbuf,
				 ntohs(s->sin6_port));
		} else {
			const struct sockaddr_in *s = (const void *)&g;

			inet_ntop(AF_INET, &s->sin_addr, gbuf, sizeof(gbuf));
			snprintf(guest, sizeof(guest), "%s:%u", gbuf,
				 ntohs(s->sin_port));
		}
		if (r->guest_port_id[0] && !r->bound)
			snprintf(guest, sizeof(guest), "%s:%u (no address yet)",
				 r->guest_port_id,
				 ntohs(((const struct sockaddr_in *)&r->guest)
					       ->sin_port));
		else if (r->guest_port_id[0])
			snprintf(guest + strlen(guest),
				 sizeof(guest) - strlen(guest), " (%s)",
				 r->guest_port_id);
		bound_to(sp, r, &g, bound, sizeof(bound));
		rule_state(r, state, sizeof(state));
		json_array_append_new(
			list,
			json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "rule", r->text,
				  "proto", r->udp ? "udp" : "tcp", "listen",
				  host, "guest", guest, "bound_to", bound,
				  "state", state));
	}
	return list;
}

/**
 * port_address() - the IPv4 address the VM on port @id uses toward the NAT
 * @sp:		NAT port
 * @id:		switch port id
 *
 * Return: the address bound to that port (network order), or 0 when it has
 *	   none yet
 */
static uint32_t port_address(struct slirp_port *sp, const char *id)
{
	struct port *p = vswitch_port_find(id);

	return p ? slirp_nat_port_addr(sp, p->index) : 0;
}

/**
 * repoint() - bind a port-named rule to the VM's current address
 * @sp:		NAT port
 * @r:		rule
 * @ip:		address now (network order)
 */
static void repoint(struct slirp_port *sp, struct hostfwd_rule *r, uint32_t ip)
{
	int64_t now_s = clock_mono_ns() / 1000000000;
	char err[256], a[INET_ADDRSTRLEN];
	int rc, was = r->err;

	if (r->bound)
		slirp_rule_apply(sp, r, false, err, sizeof(err));
	r->bound_guest.s_addr = ip;
	rc = slirp_rule_apply(sp, r, true, err, sizeof(err));
	r->bound = !rc;
	r->err = -rc;
	inet_ntop(AF_INET, &r->bound_guest, a, sizeof(a));
	if (r->bound) {
		log_info("port %s: hostfwd=%s now reaches %s at %s",
			 sp->port.id, r->text, r->guest_port_id, a);
	} else if (r->err != was || now_s - r->warned_s >= WARN_EVERY_S) {
		/* Retried every second: said once a minute, or when the
		 * reason changes. */
		log_warn("port %s: %s (retrying every second)", sp->port.id,
			 err);
		r->warned_s = now_s;
	}
}

/**
 * unpoint() - a port-named rule whose port is gone stops listening, so
 * nothing reaches the address the VM had (another may get it)
 * @sp:		NAT port
 * @r:		rule
 */
static void unpoint(struct slirp_port *sp, struct hostfwd_rule *r)
{
	char err[256];

	if (r->bound)
		slirp_rule_apply(sp, r, false, err, sizeof(err));
	r->bound = false;
	r->err = 0;
	r->bound_guest.s_addr = 0;
	log_info("port %s: hostfwd=%s stopped: port %s is gone", sp->port.id,
		 r->text, r->guest_port_id);
}

/**
 * slirp_hostfwd_tick() - point the rules that name a port at that VM's
 * address (control thread, once a second)
 * @port:	NAT port
 */
void slirp_hostfwd_tick(struct port *port)
{
	struct slirp_port *sp = (struct slirp_port *)port;

	for (unsigned int i = 0; i < sp->n_rules; i++) {
		struct hostfwd_rule *r = &sp->rules[i];
		uint32_t ip;

		if (!r->guest_port_id[0])
			continue;
		if (!vswitch_port_find(r->guest_port_id)) {
			if (r->port_seen && (r->bound || r->err))
				unpoint(sp, r);
			continue;
		}
		r->port_seen = true;
		ip = port_address(sp, r->guest_port_id);
		if (ip && (!r->bound || ip != r->bound_guest.s_addr))
			repoint(sp, r, ip);
	}
}
