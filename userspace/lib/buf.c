// SPDX-License-Identifier: GPL-2.0
/* Bounded byte buffers: see buf.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"

#define BUF_MIN_ALLOC 512

void buf_init(struct buf *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->off = b->len = b->size = 0;
}

void buf_reset(struct buf *b)
{
	b->off = b->len = 0;
}

int buf_reserve(struct buf *b, size_t n)
{
	size_t used = buf_used(b);
	size_t want;
	char *p;

	if (n > b->cap || used > b->cap - n)
		return -1;
	if (b->size - b->len >= n)
		return 0;
	/* Compact first: cheaper than growing when the head was consumed. */
	if (b->off && b->size - used >= n) {
		memmove(b->data, b->data + b->off, used);
		b->off = 0;
		b->len = used;
		return 0;
	}
	want = b->size ? b->size : BUF_MIN_ALLOC;
	while (want < used + n)
		want *= 2;
	if (want > b->cap && used + n <= b->cap)
		want = b->cap;
	p = malloc(want);
	if (!p)
		return -1;
	if (used)
		memcpy(p, b->data + b->off, used);
	free(b->data);
	b->data = p;
	b->size = want;
	b->off = 0;
	b->len = used;
	return 0;
}

void buf_commit(struct buf *b, size_t n)
{
	b->len += n;
}

void buf_consume(struct buf *b, size_t n)
{
	b->off += n;
	if (b->off >= b->len)
		b->off = b->len = 0;
}

void buf_shrink(struct buf *b)
{
	if (buf_used(b) == 0)
		buf_free(b);
}

int buf_append(struct buf *b, const void *data, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -1;
	memcpy(b->data + b->len, data, n);
	b->len += n;
	return 0;
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || buf_reserve(b, (size_t)n + 1) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return ret;
}

enum buf_line buf_getline(struct buf *b, size_t max, char **line,
			  size_t *len)
{
	size_t used = buf_used(b);
	size_t scan = used < max ? used : max;
	char *head = buf_head(b);
	char *nl = memchr(head, '\n', scan);
	size_t n;

	if (!nl)
		return used >= max ? BUF_LINE_TOO_LONG : BUF_LINE_NEED;
	n = (size_t)(nl - head);
	*nl = '\0';
	if (n && head[n - 1] == '\r')
		head[--n] = '\0';
	*line = head;
	*len = n;
	/* The line stays readable: consume moves only the offsets. */
	b->off += (size_t)(nl - head) + 1;
	return BUF_LINE_OK;
}

void buf_swap(struct buf *a, struct buf *b)
{
	struct buf t = *a;

	*a = *b;
	*b = t;
}
