// SPDX-License-Identifier: GPL-2.0
/* Password checks on a thread pool: see auth.h. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "lib/ev.h"
#include "lib/log.h"
#include "proto/auth.h"

#define AUTH_THREADS 2

struct auth_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct auth_req *todo, *todo_tail;	/* for the threads */
	struct auth_req *done;			/* for the loop */
	bool stop;
	int efd;
	uint64_t ebuf;
	struct ev_op eop;
	unsigned int pending;		/* submitted, done() not yet called */
	unsigned int queued;		/* waiting for a thread */
	unsigned int nthreads;
	pthread_t threads[AUTH_THREADS];
	struct store *stores[AUTH_THREADS];
};

static struct auth_pool auth = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.efd = -1,
};

static void *auth_thread(void *arg)
{
	struct store *st = arg;
	struct auth_req *req;
	uint64_t one = 1;

	pthread_mutex_lock(&auth.lock);
	for (;;) {
		while (!auth.todo && !auth.stop)
			pthread_cond_wait(&auth.cond, &auth.lock);
		if (auth.stop)
			break;
		req = auth.todo;
		auth.todo = req->next;
		if (!auth.todo)
			auth.todo_tail = NULL;
		auth.queued--;
		if (req->cancelled) {
			req->status = STORE_EAUTH;
		} else {
			pthread_mutex_unlock(&auth.lock);
			req->status = store_user_auth(st, req->user,
						      req->pass);
			if (req->status == STORE_EIO)
				log_warnx("authentication of %s: %s",
					  req->user, store_error(st));
			pthread_mutex_lock(&auth.lock);
		}
		explicit_bzero(req->pass, sizeof(req->pass));
		req->next = auth.done;
		auth.done = req;
		if (write(auth.efd, &one, sizeof(one)) < 0)
			log_warn("auth: eventfd");
	}
	pthread_mutex_unlock(&auth.lock);
	return NULL;
}

static void auth_arm(void);

/* On the loop: the threads finished some requests. */
static void auth_wake(struct ev_op *op, int res, unsigned int flags)
{
	struct auth_req *list, *req;

	(void)op;
	(void)flags;
	if (res < 0 && res != -EINTR && res != -EAGAIN) {
		log_warnx("auth: eventfd read: %s", strerror(-res));
		return;
	}
	pthread_mutex_lock(&auth.lock);
	list = auth.done;
	auth.done = NULL;
	pthread_mutex_unlock(&auth.lock);
	while ((req = list)) {
		list = req->next;
		auth.pending--;
		req->done(req);
	}
	auth_arm();
}

static void auth_arm(void)
{
	struct io_uring_sqe *sqe = ev_sqe(&auth.eop);

	io_uring_prep_read(sqe, auth.efd, &auth.ebuf, sizeof(auth.ebuf), 0);
}

int auth_init(const char *dir, char *err, size_t errlen)
{
	unsigned int i;

	auth.stop = false;	/* after an auth_exit() */
	auth.efd = eventfd(0, EFD_CLOEXEC);
	if (auth.efd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		return -1;
	}
	auth.eop.cb = auth_wake;
	for (i = 0; i < AUTH_THREADS; i++) {
		if (store_open(dir, 0, &auth.stores[i], err, errlen) !=
		    STORE_OK)
			goto fail;
		if (pthread_create(&auth.threads[i], NULL, auth_thread,
				   auth.stores[i])) {
			snprintf(err, errlen, "cannot start a thread");
			store_close(auth.stores[i]);
			goto fail;
		}
		auth.nthreads++;
	}
	auth_arm();
	return 0;
fail:
	auth_exit();
	return -1;
}

void auth_submit(struct auth_req *req)
{
	uint64_t one = 1;

	req->next = NULL;
	req->cancelled = false;
	auth.pending++;
	pthread_mutex_lock(&auth.lock);
	if (auth.queued >= AUTH_QUEUE_MAX) {
		/* Answered on the next loop round, like any other. */
		log_warnx("auth: %u password checks waiting, refusing one "
			  "for %s", auth.queued, req->user);
		explicit_bzero(req->pass, sizeof(req->pass));
		req->status = STORE_EIO;
		req->next = auth.done;
		auth.done = req;
		if (write(auth.efd, &one, sizeof(one)) < 0)
			log_warn("auth: eventfd");
		pthread_mutex_unlock(&auth.lock);
		return;
	}
	if (auth.todo_tail)
		auth.todo_tail->next = req;
	else
		auth.todo = req;
	auth.todo_tail = req;
	auth.queued++;
	pthread_cond_signal(&auth.cond);
	pthread_mutex_unlock(&auth.lock);
}

void auth_cancel(struct auth_req *req)
{
	pthread_mutex_lock(&auth.lock);
	req->cancelled = true;
	pthread_mutex_unlock(&auth.lock);
}

unsigned int auth_pending(void)
{
	return auth.pending;
}

void auth_exit(void)
{
	unsigned int i;

	pthread_mutex_lock(&auth.lock);
	auth.stop = true;
	pthread_cond_broadcast(&auth.cond);
	pthread_mutex_unlock(&auth.lock);
	for (i = 0; i < auth.nthreads; i++) {
		pthread_join(auth.threads[i], NULL);
		store_close(auth.stores[i]);
	}
	auth.nthreads = 0;
	if (auth.efd >= 0)
		close(auth.efd);
	auth.efd = -1;
}
