// SPDX-License-Identifier: GPL-2.0
/*
 * SEARCH and UID SEARCH (RFC 3501 6.4.4, MODSEQ from RFC 7162).
 *
 * The library parses and evaluates; here each message is first tried
 * without its bytes.  When the keys read only envelope header fields
 * (SUBJECT, FROM, TO, ...), the store's header cache answers for every
 * message that has an entry, in one pass over the cache.  Only the
 * messages left (no entry, or keys on other fields or the body) are
 * read through the ring and tried again; those of a fields-only search
 * then get their cache entry, so the next search is cheap.
 */
#include <stdlib.h>
#include <string.h>

#include "imap/imap_search.h"
#include "lib/log.h"
#include "proto/imap.h"

struct imap_search_run {
	struct imap_search *search;
	size_t *idx;
	bool *match;		/* per message of the view */
	bool fill;		/* messages read get their cache entry */
	size_t cached_pos;	/* the cache pass: next view index */
	const char *raw;	/* bytes of the message being tried */
	size_t raw_len;
	bool wanted_raw;	/* the match asked for bytes we lacked */
};

static void imap_search_run_free(void *arg)
{
	struct imap_search_run *r = arg;

	imap_search_free(r->search);
	free(r->match);
	free(r->idx);
	free(r);
}

static int imap_search_get_raw(void *ctx, const char **data, size_t *len)
{
	struct imap_search_run *r = ctx;

	if (!r->raw) {
		r->wanted_raw = true;
		return -1;
	}
	*data = r->raw;
	*len = r->raw_len;
	return 0;
}

/* Try message i with the bytes we have (raw may be NULL): 1, 0 or -1. */
static int imap_search_try(struct imap_session *s, size_t i, const char *raw,
			   size_t len)
{
	struct imap_search_run *r = s->cmd_ctx;
	const struct imap_msg *m = &s->mbox->msgs[i];
	const char *names[STORE_KEYWORDS];
	struct imap_search_msg sm = {
		.seq = (uint32_t)i + 1,
		.uid = m->uid,
		.flags = m->flags,
		.keywords = names,
		.internal_date = (time_t)m->internal_date,
		.internal_tz = 0,
		.size = m->size,
		.modseq = m->modseq,
		.get_raw = imap_search_get_raw,
		.ctx = r,
	};
	int match;

	sm.n_keywords = imap_msg_keywords(s, m, names);
	r->raw = raw;
	r->raw_len = len;
	r->wanted_raw = false;
	match = imap_search_match(r->search, &sm);
	r->raw = NULL;
	return match;
}

static enum imap_walk_ret imap_search_visit(struct imap_session *s, size_t i,
					    const char *raw, size_t len)
{
	struct imap_search_run *r = s->cmd_ctx;
	const struct imap_msg *m = &s->mbox->msgs[i];
	struct store_cache_entry e;
	int match;

	match = imap_search_try(s, i, raw, len);
	if (match < 0 && r->wanted_raw && !raw)
		return IMAP_WALK_NEED_RAW;
	r->match[i] = match > 0;
	if (raw && r->fill) {
		e.uid = m->uid;
		e.data = raw;
		e.len = len;
		e.whole = len == m->size;
		if (store_cache_fill(s->env->store, s->user, s->mbox->name,
				     &e, 1) != STORE_OK)
			r->fill = false;	/* not worth failing for */
	}
	return IMAP_WALK_NEXT;
}

/* One cache entry: decide its message if the view has it. */
static int imap_search_cached_one(void *arg, uint32_t uid, const char *hdr,
				  size_t len)
{
	struct imap_session *s = arg;
	struct imap_search_run *r = s->cmd_ctx;
	struct imap_mailbox *mb = s->mbox;
	size_t i = r->cached_pos;
	int match;

	while (i < mb->n && mb->msgs[i].uid < uid)
		i++;
	r->cached_pos = i;
	if (i == mb->n)
		return 1;	/* past the view's last message: done */
	if (mb->msgs[i].uid != uid)
		return 0;
	match = imap_search_try(s, i, hdr, len);
	if (match >= 0) {
		r->match[i] = match > 0;
		r->idx[i] = SIZE_MAX;	/* decided */
	}
	return 0;
}

/*
 * The cache pass: r->idx[i] = i for every message, SIZE_MAX once the
 * cache decided it; then the undecided are packed for the walk.
 */
static size_t imap_search_cached(struct imap_session *s)
{
	struct imap_search_run *r = s->cmd_ctx;
	struct imap_mailbox *mb = s->mbox;
	size_t i, n = 0;
	int st;

	r->cached_pos = 0;
	st = store_cache_each(s->env->store, s->user, mb->name,
			      mb->n ? mb->msgs[0].uid : 0,
			      imap_search_cached_one, s);
	if (st != STORE_OK)
		log_warnx("imap: %s/%s: header cache: %s", s->user, mb->name,
			  store_error(s->env->store));
	for (i = 0; i < mb->n; i++)
		if (r->idx[i] != SIZE_MAX)
			r->idx[n++] = i;
	return n;
}

static void imap_search_done(struct imap_session *s, int err)
{
	struct imap_search_run *r = s->cmd_ctx;
	struct imap_mailbox *mb = s->mbox;
	struct imap_buf b = IMAP_BUF_INIT;
	uint64_t max_modseq = 0;
	size_t i;

	if (err) {
		imap_cmd_done(s, "NO", "[UNAVAILABLE] A message could not "
			      "be read");
		return;
	}
	imap_buf_adds(&b, "* SEARCH");
	for (i = 0; i < mb->n; i++) {
		if (!r->match[i])
			continue;
		imap_buf_addf(&b, " %u", s->cmd.uid ? mb->msgs[i].uid :
			      (uint32_t)i + 1);
		if (mb->msgs[i].modseq > max_modseq)
			max_modseq = mb->msgs[i].modseq;
	}
	if (r->search->has_modseq && max_modseq)
		imap_buf_addf(&b, " (MODSEQ %llu)",
			      (unsigned long long)max_modseq);
	imap_buf_adds(&b, "\r\n");
	if (imap_buf_failed(&b)) {
		imap_buf_free(&b);
		imap_cmd_done(s, "NO", "[SERVERBUG] Out of memory");
		return;
	}
	imap_write_buf(s, &b);
	imap_buf_free(&b);
	imap_cmd_done(s, "OK", "Search completed");
}

void imap_cmd_search(struct imap_session *s, struct imap_cmd *cmd)
{
	struct imap_mailbox *mb = s->mbox;
	struct imap_search_run *r;
	const char *err = "Invalid search";
	bool badcharset = false;
	size_t i, n;

	r = calloc(1, sizeof(*r));
	if (r) {
		r->idx = malloc((mb->n ? mb->n : 1) * sizeof(size_t));
		r->match = calloc(mb->n ? mb->n : 1, sizeof(bool));
	}
	if (!r || !r->idx || !r->match) {
		if (r) {
			free(r->idx);
			free(r->match);
		}
		free(r);
		imap_cmd_done(s, "NO", "[SERVERBUG] Out of memory");
		return;
	}
	s->cmd_ctx = r;
	s->cmd_ctx_free = imap_search_run_free;
	if (!cmd->nargs || imap_search_parse(cmd->args, cmd->nargs,
					     &r->search, &err,
					     &badcharset) < 0) {
		r->search = NULL;
		if (badcharset)
			imap_cmd_done(s, "NO", "[BADCHARSET (UTF-8 US-ASCII)] "
				      "%s", err);
		else
			imap_cmd_done(s, "BAD", "%s", err);
		return;
	}
	if (r->search->has_modseq)
		s->condstore = true;
	imap_search_prepare(r->search, (uint32_t)mb->n,
			    mb->n ? mb->msgs[mb->n - 1].uid : 0);
	for (i = 0; i < mb->n; i++)
		r->idx[i] = i;
	n = mb->n;
	if (imap_search_need(r->search, store_cache_field) ==
	    IMAP_SEARCH_NEED_FIELDS) {
		n = imap_search_cached(s);
		r->fill = true;
	}
	s->walk.idx = r->idx;
	s->walk.n = n;
	s->walk.visit = imap_search_visit;
	s->walk.done = imap_search_done;
	imap_walk_start(s);
}
