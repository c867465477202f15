// SPDX-License-Identifier: GPL-2.0
/* twinhb logging; see log.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

int log_level = LOG_INFO;
static bool log_stderr = true;
static const char *log_ident = "twinhb";

void log_init(const char *ident, bool to_stderr)
{
	log_ident = ident;
	log_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void log_vmsg(int prio, const char *suffix, const char *fmt,
		     va_list ap)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;

	if (prio > log_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (!log_stderr) {
		syslog(prio, "%s%s%s", line, suffix ? ": " : "",
		       suffix ? suffix : "");
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	fprintf(stderr,
		"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%d]: %s%s%s\n",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_ident,
		(int)getpid(), line, suffix ? ": " : "",
		suffix ? suffix : "");
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(prio, NULL, fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_WARNING, err, fmt, ap);
	va_end(ap);
}
