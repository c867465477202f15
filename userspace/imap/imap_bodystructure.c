// SPDX-License-Identifier: GPL-2.0
/* FETCH BODY and BODYSTRUCTURE: see imap_bodystructure.h. */
#include <strings.h>

#include "imap/imap_bodystructure.h"
#include "imap/imap_envelope.h"
#include "imap/imap_write.h"

static void imap_write_params(struct imap_buf *b,
			      const struct imap_mime_param *params,
			      unsigned int n, bool default_charset)
{
	bool seen_charset = false;
	unsigned int i;

	if (!n && !default_charset) {
		imap_buf_adds(b, "NIL");
		return;
	}
	imap_buf_addc(b, '(');
	for (i = 0; i < n; i++) {
		if (i)
			imap_buf_addc(b, ' ');
		if (!strcasecmp(params[i].name, "charset"))
			seen_charset = true;
		imap_write_strz(b, params[i].name);
		imap_buf_addc(b, ' ');
		imap_write_strz(b, params[i].value);
	}
	if (default_charset && !seen_charset)
		imap_buf_adds(b, n ? " \"charset\" \"us-ascii\"" :
				     "\"charset\" \"us-ascii\"");
	imap_buf_addc(b, ')');
}

/* body-fld-dsp SP body-fld-lang SP body-fld-loc */
static void imap_write_ext_common(struct imap_buf *b,
				  const struct imap_mime_part *part)
{
	unsigned int i;

	imap_buf_addc(b, ' ');
	if (part->disposition) {
		imap_buf_addc(b, '(');
		imap_write_strz(b, part->disposition);
		imap_buf_addc(b, ' ');
		imap_write_params(b, part->dsp_params, part->n_dsp_params,
				  false);
		imap_buf_addc(b, ')');
	} else {
		imap_buf_adds(b, "NIL");
	}
	imap_buf_addc(b, ' ');
	if (part->n_languages) {
		imap_buf_addc(b, '(');
		for (i = 0; i < part->n_languages; i++) {
			if (i)
				imap_buf_addc(b, ' ');
			imap_write_strz(b, part->languages[i]);
		}
		imap_buf_addc(b, ')');
	} else {
		imap_buf_adds(b, "NIL");
	}
	imap_buf_addc(b, ' ');
	imap_write_nstrz(b, part->location);
}

static void imap_write_single(struct imap_buf *b, const char *msg,
			      const struct imap_mime_part *part,
			      bool extended)
{
	imap_buf_addc(b, '(');
	if (part->type) {
		imap_write_strz(b, part->type);
		imap_buf_addc(b, ' ');
		imap_write_strz(b, part->subtype);
	} else {
		imap_buf_adds(b, "\"text\" \"plain\"");
	}
	imap_buf_addc(b, ' ');
	imap_write_params(b, part->params, part->n_params, part->is_text);
	imap_buf_addc(b, ' ');
	imap_write_nstrz(b, part->id);
	imap_buf_addc(b, ' ');
	imap_write_nstrz(b, part->description);
	imap_buf_addc(b, ' ');
	imap_write_strz(b, part->encoding ? part->encoding : "7bit");
	imap_buf_addf(b, " %zu", part->body_size);
	if (part->is_message) {
		imap_buf_addc(b, ' ');
		imap_write_envelope(b, msg, part->message);
		imap_buf_addc(b, ' ');
		imap_write_bodystructure(b, msg, part->message, extended);
		imap_buf_addf(b, " %zu", part->body_lines);
	} else if (part->is_text) {
		imap_buf_addf(b, " %zu", part->body_lines);
	}
	if (extended) {
		imap_buf_addc(b, ' ');
		imap_write_nstrz(b, part->md5);
		imap_write_ext_common(b, part);
	}
	imap_buf_addc(b, ')');
}

void imap_write_bodystructure(struct imap_buf *b, const char *msg,
			      const struct imap_mime_part *part,
			      bool extended)
{
	const struct imap_mime_part *c;

	if (!part->is_multipart) {
		imap_write_single(b, msg, part, extended);
		return;
	}
	imap_buf_addc(b, '(');
	for (c = part->children; c; c = c->next)
		imap_write_bodystructure(b, msg, c, extended);
	imap_buf_addc(b, ' ');
	imap_write_strz(b, part->subtype);
	if (extended) {
		imap_buf_addc(b, ' ');
		imap_write_params(b, part->params, part->n_params, false);
		imap_write_ext_common(b, part);
	}
	imap_buf_addc(b, ')');
}
