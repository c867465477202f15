# IMAP protocol libraries: command parser, sequence sets, modified UTF-7,
# MIME structure (BODYSTRUCTURE, ENVELOPE, BODY[section]), SEARCH and
# response formatting.  No I/O: the IMAP server (userspace/proto) uses them.
# Fuzzing and the Dovecot differential test: tests/fuzz/README.

LIBS += imap
imap_SRCS := $(addprefix userspace/imap/, \
	imap_buf.c imap_parser.c imap_seqset.c imap_utf7.c imap_write.c \
	imap_flags.c imap_date.c imap_mime.c imap_mime_fields.c \
	imap_envelope.c imap_bodystructure.c imap_section.c imap_decode.c \
	imap_search.c imap_search_eval.c)

# CUnit tests, one per module
UNIT_TESTS += test-imap-parser
test-imap-parser_SRCS := tests/unit/test-imap-parser.c tests/unit/cu_run.c
test-imap-parser_LIBADD := imap
test-imap-parser_LDLIBS := -lcunit

UNIT_TESTS += test-imap-seqset
test-imap-seqset_SRCS := tests/unit/test-imap-seqset.c tests/unit/cu_run.c
test-imap-seqset_LIBADD := imap
test-imap-seqset_LDLIBS := -lcunit

UNIT_TESTS += test-imap-utf7
test-imap-utf7_SRCS := tests/unit/test-imap-utf7.c tests/unit/cu_run.c
test-imap-utf7_LIBADD := imap
test-imap-utf7_LDLIBS := -lcunit

UNIT_TESTS += test-imap-mime
test-imap-mime_SRCS := tests/unit/test-imap-mime.c tests/unit/cu_run.c
test-imap-mime_LIBADD := imap
test-imap-mime_LDLIBS := -lcunit

UNIT_TESTS += test-imap-search
test-imap-search_SRCS := tests/unit/test-imap-search.c tests/unit/cu_run.c
test-imap-search_LIBADD := imap
test-imap-search_LDLIBS := -lcunit

UNIT_TESTS += test-imap-write
test-imap-write_SRCS := tests/unit/test-imap-write.c tests/unit/cu_run.c
test-imap-write_LIBADD := imap
test-imap-write_LDLIBS := -lcunit
