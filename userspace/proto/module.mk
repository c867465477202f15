# slotproto: the mail protocols slotd serves, and their parsers.
LIBS += slotproto
slotproto_SRCS := userspace/proto/proto.c userspace/proto/auth.c \
		  userspace/proto/dot.c \
		  userspace/proto/sasl.c userspace/proto/lmtp_parse.c \
		  userspace/proto/lmtp.c userspace/proto/pop3_parse.c \
		  userspace/proto/pop3.c

UNIT_TESTS += test-lmtp test-pop3 test-dot test-slotd-conf test-buf
test-lmtp_SRCS := tests/unit/cu_run.c tests/unit/test-lmtp.c \
		  userspace/proto/lmtp_parse.c
test-lmtp_LDLIBS := -lcunit
test-pop3_SRCS := tests/unit/cu_run.c tests/unit/test-pop3.c \
		  userspace/proto/pop3_parse.c userspace/proto/sasl.c
test-pop3_LDLIBS := -lcunit
test-dot_SRCS := tests/unit/cu_run.c tests/unit/test-dot.c \
		 userspace/proto/dot.c
test-dot_LDLIBS := -lcunit
test-slotd-conf_SRCS := tests/unit/cu_run.c tests/unit/test-slotd-conf.c \
			userspace/slotd/config.c
test-slotd-conf_LIBADD := twincore
test-slotd-conf_LDLIBS := -lcunit
test-buf_SRCS := tests/unit/cu_run.c tests/unit/test-buf.c
test-buf_LIBADD := twincore
test-buf_LDLIBS := -lcunit

# IMAP4rev1 sessions (imap.h); the protocol libraries are in userspace/imap.
slotproto_SRCS += userspace/proto/imap.c userspace/proto/imap_view.c \
		  userspace/proto/imap_io.c userspace/proto/imap_cmd_auth.c \
		  userspace/proto/imap_cmd_misc.c \
		  userspace/proto/imap_cmd_select.c \
		  userspace/proto/imap_cmd_mailbox.c \
		  userspace/proto/imap_cmd_append.c \
		  userspace/proto/imap_cmd_fetch.c \
		  userspace/proto/imap_cmd_store.c \
		  userspace/proto/imap_cmd_search.c \
		  userspace/proto/imap_cmd_copy.c \
		  userspace/proto/imap_cmd_idle.c

# IMAP sessions driven over a socketpair on the real loop.
UNIT_TESTS += test-imap-session
test-imap-session_SRCS := tests/unit/cu_run.c tests/unit/test-imap-session.c \
			  userspace/slotd/config.c
test-imap-session_LIBADD := slotproto imap store twincore
test-imap-session_LDLIBS := -luring -lssl -lcrypto -ldb -lpthread -lcunit
