/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interface of the store library, shared by its .c files only.
 * Record formats follow docs/slot-layout.md; encode/decode live in
 * store_rec.c and nowhere else.
 */
#ifndef TWIN_STORE_INT_H
#define TWIN_STORE_INT_H

#include <limits.h>

#include <db.h>

#include "store/store.h"

/* Internal status: a Berkeley DB deadlock, the transaction is retried. */
#define STORE_RETRY		1000
#define STORE_TXN_TRIES		50

struct store {
	char *dir;
	int dirfd;
	int gate_fd, users_fd;		/* flock()s, see store_open() */
	DB_ENV *env;
	DB *meta, *users, *mailboxes, *index, *seen, *subs, *cache;
	DB *modseq;			/* secondary of index, kept by BDB */
	char tmp_name[48];		/* tmp/<tmp_name>/ is this handle's */
	int tmp_fd;			/* that directory */
	int tmp_lock_fd;		/* held while the handle is open */
	unsigned int tmp_seq;
	int64_t retention;
	unsigned int pw_log2n;		/* scrypt cost of new hashes */
	char err[STORE_ERR_LEN];
	char dbmsg[160];		/* Berkeley DB's last message */
};

/* ---- store.c ---- */

/* Record an explanation and return status. */
int store_fail(struct store *st, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Map a Berkeley DB error: STORE_RETRY on deadlock, else STORE_EIO. */
int store_dbfail(struct store *st, int dberr, const char *what);
/* errno-based failure: STORE_EIO with strerror(errno). */
int store_sysfail(struct store *st, const char *what, const char *path);

/*
 * Run fn in a transaction, retrying on deadlock; commit (synchronously)
 * when fn returns STORE_OK, abort otherwise.  fn must be safe to rerun.
 */
typedef int (*store_txn_fn)(struct store *st, DB_TXN *txn, void *arg);
int store_txn(struct store *st, store_txn_fn fn, void *arg);
/* store_txn() with commit flags (DB_TXN_NOSYNC for derived data). */
int store_txn_flags(struct store *st, uint32_t commit_flags,
		    store_txn_fn fn, void *arg);

/* fsync a directory relative to the slot; 0 or -1 with errno. */
int store_fsync_dir(struct store *st, const char *rel);
/* mkdir -p of mail/<user>/<id>, fsyncing the parents it creates. */
int store_mailbox_dir(struct store *st, const char *user, uint64_t id,
		      char *rel, size_t len);
/* Relative path of a message file: mail/<user>/<id>/<uid>. */
void store_msg_path(char *rel, size_t len, const char *user, uint64_t id,
		    uint32_t uid);

/* ---- store_rec.c: records and keys ---- */

struct store_user_rec {
	uint8_t pw_alg, pw_log2n, pw_r, pw_p;
	uint64_t quota, used;
	int64_t created;
	unsigned char salt[SLOT_PW_SALT_LEN];
	unsigned char hash[SLOT_PW_HASH_LEN];
};
#define STORE_USER_REC_LEN	80

struct store_mbox_rec {
	uint32_t uidvalidity, uidnext, special_use;
	uint64_t id, highestmodseq;
	int64_t created;
	unsigned int nkeywords;
	char keywords[STORE_KEYWORDS][STORE_KEYWORD_MAX + 1];
	/* a deleted mailbox, kept for retention under a hidden key */
	int64_t deleted_at;
	char deleted_name[STORE_MAILBOX_MAX + 1];
};
#define STORE_MBOX_REC_MAX \
	(41 + STORE_KEYWORDS * (1 + STORE_KEYWORD_MAX) + 9 + STORE_MAILBOX_MAX)

/*
 * Deleted mailboxes stay, with their messages expunged, under the key
 * "user\0" "\x7f" "<id>" until they expire: no valid name starts with a
 * control character, so the key can neither collide nor be listed.
 */
#define STORE_DELETED_MARK	('\x7f')
static inline bool store_mbox_is_deleted(const char *name)
{
	return name[0] == STORE_DELETED_MARK;
}

#define STORE_MSG_REC_LEN	80
#define STORE_INDEX_KEY_LEN	12
#define STORE_SEEN_REC_LEN	16

struct store_seen_rec {
	uint32_t recent_uid;
	int64_t changed;
};

size_t store_user_rec_encode(const struct store_user_rec *r, unsigned char *b);
int store_user_rec_decode(struct store_user_rec *r, const void *b, size_t n);
size_t store_mbox_rec_encode(const struct store_mbox_rec *r, unsigned char *b);
int store_mbox_rec_decode(struct store_mbox_rec *r, const void *b, size_t n);
size_t store_msg_rec_encode(const struct store_msg *m, unsigned char *b);
int store_msg_rec_decode(struct store_msg *m, const void *b, size_t n);
size_t store_seen_rec_encode(const struct store_seen_rec *r, unsigned char *b);
int store_seen_rec_decode(struct store_seen_rec *r, const void *b, size_t n);

/*
 * index.db key: mailbox id (be64) then UID (be32), so a cursor walks a
 * mailbox in UID order.
 */
void store_index_key(unsigned char *k, uint64_t id, uint32_t uid);
void store_index_key_parse(const unsigned char *k, uint64_t *id,
			   uint32_t *uid);
/*
 * modseq.db key: mailbox id (be64) then modseq (be64), so a cursor walks
 * the changes of a mailbox in order; duplicates sorted, data: the
 * index.db key.
 */
#define STORE_MODSEQ_KEY_LEN	16
void store_modseq_key(unsigned char *k, uint64_t id, uint64_t modseq);
/* Berkeley DB associate() callback: index record -> modseq.db key. */
int store_modseq_key_of(DB *sec, const DBT *pkey, const DBT *pdata,
			DBT *skey);

/* mailboxes.db and subs.db key: "user\0name" (no trailing NUL). */
size_t store_mbox_key(char *k, const char *user, const char *name);

void store_le32(unsigned char *b, uint32_t v);
void store_le64(unsigned char *b, uint64_t v);
uint32_t store_get_le32(const unsigned char *b);
uint64_t store_get_le64(const unsigned char *b);

/* ---- store_name.c ---- */

/* Fold and validate a user name into out (STORE_USER_MAX + 1). */
int store_user_name(struct store *st, const char *user, char *out);
/*
 * store_mailbox_name_normalize() with an error message on st;
 * NULL means INBOX.
 */
int store_mailbox_name(struct store *st, const char *name, char *out);
bool store_keyword_valid(const char *kw);

/* ---- store_user.c ---- */

int store_user_get(struct store *st, DB_TXN *txn, const char *user,
		   struct store_user_rec *r, uint32_t flags);
int store_user_put(struct store *st, DB_TXN *txn, const char *user,
		   const struct store_user_rec *r);

/* ---- store_mailbox.c ---- */

/* meta.db counters (little-endian u64); a missing one reads as 0. */
int store_meta_get(struct store *st, DB_TXN *txn, const char *name,
		   uint64_t *v);
int store_meta_put(struct store *st, DB_TXN *txn, const char *name,
		   uint64_t v);

int store_mbox_get(struct store *st, DB_TXN *txn, const char *user,
		   const char *name, struct store_mbox_rec *r, uint32_t flags);
int store_mbox_put(struct store *st, DB_TXN *txn, const char *user,
		   const char *name, const struct store_mbox_rec *r);
/* Create a mailbox record (with a new id and UIDVALIDITY). */
int store_mbox_new(struct store *st, DB_TXN *txn, const char *user,
		   const char *name, uint32_t special_use);
/*
 * Delete every index record and the seen record of mailbox id; adds the
 * live bytes to *live_bytes.
 */
int store_mbox_purge(struct store *st, DB_TXN *txn, uint64_t id,
		     uint64_t *live_bytes);
/* Remove a mailbox record with its index and seen records. */
int store_mbox_forget(struct store *st, DB_TXN *txn, const char *user,
		      const char *name, uint64_t id);
/* Hidden name of deleted mailbox id, into name (STORE_MAILBOX_MAX + 1). */
void store_mbox_deleted_key(char *name, uint64_t id);
/* Undelete a deleted mailbox under its old name (or a variant): out. */
int store_mbox_restore(struct store *st, DB_TXN *txn, const char *user,
		       const char *hidden, char *out);
/* store_mailbox_list(), deleted mailboxes (hidden names) too if asked. */
int store_mailbox_list_all(struct store *st, const char *user, bool deleted,
			   struct store_mailbox_info **boxes, size_t *n);
/* Remove mail/<user>/<id> and its files (after the commit). */
void store_mbox_rmdir(struct store *st, const char *user, uint64_t id);

/* Each mailbox record of the slot (user NULL) or of one user. */
typedef int (*store_mbox_fn)(struct store *st, DB_TXN *txn, const char *user,
			     const char *name, const struct store_mbox_rec *r,
			     void *arg);
int store_mbox_each(struct store *st, DB_TXN *txn, const char *user,
		    store_mbox_fn fn, void *arg);

/* ---- store_msg.c ---- */

int store_msg_put(struct store *st, DB_TXN *txn, uint64_t id,
		  const struct store_msg *m);
/* Remove the record of an expunged message (its file is gone). */
int store_expunged_forget(struct store *st, uint64_t id, uint32_t uid);
/* Every record of mailbox id, live and expunged, in UID order. */
int store_msg_list_id(struct store *st, uint64_t id, struct store_msg **msgs,
		      size_t *n);
/*
 * Expunge every live message of r (its modseq advances); adds their sizes
 * to *bytes.
 */
int store_msg_expunge_all(struct store *st, DB_TXN *txn,
			  struct store_mbox_rec *r, int64_t now,
			  uint64_t *bytes);

/* ---- store_cache.c: the header cache (cache.db) ---- */

/*
 * The cache entry of a message from its first len bytes (whole: that is
 * all of it): 0 with *out malloc'ed, 1 when the header does not end
 * within them (no entry), -1 out of memory.
 */
int store_cache_extract(const char *msg, size_t len, bool whole,
			char **out, size_t *outlen);
/* The entry from an open message file of size bytes (*val NULL: none). */
int store_cache_from_fd(struct store *st, int fd, uint64_t size, char **val,
			size_t *len);
/* Write an entry (nothing when val is NULL). */
int store_cache_put(struct store *st, DB_TXN *txn, uint64_t id, uint32_t uid,
		    const char *val, size_t len);
/* Remove an entry; none is fine. */
int store_cache_del(struct store *st, DB_TXN *txn, uint64_t id, uint32_t uid);
/* The entry of one message, if any, for another (copy, undelete). */
int store_cache_copy(struct store *st, DB_TXN *txn, uint64_t from_id,
		     uint32_t from_uid, uint64_t to_id, uint32_t to_uid);
/* Every entry of mailbox id. */
int store_cache_purge(struct store *st, DB_TXN *txn, uint64_t id);

/* ---- store_recover.c ---- */

/*
 * Remove leftovers of interrupted deliveries; alone: nobody else has the
 * slot open, so also message files above UIDNEXT.
 */
void store_recover(struct store *st, bool alone);
int store_tmp_open(struct store *st);
void store_tmp_close(struct store *st);

#endif
