/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * twin_ondisk.h - on-disk metadata of a twin resource
 *
 * Shared by kmod/ and tools/twinadm (create-md and dump-md write and read
 * the superblock from userspace). Everything on disk is big-endian.
 *
 * The metadata area holds three parts: the superblock (one 4 KiB block),
 * the activity log and the dirty bitmap (one bit per 4 KiB block of
 * data, set while the block may differ from the peer's; bit n of the data
 * is bit n % 8 of byte n / 8 of the bitmap area, i.e. little-endian 64-bit
 * words). Their places are recorded in the superblock as sector offsets
 * relative to the superblock, so a later version can move them.
 *
 *  internal (end of the backing device):
 *	| data ... | bitmap | activity log | superblock |   <- device end
 *  external (slot META_INDEX of a meta device, TWIN_MD_EXT_SLOT_SECTORS each):
 *	| superblock | activity log | bitmap ...   |
 *
 * Bump TWIN_MD_VERSION on any incompatible change; fields are only added
 * by taking bytes from reserved[].
 */
#ifndef _TWIN_ONDISK_H
#define _TWIN_ONDISK_H

#include <linux/types.h>

#define TWIN_MD_MAGIC		0x54574d44	/* "TWMD" */
#define TWIN_MD_VERSION		1

#define TWIN_MD_SB_SECTORS	8		/* 4 KiB superblock */
#define TWIN_MD_AL_SECTORS	64		/* 32 KiB activity log */
#define TWIN_MD_BM_BLOCK_BYTES	4096		/* data bytes per bitmap bit */
#define TWIN_MD_BM_BLOCK_SECTORS (TWIN_MD_BM_BLOCK_BYTES / 512)
#define TWIN_MD_EXT_SLOT_SECTORS (128ULL << 11)	/* 128 MiB per index */

/* Generation UUID slots (superblock uuid[]), as in DRBD. */
enum twin_uuid_slot {
	TWIN_UUID_CURRENT,	/* the data generation of this disk */
	TWIN_UUID_BITMAP,	/* generation the bitmap is relative to */
	TWIN_UUID_HISTORY0,	/* older generations, newest first */
	TWIN_UUID_HISTORY1,
	TWIN_UUID_SLOTS
};

/* Current UUID of freshly created metadata: "no data yet". */
#define TWIN_UUID_JUST_CREATED	4ULL

/* Superblock flags (twin_md_sb.flags). */
#define TWIN_MDF_CONSISTENT	(1U << 0)	/* data is consistent */
#define TWIN_MDF_WAS_UPTODATE	(1U << 1)	/* was UpToDate when written */
#define TWIN_MDF_PRIMARY_IND	(1U << 2)	/* node is (was) Primary */
#define TWIN_MDF_CONNECTED_IND	(1U << 3)	/* was connected to the peer */
#define TWIN_MDF_FULL_SYNC	(1U << 4)	/* whole device out of sync */
#define TWIN_MDF_PEER_OUTDATED	(1U << 5)	/* peer known to be older */
#define TWIN_MDF_AL_CLEAN	(1U << 6)	/* activity log empty */

/**
 * struct twin_md_sb - the superblock, exactly 4096 bytes
 * @magic: TWIN_MD_MAGIC
 * @version: TWIN_MD_VERSION
 * @flags: TWIN_MDF_* bits
 * @meta_type: enum twin_meta_type (uapi/twin.h)
 * @meta_index: slot on an external meta device, 0 for internal
 * @bm_bytes_per_bit: TWIN_MD_BM_BLOCK_BYTES
 * @uuid: generation UUIDs, indexed by enum twin_uuid_slot
 * @device_uuid: random, identifies this disk (set by create-md)
 * @data_sectors: usable size of the replicated device
 * @sb_sector: sector of this superblock on the meta device
 * @md_size_sectors: the whole metadata area
 * @al_offset: first sector of the activity log, relative to @sb_sector
 * @al_sectors: size of the activity log area
 * @bm_offset: first sector of the bitmap, relative to @sb_sector
 * @bm_sectors: size of the bitmap area
 * @al_extent_shift: log2 of an activity log extent in bytes
 * @al_nr_extents: activity log extents kept hot
 * @reserved: zero; room for later fields
 * @crc32: crc32 (as zlib crc32(), see twin_md_crc32()) of the 4096 bytes
 *	with this field set to zero
 */
struct twin_md_sb {
	__be32 magic;
	__be32 version;
	__be32 flags;
	__be32 meta_type;
	__be32 meta_index;
	__be32 bm_bytes_per_bit;
	__be64 uuid[TWIN_UUID_SLOTS];
	__be64 device_uuid;
	__be64 data_sectors;
	__be64 sb_sector;
	__be32 md_size_sectors;
	__be32 al_offset;	/* signed */
	__be32 al_sectors;
	__be32 bm_offset;	/* signed */
	__be32 bm_sectors;
	__be32 al_extent_shift;
	__be32 al_nr_extents;
	__u8 reserved[3984];
	__be32 crc32;
} __attribute__((packed));

_Static_assert(sizeof(struct twin_md_sb) == 4096, "superblock is 4 KiB");

/*
 * The activity log (kmod/al.c): a ring of TWIN_AL_RING transaction blocks
 * in the AL area. A transaction is one 4 KiB block, written with FUA at
 * ring index @seq % TWIN_AL_RING, listing every extent in which writes
 * may be in flight. The current log is the valid block (magic, crc32c,
 * device_uuid of this superblock) with the highest @seq: a torn write of
 * a newer block leaves the older one, whose extents still cover every
 * write that was allowed to start. Extent n covers the bytes
 * [n << extent_shift, (n + 1) << extent_shift) of the device.
 *
 * Defaults: 128 extents of 4 MiB, so a crashed Primary resyncs at most
 * 512 MiB (DRBD 8.4: 1237 x 4 MiB = 4.8 GiB), a few seconds at line rate,
 * while a hot set of half a GiB stays active without metadata writes.
 */
#define TWIN_AL_MAGIC		0x5457414c	/* "TWAL" */
#define TWIN_AL_BLOCK_BYTES	4096
#define TWIN_AL_RING		(TWIN_MD_AL_SECTORS * 512 / TWIN_AL_BLOCK_BYTES)
#define TWIN_AL_MAX_EXTENTS	1008		/* what fits in one block */
#define TWIN_AL_MIN_EXTENTS	4		/* a request spans at most 2 */
#define TWIN_AL_DEFAULT_EXTENTS	128
#define TWIN_AL_DEFAULT_SHIFT	22		/* 4 MiB extents */
#define TWIN_AL_SHIFT_MIN	20		/* >= the largest request */
#define TWIN_AL_SHIFT_MAX	30

/**
 * struct twin_md_al - one activity log transaction, exactly 4096 bytes
 * @magic: TWIN_AL_MAGIC
 * @crc32c: CRC-32C (Castagnoli, as twin_al_crc32c()) of the 4096 bytes
 *	with this field set to zero
 * @seq: transaction number, increasing, never reused on this metadata
 * @device_uuid: the superblock's device_uuid (stale logs do not count)
 * @extent_shift: log2 of the extent size in bytes
 * @nr_extents: the configured maximum of active extents
 * @count: entries used in @extents
 * @reserved: zero
 * @extents: the active extent numbers
 */
struct twin_md_al {
	__be32 magic;
	__be32 crc32c;
	__be64 seq;
	__be64 device_uuid;
	__be32 extent_shift;
	__be32 nr_extents;
	__be32 count;
	__u8 reserved[28];
	__be32 extents[TWIN_AL_MAX_EXTENTS];
} __attribute__((packed));

_Static_assert(sizeof(struct twin_md_al) == TWIN_AL_BLOCK_BYTES,
	       "activity log block is 4 KiB");

/* CRC-32C (reflected 0x82f63b78, init and final xor ~0); bitwise, for tools. */
static inline __u32 twin_al_crc32c(const void *buf, __u32 len)
{
	const __u8 *p = (const __u8 *)buf;
	__u32 crc = ~0U;
	__u32 i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78U & -(crc & 1));
	}
	return ~crc;
}

/**
 * struct twin_md_layout - where things are, in 512-byte sectors
 * @sb_sector: superblock, absolute on the meta device
 * @al_offset: activity log, relative to @sb_sector
 * @al_sectors: activity log size
 * @bm_offset: bitmap, relative to @sb_sector
 * @bm_sectors: bitmap size
 * @md_size_sectors: whole metadata area
 * @data_sectors: usable size of the replicated device
 */
struct twin_md_layout {
	__u64 sb_sector;
	__s32 al_offset;
	__u32 al_sectors;
	__s32 bm_offset;
	__u32 bm_sectors;
	__u32 md_size_sectors;
	__u64 data_sectors;
};

/* Sectors of bitmap needed to cover @data_sectors, rounded to 4 KiB. */
static inline __u32 twin_md_bm_sectors(__u64 data_sectors)
{
	__u64 bits = (data_sectors + TWIN_MD_BM_BLOCK_SECTORS - 1) /
		     TWIN_MD_BM_BLOCK_SECTORS;
	__u64 bytes = (bits + 7) / 8;

	bytes = (bytes + 4095) & ~4095ULL;
	return (__u32)(bytes / 512);
}

/**
 * twin_md_layout_internal() - metadata at the end of a device
 * @dev_sectors: size of the backing device
 * @l: filled in
 *
 * Return: 0, or -1 if the device is too small to hold any data.
 */
static inline int twin_md_layout_internal(__u64 dev_sectors,
					  struct twin_md_layout *l)
{
	__u64 end = dev_sectors & ~7ULL;	/* 4 KiB aligned */
	__u32 bm = twin_md_bm_sectors(end);
	__u32 md = TWIN_MD_SB_SECTORS + TWIN_MD_AL_SECTORS + bm;

	if (end < (__u64)md + 8)
		return -1;
	l->sb_sector = end - TWIN_MD_SB_SECTORS;
	l->al_offset = -TWIN_MD_AL_SECTORS;
	l->al_sectors = TWIN_MD_AL_SECTORS;
	l->bm_offset = -(__s32)(TWIN_MD_AL_SECTORS + bm);
	l->bm_sectors = bm;
	l->md_size_sectors = md;
	l->data_sectors = end - md;
	return 0;
}

/**
 * twin_md_layout_external() - metadata in a slot of a separate device
 * @data_dev_sectors: size of the backing (data) device
 * @meta_dev_sectors: size of the meta device
 * @index: slot number
 * @l: filled in
 *
 * Return: 0, or -1 if the slot does not fit on the meta device or its
 * bitmap cannot cover the data device.
 */
static inline int twin_md_layout_external(__u64 data_dev_sectors,
					  __u64 meta_dev_sectors, __u32 index,
					  struct twin_md_layout *l)
{
	__u64 data = data_dev_sectors & ~7ULL;
	__u32 bm = twin_md_bm_sectors(data);
	__u32 md = TWIN_MD_SB_SECTORS + TWIN_MD_AL_SECTORS + bm;

	if ((__u64)index * TWIN_MD_EXT_SLOT_SECTORS + md > meta_dev_sectors ||
	    md > TWIN_MD_EXT_SLOT_SECTORS || data < 8)
		return -1;
	l->sb_sector = (__u64)index * TWIN_MD_EXT_SLOT_SECTORS;
	l->al_offset = TWIN_MD_SB_SECTORS;
	l->al_sectors = TWIN_MD_AL_SECTORS;
	l->bm_offset = TWIN_MD_SB_SECTORS + TWIN_MD_AL_SECTORS;
	l->bm_sectors = bm;
	l->md_size_sectors = md;
	l->data_sectors = data;
	return 0;
}

/*
 * twin_md_crc32() - the superblock checksum: CRC-32 (IEEE 802.3, reflected,
 * initial value and final xor ~0), i.e. zlib's crc32(0, buf, len) and the
 * kernel's ~crc32_le(~0, buf, len). Bitwise: it runs once per superblock.
 */
static inline __u32 twin_md_crc32(const void *buf, __u32 len)
{
	const __u8 *p = (const __u8 *)buf;
	__u32 crc = ~0U;
	__u32 i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

#endif /* _TWIN_ONDISK_H */
