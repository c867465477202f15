// SPDX-License-Identifier: GPL-2.0
/* Dot-stuffing state machines: see dot.h. */
#include "proto/dot.h"

void dot_unstuff_init(struct dot_unstuffer *u)
{
	u->state = DOT_BOL;
}

size_t dot_unstuff(struct dot_unstuffer *u, const char *in, size_t inlen,
		   char *out, size_t *outlen, bool *end)
{
	size_t i, o = 0;
	char ch;

	*end = false;
	for (i = 0; i < inlen; i++) {
		ch = in[i];
		switch (u->state) {
		case DOT_BOL:
			if (ch == '.') {
				u->state = DOT_DOT;
				continue;
			}
			u->state = DOT_TEXT;
			break;
		case DOT_DOT:
			if (ch == '\r') {
				u->state = DOT_DOT_CR;
				continue;
			}
			if (ch == '\n') {	/* ".\n": be lenient */
				u->state = DOT_END;
				*end = true;
				*outlen = o;
				return i + 1;
			}
			u->state = DOT_TEXT;	/* the dot was stuffing */
			break;
		case DOT_DOT_CR:
			if (ch == '\n') {
				u->state = DOT_END;
				*end = true;
				*outlen = o;
				return i + 1;
			}
			/* ".\rX": a line holding "\rX" */
			out[o++] = '\r';
			u->state = DOT_TEXT;
			break;
		case DOT_CR:
		case DOT_TEXT:
		case DOT_END:
			break;
		}
		/* An ordinary byte of the current line. */
		if (ch == '\n') {
			if (u->state != DOT_CR)
				out[o++] = '\r';
			out[o++] = '\n';
			u->state = DOT_BOL;
		} else {
			out[o++] = ch;
			u->state = ch == '\r' ? DOT_CR : DOT_TEXT;
		}
	}
	*outlen = o;
	return i;
}

void dot_stuff_init(struct dot_stuffer *s, long body_lines)
{
	s->state = DOT_BOL;
	s->in_body = false;
	s->header_bol_empty = true;
	s->body_lines = body_lines;
	s->done = false;
}

/* A line ended: track the header/body boundary and TOP's count. */
static void dot_stuff_eol(struct dot_stuffer *s)
{
	if (!s->in_body) {
		if (s->header_bol_empty)
			s->in_body = true;
		s->header_bol_empty = true;
		if (s->in_body && s->body_lines == 0)
			s->done = true;
		return;
	}
	if (s->body_lines > 0 && --s->body_lines == 0)
		s->done = true;
}

size_t dot_stuff(struct dot_stuffer *s, const char *in, size_t inlen,
		 char *out)
{
	size_t i, o = 0;
	char ch;

	for (i = 0; i < inlen && !s->done; i++) {
		ch = in[i];
		if (s->state == DOT_BOL && ch == '.')
			out[o++] = '.';
		if (ch == '\n') {
			if (s->state != DOT_CR)
				out[o++] = '\r';
			out[o++] = '\n';
			s->state = DOT_BOL;
			dot_stuff_eol(s);
			continue;
		}
		out[o++] = ch;
		if (ch != '\r')
			s->header_bol_empty = false;
		s->state = ch == '\r' ? DOT_CR : DOT_TEXT;
	}
	return o;
}

size_t dot_stuff_end(struct dot_stuffer *s, char *out)
{
	size_t o = 0;

	if (s->state == DOT_CR) {
		out[o++] = '\n';
	} else if (s->state != DOT_BOL) {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	out[o++] = '.';
	out[o++] = '\r';
	out[o++] = '\n';
	s->state = DOT_BOL;
	return o;
}
