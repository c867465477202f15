// SPDX-License-Identifier: GPL-2.0
/*
 * Messages of a mailbox: index records (index.db, key: mailbox id + UID)
 * and their files.  Flags, expunge (kept for retention), copy and move,
 * undelete and expire.
 *
 * Every change takes the next modseq of the mailbox (CONDSTORE), and a new
 * message always takes UIDNEXT, which only grows: UIDs are never reused.
 * Files are linked before the transaction that makes them visible commits
 * and unlinked only after the one that forgets them has.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

/* A mailbox named by a caller, resolved inside a transaction. */
struct store_box {
	char user[STORE_USER_MAX + 1];
	char name[STORE_MAILBOX_MAX + 1];
	struct store_mbox_rec rec;
};

static int store_box_names(struct store *st, struct store_box *b,
			   const char *user, const char *mailbox)
{
	int rc = store_user_name(st, user, b->user);

	return rc ? rc : store_mailbox_name(st, mailbox, b->name);
}

/* Read the user (into u if not NULL) and the mailbox record. */
static int store_box_load(struct store *st, DB_TXN *txn, struct store_box *b,
			  struct store_user_rec *u, uint32_t flags)
{
	struct store_user_rec tmp;
	int rc;

	rc = store_user_get(st, txn, b->user, u ? u : &tmp, u ? flags : 0);
	if (rc == STORE_OK)
		rc = store_mbox_get(st, txn, b->user, b->name, &b->rec, flags);
	return rc;
}

/* Non-transactional reads cannot be retried by store_txn(). */
static int store_noretry(struct store *st, int rc)
{
	if (rc == STORE_RETRY)
		return store_fail(st, STORE_EIO, "database busy (deadlock), "
				  "try again");
	return rc;
}

int store_msg_put(struct store *st, DB_TXN *txn, uint64_t id,
		  const struct store_msg *m)
{
	unsigned char k[STORE_INDEX_KEY_LEN], v[STORE_MSG_REC_LEN];
	DBT key = { 0 }, val = { 0 };
	int ret;

	store_index_key(k, id, m->uid);
	key.data = k;
	key.size = sizeof(k);
	val.data = v;
	val.size = store_msg_rec_encode(m, v);
	ret = st->index->put(st->index, txn, &key, &val, 0);
	return ret ? store_dbfail(st, ret, "write index") : STORE_OK;
}

static int store_msg_del(struct store *st, DB_TXN *txn, uint64_t id,
			 uint32_t uid)
{
	unsigned char k[STORE_INDEX_KEY_LEN];
	DBT key = { 0 };
	int ret;

	store_index_key(k, id, uid);
	key.data = k;
	key.size = sizeof(k);
	ret = st->index->del(st->index, txn, &key, 0);
	if (ret)
		return store_dbfail(st, ret, "delete index record");
	return store_cache_del(st, txn, id, uid);
}

static int store_msg_read(struct store *st, DB_TXN *txn, uint64_t id,
			  uint32_t uid, struct store_msg *m, uint32_t flags)
{
	unsigned char k[STORE_INDEX_KEY_LEN], v[STORE_MSG_REC_LEN];
	DBT key = { 0 }, val = { 0 };
	int ret;

	store_index_key(k, id, uid);
	key.data = k;
	key.size = sizeof(k);
	val.data = v;
	val.ulen = sizeof(v);
	val.flags = DB_DBT_USERMEM;
	ret = st->index->get(st->index, txn, &key, &val, flags);
	if (ret == DB_NOTFOUND)
		return store_fail(st, STORE_ENOMSG, "no message with UID %u",
				  uid);
	if (ret && ret != DB_BUFFER_SMALL)
		return store_dbfail(st, ret, "read index");
	if (ret || store_msg_rec_decode(m, v, val.size))
		return store_fail(st, STORE_ECORRUPT, "index record of UID "
				  "%u does not decode", uid);
	m->uid = uid;
	return STORE_OK;
}

/*
 * Walk the records of mailbox id in UID order; fn returns STORE_OK to go
 * on.  The cursor reads with DB_RMW when the walk is going to write.
 */
typedef int (*store_msg_fn)(struct store *st, DB_TXN *txn,
			    const struct store_msg *m, void *arg);

/* Bulk reads: many records per call into Berkeley DB (read-only walks). */
#define STORE_MSG_BULK		(256 * 1024)

static int store_msg_each_bulk(struct store *st, DB_TXN *txn, uint64_t id,
			       store_msg_fn fn, void *arg)
{
	unsigned char kb[STORE_INDEX_KEY_LEN], *rk, *rd;
	DBT key = { 0 }, val = { 0 };
	uint32_t rklen, rdlen, flags = DB_SET_RANGE;
	int ret, rc = STORE_OK;
	struct store_msg m;
	bool done = false;
	uint64_t kid;
	void *p;
	DBC *c;

	val.ulen = STORE_MSG_BULK;
	val.data = malloc(val.ulen);
	if (!val.data)
		return store_fail(st, STORE_EIO, "out of memory");
	val.flags = DB_DBT_USERMEM;
	ret = st->index->cursor(st->index, txn, &c, 0);
	if (ret) {
		free(val.data);
		return store_dbfail(st, ret, "cursor");
	}
	store_index_key(kb, id, 0);
	key.data = kb;
	key.size = sizeof(kb);
	key.ulen = sizeof(kb);
	key.flags = DB_DBT_USERMEM;
	while (!done && rc == STORE_OK) {
		ret = c->get(c, &key, &val, flags | DB_MULTIPLE_KEY);
		if (ret)
			break;
		flags = DB_NEXT;
		DB_MULTIPLE_INIT(p, &val);
		while (rc == STORE_OK) {
			DB_MULTIPLE_KEY_NEXT(p, &val, rk, rklen, rd, rdlen);
			if (!p)
				break;
			if (rklen != STORE_INDEX_KEY_LEN) {
				done = true;
				break;
			}
			store_index_key_parse(rk, &kid, &m.uid);
			if (kid != id) {
				done = true;
				break;
			}
			if (store_msg_rec_decode(&m, rd, rdlen))
				rc = store_fail(st, STORE_ECORRUPT, "index "
						"record of UID %u does not "
						"decode", m.uid);
			else
				rc = fn(st, txn, &m, arg);
		}
	}
	c->close(c);
	free(val.data);
	if (rc == STORE_OK && ret && ret != DB_NOTFOUND)
		rc = store_dbfail(st, ret, "read index");
	return rc;
}

static int store_msg_each(struct store *st, DB_TXN *txn, uint64_t id,
			  uint32_t flags, store_msg_fn fn, void *arg)
{
	unsigned char kb[STORE_INDEX_KEY_LEN], vb[STORE_MSG_REC_LEN];
	DBT key = { 0 }, val = { 0 };
	struct store_msg m;
	int ret, rc = STORE_OK;
	uint64_t kid;
	DBC *c;

	if (!flags)
		return store_msg_each_bulk(st, txn, id, fn, arg);
	ret = st->index->cursor(st->index, txn, &c, 0);
	if (ret)
		return store_dbfail(st, ret, "cursor");
	store_index_key(kb, id, 0);
	key.data = kb;
	key.size = sizeof(kb);
	key.ulen = sizeof(kb);
	key.flags = DB_DBT_USERMEM;
	val.data = vb;
	val.ulen = sizeof(vb);
	val.flags = DB_DBT_USERMEM;
	for (ret = c->get(c, &key, &val, DB_SET_RANGE | flags); ret == 0;
	     ret = c->get(c, &key, &val, DB_NEXT | flags)) {
		if (key.size != STORE_INDEX_KEY_LEN)
			break;
		store_index_key_parse(kb, &kid, &m.uid);
		if (kid != id)
			break;
		if (store_msg_rec_decode(&m, vb, val.size)) {
			rc = store_fail(st, STORE_ECORRUPT, "index record of "
					"UID %u does not decode", m.uid);
			break;
		}
		rc = fn(st, txn, &m, arg);
		if (rc)
			break;
	}
	c->close(c);
	if (rc == STORE_OK && ret && ret != DB_NOTFOUND)
		rc = store_dbfail(st, ret, "read index");
	return rc;
}

/*
 * Walk the records of mailbox id with modseq > since through modseq.db,
 * in modseq order: what changed since a client last looked, without
 * reading the rest of a big mailbox.
 */
static int store_msg_each_changed(struct store *st, DB_TXN *txn, uint64_t id,
				  uint64_t since, store_msg_fn fn, void *arg)
{
	unsigned char sb[STORE_MODSEQ_KEY_LEN], kb[STORE_INDEX_KEY_LEN];
	unsigned char vb[STORE_MSG_REC_LEN];
	DBT skey = { 0 }, key = { 0 }, val = { 0 };
	struct store_msg m;
	int ret, rc = STORE_OK;
	uint64_t kid;
	DBC *c;

	ret = st->modseq->cursor(st->modseq, txn, &c, 0);
	if (ret)
		return store_dbfail(st, ret, "cursor");
	store_modseq_key(sb, id, since + 1);
	skey.data = sb;
	skey.size = sizeof(sb);
	skey.ulen = sizeof(sb);
	skey.flags = DB_DBT_USERMEM;
	key.data = kb;
	key.ulen = sizeof(kb);
	key.flags = DB_DBT_USERMEM;
	val.data = vb;
	val.ulen = sizeof(vb);
	val.flags = DB_DBT_USERMEM;
	for (ret = c->pget(c, &skey, &key, &val, DB_SET_RANGE); ret == 0;
	     ret = c->pget(c, &skey, &key, &val, DB_NEXT)) {
		if (skey.size != STORE_MODSEQ_KEY_LEN ||
		    key.size != STORE_INDEX_KEY_LEN)
			break;
		store_index_key_parse(kb, &kid, &m.uid);
		if (kid != id)
			break;
		if (store_msg_rec_decode(&m, vb, val.size)) {
			rc = store_fail(st, STORE_ECORRUPT, "index record of "
					"UID %u does not decode", m.uid);
			break;
		}
		rc = fn(st, txn, &m, arg);
		if (rc)
			break;
	}
	c->close(c);
	if (rc == STORE_OK && ret && ret != DB_NOTFOUND)
		rc = store_dbfail(st, ret, "read modseq index");
	return rc;
}

/* ---- list, get, open ---- */

struct store_list_ctx {
	unsigned int which;
	uint64_t changed_since;
	struct store_msg *v;
	size_t n, cap;
};

static int store_list_one(struct store *st, DB_TXN *txn,
			  const struct store_msg *m, void *arg)
{
	struct store_list_ctx *l = arg;
	unsigned int kind = m->expunged_at ? STORE_LIST_EXPUNGED :
		STORE_LIST_LIVE;
	struct store_msg *nv;

	(void)txn;
	if (!(l->which & kind) || m->modseq <= l->changed_since)
		return STORE_OK;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		nv = realloc(l->v, l->cap * sizeof(*nv));
		if (!nv)
			return store_fail(st, STORE_EIO, "out of memory");
		l->v = nv;
	}
	l->v[l->n++] = *m;
	return STORE_OK;
}

static int store_list_cmp_uid(const void *a, const void *b)
{
	const struct store_msg *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static int store_list_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_box *b = ((void **)arg)[0];
	struct store_list_ctx *l = ((void **)arg)[1];
	int rc;

	l->n = 0;
	rc = store_box_load(st, txn, b, NULL, 0);
	if (rc)
		return rc;
	if (!l->changed_since)
		return store_msg_each(st, txn, b->rec.id, 0, store_list_one,
				      l);
	rc = store_msg_each_changed(st, txn, b->rec.id, l->changed_since,
				    store_list_one, l);
	if (rc == STORE_OK && l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), store_list_cmp_uid);
	return rc;
}

int store_msg_list(struct store *st, const char *user, const char *mailbox,
		   unsigned int which, uint64_t changed_since,
		   struct store_msg **msgs, size_t *n)
{
	struct store_list_ctx l = { 0 };
	struct store_box b;
	void *args[2] = { &b, &l };
	int rc;

	*msgs = NULL;
	*n = 0;
	rc = store_box_names(st, &b, user, mailbox);
	if (rc)
		return rc;
	l.which = which;
	l.changed_since = changed_since;
	/* a transaction gives a consistent view and retries deadlocks */
	rc = store_txn(st, store_list_txn, args);
	if (rc) {
		free(l.v);
		return rc;
	}
	*msgs = l.v;
	*n = l.n;
	return STORE_OK;
}

int store_msg_get(struct store *st, const char *user, const char *mailbox,
		  uint32_t uid, struct store_msg *msg)
{
	struct store_box b;
	int rc;

	rc = store_box_names(st, &b, user, mailbox);
	if (rc == STORE_OK)
		rc = store_box_load(st, NULL, &b, NULL, 0);
	if (rc == STORE_OK)
		rc = store_msg_read(st, NULL, b.rec.id, uid, msg, 0);
	return store_noretry(st, rc);
}

int store_msg_open(struct store *st, const char *user, const char *mailbox,
		   uint32_t uid, int *fd)
{
	struct store_box b;
	struct store_msg m;
	char rel[PATH_MAX];
	int rc;

	*fd = -1;
	rc = store_box_names(st, &b, user, mailbox);
	if (rc == STORE_OK)
		rc = store_box_load(st, NULL, &b, NULL, 0);
	if (rc == STORE_OK)
		rc = store_msg_read(st, NULL, b.rec.id, uid, &m, 0);
	if (rc)
		return store_noretry(st, rc);
	store_msg_path(rel, sizeof(rel), b.user, b.rec.id, uid);
	*fd = openat(st->dirfd, rel, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return store_sysfail(st, "cannot open message", rel);
	return STORE_OK;
}

int store_msg_open_id(struct store *st, const char *user, uint64_t id,
		      uint32_t uid, int *fd)
{
	char name[STORE_USER_MAX + 1], rel[PATH_MAX];
	int rc;

	*fd = -1;
	rc = store_user_name(st, user, name);
	if (rc)
		return rc;
	store_msg_path(rel, sizeof(rel), name, id, uid);
	*fd = openat(st->dirfd, rel, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return store_sysfail(st, "cannot open message", rel);
	return STORE_OK;
}

/* ---- flags ---- */

struct store_flags_ctx {
	struct store_box b;
	const uint32_t *uids;
	size_t n;
	enum store_flag_op op;
	uint32_t flags;
	uint64_t keywords;
	uint64_t unchanged_since;
	uint32_t *failed;
	size_t nfailed;
};

static int store_flags_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_flags_ctx *ctx = arg;
	uint64_t modseq0;
	struct store_msg m;
	uint32_t nf;
	uint64_t nk;
	size_t i;
	int rc;

	ctx->nfailed = 0;
	rc = store_box_load(st, txn, &ctx->b, NULL, DB_RMW);
	if (rc)
		return rc;
	modseq0 = ctx->b.rec.highestmodseq;
	for (i = 0; i < ctx->n; i++) {
		rc = store_msg_read(st, txn, ctx->b.rec.id, ctx->uids[i], &m,
				    DB_RMW);
		if (rc == STORE_ENOMSG)
			continue;
		if (rc)
			return rc;
		if (m.expunged_at)
			continue;
		if (m.modseq > ctx->unchanged_since) {
			if (ctx->failed)
				ctx->failed[ctx->nfailed] = m.uid;
			ctx->nfailed++;
			continue;
		}
		switch (ctx->op) {
		case STORE_FLAGS_SET:
			nf = ctx->flags;
			nk = ctx->keywords;
			break;
		case STORE_FLAGS_ADD:
			nf = m.flags | ctx->flags;
			nk = m.keywords | ctx->keywords;
			break;
		default:
			nf = m.flags & ~ctx->flags;
			nk = m.keywords & ~ctx->keywords;
			break;
		}
		nf &= STORE_FLAG_ALL;
		if (nf == m.flags && nk == m.keywords)
			continue;
		m.flags = nf;
		m.keywords = nk;
		m.modseq = ++ctx->b.rec.highestmodseq;
		rc = store_msg_put(st, txn, ctx->b.rec.id, &m);
		if (rc)
			return rc;
	}
	if (ctx->b.rec.highestmodseq == modseq0)
		return STORE_OK;
	return store_mbox_put(st, txn, ctx->b.user, ctx->b.name, &ctx->b.rec);
}

int store_msg_set_flags(struct store *st, const char *user,
			const char *mailbox, const uint32_t *uids, size_t n,
			enum store_flag_op op, uint32_t flags,
			uint64_t keywords, uint64_t unchanged_since,
			uint32_t *failed, size_t *nfailed)
{
	struct store_flags_ctx ctx = { 0 };
	int rc;

	if (nfailed)
		*nfailed = 0;
	rc = store_box_names(st, &ctx.b, user, mailbox);
	if (rc)
		return rc;
	if (op != STORE_FLAGS_SET && op != STORE_FLAGS_ADD &&
	    op != STORE_FLAGS_REMOVE)
		return store_fail(st, STORE_EINVAL, "bad flag operation");
	ctx.uids = uids;
	ctx.n = n;
	ctx.op = op;
	ctx.flags = flags;
	ctx.keywords = keywords;
	ctx.unchanged_since = unchanged_since;
	ctx.failed = failed;
	rc = store_txn(st, store_flags_txn, &ctx);
	if (rc == STORE_OK && nfailed)
		*nfailed = ctx.nfailed;
	return rc;
}

/* ---- expunge ---- */

struct store_expunge_ctx {
	struct store_box b;
	struct store_user_rec u;
	const uint32_t *uids;
	size_t n, count;
	int64_t now;
};

static int store_expunge_one(struct store *st, DB_TXN *txn,
			     struct store_expunge_ctx *ctx,
			     struct store_msg *m)
{
	if (m->expunged_at)
		return STORE_OK;
	m->expunged_at = ctx->now;
	m->modseq = ++ctx->b.rec.highestmodseq;
	ctx->u.used = ctx->u.used > m->size ? ctx->u.used - m->size : 0;
	ctx->count++;
	return store_msg_put(st, txn, ctx->b.rec.id, m);
}

static int store_expunge_deleted(struct store *st, DB_TXN *txn,
				 const struct store_msg *m, void *arg)
{
	struct store_msg copy = *m;

	if (!(m->flags & STORE_FLAG_DELETED))
		return STORE_OK;
	return store_expunge_one(st, txn, arg, &copy);
}

static int store_expunge_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_expunge_ctx *ctx = arg;
	struct store_msg m;
	size_t i;
	int rc = STORE_OK;

	ctx->count = 0;
	rc = store_box_load(st, txn, &ctx->b, &ctx->u, DB_RMW);
	if (rc)
		return rc;
	if (!ctx->uids) {
		rc = store_msg_each(st, txn, ctx->b.rec.id, DB_RMW,
				    store_expunge_deleted, ctx);
	} else {
		for (i = 0; rc == STORE_OK && i < ctx->n; i++) {
			rc = store_msg_read(st, txn, ctx->b.rec.id,
					    ctx->uids[i], &m, DB_RMW);
			if (rc == STORE_OK)
				rc = store_expunge_one(st, txn, ctx, &m);
			else if (rc == STORE_ENOMSG)
				rc = STORE_OK;
		}
	}
	if (rc || !ctx->count)
		return rc;
	rc = store_mbox_put(st, txn, ctx->b.user, ctx->b.name, &ctx->b.rec);
	return rc ? rc : store_user_put(st, txn, ctx->b.user, &ctx->u);
}

int store_msg_expunge(struct store *st, const char *user, const char *mailbox,
		      const uint32_t *uids, size_t n, size_t *count)
{
	struct store_expunge_ctx ctx = { 0 };
	int rc;

	if (count)
		*count = 0;
	rc = store_box_names(st, &ctx.b, user, mailbox);
	if (rc)
		return rc;
	ctx.uids = uids;
	ctx.n = n;
	ctx.now = time(NULL);
	rc = store_txn(st, store_expunge_txn, &ctx);
	if (rc == STORE_OK && count)
		*count = ctx.count;
	return rc;
}

/* ---- copy, move ---- */

struct store_copy_ctx {
	struct store_box src, dst;
	struct store_user_rec u;
	const uint32_t *uids;
	size_t n;
	bool move;
	uint32_t *dst_uids;
	int64_t now;
};

/*
 * Hard link the file of (user, from_id, from_uid) as (to_id, to_uid),
 * replacing a leftover of an uncommitted transaction.
 */
static int store_link_msg(struct store *st, const char *user,
			  uint64_t from_id, uint32_t from_uid,
			  uint64_t to_id, uint32_t to_uid)
{
	char from[PATH_MAX], to[PATH_MAX];
	int rc;

	rc = store_mailbox_dir(st, user, to_id, to, sizeof(to));
	if (rc)
		return rc;
	store_msg_path(from, sizeof(from), user, from_id, from_uid);
	store_msg_path(to, sizeof(to), user, to_id, to_uid);
	if (linkat(st->dirfd, from, st->dirfd, to, 0) == 0)
		return STORE_OK;
	if (errno == EEXIST && unlinkat(st->dirfd, to, 0) == 0 &&
	    linkat(st->dirfd, from, st->dirfd, to, 0) == 0)
		return STORE_OK;
	return store_sysfail(st, "cannot link message to", to);
}

static int store_copy_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_copy_ctx *ctx = arg;
	struct store_msg m, src_m;
	char rel[PATH_MAX];
	uint64_t total = 0, used0;
	size_t i, copied = 0;
	int rc;

	rc = store_box_load(st, txn, &ctx->src, &ctx->u, DB_RMW);
	if (rc == STORE_OK)
		rc = store_mbox_get(st, txn, ctx->dst.user, ctx->dst.name,
				    &ctx->dst.rec, DB_RMW);
	if (rc)
		return rc;
	if (ctx->src.rec.id == ctx->dst.rec.id)
		return store_fail(st, STORE_EINVAL, "source and destination "
				  "are the same mailbox");
	used0 = ctx->u.used;
	for (i = 0; i < ctx->n; i++) {
		ctx->dst_uids[i] = 0;
		rc = store_msg_read(st, txn, ctx->src.rec.id, ctx->uids[i],
				    &m, DB_RMW);
		if (rc == STORE_ENOMSG)
			continue;
		if (rc)
			return rc;
		if (m.expunged_at)
			continue;
		src_m = m;
		m.uid = ctx->dst.rec.uidnext++;
		m.modseq = ++ctx->dst.rec.highestmodseq;
		m.flags &= ~STORE_FLAG_DELETED;
		rc = store_link_msg(st, ctx->dst.user, ctx->src.rec.id,
				    src_m.uid, ctx->dst.rec.id, m.uid);
		if (rc == STORE_OK)
			rc = store_msg_put(st, txn, ctx->dst.rec.id, &m);
		if (rc == STORE_OK)
			rc = store_cache_copy(st, txn, ctx->src.rec.id,
					      src_m.uid, ctx->dst.rec.id,
					      m.uid);
		if (rc == STORE_OK && ctx->move) {
			src_m.expunged_at = ctx->now;
			src_m.modseq = ++ctx->src.rec.highestmodseq;
			rc = store_msg_put(st, txn, ctx->src.rec.id, &src_m);
		} else {
			total += m.size;
		}
		if (rc)
			return rc;
		ctx->dst_uids[i] = m.uid;
		copied++;
	}
	if (!copied)
		return STORE_OK;
	if (ctx->u.quota != STORE_QUOTA_NONE && total &&
	    used0 + total > ctx->u.quota)
		return store_fail(st, STORE_EQUOTA, "over quota: %llu of "
				  "%llu bytes used, copy needs %llu",
				  (unsigned long long)used0,
				  (unsigned long long)ctx->u.quota,
				  (unsigned long long)total);
	ctx->u.used = used0 + total;
	snprintf(rel, sizeof(rel), "%s/%s/%llu", SLOT_MAIL_DIR,
		 ctx->dst.user, (unsigned long long)ctx->dst.rec.id);
	if (store_fsync_dir(st, rel) < 0)
		return store_sysfail(st, "cannot fsync", rel);
	rc = store_mbox_put(st, txn, ctx->dst.user, ctx->dst.name,
			    &ctx->dst.rec);
	if (rc == STORE_OK && ctx->move)
		rc = store_mbox_put(st, txn, ctx->src.user, ctx->src.name,
				    &ctx->src.rec);
	if (rc == STORE_OK)
		rc = store_user_put(st, txn, ctx->src.user, &ctx->u);
	return rc;
}

int store_msg_copy(struct store *st, const char *user, const char *from,
		   const char *to, const uint32_t *uids, size_t n, bool move,
		   uint32_t *dst_uids)
{
	struct store_copy_ctx ctx = { 0 };
	int rc;

	rc = store_box_names(st, &ctx.src, user, from);
	if (rc == STORE_OK)
		rc = store_box_names(st, &ctx.dst, user, to);
	if (rc)
		return rc;
	ctx.uids = uids;
	ctx.n = n;
	ctx.move = move;
	ctx.dst_uids = dst_uids;
	ctx.now = time(NULL);
	return store_txn(st, store_copy_txn, &ctx);
}

/* ---- undelete ---- */

struct store_undel_ctx {
	struct store_box b;
	struct store_user_rec u;
	int64_t since;
	size_t count;
	uint32_t *old;		/* old UIDs, unlinked after the commit */
	size_t nold, cap;
};

static int store_undel_collect(struct store *st, DB_TXN *txn,
			       const struct store_msg *m, void *arg)
{
	struct store_undel_ctx *ctx = arg;
	uint32_t *nv;

	(void)txn;
	if (!m->expunged_at || m->expunged_at < ctx->since)
		return STORE_OK;
	if (ctx->nold == ctx->cap) {
		ctx->cap = ctx->cap ? 2 * ctx->cap : 64;
		nv = realloc(ctx->old, ctx->cap * sizeof(*nv));
		if (!nv)
			return store_fail(st, STORE_EIO, "out of memory");
		ctx->old = nv;
	}
	ctx->old[ctx->nold++] = m->uid;
	return STORE_OK;
}

static int store_undel_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_undel_ctx *ctx = arg;
	struct store_msg m;
	char rel[PATH_MAX];
	uint32_t olduid;
	size_t i;
	int rc;

	ctx->nold = 0;
	ctx->count = 0;
	rc = store_box_load(st, txn, &ctx->b, &ctx->u, DB_RMW);
	if (rc == STORE_OK)
		rc = store_msg_each(st, txn, ctx->b.rec.id, DB_RMW,
				    store_undel_collect, ctx);
	if (rc || !ctx->nold)
		return rc;
	for (i = 0; i < ctx->nold; i++) {
		rc = store_msg_read(st, txn, ctx->b.rec.id, ctx->old[i], &m,
				    DB_RMW);
		if (rc)
			return rc;
		olduid = m.uid;
		/* a new UID: clients that saw the expunge see a new message */
		m.uid = ctx->b.rec.uidnext++;
		m.modseq = ++ctx->b.rec.highestmodseq;
		m.expunged_at = 0;
		m.flags &= ~STORE_FLAG_DELETED;
		rc = store_link_msg(st, ctx->b.user, ctx->b.rec.id, olduid,
				    ctx->b.rec.id, m.uid);
		if (rc == STORE_OK)
			rc = store_cache_copy(st, txn, ctx->b.rec.id, olduid,
					      ctx->b.rec.id, m.uid);
		if (rc == STORE_OK)
			rc = store_msg_del(st, txn, ctx->b.rec.id, olduid);
		if (rc == STORE_OK)
			rc = store_msg_put(st, txn, ctx->b.rec.id, &m);
		if (rc)
			return rc;
		ctx->u.used += m.size;
		ctx->count++;
	}
	snprintf(rel, sizeof(rel), "%s/%s/%llu", SLOT_MAIL_DIR, ctx->b.user,
		 (unsigned long long)ctx->b.rec.id);
	if (store_fsync_dir(st, rel) < 0)
		return store_sysfail(st, "cannot fsync", rel);
	rc = store_mbox_put(st, txn, ctx->b.user, ctx->b.name, &ctx->b.rec);
	return rc ? rc : store_user_put(st, txn, ctx->b.user, &ctx->u);
}

static int store_undelete_one(struct store *st, const char *user,
			      const char *mailbox, int64_t since,
			      size_t *count)
{
	struct store_undel_ctx ctx = { 0 };
	char rel[PATH_MAX];
	size_t i;
	int rc;

	rc = store_box_names(st, &ctx.b, user, mailbox);
	if (rc)
		return rc;
	ctx.since = since;
	rc = store_txn(st, store_undel_txn, &ctx);
	if (rc == STORE_OK) {
		for (i = 0; i < ctx.nold; i++) {
			store_msg_path(rel, sizeof(rel), ctx.b.user,
				       ctx.b.rec.id, ctx.old[i]);
			unlinkat(st->dirfd, rel, 0);
		}
		*count += ctx.count;
	}
	free(ctx.old);
	return rc;
}

struct store_restore_ctx {
	char user[STORE_USER_MAX + 1];
	const char *hidden;
	char name[STORE_MAILBOX_MAX + 1];	/* out */
};

static int store_restore_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_restore_ctx *ctx = arg;

	return store_mbox_restore(st, txn, ctx->user, ctx->hidden, ctx->name);
}

/*
 * Deleted mailboxes of user (only those once named match, if not NULL)
 * with messages expunged since: back under their name, then undeleted.
 */
static int store_undelete_deleted(struct store *st, const char *user,
				  const char *match, int64_t since,
				  size_t *total)
{
	struct store_restore_ctx ctx = { 0 };
	struct store_mailbox_info *boxes;
	struct store_mbox_rec r;
	struct store_msg *msgs;
	size_t n, i, k, nm;
	bool wanted;
	int rc;

	rc = store_user_name(st, user, ctx.user);
	if (rc == STORE_OK)
		rc = store_mailbox_list_all(st, ctx.user, true, &boxes, &n);
	if (rc)
		return rc;
	for (i = 0; rc == STORE_OK && i < n; i++) {
		if (!store_mbox_is_deleted(boxes[i].name))
			continue;
		rc = store_noretry(st, store_mbox_get(st, NULL, ctx.user,
						      boxes[i].name, &r, 0));
		if (rc || (match && strcmp(match, r.deleted_name)))
			continue;
		rc = store_msg_list_id(st, r.id, &msgs, &nm);
		wanted = false;
		for (k = 0; rc == STORE_OK && k < nm; k++)
			wanted |= msgs[k].expunged_at >= since;
		free(msgs);
		if (rc || !wanted)
			continue;
		ctx.hidden = boxes[i].name;
		rc = store_txn(st, store_restore_txn, &ctx);
		if (rc == STORE_OK)
			rc = store_undelete_one(st, ctx.user, ctx.name, since,
						total);
	}
	free(boxes);
	return rc;
}

int store_undelete(struct store *st, const char *user, const char *mailbox,
		   int64_t since, size_t *count)
{
	char name[STORE_MAILBOX_MAX + 1];
	struct store_mailbox_info *boxes;
	size_t n, i, total = 0;
	int rc;

	if (count)
		*count = 0;
	if (mailbox) {
		int live;

		rc = store_mailbox_name(st, mailbox, name);
		if (rc)
			return rc;
		live = store_undelete_one(st, user, name, since, &total);
		if (live != STORE_OK && live != STORE_ENOMBOX)
			return live;
		/* and a deleted mailbox of that name comes back */
		rc = store_undelete_deleted(st, user, name, since, &total);
		if (rc == STORE_OK && live == STORE_ENOMBOX && !total)
			rc = store_fail(st, STORE_ENOMBOX, "no mailbox '%s', "
					"nor a deleted one to restore", name);
	} else {
		rc = store_mailbox_list(st, user, &boxes, &n);
		if (rc)
			return rc;
		for (i = 0; rc == STORE_OK && i < n; i++)
			rc = store_undelete_one(st, user, boxes[i].name, since,
						&total);
		free(boxes);
		if (rc == STORE_OK)
			rc = store_undelete_deleted(st, user, NULL, since,
						    &total);
	}
	if (count)
		*count = total;
	return rc;
}

/* ---- expire ---- */

struct store_expire_box {
	char user[STORE_USER_MAX + 1];
	char name[STORE_MAILBOX_MAX + 1];
};

struct store_expire_ctx {
	struct store_expire_box *boxes;
	size_t nboxes, cap;
	/* per mailbox: */
	struct store_box b;
	int64_t cutoff;
	uint32_t *uids;
	size_t nuids, ucap;
	size_t nrecs;		/* records seen */
	bool gone;		/* a deleted mailbox, now empty: removed */
};

static int store_expire_collect_box(struct store *st, DB_TXN *txn,
				    const char *user, const char *name,
				    const struct store_mbox_rec *r, void *arg)
{
	struct store_expire_ctx *ctx = arg;
	struct store_expire_box *nv;

	(void)txn;
	(void)r;
	if (ctx->nboxes == ctx->cap) {
		ctx->cap = ctx->cap ? 2 * ctx->cap : 32;
		nv = realloc(ctx->boxes, ctx->cap * sizeof(*nv));
		if (!nv)
			return store_fail(st, STORE_EIO, "out of memory");
		ctx->boxes = nv;
	}
	snprintf(ctx->boxes[ctx->nboxes].user, STORE_USER_MAX + 1, "%s", user);
	snprintf(ctx->boxes[ctx->nboxes].name, STORE_MAILBOX_MAX + 1, "%s",
		 name);
	ctx->nboxes++;
	return STORE_OK;
}

static int store_expire_collect(struct store *st, DB_TXN *txn,
				const struct store_msg *m, void *arg)
{
	struct store_expire_ctx *ctx = arg;
	uint32_t *nv;

	(void)txn;
	ctx->nrecs++;
	if (!m->expunged_at || m->expunged_at > ctx->cutoff)
		return STORE_OK;
	if (ctx->nuids == ctx->ucap) {
		ctx->ucap = ctx->ucap ? 2 * ctx->ucap : 64;
		nv = realloc(ctx->uids, ctx->ucap * sizeof(*nv));
		if (!nv)
			return store_fail(st, STORE_EIO, "out of memory");
		ctx->uids = nv;
	}
	ctx->uids[ctx->nuids++] = m->uid;
	return STORE_OK;
}

static int store_expire_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_expire_ctx *ctx = arg;
	size_t i;
	int rc;

	ctx->nuids = 0;
	ctx->nrecs = 0;
	ctx->gone = false;
	rc = store_box_load(st, txn, &ctx->b, NULL, DB_RMW);
	if (rc == STORE_OK)
		rc = store_msg_each(st, txn, ctx->b.rec.id, DB_RMW,
				    store_expire_collect, ctx);
	for (i = 0; rc == STORE_OK && i < ctx->nuids; i++)
		rc = store_msg_del(st, txn, ctx->b.rec.id, ctx->uids[i]);
	if (rc || !store_mbox_is_deleted(ctx->b.name) ||
	    ctx->nuids != ctx->nrecs)
		return rc;
	/* a deleted mailbox whose last message expired goes for good */
	ctx->gone = true;
	return store_mbox_forget(st, txn, ctx->b.user, ctx->b.name,
				 ctx->b.rec.id);
}

int store_expire(struct store *st, int64_t now, int64_t retention,
		 size_t *count)
{
	struct store_expire_ctx ctx = { 0 };
	char rel[PATH_MAX];
	size_t i, j, total = 0;
	int rc;

	if (count)
		*count = 0;
	ctx.cutoff = now - retention;
	rc = store_noretry(st, store_mbox_each(st, NULL, NULL,
					       store_expire_collect_box,
					       &ctx));
	for (i = 0; rc == STORE_OK && i < ctx.nboxes; i++) {
		memset(&ctx.b, 0, sizeof(ctx.b));
		memcpy(ctx.b.user, ctx.boxes[i].user, sizeof(ctx.b.user));
		memcpy(ctx.b.name, ctx.boxes[i].name, sizeof(ctx.b.name));
		rc = store_txn(st, store_expire_txn, &ctx);
		if (rc == STORE_ENOMBOX || rc == STORE_ENOUSER) {
			rc = STORE_OK;	/* deleted meanwhile */
			continue;
		}
		for (j = 0; rc == STORE_OK && j < ctx.nuids; j++) {
			store_msg_path(rel, sizeof(rel), ctx.b.user,
				       ctx.b.rec.id, ctx.uids[j]);
			unlinkat(st->dirfd, rel, 0);
		}
		if (rc == STORE_OK && ctx.gone)
			store_mbox_rmdir(st, ctx.b.user, ctx.b.rec.id);
		total += rc == STORE_OK ? ctx.nuids : 0;
	}
	free(ctx.boxes);
	free(ctx.uids);
	if (count)
		*count = total;
	return rc;
}

/* ---- backup support ---- */

struct store_forget_ctx {
	uint64_t id;
	uint32_t uid;
};

static int store_forget_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_forget_ctx *ctx = arg;
	struct store_msg m;
	int rc;

	rc = store_msg_read(st, txn, ctx->id, ctx->uid, &m, DB_RMW);
	if (rc || !m.expunged_at)
		return rc;
	return store_msg_del(st, txn, ctx->id, ctx->uid);
}

int store_expunged_forget(struct store *st, uint64_t id, uint32_t uid)
{
	struct store_forget_ctx ctx = { id, uid };

	return store_txn(st, store_forget_txn, &ctx);
}

struct store_list_id_ctx {
	uint64_t id;
	struct store_list_ctx l;
};

static int store_list_id_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_list_id_ctx *ctx = arg;

	ctx->l.n = 0;
	return store_msg_each(st, txn, ctx->id, 0, store_list_one, &ctx->l);
}

int store_msg_list_id(struct store *st, uint64_t id, struct store_msg **msgs,
		      size_t *n)
{
	struct store_list_id_ctx ctx = { .id = id };
	int rc;

	ctx.l.which = STORE_LIST_LIVE | STORE_LIST_EXPUNGED;
	*msgs = NULL;
	*n = 0;
	rc = store_txn(st, store_list_id_txn, &ctx);
	if (rc) {
		free(ctx.l.v);
		return rc;
	}
	*msgs = ctx.l.v;
	*n = ctx.l.n;
	return STORE_OK;
}

struct store_expunge_all_ctx {
	struct store_mbox_rec *r;
	int64_t now;
	uint64_t *bytes;
};

static int store_expunge_all_one(struct store *st, DB_TXN *txn,
				 const struct store_msg *m, void *arg)
{
	struct store_expunge_all_ctx *ctx = arg;
	struct store_msg copy = *m;

	if (m->expunged_at)
		return STORE_OK;
	copy.expunged_at = ctx->now;
	copy.modseq = ++ctx->r->highestmodseq;
	*ctx->bytes += m->size;
	return store_msg_put(st, txn, ctx->r->id, &copy);
}

int store_msg_expunge_all(struct store *st, DB_TXN *txn,
			  struct store_mbox_rec *r, int64_t now,
			  uint64_t *bytes)
{
	struct store_expunge_all_ctx ctx = { r, now, bytes };

	return store_msg_each(st, txn, r->id, DB_RMW, store_expunge_all_one,
			      &ctx);
}
