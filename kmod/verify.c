// SPDX-License-Identifier: GPL-2.0
/*
 * verify.c - online verify ("twinadm verify"): compare a checksum of every
 * 4 KiB block with the peer's copy while the device stays in service.
 *
 * The node where it is started (VerifyS) runs a thread that walks the
 * device in TWIN_OV_CHUNK_BYTES ranges, at most TWIN_OV_MAX_INFLIGHT of
 * them unanswered. For each range:
 *   source: lock the range (our application writes to it wait, those in
 *	flight drain, so their DATA is in the socket), send OV_REQ;
 *   peer: lock the range the same way, read it behind the peer writes
 *	received before the OV_REQ (active_ee order), answer OV_REPLY with
 *	the crc32c of every block, unlock;
 *   source: read its own copy behind the peer writes received before the
 *	OV_REPLY, compare, set the bitmap bit of every differing block,
 *	unlock.
 * Whichever node is Primary, both reads then see the same writes, so a
 * write racing the verify is never reported as a difference. Differing
 * blocks are only marked: the next resync (disconnect/connect) repairs
 * them, the bitmap exchange at the handshake tells the peer.
 */
#include "twin.h"

#include <crypto/hash.h>
#include <linux/kthread.h>

enum twin_ov_req_state {
	TWIN_OVR_SENT,		/* source: OV_REQ sent, no reply yet */
	TWIN_OVR_READING,	/* source: reply in, own read in flight */
	TWIN_OVR_PEER,		/* peer: reading the range for the source */
};

/* A range being verified; its lock is in res->rs_ranges while held. */
struct twin_ov_req {
	struct list_head list;		/* res->ov.reqs */
	struct twin_range range;
	u64 id;
	u8 state;			/* enum twin_ov_req_state */
	u8 digests[];			/* source: the peer's, per block */
};

static u32 twin_ov_blocks(u32 size)
{
	return DIV_ROUND_UP(size, TWIN_OV_BLOCK_BYTES);
}

void twin_verify_init(struct twin_res *res)
{
	INIT_LIST_HEAD(&res->ov.reqs);
}

void twin_verify_free(struct twin_res *res)
{
	if (res->ov.tfm)
		crypto_free_shash(res->ov.tfm);
	res->ov.tfm = NULL;
}

static int twin_ov_tfm(struct twin_res *res)
{
	struct crypto_shash *tfm;

	if (READ_ONCE(res->ov.tfm))
		return 0;
	tfm = crypto_alloc_shash("crc32c", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	if (crypto_shash_digestsize(tfm) != TWIN_OV_DIGEST_BYTES) {
		crypto_free_shash(tfm);
		return -EINVAL;
	}
	if (cmpxchg(&res->ov.tfm, NULL, tfm))
		crypto_free_shash(tfm);
	return 0;
}

/* The checksum of every block of @pr's data, into @out. */
static int twin_ov_digest(struct twin_res *res, struct twin_peer_req *pr,
			  u8 *out)
{
	SHASH_DESC_ON_STACK(desc, res->ov.tfm);
	u32 off, len;
	int err = 0;

	desc->tfm = res->ov.tfm;
	for (off = 0; off < pr->size && !err; off += TWIN_OV_BLOCK_BYTES) {
		struct bio_vec *bv = &pr->bvec[off / PAGE_SIZE];

		len = min(pr->size - off, TWIN_OV_BLOCK_BYTES);
		err = crypto_shash_digest(desc, page_address(bv->bv_page) +
					  off % PAGE_SIZE, len, out);
		out += TWIN_OV_DIGEST_BYTES;
	}
	shash_desc_zero(desc);
	return err;
}

/* Take request @id in @state off res->ov.reqs; NULL if not there. */
static struct twin_ov_req *twin_ov_take(struct twin_res *res, u64 id,
					u8 state)
{
	struct twin_ov_req *req, *found = NULL;

	spin_lock_irq(&res->lock);
	list_for_each_entry(req, &res->ov.reqs, list) {
		if (req->id == id && req->state == state) {
			list_del(&req->list);
			found = req;
			break;
		}
	}
	spin_unlock_irq(&res->lock);
	return found;
}

/* A SyncProgress event about once a second while a verify runs. */
static void twin_ov_progress(struct twin_res *res)
{
	bool report = false;

	spin_lock_irq(&res->lock);
	if (res->ov.total && time_after_eq(jiffies, res->ov.mark_time + HZ)) {
		res->ov.mark_time = jiffies;
		report = true;
	}
	spin_unlock_irq(&res->lock);
	if (report)
		twin_nl_event(res, TWIN_EVENT_SYNC_PROGRESS);
}

/* ---- source side ---- */

/* One of our ranges is finished (@status: 0 or a positive errno). */
static void twin_ov_req_end(struct twin_res *res, struct twin_ov_req *req,
			    int status)
{
	spin_lock_irq(&res->lock);
	list_del(&req->range.list);
	res->ov.inflight--;
	res->ov.left -= min_t(sector_t, res->ov.left,
			      req->range.size >> SECTOR_SHIFT);
	if (status && !res->ov.error)
		res->ov.error = status;
	spin_unlock_irq(&res->lock);
	wake_up_all(&res->state_wait);
	kfree(req);
}

static int twin_ov_send_req(struct twin_res *res, sector_t sector, u32 size)
{
	u32 dbytes = twin_ov_blocks(size) * TWIN_OV_DIGEST_BYTES;
	struct twin_p_data d = {
		.sector = cpu_to_be64(sector),
		.size = cpu_to_be32(size),
	};
	struct twin_ov_req *req;

	req = kzalloc(struct_size(req, digests, dbytes), GFP_NOIO);
	if (!req)
		return -ENOMEM;
	req->range.sector = sector;
	req->range.size = size;
	req->state = TWIN_OVR_SENT;
	wait_event(res->state_wait, twin_range_try_lock(res, &req->range));
	spin_lock_irq(&res->lock);
	req->id = ++res->ov.next_id;
	list_add_tail(&req->list, &res->ov.reqs);
	res->ov.inflight++;
	spin_unlock_irq(&res->lock);
	d.block_id = cpu_to_be64(req->id);
	/* on failure the connection breaks and the thread cleans up */
	return twin_send(res, TWIN_P_OV_REQ, &d, sizeof(d), NULL, NULL, 0, 0);
}

/* Drop @bytes of a reply nobody waits for (a stopped verify). */
static int twin_ov_skip(struct twin_res *res, u32 bytes)
{
	u8 buf[64];
	u32 n;
	int err = 0;

	while (bytes && !err) {
		n = min_t(u32, bytes, sizeof(buf));
		err = twin_recv(res, res->sock, buf, n);
		bytes -= n;
	}
	return err;
}

/* OV_REPLY (receiver): take the peer's digests, read our own copy. */
int twin_ov_h_reply(struct twin_res *res, void *p, u32 bytes)
{
	struct twin_p_ov_reply *r = p;
	u32 status = be32_to_cpu(r->status);
	struct twin_peer_req *pr;
	struct twin_ov_req *req;
	u32 want;
	int err;

	req = twin_ov_take(res, be64_to_cpu(r->block_id), TWIN_OVR_SENT);
	if (!req)
		return twin_ov_skip(res, bytes);
	want = status ? 0 : twin_ov_blocks(req->range.size) *
			    TWIN_OV_DIGEST_BYTES;
	if (bytes != want || be64_to_cpu(r->sector) != req->range.sector ||
	    be32_to_cpu(r->size) != req->range.size) {
		twin_ov_req_end(res, req, EPROTO);
		return -EPROTO;
	}
	err = twin_recv(res, res->sock, req->digests, bytes);
	if (err || status) {
		twin_ov_req_end(res, req, err ? ECONNABORTED : status);
		return err;
	}
	pr = twin_peer_req_alloc(res, req->range.size);
	if (!pr) {
		twin_ov_req_end(res, req, ENOMEM);
		return 0;
	}
	pr->answer = TWIN_OV_LOCAL_READ;
	pr->block_id = req->id;
	pr->sector = req->range.sector;
	if (!twin_get_ldev(res)) {
		twin_peer_req_free(pr);
		twin_ov_req_end(res, req, ENODEV);
		return 0;
	}
	spin_lock_irq(&res->lock);
	req->state = TWIN_OVR_READING;
	list_add_tail(&req->list, &res->ov.reqs);
	spin_unlock_irq(&res->lock);
	twin_peer_submit(res, pr, REQ_OP_READ);
	return 0;
}

/* Our own read is in (ack worker): compare, mark what differs. */
static void twin_ov_compare(struct twin_res *res, struct twin_peer_req *pr)
{
	u32 blocks = twin_ov_blocks(pr->size), i, off;
	int status = pr->status;
	struct twin_ov_req *req;
	u64 found = 0;
	u8 *mine;

	req = twin_ov_take(res, pr->block_id, TWIN_OVR_READING);
	if (WARN_ON_ONCE(!req))
		return;
	mine = kmalloc_array(blocks, TWIN_OV_DIGEST_BYTES, GFP_NOIO);
	if (!mine)
		status = ENOMEM;
	else if (!status && twin_ov_digest(res, pr, mine))
		status = EIO;
	for (i = 0; !status && i < blocks; i++) {
		off = i * TWIN_OV_BLOCK_BYTES;
		if (!memcmp(mine + i * TWIN_OV_DIGEST_BYTES,
			    req->digests + i * TWIN_OV_DIGEST_BYTES,
			    TWIN_OV_DIGEST_BYTES))
			continue;
		pr_info_ratelimited("%s: verify: block at sector %llu differs from the peer's\n",
				    res->name, (unsigned long long)
				    (pr->sector + (off >> SECTOR_SHIFT)));
		twin_bm_set(res, pr->sector + (off >> SECTOR_SHIFT),
			    min(pr->size - off, TWIN_OV_BLOCK_BYTES));
		found++;
	}
	kfree(mine);
	spin_lock_irq(&res->lock);
	res->ov.oos += found;
	spin_unlock_irq(&res->lock);
	twin_ov_req_end(res, req, status);
	twin_ov_progress(res);
}

static bool twin_ov_must_stop(struct twin_res *res)
{
	return kthread_should_stop() || !READ_ONCE(res->established) ||
	       READ_ONCE(res->ov.error) ||
	       READ_ONCE(res->st.disk) != TWIN_DISK_UPTODATE ||
	       READ_ONCE(res->st.peer_disk) != TWIN_DISK_UPTODATE;
}

static bool twin_ov_may_send(struct twin_res *res)
{
	return READ_ONCE(res->ov.inflight) < TWIN_OV_MAX_INFLIGHT ||
	       twin_ov_must_stop(res);
}

static bool twin_ov_drained(struct twin_res *res)
{
	return !READ_ONCE(res->ov.inflight) || kthread_should_stop() ||
	       !READ_ONCE(res->established);
}

/* The connection is gone: our OV_REQs will never be answered. */
static void twin_ov_drop_sent(struct twin_res *res)
{
	struct twin_ov_req *req, *tmp;
	LIST_HEAD(dead);

	spin_lock_irq(&res->lock);
	list_for_each_entry_safe(req, tmp, &res->ov.reqs, list)
		if (req->state == TWIN_OVR_SENT)
			list_move_tail(&req->list, &dead);
	spin_unlock_irq(&res->lock);
	list_for_each_entry_safe(req, tmp, &dead, list) {
		list_del(&req->list);
		twin_ov_req_end(res, req, ECONNABORTED);
	}
	/* replies being received or compared finish by themselves */
	wait_event(res->state_wait, !READ_ONCE(res->ov.inflight));
}

static const char *twin_ov_why(int status)
{
	switch (status) {
	case ECONNABORTED:
		return "connection lost";
	case ENODATA:
		return "data not UpToDate on the peer";
	case EBUSY:
		return "the peer started a verify too";
	case ENODEV:
		return "local disk detached";
	case EIO:
		return "read error";
	default:
		return "error";
	}
}

static void twin_ov_finish(struct twin_res *res, sector_t reached)
{
	struct twin_p_ov_done d = { 0 };
	int status;
	u64 oos;

	if (!res->established || kthread_should_stop())
		twin_ov_drop_sent(res);
	spin_lock_irq(&res->lock);
	status = res->ov.error;
	if (!status && reached < res->ov.total)
		status = ECONNABORTED;
	oos = res->ov.oos;
	res->ov.total = 0;
	res->ov.left = 0;
	spin_unlock_irq(&res->lock);
	d.oos_blocks = cpu_to_be64(oos);
	d.status = cpu_to_be32(status);
	if (res->established)
		twin_send(res, TWIN_P_OV_DONE, &d, sizeof(d), NULL, NULL, 0, 0);
	/* keep what we found across a crash */
	if (oos && twin_get_ldev(res)) {
		twin_bm_write_all(res);
		twin_put_ldev(res);
	}
	if (status)
		pr_warn("%s: verify stopped at sector %llu (%s, %d), %llu blocks out of sync so far\n",
			res->name, (unsigned long long)reached,
			twin_ov_why(status), status, oos);
	else
		pr_info("%s: verify finished: %llu blocks (%llu KiB) out of sync\n",
			res->name, oos, oos * (TWIN_OV_BLOCK_BYTES >> 10));
	/* the state change carries the final counters to listeners */
	if (res->established && READ_ONCE(res->st.conn) == TWIN_CONN_VERIFY_S)
		twin_set_conn(res, TWIN_CONN_CONNECTED);
	else
		twin_nl_event(res, TWIN_EVENT_CHANGE);
}

static int twin_ov_thread(void *arg)
{
	struct twin_res *res = arg;
	sector_t total = READ_ONCE(res->ov.total), sector = 0;
	u32 chunk = TWIN_OV_CHUNK_BYTES >> SECTOR_SHIFT, n;
	ktime_t next = ktime_get();
	int err;

	while (sector < total) {
		wait_event_interruptible(res->state_wait,
					 twin_ov_may_send(res));
		if (twin_ov_must_stop(res))
			break;
		n = min_t(sector_t, chunk, total - sector);
		/* verify reads both disks: it obeys the resync rate limits */
		twin_rs_throttle(res, &next, n << SECTOR_SHIFT);
		err = twin_ov_send_req(res, sector, n << SECTOR_SHIFT);
		if (err) {
			spin_lock_irq(&res->lock);
			if (!res->ov.error)
				res->ov.error = -err;
			spin_unlock_irq(&res->lock);
			break;
		}
		sector += n;
		twin_ov_progress(res);
	}
	wait_event_interruptible(res->state_wait, twin_ov_drained(res));
	twin_ov_finish(res, sector);
	/* stay until reaped, so ov.task is valid for kthread_stop() */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* "twinadm verify": this node becomes VerifyS. */
int twin_verify_start(struct twin_res *res, const char **why)
{
	struct task_struct *task;
	struct twin_state st;
	int err;

	twin_get_state(res, &st);
	if (twin_conn_is_sync(st.conn) || READ_ONCE(res->ov.total)) {
		*why = "a resync or verify is running; wait until it ends";
		return -EBUSY;
	}
	if (!res->established || st.conn != TWIN_CONN_CONNECTED) {
		*why = "not connected to the peer";
		return -ENOTCONN;
	}
	if (st.disk != TWIN_DISK_UPTODATE ||
	    st.peer_disk != TWIN_DISK_UPTODATE) {
		*why = "verify needs UpToDate data on both nodes";
		return -ENODATA;
	}
	err = twin_ov_tfm(res);
	if (err) {
		*why = "the kernel has no crc32c checksum";
		return err;
	}
	twin_verify_stop(res);		/* reap the last verify's thread */
	spin_lock_irq(&res->lock);
	res->ov.total = res->size;
	res->ov.left = res->size;
	res->ov.oos = 0;
	res->ov.error = 0;
	res->ov.inflight = 0;
	res->ov.mark_time = jiffies;
	res->ov.was_source = true;
	res->ov.ran = true;
	spin_unlock_irq(&res->lock);
	twin_set_conn(res, TWIN_CONN_VERIFY_S);
	task = kthread_run(twin_ov_thread, res, "twin_ov_%s", res->name);
	if (IS_ERR(task)) {
		spin_lock_irq(&res->lock);
		res->ov.total = 0;
		res->ov.left = 0;
		spin_unlock_irq(&res->lock);
		twin_set_conn(res, TWIN_CONN_CONNECTED);
		*why = "cannot start the verify thread";
		return PTR_ERR(task);
	}
	res->ov.task = task;
	pr_info("%s: online verify of %llu sectors starts\n", res->name,
		(unsigned long long)res->size);
	return 0;
}

/* Stop our verify (connection lost, or before the next one). */
void twin_verify_stop(struct twin_res *res)
{
	struct task_struct *task = xchg(&res->ov.task, NULL);

	if (task)
		kthread_stop(task);
	/* a verify the peer ran ends with the connection */
	spin_lock_irq(&res->lock);
	if (!res->established) {
		res->ov.total = 0;
		res->ov.left = 0;
	}
	spin_unlock_irq(&res->lock);
}

/* ---- peer side ---- */

/* May we serve the peer's verify? 0 or a positive errno for the reply. */
static int twin_ov_peer_begin(struct twin_res *res, sector_t sector,
			      u32 size)
{
	int status = twin_ov_tfm(res) ? ENOMEM : 0;
	bool first = false;

	spin_lock_irq(&res->lock);
	if (status) {
		/* answered with ENOMEM */
	} else if (res->st.disk != TWIN_DISK_UPTODATE) {
		status = ENODATA;
	} else if (res->st.conn == TWIN_CONN_CONNECTED) {
		first = true;
		res->ov.total = res->size;
		res->ov.oos = 0;
		res->ov.mark_time = jiffies;
		res->ov.was_source = false;
		res->ov.ran = true;
	} else if (res->st.conn != TWIN_CONN_VERIFY_T) {
		status = EBUSY;
	}
	if (!status)
		res->ov.left = res->ov.total - min_t(sector_t, res->ov.total,
						     sector + (size >> SECTOR_SHIFT));
	spin_unlock_irq(&res->lock);
	if (first) {
		pr_info("%s: the peer started an online verify\n", res->name);
		twin_set_conn(res, TWIN_CONN_VERIFY_T);
	}
	return status;
}

/* Answer an OV_REQ with @status and no digests. */
static int twin_ov_refuse(struct twin_res *res, const struct twin_p_data *d,
			  int status)
{
	struct twin_peer_req *pr = twin_peer_req_alloc(res, 0);

	if (!pr)
		return -ENOMEM;
	pr->answer = TWIN_P_OV_REPLY;
	pr->block_id = be64_to_cpu(d->block_id);
	pr->sector = be64_to_cpu(d->sector);
	pr->size = be32_to_cpu(d->size);	/* echoed, no pages */
	pr->status = status;
	twin_peer_req_done(pr);
	return 0;
}

/* OV_REQ (receiver): read the range for the peer, behind its writes. */
int twin_ov_h_req(struct twin_res *res, void *p, u32 bytes)
{
	struct twin_p_data *d = p;
	sector_t sector = be64_to_cpu(d->sector);
	u32 size = be32_to_cpu(d->size);
	struct twin_peer_req *pr = NULL;
	struct twin_ov_req *req = NULL;
	int status;

	if (!size || size > TWIN_OV_CHUNK_BYTES || size & (SECTOR_SIZE - 1) ||
	    sector + (size >> SECTOR_SHIFT) > res->size)
		return -EPROTO;
	status = twin_ov_peer_begin(res, sector, size);
	if (!status) {
		req = kzalloc(sizeof(*req), GFP_NOIO);
		pr = twin_peer_req_alloc(res, size);
		if (!req || !pr)
			status = ENOMEM;
	}
	if (!status && !twin_get_ldev(res))
		status = ENODATA;
	if (status) {
		kfree(req);
		if (pr)
			twin_peer_req_free(pr);
		return twin_ov_refuse(res, d, status);
	}
	pr->answer = TWIN_P_OV_REPLY;
	pr->block_id = be64_to_cpu(d->block_id);
	pr->sector = sector;
	req->id = pr->block_id;
	req->range.sector = sector;
	req->range.size = size;
	req->state = TWIN_OVR_PEER;
	wait_event(res->state_wait, twin_range_try_lock(res, &req->range));
	spin_lock_irq(&res->lock);
	list_add_tail(&req->list, &res->ov.reqs);
	spin_unlock_irq(&res->lock);
	twin_peer_submit(res, pr, REQ_OP_READ);
	twin_ov_progress(res);
	return 0;
}

/* Our read for the peer is in (ack worker): send the digests, unlock. */
static void twin_ov_reply(struct twin_res *res, struct twin_peer_req *pr)
{
	u32 dbytes = twin_ov_blocks(pr->size) * TWIN_OV_DIGEST_BYTES;
	struct twin_p_ov_reply *r, fail = { 0 };
	struct twin_ov_req *req;
	int status = pr->status;

	r = kzalloc(sizeof(*r) + dbytes, GFP_NOIO);
	if (!r) {
		r = &fail;
		status = ENOMEM;
	}
	if (!status && twin_ov_digest(res, pr, (u8 *)(r + 1)))
		status = EIO;
	r->block_id = cpu_to_be64(pr->block_id);
	r->sector = cpu_to_be64(pr->sector);
	r->size = cpu_to_be32(pr->size);
	r->status = cpu_to_be32(status);
	twin_send(res, TWIN_P_OV_REPLY, r, sizeof(*r) + (status ? 0 : dbytes),
		  NULL, NULL, 0, 0);
	if (r != &fail)
		kfree(r);
	req = twin_ov_take(res, pr->block_id, TWIN_OVR_PEER);
	if (req) {
		twin_range_unlock(res, &req->range);
		kfree(req);
	}
}

void twin_ov_answer(struct twin_res *res, struct twin_peer_req *pr)
{
	if (pr->answer == TWIN_P_OV_REPLY)
		twin_ov_reply(res, pr);
	else
		twin_ov_compare(res, pr);
}

/* OV_DONE (receiver): the peer's verify ended. */
int twin_ov_h_done(struct twin_res *res, void *p, u32 bytes)
{
	struct twin_p_ov_done *d = p;
	u64 oos = be64_to_cpu(d->oos_blocks);
	u32 status = be32_to_cpu(d->status);

	/* both started at once: we refused theirs, ours goes on */
	if (READ_ONCE(res->st.conn) == TWIN_CONN_VERIFY_S)
		return 0;
	spin_lock_irq(&res->lock);
	res->ov.oos = oos;
	res->ov.total = 0;
	res->ov.left = 0;
	spin_unlock_irq(&res->lock);
	pr_info("%s: the peer's verify %s: %llu blocks out of sync\n",
		res->name, status ? "stopped" : "finished", oos);
	if (READ_ONCE(res->st.conn) == TWIN_CONN_VERIFY_T)
		twin_set_conn(res, TWIN_CONN_CONNECTED);
	else
		twin_nl_event(res, TWIN_EVENT_CHANGE);
	return 0;
}
