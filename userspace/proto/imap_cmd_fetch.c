// SPDX-License-Identifier: GPL-2.0
/*
 * FETCH and UID FETCH (RFC 3501 6.4.5), with MODSEQ and the CHANGEDSINCE
 * modifier (RFC 7162).
 *
 * The items are parsed once into a list; then the message walk visits
 * each message, loading its bytes through the ring only when an item
 * needs them (bodies, ENVELOPE, BODYSTRUCTURE), and the MIME tree only
 * when an item needs structure. A non-PEEK body fetch sets \Seen first,
 * in one store transaction for the whole set, and reports FLAGS.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_bodystructure.h"
#include "imap/imap_date.h"
#include "imap/imap_envelope.h"
#include "imap/imap_section.h"
#include "proto/imap.h"

#define IMAP_FETCH_ITEMS_MAX	64

enum imap_fetch_kind {
	IMAP_FI_UID,
	IMAP_FI_FLAGS,
	IMAP_FI_INTERNALDATE,
	IMAP_FI_SIZE,
	IMAP_FI_ENVELOPE,
	IMAP_FI_BODYSTRUCTURE,
	IMAP_FI_BODY,		/* BODY without a section: no extensions */
	IMAP_FI_SECTION,	/* BODY[...], RFC822, RFC822.HEADER/TEXT */
	IMAP_FI_MODSEQ,
};

struct imap_fetch_item {
	enum imap_fetch_kind kind;
	struct imap_fetch_body fb;	/* IMAP_FI_SECTION */
	const char *alias;		/* "RFC822..." instead of BODY[...] */
};

struct imap_fetch {
	struct imap_fetch_item items[IMAP_FETCH_ITEMS_MAX];
	size_t nitems;
	bool need_raw, need_mime, set_seen, has_flags, has_uid, has_modseq;
	bool need_body;			/* more than the header */
	struct imap_seqset seen_now;	/* UIDs this FETCH made \Seen */
	size_t *idx;
};

static void imap_fetch_free(void *arg)
{
	struct imap_fetch *f = arg;
	size_t i;

	for (i = 0; i < f->nitems; i++)
		if (f->items[i].kind == IMAP_FI_SECTION)
			imap_fetch_body_free(&f->items[i].fb);
	imap_seqset_free(&f->seen_now);
	free(f->idx);
	free(f);
}

static int imap_fetch_add(struct imap_fetch *f, enum imap_fetch_kind kind)
{
	size_t i;

	for (i = 0; i < f->nitems; i++)	/* asked twice: once is enough */
		if (f->items[i].kind == kind && kind != IMAP_FI_SECTION)
			return 0;
	if (f->nitems == IMAP_FETCH_ITEMS_MAX)
		return -1;
	f->items[f->nitems].kind = kind;
	f->items[f->nitems].alias = NULL;
	f->nitems++;
	switch (kind) {
	case IMAP_FI_UID:
		f->has_uid = true;
		break;
	case IMAP_FI_FLAGS:
		f->has_flags = true;
		break;
	case IMAP_FI_MODSEQ:
		f->has_modseq = true;
		break;
	case IMAP_FI_BODYSTRUCTURE:
	case IMAP_FI_BODY:
		f->need_body = true;
		/* fall through */
	case IMAP_FI_ENVELOPE:
	case IMAP_FI_SECTION:
		f->need_raw = f->need_mime = true;
		break;
	default:
		break;
	}
	return 0;
}

static int imap_fetch_section(struct imap_fetch *f, const char *att,
			      const char *alias, const char **err)
{
	struct imap_fetch_item *it;

	if (imap_fetch_add(f, IMAP_FI_SECTION) < 0) {
		*err = "Too many fetch items";
		return -1;
	}
	it = &f->items[f->nitems - 1];
	if (imap_fetch_body_parse(att, &it->fb, err) < 0) {
		f->nitems--;
		return -1;
	}
	it->alias = alias;
	if (!it->fb.peek)
		f->set_seen = true;
	/* The top-level header alone can be served from the file's head. */
	if (it->fb.section.n_parts ||
	    (it->fb.section.text != IMAP_SECTION_HEADER &&
	     it->fb.section.text != IMAP_SECTION_HEADER_FIELDS &&
	     it->fb.section.text != IMAP_SECTION_HEADER_FIELDS_NOT))
		f->need_body = true;
	return 0;
}

static int imap_fetch_att(struct imap_fetch *f, const char *a,
			  const char **err)
{
	static const struct {
		const char *name;
		enum imap_fetch_kind kind;
	} simple[] = {
		{ "UID", IMAP_FI_UID },
		{ "FLAGS", IMAP_FI_FLAGS },
		{ "INTERNALDATE", IMAP_FI_INTERNALDATE },
		{ "RFC822.SIZE", IMAP_FI_SIZE },
		{ "ENVELOPE", IMAP_FI_ENVELOPE },
		{ "BODYSTRUCTURE", IMAP_FI_BODYSTRUCTURE },
		{ "BODY", IMAP_FI_BODY },
		{ "MODSEQ", IMAP_FI_MODSEQ },
	};
	size_t i;

	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		if (!strcasecmp(a, simple[i].name)) {
			if (imap_fetch_add(f, simple[i].kind) < 0) {
				*err = "Too many fetch items";
				return -1;
			}
			return 0;
		}
	if (!strcasecmp(a, "RFC822"))
		return imap_fetch_section(f, "BODY[]", "RFC822", err);
	if (!strcasecmp(a, "RFC822.HEADER"))
		return imap_fetch_section(f, "BODY.PEEK[HEADER]",
					  "RFC822.HEADER", err);
	if (!strcasecmp(a, "RFC822.TEXT"))
		return imap_fetch_section(f, "BODY[TEXT]", "RFC822.TEXT", err);
	if (!strncasecmp(a, "BODY[", 5) || !strncasecmp(a, "BODY.PEEK[", 10))
		return imap_fetch_section(f, a, NULL, err);
	*err = "Unknown fetch item";
	return -1;
}

static int imap_fetch_parse(struct imap_fetch *f, const struct imap_arg *a,
			    const char **err)
{
	static const char *const macros[][4] = {
		{ "FAST", "FLAGS", "INTERNALDATE", "RFC822.SIZE" },
		{ "ALL", "FLAGS", "INTERNALDATE", "RFC822.SIZE" },
		{ "FULL", "FLAGS", "INTERNALDATE", "RFC822.SIZE" },
	};
	size_t i, k;

	if (a->type == IMAP_ARG_ATOM) {
		for (i = 0; i < 3; i++) {
			if (strcasecmp(a->v.str, macros[i][0]))
				continue;
			for (k = 1; k < 4; k++)
				imap_fetch_att(f, macros[i][k], err);
			if (i >= 1)
				imap_fetch_att(f, "ENVELOPE", err);
			if (i == 2)
				imap_fetch_att(f, "BODY", err);
			return 0;
		}
		return imap_fetch_att(f, a->v.str, err);
	}
	if (a->type != IMAP_ARG_LIST || !a->len) {
		*err = "Invalid fetch items";
		return -1;
	}
	for (i = 0; i < a->len; i++) {
		if (a->v.list[i].type != IMAP_ARG_ATOM) {
			*err = "Invalid fetch item";
			return -1;
		}
		if (imap_fetch_att(f, a->v.list[i].v.str, err) < 0)
			return -1;
	}
	return 0;
}

/* "(CHANGEDSINCE n)"; 0, or -1 with *err. */
static int imap_fetch_modifiers(const struct imap_arg *a, uint64_t *since,
				const char **err)
{
	if (a->type != IMAP_ARG_LIST || a->len != 2 ||
	    !imap_arg_is_atom(&a->v.list[0], "CHANGEDSINCE") ||
	    !imap_arg_number(&a->v.list[1], since)) {
		*err = "Invalid FETCH modifier";
		return -1;
	}
	return 0;
}

static void imap_fetch_section_write(struct imap_buf *b,
				     const struct imap_fetch_item *it,
				     const char *raw, size_t len,
				     const struct imap_mime *mime)
{
	struct imap_section_data sd;
	const char *data;
	size_t dlen;

	memset(&sd, 0, sizeof(sd));
	if (it->alias)
		imap_buf_adds(b, it->alias);
	else
		imap_fetch_body_write_name(b, &it->fb);
	if (!it->fb.section.n_parts &&
	    it->fb.section.text == IMAP_SECTION_ALL) {
		data = raw;
		dlen = len;
	} else if (imap_section_fetch(raw, mime, &it->fb.section, &sd) == 0) {
		data = sd.data;
		dlen = sd.len;
	} else {
		data = "";
		dlen = 0;
	}
	if (it->fb.partial)
		imap_partial_apply(&data, &dlen, it->fb.origin, it->fb.count);
	imap_buf_addf(b, " {%zu}\r\n", dlen);
	imap_buf_add(b, data, dlen);
	imap_section_data_free(&sd);
}

/* Does the head hold the whole header (up to its empty line)? */
static bool imap_fetch_head_complete(const char *raw, size_t len)
{
	if (len >= 2 && raw[0] == '\r' && raw[1] == '\n')
		return true;
	if (len >= 1 && raw[0] == '\n')
		return true;
	return memmem(raw, len, "\n\r\n", 3) || memmem(raw, len, "\n\n", 2);
}

static enum imap_walk_ret imap_fetch_visit(struct imap_session *s, size_t i,
					   const char *raw, size_t len)
{
	struct imap_fetch *f = s->cmd_ctx;
	const struct imap_msg *m = &s->mbox->msgs[i];
	struct imap_mime *mime = NULL;
	struct imap_buf b = IMAP_BUF_INIT;
	const struct imap_fetch_item *it;
	bool sp = false;
	size_t k;

	if (f->need_raw && !raw)
		return f->need_body ? IMAP_WALK_NEED_RAW : IMAP_WALK_NEED_HEAD;
	if (raw && len < m->size && !imap_fetch_head_complete(raw, len))
		return IMAP_WALK_NEED_RAW;	/* a header over IMAP_HEAD_MAX */
	if (f->need_mime) {
		mime = imap_mime_parse(raw, len);
		if (!mime) {
			imap_cmd_done(s, "NO", "[SERVERBUG] Out of memory");
			return IMAP_WALK_FAIL;
		}
	}
	imap_buf_addf(&b, "* %zu FETCH (", i + 1);
	for (k = 0; k < f->nitems; k++) {
		it = &f->items[k];
		if (sp)
			imap_buf_addc(&b, ' ');
		sp = true;
		switch (it->kind) {
		case IMAP_FI_UID:
			imap_buf_addf(&b, "UID %u", m->uid);
			break;
		case IMAP_FI_FLAGS:
			imap_buf_adds(&b, "FLAGS ");
			imap_msg_flags_write(s, &b, m);
			break;
		case IMAP_FI_INTERNALDATE:
			imap_buf_adds(&b, "INTERNALDATE ");
			imap_datetime_write(&b, (time_t)m->internal_date, 0);
			break;
		case IMAP_FI_SIZE:
			imap_buf_addf(&b, "RFC822.SIZE %llu",
				      (unsigned long long)m->size);
			break;
		case IMAP_FI_ENVELOPE:
			imap_buf_adds(&b, "ENVELOPE ");
			imap_write_envelope(&b, raw, mime->root);
			break;
		case IMAP_FI_BODYSTRUCTURE:
		case IMAP_FI_BODY:
			imap_buf_adds(&b, it->kind == IMAP_FI_BODY ? "BODY " :
				      "BODYSTRUCTURE ");
			imap_write_bodystructure(&b, raw, mime->root,
						 it->kind ==
						 IMAP_FI_BODYSTRUCTURE);
			break;
		case IMAP_FI_SECTION:
			imap_fetch_section_write(&b, it, raw, len, mime);
			break;
		case IMAP_FI_MODSEQ:
			imap_buf_addf(&b, "MODSEQ (%llu)",
				      (unsigned long long)m->modseq);
			break;
		}
	}
	if (!f->has_flags && imap_seqset_contains(&f->seen_now, m->uid)) {
		imap_buf_adds(&b, " FLAGS ");
		imap_msg_flags_write(s, &b, m);
	}
	imap_buf_adds(&b, ")\r\n");
	imap_mime_free(mime);
	if (imap_buf_failed(&b)) {
		imap_buf_free(&b);
		imap_cmd_done(s, "NO", "[SERVERBUG] Out of memory");
		return IMAP_WALK_FAIL;
	}
	imap_write_buf(s, &b);
	imap_buf_free(&b);
	return IMAP_WALK_NEXT;
}

static void imap_fetch_done(struct imap_session *s, int err)
{
	if (err)
		imap_cmd_done(s, "NO", "[UNAVAILABLE] A message could not "
			      "be read");
	else
		imap_cmd_done(s, "OK", "Fetch completed");
}

/* \Seen for every unseen message of the set, in one transaction. */
static int imap_fetch_set_seen(struct imap_session *s, struct imap_fetch *f,
			       size_t n)
{
	struct imap_mailbox *mb = s->mbox;
	uint32_t *uids;
	size_t i, k = 0;
	int rc;

	uids = malloc((n ? n : 1) * sizeof(*uids));
	if (!uids)
		return STORE_EIO;
	for (i = 0; i < n; i++) {
		struct imap_msg *m = &mb->msgs[f->idx[i]];

		if (m->flags & STORE_FLAG_SEEN)
			continue;
		uids[k++] = m->uid;
		imap_seqset_add(&f->seen_now, m->uid, m->uid);
	}
	if (!k) {
		free(uids);
		return STORE_OK;
	}
	imap_seqset_resolve(&f->seen_now, 0);
	rc = store_msg_set_flags(s->env->store, s->user, mb->name, uids, k,
				 STORE_FLAGS_ADD, STORE_FLAG_SEEN, 0,
				 UINT64_MAX, NULL, NULL);
	free(uids);
	if (rc != STORE_OK)
		return rc;
	/* Take in the new flags and modseqs without FETCHes of their own. */
	if (imap_sync(s, false, &f->seen_now) < 0 && !s->mbox)
		return STORE_ENOMBOX;
	for (i = 0; i < n; i++)
		if (imap_seqset_contains(&f->seen_now, mb->msgs[f->idx[i]].uid))
			mb->msgs[f->idx[i]].flags |= STORE_FLAG_SEEN;
	imap_notify(s, mb->name);
	return STORE_OK;
}

void imap_cmd_fetch(struct imap_session *s, struct imap_cmd *cmd)
{
	struct imap_fetch *f;
	const char *err = NULL;
	uint64_t since = 0;
	bool changedsince = false;
	size_t n, i, k;
	int rc;

	if (cmd->nargs < 2 || cmd->nargs > 3 ||
	    cmd->args[0].type != IMAP_ARG_ATOM) {
		imap_cmd_done(s, "BAD", "FETCH needs a set and items");
		return;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		imap_cmd_done(s, "NO", "[SERVERBUG] Out of memory");
		return;
	}
	imap_seqset_init(&f->seen_now);
	s->cmd_ctx = f;
	s->cmd_ctx_free = imap_fetch_free;
	if (cmd->uid)
		imap_fetch_add(f, IMAP_FI_UID);
	if (imap_fetch_parse(f, &cmd->args[1], &err) < 0) {
		imap_cmd_done(s, "BAD", "%s", err);
		return;
	}
	if (cmd->nargs == 3) {
		if (imap_fetch_modifiers(&cmd->args[2], &since, &err) < 0) {
			imap_cmd_done(s, "BAD", "%s", err);
			return;
		}
		changedsince = true;
		s->condstore = true;
		imap_fetch_add(f, IMAP_FI_MODSEQ);
	}
	if (f->has_modseq)
		s->condstore = true;
	/* With CONDSTORE on, FLAGS come with their MODSEQ (RFC 7162 3.1.4) */
	if (s->condstore && f->has_flags)
		imap_fetch_add(f, IMAP_FI_MODSEQ);
	if (imap_seqset_indexes(s, cmd->args[0].v.str, cmd->uid, &f->idx,
				&n) < 0)
		return;
	if (changedsince) {
		for (i = k = 0; i < n; i++)
			if (s->mbox->msgs[f->idx[i]].modseq > since)
				f->idx[k++] = f->idx[i];
		n = k;
	}
	if (f->set_seen && !s->mbox->readonly) {
		rc = imap_fetch_set_seen(s, f, n);
		if (rc != STORE_OK) {
			imap_store_fail(s, rc, "FETCH");
			return;
		}
	}
	s->walk.idx = f->idx;
	s->walk.n = n;
	s->walk.visit = imap_fetch_visit;
	s->walk.done = imap_fetch_done;
	imap_walk_start(s);
}
