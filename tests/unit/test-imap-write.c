// SPDX-License-Identifier: GPL-2.0
/* Unit tests for response formatting: strings, flags and dates. */
#include <string.h>

#include "cu_run.h"
#include "imap/imap_date.h"
#include "imap/imap_flags.h"
#include "imap/imap_write.h"

static struct imap_buf out;

#define ASSERT_OUT(want) do { \
	CU_ASSERT_STRING_EQUAL(imap_buf_str(&out), want); \
	imap_buf_reset(&out); \
} while (0)

static void test_strings(void)
{
	imap_write_astring(&out, "INBOX", 5);
	ASSERT_OUT("INBOX");
	imap_write_astring(&out, "nil", 3);
	ASSERT_OUT("\"nil\"");
	imap_write_astring(&out, "", 0);
	ASSERT_OUT("\"\"");
	imap_write_astring(&out, "a b", 3);
	ASSERT_OUT("\"a b\"");
	imap_write_astring(&out, "50%", 3);
	ASSERT_OUT("\"50%\"");
	imap_write_astring(&out, "x]", 2);
	ASSERT_OUT("\"x]\"");
	/* up to four escapes are quoted, more make a literal (Dovecot) */
	imap_write_strz(&out, "say \"hi\" \\o/");
	ASSERT_OUT("\"say \\\"hi\\\" \\\\o/\"");
	imap_write_strz(&out, "\"\"\"\"\"");
	ASSERT_OUT("{5}\r\n\"\"\"\"\"");
	/* the ENVELOPE form never escapes */
	imap_write_unescaped(&out, "a\\b", 3);
	ASSERT_OUT("{3}\r\na\\b");
	imap_write_unescaped(&out, "ab", 2);
	ASSERT_OUT("\"ab\"");
	imap_write_strz(&out, "line\r\nbreak");
	ASSERT_OUT("{11}\r\nline\r\nbreak");
	imap_write_strz(&out, "caf\xc3\xa9");
	ASSERT_OUT("{5}\r\ncaf\xc3\xa9");
	imap_write_string(&out, "a\0b", 3);
	CU_ASSERT_EQUAL(out.len, 8);
	CU_ASSERT_EQUAL(memcmp(out.data, "{3}\r\na\0b", 8), 0);
	imap_buf_reset(&out);
	imap_write_nstrz(&out, NULL);
	ASSERT_OUT("NIL");
	imap_write_nstrz(&out, "NIL");
	ASSERT_OUT("\"NIL\"");
}

static void test_long_string_is_literal(void)
{
	char s[IMAP_WRITE_MAX_QUOTED + 1];

	memset(s, 'a', sizeof(s));
	imap_write_string(&out, s, IMAP_WRITE_MAX_QUOTED);
	CU_ASSERT_EQUAL(out.data[0], '"');
	imap_buf_reset(&out);
	imap_write_string(&out, s, sizeof(s));
	CU_ASSERT_EQUAL(strncmp(out.data, "{1025}\r\n", 8), 0);
	imap_buf_reset(&out);
}

static void test_human_string(void)
{
	imap_write_human_string(&out, "plain subject", 13);
	ASSERT_OUT("\"plain subject\"");
	imap_write_human_string(&out, "", 0);
	ASSERT_OUT("\"\"");
	imap_write_human_string(&out, "folded\r\n\t twice  spaced ", 24);
	ASSERT_OUT("{19}\r\nfolded twice spaced");
	imap_write_human_string(&out, " \t\r\n", 4);
	ASSERT_OUT("\"\"");
	imap_write_human_string(&out, "say \"x\"", 7);
	ASSERT_OUT("{7}\r\nsay \"x\"");
	imap_write_human_string(&out, "n\0l", 3);
	ASSERT_OUT("{3}\r\nn\x80l");
}

static void test_flags(void)
{
	const char *kw[] = { "$Junk", "NonJunk" };

	imap_write_flags(&out, 0, NULL, 0);
	ASSERT_OUT("()");
	imap_write_flags(&out, IMAP_FLAG_DRAFT | IMAP_FLAG_SEEN, kw, 2);
	ASSERT_OUT("(\\Seen \\Draft $Junk NonJunk)");
	CU_ASSERT_EQUAL(imap_flag_from_name("\\sEEn"), IMAP_FLAG_SEEN);
	CU_ASSERT_EQUAL(imap_flag_from_name("\\Recent"), IMAP_FLAG_RECENT);
	CU_ASSERT_EQUAL(imap_flag_from_name("Seen"), 0);
	CU_ASSERT_EQUAL(imap_flag_from_name("\\Bogus"), 0);
	CU_ASSERT_STRING_EQUAL(imap_flag_name(IMAP_FLAG_ANSWERED),
			       "\\Answered");
	CU_ASSERT_TRUE(imap_keyword_is_valid("$Forwarded"));
	CU_ASSERT_FALSE(imap_keyword_is_valid("\\Seen"));
	CU_ASSERT_FALSE(imap_keyword_is_valid("a b"));
	CU_ASSERT_FALSE(imap_keyword_is_valid(""));
	CU_ASSERT_FALSE(imap_keyword_is_valid("x]"));
}

static void test_search_date(void)
{
	int64_t day;

	CU_ASSERT_EQUAL(imap_date_parse("1-Jan-1970", &day), 0);
	CU_ASSERT_EQUAL(day, 0);
	CU_ASSERT_EQUAL(imap_date_parse("1-feb-1994", &day), 0);
	CU_ASSERT_EQUAL(day, 8797);
	CU_ASSERT_EQUAL(imap_date_parse("29-Feb-2000", &day), 0);
	CU_ASSERT_EQUAL(imap_date_parse("31-Dec-1969", &day), 0);
	CU_ASSERT_EQUAL(day, -1);
	CU_ASSERT_EQUAL(imap_date_parse("29-Feb-1900", &day), -1);
	CU_ASSERT_EQUAL(imap_date_parse("31-Apr-2020", &day), -1);
	CU_ASSERT_EQUAL(imap_date_parse("0-Jan-2020", &day), -1);
	CU_ASSERT_EQUAL(imap_date_parse("1-Jan-20", &day), -1);
	CU_ASSERT_EQUAL(imap_date_parse("1-Foo-2020", &day), -1);
	CU_ASSERT_EQUAL(imap_date_parse("1-Jan-2020x", &day), -1);
	CU_ASSERT_EQUAL(imap_date_parse("", &day), -1);
}

static void test_datetime(void)
{
	time_t t;
	int tz;

	/* RFC 3501 example INTERNALDATE */
	CU_ASSERT_EQUAL(imap_datetime_parse("17-Jul-1996 02:44:25 -0700",
					    &t, &tz), 0);
	CU_ASSERT_EQUAL(t, 837596665);
	CU_ASSERT_EQUAL(tz, -420);
	imap_datetime_write(&out, t, tz);
	ASSERT_OUT("\"17-Jul-1996 02:44:25 -0700\"");
	imap_datetime_write(&out, t, 0);
	ASSERT_OUT("\"17-Jul-1996 09:44:25 +0000\"");
	imap_datetime_write(&out, t, 330);
	ASSERT_OUT("\"17-Jul-1996 15:14:25 +0530\"");
	CU_ASSERT_EQUAL(imap_datetime_parse(" 1-Jan-2000 00:00:00 +0000",
					    &t, &tz), 0);
	CU_ASSERT_EQUAL(t, 946684800);
	imap_datetime_write(&out, t, 0);
	ASSERT_OUT("\"01-Jan-2000 00:00:00 +0000\"");
	CU_ASSERT_EQUAL(imap_datetime_parse("1-Jan-2000 24:00:00 +0000",
					    &t, &tz), -1);
	CU_ASSERT_EQUAL(imap_datetime_parse("1-Jan-2000 00:00:00 +0060",
					    &t, &tz), -1);
	CU_ASSERT_EQUAL(imap_datetime_parse("1-Jan-2000 00:00:00", &t, &tz),
			-1);
	/* the day is local to the zone */
	CU_ASSERT_EQUAL(imap_day_of(837596665, -420),
			imap_days_from_civil(1996, 7, 17));
	CU_ASSERT_EQUAL(imap_day_of(946684799, 0),
			imap_days_from_civil(1999, 12, 31));
	CU_ASSERT_EQUAL(imap_day_of(-1, 0), -1);
}

static void test_rfc5322_date(void)
{
	time_t t;
	int tz;

	CU_ASSERT_EQUAL(imap_rfc5322_date_parse(
		"Mon, 7 Feb 1994 21:52:25 -0800 (PST)", &t, &tz), 0);
	CU_ASSERT_EQUAL(t, 760686745);
	CU_ASSERT_EQUAL(tz, -480);
	CU_ASSERT_EQUAL(imap_rfc5322_date_parse(" 7 Feb 94 21:52 PST",
						&t, &tz), 0);
	CU_ASSERT_EQUAL(t, 760686720);
	CU_ASSERT_EQUAL(imap_rfc5322_date_parse("Tue, 1 Jan 2030 00:00:00 GMT",
						&t, &tz), 0);
	CU_ASSERT_EQUAL(t, 1893456000);
	CU_ASSERT_EQUAL(tz, 0);
	CU_ASSERT_EQUAL(imap_rfc5322_date_parse("yesterday", &t, &tz), -1);
	CU_ASSERT_EQUAL(imap_rfc5322_date_parse("32 Jan 2020 00:00", &t, &tz),
			-1);
	CU_ASSERT_EQUAL(imap_rfc5322_date_parse("", &t, &tz), -1);
}

void unit_register(void)
{
	static const CU_TestInfo tests[] = {
		{ "atom, quoted, literal", test_strings },
		{ "long strings become literals", test_long_string_is_literal },
		{ "strings for humans", test_human_string },
		{ "flag lists", test_flags },
		{ "SEARCH dates", test_search_date },
		{ "date-time", test_datetime },
		{ "RFC 5322 dates", test_rfc5322_date },
		CU_TEST_INFO_NULL,
	};

	unit_suite("imap_write", tests);
}
