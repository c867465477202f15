/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LMTP command parsing (RFC 2033, RFC 5321 syntax), without I/O.
 */
#ifndef SLOTD_LMTP_PARSE_H
#define SLOTD_LMTP_PARSE_H

#include <stdbool.h>
#include <stdint.h>

enum lmtp_verb {
	LMTP_UNKNOWN,
	LMTP_LHLO,
	LMTP_MAIL,
	LMTP_RCPT,
	LMTP_DATA,
	LMTP_RSET,
	LMTP_NOOP,
	LMTP_QUIT,
	LMTP_VRFY,
	LMTP_STARTTLS,
	LMTP_HELO,	/* HELO/EHLO: SMTP, not LMTP */
};

struct lmtp_cmd {
	enum lmtp_verb verb;
	const char *name;	/* the verb as a table string */
	char *arg;		/* the rest, trimmed, "" if none */
};

#define LMTP_ADDR_MAX	256

struct lmtp_mail {
	char from[LMTP_ADDR_MAX + 1];	/* "" for the null sender <> */
	uint64_t size;			/* SIZE=, 0 if not given */
	bool eightbit;			/* BODY=8BITMIME */
};

struct lmtp_rcpt {
	char addr[LMTP_ADDR_MAX + 1];	/* as given, without <> */
	char user[LMTP_ADDR_MAX + 1];	/* local part without +detail */
	char detail[LMTP_ADDR_MAX + 1];	/* "" if none */
	char domain[LMTP_ADDR_MAX + 1];	/* "" if none */
};

/* Split a command line in place (line stays owned by the caller). */
void lmtp_parse_cmd(char *line, struct lmtp_cmd *cmd);
/*
 * "FROM:<addr> [SIZE=n] [BODY=7BIT|8BITMIME]". Returns 0, or -1 with
 * *err set to a full reply ("501 5.5.4 ...").
 */
int lmtp_parse_mail(const char *arg, struct lmtp_mail *m, const char **err);
/* "TO:<local[+detail][@domain]>". Same convention. */
int lmtp_parse_rcpt(const char *arg, struct lmtp_rcpt *r, const char **err);

#endif
