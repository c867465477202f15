// SPDX-License-Identifier: GPL-2.0
/* A small streaming JSON writer: see json.h. */
#include <math.h>

#include "json.h"

void json_init(struct json_out *j, FILE *f, bool compact)
{
	j->f = f;
	j->compact = compact;
	j->depth = 0;
	j->first[0] = true;
}

static void json_quote(struct json_out *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', j->f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", j->f);
			break;
		case '\\':
			fputs("\\\\", j->f);
			break;
		case '\n':
			fputs("\\n", j->f);
			break;
		case '\t':
			fputs("\\t", j->f);
			break;
		case '\r':
			fputs("\\r", j->f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(j->f, "\\u%04x", *p);
			else
				fputc(*p, j->f);
		}
	}
	fputc('"', j->f);
}

/* Separator, newline and indentation before an element, then its key. */
static void json_key(struct json_out *j, const char *key)
{
	int i;

	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (j->depth > 0 && !j->compact) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	if (key) {
		json_quote(j, key);
		fputs(j->compact ? ":" : ": ", j->f);
	}
}

static void json_open(struct json_out *j, const char *key, char c)
{
	json_key(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < JSON_DEPTH_MAX)
		j->depth++;
	j->first[j->depth] = true;
}

static void json_close(struct json_out *j, char c)
{
	bool empty = j->first[j->depth];
	int i;

	if (j->depth > 0)
		j->depth--;
	if (!j->compact && !empty) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(c, j->f);
}

void json_obj_begin(struct json_out *j, const char *key)
{
	json_open(j, key, '{');
}

void json_obj_end(struct json_out *j)
{
	json_close(j, '}');
}

void json_arr_begin(struct json_out *j, const char *key)
{
	json_open(j, key, '[');
}

void json_arr_end(struct json_out *j)
{
	json_close(j, ']');
}

void json_str(struct json_out *j, const char *key, const char *val)
{
	json_key(j, key);
	json_quote(j, val);
}

void json_u64(struct json_out *j, const char *key, uint64_t val)
{
	json_key(j, key);
	fprintf(j->f, "%llu", (unsigned long long)val);
}

void json_bool(struct json_out *j, const char *key, bool val)
{
	json_key(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_fixed(struct json_out *j, const char *key, double val,
		int decimals)
{
	json_key(j, key);
	if (!isfinite(val))
		val = 0;	/* JSON has no NaN or infinity */
	fprintf(j->f, "%.*f", decimals, val);
}

void json_finish(struct json_out *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}
