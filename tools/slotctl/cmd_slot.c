// SPDX-License-Identifier: GPL-2.0
/* slotctl commands on the slot as a whole: create, dump, audit, expire. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "slotctl.h"

static const char slotctl_default_conf[] =
	"# slot.conf: configuration of the slot in this directory, read by\n"
	"# slotd (and by slotctl for expunge_retention).\n"
	"# One \"key = value\" a line; '#' starts a comment.\n"
	"\n"
	"# Listeners, each ADDR:PORT, several separated by commas.\n"
	"#lmtp = 127.0.0.1:2424\n"
	"#imap = 192.0.2.10:143\n"
	"#imaps = 192.0.2.10:993\n"
	"#pop3 = 192.0.2.10:110\n"
	"#pop3s = 192.0.2.10:995\n"
	"#smtp = 192.0.2.10:25\n"
	"#submission = 192.0.2.10:587\n"
	"#submissions = 192.0.2.10:465\n"
	"\n"
	"# TLS certificate chain and private key, PEM files.\n"
	"#tls_cert = /etc/twinstore/slot1.crt\n"
	"#tls_key = /etc/twinstore/slot1.key\n"
	"\n"
	"# How long expunged messages are kept for \"slotctl undelete\"\n"
	"# before \"slotctl expire\" removes them: a number with s, m, h\n"
	"# or d.\n"
	"#expunge_retention = 7d\n";

int slotctl_cmd_create(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	char err[STORE_ERR_LEN], path[4096];
	size_t len = sizeof(slotctl_default_conf) - 1;
	int fd, rc;

	if (argc != 2)
		return slotctl_usage(cmd, "expected one directory");
	rc = store_create(argv[1], err, sizeof(err));
	if (rc)
		return slotctl_err(cmd, "%s", err);
	snprintf(path, sizeof(path), "%s/%s", argv[1], SLOT_CONF_FILE);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0 || write(fd, slotctl_default_conf, len) != (ssize_t)len ||
	    fsync(fd) < 0) {
		rc = slotctl_err(cmd, "cannot write %s: %s", path,
				 strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	close(fd);
	printf("created slot %s (layout version %d); edit %s\n", argv[1],
	       SLOT_LAYOUT_VERSION, path);
	return SLOTCTL_OK;
}

int slotctl_cmd_dump(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	struct store *st;
	int rc;

	if (argc != 2)
		return slotctl_usage(cmd, "expected one directory");
	st = slotctl_open(cmd, argv[1]);
	if (!st)
		return SLOTCTL_FAIL;
	rc = store_dump(st, stdout);
	if (rc)
		rc = slotctl_store_err(cmd, st, rc);
	store_close(st);
	return rc;
}

static const char *const slotctl_audit_kinds[] = {
	[STORE_AUDIT_MISMATCH]		= "CHECKSUM",
	[STORE_AUDIT_SIZE]		= "SIZE",
	[STORE_AUDIT_MISSING]		= "MISSING",
	[STORE_AUDIT_UNREADABLE]	= "UNREADABLE",
	[STORE_AUDIT_ORPHAN]		= "ORPHAN",
	[STORE_AUDIT_USAGE]		= "USAGE",
};

void slotctl_audit_report(void *arg, const struct store_audit_issue *is)
{
	(void)arg;
	printf("%-10s %s", slotctl_audit_kinds[is->kind], is->path);
	if (is->user) {
		printf(" (user %s", is->user);
		if (is->mailbox)
			printf(", mailbox %s", is->mailbox);
		if (is->uid)
			printf(", uid %u", is->uid);
		printf(")");
	}
	printf(": %s\n", is->detail);
}

int slotctl_cmd_audit(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 },
	};
	struct store_audit_stats stats;
	bool quiet = false;
	struct store *st;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
		if (c != 'q')
			return slotctl_usage(cmd, "unknown option");
		quiet = true;
	}
	if (argc - optind != 1)
		return slotctl_usage(cmd, "expected one directory");
	st = slotctl_open(cmd, argv[optind]);
	if (!st)
		return SLOTCTL_FAIL;
	rc = store_audit(st, slotctl_audit_report, NULL, &stats);
	if (rc) {
		rc = slotctl_store_err(cmd, st, rc);
		store_close(st);
		return rc;
	}
	store_close(st);
	if (!quiet || stats.issues)
		printf("audit: %llu users, %llu mailboxes, %llu messages, "
		       "%llu bytes checked: %s%llu problem%s\n",
		       (unsigned long long)stats.users,
		       (unsigned long long)stats.mailboxes,
		       (unsigned long long)stats.messages,
		       (unsigned long long)stats.bytes,
		       stats.issues ? "" : "clean, ",
		       (unsigned long long)stats.issues,
		       stats.issues == 1 ? "" : "s");
	fflush(stdout);
	return stats.issues ? SLOTCTL_FAIL : SLOTCTL_OK;
}

int slotctl_cmd_expire(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "now", no_argument, NULL, 'n' },
		{ "retention", required_argument, NULL, 'r' },
		{ 0 },
	};
	int64_t retention = -1;
	struct store *st;
	size_t count;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			retention = 0;
			break;
		case 'r':
			if (slotctl_parse_duration(optarg, &retention) < 0)
				return slotctl_usage(cmd, "bad duration '%s' "
						     "(e.g. 7d, 12h, 3600)",
						     optarg);
			break;
		default:
			return slotctl_usage(cmd, "unknown option");
		}
	}
	if (argc - optind != 1)
		return slotctl_usage(cmd, "expected one directory");
	st = slotctl_open(cmd, argv[optind]);
	if (!st)
		return SLOTCTL_FAIL;
	if (retention < 0)
		retention = store_retention(st);
	rc = store_expire(st, time(NULL), retention, &count);
	if (rc)
		rc = slotctl_store_err(cmd, st, rc);
	else
		printf("expired %zu message%s (retention %lld s)\n", count,
		       count == 1 ? "" : "s", (long long)retention);
	store_close(st);
	return rc;
}

/* backup DIR TARGET and restore BACKUP DIR are the same copy. */
int slotctl_cmd_backup(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	struct store_backup_stats stats;
	struct store *st;
	int rc;

	if (argc != 3)
		return slotctl_usage(cmd, "expected two directories");
	st = slotctl_open(cmd, argv[1]);
	if (!st)
		return SLOTCTL_FAIL;
	rc = store_backup(st, argv[2], slotctl_audit_report, NULL, &stats);
	if (rc) {
		rc = slotctl_store_err(cmd, st, rc);
		store_close(st);
		return rc;
	}
	store_close(st);
	printf("%s: %s -> %s: %llu users, %llu mailboxes, %llu messages, "
	       "%llu bytes copied and verified%s\n", cmd->name, argv[1],
	       argv[2], (unsigned long long)stats.users,
	       (unsigned long long)stats.mailboxes,
	       (unsigned long long)stats.messages,
	       (unsigned long long)stats.bytes,
	       stats.issues ? ", WITH PROBLEMS (above)" : "");
	fflush(stdout);
	return stats.issues ? SLOTCTL_FAIL : SLOTCTL_OK;
}
