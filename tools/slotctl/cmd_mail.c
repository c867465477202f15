// SPDX-License-Identifier: GPL-2.0
/* slotctl mail commands: deliver, mailboxes, list, expunge, undelete. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "slotctl.h"

/* What an MTA should make of a store status (sysexits, like deliver(8)). */
static int slotctl_deliver_exit(int status)
{
	switch (status) {
	case STORE_OK:
		return EX_OK;
	case STORE_ENOUSER:
		return EX_NOUSER;
	case STORE_EQUOTA_PERM:
	case STORE_ENOMBOX:
	case STORE_EBADNAME:
		return EX_UNAVAILABLE;
	default:
		return EX_TEMPFAIL;
	}
}

/* Copy standard input into fd, hashing it; fsync at the end. */
static int slotctl_copy_stdin(const struct slotctl_cmd *cmd, int fd,
			      unsigned char *md, uint64_t *size)
{
	static char buf[65536];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ssize_t n, w, off;
	int rc = SLOTCTL_OK;

	*size = 0;
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return slotctl_err(cmd, "cannot initialise SHA-256");
	}
	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = slotctl_err(cmd, "reading standard input: %s",
					 strerror(errno));
			break;
		}
		if (n == 0)
			break;
		EVP_DigestUpdate(ctx, buf, n);
		for (off = 0; off < n; off += w) {
			w = write(fd, buf + off, n - off);
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w < 0) {
				rc = slotctl_err(cmd, "writing the message: "
						 "%s", strerror(errno));
				goto out;
			}
		}
		*size += n;
	}
	if (rc == SLOTCTL_OK && fsync(fd) < 0)
		rc = slotctl_err(cmd, "fsync: %s", strerror(errno));
out:
	if (rc == SLOTCTL_OK)
		EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	return rc;
}

int slotctl_cmd_deliver(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mailbox", required_argument, NULL, 'm' },
		{ "date", required_argument, NULL, 'd' },
		{ 0 },
	};
	const char *mailbox = NULL;
	struct store_rcpt_result res;
	const struct store_rcpt_result *r;
	struct store_delivery *d;
	const char **rcpt_arg;
	size_t nrcpt = 0;
	int64_t date = 0;
	int exit_code = EX_OK, c, rc, i;
	unsigned char md[32];
	struct store *st;
	uint64_t size;
	size_t k;

	optind = 0;
	while ((c = getopt_long(argc, argv, "m:", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mailbox = optarg;
			break;
		case 'd':
			if (slotctl_parse_time(optarg, &date) < 0)
				return slotctl_usage(cmd, "bad time '%s'",
						     optarg);
			break;
		default:
			return slotctl_usage(cmd, "unknown option");
		}
	}
	if (argc - optind < 2)
		return slotctl_usage(cmd, "expected a directory and users");
	rcpt_arg = calloc(argc, sizeof(*rcpt_arg));
	if (!rcpt_arg)
		return EX_TEMPFAIL;
	st = slotctl_open(cmd, argv[optind]);
	if (!st) {
		free(rcpt_arg);
		return EX_TEMPFAIL;
	}
	rc = store_delivery_begin(st, 0, &d);
	if (rc) {
		slotctl_store_err(cmd, st, rc);
		store_close(st);
		free(rcpt_arg);
		return EX_TEMPFAIL;
	}
	/* the message first: the recipients' quota checks see its size */
	if (slotctl_copy_stdin(cmd, store_delivery_fd(d), md, &size)) {
		exit_code = EX_TEMPFAIL;
		goto out;
	}
	for (i = optind + 1; i < argc; i++) {
		rc = store_delivery_rcpt(d, argv[i], mailbox, 0, &res);
		if (rc) {
			slotctl_err(cmd, "%s: %s", argv[i], store_error(st));
			if (exit_code == EX_OK)
				exit_code = slotctl_deliver_exit(rc);
		} else {
			rcpt_arg[nrcpt++] = argv[i];
		}
	}
	if (nrcpt == 0)
		goto out;
	rc = store_delivery_commit(d, md, size, date);
	for (k = 0; k < store_delivery_nrcpt(d); k++) {
		r = store_delivery_result(d, k);
		if (r->status == STORE_OK) {
			printf("%s %s %u %u\n", rcpt_arg[k],
			       r->mailbox, r->uidvalidity, r->uid);
			continue;
		}
		slotctl_err(cmd, "%s: %s", rcpt_arg[k],
			    store_strerror(r->status));
		if (exit_code == EX_OK)
			exit_code = slotctl_deliver_exit(r->status);
	}
	if (rc && exit_code == EX_OK)
		exit_code = slotctl_deliver_exit(rc);
out:
	store_delivery_end(d);
	store_close(st);
	free(rcpt_arg);
	fflush(stdout);
	return exit_code;
}

static void slotctl_use_string(char *buf, size_t len, uint32_t use)
{
	static const char *const names[] = {
		"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk",
		"\\Sent", "\\Trash",
	};
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((use & (1u << i)) && off < len)
			off += snprintf(buf + off, len - off, "%s%s",
					off ? " " : "", names[i]);
	}
	if (!off)
		snprintf(buf, len, "-");
}

int slotctl_cmd_mailboxes(const struct slotctl_cmd *cmd, int argc,
			  char **argv)
{
	struct store_mailbox_info *boxes, info;
	struct store *st;
	char use[80];
	size_t n, i;
	int rc;

	if (argc != 3)
		return slotctl_usage(cmd, "expected a directory and a user");
	st = slotctl_open(cmd, argv[1]);
	if (!st)
		return SLOTCTL_FAIL;
	rc = store_mailbox_list(st, argv[2], &boxes, &n);
	if (rc) {
		rc = slotctl_store_err(cmd, st, rc);
		store_close(st);
		return rc;
	}
	printf("%-24s %8s %8s %8s %12s %11s %8s  %s\n", "MAILBOX", "MESSAGES",
	       "UNSEEN", "EXPUNGED", "BYTES", "UIDVALIDITY", "UIDNEXT",
	       "SPECIAL-USE");
	for (i = 0; i < n; i++) {
		rc = store_mailbox_info(st, argv[2], boxes[i].name, &info);
		if (rc) {
			rc = slotctl_store_err(cmd, st, rc);
			break;
		}
		slotctl_use_string(use, sizeof(use), info.special_use);
		printf("%-24s %8u %8u %8u %12llu %11u %8u  %s\n", info.name,
		       info.exists, info.unseen, info.expunged,
		       (unsigned long long)info.bytes, info.uidvalidity,
		       info.uidnext, use);
	}
	free(boxes);
	store_close(st);
	return rc;
}

static void slotctl_flags_string(char *buf, size_t len, uint32_t flags)
{
	static const char *const names[] = {
		"\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft",
	};
	size_t i, off = 0;

	off += snprintf(buf, len, "(");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((flags & (1u << i)) && off < len)
			off += snprintf(buf + off, len - off, "%s%s",
					off > 1 ? " " : "", names[i]);
	}
	if (off < len)
		snprintf(buf + off, len - off, ")");
}

int slotctl_cmd_list(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "expunged", no_argument, NULL, 'e' },
		{ 0 },
	};
	unsigned int which = STORE_LIST_LIVE;
	char date[32], flags[80], hex[65];
	struct store_msg *msgs;
	struct store *st;
	size_t n, i, j;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'e')
			return slotctl_usage(cmd, "unknown option");
		which = STORE_LIST_EXPUNGED;
	}
	if (argc - optind != 2 && argc - optind != 3)
		return slotctl_usage(cmd, "expected a directory, a user and "
				     "maybe a mailbox");
	st = slotctl_open(cmd, argv[optind]);
	if (!st)
		return SLOTCTL_FAIL;
	rc = store_msg_list(st, argv[optind + 1], argv[optind + 2], which, 0,
			    &msgs, &n);
	if (rc) {
		rc = slotctl_store_err(cmd, st, rc);
		store_close(st);
		return rc;
	}
	printf("%8s %10s  %-19s  %-8s %s  %s\n", "UID", "SIZE", "DATE",
	       "MODSEQ", which == STORE_LIST_LIVE ? "FLAGS" : "EXPUNGED",
	       "SHA256");
	for (i = 0; i < n; i++) {
		for (j = 0; j < 32; j++)
			sprintf(hex + 2 * j, "%02x", msgs[i].sha256[j]);
		slotctl_format_time(date, sizeof(date),
				    msgs[i].internal_date);
		if (which == STORE_LIST_LIVE)
			slotctl_flags_string(flags, sizeof(flags),
					     msgs[i].flags);
		else
			slotctl_format_time(flags, sizeof(flags),
					    msgs[i].expunged_at);
		printf("%8u %10llu  %-19s  %-8llu %s  %s\n", msgs[i].uid,
		       (unsigned long long)msgs[i].size, date,
		       (unsigned long long)msgs[i].modseq, flags, hex);
	}
	free(msgs);
	store_close(st);
	return SLOTCTL_OK;
}

int slotctl_cmd_expunge(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	uint32_t *uids;
	struct store *st;
	size_t count;
	int i, rc;

	if (argc < 5)
		return slotctl_usage(cmd, "expected a directory, a user, a "
				     "mailbox and UIDs");
	uids = calloc(argc - 4, sizeof(*uids));
	if (!uids)
		return slotctl_err(cmd, "out of memory");
	for (i = 4; i < argc; i++) {
		char *end;
		unsigned long v = strtoul(argv[i], &end, 10);

		if (*end || !v || v > UINT32_MAX) {
			free(uids);
			return slotctl_usage(cmd, "bad UID '%s'", argv[i]);
		}
		uids[i - 4] = v;
	}
	st = slotctl_open(cmd, argv[1]);
	if (!st) {
		free(uids);
		return SLOTCTL_FAIL;
	}
	rc = store_msg_expunge(st, argv[2], argv[3], uids, argc - 4, &count);
	if (rc)
		rc = slotctl_store_err(cmd, st, rc);
	else
		printf("expunged %zu message%s\n", count,
		       count == 1 ? "" : "s");
	free(uids);
	store_close(st);
	return rc;
}

int slotctl_cmd_undelete(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ 0 },
	};
	int64_t since = 0;
	struct store *st;
	size_t count;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 's')
			return slotctl_usage(cmd, "unknown option");
		if (slotctl_parse_time(optarg, &since) < 0)
			return slotctl_usage(cmd, "bad time '%s' (YYYY-MM-DD"
					     "[ HH:MM[:SS]], @EPOCH, or 2d, "
					     "6h...)", optarg);
	}
	if (argc - optind != 2 && argc - optind != 3)
		return slotctl_usage(cmd, "expected a directory, a user and "
				     "maybe a mailbox");
	st = slotctl_open(cmd, argv[optind]);
	if (!st)
		return SLOTCTL_FAIL;
	rc = store_undelete(st, argv[optind + 1], argv[optind + 2], since,
			    &count);
	if (rc)
		rc = slotctl_store_err(cmd, st, rc);
	else
		printf("undeleted %zu message%s\n", count,
		       count == 1 ? "" : "s");
	store_close(st);
	return rc;
}
