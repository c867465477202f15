/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded byte buffers.
 *
 * Unread bytes are data[off..len). A buffer never grows beyond its cap:
 * every append that would cross it fails with -1 and leaves the buffer as
 * it was, so a peer can't make us allocate without bound.
 */
#ifndef TWIN_LIB_BUF_H
#define TWIN_LIB_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t off;
	size_t len;
	size_t size;		/* allocated */
	size_t cap;		/* hard limit on unread bytes */
};

enum buf_line {
	BUF_LINE_OK,		/* a complete line was returned */
	BUF_LINE_NEED,		/* no newline yet, read more */
	BUF_LINE_TOO_LONG,	/* no newline within max bytes */
};

void buf_init(struct buf *b, size_t cap);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);

static inline size_t buf_used(const struct buf *b)
{
	return b->len - b->off;
}

static inline char *buf_head(const struct buf *b)
{
	return b->data + b->off;
}

static inline char *buf_tail(const struct buf *b)
{
	return b->data + b->len;
}

/* Make room for n more bytes at the tail; -1 if that would exceed cap. */
int buf_reserve(struct buf *b, size_t n);
/* Free space at the tail after buf_reserve; buf_commit(n) claims n of it. */
static inline size_t buf_room(const struct buf *b)
{
	return b->size - b->len;
}

void buf_commit(struct buf *b, size_t n);
void buf_consume(struct buf *b, size_t n);
/* Drop the memory of an empty buffer (idle connections stay small). */
void buf_shrink(struct buf *b);

int buf_append(struct buf *b, const void *data, size_t n);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/*
 * Take one line from the head. On BUF_LINE_OK *line points at the line,
 * NUL-terminated without its CRLF or LF, *len is its length, and the line
 * is consumed (valid until the next change of the buffer).
 */
enum buf_line buf_getline(struct buf *b, size_t max, char **line,
			  size_t *len);

/* Swap the contents of two buffers (the caps stay with the contents). */
void buf_swap(struct buf *a, struct buf *b);

#endif
