// SPDX-License-Identifier: GPL-2.0
/*
 * sync.c - the bitmap exchange after a handshake and the resync of the
 * blocks marked out of sync, from the UpToDate node to its peer.
 *
 * After the handshake both nodes send their bitmap and OR the peer's into
 * their own, so each knows every block that may differ. The source thread
 * then walks the bitmap, sends runs of set bits as RS_DATA blocks of up to
 * TWIN_RS_CHUNK_BYTES, at most TWIN_RS_MAX_INFLIGHT unacknowledged, and
 * clears the bits of each block the target acknowledged. Each block is
 * interval-locked from before its read until it is in the socket:
 * application writes to it wait, and the read waits for writes in flight,
 * so the peer never gets resync data older than a write it has.
 *
 * The resync runs in the background while the Primary serves: at the
 * configured maximum rate (or line rate) while the application is idle,
 * at the minimum rate while application I/O is in flight or was seen in
 * the last TWIN_RS_IDLE_MS.
 */
#include "twin.h"

#include <linux/kthread.h>

#define TWIN_RS_IDLE_MS		100	/* app quiet this long: full speed */
#define TWIN_RS_MAX_PASSES	4	/* bitmap walks before giving up */

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

/*
 * Lock @r against application writes unless one is in flight (resync
 * and verify reads); writes overlapping it wait in twin_resync_blocks().
 */
bool twin_range_try_lock(struct twin_res *res, struct twin_range *r)
{
	bool busy;

	spin_lock_irq(&res->lock);
	busy = twin_overlaps_writes(res, r->sector, r->size);
	if (!busy)
		list_add_tail(&r->list, &res->rs_ranges);
	spin_unlock_irq(&res->lock);
	return !busy;
}

void twin_range_unlock(struct twin_res *res, struct twin_range *r)
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
	res->rs_bytes = 0;
	spin_unlock_irq(&res->lock);
}

/* Sectors marked out of sync, within the device. */
static sector_t twin_rs_marked(struct twin_res *res)
{
	return min_t(sector_t, res->size,
		     twin_bm_weight(res) * TWIN_MD_BM_BLOCK_SECTORS);
}

static void twin_uuid_params(struct twin_res *res, struct twin_p_params *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->data_sectors = cpu_to_be64(res->size);
	for (i = 0; i < TWIN_UUID_SLOTS; i++)
		p->uuid[i] = cpu_to_be64(res->ldev->uuid[i]);
}

/* ---- the bitmap exchange (handshake, on the new socket) ---- */

static int twin_bm_recv_piece(struct twin_res *res, struct socket *sock,
			      struct twin_p_bitmap *b, u32 len)
{
	struct twin_pkt_hdr h;
	int err;

	err = twin_recv(res, sock, &h, sizeof(h));
	if (err)
		return err;
	if (be32_to_cpu(h.magic) != TWIN_WIRE_MAGIC ||
	    be16_to_cpu(h.type) != TWIN_P_BITMAP || be32_to_cpu(h.len) != len)
		return -EPROTO;
	return twin_recv(res, sock, b, len);
}

/*
 * Send our bitmap and merge the peer's, piece by piece in lockstep (a
 * piece fits in the socket buffers, so neither side blocks sending while
 * the other does too). @full: every block is to be copied.
 */
int twin_bm_exchange(struct twin_res *res, struct socket *sock,
		     enum twin_sync_dir dir, bool full)
{
	u64 total = DIV_ROUND_UP_ULL(res->size, TWIN_MD_BM_BLOCK_SECTORS);
	u64 first, before = twin_bm_weight(res), added = 0;
	struct twin_p_bitmap *out, *in;
	size_t max = sizeof(*out) + TWIN_BM_PIECE_BITS / 8;
	int err = 0;

	out = kvmalloc(max, GFP_KERNEL);
	in = kvmalloc(max, GFP_KERNEL);
	if (!out || !in) {
		err = -ENOMEM;
		goto out;
	}
	if (full)
		twin_bm_set_all(res);
	twin_set_conn(res, dir == TWIN_SYNC_TARGET ? TWIN_CONN_WF_BITMAP_T :
						     TWIN_CONN_WF_BITMAP_S);
	for (first = 0; !err && first < total; first += TWIN_BM_PIECE_BITS) {
		u32 n = min_t(u64, TWIN_BM_PIECE_BITS, total - first);
		u32 len = sizeof(*out) + DIV_ROUND_UP(n, 64) * 8;
		__le64 *words = (__le64 *)(out + 1);

		memset(out, 0, len);
		out->first_bit = cpu_to_be64(first);
		out->nbits = cpu_to_be32(n);
		out->total_bits = cpu_to_be64(total);
		twin_bm_copy_out(res, first, words, n);
		err = twin_sock_send(sock, TWIN_P_BITMAP, out, len);
		if (!err)
			err = twin_bm_recv_piece(res, sock, in, len);
		if (err)
			break;
		if (be64_to_cpu(in->first_bit) != first ||
		    be32_to_cpu(in->nbits) != n ||
		    be64_to_cpu(in->total_bits) != total)
			err = -EPROTO;
		else
			added += twin_bm_merge(res, first,
					       (const __le64 *)(in + 1), n);
	}
	if (!err)
		pr_info("%s: bitmaps exchanged: %llu KiB out of sync here, %llu KiB more from the peer\n",
			res->name, (unsigned long long)before * 4,
			(unsigned long long)added * 4);
	/* bits merged in memory must survive a crash of this node too */
	if (!err && (added || full) && twin_get_ldev(res)) {
		twin_bm_write_all(res);
		twin_put_ldev(res);
	}
out:
	kvfree(out);
	kvfree(in);
	return err;
}

/* ---- the source ---- */

static bool twin_rs_stopping(struct twin_res *res)
{
	return kthread_should_stop() || !READ_ONCE(res->established) ||
	       READ_ONCE(res->st.peer_disk) < TWIN_DISK_INCONSISTENT;
}

static bool twin_rs_may_send(struct twin_res *res)
{
	return READ_ONCE(res->rs_inflight) < TWIN_RS_MAX_INFLIGHT ||
	       twin_rs_stopping(res);
}

static bool twin_rs_drained(struct twin_res *res)
{
	return !READ_ONCE(res->rs_inflight) || kthread_should_stop() ||
	       !READ_ONCE(res->established);
}

/* The rate the resync may use now, KiB/s; 0 means line rate. */
static u32 twin_rs_rate(struct twin_res *res)
{
	u32 max = READ_ONCE(res->rs_max_kib), min = READ_ONCE(res->rs_min_kib);
	bool busy = atomic_read(&res->app_pending) > 0 ||
		    time_before(jiffies, READ_ONCE(res->last_app_io) +
				msecs_to_jiffies(TWIN_RS_IDLE_MS));

	if (busy && min && (!max || min < max))
		return min;
	return max;
}

/*
 * Pace the resync (and the online verify): return when @bytes may go out
 * at the current rate. *@next is when the previous block's share of the
 * rate ran out; idle time earns no credit.
 */
void twin_rs_throttle(struct twin_res *res, ktime_t *next, u32 bytes)
{
	for (;;) {
		u32 kib = twin_rs_rate(res);
		ktime_t now = ktime_get();
		s64 wait_us;

		if (!kib || !ktime_after(*next, now)) {
			if (ktime_before(*next, now))
				*next = now;
			if (kib)
				*next = ktime_add_ns(*next,
						     div_u64((u64)bytes *
							     NSEC_PER_SEC,
							     kib * 1024ULL));
			return;
		}
		if (twin_rs_stopping(res))
			return;
		/* look again soon: the application may have gone idle */
		wait_us = min_t(s64, ktime_us_delta(*next, now), 20000);
		schedule_timeout_interruptible(usecs_to_jiffies(wait_us) ?: 1);
	}
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
	twin_bm_write_all(res);
	twin_md_write(res);
	twin_uuid_params(res, &p);
	twin_put_ldev(res);
	twin_send(res, TWIN_P_RS_DONE, &p, sizeof(p), NULL, NULL, 0, 0);
	spin_lock_irq(&res->lock);
	res->rs_total = 0;
	res->rs_left = 0;
	res->uuid_shared = true;
	spin_unlock_irq(&res->lock);
	twin_set_conn(res, TWIN_CONN_CONNECTED);
	pr_info("%s: resync finished, %llu KiB sent\n", res->name,
		(unsigned long long)res->rs_bytes >> 10);
	twin_nl_event(res, TWIN_EVENT_SYNC_PROGRESS);
}

/* The resync cannot go on (peer lost its disk, or we are stopping). */
static void twin_rs_abort(struct twin_res *res, int err)
{
	pr_info("%s: resync interrupted, %llu KiB left (%d)\n", res->name,
		(unsigned long long)twin_bm_weight(res) * 4, err);
	spin_lock_irq(&res->lock);
	res->rs_total = 0;
	res->rs_left = 0;
	spin_unlock_irq(&res->lock);
	if (twin_get_ldev(res)) {
		twin_bm_write_all(res);
		twin_put_ldev(res);
	}
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

/* One walk over the bitmap, sending every run of set bits. */
static int twin_rs_pass(struct twin_res *res, struct twin_peer_req *buf,
			ktime_t *next)
{
	const u64 chunk_bits = TWIN_RS_CHUNK_BYTES / TWIN_MD_BM_BLOCK_BYTES;
	u64 bit = 0, n;
	int err = 0;

	while (!err) {
		sector_t sector, end;

		bit = twin_bm_find_next(res, bit);
		if (bit == ~0ULL)
			break;
		n = twin_bm_run(res, bit, chunk_bits);
		if (!n) {
			bit++;		/* cleared meanwhile */
			continue;
		}
		sector = bit * TWIN_MD_BM_BLOCK_SECTORS;
		end = min_t(sector_t, res->size,
			    (bit + n) * TWIN_MD_BM_BLOCK_SECTORS);
		if (sector >= end)
			break;
		twin_rs_throttle(res, next, (end - sector) << SECTOR_SHIFT);
		wait_event_interruptible(res->state_wait,
					 twin_rs_may_send(res));
		if (twin_rs_stopping(res))
			return -EINTR;
		err = twin_rs_send_block(res, buf, sector,
					 (end - sector) << SECTOR_SHIFT);
		bit += n;
		twin_resync_mark(res);
	}
	return err;
}

static int twin_rs_thread(void *arg)
{
	struct twin_res *res = arg;
	struct twin_peer_req *buf;
	struct twin_p_params p;
	ktime_t next = ktime_get();
	bool full = res->rs_full;
	int err = 0, pass;

	buf = twin_peer_req_alloc(res, TWIN_RS_CHUNK_BYTES);
	if (!buf || !twin_get_ldev(res))
		goto out;
	if (full)
		twin_bm_set_all(res);
	/* what is marked now survives a crash of either node */
	twin_bm_write_all(res);
	twin_uuid_params(res, &p);
	if (full)
		p.flags = cpu_to_be32(TWIN_PF_FULL_SYNC);
	twin_put_ldev(res);
	twin_resync_begin(res, twin_rs_marked(res));
	pr_info("%s: %s resync of %llu KiB starts\n", res->name,
		full ? "full" : "bitmap",
		(unsigned long long)res->rs_total / 2);
	twin_set_conn(res, TWIN_CONN_SYNC_SOURCE);
	err = twin_send(res, TWIN_P_RS_START, &p, sizeof(p), NULL, NULL, 0, 0);
	for (pass = 0; !err && pass < TWIN_RS_MAX_PASSES; pass++) {
		err = twin_rs_pass(res, buf, &next);
		wait_event_interruptible(res->state_wait, twin_rs_drained(res));
		if (err || !twin_bm_weight(res) || twin_rs_stopping(res))
			break;
		/* marked behind the walk, or a block failed: walk again */
		spin_lock_irq(&res->lock);
		res->rs_left = min_t(sector_t, res->size,
				     __twin_bm_weight(res) *
				     TWIN_MD_BM_BLOCK_SECTORS);
		res->rs_total = max(res->rs_total, res->rs_left);
		spin_unlock_irq(&res->lock);
	}
	wait_event_interruptible(res->state_wait, twin_rs_drained(res));
	if (!err && !twin_bm_weight(res) && !READ_ONCE(res->rs_inflight) &&
	    !twin_rs_stopping(res))
		twin_rs_finish_source(res);
	else
		twin_rs_abort(res, err);
out:
	if (buf)
		twin_peer_req_free(buf);
	twin_rs_wait_stop();
	return 0;
}

/* Become sync source: the marked blocks, or with @full every block. */
void twin_resync_start(struct twin_res *res, bool full)
{
	struct task_struct *task;

	twin_resync_stop(res);
	res->rs_full = full;
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

/* RS_ACK: the target has the block (status 0) or failed to write it. */
void twin_resync_ack(struct twin_res *res, sector_t sector, u32 size,
		     int status)
{
	spin_lock_irq(&res->lock);
	if (res->rs_inflight)
		res->rs_inflight--;
	if (!status) {
		__twin_bm_clear(res, sector, size);
		res->rs_bytes += size;
		res->rs_left -= min_t(sector_t, res->rs_left,
				      size >> SECTOR_SHIFT);
	}
	spin_unlock_irq(&res->lock);
	if (status)
		pr_warn_ratelimited("%s: peer failed to write resync data at %llu\n",
				    res->name, (unsigned long long)sector);
	wake_up_all(&res->state_wait);
}

/* ---- the target ---- */

/* RS_START from the peer: our disk becomes its sync target. */
int twin_resync_target_start(struct twin_res *res,
			     const struct twin_p_params *p)
{
	if (res->st.role == TWIN_ROLE_PRIMARY || !twin_get_ldev(res))
		return -EPROTO;
	if (be32_to_cpu(p->flags) & TWIN_PF_FULL_SYNC)
		twin_bm_set_all(res);
	res->ldev->md_flags &= ~(TWIN_MDF_CONSISTENT | TWIN_MDF_WAS_UPTODATE);
	twin_md_write(res);
	twin_bm_write_all(res);
	twin_put_ldev(res);
	WRITE_ONCE(res->uuid_shared, false);
	twin_resync_begin(res, twin_rs_marked(res));
	twin_set_disk(res, TWIN_DISK_INCONSISTENT);
	twin_set_conn(res, TWIN_CONN_SYNC_TARGET);
	pr_info("%s: sync target, %llu KiB to receive\n", res->name,
		(unsigned long long)res->rs_total / 2);
	return 0;
}

/* A resync block reached our disk (status 0) or failed. */
void twin_resync_written(struct twin_res *res, sector_t sector, u32 size,
			 int status)
{
	if (status)
		return;
	spin_lock_irq(&res->lock);
	__twin_bm_clear(res, sector, size);
	res->rs_bytes += size;
	res->rs_left -= min_t(sector_t, res->rs_left, size >> SECTOR_SHIFT);
	spin_unlock_irq(&res->lock);
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
	res->ldev->md_flags &= ~TWIN_MDF_FULL_SYNC;
	twin_bm_clear_all(res);
	twin_bm_write_all(res);
	twin_md_write(res);
	twin_put_ldev(res);
	WRITE_ONCE(res->uuid_shared, true);
	twin_set_disk(res, TWIN_DISK_UPTODATE);
	twin_set_conn(res, TWIN_CONN_CONNECTED);
	pr_info("%s: resync finished, data UpToDate, %llu KiB received\n",
		res->name, (unsigned long long)res->rs_bytes >> 10);
	twin_nl_event(res, TWIN_EVENT_SYNC_PROGRESS);
}

/* ---- invalidate ---- */

/*
 * "invalidate": throw away the local data and copy all of it from the
 * UpToDate peer. The whole bitmap is marked (and FULL_SYNC recorded, so
 * a crash cannot forget it), then the peer is asked to start the resync.
 */
int twin_invalidate(struct twin_res *res, const char **why)
{
	struct twin_state st;

	twin_get_state(res, &st);
	if (st.role != TWIN_ROLE_SECONDARY) {
		*why = "only a Secondary can discard its data; demote it first";
		return -EBUSY;
	}
	if (st.conn != TWIN_CONN_CONNECTED) {
		*why = "invalidate needs a connected peer and no resync or verify running";
		return -ENOTCONN;
	}
	if (st.peer_disk != TWIN_DISK_UPTODATE) {
		*why = "the peer's data is not UpToDate";
		return -ENODATA;
	}
	if (!twin_get_ldev(res)) {
		*why = "no disk attached";
		return -ENODEV;
	}
	res->ldev->md_flags |= TWIN_MDF_FULL_SYNC;
	res->ldev->md_flags &= ~(TWIN_MDF_CONSISTENT | TWIN_MDF_WAS_UPTODATE);
	twin_bm_set_all(res);
	twin_md_write(res);
	twin_put_ldev(res);
	WRITE_ONCE(res->uuid_shared, false);
	twin_set_disk(res, TWIN_DISK_INCONSISTENT);
	pr_info("%s: invalidated, full resync from the peer requested\n",
		res->name);
	return twin_send_simple(res, TWIN_P_SYNC_REQ);
}

/* SYNC_REQ: the peer invalidated its disk; copy everything to it. */
int twin_resync_h_request(struct twin_res *res, void *p, u32 bytes)
{
	if (res->st.disk != TWIN_DISK_UPTODATE ||
	    res->st.conn != TWIN_CONN_CONNECTED) {
		pr_warn("%s: the peer asked for a resync, but this node cannot be the source now\n",
			res->name);
		return 0;
	}
	twin_resync_start(res, true);
	return 0;
}
