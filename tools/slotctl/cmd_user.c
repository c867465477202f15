// SPDX-License-Identifier: GPL-2.0
/* slotctl user commands: adduser, deluser, passwd, users, setquota. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "slotctl.h"

#define SLOTCTL_PW_MAX	1024

/*
 * One line of standard input, without its line end.  On a terminal,
 * prompt and turn echo off.
 */
static int slotctl_read_password(const struct slotctl_cmd *cmd, char *pw,
				 size_t len)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO);
	size_t n;

	if (tty) {
		fprintf(stderr, "Password: ");
		if (tcgetattr(STDIN_FILENO, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~ECHO;
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		} else {
			tty = false;
		}
	}
	if (!fgets(pw, len, stdin))
		pw[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	n = strlen(pw);
	if (n == len - 1 && pw[n - 1] != '\n')
		return slotctl_err(cmd, "password longer than %d bytes",
				   SLOTCTL_PW_MAX - 2);
	while (n && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
		pw[--n] = '\0';
	if (!n)
		return slotctl_err(cmd, "empty password (give it on "
				   "standard input, one line)");
	return SLOTCTL_OK;
}

/* --scrypt-cost LOG2N: 0 when invalid (the default cost is never 0). */
static unsigned int slotctl_scrypt_cost(const char *arg)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*arg < '0' || *arg > '9' || *end ||
	    v < SLOT_PW_SCRYPT_LOG2N_MIN || v > SLOT_PW_SCRYPT_LOG2N_MAX)
		return 0;
	return (unsigned int)v;
}

/* Open the slot and apply the scrypt cost (0: the default). */
static struct store *slotctl_open_cost(const struct slotctl_cmd *cmd,
				       const char *dir, unsigned int cost)
{
	struct store *st = slotctl_open(cmd, dir);

	if (st && cost && store_set_pw_cost(st, cost) != STORE_OK) {
		slotctl_store_err(cmd, st, STORE_EINVAL);
		store_close(st);
		return NULL;
	}
	return st;
}

static int slotctl_bad_cost(const struct slotctl_cmd *cmd, const char *arg)
{
	return slotctl_usage(cmd, "bad scrypt cost '%s' (log2 of N, %d to "
			     "%d; default %d)", arg, SLOT_PW_SCRYPT_LOG2N_MIN,
			     SLOT_PW_SCRYPT_LOG2N_MAX, SLOT_PW_SCRYPT_LOG2N);
}

int slotctl_cmd_adduser(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quota", required_argument, NULL, 'q' },
		{ "scrypt-cost", required_argument, NULL, 'c' },
		{ 0 },
	};
	uint64_t quota = STORE_QUOTA_NONE;
	char pw[SLOTCTL_PW_MAX];
	unsigned int cost = 0;
	struct store *st;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c') {
			cost = slotctl_scrypt_cost(optarg);
			if (!cost)
				return slotctl_bad_cost(cmd, optarg);
			continue;
		}
		if (c != 'q')
			return slotctl_usage(cmd, "unknown option");
		if (slotctl_parse_bytes(optarg, &quota) < 0)
			return slotctl_usage(cmd, "bad quota '%s' (bytes, "
					     "e.g. 1073741824, 500M, 2G, "
					     "none)", optarg);
	}
	if (argc - optind != 2)
		return slotctl_usage(cmd, "expected a directory and a user");
	if (!store_user_name_valid(argv[optind + 1]))
		return slotctl_err(cmd, "invalid user name '%s': use 1 to %d "
				   "of a-z 0-9 . _ @ -, not starting with . "
				   "or -", argv[optind + 1], STORE_USER_MAX);
	st = slotctl_open_cost(cmd, argv[optind], cost);
	if (!st)
		return SLOTCTL_FAIL;
	rc = slotctl_read_password(cmd, pw, sizeof(pw));
	if (rc == SLOTCTL_OK) {
		rc = store_user_add(st, argv[optind + 1], pw, quota);
		if (rc)
			rc = slotctl_store_err(cmd, st, rc);
	}
	OPENSSL_cleanse(pw, sizeof(pw));
	store_close(st);
	return rc;
}

int slotctl_cmd_deluser(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	struct store *st;
	int rc;

	if (argc != 3)
		return slotctl_usage(cmd, "expected a directory and a user");
	st = slotctl_open(cmd, argv[1]);
	if (!st)
		return SLOTCTL_FAIL;
	rc = store_user_del(st, argv[2]);
	if (rc)
		rc = slotctl_store_err(cmd, st, rc);
	store_close(st);
	return rc;
}

int slotctl_cmd_passwd(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scrypt-cost", required_argument, NULL, 'c' },
		{ 0 },
	};
	char pw[SLOTCTL_PW_MAX];
	unsigned int cost = 0;
	struct store *st;
	const char *user;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'c')
			return slotctl_usage(cmd, "unknown option");
		cost = slotctl_scrypt_cost(optarg);
		if (!cost)
			return slotctl_bad_cost(cmd, optarg);
	}
	if (argc - optind != 2)
		return slotctl_usage(cmd, "expected a directory and a user");
	user = argv[optind + 1];
	st = slotctl_open_cost(cmd, argv[optind], cost);
	if (!st)
		return SLOTCTL_FAIL;
	/* check the user first: no password typed in vain */
	rc = store_user_exists(st, user);
	if (rc) {
		rc = slotctl_store_err(cmd, st, rc);
		store_close(st);
		return rc;
	}
	rc = slotctl_read_password(cmd, pw, sizeof(pw));
	if (rc == SLOTCTL_OK) {
		rc = store_user_passwd(st, user, pw);
		if (rc)
			rc = slotctl_store_err(cmd, st, rc);
	}
	OPENSSL_cleanse(pw, sizeof(pw));
	store_close(st);
	return rc;
}

int slotctl_cmd_users(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	struct store_user_info *users;
	char quota[24], pct[8], created[32];
	struct store *st;
	size_t n, i;
	int rc;

	if (argc != 2)
		return slotctl_usage(cmd, "expected one directory");
	st = slotctl_open(cmd, argv[1]);
	if (!st)
		return SLOTCTL_FAIL;
	rc = store_user_list(st, &users, &n);
	if (rc) {
		rc = slotctl_store_err(cmd, st, rc);
		store_close(st);
		return rc;
	}
	printf("%-24s %14s %14s %5s  %s\n", "USER", "QUOTA", "USED", "USE%",
	       "CREATED");
	for (i = 0; i < n; i++) {
		const struct store_user_info *u = &users[i];

		if (u->quota == STORE_QUOTA_NONE) {
			snprintf(quota, sizeof(quota), "none");
			snprintf(pct, sizeof(pct), "-");
		} else {
			snprintf(quota, sizeof(quota), "%llu",
				 (unsigned long long)u->quota);
			snprintf(pct, sizeof(pct), "%u%%", u->quota ?
				 (unsigned int)(u->used * 100 / u->quota) :
				 100);
		}
		slotctl_format_time(created, sizeof(created), u->created);
		printf("%-24s %14s %14llu %5s  %s\n", u->name, quota,
		       (unsigned long long)u->used, pct, created);
	}
	free(users);
	store_close(st);
	return SLOTCTL_OK;
}

int slotctl_cmd_setquota(const struct slotctl_cmd *cmd, int argc, char **argv)
{
	struct store *st;
	uint64_t quota;
	int rc;

	if (argc != 4)
		return slotctl_usage(cmd, "expected a directory, a user and "
				     "a quota");
	if (slotctl_parse_bytes(argv[3], &quota) < 0)
		return slotctl_usage(cmd, "bad quota '%s' (bytes, e.g. "
				     "1073741824, 500M, 2G, none)", argv[3]);
	st = slotctl_open(cmd, argv[1]);
	if (!st)
		return SLOTCTL_FAIL;
	rc = store_user_set_quota(st, argv[2], quota);
	if (rc)
		rc = slotctl_store_err(cmd, st, rc);
	store_close(st);
	return rc;
}
