// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering of struct twin_status: drbdadm-like text, JSON, and one-line
 * events. The state names come from the tables in uapi/twin.h so that the
 * kernel's log, twinadm and the tests all say "UpToDate" the same way.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>

#include "status.h"

static const char *const status_roles[] = TWIN_ROLE_NAMES;
static const char *const status_disks[] = TWIN_DISK_STATE_NAMES;
static const char *const status_conns[] = TWIN_CONN_STATE_NAMES;

static const char *const status_events[] = {
	[TWIN_EVENT_CHANGE] = "change",
	[TWIN_EVENT_CREATE] = "create",
	[TWIN_EVENT_DESTROY] = "destroy",
	[TWIN_EVENT_SYNC_PROGRESS] = "sync-progress",
};

static const char *const status_fencings[] = TWIN_FENCING_NAMES;
static const char *const status_susps[] = TWIN_SUSP_NAMES;

#define STATUS_NAME(table, v)						\
	((v) < sizeof(table) / sizeof(table[0]) && (table)[v] ?	\
	 (table)[v] : "Unknown")

const char *status_role_name(uint32_t role)
{
	return STATUS_NAME(status_roles, role);
}

const char *status_disk_name(uint32_t disk)
{
	return STATUS_NAME(status_disks, disk);
}

const char *status_conn_name(uint32_t conn)
{
	return STATUS_NAME(status_conns, conn);
}

const char *status_fencing_name(uint32_t fencing)
{
	return STATUS_NAME(status_fencings, fencing);
}

const char *status_susp_name(uint32_t susp)
{
	return STATUS_NAME(status_susps, susp);
}

const char *status_event_name(uint32_t event)
{
	return STATUS_NAME(status_events, event);
}

char status_protocol_char(uint32_t protocol)
{
	if (protocol == TWIN_PROT_A)
		return 'A';
	if (protocol == TWIN_PROT_C)
		return 'C';
	return '?';
}

bool status_connected(const struct twin_status *st)
{
	return st->conn >= TWIN_CONN_CONNECTED &&
	       st->conn <= TWIN_CONN_PAUSED_SYNC_T;
}

bool status_syncing(const struct twin_status *st)
{
	return st->conn >= TWIN_CONN_STARTING_SYNC_S &&
	       st->conn <= TWIN_CONN_PAUSED_SYNC_T && st->sync_total > 0;
}

double status_sync_done(const struct twin_status *st)
{
	uint64_t left = st->sync_remaining;

	if (!st->sync_total)
		return 0;
	if (left > st->sync_total)
		left = st->sync_total;
	return 100.0 * (double)(st->sync_total - left) /
	       (double)st->sync_total;
}

long status_sync_eta(const struct twin_status *st)
{
	if (!st->sync_rate_kib)
		return -1;
	/* sectors are 512 B, the rate is in KiB/s */
	return (long)((st->sync_remaining / 2 + st->sync_rate_kib - 1) /
		      st->sync_rate_kib);
}

void status_addr_str(const struct sockaddr_storage *ss, char *buf,
		     size_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	char ip[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ntohs(s6->sin6_port));
	} else if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ntohs(s4->sin_port));
	} else {
		snprintf(buf, len, "none");
	}
}

static void status_print_speed(FILE *out, uint32_t kib)
{
	if (kib >= 1024)
		fprintf(out, "%.1fMiB/s", kib / 1024.0);
	else
		fprintf(out, "%" PRIu32 "KiB/s", kib);
}

static void status_print_eta(FILE *out, long eta)
{
	if (eta < 0)
		fputs("?", out);
	else
		fprintf(out, "%ld:%02ld:%02ld", eta / 3600, eta / 60 % 60,
			eta % 60);
}

/* " replication:SyncSource ... done:42.10 speed:... eta:..." */
static void status_print_sync(FILE *out, const struct twin_status *st)
{
	fprintf(out, " done:%.2f speed:", status_sync_done(st));
	status_print_speed(out, st->sync_rate_kib);
	fputs(" eta:", out);
	status_print_eta(out, status_sync_eta(st));
}

static void status_print_kib(FILE *out, const char *key, uint64_t bytes)
{
	fprintf(out, " %s:%" PRIu64 "KiB", key, bytes / 1024);
}

void status_print_text(FILE *out, const struct twin_status *st,
		       bool verbose)
{
	char addr[INET6_ADDRSTRLEN + 16];

	fprintf(out, "%s role:%s", st->name, status_role_name(st->role));
	if (st->suspended != TWIN_SUSP_NONE)
		fprintf(out, " suspended:%s", status_susp_name(st->suspended));
	if (verbose) {
		if (st->has & ST_HAS_MINOR)
			fprintf(out, " minor:%" PRIu32, st->minor);
		fprintf(out, " open:%" PRIu32, st->open_count);
		if (st->has & ST_HAS_PROTOCOL)
			fprintf(out, " protocol:%c",
				status_protocol_char(st->protocol));
		if (st->has & ST_HAS_FENCING)
			fprintf(out, " fencing:%s",
				status_fencing_name(st->fencing));
	}
	fprintf(out, "\n  disk:%s", status_disk_name(st->disk));
	if (verbose) {
		fprintf(out, " size:%" PRIu64 "KiB", st->size_sectors / 2);
		if (st->has & ST_HAS_DISK_PATH)
			fprintf(out, " backing:%s", st->disk_path);
		status_print_kib(out, "read", st->disk_read);
		status_print_kib(out, "written", st->disk_write);
		fprintf(out, " local-pending:%" PRIu32 " app-pending:%" PRIu32,
			st->local_pending, st->app_pending);
	}
	fprintf(out, "\n  %s", st->peer_name[0] ? st->peer_name : "peer");
	if (!status_connected(st)) {
		fprintf(out, " connection:%s", status_conn_name(st->conn));
		if (st->last_error[0])
			fprintf(out, " last-error:\"%s\"", st->last_error);
	} else {
		fprintf(out, " role:%s", status_role_name(st->peer_role));
	}
	if (verbose && (st->has & ST_HAS_PEER_ADDR)) {
		status_addr_str(&st->peer_addr, addr, sizeof(addr));
		fprintf(out, " address:%s", addr);
	}
	fputc('\n', out);
	if (!status_connected(st) && !verbose && !st->out_of_sync)
		return;
	fputs("   ", out);
	if (status_connected(st) && st->conn != TWIN_CONN_CONNECTED)
		fprintf(out, " replication:%s", status_conn_name(st->conn));
	if (status_connected(st))
		fprintf(out, " peer-disk:%s",
			status_disk_name(st->peer_disk));
	if (status_syncing(st))
		status_print_sync(out, st);
	if (st->out_of_sync)
		fprintf(out, " out-of-sync:%" PRIu64 "KiB",
			st->out_of_sync / 2);
	if (verbose) {
		status_print_kib(out, "sent", st->net_sent);
		status_print_kib(out, "received", st->net_recv);
		fprintf(out, " pending:%" PRIu32, st->peer_pending);
	}
	fputc('\n', out);
}

static void status_json_uuid(struct json_out *j, const char *key,
			     uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%016" PRIX64, v);
	json_str(j, key, buf);
}

static void status_json_resync(struct json_out *j,
			       const struct twin_status *st)
{
	bool active = status_syncing(st);

	json_obj_begin(j, "resync");
	json_bool(j, "active", active);
	json_fixed(j, "done-percent", active ? status_sync_done(st) : 0, 2);
	json_u64(j, "total-kib", active ? st->sync_total / 2 : 0);
	json_u64(j, "remaining-kib", active ? st->sync_remaining / 2 : 0);
	json_u64(j, "speed-kib-per-sec", active ? st->sync_rate_kib : 0);
	json_fixed(j, "eta-seconds", active ? status_sync_eta(st) : 0, 0);
	json_obj_end(j);
}

void status_print_json(struct json_out *j, const char *key,
		       const struct twin_status *st)
{
	char addr[INET6_ADDRSTRLEN + 16], proto[2] = "";

	json_obj_begin(j, key);
	json_str(j, "name", st->name);
	json_u64(j, "minor", st->minor);
	json_str(j, "role", status_role_name(st->role));
	json_str(j, "disk-state", status_disk_name(st->disk));
	json_u64(j, "size-kib", st->size_sectors / 2);
	json_u64(j, "open-count", st->open_count);
	json_str(j, "backing-disk", st->has & ST_HAS_DISK_PATH ?
		 st->disk_path : "");
	if (st->has & ST_HAS_PROTOCOL)
		proto[0] = status_protocol_char(st->protocol);
	json_str(j, "protocol", proto);
	json_str(j, "suspended", status_susp_name(st->suspended));

	json_obj_begin(j, "peer");
	json_str(j, "name", st->peer_name[0] ? st->peer_name : "peer");
	addr[0] = '\0';
	if (st->has & ST_HAS_PEER_ADDR)
		status_addr_str(&st->peer_addr, addr, sizeof(addr));
	json_str(j, "address", addr);
	json_str(j, "connection-state", status_conn_name(st->conn));
	json_bool(j, "connected", status_connected(st));
	json_str(j, "role", status_role_name(st->peer_role));
	json_str(j, "disk-state", status_disk_name(st->peer_disk));
	json_u64(j, "out-of-sync-kib", st->out_of_sync / 2);
	status_json_resync(j, st);
	json_str(j, "last-error", st->last_error);
	json_obj_end(j);

	json_obj_begin(j, "statistics");
	json_u64(j, "net-sent-bytes", st->net_sent);
	json_u64(j, "net-received-bytes", st->net_recv);
	json_u64(j, "disk-read-bytes", st->disk_read);
	json_u64(j, "disk-written-bytes", st->disk_write);
	json_u64(j, "local-pending", st->local_pending);
	json_u64(j, "peer-pending", st->peer_pending);
	json_u64(j, "app-pending", st->app_pending);
	json_obj_end(j);

	json_obj_begin(j, "uuids");
	status_json_uuid(j, "current", st->uuid[0]);
	status_json_uuid(j, "bitmap", st->uuid[1]);
	json_arr_begin(j, "history");
	status_json_uuid(j, NULL, st->uuid[2]);
	status_json_uuid(j, NULL, st->uuid[3]);
	json_arr_end(j);
	json_obj_end(j);
	json_obj_end(j);
}

void status_print_event(FILE *out, const char *timestamp, const char *what,
			const struct twin_status *st)
{
	fprintf(out, "%s %s %s role:%s disk:%s peer:%s connection:%s",
		timestamp, what, st->name, status_role_name(st->role),
		status_disk_name(st->disk),
		st->peer_name[0] ? st->peer_name : "peer",
		status_conn_name(st->conn));
	if (st->suspended != TWIN_SUSP_NONE)
		fprintf(out, " suspended:%s", status_susp_name(st->suspended));
	if (status_connected(st))
		fprintf(out, " peer-role:%s peer-disk:%s",
			status_role_name(st->peer_role),
			status_disk_name(st->peer_disk));
	if (status_syncing(st))
		status_print_sync(out, st);
	if (st->out_of_sync)
		fprintf(out, " out-of-sync:%" PRIu64 "KiB",
			st->out_of_sync / 2);
	if (st->last_error[0])
		fprintf(out, " last-error:\"%s\"", st->last_error);
	fputc('\n', out);
	fflush(out);
}

void status_print_event_json(FILE *out, const char *timestamp,
			     const char *what, const struct twin_status *st)
{
	struct json_out j;

	json_init(&j, out, true);
	json_obj_begin(&j, NULL);
	json_str(&j, "timestamp", timestamp);
	json_str(&j, "event", what);
	status_print_json(&j, "resource", st);
	json_obj_end(&j);
	json_finish(&j);
}
