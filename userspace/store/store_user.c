// SPDX-License-Identifier: GPL-2.0
/*
 * Users: password hashes, quota and usage (users.db, key: the user name).
 * Passwords are kept only as salted scrypt hashes (OpenSSL).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "store/store_int.h"

/* New users get these mailboxes (RFC 6154 special use), subscribed. */
static const struct {
	const char *name;
	uint32_t use;
} store_default_mailboxes[] = {
	{ "INBOX", 0 },
	{ "Sent", STORE_USE_SENT },
	{ "Drafts", STORE_USE_DRAFTS },
	{ "Trash", STORE_USE_TRASH },
	{ "Junk", STORE_USE_JUNK },
	{ "Archive", STORE_USE_ARCHIVE },
};

int store_user_get(struct store *st, DB_TXN *txn, const char *user,
		   struct store_user_rec *r, uint32_t flags)
{
	unsigned char buf[STORE_USER_REC_LEN];
	DBT key = { 0 }, val = { 0 };
	int ret;

	key.data = (void *)user;
	key.size = strlen(user);
	val.data = buf;
	val.ulen = sizeof(buf);
	val.flags = DB_DBT_USERMEM;
	ret = st->users->get(st->users, txn, &key, &val, flags);
	if (ret == DB_NOTFOUND)
		return store_fail(st, STORE_ENOUSER, "no such user '%s'", user);
	if (ret == DB_BUFFER_SMALL)
		return store_fail(st, STORE_ECORRUPT, "user record of '%s' "
				  "has a bad size", user);
	if (ret)
		return store_dbfail(st, ret, "read user");
	if (store_user_rec_decode(r, buf, val.size))
		return store_fail(st, STORE_ECORRUPT, "user record of '%s' "
				  "does not decode", user);
	return STORE_OK;
}

int store_user_put(struct store *st, DB_TXN *txn, const char *user,
		   const struct store_user_rec *r)
{
	unsigned char buf[STORE_USER_REC_LEN];
	DBT key = { 0 }, val = { 0 };
	int ret;

	key.data = (void *)user;
	key.size = strlen(user);
	val.data = buf;
	val.size = store_user_rec_encode(r, buf);
	ret = st->users->put(st->users, txn, &key, &val, 0);
	return ret ? store_dbfail(st, ret, "write user") : STORE_OK;
}

static int store_pw_hash(const struct store_user_rec *r, const char *pw,
			 unsigned char *out)
{
	uint64_t n = 1ULL << r->pw_log2n;

	if (r->pw_alg != SLOT_PW_SCRYPT ||
	    r->pw_log2n < SLOT_PW_SCRYPT_LOG2N_MIN ||
	    r->pw_log2n > SLOT_PW_SCRYPT_LOG2N_MAX)
		return -1;
	/* maxmem: scrypt needs 128 * r * N bytes, leave some margin */
	if (!EVP_PBE_scrypt(pw, strlen(pw), r->salt, SLOT_PW_SALT_LEN, n,
			    r->pw_r, r->pw_p,
			    256ULL * r->pw_r * n + (1 << 20), out,
			    SLOT_PW_HASH_LEN))
		return -1;
	return 0;
}

static int store_pw_set(struct store *st, struct store_user_rec *r,
			const char *pw)
{
	r->pw_alg = SLOT_PW_SCRYPT;
	r->pw_log2n = st->pw_log2n ? st->pw_log2n : SLOT_PW_SCRYPT_LOG2N;
	r->pw_r = SLOT_PW_SCRYPT_R;
	r->pw_p = SLOT_PW_SCRYPT_P;
	if (RAND_bytes(r->salt, SLOT_PW_SALT_LEN) != 1 ||
	    store_pw_hash(r, pw, r->hash) < 0)
		return store_fail(st, STORE_EIO, "cannot hash the password "
				  "(OpenSSL scrypt failed)");
	return STORE_OK;
}

int store_set_pw_cost(struct store *st, unsigned int log2n)
{
	if (log2n < SLOT_PW_SCRYPT_LOG2N_MIN ||
	    log2n > SLOT_PW_SCRYPT_LOG2N_MAX)
		return store_fail(st, STORE_EINVAL, "scrypt cost %u out of "
				  "range (%d to %d)", log2n,
				  SLOT_PW_SCRYPT_LOG2N_MIN,
				  SLOT_PW_SCRYPT_LOG2N_MAX);
	st->pw_log2n = log2n;
	return STORE_OK;
}

struct store_user_add_ctx {
	const char *user;
	const struct store_user_rec *rec;
};

static int store_user_add_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_user_add_ctx *ctx = arg;
	struct store_user_rec old;
	unsigned int i;
	int rc;

	rc = store_user_get(st, txn, ctx->user, &old, DB_RMW);
	if (rc == STORE_OK)
		return store_fail(st, STORE_EEXIST, "user '%s' already "
				  "exists", ctx->user);
	if (rc != STORE_ENOUSER)
		return rc;
	rc = store_user_put(st, txn, ctx->user, ctx->rec);
	for (i = 0; rc == STORE_OK &&
	     i < sizeof(store_default_mailboxes) /
		 sizeof(store_default_mailboxes[0]); i++) {
		const char *name = store_default_mailboxes[i].name;
		char key[STORE_USER_MAX + STORE_MAILBOX_MAX + 2];
		DBT k = { 0 }, v = { 0 };
		int ret;

		rc = store_mbox_new(st, txn, ctx->user, name,
				    store_default_mailboxes[i].use);
		if (rc)
			break;
		k.data = key;
		k.size = store_mbox_key(key, ctx->user, name);
		ret = st->subs->put(st->subs, txn, &k, &v, 0);
		if (ret)
			rc = store_dbfail(st, ret, "subscribe");
	}
	return rc;
}

int store_user_add(struct store *st, const char *user, const char *password,
		   uint64_t quota)
{
	struct store_user_add_ctx ctx;
	char name[STORE_USER_MAX + 1];
	struct store_user_rec r = { 0 };
	int rc;

	rc = store_user_name(st, user, name);
	if (rc)
		return rc;
	if (!password || !*password)
		return store_fail(st, STORE_EINVAL, "empty password");
	rc = store_pw_set(st, &r, password);
	if (rc)
		return rc;
	r.quota = quota;
	r.created = time(NULL);
	ctx.user = name;
	ctx.rec = &r;
	return store_txn(st, store_user_add_txn, &ctx);
}

struct store_user_del_ctx {
	const char *user;
};

static int store_user_del_mbox(struct store *st, DB_TXN *txn,
			       const char *user, const char *name,
			       const struct store_mbox_rec *r, void *arg)
{
	uint64_t bytes = 0;

	(void)user;
	(void)name;
	(void)arg;
	return store_mbox_purge(st, txn, r->id, &bytes);
}

/* Delete every "user\0..." key of a database. */
static int store_del_prefix(struct store *st, DB *db, DB_TXN *txn,
			    const char *user)
{
	size_t plen = strlen(user) + 1;
	DBT key = { 0 }, val = { 0 };
	DBC *c;
	int ret;

	ret = db->cursor(db, txn, &c, 0);
	if (ret)
		return store_dbfail(st, ret, "cursor");
	key.data = (void *)user;
	key.size = plen;
	val.flags = DB_DBT_PARTIAL;
	ret = c->get(c, &key, &val, DB_SET_RANGE | DB_RMW);
	while (ret == 0 && key.size >= plen &&
	       memcmp(key.data, user, plen) == 0) {
		ret = c->del(c, 0);
		if (ret)
			break;
		ret = c->get(c, &key, &val, DB_NEXT | DB_RMW);
	}
	c->close(c);
	if (ret && ret != DB_NOTFOUND)
		return store_dbfail(st, ret, "delete user records");
	return STORE_OK;
}

static int store_user_del_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_user_del_ctx *ctx = arg;
	struct store_user_rec r;
	DBT key = { 0 };
	int rc, ret;

	rc = store_user_get(st, txn, ctx->user, &r, DB_RMW);
	if (rc)
		return rc;
	rc = store_mbox_each(st, txn, ctx->user, store_user_del_mbox, ctx);
	if (rc)
		return rc;
	rc = store_del_prefix(st, st->mailboxes, txn, ctx->user);
	if (rc)
		return rc;
	rc = store_del_prefix(st, st->subs, txn, ctx->user);
	if (rc)
		return rc;
	key.data = (void *)ctx->user;
	key.size = strlen(ctx->user);
	ret = st->users->del(st->users, txn, &key, 0);
	return ret ? store_dbfail(st, ret, "delete user") : STORE_OK;
}

/* rm -r mail/<user> once the records are gone (two levels deep). */
static void store_user_rmdir(struct store *st, const char *user)
{
	char rel[sizeof(SLOT_MAIL_DIR) + STORE_USER_MAX + 2];
	struct dirent *de;
	DIR *d;
	int fd;

	snprintf(rel, sizeof(rel), "%s/%s", SLOT_MAIL_DIR, user);
	fd = openat(st->dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		char *end;
		unsigned long long id = strtoull(de->d_name, &end, 10);

		if (de->d_name[0] != '.' && !*end)
			store_mbox_rmdir(st, user, id);
	}
	closedir(d);
	unlinkat(st->dirfd, rel, AT_REMOVEDIR);
	store_fsync_dir(st, SLOT_MAIL_DIR);
}

int store_user_del(struct store *st, const char *user)
{
	struct store_user_del_ctx ctx = { 0 };
	char name[STORE_USER_MAX + 1];
	int rc;

	rc = store_user_name(st, user, name);
	if (rc)
		return rc;
	ctx.user = name;
	rc = store_txn(st, store_user_del_txn, &ctx);
	if (rc)
		return rc;
	/* a crash here leaves files that audit reports as orphans */
	store_user_rmdir(st, name);
	return STORE_OK;
}

struct store_user_mod_ctx {
	const char *user;
	const struct store_user_rec *pw;	/* new password, or NULL */
	uint64_t quota;
};

static int store_user_mod_txn(struct store *st, DB_TXN *txn, void *arg)
{
	struct store_user_mod_ctx *ctx = arg;
	struct store_user_rec r;
	int rc;

	rc = store_user_get(st, txn, ctx->user, &r, DB_RMW);
	if (rc)
		return rc;
	if (ctx->pw) {
		r.pw_alg = ctx->pw->pw_alg;
		r.pw_log2n = ctx->pw->pw_log2n;
		r.pw_r = ctx->pw->pw_r;
		r.pw_p = ctx->pw->pw_p;
		memcpy(r.salt, ctx->pw->salt, sizeof(r.salt));
		memcpy(r.hash, ctx->pw->hash, sizeof(r.hash));
	} else {
		r.quota = ctx->quota;
	}
	return store_user_put(st, txn, ctx->user, &r);
}

int store_user_passwd(struct store *st, const char *user,
		      const char *password)
{
	struct store_user_mod_ctx ctx = { 0 };
	char name[STORE_USER_MAX + 1];
	struct store_user_rec pw;
	int rc;

	rc = store_user_name(st, user, name);
	if (rc)
		return rc;
	if (!password || !*password)
		return store_fail(st, STORE_EINVAL, "empty password");
	rc = store_pw_set(st, &pw, password);
	if (rc)
		return rc;
	ctx.user = name;
	ctx.pw = &pw;
	return store_txn(st, store_user_mod_txn, &ctx);
}

int store_user_set_quota(struct store *st, const char *user, uint64_t quota)
{
	struct store_user_mod_ctx ctx = { 0 };
	char name[STORE_USER_MAX + 1];
	int rc;

	rc = store_user_name(st, user, name);
	if (rc)
		return rc;
	ctx.user = name;
	ctx.quota = quota;
	return store_txn(st, store_user_mod_txn, &ctx);
}

int store_user_exists(struct store *st, const char *user)
{
	char name[STORE_USER_MAX + 1];
	struct store_user_rec r;
	int rc;

	rc = store_user_name(st, user, name);
	if (rc)
		return rc == STORE_EBADNAME ?
			store_fail(st, STORE_ENOUSER, "no such user") : rc;
	return store_user_get(st, NULL, name, &r, 0);
}

int store_user_auth(struct store *st, const char *user, const char *password)
{
	static const struct store_user_rec dummy = {
		.pw_alg = SLOT_PW_SCRYPT,
		.pw_log2n = SLOT_PW_SCRYPT_LOG2N,
		.pw_r = SLOT_PW_SCRYPT_R,
		.pw_p = SLOT_PW_SCRYPT_P,
	};
	unsigned char hash[SLOT_PW_HASH_LEN];
	char name[STORE_USER_MAX + 1];
	struct store_user_rec r;
	int rc;

	if (!password)
		password = "";
	rc = store_user_name(st, user, name);
	if (rc == STORE_OK)
		rc = store_user_get(st, NULL, name, &r, 0);
	if (rc == STORE_EIO || rc == STORE_ECORRUPT)
		return rc;
	if (rc != STORE_OK) {
		/* same work as for a real user: no timing oracle */
		store_pw_hash(&dummy, password, hash);
		return store_fail(st, STORE_EAUTH, "authentication failed");
	}
	if (store_pw_hash(&r, password, hash) < 0)
		return store_fail(st, STORE_EIO, "cannot hash the password "
				  "(bad parameters in the user record?)");
	if (CRYPTO_memcmp(hash, r.hash, SLOT_PW_HASH_LEN) != 0)
		return store_fail(st, STORE_EAUTH, "authentication failed");
	return STORE_OK;
}

int store_user_info(struct store *st, const char *user,
		    struct store_user_info *info)
{
	struct store_user_rec r;
	int rc;

	memset(info, 0, sizeof(*info));
	rc = store_user_name(st, user, info->name);
	if (rc)
		return rc;
	rc = store_user_get(st, NULL, info->name, &r, 0);
	if (rc)
		return rc;
	info->quota = r.quota;
	info->used = r.used;
	info->created = r.created;
	return STORE_OK;
}

int store_user_list(struct store *st, struct store_user_info **users,
		    size_t *n)
{
	struct store_user_info *v = NULL, *nv;
	unsigned char buf[STORE_USER_REC_LEN];
	DBT key = { 0 }, val = { 0 };
	struct store_user_rec r;
	size_t cnt = 0, cap = 0;
	int ret, rc = STORE_OK;
	DBC *c;

	*users = NULL;
	*n = 0;
	ret = st->users->cursor(st->users, NULL, &c, 0);
	if (ret)
		return store_dbfail(st, ret, "cursor");
	key.flags = DB_DBT_MALLOC;
	val.data = buf;
	val.ulen = sizeof(buf);
	val.flags = DB_DBT_USERMEM;
	while ((ret = c->get(c, &key, &val, DB_NEXT)) == 0) {
		if (cnt == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(key.data);
				rc = store_fail(st, STORE_EIO, "out of memory");
				break;
			}
			v = nv;
		}
		memset(&v[cnt], 0, sizeof(v[cnt]));
		if (key.size > STORE_USER_MAX ||
		    store_user_rec_decode(&r, buf, val.size)) {
			free(key.data);
			rc = store_fail(st, STORE_ECORRUPT, "bad user record");
			break;
		}
		memcpy(v[cnt].name, key.data, key.size);
		free(key.data);
		v[cnt].quota = r.quota;
		v[cnt].used = r.used;
		v[cnt].created = r.created;
		cnt++;
	}
	c->close(c);
	if (rc == STORE_OK && ret != DB_NOTFOUND)
		rc = store_dbfail(st, ret, "list users");
	if (rc) {
		free(v);
		return rc == STORE_RETRY ?
			store_fail(st, STORE_EIO, "list users: deadlock") : rc;
	}
	*users = v;
	*n = cnt;
	return STORE_OK;
}
