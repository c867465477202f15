// SPDX-License-Identifier: GPL-2.0
/*
 * twinadm commands that only report: status, events, role/cstate/dstate,
 * dump and the sh-* helpers for scripts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twinadm.h"

/* What status and events want to see, and what they saw. */
struct show {
	struct twinadm *t;
	int argc;			/* names asked for; 0 or "all": every */
	char **argv;
	bool *seen;
	int shown;
	struct json_out j;
	const char *what;		/* events: "exists" or NULL */
};

static bool show_all(const struct show *s)
{
	return s->argc == 0 || (s->argc == 1 && !strcmp(s->argv[0], "all"));
}

/* Is ST one of the resources asked for? Marks it seen. */
static bool show_wanted(struct show *s, const char *name)
{
	int i;

	if (show_all(s))
		return true;
	for (i = 0; i < s->argc; i++) {
		if (!strcmp(s->argv[i], name)) {
			s->seen[i] = true;
			return true;
		}
	}
	return false;
}

/* The peer's host name from the config, when there is one. */
static void show_peer_name(struct twinadm *t, struct twin_status *st)
{
	const struct cfg_resource *res;
	const struct cfg_host *peer;

	if (!t->cfg_loaded)
		return;
	res = config_find(&t->cfg, st->name);
	peer = res ? config_peer(res, t->host) : NULL;
	if (peer)
		snprintf(st->peer_name, sizeof(st->peer_name), "%s",
			 peer->name);
}

static int show_status_one(const struct twin_status *kst, void *arg)
{
	struct show *s = arg;
	struct twin_status st = *kst;

	if (!show_wanted(s, st.name))
		return 0;
	show_peer_name(s->t, &st);
	if (s->t->json) {
		status_print_json(&s->j, NULL, &st);
	} else {
		if (s->shown)
			fputc('\n', stdout);
		status_print_text(stdout, &st, s->t->verbose);
	}
	s->shown++;
	return 0;
}

/* Every name asked for must have been seen. */
static int show_check_seen(const struct show *s)
{
	int i, ret = EX_OK;

	if (show_all(s))
		return EX_OK;
	for (i = 0; i < s->argc; i++) {
		if (!s->seen[i]) {
			twinadm_err("%s: not up (the kernel has no such resource)",
				    s->argv[i]);
			ret = EX_NOT_UP;
		}
	}
	return ret;
}

static int show_init(struct show *s, struct twinadm *t, int argc,
		     char **argv)
{
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->argc = argc;
	s->argv = argv;
	s->seen = calloc((size_t)argc + 1, sizeof(*s->seen));
	if (!s->seen) {
		twinadm_err("out of memory");
		return EX_FAILED;
	}
	/* only for peer names: status must work without a valid config */
	twinadm_load_config(t, true);
	return twinadm_netlink(t);
}

int cmd_status(struct twinadm *t, int argc, char **argv)
{
	char msg[NL_MSG_MAX];
	struct show s;
	int ret;

	ret = show_init(&s, t, argc, argv);
	if (ret)
		goto out;
	if (t->json) {
		json_init(&s.j, stdout, false);
		json_arr_begin(&s.j, NULL);
	}
	ret = twin_nl_status(t->nl, NULL, show_status_one, &s, msg);
	if (t->json) {
		json_arr_end(&s.j);
		json_finish(&s.j);
	}
	if (ret) {
		ret = twinadm_kernel_error("all", "status", TWIN_CMD_GET_STATUS,
					   ret, msg);
		goto out;
	}
	if (!t->json && !s.shown && show_all(&s))
		printf("No twin resources are up.\n");
	ret = show_check_seen(&s);
out:
	free(s.seen);
	return ret;
}

/* "2026-11-23T11:34:42.123456+01:00", local time as drbdsetup does. */
static void show_timestamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char zone[8];
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf + n, len - n, ".%06ld%.3s:%.2s", ts.tv_nsec / 1000,
		 zone, zone + 3);
}

static int show_event(const struct twin_status *kst, void *arg)
{
	struct show *s = arg;
	struct twin_status st = *kst;
	char ts[48];

	if (!show_wanted(s, st.name))
		return 0;
	show_peer_name(s->t, &st);
	show_timestamp(ts, sizeof(ts));
	if (s->t->json)
		status_print_event_json(stdout, ts, s->what ? s->what :
					status_event_name(st.event), &st);
	else
		status_print_event(stdout, ts, s->what ? s->what :
				   status_event_name(st.event), &st);
	return 0;
}

/* One "exists" line per resource: the state the changes start from. */
static int show_exists(struct show *s)
{
	char msg[NL_MSG_MAX];
	int ret;

	s->what = "exists";
	ret = twin_nl_status(s->t->nl, NULL, show_event, s, msg);
	s->what = NULL;
	if (ret)
		return twinadm_kernel_error("all", "events",
					    TWIN_CMD_GET_STATUS, ret, msg);
	return EX_OK;
}

int cmd_events(struct twinadm *t, int argc, char **argv)
{
	char msg[NL_MSG_MAX];
	struct show s;
	int ret;

	if (argc > 1) {
		twinadm_err("usage: twinadm events [--json] [--now] [--timeout SEC] [RES|all]");
		return EX_USAGE;
	}
	ret = show_init(&s, t, argc, argv);
	if (ret)
		goto out;
	/* subscribe first, so no change falls between dump and stream */
	if (!t->now) {
		ret = twin_nl_subscribe(t->nl, msg);
		if (ret) {
			twinadm_err("events: %s", msg);
			ret = EX_FAILED;
			goto out;
		}
	}
	ret = show_exists(&s);
	if (ret || t->now)
		goto out;
	for (;;) {
		ret = twin_nl_wait_events(t->nl, t->timeout_s < 0 ? -1 :
					  t->timeout_s * 1000, show_event,
					  &s);
		if (ret != -ENOBUFS)
			break;
		twinadm_err("events: some events were lost, reading the state again");
		ret = show_exists(&s);
		if (ret)
			goto out;
	}
	if (ret < 0) {
		twinadm_err("events: %s", strerror(-ret));
		ret = EX_FAILED;
	}
out:
	free(s.seen);
	return ret;
}

/* role, cstate, dstate: one line; "Unconfigured" when not up. */
static int show_state(struct twinadm *t, const struct twinadm_target *tg,
		      int which)
{
	struct twin_status st;
	int ret;

	ret = twinadm_get_status(t, tg->res->name, &st);
	if (ret == EX_NOT_UP) {
		printf("Unconfigured\n");
		return EX_OK;
	}
	if (ret)
		return ret;
	if (which == 0)
		printf("%s/%s\n", status_role_name(st.role),
		       status_role_name(st.peer_role));
	else if (which == 1)
		printf("%s\n", status_conn_name(st.conn));
	else
		printf("%s/%s\n", status_disk_name(st.disk),
		       status_disk_name(st.peer_disk));
	return EX_OK;
}

int cmd_role(struct twinadm *t, const struct twinadm_target *tg)
{
	return show_state(t, tg, 0);
}

int cmd_cstate(struct twinadm *t, const struct twinadm_target *tg)
{
	return show_state(t, tg, 1);
}

int cmd_dstate(struct twinadm *t, const struct twinadm_target *tg)
{
	return show_state(t, tg, 2);
}

int cmd_dump(struct twinadm *t, int argc, char **argv)
{
	int i, ret;

	ret = twinadm_load_config(t, false);
	if (ret)
		return ret;
	if (argc == 0 || (argc == 1 && !strcmp(argv[0], "all"))) {
		config_dump(&t->cfg, NULL, stdout);
		return EX_OK;
	}
	for (i = 0; i < argc; i++) {
		if (!config_find(&t->cfg, argv[i])) {
			twinadm_err("%s: no such resource in the configuration",
				    argv[i]);
			return EX_CONFIG;
		}
		config_dump(&t->cfg, argv[i], stdout);
	}
	return EX_OK;
}

int cmd_sh_resources(struct twinadm *t, int argc, char **argv)
{
	const struct cfg_resource *res;
	int i, n = 0, ret;

	(void)argv;
	if (argc) {
		twinadm_err("usage: twinadm sh-resources");
		return EX_USAGE;
	}
	ret = twinadm_load_config(t, false);
	if (ret)
		return ret;
	for (i = 0; i < t->cfg.nres; i++) {
		res = &t->cfg.res[i];
		if (config_local(res, t->host))
			printf("%s%s", n++ ? " " : "", res->name);
	}
	if (n)
		putchar('\n');
	return EX_OK;
}

int cmd_sh_dev(struct twinadm *t, const struct twinadm_target *tg)
{
	(void)t;
	printf("%s\n", tg->local->device);
	return EX_OK;
}

int cmd_sh_minor(struct twinadm *t, const struct twinadm_target *tg)
{
	(void)t;
	printf("%u\n", tg->local->minor);
	return EX_OK;
}

int cmd_sh_ll_dev(struct twinadm *t, const struct twinadm_target *tg)
{
	(void)t;
	printf("%s\n", tg->local->disk);
	return EX_OK;
}

int cmd_sh_md_dev(struct twinadm *t, const struct twinadm_target *tg)
{
	const struct cfg_host *h = tg->local;

	(void)t;
	printf("%s\n", strcmp(h->meta_disk, "internal") ? h->meta_disk :
	       h->disk);
	return EX_OK;
}

int cmd_sh_ip(struct twinadm *t, const struct twinadm_target *tg)
{
	const struct sockaddr_storage *ss = &tg->local->addr;
	const void *ip = &((const struct sockaddr_in *)ss)->sin_addr;
	char buf[INET6_ADDRSTRLEN];

	(void)t;
	if (ss->ss_family == AF_INET6)
		ip = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	if (!inet_ntop(ss->ss_family, ip, buf, sizeof(buf)))
		return EX_FAILED;
	printf("%s\n", buf);
	return EX_OK;
}
