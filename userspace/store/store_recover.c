// SPDX-License-Identifier: GPL-2.0
/*
 * Temporary delivery files and the cleanup of interrupted deliveries.
 *
 * Each open handle owns tmp/<name>/ and holds an exclusive flock on
 * tmp/<name>/lock for as long as it is open.  A directory whose lock can
 * be taken belongs to a handle that is gone (its process died): its files
 * were never acknowledged, so they are removed.
 *
 * A delivery links the message to mail/<user>/<id>/<uid> before it
 * commits the index record that raises UIDNEXT past uid.  A crash between
 * the two leaves a file at or above UIDNEXT: when nobody else has the slot
 * open (so no delivery is in flight) those are removed too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_int.h"

/* Remove every entry of directory fd (flat: tmp dirs have no subdirs). */
static void store_rm_entries(int fd)
{
	struct dirent *de;
	DIR *d;
	int dup_fd = dup(fd);

	if (dup_fd < 0)
		return;
	d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(fd, de->d_name, 0);
	}
	closedir(d);
}

/* Remove tmp/<name> if its owner is gone (or unconditionally). */
static void store_tmp_reap(struct store *st, int tmpdir_fd, const char *name,
			   bool force)
{
	int fd, lock_fd;

	fd = openat(tmpdir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	lock_fd = openat(fd, "lock", O_RDWR | O_CLOEXEC);
	/* no lock file yet: a handle being opened right now */
	if (!force && (lock_fd < 0 ||
		       flock(lock_fd, LOCK_EX | LOCK_NB) < 0)) {
		if (lock_fd >= 0)
			close(lock_fd);
		close(fd);
		return;		/* its handle is alive */
	}
	store_rm_entries(fd);
	if (lock_fd >= 0)
		close(lock_fd);
	close(fd);
	unlinkat(tmpdir_fd, name, AT_REMOVEDIR);
	(void)st;
}

static void store_tmp_sweep(struct store *st, bool alone)
{
	struct dirent *de;
	int fd;
	DIR *d;

	fd = openat(st->dirfd, SLOT_TMP_DIR,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(dup(fd));
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		store_tmp_reap(st, fd, de->d_name, alone);
	}
	closedir(d);
	close(fd);
}

struct store_leftover_ctx {
	unsigned int removed;
};

/*
 * Remove message files at or above UIDNEXT in one mailbox directory.  An
 * interrupted transaction links UIDs from UIDNEXT up, one after the other
 * (the mailbox record is locked meanwhile), so probing upwards from
 * UIDNEXT finds them all without reading big directories.
 */
static int store_leftover_mbox(struct store *st, DB_TXN *txn,
			       const char *user, const char *name,
			       const struct store_mbox_rec *r, void *arg)
{
	struct store_leftover_ctx *ctx = arg;
	char rel[PATH_MAX];
	unsigned int removed = 0;
	uint32_t uid;

	(void)txn;
	(void)name;
	for (uid = r->uidnext; uid != 0; uid++) {
		store_msg_path(rel, sizeof(rel), user, r->id, uid);
		if (unlinkat(st->dirfd, rel, 0) < 0)
			break;
		removed++;
	}
	if (removed) {
		snprintf(rel, sizeof(rel), "%s/%s/%llu", SLOT_MAIL_DIR, user,
			 (unsigned long long)r->id);
		store_fsync_dir(st, rel);
		ctx->removed += removed;
	}
	return STORE_OK;
}

void store_recover(struct store *st, bool alone)
{
	struct store_leftover_ctx ctx = { 0 };

	store_tmp_sweep(st, alone);
	if (alone)
		store_mbox_each(st, NULL, NULL, store_leftover_mbox, &ctx);
}

int store_tmp_open(struct store *st)
{
	char rel[sizeof(SLOT_TMP_DIR) + sizeof(st->tmp_name) + 1];
	unsigned int rnd = 0;

	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (unsigned int)(uintptr_t)st ^ (unsigned int)time(NULL);
	snprintf(st->tmp_name, sizeof(st->tmp_name), "%d.%08x",
		 (int)getpid(), rnd);
	snprintf(rel, sizeof(rel), "%s/%s", SLOT_TMP_DIR, st->tmp_name);
	if (mkdirat(st->dirfd, rel, 0750) < 0)
		return store_sysfail(st, "cannot create", rel);
	st->tmp_fd = openat(st->dirfd, rel,
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->tmp_fd < 0)
		return store_sysfail(st, "cannot open", rel);
	st->tmp_lock_fd = openat(st->tmp_fd, "lock",
				 O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (st->tmp_lock_fd < 0 || flock(st->tmp_lock_fd, LOCK_EX) < 0)
		return store_sysfail(st, "cannot lock", rel);
	return STORE_OK;
}

void store_tmp_close(struct store *st)
{
	int parent;

	if (st->tmp_fd < 0)
		return;
	store_rm_entries(st->tmp_fd);
	close(st->tmp_fd);
	st->tmp_fd = -1;
	if (st->tmp_lock_fd >= 0)
		close(st->tmp_lock_fd);
	st->tmp_lock_fd = -1;
	parent = openat(st->dirfd, SLOT_TMP_DIR,
			O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent >= 0) {
		unlinkat(parent, st->tmp_name, AT_REMOVEDIR);
		close(parent);
	}
}
