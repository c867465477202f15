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
#define IMAP_WRITE_MAX_ESCAPES	4

/*
 * string: quoted if it has no CR, LF, NUL or 8-bit byte and at most
 * IMAP_WRITE_MAX_ESCAPES quotes and backslashes (as Dovecot), else a
 * literal {N}\r\n followed by the bytes.
 */
void imap_write_string(struct imap_buf *b, const char *s, size_t len);
/* Like imap_write_string() but never escapes: Dovecot's ENVELOPE form. */
void imap_write_unescaped(struct imap_buf *b, const char *s, size_t len);
void imap_write_literal(struct imap_buf *b, const char *s, size_t len);
/* nstring: NIL for s == NULL */
void imap_write_nstring(struct imap_buf *b, const char *s, size_t len);
/* astring: a bare atom when possible ("NIL" and "" are never atoms) */
void imap_write_astring(struct imap_buf *b, const char *s, size_t len);
/* NUL-terminated conveniences */
void imap_write_strz(struct imap_buf *b, const char *s);
void imap_write_nstrz(struct imap_buf *b, const char *s);

/*
 * A string meant for people (the ENVELOPE subject, as Dovecot writes it):
 * white space runs become one space, none at either end, NUL becomes
 * 0x80.  Quoted when nothing had to change, else a literal.
 */
void imap_write_human_string(struct imap_buf *b, const char *s, size_t len);

/* True if every byte is an ATOM-CHAR. */
bool imap_is_atom(const char *s, size_t len);
/* True if the bytes can go in a quoted string (see imap_write_string). */
bool imap_is_quotable(const char *s, size_t len);

#endif
