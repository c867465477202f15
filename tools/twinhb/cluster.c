// SPDX-License-Identifier: GPL-2.0
/*
 * Cluster membership: heartbeats out and in over every path, liveness per
 * path and member, quorum, the cluster-wide requests (standby, switchover)
 * and, on each tick, the failover decision of fsm.c carried out through
 * group.c.
 *
 * Path i joins our address i to a member's address i: one UDP socket is
 * bound to each of our addresses, so the socket a packet arrives on names
 * the path, and the source address must be the sender's address on it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "log.h"
#include "loop.h"
#include "proc.h"
#include "twinhb.h"

#define CLUSTER_HOOK_TIMEOUT_MS	30000
#define CLUSTER_REJECT_LOG_MS	5000	/* log rejections this often */

struct hb_daemon hbd;

struct cluster_rx {
	struct loop_op op;
	int path;
	struct msghdr mh;
	struct iovec iov;
	struct sockaddr_storage from;
	uint8_t buf[HB_MSG_MAX + 1];
};

/* Heartbeats in flight come from a fixed pool: no allocation, a bound. */
#define CLUSTER_TX_SLOTS	(4 * HB_MAX_MEMBERS * HB_MAX_PATHS)

struct cluster_tx {
	struct loop_op op;
	bool busy;
	struct msghdr mh;
	struct iovec iov;
	struct sockaddr_storage to;
	uint8_t buf[HB_MSG_MAX];
};

static struct cluster_rx *cluster_rx[HB_MAX_PATHS];
static struct cluster_tx cluster_tx_pool[CLUSTER_TX_SLOTS];
static uint64_t cluster_unknown_log;
static uint64_t cluster_leave_deadline;

static const char *cluster_name(int i)
{
	return i >= 0 ? hbd.cfg->members[i].name : "-";
}

static bool cluster_has_witness(void)
{
	int i;

	for (i = 0; i < hbd.cfg->nmembers; i++) {
		if (hbd.cfg->members[i].role == HB_ROLE_WITNESS)
			return true;
	}
	return false;
}

/* ---- events ---- */

static void cluster_hook_exited(struct proc *p, int status, const char *out,
				void *arg)
{
	char st[64];

	(void)p;
	(void)out;
	(void)arg;
	if (status)
		log_warnx("hook %s: %s", hbd.cfg->hook,
			  proc_status_text(status, st, sizeof(st)));
}

static void cluster_run_hook(const char *event, const char *group,
			     const char *node, const char *old,
			     const char *new_state, const char *detail)
{
	char e[6][HB_PATH_MAX + 16];
	char *env[7] = { e[0], e[1], e[2], e[3], e[4], NULL, NULL };
	char *argv[2] = { hbd.cfg->hook, NULL };

	snprintf(e[0], sizeof(e[0]), "EVENT=%s", event);
	snprintf(e[1], sizeof(e[1]), "GROUP=%s", group ? group : "");
	snprintf(e[2], sizeof(e[2]), "NODE=%s", node ? node : "");
	snprintf(e[3], sizeof(e[3]), "OLD=%s", old);
	snprintf(e[4], sizeof(e[4]), "NEW=%s", new_state);
	if (detail && *detail) {
		snprintf(e[5], sizeof(e[5]), "DETAIL=%s", detail);
		env[5] = e[5];
	}
	proc_spawn(argv, env, false, CLUSTER_HOOK_TIMEOUT_MS,
		   cluster_hook_exited, NULL);
}

void hb_event(const char *event, const char *group, const char *node,
	      const char *old, const char *new_state, const char *detail)
{
	char line[768];
	char stamp[64];
	uint64_t wall = loop_wall();
	time_t sec = wall / 1000;
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(wall % 1000));
	snprintf(line, sizeof(line), "%s %s %s %s %s -> %s%s%s%s\n", stamp,
		 event, group ? group : "-", node ? node : "-", old,
		 new_state, detail && *detail ? " (" : "",
		 detail && *detail ? detail : "",
		 detail && *detail ? ")" : "");
	log_notice("event: %.*s", (int)(strlen(line) - strlen(stamp) - 2),
		   line + strlen(stamp) + 1);
	ctl_broadcast(line);
	if (hbd.cfg->hook[0])
		cluster_run_hook(event, group, node, old, new_state, detail);
	/* tell the peer about our own changes at once */
	hbd.next_send = 0;
}

/* ---- sending ---- */

static void cluster_tx_done(struct loop_op *op, int res)
{
	struct cluster_tx *tx = (struct cluster_tx *)op;

	if (res < 0)
		log_debug("heartbeat send failed: %s", strerror(-res));
	tx->busy = false;
}

static struct cluster_tx *cluster_tx_get(void)
{
	int i;

	for (i = 0; i < CLUSTER_TX_SLOTS; i++) {
		if (!cluster_tx_pool[i].busy) {
			cluster_tx_pool[i].busy = true;
			return &cluster_tx_pool[i];
		}
	}
	log_debug("all heartbeat send slots busy, skipping one");
	return NULL;
}

static uint8_t cluster_who_index(enum fsm_who w)
{
	if (w == FSM_ME)
		return hbd.me;
	if (w == FSM_PEER && hbd.peer >= 0)
		return hbd.peer;
	return HB_NOBODY;
}

static void cluster_fill(struct hb_msg *m)
{
	const struct hb_config *cfg = hbd.cfg;
	int i;

	memset(m, 0, sizeof(*m));
	strcpy(m->node, cfg->members[hbd.me].name);
	memcpy(m->boot_id, hbd.boot_id, HB_BOOT_ID_LEN);
	m->time_ms = loop_wall();
	m->fingerprint = cfg->fingerprint;
	m->flags = (hbd.leaving ? HB_NF_LEAVING : 0) |
		   (hbd.quorum ? HB_NF_QUORUM : 0);
	for (i = 0; i < cfg->nmembers; i++) {
		if (i == hbd.me || hbd.m[i].alive)
			m->alive |= 1u << i;
	}
	m->standby = hbd.standby;
	m->standby_ver = hbd.standby_ver;
	m->nacks = cfg->nmembers;
	for (i = 0; i < cfg->nmembers; i++)
		m->ack[i] = i == hbd.me ? 0 : hbd.m[i].replay.top;
	m->ngroups = cfg->ngroups;
	for (i = 0; i < cfg->ngroups; i++) {
		const struct hb_group_rt *g = &hbd.g[i];
		struct hb_msg_group *mg = &m->groups[i];

		mg->state = g->state;
		mg->flags = (g->uptodate ? HB_GF_UPTODATE : 0) |
			    (group_holds(i) ? HB_GF_HELD : 0);
		mg->target = cluster_who_index(g->target);
		mg->move_to = g->move_to;
		mg->move_ver = g->move_ver;
	}
}

static void cluster_send(void)
{
	const struct hb_config *cfg = hbd.cfg;
	const struct hb_member *me = &cfg->members[hbd.me];
	struct hb_msg m;
	int i, p;

	cluster_fill(&m);
	for (i = 0; i < cfg->nmembers; i++) {
		const struct hb_member *to = &cfg->members[i];

		if (i == hbd.me)
			continue;
		for (p = 0; p < me->naddrs && p < to->naddrs; p++) {
			struct cluster_tx *tx;
			int n;

			if (to->addr[p].ss_family != me->addr[p].ss_family)
				continue;
			tx = cluster_tx_get();
			if (!tx)
				return;
			/* every packet its own seq: replay checks per packet */
			m.seq = ++hbd.seq;
			n = msg_encode(&m, cfg->secret, cfg->secret_len,
				       tx->buf, sizeof(tx->buf));
			if (n < 0) {
				log_crit("heartbeat does not fit in %d bytes",
					 HB_MSG_MAX);
				tx->busy = false;
				return;
			}
			memcpy(&tx->to, &to->addr[p], sizeof(tx->to));
			tx->iov.iov_base = tx->buf;
			tx->iov.iov_len = n;
			memset(&tx->mh, 0, sizeof(tx->mh));
			tx->mh.msg_name = &tx->to;
			tx->mh.msg_namelen = to->addrlen[p];
			tx->mh.msg_iov = &tx->iov;
			tx->mh.msg_iovlen = 1;
			io_uring_prep_sendmsg(loop_sqe(&tx->op,
						       cluster_tx_done),
					      hbd.sock[p], &tx->mh, 0);
		}
	}
}

/* ---- receiving ---- */

static bool cluster_same_addr(const struct sockaddr_storage *a,
			      const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a;
		const struct sockaddr_in *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a;
		const struct sockaddr_in6 *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr,
			       sizeof(x->sin6_addr));
	}
	return false;
}

static void cluster_reject(int i, int path, const char *why)
{
	struct hb_member_rt *mr = &hbd.m[i];
	static uint64_t last_log[HB_MAX_MEMBERS];
	uint64_t now = loop_now();

	mr->rejected++;
	if (now - last_log[i] < CLUSTER_REJECT_LOG_MS && last_log[i])
		return;
	last_log[i] = now;
	log_warnx("rejected heartbeat from %s on path %d: %s (%llu rejected so far)",
		  cluster_name(i), path, why,
		  (unsigned long long)mr->rejected);
}

/*
 * A new version of a cluster-wide request. Wall-clock seconds keep a
 * request made on a freshly restarted daemon newer than the ones the
 * others remember; +1 keeps quick successive requests ordered.
 */
static uint32_t cluster_next_ver(uint32_t old)
{
	uint32_t now = (uint32_t)(loop_wall() / 1000);

	return now > old ? now : old + 1;
}

/* Adopt newer cluster-wide requests carried by any member. */
static void cluster_merge(const struct hb_msg *m)
{
	int i;

	if (m->standby_ver > hbd.standby_ver) {
		hbd.standby = m->standby;
		hbd.standby_ver = m->standby_ver;
	}
	for (i = 0; i < m->ngroups && i < hbd.cfg->ngroups; i++) {
		struct hb_group_rt *g = &hbd.g[i];

		if (m->groups[i].move_ver > g->move_ver) {
			g->move_ver = m->groups[i].move_ver;
			g->move_to = m->groups[i].move_to;
		}
	}
}

static void cluster_receive(int path, const struct sockaddr_storage *from,
			    const uint8_t *buf, size_t len)
{
	const struct hb_config *cfg = hbd.cfg;
	struct hb_member_rt *mr;
	struct hb_msg m;
	const char *why;
	char addr[64];
	int i;

	for (i = 0; i < cfg->nmembers; i++) {
		if (i != hbd.me && path < cfg->members[i].naddrs &&
		    cluster_same_addr(from, &cfg->members[i].addr[path]))
			break;
	}
	if (i == cfg->nmembers) {
		uint64_t now = loop_now();

		if (!cluster_unknown_log ||
		    now - cluster_unknown_log >= CLUSTER_REJECT_LOG_MS) {
			cluster_unknown_log = now;
			conf_addr_text(from, addr, sizeof(addr));
			log_warnx("ignored packet on path %d from %s: not a member's address on this path",
				  path, addr);
		}
		return;
	}
	mr = &hbd.m[i];
	if (msg_decode(buf, len, cfg->secret, cfg->secret_len, &m, &why)) {
		cluster_reject(i, path, why);
		return;
	}
	if (strcmp(m.node, cfg->members[i].name)) {
		cluster_reject(i, path, "node name does not match its address");
		return;
	}
	if (m.fingerprint != cfg->fingerprint) {
		cluster_reject(i, path,
			       "configuration differs (nodes, witnesses or groups): use the same twinhb.conf everywhere");
		return;
	}
	if (msg_check_replay(&mr->replay, &m, loop_wall(), cfg->max_skew_ms,
			     &why)) {
		cluster_reject(i, path, why);
		return;
	}
	mr->path[path].last_rx = loop_now();
	mr->last_rx = mr->path[path].last_rx;
	mr->heard = true;
	mr->last = m;
	cluster_merge(&m);
}

static void cluster_arm_rx(struct cluster_rx *rx);

static void cluster_rx_done(struct loop_op *op, int res)
{
	struct cluster_rx *rx = (struct cluster_rx *)op;

	if (res > 0 && !(rx->mh.msg_flags & MSG_TRUNC))
		cluster_receive(rx->path, &rx->from, rx->buf, res);
	else if (res < 0 && res != -EAGAIN && res != -EINTR)
		log_debug("heartbeat receive on path %d: %s", rx->path,
			  strerror(-res));
	if (!hbd.done)
		cluster_arm_rx(rx);
}

static void cluster_arm_rx(struct cluster_rx *rx)
{
	memset(&rx->mh, 0, sizeof(rx->mh));
	rx->iov.iov_base = rx->buf;
	rx->iov.iov_len = sizeof(rx->buf);
	rx->mh.msg_name = &rx->from;
	rx->mh.msg_namelen = sizeof(rx->from);
	rx->mh.msg_iov = &rx->iov;
	rx->mh.msg_iovlen = 1;
	io_uring_prep_recvmsg(loop_sqe(&rx->op, cluster_rx_done),
			      hbd.sock[rx->path], &rx->mh, 0);
}

int cluster_start(void)
{
	const struct hb_member *me = &hbd.cfg->members[hbd.me];
	uint64_t now = loop_now();
	char addr[64];
	int p, i;

	if (RAND_bytes(hbd.boot_id, sizeof(hbd.boot_id)) != 1) {
		log_crit("cannot get random bytes for the boot id");
		return -1;
	}
	hbd.start = now;
	hbd.busy = -1;
	hbd.peer = hbd.witness ? -1 : conf_peer_of(hbd.cfg, hbd.me);
	hbd.quorum = !cluster_has_witness();
	hbd.votes = 1;
	for (i = 0; i < hbd.cfg->nmembers; i++)
		hbd.m[i].dead_since = now;
	for (i = 0; i < hbd.cfg->ngroups; i++) {
		hbd.g[i].state = HB_G_STOPPED;
		hbd.g[i].move_to = HB_NOBODY;
		hbd.g[i].since = loop_wall();
		snprintf(hbd.g[i].disk, sizeof(hbd.g[i].disk), "unknown");
	}
	for (p = 0; p < me->naddrs; p++) {
		int fd = socket(me->addr[p].ss_family,
				SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (fd < 0 || bind(fd, (const struct sockaddr *)&me->addr[p],
				   me->addrlen[p]) < 0) {
			log_warn("cannot bind heartbeat path %d to %s", p,
				 conf_addr_text(&me->addr[p], addr,
						sizeof(addr)));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		hbd.sock[p] = fd;
		cluster_rx[p] = calloc(1, sizeof(*cluster_rx[p]));
		if (!cluster_rx[p])
			return -1;
		cluster_rx[p]->path = p;
		cluster_arm_rx(cluster_rx[p]);
		log_info("heartbeat path %d on %s", p,
			 conf_addr_text(&me->addr[p], addr, sizeof(addr)));
	}
	return 0;
}

/* ---- liveness and quorum ---- */

static void cluster_liveness(uint64_t now)
{
	const struct hb_config *cfg = hbd.cfg;
	int i, p, votes = 1, total = cfg->nmembers;
	bool quorum;

	for (i = 0; i < cfg->nmembers; i++) {
		struct hb_member_rt *mr = &hbd.m[i];
		bool alive = false;

		if (i == hbd.me)
			continue;
		for (p = 0; p < cfg->members[i].naddrs; p++) {
			struct hb_path_rt *pr = &mr->path[p];
			uint64_t dead = cfg->deadtime_ms;
			bool up = pr->last_rx && now - pr->last_rx < dead;
			char name[16];

			if (up != pr->up) {
				snprintf(name, sizeof(name), "path%d", p);
				pr->up = up;
				hb_event("link", NULL, cfg->members[i].name,
					 up ? "down" : "up", up ? "up" : "down",
					 name);
			}
			alive |= up;
		}
		if (alive != mr->alive) {
			mr->alive = alive;
			if (!alive)
				mr->dead_since = now;
			hb_event("node", NULL, cfg->members[i].name,
				 alive ? "down" : "up", alive ? "up" : "down",
				 alive ? NULL : "no heartbeat on any path for deadtime");
		}
		votes += alive;
	}
	/* without a witness a pair has no majority to lose: two-node mode */
	quorum = cluster_has_witness() ? votes * 2 > total : true;
	hbd.votes = votes;
	if (quorum != hbd.quorum) {
		char detail[64];

		snprintf(detail, sizeof(detail), "%d of %d votes", votes,
			 total);
		hbd.quorum = quorum;
		hbd.fence_deadline = quorum ? 0 : now + cfg->fence_timeout_ms;
		hb_event("quorum", NULL, cfg->members[hbd.me].name,
			 quorum ? "lost" : "held", quorum ? "held" : "lost",
			 detail);
	}
}

/* ---- decisions ---- */

static enum fsm_who cluster_who(uint8_t idx)
{
	if (idx == hbd.me)
		return FSM_ME;
	if (hbd.peer >= 0 && idx == hbd.peer)
		return FSM_PEER;
	return FSM_NONE;
}

static void cluster_fsm_input(struct fsm_in *in, uint64_t now)
{
	const struct hb_config *cfg = hbd.cfg;
	const struct hb_member_rt *pr = &hbd.m[hbd.peer];
	const struct hb_msg *pm = &pr->last;
	uint64_t gone_after = cfg->takeover_delay_ms;
	int i;

	memset(in, 0, sizeof(*in));
	in->peer_alive = pr->alive;
	/* a peer never heard gets a full deadtime from our start */
	if (!pr->heard)
		gone_after += cfg->deadtime_ms;
	in->peer_gone = !pr->alive && now - pr->dead_since >= gone_after;
	for (i = 0; i < cfg->nmembers; i++) {
		if (i != hbd.me && i != hbd.peer && hbd.m[i].alive &&
		    (hbd.m[i].last.alive & (1u << hbd.peer)))
			in->peer_seen_elsewhere = true;
	}
	in->quorum = hbd.quorum;
	in->peer_quorum = pm->flags & HB_NF_QUORUM;
	in->me_standby = hbd.standby & (1u << hbd.me);
	in->peer_standby = hbd.standby & (1u << hbd.peer);
	in->me_leaving = hbd.leaving;
	in->peer_leaving = pm->flags & HB_NF_LEAVING;
	in->busy = hbd.busy >= 0;
	in->ngroups = cfg->ngroups;
	for (i = 0; i < cfg->ngroups; i++) {
		const struct hb_group_rt *g = &hbd.g[i];
		struct fsm_group_in *gi = &in->g[i];
		const struct hb_msg_group *mg = &pm->groups[i];
		bool known = pr->heard && pm->ngroups == cfg->ngroups;

		gi->mine = g->state;
		gi->my_held = group_holds(i);
		gi->my_uptodate = g->uptodate;
		gi->my_probed = g->probed;
		gi->peers = known ? mg->state : HB_G_STOPPED;
		gi->peer_held = known && (mg->flags & HB_GF_HELD);
		gi->peer_uptodate = known && (mg->flags & HB_GF_UPTODATE);
		gi->peer_target = known ? cluster_who(mg->target) : FSM_NONE;
		gi->preferred = cluster_who(cfg->groups[i].preferred);
		gi->move_to = cluster_who(g->move_to);
		gi->claim_acked = g->target == FSM_ME && g->claim_seq &&
				  pm->nacks > hbd.me &&
				  pm->ack[hbd.me] >= g->claim_seq;
	}
}

static void cluster_decide(uint64_t now)
{
	struct fsm_in in;
	struct fsm_out out;
	int i;

	cluster_fsm_input(&in, now);
	fsm_decide(&in, &out);
	for (i = 0; i < hbd.cfg->ngroups; i++) {
		struct hb_group_rt *g = &hbd.g[i];

		if (out.target[i] != g->target) {
			g->target = out.target[i];
			g->claim_seq = hbd.seq + 1;
			hbd.next_send = 0;
		}
		if (out.clear_move[i]) {
			g->move_to = HB_NOBODY;
			g->move_ver = cluster_next_ver(g->move_ver);
		}
		/* once per death of the peer: writes held here may go on */
		if (in.peer_alive)
			g->peer_fenced = false;
		else if (in.peer_gone && in.quorum &&
			 !in.peer_seen_elsewhere && !g->peer_fenced &&
			 hbd.busy != i)
			group_peer_fenced(i);
	}
	if (out.action == FSM_START)
		group_start(out.group, out.reason);
	else if (out.action == FSM_STOP)
		group_stop(out.group, out.reason);
}

/* While leaving: exit once nothing is held and the peer took over. */
static void cluster_check_leave(uint64_t now)
{
	const struct hb_member_rt *pr = &hbd.m[hbd.peer];
	int i, pending = 0;

	if (hbd.busy >= 0)
		return;
	for (i = 0; i < hbd.cfg->ngroups; i++) {
		if (group_holds(i) || fsm_active(hbd.g[i].state))
			return;
		if (pr->alive && pr->last.ngroups == hbd.cfg->ngroups &&
		    !fsm_active(pr->last.groups[i].state))
			pending++;
	}
	if (!cluster_leave_deadline)
		cluster_leave_deadline = now + 2 * hbd.cfg->deadtime_ms;
	/* linger a little so the peer's takeover is agreed without delay */
	if (!pending || now >= cluster_leave_deadline)
		hbd.done = true;
}

/*
 * Answer the CLI once this node knows enough: a first disk state for each
 * group, and the peer's view (or a dead time without it). Until then
 * requests wait in the socket's backlog.
 */
static void cluster_check_ready(uint64_t now)
{
	bool heard = false;
	int i;

	for (i = 0; i < hbd.cfg->ngroups && !hbd.witness; i++) {
		if (!hbd.g[i].probed)
			return;
	}
	for (i = 0; i < hbd.cfg->nmembers; i++)
		heard |= i != hbd.me && hbd.m[i].heard &&
			 (hbd.witness || i == hbd.peer);
	if (!heard && now - hbd.start < (uint64_t)hbd.cfg->deadtime_ms)
		return;
	hbd.ready = true;
	ctl_ready();
}

/*
 * Without quorum this node must stop being Primary before the peer's
 * takeover-delay runs out. If releasing hangs (a stuck umount, a device
 * that will not demote), fence-action reboot restarts the node at once
 * rather than risk two Primaries; with none we can only say so loudly.
 */
static void cluster_fence(uint64_t now)
{
	int i, fd;

	if (hbd.quorum || !hbd.fence_deadline || now < hbd.fence_deadline)
		return;
	for (i = 0; i < hbd.cfg->ngroups && !hbd.g[i].held; i++)
		;
	if (i == hbd.cfg->ngroups)
		return;
	hbd.fence_deadline = 0;		/* once per quorum loss */
	if (!hbd.cfg->fence_reboot) {
		log_crit("fencing: group %s still holds resources fence-timeout after quorum was lost, and the peer may take over (fence-action none)",
			 hbd.cfg->groups[i].name);
		return;
	}
	log_crit("fencing: group %s not released within fence-timeout after quorum was lost: rebooting",
		 hbd.cfg->groups[i].name);
	fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "b", 1) != 1)
		log_crit("fencing: cannot reboot through /proc/sysrq-trigger: %s",
			 strerror(errno));
	if (fd >= 0)
		close(fd);
}

void cluster_tick(void)
{
	uint64_t now = loop_now();
	int i;

	cluster_liveness(now);
	if (!hbd.witness) {
		cluster_decide(now);
		for (i = 0; i < hbd.cfg->ngroups; i++)
			group_tick(i);
		cluster_fence(now);
	}
	proc_tick();
	if (!hbd.ready)
		cluster_check_ready(now);
	if (now >= hbd.next_send) {
		hbd.next_send = now + hbd.cfg->interval_ms;
		cluster_send();
	}
	if (hbd.leaving) {
		if (hbd.witness)
			hbd.done = true;
		else
			cluster_check_leave(now);
	}
}

void cluster_leave(void)
{
	if (hbd.leaving)
		return;
	log_notice("shutting down: releasing the groups held here");
	hbd.leaving = true;
	hbd.next_send = 0;
}

/* ---- requests from the CLI ---- */

int cluster_owner(int group)
{
	const struct hb_member_rt *pr;

	if (hbd.witness)
		return -1;
	if (fsm_active(hbd.g[group].state) || group_holds(group))
		return hbd.me;
	pr = &hbd.m[hbd.peer];
	if (pr->alive && pr->last.ngroups == hbd.cfg->ngroups &&
	    (fsm_active(pr->last.groups[group].state) ||
	     (pr->last.groups[group].flags & HB_GF_HELD)))
		return hbd.peer;
	return -1;
}

int cluster_switchover(int group, int to, char *err, size_t len)
{
	const struct hb_config *cfg = hbd.cfg;
	struct hb_group_rt *g = &hbd.g[group];
	const struct hb_member_rt *pr;
	int owner = cluster_owner(group);

	if (hbd.witness) {
		snprintf(err, len, "this is a witness: run the command on a storage node");
		return -1;
	}
	pr = &hbd.m[hbd.peer];
	if (to < 0) {
		if (owner < 0) {
			snprintf(err, len,
				 "group %s runs nowhere: name the node to start it on",
				 cfg->groups[group].name);
			return -1;
		}
		to = owner == hbd.me ? hbd.peer : hbd.me;
	}
	if (cfg->members[to].role != HB_ROLE_NODE) {
		snprintf(err, len, "%s is a witness, not a storage node",
			 cfg->members[to].name);
		return -1;
	}
	if (to == owner) {
		snprintf(err, len, "group %s already runs on %s",
			 cfg->groups[group].name, cfg->members[to].name);
		return -1;
	}
	if (hbd.standby & (1u << to)) {
		snprintf(err, len, "%s is in standby (twinhb online %s first)",
			 cfg->members[to].name, cfg->members[to].name);
		return -1;
	}
	if (to == hbd.peer) {
		if (!pr->alive) {
			snprintf(err, len, "%s is not reachable",
				 cfg->members[to].name);
			return -1;
		}
		if (!(pr->last.groups[group].flags & HB_GF_UPTODATE)) {
			snprintf(err, len,
				 "resource of group %s is not UpToDate on %s (resync first)",
				 cfg->groups[group].name, cfg->members[to].name);
			return -1;
		}
	} else if (!g->uptodate) {
		snprintf(err, len,
			 "resource of group %s is not UpToDate on %s (disk: %s)",
			 cfg->groups[group].name, cfg->members[to].name,
			 g->disk);
		return -1;
	}
	g->move_to = to;
	g->move_ver = cluster_next_ver(g->move_ver);
	hb_event("switchover", cfg->groups[group].name, cfg->members[to].name,
		 cluster_name(owner), cfg->members[to].name, "requested");
	return 0;
}

int cluster_standby(int node, bool on, char *err, size_t len)
{
	const struct hb_config *cfg = hbd.cfg;

	if (cfg->members[node].role != HB_ROLE_NODE) {
		snprintf(err, len, "%s is a witness, not a storage node",
			 cfg->members[node].name);
		return -1;
	}
	if (!!(hbd.standby & (1u << node)) == on) {
		snprintf(err, len, "%s is already %s", cfg->members[node].name,
			 on ? "in standby" : "online");
		return -1;
	}
	hbd.standby ^= 1u << node;
	hbd.standby_ver = cluster_next_ver(hbd.standby_ver);
	hb_event("standby", NULL, cfg->members[node].name,
		 on ? "online" : "standby", on ? "standby" : "online",
		 "requested");
	return 0;
}
