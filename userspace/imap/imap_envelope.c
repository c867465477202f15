// SPDX-License-Identifier: GPL-2.0
/* FETCH ENVELOPE and address lists: see imap_envelope.h. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_envelope.h"
#include "imap/imap_write.h"

/* ---- RFC 5322 address tokens ---- */

enum imap_atok_type {
	IMAP_ATOK_END,
	IMAP_ATOK_WORD,		/* atom, dot-atom or domain literal */
	IMAP_ATOK_QUOTED,
	IMAP_ATOK_SPECIAL,	/* < > @ , : ; */
};

struct imap_alex {
	const char *p, *end;
	enum imap_atok_type type;
	char special;
	struct imap_buf text;	/* the token's text, unquoted */
	struct imap_buf comment; /* the last comment seen, for "a@b (Name)" */
};

static void imap_alex_skip(struct imap_alex *l)
{
	int depth = 0;

	for (; l->p < l->end; l->p++) {
		char c = *l->p;

		if (c == '(') {
			if (!depth++)
				imap_buf_reset(&l->comment);
			else
				imap_buf_addc(&l->comment, c);
		} else if (c == ')' && depth) {
			if (--depth)
				imap_buf_addc(&l->comment, c);
		} else if (depth) {
			if (c == '\\' && l->p + 1 < l->end)
				c = *++l->p;
			if (c != '\r' && c != '\n')
				imap_buf_addc(&l->comment, c);
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			break;
		}
	}
}

static void imap_alex_next(struct imap_alex *l)
{
	const char *start;

	imap_buf_reset(&l->text);
	imap_alex_skip(l);
	if (l->p >= l->end) {
		l->type = IMAP_ATOK_END;
		return;
	}
	if (strchr("<>@,:;", *l->p)) {
		l->type = IMAP_ATOK_SPECIAL;
		l->special = *l->p++;
		return;
	}
	if (*l->p == '"') {
		for (l->p++; l->p < l->end && *l->p != '"'; l->p++) {
			if (*l->p == '\\' && l->p + 1 < l->end)
				l->p++;
			else if (*l->p == '\r' || *l->p == '\n')
				continue;
			imap_buf_addc(&l->text, *l->p);
		}
		if (l->p < l->end)
			l->p++;
		l->type = IMAP_ATOK_QUOTED;
		return;
	}
	start = l->p;
	if (*l->p == '[') {
		while (l->p < l->end && *l->p != ']')
			l->p++;
		if (l->p < l->end)
			l->p++;
	} else {
		while (l->p < l->end && !strchr("<>@,:;\"() \t\r\n[", *l->p))
			l->p++;
		if (l->p == start)
			l->p++;		/* a stray ")" or "]" */
	}
	imap_buf_add(&l->text, start, (size_t)(l->p - start));
	l->type = IMAP_ATOK_WORD;
}

static bool imap_alex_is(const struct imap_alex *l, char special)
{
	return l->type == IMAP_ATOK_SPECIAL && l->special == special;
}

static bool imap_alex_is_word(const struct imap_alex *l)
{
	return l->type == IMAP_ATOK_WORD || l->type == IMAP_ATOK_QUOTED;
}

/* ---- writing addresses ---- */

static void imap_write_nstr_or(struct imap_buf *b, const struct imap_buf *s,
			       const char *missing)
{
	if (s->len)
		imap_write_unescaped(b, s->data, s->len);
	else if (missing)
		imap_write_strz(b, missing);
	else
		imap_buf_adds(b, "NIL");
}

static void imap_write_addr(struct imap_buf *b, const struct imap_buf *name,
			    const struct imap_buf *route,
			    const struct imap_buf *mailbox,
			    const struct imap_buf *host)
{
	imap_buf_addc(b, '(');
	imap_write_nstr_or(b, name, NULL);
	imap_buf_addc(b, ' ');
	imap_write_nstr_or(b, route, NULL);
	imap_buf_addc(b, ' ');
	imap_write_nstr_or(b, mailbox, "MISSING_MAILBOX");
	imap_buf_addc(b, ' ');
	imap_write_nstr_or(b, host, "MISSING_DOMAIN");
	imap_buf_addc(b, ')');
}

/* Words up to a special, joined without spaces (local part, domain). */
static void imap_alex_collect(struct imap_alex *l, struct imap_buf *out)
{
	while (imap_alex_is_word(l)) {
		imap_buf_add(out, l->text.data, l->text.len);
		imap_alex_next(l);
	}
}

/* After "<": [route ":"] local "@" domain ">" */
static void imap_parse_angle_addr(struct imap_alex *l, struct imap_buf *route,
				  struct imap_buf *mailbox,
				  struct imap_buf *host)
{
	imap_alex_next(l);
	if (imap_alex_is(l, '@')) {
		while (imap_alex_is(l, '@') || imap_alex_is(l, ',')) {
			imap_buf_addc(route, l->special);
			imap_alex_next(l);
			imap_alex_collect(l, route);
		}
		if (imap_alex_is(l, ':'))
			imap_alex_next(l);
	}
	imap_alex_collect(l, mailbox);
	if (imap_alex_is(l, '@')) {
		imap_alex_next(l);
		imap_alex_collect(l, host);
	}
	/* skip anything up to the closing ">" */
	while (l->type != IMAP_ATOK_END && !imap_alex_is(l, '>'))
		imap_alex_next(l);
	if (imap_alex_is(l, '>'))
		imap_alex_next(l);
}

static const struct imap_buf imap_no_text = IMAP_BUF_INIT;

struct imap_addr_bufs {
	struct imap_buf phrase, local, route, mailbox, host;
};

static void imap_addr_bufs_reset(struct imap_addr_bufs *a)
{
	imap_buf_reset(&a->phrase);
	imap_buf_reset(&a->local);
	imap_buf_reset(&a->route);
	imap_buf_reset(&a->mailbox);
	imap_buf_reset(&a->host);
}

/*
 * Parse addresses until the end (or ";" inside a group), writing each;
 * returns the number of IMAP address structures written.
 */
static unsigned int imap_parse_addresses(struct imap_alex *l,
					 struct imap_addr_bufs *a,
					 struct imap_buf *out, bool in_group)
{
	unsigned int n = 0;
	bool words;

	imap_alex_next(l);
	while (l->type != IMAP_ATOK_END) {
		if (imap_alex_is(l, ',')) {
			imap_alex_next(l);
			continue;
		}
		if (imap_alex_is(l, ';')) {
			if (in_group)
				return n;
			imap_alex_next(l);
			continue;
		}
		imap_addr_bufs_reset(a);
		imap_buf_reset(&l->comment);
		words = false;
		while (imap_alex_is_word(l) || imap_alex_is(l, '>')) {
			if (imap_alex_is_word(l)) {
				if (a->phrase.len)
					imap_buf_addc(&a->phrase, ' ');
				imap_buf_add(&a->phrase, l->text.data,
					     l->text.len);
				imap_buf_add(&a->local, l->text.data,
					     l->text.len);
				words = true;
			}
			imap_alex_next(l);
		}
		if (imap_alex_is(l, '<')) {
			imap_parse_angle_addr(l, &a->route, &a->mailbox,
					      &a->host);
			imap_write_addr(out, &a->phrase, &a->route,
					&a->mailbox, &a->host);
			n++;
		} else if (imap_alex_is(l, ':') && !in_group) {
			/* group: (NIL NIL "name" NIL) members (NIL...) */
			imap_buf_adds(out, "(NIL NIL ");
			imap_write_unescaped(out, a->phrase.data ?
					     a->phrase.data : "",
					     a->phrase.len);
			imap_buf_adds(out, " NIL)");
			n += 1 + imap_parse_addresses(l, a, out, true);
			imap_buf_adds(out, "(NIL NIL NIL NIL)");
			n++;
			if (imap_alex_is(l, ';'))
				imap_alex_next(l);
		} else if (imap_alex_is(l, '@')) {
			imap_alex_next(l);
			imap_alex_collect(l, &a->host);
			/* "user@host (Real Name)": the comment names it */
			imap_write_addr(out, &l->comment, &imap_no_text,
					&a->local, &a->host);
			n++;
		} else if (words) {
			/* a bare local part: "undisclosed-recipients" */
			imap_write_addr(out, &imap_no_text, &imap_no_text,
					&a->local, &a->host);
			n++;
		} else if (l->type != IMAP_ATOK_END) {
			imap_alex_next(l);	/* stray special */
		}
	}
	return n;
}

void imap_write_address_list(struct imap_buf *b, const char *value,
			     size_t len)
{
	struct imap_alex l = { value, value + len, IMAP_ATOK_END, 0,
			       IMAP_BUF_INIT, IMAP_BUF_INIT };
	struct imap_addr_bufs a = { IMAP_BUF_INIT, IMAP_BUF_INIT,
				    IMAP_BUF_INIT, IMAP_BUF_INIT,
				    IMAP_BUF_INIT };
	struct imap_buf out = IMAP_BUF_INIT;

	if (imap_parse_addresses(&l, &a, &out, false)) {
		imap_buf_addc(b, '(');
		imap_buf_add(b, out.data, out.len);
		imap_buf_addc(b, ')');
	} else {
		imap_buf_adds(b, "NIL");
	}
	if (imap_buf_failed(&out) || imap_buf_failed(&l.text))
		b->failed = true;
	imap_buf_free(&out);
	imap_buf_free(&l.text);
	imap_buf_free(&l.comment);
	imap_buf_free(&a.phrase);
	imap_buf_free(&a.local);
	imap_buf_free(&a.route);
	imap_buf_free(&a.mailbox);
	imap_buf_free(&a.host);
}

/* ---- the envelope ---- */

enum imap_env_field {
	IMAP_ENV_DATE, IMAP_ENV_SUBJECT, IMAP_ENV_FROM, IMAP_ENV_SENDER,
	IMAP_ENV_REPLY_TO, IMAP_ENV_TO, IMAP_ENV_CC, IMAP_ENV_BCC,
	IMAP_ENV_IN_REPLY_TO, IMAP_ENV_MESSAGE_ID, IMAP_ENV_COUNT,
};

static const char *const imap_env_names[IMAP_ENV_COUNT] = {
	"Date", "Subject", "From", "Sender", "Reply-To", "To", "Cc", "Bcc",
	"In-Reply-To", "Message-ID",
};

/* The raw value: blanks after the colon and the final line end dropped. */
static void imap_envelope_value(const struct imap_header_field *f,
				const char **v, size_t *len)
{
	*v = f->value;
	*len = f->value_len;
	while (*len && (**v == ' ' || **v == '\t')) {
		(*v)++;
		(*len)--;
	}
	if (*len && (*v)[*len - 1] == '\n')
		(*len)--;
	if (*len && (*v)[*len - 1] == '\r')
		(*len)--;
}

/*
 * Unfold as Dovecot does: line breaks go; a space stands in for one only
 * when the next line does not start with white space.
 */
static void imap_envelope_unfold(const char *v, size_t len,
				 struct imap_buf *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (v[i] != '\r' && v[i] != '\n')
			imap_buf_addc(out, v[i]);
		else if (i + 1 < len && !strchr(" \t\r\n", v[i + 1]))
			imap_buf_addc(out, ' ');
	}
}

static bool imap_env_is_address(unsigned int i)
{
	return i >= IMAP_ENV_FROM && i <= IMAP_ENV_BCC;
}

void imap_write_envelope(struct imap_buf *b, const char *msg,
			 const struct imap_mime_part *part)
{
	struct imap_header_field found[IMAP_ENV_COUNT];
	bool have[IMAP_ENV_COUNT] = { false };
	struct imap_header_iter it;
	struct imap_header_field f;
	struct imap_buf v = IMAP_BUF_INIT;
	size_t from_start = 0, from_len = 0, raw_len = 0;
	const char *raw = NULL;
	unsigned int i;

	imap_header_iter_init(&it, msg + part->hdr_off, part->hdr_size);
	while (imap_header_next(&it, &f)) {
		for (i = 0; i < IMAP_ENV_COUNT; i++) {
			/* a repeated field: the last wins, as in Dovecot */
			if (f.name_len == strlen(imap_env_names[i]) &&
			    !strncasecmp(f.name, imap_env_names[i],
					 f.name_len)) {
				found[i] = f;
				have[i] = true;
			}
		}
	}
	imap_buf_addc(b, '(');
	for (i = 0; i < IMAP_ENV_COUNT; i++) {
		if (i)
			imap_buf_addc(b, ' ');
		imap_buf_reset(&v);
		if (have[i]) {
			imap_envelope_value(&found[i], &raw, &raw_len);
			imap_envelope_unfold(raw, raw_len, &v);
		}
		if (i == IMAP_ENV_SUBJECT && have[i]) {
			/* the subject is for humans: white space tidied */
			imap_write_human_string(b, raw, raw_len);
			continue;
		}
		if (!imap_env_is_address(i)) {
			if (have[i])
				imap_write_unescaped(b, imap_buf_str(&v),
						     v.len);
			else
				imap_buf_adds(b, "NIL");
			continue;
		}
		if ((i == IMAP_ENV_SENDER || i == IMAP_ENV_REPLY_TO) &&
		    (!have[i] || !v.len)) {
			/* copy what From produced; b->data may move */
			if (from_len) {
				struct imap_buf copy = IMAP_BUF_INIT;

				imap_buf_add(&copy, b->data + from_start,
					     from_len);
				imap_buf_add(b, copy.data, copy.len);
				imap_buf_free(&copy);
			}
			continue;
		}
		if (i == IMAP_ENV_FROM)
			from_start = b->len;
		imap_write_address_list(b, v.data ? v.data : "", v.len);
		if (i == IMAP_ENV_FROM)
			from_len = b->len - from_start;
	}
	imap_buf_addc(b, ')');
	if (imap_buf_failed(&v))
		b->failed = true;
	imap_buf_free(&v);
}
