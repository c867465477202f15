// SPDX-License-Identifier: GPL-2.0
/*
 * IMAP sessions (userspace/proto/imap*.c) driven command by command.
 *
 * Each test runs the real session code on the real event loop, as slotd
 * does: a slot in a temporary directory, the ring, the password threads.
 * A client is one end of a socketpair whose other end is handed to
 * proto_imap.start() like an accepted connection (with a loopback peer
 * address), so no network is involved. tc_cmd() sends a command line and
 * runs the loop until the tagged reply arrived; the tests then compare
 * the exact bytes the session wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <openssl/sha.h>

#include "cu_run.h"
#include "lib/conn.h"
#include "lib/ev.h"
#include "lib/log.h"
#include "proto/auth.h"
#include "proto/proto.h"
#include "slotd/config.h"
#include "store/store.h"

#define TC_WAIT_MS	10000	/* longest wait for one reply */
#define TC_PW		"Secret-1"

/* ---- fixture: a slot, the loop, the password threads ---- */

static struct {
	char dir[64];
	struct slotd_conf conf;
	struct proto_env env;
	struct store *st;		/* the server's handle */
	bool up;
} fx;

/* A client: our end of the socketpair and what it received. */
struct tc {
	int fd;
	char *in;
	size_t len, cap;
	size_t seen;			/* bytes handed out by tc_take() */
};

#define TC_MAX 4
static struct tc *tc_all[TC_MAX];

static int fx_rm(const char *path, const struct stat *sb, int flag,
		 struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Add a user (with the cheap hash set up in fx_up()). */
static void fx_user(const char *user)
{
	CU_ASSERT_EQUAL_FATAL(store_user_add(fx.st, user, TC_PW,
					     STORE_QUOTA_NONE), STORE_OK);
}

static int fx_up(void)
{
	char err[STORE_ERR_LEN];

	memset(&fx, 0, sizeof(fx));
	strcpy(fx.dir, "/tmp/test-imap-session.XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	if (store_create(fx.dir, err, sizeof(err)) != STORE_OK ||
	    store_open(fx.dir, 0, &fx.st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "slot: %s\n", err);
		return -1;
	}
	/* cheap hashes: the tests log in often (each hash keeps its cost) */
	if (store_set_pw_cost(fx.st, SLOT_PW_SCRYPT_LOG2N_MIN - 1) !=
	    STORE_EINVAL ||
	    store_set_pw_cost(fx.st, SLOT_PW_SCRYPT_LOG2N_MIN) != STORE_OK)
		return -1;
	slotd_conf_defaults(&fx.conf);
	fx.conf.login_fail_delay_ms = 50;
	fx.conf.max_message_size = 1024 * 1024;
	fx.env.conf = &fx.conf;
	fx.env.store = fx.st;
	if (ev_init(256) < 0 || ev_bufs_init(64) < 0)
		return -1;
	conn_init(0);
	if (auth_init(fx.dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "auth: %s\n", err);
		return -1;
	}
	fx.up = true;
	fx_user("bob");
	fx_user("alice");
	return 0;
}

/* ---- running the loop until a condition holds ---- */

static bool (*tw_cond)(void *arg);
static void *tw_arg;
static bool tw_met, tw_timed_out;
static struct ev_op tw_stop_op;
static struct ev_timer tw_deadline;

static void tc_pump(struct tc *t)
{
	ssize_t n;

	for (;;) {
		if (t->cap - t->len < 4096) {
			t->cap = t->cap ? 2 * t->cap : 16384;
			t->in = realloc(t->in, t->cap + 1);
			if (!t->in)
				abort();
		}
		n = recv(t->fd, t->in + t->len, t->cap - t->len, MSG_DONTWAIT);
		if (n <= 0)
			break;
		t->len += (size_t)n;
	}
	t->in[t->len] = '\0';
}

static void tw_stop(struct ev_op *op, int res, unsigned int flags)
{
	(void)op;
	(void)res;
	(void)flags;
	ev_stop();
}

static void tw_expired(struct ev_timer *t)
{
	(void)t;
	tw_timed_out = true;
	ev_stop();
}

/* Before each wait, as in slotd: send replies, then look at the clients. */
static void tw_hook(void)
{
	size_t i;

	conn_run_work();
	for (i = 0; i < TC_MAX; i++)
		if (tc_all[i])
			tc_pump(tc_all[i]);
	if (!tw_met && tw_cond && tw_cond(tw_arg)) {
		tw_met = true;
		/* the loop is about to wait: a no-op completion ends it */
		io_uring_prep_nop(ev_sqe(&tw_stop_op));
	}
}

static bool tw_run(bool (*cond)(void *arg), void *arg)
{
	tw_cond = cond;
	tw_arg = arg;
	tw_met = tw_timed_out = false;
	tw_stop_op.cb = tw_stop;
	ev_set_idle_hook(tw_hook);
	ev_timer_init(&tw_deadline, tw_expired);
	ev_timer_start(&tw_deadline, TC_WAIT_MS);
	while (!tw_met && !tw_timed_out)
		ev_run();
	ev_timer_stop(&tw_deadline);
	tw_cond = NULL;
	return tw_met;
}

static bool fx_all_gone(void *arg)
{
	(void)arg;
	return !conn_count() && !fx.env.sessions && !auth_pending();
}

static void fx_down(void)
{
	size_t i;

	for (i = 0; i < TC_MAX; i++) {
		if (!tc_all[i])
			continue;
		close(tc_all[i]->fd);
		free(tc_all[i]->in);
		free(tc_all[i]);
		tc_all[i] = NULL;
	}
	if (!fx.up)
		return;
	CU_ASSERT_TRUE(tw_run(fx_all_gone, NULL));
	auth_exit();
	ev_exit();
	store_close(fx.st);
	nftw(fx.dir, fx_rm, 16, FTW_DEPTH | FTW_PHYS);
	fx.up = false;
}

/* ---- clients ---- */

struct tc_wait {
	struct tc *t;
	const char *line;	/* wait for a line starting with this */
};

/* Offset of the first complete line after t->seen starting with prefix. */
static long tc_find_line(const struct tc *t, const char *prefix)
{
	size_t pos = t->seen, plen = strlen(prefix);
	const char *eol;

	while (pos < t->len) {
		eol = strstr(t->in + pos, "\r\n");
		if (!eol)
			return -1;
		if (!strncmp(t->in + pos, prefix, plen))
			return (long)pos;
		pos = (size_t)(eol - t->in) + 2;
	}
	return -1;
}

static bool tc_has_line(void *arg)
{
	struct tc_wait *w = arg;

	return tc_find_line(w->t, w->line) >= 0;
}

static bool tc_closed(void *arg)
{
	struct tc *t = arg;
	char c;

	return recv(t->fd, &c, 1, MSG_DONTWAIT | MSG_PEEK) == 0;
}

/*
 * Everything received after what was taken before, up to and including
 * the line starting with prefix (waiting for it); "" on a timeout.
 */
static char *tc_take(struct tc *t, const char *prefix)
{
	static char out[65536];
	struct tc_wait w = { t, prefix };
	const char *eol;
	long at;
	size_t end;

	if (!tw_run(tc_has_line, &w)) {
		fprintf(stderr, "\ntimed out waiting for '%s'; got: %s\n",
			prefix, t->in ? t->in + t->seen : "");
		out[0] = '\0';
		return out;
	}
	at = tc_find_line(t, prefix);
	eol = strstr(t->in + at, "\r\n");
	end = (size_t)(eol - t->in) + 2;
	if (end - t->seen >= sizeof(out))
		abort();
	memcpy(out, t->in + t->seen, end - t->seen);
	out[end - t->seen] = '\0';
	t->seen = end;
	return out;
}

static void tc_send(struct tc *t, const char *text)
{
	size_t len = strlen(text);

	CU_ASSERT_EQUAL_FATAL(send(t->fd, text, len, MSG_NOSIGNAL),
			      (ssize_t)len);
}

/* Send "TAG rest\r\n" and return the reply up to the tagged line. */
static char *tc_cmd(struct tc *t, const char *line)
{
	char tag[80], buf[4096];
	size_t n = strcspn(line, " ");

	snprintf(tag, sizeof(tag), "%.*s ", (int)n, line);
	snprintf(buf, sizeof(buf), "%s\r\n", line);
	tc_send(t, buf);
	return tc_take(t, tag);
}

/* A new connection, greeted. */
static struct tc *tc_open(void)
{
	struct sockaddr_in peer = { .sin_family = AF_INET };
	struct conn *c;
	struct tc *t;
	size_t i;
	int sv[2];

	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
					 0, sv), 0);
	t = calloc(1, sizeof(*t));
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	t->fd = sv[0];
	for (i = 0; i < TC_MAX && tc_all[i]; i++)
		;
	CU_ASSERT_FATAL(i < TC_MAX);
	tc_all[i] = t;
	/* looks like a loopback client: plaintext logins are allowed */
	peer.sin_port = htons(40000);
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c = conn_new(sv[1], (struct sockaddr *)&peer, sizeof(peer),
		     fx.conf.max_line, 1024 * 1024);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(proto_imap.start(c, &fx.env, false), 0);
	CU_ASSERT_STRING_EQUAL(tc_take(t, "* OK"),
			       "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID "
			       "ENABLE IDLE NAMESPACE UNSELECT CHILDREN "
			       "SPECIAL-USE LIST-EXTENDED LIST-STATUS "
			       "AUTH=PLAIN] slotd IMAP4rev1 ready\r\n");
	return t;
}

#define CAPS_AUTHED "CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE " \
	"NAMESPACE UNSELECT CHILDREN SPECIAL-USE LIST-EXTENDED LIST-STATUS " \
	"UIDPLUS MOVE CONDSTORE QUOTA QUOTA=RES-STORAGE"

/* A client logged in as user. */
static struct tc *tc_login(const char *user)
{
	struct tc *t = tc_open();
	char line[256];

	snprintf(line, sizeof(line), "L1 LOGIN %s " TC_PW, user);
	CU_ASSERT_STRING_EQUAL(tc_cmd(t, line),
			       "L1 OK [" CAPS_AUTHED "] Logged in\r\n");
	return t;
}

/* Deliver a message the way LMTP does; returns its UID. */
static uint32_t fx_deliver(const char *user, const char *mailbox,
			   const char *text)
{
	const struct store_rcpt_result *res;
	struct store_delivery *d;
	size_t len = strlen(text);
	unsigned char md[SHA256_DIGEST_LENGTH];
	uint32_t uid = 0;

	CU_ASSERT_EQUAL_FATAL(store_delivery_begin(fx.st, len, &d), STORE_OK);
	CU_ASSERT_EQUAL(store_delivery_rcpt(d, user, mailbox, 0, NULL),
			STORE_OK);
	CU_ASSERT_EQUAL(write(store_delivery_fd(d), text, len), (ssize_t)len);
	CU_ASSERT_EQUAL(fsync(store_delivery_fd(d)), 0);
	SHA256((const unsigned char *)text, len, md);
	CU_ASSERT_EQUAL(store_delivery_commit(d, md, len, 0), STORE_OK);
	res = store_delivery_result(d, 0);
	if (res)
		uid = res->uid;
	store_delivery_end(d);
	proto_mailbox_changed(user, mailbox ? mailbox : "INBOX");
	return uid;
}

static const char msg1[] =
	"From: Carol <carol@example.org>\r\n"
	"To: bob@example.org\r\n"
	"Subject: lunch\r\n"
	"\r\n"
	"At noon?\r\n";
static const char msg2[] =
	"From: Dave <dave@example.org>\r\n"
	"Subject: budget 2027\r\n"
	"\r\n"
	"See attached.\r\n";
static const char msg3[] =
	"From: Erin <erin@example.org>\r\n"
	"Subject: lunch again\r\n"
	"\r\n"
	"Tomorrow.\r\n";

static uint32_t fx_uidvalidity(const char *user, const char *mailbox)
{
	struct store_mailbox_info info;

	CU_ASSERT_EQUAL_FATAL(store_mailbox_info(fx.st, user, mailbox, &info),
			      STORE_OK);
	return info.uidvalidity;
}

/* Send cmd, compare the whole reply; show both when they differ. */
#define EXPECT(t, cmd, want) do {					\
	const char *got_ = tc_cmd(t, cmd);				\
									\
	if (strcmp(got_, want))						\
		fprintf(stderr, "\n%s\n got: %s\nwant: %s\n", cmd,	\
			got_, want);					\
	CU_ASSERT_STRING_EQUAL(got_, want);				\
} while (0)

/* ---- the tests ---- */

static void test_state_errors(void)
{
	struct tc *t;

	CU_ASSERT_EQUAL_FATAL(fx_up(), 0);
	t = tc_open();
	EXPECT(t, "a1 SELECT INBOX",
	       "a1 BAD SELECT not valid in this state (not-authenticated)\r\n");
	EXPECT(t, "a2 FETCH 1 FLAGS",
	       "a2 BAD FETCH not valid in this state (not-authenticated)\r\n");
	EXPECT(t, "a3 CAPABILITY",
	       "* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE "
	       "NAMESPACE UNSELECT CHILDREN SPECIAL-USE LIST-EXTENDED "
	       "LIST-STATUS AUTH=PLAIN\r\n"
	       "a3 OK Capability completed\r\n");
	EXPECT(t, "a4 LOGIN bob wrong-password",
	       "a4 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
	EXPECT(t, "a5 LOGIN nobody " TC_PW,
	       "a5 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
	EXPECT(t, "a6 LOGIN bob " TC_PW,
	       "a6 OK [" CAPS_AUTHED "] Logged in\r\n");
	EXPECT(t, "a7 LOGIN bob " TC_PW,
	       "a7 BAD LOGIN not valid in this state (authenticated)\r\n");
	EXPECT(t, "a8 FETCH 1 FLAGS",
	       "a8 BAD FETCH not valid in this state (authenticated)\r\n");
	EXPECT(t, "a9 CLOSE",
	       "a9 BAD CLOSE not valid in this state (authenticated)\r\n");
	EXPECT(t, "a10 LOGOUT",
	       "* BYE slotd logging out\r\na10 OK Logout completed\r\n");
	CU_ASSERT_TRUE(tw_run(tc_closed, t));
	/* a full-cost hash next to the cheap ones: each verifies */
	CU_ASSERT_EQUAL(store_set_pw_cost(fx.st, SLOT_PW_SCRYPT_LOG2N),
			STORE_OK);
	fx_user("carol");
	tc_login("carol");
	tc_login("bob");
	fx_down();
}

static void test_too_many_failures(void)
{
	struct tc *t;

	CU_ASSERT_EQUAL_FATAL(fx_up(), 0);
	fx.conf.max_login_failures = 2;
	t = tc_open();
	EXPECT(t, "a1 LOGIN bob x",
	       "a1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
	EXPECT(t, "a2 LOGIN bob y",
	       "a2 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "* BYE"),
			       "* BYE Too many failed logins\r\n");
	CU_ASSERT_TRUE(tw_run(tc_closed, t));
	fx_down();
}

static void test_authenticate_plain(void)
{
	struct tc *t;

	CU_ASSERT_EQUAL_FATAL(fx_up(), 0);
	t = tc_open();
	/* SASL-IR: base64 of "\0bob\0Secret-1" */
	EXPECT(t, "a1 AUTHENTICATE PLAIN AGJvYgBTZWNyZXQtMQ==",
	       "a1 OK [" CAPS_AUTHED "] Logged in\r\n");
	t = tc_open();
	/* without the initial response: a continuation first */
	tc_send(t, "b1 AUTHENTICATE PLAIN\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "+ "), "+ \r\n");
	tc_send(t, "AGJvYgBTZWNyZXQtMQ==\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "b1 "),
			       "b1 OK [" CAPS_AUTHED "] Logged in\r\n");
	t = tc_open();
	/* authzid of another user, a wrong password, garbage, cancel */
	EXPECT(t, "c1 AUTHENTICATE PLAIN YWxpY2UAYm9iAFNlY3JldC0x",
	       "c1 NO [AUTHORIZATIONFAILED] Proxy authentication not "
	       "supported\r\n");
	EXPECT(t, "c2 AUTHENTICATE PLAIN AGJvYgB3cm9uZw==",
	       "c2 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
	EXPECT(t, "c3 AUTHENTICATE PLAIN !!!!",
	       "c3 BAD Malformed PLAIN response\r\n");
	EXPECT(t, "c4 AUTHENTICATE CRAM-MD5",
	       "c4 NO Unsupported authentication mechanism\r\n");
	tc_send(t, "c5 AUTHENTICATE PLAIN\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "+ "), "+ \r\n");
	tc_send(t, "*\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "c5 "),
			       "c5 BAD Authentication cancelled\r\n");
	fx_down();
}

static void test_select_examine(void)
{
	char want[1024];
	uint32_t v;
	struct tc *t;

	CU_ASSERT_EQUAL_FATAL(fx_up(), 0);
	fx_deliver("bob", NULL, msg1);
	fx_deliver("bob", NULL, msg2);
	v = fx_uidvalidity("bob", "INBOX");
	t = tc_login("bob");
	/* EXAMINE first: it shows \Recent without taking it */
	snprintf(want, sizeof(want),
		 "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
		 "* OK [PERMANENTFLAGS ()] Flags permitted\r\n"
		 "* 2 EXISTS\r\n"
		 "* 2 RECENT\r\n"
		 "* OK [UNSEEN 1] First unseen\r\n"
		 "* OK [UIDVALIDITY %u] UIDs valid\r\n"
		 "* OK [UIDNEXT 3] Predicted next UID\r\n"
		 "* OK [HIGHESTMODSEQ 3] Highest\r\n"
		 "e1 OK [READ-ONLY] EXAMINE completed\r\n", v);
	EXPECT(t, "e1 EXAMINE INBOX", want);
	snprintf(want, sizeof(want),
		 "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
		 "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen "
		 "\\Draft \\*)] Flags permitted\r\n"
		 "* 2 EXISTS\r\n"
		 "* 2 RECENT\r\n"
		 "* OK [UNSEEN 1] First unseen\r\n"
		 "* OK [UIDVALIDITY %u] UIDs valid\r\n"
		 "* OK [UIDNEXT 3] Predicted next UID\r\n"
		 "* OK [HIGHESTMODSEQ 3] Highest\r\n"
		 "s1 OK [READ-WRITE] SELECT completed\r\n", v);
	EXPECT(t, "s1 SELECT INBOX", want);
	/* selected again: the first SELECT took \Recent */
	snprintf(want, sizeof(want),
		 "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
		 "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen "
		 "\\Draft \\*)] Flags permitted\r\n"
		 "* 2 EXISTS\r\n"
		 "* 0 RECENT\r\n"
		 "* OK [UNSEEN 1] First unseen\r\n"
		 "* OK [UIDVALIDITY %u] UIDs valid\r\n"
		 "* OK [UIDNEXT 3] Predicted next UID\r\n"
		 "* OK [HIGHESTMODSEQ 3] Highest\r\n"
		 "s2 OK [READ-WRITE] SELECT completed\r\n", v);
	EXPECT(t, "s2 SELECT inbox", want);
	EXPECT(t, "s3 SELECT NoSuchBox",
	       "s3 NO [NONEXISTENT] SELECT: no such mailbox\r\n");
	/* a failed SELECT leaves no mailbox selected */
	EXPECT(t, "s4 FETCH 1 FLAGS",
	       "s4 BAD FETCH not valid in this state (authenticated)\r\n");
	EXPECT(t, "s5 SELECT INBOX (FOO)", "s5 BAD Unknown select parameter\r\n");
	EXPECT(t, "s6 SELECT", "s6 BAD SELECT needs a mailbox\r\n");
	fx_down();
}

static void test_fetch(void)
{
	struct tc *t;

	CU_ASSERT_EQUAL_FATAL(fx_up(), 0);
	fx_deliver("bob", NULL, msg1);
	fx_deliver("bob", NULL, msg2);
	t = tc_login("bob");
	tc_cmd(t, "s SELECT INBOX");
	EXPECT(t, "f1 FETCH 1:* (UID FLAGS)",
	       "* 1 FETCH (UID 1 FLAGS (\\Recent))\r\n"
	       "* 2 FETCH (UID 2 FLAGS (\\Recent))\r\n"
	       "f1 OK Fetch completed\r\n");
	EXPECT(t, "f2 FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject From)]",
	       "* 1 FETCH (BODY[HEADER.FIELDS (Subject From)] {51}\r\n"
	       "From: Carol <carol@example.org>\r\n"
	       "Subject: lunch\r\n"
	       "\r\n"
	       ")\r\n"
	       "f2 OK Fetch completed\r\n");
	/* not PEEK: sets \Seen, reported with the item */
	EXPECT(t, "f3 UID FETCH 2 BODY[HEADER.FIELDS (SUBJECT)]",
	       "* 2 FETCH (UID 2 BODY[HEADER.FIELDS (SUBJECT)] {24}\r\n"
	       "Subject: budget 2027\r\n"
	       "\r\n"
	       " FLAGS (\\Seen \\Recent))\r\n"
	       "f3 OK Fetch completed\r\n");
	EXPECT(t, "f4 FETCH 2 FLAGS",
	       "* 2 FETCH (FLAGS (\\Seen \\Recent))\r\n"
	       "f4 OK Fetch completed\r\n");
	EXPECT(t, "f5 FETCH 3 FLAGS", "f5 BAD No such message\r\n");
	EXPECT(t, "f6 FETCH x FLAGS", "f6 BAD Invalid sequence set\r\n");
	EXPECT(t, "f7 FETCH 1 (FLAGS", "f7 BAD Missing ')'\r\n");
	EXPECT(t, "f8 FETCH 1 NOSUCHITEM", "f8 BAD Unknown fetch item\r\n");
	EXPECT(t, "f9 UID FETCH 99 FLAGS", "f9 OK Fetch completed\r\n");
	fx_down();
}

static void test_store_condstore(void)
{
	struct tc *t, *u;

	CU_ASSERT_EQUAL_FATAL(fx_up(), 0);
	fx_deliver("bob", NULL, msg1);
	fx_deliver("bob", NULL, msg2);
	t = tc_login("bob");
	CU_ASSERT_PTR_NOT_NULL(strstr(tc_cmd(t, "s SELECT INBOX (CONDSTORE)"),
				      "* OK [HIGHESTMODSEQ 3] Highest\r\n"));
	/* the mailbox was made at modseq 1, the deliveries got 2 and 3 */
	EXPECT(t, "m1 FETCH 1:2 (MODSEQ)",
	       "* 1 FETCH (MODSEQ (2))\r\n"
	       "* 2 FETCH (MODSEQ (3))\r\n"
	       "m1 OK Fetch completed\r\n");
	/* changed since 1: refused, nothing written */
	EXPECT(t, "m2 STORE 1 (UNCHANGEDSINCE 1) +FLAGS (\\Flagged)",
	       "m2 OK [MODIFIED 1] Conditional STORE failed\r\n");
	EXPECT(t, "m3 STORE 1 (UNCHANGEDSINCE 2) +FLAGS (\\Flagged)",
	       "* 1 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ (4))\r\n"
	       "m3 OK Store completed\r\n");
	/* 1 changed since 3, 2 did not; .SILENT still reports the modseq */
	EXPECT(t, "m4 STORE 1:2 (UNCHANGEDSINCE 3) +FLAGS.SILENT (\\Seen)",
	       "* 2 FETCH (FLAGS (\\Seen \\Recent) MODSEQ (5))\r\n"
	       "m4 OK [MODIFIED 1] Conditional STORE failed\r\n");
	EXPECT(t, "m4b UID FETCH 1:2 (FLAGS MODSEQ)",
	       "* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent) MODSEQ (4))\r\n"
	       "* 2 FETCH (UID 2 FLAGS (\\Seen \\Recent) MODSEQ (5))\r\n"
	       "m4b OK Fetch completed\r\n");
	/* another session's change arrives as an untagged FETCH */
	u = tc_login("bob");
	tc_cmd(u, "u1 SELECT INBOX");
	EXPECT(u, "u2 STORE 2 +FLAGS.SILENT (\\Answered)",
	       "u2 OK Store completed\r\n");
	EXPECT(t, "m5 NOOP",
	       "* 2 FETCH (FLAGS (\\Seen \\Answered \\Recent) MODSEQ (6))\r\n"
	       "m5 OK NOOP completed\r\n");
	EXPECT(t, "m6 STORE 1 +FLAGS (\\Bogus)",
	       "m6 BAD Unknown system flag\r\n");
	EXPECT(t, "m7 STORE 1 FLAGS", "m7 BAD STORE needs a set, an item "
	       "and flags\r\n");
	fx_down();
}

static void test_copy_move_expunge(void)
{
	char want[512];
	uint32_t vt, va;
	struct tc *t;

	CU_ASSERT_EQUAL_FATAL(fx_up(), 0);
	fx_deliver("bob", NULL, msg1);
	fx_deliver("bob", NULL, msg2);
	fx_deliver("bob", NULL, msg3);
	vt = fx_uidvalidity("bob", "Trash");
	va = fx_uidvalidity("bob", "Archive");
	t = tc_login("bob");
	tc_cmd(t, "s SELECT INBOX");
	snprintf(want, sizeof(want),
		 "c1 OK [COPYUID %u 1,2 1,2] Copy completed\r\n", vt);
	EXPECT(t, "c1 COPY 1:2 Trash", want);
	snprintf(want, sizeof(want),
		 "c2 OK [COPYUID %u 3 3] Copy completed\r\n", vt);
	EXPECT(t, "c2 UID COPY 3 Trash", want);
	EXPECT(t, "c3 COPY 1 NoSuchBox",
	       "c3 NO [TRYCREATE] No such mailbox\r\n");
	/* MOVE: COPYUID untagged, then the EXPUNGE */
	snprintf(want, sizeof(want),
		 "* OK [COPYUID %u 2 1] Moved\r\n"
		 "* 2 EXPUNGE\r\n"
		 "m1 OK Move completed\r\n", va);
	EXPECT(t, "m1 UID MOVE 2 Archive", want);
	EXPECT(t, "x1 STORE 1 +FLAGS.SILENT (\\Deleted)",
	       "x1 OK Store completed\r\n");
	EXPECT(t, "x2 EXPUNGE", "* 1 EXPUNGE\r\nx2 OK Expunge completed\r\n");
	EXPECT(t, "x3 FETCH 1:* UID",
	       "* 1 FETCH (UID 3)\r\nx3 OK Fetch completed\r\n");
	EXPECT(t, "x4 STATUS Trash (MESSAGES UIDNEXT)",
	       "* STATUS Trash (MESSAGES 3 UIDNEXT 4)\r\n"
	       "x4 OK Status completed\r\n");
	EXPECT(t, "x5 STATUS Archive (MESSAGES UNSEEN)",
	       "* STATUS Archive (MESSAGES 1 UNSEEN 1)\r\n"
	       "x5 OK Status completed\r\n");
	EXPECT(t, "x6 COPY", "x6 BAD COPY needs a set and a mailbox\r\n");
	fx_down();
}

static void test_search_status_list(void)
{
	struct tc *t;

	CU_ASSERT_EQUAL_FATAL(fx_up(), 0);
	fx_deliver("bob", NULL, msg1);
	fx_deliver("bob", NULL, msg2);
	fx_deliver("bob", NULL, msg3);
	fx_deliver("bob", "Sent", msg2);
	t = tc_login("bob");
	EXPECT(t, "l1 LIST \"\" \"*\"",
	       "* LIST (\\HasNoChildren \\Archive) \"/\" Archive\r\n"
	       "* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\r\n"
	       "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
	       "* LIST (\\HasNoChildren \\Junk) \"/\" Junk\r\n"
	       "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n"
	       "* LIST (\\HasNoChildren \\Trash) \"/\" Trash\r\n"
	       "l1 OK LIST completed\r\n");
	EXPECT(t, "l2 LIST (SPECIAL-USE) \"\" \"*\"",
	       "* LIST (\\HasNoChildren \\Archive) \"/\" Archive\r\n"
	       "* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\r\n"
	       "* LIST (\\HasNoChildren \\Junk) \"/\" Junk\r\n"
	       "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n"
	       "* LIST (\\HasNoChildren \\Trash) \"/\" Trash\r\n"
	       "l2 OK LIST completed\r\n");
	EXPECT(t, "l3 STATUS Sent (MESSAGES RECENT UIDNEXT UNSEEN)",
	       "* STATUS Sent (MESSAGES 1 RECENT 1 UIDNEXT 2 UNSEEN 1)\r\n"
	       "l3 OK Status completed\r\n");
	EXPECT(t, "l4 STATUS Sent (BOGUS)", "l4 BAD Unknown STATUS item\r\n");
	EXPECT(t, "l5 STATUS Nope (MESSAGES)",
	       "l5 NO [NONEXISTENT] STATUS: no such mailbox\r\n");
	tc_cmd(t, "s SELECT INBOX");
	EXPECT(t, "q1 SEARCH SUBJECT lunch",
	       "* SEARCH 1 3\r\nq1 OK Search completed\r\n");
	EXPECT(t, "q2 UID SEARCH FROM dave",
	       "* SEARCH 2\r\nq2 OK Search completed\r\n");
	EXPECT(t, "q3 SEARCH BODY noon NOT FLAGGED",
	       "* SEARCH 1\r\nq3 OK Search completed\r\n");
	EXPECT(t, "q4 SEARCH SUBJECT nothing-like-this",
	       "* SEARCH\r\nq4 OK Search completed\r\n");
	EXPECT(t, "q5 SEARCH FOO", "q5 BAD Unknown search key\r\n");
	fx_down();
}

static void test_bad_input(void)
{
	struct tc *t;

	CU_ASSERT_EQUAL_FATAL(fx_up(), 0);
	fx_deliver("alice", NULL, msg1);
	t = tc_open();
	/* before login: literals are small */
	tc_send(t, "p1 LOGIN {100000}\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "p1 "),
			       "p1 BAD Literal too large\r\n");
	EXPECT(t, "p2 NOSUCHCOMMAND", "p2 BAD Unknown command\r\n");
	EXPECT(t, "p3 UID LOGIN bob x", "p3 BAD Unknown command\r\n");
	EXPECT(t, "p4 LOGIN bob", "p4 BAD LOGIN needs a user and a "
	       "password\r\n");
	EXPECT(t, "p5 LOGIN bob " TC_PW, "p5 OK [" CAPS_AUTHED "] Logged in\r\n");
	/* names that leave the user's tree, or are not names at all */
	EXPECT(t, "n1 SELECT ../alice/INBOX",
	       "n1 NO [CANNOT] Invalid mailbox name\r\n");
	EXPECT(t, "n2 CREATE a/../b", "n2 NO [CANNOT] Invalid mailbox name\r\n");
	EXPECT(t, "n3 SELECT /alice/INBOX",
	       "n3 NO [CANNOT] Invalid mailbox name\r\n");
	EXPECT(t, "n4 SELECT alice/INBOX",
	       "n4 NO [NONEXISTENT] SELECT: no such mailbox\r\n");
	EXPECT(t, "n5 STATUS ~alice/INBOX (MESSAGES)",
	       "n5 NO [NONEXISTENT] STATUS: no such mailbox\r\n");
	EXPECT(t, "n6 LIST \"\" \"%/%\"", "n6 OK LIST completed\r\n");
	/* a literal over max_message_size, then the session goes on */
	tc_send(t, "o1 APPEND INBOX {2000000}\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "o1 "),
			       "o1 BAD Literal too large\r\n");
	EXPECT(t, "o2 NOOP", "o2 OK NOOP completed\r\n");
	EXPECT(t, "o3 SELECT INBOX (", "o3 BAD Missing ')'\r\n");
	EXPECT(t, "o4 NOOP extra", "o4 BAD NOOP takes no arguments\r\n");
	/* LITERAL+ over the limit: the bytes are coming, so BYE */
	tc_send(t, "o5 APPEND INBOX {2000000+}\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "* BYE"),
			       "* BYE Literal too large\r\n");
	CU_ASSERT_TRUE(tw_run(tc_closed, t));
	/* alice's mail was never touched */
	t = tc_login("alice");
	EXPECT(t, "a1 STATUS INBOX (MESSAGES)",
	       "* STATUS INBOX (MESSAGES 1)\r\na1 OK Status completed\r\n");
	fx_down();
}

static void test_recent(void)
{
	struct tc *a, *b;

	CU_ASSERT_EQUAL_FATAL(fx_up(), 0);
	fx_deliver("bob", NULL, msg1);
	fx_deliver("bob", NULL, msg2);
	a = tc_login("bob");
	b = tc_login("bob");
	/* nobody selected INBOX yet: both messages are recent */
	EXPECT(b, "b1 STATUS INBOX (RECENT MESSAGES)",
	       "* STATUS INBOX (RECENT 2 MESSAGES 2)\r\n"
	       "b1 OK Status completed\r\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(tc_cmd(a, "a1 SELECT INBOX"),
				      "* 2 RECENT\r\n"));
	/* A took them: recent for A only, not for B's STATUS */
	EXPECT(a, "a2 STATUS INBOX (RECENT)",
	       "* STATUS INBOX (RECENT 2)\r\na2 OK Status completed\r\n");
	EXPECT(b, "b2 STATUS INBOX (RECENT)",
	       "* STATUS INBOX (RECENT 0)\r\nb2 OK Status completed\r\n");
	/* a new delivery is recent until a session with INBOX sees it */
	fx_deliver("bob", NULL, msg3);
	EXPECT(b, "b3 STATUS INBOX (RECENT)",
	       "* STATUS INBOX (RECENT 1)\r\nb3 OK Status completed\r\n");
	EXPECT(a, "a3 NOOP", "* 3 EXISTS\r\n* 3 RECENT\r\n"
	       "a3 OK NOOP completed\r\n");
	EXPECT(b, "b4 STATUS INBOX (RECENT)",
	       "* STATUS INBOX (RECENT 0)\r\nb4 OK Status completed\r\n");
	/* B's SELECT agrees: nothing recent for it */
	CU_ASSERT_PTR_NOT_NULL(strstr(tc_cmd(b, "b5 SELECT INBOX"),
				      "* 0 RECENT\r\n"));
	EXPECT(b, "b6 FETCH 3 FLAGS",
	       "* 3 FETCH (FLAGS ())\r\nb6 OK Fetch completed\r\n");
	EXPECT(a, "a4 FETCH 3 FLAGS",
	       "* 3 FETCH (FLAGS (\\Recent))\r\na4 OK Fetch completed\r\n");
	/* other mailboxes keep their own recent UID */
	fx_deliver("bob", "Junk", msg1);
	EXPECT(a, "a5 STATUS Junk (RECENT)",
	       "* STATUS Junk (RECENT 1)\r\na5 OK Status completed\r\n");
	fx_down();
}

static void test_idle(void)
{
	struct tc *t, *u;

	CU_ASSERT_EQUAL_FATAL(fx_up(), 0);
	fx_deliver("bob", NULL, msg1);
	t = tc_login("bob");
	u = tc_login("bob");
	tc_cmd(t, "s SELECT INBOX");
	tc_cmd(u, "s SELECT INBOX");
	tc_send(t, "i1 IDLE\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "+ "), "+ idling\r\n");
	/* a delivery (LMTP's notification) and another session's STORE */
	fx_deliver("bob", NULL, msg2);
	CU_ASSERT_STRING_EQUAL(tc_take(t, "* 2 RECENT"),
			       "* 2 EXISTS\r\n* 2 RECENT\r\n");
	/* u learns of the new message too, not \Recent for it: t has it */
	EXPECT(u, "u1 STORE 1 +FLAGS.SILENT (\\Flagged)",
	       "* 2 EXISTS\r\n* 0 RECENT\r\nu1 OK Store completed\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "* 1 FETCH"),
			       "* 1 FETCH (FLAGS (\\Flagged \\Recent))\r\n");
	tc_send(t, "DONE\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "i1 "), "i1 OK Idle completed\r\n");
	tc_send(t, "i2 IDLE\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "+ "), "+ idling\r\n");
	tc_send(t, "NOT-DONE\r\n");
	CU_ASSERT_STRING_EQUAL(tc_take(t, "i2 "), "i2 BAD Expected DONE\r\n");
	fx_down();
}

static void test_idle_timeout(void)
{
	struct tc *t, *q;

	CU_ASSERT_EQUAL_FATAL(fx_up(), 0);
	conn_set_idle_timeout(1000);
	fx.conf.login_fail_delay_ms = 2500;
	t = tc_open();
	q = tc_open();
	/* held back longer than the idle timeout: still answered */
	EXPECT(t, "a1 LOGIN bob wrong",
	       "a1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
	/* the quiet client was logged out meanwhile */
	CU_ASSERT_STRING_EQUAL(tc_take(q, "* BYE"),
			       "* BYE Autologout; idle for too long\r\n");
	CU_ASSERT_TRUE(tw_run(tc_closed, q));
	fx_down();
}

static const CU_TestInfo imap_session_tests[] = {
	{ "state errors", test_state_errors },
	{ "too many failed logins", test_too_many_failures },
	{ "AUTHENTICATE PLAIN, SASL-IR", test_authenticate_plain },
	{ "SELECT and EXAMINE", test_select_examine },
	{ "FETCH flags, UID, HEADER.FIELDS", test_fetch },
	{ "STORE, CONDSTORE UNCHANGEDSINCE", test_store_condstore },
	{ "COPY, MOVE, COPYUID, EXPUNGE", test_copy_move_expunge },
	{ "SEARCH, STATUS, LIST SPECIAL-USE", test_search_status_list },
	{ "bad input", test_bad_input },
	{ "RECENT across sessions", test_recent },
	{ "IDLE woken by delivery and STORE", test_idle },
	{ "idle timeout, not during a login", test_idle_timeout },
	CU_TEST_INFO_NULL,
};

void unit_register(void)
{
	log_set_verbose(0);
	unit_suite("imap-session", imap_session_tests);
}
