// SPDX-License-Identifier: GPL-2.0
/*
 * MIME header fields: the header iterator, unfolding, and the Content-*
 * fields of a part (RFC 2045 tokens and parameters, RFC 2231
 * continuations, RFC 2183 disposition, RFC 3282 language).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_mime.h"
#include "imap/imap_mime_int.h"

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

/* A token; NULL if there is none (or on allocation failure). */
static char *imap_lex_token(struct imap_lex *l)
{
	const char *start;

	imap_lex_skip_cfws(l);
	start = l->p;
	while (l->p < l->end && imap_is_token_char((unsigned char)*l->p))
		l->p++;
	if (l->p == start)
		return NULL;
	return strndup(start, (size_t)(l->p - start));
}

/* A token or quoted-string value. */
static char *imap_lex_value(struct imap_lex *l)
{
	struct imap_buf b = IMAP_BUF_INIT;
	char *ret;

	imap_lex_skip_cfws(l);
	if (l->p >= l->end || *l->p != '"')
		return imap_lex_token(l);
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

/* "name*2" or "name*2*" (RFC 2231 continuation): the base length, or 0. */
static size_t imap_2231_split(const char *name, unsigned int *idx,
			      bool *ext)
{
	const char *star = strchr(name, '*'), *p;
	unsigned int n = 0;

	if (!star || star == name || star[1] < '0' || star[1] > '9')
		return 0;
	for (p = star + 1; *p >= '0' && *p <= '9' && n < 10000; p++)
		n = n * 10 + (unsigned int)(*p - '0');
	*ext = *p == '*';
	if (p[*ext] != '\0')
		return 0;
	*idx = n;
	return (size_t)(star - name);
}

static bool imap_2231_same(const struct imap_mime_param *a,
			   const struct imap_mime_param *b, size_t base)
{
	unsigned int idx;
	bool ext;

	return imap_2231_split(b->name, &idx, &ext) == base &&
	       !strncasecmp(a->name, b->name, base);
}

/* One parameter from the segments of @first's name, in index order. */
static bool imap_2231_join(const struct imap_mime_param *p, unsigned int n,
			   unsigned int first, bool *done,
			   struct imap_mime_param *out)
{
	struct imap_buf v = IMAP_BUF_INIT;
	unsigned int idx, k, j;
	bool ext, any_ext = false, found = true;
	size_t base = imap_2231_split(p[first].name, &idx, &ext);

	for (k = 0; found; k++) {
		found = false;
		for (j = first; j < n && !found; j++) {
			if (done[j] || !imap_2231_same(&p[first], &p[j], base))
				continue;
			imap_2231_split(p[j].name, &idx, &ext);
			if (idx != k)
				continue;
			imap_buf_adds(&v, p[j].value);
			any_ext |= ext;
			found = true;
		}
	}
	/* every segment is used up, even past a gap */
	for (j = first; j < n; j++) {
		if (imap_2231_same(&p[first], &p[j], base))
			done[j] = true;
	}
	out->name = malloc(base + 2);
	if (out->name) {
		memcpy(out->name, p[first].name, base);
		out->name[base] = any_ext ? '*' : '\0';
		out->name[base + 1] = '\0';
	}
	out->value = imap_buf_failed(&v) ? NULL : strdup(imap_buf_str(&v));
	imap_buf_free(&v);
	return out->name && out->value;
}

/*
 * Join RFC 2231 continuations into one parameter, as Dovecot does:
 * name*0*=a name*1*=b becomes name*=ab (the value stays encoded).
 * Plain parameters keep their order; joined ones follow.
 */
static void imap_params_merge_2231(bool *oom,
				   struct imap_mime_param **pp,
				   unsigned int *np)
{
	struct imap_mime_param *p = *pp, *out;
	unsigned int n = *np, i, idx, nout = 0;
	bool ext, *done, *moved;

	for (i = 0; i < n; i++) {
		if (imap_2231_split(p[i].name, &idx, &ext))
			break;
	}
	if (i == n)
		return;
	out = calloc(n, sizeof(*out));
	done = calloc(n, sizeof(*done));
	moved = calloc(n, sizeof(*moved));
	if (!out || !done || !moved) {
		*oom = true;
		goto out_free;
	}
	for (i = 0; i < n; i++) {
		if (!imap_2231_split(p[i].name, &idx, &ext)) {
			out[nout++] = p[i];
			done[i] = moved[i] = true;
		}
	}
	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		if (!imap_2231_join(p, n, i, done, &out[nout])) {
			*oom = true;
			free(out[nout].name);
			free(out[nout].value);
			break;
		}
		nout++;
	}
	for (i = 0; i < n; i++) {
		if (!moved[i]) {
			free(p[i].name);
			free(p[i].value);
		}
	}
	free(p);
	*pp = out;
	*np = nout;
	out = NULL;
out_free:
	free(out);
	free(done);
	free(moved);
}

/* *(";" attribute "=" value); stops at the first malformed parameter. */
static void imap_lex_params(bool *oom, struct imap_lex *l,
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
		name = imap_lex_token(l);
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
			*oom = true;
			break;
		}
		params = np;
		params[count].name = name;
		params[count].value = value;
		count++;
	}
	*out = params;
	*n = count;
	imap_params_merge_2231(oom, out, n);
}

/* ---- one entity ---- */

static char *imap_unfolded_dup(bool *oom,
			       const struct imap_header_field *f)
{
	struct imap_buf b = IMAP_BUF_INIT;

	imap_header_unfold(f->value, f->value_len, &b);
	if (imap_buf_failed(&b)) {
		*oom = true;
		imap_buf_free(&b);
		return NULL;
	}
	return b.data ? b.data : strdup("");
}

static void imap_parse_content_type(bool *oom,
				    struct imap_mime_part *part,
				    struct imap_lex *l)
{
	char *type = imap_lex_token(l), *subtype = NULL;

	imap_lex_skip_cfws(l);
	if (type && l->p < l->end && *l->p == '/') {
		l->p++;
		subtype = imap_lex_token(l);
	}
	if (!subtype) {
		/* RFC 2045 5.2: an invalid Content-Type means text/plain */
		free(type);
		return;
	}
	part->type = type;
	part->subtype = subtype;
	imap_lex_params(oom, l, &part->params, &part->n_params);
}

static void imap_parse_languages(bool *oom,
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
		lang = imap_lex_token(l);
		if (!lang)
			return;
		nl = realloc(part->languages,
			     (part->n_languages + 1) * sizeof(*nl));
		if (!nl) {
			free(lang);
			*oom = true;
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

static void imap_parse_content_field(bool *oom,
				     struct imap_mime_part *part,
				     const struct imap_header_field *f)
{
	struct imap_lex l = { f->value, f->value + f->value_len };

	/* the first occurrence of each field wins */
	if (imap_name_is(f, "Content-Type")) {
		if (!part->type)
			imap_parse_content_type(oom, part, &l);
	} else if (imap_name_is(f, "Content-Transfer-Encoding")) {
		if (!part->encoding)
			part->encoding = imap_lex_token(&l);
	} else if (imap_name_is(f, "Content-ID")) {
		if (!part->id)
			part->id = imap_unfolded_dup(oom, f);
	} else if (imap_name_is(f, "Content-Description")) {
		if (!part->description)
			part->description = imap_unfolded_dup(oom, f);
	} else if (imap_name_is(f, "Content-MD5")) {
		if (!part->md5)
			part->md5 = imap_unfolded_dup(oom, f);
	} else if (imap_name_is(f, "Content-Location")) {
		if (!part->location)
			part->location = imap_unfolded_dup(oom, f);
	} else if (imap_name_is(f, "Content-Disposition")) {
		if (!part->disposition) {
			part->disposition = imap_lex_token(&l);
			if (part->disposition)
				imap_lex_params(oom, &l, &part->dsp_params,
						&part->n_dsp_params);
		}
	} else if (imap_name_is(f, "Content-Language")) {
		if (!part->n_languages)
			imap_parse_languages(oom, part, &l);
	}
}

void imap_mime_parse_fields(struct imap_mime_part *part, const char *hdr,
			    size_t len, bool *oom)
{
	struct imap_header_iter it;
	struct imap_header_field f;

	imap_header_iter_init(&it, hdr, len);
	while (imap_header_next(&it, &f)) {
		if (f.name_len > 8 && !strncasecmp(f.name, "Content-", 8))
			imap_parse_content_field(oom, part, &f);
	}
}

void imap_mime_fields_free(struct imap_mime_part *part)
{
	unsigned int i;

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
}
