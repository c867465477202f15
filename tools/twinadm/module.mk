# twinadm: the administration tool of the twin replicated block device.
#
# Everything except main.c goes into libtwadm.a so that the unit tests link
# the same objects as the program.

TWINADM_DIR := tools/twinadm
TWINADM_NL_CFLAGS := -I/usr/include/libnl3
TWINADM_NL_LIBS := -lnl-genl-3 -lnl-3

LIBS += twadm
twadm_SRCS := $(addprefix $(TWINADM_DIR)/, \
	config.c config_dump.c json.c status.c md.c nl.c errors.c cmd.c \
	cmd_show.c cmd_wait.c help.c)

PROGS += twinadm
twinadm_SRCS := $(TWINADM_DIR)/main.c
twinadm_LIBADD := twadm
twinadm_LDLIBS := $(TWINADM_NL_LIBS)

TWINADM_UNIT_TESTS := test-twinadm-config test-twinadm-status test-twinadm-md \
	test-twinadm-nl
UNIT_TESTS += $(TWINADM_UNIT_TESTS)
$(foreach t,$(TWINADM_UNIT_TESTS),\
	$(eval $(t)_SRCS := tests/unit/$(t).c tests/unit/cu_run.c) \
	$(eval $(t)_LIBADD := twadm) \
	$(eval $(t)_LDLIBS := -lcunit $(TWINADM_NL_LIBS)))

# libnl's headers live in their own folder.
$(O)/obj/$(TWINADM_DIR)/%.o: CFLAGS += $(TWINADM_NL_CFLAGS)
$(O)/obj/tests/unit/test-twinadm-%.o: CFLAGS += $(TWINADM_NL_CFLAGS)
