// SPDX-License-Identifier: GPL-2.0
/*
 * SELECT and EXAMINE (with the CONDSTORE parameter, RFC 7162) build the
 * view of a mailbox; STATUS reports on any mailbox without selecting it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_flags.h"
#include "imap/imap_write.h"
#include "proto/imap.h"

/* "(\Answered ... kw1 kw2" without the closing parenthesis. */
static void imap_select_flag_list(struct imap_session *s, struct imap_buf *b)
{
	struct imap_mailbox *mb = s->mbox;
	size_t i;

	imap_buf_adds(b, "(\\Answered \\Flagged \\Deleted \\Seen \\Draft");
	for (i = 0; i < mb->nkw; i++)
		if (mb->kw[i][0])
			imap_buf_addf(b, " %s", mb->kw[i]);
}

void imap_flags_announce(struct imap_session *s)
{
	struct imap_buf b = IMAP_BUF_INIT;

	imap_select_flag_list(s, &b);
	imap_printf(s, "* FLAGS %s)\r\n", imap_buf_str(&b));
	imap_printf(s, "* OK [PERMANENTFLAGS %s%s)] Flags permitted\r\n",
		    s->mbox->readonly ? "(" : imap_buf_str(&b),
		    s->mbox->readonly ? "" : " \\*");
	imap_buf_free(&b);
}

static int imap_select_load(struct imap_session *s, const char *name,
			    bool readonly)
{
	struct store *st = s->env->store;
	struct store_mailbox_info info;
	struct imap_mailbox *mb;
	struct store_msg *recs = NULL;
	uint32_t recent_uid = 0;
	size_t i, n = 0;
	int rc;

	rc = store_mailbox_info(st, s->user, name, &info);
	if (rc != STORE_OK)
		return rc;
	if (!readonly) {
		rc = store_recent_claim(st, s->user, name, &recent_uid);
		if (rc != STORE_OK)
			return rc;
	}
	rc = store_msg_list(st, s->user, name, STORE_LIST_LIVE, 0, &recs, &n);
	if (rc != STORE_OK)
		return rc;
	mb = calloc(1, sizeof(*mb));
	if (mb && n)
		mb->msgs = calloc(n, sizeof(*mb->msgs));
	if (!mb || (n && !mb->msgs)) {
		free(mb);
		free(recs);
		return STORE_EIO;
	}
	strcpy(mb->name, info.name);
	mb->readonly = readonly;
	mb->uidvalidity = info.uidvalidity;
	mb->uidnext = info.uidnext;
	mb->highestmodseq = info.highestmodseq;
	mb->cap = n;
	for (i = 0; i < n; i++) {
		struct imap_msg *m = &mb->msgs[i];

		m->uid = recs[i].uid;
		m->flags = recs[i].flags & STORE_FLAG_ALL;
		m->keywords = recs[i].keywords;
		m->modseq = recs[i].modseq;
		m->size = recs[i].size;
		m->internal_date = recs[i].internal_date;
		if (!readonly && m->uid > recent_uid) {
			m->flags |= IMAP_FLAG_RECENT;
			mb->n_recent++;
		}
		if (m->modseq > mb->highestmodseq)
			mb->highestmodseq = m->modseq;
		if (m->uid >= mb->uidnext)
			mb->uidnext = m->uid + 1;
	}
	mb->n = n;
	free(recs);
	s->mbox = mb;
	if (imap_keywords_load(s) < 0) {
		imap_mailbox_close(s);
		return STORE_EIO;
	}
	return STORE_OK;
}

void imap_cmd_select(struct imap_session *s, struct imap_cmd *cmd)
{
	bool readonly = !strcasecmp(cmd->name, "EXAMINE");
	char name[STORE_MAILBOX_MAX + 1];
	struct imap_mailbox *mb;
	const struct imap_arg *p;
	size_t i;
	int rc;

	if (cmd->nargs < 1 || cmd->nargs > 2) {
		imap_cmd_done(s, "BAD", "%s needs a mailbox", cmd->name);
		return;
	}
	if (cmd->nargs == 2) {
		p = &cmd->args[1];
		if (p->type != IMAP_ARG_LIST) {
			imap_cmd_done(s, "BAD", "Bad select parameters");
			return;
		}
		for (i = 0; i < p->len; i++) {
			if (!imap_arg_is_atom(&p->v.list[i], "CONDSTORE")) {
				imap_cmd_done(s, "BAD", "Unknown select "
					      "parameter");
				return;
			}
			s->condstore = true;
		}
	}
	/* Whatever happens next, the old mailbox is closed (RFC 3501). */
	if (s->state == IMAP_S_SELECTED)
		imap_enter_state(s, IMAP_S_AUTH);
	if (imap_mailbox_arg(s, &cmd->args[0], name) < 0)
		return;
	rc = imap_select_load(s, name, readonly);
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, cmd->name);
		return;
	}
	mb = s->mbox;
	imap_flags_announce(s);
	imap_printf(s, "* %zu EXISTS\r\n", mb->n);
	imap_printf(s, "* %zu RECENT\r\n", mb->n_recent);
	for (i = 0; i < mb->n; i++)
		if (!(mb->msgs[i].flags & STORE_FLAG_SEEN)) {
			imap_printf(s, "* OK [UNSEEN %zu] First unseen\r\n",
				    i + 1);
			break;
		}
	imap_printf(s, "* OK [UIDVALIDITY %u] UIDs valid\r\n",
		    mb->uidvalidity);
	imap_printf(s, "* OK [UIDNEXT %u] Predicted next UID\r\n",
		    mb->uidnext);
	imap_printf(s, "* OK [HIGHESTMODSEQ %llu] Highest\r\n",
		    (unsigned long long)mb->highestmodseq);
	imap_enter_state(s, IMAP_S_SELECTED);
	imap_cmd_done(s, "OK", "[%s] %s completed",
		      readonly ? "READ-ONLY" : "READ-WRITE", cmd->name);
}

static const char *const imap_status_items[] = {
	"MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN",
	"HIGHESTMODSEQ", "SIZE",
};

bool imap_status_items_valid(const struct imap_arg *items)
{
	size_t i, k;

	if (items->type != IMAP_ARG_LIST || !items->len)
		return false;
	for (i = 0; i < items->len; i++) {
		for (k = 0; k < sizeof(imap_status_items) /
		     sizeof(imap_status_items[0]); k++)
			if (imap_arg_is_atom(&items->v.list[i],
					     imap_status_items[k]))
				break;
		if (k == sizeof(imap_status_items) /
		    sizeof(imap_status_items[0]))
			return false;
	}
	return true;
}

int imap_status_write(struct imap_session *s, const char *name,
		      const struct imap_arg *items)
{
	struct store_mailbox_info info;
	struct imap_buf b = IMAP_BUF_INIT;
	const char *item;
	uint32_t recent = 0;
	size_t i;
	int rc;

	rc = store_mailbox_info(s->env->store, s->user, name, &info);
	if (rc != STORE_OK)
		return rc;
	/* Only our own view knows its \Recent messages (see docs/imap.md). */
	if (s->mbox && !strcmp(s->mbox->name, info.name))
		recent = (uint32_t)s->mbox->n_recent;
	imap_buf_adds(&b, "* STATUS ");
	imap_mailbox_write(&b, info.name);
	imap_buf_adds(&b, " (");
	for (i = 0; i < items->len; i++) {
		item = items->v.list[i].v.str;
		if (i)
			imap_buf_addc(&b, ' ');
		if (!strcasecmp(item, "MESSAGES"))
			imap_buf_addf(&b, "MESSAGES %u", info.exists);
		else if (!strcasecmp(item, "RECENT"))
			imap_buf_addf(&b, "RECENT %u", recent);
		else if (!strcasecmp(item, "UIDNEXT"))
			imap_buf_addf(&b, "UIDNEXT %u", info.uidnext);
		else if (!strcasecmp(item, "UIDVALIDITY"))
			imap_buf_addf(&b, "UIDVALIDITY %u", info.uidvalidity);
		else if (!strcasecmp(item, "UNSEEN"))
			imap_buf_addf(&b, "UNSEEN %u", info.unseen);
		else if (!strcasecmp(item, "HIGHESTMODSEQ"))
			imap_buf_addf(&b, "HIGHESTMODSEQ %llu",
				      (unsigned long long)info.highestmodseq);
		else if (!strcasecmp(item, "SIZE"))
			imap_buf_addf(&b, "SIZE %llu",
				      (unsigned long long)info.bytes);
	}
	imap_buf_adds(&b, ")\r\n");
	imap_write_buf(s, &b);
	imap_buf_free(&b);
	return STORE_OK;
}

void imap_cmd_status(struct imap_session *s, struct imap_cmd *cmd)
{
	char name[STORE_MAILBOX_MAX + 1];
	int rc;

	if (cmd->nargs != 2 || cmd->args[1].type != IMAP_ARG_LIST) {
		imap_cmd_done(s, "BAD", "STATUS needs a mailbox and a list");
		return;
	}
	if (!imap_status_items_valid(&cmd->args[1])) {
		imap_cmd_done(s, "BAD", "Unknown STATUS item");
		return;
	}
	if (imap_mailbox_arg(s, &cmd->args[0], name) < 0)
		return;
	rc = imap_status_write(s, name, &cmd->args[1]);
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, "STATUS");
		return;
	}
	imap_cmd_done(s, "OK", "Status completed");
}
