// SPDX-License-Identifier: GPL-2.0
/*
 * proto.c - the peer protocol (include/twin_wire.h): the handshake with
 * HMAC challenge/response, and the receiver that dispatches every packet
 * through twin_handlers[]. The receiver never sends: answers are queued
 * for twin_ack_work(), so two receivers can never block each other.
 */
#include "twin.h"

#include <crypto/hash.h>
#include <crypto/algapi.h>
#include <linux/random.h>

/* Read a header and check it is @type with exactly @len payload bytes. */
static int twin_recv_expect(struct twin_res *res, struct socket *sock,
			    u16 type, void *p, u32 len)
{
	struct twin_pkt_hdr h;
	int err;

	err = twin_recv(res, sock, &h, sizeof(h));
	if (err)
		return err;
	if (be32_to_cpu(h.magic) != TWIN_WIRE_MAGIC ||
	    be16_to_cpu(h.type) != type || be32_to_cpu(h.len) != len)
		return -EPROTO;
	return twin_recv(res, sock, p, len);
}

static int twin_hmac(struct twin_net_conf *nc, const u8 *challenge,
		     const u8 *own, u8 direction, u8 *mac)
{
	struct crypto_shash *tfm;
	int err;

	memset(mac, 0, TWIN_MAC_BYTES);
	if (!nc->secret_len)
		return 0;
	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_shash_setkey(tfm, nc->secret, nc->secret_len);
	if (!err) {
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		err = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, TWIN_AUTH_LABEL,
					  strlen(TWIN_AUTH_LABEL)) ?:
		      crypto_shash_update(desc, challenge, TWIN_NONCE_BYTES) ?:
		      crypto_shash_update(desc, own, TWIN_NONCE_BYTES) ?:
		      crypto_shash_update(desc, &direction, 1) ?:
		      crypto_shash_final(desc, mac);
		shash_desc_zero(desc);
	}
	crypto_free_shash(tfm);
	return err;
}

static int twin_auth(struct twin_res *res, struct socket *sock,
		     const struct twin_p_hello *me,
		     const struct twin_p_hello *peer, const char **why)
{
	static const u8 zero[TWIN_MAC_BYTES];
	struct twin_p_auth mine, got;
	u8 expect[TWIN_MAC_BYTES];
	int err;

	err = twin_hmac(res->nc, peer->nonce, me->nonce, res->is_connector,
			mine.mac);
	if (!err)
		err = twin_sock_send(sock, TWIN_P_AUTH, &mine, sizeof(mine));
	if (!err)
		err = twin_recv_expect(res, sock, TWIN_P_AUTH, &got,
				       sizeof(got));
	if (!err)
		err = twin_hmac(res->nc, me->nonce, peer->nonce,
				!res->is_connector, expect);
	if (err)
		return err;
	if (!res->nc->secret_len) {
		if (crypto_memneq(got.mac, zero, sizeof(zero))) {
			*why = "authentication failed: the peer uses a shared secret, we have none";
			return -EACCES;
		}
		return 0;
	}
	if (crypto_memneq(got.mac, expect, sizeof(expect))) {
		*why = "authentication failed: shared secret mismatch";
		return -EACCES;
	}
	return 0;
}

static void twin_params_fill(struct twin_res *res, struct twin_p_params *p)
{
	struct twin_state st;
	int i;

	memset(p, 0, sizeof(*p));
	twin_get_state(res, &st);
	p->role = cpu_to_be32(st.role);
	p->disk_state = cpu_to_be32(st.disk);
	p->protocol = cpu_to_be32(res->nc->protocol);
	if (twin_get_ldev(res)) {
		p->data_sectors = cpu_to_be64(res->ldev->layout.data_sectors);
		for (i = 0; i < TWIN_UUID_SLOTS; i++)
			p->uuid[i] = cpu_to_be64(res->ldev->uuid[i]);
		p->flags = cpu_to_be32(TWIN_PF_HAS_DISK |
			((res->ldev->md_flags & TWIN_MDF_CONSISTENT) ?
			 TWIN_PF_CONSISTENT : 0));
		p->bm_bits = cpu_to_be64(twin_bm_weight(res));
		twin_put_ldev(res);
	}
	if (res->nc->discard_my_data)
		p->flags |= cpu_to_be32(TWIN_PF_DISCARD_MY_DATA);
	if (res->ov.was_source)
		p->flags |= cpu_to_be32(TWIN_PF_VERIFY_SOURCE);
	p->after_sb_0pri = cpu_to_be32(res->nc->after_sb_0pri);
	p->after_sb_1pri = cpu_to_be32(res->nc->after_sb_1pri);
}

/* Decide about the connection and the resync; uuid.c does the UUIDs. */
static int twin_decide(struct twin_res *res, const struct twin_p_params *me,
		       const struct twin_p_params *pe, enum twin_sync_dir *dir,
		       bool *full, const char **why, u8 *fail_state)
{
	u32 mf = be32_to_cpu(me->flags), pf = be32_to_cpu(pe->flags);
	int err;

	*dir = TWIN_SYNC_NONE;
	*full = false;
	if (me->protocol != pe->protocol) {
		*why = "replication protocol differs from the peer's";
		return -EPROTO;
	}
	if (be32_to_cpu(me->role) == TWIN_ROLE_PRIMARY &&
	    be32_to_cpu(pe->role) == TWIN_ROLE_PRIMARY) {
		*why = "both nodes are Primary";
		*fail_state = TWIN_CONN_SPLIT_BRAIN;
		return -EPROTO;
	}
	if (!(mf & TWIN_PF_HAS_DISK) || !(pf & TWIN_PF_HAS_DISK)) {
		if (!(mf & TWIN_PF_HAS_DISK) && (pf & TWIN_PF_HAS_DISK) &&
		    res->size && res->size != be64_to_cpu(pe->data_sectors)) {
			*why = "device size differs from the peer's";
			return -EPROTO;
		}
		return 0;
	}
	if (me->data_sectors != pe->data_sectors) {
		*why = "device size differs from the peer's (re-run create-md on equal disks)";
		return -EPROTO;
	}
	err = twin_uuid_decide(res, me, pe, dir, full, why);
	if (err)
		*fail_state = TWIN_CONN_SPLIT_BRAIN;
	return err;
}

/* The handshake succeeded: make @sock the connection and apply @dir. */
static void twin_established(struct twin_res *res, struct socket *sock,
			     const struct twin_p_params *me,
			     const struct twin_p_params *pe,
			     enum twin_sync_dir dir)
{
	bool disks = (be32_to_cpu(me->flags) & TWIN_PF_HAS_DISK) &&
		     (be32_to_cpu(pe->flags) & TWIN_PF_HAS_DISK);
	bool both_ok = (be32_to_cpu(me->flags) & TWIN_PF_CONSISTENT) &&
		       (be32_to_cpu(pe->flags) & TWIN_PF_CONSISTENT);
	int i;

	spin_lock_irq(&res->lock);
	res->peer_size = be64_to_cpu(pe->data_sectors);
	for (i = 0; i < TWIN_UUID_SLOTS; i++)
		res->peer_uuid[i] = be64_to_cpu(pe->uuid[i]);
	spin_unlock_irq(&res->lock);
	mutex_lock(&res->send_mutex);
	res->sock = sock;
	mutex_unlock(&res->send_mutex);
	spin_lock_irq(&res->lock);
	res->established = true;
	spin_unlock_irq(&res->lock);
	if (!res->ldev && res->peer_size)
		twin_set_size(res, res->peer_size);
	res->nc->discard_my_data = false;	/* used once */
	/* same generation, but blocks marked out of sync on either side */
	if (dir == TWIN_SYNC_NONE && disks && both_ok && twin_bm_weight(res))
		dir = twin_uuid_bits_dir(res, me, pe);
	if (disks)
		WRITE_ONCE(res->uuid_shared, dir == TWIN_SYNC_NONE &&
			   me->uuid[TWIN_UUID_CURRENT] ==
			   pe->uuid[TWIN_UUID_CURRENT]);
	twin_set_peer(res, be32_to_cpu(pe->role), be32_to_cpu(pe->disk_state));
	twin_set_conn(res, TWIN_CONN_CONNECTED);
	if (twin_get_ldev(res)) {
		bool equal = res->ldev->uuid[TWIN_UUID_CURRENT] ==
			     res->peer_uuid[TWIN_UUID_CURRENT];
		bool ok = res->ldev->md_flags & TWIN_MDF_CONSISTENT;

		if ((dir == TWIN_SYNC_NONE && ok && equal) ||
		    dir == TWIN_SYNC_SOURCE) {
			if (!(res->ldev->md_flags & TWIN_MDF_WAS_UPTODATE)) {
				res->ldev->md_flags |= TWIN_MDF_WAS_UPTODATE;
				twin_md_write(res);
			}
			twin_set_disk(res, TWIN_DISK_UPTODATE);
		} else if (dir == TWIN_SYNC_TARGET) {
			twin_set_disk(res, TWIN_DISK_OUTDATED);
		}
		twin_put_ldev(res);
	}
	pr_info("%s: connected to peer (%s)\n", res->name,
		dir == TWIN_SYNC_SOURCE ? "sync source" :
		dir == TWIN_SYNC_TARGET ? "sync target" : "no resync");
	if (dir == TWIN_SYNC_SOURCE)
		twin_resync_start(res, false);
}

int twin_handshake(struct twin_res *res, struct socket *sock,
		   const char **why, u8 *fail_state)
{
	struct twin_p_hello me = { 0 }, peer;
	struct twin_p_params mp, pp;
	enum twin_sync_dir dir;
	bool full;
	int err;

	me.proto_min = cpu_to_be32(TWIN_PROTO_MIN);
	me.proto_max = cpu_to_be32(TWIN_PROTO_VERSION);
	strscpy(me.res_name, res->name, sizeof(me.res_name));
	get_random_bytes(me.nonce, sizeof(me.nonce));
	err = twin_sock_send(sock, TWIN_P_HELLO, &me, sizeof(me));
	if (!err)
		err = twin_recv_expect(res, sock, TWIN_P_HELLO, &peer,
				       sizeof(peer));
	if (err) {
		*why = "no valid Hello from the peer";
		*fail_state = TWIN_CONN_BROKEN_PIPE;
		return err;
	}
	if (be32_to_cpu(peer.proto_min) > TWIN_PROTO_VERSION ||
	    be32_to_cpu(peer.proto_max) < TWIN_PROTO_MIN) {
		*why = "incompatible protocol version";
		return -EPROTO;
	}
	peer.res_name[sizeof(peer.res_name) - 1] = '\0';
	if (strcmp(peer.res_name, res->name)) {
		*why = "the peer has a different resource name";
		return -EPROTO;
	}
	if (!memcmp(peer.nonce, me.nonce, sizeof(me.nonce))) {
		*why = "the peer reflected our challenge";
		*fail_state = TWIN_CONN_AUTH_FAILED;
		return -EACCES;
	}
	err = twin_auth(res, sock, &me, &peer, why);
	if (err) {
		*fail_state = err == -EACCES ? TWIN_CONN_AUTH_FAILED :
					       TWIN_CONN_BROKEN_PIPE;
		if (err != -EACCES)
			*why = "connection lost during authentication (wrong shared secret at the peer?)";
		return err;
	}
	twin_params_fill(res, &mp);
	err = twin_sock_send(sock, TWIN_P_PARAMS, &mp, sizeof(mp));
	if (!err)
		err = twin_recv_expect(res, sock, TWIN_P_PARAMS, &pp,
				       sizeof(pp));
	if (err) {
		*why = "connection lost while exchanging parameters";
		*fail_state = TWIN_CONN_BROKEN_PIPE;
		return err;
	}
	err = twin_decide(res, &mp, &pp, &dir, &full, why, fail_state);
	if (err)
		return err;
	if ((be32_to_cpu(mp.flags) & TWIN_PF_HAS_DISK) &&
	    (be32_to_cpu(pp.flags) & TWIN_PF_HAS_DISK)) {
		err = twin_bm_exchange(res, sock, dir, full);
		if (err) {
			*why = "connection lost while exchanging the bitmaps";
			*fail_state = TWIN_CONN_BROKEN_PIPE;
			return err;
		}
	}
	twin_established(res, sock, &mp, &pp, dir);
	return 0;
}

/* ---- peer requests: writes and reads the peer asks us to do ---- */

struct twin_peer_req *twin_peer_req_alloc(struct twin_res *res, u32 size)
{
	unsigned int nr = DIV_ROUND_UP(size, PAGE_SIZE), i;
	struct twin_peer_req *pr;

	pr = kzalloc(struct_size(pr, bvec, nr), GFP_NOIO);
	if (!pr)
		return NULL;
	pr->res = res;
	pr->size = size;
	INIT_LIST_HEAD(&pr->list);
	for (i = 0; i < nr; i++) {
		struct page *page = alloc_page(GFP_NOIO);
		u32 len = min_t(u32, size - i * PAGE_SIZE, PAGE_SIZE);

		if (!page) {
			pr->nr_pages = i;
			twin_peer_req_free(pr);
			return NULL;
		}
		bvec_set_page(&pr->bvec[i], page, len, 0);
	}
	pr->nr_pages = nr;
	return pr;
}

void twin_peer_req_free(struct twin_peer_req *pr)
{
	unsigned int i;

	for (i = 0; i < pr->nr_pages; i++)
		__free_page(pr->bvec[i].bv_page);
	kfree(pr);
}

/* Hand a finished peer request to the ack worker. */
void twin_peer_req_done(struct twin_peer_req *pr)
{
	struct twin_res *res = pr->res;
	unsigned long flags;

	spin_lock_irqsave(&res->lock, flags);
	list_move_tail(&pr->list, &res->done_ee);
	spin_unlock_irqrestore(&res->lock, flags);
	queue_work(res->wq, &res->ack_work);
}

static void twin_peer_endio(struct bio *bio)
{
	struct twin_peer_req *pr = bio->bi_private;
	struct twin_res *res = pr->res;
	bool write = op_is_write(bio_op(bio));
	unsigned long flags;

	pr->status = bio->bi_status ? EIO : 0;
	bio_put(bio);
	if (pr->status)
		twin_disk_failed(res);
	if (pr->al)
		twin_al_complete_io(res, pr->sector, pr->size);
	spin_lock_irqsave(&res->lock, flags);
	if (write)
		res->stats.disk_write += pr->size;
	else
		res->stats.disk_read += pr->size;
	list_move_tail(&pr->list, &res->done_ee);
	res->ee_inflight--;
	spin_unlock_irqrestore(&res->lock, flags);
	twin_put_ldev(res);
	wake_up_all(&res->state_wait);
	queue_work(res->wq, &res->ack_work);
}

static bool twin_ee_overlaps(struct twin_res *res, struct twin_peer_req *pr)
{
	sector_t end = pr->sector + (pr->size >> SECTOR_SHIFT);
	struct twin_peer_req *o;

	list_for_each_entry(o, &res->active_ee, list)
		if (o->sector < end &&
		    pr->sector < o->sector + (o->size >> SECTOR_SHIFT))
			return true;
	return false;
}

static bool twin_ee_busy(struct twin_res *res, struct twin_peer_req *pr)
{
	bool busy;

	spin_lock_irq(&res->lock);
	busy = twin_ee_overlaps(res, pr);
	if (!busy) {
		list_add_tail(&pr->list, &res->active_ee);
		res->ee_inflight++;
	}
	spin_unlock_irq(&res->lock);
	return busy;
}

/*
 * Submit @pr to our disk, after every overlapping earlier peer request
 * finished: writes reach the disk in the order the Primary sent them.
 * The caller holds an ldev reference, which end_io drops.
 */
void twin_peer_submit(struct twin_res *res, struct twin_peer_req *pr,
		      blk_opf_t opf)
{
	struct bio *bio;
	unsigned int i;

	wait_event(res->state_wait, !twin_ee_busy(res, pr));
	bio = bio_alloc_bioset(res->ldev->bdev, pr->nr_pages, opf, GFP_NOIO,
			       &res->bs);
	bio->bi_iter.bi_sector = pr->sector;
	bio->bi_private = pr;
	bio->bi_end_io = twin_peer_endio;
	for (i = 0; i < pr->nr_pages; i++)
		__bio_add_page(bio, pr->bvec[i].bv_page, pr->bvec[i].bv_len, 0);
	submit_bio_noacct(bio);
}

static int twin_check_range(struct twin_res *res, sector_t sector, u32 size)
{
	if (!size || size > TWIN_WIRE_MAX_DATA || size & (SECTOR_SIZE - 1) ||
	    sector + (size >> SECTOR_SHIFT) > res->size)
		return -EPROTO;
	return 0;
}

/* DATA and RS_DATA: receive the block, then write it to our disk. */
static int twin_got_write(struct twin_res *res, const struct twin_p_data *d,
			  u32 bytes, u16 answer)
{
	u32 size = be32_to_cpu(d->size), flags = be32_to_cpu(d->flags);
	struct twin_peer_req *pr;
	blk_opf_t opf = REQ_OP_WRITE;
	int err;

	if (size != bytes)
		return -EPROTO;
	err = twin_check_range(res, be64_to_cpu(d->sector), size);
	if (err)
		return err;
	pr = twin_peer_req_alloc(res, size);
	if (!pr)
		return -ENOMEM;
	pr->answer = answer;
	pr->block_id = be64_to_cpu(d->block_id);
	pr->sector = be64_to_cpu(d->sector);
	err = twin_recv_bvec(res, pr->bvec, pr->nr_pages, size);
	if (err) {
		twin_peer_req_free(pr);
		return err;
	}
	res->stats.net_recv += size;
	if (!twin_get_ldev(res)) {
		pr->status = ENODEV;
		twin_peer_req_done(pr);
		return 0;
	}
	if (flags & TWIN_DF_FUA)
		opf |= REQ_FUA;
	if (flags & TWIN_DF_SYNC)
		opf |= REQ_SYNC;
	/* a diskless Primary: ours is the only copy, log it as its own */
	if (answer == TWIN_P_WRITE_ACK &&
	    READ_ONCE(res->st.peer_disk) < TWIN_DISK_INCONSISTENT)
		pr->al = !twin_al_begin_io(res, pr->sector, size);
	twin_peer_submit(res, pr, opf);
	return 0;
}

static int twin_h_data(struct twin_res *res, void *p, u32 bytes)
{
	return twin_got_write(res, p, bytes, TWIN_P_WRITE_ACK);
}

static int twin_h_rs_data(struct twin_res *res, void *p, u32 bytes)
{
	if (res->st.conn != TWIN_CONN_SYNC_TARGET)
		return -EPROTO;
	return twin_got_write(res, p, bytes, TWIN_P_RS_ACK);
}

static int twin_h_read_req(struct twin_res *res, void *p, u32 bytes)
{
	struct twin_p_data *d = p;
	u32 size = be32_to_cpu(d->size);
	struct twin_peer_req *pr;
	int err;

	err = twin_check_range(res, be64_to_cpu(d->sector), size);
	if (err)
		return err;
	pr = twin_peer_req_alloc(res, size);
	if (!pr)
		return -ENOMEM;
	pr->answer = TWIN_P_READ_REPLY;
	pr->block_id = be64_to_cpu(d->block_id);
	pr->sector = be64_to_cpu(d->sector);
	if (res->st.disk != TWIN_DISK_UPTODATE || !twin_get_ldev(res)) {
		pr->status = ENODATA;
		twin_peer_req_done(pr);
		return 0;
	}
	twin_peer_submit(res, pr, REQ_OP_READ);
	return 0;
}

static int twin_h_ack(struct twin_res *res, void *p, u32 bytes, bool ok)
{
	struct twin_p_ack *a = p;
	struct twin_req *req;

	req = twin_req_take(res, be64_to_cpu(a->block_id));
	if (!req)
		return -EPROTO;
	if (!ok)
		pr_warn_ratelimited("%s: peer failed a request at sector %llu (%u)\n",
				    res->name, be64_to_cpu(a->sector),
				    be32_to_cpu(a->status));
	twin_req_peer_done(req, ok);
	return 0;
}

static int twin_h_write_ack(struct twin_res *res, void *p, u32 bytes)
{
	return twin_h_ack(res, p, bytes, true);
}

static int twin_h_neg_ack(struct twin_res *res, void *p, u32 bytes)
{
	return twin_h_ack(res, p, bytes, false);
}

static int twin_h_barrier(struct twin_res *res, void *p, u32 bytes)
{
	struct twin_p_barrier *b = p;
	struct twin_peer_req *pr;

	/* writes before the barrier are on stable storage before any after */
	wait_event(res->state_wait, !READ_ONCE(res->ee_inflight));
	if (twin_get_ldev(res)) {
		if (blkdev_issue_flush(res->ldev->bdev))
			twin_disk_failed(res);
		twin_put_ldev(res);
	}
	if (!b->block_id)
		return 0;
	pr = twin_peer_req_alloc(res, 0);
	if (!pr)
		return -ENOMEM;
	pr->answer = TWIN_P_BARRIER_ACK;
	pr->block_id = be64_to_cpu(b->block_id);
	twin_peer_req_done(pr);
	return 0;
}

static int twin_h_barrier_ack(struct twin_res *res, void *p, u32 bytes)
{
	struct twin_p_barrier *b = p;
	struct twin_req *req;

	req = twin_req_take(res, be64_to_cpu(b->block_id));
	if (!req)
		return -EPROTO;
	twin_req_peer_done(req, true);
	return 0;
}

static int twin_h_read_reply(struct twin_res *res, void *p, u32 bytes)
{
	struct twin_p_data *d = p;
	struct twin_req *req;
	int err;

	req = twin_req_take(res, be64_to_cpu(d->block_id));
	if (!req)
		return -EPROTO;
	err = twin_req_recv_read(res, req, bytes);
	if (!err)
		res->stats.net_recv += bytes;
	twin_req_peer_done(req, !err);
	return err;
}

static int twin_h_ping(struct twin_res *res, void *p, u32 bytes)
{
	WRITE_ONCE(res->ping_ack_due, true);
	queue_work(res->wq, &res->ack_work);
	return 0;
}

static int twin_h_ping_ack(struct twin_res *res, void *p, u32 bytes)
{
	return 0;
}

static int twin_h_state(struct twin_res *res, void *p, u32 bytes)
{
	struct twin_p_state *s = p;
	u8 role = be32_to_cpu(s->role), disk = be32_to_cpu(s->disk_state);
	struct twin_state st;

	if (role > TWIN_ROLE_SECONDARY || disk > TWIN_DISK_UPTODATE)
		return -EPROTO;
	twin_get_state(res, &st);
	twin_set_peer(res, role, disk);
	/*
	 * A Primary that lost its disk writes only to us now: its old disk
	 * must count as older when it comes back.
	 */
	if (role == TWIN_ROLE_PRIMARY && st.peer_disk >= TWIN_DISK_INCONSISTENT &&
	    disk < TWIN_DISK_INCONSISTENT && st.disk == TWIN_DISK_UPTODATE &&
	    twin_get_ldev(res)) {
		twin_uuid_new_current(res);
		twin_md_write(res);
		twin_put_ldev(res);
	}
	return 0;
}

static int twin_h_rs_start(struct twin_res *res, void *p, u32 bytes)
{
	return twin_resync_target_start(res, p);
}

static int twin_h_rs_ack(struct twin_res *res, void *p, u32 bytes)
{
	struct twin_p_ack *a = p;

	twin_resync_ack(res, be64_to_cpu(a->sector), be32_to_cpu(a->size),
			be32_to_cpu(a->status));
	return 0;
}

static int twin_h_rs_done(struct twin_res *res, void *p, u32 bytes)
{
	struct twin_p_params *pp = p;
	u64 uuid[TWIN_UUID_SLOTS];
	int i;

	if (res->st.conn != TWIN_CONN_SYNC_TARGET)
		return -EPROTO;
	for (i = 0; i < TWIN_UUID_SLOTS; i++)
		uuid[i] = be64_to_cpu(pp->uuid[i]);
	twin_resync_done_target(res, uuid);
	return 0;
}

static int twin_h_disconnect(struct twin_res *res, void *p, u32 bytes)
{
	return -ESHUTDOWN;
}

/* fixed: size of the fixed part; data: block bytes may follow */
static const struct twin_handler {
	u32 fixed;
	bool data;
	int (*fn)(struct twin_res *res, void *p, u32 bytes);
} twin_handlers[__TWIN_P_MAX] = {
	[TWIN_P_STATE] = { sizeof(struct twin_p_state), false, twin_h_state },
	[TWIN_P_PING] = { 0, false, twin_h_ping },
	[TWIN_P_PING_ACK] = { 0, false, twin_h_ping_ack },
	[TWIN_P_DATA] = { sizeof(struct twin_p_data), true, twin_h_data },
	[TWIN_P_WRITE_ACK] = { sizeof(struct twin_p_ack), false,
			       twin_h_write_ack },
	[TWIN_P_NEG_ACK] = { sizeof(struct twin_p_ack), false,
			     twin_h_neg_ack },
	[TWIN_P_BARRIER] = { sizeof(struct twin_p_barrier), false,
			     twin_h_barrier },
	[TWIN_P_BARRIER_ACK] = { sizeof(struct twin_p_barrier), false,
				 twin_h_barrier_ack },
	[TWIN_P_READ_REQ] = { sizeof(struct twin_p_data), false,
			      twin_h_read_req },
	[TWIN_P_READ_REPLY] = { sizeof(struct twin_p_data), true,
				twin_h_read_reply },
	[TWIN_P_RS_DATA] = { sizeof(struct twin_p_data), true,
			     twin_h_rs_data },
	[TWIN_P_RS_ACK] = { sizeof(struct twin_p_ack), false, twin_h_rs_ack },
	[TWIN_P_RS_DONE] = { sizeof(struct twin_p_params), false,
			     twin_h_rs_done },
	[TWIN_P_DISCONNECT] = { 0, false, twin_h_disconnect },
	[TWIN_P_RS_START] = { sizeof(struct twin_p_params), false,
			      twin_h_rs_start },
	[TWIN_P_SYNC_REQ] = { 0, false, twin_resync_h_request },
	[TWIN_P_NEW_UUID] = { sizeof(struct twin_p_params), false,
			      twin_uuid_h_new },
	[TWIN_P_OV_REQ] = { sizeof(struct twin_p_data), false, twin_ov_h_req },
	[TWIN_P_OV_REPLY] = { sizeof(struct twin_p_ov_reply), true,
			      twin_ov_h_reply },
	[TWIN_P_OV_DONE] = { sizeof(struct twin_p_ov_done), false,
			     twin_ov_h_done },
};

/* Receive and dispatch packets until the connection ends. */
int twin_receive_loop(struct twin_res *res)
{
	union {
		struct twin_p_data data;
		struct twin_p_ack ack;
		struct twin_p_params params;
		struct twin_p_state state;
		struct twin_p_barrier barrier;
		struct twin_p_ov_reply ov_reply;
		struct twin_p_ov_done ov_done;
	} p;
	const struct twin_handler *h;
	struct twin_pkt_hdr hdr;
	u32 len;
	u16 type;
	int err;

	for (;;) {
		err = twin_recv(res, res->sock, &hdr, sizeof(hdr));
		if (err)
			return err;
		type = be16_to_cpu(hdr.type);
		len = be32_to_cpu(hdr.len);
		h = type < __TWIN_P_MAX ? &twin_handlers[type] : NULL;
		if (be32_to_cpu(hdr.magic) != TWIN_WIRE_MAGIC || !h ||
		    !h->fn || len < h->fixed ||
		    (!h->data && len != h->fixed) ||
		    len - h->fixed > TWIN_WIRE_MAX_DATA) {
			pr_err("%s: bad packet from peer: type %u (%s) len %u\n",
			       res->name, type, twin_pkt_str(type), len);
			return -EPROTO;
		}
		err = twin_recv(res, res->sock, &p, h->fixed);
		if (err)
			return err;
		err = h->fn(res, &p, len - h->fixed);
		if (err) {
			if (err == -EPROTO)
				pr_err("%s: unexpected %s from peer\n",
				       res->name, twin_pkt_str(type));
			return err;
		}
	}
}

/* ---- answers, sent from the ack worker, never from the receiver ---- */

static void twin_answer(struct twin_res *res, struct twin_peer_req *pr)
{
	struct twin_p_ack a = {
		.block_id = cpu_to_be64(pr->block_id),
		.sector = cpu_to_be64(pr->sector),
		.size = cpu_to_be32(pr->size),
		.status = cpu_to_be32(pr->status),
	};
	struct twin_p_data d = {
		.block_id = cpu_to_be64(pr->block_id),
		.sector = cpu_to_be64(pr->sector),
		.size = cpu_to_be32(pr->size),
	};
	struct twin_p_barrier b = { .block_id = cpu_to_be64(pr->block_id) };

	switch (pr->answer) {
	case TWIN_P_WRITE_ACK:
		twin_send(res, pr->status ? TWIN_P_NEG_ACK : TWIN_P_WRITE_ACK,
			  &a, sizeof(a), NULL, NULL, 0, 0);
		break;
	case TWIN_P_RS_ACK:
		twin_resync_written(res, pr->sector, pr->size, pr->status);
		twin_send(res, TWIN_P_RS_ACK, &a, sizeof(a), NULL, NULL, 0, 0);
		twin_resync_mark(res);
		break;
	case TWIN_P_READ_REPLY:
		if (pr->status)
			twin_send(res, TWIN_P_NEG_ACK, &a, sizeof(a),
				  NULL, NULL, 0, 0);
		else
			twin_send(res, TWIN_P_READ_REPLY, &d, sizeof(d), NULL,
				  pr->bvec, pr->nr_pages, pr->size);
		break;
	case TWIN_P_BARRIER_ACK:
		twin_send(res, TWIN_P_BARRIER_ACK, &b, sizeof(b),
			  NULL, NULL, 0, 0);
		break;
	case TWIN_P_OV_REPLY:
	case TWIN_OV_LOCAL_READ:
		twin_ov_answer(res, pr);
		break;
	}
}

void twin_ack_work(struct work_struct *work)
{
	struct twin_res *res = container_of(work, struct twin_res, ack_work);
	struct twin_peer_req *pr;

	for (;;) {
		if (xchg(&res->ping_ack_due, false))
			twin_send(res, TWIN_P_PING_ACK, NULL, 0, NULL, NULL, 0, 0);
		spin_lock_irq(&res->lock);
		pr = list_first_entry_or_null(&res->done_ee,
					      struct twin_peer_req, list);
		if (pr)
			list_del(&pr->list);
		spin_unlock_irq(&res->lock);
		if (!pr)
			return;
		twin_answer(res, pr);
		twin_peer_req_free(pr);
	}
}

void twin_state_work(struct work_struct *work)
{
	struct twin_res *res = container_of(work, struct twin_res, state_work);
	struct twin_p_state s;
	struct twin_state st;

	if (!res->established)
		return;
	twin_get_state(res, &st);
	s.role = cpu_to_be32(st.role);
	s.disk_state = cpu_to_be32(st.disk);
	twin_send(res, TWIN_P_STATE, &s, sizeof(s), NULL, NULL, 0, 0);
}

/* Tell the peer our role and disk state (from the state worker). */
void twin_send_state(struct twin_res *res)
{
	if (res->established)
		queue_work(res->wq, &res->state_work);
}

int twin_send_simple(struct twin_res *res, u16 type)
{
	return twin_send(res, type, NULL, 0, NULL, NULL, 0, 0);
}
