// SPDX-License-Identifier: GPL-2.0
/* Shared main() for the CUnit programs: see cu_run.h. */
#include <stdio.h>
#include <stdlib.h>

#include "cu_run.h"

void unit_suite(const char *name, const CU_TestInfo *tests)
{
	CU_pSuite suite = CU_add_suite(name, NULL, NULL);
	const CU_TestInfo *t;

	if (!suite) {
		fprintf(stderr, "CUnit: cannot add suite %s\n", name);
		exit(2);
	}
	for (t = tests; t->pName; t++) {
		if (!CU_add_test(suite, t->pName, t->pTestFunc)) {
			fprintf(stderr, "CUnit: cannot add test %s\n", t->pName);
			exit(2);
		}
	}
}

int main(void)
{
	unsigned int run, failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	unit_register();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	printf("unit: %u passed, %u failed\n", run - failed, failed);
	return failed ? 1 : 0;
}
