/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slotd's configuration: DIR/slot.conf (or -c FILE), "key = value" lines.
 * docs/slotd.md lists every key with its default; config.c has the table.
 */
#ifndef SLOTD_CONFIG_H
#define SLOTD_CONFIG_H

#include <stdbool.h>
#include <limits.h>

#include "lib/conf.h"

/* Which service a listener runs; the config key names it. */
enum slotd_service {
	SVC_IMAP,
	SVC_IMAPS,
	SVC_POP3,
	SVC_POP3S,
	SVC_LMTP,
	SVC_SMTP,
	SVC_SUBMISSION,
	SVC_SUBMISSIONS,
	SVC_COUNT,
};

/* Where a plaintext password (USER/PASS, AUTH PLAIN) is accepted. */
enum slotd_plaintext {
	PLAINTEXT_TLS,		/* only inside TLS */
	PLAINTEXT_LOOPBACK,	/* inside TLS or from a loopback address */
	PLAINTEXT_ALWAYS,	/* anywhere (testing only) */
};

#define SLOTD_ADDRS_MAX	8

struct slotd_listen {
	struct conf_addr addrs[SLOTD_ADDRS_MAX];
	size_t n;
};

struct slotd_conf {
	struct slotd_listen listen[SVC_COUNT];
	char tls_cert[PATH_MAX];
	char tls_key[PATH_MAX];
	char hostname[256];		/* for greetings */
	unsigned long long max_line;	/* bytes of a command line */
	unsigned long long max_message_size;
	unsigned long long max_connections;
	unsigned long long max_conn_per_ip;
	unsigned long long idle_timeout_ms;
	unsigned long long login_fail_delay_ms;
	unsigned long long max_login_failures;	/* then disconnect */
	unsigned long long shutdown_timeout_ms;
	enum slotd_plaintext plaintext_auth;
};

const char *slotd_service_name(enum slotd_service svc);
/* Implicit TLS (imaps, pop3s, submissions). */
bool slotd_service_tls(enum slotd_service svc);

void slotd_conf_defaults(struct slotd_conf *conf);
/*
 * Read path into conf (which holds the defaults). Relative tls_cert and
 * tls_key are taken relative to dir. On error conf is unspecified and err
 * says "FILE:LINE: what".
 */
int slotd_conf_load(struct slotd_conf *conf, const char *path,
		    const char *dir, char *err, size_t errlen);
int slotd_conf_load_text(struct slotd_conf *conf, const char *text,
			 const char *dir, char *err, size_t errlen);
/* Cross-key checks: TLS listeners need a certificate, ... */
int slotd_conf_check(const struct slotd_conf *conf, char *err,
		     size_t errlen);

#endif
