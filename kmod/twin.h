/* SPDX-License-Identifier: GPL-2.0 */
/*
 * twin.h - module-internal interface of twin.ko: the shared structs and
 * the functions each file offers the others.
 *
 * Locking, outermost first:
 *   twin_res_mutex	the resource list; held by every netlink command,
 *			so configuration changes are serialized
 *   res->ldev_mutex	attach/detach (also from the disk failure work)
 *   res->send_mutex	one sender on the socket at a time
 *   res->lock		spinlock: state, socket pointer, request and
 *			interval lists, counters
 */
#ifndef _KMOD_TWIN_H
#define _KMOD_TWIN_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

struct crypto_shash;

#include "../include/uapi/twin.h"
#include "../include/twin_ondisk.h"
#include "../include/twin_wire.h"

#define TWIN_MAX_BIO_SECTORS	(TWIN_WIRE_MAX_DATA >> SECTOR_SHIFT)
#define TWIN_RS_CHUNK_BYTES	(256U << 10)	/* resync block size */
#define TWIN_RS_MAX_INFLIGHT	8		/* resync blocks in flight */

/* Which way data must flow after a handshake (uuid.c). */
enum twin_sync_dir {
	TWIN_SYNC_NONE,
	TWIN_SYNC_SOURCE,
	TWIN_SYNC_TARGET,
	TWIN_SYNC_SPLIT_BRAIN,
};

/* The state of a resource; changed only through state.c. */
struct twin_state {
	u8 role;		/* enum twin_role */
	u8 disk;		/* enum twin_disk_state */
	u8 peer_role;
	u8 peer_disk;
	u8 conn;		/* enum twin_conn_state */
};

struct twin_net_conf {
	struct sockaddr_storage local;
	struct sockaddr_storage peer;
	int addrlen;
	u32 protocol;
	u32 secret_len;
	u8 secret[TWIN_SECRET_MAX];
	u32 ping_int_ms;
	u32 ping_timeo_ms;
	u32 connect_int_ms;
	u32 fencing;		/* enum twin_fencing */
	bool discard_my_data;	/* split brain victim, until connected */
	u32 after_sb_0pri;	/* enum twin_after_sb */
	u32 after_sb_1pri;
};

/* bitmap.c: the dirty bitmap of an attached disk; words under res->lock */
struct twin_bitmap {
	unsigned long *words;		/* one bit per 4 KiB block */
	unsigned long *dirty;		/* on-disk pages changed since written */
	u64 nbits;
	u64 npages;
	u64 weight;			/* bits set */
	struct mutex io_mutex;		/* one bitmap writer at a time */
};

/* An attached backing disk and its metadata (md.c). */
struct twin_ldev {
	struct block_device *bdev;
	struct block_device *md_bdev;	/* == bdev for internal metadata */
	struct twin_md_layout layout;
	u32 meta_type;
	u32 meta_index;
	u32 md_flags;			/* TWIN_MDF_* */
	u64 uuid[TWIN_UUID_SLOTS];
	u64 device_uuid;
	char disk_path[TWIN_PATH_MAX + 1];	/* for status */
	char md_path[TWIN_PATH_MAX + 1];
	struct twin_bitmap bm;		/* bitmap.c */
	u32 al_extent_shift;		/* al.c: as in the superblock */
	u32 al_nr_extents;
	u32 al_want;			/* al.c: ATTACH's al-extents, 0 = keep */
};

/* al.c: a write waiting until its activity log extents are on disk */
struct twin_al_waiter {
	struct list_head list;		/* twin_al.pending */
	sector_t sector;
	u32 bytes;
	u32 epoch;			/* of the log the references are in */
	bool active;			/* holds references: twin_al_done() */
	void (*ready)(struct twin_al_waiter *w);
};

struct twin_al_slot;

/*
 * al.c: the activity log of the attached disk, in twin_res as "al". The
 * lock is taken from bio completion; slots == NULL while no log is loaded.
 */
struct twin_al {
	spinlock_t lock;
	struct twin_al_slot *slots;
	struct hlist_head *hash;
	u32 hash_bits;
	struct list_head lru;		/* used slots, least recent first */
	struct list_head free;
	u32 nr;				/* slots: max active extents */
	u32 used;
	u32 shift;			/* log2 of the extent size in bytes */
	u32 epoch;			/* bumped by load and free */
	u64 seq;			/* of the last transaction */
	u64 transactions;
	u32 *evict;			/* worker: extents leaving the log */
	struct list_head pending;	/* waiters for the worker */
	struct work_struct work;
	wait_queue_head_t wait;		/* a slot became evictable */
	struct page *page;		/* the transaction block */
	bool dead;
};

/*
 * verify.c: online verify. On the node that started it (VerifyS) the
 * verify thread; on both nodes the verify requests in flight (ours or
 * the peer's), counters under res->lock.
 */
struct twin_ov {
	struct task_struct *task;	/* VerifyS: the verify thread */
	struct crypto_shash *tfm;	/* crc32c, allocated on first use */
	struct list_head reqs;		/* struct twin_ov_req in flight */
	u64 next_id;
	int inflight;			/* our OV_REQs not finished */
	int error;			/* positive errno: stop the verify */
	sector_t total;			/* sectors to verify; 0: none runs */
	sector_t left;
	u64 oos;			/* blocks found different */
	unsigned long mark_time;	/* last progress event */
	bool was_source;		/* the last verify was started here */
	bool ran;			/* a verify ran: oos is a result */
};

struct twin_stats {
	u64 net_sent;
	u64 net_recv;
	u64 disk_write;
	u64 disk_read;
};

struct twin_res {
	struct list_head list;
	char name[TWIN_RES_NAME_MAX + 1];
	u32 minor;
	struct gendisk *disk;
	struct bio_set bs;
	struct workqueue_struct *wq;

	spinlock_t lock;
	struct twin_state st;
	int open_cnt;
	sector_t size;			/* sectors the device offers */

	/* local disk; I/O may use it while local_pending is held */
	struct twin_ldev *ldev;
	atomic_t local_pending;
	bool disk_failed;		/* set from end_io, detach follows */
	struct mutex ldev_mutex;	/* attach/detach */
	wait_queue_head_t state_wait;	/* local_pending, intervals, acks */
	struct work_struct detach_work;

	/* network */
	struct twin_net_conf *nc;	/* NULL while StandAlone */
	struct task_struct *conn_task;
	struct mutex send_mutex;
	struct socket *sock;		/* the established connection */
	struct socket *listen_sock;
	bool established;		/* peer requests may be sent */
	bool is_connector;
	u64 peer_uuid[TWIN_UUID_SLOTS];
	u64 peer_size;
	unsigned long last_recv;	/* jiffies of the last packet */
	struct delayed_work ping_work;
	bool ping_ack_due;		/* we owe the peer a PING_ACK */
	char last_error[128];

	/* Primary side: requests waiting for the peer, by block_id */
	struct xarray peer_reqs;
	u32 next_id;
	atomic_t peer_pending;
	atomic_t app_pending;
	struct list_head active_writes;	/* local writes in flight */

	/* Secondary side: peer requests */
	struct list_head active_ee;	/* writes submitted to our disk */
	struct list_head done_ee;	/* completed, answer not sent yet */
	int ee_inflight;
	struct work_struct ack_work;
	struct work_struct state_work;
	struct list_head read_retry;	/* failed local reads for the peer */
	struct work_struct retry_work;

	/* fencing (fence.c): writes held or failed after losing the peer */
	u8 susp;			/* enum twin_susp */
	struct list_head held_reqs;	/* peer part lost, by twin_req.hold */
	struct bio_list held_bios;	/* new writes, not routed yet */

	/* resync */
	struct task_struct *rs_task;
	sector_t rs_total;
	sector_t rs_left;
	sector_t rs_mark_left;		/* for the rate */
	unsigned long rs_mark_time;
	u32 rs_rate_kib;
	int rs_inflight;
	struct list_head rs_ranges;	/* resync reads in flight */
	u64 rs_bytes;			/* resynced by the running/last resync */
	u32 rs_max_kib;			/* rate cap, 0: line rate */
	u32 rs_min_kib;			/* rate while the application is busy */
	unsigned long last_app_io;	/* jiffies of the last app request */
	bool rs_full;			/* the starting resync copies all */

	/* uuid.c: data generations */
	bool uuid_shared;		/* the peer may have our current UUID */
	struct list_head gen_reqs;	/* by twin_req.hold: writes waiting
					 * for a new generation
					 */
	struct work_struct gen_work;

	struct twin_ov ov;		/* verify.c */
	struct twin_al al;		/* al.c */

	struct twin_stats stats;
	struct dentry *debugfs;
};

/* One application bio on this node. */
struct twin_req {
	struct twin_res *res;
	struct bio *master;
	sector_t sector;
	u32 size;
	u32 id;				/* block_id towards the peer */
	bool write;
	bool flush_only;
	bool proto_a;
	spinlock_t lock;
	refcount_t ref;
	bool local_pending;
	bool peer_pending;
	bool peer_sent;
	bool local_ok;
	bool peer_ok;
	bool master_done;
	bool retry_queued;
	bool fail_io;			/* FAIL_IO: complete with an error */
	struct list_head hold;		/* res->held_reqs */
	struct list_head wlist;		/* res->active_writes or read_retry */
	struct work_struct work;
	struct twin_al_waiter al;	/* al.c: extents of a write */
};

/* A request from the peer (DATA, RS_DATA, READ_REQ) on this node. */
struct twin_peer_req {
	struct twin_res *res;
	struct list_head list;
	u16 answer;			/* packet type of the answer */
	u64 block_id;
	sector_t sector;
	u32 size;
	u32 flags;
	int status;
	bool al;			/* al.c: holds activity log extents */
	unsigned int nr_pages;
	struct bio_vec bvec[];
};

/* An interval lock for resync reads (sync.c), in res->rs_ranges. */
struct twin_range {
	struct list_head list;
	sector_t sector;
	u32 size;
};

extern struct list_head twin_resources;
extern struct mutex twin_res_mutex;
extern int twin_major;

/* strings.c */
const char *twin_role_str(unsigned int role);
const char *twin_disk_str(unsigned int disk);
const char *twin_conn_str(unsigned int conn);
const char *twin_pkt_str(unsigned int type);
const char *twin_susp_str(unsigned int susp);
const char *twin_fencing_str(unsigned int fencing);

/* state.c */
void twin_get_state(struct twin_res *res, struct twin_state *st);
void twin_set_conn(struct twin_res *res, enum twin_conn_state conn);
void twin_set_disk(struct twin_res *res, enum twin_disk_state disk);
void twin_set_peer(struct twin_res *res, u8 role, u8 disk);
int twin_promote(struct twin_res *res, bool force, const char **why);
int twin_demote(struct twin_res *res, const char **why);
bool twin_conn_is_sync(u8 conn);

/* md.c */
bool twin_get_ldev(struct twin_res *res);
void twin_put_ldev(struct twin_res *res);
int twin_md_read(struct twin_ldev *ldev, const char **why);
int twin_md_write(struct twin_res *res);
int twin_md_write_ldev(struct twin_res *res, struct twin_ldev *ldev);
void twin_uuid_new_current(struct twin_res *res);
int twin_ldev_open(struct twin_ldev *ldev, const char *path, int fd,
		   const char *md_path, int md_fd, void *holder,
		   const char **why);
void twin_ldev_close(struct twin_ldev *ldev);

/* dev.c */
struct twin_res *twin_res_find(const char *name);
int twin_res_create(const char *name, u32 minor, const char **why);
int twin_res_destroy(struct twin_res *res, const char **why);
int twin_attach(struct twin_res *res, struct twin_ldev *ldev,
		const char **why);
int twin_detach(struct twin_res *res, bool failed, const char **why);
void twin_disk_failed(struct twin_res *res);
void twin_set_size(struct twin_res *res, sector_t size);

/* req.c */
void twin_submit_bio(struct bio *bio);
void twin_gen_work(struct work_struct *work);
void twin_req_peer_done(struct twin_req *req, bool ok);
struct twin_req *twin_req_take(struct twin_res *res, u64 block_id);
void twin_fail_peer_reqs(struct twin_res *res);
void twin_req_peer_end(struct twin_req *req, bool ok);
bool twin_req_add_peer(struct twin_res *res, struct twin_req *req);
int twin_req_send(struct twin_res *res, struct twin_req *req);
bool twin_overlaps_writes(struct twin_res *res, sector_t sector, u32 size);
int twin_req_recv_read(struct twin_res *res, struct twin_req *req,
		       u32 len);

/* conn.c */
int twin_connect_start(struct twin_res *res, struct twin_net_conf *nc);
void twin_connect_stop(struct twin_res *res);
int twin_send(struct twin_res *res, u16 type, const void *p, u32 len,
	      struct bio *bio, struct bio_vec *bv, unsigned int nr, u32 bytes);
int twin_sock_send(struct socket *sock, u16 type, const void *p, u32 len);
int twin_recv(struct twin_res *res, struct socket *sock, void *buf,
	      size_t len);
int twin_recv_bvec(struct twin_res *res, struct bio_vec *bv,
		   unsigned int nr, size_t len);
void twin_conn_lost(struct twin_res *res);

/* fence.c */
bool twin_fence_on_loss(struct twin_res *res, int err);
bool twin_fence_hold_req(struct twin_res *res, struct twin_req *req);
bool twin_fence_route(struct twin_res *res, struct twin_req *req);
void twin_fence_reconnected(struct twin_res *res);
int twin_fence_resume(struct twin_res *res);
int twin_fence_fail(struct twin_res *res);
void twin_fence_end(struct twin_res *res);

/* proto.c */
int twin_handshake(struct twin_res *res, struct socket *sock,
		   const char **why, u8 *fail_state);
int twin_receive_loop(struct twin_res *res);
void twin_send_state(struct twin_res *res);
void twin_state_work(struct work_struct *work);
int twin_send_simple(struct twin_res *res, u16 type);
void twin_ack_work(struct work_struct *work);
void twin_peer_req_free(struct twin_peer_req *pr);
struct twin_peer_req *twin_peer_req_alloc(struct twin_res *res, u32 size);
void twin_peer_req_done(struct twin_peer_req *pr);
void twin_peer_submit(struct twin_res *res, struct twin_peer_req *pr,
		      blk_opf_t opf);

/* sync.c */
void twin_resync_start(struct twin_res *res, bool full);
int twin_resync_target_start(struct twin_res *res,
			     const struct twin_p_params *p);
void twin_resync_written(struct twin_res *res, sector_t sector, u32 size,
			 int status);
int twin_resync_h_request(struct twin_res *res, void *p, u32 bytes);
int twin_invalidate(struct twin_res *res, const char **why);
int twin_bm_exchange(struct twin_res *res, struct socket *sock,
		     enum twin_sync_dir dir, bool full);
void twin_resync_stop(struct twin_res *res);
void twin_resync_begin(struct twin_res *res, sector_t total);
void twin_resync_mark(struct twin_res *res);
void twin_rs_throttle(struct twin_res *res, ktime_t *next, u32 bytes);
bool twin_range_try_lock(struct twin_res *res, struct twin_range *r);
void twin_range_unlock(struct twin_res *res, struct twin_range *r);
void twin_resync_ack(struct twin_res *res, sector_t sector, u32 size,
		     int status);
bool twin_resync_blocks(struct twin_res *res, sector_t sector, u32 size);
void twin_resync_done_target(struct twin_res *res, const u64 *uuid);

/*
 * bitmap.c: set/clear/weight/find_next from any context, but never with
 * res->lock held (the __ variants are for callers that hold it); the
 * writes and the load from process context with the disk attached.
 */
int twin_bm_load(struct twin_res *res);
void twin_bm_free(struct twin_ldev *ldev);
void twin_bm_set(struct twin_res *res, sector_t sector, u64 bytes);
void twin_bm_clear(struct twin_res *res, sector_t sector, u64 bytes);
void __twin_bm_set(struct twin_res *res, sector_t sector, u64 bytes);
void __twin_bm_clear(struct twin_res *res, sector_t sector, u64 bytes);
u64 twin_bm_weight(struct twin_res *res);
u64 __twin_bm_weight(struct twin_res *res);
u64 twin_bm_find_next(struct twin_res *res, u64 bit);
u64 twin_bm_run(struct twin_res *res, u64 bit, u64 max);
u64 twin_bm_bits(struct twin_res *res);
void twin_bm_set_all(struct twin_res *res);
void __twin_bm_set_all(struct twin_res *res);
void twin_bm_clear_all(struct twin_res *res);
u64 twin_bm_merge(struct twin_res *res, u64 first, const __le64 *src, u64 n);
u64 twin_bm_copy_out(struct twin_res *res, u64 first, __le64 *dst, u64 n);
int twin_bm_write_range(struct twin_res *res, sector_t sector, u64 bytes);
int twin_bm_write_all(struct twin_res *res);

/* verify.c */
#define TWIN_OV_MAX_INFLIGHT	8	/* OV_REQs unanswered */
#define TWIN_OV_LOCAL_READ	0xffffU	/* twin_peer_req.answer: own read */
void twin_verify_init(struct twin_res *res);
int twin_verify_start(struct twin_res *res, const char **why);
void twin_verify_stop(struct twin_res *res);
void twin_verify_free(struct twin_res *res);
int twin_ov_h_req(struct twin_res *res, void *p, u32 bytes);
int twin_ov_h_reply(struct twin_res *res, void *p, u32 bytes);
int twin_ov_h_done(struct twin_res *res, void *p, u32 bytes);
void twin_ov_answer(struct twin_res *res, struct twin_peer_req *pr);

/*
 * al.c: the activity log. twin_al_start() from any context: true when the
 * write may start now, false when @w is queued and w->ready() follows
 * from the log's worker. twin_al_done() ends what start began (any
 * context). begin_io/complete_io: the same for callers that may sleep.
 */
void twin_al_init(struct twin_res *res);
int twin_al_load(struct twin_res *res);
bool twin_al_start(struct twin_res *res, struct twin_al_waiter *w);
void twin_al_done(struct twin_res *res, struct twin_al_waiter *w);
int twin_al_begin_io(struct twin_res *res, sector_t sector, u32 bytes);
void twin_al_complete_io(struct twin_res *res, sector_t sector, u32 bytes);
int twin_al_clean(struct twin_res *res);
void twin_al_free(struct twin_res *res);

struct twin_al_stat {
	u32 active;
	u32 max;
	u32 extent_kib;
	u64 transactions;
};

bool twin_al_status(struct twin_res *res, struct twin_al_stat *st);

/* uuid.c */
bool twin_gen_needed(struct twin_res *res);
void twin_gen_new(struct twin_res *res);
void twin_gen_on_loss(struct twin_res *res, bool held);
int twin_uuid_decide(struct twin_res *res, const struct twin_p_params *me,
		     const struct twin_p_params *pe, enum twin_sync_dir *dir,
		     bool *full, const char **why);
enum twin_sync_dir twin_uuid_bits_dir(struct twin_res *res,
				      const struct twin_p_params *me,
				      const struct twin_p_params *pe);
int twin_new_current_uuid(struct twin_res *res, bool clear, const char **why);
int twin_uuid_h_new(struct twin_res *res, void *p, u32 bytes);

/* nl.c */
int twin_nl_init(void);
void twin_nl_shutdown(void);
void twin_nl_exit(void);
void twin_nl_event(struct twin_res *res, enum twin_event ev);

/* debugfs.c */
void twin_debugfs_init(void);
void twin_debugfs_exit(void);
void twin_debugfs_add(struct twin_res *res);
void twin_debugfs_remove(struct twin_res *res);

#endif /* _KMOD_TWIN_H */
