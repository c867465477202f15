/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IMAP SEARCH (RFC 3501 section 6.4.4, MODSEQ from RFC 7162).
 *
 * imap_search_parse() turns the arguments of SEARCH / UID SEARCH into a
 * tree; imap_search_prepare() fixes "*" once the mailbox size is known;
 * imap_search_match() evaluates the tree against one message, fetching
 * the message bytes only when a key needs them (header or text keys).
 *
 * Text keys match case-insensitively as substrings (RFC 3501): header
 * values after RFC 2047 decoding, and bodies after quoted-printable and
 * base64 decoding.  Charsets UTF-8, US-ASCII and ISO-8859-1 are decoded;
 * case folding covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic.
 */
#ifndef TWIN_IMAP_SEARCH_H
#define TWIN_IMAP_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "imap/imap_parser.h"
#include "imap/imap_seqset.h"

/* NOT NOT NOT ... and nested groups stop here ("Search too complex"). */
#define IMAP_SEARCH_MAX_DEPTH	64

enum imap_search_type {
	IMAP_SK_ALL,
	IMAP_SK_AND,		/* children: all must match */
	IMAP_SK_OR,		/* children: two keys */
	IMAP_SK_NOT,		/* child: one key */
	IMAP_SK_FLAGS_SET,	/* flag bits all set */
	IMAP_SK_FLAGS_CLEAR,	/* flag bits all clear */
	IMAP_SK_NEW,		/* RECENT UNSEEN */
	IMAP_SK_KEYWORD,
	IMAP_SK_UNKEYWORD,
	IMAP_SK_BEFORE,		/* internal date, by day */
	IMAP_SK_ON,
	IMAP_SK_SINCE,
	IMAP_SK_SENTBEFORE,	/* Date: header, by day */
	IMAP_SK_SENTON,
	IMAP_SK_SENTSINCE,
	IMAP_SK_LARGER,
	IMAP_SK_SMALLER,
	IMAP_SK_HEADER,		/* FROM TO CC BCC SUBJECT HEADER */
	IMAP_SK_BODY,
	IMAP_SK_TEXT,
	IMAP_SK_SEQSET,
	IMAP_SK_UIDSET,
	IMAP_SK_MODSEQ,
};

struct imap_search_key {
	enum imap_search_type type;
	struct imap_search_key *next;	/* sibling */
	struct imap_search_key *child;	/* AND/OR/NOT operands */
	unsigned int flags;		/* FLAGS_SET/CLEAR */
	char *hdr;			/* HEADER field name */
	char *str;			/* text, keyword */
	char *folded;			/* str case-folded, for matching */
	int64_t day;			/* date keys: days since 1970 */
	uint64_t num;			/* LARGER/SMALLER/MODSEQ */
	struct imap_seqset set;
};

struct imap_search {
	struct imap_search_key *root;	/* an AND */
	bool has_modseq;		/* reply needs "(MODSEQ n)" */
};

struct imap_search_msg {
	uint32_t seq, uid;
	unsigned int flags;		/* enum imap_flag bits */
	const char *const *keywords;
	size_t n_keywords;
	time_t internal_date;
	int internal_tz;		/* minutes east of UTC */
	uint64_t size;			/* RFC822.SIZE */
	uint64_t modseq;
	/* The message bytes; 0, or -1 if they cannot be read. */
	int (*get_raw)(void *ctx, const char **data, size_t *len);
	void *ctx;
};

/*
 * Parse @n arguments (what follows SEARCH).  0, or -1 with *err; then
 * *badcharset tells to answer NO [BADCHARSET (UTF-8 US-ASCII)].
 */
int imap_search_parse(const struct imap_arg *args, size_t n,
		      struct imap_search **out, const char **err,
		      bool *badcharset);
void imap_search_free(struct imap_search *s);

/* Resolve "*" in sequence and UID sets; cheap keys are moved first. */
void imap_search_prepare(struct imap_search *s, uint32_t max_seq,
			 uint32_t max_uid);

/* 1 match, 0 no match, -1 the message bytes could not be read. */
int imap_search_match(const struct imap_search *s,
		      const struct imap_search_msg *msg);

/* What the keys of a search read besides the index. */
enum imap_search_need {
	IMAP_SEARCH_NEED_INDEX,		/* nothing: flags, sizes, dates */
	IMAP_SEARCH_NEED_FIELDS,	/* only top fields cached() has */
	IMAP_SEARCH_NEED_MESSAGE,	/* other fields, or the body */
};

/*
 * With IMAP_SEARCH_NEED_FIELDS, get_raw may return just a header block
 * of those fields (a message with an empty body): the result is the
 * same.  cached(name, len) says whether a field is in such a block;
 * SENTBEFORE/SENTON/SENTSINCE need "Date".
 */
enum imap_search_need imap_search_need(const struct imap_search *s,
				       bool (*cached)(const char *name,
						      size_t len));

#endif
