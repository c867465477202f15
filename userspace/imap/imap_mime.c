// SPDX-License-Identifier: GPL-2.0
/*
 * MIME structure of a message: see imap_mime.h.
 *
 * One forward pass, as a streaming parser would do it: every open
 * multipart pushes its boundary, and each line is checked against the
 * open boundaries, innermost first.  RFC 2046 5.1.1 asks to compare the
 * boundary with the beginning of the line only, so "--b" followed by
 * anything is a delimiter of "b", and "--b--" closes it.
 *
 * The line ending before a delimiter belongs to the delimiter, so a part
 * stops before it; but a closed multipart always keeps its close
 * delimiter line whole, line ending included (as Dovecot counts it).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_mime.h"
#include "imap/imap_mime_int.h"

/* The boundaries of the open multiparts, innermost last. */
struct imap_bstack {
	const char *b[IMAP_MIME_MAX_DEPTH + 1];
	size_t len[IMAP_MIME_MAX_DEPTH + 1];
	unsigned int n;
};

struct imap_mime_ctx {
	const char *data;
	size_t size;
	struct imap_mime *m;
	struct imap_bstack st;
	bool oom;
};

/* Where an entity stopped. */
struct imap_mime_stop {
	size_t pos;	/* start of the delimiter line, or the end of data */
	size_t end;	/* end of the entity's content */
	int level;	/* boundary matched (index in the stack), -1: EOF */
	bool close;	/* "--b--" */
};

static size_t imap_next_line(const struct imap_mime_ctx *ctx, size_t pos)
{
	const char *lf = memchr(ctx->data + pos, '\n', ctx->size - pos);

	return lf ? (size_t)(lf - ctx->data) + 1 : ctx->size;
}

/* Index of the open boundary the line at @pos starts with, or -1. */
static int imap_bstack_match(const struct imap_mime_ctx *ctx, size_t pos,
			     size_t next, bool *close)
{
	const char *p = ctx->data + pos;
	size_t len = next - pos, blen;
	unsigned int i;

	if (len < 3 || p[0] != '-' || p[1] != '-')
		return -1;
	for (i = ctx->st.n; i-- > 0;) {
		blen = ctx->st.len[i];
		if (len >= blen + 2 && !memcmp(p + 2, ctx->st.b[i], blen)) {
			*close = len >= blen + 4 && p[blen + 2] == '-' &&
				 p[blen + 3] == '-';
			return (int)i;
		}
	}
	return -1;
}

/*
 * Scan lines from @pos up to a delimiter of any open boundary.  The
 * content ends before the line ending that precedes the delimiter, but
 * never before @min_end.
 */
static void imap_mime_scan(const struct imap_mime_ctx *ctx, size_t pos,
			   size_t min_end, struct imap_mime_stop *stop)
{
	size_t next, end;

	for (; pos < ctx->size; pos = next) {
		next = imap_next_line(ctx, pos);
		stop->level = ctx->st.n ?
			imap_bstack_match(ctx, pos, next, &stop->close) : -1;
		if (stop->level < 0)
			continue;
		end = pos;
		if (end > min_end && ctx->data[end - 1] == '\n')
			end--;
		if (end > min_end && ctx->data[end - 1] == '\r')
			end--;
		stop->pos = pos;
		stop->end = end;
		return;
	}
	stop->pos = stop->end = ctx->size;
	stop->level = -1;
	stop->close = false;
}

/*
 * The header from @off: up to and including the empty line, or up to a
 * delimiter line (the part then has no body), or to the end.  Returns
 * true if a delimiter ended it, with *stop filled.
 */
static bool imap_mime_header(const struct imap_mime_ctx *ctx, size_t off,
			     size_t *hdr_end, struct imap_mime_stop *stop)
{
	size_t pos, next;
	const char *p;

	for (pos = off; pos < ctx->size; pos = next) {
		next = imap_next_line(ctx, pos);
		p = ctx->data + pos;
		if (ctx->st.n) {
			stop->level = imap_bstack_match(ctx, pos, next,
							&stop->close);
			if (stop->level >= 0) {
				stop->pos = stop->end = *hdr_end = pos;
				return true;
			}
		}
		if (p[0] == '\n' || (p[0] == '\r' && next - pos == 2 &&
				     p[1] == '\n')) {
			*hdr_end = next;
			return false;
		}
	}
	*hdr_end = ctx->size;
	return false;
}

/* Line endings in the body; a last line without one does not count. */
static size_t imap_count_lines(const char *p, size_t len)
{
	const char *end = p + len, *lf;
	size_t n = 0;

	while (p < end && (lf = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p = lf + 1;
	}
	return n;
}

static bool imap_type_is(const struct imap_mime_part *part, const char *type,
			 const char *subtype)
{
	return part->type && !strcasecmp(part->type, type) &&
	       (!subtype || !strcasecmp(part->subtype, subtype));
}

/* Only identity encodings can hold a parsable message. */
static bool imap_encoding_is_identity(const struct imap_mime_part *part)
{
	return !part->encoding || !strcasecmp(part->encoding, "7bit") ||
	       !strcasecmp(part->encoding, "8bit") ||
	       !strcasecmp(part->encoding, "binary");
}

static struct imap_mime_part *imap_mime_entity(struct imap_mime_ctx *ctx,
					       size_t off,
					       struct imap_mime_part *parent,
					       unsigned int depth,
					       bool in_digest,
					       struct imap_mime_stop *stop);

/*
 * The parts of a multipart whose boundary is open at @level, from the
 * line at @pos (its first delimiter).  Returns when a delimiter of an
 * outer boundary or the end of data is reached.
 */
static void imap_mime_parts(struct imap_mime_ctx *ctx,
			    struct imap_mime_part *part, unsigned int depth,
			    int level, struct imap_mime_stop *stop)
{
	struct imap_mime_part **tail = &part->children, *child;
	bool digest = imap_type_is(part, "multipart", "digest");
	size_t start;

	while (stop->level == level && !stop->close && !ctx->oom) {
		start = imap_next_line(ctx, stop->pos);
		if (ctx->m->n_parts >= IMAP_MIME_MAX_PARTS) {
			/* over the limit: skip the part, keep the structure */
			imap_mime_scan(ctx, start, start, stop);
			continue;
		}
		child = imap_mime_entity(ctx, start, part, depth + 1, digest,
					 stop);
		if (!child)
			return;
		*tail = child;
		tail = &child->next;
		part->n_children++;
	}
	if (stop->level != level)
		return;		/* an outer delimiter or the end: unclosed */
	/*
	 * Closed: the close delimiter line, with its line end, and the
	 * epilogue belong to the multipart, up to the line end before an
	 * outer delimiter.
	 */
	start = imap_next_line(ctx, stop->pos);
	ctx->st.n--;
	imap_mime_scan(ctx, start, start, stop);
	ctx->st.n++;
}

static void imap_mime_multipart(struct imap_mime_ctx *ctx,
				struct imap_mime_part *part,
				unsigned int depth, struct imap_mime_stop *stop)
{
	const char *b = imap_mime_param(part, "boundary");
	int level = (int)ctx->st.n;

	if (!b || !*b || depth >= IMAP_MIME_MAX_DEPTH) {
		imap_mime_scan(ctx, part->body_off, part->body_off, stop);
		return;
	}
	ctx->st.b[ctx->st.n] = b;
	ctx->st.len[ctx->st.n] = strlen(b);
	ctx->st.n++;
	/* the preamble, up to the first delimiter */
	imap_mime_scan(ctx, part->body_off, part->body_off, stop);
	if (stop->level == level)
		imap_mime_parts(ctx, part, depth, level, stop);
	ctx->st.n--;
}

static struct imap_mime_part *imap_mime_placeholder(struct imap_mime_ctx *ctx,
						    struct imap_mime_part *part)
{
	struct imap_mime_part *ph = calloc(1, sizeof(*ph));

	if (!ph) {
		ctx->oom = true;
		return NULL;
	}
	ph->parent = part;
	ph->hdr_off = ph->body_off = part->body_off + part->body_size;
	ph->is_text = true;
	ph->is_placeholder = true;
	ctx->m->n_parts++;
	return ph;
}

static void imap_mime_set_type(struct imap_mime_ctx *ctx,
			       struct imap_mime_part *part, bool in_digest)
{
	if (!part->type && in_digest) {
		part->type = strdup("message");
		part->subtype = strdup("rfc822");
		if (!part->type || !part->subtype)
			ctx->oom = true;
	}
	part->is_text = !part->type || imap_type_is(part, "text", NULL);
	part->is_multipart = imap_type_is(part, "multipart", NULL);
}

static bool imap_mime_is_message(const struct imap_mime_ctx *ctx,
				 const struct imap_mime_part *part,
				 unsigned int depth)
{
	return (imap_type_is(part, "message", "rfc822") ||
		imap_type_is(part, "message", "global")) &&
	       imap_encoding_is_identity(part) &&
	       depth < IMAP_MIME_MAX_DEPTH &&
	       ctx->m->n_parts < IMAP_MIME_MAX_PARTS;
}

static struct imap_mime_part *imap_mime_entity(struct imap_mime_ctx *ctx,
					       size_t off,
					       struct imap_mime_part *parent,
					       unsigned int depth,
					       bool in_digest,
					       struct imap_mime_stop *stop)
{
	struct imap_mime_part *part = calloc(1, sizeof(*part));
	bool cut, oom = false;
	size_t hdr_end;

	if (!part) {
		ctx->oom = true;
		return NULL;
	}
	ctx->m->n_parts++;
	part->parent = parent;
	part->hdr_off = off;
	cut = imap_mime_header(ctx, off, &hdr_end, stop);
	part->hdr_size = hdr_end - off;
	part->body_off = hdr_end;
	imap_mime_parse_fields(part, ctx->data + off, part->hdr_size, &oom);
	if (oom)
		ctx->oom = true;
	imap_mime_set_type(ctx, part, in_digest);

	if (cut) {
		/* a delimiter inside the header: no body */
	} else if (part->is_multipart) {
		imap_mime_multipart(ctx, part, depth, stop);
	} else if (imap_mime_is_message(ctx, part, depth)) {
		part->message = imap_mime_entity(ctx, part->body_off, part,
						 depth + 1, false, stop);
		part->is_message = part->message != NULL;
	} else {
		/*
		 * An empty body: the header's empty line is also the line
		 * ending before the delimiter, and goes to the delimiter.
		 */
		imap_mime_scan(ctx, part->body_off, off, stop);
		if (stop->end < part->body_off) {
			part->hdr_size = stop->end - off;
			part->body_off = stop->end;
		}
	}
	part->body_size = stop->end > part->body_off ?
			  stop->end - part->body_off : 0;
	part->body_lines = imap_count_lines(ctx->data + part->body_off,
					    part->body_size);
	if (part->is_multipart && !part->children && !ctx->oom) {
		part->children = imap_mime_placeholder(ctx, part);
		part->n_children = part->children ? 1 : 0;
	}
	return part;
}

static void imap_mime_part_free(struct imap_mime_part *part)
{
	struct imap_mime_part *c, *next;

	if (!part)
		return;
	for (c = part->children; c; c = next) {
		next = c->next;
		imap_mime_part_free(c);
	}
	imap_mime_part_free(part->message);
	imap_mime_fields_free(part);
	free(part);
}

struct imap_mime *imap_mime_parse(const char *data, size_t size)
{
	struct imap_mime *m = calloc(1, sizeof(*m));
	struct imap_mime_ctx *ctx = calloc(1, sizeof(*ctx));
	struct imap_mime_stop stop;

	if (!m || !ctx) {
		free(m);
		free(ctx);
		return NULL;
	}
	ctx->data = data;
	ctx->size = size;
	ctx->m = m;
	m->size = size;
	m->root = imap_mime_entity(ctx, 0, NULL, 0, false, &stop);
	if (ctx->oom || !m->root) {
		free(ctx);
		imap_mime_free(m);
		return NULL;
	}
	free(ctx);
	return m;
}

void imap_mime_free(struct imap_mime *m)
{
	if (!m)
		return;
	imap_mime_part_free(m->root);
	free(m);
}
