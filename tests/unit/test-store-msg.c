// SPDX-License-Identifier: GPL-2.0
/*
 * CUnit tests of the store's messages: delivery, quota, index records and
 * checksums, flags and modseqs, expunge, undelete, expire, copy and move,
 * audit and crash leftovers.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cu_run.h"
#include "store/store_int.h"
#include "test-store.h"

static const char msg1[] = "From: a@example.org\r\nSubject: one\r\n\r\n"
			   "first body\r\n";
static const char msg2[] = "From: b@example.org\r\nSubject: two\r\n\r\n"
			   "second body, a bit longer\r\n";

/* Read a whole message through store_msg_open(). */
static int ts_read_msg(struct store *st, const char *user, const char *box,
		       uint32_t uid, char *buf, size_t len)
{
	ssize_t n;
	int fd, rc;

	rc = store_msg_open(st, user, box, uid, &fd);
	if (rc)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

static void test_deliver_index(void)
{
	struct store_mailbox_info info;
	struct store_msg *msgs, m;
	unsigned char md[32];
	char dir[64], buf[256];
	time_t before = time(NULL);
	struct store *st;
	uint32_t uid;
	size_t n;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg1, &uid), STORE_OK);
	CU_ASSERT_EQUAL(uid, 1);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", "INBOX", msg2, &uid), STORE_OK);
	CU_ASSERT_EQUAL(uid, 2);
	CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL, STORE_LIST_LIVE, 0,
				       &msgs, &n), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(msgs[0].uid, 1);
	CU_ASSERT_EQUAL(msgs[0].size, strlen(msg1));
	CU_ASSERT_EQUAL(msgs[1].size, strlen(msg2));
	ts_sha256(msg1, strlen(msg1), md);
	CU_ASSERT_EQUAL(memcmp(msgs[0].sha256, md, 32), 0);
	CU_ASSERT(msgs[0].internal_date >= before);
	CU_ASSERT(msgs[0].internal_date <= time(NULL));
	CU_ASSERT_EQUAL(msgs[0].flags, 0);
	CU_ASSERT_EQUAL(msgs[0].expunged_at, 0);
	CU_ASSERT(msgs[1].modseq > msgs[0].modseq);
	free(msgs);
	CU_ASSERT_EQUAL(ts_read_msg(st, "bob", NULL, 2, buf, sizeof(buf)),
			(int)strlen(msg2));
	CU_ASSERT_STRING_EQUAL(buf, msg2);
	CU_ASSERT_EQUAL(store_msg_get(st, "bob", NULL, 1, &m), STORE_OK);
	CU_ASSERT_EQUAL(m.uid, 1);
	CU_ASSERT_EQUAL(store_msg_get(st, "bob", NULL, 3, &m), STORE_ENOMSG);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", NULL, &info), STORE_OK);
	CU_ASSERT_EQUAL(info.exists, 2);
	CU_ASSERT_EQUAL(info.unseen, 2);
	CU_ASSERT_EQUAL(info.uidnext, 3);
	CU_ASSERT_EQUAL(info.bytes, strlen(msg1) + strlen(msg2));
	CU_ASSERT_EQUAL(info.highestmodseq, msgs ? 3 : 0);
	ts_free_slot(st, dir);
}

static void test_deliver_errors(void)
{
	struct store_rcpt_result res;
	struct store_delivery *d;
	unsigned char md[32] = { 0 };
	char dir[64];
	struct store *st;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_delivery_begin(st, 10, &d), STORE_OK);
	CU_ASSERT(store_delivery_fd(d) >= 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_delivery_path(d), dir));
	CU_ASSERT_EQUAL(fcntl(store_delivery_fd(d), F_GETFD) & FD_CLOEXEC,
			FD_CLOEXEC);
	CU_ASSERT_EQUAL(store_delivery_rcpt(d, "nobody", NULL, 0, &res),
			STORE_ENOUSER);
	CU_ASSERT_EQUAL(res.status, STORE_ENOUSER);
	CU_ASSERT_EQUAL(store_delivery_rcpt(d, "../../etc", NULL, 0, &res),
			STORE_ENOUSER);
	/* unknown +detail mailbox: INBOX, like Cyrus */
	CU_ASSERT_EQUAL(store_delivery_rcpt(d, "bob", "lists", 0, &res),
			STORE_OK);
	CU_ASSERT_TRUE(res.fell_back);
	CU_ASSERT_STRING_EQUAL(res.mailbox, "INBOX");
	CU_ASSERT_EQUAL(store_delivery_rcpt(d, "bob", "../x", 0, &res),
			STORE_OK);
	CU_ASSERT_STRING_EQUAL(res.mailbox, "INBOX");
	CU_ASSERT_EQUAL(store_delivery_rcpt(d, "bob", "Sent", 0, &res),
			STORE_OK);
	CU_ASSERT_FALSE(res.fell_back);
	CU_ASSERT_STRING_EQUAL(res.mailbox, "Sent");
	CU_ASSERT_EQUAL(store_delivery_rcpt(d, "bob", "lists",
					    STORE_RCPT_EXACT, &res),
			STORE_ENOMBOX);
	CU_ASSERT_EQUAL(store_delivery_nrcpt(d), 3);
	/* the size must match the file */
	CU_ASSERT_EQUAL(write(store_delivery_fd(d), "12345", 5), 5);
	CU_ASSERT_EQUAL(store_delivery_commit(d, md, 6, 0), STORE_EINVAL);
	CU_ASSERT_EQUAL(store_delivery_result(d, 0)->status, STORE_EINVAL);
	store_delivery_end(d);
	/* an aborted delivery leaves nothing */
	CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL, STORE_LIST_LIVE, 0,
				       (struct store_msg **)&d, &(size_t){0}),
			STORE_OK);
	free(d);
	ts_free_slot(st, dir);
}

static void test_quota(void)
{
	struct store_rcpt_result res;
	struct store_user_info info;
	struct store_delivery *d;
	char dir[64], big[200];
	struct store *st;
	uint32_t uid;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", 100), STORE_OK);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* larger than the whole quota: permanent */
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, big, &uid),
			STORE_EQUOTA_PERM);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg1, &uid), STORE_OK);
	/* fits the quota but not what is left: temporary */
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg2, &uid),
			STORE_EQUOTA);
	CU_ASSERT_PTR_NOT_NULL(strstr(store_error(st), "full"));
	CU_ASSERT_EQUAL(store_user_info(st, "bob", &info), STORE_OK);
	CU_ASSERT_EQUAL(info.used, strlen(msg1));
	/* the size hint is checked at RCPT time already */
	CU_ASSERT_EQUAL(store_delivery_begin(st, 1000, &d), STORE_OK);
	CU_ASSERT_EQUAL(store_delivery_rcpt(d, "bob", NULL, 0, &res),
			STORE_EQUOTA_PERM);
	store_delivery_end(d);
	/* expunging frees quota */
	CU_ASSERT_EQUAL(store_msg_expunge(st, "bob", NULL, &(uint32_t){1}, 1,
					  NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_user_info(st, "bob", &info), STORE_OK);
	CU_ASSERT_EQUAL(info.used, 0);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg2, &uid), STORE_OK);
	CU_ASSERT_EQUAL(store_user_set_quota(st, "bob", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, big, &uid), STORE_OK);
	ts_free_slot(st, dir);
}

/* One message, several recipients: hard links, per-recipient results. */
static void test_multi_rcpt(void)
{
	const struct store_rcpt_result *r;
	struct store_delivery *d;
	unsigned char md[32];
	char dir[64], path[256], buf[256];
	struct store *st;
	struct stat sb;
	size_t len = strlen(msg2);

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "amy", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_user_add(st, "cat", "pw", 10), STORE_OK);
	CU_ASSERT_EQUAL(store_delivery_begin(st, 0, &d), STORE_OK);
	CU_ASSERT_EQUAL(store_delivery_rcpt(d, "amy", NULL, 0, NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_delivery_rcpt(d, "bob", "Junk", 0, NULL),
			STORE_OK);
	CU_ASSERT_EQUAL(store_delivery_rcpt(d, "cat", NULL, 0, NULL), STORE_OK);
	CU_ASSERT_EQUAL(write(store_delivery_fd(d), msg2, len), (ssize_t)len);
	ts_sha256(msg2, len, md);
	/* cat's quota is too small for the real size */
	CU_ASSERT_EQUAL(store_delivery_commit(d, md, len, 1700000000),
			STORE_EQUOTA_PERM);
	r = store_delivery_result(d, 0);
	CU_ASSERT_EQUAL(r->status, STORE_OK);
	CU_ASSERT_EQUAL(r->uid, 1);
	r = store_delivery_result(d, 1);
	CU_ASSERT_EQUAL(r->status, STORE_OK);
	CU_ASSERT_STRING_EQUAL(r->mailbox, "Junk");
	CU_ASSERT_EQUAL(store_delivery_result(d, 2)->status,
			STORE_EQUOTA_PERM);
	CU_ASSERT_PTR_NULL(store_delivery_result(d, 3));
	snprintf(path, sizeof(path), "%s", store_delivery_path(d));
	store_delivery_end(d);
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	CU_ASSERT_EQUAL(ts_read_msg(st, "bob", "Junk", 1, buf, sizeof(buf)),
			(int)len);
	CU_ASSERT_STRING_EQUAL(buf, msg2);
	CU_ASSERT_EQUAL(ts_read_msg(st, "cat", NULL, 1, buf, sizeof(buf)), -1);
	{
		struct store_msg m;
		int fd;

		CU_ASSERT_EQUAL(store_msg_get(st, "amy", NULL, 1, &m),
				STORE_OK);
		CU_ASSERT_EQUAL(m.internal_date, 1700000000);
		CU_ASSERT_EQUAL(store_msg_open(st, "amy", NULL, 1, &fd),
				STORE_OK);
		CU_ASSERT_EQUAL(fstat(fd, &sb), 0);
		CU_ASSERT_EQUAL(sb.st_nlink, 2);	/* amy and bob */
		close(fd);
	}
	ts_free_slot(st, dir);
}

static void test_flags_modseq(void)
{
	struct store_msg m;
	uint32_t uids[3] = { 1, 2, 99 }, failed[3];
	uint64_t ms;
	char dir[64];
	struct store *st;
	size_t nf;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg1, NULL), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg2, NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_msg_get(st, "bob", NULL, 2, &m), STORE_OK);
	ms = m.modseq;
	CU_ASSERT_EQUAL(store_msg_set_flags(st, "bob", NULL, uids, 3,
					    STORE_FLAGS_ADD, STORE_FLAG_SEEN |
					    STORE_FLAG_FLAGGED,
					    0x5, UINT64_MAX, failed, &nf),
			STORE_OK);
	CU_ASSERT_EQUAL(nf, 0);
	CU_ASSERT_EQUAL(store_msg_get(st, "bob", NULL, 1, &m), STORE_OK);
	CU_ASSERT_EQUAL(m.flags, STORE_FLAG_SEEN | STORE_FLAG_FLAGGED);
	CU_ASSERT_EQUAL(m.keywords, 0x5);
	CU_ASSERT(m.modseq > ms);
	ms = m.modseq;
	CU_ASSERT_EQUAL(store_msg_set_flags(st, "bob", NULL, uids, 1,
					    STORE_FLAGS_REMOVE,
					    STORE_FLAG_FLAGGED, 0x1,
					    UINT64_MAX, NULL, NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_msg_get(st, "bob", NULL, 1, &m), STORE_OK);
	CU_ASSERT_EQUAL(m.flags, STORE_FLAG_SEEN);
	CU_ASSERT_EQUAL(m.keywords, 0x4);
	CU_ASSERT(m.modseq > ms);
	ms = m.modseq;
	/* no change, no new modseq */
	CU_ASSERT_EQUAL(store_msg_set_flags(st, "bob", NULL, uids, 1,
					    STORE_FLAGS_SET, STORE_FLAG_SEEN,
					    0x4, UINT64_MAX, NULL, NULL),
			STORE_OK);
	CU_ASSERT_EQUAL(store_msg_get(st, "bob", NULL, 1, &m), STORE_OK);
	CU_ASSERT_EQUAL(m.modseq, ms);
	/* UNCHANGEDSINCE: message 1 changed after ms - 1 */
	CU_ASSERT_EQUAL(store_msg_set_flags(st, "bob", NULL, uids, 2,
					    STORE_FLAGS_SET, STORE_FLAG_DRAFT,
					    0, ms - 1, failed, &nf),
			STORE_OK);
	CU_ASSERT_EQUAL(nf, 1);
	CU_ASSERT_EQUAL(failed[0], 1);
	CU_ASSERT_EQUAL(store_msg_get(st, "bob", NULL, 1, &m), STORE_OK);
	CU_ASSERT_EQUAL(m.flags, STORE_FLAG_SEEN);
	{
		struct store_msg *msgs;
		size_t n;

		/* CHANGEDSINCE */
		CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL,
					       STORE_LIST_LIVE, ms, &msgs,
					       &n), STORE_OK);
		CU_ASSERT_EQUAL(n, 1);
		if (n)
			CU_ASSERT_EQUAL(msgs[0].uid, 1 + 1);
		free(msgs);
	}
	ts_free_slot(st, dir);
}

static void test_expunge_undelete_expire(void)
{
	struct store_mailbox_info info;
	struct store_msg *msgs, m;
	char dir[64], buf[256], err[STORE_ERR_LEN];
	struct store *st;
	size_t n, count;
	uint32_t uid;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg1, NULL), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg2, NULL), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg1, NULL), STORE_OK);
	/* EXPUNGE of \Deleted messages */
	CU_ASSERT_EQUAL(store_msg_set_flags(st, "bob", NULL, &(uint32_t){2},
					    1, STORE_FLAGS_ADD,
					    STORE_FLAG_DELETED, 0, UINT64_MAX,
					    NULL, NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_msg_expunge(st, "bob", NULL, NULL, 0, &count),
			STORE_OK);
	CU_ASSERT_EQUAL(count, 1);
	/* POP3-style expunge of a UID list */
	CU_ASSERT_EQUAL(store_msg_expunge(st, "bob", NULL, &(uint32_t){3}, 1,
					  &count), STORE_OK);
	CU_ASSERT_EQUAL(count, 1);
	CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL, STORE_LIST_LIVE, 0,
				       &msgs, &n), STORE_OK);
	CU_ASSERT_EQUAL(n, 1);
	free(msgs);
	CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL, STORE_LIST_EXPUNGED,
				       0, &msgs, &n), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT(msgs[0].expunged_at > 0);
	free(msgs);
	/* expunged files stay readable until they expire */
	CU_ASSERT_EQUAL(ts_read_msg(st, "bob", NULL, 2, buf, sizeof(buf)),
			(int)strlen(msg2));

	/* undelete brings them back under new UIDs, without \Deleted */
	CU_ASSERT_EQUAL(store_undelete(st, "bob", NULL, 0, &count), STORE_OK);
	CU_ASSERT_EQUAL(count, 2);
	CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL,
				       STORE_LIST_LIVE | STORE_LIST_EXPUNGED,
				       0, &msgs, &n), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(msgs[0].uid, 1);
	CU_ASSERT_EQUAL(msgs[1].uid, 4);
	CU_ASSERT_EQUAL(msgs[2].uid, 5);
	CU_ASSERT_EQUAL(msgs[1].flags & STORE_FLAG_DELETED, 0);
	CU_ASSERT_EQUAL(msgs[1].expunged_at, 0);
	free(msgs);
	CU_ASSERT_EQUAL(ts_read_msg(st, "bob", NULL, 4, buf, sizeof(buf)),
			(int)strlen(msg2));
	CU_ASSERT_STRING_EQUAL(buf, msg2);
	CU_ASSERT_EQUAL(store_msg_get(st, "bob", NULL, 2, &m), STORE_ENOMSG);

	/* expire: nothing before the retention, everything after */
	CU_ASSERT_EQUAL(store_msg_expunge(st, "bob", NULL, (uint32_t[]){ 1, 4 },
					  2, &count), STORE_OK);
	CU_ASSERT_EQUAL(store_expire(st, time(NULL), 3600, &count), STORE_OK);
	CU_ASSERT_EQUAL(count, 0);
	CU_ASSERT_EQUAL(store_undelete(st, "bob", NULL, time(NULL) + 100,
				       &count), STORE_OK);
	CU_ASSERT_EQUAL(count, 0);	/* none expunged since then */
	CU_ASSERT_EQUAL(store_expire(st, time(NULL) + 3600, 3600, &count),
			STORE_OK);
	CU_ASSERT_EQUAL(count, 2);
	CU_ASSERT_EQUAL(ts_read_msg(st, "bob", NULL, 4, buf, sizeof(buf)), -1);
	CU_ASSERT_EQUAL(store_msg_get(st, "bob", NULL, 4, &m), STORE_ENOMSG);

	/* UIDs are never reused, also after close and reopen */
	store_close(st);
	CU_ASSERT_EQUAL_FATAL(store_open(dir, 0, &st, err, sizeof(err)),
			      STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg1, &uid), STORE_OK);
	CU_ASSERT_EQUAL(uid, 6);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", NULL, &info), STORE_OK);
	CU_ASSERT_EQUAL(info.uidnext, 7);
	CU_ASSERT_EQUAL(info.exists, 2);
	CU_ASSERT_EQUAL(info.expunged, 0);
	ts_free_slot(st, dir);
}

static void test_copy_move(void)
{
	struct store_user_info info;
	uint32_t dst[3];
	struct store_msg m;
	char dir[64], buf[256];
	struct store *st;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", 1000), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg1, NULL), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg2, NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_msg_copy(st, "bob", NULL, "Archive",
				       (uint32_t[]){ 2, 7, 1 }, 3, false, dst),
			STORE_OK);
	CU_ASSERT_EQUAL(dst[0], 1);
	CU_ASSERT_EQUAL(dst[1], 0);
	CU_ASSERT_EQUAL(dst[2], 2);
	CU_ASSERT_EQUAL(ts_read_msg(st, "bob", "Archive", 1, buf, sizeof(buf)),
			(int)strlen(msg2));
	CU_ASSERT_STRING_EQUAL(buf, msg2);
	CU_ASSERT_EQUAL(store_user_info(st, "bob", &info), STORE_OK);
	CU_ASSERT_EQUAL(info.used, 2 * (strlen(msg1) + strlen(msg2)));
	/* move: the original is expunged, usage unchanged */
	CU_ASSERT_EQUAL(store_msg_copy(st, "bob", NULL, "Trash",
				       (uint32_t[]){ 1 }, 1, true, dst),
			STORE_OK);
	CU_ASSERT_EQUAL(dst[0], 1);
	CU_ASSERT_EQUAL(store_msg_get(st, "bob", NULL, 1, &m), STORE_OK);
	CU_ASSERT(m.expunged_at > 0);
	CU_ASSERT_EQUAL(store_user_info(st, "bob", &info), STORE_OK);
	CU_ASSERT_EQUAL(info.used, 2 * (strlen(msg1) + strlen(msg2)));
	CU_ASSERT_EQUAL(store_msg_copy(st, "bob", NULL, "Nope",
				       (uint32_t[]){ 2 }, 1, false, dst),
			STORE_ENOMBOX);
	/* a copy over quota is refused and leaves nothing behind */
	CU_ASSERT_EQUAL(store_user_set_quota(st, "bob", info.used + 10),
			STORE_OK);
	CU_ASSERT_EQUAL(store_msg_copy(st, "bob", NULL, "Drafts",
				       (uint32_t[]){ 2 }, 1, false, dst),
			STORE_EQUOTA);
	CU_ASSERT_EQUAL(store_msg_get(st, "bob", "Drafts", 1, &m),
			STORE_ENOMSG);
	ts_free_slot(st, dir);
}

struct ts_audit {
	int kinds[STORE_AUDIT_USAGE + 1];
};

static void ts_audit_report(void *arg, const struct store_audit_issue *is)
{
	struct ts_audit *a = arg;

	a->kinds[is->kind]++;
}

static void test_audit(void)
{
	struct store_audit_stats stats;
	struct store_mailbox_info info;
	struct ts_audit a;
	char dir[64], path[256];
	struct store *st;
	FILE *f;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg1, NULL), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg2, NULL), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg2, NULL), STORE_OK);
	memset(&a, 0, sizeof(a));
	CU_ASSERT_EQUAL(store_audit(st, ts_audit_report, &a, &stats),
			STORE_OK);
	CU_ASSERT_EQUAL(stats.issues, 0);
	CU_ASSERT_EQUAL(stats.messages, 3);
	CU_ASSERT_EQUAL(stats.users, 1);

	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", NULL, &info), STORE_OK);
	/* flip one byte of message 1 (same size) */
	snprintf(path, sizeof(path), "%s/mail/bob/%llu/1", dir,
		 (unsigned long long)info.id);
	f = fopen(path, "r+");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, 5, SEEK_SET);
	fputc('X', f);
	fclose(f);
	/* remove message 2, add an orphan */
	snprintf(path, sizeof(path), "%s/mail/bob/%llu/2", dir,
		 (unsigned long long)info.id);
	CU_ASSERT_EQUAL(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/mail/bob/%llu/1.bak", dir,
		 (unsigned long long)info.id);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	memset(&a, 0, sizeof(a));
	CU_ASSERT_EQUAL(store_audit(st, ts_audit_report, &a, &stats),
			STORE_OK);
	CU_ASSERT_EQUAL(stats.issues, 3);
	CU_ASSERT_EQUAL(a.kinds[STORE_AUDIT_MISMATCH], 1);
	CU_ASSERT_EQUAL(a.kinds[STORE_AUDIT_MISSING], 1);
	CU_ASSERT_EQUAL(a.kinds[STORE_AUDIT_ORPHAN], 1);
	ts_free_slot(st, dir);
}

/* Leftovers of a crashed delivery are cleaned when the slot is reopened. */
static void test_recovery_leftovers(void)
{
	struct store_audit_stats stats;
	struct store_mailbox_info info;
	char dir[64], path[256], err[STORE_ERR_LEN];
	struct store *st;
	uint32_t uid;
	FILE *f;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg1, NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", NULL, &info), STORE_OK);
	store_close(st);
	/* a dead handle's temp dir, and a linked but uncommitted UID 2 */
	snprintf(path, sizeof(path), "%s/tmp/1.dead", dir);
	CU_ASSERT_EQUAL(mkdir(path, 0750), 0);
	snprintf(path, sizeof(path), "%s/tmp/1.dead/lock", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/tmp/1.dead/7", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("half a message", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/mail/bob/%llu/2", dir,
		 (unsigned long long)info.id);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("uncommitted", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(store_open(dir, 0, &st, err, sizeof(err)),
			      STORE_OK);
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/tmp/1.dead", dir);
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	CU_ASSERT_EQUAL(store_audit(st, NULL, NULL, &stats), STORE_OK);
	CU_ASSERT_EQUAL(stats.issues, 0);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg2, &uid), STORE_OK);
	CU_ASSERT_EQUAL(uid, 2);
	ts_free_slot(st, dir);
}

static void test_user_delete_files(void)
{
	struct store_audit_stats stats;
	char dir[64], path[256];
	struct store *st;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg1, NULL), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", "Junk", msg1, NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_user_del(st, "bob"), STORE_OK);
	snprintf(path, sizeof(path), "%s/mail/bob", dir);
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	CU_ASSERT_EQUAL(store_audit(st, NULL, NULL, &stats), STORE_OK);
	CU_ASSERT_EQUAL(stats.issues, 0);
	CU_ASSERT_EQUAL(stats.messages, 0);
	ts_free_slot(st, dir);
}

static void test_dump(void)
{
	char dir[64], want[64], *text = NULL;
	struct store *st;
	size_t len = 0;
	FILE *f;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", 4096), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg1, NULL), STORE_OK);
	f = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(store_dump(st, f), STORE_OK);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "layout version 2"));
	snprintf(want, sizeof(want), "bob: quota 4096 used %zu", strlen(msg1));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "bob\\0INBOX: id 1"));
	snprintf(want, sizeof(want), "uid 1: size %zu", strlen(msg1));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, want));
	CU_ASSERT_PTR_NULL(strstr(text, "pw"));
	free(text);
	ts_free_slot(st, dir);
}


/*
 * A process that dies inside a transaction (kill -9 of a slotctl) holds
 * database locks; store_checkpoint() (failchk) must release them so that a
 * long-running handle (slotd) goes on.  An alarm turns a hang into a
 * failure.
 */
static void test_dead_process_locks(void)
{
	char dir[64], err[STORE_ERR_LEN];
	struct store *st, *child_st;
	int pipefd[2], status;
	pid_t pid;
	char c;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL_FATAL(pipe(pipefd), 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		DB_TXN *txn;
		struct store_user_rec u;

		if (store_open(dir, 0, &child_st, err, sizeof(err)) ||
		    child_st->env->txn_begin(child_st->env, NULL, &txn, 0) ||
		    store_user_get(child_st, txn, "bob", &u, DB_RMW) ||
		    store_user_put(child_st, txn, "bob", &u))
			_exit(1);
		/* holding bob's write lock: tell the parent, wait to die */
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	CU_ASSERT_EQUAL_FATAL(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	kill(pid, SIGKILL);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	alarm(20);
	CU_ASSERT_EQUAL(store_checkpoint(st), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, msg1, NULL), STORE_OK);
	alarm(0);
	ts_free_slot(st, dir);
}

/*
 * Recovery runs only when nobody else has the slot open: with handle b
 * still open after a is closed, opening c must not run it (a leftover
 * above UIDNEXT, which only recovery removes, is the witness).
 */
static void test_recovery_only_alone(void)
{
	char dir[64], path[256], path3[256], err[STORE_ERR_LEN], buf[256];
	struct store_mailbox_info info;
	struct store *a, *b, *c;
	FILE *f;

	a = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(store_user_add(a, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_info(a, "bob", NULL, &info), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(a, "bob", NULL, msg1, NULL), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(store_open(dir, 0, &b, err, sizeof(err)),
			      STORE_OK);
	store_close(a);
	/* what a delivery of two, killed before its commit, leaves */
	snprintf(path, sizeof(path), "%s/mail/bob/%llu/2", dir,
		 (unsigned long long)info.id);
	snprintf(path3, sizeof(path3), "%s/mail/bob/%llu/3", dir,
		 (unsigned long long)info.id);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	f = fopen(path3, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(store_open(dir, 0, &c, err, sizeof(err)),
			      STORE_OK);
	CU_ASSERT_EQUAL(access(path3, F_OK), 0);
	/* a new delivery replaces the leftover at its UID */
	CU_ASSERT_EQUAL(ts_deliver(c, "bob", NULL, msg2, NULL), STORE_OK);
	store_close(c);
	store_close(b);
	/* alone now: recovery removes the rest */
	CU_ASSERT_EQUAL_FATAL(store_open(dir, 0, &a, err, sizeof(err)),
			      STORE_OK);
	CU_ASSERT_NOT_EQUAL(access(path3, F_OK), 0);
	CU_ASSERT_EQUAL(ts_read_msg(a, "bob", NULL, 2, buf, sizeof(buf)),
			(int)strlen(msg2));
	ts_free_slot(a, dir);
}

/* Group commit: valid deliveries commit together, an invalid one alone. */
static void test_commit_many(void)
{
	static const char *const texts[3] = { msg1, msg2, msg1 };
	struct store_delivery *ds[3];
	unsigned char md[32];
	struct store_msg *msgs;
	char dir[64];
	struct store *st;
	size_t i, n;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_user_add(st, "amy", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	for (i = 0; i < 3; i++) {
		size_t len = strlen(texts[i]);

		CU_ASSERT_EQUAL_FATAL(store_delivery_begin(st, len, &ds[i]),
				      STORE_OK);
		CU_ASSERT_EQUAL(store_delivery_rcpt(ds[i], "bob", NULL, 0,
						    NULL), STORE_OK);
		CU_ASSERT_EQUAL(write(store_delivery_fd(ds[i]), texts[i],
				      len), (ssize_t)len);
		ts_sha256(texts[i], len, md);
		/* the second one lies about its size */
		store_delivery_set_content(ds[i], md, len + (i == 1), 0);
	}
	CU_ASSERT_EQUAL(store_delivery_rcpt(ds[2], "amy", NULL, 0, NULL),
			STORE_OK);
	CU_ASSERT_EQUAL(store_delivery_commit_many(ds, 3), STORE_EINVAL);
	CU_ASSERT_EQUAL(store_delivery_result(ds[0], 0)->status, STORE_OK);
	CU_ASSERT_EQUAL(store_delivery_result(ds[0], 0)->uid, 1);
	CU_ASSERT_EQUAL(store_delivery_result(ds[1], 0)->status,
			STORE_EINVAL);
	CU_ASSERT_EQUAL(store_delivery_result(ds[2], 0)->status, STORE_OK);
	CU_ASSERT_EQUAL(store_delivery_result(ds[2], 0)->uid, 2);
	CU_ASSERT_EQUAL(store_delivery_result(ds[2], 1)->status, STORE_OK);
	CU_ASSERT_EQUAL(store_delivery_result(ds[2], 1)->uid, 1);
	for (i = 0; i < 3; i++)
		store_delivery_end(ds[i]);
	CU_ASSERT_EQUAL(store_msg_list(st, "bob", NULL, STORE_LIST_LIVE, 0,
				       &msgs, &n), STORE_OK);
	CU_ASSERT_EQUAL(n, 2);
	free(msgs);
	ts_free_slot(st, dir);
}

/*
 * A deleted mailbox keeps its messages for retention: undelete brings it
 * back (under its name, or a variant if the name was taken again), and
 * expire removes it for good.
 */
static void test_mailbox_delete_retention(void)
{
	struct store_audit_stats stats;
	struct store_mailbox_info info;
	struct store_user_info ui;
	char dir[64], buf[256];
	struct store *st;
	size_t count;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_create(st, "bob", "Lists", 0), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", "Lists", msg1, NULL), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", "Lists", msg2, NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_delete(st, "bob", "Lists"), STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", "Lists", &info),
			STORE_ENOMBOX);
	CU_ASSERT_EQUAL(store_user_info(st, "bob", &ui), STORE_OK);
	CU_ASSERT_EQUAL(ui.used, 0);
	CU_ASSERT_EQUAL(store_audit(st, NULL, NULL, &stats), STORE_OK);
	CU_ASSERT_EQUAL(stats.issues, 0);
	CU_ASSERT_EQUAL(stats.messages, 2);

	/* undelete by name: the mailbox and its messages come back */
	CU_ASSERT_EQUAL(store_undelete(st, "bob", "Lists", 0, &count),
			STORE_OK);
	CU_ASSERT_EQUAL(count, 2);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", "Lists", &info),
			STORE_OK);
	CU_ASSERT_EQUAL(info.exists, 2);
	CU_ASSERT_EQUAL(info.uidnext, 5);
	CU_ASSERT_EQUAL(ts_read_msg(st, "bob", "Lists", 3, buf, sizeof(buf)),
			(int)strlen(msg1));
	CU_ASSERT_EQUAL(store_user_info(st, "bob", &ui), STORE_OK);
	CU_ASSERT_EQUAL(ui.used, strlen(msg1) + strlen(msg2));

	/* the name taken again: restored as a variant (undelete all) */
	CU_ASSERT_EQUAL(store_mailbox_delete(st, "bob", "Lists"), STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_create(st, "bob", "Lists", 0), STORE_OK);
	CU_ASSERT_EQUAL(store_undelete(st, "bob", NULL, 0, &count), STORE_OK);
	CU_ASSERT_EQUAL(count, 2);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", "Lists", &info),
			STORE_OK);
	CU_ASSERT_EQUAL(info.exists, 0);
	snprintf(buf, sizeof(buf), "Lists.restored-%llu",
		 (unsigned long long)info.id - 1);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", buf, &info), STORE_OK);
	CU_ASSERT_EQUAL(info.exists, 2);
	CU_ASSERT_EQUAL(store_undelete(st, "bob", "Nothing", 0, &count),
			STORE_ENOMBOX);

	/* deleted and expired: records, files and directory are gone */
	CU_ASSERT_EQUAL(store_mailbox_delete(st, "bob", buf), STORE_OK);
	CU_ASSERT_EQUAL(store_expire(st, time(NULL), 3600, &count), STORE_OK);
	CU_ASSERT_EQUAL(count, 0);
	CU_ASSERT_EQUAL(store_expire(st, time(NULL) + 7200, 3600, &count),
			STORE_OK);
	CU_ASSERT_EQUAL(count, 2);
	snprintf(buf, sizeof(buf), "%s/mail/bob/%llu", dir,
		 (unsigned long long)info.id);
	CU_ASSERT_NOT_EQUAL(access(buf, F_OK), 0);
	CU_ASSERT_EQUAL(store_undelete(st, "bob", NULL, 0, &count), STORE_OK);
	CU_ASSERT_EQUAL(count, 0);
	CU_ASSERT_EQUAL(store_audit(st, NULL, NULL, &stats), STORE_OK);
	CU_ASSERT_EQUAL(stats.issues, 0);
	CU_ASSERT_EQUAL(stats.messages, 0);
	ts_free_slot(st, dir);
}

static CU_TestInfo store_msg_tests[] = {
	{ "delivery and index records", test_deliver_index },
	{ "delivery errors and fallback", test_deliver_errors },
	{ "quota temporary and permanent", test_quota },
	{ "one message, several recipients", test_multi_rcpt },
	{ "group commit of several deliveries", test_commit_many },
	{ "flags, keywords, modseq", test_flags_modseq },
	{ "expunge, undelete, expire, UIDs", test_expunge_undelete_expire },
	{ "copy and move", test_copy_move },
	{ "deleted mailbox kept, undeleted, expired",
	  test_mailbox_delete_retention },
	{ "audit finds corruption", test_audit },
	{ "recovery removes leftovers", test_recovery_leftovers },
	{ "deleting a user removes files", test_user_delete_files },
	{ "dump", test_dump },
	{ "locks of a dead process released", test_dead_process_locks },
	{ "recovery only when alone", test_recovery_only_alone },
	CU_TEST_INFO_NULL,
};

void test_store_msg_register(void)
{
	unit_suite("store messages", store_msg_tests);
}
