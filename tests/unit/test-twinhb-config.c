// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the twinhb.conf parser (tools/twinhb/conf.c). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu_run.h"
#include "../../tools/twinhb/conf.h"

static struct hb_config *cfg;
static char err[512];

static const char full_conf[] =
	"# a complete configuration\n"
	"port 7795;\n"
	"interval 100ms;\n"
	"deadtime 1s;\n"
	"takeover-delay 250ms;\n"
	"shared-secret \"s3cret with \\\"quotes\\\" inside\";\n"
	"hook /usr/local/bin/notify;\n"
	"commands {\n"
	"\ttwinadm /opt/twin/twinadm -c /etc/twin/t.conf;\n"
	"\tslotd /opt/slotd;\n"
	"}\n"
	"node node1 { address 10.77.0.11, 192.168.5.11:7796; }\n"
	"node node2 {\n"
	"\taddress 10.77.0.12, [fd00::12]:7797;\n"
	"}\n"
	"witness w1 { address 10.77.0.13; }\n"
	"group g1 {\n"
	"\tpreferred node1;\n"
	"\tresource r0;\n"
	"\tfilesystem /dev/twin0 /srv/g1 ext4;\n"
	"\tslot /srv/g1/slotA;\n"
	"\tslot /srv/g1/slotB;\n"
	"\tvip 10.77.0.100/24 dev eth0;\n"
	"}\n"
	"group g2 { preferred node2; vip 10.77.0.101/24 dev eth0; }\n";

static int parse(const char *text)
{
	err[0] = '\0';
	return conf_parse_string("test.conf", text, cfg, err, sizeof(err));
}

static void test_full(void)
{
	const struct hb_group *g;
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	char buf[64];

	CU_ASSERT_EQUAL_FATAL(parse(full_conf), 0);
	CU_ASSERT_EQUAL(cfg->port, 7795);
	CU_ASSERT_EQUAL(cfg->interval_ms, 100);
	CU_ASSERT_EQUAL(cfg->deadtime_ms, 1000);
	CU_ASSERT_EQUAL(cfg->takeover_delay_ms, 250);
	CU_ASSERT_EQUAL(cfg->secret_len, strlen("s3cret with \"quotes\" inside"));
	CU_ASSERT(!memcmp(cfg->secret, "s3cret with \"quotes\" inside",
			  cfg->secret_len));
	CU_ASSERT_STRING_EQUAL(cfg->hook, "/usr/local/bin/notify");
	CU_ASSERT_EQUAL(cfg->twinadm.argc, 3);
	CU_ASSERT_STRING_EQUAL(cfg->twinadm.argv[0], "/opt/twin/twinadm");
	CU_ASSERT_STRING_EQUAL(cfg->twinadm.argv[2], "/etc/twin/t.conf");
	CU_ASSERT_EQUAL(cfg->slotd.argc, 1);
	/* defaults for the commands not given */
	CU_ASSERT_STRING_EQUAL(cfg->mount.argv[0], "/bin/mount");

	CU_ASSERT_EQUAL_FATAL(cfg->nmembers, 3);
	CU_ASSERT_STRING_EQUAL(cfg->members[0].name, "node1");
	CU_ASSERT_EQUAL(cfg->members[0].role, HB_ROLE_NODE);
	CU_ASSERT_EQUAL(cfg->members[0].naddrs, 2);
	sin = (const void *)&cfg->members[0].addr[0];
	CU_ASSERT_EQUAL(ntohs(sin->sin_port), 7795);
	sin = (const void *)&cfg->members[0].addr[1];
	CU_ASSERT_EQUAL(ntohs(sin->sin_port), 7796);
	CU_ASSERT_STRING_EQUAL(conf_addr_text(&cfg->members[0].addr[1], buf,
					      sizeof(buf)),
			       "192.168.5.11:7796");
	sin6 = (const void *)&cfg->members[1].addr[1];
	CU_ASSERT_EQUAL(sin6->sin6_family, AF_INET6);
	CU_ASSERT_EQUAL(ntohs(sin6->sin6_port), 7797);
	CU_ASSERT_EQUAL(cfg->members[2].role, HB_ROLE_WITNESS);

	CU_ASSERT_EQUAL_FATAL(cfg->ngroups, 2);
	g = &cfg->groups[0];
	CU_ASSERT_STRING_EQUAL(g->name, "g1");
	CU_ASSERT_EQUAL(g->preferred, 0);
	CU_ASSERT(g->has_resource);
	CU_ASSERT_STRING_EQUAL(g->resource, "r0");
	CU_ASSERT(g->has_fs);
	CU_ASSERT_STRING_EQUAL(g->fs_dev, "/dev/twin0");
	CU_ASSERT_STRING_EQUAL(g->fs_dir, "/srv/g1");
	CU_ASSERT_STRING_EQUAL(g->fs_type, "ext4");
	CU_ASSERT_EQUAL(g->nslots, 2);
	CU_ASSERT_STRING_EQUAL(g->slots[1], "/srv/g1/slotB");
	CU_ASSERT(g->has_vip);
	CU_ASSERT_EQUAL(g->vip.prefix, 24);
	CU_ASSERT_EQUAL(g->vip.addr.s_addr, inet_addr("10.77.0.100"));
	CU_ASSERT_STRING_EQUAL(g->vip.dev, "eth0");
	CU_ASSERT_EQUAL(cfg->groups[1].preferred, 1);
	CU_ASSERT(!cfg->groups[1].has_resource);

	CU_ASSERT_EQUAL(conf_member(cfg, "w1"), 2);
	CU_ASSERT_EQUAL(conf_member(cfg, "nope"), -1);
	CU_ASSERT_EQUAL(conf_group(cfg, "g2"), 1);
	CU_ASSERT_EQUAL(conf_peer_of(cfg, 0), 1);
	CU_ASSERT_EQUAL(conf_peer_of(cfg, 1), 0);
}

static void test_defaults(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("shared-secret \"0123456789abcdef\";\n"
				    "node a { address 127.0.0.1; }\n"
				    "node b { address 127.0.0.2; }\n"), 0);
	CU_ASSERT_EQUAL(cfg->port, HB_PORT_DEFAULT);
	CU_ASSERT_EQUAL(cfg->interval_ms, 200);
	CU_ASSERT_EQUAL(cfg->deadtime_ms, 2000);
	/* the survivor outwaits the loser's fence-timeout plus slack */
	CU_ASSERT_EQUAL(cfg->fence_timeout_ms, 3000);
	CU_ASSERT_EQUAL(cfg->takeover_delay_ms, 3400);
	CU_ASSERT_FALSE(cfg->fence_reboot);
	CU_ASSERT_STRING_EQUAL(cfg->twinadm.argv[0], "/usr/sbin/twinadm");
	CU_ASSERT_EQUAL(cfg->slotd.argc, 2);
	CU_ASSERT_STRING_EQUAL(cfg->slotd.argv[1], "-f");
	CU_ASSERT_EQUAL(cfg->hook[0], '\0');

	CU_ASSERT_EQUAL_FATAL(parse("shared-secret \"0123456789abcdef\";\n"
				    "fence-timeout 5s; fence-action reboot;\n"
				    "node a { address 127.0.0.1; }\n"
				    "node b { address 127.0.0.2; }\n"), 0);
	CU_ASSERT_EQUAL(cfg->fence_timeout_ms, 5000);
	CU_ASSERT_EQUAL(cfg->takeover_delay_ms, 5400);
	CU_ASSERT_TRUE(cfg->fence_reboot);
}

/* The fingerprint covers names and groups, so mismatched files are seen. */
static void test_fingerprint(void)
{
	static const char a[] = "shared-secret \"0123456789abcdef\";\n"
		"node a { address 127.0.0.1; } node b { address 127.0.0.2; }\n"
		"group g { preferred a; resource r0; }\n";
	static const char b[] = "shared-secret \"0123456789abcdef\";\n"
		"node a { address 127.0.0.1; } node b { address 127.0.0.2; }\n"
		"group g { preferred b; resource r0; }\n";
	uint32_t fa;

	CU_ASSERT_EQUAL_FATAL(parse(a), 0);
	fa = cfg->fingerprint;
	CU_ASSERT_EQUAL_FATAL(parse(a), 0);
	CU_ASSERT_EQUAL(cfg->fingerprint, fa);
	CU_ASSERT_EQUAL_FATAL(parse(b), 0);
	CU_ASSERT_NOT_EQUAL(cfg->fingerprint, fa);
}

static const char two_nodes[] = "shared-secret \"0123456789abcdef\";\n"
	"node a { address 127.0.0.1; }\nnode b { address 127.0.0.2; }\n";

/* Each bad input must fail with this exact "file:line: message" prefix. */
static const struct {
	const char *text;
	const char *expect;
} bad[] = {
	{ "port 7795\ninterval 2s;\n", "test.conf:1: missing ';' after 'port'" },
	{ "frobnicate 3;\n", "test.conf:1: unknown keyword 'frobnicate'" },
	{ "\nfence-action halt;\n",
	  "test.conf:2: fence-action is reboot or none, not 'halt'" },
	{ "\n\ninterval 200;\n", "test.conf:3: duration '200' needs a unit" },
	{ "interval 2h;\n", "test.conf:1: unknown unit 'h'" },
	{ "port 70000;\n", "test.conf:1: '70000' is not a port number" },
	{ "shared-secret \"short\";\n",
	  "test.conf:1: shared-secret is shorter than 16" },
	{ "shared-secret \"abc\n", "test.conf:1: unterminated quoted string" },
	{ "node a { address 10.0.0.300; }\n",
	  "test.conf:1: '10.0.0.300' is not an IPv4 or IPv6 address" },
	{ "node a { address 10.0.0.1 10.0.0.2; }\n",
	  "test.conf:1: separate addresses with ','" },
	{ "node a {\n address 10.0.0.1;\n colour red;\n}\n",
	  "test.conf:3: unknown keyword 'colour' in node a" },
	{ "node a { address 10.0.0.1; }\nnode a { address 10.0.0.2; }\n",
	  "test.conf:2: node 'a' is defined twice" },
	{ "node a { address 10.0.0.1; }\n",
	  "test.conf:2: 1 node(s) defined, twinhb needs exactly 2" },
	{ "node a { address 1.0.0.1; } node b { address 1.0.0.2; }\n"
	  "node c { address 1.0.0.3; }\n",
	  "test.conf:2: more than 2 nodes" },
	{ "node a { }\n", "test.conf:1: node a has no address" },
	{ "group g {\n resource r0;\n}\n",
	  "test.conf:1: group g has no 'preferred NODE;'" },
	{ "node a { address 1.0.0.1; }\ngroup g { preferred z; vip 1.2.3.4/24 dev e; }\n",
	  "test.conf:2: group g: preferred 'z' is not a node" },
	{ "node a { address 1.0.0.1; }\ngroup g { preferred a; vip 1.2.3.4 dev e; }\n",
	  "test.conf:2: vip '1.2.3.4' needs a prefix length" },
	{ "group g { preferred a; vip fd00::1/64 dev e; }\n",
	  "test.conf:1: vip 'fd00::1/64' is not an IPv4 address" },
	{ "group g { slot relative/dir; }\n",
	  "test.conf:1: slot directory 'relative/dir' must be an absolute path" },
	{ "group g {\n preferred a;\n", "test.conf:3: missing '}' at end of file" },
	{ "}\n", "test.conf:1: unexpected '}'" },
	{ "commands { mkfs /sbin/mkfs; }\n",
	  "test.conf:1: unknown command 'mkfs'" },
	{ "commands { twinadm twinadm; }\n",
	  "test.conf:1: command twinadm: 'twinadm' must be an absolute path" },
	{ "interval 1s;\ndeadtime 1500ms;\nshared-secret \"0123456789abcdef\";\n"
	  "node a { address 1.0.0.1; } node b { address 1.0.0.2; }\n",
	  "test.conf:5: deadtime (1500ms) must be at least twice the interval" },
	{ "node a { address 1.0.0.1; } node b { address 1.0.0.2; }\n",
	  "test.conf:2: no shared-secret" },
	{ "group bad/name { preferred a; }\n",
	  "test.conf:1: group name 'bad/name' may only contain" },
};

static void test_errors(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse(bad[i].text);

		CU_ASSERT_EQUAL(r, -1);
		if (strncmp(err, bad[i].expect, strlen(bad[i].expect))) {
			fprintf(stderr, "\n  case %u: got \"%s\"\n  expected \"%s...\"\n",
				i, err, bad[i].expect);
			CU_FAIL("wrong error message");
		}
	}
	/* and a good base still parses, so the cases above fail on purpose */
	CU_ASSERT_EQUAL(parse(two_nodes), 0);
}

static void test_file(void)
{
	char path[] = "/tmp/test-twinhb-conf-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(full_conf, f);
	fclose(f);
	CU_ASSERT_EQUAL(conf_parse_file(path, cfg, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg->ngroups, 2);
	unlink(path);
	CU_ASSERT_EQUAL(conf_parse_file(path, cfg, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
}

static CU_TestInfo tests[] = {
	{ "full configuration", test_full },
	{ "defaults", test_defaults },
	{ "fingerprint", test_fingerprint },
	{ "errors name file, line and problem", test_errors },
	{ "parse a file", test_file },
	CU_TEST_INFO_NULL,
};

void unit_register(void)
{
	cfg = malloc(sizeof(*cfg));
	if (!cfg)
		abort();
	unit_suite("twinhb-config", tests);
}
