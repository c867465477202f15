/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * twin_wire.h - the node-to-node protocol of twin resources
 *
 * One TCP connection per resource. The node whose configured address
 * sorts lower (memcmp of the sockaddrs) connects, the other accepts.
 * Every packet is a struct twin_pkt_hdr followed by hdr.len payload bytes:
 * a fixed struct for the packet type, then for DATA, RS_DATA and
 * READ_REPLY the block's bytes. Everything is big-endian.
 *
 * Handshake (both sides send, then both check):
 *   HELLO (versions, resource name, challenge nonce) ->
 *   AUTH (HMAC-SHA256 over the peer's nonce, see below) ->
 *   PARAMS (size, UUIDs, role, disk state, protocol) -> connected.
 *
 * AUTH.mac = HMAC-SHA256(shared secret, "twin-auth" || peer's nonce ||
 *	own nonce || own is_connector byte). The direction byte and the
 *	check that the peer's nonce differs from the own one stop a peer from
 *	reflecting our own answer back at us. With no secret configured on
 *	either side AUTH carries zeroes and is not checked; a secret on one
 *	side only fails.
 *
 * Write ordering: the Primary sends BARRIER before the DATA of a request
 * with REQ_PREFLUSH (and for an empty flush). The Secondary, on BARRIER,
 * waits until every write received before it has completed, flushes its
 * disk, and only then reads on; so a write is never applied before the
 * writes the Primary completed before the flush are stable.
 */
#ifndef _TWIN_WIRE_H
#define _TWIN_WIRE_H

#include <linux/types.h>

#define TWIN_WIRE_MAGIC		0x5457504b	/* "TWPK" */
#define TWIN_PROTO_VERSION	2	/* bump on any incompatible change */
#define TWIN_PROTO_MIN		2	/* oldest version we still speak */

#define TWIN_NONCE_BYTES	32
#define TWIN_MAC_BYTES		32	/* HMAC-SHA256 */
#define TWIN_WIRE_NAME_BYTES	64	/* resource name, NUL padded */
#define TWIN_WIRE_MAX_DATA	(1U << 20)	/* largest block payload */
#define TWIN_AUTH_LABEL		"twin-auth"

/**
 * enum twin_pkt_type - packet types; never renumber
 * @TWIN_P_HELLO: struct twin_p_hello, first packet in both directions
 * @TWIN_P_AUTH: struct twin_p_auth
 * @TWIN_P_PARAMS: struct twin_p_params, last handshake packet
 * @TWIN_P_STATE: struct twin_p_state, role or disk state changed
 * @TWIN_P_PING: no payload; answer with PING_ACK
 * @TWIN_P_PING_ACK: no payload
 * @TWIN_P_DATA: struct twin_p_data + bytes: an application write
 * @TWIN_P_WRITE_ACK: struct twin_p_ack: a DATA reached the peer's disk
 * @TWIN_P_NEG_ACK: struct twin_p_ack: a DATA failed on the peer's disk
 * @TWIN_P_BARRIER: struct twin_p_barrier: drain, flush, then go on
 * @TWIN_P_BARRIER_ACK: struct twin_p_barrier: the flush completed
 * @TWIN_P_READ_REQ: struct twin_p_data without bytes: read for a diskless
 *	Primary
 * @TWIN_P_READ_REPLY: struct twin_p_data + bytes (or NEG_ACK on error)
 * @TWIN_P_RS_DATA: struct twin_p_data + bytes: resync block
 * @TWIN_P_RS_ACK: struct twin_p_ack: resync block written (or failed when
 *	ack.status is not 0)
 * @TWIN_P_RS_DONE: struct twin_p_params: resync complete; the target takes
 *	the source's UUIDs and becomes UpToDate
 * @TWIN_P_DISCONNECT: no payload: orderly close follows
 * @TWIN_P_RS_START: struct twin_p_params: the sender starts a full resync
 *	with the receiver as target
 * @TWIN_P_BITMAP: struct twin_p_bitmap + bitmap words: the sender's
 *	out-of-sync bits, sent in pieces after the handshake
 * @TWIN_P_OV_REQ: struct twin_p_data without bytes: online verify, the
 *	source asks for the checksums of a range
 * @TWIN_P_OV_REPLY: struct twin_p_ov_reply + digests: the checksums of the
 *	range, one per TWIN_OV_BLOCK_BYTES block
 * @TWIN_P_OV_DONE: struct twin_p_ov_done: verify finished
 * @TWIN_P_SYNC_REQ: no payload: the sender invalidated its disk; the
 *	receiver starts a full resync with the sender as target
 * @TWIN_P_NEW_UUID: struct twin_p_params: the sender started a new data
 *	generation with an empty bitmap (new-current-uuid --clear-bitmap on
 *	a new pair); the receiver takes the UUIDs and is UpToDate too
 * @__TWIN_P_MAX: internal: one past the last type
 */
enum twin_pkt_type {
	TWIN_P_HELLO = 1,
	TWIN_P_AUTH,
	TWIN_P_PARAMS,
	TWIN_P_STATE,
	TWIN_P_PING,
	TWIN_P_PING_ACK,
	TWIN_P_DATA,
	TWIN_P_WRITE_ACK,
	TWIN_P_NEG_ACK,
	TWIN_P_BARRIER,
	TWIN_P_BARRIER_ACK,
	TWIN_P_READ_REQ,
	TWIN_P_READ_REPLY,
	TWIN_P_RS_DATA,
	TWIN_P_RS_ACK,
	TWIN_P_RS_DONE,
	TWIN_P_DISCONNECT,
	TWIN_P_RS_START,
	TWIN_P_BITMAP,
	TWIN_P_OV_REQ,
	TWIN_P_OV_REPLY,
	TWIN_P_OV_DONE,
	TWIN_P_SYNC_REQ,
	TWIN_P_NEW_UUID,
	__TWIN_P_MAX
};

/**
 * struct twin_pkt_hdr - every packet starts with this
 * @magic: TWIN_WIRE_MAGIC
 * @type: enum twin_pkt_type
 * @flags: zero
 * @len: payload bytes that follow the header
 * @reserved: zero
 */
struct twin_pkt_hdr {
	__be32 magic;
	__be16 type;
	__be16 flags;
	__be32 len;
	__be32 reserved;
} __attribute__((packed));

/**
 * struct twin_p_hello - version negotiation and challenge
 * @proto_min: oldest protocol version the sender speaks
 * @proto_max: newest protocol version the sender speaks
 * @features: zero (feature bits for later versions)
 * @res_name: resource name, NUL padded; must match
 * @nonce: random challenge for the peer's AUTH
 */
struct twin_p_hello {
	__be32 proto_min;
	__be32 proto_max;
	__be64 features;
	char res_name[TWIN_WIRE_NAME_BYTES];
	__u8 nonce[TWIN_NONCE_BYTES];
} __attribute__((packed));

/**
 * struct twin_p_auth - answer to the peer's challenge
 * @mac: HMAC-SHA256, see the top of this file
 */
struct twin_p_auth {
	__u8 mac[TWIN_MAC_BYTES];
} __attribute__((packed));

/* twin_p_params.flags */
#define TWIN_PF_CONSISTENT	(1U << 0)	/* disk data is consistent */
#define TWIN_PF_HAS_DISK	(1U << 1)	/* a disk is attached */
#define TWIN_PF_DISCARD_MY_DATA	(1U << 2)	/* split brain victim */
#define TWIN_PF_FULL_SYNC	(1U << 3)	/* RS_START: every block */
#define TWIN_PF_VERIFY_SOURCE	(1U << 4)	/* ran the last verify */

/**
 * struct twin_p_params - what the peer needs to decide about a resync
 * @data_sectors: usable size of the sender's disk (0 if diskless)
 * @uuid: generation UUIDs (enum twin_uuid_slot in twin_ondisk.h)
 * @role: enum twin_role
 * @disk_state: enum twin_disk_state
 * @protocol: enum twin_protocol, must match
 * @flags: TWIN_PF_* bits
 * @bm_bits: out-of-sync blocks in the sender's bitmap (split brain
 *	policies count the changes with it)
 * @after_sb_0pri: enum twin_after_sb, the sender's policy (must match)
 * @after_sb_1pri: enum twin_after_sb, the sender's policy (must match)
 */
struct twin_p_params {
	__be64 data_sectors;
	__be64 uuid[4];
	__be32 role;
	__be32 disk_state;
	__be32 protocol;
	__be32 flags;
	__be64 bm_bits;
	__be32 after_sb_0pri;
	__be32 after_sb_1pri;
} __attribute__((packed));

/**
 * struct twin_p_state - new role or disk state of the sender
 * @role: enum twin_role
 * @disk_state: enum twin_disk_state
 */
struct twin_p_state {
	__be32 role;
	__be32 disk_state;
} __attribute__((packed));

/* twin_p_data.flags */
#define TWIN_DF_FUA		(1U << 0)	/* write with REQ_FUA */
#define TWIN_DF_SYNC		(1U << 1)	/* REQ_SYNC hint */

/**
 * struct twin_p_data - a block request
 * @block_id: the sender's request id, echoed in the answer
 * @sector: first 512-byte sector
 * @size: bytes (a multiple of 512, at most TWIN_WIRE_MAX_DATA)
 * @flags: TWIN_DF_* bits
 */
struct twin_p_data {
	__be64 block_id;
	__be64 sector;
	__be32 size;
	__be32 flags;
} __attribute__((packed));

/**
 * struct twin_p_ack - answer to DATA, READ_REQ or RS_DATA
 * @block_id: as in the request
 * @sector: as in the request
 * @size: as in the request
 * @status: 0 on success, else a positive errno
 */
struct twin_p_ack {
	__be64 block_id;
	__be64 sector;
	__be32 size;
	__be32 status;
} __attribute__((packed));

/**
 * struct twin_p_barrier - epoch boundary
 * @block_id: request id to echo in BARRIER_ACK (0: no answer wanted)
 */
struct twin_p_barrier {
	__be64 block_id;
} __attribute__((packed));

/*
 * Bitmap exchange: after PARAMS, when both nodes have a disk, each sends
 * its whole bitmap in pieces of TWIN_BM_PIECE_BITS, one piece then one
 * read of the peer's piece, in lockstep, and ORs the peer's bits into
 * its own. The words are little-endian: bit n of the device is bit n % 64
 * of word n / 64 (the on-disk order of twin_ondisk.h).
 */
#define TWIN_BM_PIECE_BITS	(32U << 13)	/* 32 KiB of words a piece */

/**
 * struct twin_p_bitmap - one piece of the sender's bitmap
 * @first_bit: first block the piece covers (a multiple of 64)
 * @nbits: blocks in this piece; DIV_ROUND_UP(nbits, 64) __le64 follow
 * @total_bits: blocks of the whole device (must match the receiver's)
 */
struct twin_p_bitmap {
	__be64 first_bit;
	__be32 nbits;
	__be32 reserved;
	__be64 total_bits;
} __attribute__((packed));

/*
 * Online verify: the source sends OV_REQ for consecutive ranges of at most
 * TWIN_OV_CHUNK_BYTES; the peer reads the range and answers OV_REPLY with
 * the crc32c (as the kernel crypto API "crc32c" outputs it) of every
 * TWIN_OV_BLOCK_BYTES block, the last block possibly shorter. The source
 * compares them with its own copy and ends with OV_DONE. Each node keeps
 * application writes off a range while it reads it for the verify, so a
 * write racing the verify is never seen as a difference.
 */
#define TWIN_OV_BLOCK_BYTES	4096U
#define TWIN_OV_DIGEST_BYTES	4U
#define TWIN_OV_CHUNK_BYTES	(256U << 10)

/**
 * struct twin_p_ov_reply - the checksums of a range, answer to OV_REQ
 * @block_id: as in the OV_REQ
 * @sector: as in the OV_REQ
 * @size: as in the OV_REQ
 * @status: 0, or a positive errno (no digests follow): ENODATA when the
 *	sender's disk is not UpToDate, EBUSY when it runs a verify itself,
 *	EIO on a read error
 */
struct twin_p_ov_reply {
	__be64 block_id;
	__be64 sector;
	__be32 size;
	__be32 status;
} __attribute__((packed));

/**
 * struct twin_p_ov_done - the verify source finished or stopped
 * @oos_blocks: blocks found different
 * @status: 0 when the whole device was verified, else a positive errno
 * @reserved: zero
 */
struct twin_p_ov_done {
	__be64 oos_blocks;
	__be32 status;
	__be32 reserved;
} __attribute__((packed));

#endif /* _TWIN_WIRE_H */
