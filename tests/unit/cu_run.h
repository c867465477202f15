/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared main() for the CUnit programs in tests/unit/.
 *
 * Each program defines unit_register() to add its suites to the registry;
 * cu_run.c runs them verbosely, prints the CUnit summary and a line
 * "unit: N passed, N failed" that tests/run.sh adds to the totals.
 */
#ifndef TWIN_CU_RUN_H
#define TWIN_CU_RUN_H

#include <CUnit/Basic.h>

void unit_register(void);

/* Add a suite with its tests; aborts the program on registry errors. */
void unit_suite(const char *name, const CU_TestInfo *tests);

#endif
