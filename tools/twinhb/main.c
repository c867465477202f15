// SPDX-License-Identifier: GPL-2.0
/*
 * twinhb: heartbeat and failover daemon for a pair of twin storage nodes
 * and their witness; without a command it runs the daemon, with one it
 * talks to the running daemon. See docs/twinhb.md and --help.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "proc.h"
#include "twinhb.h"

#define MAIN_RING_ENTRIES	256

static const char main_usage[] =
"Usage: twinhb [OPTIONS]                      run the daemon\n"
"       twinhb [OPTIONS] COMMAND [ARGS]       ask the running daemon\n"
"\n"
"Heartbeat and failover for a pair of twin storage nodes and a witness:\n"
"UDP heartbeats over every configured path, authenticated with\n"
"HMAC-SHA256; when the peer is silent for the dead time and quorum holds,\n"
"the survivor takes over each resource group: twin resource, filesystem,\n"
"slot daemons, virtual IP.\n"
"\n"
"Options:\n"
"  -c, --config FILE   configuration (default " HB_CONF_DEFAULT ")\n"
"  -S, --socket PATH   control socket (default " HB_SOCK_DEFAULT ")\n"
"  -n, --node NAME     this node's name in the configuration\n"
"                      (default: the host name)\n"
"  -w, --witness       run as the witness: heartbeats only, no storage\n"
"  -f, --foreground    stay in the foreground and log to stderr\n"
"  -v, --verbose       log debug messages too\n"
"  -h, --help          show this help\n"
"\n"
"Commands:\n"
"  status [--json]     nodes, paths with the age of their last heartbeat,\n"
"                      quorum, and where each group runs\n"
"  events              stream transitions, one line each:\n"
"                      TIME EVENT GROUP NODE OLD -> NEW (DETAIL)\n"
"  switchover [--wait] [--timeout S] GROUP [NODE]\n"
"                      move GROUP to the other node (or NODE) gracefully;\n"
"                      failback is the same command\n"
"  standby [--wait] [--timeout S] NODE\n"
"                      move all groups off NODE and keep them off\n"
"  online NODE         end the standby of NODE\n"
"  cleanup GROUP       clear a FAILED group, releasing what it still holds\n"
"  where               one line per group: GROUP OWNER STATE\n"
"  check               parse the configuration and print a summary\n"
"\n"
"Signals: SIGTERM or SIGINT release the groups held here, wait briefly\n"
"for the peer to take them over, and exit.\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage or configuration error.\n";

static int main_sigfd = -1;
static struct loop_op main_sig_op;
static struct signalfd_siginfo main_siginfo;

static void main_arm_signal(void);

static void main_signal(struct loop_op *op, int res)
{
	(void)op;
	if (res == sizeof(main_siginfo)) {
		if (main_siginfo.ssi_signo == SIGHUP)
			log_notice("SIGHUP: reloading is not supported, restart twinhb to apply a new configuration");
		else
			cluster_leave();
	}
	if (!hbd.done)
		main_arm_signal();
}

static void main_arm_signal(void)
{
	io_uring_prep_read(loop_sqe(&main_sig_op, main_signal), main_sigfd,
			   &main_siginfo, sizeof(main_siginfo), 0);
}

static bool main_done(void)
{
	return hbd.done;
}

/* Which member am I: --node, else the host name, else its first label. */
static int main_whoami(const struct hb_config *cfg, const char *node)
{
	char host[256];
	char *dot;
	int i;

	if (node) {
		i = conf_member(cfg, node);
		if (i < 0)
			fprintf(stderr, "twinhb: --node %s: no node or witness of that name in %s\n",
				node, cfg->file);
		return i;
	}
	if (gethostname(host, sizeof(host)) < 0) {
		perror("twinhb: gethostname");
		return -1;
	}
	host[sizeof(host) - 1] = '\0';
	i = conf_member(cfg, host);
	dot = strchr(host, '.');
	if (i < 0 && dot) {
		*dot = '\0';
		i = conf_member(cfg, host);
	}
	if (i < 0)
		fprintf(stderr, "twinhb: host name %s is not a node or witness in %s (use --node NAME)\n",
			host, cfg->file);
	return i;
}

static int main_check(const struct hb_config *cfg)
{
	char addr[64];
	int i, p;

	printf("%s: OK, interval %dms, deadtime %dms, takeover-delay %dms\n",
	       cfg->file, cfg->interval_ms, cfg->deadtime_ms,
	       cfg->takeover_delay_ms);
	for (i = 0; i < cfg->nmembers; i++) {
		const struct hb_member *m = &cfg->members[i];

		printf("%s %s:", m->role == HB_ROLE_NODE ? "node" : "witness",
		       m->name);
		for (p = 0; p < m->naddrs; p++)
			printf(" %s", conf_addr_text(&m->addr[p], addr,
						     sizeof(addr)));
		printf("\n");
	}
	for (i = 0; i < cfg->ngroups; i++)
		printf("group %s: preferred %s, %d slot(s)%s%s\n",
		       cfg->groups[i].name,
		       cfg->members[cfg->groups[i].preferred].name,
		       cfg->groups[i].nslots,
		       cfg->groups[i].has_fs ? ", filesystem" : "",
		       cfg->groups[i].has_vip ? ", vip" : "");
	return 0;
}

static int main_daemon(struct hb_config *cfg, int me, bool witness,
		       bool foreground, const char *sock)
{
	sigset_t mask;
	int r;

	if (witness != (cfg->members[me].role == HB_ROLE_WITNESS)) {
		fprintf(stderr, witness ?
			"twinhb: --witness, but %s is a node in %s\n" :
			"twinhb: %s is a witness in %s: run twinhb --witness\n",
			cfg->members[me].name, cfg->file);
		return 2;
	}
	if (!foreground && daemon(0, 0) < 0) {
		perror("twinhb: daemon");
		return 1;
	}
	log_init("twinhb", foreground);
	hbd.cfg = cfg;
	hbd.me = me;
	hbd.witness = witness;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	main_sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
	r = loop_init(MAIN_RING_ENTRIES);
	if (main_sigfd < 0 || r < 0) {
		log_crit("cannot set up the event loop: %s",
			 strerror(r < 0 ? -r : errno));
		return 1;
	}
	if (ctl_start(sock))
		goto out_loop;
	if (cluster_start())
		goto out_ctl;
	main_arm_signal();
	log_notice("started as %s %s (%d members, %d groups), interval %dms, deadtime %dms",
		   witness ? "witness" : "node", cfg->members[me].name,
		   cfg->nmembers, cfg->ngroups, cfg->interval_ms,
		   cfg->deadtime_ms);
	r = loop_run(cfg->interval_ms < 100 ? cfg->interval_ms / 2 : 50,
		     cluster_tick, main_done);
	log_notice("stopped");
	ctl_stop();
	loop_exit();
	return r ? 1 : 0;
out_ctl:
	ctl_stop();
out_loop:
	loop_exit();
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 'S' },
		{ "node", required_argument, NULL, 'n' },
		{ "witness", no_argument, NULL, 'w' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf = HB_CONF_DEFAULT, *sock = HB_SOCK_DEFAULT;
	const char *node = NULL;
	bool witness = false, foreground = false;
	struct hb_config *cfg;
	char err[512];
	int c, me;

	while ((c = getopt_long(argc, argv, "+c:S:n:wfvh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			conf = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		case 'n':
			node = optarg;
			break;
		case 'w':
			witness = true;
			break;
		case 'f':
			foreground = true;
			break;
		case 'v':
			log_level = LOG_DEBUG;
			break;
		case 'h':
			fputs(main_usage, stdout);
			return 0;
		default:
			fputs("Try 'twinhb --help'.\n", stderr);
			return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "check"))
		return cli_main(sock, argc - optind, argv + optind);

	cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		fprintf(stderr, "twinhb: out of memory\n");
		return 1;
	}
	if (conf_parse_file(conf, cfg, err, sizeof(err))) {
		fprintf(stderr, "twinhb: %s\n", err);
		free(cfg);
		return 2;
	}
	if (optind < argc) {
		c = main_check(cfg);
		free(cfg);
		return c;
	}
	me = main_whoami(cfg, node);
	if (me < 0) {
		free(cfg);
		return 2;
	}
	c = main_daemon(cfg, me, witness, foreground, sock);
	free(cfg);
	return c;
}
