// SPDX-License-Identifier: GPL-2.0
/* Unit tests for IMAP sequence sets. */
#include "cu_run.h"
#include "imap/imap_seqset.h"

static void parse_resolve(struct imap_seqset *s, const char *str,
			  uint32_t max)
{
	const char *err = NULL;

	imap_seqset_init(s);
	CU_ASSERT_EQUAL_FATAL(imap_seqset_parse(s, str, &err), 0);
	imap_seqset_resolve(s, max);
}

static void assert_format(const struct imap_seqset *s, const char *want)
{
	struct imap_buf b = IMAP_BUF_INIT;

	imap_seqset_format(s, &b);
	CU_ASSERT_STRING_EQUAL(imap_buf_str(&b), want);
	imap_buf_free(&b);
}

static void test_parse_and_contains(void)
{
	struct imap_seqset s;

	parse_resolve(&s, "2,4:7,9,12:*", 15);
	CU_ASSERT_FALSE(imap_seqset_contains(&s, 1));
	CU_ASSERT_TRUE(imap_seqset_contains(&s, 2));
	CU_ASSERT_FALSE(imap_seqset_contains(&s, 3));
	CU_ASSERT_TRUE(imap_seqset_contains(&s, 4));
	CU_ASSERT_TRUE(imap_seqset_contains(&s, 7));
	CU_ASSERT_FALSE(imap_seqset_contains(&s, 8));
	CU_ASSERT_TRUE(imap_seqset_contains(&s, 9));
	CU_ASSERT_TRUE(imap_seqset_contains(&s, 15));
	CU_ASSERT_FALSE(imap_seqset_contains(&s, 16));
	CU_ASSERT_EQUAL(imap_seqset_count(&s), 1 + 4 + 1 + 4);
	CU_ASSERT_EQUAL(imap_seqset_max(&s), 15);
	assert_format(&s, "2,4:7,9,12:15");
	imap_seqset_free(&s);
}

static void test_star(void)
{
	struct imap_seqset s;

	parse_resolve(&s, "*", 42);
	CU_ASSERT_TRUE(imap_seqset_contains(&s, 42));
	CU_ASSERT_FALSE(imap_seqset_contains(&s, 41));
	CU_ASSERT_EQUAL(imap_seqset_count(&s), 1);
	imap_seqset_free(&s);

	/* RFC 3501: 559:* includes the last UID even if it is below 559 */
	parse_resolve(&s, "559:*", 500);
	CU_ASSERT_TRUE(imap_seqset_contains(&s, 500));
	CU_ASSERT_TRUE(imap_seqset_contains(&s, 559));
	CU_ASSERT_FALSE(imap_seqset_contains(&s, 499));
	CU_ASSERT_FALSE(imap_seqset_contains(&s, 560));
	imap_seqset_free(&s);

	parse_resolve(&s, "*:4", 10);
	assert_format(&s, "4:10");
	imap_seqset_free(&s);

	imap_seqset_init(&s);
	CU_ASSERT_EQUAL(imap_seqset_parse(&s, "1:*", &(const char *){ 0 }),
			0);
	CU_ASSERT_TRUE(imap_seqset_has_star(&s));
	assert_format(&s, "1:*");
	imap_seqset_free(&s);
}

static void test_normalize(void)
{
	struct imap_seqset s;

	/* reversed ranges, overlap, adjacency, duplicates */
	parse_resolve(&s, "7:4,5,1,2,3,20:18,8", 100);
	assert_format(&s, "1:8,18:20");
	CU_ASSERT_EQUAL(s.count, 2);
	imap_seqset_free(&s);

	parse_resolve(&s, "4294967294,1", 3);
	assert_format(&s, "1,4294967294");
	imap_seqset_free(&s);
}

static void test_iterate(void)
{
	struct imap_seqset s;
	struct imap_seqset_iter it = IMAP_SEQSET_ITER_INIT;
	uint32_t n, want[] = { 1, 2, 3, 7, 9, 10 };
	size_t i = 0;

	parse_resolve(&s, "9:*,1:3,7", 10);
	while (imap_seqset_next(&s, &it, &n)) {
		CU_ASSERT_FATAL(i < 6);
		CU_ASSERT_EQUAL(n, want[i]);
		i++;
	}
	CU_ASSERT_EQUAL(i, 6);
	imap_seqset_free(&s);

	/* iterating up to the 32-bit maximum terminates */
	parse_resolve(&s, "4294967293:4294967294", 0);
	it = (struct imap_seqset_iter)IMAP_SEQSET_ITER_INIT;
	i = 0;
	while (imap_seqset_next(&s, &it, &n))
		i++;
	CU_ASSERT_EQUAL(i, 2);
	imap_seqset_free(&s);
}

static void test_invalid(void)
{
	static const char *const bad[] = {
		"", "0", "1:0", "01", ",1", "1,", "1::2", "a", "1:2:3",
		"4294967295", "99999999999", "1 2", "-1", "*:", ":*", "1,,2",
	};
	struct imap_seqset s;
	const char *err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		imap_seqset_init(&s);
		err = NULL;
		CU_ASSERT_EQUAL(imap_seqset_parse(&s, bad[i], &err), -1);
		CU_ASSERT_PTR_NOT_NULL(err);
		imap_seqset_free(&s);
	}
}

static void test_build(void)
{
	struct imap_seqset s;

	imap_seqset_init(&s);
	CU_ASSERT_EQUAL(imap_seqset_add(&s, 10, 10), 0);
	CU_ASSERT_EQUAL(imap_seqset_add(&s, 11, 11), 0);
	CU_ASSERT_EQUAL(imap_seqset_add(&s, 3, 1), 0);
	imap_seqset_resolve(&s, 11);
	assert_format(&s, "1:3,10:11");
	imap_seqset_free(&s);
}

void unit_register(void)
{
	static const CU_TestInfo tests[] = {
		{ "parse and contains", test_parse_and_contains },
		{ "star semantics", test_star },
		{ "normalize", test_normalize },
		{ "iterate", test_iterate },
		{ "invalid sets", test_invalid },
		{ "build and format", test_build },
		CU_TEST_INFO_NULL,
	};

	unit_suite("imap_seqset", tests);
}
