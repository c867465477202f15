// SPDX-License-Identifier: GPL-2.0
/*
 * User, mailbox and keyword names: what is allowed and the one normal
 * form each is stored in.  User names appear in paths (mail/<user>/), so
 * their alphabet is small; mailbox names never do (directories are named
 * by mailbox id) but are still held to rules IMAP clients can live with.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "store/store_int.h"

static bool store_user_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '@' || c == '-';
}

static int store_user_fold(const char *user, char *out)
{
	size_t i, len;

	if (!user)
		return STORE_EBADNAME;
	len = strlen(user);
	if (len == 0 || len > STORE_USER_MAX)
		return STORE_EBADNAME;
	for (i = 0; i < len; i++) {
		out[i] = tolower((unsigned char)user[i]);
		if (!store_user_char(out[i]))
			return STORE_EBADNAME;
	}
	out[len] = '\0';
	if (out[0] == '.' || out[0] == '-')
		return STORE_EBADNAME;
	return STORE_OK;
}

bool store_user_name_valid(const char *user)
{
	char tmp[STORE_USER_MAX + 1];

	return store_user_fold(user, tmp) == STORE_OK;
}

int store_user_name(struct store *st, const char *user, char *out)
{
	if (store_user_fold(user, out) != STORE_OK)
		return store_fail(st, STORE_EBADNAME,
				  "invalid user name '%.80s': use 1 to %d of "
				  "a-z 0-9 . _ @ -, not starting with . or -",
				  user ? user : "", STORE_USER_MAX);
	return STORE_OK;
}

/* Length of the UTF-8 sequence at s, 0 if it is not well formed. */
static size_t store_utf8_len(const unsigned char *s)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond Unicode */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static const char *store_mailbox_check(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	const char *comp = name;
	size_t len = strlen(name), n;

	if (len == 0)
		return "empty mailbox name";
	if (len > STORE_MAILBOX_MAX)
		return "mailbox name too long";
	if (name[0] == '/')
		return "mailbox name starts with '/'";
	if (name[len - 1] == '/')
		return "mailbox name ends with '/'";
	while (*s) {
		if (*s < 0x20 || *s == 0x7f)
			return "control character in mailbox name";
		if (*s == '*' || *s == '%')
			return "'*' or '%' in mailbox name";
		if (*s == '/' || s[1] == '\0') {
			const char *end = *s == '/' ? (const char *)s :
				(const char *)s + 1;

			n = end - comp;
			if (n == 0)
				return "empty component in mailbox name";
			if ((n == 1 && comp[0] == '.') ||
			    (n == 2 && comp[0] == '.' && comp[1] == '.'))
				return "'.' or '..' in mailbox name";
			comp = end + 1;
		}
		n = store_utf8_len(s);
		if (n == 0)
			return "mailbox name is not valid UTF-8";
		s += n;
	}
	return NULL;
}

int store_mailbox_name_normalize(const char *name, char *out)
{
	if (!name)
		name = "INBOX";
	if (store_mailbox_check(name))
		return STORE_EBADNAME;
	strcpy(out, name);
	if (strncasecmp(out, "INBOX", 5) == 0 &&
	    (out[5] == '\0' || out[5] == '/'))
		memcpy(out, "INBOX", 5);
	return STORE_OK;
}

int store_mailbox_name(struct store *st, const char *name, char *out)
{
	const char *why;

	if (!name)
		name = "INBOX";
	why = store_mailbox_check(name);
	if (why)
		return store_fail(st, STORE_EBADNAME, "%s", why);
	return store_mailbox_name_normalize(name, out);
}

/* RFC 3501 atom characters minus '\\' (system flags are not keywords). */
bool store_keyword_valid(const char *kw)
{
	size_t len = strlen(kw), i;

	if (len == 0 || len > STORE_KEYWORD_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = kw[i];

		if (c <= 0x20 || c >= 0x7f || strchr("(){%*\"\\]", c))
			return false;
	}
	return true;
}
