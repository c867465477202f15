// SPDX-License-Identifier: GPL-2.0
/* IMAP system flags and keywords: see imap_flags.h. */
#include <string.h>
#include <strings.h>

#include "imap/imap_flags.h"
#include "imap/imap_write.h"

static const struct {
	unsigned int flag;
	const char *name;
} imap_flag_table[] = {
	{ IMAP_FLAG_SEEN, "\\Seen" },
	{ IMAP_FLAG_ANSWERED, "\\Answered" },
	{ IMAP_FLAG_FLAGGED, "\\Flagged" },
	{ IMAP_FLAG_DELETED, "\\Deleted" },
	{ IMAP_FLAG_DRAFT, "\\Draft" },
	{ IMAP_FLAG_RECENT, "\\Recent" },
};

#define IMAP_N_FLAGS (sizeof(imap_flag_table) / sizeof(imap_flag_table[0]))

unsigned int imap_flag_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < IMAP_N_FLAGS; i++) {
		if (!strcasecmp(name, imap_flag_table[i].name))
			return imap_flag_table[i].flag;
	}
	return 0;
}

const char *imap_flag_name(unsigned int flag)
{
	size_t i;

	for (i = 0; i < IMAP_N_FLAGS; i++) {
		if (imap_flag_table[i].flag == flag)
			return imap_flag_table[i].name;
	}
	return NULL;
}

bool imap_keyword_is_valid(const char *name)
{
	return name[0] != '\\' && imap_is_atom(name, strlen(name));
}

void imap_write_flags(struct imap_buf *b, unsigned int flags,
		      const char *const *keywords, size_t n_keywords)
{
	bool first = true;
	size_t i;

	imap_buf_addc(b, '(');
	for (i = 0; i < IMAP_N_FLAGS; i++) {
		if (!(flags & imap_flag_table[i].flag))
			continue;
		if (!first)
			imap_buf_addc(b, ' ');
		imap_buf_adds(b, imap_flag_table[i].name);
		first = false;
	}
	for (i = 0; i < n_keywords; i++) {
		if (!first)
			imap_buf_addc(b, ' ');
		imap_buf_adds(b, keywords[i]);
		first = false;
	}
	imap_buf_addc(b, ')');
}
