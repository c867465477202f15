/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dot-stuffing of message bodies (RFC 5321 4.5.2, RFC 1939 3).
 *
 * dot_unstuff() turns the DATA stream of SMTP/LMTP back into the message:
 * it removes the leading dot of stuffed lines, finds the terminating
 * CRLF.CRLF and stores lines with CRLF endings (a bare LF becomes CRLF).
 * dot_stuff() does the reverse for POP3 RETR/TOP: a dot is added to lines
 * that start with one, bare LFs become CRLF, and dot_stuff_end() closes
 * the body with CRLF.CRLF. Both are incremental state machines: input may
 * arrive in pieces split anywhere.
 */
#ifndef SLOTD_DOT_H
#define SLOTD_DOT_H

#include <stdbool.h>
#include <stddef.h>

enum dot_state {
	DOT_BOL,	/* at the beginning of a line */
	DOT_TEXT,	/* inside a line */
	DOT_CR,		/* inside a line, after CR */
	DOT_DOT,	/* a line began with '.' */
	DOT_DOT_CR,	/* a line was ".\r" so far */
	DOT_END,	/* the terminating line was seen */
};

struct dot_unstuffer {
	enum dot_state state;
};

struct dot_stuffer {
	enum dot_state state;
	bool in_body;		/* past the header/body separator */
	bool header_bol_empty;	/* the header line so far is empty */
	long body_lines;	/* TOP: body lines still allowed, -1 = all */
	bool done;		/* TOP limit reached */
};

void dot_unstuff_init(struct dot_unstuffer *u);
/*
 * Consume input until it is used up or the end line is found. Output goes
 * to out, which must have room for 2 * inlen bytes. Returns the number of
 * input bytes consumed; *outlen gets the bytes produced; *end is set when
 * the terminating ".\r\n" was consumed (bytes after it stay unconsumed).
 */
size_t dot_unstuff(struct dot_unstuffer *u, const char *in, size_t inlen,
		   char *out, size_t *outlen, bool *end);

/* body_lines: -1 for the whole message, else TOP's line count. */
void dot_stuff_init(struct dot_stuffer *s, long body_lines);
/*
 * Stuff inlen bytes into out (room for 2 * inlen + 2 bytes). Returns the
 * bytes produced. Once the TOP limit is reached s->done is set and the
 * rest of the input is ignored.
 */
size_t dot_stuff(struct dot_stuffer *s, const char *in, size_t inlen,
		 char *out);
/* Finish: CRLF if the last line had none, then ".\r\n" (room: 5). */
size_t dot_stuff_end(struct dot_stuffer *s, char *out);

#endif
