// SPDX-License-Identifier: GPL-2.0
/*
 * Failover decisions; see fsm.h.
 *
 * The rules, per group, in config order:
 *  - A running group stays where it runs (no automatic failback). Its
 *    owner releases it when it loses quorum, shuts down, finds the peer
 *    running it too (the non-preferred node yields), or when it is asked
 *    to move (standby, switchover) and the peer is able to take it.
 *  - A group that runs nowhere goes to the first able node among: the
 *    switchover target, the preferred node, the other node. Able means
 *    data UpToDate, not in standby, not shutting down, not FAILED there,
 *    and with quorum.
 *  - While the peer is alive both must agree: we start only when the peer
 *    announces the same target and has acknowledged our announcement, so
 *    two nodes never start a group on stale views of each other.
 *  - When the peer is gone (silent for deadtime + takeover-delay) a node
 *    with quorum starts the groups it is able to run, unless a witness it
 *    hears still hears the peer: then only the link between the two nodes
 *    is down, or this node is just back from a partition, and the peer
 *    keeps what it runs.
 * Only one transition runs at a time, so groups move in config order.
 */
#include <string.h>

#include "fsm.h"

static const char *const fsm_state_names[HB_G_COUNT] = {
	[HB_G_STOPPED] = "STOPPED",
	[HB_G_STARTING] = "STARTING",
	[HB_G_RUNNING] = "RUNNING",
	[HB_G_STOPPING] = "STOPPING",
	[HB_G_FAILED] = "FAILED",
};

const char *fsm_state_name(enum hb_gstate s)
{
	return (unsigned int)s < HB_G_COUNT ? fsm_state_names[s] : "?";
}

const char *fsm_action_name(enum fsm_action a)
{
	switch (a) {
	case FSM_START:
		return "start";
	case FSM_STOP:
		return "stop";
	default:
		return "nothing";
	}
}

bool fsm_active(enum hb_gstate s)
{
	return s == HB_G_STARTING || s == HB_G_RUNNING || s == HB_G_STOPPING;
}

static bool fsm_able(const struct fsm_in *in, const struct fsm_group_in *g,
		     enum fsm_who who)
{
	if (who == FSM_ME)
		return in->quorum && g->my_uptodate && !in->me_standby &&
		       !in->me_leaving && g->mine != HB_G_FAILED;
	if (who == FSM_PEER)
		return in->peer_alive && in->peer_quorum && g->peer_uptodate &&
		       !in->peer_standby && !in->peer_leaving &&
		       g->peers != HB_G_FAILED;
	return false;
}

static enum fsm_who fsm_target(const struct fsm_in *in,
			       const struct fsm_group_in *g)
{
	enum fsm_who other = g->preferred == FSM_ME ? FSM_PEER : FSM_ME;
	bool peer_active = in->peer_alive &&
			   (fsm_active(g->peers) || g->peer_held);

	if (fsm_active(g->mine) || g->my_held)
		return FSM_ME;
	if (peer_active)
		return FSM_PEER;
	/*
	 * Until we know our own disk state we cannot tell whether we are
	 * able: naming the peer then would hand it a group we should run.
	 */
	if (!g->my_probed)
		return FSM_NONE;
	if (g->move_to != FSM_NONE && fsm_able(in, g, g->move_to))
		return g->move_to;
	if (fsm_able(in, g, g->preferred))
		return g->preferred;
	if (fsm_able(in, g, other))
		return other;
	return FSM_NONE;
}

/* Why a running group must be released now, or NULL. */
static const char *fsm_stop_reason(const struct fsm_in *in,
				   const struct fsm_group_in *g)
{
	bool peer_able = fsm_able(in, g, FSM_PEER);

	if (!in->quorum)
		return "lost quorum";
	if (in->me_leaving)
		return "twinhb is shutting down";
	if (in->peer_alive && (g->peers == HB_G_RUNNING ||
			       g->peers == HB_G_STARTING) &&
	    g->preferred != FSM_ME)
		return "peer runs the group too, the non-preferred node yields";
	if (in->me_standby && peer_able)
		return "node is in standby";
	if (g->move_to == FSM_PEER && peer_able)
		return "switchover to peer";
	return NULL;
}

/* Why a stopped group must be started now, or NULL. */
static const char *fsm_start_reason(const struct fsm_in *in,
				    const struct fsm_group_in *g,
				    enum fsm_who target)
{
	if (target != FSM_ME)
		return NULL;
	if (in->peer_alive) {
		if (fsm_active(g->peers) || g->peer_held)
			return NULL;
		if (g->peer_target != FSM_ME || !g->claim_acked)
			return NULL;
		return "peer agrees this node runs the group";
	}
	/* cut off from the peer only, or back from a partition */
	if (!in->peer_gone || in->peer_seen_elsewhere)
		return NULL;
	return "peer is dead and this node has quorum";
}

void fsm_decide(const struct fsm_in *in, struct fsm_out *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	out->action = FSM_NOTHING;
	out->group = -1;
	for (i = 0; i < in->ngroups; i++) {
		const struct fsm_group_in *g = &in->g[i];
		const char *why = NULL;
		enum fsm_action act = FSM_NOTHING;

		out->target[i] = fsm_target(in, g);
		out->clear_move[i] = g->mine == HB_G_RUNNING &&
				     g->move_to == FSM_ME;
		if (g->mine == HB_G_RUNNING) {
			why = fsm_stop_reason(in, g);
			act = FSM_STOP;
		} else if (g->mine == HB_G_STOPPED) {
			why = fsm_start_reason(in, g, out->target[i]);
			act = FSM_START;
		} else if (g->mine == HB_G_FAILED && g->my_held &&
			   !in->quorum) {
			/* fence even what a failed release left behind */
			why = "lost quorum";
			act = FSM_STOP;
		}
		if (why && !in->busy && out->action == FSM_NOTHING) {
			out->action = act;
			out->group = i;
			out->reason = why;
		}
	}
}
