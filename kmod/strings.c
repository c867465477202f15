// SPDX-License-Identifier: GPL-2.0
/*
 * strings.c - names of states and packets, the same everywhere: kernel
 * log, debugfs, netlink users (the tables come from the uapi header).
 */
#include "twin.h"

static const char *const twin_role_names[] = TWIN_ROLE_NAMES;
static const char *const twin_disk_names[] = TWIN_DISK_STATE_NAMES;
static const char *const twin_conn_names[] = TWIN_CONN_STATE_NAMES;
static const char *const twin_susp_names[] = TWIN_SUSP_NAMES;
static const char *const twin_fencing_names[] = TWIN_FENCING_NAMES;

static const char *const twin_pkt_names[] = {
	[TWIN_P_HELLO] = "Hello",
	[TWIN_P_AUTH] = "Auth",
	[TWIN_P_PARAMS] = "Params",
	[TWIN_P_STATE] = "State",
	[TWIN_P_PING] = "Ping",
	[TWIN_P_PING_ACK] = "PingAck",
	[TWIN_P_DATA] = "Data",
	[TWIN_P_WRITE_ACK] = "WriteAck",
	[TWIN_P_NEG_ACK] = "NegAck",
	[TWIN_P_BARRIER] = "Barrier",
	[TWIN_P_BARRIER_ACK] = "BarrierAck",
	[TWIN_P_READ_REQ] = "ReadReq",
	[TWIN_P_READ_REPLY] = "ReadReply",
	[TWIN_P_RS_DATA] = "RSData",
	[TWIN_P_RS_ACK] = "RSAck",
	[TWIN_P_RS_DONE] = "RSDone",
	[TWIN_P_DISCONNECT] = "Disconnect",
	[TWIN_P_RS_START] = "RSStart",
	[TWIN_P_BITMAP] = "Bitmap",
	[TWIN_P_OV_REQ] = "OVRequest",
	[TWIN_P_OV_REPLY] = "OVReply",
	[TWIN_P_OV_DONE] = "OVDone",
	[TWIN_P_SYNC_REQ] = "SyncRequest",
	[TWIN_P_NEW_UUID] = "NewUUID",
};

static const char *twin_lookup(const char *const *names, unsigned int n,
			       unsigned int i)
{
	return i < n && names[i] ? names[i] : "?";
}

const char *twin_role_str(unsigned int role)
{
	return twin_lookup(twin_role_names, ARRAY_SIZE(twin_role_names), role);
}

const char *twin_disk_str(unsigned int disk)
{
	return twin_lookup(twin_disk_names, ARRAY_SIZE(twin_disk_names), disk);
}

const char *twin_conn_str(unsigned int conn)
{
	return twin_lookup(twin_conn_names, ARRAY_SIZE(twin_conn_names), conn);
}

const char *twin_pkt_str(unsigned int type)
{
	return twin_lookup(twin_pkt_names, ARRAY_SIZE(twin_pkt_names), type);
}

const char *twin_susp_str(unsigned int susp)
{
	return twin_lookup(twin_susp_names, ARRAY_SIZE(twin_susp_names), susp);
}

const char *twin_fencing_str(unsigned int fencing)
{
	return twin_lookup(twin_fencing_names, ARRAY_SIZE(twin_fencing_names),
			   fencing);
}
