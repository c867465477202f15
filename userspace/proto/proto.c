// SPDX-License-Identifier: GPL-2.0
/* The protocol registry and policies shared by the protocols. */
#include <stddef.h>

#include "proto/proto.h"

/* Which protocol serves which listener key; NULL: not in this build. */
static const struct proto *const proto_table[SVC_COUNT] = {
	[SVC_POP3] = &proto_pop3,
	[SVC_POP3S] = &proto_pop3,
	[SVC_LMTP] = &proto_lmtp,
	[SVC_IMAP] = &proto_imap,
	[SVC_IMAPS] = &proto_imap,
};

static proto_mailbox_fn proto_mailbox_listener;

void proto_set_mailbox_listener(proto_mailbox_fn fn)
{
	proto_mailbox_listener = fn;
}

void proto_mailbox_changed(const char *user, const char *mailbox)
{
	if (proto_mailbox_listener)
		proto_mailbox_listener(user, mailbox);
}

const struct proto *proto_for_service(enum slotd_service svc)
{
	return svc < SVC_COUNT ? proto_table[svc] : NULL;
}

bool proto_plaintext_ok(const struct proto_env *env, const struct conn *c)
{
	if (conn_is_tls(c))
		return true;
	switch (env->conf->plaintext_auth) {
	case PLAINTEXT_ALWAYS:
		return true;
	case PLAINTEXT_LOOPBACK:
		return c->peer_loopback;
	case PLAINTEXT_TLS:
		break;
	}
	return false;
}
