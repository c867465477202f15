// SPDX-License-Identifier: GPL-2.0
/*
 * nl.c - the generic netlink family "twin" (include/uapi/twin.h): the
 * policy, one handler per command, the status message shared by dumps and
 * events, and the "events" multicast group.
 *
 * Every handler runs under twin_res_mutex, so configuration changes never
 * overlap. Errors carry an extended ack message saying why.
 */
#include "twin.h"

#include <linux/in.h>
#include <linux/in6.h>
#include <net/genetlink.h>

static bool twin_exiting;

/* policy .min/.max are s16: wider ranges need a range struct */
static struct netlink_range_validation twin_ms_range = {
	.min = TWIN_PING_MS_MIN,
	.max = TWIN_PING_MS_MAX,
};

static struct netlink_range_validation twin_index_range = {
	.max = 65535,
};

static const struct nla_policy twin_nl_policy[TWIN_ATTR_MAX + 1] = {
	[TWIN_ATTR_RES_NAME] = { .type = NLA_NUL_STRING,
				 .len = TWIN_RES_NAME_MAX },
	[TWIN_ATTR_MINOR] = NLA_POLICY_MAX(NLA_U32, TWIN_MINOR_MAX),
	[TWIN_ATTR_DISK_PATH] = { .type = NLA_NUL_STRING,
				  .len = TWIN_PATH_MAX },
	[TWIN_ATTR_DISK_FD] = { .type = NLA_U32 },
	[TWIN_ATTR_META_TYPE] = NLA_POLICY_MAX(NLA_U32, TWIN_META_EXTERNAL),
	[TWIN_ATTR_META_PATH] = { .type = NLA_NUL_STRING,
				  .len = TWIN_PATH_MAX },
	[TWIN_ATTR_META_FD] = { .type = NLA_U32 },
	[TWIN_ATTR_META_INDEX] = NLA_POLICY_FULL_RANGE(NLA_U32,
						       &twin_index_range),
	[TWIN_ATTR_LOCAL_ADDR] = NLA_POLICY_MIN_LEN(sizeof(struct sockaddr_in)),
	[TWIN_ATTR_PEER_ADDR] = NLA_POLICY_MIN_LEN(sizeof(struct sockaddr_in)),
	[TWIN_ATTR_PROTOCOL] = NLA_POLICY_RANGE(NLA_U32, TWIN_PROT_A,
						TWIN_PROT_C),
	[TWIN_ATTR_SHARED_SECRET] = { .type = NLA_BINARY,
				      .len = TWIN_SECRET_MAX },
	[TWIN_ATTR_PING_INT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&twin_ms_range),
	[TWIN_ATTR_PING_TIMEO_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &twin_ms_range),
	[TWIN_ATTR_CONNECT_INT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &twin_ms_range),
	[TWIN_ATTR_FORCE] = { .type = NLA_FLAG },
	[TWIN_ATTR_CLEAR_BITMAP] = { .type = NLA_FLAG },
	[TWIN_ATTR_DISCARD_MY_DATA] = { .type = NLA_FLAG },
	[TWIN_ATTR_FENCING] = NLA_POLICY_MAX(NLA_U32,
					     TWIN_FENCING_RESOURCE_ONLY),
	[TWIN_ATTR_AL_EXTENTS] = { .type = NLA_U32 },
	[TWIN_ATTR_RESYNC_MAX_KIB] = { .type = NLA_U32 },
	[TWIN_ATTR_RESYNC_MIN_KIB] = { .type = NLA_U32 },
	[TWIN_ATTR_AFTER_SB_0PRI] = NLA_POLICY_MAX(NLA_U32,
				TWIN_AFTER_SB_DISCARD_LEAST_CHANGES),
	[TWIN_ATTR_AFTER_SB_1PRI] = NLA_POLICY_MAX(NLA_U32,
				TWIN_AFTER_SB_DISCARD_SECONDARY),
};

static struct genl_family twin_genl_family;

static const struct genl_multicast_group twin_mcgrps[] = {
	{ .name = TWIN_GENL_MCAST_EVENTS },
};

/* ---- the status message (dumps and events) ---- */

static int twin_nl_put_addr(struct sk_buff *skb, int attr,
			    struct sockaddr_storage *ss)
{
	int len = ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
					     sizeof(struct sockaddr_in6);

	return nla_put(skb, attr, len, ss);
}

static int twin_nl_put_ldev(struct sk_buff *skb, struct twin_ldev *ldev)
{
	if (nla_put_string(skb, TWIN_ATTR_DISK_PATH, ldev->disk_path) ||
	    nla_put_u32(skb, TWIN_ATTR_META_TYPE, ldev->meta_type))
		return -EMSGSIZE;
	if (ldev->meta_type == TWIN_META_EXTERNAL &&
	    (nla_put_string(skb, TWIN_ATTR_META_PATH, ldev->md_path) ||
	     nla_put_u32(skb, TWIN_ATTR_META_INDEX, ldev->meta_index)))
		return -EMSGSIZE;
	return 0;
}

static int twin_nl_fill(struct sk_buff *skb, struct twin_res *res, u32 portid,
			u32 seq, int flags, u8 cmd, int event)
{
	struct twin_al_stat al;
	struct twin_stats stats;
	struct twin_state st;
	u64 uuid[TWIN_UUID_SLOTS] = { 0 };
	u64 rs_total, rs_left, rs_bytes, oos;
	u64 ov_total, ov_left, ov_oos;
	bool ov_ran;
	u32 rs_max, rs_min;
	bool disk;
	u32 rate;
	int open_cnt;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &twin_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	spin_lock_irq(&res->lock);
	st = res->st;
	stats = res->stats;
	rs_total = res->rs_total;
	rs_left = res->rs_left;
	rate = res->rs_rate_kib;
	open_cnt = res->open_cnt;
	rs_bytes = res->rs_bytes;
	rs_max = res->rs_max_kib;
	rs_min = res->rs_min_kib;
	disk = res->ldev;
	oos = __twin_bm_weight(res) * TWIN_MD_BM_BLOCK_SECTORS;
	ov_total = res->ov.total;
	ov_left = res->ov.left;
	ov_oos = res->ov.oos;
	ov_ran = res->ov.ran;
	/* the disk may be detached by the failure work: copy it here */
	if (res->ldev)
		memcpy(uuid, res->ldev->uuid, sizeof(uuid));
	if (res->ldev && twin_nl_put_ldev(skb, res->ldev)) {
		spin_unlock_irq(&res->lock);
		goto nla_put_failure;
	}
	spin_unlock_irq(&res->lock);

	if (nla_put_string(skb, TWIN_ATTR_RES_NAME, res->name) ||
	    nla_put_u32(skb, TWIN_ATTR_MINOR, res->minor) ||
	    nla_put_u32(skb, TWIN_ATTR_GENL_VERSION, TWIN_GENL_VERSION) ||
	    nla_put_u32(skb, TWIN_ATTR_ROLE, st.role) ||
	    nla_put_u32(skb, TWIN_ATTR_DISK_STATE, st.disk) ||
	    nla_put_u32(skb, TWIN_ATTR_PEER_ROLE, st.peer_role) ||
	    nla_put_u32(skb, TWIN_ATTR_PEER_DISK_STATE, st.peer_disk) ||
	    nla_put_u32(skb, TWIN_ATTR_CONN_STATE, st.conn) ||
	    nla_put_u32(skb, TWIN_ATTR_OPEN_COUNT, open_cnt) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_SIZE_SECTORS, res->size,
			      TWIN_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_SYNC_TOTAL, rs_total,
			      TWIN_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_SYNC_REMAINING, rs_left,
			      TWIN_ATTR_PAD) ||
	    nla_put_u32(skb, TWIN_ATTR_SYNC_RATE_KIB, rate) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_UUID_CURRENT,
			      uuid[TWIN_UUID_CURRENT], TWIN_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_UUID_BITMAP,
			      uuid[TWIN_UUID_BITMAP], TWIN_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_UUID_HISTORY0,
			      uuid[TWIN_UUID_HISTORY0], TWIN_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_UUID_HISTORY1,
			      uuid[TWIN_UUID_HISTORY1], TWIN_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_STAT_NET_SENT, stats.net_sent,
			      TWIN_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_STAT_NET_RECV, stats.net_recv,
			      TWIN_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_STAT_DISK_WRITE, stats.disk_write,
			      TWIN_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_STAT_DISK_READ, stats.disk_read,
			      TWIN_ATTR_PAD) ||
	    nla_put_u32(skb, TWIN_ATTR_STAT_LOCAL_PENDING,
			atomic_read(&res->local_pending)) ||
	    nla_put_u32(skb, TWIN_ATTR_STAT_PEER_PENDING,
			atomic_read(&res->peer_pending)) ||
	    nla_put_u32(skb, TWIN_ATTR_STAT_APP_PENDING,
			atomic_read(&res->app_pending)) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_STAT_OUT_OF_SYNC, oos,
			      TWIN_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_STAT_RESYNCED, rs_bytes,
			      TWIN_ATTR_PAD))
		goto nla_put_failure;
	if (disk && (nla_put_u32(skb, TWIN_ATTR_RESYNC_MAX_KIB, rs_max) ||
		     nla_put_u32(skb, TWIN_ATTR_RESYNC_MIN_KIB, rs_min)))
		goto nla_put_failure;
	if (res->nc &&
	    (nla_put_u32(skb, TWIN_ATTR_PROTOCOL, res->nc->protocol) ||
	     nla_put_u32(skb, TWIN_ATTR_PING_INT_MS, res->nc->ping_int_ms) ||
	     nla_put_u32(skb, TWIN_ATTR_PING_TIMEO_MS,
			 res->nc->ping_timeo_ms) ||
	     nla_put_u32(skb, TWIN_ATTR_FENCING, res->nc->fencing) ||
	     nla_put_u32(skb, TWIN_ATTR_AFTER_SB_0PRI,
			 res->nc->after_sb_0pri) ||
	     nla_put_u32(skb, TWIN_ATTR_AFTER_SB_1PRI,
			 res->nc->after_sb_1pri) ||
	     twin_nl_put_addr(skb, TWIN_ATTR_LOCAL_ADDR, &res->nc->local) ||
	     twin_nl_put_addr(skb, TWIN_ATTR_PEER_ADDR, &res->nc->peer)))
		goto nla_put_failure;
	if (nla_put_u32(skb, TWIN_ATTR_SUSPENDED, READ_ONCE(res->susp)))
		goto nla_put_failure;
	if (twin_al_status(res, &al) &&
	    (nla_put_u32(skb, TWIN_ATTR_AL_EXTENTS, al.max) ||
	     nla_put_u32(skb, TWIN_ATTR_AL_EXTENT_KIB, al.extent_kib)))
		goto nla_put_failure;
	if (nla_put_u64_64bit(skb, TWIN_ATTR_VERIFY_TOTAL, ov_total,
			      TWIN_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, TWIN_ATTR_VERIFY_REMAINING, ov_left,
			      TWIN_ATTR_PAD) ||
	    (ov_ran && nla_put_u64_64bit(skb, TWIN_ATTR_VERIFY_OOS, ov_oos,
					 TWIN_ATTR_PAD)))
		goto nla_put_failure;
	if (res->last_error[0] &&
	    nla_put_string(skb, TWIN_ATTR_LAST_ERROR, res->last_error))
		goto nla_put_failure;
	if (event >= 0 && nla_put_u32(skb, TWIN_ATTR_EVENT, event))
		goto nla_put_failure;
	genlmsg_end(skb, hdr);
	return 0;

nla_put_failure:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

void twin_nl_event(struct twin_res *res, enum twin_event ev)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&twin_genl_family, &init_net, 0))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_NOIO);
	if (!skb)
		return;
	if (twin_nl_fill(skb, res, 0, 0, 0, TWIN_CMD_EVENT, ev)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast(&twin_genl_family, skb, 0, 0, GFP_NOIO);
}

/* ---- helpers for the handlers ---- */

/*
 * NL_SET_ERR_MSG() wants a literal; our reasons are static strings picked
 * deeper down, so store the pointer the same way the macro does.
 */
static void twin_nl_set_err(struct genl_info *info, const char *why)
{
	if (info->extack)
		info->extack->_msg = why;
}

static bool twin_name_valid(const char *name)
{
	const char *p;

	if (!*name)
		return false;
	for (p = name; *p; p++)
		if (!isalnum(*p) && *p != '_' && *p != '-' && *p != '.')
			return false;
	return true;
}

static struct twin_res *twin_nl_res(struct genl_info *info)
{
	struct twin_res *res;

	if (GENL_REQ_ATTR_CHECK(info, TWIN_ATTR_RES_NAME))
		return NULL;
	res = twin_res_find(nla_data(info->attrs[TWIN_ATTR_RES_NAME]));
	if (!res)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[TWIN_ATTR_RES_NAME],
				    "no such resource");
	return res;
}

static u32 twin_nl_u32(struct genl_info *info, int attr, u32 def)
{
	return info->attrs[attr] ? nla_get_u32(info->attrs[attr]) : def;
}

static int twin_nl_addr(struct genl_info *info, int attr,
			struct sockaddr_storage *ss, int *len)
{
	struct nlattr *a = info->attrs[attr];
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	if (!a) {
		NL_SET_ERR_MSG(info->extack, "local and peer address required");
		return -EINVAL;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, nla_data(a), min_t(int, nla_len(a), sizeof(*ss)));
	if ((ss->ss_family == AF_INET && nla_len(a) == sizeof(*sin) &&
	     sin->sin_port) ||
	    (ss->ss_family == AF_INET6 && nla_len(a) == sizeof(*sin6) &&
	     sin6->sin6_port)) {
		*len = nla_len(a);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(info->extack, a,
			    "expected a sockaddr_in or sockaddr_in6 with a port");
	return -EINVAL;
}

/* ---- command handlers ---- */

static int twin_nl_new_resource(struct sk_buff *skb, struct genl_info *info)
{
	const char *why = NULL, *name;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, TWIN_ATTR_RES_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, TWIN_ATTR_MINOR))
		return -EINVAL;
	name = nla_data(info->attrs[TWIN_ATTR_RES_NAME]);
	if (!twin_name_valid(name)) {
		NL_SET_ERR_MSG(info->extack,
			       "resource names use only A-Z a-z 0-9 _ - .");
		return -EINVAL;
	}
	mutex_lock(&twin_res_mutex);
	err = twin_exiting ? -ESHUTDOWN :
	      twin_res_create(name, nla_get_u32(info->attrs[TWIN_ATTR_MINOR]),
			      &why);
	mutex_unlock(&twin_res_mutex);
	if (err && why)
		twin_nl_set_err(info, why);
	return err;
}

/* Look up the resource, run @fn on it under twin_res_mutex. */
static int twin_nl_do(struct genl_info *info,
		      int (*fn)(struct twin_res *res, struct genl_info *info,
				const char **why))
{
	const char *why = NULL;
	struct twin_res *res;
	int err;

	mutex_lock(&twin_res_mutex);
	res = twin_nl_res(info);
	err = res ? fn(res, info, &why) : -ENOENT;
	mutex_unlock(&twin_res_mutex);
	if (err && why)
		twin_nl_set_err(info, why);
	return err;
}

static int twin_do_down(struct twin_res *res, struct genl_info *info,
			const char **why)
{
	return twin_res_destroy(res, why);
}

static int twin_do_attach(struct twin_res *res, struct genl_info *info,
			  const char **why)
{
	struct nlattr **a = info->attrs;
	struct twin_ldev *ldev;
	const char *path = NULL, *md_path = NULL;
	int fd = -1, md_fd = -1, err;

	if (a[TWIN_ATTR_DISK_PATH])
		path = nla_data(a[TWIN_ATTR_DISK_PATH]);
	else if (a[TWIN_ATTR_DISK_FD])
		fd = nla_get_u32(a[TWIN_ATTR_DISK_FD]);
	else {
		*why = "a backing disk (path or fd) is required";
		return -EINVAL;
	}
	ldev = kzalloc(sizeof(*ldev), GFP_KERNEL);
	if (!ldev)
		return -ENOMEM;
	ldev->meta_type = twin_nl_u32(info, TWIN_ATTR_META_TYPE,
				      TWIN_META_INTERNAL);
	if (ldev->meta_type == TWIN_META_EXTERNAL) {
		if (a[TWIN_ATTR_META_PATH])
			md_path = nla_data(a[TWIN_ATTR_META_PATH]);
		else if (a[TWIN_ATTR_META_FD])
			md_fd = nla_get_u32(a[TWIN_ATTR_META_FD]);
		else {
			*why = "external meta-disk needs a meta device";
			kfree(ldev);
			return -EINVAL;
		}
		ldev->meta_index = twin_nl_u32(info, TWIN_ATTR_META_INDEX, 0);
	}
	ldev->al_want = twin_nl_u32(info, TWIN_ATTR_AL_EXTENTS, 0);
	if (ldev->al_want && (ldev->al_want < TWIN_AL_MIN_EXTENTS ||
			      ldev->al_want > TWIN_AL_MAX_EXTENTS)) {
		*why = "al-extents must be from " __stringify(TWIN_AL_MIN_EXTENTS)
		       " to " __stringify(TWIN_AL_MAX_EXTENTS);
		kfree(ldev);
		return -ERANGE;
	}
	err = twin_ldev_open(ldev, path, fd, md_path, md_fd, res, why);
	if (err) {
		kfree(ldev);
		return err;
	}
	err = twin_attach(res, ldev, why);
	if (err) {
		twin_ldev_close(ldev);
		kfree(ldev);
		return err;
	}
	/* disk { c-max-rate c-min-rate } for the resync (sync.c) */
	WRITE_ONCE(res->rs_max_kib,
		   twin_nl_u32(info, TWIN_ATTR_RESYNC_MAX_KIB, 0));
	WRITE_ONCE(res->rs_min_kib,
		   twin_nl_u32(info, TWIN_ATTR_RESYNC_MIN_KIB,
			       TWIN_DEF_RESYNC_MIN_KIB));
	return 0;
}

static int twin_do_detach(struct twin_res *res, struct genl_info *info,
			  const char **why)
{
	return twin_detach(res, false, why);
}

static int twin_do_connect(struct twin_res *res, struct genl_info *info,
			   const char **why)
{
	struct nlattr *secret = info->attrs[TWIN_ATTR_SHARED_SECRET];
	struct twin_net_conf *nc;
	int len2, err;

	bool discard = info->attrs[TWIN_ATTR_DISCARD_MY_DATA];

	if (discard && res->st.role == TWIN_ROLE_PRIMARY) {
		*why = "a Primary cannot discard its data; demote it first";
		return -EBUSY;
	}
	/* the split brain victim retries at once with --discard-my-data */
	if (res->nc && discard && !res->established)
		twin_connect_stop(res);
	if (res->nc) {
		*why = "already connecting or connected; disconnect first";
		return -EALREADY;
	}
	nc = kzalloc(sizeof(*nc), GFP_KERNEL);
	if (!nc)
		return -ENOMEM;
	err = twin_nl_addr(info, TWIN_ATTR_LOCAL_ADDR, &nc->local,
			   &nc->addrlen) ?:
	      twin_nl_addr(info, TWIN_ATTR_PEER_ADDR, &nc->peer, &len2);
	if (err)
		goto out_free;
	err = -EINVAL;
	if (nc->local.ss_family != nc->peer.ss_family) {
		*why = "local and peer address are of different families";
		goto out_free;
	}
	nc->protocol = twin_nl_u32(info, TWIN_ATTR_PROTOCOL, TWIN_PROT_C);
	if (nc->protocol != TWIN_PROT_A && nc->protocol != TWIN_PROT_C) {
		*why = "protocol must be A or C";
		goto out_free;
	}
	if (secret) {
		nc->secret_len = nla_len(secret);
		memcpy(nc->secret, nla_data(secret), nc->secret_len);
	}
	nc->ping_int_ms = twin_nl_u32(info, TWIN_ATTR_PING_INT_MS,
				      TWIN_DEF_PING_INT_MS);
	nc->ping_timeo_ms = twin_nl_u32(info, TWIN_ATTR_PING_TIMEO_MS,
					TWIN_DEF_PING_TIMEO_MS);
	nc->connect_int_ms = twin_nl_u32(info, TWIN_ATTR_CONNECT_INT_MS,
					 TWIN_DEF_CONNECT_INT_MS);
	nc->fencing = twin_nl_u32(info, TWIN_ATTR_FENCING, TWIN_FENCING_NONE);
	nc->discard_my_data = discard;
	nc->after_sb_0pri = twin_nl_u32(info, TWIN_ATTR_AFTER_SB_0PRI,
					TWIN_AFTER_SB_DISCONNECT);
	nc->after_sb_1pri = twin_nl_u32(info, TWIN_ATTR_AFTER_SB_1PRI,
					TWIN_AFTER_SB_DISCONNECT);
	if (nc->after_sb_1pri != TWIN_AFTER_SB_DISCONNECT &&
	    nc->after_sb_1pri != TWIN_AFTER_SB_DISCARD_SECONDARY) {
		*why = "after-sb-1pri must be disconnect or discard-secondary";
		goto out_free;
	}
	if (nc->after_sb_0pri == TWIN_AFTER_SB_DISCARD_SECONDARY) {
		*why = "after-sb-0pri must be disconnect, discard-zero-changes or discard-least-changes";
		goto out_free;
	}
	if (nc->fencing && nc->protocol != TWIN_PROT_C) {
		*why = "fencing resource-only needs protocol C";
		goto out_free;
	}
	if (nc->ping_timeo_ms <= nc->ping_int_ms) {
		*why = "ping timeout must be longer than the ping interval";
		goto out_free;
	}
	return twin_connect_start(res, nc);

out_free:
	kfree(nc);
	return err;
}

static int twin_do_disconnect(struct twin_res *res, struct genl_info *info,
			      const char **why)
{
	twin_connect_stop(res);
	return 0;
}

static int twin_do_primary(struct twin_res *res, struct genl_info *info,
			   const char **why)
{
	return twin_promote(res, !!info->attrs[TWIN_ATTR_FORCE], why);
}

static int twin_do_secondary(struct twin_res *res, struct genl_info *info,
			     const char **why)
{
	return twin_demote(res, why);
}

static int twin_do_resume_io(struct twin_res *res, struct genl_info *info,
			     const char **why)
{
	return twin_fence_resume(res);
}

static int twin_do_fail_io(struct twin_res *res, struct genl_info *info,
			   const char **why)
{
	return twin_fence_fail(res);
}

static int twin_do_verify(struct twin_res *res, struct genl_info *info,
			  const char **why)
{
	return twin_verify_start(res, why);
}

static int twin_do_invalidate(struct twin_res *res, struct genl_info *info,
			      const char **why)
{
	return twin_invalidate(res, why);
}

static int twin_do_new_uuid(struct twin_res *res, struct genl_info *info,
			    const char **why)
{
	return twin_new_current_uuid(res,
				     !!info->attrs[TWIN_ATTR_CLEAR_BITMAP],
				     why);
}

#define TWIN_NL_WRAP(cmd)						\
static int twin_nl_##cmd(struct sk_buff *skb, struct genl_info *info)	\
{									\
	return twin_nl_do(info, twin_do_##cmd);				\
}

TWIN_NL_WRAP(down)
TWIN_NL_WRAP(attach)
TWIN_NL_WRAP(detach)
TWIN_NL_WRAP(connect)
TWIN_NL_WRAP(disconnect)
TWIN_NL_WRAP(primary)
TWIN_NL_WRAP(secondary)
TWIN_NL_WRAP(resume_io)
TWIN_NL_WRAP(fail_io)
TWIN_NL_WRAP(invalidate)
TWIN_NL_WRAP(new_uuid)
TWIN_NL_WRAP(verify)

static int twin_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct twin_res *res;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&twin_res_mutex);
	res = twin_nl_res(info);
	err = res ? twin_nl_fill(msg, res, info->snd_portid, info->snd_seq,
				 0, TWIN_CMD_GET_STATUS, -1) : -ENOENT;
	mutex_unlock(&twin_res_mutex);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* One message per resource, in list order; cb->args[0] is the index. */
static int twin_nl_dump_status(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	const struct genl_dumpit_info *di = genl_dumpit_info(cb);
	struct nlattr *name = di->attrs[TWIN_ATTR_RES_NAME];
	struct twin_res *res;
	long idx = 0;

	mutex_lock(&twin_res_mutex);
	list_for_each_entry(res, &twin_resources, list) {
		if (idx++ < cb->args[0])
			continue;
		if (name && strcmp(res->name, nla_data(name)))
			continue;
		if (twin_nl_fill(skb, res, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI,
				 TWIN_CMD_GET_STATUS, -1)) {
			idx--;
			break;
		}
	}
	mutex_unlock(&twin_res_mutex);
	cb->args[0] = idx;
	return skb->len;
}

static const struct genl_ops twin_nl_ops[] = {
	{ .cmd = TWIN_CMD_NEW_RESOURCE, .doit = twin_nl_new_resource,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TWIN_CMD_DEL_RESOURCE, .doit = twin_nl_down,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TWIN_CMD_ATTACH, .doit = twin_nl_attach,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TWIN_CMD_DETACH, .doit = twin_nl_detach,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TWIN_CMD_CONNECT, .doit = twin_nl_connect,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TWIN_CMD_DISCONNECT, .doit = twin_nl_disconnect,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TWIN_CMD_PRIMARY, .doit = twin_nl_primary,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TWIN_CMD_SECONDARY, .doit = twin_nl_secondary,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TWIN_CMD_GET_STATUS, .doit = twin_nl_get_status,
	  .dumpit = twin_nl_dump_status },
	{ .cmd = TWIN_CMD_VERIFY, .doit = twin_nl_verify,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TWIN_CMD_INVALIDATE, .doit = twin_nl_invalidate,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TWIN_CMD_NEW_CURRENT_UUID, .doit = twin_nl_new_uuid,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TWIN_CMD_RESUME_IO, .doit = twin_nl_resume_io,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = TWIN_CMD_FAIL_IO, .doit = twin_nl_fail_io,
	  .flags = GENL_ADMIN_PERM },
};

static struct genl_family twin_genl_family = {
	.name = TWIN_GENL_NAME,
	.version = TWIN_GENL_VERSION,
	.maxattr = TWIN_ATTR_MAX,
	.policy = twin_nl_policy,
	.module = THIS_MODULE,
	.ops = twin_nl_ops,
	.n_ops = ARRAY_SIZE(twin_nl_ops),
	.mcgrps = twin_mcgrps,
	.n_mcgrps = ARRAY_SIZE(twin_mcgrps),
};

int twin_nl_init(void)
{
	return genl_register_family(&twin_genl_family);
}

/* Refuse new resources; the caller then deletes the existing ones. */
void twin_nl_shutdown(void)
{
	mutex_lock(&twin_res_mutex);
	twin_exiting = true;
	mutex_unlock(&twin_res_mutex);
}

void twin_nl_exit(void)
{
	genl_unregister_family(&twin_genl_family);
}
