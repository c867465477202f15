// SPDX-License-Identifier: GPL-2.0
/*
 * md.c - the backing disk and its on-disk metadata: opening the devices,
 * reading and writing the superblock (include/twin_ondisk.h), and the
 * generation UUIDs.
 */
#include "twin.h"

#include <linux/file.h>
#include <linux/random.h>

#define TWIN_BDEV_MODE	(FMODE_READ | FMODE_WRITE | FMODE_EXCL)

static DEFINE_MUTEX(twin_md_mutex);	/* one superblock write at a time */

/*
 * Local disk I/O (and metadata access) holds a reference taken here; a
 * detach first leaves the disk states that allow new references, then
 * waits for local_pending to drop to zero.
 */
bool twin_get_ldev(struct twin_res *res)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&res->lock, flags);
	ok = res->ldev && !res->disk_failed &&
	     res->st.disk >= TWIN_DISK_NEGOTIATING;
	if (ok)
		atomic_inc(&res->local_pending);
	spin_unlock_irqrestore(&res->lock, flags);
	return ok;
}

void twin_put_ldev(struct twin_res *res)
{
	if (atomic_dec_and_test(&res->local_pending))
		wake_up_all(&res->state_wait);
}

static int twin_md_io(struct block_device *bdev, sector_t sector,
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

static struct block_device *twin_bdev_open(const char *path, int fd,
					   void *holder, const char **why)
{
	struct block_device *bdev;
	struct file *file;
	dev_t dev;

	if (path) {
		bdev = blkdev_get_by_path(path, TWIN_BDEV_MODE, holder);
		if (IS_ERR(bdev))
			*why = "cannot open the block device exclusively";
		return bdev;
	}
	file = fget(fd);
	if (!file) {
		*why = "bad file descriptor";
		return ERR_PTR(-EBADF);
	}
	if (!S_ISBLK(file_inode(file)->i_mode)) {
		fput(file);
		*why = "not a block device";
		return ERR_PTR(-ENOTBLK);
	}
	dev = file_inode(file)->i_rdev;
	fput(file);
	bdev = blkdev_get_by_dev(dev, TWIN_BDEV_MODE, holder);
	if (IS_ERR(bdev))
		*why = "cannot open the block device exclusively";
	return bdev;
}

int twin_ldev_open(struct twin_ldev *ldev, const char *path, int fd,
		   const char *md_path, int md_fd, void *holder,
		   const char **why)
{
	struct block_device *bdev;

	bdev = twin_bdev_open(path, fd, holder, why);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	ldev->bdev = bdev;
	ldev->md_bdev = bdev;
	/* report the path as configured, so tools can compare it */
	if (path)
		strscpy(ldev->disk_path, path, sizeof(ldev->disk_path));
	else
		snprintf(ldev->disk_path, sizeof(ldev->disk_path), "/dev/%pg",
			 bdev);
	if (ldev->meta_type == TWIN_META_EXTERNAL) {
		bdev = twin_bdev_open(md_path, md_fd, holder, why);
		if (IS_ERR(bdev)) {
			blkdev_put(ldev->bdev, TWIN_BDEV_MODE);
			ldev->bdev = NULL;
			return PTR_ERR(bdev);
		}
		ldev->md_bdev = bdev;
		if (md_path)
			strscpy(ldev->md_path, md_path, sizeof(ldev->md_path));
		else
			snprintf(ldev->md_path, sizeof(ldev->md_path),
				 "/dev/%pg", bdev);
	}
	return 0;
}

void twin_ldev_close(struct twin_ldev *ldev)
{
	if (ldev->md_bdev && ldev->md_bdev != ldev->bdev)
		blkdev_put(ldev->md_bdev, TWIN_BDEV_MODE);
	if (ldev->bdev)
		blkdev_put(ldev->bdev, TWIN_BDEV_MODE);
	ldev->bdev = NULL;
	ldev->md_bdev = NULL;
}

/* Check a superblock against the layout computed from the device sizes. */
static int twin_md_check(struct twin_ldev *ldev, struct twin_md_sb *sb,
			 const char **why)
{
	struct twin_md_layout *l = &ldev->layout;
	u32 crc = be32_to_cpu(sb->crc32);
	int i;

	if (be32_to_cpu(sb->magic) != TWIN_MD_MAGIC) {
		*why = "no twin metadata found (run twinadm create-md)";
		return -EMEDIUMTYPE;
	}
	if (be32_to_cpu(sb->version) != TWIN_MD_VERSION) {
		*why = "unsupported metadata version";
		return -EMEDIUMTYPE;
	}
	sb->crc32 = 0;
	if (twin_md_crc32(sb, sizeof(*sb)) != crc) {
		*why = "metadata checksum mismatch";
		return -EMEDIUMTYPE;
	}
	if (be32_to_cpu(sb->meta_type) != ldev->meta_type ||
	    be32_to_cpu(sb->meta_index) != ldev->meta_index ||
	    be64_to_cpu(sb->sb_sector) != l->sb_sector) {
		*why = "metadata was created for another meta-disk setting";
		return -EMEDIUMTYPE;
	}
	if (be64_to_cpu(sb->data_sectors) > l->data_sectors ||
	    be64_to_cpu(sb->data_sectors) == 0) {
		*why = "metadata does not match the device size (re-run create-md)";
		return -EFBIG;
	}
	l->data_sectors = be64_to_cpu(sb->data_sectors);
	ldev->md_flags = be32_to_cpu(sb->flags);
	for (i = 0; i < TWIN_UUID_SLOTS; i++)
		ldev->uuid[i] = be64_to_cpu(sb->uuid[i]);
	ldev->device_uuid = be64_to_cpu(sb->device_uuid);
	ldev->al_extent_shift = be32_to_cpu(sb->al_extent_shift);
	ldev->al_nr_extents = be32_to_cpu(sb->al_nr_extents);
	return 0;
}

int twin_md_read(struct twin_ldev *ldev, const char **why)
{
	u64 dsize = bdev_nr_sectors(ldev->bdev);
	struct page *page;
	int err;

	if (ldev->meta_type == TWIN_META_EXTERNAL)
		err = twin_md_layout_external(dsize,
					      bdev_nr_sectors(ldev->md_bdev),
					      ldev->meta_index, &ldev->layout);
	else
		err = twin_md_layout_internal(dsize, &ldev->layout);
	if (err) {
		*why = "device too small for the metadata";
		return -EFBIG;
	}
	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	err = twin_md_io(ldev->md_bdev, ldev->layout.sb_sector, page,
			 REQ_OP_READ);
	if (err)
		*why = "I/O error reading the metadata";
	else
		err = twin_md_check(ldev, page_address(page), why);
	__free_page(page);
	return err;
}

static void twin_md_fill(struct twin_ldev *ldev, struct twin_md_sb *sb)
{
	struct twin_md_layout *l = &ldev->layout;
	int i;

	memset(sb, 0, sizeof(*sb));
	sb->magic = cpu_to_be32(TWIN_MD_MAGIC);
	sb->version = cpu_to_be32(TWIN_MD_VERSION);
	sb->flags = cpu_to_be32(ldev->md_flags);
	sb->meta_type = cpu_to_be32(ldev->meta_type);
	sb->meta_index = cpu_to_be32(ldev->meta_index);
	sb->bm_bytes_per_bit = cpu_to_be32(TWIN_MD_BM_BLOCK_BYTES);
	for (i = 0; i < TWIN_UUID_SLOTS; i++)
		sb->uuid[i] = cpu_to_be64(ldev->uuid[i]);
	sb->device_uuid = cpu_to_be64(ldev->device_uuid);
	sb->data_sectors = cpu_to_be64(l->data_sectors);
	sb->sb_sector = cpu_to_be64(l->sb_sector);
	sb->md_size_sectors = cpu_to_be32(l->md_size_sectors);
	sb->al_offset = cpu_to_be32((u32)l->al_offset);
	sb->al_sectors = cpu_to_be32(l->al_sectors);
	sb->bm_offset = cpu_to_be32((u32)l->bm_offset);
	sb->bm_sectors = cpu_to_be32(l->bm_sectors);
	sb->al_extent_shift = cpu_to_be32(ldev->al_extent_shift);
	sb->al_nr_extents = cpu_to_be32(ldev->al_nr_extents);
	sb->crc32 = cpu_to_be32(twin_md_crc32(sb, sizeof(*sb)));
}

/*
 * Write the superblock of @ldev durably (flush before, FUA on the write);
 * the caller keeps the disk: an ldev reference, or ldev_mutex while
 * attaching or detaching, when no reference can be taken.
 */
int twin_md_write_ldev(struct twin_res *res, struct twin_ldev *ldev)
{
	struct page *page;
	int err;

	page = alloc_page(GFP_NOIO);
	if (!page)
		return -ENOMEM;
	mutex_lock(&twin_md_mutex);
	twin_md_fill(ldev, page_address(page));
	err = twin_md_io(ldev->md_bdev, ldev->layout.sb_sector, page,
			 REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH | REQ_FUA);
	mutex_unlock(&twin_md_mutex);
	__free_page(page);
	if (err) {
		pr_err("%s: metadata write failed: %d\n", res->name, err);
		twin_disk_failed(res);
	}
	return err;
}

int twin_md_write(struct twin_res *res)
{
	int err;

	if (!twin_get_ldev(res))
		return -ENODEV;
	err = twin_md_write_ldev(res, res->ldev);
	twin_put_ldev(res);
	return err;
}

/*
 * Start a new data generation (promotion or connection loss as Primary):
 * the old current UUID becomes the bitmap UUID, so a peer that still has
 * it is known to be older. Caller writes the metadata.
 */
void twin_uuid_new_current(struct twin_res *res)
{
	struct twin_ldev *ldev = res->ldev;
	u64 val;

	if (!ldev)
		return;
	if (ldev->uuid[TWIN_UUID_BITMAP] == 0) {
		ldev->uuid[TWIN_UUID_BITMAP] = ldev->uuid[TWIN_UUID_CURRENT];
	} else {
		ldev->uuid[TWIN_UUID_HISTORY1] = ldev->uuid[TWIN_UUID_HISTORY0];
		ldev->uuid[TWIN_UUID_HISTORY0] = ldev->uuid[TWIN_UUID_CURRENT];
	}
	do {
		val = get_random_u64() & ~1ULL;
	} while (val <= TWIN_UUID_JUST_CREATED);
	ldev->uuid[TWIN_UUID_CURRENT] = val;
	WRITE_ONCE(res->uuid_shared, false);	/* uuid.c */
	pr_info("%s: new current UUID %016llx\n", res->name, val);
}
