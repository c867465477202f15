// SPDX-License-Identifier: GPL-2.0
/*
 * state.c - the state of a resource (role, disk, peer, connection).
 *
 * Every change goes through twin_state_changed(): it logs old -> new with
 * the names from strings.c, wakes waiters, multicasts a netlink event and,
 * when our own role or disk changed, tells the peer.
 */
#include "twin.h"

void twin_get_state(struct twin_res *res, struct twin_state *st)
{
	spin_lock_irq(&res->lock);
	*st = res->st;
	spin_unlock_irq(&res->lock);
}

bool twin_conn_is_sync(u8 conn)
{
	return conn >= TWIN_CONN_STARTING_SYNC_S &&
	       conn <= TWIN_CONN_PAUSED_SYNC_T;
}

static void twin_state_changed(struct twin_res *res,
			       const struct twin_state *os,
			       const struct twin_state *ns)
{
	if (!memcmp(os, ns, sizeof(*os)))
		return;
	if (os->role != ns->role)
		pr_info("%s: role %s -> %s\n", res->name,
			twin_role_str(os->role), twin_role_str(ns->role));
	if (os->disk != ns->disk)
		pr_info("%s: disk %s -> %s\n", res->name,
			twin_disk_str(os->disk), twin_disk_str(ns->disk));
	if (os->conn != ns->conn)
		pr_info("%s: conn %s -> %s\n", res->name,
			twin_conn_str(os->conn), twin_conn_str(ns->conn));
	if (os->peer_role != ns->peer_role || os->peer_disk != ns->peer_disk)
		pr_info("%s: peer %s/%s -> %s/%s\n", res->name,
			twin_role_str(os->peer_role),
			twin_disk_str(os->peer_disk),
			twin_role_str(ns->peer_role),
			twin_disk_str(ns->peer_disk));
	wake_up_all(&res->state_wait);
	twin_nl_event(res, TWIN_EVENT_CHANGE);
	if (os->role != ns->role || os->disk != ns->disk)
		twin_send_state(res);
}

void twin_set_conn(struct twin_res *res, enum twin_conn_state conn)
{
	struct twin_state os, ns;

	spin_lock_irq(&res->lock);
	os = res->st;
	res->st.conn = conn;
	if (conn < TWIN_CONN_WF_REPORT_PARAMS) {
		res->st.peer_role = TWIN_ROLE_UNKNOWN;
		res->st.peer_disk = TWIN_DISK_DUNKNOWN;
	}
	ns = res->st;
	spin_unlock_irq(&res->lock);
	twin_state_changed(res, &os, &ns);
}

void twin_set_disk(struct twin_res *res, enum twin_disk_state disk)
{
	struct twin_state os, ns;

	spin_lock_irq(&res->lock);
	os = res->st;
	res->st.disk = disk;
	ns = res->st;
	spin_unlock_irq(&res->lock);
	twin_state_changed(res, &os, &ns);
}

void twin_set_peer(struct twin_res *res, u8 role, u8 disk)
{
	struct twin_state os, ns;

	spin_lock_irq(&res->lock);
	os = res->st;
	res->st.peer_role = role;
	res->st.peer_disk = disk;
	ns = res->st;
	spin_unlock_irq(&res->lock);
	twin_state_changed(res, &os, &ns);
}

/* Demotion must not race with an open: check and change under one lock. */
static int twin_set_role(struct twin_res *res, enum twin_role role)
{
	struct twin_state os, ns;

	spin_lock_irq(&res->lock);
	if (role == TWIN_ROLE_SECONDARY && res->open_cnt) {
		spin_unlock_irq(&res->lock);
		return -EBUSY;
	}
	os = res->st;
	res->st.role = role;
	ns = res->st;
	spin_unlock_irq(&res->lock);
	twin_state_changed(res, &os, &ns);
	return 0;
}

/*
 * Promotion rules, as in DRBD: never two Primaries; the data must be
 * UpToDate here, or reachable UpToDate at the peer for a diskless Primary;
 * --force makes Inconsistent or Outdated local data the newest generation.
 */
int twin_promote(struct twin_res *res, bool force, const char **why)
{
	struct twin_state st;
	bool connected;

	twin_get_state(res, &st);
	if (st.role == TWIN_ROLE_PRIMARY)
		return 0;
	if (st.peer_role == TWIN_ROLE_PRIMARY) {
		*why = "the peer is Primary; demote it first";
		return -EBUSY;
	}
	connected = st.conn >= TWIN_CONN_CONNECTED;
	if (st.disk < TWIN_DISK_INCONSISTENT) {
		if (!connected || st.peer_disk != TWIN_DISK_UPTODATE) {
			*why = "no local disk and no connected UpToDate peer";
			return -ENODATA;
		}
	} else if (st.disk == TWIN_DISK_CONSISTENT && !connected) {
		/*
		 * as DRBD: with the peer gone, consistent data is the newest;
		 * the first write starts a new generation (uuid.c)
		 */
		twin_set_disk(res, TWIN_DISK_UPTODATE);
	} else if (st.disk != TWIN_DISK_UPTODATE) {
		if (!force) {
			*why = "local data is not UpToDate (use --force for the first promotion of a new pair)";
			return -ENODATA;
		}
		if (connected && st.peer_disk == TWIN_DISK_UPTODATE) {
			*why = "the peer has UpToDate data; refusing to force over it";
			return -EBUSY;
		}
		/* every block of the peer is to be overwritten */
		twin_uuid_new_current(res);
		twin_bm_set_all(res);
		res->ldev->md_flags |= TWIN_MDF_CONSISTENT |
				       TWIN_MDF_WAS_UPTODATE |
				       TWIN_MDF_FULL_SYNC;
		twin_set_disk(res, TWIN_DISK_UPTODATE);
		pr_info("%s: forced promotion: local data declared UpToDate\n",
			res->name);
	}
	if (res->ldev) {
		res->ldev->md_flags |= TWIN_MDF_PRIMARY_IND;
		twin_md_write(res);
	}
	twin_set_role(res, TWIN_ROLE_PRIMARY);
	twin_get_state(res, &st);
	if (st.conn == TWIN_CONN_CONNECTED && st.disk == TWIN_DISK_UPTODATE &&
	    st.peer_disk == TWIN_DISK_INCONSISTENT)
		twin_resync_start(res, force);
	return 0;
}

int twin_demote(struct twin_res *res, const char **why)
{
	if (res->st.role != TWIN_ROLE_PRIMARY)
		return 0;
	if (twin_set_role(res, TWIN_ROLE_SECONDARY)) {
		*why = "the device is in use (open); close it first";
		return -EBUSY;
	}
	twin_fence_end(res);
	if (res->ldev) {
		res->ldev->md_flags &= ~TWIN_MDF_PRIMARY_IND;
		twin_md_write(res);
	}
	if (twin_get_ldev(res)) {
		twin_bm_write_all(res);
		twin_put_ldev(res);
	}
	return 0;
}
