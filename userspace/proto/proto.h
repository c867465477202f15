/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How protocols plug into slotd.
 *
 * slotd owns the listeners, the store handle, TLS and the limits; a
 * protocol gets each accepted connection through its struct proto and
 * runs a session on it with the conn API (lib/conn.h). To add one (IMAP):
 * write proto/imap.c defining "const struct proto proto_imap", and list
 * it in proto_table[] (proto.c) under its service names.
 */
#ifndef SLOTD_PROTO_H
#define SLOTD_PROTO_H

#include <stdbool.h>

#include "lib/conn.h"
#include "slotd/config.h"

struct store;

/* What every session may use; owned by slotd, valid for its lifetime. */
struct proto_env {
	const struct slotd_conf *conf;	/* replaced on SIGHUP */
	struct store *store;
	SSL_CTX *tls;			/* NULL without tls_cert */
	bool stopping;			/* SIGTERM: finish and close */
	unsigned int sessions;		/* alive, including closing ones */
};

struct proto {
	const char *name;
	/*
	 * Take over an accepted connection: set up the session, start the
	 * conn and greet (after the handshake when tls is set). Returns -1
	 * if no session could be made (the caller aborts the conn).
	 */
	int (*start)(struct conn *c, struct proto_env *env, bool tls);
	/* Refuse a connection politely (a limit was hit), then close it. */
	void (*reject)(struct conn *c, const char *why);
};

/* The protocol serving a service, or NULL if this build has none. */
const struct proto *proto_for_service(enum slotd_service svc);

/*
 * Mailbox changes between the protocols of this process: LMTP calls
 * proto_mailbox_changed() after each committed delivery and POP3 after its
 * expunge, so a protocol that registered a listener (IMAP IDLE) can wake
 * its sessions at once instead of polling. One listener; NULL removes it.
 */
typedef void (*proto_mailbox_fn)(const char *user, const char *mailbox);
void proto_set_mailbox_listener(proto_mailbox_fn fn);
void proto_mailbox_changed(const char *user, const char *mailbox);

/* May a plaintext password be accepted on c (plaintext_auth policy)? */
bool proto_plaintext_ok(const struct proto_env *env, const struct conn *c);

extern const struct proto proto_lmtp;

/*
 * Before the loop waits: commit, as one group, the LMTP deliveries whose
 * data reached the disk in this turn, and queue their replies.
 */
void lmtp_commit_queued(void);
extern const struct proto proto_pop3;
extern const struct proto proto_imap;

#endif
