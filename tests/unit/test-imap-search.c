// SPDX-License-Identifier: GPL-2.0
/* Unit tests for SEARCH: grammar, and evaluation against three messages. */
#include <string.h>
#include <strings.h>

#include "cu_run.h"
#include "imap/imap_date.h"
#include "imap/imap_flags.h"
#include "imap/imap_parser.h"
#include "imap/imap_search.h"

static const char msg_a[] =
	"From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>\r\n"
	"To: team@example.com\r\n"
	"Subject: Quarterly =?ISO-8859-1?Q?R=E9sum=E9?= report\r\n"
	"Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
	"X-Tag: alpha\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"Soft=\r\n"
	" break and caf=C3=A9\r\n";

static const char msg_b[] =
	"From: Alice <alice@example.org>\r\n"
	"Cc: bob@example.net\r\n"
	"Subject: hello\r\n"
	"Date: Tue, 8 Feb 1994 00:30:00 +0100\r\n"
	"Content-Type: multipart/mixed; boundary=xx\r\n"
	"\r\n"
	"--xx\r\n"
	"Content-Type: text/plain; charset=iso-8859-1\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"R3Jv32UgU3RyYd9lIGluIFr8cmljaCwgyVTJDQo=\r\n"
	"--xx\r\n"
	"Content-Type: application/octet-stream\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"c2VjcmV0LWF0dGFjaG1lbnQtd29yZA==\r\n"
	"--xx--\r\n";

static const char msg_c[] =
	"Subject: plain\r\n"
	"Bcc: hidden@example.com\r\n"
	"\r\n"
	"Nothing to see: \xc3\x89T\xc3\x89\r\n";

struct test_msg {
	const char *raw;
	int fetches;
	bool fail;
};

static struct test_msg raws[3] = {
	{ msg_a, 0, false }, { msg_b, 0, false }, { msg_c, 0, false },
};

static int get_raw(void *ctx, const char **data, size_t *len)
{
	struct test_msg *t = ctx;

	t->fetches++;
	if (t->fail)
		return -1;
	*data = t->raw;
	*len = strlen(t->raw);
	return 0;
}

static const char *const kw_junk[] = { "$Junk" };
static struct imap_search_msg msgs[3];

static void setup_msgs(void)
{
	int tz;
	int i;

	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < 3; i++) {
		msgs[i].seq = (uint32_t)i + 1;
		msgs[i].uid = ((uint32_t)i + 1) * 10;
		msgs[i].get_raw = get_raw;
		msgs[i].ctx = &raws[i];
		raws[i].fetches = 0;
		raws[i].fail = false;
	}
	msgs[0].flags = IMAP_FLAG_SEEN;
	msgs[0].keywords = kw_junk;
	msgs[0].n_keywords = 1;
	imap_datetime_parse("1-Feb-1994 23:30:00 -0800",
			    &msgs[0].internal_date, &tz);
	msgs[0].internal_tz = tz;
	msgs[0].size = 100;
	msgs[0].modseq = 5;

	msgs[1].flags = IMAP_FLAG_RECENT | IMAP_FLAG_FLAGGED;
	imap_datetime_parse("2-Feb-1994 00:10:00 +0000",
			    &msgs[1].internal_date, &tz);
	msgs[1].size = 2000;
	msgs[1].modseq = 9;

	msgs[2].flags = IMAP_FLAG_RECENT | IMAP_FLAG_SEEN | IMAP_FLAG_DELETED |
			IMAP_FLAG_ANSWERED | IMAP_FLAG_DRAFT;
	imap_datetime_parse("10-Mar-2000 12:00:00 +0000",
			    &msgs[2].internal_date, &tz);
	msgs[2].size = 500;
	msgs[2].modseq = 7;
}

static const struct imap_parser_limits limits = { 8192, 8192 };

/* Parse "SEARCH <query>" with the command parser, then the search. */
static struct imap_search *parse_query(struct imap_parser *p,
				       const char *query, const char **err,
				       bool *badcharset)
{
	char line[1024];
	struct imap_search *s = NULL;
	const struct imap_arg *args;
	size_t used;

	snprintf(line, sizeof(line), "t SEARCH %s\r\n", query);
	CU_ASSERT_EQUAL_FATAL(imap_parser_feed(p, line, strlen(line), &used),
			      IMAP_PARSE_DONE);
	args = imap_parser_args(p);
	*err = NULL;
	if (imap_search_parse(args->v.list, args->len, &s, err,
			      badcharset) < 0)
		s = NULL;
	return s;
}

/* The matching sequence numbers, e.g. "1 3". */
static void assert_search(const char *query, const char *want)
{
	struct imap_parser *p = imap_parser_new(&limits);
	struct imap_search *s;
	const char *err;
	char got[64] = "";
	bool bad;
	int i, r;

	setup_msgs();
	s = parse_query(p, query, &err, &bad);
	CU_ASSERT_PTR_NOT_NULL(s);
	if (!s) {
		fprintf(stderr, "\n%s: %s\n", query, err);
		imap_parser_free(p);
		return;
	}
	imap_search_prepare(s, 3, 30);
	for (i = 0; i < 3; i++) {
		r = imap_search_match(s, &msgs[i]);
		CU_ASSERT(r == 0 || r == 1);
		if (r == 1)
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
				 "%s%d", *got ? " " : "", i + 1);
	}
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want))
		fprintf(stderr, "\nSEARCH %s: got [%s] want [%s]\n", query,
			got, want);
	imap_search_free(s);
	imap_parser_free(p);
}

static void test_flags(void)
{
	assert_search("ALL", "1 2 3");
	assert_search("SEEN", "1 3");
	assert_search("UNSEEN", "2");
	assert_search("NEW", "2");
	assert_search("OLD", "1");
	assert_search("RECENT", "2 3");
	assert_search("DELETED", "3");
	assert_search("UNDELETED", "1 2");
	assert_search("ANSWERED DRAFT", "3");
	assert_search("UNANSWERED", "1 2");
	assert_search("UNDRAFT", "1 2");
	assert_search("FLAGGED", "2");
	assert_search("unflagged", "1 3");
	assert_search("KEYWORD $junk", "1");
	assert_search("UNKEYWORD $Junk", "2 3");
	assert_search("KEYWORD \\Deleted", "3");
}

static void test_dates_sizes(void)
{
	/* internal dates compare by day in their own zone */
	assert_search("ON 1-Feb-1994", "1");
	assert_search("ON 2-Feb-1994", "2");
	assert_search("BEFORE 2-Feb-1994", "1");
	assert_search("SINCE \"2-Feb-1994\"", "2 3");
	/* Date: header by its own day; no header: 1-Jan-1970 (Dovecot) */
	assert_search("SENTON 7-Feb-1994", "1");
	assert_search("SENTON 8-Feb-1994", "2");
	assert_search("SENTBEFORE 8-Feb-1994", "1 3");
	assert_search("SENTSINCE 1-Jan-2000", "");
	assert_search("SENTON 1-Jan-1970", "3");
	assert_search("LARGER 100", "2 3");
	assert_search("SMALLER 500", "1");
	assert_search("MODSEQ 7", "2 3");
	assert_search("MODSEQ \"/flags/\\\\draft\" all 8", "2");
}

static void test_headers(void)
{
	assert_search("FROM \"j\xc3\xbcrgen\"", "1");
	assert_search("FROM {7+}\r\nJ\xc3\x9cRGEN", "1");
	assert_search("FROM alice", "2");
	assert_search("FROM example", "1 2");
	assert_search("SUBJECT \"r\xc3\xa9sum\xc3\xa9\"", "1");
	assert_search("CHARSET UTF-8 SUBJECT \"R\xc3\x89SUM\xc3\x89\"", "1");
	assert_search("TO team", "1");
	assert_search("CC BOB", "2");
	assert_search("BCC hidden", "3");
	assert_search("HEADER X-Tag alph", "1");
	assert_search("HEADER x-tag \"\"", "1");
	assert_search("HEADER X-None \"\"", "");
	assert_search("SUBJECT {5+}\r\nhello", "2");
}

static void test_body_text(void)
{
	assert_search("BODY \"caf\xc3\xa9\"", "1");
	assert_search("BODY \"soft break\"", "1");
	assert_search("BODY \"stra\xc3\x9f" "e\"", "2");
	assert_search("BODY \"Z\xc3\x9cRICH\"", "2");
	assert_search("BODY \"\xc3\xa9t\xc3\xa9\"", "2 3");
	assert_search("BODY secret-attachment", "");
	assert_search("BODY hello", "");
	assert_search("TEXT hello", "2");
	assert_search("TEXT \"\xc3\xa9t\xc3\xa9\"", "2 3");
	assert_search("TEXT x-tag", "1");
}

static void test_sets_and_logic(void)
{
	assert_search("1:2", "1 2");
	assert_search("2:*", "2 3");
	assert_search("*", "3");
	assert_search("UID 20:*", "2 3");
	assert_search("UID 25", "");
	assert_search("UID 1:15,30", "1 3");
	assert_search("OR SEEN FLAGGED", "1 2 3");
	assert_search("NOT SEEN", "2");
	assert_search("(SEEN LARGER 200)", "3");
	assert_search("OR (SEEN SMALLER 200) (DELETED)", "1 3");
	assert_search("NOT (OR SEEN FLAGGED)", "");
	assert_search("NOT NOT NOT SEEN", "2");
	assert_search("SEEN BODY \"caf\xc3\xa9\"", "1");
}

/* Index-only keys run first: the message bytes are read only if needed. */
static void test_lazy_fetch(void)
{
	struct imap_parser *p = imap_parser_new(&limits);
	struct imap_search *s;
	const char *err;
	bool bad;
	int i;

	setup_msgs();
	s = parse_query(p, "BODY zzzz SEEN", &err, &bad);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	imap_search_prepare(s, 3, 30);
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(imap_search_match(s, &msgs[i]), 0);
	CU_ASSERT_EQUAL(raws[0].fetches, 1);
	CU_ASSERT_EQUAL(raws[1].fetches, 0);
	CU_ASSERT_EQUAL(raws[2].fetches, 1);
	/* an unreadable message is an error, not a non-match */
	raws[0].fail = true;
	CU_ASSERT_EQUAL(imap_search_match(s, &msgs[0]), -1);
	imap_search_free(s);
	imap_parser_free(p);
}

static void assert_parse_error(const char *query, const char *want,
			       bool want_badcharset)
{
	struct imap_parser *p = imap_parser_new(&limits);
	struct imap_search *s;
	const char *err;
	bool bad;

	s = parse_query(p, query, &err, &bad);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_PTR_NOT_NULL(err);
	if (err)
		CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_EQUAL(bad, want_badcharset);
	imap_search_free(s);
	imap_parser_free(p);
}

static void test_parse_errors(void)
{
	char deep[400];
	int i;

	assert_parse_error("FOO", "Unknown search key", false);
	assert_parse_error("FROM", "Missing search argument", false);
	assert_parse_error("BEFORE 32-Jan-2000",
			   "Invalid date (use e.g. 1-Feb-1994)", false);
	assert_parse_error("LARGER -1", "Invalid number", false);
	assert_parse_error("UID x", "Invalid UID set", false);
	assert_parse_error("0:3", "Invalid sequence set", false);
	assert_parse_error("OR SEEN", "Missing search argument", false);
	assert_parse_error("CHARSET KOI8-R FROM x", "Unsupported charset",
			   true);
	assert_parse_error("CHARSET", "Missing charset", false);
	assert_parse_error("()", "Missing search key", false);
	assert_parse_error("KEYWORD \"a b\"", "Invalid keyword", false);
	assert_parse_error("SUBJECT \"\xff\"",
			   "Invalid characters in search string", false);
	assert_parse_error("MODSEQ \"/flags/x\" bogus 1",
			   "Invalid MODSEQ entry type", false);
	strcpy(deep, "");
	for (i = 0; i < IMAP_SEARCH_MAX_DEPTH + 1; i++)
		strcat(deep, "NOT ");
	strcat(deep, "SEEN");
	assert_parse_error(deep, "Search too complex", false);
}

static void test_modseq_flag(void)
{
	struct imap_parser *p = imap_parser_new(&limits);
	struct imap_search *s;
	const char *err;
	bool bad;

	s = parse_query(p, "OR SEEN (MODSEQ 3)", &err, &bad);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(s->has_modseq);
	imap_search_free(s);
	imap_parser_reset(p);
	s = parse_query(p, "SEEN", &err, &bad);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_FALSE(s->has_modseq);
	imap_search_free(s);
	imap_parser_free(p);
}

/* What a search reads, with Subject, From and Date "cached". */
static bool test_cached(const char *name, size_t len)
{
	return (len == 7 && !strncasecmp(name, "subject", 7)) ||
	       (len == 4 && !strncasecmp(name, "from", 4)) ||
	       (len == 4 && !strncasecmp(name, "date", 4));
}

static void assert_need(const char *query, enum imap_search_need want)
{
	struct imap_parser *p = imap_parser_new(&limits);
	struct imap_search *s;
	const char *err;
	bool bad;

	s = parse_query(p, query, &err, &bad);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(imap_search_need(s, test_cached), want);
	if (imap_search_need(s, test_cached) != want)
		fprintf(stderr, "\nneed of %s: %d, want %d\n", query,
			imap_search_need(s, test_cached), want);
	imap_search_free(s);
	imap_parser_free(p);
}

static void test_need(void)
{
	assert_need("ALL", IMAP_SEARCH_NEED_INDEX);
	assert_need("SEEN LARGER 10 UID 1:5 NOT KEYWORD x",
		    IMAP_SEARCH_NEED_INDEX);
	assert_need("SUBJECT x", IMAP_SEARCH_NEED_FIELDS);
	assert_need("UNSEEN OR FROM a SENTON 1-Jan-2000",
		    IMAP_SEARCH_NEED_FIELDS);
	assert_need("HEADER SUBJECT \"\"", IMAP_SEARCH_NEED_FIELDS);
	assert_need("NOT (SUBJECT x)", IMAP_SEARCH_NEED_FIELDS);
	assert_need("TO x", IMAP_SEARCH_NEED_MESSAGE);
	assert_need("HEADER X-Tag alpha", IMAP_SEARCH_NEED_MESSAGE);
	assert_need("SUBJECT x BODY y", IMAP_SEARCH_NEED_MESSAGE);
	assert_need("OR SUBJECT x TEXT y", IMAP_SEARCH_NEED_MESSAGE);
}

/*
 * Header values with and without encoded words, folded, in odd case:
 * the plain-ASCII shortcut answers as the decoding path does.
 */
static void test_header_shortcut(void)
{
	static const char folded[] =
		"Subject: Quarterly\r\n  Report ON\r\n\ttime\r\n"
		"From: =?UTF-8?Q?caf=C3=A9?= <x@y>\r\n\r\nbody\r\n";

	assert_search("SUBJECT QUARTERLY", "1");
	assert_search("SUBJECT \"y r\"", "1");	/* across "=?..?=" */
	assert_search("SUBJECT HeLLo", "2");
	assert_search("HEADER X-TAG ALPHA", "1");
	assert_search("FROM \"<JM@\"", "1");
	raws[2].raw = folded;
	/* the line ends go, the blanks of the continuation stay */
	assert_search("SUBJECT \"quarterly  report on\ttime\"", "3");
	assert_search("SUBJECT \"quarterlyreport\"", "");
	assert_search("SUBJECT \"on\ttime\"", "3");
	assert_search("FROM CAF", "3");	/* an encoded word */
	assert_search("FROM \"caf <x\"", "");
	assert_search("FROM \"<X@Y>\"", "3");
	raws[2].raw = msg_c;
}

void unit_register(void)
{
	static const CU_TestInfo tests[] = {
		{ "what a search reads", test_need },
		{ "plain ASCII header shortcut", test_header_shortcut },
		{ "flags and keywords", test_flags },
		{ "dates, sizes, modseq", test_dates_sizes },
		{ "header keys", test_headers },
		{ "BODY and TEXT", test_body_text },
		{ "sets, NOT, OR, groups", test_sets_and_logic },
		{ "message read only when needed", test_lazy_fetch },
		{ "grammar errors", test_parse_errors },
		{ "CONDSTORE MODSEQ noticed", test_modseq_flag },
		CU_TEST_INFO_NULL,
	};

	unit_suite("imap_search", tests);
}
