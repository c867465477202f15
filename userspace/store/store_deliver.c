// SPDX-License-Identifier: GPL-2.0
/*
 * Delivery: one message, a temporary file the caller writes and fsyncs,
 * hard linked into the mailbox of every recipient.
 *
 * Commit order (what makes an acknowledged message survive a crash):
 *   1. the caller has fsync'ed the file;
 *   2. in one transaction, per recipient (a child transaction each, so one
 *      recipient's failure does not undo the others): allocate UIDNEXT and
 *      a modseq, write the index record, add to the user's usage, link the
 *      file to mail/<user>/<id>/<uid>;
 *   3. fsync every mailbox directory that got a link;
 *   4. commit with a synchronous log flush.
 * A crash before 4 leaves only files at or above UIDNEXT, which recovery
 * removes and a later delivery of the same UID replaces.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

struct store_delivery_rcpt {
	char user[STORE_USER_MAX + 1];
	unsigned int flags;
	struct store_rcpt_result res;
};

struct store_delivery {
	struct store *st;
	int fd;
	char name[16];			/* in the handle's tmp dir */
	char path[PATH_MAX];
	uint64_t size_hint;
	uint32_t flags;
	uint64_t keywords;
	bool content_set;		/* store_delivery_set_content() */
	unsigned char sha256[32];
	uint64_t size;
	int64_t date;
	char *cache;			/* header cache entry, or NULL */
	size_t cache_len;
	struct store_delivery_rcpt *r;
	size_t n, cap;
};

int store_delivery_begin(struct store *st, uint64_t size_hint,
			 struct store_delivery **dp)
{
	struct store_delivery *d;

	*dp = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return store_fail(st, STORE_EIO, "out of memory");
	d->st = st;
	d->size_hint = size_hint;
	snprintf(d->name, sizeof(d->name), "%u", ++st->tmp_seq);
	snprintf(d->path, sizeof(d->path), "%s/%s/%s/%s", st->dir,
		 SLOT_TMP_DIR, st->tmp_name, d->name);
	d->fd = openat(st->tmp_fd, d->name,
		       O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (d->fd < 0) {
		store_sysfail(st, "cannot create", d->path);
		free(d);
		return STORE_EIO;
	}
	*dp = d;
	return STORE_OK;
}

int store_delivery_fd(const struct store_delivery *d)
{
	return d->fd;
}

const char *store_delivery_path(const struct store_delivery *d)
{
	return d->path;
}

size_t store_delivery_nrcpt(const struct store_delivery *d)
{
	return d->n;
}

void store_delivery_set_flags(struct store_delivery *d, uint32_t flags,
			      uint64_t keywords)
{
	d->flags = flags & STORE_FLAG_ALL;
	d->keywords = keywords;
}

const struct store_rcpt_result *
store_delivery_result(const struct store_delivery *d, size_t i)
{
	return i < d->n ? &d->r[i].res : NULL;
}

static int store_quota_check(struct store *st, const char *user,
			     const struct store_user_rec *u, uint64_t size)
{
	if (u->quota == STORE_QUOTA_NONE)
		return STORE_OK;
	if (size > u->quota)
		return store_fail(st, STORE_EQUOTA_PERM, "message of %llu "
				  "bytes is larger than the quota of '%s' "
				  "(%llu bytes)", (unsigned long long)size,
				  user, (unsigned long long)u->quota);
	if (u->used + size > u->quota)
		return store_fail(st, STORE_EQUOTA, "mailbox of '%s' is full "
				  "(%llu of %llu bytes used, message %llu)",
				  user, (unsigned long long)u->used,
				  (unsigned long long)u->quota,
				  (unsigned long long)size);
	return STORE_OK;
}

/*
 * Resolve res->mailbox to an existing mailbox of user (INBOX if it does
 * not exist and the recipient allows the fallback) into *r.
 */
static int store_rcpt_mailbox(struct store *st, DB_TXN *txn,
			      struct store_delivery_rcpt *rc_,
			      struct store_mbox_rec *r, uint32_t flags)
{
	int rc;

	rc = store_mbox_get(st, txn, rc_->user, rc_->res.mailbox, r, flags);
	if (rc != STORE_ENOMBOX || (rc_->flags & STORE_RCPT_EXACT))
		return rc;
	snprintf(rc_->res.mailbox, sizeof(rc_->res.mailbox), "INBOX");
	rc_->res.fell_back = true;
	return store_mbox_get(st, txn, rc_->user, "INBOX", r, flags);
}

/*
 * The size to check the quota against: the hint, or what the caller has
 * already written if that is more.
 */
static uint64_t store_delivery_size(const struct store_delivery *d)
{
	struct stat sb;

	if (fstat(d->fd, &sb) == 0 && (uint64_t)sb.st_size > d->size_hint)
		return sb.st_size;
	return d->size_hint;
}

int store_delivery_rcpt(struct store_delivery *d, const char *user,
			const char *mailbox, unsigned int flags,
			struct store_rcpt_result *res)
{
	struct store *st = d->st;
	struct store_delivery_rcpt r = { 0 }, *nv;
	struct store_user_rec u;
	struct store_mbox_rec mb;
	int rc;

	if (res)
		memset(res, 0, sizeof(*res));
	r.flags = flags;
	if (store_user_name(st, user, r.user) != STORE_OK) {
		rc = store_fail(st, STORE_ENOUSER, "no such user '%.80s'",
				user ? user : "");
		goto out;
	}
	rc = store_mailbox_name(st, mailbox, r.res.mailbox);
	if (rc == STORE_EBADNAME && !(flags & STORE_RCPT_EXACT)) {
		snprintf(r.res.mailbox, sizeof(r.res.mailbox), "INBOX");
		r.res.fell_back = true;
		rc = STORE_OK;
	}
	if (rc == STORE_OK)
		rc = store_user_get(st, NULL, r.user, &u, 0);
	if (rc == STORE_OK)
		rc = store_quota_check(st, r.user, &u, store_delivery_size(d));
	if (rc == STORE_OK)
		rc = store_rcpt_mailbox(st, NULL, &r, &mb, 0);
	if (rc == STORE_RETRY)
		rc = store_fail(st, STORE_EIO, "database busy, try again");
	if (rc)
		goto out;
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 4;
		nv = realloc(d->r, d->cap * sizeof(*nv));
		if (!nv) {
			rc = store_fail(st, STORE_EIO, "out of memory");
			goto out;
		}
		d->r = nv;
	}
	d->r[d->n++] = r;
out:
	r.res.status = rc;
	if (res)
		*res = r.res;
	return rc;
}

/* A commit of one or more deliveries: the mailbox directories to fsync. */
struct store_commit {
	char (*dirs)[PATH_MAX];		/* mailbox dirs linked into */
	size_t ndirs;
};

/*
 * Link the delivery's file as the message file rel, replacing a leftover
 * of an uncommitted delivery (UIDs at or above UIDNEXT are never live).
 */
static int store_commit_link(struct store *st, struct store_delivery *d,
			     const char *rel)
{
	if (linkat(st->tmp_fd, d->name, st->dirfd, rel, 0) == 0)
		return STORE_OK;
	if (errno == EEXIST && unlinkat(st->dirfd, rel, 0) == 0 &&
	    linkat(st->tmp_fd, d->name, st->dirfd, rel, 0) == 0)
		return STORE_OK;
	return store_sysfail(st, "cannot link message to", rel);
}

static void store_commit_note_dir(struct store_commit *c, const char *dir)
{
	size_t i;

	for (i = 0; i < c->ndirs; i++) {
		if (strcmp(c->dirs[i], dir) == 0)
			return;
	}
	snprintf(c->dirs[c->ndirs++], PATH_MAX, "%s", dir);
}

static int store_commit_one(struct store *st, DB_TXN *txn,
			    struct store_commit *c, struct store_delivery *d,
			    struct store_delivery_rcpt *r)
{
	struct store_msg m = { 0 };
	struct store_user_rec u;
	struct store_mbox_rec mb;
	char dir[PATH_MAX], rel[PATH_MAX];
	int rc;

	rc = store_user_get(st, txn, r->user, &u, DB_RMW);
	if (rc == STORE_OK)
		rc = store_quota_check(st, r->user, &u, d->size);
	if (rc == STORE_OK)
		rc = store_rcpt_mailbox(st, txn, r, &mb, DB_RMW);
	if (rc)
		return rc;
	m.uid = mb.uidnext++;
	m.modseq = ++mb.highestmodseq;
	m.flags = d->flags;
	m.keywords = d->keywords;
	m.size = d->size;
	m.internal_date = d->date;
	memcpy(m.sha256, d->sha256, 32);
	u.used += d->size;
	rc = store_mbox_put(st, txn, r->user, r->res.mailbox, &mb);
	if (rc == STORE_OK)
		rc = store_msg_put(st, txn, mb.id, &m);
	if (rc == STORE_OK)
		rc = store_cache_put(st, txn, mb.id, m.uid, d->cache,
				     d->cache_len);
	if (rc == STORE_OK)
		rc = store_user_put(st, txn, r->user, &u);
	if (rc == STORE_OK)
		rc = store_mailbox_dir(st, r->user, mb.id, dir, sizeof(dir));
	if (rc)
		return rc;
	store_msg_path(rel, sizeof(rel), r->user, mb.id, m.uid);
	rc = store_commit_link(st, d, rel);
	if (rc)
		return rc;
	store_commit_note_dir(c, dir);
	r->res.uidvalidity = mb.uidvalidity;
	r->res.uid = m.uid;
	return STORE_OK;
}

/* Every recipient of every delivery gets the same status. */
static void store_commit_set_all(struct store_delivery **ds, size_t n, int rc)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < ds[i]->n; k++)
			ds[i]->r[k].res.status = rc;
	}
}

/* One attempt; STORE_RETRY if a deadlock aborted it. */
static int store_commit_try(struct store *st, struct store_commit *c,
			    struct store_delivery **ds, size_t n)
{
	DB_TXN *parent, *child;
	int rc, ret, first = STORE_OK;
	size_t i, k;

	c->ndirs = 0;
	ret = st->env->txn_begin(st->env, NULL, &parent, 0);
	if (ret)
		return store_dbfail(st, ret, "begin transaction");
	for (i = 0; i < n; i++) {
		for (k = 0; k < ds[i]->n; k++) {
			struct store_delivery_rcpt *r = &ds[i]->r[k];

			r->res.uid = r->res.uidvalidity = 0;
			ret = st->env->txn_begin(st->env, parent, &child, 0);
			if (ret) {
				rc = store_dbfail(st, ret, "begin transaction");
				goto abort;
			}
			rc = store_commit_one(st, child, c, ds[i], r);
			if (rc == STORE_OK) {
				ret = child->commit(child, 0);
				rc = ret ? store_dbfail(st, ret, "commit") :
					STORE_OK;
			} else {
				child->abort(child);
			}
			/* after these the parent may be unusable */
			if (rc == STORE_RETRY || rc == STORE_EIO)
				goto abort;
			r->res.status = rc;
			if (rc != STORE_OK && first == STORE_OK)
				first = rc;
		}
	}
	for (i = 0; i < c->ndirs; i++) {
		if (store_fsync_dir(st, c->dirs[i]) < 0) {
			rc = store_sysfail(st, "cannot fsync", c->dirs[i]);
			goto abort;
		}
	}
	ret = parent->commit(parent, 0);
	if (ret) {
		rc = store_dbfail(st, ret, "commit delivery");
		goto failed;
	}
	return first;
abort:
	parent->abort(parent);
failed:
	if (rc != STORE_RETRY)
		store_commit_set_all(ds, n, rc);
	return rc;
}

void store_delivery_set_content(struct store_delivery *d,
				const unsigned char sha256[32], uint64_t size,
				int64_t internal_date)
{
	memcpy(d->sha256, sha256, 32);
	d->size = size;
	d->date = internal_date ? internal_date : time(NULL);
	d->content_set = true;
}

/* The file must be what the caller says it is, and have recipients. */
static int store_delivery_check(struct store_delivery *d)
{
	struct store *st = d->st;
	struct stat sb;

	if (!d->content_set)
		return store_fail(st, STORE_EINVAL, "delivery without "
				  "content (store_delivery_set_content)");
	if (fstat(d->fd, &sb) < 0)
		return store_sysfail(st, "cannot stat", d->path);
	if ((uint64_t)sb.st_size != d->size)
		return store_fail(st, STORE_EINVAL, "delivery file has %lld "
				  "bytes, commit says %llu",
				  (long long)sb.st_size,
				  (unsigned long long)d->size);
	if (!d->n)
		return store_fail(st, STORE_EINVAL, "delivery without "
				  "recipients");
	free(d->cache);
	return store_cache_from_fd(st, d->fd, d->size, &d->cache,
				   &d->cache_len);
}

int store_delivery_commit_many(struct store_delivery **ds, size_t n)
{
	struct store_delivery **ok;
	struct store_commit c = { 0 };
	struct store *st;
	size_t i, k, nok = 0, nrcpt = 0;
	int tries, rc = STORE_OK, first = STORE_OK;

	if (!n)
		return STORE_OK;
	st = ds[0]->st;
	ok = calloc(n, sizeof(*ok));
	if (!ok)
		return store_fail(st, STORE_EIO, "out of memory");
	/* deliveries that are not valid fail alone */
	for (i = 0; i < n; i++) {
		rc = ds[i]->st == st ? store_delivery_check(ds[i]) :
			store_fail(st, STORE_EINVAL, "deliveries of "
				   "different store handles");
		if (rc) {
			for (k = 0; k < ds[i]->n; k++)
				ds[i]->r[k].res.status = rc;
			if (first == STORE_OK)
				first = rc;
			continue;
		}
		ok[nok++] = ds[i];
		nrcpt += ds[i]->n;
	}
	if (!nok)
		goto out;
	c.dirs = calloc(nrcpt, sizeof(*c.dirs));
	if (!c.dirs) {
		rc = store_fail(st, STORE_EIO, "out of memory");
		store_commit_set_all(ok, nok, rc);
		first = first ? first : rc;
		goto out;
	}
	for (tries = 0; tries < STORE_TXN_TRIES; tries++) {
		rc = store_commit_try(st, &c, ok, nok);
		if (rc != STORE_RETRY)
			break;
		usleep(1000 * (tries + 1));
	}
	if (rc == STORE_RETRY) {
		rc = store_fail(st, STORE_EIO, "delivery still deadlocked "
				"after %d tries", STORE_TXN_TRIES);
		store_commit_set_all(ok, nok, rc);
	}
	if (first == STORE_OK)
		first = rc;
	free(c.dirs);
out:
	free(ok);
	return first;
}

int store_delivery_commit(struct store_delivery *d,
			  const unsigned char sha256[32], uint64_t size,
			  int64_t internal_date)
{
	store_delivery_set_content(d, sha256, size, internal_date);
	return store_delivery_commit_many(&d, 1);
}

void store_delivery_end(struct store_delivery *d)
{
	if (!d)
		return;
	if (d->fd >= 0)
		close(d->fd);
	unlinkat(d->st->tmp_fd, d->name, 0);
	free(d->cache);
	free(d->r);
	free(d);
}
