// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the heartbeat message (tools/twinhb/msg.c): round trip,
 * HMAC verification, malformed input and replay rejection.
 */
#include <string.h>

#include "cu_run.h"
#include "../../tools/twinhb/msg.h"

static const char key[] = "0123456789abcdef-secret";
#define NOW 1790000000000ull	/* some wall clock time in ms */

static void sample(struct hb_msg *m, uint64_t seq)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->node, "node1");
	memset(m->boot_id, 0xab, sizeof(m->boot_id));
	m->seq = seq;
	m->time_ms = NOW;
	m->fingerprint = 0xdeadbeef;
	m->flags = HB_NF_QUORUM;
	m->alive = 0x5;
	m->standby = 0x2;
	m->standby_ver = 7;
	m->nacks = 3;
	m->ack[0] = 0;
	m->ack[1] = 0x0102030405060708ull;
	m->ack[2] = 42;
	m->ngroups = 2;
	m->groups[0].state = HB_G_RUNNING;
	m->groups[0].flags = HB_GF_UPTODATE;
	m->groups[0].target = 0;
	m->groups[0].move_to = HB_NOBODY;
	m->groups[1].state = HB_G_STOPPED;
	m->groups[1].target = 1;
	m->groups[1].move_to = 1;
	m->groups[1].move_ver = 0x11223344;
}

static void test_round_trip(void)
{
	struct hb_msg in, out;
	uint8_t buf[HB_MSG_MAX];
	const char *why = NULL;
	int n;

	sample(&in, 5);
	n = msg_encode(&in, key, strlen(key), buf, sizeof(buf));
	CU_ASSERT_FATAL(n > HB_MAC_LEN);
	CU_ASSERT_EQUAL(msg_decode(buf, n, key, strlen(key), &out, &why), 0);
	CU_ASSERT_STRING_EQUAL(out.node, "node1");
	CU_ASSERT(!memcmp(out.boot_id, in.boot_id, HB_BOOT_ID_LEN));
	CU_ASSERT_EQUAL(out.seq, 5);
	CU_ASSERT_EQUAL(out.time_ms, NOW);
	CU_ASSERT_EQUAL(out.fingerprint, 0xdeadbeef);
	CU_ASSERT_EQUAL(out.flags, HB_NF_QUORUM);
	CU_ASSERT_EQUAL(out.alive, 0x5);
	CU_ASSERT_EQUAL(out.standby, 0x2);
	CU_ASSERT_EQUAL(out.standby_ver, 7);
	CU_ASSERT_EQUAL(out.nacks, 3);
	CU_ASSERT_EQUAL(out.ack[1], 0x0102030405060708ull);
	CU_ASSERT_EQUAL(out.ack[2], 42);
	CU_ASSERT_EQUAL(out.ngroups, 2);
	CU_ASSERT_EQUAL(out.groups[0].state, HB_G_RUNNING);
	CU_ASSERT_EQUAL(out.groups[0].flags, HB_GF_UPTODATE);
	CU_ASSERT_EQUAL(out.groups[0].move_to, HB_NOBODY);
	CU_ASSERT_EQUAL(out.groups[1].target, 1);
	CU_ASSERT_EQUAL(out.groups[1].move_ver, 0x11223344);
	/* the exact encoding is big-endian and starts with the magic */
	CU_ASSERT(!memcmp(buf, "TWHB\x01\x05node1", 11));
}

static void test_bad_mac(void)
{
	struct hb_msg in, out;
	uint8_t buf[HB_MSG_MAX];
	const char *why = NULL;
	int n, i;

	sample(&in, 9);
	n = msg_encode(&in, key, strlen(key), buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	/* wrong key */
	CU_ASSERT_EQUAL(msg_decode(buf, n, "another-secret-key", 18, &out,
				   &why), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "bad MAC"));
	/* any flipped bit anywhere, the MAC included */
	for (i = 0; i < n; i++) {
		buf[i] ^= 0x10;
		why = NULL;
		CU_ASSERT_EQUAL(msg_decode(buf, n, key, strlen(key), &out,
					   &why), -1);
		CU_ASSERT_PTR_NOT_NULL(why);
		buf[i] ^= 0x10;
	}
	/* truncated by one byte and extended by one byte */
	CU_ASSERT_EQUAL(msg_decode(buf, n - 1, key, strlen(key), &out, &why),
			-1);
	buf[n] = 0;
	CU_ASSERT_EQUAL(msg_decode(buf, n + 1, key, strlen(key), &out, &why),
			-1);
	CU_ASSERT_EQUAL(msg_decode(buf, 3, key, strlen(key), &out, &why), -1);
	CU_ASSERT_EQUAL(msg_decode(buf, n, key, strlen(key), &out, &why), 0);
}

static void test_too_big(void)
{
	struct hb_msg in;
	uint8_t buf[64];

	sample(&in, 1);
	CU_ASSERT_EQUAL(msg_encode(&in, key, strlen(key), buf, sizeof(buf)),
			-1);
	in.ngroups = HB_MAX_GROUPS + 1;
	CU_ASSERT_EQUAL(msg_encode(&in, key, strlen(key), buf, sizeof(buf)),
			-1);
}

static int accept_msg(struct hb_replay *r, const struct hb_msg *m,
		      uint64_t now, const char **why)
{
	*why = NULL;
	return msg_check_replay(r, m, now, 5000, why);
}

static void test_replay(void)
{
	struct hb_replay r = { 0 };
	struct hb_msg m;
	const char *why;

	sample(&m, 10);
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW, &why), 0);
	/* exact replay */
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW, &why), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "already seen"));
	/* newer ones */
	m.seq = 12;
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW + 10, &why), 0);
	/* 11 arrives late over another path: accepted once */
	m.seq = 11;
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW + 10, &why), 0);
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW + 10, &why), -1);
	/* older than the window */
	m.seq = 12 + HB_REPLAY_WINDOW;
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW + 20, &why), 0);
	m.seq = 12;
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW + 20, &why), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "too old"));
	m.seq = 13;
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW + 20, &why), 0);
	/* seq 0 never valid */
	m.seq = 0;
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW + 20, &why), -1);
}

static void test_stale_time(void)
{
	struct hb_replay r = { 0 };
	struct hb_msg m;
	const char *why;

	sample(&m, 1);
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW + 5001, &why), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "max-clock-skew"));
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW - 5001, &why), -1);
	CU_ASSERT(!r.valid);
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW + 4999, &why), 0);
}

static void test_new_boot(void)
{
	struct hb_replay r = { 0 };
	struct hb_msg old, m;
	const char *why;

	sample(&old, 100);
	CU_ASSERT_EQUAL(accept_msg(&r, &old, NOW, &why), 0);
	/* restarted daemon: new boot id, seq restarts, later time */
	sample(&m, 1);
	memset(m.boot_id, 0xcd, sizeof(m.boot_id));
	m.time_ms = NOW + 1000;
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW + 1000, &why), 0);
	CU_ASSERT_EQUAL(r.top, 1);
	/* a packet of the previous boot replayed later is rejected */
	old.seq = 101;
	CU_ASSERT_EQUAL(accept_msg(&r, &old, NOW + 1000, &why), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "old boot id"));
	/* the new boot continues */
	m.seq = 2;
	CU_ASSERT_EQUAL(accept_msg(&r, &m, NOW + 1100, &why), 0);
}

static CU_TestInfo tests[] = {
	{ "encode and decode round trip", test_round_trip },
	{ "tampered or foreign packets fail the MAC", test_bad_mac },
	{ "encode refuses what does not fit", test_too_big },
	{ "replayed and stale sequence numbers", test_replay },
	{ "timestamps outside max-clock-skew", test_stale_time },
	{ "new boot id of a restarted sender", test_new_boot },
	CU_TEST_INFO_NULL,
};

void unit_register(void)
{
	unit_suite("twinhb-msg", tests);
}
