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
#define TWIN_PROTO_VERSION	1	/* bump on any incompatible change */
#define TWIN_PROTO_MIN		1	/* oldest version we still speak */

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
 *	out-of-sync bits, sent in pieces after the handshake (part 2)
 * @TWIN_P_OV_REQ: struct twin_p_data without bytes: online verify, the
 *	source asks for the checksum of a block (part 2)
 * @TWIN_P_OV_REPLY: struct twin_p_data + digest: the checksum of a block
 *	(part 2)
 * @TWIN_P_OV_DONE: struct twin_p_ack: verify finished (status: 0, or an
 *	errno if it stopped) (part 2)
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

/**
 * struct twin_p_params - what the peer needs to decide about a resync
 * @data_sectors: usable size of the sender's disk (0 if diskless)
 * @uuid: generation UUIDs (enum twin_uuid_slot in twin_ondisk.h)
 * @role: enum twin_role
 * @disk_state: enum twin_disk_state
 * @protocol: enum twin_protocol, must match
 * @flags: TWIN_PF_* bits
 */
struct twin_p_params {
	__be64 data_sectors;
	__be64 uuid[4];
	__be32 role;
	__be32 disk_state;
	__be32 protocol;
	__be32 flags;
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

#endif /* _TWIN_WIRE_H */
