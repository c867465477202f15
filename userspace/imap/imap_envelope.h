/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FETCH ENVELOPE (RFC 3501 section 7.4.2) and the address lists in it.
 *
 * Header values are sent as they are in the message (unfolded, encoded
 * words left for the client to decode).  Sender and Reply-To default to
 * From when absent or empty.  An address without a domain gets the host
 * "MISSING_DOMAIN" (a NIL host would mean a group), as Dovecot does.
 */
#ifndef TWIN_IMAP_ENVELOPE_H
#define TWIN_IMAP_ENVELOPE_H

#include <stddef.h>

#include "imap/imap_buf.h"
#include "imap/imap_mime.h"

/* @part is a message: the root, or the ->message of a message/rfc822. */
void imap_write_envelope(struct imap_buf *b, const char *msg,
			 const struct imap_mime_part *part);

/* An RFC 5322 address list as an IMAP list of addresses, or NIL. */
void imap_write_address_list(struct imap_buf *b, const char *value,
			     size_t len);

#endif
