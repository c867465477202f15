/* SPDX-License-Identifier: GPL-2.0 */
/*
 * twinhb daemon state shared by its parts:
 *
 *	cluster.c  heartbeats, membership, quorum, failover decisions
 *	group.c    taking over and releasing one resource group, step by step
 *	ctl.c      the control socket of the CLI and the event stream
 *	report.c   status in text and JSON
 *	cli.c      the client side of the CLI (no daemon state)
 */
#ifndef TWINHB_H
#define TWINHB_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "fsm.h"
#include "msg.h"

#define HB_SOCK_DEFAULT		"/run/twinhb.sock"
#define HB_CTL_LINE_MAX		512	/* one control request */

struct proc;

struct hb_path_rt {
	uint64_t last_rx;	/* loop_now() of the newest accepted packet */
	bool up;
};

struct hb_member_rt {
	struct hb_replay replay;
	struct hb_path_rt path[HB_MAX_PATHS];
	uint64_t last_rx;
	bool alive;
	bool heard;		/* heard at least once since we started */
	uint64_t dead_since;	/* loop_now() when declared dead */
	struct hb_msg last;	/* newest accepted heartbeat */
	uint64_t rejected;	/* packets rejected from this member */
};

struct hb_group_rt {
	enum hb_gstate state;
	unsigned int held;	/* bit per step: done here, to be undone */
	int step;		/* step in progress while busy */
	bool rollback;		/* releasing after a failed takeover */
	bool fencing;		/* releasing because quorum is lost */
	bool peer_fenced;	/* resume-io done for this death of the peer */
	const char *reason;	/* of the current transition */
	char error[256];	/* last failure, shown in status */
	uint64_t since;		/* loop_wall() of the last state change */
	/* twin resource disk state, from twinadm status probes */
	bool uptodate;
	bool probed;		/* disk state read at least once */
	char disk[32];
	uint64_t probe_next;
	struct proc *probe;
	/* slot daemons */
	struct proc *slotd[HB_MAX_SLOTS];
	uint64_t slot_restart[HB_MAX_SLOTS];	/* 0: none scheduled */
	int slot_restarts[HB_MAX_SLOTS];
	int slots_stopping;
	uint64_t stop_deadline;
	bool stop_killed;
	/* gratuitous ARP repeats */
	int arp_left;
	uint64_t arp_next;
	/* cluster-wide switchover request, highest version wins */
	uint8_t move_to;
	uint32_t move_ver;
	/* what we announce, and since which seq (for the peer's ack) */
	enum fsm_who target;
	uint64_t claim_seq;
};

struct hb_daemon {
	struct hb_config *cfg;
	int me;			/* my member index */
	int peer;		/* the other storage node, -1 on a witness */
	bool witness;
	uint8_t boot_id[HB_BOOT_ID_LEN];
	uint64_t seq;		/* last seq sent */
	uint64_t start;
	uint64_t next_send;
	int sock[HB_MAX_PATHS];
	struct hb_member_rt m[HB_MAX_MEMBERS];
	struct hb_group_rt g[HB_MAX_GROUPS];
	uint8_t standby;	/* bit per member, cluster-wide */
	uint32_t standby_ver;
	bool quorum;
	uint64_t fence_deadline;	/* quorum lost: be released by then */
	int votes;		/* members alive, me included */
	int busy;		/* group in transition, or -1 */
	bool ready;		/* the control socket answers */
	bool leaving;		/* SIGTERM: release everything, then exit */
	bool done;		/* leave the loop */
};

extern struct hb_daemon hbd;

/* cluster.c */
int cluster_start(void);
void cluster_tick(void);
void cluster_leave(void);
int cluster_switchover(int group, int to, char *err, size_t len);
int cluster_standby(int node, bool on, char *err, size_t len);
/* Where a group runs: member index, or -1. */
int cluster_owner(int group);
/* A transition: logged, sent to `twinhb events` and to the hook. */
void hb_event(const char *event, const char *group, const char *node,
	      const char *old, const char *new_state, const char *detail);

/* group.c */
void group_start(int i, const char *reason);
void group_stop(int i, const char *reason);
void group_tick(int i);
void group_peer_fenced(int i);
int group_cleanup(int i, char *err, size_t len);
bool group_holds(int i);

/* ctl.c */
int ctl_start(const char *path);
void ctl_ready(void);
void ctl_stop(void);
void ctl_broadcast(const char *line);

/* report.c: a growable text buffer and the status renderings */
struct sbuf {
	char *p;
	size_t len, cap;
};
void sbuf_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sbuf_json_str(struct sbuf *b, const char *s);
void sbuf_free(struct sbuf *b);
void report_status(struct sbuf *b, bool json);

/* cli.c */
int cli_main(const char *sock, int argc, char **argv);

#endif
