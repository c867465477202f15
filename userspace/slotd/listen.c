// SPDX-License-Identifier: GPL-2.0
/* slotd's listeners and connection limits: see listen.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "lib/log.h"
#include "slotd/listen.h"

#define LISTEN_BACKLOG	1024
#define PEER_BUCKETS	1024
#define LISTEN_OUT_MAX	(16 << 20)	/* queued output per connection */
#define LISTEN_BIND_TRIES	50	/* x 100 ms, when the address is busy */

struct listener {
	struct ev_op op;
	int fd;
	enum slotd_service svc;
	struct conf_addr addr;
	bool armed;		/* a multishot accept is in the ring */
	bool closing;
	bool keep;		/* still configured (reload) */
	struct listener *next;
};

/* Open connections per client address. */
struct peer {
	unsigned char addr[16];
	unsigned int count;
	struct peer *next;
};

static struct listener *listeners;
static struct proto_env *listen_env;
static struct peer *peer_table[PEER_BUCKETS];

/* ---- Connections per client address ----------------------------------- */

static void peer_key(const struct conn *c, unsigned char key[16])
{
	const struct sockaddr_in *sin = (const void *)&c->peer;
	const struct sockaddr_in6 *sin6 = (const void *)&c->peer;

	memset(key, 0, 16);
	if (c->peer.ss_family == AF_INET) {
		/* As ::ffff:a.b.c.d, so v4 and mapped v4 count together. */
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &sin->sin_addr, 4);
	} else if (c->peer.ss_family == AF_INET6) {
		memcpy(key, &sin6->sin6_addr, 16);
	}
}

static struct peer **peer_slot(const unsigned char key[16])
{
	unsigned int h = 2166136261u, i;
	struct peer **pp;

	for (i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	for (pp = &peer_table[h % PEER_BUCKETS]; *pp; pp = &(*pp)->next)
		if (!memcmp((*pp)->addr, key, 16))
			break;
	return pp;
}

/* Count c in; returns the new count for its address, 0 on ENOMEM. */
static unsigned int peer_get(const struct conn *c)
{
	unsigned char key[16];
	struct peer **pp, *p;

	peer_key(c, key);
	pp = peer_slot(key);
	if (!*pp) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return 0;
		memcpy(p->addr, key, 16);
		*pp = p;
	}
	return ++(*pp)->count;
}

static void peer_put(struct conn *c)
{
	unsigned char key[16];
	struct peer **pp, *p;

	peer_key(c, key);
	pp = peer_slot(key);
	p = *pp;
	if (!p)
		return;
	if (--p->count == 0) {
		*pp = p->next;
		free(p);
	}
}

/* ---- Accepting ------------------------------------------------------ */

static void listen_arm(struct listener *l)
{
	struct io_uring_sqe *sqe = ev_sqe(&l->op);

	io_uring_prep_multishot_accept(sqe, l->fd, NULL, NULL, SOCK_CLOEXEC);
	l->armed = true;
}

static void listen_free(struct listener *l)
{
	struct listener **pp;

	for (pp = &listeners; *pp; pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	}
	close(l->fd);
	log_info("%s: stopped listening on %s",
		 slotd_service_name(l->svc), l->addr.text);
	free(l);
}

static void listen_take(struct listener *l, int fd)
{
	const struct slotd_conf *conf = listen_env->conf;
	const struct proto *proto = proto_for_service(l->svc);
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	unsigned int n;
	struct conn *c;
	int one = 1;

	if (getpeername(fd, (struct sockaddr *)&ss, &sslen) < 0) {
		close(fd);	/* gone already */
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = conn_new(fd, (struct sockaddr *)&ss, sslen, conf->max_line,
		     LISTEN_OUT_MAX);
	if (!c) {
		log_warnx("%s: out of memory, dropping a connection",
			  slotd_service_name(l->svc));
		close(fd);
		return;
	}
	c->local_port = ntohs(((struct sockaddr_in *)&l->addr.ss)->sin_port);
	n = peer_get(c);
	conn_set_free_hook(peer_put);
	if (!n) {
		conn_abort(c);
		return;
	}
	if (n > conf->max_conn_per_ip || conn_count() > conf->max_connections) {
		log_warnx("%s: %s: too many connections (%u from this "
			  "address, %u in all), refusing",
			  slotd_service_name(l->svc), c->peer_addr, n,
			  conn_count());
		/* Behind implicit TLS a plaintext answer is just noise. */
		if (slotd_service_tls(l->svc))
			conn_abort(c);
		else
			proto->reject(c, n > conf->max_conn_per_ip ?
				      "Too many connections from your address" :
				      "Too many connections, try later");
		return;
	}
	log_debug("%s: connection from %s", slotd_service_name(l->svc),
		  c->peer_addr);
	if (proto->start(c, listen_env, slotd_service_tls(l->svc)) < 0)
		conn_abort(c);
}

static void listen_accept_done(struct ev_op *op, int res, unsigned int flags)
{
	struct listener *l = container_of(op, struct listener, op);

	if (!(flags & IORING_CQE_F_MORE)) {
		l->armed = false;
		if (l->closing) {
			if (res >= 0)
				close(res);
			listen_free(l);
			return;
		}
		listen_arm(l);
	}
	if (res < 0) {
		if (res != -ECANCELED && res != -EINTR)
			log_warnx("%s: accept on %s: %s",
				  slotd_service_name(l->svc), l->addr.text,
				  strerror(-res));
		return;
	}
	if (l->closing || listen_env->stopping) {
		close(res);
		return;
	}
	listen_take(l, res);
}

static int listen_socket(const struct conf_addr *a, char *err, size_t errlen)
{
	int one = 1;
	int fd, tries;

	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "%s: socket: %s", a->text,
			 strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/*
	 * Right after a crash the old process's sockets may linger while
	 * the kernel tears its ring down: give them a moment.
	 */
	for (tries = 0; bind(fd, (const struct sockaddr *)&a->ss,
			     a->len) < 0; tries++) {
		if (errno != EADDRINUSE || tries == LISTEN_BIND_TRIES) {
			snprintf(err, errlen, "%s: %s", a->text,
				 strerror(errno));
			close(fd);
			return -1;
		}
		if (tries == 0)
			log_warnx("%s: address in use, retrying for %d s",
				  a->text, LISTEN_BIND_TRIES / 10);
		usleep(100 * 1000);
	}
	if (listen(fd, LISTEN_BACKLOG) < 0) {
		snprintf(err, errlen, "%s: %s", a->text, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static struct listener *listen_find(enum slotd_service svc,
				    const struct conf_addr *a)
{
	struct listener *l;

	for (l = listeners; l; l = l->next)
		if (!l->closing && l->svc == svc && l->addr.len == a->len &&
		    !memcmp(&l->addr.ss, &a->ss, a->len))
			return l;
	return NULL;
}

static int listen_add(enum slotd_service svc, const struct conf_addr *a,
		      char *err, size_t errlen)
{
	struct listener *l;
	int fd;

	if (!proto_for_service(svc)) {
		log_warnx("%s: not served by this build of slotd, ignoring %s",
			  slotd_service_name(svc), a->text);
		return 0;
	}
	fd = listen_socket(a, err, errlen);
	if (fd < 0)
		return -1;
	l = calloc(1, sizeof(*l));
	if (!l) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l->fd = fd;
	l->svc = svc;
	l->addr = *a;
	l->op.cb = listen_accept_done;
	l->keep = true;
	l->next = listeners;
	listeners = l;
	listen_arm(l);
	log_info("%s: listening on %s", slotd_service_name(svc), a->text);
	return 0;
}

static void listen_close(struct listener *l)
{
	struct io_uring_sqe *sqe;

	if (l->closing)
		return;
	l->closing = true;
	if (!l->armed) {
		listen_free(l);
		return;
	}
	sqe = ev_sqe(NULL);
	io_uring_prep_cancel(sqe, &l->op, 0);
}

int listen_open_all(struct proto_env *env, char *err, size_t errlen)
{
	const struct slotd_conf *conf = env->conf;
	size_t i;
	int svc;

	listen_env = env;
	for (svc = 0; svc < SVC_COUNT; svc++) {
		for (i = 0; i < conf->listen[svc].n; i++) {
			if (listen_add(svc, &conf->listen[svc].addrs[i], err,
				       errlen) < 0) {
				listen_close_all();
				return -1;
			}
		}
	}
	return 0;
}

void listen_reload(struct proto_env *env)
{
	const struct slotd_conf *conf = env->conf;
	struct listener *l, *next;
	char err[256];
	size_t i;
	int svc;

	for (l = listeners; l; l = l->next)
		l->keep = false;
	for (svc = 0; svc < SVC_COUNT; svc++) {
		for (i = 0; i < conf->listen[svc].n; i++) {
			l = listen_find(svc, &conf->listen[svc].addrs[i]);
			if (l) {
				l->keep = true;
				continue;
			}
			if (listen_add(svc, &conf->listen[svc].addrs[i], err,
				       sizeof(err)) < 0)
				log_warnx("%s: %s", slotd_service_name(svc),
					  err);
		}
	}
	for (l = listeners; l; l = next) {
		next = l->next;
		if (!l->keep)
			listen_close(l);
	}
}

void listen_close_all(void)
{
	struct listener *l, *next;

	for (l = listeners; l; l = next) {
		next = l->next;
		listen_close(l);
	}
}

unsigned int listen_count(void)
{
	struct listener *l;
	unsigned int n = 0;

	for (l = listeners; l; l = l->next)
		n++;
	return n;
}
