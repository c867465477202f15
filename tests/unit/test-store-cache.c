// SPDX-License-Identifier: GPL-2.0
/*
 * CUnit tests of the store's header cache (cache.db): what an entry
 * holds, that delivery, copy, move, undelete, expire and deletion keep
 * it in step with the index, filling entries of old messages; changes
 * since a modseq through modseq.db; the header lookup of one mailbox.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu_run.h"
#include "store/store_int.h"
#include "test-store.h"

/* store_cache_extract() of a string; the entry without its version. */
static int tc_extract(const char *msg, bool whole, char *out, size_t len)
{
	char *v;
	size_t n;
	int rc;

	rc = store_cache_extract(msg, strlen(msg), whole, &v, &n);
	if (rc)
		return rc;
	CU_ASSERT_EQUAL(v[0], SLOT_REC_CACHE_V);
	snprintf(out, len, "%.*s", (int)(n - 1), v + 1);
	free(v);
	return 0;
}

static void test_extract(void)
{
	char out[512];

	/* envelope fields only, in message order, continuation lines kept */
	CU_ASSERT_EQUAL(tc_extract("Received: by x\r\n"
				   "Subject: two\r\n  lines\r\n"
				   "X-Spam: no\r\n"
				   "from: a@b\r\n"
				   "Message-ID: <1@b>\r\n"
				   "\r\n"
				   "Subject: not a header, the body\r\n",
				   true, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "Subject: two\r\n  lines\r\n"
			       "from: a@b\r\nMessage-ID: <1@b>\r\n\r\n");
	/* obsolete "Name :", garbage lines skipped, bare LF kept as is */
	CU_ASSERT_EQUAL(tc_extract("garbage line\n"
				   "To : c@d\n"
				   "Cc:e@f\n"
				   "\n"
				   "body\n", true, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "To : c@d\nCc:e@f\n\r\n");
	/* a message that is all header, last line without its CRLF */
	CU_ASSERT_EQUAL(tc_extract("Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
				   "Subject: end", true, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "Date: Mon, 7 Feb 1994 21:52:25 -0800"
			       "\r\nSubject: end\r\n\r\n");
	/* nothing cached: still an entry (an empty header block) */
	CU_ASSERT_EQUAL(tc_extract("X-A: 1\r\n\r\nbody", true, out,
				   sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "\r\n");
	/* only the head of a message whose header goes on: no entry */
	CU_ASSERT_EQUAL(tc_extract("Subject: x\r\nX-Long: 1\r\n", false,
				   out, sizeof(out)), 1);
	CU_ASSERT_EQUAL(tc_extract("Subject: x\r\n\tgoes on", false, out,
				   sizeof(out)), 1);
	/* ... but a head that holds the whole header is enough */
	CU_ASSERT_EQUAL(tc_extract("Subject: x\r\n\r\nbo", false, out,
				   sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "Subject: x\r\n\r\n");
	CU_ASSERT(store_cache_field("SUBJECT", 7));
	CU_ASSERT(store_cache_field("in-reply-to", 11));
	CU_ASSERT(!store_cache_field("Subject", 6));
	CU_ASSERT(!store_cache_field("Received", 8));
}

/* The entries of a mailbox: "uid:first line|uid:first line|..." */
struct tc_walk {
	char out[1024];
	int stop_after;
};

static int tc_walk_one(void *arg, uint32_t uid, const char *hdr, size_t len)
{
	struct tc_walk *w = arg;
	size_t used = strlen(w->out);
	const char *eol = memchr(hdr, '\r', len);

	snprintf(w->out + used, sizeof(w->out) - used, "%u:%.*s|", uid,
		 (int)(eol ? eol - hdr : (long)len), hdr);
	return --w->stop_after == 0;
}

static const char *tc_entries(struct store *st, const char *user,
			      const char *box, uint32_t min_uid,
			      struct tc_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->stop_after = -1;
	CU_ASSERT_EQUAL(store_cache_each(st, user, box, min_uid, tc_walk_one,
					 w), STORE_OK);
	return w->out;
}

/* Entries of the whole slot, every mailbox and user. */
static int tc_count_all(struct store *st)
{
	DBT key = { 0 }, val = { 0 };
	int n = 0;
	DBC *c;

	CU_ASSERT_EQUAL_FATAL(st->cache->cursor(st->cache, NULL, &c, 0), 0);
	val.flags = DB_DBT_PARTIAL;
	while (c->get(c, &key, &val, DB_NEXT) == 0)
		n++;
	c->close(c);
	return n;
}

static void test_delivery_and_walk(void)
{
	struct tc_walk w;
	char dir[64], *text;
	size_t len;
	FILE *out;
	struct store *st;
	uint32_t uid;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_user_add(st, "ann", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "Subject: one\r\n"
				   "X-No: 1\r\n\r\nbody one\r\n", &uid),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "From: x@y\r\n"
				   "Subject: two\r\n\r\nbody\r\n", &uid),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", "Sent", "Subject: sent\r\n\r\n",
				   &uid), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "ann", NULL, "Subject: ann\r\n\r\n",
				   &uid), STORE_OK);
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "bob", NULL, 0, &w),
			       "1:Subject: one|2:From: x@y|");
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "bob", "inbox", 2, &w),
			       "2:From: x@y|");
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "bob", "Sent", 0, &w),
			       "1:Subject: sent|");
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "ann", NULL, 0, &w),
			       "1:Subject: ann|");
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "bob", "Drafts", 0, &w), "");
	/* the callback stops the walk, which is no failure */
	memset(&w, 0, sizeof(w));
	w.stop_after = 1;
	CU_ASSERT_EQUAL(store_cache_each(st, "bob", NULL, 0, tc_walk_one,
					 &w), STORE_OK);
	CU_ASSERT_STRING_EQUAL(w.out, "1:Subject: one|");
	CU_ASSERT_EQUAL(store_cache_each(st, "bob", "nope", 0, tc_walk_one,
					 &w), STORE_ENOMBOX);
	CU_ASSERT_EQUAL(store_cache_each(st, "nobody", NULL, 0, tc_walk_one,
					 &w), STORE_ENOUSER);
	/* slotctl dump shows the entries by their fields */
	out = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(store_dump(st, out), STORE_OK);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\ndb/cache.db:\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text,
				      " uid 2: 28 bytes, From Subject\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "  (4 records)\n"));
	free(text);
	ts_free_slot(st, dir);
}

static void test_big_header(void)
{
	size_t len = STORE_CACHE_HEAD_MAX + 4096, i;
	struct store_msg m;
	struct tc_walk w;
	char dir[64], *msg;
	struct store *st;
	uint32_t uid;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	msg = malloc(len + 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	strcpy(msg, "Subject: huge\r\n");
	for (i = strlen(msg); i + 20 < len; i += 10)
		memcpy(msg + i, "X-P: 123\r\n", 10);
	strcpy(msg + i, "\r\nbody\r\n");
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg, &uid), STORE_OK);
	/* delivered all the same, without an entry */
	CU_ASSERT_EQUAL(store_msg_get(st, "bob", NULL, uid, &m), STORE_OK);
	CU_ASSERT_EQUAL(m.size, strlen(msg));
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "bob", NULL, 0, &w), "");
	free(msg);
	ts_free_slot(st, dir);
}

static void test_copy_move_undelete_expire(void)
{
	uint32_t uids[2] = { 1, 2 }, dst[2];
	struct tc_walk w;
	char dir[64];
	struct store *st;
	uint32_t uid;
	size_t count;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "Subject: a\r\n\r\nx",
				   &uid), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "Subject: b\r\n\r\nx",
				   &uid), STORE_OK);
	CU_ASSERT_EQUAL(store_msg_copy(st, "bob", NULL, "Archive", uids, 2,
				       false, dst), STORE_OK);
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "bob", "Archive", 0, &w),
			       "1:Subject: a|2:Subject: b|");
	/* a move: the originals stay (expunged, kept), with their entries */
	CU_ASSERT_EQUAL(store_msg_copy(st, "bob", "Archive", "Trash", uids, 1,
				       true, dst), STORE_OK);
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "bob", "Trash", 0, &w),
			       "1:Subject: a|");
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "bob", "Archive", 0, &w),
			       "1:Subject: a|2:Subject: b|");
	/* undelete gives a new UID: the entry moves with the message */
	CU_ASSERT_EQUAL(store_undelete(st, "bob", "Archive", 0, &count),
			STORE_OK);
	CU_ASSERT_EQUAL(count, 1);
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "bob", "Archive", 0, &w),
			       "2:Subject: b|3:Subject: a|");
	/* expire removes the entries with the records */
	CU_ASSERT_EQUAL(store_msg_expunge(st, "bob", NULL, uids, 2, &count),
			STORE_OK);
	CU_ASSERT_EQUAL(tc_count_all(st), 5);
	CU_ASSERT_EQUAL(store_expire(st, time(NULL) + 10, 0, &count),
			STORE_OK);
	CU_ASSERT_EQUAL(count, 2);
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "bob", NULL, 0, &w), "");
	CU_ASSERT_EQUAL(tc_count_all(st), 3);
	/* a deleted mailbox, once expired, leaves no entry behind */
	CU_ASSERT_EQUAL(store_mailbox_delete(st, "bob", "Archive"), STORE_OK);
	CU_ASSERT_EQUAL(store_expire(st, time(NULL) + 10, 0, &count),
			STORE_OK);
	CU_ASSERT_EQUAL(tc_count_all(st), 1);
	/* and so does a deleted user */
	CU_ASSERT_EQUAL(store_user_del(st, "bob"), STORE_OK);
	CU_ASSERT_EQUAL(tc_count_all(st), 0);
	ts_free_slot(st, dir);
}

static int tc_drop_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_mbox_rec r;
	int rc;

	rc = store_mbox_get(st, txn, "bob", "INBOX", &r, 0);
	return rc ? rc : store_cache_del(st, txn, r.id, *(uint32_t *)arg);
}

static void test_fill(void)
{
	static const char msg[] = "Subject: old\r\nTo: z@y\r\n\r\nold body";
	struct store_cache_entry e[3] = {
		{ .uid = 1, .data = msg, .len = sizeof(msg) - 1,
		  .whole = true },
		/* only a head that does not hold the header: skipped */
		{ .uid = 2, .data = msg, .len = 8, .whole = false },
		/* no such message: skipped */
		{ .uid = 9, .data = msg, .len = sizeof(msg) - 1,
		  .whole = true },
	};
	struct tc_walk w;
	char dir[64];
	struct store *st;
	uint32_t uid = 1;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg, &uid), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg, &uid), STORE_OK);
	/* as if delivered before the cache existed */
	uid = 1;
	CU_ASSERT_EQUAL(store_txn(st, tc_drop_txn, &uid), STORE_OK);
	uid = 2;
	CU_ASSERT_EQUAL(store_txn(st, tc_drop_txn, &uid), STORE_OK);
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "bob", NULL, 0, &w), "");
	CU_ASSERT_EQUAL(store_cache_fill(st, "bob", NULL, e, 3), STORE_OK);
	CU_ASSERT_STRING_EQUAL(tc_entries(st, "bob", NULL, 0, &w),
			       "1:Subject: old|");
	CU_ASSERT_EQUAL(tc_count_all(st), 1);
	CU_ASSERT_EQUAL(store_cache_fill(st, "bob", "nope", e, 1),
			STORE_ENOMBOX);
	ts_free_slot(st, dir);
}

static void test_mailbox_header(void)
{
	struct store_mailbox_info info, full;
	char dir[64], buf[64];
	struct store *st;
	uint32_t uid, recent;
	int fd;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "Subject: a\r\n\r\n",
				   &uid), STORE_OK);
	CU_ASSERT_EQUAL(store_recent_claim(st, "bob", NULL, &recent),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "Subject: b\r\n\r\n",
				   &uid), STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_header(st, "bob", "inbox", &info),
			STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", NULL, &full),
			STORE_OK);
	CU_ASSERT_STRING_EQUAL(info.name, "INBOX");
	CU_ASSERT_EQUAL(info.uidvalidity, full.uidvalidity);
	CU_ASSERT_EQUAL(info.uidnext, 3);
	CU_ASSERT_EQUAL(info.highestmodseq, full.highestmodseq);
	CU_ASSERT_EQUAL(info.id, full.id);
	CU_ASSERT_EQUAL(info.recent_uid, 1);
	/* no scan: the counters stay 0 */
	CU_ASSERT_EQUAL(info.exists, 0);
	CU_ASSERT_EQUAL(full.exists, 2);
	/* the file by mailbox id, without the index */
	CU_ASSERT_EQUAL(store_msg_open_id(st, "Bob", info.id, 2, &fd),
			STORE_OK);
	CU_ASSERT_EQUAL(read(fd, buf, sizeof(buf)), 14);
	CU_ASSERT_EQUAL(memcmp(buf, "Subject: b\r\n\r\n", 14), 0);
	close(fd);
	CU_ASSERT_EQUAL(store_msg_open_id(st, "bob", info.id, 3, &fd),
			STORE_EIO);
	CU_ASSERT_EQUAL(fd, -1);
	CU_ASSERT_EQUAL(store_msg_open_id(st, "../x", info.id, 1, &fd),
			STORE_EBADNAME);
	CU_ASSERT_EQUAL(store_mailbox_header(st, "bob", "nope", &info),
			STORE_ENOMBOX);
	CU_ASSERT_EQUAL(store_mailbox_header(st, "ann", NULL, &info),
			STORE_ENOUSER);
	ts_free_slot(st, dir);
}

/* store_msg_list() with changed_since reads modseq.db, not the index. */
static void test_changed_since(void)
{
	uint32_t one = 1, three = 3, uid;
	struct store_msg *all, *ch;
	size_t nall, nch, i, k;
	uint64_t since;
	char dir[64];
	struct store *st;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_user_add(st, "ann", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	for (i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "Subject: m\r\n"
					   "\r\n", &uid), STORE_OK);
		CU_ASSERT_EQUAL(ts_deliver(st, "ann", NULL, "Subject: m\r\n"
					   "\r\n", &uid), STORE_OK);
	}
	CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL, STORE_LIST_LIVE, 0,
				       &all, &nall), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(nall, 5);
	since = all[4].modseq;
	free(all);
	/* changes in an order that is not the UID order */
	CU_ASSERT_EQUAL(store_msg_set_flags(st, "bob", NULL, &three, 1,
					    STORE_FLAGS_ADD, STORE_FLAG_SEEN,
					    0, UINT64_MAX, NULL, NULL),
			STORE_OK);
	CU_ASSERT_EQUAL(store_msg_set_flags(st, "bob", NULL, &one, 1,
					    STORE_FLAGS_ADD,
					    STORE_FLAG_FLAGGED, 0, UINT64_MAX,
					    NULL, NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_msg_expunge(st, "bob", NULL, &three, 1, NULL),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "Subject: n\r\n\r\n",
				   &uid), STORE_OK);
	CU_ASSERT_EQUAL(store_msg_set_flags(st, "ann", NULL, &one, 1,
					    STORE_FLAGS_ADD, STORE_FLAG_SEEN,
					    0, UINT64_MAX, NULL, NULL),
			STORE_OK);
	CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL,
				       STORE_LIST_LIVE | STORE_LIST_EXPUNGED,
				       since, &ch, &nch), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(nch, 3);
	CU_ASSERT_EQUAL(ch[0].uid, 1);
	CU_ASSERT_EQUAL(ch[0].flags, STORE_FLAG_FLAGGED);
	CU_ASSERT_EQUAL(ch[1].uid, 3);
	CU_ASSERT(ch[1].expunged_at != 0);
	CU_ASSERT_EQUAL(ch[1].flags, STORE_FLAG_SEEN);
	CU_ASSERT_EQUAL(ch[2].uid, 6);
	/* the same records a full scan gives, filtered by modseq */
	CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL,
				       STORE_LIST_LIVE | STORE_LIST_EXPUNGED,
				       0, &all, &nall), STORE_OK);
	for (i = 0, k = 0; i < nall; i++) {
		if (all[i].modseq <= since)
			continue;
		CU_ASSERT_FATAL(k < nch);
		CU_ASSERT_EQUAL(memcmp(&all[i], &ch[k], sizeof(all[i])), 0);
		k++;
	}
	CU_ASSERT_EQUAL(k, nch);
	free(all);
	free(ch);
	/* live only */
	CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL, STORE_LIST_LIVE,
				       since, &ch, &nch), STORE_OK);
	CU_ASSERT_EQUAL(nch, 2);
	free(ch);
	/* nothing since the last change */
	CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL, STORE_LIST_LIVE,
				       since + 100, &ch, &nch), STORE_OK);
	CU_ASSERT_EQUAL(nch, 0);
	free(ch);
	ts_free_slot(st, dir);
}

/* A slot without modseq.db (older, or repaired) gets it rebuilt. */
static void test_modseq_rebuilt(void)
{
	char dir[64], path[128], err[STORE_ERR_LEN];
	struct store_msg *ch;
	struct store *st;
	uint32_t uid = 2;
	size_t n;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "Subject: a\r\n\r\n",
				   &uid), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "Subject: b\r\n\r\n",
				   &uid), STORE_OK);
	CU_ASSERT_EQUAL(store_msg_set_flags(st, "bob", NULL, &uid, 1,
					    STORE_FLAGS_ADD, STORE_FLAG_SEEN,
					    0, UINT64_MAX, NULL, NULL),
			STORE_OK);
	store_close(st);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, SLOT_DB_DIR,
		 SLOT_DB_MODSEQ);
	CU_ASSERT_EQUAL(unlink(path), 0);
	CU_ASSERT_EQUAL_FATAL(store_open(dir, 0, &st, err, sizeof(err)),
			      STORE_OK);
	CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL, STORE_LIST_LIVE, 3,
				       &ch, &n), STORE_OK);
	CU_ASSERT_EQUAL(n, 1);
	if (n == 1) {
		CU_ASSERT_EQUAL(ch[0].uid, 2);
		CU_ASSERT_EQUAL(ch[0].flags, STORE_FLAG_SEEN);
	}
	free(ch);
	ts_free_slot(st, dir);
}

static CU_TestInfo store_cache_tests[] = {
	{ "modseq.db rebuilt when missing", test_modseq_rebuilt },
	{ "changes since a modseq, by modseq.db", test_changed_since },
	{ "entry of a message", test_extract },
	{ "written at delivery, walked per mailbox", test_delivery_and_walk },
	{ "header too big: no entry", test_big_header },
	{ "copy, move, undelete, expire, delete",
	  test_copy_move_undelete_expire },
	{ "entries filled for old messages", test_fill },
	{ "mailbox header without a scan", test_mailbox_header },
	CU_TEST_INFO_NULL,
};

void test_store_cache_register(void)
{
	unit_suite("store header cache, modseq index", store_cache_tests);
}
