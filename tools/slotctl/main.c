// SPDX-License-Identifier: GPL-2.0
/*
 * slotctl: the command table, help, and helpers shared by the commands.
 * Start reading at slotctl_cmds[].
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slotctl.h"

static const struct slotctl_cmd slotctl_cmds[] = {
	{ "create", "DIR",
	  "Create a new, empty slot in DIR (created if missing, else it must "
	  "be empty):\nthe layout file, the Berkeley DB environment, mail/ "
	  "and tmp/, and a commented\ndefault slot.conf to edit.",
	  slotctl_cmd_create },
	{ "adduser", "[--quota BYTES] [--scrypt-cost LOG2N] DIR USER",
	  "Add USER with the password read from standard input (one line; "
	  "prompted\nwithout echo on a terminal).  The password is stored "
	  "only as a salted scrypt\nhash.  The user gets INBOX, Sent, Drafts, "
	  "Trash, Junk and Archive.  --quota\nsets a storage quota (default: "
	  "none).  --scrypt-cost sets the\nhash's N = 2^LOG2N (10 to 20, "
	  "default 15: about 0.1 s and 32 MiB per\nlogin).  Each hash keeps "
	  "its cost, so logins work whatever it was; lower it\nonly for test "
	  "and benchmark users (cheaper logins, cheaper to guess too).",
	  slotctl_cmd_adduser },
	{ "deluser", "DIR USER",
	  "Delete USER with all mailboxes and messages, at once and for good.",
	  slotctl_cmd_deluser },
	{ "passwd", "[--scrypt-cost LOG2N] DIR USER",
	  "Set the password of USER from standard input (one line).  "
	  "--scrypt-cost as\nfor adduser.",
	  slotctl_cmd_passwd },
	{ "users", "DIR",
	  "List the users with quota, usage in bytes and creation date.",
	  slotctl_cmd_users },
	{ "setquota", "DIR USER BYTES|none",
	  "Set the storage quota of USER: a number of bytes, with an optional "
	  "K, M, G\nsuffix (powers of 1024), or none.  Checked at delivery: a "
	  "message that does not\nfit is refused with a temporary error, one "
	  "larger than the whole quota with a\npermanent one.",
	  slotctl_cmd_setquota },
	{ "mailboxes", "DIR USER",
	  "List the mailboxes of USER with message counts, size, UIDVALIDITY, "
	  "UIDNEXT\nand special use.",
	  slotctl_cmd_mailboxes },
	{ "list", "[--expunged] DIR USER [MAILBOX]",
	  "List the messages of a mailbox (default INBOX): UID, size, "
	  "internal date,\nflags, modseq and SHA-256.  --expunged lists the "
	  "expunged messages still kept\nfor undelete instead.",
	  slotctl_cmd_list },
	{ "deliver", "[-m MAILBOX] [--date TIME] DIR USER...",
	  "Deliver the message on standard input to each USER (INBOX, or "
	  "MAILBOX if it\nexists), exactly as slotd does for LMTP: the "
	  "message is on stable storage\nwhen slotctl exits 0.  Prints "
	  "\"USER MAILBOX UIDVALIDITY UID\" per recipient.\nExit codes as for "
	  "an MTA: 0 delivered, 67 unknown user, 75 temporary failure\n"
	  "(over quota, I/O), 69 permanent failure (larger than the quota).",
	  slotctl_cmd_deliver },
	{ "expunge", "DIR USER MAILBOX UID...",
	  "Expunge messages by UID.  They are kept for the expunge retention "
	  "and can be\nbrought back with undelete.",
	  slotctl_cmd_expunge },
	{ "undelete", "[--since TIME] DIR USER [MAILBOX]",
	  "Bring back expunged messages of MAILBOX (default: every mailbox of "
	  "USER) that\nhave not expired yet, with new UIDs.  Deleted "
	  "mailboxes come back too, under\ntheir name (or NAME.restored-ID "
	  "if the name is taken again).  --since limits it\nto messages "
	  "expunged after TIME: YYYY-MM-DD[ HH:MM[:SS]] (local time), "
	  "@EPOCH,\nor a duration ago such as 2d or 6h.",
	  slotctl_cmd_undelete },
	{ "expire", "[--now] [--retention DURATION] DIR",
	  "Remove for good the expunged messages older than the retention "
	  "(slot.conf\nexpunge_retention, default 7d).  --now removes every "
	  "expunged message.",
	  slotctl_cmd_expire },
	{ "audit", "[-q] DIR",
	  "Recompute the SHA-256 of every message file and compare it with the "
	  "index;\nreport each mismatch, wrong size, missing file, orphan file "
	  "and wrong usage\ncount, one line each.  Exits 1 if anything is "
	  "wrong.  -q prints only the\nproblems.",
	  slotctl_cmd_audit },
	{ "backup", "DIR TARGET",
	  "Copy the slot into TARGET (a new directory), also while slotd "
	  "serves it: a hot\nbackup of the databases, then every message "
	  "file, each verified against its\nSHA-256 as it is copied.  "
	  "Problems are reported as by audit, and make backup\nexit 1.  "
	  "TARGET is itself a slot: audit it, serve it, or restore it.",
	  slotctl_cmd_backup },
	{ "restore", "BACKUP DIR",
	  "Copy a backup into DIR (a new directory) with the same checks as "
	  "backup; start\nslotd on DIR afterwards.",
	  slotctl_cmd_backup },
	{ "dump", "DIR",
	  "Print the layout version and every database of the slot, record by "
	  "record\n(password hashes are not printed).",
	  slotctl_cmd_dump },
};

#define SLOTCTL_NCMDS	(sizeof(slotctl_cmds) / sizeof(slotctl_cmds[0]))

static void slotctl_help(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: slotctl COMMAND [OPTIONS] DIR [ARGS]\n"
		"       slotctl help [COMMAND]\n\n"
		"Administer a Twinstore slot: the directory holding the users, "
		"mailboxes and\nmessages served by one slotd (docs/"
		"slot-layout.md).  slotctl may run while\nslotd serves the "
		"slot.\n\nCommands:\n");
	for (i = 0; i < SLOTCTL_NCMDS; i++)
		fprintf(out, "  %-10s %s\n", slotctl_cmds[i].name,
			slotctl_cmds[i].synopsis);
	fprintf(out, "\nRun \"slotctl help COMMAND\" for details.\n"
		"Exit status: 0 success, 1 failure, 64 usage error "
		"(deliver: see its help).\n");
}

static void slotctl_cmd_help(FILE *out, const struct slotctl_cmd *cmd)
{
	fprintf(out, "Usage: slotctl %s %s\n\n%s\n", cmd->name,
		cmd->synopsis, cmd->help);
}

static const struct slotctl_cmd *slotctl_find(const char *name)
{
	size_t i;

	for (i = 0; i < SLOTCTL_NCMDS; i++) {
		if (strcmp(slotctl_cmds[i].name, name) == 0)
			return &slotctl_cmds[i];
	}
	return NULL;
}

int slotctl_err(const struct slotctl_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "slotctl: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return SLOTCTL_FAIL;
}

int slotctl_usage(const struct slotctl_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "slotctl: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: slotctl %s %s\n", cmd->name, cmd->synopsis);
	return SLOTCTL_USAGE;
}

struct store *slotctl_open(const struct slotctl_cmd *cmd, const char *dir)
{
	char err[STORE_ERR_LEN];
	struct store *st;

	if (store_open(dir, 0, &st, err, sizeof(err)) != STORE_OK) {
		slotctl_err(cmd, "%s", err);
		return NULL;
	}
	return st;
}

int slotctl_store_err(const struct slotctl_cmd *cmd, struct store *st,
		      int status)
{
	const char *why = store_error(st);

	return slotctl_err(cmd, "%s", *why ? why : store_strerror(status));
}

int slotctl_parse_bytes(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (strcmp(s, "none") == 0) {
		*out = STORE_QUOTA_NONE;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'G': case 'g':
		v = v > (1ULL << 33) ? 0 : v << 10;
		/* fallthrough */
	case 'M': case 'm':
		v = v > (1ULL << 43) ? 0 : v << 10;
		/* fallthrough */
	case 'K': case 'k':
		v = v > (1ULL << 53) ? 0 : v << 10;
		end++;
		break;
	}
	if (*end || (v == 0 && s[0] != '0') || v >= STORE_QUOTA_NONE)
		return -1;
	*out = v;
	return 0;
}

int slotctl_parse_duration(const char *s, int64_t *out)
{
	long long v, mul = 1;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'd':
		mul = 86400;
		end++;
		break;
	case 'h':
		mul = 3600;
		end++;
		break;
	case 'm':
		mul = 60;
		end++;
		break;
	case 's':
		end++;
		break;
	}
	if (*end || v > (1LL << 40))
		return -1;
	*out = v * mul;
	return 0;
}

int slotctl_parse_time(const char *s, int64_t *out)
{
	static const char *const formats[] = {
		"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
		"%Y-%m-%dT%H:%M", "%Y-%m-%d",
	};
	int64_t ago;
	struct tm tm;
	size_t i;
	char *end;

	if (s[0] == '@') {
		errno = 0;
		*out = strtoll(s + 1, &end, 10);
		return errno || end == s + 1 || *end ? -1 : 0;
	}
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, formats[i], &tm);
		if (end && !*end) {
			tm.tm_isdst = -1;
			*out = mktime(&tm);
			return 0;
		}
	}
	if (slotctl_parse_duration(s, &ago) == 0) {
		*out = time(NULL) - ago;
		return 0;
	}
	return -1;
}

void slotctl_format_time(char *buf, size_t len, int64_t t)
{
	time_t tt = t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm))
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

int main(int argc, char **argv)
{
	const struct slotctl_cmd *cmd;
	int i;

	if (argc < 2) {
		slotctl_help(stderr);
		return SLOTCTL_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			cmd = slotctl_find(argv[2]);
			if (!cmd) {
				fprintf(stderr, "slotctl: unknown command "
					"'%s'\n", argv[2]);
				return SLOTCTL_USAGE;
			}
			slotctl_cmd_help(stdout, cmd);
			return SLOTCTL_OK;
		}
		slotctl_help(stdout);
		return SLOTCTL_OK;
	}
	cmd = slotctl_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "slotctl: unknown command '%s' (try "
			"\"slotctl help\")\n", argv[1]);
		return SLOTCTL_USAGE;
	}
	for (i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			slotctl_cmd_help(stdout, cmd);
			return SLOTCTL_OK;
		}
	}
	/* the command parses argv[1..] with getopt (optind reset to 0) */
	return cmd->run(cmd, argc - 1, argv + 1);
}
