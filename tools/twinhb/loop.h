/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's event loop on io_uring. Every request carries a struct
 * loop_op whose callback runs with the completion result; a periodic tick
 * drives the timers. The whole daemon is single threaded.
 */
#ifndef TWINHB_LOOP_H
#define TWINHB_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include <liburing.h>

struct loop_op;
typedef void (*loop_cb)(struct loop_op *op, int res);

struct loop_op {
	loop_cb cb;
};

int loop_init(unsigned int entries);
void loop_exit(void);

/* A free submission entry, submitting queued ones first if needed. */
struct io_uring_sqe *loop_sqe(struct loop_op *op, loop_cb cb);

/*
 * Run until @done returns true, calling @tick every @tick_ms. Returns 0,
 * or a negative errno if io_uring itself fails.
 */
int loop_run(int tick_ms, void (*tick)(void), bool (*done)(void));

/* Milliseconds of CLOCK_MONOTONIC and of CLOCK_REALTIME. */
uint64_t loop_now(void);
uint64_t loop_wall(void);

#endif
