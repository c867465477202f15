// SPDX-License-Identifier: GPL-2.0
/* slotd.conf parsing and the generic value readers. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cu_run.h"
#include "slotd/config.h"

static struct slotd_conf conf;
static char err[512];

static int load(const char *text)
{
	slotd_conf_defaults(&conf);
	err[0] = '\0';
	return slotd_conf_load_text(&conf, text, "/slot", err, sizeof(err));
}

static void test_defaults(void)
{
	CU_ASSERT_EQUAL(load(""), 0);
	CU_ASSERT_EQUAL(conf.max_line, 2048);
	CU_ASSERT_EQUAL(conf.max_message_size, 50ULL << 20);
	CU_ASSERT_EQUAL(conf.idle_timeout_ms, 600000);
	CU_ASSERT_EQUAL(conf.plaintext_auth, PLAINTEXT_LOOPBACK);
	/* No listener at all is an error of the whole file. */
	CU_ASSERT_EQUAL(slotd_conf_check(&conf, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no listener"));
}

static void test_full(void)
{
	const struct sockaddr_in6 *sin6;
	const struct sockaddr_in *sin;

	CU_ASSERT_EQUAL(load("# a slot\n"
			     "lmtp = 127.0.0.1:2424\n"
			     "  pop3=127.0.0.1:1110, [::1]:1110  # both\n"
			     "pop3s = *:9950\n"
			     "tls_cert = cert.pem\n"
			     "tls_key = /etc/key.pem\n"
			     "max_line = 4k\n"
			     "max_message_size = 10M\n"
			     "idle_timeout = 2s\n"
			     "login_fail_delay = 250ms\n"
			     "max_conn_per_ip = 3\n"
			     "plaintext_auth = tls\n"
			     "expunge_retention = 7d\n"), 0);
	CU_ASSERT_EQUAL(conf.listen[SVC_LMTP].n, 1);
	CU_ASSERT_EQUAL(conf.listen[SVC_POP3].n, 2);
	sin = (const void *)&conf.listen[SVC_LMTP].addrs[0].ss;
	CU_ASSERT_EQUAL(sin->sin_family, AF_INET);
	CU_ASSERT_EQUAL(ntohs(sin->sin_port), 2424);
	sin6 = (const void *)&conf.listen[SVC_POP3].addrs[1].ss;
	CU_ASSERT_EQUAL(sin6->sin6_family, AF_INET6);
	CU_ASSERT_TRUE(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	sin = (const void *)&conf.listen[SVC_POP3S].addrs[0].ss;
	CU_ASSERT_EQUAL(sin->sin_addr.s_addr, htonl(INADDR_ANY));
	CU_ASSERT_STRING_EQUAL(conf.tls_cert, "/slot/cert.pem");
	CU_ASSERT_STRING_EQUAL(conf.tls_key, "/etc/key.pem");
	CU_ASSERT_EQUAL(conf.max_line, 4096);
	CU_ASSERT_EQUAL(conf.max_message_size, 10ULL << 20);
	CU_ASSERT_EQUAL(conf.idle_timeout_ms, 2000);
	CU_ASSERT_EQUAL(conf.login_fail_delay_ms, 250);
	CU_ASSERT_EQUAL(conf.max_conn_per_ip, 3);
	CU_ASSERT_EQUAL(conf.plaintext_auth, PLAINTEXT_TLS);
	CU_ASSERT_EQUAL(slotd_conf_check(&conf, err, sizeof(err)), 0);
}

/* Each bad line is refused with its line number and a reason. */
static void test_errors(void)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "lmtp = 127.0.0.1\n", "ADDR:PORT" },
		{ "lmtp = 127.0.0.1:0\n", "bad port" },
		{ "lmtp = 127.0.0.1:70000\n", "bad port" },
		{ "lmtp = ::1:24\n", "IPv6 needs []" },
		{ "lmtp = [::1:24\n", "[IPV6]:PORT" },
		{ "lmtp = 1.2.3.4:24,,1.2.3.4:25\n", "empty address" },
		{ "lmtp = 999.1.1.1:24\n", "bad IPv4" },
		{ "max_line = 10\n", "outside" },
		{ "max_line = 1x\n", "unknown unit" },
		{ "max_line = -5\n", "not a number" },
		{ "idle_timeout = 5w\n", "unknown unit" },
		{ "plaintext_auth = sometimes\n", "tls, loopback or always" },
		{ "no_such_key = 1\n", "unknown key" },
		{ "just words\n", "key = value" },
		{ "= 5\n", "missing key" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(load(bad[i].text), -1);
		if (!strstr(err, bad[i].msg) || !strstr(err, ":1:"))
			fprintf(stderr, "\n  '%s' gave '%s'\n", bad[i].text,
				err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].msg));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1:"));
	}
	CU_ASSERT_EQUAL(load("lmtp = 127.0.0.1:24\n\nmax_line = 1\n"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":3: max_line: '1' is outside"));
	CU_ASSERT_EQUAL(load("lmtp = 127.0.0.1\n"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: lmtp: "));
}

static void test_check(void)
{
	CU_ASSERT_EQUAL(load("pop3s = 127.0.0.1:995\n"), 0);
	CU_ASSERT_EQUAL(slotd_conf_check(&conf, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "pop3s needs tls_cert"));
	CU_ASSERT_EQUAL(load("pop3 = 127.0.0.1:110\ntls_cert = c.pem\n"), 0);
	CU_ASSERT_EQUAL(slotd_conf_check(&conf, err, sizeof(err)), -1);
}

static void test_values(void)
{
	unsigned long long v;
	bool b;

	CU_ASSERT_EQUAL(conf_size("1G", 0, ~0ULL, &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 1ULL << 30);
	CU_ASSERT_EQUAL(conf_size("99999999999999999999k", 0, ~0ULL, &v, err,
				  sizeof(err)), -1);
	CU_ASSERT_EQUAL(conf_size("18014398509481984k", 0, ~0ULL, &v, err,
				  sizeof(err)), -1);	/* overflows */
	CU_ASSERT_EQUAL(conf_duration("90", 0, ~0ULL, &v, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(v, 90000);
	CU_ASSERT_EQUAL(conf_duration("5m", 0, ~0ULL, &v, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(v, 300000);
	CU_ASSERT_EQUAL(conf_bool("yes", &b, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(b);
	CU_ASSERT_EQUAL(conf_bool("maybe", &b, err, sizeof(err)), -1);
}

static const CU_TestInfo conf_tests[] = {
	{ "defaults", test_defaults },
	{ "full file", test_full },
	{ "errors name the line", test_errors },
	{ "cross-key checks", test_check },
	{ "value readers", test_values },
	CU_TEST_INFO_NULL,
};

void unit_register(void)
{
	unit_suite("slotd_conf", conf_tests);
}
