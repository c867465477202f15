// SPDX-License-Identifier: GPL-2.0
/* LMTP command parsing. */
#include <string.h>

#include "cu_run.h"
#include "proto/lmtp_parse.h"

static void test_cmd_verbs(void)
{
	struct lmtp_cmd cmd;
	char l1[] = "lhlo mx.example.org  ";
	char l2[] = "MAIL FROM:<a@b>";
	char l3[] = "HELO x";
	char l4[] = "XYZZY";
	char l5[] = "DATAX";
	char l6[] = "";

	lmtp_parse_cmd(l1, &cmd);
	CU_ASSERT_EQUAL(cmd.verb, LMTP_LHLO);
	CU_ASSERT_STRING_EQUAL(cmd.arg, "mx.example.org");
	lmtp_parse_cmd(l2, &cmd);
	CU_ASSERT_EQUAL(cmd.verb, LMTP_MAIL);
	CU_ASSERT_STRING_EQUAL(cmd.arg, "FROM:<a@b>");
	lmtp_parse_cmd(l3, &cmd);
	CU_ASSERT_EQUAL(cmd.verb, LMTP_HELO);
	lmtp_parse_cmd(l4, &cmd);
	CU_ASSERT_EQUAL(cmd.verb, LMTP_UNKNOWN);
	lmtp_parse_cmd(l5, &cmd);
	CU_ASSERT_EQUAL(cmd.verb, LMTP_UNKNOWN);
	lmtp_parse_cmd(l6, &cmd);
	CU_ASSERT_EQUAL(cmd.verb, LMTP_UNKNOWN);
}

static void test_mail(void)
{
	struct lmtp_mail m;
	const char *err = NULL;

	CU_ASSERT_EQUAL(lmtp_parse_mail("FROM:<alice@example.org>", &m, &err),
			0);
	CU_ASSERT_STRING_EQUAL(m.from, "alice@example.org");
	CU_ASSERT_EQUAL(m.size, 0);
	CU_ASSERT_EQUAL(lmtp_parse_mail("from: <> SIZE=12345 BODY=8BITMIME",
					&m, &err), 0);
	CU_ASSERT_STRING_EQUAL(m.from, "");
	CU_ASSERT_EQUAL(m.size, 12345);
	CU_ASSERT_TRUE(m.eightbit);
	CU_ASSERT_EQUAL(lmtp_parse_mail("FROM:<@relay:bob@x>", &m, &err), 0);
	CU_ASSERT_STRING_EQUAL(m.from, "bob@x");

	CU_ASSERT_EQUAL(lmtp_parse_mail("FROM:alice@x", &m, &err), -1);
	CU_ASSERT_NSTRING_EQUAL(err, "501 5.1.7", 9);
	CU_ASSERT_EQUAL(lmtp_parse_mail("TO:<a@b>", &m, &err), -1);
	CU_ASSERT_NSTRING_EQUAL(err, "501 5.5.4", 9);
	CU_ASSERT_EQUAL(lmtp_parse_mail("FROM:<a@b> SIZE=abc", &m, &err), -1);
	CU_ASSERT_EQUAL(lmtp_parse_mail("FROM:<a@b> SIZE=99999999999999999999",
					&m, &err), -1);
	CU_ASSERT_EQUAL(lmtp_parse_mail("FROM:<a@b> SMTPUTF8", &m, &err), -1);
	CU_ASSERT_NSTRING_EQUAL(err, "555", 3);
	CU_ASSERT_EQUAL(lmtp_parse_mail("FROM:<a b@c>", &m, &err), -1);
	CU_ASSERT_EQUAL(lmtp_parse_mail("FROM:<a@b", &m, &err), -1);
}

static void test_mail_long_address(void)
{
	char arg[LMTP_ADDR_MAX + 64];
	struct lmtp_mail m;
	const char *err;

	strcpy(arg, "FROM:<");
	memset(arg + 6, 'a', LMTP_ADDR_MAX + 1);
	strcpy(arg + 6 + LMTP_ADDR_MAX + 1, ">");
	CU_ASSERT_EQUAL(lmtp_parse_mail(arg, &m, &err), -1);
	arg[6 + LMTP_ADDR_MAX] = '>';
	arg[6 + LMTP_ADDR_MAX + 1] = '\0';
	CU_ASSERT_EQUAL(lmtp_parse_mail(arg, &m, &err), 0);
	CU_ASSERT_EQUAL(strlen(m.from), LMTP_ADDR_MAX);
}

static void test_rcpt(void)
{
	struct lmtp_rcpt r;
	const char *err;

	CU_ASSERT_EQUAL(lmtp_parse_rcpt("TO:<bob@example.org>", &r, &err), 0);
	CU_ASSERT_STRING_EQUAL(r.user, "bob");
	CU_ASSERT_STRING_EQUAL(r.domain, "example.org");
	CU_ASSERT_STRING_EQUAL(r.detail, "");
	CU_ASSERT_EQUAL(lmtp_parse_rcpt("To:<bob+lists@example.org>", &r, &err),
			0);
	CU_ASSERT_STRING_EQUAL(r.user, "bob");
	CU_ASSERT_STRING_EQUAL(r.detail, "lists");
	CU_ASSERT_STRING_EQUAL(r.addr, "bob+lists@example.org");
	CU_ASSERT_EQUAL(lmtp_parse_rcpt("TO:<carol>", &r, &err), 0);
	CU_ASSERT_STRING_EQUAL(r.user, "carol");
	CU_ASSERT_STRING_EQUAL(r.domain, "");
	CU_ASSERT_EQUAL(lmtp_parse_rcpt("TO:<a+b+c@d>", &r, &err), 0);
	CU_ASSERT_STRING_EQUAL(r.user, "a");
	CU_ASSERT_STRING_EQUAL(r.detail, "b+c");

	CU_ASSERT_EQUAL(lmtp_parse_rcpt("TO:<>", &r, &err), -1);
	CU_ASSERT_EQUAL(lmtp_parse_rcpt("TO:<+x@d>", &r, &err), -1);
	CU_ASSERT_EQUAL(lmtp_parse_rcpt("TO:<a@b> NOTIFY=NEVER", &r, &err), -1);
	CU_ASSERT_EQUAL(lmtp_parse_rcpt("FROM:<a@b>", &r, &err), -1);
}

static const CU_TestInfo lmtp_tests[] = {
	{ "command verbs", test_cmd_verbs },
	{ "MAIL FROM", test_mail },
	{ "MAIL FROM address length", test_mail_long_address },
	{ "RCPT TO", test_rcpt },
	CU_TEST_INFO_NULL,
};

void unit_register(void)
{
	unit_suite("lmtp_parse", lmtp_tests);
}
