// SPDX-License-Identifier: GPL-2.0
/*
 * req.c - application I/O on the Primary: submit_bio, the local part, the
 * peer part, and completion per protocol.
 *
 * A request has up to two parts. It completes to the upper layer when
 *   protocol C: the local write and the peer's ack are both in;
 *   protocol A: the local write is done and the data is in the socket;
 * and in either protocol, if the local disk failed, when the peer's ack is
 * in. Reads are served locally; from the peer when the local disk is not
 * usable or a local read fails. The struct lives until both parts ended.
 */
#include "twin.h"

static void twin_req_put(struct twin_req *req)
{
	if (refcount_dec_and_test(&req->ref)) {
		/* both parts ended: the extent may leave the activity log */
		twin_al_done(req->res, &req->al);
		atomic_dec(&req->res->app_pending);
		kfree(req);
	}
}

static bool twin_req_ready(struct twin_req *req)
{
	if (req->local_pending || req->retry_queued)
		return false;
	if (!req->peer_pending)
		return true;
	return req->write && req->proto_a && req->local_ok && req->peer_sent;
}

/* Re-evaluate after any event; completes the master bio exactly once. */
static void twin_req_event(struct twin_req *req)
{
	struct bio *master = NULL;
	unsigned long flags;
	blk_status_t status;

	spin_lock_irqsave(&req->lock, flags);
	if (!req->master_done && twin_req_ready(req)) {
		req->master_done = true;
		master = req->master;
		status = (req->local_ok || req->peer_ok) && !req->fail_io ?
			 BLK_STS_OK : BLK_STS_IOERR;
	}
	spin_unlock_irqrestore(&req->lock, flags);
	if (master) {
		master->bi_status = status;
		bio_endio(master);
	}
}

static void twin_write_done_interval(struct twin_req *req)
{
	struct twin_res *res = req->res;
	unsigned long flags;

	spin_lock_irqsave(&res->lock, flags);
	list_del_init(&req->wlist);
	spin_unlock_irqrestore(&res->lock, flags);
	wake_up_all(&res->state_wait);
}

static void twin_local_endio(struct bio *clone)
{
	struct twin_req *req = clone->bi_private;
	struct twin_res *res = req->res;
	bool ok = !clone->bi_status;
	unsigned long flags;
	bool retry = false;

	bio_put(clone);
	if (!ok) {
		pr_err_ratelimited("%s: local %s error at sector %llu\n",
				   res->name, req->write ? "write" : "read",
				   (unsigned long long)req->sector);
		twin_disk_failed(res);
	}
	spin_lock_irqsave(&res->lock, flags);
	if (req->write)
		res->stats.disk_write += req->size;
	else
		res->stats.disk_read += req->size;
	/* a failed read is retried at an UpToDate peer */
	if (!ok && !req->write && res->established &&
	    res->st.peer_disk == TWIN_DISK_UPTODATE)
		retry = true;
	spin_unlock_irqrestore(&res->lock, flags);
	if (req->write)
		twin_write_done_interval(req);

	spin_lock_irqsave(&req->lock, flags);
	req->local_pending = false;
	req->local_ok = ok;
	req->retry_queued = retry;
	spin_unlock_irqrestore(&req->lock, flags);
	twin_put_ldev(res);
	if (retry) {
		refcount_inc(&req->ref);
		queue_work(res->wq, &req->work);
	}
	twin_req_event(req);
	twin_req_put(req);
}

/*
 * Register @req with the peer; res->lock held with interrupts off, which
 * the xarray's IRQ-safe lock needs (res->lock is taken from end_io).
 */
bool twin_req_add_peer(struct twin_res *res, struct twin_req *req)
{
	int err;

	err = xa_alloc_cyclic(&res->peer_reqs, &req->id, req, xa_limit_31b,
			      &res->next_id, GFP_ATOMIC);
	if (err < 0)
		return false;
	req->peer_pending = true;
	refcount_inc(&req->ref);
	atomic_inc(&res->peer_pending);
	return true;
}

/* Called exactly once per peer part, after it was removed from the xarray. */
void twin_req_peer_done(struct twin_req *req, bool ok)
{
	atomic_dec(&req->res->peer_pending);
	twin_req_peer_end(req, ok);
}

/* End the peer part of a request no longer counted in peer_pending. */
void twin_req_peer_end(struct twin_req *req, bool ok)
{
	unsigned long flags;

	/* the peer may not have it: its blocks are out of sync */
	if (!ok && req->write)
		twin_bm_set(req->res, req->sector, req->size);
	spin_lock_irqsave(&req->lock, flags);
	req->peer_pending = false;
	req->peer_ok = ok;
	spin_unlock_irqrestore(&req->lock, flags);
	twin_req_event(req);
	twin_req_put(req);
}

struct twin_req *twin_req_take(struct twin_res *res, u64 block_id)
{
	if (!block_id || block_id > U32_MAX)
		return NULL;
	return xa_erase_irq(&res->peer_reqs, block_id);
}

/*
 * The connection is gone: every peer part ends unsuccessfully, except
 * writes that fencing holds until it is known what happened to the peer.
 */
void twin_fail_peer_reqs(struct twin_res *res)
{
	struct twin_req *req;
	unsigned long id;

	xa_for_each(&res->peer_reqs, id, req) {
		if (xa_erase_irq(&res->peer_reqs, id) != req)
			continue;
		atomic_dec(&res->peer_pending);
		if (!req->write || !twin_fence_hold_req(res, req))
			twin_req_peer_end(req, false);
	}
}

/* Receive READ_REPLY data straight into the application's pages. */
int twin_req_recv_read(struct twin_res *res, struct twin_req *req, u32 len)
{
	struct bvec_iter iter;
	struct bio_vec bv;
	int err;

	if (req->write || len != req->size)
		return -EPROTO;
	bio_for_each_segment(bv, req->master, iter) {
		err = twin_recv_bvec(res, &bv, 1, bv.bv_len);
		if (err)
			return err;
	}
	return 0;
}

int twin_req_send(struct twin_res *res, struct twin_req *req)
{
	struct twin_p_data d = {
		.block_id = cpu_to_be64(req->id),
		.sector = cpu_to_be64(req->sector),
		.size = cpu_to_be32(req->size),
	};
	struct twin_p_barrier b = { 0 };
	int err;

	if (!req->write)
		return twin_send(res, TWIN_P_READ_REQ, &d, sizeof(d),
				 NULL, NULL, 0, 0);
	if (req->master->bi_opf & REQ_PREFLUSH) {
		if (req->flush_only)
			b.block_id = cpu_to_be64(req->id);
		err = twin_send(res, TWIN_P_BARRIER, &b, sizeof(b),
				NULL, NULL, 0, 0);
		if (err || req->flush_only)
			return err;
	}
	if (req->master->bi_opf & REQ_FUA)
		d.flags |= cpu_to_be32(TWIN_DF_FUA);
	if (req->master->bi_opf & REQ_SYNC)
		d.flags |= cpu_to_be32(TWIN_DF_SYNC);
	return twin_send(res, TWIN_P_DATA, &d, sizeof(d), req->master,
			 NULL, 0, req->size);
}

static void twin_req_retry_work(struct work_struct *work)
{
	struct twin_req *req = container_of(work, struct twin_req, work);
	struct twin_res *res = req->res;
	bool peer;

	spin_lock_irq(&res->lock);
	peer = res->established && twin_req_add_peer(res, req);
	spin_unlock_irq(&res->lock);
	spin_lock_irq(&req->lock);
	req->retry_queued = false;
	spin_unlock_irq(&req->lock);
	if (peer)
		twin_req_send(res, req);
	twin_req_event(req);
	twin_req_put(req);
}

/* Does [sector, sector + size) overlap a local write in flight? lock held */
bool twin_overlaps_writes(struct twin_res *res, sector_t sector,
				 u32 size)
{
	sector_t end = sector + (size >> SECTOR_SHIFT);
	struct twin_req *req;

	list_for_each_entry(req, &res->active_writes, wlist)
		if (req->sector < end &&
		    sector < req->sector + (req->size >> SECTOR_SHIFT))
			return true;
	return false;
}

static bool twin_resync_busy(struct twin_res *res, sector_t sector, u32 size)
{
	bool busy;

	spin_lock_irq(&res->lock);
	busy = twin_resync_blocks(res, sector, size);
	spin_unlock_irq(&res->lock);
	return busy;
}

/*
 * Decide which parts the request gets, under res->lock. A write waits
 * while a resync read of the same blocks is in flight, so the resync
 * never sends data older than a write the peer already has. Returns true
 * when fencing took the write instead (held, or failed after FAIL_IO).
 */
static bool twin_req_route(struct twin_res *res, struct twin_req *req,
			   bool *local, bool *peer)
{
	bool local_ok, peer_ok, peer_uptodate;

	for (;;) {
		spin_lock_irq(&res->lock);
		if (!req->write || !twin_resync_blocks(res, req->sector,
						       req->size))
			break;
		spin_unlock_irq(&res->lock);
		wait_event(res->state_wait,
			   !twin_resync_busy(res, req->sector, req->size));
	}
	/* checked under the lock that also ends "established" */
	if (req->write && res->susp != TWIN_SUSP_NONE)
		return twin_fence_route(res, req);
	/* the first write the peer misses starts a new generation */
	if (req->write && req->size && twin_gen_needed(res)) {
		refcount_inc(&req->ref);	/* twin_gen_work() routes it */
		list_add_tail(&req->hold, &res->gen_reqs);
		spin_unlock_irq(&res->lock);
		queue_work(res->wq, &res->gen_work);
		return true;
	}
	local_ok = res->ldev && !res->disk_failed &&
		   res->st.disk >= TWIN_DISK_INCONSISTENT;
	peer_ok = res->established && res->st.conn >= TWIN_CONN_CONNECTED &&
		  res->st.peer_disk >= TWIN_DISK_INCONSISTENT;
	peer_uptodate = peer_ok && res->st.peer_disk == TWIN_DISK_UPTODATE;
	if (req->write) {
		*local = local_ok;
		*peer = peer_ok;
	} else if (local_ok && (res->st.disk == TWIN_DISK_UPTODATE ||
				(res->st.disk >= TWIN_DISK_CONSISTENT &&
				 !peer_uptodate))) {
		*local = true;
		*peer = false;
	} else {
		*local = false;
		*peer = peer_uptodate;
	}
	if (*local) {
		atomic_inc(&res->local_pending);
		req->local_pending = true;
		refcount_inc(&req->ref);
		if (req->write)
			list_add_tail(&req->wlist, &res->active_writes);
	}
	if (*peer && !twin_req_add_peer(res, req))
		*peer = false;
	/* a write the peer does not get: its blocks are out of sync */
	if (req->write && *local && !*peer)
		__twin_bm_set(res, req->sector, req->size);
	req->proto_a = res->nc && res->nc->protocol == TWIN_PROT_A;
	spin_unlock_irq(&res->lock);
	return false;
}

static void twin_req_submit_local(struct twin_res *res, struct twin_req *req)
{
	struct bio *clone;

	clone = bio_alloc_clone(res->ldev->bdev, req->master, GFP_NOIO,
				&res->bs);
	clone->bi_private = req;
	clone->bi_end_io = twin_local_endio;
	submit_bio_noacct(clone);
}

/* Route and start the parts of @req; drops the submitter's reference. */
static void twin_req_go(struct twin_req *req)
{
	struct twin_res *res = req->res;
	bool local, peer;

	if (twin_req_route(res, req, &local, &peer)) {
		twin_req_put(req);	/* fencing took the bio */
		return;
	}
	if (peer && twin_req_send(res, req) == 0) {
		spin_lock_irq(&req->lock);
		req->peer_sent = true;
		spin_unlock_irq(&req->lock);
	}
	if (local)
		twin_req_submit_local(res, req);
	twin_req_event(req);
	twin_req_put(req);
}

/* Start the new data generation, then route the writes that waited. */
void twin_gen_work(struct work_struct *work)
{
	struct twin_res *res = container_of(work, struct twin_res, gen_work);
	struct twin_req *req, *tmp;
	LIST_HEAD(list);
	bool need;

	spin_lock_irq(&res->lock);
	need = twin_gen_needed(res);
	spin_unlock_irq(&res->lock);
	if (need)
		twin_gen_new(res);
	spin_lock_irq(&res->lock);
	list_splice_init(&res->gen_reqs, &list);
	spin_unlock_irq(&res->lock);
	list_for_each_entry_safe(req, tmp, &list, hold) {
		list_del_init(&req->hold);
		twin_req_go(req);
	}
}

/* The activity log worker made the write's extents active on disk. */
static void twin_req_al_ready(struct twin_al_waiter *w)
{
	twin_req_go(container_of(w, struct twin_req, al));
}

void twin_submit_bio(struct bio *bio)
{
	struct twin_res *res = bio->bi_bdev->bd_disk->private_data;
	struct twin_req *req;

	bio = bio_split_to_limits(bio);
	if (!bio)
		return;
	if (bio_op(bio) != REQ_OP_READ && bio_op(bio) != REQ_OP_WRITE) {
		bio->bi_status = BLK_STS_NOTSUPP;
		bio_endio(bio);
		return;
	}
	if (!bio->bi_iter.bi_size && !(bio->bi_opf & REQ_PREFLUSH)) {
		bio_endio(bio);		/* nothing to do */
		return;
	}
	req = kzalloc(sizeof(*req), GFP_NOIO);
	if (!req) {
		bio->bi_status = BLK_STS_RESOURCE;
		bio_endio(bio);
		return;
	}
	req->res = res;
	req->master = bio;
	req->sector = bio->bi_iter.bi_sector;
	req->size = bio->bi_iter.bi_size;
	req->write = op_is_write(bio_op(bio));
	req->flush_only = req->write && !req->size;
	spin_lock_init(&req->lock);
	refcount_set(&req->ref, 1);
	INIT_LIST_HEAD(&req->wlist);
	INIT_LIST_HEAD(&req->hold);
	INIT_WORK(&req->work, twin_req_retry_work);
	atomic_inc(&res->app_pending);
	WRITE_ONCE(res->last_app_io, jiffies);	/* resync rate control */

	/*
	 * Neither part of a write starts before its extent is active in the
	 * on-disk activity log: after a crash of this node, every block
	 * that may differ from the peer lies in the log or the bitmap.
	 */
	if (req->write && req->size) {
		req->al.sector = req->sector;
		req->al.bytes = req->size;
		req->al.ready = twin_req_al_ready;
		if (!twin_al_start(res, &req->al))
			return;		/* twin_req_al_ready() goes on */
	}
	twin_req_go(req);
}
