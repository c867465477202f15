/* SPDX-License-Identifier: GPL-2.0 */
/*
 * On-disk metadata from userspace: create-md and dump-md.
 *
 * The layout and the superblock format are defined in twin_ondisk.h and
 * shared with the kernel module; this file only reads and writes them.
 * Block devices are opened with O_EXCL, so metadata is never touched
 * while the module (or a mounted filesystem) holds the device.
 */
#ifndef TWINADM_MD_H
#define TWINADM_MD_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#include "twin_ondisk.h"

#define MD_ERR_MAX	256

/* Where one host's metadata lives (from its 'on' section). */
struct md_target {
	const char *disk;		/* backing device */
	const char *meta_disk;		/* "internal" or a device */
	unsigned int meta_index;	/* slot on an external meta-disk */
};

enum md_result {
	MD_OK = 0,
	MD_ERROR = -1,			/* see the message */
	MD_EXISTS = -2,			/* create-md: metadata present */
	MD_BUSY = -3,			/* device held by someone else */
	MD_NOT_FOUND = -4,		/* dump-md: no valid superblock */
};

/*
 * Write fresh metadata: zeroed activity log and bitmap, then a superblock
 * whose current UUID is TWIN_UUID_JUST_CREATED. Existing twin metadata is
 * only overwritten with FORCE. With DRY_RUN nothing is written; OUT gets
 * a description of what was (or would be) done.
 */
enum md_result md_create(const struct md_target *t, bool force,
			 bool dry_run, FILE *out, char err[MD_ERR_MAX]);

/*
 * Print the superblock, the generation UUIDs, the out-of-sync blocks of
 * the bitmap and the activity log.
 */
enum md_result md_dump(const struct md_target *t, FILE *out,
		       char err[MD_ERR_MAX]);

#define MD_OOS_RANGES	8	/* out-of-sync ranges dump-md lists */

/* Out-of-sync blocks: how many, and where the first runs of them are. */
struct md_oos {
	uint64_t count;
	uint64_t nranges;		/* all runs, listed or not */
	uint64_t first[MD_OOS_RANGES], last[MD_OOS_RANGES];
	uint64_t tail;			/* last block of the latest run */
};

/*
 * Add the NBITS bits of BITMAP, which are bits BASE.. of the device, to
 * OOS. Called chunk by chunk in order; a run may span chunks.
 */
void md_oos_scan(struct md_oos *oos, const uint8_t *bitmap, uint64_t base,
		 uint64_t nbits);
void md_oos_print(FILE *out, const struct md_oos *oos, bool full_sync);

/*
 * The current activity log transaction among the TWIN_AL_RING blocks of
 * RING: the valid one (magic, CRC-32C, DEVICE_UUID) with the highest seq.
 * Returns its index, or -1 if no block is valid (a log never written).
 */
int md_al_current(const struct twin_md_al *ring, uint64_t device_uuid);
/* The log's extents; CLEAN is the superblock's TWIN_MDF_AL_CLEAN. */
void md_al_print(FILE *out, const struct twin_md_al *al, bool clean);

/* Pure helpers, exposed for the unit tests. */
void md_sb_build(struct twin_md_sb *sb, const struct twin_md_layout *l,
		 uint32_t meta_type, uint32_t meta_index,
		 uint64_t device_uuid);
/* 0 if SB is a valid superblock, else -1 with the reason in WHY. */
int md_sb_check(const struct twin_md_sb *sb, char *why, size_t len);
/* Set bits among the first NBITS bits of BITMAP. */
uint64_t md_count_bits(const uint8_t *bitmap, uint64_t nbits);
void md_sb_print(FILE *out, const struct twin_md_sb *sb);

#endif
