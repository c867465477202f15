/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Modified UTF-7 mailbox names (RFC 3501 section 5.1.3).
 *
 * Printable ASCII stands for itself except "&", written "&-"; anything else
 * is UTF-16 in a modified base64 ("," instead of "/") between "&" and "-".
 * The decoder is strict, as a name that can be spelled two ways would let
 * two mailboxes share one name: it rejects encoded printable ASCII, two
 * adjacent encoded runs, non-zero padding bits, bad surrogates and a
 * missing "-".  The encoder rejects invalid UTF-8.
 */
#ifndef TWIN_IMAP_UTF7_H
#define TWIN_IMAP_UTF7_H

#include <stdbool.h>

#include "imap/imap_buf.h"

/* UTF-8 -> modified UTF-7, appended to @out; 0 or -1 (invalid UTF-8). */
int imap_utf8_to_utf7(const char *utf8, struct imap_buf *out);
/* modified UTF-7 -> UTF-8, appended to @out; 0 or -1 (invalid). */
int imap_utf7_to_utf8(const char *utf7, struct imap_buf *out);
/* True if @name is valid modified UTF-7. */
bool imap_utf7_is_valid(const char *name);
/* True if @s is valid UTF-8 (no overlongs, surrogates, > U+10FFFF). */
bool imap_utf8_is_valid(const char *s, size_t len);

#endif
