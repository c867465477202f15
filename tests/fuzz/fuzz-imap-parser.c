// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the IMAP command parser, fed in chunks whose size the
 * input chooses, and every argument-consuming parser behind it (sequence
 * sets, BODY[section], SEARCH, modified UTF-7).  Checks the parser's
 * contract: consumed never exceeds what was fed, strings are terminated,
 * a non-fatal error leaves the stream usable.
 *
 * Build and run: tests/fuzz/run.sh
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap/imap_parser.h"
#include "imap/imap_search.h"
#include "imap/imap_section.h"
#include "imap/imap_seqset.h"
#include "imap/imap_utf7.h"

#define FUZZ_CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static const char fuzz_msg[] =
	"From: a@b.c\r\nSubject: =?utf-8?B?aGk=?=\r\n"
	"Date: 1 Jan 2000 00:00 +0000\r\n\r\nbody\r\n";

static int fuzz_get_raw(void *ctx, const char **data, size_t *len)
{
	(void)ctx;
	*data = fuzz_msg;
	*len = sizeof(fuzz_msg) - 1;
	return 0;
}

static void fuzz_arg(const struct imap_arg *a, unsigned int depth)
{
	struct imap_seqset set;
	struct imap_fetch_body fb;
	struct imap_buf b = IMAP_BUF_INIT;
	const char *err;
	size_t i;

	FUZZ_CHECK(depth <= IMAP_PARSER_MAX_DEPTH + 1);
	if (a->type == IMAP_ARG_LIST) {
		for (i = 0; i < a->len; i++)
			fuzz_arg(&a->v.list[i], depth + 1);
		return;
	}
	FUZZ_CHECK(a->v.str[a->len] == '\0');
	imap_seqset_init(&set);
	if (imap_seqset_parse(&set, a->v.str, &err) == 0) {
		imap_seqset_resolve(&set, 100);
		FUZZ_CHECK(imap_seqset_count(&set) >= set.count);
		imap_seqset_format(&set, &b);
	}
	imap_seqset_free(&set);
	if (imap_fetch_body_parse(a->v.str, &fb, &err) == 0) {
		imap_fetch_body_write_name(&b, &fb);
		imap_fetch_body_free(&fb);
	}
	imap_utf7_to_utf8(a->v.str, &b);
	imap_buf_free(&b);
}

static void fuzz_command(struct imap_parser *p)
{
	const struct imap_arg *args = imap_parser_args(p);
	struct imap_search_msg msg = { 0 };
	struct imap_search *s;
	const char *err;
	bool bad;

	FUZZ_CHECK(imap_parser_tag(p) && imap_parser_command(p));
	fuzz_arg(args, 0);
	if (imap_search_parse(args->v.list, args->len, &s, &err, &bad) == 0) {
		imap_search_prepare(s, 3, 3);
		msg.seq = msg.uid = 1;
		msg.get_raw = fuzz_get_raw;
		FUZZ_CHECK(imap_search_match(s, &msg) >= 0);
		imap_search_free(s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct imap_parser_limits lim = { 2048, 4096 };
	struct imap_parser *p;
	size_t chunk, off = 0, n, used;
	enum imap_parse_result r;
	bool fatal;

	if (size < 1)
		return 0;
	chunk = data[0] % 17;		/* 0: everything at once */
	data++;
	size--;
	p = imap_parser_new(&lim);
	if (!p)
		return 0;
	while (off < size) {
		n = chunk && chunk < size - off ? chunk : size - off;
		r = imap_parser_feed(p, data + off, n, &used);
		FUZZ_CHECK(used <= n);
		off += used;
		if (r == IMAP_PARSE_NEED_MORE) {
			FUZZ_CHECK(used == n);
			continue;
		}
		if (r == IMAP_PARSE_NEED_CONTINUATION) {
			FUZZ_CHECK(imap_parser_literal_size(p) <= lim.max_literal_size);
			continue;
		}
		if (r == IMAP_PARSE_DONE)
			fuzz_command(p);
		else if (imap_parser_error(p, &fatal) && fatal)
			break;
		imap_parser_reset(p);
	}
	imap_parser_free(p);
	return 0;
}
