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

/* Count the out-of-sync bits of the bitmap, reading it in chunks. */
static int md_count_oos(const struct md_place *pl,
			const struct twin_md_sb *sb, uint64_t *count)
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
	*count = 0;
	while (done < nbits && !ret) {
		chunk_bits = nbits - done;
		if (chunk_bits > (uint64_t)MD_IO_CHUNK * 8)
			chunk_bits = (uint64_t)MD_IO_CHUNK * 8;
		len = (size_t)((chunk_bits + 7) / 8);
		ret = md_pread(pl->fd, buf, len, off);
		if (!ret)
			*count += md_count_bits(buf, chunk_bits);
		off += len;
		done += chunk_bits;
	}
	free(buf);
	return ret;
}

void md_sb_print(FILE *out, const struct twin_md_sb *sb,
		 uint64_t out_of_sync_blocks)
{
	uint32_t flags = be32toh(sb->flags);
	uint64_t data = be64toh(sb->data_sectors);
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
	fprintf(out, "bitmap offset %" PRId32 " sectors, %" PRIu32
		" KiB, %" PRIu32 " bytes per bit\n",
		(int32_t)be32toh(sb->bm_offset), be32toh(sb->bm_sectors) / 2,
		be32toh(sb->bm_bytes_per_bit));
	fprintf(out, "out-of-sync %" PRIu64 " blocks (%" PRIu64 " KiB)\n",
		out_of_sync_blocks,
		out_of_sync_blocks * TWIN_MD_BM_BLOCK_BYTES / 1024);
}

enum md_result md_dump(const struct md_target *t, FILE *out,
		       char err[MD_ERR_MAX])
{
	struct md_place pl;
	struct twin_md_sb *sb;
	char why[MD_ERR_MAX / 2];
	uint64_t oos = 0;
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
	ret = md_count_oos(&pl, sb, &oos);
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
	md_sb_print(out, sb, oos);
out_free:
	free(sb);
out_close:
	close(pl.fd);
	return ret;
}
