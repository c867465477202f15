/* SPDX-License-Identifier: GPL-2.0 */
/* POP3 command parsing (RFC 1939, RFC 2449), without I/O. */
#ifndef SLOTD_POP3_PARSE_H
#define SLOTD_POP3_PARSE_H

#include <stddef.h>

enum pop3_verb {
	POP3_UNKNOWN,
	POP3_USER,
	POP3_PASS,
	POP3_AUTH,
	POP3_STLS,
	POP3_CAPA,
	POP3_QUIT,
	POP3_STAT,
	POP3_LIST,
	POP3_RETR,
	POP3_DELE,
	POP3_NOOP,
	POP3_RSET,
	POP3_TOP,
	POP3_UIDL,
	POP3_APOP,
};

#define POP3_ARGS_MAX 2

struct pop3_cmd {
	enum pop3_verb verb;
	const char *name;
	int argc;
	char *argv[POP3_ARGS_MAX];
	char *rest;		/* everything after the verb (PASS) */
};

/*
 * Split a line in place. Returns 0, or -1 when the arguments are wrong
 * for the verb (count, empty); verb UNKNOWN is not an error here.
 */
int pop3_parse_cmd(char *line, struct pop3_cmd *cmd);
/* A message number 1..max; -1 if not a plain decimal in range. */
int pop3_parse_num(const char *s, unsigned long max, unsigned long *out);

#endif
