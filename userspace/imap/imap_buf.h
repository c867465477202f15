/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Growable byte buffer used by the IMAP libraries for responses and
 * decoded text.
 *
 * Allocation failure is sticky: once an append fails the buffer is marked
 * failed, later appends do nothing and imap_buf_failed() reports it, so a
 * caller building a long response checks once at the end.
 */
#ifndef TWIN_IMAP_BUF_H
#define TWIN_IMAP_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct imap_buf {
	char *data;		/* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	bool failed;
};

#define IMAP_BUF_INIT { NULL, 0, 0, false }

void imap_buf_init(struct imap_buf *b);
void imap_buf_free(struct imap_buf *b);
void imap_buf_reset(struct imap_buf *b);	/* len = 0, keeps memory */
bool imap_buf_failed(const struct imap_buf *b);

void imap_buf_add(struct imap_buf *b, const void *data, size_t len);
void imap_buf_adds(struct imap_buf *b, const char *s);
void imap_buf_addc(struct imap_buf *b, char c);
void imap_buf_addf(struct imap_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The contents as a C string ("" for an empty buffer). */
const char *imap_buf_str(const struct imap_buf *b);

#endif
