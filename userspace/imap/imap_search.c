// SPDX-License-Identifier: GPL-2.0
/*
 * SEARCH grammar: arguments -> key tree.  See imap_search.h; the
 * evaluation is in imap_search_eval.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_date.h"
#include "imap/imap_decode.h"
#include "imap/imap_flags.h"
#include "imap/imap_search.h"
#include "imap/imap_utf7.h"

struct imap_search_pctx {
	const struct imap_arg *args;
	size_t n, pos;
	const char *err;
	bool has_modseq;
};

/* How a keyword takes its arguments. */
enum imap_sk_arg {
	IMAP_SKA_NONE,
	IMAP_SKA_STRING,
	IMAP_SKA_DATE,
	IMAP_SKA_NUMBER,
	IMAP_SKA_KEYWORD,
	IMAP_SKA_HEADER,	/* field-name SP string */
	IMAP_SKA_SEQSET,
};

static const struct imap_search_def {
	const char *name;
	enum imap_search_type type;
	enum imap_sk_arg arg;
	unsigned int flags;
	const char *hdr;
} imap_search_defs[] = {
	{ "ALL", IMAP_SK_ALL, IMAP_SKA_NONE, 0, NULL },
	{ "ANSWERED", IMAP_SK_FLAGS_SET, IMAP_SKA_NONE, IMAP_FLAG_ANSWERED,
	  NULL },
	{ "BCC", IMAP_SK_HEADER, IMAP_SKA_STRING, 0, "Bcc" },
	{ "BEFORE", IMAP_SK_BEFORE, IMAP_SKA_DATE, 0, NULL },
	{ "BODY", IMAP_SK_BODY, IMAP_SKA_STRING, 0, NULL },
	{ "CC", IMAP_SK_HEADER, IMAP_SKA_STRING, 0, "Cc" },
	{ "DELETED", IMAP_SK_FLAGS_SET, IMAP_SKA_NONE, IMAP_FLAG_DELETED,
	  NULL },
	{ "DRAFT", IMAP_SK_FLAGS_SET, IMAP_SKA_NONE, IMAP_FLAG_DRAFT, NULL },
	{ "FLAGGED", IMAP_SK_FLAGS_SET, IMAP_SKA_NONE, IMAP_FLAG_FLAGGED,
	  NULL },
	{ "FROM", IMAP_SK_HEADER, IMAP_SKA_STRING, 0, "From" },
	{ "HEADER", IMAP_SK_HEADER, IMAP_SKA_HEADER, 0, NULL },
	{ "KEYWORD", IMAP_SK_KEYWORD, IMAP_SKA_KEYWORD, 0, NULL },
	{ "LARGER", IMAP_SK_LARGER, IMAP_SKA_NUMBER, 0, NULL },
	{ "NEW", IMAP_SK_NEW, IMAP_SKA_NONE, 0, NULL },
	{ "OLD", IMAP_SK_FLAGS_CLEAR, IMAP_SKA_NONE, IMAP_FLAG_RECENT, NULL },
	{ "ON", IMAP_SK_ON, IMAP_SKA_DATE, 0, NULL },
	{ "RECENT", IMAP_SK_FLAGS_SET, IMAP_SKA_NONE, IMAP_FLAG_RECENT, NULL },
	{ "SEEN", IMAP_SK_FLAGS_SET, IMAP_SKA_NONE, IMAP_FLAG_SEEN, NULL },
	{ "SENTBEFORE", IMAP_SK_SENTBEFORE, IMAP_SKA_DATE, 0, NULL },
	{ "SENTON", IMAP_SK_SENTON, IMAP_SKA_DATE, 0, NULL },
	{ "SENTSINCE", IMAP_SK_SENTSINCE, IMAP_SKA_DATE, 0, NULL },
	{ "SINCE", IMAP_SK_SINCE, IMAP_SKA_DATE, 0, NULL },
	{ "SMALLER", IMAP_SK_SMALLER, IMAP_SKA_NUMBER, 0, NULL },
	{ "SUBJECT", IMAP_SK_HEADER, IMAP_SKA_STRING, 0, "Subject" },
	{ "TEXT", IMAP_SK_TEXT, IMAP_SKA_STRING, 0, NULL },
	{ "TO", IMAP_SK_HEADER, IMAP_SKA_STRING, 0, "To" },
	{ "UID", IMAP_SK_UIDSET, IMAP_SKA_SEQSET, 0, NULL },
	{ "UNANSWERED", IMAP_SK_FLAGS_CLEAR, IMAP_SKA_NONE,
	  IMAP_FLAG_ANSWERED, NULL },
	{ "UNDELETED", IMAP_SK_FLAGS_CLEAR, IMAP_SKA_NONE, IMAP_FLAG_DELETED,
	  NULL },
	{ "UNDRAFT", IMAP_SK_FLAGS_CLEAR, IMAP_SKA_NONE, IMAP_FLAG_DRAFT,
	  NULL },
	{ "UNFLAGGED", IMAP_SK_FLAGS_CLEAR, IMAP_SKA_NONE, IMAP_FLAG_FLAGGED,
	  NULL },
	{ "UNKEYWORD", IMAP_SK_UNKEYWORD, IMAP_SKA_KEYWORD, 0, NULL },
	{ "UNSEEN", IMAP_SK_FLAGS_CLEAR, IMAP_SKA_NONE, IMAP_FLAG_SEEN, NULL },
};

static void imap_search_key_free(struct imap_search_key *k)
{
	struct imap_search_key *next;

	for (; k; k = next) {
		next = k->next;
		imap_search_key_free(k->child);
		free(k->hdr);
		free(k->str);
		free(k->folded);
		imap_seqset_free(&k->set);
		free(k);
	}
}

void imap_search_free(struct imap_search *s)
{
	if (!s)
		return;
	imap_search_key_free(s->root);
	free(s);
}

static struct imap_search_key *imap_sk_new(struct imap_search_pctx *c,
					   enum imap_search_type type)
{
	struct imap_search_key *k = calloc(1, sizeof(*k));

	if (!k) {
		c->err = "Out of memory";
		return NULL;
	}
	k->type = type;
	imap_seqset_init(&k->set);
	return k;
}

static const struct imap_arg *imap_sk_next_arg(struct imap_search_pctx *c)
{
	if (c->pos >= c->n) {
		c->err = "Missing search argument";
		return NULL;
	}
	return &c->args[c->pos++];
}

/* An astring argument, checked to be UTF-8 and copied. */
static char *imap_sk_string(struct imap_search_pctx *c)
{
	const struct imap_arg *a = imap_sk_next_arg(c);
	const char *s = imap_arg_astring(a);
	char *d;

	if (!a)
		return NULL;
	if (!s) {
		c->err = "Expected a string";
		return NULL;
	}
	if (!imap_utf8_is_valid(s, a->len) || strlen(s) != a->len) {
		c->err = "Invalid characters in search string";
		return NULL;
	}
	d = strdup(s);
	if (!d)
		c->err = "Out of memory";
	return d;
}

static int imap_sk_args(struct imap_search_pctx *c,
			const struct imap_search_def *def,
			struct imap_search_key *k)
{
	const struct imap_arg *a;
	const char *s;

	switch (def->arg) {
	case IMAP_SKA_NONE:
		return 0;
	case IMAP_SKA_HEADER:
		k->hdr = imap_sk_string(c);
		if (!k->hdr)
			return -1;
		/* then the string, as for FROM */
		__attribute__((fallthrough));
	case IMAP_SKA_STRING:
		k->str = imap_sk_string(c);
		if (!k->str)
			return -1;
		k->folded = imap_fold_utf8(k->str, strlen(k->str));
		if (!k->folded) {
			c->err = "Out of memory";
			return -1;
		}
		return 0;
	case IMAP_SKA_KEYWORD:
		a = imap_sk_next_arg(c);
		if (!a)
			return -1;
		if (a->type != IMAP_ARG_ATOM) {
			c->err = "Invalid keyword";
			return -1;
		}
		k->str = strdup(a->v.str);
		if (!k->str) {
			c->err = "Out of memory";
			return -1;
		}
		return 0;
	case IMAP_SKA_DATE:
		a = imap_sk_next_arg(c);
		if (!a)
			return -1;
		s = imap_arg_astring(a);
		if (!s || imap_date_parse(s, &k->day) < 0) {
			c->err = "Invalid date (use e.g. 1-Feb-1994)";
			return -1;
		}
		return 0;
	case IMAP_SKA_NUMBER:
		a = imap_sk_next_arg(c);
		if (!a)
			return -1;
		if (!imap_arg_number(a, &k->num)) {
			c->err = "Invalid number";
			return -1;
		}
		return 0;
	case IMAP_SKA_SEQSET:
		a = imap_sk_next_arg(c);
		if (!a)
			return -1;
		if (a->type != IMAP_ARG_ATOM ||
		    imap_seqset_parse(&k->set, a->v.str, &c->err) < 0) {
			c->err = "Invalid UID set";
			return -1;
		}
		return 0;
	}
	return -1;
}

static struct imap_search_key *imap_sk_parse(struct imap_search_pctx *c,
					     unsigned int depth);

/* Keys up to the end of @args, chained as the children of an AND. */
static struct imap_search_key *imap_sk_parse_and(struct imap_search_pctx *c,
						 unsigned int depth)
{
	struct imap_search_key *and = imap_sk_new(c, IMAP_SK_AND), **tail;

	if (!and)
		return NULL;
	tail = &and->child;
	while (c->pos < c->n) {
		*tail = imap_sk_parse(c, depth);
		if (!*tail) {
			imap_search_key_free(and);
			return NULL;
		}
		tail = &(*tail)->next;
	}
	if (!and->child) {
		c->err = "Missing search key";
		imap_search_key_free(and);
		return NULL;
	}
	return and;
}

/* MODSEQ [entry-name entry-type-req] mod-sequence-valzer */
static int imap_sk_modseq(struct imap_search_pctx *c,
			  struct imap_search_key *k)
{
	const struct imap_arg *a = imap_sk_next_arg(c);

	if (a && a->type != IMAP_ARG_ATOM) {
		/* per-flag entries: we keep one modseq per message */
		a = imap_sk_next_arg(c);
		if (a && !imap_arg_is_atom(a, "priv") &&
		    !imap_arg_is_atom(a, "shared") &&
		    !imap_arg_is_atom(a, "all")) {
			c->err = "Invalid MODSEQ entry type";
			return -1;
		}
		a = a ? imap_sk_next_arg(c) : NULL;
	}
	if (!a)
		return -1;
	if (!imap_arg_number(a, &k->num)) {
		c->err = "Invalid MODSEQ value";
		return -1;
	}
	c->has_modseq = true;
	return 0;
}

static bool imap_is_seqset_atom(const struct imap_arg *a)
{
	return a->type == IMAP_ARG_ATOM &&
	       ((a->v.str[0] >= '0' && a->v.str[0] <= '9') ||
		a->v.str[0] == '*');
}

static struct imap_search_key *imap_sk_parse(struct imap_search_pctx *c,
					     unsigned int depth)
{
	const struct imap_arg *a;
	struct imap_search_key *k = NULL;
	struct imap_search_pctx sub;
	size_t i;

	if (depth >= IMAP_SEARCH_MAX_DEPTH) {
		c->err = "Search too complex";
		return NULL;
	}
	a = imap_sk_next_arg(c);
	if (!a)
		return NULL;
	if (a->type == IMAP_ARG_LIST) {
		sub = *c;
		sub.args = a->v.list;
		sub.n = a->len;
		sub.pos = 0;
		k = imap_sk_parse_and(&sub, depth + 1);
		c->err = sub.err;
		c->has_modseq = sub.has_modseq;
		return k;
	}
	if (a->type != IMAP_ARG_ATOM) {
		c->err = "Invalid search key";
		return NULL;
	}
	if (imap_is_seqset_atom(a)) {
		k = imap_sk_new(c, IMAP_SK_SEQSET);
		if (k && imap_seqset_parse(&k->set, a->v.str, &c->err) < 0) {
			imap_search_key_free(k);
			return NULL;
		}
		return k;
	}
	if (imap_arg_is_atom(a, "NOT") || imap_arg_is_atom(a, "OR")) {
		bool is_or = imap_arg_is_atom(a, "OR");

		k = imap_sk_new(c, is_or ? IMAP_SK_OR : IMAP_SK_NOT);
		if (!k)
			return NULL;
		k->child = imap_sk_parse(c, depth + 1);
		if (k->child && is_or)
			k->child->next = imap_sk_parse(c, depth + 1);
		if (!k->child || (is_or && !k->child->next)) {
			imap_search_key_free(k);
			return NULL;
		}
		return k;
	}
	if (imap_arg_is_atom(a, "MODSEQ")) {
		k = imap_sk_new(c, IMAP_SK_MODSEQ);
		if (k && imap_sk_modseq(c, k) < 0) {
			imap_search_key_free(k);
			return NULL;
		}
		return k;
	}
	for (i = 0; i < sizeof(imap_search_defs) / sizeof(imap_search_defs[0]);
	     i++) {
		const struct imap_search_def *def = &imap_search_defs[i];

		if (!imap_arg_is_atom(a, def->name))
			continue;
		k = imap_sk_new(c, def->type);
		if (!k)
			return NULL;
		k->flags = def->flags;
		if (def->hdr) {
			k->hdr = strdup(def->hdr);
			if (!k->hdr) {
				c->err = "Out of memory";
				imap_search_key_free(k);
				return NULL;
			}
		}
		if (imap_sk_args(c, def, k) < 0) {
			imap_search_key_free(k);
			return NULL;
		}
		return k;
	}
	c->err = "Unknown search key";
	return NULL;
}

int imap_search_parse(const struct imap_arg *args, size_t n,
		      struct imap_search **out, const char **err,
		      bool *badcharset)
{
	struct imap_search_pctx c = { args, n, 0, NULL, false };
	struct imap_search *s;
	const char *cs;

	*badcharset = false;
	if (n >= 1 && imap_arg_is_atom(&args[0], "CHARSET")) {
		cs = n >= 2 ? imap_arg_astring(&args[1]) : NULL;
		if (!cs) {
			*err = "Missing charset";
			return -1;
		}
		if (strcasecmp(cs, "UTF-8") && strcasecmp(cs, "US-ASCII")) {
			*badcharset = true;
			*err = "Unsupported charset";
			return -1;
		}
		c.pos = 2;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		*err = "Out of memory";
		return -1;
	}
	s->root = imap_sk_parse_and(&c, 0);
	if (!s->root) {
		*err = c.err ? c.err : "Invalid search";
		free(s);
		return -1;
	}
	s->has_modseq = c.has_modseq;
	*out = s;
	return 0;
}
