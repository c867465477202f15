/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The heartbeat message: one UDP datagram per path and interval, carrying
 * the sender's view of the cluster, authenticated with HMAC-SHA256 over
 * every byte before the MAC.
 *
 * Wire layout (big-endian, no padding), HB_MSG_VERSION 1:
 *
 *	u32 magic "TWHB"  u8 version  u8 name_len  name[name_len]
 *	u8 boot_id[16]    u64 seq     u64 time_ms (CLOCK_REALTIME)
 *	u32 fingerprint   u8 flags    u8 alive (bit per member, sender's view)
 *	u8 standby (bit per member)   u32 standby_ver
 *	u8 nacks  { u64 ack }[nacks]          highest seq received per member
 *	u8 ngroups { u8 state u8 flags u8 target u8 move_to u32 move_ver }[ngroups]
 *	u8 mac[32]
 *
 * Bump HB_MSG_VERSION whenever this layout or a field's meaning changes.
 */
#ifndef TWINHB_MSG_H
#define TWINHB_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define HB_MSG_MAGIC		0x54574842u	/* "TWHB" */
#define HB_MSG_VERSION		1
#define HB_MSG_MAX		1024
#define HB_BOOT_ID_LEN		16
#define HB_MAC_LEN		32
#define HB_REPLAY_WINDOW	64		/* seqs remembered below top */
#define HB_NOBODY		0xff		/* no member index */

/* A group's state on one node; the names are in fsm.c. */
enum hb_gstate {
	HB_G_STOPPED,
	HB_G_STARTING,
	HB_G_RUNNING,
	HB_G_STOPPING,
	HB_G_FAILED,
	HB_G_COUNT,
};

/* Group flags. */
#define HB_GF_UPTODATE		0x01	/* twin resource UpToDate here */
#define HB_GF_HELD		0x02	/* resources held (also when FAILED) */

/* Node flags. */
#define HB_NF_LEAVING		0x01	/* daemon is shutting down */
#define HB_NF_QUORUM		0x02	/* sender has quorum */

struct hb_msg_group {
	uint8_t state;		/* enum hb_gstate */
	uint8_t flags;		/* HB_GF_* */
	uint8_t target;		/* where the sender wants it, or HB_NOBODY */
	uint8_t move_to;	/* switchover request, or HB_NOBODY */
	uint32_t move_ver;	/* version of move_to, highest wins */
};

struct hb_msg {
	char node[HB_NAME_MAX];
	uint8_t boot_id[HB_BOOT_ID_LEN];
	uint64_t seq;
	uint64_t time_ms;
	uint32_t fingerprint;
	uint8_t flags;		/* HB_NF_* */
	uint8_t alive;		/* bit i: the sender hears member i */
	uint8_t standby;	/* bit i: member i is in standby */
	uint32_t standby_ver;
	uint8_t nacks;
	uint64_t ack[HB_MAX_MEMBERS];
	uint8_t ngroups;
	struct hb_msg_group groups[HB_MAX_GROUPS];
};

/* Anti-replay state for one sender. */
struct hb_replay {
	bool valid;
	uint8_t boot_id[HB_BOOT_ID_LEN];
	uint64_t top;		/* highest accepted seq of this boot */
	uint64_t window;	/* bit i set: seq top - i was accepted */
	uint64_t last_time_ms;	/* newest accepted timestamp, any boot */
};

/* Serialize and sign @m; returns the length or -1 if it does not fit. */
int msg_encode(const struct hb_msg *m, const void *key, size_t keylen,
	       uint8_t *buf, size_t size);

/*
 * Verify the MAC and parse @buf into @m. Returns 0, or -1 with a reason in
 * *why ("bad MAC", "truncated", ...).
 */
int msg_decode(const uint8_t *buf, size_t len, const void *key,
	       size_t keylen, struct hb_msg *m, const char **why);

/*
 * Accept an authentic message only if it is fresh: its clock within
 * @max_skew_ms of @now_ms, and its (boot id, seq) never seen before. A new
 * boot id must carry a newer timestamp than anything accepted so far.
 * Updates @r and returns 0, or returns -1 with a reason in *why.
 */
int msg_check_replay(struct hb_replay *r, const struct hb_msg *m,
		     uint64_t now_ms, int max_skew_ms, const char **why);

#endif
