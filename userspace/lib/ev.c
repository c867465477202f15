// SPDX-License-Identifier: GPL-2.0
/* The io_uring event loop: see ev.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/ev.h"
#include "lib/log.h"

#define EV_BATCH 256

static struct io_uring ev_ring;
static int ev_running;
static void (*ev_idle_hook)(void);
static unsigned long long ev_now_ms;

#define EV_BGID 0

static struct io_uring_buf_ring *ev_br;
static char *ev_bufs;
static unsigned int ev_nbufs;

static void ev_update_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ev_now_ms = (unsigned long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

unsigned long long ev_now(void)
{
	return ev_now_ms;
}

int ev_init(unsigned int entries)
{
	struct io_uring_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	/* One thread submits; completions are run when we wait. */
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		  IORING_SETUP_SUBMIT_ALL;
	p.flags |= IORING_SETUP_CQSIZE;
	p.cq_entries = entries * 8;
	ret = io_uring_queue_init_params(entries, &ev_ring, &p);
	if (ret == -EINVAL) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = entries * 8;
		ret = io_uring_queue_init_params(entries, &ev_ring, &p);
	}
	ev_update_now();
	return ret;
}

void ev_exit(void)
{
	io_uring_queue_exit(&ev_ring);
	free(ev_bufs);
	free(ev_br);
	ev_bufs = NULL;
	ev_br = NULL;
}

struct io_uring_sqe *ev_sqe(struct ev_op *op)
{
	struct io_uring_sqe *sqe;

	while (!(sqe = io_uring_get_sqe(&ev_ring)))
		io_uring_submit(&ev_ring);
	io_uring_sqe_set_data(sqe, op);
	return sqe;
}

void ev_set_idle_hook(void (*fn)(void))
{
	ev_idle_hook = fn;
}

void ev_stop(void)
{
	ev_running = 0;
}

int ev_run(void)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n;
	int ret;

	ev_running = 1;
	while (ev_running) {
		if (ev_idle_hook)
			ev_idle_hook();
		ret = io_uring_submit_and_wait(&ev_ring, 1);
		if (ret < 0 && ret != -EINTR && ret != -EBUSY && ret != -ETIME)
			return ret;
		ev_update_now();
		n = 0;
		io_uring_for_each_cqe(&ev_ring, head, cqe) {
			struct ev_op *op = io_uring_cqe_get_data(cqe);
			int res = cqe->res;
			unsigned int flags = cqe->flags;

			/*
			 * Advance before the callback: it may queue new
			 * requests, and a full CQ must not stall them.
			 */
			io_uring_cq_advance(&ev_ring, 1);
			if (op && op->cb)
				op->cb(op, res, flags);
			if (++n == EV_BATCH || !ev_running)
				break;
		}
	}
	return 0;
}

static void ev_timer_done(struct ev_op *op, int res, unsigned int flags)
{
	struct ev_timer *t = container_of(op, struct ev_timer, op);

	(void)flags;
	t->armed = 0;
	if (res != -ETIME || !t->live)
		return;
	/*
	 * A restart may have raced with this expiry (the update found no
	 * timer): the deadline says whether it is really due.
	 */
	if (ev_now() < t->deadline) {
		ev_timer_start(t, (unsigned int)(t->deadline - ev_now()));
		return;
	}
	t->live = 0;
	t->fn(t);
}

void ev_timer_init(struct ev_timer *t, void (*fn)(struct ev_timer *t))
{
	memset(t, 0, sizeof(*t));
	t->op.cb = ev_timer_done;
	t->fn = fn;
}

void ev_timer_start(struct ev_timer *t, unsigned int msec)
{
	struct io_uring_sqe *sqe;

	t->ts.tv_sec = msec / 1000;
	t->ts.tv_nsec = (long long)(msec % 1000) * 1000000;
	t->deadline = ev_now() + msec;
	t->live = 1;
	if (t->armed) {
		sqe = ev_sqe(NULL);
		io_uring_prep_timeout_update(sqe, &t->ts,
					     (__u64)(uintptr_t)&t->op, 0);
		return;
	}
	sqe = ev_sqe(&t->op);
	io_uring_prep_timeout(sqe, &t->ts, 0, 0);
	t->armed = 1;
}

void ev_timer_stop(struct ev_timer *t)
{
	struct io_uring_sqe *sqe;

	t->live = 0;
	if (!t->armed)
		return;
	sqe = ev_sqe(NULL);
	io_uring_prep_timeout_remove(sqe, (__u64)(uintptr_t)&t->op, 0);
}


int ev_bufs_init(unsigned int count)
{
	struct io_uring_buf_reg reg;
	size_t ring_size = count * sizeof(struct io_uring_buf);
	unsigned int i;
	int ret;

	if (count & (count - 1))
		return -EINVAL;
	if (posix_memalign((void **)&ev_br, 4096, ring_size))
		return -ENOMEM;
	ev_bufs = malloc((size_t)count * EV_BUF_SIZE);
	if (!ev_bufs) {
		free(ev_br);
		return -ENOMEM;
	}
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long)ev_br;
	reg.ring_entries = count;
	reg.bgid = EV_BGID;
	ret = io_uring_register_buf_ring(&ev_ring, &reg, 0);
	if (ret) {
		free(ev_bufs);
		free(ev_br);
		return ret;
	}
	ev_nbufs = count;
	io_uring_buf_ring_init(ev_br);
	for (i = 0; i < count; i++)
		io_uring_buf_ring_add(ev_br, ev_bufs + (size_t)i * EV_BUF_SIZE,
				      EV_BUF_SIZE, i,
				      io_uring_buf_ring_mask(count), i);
	io_uring_buf_ring_advance(ev_br, count);
	return 0;
}

void ev_prep_recv_select(struct io_uring_sqe *sqe, int fd)
{
	io_uring_prep_recv(sqe, fd, NULL, EV_BUF_SIZE, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = EV_BGID;
}

void *ev_buf_get(unsigned int id)
{
	return ev_bufs + (size_t)id * EV_BUF_SIZE;
}

void ev_buf_put(unsigned int id)
{
	io_uring_buf_ring_add(ev_br, ev_buf_get(id), EV_BUF_SIZE, id,
			      io_uring_buf_ring_mask(ev_nbufs), 0);
	io_uring_buf_ring_advance(ev_br, 1);
}
