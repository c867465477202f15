// SPDX-License-Identifier: GPL-2.0
/* LMTP command parsing: see lmtp_parse.h. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/lmtp_parse.h"

static const struct {
	const char *name;
	enum lmtp_verb verb;
} lmtp_verbs[] = {
	{ "LHLO", LMTP_LHLO },
	{ "MAIL", LMTP_MAIL },
	{ "RCPT", LMTP_RCPT },
	{ "DATA", LMTP_DATA },
	{ "RSET", LMTP_RSET },
	{ "NOOP", LMTP_NOOP },
	{ "QUIT", LMTP_QUIT },
	{ "VRFY", LMTP_VRFY },
	{ "STARTTLS", LMTP_STARTTLS },
	{ "HELO", LMTP_HELO },
	{ "EHLO", LMTP_HELO },
};

void lmtp_parse_cmd(char *line, struct lmtp_cmd *cmd)
{
	char *p = line, *end;
	size_t len, i;

	while (*p == ' ')
		p++;
	len = strcspn(p, " ");
	cmd->verb = LMTP_UNKNOWN;
	cmd->name = "?";
	for (i = 0; i < sizeof(lmtp_verbs) / sizeof(lmtp_verbs[0]); i++) {
		if (strlen(lmtp_verbs[i].name) == len &&
		    !strncasecmp(p, lmtp_verbs[i].name, len)) {
			cmd->verb = lmtp_verbs[i].verb;
			cmd->name = lmtp_verbs[i].name;
			break;
		}
	}
	p += len;
	while (*p == ' ')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	cmd->arg = p;
}

/*
 * "KEYWORD:<path>" -> path copied to out; *rest points after '>'.
 * Accepts a source route (@a,@b:) and drops it as RFC 5321 allows.
 */
static int lmtp_path(const char *arg, const char *keyword, char *out,
		     const char **rest, const char **err)
{
	size_t klen = strlen(keyword);
	const char *p = arg, *close, *colon;
	size_t len;

	if (strncasecmp(p, keyword, klen) || p[klen] != ':') {
		*err = "501 5.5.4 Syntax error in parameters";
		return -1;
	}
	p += klen + 1;
	while (*p == ' ')
		p++;
	if (*p != '<') {
		*err = "501 5.1.7 Address must be enclosed in <>";
		return -1;
	}
	p++;
	close = strchr(p, '>');
	if (!close) {
		*err = "501 5.1.7 Missing '>'";
		return -1;
	}
	if (*p == '@') {
		colon = memchr(p, ':', (size_t)(close - p));
		if (!colon) {
			*err = "501 5.1.7 Bad source route";
			return -1;
		}
		p = colon + 1;
	}
	len = (size_t)(close - p);
	if (len > LMTP_ADDR_MAX) {
		*err = "501 5.1.7 Address too long";
		return -1;
	}
	memcpy(out, p, len);
	out[len] = '\0';
	for (; *out; out++) {
		if ((unsigned char)*out <= ' ' || *out == '<' ||
		    *out == 0x7f) {
			*err = "501 5.1.7 Bad character in address";
			return -1;
		}
	}
	*rest = close + 1;
	return 0;
}

int lmtp_parse_mail(const char *arg, struct lmtp_mail *m, const char **err)
{
	const char *p;
	char param[64];
	char *end;
	size_t len;

	memset(m, 0, sizeof(*m));
	if (lmtp_path(arg, "FROM", m->from, &p, err) < 0)
		return -1;
	while (*p) {
		if (*p != ' ') {
			*err = "501 5.5.4 Syntax error in parameters";
			return -1;
		}
		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (!len)
			break;
		if (len >= sizeof(param)) {
			*err = "501 5.5.4 Parameter too long";
			return -1;
		}
		memcpy(param, p, len);
		param[len] = '\0';
		p += len;
		if (!strncasecmp(param, "SIZE=", 5)) {
			if (!isdigit((unsigned char)param[5])) {
				*err = "501 5.5.4 Bad SIZE parameter";
				return -1;
			}
			errno = 0;
			m->size = strtoull(param + 5, &end, 10);
			if (errno || *end) {
				*err = "501 5.5.4 Bad SIZE parameter";
				return -1;
			}
		} else if (!strcasecmp(param, "BODY=8BITMIME")) {
			m->eightbit = true;
		} else if (!strcasecmp(param, "BODY=7BIT")) {
			m->eightbit = false;
		} else {
			*err = "555 5.5.4 Unsupported MAIL FROM parameter";
			return -1;
		}
	}
	return 0;
}

int lmtp_parse_rcpt(const char *arg, struct lmtp_rcpt *r, const char **err)
{
	const char *rest, *at, *plus;
	size_t llen;

	memset(r, 0, sizeof(*r));
	if (lmtp_path(arg, "TO", r->addr, &rest, err) < 0)
		return -1;
	while (*rest == ' ')
		rest++;
	if (*rest) {
		*err = "555 5.5.4 Unsupported RCPT TO parameter";
		return -1;
	}
	if (!r->addr[0]) {
		*err = "501 5.1.3 Empty recipient address";
		return -1;
	}
	at = strrchr(r->addr, '@');
	llen = at ? (size_t)(at - r->addr) : strlen(r->addr);
	if (at)
		strcpy(r->domain, at + 1);
	plus = memchr(r->addr, '+', llen);
	if (plus) {
		memcpy(r->detail, plus + 1, llen - (size_t)(plus - r->addr) - 1);
		llen = (size_t)(plus - r->addr);
	}
	memcpy(r->user, r->addr, llen);
	r->user[llen] = '\0';
	if (!r->user[0]) {
		*err = "501 5.1.3 Bad recipient address";
		return -1;
	}
	return 0;
}
