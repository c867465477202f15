/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the store's CUnit files (test-store*.c). */
#ifndef TWIN_TEST_STORE_H
#define TWIN_TEST_STORE_H

#include "store/store.h"

/* A fresh slot in a new temporary directory, opened; path in dir. */
struct store *ts_new_slot(char *dir, size_t len);
/* Close, remove the directory tree. */
void ts_free_slot(struct store *st, const char *dir);
/* Deliver text to user/mailbox; returns the commit status, *uid set. */
int ts_deliver(struct store *st, const char *user, const char *mailbox,
	       const char *text, uint32_t *uid);
void ts_sha256(const void *data, size_t len, unsigned char *md);

void test_store_msg_register(void);
void test_store_cache_register(void);

#endif
