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

/*
 * The view of mailbox name.  old is the view the session had (or NULL):
 * re-selecting the same mailbox (same UIDVALIDITY) keeps it and reads
 * only the records changed since, so a client that SELECTs again and
 * again does not make us read the whole index each time.
 */
static int imap_select_load(struct imap_session *s, const char *name,
			    bool readonly, struct imap_mailbox *old)
{
	struct store *st = s->env->store;
	struct store_mailbox_info info;
	struct imap_mailbox *mb = NULL;
	uint32_t recent_uid = 0;
	int rc;

	rc = store_mailbox_header(st, s->user, name, &info);
	if (rc != STORE_OK)
		goto out;
	/* EXAMINE shows \Recent but must not take it away (RFC 3501). */
	recent_uid = info.recent_uid;
	if (!readonly) {
		rc = store_recent_claim(st, s->user, name, &recent_uid);
		if (rc != STORE_OK)
			goto out;
	}
	if (old && !strcmp(old->name, info.name) &&
	    old->uidvalidity == info.uidvalidity) {
		mb = old;
		old = NULL;
	} else {
		mb = calloc(1, sizeof(*mb));
		if (!mb) {
			rc = STORE_EIO;
			goto out;
		}
		strcpy(mb->name, info.name);
		mb->uidvalidity = info.uidvalidity;
	}
	s->mbox = mb;
	rc = imap_view_refresh(s, &info, readonly, recent_uid);
	if (rc != STORE_OK)
		imap_mailbox_close(s);
out:
	if (old) {
		/* the one way to free a view: as the selected one */
		mb = s->mbox;
		s->mbox = old;
		imap_mailbox_close(s);
		s->mbox = mb;
	}
	return rc;
}

void imap_cmd_select(struct imap_session *s, struct imap_cmd *cmd)
{
	bool readonly = !strcasecmp(cmd->name, "EXAMINE");
	char name[STORE_MAILBOX_MAX + 1];
	struct imap_buf b = IMAP_BUF_INIT;
	struct imap_mailbox *mb, *old;
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
	/*
	 * Whatever happens next, the old mailbox is closed (RFC 3501); its
	 * view is kept aside in case the same mailbox is selected again.
	 */
	old = s->mbox;
	s->mbox = NULL;
	if (s->state == IMAP_S_SELECTED)
		imap_enter_state(s, IMAP_S_AUTH);
	if (imap_mailbox_arg(s, &cmd->args[0], name) < 0) {
		s->mbox = old;
		imap_mailbox_close(s);
		return;
	}
	rc = imap_select_load(s, name, readonly, old);
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, cmd->name);
		return;
	}
	mb = s->mbox;
	imap_flags_announce(s);
	/* the rest of the reply in one buffer */
	imap_buf_addf(&b, "* %zu EXISTS\r\n* %zu RECENT\r\n", mb->n,
		      mb->n_recent);
	for (i = 0; i < mb->n; i++)
		if (!(mb->msgs[i].flags & STORE_FLAG_SEEN)) {
			imap_buf_addf(&b, "* OK [UNSEEN %zu] First unseen\r\n",
				      i + 1);
			break;
		}
	imap_buf_addf(&b, "* OK [UIDVALIDITY %u] UIDs valid\r\n"
		      "* OK [UIDNEXT %u] Predicted next UID\r\n"
		      "* OK [HIGHESTMODSEQ %llu] Highest\r\n",
		      mb->uidvalidity, mb->uidnext,
		      (unsigned long long)mb->highestmodseq);
	imap_write_buf(s, &b);
	imap_buf_free(&b);
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
	uint32_t recent;
	size_t i;
	int rc;

	rc = store_mailbox_info(s->env->store, s->user, name, &info);
	if (rc != STORE_OK)
		return rc;
	/*
	 * \Recent: above the UID the last read-write SELECT claimed; our
	 * own selected mailbox counts those that session claimed.
	 */
	recent = info.recent;
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
