// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for twinhb.conf, in the spirit of drbd.conf and keepalived.conf:
 *
 *	interval 200ms;
 *	node node1 { address 10.77.0.11, 192.168.5.11; }
 *	group g1 { preferred node1; resource r0; vip 10.77.0.100/24 dev eth0; }
 *
 * A statement is a keyword, its words and a ';' or a '{ ... }' block.
 * '#' starts a comment. Every error names the file, the line and what is
 * wrong, and the configuration is accepted only when all of it is valid.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "conf.h"

#define CONF_FILE_MAX		(1 << 20)
#define CONF_WORDS_MAX		16	/* words in one statement */
#define CONF_WORD_MAX		HB_SECRET_MAX

enum conf_tok {
	TOK_EOF,
	TOK_WORD,
	TOK_SEMI,
	TOK_COMMA,
	TOK_OPEN,
	TOK_CLOSE,
	TOK_ERROR,
};

struct conf_parser {
	const char *file;
	const char *p;
	int line;
	struct hb_config *cfg;
	char *err;
	size_t errlen;
	int failed;
	/* the current statement */
	int stmt_line;
	int nwords;
	char words[CONF_WORDS_MAX][CONF_WORD_MAX];
	bool comma_after[CONF_WORDS_MAX];
	enum conf_tok end;		/* TOK_SEMI or TOK_OPEN */
};

static int conf_error(struct conf_parser *cp, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int conf_error(struct conf_parser *cp, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (cp->failed)
		return -1;
	cp->failed = 1;
	n = snprintf(cp->err, cp->errlen, "%s:%d: ", cp->file, line);
	if (n < 0 || (size_t)n >= cp->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(cp->err + n, cp->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- tokens ---- */

static void conf_skip_space(struct conf_parser *cp)
{
	for (;;) {
		if (*cp->p == '\n') {
			cp->line++;
			cp->p++;
		} else if (isspace((unsigned char)*cp->p)) {
			cp->p++;
		} else if (*cp->p == '#') {
			while (*cp->p && *cp->p != '\n')
				cp->p++;
		} else {
			return;
		}
	}
}

static enum conf_tok conf_quoted(struct conf_parser *cp, char *out)
{
	size_t n = 0;
	int line = cp->line;

	cp->p++;
	while (*cp->p != '"') {
		char c = *cp->p;

		if (!c || c == '\n') {
			conf_error(cp, line, "unterminated quoted string");
			return TOK_ERROR;
		}
		if (c == '\\') {
			c = *++cp->p;
			if (c != '"' && c != '\\') {
				conf_error(cp, line,
					   "unknown escape \\%c in string", c);
				return TOK_ERROR;
			}
		}
		if (n + 1 >= CONF_WORD_MAX) {
			conf_error(cp, line, "string longer than %d bytes",
				   CONF_WORD_MAX - 1);
			return TOK_ERROR;
		}
		out[n++] = c;
		cp->p++;
	}
	cp->p++;
	out[n] = '\0';
	return TOK_WORD;
}

/* Next token; a word is copied to @out (CONF_WORD_MAX bytes). */
static enum conf_tok conf_token(struct conf_parser *cp, char *out)
{
	size_t n = 0;

	conf_skip_space(cp);
	switch (*cp->p) {
	case '\0':
		return TOK_EOF;
	case ';':
		cp->p++;
		return TOK_SEMI;
	case ',':
		cp->p++;
		return TOK_COMMA;
	case '{':
		cp->p++;
		return TOK_OPEN;
	case '}':
		cp->p++;
		return TOK_CLOSE;
	case '"':
		return conf_quoted(cp, out);
	}
	while (*cp->p && !isspace((unsigned char)*cp->p) &&
	       !strchr(";,{}\"#", *cp->p)) {
		if (n + 1 >= CONF_WORD_MAX) {
			conf_error(cp, cp->line, "word longer than %d bytes",
				   CONF_WORD_MAX - 1);
			return TOK_ERROR;
		}
		out[n++] = *cp->p++;
	}
	out[n] = '\0';
	return TOK_WORD;
}

/*
 * Read one statement into cp->words. Returns 1 with a statement, 0 at the
 * end of the block (a '}' when @in_block, end of file otherwise), -1 on error.
 */
static int conf_statement(struct conf_parser *cp, bool in_block)
{
	char word[CONF_WORD_MAX];
	enum conf_tok t;
	int word_line = 0;

	cp->nwords = 0;
	for (;;) {
		int line;

		t = conf_token(cp, word);
		line = cp->line;
		if (cp->nwords == 0)
			cp->stmt_line = cp->line;
		switch (t) {
		case TOK_ERROR:
			return -1;
		case TOK_EOF:
			if (cp->nwords)
				return conf_error(cp, line,
						  "missing ';' after '%s'",
						  cp->words[0]);
			if (in_block)
				return conf_error(cp, line,
						  "missing '}' at end of file");
			return 0;
		case TOK_CLOSE:
			if (cp->nwords)
				return conf_error(cp, line,
						  "missing ';' after '%s'",
						  cp->words[0]);
			if (!in_block)
				return conf_error(cp, line, "unexpected '}'");
			return 0;
		case TOK_SEMI:
		case TOK_OPEN:
			if (!cp->nwords)
				return conf_error(cp, line, "expected a keyword, not '%c'",
						  t == TOK_SEMI ? ';' : '{');
			cp->end = t;
			return 1;
		case TOK_COMMA:
			if (!cp->nwords || cp->comma_after[cp->nwords - 1])
				return conf_error(cp, line, "unexpected ','");
			cp->comma_after[cp->nwords - 1] = true;
			break;
		case TOK_WORD:
			/* words continue on a new line only after a ',' */
			if (cp->nwords && line != word_line &&
			    !cp->comma_after[cp->nwords - 1])
				return conf_error(cp, cp->stmt_line,
						  "missing ';' after '%s'",
						  cp->words[0]);
			word_line = line;
			if (cp->nwords == CONF_WORDS_MAX)
				return conf_error(cp, line,
						  "more than %d words in a statement",
						  CONF_WORDS_MAX);
			strcpy(cp->words[cp->nwords], word);
			cp->comma_after[cp->nwords] = false;
			cp->nwords++;
			break;
		}
	}
}

/* ---- values ---- */

static int conf_want(struct conf_parser *cp, int min, int max,
		     const char *usage)
{
	if (cp->end != TOK_SEMI)
		return conf_error(cp, cp->stmt_line,
				  "'%s' takes no block: use '%s;'",
				  cp->words[0], usage);
	if (cp->nwords - 1 < min || cp->nwords - 1 > max)
		return conf_error(cp, cp->stmt_line, "usage: %s;", usage);
	return 0;
}

static int conf_copy(struct conf_parser *cp, char *dst, size_t size,
		     const char *src, const char *what)
{
	if (strlen(src) >= size)
		return conf_error(cp, cp->stmt_line,
				  "%s '%.40s...' is longer than %zu bytes",
				  what, src, size - 1);
	strcpy(dst, src);
	return 0;
}

static int conf_name(struct conf_parser *cp, char *dst, const char *src,
		     const char *what)
{
	const char *s;

	for (s = src; *s; s++) {
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return conf_error(cp, cp->stmt_line,
					  "%s name '%s' may only contain letters, digits, '-', '_' and '.'",
					  what, src);
	}
	return conf_copy(cp, dst, HB_NAME_MAX, src, what);
}

/* "200ms", "2s", "1m" into milliseconds. */
static int conf_duration(struct conf_parser *cp, const char *s, int min_ms,
			 int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || errno || v < 0)
		return conf_error(cp, cp->stmt_line,
				  "'%s' is not a duration (examples: 200ms, 2s)", s);
	if (!strcmp(end, "ms"))
		;
	else if (!strcmp(end, "s"))
		v *= 1000;
	else if (!strcmp(end, "m"))
		v *= 60000;
	else if (!*end)
		return conf_error(cp, cp->stmt_line,
				  "duration '%s' needs a unit: ms, s or m", s);
	else
		return conf_error(cp, cp->stmt_line,
				  "unknown unit '%s' in '%s' (use ms, s or m)",
				  end, s);
	if (v < min_ms || v > 3600000)
		return conf_error(cp, cp->stmt_line,
				  "%s: '%s' is out of range (%dms to 1h)",
				  cp->words[0], s, min_ms);
	*out = (int)v;
	return 0;
}

static int conf_port(struct conf_parser *cp, const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 1 || v > 65535)
		return conf_error(cp, cp->stmt_line,
				  "'%s' is not a port number (1-65535)", s);
	*out = (int)v;
	return 0;
}

/*
 * An address with an optional port: 10.0.0.1, 10.0.0.1:7796, fd00::1,
 * [fd00::1]:7796. Port 0 means the global port, filled in later.
 */
static int conf_sockaddr(struct conf_parser *cp, const char *s,
			 struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	const char *port = NULL;
	int portnum = 0;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || (close[1] && close[1] != ':'))
			return conf_error(cp, cp->stmt_line,
					  "bad address '%s' (use [IPv6]:port)", s);
		hl = close - s - 1;
		if (hl >= sizeof(host))
			return conf_error(cp, cp->stmt_line,
					  "bad address '%s'", s);
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
		if (close[1] == ':')
			port = close + 2;
	} else if (colon && strchr(s, ':') == colon) {
		hl = colon - s;
		if (hl >= sizeof(host))
			return conf_error(cp, cp->stmt_line,
					  "bad address '%s'", s);
		memcpy(host, s, hl);
		host[hl] = '\0';
		port = colon + 1;
	} else {
		if (strlen(s) >= sizeof(host))
			return conf_error(cp, cp->stmt_line,
					  "bad address '%s'", s);
		strcpy(host, s);
	}
	if (port && conf_port(cp, port, &portnum))
		return -1;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(portnum);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(portnum);
		*len = sizeof(*sin6);
		return 0;
	}
	return conf_error(cp, cp->stmt_line,
			  "'%s' is not an IPv4 or IPv6 address", host);
}

/* ---- blocks ---- */

static int conf_member_block(struct conf_parser *cp, enum hb_role role)
{
	struct hb_config *cfg = cp->cfg;
	const char *kind = role == HB_ROLE_NODE ? "node" : "witness";
	struct hb_member *m;
	int r, i, nodes = 0;

	if (cp->nwords != 2 || cp->end != TOK_OPEN)
		return conf_error(cp, cp->stmt_line,
				  "usage: %s NAME { address ADDR[, ADDR]...; }",
				  kind);
	for (i = 0; i < cfg->nmembers; i++)
		nodes += cfg->members[i].role == HB_ROLE_NODE;
	if (role == HB_ROLE_NODE && nodes == HB_MAX_NODES)
		return conf_error(cp, cp->stmt_line,
				  "more than %d nodes: twinhb manages one pair of storage nodes",
				  HB_MAX_NODES);
	if (role == HB_ROLE_WITNESS &&
	    cfg->nmembers - nodes == HB_MAX_WITNESSES)
		return conf_error(cp, cp->stmt_line,
				  "more than %d witnesses", HB_MAX_WITNESSES);
	if (conf_member(cfg, cp->words[1]) >= 0)
		return conf_error(cp, cp->stmt_line,
				  "%s '%s' is defined twice", kind, cp->words[1]);
	m = &cfg->members[cfg->nmembers];
	if (conf_name(cp, m->name, cp->words[1], kind))
		return -1;
	m->role = role;
	cfg->nmembers++;

	while ((r = conf_statement(cp, true)) > 0) {
		if (strcmp(cp->words[0], "address"))
			return conf_error(cp, cp->stmt_line,
					  "unknown keyword '%s' in %s %s (expected 'address')",
					  cp->words[0], kind, m->name);
		if (cp->end != TOK_SEMI || cp->nwords < 2)
			return conf_error(cp, cp->stmt_line,
					  "usage: address ADDR[:PORT][, ADDR[:PORT]]...;");
		if (m->naddrs)
			return conf_error(cp, cp->stmt_line,
					  "%s %s has two 'address' lines: list all paths in one",
					  kind, m->name);
		if (cp->nwords - 1 > HB_MAX_PATHS)
			return conf_error(cp, cp->stmt_line,
					  "more than %d heartbeat paths", HB_MAX_PATHS);
		for (i = 1; i < cp->nwords; i++) {
			if (i < cp->nwords - 1 && !cp->comma_after[i])
				return conf_error(cp, cp->stmt_line,
						  "separate addresses with ','");
			if (conf_sockaddr(cp, cp->words[i], &m->addr[i - 1],
					  &m->addrlen[i - 1]))
				return -1;
		}
		m->naddrs = cp->nwords - 1;
	}
	if (r < 0)
		return -1;
	if (!m->naddrs)
		return conf_error(cp, cp->stmt_line, "%s %s has no address",
				  kind, m->name);
	return 0;
}

static int conf_vip(struct conf_parser *cp, struct hb_group *g)
{
	char addr[INET_ADDRSTRLEN + 4];
	char *slash, *end;
	long prefix;

	if (conf_want(cp, 3, 3, "vip ADDRESS/PREFIX dev IFNAME"))
		return -1;
	if (strcmp(cp->words[2], "dev"))
		return conf_error(cp, cp->stmt_line,
				  "usage: vip ADDRESS/PREFIX dev IFNAME;");
	if (strlen(cp->words[1]) >= sizeof(addr))
		return conf_error(cp, cp->stmt_line, "bad vip '%s'",
				  cp->words[1]);
	strcpy(addr, cp->words[1]);
	if (strchr(addr, ':'))
		return conf_error(cp, cp->stmt_line,
				  "vip '%s' is not an IPv4 address (IPv6 virtual addresses are not supported yet)",
				  addr);
	slash = strchr(addr, '/');
	if (!slash)
		return conf_error(cp, cp->stmt_line,
				  "vip '%s' needs a prefix length, e.g. /24",
				  cp->words[1]);
	*slash = '\0';
	prefix = strtol(slash + 1, &end, 10);
	if (end == slash + 1 || *end || prefix < 1 || prefix > 32)
		return conf_error(cp, cp->stmt_line,
				  "bad prefix length in vip '%s' (1-32)",
				  cp->words[1]);
	if (inet_pton(AF_INET, addr, &g->vip.addr) != 1)
		return conf_error(cp, cp->stmt_line,
				  "vip '%s' is not an IPv4 address (IPv6 virtual addresses are not supported yet)",
				  addr);
	if (strlen(cp->words[3]) >= IF_NAMESIZE)
		return conf_error(cp, cp->stmt_line,
				  "interface name '%s' is too long", cp->words[3]);
	if (g->has_vip)
		return conf_error(cp, cp->stmt_line,
				  "group %s has two 'vip' lines", g->name);
	g->vip.prefix = (int)prefix;
	strcpy(g->vip.dev, cp->words[3]);
	g->has_vip = true;
	return 0;
}

static int conf_group_stmt(struct conf_parser *cp, struct hb_group *g,
			   char *preferred)
{
	const char *k = cp->words[0];

	if (!strcmp(k, "preferred")) {
		if (conf_want(cp, 1, 1, "preferred NODE"))
			return -1;
		return conf_copy(cp, preferred, HB_NAME_MAX, cp->words[1],
				 "node");
	}
	if (!strcmp(k, "resource")) {
		if (conf_want(cp, 1, 1, "resource NAME"))
			return -1;
		if (g->has_resource)
			return conf_error(cp, cp->stmt_line,
					  "group %s has two resources (use one group per twin resource)",
					  g->name);
		g->has_resource = true;
		return conf_name(cp, g->resource, cp->words[1], "resource");
	}
	if (!strcmp(k, "filesystem")) {
		if (conf_want(cp, 3, 3, "filesystem DEVICE MOUNTPOINT TYPE"))
			return -1;
		if (g->has_fs)
			return conf_error(cp, cp->stmt_line,
					  "group %s has two filesystems", g->name);
		if (cp->words[2][0] != '/')
			return conf_error(cp, cp->stmt_line,
					  "mount point '%s' must be an absolute path",
					  cp->words[2]);
		g->has_fs = true;
		return conf_copy(cp, g->fs_dev, HB_PATH_MAX, cp->words[1],
				 "device") ||
		       conf_copy(cp, g->fs_dir, HB_PATH_MAX, cp->words[2],
				 "mount point") ||
		       conf_copy(cp, g->fs_type, HB_NAME_MAX, cp->words[3],
				 "filesystem type");
	}
	if (!strcmp(k, "slot")) {
		if (conf_want(cp, 1, 1, "slot DIRECTORY"))
			return -1;
		if (g->nslots == HB_MAX_SLOTS)
			return conf_error(cp, cp->stmt_line,
					  "more than %d slots in group %s",
					  HB_MAX_SLOTS, g->name);
		if (cp->words[1][0] != '/')
			return conf_error(cp, cp->stmt_line,
					  "slot directory '%s' must be an absolute path",
					  cp->words[1]);
		return conf_copy(cp, g->slots[g->nslots++], HB_PATH_MAX,
				 cp->words[1], "slot directory");
	}
	if (!strcmp(k, "vip"))
		return conf_vip(cp, g);
	return conf_error(cp, cp->stmt_line,
			  "unknown keyword '%s' in group %s (expected preferred, resource, filesystem, slot or vip)",
			  k, g->name);
}

static int conf_group_block(struct conf_parser *cp)
{
	struct hb_config *cfg = cp->cfg;
	char preferred[HB_NAME_MAX] = "";
	struct hb_group *g;
	int r, line = cp->stmt_line;

	if (cp->nwords != 2 || cp->end != TOK_OPEN)
		return conf_error(cp, line, "usage: group NAME { ... }");
	if (cfg->ngroups == HB_MAX_GROUPS)
		return conf_error(cp, line, "more than %d groups",
				  HB_MAX_GROUPS);
	if (conf_group(cfg, cp->words[1]) >= 0)
		return conf_error(cp, line, "group '%s' is defined twice",
				  cp->words[1]);
	g = &cfg->groups[cfg->ngroups++];
	if (conf_name(cp, g->name, cp->words[1], "group"))
		return -1;
	while ((r = conf_statement(cp, true)) > 0) {
		if (conf_group_stmt(cp, g, preferred))
			return -1;
	}
	if (r < 0)
		return -1;
	if (!preferred[0])
		return conf_error(cp, line, "group %s has no 'preferred NODE;'",
				  g->name);
	g->preferred = conf_member(cfg, preferred);
	if (g->preferred < 0 ||
	    cfg->members[g->preferred].role != HB_ROLE_NODE)
		return conf_error(cp, line,
				  "group %s: preferred '%s' is not a node defined above",
				  g->name, preferred);
	if (!g->has_resource && !g->has_fs && !g->nslots && !g->has_vip)
		return conf_error(cp, line, "group %s is empty", g->name);
	return 0;
}

static int conf_command(struct conf_parser *cp, struct hb_cmd *cmd)
{
	int i;

	if (cp->end != TOK_SEMI || cp->nwords < 2)
		return conf_error(cp, cp->stmt_line,
				  "usage: %s PATH [ARG]...;", cp->words[0]);
	if (cp->nwords - 1 > HB_MAX_ARGS)
		return conf_error(cp, cp->stmt_line,
				  "more than %d words in command %s",
				  HB_MAX_ARGS, cp->words[0]);
	if (cp->words[1][0] != '/')
		return conf_error(cp, cp->stmt_line,
				  "command %s: '%s' must be an absolute path",
				  cp->words[0], cp->words[1]);
	for (i = 1; i < cp->nwords; i++) {
		if (conf_copy(cp, cmd->argv[i - 1], HB_PATH_MAX, cp->words[i],
			      "argument"))
			return -1;
	}
	cmd->argc = cp->nwords - 1;
	return 0;
}

static int conf_commands_block(struct conf_parser *cp)
{
	struct hb_config *cfg = cp->cfg;
	static const char *const names[] = {
		"twinadm", "fsck", "mount", "umount", "slotd",
	};
	struct hb_cmd *cmds[] = {
		&cfg->twinadm, &cfg->fsck, &cfg->mount, &cfg->umount,
		&cfg->slotd,
	};
	unsigned int i;
	int r;

	if (cp->nwords != 1 || cp->end != TOK_OPEN)
		return conf_error(cp, cp->stmt_line, "usage: commands { ... }");
	while ((r = conf_statement(cp, true)) > 0) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (!strcmp(cp->words[0], names[i]))
				break;
		}
		if (i == sizeof(names) / sizeof(names[0]))
			return conf_error(cp, cp->stmt_line,
					  "unknown command '%s' (expected twinadm, fsck, mount, umount or slotd)",
					  cp->words[0]);
		if (conf_command(cp, cmds[i]))
			return -1;
	}
	return r;
}

/* ---- top level ---- */

static int conf_global(struct conf_parser *cp)
{
	struct hb_config *cfg = cp->cfg;
	const char *k = cp->words[0];
	static const struct {
		const char *key;
		size_t off;
		int min_ms;
	} durations[] = {
		{ "interval", offsetof(struct hb_config, interval_ms), 10 },
		{ "deadtime", offsetof(struct hb_config, deadtime_ms), 20 },
		{ "takeover-delay",
		  offsetof(struct hb_config, takeover_delay_ms), 0 },
		{ "max-clock-skew", offsetof(struct hb_config, max_skew_ms),
		  100 },
		{ "step-timeout", offsetof(struct hb_config, step_timeout_ms),
		  100 },
		{ "stop-timeout", offsetof(struct hb_config, stop_timeout_ms),
		  100 },
		{ "fence-timeout", offsetof(struct hb_config, fence_timeout_ms),
		  100 },
		{ "status-interval",
		  offsetof(struct hb_config, status_interval_ms), 100 },
	};
	unsigned int i;

	if (!strcmp(k, "node"))
		return conf_member_block(cp, HB_ROLE_NODE);
	if (!strcmp(k, "witness"))
		return conf_member_block(cp, HB_ROLE_WITNESS);
	if (!strcmp(k, "group"))
		return conf_group_block(cp);
	if (!strcmp(k, "commands"))
		return conf_commands_block(cp);
	if (!strcmp(k, "port"))
		return conf_want(cp, 1, 1, "port NUMBER") ||
		       conf_port(cp, cp->words[1], &cfg->port);
	if (!strcmp(k, "shared-secret")) {
		size_t n;

		if (conf_want(cp, 1, 1, "shared-secret \"SECRET\""))
			return -1;
		n = strlen(cp->words[1]);
		if (n < HB_SECRET_MIN)
			return conf_error(cp, cp->stmt_line,
					  "shared-secret is shorter than %d characters",
					  HB_SECRET_MIN);
		memcpy(cfg->secret, cp->words[1], n);
		cfg->secret_len = n;
		return 0;
	}
	if (!strcmp(k, "fence-action")) {
		if (conf_want(cp, 1, 1, "fence-action reboot|none"))
			return -1;
		if (strcmp(cp->words[1], "reboot") &&
		    strcmp(cp->words[1], "none"))
			return conf_error(cp, cp->stmt_line,
					  "fence-action is reboot or none, not '%s'",
					  cp->words[1]);
		cfg->fence_reboot = !strcmp(cp->words[1], "reboot");
		return 0;
	}
	if (!strcmp(k, "hook"))
		return conf_want(cp, 1, 1, "hook PATH") ||
		       conf_copy(cp, cfg->hook, HB_PATH_MAX, cp->words[1],
				 "hook");
	for (i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		if (strcmp(k, durations[i].key))
			continue;
		if (conf_want(cp, 1, 1, "KEY DURATION"))
			return -1;
		return conf_duration(cp, cp->words[1], durations[i].min_ms,
				     (int *)((char *)cfg + durations[i].off));
	}
	return conf_error(cp, cp->stmt_line, "unknown keyword '%s'", k);
}

static void conf_default_cmd(struct hb_cmd *cmd, const char *a0,
			     const char *a1)
{
	if (cmd->argc)
		return;
	strcpy(cmd->argv[cmd->argc++], a0);
	if (a1)
		strcpy(cmd->argv[cmd->argc++], a1);
}

static void conf_fingerprint(struct hb_config *cfg)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int i;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		abort();
	for (i = 0; i < cfg->nmembers; i++) {
		EVP_DigestUpdate(ctx, cfg->members[i].name,
			      strlen(cfg->members[i].name) + 1);
		EVP_DigestUpdate(ctx, &cfg->members[i].role, 1);
	}
	for (i = 0; i < cfg->ngroups; i++) {
		const struct hb_group *g = &cfg->groups[i];

		EVP_DigestUpdate(ctx, g->name, strlen(g->name) + 1);
		EVP_DigestUpdate(ctx, g->resource, strlen(g->resource) + 1);
		EVP_DigestUpdate(ctx, &g->preferred, sizeof(g->preferred));
	}
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	cfg->fingerprint = (uint32_t)md[0] << 24 | md[1] << 16 |
			   md[2] << 8 | md[3];
}

/* Checks that need the whole file, then defaults. */
static int conf_finish(struct conf_parser *cp)
{
	struct hb_config *cfg = cp->cfg;
	int i, j, nodes = 0;

	for (i = 0; i < cfg->nmembers; i++)
		nodes += cfg->members[i].role == HB_ROLE_NODE;
	if (nodes != HB_MAX_NODES)
		return conf_error(cp, cp->line,
				  "%d node(s) defined, twinhb needs exactly 2 storage nodes",
				  nodes);
	if (!cfg->secret_len)
		return conf_error(cp, cp->line,
				  "no shared-secret: heartbeats must be authenticated");
	if (!cfg->interval_ms)
		cfg->interval_ms = 200;
	if (!cfg->deadtime_ms)
		cfg->deadtime_ms = 2000;
	if (cfg->deadtime_ms < 2 * cfg->interval_ms)
		return conf_error(cp, cp->line,
				  "deadtime (%dms) must be at least twice the interval (%dms)",
				  cfg->deadtime_ms, cfg->interval_ms);
	if (!cfg->fence_timeout_ms)
		cfg->fence_timeout_ms = 3000;
	/*
	 * A node that lost quorum has fence-timeout to stop being Primary;
	 * the survivor waits that long, plus a heartbeat or two of slack
	 * for the two sides noticing the partition at slightly different
	 * moments, before it promotes.
	 */
	if (cfg->takeover_delay_ms < 0)
		cfg->takeover_delay_ms = cfg->fence_timeout_ms +
					 2 * cfg->interval_ms;
	if (!cfg->port)
		cfg->port = HB_PORT_DEFAULT;
	if (!cfg->max_skew_ms)
		cfg->max_skew_ms = 60000;
	if (!cfg->step_timeout_ms)
		cfg->step_timeout_ms = 120000;
	if (!cfg->stop_timeout_ms)
		cfg->stop_timeout_ms = 60000;
	if (!cfg->status_interval_ms)
		cfg->status_interval_ms = 2000;
	for (i = 0; i < cfg->nmembers; i++) {
		struct hb_member *m = &cfg->members[i];

		for (j = 0; j < m->naddrs; j++) {
			struct sockaddr_in *sin = (void *)&m->addr[j];

			/* same offset for sin6_port */
			if (!sin->sin_port)
				sin->sin_port = htons(cfg->port);
		}
	}
	conf_default_cmd(&cfg->twinadm, "/usr/sbin/twinadm", NULL);
	conf_default_cmd(&cfg->fsck, "/sbin/fsck", NULL);
	conf_default_cmd(&cfg->mount, "/bin/mount", NULL);
	conf_default_cmd(&cfg->umount, "/bin/umount", NULL);
	conf_default_cmd(&cfg->slotd, "/usr/sbin/slotd", "-f");
	conf_fingerprint(cfg);
	return 0;
}

int conf_parse_string(const char *file, const char *text,
		      struct hb_config *cfg, char *err, size_t errlen)
{
	struct conf_parser *cp;
	int r;

	cp = calloc(1, sizeof(*cp));
	if (!cp) {
		snprintf(err, errlen, "%s: out of memory", file);
		return -1;
	}
	memset(cfg, 0, sizeof(*cfg));
	cfg->takeover_delay_ms = -1;	/* default depends on deadtime */
	snprintf(cfg->file, sizeof(cfg->file), "%s", file);
	cp->file = file;
	cp->p = text;
	cp->line = 1;
	cp->cfg = cfg;
	cp->err = err;
	cp->errlen = errlen;
	while ((r = conf_statement(cp, false)) > 0) {
		if (conf_global(cp))
			break;
	}
	if (!cp->failed)
		conf_finish(cp);
	r = cp->failed ? -1 : 0;
	free(cp);
	return r;
}

int conf_parse_file(const char *file, struct hb_config *cfg, char *err,
		    size_t errlen)
{
	FILE *f = fopen(file, "r");
	char *text;
	size_t n;
	int r;

	if (!f) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	text = malloc(CONF_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", file);
		return -1;
	}
	n = fread(text, 1, CONF_FILE_MAX + 1, f);
	if (ferror(f) || n > CONF_FILE_MAX) {
		snprintf(err, errlen, "%s: %s", file,
			 ferror(f) ? strerror(errno) : "larger than 1 MiB");
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	text[n] = '\0';
	if (strlen(text) != n) {
		snprintf(err, errlen, "%s: contains a NUL byte", file);
		free(text);
		return -1;
	}
	r = conf_parse_string(file, text, cfg, err, errlen);
	free(text);
	return r;
}

int conf_member(const struct hb_config *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->nmembers; i++) {
		if (!strcmp(cfg->members[i].name, name))
			return i;
	}
	return -1;
}

int conf_group(const struct hb_config *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->ngroups; i++) {
		if (!strcmp(cfg->groups[i].name, name))
			return i;
	}
	return -1;
}

int conf_peer_of(const struct hb_config *cfg, int node)
{
	int i;

	for (i = 0; i < cfg->nmembers; i++) {
		if (i != node && cfg->members[i].role == HB_ROLE_NODE)
			return i;
	}
	return -1;
}

const char *conf_addr_text(const struct sockaddr_storage *ss, char *buf,
			   size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(s4->sin_port));
	}
	return buf;
}
