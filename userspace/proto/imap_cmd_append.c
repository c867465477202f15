// SPDX-License-Identifier: GPL-2.0
/*
 * APPEND (RFC 3501 6.3.11) with UIDPLUS's APPENDUID (RFC 4315).
 *
 * As durable as an LMTP delivery: the message goes into a store delivery
 * file written and fsync'ed through the ring, then the store commits it
 * (file, directory entry and index record on stable storage); only then
 * is the client told OK.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "imap/imap_date.h"
#include "lib/log.h"
#include "proto/imap.h"

struct imap_append {
	struct store_delivery *d;
	char mailbox[STORE_MAILBOX_MAX + 1];
	unsigned char sha[32];
	const char *data;
	size_t len;
	int64_t internal_date;
};

static void imap_append_free(void *arg)
{
	struct imap_append *a = arg;

	if (a->d)
		store_delivery_end(a->d);
	free(a);
}

static void imap_append_written(struct imap_session *s, int res)
{
	struct imap_append *a = s->cmd_ctx;
	const struct store_rcpt_result *r;
	int rc;

	if (res < 0) {
		log_warnx("imap %s: writing %s: %s", s->c->peer_addr,
			  store_delivery_path(a->d), strerror(-res));
		imap_cmd_done(s, "NO", "[UNAVAILABLE] Cannot write the "
			      "message, try later");
		return;
	}
	rc = store_delivery_commit(a->d, a->sha, a->len, a->internal_date);
	r = store_delivery_result(a->d, 0);
	if (rc != STORE_OK || !r || r->status != STORE_OK) {
		imap_store_fail(s, rc != STORE_OK ? rc : r ? r->status :
				STORE_EIO, "APPEND");
		return;
	}
	log_info("imap %s: %s appended %zu bytes to %s uid %u",
		 s->c->peer_addr, s->user, a->len, a->mailbox, r->uid);
	imap_notify(s, a->mailbox);
	imap_cmd_done(s, "OK", "[APPENDUID %u %u] Append completed",
		      r->uidvalidity, r->uid);
}

static int imap_append_sha(const char *data, size_t len, unsigned char *sha)
{
	unsigned int shalen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, data, len) &&
	     EVP_DigestFinal_ex(ctx, sha, &shalen) && shalen == 32;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

void imap_cmd_append(struct imap_session *s, struct imap_cmd *cmd)
{
	const struct imap_arg *args = cmd->args, *msg;
	struct store_rcpt_result res;
	size_t nargs = cmd->nargs;
	struct imap_append *a;
	uint32_t flags = 0;
	uint64_t keywords = 0;
	const char *err;
	time_t t;
	int tz, rc;

	if (nargs < 2 || nargs > 4) {
		imap_cmd_done(s, "BAD", "APPEND needs a mailbox and a message");
		return;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		imap_cmd_done(s, "NO", "[SERVERBUG] Out of memory");
		return;
	}
	s->cmd_ctx = a;
	s->cmd_ctx_free = imap_append_free;
	if (imap_mailbox_arg(s, &args[0], a->mailbox) < 0)
		return;
	msg = &args[nargs - 1];
	if (msg->type != IMAP_ARG_LITERAL && msg->type != IMAP_ARG_STRING) {
		imap_cmd_done(s, "BAD", "The message must be a literal");
		return;
	}
	if (!msg->len) {
		imap_cmd_done(s, "NO", "Empty message");
		return;
	}
	a->data = msg->v.str;
	a->len = msg->len;
	if (nargs >= 3 && args[1].type == IMAP_ARG_LIST) {
		/* Check the mailbox first: keywords are created in it. */
		char (*kw)[STORE_KEYWORD_MAX + 1] = NULL;
		size_t nkw;

		rc = store_keyword_names(s->env->store, s->user, a->mailbox,
					 &kw, &nkw);
		free(kw);
		if (rc == STORE_ENOMBOX) {
			imap_cmd_done(s, "NO", "[TRYCREATE] No such mailbox");
			return;
		}
		if (imap_flags_parse(s, a->mailbox, &args[1], &flags,
				     &keywords, &err) < 0) {
			imap_cmd_done(s, "BAD", "%s", err);
			return;
		}
		args++;
		nargs--;
	}
	if (nargs == 3) {
		if (args[1].type != IMAP_ARG_STRING ||
		    imap_datetime_parse(args[1].v.str, &t, &tz) < 0) {
			imap_cmd_done(s, "BAD", "Invalid date-time");
			return;
		}
		a->internal_date = (int64_t)t;
	} else if (nargs != 2) {
		imap_cmd_done(s, "BAD", "Invalid APPEND arguments");
		return;
	}
	rc = store_delivery_begin(s->env->store, a->len, &a->d);
	if (rc == STORE_OK)
		rc = store_delivery_rcpt(a->d, s->user, a->mailbox,
					 STORE_RCPT_EXACT, &res);
	if (rc == STORE_ENOMBOX) {
		imap_cmd_done(s, "NO", "[TRYCREATE] No such mailbox");
		return;
	}
	if (rc != STORE_OK) {
		imap_store_fail(s, rc, "APPEND");
		return;
	}
	store_delivery_set_flags(a->d, flags, keywords);
	if (imap_append_sha(a->data, a->len, a->sha) < 0) {
		imap_cmd_done(s, "NO", "[SERVERBUG] Cannot hash the message");
		return;
	}
	imap_io_write_sync(s, store_delivery_fd(a->d), a->data, a->len,
			   imap_append_written);
}
