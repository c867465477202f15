/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Incremental IMAP command parser (RFC 3501 section 9, RFC 7888 LITERAL+).
 *
 * The parser does no I/O.  The server feeds it whatever bytes arrived and
 * gets one of four answers:
 *
 *   IMAP_PARSE_NEED_MORE          everything was consumed, feed more bytes
 *   IMAP_PARSE_NEED_CONTINUATION  a synchronizing literal {N} was announced:
 *                                 send "+ OK" and feed the rest (the size is
 *                                 imap_parser_literal_size())
 *   IMAP_PARSE_DONE               a whole command was read: tag, name, args
 *   IMAP_PARSE_ERROR              imap_parser_error() says why and whether it
 *                                 is fatal (disconnect) or not (answer BAD)
 *
 * *consumed tells how many bytes of this call were used; bytes after a
 * DONE or ERROR belong to the next command.  After DONE or ERROR call
 * imap_parser_reset() before feeding the next command.  A non-fatal error
 * is only returned once the bad command was read to its end (LITERAL+
 * payloads included), so the stream stays in sync.
 *
 * Both limits are fixed at creation: max_line_size bounds all the
 * non-literal bytes of one command, max_literal_size bounds each literal.
 */
#ifndef TWIN_IMAP_PARSER_H
#define TWIN_IMAP_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lists may not nest deeper than this (a search key tree, a FETCH list). */
#define IMAP_PARSER_MAX_DEPTH	32

enum imap_arg_type {
	IMAP_ARG_ATOM,		/* also NIL, numbers, sequence sets, flags */
	IMAP_ARG_STRING,	/* quoted string, unescaped */
	IMAP_ARG_LITERAL,	/* {N} or {N+}; may hold any octet */
	IMAP_ARG_LIST,		/* parenthesised list */
};

struct imap_arg {
	enum imap_arg_type type;
	size_t len;		/* string length, or number of list items */
	union {
		char *str;	/* NUL-terminated (literals may hold NULs) */
		struct imap_arg *list;
	} v;
};

struct imap_parser_limits {
	size_t max_line_size;
	size_t max_literal_size;
};

enum imap_parse_result {
	IMAP_PARSE_NEED_MORE,
	IMAP_PARSE_NEED_CONTINUATION,
	IMAP_PARSE_DONE,
	IMAP_PARSE_ERROR,
};

struct imap_parser;

/* NULL on allocation failure. */
struct imap_parser *imap_parser_new(const struct imap_parser_limits *lim);
void imap_parser_free(struct imap_parser *p);

/* Forget the current command; keeps the limits. */
void imap_parser_reset(struct imap_parser *p);

enum imap_parse_result imap_parser_feed(struct imap_parser *p,
					const void *data, size_t len,
					size_t *consumed);

/*
 * Read the next line as it is, for AUTHENTICATE responses and IDLE's
 * "DONE": DONE then gives no tag or command and one IMAP_ARG_STRING
 * argument, the line without its CRLF.  The line limit applies; literals
 * are not interpreted.  imap_parser_reset() ends the mode.
 */
void imap_parser_line_mode(struct imap_parser *p);

/* Valid after DONE (tag also after a non-fatal ERROR, if it was read). */
const char *imap_parser_tag(const struct imap_parser *p);
const char *imap_parser_command(const struct imap_parser *p);
/* The arguments after the command name, as a list. */
const struct imap_arg *imap_parser_args(const struct imap_parser *p);

/* Size of the literal announced with NEED_CONTINUATION. */
uint64_t imap_parser_literal_size(const struct imap_parser *p);

/* Message for the BAD reply; *fatal tells to close the connection. */
const char *imap_parser_error(const struct imap_parser *p, bool *fatal);

/* Name of a result, for logs and tests. */
const char *imap_parse_result_name(enum imap_parse_result r);

/* Argument helpers. */
bool imap_arg_is_atom(const struct imap_arg *a, const char *atom);
bool imap_arg_is_nil(const struct imap_arg *a);
/* atom, quoted string or literal; NULL for a list */
const char *imap_arg_astring(const struct imap_arg *a);
/* like astring, but NIL gives NULL and *ok stays true */
const char *imap_arg_nstring(const struct imap_arg *a, bool *ok);
/* a number (RFC 3501 number/nz-number syntax, up to 2^63-1) */
bool imap_arg_number(const struct imap_arg *a, uint64_t *out);

#endif
