/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reader for "key = value" configuration files.
 *
 * One setting a line; '#' starts a comment; blank lines are ignored;
 * whitespace around key and value is trimmed. The value helpers below
 * parse the common kinds of values and say what was wrong.
 */
#ifndef TWIN_LIB_CONF_H
#define TWIN_LIB_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define CONF_LINE_MAX	4096
#define CONF_ERR_LEN	256

/* Called per setting; returns 0, or -1 after writing a message to err. */
typedef int (*conf_fn)(void *arg, const char *key, const char *value,
		       char *err, size_t errlen);

/* err gets "FILE:LINE: message" on failure. */
int conf_parse_file(const char *path, conf_fn fn, void *arg, char *err,
		    size_t errlen);
int conf_parse_text(const char *name, const char *text, conf_fn fn,
		    void *arg, char *err, size_t errlen);

/* Numbers with optional suffixes; each checks [min, max]. */
int conf_uint(const char *value, unsigned long long min,
	      unsigned long long max, unsigned long long *out, char *err,
	      size_t errlen);
/* 10, 10k, 10K, 64M, 1G (powers of 1024). */
int conf_size(const char *value, unsigned long long min,
	      unsigned long long max, unsigned long long *out, char *err,
	      size_t errlen);
/* Milliseconds: 500ms, 30s, 5m, 1h; a bare number is seconds. */
int conf_duration(const char *value, unsigned long long min_ms,
		  unsigned long long max_ms, unsigned long long *out_ms,
		  char *err, size_t errlen);
int conf_bool(const char *value, bool *out, char *err, size_t errlen);

/* A listen address: "127.0.0.1:110", "[::1]:110", "*:110", "[::]:110". */
struct conf_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	char text[64];		/* as given, for messages */
};

/* Comma-separated addresses into addrs[0..max-1]; *n gets the count. */
int conf_addrs(const char *value, struct conf_addr *addrs, size_t max,
	       size_t *n, char *err, size_t errlen);

#endif
