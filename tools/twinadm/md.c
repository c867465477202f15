// SPDX-License-Identifier: GPL-2.0
/*
 * create-md and dump-md: the twin superblock from userspace (see md.h and
 * twin_ondisk.h). Writes go in the order the kernel relies on: activity
 * log and bitmap first, then the superblock that makes them valid, each
 * followed by fsync.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "md.h"
#include "uapi/twin.h"

#define MD_IO_CHUNK	(1024 * 1024)	/* bytes per read or write call */

/* The metadata of one target, opened. */
struct md_place {
	int fd;				/* the device holding the metadata */
	const char *path;
	uint32_t meta_type;		/* enum twin_meta_type */
	struct twin_md_layout layout;
};

static const char *const md_flag_names[] = {
	"consistent", "was-uptodate", "primary", "connected", "full-sync",
	"peer-outdated", "al-clean",
};

/* Open PATH, exclusively if it is a block device, and get its size. */
static enum md_result md_open(const char *path, int flags, uint64_t *sectors,
			      char err[MD_ERR_MAX])
{
	struct stat st;
	uint64_t bytes;
	int fd;

	if (stat(path, &st)) {
		snprintf(err, MD_ERR_MAX, "%s: %s", path, strerror(errno));
		return MD_ERROR;
	}
	if (S_ISBLK(st.st_mode))
		flags |= O_EXCL;
	else if (!S_ISREG(st.st_mode)) {
		snprintf(err, MD_ERR_MAX, "%s: not a block device", path);
		return MD_ERROR;
	}
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0 && errno == EBUSY) {
		snprintf(err, MD_ERR_MAX,
			 "%s is in use (mounted, or attached to a resource that is up: run 'twinadm down RES' first)",
			 path);
		return MD_BUSY;
	}
	if (fd < 0) {
		snprintf(err, MD_ERR_MAX, "%s: %s", path, strerror(errno));
		return MD_ERROR;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &bytes)) {
			snprintf(err, MD_ERR_MAX, "%s: cannot get size: %s",
				 path, strerror(errno));
			close(fd);
			return MD_ERROR;
		}
	} else {
		bytes = (uint64_t)st.st_size;
	}
	*sectors = bytes / 512;
	return fd;
}

/* Open the device holding T's metadata and compute the layout. */
static enum md_result md_locate(const struct md_target *t, bool write,
				struct md_place *pl, char err[MD_ERR_MAX])
{
	int flags = write ? O_RDWR : O_RDONLY;
	uint64_t data_sectors, meta_sectors;
	int fd, ret;

	if (!strcmp(t->disk, "none")) {
		snprintf(err, MD_ERR_MAX,
			 "no disk on this host ('disk none'), so no metadata");
		return MD_ERROR;
	}
	fd = md_open(t->disk, flags, &data_sectors, err);
	if (fd < 0)
		return fd;
	pl->path = t->disk;
	pl->meta_type = TWIN_META_INTERNAL;
	if (!strcmp(t->meta_disk, "internal")) {
		pl->fd = fd;
		ret = twin_md_layout_internal(data_sectors, &pl->layout);
	} else {
		close(fd);
		fd = md_open(t->meta_disk, flags, &meta_sectors, err);
		if (fd < 0)
			return fd;
		pl->fd = fd;
		pl->path = t->meta_disk;
		pl->meta_type = TWIN_META_EXTERNAL;
		ret = twin_md_layout_external(data_sectors, meta_sectors,
					      t->meta_index, &pl->layout);
	}
	if (ret) {
		snprintf(err, MD_ERR_MAX,
			 "%s is too small for twin metadata (index %u)",
			 pl->path, t->meta_index);
		close(pl->fd);
		return MD_ERROR;
	}
	return MD_OK;
}

static int md_pread(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	while (len) {
		n = pread(fd, buf, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf = (char *)buf + n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int md_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	while (len) {
		n = pwrite(fd, buf, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf = (const char *)buf + n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Zero sectors [FROM, TO) of FD. */
static int md_zero(int fd, uint64_t from, uint64_t to)
{
	uint64_t off = from * 512, end = to * 512;
	size_t len;
	void *zero;
	int ret = 0;

	zero = calloc(1, MD_IO_CHUNK);
	if (!zero)
		return -ENOMEM;
	while (off < end && !ret) {
		len = end - off > MD_IO_CHUNK ? MD_IO_CHUNK :
						(size_t)(end - off);
		ret = md_pwrite(fd, zero, len, off);
		off += len;
	}
	free(zero);
	return ret;
}

void md_sb_build(struct twin_md_sb *sb, const struct twin_md_layout *l,
		 uint32_t meta_type, uint32_t meta_index,
		 uint64_t device_uuid)
{
	memset(sb, 0, sizeof(*sb));
	sb->magic = htobe32(TWIN_MD_MAGIC);
	sb->version = htobe32(TWIN_MD_VERSION);
	sb->meta_type = htobe32(meta_type);
	sb->meta_index = htobe32(meta_index);
	sb->bm_bytes_per_bit = htobe32(TWIN_MD_BM_BLOCK_BYTES);
	sb->uuid[TWIN_UUID_CURRENT] = htobe64(TWIN_UUID_JUST_CREATED);
	sb->device_uuid = htobe64(device_uuid);
	sb->data_sectors = htobe64(l->data_sectors);
	sb->sb_sector = htobe64(l->sb_sector);
	sb->md_size_sectors = htobe32(l->md_size_sectors);
	sb->al_offset = htobe32((uint32_t)l->al_offset);
	sb->al_sectors = htobe32(l->al_sectors);
	sb->bm_offset = htobe32((uint32_t)l->bm_offset);
	sb->bm_sectors = htobe32(l->bm_sectors);
	sb->crc32 = htobe32(twin_md_crc32(sb, sizeof(*sb)));
}

int md_sb_check(const struct twin_md_sb *sb, char *why, size_t len)
{
	struct twin_md_sb copy;

	if (be32toh(sb->magic) != TWIN_MD_MAGIC) {
		snprintf(why, len, "no twin metadata (bad magic)");
		return -1;
	}
	if (be32toh(sb->version) != TWIN_MD_VERSION) {
		snprintf(why, len,
			 "unsupported metadata version %" PRIu32
			 " (this twinadm knows %d)",
			 be32toh(sb->version), TWIN_MD_VERSION);
		return -1;
	}
	copy = *sb;
	copy.crc32 = 0;
	if (twin_md_crc32(&copy, sizeof(copy)) != be32toh(sb->crc32)) {
		snprintf(why, len, "metadata checksum mismatch");
		return -1;
	}
	return 0;
}

uint64_t md_count_bits(const uint8_t *bitmap, uint64_t nbits)
{
	uint64_t n = 0, i;

	for (i = 0; i < nbits / 8; i++)
		n += (uint64_t)__builtin_popcount(bitmap[i]);
	if (nbits % 8)
		n += (uint64_t)__builtin_popcount(bitmap[i] &
						  ((1U << (nbits % 8)) - 1));
	return n;
}

static void md_print_layout(FILE *out, const struct twin_md_layout *l)
{
	fprintf(out, "superblock at sector %" PRIu64
		", activity log %u KiB, bitmap %u KiB, usable size %" PRIu64
		" KiB\n", (uint64_t)l->sb_sector, l->al_sectors / 2,
		l->bm_sectors / 2, (uint64_t)l->data_sectors / 2);
}

enum md_result md_create(const struct md_target *t, bool force,
			 bool dry_run, FILE *out, char err[MD_ERR_MAX])
{
	const struct twin_md_layout *l;
	struct md_place pl;
	struct twin_md_sb *sb;
	uint64_t lo, hi, uuid = 0;
	char why[MD_ERR_MAX];
	int ret;

	ret = md_locate(t, !dry_run, &pl, err);
	if (ret)
		return ret;
	l = &pl.layout;
	sb = aligned_alloc(4096, sizeof(*sb));
	if (!sb) {
		snprintf(err, MD_ERR_MAX, "out of memory");
		ret = MD_ERROR;
		goto out_close;
	}
	ret = md_pread(pl.fd, sb, sizeof(*sb), l->sb_sector * 512);
	if (ret) {
		snprintf(err, MD_ERR_MAX, "%s: cannot read: %s", pl.path,
			 strerror(-ret));
		ret = MD_ERROR;
		goto out_free;
	}
	if (be32toh(sb->magic) == TWIN_MD_MAGIC) {
		if (!force) {
			snprintf(err, MD_ERR_MAX,
				 "%s already holds twin metadata (version %" PRIu32
				 "%s); refusing to overwrite it without --force (overwriting forgets which node has the newest data)",
				 pl.path, be32toh(sb->version),
				 md_sb_check(sb, why, sizeof(why)) ? ", damaged" : "");
			ret = MD_EXISTS;
			goto out_free;
		}
		fprintf(out, "%s: %s existing twin metadata\n", pl.path,
			dry_run ? "would overwrite" : "overwriting");
	}
	fprintf(out, "%s: %s twin metadata (%s): ", pl.path,
		dry_run ? "would write" : "writing",
		pl.meta_type == TWIN_META_INTERNAL ? "internal" : "external");
	md_print_layout(out, l);
	if (dry_run)
		goto out_free;

	/*
	 * Activity log and bitmap first: stale bits must never count. They
	 * sit below the superblock (internal) or after it (external).
	 */
	if (pl.meta_type == TWIN_META_INTERNAL) {
		lo = l->sb_sector - (uint64_t)(l->md_size_sectors -
					       TWIN_MD_SB_SECTORS);
		hi = l->sb_sector;
	} else {
		lo = l->sb_sector + TWIN_MD_SB_SECTORS;
		hi = l->sb_sector + l->md_size_sectors;
	}
	ret = md_zero(pl.fd, lo, hi);
	if (!ret && fsync(pl.fd))
		ret = -errno;
	if (!ret && getrandom(&uuid, sizeof(uuid), 0) != sizeof(uuid))
		ret = -errno;
	if (!ret) {
		md_sb_build(sb, l, pl.meta_type, t->meta_index, uuid | 1);
		ret = md_pwrite(pl.fd, sb, sizeof(*sb), l->sb_sector * 512);
	}
	if (!ret && fsync(pl.fd))
		ret = -errno;
	if (ret) {
		snprintf(err, MD_ERR_MAX, "%s: writing metadata failed: %s",
			 pl.path, strerror(-ret));
		ret = MD_ERROR;
		goto out_free;
	}
	fprintf(out, "%s: new twin metadata created\n", pl.path);
out_free:
	free(sb);
out_close:
	close(pl.fd);
	return ret;
}

/* ------------------------------------------------------------ bitmap */

static void md_oos_add_run(struct md_oos *oos, uint64_t first, uint64_t last)
{
	uint64_t n = oos->nranges;

	/* a run that goes on from the previous chunk extends it */
	if (n && oos->tail + 1 == first) {
		if (n <= MD_OOS_RANGES)
			oos->last[n - 1] = last;
		oos->tail = last;
		return;
	}
	if (n < MD_OOS_RANGES) {
		oos->first[n] = first;
		oos->last[n] = last;
	}
	oos->tail = last;
	oos->nranges++;
}

void md_oos_scan(struct md_oos *oos, const uint8_t *bitmap, uint64_t base,
		 uint64_t nbits)
{
	uint64_t i = 0, start;

	oos->count += md_count_bits(bitmap, nbits);
	while (i < nbits) {
		/* skip clean bytes quickly: most of a bitmap is zero */
		if (i % 8 == 0 && i + 8 <= nbits && !bitmap[i / 8]) {
			i += 8;
			continue;
		}
		if (!(bitmap[i / 8] & (1U << (i % 8)))) {
			i++;
			continue;
		}
		start = i;
		while (i < nbits && (bitmap[i / 8] & (1U << (i % 8))))
			i++;
		md_oos_add_run(oos, base + start, base + i - 1);
	}
}

void md_oos_print(FILE *out, const struct md_oos *oos, bool full_sync)
{
	uint64_t i, shown = oos->nranges < MD_OOS_RANGES ? oos->nranges :
			    MD_OOS_RANGES;

	fprintf(out, "out-of-sync %" PRIu64 " blocks (%" PRIu64 " KiB)\n",
		oos->count, oos->count * TWIN_MD_BM_BLOCK_BYTES / 1024);
	if (full_sync)
		fputs("full-sync pending: every block counts as out of sync\n",
		      out);
	if (!oos->nranges)
		return;
	fputs("out-of-sync-blocks", out);
	for (i = 0; i < shown; i++) {
		if (oos->first[i] == oos->last[i])
			fprintf(out, " %" PRIu64, oos->first[i]);
		else
			fprintf(out, " %" PRIu64 "-%" PRIu64, oos->first[i],
				oos->last[i]);
	}
	if (oos->nranges > shown)
		fprintf(out, " (and %" PRIu64 " more ranges)",
			oos->nranges - shown);
	fprintf(out, " (%d KiB blocks)\n", TWIN_MD_BM_BLOCK_BYTES / 1024);
}

/* Scan the bitmap, reading it in chunks. */
static int md_read_oos(const struct md_place *pl,
		       const struct twin_md_sb *sb, struct md_oos *oos)
{
	uint64_t data = be64toh(sb->data_sectors);
	uint64_t nbits = (data + TWIN_MD_BM_BLOCK_SECTORS - 1) /
			 TWIN_MD_BM_BLOCK_SECTORS;
	uint64_t off, done = 0, chunk_bits;
	int64_t bm_off = (int32_t)be32toh(sb->bm_offset);
	uint8_t *buf;
	size_t len;
	int ret = 0;

	if (nbits > (uint64_t)be32toh(sb->bm_sectors) * 512 * 8)
		return -EINVAL;
	buf = malloc(MD_IO_CHUNK);
	if (!buf)
		return -ENOMEM;
	off = (uint64_t)((int64_t)be64toh(sb->sb_sector) + bm_off) * 512;
	memset(oos, 0, sizeof(*oos));
	while (done < nbits && !ret) {
		chunk_bits = nbits - done;
		if (chunk_bits > (uint64_t)MD_IO_CHUNK * 8)
			chunk_bits = (uint64_t)MD_IO_CHUNK * 8;
		len = (size_t)((chunk_bits + 7) / 8);
		ret = md_pread(pl->fd, buf, len, off);
		if (!ret)
			md_oos_scan(oos, buf, done, chunk_bits);
		off += len;
		done += chunk_bits;
	}
	free(buf);
	return ret;
}

/* ------------------------------------------------------ activity log */

static bool md_al_valid(const struct twin_md_al *b, uint64_t device_uuid)
{
	struct twin_md_al copy;
	uint32_t shift = be32toh(b->extent_shift);

	if (be32toh(b->magic) != TWIN_AL_MAGIC ||
	    be64toh(b->device_uuid) != device_uuid ||
	    be32toh(b->count) > TWIN_AL_MAX_EXTENTS ||
	    shift < TWIN_AL_SHIFT_MIN || shift > TWIN_AL_SHIFT_MAX)
		return false;
	copy = *b;
	copy.crc32c = 0;
	return twin_al_crc32c(&copy, sizeof(copy)) == be32toh(b->crc32c);
}

int md_al_current(const struct twin_md_al *ring, uint64_t device_uuid)
{
	int i, best = -1;

	for (i = 0; i < TWIN_AL_RING; i++) {
		if (!md_al_valid(&ring[i], device_uuid))
			continue;
		if (best < 0 || be64toh(ring[i].seq) > be64toh(ring[best].seq))
			best = i;
	}
	return best;
}

static int md_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void md_al_print(FILE *out, const struct twin_md_al *al, bool clean)
{
	uint32_t ext[TWIN_AL_MAX_EXTENTS];
	uint32_t i, count, shift;

	if (!al) {
		fputs("activity-log empty (never written)\n", out);
		return;
	}
	count = be32toh(al->count);
	if (count > TWIN_AL_MAX_EXTENTS)
		count = TWIN_AL_MAX_EXTENTS;	/* md_al_current() checks it */
	shift = be32toh(al->extent_shift);
	if (shift < 10 || shift > 31)
		shift = 10;
	fprintf(out, "activity-log seq %" PRIu64 ", %" PRIu32 " of %" PRIu32
		" extents active, %u KiB each, %s\n", be64toh(al->seq), count,
		be32toh(al->nr_extents), 1U << (shift - 10),
		clean ? "clean (nothing to resync)" :
		"in use (these extents count as out of sync after a crash)");
	if (!count)
		return;
	/* in device order: the log keeps them in its own (LRU) order */
	for (i = 0; i < count; i++)
		ext[i] = be32toh(al->extents[i]);
	qsort(ext, count, sizeof(ext[0]), md_cmp_u32);
	fputs("al-active-extents", out);
	for (i = 0; i < count; i++)
		fprintf(out, " %" PRIu32, ext[i]);
	fputc('\n', out);
}

/* Read the ring and print the current transaction. */
static int md_read_al(const struct md_place *pl,
		      const struct twin_md_sb *sb, FILE *out)
{
	uint64_t off = (uint64_t)((int64_t)be64toh(sb->sb_sector) +
				  (int32_t)be32toh(sb->al_offset)) * 512;
	struct twin_md_al *ring;
	int ret, cur;

	if ((uint64_t)be32toh(sb->al_sectors) * 512 <
	    (uint64_t)TWIN_AL_RING * TWIN_AL_BLOCK_BYTES)
		return -EINVAL;
	ring = malloc(sizeof(*ring) * TWIN_AL_RING);
	if (!ring)
		return -ENOMEM;
	ret = md_pread(pl->fd, ring, sizeof(*ring) * TWIN_AL_RING, off);
	if (!ret) {
		cur = md_al_current(ring, be64toh(sb->device_uuid));
		md_al_print(out, cur < 0 ? NULL : &ring[cur],
			    be32toh(sb->flags) & TWIN_MDF_AL_CLEAN);
	}
	free(ring);
	return ret;
}

/* ------------------------------------------------------------ dump-md */

void md_sb_print(FILE *out, const struct twin_md_sb *sb)
{
	uint32_t flags = be32toh(sb->flags);
	uint64_t data = be64toh(sb->data_sectors);
	uint32_t al_nr = be32toh(sb->al_nr_extents);
	uint32_t al_shift = be32toh(sb->al_extent_shift);
	size_t i;
	bool any = false;

	fprintf(out, "version %" PRIu32 "\n", be32toh(sb->version));
	fprintf(out, "meta-type %s\n",
		be32toh(sb->meta_type) == TWIN_META_INTERNAL ? "internal" :
		"external");
	fprintf(out, "meta-index %" PRIu32 "\n", be32toh(sb->meta_index));
	fputs("flags", out);
	for (i = 0; i < sizeof(md_flag_names) / sizeof(md_flag_names[0]); i++) {
		if (flags & (1U << i)) {
			fprintf(out, "%c%s", any ? ',' : ' ', md_flag_names[i]);
			any = true;
		}
	}
	if (flags >> i)
		fprintf(out, "%cunknown-0x%" PRIx32, any ? ',' : ' ',
			flags >> i << i);
	else if (!any)
		fputs(" none", out);
	fputc('\n', out);
	fprintf(out, "current-uuid %016" PRIX64 "%s\n",
		be64toh(sb->uuid[TWIN_UUID_CURRENT]),
		be64toh(sb->uuid[TWIN_UUID_CURRENT]) ==
		TWIN_UUID_JUST_CREATED ? " (just created)" : "");
	fprintf(out, "bitmap-uuid %016" PRIX64 "\n",
		be64toh(sb->uuid[TWIN_UUID_BITMAP]));
	fprintf(out, "history-uuids %016" PRIX64 " %016" PRIX64 "\n",
		be64toh(sb->uuid[TWIN_UUID_HISTORY0]),
		be64toh(sb->uuid[TWIN_UUID_HISTORY1]));
	fprintf(out, "device-uuid %016" PRIX64 "\n",
		be64toh(sb->device_uuid));
	fprintf(out, "data-size %" PRIu64 " KiB (%" PRIu64 " sectors)\n",
		data / 2, data);
	fprintf(out, "superblock-sector %" PRIu64 "\n",
		be64toh(sb->sb_sector));
	fprintf(out, "md-size %" PRIu32 " KiB\n",
		be32toh(sb->md_size_sectors) / 2);
	fprintf(out, "activity-log offset %" PRId32 " sectors, %" PRIu32
		" KiB\n", (int32_t)be32toh(sb->al_offset),
		be32toh(sb->al_sectors) / 2);
	if (al_nr && al_shift >= 10 && al_shift < 32)
		fprintf(out, "al-extents %" PRIu32 " of %u KiB\n", al_nr,
			1U << (al_shift - 10));
	else
		fputs("al-extents default (set on the first attach)\n", out);
	fprintf(out, "bitmap offset %" PRId32 " sectors, %" PRIu32
		" KiB, %" PRIu32 " bytes per bit\n",
		(int32_t)be32toh(sb->bm_offset), be32toh(sb->bm_sectors) / 2,
		be32toh(sb->bm_bytes_per_bit));
}

enum md_result md_dump(const struct md_target *t, FILE *out,
		       char err[MD_ERR_MAX])
{
	struct md_place pl;
	struct twin_md_sb *sb;
	char why[MD_ERR_MAX / 2];
	struct md_oos oos;
	int ret;

	ret = md_locate(t, false, &pl, err);
	if (ret)
		return ret;
	sb = malloc(sizeof(*sb));
	if (!sb) {
		snprintf(err, MD_ERR_MAX, "out of memory");
		ret = MD_ERROR;
		goto out_close;
	}
	ret = md_pread(pl.fd, sb, sizeof(*sb), pl.layout.sb_sector * 512);
	if (ret) {
		snprintf(err, MD_ERR_MAX, "%s: cannot read: %s", pl.path,
			 strerror(-ret));
		ret = MD_ERROR;
		goto out_free;
	}
	if (md_sb_check(sb, why, sizeof(why))) {
		snprintf(err, MD_ERR_MAX, "%.100s: %s (run 'twinadm create-md')",
			 pl.path, why);
		ret = MD_NOT_FOUND;
		goto out_free;
	}
	ret = md_read_oos(&pl, sb, &oos);
	if (ret) {
		snprintf(err, MD_ERR_MAX, "%s: cannot read the bitmap: %s",
			 pl.path, strerror(-ret));
		ret = MD_ERROR;
		goto out_free;
	}
	fprintf(out, "# twin metadata on %s\n", pl.path);
	if (be64toh(sb->sb_sector) != pl.layout.sb_sector)
		fprintf(out,
			"# warning: written for another device size or meta-disk setting (superblock expected at sector %" PRIu64 ")\n",
			(uint64_t)pl.layout.sb_sector);
	md_sb_print(out, sb);
	md_oos_print(out, &oos, be32toh(sb->flags) & TWIN_MDF_FULL_SYNC);
	ret = md_read_al(&pl, sb, out);
	if (ret) {
		snprintf(err, MD_ERR_MAX,
			 "%s: cannot read the activity log: %s", pl.path,
			 strerror(-ret));
		ret = MD_ERROR;
		goto out_free;
	}
out_free:
	free(sb);
out_close:
	close(pl.fd);
	return ret;
}
