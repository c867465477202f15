// SPDX-License-Identifier: GPL-2.0
/*
 * Incremental IMAP command parser: see imap_parser.h.
 *
 * Input is collected one line segment at a time (up to LF).  A segment
 * either ends the command or ends with a literal announcement {N}/{N+},
 * after which N raw bytes follow and then the next segment of the same
 * command.  Each segment is tokenized once, so parsing is linear; the
 * stack of open lists survives between segments.  All strings and lists
 * live in a per-command arena freed by imap_parser_reset().
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_buf.h"
#include "imap/imap_parser.h"

enum imap_parser_state {
	IMAP_PS_LINE,		/* collecting a line segment */
	IMAP_PS_LITERAL,	/* reading literal bytes into an argument */
	IMAP_PS_SKIP_LITERAL,	/* discarding a LITERAL+ of a bad command */
	IMAP_PS_DONE,
	IMAP_PS_ERROR,
};

struct imap_arena_block {
	struct imap_arena_block *next;
	size_t used, size;
	char data[];
};

struct imap_list_frame {
	struct imap_arg *list;
	size_t cap;
};

struct imap_parser {
	struct imap_parser_limits lim;
	enum imap_parser_state state;

	struct imap_buf line;		/* current segment */
	size_t line_total;		/* non-literal bytes of this command */
	bool first_segment;
	bool skipping;			/* bad command: read to its end */
	bool raw_line;			/* imap_parser_line_mode() */

	char *tag;
	char *command;
	struct imap_arg root;
	struct imap_list_frame stack[IMAP_PARSER_MAX_DEPTH + 1];
	unsigned int depth;		/* stack[0] is the root list */

	struct imap_arg *literal;	/* argument being filled */
	uint64_t literal_size;
	uint64_t literal_left;
	bool need_cont;			/* "+" owed for a {N} literal */

	const char *error;
	bool fatal;

	struct imap_arena_block *arena;
};

/* ---- arena ---- */

#define IMAP_ARENA_BLOCK	4096

static void *imap_arena_alloc(struct imap_parser *p, size_t size)
{
	struct imap_arena_block *b = p->arena;
	size_t bsize;
	void *ret;

	size = (size + 15) & ~(size_t)15;
	if (!size)
		size = 16;
	if (!b || b->size - b->used < size) {
		bsize = size > IMAP_ARENA_BLOCK ? size : IMAP_ARENA_BLOCK;
		b = malloc(sizeof(*b) + bsize);
		if (!b)
			return NULL;
		b->used = 0;
		b->size = bsize;
		/* a big one-off block goes behind the current one */
		if (p->arena && bsize > IMAP_ARENA_BLOCK) {
			b->next = p->arena->next;
			p->arena->next = b;
		} else {
			b->next = p->arena;
			p->arena = b;
		}
	}
	ret = b->data + b->used;
	b->used += size;
	return ret;
}

static void imap_arena_free(struct imap_parser *p)
{
	struct imap_arena_block *b, *next;

	for (b = p->arena; b; b = next) {
		next = b->next;
		free(b);
	}
	p->arena = NULL;
}

static char *imap_arena_strdup(struct imap_parser *p, const char *s,
			       size_t len)
{
	char *d = imap_arena_alloc(p, len + 1);

	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

/* ---- setup ---- */

struct imap_parser *imap_parser_new(const struct imap_parser_limits *lim)
{
	struct imap_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->lim = *lim;
	imap_buf_init(&p->line);
	imap_parser_reset(p);
	return p;
}

void imap_parser_free(struct imap_parser *p)
{
	if (!p)
		return;
	imap_arena_free(p);
	imap_buf_free(&p->line);
	free(p);
}

void imap_parser_reset(struct imap_parser *p)
{
	imap_arena_free(p);
	imap_buf_reset(&p->line);
	p->state = IMAP_PS_LINE;
	p->line_total = 0;
	p->first_segment = true;
	p->skipping = false;
	p->raw_line = false;
	p->tag = NULL;
	p->command = NULL;
	memset(&p->root, 0, sizeof(p->root));
	p->root.type = IMAP_ARG_LIST;
	p->stack[0].list = &p->root;
	p->stack[0].cap = 0;
	p->depth = 0;
	p->literal = NULL;
	p->literal_size = 0;
	p->literal_left = 0;
	p->need_cont = false;
	p->error = NULL;
	p->fatal = false;
}

/* ---- building the argument tree ---- */

static struct imap_arg *imap_parser_new_arg(struct imap_parser *p)
{
	struct imap_list_frame *f = &p->stack[p->depth];
	struct imap_arg *list = f->list, *items;
	size_t cap;

	if (list->len == f->cap) {
		cap = f->cap ? f->cap * 2 : 8;
		items = imap_arena_alloc(p, cap * sizeof(*items));
		if (!items)
			return NULL;
		if (list->len)
			memcpy(items, list->v.list, list->len * sizeof(*items));
		list->v.list = items;
		f->cap = cap;
	}
	items = &list->v.list[list->len++];
	memset(items, 0, sizeof(*items));
	return items;
}

/* ---- lexing one segment ---- */

/* Result of tokenizing a segment. */
enum imap_seg_result {
	IMAP_SEG_END,		/* command complete */
	IMAP_SEG_LITERAL,	/* ends with a literal announcement */
	IMAP_SEG_ERROR,
};

static enum imap_seg_result imap_parser_fail(struct imap_parser *p,
					     const char *msg, bool fatal)
{
	if (!p->error) {
		p->error = msg;
		p->fatal = fatal;
	}
	return IMAP_SEG_ERROR;
}

static bool imap_is_atom_end(char c)
{
	return c == ' ' || c == '(' || c == ')';
}

static bool imap_is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Fetch attributes whose [section] may hold spaces and parentheses. */
static bool imap_is_section_prefix(const char *s, size_t len)
{
	static const char *const names[] = {
		"BODY", "BODY.PEEK", "BINARY", "BINARY.PEEK", "BINARY.SIZE",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) == len && !strncasecmp(s, names[i], len))
			return true;
	}
	return false;
}

static enum imap_seg_result imap_parse_atom(struct imap_parser *p,
					    const char *s, size_t len,
					    size_t *pos)
{
	size_t start = *pos, i = *pos;
	struct imap_arg *a;
	unsigned char c;

	while (i < len && !imap_is_atom_end(s[i])) {
		c = (unsigned char)s[i];
		if (c == '[' && imap_is_section_prefix(s + start, i - start)) {
			bool quoted = false;

			/* BODY[HEADER.FIELDS (A B)]<0.10>: one atom */
			for (i++; i < len; i++) {
				c = (unsigned char)s[i];
				if (imap_is_ctl(c))
					return imap_parser_fail(p,
						"Invalid characters in section",
						false);
				if (quoted && c == '\\' && i + 1 < len)
					i++;
				else if (c == '"')
					quoted = !quoted;
				else if (c == ']' && !quoted)
					break;
			}
			if (i == len)
				return imap_parser_fail(p,
					"Missing ']' in section", false);
			i++;
			continue;
		}
		if (imap_is_ctl(c) || c == '"' || c == '{')
			return imap_parser_fail(p,
				"Invalid characters in atom", false);
		if (c >= 0x80)
			return imap_parser_fail(p,
				"8-bit characters in atom", false);
		i++;
	}
	a = imap_parser_new_arg(p);
	if (!a)
		return imap_parser_fail(p, "Out of memory", true);
	a->type = IMAP_ARG_ATOM;
	a->len = i - start;
	a->v.str = imap_arena_strdup(p, s + start, i - start);
	if (!a->v.str)
		return imap_parser_fail(p, "Out of memory", true);
	*pos = i;
	return IMAP_SEG_END;
}

static enum imap_seg_result imap_parse_quoted(struct imap_parser *p,
					      const char *s, size_t len,
					      size_t *pos)
{
	size_t i = *pos + 1, n = 0;
	struct imap_arg *a;
	char *out;

	/* unescaping only shrinks: the raw length is enough */
	out = imap_arena_alloc(p, len - i + 1);
	if (!out)
		return imap_parser_fail(p, "Out of memory", true);
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"')
			break;
		if (c == '\\') {
			if (i + 1 == len || (s[i + 1] != '"' && s[i + 1] != '\\'))
				return imap_parser_fail(p,
					"Invalid escape in quoted string",
					false);
			c = (unsigned char)s[++i];
		} else if (c == '\0' || c == '\r' || c == '\n') {
			return imap_parser_fail(p,
				"Invalid characters in quoted string", false);
		}
		out[n++] = (char)c;
	}
	if (i == len)
		return imap_parser_fail(p, "Missing '\"'", false);
	out[n] = '\0';
	a = imap_parser_new_arg(p);
	if (!a)
		return imap_parser_fail(p, "Out of memory", true);
	a->type = IMAP_ARG_STRING;
	a->len = n;
	a->v.str = out;
	*pos = i + 1;
	return IMAP_SEG_END;
}

/* "{N}" or "{N+}" that must end the segment. */
static enum imap_seg_result imap_parse_literal(struct imap_parser *p,
					       const char *s, size_t len,
					       size_t pos)
{
	uint64_t n = 0;
	size_t i = pos + 1;
	bool sync = true;

	if (i == len || s[i] < '0' || s[i] > '9')
		return imap_parser_fail(p, "Invalid literal size", false);
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (n > (UINT64_MAX - 9) / 10)
			return imap_parser_fail(p, "Invalid literal size",
						false);
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	if (i < len && s[i] == '+') {
		sync = false;
		i++;
	}
	if (i == len || s[i] != '}' || i + 1 != len)
		return imap_parser_fail(p, "Invalid literal announcement",
					false);
	if (n > p->lim.max_literal_size) {
		/*
		 * The client waits for "+" before sending a synchronizing
		 * literal, so the command simply ends here.  A LITERAL+
		 * payload is already on its way: we cannot resync.
		 */
		return imap_parser_fail(p, "Literal too large", !sync);
	}
	p->literal = imap_parser_new_arg(p);
	if (!p->literal)
		return imap_parser_fail(p, "Out of memory", true);
	p->literal->type = IMAP_ARG_LITERAL;
	p->literal->len = 0;
	p->literal->v.str = imap_arena_alloc(p, (size_t)n + 1);
	if (!p->literal->v.str)
		return imap_parser_fail(p, "Out of memory", true);
	p->literal->v.str[n] = '\0';
	p->literal_size = n;
	p->literal_left = n;
	p->need_cont = sync;
	p->state = IMAP_PS_LITERAL;
	return IMAP_SEG_LITERAL;
}

static bool imap_is_tag_char(unsigned char c)
{
	/* ASTRING-CHAR except "+" */
	return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' &&
	       c != '%' && c != '*' && c != '"' && c != '\\' && c != '+';
}

/* Tag SP command-name: the start of the first segment. */
static enum imap_seg_result imap_parse_head(struct imap_parser *p,
					    const char *s, size_t len,
					    size_t *pos)
{
	size_t i = 0, start;

	if (len == 0)
		return imap_parser_fail(p, "Empty command line", false);
	while (i < len && s[i] != ' ') {
		if (!imap_is_tag_char((unsigned char)s[i]))
			return imap_parser_fail(p, "Invalid tag", false);
		i++;
	}
	if (i == 0)
		return imap_parser_fail(p, "Invalid tag", false);
	p->tag = imap_arena_strdup(p, s, i);
	if (!p->tag)
		return imap_parser_fail(p, "Out of memory", true);
	if (i == len)
		return imap_parser_fail(p, "Missing command name", false);
	start = ++i;
	while (i < len && s[i] != ' ') {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			return imap_parser_fail(p, "Invalid command name",
						false);
		i++;
	}
	if (i == start)
		return imap_parser_fail(p, "Missing command name", false);
	p->command = imap_arena_strdup(p, s + start, i - start);
	if (!p->command)
		return imap_parser_fail(p, "Out of memory", true);
	*pos = i;
	return IMAP_SEG_END;
}

static enum imap_seg_result imap_parse_segment(struct imap_parser *p,
					       const char *s, size_t len)
{
	enum imap_seg_result r;
	size_t i = 0;

	if (p->first_segment) {
		p->first_segment = false;
		r = imap_parse_head(p, s, len, &i);
		if (r != IMAP_SEG_END)
			return r;
	}
	while (i < len) {
		switch (s[i]) {
		case ' ':
			i++;
			continue;
		case '(':
			if (p->depth == IMAP_PARSER_MAX_DEPTH)
				return imap_parser_fail(p,
					"Lists nested too deeply", false);
			{
				struct imap_arg *a = imap_parser_new_arg(p);

				if (!a)
					return imap_parser_fail(p,
						"Out of memory", true);
				a->type = IMAP_ARG_LIST;
				p->depth++;
				p->stack[p->depth].list = a;
				p->stack[p->depth].cap = 0;
			}
			i++;
			continue;
		case ')':
			if (p->depth == 0)
				return imap_parser_fail(p, "Unexpected ')'",
							false);
			p->depth--;
			i++;
			continue;
		case '"':
			r = imap_parse_quoted(p, s, len, &i);
			break;
		case '{':
			return imap_parse_literal(p, s, len, i);
		default:
			r = imap_parse_atom(p, s, len, &i);
			break;
		}
		if (r != IMAP_SEG_END)
			return r;
	}
	if (p->depth)
		return imap_parser_fail(p, "Missing ')'", false);
	return IMAP_SEG_END;
}

/* Line mode: the whole line is one string argument. */
static enum imap_seg_result imap_parse_raw_line(struct imap_parser *p,
						const char *s, size_t len)
{
	struct imap_arg *a = imap_parser_new_arg(p);

	if (!a)
		return imap_parser_fail(p, "Out of memory", true);
	a->type = IMAP_ARG_STRING;
	a->len = len;
	a->v.str = imap_arena_strdup(p, s, len);
	if (!a->v.str)
		return imap_parser_fail(p, "Out of memory", true);
	return IMAP_SEG_END;
}

/*
 * A bad command is read to its end: if a segment ends with a LITERAL+
 * announcement, its payload and the following segment still belong to it.
 */
static uint64_t imap_trailing_literal_plus(const char *s, size_t len,
					   bool *found)
{
	size_t i;
	uint64_t n = 0, mul = 1;

	*found = false;
	if (len < 4 || s[len - 1] != '}' || s[len - 2] != '+')
		return 0;
	for (i = len - 2; i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9'; i--) {
		if (len - 2 - i >= 19)
			return 0;
		n += (uint64_t)(s[i - 1] - '0') * mul;
		mul *= 10;
	}
	if (i == 0 || i == len - 2 || s[i - 1] != '{')
		return 0;
	*found = true;
	return n;
}

/* A complete segment is in p->line (with its line ending). */
static enum imap_parse_result imap_parser_segment_done(struct imap_parser *p)
{
	size_t len = p->line.len;
	const char *s = imap_buf_str(&p->line);
	enum imap_seg_result r;
	bool plus;
	uint64_t n;

	if (len && s[len - 1] == '\n')
		len--;
	if (len && s[len - 1] == '\r')
		len--;

	if (p->raw_line) {
		r = imap_parse_raw_line(p, s, len);
	} else if (p->skipping) {
		r = IMAP_SEG_ERROR;
	} else {
		r = imap_parse_segment(p, s, len);
		if (r == IMAP_SEG_ERROR && p->fatal) {
			p->state = IMAP_PS_ERROR;
			return IMAP_PARSE_ERROR;
		}
	}
	switch (r) {
	case IMAP_SEG_END:
		imap_buf_reset(&p->line);
		p->state = IMAP_PS_DONE;
		return IMAP_PARSE_DONE;
	case IMAP_SEG_LITERAL:
		imap_buf_reset(&p->line);
		return IMAP_PARSE_NEED_MORE;	/* caller checks literal */
	case IMAP_SEG_ERROR:
		break;
	}
	p->skipping = true;
	n = imap_trailing_literal_plus(s, len, &plus);
	imap_buf_reset(&p->line);
	if (plus) {
		if (n > p->lim.max_literal_size) {
			p->error = "Literal too large";
			p->fatal = true;
			p->state = IMAP_PS_ERROR;
			return IMAP_PARSE_ERROR;
		}
		p->literal_left = n;
		p->state = IMAP_PS_SKIP_LITERAL;
		return IMAP_PARSE_NEED_MORE;
	}
	p->state = IMAP_PS_ERROR;
	return IMAP_PARSE_ERROR;
}

static enum imap_parse_result imap_parser_line_bytes(struct imap_parser *p,
						     const char *data,
						     size_t len, size_t *used)
{
	const char *lf = memchr(data, '\n', len);
	size_t n = lf ? (size_t)(lf - data) + 1 : len;

	*used = n;
	if (n > p->lim.max_line_size - p->line_total ||
	    p->line_total > p->lim.max_line_size) {
		p->error = "Line too long";
		p->fatal = true;
		p->state = IMAP_PS_ERROR;
		return IMAP_PARSE_ERROR;
	}
	p->line_total += n;
	imap_buf_add(&p->line, data, n);
	if (imap_buf_failed(&p->line)) {
		p->error = "Out of memory";
		p->fatal = true;
		p->state = IMAP_PS_ERROR;
		return IMAP_PARSE_ERROR;
	}
	if (!lf)
		return IMAP_PARSE_NEED_MORE;
	return imap_parser_segment_done(p);
}

enum imap_parse_result imap_parser_feed(struct imap_parser *p,
					const void *data, size_t len,
					size_t *consumed)
{
	const char *d = data;
	enum imap_parse_result r;
	size_t i = 0, n;

	*consumed = 0;
	if (p->state == IMAP_PS_DONE)
		return IMAP_PARSE_DONE;
	if (p->state == IMAP_PS_ERROR)
		return IMAP_PARSE_ERROR;
	for (;;) {
		if (p->state == IMAP_PS_LITERAL && p->literal_left == 0) {
			p->literal->len = (size_t)p->literal_size;
			p->literal = NULL;
			p->state = IMAP_PS_LINE;
		}
		if (p->state == IMAP_PS_SKIP_LITERAL && p->literal_left == 0)
			p->state = IMAP_PS_LINE;
		if (i == len)
			break;
		switch (p->state) {
		case IMAP_PS_LINE:
			r = imap_parser_line_bytes(p, d + i, len - i, &n);
			i += n;
			if (r != IMAP_PARSE_NEED_MORE) {
				*consumed = i;
				return r;
			}
			if (p->state == IMAP_PS_LITERAL && p->need_cont) {
				p->need_cont = false;
				*consumed = i;
				return IMAP_PARSE_NEED_CONTINUATION;
			}
			break;
		case IMAP_PS_LITERAL:
			n = len - i;
			if (n > p->literal_left)
				n = (size_t)p->literal_left;
			memcpy(p->literal->v.str +
			       (p->literal_size - p->literal_left), d + i, n);
			p->literal_left -= n;
			i += n;
			break;
		case IMAP_PS_SKIP_LITERAL:
			n = len - i;
			if (n > p->literal_left)
				n = (size_t)p->literal_left;
			p->literal_left -= n;
			i += n;
			break;
		case IMAP_PS_DONE:
		case IMAP_PS_ERROR:
			*consumed = i;
			return p->state == IMAP_PS_DONE ? IMAP_PARSE_DONE :
							  IMAP_PARSE_ERROR;
		}
	}
	*consumed = i;
	return IMAP_PARSE_NEED_MORE;
}

void imap_parser_line_mode(struct imap_parser *p)
{
	p->raw_line = true;
}

/* ---- accessors ---- */

const char *imap_parser_tag(const struct imap_parser *p)
{
	return p->tag;
}

const char *imap_parser_command(const struct imap_parser *p)
{
	return p->command;
}

const struct imap_arg *imap_parser_args(const struct imap_parser *p)
{
	return &p->root;
}

uint64_t imap_parser_literal_size(const struct imap_parser *p)
{
	return p->literal_size;
}

const char *imap_parser_error(const struct imap_parser *p, bool *fatal)
{
	if (fatal)
		*fatal = p->fatal;
	return p->error ? p->error : "No error";
}

const char *imap_parse_result_name(enum imap_parse_result r)
{
	static const char *const names[] = {
		[IMAP_PARSE_NEED_MORE] = "need-more",
		[IMAP_PARSE_NEED_CONTINUATION] = "need-continuation",
		[IMAP_PARSE_DONE] = "done",
		[IMAP_PARSE_ERROR] = "error",
	};

	if ((unsigned int)r < sizeof(names) / sizeof(names[0]))
		return names[r];
	return "unknown";
}

/* ---- argument helpers ---- */

bool imap_arg_is_atom(const struct imap_arg *a, const char *atom)
{
	return a && a->type == IMAP_ARG_ATOM && !strcasecmp(a->v.str, atom);
}

bool imap_arg_is_nil(const struct imap_arg *a)
{
	return imap_arg_is_atom(a, "NIL");
}

const char *imap_arg_astring(const struct imap_arg *a)
{
	if (!a || a->type == IMAP_ARG_LIST)
		return NULL;
	return a->v.str;
}

const char *imap_arg_nstring(const struct imap_arg *a, bool *ok)
{
	*ok = true;
	if (imap_arg_is_nil(a))
		return NULL;
	if (!a || a->type == IMAP_ARG_LIST || a->type == IMAP_ARG_ATOM) {
		*ok = false;
		return NULL;
	}
	return a->v.str;
}

bool imap_arg_number(const struct imap_arg *a, uint64_t *out)
{
	uint64_t n = 0;
	size_t i;

	if (!a || a->type != IMAP_ARG_ATOM || a->len == 0 || a->len > 19)
		return false;
	for (i = 0; i < a->len; i++) {
		if (a->v.str[i] < '0' || a->v.str[i] > '9')
			return false;
		n = n * 10 + (uint64_t)(a->v.str[i] - '0');
	}
	if (n > INT64_MAX)
		return false;
	*out = n;
	return true;
}
