/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IMAP sequence sets (RFC 3501 sequence-set, also used for UID sets).
 *
 * "*" is kept as IMAP_SEQ_STAR when parsing; imap_seqset_resolve() then
 * replaces it with the largest number in use (the message count, or the
 * highest UID) and normalizes the set: ranges ordered low:high, sorted,
 * merged.  As RFC 3501 requires, "559:*" with 500 messages becomes 500:559
 * and so still contains message 500.  Lookups need a resolved set.
 * With max 0 (empty mailbox) "*" becomes 0, which no message has; a
 * server answers BAD for "*" in a message sequence set of an empty
 * mailbox (RFC 3501 section 9, seq-number).
 */
#ifndef TWIN_IMAP_SEQSET_H
#define TWIN_IMAP_SEQSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imap/imap_buf.h"

#define IMAP_SEQ_STAR	UINT32_MAX

struct imap_seq_range {
	uint32_t lo, hi;
};

struct imap_seqset {
	struct imap_seq_range *r;
	size_t count, cap;
	bool resolved;
};

void imap_seqset_init(struct imap_seqset *s);
void imap_seqset_free(struct imap_seqset *s);

/* Parse "1:*,2,4:7"; 0 on success, -1 with *err set. */
int imap_seqset_parse(struct imap_seqset *s, const char *str,
		      const char **err);

/* Append lo:hi (either order); 0 or -1 on allocation failure. */
int imap_seqset_add(struct imap_seqset *s, uint32_t lo, uint32_t hi);

/* Replace "*" by @max and normalize (see above). */
void imap_seqset_resolve(struct imap_seqset *s, uint32_t max);

bool imap_seqset_contains(const struct imap_seqset *s, uint32_t n);
/* Largest number in a resolved set, 0 if empty. */
uint32_t imap_seqset_max(const struct imap_seqset *s);
/* Number of distinct values in a resolved set. */
uint64_t imap_seqset_count(const struct imap_seqset *s);
/* True if any range used "*" before resolving. */
bool imap_seqset_has_star(const struct imap_seqset *s);

/*
 * Iterate a resolved set in ascending order:
 *	struct imap_seqset_iter it = IMAP_SEQSET_ITER_INIT;
 *	while (imap_seqset_next(s, &it, &n)) ...
 */
struct imap_seqset_iter {
	size_t range;
	uint64_t next;
};
#define IMAP_SEQSET_ITER_INIT { 0, 0 }
bool imap_seqset_next(const struct imap_seqset *s,
		      struct imap_seqset_iter *it, uint32_t *n);

/* Write the compact form, e.g. "1:3,7" (COPYUID, SEARCH results). */
void imap_seqset_format(const struct imap_seqset *s, struct imap_buf *out);

#endif
