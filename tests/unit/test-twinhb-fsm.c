// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the failover decisions (tools/twinhb/fsm.c): each test
 * builds the inputs of one situation and checks the decision.
 */
#include <string.h>

#include "cu_run.h"
#include "../../tools/twinhb/fsm.h"

/* Two healthy nodes that see each other; one group preferring this node. */
static void healthy(struct fsm_in *in)
{
	memset(in, 0, sizeof(*in));
	in->peer_alive = true;
	in->quorum = true;
	in->peer_quorum = true;
	in->ngroups = 1;
	in->g[0].mine = HB_G_STOPPED;
	in->g[0].peers = HB_G_STOPPED;
	in->g[0].my_uptodate = true;
	in->g[0].my_probed = true;
	in->g[0].peer_uptodate = true;
	in->g[0].preferred = FSM_ME;
	in->g[0].peer_target = FSM_NONE;
}

static void test_initial_agreement(void)
{
	struct fsm_in in;
	struct fsm_out out;

	healthy(&in);
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_ME);
	/* the peer has not yet agreed: wait */
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	in.g[0].peer_target = FSM_ME;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);	/* not acknowledged */
	in.g[0].claim_acked = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_START);
	CU_ASSERT_EQUAL(out.group, 0);
	/* the same seen from the non-preferred node: it never starts */
	in.g[0].preferred = FSM_PEER;
	in.g[0].peer_target = FSM_PEER;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_PEER);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
}

static void test_unprobed_names_nobody(void)
{
	struct fsm_in in;
	struct fsm_out out;

	/*
	 * Just started, own disk state not read yet: not UpToDate as far
	 * as we know, but we must not hand our preferred group to the peer.
	 */
	healthy(&in);
	in.g[0].my_probed = false;
	in.g[0].my_uptodate = false;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_NONE);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	/* once read and not UpToDate, the peer is named */
	in.g[0].my_probed = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_PEER);
}

static void test_disagreement_blocks(void)
{
	struct fsm_in in;
	struct fsm_out out;

	/* peer's stale view points at itself: neither side starts */
	healthy(&in);
	in.g[0].peer_target = FSM_PEER;
	in.g[0].claim_acked = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_ME);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
}

static void test_not_uptodate(void)
{
	struct fsm_in in;
	struct fsm_out out;

	/* preferred here but data not UpToDate: the peer gets it */
	healthy(&in);
	in.g[0].my_uptodate = false;
	in.g[0].peer_target = FSM_ME;
	in.g[0].claim_acked = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_PEER);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	/* peer dead and our data not UpToDate: never promote */
	in.peer_alive = false;
	in.peer_gone = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_NONE);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
}

static void test_failover(void)
{
	struct fsm_in in;
	struct fsm_out out;

	/* peer ran the group and died */
	healthy(&in);
	in.g[0].preferred = FSM_PEER;
	in.g[0].peers = HB_G_RUNNING;
	in.peer_alive = false;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_ME);
	/* dead, but takeover-delay not over yet */
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	in.peer_gone = true;
	/* the witness still hears the peer: only our link to it is down */
	in.peer_seen_elsewhere = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	in.peer_seen_elsewhere = false;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_START);
	CU_ASSERT_PTR_NOT_NULL(out.reason);
	/* without quorum (lost the witness too): never */
	in.quorum = false;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	CU_ASSERT_EQUAL(out.target[0], FSM_NONE);
	/* in standby: no */
	in.quorum = true;
	in.me_standby = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	/* a FAILED group waits for the operator */
	in.me_standby = false;
	in.g[0].mine = HB_G_FAILED;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
}

static void test_quorum_loss_fences(void)
{
	struct fsm_in in;
	struct fsm_out out;

	healthy(&in);
	in.g[0].mine = HB_G_RUNNING;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	in.peer_alive = false;
	in.peer_gone = true;
	in.quorum = false;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_STOP);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.reason, "quorum"));
}

static void test_sticky(void)
{
	struct fsm_in in;
	struct fsm_out out;

	/* running on the non-preferred node after a failover; preferred returns */
	healthy(&in);
	in.g[0].preferred = FSM_PEER;
	in.g[0].mine = HB_G_RUNNING;
	in.g[0].peer_target = FSM_PEER;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_ME);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
}

static void test_switchover(void)
{
	struct fsm_in in;
	struct fsm_out out;

	healthy(&in);
	in.g[0].mine = HB_G_RUNNING;
	in.g[0].move_to = FSM_PEER;
	/* peer not UpToDate yet: keep running */
	in.g[0].peer_uptodate = false;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	in.g[0].peer_uptodate = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_STOP);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.reason, "switchover"));
	/* once stopped here the target is the peer, and we do not restart */
	in.g[0].mine = HB_G_STOPPED;
	in.g[0].peer_target = FSM_PEER;
	in.g[0].claim_acked = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_PEER);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	/* the peer side: it sees us stopped and the request for it */
	healthy(&in);
	in.g[0].preferred = FSM_PEER;
	in.g[0].move_to = FSM_ME;
	in.g[0].peer_target = FSM_ME;
	in.g[0].claim_acked = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_ME);
	CU_ASSERT_EQUAL(out.action, FSM_START);
	/* while we still run it there, the peer must not start */
	in.g[0].peers = HB_G_STOPPING;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	/* fulfilled: clear the request so it cannot cause a failback later */
	in.g[0].peers = HB_G_STOPPED;
	in.g[0].mine = HB_G_RUNNING;
	fsm_decide(&in, &out);
	CU_ASSERT(out.clear_move[0]);
}

static void test_standby(void)
{
	struct fsm_in in;
	struct fsm_out out;

	healthy(&in);
	in.ngroups = 2;
	in.g[1] = in.g[0];
	in.g[0].mine = HB_G_RUNNING;
	in.g[1].mine = HB_G_RUNNING;
	in.me_standby = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_STOP);
	CU_ASSERT_EQUAL(out.group, 0);	/* in config order */
	CU_ASSERT_EQUAL(out.target[1], FSM_ME);	/* still running here */
	/* one transition at a time */
	in.busy = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	/* with the peer in standby as well, nobody can take it: keep it */
	in.busy = false;
	in.peer_standby = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	/* peer dead: standby keeps its groups rather than dropping them */
	in.peer_standby = false;
	in.peer_alive = false;
	in.peer_gone = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
}

static void test_both_running(void)
{
	struct fsm_in in;
	struct fsm_out out;

	/* after a partition healed without a witness */
	healthy(&in);
	in.g[0].mine = HB_G_RUNNING;
	in.g[0].peers = HB_G_RUNNING;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);	/* preferred keeps it */
	in.g[0].preferred = FSM_PEER;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_STOP);
}

static void test_leaving(void)
{
	struct fsm_in in;
	struct fsm_out out;

	healthy(&in);
	in.g[0].mine = HB_G_RUNNING;
	in.me_leaving = true;
	in.peer_alive = false;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_STOP);
	/* a leaving peer is not a candidate */
	healthy(&in);
	in.g[0].my_uptodate = false;
	in.peer_leaving = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_NONE);
}

static void test_held(void)
{
	struct fsm_in in;
	struct fsm_out out;

	/* the peer's release failed and it still holds resources */
	healthy(&in);
	in.g[0].peers = HB_G_FAILED;
	in.g[0].peer_held = true;
	in.g[0].peer_target = FSM_ME;
	in.g[0].claim_acked = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.target[0], FSM_PEER);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	/* nothing held there: we may start */
	in.g[0].peer_held = false;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_START);
	/* our own failed release: released again when quorum is lost */
	healthy(&in);
	in.g[0].mine = HB_G_FAILED;
	in.g[0].my_held = true;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_NOTHING);
	CU_ASSERT_EQUAL(out.target[0], FSM_ME);
	in.quorum = false;
	in.peer_alive = false;
	fsm_decide(&in, &out);
	CU_ASSERT_EQUAL(out.action, FSM_STOP);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(fsm_state_name(HB_G_RUNNING), "RUNNING");
	CU_ASSERT_STRING_EQUAL(fsm_state_name(HB_G_FAILED), "FAILED");
	CU_ASSERT_STRING_EQUAL(fsm_state_name(HB_G_COUNT), "?");
	CU_ASSERT_STRING_EQUAL(fsm_action_name(FSM_STOP), "stop");
}

static CU_TestInfo tests[] = {
	{ "both nodes must agree before a start", test_initial_agreement },
	{ "disagreement blocks a start", test_disagreement_blocks },
	{ "no target before the own disk state is known",
	  test_unprobed_names_nobody },
	{ "never promote data that is not UpToDate", test_not_uptodate },
	{ "failover after deadtime with quorum only", test_failover },
	{ "a primary that loses quorum stops", test_quorum_loss_fences },
	{ "no automatic failback", test_sticky },
	{ "switchover", test_switchover },
	{ "standby moves groups in order", test_standby },
	{ "both running: the non-preferred yields", test_both_running },
	{ "shutting down", test_leaving },
	{ "resources held by a FAILED group", test_held },
	{ "state names", test_names },
	CU_TEST_INFO_NULL,
};

void unit_register(void)
{
	unit_suite("twinhb-fsm", tests);
}
