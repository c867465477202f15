// SPDX-License-Identifier: GPL-2.0
/*
 * vmexec - run one shell command in a test guest over its control channel.
 *
 *   vmexec [-t SECONDS] SOCKET COMMAND
 *
 * SOCKET is the unix socket QEMU binds to the guest's second serial port,
 * where guest-init.sh serves requests. The command's output (stdout and
 * stderr merged) is copied to our stdout and its exit code becomes ours.
 * Exit 124 on timeout, 125 on a channel error.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#define VMEXEC_MAX_OUTPUT	(64u << 20)
#define VMEXEC_TIMEOUT		300
#define EXIT_TIMEOUT		124
#define EXIT_CHANNEL		125

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* QEMU serves one client at a time: retry while another one is attached. */
static int channel_open(const char *path, double deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vmexec: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		if (now() > deadline) {
			fprintf(stderr, "vmexec: %s: %s\n", path,
				strerror(errno));
			return -1;
		}
		usleep(50000);
	}
}

static int send_request(int fd, const char *id, const char *cmd)
{
	size_t len = strlen(cmd);
	size_t cap = strlen(id) + 4 * (len / 3 + 1) + 3;
	char *line = malloc(cap);
	size_t off;
	int n, ret = 0;

	if (!line)
		return -1;
	off = sprintf(line, "%s ", id);
	n = EVP_EncodeBlock((unsigned char *)line + off,
			    (const unsigned char *)cmd, len);
	off += n;
	line[off++] = '\n';
	while (off && ret == 0) {
		ssize_t w = write(fd, line, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			ret = -1;
		else {
			memmove(line, line + w, off - w);
			off -= w;
		}
	}
	free(line);
	return ret;
}

/* The reply so far, and how much of it went to stdout. */
static char *buf;
static size_t printed;

/* Copy buf[printed, upto) to stdout once a command's output has begun. */
static void flush_out(const char *start, size_t upto)
{
	if (!start || upto <= printed)
		return;
	fwrite(buf + printed, 1, upto - printed, stdout);
	fflush(stdout);
	printed = upto;
}

int main(int argc, char **argv)
{
	double timeout = VMEXEC_TIMEOUT, deadline;
	char id[64], begin[80], end[96];
	char *start = NULL, *stop;
	size_t len = 0, cap = 0;
	int opt, fd;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't')
			goto usage;
		timeout = atof(optarg);
	}
	if (argc - optind != 2)
		goto usage;
	deadline = now() + timeout;

	fd = channel_open(argv[optind], deadline);
	if (fd < 0)
		return EXIT_CHANNEL;
	snprintf(id, sizeof(id), "%ld.%d", (long)time(NULL), getpid());
	snprintf(begin, sizeof(begin), "@@BEGIN %s\n", id);
	snprintf(end, sizeof(end), "\n@@END %s ", id);
	if (send_request(fd, id, argv[optind + 1])) {
		fprintf(stderr, "vmexec: cannot send the request\n");
		return EXIT_CHANNEL;
	}

	/*
	 * Output streams through as it arrives, so a test keeps what a
	 * command printed even when the guest dies under it (the evidence of
	 * a crash test). Only a tail that may hold the start of the end
	 * marker is held back.
	 */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left = deadline - now();
		size_t hold = strlen(end) + 24;
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) == 0) {
			flush_out(start, len);
			fprintf(stderr, "vmexec: timed out after %.0f s\n",
				timeout);
			return EXIT_TIMEOUT;
		}
		if (len + 65536 + 1 > cap) {
			size_t off = start ? (size_t)(start - buf) : 0;

			cap = cap ? cap * 2 : 1 << 20;
			if (cap > VMEXEC_MAX_OUTPUT) {
				fprintf(stderr, "vmexec: output too large\n");
				return EXIT_CHANNEL;
			}
			buf = realloc(buf, cap);
			if (!buf)
				return EXIT_CHANNEL;
			if (start)
				start = buf + off;
		}
		n = read(fd, buf + len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			flush_out(start, len);
			fprintf(stderr, "vmexec: guest channel closed\n");
			return EXIT_CHANNEL;
		}
		len += n;
		buf[len] = '\0';
		if (!start) {
			start = strstr(buf, begin);
			if (!start)
				continue;
			start += strlen(begin);
			printed = start - buf;
		}
		stop = strstr(start, end);
		if (stop && strchr(stop + strlen(end), '\n')) {
			flush_out(start, stop - buf);
			return atoi(stop + strlen(end));
		}
		if (!stop && len > printed + hold)
			flush_out(start, len - hold);
	}
usage:
	fprintf(stderr, "usage: vmexec [-t SECONDS] SOCKET COMMAND\n");
	return 2;
}
