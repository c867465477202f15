// SPDX-License-Identifier: GPL-2.0
/*
 * twinadm's manual: "twinadm --help", "twinadm help" and "twinadm help CMD".
 * The command list comes from the command table in main.c, so a command
 * cannot be added without its help.
 */
#include <stdio.h>
#include <string.h>

#include "twinadm.h"

#define HELP_CALL_WIDTH	26	/* command column of the manual */

static const char help_options[] =
"OPTIONS\n"
"  -c, --config FILE   read FILE (and what it includes) instead of\n"
"                      /etc/twin/twin.conf and /etc/twin/*.res\n"
"      --host NAME     act as host NAME: choose the 'on NAME' sections\n"
"                      (default: the node name, uname -n)\n"
"  -d, --dry-run       print the kernel requests instead of sending them;\n"
"                      create-md prints what it would write\n"
"  -f, --force         primary: promote without UpToDate data;\n"
"                      create-md: overwrite existing metadata\n"
"  -y, --yes           create-md --force: do not ask for confirmation\n"
"  -j, --json          status, events: JSON output\n"
"  -v, --verbose       status: sizes, addresses, counters\n"
"      --clear-bitmap  new-current-uuid: skip the initial full sync\n"
"      --discard-my-data  connect: this node is the split-brain victim\n"
"      --now           events: print the current state and exit\n"
"      --timeout SEC   events: stop after SEC seconds; wait-connect,\n"
"                      wait-sync: give up after SEC seconds (exit 7)\n"
"  -h, --help          this manual;  -V, --version  the version\n";

static const char help_config[] =
"CONFIGURATION\n"
"  The syntax is drbd.conf's. Statements end with ';', sections are in\n"
"  braces, '#' starts a comment, values with spaces go in double quotes.\n"
"\n"
"    include \"*.res\";            # relative to the including file\n"
"    common {                     # defaults for every resource\n"
"        protocol C;              # C: synchronous, A: asynchronous\n"
"        net {\n"
"            ping-int 500ms;      # keep-alive interval (plain number: s)\n"
"            ping-timeout 20;     # peer dead after 2 s (plain: 1/10 s)\n"
"            connect-int 1;       # retry connecting every second (s)\n"
"            fencing resource-only; # hold writes when the peer is lost\n"
"            after-sb-0pri discard-zero-changes; # split brain, 2 Secondaries\n"
"            after-sb-1pri discard-secondary;    # split brain, 1 Primary\n"
"        }\n"
"        disk {\n"
"            c-max-rate 100M;     # resync cap (KiB/s, K/M/G; 0: none)\n"
"            c-min-rate 4M;       # resync floor while the app writes\n"
"            al-extents 128;      # activity log: 4 MiB extents kept hot\n"
"        }\n"
"    }\n"
"    resource r0 {\n"
"        device /dev/twin0;       # or: device minor 0;\n"
"        disk /dev/vdb;           # backing disk, or 'none' (diskless)\n"
"        meta-disk internal;      # or a device: meta-disk /dev/vdc[0];\n"
"        shared-secret \"s3cret\";  # peer authentication (HMAC)\n"
"        on alpha { address 10.0.0.1:7790; }\n"
"        on beta  { address 10.0.0.2:7790; disk /dev/vdc; }\n"
"    }\n"
"\n"
"  A resource has exactly two 'on HOST' sections; device, disk and meta-disk\n"
"  may be given per host. IPv6: 'address ipv6 [fd00::1]:7790;'. Times take\n"
"  'ms' or 's' suffixes (50 ms to 60 s); unset net options use the module's\n"
"  defaults (ping every 500 ms, dead after 2 s, reconnect every 500 ms).\n"
"  resync-rate is another name for c-max-rate; c-plan-ahead, c-fill-target\n"
"  and c-delay-target are accepted with a warning and have no effect.\n"
"  Errors name the file and line: 'twin.conf:7: unknown keyword ...'.\n";

static const char help_exit[] =
"EXIT STATUS\n"
"  0  success\n"
"  1  the operation failed or the kernel refused it (the message says why)\n"
"  2  bad command line\n"
"  3  configuration error, or no such resource in the configuration\n"
"  4  the resource is not up in the kernel\n"
"  5  the twin kernel module is not loaded\n"
"  6  the loaded module does not support the operation yet\n"
"  7  wait-connect, wait-sync: timed out\n";

static const char help_examples[] =
"EXAMPLES\n"
"  New pair (both nodes):   twinadm create-md r0 && twinadm up r0\n"
"  First promotion (one):   twinadm primary --force r0\n"
"  Watch the initial sync:  twinadm status r0\n"
"  Fail back after repair:  twinadm wait-sync r0 && twinadm primary r0\n"
"  Split brain, victim:     twinadm disconnect r0 && twinadm secondary r0\n"
"                           twinadm connect --discard-my-data r0\n"
"  Switch over:             twinadm secondary r0   (on the old primary)\n"
"                           twinadm primary r0     (on the new one)\n"
"  Apply config changes:    twinadm --dry-run adjust all; twinadm adjust all\n"
"  Test a config elsewhere: twinadm -c ./twin.conf --host alpha dump\n"
"  Follow state changes:    twinadm events --json all\n";

void help_usage(FILE *out)
{
	const struct twinadm_cmd *c;

	fprintf(out, "usage: twinadm [OPTIONS] COMMAND [ARGS]\n\ncommands:\n");
	for (c = twinadm_cmds; c->name; c++)
		fprintf(out, "  %-17s %s\n", c->name, c->summary);
	fprintf(out, "\n'twinadm --help' shows the manual, 'twinadm help COMMAND' one command.\n");
}

void help_full(FILE *out)
{
	const struct twinadm_cmd *c;
	char call[80];

	fputs("NAME\n"
	      "  twinadm - administer twin replicated block devices\n\n"
	      "SYNOPSIS\n"
	      "  twinadm [OPTIONS] COMMAND [RES...|all]\n\n"
	      "DESCRIPTION\n"
	      "  twinadm manages resources of the twin kernel module: pairs of block\n"
	      "  devices on two hosts, replicated in real time, as drbdadm does for DRBD.\n"
	      "  It reads the resources from the configuration, picks this host's\n"
	      "  'on HOST' section and talks to the module over generic netlink.\n"
	      "  RES is a resource name; 'all' means every resource of this host.\n\n"
	      "COMMANDS\n", out);
	for (c = twinadm_cmds; c->name; c++) {
		snprintf(call, sizeof(call), "%s %s", c->name, c->synopsis);
		if (strlen(call) > HELP_CALL_WIDTH)
			fprintf(out, "  %s\n  %-*s %s\n", call,
				HELP_CALL_WIDTH, "", c->summary);
		else
			fprintf(out, "  %-*s %s\n", HELP_CALL_WIDTH, call,
				c->summary);
	}
	fputc('\n', out);
	fputs(help_options, out);
	fputc('\n', out);
	fputs(help_config, out);
	fputc('\n', out);
	fputs("STATUS\n"
	      "  r0 role:Primary\n"
	      "    disk:UpToDate\n"
	      "    beta role:Secondary\n"
	      "      replication:SyncSource peer-disk:Inconsistent done:45.20\n"
	      "      speed: 38.1 MiB/s, eta 0:12, 1.2 GiB resynced\n"
	      "  When the peer is not connected its line shows connection:STATE (and\n"
	      "  last-error when the module reported one); 'replication' is shown\n"
	      "  while a resync or verify runs, 'out-of-sync:KIB' while blocks are\n"
	      "  known to differ, 'verify: 12.5% done, 0 out of sync' during a\n"
	      "  verify and 'last verify: N out of sync' after one.\n\n", out);
	fputs(help_exit, out);
	fputc('\n', out);
	fputs(help_examples, out);
	fputs("\nFILES\n"
	      "  /etc/twin/twin.conf, /etc/twin/*.res\n\n"
	      "SEE ALSO\n"
	      "  docs/twinadm.md, drbdadm(8)\n", out);
}

/* Indexed by the bit number of OPT_* in twinadm.h. */
static const char *const help_opt_names[] = {
	"--force", "--yes", "--json", "--verbose", "--clear-bitmap",
	"--discard-my-data", "--now", "--timeout SEC",
};

int help_command(FILE *out, const char *name)
{
	const struct twinadm_cmd *c = twinadm_find_cmd(name);
	unsigned int bit;
	bool any = false;

	if (!c) {
		twinadm_err("unknown command '%s' (see 'twinadm --help')",
			    name);
		return EX_USAGE;
	}
	fprintf(out, "usage: twinadm [-c FILE] [--host NAME] [--dry-run] %s %s\n\n",
		c->name, c->synopsis);
	fprintf(out, "  %s\n", c->summary);
	if (c->details) {
		const char *p = c->details, *nl;

		fputc('\n', out);
		while (*p) {
			nl = strchr(p, '\n');
			if (!nl)
				nl = p + strlen(p);
			fprintf(out, "  %.*s\n", (int)(nl - p), p);
			p = *nl ? nl + 1 : nl;
		}
	}
	for (bit = 1; bit <= OPT_TIMEOUT; bit <<= 1) {
		if (!(c->opts & bit))
			continue;
		fprintf(out, "%s%s", any ? ", " : "\n  options: ",
			help_opt_names[__builtin_ctz(bit)]);
		any = true;
	}
	if (any)
		fputc('\n', out);
	return EX_OK;
}

int cmd_help(struct twinadm *t, int argc, char **argv)
{
	(void)t;
	if (argc == 0) {
		help_full(stdout);
		return EX_OK;
	}
	if (argc > 1) {
		twinadm_err("usage: twinadm help [COMMAND]");
		return EX_USAGE;
	}
	return help_command(stdout, argv[0]);
}
