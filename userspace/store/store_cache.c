// SPDX-License-Identifier: GPL-2.0
/*
 * Header cache (cache.db, key as index.db: mailbox id + UID): the
 * envelope header fields of each message, verbatim, as a small header
 * block.  Like Cyrus's cyrus.cache, it lets a header SEARCH decide
 * without opening message files.
 *
 * An entry is written in the same transaction as the index record of a
 * new message (delivery, APPEND, COPY, undelete) and removed with it, so
 * the cache never names a message the index does not have.  Messages
 * without an entry (delivered before the cache existed, or with a header
 * larger than STORE_CACHE_HEAD_MAX) are read from their file by the
 * caller, which may then fill the entry with store_cache_fill().
 *
 * Value: one version byte (SLOT_REC_CACHE_V), then the header lines of
 * the cached fields in message order, each with its continuation lines,
 * then an empty line.  Fields are found by the rules of RFC 5322 as the
 * IMAP library applies them (imap_header_next): the header ends at the
 * first empty line; a line without a colon is skipped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "store/store_int.h"

/* The fields of an IMAP ENVELOPE (RFC 3501 7.4.2). */
static const char *const store_cache_fields[] = {
	"Date", "Subject", "From", "Sender", "Reply-To", "To", "Cc", "Bcc",
	"In-Reply-To", "Message-ID",
};

bool store_cache_field(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(store_cache_fields) /
	     sizeof(store_cache_fields[0]); i++)
		if (strlen(store_cache_fields[i]) == len &&
		    !strncasecmp(store_cache_fields[i], name, len))
			return true;
	return false;
}

/* Just past the LF of the line at p, or end. */
static const char *store_cache_eol(const char *p, const char *end)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));

	return lf ? lf + 1 : end;
}

static bool store_cache_empty_line(const char *p, const char *end)
{
	return (end - p >= 1 && p[0] == '\n') ||
	       (end - p >= 2 && p[0] == '\r' && p[1] == '\n');
}

int store_cache_extract(const char *msg, size_t len, bool whole,
			char **out, size_t *outlen)
{
	const char *p = msg, *end = msg + len, *next, *colon;
	size_t name_len, n = 1;
	char *v;

	*out = NULL;
	*outlen = 0;
	/* version, the fields, a CRLF for a last line without, the end */
	v = malloc(1 + len + 2 + 2);
	if (!v)
		return -1;
	v[0] = SLOT_REC_CACHE_V;
	while (p < end && !store_cache_empty_line(p, end)) {
		next = store_cache_eol(p, end);
		while (next < end && (*next == ' ' || *next == '\t'))
			next = store_cache_eol(next, end);
		if (next == end && !whole) {
			/* the header goes on past what we have */
			free(v);
			return 1;
		}
		colon = memchr(p, ':', (size_t)(next - p));
		if (colon && colon != p &&
		    !memchr(p, '\n', (size_t)(colon - p))) {
			name_len = (size_t)(colon - p);
			while (name_len && (p[name_len - 1] == ' ' ||
					    p[name_len - 1] == '\t'))
				name_len--;
			if (store_cache_field(p, name_len)) {
				memcpy(v + n, p, (size_t)(next - p));
				n += (size_t)(next - p);
				if (next[-1] != '\n') {
					v[n++] = '\r';
					v[n++] = '\n';
				}
			}
		}
		p = next;
	}
	if (p == end && !whole) {
		free(v);
		return 1;
	}
	v[n++] = '\r';
	v[n++] = '\n';
	*out = v;
	*outlen = n;
	return 0;
}

static void store_cache_key(DBT *key, unsigned char *k, uint64_t id,
			    uint32_t uid)
{
	store_index_key(k, id, uid);
	memset(key, 0, sizeof(*key));
	key->data = k;
	key->size = STORE_INDEX_KEY_LEN;
}

int store_cache_put(struct store *st, DB_TXN *txn, uint64_t id, uint32_t uid,
		    const char *val, size_t len)
{
	unsigned char k[STORE_INDEX_KEY_LEN];
	DBT key, data = { 0 };
	int ret;

	if (!val)
		return STORE_OK;
	store_cache_key(&key, k, id, uid);
	data.data = (void *)val;
	data.size = (uint32_t)len;
	ret = st->cache->put(st->cache, txn, &key, &data, 0);
	return ret ? store_dbfail(st, ret, "write header cache") : STORE_OK;
}

int store_cache_del(struct store *st, DB_TXN *txn, uint64_t id, uint32_t uid)
{
	unsigned char k[STORE_INDEX_KEY_LEN];
	DBT key;
	int ret;

	store_cache_key(&key, k, id, uid);
	ret = st->cache->del(st->cache, txn, &key, 0);
	if (ret && ret != DB_NOTFOUND)
		return store_dbfail(st, ret, "delete header cache");
	return STORE_OK;
}

int store_cache_copy(struct store *st, DB_TXN *txn, uint64_t from_id,
		     uint32_t from_uid, uint64_t to_id, uint32_t to_uid)
{
	unsigned char k[STORE_INDEX_KEY_LEN];
	DBT key, data = { 0 };
	int ret, rc;

	store_cache_key(&key, k, from_id, from_uid);
	data.flags = DB_DBT_MALLOC;
	ret = st->cache->get(st->cache, txn, &key, &data, 0);
	if (ret == DB_NOTFOUND)
		return STORE_OK;
	if (ret)
		return store_dbfail(st, ret, "read header cache");
	rc = store_cache_put(st, txn, to_id, to_uid, data.data, data.size);
	free(data.data);
	return rc;
}

int store_cache_purge(struct store *st, DB_TXN *txn, uint64_t id)
{
	unsigned char kb[STORE_INDEX_KEY_LEN];
	DBT key = { 0 }, val = { 0 };
	uint64_t kid;
	uint32_t uid;
	DBC *c;
	int ret;

	ret = st->cache->cursor(st->cache, txn, &c, 0);
	if (ret)
		return store_dbfail(st, ret, "cursor");
	store_index_key(kb, id, 0);
	key.data = kb;
	key.size = sizeof(kb);
	key.ulen = sizeof(kb);
	key.flags = DB_DBT_USERMEM;
	val.flags = DB_DBT_PARTIAL;	/* keys only */
	ret = c->get(c, &key, &val, DB_SET_RANGE | DB_RMW);
	while (ret == 0) {
		if (key.size != STORE_INDEX_KEY_LEN)
			break;
		store_index_key_parse(kb, &kid, &uid);
		if (kid != id)
			break;
		ret = c->del(c, 0);
		if (ret)
			break;
		ret = c->get(c, &key, &val, DB_NEXT | DB_RMW);
	}
	c->close(c);
	if (ret && ret != DB_NOTFOUND)
		return store_dbfail(st, ret, "purge header cache");
	return STORE_OK;
}

/* Read the head of a file and extract its entry (NULL: none). */
int store_cache_from_fd(struct store *st, int fd, uint64_t size, char **val,
			size_t *len)
{
	size_t want = size < STORE_CACHE_HEAD_MAX ? size : STORE_CACHE_HEAD_MAX;
	size_t got = 0;
	ssize_t r;
	char *buf;
	int rc;

	*val = NULL;
	*len = 0;
	buf = malloc(want ? want : 1);
	if (!buf)
		return store_fail(st, STORE_EIO, "out of memory");
	while (got < want) {
		r = pread(fd, buf + got, want - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	rc = store_cache_extract(buf, got, got == size, val, len);
	free(buf);
	/* a header we cannot cache is not an error: the file is read */
	return rc < 0 ? store_fail(st, STORE_EIO, "out of memory") : STORE_OK;
}

/* ---- public ---- */

/* Bulk reads of cache.db: many entries per call into Berkeley DB. */
#define STORE_CACHE_BULK	(512 * 1024)

int store_cache_each(struct store *st, const char *user, const char *mailbox,
		     uint32_t min_uid, store_cache_fn fn, void *arg)
{
	char uname[STORE_USER_MAX + 1], name[STORE_MAILBOX_MAX + 1];
	unsigned char kb[STORE_INDEX_KEY_LEN], *rk, *rd;
	struct store_user_rec u;
	struct store_mbox_rec r;
	DBT key = { 0 }, val = { 0 };
	uint32_t uid, rklen, rdlen, flags = DB_SET_RANGE;
	bool done = false;
	uint64_t kid;
	void *p;
	DBC *c;
	int ret, rc;

	rc = store_user_name(st, user, uname);
	if (rc == STORE_OK)
		rc = store_mailbox_name(st, mailbox, name);
	if (rc == STORE_OK)
		rc = store_user_get(st, NULL, uname, &u, 0);
	if (rc == STORE_OK)
		rc = store_mbox_get(st, NULL, uname, name, &r, 0);
	if (rc)
		return rc == STORE_RETRY ? STORE_EIO : rc;
	val.ulen = STORE_CACHE_BULK;
	val.data = malloc(val.ulen);
	if (!val.data)
		return store_fail(st, STORE_EIO, "out of memory");
	val.flags = DB_DBT_USERMEM;
	ret = st->cache->cursor(st->cache, NULL, &c, 0);
	if (ret) {
		free(val.data);
		return store_dbfail(st, ret, "cursor");
	}
	store_index_key(kb, r.id, min_uid);
	key.data = kb;
	key.size = sizeof(kb);
	key.ulen = sizeof(kb);
	key.flags = DB_DBT_USERMEM;
	while (!done) {
		ret = c->get(c, &key, &val, flags | DB_MULTIPLE_KEY);
		if (ret == DB_BUFFER_SMALL && val.size > val.ulen) {
			/* one entry larger than the buffer: make room */
			p = realloc(val.data, val.size);
			if (!p) {
				rc = store_fail(st, STORE_EIO, "out of memory");
				break;
			}
			val.data = p;
			val.ulen = val.size;
			continue;
		}
		if (ret)
			break;
		flags = DB_NEXT;
		DB_MULTIPLE_INIT(p, &val);
		for (;;) {
			DB_MULTIPLE_KEY_NEXT(p, &val, rk, rklen, rd, rdlen);
			if (!p)
				break;
			if (rklen != STORE_INDEX_KEY_LEN) {
				done = true;
				break;
			}
			store_index_key_parse(rk, &kid, &uid);
			if (kid != r.id) {
				done = true;
				break;
			}
			if (rdlen < 3 || rd[0] != SLOT_REC_CACHE_V)
				continue;	/* unknown format: the file */
			if (fn(arg, uid, (const char *)rd + 1, rdlen - 1)) {
				done = true;
				break;
			}
		}
	}
	c->close(c);
	free(val.data);
	if (rc == STORE_OK && ret && ret != DB_NOTFOUND)
		rc = store_dbfail(st, ret, "read header cache");
	return rc == STORE_RETRY ? STORE_EIO : rc;
}

struct store_cache_fill_ctx {
	char user[STORE_USER_MAX + 1];
	char name[STORE_MAILBOX_MAX + 1];
	const struct store_cache_entry *e;
	char **vals;
	size_t *lens;
	size_t n;
};

static int store_cache_fill_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_cache_fill_ctx *ctx = arg;
	unsigned char k[STORE_INDEX_KEY_LEN];
	unsigned char vb[STORE_MSG_REC_LEN];
	struct store_mbox_rec r;
	DBT key, val = { 0 };
	size_t i;
	int rc, ret;

	rc = store_mbox_get(st, txn, ctx->user, ctx->name, &r, 0);
	for (i = 0; rc == STORE_OK && i < ctx->n; i++) {
		if (!ctx->vals[i])
			continue;
		/* only for a message the index still has */
		store_cache_key(&key, k, r.id, ctx->e[i].uid);
		val.data = vb;
		val.ulen = sizeof(vb);
		val.flags = DB_DBT_USERMEM;
		ret = st->index->get(st->index, txn, &key, &val, DB_RMW);
		if (ret == DB_NOTFOUND)
			continue;
		if (ret)
			return store_dbfail(st, ret, "read index");
		rc = store_cache_put(st, txn, r.id, ctx->e[i].uid,
				     ctx->vals[i], ctx->lens[i]);
	}
	return rc;
}

int store_cache_fill(struct store *st, const char *user, const char *mailbox,
		     const struct store_cache_entry *e, size_t n)
{
	struct store_cache_fill_ctx ctx = { .e = e, .n = n };
	size_t i;
	int rc;

	rc = store_user_name(st, user, ctx.user);
	if (rc == STORE_OK)
		rc = store_mailbox_name(st, mailbox, ctx.name);
	if (rc || !n)
		return rc;
	ctx.vals = calloc(n, sizeof(*ctx.vals));
	ctx.lens = calloc(n, sizeof(*ctx.lens));
	if (!ctx.vals || !ctx.lens) {
		rc = store_fail(st, STORE_EIO, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (store_cache_extract(e[i].data, e[i].len, e[i].whole,
					&ctx.vals[i], &ctx.lens[i]) < 0) {
			rc = store_fail(st, STORE_EIO, "out of memory");
			goto out;
		}
	}
	/* derived data: a crash may lose it, the file is still there */
	rc = store_txn_flags(st, DB_TXN_NOSYNC, store_cache_fill_txn, &ctx);
out:
	for (i = 0; ctx.vals && i < n; i++)
		free(ctx.vals[i]);
	free(ctx.vals);
	free(ctx.lens);
	return rc;
}
