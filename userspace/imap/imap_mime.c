// SPDX-License-Identifier: GPL-2.0
/*
 * MIME structure of a message: see imap_mime.h.
 *
 * An entity is parsed in one pass over its bytes: the header up to the
 * empty line, then, for a multipart, only the lines that are delimiters of
 * its own boundary.  The region of each child already stops at the next
 * delimiter of its parent, so an inner multipart never sees an outer
 * boundary and each level only looks for one string.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_mime.h"

struct imap_mime_ctx {
	const char *data;
	struct imap_mime *m;
	bool oom;
};

/* ---- header fields ---- */

void imap_header_iter_init(struct imap_header_iter *it, const char *data,
			   size_t len)
{
	it->p = data;
	it->end = data + len;
}

/* End of the line starting at @p: just past its LF, or @end. */
static const char *imap_line_end(const char *p, const char *end)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));

	return lf ? lf + 1 : end;
}

static bool imap_is_empty_line(const char *p, const char *end)
{
	return (end - p >= 1 && p[0] == '\n') ||
	       (end - p >= 2 && p[0] == '\r' && p[1] == '\n');
}

bool imap_header_next(struct imap_header_iter *it,
		      struct imap_header_field *f)
{
	const char *p, *colon, *next;

	while (it->p < it->end && !imap_is_empty_line(it->p, it->end)) {
		p = it->p;
		next = imap_line_end(p, it->end);
		/* continuation lines belong to this field */
		while (next < it->end && (*next == ' ' || *next == '\t'))
			next = imap_line_end(next, it->end);
		it->p = next;
		colon = memchr(p, ':', (size_t)(next - p));
		if (!colon || colon == p || memchr(p, '\n', (size_t)(colon - p)))
			continue;	/* not a field: skip the garbage */
		f->name = p;
		f->name_len = (size_t)(colon - p);
		/* "Subject :" is obsolete syntax for "Subject:" */
		while (f->name_len && (p[f->name_len - 1] == ' ' ||
				       p[f->name_len - 1] == '\t'))
			f->name_len--;
		f->raw = p;
		f->raw_len = (size_t)(next - p);
		f->value = colon + 1;
		f->value_len = (size_t)(next - colon - 1);
		return true;
	}
	return false;
}

void imap_header_unfold(const char *v, size_t len, struct imap_buf *out)
{
	size_t start = out->len, i;

	while (len && (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')) {
		v++;
		len--;
	}
	for (i = 0; i < len; i++) {
		if (v[i] != '\r' && v[i] != '\n')
			imap_buf_addc(out, v[i]);
	}
	while (out->len > start && (out->data[out->len - 1] == ' ' ||
				    out->data[out->len - 1] == '\t'))
		out->data[--out->len] = '\0';
}

bool imap_mime_header_get(const char *msg, const struct imap_mime_part *part,
			  const char *name, struct imap_buf *out)
{
	struct imap_header_iter it;
	struct imap_header_field f;
	size_t nlen = strlen(name);

	imap_header_iter_init(&it, msg + part->hdr_off, part->hdr_size);
	while (imap_header_next(&it, &f)) {
		if (f.name_len == nlen && !strncasecmp(f.name, name, nlen)) {
			imap_header_unfold(f.value, f.value_len, out);
			return true;
		}
	}
	return false;
}

const char *imap_mime_param(const struct imap_mime_part *part,
			    const char *name)
{
	unsigned int i;

	for (i = 0; i < part->n_params; i++) {
		if (!strcasecmp(part->params[i].name, name))
			return part->params[i].value;
	}
	return NULL;
}

/* ---- RFC 2045 tokens ---- */

struct imap_lex {
	const char *p, *end;
};

static void imap_lex_skip_cfws(struct imap_lex *l)
{
	int depth = 0;

	for (; l->p < l->end; l->p++) {
		char c = *l->p;

		if (c == '(') {
			depth++;
		} else if (c == ')' && depth) {
			depth--;
		} else if (c == '\\' && depth && l->p + 1 < l->end) {
			l->p++;
		} else if (!depth && c != ' ' && c != '\t' && c != '\r' &&
			   c != '\n') {
			break;
		}
	}
}

static bool imap_is_token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?=", c);
}

static char *imap_strndup_case(const char *s, size_t n, bool lower)
{
	char *d = malloc(n + 1);
	size_t i;

	if (!d)
		return NULL;
	for (i = 0; i < n; i++)
		d[i] = lower ? (char)tolower((unsigned char)s[i]) : s[i];
	d[n] = '\0';
	return d;
}

/* A token; NULL if there is none (or on allocation failure). */
static char *imap_lex_token(struct imap_lex *l, bool lower)
{
	const char *start;

	imap_lex_skip_cfws(l);
	start = l->p;
	while (l->p < l->end && imap_is_token_char((unsigned char)*l->p))
		l->p++;
	if (l->p == start)
		return NULL;
	return imap_strndup_case(start, (size_t)(l->p - start), lower);
}

/* A token or quoted-string value. */
static char *imap_lex_value(struct imap_lex *l)
{
	struct imap_buf b = IMAP_BUF_INIT;
	char *ret;

	imap_lex_skip_cfws(l);
	if (l->p >= l->end || *l->p != '"')
		return imap_lex_token(l, false);
	for (l->p++; l->p < l->end && *l->p != '"'; l->p++) {
		if (*l->p == '\\' && l->p + 1 < l->end)
			l->p++;
		else if (*l->p == '\r' || *l->p == '\n')
			continue;	/* folded quoted string */
		imap_buf_addc(&b, *l->p);
	}
	if (l->p < l->end)
		l->p++;
	if (imap_buf_failed(&b)) {
		imap_buf_free(&b);
		return NULL;
	}
	ret = b.data ? b.data : strdup("");
	return ret;
}

static void imap_free_params(struct imap_mime_param *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].value);
	}
	free(p);
}

/* *(";" attribute "=" value); stops at the first malformed parameter. */
static void imap_lex_params(struct imap_mime_ctx *ctx, struct imap_lex *l,
			    struct imap_mime_param **out, unsigned int *n)
{
	struct imap_mime_param *params = NULL, *np;
	unsigned int count = 0;
	char *name, *value;

	for (;;) {
		imap_lex_skip_cfws(l);
		if (l->p >= l->end || *l->p != ';')
			break;
		l->p++;
		name = imap_lex_token(l, true);
		if (!name)
			continue;	/* "text/plain;" or ";;" */
		imap_lex_skip_cfws(l);
		if (l->p >= l->end || *l->p != '=') {
			free(name);
			break;
		}
		l->p++;
		value = imap_lex_value(l);
		if (!value) {
			free(name);
			break;
		}
		np = realloc(params, (count + 1) * sizeof(*params));
		if (!np) {
			free(name);
			free(value);
			ctx->oom = true;
			break;
		}
		params = np;
		params[count].name = name;
		params[count].value = value;
		count++;
	}
	*out = params;
	*n = count;
}

/* ---- one entity ---- */

static char *imap_unfolded_dup(struct imap_mime_ctx *ctx,
			       const struct imap_header_field *f)
{
	struct imap_buf b = IMAP_BUF_INIT;

	imap_header_unfold(f->value, f->value_len, &b);
	if (imap_buf_failed(&b)) {
		ctx->oom = true;
		imap_buf_free(&b);
		return NULL;
	}
	return b.data ? b.data : strdup("");
}

static void imap_parse_content_type(struct imap_mime_ctx *ctx,
				    struct imap_mime_part *part,
				    struct imap_lex *l)
{
	char *type = imap_lex_token(l, false), *subtype = NULL;

	imap_lex_skip_cfws(l);
	if (type && l->p < l->end && *l->p == '/') {
		l->p++;
		subtype = imap_lex_token(l, false);
	}
	if (!subtype) {
		/* RFC 2045 5.2: an invalid Content-Type means text/plain */
		free(type);
		return;
	}
	part->type = type;
	part->subtype = subtype;
	imap_lex_params(ctx, l, &part->params, &part->n_params);
}

static void imap_parse_languages(struct imap_mime_ctx *ctx,
				 struct imap_mime_part *part,
				 struct imap_lex *l)
{
	char *lang, **nl;

	for (;;) {
		imap_lex_skip_cfws(l);
		while (l->p < l->end && *l->p == ',') {
			l->p++;
			imap_lex_skip_cfws(l);
		}
		/* language tags are tokens ("en-GB") */
		lang = imap_lex_token(l, false);
		if (!lang)
			return;
		nl = realloc(part->languages,
			     (part->n_languages + 1) * sizeof(*nl));
		if (!nl) {
			free(lang);
			ctx->oom = true;
			return;
		}
		part->languages = nl;
		part->languages[part->n_languages++] = lang;
	}
}

static bool imap_name_is(const struct imap_header_field *f, const char *name)
{
	size_t n = strlen(name);

	return f->name_len == n && !strncasecmp(f->name, name, n);
}

static void imap_parse_content_field(struct imap_mime_ctx *ctx,
				     struct imap_mime_part *part,
				     const struct imap_header_field *f)
{
	struct imap_lex l = { f->value, f->value + f->value_len };

	/* the first occurrence of each field wins */
	if (imap_name_is(f, "Content-Type")) {
		if (!part->type)
			imap_parse_content_type(ctx, part, &l);
	} else if (imap_name_is(f, "Content-Transfer-Encoding")) {
		if (!part->encoding)
			part->encoding = imap_lex_token(&l, false);
	} else if (imap_name_is(f, "Content-ID")) {
		if (!part->id)
			part->id = imap_unfolded_dup(ctx, f);
	} else if (imap_name_is(f, "Content-Description")) {
		if (!part->description)
			part->description = imap_unfolded_dup(ctx, f);
	} else if (imap_name_is(f, "Content-MD5")) {
		if (!part->md5)
			part->md5 = imap_unfolded_dup(ctx, f);
	} else if (imap_name_is(f, "Content-Location")) {
		if (!part->location)
			part->location = imap_unfolded_dup(ctx, f);
	} else if (imap_name_is(f, "Content-Disposition")) {
		if (!part->disposition) {
			part->disposition = imap_lex_token(&l, false);
			if (part->disposition)
				imap_lex_params(ctx, &l, &part->dsp_params,
						&part->n_dsp_params);
		}
	} else if (imap_name_is(f, "Content-Language")) {
		if (!part->n_languages)
			imap_parse_languages(ctx, part, &l);
	}
}

/* Length of the header block at @off, including its empty line. */
static size_t imap_header_size(const char *data, size_t off, size_t end)
{
	const char *p = data + off, *e = data + end;

	while (p < e) {
		if (imap_is_empty_line(p, e))
			return (size_t)(imap_line_end(p, e) - (data + off));
		p = imap_line_end(p, e);
	}
	return end - off;
}

static size_t imap_count_lines(const char *p, size_t len)
{
	const char *end = p + len, *lf;
	size_t n = 0;

	while (p < end && (lf = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p = lf + 1;
	}
	return p < end ? n + 1 : n;	/* a last line without LF counts */
}

static bool imap_type_is(const struct imap_mime_part *part, const char *type,
			 const char *subtype)
{
	return part->type && !strcasecmp(part->type, type) &&
	       (!subtype || !strcasecmp(part->subtype, subtype));
}

/* Only identity encodings can hold a parsable message. */
static bool imap_encoding_is_identity(const struct imap_mime_part *part)
{
	return !part->encoding || !strcasecmp(part->encoding, "7bit") ||
	       !strcasecmp(part->encoding, "8bit") ||
	       !strcasecmp(part->encoding, "binary");
}

static struct imap_mime_part *imap_mime_entity(struct imap_mime_ctx *ctx,
					       size_t off, size_t end,
					       struct imap_mime_part *parent,
					       unsigned int depth,
					       bool in_digest);

static void imap_mime_add_child(struct imap_mime_ctx *ctx,
				struct imap_mime_part *part,
				struct imap_mime_part **tail,
				size_t start, size_t end, unsigned int depth)
{
	struct imap_mime_part *child;

	child = imap_mime_entity(ctx, start, end, part, depth + 1,
				 imap_type_is(part, "multipart", "digest"));
	if (!child)
		return;
	*tail = child;
	part->n_children++;
}

/* "--boundary" [ "--" ] LWSP* line-end */
static bool imap_is_delimiter(const char *p, size_t len, const char *b,
			      size_t blen, bool *close)
{
	size_t i;

	if (len < blen + 2 || p[0] != '-' || p[1] != '-' ||
	    memcmp(p + 2, b, blen))
		return false;
	i = blen + 2;
	*close = len - i >= 2 && p[i] == '-' && p[i + 1] == '-';
	if (*close)
		i += 2;
	for (; i < len; i++) {
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n')
			return false;
	}
	return true;
}

static void imap_mime_multipart(struct imap_mime_ctx *ctx,
				struct imap_mime_part *part,
				unsigned int depth)
{
	const char *b = imap_mime_param(part, "boundary");
	const char *data = ctx->data, *p, *next;
	size_t end = part->body_off + part->body_size, blen, pos, cend;
	size_t start = 0;
	struct imap_mime_part **tail = &part->children;
	bool open = false, close;

	if (!b || !*b || depth >= IMAP_MIME_MAX_DEPTH)
		return;
	blen = strlen(b);
	for (pos = part->body_off; pos < end; pos = (size_t)(next - data)) {
		p = data + pos;
		next = imap_line_end(p, data + end);
		if (!imap_is_delimiter(p, (size_t)(next - p), b, blen, &close))
			continue;
		if (open) {
			/* the line ending before a delimiter belongs to it */
			cend = pos;
			if (cend > start && data[cend - 1] == '\n')
				cend--;
			if (cend > start && data[cend - 1] == '\r')
				cend--;
			imap_mime_add_child(ctx, part, tail, start, cend,
					    depth);
			while (*tail)
				tail = &(*tail)->next;
		}
		open = !close;
		start = (size_t)(next - data);
		if (close || ctx->oom || ctx->m->n_parts >= IMAP_MIME_MAX_PARTS)
			break;
	}
	if (open && !ctx->oom)
		imap_mime_add_child(ctx, part, tail, start, end, depth);
}

static struct imap_mime_part *imap_mime_placeholder(struct imap_mime_ctx *ctx,
						    struct imap_mime_part *part)
{
	struct imap_mime_part *ph = calloc(1, sizeof(*ph));

	if (!ph) {
		ctx->oom = true;
		return NULL;
	}
	ph->parent = part;
	ph->hdr_off = ph->body_off = part->body_off + part->body_size;
	ph->is_text = true;
	ph->is_placeholder = true;
	ctx->m->n_parts++;
	return ph;
}

static struct imap_mime_part *imap_mime_entity(struct imap_mime_ctx *ctx,
					       size_t off, size_t end,
					       struct imap_mime_part *parent,
					       unsigned int depth,
					       bool in_digest)
{
	struct imap_mime_part *part = calloc(1, sizeof(*part));
	struct imap_header_iter it;
	struct imap_header_field f;

	if (!part) {
		ctx->oom = true;
		return NULL;
	}
	ctx->m->n_parts++;
	part->parent = parent;
	part->hdr_off = off;
	part->hdr_size = imap_header_size(ctx->data, off, end);
	part->body_off = off + part->hdr_size;
	part->body_size = end - part->body_off;
	part->body_lines = imap_count_lines(ctx->data + part->body_off,
					    part->body_size);

	imap_header_iter_init(&it, ctx->data + off, part->hdr_size);
	while (imap_header_next(&it, &f)) {
		if (f.name_len > 8 && !strncasecmp(f.name, "Content-", 8))
			imap_parse_content_field(ctx, part, &f);
	}

	if (!part->type && in_digest) {
		part->type = strdup("message");
		part->subtype = strdup("rfc822");
		if (!part->type || !part->subtype)
			ctx->oom = true;
	}
	part->is_text = !part->type || imap_type_is(part, "text", NULL);
	if (imap_type_is(part, "multipart", NULL)) {
		part->is_multipart = true;
		imap_mime_multipart(ctx, part, depth);
		if (!part->children && !ctx->oom) {
			part->children = imap_mime_placeholder(ctx, part);
			part->n_children = part->children ? 1 : 0;
		}
	} else if ((imap_type_is(part, "message", "rfc822") ||
		    imap_type_is(part, "message", "global")) &&
		   imap_encoding_is_identity(part) &&
		   depth < IMAP_MIME_MAX_DEPTH &&
		   ctx->m->n_parts < IMAP_MIME_MAX_PARTS) {
		part->message = imap_mime_entity(ctx, part->body_off, end,
						 part, depth + 1, false);
		part->is_message = part->message != NULL;
	}
	return part;
}

static void imap_mime_part_free(struct imap_mime_part *part)
{
	struct imap_mime_part *c, *next;
	unsigned int i;

	if (!part)
		return;
	for (c = part->children; c; c = next) {
		next = c->next;
		imap_mime_part_free(c);
	}
	imap_mime_part_free(part->message);
	free(part->type);
	free(part->subtype);
	imap_free_params(part->params, part->n_params);
	free(part->id);
	free(part->description);
	free(part->encoding);
	free(part->md5);
	free(part->location);
	free(part->disposition);
	imap_free_params(part->dsp_params, part->n_dsp_params);
	for (i = 0; i < part->n_languages; i++)
		free(part->languages[i]);
	free(part->languages);
	free(part);
}

struct imap_mime *imap_mime_parse(const char *data, size_t size)
{
	struct imap_mime *m = calloc(1, sizeof(*m));
	struct imap_mime_ctx ctx = { data, m, false };

	if (!m)
		return NULL;
	m->data = data;
	m->size = size;
	m->root = imap_mime_entity(&ctx, 0, size, NULL, 0, false);
	if (ctx.oom || !m->root) {
		imap_mime_free(m);
		return NULL;
	}
	return m;
}

void imap_mime_free(struct imap_mime *m)
{
	if (!m)
		return;
	imap_mime_part_free(m->root);
	free(m);
}
