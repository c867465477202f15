// SPDX-License-Identifier: GPL-2.0
/* POP3 command parsing and SASL PLAIN. */
#include <string.h>

#include "cu_run.h"
#include "proto/pop3_parse.h"
#include "proto/sasl.h"

static void test_cmds(void)
{
	struct pop3_cmd cmd;
	char l1[] = "retr 12";
	char l2[] = "TOP 1 10";
	char l3[] = "PASS secret with spaces";
	char l4[] = "STAT";
	char l5[] = "LIST 1 2";
	char l6[] = "RETR";
	char l7[] = "LIST  1";
	char l8[] = "FOO bar";
	char l9[] = "UIDL 3 ";

	CU_ASSERT_EQUAL(pop3_parse_cmd(l1, &cmd), 0);
	CU_ASSERT_EQUAL(cmd.verb, POP3_RETR);
	CU_ASSERT_EQUAL(cmd.argc, 1);
	CU_ASSERT_STRING_EQUAL(cmd.argv[0], "12");
	CU_ASSERT_EQUAL(pop3_parse_cmd(l2, &cmd), 0);
	CU_ASSERT_EQUAL(cmd.verb, POP3_TOP);
	CU_ASSERT_EQUAL(cmd.argc, 2);
	CU_ASSERT_STRING_EQUAL(cmd.argv[1], "10");
	CU_ASSERT_EQUAL(pop3_parse_cmd(l3, &cmd), 0);
	CU_ASSERT_EQUAL(cmd.verb, POP3_PASS);
	CU_ASSERT_STRING_EQUAL(cmd.argv[0], "secret with spaces");
	CU_ASSERT_EQUAL(pop3_parse_cmd(l4, &cmd), 0);
	CU_ASSERT_EQUAL(cmd.argc, 0);
	CU_ASSERT_EQUAL(pop3_parse_cmd(l5, &cmd), -1);	/* too many */
	CU_ASSERT_EQUAL(pop3_parse_cmd(l6, &cmd), -1);	/* too few */
	CU_ASSERT_EQUAL(pop3_parse_cmd(l7, &cmd), -1);	/* empty arg */
	CU_ASSERT_EQUAL(pop3_parse_cmd(l8, &cmd), 0);
	CU_ASSERT_EQUAL(cmd.verb, POP3_UNKNOWN);
	CU_ASSERT_EQUAL(pop3_parse_cmd(l9, &cmd), 0);
	CU_ASSERT_STRING_EQUAL(cmd.argv[0], "3");
}

static void test_num(void)
{
	unsigned long n;

	CU_ASSERT_EQUAL(pop3_parse_num("1", 5, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(pop3_parse_num("5", 5, &n), 0);
	CU_ASSERT_EQUAL(pop3_parse_num("6", 5, &n), -1);
	CU_ASSERT_EQUAL(pop3_parse_num("0", 5, &n), -1);
	CU_ASSERT_EQUAL(pop3_parse_num("-1", 5, &n), -1);
	CU_ASSERT_EQUAL(pop3_parse_num("+1", 5, &n), -1);
	CU_ASSERT_EQUAL(pop3_parse_num("1x", 5, &n), -1);
	CU_ASSERT_EQUAL(pop3_parse_num("", 5, &n), -1);
	CU_ASSERT_EQUAL(pop3_parse_num("99999999999999999999", ~0UL, &n), -1);
}

static void test_base64(void)
{
	unsigned char out[64];
	size_t len;

	CU_ASSERT_EQUAL(sasl_base64_decode("aGVsbG8=", out, sizeof(out), &len),
			0);
	CU_ASSERT_EQUAL(len, 5);
	CU_ASSERT_EQUAL(memcmp(out, "hello", 5), 0);
	CU_ASSERT_EQUAL(sasl_base64_decode("aGk=", out, sizeof(out), &len), 0);
	CU_ASSERT_EQUAL(len, 2);
	CU_ASSERT_EQUAL(sasl_base64_decode("aA==", out, sizeof(out), &len), 0);
	CU_ASSERT_EQUAL(len, 1);
	CU_ASSERT_EQUAL(sasl_base64_decode("", out, sizeof(out), &len), 0);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_EQUAL(sasl_base64_decode("aGk", out, sizeof(out), &len), -1);
	CU_ASSERT_EQUAL(sasl_base64_decode("a=Gk", out, sizeof(out), &len), -1);
	CU_ASSERT_EQUAL(sasl_base64_decode("aGk=aGk=", out, sizeof(out), &len),
			-1);
	CU_ASSERT_EQUAL(sasl_base64_decode("a Gk", out, sizeof(out), &len), -1);
	CU_ASSERT_EQUAL(sasl_base64_decode("aGVsbG8=", out, 4, &len), -1);
}

static void test_plain(void)
{
	struct sasl_plain pl;

	/* "\0bob\0s3cret" */
	CU_ASSERT_EQUAL(sasl_plain_decode("AGJvYgBzM2NyZXQ=", &pl), 0);
	CU_ASSERT_STRING_EQUAL(pl.authzid, "");
	CU_ASSERT_STRING_EQUAL(pl.authcid, "bob");
	CU_ASSERT_STRING_EQUAL(pl.passwd, "s3cret");
	/* "bob\0bob\0pw" */
	CU_ASSERT_EQUAL(sasl_plain_decode("Ym9iAGJvYgBwdw==", &pl), 0);
	CU_ASSERT_STRING_EQUAL(pl.authzid, "bob");
	/* "bob\0pw": one NUL only */
	CU_ASSERT_EQUAL(sasl_plain_decode("Ym9iAHB3", &pl), -1);
	/* "\0\0pw": empty authcid */
	CU_ASSERT_EQUAL(sasl_plain_decode("AABwdw==", &pl), -1);
	/* "\0bob\0": empty password */
	CU_ASSERT_EQUAL(sasl_plain_decode("AGJvYgA=", &pl), -1);
	/* "\0bob\0p\0w": NUL inside the password */
	CU_ASSERT_EQUAL(sasl_plain_decode("AGJvYgBwAHc=", &pl), -1);
	CU_ASSERT_EQUAL(sasl_plain_decode("not base64!", &pl), -1);
}

static const CU_TestInfo pop3_tests[] = {
	{ "commands", test_cmds },
	{ "message numbers", test_num },
	CU_TEST_INFO_NULL,
};

static const CU_TestInfo sasl_tests[] = {
	{ "base64", test_base64 },
	{ "PLAIN", test_plain },
	CU_TEST_INFO_NULL,
};

void unit_register(void)
{
	unit_suite("pop3_parse", pop3_tests);
	unit_suite("sasl", sasl_tests);
}
