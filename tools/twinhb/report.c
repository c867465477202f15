// SPDX-License-Identifier: GPL-2.0
/*
 * `twinhb status`: nodes, paths with the age of their last heartbeat,
 * quorum, and the groups with their state on each node, as text that reads
 * at a glance or as JSON for scripts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "twinhb.h"

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL,
			      b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->p && b->len + n < b->cap) {
			b->len += n;
			return;
		}
		{
			size_t cap = (b->cap ? b->cap * 2 : 1024) + n;
			char *p = realloc(b->p, cap);

			if (!p)
				return;	/* the reply is cut short */
			b->p = p;
			b->cap = cap;
		}
	}
}

void sbuf_json_str(struct sbuf *b, const char *s)
{
	sbuf_printf(b, "\"");
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			sbuf_printf(b, "\\%c", c);
		else if (c < 0x20)
			sbuf_printf(b, "\\u%04x", c);
		else
			sbuf_printf(b, "%c", c);
	}
	sbuf_printf(b, "\"");
}

void sbuf_free(struct sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static const char *report_name(int i)
{
	return i >= 0 ? hbd.cfg->members[i].name : "-";
}

/* Age of the last heartbeat on a path, in ms, or -1 if never heard. */
static long long report_age(uint64_t last_rx, uint64_t now)
{
	return last_rx ? (long long)(now - last_rx) : -1;
}

static void report_age_text(char *buf, size_t len, long long age)
{
	if (age < 0)
		snprintf(buf, len, "never");
	else
		snprintf(buf, len, "%lld.%llds ago", age / 1000,
			 age % 1000 / 100);
}

/* A group's state on member @i as known here. */
static void report_group_on(int g, int i, const char **state,
			    const char **disk)
{
	const struct hb_member_rt *mr = &hbd.m[i];
	const struct hb_msg_group *mg;

	if (i == hbd.me) {
		*state = fsm_state_name(hbd.g[g].state);
		*disk = hbd.g[g].disk;
		return;
	}
	if (!mr->alive || mr->last.ngroups != hbd.cfg->ngroups) {
		*state = "unknown";
		*disk = "unknown";
		return;
	}
	mg = &mr->last.groups[g];
	*state = fsm_state_name(mg->state);
	*disk = mg->flags & HB_GF_UPTODATE ? "UpToDate" : "not-UpToDate";
}

static void report_text(struct sbuf *b, uint64_t now)
{
	const struct hb_config *cfg = hbd.cfg;
	int nodes[HB_MAX_NODES], nn = 0;
	int i, p, g;

	sbuf_printf(b, "twinhb %s %s, quorum: %s (%d of %d votes)%s\n",
		    hbd.witness ? "witness" : "node", report_name(hbd.me),
		    hbd.quorum ? "yes" : "NO", hbd.votes, cfg->nmembers,
		    hbd.leaving ? ", shutting down" : "");
	sbuf_printf(b, "\nMembers:\n");
	for (i = 0; i < cfg->nmembers; i++) {
		const struct hb_member *m = &cfg->members[i];
		const struct hb_member_rt *mr = &hbd.m[i];
		bool node = m->role == HB_ROLE_NODE;

		if (node)
			nodes[nn++] = i;
		sbuf_printf(b, "  %-12s %-8s %-10s%s\n", m->name,
			    node ? "node" : "witness",
			    i == hbd.me ? "this node" :
			    mr->alive ? "up" : "DOWN",
			    hbd.standby & (1u << i) ? "  standby" : "");
		if (i == hbd.me)
			continue;
		for (p = 0; p < m->naddrs; p++) {
			char addr[64], age[32];

			report_age_text(age, sizeof(age),
					report_age(mr->path[p].last_rx, now));
			sbuf_printf(b, "      path %d  %-24s %-5s last heartbeat %s\n",
				    p, conf_addr_text(&m->addr[p], addr,
						      sizeof(addr)),
				    mr->path[p].up ? "up" : "DOWN", age);
		}
		if (mr->rejected)
			sbuf_printf(b, "      %llu packets rejected (see the log)\n",
				    (unsigned long long)mr->rejected);
	}
	if (hbd.witness || !cfg->ngroups)
		return;
	sbuf_printf(b, "\nGroups:\n  %-12s %-12s %-12s", "GROUP", "RUNS ON",
		    "PREFERRED");
	for (i = 0; i < nn; i++)
		sbuf_printf(b, " %-24s", report_name(nodes[i]));
	sbuf_printf(b, "\n");
	for (g = 0; g < cfg->ngroups; g++) {
		const struct hb_group_rt *gr = &hbd.g[g];
		int owner = cluster_owner(g);

		sbuf_printf(b, "  %-12s %-12s %-12s", cfg->groups[g].name,
			    report_name(owner),
			    report_name(cfg->groups[g].preferred));
		for (i = 0; i < nn; i++) {
			const char *state, *disk;
			char cell[64];

			report_group_on(g, nodes[i], &state, &disk);
			snprintf(cell, sizeof(cell), "%s %s", state, disk);
			sbuf_printf(b, " %-24s", cell);
		}
		sbuf_printf(b, "\n");
		if (gr->move_to != HB_NOBODY)
			sbuf_printf(b, "      switchover to %s pending\n",
				    report_name(gr->move_to));
		if (gr->state == HB_G_FAILED && gr->error[0])
			sbuf_printf(b, "      FAILED here: %s%s\n", gr->error,
				    group_holds(g) ?
				    " (resources still held; twinhb cleanup)" :
				    " (twinhb cleanup to retry)");
	}
}

static void report_json(struct sbuf *b, uint64_t now)
{
	const struct hb_config *cfg = hbd.cfg;
	int i, p, g;

	sbuf_printf(b, "{\"node\":");
	sbuf_json_str(b, report_name(hbd.me));
	sbuf_printf(b, ",\"role\":\"%s\",\"quorum\":%s,\"votes\":%d,\"members\":%d,\"leaving\":%s,\"nodes\":[",
		    hbd.witness ? "witness" : "node",
		    hbd.quorum ? "true" : "false", hbd.votes, cfg->nmembers,
		    hbd.leaving ? "true" : "false");
	for (i = 0; i < cfg->nmembers; i++) {
		const struct hb_member *m = &cfg->members[i];
		const struct hb_member_rt *mr = &hbd.m[i];

		sbuf_printf(b, "%s{\"name\":", i ? "," : "");
		sbuf_json_str(b, m->name);
		sbuf_printf(b, ",\"role\":\"%s\",\"local\":%s,\"alive\":%s,\"standby\":%s,\"rejected\":%llu,\"paths\":[",
			    m->role == HB_ROLE_NODE ? "node" : "witness",
			    i == hbd.me ? "true" : "false",
			    i == hbd.me || mr->alive ? "true" : "false",
			    hbd.standby & (1u << i) ? "true" : "false",
			    (unsigned long long)mr->rejected);
		for (p = 0; i != hbd.me && p < m->naddrs; p++) {
			char addr[64];

			sbuf_printf(b, "%s{\"path\":%d,\"address\":\"%s\",\"up\":%s,\"last_seen_ms\":%lld}",
				    p ? "," : "", p,
				    conf_addr_text(&m->addr[p], addr,
						   sizeof(addr)),
				    mr->path[p].up ? "true" : "false",
				    report_age(mr->path[p].last_rx, now));
		}
		sbuf_printf(b, "]}");
	}
	sbuf_printf(b, "],\"groups\":[");
	for (g = 0; !hbd.witness && g < cfg->ngroups; g++) {
		const struct hb_group_rt *gr = &hbd.g[g];
		int owner = cluster_owner(g);

		sbuf_printf(b, "%s{\"name\":", g ? "," : "");
		sbuf_json_str(b, cfg->groups[g].name);
		sbuf_printf(b, ",\"preferred\":");
		sbuf_json_str(b, report_name(cfg->groups[g].preferred));
		sbuf_printf(b, ",\"runs_on\":");
		if (owner >= 0)
			sbuf_json_str(b, report_name(owner));
		else
			sbuf_printf(b, "null");
		sbuf_printf(b, ",\"move_to\":");
		if (gr->move_to != HB_NOBODY)
			sbuf_json_str(b, report_name(gr->move_to));
		else
			sbuf_printf(b, "null");
		sbuf_printf(b, ",\"error\":");
		sbuf_json_str(b, gr->error);
		sbuf_printf(b, ",\"held\":%s,\"on\":{",
			    group_holds(g) ? "true" : "false");
		for (i = 0, p = 0; i < cfg->nmembers; i++) {
			const char *state, *disk;

			if (cfg->members[i].role != HB_ROLE_NODE)
				continue;
			report_group_on(g, i, &state, &disk);
			sbuf_printf(b, "%s", p++ ? "," : "");
			sbuf_json_str(b, cfg->members[i].name);
			sbuf_printf(b, ":{\"state\":\"%s\",\"disk\":", state);
			sbuf_json_str(b, disk);
			sbuf_printf(b, "}");
		}
		sbuf_printf(b, "}}");
	}
	sbuf_printf(b, "]}\n");
}

void report_status(struct sbuf *b, bool json)
{
	uint64_t now = loop_now();

	if (json)
		report_json(b, now);
	else
		report_text(b, now);
}
