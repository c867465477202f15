// SPDX-License-Identifier: GPL-2.0
/* io_uring event loop; see loop.h. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "loop.h"

static struct io_uring loop_ring;

int loop_init(unsigned int entries)
{
	return io_uring_queue_init(entries, &loop_ring, 0);
}

void loop_exit(void)
{
	io_uring_queue_exit(&loop_ring);
}

struct io_uring_sqe *loop_sqe(struct loop_op *op, loop_cb cb)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&loop_ring);

	if (!sqe) {
		io_uring_submit(&loop_ring);
		sqe = io_uring_get_sqe(&loop_ring);
		if (!sqe) {
			log_crit("io_uring submission queue stays full");
			abort();
		}
	}
	op->cb = cb;
	io_uring_sqe_set_data(sqe, op);
	return sqe;
}

static uint64_t loop_clock(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t loop_now(void)
{
	return loop_clock(CLOCK_MONOTONIC);
}

uint64_t loop_wall(void)
{
	return loop_clock(CLOCK_REALTIME);
}

int loop_run(int tick_ms, void (*tick)(void), bool (*done)(void))
{
	struct __kernel_timespec ts = {
		.tv_sec = tick_ms / 1000,
		.tv_nsec = (long long)(tick_ms % 1000) * 1000000,
	};
	uint64_t next_tick = loop_now();

	while (!done()) {
		struct io_uring_cqe *cqe;
		unsigned int head, n = 0;
		int r;

		if (loop_now() >= next_tick) {
			next_tick = loop_now() + tick_ms;
			tick();
			continue;
		}
		r = io_uring_submit_and_wait_timeout(&loop_ring, &cqe, 1, &ts,
						     NULL);
		if (r < 0 && r != -ETIME && r != -EINTR && r != -EBUSY) {
			log_crit("io_uring wait failed: %d", r);
			return r;
		}
		io_uring_for_each_cqe(&loop_ring, head, cqe) {
			struct loop_op *op = io_uring_cqe_get_data(cqe);
			int res = cqe->res;

			n++;
			/* the op may be freed or re-armed by its callback */
			if (op)
				op->cb(op, res);
		}
		io_uring_cq_advance(&loop_ring, n);
	}
	return 0;
}
