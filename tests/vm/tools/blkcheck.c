// SPDX-License-Identifier: GPL-2.0
/*
 * blkcheck - write verifiable data and prove later that what was
 * acknowledged is still there: the guest-side tool of the crash and
 * replication tests.
 *
 *   blkcheck write DEV SEED BLOCKS SECONDS   block-device writer (O_DIRECT)
 *   blkcheck files DIR SEED SECONDS          file writer (write+fsync)
 *   blkcheck verify DEV SEED < LOG           check every logged block
 *   blkcheck verify-files DIR SEED < LOG     check every logged file
 *
 * A writer prints one line "ack N GEN" to stdout after write number GEN
 * to block (or file) N completed, i.e. after the kernel acknowledged it as
 * durable. Send that stream off the machine (to the host) and a power
 * failure cannot lose the evidence. Each 4 KiB block carries its number,
 * its generation and a checksum, so the verifier can tell the acknowledged
 * generation, a newer one written after it, stale data and garbage apart.
 * Exit status: 0 all acknowledged data present, 1 something lost, 2 usage
 * error or a log with no acknowledgement in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLK		4096
#define BLK_MAGIC	0x7477696e636b3031ULL	/* "twinck01" */
#define MAX_BLOCKS	(1u << 22)

struct blk_head {
	uint64_t magic;
	uint64_t seed;
	uint64_t block;
	uint64_t gen;
	uint64_t sum;		/* of the payload after the head */
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

/* Fill a block for (seed, block, gen); payload is a keyed stream. */
static void blk_fill(unsigned char *b, uint64_t seed, uint64_t block,
		     uint64_t gen)
{
	struct blk_head *h = (struct blk_head *)b;
	uint64_t *p = (uint64_t *)(b + sizeof(*h));
	uint64_t s = mix(seed ^ mix(block) ^ mix(gen << 1)), sum = 0;
	size_t i, n = (BLK - sizeof(*h)) / 8;

	for (i = 0; i < n; i++) {
		p[i] = mix(s + i);
		sum = mix(sum ^ p[i]);
	}
	h->magic = BLK_MAGIC;
	h->seed = seed;
	h->block = block;
	h->gen = gen;
	h->sum = sum;
}

/* Return the generation a block holds, 0 if never written, -1 if bad. */
static int64_t blk_gen(const unsigned char *b, uint64_t seed, uint64_t block)
{
	const struct blk_head *h = (const struct blk_head *)b;
	unsigned char *want;
	int64_t ret;

	if (h->magic != BLK_MAGIC)
		return 0;
	if (h->seed != seed || h->block != block || !h->gen)
		return -1;
	if (posix_memalign((void **)&want, BLK, BLK))
		return -1;
	blk_fill(want, seed, block, h->gen);
	ret = memcmp(want, b, BLK) ? -1 : (int64_t)h->gen;
	free(want);
	return ret;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_write(const char *dev, uint64_t seed, uint64_t blocks,
		     double seconds)
{
	double end = now() + seconds;
	uint64_t *gens, n, writes = 0;
	unsigned char *b;
	int fd;

	fd = open(dev, O_WRONLY | O_DIRECT | O_DSYNC);
	if (fd < 0) {
		fprintf(stderr, "blkcheck: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	gens = calloc(blocks, sizeof(*gens));
	if (!gens || posix_memalign((void **)&b, BLK, BLK))
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (now() < end) {
		n = mix(seed ^ mix(++writes)) % blocks;
		blk_fill(b, seed, n, gens[n] + 1);
		if (pwrite(fd, b, BLK, n * BLK) != BLK) {
			fprintf(stderr, "blkcheck: write block %llu: %s\n",
				(unsigned long long)n, strerror(errno));
			return 1;
		}
		gens[n]++;
		printf("ack %llu %llu\n", (unsigned long long)n,
		       (unsigned long long)gens[n]);
	}
	fprintf(stderr, "blkcheck: %llu writes done\n",
		(unsigned long long)writes);
	close(fd);
	return 0;
}

static int cmd_files(const char *dir, uint64_t seed, double seconds)
{
	double end = now() + seconds;
	unsigned char b[BLK];
	char path[4096];
	uint64_t n = 0;
	int fd, dfd;

	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd < 0) {
		fprintf(stderr, "blkcheck: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (now() < end) {
		n++;
		snprintf(path, sizeof(path), "%s/f%06llu", dir,
			 (unsigned long long)n);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		blk_fill(b, seed, n, 1);
		if (fd < 0 || write(fd, b, BLK) != BLK || fsync(fd) ||
		    close(fd) || fsync(dfd)) {
			fprintf(stderr, "blkcheck: %s: %s\n", path,
				strerror(errno));
			return 1;
		}
		printf("ack %llu 1\n", (unsigned long long)n);
	}
	fprintf(stderr, "blkcheck: %llu files done\n", (unsigned long long)n);
	return 0;
}

/* Read the "ack N GEN" log and keep the highest GEN per N. */
static uint64_t *read_log(uint64_t *max_n)
{
	unsigned long long n, gen;
	uint64_t *gens = calloc(MAX_BLOCKS, sizeof(*gens));
	char line[128];

	*max_n = 0;
	if (!gens)
		return NULL;
	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "ack %llu %llu", &n, &gen) != 2 ||
		    n >= MAX_BLOCKS)
			continue;	/* a line cut by the power failure */
		if (gen > gens[n])
			gens[n] = gen;
		if (n + 1 > *max_n)
			*max_n = n + 1;
	}
	return gens;
}

static int check_block(const unsigned char *b, uint64_t seed, uint64_t n,
		       uint64_t acked, uint64_t *bad)
{
	int64_t got = blk_gen(b, seed, n);

	if (got >= 0 && (uint64_t)got >= acked)
		return 0;
	if (*bad < 20)
		printf("LOST block %llu: acknowledged gen %llu, found %s %lld\n",
		       (unsigned long long)n, (unsigned long long)acked,
		       got < 0 ? "garbage" : "gen", (long long)got);
	(*bad)++;
	return 1;
}

static int cmd_verify(const char *dev, uint64_t seed)
{
	uint64_t max_n, n, checked = 0, bad = 0;
	uint64_t *gens = read_log(&max_n);
	unsigned char *b;
	int fd;

	fd = open(dev, O_RDONLY | O_DIRECT);
	if (!gens || fd < 0 || posix_memalign((void **)&b, BLK, BLK)) {
		fprintf(stderr, "blkcheck: %s: %s\n", dev, strerror(errno));
		return 2;
	}
	for (n = 0; n < max_n; n++) {
		if (!gens[n])
			continue;
		if (pread(fd, b, BLK, n * BLK) != BLK) {
			printf("LOST block %llu: unreadable: %s\n",
			       (unsigned long long)n, strerror(errno));
			bad++;
			continue;
		}
		checked++;
		check_block(b, seed, n, gens[n], &bad);
	}
	printf("verify: %llu acknowledged blocks checked, %llu lost\n",
	       (unsigned long long)checked, (unsigned long long)bad);
	if (!checked)
		return 2;	/* an empty log proves nothing */
	return bad ? 1 : 0;
}

static int cmd_verify_files(const char *dir, uint64_t seed)
{
	uint64_t max_n, n, checked = 0, bad = 0;
	uint64_t *gens = read_log(&max_n);
	unsigned char b[BLK];
	char path[4096];
	int fd;

	if (!gens)
		return 2;
	for (n = 0; n < max_n; n++) {
		if (!gens[n])
			continue;
		snprintf(path, sizeof(path), "%s/f%06llu", dir,
			 (unsigned long long)n);
		fd = open(path, O_RDONLY);
		checked++;
		if (fd < 0 || read(fd, b, BLK) != BLK) {
			printf("LOST file %s: %s\n", path,
			       fd < 0 ? strerror(errno) : "short");
			bad++;
		} else {
			check_block(b, seed, n, 1, &bad);
		}
		if (fd >= 0)
			close(fd);
	}
	printf("verify: %llu acknowledged files checked, %llu lost\n",
	       (unsigned long long)checked, (unsigned long long)bad);
	if (!checked)
		return 2;	/* an empty log proves nothing */
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "write"))
		return cmd_write(argv[2], strtoull(argv[3], NULL, 0),
				 strtoull(argv[4], NULL, 0), atof(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "files"))
		return cmd_files(argv[2], strtoull(argv[3], NULL, 0),
				 atof(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "verify"))
		return cmd_verify(argv[2], strtoull(argv[3], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "verify-files"))
		return cmd_verify_files(argv[2], strtoull(argv[3], NULL, 0));
	fprintf(stderr,
		"usage: blkcheck write DEV SEED BLOCKS SECONDS\n"
		"       blkcheck files DIR SEED SECONDS\n"
		"       blkcheck verify DEV SEED < LOG\n"
		"       blkcheck verify-files DIR SEED < LOG\n");
	return 2;
}
