// SPDX-License-Identifier: GPL-2.0
/* Bounded buffers: caps, line extraction, compaction. */
#include <string.h>

#include "cu_run.h"
#include "lib/buf.h"

static void test_cap(void)
{
	struct buf b;
	char big[100];

	memset(big, 'x', sizeof(big));
	buf_init(&b, 64);
	CU_ASSERT_EQUAL(buf_append(&b, big, 64), 0);
	CU_ASSERT_EQUAL(buf_used(&b), 64);
	CU_ASSERT_EQUAL(buf_append(&b, big, 1), -1);	/* over the cap */
	CU_ASSERT_EQUAL(buf_used(&b), 64);		/* unchanged */
	buf_consume(&b, 10);
	CU_ASSERT_EQUAL(buf_append(&b, big, 10), 0);	/* room again */
	CU_ASSERT_EQUAL(buf_append(&b, big, 1), -1);
	CU_ASSERT_EQUAL(buf_reserve(&b, (size_t)-1), -1);	/* overflow */
	buf_free(&b);
}

static void test_printf(void)
{
	struct buf b;

	buf_init(&b, 16);
	CU_ASSERT_EQUAL(buf_printf(&b, "%d-%s", 42, "abc"), 0);
	CU_ASSERT_EQUAL(buf_used(&b), 6);
	CU_ASSERT_EQUAL(memcmp(buf_head(&b), "42-abc", 6), 0);
	CU_ASSERT_EQUAL(buf_printf(&b, "%s", "0123456789"), -1);
	CU_ASSERT_EQUAL(buf_used(&b), 6);
	buf_free(&b);
}

static void test_getline(void)
{
	struct buf b;
	char *line;
	size_t len;

	buf_init(&b, 1024);
	buf_append(&b, "USER bob\r\nPASS x\nPART", 21);
	CU_ASSERT_EQUAL(buf_getline(&b, 100, &line, &len), BUF_LINE_OK);
	CU_ASSERT_STRING_EQUAL(line, "USER bob");
	CU_ASSERT_EQUAL(len, 8);
	CU_ASSERT_EQUAL(buf_getline(&b, 100, &line, &len), BUF_LINE_OK);
	CU_ASSERT_STRING_EQUAL(line, "PASS x");
	CU_ASSERT_EQUAL(buf_getline(&b, 100, &line, &len), BUF_LINE_NEED);
	buf_append(&b, "IAL\r\n", 5);
	CU_ASSERT_EQUAL(buf_getline(&b, 100, &line, &len), BUF_LINE_OK);
	CU_ASSERT_STRING_EQUAL(line, "PARTIAL");
	CU_ASSERT_EQUAL(buf_getline(&b, 100, &line, &len), BUF_LINE_NEED);
	buf_free(&b);
}

static void test_line_limit(void)
{
	struct buf b;
	char data[40];
	char *line;
	size_t len;

	buf_init(&b, 1024);
	/* max counts the line with its newline. */
	memset(data, 'a', 9);
	data[9] = '\n';
	buf_append(&b, data, 10);
	CU_ASSERT_EQUAL(buf_getline(&b, 10, &line, &len), BUF_LINE_OK);
	CU_ASSERT_EQUAL(len, 9);
	memset(data, 'a', 10);
	data[10] = '\n';
	buf_append(&b, data, 11);
	CU_ASSERT_EQUAL(buf_getline(&b, 10, &line, &len), BUF_LINE_TOO_LONG);
	buf_reset(&b);
	/* Too long is known before the newline arrives. */
	buf_append(&b, data, 10);
	CU_ASSERT_EQUAL(buf_getline(&b, 10, &line, &len), BUF_LINE_TOO_LONG);
	buf_reset(&b);
	buf_append(&b, data, 9);
	CU_ASSERT_EQUAL(buf_getline(&b, 10, &line, &len), BUF_LINE_NEED);
	buf_free(&b);
}

static void test_swap_shrink(void)
{
	struct buf a, b;

	buf_init(&a, 100);
	buf_init(&b, 200);
	buf_append(&a, "abc", 3);
	buf_swap(&a, &b);
	CU_ASSERT_EQUAL(buf_used(&a), 0);
	CU_ASSERT_EQUAL(a.cap, 200);
	CU_ASSERT_EQUAL(buf_used(&b), 3);
	CU_ASSERT_EQUAL(b.cap, 100);
	buf_consume(&b, 3);
	buf_shrink(&b);
	CU_ASSERT_PTR_NULL(b.data);
	buf_free(&a);
}

static void test_compaction(void)
{
	struct buf b;
	char chunk[300];
	int i;

	memset(chunk, 'z', sizeof(chunk));
	buf_init(&b, 1000);
	/* A stream through a small buffer never hits the cap. */
	for (i = 0; i < 100; i++) {
		CU_ASSERT_EQUAL_FATAL(buf_append(&b, chunk, sizeof(chunk)), 0);
		buf_consume(&b, sizeof(chunk));
	}
	CU_ASSERT_TRUE(b.size <= 1000);
	buf_free(&b);
}

static const CU_TestInfo buf_tests[] = {
	{ "cap", test_cap },
	{ "printf", test_printf },
	{ "getline", test_getline },
	{ "line limit", test_line_limit },
	{ "swap and shrink", test_swap_shrink },
	{ "compaction", test_compaction },
	CU_TEST_INFO_NULL,
};

void unit_register(void)
{
	unit_suite("buf", buf_tests);
}
