// SPDX-License-Identifier: BSD-3-Clause
/* slirp_inq.c - the NAT's input queue: one lane per sending port, served
 * in turn
 *
 * Theory of operation
 * -------------------
 * libslirp runs on one thread and takes one frame at a time; a guest that
 * floods the NAT (a broadcast storm, a UDP flood to the gateway) can queue
 * frames faster than libslirp takes them. With one queue, its frames filled
 * the queue and another guest's frames were dropped or waited behind
 * thousands of them (pings through the NAT lost a third and took 20 ms).
 * So the queue has a lane per ingress port (the port index forward.c
 * stamps into each mbuf, modulo SLIRP_INQ_LANES): a port can fill only its
 * own lane, and the NAT thread takes at most SLIRP_INQ_QUANTUM frames from
 * each lane in turn, so a frame from a quiet port waits for at most one
 * quantum of every busy lane. A full lane refuses the frame; the caller
 * drops it and counts it on the port that sent it.
 *
 * Producers are PMD threads (a lane may be shared by ports served by
 * several threads: multi-producer rings), the NAT thread is the only
 * consumer.
 */
#include "slirp_inq.h"

#include <errno.h>
#include <stdio.h>

/**
 * slirp_inq_init() - create the lanes (control thread)
 * @q:		queue, zeroed
 * @name:	unique prefix for the ring names, a few characters
 *
 * Return: 0, or -ENOMEM (slirp_inq_fini() frees what was made)
 */
int slirp_inq_init(struct slirp_inq *q, const char *name)
{
	char ring[RTE_RING_NAMESIZE];

	for (unsigned int i = 0; i < SLIRP_INQ_LANES; i++) {
		snprintf(ring, sizeof(ring), "%s_%u", name, i);
		q->lane[i] =
			rte_ring_create(ring, SLIRP_INQ_LANE, SOCKET_ID_ANY,
					RING_F_SC_DEQ | RING_F_EXACT_SZ);
		if (!q->lane[i])
			return -ENOMEM;
	}
	q->next = 0;
	return 0;
}

/**
 * slirp_inq_fini() - free the lanes and the frames still on them; accepts
 * a queue slirp_inq_init() left half made
 * @q:		queue no thread uses any more
 */
void slirp_inq_fini(struct slirp_inq *q)
{
	for (unsigned int i = 0; i < SLIRP_INQ_LANES; i++) {
		void *m;

		while (q->lane[i] && !rte_ring_dequeue(q->lane[i], &m))
			rte_pktmbuf_free(m);
		rte_ring_free(q->lane[i]);
		q->lane[i] = NULL;
	}
}

/**
 * slirp_inq_enqueue() - queue frames on their lanes (PMD thread)
 * @q:		queue
 * @pkts:	frames; the queued ones now belong to the queue, the refused
 *		ones are moved to the front of @pkts, in order
 * @n:		count
 *
 * A burst usually comes from one port: one ring operation per run of
 * frames of the same lane.
 *
 * Return: frames refused (their lane was full), still the caller's
 */
unsigned int slirp_inq_enqueue(struct slirp_inq *q, struct rte_mbuf **pkts,
			       unsigned int n)
{
	unsigned int refused = 0, i = 0;

	while (i < n) {
		unsigned int lane = slirp_inq_lane(pkts[i]), end = i + 1, sent;

		while (end < n && slirp_inq_lane(pkts[end]) == lane)
			end++;
		sent = rte_ring_mp_enqueue_burst(
			q->lane[lane], (void **)(pkts + i), end - i, NULL);
		for (unsigned int k = i + sent; k < end; k++)
			pkts[refused++] = pkts[k];
		i = end;
	}
	return refused;
}

/**
 * slirp_inq_dequeue() - take frames from the lanes in turn (NAT thread)
 * @q:		queue
 * @pkts:	filled with frames, now the caller's
 * @max:	room in @pkts
 *
 * Return: frames taken; 0 when every lane is empty
 */
unsigned int slirp_inq_dequeue(struct slirp_inq *q, struct rte_mbuf **pkts,
			       unsigned int max)
{
	unsigned int got = 0, empty = 0;

	while (got < max && empty < SLIRP_INQ_LANES) {
		unsigned int k = rte_ring_sc_dequeue_burst(
			q->lane[q->next], (void **)(pkts + got),
			RTE_MIN(max - got, SLIRP_INQ_QUANTUM), NULL);

		q->next = (q->next + 1) % SLIRP_INQ_LANES;
		empty = k ? 0 : empty + 1;
		got += k;
	}
	return got;
}

/**
 * slirp_inq_empty() - whether no frame waits on any lane
 * @q:		queue
 *
 * Return: true when all lanes are empty
 */
bool slirp_inq_empty(const struct slirp_inq *q)
{
	for (unsigned int i = 0; i < SLIRP_INQ_LANES; i++) {
		if (!rte_ring_empty(q->lane[i]))
			return false;
	}
	return true;
}
