// SPDX-License-Identifier: GPL-2.0
/*
 * POP3 (RFC 1939) with CAPA, RESP-CODES, PIPELINING (RFC 2449), UIDL,
 * TOP, STLS (RFC 2595) and AUTH PLAIN (RFC 5034).
 *
 * After login the session takes a snapshot of INBOX; DELE only marks,
 * and the marked messages are expunged in the store at QUIT (the UPDATE
 * state). RETR and TOP stream the message file through the ring, a chunk
 * at a time, dot-stuffed on the way. UIDL is "UIDVALIDITY.UID", which
 * never changes for a message.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "proto/auth.h"
#include "proto/dot.h"
#include "proto/pop3_parse.h"
#include "proto/proto.h"
#include "proto/sasl.h"
#include "store/store.h"

#define POP3_READ_CHUNK		(32 * 1024)
#define POP3_OUT_LOWAT		(64 * 1024)	/* read more below this */

enum pop3_state {
	POP3_S_AUTH,		/* AUTHORIZATION */
	POP3_S_SASL,		/* AUTH PLAIN waiting for the response */
	POP3_S_CHECK,		/* the auth pool checks a password */
	POP3_S_DELAY,		/* a failed login, answer held back */
	POP3_S_TRANS,		/* TRANSACTION */
	POP3_S_SEND,		/* streaming RETR/TOP */
	POP3_S_UPDATE,		/* QUIT: expunging, then closing */
	POP3_S_COUNT,
};

static const char *const pop3_state_names[POP3_S_COUNT] = {
	[POP3_S_AUTH] = "authorization",
	[POP3_S_SASL] = "sasl",
	[POP3_S_CHECK] = "check",
	[POP3_S_DELAY] = "delay",
	[POP3_S_TRANS] = "transaction",
	[POP3_S_SEND] = "send",
	[POP3_S_UPDATE] = "update",
};

struct pop3_session {
	struct conn *c;			/* NULL once the client is gone */
	struct proto_env *env;
	enum pop3_state state;
	bool greet_on_tls;

	char user[STORE_USER_MAX + 1];	/* USER given, or logged in */
	bool have_user;
	unsigned int failures;
	struct ev_timer delay;
	struct auth_req auth;
	bool auth_busy;

	/* The maildrop snapshot taken at login. */
	struct store_msg *msgs;
	size_t nmsgs;
	bool *deleted;
	uint32_t uidvalidity;

	/* A message on its way out. */
	int fd;
	struct dot_stuffer stuffer;
	struct ev_op read_op;
	bool read_pending;
	unsigned long long read_off;
	char *rbuf;
};

static void pop3_enter_state(struct pop3_session *s, enum pop3_state state)
{
	if (s->c)
		log_debug("pop3 %s: %s -> %s", s->c->peer_addr,
			  pop3_state_names[s->state], pop3_state_names[state]);
	s->state = state;
}

static void pop3_reply(struct pop3_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void pop3_reply(struct pop3_session *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->c)
		return;
	va_start(ap, fmt);
	conn_vreply(s->c, 512, fmt, ap);
	va_end(ap);
}

static void pop3_file_close(struct pop3_session *s)
{
	struct io_uring_sqe *sqe;

	if (s->fd < 0)
		return;
	sqe = ev_sqe(NULL);
	io_uring_prep_close(sqe, s->fd);
	s->fd = -1;
}

static bool pop3_maybe_free(struct pop3_session *s)
{
	if (s->c || s->read_pending || s->auth_busy ||
	    ev_timer_busy(&s->delay))
		return false;
	pop3_file_close(s);
	free(s->rbuf);
	free(s->msgs);
	free(s->deleted);
	explicit_bzero(s->user, sizeof(s->user));
	s->env->sessions--;
	free(s);
	return true;
}

static void pop3_close(struct pop3_session *s)
{
	conn_close(s->c);
}

/* ---- Authorization ---------------------------------------------------- */

static bool pop3_plaintext_ok(struct pop3_session *s)
{
	return proto_plaintext_ok(s->env, s->c);
}

static void pop3_delay_done(struct ev_timer *t)
{
	struct pop3_session *s = container_of(t, struct pop3_session, delay);

	if (!s->c) {
		pop3_maybe_free(s);
		return;
	}
	pop3_reply(s, "-ERR [AUTH] Authentication failed");
	pop3_enter_state(s, POP3_S_AUTH);
	if (s->failures >= s->env->conf->max_login_failures) {
		log_info("pop3 %s: %u failed logins, disconnecting",
			 s->c->peer_addr, s->failures);
		pop3_close(s);
		return;
	}
	conn_resume(s->c);
}

static void pop3_login_failed(struct pop3_session *s, const char *user)
{
	s->failures++;
	s->have_user = false;
	log_info("pop3 %s: authentication failed for user '%s'",
		 s->c->peer_addr, user);
	/* Hold the answer back: guessing passwords gets slow. */
	pop3_enter_state(s, POP3_S_DELAY);
	conn_pause(s->c);
	if (s->env->conf->login_fail_delay_ms)
		ev_timer_start(&s->delay,
			       (unsigned int)s->env->conf->login_fail_delay_ms);
	else
		pop3_delay_done(&s->delay);
}

static int pop3_open_maildrop(struct pop3_session *s)
{
	struct store_mailbox_info info;
	struct store *st = s->env->store;

	if (store_mailbox_info(st, s->user, NULL, &info) != STORE_OK ||
	    store_msg_list(st, s->user, NULL, STORE_LIST_LIVE, 0, &s->msgs,
			   &s->nmsgs) != STORE_OK) {
		log_warnx("pop3: maildrop of %s: %s", s->user,
			  store_error(st));
		return -1;
	}
	s->uidvalidity = info.uidvalidity;
	s->deleted = calloc(s->nmsgs ? s->nmsgs : 1, sizeof(bool));
	return s->deleted ? 0 : -1;
}

/* The pool answered: finish the login started by pop3_login(). */
static void pop3_auth_done(struct auth_req *req)
{
	struct pop3_session *s = container_of(req, struct pop3_session, auth);

	s->auth_busy = false;
	if (!s->c) {
		pop3_maybe_free(s);
		return;
	}
	pop3_enter_state(s, POP3_S_AUTH);
	if (req->status == STORE_EAUTH || req->status == STORE_ENOUSER) {
		pop3_login_failed(s, req->user);
		return;
	}
	conn_resume(s->c);
	if (req->status != STORE_OK) {
		pop3_reply(s, "-ERR [SYS/TEMP] Authentication unavailable");
		return;
	}
	strcpy(s->user, req->user);
	for (char *p = s->user; *p; p++)	/* the store folds too */
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (pop3_open_maildrop(s) < 0) {
		pop3_reply(s, "-ERR [SYS/TEMP] Cannot open the maildrop");
		return;
	}
	log_info("pop3 %s: %s logged in%s, %zu messages", s->c->peer_addr,
		 s->user, conn_is_tls(s->c) ? " with TLS" : "", s->nmsgs);
	pop3_reply(s, "+OK Logged in, %zu messages", s->nmsgs);
	pop3_enter_state(s, POP3_S_TRANS);
}

/* Check the password on the auth pool; input waits meanwhile. */
static void pop3_login(struct pop3_session *s, const char *name,
		       const char *pass)
{
	if (strlen(name) > STORE_USER_MAX || strlen(pass) > AUTH_PASS_MAX) {
		pop3_login_failed(s, "(too long)");
		return;
	}
	strcpy(s->auth.user, name);
	strcpy(s->auth.pass, pass);
	s->auth.done = pop3_auth_done;
	s->auth_busy = true;
	pop3_enter_state(s, POP3_S_CHECK);
	conn_pause(s->c);
	auth_submit(&s->auth);
}

static void pop3_cmd_user(struct pop3_session *s, struct pop3_cmd *cmd)
{
	if (!pop3_plaintext_ok(s)) {
		pop3_reply(s, "-ERR [AUTH] Plaintext authentication "
			   "disallowed on non-secure connections");
		return;
	}
	if (strlen(cmd->argv[0]) > STORE_USER_MAX) {
		pop3_reply(s, "-ERR [AUTH] User name too long");
		return;
	}
	strcpy(s->user, cmd->argv[0]);
	s->have_user = true;
	pop3_reply(s, "+OK");
}

static void pop3_cmd_pass(struct pop3_session *s, struct pop3_cmd *cmd)
{
	if (!pop3_plaintext_ok(s)) {
		pop3_reply(s, "-ERR [AUTH] Plaintext authentication "
			   "disallowed on non-secure connections");
		return;
	}
	if (!s->have_user) {
		pop3_reply(s, "-ERR Give USER first");
		return;
	}
	s->have_user = false;
	pop3_login(s, s->user, cmd->argv[0]);
	explicit_bzero(cmd->argv[0], strlen(cmd->argv[0]));
}

static void pop3_sasl_plain(struct pop3_session *s, const char *resp)
{
	struct sasl_plain pl;

	if (!strcmp(resp, "*")) {
		pop3_reply(s, "-ERR [AUTH] Authentication cancelled");
		return;
	}
	if (sasl_plain_decode(resp, &pl) < 0) {
		pop3_reply(s, "-ERR [AUTH] Malformed PLAIN response");
		return;
	}
	if (pl.authzid[0] && strcasecmp(pl.authzid, pl.authcid)) {
		pop3_reply(s, "-ERR [AUTH] Proxy authentication not "
			   "supported");
	} else {
		pop3_login(s, pl.authcid, pl.passwd);
	}
	explicit_bzero(&pl, sizeof(pl));
}

static void pop3_cmd_auth(struct pop3_session *s, struct pop3_cmd *cmd)
{
	if (!cmd->argc) {
		/* The pre-CAPA way of listing mechanisms. */
		pop3_reply(s, "+OK");
		if (pop3_plaintext_ok(s))
			pop3_reply(s, "PLAIN");
		pop3_reply(s, ".");
		return;
	}
	if (strcasecmp(cmd->argv[0], "PLAIN")) {
		pop3_reply(s, "-ERR [AUTH] Unsupported mechanism");
		return;
	}
	if (!pop3_plaintext_ok(s)) {
		pop3_reply(s, "-ERR [AUTH] Plaintext authentication "
			   "disallowed on non-secure connections");
		return;
	}
	if (cmd->argc == 2) {
		pop3_sasl_plain(s, strcmp(cmd->argv[1], "=") ?
				cmd->argv[1] : "");
		return;
	}
	pop3_reply(s, "+ ");
	pop3_enter_state(s, POP3_S_SASL);
}

static void pop3_cmd_stls(struct pop3_session *s, struct pop3_cmd *cmd)
{
	(void)cmd;
	if (!s->env->tls || conn_is_tls(s->c)) {
		pop3_reply(s, "-ERR STLS not available");
		return;
	}
	pop3_reply(s, "+OK Begin TLS negotiation");
	s->have_user = false;
	if (conn_starttls(s->c, s->env->tls) < 0)
		conn_abort(s->c);
}

static void pop3_cmd_capa(struct pop3_session *s, struct pop3_cmd *cmd)
{
	(void)cmd;
	pop3_reply(s, "+OK Capability list follows");
	pop3_reply(s, "TOP");
	pop3_reply(s, "UIDL");
	pop3_reply(s, "RESP-CODES");
	pop3_reply(s, "AUTH-RESP-CODE");
	pop3_reply(s, "PIPELINING");
	if (s->state == POP3_S_AUTH) {
		if (pop3_plaintext_ok(s)) {
			pop3_reply(s, "USER");
			pop3_reply(s, "SASL PLAIN");
		}
		if (s->env->tls && !conn_is_tls(s->c))
			pop3_reply(s, "STLS");
	}
	pop3_reply(s, "IMPLEMENTATION slotd");
	pop3_reply(s, ".");
}

/* ---- Transaction ------------------------------------------------------ */

/* Message number argument to index; replies and returns -1 if bad. */
static int pop3_msg_arg(struct pop3_session *s, const char *arg, size_t *idx)
{
	unsigned long n;

	if (pop3_parse_num(arg, s->nmsgs, &n) < 0) {
		pop3_reply(s, "-ERR No such message");
		return -1;
	}
	if (s->deleted[n - 1]) {
		pop3_reply(s, "-ERR Message %lu already deleted", n);
		return -1;
	}
	*idx = n - 1;
	return 0;
}

static void pop3_cmd_stat(struct pop3_session *s, struct pop3_cmd *cmd)
{
	unsigned long long bytes = 0;
	size_t i, n = 0;

	(void)cmd;
	for (i = 0; i < s->nmsgs; i++) {
		if (s->deleted[i])
			continue;
		n++;
		bytes += s->msgs[i].size;
	}
	pop3_reply(s, "+OK %zu %llu", n, bytes);
}

static void pop3_cmd_list(struct pop3_session *s, struct pop3_cmd *cmd)
{
	size_t i;

	if (cmd->argc) {
		if (pop3_msg_arg(s, cmd->argv[0], &i) == 0)
			pop3_reply(s, "+OK %zu %llu", i + 1,
				   (unsigned long long)s->msgs[i].size);
		return;
	}
	pop3_reply(s, "+OK Scan listing follows");
	for (i = 0; i < s->nmsgs; i++)
		if (!s->deleted[i])
			pop3_reply(s, "%zu %llu", i + 1,
				   (unsigned long long)s->msgs[i].size);
	pop3_reply(s, ".");
}

static void pop3_cmd_uidl(struct pop3_session *s, struct pop3_cmd *cmd)
{
	size_t i;

	if (cmd->argc) {
		if (pop3_msg_arg(s, cmd->argv[0], &i) == 0)
			pop3_reply(s, "+OK %zu %u.%u", i + 1, s->uidvalidity,
				   s->msgs[i].uid);
		return;
	}
	pop3_reply(s, "+OK Unique-ID listing follows");
	for (i = 0; i < s->nmsgs; i++)
		if (!s->deleted[i])
			pop3_reply(s, "%zu %u.%u", i + 1, s->uidvalidity,
				   s->msgs[i].uid);
	pop3_reply(s, ".");
}

static void pop3_cmd_dele(struct pop3_session *s, struct pop3_cmd *cmd)
{
	size_t i;

	if (pop3_msg_arg(s, cmd->argv[0], &i) < 0)
		return;
	s->deleted[i] = true;
	pop3_reply(s, "+OK Message %zu deleted", i + 1);
}

static void pop3_cmd_rset(struct pop3_session *s, struct pop3_cmd *cmd)
{
	(void)cmd;
	memset(s->deleted, 0, s->nmsgs * sizeof(bool));
	pop3_reply(s, "+OK");
}

static void pop3_cmd_noop(struct pop3_session *s, struct pop3_cmd *cmd)
{
	(void)cmd;
	pop3_reply(s, "+OK");
}

static void pop3_send_more(struct pop3_session *s);

static void pop3_read_done(struct ev_op *op, int res, unsigned int flags)
{
	struct pop3_session *s = container_of(op, struct pop3_session,
					      read_op);
	char *out;
	size_t n;

	(void)flags;
	s->read_pending = false;
	if (pop3_maybe_free(s))
		return;
	if (!s->c || s->state != POP3_S_SEND)
		return;
	if (res < 0) {
		/* Half a message was sent: the only honest end is to hang up. */
		log_warnx("pop3 %s: reading a message of %s: %s",
			  s->c->peer_addr, s->user, strerror(-res));
		pop3_file_close(s);
		conn_abort(s->c);
		return;
	}
	out = malloc(2 * (size_t)res + 8);
	if (!out) {
		conn_abort(s->c);
		return;
	}
	n = dot_stuff(&s->stuffer, s->rbuf, (size_t)res, out);
	s->read_off += (unsigned long long)res;
	if (res == 0 || s->stuffer.done) {
		n += dot_stuff_end(&s->stuffer, out + n);
		conn_write(s->c, out, n);
		free(out);
		pop3_file_close(s);
		free(s->rbuf);
		s->rbuf = NULL;
		pop3_enter_state(s, POP3_S_TRANS);
		conn_resume(s->c);	/* pipelined commands */
		return;
	}
	conn_write(s->c, out, n);
	free(out);
	pop3_send_more(s);
}

/* Read the next chunk unless the client is behind (then: writable). */
static void pop3_send_more(struct pop3_session *s)
{
	struct io_uring_sqe *sqe;

	if (s->read_pending || s->c->state != CONN_OPEN ||
	    conn_out_pending(s->c) >= POP3_OUT_LOWAT)
		return;
	sqe = ev_sqe(&s->read_op);
	io_uring_prep_read(sqe, s->fd, s->rbuf, POP3_READ_CHUNK, s->read_off);
	s->read_pending = true;
}

static void pop3_send_msg(struct pop3_session *s, size_t i, long lines)
{
	int st;

	st = store_msg_open(s->env->store, s->user, NULL, s->msgs[i].uid,
			    &s->fd);
	if (st != STORE_OK) {
		log_warnx("pop3: %s uid %u: %s", s->user, s->msgs[i].uid,
			  store_error(s->env->store));
		s->fd = -1;
		pop3_reply(s, "-ERR [SYS/TEMP] Cannot read message %zu", i + 1);
		return;
	}
	s->rbuf = malloc(POP3_READ_CHUNK);
	if (!s->rbuf) {
		pop3_file_close(s);
		pop3_reply(s, "-ERR [SYS/TEMP] Out of memory");
		return;
	}
	if (lines < 0)
		pop3_reply(s, "+OK %llu octets",
			   (unsigned long long)s->msgs[i].size);
	else
		pop3_reply(s, "+OK Top of message follows");
	dot_stuff_init(&s->stuffer, lines);
	s->read_off = 0;
	pop3_enter_state(s, POP3_S_SEND);
	conn_pause(s->c);
	pop3_send_more(s);
}

static void pop3_cmd_retr(struct pop3_session *s, struct pop3_cmd *cmd)
{
	size_t i;

	if (pop3_msg_arg(s, cmd->argv[0], &i) == 0)
		pop3_send_msg(s, i, -1);
}

static void pop3_cmd_top(struct pop3_session *s, struct pop3_cmd *cmd)
{
	unsigned long lines;
	size_t i;

	if (pop3_msg_arg(s, cmd->argv[0], &i) < 0)
		return;
	if (strcmp(cmd->argv[1], "0") &&
	    pop3_parse_num(cmd->argv[1], 1000000000UL, &lines) < 0) {
		pop3_reply(s, "-ERR Bad line count");
		return;
	}
	if (!strcmp(cmd->argv[1], "0"))
		lines = 0;
	pop3_send_msg(s, i, (long)lines);
}

static void pop3_cmd_quit(struct pop3_session *s, struct pop3_cmd *cmd)
{
	uint32_t *uids;
	size_t i, n = 0, count = 0;
	int st;

	(void)cmd;
	if (s->state != POP3_S_TRANS) {
		pop3_reply(s, "+OK slotd POP3 signing off");
		pop3_close(s);
		return;
	}
	pop3_enter_state(s, POP3_S_UPDATE);
	uids = malloc((s->nmsgs ? s->nmsgs : 1) * sizeof(*uids));
	if (!uids) {
		pop3_reply(s, "-ERR [SYS/TEMP] Out of memory, nothing deleted");
		pop3_close(s);
		return;
	}
	for (i = 0; i < s->nmsgs; i++)
		if (s->deleted[i])
			uids[n++] = s->msgs[i].uid;
	st = n ? store_msg_expunge(s->env->store, s->user, NULL, uids, n,
				   &count) : STORE_OK;
	free(uids);
	if (st != STORE_OK) {
		log_warnx("pop3: expunge for %s: %s", s->user,
			  store_error(s->env->store));
		pop3_reply(s, "-ERR [SYS/TEMP] Deleted messages not removed");
	} else {
		if (n) {
			log_info("pop3 %s: %s deleted %zu messages",
				 s->c->peer_addr, s->user, count);
			proto_mailbox_changed(s->user, "INBOX");
		}
		pop3_reply(s, "+OK slotd POP3 signing off (%zu messages "
			   "deleted)", count);
	}
	pop3_close(s);
}

static void pop3_cmd_apop(struct pop3_session *s, struct pop3_cmd *cmd)
{
	(void)cmd;
	pop3_reply(s, "-ERR [AUTH] APOP not supported");
}

#define ST(x) (1u << POP3_S_##x)

/* Each verb and the states it is valid in. */
static const struct {
	enum pop3_verb verb;
	unsigned int states;
	void (*fn)(struct pop3_session *s, struct pop3_cmd *cmd);
} pop3_commands[] = {
	{ POP3_CAPA, ST(AUTH) | ST(TRANS), pop3_cmd_capa },
	{ POP3_USER, ST(AUTH), pop3_cmd_user },
	{ POP3_PASS, ST(AUTH), pop3_cmd_pass },
	{ POP3_AUTH, ST(AUTH), pop3_cmd_auth },
	{ POP3_APOP, ST(AUTH), pop3_cmd_apop },
	{ POP3_STLS, ST(AUTH), pop3_cmd_stls },
	{ POP3_QUIT, ST(AUTH) | ST(TRANS), pop3_cmd_quit },
	{ POP3_NOOP, ST(TRANS), pop3_cmd_noop },
	{ POP3_STAT, ST(TRANS), pop3_cmd_stat },
	{ POP3_LIST, ST(TRANS), pop3_cmd_list },
	{ POP3_UIDL, ST(TRANS), pop3_cmd_uidl },
	{ POP3_RETR, ST(TRANS), pop3_cmd_retr },
	{ POP3_TOP, ST(TRANS), pop3_cmd_top },
	{ POP3_DELE, ST(TRANS), pop3_cmd_dele },
	{ POP3_RSET, ST(TRANS), pop3_cmd_rset },
};

static void pop3_command(struct pop3_session *s, char *line)
{
	struct pop3_cmd cmd;
	size_t i;

	if (s->state == POP3_S_SASL) {
		pop3_enter_state(s, POP3_S_AUTH);
		pop3_sasl_plain(s, line);
		explicit_bzero(line, strlen(line));
		return;
	}
	if (pop3_parse_cmd(line, &cmd) < 0) {
		pop3_reply(s, "-ERR Bad arguments for %s", cmd.name);
		return;
	}
	for (i = 0; i < sizeof(pop3_commands) / sizeof(pop3_commands[0]); i++)
		if (pop3_commands[i].verb == cmd.verb)
			break;
	if (i == sizeof(pop3_commands) / sizeof(pop3_commands[0])) {
		pop3_reply(s, "-ERR Unknown command");
		return;
	}
	if (!(pop3_commands[i].states & (1u << s->state))) {
		pop3_reply(s, "-ERR %s not valid in this state", cmd.name);
		return;
	}
	pop3_commands[i].fn(s, &cmd);
}

/* ---- Connection callbacks --------------------------------------------- */

static void pop3_input(struct conn *c)
{
	struct pop3_session *s = c->ctx;
	enum buf_line got;
	size_t len;
	char *line;

	while (c->state == CONN_OPEN && !c->paused) {
		if (s->state != POP3_S_AUTH && s->state != POP3_S_SASL &&
		    s->state != POP3_S_TRANS)
			break;
		got = buf_getline(&c->in, s->env->conf->max_line, &line, &len);
		if (got == BUF_LINE_NEED)
			break;
		if (got == BUF_LINE_TOO_LONG) {
			log_info("pop3 %s: command line over %llu bytes",
				 c->peer_addr, s->env->conf->max_line);
			pop3_reply(s, "-ERR Line too long");
			pop3_close(s);
			break;
		}
		if (memchr(line, '\0', len)) {
			pop3_reply(s, "-ERR NUL in command");
			continue;
		}
		pop3_command(s, line);
	}
}

static void pop3_writable(struct conn *c)
{
	struct pop3_session *s = c->ctx;

	if (s->state == POP3_S_SEND)
		pop3_send_more(s);
}

static void pop3_greet(struct pop3_session *s)
{
	pop3_reply(s, "+OK slotd POP3 ready");
}

static void pop3_tls_ready(struct conn *c)
{
	struct pop3_session *s = c->ctx;

	if (s->greet_on_tls) {
		s->greet_on_tls = false;
		pop3_greet(s);
	}
}

static void pop3_idle(struct conn *c)
{
	struct pop3_session *s = c->ctx;

	/* No UPDATE state: messages marked with DELE stay. */
	pop3_reply(s, "-ERR Autologout; idle for too long");
	pop3_close(s);
}

static void pop3_stop(struct conn *c)
{
	struct pop3_session *s = c->ctx;

	pop3_reply(s, "-ERR [SYS/TEMP] Server shutting down");
	pop3_close(s);
}

static void pop3_closed(struct conn *c)
{
	struct pop3_session *s = c->ctx;

	/* A running delay timer is left to expire: it frees us then. */
	s->c = NULL;
	if (s->auth_busy)
		auth_cancel(&s->auth);
	pop3_maybe_free(s);
}

static const struct conn_ops pop3_conn_ops = {
	.input = pop3_input,
	.writable = pop3_writable,
	.tls_ready = pop3_tls_ready,
	.idle = pop3_idle,
	.stop = pop3_stop,
	.closed = pop3_closed,
};

static int pop3_start(struct conn *c, struct proto_env *env, bool tls)
{
	struct pop3_session *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	s->c = c;
	s->env = env;
	s->fd = -1;
	s->state = POP3_S_AUTH;
	s->read_op.cb = pop3_read_done;
	ev_timer_init(&s->delay, pop3_delay_done);
	env->sessions++;
	conn_start(c, &pop3_conn_ops, s);
	if (tls) {
		s->greet_on_tls = true;
		return conn_starttls(c, env->tls);
	}
	pop3_greet(s);
	return 0;
}

static void pop3_reject(struct conn *c, const char *why)
{
	conn_printf(c, "-ERR [SYS/TEMP] %s\r\n", why);
	conn_close(c);
}

const struct proto proto_pop3 = {
	.name = "pop3",
	.start = pop3_start,
	.reject = pop3_reject,
};
