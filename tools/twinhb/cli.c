// SPDX-License-Identifier: GPL-2.0
/*
 * The client side of the CLI: each command is one request on the control
 * socket of the running daemon; --wait polls `where` until the move is
 * done, with a deadline.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "twinhb.h"

#define CLI_POLL_MS		100
#define CLI_WAIT_DEFAULT_S	120
#define CLI_REPLY_MAX		(4 << 20)
#define CLI_REPLY_TIMEOUT_S	30	/* a daemon that does not answer */

static int cli_connect(const char *sock)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(sock) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "twinhb: socket path %s is too long\n", sock);
		return -1;
	}
	strcpy(sun.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr,
			"twinhb: cannot connect to %s: %s (is the daemon running? -S names another socket)\n",
			sock, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int cli_send_line(int fd, const char *line)
{
	size_t len = strlen(line), off = 0;

	while (off < len) {
		ssize_t n = send(fd, line + off, len - off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "twinhb: send: %s\n", strerror(errno));
			return -1;
		}
		off += n;
	}
	return 0;
}

/*
 * One request; the reply body goes to @b. Returns 0 for OK, 1 for ERR
 * (message printed), -1 when the daemon cannot be reached. @data gets
 * what follows "OK " on the first line.
 */
static int cli_request(const char *sock, const char *line, struct sbuf *b,
		       char *data, size_t datalen)
{
	struct timeval tv = { .tv_sec = CLI_REPLY_TIMEOUT_S };
	char buf[4096];
	char *nl;
	ssize_t n;
	int fd = cli_connect(sock);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (cli_send_line(fd, line)) {
		close(fd);
		return -1;
	}
	for (;;) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			fprintf(stderr, "twinhb: no answer from the daemon within %d s\n",
				CLI_REPLY_TIMEOUT_S);
			close(fd);
			return -1;
		}
		if (n <= 0)
			break;
		buf[n] = '\0';
		if (b->len + n > CLI_REPLY_MAX)
			break;
		sbuf_printf(b, "%s", buf);
	}
	close(fd);
	nl = b->p ? strchr(b->p, '\n') : NULL;
	if (!nl) {
		fprintf(stderr, "twinhb: no reply from the daemon\n");
		return -1;
	}
	*nl = '\0';
	if (!strncmp(b->p, "ERR ", 4)) {
		fprintf(stderr, "twinhb: %s\n", b->p + 4);
		return 1;
	}
	if (data)
		snprintf(data, datalen, "%s", b->p[2] == ' ' ? b->p + 3 : "");
	/* keep only the body */
	memmove(b->p, nl + 1, b->len - (nl + 1 - b->p) + 1);
	b->len -= nl + 1 - b->p;
	return 0;
}

static uint64_t cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Poll `where` until @done says so. Lines are "GROUP OWNER STATE".
 * Returns 0 when done, 1 on timeout, -1 when the daemon went away.
 */
static int cli_wait(const char *sock, int timeout_s,
		    bool (*done)(char *where, const char *a, const char *b),
		    const char *a, const char *b)
{
	uint64_t deadline = cli_now() + (uint64_t)timeout_s * 1000;

	for (;;) {
		struct sbuf r = { 0 };
		int rc = cli_request(sock, "where\n", &r, NULL, 0);
		bool ok = rc == 0 && done(r.p, a, b);

		sbuf_free(&r);
		if (rc < 0)
			return -1;
		if (ok)
			return 0;
		if (cli_now() >= deadline)
			return 1;
		poll(NULL, 0, CLI_POLL_MS);
	}
}

/* Group @a runs on node @b. */
static bool cli_runs_on(char *where, const char *a, const char *b)
{
	char *save = NULL, *line;

	for (line = strtok_r(where, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char g[HB_NAME_MAX], o[HB_NAME_MAX], s[16];

		if (sscanf(line, "%63s %63s %15s", g, o, s) == 3 &&
		    !strcmp(g, a))
			return !strcmp(o, b) && !strcmp(s, "RUNNING");
	}
	return false;
}

/* Every group runs, and none on node @a. */
static bool cli_node_empty(char *where, const char *a, const char *b)
{
	char *save = NULL, *line;

	(void)b;
	for (line = strtok_r(where, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char g[HB_NAME_MAX], o[HB_NAME_MAX], s[16];

		if (sscanf(line, "%63s %63s %15s", g, o, s) != 3 ||
		    !strcmp(o, a) || strcmp(s, "RUNNING"))
			return false;
	}
	return true;
}

static int cli_events(const char *sock)
{
	char buf[4096];
	ssize_t n;
	int fd = cli_connect(sock);
	bool header = true;

	if (fd < 0 || cli_send_line(fd, "events\n"))
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		char *p = buf;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (header) {
			char *nl = memchr(buf, '\n', n);

			if (!nl || strncmp(buf, "OK", 2)) {
				fprintf(stderr, "twinhb: %.*s\n", (int)n, buf);
				close(fd);
				return 1;
			}
			header = false;
			n -= nl + 1 - buf;
			p = nl + 1;
		}
		fwrite(p, 1, n, stdout);
	}
	close(fd);
	fprintf(stderr, "twinhb: the daemon closed the event stream\n");
	return 1;
}

static int cli_simple(const char *sock, const char *line)
{
	struct sbuf r = { 0 };
	int rc = cli_request(sock, line, &r, NULL, 0);

	if (rc == 0 && r.len)
		fwrite(r.p, 1, r.len, stdout);
	sbuf_free(&r);
	return rc == 0 ? 0 : 1;
}

int cli_main(const char *sock, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wait", no_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = argv[0];
	bool wait = false, json = false;
	int timeout = CLI_WAIT_DEFAULT_S;
	char line[HB_CTL_LINE_MAX], data[HB_NAME_MAX] = "";
	struct sbuf r = { 0 };
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			wait = true;
			break;
		case 't':
			timeout = atoi(optarg);
			if (timeout <= 0) {
				fprintf(stderr, "twinhb: bad --timeout '%s' (seconds)\n",
					optarg);
				return 2;
			}
			break;
		case 'j':
			json = true;
			break;
		default:
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	if (!strcmp(cmd, "status") && !argc)
		return cli_simple(sock, json ? "status --json\n" : "status\n");
	if (!strcmp(cmd, "where") && !argc)
		return cli_simple(sock, "where\n");
	if (!strcmp(cmd, "events") && !argc)
		return cli_events(sock);
	if (!strcmp(cmd, "cleanup") && argc == 1) {
		snprintf(line, sizeof(line), "cleanup %.64s\n", argv[0]);
		return cli_simple(sock, line);
	}
	if (!strcmp(cmd, "online") && argc == 1) {
		snprintf(line, sizeof(line), "online %.64s\n", argv[0]);
		return cli_simple(sock, line);
	}
	if (!strcmp(cmd, "switchover") && (argc == 1 || argc == 2)) {
		snprintf(line, sizeof(line), "switchover %.64s %.64s\n",
			 argv[0], argc == 2 ? argv[1] : "");
		rc = cli_request(sock, line, &r, data, sizeof(data));
		sbuf_free(&r);
		if (rc)
			return 1;
		printf("switchover of %s to %s requested\n", argv[0], data);
		if (!wait)
			return 0;
		rc = cli_wait(sock, timeout, cli_runs_on, argv[0], data);
		if (rc == 0)
			printf("%s runs on %s\n", argv[0], data);
		else if (rc > 0)
			fprintf(stderr, "twinhb: %s does not run on %s after %d s (see twinhb status)\n",
				argv[0], data, timeout);
		return rc ? 1 : 0;
	}
	if (!strcmp(cmd, "standby") && argc == 1) {
		snprintf(line, sizeof(line), "standby %.64s\n", argv[0]);
		rc = cli_request(sock, line, &r, NULL, 0);
		sbuf_free(&r);
		if (rc)
			return 1;
		printf("%s is in standby, its groups move to the peer\n",
		       argv[0]);
		if (!wait)
			return 0;
		rc = cli_wait(sock, timeout, cli_node_empty, argv[0], NULL);
		if (rc == 0)
			printf("all groups run on other nodes than %s\n",
			       argv[0]);
		else if (rc > 0)
			fprintf(stderr, "twinhb: not every group runs elsewhere than %s after %d s (see twinhb status)\n",
				argv[0], timeout);
		return rc ? 1 : 0;
	}
	fprintf(stderr, "twinhb: bad command or arguments: %s (see twinhb --help)\n",
		cmd);
	return 2;
}
