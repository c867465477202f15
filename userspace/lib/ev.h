/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event loop: one io_uring for all socket and file I/O of a process.
 *
 * Every request carries a struct ev_op as its user_data. The owner embeds
 * the op in its own struct, sets op->cb and finds itself again with
 * container_of(). A completion calls cb(op, res, cqe flags); multishot
 * requests call it once per completion until IORING_CQE_F_MORE is clear.
 * An op must stay allocated until its last completion arrived.
 */
#ifndef TWIN_LIB_EV_H
#define TWIN_LIB_EV_H

#include <stddef.h>
#include <liburing.h>

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

struct ev_op;
typedef void (*ev_cb)(struct ev_op *op, int res, unsigned int flags);

struct ev_op {
	ev_cb cb;
};

/* A one-shot timer; ev_timer_start() again re-arms it. */
struct ev_timer {
	struct ev_op op;
	struct __kernel_timespec ts;
	void (*fn)(struct ev_timer *t);
	unsigned long long deadline;	/* ev_now() when due */
	unsigned int armed:1;	/* a timeout request is in the ring */
	unsigned int live:1;	/* fire fn when it expires */
};

int ev_init(unsigned int entries);
void ev_exit(void);

/*
 * An SQE whose completion goes to op (NULL: ignore the completion).
 * Submits first when the queue is full, so it never fails.
 */
struct io_uring_sqe *ev_sqe(struct ev_op *op);

/* Run until ev_stop(); returns 0, or -errno when the ring fails. */
int ev_run(void);
void ev_stop(void);

/* Called before every wait, e.g. to flush replies in one batch. */
void ev_set_idle_hook(void (*fn)(void));

void ev_timer_init(struct ev_timer *t, void (*fn)(struct ev_timer *t));
void ev_timer_start(struct ev_timer *t, unsigned int msec);
void ev_timer_stop(struct ev_timer *t);
static inline int ev_timer_busy(const struct ev_timer *t)
{
	return t->armed;
}

/*
 * Provided receive buffers shared by all sockets, so an idle connection
 * holds no receive memory: a recv with ev_prep_recv_select() picks one
 * when data arrives; the completion names it (ev_buf_id) and the owner
 * gives it back with ev_buf_put() once it copied the bytes out.
 */
#define EV_BUF_SIZE	4096
int ev_bufs_init(unsigned int count);
void ev_prep_recv_select(struct io_uring_sqe *sqe, int fd);
static inline unsigned int ev_buf_id(unsigned int cqe_flags)
{
	return cqe_flags >> IORING_CQE_BUFFER_SHIFT;
}
void *ev_buf_get(unsigned int id);
void ev_buf_put(unsigned int id);

/* Monotonic time in milliseconds, cached once per loop iteration. */
unsigned long long ev_now(void);

#endif
