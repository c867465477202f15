// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the MIME parser, BODY/BODYSTRUCTURE, ENVELOPE and
 * BODY[section]<partial>.  Expected strings were written by hand from
 * RFC 3501 7.4.2, sizes counted separately, and then confirmed against
 * Dovecot 2.3.19 (tests/fuzz/dovecot-diff.sh runs the same messages).
 */
#include <stdlib.h>
#include <string.h>

#include "cu_run.h"
#include "imap/imap_bodystructure.h"
#include "imap/imap_envelope.h"
#include "imap/imap_mime.h"
#include "imap/imap_section.h"

static const char msg_simple[] =
	"From: Fred Foobar <foobar@Blurdybloop.example.COM>\r\n"
	"Subject: afternoon meeting\r\n"
	"To: mooch@owatagu.siam.edu\r\n"
	"\r\n"
	"Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";

static const char msg_mixed[] =
	"From: \"Joe Q. Public\" <john.q.public@example.com>\r\n"
	"To: Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>\r\n"
	"Cc: <boss@nil.test>, \"Giant; \\\"Big\\\" Box\" "
	"<sysservices@example.net>\r\n"
	"Subject: =?ISO-8859-1?Q?Caf=E9?= test\r\n"
	"Date: Fri, 21 Nov 1997 09:55:06 -0600\r\n"
	"Message-ID: <1234@local.machine.example>\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed;\r\n"
	"\tboundary=\"outer\"\r\n"
	"\r\n"
	"This is the preamble.\r\n"
	"--outer\r\n"
	"Content-Type: multipart/alternative; boundary=inner\r\n"
	"\r\n"
	"--inner\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"Caf=C3=A9 au lait\r\n"
	"--inner\r\n"
	"Content-Type: text/html; charset=\"utf-8\"\r\n"
	"\r\n"
	"<p>Caf&eacute;</p>\r\n"
	"\r\n"
	"--inner--\r\n"
	"--outer\r\n"
	"Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"Content-Disposition: attachment; filename=\"data.bin\"\r\n"
	"Content-ID: <part3@example>\r\n"
	"Content-Description: some data\r\n"
	"Content-Language: en, de\r\n"
	"Content-Location: http://example.com/data.bin\r\n"
	"Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n"
	"\r\n"
	"AAECAwQF\r\n"
	"--outer\r\n"
	"Content-Type: message/rfc822\r\n"
	"\r\n"
	"From: Inner <inner@example.com>\r\n"
	"Subject: inner\r\n"
	"\r\n"
	"inner body\r\n"
	"--outer--\r\n"
	"epilogue\r\n";

static const char inner_envelope[] =
	"(NIL \"inner\" ((\"Inner\" NIL \"inner\" \"example.com\")) "
	"((\"Inner\" NIL \"inner\" \"example.com\")) "
	"((\"Inner\" NIL \"inner\" \"example.com\")) NIL NIL NIL NIL NIL)";

static struct imap_mime *parse(const char *msg)
{
	struct imap_mime *m = imap_mime_parse(msg, strlen(msg));

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	return m;
}

static void assert_structure(const char *msg, bool extended,
			     const char *want)
{
	struct imap_mime *m = parse(msg);
	struct imap_buf b = IMAP_BUF_INIT;

	imap_write_bodystructure(&b, msg, m->root, extended);
	CU_ASSERT_FALSE(imap_buf_failed(&b));
	CU_ASSERT_STRING_EQUAL(imap_buf_str(&b), want);
	if (strcmp(imap_buf_str(&b), want))
		fprintf(stderr, "\n got: %s\nwant: %s\n", imap_buf_str(&b),
			want);
	imap_buf_free(&b);
	imap_mime_free(m);
}

static void test_simple_structure(void)
{
	/* RFC 3501 7.4.2 BODY example, with the Dovecot-style case */
	assert_structure(msg_simple, false,
		"(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL "
		"\"7bit\" 55 1)");
	assert_structure(msg_simple, true,
		"(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL "
		"\"7bit\" 55 1 NIL NIL NIL NIL)");
}

static void test_simple_envelope(void)
{
	struct imap_mime *m = parse(msg_simple);
	struct imap_buf b = IMAP_BUF_INIT;

	imap_write_envelope(&b, msg_simple, m->root);
	CU_ASSERT_STRING_EQUAL(imap_buf_str(&b),
		"(NIL \"afternoon meeting\" "
		"((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example.COM\")) "
		"((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example.COM\")) "
		"((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example.COM\")) "
		"((NIL NIL \"mooch\" \"owatagu.siam.edu\")) NIL NIL NIL NIL)");
	imap_buf_free(&b);
	imap_mime_free(m);
}

static void test_mixed_structure(void)
{
	char want[2048];

	snprintf(want, sizeof(want),
		"(((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL "
		"\"quoted-printable\" 17 0 NIL NIL NIL NIL)"
		"(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" "
		"20 1 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"inner\") "
		"NIL NIL NIL)"
		"(\"application\" \"octet-stream\" (\"name\" \"data.bin\") "
		"\"<part3@example>\" \"some data\" \"base64\" 8 "
		"\"Q2hlY2sgSW50ZWdyaXR5IQ==\" "
		"(\"attachment\" (\"filename\" \"data.bin\")) (\"en\" \"de\") "
		"\"http://example.com/data.bin\")"
		"(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 61 %s "
		"(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL "
		"\"7bit\" 10 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL) "
		"\"mixed\" (\"boundary\" \"outer\") NIL NIL NIL)",
		inner_envelope);
	assert_structure(msg_mixed, true, want);

	snprintf(want, sizeof(want),
		"(((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL "
		"\"quoted-printable\" 17 0)"
		"(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" "
		"20 1) \"alternative\")"
		"(\"application\" \"octet-stream\" (\"name\" \"data.bin\") "
		"\"<part3@example>\" \"some data\" \"base64\" 8)"
		"(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 61 %s "
		"(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL "
		"\"7bit\" 10 0) 3) \"mixed\")", inner_envelope);
	assert_structure(msg_mixed, false, want);
}

static void test_mixed_envelope(void)
{
	struct imap_mime *m = parse(msg_mixed);
	struct imap_buf b = IMAP_BUF_INIT;

	imap_write_envelope(&b, msg_mixed, m->root);
	CU_ASSERT_STRING_EQUAL(imap_buf_str(&b),
		"(\"Fri, 21 Nov 1997 09:55:06 -0600\" "
		"\"=?ISO-8859-1?Q?Caf=E9?= test\" "
		"((\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\")) "
		"((\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\")) "
		"((\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\")) "
		"((\"Mary Smith\" NIL \"mary\" \"x.test\")"
		"(NIL NIL \"jdoe\" \"example.org\")"
		"(\"Who?\" NIL \"one\" \"y.test\")) "
		"((NIL NIL \"boss\" \"nil.test\")"
		"({16}\r\nGiant; \"Big\" Box NIL \"sysservices\" "
		"\"example.net\")) "
		"NIL NIL \"<1234@local.machine.example>\")");
	imap_buf_free(&b);
	imap_mime_free(m);
}

static void test_offsets(void)
{
	struct imap_mime *m = parse(msg_mixed);
	const struct imap_mime_part *alt, *att, *rfc;

	CU_ASSERT_TRUE(m->root->is_multipart);
	CU_ASSERT_EQUAL(m->root->n_children, 3);
	alt = m->root->children;
	att = alt->next;
	rfc = att->next;
	CU_ASSERT_EQUAL(alt->n_children, 2);
	CU_ASSERT_EQUAL(strncmp(msg_mixed + att->hdr_off,
				"Content-Type: application", 25), 0);
	CU_ASSERT_EQUAL(att->body_size, 8);
	CU_ASSERT_EQUAL(strncmp(msg_mixed + att->body_off, "AAECAwQF\r\n", 10),
			0);
	CU_ASSERT_TRUE(rfc->is_message);
	CU_ASSERT_EQUAL(rfc->message->body_size, 10);
	CU_ASSERT_PTR_NULL(rfc->next);
	CU_ASSERT_EQUAL(m->root->hdr_off, 0);
	CU_ASSERT_EQUAL(m->root->body_off + m->root->body_size,
			strlen(msg_mixed));
	imap_mime_free(m);
}

static void assert_section(const char *msg, const char *att,
			   const char *want)
{
	struct imap_mime *m = parse(msg);
	struct imap_fetch_body fb;
	struct imap_section_data d;
	const char *err = NULL, *data;
	size_t len;
	int r;

	CU_ASSERT_EQUAL_FATAL(imap_fetch_body_parse(att, &fb, &err), 0);
	r = imap_section_fetch(msg, m, &fb.section, &d);
	if (!want) {
		CU_ASSERT_EQUAL(r, -1);
	} else {
		CU_ASSERT_EQUAL(r, 0);
		data = d.data;
		len = d.len;
		if (fb.partial)
			imap_partial_apply(&data, &len, fb.origin, fb.count);
		CU_ASSERT_EQUAL(len, strlen(want));
		CU_ASSERT_EQUAL(memcmp(data, want, len < strlen(want) ? len :
				       strlen(want)), 0);
		if (len != strlen(want) || memcmp(data, want, len))
			fprintf(stderr, "\n%s got: [%.*s]\n", att, (int)len,
				data);
	}
	imap_section_data_free(&d);
	imap_fetch_body_free(&fb);
	imap_mime_free(m);
}

static void test_sections(void)
{
	assert_section(msg_mixed, "BODY[]", msg_mixed);
	assert_section(msg_mixed, "BODY[1.1]", "Caf=C3=A9 au lait");
	assert_section(msg_mixed, "BODY.PEEK[1.2]", "<p>Caf&eacute;</p>\r\n");
	assert_section(msg_mixed, "BODY[1.2.MIME]",
		       "Content-Type: text/html; charset=\"utf-8\"\r\n\r\n");
	assert_section(msg_mixed, "BODY[1]",
		       "--inner\r\n"
		       "Content-Type: text/plain; charset=utf-8\r\n"
		       "Content-Transfer-Encoding: quoted-printable\r\n"
		       "\r\n"
		       "Caf=C3=A9 au lait\r\n"
		       "--inner\r\n"
		       "Content-Type: text/html; charset=\"utf-8\"\r\n"
		       "\r\n"
		       "<p>Caf&eacute;</p>\r\n"
		       "\r\n"
		       "--inner--\r\n");
	assert_section(msg_mixed, "BODY[2]", "AAECAwQF");
	assert_section(msg_mixed, "BODY[3]",
		       "From: Inner <inner@example.com>\r\n"
		       "Subject: inner\r\n\r\ninner body");
	assert_section(msg_mixed, "BODY[3.HEADER]",
		       "From: Inner <inner@example.com>\r\n"
		       "Subject: inner\r\n\r\n");
	assert_section(msg_mixed, "BODY[3.TEXT]", "inner body");
	assert_section(msg_mixed, "BODY[3.1]", "inner body");
	assert_section(msg_mixed, "BODY[3.MIME]",
		       "Content-Type: message/rfc822\r\n\r\n");
	assert_section(msg_mixed, "BODY[3.HEADER.FIELDS (subject)]",
		       "Subject: inner\r\n\r\n");
	assert_section(msg_mixed, "BODY[3.2]", NULL);
	/* HEADER and TEXT only exist for messages */
	assert_section(msg_mixed, "BODY[2.HEADER]", NULL);
	assert_section(msg_mixed, "BODY[1.TEXT]", NULL);
	assert_section(msg_simple, "BODY[1.HEADER]", NULL);
	assert_section(msg_mixed, "BODY[4]", NULL);
	assert_section(msg_mixed, "BODY[1.3]", NULL);
	assert_section(msg_mixed, "BODY[2.1]", "AAECAwQF");
	assert_section(msg_mixed, "BODY[2.2]", NULL);
	assert_section(msg_mixed, "BODY[TEXT]<0.21>", "This is the preamble.");
	assert_section(msg_mixed, "BODY[2]<2.3>", "ECA");
	assert_section(msg_mixed, "BODY[2]<6.100>", "QF");
	assert_section(msg_mixed, "BODY[2]<8.1>", "");
	assert_section(msg_mixed, "BODY[2]<100.1>", "");
}

static void test_header_fields(void)
{
	assert_section(msg_mixed, "BODY.PEEK[HEADER.FIELDS (subject TO)]",
		       "To: Mary Smith <mary@x.test>, jdoe@example.org, "
		       "Who? <one@y.test>\r\n"
		       "Subject: =?ISO-8859-1?Q?Caf=E9?= test\r\n\r\n");
	/* folded fields come whole, and a missing field gives just CRLF */
	assert_section(msg_mixed, "BODY[HEADER.FIELDS (Content-Type)]",
		       "Content-Type: multipart/mixed;\r\n"
		       "\tboundary=\"outer\"\r\n\r\n");
	assert_section(msg_mixed, "BODY[HEADER.FIELDS (X-None \"Bcc\")]",
		       "\r\n");
	assert_section(msg_simple,
		       "BODY[HEADER.FIELDS.NOT (From To Message-ID)]",
		       "Subject: afternoon meeting\r\n\r\n");
	assert_section(msg_simple, "BODY[HEADER]",
		       "From: Fred Foobar <foobar@Blurdybloop.example.COM>\r\n"
		       "Subject: afternoon meeting\r\n"
		       "To: mooch@owatagu.siam.edu\r\n\r\n");
	/* a single-part message has exactly one part */
	assert_section(msg_simple, "BODY[1]",
		       "Hello Joe, do you think we can meet at 3:30 "
		       "tomorrow?\r\n");
	assert_section(msg_simple, "BODY[2]", NULL);
	/* as Dovecot: "1" below a single part once, not twice */
	assert_section(msg_simple, "BODY[1.1]", NULL);
	assert_section(msg_mixed, "BODY[3.1.1]", NULL);
	assert_section(msg_mixed, "BODY[1.1.1]", "Caf=C3=A9 au lait");
	assert_section(msg_mixed, "BODY[1.1.1.1]", NULL);
}

static void test_fetch_body_syntax(void)
{
	static const char *const bad[] = {
		"BODY", "BODY[", "BODY[1.]", "BODY[0]", "BODY[MIME]",
		"BODY[HEADER.FIELDS]", "BODY[HEADER.FIELDS ()]",
		"BODY[HEADER.FIELDS (a:b)]", "BODY[TEXTX]", "BODY[1.TEXT.1]",
		"BODY[]<1>", "BODY[]<1.0>", "BODY[]<a.1>", "BODY[]x",
		"BODY[99999999999]", "RFC822", "BODY[HEADER.FIELDS (a",
		"BODY[1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21."
		"22.23.24.25.26.27.28.29.30.31.32.33]",
	};
	struct imap_fetch_body fb;
	struct imap_buf b = IMAP_BUF_INIT;
	const char *err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		CU_ASSERT_EQUAL(imap_fetch_body_parse(bad[i], &fb, &err), -1);
		CU_ASSERT_PTR_NOT_NULL(err);
	}
	CU_ASSERT_EQUAL(imap_fetch_body_parse(
		"body.peek[1.2.header.fields.not (From \"X Y\")]<10.20>",
		&fb, &err), 0);
	CU_ASSERT_TRUE(fb.peek);
	CU_ASSERT_TRUE(fb.partial);
	CU_ASSERT_EQUAL(fb.origin, 10);
	CU_ASSERT_EQUAL(fb.count, 20);
	CU_ASSERT_EQUAL(fb.section.n_fields, 2);
	imap_fetch_body_write_name(&b, &fb);
	CU_ASSERT_STRING_EQUAL(imap_buf_str(&b),
		"BODY[1.2.HEADER.FIELDS.NOT (From \"X Y\")]<10>");
	imap_fetch_body_free(&fb);
	imap_buf_reset(&b);
	CU_ASSERT_EQUAL(imap_fetch_body_parse("BODY[]", &fb, &err), 0);
	imap_fetch_body_write_name(&b, &fb);
	CU_ASSERT_STRING_EQUAL(imap_buf_str(&b), "BODY[]");
	imap_fetch_body_free(&fb);
	imap_buf_free(&b);
}

static void test_malformed(void)
{
	/* multipart without boundary: one empty text/plain part */
	assert_structure("Content-Type: multipart/mixed\r\n\r\nhello\r\n",
		true,
		"((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL "
		"\"7bit\" 0 0 NIL NIL NIL NIL) \"mixed\" NIL NIL NIL NIL)");
	/* no close delimiter: the last part runs to the end */
	assert_structure("Content-Type: multipart/mixed; boundary=b\r\n\r\n"
		"--b\r\n\r\nabc\r\n--b\r\nContent-Type: text/x\r\n\r\nde",
		false,
		"((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL "
		"\"7bit\" 3 0)(\"text\" \"x\" (\"charset\" \"us-ascii\") NIL "
		"NIL \"7bit\" 2 0) \"mixed\")");
	/* bare LF line ends, a header with no body, no empty line */
	assert_structure("Subject: x\nContent-Type: text/plain;\n"
		" charset=iso-8859-1 (comment)\n", false,
		"(\"text\" \"plain\" (\"charset\" \"iso-8859-1\") NIL NIL "
		"\"7bit\" 0 0)");
	/* invalid Content-Type falls back to text/plain */
	assert_structure("Content-Type: garbage\r\n\r\nx", false,
		"(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL "
		"\"7bit\" 1 0)");
	/* an outer boundary that is a prefix of the inner one */
	assert_structure("Content-Type: multipart/mixed; boundary=a\r\n\r\n"
		"--a\r\nContent-Type: multipart/mixed; boundary=ab\r\n\r\n"
		"--ab\r\n\r\none\r\n--ab--\r\n--a--\r\n", false,
		"(((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL "
		"\"7bit\" 3 0) \"mixed\") \"mixed\")");
	/* base64 message/rfc822 is not parsed as a message */
	assert_structure("Content-Type: message/rfc822\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\nAAAA", false,
		"(\"message\" \"rfc822\" NIL NIL NIL \"base64\" 4)");
}

static void test_digest_and_groups(void)
{
	const char *msg =
		"To: undisclosed-recipients:;\r\n"
		"Cc: A Group: a@x.test, \"B\" <b@y.test>;, c@z.test\r\n"
		"Bcc: bare, <@r1.test,@r2.test:route@dest.test>\r\n"
		"Content-Type: multipart/digest; boundary=d\r\n\r\n"
		"--d\r\n\r\nSubject: m1\r\n\r\nb1\r\n--d--\r\n";
	struct imap_mime *m = parse(msg);
	struct imap_buf b = IMAP_BUF_INIT;

	imap_write_bodystructure(&b, msg, m->root, false);
	CU_ASSERT_STRING_EQUAL(imap_buf_str(&b),
		"((\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 17 "
		"(NIL \"m1\" NIL NIL NIL NIL NIL NIL NIL NIL) "
		"(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL "
		"\"7bit\" 2 0) 2) \"digest\")");
	imap_buf_reset(&b);
	imap_write_envelope(&b, msg, m->root);
	CU_ASSERT_STRING_EQUAL(imap_buf_str(&b),
		"(NIL NIL NIL NIL NIL "
		"((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) "
		"((NIL NIL \"A Group\" NIL)(NIL NIL \"a\" \"x.test\")"
		"(\"B\" NIL \"b\" \"y.test\")(NIL NIL NIL NIL)"
		"(NIL NIL \"c\" \"z.test\")) "
		"((NIL NIL \"bare\" \"MISSING_DOMAIN\")"
		"(NIL \"@r1.test,@r2.test\" \"route\" \"dest.test\")) "
		"NIL NIL)");
	imap_buf_free(&b);
	imap_mime_free(m);
}

static void test_literal_in_structure(void)
{
	/* 8-bit or CR/LF values go out as literals */
	assert_structure("Content-Type: text/plain; name=\"caf\xc3\xa9\"\r\n"
		"\r\n", false,
		"(\"text\" \"plain\" (\"name\" {5}\r\ncaf\xc3\xa9 \"charset\" "
		"\"us-ascii\") NIL NIL \"7bit\" 0 0)");
}

/* Behaviours found by comparing with Dovecot 2.3.19 (see tests/fuzz). */
static void test_dovecot_conventions(void)
{
	const char *msg =
		"From: \r\n"
		"Sender: s@x.y\r\n"
		"To: a (c) @ b . c, <q@x.y> (not a name)\r\n"
		"Subject: first\r\n"
		"Subject: second\r\n"
		"Message-Id:   <id@z>  \r\n"
		"Content-Type: application/pdf; CHARSET=x;\r\n"
		" name*1*=.pdf; name*0*=utf-8''caf%C3%A9; Format=flowed\r\n"
		"\r\n";
	struct imap_mime *m = parse(msg);
	struct imap_buf b = IMAP_BUF_INIT;

	imap_write_envelope(&b, msg, m->root);
	/*
	 * The last repeated field wins, trailing blanks stay, a comment
	 * names a bare address, an empty From gives NIL.
	 */
	CU_ASSERT_STRING_EQUAL(imap_buf_str(&b),
		"(NIL \"second\" NIL ((NIL NIL \"s\" \"x.y\")) NIL "
		"((\"c\" NIL \"a\" \"b.c\")(NIL NIL \"q\" \"x.y\")) "
		"NIL NIL NIL \"<id@z>  \")");
	imap_buf_reset(&b);
	/* parameter names keep their case; RFC 2231 parts are joined */
	imap_write_bodystructure(&b, msg, m->root, false);
	CU_ASSERT_STRING_EQUAL(imap_buf_str(&b),
		"(\"application\" \"pdf\" (\"CHARSET\" \"x\" \"Format\" "
		"\"flowed\" \"name*\" \"utf-8''caf%C3%A9.pdf\") NIL NIL "
		"\"7bit\" 0)");
	imap_buf_free(&b);
	imap_mime_free(m);

	/* no empty line after the header: none after the fields either */
	assert_section("Subject: x\r\nTo: y", "BODY[HEADER.FIELDS (To)]",
		       "To: y\r\n");
	assert_section("Subject: x\r\n", "BODY[HEADER.FIELDS.NOT (To)]",
		       "Subject: x\r\n");
	assert_section("Subject: x\n\nbody", "BODY[HEADER.FIELDS (To)]",
		       "\r\n");
}

/* RFC 2046 5.1.1: a delimiter is a line that starts with "--boundary". */
static void test_delimiters(void)
{
	const char *msg =
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
		"preamble\r\n"
		"--b\r\nContent-Type: text/plain\r\n\r\n"
		"---b no\r\n --b no\r\n"
		"--bx yes: a prefix is enough\r\n\r\n"
		"third\r\n"
		"--b\r\nContent-Type: text/plain\r\n\r\n"
		"--b--\r\nepilogue\r\n";

	assert_section(msg, "BODY[1]", "---b no\r\n --b no");
	assert_section(msg, "BODY[2]", "third");
	assert_section(msg, "BODY[2.MIME]", "\r\n");
	/* an empty body: the empty line goes to the delimiter */
	assert_section(msg, "BODY[3]", "");
	assert_section(msg, "BODY[3.MIME]", "Content-Type: text/plain\r\n");
	assert_section(msg, "BODY[4]", NULL);
	/*
	 * A closed multipart keeps its close delimiter line whole; the
	 * line end before the parent's next delimiter is the delimiter's.
	 */
	assert_section("Content-Type: multipart/mixed; boundary=o\r\n\r\n"
		       "--o\r\nContent-Type: multipart/mixed; boundary=i\r\n"
		       "\r\n--i\r\n\r\nx\r\n--i--\r\nepi\r\n\r\n--o--",
		       "BODY[1]", "--i\r\n\r\nx\r\n--i--\r\nepi\r\n");
	assert_section("Content-Type: multipart/mixed; boundary=o\r\n\r\n"
		       "--o\r\nContent-Type: multipart/mixed; boundary=i\r\n"
		       "\r\n--i\r\n\r\nx\r\n--i--\r\n--o\r\n"
		       "Content-Type: multipart/mixed; boundary=j\r\n"
		       "\r\n--j\r\n\r\ny\r\n--o--\r\n", "BODY[1]",
		       "--i\r\n\r\nx\r\n--i--\r\n");
	assert_section("Content-Type: multipart/mixed; boundary=o\r\n\r\n"
		       "--o\r\nContent-Type: multipart/mixed; boundary=j\r\n"
		       "\r\n--j\r\n\r\ny\r\n--o--\r\n", "BODY[1]",
		       "--j\r\n\r\ny");
}

static void test_deep_nesting(void)
{
	struct imap_buf msg = IMAP_BUF_INIT, out = IMAP_BUF_INIT;
	struct imap_mime *m;
	int i;

	for (i = 0; i < 200; i++)
		imap_buf_addf(&msg, "Content-Type: multipart/mixed; "
			      "boundary=b%03d\r\n\r\n--b%03d\r\n", i, i);
	imap_buf_adds(&msg, "\r\nleaf\r\n");
	m = imap_mime_parse(msg.data, msg.len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	imap_write_bodystructure(&out, msg.data, m->root, true);
	CU_ASSERT_FALSE(imap_buf_failed(&out));
	CU_ASSERT_TRUE(m->n_parts <= IMAP_MIME_MAX_DEPTH + 2);
	imap_mime_free(m);

	/* many parts: capped */
	imap_buf_reset(&msg);
	imap_buf_adds(&msg, "Content-Type: multipart/mixed; boundary=x\r\n\r\n");
	for (i = 0; i < IMAP_MIME_MAX_PARTS + 50; i++)
		imap_buf_adds(&msg, "--x\r\n\r\np\r\n");
	m = imap_mime_parse(msg.data, msg.len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_TRUE(m->n_parts <= IMAP_MIME_MAX_PARTS + 1);
	imap_mime_free(m);
	imap_buf_free(&msg);
	imap_buf_free(&out);
}

void unit_register(void)
{
	static const CU_TestInfo tests[] = {
		{ "simple BODY/BODYSTRUCTURE", test_simple_structure },
		{ "simple ENVELOPE", test_simple_envelope },
		{ "nested multipart BODYSTRUCTURE", test_mixed_structure },
		{ "ENVELOPE addresses", test_mixed_envelope },
		{ "part offsets", test_offsets },
		{ "BODY[section]<partial>", test_sections },
		{ "HEADER.FIELDS(.NOT)", test_header_fields },
		{ "fetch attribute syntax", test_fetch_body_syntax },
		{ "malformed messages", test_malformed },
		{ "digest, groups, routes", test_digest_and_groups },
		{ "literals in BODYSTRUCTURE", test_literal_in_structure },
		{ "Dovecot conventions", test_dovecot_conventions },
		{ "delimiters and line ends", test_delimiters },
		{ "nesting and part limits", test_deep_nesting },
		CU_TEST_INFO_NULL,
	};

	unit_suite("imap_mime", tests);
}
