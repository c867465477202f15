// SPDX-License-Identifier: GPL-2.0
/* Unit tests for reading twinadm's JSON disk state (tools/twinhb/disk.c). */
#include <string.h>

#include "cu_run.h"
#include "../../tools/twinhb/disk.h"

static void test_twinadm_format(void)
{
	/* the shape `twinadm status --json r0` prints (tools/twinadm/status.c) */
	static const char json[] =
		"[\n  {\n    \"name\": \"r0\",\n    \"minor\": 0,\n"
		"    \"role\": \"Secondary\",\n    \"disk-state\": \"Outdated\",\n"
		"    \"peer\": {\n      \"role\": \"Primary\",\n"
		"      \"disk-state\": \"UpToDate\"\n    }\n  }\n]\n";
	char disk[32];

	CU_ASSERT_EQUAL_FATAL(disk_state_parse(json, disk, sizeof(disk)), 0);
	CU_ASSERT_STRING_EQUAL(disk, "Outdated");
}

static void test_other_keys(void)
{
	char disk[32];

	CU_ASSERT_EQUAL(disk_state_parse("{\"peer-disk\":\"Outdated\",\"disk\" : \"UpToDate\"}",
					 disk, sizeof(disk)), 0);
	CU_ASSERT_STRING_EQUAL(disk, "UpToDate");
	CU_ASSERT_EQUAL(disk_state_parse("{\"disk_state\":\"Inconsistent\"}",
					 disk, sizeof(disk)), 0);
	CU_ASSERT_STRING_EQUAL(disk, "Inconsistent");
}

static void test_bad(void)
{
	char disk[8];

	CU_ASSERT_EQUAL(disk_state_parse("", disk, sizeof(disk)), -1);
	CU_ASSERT_EQUAL(disk_state_parse("{\"role\":\"Primary\"}", disk,
					 sizeof(disk)), -1);
	CU_ASSERT_EQUAL(disk_state_parse("{\"disk-state\": 3}", disk,
					 sizeof(disk)), -1);
	CU_ASSERT_EQUAL(disk_state_parse("{\"disk-state\": \"UpTo", disk,
					 sizeof(disk)), -1);
	/* longer than the buffer */
	CU_ASSERT_EQUAL(disk_state_parse("{\"disk\":\"Inconsistent\"}", disk,
					 sizeof(disk)), -1);
	CU_ASSERT_EQUAL(disk_state_parse("twinadm: r0 is not up", disk,
					 sizeof(disk)), -1);
}

static CU_TestInfo tests[] = {
	{ "twinadm status --json", test_twinadm_format },
	{ "other key spellings", test_other_keys },
	{ "missing, malformed, too long", test_bad },
	CU_TEST_INFO_NULL,
};

void unit_register(void)
{
	unit_suite("twinhb-disk", tests);
}
