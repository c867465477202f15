// SPDX-License-Identifier: GPL-2.0
/*
 * sync.c - full resync from the UpToDate node to an Inconsistent peer.
 *
 * The source thread reads the device in TWIN_RS_CHUNK_BYTES blocks and
 * sends them as RS_DATA, with at most TWIN_RS_MAX_INFLIGHT unacknowledged.
 * Each block is interval-locked from before its read until it is in the
 * socket: application writes to it wait, and the read waits for writes in
 * flight, so the peer never gets resync data older than a write it has.
 * Part 2 replaces "every block" with "every block marked in the bitmap".
 */
#include "twin.h"

#include <linux/kthread.h>

/* Is a resync read of an overlapping range in flight? res->lock held. */
bool twin_resync_blocks(struct twin_res *res, sector_t sector, u32 size)
{
	sector_t end = sector + (size >> SECTOR_SHIFT);
	struct twin_range *r;

	list_for_each_entry(r, &res->rs_ranges, list)
		if (r->sector < end &&
		    sector < r->sector + (r->size >> SECTOR_SHIFT))
			return true;
	return false;
}

static bool twin_range_try_lock(struct twin_res *res, struct twin_range *r)
{
	bool busy;

	spin_lock_irq(&res->lock);
	busy = twin_overlaps_writes(res, r->sector, r->size);
	if (!busy)
		list_add_tail(&r->list, &res->rs_ranges);
	spin_unlock_irq(&res->lock);
	return !busy;
}

static void twin_range_unlock(struct twin_res *res, struct twin_range *r)
{
	spin_lock_irq(&res->lock);
	list_del(&r->list);
	spin_unlock_irq(&res->lock);
	wake_up_all(&res->state_wait);
}

/* Update the resync rate about once a second and tell listeners. */
void twin_resync_mark(struct twin_res *res)
{
	unsigned long now = jiffies, elapsed;
	bool report = false;

	spin_lock_irq(&res->lock);
	elapsed = now - res->rs_mark_time;
	if (elapsed >= HZ) {
		res->rs_rate_kib = (u32)div_u64((u64)(res->rs_mark_left -
						      res->rs_left) / 2 * HZ,
						elapsed);
		res->rs_mark_left = res->rs_left;
		res->rs_mark_time = now;
		report = true;
	}
	spin_unlock_irq(&res->lock);
	if (report)
		twin_nl_event(res, TWIN_EVENT_SYNC_PROGRESS);
}

void twin_resync_begin(struct twin_res *res, sector_t total)
{
	spin_lock_irq(&res->lock);
	res->rs_total = total;
	res->rs_left = total;
	res->rs_mark_left = total;
	res->rs_mark_time = jiffies;
	res->rs_rate_kib = 0;
	res->rs_inflight = 0;
	spin_unlock_irq(&res->lock);
}

static void twin_uuid_params(struct twin_res *res, struct twin_p_params *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->data_sectors = cpu_to_be64(res->size);
	for (i = 0; i < TWIN_UUID_SLOTS; i++)
		p->uuid[i] = cpu_to_be64(res->ldev->uuid[i]);
}

static bool twin_rs_may_send(struct twin_res *res)
{
	return READ_ONCE(res->rs_inflight) < TWIN_RS_MAX_INFLIGHT ||
	       kthread_should_stop() || !res->established;
}

static bool twin_rs_drained(struct twin_res *res)
{
	return !READ_ONCE(res->rs_inflight) || kthread_should_stop() ||
	       !res->established;
}

static bool twin_writes_busy(struct twin_res *res, struct twin_range *r)
{
	bool busy;

	spin_lock_irq(&res->lock);
	busy = twin_overlaps_writes(res, r->sector, r->size);
	spin_unlock_irq(&res->lock);
	return busy;
}

/* Read one block locally and send it; 0 or a negative errno. */
static int twin_rs_send_block(struct twin_res *res, struct twin_peer_req *buf,
			      sector_t sector, u32 bytes)
{
	struct twin_range r = { .sector = sector, .size = bytes };
	struct twin_p_data d = {
		.sector = cpu_to_be64(sector),
		.size = cpu_to_be32(bytes),
	};
	unsigned int nr = DIV_ROUND_UP(bytes, PAGE_SIZE), i;
	struct bio *bio;
	int err;

	while (!twin_range_try_lock(res, &r))
		wait_event(res->state_wait, !twin_writes_busy(res, &r));
	if (!twin_get_ldev(res)) {
		twin_range_unlock(res, &r);
		return -ENODEV;
	}
	bio = bio_alloc_bioset(res->ldev->bdev, nr, REQ_OP_READ, GFP_NOIO,
			       &res->bs);
	bio->bi_iter.bi_sector = sector;
	for (i = 0; i < nr; i++)
		__bio_add_page(bio, buf->bvec[i].bv_page,
			       min_t(u32, bytes - i * PAGE_SIZE, PAGE_SIZE), 0);
	err = submit_bio_wait(bio);
	bio_put(bio);
	if (err)
		twin_disk_failed(res);
	twin_put_ldev(res);
	if (!err) {
		spin_lock_irq(&res->lock);
		res->rs_inflight++;
		res->stats.disk_read += bytes;
		spin_unlock_irq(&res->lock);
		err = twin_send(res, TWIN_P_RS_DATA, &d, sizeof(d), NULL,
				buf->bvec, nr, bytes);
	}
	twin_range_unlock(res, &r);
	return err;
}

static void twin_rs_finish_source(struct twin_res *res)
{
	struct twin_p_params p;
	struct twin_ldev *ldev = res->ldev;

	if (!twin_get_ldev(res))
		return;
	/* the peer has everything: the bitmap generation is history */
	if (ldev->uuid[TWIN_UUID_BITMAP]) {
		ldev->uuid[TWIN_UUID_HISTORY1] = ldev->uuid[TWIN_UUID_HISTORY0];
		ldev->uuid[TWIN_UUID_HISTORY0] = ldev->uuid[TWIN_UUID_BITMAP];
		ldev->uuid[TWIN_UUID_BITMAP] = 0;
	}
	twin_md_write(res);
	twin_uuid_params(res, &p);
	twin_put_ldev(res);
	twin_send(res, TWIN_P_RS_DONE, &p, sizeof(p), NULL, NULL, 0, 0);
	spin_lock_irq(&res->lock);
	res->rs_total = 0;
	res->rs_left = 0;
	spin_unlock_irq(&res->lock);
	twin_set_conn(res, TWIN_CONN_CONNECTED);
	pr_info("%s: resync finished\n", res->name);
}

/* The resync cannot go on (peer lost its disk, or we are stopping). */
static void twin_rs_abort(struct twin_res *res, sector_t sector, int err)
{
	pr_info("%s: resync interrupted at sector %llu (%d)\n", res->name,
		(unsigned long long)sector, err);
	spin_lock_irq(&res->lock);
	res->rs_total = 0;
	res->rs_left = 0;
	spin_unlock_irq(&res->lock);
	if (res->established && !kthread_should_stop())
		twin_set_conn(res, TWIN_CONN_CONNECTED);
}

static void twin_rs_wait_stop(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static int twin_rs_thread(void *arg)
{
	struct twin_res *res = arg;
	sector_t total = res->size, sector = 0;
	u32 chunk_sectors = TWIN_RS_CHUNK_BYTES >> SECTOR_SHIFT;
	struct twin_peer_req *buf;
	struct twin_p_params p;
	int err = 0;

	buf = twin_peer_req_alloc(res, TWIN_RS_CHUNK_BYTES);
	if (!buf || !twin_get_ldev(res))
		goto out;
	twin_uuid_params(res, &p);
	twin_put_ldev(res);
	twin_resync_begin(res, total);
	pr_info("%s: full resync of %llu sectors starts\n", res->name,
		(unsigned long long)total);
	twin_set_conn(res, TWIN_CONN_SYNC_SOURCE);
	err = twin_send(res, TWIN_P_RS_START, &p, sizeof(p), NULL, NULL, 0, 0);
	while (!err && sector < total) {
		u32 n = min_t(sector_t, chunk_sectors, total - sector);

		wait_event_interruptible(res->state_wait,
					 twin_rs_may_send(res));
		if (kthread_should_stop() || !res->established ||
		    READ_ONCE(res->st.peer_disk) < TWIN_DISK_INCONSISTENT)
			break;
		err = twin_rs_send_block(res, buf, sector, n << SECTOR_SHIFT);
		sector += n;
		twin_resync_mark(res);
	}
	wait_event_interruptible(res->state_wait, twin_rs_drained(res));
	if (!err && sector >= total && !READ_ONCE(res->rs_inflight) &&
	    res->established && !kthread_should_stop())
		twin_rs_finish_source(res);
	else
		twin_rs_abort(res, sector, err);
out:
	if (buf)
		twin_peer_req_free(buf);
	twin_rs_wait_stop();
	return 0;
}

/* Become sync source for the whole device. */
void twin_resync_start(struct twin_res *res)
{
	struct task_struct *task;

	twin_resync_stop(res);
	task = kthread_run(twin_rs_thread, res, "twin_rs_%s", res->name);
	if (IS_ERR(task)) {
		pr_err("%s: cannot start the resync thread\n", res->name);
		return;
	}
	res->rs_task = task;
}

void twin_resync_stop(struct twin_res *res)
{
	struct task_struct *task = xchg(&res->rs_task, NULL);

	if (task)
		kthread_stop(task);
}

void twin_resync_ack(struct twin_res *res, sector_t sector, u32 size,
		     int status)
{
	spin_lock_irq(&res->lock);
	if (res->rs_inflight)
		res->rs_inflight--;
	res->rs_left -= min_t(sector_t, res->rs_left, size >> SECTOR_SHIFT);
	spin_unlock_irq(&res->lock);
	if (status)
		pr_warn_ratelimited("%s: peer failed to write resync data at %llu\n",
				    res->name, (unsigned long long)sector);
	wake_up_all(&res->state_wait);
}

/* Target: all resync data is in; take the source's generation. */
void twin_resync_done_target(struct twin_res *res, const u64 *uuid)
{
	int i;

	wait_event(res->state_wait, !READ_ONCE(res->ee_inflight));
	spin_lock_irq(&res->lock);
	res->rs_total = 0;
	res->rs_left = 0;
	spin_unlock_irq(&res->lock);
	/* if our disk went away during the resync, nothing is UpToDate */
	if (!twin_get_ldev(res)) {
		twin_set_conn(res, TWIN_CONN_CONNECTED);
		return;
	}
	if (blkdev_issue_flush(res->ldev->bdev)) {
		twin_disk_failed(res);
		twin_put_ldev(res);
		twin_set_conn(res, TWIN_CONN_CONNECTED);
		return;
	}
	for (i = 0; i < TWIN_UUID_SLOTS; i++)
		res->ldev->uuid[i] = uuid[i];
	res->ldev->md_flags |= TWIN_MDF_CONSISTENT | TWIN_MDF_WAS_UPTODATE;
	twin_md_write(res);
	twin_put_ldev(res);
	twin_set_disk(res, TWIN_DISK_UPTODATE);
	twin_set_conn(res, TWIN_CONN_CONNECTED);
	pr_info("%s: resync finished, data UpToDate\n", res->name);
}
