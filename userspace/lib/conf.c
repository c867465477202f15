// SPDX-License-Identifier: GPL-2.0
/* A reader for "key = value" configuration files: see conf.h. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>

#include "lib/conf.h"

static char *conf_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* One line, modified in place. */
static int conf_line(char *line, conf_fn fn, void *arg, char *err,
		     size_t errlen)
{
	char *hash = strchr(line, '#');
	char *eq, *key, *value;

	if (hash)
		*hash = '\0';
	line = conf_trim(line);
	if (!*line)
		return 0;
	eq = strchr(line, '=');
	if (!eq) {
		snprintf(err, errlen, "expected \"key = value\"");
		return -1;
	}
	*eq = '\0';
	key = conf_trim(line);
	value = conf_trim(eq + 1);
	if (!*key) {
		snprintf(err, errlen, "missing key before '='");
		return -1;
	}
	return fn(arg, key, value, err, errlen);
}

int conf_parse_text(const char *name, const char *text, conf_fn fn,
		    void *arg, char *err, size_t errlen)
{
	char line[CONF_LINE_MAX];
	char msg[CONF_ERR_LEN];
	unsigned int lineno = 0;
	const char *p = text, *nl;
	size_t len;

	while (*p) {
		lineno++;
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof(line)) {
			snprintf(err, errlen, "%s:%u: line too long", name,
				 lineno);
			return -1;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		if (memchr(line, '\0', len) != NULL) {
			snprintf(err, errlen, "%s:%u: NUL byte in line", name,
				 lineno);
			return -1;
		}
		msg[0] = '\0';
		if (conf_line(line, fn, arg, msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "%s:%u: %s", name, lineno, msg);
			return -1;
		}
		p += len + (nl ? 1 : 0);
	}
	return 0;
}

int conf_parse_file(const char *path, conf_fn fn, void *arg, char *err,
		    size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t size = 0;
	long len;
	int ret;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	if (len > 1024 * 1024) {
		snprintf(err, errlen, "%s: file too large", path);
		fclose(f);
		return -1;
	}
	size = (size_t)len;
	text = malloc(size + 1);
	if (!text || fread(text, 1, size, f) != size) {
		snprintf(err, errlen, "%s: cannot read", path);
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	text[size] = '\0';
	if (strlen(text) != size) {
		snprintf(err, errlen, "%s: NUL byte in file", path);
		free(text);
		return -1;
	}
	ret = conf_parse_text(path, text, fn, arg, err, errlen);
	free(text);
	return ret;
}

/* Digits, then a suffix looked up in units[] (multipliers). */
struct conf_unit {
	const char *suffix;
	unsigned long long mult;
};

static int conf_number(const char *value, const struct conf_unit *units,
		       unsigned long long min, unsigned long long max,
		       unsigned long long *out, char *err, size_t errlen)
{
	unsigned long long n;
	const struct conf_unit *u;
	char *end;

	if (!isdigit((unsigned char)*value)) {
		snprintf(err, errlen, "'%s' is not a number", value);
		return -1;
	}
	errno = 0;
	n = strtoull(value, &end, 10);
	if (errno) {
		snprintf(err, errlen, "'%s' is out of range", value);
		return -1;
	}
	for (u = units; u->suffix; u++)
		if (!strcasecmp(end, u->suffix) &&
		    (!*u->suffix || isalpha((unsigned char)*end)))
			break;
	if (!u->suffix) {
		snprintf(err, errlen, "'%s' has an unknown unit", value);
		return -1;
	}
	if (n && n > ~0ULL / u->mult) {
		snprintf(err, errlen, "'%s' is out of range", value);
		return -1;
	}
	n *= u->mult;
	if (n < min || n > max) {
		snprintf(err, errlen, "'%s' is outside %llu..%llu", value,
			 min, max);
		return -1;
	}
	*out = n;
	return 0;
}

int conf_uint(const char *value, unsigned long long min,
	      unsigned long long max, unsigned long long *out, char *err,
	      size_t errlen)
{
	static const struct conf_unit units[] = { { "", 1 }, { NULL, 0 } };

	return conf_number(value, units, min, max, out, err, errlen);
}

int conf_size(const char *value, unsigned long long min,
	      unsigned long long max, unsigned long long *out, char *err,
	      size_t errlen)
{
	static const struct conf_unit units[] = {
		{ "", 1 }, { "k", 1ULL << 10 }, { "m", 1ULL << 20 },
		{ "g", 1ULL << 30 }, { NULL, 0 },
	};

	return conf_number(value, units, min, max, out, err, errlen);
}

int conf_duration(const char *value, unsigned long long min_ms,
		  unsigned long long max_ms, unsigned long long *out_ms,
		  char *err, size_t errlen)
{
	static const struct conf_unit units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { NULL, 0 },
	};

	return conf_number(value, units, min_ms, max_ms, out_ms, err,
			   errlen);
}

int conf_bool(const char *value, bool *out, char *err, size_t errlen)
{
	if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") ||
	    !strcasecmp(value, "on") || !strcmp(value, "1")) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(value, "no") || !strcasecmp(value, "false") ||
	    !strcasecmp(value, "off") || !strcmp(value, "0")) {
		*out = false;
		return 0;
	}
	snprintf(err, errlen, "'%s' is not yes or no", value);
	return -1;
}

static int conf_addr_one(const char *text, struct conf_addr *a, char *err,
			 size_t errlen)
{
	struct sockaddr_in *sin = (void *)&a->ss;
	struct sockaddr_in6 *sin6 = (void *)&a->ss;
	char host[64];
	const char *colon, *port;
	unsigned long long p;
	size_t hlen;

	if (strlen(text) >= sizeof(a->text)) {
		snprintf(err, errlen, "address '%s' too long", text);
		return -1;
	}
	memset(a, 0, sizeof(*a));
	strcpy(a->text, text);
	if (text[0] == '[') {
		colon = strchr(text, ']');
		if (!colon || colon[1] != ':') {
			snprintf(err, errlen,
				 "'%s': expected [IPV6]:PORT", text);
			return -1;
		}
		hlen = (size_t)(colon - text - 1);
		port = colon + 2;
		text++;
	} else {
		colon = strrchr(text, ':');
		if (!colon) {
			snprintf(err, errlen, "'%s': expected ADDR:PORT", text);
			return -1;
		}
		hlen = (size_t)(colon - text);
		port = colon + 1;
	}
	if (hlen >= sizeof(host)) {
		snprintf(err, errlen, "address '%s' too long", text);
		return -1;
	}
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (conf_uint(port, 1, 65535, &p, err, errlen) < 0) {
		snprintf(err, errlen, "'%s': bad port", a->text);
		return -1;
	}
	if (a->text[0] == '[') {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)p);
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
			snprintf(err, errlen, "'%s': bad IPv6 address",
				 a->text);
			return -1;
		}
		a->len = sizeof(*sin6);
		return 0;
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)p);
	if (!strcmp(host, "*")) {
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
	} else if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
		snprintf(err, errlen, "'%s': bad IPv4 address (IPv6 needs [])",
			 a->text);
		return -1;
	}
	a->len = sizeof(*sin);
	return 0;
}

int conf_addrs(const char *value, struct conf_addr *addrs, size_t max,
	       size_t *n, char *err, size_t errlen)
{
	char item[128];
	const char *p = value, *comma;
	size_t len;
	char *t;

	*n = 0;
	while (*p) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (len >= sizeof(item)) {
			snprintf(err, errlen, "address list item too long");
			return -1;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		t = conf_trim(item);
		if (!*t) {
			snprintf(err, errlen, "empty address in list");
			return -1;
		}
		if (*n == max) {
			snprintf(err, errlen, "more than %zu addresses", max);
			return -1;
		}
		if (conf_addr_one(t, &addrs[*n], err, errlen) < 0)
			return -1;
		(*n)++;
		p += len + (comma ? 1 : 0);
	}
	if (!*n) {
		snprintf(err, errlen, "no address given");
		return -1;
	}
	return 0;
}
