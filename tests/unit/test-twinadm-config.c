// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the twinadm configuration parser (tools/twinadm/config.c):
 * valid configurations, how levels merge, dump round trips, and every
 * error message with its file and line.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cu_run.h"
#include "../../tools/twinadm/config.h"

#define PAIR_A	"on alpha { address 10.0.0.1:7790; }\n"
#define PAIR_B	"on beta { address 10.0.0.2:7790; }\n"
#define DEVS	"device /dev/twin0; disk /dev/vdb; meta-disk internal;\n"

static struct twin_config cfg;
static char err[CFG_ERR_MAX];

static int parse(const char *text)
{
	return config_parse_string(text, "t.conf", &cfg, err);
}

static void test_minimal(void)
{
	const struct cfg_resource *r;
	const struct sockaddr_in *sin;

	CU_ASSERT_EQUAL_FATAL(parse("resource r0 {\n" DEVS PAIR_A PAIR_B
				    "}\n"), 0);
	CU_ASSERT_EQUAL(cfg.nres, 1);
	r = config_find(&cfg, "r0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->line, 1);
	CU_ASSERT_EQUAL(r->opts.protocol, 'C');	/* default */
	CU_ASSERT_FALSE(r->opts.has_secret);
	CU_ASSERT_EQUAL(r->opts.ping_int_ms, 0);	/* module default */
	CU_ASSERT_STRING_EQUAL(r->hosts[0].name, "alpha");
	CU_ASSERT_STRING_EQUAL(r->hosts[1].name, "beta");
	CU_ASSERT_STRING_EQUAL(r->hosts[1].device, "/dev/twin0");
	CU_ASSERT_EQUAL(r->hosts[1].minor, 0);
	CU_ASSERT_STRING_EQUAL(r->hosts[1].disk, "/dev/vdb");
	CU_ASSERT_STRING_EQUAL(r->hosts[1].meta_disk, "internal");
	CU_ASSERT_EQUAL(r->hosts[0].line, 3);
	sin = (const struct sockaddr_in *)&r->hosts[1].addr;
	CU_ASSERT_EQUAL(sin->sin_family, AF_INET);
	CU_ASSERT_EQUAL(ntohs(sin->sin_port), 7790);
	CU_ASSERT_EQUAL(sin->sin_addr.s_addr, inet_addr("10.0.0.2"));
	CU_ASSERT_EQUAL(r->hosts[1].addr_len, sizeof(*sin));
	CU_ASSERT_STRING_EQUAL(r->hosts[1].address, "10.0.0.2:7790");
	CU_ASSERT_PTR_NULL(config_find(&cfg, "r1"));
	config_free(&cfg);
}

static void test_common_and_overrides(void)
{
	const struct cfg_resource *r0, *r1;

	CU_ASSERT_EQUAL_FATAL(parse(
		"common {\n"
		"  protocol A;\n"
		"  shared-secret \"common secret\";\n"
		"  net { ping-int 1; ping-timeout 20; connect-int 2s; }\n"
		"}\n"
		"resource r0 {\n"
		"  protocol C;\n"
		"  net { ping-int 250ms; }\n"
		"  device /dev/twin0; disk /dev/vdb; meta-disk internal;\n"
		"  on alpha { address 10.0.0.1:7790; }\n"
		"  on beta { address 10.0.0.2:7790; disk /dev/vdc;\n"
		"            device minor 5; meta-disk /dev/vdd[3]; }\n"
		"}\n"
		"resource r1 {\n"
		"  net { shared-secret own; }\n"
		"  device /dev/twin1; disk none;\n"
		"  on alpha { address 10.0.0.1:7791; }\n"
		"  on beta { address 10.0.0.2:7791; }\n"
		"}\n"), 0);
	r0 = config_find(&cfg, "r0");
	r1 = config_find(&cfg, "r1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r1);
	/* resource level wins over common, common fills the rest */
	CU_ASSERT_EQUAL(r0->opts.protocol, 'C');
	CU_ASSERT_EQUAL(r0->opts.ping_int_ms, 250);
	CU_ASSERT_EQUAL(r0->opts.ping_timeout_ms, 2000);
	CU_ASSERT_EQUAL(r0->opts.connect_int_ms, 2000);
	CU_ASSERT_STRING_EQUAL(r0->opts.shared_secret, "common secret");
	CU_ASSERT_EQUAL(r1->opts.protocol, 'A');
	CU_ASSERT_EQUAL(r1->opts.ping_int_ms, 1000);
	CU_ASSERT_STRING_EQUAL(r1->opts.shared_secret, "own");
	/* host level wins over resource level */
	CU_ASSERT_STRING_EQUAL(r0->hosts[0].disk, "/dev/vdb");
	CU_ASSERT_EQUAL(r0->hosts[0].minor, 0);
	CU_ASSERT_STRING_EQUAL(r0->hosts[1].disk, "/dev/vdc");
	CU_ASSERT_STRING_EQUAL(r0->hosts[1].device, "/dev/twin5");
	CU_ASSERT_EQUAL(r0->hosts[1].minor, 5);
	CU_ASSERT_STRING_EQUAL(r0->hosts[1].meta_disk, "/dev/vdd");
	CU_ASSERT_EQUAL(r0->hosts[1].meta_index, 3);
	CU_ASSERT_STRING_EQUAL(r0->hosts[0].meta_disk, "internal");
	/* diskless needs no meta-disk */
	CU_ASSERT_STRING_EQUAL(r1->hosts[0].disk, "none");
	config_free(&cfg);
}

static void test_syntax_details(void)
{
	const struct cfg_resource *r;
	const struct sockaddr_in6 *s6;
	struct in6_addr want;

	CU_ASSERT_EQUAL_FATAL(parse(
		"# a comment line\n"
		"resource \"r-0_x.y\" { # trailing comment\n"
		"\tdevice /dev/my#dev minor 7;\n"
		"\tdisk \"/dev/disk/by-id/with space\";\n"
		"\tmeta-disk internal;\n"
		"\tshared-secret \"q\\\"uote\\\\back\\ttab\";\n"
		"\ton alpha { address ipv6 [fd00::1]:7790; }\n"
		"\ton beta { address [fd00::2]:7790; }\n"
		"}"), 0);
	r = config_find(&cfg, "r-0_x.y");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(r->hosts[0].device, "/dev/my#dev");
	CU_ASSERT_EQUAL(r->hosts[0].minor, 7);
	CU_ASSERT_STRING_EQUAL(r->hosts[0].disk,
			       "/dev/disk/by-id/with space");
	CU_ASSERT_STRING_EQUAL(r->opts.shared_secret, "q\"uote\\back\ttab");
	s6 = (const struct sockaddr_in6 *)&r->hosts[1].addr;
	CU_ASSERT_EQUAL(s6->sin6_family, AF_INET6);
	CU_ASSERT_EQUAL(ntohs(s6->sin6_port), 7790);
	inet_pton(AF_INET6, "fd00::2", &want);
	CU_ASSERT_EQUAL(memcmp(&s6->sin6_addr, &want, sizeof(want)), 0);
	CU_ASSERT_STRING_EQUAL(r->hosts[1].address, "[fd00::2]:7790");
	config_free(&cfg);
}

static void test_host_selection(void)
{
	const struct cfg_resource *r;

	CU_ASSERT_EQUAL_FATAL(parse("resource r0 {\n" DEVS PAIR_A PAIR_B
				    "}\n"), 0);
	r = &cfg.res[0];
	CU_ASSERT_PTR_EQUAL(config_local(r, "alpha"), &r->hosts[0]);
	CU_ASSERT_PTR_EQUAL(config_peer(r, "alpha"), &r->hosts[1]);
	CU_ASSERT_PTR_EQUAL(config_local(r, "beta"), &r->hosts[1]);
	CU_ASSERT_PTR_EQUAL(config_peer(r, "beta"), &r->hosts[0]);
	/* a fully qualified node name matches its short name */
	CU_ASSERT_PTR_EQUAL(config_local(r, "beta.example.com"),
			    &r->hosts[1]);
	CU_ASSERT_PTR_NULL(config_local(r, "gamma"));
	CU_ASSERT_PTR_NULL(config_peer(r, "gamma"));
	CU_ASSERT_PTR_NULL(config_local(r, "alph"));
	config_free(&cfg);
}

static char *dump_to_string(const struct twin_config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	config_dump(c, NULL, f);
	fclose(f);
	return buf;
}

/* Skip the "# resource ... on FILE:LINE" comments, which differ. */
static void strip_comments(char *s)
{
	char *out = s, *nl;

	while (*s) {
		nl = strchr(s, '\n');
		nl = nl ? nl + 1 : s + strlen(s);
		if (*s != '#') {
			memmove(out, s, (size_t)(nl - s));
			out += nl - s;
		}
		s = nl;
	}
	*out = '\0';
}

static void test_dump_round_trip(void)
{
	const char *text =
		"common { net { ping-int 250ms; ping-timeout 15; } }\n"
		"resource r0 { protocol A; shared-secret \"a \\\"b\\\"\";\n"
		DEVS PAIR_A
		"on beta { address 10.0.0.2:7790; device /dev/x minor 9;\n"
		"          meta-disk /dev/vdd[2]; }\n"
		"}\n"
		"resource r1 { device minor 1; disk none;\n"
		"on alpha { address ipv6 [::1]:7791; }\n"
		"on beta { address [::2]:7791; } }\n";
	struct twin_config again;
	char *first, *second;

	CU_ASSERT_EQUAL_FATAL(parse(text), 0);
	first = dump_to_string(&cfg);
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "ping-int 250ms;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "ping-timeout 15;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "device /dev/x minor 9;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "meta-disk /dev/vdd[2];"));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "address ipv6 [::1]:7791;"));
	CU_ASSERT_EQUAL_FATAL(config_parse_string(first, "dump", &again,
						  err), 0);
	second = dump_to_string(&again);
	strip_comments(first);
	strip_comments(second);
	CU_ASSERT_STRING_EQUAL(first, second);
	free(first);
	free(second);
	config_free(&again);
	config_free(&cfg);
}

static void test_resync_and_split_brain_options(void)
{
	const struct cfg_resource *r0, *r1;

	CU_ASSERT_EQUAL_FATAL(parse(
		"common {\n"
		"  disk { c-max-rate 100M; c-min-rate 4M; al-extents 64; }\n"
		"  net { after-sb-0pri discard-zero-changes;\n"
		"        after-sb-1pri discard-secondary;\n"
		"        after-sb-2pri disconnect; }\n"
		"}\n"
		"resource r0 {\n"
		"  disk { resync-rate 2G; al-extents 1008; fencing resource-only; }\n"
		"  net { after-sb-0pri discard-least-changes; }\n"
		DEVS PAIR_A PAIR_B
		"}\n"
		"resource r1 {\n"
		"  disk { c-max-rate 0; c-min-rate 250; }\n"
		"  device minor 1; disk /dev/vdc; meta-disk internal;\n"
		"  on alpha { address 10.0.0.1:7791; }\n"
		"  on beta { address 10.0.0.2:7791; }\n"
		"}\n"), 0);
	CU_ASSERT_EQUAL(cfg.nwarnings, 0);
	r0 = config_find(&cfg, "r0");
	r1 = config_find(&cfg, "r1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r1);
	/* resource values win, the rest comes from common */
	CU_ASSERT_TRUE(r0->opts.has_resync_max);
	CU_ASSERT_EQUAL(r0->opts.resync_max_kib, 2U << 20);
	CU_ASSERT_TRUE(r0->opts.has_resync_min);
	CU_ASSERT_EQUAL(r0->opts.resync_min_kib, 4096);
	CU_ASSERT_EQUAL(r0->opts.al_extents, 1008);
	CU_ASSERT_TRUE(r0->opts.has_fencing);	/* DRBD 8.4 puts it in disk */
	CU_ASSERT_EQUAL(r0->opts.fencing, TWIN_FENCING_RESOURCE_ONLY);
	CU_ASSERT_EQUAL(r0->opts.after_sb_0pri,
			TWIN_AFTER_SB_DISCARD_LEAST_CHANGES);
	CU_ASSERT_TRUE(r0->opts.has_after_sb_1pri);
	CU_ASSERT_EQUAL(r0->opts.after_sb_1pri,
			TWIN_AFTER_SB_DISCARD_SECONDARY);
	/* 0 is a value (no cap), not "unset" */
	CU_ASSERT_TRUE(r1->opts.has_resync_max);
	CU_ASSERT_EQUAL(r1->opts.resync_max_kib, 0);
	CU_ASSERT_EQUAL(r1->opts.resync_min_kib, 250);
	CU_ASSERT_EQUAL(r1->opts.al_extents, 64);
	CU_ASSERT_EQUAL(r1->opts.after_sb_0pri,
			TWIN_AFTER_SB_DISCARD_ZERO_CHANGES);
	config_free(&cfg);

	CU_ASSERT_EQUAL(parse("resource r0 { disk { c-min-rate 1M;\n"
			      "c-min-rate 2M; } }"), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.conf:2: 'c-min-rate' given twice");

	/* suffixes in either case; nothing set means nothing sent */
	CU_ASSERT_EQUAL_FATAL(parse("resource r0 {\n"
				    " disk { c-max-rate 512k; c-min-rate 1m; }\n"
				    DEVS PAIR_A PAIR_B "}\n"), -1);
	CU_ASSERT_STRING_EQUAL(err,
			       "t.conf:1: resource r0: c-min-rate (1024 KiB/s) is above c-max-rate (512 KiB/s)");
	CU_ASSERT_EQUAL_FATAL(parse("resource r0 {\n"
				    " disk { c-max-rate 1g; c-min-rate 3K; }\n"
				    DEVS PAIR_A PAIR_B "}\n"), 0);
	r0 = config_find(&cfg, "r0");
	CU_ASSERT_EQUAL(r0->opts.resync_max_kib, 1U << 20);
	CU_ASSERT_EQUAL(r0->opts.resync_min_kib, 3);
	CU_ASSERT_FALSE(r0->opts.has_al_extents);
	CU_ASSERT_FALSE(r0->opts.has_after_sb_0pri);
	CU_ASSERT_FALSE(r0->opts.has_after_sb_1pri);
	config_free(&cfg);
}

/* DRBD's controller knobs are accepted, each with a warning naming it. */
static void test_ignored_controller_options(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("resource r0 {\n"
				    " disk {\n"
				    "  c-plan-ahead 20;\n"
				    "  c-fill-target 100k;\n"
				    "  c-delay-target 10;\n"
				    "  c-max-rate 100M;\n"
				    " }\n"
				    DEVS PAIR_A PAIR_B "}\n"), 0);
	CU_ASSERT_EQUAL_FATAL(cfg.nwarnings, 3);
	CU_ASSERT_STRING_EQUAL(cfg.warnings[0],
			       "t.conf:3: warning: 'c-plan-ahead' is ignored: twin's resync controller only uses c-max-rate and c-min-rate");
	CU_ASSERT_PTR_NOT_NULL(strstr(cfg.warnings[1],
				      "t.conf:4: warning: 'c-fill-target'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(cfg.warnings[2],
				      "t.conf:5: warning: 'c-delay-target'"));
	CU_ASSERT_EQUAL(cfg.res[0].opts.resync_max_kib, 100 * 1024);
	config_free(&cfg);
	CU_ASSERT_EQUAL(cfg.nwarnings, 0);
}

static void test_dump_new_options(void)
{
	const char *text =
		"common { disk { c-min-rate 4M; al-extents 64; } }\n"
		"resource r0 {\n"
		" disk { c-max-rate 100M; }\n"
		" net { after-sb-0pri discard-zero-changes;\n"
		"       after-sb-1pri discard-secondary; }\n"
		DEVS PAIR_A PAIR_B "}\n"
		"resource r1 { disk { c-max-rate 1000; c-min-rate 0; }\n"
		" device minor 1; disk /dev/vdc; meta-disk internal;\n"
		" on alpha { address 10.0.0.1:7791; }\n"
		" on beta { address 10.0.0.2:7791; } }\n";
	struct twin_config again;
	char *first, *second;

	CU_ASSERT_EQUAL_FATAL(parse(text), 0);
	first = dump_to_string(&cfg);
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "\tdisk {\n"
				      "\t\tc-max-rate 100M;\n"
				      "\t\tc-min-rate 4M;\n"
				      "\t\tal-extents 64;\n\t}\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "after-sb-0pri discard-zero-changes;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "after-sb-1pri discard-secondary;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "c-max-rate 1000K;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "c-min-rate 0K;"));
	CU_ASSERT_EQUAL_FATAL(config_parse_string(first, "dump", &again,
						  err), 0);
	second = dump_to_string(&again);
	strip_comments(first);
	strip_comments(second);
	CU_ASSERT_STRING_EQUAL(first, second);
	free(first);
	free(second);
	config_free(&again);
	config_free(&cfg);
}

/* Write NAME under DIR with TEXT. */
static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static char tmpdir[64];

static void make_tmpdir(void)
{
	char cmd[128];

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
	strcpy(tmpdir, "/tmp/twinadm-cfg-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
}

static void test_include(void)
{
	char path[512], sub[512];

	make_tmpdir();
	snprintf(sub, sizeof(sub), "%s/res.d", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0700), 0);
	write_file(tmpdir, "twin.conf",
		   "common { protocol A; }\n"
		   "include \"res.d/*.res\";\n"
		   "include \"none.d/*.res\"; # no match is fine\n"
		   "include \"twin.conf\"; # read once only\n");
	write_file(sub, "a.res", "resource a {\n" DEVS PAIR_A PAIR_B "}\n");
	write_file(sub, "b.res", "resource b { device minor 1;\n"
		   "disk /dev/vdc; meta-disk internal;\n"
		   "on alpha { address 10.0.0.1:7791; }\n"
		   "on beta { address 10.0.0.2:7791; } }\n");
	snprintf(path, sizeof(path), "%s/twin.conf", tmpdir);
	CU_ASSERT_EQUAL_FATAL(config_load(path, &cfg, err), 0);
	CU_ASSERT_EQUAL(cfg.nres, 2);
	CU_ASSERT_STRING_EQUAL(cfg.res[0].name, "a");
	CU_ASSERT_STRING_EQUAL(cfg.res[1].name, "b");
	CU_ASSERT_EQUAL(cfg.res[1].opts.protocol, 'A');
	CU_ASSERT_PTR_NOT_NULL(strstr(cfg.res[1].file, "res.d/b.res"));
	config_free(&cfg);

	/* an error inside an included file names that file */
	write_file(sub, "b.res", "resource b {\n  protocol Q;\n}\n");
	CU_ASSERT_EQUAL(config_load(path, &cfg, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "res.d/b.res:2: unknown protocol 'Q'"));

	/* a missing file (not a pattern) is an error at the include line */
	write_file(tmpdir, "twin.conf", "\n\ninclude \"missing.res\";\n");
	CU_ASSERT_EQUAL(config_load(path, &cfg, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "twin.conf:3: cannot read"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing.res"));

	/* nesting is bounded */
	write_file(tmpdir, "twin.conf", "include \"n1.conf\";\n");
	for (int i = 1; i <= CFG_INCLUDE_DEPTH + 1; i++) {
		char name[32], text[64];

		snprintf(name, sizeof(name), "n%d.conf", i);
		snprintf(text, sizeof(text), "include \"n%d.conf\";\n", i + 1);
		write_file(tmpdir, name, text);
	}
	CU_ASSERT_EQUAL(config_load(path, &cfg, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nested too deep"));

	/* the file given does not exist */
	snprintf(path, sizeof(path), "%s/nope.conf", tmpdir);
	CU_ASSERT_EQUAL(config_load(path, &cfg, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot read"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nope.conf"));
	make_tmpdir();
	rmdir(tmpdir);
	tmpdir[0] = '\0';
}

/* One invalid configuration and the exact error it must produce. */
struct bad_case {
	const char *text;
	const char *error;	/* expected prefix of the message */
};

static const struct bad_case bad_cases[] = {
	{ "global { usage-count no; }",
	  "t.conf:1: unknown keyword 'global' at top level" },
	{ "{", "t.conf:1: unexpected '{' (expected resource" },
	{ "resource r0 {\n  protocl C;\n}",
	  "t.conf:2: unknown keyword 'protocl' in resource r0" },
	{ "resource r0 {\n  address 10.0.0.1:1;\n}",
	  "t.conf:2: 'address' is not allowed in resource r0" },
	{ "common { device /dev/twin0; }",
	  "t.conf:1: 'device' is not allowed in common section" },
	{ "resource r0 { net { device /dev/twin0; } }",
	  "t.conf:1: 'device' is not allowed in net section" },
	{ "resource r0 {\n  protocol C\n  disk /dev/vdb;\n}",
	  "t.conf:3: expected ';' after 'protocol' value, found 'disk'" },
	{ "resource r0 {\n  protocol C;\n",
	  "t.conf:3: missing '}' to close the resource r0 opened at line 1" },
	{ "resource r0 {\n on alpha {\n",
	  "t.conf:3: missing '}' to close the 'on' section opened at line 2" },
	{ "resource r0 { protocol; }",
	  "t.conf:1: missing value for 'protocol' (found ';')" },
	{ "resource r0 { ; }", "t.conf:1: unexpected ';' in resource r0" },
	{ "resource r0 {\n shared-secret \"abc\n\"; }",
	  "t.conf:2: unterminated string" },
	{ "resource r0 { shared-secret \"a\\qb\"; }",
	  "t.conf:1: unknown escape '\\q' in string" },
	{ "resource r0 { shared-secret \"\"; }",
	  "t.conf:1: empty shared-secret" },
	{ "resource r0 { shared-secret "
	  "\"0123456789012345678901234567890123456789012345678901234567890123x\"; }",
	  "t.conf:1: shared-secret too long (max 64 bytes)" },
	{ "resource r0 { protocol B; }",
	  "t.conf:1: protocol B is not supported (use A or C)" },
	{ "resource r0 { protocol D; }",
	  "t.conf:1: unknown protocol 'D' (use A or C)" },
	{ "resource r0 {\n protocol C;\n net { protocol A; }\n}",
	  "t.conf:3: 'protocol' given twice" },
	{ "resource r0 { net { ping-int 0; } }",
	  "t.conf:1: ping-int 0 out of range (50 ms to 60000 ms)" },
	{ "resource r0 { net { ping-timeout 10ms; } }",
	  "t.conf:1: ping-timeout 10ms out of range" },
	{ "resource r0 { net { ping-int 61s; } }",
	  "t.conf:1: ping-int 61s out of range" },
	{ "resource r0 { net { connect-int 1h; } }",
	  "t.conf:1: invalid time '1h' for 'connect-int'" },
	{ "resource r0 { net { ping-int 99999999999999999999; } }",
	  "t.conf:1: invalid time" },
	{ "resource r0 {\n disk {\n  on-io-error detach;\n }\n}",
	  "t.conf:3: unknown keyword 'on-io-error' in disk section" },
	{ "resource r0 { disk { c-max-rate 10X; } }",
	  "t.conf:1: invalid rate '10X' for 'c-max-rate' (KiB/s, or a number with K, M or G" },
	{ "resource r0 { disk { c-max-rate M; } }",
	  "t.conf:1: invalid rate 'M' for 'c-max-rate'" },
	{ "resource r0 { disk { c-max-rate 5G; } }",
	  "t.conf:1: c-max-rate 5G out of range (0 to 4G)" },
	{ "resource r0 { disk { c-min-rate 99999999999999999999; } }",
	  "t.conf:1: invalid rate" },
	{ "resource r0 {\n disk { c-max-rate 10M;\n resync-rate 20M; } }",
	  "t.conf:3: 'resync-rate' given twice (resync-rate is another name for c-max-rate)" },
	{ "resource r0 { disk { c-min-rate 1M; c-min-rate 2M; } }",
	  "t.conf:1: 'c-min-rate' given twice" },
	{ "resource r0 { disk { al-extents 3; } }",
	  "t.conf:1: invalid al-extents '3' (a number from 4 to 1008)" },
	{ "resource r0 { disk { al-extents 1237; } }",
	  "t.conf:1: invalid al-extents '1237' (a number from 4 to 1008)" },
	{ "resource r0 { disk { al-extents 12k; } }",
	  "t.conf:1: invalid al-extents '12k'" },
	{ "resource r0 { disk { c-plan-ahead; } }",
	  "t.conf:1: missing value for 'c-plan-ahead' (found ';')" },
	{ "resource r0 { disk { ping-int 1; } }",
	  "t.conf:1: 'ping-int' is not allowed in disk section" },
	{ "resource r0 { disk { disk /dev/vdb; } }",
	  "t.conf:1: 'disk' is not allowed in disk section" },
	{ "resource r0 { net { c-max-rate 1M; } }",
	  "t.conf:1: 'c-max-rate' is not allowed in net section" },
	{ "resource r0 { c-max-rate 1M; }",
	  "t.conf:1: 'c-max-rate' is not allowed in resource r0" },
	{ "resource r0 { on alpha { disk { c-max-rate 1M; } } }",
	  "t.conf:1: 'disk { }' options are not allowed in 'on' section" },
	{ "resource r0 {\n disk { c-max-rate 10M; c-min-rate 20M; }\n"
	  DEVS PAIR_A PAIR_B "}",
	  "t.conf:1: resource r0: c-min-rate (20480 KiB/s) is above c-max-rate (10240 KiB/s)" },
	{ "resource r0 { net { after-sb-0pri discard-younger-primary; } }",
	  "t.conf:1: after-sb-0pri policy 'discard-younger-primary' is not supported by twin (use disconnect, discard-zero-changes or discard-least-changes)" },
	{ "resource r0 { net { after-sb-0pri discard-secondary; } }",
	  "t.conf:1: after-sb-0pri policy 'discard-secondary' is not supported" },
	{ "resource r0 { net { after-sb-1pri consensus; } }",
	  "t.conf:1: after-sb-1pri policy 'consensus' is not supported by twin (use disconnect or discard-secondary)" },
	{ "resource r0 { net { after-sb-2pri violently-as0p; } }",
	  "t.conf:1: after-sb-2pri policy 'violently-as0p' is not supported by twin (use disconnect)" },
	{ "resource r0 {\n net { after-sb-1pri disconnect;\n"
	  " after-sb-1pri disconnect; } }",
	  "t.conf:3: 'after-sb-1pri' given twice" },
	{ "resource r0 { syncer { rate 10M; } }",
	  "t.conf:1: unknown keyword 'syncer' in resource r0" },
	{ "common { disk /dev/vdb; }",
	  "t.conf:1: 'disk PATH' is not allowed in common section" },
	{ "resource r0 { device /dev/foo; }",
	  "t.conf:1: device /dev/foo: give the minor as 'device /dev/foo minor N;'" },
	{ "resource r0 { device minor x; }",
	  "t.conf:1: invalid minor 'x' (0 to 1023)" },
	{ "resource r0 { device minor 1024; }",
	  "t.conf:1: invalid minor '1024' (0 to 1023)" },
	{ "resource r0 { device /dev/twin1024; }",
	  "t.conf:1: device /dev/twin1024: give the minor" },
	{ "resource r0 { device /dev/twin2 minor 3; }",
	  "t.conf:1: device /dev/twin2 does not match minor 3" },
	{ "resource r0 { device /dev/twin2 major 3; }",
	  "t.conf:1: expected ';' or 'minor N' after 'device /dev/twin2', found 'major'" },
	{ "resource r0 { disk vdb; }",
	  "t.conf:1: 'disk' needs an absolute path, not 'vdb'" },
	{ "resource r0 { disk /dev/a; disk /dev/b; }",
	  "t.conf:1: 'disk' given twice" },
	{ "resource r0 { meta-disk /dev/vdc[x]; }",
	  "t.conf:1: invalid meta-disk index in '/dev/vdc[x]'" },
	{ "resource r0 { on alpha { address 10.0.0.1; } }",
	  "t.conf:1: invalid address '10.0.0.1' (expected IP:PORT" },
	{ "resource r0 { on alpha { address 10.0.0.1:0; } }",
	  "t.conf:1: port 0 out of range (1 to 65535)" },
	{ "resource r0 { on alpha { address 10.0.0.1:65536; } }",
	  "t.conf:1: port 65536 out of range" },
	{ "resource r0 { on alpha { address alpha.example.com:7790; } }",
	  "t.conf:1: invalid IP address 'alpha.example.com' (host names are not allowed)" },
	{ "resource r0 { on alpha { address ipv6 10.0.0.1:7790; } }",
	  "t.conf:1: address '10.0.0.1:7790' is not an ipv6 address" },
	{ "resource r0 { on alpha { address 1.2.3.4:1; address 1.2.3.4:2; } }",
	  "t.conf:1: 'address' given twice" },
	{ "resource r0 { on alpha { on beta { } } }",
	  "t.conf:1: 'on' is not allowed in 'on' section" },
	{ "resource r0 { on al/pha { } }",
	  "t.conf:1: invalid host name 'al/pha'" },
	{ "resource r0 {\n on alpha { }\n on alpha { }\n}",
	  "t.conf:3: resource r0: 'on alpha' given twice" },
	{ "resource r0 {\n on a { }\n on b { }\n on c { }\n}",
	  "t.conf:4: resource r0: third 'on' section (c); a twin resource has exactly two hosts" },
	{ "resource r/0 { }", "t.conf:1: invalid resource name 'r/0'" },
	{ "resource all { }",
	  "t.conf:1: 'all' is reserved and cannot name a resource" },
	{ "resource r0 {\n" DEVS PAIR_A PAIR_B "}\n\nresource r0 { }",
	  "t.conf:7: resource r0 defined twice (first at t.conf:1)" },
	{ "common { }\ncommon { }",
	  "t.conf:2: common section given twice (first at t.conf:1)" },
	{ "resource r0 {\n" DEVS PAIR_A "}",
	  "t.conf:1: resource r0: needs two 'on HOST { }' sections, found 1" },
	{ "resource r0 {\n" DEVS "on alpha { }\n" PAIR_B "}",
	  "t.conf:3: resource r0, host alpha: no address" },
	{ "resource r0 {\ndisk /dev/vdb; meta-disk internal;\n" PAIR_A PAIR_B
	  "}", "t.conf:3: resource r0, host alpha: no device" },
	{ "resource r0 {\ndevice /dev/twin0; meta-disk internal;\n"
	  PAIR_A PAIR_B "}",
	  "t.conf:3: resource r0, host alpha: no disk" },
	{ "resource r0 {\ndevice /dev/twin0; disk /dev/vdb;\n"
	  PAIR_A PAIR_B "}",
	  "t.conf:3: resource r0, host alpha: no meta-disk" },
	{ "resource r0 {\ndevice /dev/twin0; disk /dev/vdb;\n"
	  "meta-disk /dev/vdb;\n" PAIR_A PAIR_B "}",
	  "t.conf:4: resource r0, host alpha: meta-disk and disk are the same device" },
	{ "resource r0 {\n" DEVS PAIR_A
	  "on beta { address [fd00::2]:7790; }\n}",
	  "t.conf:4: resource r0: hosts alpha and beta use different address families" },
	{ "resource r0 {\n" DEVS PAIR_A PAIR_B "}\n"
	  "resource r1 {\n" DEVS "on alpha { address 10.0.0.1:7791; }\n"
	  "on beta { address 10.0.0.2:7791; }\n}",
	  "t.conf:8: resource r1, host alpha: minor 0 is already used by resource r0 (t.conf:3)" },
	{ "resource r0 {\n" DEVS PAIR_A PAIR_B "}\n"
	  "resource r1 {\ndevice minor 1; disk /dev/vdc; meta-disk internal;\n"
	  PAIR_A "on beta { address 10.0.0.2:7791; }\n}",
	  "t.conf:8: resource r1, host alpha: address 10.0.0.1:7790 is already used by resource r0 (t.conf:3)" },
	{ "resource r0 { disk /dev/\x01; }",
	  "t.conf:1: invalid character 0x01" },
	{ "\n\ninclude;", "t.conf:3: missing value for 'include' (found ';')" },
};

static void test_errors(void)
{
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		ret = parse(bad_cases[i].text);
		CU_ASSERT_EQUAL(ret, -1);
		if (ret != -1) {
			config_free(&cfg);
			printf("\n  accepted: %s\n", bad_cases[i].text);
			continue;
		}
		if (strncmp(err, bad_cases[i].error,
			    strlen(bad_cases[i].error))) {
			printf("\n  case %zu\n  want: %s\n  got:  %s\n", i,
			       bad_cases[i].error, err);
			CU_FAIL("wrong error message");
		}
		/* a failed parse leaves nothing allocated behind */
		CU_ASSERT_EQUAL(cfg.nres, 0);
		CU_ASSERT_PTR_NULL(cfg.res);
	}
}

static void test_long_token(void)
{
	size_t n = CFG_TOKEN_MAX + 20;
	char *text = malloc(n + 32);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	strcpy(text, "resource ");
	memset(text + 9, 'x', n);
	strcpy(text + 9 + n, " { }");
	CU_ASSERT_EQUAL(parse(text), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.conf:1: word too long (max 1024 bytes)");
	free(text);
}

/*
 * Random damage to a valid config: the parser must never crash (the ASan
 * build checks memory) and must either accept the text or give an error
 * that starts with "t.conf:LINE: ". Deterministic, so failures reproduce.
 */
static void test_mutations(void)
{
	static const char base[] =
		"common { protocol A; net { ping-int 1; } }\n"
		"resource r0 {\n" DEVS "shared-secret \"x y\";\n"
		PAIR_A "on beta { address [::1]:7790; disk none; }\n}\n"
		"resource r1 { device minor 1; disk /dev/a; meta-disk /dev/b[1];\n"
		"on alpha { address 10.0.0.1:7791; }\n"
		"on beta { address 10.0.0.2:7791; } }\n";
	static const char alphabet[] = "{};\"#\\ \n\tx0:[]/.-\001";
	unsigned int seed = 12345, accepted = 0, rejected = 0;
	char text[sizeof(base) + 8];
	size_t len, pos;
	int i, k, line;

	for (i = 0; i < 5000; i++) {
		memcpy(text, base, sizeof(base));
		len = sizeof(base) - 1;
		for (k = 0; k < 1 + i % 3 && len > 0; k++) {
			seed = seed * 1103515245 + 12345;
			pos = (seed >> 8) % len;
			seed = seed * 1103515245 + 12345;
			switch ((seed >> 8) % 3) {
			case 0:		/* replace a byte */
				text[pos] = alphabet[(seed >> 12) %
						     (sizeof(alphabet) - 1)];
				break;
			case 1:		/* delete a byte */
				memmove(text + pos, text + pos + 1, len - pos);
				len--;
				break;
			default:	/* cut the text short */
				text[pos] = '\0';
				len = pos;
			}
		}
		text[len] = '\0';
		if (parse(text) == 0) {
			accepted++;
			config_free(&cfg);
			continue;
		}
		rejected++;
		if (sscanf(err, "t.conf:%d: ", &line) != 1 || line < 1 ||
		    line > 12) {
			printf("\n  bad error '%s' for:\n%s\n", err, text);
			CU_FAIL("error without file and line");
			return;
		}
	}
	/* both outcomes must have happened, or the test proves nothing */
	CU_ASSERT(accepted > 0);
	CU_ASSERT(rejected > 1000);
}

void unit_register(void)
{
	static const CU_TestInfo tests[] = {
		{ "minimal resource", test_minimal },
		{ "common and per-host overrides", test_common_and_overrides },
		{ "quoting, comments, IPv6", test_syntax_details },
		{ "local host selection", test_host_selection },
		{ "dump round trip", test_dump_round_trip },
		{ "disk { } and after-sb options",
		  test_resync_and_split_brain_options },
		{ "controller options warn", test_ignored_controller_options },
		{ "dump of the new options", test_dump_new_options },
		{ "include files", test_include },
		{ "every error names file and line", test_errors },
		{ "token length limit", test_long_token },
		{ "random damage", test_mutations },
		CU_TEST_INFO_NULL,
	};

	unit_suite("twinadm-config", tests);
}
