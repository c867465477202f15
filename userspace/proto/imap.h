/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IMAP4rev1 sessions of slotd: what imap.c shares with the command files
 * (imap_cmd_*.c).
 *
 * imap.c runs the session: the parser (imap/imap_parser.h) is fed from
 * the connection, each complete command is looked up in the registry and
 * its handler called. A handler answers with imap_cmd_done(), at once or
 * later (FETCH, SEARCH and APPEND wait for file I/O through the ring);
 * until then no further command is read. Before the tagged reply the
 * selected mailbox is synchronised with the store, which sends the
 * untagged EXISTS/EXPUNGE/FETCH updates other sessions and deliveries
 * caused.
 */
#ifndef SLOTD_IMAP_H
#define SLOTD_IMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imap/imap_buf.h"
#include "imap/imap_parser.h"
#include "imap/imap_seqset.h"
#include "lib/ev.h"
#include "proto/proto.h"
#include "store/store.h"

#define IMAP_LINE_MAX		(64 * 1024)	/* non-literal bytes */
#define IMAP_PREAUTH_MAX	(8 * 1024)	/* line and literal before login */
#define IMAP_TAG_MAX		64
#define IMAP_OUT_LOWAT		(128 * 1024)	/* produce more below this */
#define IMAP_CONN_HIWAT		(512 * 1024)	/* keep in conn's buffer */
#define IMAP_IDLE_POLL_MS	1000	/* changes by other processes */
/* IDLE outlives idle_timeout up to this (RFC 2177: clients re-IDLE at 29) */
#define IMAP_IDLE_MAX_MS	(31ULL * 60 * 1000)
#define IMAP_APPEND_CHUNK	(256 * 1024)	/* bytes per ring write */
#define IMAP_HEAD_MAX		(64 * 1024)	/* read for header-only FETCH */

enum imap_state {
	IMAP_S_NOTAUTH,
	IMAP_S_AUTH,
	IMAP_S_SELECTED,
	IMAP_S_LOGOUT,
	IMAP_S_COUNT,
};

/* What the session waits for besides the next command. */
enum imap_wait {
	IMAP_W_COMMAND,		/* reading commands */
	IMAP_W_BUSY,		/* a handler has not answered yet */
	IMAP_W_SASL,		/* AUTHENTICATE: the client's response line */
	IMAP_W_IDLE,		/* IDLE: waiting for DONE */
	IMAP_W_DELAY,		/* failed login: the answer is held back */
};

/* One message of the selected mailbox; seq = index + 1. */
struct imap_msg {
	uint32_t uid;
	uint32_t flags;		/* store flags, plus IMAP_FLAG_RECENT */
	uint64_t keywords;
	uint64_t modseq;
	uint64_t size;
	int64_t internal_date;
	bool expunged;		/* gone in the store, EXPUNGE not sent yet */
};

struct imap_mailbox {
	char name[STORE_MAILBOX_MAX + 1];	/* store form (UTF-8) */
	uint64_t id;				/* the store's, for files */
	bool readonly;				/* EXAMINE */
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint64_t highestmodseq;
	struct imap_msg *msgs;
	size_t n, cap;
	size_t n_expunged;		/* msgs marked expunged */
	char (*kw)[STORE_KEYWORD_MAX + 1];	/* keyword names by bit */
	size_t nkw;
	size_t n_recent;
};

struct imap_session;

/* The command being run. */
struct imap_cmd {
	char tag[IMAP_TAG_MAX + 1];
	const char *name;		/* as the client spelled it */
	const struct imap_arg *args;
	size_t nargs;
	bool uid;			/* UID FETCH/STORE/... */
	unsigned int flags;		/* of the registry entry */
};

/* Registry flags: where a command is valid, and what it may be told. */
enum imap_cmd_flags {
	IMAP_CMD_NOTAUTH	= 1 << IMAP_S_NOTAUTH,
	IMAP_CMD_AUTH		= 1 << IMAP_S_AUTH,
	IMAP_CMD_SELECTED	= 1 << IMAP_S_SELECTED,
	IMAP_CMD_ANY		= IMAP_CMD_NOTAUTH | IMAP_CMD_AUTH |
				  IMAP_CMD_SELECTED,
	/* Uses sequence numbers: no EXPUNGE may be sent (RFC 3501 7.4.1) */
	IMAP_CMD_USES_SEQS	= 1 << 8,
	/* Valid after UID */
	IMAP_CMD_UID_OK		= 1 << 9,
};

typedef void (*imap_cmd_fn)(struct imap_session *s, struct imap_cmd *cmd);

/*
 * Walking messages of the selected mailbox for FETCH and SEARCH, loading
 * the message bytes through the ring only when the visitor asks for them.
 */
enum imap_walk_ret {
	IMAP_WALK_NEXT,		/* go on with the next message */
	IMAP_WALK_NEED_RAW,	/* call again with the message bytes */
	IMAP_WALK_NEED_HEAD,	/* ... with at least IMAP_HEAD_MAX of them */
	IMAP_WALK_FAIL,		/* stop: the visitor already answered */
};

struct imap_walk {
	size_t *idx;		/* indexes into mbox->msgs */
	size_t n, pos;
	enum imap_walk_ret (*visit)(struct imap_session *s, size_t i,
				    const char *raw, size_t len);
	/* err: 0, or the message could not be read (answered NO) */
	void (*done)(struct imap_session *s, int err);
	char *raw;		/* bytes of msgs[idx[pos]] while loading */
	size_t raw_len, raw_got;	/* raw_len < size: the head only */
	int fd;
};

struct imap_session {
	struct conn *c;			/* NULL once the client is gone */
	struct proto_env *env;
	enum imap_state state;
	enum imap_wait wait;
	bool greet_on_tls;
	bool condstore;			/* ENABLE CONDSTORE or implied */

	struct imap_parser *parser;
	bool parser_authed;		/* parser has the post-login limits */
	struct imap_cmd cmd;		/* valid while wait == BUSY/IDLE */
	char sasl_tag[IMAP_TAG_MAX + 1];

	char user[STORE_USER_MAX + 1];
	unsigned int failures;
	bool auth_busy;			/* a password check on the pool */
	struct ev_timer delay;		/* failed login */
	struct ev_timer poll;		/* IDLE: look for deliveries */
	unsigned long long idle_since;	/* ev_now() when IDLE began */
	struct imap_mailbox *mbox;	/* SELECTED */

	struct imap_buf out;		/* replies not yet in conn */
	size_t out_off;

	/* Ring I/O of the running command (one request at a time). */
	struct ev_op io_op;
	bool io_pending;
	void (*io_done)(struct imap_session *s, int res);
	struct imap_walk walk;
	void *cmd_io;			/* imap_io.c's write job */
	void *cmd_ctx;			/* the running command's state */
	void (*cmd_ctx_free)(void *ctx);

	struct imap_session *prev, *next;	/* every IMAP session */
};

/* ---- imap.c: sessions, replies ---- */

/* Still talking to its client (not gone, not logging out)? */
static inline bool imap_live(const struct imap_session *s)
{
	return s->c && s->state != IMAP_S_LOGOUT;
}

/* The list of every IMAP session of the process. */
struct imap_session *imap_session_first(void);
/* After the connection closed: free s if nothing is pending (true). */
bool imap_session_gone(struct imap_session *s);

/* ---- imap_io.c ---- */
void imap_io_init(struct imap_session *s);
void imap_walk_cleanup(struct imap_session *s);

/* ---- imap.c, imap_view.c: replies, the mailbox view, helpers ---- */

void imap_printf(struct imap_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void imap_write(struct imap_session *s, const void *data, size_t len);
/* Queue @b's bytes as they are (responses built with imap_buf). */
void imap_write_buf(struct imap_session *s, const struct imap_buf *b);
/* Move queued replies into the connection as far as it takes them. */
void imap_flush(struct imap_session *s);
/* Replies queued and not yet handed to the connection. */
size_t imap_out_pending(const struct imap_session *s);

/*
 * Finish the running command: synchronise the mailbox (if selected),
 * write "tag status text", read the next command. status: "OK", "NO",
 * "BAD". Text may start with a response code "[...]".
 */
void imap_cmd_done(struct imap_session *s, const char *status,
		   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void imap_enter_state(struct imap_session *s, enum imap_state state);
void imap_bye(struct imap_session *s, const char *text);

/*
 * Bring the view of the selected mailbox up to date with the store and
 * send the untagged updates. EXPUNGE only when allow_expunge; updates of
 * the UIDs in quiet (may be NULL) are applied without FETCH.
 */
int imap_sync(struct imap_session *s, bool allow_expunge,
	      const struct imap_seqset *quiet);
/* Tell every session with this mailbox selected (ours excluded). */
void imap_notify(struct imap_session *s, const char *mailbox);
/* proto_mailbox_changed() listener: LMTP deliveries, POP3 expunges. */
void imap_mailbox_changed(const char *user, const char *mailbox);
/* Drop the selected mailbox (no replies). */
void imap_mailbox_close(struct imap_session *s);
/*
 * SELECT: bring the view (empty, or the one the session had of this
 * mailbox) to the store's state info, reading only the records changed
 * since it was read, without any reply; \Recent for UIDs above
 * recent_uid.  A store status.
 */
int imap_view_refresh(struct imap_session *s,
		      const struct store_mailbox_info *info, bool readonly,
		      uint32_t recent_uid);
/* Load the keyword names of the selected mailbox again. */
int imap_keywords_load(struct imap_session *s);

/*
 * A sequence set argument of the selected mailbox (UIDs with uid) as
 * indexes into mbox->msgs, in order. Replies BAD and returns -1 on a bad
 * set. *idx is malloc'ed (NULL when *n is 0).
 */
int imap_seqset_indexes(struct imap_session *s, const char *arg, bool uid,
			size_t **idx, size_t *n);
/* Flags argument (list or single flag) to store flags and keywords. */
int imap_flags_parse(struct imap_session *s, const char *mailbox,
		     const struct imap_arg *a, uint32_t *flags,
		     uint64_t *keywords, const char **err);
/* "(\Seen kw ...)" of a message. */
void imap_msg_flags_write(struct imap_session *s, struct imap_buf *b,
			  const struct imap_msg *m);
/* Keyword names of a message into names (room for STORE_KEYWORDS). */
size_t imap_msg_keywords(struct imap_session *s, const struct imap_msg *m,
			 const char **names);

/*
 * Mailbox name argument (modified UTF-7) to the store form; -1 with a
 * NO already queued if invalid.
 */
int imap_mailbox_arg(struct imap_session *s, const struct imap_arg *a,
		     char *out);
/* Store name -> modified UTF-7, as an astring into b. */
void imap_mailbox_write(struct imap_buf *b, const char *name);
/* A store failure as a tagged NO (with a response code when fitting). */
void imap_store_fail(struct imap_session *s, int st, const char *what);

/* Start the message walk described in s->walk. */
void imap_walk_start(struct imap_session *s);
/* Continue after the client drained replies (from the writable hook). */
void imap_walk_resume(struct imap_session *s);

/* Write len bytes and fsync fd through the ring; done(s, 0 or -errno). */
void imap_io_write_sync(struct imap_session *s, int fd, const char *data,
			size_t len, void (*done)(struct imap_session *s,
						 int res));

/* ---- the command files ------------------------------------------------ */

/* imap_cmd_auth.c */
void imap_cmd_login(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_authenticate(struct imap_session *s, struct imap_cmd *cmd);
void imap_sasl_response(struct imap_session *s, char *line);
void imap_cmd_starttls(struct imap_session *s, struct imap_cmd *cmd);
void imap_login_delay_done(struct ev_timer *t);

/* imap_cmd_select.c */
void imap_cmd_select(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_status(struct imap_session *s, struct imap_cmd *cmd);
/* STATUS items: a non-empty list of known atoms? */
bool imap_status_items_valid(const struct imap_arg *items);
/* "* STATUS name (...)" for a valid item list; a store status. */
int imap_status_write(struct imap_session *s, const char *name,
		      const struct imap_arg *items);
/* "* FLAGS" and "* OK [PERMANENTFLAGS]" of the selected mailbox. */
void imap_flags_announce(struct imap_session *s);

/* imap_cmd_mailbox.c */
void imap_cmd_create(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_delete(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_rename(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_subscribe(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_list(struct imap_session *s, struct imap_cmd *cmd);

/* imap_cmd_append.c */
void imap_cmd_append(struct imap_session *s, struct imap_cmd *cmd);

/* imap_cmd_fetch.c */
void imap_cmd_fetch(struct imap_session *s, struct imap_cmd *cmd);

/* imap_cmd_store.c */
void imap_cmd_store(struct imap_session *s, struct imap_cmd *cmd);

/* imap_cmd_search.c */
void imap_cmd_search(struct imap_session *s, struct imap_cmd *cmd);

/* imap_cmd_copy.c */
void imap_cmd_copy(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_expunge(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_close(struct imap_session *s, struct imap_cmd *cmd);

/* imap_cmd_idle.c */
void imap_cmd_idle(struct imap_session *s, struct imap_cmd *cmd);
void imap_idle_line(struct imap_session *s, const char *line);
void imap_idle_wake(struct imap_session *s);
void imap_idle_poll(struct ev_timer *t);

/* imap_cmd_misc.c */
void imap_cmd_capability(struct imap_session *s, struct imap_cmd *cmd);
void imap_capability_write(struct imap_session *s, struct imap_buf *b);
void imap_cmd_noop(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_logout(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_id(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_enable(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_namespace(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_getquotaroot(struct imap_session *s, struct imap_cmd *cmd);
void imap_cmd_getquota(struct imap_session *s, struct imap_cmd *cmd);

#endif
