// SPDX-License-Identifier: GPL-2.0
/*
 * al.c - the activity log: the extents (4 MiB by default) in which writes
 * may be in flight, kept on disk (struct twin_md_al, a ring of 4 KiB
 * transactions) so that after a crash only those extents, not the whole
 * device, must be resynced.
 *
 * A write starts only when each extent it touches is active in a
 * transaction on stable storage. Writes to active extents go straight
 * through: a hash lookup and a reference count under al->lock. Writes to
 * cold extents queue on al->pending; the worker gives them slots, evicting
 * the least recently used extents with no write in flight (after writing
 * their part of the bitmap), writes one transaction for the whole batch
 * and lets the writes go on.
 *
 * On attach after an unclean shutdown (TWIN_MDF_AL_CLEAN unset) every
 * extent of the current transaction is set in the bitmap; a clean detach
 * writes the bitmap and sets the flag.
 */
#include "twin.h"

#include <linux/crc32.h>
#include <linux/hash.h>

enum twin_al_state {
	TWIN_AL_FREE,
	TWIN_AL_NEW,		/* assigned, not in a transaction on disk yet */
	TWIN_AL_ACTIVE,		/* in the last transaction written */
};

struct twin_al_slot {
	struct hlist_node hash;
	struct list_head lru;		/* al->lru or al->free */
	u32 enr;
	u32 refs;			/* writes in flight */
	u8 state;
};

static struct twin_res *twin_al_res(struct twin_al *al)
{
	return container_of(al, struct twin_res, al);
}

static void twin_al_range(struct twin_al *al, sector_t sector, u32 bytes,
			  u32 *first, u32 *last)
{
	unsigned int s = al->shift - SECTOR_SHIFT;

	*first = sector >> s;
	*last = (sector + (max_t(u32, bytes, 1) >> SECTOR_SHIFT) - 1) >> s;
	if (*last < *first)
		*last = *first;		/* a request under one sector */
}

static struct twin_al_slot *twin_al_find(struct twin_al *al, u32 enr)
{
	struct twin_al_slot *s;

	hlist_for_each_entry(s, &al->hash[hash_32(enr, al->hash_bits)], hash)
		if (s->enr == enr)
			return s;
	return NULL;
}

/* al->lock held: take references if every extent is active on disk. */
static bool twin_al_get_hot(struct twin_al *al, u32 first, u32 last)
{
	struct twin_al_slot *s;
	u32 enr;

	for (enr = first; enr <= last; enr++) {
		s = twin_al_find(al, enr);
		if (!s || s->state != TWIN_AL_ACTIVE)
			return false;
	}
	for (enr = first; enr <= last; enr++) {
		s = twin_al_find(al, enr);
		s->refs++;
		list_move_tail(&s->lru, &al->lru);
	}
	return true;
}

/* Start a write, or queue it for the worker (which calls w->ready()). */
bool twin_al_start(struct twin_res *res, struct twin_al_waiter *w)
{
	struct twin_al *al = &res->al;
	unsigned long flags;
	u32 first, last;
	bool go = true;

	w->active = false;
	spin_lock_irqsave(&al->lock, flags);
	if (al->slots && !al->dead) {
		twin_al_range(al, w->sector, w->bytes, &first, &last);
		if (twin_al_get_hot(al, first, last)) {
			w->active = true;
			w->epoch = al->epoch;
		} else {
			list_add_tail(&w->list, &al->pending);
			go = false;
		}
	}
	spin_unlock_irqrestore(&al->lock, flags);
	if (!go)
		queue_work(res->wq, &al->work);
	return go;
}

/* al->lock held: drop one reference on each extent of the range. */
static void twin_al_put_range(struct twin_al *al, sector_t sector, u32 bytes)
{
	struct twin_al_slot *s;
	bool wake = false;
	u32 first, last, enr;

	twin_al_range(al, sector, bytes, &first, &last);
	for (enr = first; enr <= last; enr++) {
		s = twin_al_find(al, enr);
		if (WARN_ON_ONCE(!s || !s->refs))
			continue;
		if (!--s->refs)
			wake = true;
	}
	if (wake && wq_has_sleeper(&al->wait))
		wake_up(&al->wait);
}

void twin_al_done(struct twin_res *res, struct twin_al_waiter *w)
{
	struct twin_al *al = &res->al;
	unsigned long flags;

	if (!w->active)
		return;
	w->active = false;
	spin_lock_irqsave(&al->lock, flags);
	/* a log freed (detach) or loaded again since does not count */
	if (al->slots && al->epoch == w->epoch)
		twin_al_put_range(al, w->sector, w->bytes);
	spin_unlock_irqrestore(&al->lock, flags);
}

/* al->lock held: may @s leave the log now? */
static bool twin_al_evictable(struct twin_al_slot *s)
{
	return s->state == TWIN_AL_ACTIVE && !s->refs;
}

/*
 * al->lock held: give @w references on all its extents, assigning slots
 * to the cold ones (evicted extents go to al->evict[*n]). All or nothing:
 * false when there are not enough slots without writes in flight.
 */
static bool twin_al_claim(struct twin_al *al, struct twin_al_waiter *w,
			  u32 *n)
{
	struct twin_al_slot *s, *victim;
	u32 first, last, enr, missing = 0, spare = 0;

	twin_al_range(al, w->sector, w->bytes, &first, &last);
	for (enr = first; enr <= last; enr++) {
		s = twin_al_find(al, enr);
		if (s)
			s->refs++;	/* so it is not picked as a victim */
		else
			missing++;
	}
	if (missing) {
		list_for_each_entry(s, &al->free, lru)
			if (++spare >= missing)
				break;
		if (spare < missing)
			list_for_each_entry(s, &al->lru, lru)
				if (twin_al_evictable(s) && ++spare >= missing)
					break;
	}
	if (spare < missing) {
		for (enr = first; enr <= last; enr++) {
			s = twin_al_find(al, enr);
			if (s)
				s->refs--;
		}
		return false;
	}
	for (enr = first; enr <= last; enr++) {
		s = twin_al_find(al, enr);
		if (s) {
			list_move_tail(&s->lru, &al->lru);
			continue;
		}
		victim = list_first_entry_or_null(&al->free,
						  struct twin_al_slot, lru);
		if (!victim) {
			list_for_each_entry(s, &al->lru, lru)
				if (twin_al_evictable(s)) {
					victim = s;
					break;
				}
			al->evict[(*n)++] = victim->enr;
			hlist_del(&victim->hash);
		} else {
			al->used++;
		}
		victim->enr = enr;
		victim->refs = 1;
		victim->state = TWIN_AL_NEW;
		hlist_add_head(&victim->hash,
			       &al->hash[hash_32(enr, al->hash_bits)]);
		list_move_tail(&victim->lru, &al->lru);
	}
	w->active = true;
	w->epoch = al->epoch;
	return true;
}

static int twin_al_io(struct block_device *bdev, sector_t sector,
		      struct page *page, blk_opf_t opf)
{
	struct bio *bio;
	int err;

	bio = bio_alloc(bdev, 1, opf, GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	__bio_add_page(bio, page, TWIN_AL_BLOCK_BYTES, 0);
	err = submit_bio_wait(bio);
	bio_put(bio);
	return err;
}

static sector_t twin_al_block_sector(struct twin_ldev *ldev, u64 seq)
{
	return ldev->layout.sb_sector + ldev->layout.al_offset +
	       (seq % TWIN_AL_RING) * (TWIN_AL_BLOCK_BYTES >> SECTOR_SHIFT);
}

/*
 * Write one transaction: first the bitmap of the @n evicted extents, then
 * the block listing every used slot, with a flush before it (the evicted
 * extents' data is stable before they leave the log) and FUA.
 */
static int twin_al_commit(struct twin_res *res, u32 n)
{
	struct twin_al *al = &res->al;
	struct twin_md_al *b = page_address(al->page);
	struct twin_al_slot *s;
	u32 i, count = 0;
	int err = 0;

	if (!twin_get_ldev(res))
		return -ENODEV;
	for (i = 0; i < n && !err; i++)
		err = twin_bm_write_range(res, (sector_t)al->evict[i] <<
					  (al->shift - SECTOR_SHIFT),
					  1ULL << al->shift);
	if (err)
		goto out;
	memset(b, 0, sizeof(*b));
	spin_lock_irq(&al->lock);
	list_for_each_entry(s, &al->lru, lru)
		b->extents[count++] = cpu_to_be32(s->enr);
	b->seq = cpu_to_be64(al->seq + 1);
	spin_unlock_irq(&al->lock);
	b->magic = cpu_to_be32(TWIN_AL_MAGIC);
	b->device_uuid = cpu_to_be64(res->ldev->device_uuid);
	b->extent_shift = cpu_to_be32(al->shift);
	b->nr_extents = cpu_to_be32(al->nr);
	b->count = cpu_to_be32(count);
	b->crc32c = cpu_to_be32(~__crc32c_le(~0U, (void *)b, sizeof(*b)));
	err = twin_al_io(res->ldev->md_bdev,
			 twin_al_block_sector(res->ldev, al->seq + 1), al->page,
			 REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH | REQ_FUA);
	if (err) {
		pr_err("%s: activity log write failed: %d\n", res->name, err);
		twin_disk_failed(res);
		goto out;
	}
	spin_lock_irq(&al->lock);
	al->seq++;
	al->transactions++;
	list_for_each_entry(s, &al->lru, lru)
		s->state = TWIN_AL_ACTIVE;
	spin_unlock_irq(&al->lock);
out:
	twin_put_ldev(res);
	return err;
}

static bool twin_al_can_evict(struct twin_al *al)
{
	struct twin_al_slot *s;
	bool ok = false;

	spin_lock_irq(&al->lock);
	if (al->dead || !list_empty(&al->free))
		ok = true;
	list_for_each_entry(s, &al->lru, lru)
		if (!ok && twin_al_evictable(s))
			ok = true;
	spin_unlock_irq(&al->lock);
	return ok;
}

/*
 * The worker: serve the queued writes in batches, one transaction per
 * batch. A write whose extents are all active when it is served (another
 * batch made them so) needs no transaction; it goes on at once.
 */
static void twin_al_work(struct work_struct *work)
{
	struct twin_al *al = container_of(work, struct twin_al, work);
	struct twin_res *res = twin_al_res(al);
	struct twin_al_waiter *w, *tmp;
	struct twin_al_slot *s;
	bool cold, stalled;
	LIST_HEAD(ready);
	u32 n;

	for (;;) {
		n = 0;
		spin_lock_irq(&al->lock);
		if (list_empty(&al->pending)) {
			spin_unlock_irq(&al->lock);
			return;
		}
		if (al->dead || !al->slots) {
			/* no log any more: the writes go on without one */
			list_splice_init(&al->pending, &ready);
		} else {
			list_for_each_entry_safe(w, tmp, &al->pending, list) {
				if (!twin_al_claim(al, w, &n))
					break;
				list_move_tail(&w->list, &ready);
			}
		}
		cold = false;
		if (al->slots)
			list_for_each_entry(s, &al->lru, lru)
				if (s->state == TWIN_AL_NEW)
					cold = true;
		stalled = list_empty(&ready);
		spin_unlock_irq(&al->lock);

		if (stalled) {
			/* every slot has writes in flight: wait for one */
			wait_event(al->wait, twin_al_can_evict(al));
			continue;
		}
		if (cold)
			twin_al_commit(res, n);
		list_for_each_entry_safe(w, tmp, &ready, list) {
			list_del_init(&w->list);
			w->ready(w);
		}
	}
}

struct twin_al_sync {
	struct twin_al_waiter w;
	struct completion done;
};

static void twin_al_sync_ready(struct twin_al_waiter *w)
{
	complete(&container_of(w, struct twin_al_sync, w)->done);
}

/* Process context: return once the range's extents are active on disk. */
int twin_al_begin_io(struct twin_res *res, sector_t sector, u32 bytes)
{
	struct twin_al_sync sw = {
		.w = { .sector = sector, .bytes = bytes,
		       .ready = twin_al_sync_ready },
	};

	might_sleep();
	init_completion(&sw.done);
	if (!twin_al_start(res, &sw.w))
		wait_for_completion(&sw.done);
	return sw.w.active ? 0 : -ENODEV;
}

/* After a successful twin_al_begin_io() of the same range. */
void twin_al_complete_io(struct twin_res *res, sector_t sector, u32 bytes)
{
	struct twin_al *al = &res->al;
	unsigned long flags;

	spin_lock_irqsave(&al->lock, flags);
	if (al->slots)
		twin_al_put_range(al, sector, bytes);
	spin_unlock_irqrestore(&al->lock, flags);
}

void twin_al_init(struct twin_res *res)
{
	struct twin_al *al = &res->al;

	spin_lock_init(&al->lock);
	INIT_LIST_HEAD(&al->lru);
	INIT_LIST_HEAD(&al->free);
	INIT_LIST_HEAD(&al->pending);
	INIT_WORK(&al->work, twin_al_work);
	init_waitqueue_head(&al->wait);
}

static bool twin_al_block_ok(struct twin_ldev *ldev, struct twin_md_al *b)
{
	u32 crc = be32_to_cpu(b->crc32c), shift = be32_to_cpu(b->extent_shift);

	if (be32_to_cpu(b->magic) != TWIN_AL_MAGIC ||
	    be64_to_cpu(b->device_uuid) != ldev->device_uuid ||
	    be32_to_cpu(b->count) > TWIN_AL_MAX_EXTENTS ||
	    shift < TWIN_AL_SHIFT_MIN || shift > TWIN_AL_SHIFT_MAX)
		return false;
	b->crc32c = 0;
	return ~__crc32c_le(~0U, (void *)b, sizeof(*b)) == crc;
}

/*
 * Read the ring; leave the newest valid transaction in @best (count 0 if
 * none) and return its sequence number.
 */
static int twin_al_read(struct twin_ldev *ldev, struct page *page,
			struct twin_md_al *best, u64 *seq)
{
	struct twin_md_al *b = page_address(page);
	u32 i;
	int err;

	*seq = 0;
	memset(best, 0, sizeof(*best));
	for (i = 0; i < TWIN_AL_RING; i++) {
		err = twin_al_io(ldev->md_bdev, twin_al_block_sector(ldev, i),
				 page, REQ_OP_READ);
		if (err)
			return err;
		if (!twin_al_block_ok(ldev, b) || be64_to_cpu(b->seq) <= *seq)
			continue;
		*seq = be64_to_cpu(b->seq);
		memcpy(best, b, sizeof(*best));
	}
	return 0;
}

/* Superblock values, else the defaults; ATTACH's al-extents wins. */
static void twin_al_sizes(struct twin_ldev *ldev, u32 *nr, u32 *shift)
{
	*nr = ldev->al_want ?: ldev->al_nr_extents;
	if (*nr < TWIN_AL_MIN_EXTENTS || *nr > TWIN_AL_MAX_EXTENTS)
		*nr = TWIN_AL_DEFAULT_EXTENTS;
	*shift = ldev->al_extent_shift;
	if (*shift < TWIN_AL_SHIFT_MIN || *shift > TWIN_AL_SHIFT_MAX)
		*shift = TWIN_AL_DEFAULT_SHIFT;
}

/*
 * Attach (ldev_mutex held, res->ldev set, the bitmap loaded, before any
 * write): read the log, set its extents in the bitmap after an unclean
 * shutdown, and mark the log in use in the superblock.
 */
int twin_al_load(struct twin_res *res)
{
	struct twin_ldev *ldev = res->ldev;
	struct twin_al *al = &res->al;
	struct twin_al_slot *slots;
	struct hlist_head *hash;
	struct twin_md_al *best;
	u32 nr, shift, count = 0, bshift, i, bits;
	struct page *page;
	u32 *evict;
	bool keep;
	u64 seq;
	int err;

	twin_al_sizes(ldev, &nr, &shift);
	bshift = shift;
	bits = ilog2(roundup_pow_of_two(nr));
	slots = kcalloc(nr, sizeof(*slots), GFP_KERNEL);
	hash = kcalloc(1U << bits, sizeof(*hash), GFP_KERNEL);
	evict = kcalloc(nr, sizeof(*evict), GFP_KERNEL);
	best = kmalloc(sizeof(*best), GFP_KERNEL);
	page = alloc_page(GFP_KERNEL);
	err = -ENOMEM;
	if (!slots || !hash || !evict || !best || !page)
		goto out_free;
	err = twin_al_read(ldev, page, best, &seq);
	if (err)
		goto out_free;

	if (!(ldev->md_flags & TWIN_MDF_AL_CLEAN)) {
		count = be32_to_cpu(best->count);
		bshift = be32_to_cpu(best->extent_shift);
		for (i = 0; i < count; i++)
			twin_bm_set(res, (sector_t)be32_to_cpu(best->extents[i])
				    << (bshift - SECTOR_SHIFT), 1ULL << bshift);
		if (count)
			pr_info("%s: unclean shutdown: %u activity log extents of %u KiB out of sync\n",
				res->name, count, 1U << (bshift - 10));
	}
	/* the old extents stay active, unless the log's geometry changed */
	keep = count <= nr && bshift == shift;
	if (count && !keep) {
		err = twin_bm_write_all(res);
		if (err)
			goto out_free;
	}

	ldev->al_nr_extents = nr;
	ldev->al_extent_shift = shift;
	ldev->md_flags &= ~TWIN_MDF_AL_CLEAN;
	err = twin_md_write_ldev(res, ldev);
	if (err)
		goto out_free;

	spin_lock_irq(&al->lock);
	al->slots = slots;
	al->hash = hash;
	al->hash_bits = bits;
	al->evict = evict;
	al->page = page;
	al->nr = nr;
	al->shift = shift;
	al->seq = seq;
	al->used = 0;
	al->dead = false;
	al->epoch++;
	INIT_LIST_HEAD(&al->lru);
	INIT_LIST_HEAD(&al->free);
	for (i = 0; i < nr; i++) {
		struct twin_al_slot *s = &slots[i];

		INIT_HLIST_NODE(&s->hash);
		if (keep && i < count) {
			s->enr = be32_to_cpu(best->extents[i]);
			s->state = TWIN_AL_ACTIVE;
			hlist_add_head(&s->hash, &hash[hash_32(s->enr, bits)]);
			list_add_tail(&s->lru, &al->lru);
			al->used++;
		} else {
			list_add_tail(&s->lru, &al->free);
		}
	}
	spin_unlock_irq(&al->lock);
	kfree(best);
	pr_info("%s: activity log: %u extents of %u KiB, transaction %llu\n",
		res->name, nr, 1U << (shift - 10), (unsigned long long)seq);
	return 0;

out_free:
	if (page)
		__free_page(page);
	kfree(best);
	kfree(evict);
	kfree(hash);
	kfree(slots);
	return err;
}

/*
 * Clean detach (ldev_mutex held, no local I/O any more): the bitmap on
 * disk holds every bit, so the log is not needed at the next attach.
 */
int twin_al_clean(struct twin_res *res)
{
	struct twin_ldev *ldev = res->ldev;
	int err;

	if (!ldev || !res->al.slots)
		return 0;
	err = twin_bm_write_all(res);
	if (err)
		return err;
	ldev->md_flags |= TWIN_MDF_AL_CLEAN;
	err = twin_md_write_ldev(res, ldev);
	if (err)
		ldev->md_flags &= ~TWIN_MDF_AL_CLEAN;
	return err;
}

/* Detach: no log any more; queued writes go on without it. */
void twin_al_free(struct twin_res *res)
{
	struct twin_al *al = &res->al;
	struct twin_al_slot *slots;
	struct hlist_head *hash;
	struct page *page;
	u32 *evict;

	spin_lock_irq(&al->lock);
	al->dead = true;
	spin_unlock_irq(&al->lock);
	wake_up_all(&al->wait);
	queue_work(res->wq, &al->work);		/* releases the queued writes */
	flush_work(&al->work);

	spin_lock_irq(&al->lock);
	slots = al->slots;
	hash = al->hash;
	evict = al->evict;
	page = al->page;
	al->slots = NULL;
	al->hash = NULL;
	al->evict = NULL;
	al->page = NULL;
	al->used = 0;
	al->epoch++;
	INIT_LIST_HEAD(&al->lru);
	INIT_LIST_HEAD(&al->free);
	spin_unlock_irq(&al->lock);
	if (page)
		__free_page(page);
	kfree(evict);
	kfree(hash);
	kfree(slots);
}

/* For status: false while no log is loaded. */
bool twin_al_status(struct twin_res *res, struct twin_al_stat *st)
{
	struct twin_al *al = &res->al;
	unsigned long flags;
	bool loaded;

	spin_lock_irqsave(&al->lock, flags);
	loaded = al->slots;
	st->active = al->used;
	st->max = al->nr;
	st->extent_kib = loaded ? 1U << (al->shift - 10) : 0;
	st->transactions = al->transactions;
	spin_unlock_irqrestore(&al->lock, flags);
	return loaded;
}
