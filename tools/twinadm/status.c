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
static const char *const status_after_sbs[] = TWIN_AFTER_SB_NAMES;

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

const char *status_after_sb_name(uint32_t policy)
{
	return STATUS_NAME(status_after_sbs, policy);
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

/*
 * Right after a reconnect both disks can look UpToDate while the bitmaps
 * are still being exchanged; the out-of-sync count (the Primary's dirty
 * bits) keeps that from passing for "in sync". A running online verify
 * does not count against it, the blocks it finds do.
 */
bool status_in_sync(const struct twin_status *st)
{
	bool idle = st->conn == TWIN_CONN_CONNECTED ||
		    st->conn == TWIN_CONN_VERIFY_S ||
		    st->conn == TWIN_CONN_VERIFY_T;

	return idle && st->disk == TWIN_DISK_UPTODATE &&
	       st->peer_disk == TWIN_DISK_UPTODATE && !st->out_of_sync;
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

bool status_verifying(const struct twin_status *st)
{
	return (st->conn == TWIN_CONN_VERIFY_S ||
		st->conn == TWIN_CONN_VERIFY_T) && st->verify_total > 0;
}

double status_verify_done(const struct twin_status *st)
{
	uint64_t left = st->verify_remaining;

	if (!st->verify_total)
		return 0;
	if (left > st->verify_total)
		left = st->verify_total;
	return 100.0 * (double)(st->verify_total - left) /
	       (double)st->verify_total;
}

void status_eta_str(long eta, char *buf, size_t len)
{
	if (eta < 0)
		snprintf(buf, len, "?");
	else if (eta < 3600)
		snprintf(buf, len, "%ld:%02ld", eta / 60, eta % 60);
	else
		snprintf(buf, len, "%ld:%02ld:%02ld", eta / 3600,
			 eta / 60 % 60, eta % 60);
}

void status_rate_str(uint64_t kib, char *buf, size_t len)
{
	if (kib >= 1024 * 1024)
		snprintf(buf, len, "%.1f GiB/s", kib / (1024.0 * 1024.0));
	else if (kib >= 1024)
		snprintf(buf, len, "%.1f MiB/s", kib / 1024.0);
	else
		snprintf(buf, len, "%" PRIu64 " KiB/s", kib);
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

/* A size for people: "512 KiB", "3.5 MiB", "1.2 GiB". */
static void status_size_str(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= (1ULL << 30))
		snprintf(buf, len, "%.1f GiB", bytes / (double)(1ULL << 30));
	else if (bytes >= (1ULL << 20))
		snprintf(buf, len, "%.1f MiB", bytes / (double)(1ULL << 20));
	else
		snprintf(buf, len, "%" PRIu64 " KiB", bytes / 1024);
}

/* Events: " done:42.10 speed:51.2MiB/s eta:1:12 resynced:2048KiB" */
static void status_print_sync(FILE *out, const struct twin_status *st)
{
	char eta[32];

	status_eta_str(status_sync_eta(st), eta, sizeof(eta));
	fprintf(out, " done:%.2f speed:", status_sync_done(st));
	if (st->sync_rate_kib >= 1024)
		fprintf(out, "%.1fMiB/s", st->sync_rate_kib / 1024.0);
	else
		fprintf(out, "%" PRIu32 "KiB/s", st->sync_rate_kib);
	fprintf(out, " eta:%s", eta);
	if (st->has & ST_HAS_RESYNCED)
		fprintf(out, " resynced:%" PRIu64 "KiB", st->resynced / 1024);
}

/* Status: "    speed: 51.2 MiB/s, eta 1:12, 2.0 GiB resynced" */
static void status_print_progress(FILE *out, const struct twin_status *st)
{
	char rate[32], eta[32], size[32];

	status_rate_str(st->sync_rate_kib, rate, sizeof(rate));
	status_eta_str(status_sync_eta(st), eta, sizeof(eta));
	fprintf(out, "    speed: %s, eta %s", rate,
		status_sync_eta(st) < 0 ? "unknown" : eta);
	if (st->has & ST_HAS_RESYNCED) {
		status_size_str(st->resynced, size, sizeof(size));
		fprintf(out, ", %s resynced", size);
	}
	fputc('\n', out);
}

/* "    verify: 12.5% done, 0 out of sync", or what the last verify found. */
static void status_print_verify(FILE *out, const struct twin_status *st)
{
	if (status_verifying(st))
		fprintf(out, "    verify: %.1f%% done, %" PRIu64
			" out of sync\n", status_verify_done(st),
			st->verify_oos);
	else if (st->verify_oos)
		fprintf(out, "    last verify: %" PRIu64
			" out of sync (disconnect and connect to resync them)\n",
			st->verify_oos);
	else if (st->verify_ran)
		fputs("    last verify: 0 out of sync\n", out);
}

/* Verbose: what the module was told in disk { } and net { }. */
static void status_print_disk_opts(FILE *out, const struct twin_status *st)
{
	if (st->has & ST_HAS_RESYNC_RATES) {
		if (st->resync_max_kib)
			fprintf(out, " c-max-rate:%" PRIu32 "KiB/s",
				st->resync_max_kib);
		else
			fputs(" c-max-rate:none", out);
		fprintf(out, " c-min-rate:%" PRIu32 "KiB/s",
			st->resync_min_kib);
	}
	if (st->has & ST_HAS_AL)
		fprintf(out, " al-extents:%" PRIu32 "x%" PRIu32 "KiB",
			st->al_extents, st->al_extent_kib);
}

static void status_print_kib(FILE *out, const char *key, uint64_t bytes)
{
	fprintf(out, " %s:%" PRIu64 "KiB", key, bytes / 1024);
}

/* "    replication:SyncSource peer-disk:Inconsistent done:42.10 ..." */
static void status_print_replication(FILE *out, const struct twin_status *st,
				     bool verbose)
{
	fputs("   ", out);
	if (status_connected(st) && st->conn != TWIN_CONN_CONNECTED)
		fprintf(out, " replication:%s", status_conn_name(st->conn));
	if (status_connected(st))
		fprintf(out, " peer-disk:%s",
			status_disk_name(st->peer_disk));
	if (status_syncing(st))
		fprintf(out, " done:%.2f", status_sync_done(st));
	if (st->out_of_sync)
		fprintf(out, " out-of-sync:%" PRIu64 "KiB",
			st->out_of_sync / 2);
	if (verbose) {
		status_print_kib(out, "sent", st->net_sent);
		status_print_kib(out, "received", st->net_recv);
		fprintf(out, " pending:%" PRIu32, st->peer_pending);
		if (st->has & ST_HAS_RESYNCED)
			status_print_kib(out, "resynced", st->resynced);
		if (st->has & ST_HAS_AFTER_SB)
			fprintf(out, " after-sb-0pri:%s after-sb-1pri:%s",
				status_after_sb_name(st->after_sb_0pri),
				status_after_sb_name(st->after_sb_1pri));
	}
	fputc('\n', out);
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
		status_print_disk_opts(out, st);
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
	if (status_connected(st) || verbose || st->out_of_sync)
		status_print_replication(out, st, verbose);
	if (status_syncing(st))
		status_print_progress(out, st);
	status_print_verify(out, st);
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
	json_u64(j, "resynced-bytes", st->resynced);
	json_obj_end(j);
}

/* The verify running now, or the result of the last one. */
static void status_json_verify(struct json_out *j,
			       const struct twin_status *st)
{
	bool active = status_verifying(st);

	json_obj_begin(j, "verify");
	json_bool(j, "active", active);
	json_fixed(j, "done-percent", active ? status_verify_done(st) : 0, 2);
	json_u64(j, "total-kib", active ? st->verify_total / 2 : 0);
	json_u64(j, "remaining-kib", active ? st->verify_remaining / 2 : 0);
	json_u64(j, "out-of-sync-blocks", st->verify_oos);
	json_obj_end(j);
}

/* disk { } options as the module has them; 0 when it does not say. */
static void status_json_disk_opts(struct json_out *j,
				  const struct twin_status *st)
{
	json_obj_begin(j, "disk-options");
	json_u64(j, "c-max-rate-kib", st->resync_max_kib);
	json_u64(j, "c-min-rate-kib", st->resync_min_kib);
	json_u64(j, "al-extents", st->al_extents);
	json_u64(j, "al-extent-kib", st->al_extent_kib);
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
	status_json_disk_opts(j, st);

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
	status_json_verify(j, st);
	json_str(j, "after-sb-0pri", status_after_sb_name(st->after_sb_0pri));
	json_str(j, "after-sb-1pri", status_after_sb_name(st->after_sb_1pri));
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
	if (status_verifying(st))
		fprintf(out, " verify-done:%.2f verify-oos:%" PRIu64,
			status_verify_done(st), st->verify_oos);
	else if (st->verify_oos)
		fprintf(out, " last-verify-oos:%" PRIu64, st->verify_oos);
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
