/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BODY[section]<partial> (RFC 3501 section 6.4.5): parsing the fetch
 * attribute and extracting the bytes from a message and its MIME tree.
 *
 * Part numbers follow RFC 3501: a message that is not multipart has one
 * part, "1", its body; the parts of a message/rfc822 part are those of the
 * message it holds.  As in Dovecot, "1" below any single part is that part
 * (once: "1.1" of a single-part message does not exist), HEADER, TEXT and
 * HEADER.FIELDS exist only for the message and message/rfc822 parts, and
 * a part that does not exist reads as "".  These rules, and every byte
 * of output, were checked against Dovecot 2.3.19 on a corpus of messages.
 */
#ifndef TWIN_IMAP_SECTION_H
#define TWIN_IMAP_SECTION_H

#include <stdbool.h>
#include <stdint.h>

#include "imap/imap_buf.h"
#include "imap/imap_mime.h"

#define IMAP_SECTION_MAX_PARTS	32

enum imap_section_text {
	IMAP_SECTION_ALL,		/* BODY[] or BODY[1.2] */
	IMAP_SECTION_HEADER,
	IMAP_SECTION_HEADER_FIELDS,
	IMAP_SECTION_HEADER_FIELDS_NOT,
	IMAP_SECTION_TEXT,
	IMAP_SECTION_MIME,
};

struct imap_section {
	uint32_t parts[IMAP_SECTION_MAX_PARTS];
	unsigned int n_parts;
	enum imap_section_text text;
	char **fields;			/* HEADER.FIELDS names */
	unsigned int n_fields;
};

struct imap_fetch_body {
	bool peek;			/* BODY.PEEK: do not set \Seen */
	struct imap_section section;
	bool partial;
	uint64_t origin, count;
};

/* "BODY[...]<o.n>" or "BODY.PEEK[...]"; 0 or -1 with *err. */
int imap_fetch_body_parse(const char *att, struct imap_fetch_body *fb,
			  const char **err);
void imap_fetch_body_free(struct imap_fetch_body *fb);

/* The section text between the brackets; 0 or -1 with *err. */
int imap_section_parse(const char *spec, size_t len, struct imap_section *s,
		       const char **err);
void imap_section_free(struct imap_section *s);

/* Response item name: "BODY[1.HEADER.FIELDS (From)]<0>" (never PEEK). */
void imap_fetch_body_write_name(struct imap_buf *b,
				const struct imap_fetch_body *fb);

/* Where the bytes are: in the message, or built in ->buf. */
struct imap_section_data {
	const char *data;
	size_t len;
	struct imap_buf buf;
};

/*
 * Fill @out with the section of the message @msg parsed into @m.
 * Returns 0, or -1 if the part does not exist (servers send "" or NIL).
 * Free with imap_section_data_free() in both cases.
 */
int imap_section_fetch(const char *msg, const struct imap_mime *m,
		       const struct imap_section *s,
		       struct imap_section_data *out);
void imap_section_data_free(struct imap_section_data *out);

/* Apply <origin.count>: the substring, empty if origin is past the end. */
void imap_partial_apply(const char **data, size_t *len, uint64_t origin,
			uint64_t count);

#endif
