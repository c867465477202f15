// SPDX-License-Identifier: GPL-2.0
/* POP3 command parsing: see pop3_parse.h. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "proto/pop3_parse.h"

/* Each verb with how many arguments it takes. */
static const struct {
	const char *name;
	enum pop3_verb verb;
	int min, max;
} pop3_verbs[] = {
	{ "USER", POP3_USER, 1, 1 },
	{ "PASS", POP3_PASS, 1, 1 },	/* the rest of the line */
	{ "AUTH", POP3_AUTH, 0, 2 },
	{ "STLS", POP3_STLS, 0, 0 },
	{ "CAPA", POP3_CAPA, 0, 0 },
	{ "QUIT", POP3_QUIT, 0, 0 },
	{ "STAT", POP3_STAT, 0, 0 },
	{ "LIST", POP3_LIST, 0, 1 },
	{ "RETR", POP3_RETR, 1, 1 },
	{ "DELE", POP3_DELE, 1, 1 },
	{ "NOOP", POP3_NOOP, 0, 0 },
	{ "RSET", POP3_RSET, 0, 0 },
	{ "TOP", POP3_TOP, 2, 2 },
	{ "UIDL", POP3_UIDL, 0, 1 },
	{ "APOP", POP3_APOP, 2, 2 },
};

int pop3_parse_cmd(char *line, struct pop3_cmd *cmd)
{
	char *p = line;
	size_t len, i;
	int min = 0, max = 0;

	memset(cmd, 0, sizeof(*cmd));
	cmd->verb = POP3_UNKNOWN;
	cmd->name = "?";
	len = strcspn(p, " ");
	for (i = 0; i < sizeof(pop3_verbs) / sizeof(pop3_verbs[0]); i++) {
		if (strlen(pop3_verbs[i].name) == len &&
		    !strncasecmp(p, pop3_verbs[i].name, len)) {
			cmd->verb = pop3_verbs[i].verb;
			cmd->name = pop3_verbs[i].name;
			min = pop3_verbs[i].min;
			max = pop3_verbs[i].max;
			break;
		}
	}
	if (cmd->verb == POP3_UNKNOWN)
		return 0;
	p += len;
	if (*p == ' ')
		p++;
	cmd->rest = p;
	if (cmd->verb == POP3_PASS) {
		/* Passwords may hold spaces (RFC 1939 section 13). */
		if (!*p)
			return -1;
		cmd->argv[cmd->argc++] = p;
		return 0;
	}
	while (*p) {
		if (*p == ' ')
			return -1;	/* empty argument */
		if (cmd->argc == max)
			return -1;
		cmd->argv[cmd->argc++] = p;
		len = strcspn(p, " ");
		p += len;
		if (*p)
			*p++ = '\0';	/* a trailing space is tolerated */
	}
	return cmd->argc < min ? -1 : 0;
}

int pop3_parse_num(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long n = 0;

	if (!*s || strlen(s) > 10)
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		n = n * 10 + (unsigned long)(*s - '0');
	}
	if (n < 1 || n > max)
		return -1;
	*out = n;
	return 0;
}
