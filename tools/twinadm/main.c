// SPDX-License-Identifier: GPL-2.0
/*
 * twinadm - administration tool of the twin replicated block device.
 *
 * The command table below is the entry point: each subcommand names its
 * handler, the options it accepts and its help text. main() parses the
 * options, validates them against the table, and dispatches; handlers
 * that act on resources get one call per resource ("all" expands to every
 * resource of the config that has a section for this host).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twin_ondisk.h"
#include "twinadm.h"

#define RES_ARG		"RES|all"

const struct twinadm_cmd twinadm_cmds[] = {
	{ "create-md", cmd_create_md, NULL, OPT_FORCE | OPT_YES,
	  "[--force [--yes]] " RES_ARG,
	  "write new metadata (superblock, activity log, bitmap)",
	  "Writes a fresh twin superblock to the meta-disk of this host (the end of\n"
	  "the backing disk for 'meta-disk internal'), with a zeroed activity log and\n"
	  "bitmap. The node then has no valid data generation: the first 'up' pair\n"
	  "does a full sync after 'primary --force' on one node. Metadata already on\n"
	  "the device is only overwritten with --force; on a terminal twinadm then\n"
	  "also asks for 'yes' unless --yes is given. The resource must be down." },
	{ "up", cmd_up, NULL, 0, RES_ARG,
	  "create the resource in the kernel, attach and connect",
	  "Creates /dev/twinN, attaches the backing disk (unless 'disk none') and\n"
	  "starts connecting to the peer. If a step fails, the steps already done\n"
	  "are undone. Same as 'attach' then 'connect' on a new resource." },
	{ "down", cmd_down, NULL, 0, RES_ARG,
	  "disconnect, detach and remove the resource from the kernel",
	  "Refused while the device is open (mounted). A resource that is not up\n"
	  "is already down: that is not an error." },
	{ "attach", cmd_attach, NULL, 0, RES_ARG,
	  "attach the backing disk and its metadata",
	  "The metadata must have been written by create-md." },
	{ "detach", cmd_detach, NULL, 0, RES_ARG,
	  "detach the backing disk (the node becomes Diskless)",
	  "A Primary keeps serving I/O through the peer. Refused when that would\n"
	  "leave no UpToDate data reachable." },
	{ "connect", cmd_connect, NULL, OPT_DISCARD_MY_DATA,
	  "[--discard-my-data] " RES_ARG,
	  "configure the network and start connecting to the peer",
	  "The module keeps retrying until 'disconnect'. --discard-my-data resolves\n"
	  "a split brain on the victim node: its changes are thrown away and it\n"
	  "becomes sync target." },
	{ "disconnect", cmd_disconnect, NULL, 0, RES_ARG,
	  "drop the connection and stop retrying (StandAlone)", NULL },
	{ "primary", cmd_primary, NULL, OPT_FORCE, "[--force] " RES_ARG,
	  "promote: allow the device to be opened for writing",
	  "Refused while the peer is Primary, or when the local data is not\n"
	  "UpToDate. --force promotes anyway; use it only for the first promotion\n"
	  "of a new pair (the peer is then fully synced from this node)." },
	{ "secondary", cmd_secondary, NULL, 0, RES_ARG,
	  "demote; refused while the device is open", NULL },
	{ "status", NULL, cmd_status, OPT_JSON | OPT_VERBOSE,
	  "[--json] [--verbose] [RES...|all]",
	  "show role, disk, connection and sync progress",
	  "Reads the state from the kernel, so it also shows resources that are\n"
	  "not in the configuration. Peer names come from the configuration when\n"
	  "it can be read. During a resync it shows the percent done, the speed\n"
	  "and the time left; during a verify its progress, and after one its\n"
	  "result. --verbose adds minor, size, addresses, counters, the resync\n"
	  "limits and the activity log size; --json prints a stable JSON array\n"
	  "(see twinadm.md)." },
	{ "events", NULL, cmd_events,
	  OPT_JSON | OPT_NOW | OPT_TIMEOUT,
	  "[--json] [--now] [--timeout SEC] [RES|all]",
	  "print state changes as they happen, one line each",
	  "Starts with one 'exists' line per resource, then prints one line per\n"
	  "change (create, change, destroy, sync-progress), each with an ISO 8601\n"
	  "timestamp. --now stops after the 'exists' lines; --timeout SEC stops\n"
	  "after SEC seconds; --json prints one JSON document per line." },
	{ "wait-connect", cmd_wait_connect, NULL, OPT_TIMEOUT,
	  "[--timeout SEC] " RES_ARG,
	  "wait until the peer is connected",
	  "Returns as soon as the connection is established (a resync may still\n"
	  "run). Without --timeout it waits as long as it takes; on timeout it\n"
	  "prints the state it last saw and exits with 7." },
	{ "wait-sync", cmd_wait_sync, NULL, OPT_TIMEOUT,
	  "[--timeout SEC] " RES_ARG,
	  "wait until connected, resync done, both disks UpToDate",
	  "The condition to wait for before failing back after maintenance:\n"
	  "connected, no resync running, both disks UpToDate and no block known\n"
	  "to differ (blocks a verify found are resynced on the next connect).\n"
	  "Without --timeout it waits as long as it takes; on timeout it prints\n"
	  "the state it last saw and exits with 7." },
	{ "verify", cmd_verify, NULL, 0, RES_ARG,
	  "start an online verify against the peer",
	  "Compares a checksum of every block on both nodes without stopping\n"
	  "service; differing blocks are marked out of sync. 'status' shows the\n"
	  "progress and the result; 'disconnect' and 'connect' resync them." },
	{ "invalidate", cmd_invalidate, NULL, 0, RES_ARG,
	  "discard the local data and resync it from the peer",
	  "The local disk becomes Inconsistent and every block is copied from\n"
	  "the connected peer, which must have UpToDate data." },
	{ "new-current-uuid", cmd_new_current_uuid, NULL, OPT_CLEAR_BITMAP,
	  "[--clear-bitmap] " RES_ARG, "start a new data generation",
	  "With --clear-bitmap on a new pair (both nodes just created and\n"
	  "connected) the initial full sync is skipped." },
	{ "resume-io", cmd_resume_io, NULL, 0, RES_ARG,
	  "fencing: the peer is fenced, complete the held writes",
	  "With 'fencing resource-only' a Primary that loses its peer holds\n"
	  "every write (status shows suspended:fencing). Run this once the peer\n"
	  "is known to be down or demoted: the held writes complete on the local\n"
	  "disk, the peer's data is marked older, and the node goes on alone.\n"
	  "Does nothing when no I/O is suspended." },
	{ "fail-io", cmd_fail_io, NULL, 0, RES_ARG,
	  "fencing: fail held and new writes so the node can step down",
	  "For the node that lost: every held write and every new write fails\n"
	  "with EIO (status shows suspended:fail-io), so the filesystem can be\n"
	  "unmounted and the resource demoted. Lasts until the resource is\n"
	  "demoted or reconnects. Does nothing on a Secondary." },
	{ "dump-md", cmd_dump_md, NULL, 0, RES_ARG,
	  "print the on-disk metadata",
	  "Prints the superblock, the generation UUIDs, the out-of-sync blocks\n"
	  "of the bitmap (count and first ranges) and the activity log (its\n"
	  "active extents). The resource must be down." },
	{ "adjust", cmd_adjust, NULL, 0, RES_ARG,
	  "bring the kernel's state in line with the configuration",
	  "Brings a resource up if it is not, attaches or re-attaches the disk\n"
	  "when it differs, and (re)connects when the network settings differ.\n"
	  "With --dry-run it prints the steps only." },
	{ "dump", NULL, cmd_dump, 0, "[RES...|all]",
	  "print the parsed configuration",
	  "Prints the configuration as twinadm understood it, with the common\n"
	  "section and the resource level merged into each host section." },
	{ "role", cmd_role, NULL, 0, RES_ARG,
	  "print LOCAL/PEER role, e.g. Primary/Secondary", NULL },
	{ "cstate", cmd_cstate, NULL, 0, RES_ARG,
	  "print the connection state, e.g. Connected", NULL },
	{ "dstate", cmd_dstate, NULL, 0, RES_ARG,
	  "print LOCAL/PEER disk state, e.g. UpToDate/UpToDate", NULL },
	{ "sh-resources", NULL, cmd_sh_resources, 0, "",
	  "print the names of the resources of this host", NULL },
	{ "sh-dev", cmd_sh_dev, NULL, 0, RES_ARG,
	  "print the device, e.g. /dev/twin0", NULL },
	{ "sh-minor", cmd_sh_minor, NULL, 0, RES_ARG,
	  "print the device minor", NULL },
	{ "sh-ll-dev", cmd_sh_ll_dev, NULL, 0, RES_ARG,
	  "print the backing (lower level) disk", NULL },
	{ "sh-md-dev", cmd_sh_md_dev, NULL, 0, RES_ARG,
	  "print the device holding the metadata", NULL },
	{ "sh-ip", cmd_sh_ip, NULL, 0, RES_ARG,
	  "print this host's replication address", NULL },
	{ "help", NULL, cmd_help, 0, "[COMMAND]",
	  "show the manual, or the help of one command", NULL },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL }
};

const struct twinadm_cmd *twinadm_find_cmd(const char *name)
{
	const struct twinadm_cmd *c;

	for (c = twinadm_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int twinadm_load_config(struct twinadm *t, bool quiet)
{
	char err[CFG_ERR_MAX];
	int i;

	if (t->cfg_loaded)
		return EX_OK;
	if (config_load(t->config_file, &t->cfg, err)) {
		if (!quiet)
			twinadm_err("%s", err);
		return EX_CONFIG;
	}
	for (i = 0; i < t->cfg.nwarnings && !quiet; i++)
		twinadm_err("%s", t->cfg.warnings[i]);
	t->cfg_loaded = true;
	return EX_OK;
}

int twinadm_netlink(struct twinadm *t)
{
	char msg[NL_MSG_MAX];
	int ret;

	if (t->nl)
		return EX_OK;
	ret = twin_nl_open(&t->nl, msg);
	if (ret == -ENOENT) {
		twinadm_err("twin kernel module not loaded (modprobe twin)");
		return EX_NO_MODULE;
	}
	if (ret) {
		twinadm_err("cannot talk to the twin kernel module: %s", msg);
		return EX_FAILED;
	}
	return EX_OK;
}

struct twinadm_find {
	const char *name;
	struct twin_status *st;
	bool found;
};

static int twinadm_find_status(const struct twin_status *st, void *arg)
{
	struct twinadm_find *f = arg;

	if (strcmp(st->name, f->name))
		return 0;
	*f->st = *st;
	f->found = true;
	return 1;
}

int twinadm_get_status(struct twinadm *t, const char *res,
		       struct twin_status *st)
{
	struct twinadm_find f = { .name = res, .st = st };
	char msg[NL_MSG_MAX];
	int ret;

	ret = twinadm_netlink(t);
	if (ret)
		return ret;
	ret = twin_nl_status(t->nl, res, twinadm_find_status, &f, msg);
	if (ret == -ENOENT || (!ret && !f.found))
		return EX_NOT_UP;
	if (ret)
		return twinadm_kernel_error(res, "status", TWIN_CMD_GET_STATUS,
					    ret, msg);
	return EX_OK;
}

enum {
	LOPT_CLEAR_BITMAP = 256,
	LOPT_DISCARD_MY_DATA,
	LOPT_NOW,
	LOPT_TIMEOUT,
	LOPT_HOST,
};

static const struct option main_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "host", required_argument, NULL, LOPT_HOST },
	{ "dry-run", no_argument, NULL, 'd' },
	{ "force", no_argument, NULL, 'f' },
	{ "yes", no_argument, NULL, 'y' },
	{ "json", no_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "clear-bitmap", no_argument, NULL, LOPT_CLEAR_BITMAP },
	{ "discard-my-data", no_argument, NULL, LOPT_DISCARD_MY_DATA },
	{ "now", no_argument, NULL, LOPT_NOW },
	{ "timeout", required_argument, NULL, LOPT_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static const char *main_opt_name(unsigned int bit)
{
	switch (bit) {
	case OPT_FORCE:
		return "--force";
	case OPT_YES:
		return "--yes";
	case OPT_JSON:
		return "--json";
	case OPT_VERBOSE:
		return "--verbose";
	case OPT_CLEAR_BITMAP:
		return "--clear-bitmap";
	case OPT_DISCARD_MY_DATA:
		return "--discard-my-data";
	case OPT_NOW:
		return "--now";
	default:
		return "--timeout";
	}
}

/* Parse the options; returns -1 to go on, else an exit code. */
static int main_parse(struct twinadm *t, int argc, char **argv)
{
	char *end;
	long v;
	int c;

	while ((c = getopt_long(argc, argv, "c:dfyjvhV", main_options,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			t->config_file = optarg;
			break;
		case LOPT_HOST:
			t->host = optarg;
			break;
		case 'd':
			t->dry_run = true;
			break;
		case 'f':
			t->force = true;
			t->opts_given |= OPT_FORCE;
			break;
		case 'y':
			t->yes = true;
			t->opts_given |= OPT_YES;
			break;
		case 'j':
			t->json = true;
			t->opts_given |= OPT_JSON;
			break;
		case 'v':
			t->verbose = true;
			t->opts_given |= OPT_VERBOSE;
			break;
		case LOPT_CLEAR_BITMAP:
			t->clear_bitmap = true;
			t->opts_given |= OPT_CLEAR_BITMAP;
			break;
		case LOPT_DISCARD_MY_DATA:
			t->discard_my_data = true;
			t->opts_given |= OPT_DISCARD_MY_DATA;
			break;
		case LOPT_NOW:
			t->now = true;
			t->opts_given |= OPT_NOW;
			break;
		case LOPT_TIMEOUT:
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 0 || v > 86400 * 365) {
				twinadm_err("--timeout: '%s' is not a number of seconds",
					    optarg);
				return EX_USAGE;
			}
			t->timeout_s = (int)v;
			t->opts_given |= OPT_TIMEOUT;
			break;
		case 'h':
			help_full(stdout);
			return EX_OK;
		case 'V':
			printf("twinadm %s (twin netlink version %d, metadata version %d)\n",
			       TWINADM_VERSION, TWIN_GENL_VERSION,
			       TWIN_MD_VERSION);
			return EX_OK;
		default:
			help_usage(stderr);
			return EX_USAGE;
		}
	}
	return -1;
}

/* Resolve NAME ("all" or a resource) and run the handler for each. */
static int main_run_res(struct twinadm *t, const char *name)
{
	struct twinadm_target tg;
	int i, ret, worst = EX_OK, matched = 0;

	for (i = 0; i < t->cfg.nres; i++) {
		tg.res = &t->cfg.res[i];
		if (strcmp(name, "all") && strcmp(name, tg.res->name))
			continue;
		tg.local = config_local(tg.res, t->host);
		tg.peer = config_peer(tg.res, t->host);
		if (!tg.local) {
			if (!strcmp(name, "all"))
				continue;
			twinadm_err("resource %s has no 'on %s' section (%s:%d); set the host with --host NAME",
				    tg.res->name, t->host, tg.res->file,
				    tg.res->line);
			return EX_CONFIG;
		}
		matched++;
		ret = t->cmd->run_res(t, &tg);
		if (ret && !worst)
			worst = ret;
	}
	if (!matched) {
		if (strcmp(name, "all"))
			twinadm_err("%s: no such resource in the configuration",
				    name);
		else
			twinadm_err("no resource in the configuration has an 'on %s' section",
				    t->host);
		return EX_CONFIG;
	}
	return worst;
}

static int main_dispatch(struct twinadm *t, int argc, char **argv)
{
	unsigned int bad = t->opts_given & ~t->cmd->opts;
	int i, ret, worst = EX_OK;

	if (bad) {
		twinadm_err("option %s is not valid for '%s' (see 'twinadm help %s')",
			    main_opt_name(bad & -bad), t->cmd->name,
			    t->cmd->name);
		return EX_USAGE;
	}
	if (t->cmd->run)
		return t->cmd->run(t, argc, argv);
	if (argc < 1) {
		twinadm_err("usage: twinadm %s %s", t->cmd->name,
			    t->cmd->synopsis);
		return EX_USAGE;
	}
	ret = twinadm_load_config(t, false);
	if (ret)
		return ret;
	for (i = 0; i < argc; i++) {
		ret = main_run_res(t, argv[i]);
		if (ret && !worst)
			worst = ret;
	}
	return worst;
}

int main(int argc, char **argv)
{
	struct twinadm t = { .timeout_s = -1 };
	int ret;

	ret = main_parse(&t, argc, argv);
	if (ret >= 0)
		return ret;
	if (optind >= argc) {
		help_usage(stderr);
		return EX_USAGE;
	}
	t.cmd = twinadm_find_cmd(argv[optind]);
	if (!t.cmd) {
		twinadm_err("unknown command '%s' (see 'twinadm --help')",
			    argv[optind]);
		return EX_USAGE;
	}
	uname(&t.uts);
	if (!t.host)
		t.host = t.uts.nodename;
	ret = main_dispatch(&t, argc - optind - 1, argv + optind + 1);
	twin_nl_close(t.nl);
	if (t.cfg_loaded)
		config_free(&t.cfg);
	return ret;
}
