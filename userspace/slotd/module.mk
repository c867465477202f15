# slotd: the per-slot mail daemon (LMTP, POP3; IMAP plugs into proto/).
PROGS += slotd
slotd_SRCS := userspace/slotd/main.c userspace/slotd/listen.c \
	      userspace/slotd/config.c
slotd_LIBADD := slotproto imap store twincore
slotd_LDLIBS := -luring -lssl -lcrypto -ldb -lpthread
