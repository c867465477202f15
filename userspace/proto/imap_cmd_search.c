// SPDX-License-Identifier: GPL-2.0
/*
 * SEARCH and UID SEARCH (RFC 3501 6.4.4, MODSEQ from RFC 7162).
 *
 * The library parses and evaluates; here each message is first tried
 * without its bytes. Only when the key tree asks for them (header or
 * text keys) is the message read through the ring and tried again.
 */
#include <stdlib.h>
#include <string.h>

#include "imap/imap_search.h"
#include "proto/imap.h"

struct imap_search_run {
	struct imap_search *search;
	size_t *idx;
	struct imap_buf result;
	uint64_t max_modseq;
	const char *raw;	/* bytes of the message being tried */
	size_t raw_len;
	bool wanted_raw;	/* the match asked for bytes we lacked */
};

static void imap_search_run_free(void *arg)
{
	struct imap_search_run *r = arg;

	imap_search_free(r->search);
	imap_buf_free(&r->result);
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

static enum imap_walk_ret imap_search_visit(struct imap_session *s, size_t i,
					    const char *raw, size_t len)
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
	if (match < 0 && r->wanted_raw && !raw)
		return IMAP_WALK_NEED_RAW;
	if (match > 0) {
		imap_buf_addf(&r->result, " %u", s->cmd.uid ? m->uid :
			      (uint32_t)i + 1);
		if (m->modseq > r->max_modseq)
			r->max_modseq = m->modseq;
	}
	return IMAP_WALK_NEXT;
}

static void imap_search_done(struct imap_session *s, int err)
{
	struct imap_search_run *r = s->cmd_ctx;

	if (err) {
		imap_cmd_done(s, "NO", "[UNAVAILABLE] A message could not "
			      "be read");
		return;
	}
	if (imap_buf_failed(&r->result)) {
		imap_cmd_done(s, "NO", "[SERVERBUG] Out of memory");
		return;
	}
	imap_printf(s, "* SEARCH%s", imap_buf_str(&r->result));
	if (r->search->has_modseq && r->result.len)
		imap_printf(s, " (MODSEQ %llu)",
			    (unsigned long long)r->max_modseq);
	imap_printf(s, "\r\n");
	imap_cmd_done(s, "OK", "Search completed");
}

void imap_cmd_search(struct imap_session *s, struct imap_cmd *cmd)
{
	struct imap_mailbox *mb = s->mbox;
	struct imap_search_run *r;
	const char *err = "Invalid search";
	bool badcharset = false;
	size_t i;

	r = calloc(1, sizeof(*r));
	if (r)
		r->idx = malloc((mb->n ? mb->n : 1) * sizeof(size_t));
	if (!r || !r->idx) {
		free(r);
		imap_cmd_done(s, "NO", "[SERVERBUG] Out of memory");
		return;
	}
	imap_buf_init(&r->result);
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
	s->walk.idx = r->idx;
	s->walk.n = mb->n;
	s->walk.visit = imap_search_visit;
	s->walk.done = imap_search_done;
	imap_walk_start(s);
}
