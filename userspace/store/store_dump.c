// SPDX-License-Identifier: GPL-2.0
/*
 * store_dump(): every database of the slot in readable form, record by
 * record, decoded with the same code the store uses (store_rec.c).  Password
 * hashes are never printed, only their parameters.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_int.h"

static void store_dump_time(FILE *out, int64_t t)
{
	char buf[40];
	struct tm tm;
	time_t tt = t;

	if (!t || !gmtime_r(&tt, &tm)) {
		fprintf(out, "-");
		return;
	}
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(out, "%s", buf);
}

static void store_dump_quota(FILE *out, uint64_t q)
{
	if (q == STORE_QUOTA_NONE)
		fprintf(out, "none");
	else
		fprintf(out, "%" PRIu64, q);
}

/* Print a key made of printable text and NULs ("user\0name"). */
static void store_dump_key(FILE *out, const DBT *k)
{
	const unsigned char *p = k->data;
	size_t i;

	for (i = 0; i < k->size; i++) {
		if (p[i] == 0)
			fputs("\\0", out);
		else if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\')
			fprintf(out, "\\x%02x", p[i]);
		else
			fputc(p[i], out);
	}
}

static const char *const store_flag_names[] = {
	"\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft",
};

static const char *const store_use_names[] = {
	"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent",
	"\\Trash",
};

static void store_dump_bits(FILE *out, uint32_t bits,
			    const char *const *names, size_t n)
{
	const char *sep = "";
	size_t i;

	fputc('(', out);
	for (i = 0; i < n; i++) {
		if (bits & (1u << i)) {
			fprintf(out, "%s%s", sep, names[i]);
			sep = " ";
		}
	}
	fputc(')', out);
}

typedef void (*store_dump_fn)(FILE *out, const DBT *key, const DBT *val);

static void store_dump_meta_rec(FILE *out, const DBT *k, const DBT *v)
{
	fputs("  ", out);
	store_dump_key(out, k);
	if (v->size == 8)
		fprintf(out, " = %" PRIu64 "\n", store_get_le64(v->data));
	else
		fprintf(out, " = (%u bytes)\n", v->size);
}

static void store_dump_user_rec(FILE *out, const DBT *k, const DBT *v)
{
	struct store_user_rec r;

	fputs("  ", out);
	store_dump_key(out, k);
	if (store_user_rec_decode(&r, v->data, v->size)) {
		fprintf(out, ": CORRUPT (%u bytes)\n", v->size);
		return;
	}
	fprintf(out, ": quota ");
	store_dump_quota(out, r.quota);
	fprintf(out, " used %" PRIu64 " created ", r.used);
	store_dump_time(out, r.created);
	fprintf(out, " password %s(N=2^%u r=%u p=%u)\n",
		r.pw_alg == SLOT_PW_SCRYPT ? "scrypt" : "unknown",
		r.pw_log2n, r.pw_r, r.pw_p);
}

static void store_dump_mbox_rec(FILE *out, const DBT *k, const DBT *v)
{
	struct store_mbox_rec r;
	unsigned int i;

	fputs("  ", out);
	store_dump_key(out, k);
	if (store_mbox_rec_decode(&r, v->data, v->size)) {
		fprintf(out, ": CORRUPT (%u bytes)\n", v->size);
		return;
	}
	fprintf(out, ": id %" PRIu64 " uidvalidity %u uidnext %u "
		"highestmodseq %" PRIu64 " special-use ", r.id,
		r.uidvalidity, r.uidnext, r.highestmodseq);
	store_dump_bits(out, r.special_use, store_use_names,
			sizeof(store_use_names) / sizeof(store_use_names[0]));
	fprintf(out, " created ");
	store_dump_time(out, r.created);
	fprintf(out, " keywords (");
	for (i = 0; i < r.nkeywords; i++)
		fprintf(out, "%s%s", i ? " " : "", r.keywords[i]);
	fprintf(out, ")\n");
}

static void store_dump_msg_rec(FILE *out, const DBT *k, const DBT *v)
{
	struct store_msg m;
	uint64_t id;
	uint32_t uid;
	int i;

	if (k->size != STORE_INDEX_KEY_LEN) {
		fprintf(out, "  bad key (%u bytes)\n", k->size);
		return;
	}
	store_index_key_parse(k->data, &id, &uid);
	fprintf(out, "  mailbox %" PRIu64 " uid %u: ", id, uid);
	if (store_msg_rec_decode(&m, v->data, v->size)) {
		fprintf(out, "CORRUPT (%u bytes)\n", v->size);
		return;
	}
	fprintf(out, "size %" PRIu64 " date ", m.size);
	store_dump_time(out, m.internal_date);
	fprintf(out, " flags ");
	store_dump_bits(out, m.flags, store_flag_names,
			sizeof(store_flag_names) / sizeof(store_flag_names[0]));
	fprintf(out, " keywords %#" PRIx64 " modseq %" PRIu64, m.keywords,
		m.modseq);
	if (m.expunged_at) {
		fprintf(out, " expunged ");
		store_dump_time(out, m.expunged_at);
	}
	fprintf(out, " sha256 ");
	for (i = 0; i < 32; i++)
		fprintf(out, "%02x", m.sha256[i]);
	fputc('\n', out);
}

static void store_dump_seen_rec(FILE *out, const DBT *k, const DBT *v)
{
	struct store_seen_rec s;
	uint64_t id = 0;
	unsigned int i;

	for (i = 0; i < k->size && i < 8; i++)
		id = (id << 8) | ((unsigned char *)k->data)[i];
	fprintf(out, "  mailbox %" PRIu64 ": ", id);
	if (k->size != 8 || store_seen_rec_decode(&s, v->data, v->size)) {
		fprintf(out, "CORRUPT\n");
		return;
	}
	fprintf(out, "recent-uid %u changed ", s.recent_uid);
	store_dump_time(out, s.changed);
	fputc('\n', out);
}

/* A header cache entry: its size and the names of its fields. */
static void store_dump_cache_rec(FILE *out, const DBT *k, const DBT *v)
{
	const char *p = (const char *)v->data + 1, *end, *colon, *eol;
	uint64_t id;
	uint32_t uid;

	if (k->size != STORE_INDEX_KEY_LEN) {
		fprintf(out, "  bad key (%u bytes)\n", k->size);
		return;
	}
	store_index_key_parse(k->data, &id, &uid);
	fprintf(out, "  mailbox %" PRIu64 " uid %u: ", id, uid);
	if (v->size < 3 || ((const char *)v->data)[0] != SLOT_REC_CACHE_V) {
		fprintf(out, "CORRUPT (%u bytes)\n", v->size);
		return;
	}
	fprintf(out, "%u bytes,", v->size);
	end = (const char *)v->data + v->size;
	for (; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			break;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon && *p != ' ' && *p != '\t')
			fprintf(out, " %.*s", (int)(colon - p), p);
	}
	fputc('\n', out);
}

static void store_dump_subs_rec(FILE *out, const DBT *k, const DBT *v)
{
	(void)v;
	fputs("  ", out);
	store_dump_key(out, k);
	fputc('\n', out);
}

static int store_dump_db(struct store *st, FILE *out, DB *db,
			 const char *file, store_dump_fn fn)
{
	DBT key = { 0 }, val = { 0 };
	unsigned long n = 0;
	int ret;
	DBC *c;

	fprintf(out, "\n%s/%s:\n", SLOT_DB_DIR, file);
	ret = db->cursor(db, NULL, &c, 0);
	if (ret)
		return store_dbfail(st, ret, "cursor");
	key.flags = DB_DBT_REALLOC;
	val.flags = DB_DBT_REALLOC;
	while ((ret = c->get(c, &key, &val, DB_NEXT)) == 0) {
		fn(out, &key, &val);
		n++;
	}
	c->close(c);
	free(key.data);
	free(val.data);
	fprintf(out, "  (%lu record%s)\n", n, n == 1 ? "" : "s");
	if (ret != DB_NOTFOUND)
		return store_fail(st, STORE_EIO, "dump %s: %s", file,
				  db_strerror(ret));
	return STORE_OK;
}

int store_dump(struct store *st, FILE *out)
{
	const struct {
		DB *db;
		const char *file;
		store_dump_fn fn;
	} dbs[] = {
		{ st->meta, SLOT_DB_META, store_dump_meta_rec },
		{ st->users, SLOT_DB_USERS, store_dump_user_rec },
		{ st->mailboxes, SLOT_DB_MAILBOXES, store_dump_mbox_rec },
		{ st->index, SLOT_DB_INDEX, store_dump_msg_rec },
		{ st->seen, SLOT_DB_SEEN, store_dump_seen_rec },
		{ st->subs, SLOT_DB_SUBS, store_dump_subs_rec },
		{ st->cache, SLOT_DB_CACHE, store_dump_cache_rec },
	};
	unsigned int i;
	int rc;

	fprintf(out, "slot %s\nlayout version %d (%s)\n", st->dir,
		SLOT_LAYOUT_VERSION, SLOT_LAYOUT_FILE);
	fprintf(out, "expunge retention %lld s\n", (long long)st->retention);
	for (i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		rc = store_dump_db(st, out, dbs[i].db, dbs[i].file,
				   dbs[i].fn);
		if (rc)
			return rc;
	}
	return STORE_OK;
}
