// SPDX-License-Identifier: GPL-2.0
/*
 * The slot as a whole: create, open (locking and recovery), close, errors
 * and the transaction helper every other file uses.
 *
 * Several processes may have a slot open (slotd, slotctl).  Berkeley DB
 * recovery must run only when nobody else uses the environment, so opens
 * are serialised by an exclusive flock on db/gate.lock, and every open
 * handle holds a shared flock on db/users.lock.  The opener that can take
 * users.lock exclusively is alone: it runs recovery, then downgrades (safe:
 * it still holds the gate).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

static const char *const store_status_names[] = {
	[STORE_OK]		= "success",
	[STORE_ENOUSER]		= "no such user",
	[STORE_EAUTH]		= "authentication failed",
	[STORE_ENOMBOX]		= "no such mailbox",
	[STORE_ENOMSG]		= "no such message",
	[STORE_EEXIST]		= "already exists",
	[STORE_EBADNAME]	= "invalid name",
	[STORE_EQUOTA]		= "over quota",
	[STORE_EQUOTA_PERM]	= "message larger than the quota",
	[STORE_EINVAL]		= "invalid argument",
	[STORE_EVERSION]	= "unsupported slot layout version",
	[STORE_ECORRUPT]	= "corrupt database record",
	[STORE_EIO]		= "I/O or database error",
};

const char *store_strerror(int status)
{
	if (status < 0 || status >= (int)(sizeof(store_status_names) /
					  sizeof(store_status_names[0])) ||
	    !store_status_names[status])
		return "unknown error";
	return store_status_names[status];
}

int store_fail(struct store *st, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	return status;
}

int store_dbfail(struct store *st, int dberr, const char *what)
{
	if (dberr == DB_LOCK_DEADLOCK || dberr == DB_LOCK_NOTGRANTED)
		return STORE_RETRY;
	if (st->dbmsg[0])
		return store_fail(st, STORE_EIO, "%s: %s (%s)", what,
				  db_strerror(dberr), st->dbmsg);
	return store_fail(st, STORE_EIO, "%s: %s", what, db_strerror(dberr));
}

/* Berkeley DB's own explanations go into the next error, not stderr. */
static void store_db_errcall(const DB_ENV *env, const char *pfx,
			     const char *msg)
{
	struct store *st = env->app_private;

	(void)pfx;
	snprintf(st->dbmsg, sizeof(st->dbmsg), "%s", msg);
}

/*
 * Informational messages (failchk's "Freeing read locks ..."): not for
 * stderr of a daemon; kept like errors for the next explanation.
 */
static void store_db_msgcall(const DB_ENV *env, const char *msg)
{
	store_db_errcall(env, NULL, msg);
}

int store_sysfail(struct store *st, const char *what, const char *path)
{
	return store_fail(st, STORE_EIO, "%s %s: %s", what, path,
			  strerror(errno));
}

const char *store_error(const struct store *st)
{
	return st->err;
}

const char *store_dir(const struct store *st)
{
	return st->dir;
}

int64_t store_retention(const struct store *st)
{
	return st->retention;
}

int store_txn(struct store *st, store_txn_fn fn, void *arg)
{
	return store_txn_flags(st, 0, fn, arg);
}

int store_txn_flags(struct store *st, uint32_t commit_flags,
		    store_txn_fn fn, void *arg)
{
	int tries, rc, ret;
	DB_TXN *txn;

	for (tries = 0; tries < STORE_TXN_TRIES; tries++) {
		ret = st->env->txn_begin(st->env, NULL, &txn, 0);
		if (ret)
			return store_dbfail(st, ret, "begin transaction");
		rc = fn(st, txn, arg);
		if (rc != STORE_OK) {
			txn->abort(txn);
			if (rc == STORE_RETRY) {
				usleep(1000 * (tries + 1));
				continue;
			}
			return rc;
		}
		/* default flags: the log is flushed to disk before return */
		ret = txn->commit(txn, commit_flags);
		if (ret)
			return store_dbfail(st, ret, "commit transaction");
		return STORE_OK;
	}
	return store_fail(st, STORE_EIO, "transaction still deadlocked "
			  "after %d tries", STORE_TXN_TRIES);
}

int store_fsync_dir(struct store *st, const char *rel)
{
	int fd, ret, saved;

	fd = openat(st->dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

/* mkdir that tolerates EEXIST and fsyncs the parent when it created. */
static int store_mkdir_sync(struct store *st, const char *rel,
			    const char *parent)
{
	if (mkdirat(st->dirfd, rel, 0750) == 0)
		return store_fsync_dir(st, parent);
	return errno == EEXIST ? 0 : -1;
}

int store_mailbox_dir(struct store *st, const char *user, uint64_t id,
		      char *rel, size_t len)
{
	char udir[sizeof(SLOT_MAIL_DIR) + STORE_USER_MAX + 2];

	snprintf(udir, sizeof(udir), "%s/%s", SLOT_MAIL_DIR, user);
	snprintf(rel, len, "%s/%llu", udir, (unsigned long long)id);
	if (store_mkdir_sync(st, udir, SLOT_MAIL_DIR) < 0 ||
	    store_mkdir_sync(st, rel, udir) < 0)
		return store_sysfail(st, "cannot create", rel);
	return STORE_OK;
}

void store_msg_path(char *rel, size_t len, const char *user, uint64_t id,
		    uint32_t uid)
{
	snprintf(rel, len, "%s/%s/%llu/%u", SLOT_MAIL_DIR, user,
		 (unsigned long long)id, uid);
}

/* ---- slot.conf: only the keys the store itself needs ---- */

static int64_t store_parse_duration(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	switch (*end) {
	case 'd':
		v *= 24;
		/* fallthrough */
	case 'h':
		v *= 60;
		/* fallthrough */
	case 'm':
		v *= 60;
		/* fallthrough */
	case 's':
		end++;
		break;
	}
	while (*end == ' ' || *end == '\t')
		end++;
	return *end ? -1 : v;
}

static int store_read_conf(struct store *st)
{
	char line[512], *key, *val, *p;
	int fd, lineno = 0, rc = STORE_OK;
	FILE *f;

	st->retention = STORE_RETENTION_DEFAULT;
	fd = openat(st->dirfd, SLOT_CONF_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? STORE_OK :
			store_sysfail(st, "cannot open", SLOT_CONF_FILE);
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return store_sysfail(st, "cannot read", SLOT_CONF_FILE);
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		p = strchr(line, '#');
		if (p)
			*p = '\0';
		key = line + strspn(line, " \t");
		p = strchr(key, '=');
		if (!p)
			continue;
		*p = '\0';
		val = p + 1 + strspn(p + 1, " \t");
		for (p = key + strlen(key); p > key && strchr(" \t", p[-1]);)
			*--p = '\0';
		for (p = val + strlen(val); p > val && strchr(" \t\r\n",
							   p[-1]);)
			*--p = '\0';
		if (strcmp(key, "expunge_retention") == 0) {
			st->retention = store_parse_duration(val);
			if (st->retention < 0) {
				rc = store_fail(st, STORE_EINVAL,
						"%s:%d: bad expunge_retention "
						"'%s' (e.g. 7d, 12h, 3600)",
						SLOT_CONF_FILE, lineno, val);
				break;
			}
		}
	}
	fclose(f);
	return rc;
}

/* ---- create ---- */

static int store_check_layout(struct store *st, int *found)
{
	char buf[64], magic[32];
	int fd, version;
	ssize_t n;

	fd = openat(st->dirfd, SLOT_LAYOUT_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return store_fail(st, STORE_EVERSION, "%s: not a slot "
					  "(no %s file)", st->dir,
					  SLOT_LAYOUT_FILE);
		return store_sysfail(st, "cannot open", SLOT_LAYOUT_FILE);
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return store_sysfail(st, "cannot read", SLOT_LAYOUT_FILE);
	buf[n] = '\0';
	if (sscanf(buf, "%31s %d", magic, &version) != 2 ||
	    strcmp(magic, SLOT_LAYOUT_MAGIC) != 0)
		return store_fail(st, STORE_EVERSION, "%s/%s: not a slot "
				  "layout file", st->dir, SLOT_LAYOUT_FILE);
	if (version < SLOT_LAYOUT_OLDEST || version > SLOT_LAYOUT_VERSION)
		return store_fail(st, STORE_EVERSION, "%s: layout version %d, "
				  "this program knows versions %d to %d",
				  st->dir, version, SLOT_LAYOUT_OLDEST,
				  SLOT_LAYOUT_VERSION);
	*found = version;
	return STORE_OK;
}

/*
 * Version 1 lacked modseq.db and cache.db, which opening has just made.
 * Record the new version (a new LAYOUT renamed over the old one) so a
 * program that predates them refuses the slot instead of leaving
 * modseq.db behind index.db.
 */
static int store_upgrade_layout(struct store *st)
{
	char text[64];
	int fd, ok;

	snprintf(text, sizeof(text), "%s %d\n", SLOT_LAYOUT_MAGIC,
		 SLOT_LAYOUT_VERSION);
	unlinkat(st->dirfd, SLOT_LAYOUT_FILE ".new", 0);
	fd = openat(st->dirfd, SLOT_LAYOUT_FILE ".new",
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return store_sysfail(st, "cannot create", SLOT_LAYOUT_FILE);
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text) &&
	     fsync(fd) == 0;
	close(fd);
	if (!ok || renameat(st->dirfd, SLOT_LAYOUT_FILE ".new", st->dirfd,
			    SLOT_LAYOUT_FILE) < 0 || fsync(st->dirfd) < 0)
		return store_sysfail(st, "cannot upgrade", SLOT_LAYOUT_FILE);
	return STORE_OK;
}

static int store_write_file_sync(int dirfd, const char *name,
				 const char *text)
{
	size_t len = strlen(text);
	int fd, saved;

	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0640);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0) {
		saved = errno ? errno : EIO;
		close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

static bool store_dir_empty(const char *dir)
{
	struct dirent *de;
	bool empty = true;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return false;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = false;
			break;
		}
	}
	closedir(d);
	return empty;
}

static int store_create_meta(struct store *st, DB_TXN *txn, void *arg)
{
	int rc;

	(void)arg;
	rc = store_meta_put(st, txn, "layout_version", SLOT_LAYOUT_VERSION);
	if (rc == STORE_OK)
		rc = store_meta_put(st, txn, "created", time(NULL));
	return rc;
}

int store_create(const char *dir, char *err, size_t errlen)
{
	static const char *const subdirs[] = {
		SLOT_DB_DIR, SLOT_MAIL_DIR, SLOT_TMP_DIR,
	};
	char layout[64];
	struct store *st;
	unsigned int i;
	int dirfd, rc;

	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir,
			 strerror(errno));
		return STORE_EIO;
	}
	if (!store_dir_empty(dir)) {
		snprintf(err, errlen, "%s exists and is not an empty "
			 "directory", dir);
		return STORE_EEXIST;
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", dir,
			 strerror(errno));
		return STORE_EIO;
	}
	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		if (mkdirat(dirfd, subdirs[i], 0750) < 0) {
			snprintf(err, errlen, "cannot create %s/%s: %s", dir,
				 subdirs[i], strerror(errno));
			close(dirfd);
			return STORE_EIO;
		}
	}
	/* the layout file comes last: a slot without it is not a slot */
	snprintf(layout, sizeof(layout), "%s %d\n", SLOT_LAYOUT_MAGIC,
		 SLOT_LAYOUT_VERSION);
	if (store_write_file_sync(dirfd, SLOT_LAYOUT_FILE, layout) < 0 ||
	    fsync(dirfd) < 0) {
		snprintf(err, errlen, "cannot write %s/%s: %s", dir,
			 SLOT_LAYOUT_FILE, strerror(errno));
		close(dirfd);
		return STORE_EIO;
	}
	close(dirfd);
	/* opening creates the environment and the databases */
	rc = store_open(dir, 0, &st, err, errlen);
	if (rc)
		return rc;
	rc = store_txn(st, store_create_meta, NULL);
	if (rc)
		snprintf(err, errlen, "%s", st->err);
	store_close(st);
	return rc;
}

/* ---- open / close ---- */

static int store_open_db(struct store *st, DB **dbp, const char *file)
{
	DB_TXN *txn;
	int ret;

	ret = db_create(dbp, st->env, 0);
	if (ret)
		return store_dbfail(st, ret, "db_create");
	ret = st->env->txn_begin(st->env, NULL, &txn, 0);
	if (ret)
		return store_dbfail(st, ret, "begin transaction");
	ret = (*dbp)->open(*dbp, txn, file, NULL, DB_BTREE, DB_CREATE, 0640);
	if (ret) {
		txn->abort(txn);
		return store_dbfail(st, ret, file);
	}
	ret = txn->commit(txn, 0);
	if (ret)
		return store_dbfail(st, ret, file);
	return STORE_OK;
}

/*
 * modseq.db, the index by modseq: a secondary of index.db that Berkeley
 * DB updates in the transaction of every index change.  Built from the
 * index when empty (a slot made before it existed).
 */
static int store_open_modseq(struct store *st)
{
	DB_TXN *txn;
	int ret;

	ret = db_create(&st->modseq, st->env, 0);
	if (ret)
		return store_dbfail(st, ret, "db_create");
	ret = st->modseq->set_flags(st->modseq, DB_DUPSORT);
	if (ret)
		return store_dbfail(st, ret, SLOT_DB_MODSEQ);
	ret = st->env->txn_begin(st->env, NULL, &txn, 0);
	if (ret)
		return store_dbfail(st, ret, "begin transaction");
	ret = st->modseq->open(st->modseq, txn, SLOT_DB_MODSEQ, NULL, DB_BTREE,
			       DB_CREATE, 0640);
	if (ret == 0)
		ret = st->index->associate(st->index, txn, st->modseq,
					   store_modseq_key_of, DB_CREATE);
	if (ret) {
		txn->abort(txn);
		return store_dbfail(st, ret, SLOT_DB_MODSEQ);
	}
	ret = txn->commit(txn, 0);
	return ret ? store_dbfail(st, ret, SLOT_DB_MODSEQ) : STORE_OK;
}

/* Is the process that owned a BDB thread slot still running? */
static int store_isalive(DB_ENV *env, pid_t pid, db_threadid_t tid,
			 uint32_t flags)
{
	(void)env;
	(void)tid;
	(void)flags;
	return kill(pid, 0) == 0 || errno == EPERM;
}

static int store_open_env(struct store *st, bool alone)
{
	char home[PATH_MAX];
	uint32_t flags;
	int ret;

	snprintf(home, sizeof(home), "%s/%s", st->dir, SLOT_DB_DIR);
	ret = db_env_create(&st->env, 0);
	if (ret)
		return store_dbfail(st, ret, "db_env_create");
	st->env->app_private = st;
	st->env->set_errcall(st->env, store_db_errcall);
	st->env->set_msgcall(st->env, store_db_msgcall);
	st->env->set_lk_detect(st->env, DB_LOCK_DEFAULT);
	/* room for big mailboxes in one transaction, and a useful cache */
	st->env->set_lk_max_locks(st->env, 20000);
	st->env->set_lk_max_objects(st->env, 20000);
	st->env->set_lk_max_lockers(st->env, 2000);
	st->env->set_cachesize(st->env, 0, 16 << 20, 1);
	st->env->set_thread_count(st->env, 64);
	st->env->set_isalive(st->env, store_isalive);
	/* logs no longer needed for recovery are removed: no archival */
	st->env->log_set_config(st->env, DB_LOG_AUTO_REMOVE, 1);
	flags = DB_CREATE | DB_INIT_TXN | DB_INIT_LOG | DB_INIT_LOCK |
		DB_INIT_MPOOL;
	if (alone)
		flags |= DB_RECOVER;
	ret = st->env->open(st->env, home, flags, 0640);
	if (ret)
		return store_dbfail(st, ret, "open database environment");
	if (!alone) {
		/* release locks of processes that died using the slot */
		ret = st->env->failchk(st->env, 0);
		if (ret)
			return store_dbfail(st, ret, "failchk (stop every "
					    "process using the slot, then "
					    "open it again to recover)");
	}
	return STORE_OK;
}

static int store_open_locks(struct store *st, bool *alone)
{
	st->gate_fd = openat(st->dirfd, SLOT_LOCK_GATE,
			     O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (st->gate_fd < 0)
		return store_sysfail(st, "cannot open", SLOT_LOCK_GATE);
	if (flock(st->gate_fd, LOCK_EX) < 0)
		return store_sysfail(st, "cannot lock", SLOT_LOCK_GATE);
	st->users_fd = openat(st->dirfd, SLOT_LOCK_USERS,
			      O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (st->users_fd < 0)
		return store_sysfail(st, "cannot open", SLOT_LOCK_USERS);
	*alone = flock(st->users_fd, LOCK_EX | LOCK_NB) == 0;
	/* others have it open: join them (they hold it shared too) */
	if (!*alone && flock(st->users_fd, LOCK_SH) < 0)
		return store_sysfail(st, "cannot lock", SLOT_LOCK_USERS);
	return STORE_OK;
}

static int store_open_all(struct store *st)
{
	struct {
		DB **db;
		const char *file;
	} dbs[] = {
		{ &st->meta, SLOT_DB_META },
		{ &st->users, SLOT_DB_USERS },
		{ &st->mailboxes, SLOT_DB_MAILBOXES },
		{ &st->index, SLOT_DB_INDEX },
		{ &st->seen, SLOT_DB_SEEN },
		{ &st->subs, SLOT_DB_SUBS },
		{ &st->cache, SLOT_DB_CACHE },
	};
	bool alone = false;
	unsigned int i;
	int rc, version = 0;

	rc = store_check_layout(st, &version);
	if (rc)
		return rc;
	rc = store_read_conf(st);
	if (rc)
		return rc;
	rc = store_open_locks(st, &alone);
	if (rc)
		return rc;
	rc = store_open_env(st, alone);
	if (rc)
		return rc;
	for (i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		rc = store_open_db(st, dbs[i].db, dbs[i].file);
		if (rc)
			return rc;
	}
	rc = store_open_modseq(st);
	if (rc)
		return rc;
	if (version < SLOT_LAYOUT_VERSION) {
		rc = store_upgrade_layout(st);
		if (rc)
			return rc;
	}
	store_recover(st, alone);
	if (alone && flock(st->users_fd, LOCK_SH) < 0)
		return store_sysfail(st, "cannot lock", SLOT_LOCK_USERS);
	/*
	 * Still under the gate: another opener's sweep of tmp/ must never
	 * see our directory between its mkdir and the flock of its lock
	 * file, when it looks abandoned.
	 */
	rc = store_tmp_open(st);
	flock(st->gate_fd, LOCK_UN);
	return rc;
}

int store_open(const char *dir, unsigned int flags, struct store **stp,
	       char *err, size_t errlen)
{
	struct store *st;
	int rc;

	*stp = NULL;
	if (flags) {
		snprintf(err, errlen, "store_open: unknown flags %#x", flags);
		return STORE_EINVAL;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return STORE_EIO;
	}
	st->gate_fd = st->users_fd = st->tmp_fd = st->tmp_lock_fd = -1;
	st->dir = strdup(dir);
	st->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!st->dir || st->dirfd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", dir,
			 strerror(errno));
		store_close(st);
		return errno == ENOENT ? STORE_EVERSION : STORE_EIO;
	}
	rc = store_open_all(st);
	if (rc) {
		snprintf(err, errlen, "%s", st->err);
		store_close(st);
		return rc;
	}
	*stp = st;
	return STORE_OK;
}

int store_checkpoint(struct store *st)
{
	int ret;

	/* a slotctl killed in a transaction must not block us for long */
	ret = st->env->failchk(st->env, 0);
	if (ret)
		return store_dbfail(st, ret, "failchk");
	ret = st->env->txn_checkpoint(st->env, 0, 0, 0);
	return ret ? store_dbfail(st, ret, "checkpoint") : STORE_OK;
}

void store_close(struct store *st)
{
	unsigned int i;

	if (!st)
		return;
	store_tmp_close(st);
	{
		DB *dbs[] = {
			st->modseq, st->cache, st->subs, st->seen,
			st->index, st->mailboxes, st->users, st->meta,
		};

		for (i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
			if (dbs[i])
				dbs[i]->close(dbs[i], 0);
		}
	}
	if (st->env) {
		st->env->txn_checkpoint(st->env, 0, 0, 0);
		st->env->close(st->env, 0);
	}
	if (st->users_fd >= 0)
		close(st->users_fd);
	if (st->gate_fd >= 0)
		close(st->gate_fd);
	if (st->dirfd >= 0)
		close(st->dirfd);
	free(st->dir);
	free(st);
}
