// SPDX-License-Identifier: GPL-2.0
/* IMAP sequence sets: see imap_seqset.h. */
#include <stdlib.h>
#include <string.h>

#include "imap/imap_seqset.h"

void imap_seqset_init(struct imap_seqset *s)
{
	memset(s, 0, sizeof(*s));
}

void imap_seqset_free(struct imap_seqset *s)
{
	free(s->r);
	imap_seqset_init(s);
}

int imap_seqset_add(struct imap_seqset *s, uint32_t lo, uint32_t hi)
{
	struct imap_seq_range *r;
	size_t cap;

	if (s->count == s->cap) {
		cap = s->cap ? s->cap * 2 : 8;
		r = realloc(s->r, cap * sizeof(*r));
		if (!r)
			return -1;
		s->r = r;
		s->cap = cap;
	}
	if (lo > hi) {
		uint32_t t = lo;

		lo = hi;
		hi = t;
	}
	s->r[s->count].lo = lo;
	s->r[s->count].hi = hi;
	s->count++;
	s->resolved = false;
	return 0;
}

/* seq-number = nz-number / "*"; nz-number fits in 32 bits. */
static int imap_seqset_number(const char **pp, uint32_t *out)
{
	const char *p = *pp;
	uint64_t n = 0;

	if (*p == '*') {
		*out = IMAP_SEQ_STAR;
		*pp = p + 1;
		return 0;
	}
	if (*p < '1' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (uint64_t)(*p - '0');
		if (n >= IMAP_SEQ_STAR)
			return -1;
	}
	*out = (uint32_t)n;
	*pp = p;
	return 0;
}

int imap_seqset_parse(struct imap_seqset *s, const char *str,
		      const char **err)
{
	const char *p = str;
	uint32_t lo, hi;

	s->count = 0;
	for (;;) {
		if (imap_seqset_number(&p, &lo) < 0) {
			*err = "Invalid sequence set";
			return -1;
		}
		hi = lo;
		if (*p == ':') {
			p++;
			if (imap_seqset_number(&p, &hi) < 0) {
				*err = "Invalid sequence set";
				return -1;
			}
		}
		if (imap_seqset_add(s, lo, hi) < 0) {
			*err = "Out of memory";
			return -1;
		}
		if (*p == '\0')
			return 0;
		if (*p != ',') {
			*err = "Invalid sequence set";
			return -1;
		}
		p++;
	}
}

bool imap_seqset_has_star(const struct imap_seqset *s)
{
	size_t i;

	for (i = 0; i < s->count; i++) {
		if (s->r[i].hi == IMAP_SEQ_STAR)
			return true;
	}
	return false;
}

static int imap_range_cmp(const void *a, const void *b)
{
	const struct imap_seq_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

void imap_seqset_resolve(struct imap_seqset *s, uint32_t max)
{
	size_t i, out = 0;

	for (i = 0; i < s->count; i++) {
		struct imap_seq_range *r = &s->r[i];
		uint32_t lo = r->lo == IMAP_SEQ_STAR ? max : r->lo;
		uint32_t hi = r->hi == IMAP_SEQ_STAR ? max : r->hi;

		r->lo = lo < hi ? lo : hi;
		r->hi = lo < hi ? hi : lo;
	}
	if (s->count > 1)
		qsort(s->r, s->count, sizeof(*s->r), imap_range_cmp);
	for (i = 0; i < s->count; i++) {
		if (out && (uint64_t)s->r[out - 1].hi + 1 >= s->r[i].lo) {
			if (s->r[i].hi > s->r[out - 1].hi)
				s->r[out - 1].hi = s->r[i].hi;
		} else {
			s->r[out++] = s->r[i];
		}
	}
	s->count = out;
	s->resolved = true;
}

bool imap_seqset_contains(const struct imap_seqset *s, uint32_t n)
{
	size_t lo = 0, hi = s->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (n < s->r[mid].lo)
			hi = mid;
		else if (n > s->r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

uint32_t imap_seqset_max(const struct imap_seqset *s)
{
	return s->count ? s->r[s->count - 1].hi : 0;
}

uint64_t imap_seqset_count(const struct imap_seqset *s)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < s->count; i++)
		n += (uint64_t)s->r[i].hi - s->r[i].lo + 1;
	return n;
}

bool imap_seqset_next(const struct imap_seqset *s,
		      struct imap_seqset_iter *it, uint32_t *n)
{
	while (it->range < s->count) {
		const struct imap_seq_range *r = &s->r[it->range];

		if (it->next < r->lo)
			it->next = r->lo;
		if (it->next <= r->hi) {
			*n = (uint32_t)it->next++;
			return true;
		}
		it->range++;
	}
	return false;
}

void imap_seqset_format(const struct imap_seqset *s, struct imap_buf *out)
{
	size_t i;

	for (i = 0; i < s->count; i++) {
		const struct imap_seq_range *r = &s->r[i];

		if (i)
			imap_buf_addc(out, ',');
		if (r->lo == IMAP_SEQ_STAR)
			imap_buf_addc(out, '*');
		else
			imap_buf_addf(out, "%u", r->lo);
		if (r->hi == r->lo)
			continue;
		if (r->hi == IMAP_SEQ_STAR)
			imap_buf_adds(out, ":*");
		else
			imap_buf_addf(out, ":%u", r->hi);
	}
}
