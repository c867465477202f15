// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket (/run/twinhb.sock): the CLI connects, sends one
 * request line and reads the reply until the daemon closes; `events`
 * keeps the connection and receives one line per transition.
 *
 * Reply: a first line "OK[ data]" or "ERR message", then the body.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "twinhb.h"

#define CTL_MAX_CLIENTS		64
#define CTL_EVENT_BACKLOG	(256 * 1024)	/* unsent bytes, per watcher */

#define ctl_of(op, member) ((struct ctl_client *)((char *)(op) - \
				 offsetof(struct ctl_client, member)))

struct ctl_client {
	struct loop_op rx, tx;	/* a watcher has both in flight */
	bool rx_pending, tx_pending;
	bool dead;		/* freed once nothing is in flight */
	int fd;
	char in[HB_CTL_LINE_MAX];
	size_t inlen;
	struct sbuf out;	/* unsent reply or event lines */
	size_t sent;
	bool sending;
	bool events;		/* keep open, stream events */
	bool closing;		/* close when out is sent */
	struct ctl_client *next;
};

static struct loop_op ctl_accept_op;
static int ctl_fd = -1;
static char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static struct ctl_client *ctl_clients;
static int ctl_nclients;

static void ctl_arm_accept(void);
static void ctl_arm_recv(struct ctl_client *c);

/* Drop the client; the memory goes when its last op completes. */
static void ctl_free(struct ctl_client *c)
{
	struct ctl_client **pp;

	if (!c->dead) {
		c->dead = true;
		shutdown(c->fd, SHUT_RDWR);	/* completes a pending recv */
	}
	if (c->rx_pending || c->tx_pending)
		return;

	for (pp = &ctl_clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	ctl_nclients--;
	close(c->fd);
	sbuf_free(&c->out);
	free(c);
}

static void ctl_send_more(struct ctl_client *c);

static void ctl_sent(struct loop_op *op, int res)
{
	struct ctl_client *c = ctl_of(op, tx);

	c->sending = false;
	c->tx_pending = false;
	if (res <= 0 || c->dead) {
		ctl_free(c);
		return;
	}
	c->sent += res;
	if (c->sent == c->out.len) {
		c->out.len = 0;
		c->sent = 0;
		if (c->closing) {
			ctl_free(c);
			return;
		}
		return;
	}
	ctl_send_more(c);
}

static void ctl_send_more(struct ctl_client *c)
{
	if (c->sending || c->sent == c->out.len)
		return;
	c->sending = true;
	c->tx_pending = true;
	io_uring_prep_send(loop_sqe(&c->tx, ctl_sent), c->fd,
			   c->out.p + c->sent, c->out.len - c->sent,
			   MSG_NOSIGNAL);
}

/* ---- requests ---- */

static int ctl_words(char *line, char **w, int max)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(line, " \t", &save); t && n < max;
	     t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	return n;
}

static int ctl_lookup(const char *name, bool group, struct sbuf *out)
{
	int i = group ? conf_group(hbd.cfg, name) :
			conf_member(hbd.cfg, name);

	if (i < 0)
		sbuf_printf(out, "ERR no %s named '%s' in %s\n",
			    group ? "group" : "node", name, hbd.cfg->file);
	return i;
}

static void ctl_where(struct sbuf *out)
{
	int i, o;

	sbuf_printf(out, "OK\n");
	for (i = 0; i < hbd.cfg->ngroups; i++) {
		o = cluster_owner(i);
		sbuf_printf(out, "%s %s %s\n", hbd.cfg->groups[i].name,
			    o >= 0 ? hbd.cfg->members[o].name : "-",
			    o == hbd.me || o < 0 ?
			    fsm_state_name(hbd.g[i].state) :
			    fsm_state_name(hbd.m[o].last.groups[i].state));
	}
}

static void ctl_request(struct ctl_client *c, char *line)
{
	struct sbuf *out = &c->out;
	char err[256];
	char *w[4];
	int n = ctl_words(line, w, 4);
	int g, node;

	if (n == 0) {
		sbuf_printf(out, "ERR empty request\n");
	} else if (!strcmp(w[0], "status") && n <= 2) {
		bool json = n == 2 && !strcmp(w[1], "--json");

		sbuf_printf(out, "OK\n");
		report_status(out, json);
	} else if (!strcmp(w[0], "where") && n == 1) {
		ctl_where(out);
	} else if (!strcmp(w[0], "events") && n == 1) {
		sbuf_printf(out, "OK\n");
		c->events = true;
		ctl_arm_recv(c);	/* to notice when the watcher leaves */
		return;
	} else if (!strcmp(w[0], "switchover") && (n == 2 || n == 3)) {
		g = ctl_lookup(w[1], true, out);
		node = -1;
		if (g >= 0 && n == 3)
			node = ctl_lookup(w[2], false, out);
		if (g < 0 || (n == 3 && node < 0))
			;
		else if (cluster_switchover(g, node, err, sizeof(err)))
			sbuf_printf(out, "ERR %s\n", err);
		else
			sbuf_printf(out, "OK %s\n",
				    hbd.cfg->members[hbd.g[g].move_to].name);
	} else if ((!strcmp(w[0], "standby") || !strcmp(w[0], "online")) &&
		   n == 2) {
		node = ctl_lookup(w[1], false, out);
		if (node < 0)
			;
		else if (cluster_standby(node, !strcmp(w[0], "standby"), err,
					 sizeof(err)))
			sbuf_printf(out, "ERR %s\n", err);
		else
			sbuf_printf(out, "OK\n");
	} else if (!strcmp(w[0], "cleanup") && n == 2) {
		g = ctl_lookup(w[1], true, out);
		if (g < 0)
			;
		else if (group_cleanup(g, err, sizeof(err)))
			sbuf_printf(out, "ERR %s\n", err);
		else
			sbuf_printf(out, "OK\n");
	} else {
		sbuf_printf(out, "ERR unknown request '%s' (see twinhb --help)\n",
			    w[0]);
	}
	c->closing = true;
}

static void ctl_received(struct loop_op *op, int res)
{
	struct ctl_client *c = ctl_of(op, rx);
	char *nl;

	c->rx_pending = false;
	if (res <= 0 || c->dead) {
		/* EOF: an events watcher left, or a client gave up */
		ctl_free(c);
		return;
	}
	if (c->events) {
		ctl_arm_recv(c);	/* ignore input from watchers */
		return;
	}
	c->inlen += res;
	nl = memchr(c->in, '\n', c->inlen);
	if (!nl) {
		if (c->inlen == sizeof(c->in)) {
			sbuf_printf(&c->out, "ERR request longer than %d bytes\n",
				    HB_CTL_LINE_MAX);
			c->closing = true;
			ctl_send_more(c);
			return;
		}
		ctl_arm_recv(c);
		return;
	}
	*nl = '\0';
	ctl_request(c, c->in);
	if (!c->out.p) {
		ctl_free(c);	/* out of memory */
		return;
	}
	ctl_send_more(c);
}

static void ctl_arm_recv(struct ctl_client *c)
{
	c->rx_pending = true;
	if (c->events) {
		static char sink[64];

		io_uring_prep_recv(loop_sqe(&c->rx, ctl_received), c->fd,
				   sink, sizeof(sink), 0);
		return;
	}
	io_uring_prep_recv(loop_sqe(&c->rx, ctl_received), c->fd,
			   c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
}

static void ctl_accepted(struct loop_op *op, int res)
{
	struct ctl_client *c;

	(void)op;
	if (res >= 0) {
		c = calloc(1, sizeof(*c));
		if (!c || ctl_nclients >= CTL_MAX_CLIENTS) {
			log_warnx("control socket: refusing a client (%s)",
				  c ? "too many clients" : "out of memory");
			free(c);
			close(res);
		} else {
			c->fd = res;
			c->next = ctl_clients;
			ctl_clients = c;
			ctl_nclients++;
			ctl_arm_recv(c);
		}
	} else if (res != -EINTR) {
		log_warnx("control socket accept: %s", strerror(-res));
	}
	if (!hbd.done)
		ctl_arm_accept();
}

static void ctl_arm_accept(void)
{
	io_uring_prep_accept(loop_sqe(&ctl_accept_op, ctl_accepted), ctl_fd,
			     NULL, NULL, SOCK_CLOEXEC);
}

int ctl_start(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_crit("control socket path %s is too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	strcpy(ctl_path, path);
	ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ctl_fd < 0) {
		log_warn("control socket");
		return -1;
	}
	/* a stale socket from a crashed daemon; a live one answers connect */
	if (connect(ctl_fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		log_crit("another twinhb is running on %s", path);
		close(ctl_fd);
		return -1;
	}
	unlink(path);
	if (bind(ctl_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(path, 0600) < 0 || listen(ctl_fd, 16) < 0) {
		log_warn("control socket %s", path);
		close(ctl_fd);
		return -1;
	}
	return 0;
}

void ctl_ready(void)
{
	if (ctl_fd >= 0)
		ctl_arm_accept();
}

void ctl_stop(void)
{
	if (ctl_fd < 0)
		return;
	close(ctl_fd);
	unlink(ctl_path);
	ctl_fd = -1;
}

void ctl_broadcast(const char *line)
{
	struct ctl_client *c, *next;

	for (c = ctl_clients; c; c = next) {
		next = c->next;
		if (!c->events || c->dead)
			continue;
		if (c->out.len + strlen(line) > CTL_EVENT_BACKLOG) {
			log_warnx("events watcher too slow, disconnecting it");
			ctl_free(c);
			continue;
		}
		sbuf_printf(&c->out, "%s", line);
		ctl_send_more(c);
	}
}
