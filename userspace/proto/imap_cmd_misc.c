// SPDX-License-Identifier: GPL-2.0
/*
 * The small commands: CAPABILITY, NOOP/CHECK, LOGOUT, ID (RFC 2971),
 * ENABLE (RFC 5161), NAMESPACE (RFC 2342), GETQUOTAROOT and GETQUOTA
 * (RFC 9208).
 */
#include <string.h>
#include <strings.h>

#include "imap/imap_write.h"
#include "proto/imap.h"

/* Commands that take no arguments: answer BAD if some were given. */
static bool imap_no_args(struct imap_session *s, struct imap_cmd *cmd)
{
	if (!cmd->nargs)
		return true;
	imap_cmd_done(s, "BAD", "%s takes no arguments", cmd->name);
	return false;
}

/* The capability list for the session's current state. */
void imap_capability_write(struct imap_session *s, struct imap_buf *b)
{
	imap_buf_adds(b, "CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE "
		      "IDLE NAMESPACE UNSELECT CHILDREN SPECIAL-USE "
		      "LIST-EXTENDED LIST-STATUS");
	if (s->state == IMAP_S_NOTAUTH) {
		if (s->env->tls && !conn_is_tls(s->c))
			imap_buf_adds(b, " STARTTLS");
		if (proto_plaintext_ok(s->env, s->c))
			imap_buf_adds(b, " AUTH=PLAIN");
		else
			imap_buf_adds(b, " LOGINDISABLED");
		return;
	}
	imap_buf_adds(b, " UIDPLUS MOVE CONDSTORE QUOTA QUOTA=RES-STORAGE");
}

void imap_cmd_capability(struct imap_session *s, struct imap_cmd *cmd)
{
	struct imap_buf b = IMAP_BUF_INIT;

	if (!imap_no_args(s, cmd))
		return;
	imap_capability_write(s, &b);
	imap_printf(s, "* %s\r\n", imap_buf_str(&b));
	imap_buf_free(&b);
	imap_cmd_done(s, "OK", "Capability completed");
}

void imap_cmd_noop(struct imap_session *s, struct imap_cmd *cmd)
{
	if (!imap_no_args(s, cmd))
		return;
	imap_cmd_done(s, "OK", "%s completed", cmd->name);
}

void imap_cmd_logout(struct imap_session *s, struct imap_cmd *cmd)
{
	if (!imap_no_args(s, cmd))
		return;
	imap_printf(s, "* BYE slotd logging out\r\n");
	imap_enter_state(s, IMAP_S_LOGOUT);
	imap_cmd_done(s, "OK", "Logout completed");
	conn_close(s->c);
}

void imap_cmd_id(struct imap_session *s, struct imap_cmd *cmd)
{
	if (cmd->nargs != 1 || (cmd->args[0].type != IMAP_ARG_LIST &&
				!imap_arg_is_nil(&cmd->args[0]))) {
		imap_cmd_done(s, "BAD", "ID needs a list or NIL");
		return;
	}
	imap_printf(s, "* ID (\"name\" \"slotd\" \"vendor\" \"Twinstore\")\r\n");
	imap_cmd_done(s, "OK", "ID completed");
}

void imap_cmd_enable(struct imap_session *s, struct imap_cmd *cmd)
{
	struct imap_buf b = IMAP_BUF_INIT;
	size_t i;

	if (!cmd->nargs) {
		imap_cmd_done(s, "BAD", "ENABLE needs a capability");
		return;
	}
	imap_buf_adds(&b, "* ENABLED");
	for (i = 0; i < cmd->nargs; i++) {
		if (cmd->args[i].type != IMAP_ARG_ATOM) {
			imap_buf_free(&b);
			imap_cmd_done(s, "BAD", "Capabilities are atoms");
			return;
		}
		if (!strcasecmp(cmd->args[i].v.str, "CONDSTORE") &&
		    !s->condstore) {
			s->condstore = true;
			imap_buf_adds(&b, " CONDSTORE");
		}
	}
	imap_printf(s, "%s\r\n", imap_buf_str(&b));
	imap_buf_free(&b);
	imap_cmd_done(s, "OK", "Enabled");
}

void imap_cmd_namespace(struct imap_session *s, struct imap_cmd *cmd)
{
	if (!imap_no_args(s, cmd))
		return;
	imap_printf(s, "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n");
	imap_cmd_done(s, "OK", "Namespace completed");
}

/* "* QUOTA "" (STORAGE used limit)" in KiB; nothing without a quota. */
static int imap_quota_write(struct imap_session *s)
{
	struct store_user_info info;
	int st;

	st = store_user_info(s->env->store, s->user, &info);
	if (st != STORE_OK)
		return st;
	if (info.quota != STORE_QUOTA_NONE)
		imap_printf(s, "* QUOTA \"\" (STORAGE %llu %llu)\r\n",
			    (unsigned long long)((info.used + 1023) / 1024),
			    (unsigned long long)(info.quota / 1024));
	return STORE_OK;
}

void imap_cmd_getquotaroot(struct imap_session *s, struct imap_cmd *cmd)
{
	struct store_mailbox_info mi;
	struct store_user_info ui;
	struct imap_buf b = IMAP_BUF_INIT;
	char name[STORE_MAILBOX_MAX + 1];
	int st;

	if (cmd->nargs != 1) {
		imap_cmd_done(s, "BAD", "GETQUOTAROOT needs a mailbox");
		return;
	}
	if (imap_mailbox_arg(s, &cmd->args[0], name) < 0)
		return;
	st = store_mailbox_info(s->env->store, s->user, name, &mi);
	if (st == STORE_OK)
		st = store_user_info(s->env->store, s->user, &ui);
	if (st != STORE_OK) {
		imap_store_fail(s, st, "GETQUOTAROOT");
		return;
	}
	imap_buf_adds(&b, "* QUOTAROOT ");
	imap_mailbox_write(&b, name);
	if (ui.quota != STORE_QUOTA_NONE)
		imap_buf_adds(&b, " \"\"");
	imap_printf(s, "%s\r\n", imap_buf_str(&b));
	imap_buf_free(&b);
	st = imap_quota_write(s);
	if (st != STORE_OK) {
		imap_store_fail(s, st, "GETQUOTAROOT");
		return;
	}
	imap_cmd_done(s, "OK", "Getquotaroot completed");
}

void imap_cmd_getquota(struct imap_session *s, struct imap_cmd *cmd)
{
	struct store_user_info ui;
	const char *root;
	int st;

	root = cmd->nargs == 1 ? imap_arg_astring(&cmd->args[0]) : NULL;
	if (!root) {
		imap_cmd_done(s, "BAD", "GETQUOTA needs a quota root");
		return;
	}
	st = store_user_info(s->env->store, s->user, &ui);
	if (st != STORE_OK) {
		imap_store_fail(s, st, "GETQUOTA");
		return;
	}
	if (*root || ui.quota == STORE_QUOTA_NONE) {
		imap_cmd_done(s, "NO", "[NONEXISTENT] No such quota root");
		return;
	}
	imap_quota_write(s);
	imap_cmd_done(s, "OK", "Getquota completed");
}
