// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - resources and their block devices: create/destroy, the gendisk
 * and its open rules, attaching and detaching the backing disk.
 */
#include "twin.h"

LIST_HEAD(twin_resources);
DEFINE_MUTEX(twin_res_mutex);

/* As DRBD 8.4: only a Primary may be opened, a Secondary refuses. */
static int twin_open(struct block_device *bdev, fmode_t mode)
{
	struct twin_res *res = bdev->bd_disk->private_data;
	int err = 0;

	spin_lock_irq(&res->lock);
	if (res->st.role != TWIN_ROLE_PRIMARY)
		err = (mode & FMODE_WRITE) ? -EROFS : -EMEDIUMTYPE;
	else
		res->open_cnt++;
	spin_unlock_irq(&res->lock);
	return err;
}

static void twin_release(struct gendisk *disk, fmode_t mode)
{
	struct twin_res *res = disk->private_data;

	spin_lock_irq(&res->lock);
	res->open_cnt--;
	spin_unlock_irq(&res->lock);
	wake_up_all(&res->state_wait);
}

static const struct block_device_operations twin_fops = {
	.owner = THIS_MODULE,
	.submit_bio = twin_submit_bio,
	.open = twin_open,
	.release = twin_release,
};

struct twin_res *twin_res_find(const char *name)
{
	struct twin_res *res;

	lockdep_assert_held(&twin_res_mutex);
	list_for_each_entry(res, &twin_resources, list)
		if (!strcmp(res->name, name))
			return res;
	return NULL;
}

static bool twin_minor_used(u32 minor)
{
	struct twin_res *res;

	list_for_each_entry(res, &twin_resources, list)
		if (res->minor == minor)
			return true;
	return false;
}

void twin_set_size(struct twin_res *res, sector_t size)
{
	if (res->size == size)
		return;
	pr_info("%s: size %llu sectors\n", res->name,
		(unsigned long long)size);
	res->size = size;
	set_capacity_and_notify(res->disk, size);
}

static void twin_detach_work(struct work_struct *work)
{
	struct twin_res *res = container_of(work, struct twin_res,
					    detach_work);
	const char *why;

	twin_detach(res, true, &why);
}

/* Called from any context, also end_io: stop using the disk, detach. */
void twin_disk_failed(struct twin_res *res)
{
	unsigned long flags;
	bool first;

	spin_lock_irqsave(&res->lock, flags);
	first = res->ldev && !res->disk_failed;
	res->disk_failed = true;
	spin_unlock_irqrestore(&res->lock, flags);
	if (first) {
		pr_err("%s: local disk I/O error, detaching\n", res->name);
		queue_work(res->wq, &res->detach_work);
	}
}

static void twin_res_init(struct twin_res *res, const char *name, u32 minor)
{
	strscpy(res->name, name, sizeof(res->name));
	res->minor = minor;
	mutex_init(&res->ldev_mutex);
	mutex_init(&res->send_mutex);
	spin_lock_init(&res->lock);
	init_waitqueue_head(&res->state_wait);
	INIT_WORK(&res->detach_work, twin_detach_work);
	INIT_WORK(&res->ack_work, twin_ack_work);
	INIT_WORK(&res->state_work, twin_state_work);
	xa_init_flags(&res->peer_reqs, XA_FLAGS_ALLOC1 | XA_FLAGS_LOCK_IRQ);
	INIT_LIST_HEAD(&res->active_writes);
	INIT_LIST_HEAD(&res->active_ee);
	INIT_LIST_HEAD(&res->done_ee);
	INIT_LIST_HEAD(&res->read_retry);
	INIT_LIST_HEAD(&res->rs_ranges);
	INIT_LIST_HEAD(&res->gen_reqs);
	INIT_WORK(&res->gen_work, twin_gen_work);
	res->rs_min_kib = TWIN_DEF_RESYNC_MIN_KIB;
	twin_verify_init(res);
	INIT_LIST_HEAD(&res->held_reqs);
	bio_list_init(&res->held_bios);
	twin_al_init(res);
	res->st.role = TWIN_ROLE_SECONDARY;
	res->st.disk = TWIN_DISK_DISKLESS;
	res->st.peer_role = TWIN_ROLE_UNKNOWN;
	res->st.peer_disk = TWIN_DISK_DUNKNOWN;
	res->st.conn = TWIN_CONN_STANDALONE;
}

int twin_res_create(const char *name, u32 minor, const char **why)
{
	struct twin_res *res;
	struct gendisk *disk;
	int err;

	lockdep_assert_held(&twin_res_mutex);
	if (twin_res_find(name)) {
		*why = "a resource with this name exists";
		return -EEXIST;
	}
	if (minor > TWIN_MINOR_MAX) {
		*why = "minor out of range";
		return -ERANGE;
	}
	if (twin_minor_used(minor)) {
		*why = "the minor is used by another resource";
		return -EEXIST;
	}
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!res)
		return -ENOMEM;
	twin_res_init(res, name, minor);
	err = bioset_init(&res->bs, 64, 0, BIOSET_NEED_BVECS);
	if (err)
		goto out_free_res;
	res->wq = alloc_workqueue("twin_%s", WQ_MEM_RECLAIM, 0, name);
	if (!res->wq) {
		err = -ENOMEM;
		goto out_exit_bioset;
	}
	disk = blk_alloc_disk(NUMA_NO_NODE);
	if (!disk) {
		err = -ENOMEM;
		goto out_destroy_wq;
	}
	res->disk = disk;
	disk->major = twin_major;
	disk->first_minor = minor;
	disk->minors = 1;
	disk->fops = &twin_fops;
	disk->private_data = res;
	disk->flags |= GENHD_FL_NO_PART;
	snprintf(disk->disk_name, DISK_NAME_LEN, "twin%u", minor);
	blk_queue_write_cache(disk->queue, true, true);
	blk_queue_max_hw_sectors(disk->queue, TWIN_MAX_BIO_SECTORS);
	blk_queue_physical_block_size(disk->queue, PAGE_SIZE);
	set_capacity(disk, 0);
	err = add_disk(disk);
	if (err)
		goto out_put_disk;
	twin_debugfs_add(res);
	list_add_tail(&res->list, &twin_resources);
	pr_info("%s: created /dev/%s\n", name, disk->disk_name);
	twin_nl_event(res, TWIN_EVENT_CREATE);
	return 0;

out_put_disk:
	put_disk(disk);
out_destroy_wq:
	destroy_workqueue(res->wq);
out_exit_bioset:
	bioset_exit(&res->bs);
out_free_res:
	kfree(res);
	return err;
}

/* "down": secondary, disconnect, detach, delete. */
int twin_res_destroy(struct twin_res *res, const char **why)
{
	int err;

	lockdep_assert_held(&twin_res_mutex);
	err = twin_demote(res, why);
	if (err)
		return err;
	twin_connect_stop(res);
	twin_detach(res, false, why);
	cancel_work_sync(&res->detach_work);
	twin_nl_event(res, TWIN_EVENT_DESTROY);
	list_del(&res->list);
	twin_debugfs_remove(res);
	del_gendisk(res->disk);
	put_disk(res->disk);
	destroy_workqueue(res->wq);
	bioset_exit(&res->bs);
	xa_destroy(&res->peer_reqs);
	twin_verify_free(res);
	pr_info("%s: deleted\n", res->name);
	kfree(res);
	return 0;
}

/* Take @ldev (opened by the caller) as the backing disk. */
int twin_attach(struct twin_res *res, struct twin_ldev *ldev,
		const char **why)
{
	struct twin_state st;
	int err;

	mutex_lock(&res->ldev_mutex);
	err = -EALREADY;
	*why = "a disk is already attached; detach it first";
	if (res->ldev)
		goto out;
	err = twin_md_read(ldev, why);
	if (err)
		goto out;
	twin_get_state(res, &st);
	err = -EBUSY;
	*why = "attaching to a diskless Primary is not supported yet; demote it first";
	if (st.role == TWIN_ROLE_PRIMARY)
		goto out;
	err = -EINVAL;
	*why = "the disk size differs from the size in use";
	if (res->size && res->size != ldev->layout.data_sectors &&
	    (st.role == TWIN_ROLE_PRIMARY || res->established))
		goto out;
	blk_queue_logical_block_size(res->disk->queue,
				     bdev_logical_block_size(ldev->bdev));
	spin_lock_irq(&res->lock);
	res->ldev = ldev;
	res->disk_failed = false;
	spin_unlock_irq(&res->lock);
	err = twin_bm_load(res);
	if (err) {
		*why = "cannot read the bitmap from the metadata";
		spin_lock_irq(&res->lock);
		res->ldev = NULL;
		spin_unlock_irq(&res->lock);
		goto out;
	}
	err = twin_al_load(res);
	if (err) {
		*why = "cannot read or write the activity log in the metadata";
		spin_lock_irq(&res->lock);
		res->ldev = NULL;
		spin_unlock_irq(&res->lock);
		twin_bm_free(ldev);
		goto out;
	}
	/* unknown whether the peer has our generation: assume it does */
	WRITE_ONCE(res->uuid_shared, true);
	twin_set_size(res, ldev->layout.data_sectors);
	twin_set_disk(res, (ldev->md_flags & TWIN_MDF_CONSISTENT) ?
		      TWIN_DISK_CONSISTENT : TWIN_DISK_INCONSISTENT);
	pr_info("%s: attached, current UUID %016llx\n", res->name,
		ldev->uuid[TWIN_UUID_CURRENT]);
	err = 0;
	/* renegotiate with the peer now that we have data */
	if (res->established)
		twin_conn_lost(res);
out:
	mutex_unlock(&res->ldev_mutex);
	return err;
}

int twin_detach(struct twin_res *res, bool failed, const char **why)
{
	struct twin_ldev *ldev;
	struct twin_state st;
	int err = 0;

	mutex_lock(&res->ldev_mutex);
	if (!res->ldev)
		goto out;
	twin_get_state(res, &st);
	if (!failed && st.role == TWIN_ROLE_PRIMARY &&
	    !(res->established && st.peer_disk == TWIN_DISK_UPTODATE)) {
		*why = "Primary without a connected UpToDate peer cannot detach";
		err = -EBUSY;
		goto out;
	}
	spin_lock_irq(&res->lock);
	res->disk_failed = true;	/* no new local I/O from here on */
	spin_unlock_irq(&res->lock);
	twin_set_disk(res, failed ? TWIN_DISK_FAILED : TWIN_DISK_DISKLESS);
	twin_resync_stop(res);
	wait_event(res->state_wait, !atomic_read(&res->local_pending));
	/* a clean detach needs no activity log at the next attach */
	if (!failed && twin_al_clean(res))
		pr_warn("%s: could not mark the activity log clean\n",
			res->name);
	twin_al_free(res);
	spin_lock_irq(&res->lock);
	ldev = res->ldev;
	res->ldev = NULL;
	spin_unlock_irq(&res->lock);
	twin_set_disk(res, TWIN_DISK_DISKLESS);
	twin_bm_free(ldev);
	twin_ldev_close(ldev);
	kfree(ldev);
	if (!res->established && st.role != TWIN_ROLE_PRIMARY)
		twin_set_size(res, 0);
	pr_info("%s: detached%s\n", res->name, failed ? " after I/O error" : "");
out:
	mutex_unlock(&res->ldev_mutex);
	return err;
}
