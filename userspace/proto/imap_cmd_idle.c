// SPDX-License-Identifier: GPL-2.0
/*
 * IDLE (RFC 2177): updates pushed while the client waits.
 *
 * Sessions of this process that change a mailbox wake its idlers at once
 * (imap_notify), and so do LMTP deliveries and POP3 expunges (through
 * proto_mailbox_changed). Changes made by another process (slotctl
 * undelete, expire) are seen by looking at the mailbox every
 * IMAP_IDLE_POLL_MS; the look is cheap (one read of the mailbox header
 * records) and sends nothing when nothing changed.
 */
#include <strings.h>

#include "proto/imap.h"

void imap_idle_wake(struct imap_session *s)
{
	if (s->wait != IMAP_W_IDLE || !s->mbox)
		return;
	imap_sync(s, true, NULL);
	imap_flush(s);
}

void imap_idle_poll(struct ev_timer *t)
{
	struct imap_session *s = container_of(t, struct imap_session, poll);

	if (imap_session_gone(s) || !imap_live(s) || s->wait != IMAP_W_IDLE)
		return;
	imap_idle_wake(s);
	if (s->c && s->wait == IMAP_W_IDLE)
		ev_timer_start(&s->poll, IMAP_IDLE_POLL_MS);
}

void imap_cmd_idle(struct imap_session *s, struct imap_cmd *cmd)
{
	if (cmd->nargs) {
		imap_cmd_done(s, "BAD", "IDLE takes no arguments");
		return;
	}
	imap_printf(s, "+ idling\r\n");
	s->wait = IMAP_W_IDLE;
	s->idle_since = ev_now();
	imap_idle_wake(s);
	if (s->mbox && !ev_timer_busy(&s->poll))
		ev_timer_start(&s->poll, IMAP_IDLE_POLL_MS);
}

void imap_idle_line(struct imap_session *s, const char *line)
{
	s->wait = IMAP_W_BUSY;
	if (strcasecmp(line, "DONE")) {
		imap_cmd_done(s, "BAD", "Expected DONE");
		return;
	}
	imap_cmd_done(s, "OK", "Idle completed");
}
