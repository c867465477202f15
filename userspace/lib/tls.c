// SPDX-License-Identifier: GPL-2.0
/*
 * TLS for connections, with OpenSSL on memory BIOs: the ring moves the
 * ciphertext, OpenSSL never touches the socket. TLS 1.2 and newer only.
 */
#include <string.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "lib/conn.h"
#include "lib/log.h"

#define TLS_CHUNK 16384

static void tls_errstr(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "";

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(err, errlen, "%s%s%s", what, e ? ": " : "", buf);
	ERR_clear_error();
}

SSL_CTX *tls_ctx_load(const char *cert, const char *key, char *err,
		      size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx) {
		tls_errstr(err, errlen, "cannot create TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
			    SSL_OP_NO_RENEGOTIATION |
			    SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* Idle connections give their record buffers back. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		tls_errstr(err, errlen, cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		tls_errstr(err, errlen, key);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		tls_errstr(err, errlen, "key does not match certificate");
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

void tls_ctx_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}

/* Move what OpenSSL wants to send into c->out. */
static int tls_drain(struct conn *c)
{
	BIO *wbio = SSL_get_wbio(c->ssl);
	size_t n;
	int got;

	while ((n = BIO_ctrl_pending(wbio)) > 0) {
		if (buf_reserve(&c->out, n) < 0)
			return -1;
		got = BIO_read(wbio, buf_tail(&c->out), (int)n);
		if (got <= 0)
			return -1;
		buf_commit(&c->out, (size_t)got);
	}
	return 0;
}

static void tls_log_error(struct conn *c, const char *what, int ret)
{
	int e = SSL_get_error(c->ssl, ret);
	unsigned long code = ERR_peek_error();
	char buf[256] = "";

	if (code)
		ERR_error_string_n(code, buf, sizeof(buf));
	ERR_clear_error();
	if (e == SSL_ERROR_ZERO_RETURN)
		return;
	log_info("%s: TLS %s failed: %s", c->peer_addr, what,
		 buf[0] ? buf : "protocol error");
}

int tls_conn_start(struct conn *c, SSL_CTX *ctx)
{
	BIO *rbio, *wbio;

	c->ssl = SSL_new(ctx);
	if (!c->ssl)
		return -1;
	rbio = BIO_new(BIO_s_mem());
	wbio = BIO_new(BIO_s_mem());
	if (!rbio || !wbio) {
		BIO_free(rbio);
		BIO_free(wbio);
		SSL_free(c->ssl);
		c->ssl = NULL;
		return -1;
	}
	/* An empty memory BIO means "try later", not end of file. */
	BIO_set_mem_eof_return(rbio, -1);
	BIO_set_mem_eof_return(wbio, -1);
	SSL_set_bio(c->ssl, rbio, wbio);
	SSL_set_accept_state(c->ssl);
	return 0;
}

int tls_conn_pull(struct conn *c)
{
	int n, e;

	/* Stays set if we stop because c->in is full, not for lack of data. */
	c->tls_more = true;
	while (buf_used(&c->in) < c->in_max) {
		if (buf_reserve(&c->in, TLS_CHUNK) < 0)
			break;
		n = SSL_read(c->ssl, buf_tail(&c->in), TLS_CHUNK);
		if (n > 0) {
			buf_commit(&c->in, (size_t)n);
			continue;
		}
		e = SSL_get_error(c->ssl, n);
		if (e == SSL_ERROR_WANT_READ) {
			c->tls_more = false;
			break;
		}
		tls_log_error(c, "read", n);
		return -1;
	}
	return tls_drain(c);
}

/* Returns 1 when this input completed the handshake. */
int tls_conn_feed(struct conn *c, const void *data, size_t len)
{
	int done = 0;
	int ret;

	if (BIO_write(SSL_get_rbio(c->ssl), data, (int)len) != (int)len)
		return -1;
	if (c->state == CONN_HANDSHAKE) {
		ret = SSL_do_handshake(c->ssl);
		if (ret != 1) {
			if (SSL_get_error(c->ssl, ret) == SSL_ERROR_WANT_READ)
				return tls_drain(c);
			tls_log_error(c, "handshake", ret);
			tls_drain(c);	/* the alert, if any */
			return -1;
		}
		c->state = CONN_OPEN;
		done = 1;
		log_debug("%s: %s with %s", c->peer_addr,
			  SSL_get_version(c->ssl),
			  SSL_get_cipher_name(c->ssl));
	}
	if (tls_conn_pull(c) < 0)
		return -1;
	return done;
}

int tls_conn_write(struct conn *c, const void *data, size_t len)
{
	const char *p = data;
	int n;

	while (len) {
		n = SSL_write(c->ssl, p, len > TLS_CHUNK ? TLS_CHUNK : (int)len);
		if (n <= 0) {
			tls_log_error(c, "write", n);
			return -1;
		}
		p += n;
		len -= (size_t)n;
		if (tls_drain(c) < 0)
			return -1;
	}
	return 0;
}

void tls_conn_shutdown(struct conn *c)
{
	SSL_shutdown(c->ssl);
	ERR_clear_error();
	tls_drain(c);
}

void tls_conn_free(struct conn *c)
{
	SSL_free(c->ssl);
	c->ssl = NULL;
}
