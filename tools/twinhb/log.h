/* SPDX-License-Identifier: GPL-2.0 */
/*
 * twinhb logging: to stderr with a UTC timestamp in the foreground (-f),
 * to syslog (facility daemon) otherwise. log_warn appends strerror(errno),
 * log_warnx does not.
 */
#ifndef TWINHB_LOG_H
#define TWINHB_LOG_H

#include <stdbool.h>
#include <syslog.h>

void log_init(const char *ident, bool to_stderr);
void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warnx(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_crit(...)	log_msg(LOG_CRIT, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

/* Only messages at this priority or more urgent are written. */
extern int log_level;

#endif
