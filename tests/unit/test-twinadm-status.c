// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of twinadm's status formatter (tools/twinadm/status.c) and
 * JSON writer (json.c), fed with hand-made struct twin_status values.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_run.h"
#include "../../tools/twinadm/status.h"

/* Run the formatter into a string. */
#define CAPTURE(buf, call) do {						\
	size_t len_ = 0;						\
	FILE *f = open_memstream(&(buf), &len_);			\
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);				\
	call;								\
	fclose(f);							\
} while (0)

static void base(struct twin_status *st)
{
	memset(st, 0, sizeof(*st));
	strcpy(st->name, "r0");
	strcpy(st->peer_name, "node2");
	st->role = TWIN_ROLE_PRIMARY;
	st->disk = TWIN_DISK_UPTODATE;
	st->conn = TWIN_CONN_CONNECTED;
	st->peer_role = TWIN_ROLE_SECONDARY;
	st->peer_disk = TWIN_DISK_UPTODATE;
}

static void expect(const char *got, const char *want)
{
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want))
		printf("\nwant:\n%s\ngot:\n%s\n", want, got);
}

static void test_connected(void)
{
	struct twin_status st;
	char *out;

	base(&st);
	CAPTURE(out, status_print_text(f, &st, false));
	expect(out, "r0 role:Primary\n"
		    "  disk:UpToDate\n"
		    "  node2 role:Secondary\n"
		    "    peer-disk:UpToDate\n");
	free(out);
}

/* The example of the issue: 42.10 % done at 51.2 MiB/s, 72 s left. */
static void test_syncing(void)
{
	struct twin_status st;
	char *out;

	base(&st);
	st.conn = TWIN_CONN_SYNC_SOURCE;
	st.peer_disk = TWIN_DISK_INCONSISTENT;
	st.sync_total = 13039337;
	st.sync_remaining = 7549776;
	st.sync_rate_kib = 52429;
	CU_ASSERT_TRUE(status_syncing(&st));
	CU_ASSERT_EQUAL(status_sync_eta(&st), 72);
	CAPTURE(out, status_print_text(f, &st, false));
	expect(out, "r0 role:Primary\n"
		    "  disk:UpToDate\n"
		    "  node2 role:Secondary\n"
		    "    replication:SyncSource peer-disk:Inconsistent done:42.10\n"
		    "    speed: 51.2 MiB/s, eta 1:12\n");
	free(out);

	/* a bitmap resync: what is left, and what has been copied */
	st.has |= ST_HAS_RESYNCED;
	st.resynced = 3ULL << 30;
	st.out_of_sync = 7549776;
	CAPTURE(out, status_print_text(f, &st, false));
	expect(out, "r0 role:Primary\n"
		    "  disk:UpToDate\n"
		    "  node2 role:Secondary\n"
		    "    replication:SyncSource peer-disk:Inconsistent done:42.10 out-of-sync:3774888KiB\n"
		    "    speed: 51.2 MiB/s, eta 1:12, 3.0 GiB resynced\n");
	free(out);
	st.has = 0;
	st.out_of_sync = 0;

	/* sync target, slow, rate not known yet */
	st.role = TWIN_ROLE_SECONDARY;
	st.disk = TWIN_DISK_INCONSISTENT;
	st.peer_role = TWIN_ROLE_PRIMARY;
	st.peer_disk = TWIN_DISK_UPTODATE;
	st.conn = TWIN_CONN_SYNC_TARGET;
	st.sync_total = 1000;
	st.sync_remaining = 1000;
	st.sync_rate_kib = 0;
	CU_ASSERT_EQUAL(status_sync_eta(&st), -1);
	CAPTURE(out, status_print_text(f, &st, false));
	expect(out, "r0 role:Secondary\n"
		    "  disk:Inconsistent\n"
		    "  node2 role:Primary\n"
		    "    replication:SyncTarget peer-disk:UpToDate done:0.00\n"
		    "    speed: 0 KiB/s, eta unknown\n");
	free(out);

	/* WFBitMapS: connected, no totals yet, so no progress lines */
	st.conn = TWIN_CONN_WF_BITMAP_T;
	st.sync_total = 0;
	CU_ASSERT_FALSE(status_syncing(&st));
	CAPTURE(out, status_print_text(f, &st, false));
	expect(out, "r0 role:Secondary\n"
		    "  disk:Inconsistent\n"
		    "  node2 role:Primary\n"
		    "    replication:WFBitMapT peer-disk:UpToDate\n");
	free(out);
}

/* wait-sync's condition, through a reconnect with a bitmap resync. */
static void test_in_sync(void)
{
	struct twin_status st;

	base(&st);
	CU_ASSERT_TRUE(status_in_sync(&st));
	/* handshake done, bitmaps not yet exchanged: dirty bits say no */
	st.out_of_sync = 8;
	CU_ASSERT_FALSE(status_in_sync(&st));
	st.conn = TWIN_CONN_WF_BITMAP_S;
	CU_ASSERT_FALSE(status_in_sync(&st));
	st.conn = TWIN_CONN_SYNC_SOURCE;
	st.peer_disk = TWIN_DISK_INCONSISTENT;
	CU_ASSERT_FALSE(status_in_sync(&st));
	st.peer_disk = TWIN_DISK_UPTODATE;	/* the last block written */
	CU_ASSERT_FALSE(status_in_sync(&st));
	st.conn = TWIN_CONN_CONNECTED;
	st.out_of_sync = 0;
	CU_ASSERT_TRUE(status_in_sync(&st));
	/* a verify that finds nothing keeps the pair in sync */
	st.conn = TWIN_CONN_VERIFY_T;
	CU_ASSERT_TRUE(status_in_sync(&st));
	st.out_of_sync = 8;
	CU_ASSERT_FALSE(status_in_sync(&st));
	/* not connected is never in sync */
	base(&st);
	st.conn = TWIN_CONN_CONNECTING;
	CU_ASSERT_FALSE(status_in_sync(&st));
	st.conn = TWIN_CONN_SPLIT_BRAIN;
	CU_ASSERT_FALSE(status_in_sync(&st));
}

static void test_eta_and_rate(void)
{
	char buf[32];

	status_eta_str(12, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "0:12");
	status_eta_str(0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "0:00");
	status_eta_str(3599, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "59:59");
	status_eta_str(3723, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1:02:03");
	status_eta_str(-1, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "?");
	status_rate_str(0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "0 KiB/s");
	status_rate_str(1023, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1023 KiB/s");
	status_rate_str(39014, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "38.1 MiB/s");
	status_rate_str(3U << 19, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1.5 GiB/s");
}

/* ETA rounds up to whole seconds; a stale total never goes negative. */
static void test_eta_rounds_up(void)
{
	struct twin_status st;

	base(&st);
	st.conn = TWIN_CONN_SYNC_SOURCE;
	st.sync_total = 1000000;
	st.sync_remaining = 548000;
	st.sync_rate_kib = 39014;
	CU_ASSERT_EQUAL(status_sync_eta(&st), 8);	/* 274000 KiB */
	st.sync_remaining = 2 * 39014 * 12 - 1;
	CU_ASSERT_EQUAL(status_sync_eta(&st), 12);
	CU_ASSERT_DOUBLE_EQUAL(status_sync_done(&st), 6.36, 0.01);
	/* more left than the total (a stale total) is 0 %, not negative */
	st.sync_remaining = 2000000;
	CU_ASSERT_DOUBLE_EQUAL(status_sync_done(&st), 0.0, 0.001);
}

static void test_verify(void)
{
	struct twin_status st;
	char *out;

	base(&st);
	st.conn = TWIN_CONN_VERIFY_S;
	st.verify_total = 8000;
	st.verify_remaining = 7000;
	st.verify_oos = 0;
	st.has = ST_HAS_VERIFY_OOS;
	CU_ASSERT_TRUE(status_verifying(&st));
	CU_ASSERT_FALSE(status_syncing(&st));
	CAPTURE(out, status_print_text(f, &st, false));
	expect(out, "r0 role:Primary\n"
		    "  disk:UpToDate\n"
		    "  node2 role:Secondary\n"
		    "    replication:VerifyS peer-disk:UpToDate\n"
		    "    verify: 12.5% done, 0 out of sync\n");
	free(out);

	/* the peer runs it; one block differs so far */
	st.conn = TWIN_CONN_VERIFY_T;
	st.verify_remaining = 0;
	st.verify_oos = 1;
	CAPTURE(out, status_print_text(f, &st, false));
	expect(out, "r0 role:Primary\n"
		    "  disk:UpToDate\n"
		    "  node2 role:Secondary\n"
		    "    replication:VerifyT peer-disk:UpToDate\n"
		    "    verify: 100.0% done, 1 out of sync\n");
	free(out);

	/* finished: the result stays, with what to do about it */
	st.conn = TWIN_CONN_CONNECTED;
	st.verify_total = 0;
	st.verify_oos = 3;
	st.out_of_sync = 24;
	CAPTURE(out, status_print_text(f, &st, false));
	expect(out, "r0 role:Primary\n"
		    "  disk:UpToDate\n"
		    "  node2 role:Secondary\n"
		    "    peer-disk:UpToDate out-of-sync:12KiB\n"
		    "    last verify: 3 out of sync (disconnect and connect to resync them)\n");
	free(out);
	/* nothing found (or no verify ran): nothing to say */
	st.verify_oos = 0;
	st.out_of_sync = 0;
	CAPTURE(out, status_print_text(f, &st, false));
	expect(out, "r0 role:Primary\n"
		    "  disk:UpToDate\n"
		    "  node2 role:Secondary\n"
		    "    peer-disk:UpToDate\n");
	free(out);

	CAPTURE(out, status_print_event(f, "T", "sync-progress", &st));
	CU_ASSERT_PTR_NULL(strstr(out, "verify"));
	free(out);
	/* resync progress as an event line */
	st.conn = TWIN_CONN_SYNC_SOURCE;
	st.peer_disk = TWIN_DISK_INCONSISTENT;
	st.sync_total = 1000;
	st.sync_remaining = 548;
	st.sync_rate_kib = 39014;
	st.has = ST_HAS_RESYNCED;
	st.resynced = 231424;
	st.out_of_sync = 548;
	CAPTURE(out, status_print_event(f, "T", "sync-progress", &st));
	expect(out, "T sync-progress r0 role:Primary disk:UpToDate peer:node2 connection:SyncSource peer-role:Secondary peer-disk:Inconsistent done:45.20 speed:38.1MiB/s eta:0:01 resynced:226KiB out-of-sync:274KiB\n");
	free(out);
	st.sync_rate_kib = 300;
	CAPTURE(out, status_print_event(f, "T", "sync-progress", &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, " speed:300KiB/s eta:0:01 "));
	free(out);
	st.has = 0;
	st.sync_total = 0;
	st.out_of_sync = 0;
	st.peer_disk = TWIN_DISK_UPTODATE;
	st.conn = TWIN_CONN_VERIFY_S;
	st.verify_total = 100;
	st.verify_remaining = 50;
	st.verify_oos = 2;
	CAPTURE(out, status_print_event(f, "T", "sync-progress", &st));
	expect(out, "T sync-progress r0 role:Primary disk:UpToDate peer:node2 connection:VerifyS peer-role:Secondary peer-disk:UpToDate verify-done:50.00 verify-oos:2\n");
	free(out);
}

static void test_disconnected(void)
{
	struct twin_status st;
	char *out;

	base(&st);
	st.conn = TWIN_CONN_CONNECTING;
	st.peer_role = TWIN_ROLE_UNKNOWN;
	st.peer_disk = TWIN_DISK_DUNKNOWN;
	CU_ASSERT_FALSE(status_connected(&st));
	CAPTURE(out, status_print_text(f, &st, false));
	expect(out, "r0 role:Primary\n"
		    "  disk:UpToDate\n"
		    "  node2 connection:Connecting\n");
	free(out);

	/* refused peer, with the module's reason and dirty blocks */
	st.conn = TWIN_CONN_AUTH_FAILED;
	st.peer_name[0] = '\0';
	st.out_of_sync = 2048;
	strcpy(st.last_error, "authentication failed");
	CAPTURE(out, status_print_text(f, &st, false));
	expect(out, "r0 role:Primary\n"
		    "  disk:UpToDate\n"
		    "  peer connection:AuthFailed last-error:\"authentication failed\"\n"
		    "    out-of-sync:1024KiB\n");
	free(out);

	/* diskless secondary, standalone */
	base(&st);
	st.role = TWIN_ROLE_SECONDARY;
	st.disk = TWIN_DISK_DISKLESS;
	st.conn = TWIN_CONN_STANDALONE;
	CAPTURE(out, status_print_text(f, &st, false));
	expect(out, "r0 role:Secondary\n"
		    "  disk:Diskless\n"
		    "  node2 connection:StandAlone\n");
	free(out);
}

static void test_verbose(void)
{
	struct sockaddr_in *sin;
	struct twin_status st;
	char *out;

	base(&st);
	st.has = ST_HAS_MINOR | ST_HAS_PROTOCOL | ST_HAS_DISK_PATH |
		 ST_HAS_PEER_ADDR;
	st.minor = 3;
	st.open_count = 1;
	st.protocol = TWIN_PROT_A;
	st.size_sectors = 2048;
	strcpy(st.disk_path, "/dev/vdb");
	st.disk_read = 4096;
	st.disk_write = 8192;
	st.net_sent = 1024 * 1024;
	st.peer_pending = 2;
	sin = (struct sockaddr_in *)&st.peer_addr;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(7790);
	sin->sin_addr.s_addr = inet_addr("10.0.0.2");
	CAPTURE(out, status_print_text(f, &st, true));
	expect(out, "r0 role:Primary minor:3 open:1 protocol:A\n"
		    "  disk:UpToDate size:1024KiB backing:/dev/vdb read:4KiB written:8KiB local-pending:0 app-pending:0\n"
		    "  node2 role:Secondary address:10.0.0.2:7790\n"
		    "    peer-disk:UpToDate sent:1024KiB received:0KiB pending:2\n");
	free(out);

	/* part 2: the configured limits, the AL, split brain policies */
	st.has |= ST_HAS_RESYNC_RATES | ST_HAS_AL | ST_HAS_AFTER_SB |
		  ST_HAS_RESYNCED;
	st.resync_max_kib = 102400;
	st.resync_min_kib = 4096;
	st.al_extents = 64;
	st.al_extent_kib = 4096;
	st.after_sb_0pri = TWIN_AFTER_SB_DISCARD_ZERO_CHANGES;
	st.resynced = 65536;
	CAPTURE(out, status_print_text(f, &st, true));
	expect(out, "r0 role:Primary minor:3 open:1 protocol:A\n"
		    "  disk:UpToDate size:1024KiB backing:/dev/vdb read:4KiB written:8KiB local-pending:0 app-pending:0 c-max-rate:102400KiB/s c-min-rate:4096KiB/s al-extents:64x4096KiB\n"
		    "  node2 role:Secondary address:10.0.0.2:7790\n"
		    "    peer-disk:UpToDate sent:1024KiB received:0KiB pending:2 resynced:64KiB after-sb-0pri:discard-zero-changes after-sb-1pri:disconnect\n");
	free(out);
	st.resync_max_kib = 0;
	CAPTURE(out, status_print_text(f, &st, true));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, " c-max-rate:none c-min-rate:4096KiB/s "));
	free(out);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(status_role_name(TWIN_ROLE_PRIMARY), "Primary");
	CU_ASSERT_STRING_EQUAL(status_role_name(99), "Unknown");
	CU_ASSERT_STRING_EQUAL(status_disk_name(TWIN_DISK_DUNKNOWN),
			       "DUnknown");
	CU_ASSERT_STRING_EQUAL(status_disk_name(1000), "Unknown");
	CU_ASSERT_STRING_EQUAL(status_conn_name(TWIN_CONN_SPLIT_BRAIN),
			       "SplitBrain");
	CU_ASSERT_STRING_EQUAL(status_conn_name(TWIN_CONN_AUTH_FAILED + 1),
			       "Unknown");
	CU_ASSERT_STRING_EQUAL(status_event_name(TWIN_EVENT_DESTROY),
			       "destroy");
	CU_ASSERT_EQUAL(status_protocol_char(TWIN_PROT_C), 'C');
	CU_ASSERT_EQUAL(status_protocol_char(2), '?');
}

static void test_json(void)
{
	struct sockaddr_in6 *s6;
	struct twin_status st;
	struct json_out j;
	char *out;

	base(&st);
	st.has = ST_HAS_PROTOCOL | ST_HAS_DISK_PATH | ST_HAS_PEER_ADDR;
	st.protocol = TWIN_PROT_C;
	strcpy(st.disk_path, "/dev/vdb");
	st.size_sectors = 4096;
	st.conn = TWIN_CONN_SYNC_SOURCE;
	st.peer_disk = TWIN_DISK_INCONSISTENT;
	st.sync_total = 4000;
	st.sync_remaining = 1000;
	st.sync_rate_kib = 100;
	st.uuid[0] = 0xABCDEF0123456789ULL;
	st.uuid[2] = 4;
	st.has |= ST_HAS_VERIFY_OOS | ST_HAS_RESYNCED;
	st.resynced = 1048576;
	st.verify_oos = 5;
	st.resync_max_kib = 102400;
	st.resync_min_kib = 4096;
	st.al_extents = 64;
	st.al_extent_kib = 4096;
	st.after_sb_1pri = TWIN_AFTER_SB_DISCARD_SECONDARY;
	strcpy(st.last_error, "a \"quoted\"\nline");
	s6 = (struct sockaddr_in6 *)&st.peer_addr;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(7790);
	inet_pton(AF_INET6, "fd00::2", &s6->sin6_addr);
	CAPTURE(out, (json_init(&j, f, false), json_arr_begin(&j, NULL),
		      status_print_json(&j, NULL, &st), json_arr_end(&j),
		      json_finish(&j)));
	expect(out,
	       "[\n"
	       "  {\n"
	       "    \"name\": \"r0\",\n"
	       "    \"minor\": 0,\n"
	       "    \"role\": \"Primary\",\n"
	       "    \"disk-state\": \"UpToDate\",\n"
	       "    \"size-kib\": 2048,\n"
	       "    \"open-count\": 0,\n"
	       "    \"backing-disk\": \"/dev/vdb\",\n"
	       "    \"protocol\": \"C\",\n"
	       "    \"suspended\": \"no\",\n"
	       "    \"disk-options\": {\n"
	       "      \"c-max-rate-kib\": 102400,\n"
	       "      \"c-min-rate-kib\": 4096,\n"
	       "      \"al-extents\": 64,\n"
	       "      \"al-extent-kib\": 4096\n"
	       "    },\n"
	       "    \"peer\": {\n"
	       "      \"name\": \"node2\",\n"
	       "      \"address\": \"[fd00::2]:7790\",\n"
	       "      \"connection-state\": \"SyncSource\",\n"
	       "      \"connected\": true,\n"
	       "      \"role\": \"Secondary\",\n"
	       "      \"disk-state\": \"Inconsistent\",\n"
	       "      \"out-of-sync-kib\": 0,\n"
	       "      \"resync\": {\n"
	       "        \"active\": true,\n"
	       "        \"done-percent\": 75.00,\n"
	       "        \"total-kib\": 2000,\n"
	       "        \"remaining-kib\": 500,\n"
	       "        \"speed-kib-per-sec\": 100,\n"
	       "        \"eta-seconds\": 5,\n"
	       "        \"resynced-bytes\": 1048576\n"
	       "      },\n"
	       "      \"verify\": {\n"
	       "        \"active\": false,\n"
	       "        \"done-percent\": 0.00,\n"
	       "        \"total-kib\": 0,\n"
	       "        \"remaining-kib\": 0,\n"
	       "        \"out-of-sync-blocks\": 5\n"
	       "      },\n"
	       "      \"after-sb-0pri\": \"disconnect\",\n"
	       "      \"after-sb-1pri\": \"discard-secondary\",\n"
	       "      \"last-error\": \"a \\\"quoted\\\"\\nline\"\n"
	       "    },\n"
	       "    \"statistics\": {\n"
	       "      \"net-sent-bytes\": 0,\n"
	       "      \"net-received-bytes\": 0,\n"
	       "      \"disk-read-bytes\": 0,\n"
	       "      \"disk-written-bytes\": 0,\n"
	       "      \"local-pending\": 0,\n"
	       "      \"peer-pending\": 0,\n"
	       "      \"app-pending\": 0\n"
	       "    },\n"
	       "    \"uuids\": {\n"
	       "      \"current\": \"ABCDEF0123456789\",\n"
	       "      \"bitmap\": \"0000000000000000\",\n"
	       "      \"history\": [\n"
	       "        \"0000000000000004\",\n"
	       "        \"0000000000000000\"\n"
	       "      ]\n"
	       "    }\n"
	       "  }\n"
	       "]\n");
	free(out);
}

static void test_json_writer(void)
{
	struct json_out j;
	char *out;

	CAPTURE(out, (json_init(&j, f, true), json_obj_begin(&j, NULL),
		      json_arr_begin(&j, "empty"), json_arr_end(&j),
		      json_obj_begin(&j, "o"), json_obj_end(&j),
		      json_str(&j, "ctl", "\x01\t\\"),
		      json_u64(&j, "big", 18446744073709551615ULL),
		      json_bool(&j, "f", false),
		      json_fixed(&j, "x", 1.0 / 3.0, 3),
		      json_obj_end(&j), json_finish(&j)));
	expect(out, "{\"empty\":[],\"o\":{},\"ctl\":\"\\u0001\\t\\\\\","
		    "\"big\":18446744073709551615,\"f\":false,\"x\":0.333}\n");
	free(out);
	/* an empty array at the top, pretty */
	CAPTURE(out, (json_init(&j, f, false), json_arr_begin(&j, NULL),
		      json_arr_end(&j), json_finish(&j)));
	expect(out, "[]\n");
	free(out);
}

static void test_events(void)
{
	struct twin_status st;
	char *out;

	base(&st);
	st.event = TWIN_EVENT_CHANGE;
	CAPTURE(out, status_print_event(f, "2026-11-23T11:00:00.000001+00:00",
					"change", &st));
	expect(out, "2026-11-23T11:00:00.000001+00:00 change r0 role:Primary disk:UpToDate peer:node2 connection:Connected peer-role:Secondary peer-disk:UpToDate\n");
	free(out);

	st.conn = TWIN_CONN_TIMEOUT;
	CAPTURE(out, status_print_event(f, "T", "change", &st));
	expect(out, "T change r0 role:Primary disk:UpToDate peer:node2 connection:Timeout\n");
	free(out);

	CAPTURE(out, status_print_event_json(f, "T", "destroy", &st));
	{
		const char *want = "{\"timestamp\":\"T\",\"event\":\"destroy\","
				   "\"resource\":{\"name\":\"r0\",";

		CU_ASSERT_EQUAL(strncmp(out, want, strlen(want)), 0);
	}
	/* exactly one line */
	CU_ASSERT_PTR_EQUAL(strchr(out, '\n'), out + strlen(out) - 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"connection-state\":\"Timeout\""));
	free(out);
}

void unit_register(void)
{
	static const CU_TestInfo tests[] = {
		{ "connected pair", test_connected },
		{ "resync progress", test_syncing },
		{ "eta and rate formats", test_eta_and_rate },
		{ "in sync (wait-sync)", test_in_sync },
		{ "eta and percent arithmetic", test_eta_rounds_up },
		{ "verify progress and result", test_verify },
		{ "peer not connected", test_disconnected },
		{ "verbose", test_verbose },
		{ "state names", test_names },
		{ "json document", test_json },
		{ "json writer", test_json_writer },
		{ "event lines", test_events },
		CU_TEST_INFO_NULL,
	};

	unit_suite("twinadm-status", tests);
}
