// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs.c - /sys/kernel/debug/twin/<resource>/status: the state in text,
 * one "key: value" per line, for people and for tests.
 */
#include "twin.h"

#include <linux/debugfs.h>
#include <linux/seq_file.h>

static struct dentry *twin_debugfs_root;

static int twin_status_show(struct seq_file *m, void *v)
{
	struct twin_res *res = m->private;
	struct twin_al_stat al;
	struct twin_stats stats;
	struct twin_state st;
	u64 uuid[TWIN_UUID_SLOTS] = { 0 };
	sector_t rs_total, rs_left, ov_total, ov_left;
	u64 ov_oos, rs_bytes, oos;
	u32 rs_max, rs_min;
	u32 rate;

	spin_lock_irq(&res->lock);
	st = res->st;
	stats = res->stats;
	rs_total = res->rs_total;
	rs_left = res->rs_left;
	rate = res->rs_rate_kib;
	ov_total = res->ov.total;
	ov_left = res->ov.left;
	ov_oos = res->ov.oos;
	rs_bytes = res->rs_bytes;
	rs_max = res->rs_max_kib;
	rs_min = res->rs_min_kib;
	oos = __twin_bm_weight(res) * (TWIN_MD_BM_BLOCK_BYTES >> 10);
	if (res->ldev)
		memcpy(uuid, res->ldev->uuid, sizeof(uuid));
	spin_unlock_irq(&res->lock);

	seq_printf(m, "name: %s\nminor: %u\n", res->name, res->minor);
	seq_printf(m, "role: %s\ndisk: %s\n", twin_role_str(st.role),
		   twin_disk_str(st.disk));
	seq_printf(m, "peer-role: %s\npeer-disk: %s\nconnection: %s\n",
		   twin_role_str(st.peer_role), twin_disk_str(st.peer_disk),
		   twin_conn_str(st.conn));
	seq_printf(m, "size-sectors: %llu\n", (unsigned long long)res->size);
	if (rs_total)
		seq_printf(m, "sync: %llu of %llu sectors left, %u KiB/s\n",
			   (unsigned long long)rs_left,
			   (unsigned long long)rs_total, rate);
	if (ov_total)
		seq_printf(m, "verify: %llu of %llu sectors left, %llu out of sync\n",
			   (unsigned long long)ov_left,
			   (unsigned long long)ov_total, ov_oos);
	seq_printf(m, "verify-oos: %llu\n", ov_oos);
	seq_printf(m, "out-of-sync: %llu\nresynced: %llu\n", oos, rs_bytes);
	seq_printf(m, "resync-rate: max %u KiB/s min %u KiB/s\n", rs_max, rs_min);
	seq_printf(m, "uuids: %016llx:%016llx:%016llx:%016llx\n",
		   uuid[0], uuid[1], uuid[2], uuid[3]);
	seq_printf(m, "net-sent: %llu\nnet-recv: %llu\n", stats.net_sent,
		   stats.net_recv);
	seq_printf(m, "disk-write: %llu\ndisk-read: %llu\n", stats.disk_write,
		   stats.disk_read);
	seq_printf(m, "pending: local %d peer %d app %d\n",
		   atomic_read(&res->local_pending),
		   atomic_read(&res->peer_pending),
		   atomic_read(&res->app_pending));
	if (twin_al_status(res, &al))
		seq_printf(m, "al: %u/%u extents of %u KiB, %llu transactions\n",
			   al.active, al.max, al.extent_kib, al.transactions);
	if (res->susp != TWIN_SUSP_NONE)
		seq_printf(m, "suspended: %s\n", twin_susp_str(res->susp));
	if (res->last_error[0])
		seq_printf(m, "last-error: %s\n", res->last_error);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(twin_status);

void twin_debugfs_add(struct twin_res *res)
{
	res->debugfs = debugfs_create_dir(res->name, twin_debugfs_root);
	debugfs_create_file("status", 0444, res->debugfs, res,
			    &twin_status_fops);
}

void twin_debugfs_remove(struct twin_res *res)
{
	debugfs_remove_recursive(res->debugfs);
	res->debugfs = NULL;
}

void twin_debugfs_init(void)
{
	twin_debugfs_root = debugfs_create_dir("twin", NULL);
}

void twin_debugfs_exit(void)
{
	debugfs_remove_recursive(twin_debugfs_root);
}
