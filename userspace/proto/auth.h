/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Password checks off the event loop.
 *
 * store_user_auth() is slow on purpose (scrypt). Run on the loop it would
 * stall every other connection for each login, so a small fixed pool of
 * threads does it, each with its own store handle, and hands the answer
 * back through an eventfd the ring reads. Sessions submit a request and
 * get req->done() called on the loop; they must keep the request (and
 * themselves) alive until then.
 */
#ifndef SLOTD_AUTH_H
#define SLOTD_AUTH_H

#include <stdbool.h>

#include "store/store.h"

#define AUTH_PASS_MAX	1024

/* Checks waiting for a thread; beyond this, answer STORE_EIO at once. */
#define AUTH_QUEUE_MAX	64

struct auth_req {
	char user[STORE_USER_MAX + 1];
	char pass[AUTH_PASS_MAX + 1];
	int status;			/* store_user_auth() result */
	void (*done)(struct auth_req *req);
	struct auth_req *next;
	bool cancelled;			/* nobody waits: skip the hash */
};

/* Start the pool on the slot in dir; -1 with err on failure. */
int auth_init(const char *dir, char *err, size_t errlen);
/*
 * Queue a check; user and pass must be set (pass is wiped after use).
 * done() is always called, from the loop: with STORE_EIO right away when
 * AUTH_QUEUE_MAX checks are already waiting (a login flood must not
 * delay everybody by minutes).
 */
void auth_submit(struct auth_req *req);
/* The session went away: done() still comes, but no hashing is wasted. */
void auth_cancel(struct auth_req *req);
/* Requests not yet answered. */
unsigned int auth_pending(void);
/* Stop the threads (after the loop ended). */
void auth_exit(void);

#endif
