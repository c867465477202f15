// SPDX-License-Identifier: GPL-2.0
/*
 * Taking over and releasing one resource group.
 *
 * A takeover runs the steps of group_steps[] in order; a release undoes the
 * steps this node holds, in reverse order. A step either completes at once
 * (netlink, spawning slotd) or runs a command whose exit completes it. A
 * failed takeover step stops the takeover, undoes what was done and leaves
 * the group FAILED here; a failed release step leaves it FAILED with the
 * remaining resources held, for `twinhb cleanup GROUP` after a look by an
 * engineer. Every step is logged.
 *
 * The last step, "fence", does nothing on takeover; it is undone first on
 * release: without quorum it runs `twinadm fail-io`, so that writes twin.ko
 * holds for fencing fail instead of freezing slotd and umount.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "disk.h"
#include "log.h"
#include "loop.h"
#include "proc.h"
#include "twinhb.h"
#include "vip.h"

#define GROUP_PROBE_TIMEOUT_MS	10000
#define GROUP_SLOT_RESTART_MS	1000
#define GROUP_ARP_REPEATS	2	/* after the first announcement */
#define GROUP_ARP_GAP_MS	1000

enum group_result {
	STEP_OK,		/* done now */
	STEP_WAIT,		/* group_step_done() follows */
	STEP_ERR,		/* failed, reason in g->error */
};

enum group_step {
	STEP_CHECK,		/* twin data UpToDate here */
	STEP_PROMOTE,		/* twinadm primary */
	STEP_FSCK,
	STEP_MOUNT,
	STEP_SLOTS,
	STEP_VIP,
	STEP_FENCE,		/* release without quorum: twinadm fail-io */
	STEP_COUNT,
};

struct group_step_ops {
	const char *name;
	bool (*applies)(const struct hb_group *cg);
	enum group_result (*run)(int i);
	enum group_result (*undo)(int i);	/* NULL: nothing to undo */
};

static const struct group_step_ops group_steps[STEP_COUNT];

static void group_next(int i);
static void group_prev(int i);

static struct hb_group *group_conf(int i)
{
	return &hbd.cfg->groups[i];
}

static void group_set_state(int i, enum hb_gstate s)
{
	struct hb_group_rt *g = &hbd.g[i];
	enum hb_gstate old = g->state;

	if (old == s)
		return;
	g->state = s;
	g->since = loop_wall();
	hb_event("group", group_conf(i)->name,
		 hbd.cfg->members[hbd.me].name, fsm_state_name(old),
		 fsm_state_name(s), s == HB_G_FAILED ? g->error : g->reason);
}

bool group_holds(int i)
{
	return hbd.g[i].held & ~(1u << STEP_CHECK);
}

/* ---- running commands ---- */

static void group_step_done(int i, bool ok);

struct group_cmd_ctx {
	int group;
	int step;
	bool (*check)(int i, int status, const char *out);
};

static bool group_exit_zero(int i, int status, const char *out)
{
	char st[64];

	(void)out;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	snprintf(hbd.g[i].error, sizeof(hbd.g[i].error), "%s failed: %s%s%.160s",
		 group_steps[hbd.g[i].step].name,
		 proc_status_text(status, st, sizeof(st)), *out ? ": " : "",
		 out);
	return false;
}

static void group_cmd_exited(struct proc *p, int status, const char *out,
			     void *arg)
{
	struct group_cmd_ctx *ctx = arg;
	int i = ctx->group;
	bool ok;

	(void)p;
	ok = ctx->check(i, status, out);
	free(ctx);
	group_step_done(i, ok);
}

/* Run "PREFIX... ARGS..." for the current step of group @i. */
static enum group_result group_run(int i, const struct hb_cmd *cmd,
				   const char *const *args,
				   bool (*check)(int, int, const char *))
{
	struct hb_group_rt *g = &hbd.g[i];
	char *argv[HB_MAX_ARGS + 8];
	char line[512];
	struct group_cmd_ctx *ctx;
	size_t off = 0;
	int n = 0, k;

	for (k = 0; k < cmd->argc; k++)
		argv[n++] = (char *)cmd->argv[k];
	for (k = 0; args[k] && n < (int)(sizeof(argv) / sizeof(argv[0])) - 1;
	     k++)
		argv[n++] = (char *)args[k];
	argv[n] = NULL;
	for (k = 0; k < n && off < sizeof(line); k++)
		off += snprintf(line + off, sizeof(line) - off, "%s%s",
				k ? " " : "", argv[k]);
	log_info("group %s: step %s: running %s", group_conf(i)->name,
		 group_steps[g->step].name, line);
	ctx = malloc(sizeof(*ctx));
	if (!ctx) {
		snprintf(g->error, sizeof(g->error), "out of memory");
		return STEP_ERR;
	}
	ctx->group = i;
	ctx->step = g->step;
	ctx->check = check;
	if (!proc_spawn(argv, NULL, true, hbd.cfg->step_timeout_ms,
			group_cmd_exited, ctx)) {
		free(ctx);
		snprintf(g->error, sizeof(g->error), "cannot run %s", argv[0]);
		return STEP_ERR;
	}
	return STEP_WAIT;
}

static void group_note_disk(int i, int status, const char *out)
{
	struct hb_group_rt *g = &hbd.g[i];
	char disk[sizeof(g->disk)];
	bool was = g->uptodate;

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    disk_state_parse(out, disk, sizeof(disk)))
		snprintf(disk, sizeof(disk), "unknown");
	memcpy(g->disk, disk, sizeof(disk));
	g->uptodate = !strcmp(disk, "UpToDate");
	g->probed = true;
	if (was != g->uptodate)
		hb_event("disk", group_conf(i)->name,
			 hbd.cfg->members[hbd.me].name,
			 was ? "UpToDate" : "not-UpToDate", disk,
			 group_conf(i)->resource);
}

/* ---- the steps ---- */

static bool group_has_resource(const struct hb_group *cg)
{
	return cg->has_resource;
}

static bool group_has_fs(const struct hb_group *cg)
{
	return cg->has_fs;
}

static bool group_has_slots(const struct hb_group *cg)
{
	return cg->nslots > 0;
}

static bool group_has_vip(const struct hb_group *cg)
{
	return cg->has_vip;
}

static bool group_check_uptodate(int i, int status, const char *out)
{
	struct hb_group_rt *g = &hbd.g[i];
	char disk[sizeof(g->disk)];

	group_note_disk(i, status, out);
	if (g->uptodate)
		return true;
	memcpy(disk, g->disk, sizeof(disk));
	snprintf(g->error, sizeof(g->error),
		 "resource %s is not UpToDate here (disk: %s): refusing to promote",
		 group_conf(i)->resource, disk);
	return false;
}

static enum group_result group_check_run(int i)
{
	const char *args[] = { "status", "--json", group_conf(i)->resource,
			       NULL };

	return group_run(i, &hbd.cfg->twinadm, args, group_check_uptodate);
}

static enum group_result group_promote_run(int i)
{
	const char *args[] = { "primary", group_conf(i)->resource, NULL };

	return group_run(i, &hbd.cfg->twinadm, args, group_exit_zero);
}

static enum group_result group_promote_undo(int i)
{
	const char *args[] = { "secondary", group_conf(i)->resource, NULL };

	return group_run(i, &hbd.cfg->twinadm, args, group_exit_zero);
}

/* fsck exit status 1 means errors were corrected: fine to mount. */
static bool group_fsck_ok(int i, int status, const char *out)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
		return true;
	return group_exit_zero(i, status, out);
}

static enum group_result group_fsck_run(int i)
{
	const struct hb_group *cg = group_conf(i);
	const char *args[] = { "-t", cg->fs_type, "-p", cg->fs_dev, NULL };

	return group_run(i, &hbd.cfg->fsck, args, group_fsck_ok);
}

static enum group_result group_mount_run(int i)
{
	const struct hb_group *cg = group_conf(i);
	const char *args[] = { "-t", cg->fs_type, cg->fs_dev, cg->fs_dir,
			       NULL };

	return group_run(i, &hbd.cfg->mount, args, group_exit_zero);
}

static enum group_result group_mount_undo(int i)
{
	const char *args[] = { group_conf(i)->fs_dir, NULL };

	return group_run(i, &hbd.cfg->umount, args, group_exit_zero);
}

static void group_slot_exited(struct proc *p, int status, const char *out,
			      void *arg);

static bool group_slot_spawn(int i, int k)
{
	const struct hb_group *cg = group_conf(i);
	const struct hb_cmd *cmd = &hbd.cfg->slotd;
	struct hb_group_rt *g = &hbd.g[i];
	char *argv[HB_MAX_ARGS + 2];
	int n;

	for (n = 0; n < cmd->argc; n++)
		argv[n] = (char *)cmd->argv[n];
	argv[n++] = (char *)cg->slots[k];
	argv[n] = NULL;
	/* the slot index rides in the pointer: no allocation to leak */
	g->slotd[k] = proc_spawn(argv, NULL, false, 0, group_slot_exited,
				 (void *)(intptr_t)(i * HB_MAX_SLOTS + k));
	if (!g->slotd[k])
		return false;
	log_info("group %s: slot %s: started %s (pid %d)", cg->name,
		 cg->slots[k], argv[0], (int)proc_pid(g->slotd[k]));
	return true;
}

static void group_slot_exited(struct proc *p, int status, const char *out,
			      void *arg)
{
	int i = (int)(intptr_t)arg / HB_MAX_SLOTS;
	int k = (int)(intptr_t)arg % HB_MAX_SLOTS;
	struct hb_group_rt *g = &hbd.g[i];
	char st[64];

	(void)p;
	(void)out;
	g->slotd[k] = NULL;
	log_info("group %s: slot %s: slotd exited, %s", group_conf(i)->name,
		 group_conf(i)->slots[k],
		 proc_status_text(status, st, sizeof(st)));
	if (g->slots_stopping > 0) {
		if (--g->slots_stopping == 0)
			group_step_done(i, true);
		return;
	}
	/* an unexpected exit while we run the slot: restart it */
	if (g->held & (1u << STEP_SLOTS)) {
		g->slot_restarts[k]++;
		g->slot_restart[k] = loop_now() + GROUP_SLOT_RESTART_MS;
		hb_event("slot", group_conf(i)->name,
			 hbd.cfg->members[hbd.me].name, "running", "exited",
			 group_conf(i)->slots[k]);
	}
}

static enum group_result group_slots_run(int i)
{
	int k;

	for (k = 0; k < group_conf(i)->nslots; k++) {
		hbd.g[i].slot_restarts[k] = 0;
		hbd.g[i].slot_restart[k] = 0;
		if (!group_slot_spawn(i, k)) {
			snprintf(hbd.g[i].error, sizeof(hbd.g[i].error),
				 "cannot start slotd for %s",
				 group_conf(i)->slots[k]);
			/* the ones started are stopped by the rollback */
			hbd.g[i].held |= 1u << STEP_SLOTS;
			return STEP_ERR;
		}
	}
	return STEP_OK;
}

/*
 * SIGTERM: slotd finishes in-flight deliveries, then exits. Without
 * quorum the peer is about to take over and every second counts, so
 * SIGKILL: mail slotd acknowledged is already durable, and what it had
 * not acknowledged the sender delivers again.
 */
static enum group_result group_slots_undo(int i)
{
	struct hb_group_rt *g = &hbd.g[i];
	int sig = g->fencing ? SIGKILL : SIGTERM;
	int k;

	g->slots_stopping = 0;
	g->stop_killed = g->fencing;
	g->stop_deadline = loop_now() + hbd.cfg->stop_timeout_ms;
	for (k = 0; k < group_conf(i)->nslots; k++) {
		g->slot_restart[k] = 0;
		if (!g->slotd[k])
			continue;
		log_info("group %s: slot %s: stopping slotd (pid %d) with %s",
			 group_conf(i)->name, group_conf(i)->slots[k],
			 (int)proc_pid(g->slotd[k]),
			 g->fencing ? "SIGKILL (no quorum)" : "SIGTERM");
		proc_kill(g->slotd[k], sig);
		g->slots_stopping++;
	}
	return g->slots_stopping ? STEP_WAIT : STEP_OK;
}

static enum group_result group_vip_run(int i)
{
	struct hb_group_rt *g = &hbd.g[i];
	const struct hb_vip *v = &group_conf(i)->vip;

	if (vip_add(v, g->error, sizeof(g->error)))
		return STEP_ERR;
	g->held |= 1u << STEP_VIP;	/* added: undo even if ARP fails */
	if (vip_announce(v, g->error, sizeof(g->error)))
		return STEP_ERR;
	g->arp_left = GROUP_ARP_REPEATS;
	g->arp_next = loop_now() + GROUP_ARP_GAP_MS;
	log_info("group %s: virtual IP added on %s and announced",
		 group_conf(i)->name, v->dev);
	return STEP_OK;
}

static enum group_result group_vip_undo(int i)
{
	struct hb_group_rt *g = &hbd.g[i];

	g->arp_left = 0;
	if (vip_del(&group_conf(i)->vip, g->error, sizeof(g->error)))
		return STEP_ERR;
	log_info("group %s: virtual IP removed from %s", group_conf(i)->name,
		 group_conf(i)->vip.dev);
	return STEP_OK;
}

static enum group_result group_fence_run(int i)
{
	(void)i;
	return STEP_OK;
}

static enum group_result group_fence_undo(int i)
{
	const char *args[] = { "fail-io", group_conf(i)->resource, NULL };

	if (!hbd.g[i].fencing)
		return STEP_OK;
	return group_run(i, &hbd.cfg->twinadm, args, group_exit_zero);
}

static void group_resume_exited(struct proc *p, int status, const char *out,
				void *arg)
{
	int i = (int)(intptr_t)arg;
	char st[64];

	(void)p;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_notice("group %s: fencing: resume-io %s done",
			   group_conf(i)->name, group_conf(i)->resource);
	else
		log_crit("group %s: fencing: resume-io %s failed: %s%s%.160s",
			 group_conf(i)->name, group_conf(i)->resource,
			 proc_status_text(status, st, sizeof(st)),
			 *out ? ": " : "", out);
}

/*
 * The peer has been silent for deadtime + takeover-delay while this node
 * kept quorum: it had the time to fence itself (fail-io, demote), so the
 * writes twin.ko holds here may complete on our disk alone.
 */
void group_peer_fenced(int i)
{
	const struct hb_group *cg = group_conf(i);
	struct hb_group_rt *g = &hbd.g[i];
	char *argv[HB_MAX_ARGS + 3];
	int n;

	g->peer_fenced = true;
	if (!cg->has_resource || g->state != HB_G_RUNNING ||
	    !(g->held & (1u << STEP_PROMOTE)))
		return;
	for (n = 0; n < hbd.cfg->twinadm.argc; n++)
		argv[n] = hbd.cfg->twinadm.argv[n];
	argv[n++] = "resume-io";
	argv[n++] = (char *)cg->resource;
	argv[n] = NULL;
	log_notice("group %s: fencing: peer dead for takeover-delay and quorum held: running twinadm resume-io %s",
		   cg->name, cg->resource);
	if (!proc_spawn(argv, NULL, true, hbd.cfg->step_timeout_ms,
			group_resume_exited, (void *)(intptr_t)i))
		log_crit("group %s: fencing: cannot run %s", cg->name,
			 argv[0]);
}

static const struct group_step_ops group_steps[STEP_COUNT] = {
	[STEP_CHECK] = { "check", group_has_resource, group_check_run, NULL },
	[STEP_PROMOTE] = { "promote", group_has_resource, group_promote_run,
			   group_promote_undo },
	[STEP_FSCK] = { "fsck", group_has_fs, group_fsck_run, NULL },
	[STEP_MOUNT] = { "mount", group_has_fs, group_mount_run,
			 group_mount_undo },
	[STEP_SLOTS] = { "slots", group_has_slots, group_slots_run,
			 group_slots_undo },
	[STEP_VIP] = { "vip", group_has_vip, group_vip_run, group_vip_undo },
	[STEP_FENCE] = { "fence", group_has_resource, group_fence_run,
			 group_fence_undo },
};

/* ---- sequencing ---- */

static void group_finish(int i, enum hb_gstate s)
{
	hbd.busy = -1;
	group_set_state(i, s);
}

static void group_failed_step(int i, bool undoing)
{
	struct hb_group_rt *g = &hbd.g[i];

	log_crit("group %s: step %s %s: %s", group_conf(i)->name,
		 group_steps[g->step].name, undoing ? "undo failed" : "failed",
		 g->error);
	if (undoing) {
		/* resources still held: an engineer must look */
		group_finish(i, HB_G_FAILED);
		return;
	}
	if (g->step == STEP_CHECK) {
		/* nothing done yet: the group is simply not eligible here */
		g->held = 0;
		group_finish(i, HB_G_STOPPED);
		return;
	}
	g->rollback = true;
	g->reason = "rolling back a failed takeover";
	group_set_state(i, HB_G_STOPPING);
	g->step = STEP_COUNT;
	group_prev(i);
}

static void group_step_done(int i, bool ok)
{
	struct hb_group_rt *g = &hbd.g[i];

	if (g->state == HB_G_STARTING) {
		if (!ok) {
			group_failed_step(i, false);
			return;
		}
		g->held |= 1u << g->step;
		log_info("group %s: step %s done", group_conf(i)->name,
			 group_steps[g->step].name);
		group_next(i);
	} else if (g->state == HB_G_STOPPING) {
		if (!ok) {
			group_failed_step(i, true);
			return;
		}
		g->held &= ~(1u << g->step);
		log_info("group %s: step %s undone", group_conf(i)->name,
			 group_steps[g->step].name);
		group_prev(i);
	}
}

static void group_next(int i)
{
	struct hb_group_rt *g = &hbd.g[i];
	const struct hb_group *cg = group_conf(i);
	enum group_result r;

	for (;;) {
		g->step++;
		if (g->step == STEP_COUNT) {
			log_notice("group %s: running on this node",
				   cg->name);
			group_finish(i, HB_G_RUNNING);
			return;
		}
		if (!group_steps[g->step].applies(cg))
			continue;
		log_info("group %s: step %s", cg->name,
			 group_steps[g->step].name);
		r = group_steps[g->step].run(i);
		if (r == STEP_WAIT)
			return;
		group_step_done(i, r == STEP_OK);
		return;
	}
}

static void group_prev(int i)
{
	struct hb_group_rt *g = &hbd.g[i];
	const struct hb_group *cg = group_conf(i);
	enum group_result r;

	for (;;) {
		g->step--;
		if (g->step < 0) {
			g->held = 0;
			if (g->rollback) {
				log_crit("group %s: takeover failed and was rolled back: %s",
					 cg->name, g->error);
				group_finish(i, HB_G_FAILED);
			} else {
				log_notice("group %s: released", cg->name);
				group_finish(i, HB_G_STOPPED);
			}
			return;
		}
		if (!(g->held & (1u << g->step)))
			continue;
		if (!group_steps[g->step].undo) {
			g->held &= ~(1u << g->step);
			continue;
		}
		log_info("group %s: undo step %s", cg->name,
			 group_steps[g->step].name);
		r = group_steps[g->step].undo(i);
		if (r == STEP_WAIT)
			return;
		group_step_done(i, r == STEP_OK);
		return;
	}
}

void group_start(int i, const char *reason)
{
	struct hb_group_rt *g = &hbd.g[i];

	log_notice("group %s: taking over (%s)", group_conf(i)->name,
		   reason);
	hbd.busy = i;
	g->error[0] = '\0';
	g->rollback = false;
	g->reason = reason;
	g->step = -1;
	group_set_state(i, HB_G_STARTING);
	group_next(i);
}

void group_stop(int i, const char *reason)
{
	struct hb_group_rt *g = &hbd.g[i];

	log_notice("group %s: releasing (%s)", group_conf(i)->name, reason);
	hbd.busy = i;
	g->rollback = false;
	g->fencing = !hbd.quorum;
	g->reason = reason;
	g->step = STEP_COUNT;
	group_set_state(i, HB_G_STOPPING);
	group_prev(i);
}

int group_cleanup(int i, char *err, size_t len)
{
	struct hb_group_rt *g = &hbd.g[i];

	if (g->state != HB_G_FAILED) {
		snprintf(err, len, "group %s is %s here, not FAILED",
			 group_conf(i)->name, fsm_state_name(g->state));
		return -1;
	}
	if (hbd.busy >= 0) {
		snprintf(err, len, "group %s is in transition, try again",
			 group_conf(hbd.busy)->name);
		return -1;
	}
	g->error[0] = '\0';
	if (!g->held) {
		g->reason = "cleanup";
		group_set_state(i, HB_G_STOPPED);
		return 0;
	}
	group_stop(i, "cleanup");
	return 0;
}

static void group_probe_exited(struct proc *p, int status, const char *out,
			       void *arg)
{
	int i = (int)(intptr_t)arg;

	(void)p;
	hbd.g[i].probe = NULL;
	group_note_disk(i, status, out);
}

/* Status probes, slot restarts, ARP repeats and the slotd stop timeout. */
void group_tick(int i)
{
	const struct hb_group *cg = group_conf(i);
	struct hb_group_rt *g = &hbd.g[i];
	uint64_t now = loop_now();
	char err[256];
	int k;

	if (!cg->has_resource) {
		g->uptodate = true;	/* nothing replicated to wait for */
		g->probed = true;
		snprintf(g->disk, sizeof(g->disk), "none");
	} else if (!g->probe && now >= g->probe_next && hbd.busy != i) {
		char *argv[HB_MAX_ARGS + 4];
		int n;

		for (n = 0; n < hbd.cfg->twinadm.argc; n++)
			argv[n] = hbd.cfg->twinadm.argv[n];
		argv[n++] = "status";
		argv[n++] = "--json";
		argv[n++] = (char *)cg->resource;
		argv[n] = NULL;
		g->probe_next = now + hbd.cfg->status_interval_ms;
		g->probe = proc_spawn(argv, NULL, true, GROUP_PROBE_TIMEOUT_MS,
				      group_probe_exited,
				      (void *)(intptr_t)i);
	}
	for (k = 0; k < cg->nslots; k++) {
		if (!g->slot_restart[k] || now < g->slot_restart[k])
			continue;
		g->slot_restart[k] = 0;
		if (!g->slotd[k] && (g->held & (1u << STEP_SLOTS)) &&
		    g->state == HB_G_RUNNING)
			group_slot_spawn(i, k);
	}
	if (g->arp_left > 0 && now >= g->arp_next) {
		g->arp_left--;
		g->arp_next = now + GROUP_ARP_GAP_MS;
		if (vip_announce(&cg->vip, err, sizeof(err)))
			log_warnx("group %s: %s", cg->name, err);
	}
	if (g->slots_stopping > 0 && !g->stop_killed &&
	    now >= g->stop_deadline) {
		g->stop_killed = true;
		for (k = 0; k < cg->nslots; k++) {
			if (!g->slotd[k])
				continue;
			log_warnx("group %s: slot %s: slotd did not stop within stop-timeout, sending SIGKILL",
				  cg->name, cg->slots[k]);
			proc_kill(g->slotd[k], SIGKILL);
		}
	}
}
