/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IMAP system flags and keywords (RFC 3501 section 2.3.2).
 * Flag and keyword names compare case-insensitively.
 */
#ifndef TWIN_IMAP_FLAGS_H
#define TWIN_IMAP_FLAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "imap/imap_buf.h"

enum imap_flag {
	IMAP_FLAG_SEEN		= 1 << 0,
	IMAP_FLAG_ANSWERED	= 1 << 1,
	IMAP_FLAG_FLAGGED	= 1 << 2,
	IMAP_FLAG_DELETED	= 1 << 3,
	IMAP_FLAG_DRAFT		= 1 << 4,
	IMAP_FLAG_RECENT	= 1 << 5,	/* session flag, never stored */
};

/* "\Seen" -> IMAP_FLAG_SEEN; 0 for anything else. */
unsigned int imap_flag_from_name(const char *name);
/* IMAP_FLAG_SEEN -> "\Seen"; NULL for an unknown bit. */
const char *imap_flag_name(unsigned int flag);

/*
 * A keyword is an atom that does not start with "\" (RFC 3501 flag-keyword).
 * Servers must reject the rest with a clear error.
 */
bool imap_keyword_is_valid(const char *name);

/* "(\Seen \Flagged $Junk)": system flags in table order, then keywords. */
void imap_write_flags(struct imap_buf *b, unsigned int flags,
		      const char *const *keywords, size_t n_keywords);

#endif
