// SPDX-License-Identifier: GPL-2.0
/*
 * COPY and MOVE (RFC 6851) with UIDPLUS's COPYUID (RFC 4315), EXPUNGE
 * and UID EXPUNGE, CLOSE and UNSELECT (RFC 3691).
 *
 * The store does the work in one transaction each; the EXPUNGE replies
 * come from imap_sync() like those caused by other sessions.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/imap.h"

/* UIDVALIDITY of a mailbox, from the header records only. */
static int imap_copy_uidvalidity(struct imap_session *s, const char *name,
				 uint32_t *uidvalidity)
{
	struct store_mailbox_info *boxes;
	size_t i, n;
	int rc;

	rc = store_mailbox_list(s->env->store, s->user, &boxes, &n);
	if (rc != STORE_OK)
		return rc;
	rc = STORE_ENOMBOX;
	for (i = 0; i < n; i++)
		if (!strcmp(boxes[i].name, name)) {
			*uidvalidity = boxes[i].uidvalidity;
			rc = STORE_OK;
		}
	free(boxes);
	return rc;
}

void imap_cmd_copy(struct imap_session *s, struct imap_cmd *cmd)
{
	bool move = !strcasecmp(cmd->name, "MOVE");
	struct imap_mailbox *mb = s->mbox;
	char dst[STORE_MAILBOX_MAX + 1];
	struct imap_buf src_b = IMAP_BUF_INIT, dst_b = IMAP_BUF_INIT;
	uint32_t *uids = NULL, *dst_uids = NULL, uidvalidity = 0;
	size_t *idx = NULL, n, i, k;
	int rc;

	if (cmd->nargs != 2 || cmd->args[0].type != IMAP_ARG_ATOM) {
		imap_cmd_done(s, "BAD", "%s needs a set and a mailbox",
			      cmd->name);
		return;
	}
	if (move && mb->readonly) {
		imap_cmd_done(s, "NO", "[READ-ONLY] Mailbox is read-only");
		return;
	}
	if (imap_mailbox_arg(s, &cmd->args[1], dst) < 0)
		return;
	rc = imap_copy_uidvalidity(s, dst, &uidvalidity);
	if (rc == STORE_ENOMBOX) {
		imap_cmd_done(s, "NO", "[TRYCREATE] No such mailbox");
		return;
	}
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, cmd->name);
		return;
	}
	if (imap_seqset_indexes(s, cmd->args[0].v.str, cmd->uid, &idx,
				&n) < 0)
		return;
	uids = malloc((n ? n : 1) * sizeof(*uids));
	dst_uids = calloc(n ? n : 1, sizeof(*dst_uids));
	if (!uids || !dst_uids) {
		imap_cmd_done(s, "NO", "[SERVERBUG] Out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		uids[i] = mb->msgs[idx[i]].uid;
	if (!n) {
		imap_cmd_done(s, "OK", "No messages");
		goto out;
	}
	rc = store_msg_copy(s->env->store, s->user, mb->name, dst, uids, n,
			    move, dst_uids);
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, cmd->name);
		goto out;
	}
	for (i = k = 0; i < n; i++) {
		if (!dst_uids[i])
			continue;	/* expunged meanwhile */
		imap_buf_addf(&src_b, "%s%u", k ? "," : "", uids[i]);
		imap_buf_addf(&dst_b, "%s%u", k ? "," : "", dst_uids[i]);
		k++;
	}
	imap_notify(s, dst);
	if (move)
		imap_notify(s, mb->name);
	if (!k) {
		imap_cmd_done(s, "OK", "%s completed", cmd->name);
	} else if (move) {
		/* The COPYUID goes before the EXPUNGEs (RFC 6851 4.3). */
		imap_printf(s, "* OK [COPYUID %u %s %s] Moved\r\n",
			    uidvalidity, imap_buf_str(&src_b),
			    imap_buf_str(&dst_b));
		imap_cmd_done(s, "OK", "Move completed");
	} else {
		imap_cmd_done(s, "OK", "[COPYUID %u %s %s] Copy completed",
			      uidvalidity, imap_buf_str(&src_b),
			      imap_buf_str(&dst_b));
	}
out:
	imap_buf_free(&src_b);
	imap_buf_free(&dst_b);
	free(uids);
	free(dst_uids);
	free(idx);
}

/* Expunge the \Deleted messages of the set (all with idx NULL). */
static int imap_expunge_deleted(struct imap_session *s, const size_t *idx,
				size_t n)
{
	struct imap_mailbox *mb = s->mbox;
	uint32_t *uids;
	size_t i, k = 0;
	int rc;

	if (!idx)
		n = mb->n;
	uids = malloc((n ? n : 1) * sizeof(*uids));
	if (!uids)
		return STORE_EIO;
	for (i = 0; i < n; i++) {
		const struct imap_msg *m = &mb->msgs[idx ? idx[i] : i];

		if ((m->flags & STORE_FLAG_DELETED) && !m->expunged)
			uids[k++] = m->uid;
	}
	rc = k ? store_msg_expunge(s->env->store, s->user, mb->name, uids, k,
				   NULL) : STORE_OK;
	free(uids);
	if (rc == STORE_OK && k)
		imap_notify(s, mb->name);
	return rc;
}

void imap_cmd_expunge(struct imap_session *s, struct imap_cmd *cmd)
{
	size_t *idx = NULL, n = 0;
	int rc;

	if (s->mbox->readonly) {
		imap_cmd_done(s, "NO", "[READ-ONLY] Mailbox is read-only");
		return;
	}
	if (cmd->uid) {
		if (cmd->nargs != 1 || cmd->args[0].type != IMAP_ARG_ATOM) {
			imap_cmd_done(s, "BAD", "UID EXPUNGE needs a set");
			return;
		}
		if (imap_seqset_indexes(s, cmd->args[0].v.str, true, &idx,
					&n) < 0)
			return;
	} else if (cmd->nargs) {
		imap_cmd_done(s, "BAD", "EXPUNGE takes no arguments");
		return;
	}
	rc = imap_expunge_deleted(s, cmd->uid ? idx : NULL, n);
	free(idx);
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, "EXPUNGE");
		return;
	}
	imap_cmd_done(s, "OK", "Expunge completed");
}

/* CLOSE expunges silently; UNSELECT does not. */
void imap_cmd_close(struct imap_session *s, struct imap_cmd *cmd)
{
	int rc = STORE_OK;

	if (cmd->nargs) {
		imap_cmd_done(s, "BAD", "%s takes no arguments", cmd->name);
		return;
	}
	if (!strcasecmp(cmd->name, "CLOSE") && !s->mbox->readonly)
		rc = imap_expunge_deleted(s, NULL, 0);
	imap_enter_state(s, IMAP_S_AUTH);
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, cmd->name);
		return;
	}
	imap_cmd_done(s, "OK", "%s completed", cmd->name);
}
