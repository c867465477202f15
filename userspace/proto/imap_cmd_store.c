// SPDX-License-Identifier: GPL-2.0
/*
 * STORE and UID STORE: FLAGS, +FLAGS, -FLAGS (each also .SILENT), and the
 * UNCHANGEDSINCE modifier of CONDSTORE (RFC 7162 3.1.3), whose failures
 * are reported in [MODIFIED set].
 *
 * The store changes every message of the set in one transaction; the
 * view then takes the new flags in through imap_sync(), quietly for the
 * set, and the FETCH replies of the set are written here.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/imap.h"

struct imap_store_op {
	const char *name;
	enum store_flag_op op;
	bool silent;
};

static const struct imap_store_op imap_store_ops[] = {
	{ "FLAGS", STORE_FLAGS_SET, false },
	{ "FLAGS.SILENT", STORE_FLAGS_SET, true },
	{ "+FLAGS", STORE_FLAGS_ADD, false },
	{ "+FLAGS.SILENT", STORE_FLAGS_ADD, true },
	{ "-FLAGS", STORE_FLAGS_REMOVE, false },
	{ "-FLAGS.SILENT", STORE_FLAGS_REMOVE, true },
};

static void imap_store_reply(struct imap_session *s, size_t i)
{
	const struct imap_msg *m = &s->mbox->msgs[i];
	struct imap_buf b = IMAP_BUF_INIT;

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

/* Keywords the client just made up: tell it the new FLAGS (RFC 3501). */
static int imap_store_new_keywords(struct imap_session *s)
{
	size_t before = s->mbox->nkw;

	if (imap_keywords_load(s) < 0)
		return -1;
	if (s->mbox->nkw != before)
		imap_flags_announce(s);
	return 0;
}

void imap_cmd_store(struct imap_session *s, struct imap_cmd *cmd)
{
	const struct imap_store_op *op = NULL;
	const struct imap_arg *args = cmd->args;
	struct imap_mailbox *mb = s->mbox;
	uint64_t unchanged = UINT64_MAX, keywords;
	struct imap_seqset set, failed_set;
	uint32_t flags, *uids = NULL, *failed = NULL;
	size_t *idx = NULL, n, i, nfailed = 0;
	const char *err;
	int rc;

	if (cmd->nargs == 4) {
		if (args[1].type != IMAP_ARG_LIST || args[1].len != 2 ||
		    !imap_arg_is_atom(&args[1].v.list[0], "UNCHANGEDSINCE") ||
		    !imap_arg_number(&args[1].v.list[1], &unchanged)) {
			imap_cmd_done(s, "BAD", "Invalid STORE modifier");
			return;
		}
		s->condstore = true;
		args = cmd->args + 1;
	} else if (cmd->nargs != 3) {
		imap_cmd_done(s, "BAD", "STORE needs a set, an item and "
			      "flags");
		return;
	}
	if (cmd->args[0].type != IMAP_ARG_ATOM ||
	    args[1].type != IMAP_ARG_ATOM) {
		imap_cmd_done(s, "BAD", "Invalid STORE arguments");
		return;
	}
	for (i = 0; i < sizeof(imap_store_ops) / sizeof(imap_store_ops[0]);
	     i++)
		if (!strcasecmp(args[1].v.str, imap_store_ops[i].name))
			op = &imap_store_ops[i];
	if (!op) {
		imap_cmd_done(s, "BAD", "Unknown STORE item");
		return;
	}
	if (mb->readonly) {
		imap_cmd_done(s, "NO", "[READ-ONLY] Mailbox is read-only");
		return;
	}
	if (imap_flags_parse(s, mb->name, &args[2], &flags, &keywords,
			     &err) < 0) {
		imap_cmd_done(s, "BAD", "%s", err);
		return;
	}
	if (keywords && imap_store_new_keywords(s) < 0) {
		imap_cmd_done(s, "NO", "[UNAVAILABLE] Cannot read keywords");
		return;
	}
	if (imap_seqset_indexes(s, cmd->args[0].v.str, cmd->uid, &idx,
				&n) < 0)
		return;
	uids = malloc((n ? n : 1) * sizeof(*uids));
	failed = malloc((n ? n : 1) * sizeof(*failed));
	imap_seqset_init(&set);
	imap_seqset_init(&failed_set);
	if (!uids || !failed) {
		imap_cmd_done(s, "NO", "[SERVERBUG] Out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		uids[i] = mb->msgs[idx[i]].uid;
		imap_seqset_add(&set, uids[i], uids[i]);
	}
	imap_seqset_resolve(&set, 0);
	rc = n ? store_msg_set_flags(s->env->store, s->user, mb->name, uids,
				     n, op->op, flags, keywords, unchanged,
				     failed, &nfailed) : STORE_OK;
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, "STORE");
		goto out;
	}
	if (imap_sync(s, false, &set) < 0 && !s->mbox) {
		imap_cmd_done(s, "NO", "[NONEXISTENT] Mailbox is gone");
		goto out;
	}
	for (i = 0; i < nfailed; i++)
		imap_seqset_add(&failed_set, failed[i], failed[i]);
	imap_seqset_resolve(&failed_set, 0);
	for (i = 0; i < n; i++) {
		if (imap_seqset_contains(&failed_set, uids[i]))
			continue;
		/* .SILENT: but CONDSTORE clients still need the modseq. */
		if (!op->silent || (s->condstore && unchanged != UINT64_MAX))
			imap_store_reply(s, idx[i]);
	}
	if (n)
		imap_notify(s, mb->name);
	if (nfailed) {
		struct imap_buf b = IMAP_BUF_INIT;
		struct imap_seqset seqs;

		/* MODIFIED names sequence numbers, or UIDs for UID STORE. */
		imap_seqset_init(&seqs);
		for (i = 0; i < n; i++)
			if (imap_seqset_contains(&failed_set, uids[i]))
				imap_seqset_add(&seqs, cmd->uid ? uids[i] :
						(uint32_t)idx[i] + 1,
						cmd->uid ? uids[i] :
						(uint32_t)idx[i] + 1);
		imap_seqset_resolve(&seqs, 0);
		imap_seqset_format(&seqs, &b);
		imap_cmd_done(s, "OK", "[MODIFIED %s] Conditional STORE "
			      "failed", imap_buf_str(&b));
		imap_buf_free(&b);
		imap_seqset_free(&seqs);
		goto out;
	}
	imap_cmd_done(s, "OK", "Store completed");
out:
	imap_seqset_free(&set);
	imap_seqset_free(&failed_set);
	free(uids);
	free(failed);
	free(idx);
}
