// SPDX-License-Identifier: GPL-2.0
/*
 * LOGIN, AUTHENTICATE PLAIN (with SASL-IR, RFC 4959) and STARTTLS.
 *
 * Plaintext passwords are taken only where proto_plaintext_ok() allows
 * (TLS, or loopback by default); elsewhere LOGIN is refused and
 * LOGINDISABLED advertised. A failed login is answered only after
 * login_fail_delay_ms, with input paused, and max_login_failures ends the
 * connection.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"
#include "proto/auth.h"
#include "proto/imap.h"
#include "proto/sasl.h"

void imap_login_delay_done(struct ev_timer *t)
{
	struct imap_session *s = container_of(t, struct imap_session, delay);

	if (imap_session_gone(s) || !imap_live(s))
		return;
	s->wait = IMAP_W_BUSY;
	if (s->failures >= s->env->conf->max_login_failures) {
		log_info("imap %s: %u failed logins, disconnecting",
			 s->c->peer_addr, s->failures);
		imap_printf(s, "%s NO [AUTHENTICATIONFAILED] Authentication "
			    "failed\r\n", s->cmd.tag);
		imap_bye(s, "Too many failed logins");
		return;
	}
	imap_cmd_done(s, "NO", "[AUTHENTICATIONFAILED] Authentication failed");
}

static void imap_login_failed(struct imap_session *s, const char *user)
{
	s->failures++;
	log_info("imap %s: authentication failed for user '%s'",
		 s->c->peer_addr, user);
	/* Hold the answer back: guessing passwords gets slow. */
	s->wait = IMAP_W_DELAY;
	conn_pause(s->c);
	if (s->env->conf->login_fail_delay_ms)
		ev_timer_start(&s->delay,
			       (unsigned int)s->env->conf->login_fail_delay_ms);
	else
		imap_login_delay_done(&s->delay);
}

/* A password check on the pool; allocated only while it runs. */
struct imap_auth {
	struct auth_req req;
	struct imap_session *s;
};

static void imap_auth_done(struct auth_req *req)
{
	struct imap_auth *a = container_of(req, struct imap_auth, req);
	struct imap_session *s = a->s;
	struct imap_buf caps = IMAP_BUF_INIT;
	char user[STORE_USER_MAX + 1];
	int st = req->status;

	s->auth_busy = false;
	strcpy(user, req->user);
	explicit_bzero(a, sizeof(*a));
	free(a);
	if (imap_session_gone(s) || !imap_live(s))
		return;
	if (st == STORE_EAUTH || st == STORE_ENOUSER || st == STORE_EBADNAME) {
		imap_login_failed(s, user);
		return;
	}
	if (st != STORE_OK) {
		log_warnx("imap: authentication of %s: %s", user,
			  store_strerror(st));
		imap_cmd_done(s, "NO", "[UNAVAILABLE] Authentication "
			      "unavailable, try later");
		return;
	}
	for (char *p = user; *p; p++)	/* the store folds too */
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	strcpy(s->user, user);
	log_info("imap %s: %s logged in%s", s->c->peer_addr, s->user,
		 conn_is_tls(s->c) ? " with TLS" : "");
	imap_enter_state(s, IMAP_S_AUTH);
	imap_capability_write(s, &caps);
	imap_cmd_done(s, "OK", "[%s] Logged in", imap_buf_str(&caps));
	imap_buf_free(&caps);
}

/* Check the password on the auth pool; the command waits meanwhile. */
static void imap_login(struct imap_session *s, const char *name,
		       const char *pass)
{
	struct imap_auth *a;

	if (strlen(name) > STORE_USER_MAX || !*name ||
	    strlen(pass) > AUTH_PASS_MAX) {
		imap_login_failed(s, "(bad name or password)");
		return;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		imap_cmd_done(s, "NO", "[UNAVAILABLE] Out of memory");
		return;
	}
	a->s = s;
	strcpy(a->req.user, name);
	strcpy(a->req.pass, pass);
	a->req.done = imap_auth_done;
	s->auth_busy = true;
	auth_submit(&a->req);
}

static bool imap_plaintext_refused(struct imap_session *s)
{
	if (proto_plaintext_ok(s->env, s->c))
		return false;
	imap_cmd_done(s, "NO", "[PRIVACYREQUIRED] Plaintext authentication "
		      "disallowed on non-secure connections");
	return true;
}

void imap_cmd_login(struct imap_session *s, struct imap_cmd *cmd)
{
	char pw[AUTH_PASS_MAX + 1];
	const char *user, *pass;

	if (cmd->nargs != 2) {
		imap_cmd_done(s, "BAD", "LOGIN needs a user and a password");
		return;
	}
	user = imap_arg_astring(&cmd->args[0]);
	pass = imap_arg_astring(&cmd->args[1]);
	if (!user || !pass) {
		imap_cmd_done(s, "BAD", "LOGIN needs a user and a password");
		return;
	}
	if (imap_plaintext_refused(s))
		return;
	if (strlen(pass) > AUTH_PASS_MAX) {
		imap_login_failed(s, user);
		return;
	}
	/* Wipe the argument now: the command may end inside imap_login(). */
	strcpy(pw, pass);
	explicit_bzero((char *)pass, strlen(pass));
	imap_login(s, user, pw);
	explicit_bzero(pw, sizeof(pw));
}

static void imap_sasl_plain(struct imap_session *s, const char *resp)
{
	struct sasl_plain pl;

	if (sasl_plain_decode(resp, &pl) < 0) {
		imap_cmd_done(s, "BAD", "Malformed PLAIN response");
		return;
	}
	if (pl.authzid[0] && strcasecmp(pl.authzid, pl.authcid))
		imap_cmd_done(s, "NO", "[AUTHORIZATIONFAILED] Proxy "
			      "authentication not supported");
	else
		imap_login(s, pl.authcid, pl.passwd);
	explicit_bzero(&pl, sizeof(pl));
}

void imap_cmd_authenticate(struct imap_session *s, struct imap_cmd *cmd)
{
	const char *ir;

	if (cmd->nargs < 1 || cmd->nargs > 2 ||
	    cmd->args[0].type != IMAP_ARG_ATOM) {
		imap_cmd_done(s, "BAD", "AUTHENTICATE needs a mechanism");
		return;
	}
	if (strcasecmp(cmd->args[0].v.str, "PLAIN")) {
		imap_cmd_done(s, "NO", "Unsupported authentication mechanism");
		return;
	}
	if (imap_plaintext_refused(s))
		return;
	if (cmd->nargs == 2) {
		/* SASL-IR: "=" is an empty initial response. */
		ir = imap_arg_astring(&cmd->args[1]);
		if (!ir) {
			imap_cmd_done(s, "BAD", "Bad initial response");
			return;
		}
		imap_sasl_plain(s, strcmp(ir, "=") ? ir : "");
		return;
	}
	imap_printf(s, "+ \r\n");
	s->wait = IMAP_W_SASL;
}

void imap_sasl_response(struct imap_session *s, char *line)
{
	s->wait = IMAP_W_BUSY;
	if (!strcmp(line, "*")) {
		imap_cmd_done(s, "BAD", "Authentication cancelled");
		return;
	}
	imap_sasl_plain(s, line);
}

void imap_cmd_starttls(struct imap_session *s, struct imap_cmd *cmd)
{
	if (cmd->nargs) {
		imap_cmd_done(s, "BAD", "STARTTLS takes no arguments");
		return;
	}
	if (!s->env->tls || conn_is_tls(s->c)) {
		imap_cmd_done(s, "NO", "STARTTLS not available");
		return;
	}
	if (buf_used(&s->c->in)) {
		/* Commands pipelined behind STARTTLS could be injected. */
		imap_cmd_done(s, "BAD", "Nothing may follow STARTTLS");
		return;
	}
	imap_cmd_done(s, "OK", "Begin TLS negotiation now");
	if (conn_starttls(s->c, s->env->tls) < 0)
		conn_abort(s->c);
}
