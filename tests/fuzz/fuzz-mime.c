// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the MIME parser and everything built on its tree --
 * BODY/BODYSTRUCTURE, ENVELOPE, BODY[section] for every part, and the
 * SEARCH text decoders.  Checks that every part's offsets stay inside the
 * message and that extracted sections point into it.
 *
 * Build and run: tests/fuzz/run.sh
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap/imap_bodystructure.h"
#include "imap/imap_envelope.h"
#include "imap/imap_mime.h"
#include "imap/imap_parser.h"
#include "imap/imap_search.h"
#include "imap/imap_section.h"

#define FUZZ_CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

struct fuzz_ctx {
	const char *msg;
	size_t size;
	const struct imap_mime *m;
	unsigned int sections;
};

static void fuzz_section(struct fuzz_ctx *c, const uint32_t *path,
			 unsigned int n, enum imap_section_text text)
{
	struct imap_section s = { .n_parts = n, .text = text };
	static char from[] = "from", subject[] = "SUBJECT";
	char *fields[] = { from, subject };
	struct imap_section_data d;
	const char *data;
	size_t len;

	memcpy(s.parts, path, n * sizeof(*path));
	if (text == IMAP_SECTION_HEADER_FIELDS ||
	    text == IMAP_SECTION_HEADER_FIELDS_NOT) {
		s.fields = fields;
		s.n_fields = 2;
	}
	if (imap_section_fetch(c->msg, c->m, &s, &d) == 0 &&
	    d.data != d.buf.data && d.len) {
		FUZZ_CHECK(d.data >= c->msg &&
			   d.data + d.len <= c->msg + c->size);
	}
	data = d.data;
	len = d.len;
	imap_partial_apply(&data, &len, 3, 5);
	FUZZ_CHECK(len <= 5);
	imap_section_data_free(&d);
	c->sections++;
}

static void fuzz_walk(struct fuzz_ctx *c, const struct imap_mime_part *p,
		      uint32_t *path, unsigned int depth)
{
	const struct imap_mime_part *child;
	enum imap_section_text t;
	uint32_t k = 1;

	FUZZ_CHECK(p->hdr_off + p->hdr_size == p->body_off);
	FUZZ_CHECK(p->body_off + p->body_size <= c->size);
	if (depth && c->sections < 2000) {
		for (t = IMAP_SECTION_ALL; t <= IMAP_SECTION_MIME; t++)
			fuzz_section(c, path, depth, t);
	}
	if (depth >= IMAP_SECTION_MAX_PARTS)
		return;
	if (p->is_message)
		p = p->message;
	for (child = p->children; child; child = child->next, k++) {
		path[depth] = k;
		fuzz_walk(c, child, path, depth + 1);
	}
}

static int fuzz_get_raw(void *ctx, const char **data, size_t *len)
{
	struct fuzz_ctx *c = ctx;

	*data = c->msg;
	*len = c->size;
	return 0;
}

static void fuzz_search(struct fuzz_ctx *c)
{
	static const char cmd[] = "x SEARCH OR BODY zz TEXT yy "
				  "HEADER subject q SENTON 1-Jan-2000\r\n";
	static const struct imap_parser_limits lim = { 1024, 1024 };
	struct imap_parser *p = imap_parser_new(&lim);
	struct imap_search_msg msg = { 0 };
	const struct imap_arg *args;
	struct imap_search *s;
	const char *err;
	size_t used;
	bool bad;

	if (!p)
		return;
	FUZZ_CHECK(imap_parser_feed(p, cmd, sizeof(cmd) - 1, &used) ==
		   IMAP_PARSE_DONE);
	args = imap_parser_args(p);
	FUZZ_CHECK(imap_search_parse(args->v.list, args->len, &s, &err,
				     &bad) == 0);
	imap_search_prepare(s, 1, 1);
	msg.seq = msg.uid = 1;
	msg.get_raw = fuzz_get_raw;
	msg.ctx = c;
	FUZZ_CHECK(imap_search_match(s, &msg) >= 0);
	imap_search_free(s);
	imap_parser_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_buf b = IMAP_BUF_INIT;
	uint32_t path[IMAP_SECTION_MAX_PARTS];
	struct fuzz_ctx c;
	struct imap_mime *m;

	m = imap_mime_parse((const char *)data, size);
	if (!m)
		return 0;
	c.msg = (const char *)data;
	c.size = size;
	c.m = m;
	c.sections = 0;
	imap_write_bodystructure(&b, c.msg, m->root, true);
	imap_write_bodystructure(&b, c.msg, m->root, false);
	imap_write_envelope(&b, c.msg, m->root);
	fuzz_walk(&c, m->root, path, 0);
	fuzz_search(&c);
	imap_buf_free(&b);
	imap_mime_free(m);
	return 0;
}
