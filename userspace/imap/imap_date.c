// SPDX-License-Identifier: GPL-2.0
/* Dates in IMAP: see imap_date.h. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_date.h"

static const char *const imap_months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t imap_days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void imap_civil_from_days(int64_t z, int64_t *y, unsigned int *m,
				 unsigned int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t imap_floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t imap_day_of(time_t t, int tz_min)
{
	return imap_floor_div((int64_t)t + (int64_t)tz_min * 60, 86400);
}

static unsigned int imap_days_in_month(int64_t y, unsigned int m)
{
	static const unsigned char days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* ---- small scanners; each returns false and leaves *pp on mismatch ---- */

static bool imap_scan_num(const char **pp, unsigned int min_digits,
			  unsigned int max_digits, unsigned int *out)
{
	const char *p = *pp;
	unsigned int n = 0, i = 0;

	while (i < max_digits && p[i] >= '0' && p[i] <= '9') {
		n = n * 10 + (unsigned int)(p[i] - '0');
		i++;
	}
	if (i < min_digits)
		return false;
	*out = n;
	*pp = p + i;
	return true;
}

static bool imap_scan_month(const char **pp, unsigned int *m)
{
	unsigned int i;

	for (i = 0; i < 12; i++) {
		if (!strncasecmp(*pp, imap_months[i], 3)) {
			*m = i + 1;
			*pp += 3;
			return true;
		}
	}
	return false;
}

static bool imap_scan_char(const char **pp, char c)
{
	if (**pp != c)
		return false;
	(*pp)++;
	return true;
}

static bool imap_valid_date(int64_t y, unsigned int m, unsigned int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= imap_days_in_month(y, m);
}

int imap_date_parse(const char *s, int64_t *day)
{
	unsigned int d, m, y;

	if (!imap_scan_num(&s, 1, 2, &d) || !imap_scan_char(&s, '-') ||
	    !imap_scan_month(&s, &m) || !imap_scan_char(&s, '-') ||
	    !imap_scan_num(&s, 4, 4, &y) || *s)
		return -1;
	if (!imap_valid_date(y, m, d))
		return -1;
	*day = imap_days_from_civil(y, m, d);
	return 0;
}

static bool imap_scan_zone(const char **pp, int *tz_min)
{
	const char *p = *pp;
	unsigned int z;
	int sign;

	if (*p != '+' && *p != '-')
		return false;
	sign = *p == '-' ? -1 : 1;
	p++;
	if (!imap_scan_num(&p, 4, 4, &z) || z % 100 >= 60)
		return false;
	*tz_min = sign * (int)(z / 100 * 60 + z % 100);
	*pp = p;
	return true;
}

static time_t imap_make_time(int64_t y, unsigned int m, unsigned int d,
			     unsigned int hh, unsigned int mm,
			     unsigned int ss, int tz_min)
{
	int64_t days = imap_days_from_civil(y, m, d);

	return (time_t)(days * 86400 + hh * 3600 + mm * 60 + ss -
			(int64_t)tz_min * 60);
}

int imap_datetime_parse(const char *s, time_t *t, int *tz_min)
{
	unsigned int d, m, y, hh, mm, ss;

	if (*s == ' ')		/* date-day-fixed: (SP DIGIT) / 2DIGIT */
		s++;
	if (!imap_scan_num(&s, 1, 2, &d) || !imap_scan_char(&s, '-') ||
	    !imap_scan_month(&s, &m) || !imap_scan_char(&s, '-') ||
	    !imap_scan_num(&s, 4, 4, &y) || !imap_scan_char(&s, ' ') ||
	    !imap_scan_num(&s, 2, 2, &hh) || !imap_scan_char(&s, ':') ||
	    !imap_scan_num(&s, 2, 2, &mm) || !imap_scan_char(&s, ':') ||
	    !imap_scan_num(&s, 2, 2, &ss) || !imap_scan_char(&s, ' ') ||
	    !imap_scan_zone(&s, tz_min) || *s)
		return -1;
	if (!imap_valid_date(y, m, d) || hh > 23 || mm > 59 || ss > 60)
		return -1;
	*t = imap_make_time(y, m, d, hh, mm, ss, *tz_min);
	return 0;
}

void imap_datetime_write(struct imap_buf *b, time_t t, int tz_min)
{
	int64_t local = (int64_t)t + (int64_t)tz_min * 60;
	int64_t days = imap_floor_div(local, 86400), y;
	int64_t secs = local - days * 86400;
	unsigned int m, d, az = (unsigned int)(tz_min < 0 ? -tz_min : tz_min);

	imap_civil_from_days(days, &y, &m, &d);
	imap_buf_addf(b, "\"%02u-%s-%04lld %02u:%02u:%02u %c%02u%02u\"",
		      d, imap_months[m - 1], (long long)y,
		      (unsigned int)(secs / 3600),
		      (unsigned int)(secs / 60 % 60), (unsigned int)(secs % 60),
		      tz_min < 0 ? '-' : '+', az / 60, az % 60);
}

/* ---- RFC 5322 (with the obsolete syntax of section 4.3) ---- */

/* Skip folding white space and (nested) comments. */
static void imap_skip_cfws(const char **pp)
{
	const char *p = *pp;
	int depth = 0;

	for (; *p; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth)
			depth--;
		else if (*p == '\\' && depth && p[1])
			p++;
		else if (!depth && !isspace((unsigned char)*p))
			break;
	}
	*pp = p;
}

static const struct {
	const char *name;
	int tz_min;
} imap_zones[] = {
	{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
	{ "EST", -300 }, { "EDT", -240 }, { "CST", -360 }, { "CDT", -300 },
	{ "MST", -420 }, { "MDT", -360 }, { "PST", -480 }, { "PDT", -420 },
};

static bool imap_scan_zone_name(const char **pp, int *tz_min)
{
	const char *p = *pp;
	size_t n = 0, i;

	while (isalpha((unsigned char)p[n]))
		n++;
	if (!n)
		return false;
	*pp = p + n;
	for (i = 0; i < sizeof(imap_zones) / sizeof(imap_zones[0]); i++) {
		if (strlen(imap_zones[i].name) == n &&
		    !strncasecmp(p, imap_zones[i].name, n)) {
			*tz_min = imap_zones[i].tz_min;
			return true;
		}
	}
	/* RFC 5322 4.3: other military/unknown zones mean -0000 */
	*tz_min = 0;
	return true;
}

int imap_rfc5322_date_parse(const char *s, time_t *t, int *tz_min)
{
	unsigned int d, m, y, hh, mm, ss = 0, ndig;
	const char *start;

	imap_skip_cfws(&s);
	/* optional day-of-week "," */
	if (isalpha((unsigned char)*s)) {
		while (isalpha((unsigned char)*s))
			s++;
		imap_skip_cfws(&s);
		if (!imap_scan_char(&s, ','))
			return -1;
		imap_skip_cfws(&s);
	}
	if (!imap_scan_num(&s, 1, 2, &d))
		return -1;
	imap_skip_cfws(&s);
	if (!imap_scan_month(&s, &m))
		return -1;
	/* "Feb" or an unexpected "February" */
	while (isalpha((unsigned char)*s))
		s++;
	imap_skip_cfws(&s);
	start = s;
	if (!imap_scan_num(&s, 2, 4, &y))
		return -1;
	ndig = (unsigned int)(s - start);
	if (ndig == 2)
		y += y < 50 ? 2000 : 1900;
	else if (ndig == 3)
		y += 1900;
	imap_skip_cfws(&s);
	if (!imap_scan_num(&s, 1, 2, &hh) || !imap_scan_char(&s, ':') ||
	    !imap_scan_num(&s, 2, 2, &mm))
		return -1;
	if (imap_scan_char(&s, ':') && !imap_scan_num(&s, 2, 2, &ss))
		return -1;
	imap_skip_cfws(&s);
	*tz_min = 0;
	if (*s == '+' || *s == '-') {
		if (!imap_scan_zone(&s, tz_min))
			return -1;
	} else if (*s) {
		imap_scan_zone_name(&s, tz_min);
	}
	if (!imap_valid_date(y, m, d) || hh > 23 || mm > 59 || ss > 60)
		return -1;
	*t = imap_make_time(y, m, d, hh, mm, ss, *tz_min);
	return 0;
}
