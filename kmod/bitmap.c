// SPDX-License-Identifier: GPL-2.0
/*
 * bitmap.c - the dirty bitmap: one bit per 4 KiB block of the device
 * (TWIN_MD_BM_BLOCK_BYTES), set for every block that may differ from the
 * peer's copy.
 *
 * In memory while a disk is attached (ldev->bm), on disk in the bitmap
 * area of the metadata as little-endian 64-bit words: bit n of the device
 * is bit n % 8 of byte n / 8. The words are protected by res->lock, so
 * bits can be set and cleared from bio completion; the on-disk copy is
 * written per 4 KiB page, only the pages that changed since their last
 * write (ldev->bm.dirty), from process context under bm.io_mutex.
 *
 * TWIN_MDF_FULL_SYNC in the superblock says "every block out of sync"
 * without writing the whole bitmap; it is applied on load and cleared once
 * the full bitmap is on disk.
 */
#include "twin.h"

#define TWIN_BM_PAGE_BITS	(PAGE_SIZE * 8)
#define TWIN_BM_PAGE_WORDS	(PAGE_SIZE / sizeof(u64))

static u64 twin_bm_first_bit(sector_t sector)
{
	return sector / TWIN_MD_BM_BLOCK_SECTORS;
}

static struct twin_bitmap *twin_bm_of(struct twin_res *res)
{
	lockdep_assert_held(&res->lock);
	if (!res->ldev || !res->ldev->bm.words)
		return NULL;
	return &res->ldev->bm;
}

/* Mark the on-disk pages holding bits [first, end) as changed. */
static void twin_bm_dirty(struct twin_bitmap *bm, u64 first, u64 end)
{
	u64 p;

	for (p = first / TWIN_BM_PAGE_BITS; p <= (end - 1) / TWIN_BM_PAGE_BITS;
	     p++)
		__set_bit(p, bm->dirty);
}

/* res->lock held: set or clear bits [first, end), keeping the count. */
static void twin_bm_change(struct twin_bitmap *bm, u64 first, u64 end,
			   bool set)
{
	u64 bit;

	if (first >= end)
		return;
	for (bit = first; bit < end; bit++) {
		if (set && !__test_and_set_bit(bit, bm->words))
			bm->weight++;
		else if (!set && __test_and_clear_bit(bit, bm->words))
			bm->weight--;
	}
	twin_bm_dirty(bm, first, end);
}

/* res->lock held. Set every block that [sector, +bytes) touches. */
void __twin_bm_set(struct twin_res *res, sector_t sector, u64 bytes)
{
	struct twin_bitmap *bm = twin_bm_of(res);
	u64 first = twin_bm_first_bit(sector), end;

	if (!bm || !bytes || first >= bm->nbits)
		return;
	end = DIV_ROUND_UP_ULL(sector + (bytes >> SECTOR_SHIFT),
			       TWIN_MD_BM_BLOCK_SECTORS);
	twin_bm_change(bm, first, min(end, bm->nbits), true);
}

/*
 * res->lock held. Clear the blocks [sector, +bytes) covers completely
 * (the last block of the device counts as complete at the device end).
 */
void __twin_bm_clear(struct twin_res *res, sector_t sector, u64 bytes)
{
	struct twin_bitmap *bm = twin_bm_of(res);
	sector_t stop = sector + (bytes >> SECTOR_SHIFT);
	u64 first, end;

	if (!bm || !bytes)
		return;
	first = DIV_ROUND_UP_ULL(sector, TWIN_MD_BM_BLOCK_SECTORS);
	end = stop >= res->ldev->layout.data_sectors ? bm->nbits :
	      twin_bm_first_bit(stop);
	twin_bm_change(bm, first, min(end, bm->nbits), false);
}

void twin_bm_set(struct twin_res *res, sector_t sector, u64 bytes)
{
	unsigned long flags;

	spin_lock_irqsave(&res->lock, flags);
	__twin_bm_set(res, sector, bytes);
	spin_unlock_irqrestore(&res->lock, flags);
}

void twin_bm_clear(struct twin_res *res, sector_t sector, u64 bytes)
{
	unsigned long flags;

	spin_lock_irqsave(&res->lock, flags);
	__twin_bm_clear(res, sector, bytes);
	spin_unlock_irqrestore(&res->lock, flags);
}

/* res->lock held. */
u64 __twin_bm_weight(struct twin_res *res)
{
	struct twin_bitmap *bm = twin_bm_of(res);

	return bm ? bm->weight : 0;
}

u64 twin_bm_weight(struct twin_res *res)
{
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&res->lock, flags);
	n = __twin_bm_weight(res);
	spin_unlock_irqrestore(&res->lock, flags);
	return n;
}

u64 twin_bm_find_next(struct twin_res *res, u64 bit)
{
	struct twin_bitmap *bm;
	unsigned long flags;
	u64 n = ~0ULL;

	spin_lock_irqsave(&res->lock, flags);
	bm = twin_bm_of(res);
	if (bm && bit < bm->nbits) {
		n = find_next_bit(bm->words, bm->nbits, bit);
		if (n >= bm->nbits)
			n = ~0ULL;
	}
	spin_unlock_irqrestore(&res->lock, flags);
	return n;
}

/* How many bits from @bit on are set in a row, at most @max. */
u64 twin_bm_run(struct twin_res *res, u64 bit, u64 max)
{
	struct twin_bitmap *bm;
	unsigned long flags;
	u64 n = 0;

	spin_lock_irqsave(&res->lock, flags);
	bm = twin_bm_of(res);
	if (bm && bit < bm->nbits)
		n = find_next_zero_bit(bm->words, min(bm->nbits, bit + max),
				       bit) - bit;
	spin_unlock_irqrestore(&res->lock, flags);
	return n;
}

/* Number of bits the bitmap has (blocks of the device), 0 if detached. */
u64 twin_bm_bits(struct twin_res *res)
{
	struct twin_bitmap *bm;
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&res->lock, flags);
	bm = twin_bm_of(res);
	n = bm ? bm->nbits : 0;
	spin_unlock_irqrestore(&res->lock, flags);
	return n;
}

/* res->lock held: every block out of sync (full sync, invalidate). */
void __twin_bm_set_all(struct twin_res *res)
{
	struct twin_bitmap *bm = twin_bm_of(res);

	if (!bm)
		return;
	bitmap_fill(bm->words, bm->nbits);
	bitmap_fill(bm->dirty, bm->npages);
	bm->weight = bm->nbits;
}

void twin_bm_set_all(struct twin_res *res)
{
	spin_lock_irq(&res->lock);
	__twin_bm_set_all(res);
	spin_unlock_irq(&res->lock);
}

void twin_bm_clear_all(struct twin_res *res)
{
	struct twin_bitmap *bm;

	spin_lock_irq(&res->lock);
	bm = twin_bm_of(res);
	if (bm) {
		bitmap_zero(bm->words, bm->nbits);
		bitmap_fill(bm->dirty, bm->npages);
		bm->weight = 0;
	}
	spin_unlock_irq(&res->lock);
}

/*
 * OR @n bits in little-endian words from @src into the bitmap at bit
 * @first (bitmap exchange). Returns the number of bits newly set.
 */
u64 twin_bm_merge(struct twin_res *res, u64 first, const __le64 *src, u64 n)
{
	struct twin_bitmap *bm;
	u64 i, added = 0;

	spin_lock_irq(&res->lock);
	bm = twin_bm_of(res);
	if (bm && first < bm->nbits) {
		n = min(n, bm->nbits - first);
		for (i = 0; i < n; i++) {
			if (!(le64_to_cpu(src[i / 64]) & (1ULL << (i % 64))))
				continue;
			if (!__test_and_set_bit(first + i, bm->words)) {
				added++;
				bm->weight++;
				__set_bit((first + i) / TWIN_BM_PAGE_BITS,
					  bm->dirty);
			}
		}
	}
	spin_unlock_irq(&res->lock);
	return added;
}

/*
 * Copy @n bits from bit @first (a multiple of 64) into little-endian words
 * at @dst (bitmap exchange). Returns the number of bits copied.
 */
u64 twin_bm_copy_out(struct twin_res *res, u64 first, __le64 *dst, u64 n)
{
	struct twin_bitmap *bm;
	u64 i, w;

	spin_lock_irq(&res->lock);
	bm = twin_bm_of(res);
	if (!bm || first >= bm->nbits) {
		n = 0;
		goto out;
	}
	n = min(n, bm->nbits - first);
	for (w = 0; w < DIV_ROUND_UP_ULL(n, 64); w++) {
		u64 v = 0;

		for (i = 0; i < 64 && w * 64 + i < n; i++)
			if (test_bit(first + w * 64 + i, bm->words))
				v |= 1ULL << i;
		dst[w] = cpu_to_le64(v);
	}
out:
	spin_unlock_irq(&res->lock);
	return n;
}

static int twin_bm_io(struct block_device *bdev, sector_t sector,
		      struct page *page, blk_opf_t opf)
{
	struct bio *bio;
	int err;

	bio = bio_alloc(bdev, 1, opf, GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	__bio_add_page(bio, page, PAGE_SIZE, 0);
	err = submit_bio_wait(bio);
	bio_put(bio);
	return err;
}

static sector_t twin_bm_page_sector(struct twin_ldev *ldev, u64 p)
{
	return ldev->layout.sb_sector + ldev->layout.bm_offset +
	       p * (PAGE_SIZE >> SECTOR_SHIFT);
}

/* res->lock held: on-disk words of page @p from the in-memory bits. */
static void twin_bm_page_out(struct twin_bitmap *bm, u64 p, __le64 *dst)
{
	u64 base = p * TWIN_BM_PAGE_BITS, w, i;

	for (w = 0; w < TWIN_BM_PAGE_WORDS; w++) {
		u64 v = 0, bit = base + w * 64;

		if (bit < bm->nbits) {
			for (i = 0; i < 64 && bit + i < bm->nbits; i++)
				if (test_bit(bit + i, bm->words))
					v |= 1ULL << i;
		}
		dst[w] = cpu_to_le64(v);
	}
}

/*
 * Write the changed pages in [pfirst, pend), then flush them to stable
 * storage. Process context, the disk attached (ldev_mutex or an ldev
 * reference).
 */
static int twin_bm_write_pages(struct twin_res *res, u64 pfirst, u64 pend)
{
	struct twin_ldev *ldev = res->ldev;
	struct twin_bitmap *bm = &ldev->bm;
	struct page *page;
	bool wrote = false;
	int err = 0;
	u64 p;

	page = alloc_page(GFP_NOIO);
	if (!page)
		return -ENOMEM;
	mutex_lock(&bm->io_mutex);
	for (p = pfirst; p < pend && p < bm->npages; p++) {
		spin_lock_irq(&res->lock);
		if (!__test_and_clear_bit(p, bm->dirty)) {
			spin_unlock_irq(&res->lock);
			continue;
		}
		twin_bm_page_out(bm, p, page_address(page));
		spin_unlock_irq(&res->lock);
		err = twin_bm_io(ldev->md_bdev, twin_bm_page_sector(ldev, p),
				 page, REQ_OP_WRITE | REQ_SYNC);
		if (err) {
			spin_lock_irq(&res->lock);
			__set_bit(p, bm->dirty);
			spin_unlock_irq(&res->lock);
			break;
		}
		wrote = true;
	}
	if (!err && wrote)
		err = blkdev_issue_flush(ldev->md_bdev);
	mutex_unlock(&bm->io_mutex);
	__free_page(page);
	if (err) {
		pr_err("%s: bitmap write failed: %d\n", res->name, err);
		twin_disk_failed(res);
	}
	return err;
}

int twin_bm_write_range(struct twin_res *res, sector_t sector, u64 bytes)
{
	u64 first = twin_bm_first_bit(sector);
	u64 end = DIV_ROUND_UP_ULL(sector + (bytes >> SECTOR_SHIFT),
				   TWIN_MD_BM_BLOCK_SECTORS);
	int err;

	if (!twin_get_ldev(res))
		return -ENODEV;
	err = !res->ldev->bm.words || !bytes ? 0 :
	      twin_bm_write_pages(res, first / TWIN_BM_PAGE_BITS,
				  (end - 1) / TWIN_BM_PAGE_BITS + 1);
	twin_put_ldev(res);
	return err;
}

/*
 * Write every changed page; the caller keeps the disk attached (holds
 * ldev_mutex or an ldev reference). Once the whole bitmap is on disk a
 * pending TWIN_MDF_FULL_SYNC is no longer needed.
 */
int twin_bm_write_all(struct twin_res *res)
{
	struct twin_ldev *ldev = res->ldev;
	int err;

	if (!ldev || !ldev->bm.words)
		return -ENODEV;
	err = twin_bm_write_pages(res, 0, ldev->bm.npages);
	if (!err && (ldev->md_flags & TWIN_MDF_FULL_SYNC)) {
		/* if this superblock write fails, the next load syncs all */
		ldev->md_flags &= ~TWIN_MDF_FULL_SYNC;
		twin_md_write(res);
	}
	return err;
}

/*
 * Attach: read the on-disk bitmap of res->ldev (set by the caller, which
 * holds ldev_mutex). Bits beyond the device end are ignored.
 */
int twin_bm_load(struct twin_res *res)
{
	struct twin_ldev *ldev = res->ldev;
	struct twin_bitmap *bm = &ldev->bm;
	u64 nbits, npages, p, w, i;
	unsigned long *words, *dirty;
	struct page *page;
	__le64 *src;
	int err = 0;

	nbits = DIV_ROUND_UP_ULL(ldev->layout.data_sectors,
				 TWIN_MD_BM_BLOCK_SECTORS);
	npages = DIV_ROUND_UP_ULL(nbits, TWIN_BM_PAGE_BITS);
	if ((u64)ldev->layout.bm_sectors << SECTOR_SHIFT < npages * PAGE_SIZE)
		return -EFBIG;
	words = kvcalloc(BITS_TO_LONGS(nbits), sizeof(long), GFP_KERNEL);
	dirty = kvcalloc(BITS_TO_LONGS(npages), sizeof(long), GFP_KERNEL);
	page = alloc_page(GFP_KERNEL);
	if (!words || !dirty || !page) {
		err = -ENOMEM;
		goto out_free;
	}
	for (p = 0; p < npages; p++) {
		err = twin_bm_io(ldev->md_bdev, twin_bm_page_sector(ldev, p),
				 page, REQ_OP_READ);
		if (err)
			goto out_free;
		src = page_address(page);
		for (w = 0; w < TWIN_BM_PAGE_WORDS; w++) {
			u64 v = le64_to_cpu(src[w]);
			u64 bit = p * TWIN_BM_PAGE_BITS + w * 64;

			for (i = 0; v && i < 64 && bit + i < nbits; i++)
				if (v & (1ULL << i))
					__set_bit(bit + i, words);
		}
	}
	__free_page(page);
	mutex_init(&bm->io_mutex);
	spin_lock_irq(&res->lock);
	bm->words = words;
	bm->dirty = dirty;
	bm->nbits = nbits;
	bm->weight = bitmap_weight(words, nbits);
	bm->npages = npages;
	if (ldev->md_flags & TWIN_MDF_FULL_SYNC)
		__twin_bm_set_all(res);
	spin_unlock_irq(&res->lock);
	pr_info("%s: bitmap loaded, %llu KiB out of sync\n", res->name,
		(unsigned long long)twin_bm_weight(res) *
		(TWIN_MD_BM_BLOCK_BYTES >> 10));
	return 0;

out_free:
	if (page)
		__free_page(page);
	kvfree(words);
	kvfree(dirty);
	return err;
}

/* The disk is no longer reachable through res->ldev. */
void twin_bm_free(struct twin_ldev *ldev)
{
	kvfree(ldev->bm.words);
	kvfree(ldev->bm.dirty);
	ldev->bm.words = NULL;
	ldev->bm.dirty = NULL;
	ldev->bm.nbits = 0;
	ldev->bm.npages = 0;
	ldev->bm.weight = 0;
}
