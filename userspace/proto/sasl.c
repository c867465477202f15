// SPDX-License-Identifier: GPL-2.0
/* SASL PLAIN and base64: see sasl.h. */
#include <string.h>

#include "proto/sasl.h"

static int sasl_b64_value(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

int sasl_base64_decode(const char *in, unsigned char *out, size_t outmax,
		       size_t *outlen)
{
	size_t len = strlen(in), i, o = 0;
	int v[4], k, pad;

	if (len % 4)
		return -1;
	for (i = 0; i < len; i += 4) {
		pad = 0;
		for (k = 0; k < 4; k++) {
			if (in[i + k] == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad)	/* data after '=' */
				return -1;
			v[k] = sasl_b64_value(in[i + k]);
			if (v[k] < 0)
				return -1;
		}
		if (o + 3 - (size_t)pad > outmax)
			return -1;
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	*outlen = o;
	return 0;
}

static int sasl_field(const unsigned char **p, const unsigned char *end,
		      char *out, int last)
{
	const unsigned char *nul = last ? end :
		memchr(*p, '\0', (size_t)(end - *p));
	size_t len;

	if (!nul)
		return -1;
	len = (size_t)(nul - *p);
	if (len > SASL_FIELD_MAX || memchr(*p, '\0', len))
		return -1;
	memcpy(out, *p, len);
	out[len] = '\0';
	*p = last ? end : nul + 1;
	return 0;
}

int sasl_plain_decode(const char *b64, struct sasl_plain *pl)
{
	unsigned char raw[3 * SASL_FIELD_MAX + 3];
	const unsigned char *p = raw, *end;
	size_t len;

	if (sasl_base64_decode(b64, raw, sizeof(raw), &len) < 0)
		return -1;
	end = raw + len;
	if (sasl_field(&p, end, pl->authzid, 0) < 0 ||
	    sasl_field(&p, end, pl->authcid, 0) < 0 ||
	    sasl_field(&p, end, pl->passwd, 1) < 0)
		return -1;
	if (!pl->authcid[0] || !pl->passwd[0])
		return -1;
	return 0;
}
