/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing IMAP response data (RFC 3501 section 4): the shortest valid form
 * of a string -- atom, quoted string or literal -- chosen from its bytes.
 */
#ifndef TWIN_IMAP_WRITE_H
#define TWIN_IMAP_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "imap/imap_buf.h"

/* Quoted strings longer than this are sent as literals (readability). */
#define IMAP_WRITE_MAX_QUOTED	1024

/* string: quoted if every byte allows it, else a literal {N}\r\n... */
void imap_write_string(struct imap_buf *b, const char *s, size_t len);
/* nstring: NIL for s == NULL */
void imap_write_nstring(struct imap_buf *b, const char *s, size_t len);
/* astring: a bare atom when possible ("NIL" and "" are never atoms) */
void imap_write_astring(struct imap_buf *b, const char *s, size_t len);
/* NUL-terminated conveniences */
void imap_write_strz(struct imap_buf *b, const char *s);
void imap_write_nstrz(struct imap_buf *b, const char *s);

/* True if every byte is an ATOM-CHAR. */
bool imap_is_atom(const char *s, size_t len);
/* True if the bytes can go in a quoted string. */
bool imap_is_quotable(const char *s, size_t len);

#endif
