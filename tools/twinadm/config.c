// SPDX-License-Identifier: GPL-2.0
/*
 * twinadm configuration parser: see config.h for the syntax.
 *
 * A hand-written lexer feeds a recursive-descent parser driven by one
 * keyword table (cfg_keywords[]); each keyword says in which sections it
 * may appear and which function reads its arguments. Parsing stops at the
 * first error, which always names the file and the line.
 *
 * Values are first collected per level (common, resource, host) into
 * drafts; cfg_finish() then merges the levels and checks the result as a
 * whole (two hosts per resource, unique minors and addresses, ...).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

enum cfg_tok {
	TOK_EOF,
	TOK_WORD,
	TOK_STRING,
	TOK_LBRACE,
	TOK_RBRACE,
	TOK_SEMI,
};

/* Sections a keyword may appear in (bit mask). */
enum {
	IN_COMMON	= 1 << 0,
	IN_RES		= 1 << 1,
	IN_NET		= 1 << 2,
	IN_ON		= 1 << 3,
	IN_DISK		= 1 << 4,	/* disk { } options */
};

/* Device, disk and meta-disk as given at one level (resource or host). */
struct cfg_devs {
	char device[CFG_PATH_MAX];
	unsigned int minor;
	char disk[CFG_PATH_MAX];
	char meta_disk[CFG_PATH_MAX];
	unsigned int meta_index;
};

struct cfg_draft {
	struct cfg_resource res;	/* opts hold the resource level only */
	struct cfg_devs devs;		/* resource level */
	struct cfg_devs host_devs[2];
	bool has_addr[2];
	int nhosts;
};

/* What a keyword handler writes to. */
struct cfg_scope {
	unsigned int where;
	const char *what;		/* "resource r0", "net section"... */
	struct cfg_options *opts;	/* NULL inside 'on' */
	struct cfg_devs *devs;		/* NULL inside common */
	struct cfg_draft *draft;	/* NULL inside common */
	int host;			/* index inside 'on', else -1 */
};

struct cfg_parser {
	struct twin_config *cfg;
	char *err;
	bool failed;

	struct cfg_options common;
	const char *common_file;
	int common_line;
	struct cfg_draft *drafts;
	int ndrafts;

	/* lexer state of the file being read */
	const char *file;
	const char *p, *end;
	int line;
	enum cfg_tok tok;
	int tok_line;
	char text[CFG_TOKEN_MAX + 1];
};

static int cfg_parse_text(struct cfg_parser *ps, const char *file,
			  const char *text, size_t len, int depth);

static int cfg_error(struct cfg_parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cfg_error(struct cfg_parser *ps, int line, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (ps->failed)
		return -1;
	if (line > 0)
		n = snprintf(ps->err, CFG_ERR_MAX, "%s:%d: ", ps->file, line);
	if (n < 0 || n >= CFG_ERR_MAX / 2)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, (size_t)(CFG_ERR_MAX - n), fmt, ap);
	va_end(ap);
	ps->failed = true;
	return -1;
}

/* Remember a "FILE:LINE: warning: ..." for an option that has no effect. */
static void cfg_warn(struct cfg_parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cfg_warn(struct cfg_parser *ps, int line, const char *fmt, ...)
{
	struct twin_config *cfg = ps->cfg;
	char msg[CFG_ERR_MAX];
	va_list ap;
	int n;

	if (cfg->nwarnings == CFG_WARNINGS_MAX)
		return;		/* the first ones say it all */
	n = snprintf(msg, sizeof(msg), "%s:%d: warning: ", ps->file, line);
	if (n < 0 || n >= CFG_ERR_MAX / 2)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	cfg->warnings[cfg->nwarnings] = strdup(msg);
	if (cfg->warnings[cfg->nwarnings])
		cfg->nwarnings++;
}

/* ---------------------------------------------------------------- lexer */

static bool cfg_is_word_char(int c)
{
	return !isspace(c) && c != '{' && c != '}' && c != ';' && c != '"';
}

static int cfg_lex_string(struct cfg_parser *ps)
{
	size_t n = 0;
	int c;

	ps->p++;			/* opening quote */
	for (;;) {
		if (ps->p >= ps->end || *ps->p == '\n')
			return cfg_error(ps, ps->tok_line,
					 "unterminated string");
		c = (unsigned char)*ps->p++;
		if (c == '"')
			break;
		if (c == '\\') {
			if (ps->p >= ps->end || *ps->p == '\n')
				return cfg_error(ps, ps->tok_line,
						 "unterminated string");
			c = (unsigned char)*ps->p++;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c != '\\' && c != '"')
				return cfg_error(ps, ps->line,
						 "unknown escape '\\%c' in string",
						 c);
		} else if (c < 0x20 && c != '\t') {
			return cfg_error(ps, ps->line,
					 "invalid character 0x%02x in string",
					 c);
		}
		if (n >= CFG_TOKEN_MAX)
			return cfg_error(ps, ps->tok_line,
					 "string too long (max %d bytes)",
					 CFG_TOKEN_MAX);
		ps->text[n++] = (char)c;
	}
	ps->text[n] = '\0';
	ps->tok = TOK_STRING;
	return 0;
}

/* Read the next token into ps->tok / ps->text. */
static int cfg_next(struct cfg_parser *ps)
{
	size_t n = 0;
	int c;

	for (;;) {
		while (ps->p < ps->end && isspace((unsigned char)*ps->p)) {
			if (*ps->p == '\n')
				ps->line++;
			ps->p++;
		}
		if (ps->p < ps->end && *ps->p == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
			continue;
		}
		break;
	}
	ps->tok_line = ps->line;
	ps->text[0] = '\0';
	if (ps->p >= ps->end) {
		ps->tok = TOK_EOF;
		strcpy(ps->text, "end of file");
		return 0;
	}
	c = (unsigned char)*ps->p;
	switch (c) {
	case '{':
	case '}':
	case ';':
		ps->tok = c == '{' ? TOK_LBRACE :
			  c == '}' ? TOK_RBRACE : TOK_SEMI;
		ps->text[0] = (char)c;
		ps->text[1] = '\0';
		ps->p++;
		return 0;
	case '"':
		return cfg_lex_string(ps);
	}
	while (ps->p < ps->end && cfg_is_word_char((unsigned char)*ps->p)) {
		c = (unsigned char)*ps->p;
		if (c < 0x20 || c == 0x7f)
			return cfg_error(ps, ps->line,
					 "invalid character 0x%02x", c);
		if (n >= CFG_TOKEN_MAX)
			return cfg_error(ps, ps->line,
					 "word too long (max %d bytes)",
					 CFG_TOKEN_MAX);
		ps->text[n++] = (char)c;
		ps->p++;
	}
	ps->text[n] = '\0';
	ps->tok = TOK_WORD;
	return 0;
}

/* How a token is shown in messages. */
static const char *cfg_tok_desc(struct cfg_parser *ps)
{
	return ps->tok == TOK_EOF ? "end of file" : ps->text;
}

/* Read a value (word or quoted string) for keyword KW. */
static int cfg_value(struct cfg_parser *ps, const char *kw)
{
	if (cfg_next(ps))
		return -1;
	if (ps->tok != TOK_WORD && ps->tok != TOK_STRING)
		return cfg_error(ps, ps->tok_line,
				 "missing value for '%s' (found '%s')", kw,
				 cfg_tok_desc(ps));
	return 0;
}

static int cfg_semi(struct cfg_parser *ps, const char *kw)
{
	if (cfg_next(ps))
		return -1;
	if (ps->tok != TOK_SEMI)
		return cfg_error(ps, ps->tok_line,
				 "expected ';' after '%s' value, found '%s'",
				 kw, cfg_tok_desc(ps));
	return 0;
}

static int cfg_lbrace(struct cfg_parser *ps, const char *what)
{
	if (cfg_next(ps))
		return -1;
	if (ps->tok != TOK_LBRACE)
		return cfg_error(ps, ps->tok_line,
				 "expected '{' after %s, found '%s'", what,
				 cfg_tok_desc(ps));
	return 0;
}

/* --------------------------------------------------------- value parsing */

static bool cfg_parse_u64(const char *s, uint64_t *val, const char **rest)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	*val = v;
	*rest = end;
	return true;
}

static bool cfg_valid_name(const char *s)
{
	if (!*s || strlen(s) > CFG_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

/*
 * Times: a plain number is in the unit DRBD uses for that keyword
 * (seconds or tenths of a second); "ms" and "s" suffixes are explicit.
 */
static int cfg_time(struct cfg_parser *ps, const char *kw, uint32_t unit_ms,
		    uint32_t min_ms, uint32_t max_ms, uint32_t *out)
{
	const char *rest;
	uint64_t v;

	if (*out)
		return cfg_error(ps, ps->tok_line, "'%s' given twice", kw);
	if (cfg_value(ps, kw))
		return -1;
	if (!cfg_parse_u64(ps->text, &v, &rest))
		goto bad;
	if (!strcmp(rest, "ms"))
		unit_ms = 1;
	else if (!strcmp(rest, "s"))
		unit_ms = 1000;
	else if (*rest)
		goto bad;
	if (v > max_ms || v * unit_ms < min_ms || v * unit_ms > max_ms)
		return cfg_error(ps, ps->tok_line,
				 "%s %s out of range (%u ms to %u ms)", kw,
				 ps->text, min_ms, max_ms);
	*out = (uint32_t)(v * unit_ms);
	return cfg_semi(ps, kw);
bad:
	return cfg_error(ps, ps->tok_line,
			 "invalid time '%s' for '%s' (a number, optionally with ms or s)",
			 ps->text, kw);
}

/* Copy the current token, a path, to OUT. */
static int cfg_path_from_text(struct cfg_parser *ps, const char *kw,
			      char *out)
{
	if (strlen(ps->text) >= CFG_PATH_MAX)
		return cfg_error(ps, ps->tok_line,
				 "'%s' path too long (max %d bytes)", kw,
				 CFG_PATH_MAX - 1);
	if (ps->text[0] != '/')
		return cfg_error(ps, ps->tok_line,
				 "'%s' needs an absolute path, not '%s'", kw,
				 ps->text);
	strcpy(out, ps->text);
	return 0;
}

/* ----------------------------------------------------- keyword handlers */

static int cfg_kw_protocol(struct cfg_parser *ps, struct cfg_scope *sc,
			   const char *kw)
{
	if (sc->opts->protocol)
		return cfg_error(ps, ps->tok_line, "'%s' given twice", kw);
	if (cfg_value(ps, kw))
		return -1;
	if (!strcmp(ps->text, "A") || !strcmp(ps->text, "C"))
		sc->opts->protocol = ps->text[0];
	else if (!strcmp(ps->text, "B"))
		return cfg_error(ps, ps->tok_line,
				 "protocol B is not supported (use A or C)");
	else
		return cfg_error(ps, ps->tok_line,
				 "unknown protocol '%s' (use A or C)",
				 ps->text);
	return cfg_semi(ps, kw);
}

static int cfg_kw_secret(struct cfg_parser *ps, struct cfg_scope *sc,
			 const char *kw)
{
	if (sc->opts->has_secret)
		return cfg_error(ps, ps->tok_line, "'%s' given twice", kw);
	if (cfg_value(ps, kw))
		return -1;
	if (!ps->text[0])
		return cfg_error(ps, ps->tok_line, "empty shared-secret");
	if (strlen(ps->text) > CFG_SECRET_MAX)
		return cfg_error(ps, ps->tok_line,
				 "shared-secret too long (max %d bytes)",
				 CFG_SECRET_MAX);
	strcpy(sc->opts->shared_secret, ps->text);
	sc->opts->has_secret = true;
	return cfg_semi(ps, kw);
}

static int cfg_kw_ping_int(struct cfg_parser *ps, struct cfg_scope *sc,
			   const char *kw)
{
	return cfg_time(ps, kw, 1000, TWIN_PING_MS_MIN, TWIN_PING_MS_MAX,
			&sc->opts->ping_int_ms);
}

static int cfg_kw_ping_timeout(struct cfg_parser *ps, struct cfg_scope *sc,
			       const char *kw)
{
	return cfg_time(ps, kw, 100, TWIN_PING_MS_MIN, TWIN_PING_MS_MAX,
			&sc->opts->ping_timeout_ms);
}

static int cfg_kw_connect_int(struct cfg_parser *ps, struct cfg_scope *sc,
			      const char *kw)
{
	return cfg_time(ps, kw, 1000, TWIN_PING_MS_MIN, TWIN_PING_MS_MAX,
			&sc->opts->connect_int_ms);
}

static int cfg_kw_fencing(struct cfg_parser *ps, struct cfg_scope *sc,
			  const char *kw)
{
	if (sc->opts->has_fencing)
		return cfg_error(ps, ps->tok_line, "'%s' given twice", kw);
	if (cfg_value(ps, kw))
		return -1;
	if (!strcmp(ps->text, "resource-only"))
		sc->opts->fencing = TWIN_FENCING_RESOURCE_ONLY;
	else if (!strcmp(ps->text, "none") || !strcmp(ps->text, "dont-care"))
		sc->opts->fencing = TWIN_FENCING_NONE;
	else
		return cfg_error(ps, ps->tok_line,
				 "unknown fencing policy '%s' (use none or resource-only)",
				 ps->text);
	sc->opts->has_fencing = true;
	return cfg_semi(ps, kw);
}

/*
 * Resync rates as DRBD writes them: a plain number is KiB/s, a K, M or G
 * suffix (either case) multiplies by 1, 1024 or 1024 * 1024.
 */
static int cfg_rate(struct cfg_parser *ps, const char *kw, bool *has,
		    uint32_t *out)
{
	const char *rest;
	uint64_t v, mult = 1;

	if (*has)
		return cfg_error(ps, ps->tok_line, "'%s' given twice%s", kw,
				 strcmp(kw, "c-min-rate") ?
				 " (resync-rate is another name for c-max-rate)" :
				 "");
	if (cfg_value(ps, kw))
		return -1;
	if (!cfg_parse_u64(ps->text, &v, &rest))
		goto bad;
	if (!strcmp(rest, "K") || !strcmp(rest, "k"))
		mult = 1;
	else if (!strcmp(rest, "M") || !strcmp(rest, "m"))
		mult = 1024;
	else if (!strcmp(rest, "G") || !strcmp(rest, "g"))
		mult = 1024 * 1024;
	else if (*rest)
		goto bad;
	if (v > CFG_RATE_MAX_KIB || v * mult > CFG_RATE_MAX_KIB)
		return cfg_error(ps, ps->tok_line,
				 "%s %s out of range (0 to 4G)", kw, ps->text);
	*out = (uint32_t)(v * mult);
	*has = true;
	return cfg_semi(ps, kw);
bad:
	return cfg_error(ps, ps->tok_line,
			 "invalid rate '%s' for '%s' (KiB/s, or a number with K, M or G, e.g. 100M)",
			 ps->text, kw);
}

/* c-max-rate and its older name resync-rate; 0 means no cap. */
static int cfg_kw_max_rate(struct cfg_parser *ps, struct cfg_scope *sc,
			   const char *kw)
{
	return cfg_rate(ps, kw, &sc->opts->has_resync_max,
			&sc->opts->resync_max_kib);
}

static int cfg_kw_min_rate(struct cfg_parser *ps, struct cfg_scope *sc,
			   const char *kw)
{
	return cfg_rate(ps, kw, &sc->opts->has_resync_min,
			&sc->opts->resync_min_kib);
}

static int cfg_kw_al_extents(struct cfg_parser *ps, struct cfg_scope *sc,
			     const char *kw)
{
	const char *rest;
	uint64_t v;

	if (sc->opts->has_al_extents)
		return cfg_error(ps, ps->tok_line, "'%s' given twice", kw);
	if (cfg_value(ps, kw))
		return -1;
	/* the module keeps the whole log in one 4 KiB block */
	if (!cfg_parse_u64(ps->text, &v, &rest) || *rest ||
	    v < TWIN_AL_MIN_EXTENTS || v > TWIN_AL_MAX_EXTENTS)
		return cfg_error(ps, ps->tok_line,
				 "invalid al-extents '%s' (a number from %d to %d)",
				 ps->text, TWIN_AL_MIN_EXTENTS,
				 TWIN_AL_MAX_EXTENTS);
	sc->opts->al_extents = (uint32_t)v;
	sc->opts->has_al_extents = true;
	return cfg_semi(ps, kw);
}

/*
 * DRBD's dynamic resync controller knobs. Twin's controller only knows a
 * cap and a floor, so these are read (old configs keep working) and the
 * operator is told they do nothing.
 */
static int cfg_kw_ignored(struct cfg_parser *ps, struct cfg_scope *sc,
			  const char *kw)
{
	int line = ps->tok_line;

	(void)sc;
	if (cfg_value(ps, kw))
		return -1;
	cfg_warn(ps, line,
		 "'%s' is ignored: twin's resync controller only uses c-max-rate and c-min-rate",
		 kw);
	return cfg_semi(ps, kw);
}

static const char *const cfg_after_sb_names[] = TWIN_AFTER_SB_NAMES;

/* after-sb-0pri, -1pri, -2pri: the policies twin implements for each. */
static int cfg_after_sb(struct cfg_parser *ps, const char *kw,
			const uint32_t *allowed, size_t n, const char *hint,
			bool *has, uint32_t *out)
{
	size_t i;

	if (*has)
		return cfg_error(ps, ps->tok_line, "'%s' given twice", kw);
	if (cfg_value(ps, kw))
		return -1;
	for (i = 0; i < n; i++) {
		if (!strcmp(ps->text, cfg_after_sb_names[allowed[i]])) {
			*out = allowed[i];
			*has = true;
			return cfg_semi(ps, kw);
		}
	}
	return cfg_error(ps, ps->tok_line,
			 "%s policy '%s' is not supported by twin (use %s)",
			 kw, ps->text, hint);
}

static int cfg_kw_after_sb_0pri(struct cfg_parser *ps, struct cfg_scope *sc,
				const char *kw)
{
	static const uint32_t ok[] = {
		TWIN_AFTER_SB_DISCONNECT,
		TWIN_AFTER_SB_DISCARD_ZERO_CHANGES,
		TWIN_AFTER_SB_DISCARD_LEAST_CHANGES,
	};

	return cfg_after_sb(ps, kw, ok, sizeof(ok) / sizeof(ok[0]),
			    "disconnect, discard-zero-changes or discard-least-changes",
			    &sc->opts->has_after_sb_0pri,
			    &sc->opts->after_sb_0pri);
}

static int cfg_kw_after_sb_1pri(struct cfg_parser *ps, struct cfg_scope *sc,
				const char *kw)
{
	static const uint32_t ok[] = {
		TWIN_AFTER_SB_DISCONNECT,
		TWIN_AFTER_SB_DISCARD_SECONDARY,
	};

	return cfg_after_sb(ps, kw, ok, sizeof(ok) / sizeof(ok[0]),
			    "disconnect or discard-secondary",
			    &sc->opts->has_after_sb_1pri,
			    &sc->opts->after_sb_1pri);
}

/* Two Primaries are never resolved automatically: only "disconnect". */
static int cfg_kw_after_sb_2pri(struct cfg_parser *ps, struct cfg_scope *sc,
				const char *kw)
{
	static const uint32_t ok[] = { TWIN_AFTER_SB_DISCONNECT };
	uint32_t policy;
	bool seen = false;

	(void)sc;
	return cfg_after_sb(ps, kw, ok, 1, "disconnect", &seen, &policy);
}

long config_minor_of(const char *path)
{
	const char *rest;
	uint64_t v;

	if (strncmp(path, "/dev/twin", 9) ||
	    !cfg_parse_u64(path + 9, &v, &rest) || *rest ||
	    v > CFG_MINOR_MAX)
		return -1;
	return (long)v;
}

/* device /dev/twinN;  device minor N;  device PATH minor N; */
static int cfg_kw_device(struct cfg_parser *ps, struct cfg_scope *sc,
			 const char *kw)
{
	struct cfg_devs *d = sc->devs;
	const char *rest;
	uint64_t v;
	long minor;

	if (d->device[0])
		return cfg_error(ps, ps->tok_line, "'%s' given twice", kw);
	if (cfg_value(ps, kw))
		return -1;
	if (strcmp(ps->text, "minor")) {
		if (cfg_path_from_text(ps, kw, d->device))
			return -1;
		minor = config_minor_of(d->device);
		if (cfg_next(ps))
			return -1;
		if (ps->tok == TOK_SEMI) {
			if (minor < 0)
				return cfg_error(ps, ps->tok_line,
						 "device %s: give the minor as 'device %s minor N;' or use /dev/twinN",
						 d->device, d->device);
			d->minor = (unsigned int)minor;
			return 0;
		}
		if (ps->tok != TOK_WORD || strcmp(ps->text, "minor"))
			return cfg_error(ps, ps->tok_line,
					 "expected ';' or 'minor N' after 'device %s', found '%s'",
					 d->device, cfg_tok_desc(ps));
	}
	if (cfg_value(ps, "minor"))
		return -1;
	if (!cfg_parse_u64(ps->text, &v, &rest) || *rest ||
	    v > CFG_MINOR_MAX)
		return cfg_error(ps, ps->tok_line,
				 "invalid minor '%s' (0 to %u)", ps->text,
				 CFG_MINOR_MAX);
	d->minor = (unsigned int)v;
	if (!d->device[0])
		snprintf(d->device, sizeof(d->device), "/dev/twin%u",
			 d->minor);
	minor = config_minor_of(d->device);
	if (minor >= 0 && (unsigned long)minor != d->minor)
		return cfg_error(ps, ps->tok_line,
				 "device %s does not match minor %u",
				 d->device, d->minor);
	return cfg_semi(ps, kw);
}

static int cfg_parse_block(struct cfg_parser *ps, struct cfg_scope *sc,
			   int open_line);

static int cfg_kw_net(struct cfg_parser *ps, struct cfg_scope *sc,
		      const char *kw)
{
	struct cfg_scope net = *sc;
	int line = ps->tok_line;

	net.where = IN_NET;
	net.what = "net section";
	if (cfg_lbrace(ps, kw))
		return -1;
	return cfg_parse_block(ps, &net, line);
}

/* disk { options }  in common or a resource; disk PATH;  elsewhere */
static int cfg_kw_disk(struct cfg_parser *ps, struct cfg_scope *sc,
		       const char *kw)
{
	struct cfg_scope opts = *sc;
	int line = ps->tok_line;

	if (cfg_next(ps))
		return -1;
	if (ps->tok == TOK_LBRACE) {
		if (!sc->opts)
			return cfg_error(ps, line,
					 "'disk { }' options are not allowed in %s (put them in the resource or common section)",
					 sc->what);
		opts.where = IN_DISK;
		opts.what = "disk section";
		return cfg_parse_block(ps, &opts, line);
	}
	if (!(sc->where & (IN_RES | IN_ON)))
		return cfg_error(ps, line, "'disk PATH' is not allowed in %s",
				 sc->what);
	if (sc->devs->disk[0])
		return cfg_error(ps, line, "'%s' given twice", kw);
	if (ps->tok != TOK_WORD && ps->tok != TOK_STRING)
		return cfg_error(ps, ps->tok_line,
				 "missing value for 'disk' (found '%s')",
				 cfg_tok_desc(ps));
	if (!strcmp(ps->text, "none"))
		strcpy(sc->devs->disk, "none");
	else if (cfg_path_from_text(ps, kw, sc->devs->disk))
		return -1;
	return cfg_semi(ps, kw);
}

/* meta-disk internal;  meta-disk PATH;  meta-disk PATH[INDEX]; */
static int cfg_kw_meta_disk(struct cfg_parser *ps, struct cfg_scope *sc,
			    const char *kw)
{
	struct cfg_devs *d = sc->devs;
	const char *rest;
	char *bracket;
	uint64_t v;

	if (d->meta_disk[0])
		return cfg_error(ps, ps->tok_line, "'%s' given twice", kw);
	if (cfg_value(ps, kw))
		return -1;
	if (!strcmp(ps->text, "internal")) {
		strcpy(d->meta_disk, "internal");
		return cfg_semi(ps, kw);
	}
	bracket = strchr(ps->text, '[');
	if (bracket) {
		if (!cfg_parse_u64(bracket + 1, &v, &rest) ||
		    strcmp(rest, "]") || v > 1023)
			return cfg_error(ps, ps->tok_line,
					 "invalid meta-disk index in '%s' (PATH[N], N from 0 to 1023)",
					 ps->text);
		d->meta_index = (unsigned int)v;
		*bracket = '\0';
	}
	if (cfg_path_from_text(ps, kw, d->meta_disk))
		return -1;
	return cfg_semi(ps, kw);
}

/* address [ipv4|ipv6] IP:PORT, IPv6 in brackets. */
static int cfg_parse_address(struct cfg_parser *ps, const char *family,
			     struct cfg_host *h)
{
	char ip[INET6_ADDRSTRLEN + 2];
	const char *colon, *s = ps->text, *rest;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&h->addr;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&h->addr;
	bool v6 = false;
	uint64_t port;
	size_t n;

	if (*s == '[') {
		colon = strstr(s, "]:");
		if (!colon)
			goto bad;
		n = (size_t)(colon - s - 1);
		colon++;
		s++;
		v6 = true;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			goto bad;
		n = (size_t)(colon - s);
	}
	if (n == 0 || n >= sizeof(ip))
		goto bad;
	memcpy(ip, s, n);
	ip[n] = '\0';
	if (!cfg_parse_u64(colon + 1, &port, &rest) || *rest)
		goto bad;
	if (port == 0 || port > 65535)
		return cfg_error(ps, ps->tok_line,
				 "port %s out of range (1 to 65535)",
				 colon + 1);
	if (family && strcmp(family, v6 ? "ipv6" : "ipv4"))
		return cfg_error(ps, ps->tok_line,
				 "address '%s' is not an %s address",
				 ps->text, family);
	memset(&h->addr, 0, sizeof(h->addr));
	if (v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, ip, &s6->sin6_addr) != 1)
			goto bad_ip;
		h->addr_len = sizeof(*s6);
		snprintf(h->address, sizeof(h->address), "[%s]:%u", ip,
			 (unsigned int)port);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, ip, &s4->sin_addr) != 1)
			goto bad_ip;
		h->addr_len = sizeof(*s4);
		snprintf(h->address, sizeof(h->address), "%s:%u", ip,
			 (unsigned int)port);
	}
	return 0;
bad_ip:
	return cfg_error(ps, ps->tok_line,
			 "invalid IP address '%s' (host names are not allowed)",
			 ip);
bad:
	return cfg_error(ps, ps->tok_line,
			 "invalid address '%s' (expected IP:PORT, or [IPv6]:PORT)",
			 ps->text);
}

static int cfg_kw_address(struct cfg_parser *ps, struct cfg_scope *sc,
			  const char *kw)
{
	struct cfg_host *h = &sc->draft->res.hosts[sc->host];
	char family[8] = "";

	if (sc->draft->has_addr[sc->host])
		return cfg_error(ps, ps->tok_line, "'%s' given twice", kw);
	if (cfg_value(ps, kw))
		return -1;
	if (!strcmp(ps->text, "ipv4") || !strcmp(ps->text, "ipv6")) {
		strcpy(family, ps->text);
		if (cfg_value(ps, kw))
			return -1;
	}
	if (cfg_parse_address(ps, family[0] ? family : NULL, h))
		return -1;
	sc->draft->has_addr[sc->host] = true;
	return cfg_semi(ps, kw);
}

static int cfg_kw_on(struct cfg_parser *ps, struct cfg_scope *sc,
		     const char *kw)
{
	struct cfg_draft *d = sc->draft;
	struct cfg_scope on = *sc;
	struct cfg_host *h;
	int line = ps->tok_line, i;

	if (cfg_value(ps, kw))
		return -1;
	if (!cfg_valid_name(ps->text))
		return cfg_error(ps, ps->tok_line,
				 "invalid host name '%s' (letters, digits, '-', '_', '.'; max %d)",
				 ps->text, CFG_NAME_MAX);
	for (i = 0; i < d->nhosts; i++)
		if (!strcmp(d->res.hosts[i].name, ps->text))
			return cfg_error(ps, ps->tok_line,
					 "resource %s: 'on %s' given twice",
					 d->res.name, ps->text);
	if (d->nhosts == 2)
		return cfg_error(ps, ps->tok_line,
				 "resource %s: third 'on' section (%s); a twin resource has exactly two hosts",
				 d->res.name, ps->text);
	h = &d->res.hosts[d->nhosts];
	strcpy(h->name, ps->text);
	h->file = ps->file;
	h->line = line;
	on.where = IN_ON;
	on.what = "'on' section";
	on.opts = NULL;
	on.devs = &d->host_devs[d->nhosts];
	on.host = d->nhosts++;
	if (cfg_lbrace(ps, "'on HOST'"))
		return -1;
	return cfg_parse_block(ps, &on, line);
}

struct cfg_keyword {
	const char *name;
	unsigned int where;
	int (*parse)(struct cfg_parser *ps, struct cfg_scope *sc,
		     const char *kw);
};

#define OPT_ANY		(IN_COMMON | IN_RES)

static const struct cfg_keyword cfg_keywords[] = {
	{ "protocol",		OPT_ANY | IN_NET,	cfg_kw_protocol },
	{ "shared-secret",	OPT_ANY | IN_NET,	cfg_kw_secret },
	{ "net",		OPT_ANY,		cfg_kw_net },
	{ "ping-int",		IN_NET,			cfg_kw_ping_int },
	{ "ping-timeout",	IN_NET,			cfg_kw_ping_timeout },
	{ "connect-int",	IN_NET,			cfg_kw_connect_int },
	{ "fencing",		IN_NET | IN_DISK,	cfg_kw_fencing },
	{ "after-sb-0pri",	IN_NET,			cfg_kw_after_sb_0pri },
	{ "after-sb-1pri",	IN_NET,			cfg_kw_after_sb_1pri },
	{ "after-sb-2pri",	IN_NET,			cfg_kw_after_sb_2pri },
	{ "c-max-rate",		IN_DISK,		cfg_kw_max_rate },
	{ "resync-rate",	IN_DISK,		cfg_kw_max_rate },
	{ "c-min-rate",		IN_DISK,		cfg_kw_min_rate },
	{ "al-extents",		IN_DISK,		cfg_kw_al_extents },
	{ "c-plan-ahead",	IN_DISK,		cfg_kw_ignored },
	{ "c-fill-target",	IN_DISK,		cfg_kw_ignored },
	{ "c-delay-target",	IN_DISK,		cfg_kw_ignored },
	{ "disk",		OPT_ANY | IN_ON,	cfg_kw_disk },
	{ "device",		IN_RES | IN_ON,		cfg_kw_device },
	{ "meta-disk",		IN_RES | IN_ON,		cfg_kw_meta_disk },
	{ "address",		IN_ON,			cfg_kw_address },
	{ "on",			IN_RES,			cfg_kw_on },
};

static const struct cfg_keyword *cfg_keyword(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cfg_keywords) / sizeof(cfg_keywords[0]); i++)
		if (!strcmp(cfg_keywords[i].name, name))
			return &cfg_keywords[i];
	return NULL;
}

/* Read "kw ...;" statements up to the closing '}' (the '{' is read). */
static int cfg_parse_block(struct cfg_parser *ps, struct cfg_scope *sc,
			   int open_line)
{
	const struct cfg_keyword *kw;
	char name[CFG_TOKEN_MAX + 1];

	for (;;) {
		if (cfg_next(ps))
			return -1;
		switch (ps->tok) {
		case TOK_RBRACE:
			return 0;
		case TOK_EOF:
			return cfg_error(ps, ps->tok_line,
					 "missing '}' to close the %s opened at line %d",
					 sc->what, open_line);
		case TOK_WORD:
			break;
		default:
			return cfg_error(ps, ps->tok_line,
					 "unexpected '%s' in %s", ps->text,
					 sc->what);
		}
		kw = cfg_keyword(ps->text);
		if (!kw)
			return cfg_error(ps, ps->tok_line,
					 "unknown keyword '%s' in %s",
					 ps->text, sc->what);
		if (!(kw->where & sc->where))
			return cfg_error(ps, ps->tok_line,
					 "'%s' is not allowed in %s",
					 ps->text, sc->what);
		strcpy(name, ps->text);
		if (kw->parse(ps, sc, name))
			return -1;
	}
}

/* ------------------------------------------------------------ top level */

static int cfg_parse_resource(struct cfg_parser *ps)
{
	struct cfg_scope sc = { .where = IN_RES, .host = -1 };
	struct cfg_draft *d;
	char what[CFG_NAME_MAX + 16];
	int line = ps->tok_line, i;

	if (cfg_value(ps, "resource"))
		return -1;
	if (!cfg_valid_name(ps->text))
		return cfg_error(ps, ps->tok_line,
				 "invalid resource name '%s' (letters, digits, '-', '_', '.'; max %d)",
				 ps->text, CFG_NAME_MAX);
	if (!strcmp(ps->text, "all"))
		return cfg_error(ps, ps->tok_line,
				 "'all' is reserved and cannot name a resource");
	for (i = 0; i < ps->ndrafts; i++)
		if (!strcmp(ps->drafts[i].res.name, ps->text))
			return cfg_error(ps, ps->tok_line,
					 "resource %s defined twice (first at %s:%d)",
					 ps->text, ps->drafts[i].res.file,
					 ps->drafts[i].res.line);
	if (ps->ndrafts == CFG_RESOURCES_MAX)
		return cfg_error(ps, ps->tok_line,
				 "too many resources (max %d)",
				 CFG_RESOURCES_MAX);
	d = realloc(ps->drafts, sizeof(*d) * (size_t)(ps->ndrafts + 1));
	if (!d)
		return cfg_error(ps, line, "out of memory");
	ps->drafts = d;
	d = &ps->drafts[ps->ndrafts++];
	memset(d, 0, sizeof(*d));
	strcpy(d->res.name, ps->text);
	d->res.file = ps->file;
	d->res.line = line;
	snprintf(what, sizeof(what), "resource %s", d->res.name);
	sc.what = what;
	sc.opts = &d->res.opts;
	sc.devs = &d->devs;
	sc.draft = d;
	if (cfg_lbrace(ps, "'resource NAME'"))
		return -1;
	return cfg_parse_block(ps, &sc, line);
}

static int cfg_parse_common(struct cfg_parser *ps)
{
	struct cfg_scope sc = {
		.where = IN_COMMON,
		.what = "common section",
		.opts = &ps->common,
		.host = -1,
	};
	int line = ps->tok_line;

	if (ps->common_file)
		return cfg_error(ps, line,
				 "common section given twice (first at %s:%d)",
				 ps->common_file, ps->common_line);
	ps->common_file = ps->file;
	ps->common_line = line;
	if (cfg_lbrace(ps, "'common'"))
		return -1;
	return cfg_parse_block(ps, &sc, line);
}

/* Remember a file name for the life of the config; NULL on failure. */
static const char *cfg_intern(struct twin_config *cfg, const char *name)
{
	char **files, *copy;

	copy = strdup(name);
	if (!copy)
		return NULL;
	files = realloc(cfg->files, sizeof(*files) * (size_t)(cfg->nfiles + 1));
	if (!files) {
		free(copy);
		return NULL;
	}
	cfg->files = files;
	cfg->files[cfg->nfiles++] = copy;
	return copy;
}

static bool cfg_seen(const struct twin_config *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->nfiles; i++)
		if (!strcmp(cfg->files[i], name))
			return true;
	return false;
}

/* Read one file; files already read are skipped (include loops, twice). */
static int cfg_parse_file(struct cfg_parser *ps, const char *path, int depth)
{
	char real[PATH_MAX], *buf = NULL;
	const char *name;
	size_t len = 0;
	FILE *f;
	int ret;

	if (!realpath(path, real))
		return cfg_error(ps, ps->tok_line, "cannot read %s: %s", path,
				 strerror(errno));
	if (cfg_seen(ps->cfg, real))
		return 0;
	f = fopen(real, "r");
	if (!f)
		return cfg_error(ps, ps->tok_line, "cannot read %s: %s", path,
				 strerror(errno));
	buf = malloc(CFG_FILE_MAX + 1);
	if (buf)
		len = fread(buf, 1, CFG_FILE_MAX + 1, f);
	if (!buf || ferror(f)) {
		ret = cfg_error(ps, ps->tok_line, "cannot read %s: %s", path,
				buf ? strerror(errno) : "out of memory");
		goto out;
	}
	if (len > CFG_FILE_MAX) {
		ret = cfg_error(ps, ps->tok_line,
				"%s is too large (max %d bytes)", path,
				CFG_FILE_MAX);
		goto out;
	}
	name = cfg_intern(ps->cfg, real);
	if (!name) {
		ret = cfg_error(ps, ps->tok_line, "out of memory");
		goto out;
	}
	ret = cfg_parse_text(ps, name, buf, len, depth);
out:
	free(buf);
	fclose(f);
	return ret;
}

/* include "PATTERN"; relative to the including file's folder. */
static int cfg_parse_include(struct cfg_parser *ps, int depth)
{
	char pattern[PATH_MAX];
	const char *slash;
	glob_t g;
	size_t i;
	int ret = 0, line = ps->tok_line;

	if (cfg_value(ps, "include"))
		return -1;
	slash = strrchr(ps->file, '/');
	if (ps->text[0] == '/' || !slash)
		snprintf(pattern, sizeof(pattern), "%s", ps->text);
	else
		snprintf(pattern, sizeof(pattern), "%.*s/%s",
			 (int)(slash - ps->file), ps->file, ps->text);
	if (cfg_semi(ps, "include"))
		return -1;
	if (depth >= CFG_INCLUDE_DEPTH)
		return cfg_error(ps, line, "includes nested too deep (max %d)",
				 CFG_INCLUDE_DEPTH);
	switch (glob(pattern, GLOB_NOCHECK, NULL, &g)) {
	case 0:
		break;
	case GLOB_NOSPACE:
		return cfg_error(ps, line, "out of memory");
	default:
		return cfg_error(ps, line, "cannot read %s", pattern);
	}
	for (i = 0; i < g.gl_pathc && !ret; i++) {
		/* a pattern without matches is fine, a missing file is not */
		if (!strcmp(g.gl_pathv[i], pattern) &&
		    strpbrk(pattern, "*?[") && access(pattern, F_OK))
			continue;
		ps->tok_line = line;
		ret = cfg_parse_file(ps, g.gl_pathv[i], depth + 1);
	}
	globfree(&g);
	return ret;
}

static int cfg_parse_text(struct cfg_parser *ps, const char *file,
			  const char *text, size_t len, int depth)
{
	const char *saved_file = ps->file, *saved_p = ps->p;
	const char *saved_end = ps->end;
	int saved_line = ps->line, ret = 0;

	ps->file = file;
	ps->p = text;
	ps->end = text + len;
	ps->line = 1;
	while (!ret) {
		ret = cfg_next(ps);
		if (ret || ps->tok == TOK_EOF)
			break;
		if (ps->tok != TOK_WORD)
			ret = cfg_error(ps, ps->tok_line,
					"unexpected '%s' (expected resource, common or include)",
					ps->text);
		else if (!strcmp(ps->text, "resource"))
			ret = cfg_parse_resource(ps);
		else if (!strcmp(ps->text, "common"))
			ret = cfg_parse_common(ps);
		else if (!strcmp(ps->text, "include"))
			ret = cfg_parse_include(ps, depth);
		else
			ret = cfg_error(ps, ps->tok_line,
					"unknown keyword '%s' at top level (expected resource, common or include)",
					ps->text);
	}
	if (!ps->failed) {
		ps->file = saved_file;
		ps->p = saved_p;
		ps->end = saved_end;
		ps->line = saved_line;
	}
	return ret;
}

/* --------------------------------------------------------------- checks */

static void cfg_merge_opts(struct cfg_options *o, const struct cfg_options *c)
{
	if (!o->protocol)
		o->protocol = c->protocol ? c->protocol : 'C';
	if (!o->has_secret && c->has_secret) {
		o->has_secret = true;
		strcpy(o->shared_secret, c->shared_secret);
	}
#define MERGE(f) do { if (!o->f) o->f = c->f; } while (0)
	MERGE(ping_int_ms);
	MERGE(ping_timeout_ms);
	MERGE(connect_int_ms);
#undef MERGE
	/* options whose 0 is a value: a flag says whether they were given */
#define MERGE_HAS(has, f) do {				\
		if (!o->has && c->has) {		\
			o->has = true;			\
			o->f = c->f;			\
		}					\
	} while (0)
	MERGE_HAS(has_fencing, fencing);
	MERGE_HAS(has_resync_max, resync_max_kib);
	MERGE_HAS(has_resync_min, resync_min_kib);
	MERGE_HAS(has_al_extents, al_extents);
	MERGE_HAS(has_after_sb_0pri, after_sb_0pri);
	MERGE_HAS(has_after_sb_1pri, after_sb_1pri);
#undef MERGE_HAS
}

static int cfg_finish_host(struct cfg_parser *ps, struct cfg_draft *d, int i)
{
	struct cfg_host *h = &d->res.hosts[i];
	const struct cfg_devs *hd = &d->host_devs[i], *rd = &d->devs;
	const struct cfg_devs *dev = hd->device[0] ? hd : rd, *md;

	ps->file = h->file;
	if (!dev->device[0])
		return cfg_error(ps, h->line,
				 "resource %s, host %s: no device (set 'device' in the resource or the 'on' section)",
				 d->res.name, h->name);
	strcpy(h->device, dev->device);
	h->minor = dev->minor;
	strcpy(h->disk, hd->disk[0] ? hd->disk : rd->disk);
	if (!h->disk[0])
		return cfg_error(ps, h->line,
				 "resource %s, host %s: no disk (set 'disk' in the resource or the 'on' section)",
				 d->res.name, h->name);
	md = hd->meta_disk[0] ? hd : rd;
	strcpy(h->meta_disk, md->meta_disk);
	h->meta_index = md->meta_index;
	if (!h->meta_disk[0] && strcmp(h->disk, "none"))
		return cfg_error(ps, h->line,
				 "resource %s, host %s: no meta-disk (set 'meta-disk internal;' or a device)",
				 d->res.name, h->name);
	if (!strcmp(h->meta_disk, h->disk))
		return cfg_error(ps, h->line,
				 "resource %s, host %s: meta-disk and disk are the same device (use 'meta-disk internal;')",
				 d->res.name, h->name);
	if (!d->has_addr[i])
		return cfg_error(ps, h->line,
				 "resource %s, host %s: no address (add 'address IP:PORT;')",
				 d->res.name, h->name);
	return 0;
}

/* Two resources on the same host must differ in minor and address. */
static int cfg_check_clash(struct cfg_parser *ps, const struct cfg_resource *a,
			   const struct cfg_resource *b)
{
	const struct cfg_host *ha, *hb;
	int i, j;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < 2; j++) {
			ha = &a->hosts[i];
			hb = &b->hosts[j];
			if (strcmp(ha->name, hb->name))
				continue;
			ps->file = hb->file;
			if (ha->minor == hb->minor)
				return cfg_error(ps, hb->line,
						 "resource %s, host %s: minor %u is already used by resource %s (%s:%d)",
						 b->name, hb->name, hb->minor,
						 a->name, ha->file, ha->line);
			if (!strcmp(ha->address, hb->address))
				return cfg_error(ps, hb->line,
						 "resource %s, host %s: address %s is already used by resource %s (%s:%d)",
						 b->name, hb->name, hb->address,
						 a->name, ha->file, ha->line);
		}
	}
	return 0;
}

/* A floor above the cap cannot be kept; say so rather than guess. */
static int cfg_check_rates(struct cfg_parser *ps,
			   const struct cfg_resource *r)
{
	const struct cfg_options *o = &r->opts;

	if (!o->has_resync_max || !o->has_resync_min || !o->resync_max_kib ||
	    o->resync_min_kib <= o->resync_max_kib)
		return 0;
	ps->file = r->file;
	return cfg_error(ps, r->line,
			 "resource %s: c-min-rate (%u KiB/s) is above c-max-rate (%u KiB/s)",
			 r->name, o->resync_min_kib, o->resync_max_kib);
}

static int cfg_finish(struct cfg_parser *ps)
{
	struct twin_config *cfg = ps->cfg;
	struct cfg_draft *d;
	int i, j;

	cfg->res = calloc((size_t)ps->ndrafts + 1, sizeof(*cfg->res));
	if (!cfg->res)
		return cfg_error(ps, 0, "out of memory");
	for (i = 0; i < ps->ndrafts; i++) {
		d = &ps->drafts[i];
		if (d->nhosts != 2) {
			ps->file = d->res.file;
			return cfg_error(ps, d->res.line,
					 "resource %s: needs two 'on HOST { }' sections, found %d",
					 d->res.name, d->nhosts);
		}
		for (j = 0; j < 2; j++)
			if (cfg_finish_host(ps, d, j))
				return -1;
		if (d->res.hosts[0].addr.ss_family !=
		    d->res.hosts[1].addr.ss_family) {
			ps->file = d->res.hosts[1].file;
			return cfg_error(ps, d->res.hosts[1].line,
					 "resource %s: hosts %s and %s use different address families (both IPv4 or both IPv6)",
					 d->res.name, d->res.hosts[0].name,
					 d->res.hosts[1].name);
		}
		cfg_merge_opts(&d->res.opts, &ps->common);
		if (cfg_check_rates(ps, &d->res))
			return -1;
		cfg->res[i] = d->res;
		for (j = 0; j < i; j++)
			if (cfg_check_clash(ps, &cfg->res[j], &cfg->res[i]))
				return -1;
		cfg->nres++;
	}
	return 0;
}

static int cfg_run(struct cfg_parser *ps)
{
	int ret = 0;

	if (!ps->failed)
		ret = cfg_finish(ps);
	free(ps->drafts);
	if (ps->failed || ret) {
		config_free(ps->cfg);
		return -1;
	}
	return 0;
}

int config_parse_string(const char *text, const char *file_name,
			struct twin_config *cfg, char err[CFG_ERR_MAX])
{
	struct cfg_parser ps = { .cfg = cfg, .err = err, .file = file_name };
	const char *name;

	memset(cfg, 0, sizeof(*cfg));
	err[0] = '\0';
	name = cfg_intern(cfg, file_name);
	if (!name)
		cfg_error(&ps, 0, "out of memory");
	else
		cfg_parse_text(&ps, name, text, strlen(text), 0);
	return cfg_run(&ps);
}

int config_load(const char *path, struct twin_config *cfg,
		char err[CFG_ERR_MAX])
{
	struct cfg_parser ps = { .cfg = cfg, .err = err, .file = "twinadm" };
	glob_t g;
	size_t i;
	bool found;

	memset(cfg, 0, sizeof(*cfg));
	err[0] = '\0';
	if (path) {
		ps.file = path;
		cfg_parse_file(&ps, path, 0);
		return cfg_run(&ps);
	}
	found = access(CFG_DEFAULT_FILE, F_OK) == 0;
	if (found)
		cfg_parse_file(&ps, CFG_DEFAULT_FILE, 0);
	if (glob(CFG_DEFAULT_RES_GLOB, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc && !ps.failed; i++)
			cfg_parse_file(&ps, g.gl_pathv[i], 0);
		found = true;
		globfree(&g);
	}
	if (!found)
		cfg_error(&ps, 0,
			  "no configuration: neither %s nor %s exist (use -c FILE)",
			  CFG_DEFAULT_FILE, CFG_DEFAULT_RES_GLOB);
	return cfg_run(&ps);
}

void config_free(struct twin_config *cfg)
{
	int i;

	for (i = 0; i < cfg->nfiles; i++)
		free(cfg->files[i]);
	free(cfg->files);
	for (i = 0; i < cfg->nwarnings; i++)
		free(cfg->warnings[i]);
	free(cfg->res);
	memset(cfg, 0, sizeof(*cfg));
}

struct cfg_resource *config_find(const struct twin_config *cfg,
				 const char *name)
{
	int i;

	for (i = 0; i < cfg->nres; i++)
		if (!strcmp(cfg->res[i].name, name))
			return &cfg->res[i];
	return NULL;
}

static int cfg_host_index(const struct cfg_resource *res, const char *host)
{
	size_t n = strcspn(host, ".");
	int i;

	for (i = 0; i < 2; i++)
		if (!strcmp(res->hosts[i].name, host))
			return i;
	for (i = 0; i < 2; i++)
		if (strlen(res->hosts[i].name) == n &&
		    !strncmp(res->hosts[i].name, host, n))
			return i;
	return -1;
}

const struct cfg_host *config_local(const struct cfg_resource *res,
				    const char *host)
{
	int i = cfg_host_index(res, host);

	return i < 0 ? NULL : &res->hosts[i];
}

const struct cfg_host *config_peer(const struct cfg_resource *res,
				   const char *host)
{
	int i = cfg_host_index(res, host);

	return i < 0 ? NULL : &res->hosts[!i];
}
