// SPDX-License-Identifier: GPL-2.0
/* Growable byte buffer: see imap_buf.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imap/imap_buf.h"

void imap_buf_init(struct imap_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void imap_buf_free(struct imap_buf *b)
{
	free(b->data);
	imap_buf_init(b);
}

void imap_buf_reset(struct imap_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

bool imap_buf_failed(const struct imap_buf *b)
{
	return b->failed;
}

/* Make room for @more bytes plus the terminating NUL. */
static bool imap_buf_reserve(struct imap_buf *b, size_t more)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return false;
	if (more > (size_t)-1 / 2 - b->len) {
		b->failed = true;
		return false;
	}
	need = b->len + more + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void imap_buf_add(struct imap_buf *b, const void *data, size_t len)
{
	if (!imap_buf_reserve(b, len))
		return;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void imap_buf_adds(struct imap_buf *b, const char *s)
{
	imap_buf_add(b, s, strlen(s));
}

void imap_buf_addc(struct imap_buf *b, char c)
{
	imap_buf_add(b, &c, 1);
}

void imap_buf_addf(struct imap_buf *b, const char *fmt, ...)
{
	size_t room;
	va_list ap;
	int n;

	/* most replies fit in the room there is: format only once */
	if (!imap_buf_reserve(b, 32))
		return;
	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->data[b->len] = '\0';
		b->failed = true;
		return;
	}
	if ((size_t)n < room) {
		b->len += (size_t)n;
		return;
	}
	if (!imap_buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *imap_buf_str(const struct imap_buf *b)
{
	return b->data ? b->data : "";
}
