/* SPDX-License-Identifier: GPL-2.0 */
/* SASL PLAIN (RFC 4616) and the base64 it travels in (RFC 4648). */
#ifndef SLOTD_SASL_H
#define SLOTD_SASL_H

#include <stddef.h>

#define SASL_FIELD_MAX	255

struct sasl_plain {
	char authzid[SASL_FIELD_MAX + 1];	/* "" if none */
	char authcid[SASL_FIELD_MAX + 1];
	char passwd[SASL_FIELD_MAX + 1];
};

/* Strict base64: padding required, no whitespace. -1 on bad input. */
int sasl_base64_decode(const char *in, unsigned char *out, size_t outmax,
		       size_t *outlen);
/* Decode "[authzid] NUL authcid NUL passwd". -1 if malformed. */
int sasl_plain_decode(const char *b64, struct sasl_plain *p);

#endif
