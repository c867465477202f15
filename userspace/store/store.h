/* SPDX-License-Identifier: GPL-2.0 */
/*
 * store: the slot mail store.
 *
 * A slot keeps all of its state under one directory (docs/slot-layout.md):
 * Berkeley DB databases with transactions for users, mailboxes, message
 * index records, seen state and subscriptions, and one file per message
 * named by its UID.  slotd (the only writer in normal operation) and
 * slotctl (which may run at the same time) both go through this API.
 *
 * Conventions
 * - Every function that can fail returns an enum store_status; STORE_OK is
 *   0.  store_error(st) gives a one-line explanation of the last failure on
 *   that handle, fit for a log or an operator ("user 'bob' already exists").
 * - User names are folded to lower case.  Mailbox names are UTF-8 with '/'
 *   as the hierarchy separator; "INBOX" is case-insensitive.  A mailbox
 *   argument of NULL means INBOX.  Names never become file names (mailbox
 *   directories are named by number), so no name can escape the slot.
 * - A struct store is not thread-safe: use one handle per thread.  Several
 *   processes may open the same slot at once; Berkeley DB locking keeps
 *   them consistent.
 * - Arrays returned through a pointer argument are malloc'ed; free() them.
 * - Every change that returns STORE_OK is durable (its transaction was
 *   committed with a synchronous log flush) when the call returns.
 */
#ifndef TWIN_STORE_H
#define TWIN_STORE_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>

#include "slot_layout.h"

enum store_status {
	STORE_OK = 0,
	STORE_ENOUSER,		/* no such user */
	STORE_EAUTH,		/* bad password, or unknown user at login */
	STORE_ENOMBOX,		/* no such mailbox */
	STORE_ENOMSG,		/* no such message (UID) */
	STORE_EEXIST,		/* user or mailbox already exists */
	STORE_EBADNAME,		/* invalid user or mailbox name */
	STORE_EQUOTA,		/* over quota now: temporary, 452 4.2.2 */
	STORE_EQUOTA_PERM,	/* larger than the whole quota: 552 5.2.2 */
	STORE_EINVAL,		/* bad argument or forbidden operation */
	STORE_EVERSION,		/* slot layout version not supported */
	STORE_ECORRUPT,		/* a database record does not decode */
	STORE_EIO,		/* I/O or database error: temporary */
};

/* Static name of a status ("over quota", "no such user", ...). */
const char *store_strerror(int status);

/* Fixed limits (bytes, without the terminating NUL). */
#define STORE_USER_MAX		64
#define STORE_MAILBOX_MAX	255
#define STORE_KEYWORD_MAX	64	/* length of one keyword */
#define STORE_KEYWORDS		64	/* keywords per mailbox */
#define STORE_ERR_LEN		256
#define STORE_QUOTA_NONE	UINT64_MAX
/* How long expunged messages are kept by default. */
#define STORE_RETENTION_DEFAULT	(7 * 24 * 3600)

struct store;

/* ---- Slot: create, open, close ---------------------------------------- */

/*
 * Create a new, empty slot in DIR (which may exist but must be empty, or
 * not exist).  Does not write slot.conf: that is slotctl's job.
 */
int store_create(const char *dir, char *err, size_t errlen);

/*
 * Open the slot in DIR.  The first process to open a slot (nobody else has
 * it open) runs Berkeley DB recovery and removes leftovers of interrupted
 * deliveries.  flags: 0.  On failure *stp is NULL and err says why.
 */
int store_open(const char *dir, unsigned int flags, struct store **stp,
	       char *err, size_t errlen);
void store_close(struct store *st);

/* Explanation of the last failure on this handle ("" if none). */
const char *store_error(const struct store *st);

/* The slot directory as given to store_open(). */
const char *store_dir(const struct store *st);

/*
 * Expunge retention in seconds: slot.conf's "expunge_retention" (a number
 * with an optional s, m, h, d suffix), else STORE_RETENTION_DEFAULT.
 */
int64_t store_retention(const struct store *st);

/*
 * Write a database checkpoint and release the database locks of processes
 * that died holding them (a killed slotctl).  slotd calls this now and
 * then (every few seconds to a minute).
 */
int store_checkpoint(struct store *st);

/* ---- Users ------------------------------------------------------------ */

struct store_user_info {
	char name[STORE_USER_MAX + 1];
	uint64_t quota;		/* bytes, or STORE_QUOTA_NONE */
	uint64_t used;		/* bytes of messages not expunged */
	int64_t created;
};

/*
 * A user name is 1..64 of [a-z0-9._@-] (after case folding), not
 * starting with '.' or '-'.
 */
bool store_user_name_valid(const char *user);

/*
 * Add a user with a password (stored as a salted scrypt hash) and quota
 * (STORE_QUOTA_NONE for none).  Creates INBOX and the special-use
 * mailboxes Sent, Drafts, Trash, Junk and Archive, all subscribed.
 */
int store_user_add(struct store *st, const char *user, const char *password,
		   uint64_t quota);
/* Delete a user, all mailboxes, records and message files. */
int store_user_del(struct store *st, const char *user);
int store_user_passwd(struct store *st, const char *user,
		      const char *password);
/*
 * scrypt cost (log2 N, SLOT_PW_SCRYPT_LOG2N_MIN..MAX) of the hashes this
 * handle makes from now on (adduser, passwd); default
 * SLOT_PW_SCRYPT_LOG2N.  Each hash records its own parameters, so logins
 * verify whatever cost a hash was made with.  Low costs are for test and
 * benchmark users: they make passwords cheaper to guess from a stolen
 * users.db.  STORE_EINVAL when out of range.
 */
int store_set_pw_cost(struct store *st, unsigned int log2n);
int store_user_set_quota(struct store *st, const char *user, uint64_t quota);
/* STORE_OK if the user exists, STORE_ENOUSER if not, or an error. */
int store_user_exists(struct store *st, const char *user);
/*
 * Check a password: STORE_OK, STORE_EAUTH (wrong password or no such
 * user: the same answer and about the same time), or STORE_EIO.
 * Deliberately slow (scrypt); a server calls it off its hot path.
 */
int store_user_auth(struct store *st, const char *user, const char *password);
int store_user_info(struct store *st, const char *user,
		    struct store_user_info *info);
/* All users sorted by name. */
int store_user_list(struct store *st, struct store_user_info **users,
		    size_t *n);

/* ---- Mailboxes -------------------------------------------------------- */

/* RFC 6154 special-use attributes, a bit set. */
enum store_special_use {
	STORE_USE_ALL		= 1 << 0,
	STORE_USE_ARCHIVE	= 1 << 1,
	STORE_USE_DRAFTS	= 1 << 2,
	STORE_USE_FLAGGED	= 1 << 3,
	STORE_USE_JUNK		= 1 << 4,
	STORE_USE_SENT		= 1 << 5,
	STORE_USE_TRASH		= 1 << 6,
};

struct store_mailbox_info {
	char name[STORE_MAILBOX_MAX + 1];
	uint64_t id;		/* slot-wide, never reused: dir name */
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint64_t highestmodseq;
	uint32_t special_use;	/* enum store_special_use bits */
	int64_t created;
	/* Filled by store_mailbox_info() only (a scan of the index): */
	uint32_t exists;	/* messages not expunged */
	uint32_t unseen;	/* of those, without \Seen */
	uint32_t expunged;	/* expunged, still kept for retention */
	uint64_t bytes;		/* size of the messages not expunged */
	/*
	 * \Recent (RFC 3501): the highest UID a read-write SELECT has
	 * claimed (see store_recent_claim), and the live messages above it.
	 */
	uint32_t recent_uid;
	uint32_t recent;
};

/*
 * Validate a mailbox name and normalise it into out (size at least
 * STORE_MAILBOX_MAX + 1): "inbox" -> "INBOX", "Inbox/x" -> "INBOX/x".
 * Rejects empty names and components, leading or trailing '/', "." and
 * ".." components, control characters, '*' '%' (IMAP wildcards), invalid
 * UTF-8 and names over STORE_MAILBOX_MAX bytes.
 */
int store_mailbox_name_normalize(const char *name, char *out);

int store_mailbox_create(struct store *st, const char *user,
			 const char *mailbox, uint32_t special_use);
/* Delete a mailbox with its messages (not INBOX; children stay). */
int store_mailbox_delete(struct store *st, const char *user,
			 const char *mailbox);
/*
 * Rename a mailbox and its children (UIDVALIDITY stays: the messages and
 * UIDs move with it).  Renaming INBOX moves its messages to the new name
 * and leaves a new, empty INBOX, as RFC 3501 says.
 */
int store_mailbox_rename(struct store *st, const char *user,
			 const char *from, const char *to);
/* Header fields only; exists/unseen/expunged/bytes are 0. */
int store_mailbox_list(struct store *st, const char *user,
		       struct store_mailbox_info **boxes, size_t *n);
/* All fields, counters included. */
int store_mailbox_info(struct store *st, const char *user,
		       const char *mailbox, struct store_mailbox_info *info);
/*
 * Header fields and recent_uid of one mailbox (lookups, no scan of its
 * messages): the counters are 0.  What a session checks before every
 * reply to see whether the mailbox changed.
 */
int store_mailbox_header(struct store *st, const char *user,
			 const char *mailbox, struct store_mailbox_info *info);
int store_mailbox_set_special_use(struct store *st, const char *user,
				  const char *mailbox, uint32_t special_use);

/* Subscriptions (names need not exist, RFC 3501 6.3.6). */
int store_subscribe(struct store *st, const char *user, const char *mailbox,
		    bool subscribe);
struct store_name {
	char name[STORE_MAILBOX_MAX + 1];
};
int store_subscription_list(struct store *st, const char *user,
			    struct store_name **names, size_t *n);

/*
 * Seen state per mailbox: the highest UID already reported as \Recent.
 * store_recent_claim() returns it in *recent_uid and atomically raises it
 * to UIDNEXT - 1, so exactly one session sees each message as \Recent.
 */
int store_recent_claim(struct store *st, const char *user,
		       const char *mailbox, uint32_t *recent_uid);

/*
 * Keywords: each mailbox maps up to STORE_KEYWORDS names to bit numbers
 * used in store_msg.keywords.  With create, an unknown keyword gets the
 * next free bit (STORE_EINVAL if the table is full or the name invalid).
 */
int store_keyword_bit(struct store *st, const char *user, const char *mailbox,
		      const char *keyword, bool create, unsigned int *bit);
/* names[i] is the keyword of bit i ("" if unused); *n is bits in use. */
int store_keyword_names(struct store *st, const char *user,
			const char *mailbox,
			char (**names)[STORE_KEYWORD_MAX + 1], size_t *n);

/* ---- Messages --------------------------------------------------------- */

/* System flags; \Recent is not stored (see store_recent_claim). */
enum store_flag {
	STORE_FLAG_SEEN		= 1 << 0,
	STORE_FLAG_ANSWERED	= 1 << 1,
	STORE_FLAG_FLAGGED	= 1 << 2,
	STORE_FLAG_DELETED	= 1 << 3,
	STORE_FLAG_DRAFT	= 1 << 4,
	STORE_FLAG_ALL		= (1 << 5) - 1,
};

/* One index record. */
struct store_msg {
	uint32_t uid;
	uint32_t flags;		/* enum store_flag bits */
	uint64_t keywords;	/* bit i: keyword i of the mailbox */
	uint64_t size;		/* bytes of the message file */
	int64_t internal_date;	/* seconds since the epoch */
	uint64_t modseq;	/* mailbox modseq of the last change */
	int64_t expunged_at;	/* 0, or when it was expunged */
	unsigned char sha256[32];	/* of the message file */
};

enum store_list_flags {
	STORE_LIST_LIVE		= 1 << 0,	/* not expunged */
	STORE_LIST_EXPUNGED	= 1 << 1,	/* expunged, still kept */
};

/*
 * Messages of a mailbox in UID order, those of the kinds in which
 * (STORE_LIST_*) with modseq > changed_since (0 for all).
 */
int store_msg_list(struct store *st, const char *user, const char *mailbox,
		   unsigned int which, uint64_t changed_since,
		   struct store_msg **msgs, size_t *n);
/* One record; expunged records are found too (check expunged_at). */
int store_msg_get(struct store *st, const char *user, const char *mailbox,
		  uint32_t uid, struct store_msg *msg);
/* Open a message file read-only (O_CLOEXEC), live or expunged. */
int store_msg_open(struct store *st, const char *user, const char *mailbox,
		   uint32_t uid, int *fd);
/*
 * The same for a caller that knows the mailbox id (store_mailbox_header)
 * and that the message exists: the file only, no database lookup.
 */
int store_msg_open_id(struct store *st, const char *user, uint64_t id,
		      uint32_t uid, int *fd);

enum store_flag_op {
	STORE_FLAGS_SET,	/* replace */
	STORE_FLAGS_ADD,
	STORE_FLAGS_REMOVE,
};

/*
 * Change the flags and keywords of the live messages uids[0..n-1] in one
 * transaction.  A message whose modseq is above unchanged_since (use
 * UINT64_MAX for no condition, RFC 7162 UNCHANGEDSINCE) is left alone and
 * its UID is reported in failed[] (if not NULL; room for n) with *nfailed.
 * A message whose flags actually change gets a new modseq.  UIDs that do
 * not exist or are expunged are skipped.
 */
int store_msg_set_flags(struct store *st, const char *user,
			const char *mailbox, const uint32_t *uids, size_t n,
			enum store_flag_op op, uint32_t flags,
			uint64_t keywords, uint64_t unchanged_since,
			uint32_t *failed, size_t *nfailed);

/*
 * Expunge: the messages move to the expunged state (stamped with the time,
 * given a new modseq, no longer counted in the quota); their files are
 * kept until store_expire().  With uids == NULL, every live message
 * flagged \Deleted is expunged.  *count (if not NULL) gets the number.
 */
int store_msg_expunge(struct store *st, const char *user, const char *mailbox,
		      const uint32_t *uids, size_t n, size_t *count);

/*
 * Copy (or move) live messages to another mailbox of the same user, as hard
 * links, with new UIDs in order (RFC 4315 COPYUID); dst_uids gets them
 * (room for n; 0 for a UID that was skipped).  A move expunges the
 * originals.  Subject to quota (a copy) like a delivery.
 */
int store_msg_copy(struct store *st, const char *user, const char *from,
		   const char *to, const uint32_t *uids, size_t n, bool move,
		   uint32_t *dst_uids);

/*
 * Undelete expunged messages of one mailbox (or of all the user's with
 * mailbox NULL) expunged at or after since (0 for all).  They come back
 * with new UIDs (so no client sees a UID come back), their old flags
 * minus \Deleted, and count in the quota again.  *count gets the number.
 */
int store_undelete(struct store *st, const char *user, const char *mailbox,
		   int64_t since, size_t *count);

/*
 * Purge, in every mailbox of the slot, expunged messages whose
 * expunged_at + retention <= now: their records and files are removed for
 * good.  *count gets the number.
 */
int store_expire(struct store *st, int64_t now, int64_t retention,
		 size_t *count);

/* ---- Header cache ----------------------------------------------------- */

/*
 * Every message delivered, appended, copied or undeleted gets a cache
 * entry in the same transaction as its index record: the header fields
 * of its ENVELOPE (Date, Subject, From, Sender, Reply-To, To, Cc, Bcc,
 * In-Reply-To, Message-ID; those store_cache_field() accepts) verbatim,
 * in message order, as a header block ending in an empty line.  A header
 * SEARCH on those fields can run on the entries alone.  Messages without
 * an entry (older than the cache, or a header over STORE_CACHE_HEAD_MAX
 * bytes) must be read from their file.
 */
#define STORE_CACHE_HEAD_MAX	(64 * 1024)

/* Is the header field name[0..len-1] (any case) in the cache? */
bool store_cache_field(const char *name, size_t len);

/*
 * Call fn for every entry of the mailbox with UID >= min_uid, in UID
 * order; hdr is valid during the call only.  fn returns 0 to go on, or
 * anything else to stop there (still STORE_OK).
 */
typedef int (*store_cache_fn)(void *arg, uint32_t uid, const char *hdr,
			      size_t len);
int store_cache_each(struct store *st, const char *user, const char *mailbox,
		     uint32_t min_uid, store_cache_fn fn, void *arg);

/* A message read from its file, to fill its missing entry. */
struct store_cache_entry {
	uint32_t uid;
	const char *data;	/* the message's first len bytes */
	size_t len;
	bool whole;		/* len is the whole message */
};

/*
 * Add the entries of n messages (that still exist) in one transaction.
 * Not flushed to disk at once: the entries can always be made again.
 */
int store_cache_fill(struct store *st, const char *user, const char *mailbox,
		     const struct store_cache_entry *e, size_t n);

/* ---- Delivery --------------------------------------------------------- */

/*
 * One message delivered to one or more recipients (LMTP sends one DATA for
 * several users), as a temporary file inside the slot that the caller
 * fills and fsyncs itself (e.g. through io_uring), then hard links into
 * every recipient's mailbox:
 *
 *	store_delivery_begin(st, size_hint, &d);
 *	store_delivery_rcpt(d, "bob", NULL, 0, &res);   // at RCPT TO
 *	write(store_delivery_fd(d), ...); fsync(...);   // the caller
 *	store_delivery_commit(d, sha256, size, now);    // per-rcpt results
 *	store_delivery_end(d);                          // always
 *
 * After store_delivery_commit() reports STORE_OK for a recipient, the
 * message file, its directory entry and its index record are on stable
 * storage: the message survives a crash and is visible to readers.
 */
struct store_delivery;

/* Create the temporary file (size_hint: expected size, 0 if unknown). */
int store_delivery_begin(struct store *st, uint64_t size_hint,
			 struct store_delivery **dp);
/* The temporary file, open O_RDWR|O_CLOEXEC, and its path. */
int store_delivery_fd(const struct store_delivery *d);
const char *store_delivery_path(const struct store_delivery *d);

enum store_rcpt_flags {
	/* No INBOX fallback: the mailbox must exist (IMAP APPEND). */
	STORE_RCPT_EXACT	= 1 << 0,
};

struct store_rcpt_result {
	int status;		/* STORE_OK or why not delivered */
	bool fell_back;		/* no such mailbox: went to INBOX */
	char mailbox[STORE_MAILBOX_MAX + 1];	/* where it goes */
	uint32_t uidvalidity;	/* after commit */
	uint32_t uid;		/* after commit */
};

/*
 * Add a recipient: checks the user exists (STORE_ENOUSER), resolves the
 * mailbox (NULL or "INBOX"; any other name that does not exist falls back
 * to INBOX, like Cyrus does for +detail, unless STORE_RCPT_EXACT) and
 * checks the quota against size_hint (STORE_EQUOTA when it does not fit
 * now, STORE_EQUOTA_PERM when it is larger than the whole quota).  On
 * STORE_OK the recipient is added.  res (if not NULL) gets the mailbox.
 * The same checks are done again at commit with the real size.
 */
int store_delivery_rcpt(struct store_delivery *d, const char *user,
			const char *mailbox, unsigned int flags,
			struct store_rcpt_result *res);
/* Recipients added so far. */
size_t store_delivery_nrcpt(const struct store_delivery *d);

/* Flags and keywords for the new messages (IMAP APPEND; default none). */
void store_delivery_set_flags(struct store_delivery *d, uint32_t flags,
			      uint64_t keywords);

/*
 * Deliver to every recipient added: size must match the file (fstat) and
 * sha256 is the SHA-256 of its content (computed by the caller while
 * writing).  internal_date 0 means now.  One durable transaction for all;
 * per-recipient results in store_delivery_result(), in the order the
 * recipients were added.  Returns STORE_OK if every recipient got the
 * message, else the first failure.  The caller must have fsync'ed the
 * file: commit does not (the whole point is that the caller's ring can).
 */
int store_delivery_commit(struct store_delivery *d,
			  const unsigned char sha256[32], uint64_t size,
			  int64_t internal_date);
const struct store_rcpt_result *
store_delivery_result(const struct store_delivery *d, size_t i);

/*
 * Group commit: several deliveries (of the same handle) in one
 * transaction, so one log flush and one fsync per mailbox directory serve
 * them all; a server can commit every delivery whose file fsync completed
 * in the same event loop turn.  First give each its content, then commit:
 *
 *	store_delivery_set_content(d1, sha1, size1, 0);
 *	store_delivery_set_content(d2, sha2, size2, 0);
 *	store_delivery_commit_many((struct store_delivery *[]){ d1, d2 }, 2);
 *
 * Results per recipient as for store_delivery_commit(); a delivery that is
 * not valid (size mismatch, no recipient) fails alone.  Returns STORE_OK
 * if every recipient of every delivery got its message, else the first
 * failure.  store_delivery_commit(d, ...) is set_content + commit_many of
 * one.
 */
void store_delivery_set_content(struct store_delivery *d,
				const unsigned char sha256[32], uint64_t size,
				int64_t internal_date);
int store_delivery_commit_many(struct store_delivery **ds, size_t n);

/* Remove the temporary file and free d (after commit, or to abort). */
void store_delivery_end(struct store_delivery *d);

/* ---- Integrity ---------------------------------------------------------- */

enum store_audit_kind {
	STORE_AUDIT_MISMATCH,	/* SHA-256 differs from the index */
	STORE_AUDIT_SIZE,	/* size differs from the index */
	STORE_AUDIT_MISSING,	/* index record without its file */
	STORE_AUDIT_UNREADABLE,	/* file there but cannot be read */
	STORE_AUDIT_ORPHAN,	/* file or directory nobody knows */
	STORE_AUDIT_USAGE,	/* a user's used bytes differ from the sum */
};

struct store_audit_issue {
	enum store_audit_kind kind;
	const char *user;	/* NULL for files outside any user */
	const char *mailbox;	/* NULL if not in a known mailbox */
	uint32_t uid;		/* 0 if not a message */
	const char *path;	/* relative to the slot directory */
	const char *detail;	/* human-readable */
};

struct store_audit_stats {
	uint64_t users, mailboxes, messages, bytes, issues;
};

/*
 * Recompute every message's SHA-256 (live and expunged) and compare it
 * with the index; report each mismatch, missing file and orphan through
 * report().  Returns STORE_OK even when issues were found: look at
 * stats->issues.
 */
int store_audit(struct store *st,
		void (*report)(void *arg, const struct store_audit_issue *),
		void *arg, struct store_audit_stats *stats);

struct store_backup_stats {
	uint64_t users, mailboxes, messages, bytes, issues;
};

/*
 * Copy the slot, live, into target (a new directory): a hot backup of the
 * databases, then every message file the copied index names, verified
 * against its SHA-256 while copied.  The copy is itself a slot: restore by
 * backing it up again, or serve it directly.  Messages that cannot be
 * copied or do not match are reported through report() and counted in
 * stats->issues (STORE_OK is returned all the same).
 */
int store_backup(struct store *st, const char *target,
		 void (*report)(void *arg, const struct store_audit_issue *),
		 void *arg, struct store_backup_stats *stats);

/* Human-readable dump of the layout version and every database. */
int store_dump(struct store *st, FILE *out);

#endif
