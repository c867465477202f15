// SPDX-License-Identifier: GPL-2.0
/* slotd's configuration keys: the table below is the reference. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "slotd/config.h"

static const char *const slotd_service_names[SVC_COUNT] = {
	[SVC_IMAP] = "imap",
	[SVC_IMAPS] = "imaps",
	[SVC_POP3] = "pop3",
	[SVC_POP3S] = "pop3s",
	[SVC_LMTP] = "lmtp",
	[SVC_SMTP] = "smtp",
	[SVC_SUBMISSION] = "submission",
	[SVC_SUBMISSIONS] = "submissions",
};

const char *slotd_service_name(enum slotd_service svc)
{
	return svc < SVC_COUNT ? slotd_service_names[svc] : "?";
}

bool slotd_service_tls(enum slotd_service svc)
{
	return svc == SVC_IMAPS || svc == SVC_POP3S || svc == SVC_SUBMISSIONS;
}

enum conf_kind { K_SIZE, K_DURATION, K_COUNT };

/* Numeric limits: name, kind, where, bounds (as dm_arg does). */
struct slotd_limit {
	const char *key;
	enum conf_kind kind;
	size_t offset;
	unsigned long long min, max, def;
};

#define LIMIT(k, kind, field, min, max, def) \
	{ k, kind, offsetof(struct slotd_conf, field), min, max, def }

static const struct slotd_limit slotd_limits[] = {
	LIMIT("max_line", K_SIZE, max_line, 512, 65536, 2048),
	LIMIT("max_message_size", K_SIZE, max_message_size, 1024,
	      1ULL << 31, 50ULL << 20),
	LIMIT("max_connections", K_COUNT, max_connections, 1, 1000000,
	      10000),
	LIMIT("max_conn_per_ip", K_COUNT, max_conn_per_ip, 1, 1000000, 50),
	LIMIT("idle_timeout", K_DURATION, idle_timeout_ms, 1000,
	      24ULL * 3600 * 1000, 10 * 60 * 1000),
	LIMIT("login_fail_delay", K_DURATION, login_fail_delay_ms, 0,
	      60 * 1000, 2000),
	LIMIT("max_login_failures", K_COUNT, max_login_failures, 1, 100, 3),
	LIMIT("shutdown_timeout", K_DURATION, shutdown_timeout_ms, 0,
	      3600 * 1000, 30 * 1000),
};

/* Keys that other parts of the slot read from the same file. */
static const char *const slotd_foreign_keys[] = {
	"expunge_retention",
};

struct slotd_load {
	struct slotd_conf *conf;
	const char *dir;
};

static int slotd_conf_path(char *out, const char *dir, const char *value,
			   char *err, size_t errlen)
{
	int n;

	if (value[0] == '/' || !dir)
		n = snprintf(out, PATH_MAX, "%s", value);
	else
		n = snprintf(out, PATH_MAX, "%s/%s", dir, value);
	if (n < 0 || n >= PATH_MAX) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	return 0;
}

static int slotd_conf_set_one(void *arg, const char *key, const char *value,
			      char *err, size_t errlen)
{
	struct slotd_load *ld = arg;
	struct slotd_conf *conf = ld->conf;
	const struct slotd_limit *l;
	unsigned long long *field;
	size_t i;
	int svc;

	for (svc = 0; svc < SVC_COUNT; svc++) {
		if (strcmp(key, slotd_service_names[svc]))
			continue;
		return conf_addrs(value, conf->listen[svc].addrs,
				  SLOTD_ADDRS_MAX, &conf->listen[svc].n, err,
				  errlen);
	}
	for (i = 0; i < sizeof(slotd_limits) / sizeof(slotd_limits[0]); i++) {
		l = &slotd_limits[i];
		if (strcmp(key, l->key))
			continue;
		field = (unsigned long long *)((char *)conf + l->offset);
		switch (l->kind) {
		case K_SIZE:
			return conf_size(value, l->min, l->max, field, err,
					 errlen);
		case K_DURATION:
			return conf_duration(value, l->min, l->max, field, err,
					     errlen);
		case K_COUNT:
			return conf_uint(value, l->min, l->max, field, err,
					 errlen);
		}
	}
	if (!strcmp(key, "tls_cert"))
		return slotd_conf_path(conf->tls_cert, ld->dir, value, err,
				       errlen);
	if (!strcmp(key, "tls_key"))
		return slotd_conf_path(conf->tls_key, ld->dir, value, err,
				       errlen);
	if (!strcmp(key, "hostname")) {
		if (!*value || strlen(value) >= sizeof(conf->hostname) ||
		    strpbrk(value, " \t\r\n")) {
			snprintf(err, errlen, "bad hostname '%s'", value);
			return -1;
		}
		strcpy(conf->hostname, value);
		return 0;
	}
	if (!strcmp(key, "plaintext_auth")) {
		if (!strcmp(value, "tls"))
			conf->plaintext_auth = PLAINTEXT_TLS;
		else if (!strcmp(value, "loopback"))
			conf->plaintext_auth = PLAINTEXT_LOOPBACK;
		else if (!strcmp(value, "always"))
			conf->plaintext_auth = PLAINTEXT_ALWAYS;
		else {
			snprintf(err, errlen,
				 "plaintext_auth is tls, loopback or always");
			return -1;
		}
		return 0;
	}
	for (i = 0; i < sizeof(slotd_foreign_keys) / sizeof(char *); i++)
		if (!strcmp(key, slotd_foreign_keys[i]))
			return 0;
	snprintf(err, errlen, "unknown key '%s'", key);
	return -1;
}

/* Every message names its key: "max_line: '3' is outside 512..65536". */
static int slotd_conf_set(void *arg, const char *key, const char *value,
			  char *err, size_t errlen)
{
	char msg[CONF_ERR_LEN];

	msg[0] = '\0';
	if (slotd_conf_set_one(arg, key, value, msg, sizeof(msg)) == 0)
		return 0;
	if (!strncmp(msg, "unknown key", 11))
		snprintf(err, errlen, "%s", msg);
	else
		snprintf(err, errlen, "%s: %s", key, msg);
	return -1;
}

void slotd_conf_defaults(struct slotd_conf *conf)
{
	size_t i;

	memset(conf, 0, sizeof(*conf));
	for (i = 0; i < sizeof(slotd_limits) / sizeof(slotd_limits[0]); i++)
		*(unsigned long long *)((char *)conf + slotd_limits[i].offset) =
			slotd_limits[i].def;
	conf->plaintext_auth = PLAINTEXT_LOOPBACK;
	if (gethostname(conf->hostname, sizeof(conf->hostname) - 1) < 0 ||
	    !conf->hostname[0])
		strcpy(conf->hostname, "localhost");
}

int slotd_conf_load(struct slotd_conf *conf, const char *path,
		    const char *dir, char *err, size_t errlen)
{
	struct slotd_load ld = { conf, dir };

	return conf_parse_file(path, slotd_conf_set, &ld, err, errlen);
}

int slotd_conf_load_text(struct slotd_conf *conf, const char *text,
			 const char *dir, char *err, size_t errlen)
{
	struct slotd_load ld = { conf, dir };

	return conf_parse_text("(text)", text, slotd_conf_set, &ld, err,
			       errlen);
}

int slotd_conf_check(const struct slotd_conf *conf, char *err,
		     size_t errlen)
{
	bool any = false;
	int svc;

	for (svc = 0; svc < SVC_COUNT; svc++) {
		if (!conf->listen[svc].n)
			continue;
		any = true;
		if (slotd_service_tls(svc) &&
		    (!conf->tls_cert[0] || !conf->tls_key[0])) {
			snprintf(err, errlen,
				 "%s needs tls_cert and tls_key",
				 slotd_service_names[svc]);
			return -1;
		}
	}
	if (!any) {
		snprintf(err, errlen,
			 "no listener configured (set lmtp, pop3, imap, ...)");
		return -1;
	}
	if (!!conf->tls_cert[0] != !!conf->tls_key[0]) {
		snprintf(err, errlen, "tls_cert and tls_key go together");
		return -1;
	}
	return 0;
}
