/* SPDX-License-Identifier: GPL-2.0 */
/*
 * twinadm's side of the generic netlink family "twin" (uapi/twin.h),
 * with libnl-3.
 *
 * A request is first described as a struct twin_req, so that --dry-run can
 * print exactly what would be sent without opening a socket.
 */
#ifndef TWINADM_NL_H
#define TWINADM_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "status.h"

#define NL_MSG_MAX	256

struct twin_nl;

/* One command and the attributes to send with it. */
struct twin_req {
	uint8_t cmd;				/* enum twin_cmd */
	const char *res;
	bool has_minor;
	uint32_t minor;
	const char *disk_path;
	bool has_meta;
	uint32_t meta_type;			/* enum twin_meta_type */
	const char *meta_path;			/* external only */
	uint32_t meta_index;
	const struct sockaddr_storage *local_addr, *peer_addr;
	socklen_t local_len, peer_len;
	uint32_t protocol;		/* enum twin_protocol, 0: unset */
	const char *secret;			/* NULL: none */
	uint32_t ping_int_ms, ping_timeo_ms, connect_int_ms; /* 0 unset */
	bool force, clear_bitmap, discard_my_data;
	bool has_fencing;
	uint32_t fencing;			/* enum twin_fencing */
	/* ATTACH: disk { } options */
	bool has_resync_max, has_resync_min, has_al_extents;
	uint32_t resync_max_kib, resync_min_kib, al_extents;
	/* CONNECT: enum twin_after_sb */
	bool has_after_sb_0pri, has_after_sb_1pri;
	uint32_t after_sb_0pri, after_sb_1pri;
};

/*
 * Connect and resolve the family. Returns 0; -ENOENT if the module is not
 * loaded (the family is unknown); another -errno with MSG filled.
 */
int twin_nl_open(struct twin_nl **nl, char msg[NL_MSG_MAX]);
void twin_nl_close(struct twin_nl *nl);

/* Send REQ and wait for the answer: 0 or -errno, MSG from the kernel. */
int twin_nl_request(struct twin_nl *nl, const struct twin_req *req,
		    char msg[NL_MSG_MAX]);

/* "NEW_RESOURCE res=r0 minor=0 ..." for --dry-run and -v. */
void twin_req_describe(const struct twin_req *req, FILE *out);
const char *twin_cmd_name(uint8_t cmd);

/* Called per resource; a non-zero return stops the walk. */
typedef int (*twin_status_fn)(const struct twin_status *st, void *arg);

/* GET_STATUS for RES (NULL: all). 0 or -errno. */
int twin_nl_status(struct twin_nl *nl, const char *res, twin_status_fn fn,
		   void *arg, char msg[NL_MSG_MAX]);

/* Join the "events" multicast group. 0 or -errno. */
int twin_nl_subscribe(struct twin_nl *nl, char msg[NL_MSG_MAX]);

/*
 * Deliver events to FN until it returns non-zero or TIMEOUT_MS (negative:
 * no limit) passes. Returns 0 on timeout, FN's value, or -errno.
 */
int twin_nl_wait_events(struct twin_nl *nl, int timeout_ms, twin_status_fn fn,
			void *arg);

/* The message codec, exposed for the unit tests. */
struct nl_msg;
struct nlmsgerr;
int twin_nl_put_req(struct nl_msg *m, const struct twin_req *req);
int twin_nl_parse_status(struct nl_msg *m, struct twin_status *st);
/* Copy the extended ack message of error E to MSG (NL_MSG_MAX), if any. */
void twin_nl_extack(const struct nlmsgerr *e, char *msg);

#endif
