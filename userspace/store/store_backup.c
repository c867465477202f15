// SPDX-License-Identifier: GPL-2.0
/*
 * Backup: a consistent copy of a live slot into a new directory, which is
 * itself a slot (restore is a backup of the backup).
 *
 * Message files never change once delivered, so a consistent copy is a hot
 * backup of the databases (Berkeley DB's own, with recovery run on the
 * copy) followed by a copy of every file the copied index names, each
 * verified against its SHA-256 while it is copied: a backup never copies
 * corruption silently (the seeds: "what happens if you make a backup of
 * corrupt data?").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "store/store_int.h"

/* Hot backup of db/ into target/db/, then catastrophic recovery there. */
static int store_backup_db(struct store *st, const char *target)
{
	char home[PATH_MAX];
	DB_ENV *env;
	int ret;

	snprintf(home, sizeof(home), "%s/%s", target, SLOT_DB_DIR);
	ret = st->env->backup(st->env, home, DB_CREATE | DB_EXCL);
	if (ret)
		return store_dbfail(st, ret, "database backup");
	ret = db_env_create(&env, 0);
	if (ret)
		return store_dbfail(st, ret, "db_env_create");
	ret = env->open(env, home, DB_CREATE | DB_INIT_TXN | DB_INIT_LOG |
			DB_INIT_LOCK | DB_INIT_MPOOL | DB_RECOVER_FATAL,
			0640);
	if (ret) {
		env->close(env, 0);
		return store_dbfail(st, ret, "recovery of the backup");
	}
	env->close(env, 0);
	return STORE_OK;
}

/* The files around the databases: LAYOUT, slot.conf, mail/, tmp/. */
static int store_backup_skeleton(struct store *st, const char *target)
{
	static const char *const files[] = { SLOT_LAYOUT_FILE, SLOT_CONF_FILE };
	char path[PATH_MAX], buf[8192];
	unsigned int i;
	ssize_t n;
	int in, out;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		in = openat(st->dirfd, files[i], O_RDONLY | O_CLOEXEC);
		if (in < 0 && errno == ENOENT)
			continue;
		if (in < 0)
			return store_sysfail(st, "cannot open", files[i]);
		snprintf(path, sizeof(path), "%s/%s", target, files[i]);
		out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			   0640);
		if (out < 0) {
			close(in);
			return store_sysfail(st, "cannot create", path);
		}
		while ((n = read(in, buf, sizeof(buf))) > 0) {
			if (write(out, buf, n) != n) {
				n = -1;
				break;
			}
		}
		if (n < 0 || fsync(out) < 0) {
			close(in);
			close(out);
			return store_sysfail(st, "cannot copy to", path);
		}
		close(in);
		close(out);
	}
	snprintf(path, sizeof(path), "%s/%s", target, SLOT_MAIL_DIR);
	if (mkdir(path, 0750) < 0)
		return store_sysfail(st, "cannot create", path);
	snprintf(path, sizeof(path), "%s/%s", target, SLOT_TMP_DIR);
	if (mkdir(path, 0750) < 0)
		return store_sysfail(st, "cannot create", path);
	return STORE_OK;
}

struct store_backup_ctx {
	struct store *src, *dst;
	void (*report)(void *arg, const struct store_audit_issue *is);
	void *arg;
	struct store_backup_stats *stats;
};

static void store_backup_issue(struct store_backup_ctx *b,
			       enum store_audit_kind kind, const char *user,
			       const char *mailbox, uint32_t uid,
			       const char *path, const char *detail)
{
	struct store_audit_issue is = {
		.kind = kind, .user = user, .mailbox = mailbox, .uid = uid,
		.path = path, .detail = detail,
	};

	b->stats->issues++;
	if (b->report)
		b->report(b->arg, &is);
}

/*
 * Copy one message file, hashing it on the way.  Returns 0, or -1 with
 * errno (ENOENT: no source file), or 1 if the copy does not match m.
 */
static int store_backup_file(struct store_backup_ctx *b, const char *rel,
			     const struct store_msg *m)
{
	unsigned char buf[65536], md[32];
	EVP_MD_CTX *ctx;
	uint64_t size = 0;
	int in, out = -1, ret = -1, saved;
	ssize_t n;

	in = openat(b->src->dirfd, rel, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto out;
	out = openat(b->dst->dirfd, rel,
		     O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (out < 0)
		goto out;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		EVP_DigestUpdate(ctx, buf, n);
		size += n;
		if (write(out, buf, n) != n)
			goto out;
	}
	if (n < 0 || fsync(out) < 0)
		goto out;
	EVP_DigestFinal_ex(ctx, md, NULL);
	ret = size != m->size || memcmp(md, m->sha256, 32) ? 1 : 0;
out:
	saved = errno;
	EVP_MD_CTX_free(ctx);
	if (out >= 0)
		close(out);
	close(in);
	errno = saved;
	return ret;
}

static int store_backup_mailbox(struct store_backup_ctx *b, const char *user,
				const struct store_mailbox_info *box)
{
	char rel[PATH_MAX], dir[PATH_MAX], detail[160];
	struct store_msg *msgs;
	size_t n, i;
	int rc, r;

	/* the copied index says which messages the backup has */
	rc = store_msg_list_id(b->dst, box->id, &msgs, &n);
	if (rc)
		return store_fail(b->src, rc, "backup: %s", b->dst->err);
	if (n) {
		rc = store_mailbox_dir(b->dst, user, box->id, dir,
				       sizeof(dir));
		if (rc) {
			free(msgs);
			return store_fail(b->src, rc, "%s", b->dst->err);
		}
	}
	for (i = 0; i < n; i++) {
		store_msg_path(rel, sizeof(rel), user, box->id, msgs[i].uid);
		r = store_backup_file(b, rel, &msgs[i]);
		if (r == 0) {
			b->stats->messages++;
			b->stats->bytes += msgs[i].size;
			continue;
		}
		if (r < 0 && errno == ENOENT && msgs[i].expunged_at) {
			/* expired while we copied: forget it in the copy */
			store_expunged_forget(b->dst, box->id, msgs[i].uid);
			continue;
		}
		if (r < 0)
			snprintf(detail, sizeof(detail), "not copied: %s",
				 strerror(errno));
		else
			snprintf(detail, sizeof(detail), "SHA-256 or size "
				 "differs from the index: copied as is");
		store_backup_issue(b, r < 0 && errno == ENOENT ?
				   STORE_AUDIT_MISSING : r < 0 ?
				   STORE_AUDIT_UNREADABLE :
				   STORE_AUDIT_MISMATCH, user, box->name,
				   msgs[i].uid, rel, detail);
	}
	free(msgs);
	if (n && store_fsync_dir(b->dst, dir) < 0)
		return store_sysfail(b->src, "cannot fsync", dir);
	return STORE_OK;
}

int store_backup(struct store *st, const char *target,
		 void (*report)(void *arg, const struct store_audit_issue *),
		 void *arg, struct store_backup_stats *stats)
{
	struct store_backup_ctx b = { st, NULL, report, arg, stats };
	struct store_mailbox_info *boxes;
	struct store_user_info *users;
	char err[STORE_ERR_LEN];
	size_t nu, nb, i, j;
	int rc;

	memset(stats, 0, sizeof(*stats));
	if (mkdir(target, 0750) < 0)
		return store_sysfail(st, "cannot create", target);
	rc = store_backup_db(st, target);
	if (rc == STORE_OK)
		rc = store_backup_skeleton(st, target);
	if (rc)
		return rc;
	rc = store_open(target, 0, &b.dst, err, sizeof(err));
	if (rc)
		return store_fail(st, rc, "cannot open the backup: %s", err);
	rc = store_user_list(b.dst, &users, &nu);
	if (rc) {
		store_fail(st, rc, "backup: %s", b.dst->err);
		store_close(b.dst);
		return rc;
	}
	for (i = 0; rc == STORE_OK && i < nu; i++) {
		stats->users++;
		rc = store_mailbox_list_all(b.dst, users[i].name, true,
					    &boxes, &nb);
		if (rc) {
			store_fail(st, rc, "backup: %s", b.dst->err);
			break;
		}
		for (j = 0; rc == STORE_OK && j < nb; j++) {
			stats->mailboxes++;
			rc = store_backup_mailbox(&b, users[i].name,
						  &boxes[j]);
		}
		free(boxes);
	}
	free(users);
	store_close(b.dst);
	return rc;
}
