// SPDX-License-Identifier: GPL-2.0
/* Writing IMAP strings: see imap_write.h. */
#include <string.h>
#include <strings.h>

#include "imap/imap_write.h"

static bool imap_is_atom_char(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7f)
		return false;
	/* atom-specials: ( ) { SP CTL % * " \ ] */
	return !strchr("(){%*\"\\]", c);
}

bool imap_is_atom(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		if (!imap_is_atom_char((unsigned char)s[i]))
			return false;
	}
	return true;
}

bool imap_is_quotable(const char *s, size_t len)
{
	unsigned int escapes = 0;
	size_t i;

	if (len > IMAP_WRITE_MAX_QUOTED)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0' || c == '\r' || c == '\n' || c >= 0x80)
			return false;
		/* a few escapes read fine; more make a literal clearer */
		if ((c == '"' || c == '\\') &&
		    ++escapes > IMAP_WRITE_MAX_ESCAPES)
			return false;
	}
	return true;
}

void imap_write_string(struct imap_buf *b, const char *s, size_t len)
{
	size_t i, start;

	if (!imap_is_quotable(s, len)) {
		imap_buf_addf(b, "{%zu}\r\n", len);
		imap_buf_add(b, s, len);
		return;
	}
	imap_buf_addc(b, '"');
	for (i = start = 0; i < len; i++) {
		if (s[i] != '"' && s[i] != '\\')
			continue;
		imap_buf_add(b, s + start, i - start);
		imap_buf_addc(b, '\\');
		start = i;
	}
	imap_buf_add(b, s + start, len - start);
	imap_buf_addc(b, '"');
}

void imap_write_unescaped(struct imap_buf *b, const char *s, size_t len)
{
	if (!memchr(s, '"', len) && !memchr(s, '\\', len))
		imap_write_string(b, s, len);
	else
		imap_write_literal(b, s, len);
}

void imap_write_literal(struct imap_buf *b, const char *s, size_t len)
{
	imap_buf_addf(b, "{%zu}\r\n", len);
	imap_buf_add(b, s, len);
}

void imap_write_nstring(struct imap_buf *b, const char *s, size_t len)
{
	if (!s)
		imap_buf_adds(b, "NIL");
	else
		imap_write_string(b, s, len);
}

void imap_write_astring(struct imap_buf *b, const char *s, size_t len)
{
	if (imap_is_atom(s, len) && !(len == 3 && !strncasecmp(s, "NIL", 3)))
		imap_buf_add(b, s, len);
	else
		imap_write_string(b, s, len);
}

void imap_write_strz(struct imap_buf *b, const char *s)
{
	imap_write_string(b, s, strlen(s));
}

void imap_write_nstrz(struct imap_buf *b, const char *s)
{
	imap_write_nstring(b, s, s ? strlen(s) : 0);
}

static bool imap_is_lwsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void imap_write_human_string(struct imap_buf *b, const char *s, size_t len)
{
	struct imap_buf clean = IMAP_BUF_INIT;
	bool space = false, changed = false;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (imap_is_lwsp((char)c)) {
			/* runs become one space; none at either end */
			if (c != ' ' || space || !clean.len)
				changed = true;
			space = clean.len > 0;
			continue;
		}
		if (space)
			imap_buf_addc(&clean, ' ');
		space = false;
		if (c == '\0')
			c = 0x80;
		if (c == '"' || c == '\\' || c >= 0x80)
			changed = true;
		imap_buf_addc(&clean, (char)c);
	}
	if (space || (len && !clean.len))
		changed = true;
	if (!changed) {
		imap_buf_addc(b, '"');
		imap_buf_add(b, s, len);
		imap_buf_addc(b, '"');
	} else if (!clean.len) {
		imap_buf_adds(b, "\"\"");
	} else {
		imap_buf_addf(b, "{%zu}\r\n", clean.len);
		imap_buf_add(b, clean.data, clean.len);
	}
	if (imap_buf_failed(&clean))
		b->failed = true;
	imap_buf_free(&clean);
}
