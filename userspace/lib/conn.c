// SPDX-License-Identifier: GPL-2.0
/*
 * Connections on the event loop: see conn.h.
 *
 * Each connection has at most one recv and one send in the ring. Receives
 * use the loop's provided buffers and copy into c->in (or into the TLS
 * engine), so a connection waiting for its client holds no receive buffer.
 * Sends go from c->sending while new output collects in c->out; the two
 * swap when a send finished, so a buffer the kernel reads never moves.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conn.h"
#include "lib/log.h"

#define CONN_TICK_MS	1000
#define CONN_OUT_HIWAT	(256 * 1024)	/* stop reading above this */

static struct conn *conn_head, *conn_tail;	/* oldest activity first */
static struct conn *conn_work_head, *conn_work_tail;
static unsigned int conn_total;
static unsigned long long conn_next_id = 1;
static unsigned int conn_idle_ms;
static struct ev_timer conn_tick;
static void (*conn_free_hook)(struct conn *c);

static void conn_arm_recv(struct conn *c);
static void conn_tls_more(struct conn *c);
static void conn_finish(struct conn *c);

static void conn_unlink(struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		conn_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		conn_tail = c->prev;
	c->prev = c->next = NULL;
}

static void conn_append(struct conn *c)
{
	c->prev = conn_tail;
	c->next = NULL;
	if (conn_tail)
		conn_tail->next = c;
	else
		conn_head = c;
	conn_tail = c;
}

static void conn_touch(struct conn *c)
{
	c->last_active = ev_now();
	if (c != conn_tail) {
		conn_unlink(c);
		conn_append(c);
	}
}

/* Put c on the list that conn_run_work() handles before the next wait. */
static void conn_queue(struct conn *c)
{
	if (c->queued)
		return;
	c->queued = true;
	c->work_next = NULL;
	if (conn_work_tail)
		conn_work_tail->work_next = c;
	else
		conn_work_head = c;
	conn_work_tail = c;
}

static void conn_maybe_free(struct conn *c)
{
	if (c->state != CONN_CLOSED || c->pending || c->queued)
		return;
	if (c->ops && c->ops->closed)
		c->ops->closed(c);
	if (conn_free_hook)
		conn_free_hook(c);
	conn_unlink(c);
	conn_total--;
	buf_free(&c->in);
	buf_free(&c->out);
	buf_free(&c->sending);
	tls_conn_free(c);
	free(c);
}

static void conn_tick_fn(struct ev_timer *t)
{
	unsigned long long now = ev_now();
	struct conn *c, *next;

	for (c = conn_head; c && conn_idle_ms; c = next) {
		next = c->next;
		if (now - c->last_active < conn_idle_ms)
			break;
		if (c->state == CONN_CLOSED)
			continue;
		log_info("%s: idle for %u s, closing", c->peer_addr,
			 conn_idle_ms / 1000);
		if (c->state == CONN_OPEN && c->ops && c->ops->idle) {
			conn_touch(c);	/* give the goodbye time to leave */
			c->ops->idle(c);
		} else {
			conn_abort(c);
		}
	}
	ev_timer_start(t, CONN_TICK_MS);
}

void conn_set_free_hook(void (*fn)(struct conn *c))
{
	conn_free_hook = fn;
}

void conn_init(unsigned int idle_ms)
{
	conn_idle_ms = idle_ms;
	ev_timer_init(&conn_tick, conn_tick_fn);
	ev_timer_start(&conn_tick, CONN_TICK_MS);
}

void conn_set_idle_timeout(unsigned int idle_ms)
{
	conn_idle_ms = idle_ms;
}

unsigned int conn_count(void)
{
	return conn_total;
}

void conn_foreach(void (*fn)(struct conn *c, void *arg), void *arg)
{
	struct conn *c, *next;

	for (c = conn_head; c; c = next) {
		next = c->next;
		fn(c, arg);
	}
}

static void conn_flush(struct conn *c)
{
	struct io_uring_sqe *sqe;

	if (c->send_pending || c->state == CONN_CLOSED)
		return;
	if (!buf_used(&c->sending)) {
		if (!buf_used(&c->out))
			return;
		buf_swap(&c->out, &c->sending);
	}
	sqe = ev_sqe(&c->send_op);
	io_uring_prep_send(sqe, c->fd, buf_head(&c->sending),
			   buf_used(&c->sending), MSG_NOSIGNAL);
	c->send_pending = true;
	c->pending++;
}

void conn_run_work(void)
{
	struct conn *c;

	while ((c = conn_work_head)) {
		conn_work_head = c->work_next;
		if (!conn_work_head)
			conn_work_tail = NULL;
		c->queued = false;
		if (c->want_input && c->state == CONN_OPEN && !c->paused) {
			c->want_input = false;
			if (c->ssl && tls_conn_pull(c) < 0)
				conn_abort(c);
			else if (buf_used(&c->in))
				c->ops->input(c);
			conn_arm_recv(c);
			conn_tls_more(c);
		}
		conn_flush(c);
		if (c->state == CONN_CLOSING && !c->send_pending)
			conn_finish(c);
		conn_maybe_free(c);
	}
}

static void conn_recv_done(struct ev_op *op, int res, unsigned int flags)
{
	struct conn *c = container_of(op, struct conn, recv_op);
	unsigned int id;
	int ret;

	c->recv_pending = false;
	c->pending--;
	if (res == -ENOBUFS) {
		/* Every shared buffer is in use: try again next round. */
		c->want_input = c->state == CONN_OPEN;
		conn_queue(c);
		if (c->state == CONN_HANDSHAKE)
			conn_arm_recv(c);
		goto out;
	}
	if (res <= 0) {
		if (c->state < CONN_CLOSING) {
			if (res < 0 && res != -ECONNRESET)
				log_info("%s: receive: %s", c->peer_addr,
					 strerror(-res));
			conn_abort(c);
		}
		goto out;
	}
	id = ev_buf_id(flags);
	if (c->state >= CONN_CLOSING) {
		ev_buf_put(id);
		goto out;
	}
	conn_touch(c);
	if (c->ssl)
		ret = tls_conn_feed(c, ev_buf_get(id), (size_t)res);
	else
		ret = buf_append(&c->in, ev_buf_get(id), (size_t)res);
	ev_buf_put(id);
	conn_queue(c);
	if (ret < 0) {
		conn_abort(c);
		goto out;
	}
	if (ret == 1 && c->ops->tls_ready)
		c->ops->tls_ready(c);
	if (c->state == CONN_OPEN && !c->paused && buf_used(&c->in))
		c->ops->input(c);
	conn_arm_recv(c);
	conn_tls_more(c);
out:
	conn_maybe_free(c);
}

static void conn_send_done(struct ev_op *op, int res, unsigned int flags)
{
	struct conn *c = container_of(op, struct conn, send_op);

	(void)flags;
	c->send_pending = false;
	c->pending--;
	if (res < 0) {
		if (c->state < CONN_CLOSED) {
			if (res != -EPIPE && res != -ECONNRESET)
				log_info("%s: send: %s", c->peer_addr,
					 strerror(-res));
			conn_abort(c);
		}
		goto out;
	}
	buf_consume(&c->sending, (size_t)res);
	if (c->state == CONN_CLOSED)
		goto out;
	conn_touch(c);
	if (c->out_blocked && conn_out_pending(c) <= CONN_OUT_HIWAT &&
	    c->state == CONN_OPEN) {
		c->out_blocked = false;
		c->want_input = true;
		conn_queue(c);
		conn_arm_recv(c);
	}
	if (buf_used(&c->sending) || buf_used(&c->out)) {
		conn_flush(c);
	} else {
		buf_shrink(&c->sending);
		if (c->state == CONN_CLOSING)
			conn_finish(c);
		else if (c->state == CONN_OPEN && c->ops->writable)
			c->ops->writable(c);
	}
out:
	conn_maybe_free(c);
}

static void conn_close_done(struct ev_op *op, int res, unsigned int flags)
{
	struct conn *c = container_of(op, struct conn, close_op);

	(void)res;
	(void)flags;
	c->pending--;
	c->fd = -1;
	conn_maybe_free(c);
}

/*
 * TLS may hold records that c->in had no room for; no recv will bring
 * them up, so once the session made room, pull them from the work list.
 */
static void conn_tls_more(struct conn *c)
{
	if (c->ssl && c->tls_more && c->state == CONN_OPEN && !c->paused &&
	    buf_used(&c->in) < c->in_max) {
		c->want_input = true;
		conn_queue(c);
	}
}

static void conn_arm_recv(struct conn *c)
{
	struct io_uring_sqe *sqe;

	/*
	 * Keep reading while paused (up to in_max): the session gets no
	 * input, but a client that hangs up is noticed at once.
	 */
	if (c->recv_pending)
		return;
	if (c->state != CONN_OPEN && c->state != CONN_HANDSHAKE)
		return;
	if (buf_used(&c->in) >= c->in_max)
		return;		/* the session must consume first */
	if (conn_out_pending(c) > CONN_OUT_HIWAT) {
		/* A client that doesn't read its replies gets no more. */
		c->out_blocked = true;
		return;
	}
	sqe = ev_sqe(&c->recv_op);
	ev_prep_recv_select(sqe, c->fd);
	c->recv_pending = true;
	c->pending++;
}

static void conn_peer_format(struct conn *c)
{
	const struct sockaddr_in *sin = (const void *)&c->peer;
	const struct sockaddr_in6 *sin6 = (const void *)&c->peer;
	const unsigned char *a6;

	strcpy(c->peer_addr, "?");
	if (c->peer.ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, c->peer_addr,
			  sizeof(c->peer_addr));
		c->peer_loopback = (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	} else if (c->peer.ss_family == AF_INET6) {
		a6 = sin6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			inet_ntop(AF_INET, a6 + 12, c->peer_addr,
				  sizeof(c->peer_addr));
			c->peer_loopback = a6[12] == 127;
		} else {
			inet_ntop(AF_INET6, &sin6->sin6_addr, c->peer_addr,
				  sizeof(c->peer_addr));
			c->peer_loopback =
				IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
		}
	}
}

struct conn *conn_new(int fd, const struct sockaddr *sa, socklen_t salen,
		      size_t in_max, size_t out_max)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	c->id = conn_next_id++;
	if (salen > sizeof(c->peer))
		salen = sizeof(c->peer);
	memcpy(&c->peer, sa, salen);
	conn_peer_format(c);
	c->in_max = in_max;
	/* Room for one more receive beyond the limit. */
	buf_init(&c->in, in_max + EV_BUF_SIZE + 16384);
	buf_init(&c->out, out_max);
	buf_init(&c->sending, out_max);
	c->recv_op.cb = conn_recv_done;
	c->send_op.cb = conn_send_done;
	c->close_op.cb = conn_close_done;
	c->state = CONN_OPEN;
	c->last_active = ev_now();
	conn_append(c);
	conn_total++;
	return c;
}

void conn_start(struct conn *c, const struct conn_ops *ops, void *ctx)
{
	c->ops = ops;
	c->ctx = ctx;
	conn_arm_recv(c);
}

int conn_write(struct conn *c, const void *data, size_t len)
{
	int ret;

	if (c->state != CONN_OPEN)
		return -1;
	if (c->ssl)
		ret = tls_conn_write(c, data, len);
	else
		ret = buf_append(&c->out, data, len);
	conn_queue(c);
	if (ret < 0) {
		log_warnx("%s: output over %zu bytes, closing", c->peer_addr,
			  c->out.cap);
		conn_abort(c);
	}
	return ret;
}

int conn_vreply(struct conn *c, size_t max, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	if (max > sizeof(line))
		max = sizeof(line);
	n = vsnprintf(line, max - 2, fmt, ap);
	if (n < 0)
		return -1;
	if ((size_t)n > max - 3)
		n = max - 3;
	memcpy(line + n, "\r\n", 2);
	return conn_write(c, line, (size_t)n + 2);
}

int conn_printf(struct conn *c, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	char *p;
	int n, ret;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return conn_write(c, small, (size_t)n);
	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	ret = conn_write(c, p, (size_t)n);
	free(p);
	return ret;
}

size_t conn_out_pending(const struct conn *c)
{
	return buf_used(&c->out) + buf_used(&c->sending);
}

void conn_pause(struct conn *c)
{
	c->paused = true;
}

void conn_resume(struct conn *c)
{
	if (!c->paused)
		return;
	c->paused = false;
	c->want_input = true;
	conn_queue(c);
	conn_arm_recv(c);
}

int conn_starttls(struct conn *c, SSL_CTX *ctx)
{
	if (c->ssl || c->state != CONN_OPEN)
		return -1;
	/* Anything pipelined after STARTTLS was sent in clear: drop it. */
	buf_reset(&c->in);
	if (tls_conn_start(c, ctx) < 0)
		return -1;
	c->state = CONN_HANDSHAKE;
	conn_arm_recv(c);
	return 0;
}

static void conn_finish(struct conn *c)
{
	struct io_uring_sqe *sqe;

	if (c->state == CONN_CLOSED)
		return;
	c->state = CONN_CLOSED;
	if (c->recv_pending) {
		sqe = ev_sqe(NULL);
		io_uring_prep_cancel(sqe, &c->recv_op, 0);
	}
	if (c->send_pending) {
		sqe = ev_sqe(NULL);
		io_uring_prep_cancel(sqe, &c->send_op, 0);
	}
	sqe = ev_sqe(&c->close_op);
	io_uring_prep_close(sqe, c->fd);
	c->pending++;
	conn_queue(c);
}

void conn_close(struct conn *c)
{
	if (c->state >= CONN_CLOSING)
		return;
	if (c->ssl && c->state == CONN_OPEN)
		tls_conn_shutdown(c);
	c->state = CONN_CLOSING;
	conn_queue(c);
}

void conn_abort(struct conn *c)
{
	if (c->state == CONN_CLOSED)
		return;
	buf_reset(&c->out);
	conn_finish(c);
}
