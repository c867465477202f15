/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connections: one client socket on the event loop, plain or TLS.
 *
 * This is the only I/O API protocol sessions use. A session reads
 * plaintext from c->in, writes with conn_write()/conn_printf(), and gets
 * callbacks through its struct conn_ops; whether TLS is on (STARTTLS or
 * implicit) is invisible to it apart from conn_is_tls().
 *
 * Output is batched: writes are queued and sent once per loop iteration.
 * A connection is freed only after every request it had in the ring
 * completed; ops->closed is its last callback.
 */
#ifndef TWIN_LIB_CONN_H
#define TWIN_LIB_CONN_H

#include <stdarg.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lib/buf.h"
#include "lib/ev.h"

struct conn;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

struct conn_ops {
	/* New plaintext arrived in c->in. */
	void (*input)(struct conn *c);
	/* Everything written so far was handed to the kernel. */
	void (*writable)(struct conn *c);
	/* The TLS handshake finished (implicit TLS or after STARTTLS). */
	void (*tls_ready)(struct conn *c);
	/* No activity for the idle timeout; NULL: just close. */
	void (*idle)(struct conn *c);
	/* The server stops: finish what must be finished, close; NULL: close. */
	void (*stop)(struct conn *c);
	/* The connection is gone; the session must drop its pointer. */
	void (*closed)(struct conn *c);
};

enum conn_state {
	CONN_OPEN,
	CONN_HANDSHAKE,		/* TLS handshake in progress */
	CONN_CLOSING,		/* flushing the last output */
	CONN_CLOSED,		/* waiting for the ring to let go */
};

struct conn {
	int fd;
	enum conn_state state;
	struct sockaddr_storage peer;
	char peer_addr[64];	/* "192.0.2.1" or "2001:db8::1" */
	bool peer_loopback;
	unsigned int local_port;

	const struct conn_ops *ops;
	void *ctx;		/* the session */

	struct buf in;		/* plaintext received, not yet consumed */
	size_t in_max;		/* stop receiving beyond this */
	struct buf out;		/* bytes (ciphertext with TLS) to send */
	struct buf sending;	/* bytes handed to the kernel */

	SSL *ssl;

	struct ev_op recv_op;
	struct ev_op send_op;
	struct ev_op close_op;
	unsigned int pending;	/* requests in the ring */
	bool recv_pending;
	bool send_pending;
	bool paused;		/* the session asked not to read */
	bool queued;		/* on the work list */
	bool want_input;	/* call ops->input from the work list */
	bool out_blocked;	/* not reading: too much output queued */
	bool tls_more;		/* TLS holds input c->in had no room for */

	unsigned long long last_active;	/* ev_now() */
	struct conn *prev, *next;	/* all connections, oldest first */
	struct conn *work_next;
	unsigned long long id;
};

/* Called for every connection just before it is freed (slotd's counters). */
void conn_set_free_hook(void (*fn)(struct conn *c));
/* Set up the module: idle timeout in ms (0: none). */
void conn_init(unsigned int idle_ms);
void conn_set_idle_timeout(unsigned int idle_ms);
/* Run from the loop's idle hook: flush output, deferred input. */
void conn_run_work(void);

/*
 * Wrap an accepted socket. in_max bounds the unconsumed input (a line
 * limit plus slack), out_max the queued output.
 */
struct conn *conn_new(int fd, const struct sockaddr *sa, socklen_t salen,
		      size_t in_max, size_t out_max);
void conn_start(struct conn *c, const struct conn_ops *ops, void *ctx);

int conn_write(struct conn *c, const void *data, size_t len);
int conn_printf(struct conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * One protocol reply line: the text, cut to fit in max bytes with its
 * CRLF (the line limits of SMTP/LMTP and POP3), then CRLF.
 */
int conn_vreply(struct conn *c, size_t max, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Bytes queued and not yet sent. */
size_t conn_out_pending(const struct conn *c);

/*
 * Hold input back from the session (it waits for the disk, the password
 * threads, ...); resume replays what was buffered meanwhile. The socket
 * is still read up to in_max, so a hang-up is seen while paused.
 */
void conn_pause(struct conn *c);
void conn_resume(struct conn *c);

/*
 * Start TLS as the server. Call right after queueing the plaintext reply
 * that announces it (STARTTLS/STLS): that reply still goes out in clear.
 * Input received before the handshake is discarded (no injection).
 */
int conn_starttls(struct conn *c, SSL_CTX *ctx);
static inline bool conn_is_tls(const struct conn *c)
{
	return c->ssl != NULL;
}

/* Send what is queued, then close. */
void conn_close(struct conn *c);
/* Close now, dropping queued output. */
void conn_abort(struct conn *c);

/* Number of open connections, and the oldest-first walk. */
unsigned int conn_count(void);
void conn_foreach(void (*fn)(struct conn *c, void *arg), void *arg);

/* tls.c: the TLS half, used by conn.c. */
SSL_CTX *tls_ctx_load(const char *cert, const char *key, char *err,
		      size_t errlen);
void tls_ctx_free(SSL_CTX *ctx);
int tls_conn_start(struct conn *c, SSL_CTX *ctx);
int tls_conn_feed(struct conn *c, const void *data, size_t len);
int tls_conn_pull(struct conn *c);
int tls_conn_write(struct conn *c, const void *data, size_t len);
void tls_conn_shutdown(struct conn *c);
void tls_conn_free(struct conn *c);

#endif
