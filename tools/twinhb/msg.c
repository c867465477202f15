// SPDX-License-Identifier: GPL-2.0
/*
 * Heartbeat encoding, HMAC-SHA256 authentication and replay rejection.
 * No I/O here, so the unit tests drive it directly.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "msg.h"

struct msg_writer {
	uint8_t *p, *end;
	bool overflow;
};

struct msg_reader {
	const uint8_t *p, *end;
	bool short_read;
};

static void msg_put(struct msg_writer *w, const void *v, size_t n)
{
	if (w->overflow || (size_t)(w->end - w->p) < n) {
		w->overflow = true;
		return;
	}
	memcpy(w->p, v, n);
	w->p += n;
}

static void msg_put_uint(struct msg_writer *w, uint64_t v, int bytes)
{
	uint8_t b[8];
	int i;

	for (i = 0; i < bytes; i++)
		b[i] = v >> (8 * (bytes - 1 - i));
	msg_put(w, b, bytes);
}

static void msg_get(struct msg_reader *r, void *v, size_t n)
{
	if (r->short_read || (size_t)(r->end - r->p) < n) {
		r->short_read = true;
		memset(v, 0, n);
		return;
	}
	memcpy(v, r->p, n);
	r->p += n;
}

static uint64_t msg_get_uint(struct msg_reader *r, int bytes)
{
	uint8_t b[8];
	uint64_t v = 0;
	int i;

	msg_get(r, b, bytes);
	for (i = 0; i < bytes; i++)
		v = v << 8 | b[i];
	return v;
}

static void msg_mac(const void *key, size_t keylen, const uint8_t *data,
		    size_t len, uint8_t *mac)
{
	unsigned int maclen = HB_MAC_LEN;

	HMAC(EVP_sha256(), key, (int)keylen, data, len, mac, &maclen);
}

int msg_encode(const struct hb_msg *m, const void *key, size_t keylen,
	       uint8_t *buf, size_t size)
{
	struct msg_writer w = { .p = buf, .end = buf + size };
	size_t name_len = strnlen(m->node, HB_NAME_MAX);
	int i;

	if (name_len >= HB_NAME_MAX || m->nacks > HB_MAX_MEMBERS ||
	    m->ngroups > HB_MAX_GROUPS)
		return -1;
	msg_put_uint(&w, HB_MSG_MAGIC, 4);
	msg_put_uint(&w, HB_MSG_VERSION, 1);
	msg_put_uint(&w, name_len, 1);
	msg_put(&w, m->node, name_len);
	msg_put(&w, m->boot_id, HB_BOOT_ID_LEN);
	msg_put_uint(&w, m->seq, 8);
	msg_put_uint(&w, m->time_ms, 8);
	msg_put_uint(&w, m->fingerprint, 4);
	msg_put_uint(&w, m->flags, 1);
	msg_put_uint(&w, m->alive, 1);
	msg_put_uint(&w, m->standby, 1);
	msg_put_uint(&w, m->standby_ver, 4);
	msg_put_uint(&w, m->nacks, 1);
	for (i = 0; i < m->nacks; i++)
		msg_put_uint(&w, m->ack[i], 8);
	msg_put_uint(&w, m->ngroups, 1);
	for (i = 0; i < m->ngroups; i++) {
		const struct hb_msg_group *g = &m->groups[i];

		msg_put_uint(&w, g->state, 1);
		msg_put_uint(&w, g->flags, 1);
		msg_put_uint(&w, g->target, 1);
		msg_put_uint(&w, g->move_to, 1);
		msg_put_uint(&w, g->move_ver, 4);
	}
	if (w.overflow || (size_t)(w.end - w.p) < HB_MAC_LEN)
		return -1;
	msg_mac(key, keylen, buf, w.p - buf, w.p);
	w.p += HB_MAC_LEN;
	return (int)(w.p - buf);
}

int msg_decode(const uint8_t *buf, size_t len, const void *key,
	       size_t keylen, struct hb_msg *m, const char **why)
{
	struct msg_reader r;
	uint8_t mac[HB_MAC_LEN];
	size_t name_len;
	int i;

	memset(m, 0, sizeof(*m));
	if (len < 6 + HB_MAC_LEN || len > HB_MSG_MAX) {
		*why = "bad length";
		return -1;
	}
	/* Authenticate first: nothing unauthenticated is interpreted. */
	msg_mac(key, keylen, buf, len - HB_MAC_LEN, mac);
	if (CRYPTO_memcmp(mac, buf + len - HB_MAC_LEN, HB_MAC_LEN)) {
		*why = "bad MAC (wrong shared-secret or tampered packet)";
		return -1;
	}
	r.p = buf;
	r.end = buf + len - HB_MAC_LEN;
	r.short_read = false;
	if (msg_get_uint(&r, 4) != HB_MSG_MAGIC) {
		*why = "bad magic";
		return -1;
	}
	if (msg_get_uint(&r, 1) != HB_MSG_VERSION) {
		*why = "unsupported message version";
		return -1;
	}
	name_len = msg_get_uint(&r, 1);
	if (name_len == 0 || name_len >= HB_NAME_MAX) {
		*why = "bad node name length";
		return -1;
	}
	msg_get(&r, m->node, name_len);
	m->node[name_len] = '\0';
	msg_get(&r, m->boot_id, HB_BOOT_ID_LEN);
	m->seq = msg_get_uint(&r, 8);
	m->time_ms = msg_get_uint(&r, 8);
	m->fingerprint = msg_get_uint(&r, 4);
	m->flags = msg_get_uint(&r, 1);
	m->alive = msg_get_uint(&r, 1);
	m->standby = msg_get_uint(&r, 1);
	m->standby_ver = msg_get_uint(&r, 4);
	m->nacks = msg_get_uint(&r, 1);
	if (m->nacks > HB_MAX_MEMBERS) {
		*why = "too many members";
		return -1;
	}
	for (i = 0; i < m->nacks; i++)
		m->ack[i] = msg_get_uint(&r, 8);
	m->ngroups = msg_get_uint(&r, 1);
	if (m->ngroups > HB_MAX_GROUPS) {
		*why = "too many groups";
		return -1;
	}
	for (i = 0; i < m->ngroups; i++) {
		struct hb_msg_group *g = &m->groups[i];

		g->state = msg_get_uint(&r, 1);
		g->flags = msg_get_uint(&r, 1);
		g->target = msg_get_uint(&r, 1);
		g->move_to = msg_get_uint(&r, 1);
		g->move_ver = msg_get_uint(&r, 4);
		if (g->state >= HB_G_COUNT) {
			*why = "bad group state";
			return -1;
		}
	}
	if (r.short_read) {
		*why = "truncated";
		return -1;
	}
	if (r.p != r.end) {
		*why = "trailing bytes";
		return -1;
	}
	return 0;
}

int msg_check_replay(struct hb_replay *r, const struct hb_msg *m,
		     uint64_t now_ms, int max_skew_ms, const char **why)
{
	uint64_t skew = m->time_ms > now_ms ? m->time_ms - now_ms :
					      now_ms - m->time_ms;
	uint64_t behind;

	if (skew > (uint64_t)max_skew_ms) {
		*why = "timestamp outside max-clock-skew (stale or replayed, or clocks not in sync)";
		return -1;
	}
	if (m->seq == 0) {
		*why = "sequence number 0";
		return -1;
	}
	if (!r->valid || memcmp(r->boot_id, m->boot_id, HB_BOOT_ID_LEN)) {
		/* A new incarnation of the sender must be newer in time. */
		if (r->valid && m->time_ms <= r->last_time_ms) {
			*why = "old boot id (replayed)";
			return -1;
		}
		r->valid = true;
		memcpy(r->boot_id, m->boot_id, HB_BOOT_ID_LEN);
		r->top = m->seq;
		r->window = 1;
	} else if (m->seq > r->top) {
		uint64_t shift = m->seq - r->top;

		r->window = shift >= HB_REPLAY_WINDOW ? 0 : r->window << shift;
		r->window |= 1;
		r->top = m->seq;
	} else {
		behind = r->top - m->seq;
		if (behind >= HB_REPLAY_WINDOW) {
			*why = "sequence number too old";
			return -1;
		}
		if (r->window & (1ull << behind)) {
			*why = "sequence number already seen (replayed)";
			return -1;
		}
		r->window |= 1ull << behind;
	}
	if (m->time_ms > r->last_time_ms)
		r->last_time_ms = m->time_ms;
	return 0;
}
