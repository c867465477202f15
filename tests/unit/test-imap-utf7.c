// SPDX-License-Identifier: GPL-2.0
/* Unit tests for modified UTF-7 mailbox names (RFC 3501 5.1.3). */
#include <string.h>

#include "cu_run.h"
#include "imap/imap_utf7.h"

static const struct {
	const char *utf8, *utf7;
} pairs[] = {
	{ "INBOX", "INBOX" },
	{ "", "" },
	{ "a&b", "a&-b" },
	{ "&&", "&-&-" },
	{ "Entw\xc3\xbcrfe", "Entw&APw-rfe" },
	/* RFC 3501 5.1.3 example */
	{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac"
	  "\xe8\xaa\x9e", "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
	{ "\xc3\xa9\xc3\xa9", "&AOkA6Q-" },
	{ "\xe2\x98\xba", "&Jjo-" },
	/* outside the BMP: a surrogate pair */
	{ "x\xf0\x9f\x98\x80y", "x&2D3eAA-y" },
	{ "\xc3\xa9&", "&AOk-&-" },
};

static void test_roundtrip(void)
{
	struct imap_buf b = IMAP_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		imap_buf_reset(&b);
		CU_ASSERT_EQUAL(imap_utf8_to_utf7(pairs[i].utf8, &b), 0);
		CU_ASSERT_STRING_EQUAL(imap_buf_str(&b), pairs[i].utf7);
		imap_buf_reset(&b);
		CU_ASSERT_EQUAL(imap_utf7_to_utf8(pairs[i].utf7, &b), 0);
		CU_ASSERT_STRING_EQUAL(imap_buf_str(&b), pairs[i].utf8);
		CU_ASSERT_TRUE(imap_utf7_is_valid(pairs[i].utf7));
	}
	imap_buf_free(&b);
}

static void test_invalid_utf7(void)
{
	static const char *const bad[] = {
		"&AGE-",		/* "a" must be written directly */
		"&AOk-&AOk-",		/* two runs must be one */
		"&AOk",			/* missing "-" */
		"&AO!-",		/* not base64 */
		"&AOl-",		/* non-zero padding bits */
		"&AOkA-",		/* a partial unit */
		"&2D0-",		/* lone high surrogate */
		"&3gA-",		/* lone low surrogate */
		"&2D3YPQ-",		/* high followed by high */
		"caf\xc3\xa9",		/* raw 8-bit */
		"tab\there",		/* control character */
		"&",
		"&AOk/-",		/* "/" is not modified base64 */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_FALSE(imap_utf7_is_valid(bad[i]));
}

static void test_invalid_utf8(void)
{
	static const char *const bad[] = {
		"\xc3",			/* truncated */
		"\xc0\xaf",		/* overlong "/" */
		"\xed\xa0\x80",		/* encoded surrogate */
		"\xf4\x90\x80\x80",	/* above U+10FFFF */
		"\xff",
		"a\x80",
	};
	struct imap_buf b = IMAP_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(imap_utf8_to_utf7(bad[i], &b), -1);
		CU_ASSERT_FALSE(imap_utf8_is_valid(bad[i], strlen(bad[i])));
	}
	CU_ASSERT_TRUE(imap_utf8_is_valid("\xf4\x8f\xbf\xbf", 4));
	imap_buf_free(&b);
}

void unit_register(void)
{
	static const CU_TestInfo tests[] = {
		{ "round trip", test_roundtrip },
		{ "invalid modified UTF-7", test_invalid_utf7 },
		{ "invalid UTF-8", test_invalid_utf8 },
		CU_TEST_INFO_NULL,
	};

	unit_suite("imap_utf7", tests);
}
