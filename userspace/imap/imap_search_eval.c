// SPDX-License-Identifier: GPL-2.0
/*
 * SEARCH evaluation against one message: see imap_search.h.
 *
 * Keys that only need the index (flags, sizes, dates, sets) never touch
 * the message bytes; imap_search_prepare() puts them first in every AND so
 * most messages are decided without reading them.  Header and body text
 * is decoded and folded at most once per message.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_date.h"
#include "imap/imap_decode.h"
#include "imap/imap_flags.h"
#include "imap/imap_mime.h"
#include "imap/imap_search.h"

/* ---- preparing ---- */

enum imap_sk_cost {
	IMAP_COST_INDEX,	/* flags, sizes, sets, internal date */
	IMAP_COST_HEADER,
	IMAP_COST_BODY,
};

static enum imap_sk_cost imap_sk_cost(const struct imap_search_key *k)
{
	const struct imap_search_key *c;
	enum imap_sk_cost cost = IMAP_COST_INDEX, cc;

	switch (k->type) {
	case IMAP_SK_HEADER:
	case IMAP_SK_SENTBEFORE:
	case IMAP_SK_SENTON:
	case IMAP_SK_SENTSINCE:
		return IMAP_COST_HEADER;
	case IMAP_SK_BODY:
	case IMAP_SK_TEXT:
		return IMAP_COST_BODY;
	case IMAP_SK_AND:
	case IMAP_SK_OR:
	case IMAP_SK_NOT:
		for (c = k->child; c; c = c->next) {
			cc = imap_sk_cost(c);
			if (cc > cost)
				cost = cc;
		}
		return cost;
	default:
		return IMAP_COST_INDEX;
	}
}

static void imap_sk_prepare(struct imap_search_key *k, uint32_t max_seq,
			    uint32_t max_uid)
{
	struct imap_search_key *c, *next, *heads[3] = { NULL }, **tails[3];
	struct imap_search_key **tail;
	int i;

	for (c = k->child; c; c = c->next)
		imap_sk_prepare(c, max_seq, max_uid);
	if (k->type == IMAP_SK_SEQSET)
		imap_seqset_resolve(&k->set, max_seq);
	else if (k->type == IMAP_SK_UIDSET)
		imap_seqset_resolve(&k->set, max_uid);
	if (k->type != IMAP_SK_AND)
		return;
	/* stable partition of the operands by cost */
	for (i = 0; i < 3; i++)
		tails[i] = &heads[i];
	for (c = k->child; c; c = next) {
		next = c->next;
		c->next = NULL;
		i = imap_sk_cost(c);
		*tails[i] = c;
		tails[i] = &c->next;
	}
	k->child = NULL;
	tail = &k->child;
	for (i = 0; i < 3; i++) {
		if (heads[i]) {
			*tail = heads[i];
			tail = tails[i];
		}
	}
}

void imap_search_prepare(struct imap_search *s, uint32_t max_seq,
			 uint32_t max_uid)
{
	imap_sk_prepare(s->root, max_seq, max_uid);
}

static enum imap_search_need
imap_sk_need(const struct imap_search_key *k,
	     bool (*cached)(const char *name, size_t len))
{
	const struct imap_search_key *c;
	enum imap_search_need need = IMAP_SEARCH_NEED_INDEX, cn;

	switch (k->type) {
	case IMAP_SK_HEADER:
		return cached(k->hdr, strlen(k->hdr)) ?
			IMAP_SEARCH_NEED_FIELDS : IMAP_SEARCH_NEED_MESSAGE;
	case IMAP_SK_SENTBEFORE:
	case IMAP_SK_SENTON:
	case IMAP_SK_SENTSINCE:
		return cached("Date", 4) ? IMAP_SEARCH_NEED_FIELDS :
			IMAP_SEARCH_NEED_MESSAGE;
	case IMAP_SK_BODY:
	case IMAP_SK_TEXT:
		return IMAP_SEARCH_NEED_MESSAGE;
	default:
		for (c = k->child; c; c = c->next) {
			cn = imap_sk_need(c, cached);
			if (cn > need)
				need = cn;
		}
		return need;
	}
}

enum imap_search_need imap_search_need(const struct imap_search *s,
				       bool (*cached)(const char *name,
						      size_t len))
{
	return imap_sk_need(s->root, cached);
}

/* ---- evaluating ---- */

struct imap_search_eval {
	const struct imap_search_msg *msg;
	int raw_state;			/* 0 unread, 1 read, -1 failed */
	const char *raw;
	size_t raw_len;
	struct imap_mime *mime;
	bool body_done, hdr_done, sent_done;
	struct imap_buf body;		/* folded decoded body text */
	struct imap_buf hdr;		/* folded decoded top header */
	bool sent_valid;
	int64_t sent_day;
};

/* The message bytes, without parsing them (header keys need no more). */
static int imap_eval_load_raw(struct imap_search_eval *e)
{
	if (e->raw_state)
		return e->raw_state;
	e->raw_state = -1;
	if (!e->msg->get_raw ||
	    e->msg->get_raw(e->msg->ctx, &e->raw, &e->raw_len) < 0)
		return -1;
	e->raw_state = 1;
	return 1;
}

/* The bytes and their MIME structure. */
static int imap_eval_load(struct imap_search_eval *e)
{
	if (imap_eval_load_raw(e) < 0)
		return -1;
	if (!e->mime) {
		e->mime = imap_mime_parse(e->raw, e->raw_len);
		if (!e->mime) {
			e->raw_state = -1;
			return -1;
		}
	}
	return 1;
}

/* Every field of a header as "name: decoded value\n", folded. */
static void imap_eval_header_text(struct imap_search_eval *e,
				  const struct imap_mime_part *p,
				  struct imap_buf *out)
{
	struct imap_buf v = IMAP_BUF_INIT;
	struct imap_header_iter it;
	struct imap_header_field f;

	imap_header_iter_init(&it, e->raw + p->hdr_off, p->hdr_size);
	while (imap_header_next(&it, &f)) {
		imap_buf_reset(&v);
		imap_buf_add(&v, f.name, f.name_len);
		imap_buf_adds(&v, ": ");
		imap_decode_header(f.value, f.value_len, &v);
		imap_buf_addc(&v, '\n');
		imap_fold_append(out, v.data, v.len);
	}
	if (imap_buf_failed(&v))
		out->failed = true;
	imap_buf_free(&v);
}

static void imap_eval_body_text(struct imap_search_eval *e,
				const struct imap_mime_part *p,
				struct imap_buf *out)
{
	struct imap_buf dec = IMAP_BUF_INIT, utf = IMAP_BUF_INIT;
	const struct imap_mime_part *c;
	const char *body = e->raw + p->body_off;

	if (p->is_multipart) {
		for (c = p->children; c; c = c->next)
			imap_eval_body_text(e, c, out);
		return;
	}
	if (p->is_message) {
		imap_eval_header_text(e, p->message, out);
		imap_eval_body_text(e, p->message, out);
		return;
	}
	if (!p->is_text)
		return;		/* attachments are not searched */
	if (p->encoding && !strcasecmp(p->encoding, "quoted-printable"))
		imap_decode_qp(body, p->body_size, &dec);
	else if (p->encoding && !strcasecmp(p->encoding, "base64"))
		imap_decode_base64(body, p->body_size, &dec);
	else
		imap_buf_add(&dec, body, p->body_size);
	imap_charset_to_utf8(imap_mime_param(p, "charset"),
			     imap_buf_str(&dec), dec.len, &utf);
	imap_fold_append(out, imap_buf_str(&utf), utf.len);
	/* keep parts apart so a match cannot span two of them */
	imap_buf_addc(out, '\0');
	if (imap_buf_failed(&dec) || imap_buf_failed(&utf))
		out->failed = true;
	imap_buf_free(&dec);
	imap_buf_free(&utf);
}

static bool imap_contains(const struct imap_buf *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return true;
	return hay->len >= n && memmem(hay->data, hay->len, needle, n);
}

/*
 * The common case, without allocating: a plain ASCII value (no encoded
 * word) and an ASCII needle.  Decoding then only drops CR and LF, and
 * folding only lowers A-Z, so a search of the value lowered, without its
 * line ends, gives the same answer.  -1: not that case.
 */
static int imap_eval_header_ascii(const char *v, size_t len,
				  const char *needle, bool needle_ascii)
{
	size_t i, n = 0, nlen = strlen(needle);
	char buf[512];
	unsigned char c;

	if (!needle_ascii || len > sizeof(buf))
		return -1;
	for (i = 0; i < len; i++) {
		c = (unsigned char)v[i];
		if (c >= 0x80 || (c == '=' && i + 1 < len && v[i + 1] == '?'))
			return -1;
		if (c == '\r' || c == '\n')
			continue;
		buf[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	return !nlen || (n >= nlen && memmem(buf, n, needle, nlen));
}

/* ASCII without line ends: what imap_eval_header_ascii() can look for. */
static bool imap_eval_needle_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80 || *s == '\r' || *s == '\n')
			return false;
	return true;
}

static int imap_eval_header(struct imap_search_eval *e,
			    const struct imap_search_key *k)
{
	struct imap_buf v = IMAP_BUF_INIT, folded = IMAP_BUF_INIT;
	bool ascii = imap_eval_needle_ascii(k->folded);
	struct imap_header_iter it;
	struct imap_header_field f;
	size_t nlen = strlen(k->hdr);
	int ret = 0;

	if (imap_eval_load_raw(e) < 0)
		return -1;
	/* the iterator stops at the empty line that ends the top header */
	imap_header_iter_init(&it, e->raw, e->raw_len);
	while (!ret && imap_header_next(&it, &f)) {
		if (f.name_len != nlen || strncasecmp(f.name, k->hdr, nlen))
			continue;
		ret = imap_eval_header_ascii(f.value, f.value_len, k->folded,
					     ascii);
		if (ret >= 0)
			continue;
		ret = 0;
		imap_buf_reset(&v);
		imap_buf_reset(&folded);
		imap_decode_header(f.value, f.value_len, &v);
		imap_fold_append(&folded, imap_buf_str(&v), v.len);
		ret = imap_contains(&folded, k->folded);
	}
	imap_buf_free(&v);
	imap_buf_free(&folded);
	return ret;
}

static int imap_eval_text(struct imap_search_eval *e,
			  const struct imap_search_key *k)
{
	if (imap_eval_load(e) < 0)
		return -1;
	if (!e->body_done) {
		imap_eval_body_text(e, e->mime->root, &e->body);
		e->body_done = true;
	}
	if (imap_contains(&e->body, k->folded))
		return 1;
	if (k->type == IMAP_SK_BODY)
		return 0;
	if (!e->hdr_done) {
		imap_eval_header_text(e, e->mime->root, &e->hdr);
		e->hdr_done = true;
	}
	return imap_contains(&e->hdr, k->folded);
}

/*
 * The day of the Date: header, in its own zone.  Without a valid one the
 * message counts as sent on 1-Jan-1970, as in Dovecot.
 */
static int imap_eval_sent_day(struct imap_search_eval *e, int64_t *day)
{
	struct imap_buf v = IMAP_BUF_INIT;
	time_t t;
	int tz;

	if (!e->sent_done) {
		if (imap_eval_load(e) < 0)
			return -1;
		e->sent_done = true;
		if (imap_mime_header_get(e->raw, e->mime->root, "Date", &v) &&
		    imap_rfc5322_date_parse(imap_buf_str(&v), &t, &tz) == 0) {
			e->sent_day = imap_day_of(t, tz);
		} else {
			e->sent_day = 0;
		}
		imap_buf_free(&v);
	}
	*day = e->sent_day;
	return 0;
}

static bool imap_eval_keyword(const struct imap_search_msg *m,
			      const char *kw)
{
	unsigned int flag = imap_flag_from_name(kw);
	size_t i;

	if (flag)
		return (m->flags & flag) != 0;
	for (i = 0; i < m->n_keywords; i++) {
		if (!strcasecmp(m->keywords[i], kw))
			return true;
	}
	return false;
}

static int imap_eval_key(struct imap_search_eval *e,
			 const struct imap_search_key *k)
{
	const struct imap_search_msg *m = e->msg;
	const struct imap_search_key *c;
	int64_t day;
	int r;

	switch (k->type) {
	case IMAP_SK_ALL:
		return 1;
	case IMAP_SK_AND:
		for (c = k->child; c; c = c->next) {
			r = imap_eval_key(e, c);
			if (r <= 0)
				return r;
		}
		return 1;
	case IMAP_SK_OR:
		r = imap_eval_key(e, k->child);
		if (r != 0)
			return r;
		return imap_eval_key(e, k->child->next);
	case IMAP_SK_NOT:
		r = imap_eval_key(e, k->child);
		return r < 0 ? r : !r;
	case IMAP_SK_FLAGS_SET:
		return (m->flags & k->flags) == k->flags;
	case IMAP_SK_FLAGS_CLEAR:
		return !(m->flags & k->flags);
	case IMAP_SK_NEW:
		return (m->flags & IMAP_FLAG_RECENT) &&
		       !(m->flags & IMAP_FLAG_SEEN);
	case IMAP_SK_KEYWORD:
		return imap_eval_keyword(m, k->str);
	case IMAP_SK_UNKEYWORD:
		return !imap_eval_keyword(m, k->str);
	case IMAP_SK_BEFORE:
		return imap_day_of(m->internal_date, m->internal_tz) < k->day;
	case IMAP_SK_ON:
		return imap_day_of(m->internal_date, m->internal_tz) == k->day;
	case IMAP_SK_SINCE:
		return imap_day_of(m->internal_date, m->internal_tz) >= k->day;
	case IMAP_SK_SENTBEFORE:
	case IMAP_SK_SENTON:
	case IMAP_SK_SENTSINCE:
		if (imap_eval_sent_day(e, &day) < 0)
			return -1;
		if (k->type == IMAP_SK_SENTBEFORE)
			return day < k->day;
		if (k->type == IMAP_SK_SENTON)
			return day == k->day;
		return day >= k->day;
	case IMAP_SK_LARGER:
		return m->size > k->num;
	case IMAP_SK_SMALLER:
		return m->size < k->num;
	case IMAP_SK_HEADER:
		return imap_eval_header(e, k);
	case IMAP_SK_BODY:
	case IMAP_SK_TEXT:
		return imap_eval_text(e, k);
	case IMAP_SK_SEQSET:
		return imap_seqset_contains(&k->set, m->seq);
	case IMAP_SK_UIDSET:
		return imap_seqset_contains(&k->set, m->uid);
	case IMAP_SK_MODSEQ:
		return m->modseq >= k->num;
	}
	return 0;
}

int imap_search_match(const struct imap_search *s,
		      const struct imap_search_msg *msg)
{
	struct imap_search_eval e;
	int r;

	memset(&e, 0, sizeof(e));
	e.msg = msg;
	r = imap_eval_key(&e, s->root);
	if (imap_buf_failed(&e.body) || imap_buf_failed(&e.hdr))
		r = -1;
	imap_buf_free(&e.body);
	imap_buf_free(&e.hdr);
	imap_mime_free(e.mime);
	return r;
}
