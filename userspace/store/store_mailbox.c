// SPDX-License-Identifier: GPL-2.0
/*
 * Mailboxes (mailboxes.db, key "user\0name"), their UIDVALIDITY, UIDNEXT,
 * highest modseq, special use and keyword table; subscriptions (subs.db)
 * and \Recent state (seen.db, key: mailbox id).
 *
 * A mailbox is stored under a slot-wide number that is never reused
 * (mail/<user>/<id>/), so a rename is one database transaction and a name
 * never reaches the file system.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

#define STORE_MBOX_KEY_MAX	(STORE_USER_MAX + STORE_MAILBOX_MAX + 2)

/* ---- meta.db counters ---- */

int store_meta_get(struct store *st, DB_TXN *txn, const char *name,
			  uint64_t *v)
{
	unsigned char buf[8];
	DBT key = { 0 }, val = { 0 };
	int ret;

	key.data = (void *)name;
	key.size = strlen(name);
	val.data = buf;
	val.ulen = sizeof(buf);
	val.flags = DB_DBT_USERMEM;
	ret = st->meta->get(st->meta, txn, &key, &val, DB_RMW);
	if (ret == DB_NOTFOUND) {
		*v = 0;
		return STORE_OK;
	}
	if (ret)
		return store_dbfail(st, ret, "read meta");
	if (val.size != 8)
		return store_fail(st, STORE_ECORRUPT, "meta %s: bad size",
				  name);
	*v = store_get_le64(buf);
	return STORE_OK;
}

int store_meta_put(struct store *st, DB_TXN *txn, const char *name,
			  uint64_t v)
{
	unsigned char buf[8];
	DBT key = { 0 }, val = { 0 };
	int ret;

	store_le64(buf, v);
	key.data = (void *)name;
	key.size = strlen(name);
	val.data = buf;
	val.size = sizeof(buf);
	ret = st->meta->put(st->meta, txn, &key, &val, 0);
	return ret ? store_dbfail(st, ret, "write meta") : STORE_OK;
}

/* ---- records ---- */

int store_mbox_get(struct store *st, DB_TXN *txn, const char *user,
		   const char *name, struct store_mbox_rec *r, uint32_t flags)
{
	unsigned char buf[STORE_MBOX_REC_MAX];
	char k[STORE_MBOX_KEY_MAX];
	DBT key = { 0 }, val = { 0 };
	int ret;

	key.data = k;
	key.size = store_mbox_key(k, user, name);
	val.data = buf;
	val.ulen = sizeof(buf);
	val.flags = DB_DBT_USERMEM;
	ret = st->mailboxes->get(st->mailboxes, txn, &key, &val, flags);
	if (ret == DB_NOTFOUND)
		return store_fail(st, STORE_ENOMBOX, "no such mailbox '%s'",
				  name);
	if (ret && ret != DB_BUFFER_SMALL)
		return store_dbfail(st, ret, "read mailbox");
	if (ret || store_mbox_rec_decode(r, buf, val.size))
		return store_fail(st, STORE_ECORRUPT, "mailbox record of "
				  "%s '%s' does not decode", user, name);
	return STORE_OK;
}

int store_mbox_put(struct store *st, DB_TXN *txn, const char *user,
		   const char *name, const struct store_mbox_rec *r)
{
	unsigned char buf[STORE_MBOX_REC_MAX];
	char k[STORE_MBOX_KEY_MAX];
	DBT key = { 0 }, val = { 0 };
	int ret;

	key.data = k;
	key.size = store_mbox_key(k, user, name);
	val.data = buf;
	val.size = store_mbox_rec_encode(r, buf);
	ret = st->mailboxes->put(st->mailboxes, txn, &key, &val, 0);
	return ret ? store_dbfail(st, ret, "write mailbox") : STORE_OK;
}

static int store_mbox_del(struct store *st, DB_TXN *txn, const char *user,
			  const char *name)
{
	char k[STORE_MBOX_KEY_MAX];
	DBT key = { 0 };
	int ret;

	key.data = k;
	key.size = store_mbox_key(k, user, name);
	ret = st->mailboxes->del(st->mailboxes, txn, &key, 0);
	return ret ? store_dbfail(st, ret, "delete mailbox") : STORE_OK;
}

int store_mbox_new(struct store *st, DB_TXN *txn, const char *user,
		   const char *name, uint32_t special_use)
{
	struct store_mbox_rec r = { 0 };
	uint64_t id, uv, now = time(NULL);
	int rc;

	rc = store_mbox_get(st, txn, user, name, &r, DB_RMW);
	if (rc == STORE_OK)
		return store_fail(st, STORE_EEXIST, "mailbox '%s' already "
				  "exists", name);
	if (rc != STORE_ENOMBOX)
		return rc;
	rc = store_meta_get(st, txn, "next_mailbox_id", &id);
	if (rc == STORE_OK)
		rc = store_meta_get(st, txn, "last_uidvalidity", &uv);
	if (rc)
		return rc;
	/* time-based like Cyrus, but strictly increasing in the slot */
	uv = uv + 1 > now ? uv + 1 : now;
	if (id == 0)
		id = 1;
	if (uv > UINT32_MAX)
		return store_fail(st, STORE_EIO, "UIDVALIDITY space exhausted");
	memset(&r, 0, sizeof(r));
	r.id = id;
	r.uidvalidity = uv;
	r.uidnext = 1;
	r.highestmodseq = 1;
	r.special_use = special_use;
	r.created = now;
	rc = store_meta_put(st, txn, "next_mailbox_id", id + 1);
	if (rc == STORE_OK)
		rc = store_meta_put(st, txn, "last_uidvalidity", uv);
	if (rc == STORE_OK)
		rc = store_mbox_put(st, txn, user, name, &r);
	return rc;
}

int store_mbox_purge(struct store *st, DB_TXN *txn, uint64_t id,
		     uint64_t *live_bytes)
{
	unsigned char k[STORE_INDEX_KEY_LEN], kb[STORE_INDEX_KEY_LEN];
	unsigned char vb[STORE_MSG_REC_LEN];
	DBT key = { 0 }, val = { 0 };
	struct store_msg m;
	uint64_t kid;
	uint32_t uid;
	DBC *c;
	int ret;

	ret = st->index->cursor(st->index, txn, &c, 0);
	if (ret)
		return store_dbfail(st, ret, "cursor");
	store_index_key(k, id, 0);
	memcpy(kb, k, sizeof(k));
	key.data = kb;
	key.size = sizeof(kb);
	key.ulen = sizeof(kb);
	key.flags = DB_DBT_USERMEM;
	val.data = vb;
	val.ulen = sizeof(vb);
	val.flags = DB_DBT_USERMEM;
	ret = c->get(c, &key, &val, DB_SET_RANGE | DB_RMW);
	while (ret == 0) {
		store_index_key_parse(kb, &kid, &uid);
		if (key.size != STORE_INDEX_KEY_LEN || kid != id)
			break;
		if (store_msg_rec_decode(&m, vb, val.size) == STORE_OK &&
		    !m.expunged_at)
			*live_bytes += m.size;
		ret = c->del(c, 0);
		if (ret)
			break;
		ret = c->get(c, &key, &val, DB_NEXT | DB_RMW);
	}
	c->close(c);
	if (ret && ret != DB_NOTFOUND)
		return store_dbfail(st, ret, "purge mailbox index");
	ret = store_cache_purge(st, txn, id);
	if (ret)
		return ret;
	store_index_key(k, id, 0);
	key.data = k;
	key.size = 8;
	key.flags = 0;
	ret = st->seen->del(st->seen, txn, &key, 0);
	if (ret && ret != DB_NOTFOUND)
		return store_dbfail(st, ret, "purge seen");
	return STORE_OK;
}

void store_mbox_rmdir(struct store *st, const char *user, uint64_t id)
{
	char rel[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int fd;

	snprintf(rel, sizeof(rel), "%s/%s/%llu", SLOT_MAIL_DIR, user,
		 (unsigned long long)id);
	fd = openat(st->dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(fd, de->d_name, 0);
	}
	closedir(d);
	unlinkat(st->dirfd, rel, AT_REMOVEDIR);
}

int store_mbox_each(struct store *st, DB_TXN *txn, const char *user,
		    store_mbox_fn fn, void *arg)
{
	unsigned char vb[STORE_MBOX_REC_MAX];
	char kb[STORE_MBOX_KEY_MAX + 1];
	DBT key = { 0 }, val = { 0 };
	struct store_mbox_rec r;
	size_t plen = user ? strlen(user) + 1 : 0;
	int ret, rc = STORE_OK;
	DBC *c;

	ret = st->mailboxes->cursor(st->mailboxes, txn, &c, 0);
	if (ret)
		return store_dbfail(st, ret, "cursor");
	key.data = kb;
	key.ulen = sizeof(kb) - 1;
	key.flags = DB_DBT_USERMEM;
	val.data = vb;
	val.ulen = sizeof(vb);
	val.flags = DB_DBT_USERMEM;
	if (user) {
		memcpy(kb, user, plen);
		key.size = plen;
		ret = c->get(c, &key, &val, DB_SET_RANGE);
	} else {
		ret = c->get(c, &key, &val, DB_FIRST);
	}
	for (; ret == 0; ret = c->get(c, &key, &val, DB_NEXT)) {
		const char *name;

		kb[key.size] = '\0';
		if (user && (key.size < plen || memcmp(kb, user, plen)))
			break;
		name = memchr(kb, '\0', key.size);
		if (!name || store_mbox_rec_decode(&r, vb, val.size)) {
			rc = store_fail(st, STORE_ECORRUPT, "bad mailbox "
					"record");
			break;
		}
		rc = fn(st, txn, kb, name + 1, &r, arg);
		if (rc)
			break;
	}
	c->close(c);
	if (rc == STORE_OK && ret && ret != DB_NOTFOUND)
		rc = store_dbfail(st, ret, "list mailboxes");
	return rc;
}

/* ---- public: create, delete, rename ---- */

struct store_mbox_ctx {
	char user[STORE_USER_MAX + 1];
	char name[STORE_MAILBOX_MAX + 1];
	char to[STORE_MAILBOX_MAX + 1];
	uint32_t special_use;
	struct store_mbox_rec rec;	/* out: the record acted on */
	uint64_t bytes;
};

/* Validate user and mailbox names into ctx. */
static int store_mbox_ctx_init(struct store *st, struct store_mbox_ctx *ctx,
			       const char *user, const char *mailbox)
{
	int rc;

	memset(ctx, 0, sizeof(*ctx));
	rc = store_user_name(st, user, ctx->user);
	if (rc == STORE_OK)
		rc = store_mailbox_name(st, mailbox, ctx->name);
	return rc;
}

static int store_mbox_user_check(struct store *st, DB_TXN *txn,
				 const char *user)
{
	struct store_user_rec u;

	return store_user_get(st, txn, user, &u, 0);
}

static int store_mbox_create_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_mbox_ctx *ctx = arg;
	int rc;

	rc = store_mbox_user_check(st, txn, ctx->user);
	if (rc)
		return rc;
	return store_mbox_new(st, txn, ctx->user, ctx->name, ctx->special_use);
}

int store_mailbox_create(struct store *st, const char *user,
			 const char *mailbox, uint32_t special_use)
{
	struct store_mbox_ctx ctx;
	int rc;

	rc = store_mbox_ctx_init(st, &ctx, user, mailbox);
	if (rc)
		return rc;
	ctx.special_use = special_use;
	return store_txn(st, store_mbox_create_txn, &ctx);
}

static int store_mbox_delete_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_mbox_ctx *ctx = arg;
	struct store_user_rec u;
	int rc;

	rc = store_user_get(st, txn, ctx->user, &u, DB_RMW);
	if (rc == STORE_OK)
		rc = store_mbox_get(st, txn, ctx->user, ctx->name, &ctx->rec,
				    DB_RMW);
	if (rc)
		return rc;
	/* the messages stay, expunged, for retention and undelete */
	ctx->bytes = 0;
	rc = store_msg_expunge_all(st, txn, &ctx->rec, time(NULL),
				   &ctx->bytes);
	if (rc == STORE_OK)
		rc = store_mbox_del(st, txn, ctx->user, ctx->name);
	if (rc)
		return rc;
	ctx->rec.deleted_at = time(NULL);
	snprintf(ctx->rec.deleted_name, sizeof(ctx->rec.deleted_name), "%s",
		 ctx->name);
	store_mbox_deleted_key(ctx->to, ctx->rec.id);
	rc = store_mbox_put(st, txn, ctx->user, ctx->to, &ctx->rec);
	if (rc)
		return rc;
	u.used = u.used > ctx->bytes ? u.used - ctx->bytes : 0;
	return store_user_put(st, txn, ctx->user, &u);
}

int store_mbox_forget(struct store *st, DB_TXN *txn, const char *user,
		      const char *name, uint64_t id)
{
	uint64_t bytes = 0;
	int rc;

	rc = store_mbox_purge(st, txn, id, &bytes);
	return rc ? rc : store_mbox_del(st, txn, user, name);
}

void store_mbox_deleted_key(char *name, uint64_t id)
{
	snprintf(name, STORE_MAILBOX_MAX + 1, "%c%llu", STORE_DELETED_MARK,
		 (unsigned long long)id);
}

/*
 * Bring a deleted mailbox (hidden name) back under its old name, or
 * "<old name>.restored-<id>" if that is taken; the name used goes to out.
 */
int store_mbox_restore(struct store *st, DB_TXN *txn, const char *user,
		       const char *hidden, char *out)
{
	struct store_mbox_rec r, other;
	int rc;

	rc = store_mbox_get(st, txn, user, hidden, &r, DB_RMW);
	if (rc)
		return rc;
	snprintf(out, STORE_MAILBOX_MAX + 1, "%s", r.deleted_name);
	rc = store_mbox_get(st, txn, user, out, &other, 0);
	if (rc == STORE_OK) {
		char alt[STORE_MAILBOX_MAX + 40];

		snprintf(alt, sizeof(alt), "%s.restored-%llu", r.deleted_name,
			 (unsigned long long)r.id);
		if (strlen(alt) > STORE_MAILBOX_MAX)
			snprintf(alt, sizeof(alt), "Restored-%llu",
				 (unsigned long long)r.id);
		snprintf(out, STORE_MAILBOX_MAX + 1, "%s", alt);
		rc = store_mbox_get(st, txn, user, out, &other, 0);
		if (rc == STORE_OK)
			return store_fail(st, STORE_EEXIST, "cannot restore "
					  "'%s': '%s' exists", r.deleted_name,
					  out);
	}
	if (rc != STORE_ENOMBOX)
		return rc;
	r.deleted_at = 0;
	r.deleted_name[0] = '\0';
	rc = store_mbox_del(st, txn, user, hidden);
	return rc ? rc : store_mbox_put(st, txn, user, out, &r);
}

int store_mailbox_delete(struct store *st, const char *user,
			 const char *mailbox)
{
	struct store_mbox_ctx ctx;
	int rc;

	rc = store_mbox_ctx_init(st, &ctx, user, mailbox);
	if (rc)
		return rc;
	if (strcmp(ctx.name, "INBOX") == 0)
		return store_fail(st, STORE_EINVAL, "INBOX cannot be deleted");
	return store_txn(st, store_mbox_delete_txn, &ctx);
}

struct store_rename_item {
	char name[STORE_MAILBOX_MAX + 1];
};

struct store_rename_list {
	const char *prefix;
	size_t plen, n, cap;
	struct store_rename_item *v;
};

static int store_rename_collect(struct store *st, DB_TXN *txn,
				const char *user, const char *name,
				const struct store_mbox_rec *r, void *arg)
{
	struct store_rename_list *l = arg;
	struct store_rename_item *nv;

	(void)txn;
	(void)user;
	(void)r;
	if (strncmp(name, l->prefix, l->plen) || name[l->plen] != '/')
		return STORE_OK;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		nv = realloc(l->v, l->cap * sizeof(*nv));
		if (!nv)
			return store_fail(st, STORE_EIO, "out of memory");
		l->v = nv;
	}
	snprintf(l->v[l->n++].name, STORE_MAILBOX_MAX + 1, "%s", name);
	return STORE_OK;
}

/* Move one record from name "from" to "to". */
static int store_mbox_move(struct store *st, DB_TXN *txn, const char *user,
			   const char *from, const char *to)
{
	struct store_mbox_rec r;
	int rc;

	rc = store_mbox_get(st, txn, user, to, &r, DB_RMW);
	if (rc == STORE_OK)
		return store_fail(st, STORE_EEXIST, "mailbox '%s' already "
				  "exists", to);
	if (rc != STORE_ENOMBOX)
		return rc;
	rc = store_mbox_get(st, txn, user, from, &r, DB_RMW);
	if (rc == STORE_OK)
		rc = store_mbox_del(st, txn, user, from);
	if (rc == STORE_OK)
		rc = store_mbox_put(st, txn, user, to, &r);
	return rc;
}

static int store_mbox_rename_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_mbox_ctx *ctx = arg;
	struct store_rename_list l = { 0 };
	char to[STORE_MAILBOX_MAX + 2];
	size_t i;
	int rc;

	rc = store_mbox_user_check(st, txn, ctx->user);
	if (rc)
		return rc;
	rc = store_mbox_move(st, txn, ctx->user, ctx->name, ctx->to);
	if (rc)
		return rc;
	/* RFC 3501: renaming INBOX leaves its children where they are */
	if (strcmp(ctx->name, "INBOX") == 0)
		return store_mbox_new(st, txn, ctx->user, "INBOX", 0);
	l.prefix = ctx->name;
	l.plen = strlen(ctx->name);
	rc = store_mbox_each(st, txn, ctx->user, store_rename_collect, &l);
	for (i = 0; rc == STORE_OK && i < l.n; i++) {
		int len = snprintf(to, sizeof(to), "%s%s", ctx->to,
				   l.v[i].name + l.plen);

		if (len > STORE_MAILBOX_MAX)
			rc = store_fail(st, STORE_EBADNAME, "new name of '%s' "
					"too long", l.v[i].name);
		else
			rc = store_mbox_move(st, txn, ctx->user, l.v[i].name,
					     to);
	}
	free(l.v);
	return rc;
}

int store_mailbox_rename(struct store *st, const char *user,
			 const char *from, const char *to)
{
	struct store_mbox_ctx ctx;
	size_t len;
	int rc;

	rc = store_mbox_ctx_init(st, &ctx, user, from);
	if (rc == STORE_OK)
		rc = store_mailbox_name(st, to, ctx.to);
	if (rc)
		return rc;
	len = strlen(ctx.name);
	if (strcmp(ctx.to, "INBOX") == 0)
		return store_fail(st, STORE_EEXIST, "mailbox 'INBOX' already "
				  "exists");
	if (strcmp(ctx.name, ctx.to) == 0 ||
	    (strncmp(ctx.to, ctx.name, len) == 0 && ctx.to[len] == '/'))
		return store_fail(st, STORE_EINVAL, "cannot rename '%s' to "
				  "itself or below itself", ctx.name);
	return store_txn(st, store_mbox_rename_txn, &ctx);
}

/* ---- public: list and info ---- */

struct store_mbox_list_ctx {
	struct store_mailbox_info *v;
	size_t n, cap;
	bool deleted;		/* include deleted (hidden) mailboxes */
};

static void store_mbox_fill(struct store_mailbox_info *info, const char *name,
			    const struct store_mbox_rec *r)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", name);
	info->id = r->id;
	info->uidvalidity = r->uidvalidity;
	info->uidnext = r->uidnext;
	info->highestmodseq = r->highestmodseq;
	info->special_use = r->special_use;
	info->created = r->created;
}

static int store_mbox_list_one(struct store *st, DB_TXN *txn,
			       const char *user, const char *name,
			       const struct store_mbox_rec *r, void *arg)
{
	struct store_mbox_list_ctx *l = arg;
	struct store_mailbox_info *nv;

	(void)txn;
	(void)user;
	if (store_mbox_is_deleted(name) && !l->deleted)
		return STORE_OK;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		nv = realloc(l->v, l->cap * sizeof(*nv));
		if (!nv)
			return store_fail(st, STORE_EIO, "out of memory");
		l->v = nv;
	}
	store_mbox_fill(&l->v[l->n++], name, r);
	return STORE_OK;
}

int store_mailbox_list(struct store *st, const char *user,
		       struct store_mailbox_info **boxes, size_t *n)
{
	return store_mailbox_list_all(st, user, false, boxes, n);
}

int store_mailbox_list_all(struct store *st, const char *user, bool deleted,
			   struct store_mailbox_info **boxes, size_t *n)
{
	struct store_mbox_list_ctx l = { .deleted = deleted };
	char name[STORE_USER_MAX + 1];
	int rc;

	*boxes = NULL;
	*n = 0;
	rc = store_user_name(st, user, name);
	if (rc == STORE_OK)
		rc = store_mbox_user_check(st, NULL, name);
	if (rc == STORE_OK)
		rc = store_mbox_each(st, NULL, name, store_mbox_list_one, &l);
	if (rc) {
		free(l.v);
		return rc == STORE_RETRY ? STORE_EIO : rc;
	}
	*boxes = l.v;
	*n = l.n;
	return STORE_OK;
}

/* The seen record's recent UID of mailbox id (0 when there is none). */
static int store_recent_uid_get(struct store *st, uint64_t id,
				uint32_t *recent_uid)
{
	unsigned char k[STORE_INDEX_KEY_LEN], vb[STORE_SEEN_REC_LEN];
	struct store_seen_rec s = { 0 };
	DBT key = { 0 }, val = { 0 };
	int ret;

	store_index_key(k, id, 0);
	key.data = k;
	key.size = 8;
	val.data = vb;
	val.ulen = sizeof(vb);
	val.flags = DB_DBT_USERMEM;
	ret = st->seen->get(st->seen, NULL, &key, &val, 0);
	if (ret && ret != DB_NOTFOUND)
		return store_dbfail(st, ret, "read seen");
	if (ret == 0 && store_seen_rec_decode(&s, vb, val.size))
		return store_fail(st, STORE_ECORRUPT, "bad seen record");
	*recent_uid = s.recent_uid;
	return STORE_OK;
}

int store_mailbox_header(struct store *st, const char *user,
			 const char *mailbox, struct store_mailbox_info *info)
{
	struct store_mbox_ctx ctx;
	uint32_t recent_uid = 0;
	int rc;

	rc = store_mbox_ctx_init(st, &ctx, user, mailbox);
	if (rc == STORE_OK)
		rc = store_mbox_user_check(st, NULL, ctx.user);
	if (rc == STORE_OK)
		rc = store_mbox_get(st, NULL, ctx.user, ctx.name, &ctx.rec, 0);
	if (rc == STORE_OK)
		rc = store_recent_uid_get(st, ctx.rec.id, &recent_uid);
	if (rc)
		return rc == STORE_RETRY ? STORE_EIO : rc;
	store_mbox_fill(info, ctx.name, &ctx.rec);
	info->recent_uid = recent_uid;
	return STORE_OK;
}

int store_mailbox_info(struct store *st, const char *user,
		       const char *mailbox, struct store_mailbox_info *info)
{
	struct store_mbox_ctx ctx;
	struct store_msg *msgs;
	uint32_t recent_uid = 0;
	size_t n, i;
	int rc;

	rc = store_mbox_ctx_init(st, &ctx, user, mailbox);
	if (rc)
		return rc;
	rc = store_mbox_user_check(st, NULL, ctx.user);
	if (rc == STORE_OK)
		rc = store_mbox_get(st, NULL, ctx.user, ctx.name, &ctx.rec, 0);
	if (rc)
		return rc;
	store_mbox_fill(info, ctx.name, &ctx.rec);
	rc = store_recent_uid_get(st, ctx.rec.id, &recent_uid);
	if (rc)
		return rc == STORE_RETRY ? STORE_EIO : rc;
	info->recent_uid = recent_uid;
	rc = store_msg_list(st, ctx.user, ctx.name,
			    STORE_LIST_LIVE | STORE_LIST_EXPUNGED, 0, &msgs,
			    &n);
	if (rc)
		return rc;
	for (i = 0; i < n; i++) {
		if (msgs[i].expunged_at) {
			info->expunged++;
			continue;
		}
		info->exists++;
		info->bytes += msgs[i].size;
		if (!(msgs[i].flags & STORE_FLAG_SEEN))
			info->unseen++;
		if (msgs[i].uid > recent_uid)
			info->recent++;
	}
	free(msgs);
	return STORE_OK;
}

static int store_mbox_use_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_mbox_ctx *ctx = arg;
	int rc;

	rc = store_mbox_user_check(st, txn, ctx->user);
	if (rc == STORE_OK)
		rc = store_mbox_get(st, txn, ctx->user, ctx->name, &ctx->rec,
				    DB_RMW);
	if (rc)
		return rc;
	ctx->rec.special_use = ctx->special_use;
	return store_mbox_put(st, txn, ctx->user, ctx->name, &ctx->rec);
}

int store_mailbox_set_special_use(struct store *st, const char *user,
				  const char *mailbox, uint32_t special_use)
{
	struct store_mbox_ctx ctx;
	int rc;

	rc = store_mbox_ctx_init(st, &ctx, user, mailbox);
	if (rc)
		return rc;
	ctx.special_use = special_use;
	return store_txn(st, store_mbox_use_txn, &ctx);
}

/* ---- subscriptions ---- */

struct store_sub_ctx {
	struct store_mbox_ctx m;
	bool on;
};

static int store_sub_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_sub_ctx *ctx = arg;
	char k[STORE_MBOX_KEY_MAX];
	DBT key = { 0 }, val = { 0 };
	int rc, ret;

	rc = store_mbox_user_check(st, txn, ctx->m.user);
	if (rc)
		return rc;
	key.data = k;
	key.size = store_mbox_key(k, ctx->m.user, ctx->m.name);
	if (ctx->on)
		ret = st->subs->put(st->subs, txn, &key, &val, 0);
	else
		ret = st->subs->del(st->subs, txn, &key, 0);
	if (ret == DB_NOTFOUND)
		return STORE_OK;
	return ret ? store_dbfail(st, ret, "subscription") : STORE_OK;
}

int store_subscribe(struct store *st, const char *user, const char *mailbox,
		    bool subscribe)
{
	struct store_sub_ctx ctx;
	int rc;

	rc = store_mbox_ctx_init(st, &ctx.m, user, mailbox);
	if (rc)
		return rc;
	ctx.on = subscribe;
	return store_txn(st, store_sub_txn, &ctx);
}

int store_subscription_list(struct store *st, const char *user,
			    struct store_name **names, size_t *n)
{
	char u[STORE_USER_MAX + 1], kb[STORE_MBOX_KEY_MAX + 1];
	struct store_name *v = NULL, *nv;
	DBT key = { 0 }, val = { 0 };
	size_t plen, cnt = 0, cap = 0;
	int ret, rc;
	DBC *c;

	*names = NULL;
	*n = 0;
	rc = store_user_name(st, user, u);
	if (rc == STORE_OK)
		rc = store_mbox_user_check(st, NULL, u);
	if (rc)
		return rc;
	plen = strlen(u) + 1;
	ret = st->subs->cursor(st->subs, NULL, &c, 0);
	if (ret)
		return store_dbfail(st, ret, "cursor");
	memcpy(kb, u, plen);
	key.data = kb;
	key.size = plen;
	key.ulen = sizeof(kb) - 1;
	key.flags = DB_DBT_USERMEM;
	val.flags = DB_DBT_PARTIAL;
	for (ret = c->get(c, &key, &val, DB_SET_RANGE); ret == 0;
	     ret = c->get(c, &key, &val, DB_NEXT)) {
		if (key.size < plen || memcmp(kb, u, plen))
			break;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(v, cap * sizeof(*nv));
			if (!nv) {
				rc = store_fail(st, STORE_EIO, "out of memory");
				break;
			}
			v = nv;
		}
		kb[key.size] = '\0';
		snprintf(v[cnt++].name, sizeof(v->name), "%s", kb + plen);
	}
	c->close(c);
	if (rc == STORE_OK && ret && ret != DB_NOTFOUND)
		rc = store_dbfail(st, ret, "list subscriptions");
	if (rc) {
		free(v);
		return rc == STORE_RETRY ? STORE_EIO : rc;
	}
	*names = v;
	*n = cnt;
	return STORE_OK;
}

/* ---- \Recent ---- */

struct store_recent_ctx {
	struct store_mbox_ctx m;
	uint32_t old;
};

static int store_recent_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_recent_ctx *ctx = arg;
	unsigned char k[STORE_INDEX_KEY_LEN], vb[STORE_SEEN_REC_LEN];
	struct store_seen_rec s = { 0 };
	DBT key = { 0 }, val = { 0 };
	int rc, ret;

	rc = store_mbox_user_check(st, txn, ctx->m.user);
	if (rc == STORE_OK)
		rc = store_mbox_get(st, txn, ctx->m.user, ctx->m.name,
				    &ctx->m.rec, 0);
	if (rc)
		return rc;
	store_index_key(k, ctx->m.rec.id, 0);
	key.data = k;
	key.size = 8;
	val.data = vb;
	val.ulen = sizeof(vb);
	val.flags = DB_DBT_USERMEM;
	ret = st->seen->get(st->seen, txn, &key, &val, DB_RMW);
	if (ret && ret != DB_NOTFOUND)
		return store_dbfail(st, ret, "read seen");
	if (ret == 0 && store_seen_rec_decode(&s, vb, val.size))
		return store_fail(st, STORE_ECORRUPT, "bad seen record");
	ctx->old = s.recent_uid;
	if (s.recent_uid == ctx->m.rec.uidnext - 1)
		return STORE_OK;
	s.recent_uid = ctx->m.rec.uidnext - 1;
	s.changed = time(NULL);
	val.data = vb;
	val.size = store_seen_rec_encode(&s, vb);
	val.flags = 0;
	ret = st->seen->put(st->seen, txn, &key, &val, 0);
	return ret ? store_dbfail(st, ret, "write seen") : STORE_OK;
}

int store_recent_claim(struct store *st, const char *user,
		       const char *mailbox, uint32_t *recent_uid)
{
	struct store_recent_ctx ctx;
	int rc;

	rc = store_mbox_ctx_init(st, &ctx.m, user, mailbox);
	if (rc)
		return rc;
	rc = store_txn(st, store_recent_txn, &ctx);
	if (rc == STORE_OK)
		*recent_uid = ctx.old;
	return rc;
}

/* ---- keywords ---- */

struct store_kw_ctx {
	struct store_mbox_ctx m;
	const char *kw;
	bool create;
	unsigned int bit;
};

static int store_kw_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_kw_ctx *ctx = arg;
	struct store_mbox_rec *r = &ctx->m.rec;
	unsigned int i;
	int rc;

	rc = store_mbox_user_check(st, txn, ctx->m.user);
	if (rc == STORE_OK)
		rc = store_mbox_get(st, txn, ctx->m.user, ctx->m.name, r,
				    ctx->create ? DB_RMW : 0);
	if (rc)
		return rc;
	for (i = 0; i < r->nkeywords; i++) {
		if (strcasecmp(r->keywords[i], ctx->kw) == 0) {
			ctx->bit = i;
			return STORE_OK;
		}
	}
	if (!ctx->create)
		return store_fail(st, STORE_EINVAL, "no keyword '%s'",
				  ctx->kw);
	if (r->nkeywords == STORE_KEYWORDS)
		return store_fail(st, STORE_EINVAL, "too many keywords in "
				  "'%s' (limit %d)", ctx->m.name,
				  STORE_KEYWORDS);
	snprintf(r->keywords[r->nkeywords], STORE_KEYWORD_MAX + 1, "%s",
		 ctx->kw);
	ctx->bit = r->nkeywords++;
	return store_mbox_put(st, txn, ctx->m.user, ctx->m.name, r);
}

int store_keyword_bit(struct store *st, const char *user, const char *mailbox,
		      const char *keyword, bool create, unsigned int *bit)
{
	struct store_kw_ctx ctx;
	int rc;

	rc = store_mbox_ctx_init(st, &ctx.m, user, mailbox);
	if (rc)
		return rc;
	if (!keyword || !store_keyword_valid(keyword))
		return store_fail(st, STORE_EINVAL, "invalid keyword");
	ctx.kw = keyword;
	ctx.create = create;
	rc = store_txn(st, store_kw_txn, &ctx);
	if (rc == STORE_OK)
		*bit = ctx.bit;
	return rc;
}

int store_keyword_names(struct store *st, const char *user,
			const char *mailbox,
			char (**names)[STORE_KEYWORD_MAX + 1], size_t *n)
{
	struct store_mbox_ctx ctx;
	int rc;

	*names = NULL;
	*n = 0;
	rc = store_mbox_ctx_init(st, &ctx, user, mailbox);
	if (rc == STORE_OK)
		rc = store_mbox_user_check(st, NULL, ctx.user);
	if (rc == STORE_OK)
		rc = store_mbox_get(st, NULL, ctx.user, ctx.name, &ctx.rec, 0);
	if (rc)
		return rc;
	*names = calloc(STORE_KEYWORDS, sizeof(**names));
	if (!*names)
		return store_fail(st, STORE_EIO, "out of memory");
	memcpy(*names, ctx.rec.keywords, sizeof(ctx.rec.keywords));
	*n = ctx.rec.nkeywords;
	return STORE_OK;
}
