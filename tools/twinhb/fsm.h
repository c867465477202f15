/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The failover decisions as a pure function: given what this node knows
 * about itself, its peer and quorum, say which node each group should run
 * on and which single transition to begin now. No I/O, no clocks: the
 * daemon gathers the inputs and carries out the decision, and the unit
 * tests feed it every situation directly.
 *
 * Everything is seen from this node: FSM_ME is this node, FSM_PEER the
 * other storage node of the pair.
 */
#ifndef TWINHB_FSM_H
#define TWINHB_FSM_H

#include <stdbool.h>

#include "msg.h"

enum fsm_who {
	FSM_NONE,
	FSM_ME,
	FSM_PEER,
};

enum fsm_action {
	FSM_NOTHING,
	FSM_START,		/* take the group over, in order */
	FSM_STOP,		/* release the group, in reverse order */
};

struct fsm_group_in {
	enum hb_gstate mine;
	bool my_held;		/* resources held here, even when FAILED */
	bool my_uptodate;
	bool my_probed;		/* my disk state was read at least once */
	enum hb_gstate peers;	/* as last announced; only if peer_alive */
	bool peer_held;
	bool peer_uptodate;
	enum fsm_who peer_target;	/* where the peer wants the group */
	enum fsm_who preferred;
	enum fsm_who move_to;	/* pending switchover request */
	bool claim_acked;	/* peer saw our target == ME announcement */
};

struct fsm_in {
	bool peer_alive;	/* a path heard the peer within deadtime */
	bool peer_gone;		/* silent for deadtime + takeover-delay */
	bool peer_seen_elsewhere;	/* a witness we hear still hears it */
	bool quorum;		/* this node has quorum */
	bool peer_quorum;	/* the peer says it has quorum */
	bool me_standby, peer_standby;
	bool me_leaving, peer_leaving;	/* daemon shutting down */
	bool busy;		/* a group transition is under way here */
	int ngroups;
	struct fsm_group_in g[HB_MAX_GROUPS];
};

struct fsm_out {
	enum fsm_who target[HB_MAX_GROUPS];	/* to announce */
	bool clear_move[HB_MAX_GROUPS];	/* switchover request fulfilled */
	enum fsm_action action;
	int group;			/* group of the action */
	const char *reason;		/* for the log and the events */
};

void fsm_decide(const struct fsm_in *in, struct fsm_out *out);

/* True while the group holds (or may hold) resources on that node. */
bool fsm_active(enum hb_gstate s);

const char *fsm_state_name(enum hb_gstate s);
const char *fsm_action_name(enum fsm_action a);

#endif
