// SPDX-License-Identifier: GPL-2.0
/* Dot-stuffing and unstuffing, whole and split at every byte. */
#include <stdlib.h>
#include <string.h>

#include "cu_run.h"
#include "proto/dot.h"

/* Unstuff in pieces of step bytes; returns bytes consumed in all. */
static size_t unstuff(const char *in, size_t step, char *out, size_t *olen,
		      bool *end)
{
	struct dot_unstuffer u;
	size_t len = strlen(in), off = 0, n, got;

	dot_unstuff_init(&u);
	*olen = 0;
	*end = false;
	while (off < len && !*end) {
		n = len - off < step ? len - off : step;
		got = dot_unstuff(&u, in + off, n, out + *olen, &n, end);
		*olen += n;
		off += got;
	}
	return off;
}

static void check_unstuff(const char *in, const char *want, size_t rest)
{
	size_t len = strlen(in), step, olen, used;
	char *out = malloc(2 * len + 1);
	bool end;

	for (step = 1; step <= len; step++) {
		used = unstuff(in, step, out, &olen, &end);
		CU_ASSERT_TRUE(end);
		CU_ASSERT_EQUAL(len - used, rest);
		CU_ASSERT_EQUAL(olen, strlen(want));
		CU_ASSERT_EQUAL(memcmp(out, want, olen), 0);
	}
	free(out);
}

static void test_unstuff(void)
{
	check_unstuff("Subject: x\r\n\r\nhello\r\n.\r\n",
		      "Subject: x\r\n\r\nhello\r\n", 0);
	check_unstuff("..leading dot\r\n...two\r\n.\r\n",
		      ".leading dot\r\n..two\r\n", 0);
	check_unstuff(".\r\n", "", 0);
	check_unstuff("a\r\n.\r\nQUIT\r\n", "a\r\n", 6);
	/* A bare LF becomes CRLF; a dot line ending in LF also ends. */
	check_unstuff("a\nb\n.\n", "a\r\nb\r\n", 0);
	/* Not an end: ". x" and ".." lines, CR inside a line. */
	check_unstuff(". x\r\n..\r\na\rb\r\n.\r\n",
		      " x\r\n.\r\na\rb\r\n", 0);
	/* ".\r" followed by something else is data. */
	check_unstuff(".\rX\r\n.\r\n", "\rX\r\n", 0);
}

static void test_unstuff_no_end(void)
{
	const char *in = "line\r\n.. not the end\r\n";
	char out[64];
	size_t olen;
	bool end;

	CU_ASSERT_EQUAL(unstuff(in, 3, out, &olen, &end), strlen(in));
	CU_ASSERT_FALSE(end);
	CU_ASSERT_EQUAL(olen, strlen("line\r\n. not the end\r\n"));
}

static size_t stuff_all(const char *in, size_t step, long lines, char *out)
{
	struct dot_stuffer s;
	size_t len = strlen(in), off, n, o = 0;

	dot_stuff_init(&s, lines);
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		o += dot_stuff(&s, in + off, n, out + o);
	}
	o += dot_stuff_end(&s, out + o);
	return o;
}

static void check_stuff(const char *in, long lines, const char *want)
{
	size_t len = strlen(in), step, o;
	char *out = malloc(2 * len + 8);

	for (step = 1; step <= (len ? len : 1); step++) {
		o = stuff_all(in, step, lines, out);
		out[o] = '\0';
		CU_ASSERT_STRING_EQUAL(out, want);
	}
	free(out);
}

static void test_stuff(void)
{
	check_stuff("a\r\n.b\r\n..\r\n.\r\n", -1,
		    "a\r\n..b\r\n...\r\n..\r\n.\r\n");
	check_stuff("no newline at end", -1, "no newline at end\r\n.\r\n");
	check_stuff("bare\nlf\n", -1, "bare\r\nlf\r\n.\r\n");
	check_stuff("", -1, ".\r\n");
	check_stuff("cr at end\r", -1, "cr at end\r\n.\r\n");
}

static void test_top(void)
{
	const char *msg = "From: a\r\nTo: b\r\n\r\nl1\r\n.l2\r\nl3\r\n";

	check_stuff(msg, 0, "From: a\r\nTo: b\r\n\r\n.\r\n");
	check_stuff(msg, 2, "From: a\r\nTo: b\r\n\r\nl1\r\n..l2\r\n.\r\n");
	check_stuff(msg, 10, "From: a\r\nTo: b\r\n\r\nl1\r\n..l2\r\nl3\r\n.\r\n");
	/* No body separator: everything is header. */
	check_stuff("From: a\r\n", 0, "From: a\r\n.\r\n");
}

/* Unstuffing what we stuffed gives the CRLF form back. */
static void test_roundtrip(void)
{
	const char *msg = ".\r\n..\r\nx\r\n.\r\n.x\r\n\r\n";
	char stuffed[128], back[256];
	size_t o, olen;
	bool end;

	o = stuff_all(msg, 5, -1, stuffed);
	stuffed[o] = '\0';
	CU_ASSERT_EQUAL(unstuff(stuffed, 7, back, &olen, &end), o);
	CU_ASSERT_TRUE(end);
	CU_ASSERT_EQUAL(olen, strlen(msg));
	CU_ASSERT_EQUAL(memcmp(back, msg, olen), 0);
}

static const CU_TestInfo dot_tests[] = {
	{ "unstuff", test_unstuff },
	{ "unstuff without end", test_unstuff_no_end },
	{ "stuff", test_stuff },
	{ "TOP line limit", test_top },
	{ "round trip", test_roundtrip },
	CU_TEST_INFO_NULL,
};

void unit_register(void)
{
	unit_suite("dot", dot_tests);
}
