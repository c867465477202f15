// SPDX-License-Identifier: GPL-2.0
/*
 * twinadm commands that change state: the kernel ones (one or more
 * netlink requests built from the configuration) and create-md.
 *
 * Every kernel request goes through cmd_send(), which implements
 * --dry-run (print the request instead of sending it) and turns errors
 * into messages and exit codes.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "md.h"
#include "twinadm.h"

static int cmd_send(struct twinadm *t, const char *verb,
		    const struct twin_req *req)
{
	char msg[NL_MSG_MAX];
	int ret;

	if (t->dry_run) {
		fputs("would send: ", stdout);
		twin_req_describe(req, stdout);
		return EX_OK;
	}
	ret = twinadm_netlink(t);
	if (ret)
		return ret;
	ret = twin_nl_request(t->nl, req, msg);
	if (ret)
		return twinadm_kernel_error(req->res, verb, req->cmd, ret, msg);
	return EX_OK;
}

static void cmd_req(struct twin_req *req, uint8_t cmd,
		    const struct twinadm_target *tg)
{
	memset(req, 0, sizeof(*req));
	req->cmd = cmd;
	req->res = tg->res->name;
}

/* A request without arguments besides the resource name. */
static int cmd_simple(struct twinadm *t, const struct twinadm_target *tg,
		      const char *verb, uint8_t cmd)
{
	struct twin_req req;

	cmd_req(&req, cmd, tg);
	return cmd_send(t, verb, &req);
}

static void cmd_req_attach(struct twin_req *req,
			   const struct twinadm_target *tg)
{
	const struct cfg_options *o = &tg->res->opts;
	const struct cfg_host *h = tg->local;

	cmd_req(req, TWIN_CMD_ATTACH, tg);
	req->disk_path = h->disk;
	req->has_meta = true;
	if (!strcmp(h->meta_disk, "internal")) {
		req->meta_type = TWIN_META_INTERNAL;
	} else {
		req->meta_type = TWIN_META_EXTERNAL;
		req->meta_path = h->meta_disk;
		req->meta_index = h->meta_index;
	}
	req->has_resync_max = o->has_resync_max;
	req->resync_max_kib = o->resync_max_kib;
	req->has_resync_min = o->has_resync_min;
	req->resync_min_kib = o->resync_min_kib;
	req->has_al_extents = o->has_al_extents;
	req->al_extents = o->al_extents;
}

static void cmd_req_connect(struct twinadm *t, struct twin_req *req,
			    const struct twinadm_target *tg)
{
	const struct cfg_options *o = &tg->res->opts;

	cmd_req(req, TWIN_CMD_CONNECT, tg);
	req->local_addr = &tg->local->addr;
	req->local_len = tg->local->addr_len;
	req->peer_addr = &tg->peer->addr;
	req->peer_len = tg->peer->addr_len;
	req->protocol = o->protocol == 'A' ? TWIN_PROT_A : TWIN_PROT_C;
	req->secret = o->has_secret ? o->shared_secret : NULL;
	req->ping_int_ms = o->ping_int_ms;
	req->ping_timeo_ms = o->ping_timeout_ms;
	req->connect_int_ms = o->connect_int_ms;
	req->has_fencing = o->has_fencing;
	req->fencing = o->fencing;
	req->has_after_sb_0pri = o->has_after_sb_0pri;
	req->after_sb_0pri = o->after_sb_0pri;
	req->has_after_sb_1pri = o->has_after_sb_1pri;
	req->after_sb_1pri = o->after_sb_1pri;
	req->discard_my_data = t->discard_my_data;
}

static bool cmd_has_disk(const struct twinadm_target *tg)
{
	return strcmp(tg->local->disk, "none") != 0;
}

int cmd_attach(struct twinadm *t, const struct twinadm_target *tg)
{
	struct twin_req req;

	if (!cmd_has_disk(tg)) {
		twinadm_err("%s: attach: 'disk none' on this host, nothing to attach",
			    tg->res->name);
		return EX_CONFIG;
	}
	cmd_req_attach(&req, tg);
	return cmd_send(t, "attach", &req);
}

int cmd_detach(struct twinadm *t, const struct twinadm_target *tg)
{
	return cmd_simple(t, tg, "detach", TWIN_CMD_DETACH);
}

int cmd_connect(struct twinadm *t, const struct twinadm_target *tg)
{
	struct twin_req req;

	cmd_req_connect(t, &req, tg);
	return cmd_send(t, "connect", &req);
}

int cmd_disconnect(struct twinadm *t, const struct twinadm_target *tg)
{
	return cmd_simple(t, tg, "disconnect", TWIN_CMD_DISCONNECT);
}

int cmd_up(struct twinadm *t, const struct twinadm_target *tg)
{
	struct twin_req req;
	int ret;

	cmd_req(&req, TWIN_CMD_NEW_RESOURCE, tg);
	req.has_minor = true;
	req.minor = tg->local->minor;
	ret = cmd_send(t, "up", &req);
	if (ret)
		return ret;
	if (cmd_has_disk(tg)) {
		cmd_req_attach(&req, tg);
		ret = cmd_send(t, "up (attach)", &req);
	}
	if (!ret) {
		cmd_req_connect(t, &req, tg);
		ret = cmd_send(t, "up (connect)", &req);
	}
	if (ret) {
		/* leave nothing half configured behind */
		char msg[NL_MSG_MAX];

		cmd_req(&req, TWIN_CMD_DEL_RESOURCE, tg);
		if (twin_nl_request(t->nl, &req, msg))
			twinadm_err("%s: up: could not remove the half configured resource: %s",
				    tg->res->name, msg);
		else
			twinadm_err("%s: up: undone, the resource is down again",
				    tg->res->name);
	}
	return ret;
}

int cmd_down(struct twinadm *t, const struct twinadm_target *tg)
{
	struct twin_req req;
	char msg[NL_MSG_MAX];
	int ret;

	cmd_req(&req, TWIN_CMD_DEL_RESOURCE, tg);
	if (t->dry_run)
		return cmd_send(t, "down", &req);
	ret = twinadm_netlink(t);
	if (ret)
		return ret;
	ret = twin_nl_request(t->nl, &req, msg);
	if (ret == -ENOENT)
		return EX_OK;		/* not up: already down */
	if (ret)
		return twinadm_kernel_error(req.res, "down", req.cmd, ret,
					    msg);
	return EX_OK;
}

int cmd_primary(struct twinadm *t, const struct twinadm_target *tg)
{
	struct twin_req req;

	cmd_req(&req, TWIN_CMD_PRIMARY, tg);
	req.force = t->force;
	return cmd_send(t, "primary", &req);
}

int cmd_secondary(struct twinadm *t, const struct twinadm_target *tg)
{
	return cmd_simple(t, tg, "secondary", TWIN_CMD_SECONDARY);
}

int cmd_verify(struct twinadm *t, const struct twinadm_target *tg)
{
	return cmd_simple(t, tg, "verify", TWIN_CMD_VERIFY);
}

int cmd_invalidate(struct twinadm *t, const struct twinadm_target *tg)
{
	return cmd_simple(t, tg, "invalidate", TWIN_CMD_INVALIDATE);
}

int cmd_resume_io(struct twinadm *t, const struct twinadm_target *tg)
{
	return cmd_simple(t, tg, "resume-io", TWIN_CMD_RESUME_IO);
}

int cmd_fail_io(struct twinadm *t, const struct twinadm_target *tg)
{
	return cmd_simple(t, tg, "fail-io", TWIN_CMD_FAIL_IO);
}

int cmd_new_current_uuid(struct twinadm *t, const struct twinadm_target *tg)
{
	struct twin_req req;

	cmd_req(&req, TWIN_CMD_NEW_CURRENT_UUID, tg);
	req.clear_bitmap = t->clear_bitmap;
	return cmd_send(t, "new-current-uuid", &req);
}

/* ---------------------------------------------------------------- adjust */

static bool cmd_same_addr(const struct sockaddr_storage *a,
			  const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		       a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port &&
		       !memcmp(&a6->sin6_addr, &b6->sin6_addr,
			       sizeof(a6->sin6_addr));
	return false;
}

/* A configured time, or the module's default when the config has none. */
static uint32_t cmd_ms(uint32_t configured, uint32_t def)
{
	return configured ? configured : def;
}

/* Does the kernel's disk setup differ from the config? */
static bool cmd_disk_differs(const struct twin_status *st,
			     const struct twinadm_target *tg)
{
	const struct cfg_host *h = tg->local;
	bool internal = !strcmp(h->meta_disk, "internal");

	if ((st->has & ST_HAS_DISK_PATH) && strcmp(st->disk_path, h->disk))
		return true;
	if (!(st->has & ST_HAS_META))
		return false;
	if (internal)
		return st->meta_type != TWIN_META_INTERNAL;
	return st->meta_type != TWIN_META_EXTERNAL ||
	       strcmp(st->meta_path, h->meta_disk) ||
	       st->meta_index != h->meta_index;
}

static bool cmd_net_differs(const struct twin_status *st,
			    const struct twinadm_target *tg)
{
	const struct cfg_options *o = &tg->res->opts;
	uint32_t proto = o->protocol == 'A' ? TWIN_PROT_A : TWIN_PROT_C;

	if ((st->has & ST_HAS_LOCAL_ADDR) &&
	    !cmd_same_addr(&st->local_addr, &tg->local->addr))
		return true;
	if ((st->has & ST_HAS_PEER_ADDR) &&
	    !cmd_same_addr(&st->peer_addr, &tg->peer->addr))
		return true;
	if ((st->has & ST_HAS_PROTOCOL) && st->protocol != proto)
		return true;
	if ((st->has & ST_HAS_PING_INT) &&
	    st->ping_int_ms != cmd_ms(o->ping_int_ms, TWIN_DEF_PING_INT_MS))
		return true;
	if ((st->has & ST_HAS_PING_TIMEO) &&
	    st->ping_timeo_ms != cmd_ms(o->ping_timeout_ms,
					TWIN_DEF_PING_TIMEO_MS))
		return true;
	if ((st->has & ST_HAS_FENCING) && st->fencing != o->fencing)
		return true;
	if ((st->has & ST_HAS_CONNECT_INT) &&
	    st->connect_int_ms != cmd_ms(o->connect_int_ms,
					 TWIN_DEF_CONNECT_INT_MS))
		return true;
	if ((st->has & ST_HAS_AFTER_SB) &&
	    (st->after_sb_0pri != o->after_sb_0pri ||
	     st->after_sb_1pri != o->after_sb_1pri))
		return true;
	return false;
}

/*
 * disk { } options travel with ATTACH. Re-attaching a disk in use only to
 * change a rate would cost more than it gains, so adjust says what to do.
 */
static void cmd_disk_opts_note(const struct twin_status *st,
			       const struct twinadm_target *tg)
{
	const struct cfg_options *o = &tg->res->opts;
	bool differ = false;

	if ((st->has & ST_HAS_RESYNC_RATES) &&
	    ((o->has_resync_max && st->resync_max_kib != o->resync_max_kib) ||
	     (o->has_resync_min && st->resync_min_kib != o->resync_min_kib)))
		differ = true;
	if ((st->has & ST_HAS_AL) && o->has_al_extents &&
	    st->al_extents != o->al_extents)
		differ = true;
	if (differ)
		twinadm_err("%s: adjust: disk { } options differ from the module's; they apply at the next attach ('twinadm detach %s' and 'twinadm attach %s')",
			    tg->res->name, tg->res->name, tg->res->name);
}

static int cmd_adjust_disk(struct twinadm *t, const struct twinadm_target *tg,
			   const struct twin_status *st)
{
	bool want = cmd_has_disk(tg);
	bool have = st->disk != TWIN_DISK_DISKLESS;
	struct twin_req req;
	int ret;

	if (st->disk == TWIN_DISK_FAILED || st->disk == TWIN_DISK_ATTACHING)
		return EX_OK;	/* the module is busy with the disk */
	if (have && (!want || cmd_disk_differs(st, tg))) {
		ret = cmd_simple(t, tg, "adjust (detach)", TWIN_CMD_DETACH);
		if (ret)
			return ret;
		have = false;
	}
	if (want && !have) {
		cmd_req_attach(&req, tg);
		return cmd_send(t, "adjust (attach)", &req);
	}
	return EX_OK;
}

static int cmd_adjust_net(struct twinadm *t, const struct twinadm_target *tg,
			  const struct twin_status *st)
{
	struct twin_req req;
	int ret;

	if (st->conn != TWIN_CONN_STANDALONE) {
		if (!cmd_net_differs(st, tg))
			return EX_OK;
		ret = cmd_simple(t, tg, "adjust (disconnect)",
				 TWIN_CMD_DISCONNECT);
		if (ret)
			return ret;
	}
	cmd_req_connect(t, &req, tg);
	return cmd_send(t, "adjust (connect)", &req);
}

int cmd_adjust(struct twinadm *t, const struct twinadm_target *tg)
{
	struct twin_status st;
	int ret;

	ret = twinadm_get_status(t, tg->res->name, &st);
	if (ret == EX_NOT_UP)
		return cmd_up(t, tg);
	if (ret)
		return ret;
	if ((st.has & ST_HAS_MINOR) && st.minor != tg->local->minor) {
		twinadm_err("%s: adjust: the kernel uses minor %u, the configuration says %u; run 'twinadm down %s' and 'twinadm up %s'",
			    tg->res->name, st.minor, tg->local->minor,
			    tg->res->name, tg->res->name);
		return EX_FAILED;
	}
	ret = cmd_adjust_disk(t, tg, &st);
	if (!ret)
		ret = cmd_adjust_net(t, tg, &st);
	if (!ret && st.disk != TWIN_DISK_DISKLESS)
		cmd_disk_opts_note(&st, tg);
	return ret;
}

/* ------------------------------------------------------------- metadata */

static void cmd_md_target(const struct twinadm_target *tg,
			  struct md_target *mt)
{
	mt->disk = tg->local->disk;
	mt->meta_disk = tg->local->meta_disk;
	mt->meta_index = tg->local->meta_index;
}

/* Ask on the terminal; true only for an explicit "yes". */
static bool cmd_confirm(const char *res, const char *dev)
{
	char line[16];

	fprintf(stderr,
		"%s: %s already holds twin metadata. Overwriting it forgets which node\n"
		"has the newest data. Type 'yes' to overwrite: ", res, dev);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return !strcmp(line, "yes\n");
}

static int cmd_md_result(const char *res, const char *verb, int ret,
			 const char *err)
{
	if (ret == MD_OK)
		return EX_OK;
	twinadm_err("%s: %s: %s", res, verb, err);
	return EX_FAILED;
}

int cmd_create_md(struct twinadm *t, const struct twinadm_target *tg)
{
	struct md_target mt;
	char err[MD_ERR_MAX];
	int ret;

	cmd_md_target(tg, &mt);
	if (!t->force || t->yes || t->dry_run || !isatty(STDIN_FILENO))
		return cmd_md_result(tg->res->name, "create-md",
				     md_create(&mt, t->force, t->dry_run,
					       stdout, err), err);
	/* --force on a terminal: ask before overwriting anything */
	ret = md_create(&mt, false, false, stdout, err);
	if (ret != MD_EXISTS)
		return cmd_md_result(tg->res->name, "create-md", ret, err);
	if (!cmd_confirm(tg->res->name, strcmp(mt.meta_disk, "internal") ?
			 mt.meta_disk : mt.disk)) {
		twinadm_err("%s: create-md: not confirmed, nothing written",
			    tg->res->name);
		return EX_FAILED;
	}
	return cmd_md_result(tg->res->name, "create-md",
			     md_create(&mt, true, false, stdout, err), err);
}

int cmd_dump_md(struct twinadm *t, const struct twinadm_target *tg)
{
	struct md_target mt;
	char err[MD_ERR_MAX];

	(void)t;
	cmd_md_target(tg, &mt);
	return cmd_md_result(tg->res->name, "dump-md",
			     md_dump(&mt, stdout, err), err);
}
