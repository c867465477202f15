/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FETCH BODY and BODYSTRUCTURE (RFC 3501 section 7.4.2) from a parsed
 * MIME tree.  The output follows Dovecot's conventions: types as written
 * in the message, parameter names in lower case, text parts always carry
 * a charset ("us-ascii" by default), and BODYSTRUCTURE always has the
 * four extension fields (md5, disposition, language, location).
 */
#ifndef TWIN_IMAP_BODYSTRUCTURE_H
#define TWIN_IMAP_BODYSTRUCTURE_H

#include <stdbool.h>

#include "imap/imap_buf.h"
#include "imap/imap_mime.h"

/* extended: BODYSTRUCTURE; otherwise the BODY form without extensions. */
void imap_write_bodystructure(struct imap_buf *b, const char *msg,
			      const struct imap_mime_part *part,
			      bool extended);

#endif
