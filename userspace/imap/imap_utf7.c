// SPDX-License-Identifier: GPL-2.0
/* Modified UTF-7 mailbox names: see imap_utf7.h. */
#include <stdint.h>
#include <string.h>

#include "imap/imap_utf7.h"

static const char imap_b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int imap_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == ',')
		return 63;
	return -1;
}

/* Decode one UTF-8 sequence; returns its length or 0 if invalid. */
static size_t imap_utf8_decode(const unsigned char *s, size_t len,
			       uint32_t *cp)
{
	uint32_t c, min;
	size_t n, i;

	if (!len)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

bool imap_utf8_is_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	while (len) {
		n = imap_utf8_decode(p, len, &cp);
		if (!n)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

static void imap_utf8_encode(uint32_t c, struct imap_buf *out)
{
	char b[4];
	size_t n;

	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	imap_buf_add(out, b, n);
}

static bool imap_is_direct(uint32_t c)
{
	return c >= 0x20 && c <= 0x7e;
}

/* Append one UTF-16 unit to the base64 bit stream. */
static void imap_utf7_put_unit(uint32_t unit, uint32_t *bits,
			       unsigned int *nbits, struct imap_buf *out)
{
	*bits = (*bits << 16) | unit;
	*nbits += 16;
	while (*nbits >= 6) {
		*nbits -= 6;
		imap_buf_addc(out, imap_b64[(*bits >> *nbits) & 0x3f]);
	}
	*bits &= (1u << *nbits) - 1;
}

/* Flush the leftover bits (zero padded) and close the run with "-". */
static void imap_utf7_end_run(uint32_t bits, unsigned int nbits,
			      struct imap_buf *out)
{
	if (nbits)
		imap_buf_addc(out, imap_b64[(bits << (6 - nbits)) & 0x3f]);
	imap_buf_addc(out, '-');
}

int imap_utf8_to_utf7(const char *utf8, struct imap_buf *out)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t len = strlen(utf8), n;
	uint32_t cp, bits = 0;
	unsigned int nbits = 0;
	bool in_b64 = false;

	while (len) {
		n = imap_utf8_decode(p, len, &cp);
		if (!n)
			return -1;
		p += n;
		len -= n;
		if (imap_is_direct(cp)) {
			if (in_b64)
				imap_utf7_end_run(bits, nbits, out);
			in_b64 = false;
			if (cp == '&')
				imap_buf_adds(out, "&-");
			else
				imap_buf_addc(out, (char)cp);
			continue;
		}
		if (!in_b64) {
			imap_buf_addc(out, '&');
			in_b64 = true;
			bits = 0;
			nbits = 0;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			imap_utf7_put_unit(0xd800 | (cp >> 10), &bits, &nbits,
					   out);
			imap_utf7_put_unit(0xdc00 | (cp & 0x3ff), &bits, &nbits,
					   out);
		} else {
			imap_utf7_put_unit(cp, &bits, &nbits, out);
		}
	}
	if (in_b64)
		imap_utf7_end_run(bits, nbits, out);
	return 0;
}

/* One decoded UTF-16 unit; *high holds a pending high surrogate. */
static int imap_utf7_unit(uint32_t u, uint32_t *high, struct imap_buf *out)
{
	if (*high) {
		if (u < 0xdc00 || u > 0xdfff)
			return -1;
		imap_utf8_encode(0x10000 + ((*high - 0xd800) << 10) +
				 (u - 0xdc00), out);
		*high = 0;
		return 0;
	}
	if (u >= 0xd800 && u <= 0xdbff) {
		*high = u;
		return 0;
	}
	/* a lone low surrogate, or ASCII that must have been plain */
	if ((u >= 0xdc00 && u <= 0xdfff) || imap_is_direct(u))
		return -1;
	imap_utf8_encode(u, out);
	return 0;
}

/* Decode the base64 run starting after "&"; *pp ends after the "-". */
static int imap_utf7_run(const unsigned char **pp, struct imap_buf *out)
{
	const unsigned char *p = *pp;
	uint32_t bits = 0, high = 0;
	unsigned int nbits = 0;
	bool any = false;
	int v;

	for (; *p != '-'; p++) {
		v = imap_b64_value(*p);
		if (v < 0)
			return -1;
		bits = (bits << 6) | (uint32_t)v;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		if (imap_utf7_unit((bits >> nbits) & 0xffff, &high, out) < 0)
			return -1;
		bits &= (1u << nbits) - 1;
		any = true;
	}
	/* leftover bits must be zero padding of less than one unit */
	if (!any || high || nbits >= 6 || bits != 0)
		return -1;
	*pp = p + 1;
	return 0;
}

int imap_utf7_to_utf8(const char *utf7, struct imap_buf *out)
{
	const unsigned char *p = (const unsigned char *)utf7;
	bool after_run = false;

	while (*p) {
		if (*p == '&') {
			p++;
			if (*p == '-') {
				imap_buf_addc(out, '&');
				p++;
				after_run = false;
				continue;
			}
			/* "&AOk-&AOk-" must be one run "&AOkA6Q-" */
			if (after_run)
				return -1;
			if (imap_utf7_run(&p, out) < 0)
				return -1;
			after_run = true;
			continue;
		}
		if (!imap_is_direct(*p))
			return -1;
		imap_buf_addc(out, (char)*p);
		p++;
		after_run = false;
	}
	return 0;
}

bool imap_utf7_is_valid(const char *name)
{
	struct imap_buf b = IMAP_BUF_INIT;
	bool ok = imap_utf7_to_utf8(name, &b) == 0 && !imap_buf_failed(&b);

	imap_buf_free(&b);
	return ok;
}
