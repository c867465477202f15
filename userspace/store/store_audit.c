// SPDX-License-Identifier: GPL-2.0
/*
 * Audit: recompute every message's SHA-256 and compare it with the index,
 * then walk mail/ for files the index does not know.  This is how silent
 * corruption is found (the seeds' checksums).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "store/store_int.h"

struct store_audit_ctx {
	void (*report)(void *arg, const struct store_audit_issue *is);
	void *arg;
	struct store_audit_stats *stats;
};

static void store_audit_report(struct store_audit_ctx *a,
			       enum store_audit_kind kind, const char *user,
			       const char *mailbox, uint32_t uid,
			       const char *path, const char *detail)
{
	struct store_audit_issue is = {
		.kind = kind, .user = user, .mailbox = mailbox, .uid = uid,
		.path = path, .detail = detail,
	};

	a->stats->issues++;
	if (a->report)
		a->report(a->arg, &is);
}

/* SHA-256 and size of a file; -1 with errno on failure. */
static int store_sha256_fd(int fd, unsigned char *md, uint64_t *size)
{
	unsigned char buf[65536];
	EVP_MD_CTX *ctx;
	ssize_t n;
	int ret = -1;

	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		errno = ENOMEM;
		goto out;
	}
	*size = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		EVP_DigestUpdate(ctx, buf, n);
		*size += n;
	}
	if (n == 0 && EVP_DigestFinal_ex(ctx, md, NULL))
		ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	return ret;
}

static void store_hex(char *out, const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static int store_uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Check the files of one mailbox against its index. */
static void store_audit_mailbox(struct store *st, struct store_audit_ctx *a,
				const char *user,
				const struct store_mailbox_info *box,
				const struct store_msg *msgs, size_t n,
				uint64_t *live)
{
	char rel[PATH_MAX], detail[200], hex1[65], hex2[65];
	unsigned char md[32];
	uint32_t *uids;
	const char *shown = store_mbox_is_deleted(box->name) ?
		"(deleted mailbox)" : box->name;
	struct dirent *de;
	uint64_t size;
	size_t i;
	DIR *d;
	int fd;

	for (i = 0; i < n; i++) {
		const struct store_msg *m = &msgs[i];

		store_msg_path(rel, sizeof(rel), user, box->id, m->uid);
		a->stats->messages++;
		if (!m->expunged_at)
			*live += m->size;
		fd = openat(st->dirfd, rel, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			snprintf(detail, sizeof(detail), "%s",
				 errno == ENOENT ? "file missing" :
				 strerror(errno));
			store_audit_report(a, errno == ENOENT ?
					   STORE_AUDIT_MISSING :
					   STORE_AUDIT_UNREADABLE, user,
					   shown, m->uid, rel, detail);
			continue;
		}
		if (store_sha256_fd(fd, md, &size) < 0) {
			snprintf(detail, sizeof(detail), "read error: %s",
				 strerror(errno));
			store_audit_report(a, STORE_AUDIT_UNREADABLE, user,
					   shown, m->uid, rel, detail);
			close(fd);
			continue;
		}
		close(fd);
		a->stats->bytes += size;
		if (size != m->size) {
			snprintf(detail, sizeof(detail), "size %llu, index "
				 "says %llu", (unsigned long long)size,
				 (unsigned long long)m->size);
			store_audit_report(a, STORE_AUDIT_SIZE, user,
					   shown, m->uid, rel, detail);
		}
		if (memcmp(md, m->sha256, 32)) {
			store_hex(hex1, md, 32);
			store_hex(hex2, m->sha256, 32);
			snprintf(detail, sizeof(detail), "sha256 %s, index "
				 "says %s", hex1, hex2);
			store_audit_report(a, STORE_AUDIT_MISMATCH, user,
					   shown, m->uid, rel, detail);
		}
	}

	/* files the index does not know (records are in UID order) */
	snprintf(rel, sizeof(rel), "%s/%s/%llu", SLOT_MAIL_DIR, user,
		 (unsigned long long)box->id);
	fd = openat(st->dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	uids = malloc((n ? n : 1) * sizeof(*uids));
	for (i = 0; uids && i < n; i++)
		uids[i] = msgs[i].uid;
	while (uids && (de = readdir(d))) {
		char *end;
		unsigned long v;
		uint32_t uid;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		v = strtoul(de->d_name, &end, 10);
		uid = v;
		/* at or above UIDNEXT: a delivery still in flight */
		if (!*end && de->d_name[0] != '0' && v <= UINT32_MAX &&
		    uid >= box->uidnext)
			continue;
		if (*end || de->d_name[0] == '0' || v > UINT32_MAX ||
		    !bsearch(&uid, uids, n, sizeof(*uids), store_uid_cmp)) {
			snprintf(rel, sizeof(rel), "%s/%s/%llu/%s",
				 SLOT_MAIL_DIR, user,
				 (unsigned long long)box->id, de->d_name);
			store_audit_report(a, STORE_AUDIT_ORPHAN, user,
					   shown, 0, rel,
					   "file not in the index");
		}
	}
	free(uids);
	closedir(d);
}

/* Directories under mail/<user>/ that are no mailbox of the user. */
static void store_audit_user_dir(struct store *st, struct store_audit_ctx *a,
				 const char *user,
				 const struct store_mailbox_info *boxes,
				 size_t n)
{
	char rel[PATH_MAX];
	struct dirent *de;
	size_t i;
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
		unsigned long long id;
		bool known = false;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		id = strtoull(de->d_name, &end, 10);
		for (i = 0; !*end && i < n; i++)
			known |= boxes[i].id == id;
		if (known)
			continue;
		snprintf(rel, sizeof(rel), "%s/%s/%s", SLOT_MAIL_DIR, user,
			 de->d_name);
		store_audit_report(a, STORE_AUDIT_ORPHAN, user, NULL, 0, rel,
				   "not a mailbox of the user");
	}
	closedir(d);
}

static int store_audit_user(struct store *st, struct store_audit_ctx *a,
			    const struct store_user_info *u)
{
	struct store_mailbox_info *boxes;
	struct store_msg *msgs;
	char detail[160];
	uint64_t live = 0;
	size_t nb, nm, i;
	int rc;

	/* deleted mailboxes too: their files are kept for retention */
	rc = store_mailbox_list_all(st, u->name, true, &boxes, &nb);
	if (rc)
		return rc;
	for (i = 0; i < nb; i++) {
		rc = store_msg_list_id(st, boxes[i].id, &msgs, &nm);
		if (rc)
			break;
		a->stats->mailboxes++;
		store_audit_mailbox(st, a, u->name, &boxes[i], msgs, nm,
				    &live);
		free(msgs);
	}
	if (rc == STORE_OK)
		store_audit_user_dir(st, a, u->name, boxes, nb);
	free(boxes);
	if (rc == STORE_OK && live != u->used) {
		snprintf(detail, sizeof(detail), "used bytes %llu, messages "
			 "add up to %llu", (unsigned long long)u->used,
			 (unsigned long long)live);
		store_audit_report(a, STORE_AUDIT_USAGE, u->name, NULL, 0,
				   SLOT_DB_DIR "/" SLOT_DB_USERS, detail);
	}
	return rc;
}

/* Entries of mail/ that are no user. */
static void store_audit_mail_dir(struct store *st, struct store_audit_ctx *a,
				 const struct store_user_info *users, size_t n)
{
	char rel[PATH_MAX];
	struct dirent *de;
	size_t i;
	DIR *d;
	int fd;

	fd = openat(st->dirfd, SLOT_MAIL_DIR,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		bool known = false;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		for (i = 0; i < n && !known; i++)
			known = strcmp(users[i].name, de->d_name) == 0;
		if (known)
			continue;
		snprintf(rel, sizeof(rel), "%s/%s", SLOT_MAIL_DIR, de->d_name);
		store_audit_report(a, STORE_AUDIT_ORPHAN, NULL, NULL, 0, rel,
				   "not a user of the slot");
	}
	closedir(d);
}

int store_audit(struct store *st,
		void (*report)(void *arg, const struct store_audit_issue *),
		void *arg, struct store_audit_stats *stats)
{
	struct store_audit_ctx a = { report, arg, stats };
	struct store_user_info *users;
	size_t n, i;
	int rc;

	memset(stats, 0, sizeof(*stats));
	rc = store_user_list(st, &users, &n);
	if (rc)
		return rc;
	for (i = 0; rc == STORE_OK && i < n; i++) {
		stats->users++;
		rc = store_audit_user(st, &a, &users[i]);
	}
	if (rc == STORE_OK)
		store_audit_mail_dir(st, &a, users, n);
	free(users);
	return rc;
}
