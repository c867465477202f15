// SPDX-License-Identifier: GPL-2.0
/*
 * slotd: the mail daemon of one slot.
 *
 *	slotd [-f] [-v] [-c FILE] DIR
 *
 * One process, one io_uring loop: every socket, every delivery write and
 * fsync, timers and signals (a signalfd read through the ring). main()
 * is a checklist: configuration, store, TLS, ring, listeners, signals,
 * then the loop. SIGTERM stops gracefully, SIGHUP reloads.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "lib/log.h"
#include "proto/auth.h"
#include "slotd/listen.h"
#include "store/store.h"

#define SLOTD_RING_ENTRIES	4096
#define SLOTD_RECV_BUFFERS	2048	/* x EV_BUF_SIZE, shared */
#define SLOTD_CHECKPOINT_MS	(5 * 60 * 1000)
#define SLOTD_EXPIRE_MS		(60 * 60 * 1000)

struct slotd {
	const char *dir;
	const char *conf_path;
	char dir_buf[PATH_MAX];
	char conf_buf[PATH_MAX + 16];
	char conf_abs[PATH_MAX];
	struct slotd_conf confs[2];	/* current and the one before */
	int conf_cur;
	struct proto_env env;

	int sigfd;
	struct signalfd_siginfo siginfo;
	struct ev_op sig_op;

	struct ev_timer shutdown_timer;
	struct ev_timer checkpoint_timer;
	struct ev_timer expire_timer;
};

static struct slotd slotd;

/*
 * Without -f: fork, and let the parent wait until the child is serving
 * (it writes one byte) or died (EOF), so start-up errors still reach the
 * operator's terminal and the exit code tells. Done before the store,
 * threads and ring exist: none of them survives a fork.
 */
static int slotd_daemonize(void)
{
	int pfd[2];
	pid_t pid;
	char ok;
	int status;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		fatal("pipe");
	pid = fork();
	if (pid < 0)
		fatal("fork");
	if (pid > 0) {
		close(pfd[1]);
		if (read(pfd[0], &ok, 1) == 1)
			_exit(0);
		waitpid(pid, &status, 0);
		_exit(WIFEXITED(status) && WEXITSTATUS(status) ?
		      WEXITSTATUS(status) : 1);
	}
	close(pfd[0]);
	if (setsid() < 0)
		fatal("setsid");
	if (chdir("/") < 0)
		fatal("chdir /");
	return pfd[1];
}

/* The daemon serves: release the waiting parent, leave the terminal. */
static void slotd_detach(int ready_fd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (write(ready_fd, "", 1) != 1)
		log_warn("start-up pipe");
	close(ready_fd);
	log_set_stderr_too(0);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
}

static void slotd_usage(FILE *out)
{
	fprintf(out,
"usage: slotd [-f] [-v] [-c FILE] DIR\n"
"\n"
"Serve the mail slot in DIR: LMTP deliveries, POP3 and IMAP, on the\n"
"addresses set in DIR/slot.conf (see docs/slotd.md for every key):\n"
"  lmtp = 127.0.0.1:24      pop3 = 192.0.2.7:110    pop3s = 192.0.2.7:995\n"
"  tls_cert = cert.pem      tls_key = key.pem       plaintext_auth = tls\n"
"\n"
"  -c FILE   read FILE instead of DIR/slot.conf\n"
"  -f        stay in the foreground and log to stderr; without -f slotd\n"
"            becomes a daemon logging to syslog, and this command exits 0\n"
"            once it serves, or 1 with the start-up error\n"
"  -v        log more (each connection, state changes, TLS details)\n"
"  -h        show this help\n"
"\n"
"Signals: SIGTERM or SIGINT stop gracefully (no new connections,\n"
"deliveries in progress are finished and answered, sessions closed);\n"
"SIGHUP reloads the configuration and the TLS certificate.\n");
}

static int slotd_load_conf(struct slotd_conf *conf, char *err, size_t len)
{
	slotd_conf_defaults(conf);
	if (slotd_conf_load(conf, slotd.conf_path, slotd.dir, err, len) < 0)
		return -1;
	return slotd_conf_check(conf, err, len);
}

static SSL_CTX *slotd_load_tls(const struct slotd_conf *conf)
{
	char err[512];
	SSL_CTX *ctx;

	if (!conf->tls_cert[0])
		return NULL;
	ctx = tls_ctx_load(conf->tls_cert, conf->tls_key, err, sizeof(err));
	if (!ctx)
		log_warnx("TLS: %s", err);
	return ctx;
}

/* ---- Stop and reload -------------------------------------------------- */

static void slotd_stop_conn(struct conn *c, void *arg)
{
	(void)arg;
	if (c->state != CONN_OPEN && c->state != CONN_HANDSHAKE)
		return;
	if (c->state == CONN_OPEN && c->ops && c->ops->stop)
		c->ops->stop(c);
	else
		conn_close(c);
}

static void slotd_abort_conn(struct conn *c, void *arg)
{
	(void)arg;
	conn_abort(c);
}

static void slotd_shutdown_expired(struct ev_timer *t)
{
	(void)t;
	log_warnx("shutdown: %u connections still open after %llu ms, "
		  "closing them", conn_count(),
		  slotd.env.conf->shutdown_timeout_ms);
	conn_foreach(slotd_abort_conn, NULL);
}

static void slotd_stop(void)
{
	if (slotd.env.stopping) {
		log_info("second stop signal: closing every connection now");
		conn_foreach(slotd_abort_conn, NULL);
		return;
	}
	log_info("stopping: %u connections open", conn_count());
	slotd.env.stopping = true;
	listen_close_all();
	conn_foreach(slotd_stop_conn, NULL);
	ev_timer_start(&slotd.shutdown_timer,
		       (unsigned int)slotd.env.conf->shutdown_timeout_ms);
}

static void slotd_reload(void)
{
	struct slotd_conf *next = &slotd.confs[!slotd.conf_cur];
	char err[512];
	SSL_CTX *tls;

	if (slotd.env.stopping)
		return;
	if (slotd_load_conf(next, err, sizeof(err)) < 0) {
		log_warnx("reload: %s; keeping the running configuration",
			  err);
		return;
	}
	tls = slotd_load_tls(next);
	if (next->tls_cert[0] && !tls) {
		log_warnx("reload: keeping the running configuration");
		return;
	}
	/* Sessions keep their own references to the old context. */
	tls_ctx_free(slotd.env.tls);
	slotd.env.tls = tls;
	slotd.conf_cur = !slotd.conf_cur;
	slotd.env.conf = next;
	conn_set_idle_timeout((unsigned int)next->idle_timeout_ms);
	listen_reload(&slotd.env);
	log_info("reloaded %s", slotd.conf_path);
}

static void slotd_signal(struct ev_op *op, int res, unsigned int flags)
{
	struct io_uring_sqe *sqe;

	(void)op;
	(void)flags;
	if (res == (int)sizeof(slotd.siginfo)) {
		switch (slotd.siginfo.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			slotd_stop();
			break;
		case SIGHUP:
			slotd_reload();
			break;
		}
	} else if (res < 0 && res != -EINTR) {
		log_warnx("signalfd: %s", strerror(-res));
		return;
	}
	sqe = ev_sqe(&slotd.sig_op);
	io_uring_prep_read(sqe, slotd.sigfd, &slotd.siginfo,
			   sizeof(slotd.siginfo), 0);
}

static void slotd_checkpoint(struct ev_timer *t)
{
	if (store_checkpoint(slotd.env.store) != STORE_OK)
		log_warnx("checkpoint: %s", store_error(slotd.env.store));
	ev_timer_start(t, SLOTD_CHECKPOINT_MS);
}

/* Purge expunged mail past the slot's retention (expunge_retention). */
static void slotd_expire(struct ev_timer *t)
{
	struct store *st = slotd.env.store;
	size_t n = 0;

	if (store_expire(st, time(NULL), store_retention(st), &n) != STORE_OK)
		log_warnx("expire: %s", store_error(st));
	else if (n)
		log_info("expire: purged %zu expunged messages", n);
	ev_timer_start(t, SLOTD_EXPIRE_MS);
}

/* Before each wait: flush replies; end the loop once a stop is done. */
static void slotd_idle(void)
{
	lmtp_commit_queued();
	conn_run_work();
	if (slotd.env.stopping && !conn_count() && !slotd.env.sessions &&
	    !listen_count())
		ev_stop();
}

/* ---- Setup ------------------------------------------------------------ */

/* Thousands of connections need thousands of descriptors. */
static void slotd_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("setrlimit(RLIMIT_NOFILE)");
	}
}

static int slotd_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	slotd.sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	return slotd.sigfd < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	char err[512];
	int foreground = 0, verbose = 0;
	int ready_fd = -1;
	int ch, ret;

	while ((ch = getopt(argc, argv, "c:fvh")) != -1) {
		switch (ch) {
		case 'c':
			slotd.conf_path = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			slotd_usage(stdout);
			return 0;
		default:
			slotd_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		slotd_usage(stderr);
		return 2;
	}
	/* Absolute paths: a daemon leaves its working directory. */
	if (!realpath(argv[optind], slotd.dir_buf)) {
		fprintf(stderr, "slotd: %s: %s\n", argv[optind],
			strerror(errno));
		return 1;
	}
	slotd.dir = slotd.dir_buf;
	if (slotd.conf_path && slotd.conf_path[0] != '/') {
		if (!realpath(slotd.conf_path, slotd.conf_abs)) {
			fprintf(stderr, "slotd: %s: %s\n", slotd.conf_path,
				strerror(errno));
			return 1;
		}
		slotd.conf_path = slotd.conf_abs;
	}
	if (!slotd.conf_path) {
		snprintf(slotd.conf_buf, sizeof(slotd.conf_buf),
			 "%s/slot.conf", slotd.dir);
		slotd.conf_path = slotd.conf_buf;
	}
	log_init("slotd", foreground);
	log_set_verbose(verbose);
	log_set_stderr_too(!foreground);

	/* 1. configuration */
	if (slotd_load_conf(&slotd.confs[0], err, sizeof(err)) < 0)
		fatalx("%s", err);
	slotd.env.conf = &slotd.confs[0];
	if (!foreground)
		ready_fd = slotd_daemonize();
	slotd_raise_nofile();
	/* 2. signals, blocked before anything can deliver them */
	if (slotd_signals() < 0)
		fatal("signalfd");
	/* 3. the store: recovers and cleans interrupted deliveries */
	if (store_open(slotd.dir, 0, &slotd.env.store, err, sizeof(err)) !=
	    STORE_OK)
		fatalx("%s: %s", slotd.dir, err);
	/* 4. TLS */
	slotd.env.tls = slotd_load_tls(slotd.env.conf);
	if (slotd.env.conf->tls_cert[0] && !slotd.env.tls)
		fatalx("cannot start without the configured certificate");
	/* 5. the ring, its shared receive buffers, the connection timer */
	ret = ev_init(SLOTD_RING_ENTRIES);
	if (ret < 0)
		fatalx("io_uring: %s", strerror(-ret));
	ret = ev_bufs_init(SLOTD_RECV_BUFFERS);
	if (ret < 0)
		fatalx("io_uring buffers: %s", strerror(-ret));
	conn_init((unsigned int)slotd.env.conf->idle_timeout_ms);
	/* 6. the password checkers (threads with their own handles) */
	if (auth_init(slotd.dir, err, sizeof(err)) < 0)
		fatalx("%s: %s", slotd.dir, err);
	/* 7. listeners */
	if (listen_open_all(&slotd.env, err, sizeof(err)) < 0)
		fatalx("%s", err);
	/* 8. signals and timers through the ring */
	slotd.sig_op.cb = slotd_signal;
	slotd_signal(&slotd.sig_op, 0, 0);
	ev_timer_init(&slotd.shutdown_timer, slotd_shutdown_expired);
	ev_timer_init(&slotd.checkpoint_timer, slotd_checkpoint);
	ev_timer_start(&slotd.checkpoint_timer, SLOTD_CHECKPOINT_MS);
	ev_timer_init(&slotd.expire_timer, slotd_expire);
	ev_timer_start(&slotd.expire_timer, SLOTD_EXPIRE_MS);
	ev_set_idle_hook(slotd_idle);

	log_info("serving %s (pid %d)", slotd.dir, (int)getpid());
	if (ready_fd >= 0)
		slotd_detach(ready_fd);
	ret = ev_run();
	if (ret < 0)
		log_warnx("event loop: %s", strerror(-ret));
	log_info("stopped");

	auth_exit();
	ev_exit();
	tls_ctx_free(slotd.env.tls);
	store_close(slotd.env.store);
	close(slotd.sigfd);
	return ret < 0 ? 1 : 0;
}
