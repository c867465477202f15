// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink client of the twin module, with libnl-3 (see nl.h).
 *
 * Replies are validated against twin_nl_policy before use, and the
 * kernel's extended ack message (the "why" of a refusal) is handed back
 * to the caller next to the errno.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "nl.h"

#define NL_REPLY_TIMEOUT_S	60	/* the kernel answers long before */
#define NL_RECV_TIMEOUT_S	5	/* per recv, to look at the clock */

struct twin_nl {
	struct nl_sock *sk;		/* requests and dumps */
	struct nl_sock *ev;		/* multicast events, once subscribed */
	int family;

	/* state of the exchange in progress */
	bool done;
	int err;
	char *msg;
	twin_status_fn fn;
	void *arg;
	int fn_ret;
};

static struct nla_policy twin_nl_policy[TWIN_ATTR_MAX + 1] = {
	[TWIN_ATTR_RES_NAME] = { .type = NLA_STRING,
				 .maxlen = TWIN_RES_NAME_MAX + 1 },
	[TWIN_ATTR_MINOR] = { .type = NLA_U32 },
	[TWIN_ATTR_DISK_PATH] = { .type = NLA_STRING,
				  .maxlen = TWIN_PATH_MAX + 1 },
	[TWIN_ATTR_META_TYPE] = { .type = NLA_U32 },
	[TWIN_ATTR_META_PATH] = { .type = NLA_STRING,
				  .maxlen = TWIN_PATH_MAX + 1 },
	[TWIN_ATTR_META_INDEX] = { .type = NLA_U32 },
	[TWIN_ATTR_LOCAL_ADDR] = { .type = NLA_UNSPEC },
	[TWIN_ATTR_PEER_ADDR] = { .type = NLA_UNSPEC },
	[TWIN_ATTR_PROTOCOL] = { .type = NLA_U32 },
	[TWIN_ATTR_PING_INT_MS] = { .type = NLA_U32 },
	[TWIN_ATTR_PING_TIMEO_MS] = { .type = NLA_U32 },
	[TWIN_ATTR_CONNECT_INT_MS] = { .type = NLA_U32 },
	[TWIN_ATTR_ROLE] = { .type = NLA_U32 },
	[TWIN_ATTR_DISK_STATE] = { .type = NLA_U32 },
	[TWIN_ATTR_PEER_ROLE] = { .type = NLA_U32 },
	[TWIN_ATTR_PEER_DISK_STATE] = { .type = NLA_U32 },
	[TWIN_ATTR_CONN_STATE] = { .type = NLA_U32 },
	[TWIN_ATTR_SIZE_SECTORS] = { .type = NLA_U64 },
	[TWIN_ATTR_SYNC_TOTAL] = { .type = NLA_U64 },
	[TWIN_ATTR_SYNC_REMAINING] = { .type = NLA_U64 },
	[TWIN_ATTR_SYNC_RATE_KIB] = { .type = NLA_U32 },
	[TWIN_ATTR_OPEN_COUNT] = { .type = NLA_U32 },
	[TWIN_ATTR_UUID_CURRENT] = { .type = NLA_U64 },
	[TWIN_ATTR_UUID_BITMAP] = { .type = NLA_U64 },
	[TWIN_ATTR_UUID_HISTORY0] = { .type = NLA_U64 },
	[TWIN_ATTR_UUID_HISTORY1] = { .type = NLA_U64 },
	[TWIN_ATTR_STAT_NET_SENT] = { .type = NLA_U64 },
	[TWIN_ATTR_STAT_NET_RECV] = { .type = NLA_U64 },
	[TWIN_ATTR_STAT_DISK_WRITE] = { .type = NLA_U64 },
	[TWIN_ATTR_STAT_DISK_READ] = { .type = NLA_U64 },
	[TWIN_ATTR_STAT_LOCAL_PENDING] = { .type = NLA_U32 },
	[TWIN_ATTR_STAT_PEER_PENDING] = { .type = NLA_U32 },
	[TWIN_ATTR_STAT_APP_PENDING] = { .type = NLA_U32 },
	[TWIN_ATTR_STAT_OUT_OF_SYNC] = { .type = NLA_U64 },
	[TWIN_ATTR_EVENT] = { .type = NLA_U32 },
	[TWIN_ATTR_LAST_ERROR] = { .type = NLA_STRING,
				   .maxlen = STATUS_ERR_MAX },
	[TWIN_ATTR_GENL_VERSION] = { .type = NLA_U32 },
	[TWIN_ATTR_FENCING] = { .type = NLA_U32 },
	[TWIN_ATTR_SUSPENDED] = { .type = NLA_U32 },
	[TWIN_ATTR_RESYNC_MAX_KIB] = { .type = NLA_U32 },
	[TWIN_ATTR_RESYNC_MIN_KIB] = { .type = NLA_U32 },
	[TWIN_ATTR_AL_EXTENTS] = { .type = NLA_U32 },
	[TWIN_ATTR_AFTER_SB_0PRI] = { .type = NLA_U32 },
	[TWIN_ATTR_AFTER_SB_1PRI] = { .type = NLA_U32 },
	[TWIN_ATTR_STAT_RESYNCED] = { .type = NLA_U64 },
	[TWIN_ATTR_VERIFY_TOTAL] = { .type = NLA_U64 },
	[TWIN_ATTR_VERIFY_REMAINING] = { .type = NLA_U64 },
	[TWIN_ATTR_VERIFY_OOS] = { .type = NLA_U64 },
	[TWIN_ATTR_AL_EXTENT_KIB] = { .type = NLA_U32 },
};

static const char *const twin_nl_cmd_names[] = {
	[TWIN_CMD_NEW_RESOURCE] = "NEW_RESOURCE",
	[TWIN_CMD_DEL_RESOURCE] = "DEL_RESOURCE",
	[TWIN_CMD_ATTACH] = "ATTACH",
	[TWIN_CMD_DETACH] = "DETACH",
	[TWIN_CMD_CONNECT] = "CONNECT",
	[TWIN_CMD_DISCONNECT] = "DISCONNECT",
	[TWIN_CMD_PRIMARY] = "PRIMARY",
	[TWIN_CMD_SECONDARY] = "SECONDARY",
	[TWIN_CMD_GET_STATUS] = "GET_STATUS",
	[TWIN_CMD_EVENT] = "EVENT",
	[TWIN_CMD_VERIFY] = "VERIFY",
	[TWIN_CMD_INVALIDATE] = "INVALIDATE",
	[TWIN_CMD_NEW_CURRENT_UUID] = "NEW_CURRENT_UUID",
	[TWIN_CMD_RESUME_IO] = "RESUME_IO",
	[TWIN_CMD_FAIL_IO] = "FAIL_IO",
};

const char *twin_cmd_name(uint8_t cmd)
{
	if (cmd < sizeof(twin_nl_cmd_names) / sizeof(twin_nl_cmd_names[0]) &&
	    twin_nl_cmd_names[cmd])
		return twin_nl_cmd_names[cmd];
	return "UNKNOWN";
}

/* libnl errors as errno values, for one error convention. */
static int twin_nl_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_AGAIN:
		return -ETIMEDOUT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_TRUNC:
	case NLE_PARSE_ERR:
		return -EPROTO;
	default:
		return -EIO;
	}
}

static struct nl_sock *twin_nl_socket(char msg[NL_MSG_MAX])
{
	struct timeval tv = { .tv_sec = NL_RECV_TIMEOUT_S };
	struct nl_sock *sk;
	int one = 1, ret;

	sk = nl_socket_alloc();
	if (!sk) {
		snprintf(msg, NL_MSG_MAX, "out of memory");
		return NULL;
	}
	ret = genl_connect(sk);
	if (ret < 0) {
		snprintf(msg, NL_MSG_MAX, "cannot open a netlink socket: %s",
			 nl_geterror(ret));
		nl_socket_free(sk);
		return NULL;
	}
	/* failures of these only cost the detail of an error message */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	return sk;
}

int twin_nl_open(struct twin_nl **out, char msg[NL_MSG_MAX])
{
	struct twin_nl *nl;

	msg[0] = '\0';
	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		snprintf(msg, NL_MSG_MAX, "out of memory");
		return -ENOMEM;
	}
	nl->sk = twin_nl_socket(msg);
	if (!nl->sk) {
		free(nl);
		return -EIO;
	}
	nl->family = genl_ctrl_resolve(nl->sk, TWIN_GENL_NAME);
	if (nl->family < 0) {
		int err = twin_nl_errno(nl->family);

		snprintf(msg, NL_MSG_MAX, "%s",
			 err == -ENOENT ? "family twin not found" :
			 nl_geterror(nl->family));
		twin_nl_close(nl);
		return err;
	}
	*out = nl;
	return 0;
}

void twin_nl_close(struct twin_nl *nl)
{
	if (!nl)
		return;
	if (nl->ev)
		nl_socket_free(nl->ev);
	nl_socket_free(nl->sk);
	free(nl);
}

/* The kernel's extended ack message, if it sent one. */
void twin_nl_extack(const struct nlmsgerr *e, char *msg)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)
				     ((const char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t ack_len = sizeof(*e);

	if (!msg || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nlh->nlmsg_len <= NLMSG_HDRLEN + ack_len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)e + ack_len),
		      (int)(nlh->nlmsg_len - NLMSG_HDRLEN - ack_len), NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(msg, tb[NLMSGERR_ATTR_MSG], NL_MSG_MAX);
}

static int twin_nl_on_error(struct sockaddr_nl *who, struct nlmsgerr *e,
			    void *arg)
{
	struct twin_nl *nl = arg;

	(void)who;
	nl->err = e->error;
	twin_nl_extack(e, nl->msg);
	nl->done = true;
	return NL_STOP;
}

static int twin_nl_on_done(struct nl_msg *m, void *arg)
{
	struct twin_nl *nl = arg;

	(void)m;
	nl->done = true;
	return NL_STOP;
}

static void twin_nl_copy_addr(struct nlattr *a, struct sockaddr_storage *ss)
{
	size_t len = (size_t)nla_len(a);

	memset(ss, 0, sizeof(*ss));
	if (len > sizeof(*ss))
		len = sizeof(*ss);
	memcpy(ss, nla_data(a), len);
	if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6)
		ss->ss_family = AF_UNSPEC;
}

#define U32(a)	((a) ? nla_get_u32(a) : 0)
#define U64(a)	((a) ? nla_get_u64(a) : 0)

/* Resync, activity log, split brain and verify attributes. */
static void twin_nl_parse_part2(struct nlattr **tb, struct twin_status *st)
{
	if (tb[TWIN_ATTR_RESYNC_MAX_KIB] || tb[TWIN_ATTR_RESYNC_MIN_KIB])
		st->has |= ST_HAS_RESYNC_RATES;
	st->resync_max_kib = U32(tb[TWIN_ATTR_RESYNC_MAX_KIB]);
	st->resync_min_kib = U32(tb[TWIN_ATTR_RESYNC_MIN_KIB]);
	if (tb[TWIN_ATTR_AL_EXTENTS])
		st->has |= ST_HAS_AL;
	st->al_extents = U32(tb[TWIN_ATTR_AL_EXTENTS]);
	st->al_extent_kib = U32(tb[TWIN_ATTR_AL_EXTENT_KIB]);
	if (tb[TWIN_ATTR_AFTER_SB_0PRI] || tb[TWIN_ATTR_AFTER_SB_1PRI])
		st->has |= ST_HAS_AFTER_SB;
	st->after_sb_0pri = U32(tb[TWIN_ATTR_AFTER_SB_0PRI]);
	st->after_sb_1pri = U32(tb[TWIN_ATTR_AFTER_SB_1PRI]);
	if (tb[TWIN_ATTR_STAT_RESYNCED])
		st->has |= ST_HAS_RESYNCED;
	st->resynced = U64(tb[TWIN_ATTR_STAT_RESYNCED]);
	st->verify_total = U64(tb[TWIN_ATTR_VERIFY_TOTAL]);
	st->verify_remaining = U64(tb[TWIN_ATTR_VERIFY_REMAINING]);
	if (tb[TWIN_ATTR_VERIFY_OOS])
		st->has |= ST_HAS_VERIFY_OOS;
	st->verify_oos = U64(tb[TWIN_ATTR_VERIFY_OOS]);
	st->verify_ran = tb[TWIN_ATTR_VERIFY_OOS] != NULL;
}

/* Fill ST from a GET_STATUS or EVENT message; -EINVAL if malformed. */
int twin_nl_parse_status(struct nl_msg *m, struct twin_status *st)
{
	struct nlattr *tb[TWIN_ATTR_MAX + 1];

	memset(st, 0, sizeof(*st));
	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, TWIN_ATTR_MAX,
			  twin_nl_policy) || !tb[TWIN_ATTR_RES_NAME])
		return -EINVAL;
	nla_strlcpy(st->name, tb[TWIN_ATTR_RES_NAME], sizeof(st->name));
	if (tb[TWIN_ATTR_MINOR])
		st->has |= ST_HAS_MINOR;
	st->minor = U32(tb[TWIN_ATTR_MINOR]);
	if (tb[TWIN_ATTR_DISK_PATH]) {
		st->has |= ST_HAS_DISK_PATH;
		nla_strlcpy(st->disk_path, tb[TWIN_ATTR_DISK_PATH],
			    sizeof(st->disk_path));
	}
	if (tb[TWIN_ATTR_META_TYPE])
		st->has |= ST_HAS_META;
	st->meta_type = U32(tb[TWIN_ATTR_META_TYPE]);
	if (tb[TWIN_ATTR_META_PATH])
		nla_strlcpy(st->meta_path, tb[TWIN_ATTR_META_PATH],
			    sizeof(st->meta_path));
	st->meta_index = U32(tb[TWIN_ATTR_META_INDEX]);
	if (tb[TWIN_ATTR_LOCAL_ADDR]) {
		st->has |= ST_HAS_LOCAL_ADDR;
		twin_nl_copy_addr(tb[TWIN_ATTR_LOCAL_ADDR], &st->local_addr);
	}
	if (tb[TWIN_ATTR_PEER_ADDR]) {
		st->has |= ST_HAS_PEER_ADDR;
		twin_nl_copy_addr(tb[TWIN_ATTR_PEER_ADDR], &st->peer_addr);
	}
	if (tb[TWIN_ATTR_PROTOCOL])
		st->has |= ST_HAS_PROTOCOL;
	st->protocol = U32(tb[TWIN_ATTR_PROTOCOL]);
	if (tb[TWIN_ATTR_PING_INT_MS])
		st->has |= ST_HAS_PING_INT;
	st->ping_int_ms = U32(tb[TWIN_ATTR_PING_INT_MS]);
	if (tb[TWIN_ATTR_PING_TIMEO_MS])
		st->has |= ST_HAS_PING_TIMEO;
	st->ping_timeo_ms = U32(tb[TWIN_ATTR_PING_TIMEO_MS]);
	if (tb[TWIN_ATTR_CONNECT_INT_MS])
		st->has |= ST_HAS_CONNECT_INT;
	st->connect_int_ms = U32(tb[TWIN_ATTR_CONNECT_INT_MS]);
	if (tb[TWIN_ATTR_FENCING])
		st->has |= ST_HAS_FENCING;
	st->fencing = U32(tb[TWIN_ATTR_FENCING]);
	st->suspended = U32(tb[TWIN_ATTR_SUSPENDED]);
	st->role = U32(tb[TWIN_ATTR_ROLE]);
	st->disk = U32(tb[TWIN_ATTR_DISK_STATE]);
	st->peer_role = U32(tb[TWIN_ATTR_PEER_ROLE]);
	st->peer_disk = tb[TWIN_ATTR_PEER_DISK_STATE] ?
			U32(tb[TWIN_ATTR_PEER_DISK_STATE]) : TWIN_DISK_DUNKNOWN;
	st->conn = U32(tb[TWIN_ATTR_CONN_STATE]);
	st->size_sectors = U64(tb[TWIN_ATTR_SIZE_SECTORS]);
	st->sync_total = U64(tb[TWIN_ATTR_SYNC_TOTAL]);
	st->sync_remaining = U64(tb[TWIN_ATTR_SYNC_REMAINING]);
	st->sync_rate_kib = U32(tb[TWIN_ATTR_SYNC_RATE_KIB]);
	st->open_count = U32(tb[TWIN_ATTR_OPEN_COUNT]);
	if (tb[TWIN_ATTR_UUID_CURRENT])
		st->has |= ST_HAS_UUIDS;
	st->uuid[0] = U64(tb[TWIN_ATTR_UUID_CURRENT]);
	st->uuid[1] = U64(tb[TWIN_ATTR_UUID_BITMAP]);
	st->uuid[2] = U64(tb[TWIN_ATTR_UUID_HISTORY0]);
	st->uuid[3] = U64(tb[TWIN_ATTR_UUID_HISTORY1]);
	st->net_sent = U64(tb[TWIN_ATTR_STAT_NET_SENT]);
	st->net_recv = U64(tb[TWIN_ATTR_STAT_NET_RECV]);
	st->disk_write = U64(tb[TWIN_ATTR_STAT_DISK_WRITE]);
	st->disk_read = U64(tb[TWIN_ATTR_STAT_DISK_READ]);
	st->local_pending = U32(tb[TWIN_ATTR_STAT_LOCAL_PENDING]);
	st->peer_pending = U32(tb[TWIN_ATTR_STAT_PEER_PENDING]);
	st->app_pending = U32(tb[TWIN_ATTR_STAT_APP_PENDING]);
	st->out_of_sync = U64(tb[TWIN_ATTR_STAT_OUT_OF_SYNC]);
	if (tb[TWIN_ATTR_EVENT])
		st->has |= ST_HAS_EVENT;
	st->event = U32(tb[TWIN_ATTR_EVENT]);
	if (tb[TWIN_ATTR_LAST_ERROR])
		nla_strlcpy(st->last_error, tb[TWIN_ATTR_LAST_ERROR],
			    sizeof(st->last_error));
	st->genl_version = U32(tb[TWIN_ATTR_GENL_VERSION]);
	twin_nl_parse_part2(tb, st);
	return 0;
}

static int twin_nl_on_status(struct nl_msg *m, void *arg)
{
	struct twin_nl *nl = arg;
	struct twin_status st;

	/*
	 * Once the caller has seen enough, the rest of a dump is still read
	 * (and skipped), so that no part of it is left on the socket to be
	 * mistaken for the answer to the next request.
	 */
	if (nl->fn_ret)
		return NL_SKIP;
	if (twin_nl_parse_status(m, &st))
		return NL_SKIP;		/* a malformed message is ignored */
	nl->fn_ret = nl->fn(&st, nl->arg);
	return NL_OK;
}

static long twin_nl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Receive until the ack, the end of the dump, or an error. */
static int twin_nl_exchange(struct twin_nl *nl, struct nl_msg *m,
			    char msg[NL_MSG_MAX])
{
	struct nl_cb *cb;
	long deadline;
	int ret;

	nl->done = false;
	nl->err = 0;
	nl->msg = msg;
	nl->fn_ret = 0;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		snprintf(msg, NL_MSG_MAX, "out of memory");
		return -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, twin_nl_on_error, nl);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, twin_nl_on_done, nl);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, twin_nl_on_done, nl);
	if (nl->fn)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, twin_nl_on_status,
			  nl);
	deadline = twin_nl_now_ms() + NL_REPLY_TIMEOUT_S * 1000L;
	ret = nl_send_auto(nl->sk, m);
	while (ret >= 0 && !nl->done) {
		if (twin_nl_now_ms() > deadline) {
			ret = -NLE_AGAIN;
			break;
		}
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret == -NLE_AGAIN)
			ret = 0;	/* SO_RCVTIMEO passed: check the time */
	}
	nl_cb_put(cb);
	if (nl->err)
		return nl->err;
	if (ret < 0 && !nl->done) {
		if (!msg[0])
			snprintf(msg, NL_MSG_MAX, "%s",
				 ret == -NLE_AGAIN ?
				 "no answer from the twin module" :
				 nl_geterror(ret));
		return twin_nl_errno(ret);
	}
	return 0;
}

static struct nl_msg *twin_nl_msg(struct twin_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	if (m && !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			      flags, cmd, TWIN_GENL_VERSION)) {
		nlmsg_free(m);
		m = NULL;
	}
	return m;
}

int twin_nl_put_req(struct nl_msg *m, const struct twin_req *r)
{
	if (r->res)
		NLA_PUT_STRING(m, TWIN_ATTR_RES_NAME, r->res);
	if (r->has_minor)
		NLA_PUT_U32(m, TWIN_ATTR_MINOR, r->minor);
	if (r->disk_path)
		NLA_PUT_STRING(m, TWIN_ATTR_DISK_PATH, r->disk_path);
	if (r->has_meta) {
		NLA_PUT_U32(m, TWIN_ATTR_META_TYPE, r->meta_type);
		if (r->meta_path)
			NLA_PUT_STRING(m, TWIN_ATTR_META_PATH, r->meta_path);
		NLA_PUT_U32(m, TWIN_ATTR_META_INDEX, r->meta_index);
	}
	if (r->local_addr)
		NLA_PUT(m, TWIN_ATTR_LOCAL_ADDR, (int)r->local_len,
			r->local_addr);
	if (r->peer_addr)
		NLA_PUT(m, TWIN_ATTR_PEER_ADDR, (int)r->peer_len,
			r->peer_addr);
	if (r->protocol)
		NLA_PUT_U32(m, TWIN_ATTR_PROTOCOL, r->protocol);
	if (r->secret)
		NLA_PUT(m, TWIN_ATTR_SHARED_SECRET, (int)strlen(r->secret),
			r->secret);
	if (r->ping_int_ms)
		NLA_PUT_U32(m, TWIN_ATTR_PING_INT_MS, r->ping_int_ms);
	if (r->ping_timeo_ms)
		NLA_PUT_U32(m, TWIN_ATTR_PING_TIMEO_MS, r->ping_timeo_ms);
	if (r->connect_int_ms)
		NLA_PUT_U32(m, TWIN_ATTR_CONNECT_INT_MS, r->connect_int_ms);
	if (r->has_fencing)
		NLA_PUT_U32(m, TWIN_ATTR_FENCING, r->fencing);
	if (r->has_resync_max)
		NLA_PUT_U32(m, TWIN_ATTR_RESYNC_MAX_KIB, r->resync_max_kib);
	if (r->has_resync_min)
		NLA_PUT_U32(m, TWIN_ATTR_RESYNC_MIN_KIB, r->resync_min_kib);
	if (r->has_al_extents)
		NLA_PUT_U32(m, TWIN_ATTR_AL_EXTENTS, r->al_extents);
	if (r->has_after_sb_0pri)
		NLA_PUT_U32(m, TWIN_ATTR_AFTER_SB_0PRI, r->after_sb_0pri);
	if (r->has_after_sb_1pri)
		NLA_PUT_U32(m, TWIN_ATTR_AFTER_SB_1PRI, r->after_sb_1pri);
	if (r->force)
		NLA_PUT_FLAG(m, TWIN_ATTR_FORCE);
	if (r->clear_bitmap)
		NLA_PUT_FLAG(m, TWIN_ATTR_CLEAR_BITMAP);
	if (r->discard_my_data)
		NLA_PUT_FLAG(m, TWIN_ATTR_DISCARD_MY_DATA);
	return 0;
nla_put_failure:
	return -EMSGSIZE;
}

int twin_nl_request(struct twin_nl *nl, const struct twin_req *req,
		    char msg[NL_MSG_MAX])
{
	struct nl_msg *m;
	int ret;

	msg[0] = '\0';
	m = twin_nl_msg(nl, req->cmd, 0);
	if (!m || twin_nl_put_req(m, req)) {
		nlmsg_free(m);
		snprintf(msg, NL_MSG_MAX, "cannot build the request");
		return -ENOMEM;
	}
	nl->fn = NULL;
	ret = twin_nl_exchange(nl, m, msg);
	nlmsg_free(m);
	return ret;
}

int twin_nl_status(struct twin_nl *nl, const char *res, twin_status_fn fn,
		   void *arg, char msg[NL_MSG_MAX])
{
	struct nl_msg *m;
	int ret;

	msg[0] = '\0';
	m = twin_nl_msg(nl, TWIN_CMD_GET_STATUS, NLM_F_DUMP);
	if (!m || (res && nla_put_string(m, TWIN_ATTR_RES_NAME, res))) {
		nlmsg_free(m);
		snprintf(msg, NL_MSG_MAX, "cannot build the request");
		return -ENOMEM;
	}
	nl->fn = fn;
	nl->arg = arg;
	ret = twin_nl_exchange(nl, m, msg);
	nl->fn = NULL;
	nlmsg_free(m);
	return ret;
}

int twin_nl_subscribe(struct twin_nl *nl, char msg[NL_MSG_MAX])
{
	int grp, ret;

	msg[0] = '\0';
	nl->ev = twin_nl_socket(msg);
	if (!nl->ev)
		return -EIO;
	nl_socket_disable_seq_check(nl->ev);
	grp = genl_ctrl_resolve_grp(nl->ev, TWIN_GENL_NAME,
				    TWIN_GENL_MCAST_EVENTS);
	if (grp < 0) {
		snprintf(msg, NL_MSG_MAX, "no events group: %s",
			 nl_geterror(grp));
		return twin_nl_errno(grp);
	}
	ret = nl_socket_add_membership(nl->ev, grp);
	if (ret < 0) {
		snprintf(msg, NL_MSG_MAX, "cannot join the events group: %s",
			 nl_geterror(ret));
		return twin_nl_errno(ret);
	}
	nl_socket_set_nonblocking(nl->ev);
	return 0;
}

static int twin_nl_no_seq_check(struct nl_msg *m, void *arg)
{
	(void)m;
	(void)arg;
	return NL_OK;
}

int twin_nl_wait_events(struct twin_nl *nl, int timeout_ms, twin_status_fn fn,
			void *arg)
{
	long deadline = twin_nl_now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->ev),
			      .events = POLLIN };
	struct nl_cb *cb;
	int ret = 0, wait;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl->fn = fn;
	nl->arg = arg;
	nl->fn_ret = 0;
	/* multicast messages carry no sequence numbers of ours */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, twin_nl_no_seq_check,
		  NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, twin_nl_on_status, nl);
	while (!nl->fn_ret) {
		wait = -1;
		if (timeout_ms >= 0) {
			wait = (int)(deadline - twin_nl_now_ms());
			if (wait <= 0)
				break;
		}
		ret = poll(&pfd, 1, wait);
		if (ret < 0 && errno == EINTR) {
			ret = -EINTR;
			break;
		}
		if (ret <= 0)
			continue;
		ret = nl_recvmsgs(nl->ev, cb);
		if (ret == -NLE_NOMEM) {
			ret = -ENOBUFS;	/* overrun: events were lost */
			break;
		}
		if (ret < 0 && ret != -NLE_AGAIN) {
			ret = twin_nl_errno(ret);
			break;
		}
		ret = 0;
	}
	nl_cb_put(cb);
	nl->fn = NULL;
	if (nl->fn_ret)
		return nl->fn_ret;
	return ret < 0 ? ret : 0;
}

void twin_req_describe(const struct twin_req *r, FILE *out)
{
	char addr[64];

	fprintf(out, "%s", twin_cmd_name(r->cmd));
	if (r->res)
		fprintf(out, " %s", r->res);
	if (r->has_minor)
		fprintf(out, " minor:%u", r->minor);
	if (r->disk_path)
		fprintf(out, " disk:%s", r->disk_path);
	if (r->has_meta) {
		if (r->meta_type == TWIN_META_INTERNAL)
			fputs(" meta-disk:internal", out);
		else
			fprintf(out, " meta-disk:%s[%u]", r->meta_path,
				r->meta_index);
	}
	if (r->local_addr) {
		status_addr_str(r->local_addr, addr, sizeof(addr));
		fprintf(out, " local:%s", addr);
	}
	if (r->peer_addr) {
		status_addr_str(r->peer_addr, addr, sizeof(addr));
		fprintf(out, " peer:%s", addr);
	}
	if (r->protocol)
		fprintf(out, " protocol:%c", status_protocol_char(r->protocol));
	if (r->secret)
		fputs(" shared-secret:(hidden)", out);
	if (r->ping_int_ms)
		fprintf(out, " ping-int:%ums", r->ping_int_ms);
	if (r->ping_timeo_ms)
		fprintf(out, " ping-timeout:%ums", r->ping_timeo_ms);
	if (r->connect_int_ms)
		fprintf(out, " connect-int:%ums", r->connect_int_ms);
	if (r->has_fencing)
		fprintf(out, " fencing:%s", status_fencing_name(r->fencing));
	if (r->has_resync_max)
		fprintf(out, " c-max-rate:%uK", r->resync_max_kib);
	if (r->has_resync_min)
		fprintf(out, " c-min-rate:%uK", r->resync_min_kib);
	if (r->has_al_extents)
		fprintf(out, " al-extents:%u", r->al_extents);
	if (r->has_after_sb_0pri)
		fprintf(out, " after-sb-0pri:%s",
			status_after_sb_name(r->after_sb_0pri));
	if (r->has_after_sb_1pri)
		fprintf(out, " after-sb-1pri:%s",
			status_after_sb_name(r->after_sb_1pri));
	if (r->force)
		fputs(" force", out);
	if (r->clear_bitmap)
		fputs(" clear-bitmap", out);
	if (r->discard_my_data)
		fputs(" discard-my-data", out);
	fputc('\n', out);
}
