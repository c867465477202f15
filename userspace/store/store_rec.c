// SPDX-License-Identifier: GPL-2.0
/*
 * Database records and keys, byte for byte as docs/slot-layout.md says:
 * little-endian integers at fixed offsets, a version byte first, so the
 * files mean the same on every host and a bad record is detected.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

void store_le32(unsigned char *b, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		b[i] = v >> (8 * i);
}

void store_le64(unsigned char *b, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		b[i] = v >> (8 * i);
}

uint32_t store_get_le32(const unsigned char *b)
{
	uint32_t v = 0;
	int i;

	for (i = 3; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

uint64_t store_get_le64(const unsigned char *b)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

/*
 * User record, 80 bytes:
 *   0 version  1 pw_alg  2 pw_log2n  3 pw_r  4 pw_p  5..7 zero
 *   8 quota  16 used  24 created  32 salt[16]  48 hash[32]
 */
size_t store_user_rec_encode(const struct store_user_rec *r, unsigned char *b)
{
	memset(b, 0, STORE_USER_REC_LEN);
	b[0] = SLOT_REC_USER_V;
	b[1] = r->pw_alg;
	b[2] = r->pw_log2n;
	b[3] = r->pw_r;
	b[4] = r->pw_p;
	store_le64(b + 8, r->quota);
	store_le64(b + 16, r->used);
	store_le64(b + 24, (uint64_t)r->created);
	memcpy(b + 32, r->salt, SLOT_PW_SALT_LEN);
	memcpy(b + 48, r->hash, SLOT_PW_HASH_LEN);
	return STORE_USER_REC_LEN;
}

int store_user_rec_decode(struct store_user_rec *r, const void *p, size_t n)
{
	const unsigned char *b = p;

	if (n != STORE_USER_REC_LEN || b[0] != SLOT_REC_USER_V)
		return STORE_ECORRUPT;
	r->pw_alg = b[1];
	r->pw_log2n = b[2];
	r->pw_r = b[3];
	r->pw_p = b[4];
	r->quota = store_get_le64(b + 8);
	r->used = store_get_le64(b + 16);
	r->created = (int64_t)store_get_le64(b + 24);
	memcpy(r->salt, b + 32, SLOT_PW_SALT_LEN);
	memcpy(r->hash, b + 48, SLOT_PW_HASH_LEN);
	return STORE_OK;
}

/*
 * Mailbox record, 40 bytes then the keyword table:
 *   0 version  1..3 zero  4 uidvalidity  8 id  16 uidnext
 *   20 special_use  24 highestmodseq  32 created
 *   40 nkeywords (u8), then per keyword: length (u8) and the bytes
 *   then, only for a deleted mailbox: deleted_at (8), the length of its
 *   name (u8) and the name
 */
size_t store_mbox_rec_encode(const struct store_mbox_rec *r, unsigned char *b)
{
	size_t off = 41;
	unsigned int i;

	memset(b, 0, 41);
	b[0] = SLOT_REC_MAILBOX_V;
	store_le32(b + 4, r->uidvalidity);
	store_le64(b + 8, r->id);
	store_le32(b + 16, r->uidnext);
	store_le32(b + 20, r->special_use);
	store_le64(b + 24, r->highestmodseq);
	store_le64(b + 32, (uint64_t)r->created);
	b[40] = r->nkeywords;
	for (i = 0; i < r->nkeywords; i++) {
		size_t len = strlen(r->keywords[i]);

		b[off++] = len;
		memcpy(b + off, r->keywords[i], len);
		off += len;
	}
	if (r->deleted_at) {
		size_t len = strlen(r->deleted_name);

		store_le64(b + off, (uint64_t)r->deleted_at);
		b[off + 8] = len;
		memcpy(b + off + 9, r->deleted_name, len);
		off += 9 + len;
	}
	return off;
}

int store_mbox_rec_decode(struct store_mbox_rec *r, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t off = 41;
	unsigned int i;

	if (n < 41 || b[0] != SLOT_REC_MAILBOX_V || b[40] > STORE_KEYWORDS)
		return STORE_ECORRUPT;
	memset(r, 0, sizeof(*r));
	r->uidvalidity = store_get_le32(b + 4);
	r->id = store_get_le64(b + 8);
	r->uidnext = store_get_le32(b + 16);
	r->special_use = store_get_le32(b + 20);
	r->highestmodseq = store_get_le64(b + 24);
	r->created = (int64_t)store_get_le64(b + 32);
	r->nkeywords = b[40];
	for (i = 0; i < r->nkeywords; i++) {
		size_t len;

		if (off >= n)
			return STORE_ECORRUPT;
		len = b[off++];
		if (len > STORE_KEYWORD_MAX || off + len > n)
			return STORE_ECORRUPT;
		memcpy(r->keywords[i], b + off, len);
		r->keywords[i][len] = '\0';
		off += len;
	}
	if (off + 9 <= n) {
		size_t len = b[off + 8];

		r->deleted_at = (int64_t)store_get_le64(b + off);
		if (off + 9 + len > n || !r->deleted_at)
			return STORE_ECORRUPT;
		memcpy(r->deleted_name, b + off + 9, len);
		r->deleted_name[len] = '\0';
		off += 9 + len;
	}
	return off == n ? STORE_OK : STORE_ECORRUPT;
}

/*
 * Message index record, 80 bytes:
 *   0 version  1..3 zero  4 flags  8 keywords  16 size
 *   24 internal_date  32 modseq  40 expunged_at  48 sha256[32]
 * The UID is in the key.
 */
size_t store_msg_rec_encode(const struct store_msg *m, unsigned char *b)
{
	memset(b, 0, STORE_MSG_REC_LEN);
	b[0] = SLOT_REC_MSG_V;
	store_le32(b + 4, m->flags);
	store_le64(b + 8, m->keywords);
	store_le64(b + 16, m->size);
	store_le64(b + 24, (uint64_t)m->internal_date);
	store_le64(b + 32, m->modseq);
	store_le64(b + 40, (uint64_t)m->expunged_at);
	memcpy(b + 48, m->sha256, 32);
	return STORE_MSG_REC_LEN;
}

int store_msg_rec_decode(struct store_msg *m, const void *p, size_t n)
{
	const unsigned char *b = p;

	if (n != STORE_MSG_REC_LEN || b[0] != SLOT_REC_MSG_V)
		return STORE_ECORRUPT;
	m->flags = store_get_le32(b + 4);
	m->keywords = store_get_le64(b + 8);
	m->size = store_get_le64(b + 16);
	m->internal_date = (int64_t)store_get_le64(b + 24);
	m->modseq = store_get_le64(b + 32);
	m->expunged_at = (int64_t)store_get_le64(b + 40);
	memcpy(m->sha256, b + 48, 32);
	return STORE_OK;
}

/* Seen record, 16 bytes: 0 version  1..3 zero  4 recent_uid  8 changed */
size_t store_seen_rec_encode(const struct store_seen_rec *r, unsigned char *b)
{
	memset(b, 0, STORE_SEEN_REC_LEN);
	b[0] = SLOT_REC_SEEN_V;
	store_le32(b + 4, r->recent_uid);
	store_le64(b + 8, (uint64_t)r->changed);
	return STORE_SEEN_REC_LEN;
}

int store_seen_rec_decode(struct store_seen_rec *r, const void *p, size_t n)
{
	const unsigned char *b = p;

	if (n != STORE_SEEN_REC_LEN || b[0] != SLOT_REC_SEEN_V)
		return STORE_ECORRUPT;
	r->recent_uid = store_get_le32(b + 4);
	r->changed = (int64_t)store_get_le64(b + 8);
	return STORE_OK;
}

void store_index_key(unsigned char *k, uint64_t id, uint32_t uid)
{
	int i;

	for (i = 0; i < 8; i++)
		k[i] = id >> (56 - 8 * i);
	for (i = 0; i < 4; i++)
		k[8 + i] = uid >> (24 - 8 * i);
}

void store_modseq_key(unsigned char *k, uint64_t id, uint64_t modseq)
{
	int i;

	for (i = 0; i < 8; i++) {
		k[i] = id >> (56 - 8 * i);
		k[8 + i] = modseq >> (56 - 8 * i);
	}
}

int store_modseq_key_of(DB *sec, const DBT *pkey, const DBT *pdata,
			DBT *skey)
{
	struct store_msg m;
	unsigned char *k;

	(void)sec;
	if (pkey->size != STORE_INDEX_KEY_LEN ||
	    store_msg_rec_decode(&m, pdata->data, pdata->size))
		return DB_DONOTINDEX;
	k = malloc(STORE_MODSEQ_KEY_LEN);
	if (!k)
		return ENOMEM;
	store_modseq_key(k, 0, m.modseq);
	memcpy(k, pkey->data, 8);	/* the mailbox id, as in the index */
	memset(skey, 0, sizeof(*skey));
	skey->data = k;
	skey->size = STORE_MODSEQ_KEY_LEN;
	skey->flags = DB_DBT_APPMALLOC;
	return 0;
}

void store_index_key_parse(const unsigned char *k, uint64_t *id,
			   uint32_t *uid)
{
	int i;

	*id = 0;
	*uid = 0;
	for (i = 0; i < 8; i++)
		*id = (*id << 8) | k[i];
	for (i = 0; i < 4; i++)
		*uid = (*uid << 8) | k[8 + i];
}

size_t store_mbox_key(char *k, const char *user, const char *name)
{
	size_t ul = strlen(user), nl = strlen(name);

	memcpy(k, user, ul + 1);
	memcpy(k + ul + 1, name, nl);
	return ul + 1 + nl;
}
