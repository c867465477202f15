// SPDX-License-Identifier: GPL-2.0
/* Logging to stderr or syslog: see log.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "lib/log.h"

static int log_foreground = 1;
static int log_stderr_too;	/* daemon start-up: the operator is watching */
static int log_verbose;
static const char *log_ident = "twin";

void log_init(const char *ident, int foreground)
{
	log_ident = ident;
	log_foreground = foreground;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void log_set_stderr_too(int on)
{
	log_stderr_too = on;
}

void log_set_verbose(int verbose)
{
	log_verbose = verbose;
}

int log_get_verbose(void)
{
	return log_verbose;
}

static void log_vlog(int prio, const char *err, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_foreground) {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "%02d:%02d:%02d.%03ld %s: %s%s%s\n",
			tm.tm_hour, tm.tm_min, tm.tm_sec,
			ts.tv_nsec / 1000000, log_ident, msg,
			err ? ": " : "", err ? err : "");
	} else {
		syslog(prio, "%s%s%s", msg, err ? ": " : "", err ? err : "");
		if (log_stderr_too && prio <= LOG_WARNING)
			fprintf(stderr, "%s: %s%s%s\n", log_ident, msg,
				err ? ": " : "", err ? err : "");
	}
}

#define LOG_BODY(prio, err)					\
	do {							\
		va_list ap;					\
		va_start(ap, fmt);				\
		log_vlog(prio, err, fmt, ap);			\
		va_end(ap);					\
	} while (0)

void log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);

	LOG_BODY(LOG_WARNING, err);
}

void log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, NULL);
}

void log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_INFO, NULL);
}

void log_debug(const char *fmt, ...)
{
	if (!log_verbose)
		return;
	LOG_BODY(LOG_DEBUG, NULL);
}

void fatal(const char *fmt, ...)
{
	const char *err = strerror(errno);

	LOG_BODY(LOG_CRIT, err);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, NULL);
	exit(1);
}
