// SPDX-License-Identifier: GPL-2.0
/*
 * uuid.c - data generations, as in DRBD: the current UUID names the data
 * on this disk, the bitmap UUID the generation the dirty bitmap is
 * relative to, the history UUIDs older generations.
 *
 * A Primary starts a new generation lazily, at its first write that the
 * peer does not get (res->uuid_shared says the peer may still have our
 * current UUID), so a node that wrote nothing while apart stays in the
 * old generation and simply becomes the sync target. At the handshake the
 * UUIDs decide the sync direction and whether the bitmap suffices or the
 * whole device must be copied; when both sides moved on from a common
 * generation it is a split brain, resolved by --discard-my-data or the
 * after-sb policies.
 */
#include "twin.h"

static bool twin_uuid_known(const u64 *u, u64 val)
{
	return u[TWIN_UUID_BITMAP] == val || u[TWIN_UUID_HISTORY0] == val ||
	       u[TWIN_UUID_HISTORY1] == val;
}

/* res->lock held: must a new generation start before this write? */
bool twin_gen_needed(struct twin_res *res)
{
	return res->uuid_shared && res->ldev && !res->disk_failed &&
	       res->st.role == TWIN_ROLE_PRIMARY &&
	       res->st.disk == TWIN_DISK_UPTODATE &&
	       !(res->established &&
		 res->st.peer_disk >= TWIN_DISK_INCONSISTENT);
}

/* Start a new generation now and put it on disk; process context. */
void twin_gen_new(struct twin_res *res)
{
	if (!twin_get_ldev(res))
		return;
	twin_uuid_new_current(res);
	twin_md_write(res);
	twin_put_ldev(res);
}

/*
 * The connection broke (before the peer parts in flight are failed): a
 * Primary whose writes may now complete on its disk alone starts the new
 * generation before they complete. @held: fencing keeps them instead.
 */
void twin_gen_on_loss(struct twin_res *res, bool held)
{
	bool need;

	spin_lock_irq(&res->lock);
	need = !held && res->uuid_shared &&
	       res->st.role == TWIN_ROLE_PRIMARY &&
	       res->st.disk == TWIN_DISK_UPTODATE &&
	       atomic_read(&res->peer_pending) > 0;
	spin_unlock_irq(&res->lock);
	if (need)
		twin_gen_new(res);
}

/* Is @tgt's data the generation @src's bitmap is relative to? */
static bool twin_bitmap_based(const u64 *src, const u64 *tgt)
{
	return src[TWIN_UUID_BITMAP] &&
	       tgt[TWIN_UUID_CURRENT] == src[TWIN_UUID_BITMAP] &&
	       tgt[TWIN_UUID_CURRENT] != TWIN_UUID_JUST_CREATED;
}

/* Which way must data flow, and can the bitmap say what to copy? */
static enum twin_sync_dir twin_sync_dir(const u64 *me, bool me_ok,
					const u64 *pe, bool pe_ok, bool *full)
{
	*full = false;
	if (!me_ok && !pe_ok)
		return TWIN_SYNC_NONE;	/* new pair: wait for --force */
	if (me[TWIN_UUID_CURRENT] == pe[TWIN_UUID_CURRENT]) {
		if (me_ok == pe_ok)
			return TWIN_SYNC_NONE;	/* the bitmaps may differ */
		return me_ok ? TWIN_SYNC_SOURCE : TWIN_SYNC_TARGET;
	}
	if (!pe_ok) {
		*full = !twin_bitmap_based(me, pe);
		return TWIN_SYNC_SOURCE;
	}
	if (!me_ok) {
		*full = !twin_bitmap_based(pe, me);
		return TWIN_SYNC_TARGET;
	}
	if (twin_bitmap_based(me, pe))
		return TWIN_SYNC_SOURCE;
	if (twin_bitmap_based(pe, me))
		return TWIN_SYNC_TARGET;
	*full = true;
	if (twin_uuid_known(me, pe[TWIN_UUID_CURRENT]))
		return TWIN_SYNC_SOURCE;
	if (twin_uuid_known(pe, me[TWIN_UUID_CURRENT]))
		return TWIN_SYNC_TARGET;
	return TWIN_SYNC_SPLIT_BRAIN;
}

static const char *twin_after_sb_str(u32 policy)
{
	static const char *const names[] = TWIN_AFTER_SB_NAMES;

	return policy < ARRAY_SIZE(names) ? names[policy] : "?";
}

/* A tie under an automatic policy: the connecting node keeps its data. */
static enum twin_sync_dir twin_sb_tie(struct twin_res *res)
{
	return res->is_connector ? TWIN_SYNC_SOURCE : TWIN_SYNC_TARGET;
}

static enum twin_sync_dir twin_sb_policy(struct twin_res *res, bool one_pri,
					 u8 my_role, u64 mine, u64 theirs)
{
	u32 p0 = res->nc->after_sb_0pri, p1 = res->nc->after_sb_1pri;

	if (!one_pri) {
		if (p0 == TWIN_AFTER_SB_DISCARD_ZERO_CHANGES) {
			if (!mine && !theirs)
				return twin_sb_tie(res);
			if (!mine)
				return TWIN_SYNC_TARGET;
			if (!theirs)
				return TWIN_SYNC_SOURCE;
		} else if (p0 == TWIN_AFTER_SB_DISCARD_LEAST_CHANGES) {
			if (mine == theirs)
				return twin_sb_tie(res);
			return mine < theirs ? TWIN_SYNC_TARGET :
					       TWIN_SYNC_SOURCE;
		}
	} else if (p1 == TWIN_AFTER_SB_DISCARD_SECONDARY) {
		return my_role == TWIN_ROLE_PRIMARY ? TWIN_SYNC_SOURCE :
						      TWIN_SYNC_TARGET;
	}
	return TWIN_SYNC_SPLIT_BRAIN;
}

/*
 * Both nodes wrote since they were last connected. Resolve it with
 * --discard-my-data (on this node or the peer) or the after-sb policies,
 * or refuse and say how to resolve it.
 */
static enum twin_sync_dir twin_sb_resolve(struct twin_res *res,
					  const struct twin_p_params *me,
					  const struct twin_p_params *pe,
					  const char **why)
{
	bool mine = be32_to_cpu(me->flags) & TWIN_PF_DISCARD_MY_DATA;
	bool theirs = be32_to_cpu(pe->flags) & TWIN_PF_DISCARD_MY_DATA;
	u8 my_role = be32_to_cpu(me->role);
	bool one_pri = my_role == TWIN_ROLE_PRIMARY ||
		       be32_to_cpu(pe->role) == TWIN_ROLE_PRIMARY;
	enum twin_sync_dir dir;

	if (mine && theirs) {
		*why = "split brain: both nodes were told to discard their data; use --discard-my-data on one";
		return TWIN_SYNC_SPLIT_BRAIN;
	}
	if (mine || theirs) {
		pr_warn("%s: split brain resolved by --discard-my-data on %s\n",
			res->name, mine ? "this node" : "the peer");
		return mine ? TWIN_SYNC_TARGET : TWIN_SYNC_SOURCE;
	}
	if (me->after_sb_0pri != pe->after_sb_0pri ||
	    me->after_sb_1pri != pe->after_sb_1pri) {
		*why = "split brain, and the after-sb policies differ from the peer's";
		return TWIN_SYNC_SPLIT_BRAIN;
	}
	dir = twin_sb_policy(res, one_pri, my_role, be64_to_cpu(me->bm_bits),
			     be64_to_cpu(pe->bm_bits));
	if (dir != TWIN_SYNC_SPLIT_BRAIN) {
		pr_warn("%s: split brain resolved by after-sb-%dpri %s: this node's data is %s\n",
			res->name, one_pri,
			twin_after_sb_str(one_pri ? res->nc->after_sb_1pri :
					  res->nc->after_sb_0pri),
			dir == TWIN_SYNC_TARGET ? "discarded" : "kept");
		return dir;
	}
	*why = "split brain: both nodes changed the data; resolve with 'twinadm connect --discard-my-data' on the victim";
	return TWIN_SYNC_SPLIT_BRAIN;
}

/*
 * Both nodes have a disk: decide the direction from the UUIDs. @full:
 * the bitmaps cannot say what differs, every block must be copied.
 */
int twin_uuid_decide(struct twin_res *res, const struct twin_p_params *me,
		     const struct twin_p_params *pe, enum twin_sync_dir *dir,
		     bool *full, const char **why)
{
	u32 mf = be32_to_cpu(me->flags), pf = be32_to_cpu(pe->flags);
	u64 mu[TWIN_UUID_SLOTS], pu[TWIN_UUID_SLOTS];
	int i;

	for (i = 0; i < TWIN_UUID_SLOTS; i++) {
		mu[i] = be64_to_cpu(me->uuid[i]);
		pu[i] = be64_to_cpu(pe->uuid[i]);
	}
	*dir = twin_sync_dir(mu, mf & TWIN_PF_CONSISTENT, pu,
			     pf & TWIN_PF_CONSISTENT, full);
	if (*dir == TWIN_SYNC_SPLIT_BRAIN) {
		/* from a common generation both bitmaps say what changed */
		*full = !(mu[TWIN_UUID_BITMAP] &&
			  mu[TWIN_UUID_BITMAP] == pu[TWIN_UUID_BITMAP]);
		*dir = twin_sb_resolve(res, me, pe, why);
		if (*dir == TWIN_SYNC_SPLIT_BRAIN)
			return -EPROTO;
	}
	if (*dir == TWIN_SYNC_TARGET &&
	    be32_to_cpu(me->role) == TWIN_ROLE_PRIMARY) {
		*why = (mf & TWIN_PF_DISCARD_MY_DATA) ?
		       "a Primary cannot discard its data; demote it first" :
		       "this Primary has older data than the peer";
		return -EPROTO;
	}
	return 0;
}

/*
 * Same generation on both nodes, both consistent, but blocks are marked
 * out of sync (a verify, or writes in flight at a crash): the Primary
 * copies them, else the node that ran the verify, else the connector.
 */
enum twin_sync_dir twin_uuid_bits_dir(struct twin_res *res,
				      const struct twin_p_params *me,
				      const struct twin_p_params *pe)
{
	bool mv = be32_to_cpu(me->flags) & TWIN_PF_VERIFY_SOURCE;
	bool pv = be32_to_cpu(pe->flags) & TWIN_PF_VERIFY_SOURCE;

	if (be32_to_cpu(me->role) == TWIN_ROLE_PRIMARY)
		return TWIN_SYNC_SOURCE;
	if (be32_to_cpu(pe->role) == TWIN_ROLE_PRIMARY)
		return TWIN_SYNC_TARGET;
	if (mv != pv)
		return mv ? TWIN_SYNC_SOURCE : TWIN_SYNC_TARGET;
	return res->is_connector ? TWIN_SYNC_SOURCE : TWIN_SYNC_TARGET;
}

/* Our disk now holds exactly @uuid's generation and nothing is dirty. */
static void twin_uuid_take_clean(struct twin_res *res, const u64 *uuid)
{
	int i;

	for (i = 0; i < TWIN_UUID_SLOTS; i++)
		res->ldev->uuid[i] = uuid[i];
	res->ldev->md_flags |= TWIN_MDF_CONSISTENT | TWIN_MDF_WAS_UPTODATE;
	res->ldev->md_flags &= ~TWIN_MDF_FULL_SYNC;
	twin_bm_clear_all(res);
	twin_bm_write_all(res);
	twin_md_write(res);
	WRITE_ONCE(res->uuid_shared, true);
}

/*
 * "new-current-uuid": start a new data generation. With @clear on a new
 * pair (connected, both Secondary and Inconsistent, same current UUID)
 * skip the initial sync: both nodes take the new generation, empty
 * bitmaps, and become UpToDate.
 */
int twin_new_current_uuid(struct twin_res *res, bool clear, const char **why)
{
	struct twin_p_params p = { 0 };
	struct twin_state st;
	int i, err;

	twin_get_state(res, &st);
	if (!twin_get_ldev(res)) {
		*why = "no disk attached";
		return -ENODEV;
	}
	if (!clear && st.role == TWIN_ROLE_SECONDARY &&
	    st.conn >= TWIN_CONN_CONNECTED) {
		*why = "a new generation on a connected Secondary would fork the data; run it on the Primary";
		twin_put_ldev(res);
		return -EBUSY;
	}
	if (!clear) {
		twin_uuid_new_current(res);
		err = twin_md_write(res);
		twin_put_ldev(res);
		return err;
	}
	err = -EBUSY;
	if (st.conn != TWIN_CONN_CONNECTED)
		*why = "--clear-bitmap needs a connected pair (not syncing)";
	else if (st.role != TWIN_ROLE_SECONDARY ||
		 st.peer_role != TWIN_ROLE_SECONDARY)
		*why = "--clear-bitmap needs both nodes Secondary";
	else if (st.disk != TWIN_DISK_INCONSISTENT ||
		 st.peer_disk != TWIN_DISK_INCONSISTENT)
		*why = "--clear-bitmap is for a new pair: both disks must be Inconsistent";
	else if (res->ldev->uuid[TWIN_UUID_CURRENT] !=
		 res->peer_uuid[TWIN_UUID_CURRENT])
		*why = "--clear-bitmap: the nodes have different data generations";
	else
		err = 0;
	if (err) {
		twin_put_ldev(res);
		return err;
	}
	twin_uuid_new_current(res);
	res->ldev->uuid[TWIN_UUID_BITMAP] = 0;
	twin_uuid_take_clean(res, res->ldev->uuid);
	p.data_sectors = cpu_to_be64(res->size);
	for (i = 0; i < TWIN_UUID_SLOTS; i++)
		p.uuid[i] = cpu_to_be64(res->ldev->uuid[i]);
	twin_put_ldev(res);
	err = twin_send(res, TWIN_P_NEW_UUID, &p, sizeof(p), NULL, NULL, 0, 0);
	twin_set_disk(res, TWIN_DISK_UPTODATE);
	pr_info("%s: new generation without initial sync (--clear-bitmap)\n",
		res->name);
	return err;
}

/* NEW_UUID from the peer: it ran new-current-uuid --clear-bitmap. */
int twin_uuid_h_new(struct twin_res *res, void *p, u32 bytes)
{
	struct twin_p_params *pp = p;
	u64 uuid[TWIN_UUID_SLOTS];
	int i;

	if (res->st.role != TWIN_ROLE_SECONDARY ||
	    res->st.disk != TWIN_DISK_INCONSISTENT || !twin_get_ldev(res))
		return -EPROTO;
	for (i = 0; i < TWIN_UUID_SLOTS; i++)
		uuid[i] = be64_to_cpu(pp->uuid[i]);
	twin_uuid_take_clean(res, uuid);
	twin_put_ldev(res);
	twin_set_disk(res, TWIN_DISK_UPTODATE);
	pr_info("%s: new generation from the peer without initial sync\n",
		res->name);
	return 0;
}
