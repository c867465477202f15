// SPDX-License-Identifier: GPL-2.0
/*
 * File I/O of IMAP commands through the ring: reading messages for FETCH
 * and SEARCH (the message walk), writing and fsyncing APPENDed messages.
 *
 * A session has one request in the ring at a time (s->io_op); its
 * completion goes to s->io_done. If the client left meanwhile, the
 * completion only frees the session.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "proto/imap.h"

static void imap_io_complete(struct ev_op *op, int res, unsigned int flags)
{
	struct imap_session *s = container_of(op, struct imap_session, io_op);

	(void)flags;
	s->io_pending = false;
	if (imap_session_gone(s))
		return;
	if (!imap_live(s)) {
		/* BYE was sent (shutdown, timeout): drop the command. */
		imap_walk_cleanup(s);
		return;
	}
	s->io_done(s, res);
	imap_flush(s);
}

void imap_io_init(struct imap_session *s)
{
	s->io_op.cb = imap_io_complete;
}

static void imap_io_close(int fd)
{
	struct io_uring_sqe *sqe;

	if (fd < 0)
		return;
	sqe = ev_sqe(NULL);
	io_uring_prep_close(sqe, fd);
}

/* Called when the session is freed with a walk half done. */
void imap_walk_cleanup(struct imap_session *s)
{
	struct imap_walk *w = &s->walk;

	imap_io_close(w->fd);
	w->fd = -1;
	free(w->raw);
	w->raw = NULL;
}

/* ---- The message walk -------------------------------------------------- */

static void imap_walk_run(struct imap_session *s);

static void imap_walk_fail(struct imap_session *s)
{
	struct imap_walk *w = &s->walk;
	void (*done)(struct imap_session *s, int err) = w->done;

	imap_walk_cleanup(s);
	w->visit = NULL;
	done(s, -1);
}

static void imap_walk_read_more(struct imap_session *s);

static void imap_walk_read_done(struct imap_session *s, int res)
{
	struct imap_walk *w = &s->walk;
	const struct imap_msg *m = &s->mbox->msgs[w->idx[w->pos]];

	if (res < 0 || (res == 0 && w->raw_got < w->raw_len)) {
		log_warnx("imap %s: reading %s/%s uid %u: %s",
			  s->c->peer_addr, s->user, s->mbox->name, m->uid,
			  res < 0 ? strerror(-res) : "file is short");
		imap_walk_fail(s);
		return;
	}
	w->raw_got += (size_t)res;
	if (w->raw_got < w->raw_len) {
		imap_walk_read_more(s);
		return;
	}
	imap_io_close(w->fd);
	w->fd = -1;
	imap_walk_run(s);
}

static void imap_walk_read_more(struct imap_session *s)
{
	struct imap_walk *w = &s->walk;
	struct io_uring_sqe *sqe;

	sqe = ev_sqe(&s->io_op);
	io_uring_prep_read(sqe, w->fd, w->raw + w->raw_got,
			   (unsigned int)(w->raw_len - w->raw_got), w->raw_got);
	s->io_done = imap_walk_read_done;
	s->io_pending = true;
}

/*
 * Start loading the current message (at most max bytes of it); false if
 * that failed at once.
 */
static bool imap_walk_load(struct imap_session *s, size_t max)
{
	struct imap_walk *w = &s->walk;
	const struct imap_msg *m = &s->mbox->msgs[w->idx[w->pos]];
	int st;

	st = store_msg_open_id(s->env->store, s->user, s->mbox->id, m->uid,
			       &w->fd);
	if (st != STORE_OK) {
		w->fd = -1;
		log_warnx("imap %s: opening %s/%s uid %u: %s",
			  s->c->peer_addr, s->user, s->mbox->name, m->uid,
			  store_error(s->env->store));
		return false;
	}
	w->raw_len = m->size < max ? (size_t)m->size : max;
	w->raw_got = 0;
	w->raw = malloc(w->raw_len + 1);
	if (!w->raw)
		return false;
	w->raw[w->raw_len] = '\0';
	if (!w->raw_len) {
		imap_io_close(w->fd);
		w->fd = -1;
		return true;
	}
	imap_walk_read_more(s);
	return true;
}

static void imap_walk_run(struct imap_session *s)
{
	struct imap_walk *w = &s->walk;
	enum imap_walk_ret r;
	void (*done)(struct imap_session *s, int err);
	uint64_t size;

	while (w->pos < w->n) {
		if (!w->raw && imap_out_pending(s) >= IMAP_OUT_LOWAT) {
			imap_flush(s);
			if (imap_out_pending(s) >= IMAP_OUT_LOWAT)
				return;	/* writable resumes us */
		}
		size = s->mbox->msgs[w->idx[w->pos]].size;
		r = w->visit(s, w->idx[w->pos], w->raw, w->raw_len);
		if ((r == IMAP_WALK_NEED_RAW &&
		     (!w->raw || w->raw_len < size)) ||
		    (r == IMAP_WALK_NEED_HEAD && !w->raw)) {
			/* A head that was not enough: read it all. */
			free(w->raw);
			w->raw = NULL;
			if (!imap_walk_load(s, r == IMAP_WALK_NEED_HEAD ?
					    IMAP_HEAD_MAX : SIZE_MAX)) {
				imap_walk_fail(s);
				return;
			}
			if (s->io_pending)
				return;
			continue;	/* an empty message: no I/O */
		}
		free(w->raw);
		w->raw = NULL;
		if (r == IMAP_WALK_FAIL) {
			imap_walk_cleanup(s);
			w->visit = NULL;
			return;
		}
		w->pos++;
	}
	done = w->done;
	w->visit = NULL;
	done(s, 0);
}

void imap_walk_start(struct imap_session *s)
{
	s->walk.pos = 0;
	s->walk.raw = NULL;
	s->walk.fd = -1;
	imap_walk_run(s);
}

void imap_walk_resume(struct imap_session *s)
{
	if (s->walk.visit && !s->io_pending)
		imap_walk_run(s);
}

/* ---- Write and fsync --------------------------------------------------- */

struct imap_wjob {
	int fd;
	const char *data;
	size_t len, off;
	bool syncing;
	void (*done)(struct imap_session *s, int res);
};

static void imap_wjob_step(struct imap_session *s);

static void imap_wjob_done(struct imap_session *s, int res)
{
	struct imap_wjob *j = s->cmd_io;

	if (res < 0) {
		j->done(s, res);
		return;
	}
	if (j->syncing) {
		j->done(s, 0);
		return;
	}
	if (res == 0) {
		j->done(s, -EIO);
		return;
	}
	j->off += (size_t)res;
	imap_wjob_step(s);
}

static void imap_wjob_step(struct imap_session *s)
{
	struct imap_wjob *j = s->cmd_io;
	struct io_uring_sqe *sqe;
	size_t n = j->len - j->off;

	sqe = ev_sqe(&s->io_op);
	if (n) {
		if (n > IMAP_APPEND_CHUNK)
			n = IMAP_APPEND_CHUNK;
		io_uring_prep_write(sqe, j->fd, j->data + j->off,
				    (unsigned int)n, j->off);
	} else {
		j->syncing = true;
		io_uring_prep_fsync(sqe, j->fd, 0);
	}
	s->io_done = imap_wjob_done;
	s->io_pending = true;
}

void imap_io_write_sync(struct imap_session *s, int fd, const char *data,
			size_t len, void (*done)(struct imap_session *s,
						 int res))
{
	struct imap_wjob *j = s->cmd_io;

	if (!j) {
		j = calloc(1, sizeof(*j));
		if (!j) {
			done(s, -ENOMEM);
			return;
		}
		s->cmd_io = j;
	}
	memset(j, 0, sizeof(*j));
	j->fd = fd;
	j->data = data;
	j->len = len;
	j->done = done;
	imap_wjob_step(s);
}
