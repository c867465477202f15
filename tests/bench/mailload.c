// SPDX-License-Identifier: GPL-2.0
/*
 * mailload: the load generator of the mail benchmarks (tests/bench/b-mail.sh).
 *
 * One process, one epoll loop, C connections to 127.0.0.1:PORT, each
 * running the same scripted LMTP, POP3 or IMAP exchange over and over for
 * a given time (or a given number of operations), waiting for each reply
 * before the next command.  It prints one line of key=value figures:
 * operations, errors, rate, p50 and p99 latency.  The idle modes log C
 * connections in, print "ready", and hold them until SIGTERM or -t.
 *
 * Python could not keep 50 clients busy fast enough to measure a server;
 * this needs no threads and no library beyond libc.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LOAD_IN_MAX	(256 * 1024)	/* longest reply line we accept */
#define LOAD_CMD_MAX	1024
#define LOAD_MAX_CONNS	20000
#define LOAD_MAX_ERRORS	1000		/* give up: the server refuses */
#define LOAD_ERRORS_SHOWN 5

/* The commands of every script; a script is a list of these. */
enum load_cmd {
	C_END,
	C_SMTP_GREET, C_LHLO, C_MAIL, C_RCPT, C_DATA, C_MESSAGE,
	C_POP_GREET, C_USER, C_PASS, C_STAT, C_RETR, C_POP_QUIT,
	C_IMAP_GREET, C_LOGIN, C_SELECT, C_LOGOUT,
	C_FETCH_FLAGS, C_FETCH_BODY, C_STORE, C_SEARCH,
};

/* How a reply ends and what counts as success. */
enum load_reply {
	R_SMTP,		/* lines "ddd-" then "ddd ", 2xx (3xx for DATA) */
	R_POP,		/* one line, +OK */
	R_POP_MULTI,	/* +OK line, data, "." line */
	R_IMAP_GREET,	/* one line, "* OK" */
	R_IMAP,		/* untagged lines (with literals), tagged OK */
};

#define SCRIPT_LEN 8

struct load_mode {
	const char *name;
	enum load_cmd setup[SCRIPT_LEN];	/* once per connection */
	enum load_cmd op[SCRIPT_LEN];		/* timed, repeated */
	bool session;	/* an op is a whole connection (connect .. close) */
	bool idle;	/* setup only, then hold the connection */
	bool per_op_user; /* the user changes with every op (LMTP RCPT) */
};

#define MODE(n, s, o, ...) { .name = n, .setup = s, .op = o, __VA_ARGS__ }
#define STEPS(...) { __VA_ARGS__ }

static const struct load_mode load_modes[] = {
	MODE("lmtp", STEPS(C_SMTP_GREET, C_LHLO),
	     STEPS(C_MAIL, C_RCPT, C_DATA, C_MESSAGE), .per_op_user = true),
	MODE("pop3", STEPS(C_END),
	     STEPS(C_POP_GREET, C_USER, C_PASS, C_STAT, C_RETR, C_POP_QUIT),
	     .session = true),
	MODE("pop3-idle", STEPS(C_POP_GREET, C_USER, C_PASS, C_STAT),
	     STEPS(C_END), .idle = true),
	MODE("imap-login", STEPS(C_END),
	     STEPS(C_IMAP_GREET, C_LOGIN, C_LOGOUT), .session = true),
	MODE("imap-select", STEPS(C_IMAP_GREET, C_LOGIN, C_SELECT),
	     STEPS(C_SELECT)),
	MODE("imap-fetch-flags", STEPS(C_IMAP_GREET, C_LOGIN, C_SELECT),
	     STEPS(C_FETCH_FLAGS)),
	MODE("imap-fetch-body", STEPS(C_IMAP_GREET, C_LOGIN, C_SELECT),
	     STEPS(C_FETCH_BODY)),
	MODE("imap-store", STEPS(C_IMAP_GREET, C_LOGIN, C_SELECT),
	     STEPS(C_STORE)),
	MODE("imap-search", STEPS(C_IMAP_GREET, C_LOGIN, C_SELECT),
	     STEPS(C_SEARCH)),
	MODE("imap-idle", STEPS(C_IMAP_GREET, C_LOGIN, C_SELECT),
	     STEPS(C_END), .idle = true),
};

#define LOAD_MAX_PHASES 16

struct load_opts {
	const struct load_mode *mode;	/* the current phase */
	const struct load_mode *modes[LOAD_MAX_PHASES];
	int nmodes;
	int port;
	int conns;
	double seconds;		/* run (or hold) time */
	double grace;		/* how long in-flight ops may finish */
	long max_ops;		/* 0: no limit, run for seconds */
	size_t msg_size;
	const char *user;	/* user name, or prefix with nusers */
	int nusers;		/* 0: user is the exact name */
	const char *password;
	int mailbox_msgs;	/* messages in the IMAP mailbox */
	int parallel_logins;	/* logins in flight at once at the start */
};

struct load_conn {
	int fd;
	int id;
	bool up;		/* connected, setup done */
	bool in_setup;
	bool parked;		/* done with this phase, still connected */
	bool connecting;
	const enum load_cmd *script;
	int step;
	enum load_reply want;
	bool want_3xx;
	char tag[16];
	char cmd[LOAD_CMD_MAX];
	const char *out;	/* what is left to send */
	size_t out_len;
	char *in;
	size_t in_len;
	char *msg;		/* the LMTP message being sent */
	size_t literal;		/* IMAP literal bytes still to skip */
	bool mid_line;		/* after a literal: not at a line start */
	bool got_status;	/* R_POP_MULTI: +OK line seen */
	double op_start;
	unsigned int rand;
	unsigned int tagn;
	bool store_add;
};

struct load_stats {
	long ops;
	long errors;
	long started;
	double *lat_ms;
	size_t lat_len, lat_cap;
};

static struct load_opts opts;
static struct load_stats stats;
static int load_epfd;
static char *load_body;		/* the message body, dot-safe, CRLF */
static volatile sig_atomic_t load_stop;
static long load_rcpt_seq;
static bool load_in_phase;	/* timed operations are running */

static double load_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned int load_random(struct load_conn *c)
{
	c->rand = c->rand * 1103515245u + 12345u;
	return (c->rand >> 8) & 0xffffff;
}

static void load_error(struct load_conn *c, const char *what,
		       const char *detail)
{
	stats.errors++;
	if (stats.errors <= LOAD_ERRORS_SHOWN)
		fprintf(stderr, "mailload: connection %d: %s%s%.*s\n", c->id,
			what, detail ? ": " : "", detail ? 200 : 0,
			detail ? detail : "");
}

static void load_record(double ms)
{
	if (stats.lat_len == stats.lat_cap) {
		stats.lat_cap = stats.lat_cap ? stats.lat_cap * 2 : 4096;
		stats.lat_ms = realloc(stats.lat_ms,
				       stats.lat_cap * sizeof(double));
		if (!stats.lat_ms) {
			perror("mailload: realloc");
			exit(1);
		}
	}
	stats.lat_ms[stats.lat_len++] = ms;
	stats.ops++;
}

static const char *load_user(struct load_conn *c, char *buf, size_t len)
{
	long n = opts.mode->per_op_user ? load_rcpt_seq : c->id;

	if (!opts.nusers)
		return opts.user;
	snprintf(buf, len, "%s%ld", opts.user, n % opts.nusers);
	return buf;
}

/* Builds a body of about msg_size bytes: 76-column lines, CRLF, no dots. */
static void load_make_body(void)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t i, len = opts.msg_size > 512 ? opts.msg_size - 256 : 256;

	load_body = malloc(len + 1);
	if (!load_body) {
		perror("mailload: malloc");
		exit(1);
	}
	for (i = 0; i < len; i++) {
		if (i % 78 == 76)
			load_body[i] = '\r';
		else if (i % 78 == 77)
			load_body[i] = '\n';
		else
			load_body[i] = alpha[(i * 7 + i / 78) % 36];
	}
	if (len >= 2) {
		load_body[len - 2] = '\r';
		load_body[len - 1] = '\n';
	}
	load_body[len] = '\0';
}

/* The message of one LMTP transaction: headers, body and the final dot. */
static void load_message(struct load_conn *c, char **out, size_t *out_len)
{
	size_t body = strlen(load_body), cap = body + 1024, n;
	char user[64];

	/* per connection: another one may still be sending its own */
	if (!c->msg) {
		c->msg = malloc(cap);
		if (!c->msg) {
			perror("mailload: malloc");
			exit(1);
		}
	}
	n = snprintf(c->msg, cap,
		     "From: Bench Sender <sender@bench.invalid>\r\n"
		     "To: <%s@bench.invalid>\r\n"
		     "Subject: bench message %ld k%03ld\r\n"
		     "Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n"
		     "Message-ID: <%ld.%d.%d@bench.invalid>\r\n"
		     "Content-Type: text/plain; charset=us-ascii\r\n\r\n",
		     load_user(c, user, sizeof(user)), stats.started,
		     stats.started % 100, stats.started, c->id, getpid());
	memcpy(c->msg + n, load_body, body);
	memcpy(c->msg + n + body, ".\r\n", 3);
	*out = c->msg;
	*out_len = n + body + 3;
}

/* Fills c->cmd (or points at the message) for the current step. */
static void load_prepare(struct load_conn *c)
{
	enum load_cmd cmd = c->script[c->step];
	char user[64];
	char *msg = NULL;
	size_t len = 0;
	int n = 0, first;

	c->want_3xx = false;
	c->got_status = false;
	c->cmd[0] = '\0';
	snprintf(c->tag, sizeof(c->tag), "a%u", ++c->tagn);
	switch (cmd) {
	case C_SMTP_GREET:
		c->want = R_SMTP;
		break;
	case C_LHLO:
		c->want = R_SMTP;
		n = snprintf(c->cmd, LOAD_CMD_MAX, "LHLO mailload\r\n");
		break;
	case C_MAIL:
		c->want = R_SMTP;
		n = snprintf(c->cmd, LOAD_CMD_MAX,
			     "MAIL FROM:<sender@bench.invalid>\r\n");
		break;
	case C_RCPT:
		c->want = R_SMTP;
		n = snprintf(c->cmd, LOAD_CMD_MAX, "RCPT TO:<%s>\r\n",
			     load_user(c, user, sizeof(user)));
		load_rcpt_seq++;
		break;
	case C_DATA:
		c->want = R_SMTP;
		c->want_3xx = true;
		n = snprintf(c->cmd, LOAD_CMD_MAX, "DATA\r\n");
		break;
	case C_MESSAGE:
		c->want = R_SMTP;
		load_message(c, &msg, &len);
		break;
	case C_POP_GREET:
		c->want = R_POP;
		break;
	case C_USER:
		c->want = R_POP;
		n = snprintf(c->cmd, LOAD_CMD_MAX, "USER %s\r\n",
			     load_user(c, user, sizeof(user)));
		break;
	case C_PASS:
		c->want = R_POP;
		n = snprintf(c->cmd, LOAD_CMD_MAX, "PASS %s\r\n",
			     opts.password);
		break;
	case C_STAT:
		c->want = R_POP;
		n = snprintf(c->cmd, LOAD_CMD_MAX, "STAT\r\n");
		break;
	case C_RETR:
		c->want = R_POP_MULTI;
		n = snprintf(c->cmd, LOAD_CMD_MAX, "RETR 1\r\n");
		break;
	case C_POP_QUIT:
		c->want = R_POP;
		n = snprintf(c->cmd, LOAD_CMD_MAX, "QUIT\r\n");
		break;
	case C_IMAP_GREET:
		c->want = R_IMAP_GREET;
		break;
	case C_LOGIN:
		c->want = R_IMAP;
		n = snprintf(c->cmd, LOAD_CMD_MAX, "%s LOGIN \"%s\" \"%s\"\r\n",
			     c->tag, load_user(c, user, sizeof(user)),
			     opts.password);
		break;
	case C_SELECT:
		c->want = R_IMAP;
		n = snprintf(c->cmd, LOAD_CMD_MAX, "%s SELECT INBOX\r\n",
			     c->tag);
		break;
	case C_LOGOUT:
		c->want = R_IMAP;
		n = snprintf(c->cmd, LOAD_CMD_MAX, "%s LOGOUT\r\n", c->tag);
		break;
	case C_FETCH_FLAGS:
		c->want = R_IMAP;
		n = snprintf(c->cmd, LOAD_CMD_MAX, "%s FETCH 1:* (FLAGS)\r\n",
			     c->tag);
		break;
	case C_FETCH_BODY:
		/* ten whole messages from a random place */
		c->want = R_IMAP;
		first = 1 + load_random(c) % (opts.mailbox_msgs > 10 ?
					      opts.mailbox_msgs - 9 : 1);
		n = snprintf(c->cmd, LOAD_CMD_MAX,
			     "%s FETCH %d:%d (BODY.PEEK[])\r\n", c->tag, first,
			     first + 9);
		break;
	case C_STORE:
		/* a real change every time: set, then clear, \Flagged */
		c->want = R_IMAP;
		c->store_add = !c->store_add;
		n = snprintf(c->cmd, LOAD_CMD_MAX,
			     "%s STORE %u %cFLAGS.SILENT (\\Flagged)\r\n",
			     c->tag, 1 + load_random(c) % opts.mailbox_msgs,
			     c->store_add ? '+' : '-');
		break;
	case C_SEARCH:
		c->want = R_IMAP;
		n = snprintf(c->cmd, LOAD_CMD_MAX,
			     "%s SEARCH SUBJECT \"k%03u\"\r\n", c->tag,
			     load_random(c) % 100);
		break;
	case C_END:
		break;
	}
	if (msg) {
		c->out = msg;
		c->out_len = len;
	} else {
		c->out = c->cmd;
		c->out_len = n;
	}
}

static void load_watch(struct load_conn *c, int op)
{
	struct epoll_event ev = { .data.ptr = c };

	ev.events = EPOLLIN | (c->out_len || c->connecting ? EPOLLOUT : 0);
	if (epoll_ctl(load_epfd, op, c->fd, &ev) < 0) {
		perror("mailload: epoll_ctl");
		exit(1);
	}
}

static void load_close(struct load_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->up = false;
	c->connecting = false;
	c->in_len = 0;
	c->literal = 0;
	c->mid_line = false;
}

static bool load_may_start(void)
{
	if (load_stop)
		return false;
	return !opts.max_ops || stats.started < opts.max_ops;
}

static int load_connect(struct load_conn *c)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(opts.port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		load_error(c, "socket", strerror(errno));
		return -1;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->connecting = true;
	c->out_len = 0;
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
	    errno != EINPROGRESS) {
		load_error(c, "connect", strerror(errno));
		load_close(c);
		return -1;
	}
	load_watch(c, EPOLL_CTL_ADD);
	return 0;
}

/* Starts the next operation on c, or parks c when the phase is over. */
static void load_next_op(struct load_conn *c)
{
	if (!load_may_start()) {
		if (opts.mode->session)
			load_close(c);
		c->parked = true;
		return;
	}
	c->parked = false;
	stats.started++;
	c->op_start = load_now();
	c->script = opts.mode->op;
	c->in_setup = false;
	c->step = 0;
	if (opts.mode->session) {
		load_connect(c);
		load_prepare(c);
		return;
	}
	load_prepare(c);
	load_watch(c, EPOLL_CTL_MOD);
}

static void load_start_setup(struct load_conn *c)
{
	c->script = opts.mode->setup;
	c->in_setup = true;
	c->step = 0;
	if (load_connect(c) == 0)
		load_prepare(c);
}

static void load_step_done(struct load_conn *c)
{
	c->step++;
	if (c->step < SCRIPT_LEN && c->script[c->step] != C_END) {
		load_prepare(c);
		load_watch(c, EPOLL_CTL_MOD);
		return;
	}
	if (c->in_setup) {
		c->up = true;
		c->in_setup = false;
		c->out_len = 0;
		load_watch(c, EPOLL_CTL_MOD);
		if (load_in_phase)	/* back after an error */
			load_next_op(c);
		return;
	}
	load_record((load_now() - c->op_start) * 1000);
	if (opts.mode->session)
		load_close(c);
	load_next_op(c);
}

/* After an error: drop the connection; busy modes start over. */
static void load_fail(struct load_conn *c, const char *what,
		      const char *detail)
{
	load_error(c, what, detail);
	load_close(c);
	if (!load_in_phase || stats.errors >= LOAD_MAX_ERRORS)
		return;
	if (opts.mode->session) {
		load_next_op(c);
		return;
	}
	if (load_may_start())
		load_start_setup(c);
}

/*
 * Looks at one complete line (with its CRLF).  Returns 1 when the reply
 * is complete and good, -1 when it is complete and bad, 0 for more.
 */
static int load_line(struct load_conn *c, const char *line, size_t len)
{
	size_t tl;

	switch (c->want) {
	case R_SMTP:
		if (len < 4)
			return -1;
		if (line[3] == '-')
			return 0;
		if (c->want_3xx)
			return line[0] == '3' ? 1 : -1;
		return line[0] == '2' ? 1 : -1;
	case R_POP:
		return len >= 3 && !memcmp(line, "+OK", 3) ? 1 : -1;
	case R_POP_MULTI:
		if (!c->got_status) {
			if (len < 3 || memcmp(line, "+OK", 3))
				return -1;
			c->got_status = true;
			return 0;
		}
		return len == 3 && !memcmp(line, ".\r\n", 3);
	case R_IMAP_GREET:
		return len >= 4 && !memcmp(line, "* OK", 4) ? 1 : -1;
	case R_IMAP:
		tl = strlen(c->tag);
		if (c->mid_line || len <= tl || memcmp(line, c->tag, tl) ||
		    line[tl] != ' ')
			return 0;
		return len >= tl + 3 && !memcmp(line + tl + 1, "OK", 2) ?
			1 : -1;
	}
	return -1;
}

/* An IMAP line ending in {N}: N bytes of literal follow. */
static size_t load_literal(const char *line, size_t len)
{
	const char *p;

	if (len < 5 || line[len - 3] != '}')
		return 0;
	p = line + len - 4;
	while (p > line && *p >= '0' && *p <= '9')
		p--;
	if (*p == '+')		/* {N+}: non-synchronizing */
		p--;
	if (*p != '{')
		return 0;
	return strtoul(p + 1, NULL, 10);
}

static void load_read(struct load_conn *c)
{
	size_t pos = 0, skip, len;
	ssize_t n;
	char *nl;
	int r;

	n = read(c->fd, c->in + c->in_len, LOAD_IN_MAX - c->in_len);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		load_fail(c, n ? "read" : "connection closed by the server",
			  n ? strerror(errno) : NULL);
		return;
	}
	c->in_len += n;
	while (pos < c->in_len) {
		if (c->literal) {
			skip = c->in_len - pos < c->literal ?
				c->in_len - pos : c->literal;
			pos += skip;
			c->literal -= skip;
			continue;
		}
		nl = memchr(c->in + pos, '\n', c->in_len - pos);
		if (!nl)
			break;
		len = nl + 1 - (c->in + pos);
		/* IMAP servers may send untagged updates at any time */
		if (c->out_len && c->want != R_IMAP) {
			load_fail(c, "reply before the command was sent",
				  c->in + pos);
			return;
		}
		r = load_line(c, c->in + pos, len);
		if (c->want == R_IMAP) {
			c->literal = load_literal(c->in + pos, len);
			c->mid_line = c->literal != 0;
		}
		pos += len;
		if (r < 0) {
			c->in[pos - 1] = '\0';
			load_fail(c, "unexpected reply", c->in + pos - len);
			return;
		}
		if (r > 0) {
			if (pos != c->in_len && c->want != R_IMAP) {
				c->in[c->in_len < LOAD_IN_MAX ? c->in_len : LOAD_IN_MAX - 1] = 0;
				load_fail(c, "unsolicited data", c->in + pos);
				return;
			}
			load_step_done(c);
			if (c->fd < 0 || c->in_len == 0)
				return;
		}
	}
	if (pos == c->in_len) {
		c->in_len = 0;
		return;
	}
	if (pos == 0 && c->in_len == LOAD_IN_MAX) {
		load_fail(c, "reply line too long", NULL);
		return;
	}
	memmove(c->in, c->in + pos, c->in_len - pos);
	c->in_len -= pos;
}

static void load_write(struct load_conn *c)
{
	int err = 0;
	socklen_t el = sizeof(err);
	ssize_t n;

	if (c->connecting) {
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err) {
			load_fail(c, "connect", strerror(err));
			return;
		}
		c->connecting = false;
	}
	while (c->out_len) {
		n = write(c->fd, c->out, c->out_len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			load_fail(c, "write", strerror(errno));
			return;
		}
		c->out += n;
		c->out_len -= n;
	}
	load_watch(c, EPOLL_CTL_MOD);
}

static void load_on_signal(int sig)
{
	(void)sig;
	load_stop = 1;
}

static int load_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double load_pct(double p)
{
	size_t i;

	if (!stats.lat_len)
		return 0;
	i = (size_t)(p * (stats.lat_len - 1) + 0.5);
	return stats.lat_ms[i];
}

static void load_usage(FILE *f)
{
	size_t i;

	fprintf(f,
"Usage: mailload -m MODE[,MODE...] -p PORT [OPTIONS]\n"
"\n"
"Drive a mail server on 127.0.0.1:PORT with C connections, each repeating\n"
"one scripted exchange and waiting for every reply, and print one line:\n"
"  mode= conns= ops= errors= seconds= rate= p50_ms= p99_ms=\n"
"\n"
"  -m MODES     what to do (below); several IMAP modes run one after the\n"
"               other on the same logged-in connections, a line each\n"
"  -p PORT      the server's port on 127.0.0.1\n"
"  -c CONNS     concurrent connections (default 1)\n"
"  -t SECONDS   run time of each mode; idle modes: longest hold (default 5)\n"
"  -n OPS       stop after OPS operations instead of after -t\n"
"  -s BYTES     LMTP message size (default 4096)\n"
"  -u USER      user name; with -U, the prefix of USER0..USER<N-1>\n"
"  -U N         spread over N users: by connection, by message for LMTP\n"
"  -w PASSWORD  the users' password\n"
"  -M COUNT     messages in the IMAP INBOX (default 10000)\n"
"  -P N         logins in flight at once while connecting (default 32)\n"
"  -g SECONDS   time in-flight operations, and logging all connections\n"
"               in, get to finish (default 60)\n"
"\n"
"Modes:");
	for (i = 0; i < sizeof(load_modes) / sizeof(load_modes[0]); i++)
		fprintf(f, " %s", load_modes[i].name);
	fprintf(f, "\n\nIdle modes print \"ready N\" once all N connections are "
		"logged in, then hold\nthem until SIGTERM or the -t time; "
		"lost connections count as errors.\n"
		"Exit status: 0 no errors, 1 errors, 64 usage.\n");
}

static double load_arg_num(const char *s, const char *what, double min)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || v < min) {
		fprintf(stderr, "mailload: bad %s '%s'\n", what, s);
		exit(64);
	}
	return v;
}

/* MODE[,MODE...]: phases on the same connections, so one setup. */
static void load_parse_modes(char *list)
{
	const struct load_mode *m;
	char *name, *save = NULL;
	size_t i;

	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		m = NULL;
		for (i = 0; i < sizeof(load_modes) / sizeof(load_modes[0]); i++)
			if (!strcmp(name, load_modes[i].name))
				m = &load_modes[i];
		if (!m) {
			fprintf(stderr, "mailload: unknown mode '%s'\n", name);
			exit(64);
		}
		if (opts.nmodes == LOAD_MAX_PHASES) {
			fprintf(stderr, "mailload: at most %d modes\n",
				LOAD_MAX_PHASES);
			exit(64);
		}
		if (opts.nmodes && (m->session || m->idle ||
				    opts.modes[0]->session ||
				    opts.modes[0]->idle ||
				    memcmp(m->setup, opts.modes[0]->setup,
					   sizeof(m->setup)))) {
			fprintf(stderr, "mailload: '%s' cannot follow '%s' on "
				"the same connections\n", name,
				opts.modes[0]->name);
			exit(64);
		}
		opts.modes[opts.nmodes++] = m;
	}
	opts.mode = opts.modes[0];
}

static void load_parse(int argc, char **argv)
{
	int ch;

	opts.conns = 1;
	opts.seconds = 5;
	opts.grace = 60;
	opts.msg_size = 4096;
	opts.user = "bench";
	opts.password = "bench";
	opts.mailbox_msgs = 10000;
	opts.parallel_logins = 32;
	while ((ch = getopt(argc, argv, "m:p:c:t:n:s:u:U:w:M:P:g:h")) != -1) {
		switch (ch) {
		case 'm':
			load_parse_modes(optarg);
			break;
		case 'p':
			opts.port = load_arg_num(optarg, "port", 1);
			break;
		case 'c':
			opts.conns = load_arg_num(optarg, "connections", 1);
			break;
		case 't':
			opts.seconds = load_arg_num(optarg, "seconds", 0.1);
			break;
		case 'n':
			opts.max_ops = load_arg_num(optarg, "count", 1);
			break;
		case 's':
			opts.msg_size = load_arg_num(optarg, "size", 1);
			break;
		case 'u':
			opts.user = optarg;
			break;
		case 'U':
			opts.nusers = load_arg_num(optarg, "users", 0);
			break;
		case 'w':
			opts.password = optarg;
			break;
		case 'M':
			opts.mailbox_msgs = load_arg_num(optarg, "count", 1);
			break;
		case 'P':
			opts.parallel_logins = load_arg_num(optarg, "count", 1);
			break;
		case 'g':
			opts.grace = load_arg_num(optarg, "seconds", 0);
			break;
		case 'h':
			load_usage(stdout);
			exit(0);
		default:
			load_usage(stderr);
			exit(64);
		}
	}
	if (optind != argc || !opts.mode || !opts.port || opts.port > 65535 ||
	    opts.conns > LOAD_MAX_CONNS) {
		load_usage(stderr);
		exit(64);
	}
}

/* Enough descriptors for every connection, as far as the hard limit goes. */
static void load_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur < (rlim_t)opts.conns + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < (rlim_t)opts.conns + 16) {
		fprintf(stderr, "mailload: only %llu descriptors for %d "
			"connections\n", (unsigned long long)rl.rlim_cur,
			opts.conns);
		exit(1);
	}
}

/* How many connections are logging in, how many are up. */
static void load_count(struct load_conn *conns, int *busy, int *up)
{
	int i;

	*busy = *up = 0;
	for (i = 0; i < opts.conns; i++) {
		if (conns[i].up)
			(*up)++;
		else if (conns[i].fd >= 0)
			(*busy)++;
	}
}

static void load_events(int timeout_ms)
{
	struct epoll_event evs[256];
	int i, n;

	n = epoll_wait(load_epfd, evs, 256, timeout_ms);
	if (n < 0 && errno != EINTR) {
		perror("mailload: epoll_wait");
		exit(1);
	}
	for (i = 0; i < n; i++) {
		struct load_conn *c = evs[i].data.ptr;

		if (c->fd >= 0 && (evs[i].events & EPOLLOUT))
			load_write(c);
		if (c->fd >= 0 && (evs[i].events &
				   (EPOLLIN | EPOLLERR | EPOLLHUP)))
			load_read(c);
	}
}

/*
 * Connects and logs every connection in (the mode's setup), at most
 * parallel_logins at once, within the grace time.  Returns how many are up.
 */
static int load_login_all(struct load_conn *conns)
{
	double deadline = load_now() + opts.grace;
	int next = 0, busy, up;

	for (;;) {
		load_count(conns, &busy, &up);
		while (next < opts.conns && busy < opts.parallel_logins &&
		       !load_stop) {
			load_start_setup(&conns[next++]);
			busy++;
		}
		if (up == opts.conns || (next == opts.conns && !busy) ||
		    load_stop || load_now() >= deadline ||
		    stats.errors >= LOAD_MAX_ERRORS)
			break;
		load_events(100);
	}
	if (up < opts.conns)
		fprintf(stderr, "mailload: only %d of %d connections logged "
			"in\n", up, opts.conns);
	return up;
}

static void load_report(double elapsed, long ops)
{
	if (stats.lat_len)
		qsort(stats.lat_ms, stats.lat_len, sizeof(double), load_cmp);
	printf("mode=%s conns=%d ops=%ld errors=%ld seconds=%.2f rate=%.1f "
	       "p50_ms=%.2f p99_ms=%.2f\n", opts.mode->name, opts.conns, ops,
	       stats.errors, elapsed,
	       elapsed > 0 && !opts.mode->idle ? ops / elapsed : 0,
	       load_pct(0.50), load_pct(0.99));
	fflush(stdout);
}

/* Idle modes: hold the logged-in connections until SIGTERM or -t. */
static void load_hold(struct load_conn *conns)
{
	double start = load_now(), end_at = start + opts.seconds;
	int busy, up;

	printf("ready %d\n", opts.conns);
	fflush(stdout);
	while (!load_stop && load_now() < end_at)
		load_events(100);
	load_count(conns, &busy, &up);
	if (up < opts.conns)
		fprintf(stderr, "mailload: %d connections lost while idle\n",
			opts.conns - up);
	stats.errors += opts.conns - up;
	load_report(load_now() - start, up);
}

/* One timed phase: every connection repeats opts.mode's op. */
static void load_phase(struct load_conn *conns)
{
	double start = load_now(), end_at = start + opts.seconds;
	double stop_at = end_at + opts.grace, now;
	int i, live;

	stats.ops = stats.started = 0;
	stats.lat_len = 0;
	load_stop = 0;
	load_in_phase = true;
	for (i = 0; i < opts.conns; i++) {
		if (opts.mode->session || conns[i].up)
			load_next_op(&conns[i]);
	}
	for (;;) {
		now = load_now();
		if (now >= end_at && !opts.max_ops)
			load_stop = 1;
		live = 0;
		for (i = 0; i < opts.conns; i++)
			live += conns[i].fd >= 0 && !conns[i].parked;
		if (!live || now >= stop_at || stats.errors >= LOAD_MAX_ERRORS)
			break;
		load_events(100);
	}
	load_in_phase = false;
	for (i = 0; i < opts.conns; i++) {
		if (conns[i].fd >= 0 && !conns[i].parked) {
			load_error(&conns[i], "operation still running at the "
				   "end of the grace time", NULL);
			load_close(&conns[i]);
		}
	}
	load_report(load_now() - start, stats.ops);
}

int main(int argc, char **argv)
{
	struct load_conn *conns;
	long errors = 0;
	int i;

	load_parse(argc, argv);
	load_raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, load_on_signal);
	signal(SIGINT, load_on_signal);
	load_make_body();
	load_epfd = epoll_create1(EPOLL_CLOEXEC);
	conns = calloc(opts.conns, sizeof(*conns));
	if (load_epfd < 0 || !conns) {
		perror("mailload");
		return 1;
	}
	for (i = 0; i < opts.conns; i++) {
		conns[i].fd = -1;
		conns[i].id = i;
		conns[i].rand = 0x9e3779b9u * (i + 1);
		conns[i].in = malloc(LOAD_IN_MAX);
		if (!conns[i].in) {
			perror("mailload: malloc");
			return 1;
		}
	}

	if (!opts.mode->session && load_login_all(conns) < opts.conns &&
	    opts.mode->idle) {
		load_report(0, 0);
		return 1;
	}
	if (opts.mode->idle) {
		load_hold(conns);
		errors = stats.errors;
	} else {
		for (i = 0; i < opts.nmodes; i++) {
			opts.mode = opts.modes[i];
			load_phase(conns);
			errors += stats.errors;
			stats.errors = 0;
		}
	}
	for (i = 0; i < opts.conns; i++) {
		load_close(&conns[i]);
		free(conns[i].in);
		free(conns[i].msg);
	}
	free(stats.lat_ms);
	free(conns);
	free(load_body);
	return errors ? 1 : 0;
}
