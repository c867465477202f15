/* SPDX-License-Identifier: GPL-2.0 */
/* Between the MIME structure parser and its header field parser. */
#ifndef TWIN_IMAP_MIME_INT_H
#define TWIN_IMAP_MIME_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "imap/imap_mime.h"

/* Fill the Content-* members of @part from its header; *oom on failure. */
void imap_mime_parse_fields(struct imap_mime_part *part, const char *hdr,
			    size_t len, bool *oom);
/* Free what imap_mime_parse_fields() allocated. */
void imap_mime_fields_free(struct imap_mime_part *part);

#endif
