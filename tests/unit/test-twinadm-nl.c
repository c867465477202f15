// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of twinadm's netlink codec (tools/twinadm/nl.c) and of its
 * kernel error messages (errors.c), without the twin module: requests are
 * encoded and decoded with libnl, status messages are built by hand as the
 * kernel would send them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <string.h>

#include "cu_run.h"
#include "../../tools/twinadm/twinadm.h"

#define FAKE_FAMILY	0x42

static struct nl_msg *new_msg(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(genlmsg_put(m, NL_AUTO_PORT,
						 NL_AUTO_SEQ, FAKE_FAMILY, 0,
						 0, cmd, TWIN_GENL_VERSION));
	return m;
}

static void test_connect_request(void)
{
	struct sockaddr_storage local = { 0 }, peer = { 0 };
	struct sockaddr_in *l4 = (struct sockaddr_in *)&local;
	struct sockaddr_in *p4 = (struct sockaddr_in *)&peer;
	struct nlattr *tb[TWIN_ATTR_MAX + 1];
	struct twin_req req = {
		.cmd = TWIN_CMD_CONNECT,
		.res = "r0",
		.local_addr = &local,
		.local_len = sizeof(*l4),
		.peer_addr = &peer,
		.peer_len = sizeof(*p4),
		.protocol = TWIN_PROT_A,
		.secret = "s3cret",
		.ping_int_ms = 500,
		.ping_timeo_ms = 2000,
		.discard_my_data = true,
		.has_after_sb_0pri = true,
		.after_sb_0pri = TWIN_AFTER_SB_DISCARD_ZERO_CHANGES,
	};
	struct nl_msg *m = new_msg(req.cmd);
	struct sockaddr_in got;

	l4->sin_family = AF_INET;
	l4->sin_port = htons(7790);
	l4->sin_addr.s_addr = inet_addr("10.0.0.1");
	*p4 = *l4;
	p4->sin_addr.s_addr = inet_addr("10.0.0.2");
	CU_ASSERT_EQUAL_FATAL(twin_nl_put_req(m, &req), 0);
	CU_ASSERT_EQUAL_FATAL(genlmsg_parse(nlmsg_hdr(m), 0, tb, TWIN_ATTR_MAX,
					    NULL), 0);
	CU_ASSERT_STRING_EQUAL(nla_get_string(tb[TWIN_ATTR_RES_NAME]), "r0");
	CU_ASSERT_EQUAL(nla_len(tb[TWIN_ATTR_LOCAL_ADDR]), sizeof(got));
	memcpy(&got, nla_data(tb[TWIN_ATTR_PEER_ADDR]), sizeof(got));
	CU_ASSERT_EQUAL(got.sin_addr.s_addr, inet_addr("10.0.0.2"));
	CU_ASSERT_EQUAL(ntohs(got.sin_port), 7790);
	CU_ASSERT_EQUAL(nla_get_u32(tb[TWIN_ATTR_PROTOCOL]), TWIN_PROT_A);
	/* the secret goes as bytes, without a NUL */
	CU_ASSERT_EQUAL(nla_len(tb[TWIN_ATTR_SHARED_SECRET]), 6);
	CU_ASSERT_EQUAL(memcmp(nla_data(tb[TWIN_ATTR_SHARED_SECRET]),
			       "s3cret", 6), 0);
	CU_ASSERT_EQUAL(nla_get_u32(tb[TWIN_ATTR_PING_INT_MS]), 500);
	CU_ASSERT_EQUAL(nla_get_u32(tb[TWIN_ATTR_PING_TIMEO_MS]), 2000);
	/* unset values are left to the module's defaults */
	CU_ASSERT_PTR_NULL(tb[TWIN_ATTR_CONNECT_INT_MS]);
	CU_ASSERT_PTR_NOT_NULL(tb[TWIN_ATTR_DISCARD_MY_DATA]);
	CU_ASSERT_PTR_NULL(tb[TWIN_ATTR_FORCE]);
	CU_ASSERT_PTR_NULL(tb[TWIN_ATTR_MINOR]);
	CU_ASSERT_PTR_NULL(tb[TWIN_ATTR_DISK_PATH]);
	CU_ASSERT_EQUAL(nla_get_u32(tb[TWIN_ATTR_AFTER_SB_0PRI]),
			TWIN_AFTER_SB_DISCARD_ZERO_CHANGES);
	CU_ASSERT_PTR_NULL(tb[TWIN_ATTR_AFTER_SB_1PRI]);
	CU_ASSERT_PTR_NULL(tb[TWIN_ATTR_RESYNC_MAX_KIB]);
	nlmsg_free(m);
}

static void test_attach_request(void)
{
	struct nlattr *tb[TWIN_ATTR_MAX + 1];
	struct twin_req req = {
		.cmd = TWIN_CMD_ATTACH,
		.res = "r1",
		.disk_path = "/dev/vdb",
		.has_meta = true,
		.meta_type = TWIN_META_EXTERNAL,
		.meta_path = "/dev/vdc",
		.meta_index = 3,
		.has_resync_max = true,
		.resync_max_kib = 0,		/* "no cap" is sent too */
		.has_resync_min = true,
		.resync_min_kib = 4096,
		.has_al_extents = true,
		.al_extents = 64,
	};
	struct nl_msg *m = new_msg(req.cmd);

	CU_ASSERT_EQUAL_FATAL(twin_nl_put_req(m, &req), 0);
	CU_ASSERT_EQUAL(genlmsg_hdr(nlmsg_hdr(m))->cmd, TWIN_CMD_ATTACH);
	CU_ASSERT_EQUAL_FATAL(genlmsg_parse(nlmsg_hdr(m), 0, tb, TWIN_ATTR_MAX,
					    NULL), 0);
	CU_ASSERT_STRING_EQUAL(nla_get_string(tb[TWIN_ATTR_DISK_PATH]),
			       "/dev/vdb");
	CU_ASSERT_EQUAL(nla_get_u32(tb[TWIN_ATTR_META_TYPE]),
			TWIN_META_EXTERNAL);
	CU_ASSERT_STRING_EQUAL(nla_get_string(tb[TWIN_ATTR_META_PATH]),
			       "/dev/vdc");
	CU_ASSERT_EQUAL(nla_get_u32(tb[TWIN_ATTR_META_INDEX]), 3);
	CU_ASSERT_PTR_NULL(tb[TWIN_ATTR_PEER_ADDR]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tb[TWIN_ATTR_RESYNC_MAX_KIB]);
	CU_ASSERT_EQUAL(nla_get_u32(tb[TWIN_ATTR_RESYNC_MAX_KIB]), 0);
	CU_ASSERT_EQUAL(nla_get_u32(tb[TWIN_ATTR_RESYNC_MIN_KIB]), 4096);
	CU_ASSERT_EQUAL(nla_get_u32(tb[TWIN_ATTR_AL_EXTENTS]), 64);
	CU_ASSERT_PTR_NULL(tb[TWIN_ATTR_AFTER_SB_0PRI]);
	nlmsg_free(m);
}

static void test_describe(void)
{
	struct twin_req req = {
		.cmd = TWIN_CMD_PRIMARY, .res = "r0", .force = true,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	twin_req_describe(&req, f);
	req = (struct twin_req){ .cmd = TWIN_CMD_NEW_RESOURCE, .res = "r2",
				 .has_minor = true, .minor = 7 };
	twin_req_describe(&req, f);
	req = (struct twin_req){ .cmd = TWIN_CMD_CONNECT, .res = "r2",
				 .secret = "hidden",
				 .has_after_sb_1pri = true,
				 .after_sb_1pri =
					TWIN_AFTER_SB_DISCARD_SECONDARY };
	twin_req_describe(&req, f);
	req = (struct twin_req){ .cmd = TWIN_CMD_ATTACH, .res = "r2",
				 .has_resync_max = true,
				 .resync_max_kib = 102400,
				 .has_al_extents = true, .al_extents = 7 };
	twin_req_describe(&req, f);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "PRIMARY r0 force\n"
				    "NEW_RESOURCE r2 minor:7\n"
				    "CONNECT r2 shared-secret:(hidden) after-sb-1pri:discard-secondary\n"
				    "ATTACH r2 c-max-rate:102400K al-extents:7\n");
	free(buf);
	CU_ASSERT_STRING_EQUAL(twin_cmd_name(TWIN_CMD_VERIFY), "VERIFY");
	CU_ASSERT_STRING_EQUAL(twin_cmd_name(200), "UNKNOWN");
}

/* A GET_STATUS answer as the module sends it. */
static struct nl_msg *status_msg(void)
{
	struct nl_msg *m = new_msg(TWIN_CMD_GET_STATUS);
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(7791) };

	inet_pton(AF_INET6, "fd00::2", &s6.sin6_addr);
	nla_put_string(m, TWIN_ATTR_RES_NAME, "r0");
	nla_put_u32(m, TWIN_ATTR_MINOR, 2);
	nla_put_string(m, TWIN_ATTR_DISK_PATH, "/dev/vdb");
	nla_put_u32(m, TWIN_ATTR_META_TYPE, TWIN_META_INTERNAL);
	nla_put(m, TWIN_ATTR_PEER_ADDR, sizeof(s6), &s6);
	nla_put_u32(m, TWIN_ATTR_PROTOCOL, TWIN_PROT_C);
	nla_put_u32(m, TWIN_ATTR_ROLE, TWIN_ROLE_PRIMARY);
	nla_put_u32(m, TWIN_ATTR_DISK_STATE, TWIN_DISK_UPTODATE);
	nla_put_u32(m, TWIN_ATTR_PEER_ROLE, TWIN_ROLE_SECONDARY);
	nla_put_u32(m, TWIN_ATTR_PEER_DISK_STATE, TWIN_DISK_INCONSISTENT);
	nla_put_u32(m, TWIN_ATTR_CONN_STATE, TWIN_CONN_SYNC_SOURCE);
	nla_put_u64(m, TWIN_ATTR_SIZE_SECTORS, 1 << 21);
	nla_put_u64(m, TWIN_ATTR_SYNC_TOTAL, 1000);
	nla_put_u64(m, TWIN_ATTR_SYNC_REMAINING, 250);
	nla_put_u32(m, TWIN_ATTR_SYNC_RATE_KIB, 4096);
	nla_put_u64(m, TWIN_ATTR_UUID_CURRENT, 0x1234);
	nla_put_u64(m, TWIN_ATTR_STAT_OUT_OF_SYNC, 8);
	nla_put_u32(m, TWIN_ATTR_EVENT, TWIN_EVENT_SYNC_PROGRESS);
	nla_put_string(m, TWIN_ATTR_LAST_ERROR, "authentication failed");
	nla_put_u32(m, TWIN_ATTR_RESYNC_MAX_KIB, 102400);
	nla_put_u32(m, TWIN_ATTR_RESYNC_MIN_KIB, 4096);
	nla_put_u32(m, TWIN_ATTR_AL_EXTENTS, 64);
	nla_put_u32(m, TWIN_ATTR_AL_EXTENT_KIB, 4096);
	nla_put_u32(m, TWIN_ATTR_AFTER_SB_1PRI,
		    TWIN_AFTER_SB_DISCARD_SECONDARY);
	nla_put_u64(m, TWIN_ATTR_STAT_RESYNCED, 1ULL << 33);
	nla_put_u64(m, TWIN_ATTR_VERIFY_TOTAL, 800);
	nla_put_u64(m, TWIN_ATTR_VERIFY_REMAINING, 600);
	nla_put_u64(m, TWIN_ATTR_VERIFY_OOS, 3);
	return m;
}

static void test_parse_status(void)
{
	const struct sockaddr_in6 *s6;
	struct twin_status st;
	struct nl_msg *m = status_msg();

	CU_ASSERT_EQUAL_FATAL(twin_nl_parse_status(m, &st), 0);
	CU_ASSERT_STRING_EQUAL(st.name, "r0");
	CU_ASSERT_TRUE(st.has & ST_HAS_MINOR);
	CU_ASSERT_EQUAL(st.minor, 2);
	CU_ASSERT_STRING_EQUAL(st.disk_path, "/dev/vdb");
	CU_ASSERT_TRUE(st.has & ST_HAS_META);
	CU_ASSERT_FALSE(st.has & ST_HAS_LOCAL_ADDR);
	CU_ASSERT_TRUE(st.has & ST_HAS_PEER_ADDR);
	s6 = (const struct sockaddr_in6 *)&st.peer_addr;
	CU_ASSERT_EQUAL(s6->sin6_family, AF_INET6);
	CU_ASSERT_EQUAL(ntohs(s6->sin6_port), 7791);
	CU_ASSERT_EQUAL(st.role, TWIN_ROLE_PRIMARY);
	CU_ASSERT_EQUAL(st.disk, TWIN_DISK_UPTODATE);
	CU_ASSERT_EQUAL(st.peer_role, TWIN_ROLE_SECONDARY);
	CU_ASSERT_EQUAL(st.peer_disk, TWIN_DISK_INCONSISTENT);
	CU_ASSERT_EQUAL(st.conn, TWIN_CONN_SYNC_SOURCE);
	CU_ASSERT_EQUAL(st.size_sectors, 1 << 21);
	CU_ASSERT_EQUAL(st.sync_total, 1000);
	CU_ASSERT_EQUAL(st.sync_remaining, 250);
	CU_ASSERT_EQUAL(st.sync_rate_kib, 4096);
	CU_ASSERT_EQUAL(st.uuid[0], 0x1234);
	CU_ASSERT_EQUAL(st.out_of_sync, 8);
	CU_ASSERT_EQUAL(st.event, TWIN_EVENT_SYNC_PROGRESS);
	CU_ASSERT_STRING_EQUAL(st.last_error, "authentication failed");
	CU_ASSERT_DOUBLE_EQUAL(status_sync_done(&st), 75.0, 0.001);
	/* part 2 */
	CU_ASSERT_TRUE(st.has & ST_HAS_RESYNC_RATES);
	CU_ASSERT_EQUAL(st.resync_max_kib, 102400);
	CU_ASSERT_EQUAL(st.resync_min_kib, 4096);
	CU_ASSERT_TRUE(st.has & ST_HAS_AL);
	CU_ASSERT_EQUAL(st.al_extents, 64);
	CU_ASSERT_EQUAL(st.al_extent_kib, 4096);
	CU_ASSERT_TRUE(st.has & ST_HAS_AFTER_SB);
	CU_ASSERT_EQUAL(st.after_sb_0pri, TWIN_AFTER_SB_DISCONNECT);
	CU_ASSERT_EQUAL(st.after_sb_1pri, TWIN_AFTER_SB_DISCARD_SECONDARY);
	CU_ASSERT_TRUE(st.has & ST_HAS_RESYNCED);
	CU_ASSERT_EQUAL(st.resynced, 1ULL << 33);
	CU_ASSERT_EQUAL(st.verify_total, 800);
	CU_ASSERT_EQUAL(st.verify_remaining, 600);
	CU_ASSERT_TRUE(st.has & ST_HAS_VERIFY_OOS);
	CU_ASSERT_EQUAL(st.verify_oos, 3);
	nlmsg_free(m);
}

static void test_parse_rejects(void)
{
	char name[TWIN_RES_NAME_MAX + 10];
	struct twin_status st;
	struct nl_msg *m;

	/* no resource name */
	m = new_msg(TWIN_CMD_GET_STATUS);
	nla_put_u32(m, TWIN_ATTR_ROLE, TWIN_ROLE_PRIMARY);
	CU_ASSERT_EQUAL(twin_nl_parse_status(m, &st), -EINVAL);
	nlmsg_free(m);

	/* a u32 attribute that is too short */
	m = new_msg(TWIN_CMD_GET_STATUS);
	nla_put_string(m, TWIN_ATTR_RES_NAME, "r0");
	nla_put_u16(m, TWIN_ATTR_ROLE, 1);
	CU_ASSERT_EQUAL(twin_nl_parse_status(m, &st), -EINVAL);
	nlmsg_free(m);

	/* a name longer than the kernel allows */
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	m = new_msg(TWIN_CMD_GET_STATUS);
	nla_put_string(m, TWIN_ATTR_RES_NAME, name);
	CU_ASSERT_EQUAL(twin_nl_parse_status(m, &st), -EINVAL);
	nlmsg_free(m);

	/* an absent peer disk state means "not known" */
	m = new_msg(TWIN_CMD_GET_STATUS);
	nla_put_string(m, TWIN_ATTR_RES_NAME, "r0");
	CU_ASSERT_EQUAL(twin_nl_parse_status(m, &st), 0);
	CU_ASSERT_EQUAL(st.peer_disk, TWIN_DISK_DUNKNOWN);
	CU_ASSERT_EQUAL(st.has, 0);
	nlmsg_free(m);
}

/* An NLMSG_ERROR with an extended ack message, as the kernel builds it. */
static void test_extack(void)
{
	union {
		char buf[256];
		struct nlmsghdr align;
	} u;
	struct nlmsghdr *nlh = &u.align;
	struct nlmsgerr *e;
	struct nlattr *a;
	const char text[] = "peer is Primary";
	char msg[NL_MSG_MAX] = "";

	memset(&u, 0, sizeof(u));
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS | NLM_F_CAPPED;
	e = NLMSG_DATA(nlh);
	e->error = -EBUSY;
	e->msg.nlmsg_len = 64;	/* the request, not echoed (capped) */
	a = (struct nlattr *)((char *)e + sizeof(*e));
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = NLA_HDRLEN + sizeof(text);
	memcpy((char *)a + NLA_HDRLEN, text, sizeof(text));
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(*e) + NLA_ALIGN(a->nla_len);
	twin_nl_extack(e, msg);
	CU_ASSERT_STRING_EQUAL(msg, "peer is Primary");

	/* no TLVs: the message is left alone */
	nlh->nlmsg_flags = 0;
	msg[0] = '\0';
	twin_nl_extack(e, msg);
	CU_ASSERT_STRING_EQUAL(msg, "");
}

static void test_error_texts(void)
{
	CU_ASSERT_EQUAL(strncmp(twinadm_errno_text(TWIN_CMD_PRIMARY, EBUSY),
				"peer is Primary", 15), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(twinadm_errno_text(TWIN_CMD_PRIMARY,
							 ENODATA),
				      "not UpToDate"));
	CU_ASSERT_PTR_NOT_NULL(strstr(twinadm_errno_text(TWIN_CMD_ATTACH,
							 EMEDIUMTYPE),
				      "create-md"));
	CU_ASSERT_PTR_NOT_NULL(strstr(twinadm_errno_text(TWIN_CMD_SECONDARY,
							 EBUSY),
				      "in use"));
	CU_ASSERT_PTR_NOT_NULL(strstr(twinadm_errno_text(TWIN_CMD_CONNECT,
							 EPERM),
				      "CAP_NET_ADMIN"));
	CU_ASSERT_STRING_EQUAL(twinadm_errno_text(TWIN_CMD_DETACH, EIO),
			       strerror(EIO));
	CU_ASSERT_STRING_EQUAL(twinadm_errno_text(TWIN_CMD_VERIFY, ENOTCONN),
			       "not connected to the peer");
	CU_ASSERT_PTR_NOT_NULL(strstr(twinadm_errno_text(TWIN_CMD_VERIFY,
							 EBUSY),
				      "resync or verify"));

	/* exit codes (the messages go to stderr) */
	CU_ASSERT_EQUAL(twinadm_kernel_error("r0", "verify", TWIN_CMD_VERIFY,
					     -EOPNOTSUPP, ""),
			EX_UNSUPPORTED);
	CU_ASSERT_EQUAL(twinadm_kernel_error("r0", "primary",
					     TWIN_CMD_PRIMARY, -EBUSY,
					     "peer is Primary"), EX_FAILED);
	CU_ASSERT_EQUAL(twinadm_kernel_error("r0", "detach", TWIN_CMD_DETACH,
					     -ENOENT, ""), EX_NOT_UP);
	CU_ASSERT_EQUAL(twinadm_kernel_error("r0", "attach", TWIN_CMD_ATTACH,
					     -ENOENT, ""), EX_FAILED);
}

void unit_register(void)
{
	static const CU_TestInfo tests[] = {
		{ "connect request", test_connect_request },
		{ "attach request", test_attach_request },
		{ "dry-run description", test_describe },
		{ "status message", test_parse_status },
		{ "malformed status messages", test_parse_rejects },
		{ "extended ack", test_extack },
		{ "kernel error messages", test_error_texts },
		CU_TEST_INFO_NULL,
	};

	unit_suite("twinadm-nl", tests);
}
