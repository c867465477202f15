/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MIME structure of a message held in memory (RFC 2045, 2046, 5322).
 *
 * imap_mime_parse() builds a tree of parts with the byte offsets of each
 * header and body, the parsed Content-* fields, and for message/rfc822
 * parts the encapsulated message.  The tree borrows nothing from the
 * message except through offsets, so the caller may mmap the message and
 * keep only the tree (e.g. cached) as long as it passes the same bytes to
 * the functions that extract data.
 *
 * Lines may end in CRLF (what IMAP counts sizes in; the store keeps that
 * form) or in a bare LF.  Sizes and line counts are of the bytes as stored.
 * Delimiters match by prefix (RFC 2046 5.1.1), innermost boundary first.
 * Sizes, line counts and part boundaries follow Dovecot 2.3 byte for byte
 * (tests/fuzz/dovecot-diff.sh checks it).  Malformed input never fails: a
 * multipart without parts gets one empty text/plain part, a missing close
 * delimiter ends the part at the enclosing one, nesting is cut at
 * IMAP_MIME_MAX_DEPTH and parts beyond IMAP_MIME_MAX_PARTS are skipped.
 */
#ifndef TWIN_IMAP_MIME_H
#define TWIN_IMAP_MIME_H

#include <stdbool.h>
#include <stddef.h>

#include "imap/imap_buf.h"

#define IMAP_MIME_MAX_DEPTH	64
#define IMAP_MIME_MAX_PARTS	10000

struct imap_mime_param {
	char *name;		/* as written; RFC 2231 parts joined */
	char *value;
};

struct imap_mime_part {
	struct imap_mime_part *parent;
	struct imap_mime_part *next;		/* sibling in a multipart */
	struct imap_mime_part *children;	/* multipart subparts */
	unsigned int n_children;
	struct imap_mime_part *message;		/* message/rfc822 content */

	size_t hdr_off, hdr_size;	/* header including the empty line */
	size_t body_off, body_size;
	size_t body_lines;

	/* Content-Type; NULL when absent or invalid (text/plain then) */
	char *type, *subtype;
	struct imap_mime_param *params;
	unsigned int n_params;
	char *id, *description, *encoding, *md5, *location;
	char *disposition;
	struct imap_mime_param *dsp_params;
	unsigned int n_dsp_params;
	char **languages;
	unsigned int n_languages;

	bool is_multipart;
	bool is_message;	/* message/rfc822 (or global) with ->message */
	bool is_text;		/* text/ *, including the default */
	bool is_placeholder;	/* stands in for a multipart with no parts */
};

struct imap_mime {
	size_t size;			/* of the message parsed */
	struct imap_mime_part *root;	/* the message itself */
	unsigned int n_parts;
};

/* Parse @size bytes; NULL only on allocation failure. */
struct imap_mime *imap_mime_parse(const char *data, size_t size);
void imap_mime_free(struct imap_mime *m);

/* One header field of a header block. */
struct imap_header_field {
	const char *name;
	size_t name_len;
	const char *raw;	/* the whole field with its line ending(s) */
	size_t raw_len;
	const char *value;	/* after the colon, still folded */
	size_t value_len;
};

struct imap_header_iter {
	const char *p, *end;
};

void imap_header_iter_init(struct imap_header_iter *it, const char *data,
			   size_t len);
bool imap_header_next(struct imap_header_iter *it,
		      struct imap_header_field *f);

/* Unfold: drop CR/LF, trim leading and trailing white space. */
void imap_header_unfold(const char *value, size_t len, struct imap_buf *out);

/*
 * The first field @name (case-insensitive) in the header of @part,
 * unfolded into @out; false if there is none.
 */
bool imap_mime_header_get(const char *msg, const struct imap_mime_part *part,
			  const char *name, struct imap_buf *out);

/* Part's parameter by name, NULL if absent. */
const char *imap_mime_param(const struct imap_mime_part *part,
			    const char *name);

#endif
