/* SPDX-License-Identifier: GPL-2.0 */
/*
 * twinadm internals shared by main.c (command table and dispatch), cmd.c
 * (commands that change state), cmd_show.c (commands that report) and
 * help.c (usage and manual text).
 */
#ifndef TWINADM_H
#define TWINADM_H

#include <stdbool.h>
#include <sys/utsname.h>

#include "config.h"
#include "nl.h"

#define TWINADM_VERSION	"1.0"

/* Exit codes; help.c documents them. */
enum twinadm_exit {
	EX_OK = 0,
	EX_FAILED = 1,		/* the operation failed or was refused */
	EX_USAGE = 2,		/* bad command line */
	EX_CONFIG = 3,		/* configuration error, unknown resource */
	EX_NOT_UP = 4,		/* the resource is not up in the kernel */
	EX_NO_MODULE = 5,	/* twin module not loaded */
	EX_UNSUPPORTED = 6,	/* the loaded module cannot do this yet */
	EX_TIMEOUT = 7,		/* wait-*: the state was not reached in time */
};

/* Options a command accepts besides the global ones (bit mask). */
enum {
	OPT_FORCE		= 1 << 0,
	OPT_YES			= 1 << 1,
	OPT_JSON		= 1 << 2,
	OPT_VERBOSE		= 1 << 3,
	OPT_CLEAR_BITMAP	= 1 << 4,
	OPT_DISCARD_MY_DATA	= 1 << 5,
	OPT_NOW			= 1 << 6,
	OPT_TIMEOUT		= 1 << 7,
};

struct twinadm {
	/* command line */
	const char *config_file;	/* NULL: the default files */
	const char *host;		/* local host name */
	bool dry_run, force, yes, json, verbose;
	bool clear_bitmap, discard_my_data, now;
	int timeout_s;			/* events: -1 = no limit */
	unsigned int opts_given;	/* OPT_* seen on the command line */

	const struct twinadm_cmd *cmd;
	struct twin_config cfg;
	bool cfg_loaded;
	struct twin_nl *nl;
	struct utsname uts;
};

/* One resource of the config, seen from this host. */
struct twinadm_target {
	const struct cfg_resource *res;
	const struct cfg_host *local;
	const struct cfg_host *peer;
};

struct twinadm_cmd {
	const char *name;
	/* exactly one of these two */
	int (*run_res)(struct twinadm *t, const struct twinadm_target *tg);
	int (*run)(struct twinadm *t, int argc, char **argv);
	unsigned int opts;		/* OPT_* allowed */
	const char *synopsis;		/* arguments after the name */
	const char *summary;		/* one line */
	const char *details;		/* paragraph for "twinadm help CMD" */
};

extern const struct twinadm_cmd twinadm_cmds[];
const struct twinadm_cmd *twinadm_find_cmd(const char *name);

/* errors.c */
void twinadm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Turn a kernel answer into a message and an exit code. */
int twinadm_kernel_error(const char *res, const char *verb, uint8_t cmd,
			 int err, const char *msg);
/* What errno ERR (positive) means as an answer to CMD. */
const char *twinadm_errno_text(uint8_t cmd, int err);

/* main.c: shared helpers */
int twinadm_load_config(struct twinadm *t, bool quiet);
/* Open netlink on first use; EX_OK or an exit code (message printed). */
int twinadm_netlink(struct twinadm *t);
/*
 * The kernel's status of RES into ST: EX_OK, EX_NOT_UP when the kernel
 * does not know RES, or another exit code (message printed).
 */
int twinadm_get_status(struct twinadm *t, const char *res,
		       struct twin_status *st);
/* cmd.c */
int cmd_up(struct twinadm *t, const struct twinadm_target *tg);
int cmd_down(struct twinadm *t, const struct twinadm_target *tg);
int cmd_attach(struct twinadm *t, const struct twinadm_target *tg);
int cmd_detach(struct twinadm *t, const struct twinadm_target *tg);
int cmd_connect(struct twinadm *t, const struct twinadm_target *tg);
int cmd_disconnect(struct twinadm *t, const struct twinadm_target *tg);
int cmd_primary(struct twinadm *t, const struct twinadm_target *tg);
int cmd_secondary(struct twinadm *t, const struct twinadm_target *tg);
int cmd_verify(struct twinadm *t, const struct twinadm_target *tg);
int cmd_invalidate(struct twinadm *t, const struct twinadm_target *tg);
int cmd_resume_io(struct twinadm *t, const struct twinadm_target *tg);
int cmd_fail_io(struct twinadm *t, const struct twinadm_target *tg);
int cmd_new_current_uuid(struct twinadm *t,
			 const struct twinadm_target *tg);
int cmd_adjust(struct twinadm *t, const struct twinadm_target *tg);
int cmd_create_md(struct twinadm *t, const struct twinadm_target *tg);
int cmd_dump_md(struct twinadm *t, const struct twinadm_target *tg);

/* cmd_show.c */
int cmd_status(struct twinadm *t, int argc, char **argv);
int cmd_events(struct twinadm *t, int argc, char **argv);
int cmd_role(struct twinadm *t, const struct twinadm_target *tg);
int cmd_cstate(struct twinadm *t, const struct twinadm_target *tg);
int cmd_dstate(struct twinadm *t, const struct twinadm_target *tg);
int cmd_dump(struct twinadm *t, int argc, char **argv);
int cmd_sh_resources(struct twinadm *t, int argc, char **argv);
int cmd_sh_dev(struct twinadm *t, const struct twinadm_target *tg);
int cmd_sh_minor(struct twinadm *t, const struct twinadm_target *tg);
int cmd_sh_ll_dev(struct twinadm *t, const struct twinadm_target *tg);
int cmd_sh_md_dev(struct twinadm *t, const struct twinadm_target *tg);
int cmd_sh_ip(struct twinadm *t, const struct twinadm_target *tg);

/* cmd_wait.c */
int cmd_wait_connect(struct twinadm *t, const struct twinadm_target *tg);
int cmd_wait_sync(struct twinadm *t, const struct twinadm_target *tg);

/* help.c */
int cmd_help(struct twinadm *t, int argc, char **argv);
void help_usage(FILE *out);
void help_full(FILE *out);
int help_command(FILE *out, const char *name);

#endif
