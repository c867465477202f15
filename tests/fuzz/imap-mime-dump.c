// SPDX-License-Identifier: GPL-2.0
/*
 * imap-mime-dump: print what the IMAP library answers for one message, in
 * the form dovecot-diff.py compares with Dovecot:
 *
 *	imap-mime-dump FILE [FETCH-ATT...]
 *
 * prints "BODYSTRUCTURE x", "BODY x", "ENVELOPE x" lines, then for each
 * BODY[section]<partial> attribute "SECTION att N:" followed by N bytes,
 * or "SECTION att MISSING" / "SECTION att ERR".  An argument "SEARCH q"
 * evaluates the search q against the message (no flags, internal date
 * 1-Jan-2010 00:00:00 +0000, as dovecot-diff.py appends it) and prints
 * "SEARCH q 1" or "SEARCH q 0" (or "ERR").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imap/imap_bodystructure.h"
#include "imap/imap_date.h"
#include "imap/imap_envelope.h"
#include "imap/imap_parser.h"
#include "imap/imap_search.h"
#include "imap/imap_section.h"

#define DUMP_MAX_MESSAGE	(16 << 20)

struct dump_msg {
	const char *data;
	size_t len;
};

static int dump_get_raw(void *ctx, const char **data, size_t *len)
{
	struct dump_msg *d = ctx;

	*data = d->data;
	*len = d->len;
	return 0;
}

static void dump_search(const char *msg, size_t n, const char *query)
{
	static const struct imap_parser_limits lim = { 65536, 65536 };
	struct imap_parser *p = imap_parser_new(&lim);
	struct dump_msg d = { msg, n };
	struct imap_search_msg sm = { 0 };
	const struct imap_arg *args;
	struct imap_search *s;
	struct imap_buf line = IMAP_BUF_INIT;
	const char *err;
	size_t used;
	bool bad;
	int r = -1, tz;

	imap_buf_addf(&line, "t %s\r\n", query);
	if (p && imap_parser_feed(p, line.data, line.len, &used) ==
	    IMAP_PARSE_DONE) {
		args = imap_parser_args(p);
		if (imap_search_parse(args->v.list, args->len, &s, &err,
				      &bad) == 0) {
			imap_search_prepare(s, 1, 1);
			sm.seq = sm.uid = 1;
			sm.size = n;
			imap_datetime_parse("1-Jan-2010 00:00:00 +0000",
					    &sm.internal_date, &tz);
			sm.get_raw = dump_get_raw;
			sm.ctx = &d;
			r = imap_search_match(s, &sm);
			imap_search_free(s);
		}
	}
	if (r < 0)
		printf("%s ERR\n", query);
	else
		printf("%s %d\n", query, r);
	imap_parser_free(p);
	imap_buf_free(&line);
}

static void dump_section(const char *msg, const struct imap_mime *m,
			 const char *att)
{
	struct imap_fetch_body fb;
	struct imap_section_data d;
	const char *err, *data;
	size_t len;

	if (imap_fetch_body_parse(att, &fb, &err) < 0) {
		printf("SECTION %s ERR\n", att);
		return;
	}
	if (imap_section_fetch(msg, m, &fb.section, &d) < 0) {
		printf("SECTION %s MISSING\n", att);
	} else {
		data = d.data;
		len = d.len;
		if (fb.partial)
			imap_partial_apply(&data, &len, fb.origin, fb.count);
		printf("SECTION %s %zu:", att, len);
		fwrite(data, 1, len, stdout);
		printf("\n");
	}
	imap_section_data_free(&d);
	imap_fetch_body_free(&fb);
}

int main(int argc, char **argv)
{
	struct imap_buf b = IMAP_BUF_INIT;
	struct imap_mime *m;
	char *msg;
	size_t n;
	FILE *f;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: imap-mime-dump FILE [FETCH-ATT...]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	msg = malloc(DUMP_MAX_MESSAGE);
	if (!f || !msg) {
		perror(argv[1]);
		return 1;
	}
	n = fread(msg, 1, DUMP_MAX_MESSAGE, f);
	fclose(f);
	m = imap_mime_parse(msg, n);
	if (!m) {
		fprintf(stderr, "imap-mime-dump: out of memory\n");
		return 1;
	}
	imap_write_bodystructure(&b, msg, m->root, true);
	printf("BODYSTRUCTURE %s\n", imap_buf_str(&b));
	imap_buf_reset(&b);
	imap_write_bodystructure(&b, msg, m->root, false);
	printf("BODY %s\n", imap_buf_str(&b));
	imap_buf_reset(&b);
	imap_write_envelope(&b, msg, m->root);
	printf("ENVELOPE %s\n", imap_buf_str(&b));
	for (i = 2; i < argc; i++) {
		if (!strncmp(argv[i], "SEARCH ", 7))
			dump_search(msg, n, argv[i]);
		else
			dump_section(msg, m, argv[i]);
	}
	imap_buf_free(&b);
	imap_mime_free(m);
	free(msg);
	return 0;
}
