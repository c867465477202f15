/* SPDX-License-Identifier: GPL-2.0 */
/*
 * twinadm configuration: /etc/twin/twin.conf and the *.res files beside it.
 *
 * The syntax follows drbd.conf so that DRBD operators feel at home:
 *
 *	include "*.res";
 *	common {
 *		protocol C;
 *		net { ping-int 1; ping-timeout 10;
 *		      after-sb-0pri discard-zero-changes; }
 *		disk { c-max-rate 100M; c-min-rate 4M; al-extents 64; }
 *	}
 *	resource r0 {
 *		device /dev/twin0; disk /dev/vdb; meta-disk internal;
 *		shared-secret "s3cret";
 *		on alpha { address 10.0.0.1:7790; }
 *		on beta  { address 10.0.0.2:7790; disk /dev/vdc; }
 *	}
 *
 * config_load() parses and validates everything and returns either a
 * struct twin_config or one error message "FILE:LINE: problem".
 * Every resource in a loaded config is complete: the common section, the
 * resource level and the host level are merged into each struct cfg_host.
 */
#ifndef TWINADM_CONFIG_H
#define TWINADM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "twin_ondisk.h"
#include "uapi/twin.h"

#define CFG_DEFAULT_FILE	"/etc/twin/twin.conf"
#define CFG_DEFAULT_RES_GLOB	"/etc/twin/*.res"

/* Limits, checked where the input arrives. */
#define CFG_NAME_MAX		TWIN_RES_NAME_MAX /* resource, host names */
#define CFG_PATH_MAX		(TWIN_PATH_MAX + 1) /* with the NUL */
#define CFG_SECRET_MAX		TWIN_SECRET_MAX
#define CFG_TOKEN_MAX		1024	/* one word or quoted string */
#define CFG_FILE_MAX		(1 << 20)	/* bytes in one config file */
#define CFG_INCLUDE_DEPTH	8
#define CFG_RESOURCES_MAX	256
#define CFG_ERR_MAX		512
#define CFG_MINOR_MAX		TWIN_MINOR_MAX
#define CFG_RATE_MAX_KIB	(4U << 20)	/* 4 GiB/s, as DRBD */
#define CFG_WARNINGS_MAX	32

/*
 * Options that may be given in common { } and overridden per resource.
 * Zero (or an empty string) means "not set": the module's default applies.
 * Times are stored in milliseconds. Only options the module has netlink
 * attributes for are accepted, so that no setting is silently ignored.
 */
struct cfg_options {
	char protocol;			/* 'A' or 'C' */
	bool has_secret;
	char shared_secret[CFG_SECRET_MAX + 1];
	uint32_t ping_int_ms;		/* net { ping-int } */
	uint32_t ping_timeout_ms;	/* net { ping-timeout } */
	uint32_t connect_int_ms;	/* net { connect-int } */
	bool has_fencing;
	uint32_t fencing;		/* net { fencing }, enum twin_fencing */

	/* disk { }: sent with ATTACH */
	bool has_resync_max, has_resync_min, has_al_extents;
	uint32_t resync_max_kib;	/* c-max-rate, resync-rate; 0: no cap */
	uint32_t resync_min_kib;	/* c-min-rate */
	uint32_t al_extents;		/* al-extents */

	/* net { after-sb-*pri }: sent with CONNECT, enum twin_after_sb */
	bool has_after_sb_0pri, has_after_sb_1pri;
	uint32_t after_sb_0pri;
	uint32_t after_sb_1pri;
};

/* One "on HOST { }" section, with resource-level values merged in. */
struct cfg_host {
	char name[CFG_NAME_MAX + 1];
	char device[CFG_PATH_MAX];	/* /dev/twinN */
	unsigned int minor;		/* N of /dev/twinN */
	char disk[CFG_PATH_MAX];	/* backing device, or "none" */
	char meta_disk[CFG_PATH_MAX];	/* "internal" or a device path */
	unsigned int meta_index;	/* slot on an external meta-disk */
	struct sockaddr_storage addr;
	socklen_t addr_len;
	char address[CFG_PATH_MAX];	/* as written, normalised */
	const char *file;		/* where the section starts */
	int line;
};

struct cfg_resource {
	char name[CFG_NAME_MAX + 1];
	struct cfg_options opts;	/* common merged in */
	struct cfg_host hosts[2];	/* a twin is always a pair */
	const char *file;
	int line;
};

struct twin_config {
	struct cfg_resource *res;
	int nres;
	char **files;			/* every file read, owns the names */
	int nfiles;
	/* "FILE:LINE: ..." for accepted options that have no effect */
	char *warnings[CFG_WARNINGS_MAX];
	int nwarnings;
};

/*
 * Load PATH (or, when PATH is NULL, CFG_DEFAULT_FILE plus every file that
 * matches CFG_DEFAULT_RES_GLOB). Returns 0, or -1 with a message in err.
 */
int config_load(const char *path, struct twin_config *cfg,
		char err[CFG_ERR_MAX]);

/* Same, but from a string; FILE_NAME is used in messages and includes. */
int config_parse_string(const char *text, const char *file_name,
			struct twin_config *cfg, char err[CFG_ERR_MAX]);

void config_free(struct twin_config *cfg);

struct cfg_resource *config_find(const struct twin_config *cfg,
				 const char *name);

/*
 * The section of RES for the host called HOST (exact name, then the short
 * name before the first dot), and the other one. NULL if neither matches.
 */
const struct cfg_host *config_local(const struct cfg_resource *res,
				    const char *host);
const struct cfg_host *config_peer(const struct cfg_resource *res,
				   const char *host);

/* "/dev/twinN" -> N; -1 if PATH has another form. */
long config_minor_of(const char *path);

/* Print CFG in the syntax config_load() accepts (drbdadm dump). */
void config_dump(const struct twin_config *cfg, const char *only_res,
		 FILE *out);

#endif
