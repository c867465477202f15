// SPDX-License-Identifier: GPL-2.0
/* BODY[section]<partial>: see imap_section.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_section.h"
#include "imap/imap_write.h"

/* ---- parsing ---- */

static bool imap_prefix(const char **p, const char *word)
{
	size_t n = strlen(word);

	if (strncasecmp(*p, word, n))
		return false;
	*p += n;
	return true;
}

static int imap_section_add_field(struct imap_section *s, const char *name,
				  size_t len)
{
	char **nf = realloc(s->fields, (s->n_fields + 1) * sizeof(*nf));

	if (!nf)
		return -1;
	s->fields = nf;
	nf[s->n_fields] = strndup(name, len);
	if (!nf[s->n_fields])
		return -1;
	s->n_fields++;
	return 0;
}

/* SP "(" header-fld-name *(SP header-fld-name) ")" */
static int imap_section_fields(const char **pp, const char *end,
			       struct imap_section *s, const char **err)
{
	const char *p = *pp, *start;
	struct imap_buf name = IMAP_BUF_INIT;

	*err = "Invalid header field list";
	if (end - p < 3 || p[0] != ' ' || p[1] != '(')
		return -1;
	p += 2;
	for (;;) {
		imap_buf_reset(&name);
		if (p < end && *p == '"') {
			for (p++; p < end && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < end)
					p++;
				imap_buf_addc(&name, *p);
			}
			if (p == end)
				goto fail;
			p++;
		} else {
			start = p;
			while (p < end && *p != ' ' && *p != ')' &&
			       (unsigned char)*p > 0x20 &&
			       (unsigned char)*p < 0x7f && *p != '"')
				p++;
			imap_buf_add(&name, start, (size_t)(p - start));
		}
		if (!name.len || memchr(name.data, ':', name.len))
			goto fail;
		if (imap_section_add_field(s, name.data, name.len) < 0) {
			*err = "Out of memory";
			goto fail;
		}
		if (p < end && *p == ' ') {
			p++;
			continue;
		}
		if (p < end && *p == ')')
			break;
		goto fail;
	}
	imap_buf_free(&name);
	*pp = p + 1;
	return 0;
fail:
	imap_buf_free(&name);
	return -1;
}

int imap_section_parse(const char *spec, size_t len, struct imap_section *s,
		       const char **err)
{
	const char *p = spec, *end = spec + len;
	uint64_t n;

	memset(s, 0, sizeof(*s));
	*err = "Invalid section";
	while (p < end && *p >= '1' && *p <= '9') {
		if (s->n_parts == IMAP_SECTION_MAX_PARTS) {
			*err = "Section nested too deeply";
			return -1;
		}
		for (n = 0; p < end && *p >= '0' && *p <= '9'; p++) {
			n = n * 10 + (uint64_t)(*p - '0');
			if (n > UINT32_MAX)
				return -1;
		}
		s->parts[s->n_parts++] = (uint32_t)n;
		if (p == end)
			return 0;
		if (*p != '.')
			return -1;
		p++;
	}
	if (p == end)
		return s->n_parts ? -1 : 0;	/* "1." */
	if (imap_prefix(&p, "HEADER.FIELDS.NOT")) {
		s->text = IMAP_SECTION_HEADER_FIELDS_NOT;
	} else if (imap_prefix(&p, "HEADER.FIELDS")) {
		s->text = IMAP_SECTION_HEADER_FIELDS;
	} else if (imap_prefix(&p, "HEADER")) {
		s->text = IMAP_SECTION_HEADER;
	} else if (imap_prefix(&p, "TEXT")) {
		s->text = IMAP_SECTION_TEXT;
	} else if (imap_prefix(&p, "MIME")) {
		if (!s->n_parts) {
			*err = "MIME needs a part number";
			return -1;
		}
		s->text = IMAP_SECTION_MIME;
	} else {
		return -1;
	}
	if (s->text == IMAP_SECTION_HEADER_FIELDS ||
	    s->text == IMAP_SECTION_HEADER_FIELDS_NOT) {
		if (imap_section_fields(&p, end, s, err) < 0) {
			imap_section_free(s);
			return -1;
		}
	}
	if (p != end) {
		*err = "Invalid section";
		imap_section_free(s);
		return -1;
	}
	return 0;
}

void imap_section_free(struct imap_section *s)
{
	unsigned int i;

	for (i = 0; i < s->n_fields; i++)
		free(s->fields[i]);
	free(s->fields);
	s->fields = NULL;
	s->n_fields = 0;
}

static bool imap_parse_u64(const char **pp, uint64_t *out)
{
	const char *p = *pp;
	uint64_t n = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*out = n;
	*pp = p;
	return true;
}

int imap_fetch_body_parse(const char *att, struct imap_fetch_body *fb,
			  const char **err)
{
	const char *p = att, *open, *close;

	memset(fb, 0, sizeof(*fb));
	if (imap_prefix(&p, "BODY.PEEK["))
		fb->peek = true;
	else if (!imap_prefix(&p, "BODY[")) {
		*err = "Invalid fetch attribute";
		return -1;
	}
	open = p;
	/* the section ends at the last "]" (field names may be quoted) */
	close = strrchr(p, ']');
	if (!close) {
		*err = "Missing ']'";
		return -1;
	}
	if (imap_section_parse(open, (size_t)(close - open), &fb->section,
			       err) < 0)
		return -1;
	p = close + 1;
	if (*p == '<') {
		p++;
		fb->partial = true;
		if (!imap_parse_u64(&p, &fb->origin) || *p != '.') {
			*err = "Invalid partial";
			goto fail;
		}
		p++;
		if (!imap_parse_u64(&p, &fb->count) || fb->count == 0 ||
		    *p != '>') {
			*err = "Invalid partial";
			goto fail;
		}
		p++;
	}
	if (*p) {
		*err = "Invalid fetch attribute";
		goto fail;
	}
	return 0;
fail:
	imap_section_free(&fb->section);
	return -1;
}

void imap_fetch_body_free(struct imap_fetch_body *fb)
{
	imap_section_free(&fb->section);
}

void imap_fetch_body_write_name(struct imap_buf *b,
				const struct imap_fetch_body *fb)
{
	static const char *const names[] = {
		[IMAP_SECTION_ALL] = "",
		[IMAP_SECTION_HEADER] = "HEADER",
		[IMAP_SECTION_HEADER_FIELDS] = "HEADER.FIELDS",
		[IMAP_SECTION_HEADER_FIELDS_NOT] = "HEADER.FIELDS.NOT",
		[IMAP_SECTION_TEXT] = "TEXT",
		[IMAP_SECTION_MIME] = "MIME",
	};
	const struct imap_section *s = &fb->section;
	unsigned int i;

	imap_buf_adds(b, "BODY[");
	for (i = 0; i < s->n_parts; i++)
		imap_buf_addf(b, i ? ".%u" : "%u", s->parts[i]);
	if (s->text != IMAP_SECTION_ALL) {
		if (s->n_parts)
			imap_buf_addc(b, '.');
		imap_buf_adds(b, names[s->text]);
	}
	if (s->n_fields) {
		imap_buf_adds(b, " (");
		for (i = 0; i < s->n_fields; i++) {
			if (i)
				imap_buf_addc(b, ' ');
			imap_write_astring(b, s->fields[i],
					   strlen(s->fields[i]));
		}
		imap_buf_addc(b, ')');
	}
	imap_buf_addc(b, ']');
	if (fb->partial)
		imap_buf_addf(b, "<%llu>", (unsigned long long)fb->origin);
}

/* ---- extraction ---- */

/*
 * Walk the part numbers.  *is_msg tells whether the result is a message
 * (the root, or the content of a message/rfc822 part) rather than a body
 * part.  A part that is not multipart has one part "1", itself (its body),
 * but only one level deep: like Dovecot, "1.1" of a single-part message
 * does not exist.
 */
static const struct imap_mime_part *
imap_section_find(const struct imap_mime *m, const struct imap_section *s,
		  bool *is_msg)
{
	const struct imap_mime_part *p = m->root, *c;
	bool stayed = false;
	unsigned int i, k;

	*is_msg = true;
	for (i = 0; i < s->n_parts; i++) {
		if (!*is_msg && p->is_message) {
			p = p->message;
			*is_msg = true;
			stayed = false;
		}
		if (p->is_multipart && !stayed) {
			c = p->children;
			for (k = 1; c && k < s->parts[i]; k++)
				c = c->next;
			if (!c)
				return NULL;
			p = c;
			*is_msg = false;
			continue;
		}
		if (s->parts[i] != 1 || stayed)
			return NULL;
		stayed = true;
		*is_msg = false;
	}
	return p;
}

static bool imap_field_listed(const struct imap_section *s, const char *name,
			      size_t len)
{
	unsigned int i;

	for (i = 0; i < s->n_fields; i++) {
		if (strlen(s->fields[i]) == len &&
		    !strncasecmp(s->fields[i], name, len))
			return true;
	}
	return false;
}

static bool imap_header_has_end(const char *h, size_t len)
{
	if (len && h[len - 1] == '\n') {
		len--;
		if (len && h[len - 1] == '\r')
			len--;
		return len == 0 || h[len - 1] == '\n';
	}
	return false;
}

static void imap_section_fields_fetch(const char *msg,
				      const struct imap_mime_part *p,
				      const struct imap_section *s,
				      struct imap_section_data *out)
{
	bool want = s->text == IMAP_SECTION_HEADER_FIELDS;
	struct imap_header_iter it;
	struct imap_header_field f;

	imap_header_iter_init(&it, msg + p->hdr_off, p->hdr_size);
	while (imap_header_next(&it, &f)) {
		if (imap_field_listed(s, f.name, f.name_len) != want)
			continue;
		imap_buf_add(&out->buf, f.raw, f.raw_len);
		/* a last field without line end still ends its line */
		if (f.raw[f.raw_len - 1] != '\n')
			imap_buf_adds(&out->buf, "\r\n");
	}
	/* the empty line, if the header ends with one (as Dovecot) */
	if (imap_header_has_end(msg + p->hdr_off, p->hdr_size))
		imap_buf_adds(&out->buf, "\r\n");
	out->data = imap_buf_str(&out->buf);
	out->len = out->buf.len;
}

int imap_section_fetch(const char *msg, const struct imap_mime *m,
		       const struct imap_section *s,
		       struct imap_section_data *out)
{
	const struct imap_mime_part *p;
	bool is_msg;

	imap_buf_init(&out->buf);
	out->data = "";
	out->len = 0;
	p = imap_section_find(m, s, &is_msg);
	if (!p)
		return -1;
	switch (s->text) {
	case IMAP_SECTION_ALL:
		if (!s->n_parts) {
			out->data = msg;
			out->len = m->size;
		} else {
			out->data = msg + p->body_off;
			out->len = p->body_size;
		}
		return 0;
	case IMAP_SECTION_MIME:
		out->data = msg + p->hdr_off;
		out->len = p->hdr_size;
		return 0;
	default:
		break;
	}
	/* HEADER, HEADER.FIELDS(.NOT), TEXT: of a message only */
	if (!is_msg && p->is_message)
		p = p->message;
	else if (!is_msg)
		return -1;
	switch (s->text) {
	case IMAP_SECTION_HEADER:
		out->data = msg + p->hdr_off;
		out->len = p->hdr_size;
		break;
	case IMAP_SECTION_TEXT:
		out->data = msg + p->body_off;
		out->len = p->body_size;
		break;
	default:
		imap_section_fields_fetch(msg, p, s, out);
		break;
	}
	return 0;
}

void imap_section_data_free(struct imap_section_data *out)
{
	imap_buf_free(&out->buf);
	out->data = "";
	out->len = 0;
}

void imap_partial_apply(const char **data, size_t *len, uint64_t origin,
			uint64_t count)
{
	if (origin >= *len) {
		*data += *len;
		*len = 0;
		return;
	}
	*data += origin;
	*len -= (size_t)origin;
	if (count < *len)
		*len = (size_t)count;
}
