// SPDX-License-Identifier: GPL-2.0
/*
 * CUnit tests of the store: slot creation, users and passwords, names,
 * mailboxes, subscriptions, keywords.  Messages are in test-store-msg.c.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cu_run.h"
#include "test-store.h"

struct store *ts_new_slot(char *dir, size_t len)
{
	char err[STORE_ERR_LEN];
	struct store *st = NULL;

	snprintf(dir, len, "/tmp/test-store.XXXXXX");
	if (!mkdtemp(dir))
		return NULL;
	if (store_create(dir, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "store_create: %s\n", err);
		return NULL;
	}
	if (store_open(dir, 0, &st, err, sizeof(err)) != STORE_OK)
		fprintf(stderr, "store_open: %s\n", err);
	return st;
}

void ts_free_slot(struct store *st, const char *dir)
{
	char cmd[300];

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

void ts_sha256(const void *data, size_t len, unsigned char *md)
{
	EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL);
}

int ts_deliver(struct store *st, const char *user, const char *mailbox,
	       const char *text, uint32_t *uid)
{
	const struct store_rcpt_result *res;
	struct store_delivery *d;
	size_t len = strlen(text);
	unsigned char md[32];
	int rc;

	rc = store_delivery_begin(st, len, &d);
	if (rc)
		return rc;
	rc = store_delivery_rcpt(d, user, mailbox, 0, NULL);
	if (rc == STORE_OK &&
	    (write(store_delivery_fd(d), text, len) != (ssize_t)len ||
	     fsync(store_delivery_fd(d)) < 0))
		rc = STORE_EIO;
	if (rc == STORE_OK) {
		ts_sha256(text, len, md);
		rc = store_delivery_commit(d, md, len, 0);
		res = store_delivery_result(d, 0);
		if (uid)
			*uid = res ? res->uid : 0;
	}
	store_delivery_end(d);
	return rc;
}

/* ---- slot ---- */

static void test_create_open(void)
{
	char dir[64], err[STORE_ERR_LEN], path[128], line[64], want[64];
	struct store *st, *st2;
	FILE *f;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	/* a second handle (as slotctl next to slotd) */
	CU_ASSERT_EQUAL(store_open(dir, 0, &st2, err, sizeof(err)), STORE_OK);
	CU_ASSERT_EQUAL(store_user_add(st2, "amy", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_user_exists(st, "amy"), STORE_OK);
	store_close(st2);
	/* creating over an existing slot is refused */
	CU_ASSERT_EQUAL(store_create(dir, err, sizeof(err)), STORE_EEXIST);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not an empty directory"));
	/* an unknown layout version is refused */
	store_close(st);
	snprintf(path, sizeof(path), "%s/LAYOUT", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "twinstore-slot 99\n");
	fclose(f);
	CU_ASSERT_EQUAL(store_open(dir, 0, &st, err, sizeof(err)),
			STORE_EVERSION);
	CU_ASSERT_PTR_NULL(st);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "version 99"));
	/* version 1 (before modseq.db and cache.db) is upgraded on open */
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "twinstore-slot 1\n");
	fclose(f);
	CU_ASSERT_EQUAL(store_open(dir, 0, &st, err, sizeof(err)), STORE_OK);
	CU_ASSERT_EQUAL(store_user_exists(st, "amy"), STORE_OK);
	store_close(st);
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof(line), f));
	fclose(f);
	snprintf(want, sizeof(want), "twinstore-slot %d\n",
		 SLOT_LAYOUT_VERSION);
	CU_ASSERT_STRING_EQUAL(line, want);
	/* not a slot at all */
	CU_ASSERT_EQUAL(store_open("/tmp", 0, &st, err, sizeof(err)),
			STORE_EVERSION);
	ts_free_slot(NULL, dir);
}

static void test_retention_conf(void)
{
	char dir[64], err[STORE_ERR_LEN], path[128];
	struct store *st;
	FILE *f;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_retention(st), STORE_RETENTION_DEFAULT);
	store_close(st);
	snprintf(path, sizeof(path), "%s/slot.conf", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "# comment\nlmtp = 127.0.0.1:24\n"
		"expunge_retention = 2d   # two days\n");
	fclose(f);
	CU_ASSERT_EQUAL(store_open(dir, 0, &st, err, sizeof(err)), STORE_OK);
	CU_ASSERT_EQUAL(store_retention(st), 2 * 86400);
	store_close(st);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "expunge_retention = soon\n");
	fclose(f);
	CU_ASSERT_EQUAL(store_open(dir, 0, &st, err, sizeof(err)),
			STORE_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "expunge_retention"));
	ts_free_slot(NULL, dir);
}

/* ---- users ---- */

static void test_users(void)
{
	struct store_user_info *users, info;
	char dir[64];
	struct store *st;
	size_t n;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "Bob", "secret", 1000), STORE_OK);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "x", 1), STORE_EEXIST);
	CU_ASSERT_STRING_EQUAL(store_error(st), "user 'bob' already exists");
	CU_ASSERT_EQUAL(store_user_add(st, "alice", "a", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_user_add(st, "carol", "", 1), STORE_EINVAL);
	CU_ASSERT_EQUAL(store_user_exists(st, "BOB"), STORE_OK);
	CU_ASSERT_EQUAL(store_user_exists(st, "nobody"), STORE_ENOUSER);
	CU_ASSERT_EQUAL(store_user_list(st, &users, &n), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(users[0].name, "alice");
	CU_ASSERT_EQUAL(users[0].quota, STORE_QUOTA_NONE);
	CU_ASSERT_STRING_EQUAL(users[1].name, "bob");
	CU_ASSERT_EQUAL(users[1].quota, 1000);
	CU_ASSERT_EQUAL(users[1].used, 0);
	free(users);
	CU_ASSERT_EQUAL(store_user_set_quota(st, "bob", 5000), STORE_OK);
	CU_ASSERT_EQUAL(store_user_info(st, "bob", &info), STORE_OK);
	CU_ASSERT_EQUAL(info.quota, 5000);
	CU_ASSERT_EQUAL(store_user_set_quota(st, "nobody", 1), STORE_ENOUSER);
	CU_ASSERT_EQUAL(store_user_del(st, "alice"), STORE_OK);
	CU_ASSERT_EQUAL(store_user_del(st, "alice"), STORE_ENOUSER);
	CU_ASSERT_EQUAL(store_user_exists(st, "alice"), STORE_ENOUSER);
	/* a deleted user's name can be used again, from scratch */
	CU_ASSERT_EQUAL(store_user_add(st, "alice", "b", 7), STORE_OK);
	CU_ASSERT_EQUAL(store_user_info(st, "alice", &info), STORE_OK);
	CU_ASSERT_EQUAL(info.quota, 7);
	ts_free_slot(st, dir);
}

static void test_auth(void)
{
	char dir[64];
	struct store *st;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "correct horse", 0),
			STORE_OK);
	CU_ASSERT_EQUAL(store_user_auth(st, "bob", "correct horse"), STORE_OK);
	CU_ASSERT_EQUAL(store_user_auth(st, "BOB", "correct horse"), STORE_OK);
	CU_ASSERT_EQUAL(store_user_auth(st, "bob", "correct horse "),
			STORE_EAUTH);
	CU_ASSERT_EQUAL(store_user_auth(st, "bob", ""), STORE_EAUTH);
	CU_ASSERT_EQUAL(store_user_auth(st, "eve", "correct horse"),
			STORE_EAUTH);
	CU_ASSERT_EQUAL(store_user_auth(st, "../etc", "x"), STORE_EAUTH);
	CU_ASSERT_EQUAL(store_user_passwd(st, "bob", "battery staple"),
			STORE_OK);
	CU_ASSERT_EQUAL(store_user_auth(st, "bob", "correct horse"),
			STORE_EAUTH);
	CU_ASSERT_EQUAL(store_user_auth(st, "bob", "battery staple"),
			STORE_OK);
	CU_ASSERT_EQUAL(store_user_passwd(st, "eve", "x"), STORE_ENOUSER);
	ts_free_slot(st, dir);
}

/* The password never appears in clear anywhere under the slot. */
static void test_password_not_stored(void)
{
	char dir[64], cmd[200];
	struct store *st;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "Zq7-unlikely-Pw", 0),
			STORE_OK);
	CU_ASSERT_EQUAL(store_checkpoint(st), STORE_OK);
	snprintf(cmd, sizeof(cmd), "grep -rq Zq7-unlikely-Pw '%s'", dir);
	CU_ASSERT_NOT_EQUAL(system(cmd), 0);
	ts_free_slot(st, dir);
}

/* ---- names ---- */

static void test_user_names(void)
{
	char buf[100];

	CU_ASSERT_TRUE(store_user_name_valid("bob"));
	CU_ASSERT_TRUE(store_user_name_valid("Bob.Smith@example.org"));
	CU_ASSERT_TRUE(store_user_name_valid("a_b-c"));
	CU_ASSERT_FALSE(store_user_name_valid(""));
	CU_ASSERT_FALSE(store_user_name_valid(".."));
	CU_ASSERT_FALSE(store_user_name_valid(".hidden"));
	CU_ASSERT_FALSE(store_user_name_valid("-rf"));
	CU_ASSERT_FALSE(store_user_name_valid("a/b"));
	CU_ASSERT_FALSE(store_user_name_valid("bob+tag"));
	CU_ASSERT_FALSE(store_user_name_valid("bob smith"));
	CU_ASSERT_FALSE(store_user_name_valid("b\nob"));
	memset(buf, 'a', 65);
	buf[65] = '\0';
	CU_ASSERT_FALSE(store_user_name_valid(buf));
	buf[64] = '\0';
	CU_ASSERT_TRUE(store_user_name_valid(buf));
}

static void test_mailbox_names(void)
{
	static const char *const bad[] = {
		"", "/", "/etc", "a/", "a//b", ".", "..", "a/../b", "a/./b",
		"../x", "a/..", "tab\there", "nl\n", "del\x7f", "a*", "50%",
		"\xc0\xaf", "\xff", "\xed\xa0\x80",
	};
	char out[STORE_MAILBOX_MAX + 1], longname[300];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (store_mailbox_name_normalize(bad[i], out) !=
		    STORE_EBADNAME)
			CU_FAIL(bad[i]);
	}
	CU_ASSERT_EQUAL(store_mailbox_name_normalize("inbox", out), STORE_OK);
	CU_ASSERT_STRING_EQUAL(out, "INBOX");
	CU_ASSERT_EQUAL(store_mailbox_name_normalize("Inbox/Lists", out),
			STORE_OK);
	CU_ASSERT_STRING_EQUAL(out, "INBOX/Lists");
	CU_ASSERT_EQUAL(store_mailbox_name_normalize("Inboxes", out),
			STORE_OK);
	CU_ASSERT_STRING_EQUAL(out, "Inboxes");
	CU_ASSERT_EQUAL(store_mailbox_name_normalize("a..b/.x/Entw\xc3\xbcrfe",
						     out), STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_name_normalize(NULL, out), STORE_OK);
	CU_ASSERT_STRING_EQUAL(out, "INBOX");
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CU_ASSERT_EQUAL(store_mailbox_name_normalize(longname, out),
			STORE_EBADNAME);
	longname[STORE_MAILBOX_MAX] = '\0';
	CU_ASSERT_EQUAL(store_mailbox_name_normalize(longname, out), STORE_OK);
}

/* ---- mailboxes ---- */

static const struct store_mailbox_info *
ts_find_box(const struct store_mailbox_info *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	}
	return NULL;
}

static void test_mailboxes(void)
{
	struct store_mailbox_info *boxes, info;
	const struct store_mailbox_info *b;
	uint32_t inbox_uv, uid;
	uint64_t inbox_id;
	char dir[64];
	struct store *st;
	size_t n;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_mailbox_create(st, "bob", "x", 0),
			STORE_ENOUSER);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_list(st, "bob", &boxes, &n), STORE_OK);
	CU_ASSERT_EQUAL(n, 6);
	b = ts_find_box(boxes, n, "Sent");
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(b->special_use, STORE_USE_SENT);
	b = ts_find_box(boxes, n, "INBOX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(b->uidnext, 1);
	inbox_uv = b->uidvalidity;
	inbox_id = b->id;
	CU_ASSERT(b->uidvalidity > 0);
	free(boxes);

	CU_ASSERT_EQUAL(store_mailbox_create(st, "bob", "Lists", 0), STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_create(st, "bob", "Lists/linux", 0),
			STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_create(st, "bob", "Lists", 0),
			STORE_EEXIST);
	CU_ASSERT_EQUAL(store_mailbox_create(st, "bob", "a/../b", 0),
			STORE_EBADNAME);
	CU_ASSERT_EQUAL(store_mailbox_create(st, "bob", "inbox", 0),
			STORE_EEXIST);

	/* rename moves the children, keeps UIDVALIDITY */
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", "Lists/linux", &info),
			STORE_OK);
	uid = info.uidvalidity;
	CU_ASSERT_EQUAL(store_mailbox_rename(st, "bob", "Lists", "Old/Lists"),
			STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", "Lists", &info),
			STORE_ENOMBOX);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", "Old/Lists/linux",
					   &info), STORE_OK);
	CU_ASSERT_EQUAL(info.uidvalidity, uid);
	CU_ASSERT_EQUAL(store_mailbox_rename(st, "bob", "Old", "Old/x"),
			STORE_EINVAL);
	CU_ASSERT_EQUAL(store_mailbox_rename(st, "bob", "Sent", "Drafts"),
			STORE_EEXIST);
	CU_ASSERT_EQUAL(store_mailbox_rename(st, "bob", "nope", "x"),
			STORE_ENOMBOX);

	/* renaming INBOX moves its messages and leaves a new INBOX */
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "Subject: a\r\n\r\nx\r\n",
				   &uid), STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_rename(st, "bob", "INBOX", "Saved"),
			STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", "Saved", &info),
			STORE_OK);
	CU_ASSERT_EQUAL(info.exists, 1);
	CU_ASSERT_EQUAL(info.uidvalidity, inbox_uv);
	CU_ASSERT_EQUAL(info.id, inbox_id);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", "INBOX", &info),
			STORE_OK);
	CU_ASSERT_EQUAL(info.exists, 0);
	CU_ASSERT_NOT_EQUAL(info.uidvalidity, inbox_uv);

	/* delete; INBOX cannot be deleted; a new one gets a new UIDVALIDITY */
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", "Saved", &info),
			STORE_OK);
	uid = info.uidvalidity;
	CU_ASSERT_EQUAL(store_mailbox_delete(st, "bob", "Saved"), STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_delete(st, "bob", "Saved"),
			STORE_ENOMBOX);
	CU_ASSERT_EQUAL(store_mailbox_delete(st, "bob", "INBOX"),
			STORE_EINVAL);
	CU_ASSERT_EQUAL(store_mailbox_create(st, "bob", "Saved", 0), STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", "Saved", &info),
			STORE_OK);
	CU_ASSERT(info.uidvalidity > uid);
	CU_ASSERT_EQUAL(info.uidnext, 1);
	CU_ASSERT_EQUAL(store_mailbox_set_special_use(st, "bob", "Saved",
						      STORE_USE_ARCHIVE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_mailbox_info(st, "bob", "Saved", &info),
			STORE_OK);
	CU_ASSERT_EQUAL(info.special_use, STORE_USE_ARCHIVE);
	ts_free_slot(st, dir);
}

static void test_subscriptions(void)
{
	struct store_name *names;
	char dir[64];
	struct store *st;
	size_t n, i;
	bool found;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", 0), STORE_OK);
	CU_ASSERT_EQUAL(store_user_add(st, "bo", "pw", 0), STORE_OK);
	CU_ASSERT_EQUAL(store_subscription_list(st, "bob", &names, &n),
			STORE_OK);
	CU_ASSERT_EQUAL(n, 6);
	free(names);
	CU_ASSERT_EQUAL(store_subscribe(st, "bob", "Future/box", true),
			STORE_OK);
	CU_ASSERT_EQUAL(store_subscribe(st, "bob", "Junk", false), STORE_OK);
	CU_ASSERT_EQUAL(store_subscribe(st, "bob", "Junk", false), STORE_OK);
	CU_ASSERT_EQUAL(store_subscribe(st, "bob", "../x", true),
			STORE_EBADNAME);
	CU_ASSERT_EQUAL(store_subscription_list(st, "bob", &names, &n),
			STORE_OK);
	CU_ASSERT_EQUAL(n, 6);
	found = false;
	for (i = 0; i < n; i++) {
		CU_ASSERT_STRING_NOT_EQUAL(names[i].name, "Junk");
		found |= strcmp(names[i].name, "Future/box") == 0;
	}
	CU_ASSERT_TRUE(found);
	free(names);
	/* "bo" is a prefix of "bob": its list must not mix */
	CU_ASSERT_EQUAL(store_subscription_list(st, "bo", &names, &n),
			STORE_OK);
	CU_ASSERT_EQUAL(n, 6);
	free(names);
	ts_free_slot(st, dir);
}

static void test_keywords_recent(void)
{
	char (*names)[STORE_KEYWORD_MAX + 1];
	unsigned int bit, i;
	char dir[64], kw[16];
	struct store *st;
	uint32_t recent;
	size_t n;

	st = ts_new_slot(dir, sizeof(dir));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(store_user_add(st, "bob", "pw", STORE_QUOTA_NONE),
			STORE_OK);
	CU_ASSERT_EQUAL(store_keyword_bit(st, "bob", NULL, "$Junk", false,
					  &bit), STORE_EINVAL);
	CU_ASSERT_EQUAL(store_keyword_bit(st, "bob", NULL, "$Junk", true,
					  &bit), STORE_OK);
	CU_ASSERT_EQUAL(bit, 0);
	CU_ASSERT_EQUAL(store_keyword_bit(st, "bob", NULL, "work", true,
					  &bit), STORE_OK);
	CU_ASSERT_EQUAL(bit, 1);
	CU_ASSERT_EQUAL(store_keyword_bit(st, "bob", NULL, "$junk", false,
					  &bit), STORE_OK);
	CU_ASSERT_EQUAL(bit, 0);
	CU_ASSERT_EQUAL(store_keyword_bit(st, "bob", NULL, "\\Seen", true,
					  &bit), STORE_EINVAL);
	for (i = 2; i < STORE_KEYWORDS; i++) {
		snprintf(kw, sizeof(kw), "k%u", i);
		CU_ASSERT_EQUAL(store_keyword_bit(st, "bob", NULL, kw, true,
						  &bit), STORE_OK);
	}
	CU_ASSERT_EQUAL(store_keyword_bit(st, "bob", NULL, "onemore", true,
					  &bit), STORE_EINVAL);
	CU_ASSERT_EQUAL(store_keyword_names(st, "bob", NULL, &names, &n),
			STORE_OK);
	CU_ASSERT_EQUAL(n, STORE_KEYWORDS);
	CU_ASSERT_STRING_EQUAL(names[1], "work");
	free(names);

	/* \Recent: each new message is claimed by exactly one session */
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "a\r\n", NULL), STORE_OK);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "b\r\n", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_recent_claim(st, "bob", NULL, &recent),
			STORE_OK);
	CU_ASSERT_EQUAL(recent, 0);
	CU_ASSERT_EQUAL(store_recent_claim(st, "bob", NULL, &recent),
			STORE_OK);
	CU_ASSERT_EQUAL(recent, 2);
	CU_ASSERT_EQUAL(ts_deliver(st, "bob", NULL, "c\r\n", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_recent_claim(st, "bob", NULL, &recent),
			STORE_OK);
	CU_ASSERT_EQUAL(recent, 2);
	ts_free_slot(st, dir);
}

static CU_TestInfo store_tests[] = {
	{ "create, open twice, layout version", test_create_open },
	{ "slot.conf expunge_retention", test_retention_conf },
	{ "users add/del/list/quota", test_users },
	{ "password check", test_auth },
	{ "password never stored in clear", test_password_not_stored },
	{ "user names", test_user_names },
	{ "mailbox names", test_mailbox_names },
	{ "mailboxes create/rename/delete", test_mailboxes },
	{ "subscriptions", test_subscriptions },
	{ "keywords and \\Recent", test_keywords_recent },
	CU_TEST_INFO_NULL,
};

void unit_register(void)
{
	unit_suite("store", store_tests);
	test_store_msg_register();
	test_store_cache_register();
}
