// SPDX-License-Identifier: GPL-2.0
/*
 * LMTP (RFC 2033): how an MTA hands mail to the slot.
 *
 * A transaction is MAIL, RCPT..., DATA. MAIL starts a store delivery
 * (a temporary file in the slot); each RCPT is checked against the store
 * at once (unknown user, quota) and answered by itself; the DATA stream is
 * unstuffed, hashed (SHA-256) and written to the file through the ring in
 * chunks, so a large message never sits in memory. After the final dot
 * the file is fsync'ed through the ring, the store commits it for every
 * recipient, and only then each recipient gets its own 250: a 250 means
 * the message is on stable storage.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "lib/log.h"
#include "proto/dot.h"
#include "proto/lmtp_parse.h"
#include "proto/proto.h"
#include "store/store.h"

#define LMTP_RCPT_MAX	1000		/* recipients per transaction */
#define LMTP_GROUP_MAX	64		/* deliveries in one group commit */
#define LMTP_CHUNK	(64 * 1024)	/* body bytes per file write */
#define LMTP_BODY_CAP	(4 * LMTP_CHUNK)	/* body held in memory */

enum lmtp_state {
	LMTP_S_GREETED,		/* waiting for LHLO */
	LMTP_S_READY,		/* waiting for MAIL */
	LMTP_S_MAIL,		/* MAIL given, taking RCPTs */
	LMTP_S_DATA,		/* receiving the message */
	LMTP_S_COMMIT,		/* final dot seen: write, fsync, commit */
	LMTP_S_QUIT,
	LMTP_S_COUNT,
};

static const char *const lmtp_state_names[LMTP_S_COUNT] = {
	[LMTP_S_GREETED] = "greeted",
	[LMTP_S_READY] = "ready",
	[LMTP_S_MAIL] = "mail",
	[LMTP_S_DATA] = "data",
	[LMTP_S_COMMIT] = "commit",
	[LMTP_S_QUIT] = "quit",
};

/* A recipient the store took: its address and the slot user. */
struct lmtp_accepted {
	char addr[LMTP_ADDR_MAX + 1];
	char user[STORE_USER_MAX + 1];
};

struct lmtp_session {
	struct conn *c;			/* NULL once the client is gone */
	struct proto_env *env;
	enum lmtp_state state;
	bool stop_after;		/* SIGTERM came during a commit */
	struct lmtp_session *commit_next;	/* queued for the group commit */
	bool commit_queued;
	bool greet_on_tls;		/* implicit TLS: greet after handshake */

	/* The transaction. */
	struct lmtp_mail mail;
	struct store_delivery *d;
	struct lmtp_accepted *rcpts;	/* accepted, in store order */
	size_t nrcpt;

	/* The message body on its way to the file. */
	struct dot_unstuffer dot;
	EVP_MD_CTX *sha;
	struct buf body;		/* unstuffed, waiting for a write */
	struct buf writing;		/* handed to the kernel */
	unsigned long long size;	/* bytes of the message */
	unsigned long long file_off;
	bool too_big;
	bool io_error;
	bool data_done;			/* final dot consumed */
	struct ev_op write_op;
	struct ev_op fsync_op;
	bool write_pending;
	bool fsync_pending;
};

static void lmtp_enter_state(struct lmtp_session *s, enum lmtp_state state)
{
	if (s->c)
		log_debug("lmtp %s: %s -> %s", s->c->peer_addr,
			  lmtp_state_names[s->state], lmtp_state_names[state]);
	s->state = state;
}

static void lmtp_reply(struct lmtp_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void lmtp_reply(struct lmtp_session *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->c)
		return;
	va_start(ap, fmt);
	conn_vreply(s->c, 600, fmt, ap);
	va_end(ap);
}

/* Forget the transaction (RSET, after a delivery, on close). */
static void lmtp_reset(struct lmtp_session *s)
{
	if (s->d) {
		store_delivery_end(s->d);
		s->d = NULL;
	}
	free(s->rcpts);
	s->rcpts = NULL;
	s->nrcpt = 0;
	memset(&s->mail, 0, sizeof(s->mail));
	buf_free(&s->body);
	buf_free(&s->writing);
	s->size = 0;
	s->file_off = 0;
	s->too_big = false;
	s->io_error = false;
	s->data_done = false;
}

static void lmtp_free(struct lmtp_session *s)
{
	lmtp_reset(s);
	EVP_MD_CTX_free(s->sha);
	s->env->sessions--;
	free(s);
}

/* The session ends once the client is gone and the ring let go. */
static bool lmtp_maybe_free(struct lmtp_session *s)
{
	if (s->c || s->write_pending || s->fsync_pending || s->commit_queued)
		return false;
	lmtp_free(s);
	return true;
}

static void lmtp_close(struct lmtp_session *s)
{
	lmtp_enter_state(s, LMTP_S_QUIT);
	conn_close(s->c);
}

/* ---- Commands --------------------------------------------------------- */

static void lmtp_cmd_lhlo(struct lmtp_session *s, struct lmtp_cmd *cmd)
{
	const struct slotd_conf *conf = s->env->conf;

	if (!cmd->arg[0]) {
		lmtp_reply(s, "501 5.5.4 LHLO needs a host name");
		return;
	}
	lmtp_reset(s);
	lmtp_reply(s, "250-%s", conf->hostname);
	lmtp_reply(s, "250-PIPELINING");
	lmtp_reply(s, "250-ENHANCEDSTATUSCODES");
	lmtp_reply(s, "250-8BITMIME");
	if (s->env->tls && !conn_is_tls(s->c))
		lmtp_reply(s, "250-STARTTLS");
	lmtp_reply(s, "250 SIZE %llu", conf->max_message_size);
	lmtp_enter_state(s, LMTP_S_READY);
}

static void lmtp_cmd_mail(struct lmtp_session *s, struct lmtp_cmd *cmd)
{
	const char *err;
	int st;

	if (lmtp_parse_mail(cmd->arg, &s->mail, &err) < 0) {
		lmtp_reply(s, "%s", err);
		return;
	}
	if (s->mail.size > s->env->conf->max_message_size) {
		lmtp_reply(s, "552 5.3.4 Message size exceeds fixed maximum "
			   "message size (%llu)",
			   s->env->conf->max_message_size);
		return;
	}
	st = store_delivery_begin(s->env->store, s->mail.size, &s->d);
	if (st != STORE_OK) {
		log_warnx("lmtp: cannot start a delivery: %s",
			  store_error(s->env->store));
		s->d = NULL;
		lmtp_reply(s, "451 4.3.0 Temporary failure, try again later");
		return;
	}
	lmtp_reply(s, "250 2.1.0 Sender OK");
	lmtp_enter_state(s, LMTP_S_MAIL);
}

/* Add one recipient: user@domain if that is a user, else the local part. */
static int lmtp_add_rcpt(struct lmtp_session *s, const struct lmtp_rcpt *r,
			 char *who)
{
	char full[2 * LMTP_ADDR_MAX + 2];
	const char *mailbox = r->detail[0] ? r->detail : NULL;
	const char *user = r->user;
	struct store_rcpt_result res;
	size_t len;
	int st;

	if (r->domain[0]) {
		snprintf(full, sizeof(full), "%s@%s", r->user, r->domain);
		if (store_user_name_valid(full) &&
		    store_user_exists(s->env->store, full) == STORE_OK)
			user = full;
	}
	if (!store_user_name_valid(user))
		return STORE_ENOUSER;
	st = store_delivery_rcpt(s->d, user, mailbox, 0, &res);
	if (st == STORE_EBADNAME && mailbox)	/* odd +detail: INBOX */
		st = store_delivery_rcpt(s->d, user, NULL, 0, &res);
	if (st == STORE_OK) {
		/* A valid user name fits (store_user_name_valid). */
		len = strnlen(user, STORE_USER_MAX);
		memcpy(who, user, len);
		who[len] = '\0';
	}
	return st;
}

static void lmtp_cmd_rcpt(struct lmtp_session *s, struct lmtp_cmd *cmd)
{
	char user[STORE_USER_MAX + 1];
	struct lmtp_rcpt r;
	const char *err;
	void *p;
	int st;

	if (lmtp_parse_rcpt(cmd->arg, &r, &err) < 0) {
		lmtp_reply(s, "%s", err);
		return;
	}
	if (s->nrcpt >= LMTP_RCPT_MAX) {
		lmtp_reply(s, "452 4.5.3 Too many recipients");
		return;
	}
	st = lmtp_add_rcpt(s, &r, user);
	switch (st) {
	case STORE_OK:
		break;
	case STORE_ENOUSER:
		log_info("lmtp %s: <%s>: no such user", s->c->peer_addr,
			 r.addr);
		lmtp_reply(s, "550 5.1.1 <%s>: no such user here", r.addr);
		return;
	case STORE_EQUOTA:
		lmtp_reply(s, "452 4.2.2 <%s>: mailbox full", r.addr);
		return;
	case STORE_EQUOTA_PERM:
		lmtp_reply(s, "552 5.2.2 <%s>: message larger than the "
			   "mailbox quota", r.addr);
		return;
	default:
		log_warnx("lmtp: recipient <%s>: %s", r.addr,
			  store_error(s->env->store));
		lmtp_reply(s, "451 4.3.0 <%s>: temporary failure", r.addr);
		return;
	}
	p = realloc(s->rcpts, (s->nrcpt + 1) * sizeof(*s->rcpts));
	if (!p) {
		/* The store has it; we can't answer for it: give up. */
		lmtp_reply(s, "421 4.3.0 Out of memory");
		lmtp_close(s);
		return;
	}
	s->rcpts = p;
	strcpy(s->rcpts[s->nrcpt].addr, r.addr);
	strcpy(s->rcpts[s->nrcpt++].user, user);
	lmtp_reply(s, "250 2.1.5 <%s> OK", r.addr);
}

static void lmtp_data_input(struct lmtp_session *s);

static void lmtp_cmd_data(struct lmtp_session *s, struct lmtp_cmd *cmd)
{
	(void)cmd;
	if (!s->nrcpt) {
		lmtp_reply(s, "503 5.5.1 No valid recipients");
		return;
	}
	if (!s->sha)
		s->sha = EVP_MD_CTX_new();
	if (!s->sha || !EVP_DigestInit_ex(s->sha, EVP_sha256(), NULL)) {
		lmtp_reply(s, "451 4.3.0 Temporary failure, try again later");
		return;
	}
	dot_unstuff_init(&s->dot);
	buf_init(&s->body, LMTP_BODY_CAP + 2 * LMTP_CHUNK);
	buf_init(&s->writing, LMTP_BODY_CAP + 2 * LMTP_CHUNK);
	lmtp_reply(s, "354 Start mail input; end with <CRLF>.<CRLF>");
	lmtp_enter_state(s, LMTP_S_DATA);
}

static void lmtp_cmd_rset(struct lmtp_session *s, struct lmtp_cmd *cmd)
{
	(void)cmd;
	lmtp_reset(s);
	lmtp_reply(s, "250 2.0.0 OK");
	lmtp_enter_state(s, LMTP_S_READY);
}

static void lmtp_cmd_noop(struct lmtp_session *s, struct lmtp_cmd *cmd)
{
	(void)cmd;
	lmtp_reply(s, "250 2.0.0 OK");
}

static void lmtp_cmd_vrfy(struct lmtp_session *s, struct lmtp_cmd *cmd)
{
	(void)cmd;
	lmtp_reply(s, "252 2.5.0 Cannot VRFY user, but will accept message");
}

static void lmtp_cmd_quit(struct lmtp_session *s, struct lmtp_cmd *cmd)
{
	(void)cmd;
	lmtp_reply(s, "221 2.0.0 %s closing connection",
		   s->env->conf->hostname);
	lmtp_close(s);
}

static void lmtp_cmd_starttls(struct lmtp_session *s, struct lmtp_cmd *cmd)
{
	(void)cmd;
	if (!s->env->tls || conn_is_tls(s->c)) {
		lmtp_reply(s, "502 5.5.1 STARTTLS not available");
		return;
	}
	lmtp_reply(s, "220 2.0.0 Ready to start TLS");
	lmtp_reset(s);
	if (conn_starttls(s->c, s->env->tls) < 0) {
		conn_abort(s->c);
		return;
	}
	/* RFC 3207: the client starts over with LHLO. */
	lmtp_enter_state(s, LMTP_S_GREETED);
}

static void lmtp_cmd_helo(struct lmtp_session *s, struct lmtp_cmd *cmd)
{
	(void)cmd;
	lmtp_reply(s, "500 5.5.1 This is LMTP: use LHLO");
}

#define ST(x) (1u << LMTP_S_##x)

/* Each verb, the states it is valid in, and what it does. */
static const struct {
	enum lmtp_verb verb;
	unsigned int states;
	void (*fn)(struct lmtp_session *s, struct lmtp_cmd *cmd);
} lmtp_commands[] = {
	{ LMTP_LHLO, ST(GREETED) | ST(READY) | ST(MAIL), lmtp_cmd_lhlo },
	{ LMTP_MAIL, ST(READY), lmtp_cmd_mail },
	{ LMTP_RCPT, ST(MAIL), lmtp_cmd_rcpt },
	{ LMTP_DATA, ST(MAIL), lmtp_cmd_data },
	{ LMTP_RSET, ST(GREETED) | ST(READY) | ST(MAIL), lmtp_cmd_rset },
	{ LMTP_NOOP, ST(GREETED) | ST(READY) | ST(MAIL), lmtp_cmd_noop },
	{ LMTP_VRFY, ST(GREETED) | ST(READY) | ST(MAIL), lmtp_cmd_vrfy },
	{ LMTP_QUIT, ST(GREETED) | ST(READY) | ST(MAIL), lmtp_cmd_quit },
	{ LMTP_STARTTLS, ST(GREETED) | ST(READY), lmtp_cmd_starttls },
	{ LMTP_HELO, ST(GREETED) | ST(READY) | ST(MAIL), lmtp_cmd_helo },
};

static void lmtp_command(struct lmtp_session *s, char *line)
{
	struct lmtp_cmd cmd;
	size_t i;

	lmtp_parse_cmd(line, &cmd);
	for (i = 0; i < sizeof(lmtp_commands) / sizeof(lmtp_commands[0]); i++)
		if (lmtp_commands[i].verb == cmd.verb)
			break;
	if (i == sizeof(lmtp_commands) / sizeof(lmtp_commands[0])) {
		lmtp_reply(s, "500 5.5.2 Command not recognized");
		return;
	}
	if (!(lmtp_commands[i].states & (1u << s->state))) {
		if (s->state == LMTP_S_GREETED)
			lmtp_reply(s, "503 5.5.1 Send LHLO first");
		else if (cmd.verb == LMTP_MAIL)
			lmtp_reply(s, "503 5.5.1 Nested MAIL command");
		else
			lmtp_reply(s, "503 5.5.1 Bad sequence of commands");
		return;
	}
	lmtp_commands[i].fn(s, &cmd);
}

/* ---- The message body ------------------------------------------------- */

static void lmtp_finish(struct lmtp_session *s);

static void lmtp_write_start(struct lmtp_session *s)
{
	struct io_uring_sqe *sqe;

	if (s->write_pending || s->io_error)
		return;
	if (!buf_used(&s->writing)) {
		if (!buf_used(&s->body) ||
		    (buf_used(&s->body) < LMTP_CHUNK && !s->data_done))
			return;
		buf_swap(&s->body, &s->writing);
	}
	sqe = ev_sqe(&s->write_op);
	io_uring_prep_write(sqe, store_delivery_fd(s->d),
			    buf_head(&s->writing),
			    (unsigned int)buf_used(&s->writing), s->file_off);
	s->write_pending = true;
}

static void lmtp_fsync_done(struct ev_op *op, int res, unsigned int flags)
{
	struct lmtp_session *s = container_of(op, struct lmtp_session,
					      fsync_op);

	(void)flags;
	s->fsync_pending = false;
	if (res < 0) {
		log_warnx("lmtp: fsync of %s: %s", store_delivery_path(s->d),
			  strerror(-res));
		s->io_error = true;
	}
	if (lmtp_maybe_free(s))
		return;
	lmtp_finish(s);
}

/* Everything written: fsync, or answer at once if there is nothing to. */
static void lmtp_flush_done(struct lmtp_session *s)
{
	struct io_uring_sqe *sqe;

	if (s->too_big || s->io_error || !s->c) {
		lmtp_finish(s);
		return;
	}
	sqe = ev_sqe(&s->fsync_op);
	io_uring_prep_fsync(sqe, store_delivery_fd(s->d), 0);
	s->fsync_pending = true;
}

static void lmtp_write_done(struct ev_op *op, int res, unsigned int flags)
{
	struct lmtp_session *s = container_of(op, struct lmtp_session,
					      write_op);

	(void)flags;
	s->write_pending = false;
	if (res <= 0) {
		if (!s->io_error && s->d)
			log_warnx("lmtp: write to %s: %s",
				  store_delivery_path(s->d),
				  res ? strerror(-res) : "no progress");
		s->io_error = true;
		buf_reset(&s->writing);
		buf_reset(&s->body);
	} else {
		buf_consume(&s->writing, (size_t)res);
		s->file_off += (unsigned long long)res;
	}
	if (lmtp_maybe_free(s))
		return;
	if (!s->c) {
		/* Client gone: stop writing, let the ring drain. */
		s->io_error = true;
		return;
	}
	lmtp_write_start(s);
	if (s->state == LMTP_S_DATA && s->c->paused &&
	    buf_used(&s->body) < LMTP_BODY_CAP)
		conn_resume(s->c);
	if (s->state == LMTP_S_COMMIT && !s->write_pending &&
	    !buf_used(&s->body) && !buf_used(&s->writing))
		lmtp_flush_done(s);
}

static void lmtp_data_input(struct lmtp_session *s)
{
	struct conn *c = s->c;
	unsigned long long max = s->env->conf->max_message_size;
	size_t chunk, used, outlen;
	bool end = false;

	while (buf_used(&c->in) && !end) {
		chunk = buf_used(&c->in);
		if (chunk > LMTP_CHUNK)
			chunk = LMTP_CHUNK;
		if (buf_used(&s->body) >= LMTP_BODY_CAP ||
		    buf_reserve(&s->body, 2 * chunk) < 0) {
			conn_pause(c);	/* resumed when a write finishes */
			break;
		}
		used = dot_unstuff(&s->dot, buf_head(&c->in), chunk,
				   buf_tail(&s->body), &outlen, &end);
		buf_consume(&c->in, used);
		if (!s->too_big && s->size + outlen > max) {
			log_info("lmtp %s: message over %llu bytes, refusing",
				 c->peer_addr, max);
			s->too_big = true;
		}
		s->size += outlen;
		if (s->too_big || s->io_error)
			continue;	/* read on to the dot, keep nothing */
		EVP_DigestUpdate(s->sha, buf_tail(&s->body), outlen);
		buf_commit(&s->body, outlen);
	}
	if (end) {
		s->data_done = true;
		lmtp_enter_state(s, LMTP_S_COMMIT);
		conn_pause(c);	/* pipelined commands wait for the replies */
	}
	lmtp_write_start(s);
	if (end && !s->write_pending)
		lmtp_flush_done(s);
}

static void lmtp_answer(struct lmtp_session *s, const char *why);

/*
 * Group commit: deliveries whose data reached the disk in the same loop
 * turn are committed together before the loop waits again, so they share
 * one log flush and one directory fsync (store_delivery_commit_many).
 */
static struct lmtp_session *lmtp_commit_head;
static struct lmtp_session **lmtp_commit_tail = &lmtp_commit_head;

static void lmtp_commit_group(void)
{
	struct store_delivery *ds[LMTP_GROUP_MAX];
	struct lmtp_session *s, *next;
	const char *why = NULL;
	size_t n = 0;
	int st;

	for (s = lmtp_commit_head; s && n < LMTP_GROUP_MAX; s = s->commit_next)
		ds[n++] = s->d;
	st = store_delivery_commit_many(ds, n);
	/* Per-recipient answers, unless the commit failed as a whole. */
	if (st != STORE_OK && st != STORE_EQUOTA && st != STORE_EQUOTA_PERM &&
	    st != STORE_ENOUSER && st != STORE_ENOMBOX) {
		log_warnx("lmtp: commit failed: %s",
			  store_error(lmtp_commit_head->env->store));
		why = "451 4.3.0 Temporary failure storing the message";
	}
	for (s = lmtp_commit_head; n--; s = next) {
		next = s->commit_next;
		s->commit_next = NULL;
		s->commit_queued = false;
		lmtp_commit_head = next;
		if (!next)
			lmtp_commit_tail = &lmtp_commit_head;
		if (!s->c) {
			lmtp_maybe_free(s);	/* stored, the client is gone */
			continue;
		}
		lmtp_answer(s, why);
	}
}

void lmtp_commit_queued(void)
{
	while (lmtp_commit_head)
		lmtp_commit_group();
}

/* After the final dot: queue the commit, or answer a failed transfer. */
static void lmtp_finish(struct lmtp_session *s)
{
	unsigned char sha[32];
	unsigned int shalen = 0;

	if (!s->c) {
		lmtp_maybe_free(s);
		return;
	}
	if (s->too_big) {
		lmtp_answer(s, "552 5.3.4 Message too big");
		return;
	}
	if (s->io_error) {
		lmtp_answer(s, "451 4.3.0 Temporary failure writing the message");
		return;
	}
	EVP_DigestFinal_ex(s->sha, sha, &shalen);
	store_delivery_set_content(s->d, sha, s->size, 0);
	*lmtp_commit_tail = s;
	lmtp_commit_tail = &s->commit_next;
	s->commit_queued = true;
}

/* One reply per recipient: why for all, or each one's commit result. */
static void lmtp_answer(struct lmtp_session *s, const char *why)
{
	const struct store_rcpt_result *r;
	size_t i;

	for (i = 0; i < s->nrcpt; i++) {
		if (why) {
			lmtp_reply(s, "%s", why);
			continue;
		}
		r = store_delivery_result(s->d, i);
		switch (r->status) {
		case STORE_OK:
			log_info("lmtp %s: <%s> -> <%s> %s uid %u, %llu bytes",
				 s->c->peer_addr, s->mail.from, s->rcpts[i].addr,
				 r->mailbox, r->uid, s->size);
			lmtp_reply(s, "250 2.0.0 <%s> delivered",
				   s->rcpts[i].addr);
			proto_mailbox_changed(s->rcpts[i].user, r->mailbox);
			break;
		case STORE_EQUOTA:
			lmtp_reply(s, "452 4.2.2 <%s> mailbox full",
				   s->rcpts[i].addr);
			break;
		case STORE_EQUOTA_PERM:
			lmtp_reply(s, "552 5.2.2 <%s> message larger than "
				   "the mailbox quota", s->rcpts[i].addr);
			break;
		case STORE_ENOUSER:
			lmtp_reply(s, "550 5.1.1 <%s> no such user here",
				   s->rcpts[i].addr);
			break;
		default:
			lmtp_reply(s, "451 4.3.0 <%s> temporary failure: %s",
				   s->rcpts[i].addr, store_strerror(r->status));
			break;
		}
	}
	lmtp_reset(s);
	lmtp_enter_state(s, LMTP_S_READY);
	if (s->stop_after || s->env->stopping) {
		lmtp_reply(s, "421 4.3.2 %s Service shutting down",
			   s->env->conf->hostname);
		lmtp_close(s);
		return;
	}
	conn_resume(s->c);
}

/* ---- Connection callbacks --------------------------------------------- */

static void lmtp_input(struct conn *c)
{
	struct lmtp_session *s = c->ctx;
	enum buf_line got;
	size_t len;
	char *line;

	while (c->state == CONN_OPEN && !c->paused) {
		if (s->state == LMTP_S_DATA) {
			lmtp_data_input(s);
			if (s->state == LMTP_S_DATA)
				break;	/* all consumed, or paused */
			continue;
		}
		if (s->state != LMTP_S_GREETED && s->state != LMTP_S_READY &&
		    s->state != LMTP_S_MAIL)
			break;
		got = buf_getline(&c->in, s->env->conf->max_line, &line, &len);
		if (got == BUF_LINE_NEED)
			break;
		if (got == BUF_LINE_TOO_LONG) {
			log_info("lmtp %s: command line over %llu bytes",
				 c->peer_addr, s->env->conf->max_line);
			lmtp_reply(s, "500 5.5.2 Line too long");
			lmtp_close(s);
			break;
		}
		if (memchr(line, '\0', len)) {
			lmtp_reply(s, "500 5.5.2 NUL in command");
			continue;
		}
		lmtp_command(s, line);
	}
	if (s->state == LMTP_S_DATA && !buf_used(&c->in))
		buf_shrink(&c->in);
}

static void lmtp_greet(struct lmtp_session *s)
{
	lmtp_reply(s, "220 %s LMTP slotd ready", s->env->conf->hostname);
}

static void lmtp_tls_ready(struct conn *c)
{
	struct lmtp_session *s = c->ctx;

	/* After STARTTLS the client speaks first; implicit TLS: greet. */
	if (s->greet_on_tls) {
		s->greet_on_tls = false;
		lmtp_greet(s);
	}
}

static void lmtp_idle(struct conn *c)
{
	struct lmtp_session *s = c->ctx;

	lmtp_reply(s, "421 4.4.2 %s Idle timeout, closing connection",
		   s->env->conf->hostname);
	lmtp_close(s);
}

static void lmtp_stop(struct conn *c)
{
	struct lmtp_session *s = c->ctx;

	if (s->state == LMTP_S_COMMIT) {
		s->stop_after = true;	/* answer the delivery first */
		return;
	}
	lmtp_reply(s, "421 4.3.2 %s Service shutting down",
		   s->env->conf->hostname);
	lmtp_close(s);
}

static void lmtp_closed(struct conn *c)
{
	struct lmtp_session *s = c->ctx;

	s->c = NULL;
	lmtp_maybe_free(s);
}

static const struct conn_ops lmtp_conn_ops = {
	.input = lmtp_input,
	.tls_ready = lmtp_tls_ready,
	.idle = lmtp_idle,
	.stop = lmtp_stop,
	.closed = lmtp_closed,
};

static int lmtp_start(struct conn *c, struct proto_env *env, bool tls)
{
	struct lmtp_session *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	s->c = c;
	s->env = env;
	s->state = LMTP_S_GREETED;
	s->write_op.cb = lmtp_write_done;
	s->fsync_op.cb = lmtp_fsync_done;
	env->sessions++;
	conn_start(c, &lmtp_conn_ops, s);
	if (tls) {
		s->greet_on_tls = true;
		return conn_starttls(c, env->tls);
	}
	lmtp_greet(s);
	return 0;
}

static void lmtp_reject(struct conn *c, const char *why)
{
	conn_printf(c, "421 4.7.0 %s\r\n", why);
	conn_close(c);
}

const struct proto proto_lmtp = {
	.name = "lmtp",
	.start = lmtp_start,
	.reject = lmtp_reject,
};
