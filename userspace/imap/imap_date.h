/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dates in IMAP: the SEARCH date ("1-Feb-1994"), the INTERNALDATE / APPEND
 * date-time ("17-Jul-1996 02:44:25 -0700") and the RFC 5322 Date: header
 * ("Mon, 7 Feb 1994 21:52:25 -0800 (PST)") used by SENTBEFORE and friends.
 *
 * Calendar arithmetic is done here (proleptic Gregorian, no time zone
 * database), so results never depend on the TZ environment.
 */
#ifndef TWIN_IMAP_DATE_H
#define TWIN_IMAP_DATE_H

#include <stdint.h>
#include <time.h>

#include "imap/imap_buf.h"

/* Days since 1970-01-01 of a calendar date (month 1-12). */
int64_t imap_days_from_civil(int64_t y, unsigned int m, unsigned int d);
/* The calendar day of @t as seen at UTC offset @tz_min minutes. */
int64_t imap_day_of(time_t t, int tz_min);

/* SEARCH date: date-day "-" date-month "-" date-year; 0 or -1. */
int imap_date_parse(const char *s, int64_t *day);

/* date-time as in APPEND (without the quotes); 0 or -1. */
int imap_datetime_parse(const char *s, time_t *t, int *tz_min);
/* date-time with its quotes, as INTERNALDATE is sent. */
void imap_datetime_write(struct imap_buf *b, time_t t, int tz_min);

/* RFC 5322 date-time, tolerant of the obsolete forms; 0 or -1. */
int imap_rfc5322_date_parse(const char *s, time_t *t, int *tz_min);

#endif
