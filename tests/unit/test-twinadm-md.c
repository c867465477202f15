// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of twinadm's on-disk metadata code (tools/twinadm/md.c):
 * superblock encoding and checks, bitmap counting, and create-md/dump-md
 * on sparse files standing in for block devices.
 */
#include <endian.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu_run.h"
#include "../../tools/twinadm/md.h"
#include "uapi/twin.h"

static char dir[64];
static char err[MD_ERR_MAX];

static void make_file(char *path, size_t len, const char *name,
		      unsigned long long size)
{
	int fd;

	snprintf(path, len, "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(ftruncate(fd, (off_t)size), 0);
	close(fd);
}

static int setup(void)
{
	strcpy(dir, "/tmp/twinadm-md-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

/* md_dump() into a string; *RET gets its result. */
static char *dump_text(const struct md_target *t, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*ret = md_dump(t, f, err);
	fclose(f);
	return buf;
}

static void test_crc(void)
{
	/* the standard CRC-32 check value */
	CU_ASSERT_EQUAL(twin_md_crc32("123456789", 9), 0xCBF43926U);
}

static void test_sb_encode_check(void)
{
	struct twin_md_layout l;
	struct twin_md_sb sb;
	char why[MD_ERR_MAX];

	CU_ASSERT_EQUAL_FATAL(twin_md_layout_internal(2097152, &l), 0);
	md_sb_build(&sb, &l, TWIN_META_INTERNAL, 0, 0x1234);
	CU_ASSERT_EQUAL(be32toh(sb.magic), TWIN_MD_MAGIC);
	CU_ASSERT_EQUAL(be64toh(sb.uuid[TWIN_UUID_CURRENT]),
			TWIN_UUID_JUST_CREATED);
	CU_ASSERT_EQUAL(be64toh(sb.data_sectors), l.data_sectors);
	CU_ASSERT_EQUAL((int32_t)be32toh(sb.bm_offset), l.bm_offset);
	CU_ASSERT_EQUAL(md_sb_check(&sb, why, sizeof(why)), 0);

	sb.flags = htobe32(1);		/* any change breaks the checksum */
	CU_ASSERT_EQUAL(md_sb_check(&sb, why, sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "metadata checksum mismatch");

	md_sb_build(&sb, &l, TWIN_META_INTERNAL, 0, 1);
	sb.version = htobe32(TWIN_MD_VERSION + 1);
	CU_ASSERT_EQUAL(md_sb_check(&sb, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "unsupported metadata version"));

	sb.magic = 0;
	CU_ASSERT_EQUAL(md_sb_check(&sb, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "bad magic"));
}

static void test_count_bits(void)
{
	uint8_t bm[4] = { 0xff, 0x01, 0x80, 0xff };

	CU_ASSERT_EQUAL(md_count_bits(bm, 0), 0);
	CU_ASSERT_EQUAL(md_count_bits(bm, 8), 8);
	CU_ASSERT_EQUAL(md_count_bits(bm, 9), 9);
	CU_ASSERT_EQUAL(md_count_bits(bm, 23), 9);	/* bit 23 not counted */
	CU_ASSERT_EQUAL(md_count_bits(bm, 24), 10);
	CU_ASSERT_EQUAL(md_count_bits(bm, 27), 13);
}

static char *oos_text(const struct md_oos *oos, bool full)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	md_oos_print(f, oos, full);
	fclose(f);
	return buf;
}

static void test_oos_ranges(void)
{
	/* blocks 0-3, 8, 15-17 (across a byte), 23 */
	uint8_t bm[3] = { 0x0f, 0x81, 0x83 };
	uint8_t ones[2] = { 0xff, 0xff }, zero[4] = { 0 };
	struct md_oos oos;
	char *text;
	int i;

	memset(&oos, 0, sizeof(oos));
	md_oos_scan(&oos, bm, 0, 24);
	CU_ASSERT_EQUAL(oos.count, 9);
	CU_ASSERT_EQUAL(oos.nranges, 4);
	text = oos_text(&oos, false);
	CU_ASSERT_STRING_EQUAL(text,
		"out-of-sync 9 blocks (36 KiB)\n"
		"out-of-sync-blocks 0-3 8 15-17 23 (4 KiB blocks)\n");
	free(text);

	/* a run across two chunks is one range; bits past NBITS are not read */
	memset(&oos, 0, sizeof(oos));
	md_oos_scan(&oos, ones, 0, 16);
	md_oos_scan(&oos, ones, 16, 4);
	CU_ASSERT_EQUAL(oos.count, 20);
	CU_ASSERT_EQUAL(oos.nranges, 1);
	CU_ASSERT_EQUAL(oos.last[0], 19);

	/* many runs: the first MD_OOS_RANGES are listed, the rest counted */
	memset(&oos, 0, sizeof(oos));
	for (i = 0; i < 20; i++) {
		uint8_t one = 0x01;

		md_oos_scan(&oos, &one, (uint64_t)i * 10, 8);
		md_oos_scan(&oos, zero, (uint64_t)i * 10 + 8, 2);
	}
	CU_ASSERT_EQUAL(oos.count, 20);
	CU_ASSERT_EQUAL(oos.nranges, 20);
	text = oos_text(&oos, true);
	CU_ASSERT_STRING_EQUAL(text,
		"out-of-sync 20 blocks (80 KiB)\n"
		"full-sync pending: every block counts as out of sync\n"
		"out-of-sync-blocks 0 10 20 30 40 50 60 70 (and 12 more ranges) (4 KiB blocks)\n");
	free(text);

	/* runs that continue across chunks even after the listed ones */
	memset(&oos, 0, sizeof(oos));
	for (i = 0; i < 12; i++)
		md_oos_scan(&oos, ones, (uint64_t)i * 16, 16);
	CU_ASSERT_EQUAL(oos.nranges, 1);
	CU_ASSERT_EQUAL(oos.last[0], 191);

	memset(&oos, 0, sizeof(oos));
	md_oos_scan(&oos, zero, 0, 32);
	text = oos_text(&oos, false);
	CU_ASSERT_STRING_EQUAL(text, "out-of-sync 0 blocks (0 KiB)\n");
	free(text);
}

/* One activity log block as kmod/al.c writes it. */
static void al_block(struct twin_md_al *b, uint64_t seq, uint64_t uuid,
		     uint32_t count)
{
	uint32_t i;

	memset(b, 0, sizeof(*b));
	b->magic = htobe32(TWIN_AL_MAGIC);
	b->seq = htobe64(seq);
	b->device_uuid = htobe64(uuid);
	b->extent_shift = htobe32(22);
	b->nr_extents = htobe32(64);
	b->count = htobe32(count);
	for (i = 0; i < count; i++)
		b->extents[i] = htobe32((count - i) * 7);	/* LRU order */
	b->crc32c = htobe32(twin_al_crc32c(b, sizeof(*b)));
}

static void test_al(void)
{
	struct twin_md_al *ring = calloc(TWIN_AL_RING, sizeof(*ring));
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
	/* the CRC-32C check value */
	CU_ASSERT_EQUAL(twin_al_crc32c("123456789", 9), 0xE3069283U);
	CU_ASSERT_EQUAL(md_al_current(ring, 77), -1);	/* never written */
	al_block(&ring[1], 9, 77, 2);
	al_block(&ring[2], 10, 77, 3);
	al_block(&ring[3], 11, 77, 1);
	CU_ASSERT_EQUAL(md_al_current(ring, 77), 3);
	/* a torn newest block does not count: the one before it does */
	ring[3].extents[0] ^= htobe32(1);
	CU_ASSERT_EQUAL(md_al_current(ring, 77), 2);
	/* nor does a log of other metadata (another device_uuid) */
	al_block(&ring[4], 50, 78, 1);
	CU_ASSERT_EQUAL(md_al_current(ring, 77), 2);

	f = open_memstream(&buf, &len);
	md_al_print(f, &ring[2], false);
	md_al_print(f, &ring[1], true);
	md_al_print(f, NULL, true);
	al_block(&ring[0], 3, 77, 0);
	md_al_print(f, &ring[0], true);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf,
		"activity-log seq 10, 3 of 64 extents active, 4096 KiB each, in use (these extents count as out of sync after a crash)\n"
		"al-active-extents 7 14 21\n"
		"activity-log seq 9, 2 of 64 extents active, 4096 KiB each, clean (nothing to resync)\n"
		"al-active-extents 7 14\n"
		"activity-log empty (never written)\n"
		"activity-log seq 3, 0 of 64 extents active, 4096 KiB each, clean (nothing to resync)\n");
	free(buf);
	free(ring);
}

static void test_create_dump_internal(void)
{
	struct md_target t = { .meta_disk = "internal" };
	struct twin_md_layout l;
	char path[128], *text;
	uint8_t bits[2] = { 0x0f, 0x01 };
	FILE *f;
	int fd, ret;

	make_file(path, sizeof(path), "disk", 1ULL << 30);
	t.disk = path;

	/* dry run writes nothing */
	f = fopen("/dev/null", "w");
	CU_ASSERT_EQUAL(md_create(&t, false, true, f, err), MD_OK);
	CU_ASSERT_EQUAL(md_dump(&t, f, err), MD_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no twin metadata"));

	CU_ASSERT_EQUAL(md_create(&t, false, false, f, err), MD_OK);
	/* existing metadata needs --force */
	CU_ASSERT_EQUAL(md_create(&t, false, false, f, err), MD_EXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "already holds twin metadata"));
	CU_ASSERT_EQUAL(md_create(&t, true, false, f, err), MD_OK);
	fclose(f);

	/* mark 5 blocks out of sync behind md.c's back */
	CU_ASSERT_EQUAL_FATAL(twin_md_layout_internal(2097152, &l), 0);
	fd = open(path, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(pwrite(fd, bits, 2, (off_t)((l.sb_sector +
			(uint64_t)(int64_t)l.bm_offset) * 512)), 2);
	close(fd);

	text = dump_text(&t, &ret);
	CU_ASSERT_EQUAL(ret, MD_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "version 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "meta-type internal\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text,
		"current-uuid 0000000000000004 (just created)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "superblock-sector 2097144\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "out-of-sync 5 blocks (20 KiB)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text,
		"out-of-sync-blocks 0-3 8 (4 KiB blocks)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text,
		"al-extents default (set on the first attach)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text,
		"activity-log empty (never written)\n"));
	free(text);

	/* create-md clears the bitmap again */
	f = fopen("/dev/null", "w");
	CU_ASSERT_EQUAL(md_create(&t, true, false, f, err), MD_OK);
	fclose(f);
	text = dump_text(&t, &ret);
	CU_ASSERT_EQUAL(ret, MD_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "out-of-sync 0 blocks (0 KiB)\n"));
	free(text);

	/* a damaged superblock is reported, not trusted */
	fd = open(path, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(pwrite(fd, "X", 1, (off_t)(l.sb_sector * 512 + 100)),
			1);
	close(fd);
	f = fopen("/dev/null", "w");
	CU_ASSERT_EQUAL(md_dump(&t, f, err), MD_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "checksum mismatch"));
	CU_ASSERT_EQUAL(md_create(&t, false, false, f, err), MD_EXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "damaged"));
	fclose(f);
	unlink(path);
}

static void test_create_external(void)
{
	struct md_target t = { .meta_index = 1 };
	char data[128], meta[128], *text;
	FILE *f;
	int ret;

	make_file(data, sizeof(data), "data", 64ULL << 20);
	make_file(meta, sizeof(meta), "meta", 129ULL << 20);
	t.disk = data;
	t.meta_disk = meta;
	f = fopen("/dev/null", "w");
	CU_ASSERT_EQUAL(md_create(&t, false, false, f, err), MD_OK);
	fclose(f);
	text = dump_text(&t, &ret);
	CU_ASSERT_EQUAL(ret, MD_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "meta-type external\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "meta-index 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "superblock-sector 262144\n"));
	/* the whole data device is usable */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "data-size 65536 KiB"));
	free(text);

	/* slot 2 does not fit on a 129 MiB meta device */
	t.meta_index = 2;
	f = fopen("/dev/null", "w");
	CU_ASSERT_EQUAL(md_create(&t, false, false, f, err), MD_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too small"));
	fclose(f);
	unlink(data);
	unlink(meta);
}

static void test_errors(void)
{
	struct md_target t = { .meta_disk = "internal" };
	char path[128];
	FILE *f = fopen("/dev/null", "w");

	t.disk = "none";
	CU_ASSERT_EQUAL(md_create(&t, false, false, f, err), MD_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "disk none"));
	t.disk = "/nonexistent/disk";
	CU_ASSERT_EQUAL(md_create(&t, false, false, f, err), MD_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
	t.disk = "/dev/null";
	CU_ASSERT_EQUAL(md_create(&t, false, false, f, err), MD_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a block device"));
	make_file(path, sizeof(path), "tiny", 16 * 1024);
	t.disk = path;
	CU_ASSERT_EQUAL(md_create(&t, false, false, f, err), MD_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too small"));
	unlink(path);
	fclose(f);
	rmdir(dir);
}

void unit_register(void)
{
	static const CU_TestInfo tests[] = {
		{ "crc32", test_crc },
		{ "superblock encode and check", test_sb_encode_check },
		{ "bitmap counting", test_count_bits },
		{ "out-of-sync ranges", test_oos_ranges },
		{ "activity log", test_al },
		{ "create-md and dump-md, internal", test_create_dump_internal },
		{ "create-md and dump-md, external", test_create_external },
		{ "errors", test_errors },
		CU_TEST_INFO_NULL,
	};

	if (setup()) {
		fprintf(stderr, "cannot create a temporary folder\n");
		exit(2);
	}
	unit_suite("twinadm-md", tests);
}
