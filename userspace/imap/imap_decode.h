/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text decoding for SEARCH: transfer encodings (RFC 2045), encoded words
 * in headers (RFC 2047), charset conversion to UTF-8 (glibc iconv) and
 * case folding for case-insensitive matching.
 *
 * Decoders are forgiving: what cannot be decoded is copied as it is, so a
 * search still finds plain text in a broken message.
 */
#ifndef TWIN_IMAP_DECODE_H
#define TWIN_IMAP_DECODE_H

#include <stddef.h>

#include "imap/imap_buf.h"

void imap_decode_qp(const char *s, size_t len, struct imap_buf *out);
void imap_decode_base64(const char *s, size_t len, struct imap_buf *out);

/* Append @s converted from @charset (NULL = US-ASCII) to UTF-8. */
void imap_charset_to_utf8(const char *charset, const char *s, size_t len,
			  struct imap_buf *out);

/* Unfold a header value and decode its encoded words to UTF-8. */
void imap_decode_header(const char *s, size_t len, struct imap_buf *out);

/* Append @s case-folded (invalid UTF-8 bytes are copied). */
void imap_fold_append(struct imap_buf *out, const char *s, size_t len);
/* Folded copy, malloc'ed; NULL on allocation failure. */
char *imap_fold_utf8(const char *s, size_t len);

#endif
