/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging for the daemons: stderr in the foreground, syslog otherwise.
 *
 * log_warn() and fatal() append strerror(errno); the "x" variants don't.
 * log_debug() prints only when the verbosity is raised (-v).
 */
#ifndef TWIN_LIB_LOG_H
#define TWIN_LIB_LOG_H

#include <stdarg.h>

void log_init(const char *ident, int foreground);
void log_set_verbose(int verbose);
/* With syslog, also copy warnings and errors to stderr (start-up). */
void log_set_stderr_too(int on);
int log_get_verbose(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif
