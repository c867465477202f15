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

/* Connected in the sense that the peer's role and disk are known. */
bool status_connected(const struct twin_status *st);
/* A resync (or verify) is running and progress can be shown. */
bool status_syncing(const struct twin_status *st);
/* Percent done of the running resync, 0..100. */
double status_sync_done(const struct twin_status *st);
/* Seconds left at the current rate; -1 if not known. */
long status_sync_eta(const struct twin_status *st);

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
