/* SPDX-License-Identifier: GPL-2.0 */
/*
 * twinhb configuration: the cluster members, their heartbeat paths, the
 * timings, the shared secret, the commands twinhb runs and the resource
 * groups it manages. The syntax is documented in docs/twinhb.md.
 */
#ifndef TWINHB_CONF_H
#define TWINHB_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define HB_CONF_DEFAULT		"/etc/twin/twinhb.conf"
#define HB_PORT_DEFAULT		7795

/* Limits, checked by the parser with a message naming the limit. */
#define HB_NAME_MAX		64	/* node, witness, group, resource */
#define HB_PATH_MAX		256	/* files, directories, commands */
#define HB_MAX_NODES		2	/* storage nodes: exactly a pair */
#define HB_MAX_WITNESSES	3
#define HB_MAX_MEMBERS		(HB_MAX_NODES + HB_MAX_WITNESSES)
#define HB_MAX_PATHS		4	/* heartbeat addresses per member */
#define HB_MAX_GROUPS		32
#define HB_MAX_SLOTS		16	/* slots per group */
#define HB_MAX_ARGS		8	/* words in a command prefix */
#define HB_SECRET_MIN		16
#define HB_SECRET_MAX		256

enum hb_role {
	HB_ROLE_NODE,
	HB_ROLE_WITNESS,
};

struct hb_member {
	char name[HB_NAME_MAX];
	enum hb_role role;
	int naddrs;
	struct sockaddr_storage addr[HB_MAX_PATHS];	/* port filled in */
	socklen_t addrlen[HB_MAX_PATHS];
};

struct hb_vip {
	struct in_addr addr;
	int prefix;
	char dev[IF_NAMESIZE];
};

struct hb_group {
	char name[HB_NAME_MAX];
	int preferred;			/* member index, a storage node */
	bool has_resource;
	char resource[HB_NAME_MAX];
	bool has_fs;
	char fs_dev[HB_PATH_MAX];
	char fs_dir[HB_PATH_MAX];
	char fs_type[HB_NAME_MAX];
	int nslots;
	char slots[HB_MAX_SLOTS][HB_PATH_MAX];
	bool has_vip;
	struct hb_vip vip;
};

/* A command prefix: the group steps append their own arguments. */
struct hb_cmd {
	int argc;
	char argv[HB_MAX_ARGS][HB_PATH_MAX];
};

struct hb_config {
	char file[HB_PATH_MAX];
	int port;
	int interval_ms;		/* heartbeat period */
	int deadtime_ms;		/* silence before a member is dead */
	int takeover_delay_ms;		/* extra wait before a failover */
	int max_skew_ms;		/* accepted heartbeat clock skew */
	int step_timeout_ms;		/* one takeover/release command */
	int stop_timeout_ms;		/* slotd SIGTERM to SIGKILL */
	int fence_timeout_ms;		/* quorum lost: release within this */
	bool fence_reboot;		/* ... or reboot (fence-action reboot) */
	int status_interval_ms;		/* twinadm status probes */
	unsigned char secret[HB_SECRET_MAX];
	size_t secret_len;
	char hook[HB_PATH_MAX];		/* empty: no notification hook */
	struct hb_cmd twinadm, fsck, mount, umount, slotd;
	int nmembers;			/* nodes and witnesses, config order */
	struct hb_member members[HB_MAX_MEMBERS];
	int ngroups;
	struct hb_group groups[HB_MAX_GROUPS];
	uint32_t fingerprint;		/* members and groups; same everywhere */
};

/*
 * Parse @text (named @file in messages) into @cfg. On error return -1 with
 * "FILE:LINE: problem" in @err.
 */
int conf_parse_string(const char *file, const char *text,
		      struct hb_config *cfg, char *err, size_t errlen);
int conf_parse_file(const char *file, struct hb_config *cfg,
		    char *err, size_t errlen);

/* Member index of @name, or -1. */
int conf_member(const struct hb_config *cfg, const char *name);
/* Group index of @name, or -1. */
int conf_group(const struct hb_config *cfg, const char *name);
/* The other storage node of the pair. */
int conf_peer_of(const struct hb_config *cfg, int node);

/* "10.0.0.1:7795" or "[fd00::1]:7795" into @buf. */
const char *conf_addr_text(const struct sockaddr_storage *ss, char *buf,
			   size_t len);

#endif
