// SPDX-License-Identifier: GPL-2.0
/*
 * fence.c - "fencing resource-only", as in DRBD: a Primary that loses its
 * peer holds application writes instead of completing them alone, because
 * the peer may be promoted by the cluster manager and a write acknowledged
 * here would then be lost. The hold ends when
 *   RESUME_IO: the peer is fenced; complete the writes on the local disk
 *	and go on alone with a new data generation (the peer is older);
 *   FAIL_IO: this node lost; fail held and new writes with EIO so the
 *	device can be unmounted and demoted;
 *   the peer reconnects: the held writes are sent again and complete
 *	normally once the peer acknowledged them.
 *
 * Held writes are either requests whose peer part was lost with the
 * connection (res->held_reqs; their local part is done or in flight) or
 * new bios that were not routed at all (res->held_bios). Both lists and
 * res->susp are protected by res->lock.
 *
 * A write failed by FAIL_IO may already be on the local disk but never
 * reached the peer. Its blocks are in doubt, so the local data stops
 * counting as consistent in the metadata: the next connection syncs this
 * node from the peer, even if the peer was not promoted meanwhile.
 */
#include "twin.h"

#include <linux/kthread.h>

/*
 * The connection broke; res->lock held, in the connection thread. Hold
 * writes from now on unless the loss was administrative (disconnect,
 * down, or the peer said goodbye).
 */
bool twin_fence_on_loss(struct twin_res *res, int err)
{
	if (res->susp != TWIN_SUSP_NONE)
		return true;
	if (!res->nc || res->nc->fencing != TWIN_FENCING_RESOURCE_ONLY ||
	    res->st.role != TWIN_ROLE_PRIMARY || err == -ESHUTDOWN ||
	    kthread_should_stop())
		return false;
	res->susp = TWIN_SUSP_FENCING;
	return true;
}

/* End a held request's peer part; true if it touched the local disk. */
static bool twin_fence_end_req(struct twin_req *req, bool fail)
{
	bool touched;

	spin_lock_irq(&req->lock);
	req->fail_io = fail;
	touched = req->local_pending || req->local_ok;
	spin_unlock_irq(&req->lock);
	twin_req_peer_end(req, false);
	return touched;
}

/* Failed writes may be on our disk only: resync from the peer next time. */
static void twin_fence_doubt(struct twin_res *res)
{
	if (!twin_get_ldev(res))
		return;
	if (res->ldev->md_flags & TWIN_MDF_CONSISTENT) {
		res->ldev->md_flags &= ~(TWIN_MDF_CONSISTENT |
					 TWIN_MDF_WAS_UPTODATE);
		twin_md_write(res);
		pr_warn("%s: fail-io: failed writes may be on the local disk only; it will be resynced from the peer\n",
			res->name);
	}
	twin_put_ldev(res);
}

/* A write lost its peer part: keep it, or fail it. True if handled. */
bool twin_fence_hold_req(struct twin_res *res, struct twin_req *req)
{
	u8 susp;

	spin_lock_irq(&res->lock);
	susp = res->susp;
	if (susp == TWIN_SUSP_FENCING)
		list_add_tail(&req->hold, &res->held_reqs);
	spin_unlock_irq(&res->lock);
	if (susp == TWIN_SUSP_FAIL_IO && twin_fence_end_req(req, true))
		twin_fence_doubt(res);
	return susp != TWIN_SUSP_NONE;
}

/* A new write while suspended; called with res->lock held, drops it. */
bool twin_fence_route(struct twin_res *res, struct twin_req *req)
	__releases(&res->lock)
{
	bool fail = res->susp == TWIN_SUSP_FAIL_IO;

	if (!fail)
		bio_list_add(&res->held_bios, req->master);
	spin_unlock_irq(&res->lock);
	if (fail)
		bio_io_error(req->master);
	return true;
}

/* Switch to @susp and take everything held; returns the old state. */
static u8 twin_fence_take(struct twin_res *res, u8 susp,
			  struct list_head *reqs, struct bio_list *bios)
{
	u8 old;

	spin_lock_irq(&res->lock);
	old = res->susp;
	res->susp = susp;
	list_splice_init(&res->held_reqs, reqs);
	bio_list_merge(bios, &res->held_bios);
	bio_list_init(&res->held_bios);
	spin_unlock_irq(&res->lock);
	if (old != susp) {
		pr_info("%s: suspended %s -> %s\n", res->name,
			twin_susp_str(old), twin_susp_str(susp));
		wake_up_all(&res->state_wait);
		twin_nl_event(res, TWIN_EVENT_CHANGE);
	}
	return old;
}

/* Complete (locally) or fail what was held. */
static void twin_fence_finish(struct twin_res *res, struct list_head *reqs,
			      struct bio_list *bios, bool fail)
{
	struct twin_req *req, *tmp;
	bool doubt = false;
	struct bio *bio;

	list_for_each_entry_safe(req, tmp, reqs, hold) {
		list_del_init(&req->hold);
		doubt |= twin_fence_end_req(req, fail) && fail;
	}
	if (doubt)
		twin_fence_doubt(res);
	while ((bio = bio_list_pop(bios))) {
		if (fail)
			bio_io_error(bio);
		else
			submit_bio_noacct(bio);
	}
}

/*
 * The handshake succeeded: replicate the held writes, then go on. This
 * runs in the connection thread before the receiver starts; the peer's
 * acks wait in our socket meanwhile, and the held writes are few (one
 * queue's worth), so they cannot fill it.
 */
void twin_fence_reconnected(struct twin_res *res)
{
	struct twin_req *req, *tmp;
	struct bio_list bios;
	LIST_HEAD(reqs);
	bool sent;

	bio_list_init(&bios);
	if (twin_fence_take(res, TWIN_SUSP_NONE, &reqs, &bios) ==
	    TWIN_SUSP_NONE)
		return;
	list_for_each_entry_safe(req, tmp, &reqs, hold) {
		list_del_init(&req->hold);
		spin_lock_irq(&res->lock);
		sent = res->established && twin_req_add_peer(res, req);
		spin_unlock_irq(&res->lock);
		/* a send error breaks the connection, which holds it again */
		if (sent)
			twin_req_send(res, req);
		else if (twin_fence_end_req(req, true))
			twin_fence_doubt(res);
	}
	twin_fence_finish(res, &reqs, &bios, false);
}

/* RESUME_IO: the peer is fenced; we are the only copy from now on. */
int twin_fence_resume(struct twin_res *res)
{
	struct bio_list bios;
	struct twin_state st;
	LIST_HEAD(reqs);
	u8 susp;

	spin_lock_irq(&res->lock);
	susp = res->susp;
	spin_unlock_irq(&res->lock);
	if (susp == TWIN_SUSP_NONE)
		return 0;
	/* the peer must count as older before any write completes alone */
	twin_get_state(res, &st);
	if (st.role == TWIN_ROLE_PRIMARY && st.disk == TWIN_DISK_UPTODATE &&
	    twin_get_ldev(res)) {
		twin_uuid_new_current(res);
		twin_md_write(res);
		twin_put_ldev(res);
	}
	bio_list_init(&bios);
	twin_fence_take(res, TWIN_SUSP_NONE, &reqs, &bios);
	twin_fence_finish(res, &reqs, &bios, false);
	return 0;
}

/* FAIL_IO: we lost; let the upper layers give up so we can demote. */
int twin_fence_fail(struct twin_res *res)
{
	struct bio_list bios;
	struct twin_state st;
	LIST_HEAD(reqs);

	twin_get_state(res, &st);
	if (st.role != TWIN_ROLE_PRIMARY)
		return 0;
	bio_list_init(&bios);
	twin_fence_take(res, TWIN_SUSP_FAIL_IO, &reqs, &bios);
	twin_fence_finish(res, &reqs, &bios, true);
	return 0;
}

/* Demoted or disconnected by the operator: nothing may stay held. */
void twin_fence_end(struct twin_res *res)
{
	struct bio_list bios;
	LIST_HEAD(reqs);

	bio_list_init(&bios);
	twin_fence_take(res, TWIN_SUSP_NONE, &reqs, &bios);
	twin_fence_finish(res, &reqs, &bios, true);
}
