# twinhb: heartbeat and failover daemon, and its control CLI (docs/twinhb.md).

TWINHB_CORE := tools/twinhb/conf.c tools/twinhb/msg.c tools/twinhb/fsm.c \
	tools/twinhb/disk.c

PROGS += twinhb
twinhb_SRCS := $(TWINHB_CORE) tools/twinhb/main.c tools/twinhb/log.c \
	tools/twinhb/loop.c tools/twinhb/proc.c tools/twinhb/vip.c \
	tools/twinhb/group.c tools/twinhb/cluster.c tools/twinhb/ctl.c \
	tools/twinhb/report.c tools/twinhb/cli.c
twinhb_LDLIBS := -luring -lcrypto -lnl-route-3 -lnl-3

# libnl keeps its headers in a directory of their own.
$(call obj_of,tools/twinhb/vip.c): CFLAGS += -I/usr/include/libnl3

UNIT_TESTS += test-twinhb-config test-twinhb-msg test-twinhb-fsm \
	test-twinhb-disk
test-twinhb-config_SRCS := tests/unit/test-twinhb-config.c \
	tools/twinhb/conf.c tests/unit/cu_run.c
test-twinhb-config_LDLIBS := -lcunit -lcrypto
test-twinhb-msg_SRCS := tests/unit/test-twinhb-msg.c tools/twinhb/msg.c \
	tests/unit/cu_run.c
test-twinhb-msg_LDLIBS := -lcunit -lcrypto
test-twinhb-fsm_SRCS := tests/unit/test-twinhb-fsm.c tools/twinhb/fsm.c \
	tests/unit/cu_run.c
test-twinhb-fsm_LDLIBS := -lcunit
test-twinhb-disk_SRCS := tests/unit/test-twinhb-disk.c tools/twinhb/disk.c \
	tests/unit/cu_run.c
test-twinhb-disk_LDLIBS := -lcunit
