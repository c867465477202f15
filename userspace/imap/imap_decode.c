// SPDX-License-Identifier: GPL-2.0
/* Text decoding for SEARCH: see imap_decode.h. */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/imap_decode.h"

static int imap_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void imap_decode_qp(const char *s, size_t len, struct imap_buf *out)
{
	size_t i = 0, j;
	int h, l;

	while (i < len) {
		if (s[i] != '=') {
			imap_buf_addc(out, s[i++]);
			continue;
		}
		/* soft line break: "=" [WSP] CRLF */
		j = i + 1;
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < len && (s[j] == '\r' || s[j] == '\n')) {
			if (s[j] == '\r' && j + 1 < len && s[j + 1] == '\n')
				j++;
			i = j + 1;
			continue;
		}
		if (j == len) {
			i = len;
			continue;
		}
		h = i + 2 < len ? imap_hex((unsigned char)s[i + 1]) : -1;
		l = i + 2 < len ? imap_hex((unsigned char)s[i + 2]) : -1;
		if (h < 0 || l < 0) {
			imap_buf_addc(out, s[i++]);	/* keep broken "=" */
			continue;
		}
		imap_buf_addc(out, (char)(h * 16 + l));
		i += 3;
	}
}

static int imap_b64(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

void imap_decode_base64(const char *s, size_t len, struct imap_buf *out)
{
	uint32_t bits = 0;
	unsigned int n = 0;
	size_t i;
	int v;

	for (i = 0; i < len; i++) {
		if (s[i] == '=')
			break;
		v = imap_b64((unsigned char)s[i]);
		if (v < 0)
			continue;	/* line breaks, garbage */
		bits = (bits << 6) | (uint32_t)v;
		n += 6;
		if (n >= 8) {
			n -= 8;
			imap_buf_addc(out, (char)((bits >> n) & 0xff));
		}
	}
}

static bool imap_is_utf8_name(const char *cs)
{
	return !cs || !strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8") ||
	       !strcasecmp(cs, "us-ascii");
}

void imap_charset_to_utf8(const char *charset, const char *s, size_t len,
			  struct imap_buf *out)
{
	char tmp[1024], *in = (char *)s, *o;
	size_t left = len, oleft;
	iconv_t cd;

	if (imap_is_utf8_name(charset)) {
		imap_buf_add(out, s, len);
		return;
	}
	cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1) {
		imap_buf_add(out, s, len);	/* unknown: as is */
		return;
	}
	while (left) {
		o = tmp;
		oleft = sizeof(tmp);
		if (iconv(cd, &in, &left, &o, &oleft) == (size_t)-1 &&
		    errno != E2BIG) {
			/* an invalid byte: copy it and go on */
			imap_buf_add(out, tmp, sizeof(tmp) - oleft);
			imap_buf_addc(out, *in++);
			left--;
			continue;
		}
		imap_buf_add(out, tmp, sizeof(tmp) - oleft);
	}
	iconv_close(cd);
}

/* "=?charset?Q|B?text?=" at @s; returns its length or 0. */
static size_t imap_encoded_word(const char *s, size_t len,
				struct imap_buf *out)
{
	const char *cs, *enc, *text, *end;
	struct imap_buf raw = IMAP_BUF_INIT;
	char charset[64];
	size_t cs_len, i;

	if (len < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	cs = s + 2;
	enc = memchr(cs, '?', len - 2);
	if (!enc || enc + 3 >= s + len || enc[2] != '?')
		return 0;
	text = enc + 3;
	for (end = text; end + 1 < s + len; end++) {
		if (end[0] == '?' && end[1] == '=')
			break;
		if (*end == ' ' || *end == '\t' || *end == '\r' ||
		    *end == '\n')
			return 0;
	}
	if (end + 1 >= s + len)
		return 0;
	cs_len = (size_t)(enc - cs);
	if (!cs_len || cs_len >= sizeof(charset))
		return 0;
	memcpy(charset, cs, cs_len);
	charset[cs_len] = '\0';
	/* RFC 2231 language suffix: "utf-8*en" */
	if (strchr(charset, '*'))
		*strchr(charset, '*') = '\0';
	if (enc[1] == 'Q' || enc[1] == 'q') {
		for (i = 0; text + i < end; i++) {
			if (text[i] == '_')
				imap_buf_addc(&raw, ' ');
			else if (text[i] == '=' && &text[i + 2] < end &&
				 imap_hex((unsigned char)text[i + 1]) >= 0 &&
				 imap_hex((unsigned char)text[i + 2]) >= 0) {
				imap_buf_addc(&raw, (char)(imap_hex(
					(unsigned char)text[i + 1]) * 16 +
					imap_hex((unsigned char)text[i + 2])));
				i += 2;
			} else {
				imap_buf_addc(&raw, text[i]);
			}
		}
	} else if (enc[1] == 'B' || enc[1] == 'b') {
		imap_decode_base64(text, (size_t)(end - text), &raw);
	} else {
		return 0;
	}
	imap_charset_to_utf8(charset, imap_buf_str(&raw), raw.len, out);
	if (imap_buf_failed(&raw))
		out->failed = true;
	imap_buf_free(&raw);
	return (size_t)(end + 2 - s);
}

void imap_decode_header(const char *s, size_t len, struct imap_buf *out)
{
	struct imap_buf ws = IMAP_BUF_INIT, word = IMAP_BUF_INIT;
	bool prev_word = false;
	size_t i = 0, n;

	while (i < len) {
		char c = s[i];

		if (c == '\r' || c == '\n') {
			i++;
			continue;
		}
		if (c == ' ' || c == '\t') {
			imap_buf_addc(&ws, c);
			i++;
			continue;
		}
		if (c == '=' && i + 1 < len && s[i + 1] == '?') {
			imap_buf_reset(&word);
			n = imap_encoded_word(s + i, len - i, &word);
			if (n) {
				/* white space between encoded words goes */
				if (!prev_word)
					imap_buf_add(out, ws.data, ws.len);
				imap_buf_add(out, word.data, word.len);
				imap_buf_reset(&ws);
				prev_word = true;
				i += n;
				continue;
			}
		}
		imap_buf_add(out, ws.data, ws.len);
		imap_buf_reset(&ws);
		imap_buf_addc(out, c);
		prev_word = false;
		i++;
	}
	imap_buf_add(out, ws.data, ws.len);
	if (imap_buf_failed(&ws) || imap_buf_failed(&word))
		out->failed = true;
	imap_buf_free(&ws);
	imap_buf_free(&word);
}

/* ---- case folding ---- */

static uint32_t imap_fold_cp(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c < 0x80)
		return c;
	if ((c >= 0xc0 && c <= 0xde && c != 0xd7))
		return c + 32;				/* Latin-1 */
	if (c >= 0x100 && c <= 0x137 && !(c & 1))
		return c + 1;				/* Latin Ext-A */
	if (c >= 0x139 && c <= 0x148 && (c & 1))
		return c + 1;
	if (c >= 0x14a && c <= 0x177 && !(c & 1))
		return c + 1;
	if (c == 0x178)
		return 0xff;
	if (c >= 0x179 && c <= 0x17e && (c & 1))
		return c + 1;
	if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2)
		return c + 32;				/* Greek */
	if (c == 0x3c2)
		return 0x3c3;				/* final sigma */
	if (c >= 0x410 && c <= 0x42f)
		return c + 32;				/* Cyrillic */
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	return c;
}

static size_t imap_utf8_next(const unsigned char *s, size_t len,
			     uint32_t *cp)
{
	size_t n, i;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
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
	*cp = c;
	return n;
}

static void imap_put_utf8(struct imap_buf *out, uint32_t c)
{
	char b[4];

	if (c < 0x80) {
		imap_buf_addc(out, (char)c);
		return;
	}
	if (c < 0x800) {
		b[0] = (char)(0xc0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3f));
		imap_buf_add(out, b, 2);
		return;
	}
	/* folding never leaves the BMP nor creates 4-byte forms */
	b[0] = (char)(0xe0 | (c >> 12));
	b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
	b[2] = (char)(0x80 | (c & 0x3f));
	imap_buf_add(out, b, 3);
}

void imap_fold_append(struct imap_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	while (len) {
		n = imap_utf8_next(p, len, &cp);
		if (n == 0 || n == 4 || cp != imap_fold_cp(cp)) {
			if (n == 0 || n == 4) {
				n = n ? n : 1;
				imap_buf_add(out, p, n);
			} else {
				imap_put_utf8(out, imap_fold_cp(cp));
			}
		} else {
			imap_buf_add(out, p, n);
		}
		p += n;
		len -= n;
	}
}

char *imap_fold_utf8(const char *s, size_t len)
{
	struct imap_buf b = IMAP_BUF_INIT;

	imap_fold_append(&b, s, len);
	imap_buf_addc(&b, '\0');
	if (imap_buf_failed(&b)) {
		imap_buf_free(&b);
		return NULL;
	}
	return b.data;
}
