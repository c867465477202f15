// SPDX-License-Identifier: GPL-2.0
/*
 * The session's view of its selected mailbox, and keeping it in step with
 * the store.
 *
 * The view is the list of messages the client knows, in sequence number
 * order. imap_sync() compares the mailbox's HIGHESTMODSEQ and UIDNEXT with
 * what the view saw last; when they moved (another session, a delivery),
 * it reads the records changed since and turns them into FETCH (flags),
 * EXPUNGE and EXISTS/RECENT responses. A message expunged while the client
 * may not be told (during FETCH, STORE, SEARCH) stays in the view, marked,
 * until the next command that may; its file is still there (retention),
 * so it can even be fetched meanwhile.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_flags.h"
#include "imap/imap_utf7.h"
#include "imap/imap_write.h"
#include "lib/log.h"
#include "proto/imap.h"

void imap_mailbox_close(struct imap_session *s)
{
	if (!s->mbox)
		return;
	free(s->mbox->msgs);
	free(s->mbox->kw);
	free(s->mbox);
	s->mbox = NULL;
}

int imap_keywords_load(struct imap_session *s)
{
	struct imap_mailbox *mb = s->mbox;
	char (*kw)[STORE_KEYWORD_MAX + 1] = NULL;
	size_t n = 0;

	if (store_keyword_names(s->env->store, s->user, mb->name, &kw, &n) !=
	    STORE_OK)
		return -1;
	free(mb->kw);
	mb->kw = kw;
	mb->nkw = n;
	return 0;
}

size_t imap_msg_keywords(struct imap_session *s, const struct imap_msg *m,
			 const char **names)
{
	struct imap_mailbox *mb = s->mbox;
	uint64_t bits = m->keywords;
	size_t i, n = 0;

	for (; bits; bits &= bits - 1) {
		i = (size_t)__builtin_ctzll(bits);
		if (i >= mb->nkw && imap_keywords_load(s) < 0)
			break;
		if (i < mb->nkw && mb->kw[i][0])
			names[n++] = mb->kw[i];
	}
	return n;
}

void imap_msg_flags_write(struct imap_session *s, struct imap_buf *b,
			  const struct imap_msg *m)
{
	const char *names[STORE_KEYWORDS];
	size_t n = imap_msg_keywords(s, m, names);

	imap_write_flags(b, m->flags, names, n);
}

/* Index of uid in the view, or -1 (the view is in UID order). */
static long imap_view_find(const struct imap_mailbox *mb, uint32_t uid)
{
	size_t lo = 0, hi = mb->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (mb->msgs[mid].uid == uid)
			return (long)mid;
		if (mb->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void imap_sync_fetch(struct imap_session *s, size_t i)
{
	struct imap_buf b = IMAP_BUF_INIT;
	struct imap_msg *m = &s->mbox->msgs[i];

	imap_buf_addf(&b, "* %zu FETCH (", i + 1);
	if (s->cmd.uid)
		imap_buf_addf(&b, "UID %u ", m->uid);
	imap_buf_adds(&b, "FLAGS ");
	imap_msg_flags_write(s, &b, m);
	if (s->condstore)
		imap_buf_addf(&b, " MODSEQ (%llu)",
			      (unsigned long long)m->modseq);
	imap_buf_adds(&b, ")\r\n");
	imap_write_buf(s, &b);
	imap_buf_free(&b);
}

/* Drop the messages marked expunged from the view. */
static void imap_view_compact(struct imap_mailbox *mb)
{
	size_t i, j;

	if (!mb->n_expunged)
		return;
	for (j = 0; j < mb->n && !mb->msgs[j].expunged; j++)
		;
	for (i = j; i < mb->n; i++) {
		if (mb->msgs[i].expunged) {
			if (mb->msgs[i].flags & IMAP_FLAG_RECENT)
				mb->n_recent--;
			continue;
		}
		mb->msgs[j++] = mb->msgs[i];
	}
	mb->n = j;
	mb->n_expunged = 0;
}

/* Send EXPUNGE for every marked message, highest first. */
static void imap_sync_expunges(struct imap_session *s)
{
	struct imap_mailbox *mb = s->mbox;
	size_t i;

	if (!mb->n_expunged)
		return;
	for (i = mb->n; i-- > 0;)
		if (mb->msgs[i].expunged)
			imap_printf(s, "* %zu EXPUNGE\r\n", i + 1);
	imap_view_compact(mb);
}

static int imap_view_grow(struct imap_mailbox *mb, size_t need)
{
	struct imap_msg *m;
	size_t cap = mb->cap ? mb->cap : 64;

	if (need <= mb->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	m = realloc(mb->msgs, cap * sizeof(*m));
	if (!m)
		return -1;
	mb->msgs = m;
	mb->cap = cap;
	return 0;
}

/* Add the new messages; returns how many. */
static size_t imap_sync_add(struct imap_session *s,
			    const struct store_msg *recs, size_t n,
			    uint32_t recent_uid)
{
	struct imap_mailbox *mb = s->mbox;
	uint32_t last = mb->n ? mb->msgs[mb->n - 1].uid : 0;
	struct imap_msg *m;
	size_t i, added = 0;

	for (i = 0; i < n; i++) {
		if (recs[i].expunged_at || recs[i].uid <= last)
			continue;
		if (imap_view_grow(mb, mb->n + 1) < 0)
			return added;
		m = &mb->msgs[mb->n++];
		memset(m, 0, sizeof(*m));
		m->uid = recs[i].uid;
		m->flags = recs[i].flags & STORE_FLAG_ALL;
		m->keywords = recs[i].keywords;
		m->modseq = recs[i].modseq;
		m->size = recs[i].size;
		m->internal_date = recs[i].internal_date;
		if (m->uid > recent_uid) {
			m->flags |= IMAP_FLAG_RECENT;
			mb->n_recent++;
		}
		last = m->uid;
		added++;
	}
	return added;
}

/* The mailbox's header record as the store has it now. */
static int imap_sync_header(struct imap_session *s,
			    struct store_mailbox_info *out)
{
	return store_mailbox_header(s->env->store, s->user, s->mbox->name,
				    out);
}

int imap_view_refresh(struct imap_session *s,
		      const struct store_mailbox_info *info, bool readonly,
		      uint32_t recent_uid)
{
	struct imap_mailbox *mb = s->mbox;
	struct store_msg *recs = NULL;
	struct imap_msg *m;
	size_t i, n = 0, add;
	uint32_t last;
	long at;
	int st;

	if (info->highestmodseq != mb->highestmodseq ||
	    info->uidnext != mb->uidnext) {
		st = store_msg_list(s->env->store, s->user, mb->name,
				    STORE_LIST_LIVE | STORE_LIST_EXPUNGED,
				    mb->highestmodseq, &recs, &n);
		if (st != STORE_OK)
			return st;
	}
	for (i = 0; i < n; i++) {
		if (recs[i].modseq > mb->highestmodseq)
			mb->highestmodseq = recs[i].modseq;
		at = imap_view_find(mb, recs[i].uid);
		if (at < 0)
			continue;
		m = &mb->msgs[at];
		if (recs[i].expunged_at && !m->expunged) {
			m->expunged = true;
			mb->n_expunged++;
		}
		m->flags = (m->flags & IMAP_FLAG_RECENT) |
			   (recs[i].flags & STORE_FLAG_ALL);
		m->keywords = recs[i].keywords;
		m->modseq = recs[i].modseq;
	}
	imap_view_compact(mb);
	mb->id = info->id;
	/* room for exactly the new messages: a big view is not doubled */
	last = mb->n ? mb->msgs[mb->n - 1].uid : 0;
	for (i = 0, add = 0; i < n; i++)
		add += !recs[i].expunged_at && recs[i].uid > last;
	if (mb->n + add > mb->cap) {
		m = realloc(mb->msgs, (mb->n + add) * sizeof(*m));
		if (!m) {
			free(recs);
			return STORE_EIO;
		}
		mb->msgs = m;
		mb->cap = mb->n + add;
	}
	imap_sync_add(s, recs, n, UINT32_MAX);
	free(recs);
	mb->readonly = readonly;
	/*
	 * \Recent: UIDs above recent_uid, a tail of the view.  Only the
	 * tails (the old one and the new one) are touched, not every message.
	 */
	for (i = mb->n; i-- > 0 && mb->n_recent;)
		if (mb->msgs[i].flags & IMAP_FLAG_RECENT) {
			mb->msgs[i].flags &= ~IMAP_FLAG_RECENT;
			mb->n_recent--;
		}
	mb->n_recent = 0;
	for (i = mb->n; i-- > 0 && mb->msgs[i].uid > recent_uid;) {
		mb->msgs[i].flags |= IMAP_FLAG_RECENT;
		mb->n_recent++;
	}
	if (info->highestmodseq > mb->highestmodseq)
		mb->highestmodseq = info->highestmodseq;
	mb->uidnext = info->uidnext;
	if (mb->n && mb->msgs[mb->n - 1].uid >= mb->uidnext)
		mb->uidnext = mb->msgs[mb->n - 1].uid + 1;
	return imap_keywords_load(s) < 0 ? STORE_EIO : STORE_OK;
}

int imap_sync(struct imap_session *s, bool allow_expunge,
	      const struct imap_seqset *quiet)
{
	struct imap_mailbox *mb = s->mbox;
	struct store_mailbox_info info;
	struct store_msg *recs = NULL;
	uint32_t recent_uid = UINT32_MAX;
	struct imap_msg *m;
	size_t i, n = 0, added;
	bool pending = false;
	long at;
	int st;

	if (!mb)
		return 0;
	st = imap_sync_header(s, &info);
	if (st == STORE_ENOMBOX || (st == STORE_OK &&
				    info.uidvalidity != mb->uidvalidity)) {
		/* Deleted or renamed away under us: nothing sane is left. */
		imap_bye(s, "Selected mailbox was deleted, have to disconnect");
		return -1;
	}
	if (st != STORE_OK)
		return -1;
	pending = mb->n_expunged > 0;
	if (info.highestmodseq == mb->highestmodseq &&
	    info.uidnext == mb->uidnext) {
		if (pending && allow_expunge)
			imap_sync_expunges(s);
		return 0;
	}
	st = store_msg_list(s->env->store, s->user, mb->name,
			    STORE_LIST_LIVE | STORE_LIST_EXPUNGED,
			    mb->highestmodseq, &recs, &n);
	if (st != STORE_OK) {
		log_warnx("imap: %s/%s: %s", s->user, mb->name,
			  store_error(s->env->store));
		return -1;
	}
	for (i = 0; i < n; i++) {
		at = imap_view_find(mb, recs[i].uid);
		if (at < 0)
			continue;
		m = &mb->msgs[at];
		if (recs[i].expunged_at) {
			if (!m->expunged)
				mb->n_expunged++;
			m->expunged = true;
			continue;
		}
		m->modseq = recs[i].modseq;
		if ((m->flags & STORE_FLAG_ALL) == recs[i].flags &&
		    m->keywords == recs[i].keywords)
			continue;
		m->flags = (m->flags & IMAP_FLAG_RECENT) |
			   (recs[i].flags & STORE_FLAG_ALL);
		m->keywords = recs[i].keywords;
		if (!quiet || !imap_seqset_contains(quiet, m->uid))
			imap_sync_fetch(s, (size_t)at);
	}
	if (allow_expunge)
		imap_sync_expunges(s);
	if (info.uidnext != mb->uidnext && !mb->readonly &&
	    store_recent_claim(s->env->store, s->user, mb->name,
			       &recent_uid) != STORE_OK)
		recent_uid = UINT32_MAX;
	added = imap_sync_add(s, recs, n, recent_uid);
	if (added) {
		imap_printf(s, "* %zu EXISTS\r\n", mb->n);
		imap_printf(s, "* %zu RECENT\r\n", mb->n_recent);
	}
	mb->highestmodseq = info.highestmodseq;
	mb->uidnext = info.uidnext;
	free(recs);
	return 0;
}

void imap_notify(struct imap_session *self, const char *mailbox)
{
	struct imap_session *s;

	for (s = imap_session_first(); s; s = s->next) {
		if (s == self || !s->c || !s->mbox ||
		    strcmp(s->user, self->user) ||
		    strcmp(s->mbox->name, mailbox))
			continue;
		if (s->wait == IMAP_W_IDLE)
			imap_idle_wake(s);
	}
}

void imap_mailbox_changed(const char *user, const char *mailbox)
{
	struct imap_session *s;

	for (s = imap_session_first(); s; s = s->next)
		if (s->wait == IMAP_W_IDLE && s->mbox &&
		    !strcasecmp(s->user, user) &&
		    !strcmp(s->mbox->name, mailbox))
			imap_idle_wake(s);
}

/* ---- Arguments --------------------------------------------------------- */

int imap_seqset_indexes(struct imap_session *s, const char *arg, bool uid,
			size_t **idx, size_t *n)
{
	struct imap_mailbox *mb = s->mbox;
	struct imap_seqset set;
	struct imap_seqset_iter it = IMAP_SEQSET_ITER_INIT;
	const char *err = "Invalid sequence set";
	uint32_t v;
	size_t i, k = 0, cap;

	*idx = NULL;
	*n = 0;
	imap_seqset_init(&set);
	if (!arg || imap_seqset_parse(&set, arg, &err) < 0) {
		imap_seqset_free(&set);
		imap_cmd_done(s, "BAD", "%s", err);
		return -1;
	}
	if (uid) {
		imap_seqset_resolve(&set, mb->n ? mb->msgs[mb->n - 1].uid : 0);
		cap = mb->n;
	} else {
		if (!mb->n && imap_seqset_has_star(&set)) {
			imap_seqset_free(&set);
			imap_cmd_done(s, "BAD", "Mailbox is empty: no '*'");
			return -1;
		}
		imap_seqset_resolve(&set, (uint32_t)mb->n);
		if (imap_seqset_max(&set) > mb->n) {
			imap_seqset_free(&set);
			imap_cmd_done(s, "BAD", "No such message");
			return -1;
		}
		cap = (size_t)imap_seqset_count(&set);
	}
	*idx = malloc((cap ? cap : 1) * sizeof(**idx));
	if (!*idx) {
		imap_seqset_free(&set);
		imap_cmd_done(s, "NO", "[SERVERBUG] Out of memory");
		return -1;
	}
	if (uid) {
		for (i = 0; i < mb->n; i++)
			if (imap_seqset_contains(&set, mb->msgs[i].uid))
				(*idx)[k++] = i;
	} else {
		while (imap_seqset_next(&set, &it, &v) && k < cap)
			if (v >= 1)
				(*idx)[k++] = v - 1;
	}
	*n = k;
	imap_seqset_free(&set);
	return 0;
}

static int imap_flag_one(struct imap_session *s, const char *mailbox,
			 const char *name, uint32_t *flags, uint64_t *kw,
			 const char **err)
{
	unsigned int f, bit;
	int st;

	if (name[0] == '\\') {
		f = imap_flag_from_name(name);
		if (f == IMAP_FLAG_RECENT)
			return 0;	/* not settable, quietly ignored */
		if (!f) {
			*err = "Unknown system flag";
			return -1;
		}
		*flags |= f;
		return 0;
	}
	if (!imap_keyword_is_valid(name) || strlen(name) > STORE_KEYWORD_MAX) {
		*err = "Invalid keyword";
		return -1;
	}
	st = store_keyword_bit(s->env->store, s->user, mailbox, name, true,
			       &bit);
	if (st != STORE_OK) {
		*err = st == STORE_EINVAL ? "Too many keywords" :
			"Cannot store the keyword";
		return -1;
	}
	*kw |= 1ULL << bit;
	return 0;
}

int imap_flags_parse(struct imap_session *s, const char *mailbox,
		     const struct imap_arg *a, uint32_t *flags,
		     uint64_t *keywords, const char **err)
{
	size_t i;

	*flags = 0;
	*keywords = 0;
	if (a->type == IMAP_ARG_ATOM)
		return imap_flag_one(s, mailbox, a->v.str, flags, keywords,
				     err);
	if (a->type != IMAP_ARG_LIST) {
		*err = "Flags must be atoms";
		return -1;
	}
	for (i = 0; i < a->len; i++) {
		if (a->v.list[i].type != IMAP_ARG_ATOM) {
			*err = "Flags must be atoms";
			return -1;
		}
		if (imap_flag_one(s, mailbox, a->v.list[i].v.str, flags,
				  keywords, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- Mailbox names ----------------------------------------------------- */

int imap_mailbox_arg(struct imap_session *s, const struct imap_arg *a,
		     char *out)
{
	struct imap_buf utf8 = IMAP_BUF_INIT;
	const char *name = a ? imap_arg_astring(a) : NULL;
	int st;

	if (!name) {
		imap_cmd_done(s, "BAD", "Missing mailbox name");
		return -1;
	}
	if (a->type == IMAP_ARG_LITERAL && strlen(name) != a->len) {
		imap_cmd_done(s, "NO", "[CANNOT] Invalid mailbox name");
		return -1;
	}
	if (!strcasecmp(name, "INBOX")) {
		strcpy(out, "INBOX");
		return 0;
	}
	if (imap_utf7_to_utf8(name, &utf8) < 0 || imap_buf_failed(&utf8)) {
		imap_buf_free(&utf8);
		imap_cmd_done(s, "NO", "[CANNOT] Invalid mailbox name "
			      "(not modified UTF-7)");
		return -1;
	}
	st = store_mailbox_name_normalize(imap_buf_str(&utf8), out);
	imap_buf_free(&utf8);
	if (st != STORE_OK) {
		imap_cmd_done(s, "NO", "[CANNOT] Invalid mailbox name");
		return -1;
	}
	return 0;
}

void imap_mailbox_write(struct imap_buf *b, const char *name)
{
	struct imap_buf utf7 = IMAP_BUF_INIT;

	if (imap_utf8_to_utf7(name, &utf7) < 0)
		imap_buf_reset(&utf7);
	imap_write_astring(b, utf7.data ? utf7.data : "", utf7.len);
	imap_buf_free(&utf7);
}

void imap_store_fail(struct imap_session *s, int st, const char *what)
{
	const char *code;

	switch (st) {
	case STORE_ENOMBOX:
		code = "[NONEXISTENT] ";
		break;
	case STORE_EEXIST:
		code = "[ALREADYEXISTS] ";
		break;
	case STORE_EQUOTA:
	case STORE_EQUOTA_PERM:
		code = "[OVERQUOTA] ";
		break;
	case STORE_EBADNAME:
	case STORE_EINVAL:
		code = "[CANNOT] ";
		break;
	case STORE_EIO:
	case STORE_ECORRUPT:
		log_warnx("imap: %s for %s: %s", what, s->user,
			  store_error(s->env->store));
		code = "[UNAVAILABLE] ";
		break;
	default:
		code = "";
		break;
	}
	imap_cmd_done(s, "NO", "%s%s: %s", code, what, store_strerror(st));
}
