// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the incremental IMAP command parser. */
#include <string.h>

#include "cu_run.h"
#include "imap/imap_parser.h"

static const struct imap_parser_limits test_limits = {
	.max_line_size = 256,
	.max_literal_size = 1024,
};

/*
 * Feed @input in chunks of @chunk bytes (0 = all at once), answering
 * continuations; returns the final result and the total bytes consumed.
 */
static enum imap_parse_result feed_all(struct imap_parser *p,
				       const char *input, size_t chunk,
				       size_t *total, int *conts)
{
	size_t len = strlen(input), off = 0, used, n;
	enum imap_parse_result r = IMAP_PARSE_NEED_MORE;

	*conts = 0;
	while (off < len) {
		n = chunk && chunk < len - off ? chunk : len - off;
		r = imap_parser_feed(p, input + off, n, &used);
		CU_ASSERT_FATAL(used <= n);
		off += used;
		if (r == IMAP_PARSE_NEED_CONTINUATION) {
			(*conts)++;
			continue;
		}
		if (r != IMAP_PARSE_NEED_MORE)
			break;
		CU_ASSERT_FATAL(used == n);
	}
	*total = off;
	return r;
}

static struct imap_parser *parse_ok(const char *input, size_t chunk)
{
	struct imap_parser *p = imap_parser_new(&test_limits);
	size_t total;
	int conts;

	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_EQUAL(feed_all(p, input, chunk, &total, &conts),
			IMAP_PARSE_DONE);
	CU_ASSERT_EQUAL(total, strlen(input));
	return p;
}

static void test_simple(void)
{
	struct imap_parser *p = parse_ok("a1 NOOP\r\n", 0);

	CU_ASSERT_STRING_EQUAL(imap_parser_tag(p), "a1");
	CU_ASSERT_STRING_EQUAL(imap_parser_command(p), "NOOP");
	CU_ASSERT_EQUAL(imap_parser_args(p)->len, 0);
	imap_parser_free(p);
}

static void test_atoms_strings_lists(void)
{
	struct imap_parser *p = parse_ok(
		"x.1 STORE 2,4:7 +FLAGS.SILENT (\\Seen $Junk (nested NIL)) "
		"\"q \\\"x\\\" \\\\\" \"\"\r\n", 0);
	const struct imap_arg *args = imap_parser_args(p), *l;

	CU_ASSERT_STRING_EQUAL(imap_parser_tag(p), "x.1");
	CU_ASSERT_STRING_EQUAL(imap_parser_command(p), "STORE");
	CU_ASSERT_FATAL(args->len == 5);
	CU_ASSERT_EQUAL(args->v.list[0].type, IMAP_ARG_ATOM);
	CU_ASSERT_STRING_EQUAL(args->v.list[0].v.str, "2,4:7");
	CU_ASSERT_STRING_EQUAL(args->v.list[1].v.str, "+FLAGS.SILENT");
	l = &args->v.list[2];
	CU_ASSERT_FATAL(l->type == IMAP_ARG_LIST && l->len == 3);
	CU_ASSERT_STRING_EQUAL(l->v.list[0].v.str, "\\Seen");
	CU_ASSERT_STRING_EQUAL(l->v.list[1].v.str, "$Junk");
	CU_ASSERT_FATAL(l->v.list[2].type == IMAP_ARG_LIST);
	CU_ASSERT_EQUAL(l->v.list[2].len, 2);
	CU_ASSERT_TRUE(imap_arg_is_nil(&l->v.list[2].v.list[1]));
	CU_ASSERT_EQUAL(args->v.list[3].type, IMAP_ARG_STRING);
	CU_ASSERT_STRING_EQUAL(args->v.list[3].v.str, "q \"x\" \\");
	CU_ASSERT_EQUAL(args->v.list[4].type, IMAP_ARG_STRING);
	CU_ASSERT_EQUAL(args->v.list[4].len, 0);
	imap_parser_free(p);
}

static void test_fetch_section_atom(void)
{
	struct imap_parser *p = parse_ok(
		"A3 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (From \"To\")]"
		"<0.100> BODY[] RFC822.SIZE)\r\n", 0);
	const struct imap_arg *args = imap_parser_args(p), *l;

	CU_ASSERT_FATAL(args->len == 3);
	CU_ASSERT_STRING_EQUAL(args->v.list[0].v.str, "FETCH");
	CU_ASSERT_STRING_EQUAL(args->v.list[1].v.str, "1:*");
	l = &args->v.list[2];
	CU_ASSERT_FATAL(l->type == IMAP_ARG_LIST && l->len == 4);
	CU_ASSERT_STRING_EQUAL(l->v.list[1].v.str,
		"BODY.PEEK[HEADER.FIELDS (From \"To\")]<0.100>");
	CU_ASSERT_STRING_EQUAL(l->v.list[2].v.str, "BODY[]");
	imap_parser_free(p);
}

static void test_sync_literal(void)
{
	struct imap_parser *p = imap_parser_new(&test_limits);
	const struct imap_arg *args;
	size_t used;

	CU_ASSERT_EQUAL(imap_parser_feed(p, "a LOGIN {4}\r\n", 13, &used),
			IMAP_PARSE_NEED_CONTINUATION);
	CU_ASSERT_EQUAL(used, 13);
	CU_ASSERT_EQUAL(imap_parser_literal_size(p), 4);
	CU_ASSERT_EQUAL(imap_parser_feed(p, "us", 2, &used),
			IMAP_PARSE_NEED_MORE);
	CU_ASSERT_EQUAL(imap_parser_feed(p, "er {6}\r\n", 8, &used),
			IMAP_PARSE_NEED_CONTINUATION);
	CU_ASSERT_EQUAL(used, 8);
	CU_ASSERT_EQUAL(imap_parser_literal_size(p), 6);
	CU_ASSERT_EQUAL(imap_parser_feed(p, "p\r\n\0ss\r\n", 8, &used),
			IMAP_PARSE_DONE);
	CU_ASSERT_EQUAL(used, 8);
	args = imap_parser_args(p);
	CU_ASSERT_FATAL(args->len == 2);
	CU_ASSERT_EQUAL(args->v.list[0].type, IMAP_ARG_LITERAL);
	CU_ASSERT_STRING_EQUAL(args->v.list[0].v.str, "user");
	CU_ASSERT_EQUAL(args->v.list[1].len, 6);
	CU_ASSERT_EQUAL(memcmp(args->v.list[1].v.str, "p\r\n\0ss", 6), 0);
	imap_parser_free(p);
}

static void test_literal_plus(void)
{
	const char *in = "a LOGIN {4+}\r\nuser {0+}\r\n\r\n";
	struct imap_parser *p = imap_parser_new(&test_limits);
	const struct imap_arg *args;
	size_t total;
	int conts;

	CU_ASSERT_EQUAL(feed_all(p, in, 0, &total, &conts), IMAP_PARSE_DONE);
	CU_ASSERT_EQUAL(conts, 0);
	CU_ASSERT_EQUAL(total, strlen(in));
	args = imap_parser_args(p);
	CU_ASSERT_FATAL(args->len == 2);
	CU_ASSERT_STRING_EQUAL(args->v.list[0].v.str, "user");
	CU_ASSERT_EQUAL(args->v.list[1].type, IMAP_ARG_LITERAL);
	CU_ASSERT_EQUAL(args->v.list[1].len, 0);
	imap_parser_free(p);
}

/* Every split of the input gives the same tree. */
static void test_byte_at_a_time(void)
{
	const char *in = "t APPEND INBOX (\\Seen) \"1-Jan-2020 00:00:00 "
			 "+0000\" {11}\r\nhello\r\nbody (x {2+}\r\n)) y)\r\n";
	size_t chunk;

	for (chunk = 1; chunk < 8; chunk++) {
		struct imap_parser *p = imap_parser_new(&test_limits);
		const struct imap_arg *args, *l;
		size_t total;
		int conts;

		CU_ASSERT_EQUAL(feed_all(p, in, chunk, &total, &conts),
				IMAP_PARSE_DONE);
		CU_ASSERT_EQUAL(conts, 1);
		args = imap_parser_args(p);
		CU_ASSERT_FATAL(args->len == 5);
		CU_ASSERT_STRING_EQUAL(args->v.list[3].v.str, "hello\r\nbody");
		l = &args->v.list[4];
		CU_ASSERT_FATAL(l->type == IMAP_ARG_LIST && l->len == 3);
		CU_ASSERT_STRING_EQUAL(l->v.list[1].v.str, "))");
		CU_ASSERT_STRING_EQUAL(l->v.list[2].v.str, "y");
		imap_parser_free(p);
	}
}

static void test_pipelined(void)
{
	const char *in = "a NOOP\r\nb CHECK\r\n";
	struct imap_parser *p = imap_parser_new(&test_limits);
	size_t used;

	CU_ASSERT_EQUAL(imap_parser_feed(p, in, strlen(in), &used),
			IMAP_PARSE_DONE);
	CU_ASSERT_EQUAL(used, 8);
	CU_ASSERT_STRING_EQUAL(imap_parser_tag(p), "a");
	/* without a reset the parser keeps its answer */
	CU_ASSERT_EQUAL(imap_parser_feed(p, in + 8, 9, &used),
			IMAP_PARSE_DONE);
	CU_ASSERT_EQUAL(used, 0);
	imap_parser_reset(p);
	CU_ASSERT_EQUAL(imap_parser_feed(p, in + 8, 9, &used),
			IMAP_PARSE_DONE);
	CU_ASSERT_EQUAL(used, 9);
	CU_ASSERT_STRING_EQUAL(imap_parser_tag(p), "b");
	CU_ASSERT_STRING_EQUAL(imap_parser_command(p), "CHECK");
	imap_parser_free(p);
}

static void expect_error(const char *in, const char *msg, bool want_fatal)
{
	struct imap_parser *p = imap_parser_new(&test_limits);
	size_t total;
	int conts;
	bool fatal;

	CU_ASSERT_EQUAL(feed_all(p, in, 0, &total, &conts), IMAP_PARSE_ERROR);
	CU_ASSERT_STRING_EQUAL(imap_parser_error(p, &fatal), msg);
	CU_ASSERT_EQUAL(fatal, want_fatal);
	if (!want_fatal)
		CU_ASSERT_EQUAL(total, strlen(in));
	imap_parser_free(p);
}

static void test_syntax_errors(void)
{
	expect_error("a NOOP (x\r\n", "Missing ')'", false);
	expect_error("a NOOP x)\r\n", "Unexpected ')'", false);
	expect_error("a NOOP \"abc\r\n", "Missing '\"'", false);
	expect_error("a NOOP \"a\\b\"\r\n", "Invalid escape in quoted string",
		     false);
	expect_error("a NOOP caf\xc3\xa9\r\n", "8-bit characters in atom",
		     false);
	expect_error("a NOOP ab\"c\r\n", "Invalid characters in atom", false);
	expect_error("a NOOP a\tb\r\n", "Invalid characters in atom", false);
	expect_error("\r\n", "Empty command line", false);
	expect_error("a\r\n", "Missing command name", false);
	expect_error("a+b NOOP\r\n", "Invalid tag", false);
	expect_error("a NO*OP\r\n", "Invalid command name", false);
	expect_error("a X {abc}\r\n", "Invalid literal size", false);
	expect_error("a X {3} y\r\n", "Invalid literal announcement", false);
	expect_error("a X {99999999999999999999999}\r\n",
		     "Invalid literal size", false);
	expect_error("a FETCH 1 BODY[HEADER\r\n", "Missing ']' in section",
		     false);
}

static void test_depth_limit(void)
{
	char in[128];
	size_t i;

	strcpy(in, "a X ");
	for (i = 0; i <= IMAP_PARSER_MAX_DEPTH; i++)
		strcat(in, "(");
	strcat(in, "\r\n");
	expect_error(in, "Lists nested too deeply", false);
}

static void test_size_limits(void)
{
	char line[400];
	struct imap_parser *p;
	size_t used;
	bool fatal;

	memset(line, 'x', sizeof(line));
	p = imap_parser_new(&test_limits);
	/* no CRLF yet: the limit triggers as soon as it is crossed */
	CU_ASSERT_EQUAL(imap_parser_feed(p, line, sizeof(line), &used),
			IMAP_PARSE_ERROR);
	CU_ASSERT_STRING_EQUAL(imap_parser_error(p, &fatal), "Line too long");
	CU_ASSERT_TRUE(fatal);
	imap_parser_free(p);

	/* exactly at the limit is fine */
	memcpy(line, "a X ", 4);
	memcpy(line + 254, "\r\n", 2);
	p = imap_parser_new(&test_limits);
	CU_ASSERT_EQUAL(imap_parser_feed(p, line, 256, &used),
			IMAP_PARSE_DONE);
	imap_parser_free(p);

	/* a synchronizing literal too large: the client sends nothing */
	expect_error("a APPEND INBOX {1025}\r\n", "Literal too large", false);
	/* a LITERAL+ too large is already on the wire */
	expect_error("a APPEND INBOX {1025+}\r\n", "Literal too large", true);
	/* the literal limit itself is allowed */
	p = imap_parser_new(&test_limits);
	CU_ASSERT_EQUAL(imap_parser_feed(p, "a X {1024}\r\n", 12, &used),
			IMAP_PARSE_NEED_CONTINUATION);
	imap_parser_free(p);
}

/* A bad command with LITERAL+ payloads is skipped to its real end. */
static void test_error_resync(void)
{
	const char *in = "a X ) {3+}\r\nabc rest {2+}\r\nzz\r\nb NOOP\r\n";
	struct imap_parser *p = imap_parser_new(&test_limits);
	size_t total, used;
	int conts;
	bool fatal;

	CU_ASSERT_EQUAL(feed_all(p, in, 3, &total, &conts), IMAP_PARSE_ERROR);
	CU_ASSERT_STRING_EQUAL(imap_parser_error(p, &fatal), "Unexpected ')'");
	CU_ASSERT_FALSE(fatal);
	CU_ASSERT_STRING_EQUAL(imap_parser_tag(p), "a");
	CU_ASSERT_STRING_EQUAL(in + total, "b NOOP\r\n");
	imap_parser_reset(p);
	CU_ASSERT_EQUAL(imap_parser_feed(p, in + total, 8, &used),
			IMAP_PARSE_DONE);
	CU_ASSERT_STRING_EQUAL(imap_parser_command(p), "NOOP");
	imap_parser_free(p);
}

static void test_arg_helpers(void)
{
	struct imap_parser *p = parse_ok(
		"a X 42 0 123456789012345678901 nil \"s\" (l) 4a\r\n", 0);
	const struct imap_arg *a = imap_parser_args(p)->v.list;
	uint64_t n;
	bool ok;

	CU_ASSERT_TRUE(imap_arg_number(&a[0], &n));
	CU_ASSERT_EQUAL(n, 42);
	CU_ASSERT_TRUE(imap_arg_number(&a[1], &n));
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_FALSE(imap_arg_number(&a[2], &n));
	CU_ASSERT_FALSE(imap_arg_number(&a[6], &n));
	CU_ASSERT_TRUE(imap_arg_is_nil(&a[3]));
	CU_ASSERT_PTR_NULL(imap_arg_nstring(&a[3], &ok));
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_STRING_EQUAL(imap_arg_nstring(&a[4], &ok), "s");
	CU_ASSERT_PTR_NULL(imap_arg_astring(&a[5]));
	CU_ASSERT_STRING_EQUAL(imap_arg_astring(&a[0]), "42");
	imap_parser_free(p);
}

/* IDLE's DONE and AUTHENTICATE lines are read whole. */
static void test_line_mode(void)
{
	const char *in = "dGVzdAB0ZXN0AHB3 {3}\r\nnext";
	struct imap_parser *p = imap_parser_new(&test_limits);
	const struct imap_arg *args;
	char big[300];
	size_t used;
	bool fatal;

	imap_parser_line_mode(p);
	CU_ASSERT_EQUAL(imap_parser_feed(p, in, strlen(in), &used),
			IMAP_PARSE_DONE);
	CU_ASSERT_EQUAL(used, strlen(in) - 4);
	CU_ASSERT_PTR_NULL(imap_parser_tag(p));
	CU_ASSERT_PTR_NULL(imap_parser_command(p));
	args = imap_parser_args(p);
	CU_ASSERT_FATAL(args->len == 1);
	CU_ASSERT_EQUAL(args->v.list[0].type, IMAP_ARG_STRING);
	CU_ASSERT_STRING_EQUAL(args->v.list[0].v.str, "dGVzdAB0ZXN0AHB3 {3}");
	/* reset leaves line mode: a normal command again */
	imap_parser_reset(p);
	CU_ASSERT_EQUAL(imap_parser_feed(p, "DONE\r\n", 6, &used),
			IMAP_PARSE_ERROR);
	CU_ASSERT_STRING_EQUAL(imap_parser_error(p, &fatal),
			       "Missing command name");
	imap_parser_reset(p);
	imap_parser_line_mode(p);
	memset(big, 'A', sizeof(big));
	CU_ASSERT_EQUAL(imap_parser_feed(p, big, sizeof(big), &used),
			IMAP_PARSE_ERROR);
	CU_ASSERT_STRING_EQUAL(imap_parser_error(p, &fatal), "Line too long");
	CU_ASSERT_TRUE(fatal);
	imap_parser_free(p);
}

void unit_register(void)
{
	static const CU_TestInfo tests[] = {
		{ "simple command", test_simple },
		{ "atoms, strings, lists", test_atoms_strings_lists },
		{ "fetch section is one atom", test_fetch_section_atom },
		{ "synchronizing literal", test_sync_literal },
		{ "LITERAL+", test_literal_plus },
		{ "any chunking", test_byte_at_a_time },
		{ "pipelined commands", test_pipelined },
		{ "syntax errors", test_syntax_errors },
		{ "nesting limit", test_depth_limit },
		{ "line and literal limits", test_size_limits },
		{ "resync after bad command", test_error_resync },
		{ "argument helpers", test_arg_helpers },
		{ "line mode", test_line_mode },
		CU_TEST_INFO_NULL,
	};

	unit_suite("imap_parser", tests);
}
