/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slotctl: administer a slot directory (users, quotas, mail, integrity).
 * main.c holds the command table; each cmd_*.c implements a group.
 */
#ifndef TWIN_SLOTCTL_H
#define TWIN_SLOTCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* Exit codes: sysexits(3) values where an MTA reads them (deliver). */
#define SLOTCTL_OK	0
#define SLOTCTL_FAIL	1	/* the operation failed, or audit found */
#define SLOTCTL_USAGE	64	/* EX_USAGE */

struct slotctl_cmd {
	const char *name;
	const char *synopsis;	/* arguments after the name */
	const char *help;	/* paragraph for "slotctl help NAME" */
	int (*run)(const struct slotctl_cmd *cmd, int argc, char **argv);
};

/* Error "slotctl: CMD: message" on stderr; returns SLOTCTL_FAIL. */
int slotctl_err(const struct slotctl_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Usage error: the message, the synopsis; returns SLOTCTL_USAGE. */
int slotctl_usage(const struct slotctl_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Open the slot or print why; NULL on failure. */
struct store *slotctl_open(const struct slotctl_cmd *cmd, const char *dir);
/* Report a store failure with its explanation; returns SLOTCTL_FAIL. */
int slotctl_store_err(const struct slotctl_cmd *cmd, struct store *st,
		      int status);
/* "1048576", "512K", "10M", "2G" (powers of 1024) or "none". */
int slotctl_parse_bytes(const char *s, uint64_t *out);
/* "7d", "12h", "30m", "3600", "90s" -> seconds. */
int slotctl_parse_duration(const char *s, int64_t *out);
/* "YYYY-MM-DD[ HH:MM[:SS]]" (local time), "@EPOCH", or a duration ago. */
int slotctl_parse_time(const char *s, int64_t *out);
/* Parse getopt options for a command; see main.c. */
void slotctl_format_time(char *buf, size_t len, int64_t t);

/* cmd_slot.c */
int slotctl_cmd_create(const struct slotctl_cmd *cmd, int argc,
			char **argv);
int slotctl_cmd_dump(const struct slotctl_cmd *cmd, int argc,
			char **argv);
int slotctl_cmd_audit(const struct slotctl_cmd *cmd, int argc,
			char **argv);
int slotctl_cmd_expire(const struct slotctl_cmd *cmd, int argc,
			char **argv);
int slotctl_cmd_backup(const struct slotctl_cmd *cmd, int argc,
			char **argv);
/* Print one audit (or backup) problem on stdout. */
void slotctl_audit_report(void *arg, const struct store_audit_issue *is);

/* cmd_user.c */
int slotctl_cmd_adduser(const struct slotctl_cmd *cmd, int argc,
			char **argv);
int slotctl_cmd_deluser(const struct slotctl_cmd *cmd, int argc,
			char **argv);
int slotctl_cmd_passwd(const struct slotctl_cmd *cmd, int argc,
			char **argv);
int slotctl_cmd_users(const struct slotctl_cmd *cmd, int argc,
			char **argv);
int slotctl_cmd_setquota(const struct slotctl_cmd *cmd, int argc,
			char **argv);

/* cmd_mail.c */
int slotctl_cmd_deliver(const struct slotctl_cmd *cmd, int argc,
			char **argv);
int slotctl_cmd_mailboxes(const struct slotctl_cmd *cmd, int argc,
			char **argv);
int slotctl_cmd_list(const struct slotctl_cmd *cmd, int argc,
			char **argv);
int slotctl_cmd_expunge(const struct slotctl_cmd *cmd, int argc,
			char **argv);
int slotctl_cmd_undelete(const struct slotctl_cmd *cmd, int argc,
			char **argv);

#endif
