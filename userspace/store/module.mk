# The slot mail store library (see userspace/store/store.h and
# docs/slot-layout.md).  Users link: -ldb -lcrypto.
LIBS += store
store_SRCS := userspace/store/store.c userspace/store/store_rec.c \
	      userspace/store/store_name.c userspace/store/store_user.c \
	      userspace/store/store_mailbox.c userspace/store/store_msg.c \
	      userspace/store/store_deliver.c userspace/store/store_recover.c \
	      userspace/store/store_audit.c userspace/store/store_dump.c \
	      userspace/store/store_backup.c \
	      userspace/store/store_cache.c
STORE_LDLIBS := -ldb -lcrypto

UNIT_TESTS += test-store
test-store_SRCS := tests/unit/cu_run.c tests/unit/test-store.c \
		   tests/unit/test-store-msg.c tests/unit/test-store-cache.c
test-store_LIBADD := store
test-store_LDLIBS := $(STORE_LDLIBS) -lcunit
