/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * twin.h - generic netlink interface of the twin replicated block device
 *
 * Shared by kmod/ (the kernel module) and tools/twinadm. Only ever add to
 * this file: new commands and attributes go at the end of their enum, and
 * existing values never change meaning. Bump TWIN_GENL_VERSION when adding.
 *
 * Every command except TWIN_CMD_GET_STATUS changes state and needs
 * CAP_NET_ADMIN. Commands that act on a resource name it with
 * TWIN_ATTR_RES_NAME. Failures come back as a negative errno in the
 * netlink error message, with a human readable extended ack message
 * (NETLINK_EXT_ACK) saying why; the errno values that tools may rely on are
 * listed with each command.
 */
#ifndef _UAPI_LINUX_TWIN_H
#define _UAPI_LINUX_TWIN_H

#include <linux/types.h>

#define TWIN_GENL_NAME		"twin"
#define TWIN_GENL_VERSION	2
#define TWIN_GENL_MCAST_EVENTS	"events"

/* Limits enforced by the kernel's attribute policy. */
#define TWIN_RES_NAME_MAX	63	/* bytes, without the NUL */
#define TWIN_PATH_MAX		255	/* backing/meta device path */
#define TWIN_SECRET_MAX		64	/* shared secret bytes */
#define TWIN_MINOR_MAX		1023	/* highest minor (/dev/twin1023) */
#define TWIN_PING_MS_MIN	50
#define TWIN_PING_MS_MAX	60000

/* Defaults the kernel applies when an attribute is absent. */
#define TWIN_DEF_PING_INT_MS	500	/* a ping every 500 ms ... */
#define TWIN_DEF_PING_TIMEO_MS	2000	/* ... and 2 s of silence is death */
#define TWIN_DEF_CONNECT_INT_MS	500	/* retry connecting twice a second */
#define TWIN_DEF_RESYNC_MIN_KIB	4096	/* resync KiB/s while the app is busy */

/**
 * enum twin_cmd - generic netlink commands of family "twin"
 * @TWIN_CMD_UNSPEC: unused
 * @TWIN_CMD_NEW_RESOURCE: "up": create resource RES_NAME with block device
 *	/dev/twin<MINOR>. The resource starts Secondary, Diskless, StandAlone.
 *	Errors: EEXIST (name or minor in use), ERANGE (minor > TWIN_MINOR_MAX).
 * @TWIN_CMD_DEL_RESOURCE: "down": disconnect, detach and delete RES_NAME.
 *	Errors: ENOENT, EBUSY (the device is open).
 * @TWIN_CMD_ATTACH: attach a backing disk: DISK_PATH or DISK_FD, META_TYPE,
 *	and for external metadata META_PATH or META_FD plus META_INDEX. The
 *	superblock must have been written by "twinadm create-md".
 *	Errors: EALREADY (already attached), EMEDIUMTYPE (no valid twin
 *	superblock), EFBIG (metadata does not fit the device), ENOTBLK,
 *	EBUSY (the resource is a diskless Primary; not supported yet).
 * @TWIN_CMD_DETACH: detach the backing disk (the device goes Diskless).
 *	Errors: EBUSY (Primary without a connected UpToDate peer).
 * @TWIN_CMD_CONNECT: set the network configuration (LOCAL_ADDR, PEER_ADDR,
 *	PROTOCOL, SHARED_SECRET, PING_INT_MS, PING_TIMEO_MS, CONNECT_INT_MS)
 *	and start connecting; the resource keeps retrying until DISCONNECT.
 *	Errors: EALREADY (already configured), EINVAL (bad addresses or
 *	timeouts). Problems found while connecting (cannot listen, wrong
 *	secret, split brain) show in LAST_ERROR and CONN_STATE.
 * @TWIN_CMD_DISCONNECT: drop the connection and stop retrying (StandAlone).
 * @TWIN_CMD_PRIMARY: promote. With FORCE, promote even though the local data
 *	is not UpToDate (first promotion of a new pair; the peer is then fully
 *	synced from this node). Errors: EBUSY (peer is Primary, or FORCE while
 *	the connected peer is UpToDate), ENODATA (local data not UpToDate and
 *	no FORCE, or no disk and no UpToDate peer).
 * @TWIN_CMD_SECONDARY: demote. Errors: EBUSY (the device is open).
 * @TWIN_CMD_GET_STATUS: dump: one message per resource (or only RES_NAME if
 *	given) with the status attributes (see enum twin_attr).
 * @TWIN_CMD_EVENT: multicast only, group "events": sent on every change of
 *	role, disk, connection or sync state, carrying the same attributes as
 *	a GET_STATUS message plus EVENT.
 * @TWIN_CMD_VERIFY: start an online verify against the peer: the checksum
 *	of every 4 KiB block is compared with the peer's while the device
 *	stays in service; differing blocks are marked out of sync (the next
 *	resync repairs them) and counted (VERIFY_OOS). Returns at once; the
 *	progress is in status and SYNC_PROGRESS events. Errors: EBUSY (a
 *	resync or verify is running), ENOTCONN (not connected), ENODATA
 *	(the local or the peer's data is not UpToDate).
 * @TWIN_CMD_INVALIDATE: discard local data and resync all of it from the
 *	peer. Errors: EBUSY (not Secondary), ENOTCONN (not connected, or a
 *	resync or verify runs), ENODATA (the peer is not UpToDate), ENODEV.
 * @TWIN_CMD_NEW_CURRENT_UUID: start a new data generation; with
 *	CLEAR_BITMAP on a new pair (connected, both Secondary, both
 *	Inconsistent, same current UUID) skip the initial sync: both nodes
 *	become UpToDate. Errors: ENODEV (no disk), EBUSY (without
 *	CLEAR_BITMAP on a connected Secondary; CLEAR_BITMAP's conditions).
 * @TWIN_CMD_RESUME_IO: the peer is known to be fenced (down, or Outdated):
 *	complete the writes held by fencing on the local disk alone, start a
 *	new data generation so the peer counts as older, and go on StandAlone.
 *	A no-op when no I/O is suspended.
 * @TWIN_CMD_FAIL_IO: this node lost: fail every held write and every new
 *	write with EIO, so the device can be unmounted and demoted; lasts
 *	until the resource is demoted or reconnects. A no-op on a Secondary.
 * @__TWIN_CMD_MAX: internal
 * @TWIN_CMD_MAX: highest command number
 */
enum twin_cmd {
	TWIN_CMD_UNSPEC,
	TWIN_CMD_NEW_RESOURCE,
	TWIN_CMD_DEL_RESOURCE,
	TWIN_CMD_ATTACH,
	TWIN_CMD_DETACH,
	TWIN_CMD_CONNECT,
	TWIN_CMD_DISCONNECT,
	TWIN_CMD_PRIMARY,
	TWIN_CMD_SECONDARY,
	TWIN_CMD_GET_STATUS,
	TWIN_CMD_EVENT,
	TWIN_CMD_VERIFY,
	TWIN_CMD_INVALIDATE,
	TWIN_CMD_NEW_CURRENT_UUID,
	TWIN_CMD_RESUME_IO,
	TWIN_CMD_FAIL_IO,

	__TWIN_CMD_MAX,
	TWIN_CMD_MAX = __TWIN_CMD_MAX - 1
};

/**
 * enum twin_attr - attributes of family "twin"
 * @TWIN_ATTR_UNSPEC: unused
 *
 * Identity and configuration (requests; also reported in status):
 * @TWIN_ATTR_RES_NAME: string, resource name, 1..TWIN_RES_NAME_MAX bytes of
 *	[A-Za-z0-9_.-]
 * @TWIN_ATTR_MINOR: u32, device minor: /dev/twin<MINOR>
 * @TWIN_ATTR_DISK_PATH: string, backing block device path
 * @TWIN_ATTR_DISK_FD: u32, open file descriptor of the backing device
 *	(alternative to DISK_PATH)
 * @TWIN_ATTR_META_TYPE: u32, enum twin_meta_type
 * @TWIN_ATTR_META_PATH: string, external metadata device path
 * @TWIN_ATTR_META_FD: u32, open fd of the external metadata device
 * @TWIN_ATTR_META_INDEX: u32, slot on the external metadata device
 *	(each slot is TWIN_MD_EXT_SLOT_SECTORS long, see twin_ondisk.h)
 * @TWIN_ATTR_LOCAL_ADDR: binary, struct sockaddr_in or sockaddr_in6 to
 *	listen on (address and port)
 * @TWIN_ATTR_PEER_ADDR: binary, struct sockaddr_in or sockaddr_in6 of the
 *	peer (same family as LOCAL_ADDR)
 * @TWIN_ATTR_PROTOCOL: u32, enum twin_protocol
 * @TWIN_ATTR_SHARED_SECRET: binary, 0..TWIN_SECRET_MAX bytes; empty or
 *	absent means no authentication (both sides must agree)
 * @TWIN_ATTR_PING_INT_MS: u32, keep-alive ping interval in ms
 *	(default TWIN_DEF_PING_INT_MS)
 * @TWIN_ATTR_PING_TIMEO_MS: u32, the peer is declared dead after this many
 *	ms without any packet from it (default TWIN_DEF_PING_TIMEO_MS)
 * @TWIN_ATTR_CONNECT_INT_MS: u32, interval between connection attempts
 *	(default TWIN_DEF_CONNECT_INT_MS)
 * @TWIN_ATTR_FORCE: flag, with PRIMARY: promote without UpToDate data
 * @TWIN_ATTR_CLEAR_BITMAP: flag, with NEW_CURRENT_UUID: skip the initial
 *	sync of a new pair
 * @TWIN_ATTR_DISCARD_MY_DATA: flag, with CONNECT: resolve a split brain as
 *	the victim
 *
 * State (status dumps and events):
 * @TWIN_ATTR_ROLE: u32, enum twin_role of this node
 * @TWIN_ATTR_DISK_STATE: u32, enum twin_disk_state of this node
 * @TWIN_ATTR_PEER_ROLE: u32, enum twin_role of the peer (Unknown when not
 *	connected)
 * @TWIN_ATTR_PEER_DISK_STATE: u32, enum twin_disk_state of the peer
 *	(DUnknown when not connected)
 * @TWIN_ATTR_CONN_STATE: u32, enum twin_conn_state
 * @TWIN_ATTR_SIZE_SECTORS: u64, usable size of the device in 512 B sectors
 * @TWIN_ATTR_SYNC_TOTAL: u64, sectors to sync in the running resync
 *	(0 when no resync runs)
 * @TWIN_ATTR_SYNC_REMAINING: u64, sectors of it still to sync
 * @TWIN_ATTR_SYNC_RATE_KIB: u32, resync speed over the last seconds, KiB/s
 * @TWIN_ATTR_OPEN_COUNT: u32, how many times the device is open
 * @TWIN_ATTR_UUID_CURRENT: u64, current generation UUID
 * @TWIN_ATTR_UUID_BITMAP: u64, bitmap generation UUID
 * @TWIN_ATTR_UUID_HISTORY0: u64, newest history UUID
 * @TWIN_ATTR_UUID_HISTORY1: u64, older history UUID
 * @TWIN_ATTR_STAT_NET_SENT: u64, bytes of data sent to the peer
 * @TWIN_ATTR_STAT_NET_RECV: u64, bytes of data received from the peer
 * @TWIN_ATTR_STAT_DISK_WRITE: u64, bytes written to the local disk
 * @TWIN_ATTR_STAT_DISK_READ: u64, bytes read from the local disk
 * @TWIN_ATTR_STAT_LOCAL_PENDING: u32, local disk requests in flight
 * @TWIN_ATTR_STAT_PEER_PENDING: u32, requests sent, answer not yet received
 * @TWIN_ATTR_STAT_APP_PENDING: u32, application requests not yet completed
 * @TWIN_ATTR_STAT_OUT_OF_SYNC: u64, sectors known to differ from the peer
 * @TWIN_ATTR_EVENT: u32, enum twin_event (events only)
 * @TWIN_ATTR_LAST_ERROR: string, why the last connection attempt or the last
 *	connection failed (e.g. "authentication failed"); absent if none
 * @TWIN_ATTR_GENL_VERSION: u32, TWIN_GENL_VERSION of the kernel (status)
 * @TWIN_ATTR_PAD: padding for 64-bit attributes, ignore it
 * @TWIN_ATTR_FENCING: u32, enum twin_fencing, with CONNECT (default
 *	TWIN_FENCING_NONE); also in status while configured
 * @TWIN_ATTR_SUSPENDED: u32, enum twin_susp (status and events)
 *
 * Part 2 (resync, activity log, split brain, verify):
 * @TWIN_ATTR_RESYNC_MAX_KIB: u32, with ATTACH ("disk { c-max-rate }"):
 *	cap on the resync rate in KiB/s; 0 means no cap (line rate)
 * @TWIN_ATTR_RESYNC_MIN_KIB: u32, with ATTACH ("disk { c-min-rate }"): the
 *	rate a resync keeps while application I/O is running, KiB/s
 * @TWIN_ATTR_AL_EXTENTS: u32, with ATTACH ("disk { al-extents }"):
 *	activity log extents kept hot; 0 keeps the value in the metadata
 * @TWIN_ATTR_AFTER_SB_0PRI: u32, enum twin_after_sb, with CONNECT: split
 *	brain policy when neither node is Primary
 * @TWIN_ATTR_AFTER_SB_1PRI: u32, enum twin_after_sb, with CONNECT: split
 *	brain policy when one node is Primary
 * @TWIN_ATTR_STAT_RESYNCED: u64, bytes resynced (sent as source, written
 *	as target) by the running or the last resync
 * @TWIN_ATTR_VERIFY_TOTAL: u64, sectors to verify in the running verify
 *	(0 when none runs)
 * @TWIN_ATTR_VERIFY_REMAINING: u64, sectors of it still to verify
 * @TWIN_ATTR_VERIFY_OOS: u64, 4 KiB blocks found different by the running
 *	or the last verify; absent if no verify ran since the resource was
 *	created
 * @TWIN_ATTR_AL_EXTENT_KIB: u32, size of one activity log extent, KiB
 * @__TWIN_ATTR_MAX: internal
 * @TWIN_ATTR_MAX: highest attribute number
 */
enum twin_attr {
	TWIN_ATTR_UNSPEC,
	TWIN_ATTR_RES_NAME,
	TWIN_ATTR_MINOR,
	TWIN_ATTR_DISK_PATH,
	TWIN_ATTR_DISK_FD,
	TWIN_ATTR_META_TYPE,
	TWIN_ATTR_META_PATH,
	TWIN_ATTR_META_FD,
	TWIN_ATTR_META_INDEX,
	TWIN_ATTR_LOCAL_ADDR,
	TWIN_ATTR_PEER_ADDR,
	TWIN_ATTR_PROTOCOL,
	TWIN_ATTR_SHARED_SECRET,
	TWIN_ATTR_PING_INT_MS,
	TWIN_ATTR_PING_TIMEO_MS,
	TWIN_ATTR_CONNECT_INT_MS,
	TWIN_ATTR_FORCE,
	TWIN_ATTR_CLEAR_BITMAP,
	TWIN_ATTR_DISCARD_MY_DATA,
	TWIN_ATTR_ROLE,
	TWIN_ATTR_DISK_STATE,
	TWIN_ATTR_PEER_ROLE,
	TWIN_ATTR_PEER_DISK_STATE,
	TWIN_ATTR_CONN_STATE,
	TWIN_ATTR_SIZE_SECTORS,
	TWIN_ATTR_SYNC_TOTAL,
	TWIN_ATTR_SYNC_REMAINING,
	TWIN_ATTR_SYNC_RATE_KIB,
	TWIN_ATTR_OPEN_COUNT,
	TWIN_ATTR_UUID_CURRENT,
	TWIN_ATTR_UUID_BITMAP,
	TWIN_ATTR_UUID_HISTORY0,
	TWIN_ATTR_UUID_HISTORY1,
	TWIN_ATTR_STAT_NET_SENT,
	TWIN_ATTR_STAT_NET_RECV,
	TWIN_ATTR_STAT_DISK_WRITE,
	TWIN_ATTR_STAT_DISK_READ,
	TWIN_ATTR_STAT_LOCAL_PENDING,
	TWIN_ATTR_STAT_PEER_PENDING,
	TWIN_ATTR_STAT_APP_PENDING,
	TWIN_ATTR_STAT_OUT_OF_SYNC,
	TWIN_ATTR_EVENT,
	TWIN_ATTR_LAST_ERROR,
	TWIN_ATTR_GENL_VERSION,
	TWIN_ATTR_PAD,
	TWIN_ATTR_FENCING,
	TWIN_ATTR_SUSPENDED,
	TWIN_ATTR_RESYNC_MAX_KIB,
	TWIN_ATTR_RESYNC_MIN_KIB,
	TWIN_ATTR_AL_EXTENTS,
	TWIN_ATTR_AFTER_SB_0PRI,
	TWIN_ATTR_AFTER_SB_1PRI,
	TWIN_ATTR_STAT_RESYNCED,
	TWIN_ATTR_VERIFY_TOTAL,
	TWIN_ATTR_VERIFY_REMAINING,
	TWIN_ATTR_VERIFY_OOS,
	TWIN_ATTR_AL_EXTENT_KIB,

	__TWIN_ATTR_MAX,
	TWIN_ATTR_MAX = __TWIN_ATTR_MAX - 1
};

/**
 * enum twin_meta_type - where the metadata lives
 * @TWIN_META_INTERNAL: at the end of the backing device
 * @TWIN_META_EXTERNAL: in slot META_INDEX of a separate device
 */
enum twin_meta_type {
	TWIN_META_INTERNAL,
	TWIN_META_EXTERNAL,
};

/**
 * enum twin_protocol - replication protocol
 * @TWIN_PROT_A: a write completes when the local disk completed it and it
 *	is queued for the peer (asynchronous)
 * @TWIN_PROT_C: a write completes when both disks completed it
 *	(synchronous; the default)
 */
enum twin_protocol {
	TWIN_PROT_A = 1,
	TWIN_PROT_C = 3,
};

/**
 * enum twin_fencing - what a Primary does when it loses the peer
 * @TWIN_FENCING_NONE: go on alone at once (writes complete locally)
 * @TWIN_FENCING_RESOURCE_ONLY: hold writes until the cluster manager says
 *	RESUME_IO (the peer is fenced) or FAIL_IO (we are the loser), or the
 *	peer comes back. Needs protocol C.
 */
enum twin_fencing {
	TWIN_FENCING_NONE,
	TWIN_FENCING_RESOURCE_ONLY,
};

#define TWIN_FENCING_NAMES {					\
	[TWIN_FENCING_NONE] = "none",				\
	[TWIN_FENCING_RESOURCE_ONLY] = "resource-only",		\
}

/**
 * enum twin_after_sb - automatic split brain recovery, as DRBD's after-sb-*
 * @TWIN_AFTER_SB_DISCONNECT: no automatic recovery: refuse (the default)
 * @TWIN_AFTER_SB_DISCARD_ZERO_CHANGES: (0pri) a node that wrote nothing
 *	since the split becomes the sync target; if both wrote, refuse
 * @TWIN_AFTER_SB_DISCARD_LEAST_CHANGES: (0pri) the node with fewer blocks
 *	written since the split becomes the sync target
 * @TWIN_AFTER_SB_DISCARD_SECONDARY: (1pri) the Secondary becomes the sync
 *	target
 */
enum twin_after_sb {
	TWIN_AFTER_SB_DISCONNECT,
	TWIN_AFTER_SB_DISCARD_ZERO_CHANGES,
	TWIN_AFTER_SB_DISCARD_LEAST_CHANGES,
	TWIN_AFTER_SB_DISCARD_SECONDARY,
};

#define TWIN_AFTER_SB_NAMES {						\
	[TWIN_AFTER_SB_DISCONNECT] = "disconnect",			\
	[TWIN_AFTER_SB_DISCARD_ZERO_CHANGES] = "discard-zero-changes",	\
	[TWIN_AFTER_SB_DISCARD_LEAST_CHANGES] = "discard-least-changes",	\
	[TWIN_AFTER_SB_DISCARD_SECONDARY] = "discard-secondary",	\
}

/**
 * enum twin_susp - why application writes are not completing
 * @TWIN_SUSP_NONE: they are not suspended
 * @TWIN_SUSP_FENCING: held after the peer was lost (fencing resource-only)
 * @TWIN_SUSP_FAIL_IO: failed with EIO after FAIL_IO
 */
enum twin_susp {
	TWIN_SUSP_NONE,
	TWIN_SUSP_FENCING,
	TWIN_SUSP_FAIL_IO,
};

#define TWIN_SUSP_NAMES {				\
	[TWIN_SUSP_NONE] = "no",			\
	[TWIN_SUSP_FENCING] = "fencing",		\
	[TWIN_SUSP_FAIL_IO] = "fail-io",		\
}

/**
 * enum twin_role - role of a node for a resource
 * @TWIN_ROLE_UNKNOWN: not known (the peer while not connected)
 * @TWIN_ROLE_PRIMARY: the device may be opened for writing
 * @TWIN_ROLE_SECONDARY: the device cannot be opened
 */
enum twin_role {
	TWIN_ROLE_UNKNOWN,
	TWIN_ROLE_PRIMARY,
	TWIN_ROLE_SECONDARY,
};

#define TWIN_ROLE_NAMES {				\
	[TWIN_ROLE_UNKNOWN] = "Unknown",		\
	[TWIN_ROLE_PRIMARY] = "Primary",		\
	[TWIN_ROLE_SECONDARY] = "Secondary",		\
}

/**
 * enum twin_disk_state - state of a node's backing disk, as in DRBD; the
 *	order matters (a higher value means better data)
 * @TWIN_DISK_DISKLESS: no backing disk attached
 * @TWIN_DISK_ATTACHING: reading the metadata
 * @TWIN_DISK_FAILED: an I/O error happened, being detached
 * @TWIN_DISK_NEGOTIATING: attached, handshake with the peer in progress
 * @TWIN_DISK_INCONSISTENT: data not usable (new disk, or sync target)
 * @TWIN_DISK_OUTDATED: consistent but known to be older than the peer's
 * @TWIN_DISK_DUNKNOWN: the peer's disk state is not known
 * @TWIN_DISK_CONSISTENT: consistent, whether it is newest is not known
 * @TWIN_DISK_UPTODATE: consistent and the newest data
 */
enum twin_disk_state {
	TWIN_DISK_DISKLESS,
	TWIN_DISK_ATTACHING,
	TWIN_DISK_FAILED,
	TWIN_DISK_NEGOTIATING,
	TWIN_DISK_INCONSISTENT,
	TWIN_DISK_OUTDATED,
	TWIN_DISK_DUNKNOWN,
	TWIN_DISK_CONSISTENT,
	TWIN_DISK_UPTODATE,
};

#define TWIN_DISK_STATE_NAMES {				\
	[TWIN_DISK_DISKLESS] = "Diskless",		\
	[TWIN_DISK_ATTACHING] = "Attaching",		\
	[TWIN_DISK_FAILED] = "Failed",			\
	[TWIN_DISK_NEGOTIATING] = "Negotiating",	\
	[TWIN_DISK_INCONSISTENT] = "Inconsistent",	\
	[TWIN_DISK_OUTDATED] = "Outdated",		\
	[TWIN_DISK_DUNKNOWN] = "DUnknown",		\
	[TWIN_DISK_CONSISTENT] = "Consistent",		\
	[TWIN_DISK_UPTODATE] = "UpToDate",		\
}

/**
 * enum twin_conn_state - state of the connection to the peer, as in DRBD
 * @TWIN_CONN_STANDALONE: no network configuration, not trying to connect
 * @TWIN_CONN_DISCONNECTING: being torn down
 * @TWIN_CONN_UNCONNECTED: between connection attempts
 * @TWIN_CONN_TIMEOUT: the peer stopped answering pings
 * @TWIN_CONN_BROKEN_PIPE: the peer closed the connection
 * @TWIN_CONN_NETWORK_FAILURE: a socket error
 * @TWIN_CONN_PROTOCOL_ERROR: the peer sent something invalid
 * @TWIN_CONN_TEAR_DOWN: the peer is closing the connection
 * @TWIN_CONN_CONNECTING: listening and connecting ("WFConnection")
 * @TWIN_CONN_WF_REPORT_PARAMS: connected, handshake in progress
 * @TWIN_CONN_CONNECTED: connected, no resync
 * @TWIN_CONN_STARTING_SYNC_S: about to become sync source
 * @TWIN_CONN_STARTING_SYNC_T: about to become sync target
 * @TWIN_CONN_WF_BITMAP_S: exchanging the bitmaps, then sync source
 * @TWIN_CONN_WF_BITMAP_T: exchanging the bitmaps, then sync target
 * @TWIN_CONN_SYNC_SOURCE: resync running, this node sends
 * @TWIN_CONN_SYNC_TARGET: resync running, this node receives
 * @TWIN_CONN_VERIFY_S: online verify, this node started it
 * @TWIN_CONN_VERIFY_T: online verify, the peer started it
 * @TWIN_CONN_PAUSED_SYNC_S: resync paused, source side (reserved, unused)
 * @TWIN_CONN_PAUSED_SYNC_T: resync paused, target side (reserved, unused)
 * @TWIN_CONN_SPLIT_BRAIN: both sides wrote while disconnected; the
 *	connection is refused until resolved with DISCARD_MY_DATA on the
 *	victim or an after-sb policy
 * @TWIN_CONN_AUTH_FAILED: the peer failed the shared-secret check; retried
 *	like any other failure
 */
enum twin_conn_state {
	TWIN_CONN_STANDALONE,
	TWIN_CONN_DISCONNECTING,
	TWIN_CONN_UNCONNECTED,
	TWIN_CONN_TIMEOUT,
	TWIN_CONN_BROKEN_PIPE,
	TWIN_CONN_NETWORK_FAILURE,
	TWIN_CONN_PROTOCOL_ERROR,
	TWIN_CONN_TEAR_DOWN,
	TWIN_CONN_CONNECTING,
	TWIN_CONN_WF_REPORT_PARAMS,
	TWIN_CONN_CONNECTED,
	TWIN_CONN_STARTING_SYNC_S,
	TWIN_CONN_STARTING_SYNC_T,
	TWIN_CONN_WF_BITMAP_S,
	TWIN_CONN_WF_BITMAP_T,
	TWIN_CONN_SYNC_SOURCE,
	TWIN_CONN_SYNC_TARGET,
	TWIN_CONN_VERIFY_S,
	TWIN_CONN_VERIFY_T,
	TWIN_CONN_PAUSED_SYNC_S,
	TWIN_CONN_PAUSED_SYNC_T,
	TWIN_CONN_SPLIT_BRAIN,
	TWIN_CONN_AUTH_FAILED,
};

#define TWIN_CONN_STATE_NAMES {					\
	[TWIN_CONN_STANDALONE] = "StandAlone",			\
	[TWIN_CONN_DISCONNECTING] = "Disconnecting",		\
	[TWIN_CONN_UNCONNECTED] = "Unconnected",		\
	[TWIN_CONN_TIMEOUT] = "Timeout",			\
	[TWIN_CONN_BROKEN_PIPE] = "BrokenPipe",			\
	[TWIN_CONN_NETWORK_FAILURE] = "NetworkFailure",		\
	[TWIN_CONN_PROTOCOL_ERROR] = "ProtocolError",		\
	[TWIN_CONN_TEAR_DOWN] = "TearDown",			\
	[TWIN_CONN_CONNECTING] = "Connecting",			\
	[TWIN_CONN_WF_REPORT_PARAMS] = "WFReportParams",	\
	[TWIN_CONN_CONNECTED] = "Connected",			\
	[TWIN_CONN_STARTING_SYNC_S] = "StartingSyncS",		\
	[TWIN_CONN_STARTING_SYNC_T] = "StartingSyncT",		\
	[TWIN_CONN_WF_BITMAP_S] = "WFBitMapS",			\
	[TWIN_CONN_WF_BITMAP_T] = "WFBitMapT",			\
	[TWIN_CONN_SYNC_SOURCE] = "SyncSource",			\
	[TWIN_CONN_SYNC_TARGET] = "SyncTarget",			\
	[TWIN_CONN_VERIFY_S] = "VerifyS",			\
	[TWIN_CONN_VERIFY_T] = "VerifyT",			\
	[TWIN_CONN_PAUSED_SYNC_S] = "PausedSyncS",		\
	[TWIN_CONN_PAUSED_SYNC_T] = "PausedSyncT",		\
	[TWIN_CONN_SPLIT_BRAIN] = "SplitBrain",			\
	[TWIN_CONN_AUTH_FAILED] = "AuthFailed",			\
}

/**
 * enum twin_event - what a TWIN_CMD_EVENT message reports
 * @TWIN_EVENT_CHANGE: the state of an existing resource changed
 * @TWIN_EVENT_CREATE: a resource was created
 * @TWIN_EVENT_DESTROY: a resource was deleted (last message about it)
 * @TWIN_EVENT_SYNC_PROGRESS: periodic resync or verify progress (about once
 *	a second)
 */
enum twin_event {
	TWIN_EVENT_CHANGE,
	TWIN_EVENT_CREATE,
	TWIN_EVENT_DESTROY,
	TWIN_EVENT_SYNC_PROGRESS,
};

#endif /* _UAPI_LINUX_TWIN_H */
