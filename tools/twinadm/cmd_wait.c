// SPDX-License-Identifier: GPL-2.0
/*
 * wait-connect and wait-sync: block until a resource reaches a state, as
 * drbdadm's wait-connect and wait-sync do, so that scripts can "wait for
 * replication to catch up, then fail back" without polling.
 *
 * The events group is joined before the state is first read, so a change
 * between the two cannot be missed; the state is also read again every
 * second, so a change the module did not announce is seen too.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "twinadm.h"

/* Read the state again this often even without events: belt and braces. */
#define WAIT_RECHECK_MS	1000

struct wait {
	const char *res;
	bool (*reached)(const struct twin_status *st);
	bool gone;
	struct twin_status last;
};

static bool wait_connected(const struct twin_status *st)
{
	return status_connected(st);
}

static int wait_event(const struct twin_status *st, void *arg)
{
	struct wait *w = arg;

	if (strcmp(st->name, w->res))
		return 0;
	w->last = *st;
	if ((st->has & ST_HAS_EVENT) && st->event == TWIN_EVENT_DESTROY) {
		w->gone = true;
		return 1;
	}
	return w->reached(st) ? 1 : 0;
}

static long wait_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static int wait_for(struct twinadm *t, const struct twinadm_target *tg,
		    const char *verb,
		    bool (*reached)(const struct twin_status *st))
{
	struct wait w = { .res = tg->res->name, .reached = reached };
	long deadline = wait_now_ms() + t->timeout_s * 1000L, left;
	char msg[NL_MSG_MAX];
	int ret;

	ret = twinadm_netlink(t);
	if (ret)
		return ret;
	ret = twin_nl_subscribe(t->nl, msg);
	if (ret) {
		twinadm_err("%s: %s: %s", w.res, verb, msg);
		return EX_FAILED;
	}
	for (;;) {
		/* the state now, then changes until it is reached */
		ret = twinadm_get_status(t, w.res, &w.last);
		if (ret == EX_NOT_UP)
			twinadm_err("%s: %s: resource is not up", w.res, verb);
		if (ret)
			return ret;
		if (reached(&w.last))
			return EX_OK;
		left = WAIT_RECHECK_MS;
		if (t->timeout_s >= 0) {
			left = deadline - wait_now_ms();
			if (left <= 0)
				break;
			if (left > WAIT_RECHECK_MS)
				left = WAIT_RECHECK_MS;
		}
		ret = twin_nl_wait_events(t->nl, (int)left, wait_event, &w);
		if (ret == -ENOBUFS || ret == 0)
			continue;	/* lost events or quiet: read again */
		if (ret < 0) {
			twinadm_err("%s: %s: %s", w.res, verb, strerror(-ret));
			return EX_FAILED;
		}
		if (w.gone) {
			twinadm_err("%s: %s: the resource went down", w.res,
				    verb);
			return EX_NOT_UP;
		}
		return EX_OK;
	}
	twinadm_err("%s: %s: timed out after %d s (connection:%s disk:%s peer-disk:%s out-of-sync:%" PRIu64 "KiB%s)",
		    w.res, verb, t->timeout_s, status_conn_name(w.last.conn),
		    status_disk_name(w.last.disk),
		    status_disk_name(w.last.peer_disk),
		    w.last.out_of_sync / 2,
		    w.last.out_of_sync && w.last.conn == TWIN_CONN_CONNECTED ?
		    "; blocks found by verify resync on the next connect" :
		    "");
	return EX_TIMEOUT;
}

int cmd_wait_connect(struct twinadm *t, const struct twinadm_target *tg)
{
	return wait_for(t, tg, "wait-connect", wait_connected);
}

int cmd_wait_sync(struct twinadm *t, const struct twinadm_target *tg)
{
	return wait_for(t, tg, "wait-sync", status_in_sync);
}
