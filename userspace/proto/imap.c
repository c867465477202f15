// SPDX-License-Identifier: GPL-2.0
/*
 * IMAP4rev1 (RFC 3501) sessions: the state machine, the command registry
 * and the output queue. The commands live in imap_cmd_*.c, the view of
 * the selected mailbox in imap_view.c, ring I/O in imap_io.c.
 *
 * Input goes through the incremental parser; a complete command is looked
 * up in imap_commands[] (the entry point for a reader), checked against
 * the session state and run. Replies are collected in s->out and handed
 * to the connection as it drains, so a FETCH of a large mailbox never
 * needs more than IMAP_OUT_LOWAT plus one message in memory.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"
#include "proto/imap.h"

static const char *const imap_state_names[IMAP_S_COUNT] = {
	[IMAP_S_NOTAUTH] = "not-authenticated",
	[IMAP_S_AUTH] = "authenticated",
	[IMAP_S_SELECTED] = "selected",
	[IMAP_S_LOGOUT] = "logout",
};

/* Every session of this process: for the untagged updates. */
static struct imap_session *imap_sessions;

#define ANY	IMAP_CMD_ANY
#define NAUTH	IMAP_CMD_NOTAUTH
#define AUTHD	(IMAP_CMD_AUTH | IMAP_CMD_SELECTED)
#define SEL	IMAP_CMD_SELECTED
#define SEQS	IMAP_CMD_USES_SEQS
#define UIDOK	IMAP_CMD_UID_OK

/* The commands: name, where valid (plus flags), handler. */
static const struct imap_command {
	const char *name;
	unsigned int flags;
	imap_cmd_fn fn;
} imap_commands[] = {
	{ "CAPABILITY",		ANY,		imap_cmd_capability },
	{ "NOOP",		ANY,		imap_cmd_noop },
	{ "LOGOUT",		ANY,		imap_cmd_logout },
	{ "ID",			ANY,		imap_cmd_id },
	{ "STARTTLS",		NAUTH,		imap_cmd_starttls },
	{ "LOGIN",		NAUTH,		imap_cmd_login },
	{ "AUTHENTICATE",	NAUTH,		imap_cmd_authenticate },
	{ "ENABLE",		AUTHD,		imap_cmd_enable },
	{ "SELECT",		AUTHD,		imap_cmd_select },
	{ "EXAMINE",		AUTHD,		imap_cmd_select },
	{ "CREATE",		AUTHD,		imap_cmd_create },
	{ "DELETE",		AUTHD,		imap_cmd_delete },
	{ "RENAME",		AUTHD,		imap_cmd_rename },
	{ "SUBSCRIBE",		AUTHD,		imap_cmd_subscribe },
	{ "UNSUBSCRIBE",	AUTHD,		imap_cmd_subscribe },
	{ "LIST",		AUTHD,		imap_cmd_list },
	{ "LSUB",		AUTHD,		imap_cmd_list },
	{ "STATUS",		AUTHD,		imap_cmd_status },
	{ "APPEND",		AUTHD,		imap_cmd_append },
	{ "NAMESPACE",		AUTHD,		imap_cmd_namespace },
	{ "GETQUOTAROOT",	AUTHD,		imap_cmd_getquotaroot },
	{ "GETQUOTA",		AUTHD,		imap_cmd_getquota },
	{ "IDLE",		AUTHD,		imap_cmd_idle },
	{ "CHECK",		SEL,		imap_cmd_noop },
	{ "CLOSE",		SEL,		imap_cmd_close },
	{ "UNSELECT",		SEL,		imap_cmd_close },
	{ "EXPUNGE",		SEL | UIDOK,	imap_cmd_expunge },
	{ "SEARCH",		SEL | SEQS | UIDOK, imap_cmd_search },
	{ "FETCH",		SEL | SEQS | UIDOK, imap_cmd_fetch },
	{ "STORE",		SEL | SEQS | UIDOK, imap_cmd_store },
	{ "COPY",		SEL | UIDOK,	imap_cmd_copy },
	{ "MOVE",		SEL | UIDOK,	imap_cmd_copy },
};

/* ---- Output ------------------------------------------------------------ */

void imap_write(struct imap_session *s, const void *data, size_t len)
{
	if (s->c && s->c->state == CONN_OPEN)
		imap_buf_add(&s->out, data, len);
}

void imap_write_buf(struct imap_session *s, const struct imap_buf *b)
{
	imap_write(s, b->data, b->len);
}

void imap_printf(struct imap_session *s, const char *fmt, ...)
{
	char small[512], *big;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		imap_write(s, small, (size_t)n);
		return;
	}
	big = malloc((size_t)n + 1);
	if (!big)
		return;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	imap_write(s, big, (size_t)n);
	free(big);
}

size_t imap_out_pending(const struct imap_session *s)
{
	return s->out.len - s->out_off;
}

void imap_flush(struct imap_session *s)
{
	size_t n;

	if (!s->c || s->c->state != CONN_OPEN)
		return;
	if (imap_buf_failed(&s->out)) {
		log_warnx("imap %s: out of memory for replies", s->c->peer_addr);
		conn_abort(s->c);
		return;
	}
	while (imap_out_pending(s) &&
	       conn_out_pending(s->c) < IMAP_CONN_HIWAT) {
		n = imap_out_pending(s);
		if (n > 64 * 1024)
			n = 64 * 1024;
		if (conn_write(s->c, s->out.data + s->out_off, n) < 0) {
			conn_abort(s->c);
			return;
		}
		s->out_off += n;
	}
	if (!imap_out_pending(s)) {
		/* Idle sessions hold no reply memory. */
		s->out_off = 0;
		imap_buf_free(&s->out);
	}
}

/* ---- States and the end of a command ----------------------------------- */

void imap_enter_state(struct imap_session *s, enum imap_state state)
{
	if (s->c)
		log_debug("imap %s: %s -> %s", s->c->peer_addr,
			  imap_state_names[s->state], imap_state_names[state]);
	if (state != IMAP_S_SELECTED && s->mbox)
		imap_mailbox_close(s);
	s->state = state;
}

void imap_bye(struct imap_session *s, const char *text)
{
	imap_printf(s, "* BYE %s\r\n", text);
	imap_enter_state(s, IMAP_S_LOGOUT);
	imap_flush(s);
	if (s->c)
		conn_close(s->c);
}

static void imap_cmd_free_ctx(struct imap_session *s)
{
	if (s->cmd_ctx && s->cmd_ctx_free)
		s->cmd_ctx_free(s->cmd_ctx);
	s->cmd_ctx = NULL;
	s->cmd_ctx_free = NULL;
}

/* Logged in: commands may now be long and carry messages. */
static void imap_parser_authed(struct imap_session *s)
{
	struct imap_parser_limits lim = {
		.max_line_size = IMAP_LINE_MAX,
		.max_literal_size = s->env->conf->max_message_size,
	};
	struct imap_parser *p = imap_parser_new(&lim);

	if (!p)
		return;		/* keep the small limits */
	imap_parser_free(s->parser);
	s->parser = p;
	s->parser_authed = true;
}

void imap_cmd_done(struct imap_session *s, const char *status,
		   const char *fmt, ...)
{
	char text[1024];
	bool allow_expunge;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);

	if (s->state == IMAP_S_SELECTED && s->mbox) {
		allow_expunge = !(s->cmd.flags & IMAP_CMD_USES_SEQS) ||
				s->cmd.uid;
		imap_sync(s, allow_expunge, NULL);
	}
	imap_printf(s, "%s %s %s\r\n", s->cmd.tag, status, text);
	imap_cmd_free_ctx(s);
	imap_parser_reset(s->parser);
	if (!s->parser_authed && (s->state == IMAP_S_AUTH ||
				  s->state == IMAP_S_SELECTED))
		imap_parser_authed(s);
	imap_walk_cleanup(s);
	memset(&s->walk, 0, sizeof(s->walk));
	s->walk.fd = -1;
	if (s->wait == IMAP_W_BUSY || s->wait == IMAP_W_IDLE)
		s->wait = IMAP_W_COMMAND;
	imap_flush(s);
	if (s->c && s->c->paused && s->wait == IMAP_W_COMMAND &&
	    s->state != IMAP_S_LOGOUT)
		conn_resume(s->c);
}

/* ---- Dispatch ---------------------------------------------------------- */

static const struct imap_command *imap_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(imap_commands) / sizeof(imap_commands[0]); i++)
		if (!strcasecmp(imap_commands[i].name, name))
			return &imap_commands[i];
	return NULL;
}

static void imap_dispatch(struct imap_session *s)
{
	const struct imap_arg *root = imap_parser_args(s->parser);
	const struct imap_command *ic;
	const char *tag = imap_parser_tag(s->parser);
	struct imap_cmd *cmd = &s->cmd;

	memset(cmd, 0, sizeof(*cmd));
	if (strlen(tag) > IMAP_TAG_MAX) {
		imap_printf(s, "* BAD Tag too long\r\n");
		imap_parser_reset(s->parser);
		return;
	}
	strcpy(cmd->tag, tag);
	cmd->name = imap_parser_command(s->parser);
	cmd->args = root->v.list;
	cmd->nargs = root->len;
	s->wait = IMAP_W_BUSY;

	if (!strcasecmp(cmd->name, "UID")) {
		if (!cmd->nargs || cmd->args[0].type != IMAP_ARG_ATOM) {
			imap_cmd_done(s, "BAD", "UID needs a command");
			return;
		}
		cmd->uid = true;
		cmd->name = cmd->args[0].v.str;
		cmd->args++;
		cmd->nargs--;
	}
	ic = imap_lookup(cmd->name);
	if (!ic || (cmd->uid && !(ic->flags & IMAP_CMD_UID_OK))) {
		imap_cmd_done(s, "BAD", "Unknown command");
		return;
	}
	cmd->name = ic->name;
	cmd->flags = ic->flags;
	if (!(ic->flags & (1u << s->state))) {
		imap_cmd_done(s, "BAD", "%s not valid in this state (%s)",
			      ic->name, imap_state_names[s->state]);
		return;
	}
	ic->fn(s, cmd);
	/* Still running (waits for the ring): read nothing meanwhile. */
	if (s->c && s->wait == IMAP_W_BUSY)
		conn_pause(s->c);
}

static void imap_parse_error(struct imap_session *s)
{
	const char *tag = imap_parser_tag(s->parser);
	const char *msg;
	bool fatal;

	msg = imap_parser_error(s->parser, &fatal);
	log_info("imap %s: bad command: %s", s->c->peer_addr, msg);
	if (fatal) {
		imap_bye(s, msg);
		return;
	}
	if (tag && *tag && strlen(tag) <= IMAP_TAG_MAX)
		imap_printf(s, "%s BAD %s\r\n", tag, msg);
	else
		imap_printf(s, "* BAD %s\r\n", msg);
	imap_parser_reset(s->parser);
}

/* A raw line (AUTHENTICATE response, IDLE's DONE); false: need more. */
static bool imap_raw_line(struct imap_session *s)
{
	struct conn *c = s->c;
	enum buf_line got;
	size_t len;
	char *line;

	got = buf_getline(&c->in, IMAP_LINE_MAX < c->in_max ? IMAP_LINE_MAX :
			  c->in_max, &line, &len);
	if (got == BUF_LINE_NEED)
		return false;
	if (got == BUF_LINE_TOO_LONG) {
		imap_bye(s, "Line too long");
		return false;
	}
	if (s->wait == IMAP_W_SASL)
		imap_sasl_response(s, line);
	else
		imap_idle_line(s, line);
	explicit_bzero(line, len);
	return true;
}

static void imap_input(struct conn *c)
{
	struct imap_session *s = c->ctx;
	enum imap_parse_result r;
	size_t used;

	while (s->c && c->state == CONN_OPEN && !c->paused &&
	       s->state != IMAP_S_LOGOUT) {
		if (s->wait == IMAP_W_SASL || s->wait == IMAP_W_IDLE) {
			if (!imap_raw_line(s))
				break;
			continue;
		}
		if (s->wait != IMAP_W_COMMAND || !buf_used(&c->in))
			break;
		r = imap_parser_feed(s->parser, buf_head(&c->in),
				     buf_used(&c->in), &used);
		buf_consume(&c->in, used);
		if (r == IMAP_PARSE_NEED_MORE)
			continue;
		if (r == IMAP_PARSE_NEED_CONTINUATION)
			imap_printf(s, "+ OK\r\n");
		else if (r == IMAP_PARSE_DONE)
			imap_dispatch(s);
		else
			imap_parse_error(s);
	}
	imap_flush(s);
}

/* ---- Connection callbacks and life cycle -------------------------------- */

static bool imap_maybe_free(struct imap_session *s)
{
	if (s->c || s->io_pending || s->auth_busy ||
	    ev_timer_busy(&s->delay) ||
	    ev_timer_busy(&s->poll))
		return false;
	imap_cmd_free_ctx(s);
	imap_walk_cleanup(s);
	free(s->cmd_io);
	imap_mailbox_close(s);
	imap_parser_free(s->parser);
	imap_buf_free(&s->out);
	if (s->prev)
		s->prev->next = s->next;
	else
		imap_sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	explicit_bzero(s->user, sizeof(s->user));
	s->env->sessions--;
	free(s);
	return true;
}

bool imap_session_gone(struct imap_session *s)
{
	return !s->c && imap_maybe_free(s);
}

struct imap_session *imap_session_first(void)
{
	return imap_sessions;
}

static void imap_writable(struct conn *c)
{
	struct imap_session *s = c->ctx;

	imap_flush(s);
	if (imap_live(s) && s->wait == IMAP_W_BUSY && s->walk.visit &&
	    !s->io_pending &&
	    imap_out_pending(s) < IMAP_OUT_LOWAT)
		imap_walk_resume(s);
}

static void imap_greet(struct imap_session *s)
{
	struct imap_buf b = IMAP_BUF_INIT;

	imap_capability_write(s, &b);
	imap_printf(s, "* OK [%s] slotd IMAP4rev1 ready\r\n",
		    imap_buf_str(&b));
	imap_buf_free(&b);
	imap_flush(s);
}

static void imap_tls_ready(struct conn *c)
{
	struct imap_session *s = c->ctx;

	if (s->greet_on_tls) {
		s->greet_on_tls = false;
		imap_greet(s);
	}
}

static void imap_idle_timeout(struct conn *c)
{
	struct imap_session *s = c->ctx;

	/* An IDLE client is waiting on purpose: keep it up to 31 minutes. */
	if (s->wait == IMAP_W_IDLE && ev_now() - s->idle_since <
	    IMAP_IDLE_MAX_MS)
		return;
	/* So is one whose login we are still checking (scrypt, delay). */
	if (s->auth_busy || s->wait == IMAP_W_DELAY)
		return;
	imap_bye(s, "Autologout; idle for too long");
}

static void imap_stop(struct conn *c)
{
	struct imap_session *s = c->ctx;

	imap_bye(s, "Server shutting down");
}

static void imap_closed(struct conn *c)
{
	struct imap_session *s = c->ctx;

	s->c = NULL;
	imap_maybe_free(s);
}

static const struct conn_ops imap_conn_ops = {
	.input = imap_input,
	.writable = imap_writable,
	.tls_ready = imap_tls_ready,
	.idle = imap_idle_timeout,
	.stop = imap_stop,
	.closed = imap_closed,
};

static int imap_start(struct conn *c, struct proto_env *env, bool tls)
{
	/* Before login nothing needs more: bound what strangers can send. */
	struct imap_parser_limits lim = {
		.max_line_size = IMAP_PREAUTH_MAX,
		.max_literal_size = IMAP_PREAUTH_MAX,
	};
	struct imap_session *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	s->parser = imap_parser_new(&lim);
	if (!s->parser) {
		free(s);
		return -1;
	}
	s->c = c;
	s->env = env;
	s->state = IMAP_S_NOTAUTH;
	s->wait = IMAP_W_COMMAND;
	s->walk.fd = -1;
	imap_buf_init(&s->out);
	ev_timer_init(&s->delay, imap_login_delay_done);
	ev_timer_init(&s->poll, imap_idle_poll);
	imap_io_init(s);
	proto_set_mailbox_listener(imap_mailbox_changed);
	s->next = imap_sessions;
	if (imap_sessions)
		imap_sessions->prev = s;
	imap_sessions = s;
	env->sessions++;
	conn_start(c, &imap_conn_ops, s);
	if (tls) {
		s->greet_on_tls = true;
		return conn_starttls(c, env->tls);
	}
	imap_greet(s);
	return 0;
}

static void imap_reject(struct conn *c, const char *why)
{
	conn_printf(c, "* BYE [UNAVAILABLE] %s\r\n", why);
	conn_close(c);
}

const struct proto proto_imap = {
	.name = "imap",
	.start = imap_start,
	.reject = imap_reject,
};
