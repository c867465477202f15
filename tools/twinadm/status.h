/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state of one resource as the kernel reports it (GET_STATUS dumps
 * and EVENT multicasts), and its text and JSON renderings.
 *
 * nl.c fills struct twin_status from netlink attributes; the formatters
 * here do no I/O besides writing to the given stream, so the unit tests
 * feed them hand-made structs.
 */
#ifndef TWINADM_STATUS_H
#define TWINADM_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "uapi/twin.h"
#include "json.h"

#define STATUS_ERR_MAX	128

/* Which optional attributes were present (struct twin_status.has). */
enum {
	ST_HAS_MINOR		= 1 << 0,
	ST_HAS_DISK_PATH	= 1 << 1,
	ST_HAS_META		= 1 << 2,
	ST_HAS_LOCAL_ADDR	= 1 << 3,
	ST_HAS_PEER_ADDR	= 1 << 4,
	ST_HAS_PROTOCOL		= 1 << 5,
	ST_HAS_PING_INT		= 1 << 6,
	ST_HAS_PING_TIMEO	= 1 << 7,
	ST_HAS_CONNECT_INT	= 1 << 8,
	ST_HAS_EVENT		= 1 << 9,
	ST_HAS_UUIDS		= 1 << 10,
	ST_HAS_FENCING		= 1 << 11,
	ST_HAS_RESYNC_RATES	= 1 << 12,	/* c-max-rate, c-min-rate */
	ST_HAS_AL		= 1 << 13,	/* al-extents, extent size */
	ST_HAS_AFTER_SB		= 1 << 14,
	ST_HAS_VERIFY_OOS	= 1 << 15,	/* a verify ran or runs */
	ST_HAS_RESYNCED		= 1 << 16,
};

struct twin_status {
	char name[TWIN_RES_NAME_MAX + 1];
	char peer_name[TWIN_RES_NAME_MAX + 1];	/* from the config, or "peer" */
	unsigned int has;

	/* configuration as the kernel has it */
	uint32_t minor;
	char disk_path[TWIN_PATH_MAX + 1];
	uint32_t meta_type;
	char meta_path[TWIN_PATH_MAX + 1];
	uint32_t meta_index;
	struct sockaddr_storage local_addr;
	struct sockaddr_storage peer_addr;
	uint32_t protocol;
	uint32_t ping_int_ms, ping_timeo_ms, connect_int_ms;
	uint32_t fencing;			/* enum twin_fencing */
	uint32_t resync_max_kib, resync_min_kib;	/* KiB/s, 0: none */
	uint32_t al_extents, al_extent_kib;
	uint32_t after_sb_0pri, after_sb_1pri;	/* enum twin_after_sb */

	/* state */
	uint32_t suspended;			/* enum twin_susp */
	uint32_t role, peer_role;		/* enum twin_role */
	uint32_t disk, peer_disk;		/* enum twin_disk_state */
	uint32_t conn;				/* enum twin_conn_state */
	uint64_t size_sectors;
	uint64_t sync_total, sync_remaining;	/* sectors */
	uint32_t sync_rate_kib;
	uint32_t open_count;
	uint64_t uuid[4];			/* current, bitmap, history */
	uint64_t net_sent, net_recv, disk_write, disk_read;	/* bytes */
	uint32_t local_pending, peer_pending, app_pending;
	uint64_t out_of_sync;			/* sectors */
	uint64_t resynced;			/* bytes, running or last */
	uint64_t verify_total, verify_remaining;	/* sectors */
	uint64_t verify_oos;			/* 4 KiB blocks */
	bool verify_ran;			/* verify_oos is a result */
	uint32_t event;				/* enum twin_event */
	char last_error[STATUS_ERR_MAX];
	uint32_t genl_version;
};

const char *status_role_name(uint32_t role);
const char *status_disk_name(uint32_t disk);
const char *status_conn_name(uint32_t conn);
const char *status_event_name(uint32_t event);
/* 'A', 'C', or '?' */
char status_protocol_char(uint32_t protocol);
const char *status_fencing_name(uint32_t fencing);
const char *status_susp_name(uint32_t susp);
/* enum twin_after_sb as in the config: "discard-zero-changes" */
const char *status_after_sb_name(uint32_t policy);

/* Connected in the sense that the peer's role and disk are known. */
bool status_connected(const struct twin_status *st);
/*
 * What wait-sync waits for: connected, no resync running or pending, both
 * disks UpToDate, no block known to differ.
 */
bool status_in_sync(const struct twin_status *st);
/* A resync (or verify) is running and progress can be shown. */
bool status_syncing(const struct twin_status *st);
/* Percent done of the running resync, 0..100. */
double status_sync_done(const struct twin_status *st);
/* Seconds left at the current rate; -1 if not known. */
long status_sync_eta(const struct twin_status *st);
/* An online verify is running (VerifyS or VerifyT with a total). */
bool status_verifying(const struct twin_status *st);
/* Percent done of the running verify, 0..100. */
double status_verify_done(const struct twin_status *st);
/* "0:12", "1:12", "1:02:03" (m:ss below an hour); "?" when ETA < 0. */
void status_eta_str(long eta, char *buf, size_t len);
/* A rate: "512 KiB/s", "51.2 MiB/s", "1.5 GiB/s". */
void status_rate_str(uint64_t kib, char *buf, size_t len);

/* Format an address as "10.0.0.1:7790" or "[fd00::1]:7790". */
void status_addr_str(const struct sockaddr_storage *ss, char *buf,
		     size_t len);

/* drbdadm-style text; VERBOSE adds sizes, UUIDs and counters. */
void status_print_text(FILE *out, const struct twin_status *st,
		       bool verbose);
/* One JSON object describing ST; KEY is NULL inside an array. */
void status_print_json(struct json_out *j, const char *key,
		       const struct twin_status *st);

/* One event line: "TIMESTAMP EVENT NAME key:value ...". */
void status_print_event(FILE *out, const char *timestamp, const char *what,
			const struct twin_status *st);
/* The same as one compact JSON document on one line. */
void status_print_event_json(FILE *out, const char *timestamp,
			     const char *what, const struct twin_status *st);

#endif
